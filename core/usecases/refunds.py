"""Giving money back: by the rules (cancelled in time, a stray payment) or by a decision.

A refund decided by the rules is approved at once. One a client asks for goes
to the therapist first (force majeure: their comfort counts) and then to
staff, or straight to staff (after a session): support and the ethics
commission see the booking, its system messages and the client's reason, and
decide in writing. Both sides hear the decision.

An approved refund is carried out as the payment came: Stars go back through
the Bot API (delivery calls refundStarPayment, with its retries and record);
a card or a transfer is given back by staff in the provider's dashboard and
marked done with a note. The client hears each step.

If the therapist was already paid out for the session, a clawback is recorded
and support is asked to settle it with the therapist; a payout not yet made is
withdrawn.

Staff alerts that need the full admins from the settings (nobody holds the
role yet) are written once the client's own refund message has gone out: its
delivery knows the settings (`follow_up`), while a booking's cancellation,
which approves a refund, does not.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core import payments as money
from core.bookings import Booking, BookingStatus
from core.clock import Clock
from core.notices import Notice
from core.paging import Page, page_of
from core.payments import (
    Clawback,
    ClawbackStatus,
    Payment,
    PayoutStatus,
    Refund,
    RefundReason,
    RefundRefused,
    RefundStatus,
    SystemMessage,
)
from core.ports import UnitOfWork
from core.staff import Authority, Permission, StaffRole
from core.usecases.audit import record
from core.usecases.notices import notify
from core.usecases.staff import NotAllowed


class RefundNotice(Notice):
    """A refund's messages: bot/notices/payments.py."""

    STARS_REFUND = "payments.stars_refund"  # to the client: not a message, the stars given back
    REFUND_OPENED = "payments.refund_opened"  # to the client: staff give it back by hand
    REFUNDED = "payments.refunded"  # to the client: the money is back
    REFUND_DESK = "payments.refund_desk"  # to staff: a refund to carry out, a failed one, a stray payment
    FORCE_MAJEURE_ASKED = "payments.force_majeure_asked"  # to the therapist: do you agree?
    REFUND_TO_DECIDE = "payments.refund_to_decide"  # to support and the ethics commission
    REFUND_DECIDED = "payments.refund_decided"  # to both sides
    FORCE_MAJEURE_OFFER = "payments.force_majeure_offer"  # to a client who cancelled a paid session late
    CLAWBACK = "payments.clawback"  # to support: settle it with the therapist

# How long after a session its client may still ask for the money back.
AFTER_SESSION_WINDOW = timedelta(days=30)
# Telegram's answer when the stars were already given back (a retry after a crash): it is done.
ALREADY_REFUNDED = "CHARGE_ALREADY_REFUNDED"


class RefundNotFound(LookupError):
    """No such refund, or not this person's to act on (never said which)."""


class RequestRefused(Exception):
    """The client cannot ask for a refund of this booking now; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- by the rules ----------------------------------------------------------------


async def refund_of_booking(uow: UnitOfWork, booking_id: int) -> Refund | None:
    """The refund of a booking's payment, in the currency it was paid in (Stars go back as Stars)."""
    payment = await uow.payments.applied_to(booking_id)
    return await uow.refunds.of_payment(payment.id) if payment is not None else None


async def after_cancellation(uow: UnitOfWork, clock: Clock, booking: Booking) -> None:
    """A booking was just cancelled (core/usecases/booking.py): its refund, if one is due.

    Cancelled in time, a paid booking is refunded in full; cancelled late, the
    client is reminded that force majeure may still be asked about.
    Joins the cancellation's transaction.
    """
    payment = await uow.payments.applied_to(booking.id)
    if payment is None:
        return
    if booking.refund_due_minor:
        if await uow.refunds.of_payment(payment.id) is None:
            refund = _refund_of(payment, RefundReason.CANCELLED_IN_TIME, RefundStatus.APPROVED, clock.now())
            await uow.refunds.add(refund)
            await _give_back(uow, clock, refund)
    elif booking.status is BookingStatus.CANCELLED_LATE:
        await notify(
            uow,
            clock,
            kind=RefundNotice.FORCE_MAJEURE_OFFER,
            recipient_id=booking.client_id,
            key=f"booking:{booking.id}:refund-offer",
            booking_id=booking.id,
        )


async def refund_stray(uow: UnitOfWork, clock: Clock, payment: Payment) -> Refund:
    """A payment that could not pay its booking is given back in full (joins the caller's transaction)."""
    refund = _refund_of(payment, RefundReason.STRAY_PAYMENT, RefundStatus.APPROVED, clock.now())
    await uow.refunds.add(refund)
    await _give_back(uow, clock, refund)
    return refund


