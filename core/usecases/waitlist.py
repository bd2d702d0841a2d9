"""Tell me when a time opens: joining and leaving a therapist's waitlist, and telling those waiting when a time opens.

A time opens when a booking lets go of it (a cancellation, a declined or lapsed request, an unpaid
booking expiring, a move), when the therapist's schedule gives new times (new hours, a vacation
shortened or ended, taking clients again), or when a vacation that hid them is over. The use cases
of those changes call in here in the same transaction. Each waiting client whose windows the time
fits gets a notice (`WaitlistNotice.TIME_OPENED`) with a button that books it: at once, in the order
they joined, at most one a day per entry. Nothing is held for anyone: the first to book takes the time,
the database lets only one booking have it, and a notice whose times were all taken before it went out
is dropped when it is rendered (bot/notices/waitlist.py).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from core.bookings import Booking
from core.clock import Clock
from core.notices import Notice
from core.ports import UnitOfWork
from core.rules.matching import Window, in_windows
from core.rules.slots import free_slots
from core.therapists import TherapistProfile
from core.usecases.directory import TherapistUnavailable, is_listed, open_slots
from core.usecases.notices import cancel_all, schedule
from core.waitlist import WAITLIST_HORIZON, EntryStatus, WaitlistEntry

if TYPE_CHECKING:  # booking.py tells this module when a booking is made or lets go of its time
    from core.usecases.booking import BookingPolicy

# How many opened times one notice offers.
TIMES_TOLD = 3


class WaitlistNotice(Notice):
    TIME_OPENED = "waitlist.time_opened"  # to a waiting client: times that opened inside their windows
    RETURNED = "waitlist.returned"  # to a waiting client: the vacation that hid the therapist is over


class TimeIsFree(Exception):
    """No need to wait: the therapist has a free time inside the client's windows soon."""

    def __init__(self, nearest: datetime) -> None:
        super().__init__("a time is free")
        self.nearest = nearest


class EntryGone(LookupError):
    """No such entry of this client's that still waits (left, lapsed, booked, or a forged button)."""


def notice_prefix(entry: WaitlistEntry) -> str:
    return f"waitlist:{entry.id}:"


# -- the client --------------------------------------------------------------------------------


async def join_waitlist(
    uow: UnitOfWork, clock: Clock, *, client_id: int, therapist_id: int, zone: str, policy: BookingPolicy
) -> WaitlistEntry:
    """Wait for this therapist: for 30 days, for times inside the client's kept windows (any time without them).

    Raises TherapistUnavailable for a therapist not on the platform (unverified, hidden by the team, gone),
    and TimeIsFree when a time inside the windows is free within two weeks: then there is nothing to wait for.
    """
    entry = await _join(uow, clock, client_id, therapist_id, zone, policy, group=None)
    await uow.commit()
    return entry


async def join_any_of(
    uow: UnitOfWork, clock: Clock, *, client_id: int, match_id: int, zone: str, policy: BookingPolicy
) -> list[WaitlistEntry]:
    """Wait for any of the therapists a match found full: booking one of them ends the others' entries.

    Those who have a free time by now are left out (the client is shown them instead: TimeIsFree names the
    first, when all have one). Raises EntryGone for a match that is not the client's.
    """
    record = await uow.matching.match_of(match_id, client_id)
    if record is None or not record.full:
        raise EntryGone(match_id)
    joined: list[WaitlistEntry] = []
    free: list[datetime] = []
    for therapist_id in record.full:
        try:
            joined.append(await _join(uow, clock, client_id, therapist_id, zone, policy, group=match_id))
        except TimeIsFree as open_now:
            free.append(open_now.nearest)
        except TherapistUnavailable:
            continue
    if not joined and free:
        raise TimeIsFree(min(free))
    if not joined:
        raise TherapistUnavailable(record.full[0])
    await uow.commit()
    return joined


async def leave_waitlist(uow: UnitOfWork, clock: Clock, *, client_id: int, entry_id: int) -> WaitlistEntry:
    """Leave it: nothing more is sent for it, not even a notice already on its way but not yet out."""
    entry = await uow.waitlist.get(entry_id, for_update=True)
    now = clock.now()
    if entry is None or entry.client_id != client_id or not entry.waiting(now):
        raise EntryGone(entry_id)
    entry.end(EntryStatus.LEFT, now)
    await uow.waitlist.save(entry)
    await cancel_all(uow, notice_prefix(entry))
    await uow.commit()
    return entry


async def my_waitlists(uow: UnitOfWork, clock: Clock, client_id: int) -> list[tuple[WaitlistEntry, TherapistProfile]]:
    """The client's entries still waiting, with their therapists, first joined first."""
    found = []
    for entry in await uow.waitlist.waiting_of(client_id, clock.now()):
        therapist = await uow.therapists.get(entry.therapist_id)
        if therapist is not None:
            found.append((entry, therapist))
    return found


