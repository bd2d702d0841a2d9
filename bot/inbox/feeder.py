"""Feeds stored updates to the dispatcher: the chats this process holds, each in order, chats in parallel.

Every process (replica) stores what Telegram hands it in the one inbox. A chat is handled by the process that
holds its lease (storage/chat_leases.py): a process storing an update claims its chat in the same transaction
when nobody holds it, and otherwise leaves it to the holder, which finds it at its next look at the inbox (every
`poll_seconds`). The pump renews the leases held, lets go of chats that have nothing waiting, and takes over the
chats whose holder stopped renewing them. An update that fails is tried again, then set aside.
"""
from __future__ import annotations

import asyncio
import bisect
import logging
import os
import secrets
import socket
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import Metrics
from core.clock import Clock
from storage import chat_leases, inbox
from storage.chat_leases import Claimed
from storage.inbox import Kept
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


@dataclass
class InboxOutcome:
    """Handed to the dispatcher with the update (`inbox` in handler data); the unit of work fills it in."""

    last_try: bool
    handled: bool = False
    # Another process marked it handled first (it took the chat over): what this one changed was undone.
    handled_elsewhere: bool = False
    error: str | None = None


# The only process's hold on a chat: until it stops (a process that starts after it runs the leases out).
SOLE_HOLDER_LEASE = timedelta(days=3650)


