"""Conversation state kept in the platform's database (the embedded default).

An applicant halfway through a questionnaire finds it where they left it,
even after the bot restarts.

Inside an update the state is read once: the row as read (or last written) stays on the update's session
until its transaction ends, so a step's `get_state`, `update_data` and `set_state` cost one read between them.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy import bindparam, delete, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction

from core.clock import Clock
from storage.db import UnitSession, on_postgresql
from storage.tables import FsmStateRow
from storage.uow import current_unit_of_work

_KNOWN = "fsm_states_known"  # on the session's info: built key -> (state, data), or None for no row
# Built once: every update reads its conversation's state (building a statement costs more than running it).
_STATE = select(FsmStateRow).where(FsmStateRow.key == bindparam("key"))


class DatabaseStorage(BaseStorage):
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, key_builder: KeyBuilder | None = None
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._keys = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await self._read(key)
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._read(key)
        return dict(data)

    async def settle(self, key: StorageKey, state: StateType, data: Mapping[str, Any]) -> None:
        """The step and its data in one write (`set_state` then `set_data` are two): `bot/conversation.py` uses it."""
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value, data=dict(data))

    async def close(self) -> None:
        """The engine belongs to the application; nothing of ours to close."""

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        uow = current_unit_of_work.get()
        if uow is not None:
            return await _current(uow.session, self._keys.build(key))
        async with self._sessions() as session:
            return await _current(session, self._keys.build(key))

    async def _write(self, key: StorageKey, **changes: Any) -> None:
        # Inside an update, the change is saved with the update's own work:
        # if handling fails, the conversation stays at the step it was.
        uow = current_unit_of_work.get()
        if uow is not None:
            await self._upsert(uow.session, self._keys.build(key), changes)
            return
        async with self._sessions() as session, session.begin():
            await self._upsert(session, self._keys.build(key), changes)

    async def _upsert(self, session: AsyncSession, built: str, changes: dict[str, Any]) -> None:
        current_state, current_data = await _current(session, built)
        state = changes.get("state", current_state)
        data = changes.get("data", current_data)
        known: dict[str, tuple[str | None, dict[str, Any]] | None] = session.info.setdefault(_KNOWN, {})
        if state is None and not data:
            await session.execute(delete(FsmStateRow).where(FsmStateRow.key == built))
            known[built] = None
            return
        now = self._clock.now()
        insert = pg_insert if on_postgresql(session) else sqlite_insert
        statement = insert(FsmStateRow).values(key=built, state=state, data=data, updated_at=now)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[FsmStateRow.key], set_={"state": state, "data": data, "updated_at": now}
            )
        )
        known[built] = (state, copy.deepcopy(data))


async def _current(session: AsyncSession, built: str) -> tuple[str | None, dict[str, Any]]:
    """The state and data under the key, read once a transaction."""
    known: dict[str, tuple[str | None, dict[str, Any]] | None] = session.info.setdefault(_KNOWN, {})
    if built not in known:
        row = await session.scalar(_STATE, {"key": built})
        known[built] = (row.state, dict(row.data or {})) if row else None
    found = known[built]
    return (found[0], copy.deepcopy(found[1])) if found else (None, {})  # each reader its own, as a read


@event.listens_for(UnitSession, "after_transaction_end")
def _forget_at_the_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the transaction itself, not a savepoint inside it
        session.info.pop(_KNOWN, None)
