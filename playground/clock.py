"""The demo's clock, on the playground's side: it moves, and tells the bot process through a file.

The bot reads the same file (DEMO_CLOCK_FILE, see bot/demo_clock.py):
JSON `{"offset_seconds": <number>}`, how far ahead of the wall clock the
platform's time runs. The file is replaced whole, never written in place, so
the bot never reads half of it.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from core.clock import ShiftedClock


class DemoClock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._clock = ShiftedClock()
        self._write()

    @property
    def offset(self) -> timedelta:
        return self._clock.offset

    def now(self) -> datetime:
        return self._clock.now()

    def timestamp(self) -> float:
        """Seconds since the epoch on this clock (the local Bot API server dates messages by it)."""
        return self.now().timestamp()

    def advance(self, delta: timedelta) -> datetime:
        self._clock.shift_to(self._clock.offset + delta)
        self._write()
        return self.now()

    def move_to(self, moment: datetime) -> bool:
        """Jump to `moment` if it is ahead; time never runs back (what it decided stays decided)."""
        if not self._clock.shift_to(self._clock.offset + (moment - self.now())):
            return False
        self._write()
        return True

    def _write(self) -> None:
        fresh = self.path.with_name(self.path.name + ".new")
        fresh.write_text(json.dumps({"offset_seconds": self._clock.offset.total_seconds()}), encoding="utf-8")
        os.replace(fresh, self.path)
