"""A paid session's calendar file, to each of its two people: the event, its update after a move, its cancellation."""
from __future__ import annotations

from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage
from bot.views.calendar_files import session_file
from core.bookings import BookingStatus
from core.usecases.booking import BookingNotice, settled_booking


def notice_kinds() -> dict[str, NoticeKind]:
    return {BookingNotice.CALENDAR.value: CalendarEvent()}


class CalendarEvent(NoticeKind):
    """params: booking_id, version, cancelled. An event of a version since moved is dropped: its update follows."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        booking = await settled_booking(context.uow, context.clock, int(context.params["booking_id"]))
        if booking is None or booking.side_of(context.recipient.telegram_id) is None:
            return []
        cancelled = bool(context.params.get("cancelled"))
        if not cancelled and (booking.status is not BookingStatus.PAID or booking.version != context.params["version"]):
            return []
        document = await session_file(
            context.uow, booking, context.recipient.telegram_id, context.recipient.timezone,
            now=context.clock.now(), base_url=context.settings.meeting_base_url,
            public_base_url=context.settings.public_base_url, cancelled=cancelled,
        )
        return [document]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""
