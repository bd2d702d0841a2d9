"""Knows who wrote: registers newcomers and hands handlers `user`."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from core.clock import Clock
from core.usecases.users import Newcomer, register_or_refresh


class CurrentUser(BaseMiddleware):
    def __init__(self, clock: Clock, *, default_locale: str, default_timezone: str) -> None:
        self._clock = clock
        self._default_locale = default_locale
        self._default_timezone = default_timezone

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        sender: TelegramUser | None = data.get("event_from_user")
        if sender is not None and not sender.is_bot:
            user, is_new = await register_or_refresh(
                data["uow"],
                self._clock,
                Newcomer(sender.id, sender.first_name, sender.language_code),
                default_locale=self._default_locale,
                default_timezone=self._default_timezone,
            )
            data["user"] = user
            data["is_new_user"] = is_new
        return await handler(event, data)
