"""Set-aside updates for the admins' /inbox: listed, retried, dropped; and the retention's purge."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.inbox import SetAsideUpdate
from storage.db import rows_changed
from storage.tables import InboxUpdateRow

# The updates here touch or test the sealed payload: they are not synchronised with rows the session holds,
# which would compare the column (storage/tables/sealed.py refuses that).
# Set aside, and neither handled since (a try already under way when it was set aside may still succeed) nor dropped.
SET_ASIDE = (
    InboxUpdateRow.set_aside_at.is_not(None), InboxUpdateRow.handled_at.is_(None), InboxUpdateRow.dropped_at.is_(None)
)


LISTED = (
    InboxUpdateRow.update_id, InboxUpdateRow.chat_key, InboxUpdateRow.kind, InboxUpdateRow.attempts,
    InboxUpdateRow.received_at, InboxUpdateRow.set_aside_at, InboxUpdateRow.last_error,
)


class SqlInboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def set_aside(self, *, limit: int) -> list[SetAsideUpdate]:
        return await self._listed(
            select(*LISTED).where(*SET_ASIDE)
            .order_by(InboxUpdateRow.set_aside_at.desc(), InboxUpdateRow.update_id.desc())
            .limit(limit)
        )

    async def one_set_aside(self, update_id: int) -> SetAsideUpdate | None:
        found = await self._listed(select(*LISTED).where(InboxUpdateRow.update_id == update_id, *SET_ASIDE))
        return found[0] if found else None

    async def _listed(self, statement: Select[int, int, str, int, datetime, datetime | None, str | None]) -> list[SetAsideUpdate]:
        # Columns, not rows: what /inbox shows never needs a payload opened.
        return [
            SetAsideUpdate(
                update_id=row.update_id, chat_id=row.chat_key, kind=row.kind, attempts=row.attempts,
                received_at=row.received_at, set_aside_at=row.set_aside_at, error=row.last_error or "",
            )
            for row in await self._session.execute(statement)
        ]

    async def count_set_aside(self) -> int:
        return await self._session.scalar(select(func.count()).select_from(InboxUpdateRow).where(*SET_ASIDE)) or 0

    async def retry(self, update_id: int) -> int | None:
        # One with no payload left cannot be handled again (an erasure before the dropping marked it dropped too).
        chat = await self._session.scalar(
            update(InboxUpdateRow)
            .where(InboxUpdateRow.update_id == update_id, *SET_ASIDE, InboxUpdateRow.payload.is_not(None))
            .values(set_aside_at=None, attempts=0)
            .execution_options(synchronize_session=False)
            .returning(InboxUpdateRow.chat_key)
        )
        return None if chat is None else int(chat)

    async def drop(self, update_id: int, now: datetime) -> int | None:
        chat = await self._session.scalar(
            update(InboxUpdateRow)
            .where(InboxUpdateRow.update_id == update_id, *SET_ASIDE)
            .values(payload=None, dropped_at=now).execution_options(synchronize_session=False)
            .returning(InboxUpdateRow.chat_key)
        )
        return None if chat is None else int(chat)

    async def drop_set_aside(self, before: datetime, now: datetime, *, limit: int) -> int:
        oldest = (
            select(InboxUpdateRow.update_id)
            .where(*SET_ASIDE, InboxUpdateRow.set_aside_at < before)
            .order_by(InboxUpdateRow.set_aside_at)
            .limit(limit)
        )
        return await rows_changed(
            self._session,
            update(InboxUpdateRow)
            .where(InboxUpdateRow.update_id.in_(oldest))
            .values(payload=None, dropped_at=now)
            .execution_options(synchronize_session=False),
        )

    async def purge_handled(self, before: datetime, *, limit: int) -> int:
        # Only handled or dropped ones: a set-aside update (neither yet) stays for the admins' /inbox.
        oldest = (
            select(InboxUpdateRow.update_id)
            .where(or_(InboxUpdateRow.handled_at < before, InboxUpdateRow.dropped_at < before))
            .limit(limit)
        )
        return await rows_changed(self._session, delete(InboxUpdateRow).where(InboxUpdateRow.update_id.in_(oldest)))
