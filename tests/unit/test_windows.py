from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.clock import ManualClock
from core.rules.windows import (
    FREE_CANCELLATION,
    answer_deadline,
    is_free_cancellation,
    payment_deadline,
    payment_reminder_at,
)

KYIV = ZoneInfo("Europe/Kyiv")
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)
US = timedelta(microseconds=1)

moments = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2028, 12, 31),
    timezones=st.sampled_from([UTC, KYIV, NEW_YORK]),
    allow_imaginary=False,
)
notices = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60))


def test_free_cancellation_is_24_hours():
    assert FREE_CANCELLATION == timedelta(hours=24)


@given(now=moments, zone=st.sampled_from([UTC, KYIV, NEW_YORK]))
def test_exactly_24_hours_before_is_free_and_a_microsecond_later_is_not(now, zone):
    start = (now.astimezone(UTC) + FREE_CANCELLATION).astimezone(zone)  # real hours, not Kyiv wall hours
    assert is_free_cancellation(start, now)
    assert not is_free_cancellation(start - US, now)


def test_cancellation_window_closes_as_the_clock_moves():
    start = datetime(2026, 5, 12, 10, 0, tzinfo=KYIV)
    clock = ManualClock(start - 24 * H)
    assert is_free_cancellation(start, clock.now())
    clock.advance(US)
    assert not is_free_cancellation(start, clock.now())


def test_24_hours_are_counted_in_real_time_across_spring_forward():
    # Same wall time a day apart, but the Kyiv clock skipped an hour in between: only 23 real hours.
    now = datetime(2026, 3, 28, 12, 0, tzinfo=KYIV)
    start = datetime(2026, 3, 29, 12, 0, tzinfo=KYIV)
    assert not is_free_cancellation(start, now)
    assert is_free_cancellation(start, now - H)


def test_a_therapist_setting_can_widen_the_window():
    now = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    assert not is_free_cancellation(now + 30 * H, now, window=48 * H)


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_free_cancellation(datetime(2026, 5, 2, 9, 0), datetime(2026, 5, 1, 9, 0, tzinfo=UTC)),
        lambda: payment_deadline(datetime(2026, 5, 2, 9, 0, tzinfo=UTC), datetime(2026, 5, 1, 9, 0)),
        lambda: payment_reminder_at(datetime(2026, 5, 2, 9, 0), datetime(2026, 5, 1, 9, 0, tzinfo=UTC)),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError):
        call()


def test_deadline_is_24_hours_before_the_start():
    start = datetime(2026, 5, 12, 10, 0, tzinfo=KYIV)
    booked_at = start - timedelta(days=5)
    assert payment_deadline(start, booked_at) == start - 24 * H


def test_deadline_is_24_real_hours_before_a_start_after_fall_back():
    start = datetime(2026, 10, 25, 12, 0, tzinfo=KYIV)
    deadline = payment_deadline(start, start - timedelta(days=3))
    assert deadline == datetime(2026, 10, 24, 10, 0, tzinfo=UTC)
    assert deadline.astimezone(KYIV).hour == 13


def test_with_exactly_25_hours_notice_both_rules_agree():
    start = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)
    booked_at = start - 25 * H
    assert payment_deadline(start, booked_at) == start - 24 * H == booked_at + H


def test_short_notice_booking_gets_an_hour_to_pay():
    start = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)
    booked_at = start - 5 * H
    assert payment_deadline(start, booked_at) == booked_at + H


def test_short_notice_deadline_never_passes_the_start():
    start = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)
    assert payment_deadline(start, start - timedelta(minutes=20)) == start


def test_booking_after_the_start_is_refused():
    start = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        payment_deadline(start, start + US)


def test_settings_can_change_the_deadline_rules():
    start = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)
    rules = {"before_start": 12 * H, "short_notice": 14 * H, "grace": 2 * H}
    assert payment_deadline(start, start - 14 * H, **rules) == start - 12 * H
    assert payment_deadline(start, start - 13 * H, **rules) == start - 11 * H


@given(start=moments, notice=notices)
def test_deadline_is_between_booking_and_start(start, notice):
    # Real elapsed time: subtracting from a zoned datetime would count wall-clock hours.
    booked_at = start.astimezone(UTC) - notice
    deadline = payment_deadline(start, booked_at)
    assert booked_at <= deadline <= start
    assert deadline - booked_at >= min(H, notice)
    assert deadline.tzinfo is UTC


def test_reminder_comes_a_day_before_the_deadline():
    deadline = datetime(2026, 5, 11, 10, 0, tzinfo=UTC)
    assert payment_reminder_at(deadline, deadline - timedelta(days=5)) == deadline - 24 * H


def test_a_reminder_never_comes_on_the_heels_of_the_invoice():
    deadline = datetime(2026, 5, 11, 10, 0, tzinfo=UTC)
    # invoiced 12 hours before the deadline (a session booked 36 hours ahead): some hours before the deadline
    assert payment_reminder_at(deadline, deadline - 12 * H) == deadline - 3 * H
    # invoiced an hour before it (short notice): the invoice is the only ask
    assert payment_reminder_at(deadline, deadline - H) is None
    assert payment_reminder_at(deadline, deadline - 8 * H) is None


def test_reminder_lead_can_be_set():
    deadline = datetime(2026, 5, 11, 10, 0, tzinfo=UTC)
    assert payment_reminder_at(deadline, deadline - timedelta(days=5), lead=2 * H) == deadline - 2 * H


@given(start=moments, notice=notices)
def test_reminder_is_never_before_booking_nor_after_deadline(start, notice):
    booked_at = start - notice
    deadline = payment_deadline(start, booked_at)
    reminder = payment_reminder_at(deadline, booked_at)
    assert reminder is None or booked_at + 6 * H <= reminder <= deadline


@given(start=moments, notice=notices, ttl=st.timedeltas(min_value=H, max_value=timedelta(days=2)))
def test_a_request_answered_in_its_window_leaves_the_client_time_to_pay_before_the_start(start, notice, ttl):
    requested_at = start.astimezone(UTC) - notice
    lapses = answer_deadline(start, requested_at, ttl)
    assert requested_at <= lapses <= requested_at + ttl
    if notice > timedelta(0):
        assert lapses < start.astimezone(UTC)
    deadline = payment_deadline(start, lapses)  # confirmed at the last moment of the window
    assert deadline >= lapses
    if notice >= 26 * H:  # early enough for the regular deadline: that one holds whenever it is confirmed
        assert deadline == start.astimezone(UTC) - 24 * H
        assert deadline - lapses >= H


def test_an_answer_window_ends_before_the_regular_payment_deadline():
    start = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
    # booked 36 hours ahead with a 12-hour window: it would end after the payment deadline (start - 24h)
    assert answer_deadline(start, start - 36 * H, 12 * H) == start - 25 * H
    # booked 3 hours ahead: halfway to the start, never the start itself
    assert answer_deadline(start, start - 3 * H, 12 * H) == start - 1.5 * H
