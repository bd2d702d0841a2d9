"""A working interval as a therapist types it, and whether it fits into their week.

"09:00-13:00", "9-13" or "9.00 – 13.30" all read as the same kind of thing: a
start and an end on the therapist's own wall clock, the same every week.
Several days take one line: "Пн–Пт 10:00–18:00", "щодня 9–17", "Mon, Wed 9-13",
"weekends 10-14" (Ukrainian or English, whatever the reader's language).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from core.schedule import SessionFormat, WorkingHours

_INTERVAL = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[:.](\d{2}))?\s*$")
# The days, then the interval at the end of the line: "Пн–Пт: 10:00–18:00".
_DAYS_THEN_INTERVAL = re.compile(r"^\s*(?P<days>.*?)[\s:,]*(?P<interval>\d{1,2}(?:[:.]\d{2})?\s*[-–—]\s*\d{1,2}(?:[:.]\d{2})?)\s*$")
# How a day's name begins, Monday first, in Ukrainian and English ("пн", "понеділок", "mon", "monday").
_DAY_STEMS = (
    ("пн", "пон", "mo"),
    ("вт", "вів", "tu"),
    ("ср", "сер", "we"),
    ("чт", "чет", "th"),
    ("пт", "п'ят", "пят", "fr"),
    ("сб", "суб", "sa"),
    ("нд", "нед", "su"),
)
EVERY_DAY = tuple(range(7))
WORKDAYS = tuple(range(5))
_DAY_GROUPS = {
    "щодня": EVERY_DAY, "щоденно": EVERY_DAY, "кожен день": EVERY_DAY, "усі дні": EVERY_DAY, "всі дні": EVERY_DAY,
    "daily": EVERY_DAY, "every day": EVERY_DAY, "everyday": EVERY_DAY,
    "будні": WORKDAYS, "у будні": WORKDAYS, "в будні": WORKDAYS, "weekdays": WORKDAYS,
    "вихідні": (5, 6), "у вихідні": (5, 6), "в вихідні": (5, 6), "weekend": (5, 6), "weekends": (5, 6),
}
_RANGE_WORDS = re.compile(r"\s*(?:[-–—]|\bпо\b|\bto\b|\bдо\b)\s*")
_FROM_WORDS = re.compile(r"^(?:з|із|від|from)\s+")


class IntervalProblem(StrEnum):
    FORMAT = "format"
    DAYS = "days"  # a line for several days whose days can't be read (or that names none)
    ORDER = "order"  # the start is not before the end
    TOO_SHORT = "too_short"  # not even one session fits
    OVERLAP = "overlap"  # with another interval of the same day


class IntervalRefused(ValueError):
    def __init__(self, problem: IntervalProblem, clash: WorkingHours | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.clash = clash


def parse_interval(text: str) -> tuple[time, time]:
    """Start and end as typed; the order is checked by `fitted`, so its message can name both."""
    match = _INTERVAL.match(text)
    if match is None:
        raise IntervalRefused(IntervalProblem.FORMAT)
    start_hour, start_minute, end_hour, end_minute = (int(part) if part else 0 for part in match.groups())
    if max(start_hour, end_hour) > 23 or max(start_minute, end_minute) > 59:
        raise IntervalRefused(IntervalProblem.FORMAT)
    return time(start_hour, start_minute), time(end_hour, end_minute)


@dataclass(frozen=True)
class DaysLine:
    """One typed line: the same interval on each of its days (Monday is 0)."""

    weekdays: tuple[int, ...]
    start: time
    end: time


def parse_days_line(text: str) -> DaysLine:
    """"Пн–Пт 10:00–18:00" and the like; IntervalRefused says whether the days or the hours can't be read."""
    match = _DAYS_THEN_INTERVAL.match(text)
    if match is None:
        raise IntervalRefused(IntervalProblem.FORMAT)
    start, end = parse_interval(match.group("interval"))
    weekdays = parse_days(match.group("days"))
    if not weekdays:
        raise IntervalRefused(IntervalProblem.DAYS)
    return DaysLine(weekdays, start, end)


def parse_days(text: str) -> tuple[int, ...]:
    """"пн-пт", "Mon, Wed", "з понеділка по пʼятницю", "щодня", "weekends": the days in week order; () if none."""
    words = " ".join(text.lower().replace("ʼ", "'").replace("’", "'").replace(".", " ").split())
    words = _FROM_WORDS.sub("", words)
    if words in _DAY_GROUPS:
        return _DAY_GROUPS[words]
    chosen: set[int] = set()
    for item in re.split(r"\s*(?:,|;|\s|\band\b|\bі\b|\bта\b|\bй\b)\s*", _RANGE_WORDS.sub("-", words)):
        if not item:
            continue
        ends = [_weekday(end) for end in item.split("-")]
        if len(ends) > 2 or None in ends:
            raise IntervalRefused(IntervalProblem.DAYS)
        first, last = ends[0], ends[-1]
        assert first is not None and last is not None
        # A range may wrap over the weekend: "Пт–Пн" is Friday to Monday.
        chosen.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    return tuple(sorted(chosen))


def _weekday(word: str) -> int | None:
    if len(word) < 2:
        return None
    for weekday, stems in enumerate(_DAY_STEMS):
        if any(word.startswith(stem) for stem in stems):
            return weekday
    return None


def fitted(
    weekday: int,
    start: time,
    end: time,
    *,
    week: Sequence[WorkingHours],
    session: SessionFormat,
    replacing: WorkingHours | None = None,
) -> WorkingHours:
    """The interval, if it is one a client could book and it leaves the day's other intervals alone."""
    if not start < end:
        raise IntervalRefused(IntervalProblem.ORDER)
    if _minutes(end) - _minutes(start) < session.length.total_seconds() // 60:
        raise IntervalRefused(IntervalProblem.TOO_SHORT)
    for other in week:
        if other.weekday != weekday or other == replacing:
            continue
        # Touching ends (09:00–13:00 and 13:00–17:00) are two intervals, not an overlap.
        if start < other.end and other.start < end:
            raise IntervalRefused(IntervalProblem.OVERLAP, other)
    return WorkingHours(weekday, start, end)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute
