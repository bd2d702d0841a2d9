"""What the person sent that the inbox still holds: updates Telegram handed over, kept (sealed) until handled, or
while set aside.

A private chat's updates are keyed by the person's id (storage/inbox.py: chat_key); that is how they are found.
Among them are the messages they wrote to support and to their therapist, which the bot otherwise never
keeps (it copies them from their chat).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import Erasure, Kept, Obstacle
from storage.repositories.inbox import SET_ASIDE
from storage.tables import InboxUpdateRow


class InboxData:
    topic = "updates_from_telegram"
    tables = ("inbox_updates",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        rows = await self._session.scalars(
            select(InboxUpdateRow)
            .where(InboxUpdateRow.chat_key == person_id, InboxUpdateRow.payload.is_not(None))
            .order_by(InboxUpdateRow.update_id)
        )
        return [
            {
                "received_at": row.received_at.isoformat(),
                "state": "set aside" if row.set_aside_at else "waiting",
                "update": row.payload,
            }
            for row in rows
        ]

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        # Handled updates hold no contents already; set-aside ones lose theirs and are dropped. Their ids stay, so
        # a re-sent one is still known. Those still waiting came after the request (this very update is one): they
        # are handled as they come.
        await self._session.execute(
            update(InboxUpdateRow)
            .where(*SET_ASIDE, InboxUpdateRow.chat_key == erasure.person_id)
            .values(payload=None, dropped_at=erasure.at).execution_options(synchronize_session=False)
        )
        return []
