from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.notices import NoticeStatus, TimedMessage
from storage.tables import TimedMessageRow


class SqlTimedMessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put(self, message: TimedMessage, now: datetime) -> None:
        insert = pg_insert if self._session.bind.dialect.name == "postgresql" else sqlite_insert
        values = {
            "kind": message.kind,
            "recipient_id": message.recipient_id,
            "due_at": message.due_at,
            "dedup_key": message.dedup_key,
            "params": dict(message.params),
            "status": NoticeStatus.PENDING.value,
            "attempts": 0,
            "created_at": now,
        }
        statement = insert(TimedMessageRow).values(**values)
        # Only a message still waiting is replaced: a re-sent update must not
        # revive one already sent or cancelled.
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[TimedMessageRow.dedup_key],
                set_={
                    "kind": statement.excluded.kind,
                    "recipient_id": statement.excluded.recipient_id,
                    "due_at": statement.excluded.due_at,
                    "params": statement.excluded.params,
                },
                where=TimedMessageRow.status == NoticeStatus.PENDING.value,
            )
        )

    async def cancel(self, dedup_key: str) -> None:
        await self._session.execute(
            update(TimedMessageRow)
            .where(TimedMessageRow.dedup_key == dedup_key, TimedMessageRow.status == NoticeStatus.PENDING.value)
            .values(status=NoticeStatus.DROPPED.value, last_error="cancelled")
        )

    async def cancel_prefix(self, prefix: str) -> None:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        await self._session.execute(
            update(TimedMessageRow)
            .where(
                TimedMessageRow.dedup_key.like(f"{escaped}%", escape="\\"),
                TimedMessageRow.status == NoticeStatus.PENDING.value,
            )
            .values(status=NoticeStatus.DROPPED.value, last_error="cancelled")
        )
