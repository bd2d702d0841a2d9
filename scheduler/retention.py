"""The sweeper: every few hours, purges what nobody can need any more (core/usecases/retention.py):
settled timed messages and handled inbox updates; it drops updates set aside too long.

Like the courier's alarm, APScheduler only rings here; what goes is decided from the
database and the platform's clock when it rings. Tests call `run_once()` with a ManualClock.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from core.clock import Clock
from core.usecases.retention import Purged, RetentionPolicy, purge_expired
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


class Sweeper:
    def __init__(
        self, units: Callable[[], SqlUnitOfWork], clock: Clock, policy: RetentionPolicy, *, interval: timedelta
    ) -> None:
        self._units = units
        self._clock = clock
        self._policy = policy
        self._interval = interval
        self._scheduler: AsyncIOScheduler | None = None

    async def run_once(self) -> Purged:
        """Purge now; returns how much went."""
        async with self._units() as uow:
            purged = await purge_expired(uow, self._clock, self._policy)
        if any(vars(purged).values()):
            log.info(
                "purged %d settled timed message(s), %d handled update(s), %d match record(s), %d waitlist entry(ies); "
                "dropped %d update(s) set aside too long",
                purged.timed_messages, purged.inbox_updates, purged.matches, purged.waitlist_entries,
                purged.set_aside_dropped,
            )
        return purged

    def start(self) -> None:
        """Sweep at every interval from now on (the first one an interval after the start); inside the loop."""
        if self._scheduler is not None:
            return
        self._scheduler = AsyncIOScheduler(
            timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
        )
        self._scheduler.add_job(self._sweep, IntervalTrigger(seconds=self._interval.total_seconds()), id="retention")
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    async def _sweep(self) -> None:
        try:
            await self.run_once()
        except Exception:
            log.exception("purging old rows failed; trying again at the next sweep")
