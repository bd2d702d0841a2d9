"""Which links a therapist may give clients, and which link a session has."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.bookings import Booking, BookingStatus
from core.meetings import meeting_link, new_room, valid_link

START = datetime(2026, 11, 26, 10, tzinfo=UTC)


def booking(status: BookingStatus, room: str | None = "session-abc") -> Booking:
    return Booking(1, 2, START, START + timedelta(minutes=50), 120_000, status, START, meeting_room=room)


@pytest.mark.parametrize("typed", ["https://meet.google.com/abc-defg-hij", "  https://zoom.us/j/1?pwd=x  "])
def test_an_https_address_is_taken_as_typed(typed):
    assert valid_link(typed) == typed.strip()


@pytest.mark.parametrize(
    "typed", ["http://zoom.us/j/1", "zoom.us/j/1", "https://", "https://localhost/x", "https://a.b/x https://c.d/y", "", "https://x.y/" + "a" * 600]
)
def test_anything_else_is_refused(typed):
    assert valid_link(typed) is None


def test_a_room_of_her_own_wins_and_a_fresh_room_lives_under_the_service():
    paid = booking(BookingStatus.PAID)
    assert meeting_link(paid, "https://zoom.us/j/1", "https://meet.jit.si") == "https://zoom.us/j/1"
    assert meeting_link(paid, None, "https://meet.jit.si/") == "https://meet.jit.si/session-abc"
    assert meeting_link(paid, None, "") is None


@pytest.mark.parametrize("status", sorted(set(BookingStatus) - {BookingStatus.PAID}))
def test_no_session_but_a_paid_one_has_a_link(status):
    assert meeting_link(booking(status), "https://zoom.us/j/1", "https://meet.jit.si") is None


def test_rooms_are_not_guessable():
    rooms = {new_room() for _ in range(1000)}
    assert len(rooms) == 1000 and all(len(room) >= 30 for room in rooms)
