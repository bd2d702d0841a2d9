"""How therapists and bookings read in chat: cards, profiles, statuses, in the reader's zone."""
from __future__ import annotations

from datetime import datetime

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.views.lengths import MESSAGE_LIMIT, clip, units
from bot.views.meetings import meeting_lines
from bot.views.presenting import local_moment, moment_label, money, reader_language
from bot.views.therapist_labels import APPROACHES, LANGUAGES, TOPICS, labels, therapist_name
from core.bookings import Booking, BookingStatus
from core.conversations import Side
from core.payments import UAH, Refund
from core.therapists import TherapistProfile
from core.usecases.booking import SessionView

EDUCATION_LIMIT = 1500  # the rest of a message is the therapist's own words about their work
CARD_TOPICS = 3

STATUS = {
    BookingStatus.REQUESTED: __("⏳ awaiting the therapist's answer"),
    BookingStatus.AWAITING_PAYMENT: __("💳 confirmed, to be paid"),
    BookingStatus.PAID: __("✅ paid"),
    BookingStatus.HELD: __("☑️ held"),
    BookingStatus.CANCELLED_IN_TIME: __("✖️ cancelled"),
    BookingStatus.CANCELLED_LATE: __("✖️ cancelled late: counts as held"),
    BookingStatus.NO_SHOW: __("🚫 missed: counts as held"),
    BookingStatus.EXPIRED: __("⌛ not paid in time: cancelled"),
    BookingStatus.DECLINED: __("✖️ declined by the therapist"),
    BookingStatus.LAPSED: __("⌛ request unanswered"),
}


def status_label(status: BookingStatus) -> str:
    return str(STATUS[status])


def short_card(therapist: TherapistProfile, nearest: datetime | None, reader_zone: str) -> str:
    """One therapist in the directory's list, with when they are free next in the reader's zone."""
    topics = labels(TOPICS, therapist.topics[:CARD_TOPICS])
    facts = _("{name} · {price}\n{topics} · {languages}").format(
        name=therapist_name(therapist),
        price=money(therapist.price_minor),
        topics=topics,
        languages=labels(LANGUAGES, therapist.languages),
    )
    return f"{facts}\n🗓 {nearest_line(nearest, reader_zone)}"


def nearest_line(nearest: datetime | None, reader_zone: str) -> str:
    if nearest is None:
        return _("No free time in the coming weeks.")
    return _("Nearest free time: {moment}").format(moment=local_moment(nearest, reader_zone))


def profile_text(therapist: TherapistProfile, nearest: datetime | None, reader_zone: str, share_link: str) -> str:
    years = ngettext("{count} year", "{count} years", therapist.experience_years).format(
        count=therapist.experience_years
    )
    head = _(
        "{name}\n"
        "💰 {price} per 50-minute session\n"
        "🏅 Experience: {years}\n"
        "🧭 Approach: {approaches}\n"
        "💬 Topics: {topics}\n"
        "🌐 Languages: {languages}\n"
        "🗓 {nearest}"
    ).format(
        name=therapist_name(therapist),
        price=money(therapist.price_minor),
        years=years,
        approaches=labels(APPROACHES, therapist.approaches),
        topics=labels(TOPICS, therapist.topics),
        languages=labels(LANGUAGES, therapist.languages),
        nearest=nearest_line(nearest, reader_zone),
    )
    tail = _("Link to this profile: {link}").format(link=share_link)
    language = reader_language()  # a reader of English sees the therapist's English texts where they gave them
    education = _("🎓 Education:\n{education}").format(education=clip(therapist.education_for(language), EDUCATION_LIMIT))
    room = MESSAGE_LIMIT - units(head) - units(tail) - units(education) - 12
    about = clip(therapist.about_for(language), max(room, 0))
    return "\n\n".join(part for part in (head, about, education, tail) if part)


def session_line(view: SessionView, zone: str) -> str:
    return _("{moment} · {name}\n{status}").format(
        moment=moment_label(view.booking.starts_at, zone),
        name=view.counterpart_name,
        status=status_label(view.booking.status),
    )


def session_card(view: SessionView, zone: str, meeting_base_url: str) -> str:
    """A booking in full for one of its two people, with what it means for money and, once paid, where it happens."""
    booking = view.booking
    who = _("Therapist") if view.side is Side.CLIENT else _("Client")
    lines = [
        _("🗓 {moment}").format(moment=moment_label(booking.starts_at, zone)),
        _("👤 {who}: {name}").format(who=who, name=view.counterpart_name),
        _("💰 {price}").format(price=money(booking.price_minor)),
        _("Status: {status}").format(status=status_label(booking.status)),
    ]
    if booking.status is BookingStatus.AWAITING_PAYMENT and booking.payment_due_at:
        lines.append(_("Pay by {moment}.").format(moment=local_moment(booking.payment_due_at, zone)))
    if booking.refund_due_minor:
        due, paid = money(booking.refund_due_minor), paid_back(view.refund)
        lines.append(
            _("Refund due: {paid} ({amount}).").format(paid=paid, amount=due)
            if paid
            else _("Refund due: {amount}.").format(amount=due)
        )
    lines.append(meeting_lines(booking, view.side, view.own_room, meeting_base_url))
    lines += request_lines(booking) if view.side is Side.THERAPIST else own_request_lines(booking)
    return "\n".join(line for line in lines if line)


def request_lines(booking: Booking) -> list[str]:
    """What the client comes with, for the therapist: the topics they chose and their note."""
    lines = []
    if booking.topics:
        lines.append(_("💬 Would like to work on: {topics}").format(topics=labels(TOPICS, booking.topics)))
    if booking.note:
        lines.append(_("📝 Their note, for you only:\n{note}").format(note=booking.note))
    return lines


def own_request_lines(booking: Booking) -> list[str]:
    """The client's own request, as they sent it."""
    lines = []
    if booking.topics:
        lines.append(_("💬 You would like to work on: {topics}").format(topics=labels(TOPICS, booking.topics)))
    if booking.note:
        lines.append(_("📝 Your note, only this therapist reads it:\n{note}").format(note=booking.note))
    return lines


def paid_back(refund: Refund | None) -> str | None:
    """What a refund gives back when it is not hryvnias («1 800 ⭐»), to show beside the price; None otherwise."""
    if refund is None or refund.currency == UAH:
        return None
    return money(refund.amount_minor, refund.currency)


def booking_moment(booking: Booking, zone: str) -> str:
    return local_moment(booking.starts_at, zone)
