"""Staff roles the person holds."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import Erasure, Kept, Obstacle
from storage.tables import StaffRoleRow


class StaffData:
    topic = "staff_roles"
    tables = ("staff_roles",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        rows = await self._session.scalars(
            select(StaffRoleRow).where(StaffRoleRow.telegram_id == person_id).order_by(StaffRoleRow.granted_at)
        )
        return [{"role": row.role, "granted_at": row.granted_at.isoformat()} for row in rows]

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        await self._session.execute(delete(StaffRoleRow).where(StaffRoleRow.telegram_id == erasure.person_id))
        return []
