"""How times, dates and money look to a reader, in their zone and language."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

WEEKDAYS = (__("Mon"), __("Tue"), __("Wed"), __("Thu"), __("Fri"), __("Sat"), __("Sun"))
MONTHS = (
    __("Jan"), __("Feb"), __("Mar"), __("Apr"), __("May"), __("Jun"),
    __("Jul"), __("Aug"), __("Sep"), __("Oct"), __("Nov"), __("Dec"),
)


def local_time(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%H:%M")


def local_day(moment: datetime, zone: str) -> str:
    """"Tue, 1 Dec" in the reader's language."""
    local = moment.astimezone(ZoneInfo(zone))
    weekday = str(WEEKDAYS[local.weekday()])
    month = str(MONTHS[local.month - 1])
    return _("{weekday}, {day} {month}").format(weekday=weekday, day=local.day, month=month)


def local_moment(moment: datetime, zone: str) -> str:
    """"Tue, 1 Dec, 18:00 (Europe/Kyiv)"."""
    return _("{day}, {time} ({zone})").format(
        day=local_day(moment, zone), time=local_time(moment, zone), zone=zone
    )


def money(minor_units: int, currency: str = "UAH") -> str:
    """Integer minor units, never floats: 150000 → "1 500 ₴"."""
    whole, cents = divmod(minor_units, 100)
    grouped = f"{whole:,}".replace(",", " ")
    amount = grouped if cents == 0 else f"{grouped}.{cents:02d}"
    if currency == "UAH":
        return f"{amount} ₴"
    if currency == "XTR":
        return f"{minor_units} ⭐"
    return f"{amount} {currency}"
