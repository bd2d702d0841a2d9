"""Waitlist entries (core/waitlist.py): one a client and therapist, renewed by joining again."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.rules.matching import Window
from core.waitlist import WAITS_FOR, EntryStatus, WaitlistEntry, WaitlistFigures
from storage.db import rows_changed
from storage.tables import BookingRow, WaitlistEntryRow

E = WaitlistEntryRow


class SqlWaitlistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, entry_id: int, *, for_update: bool = False) -> WaitlistEntry | None:
        statement = select(E).where(E.id == entry_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        row = await self._session.scalar(statement)
        return _to_entry(row) if row else None

    async def of_pair(self, client_id: int, therapist_id: int) -> WaitlistEntry | None:
        row = await self._session.scalar(select(E).where(E.client_id == client_id, E.therapist_id == therapist_id))
        return _to_entry(row) if row else None

    async def add(self, entry: WaitlistEntry) -> None:
        row = E(client_id=entry.client_id, therapist_id=entry.therapist_id)
        _fill(row, entry)
        self._session.add(row)
        await self._session.flush()
        entry.id = row.id

    async def save(self, entry: WaitlistEntry) -> None:
        row = await self._session.get(E, entry.id)
        if row is None:
            raise LookupError(f"no waitlist entry {entry.id}")
        _fill(row, entry)
        await self._session.flush()

    async def waiting_for(self, therapist_id: int, now: datetime) -> list[WaitlistEntry]:
        rows = await self._session.scalars(
            select(E).where(E.therapist_id == therapist_id, *_waiting(now)).order_by(E.joined_at, E.id)
        )
        return [_to_entry(row) for row in rows]

    async def waiting_of(self, client_id: int, now: datetime) -> list[WaitlistEntry]:
        rows = await self._session.scalars(select(E).where(E.client_id == client_id, *_waiting(now)).order_by(E.joined_at, E.id))
        return [_to_entry(row) for row in rows]

    async def in_group(self, group: int) -> list[WaitlistEntry]:
        rows = await self._session.scalars(select(E).where(E.match_group == group).order_by(E.id))
        return [_to_entry(row) for row in rows]

    async def count_waiting(self, therapist_id: int, now: datetime) -> int:
        counted = select(func.count()).select_from(E).where(E.therapist_id == therapist_id, *_waiting(now))
        return await self._session.scalar(counted) or 0

    async def figures(self, start: datetime, end: datetime) -> WaitlistFigures:
        paid_after = exists(
            select(BookingRow.id).where(
                BookingRow.client_id == E.client_id,
                BookingRow.therapist_id == E.therapist_id,
                BookingRow.paid_at.is_not(None),
                BookingRow.created_at >= E.joined_at,
            )
        )
        counted = await self._session.execute(
            select(func.count(), func.count().filter(paid_after))
            .select_from(E)
            .where(and_(E.joined_at >= start, E.joined_at < end))
        )
        joined, paid = counted.one()
        return WaitlistFigures(joined or 0, paid or 0)

    async def purge(self, joined_before: datetime) -> int:
        return await rows_changed(self._session, delete(E).where(E.joined_at < joined_before))


def _waiting(now: datetime) -> list[ColumnElement[bool]]:
    return [E.status == EntryStatus.WAITING.value, E.joined_at > now - WAITS_FOR]


def _fill(row: WaitlistEntryRow, entry: WaitlistEntry) -> None:
    row.joined_at = entry.joined_at
    row.windows = [window.value for window in entry.windows]
    row.zone = entry.zone
    row.match_group = entry.group
    row.status = entry.status.value
    row.ended_at = entry.ended_at
    row.untold = [moment.isoformat() for moment in entry.untold]
    row.told = [moment.isoformat() for moment in entry.told]
    row.last_told_at = entry.last_told_at
    row.revision = entry.revision


def _to_entry(row: WaitlistEntryRow) -> WaitlistEntry:
    return WaitlistEntry(
        client_id=row.client_id,
        therapist_id=row.therapist_id,
        joined_at=row.joined_at,
        windows=tuple(Window(value) for value in row.windows),
        zone=row.zone,
        id=row.id,
        group=row.match_group,
        status=EntryStatus(row.status),
        ended_at=row.ended_at,
        untold=tuple(datetime.fromisoformat(value) for value in row.untold),
        told=tuple(datetime.fromisoformat(value) for value in row.told),
        last_told_at=row.last_told_at,
        revision=row.revision,
    )
