"""A therapist's vacations: adding, changing and removing them, and the sessions that fall inside.

During a vacation no slot can be booked (core/rules/slots.py skips its days).
Sessions booked before it was set stay until the therapist decides: each can be
kept, or cancelled free for the client (who is told and offered other times;
a paid one is refunded in full, by the booking and payment rules).
Past vacations are kept as they were: they can be read, not changed.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.bookings import Booking, BookingStatus
from core.clock import Clock
from core.ports import UnitOfWork
from core.rules.vacation_dates import check_first_day, checked_range, clean_note
from core.schedule import Vacation
from core.therapists import TherapistProfile
from core.usecases.booking import BookingNotFound, cancel_booking, decline_request
from core.usecases.cabinet import own_profile
from core.usecases.waitlist import schedule_changed


class VacationGone(LookupError):
    """No such vacation of this therapist (removed meanwhile, or a forged button)."""


class VacationOver(Exception):
    """A past vacation: kept as it was."""


@dataclass(frozen=True)
class Conflict:
    """A session booked inside a vacation, waiting for the therapist's choice."""

    booking: Booking
    client_name: str


@dataclass(frozen=True)
class VacationSaved:
    vacation: Vacation
    conflicts: list[Conflict]


class Removal(StrEnum):
    REMOVED = "removed"
    ENDED = "ended"  # an ongoing vacation: its past days stay on record, it ends yesterday


def today_of(profile: TherapistProfile, clock: Clock) -> date:
    return clock.now().astimezone(ZoneInfo(profile.timezone)).date()


async def vacation_of(uow: UnitOfWork, clock: Clock, *, therapist_id: int, vacation_id: int) -> Vacation:
    """One of the therapist's own vacations that can still be changed."""
    profile = await own_profile(uow, therapist_id)
    return _changeable(profile, vacation_id, today_of(profile, clock))


async def check_start(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, first_day: date, vacation_id: int | None = None
) -> None:
    """Whether a typed first day can begin a vacation, before its last day is asked for."""
    profile = await own_profile(uow, therapist_id)
    today = today_of(profile, clock)
    changing = _changeable(profile, vacation_id, today) if vacation_id else None
    check_first_day(first_day, today=today, others=profile.vacations, changing=changing)


async def check_range(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, first_day: date, last_day: date, vacation_id: int | None = None
) -> None:
    profile = await own_profile(uow, therapist_id)
    today = today_of(profile, clock)
    changing = _changeable(profile, vacation_id, today) if vacation_id else None
    checked_range(first_day, last_day, today=today, others=profile.vacations, changing=changing)


async def add_vacation(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, first_day: date, last_day: date, note: str | None
) -> VacationSaved:
    profile = await own_profile(uow, therapist_id, for_update=True)
    before = copy.deepcopy(profile)
    vacation = checked_range(first_day, last_day, today=today_of(profile, clock), others=profile.vacations, note=note)
    profile.vacations.append(vacation)
    return await _saved(uow, clock, before, profile, len(profile.vacations) - 1)


async def change_dates(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, vacation_id: int, first_day: date, last_day: date
) -> VacationSaved:
    profile = await own_profile(uow, therapist_id, for_update=True)
    today = today_of(profile, clock)
    old = _changeable(profile, vacation_id, today)
    vacation = checked_range(
        first_day, last_day, today=today, others=profile.vacations, changing=old, note=old.note
    )
    index = profile.vacations.index(old)
    before = copy.deepcopy(profile)
    profile.vacations[index] = vacation
    return await _saved(uow, clock, before, profile, index)


async def change_note(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, vacation_id: int, note: str | None
) -> Vacation:
    profile = await own_profile(uow, therapist_id, for_update=True)
    old = _changeable(profile, vacation_id, today_of(profile, clock))
    vacation = replace(old, note=clean_note(note))
    profile.vacations[profile.vacations.index(old)] = vacation
    await uow.therapists.save(profile)
    await uow.commit()
    return vacation


