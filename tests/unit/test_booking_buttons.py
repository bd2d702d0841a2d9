"""The day and time pickers' buttons, packed without a model per button, read as their models pack them."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.keyboards.booking import Day, Time, packed

# Telegram ids (up to 52 bits), booking ids and versions: what the pickers are built from.
ids = st.integers(min_value=0, max_value=2**52)


@given(therapist_id=ids, day=st.integers(min_value=10_000_101, max_value=99_991_231), booking_id=ids, version=ids)
def test_a_day_button_packs_as_its_model_does(therapist_id: int, day: int, booking_id: int, version: int) -> None:
    data = packed(Day, therapist_id, day, booking_id, version)
    assert data == Day(therapist_id=therapist_id, day=day, booking_id=booking_id, version=version).pack()
    assert Day.unpack(data) == Day(therapist_id=therapist_id, day=day, booking_id=booking_id, version=version)


@given(therapist_id=ids, at=st.integers(min_value=0, max_value=2**40), booking_id=ids, version=ids)
def test_a_time_button_packs_as_its_model_does(therapist_id: int, at: int, booking_id: int, version: int) -> None:
    data = packed(Time, therapist_id, at, booking_id, version)
    assert data == Time(therapist_id=therapist_id, at=at, booking_id=booking_id, version=version).pack()
    assert Time.unpack(data) == Time(therapist_id=therapist_id, at=at, booking_id=booking_id, version=version)


def test_the_fields_are_in_the_order_packed_gives_them() -> None:
    # packed() takes the values in field order: a field added or moved breaks the pickers, and this test.
    assert list(Day.model_fields) == ["therapist_id", "day", "booking_id", "version"]
    assert list(Time.model_fields) == ["therapist_id", "at", "booking_id", "version"]
