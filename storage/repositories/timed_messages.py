"""Timed messages in the database: scheduling them, and the leases of the processes sending them.

Claiming is the heart of "never twice": a due row is taken with
`FOR UPDATE SKIP LOCKED` on PostgreSQL (two replicas skip each other's rows),
under SQLite's `BEGIN IMMEDIATE` write lock on SQLite (one writer at a time),
and marked `sending` with a lease. Whatever happens to it next is written only
while the lease is still the claimer's own, so a process that lost its lease
(it stalled, another took the row over) cannot mark it twice.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Integer,
    Select,
    Update,
    and_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.dml import ReturningUpdate
from sqlalchemy.sql.elements import BindParameter

from core.notices import DueMessage, KindFigures, NoticeStatus, TimedMessage
from storage.db import on_postgresql, rows_changed
from storage.tables import TimedMessageRow, UtcDateTime

# Set on the session when a message was written, so that the unit of work can
# wake delivery once the transaction is committed (storage/uow.py).
TIMED_MESSAGES_WRITTEN = "timed_messages_written"

# Literals, not bound parameters: only then can the planners match the partial
# indexes (a generic PostgreSQL plan cannot know what a parameter will hold).
_PENDING: ColumnClause[str] = literal_column(f"'{NoticeStatus.PENDING.value}'")
_SENDING: ColumnClause[str] = literal_column(f"'{NoticeStatus.SENDING.value}'")
# What nothing will send any more.
_SETTLED = (NoticeStatus.SENT.value, NoticeStatus.DROPPED.value, NoticeStatus.FAILED.value)

Row = TimedMessageRow
Other = aliased(TimedMessageRow)
# The class of the advisory locks (PostgreSQL) a claim takes on the chats whose messages it takes: "TM".
_RECIPIENT_LOCKS = 0x544D


class SqlTimedMessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def _is_postgresql(self) -> bool:
        return on_postgresql(self._session)

    # -- scheduling (use cases) -------------------------------------------
    async def put(self, message: TimedMessage, now: datetime) -> None:
        insert = pg_insert if self._is_postgresql else sqlite_insert
        values = {
            "kind": message.kind,
            "recipient_id": message.recipient_id,
            "due_at": message.due_at,
            "dedup_key": message.dedup_key,
            "params": dict(message.params),
            "status": NoticeStatus.PENDING.value,
            "attempts": 0,
            "parts_sent": 0,
            "created_at": now,
        }
        statement = insert(Row).values(**values)
        # Only a message still waiting is replaced: a re-sent update must not
        # revive one already sent or cancelled.
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[Row.dedup_key],
                set_={
                    "kind": statement.excluded.kind,
                    "recipient_id": statement.excluded.recipient_id,
                    "due_at": statement.excluded.due_at,
                    "params": statement.excluded.params,
                    "attempts": 0,
                    "parts_sent": 0,
                    "last_error": None,
                },
                where=Row.status == NoticeStatus.PENDING.value,
            )
        )
        self._session.info[TIMED_MESSAGES_WRITTEN] = True

    # -- retention (core/usecases/retention.py) ---------------------------
    async def settled(self, before: datetime, *, after_id: int, limit: int) -> list[tuple[int, str]]:
        rows = await self._session.execute(
            select(Row.id, Row.dedup_key)
            .where(
                Row.id > after_id,
                Row.status.in_(_SETTLED),
                func.coalesce(Row.sent_at, Row.due_at) < before,
            )
            .order_by(Row.id)
            .limit(limit)
        )
        return [(message_id, key) for message_id, key in rows]

    async def delete(self, message_ids: list[int]) -> None:
        if message_ids:
            await self._session.execute(delete(Row).where(Row.id.in_(message_ids)))

    async def cancel(self, dedup_key: str) -> None:
        await self._session.execute(
            update(Row)
            .where(Row.dedup_key == dedup_key, Row.status == NoticeStatus.PENDING.value)
            .values(status=NoticeStatus.DROPPED.value, last_error="cancelled")
        )

    async def cancel_prefix(self, prefix: str) -> None:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        await self._session.execute(
            update(Row)
            .where(
                Row.dedup_key.like(f"{escaped}%", escape="\\"),
                Row.status == NoticeStatus.PENDING.value,
            )
            .values(status=NoticeStatus.DROPPED.value, last_error="cancelled")
        )

    # -- claiming and settling (the scheduler) ----------------------------
    async def claim_due(self, now: datetime, worker: str, lease_until: datetime, limit: int) -> list[DueMessage]:
        """Take up to `limit` due rows for `worker` until `lease_until`, oldest first (see `claim`)."""
        messages, _ = await self.claim(now, worker, lease_until, limit)
        return messages

    async def claim(
        self, now: datetime, worker: str, lease_until: datetime, limit: int
    ) -> tuple[list[DueMessage], datetime | None]:
        """Take up to `limit` due rows for `worker` until `lease_until`, oldest first, and say when to look again.

        Rows whose sender's lease ran out (it crashed) are taken over first;
        that counts as an attempt, so a message that kills its sender every
        time ends up failed instead of taking every replica down in turn.
        The moment to look again is None when the claim filled `limit` (more
        may be due now) or nothing waits at all.
        """
        if self._is_postgresql:
            messages, next_due = await self._claim_in_one_statement(now, worker, lease_until, limit)
        else:
            messages = await self._claim_in_steps(now, worker, lease_until, limit)
            # In the same transaction: on a busy SQLite every round trip counts.
            next_due = None if len(messages) == limit else await self.next_due_at()
        ordered = sorted(messages, key=lambda message: (message.due_at, message.id))
        return ordered, None if len(messages) == limit else next_due

    async def _claim_in_steps(self, now: datetime, worker: str, lease_until: datetime, limit: int) -> list[DueMessage]:
        """SQLite: under its write lock (BEGIN IMMEDIATE) nobody else claims meanwhile."""
        expired = (
            select(Row.id)
            .where(Row.status == _SENDING, Row.claimed_until <= now)
            .order_by(Row.claimed_until)
            .limit(limit)
        )
        due = (
            select(Row.id)
            .where(Row.status == _PENDING, Row.due_at <= now, ~_chat_held_elsewhere(worker, now))
            .order_by(Row.due_at, Row.id)
        )
        ids = list(await self._session.scalars(expired))
        chosen: ColumnElement[bool] = Row.id.in_(ids)
        if len(ids) < limit:
            # The due rows are chosen inside the UPDATE itself: one round trip less per tick.
            chosen = or_(chosen, Row.id.in_(due.limit(limit - len(ids)).scalar_subquery())) if ids else Row.id.in_(
                due.limit(limit).scalar_subquery()
            )
        claimed = await self._session.execute(
            _taking(update(Row).where(chosen), worker, lease_until).execution_options(synchronize_session=False)
        )
        return [_due_message(row) for row in claimed]

    async def _claim_in_one_statement(
        self, now: datetime, worker: str, lease_until: datetime, limit: int
    ) -> tuple[list[DueMessage], datetime | None]:
        """PostgreSQL: choose (skipping rows other replicas hold), take, and find the next moment, in one round trip."""
        values = {"now": now, "worker": worker, "lease_until": lease_until, "limit": limit}
        rows = (await self._session.execute(_CLAIM_IN_ONE_STATEMENT, values)).all()
        next_due = rows[0].next_due if rows else None
        return [_due_message(row) for row in rows if row.id is not None], next_due

    async def next_due_at(self) -> datetime | None:
        """When something next becomes claimable: a pending message, or a lease running out."""
        pending = select(func.min(Row.due_at)).where(Row.status == _PENDING).scalar_subquery()
        leased = select(func.min(Row.claimed_until)).where(Row.status == _SENDING).scalar_subquery()
        moments = [moment for moment in (await self._session.execute(select(pending, leased))).one() if moment is not None]
        return min(moments) if moments else None

    async def renew(self, message_ids: list[int], worker: str, until: datetime) -> set[int]:
        """Extend the lease on messages still being sent; returns those that are still this worker's."""
        if not message_ids:
            return set()
        result = await self._session.execute(
            update(Row)
            .where(Row.id.in_(message_ids), Row.claimed_by == worker, Row.status == NoticeStatus.SENDING.value)
            .values(claimed_until=until)
            .returning(Row.id)
            .execution_options(synchronize_session=False)
        )
        return set(result.scalars())

    async def mark_sent(self, message_id: int, worker: str, at: datetime) -> bool:
        return await self._settle(message_id, worker, status=NoticeStatus.SENT.value, sent_at=at)

    async def mark_progress(self, message_id: int, worker: str, parts_sent: int) -> bool:
        changed = await rows_changed(
            self._session,
            update(Row)
            .where(Row.id == message_id, Row.claimed_by == worker, Row.status == NoticeStatus.SENDING.value)
            .values(parts_sent=parts_sent)
            .execution_options(synchronize_session=False)
        )
        return changed == 1

    async def mark_dropped(self, message_id: int, worker: str, reason: str) -> bool:
        return await self._settle(message_id, worker, status=NoticeStatus.DROPPED.value, last_error=reason)

    async def mark_failed(self, message_id: int, worker: str, reason: str, *, attempts: int) -> bool:
        return await self._settle(
            message_id, worker, status=NoticeStatus.FAILED.value, last_error=reason, attempts=attempts
        )

    async def reschedule(
        self, message_id: int, worker: str, *, due_at: datetime, reason: str, attempts: int, parts_sent: int
    ) -> bool:
        # Waiting again, for a time the courier's alarm does not know yet: wake it on commit.
        self._session.info[TIMED_MESSAGES_WRITTEN] = True
        return await self._settle(
            message_id,
            worker,
            status=NoticeStatus.PENDING.value,
            due_at=due_at,
            last_error=reason,
            attempts=attempts,
            parts_sent=parts_sent,
        )

    async def release(self, message_ids: list[int], worker: str) -> int:
        """Hand claimed but unsent messages back, to be sent by whoever claims next."""
        if not message_ids:
            return 0
        return await rows_changed(
            self._session,
            update(Row)
            .where(Row.id.in_(message_ids), Row.claimed_by == worker, Row.status == NoticeStatus.SENDING.value)
            .values(status=NoticeStatus.PENDING.value, claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False),
        )

    async def _settle(self, message_id: int, worker: str, **values: object) -> bool:
        changed = await rows_changed(
            self._session,
            update(Row)
            .where(Row.id == message_id, Row.claimed_by == worker, Row.status == NoticeStatus.SENDING.value)
            .values(claimed_by=None, claimed_until=None, **values)
            .execution_options(synchronize_session=False)
        )
        return changed == 1

    # -- the admin's view -------------------------------------------------
    async def figures(self, now: datetime) -> list[KindFigures]:
        is_due = case((and_(Row.status == NoticeStatus.PENDING.value, Row.due_at <= now), 1), else_=0).label("is_due")
        rows = await self._session.execute(
            select(Row.kind, Row.status, is_due, func.count(), func.min(Row.due_at)).group_by(
                Row.kind, Row.status, is_due
            )
        )
        counts: dict[str, dict[str, Any]] = {}  # KindFigures' fields, as they are counted
        for kind, status, due, count, oldest in rows:
            figures = counts.setdefault(kind, {"kind": kind})
            if status == NoticeStatus.PENDING.value:
                field = "due" if due else "later"
                if due:
                    figures["oldest_due_at"] = oldest
            else:
                field = status
            figures[field] = figures.get(field, 0) + count
        return [KindFigures(**values) for _, values in sorted(counts.items())]