def process_name() -> str:
    """Names this process in the leases it holds: the host and pid say where, the random tail tells restarts apart."""
    return f"{socket.gethostname()[:48]}:{os.getpid()}:{secrets.token_hex(4)}"


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
        lease_seconds: float,
        poll_seconds: float,
        metrics: Metrics,
        only_process: bool = False,
        holder: str | None = None,
    ) -> None:
        self._dispatcher = dispatcher
        self._bot = bot
        self._sessions = sessions
        self._clock = clock
        self._max_attempts = max_attempts
        self._retry_seconds = retry_seconds
        # SQLite: one bot process per database file, so a lease found at start was left by a process that ended,
        # and the process holds a chat from its first update until it stops: no lease is renewed or let go while
        # it runs. A write of the inbox's look would come between an update's read and its first write, and SQLite
        # refuses that write: the update would be handled again, and what it sent would go out twice.
        self._only_process = only_process
        self._lease = SOLE_HOLDER_LEASE if only_process else timedelta(seconds=lease_seconds)
        self._poll_seconds = poll_seconds
        self._metrics = metrics
        self.holder = holder or process_name()
        self._held: set[int] = set()
        # Per chat held: the updates this process settled while holding it, which a look at the inbox taken
        # just before they were marked may still show as waiting (forgotten by the first look after them).
        self._settled: dict[int, set[int]] = {}
        self._renewed_at: datetime | None = None
        self._queues: dict[int, list[Kept]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._known: set[int] = set()
        self._stopping = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._wake = asyncio.Event()
        # What this process holds changes under it: a look at the inbox letting go of a chat, and an update stored
        # for that chat meanwhile and queued here as if it were still held, would have two processes handle it.
        self._holding = asyncio.Lock()
        self._pump: asyncio.Task[None] | None = None
        self.workflow_data: dict[str, Any] = {}

    @property
    def busy_chats(self) -> int:
        return len(self._workers)

    @property
    def held_chats(self) -> int:
        return len(self._held)

    async def keep(self, payloads: Iterable[Mapping[str, Any]]) -> None:
        """Store the updates in one transaction (claiming their chats if nobody holds them), then queue those held.

        Returns only once they are committed: the caller acknowledges them to Telegram after that.
        """
        entries = [inbox.kept(payload) for payload in payloads]
        if not entries:
            return
        async with self._holding:
            await self._keep(entries)

    async def _keep(self, entries: list[Kept]) -> None:
        claimed = Claimed()
        arrived: list[Kept] = []
        async with SqlUnitOfWork(self._sessions) as uow:
            now = self._clock.now()
            new = await inbox.keep(uow.session, entries, now)
            chats = {entry.chat_key for entry in new}
            if chats and not self._stopping.is_set():
                held = chats & self._held
                claimed = await chat_leases.claim(
                    uow.session, self.holder, now, self._lease, max_attempts=self._max_attempts, among=chats - held
                )
                # Held here already: what other replicas stored for them before this one goes first.
                arrived = await inbox.waiting_in(uow.session, held)
            await uow.commit()
        self._metrics.updates_stored.inc(len(new))
        self._won(claimed)
        self.submit(arrived)

    async def start(self) -> None:
        """Begin looking at the inbox: what earlier processes left, what other replicas store for chats held here."""
        if self._only_process:
            async with SqlUnitOfWork(self._sessions) as uow:
                await chat_leases.run_out_others(uow.session, self.holder, self._clock.now())
                await uow.commit()
        await self.tick()
        self._pump = asyncio.create_task(self._pump_until_stopped())

    async def tick(self) -> None:
        """One look at the inbox: renew the leases held, let go of idle chats, claim chats that nobody holds."""
        async with self._holding:
            if self._stopping.is_set():
                return
            now = self._clock.now()
            # Settled (committed) before this look began: the look cannot show them as waiting any more, so a
            # later look that does shows one put back in line (an admin's retry from /inbox).
            settled_before = {chat: set(ids) for chat, ids in self._settled.items()}
            async with SqlUnitOfWork(self._sessions) as uow:
                lost: set[int] = set()
                renewing = not self._only_process and bool(self._held) and (
                    self._renewed_at is None or now - self._renewed_at >= self._lease / 3
                )
                if renewing:
                    lost = self._held - await chat_leases.renew(uow.session, self.holder, now, self._lease)
                released: set[int] = set()
                if not self._only_process:
                    idle = self._held - lost - self._workers.keys()
                    released = await chat_leases.release_idle(uow.session, self.holder, idle)
                claimed = await chat_leases.claim(
                    uow.session, self.holder, now, self._lease, max_attempts=self._max_attempts
                )
                arrived = await inbox.waiting_in(uow.session, self._held - lost - released - claimed.chats)
                await uow.commit()
            if renewing:
                self._renewed_at = now
            if lost:
                log.warning("chat(s) %s taken over by another process: this one's lease ran out", sorted(lost))
            self._let_go(lost | released)
            self._won(claimed)
            self.submit(arrived)
            for chat, ids in settled_before.items():
                if chat in self._settled:
                    self._settled[chat] -= ids

    def submit(self, entries: Iterable[Kept]) -> None:
        """Queue updates of chats held here, in `update_id` order; those queued, being handled or settled are skipped."""
        if self._stopping.is_set():
            return  # stored: another process, or the next start, handles them
        for entry in entries:
            chat = entry.chat_key
            if chat not in self._held or entry.update_id in self._known or entry.update_id in self._settled[chat]:
                continue
            self._known.add(entry.update_id)
            bisect.insort(self._queues.setdefault(chat, []), entry, key=lambda queued: queued.update_id)
            if chat not in self._workers:
                self._idle.clear()
                self._workers[chat] = asyncio.create_task(self._work(chat))

    async def drain(self, timeout: float) -> bool:
        """Stop taking updates, finish those being handled, let go of the chats; False if time ran out first.

        Updates queued but not begun stay in the inbox, and the chats they wait in are let go at once: another
        process takes them without counting a try. A chat still being handled when time runs out is not let go:
        its lease runs out, and the one who takes it over counts the try that was cut short.
        """
        self._stopping.set()
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
        finished = await self.idle(timeout)
        free = self._held - self._workers.keys()
        try:
            async with SqlUnitOfWork(self._sessions) as uow:
                await chat_leases.release(uow.session, self.holder, free)
                await uow.commit()
        except Exception as error:  # their leases run out instead, a few seconds later
            log.warning("could not let go of %d chat(s) (%s: %s)", len(free), type(error).__name__, error)
        self._let_go(free)
        return finished

    async def idle(self, timeout: float) -> bool:
        """Wait until no update is queued or being handled; False if time ran out first."""
        return await _set_within(self._idle, timeout)

    def _won(self, claimed: Claimed) -> None:
        for chat, previous in claimed.taken_over.items():
            log.warning("took over chat %s from %s, whose lease ran out", chat, previous)
        self._metrics.takeovers.inc(len(claimed.taken_over))
        self._metrics.updates_set_aside.inc(claimed.set_aside)
        for chat in claimed.chats:
            self._held.add(chat)
            self._settled.setdefault(chat, set())
        self.submit(claimed.waiting)

    def _let_go(self, chats: Collection[int]) -> None:
        for chat in chats:
            self._held.discard(chat)
            self._settled.pop(chat, None)

    async def _pump_until_stopped(self) -> None:
        failing = False
        while not self._stopping.is_set():
            await _set_within(self._wake, self._poll_seconds)
            self._wake.clear()
            try:
                await self.tick()
            except Exception as error:  # the database is away: the leases held run out, others take over
                if not failing:
                    log.error("could not look at the inbox (%s: %s); trying again", type(error).__name__, error)
                failing = True
            else:
                if failing:
                    log.info("looking at the inbox again")
                failing = False

    async def _work(self, chat: int) -> None:
        queue = self._queues[chat]
        try:
            while queue and not self._stopping.is_set() and chat in self._held:
                entry = queue.pop(0)
                try:
                    await self._handle(entry)
                finally:
                    self._known.discard(entry.update_id)
                    if chat in self._settled:
                        self._settled[chat].add(entry.update_id)
        finally:
            for entry in queue:
                self._known.discard(entry.update_id)
            del self._workers[chat]
            del self._queues[chat]
            if not self._workers:
                self._idle.set()
            self._wake.set()  # the pump lets go of the chat if nothing else waits in it

    async def _handle(self, entry: Kept) -> None:
        while True:
            outcome = InboxOutcome(last_try=entry.attempts + 1 >= self._max_attempts)
            try:
                with self._metrics.handle_seconds.time():
                    update = Update.model_validate(entry.payload, context={"bot": self._bot})
                    await self._dispatcher.feed_update(self._bot, update, inbox=outcome, **self.workflow_data)
            except Exception as error:  # whatever it was, the update is tried again or set aside
                log.exception("update %s failed", entry.update_id)
                outcome.error = outcome.error or f"{type(error).__name__}: {error}"
            if outcome.handled:
                (self._metrics.updates_undone if outcome.handled_elsewhere else self._metrics.updates_handled).inc()
                return
            self._metrics.updates_failed.inc()
            if entry.chat_key not in self._held:
                return  # its chat is another process's now: the failure is not this one's to record
            entry.attempts += 1
            set_aside = entry.attempts >= self._max_attempts
            await self._record_failure(entry, outcome.error or "not marked handled", set_aside=set_aside)
            if set_aside:
                self._metrics.updates_set_aside.inc()
                log.error("update %s set aside after %d tries (see /inbox)", entry.update_id, entry.attempts)
                return
            if await _set_within(self._stopping, self._retry_seconds * entry.attempts):
                return

    async def _record_failure(self, entry: Kept, error: str, *, set_aside: bool) -> None:
        try:
            async with SqlUnitOfWork(self._sessions) as uow:
                await inbox.record_failure(uow.session, entry.update_id, error, self._clock.now(), set_aside=set_aside)
                await uow.commit()
        except Exception:  # the update stays unhandled in the inbox; it is tried again
            log.exception("could not record the failure of update %s", entry.update_id)


async def _set_within(event: asyncio.Event, seconds: float) -> bool:
    """Whether the event is set within that many seconds."""
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        return False
    return True
