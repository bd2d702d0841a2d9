"""Only verified therapists have a cabinet: the check every cabinet command, button and step goes through.

`guard(router)` puts `CabinetGate` on a router's messages and buttons. Router
middlewares of this kind run after a handler was chosen, so anyone else is
answered politely and nothing else happens; the handler gets the therapist's
own profile as `therapist`.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.i18n import gettext as _

from core.usecases.cabinet import NoCabinet, cabinet_of
from core.users import Role, User

# Every conversation of the cabinet names its group of steps "Cabinet…".
STEP_PREFIX = "Cabinet"


class CabinetGate(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("user")
        if user is not None:
            try:
                data["therapist"] = await cabinet_of(data["uow"], user)
            except NoCabinet:
                pass
            else:
                return await handler(event, data)
        state: FSMContext | None = data.get("state")
        if state is not None:
            await leave_cabinet_steps(state)  # a step of a cabinet they no longer have
        text = _refusal(user)
        if isinstance(event, CallbackQuery):
            await event.answer(text, show_alert=True)
        elif isinstance(event, Message):
            await event.answer(text)
        return None


def guard(router: Router) -> Router:
    gate = CabinetGate()
    router.message.middleware(gate)
    router.callback_query.middleware(gate)
    return router


async def leave_cabinet_steps(state: FSMContext) -> None:
    """Opening a part of the cabinet ends an unfinished step of another part; other topics' steps are left alone."""
    current = await state.get_state()
    if current is not None and current.startswith(STEP_PREFIX):
        await state.clear()


def _refusal(user: User | None) -> str:
    if user is not None and (Role.THERAPIST in user.roles or Role.APPLICANT in user.roles):
        return _("Your cabinet opens once your profile is published on the platform. Where things stand: /status")
    return _("The cabinet is for therapists of the platform. If you are a therapist and would like to join: /apply")