async def _give_back(uow: UnitOfWork, clock: Clock, refund: Refund) -> None:
    """The money goes back: settle the therapist's payout, then start returning it."""
    payout = await uow.payouts.of_payment(refund.payment_id)
    if payout is not None and payout.status is PayoutStatus.DUE:
        payout.status = PayoutStatus.WITHDRAWN
        await uow.payouts.save(payout)
    elif payout is not None and payout.status is PayoutStatus.PAID:
        await uow.payouts.add_clawback(
            Clawback(payout.therapist_id, payout.id, refund.id, payout.amount_minor, ClawbackStatus.OPEN, clock.now())
        )
    client = (await _payment(uow, refund)).payer_id
    kind = RefundNotice.STARS_REFUND if refund.automatic else RefundNotice.REFUND_OPENED
    what = "stars" if refund.automatic else "opened"
    await notify(uow, clock, kind=kind, recipient_id=client, key=_key(refund, what), refund_id=refund.id)


async def follow_up(uow: UnitOfWork, clock: Clock, refund_id: int, full_admins: frozenset[int]) -> None:
    """After the client heard of their refund: tell staff what is theirs to do (see the module's note)."""
    refund = await uow.refunds.get(refund_id)
    if refund is None:
        return
    by_hand = not refund.automatic and refund.status is RefundStatus.APPROVED
    failed = refund.automatic and refund.status is RefundStatus.APPROVED and refund.failure is not None
    if by_hand or failed or refund.reason is RefundReason.STRAY_PAYMENT:
        what = "failed" if failed else "desk"
        for staff_id in await refund_desk(uow, full_admins):
            await notify(
                uow, clock, kind=RefundNotice.REFUND_DESK, recipient_id=staff_id, key=_key(refund, f"{what}:{staff_id}"),
                refund_id=refund.id,
            )
    for clawback in await uow.payouts.clawbacks_of_refund(refund.id):
        for staff_id in await _holders_or_admins(uow, (StaffRole.SUPPORT,), full_admins):
            await notify(
                uow, clock, kind=RefundNotice.CLAWBACK, recipient_id=staff_id, key=f"clawback:{clawback.id}:support:{staff_id}",
                clawback_id=clawback.id,
            )


async def stars_refunded(uow: UnitOfWork, clock: Clock, refund_id: int, *, by: int | None = None) -> Refund | None:
    """Telegram gave the stars back (delivery's call, or staff's retry): the client hears it."""
    refund = await uow.refunds.get(refund_id, for_update=True)
    if refund is None or refund.status is not RefundStatus.APPROVED:
        return refund
    refund.carried_out(by=by, note=None, now=clock.now())
    await uow.refunds.save(refund)
    await _tell_refunded(uow, clock, refund)
    if by is not None:
        await record(uow, clock, by, money.REFUND_CARRIED_OUT, (await _payment(uow, refund)).payer_id, refund=refund.id)
    return refund


async def stars_refund_failed(uow: UnitOfWork, clock: Clock, refund_id: int, reason: str) -> Refund | None:
    """The Bot API did not give the stars back: keep why, for staff to retry (`follow_up` tells them)."""
    if ALREADY_REFUNDED in reason:
        return await stars_refunded(uow, clock, refund_id)
    refund = await uow.refunds.get(refund_id, for_update=True)
    if refund is None or refund.status is not RefundStatus.APPROVED:
        return refund
    refund.failure = reason[:500]
    await uow.refunds.save(refund)
    return refund


# -- asked for -------------------------------------------------------------------


async def refund_request_kind(uow: UnitOfWork, clock: Clock, *, client_id: int, booking_id: int) -> RefundReason:
    """Which refund the client may ask for with this booking now; RequestRefused when none."""
    booking, _payment = await _requestable(uow, clock, client_id, booking_id)
    await uow.commit()  # what time decided about the booking (held) is kept
    return _request_kind(booking, clock.now())


async def ask_refund(
    uow: UnitOfWork, clock: Clock, *, client_id: int, booking_id: int, text: str, full_admins: frozenset[int]
) -> Refund:
    """The client's request with their reason: to the therapist (force majeure) or to staff (after a session)."""
    text = money.usable(text, money.MAX_NOTE)
    booking, payment = await _requestable(uow, clock, client_id, booking_id)
    reason = _request_kind(booking, clock.now())
    status = RefundStatus.AWAITING_THERAPIST if reason is RefundReason.FORCE_MAJEURE else RefundStatus.AWAITING_DECISION
    refund = _refund_of(payment, reason, status, clock.now())
    refund.requested_by, refund.request_text = client_id, text
    await uow.refunds.add(refund)
    if status is RefundStatus.AWAITING_THERAPIST:
        await notify(
            uow, clock, kind=RefundNotice.FORCE_MAJEURE_ASKED, recipient_id=booking.therapist_id, key=_key(refund, "ask-therapist"),
            refund_id=refund.id,
        )
    else:
        await _to_decide(uow, clock, refund, full_admins)
    await uow.commit()
    return refund


