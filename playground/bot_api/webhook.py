"""The webhook: pending updates posted to the bot one at a time, oldest first, each until it is answered 200."""
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
        self._pusher: asyncio.Task[None] | None = None

    def set(self, url: str, secret: str | None) -> None:
        self.url, self.secret = url, secret
        if self.url and self._pusher is None:
            self._pusher = asyncio.ensure_future(self._push())

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
                status: int | None = None
                try:
                    async with http.post(self.url, json=update, headers=headers) as answer:
                        status = answer.status
                except (aiohttp.ClientError, TimeoutError):
                    status = None
                self.attempts.append((update["update_id"], status))
                self._activity.fire()
                if status == 200:
                    updates.delivered_updates.append(update)
                    updates.confirm_one(update["update_id"])
                else:
                    updates.send_again_first(update)  # sent again, first, after a pause
                    await asyncio.sleep(WEBHOOK_RETRY_SECONDS)
