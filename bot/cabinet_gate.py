"""Only verified therapists have a cabinet: the check every cabinet command, button and step goes through.

A cabinet handler is registered in a `CabinetRouter`; the one gate of `bot/access.py` holds that door after
the handler was chosen, so anyone else is answered politely and nothing else happens; the handler gets the
therapist's own profile as `therapist`.
"""
from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import StatesGroup
from aiogram.types import TelegramObject
from aiogram.utils.i18n import gettext as _

from bot.conversation import end
from bot.middlewares.callback_answer import refuse
from core.usecases.cabinet import NoCabinet, cabinet_of
from core.users import Role, User


class CabinetRouter(Router):
    """The cabinet's handlers: verified therapists only, each handed their own profile as `therapist`."""


class CabinetSteps(StatesGroup):
    """The base of every cabinet conversation's group of steps: opening a part of the cabinet ends them."""


async def admitted(event: TelegramObject, data: dict[str, Any]) -> bool:
    """A verified therapist gets their profile as `therapist`; anyone else is answered, and leaves the steps."""
    user: User | None = data.get("user")
    if user is not None:
        try:
            data["therapist"] = await cabinet_of(data["uow"], user)
        except NoCabinet:
            pass
        else:
            return True
    state: FSMContext | None = data.get("state")
    if state is not None:
        await leave_cabinet_steps(state)  # a step of a cabinet they no longer have
    text = _refusal(user)
    await refuse(event, data, text)
    return False


async def leave_cabinet_steps(state: FSMContext) -> None:
    """Opening a part of the cabinet ends an unfinished step of another part; other topics' steps are left alone."""
    current = await state.get_state()
    if current is not None and any(current in steps for steps in CabinetSteps.__subclasses__()):
        await end(state)


def _refusal(user: User | None) -> str:
    if user is not None and (Role.THERAPIST in user.roles or Role.APPLICANT in user.roles):
        return _("Your cabinet opens once your profile is published on the platform. Where things stand: /status")
    return _("The cabinet is for therapists of the platform. If you are a therapist and would like to join: /apply")
