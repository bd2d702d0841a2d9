"""Recording a payment: once per charge, and never lost.

Telegram may deliver `successful_payment` more than once, and finance may
confirm a transfer twice: the charge id is unique, so the second time records
nothing and says nothing. A recorded payment either pays its booking (both
sides then read «Оплата пройшла успішно», the session is held, its reminders
are scheduled and the therapist's payout falls due) or, if the booking can no
longer be paid (expired, cancelled, already paid, someone else's), it is kept
on record and refunded in full, and both sides are told.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core import payments as money
from core.bookings import Booking, BookingStatus
from core.clock import Clock
from core.notices import Notice
from core.payments import InvoiceReference, Payment, PaymentMethod, PaymentPolicy, PaymentUse, Payout, PayoutStatus
from core.ports import UnitOfWork
from core.rules.business_days import payout_due_date
from core.staff import Authority, Permission
from core.usecases.audit import record
from core.usecases.booking import BookingPolicy, booking_paid, send_calendar
from core.usecases.checkout import CheckoutRefusal, refusal_for
from core.usecases.notices import notify
from core.usecases.refunds import refund_stray
from core.usecases.staff import NotAllowed


class PaymentNotice(Notice):
    """A payment's messages: bot/notices/payments.py."""

    PAID = "payments.paid"  # to both sides: «Оплата пройшла успішно»
    STRAY = "payments.stray"  # to both sides: a payment that could not pay the session, refunded


class PaymentOutcome(StrEnum):
    APPLIED = "applied"
    STRAY = "stray"
    DUPLICATE = "duplicate"  # this charge was recorded before: nothing changed


@dataclass(frozen=True)
class Receipt:
    """What Telegram (or finance, for a transfer) says was paid."""

    payload: str
    payer_id: int
    amount: int
    currency: str
    telegram_payment_charge_id: str
    method: PaymentMethod
    provider_payment_charge_id: str | None = None
    reference: str | None = None
    recorded_by: int | None = None


@dataclass(frozen=True)
class Recorded:
    outcome: PaymentOutcome
    payment: Payment | None  # None for a duplicate


class UnknownBooking(LookupError):
    pass


async def record_payment(
    uow: UnitOfWork, clock: Clock, receipt: Receipt, *, policy: PaymentPolicy, booking_policy: BookingPolicy
) -> Recorded:
    now = clock.now()
    reference = InvoiceReference.parse(receipt.payload)
    payment = Payment(
        booking_id=None,
        payer_id=receipt.payer_id,
        amount_minor=receipt.amount,
        currency=receipt.currency,
        telegram_payment_charge_id=receipt.telegram_payment_charge_id,
        method=receipt.method,
        recorded_at=now,
        provider_payment_charge_id=receipt.provider_payment_charge_id or None,
        reference=receipt.reference,
        recorded_by=receipt.recorded_by,
    )
    booking = await _locked(uow, clock, reference.booking_id) if reference else None
    payment.booking_id = booking.id if booking else None
    if not await uow.payments.record(payment):
        await uow.rollback()
        return Recorded(PaymentOutcome.DUPLICATE, None)
    why = refusal_for(booking, clock, payer_id=receipt.payer_id, version=reference.version if reference else 0)
    if why is CheckoutRefusal.CHANGED:
        why = None  # a booking moved after its invoice was paid is still the session the client paid for
    if why is None:
        assert booking is not None
        if (receipt.currency, receipt.amount) != (policy.currency, policy.charge_for(booking.price_minor)):
            why = CheckoutRefusal.WRONG_AMOUNT
    if why is None:
        assert booking is not None
        await _apply(uow, clock, payment, booking, policy, booking_policy)
        outcome = PaymentOutcome.APPLIED
    else:
        payment.use = PaymentUse.STRAY
        await uow.payments.save(payment)
        # The payer hears of it, and the therapist of their own client's payment; nobody else.
        recipients = [payment.payer_id]
        if booking is not None and booking.client_id == payment.payer_id:
            recipients.append(booking.therapist_id)
        for recipient in recipients:
            await notify(
                uow, clock, kind=PaymentNotice.STRAY, recipient_id=recipient, key=f"{_base(payment)}:stray:{recipient}",
                payment_id=payment.id, why=(why or CheckoutRefusal.UNKNOWN).value,
            )
        await refund_stray(uow, clock, payment)  # after: the client reads why before how it comes back
        outcome = PaymentOutcome.STRAY
    if receipt.recorded_by is not None:
        await record(uow, clock, receipt.recorded_by, money.MANUAL_PAYMENT_CONFIRMED, payment.payer_id, payment=payment.id)
    await uow.commit()
    return Recorded(outcome, payment)


