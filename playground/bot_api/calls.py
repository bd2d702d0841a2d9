"""The call log: every request the bot made, once answered, in order, for tests to read and wait for."""
from __future__ import annotations

import time
from collections.abc import Callable

from playground.bot_api.methods import canonical
from playground.bot_api.records import Call, WaitTimeout
from playground.bot_api.waiting import Signal


def _spelled(method: str) -> str:
    """Telegram's spelling of a method name given in any case ("sendmessage" → "sendMessage")."""
    return canonical(method) or method


class CallLog:
    def __init__(self, activity: Signal) -> None:
        self._calls: list[Call] = []
        self._seq = 0
        # Fired on every recorded call (and by the webhook on every attempt): what waiters wake on.
        self.activity = activity
        # Called with every call the bot made, once answered (the demo page follows the chats so).
        self.listeners: list[Callable[[Call], None]] = []

    def record(self, call: Call) -> None:
        call.seq = self._seq
        call.at = time.monotonic()
        self._seq += 1
        self._calls.append(call)
        self.activity.fire()
        for listener in self.listeners:
            listener(call)

    @property
    def count(self) -> int:
        """Sequence number the next recorded call gets; pass it as since= to look only ahead."""
        return self._seq

    def calls(
        self,
        method: str | None = None,
        chat_id: int | str | None = None,
        *,
        ok: bool | None = None,
        since: int = 0,
    ) -> list[Call]:
        method = _spelled(method) if method else None
        return [
            call for call in self._calls
            if (method is None or call.method == method)
            and (chat_id is None or call.chat_id == chat_id)
            and (ok is None or call.ok == ok)
            and call.seq >= since
        ]

    def last_call(self, method: str | None = None, chat_id: int | str | None = None) -> Call:
        found = self.calls(method, chat_id)
        if not found:
            raise LookupError(f"no {method or 'calls'} recorded" + (f" to chat {chat_id}" if chat_id else ""))
        return found[-1]

    def sent_texts(self, chat_id: int, *, since: int = 0) -> list[str]:
        """Texts and captions the bot sent or edited into a chat, in order."""
        texts = []
        for call in self._calls:
            if call.method == "editMessageReplyMarkup":
                continue  # the text did not change
            if call.ok and call.seq >= since and call.message is not None and call.text is not None:
                if call.message["chat"]["id"] == chat_id:
                    texts.append(call.text)
        return texts

    def answered(self, status: int) -> int:
        """How many calls were answered with this error status."""
        return sum(1 for call in self._calls if call.error_code == status)

    async def wait_for(
        self,
        predicate_or_method: str | Callable[[Call], bool],
        chat_id: int | str | None = None,
        timeout: float = 10.0,
        count: int = 1,
        *,
        since: int = 0,
    ) -> list[Call]:
        """Wait until at least `count` recorded calls match; returns all matches.

        A string matches a method name (case-insensitive); a callable gets each Call.
        """
        matches: Callable[[Call], bool]
        if isinstance(predicate_or_method, str):
            method = _spelled(predicate_or_method)

            def matches(call: Call) -> bool:
                return call.method == method

            what = method
        else:
            matches = predicate_or_method
            what = getattr(predicate_or_method, "__name__", "predicate")

        def found() -> list[Call]:
            return [
                call for call in self._calls
                if call.seq >= since and (chat_id is None or call.chat_id == chat_id) and matches(call)
            ]

        def enough() -> list[Call]:
            matched = found()
            return matched if len(matched) >= count else []

        result = await self.activity.wait_until(enough, timeout)
        if not result:
            recent = "\n  ".join(repr(c) for c in self._calls[-15:] if c.method != "getUpdates")
            raise WaitTimeout(
                f"expected {count} call(s) matching {what}"
                + (f" to chat {chat_id}" if chat_id is not None else "")
                + f" within {timeout}s, got {len(found())}. Recent calls:\n  {recent or '(none)'}"
            )
        return result
