"""Set-aside updates for the admins' /inbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.inbox import SetAsideUpdate
from storage.db import rows_changed
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

    async def purge_handled(self, before: datetime, *, limit: int) -> int:
        # Only handled ones: a set-aside update (handled_at still empty) stays for the admins' /inbox.
        oldest = (
            select(InboxUpdateRow.update_id)
            .where(InboxUpdateRow.handled_at < before)
            .order_by(InboxUpdateRow.handled_at)
            .limit(limit)
        )
        return await rows_changed(self._session, delete(InboxUpdateRow).where(InboxUpdateRow.update_id.in_(oldest)))