async def confirm_manual_payment(
    uow: UnitOfWork,
    clock: Clock,
    *,
    actor: Authority,
    booking_id: int,
    reference: str,
    policy: PaymentPolicy,
    booking_policy: BookingPolicy,
) -> Recorded:
    """Finance saw the client's transfer arrive: recorded as if Telegram had reported it."""
    if not actor.may(Permission.MARK_PAYOUTS):
        raise NotAllowed(Permission.MARK_PAYOUTS)
    reference = money.usable(reference, money.MAX_REFERENCE)
    booking = await uow.bookings.get(booking_id)
    if booking is None:
        raise UnknownBooking(booking_id)
    receipt = Receipt(
        payload=InvoiceReference(booking.id, booking.version).payload,
        payer_id=booking.client_id,
        amount=booking.price_minor,
        currency=money.UAH,
        telegram_payment_charge_id=f"manual-b{booking.id}",
        method=PaymentMethod.MANUAL,
        reference=reference,
        recorded_by=actor.telegram_id,
    )
    manual = PaymentPolicy(PaymentMethod.MANUAL, policy.fee_basis_points, policy.stars_per_100_uah)
    return await record_payment(uow, clock, receipt, policy=manual, booking_policy=booking_policy)


@dataclass(frozen=True)
class PendingPayment:
    booking: Booking
    client_name: str
    therapist_name: str


async def pending_payments(uow: UnitOfWork, clock: Clock) -> list[PendingPayment]:
    """Bookings still waiting for their payment (what finance matches transfers against)."""
    pending = []
    for booking_id in await uow.payments.awaiting_payment():
        booking = await _locked(uow, clock, booking_id)
        if booking is None or booking.status is not BookingStatus.AWAITING_PAYMENT:
            continue
        client = await uow.users.get(booking.client_id)
        therapist = await uow.therapists.get(booking.therapist_id)
        pending.append(
            PendingPayment(booking, client.staff_name if client else "—", therapist.full_name if therapist else "—")
        )
    await uow.commit()  # expiries time decided are kept
    return pending


# -- inside ----------------------------------------------------------------------


async def _apply(
    uow: UnitOfWork, clock: Clock, payment: Payment, booking: Booking, policy: PaymentPolicy, booking_policy: BookingPolicy
) -> None:
    now = clock.now()
    # The booking keeps its price in kopiyky whatever the currency paid in; the payment keeps what moved.
    await booking_paid(uow, clock, booking.id, amount_minor=booking.price_minor, policy=booking_policy)
    await uow.payouts.add(
        Payout(
            therapist_id=booking.therapist_id,
            booking_id=booking.id,
            payment_id=payment.id,
            amount_minor=policy.share_of(booking.price_minor),
            due_on=payout_due_date(now),
            status=PayoutStatus.DUE,
            created_at=now,
        )
    )
    for recipient in (booking.client_id, booking.therapist_id):
        await notify(
            uow, clock, kind=PaymentNotice.PAID, recipient_id=recipient, key=f"{_base(payment)}:paid:{recipient}", payment_id=payment.id
        )
    await send_calendar(uow, clock, booking)  # after the phrase: the session for both calendars


async def _locked(uow: UnitOfWork, clock: Clock, booking_id: int) -> Booking | None:
    booking = await uow.bookings.get(booking_id, for_update=True)
    if booking is not None and booking.settle(clock.now()):
        await uow.bookings.save(booking)
    return booking


def _base(payment: Payment) -> str:
    """Keys under the booking's own, so staff reviewing it see these among its system messages."""
    if payment.booking_id is None:
        return f"payment:{payment.id}"
    return f"booking:{payment.booking_id}:payment:{payment.id}"
