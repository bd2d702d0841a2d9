"""Coming back: therapy is weekly, so after a session the client is offered the same time next week.

The offer goes out at the end of a paid session (booking.py sets it among the
session's timers, so a cancellation or a move takes it along) and from "book
again" in My sessions. Its times are worked out when it is shown and again
when a button is pressed. Booking from it is the ordinary booking: a session
of its own, paid by the 24-hour rule, its slot guarded by the database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.bookings import Booking
from core.clock import Clock
from core.ports import UnitOfWork
from core.therapists import TherapistProfile
from core.usecases.booking import (
    BookingNotFound,
    BookingPolicy,
    SlotUnavailable,
    free_times,
    request_booking,
)
from core.usecases.directory import TherapistUnavailable, is_listed

# How many free times are offered when the same time next week is taken.
NEAREST = 4
WEEK = timedelta(weeks=1)


class AwayReason(StrEnum):
    PAUSED = "paused"  # the therapist's own switch: no new bookings for now
    VACATION = "vacation"  # away today, and hidden while away
    UNLISTED = "unlisted"  # hidden by the team, not verified, or gone


class TherapistAway(Exception):
    """The therapist takes no bookings now; `reason` says why, plainly, and `until` when a vacation ends."""

    def __init__(self, therapist: TherapistProfile | None, reason: AwayReason, until: date | None = None) -> None:
        super().__init__(reason.value)
        self.therapist = therapist
        self.reason = reason
        self.until = until


@dataclass(frozen=True)
class ReturnOffer:
    """What a client may book after a session: the same time a week on, or the free times nearest to it."""

    session: Booking  # the past session it follows
    therapist: TherapistProfile
    wanted: datetime  # the same weekday and time, in the first week it can still be booked
    times: list[datetime]  # [wanted] when it is free; otherwise the free times nearest to it, in order
    upcoming: Booking | None  # the client's next active booking with this therapist, if they hold one already
    vacation_until: date | None = None  # the wanted time falls in the therapist's vacation, which ends that day

    @property
    def same_time_free(self) -> bool:
        return self.times == [self.wanted]


def bookable_again(booking: Booking) -> bool:
    """A session that took place (or counts as held): the client and the therapist have met."""
    return booking.counts_as_held


async def return_offer(
    uow: UnitOfWork,
    clock: Clock,
    *,
    client_id: int,
    booking_id: int,
    policy: BookingPolicy,
    wanted: datetime | None = None,
) -> ReturnOffer:
    """The offer after this past session of the client's; `wanted` asks for the times nearest another start.

    Raises BookingNotFound when the session is not one of the client's past ones, and
    TherapistAway when the therapist takes no bookings now. Reads only: it does not commit.
    """
    session = await _past_session(uow, clock, client_id, booking_id)
    therapist = await _taking_bookings(uow, clock, session.therapist_id)
    free = await free_times(uow, clock, therapist, policy)
    now = clock.now()
    held = await uow.bookings.active_of_therapist(therapist.telegram_id)
    mine = sorted(b.starts_at for b in held if b.client_id == client_id and b.starts_at > now)
    if wanted is None:
        wanted = same_time_later(session.starts_at, therapist.timezone, now + policy.notice_for(therapist))
        while wanted in mine:  # that week is booked already: the one after
            wanted = same_time_later(session.starts_at, therapist.timezone, wanted + timedelta(minutes=1))
    times = [wanted] if wanted in free else nearest(free, wanted, NEAREST)
    upcoming = next((b for b in held if b.client_id == client_id and b.starts_at == mine[0]), None) if mine else None
    return ReturnOffer(session, therapist, wanted, times, upcoming, _vacation_until(therapist, wanted))


async def book_again(
    uow: UnitOfWork, clock: Clock, *, client_id: int, booking_id: int, starts_at: datetime, policy: BookingPolicy
) -> Booking:
    """Book a time offered after a past session: the normal booking, which confirms a returning client at once.

    The past session must be the client's own, so a forged button books nothing it could not
    book through the directory. Raises what request_booking raises; TherapistAway instead of
    TherapistUnavailable.
    """
    session = await _past_session(uow, clock, client_id, booking_id)
    await _taking_bookings(uow, clock, session.therapist_id)
    try:
        return await request_booking(
            uow, clock, client_id=client_id, therapist_id=session.therapist_id, starts_at=starts_at, policy=policy
        )
    except TherapistUnavailable:
        await _taking_bookings(uow, clock, session.therapist_id)
        raise
    except SlotUnavailable as taken:
        therapist = await uow.therapists.get(session.therapist_id)
        assert therapist is not None
        free = await free_times(uow, clock, therapist, policy)
        raise SlotUnavailable(nearest(free, starts_at, NEAREST), lost_race=taken.lost_race) from None


def same_time_later(start: datetime, zone: str, earliest: datetime) -> datetime:
    """The same weekday and wall-clock time in the therapist's zone, a whole number of weeks on, not before `earliest`.

    By the wall clock, not by 168 hours: across a change to or from summer time the session stays at its hour.
    """
    tz = ZoneInfo(zone)
    local = start.astimezone(tz)
    weeks = max(1, -(-(earliest - start) // WEEK))
    while True:
        candidate = datetime.combine(local.date() + weeks * WEEK, local.time(), tzinfo=tz).astimezone(start.tzinfo)
        if candidate >= earliest:
            return candidate
        weeks += 1


def nearest(free: list[datetime], wanted: datetime, count: int) -> list[datetime]:
    """The `count` free starts closest to the wanted one (the later one on a tie), in order."""
    closest = sorted(free, key=lambda start: (abs(start - wanted), start < wanted))[:count]
    return sorted(closest)


# -- inside ------------------------------------------------------------------------


async def _past_session(uow: UnitOfWork, clock: Clock, client_id: int, booking_id: int) -> Booking:
    booking = await uow.bookings.get(booking_id)
    if booking is not None and booking.settle(clock.now()):  # a session just over is held, message or not
        await uow.bookings.save(booking)
    if booking is None or booking.client_id != client_id or not bookable_again(booking):
        raise BookingNotFound(booking_id)
    return booking


def _vacation_until(therapist: TherapistProfile, moment: datetime) -> date | None:
    """The last day of the therapist's vacation that covers this moment (their own calendar day), if one does."""
    day = moment.astimezone(ZoneInfo(therapist.timezone)).date()
    return max((v.last_day for v in therapist.vacations if v.covers(day)), default=None)


async def _taking_bookings(uow: UnitOfWork, clock: Clock, therapist_id: int) -> TherapistProfile:
    therapist = await uow.therapists.get(therapist_id)
    now = clock.now()
    if therapist is not None and is_listed(therapist, now):
        return therapist
    if therapist is None or not therapist.verified or therapist.hidden:
        raise TherapistAway(therapist, AwayReason.UNLISTED)
    if not therapist.accepting_clients:
        raise TherapistAway(therapist, AwayReason.PAUSED)
    today = now.astimezone(ZoneInfo(therapist.timezone)).date()
    until = max((v.last_day for v in therapist.vacations if v.covers(today)), default=None)
    raise TherapistAway(therapist, AwayReason.VACATION, until)
