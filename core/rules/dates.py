"""The one way a typed date, or a date and a time, is read: every step that asks for one uses it.

Day first, as people here write it: «14.12», «14.12.2026», «14/12/26», or ISO «2026-12-14»; a time follows
after a space: «10.12 15:00» (or «15.00»). Without a year the next such day is meant: today or later for a
date, after now for a date with a time. An example shown to a person comes from here too, so it is never
in the past.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

_DATE = (
    r"(?:(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})"
    r"|(?P<day>\d{1,2})[./](?P<month>\d{1,2})(?:[./](?P<year>\d{4}|\d{2}))?)"
)
_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
DATE_ONLY = re.compile(rf"^\s*{_DATE}\s*$")
DATE_AND_TIME = re.compile(rf"^\s*{_DATE}(?:\s+|T){_TIME}\s*$")
# How far ahead an example lies: close enough to look like a real plan.
EXAMPLE_AHEAD = timedelta(days=7)


class UnreadableDate(ValueError):
    """Not a date (or a date and time) in any of the ways above, or a day the calendar does not have."""


def parse_date(text: str, today: date) -> date:
    """«14.12» (the next 14 December from today on), «14.12.2026», «14/12/26», «2026-12-14»."""
    match = DATE_ONLY.match(text)
    if match is None:
        raise UnreadableDate(text)
    year, month, day = _parts(match)
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError:
        raise UnreadableDate(text) from None


def parse_date_time(text: str, zone: str, now: datetime) -> datetime:
    """«10.12 15:00» typed in `zone` (the next such moment after now when no year is given), in now's zone."""
    match = DATE_AND_TIME.match(text)
    if match is None:
        raise UnreadableDate(text)
    year, month, day = _parts(match)
    tz = ZoneInfo(zone)
    try:
        clock = int(match["hour"]), int(match["minute"])
        if year is not None:
            return datetime(year, month, day, *clock, tzinfo=tz).astimezone(now.tzinfo)
        this_year = now.astimezone(tz).year
        moment = datetime(this_year, month, day, *clock, tzinfo=tz)
        if moment <= now:
            moment = moment.replace(year=this_year + 1)
        return moment.astimezone(now.tzinfo)
    except (ValueError, OverflowError):  # no such day or hour, or a UTC outside the calendar
        raise UnreadableDate(text) from None


def example_day(today: date, ahead: timedelta = EXAMPLE_AHEAD) -> date:
    """A day to show in "for example": a week from today, so never in the past."""
    return today + ahead


def _parts(match: re.Match[str]) -> tuple[int | None, int, int]:
    if match["iso_year"]:
        return int(match["iso_year"]), int(match["iso_month"]), int(match["iso_day"])
    year_text = match["year"]
    year = None if not year_text else int(year_text) + (2000 if len(year_text) == 2 else 0)
    return year, int(match["month"]), int(match["day"])
