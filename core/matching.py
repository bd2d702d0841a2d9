"""What "Help me choose" keeps: a client's answers, for as long as they keep them, and a record of each match.

The answers are the client's to keep or forget (and go with their data on export and deletion). A
match's record says whom they were offered and when, nothing of what they answered: /stats counts
matches made and how many ended in a paid session with one of those offered.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from core.rules.matching import Answers

# A match's record is kept this long for the month's figures, then purged.
MATCH_RECORDS_KEPT = timedelta(days=100)


@dataclass(frozen=True)
class KeptAnswers:
    answers: Answers
    saved_at: datetime
    fill_requests: bool = False  # the client agreed: their topics fill in a first request to a therapist


@dataclass(frozen=True)
class MatchRecord:
    id: int
    client_id: int
    made_at: datetime
    offered: tuple[int, ...]  # therapists offered, best first
    full: tuple[int, ...] = ()  # who fit every answer but had no free time inside the windows: to wait for


@dataclass(frozen=True)
class MatchFigures:
    made: int  # matches shown within the period
    paid: int  # of those, how many led to a paid session with one of the therapists it named


class MatchingRepository(Protocol):
    async def answers_of(self, client_id: int) -> KeptAnswers | None: ...

    async def keep_answers(self, client_id: int, kept: KeptAnswers) -> None:
        """Store them, in place of any kept before."""

    async def forget_answers(self, client_id: int) -> bool:
        """Whether there were any."""

    async def record_match(self, client_id: int, made_at: datetime, offered: list[int], full: list[int]) -> int:
        """A match shown to the client, with whom it offered and whom it found full, in order; its id."""

    async def match_of(self, match_id: int, client_id: int) -> MatchRecord | None:
        """One of this client's matches; None when there is none such (purged, or someone else's)."""

    async def figures(self, start: datetime, end: datetime) -> MatchFigures: ...

    async def purge(self, made_before: datetime) -> int:
        """Match records made before the moment; how many went."""
