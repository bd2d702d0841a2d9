"""Telegram's sending limits, kept on our side so that Telegram never has to say 429.

About 30 messages a second per bot, one a second per chat, and about 20 a
minute in a group (all settings). Telegram counts over any sliding window, at
the moment a message reaches it, and we cannot see that moment; we only know
it lies between our request and Telegram's answer. So every message holds a
place in each window from the moment it is let go until its answer came back,
and `seconds` beyond that. Then no window on Telegram's side can ever hold more
than the limit, whatever the network and the servers' delays, and no margin
for jitter is needed: a window's places come free exactly when they may.

A window counts, it does not space: a loop that woke late finds the places
free and catches up at once, where even spacing would lose that time for good.

The places live in a budget. Without Redis it is this process's own
(`LocalBudget`); with REDIS_URL every replica draws from one budget in Redis
(`RedisBudget`), so two replicas together stay inside the bot's limit, and a
429 one of them meets pauses them all.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import math
import secrets
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

# A message whose answer never came (its sender died) stops holding its places after this.
LONGEST_FLIGHT = 90.0
# While every place is held by a message still in flight, look again this often.
FLIGHT_POLL = 0.02
# Past this many windows (chats) in a local budget, forget those with nothing left in them.
REMEMBERED_WINDOWS = 10_000


class Sleeper(Protocol):
    """Waiting, injectable: tests move time instead of waiting for it."""

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealSleeper:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True)
class Window:
    """At most `limit` messages in any `seconds`."""

    key: str
    limit: int
    seconds: float


@dataclass(frozen=True)
class Verdict:
    wait: float  # 0: the places are taken for the message; otherwise try again after this many seconds
    for_chat: bool = False  # the chat's own window is full (others may go meanwhile), not the bot's


GRANTED = Verdict(0.0)


class Budget(Protocol):
    async def take(self, windows: Sequence[Window], token: str) -> Verdict:
        """A place in every window for the message `token`, or how long until there may be one."""

    async def give_back(self, windows: Sequence[Window], token: str) -> None:
        """The message's answer came back: its places count `seconds` more, from now."""

    async def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody takes a place until `seconds` have passed."""

    async def close(self) -> None: ...


class LocalBudget:
    """This process's own places; `clock` gives seconds."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._held: dict[str, dict[str, float]] = {}  # window → message → counted until
        self._paused_until = 0.0

    async def take(self, windows: Sequence[Window], token: str) -> Verdict:
        now = self._clock()
        if self._paused_until > now:
            return Verdict(self._paused_until - now)
        verdict = GRANTED
        for index, window in enumerate(windows):
            held = self._held.setdefault(window.key, {})
            for other in [other for other, until in held.items() if until <= now]:
                del held[other]
            if len(held) >= window.limit:
                wait = _wait(min(held.values()) - now, window)
                if wait > verdict.wait:
                    verdict = Verdict(wait, for_chat=index > 0)
        if verdict.wait:
            return verdict
        for window in windows:
            self._held[window.key][token] = now + LONGEST_FLIGHT
        if len(self._held) > REMEMBERED_WINDOWS:
            self._held = {key: held for key, held in self._held.items() if any(until > now for until in held.values())}
        return GRANTED

    async def give_back(self, windows: Sequence[Window], token: str) -> None:
        now = self._clock()
        for window in windows:
            held = self._held.get(window.key)
            if held is not None and token in held:
                held[token] = now + window.seconds

    async def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def close(self) -> None:
        """Nothing to let go of."""


# Every script's first argument is the time: "" for the Redis server's clock, shared by every replica.
_NOW = """
local now = tonumber(ARGV[1])
if not now then
  local clock = redis.call('TIME')
  now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
end
"""

# KEYS: the pause, then a sorted set per window (message → counted until).
# ARGV: now, the message, the longest flight,
# the flight poll, then limit and seconds for each window. Returns the wait and the full window's number.
_TAKE = _NOW + """
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then
  return {tostring(paused - now), '0'}
end
local flight, poll = tonumber(ARGV[3]), tonumber(ARGV[4])
local wait, full = 0, 0
for i = 2, #KEYS do
  local limit, seconds = tonumber(ARGV[3 + 2 * (i - 1)]), tonumber(ARGV[4 + 2 * (i - 1)])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if redis.call('ZCARD', KEYS[i]) >= limit then
    local first = tonumber(redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')[2]) - now
    if first > seconds then first = poll end
    if first > wait then wait, full = first, i - 1 end
  end
end
if wait > 0 then
  return {tostring(wait), tostring(full)}
end
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], now + flight, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], math.ceil((flight + tonumber(ARGV[4 + 2 * (i - 1)])) * 1000))
end
return {'0', '0'}
"""