async def waiting_entry(uow: UnitOfWork, clock: Clock, *, client_id: int, therapist_id: int) -> WaitlistEntry | None:
    """The client's entry for this therapist, if it still waits."""
    entry = await uow.waitlist.of_pair(client_id, therapist_id)
    return entry if entry is not None and entry.waiting(clock.now()) else None


async def worth_waiting(
    uow: UnitOfWork, clock: Clock, *, client_id: int, therapist: TherapistProfile, zone: str, policy: BookingPolicy
) -> bool:
    """Whether the therapist has nothing within two weeks inside the client's kept windows: then one can wait."""
    if therapist.telegram_id == client_id:
        return False
    windows = await _windows_of(uow, client_id)
    return await _nearest_that_suits(uow, therapist, clock.now(), policy, windows, zone) is None


async def how_many_wait(uow: UnitOfWork, clock: Clock, therapist_id: int) -> int:
    """What a therapist sees of their waitlist: how many, never who."""
    return await uow.waitlist.count_waiting(therapist_id, clock.now())


async def booked(uow: UnitOfWork, clock: Clock, booking: Booking) -> None:
    """The client booked the therapist: their entry ends, and the others joined with it from the same match."""
    entry = await uow.waitlist.of_pair(booking.client_id, booking.therapist_id)
    now = clock.now()
    if entry is None or not entry.waiting(now):
        return
    together = await uow.waitlist.in_group(entry.group) if entry.group is not None else [entry]
    for each in together:
        if each.waiting(now):
            each.end(EntryStatus.BOOKED, now)
            await uow.waitlist.save(each)
            await cancel_all(uow, notice_prefix(each))


# -- when a time opens ---------------------------------------------------------------------------


async def booking_let_go(uow: UnitOfWork, clock: Clock, booking: Booking) -> None:
    """A booking no longer holds its time (cancelled, declined, lapsed, expired, moved away from it)."""
    await times_opened(uow, clock, booking.therapist_id, [booking.starts_at])


async def schedule_changed(uow: UnitOfWork, clock: Clock, before: TherapistProfile, after: TherapistProfile) -> None:
    """The therapist changed what clients may book (hours, vacations, taking clients): the times it opened.

    Bookings are left aside: a time they hold was held before as after; whether an opened time is
    free is asked again when its notice goes out.
    """
    now = clock.now()
    entries = await uow.waitlist.waiting_for(after.telegram_id, now)
    if not entries:
        return
    await _tell(uow, clock, entries, _schedule_times(after, now) - _schedule_times(before, now))
    await _expect_return(uow, clock, after, entries)


async def times_opened(uow: UnitOfWork, clock: Clock, therapist_id: int, opened: Iterable[datetime]) -> None:
    """Each waiting client whose windows an opened time fits is told, first joined first; never twice of a time."""
    now = clock.now()
    times = sorted(set(opened))
    if not times or times[0] > now + WAITLIST_HORIZON or times[-1] <= now:
        return
    await _tell(uow, clock, await uow.waitlist.waiting_for(therapist_id, now), times)


async def entry_told(uow: UnitOfWork, clock: Clock, *, entry_id: int, told: list[datetime]) -> None:
    """The notice went out with these times: they are not told again, and the next notice waits a day.

    Runs in the delivery's transaction, so what was told is saved with the notice's fate.
    """
    entry = await uow.waitlist.get(entry_id, for_update=True)
    if entry is None:
        return
    now = clock.now()
    entry.was_told(told, now)
    await uow.waitlist.save(entry)
    if entry.waiting(now) and entry.untold:  # opened meanwhile: their notice goes once the day has passed
        await _notice_due(uow, clock, entry)


async def times_to_tell(
    uow: UnitOfWork, clock: Clock, entry: WaitlistEntry, policy: BookingPolicy, *, returned: bool = False
) -> tuple[TherapistProfile, list[datetime]] | None:
    """What a notice of this entry says now: its therapist and the times still free; None when nothing is.

    The times that opened and were not told yet; after a vacation (`returned`), any free time inside the
    windows not told yet, since all of them opened when it ended.
    """
    now = clock.now()
    if not entry.waiting(now):
        return None
    if entry.last_told_at is not None and now - entry.last_told_at < NOTICE_GAP_SLACK:
        return None
    therapist = await uow.therapists.get(entry.therapist_id)
    if therapist is None or not is_listed(therapist, now):
        return None
    bookings = await uow.bookings.active_of_therapist(therapist.telegram_id)
    free = []
    for start in open_slots(therapist, bookings, now, policy):
        if start > now + WAITLIST_HORIZON:
            break
        if entry.fits(start) and start not in entry.told:
            free.append(start)
    if returned:
        times = free[:TIMES_TOLD]
    else:
        wanted = set(entry.untold)
        times = [start for start in free if start in wanted][:TIMES_TOLD]
    return (therapist, times) if times else None


# -- inside ----------------------------------------------------------------------------------------

# A notice due a day after the last may be claimed a moment early by a clock that moved; a day less this is enough.
NOTICE_GAP_SLACK = timedelta(hours=23)


