"""Vacation dates as a therapist types them, and which ranges a vacation may take.

Days are calendar dates in the therapist's own zone; "today" is theirs too.
A vacation may not start in the past (an ongoing one keeps the start it had)
nor more than two years ahead, may not end before it starts, and may not
overlap another vacation.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum

from core.rules.dates import UnreadableDate, parse_date
from core.schedule import Vacation

# Longer than this is a pause of the profile, not a vacation.
MAX_DAYS = 366
# Planned further ahead than this is a typing slip (9999 for 2026), not a plan.
FARTHEST_START = timedelta(days=2 * 365)
MAX_NOTE = 200



class DateProblem(StrEnum):
    FORMAT = "format"
    PAST = "past"
    TOO_FAR = "too_far"  # the first day is more than FARTHEST_START ahead
    ORDER = "order"  # the last day is before the first
    TOO_LONG = "too_long"
    OVERLAP = "overlap"
    NOTE_TOO_LONG = "note_too_long"


class VacationRefused(ValueError):
    def __init__(self, problem: DateProblem, clash: Vacation | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.clash = clash


def parse_day(text: str, today: date) -> date:
    """«14.12» (the next 14 December from `today` on), 14.12.2026, 14/12/26 or 2026-12-14: core/rules/dates.py."""
    try:
        return parse_date(text, today)
    except UnreadableDate:
        raise VacationRefused(DateProblem.FORMAT) from None


def check_first_day(
    first_day: date, *, today: date, others: Sequence[Vacation], changing: Vacation | None = None
) -> None:
    """What can be said of a start before the end is known."""
    kept_start = changing is not None and first_day == changing.first_day
    if first_day < today and not kept_start:
        raise VacationRefused(DateProblem.PAST)
    if first_day > today + FARTHEST_START:
        raise VacationRefused(DateProblem.TOO_FAR)
    for other in _others(others, changing):
        if other.covers(first_day):
            raise VacationRefused(DateProblem.OVERLAP, other)


def checked_range(
    first_day: date,
    last_day: date,
    *,
    today: date,
    others: Sequence[Vacation],
    changing: Vacation | None = None,
    note: str | None = None,
) -> Vacation:
    """The vacation these dates make, or why they can't be one; a changed vacation keeps its id."""
    check_first_day(first_day, today=today, others=others, changing=changing)
    if last_day < first_day:
        raise VacationRefused(DateProblem.ORDER)
    if last_day < today:
        raise VacationRefused(DateProblem.PAST)
    if (last_day - first_day) >= timedelta(days=MAX_DAYS):
        raise VacationRefused(DateProblem.TOO_LONG)
    for other in _others(others, changing):
        if first_day <= other.last_day and other.first_day <= last_day:
            raise VacationRefused(DateProblem.OVERLAP, other)
    return Vacation(first_day, last_day, clean_note(note), changing.id if changing else 0)


def clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise VacationRefused(DateProblem.NOTE_TOO_LONG)
    return note or None


def _others(vacations: Sequence[Vacation], changing: Vacation | None) -> list[Vacation]:
    return [vacation for vacation in vacations if changing is None or vacation.id != changing.id]
