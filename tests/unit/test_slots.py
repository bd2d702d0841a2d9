from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rules.slots import free_slots, group_by_local_day
from core.schedule import SessionFormat, Vacation, WorkingHours

KYIV = ZoneInfo("Europe/Kyiv")
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)
MIN = timedelta(minutes=1)
STANDARD = SessionFormat()
MONDAY, SUNDAY = 0, 6
SPRING_FORWARD = date(2026, 3, 29)  # Kyiv: 03:00 EET becomes 04:00 EEST
FALL_BACK = date(2026, 10, 25)  # Kyiv: 04:00 EEST becomes 03:00 EET


def kyiv(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=KYIV)


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def slots_for(hours, *, now, session=STANDARD, min_notice=timedelta(0), horizon=timedelta(days=6), **rest):
    return list(free_slots(hours, "Europe/Kyiv", session=session, now=now, min_notice=min_notice, horizon=horizon, **rest))


A_MONDAY = date(2026, 5, 11)
MONDAY_MORNING = [WorkingHours(MONDAY, time(9), time(12))]
SUNDAY_NIGHT = [WorkingHours(SUNDAY, time(2), time(5))]


def local_times(slots):
    return [slot.astimezone(KYIV).strftime("%a %H:%M") for slot in slots]


def test_slots_are_laid_out_a_step_apart_from_the_start_of_the_hours():
    slots = slots_for(MONDAY_MORNING, now=kyiv(A_MONDAY, 0))
    assert local_times(slots) == ["Mon 09:00", "Mon 10:00", "Mon 11:00"]
    assert all(slot.tzinfo is UTC for slot in slots)


@pytest.mark.parametrize(("end", "last"), [(time(11, 50), "Mon 11:00"), (time(11, 49), "Mon 10:00")])
def test_a_slot_must_end_by_the_end_of_the_hours(end, last):
    slots = slots_for([WorkingHours(MONDAY, time(9), end)], now=kyiv(A_MONDAY, 0))
    assert local_times(slots)[-1] == last


def test_the_session_format_sets_the_step():
    couples = SessionFormat(length=timedelta(minutes=80), gap=timedelta(minutes=10))
    slots = slots_for(MONDAY_MORNING, now=kyiv(A_MONDAY, 0), session=couples)
    assert local_times(slots) == ["Mon 09:00", "Mon 10:30"]


@pytest.mark.parametrize(
    ("taken", "left"),
    [
        (time(10), ["Mon 09:00", "Mon 11:00"]),
        (time(10, 30), ["Mon 09:00"]),  # a booking off the grid, e.g. from older hours
        (time(10, 50), ["Mon 09:00", "Mon 10:00"]),  # starts as 10:00's session ends: touching is no overlap
        (time(8, 10), ["Mon 09:00", "Mon 10:00", "Mon 11:00"]),
        (time(8, 11), ["Mon 10:00", "Mon 11:00"]),
    ],
)
def test_a_taken_slot_blocks_every_slot_it_overlaps(taken, left):
    slots = slots_for(MONDAY_MORNING, now=kyiv(A_MONDAY, 0), taken=[kyiv(A_MONDAY, taken.hour, taken.minute)])
    assert local_times(slots) == left


def test_vacation_days_are_whole_local_days():
    hours = [WorkingHours(weekday, time(9), time(10)) for weekday in range(5)]
    vacation = Vacation(date(2026, 5, 12), date(2026, 5, 13))
    slots = slots_for(hours, now=kyiv(A_MONDAY, 0), vacations=[vacation])
    assert local_times(slots) == ["Mon 09:00", "Thu 09:00", "Fri 09:00"]


def test_minimum_notice_and_horizon_are_inclusive():
    now = kyiv(A_MONDAY, 8)
    slots = slots_for(MONDAY_MORNING, now=now, min_notice=2 * H, horizon=3 * H)
    assert local_times(slots) == ["Mon 10:00", "Mon 11:00"]
    assert local_times(slots_for(MONDAY_MORNING, now=now + MIN, min_notice=2 * H, horizon=3 * H)) == ["Mon 11:00"]


def test_nothing_when_the_horizon_is_shorter_than_the_notice():
    assert slots_for(MONDAY_MORNING, now=kyiv(A_MONDAY, 0), min_notice=48 * H, horizon=24 * H) == []


def test_overlapping_hours_give_no_duplicates():
    hours = [*MONDAY_MORNING, WorkingHours(MONDAY, time(10), time(13))]
    assert local_times(slots_for(hours, now=kyiv(A_MONDAY, 0))) == ["Mon 09:00", "Mon 10:00", "Mon 11:00", "Mon 12:00"]


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        slots_for(MONDAY_MORNING, now=datetime(2026, 5, 11))
    with pytest.raises(ValueError):
        slots_for(MONDAY_MORNING, now=kyiv(A_MONDAY, 0), taken=[datetime(2026, 5, 11, 9)])


def test_spring_forward_skips_the_missing_hour():
    slots = slots_for(SUNDAY_NIGHT, now=utc(SPRING_FORWARD, 0) - 2 * H)
    # 02:00 EET and 04:00 EEST; 03:00 never shows on a Kyiv clock that night.
    assert slots == [utc(SPRING_FORWARD, 0), utc(SPRING_FORWARD, 1)]
    assert local_times(slots) == ["Sun 02:00", "Sun 04:00"]


