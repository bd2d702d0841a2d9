"""Buttons of the support conversation, for the person and for support."""
from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData, SmallId


class SupportDone(ButtonData, prefix="supdone"):
    pass


class SupportClose(ButtonData, prefix="supclose"):
    ticket: SmallId


def writing() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Done"), callback_data=SupportDone())
    return builder.as_markup()


def ticket_actions(ticket_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Close ticket #{number}").format(number=ticket_id), callback_data=SupportClose(ticket=ticket_id))
    return builder.as_markup()
