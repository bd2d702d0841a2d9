"""Broadcasts: segment, message, exact preview, confirmation, one timed message per recipient through the
rate-limited delivery, and a report that counts who blocked the bot as unreachable."""
from __future__ import annotations

from aiogram.methods import CopyMessage, EditMessageText
from sqlalchemy import func, select

from core.staff import StaffRole
from core.usecases.privacy import erase_personal_data, export_personal_data
from core.users import Role
from storage.tables import AuditRow, BroadcastRow, TimedMessageRow
from tests.bot import staff_support
from tests.bot.booking_support import add_person as add_someone
from tests.bot.staff_support import (
    REFUSED_TO_OUTSIDERS,
    REFUSED_TO_STAFF,
    STAFFER,
    add_person,
    answers_in,
    copies_to,
    give,
)
from tests.conftest import ADMIN_ID
from tests.support.bot_client import BotClient

app, sleeper = staff_support.app, staff_support.sleeper

OLENA, PETRO, MARTA = 1001, 1002, 1003
IRYNA, MAKSYM = 2001, 2002


async def people(app) -> None:
    for person, name in ((OLENA, "Olena"), (PETRO, "Petro"), (MARTA, "Marta")):
        await add_person(app, person, name)
    for therapist, name in ((IRYNA, "Iryna"), (MAKSYM, "Maksym")):
        await add_someone(app, therapist, name, locale="uk", zone="Europe/Kyiv", roles={Role.CLIENT, Role.THERAPIST})


async def counted(app, table) -> int:
    async with app.sessions() as db:
        return int(await db.scalar(select(func.count()).select_from(table)))


async def test_a_broadcast_to_clients_reaches_everyone_but_the_one_who_blocked_the_bot(app, make_client, session):
    await people(app)
    admin = make_client(ADMIN_ID, "Admin")
    session.block(PETRO)

    choice = await admin.send("/broadcast")
    asked = await admin.click("усі клієнти (3)")
    preview = await admin.send("Завтра з 10:00 до 11:00 бот оновлюватиметься.")

    assert choice[0].text == "📣 Розсилка. Кому її надіслати?"
    assert choice[0].buttons == ["усі терапевти (2)", "усі клієнти (3)", "Кандидати на певному етапі…", "✖️ Скасувати"]
    assert asked[-2].text.startswith("Кому: усі клієнти (3).\n\nТепер надішліть повідомлення для розсилки")
    # The preview is the very message, copied back to its author, then the question.
    assert len(preview) == 2 and isinstance(preview[0].method, CopyMessage)
    copy = preview[0].method
    assert (copy.chat_id, copy.from_chat_id, copy.message_id) == (ADMIN_ID, ADMIN_ID, admin.last_update["message"]["message_id"])
    assert preview[1].text.startswith("⬆️ Саме це вони й отримають: усі клієнти, усього 3. Надсилаємо?")
    assert preview[1].buttons == ["✅ Надіслати (3)", "✏️ Інше повідомлення", "✖️ Скасувати"]
    assert copies_to(session, OLENA) == []  # nothing goes out before Confirm

    sent = await admin.click("✅ Надіслати (3)")
    await app.courier.drain()
    report = await admin.click("🔄 Оновити", in_reply=_edited(sent))

    assert BotClient.alerts(sent) == ["Передано в чергу доставки."]
    for reader in (OLENA, MARTA):
        [to_reader] = copies_to(session, reader)
        assert (to_reader.from_chat_id, to_reader.message_id) == (ADMIN_ID, copy.message_id)
    assert copies_to(session, PETRO) == []
    lines = _edited(report).text.splitlines()
    assert lines[0] == "📣 Розсилка #1: усі клієнти"
    assert lines[3:6] == ["✅ Доставлено: 2", "⏳ Очікують: 0", "🚫 Недосяжні (заблокували бота): 1"]
    assert "⏹ Зупинити розсилку" not in _edited(report).buttons
    async with app.sessions() as db:
        row = (await db.scalars(select(BroadcastRow))).one()
        audit = (await db.scalars(select(AuditRow))).one()
        keys = sorted((await db.scalars(select(TimedMessageRow.dedup_key).where(TimedMessageRow.kind == "broadcast"))).all())
    assert (row.author_id, row.segment, row.from_chat_id, row.message_id, row.recipients) == (
        ADMIN_ID, "clients", ADMIN_ID, copy.message_id, 3,
    )
    assert (audit.actor_id, audit.action, audit.details) == (
        ADMIN_ID, "broadcasts.sent", {"broadcast": 1, "segment": "clients", "recipients": 3},
    )
    assert keys == [f"broadcast:1:{person}" for person in (OLENA, PETRO, MARTA)]


