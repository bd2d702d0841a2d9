"""A waiting client hears that a time opened: rendered when it goes out, from what is free then.

The times a notice offers are asked again as it is rendered: a time someone booked meanwhile is left out,
and a notice whose times are all gone is dropped. What went out is remembered (never told again, and the
next notice waits a day) in the transaction that records it as sent.
"""
from __future__ import annotations

from bot.keyboards.waitlist import opened_keyboard, times_offered
from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from bot.views.waitlist import opened_text
from core.usecases.waitlist import WaitlistNotice, entry_told, times_to_tell


def notice_kinds() -> dict[str, NoticeKind]:
    return {
        WaitlistNotice.TIME_OPENED.value: TimeOpened(),
        WaitlistNotice.RETURNED.value: TimeOpened(returned=True),
    }


class TimeOpened(NoticeKind):
    """params: entry_id. To the waiting client."""

    def __init__(self, *, returned: bool = False) -> None:
        self.returned = returned

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        entry = await context.uow.waitlist.get(int(context.params["entry_id"]))
        if entry is None or entry.client_id != context.recipient.telegram_id:
            return []
        found = await times_to_tell(
            context.uow, context.clock, entry, context.settings.booking_policy(), returned=self.returned
        )
        if found is None:
            return []
        therapist, times = found
        zone = context.recipient.timezone
        return [
            Text(
                opened_text(therapist, entry, len(times), returned=self.returned),
                reply_markup=opened_keyboard(entry, times, zone),
            )
        ]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        told = [moment for part in sent if isinstance(part.outgoing, Text) for moment in times_offered(part.outgoing.reply_markup)]
        await entry_told(context.uow, context.clock, entry_id=int(context.params["entry_id"]), told=told)
