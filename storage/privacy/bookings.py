"""Bookings, as a client and as a therapist. Paid ones are accounting records: they stay, anonymised."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.bookings import ACTIVE
from core.privacy import FOR_ACCOUNTING, UPCOMING_SESSIONS, Erasure, Kept, Obstacle
from storage.privacy.stand_in import stand_in_person, stand_in_therapist
from storage.tables import BookingRow, TherapistRow


class BookingData:
    topic = "bookings"
    tables = ("bookings",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        rows = await self._session.execute(
            select(BookingRow, TherapistRow.full_name)
            .join(TherapistRow, TherapistRow.telegram_id == BookingRow.therapist_id)
            .where(or_(BookingRow.client_id == person_id, BookingRow.therapist_id == person_id))
            .order_by(BookingRow.starts_at)
        )
        exported = []
        for row, therapist_name in rows:
            as_client = row.client_id == person_id
            exported.append(
                {
                    "booking": row.id,
                    "you_are": "client" if as_client else "therapist",
                    # A therapist's name is public; a client's identity is not the therapist's to export.
                    **({"therapist": therapist_name} if as_client else {}),
                    "starts_at": row.starts_at.isoformat(),
                    "ends_at": row.ends_at.isoformat(),
                    "status": row.status,
                    "price_minor_units": row.price_minor,
                    "paid_minor_units": row.paid_minor,
                    "paid_at": row.paid_at.isoformat() if row.paid_at else None,
                    "refund_due_minor_units": row.refund_due_minor,
                }
            )
        return exported

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        ahead = await self._session.scalar(
            select(func.count())
            .select_from(BookingRow)
            .where(
                or_(BookingRow.client_id == person_id, BookingRow.therapist_id == person_id),
                BookingRow.status.in_([status.value for status in ACTIVE]),
                BookingRow.ends_at > now,
            )
        )
        return [Obstacle(self.topic, UPCOMING_SESSIONS, int(ahead))] if ahead else []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        person = erasure.person_id
        paid = BookingRow.paid_at.is_not(None)
        kept = 0
        if as_client := await self._count(BookingRow.client_id == person, paid):
            stand_in = await stand_in_person(self._session, erasure)
            await self._session.execute(update(BookingRow).where(BookingRow.client_id == person, paid).values(client_id=stand_in))
            kept += as_client
        if as_therapist := await self._count(BookingRow.therapist_id == person, paid):
            stand_in = await stand_in_therapist(self._session, erasure)
            await self._session.execute(
                update(BookingRow).where(BookingRow.therapist_id == person, paid).values(therapist_id=stand_in)
            )
            kept += as_therapist
        await self._session.execute(
            delete(BookingRow).where(or_(BookingRow.client_id == person, BookingRow.therapist_id == person))
        )
        return [Kept(self.topic, FOR_ACCOUNTING, kept)] if kept else []

    async def _count(self, *conditions: Any) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(BookingRow).where(*conditions)) or 0)
