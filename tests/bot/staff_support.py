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
from tests.conftest import ADMIN_ID, START, _isolated_redis_storage, isolated_send_budget
from tests.support.bot_client import BotClient
from tests.support.recording_session import BOT_USER, RecordingSession
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
async def app(settings, clock, session, sleeper) -> AsyncIterator[App]:
    """The production app whose delivery waits by moving the test's clock, never by sleeping."""
    app = build_app(
        settings, clock=clock, session=session, fsm_storage=_isolated_redis_storage(), sleeper=sleeper,
        send_budget=isolated_send_budget(sleeper.monotonic),
    )
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


def sent(session: RecordingSession, chat_id: int, kind: type | None = None) -> list[tuple[Any, Any]]:
    """(call, result) of what the bot sent to a chat, optionally of one method type."""
    return [
        (call, result)
        for call, result in zip(session.calls, session.results, strict=True)
        if getattr(call, "chat_id", None) == chat_id and (kind is None or isinstance(call, kind))
    ]


def bot_message(chat: dict[str, Any], message_id: int) -> dict[str, Any]:
    return {
        "message_id": message_id, "date": int(START.timestamp()), "chat": chat,
        "from": BOT_USER.model_dump(mode="json", exclude_none=True), "text": "…",
    }


async def reply(client: BotClient, message_id: int, text: str, **extra: Any) -> list[Any]:
    """A Telegram reply (swipe, "Reply") to the bot's message in the client's private chat."""
    message = client._message(text=text, **extra)
    message["reply_to_message"] = bot_message(message["chat"], message_id)
    return await client.feed({"message": message})


def group_chat(chat_id: int, *, forum: bool) -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": "Support", **({"is_forum": True} if forum else {})}


async def in_group(
    client: BotClient, chat: dict[str, Any], text: str, *, thread: int | None = None, replying_to: int | None = None
) -> list[Any]:
    """A message the client writes in a group: in a forum topic, and/or as a reply to the bot's message."""
    message = client._message(text=text)
    message["chat"] = chat
    if thread is not None:
        message["message_thread_id"] = thread
        message["is_topic_message"] = True
    if replying_to is not None:
        message["reply_to_message"] = bot_message(chat, replying_to)
    return await client.feed({"message": message})
