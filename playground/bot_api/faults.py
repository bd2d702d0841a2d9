"""What goes wrong on Telegram's side, on a test's order: injected errors, slow answers, blocked chats, rate limits."""
from __future__ import annotations

import asyncio
import math
import time
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from playground.bot_api.records import (
    BLOCKED_DESCRIPTION,
    POLLING_CONFLICT_DESCRIPTION,
    ApiError,
    too_many_requests,
)

# Methods that put a new message into a chat: the ones Telegram rate-limits.
MESSAGE_SENDING_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendAudio", "sendVideo",
    "sendAnimation", "sendInvoice", "copyMessage", "forwardMessage", "sendContact",
    "sendLocation",
})
# Methods that fail with 403 once the user has blocked the bot.
CHAT_DELIVERY_METHODS = MESSAGE_SENDING_METHODS | {
    "editMessageText", "editMessageCaption", "editMessageReplyMarkup", "sendChatAction",
}


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None
    times: int


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


class Faults:
    def __init__(self) -> None:
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._delays: dict[str, deque[float]] = defaultdict(deque)
        self._holds: dict[str, asyncio.Event] = {}
        # Calls waiting on a hold, per method.
        self.on_hold: dict[str, int] = defaultdict(int)
        self.blocked_chats: set[int] = set()
        self._limits: tuple[int | None, int | None] | None = None
        self._global_window: deque[float] = deque()
        self._chat_windows: dict[int, deque[float]] = defaultdict(deque)

    def fail_next(self, method: str, status: int, retry_after: int, times: int, description: str | None) -> None:
        """Answer the next `times` calls of `method` (Telegram's spelling) with an error."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                403: BLOCKED_DESCRIPTION,
                409: POLLING_CONFLICT_DESCRIPTION,
                401: "Unauthorized",
                400: "Bad Request: injected failure",
            }.get(status, _status_phrase(status))
        self._faults[method].append(_Fault(status, description, retry_after if status == 429 else None, times))

    def delay_next(self, method: str, seconds: float, times: int) -> None:
        self._delays[method].extend([seconds] * times)

    def cancel_delays(self) -> None:
        self._delays.clear()

    def hold(self, method: str) -> None:
        """Calls of `method` wait until `release`: Telegram slow for as long as a test needs."""
        self._holds.setdefault(method, asyncio.Event())

    def release(self, method: str) -> None:
        held = self._holds.pop(method, None)
        if held is not None:
            held.set()

    def enforce_limits(self, global_per_second: int | None, per_chat_per_second: int | None) -> None:
        """Answer 429 when message sends exceed these limits (sliding 1-second windows)."""
        self._limits = (global_per_second, per_chat_per_second)
        self._global_window.clear()
        self._chat_windows.clear()

    async def before(self, method: str, params: Mapping[str, Any]) -> None:
        """Before a call is handled: wait if it is to be slow, raise the error it is to meet."""
        delays = self._delays.get(method)
        if delays:
            await asyncio.sleep(delays.popleft())
        held = self._holds.get(method)
        if held is not None:
            self.on_hold[method] += 1
            try:
                await held.wait()
            finally:
                self.on_hold[method] -= 1
        faults = self._faults.get(method)
        if faults:
            fault = faults[0]
            fault.times -= 1
            if fault.times <= 0:
                faults.popleft()
            raise ApiError(fault.status, fault.description, retry_after=fault.retry_after)
        chat_id = params.get("chat_id")
        if method in CHAT_DELIVERY_METHODS and isinstance(chat_id, int) and chat_id in self.blocked_chats:
            raise ApiError(403, BLOCKED_DESCRIPTION)
        if method in MESSAGE_SENDING_METHODS and isinstance(chat_id, int):
            self._check_limits(chat_id)

    def sent(self, method: str, params: Mapping[str, Any]) -> None:
        """A call was handled: a message sent counts in the limits' windows."""
        chat_id = params.get("chat_id")
        if self._limits is not None and method in MESSAGE_SENDING_METHODS and isinstance(chat_id, int):
            now = time.monotonic()
            self._global_window.append(now)
            self._chat_windows[chat_id].append(now)

    def _check_limits(self, chat_id: int) -> None:
        if self._limits is None:
            return
        now = time.monotonic()
        global_limit, chat_limit = self._limits
        windows = [(self._global_window, global_limit), (self._chat_windows[chat_id], chat_limit)]
        for window, limit in windows:
            while window and window[0] <= now - 1.0:
                window.popleft()
            if limit is not None and len(window) >= limit:
                raise too_many_requests(max(1, math.ceil(window[0] + 1.0 - now)))