async def _join(
    uow: UnitOfWork, clock: Clock, client_id: int, therapist_id: int, zone: str, policy: BookingPolicy, *, group: int | None
) -> WaitlistEntry:
    therapist = await uow.therapists.get(therapist_id)
    if therapist is None or not therapist.verified or therapist.hidden or therapist_id == client_id:
        raise TherapistUnavailable(therapist_id)
    now = clock.now()
    windows = await _windows_of(uow, client_id)
    nearest = await _nearest_that_suits(uow, therapist, now, policy, windows, zone)
    if nearest is not None:
        raise TimeIsFree(nearest)
    entry = await uow.waitlist.of_pair(client_id, therapist_id)
    if entry is None:
        entry = WaitlistEntry(client_id, therapist_id, now, windows, zone, group=group)
        await uow.waitlist.add(entry)
    else:  # joining again starts the 30 days anew, with the windows as they are now
        if not entry.waiting(now):
            await cancel_all(uow, notice_prefix(entry))
            entry.untold, entry.told, entry.last_told_at = (), (), None
        entry.joined_at, entry.windows, entry.zone, entry.group = now, windows, zone, group
        entry.status, entry.ended_at = EntryStatus.WAITING, None
        await uow.waitlist.save(entry)
    await _expect_return(uow, clock, therapist, [entry])
    return entry


async def _windows_of(uow: UnitOfWork, client_id: int) -> tuple[Window, ...]:
    """When the client can meet, as they last told "Help me choose"; any time when they did not."""
    kept = await uow.matching.answers_of(client_id)
    return kept.answers.windows if kept is not None else ()


async def _nearest_that_suits(
    uow: UnitOfWork, therapist: TherapistProfile, now: datetime, policy: BookingPolicy, windows: tuple[Window, ...], zone: str
) -> datetime | None:
    if not is_listed(therapist, now):
        return None
    bookings = await uow.bookings.active_of_therapist(therapist.telegram_id)
    for start in open_slots(therapist, bookings, now, policy):
        if start > now + WAITLIST_HORIZON:
            break
        if in_windows(start, windows, zone):
            return start
    return None


async def _tell(uow: UnitOfWork, clock: Clock, entries: list[WaitlistEntry], times: Iterable[datetime]) -> None:
    opened = sorted(set(times))
    for entry in entries:
        if entry.hear_of(opened, clock.now()):
            await _notice_due(uow, clock, entry)


async def _notice_due(uow: UnitOfWork, clock: Clock, entry: WaitlistEntry) -> None:
    """The entry's one pending notice, due now or a day after the last: a new key replaces the one pending."""
    await cancel_all(uow, f"{notice_prefix(entry)}opened:")
    entry.revision += 1
    await uow.waitlist.save(entry)
    await schedule(
        uow,
        clock,
        kind=WaitlistNotice.TIME_OPENED,
        recipient_id=entry.client_id,
        at=entry.next_notice_at(clock.now()),
        key=f"{notice_prefix(entry)}opened:{entry.revision}",
        entry_id=entry.id,
    )


async def _expect_return(uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, entries: list[WaitlistEntry]) -> None:
    """While a vacation hides the therapist, each waiting client hears at its end what is free then.

    Kept with the vacation as it now stands: changed or removed, the notice moves or goes.
    """
    now = clock.now()
    back = _back_at(therapist, now)
    for entry in entries:
        await cancel_all(uow, f"{notice_prefix(entry)}returned:")
        if back is None or back >= entry.lapses_at:
            continue
        entry.revision += 1
        await uow.waitlist.save(entry)
        await schedule(
            uow,
            clock,
            kind=WaitlistNotice.RETURNED,
            recipient_id=entry.client_id,
            at=max(back, entry.next_notice_at(now)),
            key=f"{notice_prefix(entry)}returned:{entry.revision}",
            entry_id=entry.id,
        )


def _back_at(therapist: TherapistProfile, now: datetime) -> datetime | None:
    """When the vacation hiding the therapist today ends (the midnight after its last day, on their clock)."""
    if not therapist.hide_during_vacation:
        return None
    zone = ZoneInfo(therapist.timezone)
    day = now.astimezone(zone).date()
    last = None
    for vacation in sorted(therapist.vacations, key=lambda v: v.first_day):
        if vacation.covers(day) or (last is not None and vacation.first_day <= last + timedelta(days=1)):
            last = max(last or vacation.last_day, vacation.last_day)
    if last is None:
        return None
    return datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)


def _schedule_times(therapist: TherapistProfile, now: datetime) -> set[datetime]:
    """The starts the schedule gives within the waitlist's horizon, when clients may book the therapist at all."""
    if not is_listed(therapist, now):
        return set()
    return set(
        free_slots(
            therapist.hours,
            therapist.timezone,
            session=therapist.session,
            vacations=therapist.vacations,
            now=now,
            min_notice=timedelta(0),
            horizon=WAITLIST_HORIZON,
        )
    )
