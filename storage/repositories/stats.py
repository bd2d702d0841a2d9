"""The small reads the platform's figures are made of; the arithmetic is core's (core/rules/platform_figures.py)."""
from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.bookings import BookingStatus
from core.payments import PayoutStatus, RefundStatus
from core.rules.platform_figures import (
    BookingRecord,
    EarningRecord,
    FirstPayment,
    RefundRecord,
    TherapistRecord,
)
from storage.tables import ApplicationRow, BookingRow, PayoutRow, RefundRow, TherapistRow

GRANTED = (RefundStatus.APPROVED.value, RefundStatus.CARRIED_OUT.value)


class SqlStatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def therapists(self) -> list[TherapistRecord]:
        rows = await self._session.execute(
            select(TherapistRow.telegram_id, TherapistRow.verified, TherapistRow.accepting_clients, TherapistRow.hidden)
        )
        return [TherapistRecord(*row) for row in rows]

    async def bookings_between(self, start: datetime, end: datetime) -> list[BookingRecord]:
        rows = await self._session.execute(
            select(
                BookingRow.therapist_id, BookingRow.client_id, BookingRow.status, BookingRow.created_at,
                BookingRow.starts_at, BookingRow.ends_at, BookingRow.paid_at,
            ).where(
                or_(
                    and_(BookingRow.created_at >= start, BookingRow.created_at < end),
                    and_(BookingRow.starts_at >= start, BookingRow.starts_at < end),
                )
            )
        )
        return [
            BookingRecord(therapist, client, BookingStatus(status), created, starts, ends, paid)
            for therapist, client, status, created, starts, ends, paid in rows
        ]

    async def first_payments(self, start: datetime, end: datetime) -> list[FirstPayment]:
        rows = await self._session.execute(
            select(BookingRow.therapist_id, BookingRow.client_id, func.min(BookingRow.paid_at))
            .where(BookingRow.paid_at.is_not(None), BookingRow.paid_at < end)
            .group_by(BookingRow.therapist_id, BookingRow.client_id)
            .having(func.max(BookingRow.paid_at) >= start)
        )
        # `first` is never None: only paid bookings are grouped.
        return [FirstPayment(therapist, client, cast(datetime, first)) for therapist, client, first in rows]

    async def earnings(self, start: datetime, end: datetime) -> list[EarningRecord]:
        rows = await self._session.execute(
            select(PayoutRow.therapist_id, PayoutRow.amount_minor)
            .join(BookingRow, BookingRow.id == PayoutRow.booking_id)
            .where(
                PayoutRow.status != PayoutStatus.WITHDRAWN.value,
                BookingRow.starts_at >= start,
                BookingRow.starts_at < end,
            )
        )
        return [EarningRecord(therapist, int(amount)) for therapist, amount in rows]

    async def granted_refunds(self, start: datetime, end: datetime) -> list[RefundRecord]:
        rows = await self._session.execute(
            select(RefundRow.amount_minor, RefundRow.currency).where(
                RefundRow.status.in_(GRANTED), RefundRow.decided_at >= start, RefundRow.decided_at < end
            )
        )
        return [RefundRecord(int(amount), currency) for amount, currency in rows]

    async def applications_by_step(self) -> dict[str, int]:
        rows = await self._session.execute(select(ApplicationRow.step, func.count()).group_by(ApplicationRow.step))
        return {step: int(count) for step, count in rows}
