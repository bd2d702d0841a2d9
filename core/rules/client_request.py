"""What a client comes with to a new therapist: some of that therapist's topics, and a short note.

The note is read by that therapist only; the limit keeps it a note, not a case history.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

NOTE_LIMIT = 500


class NoteTooLong(ValueError):
    def __init__(self, length: int) -> None:
        super().__init__(f"note of {length} characters")
        self.length = length


def acceptable_note(raw: str) -> str | None:
    """The note as it will be kept (None when only blanks were sent), or NoteTooLong."""
    note = raw.strip()
    if len(note) > NOTE_LIMIT:
        raise NoteTooLong(len(note))
    return note or None


def chosen_topics(offered: Sequence[str], chosen: Iterable[str]) -> tuple[str, ...]:
    """The chosen topics that the therapist offers, in the therapist's order; anything else is dropped."""
    wanted = set(chosen)
    return tuple(topic for topic in offered if topic in wanted)


def toggled(chosen: Sequence[str], topic: str) -> list[str]:
    """The choice with one topic switched on or off."""
    return [t for t in chosen if t != topic] if topic in chosen else [*chosen, topic]
