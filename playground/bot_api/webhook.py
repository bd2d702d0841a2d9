"""The webhook: pending updates posted to the bot one at a time, oldest first, each until it is answered 200.

Behind a load balancer (`balance`), as replicas of the bot are run: each update goes to the next replica in turn,
and one that does not answer 200 (down, refusing, timing out) is sent to the next replica at once, round the
replicas until one answers 200, as Telegram (which sends again) and a load balancer (which skips a dead backend)
do together. Which replica took each update is kept (`answered_by`).
"""
from __future__ import annotations

import asyncio

import aiohttp

from playground.bot_api.updates import UpdateQueue
from playground.bot_api.waiting import Signal

# How long an update's POST may take, and the pause before it is sent again.
WEBHOOK_TIMEOUT_SECONDS = 10.0
WEBHOOK_RETRY_SECONDS = 0.2


class Webhook:
    def __init__(self, updates: UpdateQueue, activity: Signal) -> None:
        self._updates = updates
        # Fired after every attempt, so a test can wait for one.
        self._activity = activity
        self.url = ""
        self.secret: str | None = None
        # Every POST of an update to the webhook, as (update_id, status or None when the connection failed).
        self.attempts: list[tuple[int, int | None]] = []
        # Behind a load balancer: the replicas' webhook addresses, posted to in turn instead of `url`.
        self.backends: list[str] = []
        self._next_backend = 0
        # update_id -> the address that answered it 200.
        self.answered_by: dict[int, str] = {}
        self._pusher: asyncio.Task[None] | None = None

    def set(self, url: str, secret: str | None) -> None:
        self.url, self.secret = url, secret
        if self.url and self._pusher is None:
            self._pusher = asyncio.ensure_future(self._push())

    def balance(self, backends: list[str]) -> None:
        """Post to these replicas in turn (a load balancer's round robin) rather than to the address set last."""
        self.backends = list(backends)

    def delete(self) -> None:
        self.url = ""
        self.stop()

    def stop(self) -> None:
        if self._pusher is not None:
            self._pusher.cancel()
            self._pusher = None

    async def _push(self) -> None:
        updates = self._updates
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WEBHOOK_TIMEOUT_SECONDS)) as http:
            while self.url and not updates.closed:
                batch = updates.take(1)
                if not batch:
                    await updates.signal.wait_until(
                        lambda: updates.closed or not self.url or updates.ready(), WEBHOOK_TIMEOUT_SECONDS,
                    )
                    continue
                update = batch[0]
                headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret} if self.secret else {}
                for target in self._targets():
                    status: int | None = None
                    try:
                        async with http.post(target, json=update, headers=headers) as answer:
                            status = answer.status
                    except (aiohttp.ClientError, TimeoutError):
                        status = None
                    self.attempts.append((update["update_id"], status))
                    self._activity.fire()
                    if status == 200:
                        self.answered_by[update["update_id"]] = target
                        updates.delivered_updates.append(update)
                        updates.confirm_one(update["update_id"])
                        break
                else:
                    updates.send_again_first(update)  # sent again, first, after a pause
                    await asyncio.sleep(WEBHOOK_RETRY_SECONDS)

    def _targets(self) -> list[str]:
        """Where one update is tried: the address set, or every replica once, starting with the next in turn."""
        if not self.backends:
            return [self.url]
        first = self._next_backend % len(self.backends)
        self._next_backend += 1
        return self.backends[first:] + self.backends[:first]
