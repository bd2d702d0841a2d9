"""APScheduler as an alarm clock, and nothing more.

Its jobs live in its in-memory job store and hold no platform data: they
only ring. What is due, and to whom, is read from the timed-message table
when the alarm rings (APScheduler's own stores drop jobs late by more than a
second and delete one-shot jobs before they run; see DESIGN.md).
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

# APScheduler logs every run at INFO; a safety ring every few seconds would bury the bot's own log.
logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)

NEXT_DUE = "next-due"
SAFETY = "safety"
LEASES = "leases"


class Alarm:
    def __init__(
        self,
        ring: Callable[[], None],
        *,
        safety_interval: timedelta,
        keep_leases: Callable[[], Awaitable[None]],
        lease_interval: timedelta,
    ) -> None:
        self._ring = ring
        self._keep_leases = keep_leases
        self._safety_interval = safety_interval
        self._lease_interval = lease_interval
        self._scheduler: AsyncIOScheduler | None = None

    def start(self) -> None:
        """Start ringing; call inside the running event loop."""
        # Run however late (a busy loop is no reason to skip a ring), once for
        # several missed rings, and never two of one job at a time.
        self._scheduler = AsyncIOScheduler(
            timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
        )
        self._scheduler.add_job(self._rung, IntervalTrigger(seconds=self._safety_interval.total_seconds()), id=SAFETY)
        self._scheduler.add_job(
            self._keep_leases, IntervalTrigger(seconds=self._lease_interval.total_seconds()), id=LEASES
        )
        self._scheduler.start()

    def ring_in(self, delay: timedelta) -> None:
        """Ring once after `delay` (replacing the previous one-shot), besides the safety interval.

        A delay, not a moment: the platform's clock may run ahead of the wall clock
        APScheduler keeps (the demo moves it), while a delay means the same on both.
        """
        if self._scheduler is None:
            return
        moment = datetime.now(UTC) + delay
        self._scheduler.add_job(self._rung, DateTrigger(run_date=moment), id=NEXT_DUE, replace_existing=True)

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    async def _rung(self) -> None:
        # A coroutine on purpose: APScheduler runs plain functions in a thread pool.
        self._ring()
