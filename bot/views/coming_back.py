"""How coming back reads: the offer after a session, and the plain word when the therapist takes no bookings."""
from __future__ import annotations

from datetime import timedelta

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.views.presenting import calendar_day, local_moment, money
from bot.views.therapist_labels import therapist_name
from core.bookings import Booking
from core.platform_rules import PAYMENT_DUE_HOURS
from core.usecases.coming_back import WEEK, AwayReason, ReturnOffer, TherapistAway

# A wanted start this close to a week after the session is "next week" (a change of summer time moves it an hour).
NEXT_WEEK_SLACK = timedelta(hours=2)


def ended_line(name: str, session: Booking, zone: str) -> str:
    """The first line of the message at a session's end."""
    return _("☑️ {name}: the session on {moment} is over.").format(name=name, moment=local_moment(session.starts_at, zone))


def offer_text(offer: ReturnOffer, zone: str, *, ended: bool = False) -> str:
    """The offer; `ended`: sent at the end of the session, so it opens by saying so."""
    name = therapist_name(offer.therapist)
    lines = []
    if ended:
        lines.append(ended_line(name, offer.session, zone))
    if offer.upcoming is not None:
        lines.append(_("{name}: your next session is already booked, {moment}.").format(
            name=name, moment=local_moment(offer.upcoming.starts_at, zone)
        ))
    wanted = local_moment(offer.wanted, zone)
    next_week = offer.wanted - offer.session.starts_at <= WEEK + NEXT_WEEK_SLACK
    if offer.same_time_free:
        lines.append(
            (
                _("🔁 The same time next week is free: {moment}. One tap books it.")
                if next_week
                else _("🔁 The same weekday and time is free: {moment}. One tap books it.")
            ).format(moment=wanted)
        )
    elif offer.vacation_until is not None:  # not "taken": the therapist is away then
        away = {"name": name, "day": calendar_day(offer.vacation_until), "moment": wanted}
        if not offer.times:
            lines.append(_("🔁 {name} is on vacation until {day}, so {moment} cannot be booked.").format(**away))
            lines.append(_("No free time in the coming weeks."))
            return "\n".join(lines)
        lines.append(
            _("🔁 {name} is on vacation until {day}, so {moment} cannot be booked. The free times nearest to it:").format(
                **away
            )
        )
    elif offer.times:
        lines.append(
            (
                _("🔁 The same time next week, {moment}, is taken. The free times nearest to it:")
                if next_week
                else _("🔁 The same weekday and time, {moment}, is taken. The free times nearest to it:")
            ).format(moment=wanted)
        )
    else:
        lines.append(_("No free time in the coming weeks."))
        return "\n".join(lines)
    lines.append(ngettext(
        "Each session is booked on its own: {price}, paid by {hours} hour before it starts.",
        "Each session is booked on its own: {price}, paid by {hours} hours before it starts.",
        PAYMENT_DUE_HOURS,
    ).format(price=money(offer.therapist.price_minor), hours=PAYMENT_DUE_HOURS))
    return "\n".join(lines)


def away_text(away: TherapistAway) -> str:
    """Why the next session cannot be booked now, plainly."""
    name = therapist_name(away.therapist)
    if away.reason is AwayReason.PAUSED:
        return _("{name}: new bookings are paused for now, so the next session cannot be booked yet.").format(name=name)
    if away.reason is AwayReason.VACATION and away.until is not None:
        return _("{name}: on vacation until {day}, so the next session can be booked after that.").format(
            name=name, day=calendar_day(away.until)
        )
    return _("{name}: no longer taking bookings on the platform. You can choose another therapist:").format(name=name)
