"""Sealing a field: what DATA_KEYS accepts, what a sealed value shows, and what cannot be done with one."""
from __future__ import annotations

import pytest

from storage.encryption import DamagedValue, KeyRing, UnknownDataKey, new_key, sealed_key
from storage.tables import BookingRow, RefundRow
from storage.tables.sealed import SealedComparison

NOTE = "Since spring I barely sleep; my mother died in March."


def test_a_sealed_value_shows_which_key_sealed_it_and_nothing_of_what_it_holds():
    ring = KeyRing.parse(new_key())

    first, second = ring.seal(NOTE.encode()), ring.seal(NOTE.encode())

    assert sealed_key(first) == ring.writer and first.startswith(f"s1.{ring.writer}.")
    assert "sleep" not in first and "March" not in first
    assert first != second, "a fresh nonce every time: equal texts do not look equal"
    assert ring.open(first).decode() == NOTE


def test_the_first_key_seals_and_every_key_opens():
    old, new = new_key(), new_key()
    before = KeyRing.parse(old).seal(b"under the old key")

    ring = KeyRing.parse(f"{new}, {old}")

    assert ring.open(before) == b"under the old key"
    assert sealed_key(ring.seal(b"x")) == KeyRing.parse(new).writer
    assert ring.ids == (KeyRing.parse(new).writer, KeyRing.parse(old).writer)


def test_a_value_under_a_key_no_longer_held_or_altered_does_not_open():
    old, new = KeyRing.parse(new_key()), KeyRing.parse(new_key())
    sealed = old.seal(b"refund: I could not come, my child was ill")

    with pytest.raises(UnknownDataKey) as unknown:
        new.open(sealed)
    assert unknown.value.key_id == old.writer
    altered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(DamagedValue):
        old.open(altered)
    with pytest.raises(DamagedValue):
        old.open("plain text that was never sealed")
    moved = sealed.replace(old.writer, new.writer, 1)  # the header is authenticated: another id does not open it
    with pytest.raises(DamagedValue):
        new.open(moved)


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("", "no key given"),
        ("not-a-key", "key 1 is not 32 bytes"),
        (f"{new_key()},c2hvcnQ=", "key 2 is not 32 bytes"),
    ],
)
def test_a_malformed_setting_says_which_key_is_wrong_without_echoing_it(setting, said):
    with pytest.raises(ValueError, match=said) as refused:
        KeyRing.parse(setting)
    for part in setting.split(","):
        if part:
            assert part not in str(refused.value)


def test_the_same_key_twice_is_refused():
    key = new_key()
    with pytest.raises(ValueError, match="key 2 is given twice"):
        KeyRing.parse(f"{key},{key}")


def test_sql_cannot_search_filter_or_order_by_a_sealed_field_only_ask_whether_it_is_empty():
    for attempt in (
        lambda: BookingRow.request_note == NOTE,
        lambda: BookingRow.request_note.like("%sleep%"),
        lambda: BookingRow.request_note.in_([NOTE]),
        lambda: RefundRow.request_text.contains("ill"),
        lambda: BookingRow.request_topics > "anxiety",
    ):
        with pytest.raises(SealedComparison):
            attempt()

    assert str(BookingRow.request_topics.is_not(None)) == "bookings.request_topics IS NOT NULL"
    assert str(RefundRow.decision_note.is_(None)) == "refunds.decision_note IS NULL"
