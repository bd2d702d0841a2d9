"""What a rendered part becomes in the Bot API."""
from __future__ import annotations

from aiogram import Bot
from aiogram.types import BufferedInputFile, ReplyParameters

from bot.notices.kinds import Copy, Document, Invoice, Outgoing, StarRefund, Text


async def send_part(bot: Bot, chat_id: int, part: Outgoing) -> int:
    """Send one part; returns the id of the message the reader sees."""
    if isinstance(part, Text):
        message = await bot.send_message(
            chat_id,
            part.text,
            message_thread_id=part.message_thread_id,
            reply_markup=part.reply_markup,
            reply_parameters=_replying_to(part.reply_to_message_id),
        )
        return message.message_id
    if isinstance(part, Copy):
        copied = await bot.copy_message(
            chat_id,
            from_chat_id=part.from_chat_id,
            message_id=part.message_id,
            message_thread_id=part.message_thread_id,
            caption=part.caption,
            reply_parameters=_replying_to(part.reply_to_message_id),
        )
        return copied.message_id
    if isinstance(part, Document):
        sent = await bot.send_document(
            chat_id, BufferedInputFile(part.content, filename=part.file_name), caption=part.caption
        )
        return sent.message_id
    if isinstance(part, Invoice):
        invoice = await bot.send_invoice(
            chat_id,
            title=part.title,
            description=part.description,
            payload=part.payload,
            currency=part.currency,
            prices=part.prices,
            provider_token=part.provider_token.get_secret_value() if part.provider_token else None,
        )
        return invoice.message_id
    if isinstance(part, StarRefund):
        await bot.refund_star_payment(part.user_id, part.telegram_payment_charge_id)
        return 0  # no message appears in the chat
    raise TypeError(f"a notice kind rendered something delivery cannot send: {part!r}")


def _replying_to(message_id: int | None) -> ReplyParameters | None:
    # The message replied to may be gone by now; the reply still makes sense without the quote.
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)
