"""How numbers, money, dates and zones read in a language: Babel (CLDR), shared by the bot and the pages.

Each function takes the reader's language ("uk", "en") explicitly, so it serves a bot reader (whose
language aiogram knows) and a page's visitor alike. Ukrainian has the decimal comma and thousands
grouped by a space; English is read as British English (day before month, the 24-hour clock).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, get_timezone_location
from babel.numbers import format_decimal, format_percent
from shevchenko import detect_gender, in_vocative

from core.therapists import PRICE_BANDS

BABEL_LOCALES = {"uk": "uk_UA", "en": "en_GB"}
# Babel groups digits with a no-break space; a plain one keeps amounts searchable and copyable as typed.
NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


def babel_locale(language: str) -> str:
    return BABEL_LOCALES.get(language, language if "_" in language else "uk_UA")


def plain(text: str) -> str:
    return text.translate(NO_BREAK_SPACES)


def number(value: int | Decimal, language: str, *, places: int = 0) -> str:
    """Grouped thousands and the reader's decimal mark: «1 234,50»."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return plain(format_decimal(value, format=pattern, locale=babel_locale(language)))


def money(minor_units: int, language: str, currency: str = "UAH") -> str:
    """Integer minor units, never floats: 150000 → «1 500 ₴» / "₴1,500"; Stars are whole: «1 800 ⭐»."""
    if currency == "XTR":
        return f"{number(minor_units, language)} ⭐"
    whole, cents = divmod(minor_units, 100)
    amount = number(Decimal(minor_units) / 100, language, places=2) if cents else number(whole, language)
    if currency != "UAH":
        return f"{amount} {currency}"
    if babel_locale(language).startswith("en"):
        return f"₴{amount}"
    return f"{amount} ₴"


# A given name in Ukrainian letters (with an apostrophe or a hyphen: «Мар'яна», «Анна-Марія»).
UKRAINIAN_GIVEN_NAME = re.compile(r"[А-ЩЬЮЯҐЄІЇа-щьюяґєії]+(?:['ʼ’-][А-ЩЬЮЯҐЄІЇа-щьюяґєії]+)*")


def vocative(given_name: str) -> str | None:
    """«Олена» → «Олено», «Олег» → «Олегу»: the form a Ukrainian greeting calls a person by.

    None when it cannot be said with confidence (a Latin-script name, one whose gender the library cannot
    tell): then a greeting is worded without the name rather than with a wrong form.
    """
    if not UKRAINIAN_GIVEN_NAME.fullmatch(given_name):
        return None
    gender = detect_gender({"givenName": given_name}).get("gender")
    if gender is None:
        return None
    declined = in_vocative({"gender": gender, "givenName": given_name}).get("givenName")
    return declined if isinstance(declined, str) and declined else None


def N_(message: str) -> str:
    """Marks a message for the catalogue; the reader's gettext translates it where it is shown."""
    return message


def price_band(index: int, language: str, gettext: Callable[[str], str]) -> str:
    """A directory price band in words: «до 1 000 ₴», «від 2 000 ₴», «1 000 ₴–1 500 ₴»."""
    low, high = PRICE_BANDS[index]
    if low is None and high is not None:
        return gettext(N_("up to {price}")).format(price=money(high, language))
    if high is None and low is not None:
        return gettext(N_("from {price}")).format(price=money(low, language))
    assert low is not None and high is not None
    return gettext(N_("{low}–{high}")).format(low=money(low, language), high=money(high, language))


def skeleton(moment: datetime, pattern: str, zone: str, language: str) -> str:
    """A date by a CLDR skeleton ("MMMMEd" → «нд, 6 грудня») in the reader's zone."""
    return plain(format_skeleton(pattern, moment.astimezone(ZoneInfo(zone)), locale=babel_locale(language)))


def zone_city(zone: str, language: str) -> str:
    """«Київ» / "Kyiv"; a zone with no city (UTC, Etc/GMT-3) by its offset."""
    if zone == "UTC":
        return zone
    if zone.startswith("Etc/"):  # a fixed offset, whatever the date
        return utc_offset(datetime.now(ZoneInfo(zone)).utcoffset() or timedelta())
    return get_timezone_location(ZoneInfo(zone), locale=babel_locale(language), return_city=True)


def utc_offset(offset: timedelta) -> str:
    """UTC+2, UTC+5:30, UTC-3, UTC+0."""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def percent(basis_points: int, language: str) -> str:
    """Hundredths of a percent as the reader writes a percentage: 2000 → «20%», 1750 → «17,5%» / "17.5%"."""
    return plain(format_percent(Decimal(basis_points) / 10_000, format="#,##0.##%", locale=babel_locale(language)))