def test_spring_forward_never_squeezes_two_sessions_together():
    session = SessionFormat(length=timedelta(minutes=40), gap=timedelta(minutes=10))
    hours = [WorkingHours(SUNDAY, time(1), time(6))]
    slots = slots_for(hours, now=utc(SPRING_FORWARD, 0) - 3 * H, session=session)
    # 04:20 EEST would start 40 real minutes after 02:40 EET, so it is dropped.
    assert local_times(slots) == ["Sun 01:00", "Sun 01:50", "Sun 02:40", "Sun 05:10"]
    assert all(later - earlier >= session.step for earlier, later in pairwise(slots))


def test_fall_back_gives_the_repeated_hour_once():
    slots = slots_for(SUNDAY_NIGHT, now=utc(FALL_BACK, 0) - 3 * H)
    # 02:00 EEST, the first 03:00 (EEST), 04:00 EET.
    assert slots == [utc(FALL_BACK, 0) - H, utc(FALL_BACK, 0), utc(FALL_BACK, 2)]
    assert local_times(slots) == ["Sun 02:00", "Sun 03:00", "Sun 04:00"]


@pytest.mark.parametrize("sunday", [SPRING_FORWARD, FALL_BACK])
def test_a_client_in_new_york_sees_the_same_instants(sunday):
    slots = slots_for(SUNDAY_NIGHT, now=utc(sunday, 0) - 3 * H)
    by_day = group_by_local_day(slots, "America/New_York")
    shown = [slot for day in by_day.values() for slot in day]
    assert shown == slots
    assert all(slot.tzinfo is NEW_YORK for slot in shown)
    # Kyiv's small hours of Sunday are Saturday evening in New York.
    assert list(by_day) == [sunday - timedelta(days=1)]


def test_grouping_splits_by_the_readers_day_in_order():
    slots = [utc(A_MONDAY, 23), utc(A_MONDAY, 3), utc(A_MONDAY, 22)]
    by_day = group_by_local_day(slots, "Europe/Kyiv")
    assert list(by_day) == [A_MONDAY, A_MONDAY + timedelta(days=1)]
    assert by_day[A_MONDAY] == [utc(A_MONDAY, 3)]
    assert by_day[A_MONDAY + timedelta(days=1)] == [utc(A_MONDAY, 22), utc(A_MONDAY, 23)]


def test_a_full_week_over_60_days():
    hours = [
        WorkingHours(weekday, start, end)
        for weekday in range(6)
        for start, end in ((time(8), time(12)), (time(14), time(20)))
    ]
    slots = slots_for(hours, now=kyiv(A_MONDAY, 0), horizon=timedelta(days=60) - MIN)
    assert len(slots) == 10 * 6 * (60 // 7) + 10 * 4
    assert len(set(slots)) == len(slots)


@st.composite
def working_hours(draw):
    weekday = draw(st.integers(0, 6))
    start = draw(st.integers(0, 23 * 4 - 1)) * 15
    end = draw(st.integers(start // 15 + 1, 24 * 4 - 1)) * 15
    return WorkingHours(weekday, time(start // 60, start % 60), time(end // 60, end % 60))


@st.composite
def vacation_spans(draw):
    first = draw(st.dates(date(2026, 3, 1), date(2026, 12, 31)))
    return Vacation(first, first + timedelta(days=draw(st.integers(0, 14))))


def on_dst_change(day: date, zone: ZoneInfo) -> bool:
    return datetime.combine(day, time(0), zone).utcoffset() != datetime.combine(day, time(23, 59), zone).utcoffset()


@settings(max_examples=150, deadline=None)
@given(
    hours=st.lists(working_hours(), max_size=8),
    tz=st.sampled_from(["Europe/Kyiv", "America/New_York"]),
    length=st.integers(20, 120),
    gap=st.integers(0, 30),
    vacations=st.lists(vacation_spans(), max_size=3),
    now=st.datetimes(datetime(2026, 3, 1), datetime(2026, 11, 30), timezones=st.just(UTC)),
    min_notice=st.integers(0, 48 * 60),
    horizon=st.integers(0, 30 * 24 * 60),
    taken_offsets=st.lists(st.integers(0, 30 * 24 * 6), max_size=20),
)
def test_free_slots_obey_every_rule(hours, tz, length, gap, vacations, now, min_notice, horizon, taken_offsets):
    zone = ZoneInfo(tz)
    session = SessionFormat(length=length * MIN, gap=gap * MIN)
    taken = [now + offset * 10 * MIN for offset in taken_offsets]
    search = free_slots(
        hours, tz, session=session, vacations=vacations, taken=taken,
        now=now, min_notice=min_notice * MIN, horizon=horizon * MIN,
    )
    # The nearest free time stops the search at the first slot: it must be the first of them all.
    first = next(search, None)
    slots = ([first] if first else []) + list(search)

    assert slots == sorted(set(slots))
    for slot in slots:
        assert slot.tzinfo is UTC
        assert min_notice * MIN <= slot - now <= horizon * MIN
        assert all(abs(slot - booked) >= session.length for booked in taken)
        local = slot.astimezone(zone)
        assert not any(vacation.covers(local.date()) for vacation in vacations)
        assert any(_on_the_grid_of(local, interval, session) for interval in hours)
        if not on_dst_change(local.date(), zone):
            assert any(_fits_in(local, interval, session) for interval in hours)


def _on_the_grid_of(local: datetime, interval: WorkingHours, session: SessionFormat) -> bool:
    wall = local.replace(tzinfo=None)
    since_start = wall - datetime.combine(wall.date(), interval.start)
    return interval.weekday == wall.weekday() and since_start >= timedelta(0) and since_start % session.step == timedelta(0)


def _fits_in(local: datetime, interval: WorkingHours, session: SessionFormat) -> bool:
    wall = local.replace(tzinfo=None)
    end = datetime.combine(wall.date(), interval.end)
    return _on_the_grid_of(local, interval, session) and wall + session.length <= end