def _taking(statement: Update, worker: object, lease_until: object) -> ReturningUpdate[tuple[object, ...]]:
    """The claim itself: leased to `worker`; a row taken over from a dead sender counts an attempt."""
    taken_over = Row.status == NoticeStatus.SENDING.value
    return statement.values(
        status=NoticeStatus.SENDING.value,
        claimed_by=worker,
        claimed_until=lease_until,
        attempts=Row.attempts + case((taken_over, 1), else_=0),
        last_error=case((taken_over, "the sender's lease ran out"), else_=Row.last_error),
    ).returning(Row.id, Row.kind, Row.recipient_id, Row.due_at, Row.dedup_key, Row.params, Row.attempts, Row.parts_sent)


def _due_message(row: Any) -> DueMessage:
    return DueMessage(
        id=row.id,
        kind=row.kind,
        recipient_id=row.recipient_id,
        due_at=row.due_at,
        dedup_key=row.dedup_key,
        params=row.params,
        attempts=row.attempts,
        parts_sent=row.parts_sent,
    )


def _chat_held_elsewhere(worker: ColumnElement[str] | str, now: ColumnElement[datetime] | datetime) -> ColumnElement[bool]:
    """Another sender holds one of this row's chat's messages (its lease alive): the chat's next ones wait for it.

    One chat's messages go out in order, so one sender sends them at a time.
    """
    return exists().where(
        Other.recipient_id == Row.recipient_id, Other.status == _SENDING, Other.claimed_by != worker,
        Other.claimed_until > now,
    )


