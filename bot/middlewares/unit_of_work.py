"""The update's transaction: one unit of work per update, committed once, with the inbox's mark in it.

    update (from the inbox) ─► UnitOfWorkPerUpdate ── BEGIN: deferred on a first try, so reading takes no lock
      │  the person and their roles ............ read in it
      │  the conversation state ................ read and written in it (the FSM storage joins it)
      │  handler ─► use cases ─► uow ........... `commit()` only flushes, `rollback()` does nothing
      │     messages to other people ........... timed messages written in it, never sent from the handler
      │     a second unit of work .............. refused at once (NestedUnitOfWork): use the handler's `uow`
      │  the inbox mark "handled" .............. written in it, only if no one marked it first
      ▼
    COMMIT: all of it, or (an exception, a crash) none of it, and the update is handled again from scratch;
    ROLLBACK of all of it if another process (which took the chat over) marked it handled first

The rules that follow from it:
- A handler is safe to run twice: a crash, a failed try or a refused write has it handled again, and what
  it answered before is answered again (the README's «Where a duplicate is still possible»). Money is keyed
  (a payment by its charge id).
- SQLite (`storage/db.py`): the first write asks for the write lock; if another transaction wrote since this
  one read, SQLite refuses at once (`WriteRefused`): nothing was written, and the update is handled again at
  once with the lock taken first, not counted as a failed try. If the refused write is the mark itself, the
  step wrote nothing and has answered: the mark goes alone, in a transaction of its own. A reply to the
  bot's own message takes the lock first (it must see the copy the delivery recorded).
- PostgreSQL: reads never block; a deadlock's victim, rolled back whole, is `WriteRefused` too.
- Writers of the process take SQLite's lock in turn: a second unit of work inside an update would wait for
  the update's own lock until the busy timeout, or commit apart from it; it is refused when opened.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.inbox import InboxOutcome
from core.clock import Clock
from storage.db import WriteRefused
from storage.inbox import mark_handled
from storage.uow import SqlUnitOfWork, current_unit_of_work

log = logging.getLogger(__name__)


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
        try:
            try:
                return await self._handle(handler, event, dict(data), outcome, writes_first=_answers_a_copy(event))
            except WriteRefused:
                log.debug("update %s meets a write since it read: handled again, write lock first", event.update_id)
                return await self._handle(handler, event, dict(data), outcome, writes_first=True)
        except Exception as error:
            if outcome is not None:
                outcome.error = f"{type(error).__name__}: {error}"
            raise

    async def _handle(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: Update,
        data: dict[str, Any],
        outcome: InboxOutcome | None,
        *,
        writes_first: bool,
    ) -> Any:
        async with SqlUnitOfWork(self._sessions, for_update=True, writes_first=writes_first) as uow:
            data["uow"] = uow
            token = current_unit_of_work.set(uow)
            try:
                result = await handler(event, data)
                await uow.session.flush()
            finally:
                current_unit_of_work.reset(token)
            # The mark, the person, the conversation state and what the use cases changed commit together:
            # a crash before the commit leaves all undone, and the update is handled again.
            if outcome is not None:
                try:
                    marked = await mark_handled(uow.session, event.update_id, self._clock.now())
                except WriteRefused:
                    # Handling wrote nothing (the mark was its first write) and has answered already: the
                    # mark alone, in a transaction of its own, instead of handling it all again.
                    await uow.session.rollback()
                    marked = await self._mark_alone(event.update_id)
                    outcome.handled = True
                    outcome.handled_elsewhere = not marked
                    if not marked:
                        _handled_elsewhere(event.update_id)
                    return result
                if not marked:
                    # Another process took the chat over (this one's lease ran out) and handled it first: what
                    # this one changed goes, whole. What it sent is sent (the README's «Where a duplicate …»).
                    await uow.session.rollback()
                    outcome.handled = outcome.handled_elsewhere = True
                    _handled_elsewhere(event.update_id)
                    return result
            await uow.finish()
        if outcome is not None:
            outcome.handled = True
        return result

    async def _mark_alone(self, update_id: int) -> bool:
        async with SqlUnitOfWork(self._sessions) as uow:
            marked = await mark_handled(uow.session, update_id, self._clock.now())
            await uow.finish()
        return marked


def _handled_elsewhere(update_id: int) -> None:
    log.warning("update %s was handled by another process first: this one's changes are undone", update_id)


def _answers_a_copy(update: Update) -> bool:
    """A reply to the bot's own message: most often to a relayed copy, whose place the delivery records just after
    sending it. Reading without the lock could miss that record ("not from a client"); with the lock first, the
    update waits its turn behind the delivery's write.
    """
    message = update.message
    replied = message.reply_to_message if message is not None else None
    return replied is not None and replied.from_user is not None and replied.from_user.is_bot
