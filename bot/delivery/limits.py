"""Telegram's sending limits, kept on our side so that Telegram never has to say 429.

About 30 messages a second overall and one a second per chat (both are
settings). Sends are spaced, not burst: Telegram counts over any sliding
second, so a bucket that lets 30 go at once and then 30 more a second later
would already be over.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol

# Turns are spaced 3 % wider than the limit, which leaves 30 ms of every
# second for jitter: Telegram counts a message when it arrives, we when we
# send it. Lateness is never made up: a busy event loop slows sending down
# rather than bunching messages into one second (measured on a loaded
# machine: making up even 5 ms of it brought 429s).
HEADROOM = 1.03
# Past this many chats, forget the ones that may send again anyway.
REMEMBERED_CHATS = 10_000


class Sleeper(Protocol):
    """Waiting, injectable: tests move time instead of waiting for it."""

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealSleeper:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class SendLimits:
    def __init__(self, per_second: float, per_chat_seconds: float, sleeper: Sleeper) -> None:
        self.sleeper = sleeper
        self._gap = HEADROOM / per_second
        self._chat_gap = per_chat_seconds * HEADROOM
        self._next_send = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[int, float] = {}
        # Fair: whoever waited first sends first.
        self._turns = asyncio.Lock()

    async def wait_turn(self, chat_id: int) -> None:
        """Return when a message may go to `chat_id` now; the caller sends it at once."""
        await self._wait_until(lambda: self._chat_next.get(chat_id, 0.0))
        async with self._turns:
            await self._wait_until(lambda: max(self._next_send, self._paused_until))
            now = self.sleeper.monotonic()
            self._next_send = now + self._gap
            self._chat_next[chat_id] = now + self._chat_gap
        if len(self._chat_next) > REMEMBERED_CHATS:
            self._chat_next = {chat: ready for chat, ready in self._chat_next.items() if ready > now}

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends anything until `seconds` have passed."""
        self._paused_until = max(self._paused_until, self.sleeper.monotonic() + seconds)

    async def _wait_until(self, moment: Callable[[], float]) -> None:
        while (delay := moment() - self.sleeper.monotonic()) > 0:
            await self.sleeper.sleep(delay)
