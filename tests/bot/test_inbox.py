"""The inbox: a stored update is handled once; one that keeps failing is set aside, shown by /inbox, and
does not hold up its chat; one that fails once is handled on its next try with no apology."""
from __future__ import annotations

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import select

from storage.tables import InboxUpdateRow
from tests.conftest import ADMIN_ID, make_settings


@pytest.fixture
def settings(database_url: str):
    # The pause between tries is real time inside the feeder: keep it short here.
    return make_settings(database_url, inbox_retry_seconds=0.01)


def a_message(update_id: int, text: str, *, chat_id: int = 1001) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": 1_764_000_000, "text": text,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Olena", "language_code": "uk"},
            **({"entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]} if text.startswith("/") else {}),
        },
    }


async def handled(app, *updates: dict) -> None:
    await app.inbox.keep(updates)
    assert await app.inbox.idle(timeout=10)


async def inbox_rows(app) -> dict[int, InboxUpdateRow]:
    async with app.sessions() as db:
        return {row.update_id: row for row in await db.scalars(select(InboxUpdateRow))}


async def test_an_update_that_keeps_failing_is_set_aside_and_the_chat_goes_on(app, session, make_client):
    broken = a_message(501, "/faq")
    del broken["message"]["date"]  # Telegram never sends this; the dispatcher cannot read it

    await handled(app, broken, a_message(502, "/faq"))

    rows = await inbox_rows(app)
    assert (rows[501].attempts, rows[501].handled_at, rows[501].set_aside_at is not None) == (3, None, True)
    assert rows[502].handled_at is not None
    answers = [call.text for call in session.calls if isinstance(call, SendMessage) and call.chat_id == 1001]
    assert len(answers) == 1 and answers[0].startswith("Як це працює")

    shown = await make_client(ADMIN_ID, "Admin").send("/inbox")
    assert shown[0].text.startswith("📥 1 оновлення від Telegram раз у раз не вдавалося обробити — його відкладено.")
    assert "Оновлення 501 (message), чат 1001: відкладено" in shown[0].text
    assert "після 3 спроб\nValidationError" in shown[0].text


async def test_an_update_that_fails_once_is_answered_once_on_its_next_try_without_an_apology(app, session):
    session.fail_next(SendMessage, lambda method: RuntimeError("a hiccup on the way"))

    await handled(app, a_message(601, "/faq"))

    answers = [call.text for call in session.calls if isinstance(call, SendMessage) and call.chat_id == 1001]
    assert len(answers) == 1 and answers[0].startswith("Як це працює")  # and no apology
    rows = await inbox_rows(app)
    assert (rows[601].attempts, rows[601].handled_at is not None) == (1, True)


async def test_nobody_but_staff_sees_the_inbox_and_an_empty_one_says_so(make_client):
    assert (await make_client(1002, "Anna").send("/inbox"))[0].text == "Це лише для команди платформи."
    assert (await make_client(ADMIN_ID, "Admin").send("/inbox"))[0].text == (
        "📥 Жодного оновлення від Telegram не відкладено: усі оброблено."
    )
