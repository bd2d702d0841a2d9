"""Ukrainian business days: when a therapist's payout falls due, when a profile goes live."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

PAYOUT_BUSINESS_DAYS = 3
SATURDAY = 5


def is_business_day(d: date) -> bool:
    return d.weekday() < SATURDAY and d not in _public_holidays(d.year)


def add_business_days(d: date, n: int) -> date:
    """The date `n` business days after `d` (before it when `n` is negative); `d` itself never counts."""
    step = timedelta(days=1 if n >= 0 else -1)
    for _ in range(abs(n)):
        d += step
        while not is_business_day(d):
            d += step
    return d


def payout_due_date(paid_at: datetime, tz: str = "Europe/Kyiv") -> date:
    """The therapist's money is due 3 business days after the platform receives it (local date in `tz`)."""
    if paid_at.tzinfo is None or paid_at.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got naive {paid_at!r}")
    return add_business_days(paid_at.astimezone(ZoneInfo(tz)).date(), PAYOUT_BUSINESS_DAYS)


def business_days_range(start: date, first: int, last: int) -> tuple[date, date]:
    """The earliest and latest dates of a promise like "within 7–10 business days"."""
    if first > last:
        raise ValueError(f"the range starts after it ends: {first} > {last}")
    return add_business_days(start, first), add_business_days(start, last)


@cache
def _public_holidays(year: int) -> frozenset[date]:
    # holidays 0.109: no UA public holidays after 2022-03-08 (martial law, Law 2136-IX: holidays are working days); earlier ones include observed and transferred days off.
    return frozenset(holidays.country_holidays("UA", years=year))
