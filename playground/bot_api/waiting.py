"""Waiting for something the server will do: one signal, many waiters, each re-checking its own condition."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


class Signal:
    """Wakes every current waiter at once; waiters re-check their condition.

    A fresh Event per generation avoids the clear()/wait() race of a shared Event.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, condition: Callable[[], Any], timeout: float) -> Any:
        """The condition's first truthy outcome, or its last outcome once the timeout passed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout, 0.0)
        while True:
            event = self._event
            outcome = condition()
            if outcome:
                return outcome
            remaining = deadline - loop.time()
            if remaining <= 0:
                return outcome
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass
