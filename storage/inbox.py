"""The inbox's bookkeeping: keep updates, find those still to handle, mark them handled or set aside.

An update's payload is sealed when it is kept (its column's type) and opened when it is read to be handled; the
mark "handled" clears it in the handling's own transaction (storage/tables/inbox.py says what stays).
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import on_postgresql, rows_changed
from storage.tables import InboxUpdateRow
from storage.tables.inbox import WAITING

ERROR_LENGTH = 500
# Built once: every update is marked, and building a statement (and its cache key) costs more than running it.
_MARK_HANDLED = (
    update(InboxUpdateRow)
    .where(InboxUpdateRow.update_id == bindparam("marked_id"), InboxUpdateRow.handled_at.is_(None))
    .values(handled_at=bindparam("marked_at"), payload=None)
    # Not synchronised with rows the session holds: that would compare the sealed column, which it refuses.
    .execution_options(synchronize_session=False)
)


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
    rows = [
        {
            "update_id": entry.update_id, "chat_key": entry.chat_key, "kind": update_kind(entry.payload)[:32],
            "payload": entry.payload, "received_at": now, "attempts": 0,
        }
        for entry in batch.values()
    ]
    # The rows as parameters, not in the statement: one compiled statement serves every update (a statement
    # carrying a list of rows is compiled afresh each time), a batch sent as one multi-row INSERT all the same.
    table = cast(Table, InboxUpdateRow.__table__)  # a mapped class's table is a Table
    statement = insert(table).on_conflict_do_nothing(index_elements=[table.c.update_id]).returning(table.c.update_id)
    new = set((await session.scalars(statement, rows)).all())
    return [entry for update_id, entry in sorted(batch.items()) if update_id in new]


async def waiting_in(session: AsyncSession, chats: Collection[int]) -> list[Kept]:
    """The updates of those chats neither handled nor set aside, oldest first."""
    if not chats:
        return []
    rows = await session.execute(
        select(InboxUpdateRow.update_id, InboxUpdateRow.chat_key, InboxUpdateRow.payload, InboxUpdateRow.attempts)
        .where(WAITING, InboxUpdateRow.chat_key.in_(chats))
        .order_by(InboxUpdateRow.update_id)
    )
    return [Kept(row.update_id, row.chat_key, row.payload, row.attempts) for row in rows]


async def mark_handled(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Mark it handled, its payload cleared, unless it already is; False: another process handled it first, and
    this one's work must go."""
    marked = await rows_changed(session, _MARK_HANDLED, {"marked_id": update_id, "marked_at": now})
    return marked > 0


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
