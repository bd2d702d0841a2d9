"""Delivery's limits keep every sliding second within Telegram's, however late the loop wakes and the answers come.

The budgets are driven through virtual time: each message is let go when its
places are free, reaches "Telegram" at some moment before its answer (which
comes after a random delay), and a loop that sleeps wakes late by a random
amount. Telegram's side is then checked the way the local Bot API server
counts: every sliding second per bot and per chat, every sliding minute per
group. The Redis budget runs the same checks, as two replicas sharing it, when
REDIS_URL is set.
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.delivery.limits import Budget, LocalBudget, RedisBudget, SendLimits
from tests.support.databases import redis_url

GROUP = -100_500


class VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def budgets(kind: str, clock: VirtualTime, replicas: int) -> list[Budget]:
    if kind == "local":
        shared = LocalBudget(clock)
        return [shared] * replicas
    url = redis_url()
    if url is None:
        pytest.skip("REDIS_URL is not set")
    from redis.asyncio import Redis

    namespace = f"test-limits-{uuid.uuid4().hex}"
    return [RedisBudget(Redis.from_url(url), namespace, clock=clock) for _ in range(replicas)]


@dataclass(order=True)
class Event:
    at: float
    order: int
    act: Callable[[], object] = field(compare=False)


@dataclass
class Arrival:
    chat: int
    at: float  # when Telegram counted it: after the request left, before the answer came


async def deliver(
    limits: list[SendLimits],
    clock: VirtualTime,
    chats: list[int],
    *,
    answer_after: Callable[[], float],
    lateness: Callable[[], float],
) -> list[Arrival]:
    """Send to `chats` in order, message n from replica n % replicas, as SendLimits waits and Delivery sends."""
    events: list[Event] = []
    order = itertools.count()
    arrivals: list[Arrival] = []
    chance = random.Random(len(chats))

    def at(moment: float, act: Callable[[], object]) -> None:
        heapq.heappush(events, Event(moment, next(order), act))

    class Replica:
        def __init__(self, sends: SendLimits) -> None:
            self.sends = sends
            self.ready: deque[int] = deque()
            self.asking = False

        def wake(self) -> None:
            if not self.asking:
                self.asking = True
                at(clock.now, self.ask)

        async def ask(self) -> None:
            """The one asker of a replica: takes turns in order until the bot's window is full."""
            while self.ready:
                chat = self.ready.popleft()
                windows, token = self.sends.windows(chat), uuid.uuid4().hex
                verdict = await self.sends.budget.take(windows, token)
                if not verdict.wait:
                    answered = clock.now + answer_after()
                    arrivals.append(Arrival(chat, clock.now + chance.random() * (answered - clock.now)))
                    at(answered, partial(self.sends.budget.give_back, windows, token))
                elif verdict.for_chat:
                    at(clock.now + verdict.wait + lateness(), partial(self.again, chat))
                else:
                    self.ready.appendleft(chat)
                    at(clock.now + verdict.wait + lateness(), self.ask)
                    return
            self.asking = False

        def again(self, chat: int) -> None:
            self.ready.append(chat)
            self.wake()

    replicas = [Replica(sends) for sends in limits]
    for n, chat in enumerate(chats):
        replicas[n % len(replicas)].ready.append(chat)
    for replica in replicas:
        replica.wake()
    while events:
        event = heapq.heappop(events)
        clock.now = max(clock.now, event.at)
        outcome = event.act()
        if asyncio.iscoroutine(outcome):
            await outcome
    return arrivals


def busiest(moments: list[float], seconds: float) -> int:
    """The most arrivals in any sliding window, counted as Telegram does: (t - seconds, t].

    A nanosecond's grace for the rounding of virtual time (t + 1.0 - 1.0 need not be t).
    """
    moments = sorted(moments)
    first, most = 0, 0
    for last, moment in enumerate(moments):
        while moments[first] <= moment - seconds + 1e-9:
            first += 1
        most = max(most, last - first + 1)
    return most


def limits_for(budget: Budget, rate: int = 30, per_chat: float = 1.0, group: int = 20) -> SendLimits:
    return SendLimits(budget, sleeper=None, per_second=rate, per_chat_seconds=per_chat, group_per_minute=group)  # type: ignore[arg-type]  # budgets only, never sleeps


def check(arrivals: list[Arrival], rate: int, per_chat: float = 1.0, group: int = 20) -> None:
    assert busiest([a.at for a in arrivals], 1.0) <= rate
    for chat in {a.chat for a in arrivals}:
        assert busiest([a.at for a in arrivals if a.chat == chat], per_chat) <= 1
    assert busiest([a.at for a in arrivals if a.chat < 0], 60.0) <= group


