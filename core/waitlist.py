"""A waitlist: a client who found no free time with a therapist asks to be told when one opens.

An entry waits 30 days from joining (joining again starts them anew), until the client leaves it, or
until they book the therapist (or, for entries joined together from a match, any of them). It keeps
the client's windows on their clock then, the times that opened inside them and are not told yet,
and the times already told, so no time is told twice. At most one notice a day goes out per entry:
a time that opens sooner after the last notice waits for the day to pass.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from core.rules.matching import Window, in_windows

WAITS_FOR = timedelta(days=30)
NOTICE_GAP = timedelta(days=1)
# An entry's record is kept this long after joining (it lapsed long before) for the month's figures, then purged.
ENTRIES_KEPT = timedelta(days=100)
# A time further away than this is not what a waitlist is for: the therapist's calendar already shows it.
WAITLIST_HORIZON = timedelta(days=14)


class EntryStatus(StrEnum):
    WAITING = "waiting"  # until it lapses, WAITS_FOR after joining
    LEFT = "left"  # the client left it
    BOOKED = "booked"  # the client booked the therapist (or another of the same match's entries)


@dataclass
class WaitlistEntry:
    client_id: int
    therapist_id: int
    joined_at: datetime
    windows: tuple[Window, ...]  # when the client can meet; () is any time
    zone: str  # the client's zone when joining: the windows are on its clock
    id: int = 0
    group: int | None = None  # the match it was joined from with the others ("any of these three")
    status: EntryStatus = EntryStatus.WAITING
    ended_at: datetime | None = None
    untold: tuple[datetime, ...] = ()  # times that opened inside the windows, not told yet
    told: tuple[datetime, ...] = ()
    last_told_at: datetime | None = None
    revision: int = 0  # names the one notice pending for it, so a new one replaces it under a new key

    @property
    def lapses_at(self) -> datetime:
        return self.joined_at + WAITS_FOR

    def waiting(self, now: datetime) -> bool:
        return self.status is EntryStatus.WAITING and now < self.lapses_at

    def fits(self, start: datetime) -> bool:
        return in_windows(start, self.windows, self.zone)

    def next_notice_at(self, now: datetime) -> datetime:
        """Now, or once a day has passed since the last notice."""
        if self.last_told_at is None:
            return now
        return max(now, self.last_told_at + NOTICE_GAP)

    def hear_of(self, opened: Iterable[datetime], now: datetime) -> bool:
        """Keep the opened times that suit the client and were not told; whether any is new."""
        before = set(self.untold)
        fresh = {t for t in opened if now < t <= now + WAITLIST_HORIZON and self.fits(t) and t not in self.told}
        self.untold = tuple(sorted(t for t in before | fresh if t > now))
        return bool(fresh - before)

    def was_told(self, times: Iterable[datetime], now: datetime) -> None:
        told = set(times)
        self.told = tuple(sorted(t for t in set(self.told) | told if t > now))
        self.untold = tuple(t for t in self.untold if t not in told and t > now)
        self.last_told_at = now

    def end(self, status: EntryStatus, now: datetime) -> None:
        self.status, self.ended_at = status, now
        self.untold = ()


@dataclass(frozen=True)
class WaitlistFigures:
    joined: int  # entries joined within the period
    paid: int  # of those, how many led to a session with that therapist that was paid


class WaitlistRepository(Protocol):
    async def get(self, entry_id: int, *, for_update: bool = False) -> WaitlistEntry | None: ...

    async def of_pair(self, client_id: int, therapist_id: int) -> WaitlistEntry | None:
        """The client's entry for this therapist, whatever its state: there is one a pair at most."""

    async def add(self, entry: WaitlistEntry) -> None:
        """Stored, and given its id."""

    async def save(self, entry: WaitlistEntry) -> None: ...

    async def waiting_for(self, therapist_id: int, now: datetime) -> list[WaitlistEntry]:
        """Entries still waiting for this therapist, first joined first."""

    async def waiting_of(self, client_id: int, now: datetime) -> list[WaitlistEntry]:
        """The client's entries still waiting, first joined first."""

    async def in_group(self, group: int) -> list[WaitlistEntry]: ...

    async def count_waiting(self, therapist_id: int, now: datetime) -> int: ...

    async def figures(self, start: datetime, end: datetime) -> WaitlistFigures:
        """Entries joined within [start, end), and how many of them ended in a paid session with their therapist."""

    async def purge(self, joined_before: datetime) -> int:
        """Entries joined before the moment (long lapsed or ended); how many went."""
