"""/support: a person's message reaches the support team, the answer comes back as a copy, closing is recorded."""
from __future__ import annotations

from typing import Any

from aiogram.methods import (
    CopyMessage,
    EditMessageText,
    SendMessage,
    SetMessageReaction,
)
from sqlalchemy import select

from core.staff import StaffRole
from storage.tables import AuditRow, SupportTicketRow
from tests.bot import staff_support
from tests.bot.staff_support import (
    CLIENT,
    SECOND_STAFFER,
    STAFFER,
    answers_in,
    give,
    reply,
    sent,
    texts_to,
)
from tests.conftest import ADMIN_ID
from tests.support.bot_client import BotClient
from tests.support.recording_session import RecordingSession

# Fixtures: the app whose delivery moves the test's clock.
app, sleeper = staff_support.app, staff_support.sleeper

def header_of(session: RecordingSession, chat_id: int) -> tuple[SendMessage, Any]:
    return next((call, result) for call, result in sent(session, chat_id, SendMessage) if call.text.startswith("🆘"))


async def person_writes(make_client, text: str = "Не можу оплатити сесію: картку відхиляє.", **client: Any):
    olena = make_client(CLIENT, "Olena", **client)
    await olena.send("/support")
    return olena, await olena.send(text)


# -- staff's own chats (no SUPPORT_CHAT_ID) -----------------------------------------------


async def test_a_question_reaches_support_and_the_answer_comes_back_as_a_copy(app, make_client, session):
    taras = make_client(STAFFER, "Taras")
    await taras.send("/start")
    await give(app, STAFFER, StaffRole.SUPPORT)
    await make_client(ADMIN_ID, "Admin").send("/start")

    olena = make_client(CLIENT, "Olena")
    prompt = await olena.send("/support")
    question = await olena.send("Не можу оплатити сесію: картку відхиляє.")
    await app.courier.drain()

    assert prompt[0].text.startswith("Напишіть у підтримку платформи")
    assert prompt[0].buttons == ["✅ Готово"]
    assert question[0].text.startswith("✅ Надіслано в підтримку (звернення #1).")
    header, shown_header = header_of(session, STAFFER)
    assert header.text.startswith(f"🆘 Звернення #1 · Olena (id {CLIENT})\nМова: Українська · часовий пояс: Київ, UTC+2")
    assert [b.text for row in header.reply_markup.inline_keyboard for b in row] == ["✅ Закрити звернення #1"]
    [(copy, shown_copy)] = sent(session, STAFFER, CopyMessage)
    question_id = olena.last_update["message"]["message_id"]
    assert (copy.from_chat_id, copy.message_id, copy.reply_parameters.message_id) == (
        CLIENT, question_id, shown_header.message_id
    )
    assert sent(session, ADMIN_ID, CopyMessage) == []  # the support role answers, not every admin

    answered = await reply(taras, shown_copy.message_id, "Спробуйте, будь ласка, іншу картку.")
    answered_id = taras.last_update["message"]["message_id"]
    await app.courier.drain()

    assert [type(r.method) for r in answered] == [SetMessageReaction]
    assert texts_to(session, CLIENT)[-1].startswith("💬 Підтримка платформи відповіла вам (звернення #1).")
    [(answer, shown_answer)] = sent(session, CLIENT, CopyMessage)
    assert (answer.from_chat_id, answer.message_id, answer.reply_parameters.message_id) == (
        STAFFER, answered_id, question_id
    )

    await olena.click("✅ Готово")
    thanks = await reply(olena, shown_answer.message_id, "Дякую, вийшло! А чек прийде?")
    await app.courier.drain()
    _, shown_thanks = sent(session, STAFFER, CopyMessage)[-1]
    await reply(taras, shown_thanks.message_id, "Так, на пошту з Telegram.")
    await app.courier.drain()

    assert [type(r.method) for r in thanks] == [SetMessageReaction]
    assert sent(session, STAFFER, CopyMessage)[-1][0].message_id == olena.last_update["message"]["message_id"]
    # The person is told who answers once per conversation, not before every answer.
    assert [text for text in texts_to(session, CLIENT) if text.startswith("💬")] == [
        "💬 Підтримка платформи відповіла вам (звернення #1). "
        "Щоб написати у відповідь, відповідайте на їхнє повідомлення або надішліть /support."
    ]
    assert [call.message_id for call, _ in sent(session, CLIENT, CopyMessage)] == [
        answered_id, taras.last_update["message"]["message_id"]
    ]


