"""Buttons of waitlists: joining one, leaving one, "My waitlists", and the times a notice offers.

A time in a notice is the booking's own "Book" button (bot/keyboards/booking.py: Confirm): pressing it
books that very time as the booking flow does, and the database lets only one of those waiting have it.
"""
from __future__ import annotations

from datetime import datetime

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.booking import Confirm, Days, from_unix, unix
from bot.keyboards.data import ButtonData
from bot.views.presenting import moment_label
from bot.views.therapist_labels import therapist_name
from core.therapists import TherapistProfile
from core.waitlist import WaitlistEntry


class WaitlistJoin(ButtonData, prefix="wj"):
    """Wait for this therapist."""

    therapist_id: int


class WaitlistJoinAny(ButtonData, prefix="wa"):
    """Wait for any of the therapists this match of the client's found full."""

    match_id: int


class WaitlistLeave(ButtonData, prefix="wl"):
    entry_id: int


class WaitlistList(ButtonData, prefix="wls"):
    """My waitlists."""


def join_button(therapist_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=_("🔔 Tell me when a time opens"), callback_data=WaitlistJoin(therapist_id=therapist_id).pack()
    )


def list_button() -> InlineKeyboardButton:
    return InlineKeyboardButton(text=_("🔔 My waitlists"), callback_data=WaitlistList().pack())


def book_keyboard(therapist_id: int, times: list[datetime], zone: str) -> InlineKeyboardMarkup:
    """A button per time, each booking it in one tap; then the therapist's calendar."""
    builder = InlineKeyboardBuilder()
    for start in times:
        builder.button(
            text=_("✅ Book {moment}").format(moment=moment_label(start, zone)),
            callback_data=Confirm(therapist_id=therapist_id, at=unix(start)),
        )
    builder.button(text=_("📅 Other times"), callback_data=Days(therapist_id=therapist_id))
    builder.adjust(1)
    return builder.as_markup()


def opened_keyboard(entry: WaitlistEntry, times: list[datetime], zone: str) -> InlineKeyboardMarkup:
    """The times that opened, each booking it; the therapist's calendar; and leaving the waitlist."""
    markup = book_keyboard(entry.therapist_id, times, zone)
    leave = InlineKeyboardButton(text=_("🔕 Stop waiting"), callback_data=WaitlistLeave(entry_id=entry.id).pack())
    return InlineKeyboardMarkup(inline_keyboard=[*markup.inline_keyboard, [leave]])


def times_offered(markup: InlineKeyboardMarkup | None) -> list[datetime]:
    """The times a keyboard of `book_keyboard` offers: what a notice told, read back from what was sent."""
    offered = []
    for row in markup.inline_keyboard if markup else []:
        for button in row:
            if button.callback_data and button.callback_data.startswith(f"{Confirm.__prefix__}{Confirm.__separator__}"):
                offered.append(from_unix(Confirm.unpack(button.callback_data).at))
    return offered


def joined_keyboard(entries: list[WaitlistEntry]) -> InlineKeyboardMarkup:
    """After joining: leaving again (one entry), and the list of them all."""
    rows = [[list_button()]]
    if len(entries) == 1:
        leave = InlineKeyboardButton(text=_("🔕 Stop waiting"), callback_data=WaitlistLeave(entry_id=entries[0].id).pack())
        rows.insert(0, [leave])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def waitlists_keyboard(entries: list[tuple[WaitlistEntry, TherapistProfile]]) -> InlineKeyboardMarkup:
    """Per entry: the therapist's calendar and leaving it."""
    builder = InlineKeyboardBuilder()
    for entry, therapist in entries:
        builder.row(
            InlineKeyboardButton(
                text=f"📅 {therapist_name(therapist)}", callback_data=Days(therapist_id=therapist.telegram_id).pack()
            ),
            InlineKeyboardButton(text=_("🔕 Leave"), callback_data=WaitlistLeave(entry_id=entry.id).pack()),
        )
    return builder.as_markup()
