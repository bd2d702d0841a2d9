"""The daily backup (BACKUP_DIR): once a day, a backup of the SQLite database, the newest BACKUP_KEEP kept.

APScheduler rings at BACKUP_HOUR in the platform's zone; the copy itself (storage/backup.py) runs in a
thread, so the bot goes on answering while it is taken. Tests call `run_once()` with a ManualClock.
"""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from core.clock import Clock
from storage.backup import back_up, prune

log = logging.getLogger(__name__)


class DailyBackup:
    def __init__(self, database_url: str, folder: Path, clock: Clock, *, keep: int, hour: int, zone: str) -> None:
        self._url = database_url
        self._folder = folder
        self._clock = clock
        self._keep = keep
        self._hour = hour
        self._zone = zone
        self._scheduler: AsyncIOScheduler | None = None

    async def run_once(self) -> Path:
        """Back up now, then let the oldest beyond the number kept go; returns the new backup."""
        self._folder.mkdir(parents=True, exist_ok=True)
        made, manifest = await asyncio.to_thread(back_up, self._url, self._folder, self._clock.now())
        gone = prune(self._folder, self._keep)
        log.info("backed up to %s (schema %s); %d older backup(s) removed", made, manifest.schema, len(gone))
        return made

    def start(self) -> None:
        if self._scheduler is not None:
            return
        self._scheduler = AsyncIOScheduler(
            timezone=self._zone, job_defaults={"misfire_grace_time": 3600, "coalesce": True, "max_instances": 1}
        )
        self._scheduler.add_job(self._back_up, CronTrigger(hour=self._hour, minute=0, timezone=self._zone), id="backup")
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    async def _back_up(self) -> None:
        try:
            await self.run_once()
        except Exception:
            log.exception("the daily backup failed; the next one is due tomorrow")
