"""The account itself: name, language, time zone, roles."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import Erasure, Kept, Obstacle
from storage.tables import UserRoleRow, UserRow


class AccountData:
    topic = "account"
    tables = ("users", "user_roles")

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        row = await self._session.get(UserRow, person_id)
        if row is None:
            return None
        roles = await self._session.scalars(
            select(UserRoleRow.role).where(UserRoleRow.telegram_id == person_id).order_by(UserRoleRow.role)
        )
        return {
            "telegram_id": row.telegram_id,
            "first_name": row.first_name,
            "display_name": row.display_name,
            "language": row.locale,
            "time_zone": row.timezone,
            "joined_at": row.created_at.isoformat(),
            "roles": list(roles),
        }

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        # Roles and everything else that points to the account go with it (ON DELETE CASCADE).
        await self._session.execute(delete(UserRow).where(UserRow.telegram_id == erasure.person_id))
        return []
