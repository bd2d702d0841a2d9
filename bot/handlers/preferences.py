"""Language and time zone: the two things every person sets for themselves."""
from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter, publish_own_commands
from bot.flows.timezone import start_choosing
from bot.keyboards.preferences import LANGUAGES, LanguageChoice, language_picker, preferences_menu
from bot.menus import BUTTON_SETTINGS, main_menu
from bot.middlewares.callback_answer import out_of_date
from bot.settings import Settings
from bot.views.presenting import zone_label
from core.clock import Clock
from core.ports import UnitOfWork
from core.usecases.users import choose_locale
from core.users import User


def commands() -> Router:
    router = OpenRouter(name="preferences-commands")
    router.message.register(show_preferences, F.text == BUTTON_SETTINGS)
    router.message.register(ask_language, Command("language"))
    router.message.register(ask_timezone, Command("timezone"))
    return router


def router() -> Router:
    router = OpenRouter(name="preferences")
    router.callback_query.register(ask_language_from_menu, F.data == "prefs:language")
    router.callback_query.register(set_language, LanguageChoice.filter())
    return router


async def show_preferences(message: Message, user: User, clock: Clock) -> None:
    await message.answer(
        _("Language: {language}\nTime zone: {zone}").format(language=LANGUAGES[user.locale], zone=zone_label(user.timezone, clock.now())),
        reply_markup=preferences_menu(),
    )


async def ask_language(message: Message) -> None:
    await message.answer(_("Choose the language of the bot:"), reply_markup=language_picker())


async def ask_language_from_menu(query: CallbackQuery, message: Message) -> None:
    await ask_language(message)


async def set_language(
    query: CallbackQuery,
    message: Message,
    callback_data: LanguageChoice,
    uow: UnitOfWork,
    user: User,
    i18n: I18n,
    settings: Settings,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    if callback_data.locale not in LANGUAGES:
        out_of_date(callback_answer)
        return
    await choose_locale(uow, user, callback_data.locale)
    role = user.main_role(settings.admin_ids)
    with i18n.use_locale(user.locale):
        await message.answer(_("Done: I will speak English with you."), reply_markup=main_menu(role))
    await publish_own_commands(bot, i18n, uow, settings, user)  # with the console commands their roles allow


async def ask_timezone(message: Message, state: FSMContext, user: User, clock: Clock) -> None:
    await start_choosing(message, state, user, clock.now())
