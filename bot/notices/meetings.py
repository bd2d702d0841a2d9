"""The meeting place's timed messages: a paid session's new link, to its client; a request for a link, to a therapist."""
from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.cabinet import Section
from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from bot.views.presenting import local_moment
from core.bookings import BookingStatus
from core.meetings import meeting_link
from core.usecases.booking import settled_booking
from core.usecases.meetings import MeetingNotice


def notice_kinds() -> dict[str, NoticeKind]:
    return {MeetingNotice.CHANGED: MeetingChanged(), MeetingNotice.ROOM_WANTED: RoomWanted()}


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


class RoomWanted(NoticeKind):
    """params: booking_id. To the therapist; dropped once they have a room or the platform has a video service."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        therapist = await context.uow.therapists.get(context.recipient.telegram_id)
        if therapist is None or therapist.meeting_url or context.settings.meeting_base_url:
            return []
        booking = await settled_booking(context.uow, context.clock, int(context.params["booking_id"]))
        if booking is not None and booking.active and booking.therapist_id == therapist.telegram_id:
            text = _(
                "🎥 The session on {moment} is confirmed, but you have no video room set and the platform has none "
                "of its own: the client will get no link to the session. Add the link to your room now, and every "
                "paid session gets it:"
            ).format(moment=local_moment(booking.starts_at, context.recipient.timezone))
        else:
            text = _(
                "🎥 You have no video room set and the platform has none of its own: your clients get no link to "
                "their sessions. Add the link to your room, and every paid session gets it:"
            )
        return [Text(text, reply_markup=_meeting_place())]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""


def _meeting_place() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🎥 Meeting place"), callback_data=Section(name="meeting"))
    return builder.as_markup()