async def test_a_photo_with_its_caption_goes_to_the_therapists(app, make_client, session):
    await people(app)
    admin = make_client(ADMIN_ID, "Admin", language_code="en")
    await admin.send("/broadcast")
    await admin.click("all therapists (2)")
    photo = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 10, "height": 10}]
    preview = await admin.feed({"message": admin._message(photo=photo, caption="Our new supervision group")})
    message_id = admin.last_update["message"]["message_id"]

    await admin.click("✅ Send to 2", in_reply=preview[1])
    await app.courier.drain()

    assert preview[1].text.startswith("⬆️ This is exactly what they will get: all therapists, 2 in all. Send it?")
    for therapist in (IRYNA, MAKSYM):
        [copy] = copies_to(session, therapist)
        assert (copy.from_chat_id, copy.message_id) == (ADMIN_ID, message_id)
    assert copies_to(session, OLENA) == []


async def test_applicants_at_a_step_are_a_segment_of_their_own(app, make_client, session):
    await people(app)
    from tests.bot.vetting_support import send_first

    anna = make_client(OLENA, "Olena")
    await send_first(anna)  # Olena's first questionnaire waits for review
    admin = make_client(ADMIN_ID, "Admin", language_code="en")

    await admin.send("/broadcast")
    steps = await admin.click("Applicants at a step…")
    assert "first questionnaire sent, waiting for review (1)" in steps[-2].buttons
    assert "interview scheduled (0)" in steps[-2].buttons
    empty = await admin.click("interview scheduled (0)")
    chosen = await admin.click("first questionnaire sent, waiting for review (1)")
    preview = await admin.send("We will answer your questionnaire within two days.")
    await admin.click("✅ Send to 1", in_reply=preview[1])
    await app.courier.drain()

    assert BotClient.alerts(empty) == ["Nobody is in this group right now. Choose another."]
    assert chosen[-2].text.startswith("To: applicants: first questionnaire sent, waiting for review (1).")
    assert len(copies_to(session, OLENA)) == 1
    assert copies_to(session, PETRO) == []


async def test_cancelling_before_confirming_sends_and_keeps_nothing(app, make_client, session):
    await people(app)
    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/broadcast")
    await admin.click("усі клієнти (3)")
    preview = await admin.send("Чернетка, яку я передумав надсилати.")

    cancelled = await admin.click("✖️ Скасувати", in_reply=preview[1])
    late = await admin.click("✅ Надіслати (3)", in_reply=preview[1])
    await app.courier.drain()

    assert BotClient.texts_of(cancelled) == ["Скасовано, нічого не надіслано."]
    assert BotClient.alerts(late)[0].startswith("Цей попередній перегляд уже неактуальний")
    assert await counted(app, BroadcastRow) == 0
    assert await counted(app, TimedMessageRow) == 0
    assert all(copies_to(session, person) == [] for person in (OLENA, PETRO, MARTA))


async def test_slash_cancel_while_composing_and_bad_input_keeps_the_step(app, make_client, session):
    await people(app)
    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/broadcast")
    await admin.click("усі терапевти (2)")

    sticker = await admin.send_sticker()
    stats = await admin.send("/stats")  # another command still works, and the step waits
    preview = await admin.send("Нагадування про супервізію в четвер.")
    replaced = await admin.send("Нагадування: супервізія в четвер о 18:00.")
    stale = await admin.click("✅ Надіслати (2)", in_reply=preview[1])
    await admin.click("✅ Надіслати (2)", in_reply=replaced[1])
    await app.courier.drain()

    assert answers_in(sticker) == [
        "Розсилка може бути текстом або фото чи документом із підписом. Надішліть, будь ласка, щось із цього або /cancel."
    ]
    assert stats[0].text.startswith("📊 Платформа цього місяця")
    assert BotClient.alerts(stale)[0].startswith("Цей попередній перегляд уже неактуальний")
    for therapist in (IRYNA, MAKSYM):
        [copy] = copies_to(session, therapist)
        assert copy.message_id == replaced[0].method.message_id  # the replacement, once

    await admin.send("/broadcast")
    await admin.click("усі клієнти (3)")
    stopped = await admin.send("/cancel")
    assert answers_in(stopped) == ["Скасовано, нічого не надіслано."]
    assert await counted(app, BroadcastRow) == 1


async def test_a_second_tap_on_confirm_sends_nothing_more(app, make_client, session):
    await people(app)
    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/broadcast")
    await admin.click("усі клієнти (3)")
    preview = await admin.send("Один раз, будь ласка.")

    await admin.click("✅ Надіслати (3)", in_reply=preview[1])
    again = await admin.click("✅ Надіслати (3)", in_reply=preview[1])
    await app.courier.drain()

    assert BotClient.alerts(again)[0].startswith("Цей попередній перегляд уже неактуальний")
    assert await counted(app, BroadcastRow) == 1
    assert [len(copies_to(session, person)) for person in (OLENA, PETRO, MARTA)] == [1, 1, 1]


