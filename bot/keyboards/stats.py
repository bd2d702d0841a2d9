from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData


class StatsRefresh(ButtonData, prefix="stats"):
    pass


def refresh_button() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🔄 Refresh"), callback_data=StatsRefresh())
    return builder.as_markup()
