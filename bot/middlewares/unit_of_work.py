"""One unit of work per update; an update from the inbox is marked handled in it."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.inbox import InboxOutcome
from core.clock import Clock
from storage.inbox import mark_handled
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
        outcome: InboxOutcome | None = data.get("inbox")
        async with SqlUnitOfWork(self._sessions) as uow:
            data["uow"] = uow
            token = current_unit_of_work.set(uow)
            try:
                result = await handler(event, data)
                # The mark and what handling changed commit together: a crash before the commit
                # leaves both undone, and the update is handled again from scratch.
                if outcome is not None:
                    await mark_handled(uow.session, event.update_id, self._clock.now())
                await uow.commit()
            except Exception as error:
                if outcome is not None:
                    outcome.error = f"{type(error).__name__}: {error}"
                raise
            finally:
                current_unit_of_work.reset(token)
            if outcome is not None:
                outcome.handled = True
            return result
