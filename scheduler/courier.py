"""The courier: claims due timed messages and hands them to delivery, one chat at a time.

It keeps up to `window` messages claimed. Messages to one chat go out in
order, one after another; different chats go out side by side, as fast as
delivery's limits allow. Claims are leased: while the courier lives it renews
the leases of what it holds; if it dies, the rows come back after the lease
runs out, and whoever claims them next sends them.

Production runs it as a loop woken by an alarm (the next due time, and a
short safety interval) and by `wake()` after a commit that wrote timed
messages. Tests and benchmarks drive it by hand with `run_once()`/`drain()`
and a ManualClock.
"""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from core.clock import Clock
from scheduler.alarm import Alarm
from scheduler.claims import Claim, RetryPolicy
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

Deliver = Callable[[Claim], Awaitable[None]]

# While something else holds due rows (another replica mid-claim), do not spin on them.
SHORTEST_ALARM = timedelta(seconds=1)


def worker_name() -> str:
    """Who holds a claim: this host and process, and a nonce for a restarted one with the same pid."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class Courier:
    def __init__(
        self,
        units: Callable[[], SqlUnitOfWork],
        clock: Clock,
        deliver: Deliver,
        *,
        lease: timedelta,
        window: int,
        policy: RetryPolicy,
        safety_interval: timedelta,
        worker: str | None = None,
    ) -> None:
        if window < 1:
            raise ValueError("the courier needs room for at least one message")
        self.worker = worker or worker_name()
        self._units = units
        self._clock = clock
        self._deliver = deliver
        self._lease = lease
        # A message is not started with less than this left on its lease.
        self._lease_margin = lease / 10
        self._window = window
        self._policy = policy
        self._safety_interval = safety_interval

        self._held: dict[int, Claim] = {}  # claimed and not finished, by message id
        self._lanes: dict[int, deque[Claim]] = {}  # waiting to be sent, per chat
        self._lane_tasks: dict[int, asyncio.Task[None]] = {}
        self._backlog = False  # the last claim filled the window: more may be due
        self._next_due: datetime | None = None  # when something becomes claimable, as of the last claim
        self._woken = asyncio.Event()
        self._alarm: Alarm | None = None
        self._loop: asyncio.Task[None] | None = None
        self._stopping = False
        self._jumps: set[asyncio.Task[None]] = set()

    # -- by hand: tests and benchmarks ------------------------------------
    async def run_once(self) -> int:
        """Claim what is due now, deliver it all, and return how many messages were claimed."""
        claimed = await self._claim()
        await self._lanes_finished()
        return claimed

    async def drain(self) -> int:
        """Deliver until nothing is due now; returns how many messages were claimed."""
        total = 0
        while claimed := await self.run_once():
            total += claimed
        return total

    # -- in production ------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._loop is not None

    def wake(self) -> None:
        """Look for due messages now (something was just scheduled)."""
        self._woken.set()

    def clock_jumped(self) -> None:
        """The platform's clock leapt ahead (only the demo's does): keep what is held, then send what fell due.

        Leases are measured on the platform's clock, so a leap would make this
        courier's own claims look abandoned: they are extended at once in memory
        (no lane gives its message up meanwhile) and then in the database.
        """
        until = self._clock.now() + self._lease
        for claim in self._held.values():
            claim.lease_until = until
        task = asyncio.create_task(self._after_jump(), name="courier-clock-jump")
        self._jumps.add(task)
        task.add_done_callback(self._jumps.discard)

    async def _after_jump(self) -> None:
        try:
            await self.keep_leases()
        except Exception:
            log.exception("renewing leases after the clock leapt failed; a claim may be taken over and tried again")
        self.wake()

    async def start(self) -> None:
        if self._loop is not None:
            return
        self._stopping = False
        self._alarm = Alarm(
            self.wake,
            safety_interval=self._safety_interval,
            keep_leases=self.keep_leases,
            lease_interval=self._lease / 3,
        )
        self._alarm.start()
        self._loop = asyncio.create_task(self._run(), name="courier")
        log.info("delivery started as %s", self.worker)

    async def stop(self, grace: float = 10.0) -> None:
        """Finish what is being sent (up to `grace` seconds) and hand the rest back for the next start."""
        if self._loop is None:
            return
        self._stopping = True
        if self._alarm is not None:
            self._alarm.stop()
        self._woken.set()
        await self._loop
        self._loop = None
        lanes = list(self._lane_tasks.values())
        if lanes:
            _, unfinished = await asyncio.wait(lanes, timeout=grace)
            for task in unfinished:
                # Its message may or may not have reached Telegram; its lease will bring it back.
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        waiting = [claim.message.id for lane in self._lanes.values() for claim in lane]
        if waiting:
            async with self._units() as uow:
                await uow.timed_messages.release(waiting, self.worker)
                await uow.commit()
        self._lanes.clear()
        self._held.clear()
        self._stopping = False
        log.info("delivery stopped; %d message(s) handed back unsent", len(waiting))

    async def keep_leases(self) -> None:
        """Renew the lease on everything held, so a slow chat does not lose its messages to a takeover."""
        if not self._held:
            return
        until = self._clock.now() + self._lease
        held = list(self._held.values())
        async with self._units() as uow:
            kept = await uow.timed_messages.renew([claim.message.id for claim in held], self.worker, until)
            await uow.commit()
        for claim in held:
            # One that was taken over while we stalled is no longer ours to send.
            claim.lease_until = until if claim.message.id in kept else self._clock.now()

    async def _run(self) -> None:
        while not self._stopping:
            self._woken.clear()
            try:
                await self._claim()
                if not self._backlog and self._next_due is not None and self._alarm is not None:
                    self._alarm.ring_in(max(self._next_due - self._clock.now(), SHORTEST_ALARM))
            except Exception:
                log.exception("claiming due messages failed; trying again at the next alarm")
            await self._woken.wait()

    # -- claiming and the lanes ---------------------------------------------
    async def _claim(self) -> int:
        room = self._window - len(self._held)
        if room <= 0 or self._stopping:
            return 0
        now = self._clock.now()
        lease_until = now + self._lease
        async with self._units() as uow:
            messages, self._next_due = await uow.timed_messages.claim(now, self.worker, lease_until, room)
            self._backlog = len(messages) == room
            await uow.commit()
        for message in messages:
            if (held := self._held.get(message.id)) is not None:
                # Its own lease ran out while it still held the message (the process stalled), and it took the
                # message back: one claim, one send.
                held.lease_until = lease_until
                continue
            claim = Claim(message, self.worker, lease_until, self._clock, self._policy)
            self._held[message.id] = claim
            self._lanes.setdefault(message.recipient_id, deque()).append(claim)
            if message.recipient_id not in self._lane_tasks:
                self._lane_tasks[message.recipient_id] = asyncio.create_task(
                    self._run_lane(message.recipient_id), name=f"lane-{message.recipient_id}"
                )
        return len(messages)

    async def _run_lane(self, chat_id: int) -> None:
        lane = self._lanes[chat_id]
        try:
            while lane and not self._stopping:
                claim = lane.popleft()
                try:
                    await self._deliver_one(claim)
                finally:
                    del self._held[claim.message.id]
                if self._backlog and len(self._held) <= self._window // 2:
                    self._woken.set()
        finally:
            # No await between the last look at the lane and here: a claim
            # made meanwhile either found this task running or starts a new one.
            del self._lane_tasks[chat_id]
            if not lane:
                del self._lanes[chat_id]

    async def _lanes_finished(self) -> None:
        while self._lane_tasks:
            await asyncio.gather(*self._lane_tasks.values())

    async def _deliver_one(self, claim: Claim) -> None:
        if self._clock.now() >= claim.lease_until - self._lease_margin:
            log.warning("timed message %s waited past its lease; leaving it to be taken over", claim.message.id)
            return
        try:
            if claim.attempts_left:
                await self._deliver(claim)
                return
            async with self._units() as uow:
                await claim.failed(uow, "its sender's lease ran out too often")
                await uow.commit()
        except Exception as error:
            # A fault in a kind or in the database: try again later rather than lose the message.
            log.exception("delivering timed message %s (%s) failed", claim.message.id, claim.message.kind)
            try:
                async with self._units() as uow:
                    await claim.retry(uow, f"{type(error).__name__}: {error}"[:500])
                    await uow.commit()
            except Exception:
                log.exception("could not record the failure of timed message %s; its lease will bring it back", claim.message.id)
