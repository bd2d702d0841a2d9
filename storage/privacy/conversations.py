"""Whom the person talks with in the shared chat (the messages themselves are in Telegram, not here)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import Erasure, Kept, Obstacle
from storage.tables import ConversationRow, TherapistRow


class ConversationData:
    topic = "conversations"
    tables = ("conversations",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        rows = await self._session.execute(
            select(ConversationRow, TherapistRow.full_name)
            .outerjoin(TherapistRow, TherapistRow.telegram_id == ConversationRow.therapist_id)
            .where(or_(ConversationRow.client_id == person_id, ConversationRow.therapist_id == person_id))
            .order_by(ConversationRow.id)
        )
        return [
            {
                "with": therapist_name if row.client_id == person_id else "a client",
                "last_message_at": row.last_message_at.isoformat() if row.last_message_at else None,
            }
            for row, therapist_name in rows
        ]

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        # Where replies were routed and whom each side was writing to go with the conversation (ON DELETE CASCADE).
        await self._session.execute(
            delete(ConversationRow).where(
                or_(ConversationRow.client_id == erasure.person_id, ConversationRow.therapist_id == erasure.person_id)
            )
        )
        return []
