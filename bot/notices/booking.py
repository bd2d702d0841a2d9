"""The booking's timed messages, each rendered at send time for its reader.

Both sides of the shared chat see the booking's system messages, each in
their own language and time zone. Each kind first looks at the booking as
time has left it and sends nothing when its reason is gone: a request already
answered, a reminder for a booking already paid or cancelled, a session
reminder once the session has begun.

The lapse, the payment deadline and the end of a session are decided by time;
their kinds also save that decision with the message's fate (sent, dropped or
failed), so the booking's row says what the chat said.
"""
from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.booking import SessionOpen, no_show_keyboard, request_keyboard
from bot.keyboards.directory import other_therapists_keyboard, other_times_keyboard
from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from bot.views.bookings import paid_back, request_lines
from bot.views.meetings import meeting_lines
from bot.views.presenting import from_now, local_moment, money
from bot.views.therapist_labels import therapist_name
from core.bookings import Booking, BookingStatus
from core.conversations import Side
from core.payments import Refund
from core.platform_rules import FREE_CANCELLATION_HOURS
from core.usecases.booking import BookingNotice, released_by_time, settled_booking
from core.usecases.directory import is_listed
from core.usecases.refunds import refund_of_booking


def notice_kinds() -> dict[str, NoticeKind]:
    return {
        BookingNotice.REQUESTED.value: Requested(),
        BookingNotice.CONFIRMED.value: Confirmed(),
        BookingNotice.DECLINED.value: Declined(),
        BookingNotice.LAPSED.value: Lapsed(),
        BookingNotice.CANCELLED.value: Cancelled(),
        BookingNotice.MOVED.value: Moved(),
        BookingNotice.NO_SHOW.value: NoShow(),
        BookingNotice.PAYMENT_REMINDER.value: PaymentReminder(),
        BookingNotice.EXPIRED.value: Expired(),
        BookingNotice.SESSION_REMINDER.value: SessionReminder(),
        BookingNotice.ENDED.value: Ended(),
    }


@dataclass
class Scene:
    """The booking as its reader sees it now."""

    booking: Booking
    side: Side
    zone: str
    therapist: str
    client: str
    therapist_listed: bool
    context: NoticeContext
    refund: Refund | None = None  # the payment's refund, in the currency it was paid in
    own_room: str | None = None  # the therapist's standing video room

    def at(self, moment: datetime | None = None) -> str:
        return local_moment(moment or self.booking.starts_at, self.zone)

    @property
    def current(self) -> bool:
        """Still the booking's time this message was written for."""
        return self.booking.version == self.context.params.get("version")


class BookingKind(NoticeKind):
    time_decides = False  # the message carries a change time made: save it with the message's fate

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        scene = await _scene(context)
        if scene is None or not self.holds(scene):
            return []
        text, markup = self.compose(scene)
        return [Text(text, reply_markup=markup)]

    @abstractmethod
    def holds(self, scene: Scene) -> bool:
        """Whether the message's reason still holds for this booking, now."""

    @abstractmethod
    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        """The text and buttons, for this reader."""

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        if self.time_decides:
            await settled_booking(context.uow, context.clock, context.params["booking_id"])

    async def on_failed(self, context: NoticeContext, reason: str) -> None:
        await self.after_sent(context, [])


class Requested(BookingKind):
    def holds(self, scene: Scene) -> bool:
        return scene.booking.status is BookingStatus.REQUESTED and scene.current

    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        booking = scene.booking
        assert booking.lapses_at is not None
        if scene.side is Side.CLIENT:
            return _(
                "📨 Your request for {moment} with {therapist} is sent. A therapist takes each new client "
                "personally, so they confirm first: by {deadline} at the latest. I will write as soon as they answer."
            ).format(moment=scene.at(), therapist=scene.therapist, deadline=scene.at(booking.lapses_at)), None
        asks = _(
            "📨 A new client, {client}, asks for a session on {moment}. Will you take them? "
            "Unanswered, the request lapses at {deadline}."
        ).format(client=scene.client, moment=scene.at(), deadline=scene.at(booking.lapses_at))
        return "\n\n".join([asks, *request_lines(booking)]), request_keyboard(booking.id, booking.version)


