"""The shape of the router tree: which kind of handler sees a message first.

`bot/app.py` builds three layers from these pieces: commands and main-menu
buttons (in any state), then the flows' buttons and steps, then the fallbacks.
A step never sees a command or a menu button, so it needs no check of its own.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, F, Router
from aiogram.filters import Filter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.i18n import I18n

from bot.conversation import end
from bot.menus import MENU_ROWS


class MenuButton(Filter):
    """A main-menu button, in any language the bot speaks (an old keyboard or another language's counts too).

    `F.text == BUTTON_FIND` is that button; `MenuButton()` is any of them.
    """

    def __init__(self, *labels: object) -> None:
        self.labels = labels or tuple(label for rows in MENU_ROWS.values() for row in rows for label in row)

    async def __call__(self, message: Message, i18n: I18n) -> bool:
        if message.text is None:
            return False
        with i18n.context():
            for locale in i18n.available_locales:
                with i18n.use_locale(locale):
                    if any(message.text == str(label) for label in self.labels):
                        return True
        return False


# A command: the text of a message, or the caption of a photo or a file, as aiogram's Command reads them.
COMMAND = F.text.startswith("/") | F.caption.startswith("/")


class OnMessage(Filter):
    """A button on a message the bot can still reach: its handler gets that message as `message`.

    One on a message Telegram no longer hands over (deleted, or too old) goes on to the stale-button answer.
    """

    async def __call__(self, query: CallbackQuery) -> bool | dict[str, Any]:
        if isinstance(query.message, Message):
            return {"message": query.message}
        return False


def layer(name: str, *routers: Router) -> Router:
    parent = Router(name=name)
    parent.include_routers(*routers)
    return parent


def flows_layer(*routers: Router) -> Router:
    """The flows' buttons and stateful steps, after the commands; every button here is on a message at hand."""
    parent = layer("flows", *routers)
    parent.callback_query.filter(OnMessage())
    return parent


def commands_layer(*routers: Router, ends_steps: tuple[type[StatesGroup], ...] = ()) -> Router:
    """Commands and main-menu buttons, whatever step a conversation is in; an unknown command stops here too.

    A step of `ends_steps` is over once someone leaves it for a command or a menu button; other steps wait.
    """
    parent = layer("commands", *routers)
    parent.message.filter(or_f(COMMAND, MenuButton()))
    if ends_steps:
        parent.message.middleware(EndsSteps(*ends_steps))
    return parent


class EndsSteps(BaseMiddleware):
    """Clears a step of these groups before a command or a menu button is handled."""

    def __init__(self, *groups: type[StatesGroup]) -> None:
        self.groups = groups

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        state: FSMContext | None = data.get("state")
        if state is not None:
            current = await state.get_state()
            if current is not None and any(current in group for group in self.groups):
                await end(state)
        return await handler(event, data)
