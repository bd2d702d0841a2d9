from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData


class DataExport(ButtonData, prefix="mydata"):
    pass


class DataErasure(ButtonData, prefix="erase"):
    pass


class DataErasureConfirmed(ButtonData, prefix="erasey"):
    asked_at: int  # when the confirmation was shown (Unix seconds): an old one no longer works


class DataErasureDropped(ButtonData, prefix="erasen"):
    pass


def my_data() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📄 Send me my data"), callback_data=DataExport())
    builder.button(text=_("🗑 Delete my data"), callback_data=DataErasure())
    builder.adjust(1)
    return builder.as_markup()


def confirm_erasure(asked_at: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, delete everything"), callback_data=DataErasureConfirmed(asked_at=asked_at))
    builder.button(text=_("No, keep my data"), callback_data=DataErasureDropped())
    builder.adjust(1)
    return builder.as_markup()
