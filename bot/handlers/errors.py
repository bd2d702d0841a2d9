"""The last line: polite answers for failures, stale buttons and stray input."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiogram import F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import or_f
from aiogram.types import CallbackQuery, ErrorEvent, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter
from bot.inbox import InboxOutcome
from bot.middlewares.callback_answer import alert
from bot.routing import MenuButton
from core.usecases.users import guess_locale

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


def unknown_commands() -> Router:
    """The last of the commands: one nobody knows, or a menu button of another language, is no step's input."""
    router = OpenRouter(name="unknown-commands")
    router.message.register(not_understood, or_f(F.text.startswith("/"), MenuButton()))
    return router


def router() -> Router:
    """Registered last, so it only sees what no other router took."""
    router = OpenRouter(name="errors")
    router.errors.register(on_error)
    router.callback_query.register(stale_button)
    router.message.register(not_understood)
    return router


async def on_error(event: ErrorEvent, i18n: I18n, app: App, inbox: InboxOutcome | None = None) -> bool:
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    if inbox is not None and not inbox.last_try:
        return True  # the inbox hands it over again shortly; an apology only if the last try fails too
    # Errors surface outside the per-update language context (and its unit of work, rolled back); restore it.
    locale = await _locale_of(event, app, i18n.default_locale)
    with i18n.context(), i18n.use_locale(locale):
        apology = _("Sorry, something went wrong on our side. Nothing you entered is lost; please try again.")
    try:
        if event.update.callback_query is not None:
            await event.update.callback_query.answer(apology, show_alert=True)
        elif event.update.message is not None:
            await event.update.message.answer(apology)
    except TelegramAPIError:
        log.warning("could not apologise for update %s", event.update.update_id, exc_info=True)
    return True


async def _locale_of(event: ErrorEvent, app: App, default: str) -> str:
    """The language the person chose, as committed before this update; a newcomer's (rolled back) as registering guesses."""
    query, message = event.update.callback_query, event.update.message
    sender = query.from_user if query is not None else message.from_user if message is not None else None
    if sender is None:
        return default
    try:
        async with app.unit_of_work() as uow:
            person = await uow.users.get(sender.id)
    except Exception:  # the database may be why the update failed: the apology goes all the same
        log.warning("no language for the apology of update %s", event.update.update_id, exc_info=True)
        person = None
    return person.locale if person is not None else guess_locale(sender.language_code, default)


async def stale_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("This button no longer works. Open /start for the current menu."))


async def not_understood(message: Message) -> None:
    await message.answer(_("I didn't understand that. Please use the menu below, or /help."))
