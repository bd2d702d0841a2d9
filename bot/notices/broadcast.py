"""A broadcast's copy for one recipient: the author's message, copied so their account stays hidden."""
from __future__ import annotations

from bot.notices.kinds import Copy, NoticeContext, NoticeKind, Outgoing, SentMessage
from core.usecases.broadcasts import BroadcastNotice


def notice_kinds() -> dict[str, NoticeKind]:
    return {BroadcastNotice.COPY: BroadcastCopy()}


class BroadcastCopy(NoticeKind):
    """params: broadcast_id, from_chat_id, message_id. Dropped if the broadcast's record is gone."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        if await context.uow.broadcasts.get(context.params["broadcast_id"]) is None:
            return []
        return [Copy(from_chat_id=context.params["from_chat_id"], message_id=context.params["message_id"])]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember: a reply to a broadcast is an ordinary message."""
