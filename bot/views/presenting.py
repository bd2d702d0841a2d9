"""How times, dates, numbers and money look to a reader, in their zone and language.

Everything here is Babel (CLDR) for the reader's locale: month names in the case a date needs
(«6 грудня», «6 груд.»), the decimal comma and grouped thousands in Ukrainian, time zones by their
city in the reader's language with the UTC offset of that moment («Київ, UTC+2»). English is
read as British English: the 24-hour clock and day-before-month, as the slots are shown to everyone.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date, format_time, get_day_names

from core import formatting
from core.formatting import utc_offset


def reader_language() -> str:
    """«uk» or «en»: the language this reader chose, for what a person wrote in both (a therapist's texts)."""
    return str(get_i18n().current_locale)


def reader_locale() -> str:
    return formatting.babel_locale(get_i18n().current_locale)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def local_time(moment: datetime, zone: str) -> str:
    return format_time(moment.astimezone(ZoneInfo(zone)), "HH:mm", locale=reader_locale())


def local_day(moment: datetime, zone: str) -> str:
    """«нд, 6 грудня» / "Sun 6 December": a day inside a sentence."""
    return formatting.skeleton(moment, "MMMMEd", zone, reader_locale())


def day_label(moment: datetime, zone: str) -> str:
    """«Нд, 6 груд.» / "Sun 6 Dec": a day that starts a button or a line."""
    return _capital(formatting.skeleton(moment, "MMMEd", zone, reader_locale()))


def local_moment(moment: datetime, zone: str) -> str:
    """«нд, 6 грудня, 18:00 (Київ, UTC+2)» inside a sentence."""
    return _("{day}, {time} ({zone})").format(
        day=local_day(moment, zone), time=local_time(moment, zone), zone=zone_label(zone, moment)
    )


def moment_label(moment: datetime, zone: str) -> str:
    """«Нд, 6 груд., 18:00 (Київ, UTC+2)»: a moment that starts a button or a line."""
    return _("{day}, {time} ({zone})").format(
        day=day_label(moment, zone), time=local_time(moment, zone), zone=zone_label(zone, moment)
    )


# Within this long of a moment, "in 2 hours" reads better than the clock time.
SOON = timedelta(hours=3)


def from_now(moment: datetime, now: datetime, zone: str) -> str:
    """«Через 2 години» / «Сьогодні о 18:00» / «Завтра о 10:00»: a moment as it stands from now, for a reader.

    Rendered when the message goes out, so a message that goes out late still says what is true.
    """
    left = moment - now
    minutes = max(1, round(left.total_seconds() / 60))
    if minutes < 60:  # rounded first: the hour's reminder, sent a moment after its time, still says «in 1 hour»
        return ngettext("In {count} minute", "In {count} minutes", minutes).format(count=minutes)
    if left <= SOON:
        hours = round(left.total_seconds() / 3600)
        return ngettext("In {count} hour", "In {count} hours", hours).format(count=hours)
    tz = ZoneInfo(zone)
    days = (moment.astimezone(tz).date() - now.astimezone(tz).date()).days
    time = local_time(moment, zone)
    if days == 0:
        text = _("Today at {time}").format(time=time)
    elif days == 1:
        text = _("Tomorrow at {time}").format(time=time)
    else:
        text = _("{day} at {time}").format(day=_capital(local_day(moment, zone)), time=time)
    return _before_vowel(text)


def _before_vowel(text: str) -> str:
    # Ukrainian says «об 11:00» (об одинадцятій): «о» before a vowel sound, which of the hours only 11 has.
    return text.replace(" о 11:", " об 11:")


def calendar_day(day: date) -> str:
    """«20 грудня 2026» / "20 December 2026": vacations and payouts may cross a year, so the year is there."""
    return formatting.plain(format_date(day, "d MMMM y", locale=reader_locale()))


def weekday_name(weekday: int, *, label: bool = False) -> str:
    """«субота» inside a sentence, «Субота» as a label / "Saturday" (Monday is 0)."""
    name = get_day_names("wide", context="stand-alone", locale=reader_locale())[weekday]
    return _capital(name) if label else name


# CLDR has the weekdays only in the nominative; «на суботу», «у середу» need the accusative.
UKRAINIAN_WEEKDAYS_ACCUSATIVE = ("понеділок", "вівторок", "середу", "четвер", "пʼятницю", "суботу", "неділю")


def weekday_on(weekday: int) -> str:
    """«суботу» as in «на суботу» / "Saturday" as in "on Saturday" (Monday is 0)."""
    if reader_locale().startswith("uk"):
        return UKRAINIAN_WEEKDAYS_ACCUSATIVE[weekday]
    return weekday_name(weekday)


def weekday_short(weekday: int) -> str:
    """«Сб» / "Sat" (Monday is 0), as a label."""
    return _capital(get_day_names("abbreviated", context="stand-alone", locale=reader_locale())[weekday])


def zone_city(zone: str) -> str:
    """«Київ» / "Kyiv"; a zone with no city (UTC, Etc/GMT-3) by its offset."""
    return formatting.zone_city(zone, reader_locale())


def zone_label(zone: str, at: datetime) -> str:
    """«Київ, UTC+2» / "Kyiv, UTC+2": the city in the reader's language, the offset at that moment."""
    offset = utc_offset(at.astimezone(ZoneInfo(zone)).utcoffset() or timedelta())
    if zone == "UTC":
        return zone
    if zone.startswith("Etc/"):
        return offset
    return f"{zone_city(zone)}, {offset}"


def addressed(name: str) -> str | None:
    """The name to greet a reader by: in Ukrainian the given name in the vocative («Олено»); in English as it is.

    None when a Ukrainian reader's name cannot be declined with confidence: greet them without it.
    """
    words = name.split()
    if not words:
        return None
    if reader_locale().startswith("uk"):
        return formatting.vocative(words[0])
    return name


def number(value: int | Decimal, *, places: int = 0) -> str:
    """Grouped thousands and the reader's decimal mark: «1 234,50»."""
    return formatting.number(value, reader_locale(), places=places)


def money(minor_units: int, currency: str = "UAH") -> str:
    """Integer minor units, never floats: 150000 → «1 500 ₴» / "₴1,500"; Stars are whole: «1 800 ⭐»."""
    return formatting.money(minor_units, reader_locale(), currency)
