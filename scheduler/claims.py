"""A claimed timed message, and the ways delivery lets go of it.

Each way writes through the unit of work it is given and does not commit, so
delivery can record the outcome in the same transaction as its consequences
(the user marked unreachable, the relayed message remembered).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.clock import Clock
from core.notices import DueMessage
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How often a message that met a passing failure (5xx, a timeout) is tried again, and when."""

    max_attempts: int = 8
    first_delay: timedelta = timedelta(seconds=10)
    longest_delay: timedelta = timedelta(minutes=10)

    def delay_after(self, attempts: int) -> timedelta:
        """10 s after the first failure, then 20 s, 40 s, … never more than the longest delay."""
        return min(self.first_delay * 2 ** max(attempts - 1, 0), self.longest_delay)


@dataclass
class Claim:
    message: DueMessage
    worker: str
    lease_until: datetime
    clock: Clock
    policy: RetryPolicy

    @property
    def attempts_left(self) -> bool:
        return self.message.attempts < self.policy.max_attempts

    @property
    def is_last_attempt(self) -> bool:
        """A passing failure now would be the last one: `retry` would give up."""
        return self.message.attempts + 1 >= self.policy.max_attempts

    async def sent(self, uow: SqlUnitOfWork) -> bool:
        return self._kept(await uow.timed_messages.mark_sent(self.message.id, self.worker, self.clock.now()), "sent")

    async def progress(self, uow: SqlUnitOfWork, *, parts_sent: int) -> bool:
        """The first `parts_sent` parts are out; the rest is still to come."""
        marked = await uow.timed_messages.mark_progress(self.message.id, self.worker, parts_sent)
        return self._kept(marked, f"{parts_sent} part(s) sent")

    async def dropped(self, uow: SqlUnitOfWork, reason: str) -> bool:
        """Its reason is gone (or never existed): nothing was sent and nothing will be."""
        return self._kept(await uow.timed_messages.mark_dropped(self.message.id, self.worker, reason), "dropped")

    async def failed(self, uow: SqlUnitOfWork, reason: str) -> bool:
        """It cannot be delivered (blocked, rejected by Telegram): no retry."""
        marked = await uow.timed_messages.mark_failed(
            self.message.id, self.worker, reason, attempts=self.message.attempts + 1
        )
        return self._kept(marked, "failed")

    async def retry(self, uow: SqlUnitOfWork, reason: str, *, parts_sent: int | None = None) -> bool:
        """A passing failure: try again after a growing delay, or give up once attempts run out."""
        attempts = self.message.attempts + 1
        if self.is_last_attempt:
            marked = await uow.timed_messages.mark_failed(
                self.message.id, self.worker, f"gave up after {attempts} attempts: {reason}", attempts=attempts
            )
            return self._kept(marked, "failed")
        return await self._reschedule(
            uow, self.clock.now() + self.policy.delay_after(attempts), reason, attempts, parts_sent
        )

    async def later(self, uow: SqlUnitOfWork, at: datetime, reason: str, *, parts_sent: int | None = None) -> bool:
        """Not a failure of the message (Telegram asked us to wait long): try again at `at`."""
        return await self._reschedule(uow, at, reason, self.message.attempts, parts_sent)

    async def _reschedule(
        self, uow: SqlUnitOfWork, at: datetime, reason: str, attempts: int, parts_sent: int | None
    ) -> bool:
        marked = await uow.timed_messages.reschedule(
            self.message.id,
            self.worker,
            due_at=at,
            reason=reason,
            attempts=attempts,
            parts_sent=self.message.parts_sent if parts_sent is None else parts_sent,
        )
        return self._kept(marked, "rescheduled")

    def _kept(self, marked: bool, outcome: str) -> bool:
        if not marked:
            # Our lease ran out and another process took the message over: its outcome is theirs to write.
            log.warning("timed message %s could not be marked %s: no longer ours", self.message.id, outcome)
        return marked
