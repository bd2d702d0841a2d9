"""The page buttons of a long admin list (/pending_payments, /refunds, /payouts): ◀️ page n of N ▶️.

Telegram takes at most 100 buttons a message; a page holds a few and the turns. A turn carries
the list's version (core/paging.py), so a page pressed after the list changed is told apart.
"""
from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from bot.keyboards.data import ButtonData
from core.paging import Page


class ListPage(ButtonData, prefix="lpg"):
    list: str  # which list: PENDING_PAYMENTS, REFUNDS, PAYOUTS, PROFILE_CHANGES
    page: int
    version: str


PENDING_PAYMENTS = "pay"
REFUNDS = "rf"
PAYOUTS = "po"
PROFILE_CHANGES = "pc"


def page_turns(name: str, page: Page[Any]) -> list[InlineKeyboardButton]:
    """A row of turns: none for a list that fits one page."""
    if page.pages == 1:
        return []

    def turn(text: str, number: int) -> InlineKeyboardButton:
        data = ListPage(list=name, page=number, version=page.version).pack()
        return InlineKeyboardButton(text=text, callback_data=data)

    row = []
    if page.number > 0:
        row.append(turn(_("◀️ Back"), page.number - 1))
    # The middle button shows where one is; pressed, it shows the same page as it stands now.
    row.append(turn(_("{number} of {pages}").format(number=page.number + 1, pages=page.pages), page.number))
    if page.number < page.pages - 1:
        row.append(turn(_("Next ▶️"), page.number + 1))
    return row
