"""A Bot API session that answers every call itself and keeps them in order.

Bot-level tests run the production dispatcher with this session instead of
the network; they read what the bot sent from `calls`.
"""
from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import (
    CopyMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    ForwardMessage,
    GetMe,
    SendDocument,
    SendInvoice,
    SendMessage,
    SendPhoto,
    SendVoice,
    TelegramMethod,
)
from aiogram.types import Chat, InlineKeyboardMarkup, Invoice, Message, MessageId, User

SENDING = (SendMessage, SendPhoto, SendDocument, SendVoice, SendInvoice, CopyMessage, ForwardMessage)
BOT_USER = User(id=42, is_bot=True, first_name="Therapy", username="therapy_test_bot")


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self.results: list[Any] = []
        self._message_ids = itertools.count(1000)
        self._blocked: set[int] = set()
        self._failures: list[tuple[type, Callable[[TelegramMethod[Any]], Exception]]] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        for index, (method_type, failure) in enumerate(self._failures):
            if isinstance(method, method_type):
                del self._failures[index]
                raise failure(method)
        chat_id = getattr(method, "chat_id", None)
        if isinstance(method, SENDING) and chat_id in self._blocked:
            # Narrowed to seven methods, `method` has no single result type for the error to take.
            refused: TelegramMethod[Any] = method
            raise TelegramForbiddenError(method=refused, message="Forbidden: bot was blocked by the user")
        result = self._answer(method)
        self.calls.append(method)
        self.results.append(result)
        return result

    def block(self, chat_id: int) -> None:
        self._blocked.add(chat_id)

    def fail_next(self, method_type: type, failure: Callable[[TelegramMethod[Any]], Exception]) -> None:
        self._failures.append((method_type, failure))

    async def close(self) -> None:
        """Nothing to close: no connection was ever opened."""

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""

    def _answer(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, (CopyMessage, ForwardMessage)) and method.__returning__ is MessageId:
            return MessageId(message_id=next(self._message_ids))
        if isinstance(method, (*SENDING, EditMessageText, EditMessageReplyMarkup)):
            return self._message(method)
        return True

    def _message(self, method: TelegramMethod[Any]) -> Message:
        markup = getattr(method, "reply_markup", None)
        invoice = None
        if isinstance(method, SendInvoice):
            invoice = Invoice(
                title=method.title,
                description=method.description,
                start_parameter="",
                currency=method.currency,
                total_amount=sum(price.amount for price in method.prices),
            )
        message_id = getattr(method, "message_id", None) or next(self._message_ids)
        return Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=Chat(id=int(getattr(method, "chat_id", 0) or 0), type="private"),
            from_user=BOT_USER,
            text=getattr(method, "text", None),
            caption=getattr(method, "caption", None),
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            invoice=invoice,
        )