async def remove_vacation(uow: UnitOfWork, clock: Clock, *, therapist_id: int, vacation_id: int) -> Removal:
    """An upcoming vacation goes; an ongoing one ends yesterday, so its days so far stay on record."""
    profile = await own_profile(uow, therapist_id, for_update=True)
    today = today_of(profile, clock)
    old = _changeable(profile, vacation_id, today)
    before = copy.deepcopy(profile)
    if old.first_day < today:
        profile.vacations[profile.vacations.index(old)] = replace(old, last_day=today - timedelta(days=1))
        outcome = Removal.ENDED
    else:
        profile.vacations.remove(old)
        outcome = Removal.REMOVED
    await uow.therapists.save(profile)
    await schedule_changed(uow, clock, before, profile)
    await uow.commit()
    return outcome


async def set_hidden_during_vacations(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, hide: bool
) -> TherapistProfile:
    """Whether clients still find the profile while the therapist is away (booking is closed either way)."""
    profile = await own_profile(uow, therapist_id, for_update=True)
    before = copy.deepcopy(profile)
    profile.hide_during_vacation = hide
    await uow.therapists.save(profile)
    await schedule_changed(uow, clock, before, profile)  # shown while away: the times after the vacation open
    await uow.commit()
    return profile


async def sessions_inside(uow: UnitOfWork, clock: Clock, profile: TherapistProfile, vacation: Vacation) -> list[Conflict]:
    """Active bookings whose start falls on a day of the vacation, in the therapist's zone, by start."""
    zone = ZoneInfo(profile.timezone)
    now = clock.now()
    found = []
    for booking in await uow.bookings.active_of_therapist(profile.telegram_id):
        if booking.settle(now):
            await uow.bookings.save(booking)
            continue
        if vacation.covers(booking.starts_at.astimezone(zone).date()):
            client = await uow.users.get(booking.client_id)
            found.append(Conflict(booking, client.shown_name if client else "—"))
    return found


async def cancel_for_vacation(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, booking_id: int, version: int
) -> Booking:
    """The therapist's own cancellation: free for the client, who is told and offered other times.

    A request not yet answered is declined, which tells the client the same way.
    Raises what the booking use cases raise for a stale or forged button.
    """
    booking = await uow.bookings.get(booking_id)
    if booking is None or booking.therapist_id != therapist_id:
        raise BookingNotFound(booking_id)
    if booking.status is BookingStatus.REQUESTED:
        return await decline_request(uow, clock, therapist_id=therapist_id, booking_id=booking_id, version=version)
    cancelled, _terms = await cancel_booking(
        uow, clock, person_id=therapist_id, booking_id=booking_id, version=version, expected_free=True
    )
    return cancelled


async def kept_booking(uow: UnitOfWork, *, therapist_id: int, booking_id: int) -> Booking:
    """A session the therapist keeps despite the vacation: nothing changes, but it must be theirs."""
    booking = await uow.bookings.get(booking_id)
    if booking is None or booking.therapist_id != therapist_id:
        raise BookingNotFound(booking_id)
    return booking


# -- inside ----------------------------------------------------------------------


def _changeable(profile: TherapistProfile, vacation_id: int | None, today: date) -> Vacation:
    vacation = next((v for v in profile.vacations if v.id == vacation_id), None)
    if vacation is None:
        raise VacationGone(vacation_id)
    if vacation.last_day < today:
        raise VacationOver(vacation_id)
    return vacation


async def _saved(
    uow: UnitOfWork, clock: Clock, before: TherapistProfile, profile: TherapistProfile, index: int
) -> VacationSaved:
    await uow.therapists.save(profile)  # gives a new vacation its id
    await schedule_changed(uow, clock, before, profile)  # shortened, moved: the days it no longer takes open
    vacation = profile.vacations[index]
    conflicts = await sessions_inside(uow, clock, profile, vacation)
    await uow.commit()
    return VacationSaved(vacation, conflicts)
