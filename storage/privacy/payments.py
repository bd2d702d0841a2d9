"""Money: what the person paid, what came back, and (for a therapist) payouts and what they owe.

These are accounting records: they stay, pointing to the stand-in instead of
the person. While money is still on its way to or from them, deletion waits:
a refund in Stars needs their account, and a payout needs to know whom to pay.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.payments import ClawbackStatus, PayoutStatus, RefundStatus
from core.privacy import FOR_ACCOUNTING, MONEY_UNSETTLED, Erasure, Kept, Obstacle
from storage.tables import ClawbackRow, PaymentRow, PayoutRow, RefundRow

REFUND_PENDING = (RefundStatus.AWAITING_THERAPIST, RefundStatus.AWAITING_DECISION, RefundStatus.APPROVED)


class PaymentData:
    topic = "payments"
    tables = ("payments", "refunds", "payouts", "clawbacks")

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        payments = (await self._session.scalars(
            select(PaymentRow).where(PaymentRow.payer_id == person_id).order_by(PaymentRow.id)
        )).all()
        refunds = (await self._session.scalars(
            select(RefundRow)
            .where(or_(RefundRow.payment_id.in_([p.id for p in payments]), RefundRow.requested_by == person_id))
            .order_by(RefundRow.id)
        )).all()
        payouts = (await self._session.scalars(
            select(PayoutRow).where(PayoutRow.therapist_id == person_id).order_by(PayoutRow.id)
        )).all()
        clawbacks = (await self._session.scalars(
            select(ClawbackRow).where(ClawbackRow.therapist_id == person_id).order_by(ClawbackRow.id)
        )).all()
        exported = {
            "paid": [
                {"amount_minor_units": p.amount_minor, "currency": p.currency, "method": p.method,
                 "booking": p.booking_id, "at": p.recorded_at.isoformat()}
                for p in payments
            ],
            "refunds": [
                {"amount_minor_units": r.amount_minor, "currency": r.currency, "reason": r.reason, "status": r.status,
                 "your_request": r.request_text, "asked_at": r.created_at.isoformat(),
                 "decision": r.decision_note, "carried_out_at": r.carried_out_at.isoformat() if r.carried_out_at else None}
                for r in refunds
            ],
            "payouts_to_you": [
                {"amount_minor_units": p.amount_minor, "due_on": p.due_on.isoformat(), "status": p.status,
                 "paid_at": p.paid_at.isoformat() if p.paid_at else None}
                for p in payouts
            ],
            "owed_back_by_you": [
                {"amount_minor_units": c.amount_minor, "status": c.status, "at": c.created_at.isoformat()}
                for c in clawbacks
            ],
        }
        return {name: rows for name, rows in exported.items() if rows}

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        mine = select(PaymentRow.id).where(PaymentRow.payer_id == person_id)
        unsettled = (
            await self._count(RefundRow, RefundRow.payment_id.in_(mine), RefundRow.status.in_(REFUND_PENDING))
            + await self._count(PayoutRow, PayoutRow.therapist_id == person_id, PayoutRow.status == PayoutStatus.DUE)
            + await self._count(ClawbackRow, ClawbackRow.therapist_id == person_id, ClawbackRow.status == ClawbackStatus.OPEN)
        )
        return [Obstacle(self.topic, MONEY_UNSETTLED, unsettled)] if unsettled else []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        person, stand_in = erasure.person_id, erasure.stand_in_id
        kept = (
            await self._count(PaymentRow, PaymentRow.payer_id == person)
            + await self._count(PayoutRow, PayoutRow.therapist_id == person)
            + await self._count(ClawbackRow, ClawbackRow.therapist_id == person)
        )
        mine = select(PaymentRow.id).where(PaymentRow.payer_id == person)
        # What they wrote asking for a refund is theirs; the decision and the sums stay.
        await self._session.execute(
            update(RefundRow)
            .where(or_(RefundRow.payment_id.in_(mine), RefundRow.requested_by == person))
            .values(request_text=None)
        )
        await self._session.execute(update(RefundRow).where(RefundRow.requested_by == person).values(requested_by=stand_in))
        await self._session.execute(update(PaymentRow).where(PaymentRow.payer_id == person).values(payer_id=stand_in))
        await self._session.execute(update(PayoutRow).where(PayoutRow.therapist_id == person).values(therapist_id=stand_in))
        await self._session.execute(
            update(ClawbackRow).where(ClawbackRow.therapist_id == person).values(therapist_id=stand_in)
        )
        return [Kept(self.topic, FOR_ACCOUNTING, kept)] if kept else []

    async def _count(self, table: Any, *conditions: Any) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(table).where(*conditions)) or 0)
