"""Waitlists against in-memory fakes: joining, what counts as a time opening, who is told, when, and how often."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.clock import ManualClock
from core.matching import KeptAnswers
from core.rules.matching import Answers, Window, in_windows
from core.schedule import Vacation, WorkingHours
from core.therapists import TherapistProfile
from core.usecases.booking import BookingPolicy, decline_request, free_times, move_booking, request_booking
from core.usecases.cabinet import set_accepting_clients
from core.usecases.vacations import add_vacation, remove_vacation
from core.usecases.waitlist import (
    EntryGone,
    TimeIsFree,
    WaitlistNotice,
    entry_told,
    join_waitlist,
    leave_waitlist,
    times_to_tell,
)
from core.usecases.working_hours import add_hours
from core.waitlist import EntryStatus, WaitlistEntry
from tests.unit.fakes import FakeUnitOfWork

H = timedelta(hours=1)
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday, 10:00 in Kyiv
THERAPIST, CLIENT, OTHER = 7001, 1001, 1002
KYIV = "Europe/Kyiv"
POLICY = BookingPolicy()
EVENINGS = Answers(windows=(Window.EVENINGS,))
KYIV_TZ = ZoneInfo(KYIV)


def therapist(**changes: Any) -> TherapistProfile:
    profile = TherapistProfile(
        telegram_id=THERAPIST,
        full_name="Iryna Kovalenko",
        about="",
        education="",
        experience_years=8,
        price_minor=120_000,
        timezone=KYIV,
        topics=["anxiety"],
        languages=["uk"],
        share_code="iryna",
        verified=True,
        # Two evening sessions a weekday, 18:00 and 19:00, and Saturday mornings.
        hours=[WorkingHours(day, time(18), time(20)) for day in range(5)] + [WorkingHours(5, time(10), time(12))],
    )
    return replace(profile, **changes)


async def full_platform(**changes: Any) -> tuple[FakeUnitOfWork, ManualClock]:
    """A therapist whose every time in the coming two weeks is booked by someone else."""
    profile = therapist(**changes)
    uow: Any = FakeUnitOfWork(therapists=[profile], anyone_joined_at=NOW)  # the fakes stand in for the ports
    clock = ManualClock(NOW)
    for n, start in enumerate(await free_times(uow, clock, profile, POLICY)):
        if start <= NOW + timedelta(days=15):
            await request_booking(uow, clock, client_id=5000 + n, therapist_id=THERAPIST, starts_at=start, policy=POLICY)
    return uow, clock


async def waiting(uow: Any, clock: ManualClock, client: int = CLIENT, answers: Answers = EVENINGS) -> WaitlistEntry:
    await uow.matching.keep_answers(client, KeptAnswers(answers, clock.now()))
    return await join_waitlist(uow, clock, client_id=client, therapist_id=THERAPIST, zone=KYIV, policy=POLICY)


def booked_at(uow: FakeUnitOfWork, weekday: int, hour: int) -> Any:
    """The first booking on that weekday and hour in Kyiv."""
    return next(
        b for b in sorted(uow.bookings.rows.values(), key=lambda b: b.starts_at)
        if b.active and b.starts_at.astimezone(KYIV_TZ).weekday() == weekday and b.starts_at.astimezone(KYIV_TZ).hour == hour
    )




def opened_notices(uow: FakeUnitOfWork) -> list[Any]:
    return uow.timed_messages.pending(WaitlistNotice.TIME_OPENED.value)


async def cancel(uow: Any, clock: ManualClock, booking: Any) -> None:
    """The therapist declines the request that held the time (a cancellation is the same to a waitlist; the
    bot-level tests cancel, with payments in the database)."""
    await decline_request(uow, clock, therapist_id=THERAPIST, booking_id=booking.id, version=booking.version)


async def test_no_one_waits_where_a_time_that_suits_them_is_free_soon():
    uow, clock = FakeUnitOfWork(therapists=[therapist()], anyone_joined_at=NOW), ManualClock(NOW)
    with pytest.raises(TimeIsFree) as free:
        await waiting(uow, clock)
    assert in_windows(free.value.nearest, (Window.EVENINGS,), KYIV)
    assert free.value.nearest - NOW < timedelta(days=14)


async def test_a_client_whose_windows_find_nothing_free_waits_thirty_days_with_those_windows():
    # Only Saturday mornings are free: nothing in the evenings.
    profile = therapist(hours=[WorkingHours(5, time(10), time(12))])
    uow, clock = FakeUnitOfWork(therapists=[profile], anyone_joined_at=NOW), ManualClock(NOW)
    entry = await waiting(uow, clock)
    assert entry.windows == (Window.EVENINGS,) and entry.zone == KYIV
    assert entry.lapses_at == NOW + timedelta(days=30)
    assert await uow.waitlist.count_waiting(THERAPIST, NOW) == 1


async def test_a_cancellation_inside_the_windows_tells_the_waiting_client_at_once():
    uow, clock = await full_platform()
    entry = await waiting(uow, clock)
    freed = booked_at(uow, 3, 18)  # Thursday 18:00: an evening
    await cancel(uow, clock, freed)
    [notice] = opened_notices(uow)
    assert (notice.recipient_id, notice.due_at, notice.params["entry_id"]) == (CLIENT, NOW, entry.id)
    stored = await uow.waitlist.get(entry.id)
    assert stored is not None and stored.untold == (freed.starts_at,)
    found = await times_to_tell(uow, clock, stored, POLICY)
    assert found is not None and found[1] == [freed.starts_at]


async def test_a_time_outside_the_windows_tells_nobody():
    uow, clock = await full_platform()
    await waiting(uow, clock)
    await cancel(uow, clock, booked_at(uow, 5, 10))  # Saturday morning
    assert opened_notices(uow) == []


async def test_everyone_waiting_whose_windows_fit_is_told_first_joined_first():
    uow, clock = await full_platform()
    first = await waiting(uow, clock, CLIENT)
    clock.advance(H)
    second = await waiting(uow, clock, OTHER, Answers(windows=(Window.EVENINGS, Window.WEEKENDS)))
    clock.advance(H)
    third = await waiting(uow, clock, 1003, Answers(windows=(Window.MORNINGS,)))
    await cancel(uow, clock, booked_at(uow, 3, 19))
    assert [n.params["entry_id"] for n in opened_notices(uow)] == [first.id, second.id]
    assert third.id not in [n.params["entry_id"] for n in opened_notices(uow)]


async def test_a_time_taken_before_the_notice_goes_out_leaves_it_nothing_to_say():
    uow, clock = await full_platform()
    entry = await waiting(uow, clock)
    freed = booked_at(uow, 3, 18)
    await cancel(uow, clock, freed)
    await request_booking(uow, clock, client_id=OTHER, therapist_id=THERAPIST, starts_at=freed.starts_at, policy=POLICY)
    stored = await uow.waitlist.get(entry.id)
    assert stored is not None and await times_to_tell(uow, clock, stored, POLICY) is None


async def test_at_most_one_notice_a_day_and_a_time_is_never_told_twice():
    uow, clock = await full_platform()
    entry = await waiting(uow, clock)
    first = booked_at(uow, 3, 18)
    await cancel(uow, clock, first)
    await entry_told(uow, clock, entry_id=entry.id, told=[first.starts_at])  # the notice went out
    clock.advance(2 * H)
    second = booked_at(uow, 4, 19)
    await cancel(uow, clock, second)
    [notice] = opened_notices(uow)
    assert notice.due_at == NOW + timedelta(days=1)  # a day after the last one
    clock.set(notice.due_at)
    stored = await uow.waitlist.get(entry.id)
    assert stored is not None
    found = await times_to_tell(uow, clock, stored, POLICY)
    assert found is not None and found[1] == [second.starts_at]  # the first is not told again


async def test_a_time_opening_while_a_notice_goes_out_waits_for_the_next_day():
    uow, clock = await full_platform()
    entry = await waiting(uow, clock)
    first, second = booked_at(uow, 3, 18), booked_at(uow, 4, 18)
    await cancel(uow, clock, first)
    await cancel(uow, clock, second)  # before the first notice went out: both in it
    stored = await uow.waitlist.get(entry.id)
    assert stored is not None and stored.untold == (first.starts_at, second.starts_at)
    await entry_told(uow, clock, entry_id=entry.id, told=[first.starts_at])  # one was rendered, say
    [notice] = opened_notices(uow)
    assert notice.due_at == NOW + timedelta(days=1)


async def test_leaving_or_lapsing_ends_the_telling():
    uow, clock = await full_platform()
    entry = await waiting(uow, clock)
    other = await waiting(uow, clock, OTHER)
    await cancel(uow, clock, booked_at(uow, 3, 18))
    await leave_waitlist(uow, clock, client_id=CLIENT, entry_id=entry.id)
    assert [n.recipient_id for n in opened_notices(uow)] == [OTHER]  # the one left is not sent
    with pytest.raises(EntryGone):
        await leave_waitlist(uow, clock, client_id=CLIENT, entry_id=entry.id)
    left = await uow.waitlist.get(entry.id)
    assert left is not None and await times_to_tell(uow, clock, left, POLICY) is None

    clock.advance(timedelta(days=30))
    assert await uow.waitlist.count_waiting(THERAPIST, clock.now()) == 0
    lapsed = await uow.waitlist.get(other.id)
    assert lapsed is not None and not lapsed.waiting(clock.now())
    assert await times_to_tell(uow, clock, lapsed, POLICY) is None


async def test_someone_elses_entry_cannot_be_left():
    uow, clock = await full_platform()
    entry = await waiting(uow, clock)
    with pytest.raises(EntryGone):
        await leave_waitlist(uow, clock, client_id=OTHER, entry_id=entry.id)


async def test_booking_the_therapist_ends_the_wait():
    uow, clock = await full_platform()
    entry = await waiting(uow, clock)
    freed = booked_at(uow, 3, 18)
    await cancel(uow, clock, freed)
    await request_booking(uow, clock, client_id=CLIENT, therapist_id=THERAPIST, starts_at=freed.starts_at, policy=POLICY)
    stored = await uow.waitlist.get(entry.id)
    assert stored is not None and stored.status is EntryStatus.BOOKED
    assert opened_notices(uow) == []


async def test_a_moved_booking_frees_the_time_it_left():
    uow, clock = await full_platform()
    await waiting(uow, clock)
    moving = booked_at(uow, 3, 18)
    later = next(t for t in await free_times(uow, clock, therapist(), POLICY) if t > NOW + timedelta(days=16))
    moving.confirm(NOW)  # a confirmed session can be moved
    await uow.bookings.save(moving)
    await move_booking(
        uow, clock, client_id=moving.client_id, booking_id=moving.id, version=moving.version, new_start=later, policy=POLICY
    )
    [notice] = opened_notices(uow)
    assert notice.recipient_id == CLIENT


async def test_new_evening_hours_tell_the_client_and_new_morning_hours_do_not():
    uow, clock = await full_platform()
    entry = await waiting(uow, clock)
    await add_hours(uow, clock, therapist_id=THERAPIST, weekday=5, start=time(13), end=time(14))  # a Saturday afternoon
    assert opened_notices(uow) == []
    await add_hours(uow, clock, therapist_id=THERAPIST, weekday=1, start=time(20), end=time(21))  # Tuesday 20:00
    [notice] = opened_notices(uow)
    stored = await uow.waitlist.get(entry.id)
    assert stored is not None and stored.untold
    assert all(t.astimezone(KYIV_TZ).hour == 20 and t.astimezone(KYIV_TZ).weekday() == 1 for t in stored.untold)
    assert notice.params["entry_id"] == entry.id


async def test_taking_clients_again_tells_those_who_wait():
    profile = therapist(hours=[WorkingHours(3, time(18), time(19))])
    uow, clock = FakeUnitOfWork(therapists=[profile], anyone_joined_at=NOW), ManualClock(NOW)
    await set_accepting_clients(uow, clock, therapist_id=THERAPIST, accepting=False)
    await waiting(uow, clock)
    await set_accepting_clients(uow, clock, therapist_id=THERAPIST, accepting=True)
    [notice] = opened_notices(uow)
    assert notice.recipient_id == CLIENT


async def test_the_end_of_a_vacation_that_hides_the_therapist_is_when_those_waiting_hear():
    today = date(2026, 11, 24)
    profile = therapist(vacations=[Vacation(today - timedelta(days=1), today + timedelta(days=9), id=1)])
    uow, clock = FakeUnitOfWork(therapists=[profile], anyone_joined_at=NOW), ManualClock(NOW)
    entry = await waiting(uow, clock)
    [back] = uow.timed_messages.pending(WaitlistNotice.RETURNED.value)
    assert back.due_at == datetime(2026, 12, 4, tzinfo=KYIV_TZ)  # the midnight after the last day, in Kyiv
    clock.set(back.due_at)
    stored = await uow.waitlist.get(entry.id)
    assert stored is not None
    found = await times_to_tell(uow, clock, stored, POLICY, returned=True)
    assert found is not None and found[1] and all(in_windows(t, (Window.EVENINGS,), KYIV) for t in found[1])


async def test_shortening_a_vacation_tells_of_the_days_it_gave_back_and_moves_the_return():
    today = date(2026, 11, 24)
    profile = therapist(hide_during_vacation=False)
    uow, clock = FakeUnitOfWork(therapists=[profile], anyone_joined_at=NOW), ManualClock(NOW)
    saved = await add_vacation(uow, clock, therapist_id=THERAPIST, first_day=today, last_day=today + timedelta(days=20), note=None)
    await waiting(uow, clock)
    assert opened_notices(uow) == []
    await remove_vacation(uow, clock, therapist_id=THERAPIST, vacation_id=saved.vacation.id)
    [notice] = opened_notices(uow)
    assert notice.recipient_id == CLIENT
