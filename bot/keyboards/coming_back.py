"""Buttons of the offer after a session ("book again" in My sessions is bot/keyboards/booking.py: BookAgain).

They name the past session, not the therapist: the booking use case checks it is the
pressing client's own, so a forged button can book nothing the client could not book anyway.
"""
from __future__ import annotations

from datetime import datetime

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.booking import Days, unix
from bot.keyboards.data import ButtonData
from bot.keyboards.directory import find_again_keyboard
from bot.views.presenting import moment_label
from core.usecases.coming_back import ReturnOffer


class BookAgainAt(ButtonData, prefix="rb"):
    """One tap: book this start with the therapist of this past session."""

    booking_id: int
    at: int  # the start, in Unix seconds


def offer_keyboard(offer: ReturnOffer, zone: str) -> InlineKeyboardMarkup:
    if not offer.times:
        return find_again_keyboard()
    return times_keyboard(offer.session.id, offer.therapist.telegram_id, offer.times, zone)


def times_keyboard(session_id: int, therapist_id: int, times: list[datetime], zone: str) -> InlineKeyboardMarkup:
    """A button per time, each booking it in one tap; then the therapist's whole calendar."""
    builder = InlineKeyboardBuilder()
    for start in times:
        builder.button(
            text=f"✅ {moment_label(start, zone)}",
            callback_data=BookAgainAt(booking_id=session_id, at=unix(start)),
        )
    builder.button(text=_("📅 Other times"), callback_data=Days(therapist_id=therapist_id))
    builder.adjust(1)
    return builder.as_markup()
