"""The inbox: a stored update is handled once; one that keeps failing is set aside, shown by /inbox, and
does not hold up its chat; one that fails once is handled on its next try with no apology."""
from __future__ import annotations

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import select

from storage.tables import AuditRow, InboxUpdateRow
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


def failing_three_times(session) -> None:
    """Telegram refuses the answer three times running: the update is set aside after its tries."""
    for _ in range(3):
        session.fail_next(SendMessage, lambda method: RuntimeError("Telegram is away"))


async def in_line_again(app) -> None:
    """The holder of the chat's lease looks at the inbox as it does every INBOX_POLL_SECONDS (twice: the first look
    after an update settled here forgets it, so a later look showing it waiting means it is back in line)."""
    for _ in range(2):
        await app.inbox.tick()
        assert await app.inbox.idle(timeout=10)


async def test_an_admin_retries_a_set_aside_update_and_its_chat_holder_handles_it_with_its_tries_afresh(
    app, session, make_client
):
    failing_three_times(session)
    await handled(app, a_message(701, "/faq"))
    row = (await inbox_rows(app))[701]
    assert (row.set_aside_at is not None, row.payload is not None) == (True, True)  # kept, sealed, for a retry
    admin = make_client(ADMIN_ID, "Admin")
    listed = await admin.send("/inbox")
    assert listed[0].buttons == ["🔁 Повторити 701", "🗑 Відкинути 701"]

    pressed = await admin.click("🔁 Повторити 701")

    assert admin.alerts(pressed) == ["Оновлення 701 знову в черзі: за мить його буде оброблено."]
    assert admin.texts_of(pressed) == ["📥 Більше нічого не відкладено."]
    before = len(answers_to(session, 1001))
    await in_line_again(app)
    assert answers_to(session, 1001)[before:][0].startswith("Як це працює")
    row = (await inbox_rows(app))[701]
    assert (row.handled_at is not None, row.set_aside_at, row.attempts, row.payload) == (True, None, 0, None)
    async with app.sessions() as db:
        entry = (await db.scalars(select(AuditRow).where(AuditRow.action == "inbox.update_retried"))).one()
    assert (entry.actor_id, entry.subject_id, entry.details) == (ADMIN_ID, 1001, {"update": 701})
    assert (await admin.send("/inbox"))[0].text == "📥 Жодного оновлення від Telegram не відкладено: усі оброблено."


async def test_an_admin_drops_a_set_aside_update_after_saying_yes_and_it_is_never_handled(app, session, make_client):
    failing_three_times(session)
    await handled(app, a_message(801, "/faq"))
    admin = make_client(ADMIN_ID, "Admin", language_code="en")
    listed = (await admin.send("/inbox"))[0]
    assert listed.text.startswith("📥 1 update from Telegram kept failing and was set aside.")
    assert listed.buttons == ["🔁 Retry 801", "🗑 Drop 801"]

    asked = await admin.click("🗑 Drop 801")
    assert admin.texts_of(asked)[0].endswith("Drop this update? It will never be handled, and what it holds is erased.")
    assert (await admin.click("↩️ No, back to the list"))[0].text == listed.text  # nothing dropped
    await admin.click("🗑 Drop 801")
    dropped = await admin.click("🗑 Yes, drop it")

    assert admin.alerts(dropped) == ["Update 801 dropped: what it held is erased."]
    assert admin.texts_of(dropped) == ["📥 Nothing else is set aside."]
    row = (await inbox_rows(app))[801]
    assert (row.payload, row.dropped_at is not None, row.handled_at) == (None, True, None)
    before = len(answers_to(session, 1001))
    await in_line_again(app)
    assert answers_to(session, 1001)[before:] == []
    # The list's buttons of before the drop, pressed now, and a forged one: the one out-of-date refusal.
    assert admin.alerts(await admin.click("🔁 Retry 801", in_reply=listed)) == [
        "This button is out of date. Please pick again."
    ]
    assert admin.alerts(await admin.press("inbx:999:retry:0", listed)) == ["This button is out of date. Please pick again."]
    assert (await inbox_rows(app))[801].set_aside_at is not None and (await inbox_rows(app))[801].dropped_at is not None


async def test_only_staff_who_watch_delivery_may_retry_or_drop(app, session, make_client):
    failing_three_times(session)
    await handled(app, a_message(901, "/faq"))
    listed = (await make_client(ADMIN_ID, "Admin").send("/inbox"))[0]

    someone = make_client(1001, "Olena")
    for button in ("🔁 Повторити 901", "🗑 Відкинути 901"):
        assert someone.alerts(await someone.click(button, in_reply=listed)) == ["Це лише для команди платформи."]
    row = (await inbox_rows(app))[901]
    assert (row.set_aside_at is not None, row.payload is not None, row.dropped_at) == (True, True, None)


def answers_to(session, chat_id: int) -> list[str]:
    return [call.text or "" for call in session.calls if isinstance(call, SendMessage) and call.chat_id == chat_id]
