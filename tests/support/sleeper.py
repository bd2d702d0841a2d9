"""Waiting without waiting: the sleeper delivery gets in tests."""
from __future__ import annotations

import asyncio
import math
from datetime import timedelta

from core.clock import ManualClock


class ManualSleeper:
    """Reads time from the ManualClock, and every sleep moves that clock on by as much, at once.

    Concurrent sleepers each move time by their own wait, so only tests that
    send one message at a time read exact gaps from `slept`.
    """

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self._epoch = clock.now()
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return (self.clock.now() - self._epoch).total_seconds()

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        # Rounded up: the clock counts whole microseconds, and a wait must end.
        self.clock.advance(timedelta(microseconds=math.ceil(seconds * 1_000_000)))
        await asyncio.sleep(0)
