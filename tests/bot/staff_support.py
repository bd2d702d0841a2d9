"""People with staff roles, and an app whose delivery moves the test's clock, for the console tests."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, CopyMessage, EditMessageText, SendMessage, TelegramMethod

from bot.app import App, build_app
from core.clock import ManualClock
from core.staff import Authority, StaffRole
from core.usecases.staff import grant_role
from core.users import Role, User
from tests.conftest import ADMIN_ID, START, _isolated_redis_storage
from tests.support.recording_session import RecordingSession
from tests.support.sleeper import ManualSleeper

CLIENT = 1001
OTHER_CLIENT = 1002
STAFFER = 3001  # gets whichever role a test gives
SECOND_STAFFER = 3002

REFUSED_TO_OUTSIDERS = "Це лише для команди платформи."
REFUSED_TO_STAFF = (
    "Ваша роль цього не передбачає. Якщо вам це потрібно, роль може надати адміністратор із повними правами."
)


@pytest.fixture
def sleeper(clock: ManualClock) -> ManualSleeper:
    return ManualSleeper(clock)


@pytest.fixture
async def app(settings, clock, session, sleeper) -> AsyncIterator[App]:  # type: ignore[no-untyped-def]
    """The production app whose delivery waits by moving the test's clock, never by sleeping."""
    app = build_app(settings, clock=clock, session=session, fsm_storage=_isolated_redis_storage(), sleeper=sleeper)
    await app.prepare()
    try:
        yield app
    finally:
        await app.close()


async def add_person(
    app: App, telegram_id: int, first_name: str, *, locale: str = "uk", zone: str = "Europe/Kyiv"
) -> None:
    async with app.unit_of_work() as uow:
        await uow.users.add(User(telegram_id, first_name, locale, zone, START, roles={Role.CLIENT}, timezone_chosen=True))
        await uow.commit()


async def give(app: App, telegram_id: int, *roles: StaffRole) -> None:
    """As the full admin would, through the same use case."""
    admin = Authority(ADMIN_ID, full_admin=True)
    for role in roles:
        async with app.unit_of_work() as uow:
            await grant_role(uow, app.clock, actor=admin, person_id=telegram_id, role=role)


def calls_to(session: RecordingSession, chat_id: int) -> list[TelegramMethod[Any]]:
    return [call for call in session.calls if getattr(call, "chat_id", None) == chat_id]


def texts_to(session: RecordingSession, chat_id: int) -> list[str]:
    return [
        call.text for call in calls_to(session, chat_id) if isinstance(call, (SendMessage, EditMessageText)) and call.text
    ]


def copies_to(session: RecordingSession, chat_id: int) -> list[CopyMessage]:
    return [call for call in calls_to(session, chat_id) if isinstance(call, CopyMessage)]


def answers_in(replies: list[Any]) -> list[str]:
    """What a person read in answer to one update: messages and alerts alike."""
    found = []
    for reply in replies:
        method = reply.method
        if isinstance(method, (SendMessage, EditMessageText, AnswerCallbackQuery)) and method.text:
            found.append(method.text)
    return found


def refused(replies: list[Any]) -> bool:
    return any(text in (REFUSED_TO_OUTSIDERS, REFUSED_TO_STAFF) for text in answers_in(replies))
