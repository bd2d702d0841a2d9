"""The directory: which therapists a client can find, by what, a page at a time, and when each is free next.

Filtering, ordering, counting and paging happen in storage (one query for the
count, one for the page), so a page costs the same with ten therapists as with
ten thousand: only the page's profiles are built, and only theirs are searched
for a free time, a search that stops at the first free slot.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from core.bookings import Booking
from core.clock import Clock
from core.ports import UnitOfWork
from core.rules.slots import free_slots
from core.therapists import PRICE_BANDS, TherapistProfile

if TYPE_CHECKING:  # booking.py builds on this module; the policy is only read here
    from core.usecases.booking import BookingPolicy

PAGE_SIZE = 5


class TherapistUnavailable(LookupError):
    """Not listed now: unknown, not verified, paused, hidden or away on vacation."""


@dataclass(frozen=True)
class Filters:
    """What a client narrows the directory by; None is "any". Storage applies them."""

    topic: str | None = None
    approach: str | None = None
    language: str | None = None
    price_band: int | None = None  # an index into PRICE_BANDS
    # The therapist who has just declined the client: "other therapists" leaves them out.
    leaving_out: int | None = None

    @property
    def narrowed(self) -> bool:
        """Whether the client narrowed the directory at all (leaving one therapist out does not count)."""
        return (self.topic, self.approach, self.language, self.price_band) != (None, None, None, None)

    @property
    def price_range(self) -> tuple[int | None, int | None]:
        """[low, high) in kopiyky; None where the band is open."""
        return PRICE_BANDS[self.price_band] if self.price_band is not None else (None, None)


@dataclass(frozen=True)
class Listing:
    """A therapist as the directory shows them: the profile and the nearest time one can book."""

    therapist: TherapistProfile
    nearest: datetime | None  # None: nothing free within the booking horizon


@dataclass(frozen=True)
class DirectoryPage:
    listings: list[Listing]
    number: int  # from 0; a page past the end is the last one
    pages: int  # at least 1, even when nobody is found
    found: int  # everyone matching the filters, on every page


def is_listed(therapist: TherapistProfile, now: datetime) -> bool:
    """Verified, taking clients, not hidden, and not hidden for a vacation today (in their own zone).

    Storage asks the same in SQL for the directory (storage/repositories/therapists.py: `listed`).
    """
    today = now.astimezone(ZoneInfo(therapist.timezone)).date()
    return therapist.listed(today_vacation=any(vacation.covers(today) for vacation in therapist.vacations))


async def find_therapists(
    uow: UnitOfWork,
    clock: Clock,
    filters: Filters,
    policy: BookingPolicy,
    *,
    page: int = 0,
    per_page: int = PAGE_SIZE,
) -> DirectoryPage:
    """One page of the listed therapists matching `filters`, by name, with how many match in all."""
    now = clock.now()
    found = await uow.therapists.count_listed(filters, now)
    pages = max(-(-found // per_page), 1)
    number = min(max(page, 0), pages - 1)
    therapists = await uow.therapists.listed(filters, now, offset=number * per_page, limit=per_page) if found else []
    bookings = await uow.bookings.active_of_therapists([t.telegram_id for t in therapists]) if therapists else []
    listings = [
        Listing(t, next(open_slots(t, [b for b in bookings if b.therapist_id == t.telegram_id], now, policy), None))
        for t in therapists
    ]
    return DirectoryPage(listings, number, pages, found)


async def listed_share_codes(uow: UnitOfWork, clock: Clock) -> list[str]:
    """Everyone listed now, as the codes of their pages (a sitemap): no profile is built."""
    return await uow.therapists.listed_share_codes(clock.now())


async def listed_therapist(uow: UnitOfWork, clock: Clock, *, therapist_id: int | None = None, share_code: str | None = None) -> TherapistProfile:
    """A therapist a client may open and book, by id or by the code of their share link."""
    if share_code is not None:
        therapist = await uow.therapists.by_share_code(share_code)
    elif therapist_id is not None:
        therapist = await uow.therapists.get(therapist_id)
    else:
        raise ValueError("give a therapist id or a share code")
    if therapist is None or not is_listed(therapist, clock.now()):
        raise TherapistUnavailable(therapist_id or share_code)
    return therapist


async def nearest_free_time(uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, policy: BookingPolicy) -> datetime | None:
    """The first start a client may book now (None: nothing within the booking horizon); the search stops there."""
    bookings = await uow.bookings.active_of_therapist(therapist.telegram_id)
    return next(open_slots(therapist, bookings, clock.now(), policy), None)


def open_slots(
    therapist: TherapistProfile,
    bookings: Sequence[Booking],
    now: datetime,
    policy: BookingPolicy,
    *,
    moving: Booking | None = None,
) -> Iterator[datetime]:
    """The starts a client may book now, in order, given the therapist's active bookings.

    A booking being moved does not block its own neighbours; a lapsed or expired
    one no longer holds its slot, even before it is saved so.
    """
    taken = [
        booking.starts_at
        for booking in bookings
        if (moving is None or booking.id != moving.id) and not booking.settle(now)
    ]
    return free_slots(
        therapist.hours,
        therapist.timezone,
        session=therapist.session,
        vacations=therapist.vacations,
        taken=taken,
        now=now,
        min_notice=policy.notice_for(therapist),
        horizon=policy.horizon,
    )
