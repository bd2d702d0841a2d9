"""Delivery's own limits keep every sliding second within Telegram's, however late the event loop wakes."""
from __future__ import annotations

import asyncio
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.delivery.limits import SendLimits


class LateSleeper:
    """Virtual time; each sleep wakes later than asked, by the next of the given delays (a busy loop)."""

    def __init__(self, lateness: list[float] | None = None) -> None:
        self.now = 0.0
        self._lateness = list(lateness or [])

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + (self._lateness.pop(0) if self._lateness else 0.0)
        await asyncio.sleep(0)


async def turns(limits: SendLimits, sleeper: LateSleeper, chats: list[int]) -> list[float]:
    """When each turn was granted, one sender after another (as one lane per chat would queue)."""
    granted = []
    for chat in chats:
        await limits.wait_turn(chat)
        granted.append(sleeper.now)
    return granted


def busiest_second(moments: list[float]) -> int:
    """The most turns in any sliding second, counted as Telegram does: (t - 1 s, t]."""
    return max(sum(1 for other in moments if moment - 1.0 < other <= moment) for moment in moments)


async def test_sends_are_spaced_within_the_overall_limit_and_keep_its_pace():
    sleeper = LateSleeper()
    granted = await turns(SendLimits(30, 1, sleeper), sleeper, list(range(300)))

    assert busiest_second(granted) == 30
    assert 299 / granted[-1] > 0.97 * 30


async def test_a_late_event_loop_slows_sending_down_rather_than_bunching_it():
    sleeper = LateSleeper([0.005] * 300)
    granted = await turns(SendLimits(30, 1, sleeper), sleeper, list(range(300)))

    assert busiest_second(granted) <= 26
    assert min(later - earlier for earlier, later in pairwise(granted)) >= 1.03 / 30


@settings(max_examples=60, deadline=None)
@given(
    rate=st.sampled_from([1, 5, 20, 30]),
    lateness=st.lists(st.floats(min_value=0, max_value=0.05), min_size=50, max_size=50),
)
def test_no_second_ever_holds_more_than_the_limit(rate, lateness):
    sleeper = LateSleeper(lateness)
    granted = asyncio.run(turns(SendLimits(rate, 0, sleeper), sleeper, list(range(120))))

    assert busiest_second(granted) <= rate
    # And 30 ms of network jitter still cannot push a second over it.
    assert all(later - earlier >= 1.03 - 1e-9 for earlier, later in zip(granted, granted[rate:], strict=False))


async def test_one_chat_gets_a_message_a_second_at_most():
    sleeper = LateSleeper()
    granted = await turns(SendLimits(30, 1, sleeper), sleeper, [7, 7, 7, 8])

    assert [round(moment, 2) for moment in granted] == [0.0, 1.03, 2.06, 2.09]


async def test_after_a_429_nobody_sends_until_the_pause_is_over():
    sleeper = LateSleeper()
    limits = SendLimits(30, 1, sleeper)
    await limits.wait_turn(1)
    limits.pause(7)

    granted = await turns(limits, sleeper, [2, 3])

    assert granted[0] >= 7 and granted[1] > granted[0]
