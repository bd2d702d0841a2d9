"""Feeds stored updates to the dispatcher: one chat's in order, chats in parallel; retries, then sets aside."""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from storage import inbox
from storage.inbox import Kept
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


@dataclass
class InboxOutcome:
    """Handed to the dispatcher with the update (`inbox` in handler data); the unit of work fills it in."""

    last_try: bool
    handled: bool = False
    error: str | None = None


class InboxFeeder:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        max_attempts: int,
        retry_seconds: float,
    ) -> None:
        self._dispatcher = dispatcher
        self._bot = bot
        self._sessions = sessions
        self._clock = clock
        self._max_attempts = max_attempts
        self._retry_seconds = retry_seconds
        self._queues: dict[int, deque[Kept]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._known: set[int] = set()
        self._stopping = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self.workflow_data: dict[str, Any] = {}

    @property
    def busy_chats(self) -> int:
        return len(self._workers)

    async def keep(self, payloads: Iterable[Mapping[str, Any]]) -> None:
        """Store the updates in one transaction, then queue those not stored before.

        Returns only once they are committed: the caller acknowledges them to Telegram after that.
        """
        entries = [inbox.kept(payload) for payload in payloads]
        if not entries:
            return
        async with SqlUnitOfWork(self._sessions) as uow:
            new = await inbox.keep(uow.session, entries, self._clock.now())
            await uow.commit()
        self.submit(new)

    async def resume(self) -> None:
        """On start: queue what a previous process stored and did not finish, its interrupted tries counted."""
        async with SqlUnitOfWork(self._sessions) as uow:
            await inbox.count_interrupted(uow.session, self._clock.now(), max_attempts=self._max_attempts)
            found = await inbox.waiting(uow.session)
            await uow.commit()
        if found:
            log.info("resuming %d stored update(s) not handled before the restart", len(found))
        self.submit(found)

    def submit(self, entries: Iterable[Kept]) -> None:
        if self._stopping.is_set():
            return  # stored: the next start handles them
        for entry in entries:
            if entry.update_id in self._known:
                continue
            self._known.add(entry.update_id)
            self._queues.setdefault(entry.chat_key, deque()).append(entry)
            if entry.chat_key not in self._workers:
                self._idle.clear()
                self._workers[entry.chat_key] = asyncio.create_task(self._work(entry.chat_key))

    async def drain(self, timeout: float) -> bool:
        """Stop taking updates, finish those being handled; False if time ran out first.

        Updates queued but not begun stay in the inbox for the next start.
        """
        self._stopping.set()
        return await self.idle(timeout)

    async def idle(self, timeout: float) -> bool:
        """Wait until no update is queued or being handled; False if time ran out first."""
        return await _set_within(self._idle, timeout)

    async def _work(self, chat: int) -> None:
        queue = self._queues[chat]
        try:
            while queue and not self._stopping.is_set():
                entry = queue[0]
                await self._handle(entry)
                queue.popleft()
                self._known.discard(entry.update_id)
        finally:
            del self._workers[chat]
            del self._queues[chat]
            if not self._workers:
                self._idle.set()

    async def _handle(self, entry: Kept) -> None:
        while True:
            outcome = InboxOutcome(last_try=entry.attempts + 1 >= self._max_attempts)
            try:
                update = Update.model_validate(entry.payload, context={"bot": self._bot})
                await self._dispatcher.feed_update(self._bot, update, inbox=outcome, **self.workflow_data)
            except Exception as error:  # whatever it was, the update is tried again or set aside
                log.exception("update %s failed", entry.update_id)
                outcome.error = outcome.error or f"{type(error).__name__}: {error}"
            if outcome.handled:
                return
            entry.attempts += 1
            set_aside = entry.attempts >= self._max_attempts
            await self._record_failure(entry, outcome.error or "not marked handled", set_aside=set_aside)
            if set_aside:
                log.error("update %s set aside after %d tries (see /inbox)", entry.update_id, entry.attempts)
                return
            if await self._stopped_within(self._retry_seconds * entry.attempts):
                return

    async def _record_failure(self, entry: Kept, error: str, *, set_aside: bool) -> None:
        try:
            async with SqlUnitOfWork(self._sessions) as uow:
                await inbox.record_failure(uow.session, entry.update_id, error, self._clock.now(), set_aside=set_aside)
                await uow.commit()
        except Exception:  # the update stays unhandled in the inbox; the next start tries it
            log.exception("could not record the failure of update %s", entry.update_id)

    async def _stopped_within(self, seconds: float) -> bool:
        return await _set_within(self._stopping, seconds)


async def _set_within(event: asyncio.Event, seconds: float) -> bool:
    """Whether the event is set within that many seconds."""
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        return False
    return True
