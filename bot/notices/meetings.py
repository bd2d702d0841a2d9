"""The meeting place's timed messages: a paid session's new link, to its client."""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from bot.presenting import local_moment
from core.bookings import BookingStatus
from core.meetings import meeting_link
from core.usecases.booking import settled_booking
from core.usecases.meetings import MEETING_CHANGED


def notice_kinds() -> dict[str, NoticeKind]:
    return {MEETING_CHANGED: MeetingChanged()}


class MeetingChanged(NoticeKind):
    """params: booking_id. Dropped once the session is no longer paid and ahead, or has no link to give."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        booking = await settled_booking(context.uow, context.clock, int(context.params["booking_id"]))
        if booking is None or booking.client_id != context.recipient.telegram_id:
            return []
        if booking.status is not BookingStatus.PAID or booking.starts_at <= context.clock.now():
            return []
        therapist = await context.uow.therapists.get(booking.therapist_id)
        link = meeting_link(booking, therapist.meeting_url if therapist else None, context.settings.meeting_base_url)
        if link is None:
            return []
        return [Text(_("🎥 The session on {moment} has a new video room: {link}").format(
            moment=local_moment(booking.starts_at, context.recipient.timezone), link=link
        ))]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""
