"""Broadcasts the person sent as staff: the record stays, no longer pointing to them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.notices import NoticeStatus
from core.privacy import Erasure, Kept, Obstacle
from core.usecases.broadcasts import BroadcastNotice, key_prefix
from storage.tables import BroadcastRow, TimedMessageRow


class BroadcastData:
    topic = "broadcasts"
    tables = ("broadcasts",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        rows = await self._session.scalars(
            select(BroadcastRow).where(BroadcastRow.author_id == person_id).order_by(BroadcastRow.id)
        )
        return [
            {"segment": row.segment, "created_at": row.created_at.isoformat(), "recipients": row.recipients}
            for row in rows
        ]

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        authored = list(
            await self._session.scalars(select(BroadcastRow.id).where(BroadcastRow.author_id == erasure.person_id))
        )
        for broadcast_id in authored:
            # Copies not sent yet would be made from the person's own chat: they are not sent.
            await self._session.execute(
                update(TimedMessageRow)
                .where(
                    TimedMessageRow.kind == BroadcastNotice.COPY,
                    TimedMessageRow.dedup_key.like(f"{key_prefix(broadcast_id)}%"),
                    TimedMessageRow.status == NoticeStatus.PENDING.value,
                )
                .values(status=NoticeStatus.DROPPED.value, last_error="its author's data was deleted")
            )
        # What was broadcast to whom stays on record, as the audit log does, without naming its author.
        await self._session.execute(
            update(BroadcastRow)
            .where(BroadcastRow.author_id == erasure.person_id)
            .values(author_id=erasure.stand_in_id, from_chat_id=erasure.stand_in_id)
        )
        return []
