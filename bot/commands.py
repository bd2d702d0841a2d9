"""Command menus per scope: everyone by language, then each person by role."""
from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from bot.menus import commands_for
from core.staff import Permission
from core.users import Role, User


async def publish_default_commands(bot: Bot, i18n: I18n) -> None:
    for locale in i18n.available_locales:
        with i18n.context(), i18n.use_locale(locale):
            commands = commands_for(Role.CLIENT)
        language = None if locale == i18n.default_locale else locale
        await bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=language)


async def publish_commands_for(
    bot: Bot, i18n: I18n, user: User, role: Role, permissions: frozenset[Permission] = frozenset()
) -> None:
    """A person's own menu: their role's commands (and console commands they may use) in the language they chose."""
    with i18n.context(), i18n.use_locale(user.locale):
        commands = commands_for(role, permissions)
    await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=user.telegram_id))
