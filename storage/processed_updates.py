"""Which Telegram updates were already handled."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import ProcessedUpdateRow


async def already_processed(session: AsyncSession, update_id: int) -> bool:
    found = await session.scalar(select(ProcessedUpdateRow.update_id).where(ProcessedUpdateRow.update_id == update_id))
    return found is not None


async def remember_processed(session: AsyncSession, update_id: int, at: datetime) -> None:
    if not await already_processed(session, update_id):
        session.add(ProcessedUpdateRow(update_id=update_id, processed_at=at))
        await session.flush()


async def forget_processed_before(session: AsyncSession, moment: datetime) -> None:
    await session.execute(delete(ProcessedUpdateRow).where(ProcessedUpdateRow.processed_at < moment))
