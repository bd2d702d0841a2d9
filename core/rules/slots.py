"""Free slots: when a client may book a therapist.

Slots are laid out on the therapist's wall clock, day by day, so a 60-day horizon
costs a few thousand candidates, not a walk through every minute.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from core.schedule import SessionFormat, Vacation, WorkingHours


def free_slots(
    hours: Sequence[WorkingHours],
    tz: str,
    *,
    session: SessionFormat,
    vacations: Sequence[Vacation] = (),
    taken: Iterable[datetime] = (),
    now: datetime,
    min_notice: timedelta,
    horizon: timedelta,
) -> Iterator[datetime]:
    """Bookable session starts in UTC, in order, laid out a day at a time as they are asked for.

    `tz` is the therapist's zone; `taken` are the starts of active bookings.
    Whoever needs only the first (the nearest free time) stops the search there:
    `next(free_slots(...), None)`.
    """
    zone = ZoneInfo(tz)
    now = _utc(now)
    earliest, latest = now + min_notice, now + horizon
    booked = sorted({_utc(start) for start in taken})
    by_weekday = _by_weekday(hours)
    for day in _local_days(earliest, latest, zone):
        if any(vacation.covers(day) for vacation in vacations):
            continue
        # Working hours cannot cross midnight, so a later local day never starts earlier.
        found = {
            start
            for interval in by_weekday.get(day.weekday(), ())
            for start in _starts(day, interval, zone, session)
            if earliest <= start <= latest and not _clashes(start, booked, session.length)
        }
        yield from sorted(found)


def group_by_local_day(slots: Iterable[datetime], tz: str) -> dict[date, list[datetime]]:
    """Slots by the reader's local day, in order; each slot is the same instant, shown in `tz`."""
    zone = ZoneInfo(tz)
    days: dict[date, list[datetime]] = {}
    for slot in sorted(_utc(slot) for slot in slots):
        local = slot.astimezone(zone)
        days.setdefault(local.date(), []).append(local)
    return days


@lru_cache(maxsize=4096)
def _starts(day: date, interval: WorkingHours, zone: ZoneInfo, session: SessionFormat) -> tuple[datetime, ...]:
    """A day's starts, kept: every step of every booking lays out the same therapist's days again."""
    return tuple(_laid_out(day, interval, zone, session))


def _laid_out(day: date, interval: WorkingHours, zone: ZoneInfo, session: SessionFormat) -> Iterator[datetime]:
    """The interval's starts, a step apart on the wall clock from its beginning.

    A wall time the clock skips (spring forward) is no slot; a repeated one (fall
    back) is its first occurrence. Across the skipped hour wall steps shrink in
    real time, so a start closer than a step to the previous one is dropped.
    """
    wall, wall_end = datetime.combine(day, interval.start), datetime.combine(day, interval.end)
    # A skipped end time reads on the clock before the change: the interval keeps its real length.
    end = wall_end.replace(tzinfo=zone).astimezone(UTC)
    previous: datetime | None = None
    while wall < wall_end:
        start = _existing_instant(wall, zone)
        wall += session.step
        if start is None or start + session.length > end:
            continue
        if previous is None or start - previous >= session.step:
            yield start
            previous = start


def _existing_instant(wall: datetime, zone: ZoneInfo) -> datetime | None:
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall:
        return None
    return instant


def _clashes(start: datetime, booked: list[datetime], length: timedelta) -> bool:
    """Sessions of one length overlap exactly when their starts are less than a length apart."""
    after_reach = bisect_right(booked, start - length)
    return after_reach < len(booked) and booked[after_reach] < start + length


def _local_days(earliest: datetime, latest: datetime, zone: ZoneInfo) -> Iterator[date]:
    day, last = earliest.astimezone(zone).date(), latest.astimezone(zone).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


def _by_weekday(hours: Sequence[WorkingHours]) -> dict[int, list[WorkingHours]]:
    by_weekday: dict[int, list[WorkingHours]] = {}
    for interval in hours:
        by_weekday.setdefault(interval.weekday, []).append(interval)
    return by_weekday


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got naive {moment!r}")
    return moment.astimezone(UTC)