async def test_without_a_support_role_full_admins_answer_and_the_person_reads_english(app, make_client, session):
    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/start")

    _, sent_question = await person_writes(make_client, "I can't pay for my session.", language_code="en")
    await app.courier.drain()
    _, shown_copy = sent(session, ADMIN_ID, CopyMessage)[0]
    await reply(admin, shown_copy.message_id, "Please try another card.")
    await app.courier.drain()

    assert sent_question[0].text.startswith("✅ Sent to support (conversation #1).")
    assert header_of(session, ADMIN_ID)[0].text.startswith("🆘 Звернення #1 · Olena")
    assert texts_to(session, CLIENT)[-1].startswith("💬 The platform's support has answered you (conversation #1).")


async def test_nobody_to_answer_is_said_plainly(make_client, app, settings):
    settings.admin_ids = frozenset()
    _, answer = await person_writes(make_client)
    assert answer[0].text.startswith("Вибачте, зараз підтримка недоступна через бота")
    async with app.sessions() as db:
        assert (await db.scalars(select(SupportTicketRow))).all() == []


async def test_what_cannot_be_passed_on_is_explained_and_the_person_keeps_writing(app, make_client, session):
    olena = make_client(CLIENT, "Olena")
    await olena.send("/support")
    location = await olena.feed({"message": olena._message(location={"latitude": 50.45, "longitude": 30.52})})
    helped = await olena.send("/help")
    still = await olena.send("Ось моє питання.")
    done = await olena.send("/cancel")
    after = await olena.send("Просто текст")

    assert location[0].text.startswith("Підтримка може прочитати текст, фото, документи")
    assert helped[0].text.startswith("Якщо вам загрожує небезпека")  # other commands work meanwhile
    assert still[0].text.startswith("✅ Надіслано в підтримку (звернення #1).")
    assert done[0].text.startswith("Дякуємо. Підтримка відповість у цьому чаті.")
    assert not any(text.startswith("✅ Надіслано") for text in answers_in(after))


async def test_an_answer_that_cannot_arrive_is_reported_to_support(app, make_client, session):
    taras = make_client(STAFFER, "Taras")
    await taras.send("/start")
    await give(app, STAFFER, StaffRole.SUPPORT)
    await person_writes(make_client)
    await app.courier.drain()
    _, shown_copy = sent(session, STAFFER, CopyMessage)[0]

    session.block(CLIENT)
    await reply(taras, shown_copy.message_id, "Спробуйте іншу картку.")
    await app.courier.drain()

    assert texts_to(session, STAFFER)[-1] == "⚠️ Ця відповідь не дійшла до людини у зверненні #1: вона заблокувала бота."


# -- closing -------------------------------------------------------------------------------


async def test_closing_is_recorded_the_person_is_told_and_a_second_close_is_refused(app, make_client, session):
    taras = make_client(STAFFER, "Taras")
    mykola = make_client(SECOND_STAFFER, "Mykola")
    for staffer in (taras, mykola):
        await staffer.send("/start")
    await give(app, STAFFER, StaffRole.SUPPORT)
    await give(app, SECOND_STAFFER, StaffRole.SUPPORT)
    olena, _ = await person_writes(make_client)
    await app.courier.drain()

    moment = app.clock.now()
    closed = await taras.click("✅ Закрити звернення #1")
    again = await mykola.click("✅ Закрити звернення #1")
    await app.courier.drain()

    assert BotClient.alerts(closed) == ["Звернення #1 закрито; людині повідомлено."]
    edited = next(r.method for r in closed if isinstance(r.method, EditMessageText))
    assert edited.text.endswith("\n\n✅ Закрито: Taras, вт, 24 листопада, 10:00 (Київ, UTC+2).")
    assert edited.reply_markup is None
    assert BotClient.alerts(again) == ["Звернення #1 уже закрито: Taras, вт, 24 листопада, 10:00 (Київ, UTC+2)."]
    assert texts_to(session, CLIENT)[-1] == (
        "Підтримка закрила звернення #1. Якщо знадобиться ще щось, надішліть /support — ми поруч."
    )
    async with app.sessions() as db:
        ticket = (await db.scalars(select(SupportTicketRow))).one()
        audit = (await db.scalars(select(AuditRow).where(AuditRow.action == "support.ticket_closed"))).one()
    assert (ticket.status, ticket.closed_by, ticket.closed_at) == ("closed", STAFFER, moment)
    assert (audit.actor_id, audit.subject_id, audit.details) == (STAFFER, CLIENT, {"ticket": 1})

    new = await olena.send("І ще одне питання.")
    assert new[0].text.startswith("✅ Надіслано в підтримку (звернення #2).")
