from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.chat import ChangeName
from bot.keyboards.data import ButtonData
from bot.views.presenting import zone_city

LANGUAGES = {"uk": "Українська", "en": "English"}
COMMON_ZONES = (
    "Europe/Kyiv",
    "Europe/Warsaw",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Lisbon",
    "America/New_York",
    "America/Toronto",
    "Asia/Jerusalem",
)


class LanguageChoice(ButtonData, prefix="lang"):
    locale: str


class TimezoneChoice(ButtonData, prefix="tz"):
    zone: str


class TimezoneKeep(ButtonData, prefix="tzok"):
    pass


class TimezoneOther(ButtonData, prefix="tzother"):
    pass


def language_picker() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for locale, name in LANGUAGES.items():
        builder.button(text=name, callback_data=LanguageChoice(locale=locale))
    return builder.as_markup()


def timezone_picker() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for zone in COMMON_ZONES:
        builder.button(text=zone_city(zone), callback_data=TimezoneChoice(zone=zone))
    builder.adjust(2)
    return builder.as_markup()


def timezone_offer() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, keep it"), callback_data=TimezoneKeep())
    builder.button(text=_("Choose another"), callback_data=TimezoneOther())
    return builder.as_markup()


def preferences_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🌐 Language"), callback_data="prefs:language")
    builder.button(text=_("🕒 Time zone"), callback_data=TimezoneOther())
    builder.button(text=_("✏️ Name shown to therapists"), callback_data=ChangeName())
    builder.adjust(2)
    return builder.as_markup()
