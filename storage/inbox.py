"""The inbox's bookkeeping: keep updates, find those still to handle, mark them handled or set aside."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import on_postgresql
from storage.tables import InboxUpdateRow
from storage.tables.inbox import WAITING

ERROR_LENGTH = 500


@dataclass
class Kept:
    """An update in the inbox, as the feeder hands it to the dispatcher."""

    update_id: int
    chat_key: int
    payload: dict[str, Any]
    attempts: int = 0


def kept(payload: Mapping[str, Any]) -> Kept:
    return Kept(int(payload["update_id"]), chat_key(payload), dict(payload))


def update_kind(payload: Mapping[str, Any]) -> str:
    return next((key for key in payload if key != "update_id"), "unknown")


def chat_key(payload: Mapping[str, Any]) -> int:
    """The chat whose updates must be handled in order: the event's chat, else its sender."""
    event = payload.get(update_kind(payload))
    if not isinstance(event, Mapping):
        return 0
    for holder in (event, event.get("message")):
        if isinstance(holder, Mapping) and isinstance(holder.get("chat"), Mapping):
            return int(holder["chat"]["id"])
    for key in ("from", "user"):
        sender = event.get(key)
        if isinstance(sender, Mapping) and "id" in sender:
            return int(sender["id"])
    return 0


async def keep(session: AsyncSession, updates: Iterable[Kept], now: datetime) -> list[Kept]:
    """Store the updates not stored yet; returns those (Telegram re-sends what it thinks was missed)."""
    batch = {entry.update_id: entry for entry in updates}
    if not batch:
        return []
    insert = pg_insert if on_postgresql(session) else sqlite_insert
    statement = (
        insert(InboxUpdateRow)
        .values([
            {
                "update_id": entry.update_id, "chat_key": entry.chat_key, "kind": update_kind(entry.payload)[:32],
                "payload": entry.payload, "received_at": now, "attempts": 0,
            }
            for entry in batch.values()
        ])
        .on_conflict_do_nothing(index_elements=[InboxUpdateRow.update_id])
        .returning(InboxUpdateRow.update_id)
    )
    new = set((await session.scalars(statement)).all())
    return [entry for update_id, entry in sorted(batch.items()) if update_id in new]


INTERRUPTED = "the bot stopped while handling it (a crash, or next in line at a stop)"


async def count_interrupted(session: AsyncSession, now: datetime, *, max_attempts: int) -> None:
    """On start, before anything is handled: the oldest waiting update of each chat counts one try.

    The feeder hands a chat's updates over one at a time, oldest first, and every chat at once: when the
    previous process ended, that one was being handled (or, after a graceful stop, next in line). Counted
    here, an update that kills the process is set aside after its tries like one that raises, not retried
    at every start for ever; and nothing is written per update while handling for it.
    """
    oldest = select(func.min(InboxUpdateRow.update_id)).where(WAITING).group_by(InboxUpdateRow.chat_key)
    counted = InboxUpdateRow.attempts + 1
    await session.execute(
        update(InboxUpdateRow)
        .where(InboxUpdateRow.update_id.in_(oldest.scalar_subquery()))
        .values(attempts=counted, last_error=INTERRUPTED)
    )
    await session.execute(
        update(InboxUpdateRow).where(WAITING, InboxUpdateRow.attempts >= max_attempts).values(set_aside_at=now)
    )


async def waiting(session: AsyncSession) -> list[Kept]:
    """Updates neither handled nor set aside, oldest first: what a restart picks up."""
    rows = await session.execute(
        select(InboxUpdateRow.update_id, InboxUpdateRow.chat_key, InboxUpdateRow.payload, InboxUpdateRow.attempts)
        .where(WAITING)
        .order_by(InboxUpdateRow.update_id)
    )
    return [Kept(row.update_id, row.chat_key, row.payload, row.attempts) for row in rows]


async def mark_handled(session: AsyncSession, update_id: int, now: datetime) -> None:
    await session.execute(
        update(InboxUpdateRow).where(InboxUpdateRow.update_id == update_id).values(handled_at=now)
    )


async def record_failure(
    session: AsyncSession, update_id: int, error: str, now: datetime, *, set_aside: bool
) -> None:
    await session.execute(
        update(InboxUpdateRow)
        .where(InboxUpdateRow.update_id == update_id, InboxUpdateRow.handled_at.is_(None))
        .values(
            attempts=InboxUpdateRow.attempts + 1,
            last_error=error[:ERROR_LENGTH],
            set_aside_at=now if set_aside else None,
        )
    )
