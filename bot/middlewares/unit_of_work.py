"""One unit of work per update, and the guard against re-sent updates."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from storage.processed_updates import already_processed, remember_processed
from storage.uow import SqlUnitOfWork, current_unit_of_work


class UnitOfWorkPerUpdate(BaseMiddleware):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        async with SqlUnitOfWork(self._sessions) as uow:
            # Telegram re-sends an update it thinks we missed; act on it once.
            if await already_processed(uow.session, event.update_id):
                return None
            await uow.rollback()
            data["uow"] = uow
            token = current_unit_of_work.set(uow)
            try:
                result = await handler(event, data)
                await remember_processed(uow.session, event.update_id, self._clock.now())
                await uow.commit()
            finally:
                current_unit_of_work.reset(token)
            return result