async def test_stopping_a_broadcast_sends_no_more_and_the_report_says_so(app, make_client, session):
    await people(app)
    admin = make_client(ADMIN_ID, "Admin", language_code="en")
    await admin.send("/broadcast")
    await admin.click("all clients (3)")
    preview = await admin.send("Sent by mistake")
    sent = await admin.click("✅ Send to 3", in_reply=preview[1])
    # Before delivery gets to it:
    asked = await admin.click("⏹ Stop sending", in_reply=_edited(sent))
    stopped = await admin.click("⏹ Yes, stop it", in_reply=_edited(asked))
    await app.courier.drain()

    assert _edited(asked).text == "Stop broadcast #1? What has not gone out yet (3) will not be sent; what was delivered stays."
    assert BotClient.alerts(stopped) == ["Stopped."]
    lines = _edited(stopped).text.splitlines()
    assert lines[3:7] == [
        "✅ Delivered: 0", "⏳ Pending: 0", "🚫 Unreachable (blocked the bot): 0",
        "⚠️ Not delivered for another reason, or stopped: 3",
    ]
    assert all(copies_to(session, person) == [] for person in (OLENA, PETRO, MARTA))
    async with app.sessions() as db:
        actions = (await db.scalars(select(AuditRow.action).order_by(AuditRow.id))).all()
    assert actions == ["broadcasts.sent", "broadcasts.stopped"]


async def test_broadcasts_lists_the_latest_with_their_outcomes(app, make_client, session):
    await people(app)
    admin = make_client(ADMIN_ID, "Admin", language_code="en")
    nothing = await admin.send("/broadcasts")
    session.block(MARTA)
    await admin.send("/broadcast")
    await admin.click("all clients (3)")
    preview = await admin.send("Hello")
    await admin.click("✅ Send to 3", in_reply=preview[1])
    await app.courier.drain()

    listed = await admin.send("/broadcasts")
    report = await admin.click("📊 Report #1")

    assert answers_in(nothing) == ["No broadcasts yet. /broadcast sends one."]
    assert listed[0].text.splitlines()[2].endswith("all clients: ✅ 2 · ⏳ 0 · 🚫 1")
    assert _edited(report).text.splitlines()[3:6] == [
        "✅ Delivered: 2", "⏳ Pending: 0", "🚫 Unreachable (blocked the bot): 1",
    ]


async def test_only_staff_with_the_broadcast_permission_may_broadcast(app, make_client, session):
    await people(app)
    outsider = make_client(OLENA, "Olena")
    supporter = make_client(STAFFER, "Taras")
    await supporter.send("/start")
    await give(app, STAFFER, StaffRole.SUPPORT)

    assert answers_in(await outsider.send("/broadcast")) == [REFUSED_TO_OUTSIDERS]
    assert answers_in(await outsider.press("bcs:clients")) == [REFUSED_TO_OUTSIDERS]
    assert answers_in(await supporter.send("/broadcast")) == [REFUSED_TO_STAFF]
    assert answers_in(await supporter.press("bcok:deadbeef")) == [REFUSED_TO_STAFF]
    assert answers_in(await supporter.send("/broadcasts")) == [REFUSED_TO_STAFF]

    manager = make_client(STAFFER + 1, "Olha")
    await manager.send("/start")
    await give(app, STAFFER + 1, StaffRole.COMMUNITY_MANAGER)
    choice = await manager.send("/broadcast")
    forged = await manager.press("bcs:nobody")
    assert choice[0].text == "📣 Розсилка. Кому її надіслати?"
    assert BotClient.alerts(forged) == ["Ця кнопка вже застаріла. Почніть знову: /broadcast."]
    assert await counted(app, BroadcastRow) == 0


def _edited(replies):
    return next(reply for reply in replies if isinstance(reply.method, EditMessageText))


async def test_an_author_who_has_their_data_deleted_leaves_the_record_but_not_their_name(app, make_client, session):
    await people(app)
    manager = make_client(STAFFER, "Taras")
    await manager.send("/start")
    await give(app, STAFFER, StaffRole.COMMUNITY_MANAGER)
    await manager.send("/broadcast")
    await manager.click("усі клієнти (3)")
    preview = await manager.send("Зустріч спільноти в четвер.")
    await manager.click("✅ Надіслати (3)", in_reply=preview[1])

    async with app.unit_of_work() as uow:
        exported = await export_personal_data(uow, app.clock, STAFFER)
    async with app.unit_of_work() as uow:
        await erase_personal_data(uow, app.clock, STAFFER)
    await app.courier.drain()

    assert exported["broadcasts"] == [{"segment": "clients", "created_at": "2026-11-24T08:00:00+00:00", "recipients": 3}]
    async with app.sessions() as db:
        row = (await db.scalars(select(BroadcastRow))).one()
    assert row.author_id < 0 and row.from_chat_id < 0 and row.recipients == 3
    assert all(copies_to(session, person) == [] for person in (OLENA, PETRO, MARTA))
