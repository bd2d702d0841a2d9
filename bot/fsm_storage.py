"""Conversation state kept in the platform's database (the embedded default).

An applicant halfway through a questionnaire finds it where they left it,
even after the bot restarts.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from storage.tables import FsmStateRow
from storage.uow import current_unit_of_work


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
        row = await self._read(key)
        return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read(key)
        return dict(row.data) if row and row.data else {}

    async def close(self) -> None:
        """The engine belongs to the application; nothing of ours to close."""

    async def _read(self, key: StorageKey) -> FsmStateRow | None:
        statement = select(FsmStateRow).where(FsmStateRow.key == self._keys.build(key))
        uow = current_unit_of_work.get()
        if uow is not None:
            return await uow.session.scalar(statement)
        async with self._sessions() as session:
            return await session.scalar(statement)

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
        current = await session.scalar(select(FsmStateRow).where(FsmStateRow.key == built))
        state = changes.get("state", current.state if current else None)
        data = changes.get("data", current.data if current else {})
        if state is None and not data:
            await session.execute(delete(FsmStateRow).where(FsmStateRow.key == built))
            return
        now = self._clock.now()
        insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
        statement = insert(FsmStateRow).values(key=built, state=state, data=data, updated_at=now)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[FsmStateRow.key], set_={"state": state, "data": data, "updated_at": now}
            )
        )
