"""Concrete dates below were checked against holidays 0.109 for UA."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rules.business_days import (
    add_business_days,
    business_days_range,
    is_business_day,
    payout_due_date,
)

KYIV = ZoneInfo("Europe/Kyiv")

# Pre-war years, when public holidays were days off, and martial-law years, when they are not.
dates = st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31))


def business_days_between(after: date, up_to: date) -> int:
    days = (after + timedelta(days=n) for n in range(1, (up_to - after).days + 1))
    return sum(is_business_day(d) for d in days)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 5, 8), True),  # Friday
        (date(2026, 5, 9), False),  # Saturday
        (date(2026, 5, 10), False),  # Sunday
        (date(2021, 5, 3), False),  # Monday, Labour Day moved off Saturday
        (date(2021, 8, 24), False),  # Tuesday, Independence Day
        (date(2022, 3, 8), False),  # Tuesday, Women's Day, a week before martial-law rules
        (date(2026, 1, 1), True),  # Thursday, New Year's Day under martial law
        (date(2026, 8, 24), True),  # Monday, Independence Day under martial law
        (date(2026, 12, 25), True),  # Friday, Christmas under martial law
    ],
)
def test_business_days(day, expected):
    assert is_business_day(day) is expected


def test_saturday_plus_three_business_days_is_wednesday():
    assert add_business_days(date(2026, 5, 9), 3) == date(2026, 5, 13)


def test_counting_back_skips_weekends():
    assert add_business_days(date(2026, 5, 11), -1) == date(2026, 5, 8)


def test_zero_business_days_is_the_same_date():
    assert add_business_days(date(2026, 5, 9), 0) == date(2026, 5, 9)


def test_payout_after_a_friday_payment_before_holiday_monday_and_tuesday():
    # 3 May 2021 (Labour Day observed) and 4 May 2021 (Easter observed) were days off.
    assert payout_due_date(datetime(2021, 4, 30, 15, 0, tzinfo=KYIV)) == date(2021, 5, 7)


def test_payout_after_a_friday_payment_before_pentecost_monday():
    assert payout_due_date(datetime(2021, 6, 18, 15, 0, tzinfo=KYIV)) == date(2021, 6, 24)


def test_payout_across_the_last_holidays_before_martial_law():
    # 7 March 2022 was a transferred day off, 8 March Women's Day.
    assert payout_due_date(datetime(2022, 3, 4, 15, 0, tzinfo=KYIV)) == date(2022, 3, 11)


def test_under_martial_law_independence_day_monday_is_a_business_day():
    # Fails on purpose once the holidays package restores UA public holidays: revisit payouts then.
    assert payout_due_date(datetime(2026, 8, 21, 15, 0, tzinfo=KYIV)) == date(2026, 8, 26)


def test_payout_across_new_year_under_martial_law():
    assert payout_due_date(datetime(2025, 12, 31, 15, 0, tzinfo=KYIV)) == date(2026, 1, 5)


def test_payout_on_saturday_is_due_on_wednesday():
    assert payout_due_date(datetime(2026, 5, 9, 11, 0, tzinfo=KYIV)) == date(2026, 5, 13)


def test_payout_counts_from_the_kyiv_date_not_the_utc_date():
    paid_at = datetime(2026, 5, 7, 22, 30, tzinfo=UTC)  # Thursday in UTC, Friday 01:30 in Kyiv
    assert payout_due_date(paid_at) == date(2026, 5, 13)
    assert payout_due_date(paid_at, tz="UTC") == date(2026, 5, 12)


def test_payout_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        payout_due_date(datetime(2026, 5, 7, 12, 0))


def test_profile_goes_live_within_7_to_10_business_days():
    assert business_days_range(date(2026, 5, 1), 7, 10) == (date(2026, 5, 12), date(2026, 5, 15))


def test_range_must_not_be_reversed():
    with pytest.raises(ValueError):
        business_days_range(date(2026, 5, 1), 10, 7)


@given(
    paid_at=st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
    tz=st.sampled_from(["Europe/Kyiv", "UTC", "America/New_York"]),
)
def test_payout_is_exactly_three_business_days_later(paid_at, tz):
    paid_on = paid_at.astimezone(ZoneInfo(tz)).date()
    due = payout_due_date(paid_at, tz=tz)
    assert due > paid_on
    assert is_business_day(due)
    assert business_days_between(paid_on, due) == 3


@given(day=dates, n=st.integers(min_value=-30, max_value=30))
def test_adding_business_days_lands_on_one_and_counts_exactly(day, n):
    result = add_business_days(day, n)
    if n == 0:
        assert result == day
        return
    assert is_business_day(result)
    if n > 0:
        assert business_days_between(day, result) == n
    else:
        day_before = timedelta(days=1)
        assert business_days_between(result - day_before, day - day_before) == -n


@given(day=dates.filter(is_business_day), n=st.integers(min_value=-30, max_value=30))
def test_counting_back_undoes_counting_forward_from_a_business_day(day, n):
    assert add_business_days(add_business_days(day, n), -n) == day
