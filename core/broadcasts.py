"""A broadcast: one message from staff, copied to every person of a segment through timed messages.

Each recipient gets a timed message of their own (dedup key
`broadcast:<id>:<recipient>`), so delivery paces them within Telegram's limits,
a restart loses none and sends none twice, and the report is read from how
those messages stand: delivered, pending, unreachable (the person blocked the
bot) or not delivered for another reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.applications import Step

BROADCAST_SENT = "broadcasts.sent"  # the audit log's action
BROADCAST_STOPPED = "broadcasts.stopped"


class Audience(StrEnum):
    THERAPISTS = "therapists"
    CLIENTS = "clients"  # people with the client role who are not therapists
    APPLICANTS = "applicants"  # whose latest application is at one step


@dataclass(frozen=True)
class Segment:
    audience: Audience
    step: Step | None = None

    def __post_init__(self) -> None:
        if (self.audience is Audience.APPLICANTS) != (self.step is not None):
            raise ValueError("applicants are chosen by a step, and only they are")

    @property
    def code(self) -> str:
        """"therapists", "clients" or "applicants.<step>": how it is stored and carried by buttons (no ":")."""
        return f"{self.audience.value}.{self.step.value}" if self.step else self.audience.value

    @classmethod
    def parse(cls, code: str) -> Segment:
        """ValueError for anything that is not a segment's code."""
        audience, _, step = code.partition(".")
        return cls(Audience(audience), Step(step) if step else None)


@dataclass
class Broadcast:
    author_id: int
    segment: Segment
    from_chat_id: int  # the author's message that every recipient gets a copy of
    message_id: int
    recipients: int  # how many it was addressed to when confirmed
    created_at: datetime
    id: int = 0


@dataclass(frozen=True)
class Outcomes:
    delivered: int = 0
    pending: int = 0  # waiting for its turn, or being sent
    unreachable: int = 0  # the person blocked the bot (or never started it)
    not_delivered: int = 0  # refused by Telegram (e.g. the original was deleted), or stopped before sending

    @property
    def finished(self) -> bool:
        return self.pending == 0


@dataclass(frozen=True)
class BroadcastReport:
    broadcast: Broadcast
    outcomes: Outcomes


class DuplicateBroadcast(Exception):
    """This message was already broadcast to this segment (a second tap on Confirm)."""


class BroadcastRepository(Protocol):
    async def recipients(self, segment: Segment) -> list[int]:
        """Telegram ids of everyone in the segment now, in id order."""

    async def add(self, broadcast: Broadcast) -> None:
        """Store it and give it its id; DuplicateBroadcast if this message already went to this segment."""

    async def get(self, broadcast_id: int) -> Broadcast | None: ...

    async def latest(self, limit: int) -> list[Broadcast]:
        """Newest first."""

    async def outcomes(self, broadcast_id: int) -> Outcomes: ...