async def therapist_answers(
    uow: UnitOfWork, clock: Clock, *, therapist_id: int, refund_id: int, agrees: bool, full_admins: frozenset[int]
) -> Refund:
    refund = await uow.refunds.get(refund_id, for_update=True)
    booking = await uow.bookings.get(refund.booking_id) if refund and refund.booking_id else None
    if refund is None or booking is None or booking.therapist_id != therapist_id:
        raise RefundNotFound(refund_id)
    refund.therapist_answered(agrees)
    await uow.refunds.save(refund)
    await _to_decide(uow, clock, refund, full_admins)
    await uow.commit()
    return refund


# -- staff -----------------------------------------------------------------------


@dataclass(frozen=True)
class RefundCase:
    """A refund as staff see it."""

    refund: Refund
    payment: Payment
    booking: Booking | None
    client_name: str
    therapist_name: str
    system_messages: list[SystemMessage]


async def refund_queue(uow: UnitOfWork, page: int, per_page: int) -> Page[RefundCase]:
    """A page of the refunds waiting for the therapist, for a decision or to be carried out; oldest first.

    Only the page's cases are built. A refund that moves on (decided, carried out) changes the version.
    """
    shown = page_of(await uow.refunds.open(), page, per_page, key=lambda refund: (refund.id, refund.status))
    cases = [await _case(uow, refund, with_messages=False) for refund in shown.items]
    return Page(items=cases, number=shown.number, pages=shown.pages, found=shown.found, version=shown.version)


async def refund_case(uow: UnitOfWork, refund_id: int) -> RefundCase:
    refund = await uow.refunds.get(refund_id)
    if refund is None:
        raise RefundNotFound(refund_id)
    return await _case(uow, refund, with_messages=True)


async def decide_refund(
    uow: UnitOfWork, clock: Clock, *, actor: Authority, refund_id: int, approve: bool, note: str
) -> Refund:
    _require(actor, Permission.DECIDE_REFUNDS)
    note = money.usable(note, money.MAX_NOTE)
    refund = await uow.refunds.get(refund_id, for_update=True)
    if refund is None:
        raise RefundNotFound(refund_id)
    refund.decide(approve=approve, by=actor.telegram_id, note=note, now=clock.now())
    await uow.refunds.save(refund)
    if approve:
        await _give_back(uow, clock, refund)
    payment = await _payment(uow, refund)
    booking = await uow.bookings.get(refund.booking_id) if refund.booking_id else None
    for recipient in (payment.payer_id, booking.therapist_id if booking else None):
        if recipient is not None:
            await notify(
                uow, clock, kind=RefundNotice.REFUND_DECIDED, recipient_id=recipient, key=_key(refund, f"decided:{recipient}"),
                refund_id=refund.id,
            )
    await record(
        uow, clock, actor.telegram_id, money.REFUND_DECIDED, payment.payer_id, refund=refund.id, approved=approve
    )
    await uow.commit()
    return refund


async def refund_carried_out(uow: UnitOfWork, clock: Clock, *, actor: Authority, refund_id: int, note: str) -> Refund:
    """Staff gave a card payment or transfer back in the provider's dashboard (Stars go back on their own)."""
    _require(actor, Permission.DECIDE_REFUNDS)
    note = money.usable(note, money.MAX_NOTE)
    refund = await uow.refunds.get(refund_id, for_update=True)
    if refund is None:
        raise RefundNotFound(refund_id)
    if refund.automatic:
        raise RefundRefused("stars_go_back_through_telegram")
    refund.carried_out(by=actor.telegram_id, note=note, now=clock.now())
    await uow.refunds.save(refund)
    await _tell_refunded(uow, clock, refund)
    await record(uow, clock, actor.telegram_id, money.REFUND_CARRIED_OUT, (await _payment(uow, refund)).payer_id, refund=refund.id)
    await uow.commit()
    return refund


async def stars_to_retry(uow: UnitOfWork, *, actor: Authority, refund_id: int) -> tuple[Refund, Payment]:
    """A Stars refund staff may send again now (its automatic attempt failed)."""
    _require(actor, Permission.DECIDE_REFUNDS)
    refund = await uow.refunds.get(refund_id)
    if refund is None:
        raise RefundNotFound(refund_id)
    if not refund.automatic or refund.status is not RefundStatus.APPROVED:
        raise RefundRefused("not_a_stars_refund_to_send")
    return refund, await _payment(uow, refund)


