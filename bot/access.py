"""Who may use which handler: every router says it once, and one gate holds its door for every handler in it.

    router = StaffRouter(name="audit", permission=Permission.AUDIT)  # staff with this permission
    router = CabinetRouter(name="vacation")                           # verified therapists (bot/cabinet_gate.py)
    router = OpenRouter(name="directory")                             # anyone: clients, applicants, newcomers

A handler registered in a router has its router's door; a staff handler that needs more than its router
adds its own mark (`HasPermission(Permission.DECIDE_REFUNDS)`). A staff handler is handed the person's
`authority` (what their roles allow), as a cabinet handler is handed the `therapist`. `Gate`, installed once on the dispatcher,
holds the door after the handler has been chosen: a refused attempt is answered politely (a message, or an
alert for a button) and goes no further: no other handler, and not the "I didn't understand" of the last
router. `tests/bot/test_doors.py` walks the router tree and fails for a router with handlers and no door.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher, Router
from aiogram.dispatcher.flags import get_flag
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot import cabinet_gate
from bot.commands import publish_commands_for
from bot.middlewares.callback_answer import refuse
from bot.settings import Settings
from core.ports import UnitOfWork
from core.staff import Authority, Permission
from core.usecases.staff import authority_of
from core.users import User

log = logging.getLogger(__name__)

FLAG = "permission"


async def authority(user: User, uow: UnitOfWork, settings: Settings) -> Authority:
    return await authority_of(uow, user.telegram_id, settings.admin_ids)


async def allowed(user: User | None, permission: Permission, uow: UnitOfWork, settings: Settings) -> bool:
    if user is None:
        return False
    return (await authority(user, uow, settings)).may(permission)


class OpenRouter(Router):
    """Handlers anyone may use: clients, applicants, therapists about their own sessions, newcomers."""


class StaffRouter(Router):
    """Staff handlers: each needs `permission`; `None` is any staff role, the use case checking which it needs."""

    def __init__(self, *, name: str, permission: Permission | None) -> None:
        super().__init__(name=name)
        self.permission = permission


class HasPermission(Filter):
    """A staff handler that needs another permission than its router's; `Gate` holds it (and answers a refusal)."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def update_handler_flags(self, flags: dict[str, Any]) -> None:
        flags[FLAG] = self.permission

    async def __call__(self, event: TelegramObject) -> bool:
        return True

    def __str__(self) -> str:
        return f"HasPermission({self.permission.value})"


class Gate(BaseMiddleware):
    """Holds the chosen handler's door: its router's (staff, cabinet) and its own mark."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        router = data.get("event_router")
        own: Permission | None = get_flag(data, FLAG)
        if isinstance(router, StaffRouter) or own is not None:
            needed = own or (router.permission if isinstance(router, StaffRouter) else None)
            if not await _permitted(needed, event, data):
                return None
        if isinstance(router, cabinet_gate.CabinetRouter) and not await cabinet_gate.admitted(event, data):
            return None
        return await handler(event, data)


async def _permitted(permission: Permission | None, event: TelegramObject, data: dict[str, Any]) -> bool:
    """Whether the person holds the permission (any staff role when it is None); the handler gets their `authority`."""
    user: User | None = data.get("user")
    held = await authority(user, data["uow"], data["settings"]) if user is not None else None
    if held is not None and (held.may(permission) if permission is not None else held.is_staff):
        data["authority"] = held
        return True
    log.info("refused %s to %s", permission.value if permission else "staff", user.telegram_id if user else "nobody")
    await _refuse(event, data, staff=held is not None and held.is_staff)
    return False


def install(dispatcher: Dispatcher) -> None:
    """Inner middlewares of the dispatcher run for the handlers of every router included in it.

    Inside the answer of a press (`AnswerAfterSuccess`, registered before): a refusal is that answer's alert.
    """
    gate = Gate()
    dispatcher.message.middleware(gate)
    dispatcher.callback_query.middleware(gate)


async def _refuse(event: TelegramObject, data: dict[str, Any], *, staff: bool) -> None:
    text = (
        _("Your role doesn't include this. A full administrator can give you the role if you need it.")
        if staff
        else _("This is for the platform's staff.")
    )
    await refuse(event, data, text)


async def publish_console_commands(bot: Bot, i18n: I18n, uow: UnitOfWork, settings: Settings) -> None:
    """On start: each staff member's command menu lists the console commands their roles allow."""
    staff_ids = set(settings.admin_ids) | {grant.telegram_id for grant in await uow.staff.grants()}
    for telegram_id in sorted(staff_ids):
        person = await uow.users.get(telegram_id)
        if person is None:
            continue
        await publish_own_commands(bot, i18n, uow, settings, person)


async def publish_own_commands(bot: Bot, i18n: I18n, uow: UnitOfWork, settings: Settings, person: User) -> None:
    """A person's command menu as their roles stand now (a menu, not a message: nothing to queue)."""
    held = await authority(person, uow, settings)
    try:
        await publish_commands_for(bot, i18n, person, person.main_role(settings.admin_ids), held.permissions)
    except TelegramAPIError:
        log.warning("could not publish the commands of %s", person.telegram_id, exc_info=True)
