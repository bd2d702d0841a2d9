"""The demo's movable clock: the system clock, moved ahead by the offset the playground writes to a file.

Only the demo sets DEMO_CLOCK_FILE (settings refuse it beside a real token or a
Bot API beyond this computer). The file is JSON, `{"offset_seconds": 90000}`,
replaced whole by the playground. Whenever the offset grows, whatever became due
in the jump is looked for at once (the courier is woken), not at its next alarm.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from core.clock import ShiftedClock

log = logging.getLogger(__name__)

# How often the file is read (a few bytes): a jump shows within a fifth of a second.
WATCH_INTERVAL = 0.2


def parse_offset(text: str) -> timedelta | None:
    """The offset a clock file holds; None when it is not a clock file."""
    try:
        return timedelta(seconds=float(json.loads(text)["offset_seconds"]))
    except (ValueError, KeyError, TypeError):
        return None


class DemoClockSource:
    def __init__(self, path: Path, clock: ShiftedClock, on_jump: Callable[[], None]) -> None:
        self.path = path
        self.clock = clock
        self._on_jump = on_jump
        self._seen: str | None = None  # the file's text when last read
        self._task: asyncio.Task[None] | None = None

    def look(self) -> bool:
        """Read the file (a few bytes) if it changed; returns whether the clock jumped."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        if text == self._seen:
            return False
        self._seen = text
        offset = parse_offset(text)
        if offset is None:
            log.warning("%s is not a demo clock file (expected {\"offset_seconds\": <number>}); the clock stays", self.path)
            return False
        if not self.clock.shift_to(offset):
            return False
        log.info("demo clock moved: now %s", self.clock.now().isoformat(timespec="seconds"))
        self._on_jump()
        return True

    async def start(self) -> None:
        self.look()
        if self._task is None:
            self._task = asyncio.create_task(self._watch(), name="demo-clock")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            self.look()