def _claim_statement() -> Select[Any]:
    """The PostgreSQL claim, built once: a tick only binds its values.

    The rows are locked `FOR UPDATE SKIP LOCKED`, so two replicas never take
    the same one. The next moment is read from the snapshot before the
    update, leaving out what this statement takes (its lease is ours).
    """
    now, limit = bindparam("now", type_=UtcDateTime()), bindparam("limit", type_=Integer())
    lease_until = bindparam("lease_until", type_=UtcDateTime())
    expired = (
        select(Row.id)
        .where(Row.status == _SENDING, Row.claimed_until <= now)
        .order_by(Row.claimed_until)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("expired")
    )
    worker: BindParameter[str] = bindparam("worker")
    # And none whose chat another claim is taking at this very moment: its snapshot cannot see that claim yet;
    # the chat's advisory lock, held to the commit, can.
    chat_taken_now = ~func.pg_try_advisory_xact_lock(
        literal(_RECIPIENT_LOCKS, Integer), cast(Row.recipient_id % 2147483647, Integer)
    )
    due = (
        select(Row.id)
        .where(Row.status == _PENDING, Row.due_at <= now, ~_chat_held_elsewhere(worker, now))
        .where(~chat_taken_now)
        .order_by(Row.due_at, Row.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
    )
    chosen = union_all(select(expired.c.id), select(due.c.id)).limit(limit).cte("chosen")
    taken = _taking(update(Row).where(Row.id.in_(select(chosen.c.id))), worker, lease_until).cte("taken")
    others = Row.id.not_in(select(chosen.c.id))
    next_pending = select(Row.due_at).where(Row.status == _PENDING, others).order_by(Row.due_at).limit(1)
    next_lease = select(Row.claimed_until).where(Row.status == _SENDING, others).order_by(Row.claimed_until).limit(1)
    ours = case((exists(select(taken.c.id)), lease_until), else_=null())
    head = select(
        type_coerce(func.least(next_pending.scalar_subquery(), next_lease.scalar_subquery(), ours), UtcDateTime()).label(
            "next_due"
        ),
        # This commit need not wait for the disk: a claim lost with a crashed server leaves its rows
        # pending, to be claimed again, and a message sent meanwhile is at risk of a second send just
        # as when its "sent" was lost; that later commit, synchronous, makes the claim durable too.
        func.set_config("synchronous_commit", "off", True).label("synchronous_commit"),
    ).subquery("head")
    return select(head.c.next_due, head.c.synchronous_commit, taken).select_from(head.outerjoin(taken, true()))


_CLAIM_IN_ONE_STATEMENT = _claim_statement()
