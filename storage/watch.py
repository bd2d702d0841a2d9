"""What an operator watches, read from the database every process shares: the inbox's backlog, timed messages due."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import InboxUpdateRow, TimedMessageRow
from storage.tables.inbox import WAITING
from storage.tables.outbox import PENDING


@dataclass(frozen=True)
class Backlog:
    waiting_updates: int
    oldest_waiting_since: datetime | None
    pending_messages: int
    oldest_due_at: datetime | None


async def backlog(session: AsyncSession) -> Backlog:
    updates = (
        await session.execute(select(func.count(), func.min(InboxUpdateRow.received_at)).where(WAITING))
    ).one()
    messages = (await session.execute(select(func.count(), func.min(TimedMessageRow.due_at)).where(PENDING))).one()
    return Backlog(updates[0], updates[1], messages[0], messages[1])


async def reachable(session: AsyncSession) -> None:
    """Raises if the database does not answer."""
    await session.execute(text("SELECT 1"))
