"""/start: greet by role and show that role's menu (the keyboard and Telegram's "/" menu), then an unfinished
questionnaire's step.

Telegram's "Restart bot" sends /start: someone halfway through a questionnaire
finds its question again, buttons and all, so what they type next answers it.
"""
from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter, publish_own_commands
from bot.conversation import end
from bot.handlers.applying import resume
from bot.keyboards.preferences import timezone_offer
from bot.menus import main_menu
from bot.settings import Settings
from bot.views.greetings import salutation
from bot.views.presenting import zone_label
from core.clock import Clock
from core.ports import UnitOfWork
from core.usecases.vetting import draft_to_resume
from core.users import Role, User


def commands() -> Router:
    router = OpenRouter(name="start-commands")
    router.message.register(show_main_menu, CommandStart())
    return router


async def show_main_menu(
    message: Message, user: User, settings: Settings, state: FSMContext, clock: Clock, uow: UnitOfWork, bot: Bot, i18n: I18n
) -> None:
    await end(state)
    role = user.main_role(settings.admin_ids)
    await message.answer(greeting(user, role), reply_markup=main_menu(role))
    if role is not Role.CLIENT:
        # The "/" menu as their role stands: an admin of ADMIN_IDS or a therapist loaded as such never went through
        # what publishes it otherwise (a role granted, a language chosen), so they would see a client's commands.
        # A client's is the default menu in their language already.
        await publish_own_commands(bot, i18n, uow, settings, user)
    if not user.timezone_chosen:
        await message.answer(
            _("Times are shown in your time zone, now {zone}. Is that right?").format(zone=zone_label(user.timezone, clock.now())),
            reply_markup=timezone_offer(),
        )
    draft = await draft_to_resume(uow, user.telegram_id)
    if draft is not None:
        await resume(message, draft, state)


def greeting(user: User, role: Role) -> str:
    return salutation(user.staff_name) + " " + _role_line(role)


def _role_line(role: Role) -> str:
    if role is Role.ADMIN:
        return _("This is the platform's console: the menu below has your tools, and /help lists what you may do.")
    if role is Role.THERAPIST:
        return _("This is your cabinet: your sessions, hours and earnings are in the menu below.")
    if role is Role.APPLICANT:
        return _("Your application to join the platform is in progress; the menu below shows where it stands.")
    return _(
        "Here you can find a psychotherapist, book a session, pay for it and talk "
        "with your therapist — all in this chat."
    )
