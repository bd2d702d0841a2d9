"""Turning a message with buttons into its next step, in place."""
from __future__ import annotations

from typing import Any, Required, TypedDict

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.keyboards.paging import ListPage
from bot.middlewares.callback_answer import alert
from core.paging import Page


class Screen(TypedDict, total=False):
    """A message's text and buttons, sent or edited as one: `message.answer(**screen)`."""

    text: Required[str]
    reply_markup: InlineKeyboardMarkup


async def replace_message(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the message; pressing a button that leads to the same view is no error."""
    if message.text == text and message.reply_markup == markup:
        return
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise


def answer_turn(answer: CallbackAnswer, pressed: ListPage, page: Page[Any]) -> None:
    """Answer a page button: silently when it shows what it promised, with a word when the list changed.

    A page pressed after its list changed (or a forged one: a page that never was, a made-up
    version) gets the list as it stands now, and is told so.
    """
    if pressed.version != page.version or pressed.page != page.number:
        alert(answer, _("This list has changed since; here it is as it stands now."))
