"""Chat leases: which process handles a chat's waiting updates, for how long, and the takeover when one stops.

Every process stores updates in the one inbox; a chat's updates are handled by the process holding its lease
(a row of `chat_leases`), oldest first. The holder renews the lease while it holds the chat and lets go of it
when the chat has nothing waiting. A lease that is not renewed runs out, and a live process takes the chat over.

Claims are atomic on both databases: an expired lease is locked (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the
write lock on SQLite) before it changes hands, and a new one is an INSERT that only one process can win.

A try is counted against an update only where its holder's lease ran out with it unhandled: at a takeover, the
oldest waiting update of the chat taken over is the one the previous holder was handling (or was about to).
A process that stops gracefully lets go of its chats first, and nothing is counted.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import on_postgresql, rows_changed
from storage.inbox import Kept, waiting_in
from storage.tables import ChatLeaseRow, InboxUpdateRow
from storage.tables.inbox import WAITING

LEASE_RAN_OUT = "its process stopped renewing the lease of its chat while handling it (killed, stuck or cut off)"
# Chats claimed at most per claim: a process does not take every chat when others are there to share them.
CLAIM_BATCH = 100


@dataclass
class Claimed:
    """What a claim won: the chats, those of them taken over from another holder, and their waiting updates."""

    chats: set[int] = field(default_factory=set)
    taken_over: dict[int, str] = field(default_factory=dict)
    waiting: list[Kept] = field(default_factory=list)
    set_aside: int = 0  # updates whose last try was the one cut short


async def claim(
    session: AsyncSession,
    holder: str,
    now: datetime,
    lease: timedelta,
    *,
    max_attempts: int,
    among: Collection[int] | None = None,
) -> Claimed:
    """Take the chats with waiting updates that nobody holds, or whose lease ran out (`among` those, if given)."""
    if among is None:
        candidates = await _unheld_with_waiting(session, now)
    else:
        candidates = set(among)
    if not candidates:
        return Claimed()
    expired = dict(
        (
            await session.execute(
                select(ChatLeaseRow.chat_key, ChatLeaseRow.holder)
                .where(ChatLeaseRow.chat_key.in_(candidates), ChatLeaseRow.expires_at <= now)
                .with_for_update(skip_locked=True)
            )
        ).all()
    )
    until = now + lease
    if expired:
        await session.execute(
            update(ChatLeaseRow).where(ChatLeaseRow.chat_key.in_(expired)).values(holder=holder, expires_at=until)
        )
    fresh = candidates - expired.keys()
    new: set[int] = set()
    if fresh:
        insert = pg_insert if on_postgresql(session) else sqlite_insert
        table = cast(Table, ChatLeaseRow.__table__)  # a mapped class's table is a Table
        # The leases as parameters, not in the statement: compiled once for every claim (see inbox.keep).
        new = set(
            (
                await session.scalars(
                    insert(table).on_conflict_do_nothing(index_elements=[table.c.chat_key]).returning(table.c.chat_key),
                    [{"chat_key": chat, "holder": holder, "expires_at": until} for chat in sorted(fresh)],
                )
            ).all()
        )
    taken_over = {chat: previous for chat, previous in expired.items() if previous != holder}
    set_aside = await _count_interrupted(session, taken_over.keys(), now, max_attempts=max_attempts) if taken_over else 0
    chats = new | expired.keys()
    return Claimed(chats, taken_over, await waiting_in(session, chats), set_aside)


async def _unheld_with_waiting(session: AsyncSession, now: datetime) -> set[int]:
    held = exists().where(ChatLeaseRow.chat_key == InboxUpdateRow.chat_key, ChatLeaseRow.expires_at > now)
    chats = await session.scalars(
        select(InboxUpdateRow.chat_key).where(WAITING, ~held).group_by(InboxUpdateRow.chat_key)
        .order_by(func.min(InboxUpdateRow.update_id)).limit(CLAIM_BATCH)
    )
    return set(chats.all())


async def _count_interrupted(session: AsyncSession, chats: Collection[int], now: datetime, *, max_attempts: int) -> int:
    """The oldest waiting update of each chat taken over counts one try; set aside once its tries are spent.

    Counted here, an update that kills its process every time is set aside after its tries, like one that raises,
    instead of taking down one replica after another for ever.
    """
    oldest = (
        select(func.min(InboxUpdateRow.update_id))
        .where(WAITING, InboxUpdateRow.chat_key.in_(chats))
        .group_by(InboxUpdateRow.chat_key)
    )
    await session.execute(
        update(InboxUpdateRow)
        .where(InboxUpdateRow.update_id.in_(oldest.scalar_subquery()))
        .values(attempts=InboxUpdateRow.attempts + 1, last_error=LEASE_RAN_OUT)
    )
    return await rows_changed(
        session,
        update(InboxUpdateRow)
        .where(WAITING, InboxUpdateRow.chat_key.in_(chats), InboxUpdateRow.attempts >= max_attempts)
        .values(set_aside_at=now),
    )


async def renew(session: AsyncSession, holder: str, now: datetime, lease: timedelta) -> set[int]:
    """Push back the expiry of every lease the holder still has; returns their chats (the others were taken over)."""
    renewed = await session.scalars(
        update(ChatLeaseRow)
        .where(ChatLeaseRow.holder == holder)
        .values(expires_at=now + lease)
        .returning(ChatLeaseRow.chat_key)
    )
    return set(renewed.all())


async def release_idle(session: AsyncSession, holder: str, chats: Collection[int]) -> set[int]:
    """Let go of those chats that have nothing waiting; returns the chats let go."""
    if not chats:
        return set()
    waiting = exists().where(WAITING, InboxUpdateRow.chat_key == ChatLeaseRow.chat_key)
    released = await session.scalars(
        delete(ChatLeaseRow)
        .where(ChatLeaseRow.holder == holder, ChatLeaseRow.chat_key.in_(chats), ~waiting)
        .returning(ChatLeaseRow.chat_key)
    )
    return set(released.all())


async def release(session: AsyncSession, holder: str, chats: Collection[int]) -> None:
    """Let go of those chats whatever waits in them: a process stopping hands them to the others, no try counted."""
    if chats:
        await session.execute(delete(ChatLeaseRow).where(ChatLeaseRow.holder == holder, ChatLeaseRow.chat_key.in_(chats)))



async def run_out_others(session: AsyncSession, holder: str, now: datetime) -> None:
    """SQLite, where one bot process uses the database: the leases a process that ended left run out now."""
    await session.execute(
        update(ChatLeaseRow).where(ChatLeaseRow.holder != holder, ChatLeaseRow.expires_at > now).values(expires_at=now)
    )