@pytest.mark.parametrize("kind", ["local", "redis"])
@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    rate=st.sampled_from([1, 5, 30]),
    replicas=st.sampled_from([1, 2]),
    slowest_answer=st.floats(min_value=0, max_value=0.4),
    latest_wake=st.floats(min_value=0, max_value=0.05),
)
def test_no_sliding_second_ever_holds_more_than_the_limit(kind, seed, rate, replicas, slowest_answer, latest_wake):
    chance = random.Random(seed)
    # Most to private chats, some to one group, a few chats written to again and again.
    chats = [chance.choice([GROUP, 7, 8, *range(100, 160)]) for _ in range(150)]

    async def run() -> list[Arrival]:
        clock = VirtualTime()
        shared = budgets(kind, clock, replicas)
        try:
            return await deliver(
                [limits_for(budget, rate) for budget in shared],
                clock,
                chats,
                answer_after=lambda: chance.random() * slowest_answer,
                lateness=lambda: chance.random() * latest_wake,
            )
        finally:
            for budget in set(shared):
                await budget.close()

    arrivals = asyncio.run(run())

    assert len(arrivals) == len(chats)
    check(arrivals, rate)


@pytest.mark.parametrize("kind", ["local", "redis"])
@pytest.mark.parametrize("replicas", [1, 2])
async def test_a_late_loop_catches_up_and_the_limit_is_used_to_the_full(kind, replicas):
    clock = VirtualTime()
    shared = budgets(kind, clock, replicas)
    chance = random.Random(1)
    try:
        arrivals = await deliver(
            [limits_for(budget) for budget in shared],
            clock,
            list(range(1000, 1600)),
            answer_after=lambda: 0.002 + chance.random() * 0.006,  # 2–8 ms, as from the local server
            lateness=lambda: chance.random() * 0.02,  # a busy machine: up to 20 ms late on every wake-up
        )
    finally:
        for budget in set(shared):
            await budget.close()

    moments = sorted(a.at for a in arrivals)
    check(arrivals, 30)
    assert (len(moments) - 1) / (moments[-1] - moments[0]) >= 0.97 * 30


@pytest.mark.parametrize("kind", ["local", "redis"])
async def test_a_group_gets_twenty_a_minute_and_a_chat_one_a_second(kind):
    clock = VirtualTime()
    [budget] = budgets(kind, clock, 1)
    try:
        arrivals = await deliver(
            [limits_for(budget)], clock, [GROUP] * 25 + [7] * 3, answer_after=lambda: 0.0, lateness=lambda: 0.0
        )
    finally:
        await budget.close()

    to_group = sorted(a.at for a in arrivals if a.chat == GROUP)
    to_chat = sorted(a.at for a in arrivals if a.chat == 7)
    assert busiest(to_group, 60.0) == 20
    assert to_group[20] >= to_group[0] + 60  # the 21st waits for the first to leave the minute
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(to_group[:20]))
    assert [round(moment, 6) for moment in to_chat] == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("kind", ["local", "redis"])
async def test_after_a_429_no_replica_sends_until_the_pause_is_over(kind):
    clock = VirtualTime()
    first, second = budgets(kind, clock, 2)
    try:
        await first.pause(7)
        paused = await second.take(limits_for(second).windows(1), "a")
        clock.now = 7.0
        after = await second.take(limits_for(second).windows(1), "b")
    finally:
        for budget in {first, second}:
            await budget.close()

    assert (round(paused.wait, 6), paused.for_chat) == (7.0, False)
    assert after.wait == 0


@pytest.mark.parametrize("kind", ["local", "redis"])
async def test_a_message_still_in_flight_holds_its_place_until_answered_and_a_second_beyond(kind):
    clock = VirtualTime()
    [budget] = budgets(kind, clock, 1)
    one_a_second = SendLimits(budget, sleeper=None, per_second=1, per_chat_seconds=0, group_per_minute=20)
    try:
        assert (await budget.take(one_a_second.windows(1), "first")).wait == 0
        clock.now = 5.0  # no answer yet: Telegram may count it any moment now
        in_flight = await budget.take(one_a_second.windows(2), "second")
        await budget.give_back(one_a_second.windows(1), "first")
        clock.now = 5.9
        soon = await budget.take(one_a_second.windows(2), "second")
        clock.now = 6.0
        free = await budget.take(one_a_second.windows(2), "second")
    finally:
        await budget.close()

    assert 0 < in_flight.wait < 0.1  # looked at again shortly, not in a second
    assert round(soon.wait, 6) == 0.1
    assert free.wait == 0


async def test_turns_wait_with_the_sleeper_and_the_places_come_back_after_the_send():
    clock = VirtualTime()

    class Sleeper:
        def monotonic(self) -> float:
            return clock.now

        async def sleep(self, seconds: float) -> None:
            clock.now += seconds + 0.004  # always a little late

    limits = SendLimits(LocalBudget(clock), Sleeper(), per_second=30, per_chat_seconds=1, group_per_minute=20)
    sent = []
    for _ in range(3):
        async with limits.turn(7):
            sent.append(clock.now)
            clock.now += 0.010  # the answer takes 10 ms

    assert [round(moment, 3) for moment in sent] == [0.0, 1.014, 2.028]
