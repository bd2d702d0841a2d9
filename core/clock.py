"""The one source of "now" for the whole platform.

Everything that depends on time takes a Clock, so tests move time by hand
instead of sleeping.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until told to move (tests, benchmarks, demos)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now


class ShiftedClock:
    """The system clock moved ahead by an offset that can grow (the demo's clock).

    Time keeps flowing as on the wall; `shift_to` jumps it forward, never back,
    so nothing already decided by time is undone.
    """

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = max(offset, timedelta(0))

    @property
    def offset(self) -> timedelta:
        return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def shift_to(self, offset: timedelta) -> bool:
        """Set the offset if it moves time forward; returns whether it did."""
        if offset <= self._offset:
            return False
        self._offset = offset
        return True
