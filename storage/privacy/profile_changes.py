"""Changes a therapist proposed to their profile, and what was decided."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import Erasure, Kept, Obstacle
from storage.tables import ProfileChangeRow


class ProfileChangeData:
    topic = "profile_changes"
    tables = ("profile_changes",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        rows = await self._session.scalars(
            select(ProfileChangeRow).where(ProfileChangeRow.therapist_id == person_id).order_by(ProfileChangeRow.id)
        )
        return [
            {
                "field": row.field,
                # A photo is a Telegram file id: meaningless outside the bot, so only its presence is told.
                "proposed": "photo" if row.field == "photo" else row.value,
                "status": row.status,
                "proposed_at": row.proposed_at.isoformat(),
                "decided_at": row.decided_at.isoformat() if row.decided_at else None,
                "note": row.note,
            }
            for row in rows
        ]

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        await self._session.execute(delete(ProfileChangeRow).where(ProfileChangeRow.therapist_id == erasure.person_id))
        return []
