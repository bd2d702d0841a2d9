"""Relayed messages of the shared chat, as timed messages due now.

Each relay is the sender's name as a short header, then a copy of the
original (copyMessage: the sender's Telegram account is never shown). Both
are remembered, so that replying to either routes back to the conversation.
"""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.notices.kinds import Copy, NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from core.conversations import RelayedMessage
from core.usecases.conversations import ChatNotice, Undelivered, partner_in, remember_delivery, tell_undelivered


def notice_kinds() -> dict[str, NoticeKind]:
    return {ChatNotice.RELAY: Relay(), ChatNotice.RELAY_UNDELIVERED: RelayUndelivered()}


def header(name: str) -> str:
    return _("💬 {name}:").format(name=name)


class Relay(NoticeKind):
    """params: from_chat_id, message_id, conversation_id, sender_role, reply_to."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        params = context.params
        seen = await partner_in(context.uow, params["conversation_id"], context.recipient)
        if seen is None:
            return []
        return [
            Text(header(seen.partner_name)),
            Copy(
                from_chat_id=params["from_chat_id"],
                message_id=params["message_id"],
                reply_to_message_id=params.get("reply_to"),
            ),
        ]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        params = context.params
        await remember_delivery(
            context.uow,
            [
                RelayedMessage(
                    conversation_id=params["conversation_id"],
                    recipient_chat_id=context.recipient.telegram_id,
                    delivered_message_id=message.message_id,
                    origin_chat_id=params["from_chat_id"],
                    origin_message_id=params["message_id"],
                    header=isinstance(message.outgoing, Text),
                )
                for message in sent
            ],
        )

    async def on_failed(self, context: NoticeContext, reason: str) -> None:
        """The recipient blocked the bot (or is known to have): the sender must not think it arrived."""
        params = context.params
        await tell_undelivered(
            context.uow,
            context.clock,
            conversation_id=params["conversation_id"],
            sender_id=params["from_chat_id"],
            recipient_id=context.recipient.telegram_id,
            message_id=params["message_id"],
        )


class RelayUndelivered(NoticeKind):
    """params: conversation_id, message_id (the sender's own message that did not arrive), why."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        seen = await partner_in(context.uow, context.params["conversation_id"], context.recipient)
        if seen is None:
            return []
        if context.params.get("why") == Undelivered.REFUSED:
            text = _("⚠️ This message could not be delivered to {name}. Please send it again.")
        else:
            text = _(
                "⚠️ This message did not reach {name}: they cannot receive messages from the bot "
                "right now (they may have stopped or blocked it). If it is urgent, see /help."
            )
        return [Text(text.format(name=seen.partner_name), reply_to_message_id=context.params["message_id"])]
