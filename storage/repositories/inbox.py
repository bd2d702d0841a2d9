"""Set-aside updates for the admins' /inbox."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.inbox import SetAsideUpdate
from storage.tables import InboxUpdateRow


class SqlInboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def set_aside(self, *, limit: int) -> list[SetAsideUpdate]:
        rows = await self._session.scalars(
            select(InboxUpdateRow)
            .where(InboxUpdateRow.set_aside_at.is_not(None), InboxUpdateRow.handled_at.is_(None))
            .order_by(InboxUpdateRow.set_aside_at.desc(), InboxUpdateRow.update_id.desc())
            .limit(limit)
        )
        return [
            SetAsideUpdate(
                update_id=row.update_id, chat_id=row.chat_key, kind=row.kind, attempts=row.attempts,
                received_at=row.received_at, set_aside_at=row.set_aside_at, error=row.last_error or "",
            )
            for row in rows
            if row.set_aside_at is not None
        ]

    async def count_set_aside(self) -> int:
        return await self._session.scalar(
            select(func.count())
            .select_from(InboxUpdateRow)
            .where(InboxUpdateRow.set_aside_at.is_not(None), InboxUpdateRow.handled_at.is_(None))
        ) or 0
