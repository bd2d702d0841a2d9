"""Turning a message with buttons into its next step, in place."""
from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message


async def replace_message(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the message; pressing a button that leads to the same view is no error."""
    if message.text == text and message.reply_markup == markup:
        return
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise
