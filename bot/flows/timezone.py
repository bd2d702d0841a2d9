"""Choosing a time zone: a button, or a city or zone name typed in.

The smallest conversation of the shape (`bot/conversation.py`): one step, holding `Nothing`, whose
typed answer is taken or refused (`Stay`), and whose buttons work from any message.
"""
from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter
from bot.conversation import Nothing, Reply, Stay, Step, end
from bot.keyboards.preferences import TimezoneChoice, TimezoneKeep, TimezoneOther, timezone_picker
from bot.middlewares.callback_answer import out_of_date
from bot.views.presenting import local_time, zone_label
from core.clock import Clock
from core.ports import UnitOfWork
from core.usecases.users import UnknownTimezone, choose_timezone, resolve_timezone
from core.users import User


class TimezoneFlow(StatesGroup):
    choosing = State()


def router() -> Router:
    router = OpenRouter(name="timezone")
    router.callback_query.register(ask, TimezoneOther.filter())
    router.callback_query.register(keep, TimezoneKeep.filter())
    router.callback_query.register(picked, TimezoneChoice.filter())
    CHOOSING.register(router)
    return router


async def start_choosing(message: Message, state: FSMContext, user: User, now: datetime) -> None:
    text = _(
        "Your time zone is {zone}. Pick yours below, or send the name of your city "
        "(for example: Warsaw) or of the zone (for example: Europe/Berlin)."
    ).format(zone=zone_label(user.timezone, now))
    await CHOOSING.ask(Reply(message), state, Nothing(), text, timezone_picker())


async def ask(query: CallbackQuery, message: Message, state: FSMContext, user: User, clock: Clock) -> None:
    await start_choosing(message, state, user, clock.now())


async def keep(query: CallbackQuery, message: Message, uow: UnitOfWork, user: User, clock: Clock, callback_answer: CallbackAnswer) -> None:
    await choose_timezone(uow, user, user.timezone)
    callback_answer.text = _("Time zone saved.")
    await message.edit_text(_confirmation(user, clock))


async def picked(
    query: CallbackQuery, message: Message, callback_data: TimezoneChoice, state: FSMContext, uow: UnitOfWork, user: User, clock: Clock, callback_answer: CallbackAnswer
) -> None:
    try:
        await choose_timezone(uow, user, callback_data.zone)
    except UnknownTimezone:
        out_of_date(callback_answer)
        return
    await end(state)
    callback_answer.text = _("Time zone saved.")
    await message.edit_text(_confirmation(user, clock))


async def _typed(message: Message, text: str, state: FSMContext, uow: UnitOfWork, user: User, clock: Clock) -> None:
    try:
        zone = resolve_timezone(text)
    except UnknownTimezone:
        raise Stay(_not_a_zone()) from None
    await choose_timezone(uow, user, zone)
    await end(state)
    await message.answer(_confirmation(user, clock))


async def _expected() -> tuple[str, InlineKeyboardMarkup]:
    return _not_a_zone(), timezone_picker()


CHOOSING = Step(TimezoneFlow.choosing, Nothing, take=_typed, expected=_expected)


def _not_a_zone() -> str:
    return _(
        "I don't know that time zone. Send a city (Warsaw, New York) or a zone name "
        "(Europe/Berlin), or pick one of the buttons above."
    )


def _confirmation(user: User, clock: Clock) -> str:
    return _("Done: times will be shown for {zone}. It is {time} there now.").format(
        zone=zone_label(user.timezone, clock.now()), time=local_time(clock.now(), user.timezone)
    )
