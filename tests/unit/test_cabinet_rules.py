"""The cabinet's rules: typed working hours, vacation dates, and the life of a profile change."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.profile_changes import ChangeRefused, ChangeStatus, ProfileChange, ProfileField, chosen_codes, typed_value
from core.questionnaires import InvalidAnswer
from core.rules.vacation_dates import (
    DateProblem,
    VacationRefused,
    check_first_day,
    checked_range,
    parse_day,
)
from core.rules.working_hours import IntervalProblem, IntervalRefused, fitted, parse_days_line, parse_interval
from core.schedule import SessionFormat, Vacation, WorkingHours
from core.therapists import TherapistProfile

SESSION = SessionFormat()  # 50 minutes and a 10-minute break
TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 8, tzinfo=UTC)


# -- working hours ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("09:00-13:00", time(9), time(13)),
        ("9-13", time(9), time(13)),
        (" 9.30 – 13.45 ", time(9, 30), time(13, 45)),
        ("08:15—20:00", time(8, 15), time(20)),
    ],
)
def test_hours_are_read_however_they_are_typed(typed, start, end):
    assert parse_interval(typed) == (start, end)


@pytest.mark.parametrize("typed", ["", "зранку", "9", "9-", "25:00-26:00", "09:60-10:00", "9:5-10", "09:00 13:00", "24:00-24:30"])
def test_what_is_not_hours_is_refused_as_such(typed):
    with pytest.raises(IntervalRefused) as refused:
        parse_interval(typed)
    assert refused.value.problem is IntervalProblem.FORMAT


@given(st.integers(0, 23 * 60 + 59), st.integers(0, 23 * 60 + 59))
def test_any_time_of_day_written_as_hh_mm_reads_back(start, end):
    typed = f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
    assert parse_interval(typed) == (time(start // 60, start % 60), time(end // 60, end % 60))


def test_an_interval_must_run_forward_fit_a_session_and_not_overlap_the_day():
    week = [WorkingHours(0, time(9), time(13)), WorkingHours(1, time(12), time(15))]
    with pytest.raises(IntervalRefused) as backwards:
        fitted(0, time(15), time(14), week=week, session=SESSION)
    with pytest.raises(IntervalRefused) as short:
        fitted(0, time(14), time(14, 49), week=week, session=SESSION)
    with pytest.raises(IntervalRefused) as overlap:
        fitted(0, time(12, 59), time(16), week=week, session=SESSION)
    assert backwards.value.problem is IntervalProblem.ORDER
    assert short.value.problem is IntervalProblem.TOO_SHORT
    assert (overlap.value.problem, overlap.value.clash) == (IntervalProblem.OVERLAP, week[0])
    # Touching ends, another weekday, and the interval being replaced are no overlap.
    assert fitted(0, time(13), time(14), week=week, session=SESSION) == WorkingHours(0, time(13), time(14))
    assert fitted(0, time(12), time(16), week=week, session=SESSION, replacing=week[0]) == WorkingHours(0, time(12), time(16))
    assert fitted(2, time(12), time(15), week=week, session=SESSION) == WorkingHours(2, time(12), time(15))


# -- vacation dates ---------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2026-12-20", "20.12.2026", "20/12/2026", " 20.12.2026 ", "20.12", "20.12.26"])
def test_a_date_is_read_iso_or_day_first(typed):
    assert parse_day(typed, date(2026, 12, 7)) == date(2026, 12, 20)


@pytest.mark.parametrize("typed", ["", "завтра", "12/20/2026", "31.11.2026", "2026-13-01", "20.12 15:00"])
def test_what_is_not_a_date_is_refused_as_such(typed):
    with pytest.raises(VacationRefused) as refused:
        parse_day(typed, date(2026, 12, 7))
    assert refused.value.problem is DateProblem.FORMAT


def problem(first: date, last: date, **given: Any) -> DateProblem:
    with pytest.raises(VacationRefused) as refused:
        checked_range(first, last, today=TODAY, **{"others": [], **given})
    return refused.value.problem


def test_a_vacation_starts_today_or_later_ends_after_it_starts_and_is_not_endless():
    assert problem(TODAY - timedelta(days=1), TODAY) is DateProblem.PAST
    assert problem(TODAY + timedelta(days=3), TODAY + timedelta(days=2)) is DateProblem.ORDER
    assert problem(TODAY, TODAY + timedelta(days=366)) is DateProblem.TOO_LONG
    assert problem(TODAY + timedelta(days=731), TODAY + timedelta(days=732)) is DateProblem.TOO_FAR
    assert problem(date(9999, 12, 31), date(9999, 12, 31)) is DateProblem.TOO_FAR
    assert checked_range(TODAY + timedelta(days=730), TODAY + timedelta(days=730), today=TODAY, others=[])
    assert checked_range(TODAY, TODAY, today=TODAY, others=[]) == Vacation(TODAY, TODAY)
    assert checked_range(TODAY, TODAY + timedelta(days=365), today=TODAY, others=[]).last_day == date(2027, 11, 24)


def test_vacations_do_not_overlap_but_one_being_changed_keeps_its_start_and_id():
    ongoing = Vacation(date(2026, 11, 20), date(2026, 11, 26), "Конференція", id=7)
    later = Vacation(date(2026, 12, 20), date(2027, 1, 5), id=8)
    others = [ongoing, later]
    assert problem(date(2027, 1, 5), date(2027, 1, 9), others=others) is DateProblem.OVERLAP
    with pytest.raises(VacationRefused) as inside:
        check_first_day(date(2026, 12, 24), today=TODAY, others=others)
    assert inside.value.clash == later
    stretched = checked_range(date(2026, 11, 20), date(2026, 11, 30), today=TODAY, others=others, changing=ongoing, note=ongoing.note)
    assert stretched == Vacation(date(2026, 11, 20), date(2026, 11, 30), "Конференція", id=7)
    assert problem(date(2026, 11, 19), date(2026, 11, 30), others=others, changing=ongoing) is DateProblem.PAST
    assert problem(date(2026, 11, 20), date(2026, 11, 23), others=others, changing=ongoing) is DateProblem.PAST
    assert problem(TODAY, TODAY, note="н" * 201) is DateProblem.NOTE_TOO_LONG


# -- profile changes ----------------------------------------------------------------------


def profile() -> TherapistProfile:
    return TherapistProfile(
        telegram_id=7, full_name="Iryna", about="old", education="", experience_years=8, price_minor=120_000,
        timezone="Europe/Kyiv", topics=["anxiety"], share_code="iryna", verified=True,
    )


def test_a_change_is_decided_once_never_by_its_own_therapist_and_applied_only_on_approval():
    change = ProfileChange(7, ProfileField.PRICE, 150_000, NOW)
    with pytest.raises(ChangeRefused, match="own_change"):
        change.approve(7, NOW)
    change.approve(900, NOW + timedelta(hours=1))
    assert (change.status, change.decided_by, change.decided_at) == (ChangeStatus.APPROVED, 900, NOW + timedelta(hours=1))
    with pytest.raises(ChangeRefused, match="decided"):
        change.reject(901, NOW, "no")
    live = profile()
    change.apply_to(live)
    assert live.price_minor == 150_000

    rejected = ProfileChange(7, ProfileField.TOPICS, ["grief"], NOW)
    rejected.reject(900, NOW, "Оберіть теми, з якими маєте досвід.")
    assert (rejected.status, rejected.note) == (ChangeStatus.REJECTED, "Оберіть теми, з якими маєте досвід.")
    withdrawn = ProfileChange(7, ProfileField.ABOUT, "new", NOW)
    withdrawn.withdraw(NOW)
    with pytest.raises(ChangeRefused):
        withdrawn.approve(900, NOW)


def test_typed_values_obey_the_questionnaires_rules_and_picks_the_catalogue():
    assert typed_value(ProfileField.PRICE, "1 500 грн") == 150_000
    with pytest.raises(InvalidAnswer, match="out_of_range"):
        typed_value(ProfileField.PRICE, "50")
    with pytest.raises(InvalidAnswer, match="too_short"):
        typed_value(ProfileField.ABOUT, "Коротко.")
    assert chosen_codes(ProfileField.TOPICS, ["trauma", "anxiety"]) == ["anxiety", "trauma"]
    for wrong in ([], ["astrology"], ["anxiety", "astrology"]):
        with pytest.raises(ValueError):
            chosen_codes(ProfileField.TOPICS, wrong)


@pytest.mark.parametrize(
    ("typed", "weekdays", "hours"),
    [
        ("Пн–Пт 10:00–18:00", (0, 1, 2, 3, 4), (time(10), time(18))),
        ("щодня 9–17", (0, 1, 2, 3, 4, 5, 6), (time(9), time(17))),
        ("Mon-Fri 10:00-18:00", (0, 1, 2, 3, 4), (time(10), time(18))),
        ("daily 9-17", (0, 1, 2, 3, 4, 5, 6), (time(9), time(17))),
        ("Пн, Ср: 10-14", (0, 2), (time(10), time(14))),
        ("з понеділка по п’ятницю 9.30-13", (0, 1, 2, 3, 4), (time(9, 30), time(13))),
        ("вт і чт 12:00 - 20:00", (1, 3), (time(12), time(20))),
        ("weekends 10-14", (5, 6), (time(10), time(14))),
        ("Пт–Пн 10-12", (0, 4, 5, 6), (time(10), time(12))),  # over the weekend
    ],
)
def test_a_line_for_several_days_reads_in_ukrainian_and_english(typed, weekdays, hours):
    line = parse_days_line(typed)
    assert (line.weekdays, (line.start, line.end)) == (weekdays, hours)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("10-18", IntervalProblem.DAYS), ("зранку 10-18", IntervalProblem.DAYS), ("Пн–Пт", IntervalProblem.FORMAT),
     ("Пн–Пт 25-26", IntervalProblem.FORMAT)],
)
def test_a_line_without_readable_days_or_hours_is_refused_saying_which(typed, problem):
    with pytest.raises(IntervalRefused) as refused:
        parse_days_line(typed)
    assert refused.value.problem is problem
