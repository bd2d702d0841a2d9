"""Payments, refunds, payouts and clawbacks in the database."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.bookings import BookingStatus
from core.notices import NoticeStatus
from core.payments import (
    Clawback,
    ClawbackStatus,
    Payment,
    PaymentMethod,
    PaymentUse,
    Payout,
    PayoutStatus,
    Refund,
    RefundReason,
    RefundStatus,
    SystemMessage,
)
from core.usecases.conversations import ChatNotice
from storage.db import on_postgresql
from storage.tables.bookings import BookingRow
from storage.tables.outbox import TimedMessageRow
from storage.tables.payments import ClawbackRow, PaymentRow, PayoutRow, RefundRow

OPEN_REFUNDS = [RefundStatus.AWAITING_THERAPIST.value, RefundStatus.AWAITING_DECISION.value, RefundStatus.APPROVED.value]


class SqlPaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, payment: Payment) -> bool:
        insert = pg_insert if on_postgresql(self._session) else sqlite_insert
        statement = (
            insert(PaymentRow)
            .values(**_payment_fields(payment))
            .on_conflict_do_nothing(index_elements=[PaymentRow.telegram_payment_charge_id])
            .returning(PaymentRow.id)
        )
        new_id = (await self._session.execute(statement)).scalar_one_or_none()
        if new_id is None:
            return False
        payment.id = new_id
        return True

    async def save(self, payment: Payment) -> None:
        row = await self._session.get(PaymentRow, payment.id)
        if row is None:
            raise LookupError(f"no payment {payment.id}")
        for name, value in _payment_fields(payment).items():
            setattr(row, name, value)

    async def get(self, payment_id: int) -> Payment | None:
        row = await self._session.get(PaymentRow, payment_id)
        return _payment(row) if row else None

    async def applied_to(self, booking_id: int) -> Payment | None:
        row = await self._session.scalar(
            select(PaymentRow).where(PaymentRow.booking_id == booking_id, PaymentRow.use == PaymentUse.APPLIED.value)
        )
        return _payment(row) if row else None

    async def awaiting_payment(self) -> list[int]:
        ids = await self._session.scalars(
            select(BookingRow.id)
            .where(BookingRow.status == BookingStatus.AWAITING_PAYMENT.value)
            .order_by(BookingRow.payment_due_at, BookingRow.id)
        )
        return list(ids)


class SqlRefundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, refund: Refund) -> None:
        row = RefundRow(**_refund_fields(refund))
        self._session.add(row)
        await self._session.flush()
        refund.id = row.id

    async def save(self, refund: Refund) -> None:
        row = await self._session.get(RefundRow, refund.id)
        if row is None:
            raise LookupError(f"no refund {refund.id}")
        for name, value in _refund_fields(refund).items():
            setattr(row, name, value)

    async def get(self, refund_id: int, *, for_update: bool = False) -> Refund | None:
        statement = select(RefundRow).where(RefundRow.id == refund_id).execution_options(populate_existing=True)
        if for_update:
            statement = statement.with_for_update()
        row = await self._session.scalar(statement)
        return _refund(row) if row else None

    async def of_payment(self, payment_id: int) -> Refund | None:
        row = await self._session.scalar(select(RefundRow).where(RefundRow.payment_id == payment_id))
        return _refund(row) if row else None

    async def open(self) -> list[Refund]:
        rows = await self._session.scalars(
            select(RefundRow).where(RefundRow.status.in_(OPEN_REFUNDS)).order_by(RefundRow.created_at, RefundRow.id)
        )
        return [_refund(row) for row in rows]

    async def system_messages(self, booking_id: int) -> list[SystemMessage]:
        # The booking's messages are keyed under "booking:<id>:" by every topic that writes them.
        rows = await self._session.execute(
            select(TimedMessageRow.kind, TimedMessageRow.recipient_id, TimedMessageRow.sent_at)
            .where(
                TimedMessageRow.dedup_key.startswith(f"booking:{booking_id}:", autoescape=True),
                TimedMessageRow.status == NoticeStatus.SENT.value,
                TimedMessageRow.kind.not_in([ChatNotice.RELAY, ChatNotice.RELAY_UNDELIVERED]),
            )
            .order_by(TimedMessageRow.sent_at, TimedMessageRow.id)
        )
        return [SystemMessage(kind, recipient, sent_at) for kind, recipient, sent_at in rows if sent_at is not None]


class SqlPayoutRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, payout: Payout) -> None:
        row = PayoutRow(**_payout_fields(payout))
        self._session.add(row)
        await self._session.flush()
        payout.id = row.id

    async def save(self, payout: Payout) -> None:
        row = await self._session.get(PayoutRow, payout.id)
        if row is None:
            raise LookupError(f"no payout {payout.id}")
        for name, value in _payout_fields(payout).items():
            setattr(row, name, value)

    async def get(self, payout_id: int, *, for_update: bool = False) -> Payout | None:
        statement = select(PayoutRow).where(PayoutRow.id == payout_id).execution_options(populate_existing=True)
        if for_update:
            statement = statement.with_for_update()
        row = await self._session.scalar(statement)
        return _payout(row) if row else None

    async def of_payment(self, payment_id: int) -> Payout | None:
        row = await self._session.scalar(select(PayoutRow).where(PayoutRow.payment_id == payment_id))
        return _payout(row) if row else None

    async def due(self) -> list[Payout]:
        rows = await self._session.scalars(
            select(PayoutRow)
            .where(PayoutRow.status == PayoutStatus.DUE.value)
            .order_by(PayoutRow.due_on, PayoutRow.id)
        )
        return [_payout(row) for row in rows]

    async def of_therapist(self, therapist_id: int, *, since: datetime) -> list[Payout]:
        rows = await self._session.scalars(
            select(PayoutRow)
            .where(
                PayoutRow.therapist_id == therapist_id,
                or_(
                    PayoutRow.created_at >= since,
                    PayoutRow.paid_at >= since,
                    PayoutRow.status == PayoutStatus.DUE.value,
                ),
            )
            .order_by(PayoutRow.due_on, PayoutRow.id)
        )
        return [_payout(row) for row in rows]

    async def add_clawback(self, clawback: Clawback) -> None:
        row = ClawbackRow(**_clawback_fields(clawback))
        self._session.add(row)
        await self._session.flush()
        clawback.id = row.id

    async def save_clawback(self, clawback: Clawback) -> None:
        row = await self._session.get(ClawbackRow, clawback.id)
        if row is None:
            raise LookupError(f"no clawback {clawback.id}")
        for name, value in _clawback_fields(clawback).items():
            setattr(row, name, value)

    async def get_clawback(self, clawback_id: int, *, for_update: bool = False) -> Clawback | None:
        statement = select(ClawbackRow).where(ClawbackRow.id == clawback_id).execution_options(populate_existing=True)
        if for_update:
            statement = statement.with_for_update()
        row = await self._session.scalar(statement)
        return _clawback(row) if row else None

    async def clawbacks_of_refund(self, refund_id: int) -> list[Clawback]:
        rows = await self._session.scalars(select(ClawbackRow).where(ClawbackRow.refund_id == refund_id))
        return [_clawback(row) for row in rows]

    async def open_clawbacks(self) -> list[Clawback]:
        rows = await self._session.scalars(
            select(ClawbackRow)
            .where(ClawbackRow.status == ClawbackStatus.OPEN.value)
            .order_by(ClawbackRow.created_at, ClawbackRow.id)
        )
        return [_clawback(row) for row in rows]


# -- rows and dataclasses ------------------------------------------------------------


def _payment_fields(payment: Payment) -> dict[str, object]:
    return {
        "booking_id": payment.booking_id,
        "payer_id": payment.payer_id,
        "amount_minor": payment.amount_minor,
        "currency": payment.currency,
        "telegram_payment_charge_id": payment.telegram_payment_charge_id,
        "provider_payment_charge_id": payment.provider_payment_charge_id,
        "method": payment.method.value,
        "use": payment.use.value,
        "reference": payment.reference,
        "recorded_by": payment.recorded_by,
        "recorded_at": payment.recorded_at,
    }


def _payment(row: PaymentRow) -> Payment:
    return Payment(
        id=row.id,
        booking_id=row.booking_id,
        payer_id=row.payer_id,
        amount_minor=row.amount_minor,
        currency=row.currency,
        telegram_payment_charge_id=row.telegram_payment_charge_id,
        provider_payment_charge_id=row.provider_payment_charge_id,
        method=PaymentMethod(row.method),
        use=PaymentUse(row.use),
        reference=row.reference,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


def _refund_fields(refund: Refund) -> dict[str, object]:
    return {
        "payment_id": refund.payment_id,
        "booking_id": refund.booking_id,
        "amount_minor": refund.amount_minor,
        "currency": refund.currency,
        "method": refund.method.value,
        "reason": refund.reason.value,
        "status": refund.status.value,
        "created_at": refund.created_at,
        "requested_by": refund.requested_by,
        "request_text": refund.request_text,
        "therapist_agrees": refund.therapist_agrees,
        "decided_by": refund.decided_by,
        "decision_note": refund.decision_note,
        "decided_at": refund.decided_at,
        "carried_out_by": refund.carried_out_by,
        "carry_out_note": refund.carry_out_note,
        "carried_out_at": refund.carried_out_at,
        "failure": refund.failure,
    }


def _refund(row: RefundRow) -> Refund:
    return Refund(
        id=row.id,
        payment_id=row.payment_id,
        booking_id=row.booking_id,
        amount_minor=row.amount_minor,
        currency=row.currency,
        method=PaymentMethod(row.method),
        reason=RefundReason(row.reason),
        status=RefundStatus(row.status),
        created_at=row.created_at,
        requested_by=row.requested_by,
        request_text=row.request_text,
        therapist_agrees=row.therapist_agrees,
        decided_by=row.decided_by,
        decision_note=row.decision_note,
        decided_at=row.decided_at,
        carried_out_by=row.carried_out_by,
        carry_out_note=row.carry_out_note,
        carried_out_at=row.carried_out_at,
        failure=row.failure,
    )


def _payout_fields(payout: Payout) -> dict[str, object]:
    return {
        "therapist_id": payout.therapist_id,
        "booking_id": payout.booking_id,
        "payment_id": payout.payment_id,
        "amount_minor": payout.amount_minor,
        "due_on": payout.due_on,
        "status": payout.status.value,
        "created_at": payout.created_at,
        "reference": payout.reference,
        "paid_at": payout.paid_at,
        "paid_by": payout.paid_by,
    }


def _payout(row: PayoutRow) -> Payout:
    return Payout(
        id=row.id,
        therapist_id=row.therapist_id,
        booking_id=row.booking_id,
        payment_id=row.payment_id,
        amount_minor=row.amount_minor,
        due_on=row.due_on,
        status=PayoutStatus(row.status),
        created_at=row.created_at,
        reference=row.reference,
        paid_at=row.paid_at,
        paid_by=row.paid_by,
    )


def _clawback_fields(clawback: Clawback) -> dict[str, object]:
    return {
        "therapist_id": clawback.therapist_id,
        "payout_id": clawback.payout_id,
        "refund_id": clawback.refund_id,
        "amount_minor": clawback.amount_minor,
        "status": clawback.status.value,
        "created_at": clawback.created_at,
        "settled_at": clawback.settled_at,
        "settled_by": clawback.settled_by,
        "note": clawback.note,
    }


def _clawback(row: ClawbackRow) -> Clawback:
    return Clawback(
        id=row.id,
        therapist_id=row.therapist_id,
        payout_id=row.payout_id,
        refund_id=row.refund_id,
        amount_minor=row.amount_minor,
        status=ClawbackStatus(row.status),
        created_at=row.created_at,
        settled_at=row.settled_at,
        settled_by=row.settled_by,
        note=row.note,
    )
