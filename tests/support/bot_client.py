"""A scripted Telegram user talking to the production dispatcher.

`send` and `click` feed raw updates, exactly as Telegram would deliver them,
and return what the bot sent in answer.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Protocol

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup

from bot.app import App
from tests.support.present import present
from tests.support.recording_session import RecordingSession

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


@dataclass
class Reply:
    method: TelegramMethod[Any]
    result: Any

    @property
    def text(self) -> str | None:
        return getattr(self.method, "text", None) or getattr(self.method, "caption", None)

    @property
    def markup(self) -> InlineKeyboardMarkup:
        """The message's inline keyboard: a test that reads one fails here when there is none."""
        markup = getattr(self.method, "reply_markup", None)
        assert isinstance(markup, InlineKeyboardMarkup), markup
        return markup

    @property
    def buttons(self) -> list[str]:
        markup = getattr(self.method, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            return [button.text for row in markup.inline_keyboard for button in row]
        if isinstance(markup, ReplyKeyboardMarkup):
            return [button.text for row in markup.keyboard for button in row]
        return []


class BotClient:
    def __init__(
        self, app: App, session: RecordingSession, user_id: int, first_name: str = "Olena", language_code: str = "uk"
    ) -> None:
        self.app = app
        self.session = session
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code

    # -- acting ---------------------------------------------------------
    async def send(self, text: str, **extra: Any) -> list[Reply]:
        message = self._message(text=text, **extra)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self.feed({"message": message})

    async def send_sticker(self) -> list[Reply]:
        sticker = {
            "file_id": "sticker-1", "file_unique_id": "s1", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False,
        }
        return await self.feed({"message": self._message(sticker=sticker)})

    async def click(self, button_text: str, *, in_reply: Reply | None = None) -> list[Reply]:
        source = in_reply or self.last_with_button(button_text)
        for row in source.markup.inline_keyboard:
            for button in row:
                if button.text == button_text:
                    return await self.press(present(button.callback_data), source)
        raise AssertionError(f"no button {button_text!r} in {source.buttons}")

    async def press(self, callback_data: str, source: Reply | None = None) -> list[Reply]:
        """Press a button by its raw data: the way to forge or replay one."""
        message = self._bot_message_dict(source) if source else self._bot_message_dict(None)
        query = {
            "id": str(next(_update_ids)),
            "from": self._from(),
            "chat_instance": f"ci-{self.user_id}",
            "data": callback_data,
            "message": message,
        }
        return await self.feed({"callback_query": query})

    async def feed(self, payload: dict[str, Any], update_id: int | None = None) -> list[Reply]:
        before = len(self.session.calls)
        update = {"update_id": update_id if update_id is not None else next(_update_ids), **payload}
        self.last_update = update
        await self.app.dispatcher.feed_raw_update(self.app.bot, update)
        return [
            Reply(method, result)
            for method, result in zip(self.session.calls[before:], self.session.results[before:], strict=True)
        ]

    # -- reading --------------------------------------------------------
    def replies(self) -> list[Reply]:
        return [
            Reply(method, result)
            for method, result in zip(self.session.calls, self.session.results, strict=True)
            if getattr(method, "chat_id", None) == self.user_id
        ]

    def texts(self) -> list[str]:
        return [reply.text for reply in self.replies() if reply.text]

    def last_with_button(self, button_text: str) -> Reply:
        for reply in reversed(self.replies()):
            if button_text in reply.buttons and isinstance(getattr(reply.method, "reply_markup", None), InlineKeyboardMarkup):
                return reply
        raise AssertionError(f"the bot never showed {self.user_id} a button {button_text!r}")

    @staticmethod
    def alerts(replies: list[Reply]) -> list[str]:
        return [r.method.text for r in replies if isinstance(r.method, AnswerCallbackQuery) and r.method.text]

    @staticmethod
    def texts_of(replies: list[Reply]) -> list[str]:
        return [r.text for r in replies if isinstance(r.method, (SendMessage, EditMessageText)) and r.text]

    # -- building -------------------------------------------------------
    def _from(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(_message_ids),
            "date": int(self.app.clock.now().timestamp()),
            "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name},
            "from": self._from(),
            **content,
        }

    def _bot_message_dict(self, source: Reply | None) -> dict[str, Any]:
        if source is not None and isinstance(source.result, Message):
            return source.result.model_dump(mode="json", by_alias=True, exclude_none=True)
        return {
            "message_id": next(_message_ids),
            "date": int(self.app.clock.now().timestamp()),
            "chat": {"id": self.user_id, "type": "private"},
            "text": "…",
        }


class MakeClient(Protocol):
    """The `make_client` fixture: one more person writing to the test's app."""

    def __call__(self, user_id: int, first_name: str = ..., language_code: str = ...) -> BotClient: ...


class InboxBotClient(BotClient):
    """A client whose updates take the production path: stored in the inbox first, then fed by the feeder."""

    async def feed(self, payload: dict[str, Any], update_id: int | None = None) -> list[Reply]:
        before = len(self.session.calls)
        update = {"update_id": update_id if update_id is not None else next(_update_ids), **payload}
        self.last_update = update
        await self.app.inbox.keep([update])
        assert await self.app.inbox.idle(timeout=30)
        return [
            Reply(method, result)
            for method, result in zip(self.session.calls[before:], self.session.results[before:], strict=True)
        ]
