"""/help: crisis lines that do not wait for a session, then what this person can do: their role's commands,
and the console commands their staff roles allow (the same list as their "/" menu, bot/menus.py)."""
from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter, authority
from bot.menus import BUTTON_HELP, commands_for, role_title
from bot.settings import Settings
from core.ports import UnitOfWork
from core.users import User

LIFELINE_UKRAINE = "https://lifelineukraine.com"
FIND_A_HELPLINE = "https://findahelpline.com"


def commands() -> Router:
    router = OpenRouter(name="help-commands")
    router.message.register(show_help, Command("help"))
    router.message.register(show_help, F.text == BUTTON_HELP)
    return router


async def show_help(message: Message, user: User, uow: UnitOfWork, settings: Settings) -> None:
    await message.answer(crisis_lines(), reply_markup=crisis_buttons())
    held = await authority(user, uow, settings)
    role = user.main_role(settings.admin_ids)
    listed = "\n".join(f"/{command.command} — {command.description}" for command in commands_for(role, held.permissions))
    await message.answer(_("How to use the bot (your role: {role}):").format(role=role_title(role)) + "\n" + listed)


def crisis_lines() -> str:
    return _(
        "If you are in danger or thinking about harming yourself, please do not wait for a session.\n\n"
        "Emergency: 112 · ambulance: 103\n"
        "Lifeline Ukraine, suicide prevention, free, 24/7: 7333\n"
        "Domestic violence and trafficking hotline: 116 123\n"
        "Children and young people: 116 111\n"
        "Outside Ukraine: findahelpline.com lists free lines in your country."
    )


def crisis_buttons() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=_("Lifeline Ukraine"), url=LIFELINE_UKRAINE)],
            [InlineKeyboardButton(text=_("Helplines in other countries"), url=FIND_A_HELPLINE)],
        ]
    )