# KEYS: a sorted set per window. ARGV: now, the message, then seconds for each window.
_GIVE_BACK = _NOW + """
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', now + tonumber(ARGV[2 + i]), ARGV[2])
end
return 1
"""

# KEYS: the pause. ARGV: now, seconds.
_PAUSE = _NOW + """
local until_ = now + tonumber(ARGV[2])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], tostring(until_), 'PX', math.ceil(tonumber(ARGV[2]) * 1000) + 1000)
end
return 1
"""


class RedisBudget:
    """One budget for every replica, in Redis; each step is a script, so replicas never race inside it.

    `namespace` names the bot (its keys share one hash slot, as scripts need on a
    cluster); `clock` is for tests, which move time themselves: without it, time
    is the Redis server's, the one clock all replicas read alike.
    """

    def __init__(self, redis: Redis, namespace: str, clock: Callable[[], float] | None = None) -> None:
        self._redis = redis
        self._namespace = namespace
        self._clock = clock
        self._take = redis.register_script(_TAKE)
        self._give_back = redis.register_script(_GIVE_BACK)
        self._pause = redis.register_script(_PAUSE)

    async def take(self, windows: Sequence[Window], token: str) -> Verdict:
        limits = [value for window in windows for value in (window.limit, window.seconds)]
        wait, full = await self._take(
            keys=[self._key("pause"), *(self._key(window.key) for window in windows)],
            args=[self._now(), token, LONGEST_FLIGHT, FLIGHT_POLL, *limits],
        )
        return Verdict(float(wait), for_chat=int(full) > 1)

    async def give_back(self, windows: Sequence[Window], token: str) -> None:
        await self._give_back(
            keys=[self._key(window.key) for window in windows],
            args=[self._now(), token, *(window.seconds for window in windows)],
        )

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[self._key("pause")], args=[self._now(), seconds])

    async def close(self) -> None:
        await self._redis.aclose()

    def _key(self, name: str) -> str:
        return f"{self._namespace}:{name}"

    def _now(self) -> str:
        return "" if self._clock is None else repr(self._clock())


def _wait(until_free: float, window: Window) -> float:
    # Held longer than a window lasts: its message is still in flight, and frees its place when answered.
    return FLIGHT_POLL if until_free > window.seconds else until_free


class SendLimits:
    """Turns to send, from a budget: the bot's window, the chat's, and a group's minute."""

    def __init__(
        self,
        budget: Budget,
        sleeper: Sleeper,
        *,
        per_second: float,
        per_chat_seconds: float,
        group_per_minute: int,
    ) -> None:
        self.budget = budget
        self.sleeper = sleeper
        # 30 a second is 30 in any second; 0.5 a second is 1 in any 2 seconds.
        limit = max(math.floor(per_second), 1)
        self._bot = Window("bot", limit, limit / per_second)
        self._per_chat_seconds = per_chat_seconds
        self._group_per_minute = group_per_minute
        # A message's places are named for it alone, across replicas and restarts.
        self._tokens = (f"{secrets.token_hex(4)}:{n}" for n in itertools.count())
        # One asker at a time in this process, whoever waited first: it holds the line while the bot's window is full.
        self._turns = asyncio.Lock()

    def windows(self, chat_id: int) -> list[Window]:
        """The bot's window first, then the chat's own. Telegram gives groups negative ids."""
        windows = [self._bot]
        if self._per_chat_seconds > 0:
            windows.append(Window(f"chat:{chat_id}", 1, self._per_chat_seconds))
        if chat_id < 0:
            windows.append(Window(f"group:{chat_id}", self._group_per_minute, 60.0))
        return windows

    @asynccontextmanager
    async def turn(self, chat_id: int) -> AsyncIterator[None]:
        """Send one message to `chat_id` inside this block; its places are given back when the answer is in."""
        windows, token = self.windows(chat_id), next(self._tokens)
        await self._wait_for_places(windows, token)
        try:
            yield
        finally:
            try:
                await self.budget.give_back(windows, token)
            except Exception:
                log.exception("could not give back the places of a sent message; they free themselves in %ss", LONGEST_FLIGHT)

    async def pause(self, seconds: float) -> None:
        await self.budget.pause(seconds)

    async def _wait_for_places(self, windows: Sequence[Window], token: str) -> None:
        while True:
            async with self._turns:
                while not (verdict := await self.budget.take(windows, token)).for_chat:
                    if not verdict.wait:
                        return
                    await self.sleeper.sleep(verdict.wait)
            # The chat's own window is full: wait aside, so that other chats go meanwhile.
            await self.sleeper.sleep(verdict.wait)