class Confirmed(BookingKind):
    def holds(self, scene: Scene) -> bool:
        return scene.booking.status in (BookingStatus.AWAITING_PAYMENT, BookingStatus.PAID) and scene.current

    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        booking = scene.booking
        unpaid = booking.status is BookingStatus.AWAITING_PAYMENT and booking.payment_due_at is not None
        if scene.side is Side.CLIENT:
            text = _("✅ Your session with {therapist} on {moment} is confirmed.").format(
                therapist=scene.therapist, moment=scene.at()
            )
            if unpaid:
                assert booking.payment_due_at is not None
                text += " " + _(
                    "Please pay {price} by {deadline}: an unpaid session is cancelled then and the time released."
                ).format(price=money(booking.price_minor), deadline=scene.at(booking.payment_due_at))
            return text, _open_button(booking)
        text = _("✅ Your session with {client} on {moment} is confirmed.").format(client=scene.client, moment=scene.at())
        if unpaid:
            assert booking.payment_due_at is not None
            text += " " + _(
                "Hold the time for the client once this chat shows «Оплата пройшла успішно». "
                "If it is not paid by {deadline}, the session is cancelled."
            ).format(deadline=scene.at(booking.payment_due_at))
        return text, None


class Declined(BookingKind):
    def holds(self, scene: Scene) -> bool:
        return scene.booking.status is BookingStatus.DECLINED

    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        if scene.side is Side.CLIENT:
            if scene.booking.topics:  # other therapists who work with what the client comes with
                return _(
                    "😔 {therapist} cannot take the session on {moment}. Other therapists work with what you "
                    "would like to work on, or another time may suit you:"
                ).format(therapist=scene.therapist, moment=scene.at()), other_therapists_keyboard(
                    scene.booking.topics, scene.booking.therapist_id, other_times=scene.therapist_listed
                )
            return _(
                "😔 {therapist} cannot take the session on {moment}. Another time or another therapist may suit you:"
            ).format(therapist=scene.therapist, moment=scene.at()), _other_times(scene)
        return _("You declined the request of {client} for {moment}.").format(client=scene.client, moment=scene.at()), None


class ReleasedByTime(BookingKind):
    """A booking that time ends without anyone's doing lets go of its time: whoever waits for one hears."""

    time_decides = True

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        await released_by_time(context.uow, context.clock, context.params["booking_id"])


class Lapsed(ReleasedByTime):

    def holds(self, scene: Scene) -> bool:
        return scene.booking.status is BookingStatus.LAPSED and scene.current

    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        if scene.side is Side.CLIENT:
            return _(
                "⌛ {therapist} did not answer your request for {moment} in time, so it has lapsed. "
                "Choose another time or another therapist:"
            ).format(therapist=scene.therapist, moment=scene.at()), _other_times(scene)
        return _("⌛ The request of {client} for {moment} lapsed unanswered; the time is free again.").format(
            client=scene.client, moment=scene.at()
        ), None


