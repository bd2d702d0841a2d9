"""Buttons of /inbox: retry or drop each set-aside update shown (dropping asks first)."""
from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData
from core.inbox import SetAsideUpdate


class InboxAction(StrEnum):
    RETRY = "retry"
    DROP = "drop"


class InboxAct(ButtonData, prefix="inbx"):
    update: int
    action: InboxAction
    sure: bool = False


class InboxList(ButtonData, prefix="inbxl"):
    """The list as it stands now, in place (after a "No")."""


def set_aside_buttons(shown: list[SetAsideUpdate]) -> InlineKeyboardMarkup | None:
    if not shown:
        return None
    builder = InlineKeyboardBuilder()
    for update in shown:
        builder.button(text=_("🔁 Retry {update_id}").format(update_id=update.update_id),
                       callback_data=InboxAct(update=update.update_id, action=InboxAction.RETRY))
        builder.button(text=_("🗑 Drop {update_id}").format(update_id=update.update_id),
                       callback_data=InboxAct(update=update.update_id, action=InboxAction.DROP))
    builder.adjust(2)
    return builder.as_markup()


def confirm_drop(update_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🗑 Yes, drop it"), callback_data=InboxAct(update=update_id, action=InboxAction.DROP, sure=True))
    builder.button(text=_("↩️ No, back to the list"), callback_data=InboxList())
    builder.adjust(1)
    return builder.as_markup()
