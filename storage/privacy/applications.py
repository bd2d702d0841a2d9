"""Applications to join as a therapist: the answers given and what became of them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import Erasure, Kept, Obstacle
from storage.tables import ApplicationEventRow, ApplicationRow


class ApplicationData:
    topic = "applications"
    tables = ("applications", "application_events")

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        rows = await self._session.scalars(
            select(ApplicationRow).where(ApplicationRow.applicant_id == person_id).order_by(ApplicationRow.id)
        )
        exported = []
        for row in rows:
            events = await self._session.scalars(
                select(ApplicationEventRow).where(ApplicationEventRow.application_id == row.id).order_by(ApplicationEventRow.id)
            )
            exported.append(
                {
                    "step": row.step,
                    "first_questionnaire": row.first_answers,
                    "second_questionnaire": row.second_answers,
                    "created_at": row.created_at.isoformat(),
                    "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
                    "interview_at": row.interview_at.isoformat() if row.interview_at else None,
                    "decline_reason": row.decline_reason,
                    "history": [{"what": event.action, "at": event.at.isoformat()} for event in events],
                }
            )
        return exported

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        await self._session.execute(delete(ApplicationRow).where(ApplicationRow.applicant_id == erasure.person_id))
        # Someone they referred keeps their application, without the link to them.
        await self._session.execute(
            update(ApplicationRow).where(ApplicationRow.referrer_id == erasure.person_id).values(referrer_id=None)
        )
        return []