async def stars_sent_by_staff(uow: UnitOfWork, clock: Clock, *, actor: Authority, refund_id: int) -> Refund:
    """Staff sent the stars back themselves (the automatic attempt had failed)."""
    _require(actor, Permission.DECIDE_REFUNDS)
    refund = await stars_refunded(uow, clock, refund_id, by=actor.telegram_id)
    if refund is None:
        raise RefundNotFound(refund_id)
    await uow.commit()
    return refund


async def refund_desk(uow: UnitOfWork, full_admins: frozenset[int]) -> list[int]:
    """Who hears of refunds: the ethics commission and support, else the full admins."""
    return await _holders_or_admins(uow, (StaffRole.ETHICS, StaffRole.SUPPORT), full_admins)


# -- inside ----------------------------------------------------------------------


def _refund_of(payment: Payment, reason: RefundReason, status: RefundStatus, now: datetime) -> Refund:
    return Refund(
        payment_id=payment.id,
        booking_id=payment.booking_id,
        amount_minor=payment.amount_minor,
        currency=payment.currency,
        method=payment.method,
        reason=reason,
        status=status,
        created_at=now,
        decided_at=now if status is RefundStatus.APPROVED else None,
    )


async def _requestable(uow: UnitOfWork, clock: Clock, client_id: int, booking_id: int) -> tuple[Booking, Payment]:
    booking = await uow.bookings.get(booking_id, for_update=True)
    if booking is None or booking.client_id != client_id:
        raise RequestRefused("not_found")
    if booking.settle(clock.now()):
        await uow.bookings.save(booking)
    payment = await uow.payments.applied_to(booking.id)
    if payment is None:
        raise RequestRefused("not_paid")
    existing = await uow.refunds.of_payment(payment.id)
    if existing is not None:
        raise RequestRefused("declined" if existing.status is RefundStatus.DECLINED else "already_asked")
    return booking, payment


def _request_kind(booking: Booking, now: datetime) -> RefundReason:
    if booking.status in (BookingStatus.CANCELLED_LATE, BookingStatus.NO_SHOW):
        return RefundReason.FORCE_MAJEURE
    if booking.status is BookingStatus.HELD:
        if now > booking.ends_at + AFTER_SESSION_WINDOW:
            raise RequestRefused("too_long_ago")
        return RefundReason.AFTER_SESSION
    if booking.status is BookingStatus.CANCELLED_IN_TIME:
        raise RequestRefused("refunded_by_the_rules")
    raise RequestRefused("not_yet")


async def _to_decide(uow: UnitOfWork, clock: Clock, refund: Refund, full_admins: frozenset[int]) -> None:
    for staff_id in await refund_desk(uow, full_admins):
        await notify(
            uow, clock, kind=RefundNotice.REFUND_TO_DECIDE, recipient_id=staff_id, key=_key(refund, f"to-decide:{staff_id}"),
            refund_id=refund.id,
        )


async def _tell_refunded(uow: UnitOfWork, clock: Clock, refund: Refund) -> None:
    client = (await _payment(uow, refund)).payer_id
    await notify(uow, clock, kind=RefundNotice.REFUNDED, recipient_id=client, key=_key(refund, "done"), refund_id=refund.id)


async def _case(uow: UnitOfWork, refund: Refund, *, with_messages: bool) -> RefundCase:
    payment = await _payment(uow, refund)
    booking = await uow.bookings.get(refund.booking_id) if refund.booking_id else None
    client = await uow.users.get(payment.payer_id)
    therapist = await uow.therapists.get(booking.therapist_id) if booking else None
    messages: list[SystemMessage] = []
    if with_messages and booking is not None:
        sides = (booking.client_id, booking.therapist_id)
        messages = [m for m in await uow.refunds.system_messages(booking.id) if m.recipient_id in sides]
    return RefundCase(
        refund,
        payment,
        booking,
        client.staff_name if client else "—",
        therapist.full_name if therapist else "—",
        messages,
    )


async def _payment(uow: UnitOfWork, refund: Refund) -> Payment:
    payment = await uow.payments.get(refund.payment_id)
    assert payment is not None, "a refund always has its payment"
    return payment


async def _holders_or_admins(uow: UnitOfWork, roles: tuple[StaffRole, ...], full_admins: frozenset[int]) -> list[int]:
    found: list[int] = []
    for role in roles:
        found += [holder for holder in await uow.staff.holders(role) if holder not in found]
    return found or sorted(full_admins)


def _key(refund: Refund, what: str) -> str:
    """Keys under the booking's own, so staff reviewing it see these among its system messages."""
    base = f"booking:{refund.booking_id}:refund:{refund.id}" if refund.booking_id else f"refund:{refund.id}"
    return f"{base}:{what}"


def _require(actor: Authority, permission: Permission) -> None:
    if not actor.may(permission):
        raise NotAllowed(permission)
