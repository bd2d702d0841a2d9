"""Every button press is answered once: by its handler's `callback_answer`, after the handler returned."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.dispatcher.flags import get_flag
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware
from aiogram.utils.i18n import gettext as _


class AnswerAfterSuccess(CallbackAnswerMiddleware):
    """aiogram's answer middleware, except that a handler that raised is not answered.

    Telegram takes one answer a query: answered on a failure, the press would never show the errors
    router's apology alert, and an update handled again (a refused write, the inbox's next try) would answer twice.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        answer = data["callback_answer"] = self.construct_callback_answer(properties=get_flag(data, "callback_answer"))
        if answer.answered and not answer.disabled:
            await self.answer(event, answer)  # the handler's flag asks for it before the handler's work
        result = await handler(event, data)
        if not answer.answered and not answer.disabled:
            await self.answer(event, answer)
        return result


def alert(answer: CallbackAnswer, text: str) -> None:
    """Answer the press with a box the person must close: a refusal, or news they should not miss."""
    answer.text = text
    answer.show_alert = True


def out_of_date_text() -> str:
    return _("This button is out of date. Please pick again.")


def out_of_date(answer: CallbackAnswer) -> None:
    """The refusal of a press on a choice that no longer holds (taken, changed or gone meanwhile)."""
    alert(answer, out_of_date_text())


async def out_of_date_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    """The handler of a button whose press is no longer asked for (its action now goes another way)."""
    out_of_date(callback_answer)


async def refuse(event: TelegramObject, data: dict[str, Any], text: str) -> None:
    """A gate's refusal: the press's alert (its one answer, given after the gate), or a reply to a message."""
    if isinstance(event, CallbackQuery):
        alert(data["callback_answer"], text)
    elif isinstance(event, Message):
        await event.answer(text)
