"""The therapist's cabinet: who has one, pausing new clients, the personal brand, and the month's figures.

Only a verified therapist has a cabinet. Every change here acts on the
therapist's own profile, locked while it changes, so two changes made at
once (say, the therapist's and an admin's approval) queue up instead of
one overwriting the other.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.bookings import BookingStatus
from core.clock import Clock
from core.conversations import Side
from core.ports import UnitOfWork
from core.therapists import TherapistProfile
from core.usecases.payouts import Earnings, earnings
from core.usecases.waitlist import schedule_changed
from core.users import Role, User

# Far enough back to see every booking a client ever made.
_EVER = datetime(2000, 1, 1, tzinfo=UTC)


class NoCabinet(LookupError):
    """Not a therapist whose profile the platform has published."""


async def cabinet_of(uow: UnitOfWork, person: User) -> TherapistProfile:
    if Role.THERAPIST not in person.roles:
        raise NoCabinet(person.telegram_id)
    return await own_profile(uow, person.telegram_id)


async def own_profile(uow: UnitOfWork, therapist_id: int, *, for_update: bool = False) -> TherapistProfile:
    profile = await uow.therapists.get(therapist_id, for_update=for_update)
    if profile is None or not profile.verified:
        raise NoCabinet(therapist_id)
    return profile


async def set_accepting_clients(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, accepting: bool
) -> TherapistProfile:
    """Pause or resume new clients; booked sessions stay as they are either way."""
    profile = await own_profile(uow, therapist_id, for_update=True)
    before = copy.deepcopy(profile)
    profile.accepting_clients = accepting
    await uow.therapists.save(profile)
    await schedule_changed(uow, clock, before, profile)  # taking clients again: whoever waits hears of the times
    await uow.commit()
    return profile


async def set_media_opt_in(uow: UnitOfWork, *, therapist_id: int, taking_part: bool) -> TherapistProfile:
    """Whether the platform may invite them into its videos, podcasts and articles."""
    profile = await own_profile(uow, therapist_id, for_update=True)
    profile.media_opt_in = taking_part
    await uow.therapists.save(profile)
    await uow.commit()
    return profile


def vacation_today(profile: TherapistProfile, now: datetime) -> date | None:
    """The last day of the vacation the therapist is on now (in their zone), if any."""
    today = now.astimezone(ZoneInfo(profile.timezone)).date()
    return next((vacation.last_day for vacation in profile.vacations if vacation.covers(today)), None)


# -- the month in figures ----------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    """The therapist's calendar month so far, in their own zone."""

    month: date  # its first day
    zone: str
    held: int  # sessions this month that took place or count as held (a late cancellation, a no-show)
    ahead: int  # booked sessions still to come this month
    new_clients: int  # people whose first session with this therapist was agreed this month
    cancelled_by_clients: int  # this month, of agreed sessions
    cancelled_late: int  # of those, less than 24 hours ahead: they count as held
    cancelled_by_therapist: int
    money: Earnings


async def month_figures(uow: UnitOfWork, clock: Clock, *, therapist_id: int) -> MonthFigures:
    profile = await own_profile(uow, therapist_id)
    now = clock.now()
    zone = ZoneInfo(profile.timezone)
    start = now.astimezone(zone).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)

    def in_month(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    # A session of this month, or one cancelled this month, starts this month or later.
    mine = [b for b in await uow.bookings.of_person(therapist_id, since=start) if b.therapist_id == therapist_id]
    for booking in mine:
        if booking.settle(now):
            await uow.bookings.save(booking)
    cancelled = [
        b for b in mine
        if b.status in (BookingStatus.CANCELLED_IN_TIME, BookingStatus.CANCELLED_LATE)
        and b.confirmed_at is not None  # a withdrawn request was never a session
        and in_month(b.closed_at)
    ]
    by_clients = [b for b in cancelled if b.cancelled_by is Side.CLIENT]
    newly_agreed = {b.client_id for b in mine if in_month(b.confirmed_at)}
    new_clients = 0
    for client_id in newly_agreed:
        if await _first_agreed(uow, client_id, therapist_id) >= start:
            new_clients += 1
    money = await earnings(uow, clock, therapist_id=therapist_id, zone=profile.timezone)  # commits what time settled
    return MonthFigures(
        month=start.date(),
        zone=profile.timezone,
        held=sum(1 for b in mine if b.counts_as_held and in_month(b.starts_at)),
        ahead=sum(1 for b in mine if b.active and in_month(b.starts_at) and b.starts_at > now),
        new_clients=new_clients,
        cancelled_by_clients=len(by_clients),
        cancelled_late=sum(1 for b in by_clients if b.status is BookingStatus.CANCELLED_LATE),
        cancelled_by_therapist=sum(1 for b in cancelled if b.cancelled_by is Side.THERAPIST),
        money=money,
    )


async def _first_agreed(uow: UnitOfWork, client_id: int, therapist_id: int) -> datetime:
    agreed = [
        b.confirmed_at
        for b in await uow.bookings.of_person(client_id, since=_EVER)
        if b.client_id == client_id and b.therapist_id == therapist_id and b.confirmed_at is not None
    ]
    return min(agreed)
