"""A booking: one client, one therapist, one session, and where it stands.

The states follow the platform's rules: a first booking is a request the
therapist accepts or declines; a confirmed one waits for payment and expires
unpaid at the deadline; a paid one is held unless cancelled in time (free,
refund due), cancelled late or missed (both count as held).

Transitions are methods here so that every path (a button, a timed message, a
payment) applies the same rule. Times are aware UTC datetimes; money is kopiyky.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from core.conversations import Side
from core.rules.windows import is_free_cancellation, payment_deadline

# After this long past its end, a session's record is closed: no more no-show marks.
NO_SHOW_WINDOW = timedelta(days=7)


class BookingStatus(StrEnum):
    REQUESTED = "requested"  # a new client's first booking, awaiting the therapist's answer
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    HELD = "held"
    # Free for the client: 24 hours or more ahead, a withdrawn request, or the therapist cancelled.
    CANCELLED_IN_TIME = "cancelled_in_time"
    CANCELLED_LATE = "cancelled_late"  # by the client, less than 24 hours ahead: counts as held
    NO_SHOW = "no_show"  # counts as held
    EXPIRED = "expired"  # not paid by the deadline: the slot is free again
    DECLINED = "declined"
    LAPSED = "lapsed"  # the therapist did not answer the request in time


# Only these hold a slot; the database lets one of them per therapist and start.
ACTIVE = frozenset({BookingStatus.REQUESTED, BookingStatus.AWAITING_PAYMENT, BookingStatus.PAID})
COUNTS_AS_HELD = frozenset({BookingStatus.HELD, BookingStatus.CANCELLED_LATE, BookingStatus.NO_SHOW})


class Action(StrEnum):
    """What a person may do with a booking now; the bot shows exactly these."""

    ACCEPT = "accept"
    DECLINE = "decline"
    CANCEL = "cancel"
    MOVE = "move"
    NO_SHOW = "no_show"


class BookingRefused(Exception):
    """A change the booking's state or time does not allow; `reason` says which, for the reader."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CancellationTerms:
    """What cancelling now means, told to the client before they confirm."""

    free: bool
    refund_minor: int  # 0 when nothing was paid or nothing is returned


