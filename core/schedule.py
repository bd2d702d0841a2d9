"""A therapist's schedule as data: weekly working hours, vacations, the session format.

Times and days are wall-clock values in the therapist's own time zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta


@dataclass(frozen=True)
class WorkingHours:
    weekday: int  # 0 = Monday … 6 = Sunday, as date.weekday()
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("working hours are wall-clock times in the therapist's zone, without tzinfo")
        if not self.start < self.end:
            raise ValueError(f"working hours must start before they end: {self.start}–{self.end}")


@dataclass(frozen=True)
class Vacation:
    first_day: date
    last_day: date  # inclusive
    note: str | None = None  # the therapist's own reminder, never shown to clients
    id: int = 0  # given by storage; stays the same when the dates or note change

    def __post_init__(self) -> None:
        if self.first_day > self.last_day:
            raise ValueError(f"vacation ends before it starts: {self.first_day}–{self.last_day}")

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class SessionFormat:
    length: timedelta = timedelta(minutes=50)
    gap: timedelta = timedelta(minutes=10)

    def __post_init__(self) -> None:
        if self.length <= timedelta(0):
            raise ValueError(f"a session must last some time, got {self.length}")
        if self.gap < timedelta(0):
            raise ValueError(f"the gap between sessions cannot be negative, got {self.gap}")

    @property
    def step(self) -> timedelta:
        return self.length + self.gap
