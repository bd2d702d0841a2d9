"""A handler's own answer that meets Telegram's limits is sent anyway, within bounds.

A request middleware on the Bot API session: a 429 is waited out (`retry_after`), a 5xx or a
network error (a timeout among them) is tried again after a growing pause, a few times in all.
What still fails is logged with its chat and raised to the handler, as before.

Only the replying bot's requests: the courier sends through a Bot of its own (the same session),
since delivery keeps Telegram's limits and its retries itself and must not wait twice; polling's
`getUpdates` has aiogram's own backoff. The wait holds the update's transaction, so it is short:
a longer `retry_after` is not waited for at all.

A button's press is answered once: an update handled again (SQLite refused its first write, PostgreSQL
chose it in a deadlock, or a crash came after the answer) answers a query Telegram has closed already.
Telegram refuses that answer (as it does one too late); the press was answered, or can no longer be, and the
apology would go the same way: it is logged, not raised.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)

ATTEMPTS = 4
FIRST_PAUSE_SECONDS = 1.0  # then 2 s, then 4 s
LONGEST_WAIT_SECONDS = 10.0

Sleep = Callable[[float], Awaitable[None]]


class ReplyRetries(BaseRequestMiddleware):
    def __init__(
        self,
        replying: Bot,
        sleep: Sleep,
        *,
        attempts: int = ATTEMPTS,
        first_pause: float = FIRST_PAUSE_SECONDS,
        longest_wait: float = LONGEST_WAIT_SECONDS,
    ) -> None:
        self._replying = replying
        self._sleep = sleep
        self._attempts = attempts
        self._first_pause = first_pause
        self._longest_wait = longest_wait

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        # Polling's own getUpdates (the inbox asks it raw, in a class of its own) waits in its loop instead.
        if bot is not self._replying or method.__api_method__ == "getUpdates":
            return await make_request(bot, method)
        for attempt in range(1, self._attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramBadRequest as error:
                if not (isinstance(method, AnswerCallbackQuery) and _answered_already(error)):
                    raise
                log.info("%s to %s: answered already (%s)", method.__api_method__, _chat(method), error.message)
                return cast(Response[TelegramType], Response[bool](ok=True, result=True))
            except (TelegramRetryAfter, TelegramServerError, TelegramNetworkError) as error:
                wait = self._pause(error, attempt)
                if wait is None:
                    log.error(
                        "%s to %s failed after %d attempt(s): %s", method.__api_method__, _chat(method), attempt, error
                    )
                    raise
                log.warning("%s to %s: %s; trying again in %.1f s", method.__api_method__, _chat(method), error, wait)
            await self._sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _pause(self, error: Exception, attempt: int) -> float | None:
        """How long to wait before the next attempt; None: give up."""
        if attempt == self._attempts:
            return None
        if isinstance(error, TelegramRetryAfter):
            return float(error.retry_after) if error.retry_after <= self._longest_wait else None
        return self._first_pause * 2 ** (attempt - 1)


def _answered_already(error: TelegramBadRequest) -> bool:
    text = error.message.lower()
    return "query is too old" in text or "query id is invalid" in text


def _chat(method: TelegramMethod[Any]) -> str:
    """Whom the request was for: a chat, a person, or the callback or payment query it answers."""
    for name, label in (
        ("chat_id", "chat"),
        ("user_id", "user"),
        ("callback_query_id", "callback query"),
        ("pre_checkout_query_id", "pre-checkout query"),
    ):
        if (value := getattr(method, name, None)) is not None:
            return f"{label} {value}"
    return "the bot itself"
