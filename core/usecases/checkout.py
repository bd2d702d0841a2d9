"""Asking for the money: the invoice a confirmed booking gets, and whether it may still be paid.

An invoice names its booking and the booking's version (`b<id>v<version>`):
once the booking moves, is cancelled or expires, its old invoices are
refused at pre-checkout, so a stale invoice can never be paid.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.bookings import Booking, BookingStatus
from core.clock import Clock
from core.notices import Notice
from core.payments import InvoiceReference, PaymentPolicy
from core.ports import UnitOfWork
from core.usecases.notices import notify


class CheckoutNotice(Notice):
    """The client's invoice (or, in manual mode, how to pay): bot/notices/payments.py."""

    INVOICE = "payments.invoice"


class CheckoutRefusal(StrEnum):
    UNKNOWN = "unknown"  # a payload this platform never issued
    NOT_YOURS = "not_yours"  # someone else's booking
    CHANGED = "changed"  # the booking moved since this invoice was made
    ALREADY_PAID = "already_paid"
    NOT_PAYABLE = "not_payable"  # cancelled, declined, expired, held
    TOO_LATE = "too_late"  # past the payment deadline
    WRONG_AMOUNT = "wrong_amount"  # the amount or currency is not the booking's


class CheckoutRefused(Exception):
    def __init__(self, refusal: CheckoutRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True)
class Payable:
    """A booking the client may pay now, and what it costs in the payment currency."""

    booking: Booking
    reference: InvoiceReference
    amount: int
    currency: str


async def offer_payment(uow: UnitOfWork, clock: Clock, booking: Booking) -> None:
    """The client is asked to pay: an invoice in their chat, due now, for this version of the booking.

    Joins the caller's transaction: the booking is confirmed (or moved) with its invoice or not at all.
    """
    await notify(
        uow,
        clock,
        kind=CheckoutNotice.INVOICE,
        recipient_id=booking.client_id,
        key=f"booking:{booking.id}:payment:invoice:v{booking.version}",
        booking_id=booking.id,
        version=booking.version,
    )


def refusal_for(booking: Booking | None, clock: Clock, *, payer_id: int, version: int) -> CheckoutRefusal | None:
    """Why this booking cannot be paid by this person now under this invoice; None when it can."""
    if booking is None:
        return CheckoutRefusal.UNKNOWN
    if booking.client_id != payer_id:
        return CheckoutRefusal.NOT_YOURS
    if booking.status is BookingStatus.PAID:
        return CheckoutRefusal.ALREADY_PAID
    if booking.status is not BookingStatus.AWAITING_PAYMENT:
        return CheckoutRefusal.NOT_PAYABLE
    if booking.version != version:
        return CheckoutRefusal.CHANGED
    if booking.payment_due_at is None or clock.now() >= booking.payment_due_at:
        return CheckoutRefusal.TOO_LATE
    return None


async def checkout_refusal(
    uow: UnitOfWork, clock: Clock, *, payload: str, payer_id: int, amount: int, currency: str, policy: PaymentPolicy
) -> CheckoutRefusal | None:
    """The pre-checkout answer: None to let the payment through, else why not.

    One read and no lock: Telegram waits 10 seconds at most. Whatever changes
    between this answer and the payment is caught when the payment is recorded.
    """
    reference = InvoiceReference.parse(payload)
    if reference is None:
        return CheckoutRefusal.UNKNOWN
    booking = await uow.bookings.get(reference.booking_id)
    refusal = refusal_for(booking, clock, payer_id=payer_id, version=reference.version)
    if refusal is not None:
        return refusal
    assert booking is not None
    if currency != policy.currency or amount != policy.charge_for(booking.price_minor):
        return CheckoutRefusal.WRONG_AMOUNT
    return None


async def payable_booking(
    uow: UnitOfWork, clock: Clock, *, client_id: int, booking_id: int, version: int | None, policy: PaymentPolicy
) -> Payable:
    """The booking as something to pay now (for a fresh invoice); CheckoutRefused when it cannot be.

    `version` None: whichever version the booking is at now (the client asked from the session card).
    """
    booking = await uow.bookings.get(booking_id)
    wanted = booking.version if booking is not None and version is None else version
    refusal = refusal_for(booking, clock, payer_id=client_id, version=wanted or 0)
    if refusal is not None:
        raise CheckoutRefused(refusal)
    assert booking is not None
    return Payable(
        booking, InvoiceReference(booking.id, booking.version), policy.charge_for(booking.price_minor), policy.currency
    )
