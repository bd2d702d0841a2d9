"""A person's right to see what the platform holds about them and to have it deleted.

Each topic that stores something about a person (profile, bookings, payments,
support, ...) contributes a `DataSection`: it exports its part, says what must
be settled before deletion, and deletes or anonymises its part, reporting what
it had to keep and why. Storage lists the sections; the use cases in
core/usecases/privacy.py walk them.
"""
from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

# Telegram ids have at most 52 significant bits, so a stand-in below -2**53
# can never be mistaken for a real account or chat.
_STAND_IN_FLOOR = 2**53

# Why something is kept after deletion (the bot explains each code).
FOR_ACCOUNTING = "accounting"
FOR_ACCOUNTABILITY = "accountability"
IN_SUPPORT_CHATS = "support_chats"  # copies in support's Telegram chats, beyond the bot's reach
# What stands in the way of deletion.
UPCOMING_SESSIONS = "upcoming_sessions"
MONEY_UNSETTLED = "money_unsettled"  # a refund, payout or clawback still under way


@dataclass(frozen=True)
class Erasure:
    person_id: int
    # Records that accounting must keep point to this instead of the person;
    # nothing links it back to them.
    stand_in_id: int
    at: datetime


def new_stand_in_id() -> int:
    return -(_STAND_IN_FLOOR + secrets.randbits(62))


def is_stand_in(telegram_id: int) -> bool:
    """Whether an id is a deleted person's stand-in rather than a real account."""
    return telegram_id <= -_STAND_IN_FLOOR


@dataclass(frozen=True)
class Kept:
    topic: str
    reason: str
    count: int


@dataclass(frozen=True)
class Obstacle:
    """Something to settle before deletion, e.g. paid sessions still ahead."""

    topic: str
    reason: str
    count: int


class DataSection(Protocol):
    topic: str

    async def export(self, person_id: int) -> Any:
        """What this topic holds about the person, ready for JSON; None or empty when nothing."""

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]: ...

    async def erase(self, erasure: Erasure) -> list[Kept]:
        """Delete or anonymise this topic's part; report what had to stay."""


PersonalData = Sequence[DataSection]
