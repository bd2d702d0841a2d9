"""A therapist's weekly hours and session format, and the free times they give clients.

Intervals are wall-clock times in the therapist's zone, the same every week.
Changing them never touches sessions already booked: those stay.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from core.clock import Clock
from core.ports import UnitOfWork
from core.rules.working_hours import WORKDAYS, DaysLine, IntervalRefused, fitted
from core.schedule import SessionFormat, WorkingHours
from core.therapists import TherapistProfile
from core.usecases.booking import BookingPolicy, free_times
from core.usecases.cabinet import own_profile
from core.usecases.waitlist import schedule_changed

# What a therapist can choose, in minutes.
SESSION_LENGTHS = (45, 50, 60, 90)
BREAKS = (0, 5, 10, 15, 20, 30)


class IntervalGone(LookupError):
    """The interval to change or remove is not in the week any more (changed meanwhile, or a forged button)."""


class NotAChoice(ValueError):
    pass


async def add_hours(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, weekday: int, start: time, end: time
) -> WorkingHours:
    profile = await own_profile(uow, therapist_id, for_update=True)
    before = copy.deepcopy(profile)
    interval = fitted(weekday, start, end, week=profile.hours, session=profile.session)
    profile.hours = _ordered([*profile.hours, interval])
    await _save(uow, clock, before, profile)
    return interval


@dataclass
class DaysAdded:
    """What several days at once came to: added, there already, or refused (each with why)."""

    added: list[WorkingHours] = field(default_factory=list)
    already: list[WorkingHours] = field(default_factory=list)
    refused: list[tuple[WorkingHours, IntervalRefused]] = field(default_factory=list)


async def add_lines(uow: UnitOfWork, clock: Clock, *, therapist_id: int, lines: list[DaysLine]) -> DaysAdded:
    """Each line's interval on each of its days, in one change; a day it doesn't fit is told, the others are kept."""
    profile = await own_profile(uow, therapist_id, for_update=True)
    before = copy.deepcopy(profile)
    result = DaysAdded()
    for line in lines:
        for weekday in line.weekdays:
            _add_one(profile, WorkingHours(weekday, line.start, line.end), result)
    await _save(uow, clock, before, profile)
    return result


async def copy_day(uow: UnitOfWork, clock: Clock, *, therapist_id: int, weekday: int) -> DaysAdded:
    """A day's intervals onto the other days from Monday to Friday."""
    profile = await own_profile(uow, therapist_id, for_update=True)
    before = copy.deepcopy(profile)
    source = [interval for interval in profile.hours if interval.weekday == weekday]
    result = DaysAdded()
    for other in WORKDAYS:
        if other != weekday:
            for interval in source:
                _add_one(profile, WorkingHours(other, interval.start, interval.end), result)
    await _save(uow, clock, before, profile)
    return result


def _add_one(profile: TherapistProfile, wanted: WorkingHours, result: DaysAdded) -> None:
    if wanted in profile.hours:
        result.already.append(wanted)
        return
    try:
        interval = fitted(wanted.weekday, wanted.start, wanted.end, week=profile.hours, session=profile.session)
    except IntervalRefused as refused:
        result.refused.append((wanted, refused))
        return
    profile.hours = _ordered([*profile.hours, interval])
    result.added.append(interval)


async def change_hours(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, old: WorkingHours, start: time, end: time
) -> WorkingHours:
    profile = await own_profile(uow, therapist_id, for_update=True)
    if old not in profile.hours:
        raise IntervalGone(old)
    before = copy.deepcopy(profile)
    interval = fitted(old.weekday, start, end, week=profile.hours, session=profile.session, replacing=old)
    profile.hours = _ordered([interval if hours == old else hours for hours in profile.hours])
    await _save(uow, clock, before, profile)
    return interval


async def remove_hours(uow: UnitOfWork, clock: Clock, *, therapist_id: int, interval: WorkingHours) -> None:
    profile = await own_profile(uow, therapist_id, for_update=True)
    if interval not in profile.hours:
        raise IntervalGone(interval)
    before = copy.deepcopy(profile)
    profile.hours = [hours for hours in profile.hours if hours != interval]
    await _save(uow, clock, before, profile)


async def set_session_format(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, length_minutes: int, break_minutes: int
) -> SessionFormat:
    if length_minutes not in SESSION_LENGTHS or break_minutes not in BREAKS:
        raise NotAChoice((length_minutes, break_minutes))
    profile = await own_profile(uow, therapist_id, for_update=True)
    before = copy.deepcopy(profile)
    profile.session = SessionFormat(timedelta(minutes=length_minutes), timedelta(minutes=break_minutes))
    await _save(uow, clock, before, profile)
    return profile.session


async def next_free_times(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, policy: BookingPolicy
) -> tuple[TherapistProfile, list[datetime]]:
    """The starts clients can book now, exactly as the booking flow offers them."""
    profile = await own_profile(uow, therapist_id)
    return profile, await free_times(uow, clock, profile, policy)


def _ordered(hours: list[WorkingHours]) -> list[WorkingHours]:
    return sorted(hours, key=lambda interval: (interval.weekday, interval.start))


async def _save(uow: UnitOfWork, clock: Clock, before: TherapistProfile, profile: TherapistProfile) -> None:
    await uow.therapists.save(profile)
    await schedule_changed(uow, clock, before, profile)  # new times: whoever waits for one hears
    await uow.commit()
