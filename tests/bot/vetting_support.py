"""Applicants, admins and quick ways through the questionnaires, for the vetting tests.

Time: START is Tuesday 24 November 2026, 10:00 in Kyiv. The bot's delivery runs
with a sleeper that moves the test's clock instead of waiting.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.app import App, build_app
from bot.keyboards.vetting import Answer, Nav
from core.applications import Form
from storage.tables import ApplicationRow, TimedMessageRow
from tests.conftest import _isolated_redis_storage, isolated_send_budget
from tests.support.bot_client import BotClient, Reply
from tests.support.sleeper import ManualSleeper

OLENA = 1001  # applicant, reads Ukrainian
ANNA = 1002  # applicant, reads English, lives in New York
COLLEAGUE = 1003

# Every answer of the first questionnaire: typed text, or the code of a button (a list for several).
FIRST_ANSWERS: list[tuple[str, Any]] = [
    ("name", "Olena Koval"),
    ("email", None),
    ("country", "Україна"),
    ("city", "Львів"),
    ("timezone", ("Europe/Kyiv",)),
    ("education", ("medical",)),
    ("practice_years", "5"),
    ("private_practice", ("yes",)),
    ("supervision", ("yes",)),
    ("approach", ("cbt",)),
    ("certified_hours", "450"),
    ("payout", ("yes",)),
    ("fop", ("yes",)),
    ("languages", ["uk", "en"]),
    ("topics", ["anxiety", "burnout"]),
]
EXPERIENCE = "Ten years with adults: private practice in Lviv, a crisis line, group work. " * 2
ABOUT = "I help adults who live with anxiety or burnout find calm and a way forward, gently and at their pace. " * 2


@pytest.fixture
def sleeper(clock) -> ManualSleeper:
    return ManualSleeper(clock)


@pytest.fixture
async def app(settings, clock, session, sleeper) -> AsyncIterator[App]:
    app = build_app(
        settings, clock=clock, session=session, fsm_storage=_isolated_redis_storage(), sleeper=sleeper,
        send_budget=isolated_send_budget(sleeper.monotonic),
    )
    await app.prepare()
    try:
        yield app
    finally:
        await app.close()


async def answer(client: BotClient, form: Form, key: str, value: Any) -> list[Reply]:
    """Answer one question the way a person would: type it, press its button, or tick options then "Done"."""
    if value is None:
        return await client.press(Nav(form=form, action="skip", key=key).pack())
    if isinstance(value, tuple):
        return await client.press(Answer(form=form, key=key, value=value[0]).pack())
    if isinstance(value, list):
        for code in value:
            await client.press(Answer(form=form, key=key, value=code).pack())
        return await client.press(Nav(form=form, action="done", key=key).pack())
    return await client.send(value)


async def fill_first(client: BotClient, referral: str = "", **changed: Any) -> list[Reply]:
    """From /apply (by a referral link's code if given) to the summary; returns the bot's answer to the last question."""
    await client.send("/apply")
    await client.press(f"apply:{referral}")
    replies: list[Reply] = []
    for key, value in FIRST_ANSWERS:
        replies = await answer(client, Form.FIRST, key, changed.get(key, value))
    return replies


async def send_first(client: BotClient, referral: str = "", **changed: Any) -> list[Reply]:
    await fill_first(client, referral, **changed)
    return await client.press(Nav(form=Form.FIRST, action="send").pack())


def document(file_id: str, *, mime: str = "application/pdf", size: int = 300_000, name: str = "diploma.pdf") -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": name, "mime_type": mime, "file_size": size}


def photo(file_id: str, size: int = 90_000) -> list[dict[str, Any]]:
    return [
        {"file_id": f"{file_id}-small", "file_unique_id": f"u-{file_id}-s", "width": 90, "height": 90, "file_size": 2_000},
        {"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 800, "height": 800, "file_size": size},
    ]


async def fill_second(client: BotClient, english: tuple[str | None, str | None, str | None] = (None, None, None)) -> list[Reply]:
    """The second questionnaire, opened from its notice, to the summary; `english`: the name, education and
    profile text in English, each skipped when None."""
    await client.press("cont:second")
    await client.feed({"message": client._message(document=document("diploma-1"))})
    await client.press(Nav(form=Form.SECOND, action="done", key="education_documents").pack())
    await client.feed({"message": client._message(photo=photo("certificate-1"))})
    await client.press(Nav(form=Form.SECOND, action="done", key="certificates").pack())
    await client.send("Ivan Franko National University of Lviv, clinical psychology, 2014")
    await client.send(EXPERIENCE)
    await client.send(ABOUT)
    await client.feed({"message": client._message(photo=photo("portrait-1"))})
    await client.send("1200")
    await client.press(Nav(form=Form.SECOND, action="done", key="topics").pack())
    replies = await client.press(Nav(form=Form.SECOND, action="done", key="approaches").pack())
    for key, text in zip(("name_en", "education_en", "about_en"), english, strict=True):
        replies = await answer(client, Form.SECOND, key, text)
    return replies


async def application_row(app: App, applicant_id: int) -> ApplicationRow:
    async with app.sessions() as session:
        row = await session.scalar(
            select(ApplicationRow).where(ApplicationRow.applicant_id == applicant_id).order_by(ApplicationRow.id.desc())
        )
    assert row is not None
    return row


async def timed(app: App, kind: str) -> list[TimedMessageRow]:
    async with app.sessions() as session:
        rows = await session.scalars(select(TimedMessageRow).where(TimedMessageRow.kind == kind).order_by(TimedMessageRow.id))
    return list(rows)


def sent_to(client: BotClient, since: int) -> list[Reply]:
    """What the bot sent this person (messages, photos, documents) after the call number `since`."""
    calls = client.session.calls[since:]
    results = client.session.results[since:]
    return [Reply(m, r) for m, r in zip(calls, results, strict=True) if getattr(m, "chat_id", None) == client.user_id]


def texts(replies: list[Reply]) -> list[str]:
    return [reply.text for reply in replies if isinstance(reply.method, SendMessage) and reply.text]
