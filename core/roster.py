"""The therapists as staff oversee them: find one, see where their profile stands, pause or hide it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# The audit log's actions (core/audit.py): staff acting on a therapist's profile.
THERAPIST_PAUSED = "therapists.paused"
THERAPIST_HIDDEN = "therapists.hidden"
THERAPIST_SHOWN = "therapists.shown"


@dataclass(frozen=True)
class RosterEntry:
    telegram_id: int
    full_name: str
    verified: bool
    accepting_clients: bool
    hidden: bool
    own_room: bool = False  # keeps a video room of their own (without MEETING_BASE_URL, the only link clients get)

    def matches(self, query: str) -> bool:
        """Every word typed is found in the name, whatever the case: "iry kov" finds "Iryna Kovalenko"."""
        name = self.full_name.casefold()
        return all(word in name for word in query.casefold().split())


class TherapistRoster(Protocol):
    async def entries(self) -> list[RosterEntry]:
        """Every therapist profile, by name."""

    async def set_accepting(self, telegram_id: int, accepting: bool) -> bool:
        """True when it changed; False when it already was so (or there is no such therapist)."""

    async def set_hidden(self, telegram_id: int, hidden: bool) -> bool:
        """True when it changed; False when it already was so (or there is no such therapist)."""
