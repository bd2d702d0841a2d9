"""The webhook: an update is stored before Telegram gets its 200; the secret is checked on every request.

aiogram's own handler answers 200 before handling (`handle_in_background`), so an update whose handler
dies with the process is gone. Here Telegram hears 200 only after the commit; a request cut short is
answered with nothing, and Telegram sends the update again.
"""
from __future__ import annotations

import hmac
import logging
from json import JSONDecodeError

from aiohttp import web

from bot.inbox.feeder import InboxFeeder

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Requests in flight only store their update: a short wait lets them finish on shutdown.
WEBHOOK_SHUTDOWN_SECONDS = 5.0


class WebhookReceiver:
    def __init__(self, feeder: InboxFeeder, secret: str) -> None:
        self._feeder = feeder
        self._secret = secret.encode()

    async def __call__(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=401, text="Unauthorized")
        try:
            update = await request.json()
        except (JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="not JSON")
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.Response(status=400, text="not an update")
        await self._feeder.keep([update])  # a failure answers 500: Telegram sends it again
        return web.Response(status=200)
