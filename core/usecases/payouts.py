"""What the platform owes its therapists, and what they see of their money.

Each paid session owes its therapist the price less the platform's fee, due 3
Ukrainian business days after the payment. Finance lists what is due and
overdue and marks each payout made with the transfer's reference; the
therapist is told. A refunded session's payout is withdrawn if not yet made,
or becomes a clawback support settles with the therapist.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core import payments as money
from core.bookings import Booking, BookingStatus
from core.clock import Clock
from core.notices import Notice
from core.payments import Clawback, ClawbackStatus, Payout, PayoutStatus
from core.ports import UnitOfWork
from core.staff import Authority, Permission
from core.usecases.audit import record
from core.usecases.notices import notify
from core.usecases.staff import NotAllowed


class PayoutNotice(Notice):
    """The therapist hears their payout was made: bot/notices/payments.py."""

    PAID = "payments.payout_paid"

PLATFORM_ZONE = ZoneInfo("Europe/Kyiv")  # due dates are Kyiv calendar dates
# Sessions are booked at most a couple of months ahead, so a payout for a session
# this month was created within this long before the month began.
LOOKBACK = timedelta(days=92)


class PayoutNotFound(LookupError):
    pass


@dataclass(frozen=True)
class DuePayout:
    payout: Payout
    booking: Booking | None
    client_name: str


@dataclass(frozen=True)
class TherapistDue:
    therapist_id: int
    name: str
    payouts: list[DuePayout]
    clawbacks: list[Clawback] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(item.payout.amount_minor for item in self.payouts)

    def overdue(self, today: date) -> int:
        return sum(item.payout.amount_minor for item in self.payouts if item.payout.overdue(today))


@dataclass(frozen=True)
class PayoutBoard:
    today: date  # in Kyiv
    therapists: list[TherapistDue]


async def payout_board(uow: UnitOfWork, clock: Clock) -> PayoutBoard:
    """Every payout not yet made and every open clawback, per therapist, the most overdue first."""
    by_therapist: dict[int, list[DuePayout]] = {}
    for payout in await uow.payouts.due():
        booking = await uow.bookings.get(payout.booking_id) if payout.booking_id else None
        client = await uow.users.get(booking.client_id) if booking else None
        by_therapist.setdefault(payout.therapist_id, []).append(
            DuePayout(payout, booking, client.staff_name if client else "—")
        )
    clawbacks: dict[int, list[Clawback]] = {}
    for clawback in await uow.payouts.open_clawbacks():
        clawbacks.setdefault(clawback.therapist_id, []).append(clawback)
    therapists = []
    for therapist_id in sorted(set(by_therapist) | set(clawbacks), key=lambda t: _earliest(by_therapist.get(t, []))):
        profile = await uow.therapists.get(therapist_id)
        therapists.append(
            TherapistDue(
                therapist_id,
                profile.full_name if profile else str(therapist_id),
                by_therapist.get(therapist_id, []),
                clawbacks.get(therapist_id, []),
            )
        )
    return PayoutBoard(clock.now().astimezone(PLATFORM_ZONE).date(), therapists)


async def due_payout(uow: UnitOfWork, payout_id: int) -> DuePayout:
    payout = await uow.payouts.get(payout_id)
    if payout is None:
        raise PayoutNotFound(payout_id)
    booking = await uow.bookings.get(payout.booking_id) if payout.booking_id else None
    client = await uow.users.get(booking.client_id) if booking else None
    return DuePayout(payout, booking, client.staff_name if client else "—")


async def mark_payout_paid(
    uow: UnitOfWork, clock: Clock, *, actor: Authority, payout_id: int, reference: str
) -> Payout:
    """Finance sent the money: recorded with the transfer's reference, and the therapist is told."""
    _require(actor)
    reference = money.usable(reference, money.MAX_REFERENCE)
    payout = await uow.payouts.get(payout_id, for_update=True)
    if payout is None:
        raise PayoutNotFound(payout_id)
    payout.mark_paid(by=actor.telegram_id, reference=reference, now=clock.now())
    await uow.payouts.save(payout)
    await notify(
        uow, clock, kind=PayoutNotice.PAID, recipient_id=payout.therapist_id, key=f"payout:{payout.id}:paid", payout_id=payout.id
    )
    await record(uow, clock, actor.telegram_id, money.PAYOUT_MARKED_PAID, payout.therapist_id, payout=payout.id)
    await uow.commit()
    return payout


async def settle_clawback(uow: UnitOfWork, clock: Clock, *, actor: Authority, clawback_id: int, note: str) -> Clawback:
    """The therapist gave back a payout for a refunded session (or it was set off): closed with a note."""
    _require(actor)
    note = money.usable(note, money.MAX_NOTE)
    clawback = await uow.payouts.get_clawback(clawback_id, for_update=True)
    if clawback is None:
        raise PayoutNotFound(clawback_id)
    if clawback.status is not ClawbackStatus.OPEN:
        raise money.PayoutRefused(clawback.status.value)
    clawback.status, clawback.settled_at, clawback.settled_by, clawback.note = (
        ClawbackStatus.SETTLED, clock.now(), actor.telegram_id, note,
    )
    await uow.payouts.save_clawback(clawback)
    await record(uow, clock, actor.telegram_id, money.CLAWBACK_SETTLED, clawback.therapist_id, clawback=clawback.id)
    await uow.commit()
    return clawback


@dataclass(frozen=True)
class Earnings:
    """A therapist's money this month, in their own zone: all amounts are their share, in kopiyky."""

    month: date  # its first day
    held_count: int  # sessions this month that count as held
    held_minor: int
    expected_count: int  # paid sessions still ahead
    expected_minor: int
    paid_out_minor: int  # payouts made this month
    due: list[Payout]  # payouts not yet made, by due date


async def earnings(uow: UnitOfWork, clock: Clock, *, therapist_id: int, zone: str) -> Earnings:
    now = clock.now()
    local = now.astimezone(ZoneInfo(zone))
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    month_end = (month_start + timedelta(days=32)).replace(day=1)
    held: list[int] = []
    expected: list[int] = []
    due: list[Payout] = []
    paid_out = 0
    for payout in await uow.payouts.of_therapist(therapist_id, since=month_start - LOOKBACK):
        if payout.status is PayoutStatus.WITHDRAWN:
            continue
        if payout.status is PayoutStatus.DUE:
            due.append(payout)
        if payout.paid_at is not None and month_start <= payout.paid_at < month_end:
            paid_out += payout.amount_minor
        booking = await uow.bookings.get(payout.booking_id) if payout.booking_id else None
        if booking is None:
            continue
        if booking.settle(now):
            await uow.bookings.save(booking)
        if booking.status is BookingStatus.PAID:
            expected.append(payout.amount_minor)
        elif booking.counts_as_held and _within(booking.starts_at, month_start, month_end):
            held.append(payout.amount_minor)
    await uow.commit()  # what time decided (sessions now held) is kept
    return Earnings(
        month=month_start.date(),
        held_count=len(held),
        held_minor=sum(held),
        expected_count=len(expected),
        expected_minor=sum(expected),
        paid_out_minor=paid_out,
        due=sorted(due, key=lambda payout: (payout.due_on, payout.id)),
    )


# -- inside ----------------------------------------------------------------------


def _earliest(items: list[DuePayout]) -> date:
    return min((item.payout.due_on for item in items), default=date.max)


def _within(moment: datetime, start: datetime, end: datetime) -> bool:
    return start <= moment < end


def _require(actor: Authority) -> None:
    if not actor.may(Permission.MARK_PAYOUTS):
        raise NotAllowed(Permission.MARK_PAYOUTS)
