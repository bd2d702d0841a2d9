"""What staff did about the person, as the audit log holds it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import FOR_ACCOUNTABILITY, Erasure, Kept, Obstacle
from storage.tables import AuditRow


class AuditData:
    topic = "audit_log"
    tables = ("audit_log",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        rows = await self._session.scalars(
            select(AuditRow).where(AuditRow.subject_id == person_id).order_by(AuditRow.id)
        )
        # Which staff member acted is the platform's business; what was done and when is theirs.
        return [{"action": row.action, "at": row.at.isoformat(), "details": row.details} for row in rows]

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        # The log holds no contents; it stays as the record of what staff did and that the deletion itself was
        # carried out, naming the stand-in instead of the person. By id it would name them again the day they come
        # back with /start: their Telegram id is theirs, and the log's names are looked up when it is read.
        person = erasure.person_id
        count = await self._session.scalar(
            select(func.count()).select_from(AuditRow).where(or_(AuditRow.subject_id == person, AuditRow.actor_id == person))
        )
        await self._session.execute(update(AuditRow).where(AuditRow.subject_id == person).values(subject_id=erasure.stand_in_id))
        await self._session.execute(update(AuditRow).where(AuditRow.actor_id == person).values(actor_id=erasure.stand_in_id))
        return [Kept(self.topic, FOR_ACCOUNTABILITY, int(count))] if count else []
