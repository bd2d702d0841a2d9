from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData


class AuditPageTurn(ButtonData, prefix="audit"):
    page: int
    subject: int  # 0: everyone


def pages(number: int, total: int, subject: int | None) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    if number > 0:
        builder.button(text=_("◀️ Newer"), callback_data=AuditPageTurn(page=number - 1, subject=subject or 0))
    if number < total - 1:
        builder.button(text=_("Older ▶️"), callback_data=AuditPageTurn(page=number + 1, subject=subject or 0))
    return builder.as_markup() if list(builder.buttons) else None