class Cancelled(BookingKind):
    def holds(self, scene: Scene) -> bool:
        return scene.booking.status in (BookingStatus.CANCELLED_IN_TIME, BookingStatus.CANCELLED_LATE)

    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        booking = scene.booking
        names = {"therapist": scene.therapist, "client": scene.client, "moment": scene.at()}
        refund = booking.refund_due_minor
        late = booking.status is BookingStatus.CANCELLED_LATE
        if booking.confirmed_at is None:
            if scene.side is Side.CLIENT:
                return _("✖️ You withdrew your request for {moment} with {therapist}.").format(**names), None
            return _("✖️ {client} withdrew the request for {moment}.").format(**names), None
        if booking.cancelled_by is Side.THERAPIST:
            if scene.side is Side.CLIENT:
                text = _("✖️ {therapist} had to cancel the session on {moment}. It costs you nothing.").format(**names)
                if refund:
                    text += " " + _refunded_to_you(refund, scene)
                return text, _other_times(scene)
            text = _("✖️ You cancelled the session with {client} on {moment}. It costs the client nothing.").format(**names)
            if refund:
                paid, due = paid_back(scene.refund), money(refund)
                text += " " + (
                    _("They get a full refund of {paid} ({amount}).").format(paid=paid, amount=due)
                    if paid
                    else _("They get a full refund of {amount}.").format(amount=due)
                )
            return text, None
        if scene.side is Side.CLIENT:
            if late:
                text = ngettext(
                    "✖️ You cancelled the session on {moment} with {therapist} less than {hours} hour ahead, "
                    "so it counts as held.",
                    "✖️ You cancelled the session on {moment} with {therapist} less than {hours} hours ahead, "
                    "so it counts as held.",
                    FREE_CANCELLATION_HOURS,
                ).format(**names, hours=FREE_CANCELLATION_HOURS)
                if booking.paid_minor:
                    text += " " + _("The payment is not refunded.")
                return text, None
            text = _("✖️ You cancelled the session on {moment} with {therapist}. It costs you nothing.").format(**names)
            if refund:
                text += " " + _refunded_to_you(refund, scene)
            return text, None
        if late:
            return ngettext(
                "✖️ {client} cancelled the session on {moment} less than {hours} hour ahead: it counts as held.",
                "✖️ {client} cancelled the session on {moment} less than {hours} hours ahead: it counts as held.",
                FREE_CANCELLATION_HOURS,
            ).format(**names, hours=FREE_CANCELLATION_HOURS), None
        text = _("✖️ {client} cancelled the session on {moment}. The time is free again.").format(**names)
        if refund:
            text += " " + _("The client gets a full refund.")
        return text, None


class Moved(BookingKind):
    def holds(self, scene: Scene) -> bool:
        return scene.booking.version >= scene.context.params.get("version", 0)

    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        params = scene.context.params
        names = {
            "therapist": scene.therapist,
            "client": scene.client,
            "old": scene.at(datetime.fromisoformat(params["previous_start"])),
            "new": scene.at(datetime.fromisoformat(params["new_start"])),
        }
        if scene.side is Side.THERAPIST:
            return _("🔁 {client} moved the session from {old} to {new}.").format(**names), None
        text = _("🔁 Your session with {therapist} is moved from {old} to {new}.").format(**names)
        booking = scene.booking
        if scene.current and booking.status is BookingStatus.AWAITING_PAYMENT and booking.payment_due_at:
            text += " " + _("Please pay by {deadline}.").format(deadline=scene.at(booking.payment_due_at))
        return text, None


class NoShow(BookingKind):
    def holds(self, scene: Scene) -> bool:
        return scene.booking.status is BookingStatus.NO_SHOW

    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        names = {"therapist": scene.therapist, "client": scene.client, "moment": scene.at()}
        if scene.side is Side.CLIENT:
            return _(
                "🚫 {therapist} marked that you did not come to the session on {moment}. It counts as held. "
                "If this is a mistake, write to the platform's support: /support"
            ).format(**names), None
        return _("🚫 Marked: {client} did not come to the session on {moment}. It counts as held.").format(**names), None


class PaymentReminder(BookingKind):
    def holds(self, scene: Scene) -> bool:
        booking = scene.booking
        return (
            booking.status is BookingStatus.AWAITING_PAYMENT
            and scene.current
            and booking.payment_due_at is not None
            and scene.context.clock.now() < booking.payment_due_at
        )

    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        booking = scene.booking
        assert booking.payment_due_at is not None
        if scene.side is Side.THERAPIST:  # the shared chat shows the reminder on both sides
            return _(
                "ℹ️ {client}: the payment reminder for the session on {moment} went out; it is not paid yet "
                "(due by {deadline})."
            ).format(client=scene.client, moment=scene.at(), deadline=scene.at(booking.payment_due_at)), None
        return _(
            "💳 A reminder: your session with {therapist} on {moment} is not paid yet. Please pay {price} by "
            "{deadline}, or the session is cancelled and the time released."
        ).format(
            therapist=scene.therapist,
            moment=scene.at(),
            price=money(booking.price_minor),
            deadline=scene.at(booking.payment_due_at),
        ), _open_button(booking)