@dataclass
class Booking:
    client_id: int
    therapist_id: int
    starts_at: datetime
    ends_at: datetime
    price_minor: int  # per session, in kopiyky, as agreed at booking time
    status: BookingStatus
    created_at: datetime
    id: int = 0  # given by storage
    # Grows with every move; buttons and timed messages carry it, so an old one
    # never acts on a booking whose time has changed since.
    version: int = 1
    confirmed_at: datetime | None = None
    lapses_at: datetime | None = None  # a request unanswered until then lapses
    payment_due_at: datetime | None = None
    paid_at: datetime | None = None
    paid_minor: int | None = None
    closed_at: datetime | None = None  # when it left the active states
    cancelled_by: Side | None = None
    refund_due_minor: int | None = None  # a refund owed to the client, carried out by payments
    meeting_room: str | None = None  # a fresh room of its own on the platform's video service, given when paid
    # What the client would like to work on (the therapist's topic codes) and their note, sent with a request.
    topics: tuple[str, ...] = ()
    note: str | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def counts_as_held(self) -> bool:
        return self.status in COUNTS_AS_HELD

    @property
    def length(self) -> timedelta:
        return self.ends_at - self.starts_at

    def side_of(self, person_id: int) -> Side | None:
        if person_id == self.client_id:
            return Side.CLIENT
        if person_id == self.therapist_id:
            return Side.THERAPIST
        return None

    # -- the passing of time -----------------------------------------------
    def settle(self, now: datetime) -> bool:
        """Apply what time alone decides (lapse, expiry, held); True if anything changed."""
        if self.status is BookingStatus.REQUESTED and self.lapses_at is not None and now >= self.lapses_at:
            self._close(BookingStatus.LAPSED, self.lapses_at)
        elif self.status is BookingStatus.AWAITING_PAYMENT and self.payment_due_at is not None and now >= self.payment_due_at:
            self._close(BookingStatus.EXPIRED, self.payment_due_at)
        elif self.status is BookingStatus.PAID and now >= self.ends_at:
            self._close(BookingStatus.HELD, self.ends_at)
        else:
            return False
        return True

    # -- the therapist's answer ----------------------------------------------
    def confirm(self, now: datetime) -> None:
        """Accepted (or a returning client's booking): now it waits for payment."""
        if self.status is not BookingStatus.REQUESTED:
            raise BookingRefused("not_a_request")
        self.status = BookingStatus.AWAITING_PAYMENT
        self.confirmed_at = now
        self.lapses_at = None
        self.payment_due_at = payment_deadline(self.starts_at, now)

    def decline(self, now: datetime) -> None:
        if self.status is not BookingStatus.REQUESTED:
            raise BookingRefused("not_a_request")
        self._close(BookingStatus.DECLINED, now)

    # -- money ----------------------------------------------------------------
    def mark_paid(self, now: datetime, amount_minor: int) -> None:
        if self.status is not BookingStatus.AWAITING_PAYMENT:
            raise BookingRefused("not_payable")
        self.status = BookingStatus.PAID
        self.paid_at = now
        self.paid_minor = amount_minor

    # -- cancelling and moving -------------------------------------------------
    def cancellation_terms(self, by: Side, now: datetime) -> CancellationTerms:
        if self.status not in ACTIVE:
            raise BookingRefused("not_active")
        if now >= self.starts_at:
            raise BookingRefused("already_started")
        paid = self.paid_minor or 0
        if by is Side.THERAPIST or self.status is BookingStatus.REQUESTED or is_free_cancellation(self.starts_at, now):
            return CancellationTerms(free=True, refund_minor=paid)
        return CancellationTerms(free=False, refund_minor=0)

    def cancel(self, by: Side, now: datetime) -> CancellationTerms:
        terms = self.cancellation_terms(by, now)
        self._close(BookingStatus.CANCELLED_IN_TIME if terms.free else BookingStatus.CANCELLED_LATE, now)
        self.cancelled_by = by
        if terms.refund_minor:
            self.refund_due_minor = terms.refund_minor
        return terms

    def can_move(self, now: datetime) -> bool:
        return self.status in (BookingStatus.AWAITING_PAYMENT, BookingStatus.PAID) and is_free_cancellation(
            self.starts_at, now
        )

    def move(self, new_start: datetime, now: datetime) -> None:
        """To another time of the same therapist; only while moving is still free."""
        if self.status not in (BookingStatus.AWAITING_PAYMENT, BookingStatus.PAID):
            raise BookingRefused("not_movable")
        if not is_free_cancellation(self.starts_at, now):
            raise BookingRefused("too_late_to_move")
        if new_start == self.starts_at:
            raise BookingRefused("same_time")
        length = self.length
        self.starts_at, self.ends_at = new_start, new_start + length
        self.version += 1
        if self.status is BookingStatus.AWAITING_PAYMENT:
            self.payment_due_at = payment_deadline(new_start, now)

    # -- after the start --------------------------------------------------------
    def can_mark_no_show(self, now: datetime) -> bool:
        return (
            self.status in (BookingStatus.PAID, BookingStatus.HELD)
            and self.starts_at <= now <= self.ends_at + NO_SHOW_WINDOW
        )

    def mark_no_show(self, now: datetime) -> None:
        if not self.can_mark_no_show(now):
            raise BookingRefused("no_show_not_now")
        self._close(BookingStatus.NO_SHOW, now)

    def actions_for(self, person_id: int, now: datetime) -> list[Action]:
        side = self.side_of(person_id)
        if side is None:
            return []
        actions: list[Action] = []
        if side is Side.THERAPIST and self.status is BookingStatus.REQUESTED:
            actions += [Action.ACCEPT, Action.DECLINE]
        if self.active and now < self.starts_at and not (side is Side.THERAPIST and self.status is BookingStatus.REQUESTED):
            actions.append(Action.CANCEL)
        if side is Side.CLIENT and self.can_move(now):
            actions.append(Action.MOVE)
        if side is Side.THERAPIST and self.can_mark_no_show(now):
            actions.append(Action.NO_SHOW)
        return actions

    def _close(self, status: BookingStatus, at: datetime) -> None:
        self.status = status
        self.closed_at = at


class SlotTaken(Exception):
    """Another active booking already holds this therapist's start (the database said so)."""


class BookingRepository(Protocol):
    async def add(self, booking: Booking) -> None:
        """Store a new booking and give it its id; SlotTaken if the slot is held already."""

    async def save(self, booking: Booking) -> None:
        """Store its changes; SlotTaken if it moved onto a held slot."""

    async def get(self, booking_id: int, *, for_update: bool = False) -> Booking | None:
        """`for_update` locks the row until commit, so two changes to one booking queue up."""

    async def active_of_therapist(self, therapist_id: int) -> list[Booking]: ...

    async def active_of_therapists(self, therapist_ids: list[int]) -> list[Booking]:
        """Active bookings of several therapists at once (a directory page), by start."""

    async def of_person(self, person_id: int, *, since: datetime) -> list[Booking]:
        """Bookings where the person is client or therapist, active or starting from `since`, by start."""

    async def ever_confirmed(self, client_id: int, therapist_id: int) -> bool:
        """Whether the therapist has taken this client before: then they book directly."""

    async def last_request(self, client_id: int, therapist_id: int) -> Booking | None:
        """The client's latest booking with this therapist that carried topics (to offer them again)."""

    async def settled_for_good(self, booking_ids: list[int], *, ended_before: datetime) -> set[int]:
        """Those of the bookings that ended before the moment and never had a refund."""
