"""The offer at the end of a session: the same time next week in one tap, in the client's language and zone.

Sent only after a session that was held (paid, not cancelled, not missed) and
has no refund, and only while the client holds no next booking with the
therapist. When the therapist takes no bookings now, the client reads why.
"""
from __future__ import annotations

from datetime import timedelta

from bot.keyboards.coming_back import offer_keyboard
from bot.keyboards.directory import find_again_keyboard
from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from bot.views.coming_back import away_text, ended_line, offer_text
from bot.views.therapist_labels import therapist_name
from core.bookings import BookingStatus
from core.usecases.booking import BookingNotice, settled_booking
from core.usecases.coming_back import AwayReason, TherapistAway, return_offer
from core.usecases.refunds import refund_of_booking


def notice_kinds() -> dict[str, NoticeKind]:
    return {BookingNotice.COME_BACK.value: ComeBack()}


class ComeBack(NoticeKind):
    """params: booking_id, version. To the client, at the session's end."""

    # Days after the session, "next week" is no longer the offer it was; My sessions still has "book again".
    max_lateness = timedelta(days=3)

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        uow, clock, reader = context.uow, context.clock, context.recipient
        booking = await settled_booking(uow, clock, int(context.params["booking_id"]))
        if booking is None or booking.client_id != reader.telegram_id:
            return []
        if booking.status is not BookingStatus.HELD or booking.version != context.params.get("version"):
            return []
        if booking.refund_due_minor or await refund_of_booking(uow, booking.id) is not None:
            return []
        try:
            offer = await return_offer(
                uow, clock, client_id=reader.telegram_id, booking_id=booking.id, policy=context.settings.booking_policy()
            )
        except TherapistAway as away:
            name = therapist_name(away.therapist)
            markup = find_again_keyboard() if away.reason is AwayReason.UNLISTED else None
            return [Text(ended_line(name, booking, reader.timezone) + "\n" + away_text(away), reply_markup=markup)]
        if offer.upcoming is not None:
            return []  # they have booked the next one already
        return [Text(offer_text(offer, reader.timezone, ended=True), reply_markup=offer_keyboard(offer, reader.timezone))]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        # The end is time's decision: the booking's row says "held" with the message's fate.
        await settled_booking(context.uow, context.clock, int(context.params["booking_id"]))

    async def on_failed(self, context: NoticeContext, reason: str) -> None:
        await self.after_sent(context, [])
