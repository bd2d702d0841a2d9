"""Where an online session happens: the therapist's standing room, or a fresh one per session.

A therapist may keep a room of their own (any https link: Zoom, Meet, Jitsi);
without one, each paid session gets a room of its own on the platform's video
service (MEETING_BASE_URL), named by a random token so nobody finds it by
guessing. The link is worked out when it is shown, so a therapist who changes
their room changes it for every session still ahead.
"""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from core.bookings import Booking, BookingStatus

MAX_LINK_LENGTH = 512
# Shown only to the two people of a session that is paid and not over (held, it is settled away).
SHOWS_LINK = frozenset({BookingStatus.PAID})


def new_room() -> str:
    """A room name nobody can guess: 128 random bits."""
    return "session-" + secrets.token_urlsafe(16)


def valid_link(text: str) -> str | None:
    """The link as typed when it is a plain https address; None otherwise."""
    link = text.strip()
    if not link or len(link) > MAX_LINK_LENGTH or any(character.isspace() for character in link):
        return None
    parts = urlsplit(link)
    if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname:
        return None
    return link


def meeting_link(booking: Booking, own_room: str | None, base_url: str) -> str | None:
    """The session's link, or None: not paid yet, or neither the therapist nor the platform has a room."""
    if booking.status not in SHOWS_LINK:
        return None
    if own_room:
        return own_room
    if base_url and booking.meeting_room:
        return f"{base_url.rstrip('/')}/{booking.meeting_room}"
    return None
