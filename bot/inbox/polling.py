"""Long polling that asks for the next offset only once the batch it got is stored.

aiogram's own polling moves the offset as soon as it starts handling a batch; an update whose handler
dies with the process is gone for good. Here the batch is committed to the inbox first.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import TelegramMethod
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.inbox.feeder import InboxFeeder

log = logging.getLogger(__name__)

POLL_SECONDS = 10
BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


class AnotherPoller(Exception):
    """Telegram answered 409 Conflict: another process polls this bot, or a webhook is set for it."""


class RawGetUpdates(TelegramMethod[list[dict[str, Any]]]):
    """getUpdates answered as plain JSON objects: the inbox keeps an update exactly as Telegram sent it."""

    __returning__ = list[dict[str, Any]]
    __api_method__ = "getUpdates"

    offset: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


async def poll(bot: Bot, feeder: InboxFeeder, stop: asyncio.Event, allowed_updates: list[str]) -> None:
    request = RawGetUpdates(timeout=POLL_SECONDS, allowed_updates=allowed_updates)
    request_timeout = int((bot.session.timeout or 0) + POLL_SECONDS)
    backoff = Backoff(config=BACKOFF)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        while not stop.is_set():
            fetch = asyncio.ensure_future(bot(request, request_timeout=request_timeout))
            await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if not fetch.done():
                fetch.cancel()  # unconfirmed: Telegram hands the same updates to the next start
                break
            try:
                batch = fetch.result()
                await feeder.keep(batch)
            except TelegramConflictError as error:
                # Telegram hands updates to one getUpdates consumer per bot: trying again would only take turns
                # terminating the other's requests.
                raise AnotherPoller(error.message) from None
            except Exception as error:  # the offset stays where it was, so nothing is lost
                log.error("could not fetch or keep updates (%s: %s); trying again", type(error).__name__, error)
                await backoff.asleep()
                continue
            backoff.reset()
            if batch:
                # Only now: the next getUpdates confirms this batch to Telegram.
                request.offset = int(batch[-1]["update_id"]) + 1
    finally:
        stopped.cancel()
