"""Messages the platform was going to send the person, or has sent them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from core.notices import NoticeStatus
from core.privacy import Erasure, Kept, Obstacle
from storage.tables import TimedMessageRow


class OutboxData:
    topic = "scheduled_messages"
    tables = ("timed_messages",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def export(self, person_id: int) -> Any:
        """Their contents are rendered from other topics' data, which those topics export."""
        return None

    async def obstacles(self, person_id: int, now: datetime) -> list[Obstacle]:
        return []

    async def erase(self, erasure: Erasure) -> list[Kept]:
        # A row being sent right now belongs to the sending process; it finishes and is gone with the account's data.
        await self._session.execute(
            delete(TimedMessageRow).where(
                TimedMessageRow.recipient_id == erasure.person_id, TimedMessageRow.status != NoticeStatus.SENDING.value
            )
        )
        return []