class Expired(ReleasedByTime):

    def holds(self, scene: Scene) -> bool:
        return scene.booking.status is BookingStatus.EXPIRED and scene.current

    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        names = {"therapist": scene.therapist, "client": scene.client, "moment": scene.at()}
        if scene.side is Side.CLIENT:
            return _(
                "⌛ The session on {moment} with {therapist} was not paid in time, so it is cancelled and the "
                "time released. You can book again:"
            ).format(**names), _other_times(scene)
        return _(
            "⌛ The session with {client} on {moment} is NOT paid and is cancelled. Please do not wait for this "
            "client then: no payment, no session."
        ).format(**names), None


class SessionReminder(BookingKind):
    """Rendered from the moment it goes out: a late one says how long is really left, or gives way to the next."""

    def holds(self, scene: Scene) -> bool:
        booking = scene.booking
        now = scene.context.clock.now()
        if booking.status is not BookingStatus.PAID or not scene.current or now >= booking.starts_at:
            return False
        lead = timedelta(hours=int(scene.context.params.get("hours", 0)))
        shorter = [other for other in scene.context.settings.booking_policy().reminders if other < lead]
        return not any(now >= booking.starts_at - other for other in shorter)  # the next reminder speaks now

    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        name = scene.therapist if scene.side is Side.CLIENT else scene.client
        when = _("⏰ {when}: your session with {name}, {moment}.").format(
            when=from_now(scene.booking.starts_at, scene.context.clock.now(), scene.zone), name=name, moment=scene.at()
        )
        where = meeting_lines(scene.booking, scene.side, scene.own_room, scene.context.settings.meeting_base_url)
        return "\n".join(part for part in (when, where) if part), None


class Ended(BookingKind):
    time_decides = True

    def holds(self, scene: Scene) -> bool:
        return scene.booking.status is BookingStatus.HELD and scene.current and scene.side is Side.THERAPIST

    def compose(self, scene: Scene) -> tuple[str, InlineKeyboardMarkup | None]:
        booking = scene.booking
        return _(
            "☑️ The session with {client} on {moment} has ended and is recorded as held. "
            "If the client did not come, mark it:"
        ).format(client=scene.client, moment=scene.at()), no_show_keyboard(booking.id, booking.version)


async def _scene(context: NoticeContext) -> Scene | None:
    booking = await settled_booking(context.uow, context.clock, int(context.params["booking_id"]))
    if booking is None:
        return None
    side = booking.side_of(context.recipient.telegram_id)
    if side is None:
        return None
    therapist = await context.uow.therapists.get(booking.therapist_id)
    client = await context.uow.users.get(booking.client_id)
    return Scene(
        booking=booking,
        side=side,
        zone=context.recipient.timezone,
        therapist=therapist_name(therapist),
        client=client.shown_name if client else "—",
        therapist_listed=therapist is not None and is_listed(therapist, context.clock.now()),
        context=context,
        refund=await refund_of_booking(context.uow, booking.id) if booking.refund_due_minor else None,
        own_room=therapist.meeting_url if therapist else None,
    )


def _refunded_to_you(due_minor: int, scene: Scene) -> str:
    """The client's full refund: the price, and the stars when Stars paid it (they get stars, not hryvnias)."""
    paid, due = paid_back(scene.refund), money(due_minor)
    if paid:
        return _("{paid} ({amount}) will be refunded to you in full.").format(paid=paid, amount=due)
    return _("{amount} will be refunded to you in full.").format(amount=due)


def _other_times(scene: Scene) -> InlineKeyboardMarkup:
    return other_times_keyboard(scene.booking.therapist_id if scene.therapist_listed else None)


def _open_button(booking: Booking) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📅 Open the session"), callback_data=SessionOpen(booking_id=booking.id))
    return builder.as_markup()
