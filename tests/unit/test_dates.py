"""One date parser for every step that asks for a date: a vacation's days and an interview's time read alike."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rules.dates import UnreadableDate, example_day, parse_date, parse_date_time

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday, 10:00 in Kyiv
TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14.12", date(2026, 12, 14)),  # as a vacation's day, like the interview's «10.12 15:00»
        ("14/12", date(2026, 12, 14)),
        ("24.11", date(2026, 11, 24)),  # today is not past
        ("23.11", date(2027, 11, 23)),  # gone this year: the next one
        ("14.12.2026", date(2026, 12, 14)),
        ("14.12.26", date(2026, 12, 14)),
        ("2026-12-14", date(2026, 12, 14)),
    ],
)
def test_a_day_is_read_with_or_without_its_year(typed, expected):
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10.12 15:00", datetime(2026, 12, 10, 13, 0, tzinfo=UTC)),  # Kyiv in winter: UTC+2
        ("26.11 18.00", datetime(2026, 11, 26, 16, 0, tzinfo=UTC)),
        ("24.11 09:00", datetime(2027, 11, 24, 7, 0, tzinfo=UTC)),  # already passed this year: the next one
        ("15.06.2027 18:00", datetime(2027, 6, 15, 15, 0, tzinfo=UTC)),  # Kyiv in summer: UTC+3
        ("2026-12-01 09:30", datetime(2026, 12, 1, 7, 30, tzinfo=UTC)),
    ],
)
def test_a_day_and_time_is_read_in_the_persons_zone(typed, expected):
    assert parse_date_time(typed, "Europe/Kyiv", NOW) == expected


@pytest.mark.parametrize(
    "typed",
    ["tomorrow at six", "31.02 18:00", "26.11", "26.11 25:00", "0001-01-01 00:30", "01.01.0001 00:30", "12/20 10:00"],
)
def test_an_unreadable_time_is_refused(typed):
    with pytest.raises(UnreadableDate):
        parse_date_time(typed, "Europe/Kyiv", NOW)


@pytest.mark.parametrize("typed", ["", "завтра", "31.11.2026", "2026-13-01", "12/20/2026", "14.12 15:00"])
def test_an_unreadable_day_is_refused(typed):
    with pytest.raises(UnreadableDate):
        parse_date(typed, TODAY)


@given(today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_an_example_is_never_in_the_past_and_reads_back_as_itself(today):
    example = example_day(today)
    assert example > today
    assert parse_date(f"{example:%d.%m}", today) == example
