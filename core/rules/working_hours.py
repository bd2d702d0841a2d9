"""A working interval as a therapist types it, and whether it fits into their week.

"09:00-13:00", "9-13" or "9.00 – 13.30" all read as the same kind of thing: a
start and an end on the therapist's own wall clock, the same every week.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import time
from enum import StrEnum

from core.schedule import SessionFormat, WorkingHours

_INTERVAL = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[:.](\d{2}))?\s*$")


class IntervalProblem(StrEnum):
    FORMAT = "format"
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
