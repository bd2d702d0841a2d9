"""Profile edits wait for an admin: a therapist proposes, a community manager approves or rejects, the therapist
is told either way, the live profile changes only on approval, and the audit log keeps who decided."""
from __future__ import annotations

from typing import Any

from aiogram.methods import EditMessageCaption, SendPhoto
from sqlalchemy import select

from core.staff import StaffRole
from storage.tables import AuditRow, ProfileChangeRow
from tests.bot import booking_support
from tests.bot.booking_support import IRYNA, MAKSYM, PETRO, add_person, add_therapist, deliver, sent_to
from tests.bot.cabinet_support import MENU_PROFILE, answers, iryna_in_cabinet, profile_of
from tests.bot.staff_support import REFUSED_TO_STAFF, STAFFER, give
from tests.conftest import ADMIN_ID
from tests.support.bot_client import BotClient

app, sleeper = booking_support.app, booking_support.sleeper

ABOUT = (
    "Я працюю з дорослими, яких виснажила тривога, і з тими, хто переживає втрату. Разом ми шукаємо опору, "
    "повертаємо сон і вчимося помічати свої потреби — без поспіху й оцінок."
)


async def changes(app) -> list[tuple[str, Any, str, int | None, str | None]]:
    async with app.sessions() as db:
        rows = await db.scalars(select(ProfileChangeRow).order_by(ProfileChangeRow.id))
        return [(row.field, row.value, row.status, row.decided_by, row.note) for row in rows]


async def audit(app) -> list[tuple[int, str, int | None]]:
    async with app.sessions() as db:
        rows = await db.scalars(select(AuditRow).where(AuditRow.action.like("profile.%")).order_by(AuditRow.id))
        return [(row.actor_id, row.action, row.subject_id) for row in rows]


async def admin(app, make_client) -> BotClient:
    client = make_client(ADMIN_ID, "Admin")
    await client.send("/start")
    return client


async def send_photo(client: BotClient, file_id: str) -> list:
    sizes = [
        {"file_id": f"{file_id}-small", "file_unique_id": f"{file_id}-s", "width": 90, "height": 90},
        {"file_id": file_id, "file_unique_id": f"{file_id}-l", "width": 800, "height": 800},
    ]
    return await client.feed({"message": client._message(photo=sizes)})


async def test_the_profile_is_shown_as_clients_see_it_with_what_she_can_change(app, make_client, session):
    iryna = await iryna_in_cabinet(app, make_client, photo_file_id="iryna-photo")

    replies = await iryna.send(MENU_PROFILE)

    profile, control = BotClient.texts_of(replies)
    assert isinstance(replies[0].method, SendPhoto) and replies[0].method.photo == "iryna-photo"
    assert profile.startswith("Iryna Kovalenko\n💰 1 200 ₴")
    assert "Найближчий вільний час: ср, 25 листопада, 11:00 (Київ, UTC+2)" in profile
    assert profile.endswith("Посилання на цей профіль: https://t.me/therapy_test_bot?start=t_iryna")
    assert control == (
        "👤 Вище — ваш профіль таким, яким його бачать клієнти.\n\n"
        "🟢 Профіль активний: клієнти знаходять вас у каталозі й можуть записатися на сесію.\n\n"
        "Зміни тексту, ціни, тем, підходів і фото спершу переглядає команда платформи; клієнти побачать їх "
        "після схвалення. Пауза й відновлення діють одразу."
    )
    assert replies[-1].buttons == [
        "✏️ Про себе", "💰 Ціна", "💬 Теми", "🧭 Підходи", "🖼 Фото", "🇬🇧 Ім'я", "🇬🇧 Освіта", "🇬🇧 Про мене",
        "⏸ Призупинити нових клієнтів", "🔗 Моє посилання, відео й подкасти",
    ]


async def test_an_edit_is_checked_waits_for_approval_and_is_applied_when_approved(app, make_client, session):
    iryna = await iryna_in_cabinet(app, make_client)
    boss = await admin(app, make_client)
    await iryna.send("/profile")
    asked = await iryna.click("✏️ Про себе")
    short = await iryna.send("Я допомагаю.")
    sticker = await iryna.send_sticker()
    sent = await iryna.send(ABOUT)

    prompt = "Надішліть новий текст про себе — так, як його читатимуть клієнти: 150–1500 символів. /cancel — зупинити."
    assert answers(asked) == [prompt]
    assert answers(short) == ["Символів тут: 12, а потрібно щонайменше 150.\n\n" + prompt]
    assert answers(sticker) == ["Будь ласка, напишіть це текстом.\n\n" + prompt]
    assert answers(sent) == [
        "✅ Надіслано на схвалення: «Про себе». Клієнти побачать зміну, щойно команда платформи її схвалить; я повідомлю."
    ]
    assert (await profile_of(app)).about == "I help adults with anxiety and with the weight of loss."  # not yet
    mark = len(session.calls)
    await deliver(app)
    [told] = sent_to(session, ADMIN_ID, mark)
    assert told == "✏️ Iryna Kovalenko пропонує зміну «Про себе» у своєму профілі. Усі зміни, що чекають: /profile_changes"

    waiting = await iryna.send("/profile")
    assert "Чекають схвалення:\n• Про себе: Я працюю з дорослими" in waiting[-1].text

    listed = await boss.send("/profile_changes")
    card = await boss.click("Iryna Kovalenko · Про себе")
    assert listed[0].text == "✏️ Зміни профілів, що чекають схвалення: 1. Спершу найдавніші; відкрийте, щоб ухвалити рішення."
    assert card[-2].text.startswith(f"✏️ Iryna Kovalenko ({IRYNA}) пропонує зміну «Про себе». Надіслано вт, 24 листопада, 10:00 (Київ, UTC+2).")
    assert f"Зараз:\nI help adults with anxiety and with the weight of loss.\n\nЗапропоновано:\n{ABOUT}" in card[-2].text
    assert card[-2].buttons == ["✅ Схвалити", "✖️ Відхилити", "« Усі зміни"]

    mark = len(session.calls)
    approved = await boss.click("✅ Схвалити")
    await deliver(app)

    assert BotClient.alerts(approved) == ["Схвалено: тепер клієнти це бачать. Терапевтові повідомлено."]
    assert approved[-2].text.endswith("\n\n✅ Ви схвалили.") and approved[-2].buttons == []
    assert (await profile_of(app)).about == ABOUT
    assert sent_to(session, IRYNA, mark) == ["✅ Вашу зміну «Про себе» схвалено: тепер клієнти бачать її у вашому профілі."]
    assert await changes(app) == [("about", ABOUT, "approved", ADMIN_ID, None)]
    assert await audit(app) == [(ADMIN_ID, "profile.change_approved", IRYNA)]
    # A client reads the new text.
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    profile = await make_client(PETRO, "Petro").send("/start t_iryna")
    assert ABOUT in BotClient.texts_of(profile)[0]


async def test_a_community_manager_rejects_with_a_note_and_the_therapist_reads_it(app, make_client, session):
    iryna = await iryna_in_cabinet(app, make_client)
    maria = make_client(STAFFER, "Maria")
    await maria.send("/start")
    await give(app, STAFFER, StaffRole.COMMUNITY_MANAGER)
    await iryna.send("/profile")
    await iryna.click("💰 Ціна")
    words = await iryna.send("дорого")
    too_cheap = await iryna.send("50")
    await iryna.send("1 500 грн")
    await deliver(app)

    await maria.send("/profile_changes")
    card = await maria.click("Iryna Kovalenko · Ціна")
    asked = await maria.click("✖️ Відхилити")
    stray = await maria.send_sticker()
    mark = len(session.calls)
    done = await maria.send("Ціну можна змінювати раз на квартал; напишіть нам, і обговоримо.")
    await deliver(app)

    price_prompt = "Нова ціна за сесію в гривнях (100–20 000), наприклад 1300. Зараз — 1 200 ₴. /cancel — зупинити."
    assert answers(words) == ["Будь ласка, введіть ціле число гривень від 100 до 20000, наприклад 1300.\n\n" + price_prompt]
    assert answers(too_cheap)[0].startswith("Будь ласка, введіть ціле число гривень від 100 до 20000")
    assert "Зараз:\n1 200 ₴\n\nЗапропоновано:\n1 500 ₴" in card[-2].text
    assert answers(asked)[0].startswith("Iryna Kovalenko: чому не схвалити зміну «Ціна»?")
    assert answers(stray) == ["Будь ласка, напишіть коментар текстом або натисніть «Відхилити без коментаря»."]
    assert answers(done)[0] == "✖️ Iryna Kovalenko: зміну «Ціна» відхилено. Терапевт отримав повідомлення разом із вашим коментарем."
    assert sent_to(session, IRYNA, mark) == [
        "Вашу зміну «Ціна» не схвалено, тож профіль лишається як був.\n\n"
        "Слово від команди платформи: Ціну можна змінювати раз на квартал; напишіть нам, і обговоримо.\n\n"
        "Можете змінити й надіслати знову або запитати нас: /support"
    ]
    assert (await profile_of(app)).price_minor == 120_000
    assert await changes(app) == [
        ("price", 150_000, "rejected", STAFFER, "Ціну можна змінювати раз на квартал; напишіть нам, і обговоримо.")
    ]
    assert await audit(app) == [(STAFFER, "profile.change_rejected", IRYNA)]
    # Decided once: the card's old buttons only say so.
    again = await maria.click("✅ Схвалити", in_reply=card[-2])
    assert BotClient.alerts(again) == ["Цю зміну вже відхилено."]
    assert (await profile_of(app)).price_minor == 120_000


async def test_topics_are_ticked_a_photo_sent_and_a_newer_proposal_replaces_the_waiting_one(app, make_client, session):
    iryna = await iryna_in_cabinet(app, make_client)
    boss = await admin(app, make_client)
    await iryna.send("/profile")
    picker = await iryna.click("💬 Теми")
    assert picker[-2].buttons[:2] == ["✓ Тривога", "Депресія"]
    await iryna.click("✓ Тривога")
    await iryna.click("✓ Горе і втрата")
    nothing = await iryna.click("✅ Готово: надіслати на схвалення")
    await iryna.click("Травма")
    typed = await iryna.send("ще депресія")
    sent = await iryna.click("✅ Готово: надіслати на схвалення")
    closed = await iryna.click("Депресія", in_reply=picker[-2])

    assert BotClient.alerts(nothing) == ["Оберіть, будь ласка, хоча б один варіант."]
    assert answers(typed) == ["Будь ласка, позначте кнопками, а тоді натисніть «Готово»."]
    assert BotClient.texts_of(sent)[-1].startswith("✅ Надіслано на схвалення: «Теми».")
    assert BotClient.alerts(closed) == ["Цей список уже закрито. Щоб змінити знову, відкрийте профіль: /profile"]

    await iryna.send("/profile")
    await iryna.click("🖼 Фото")
    as_file = await iryna.feed({"message": iryna._message(document={"file_id": "doc-1", "file_unique_id": "d1", "mime_type": "image/jpeg"})})
    await send_photo(iryna, "new-portrait")
    await iryna.send("/profile")
    await iryna.click("💬 Теми")
    await iryna.click("Депресія")
    replaced = await iryna.click("✅ Готово: надіслати на схвалення")

    assert answers(as_file)[0].startswith("Будь ласка, надішліть це як фото, а не як файл")
    assert "Вона замінює вашу попередню пропозицію, що ще чекала." in BotClient.texts_of(replaced)[-1]
    assert await changes(app) == [
        ("topics", ["trauma"], "withdrawn", None, None),
        ("photo", "new-portrait", "pending", None, None),
        ("topics", ["depression", "trauma"], "pending", None, None),
    ]

    await boss.send("/profile_changes")
    photo_card = await boss.click("Iryna Kovalenko · Фото")
    assert isinstance(photo_card[-2].method, SendPhoto) and photo_card[-2].method.photo == "new-portrait"
    assert photo_card[-2].text.endswith("Вище — запропоноване фото. Зараз у профілі: без фото.")
    approved = await boss.click("✅ Схвалити", in_reply=photo_card[-2])
    assert any(isinstance(reply.method, EditMessageCaption) for reply in approved)
    assert (await profile_of(app)).photo_file_id == "new-portrait"
    assert approved[-2].text.startswith("✏️ Зміни профілів, що чекають схвалення: 1.")  # the next one waits

    await boss.click("Iryna Kovalenko · Теми")
    await boss.click("✖️ Відхилити")
    plain = await boss.click("Відхилити без коментаря")
    assert BotClient.alerts(plain) == ["Відхилено. Терапевтові повідомлено."]
    assert (await profile_of(app)).topics == ["anxiety", "grief"]


async def test_the_same_value_is_nothing_to_approve_and_cancel_sends_nothing(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send("/profile")
    await iryna.click("💰 Ціна")
    same = await iryna.send("1200")
    await iryna.send("/profile")
    await iryna.click("✏️ Про себе")
    stopped = await iryna.send("/cancel")

    assert answers(same) == ["Саме це вже є у вашому профілі, тож схвалювати нічого."]
    assert answers(stopped) == ["Зупинено; нічого не надіслано на схвалення. Ваш профіль — /profile."]
    assert await changes(app) == []


async def test_only_community_managers_decide_and_never_on_their_own_profile(app, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await iryna.send("/profile")
    await iryna.click("💰 Ціна")
    await iryna.send("1300")
    [(field, *_rest)] = await changes(app)
    async with app.sessions() as db:
        change_id = (await db.scalars(select(ProfileChangeRow.id))).one()

    support = make_client(STAFFER, "Taras")
    await support.send("/start")
    await give(app, STAFFER, StaffRole.SUPPORT)
    refused_list = await support.send("/profile_changes")
    refused_button = await support.press(f"pca:{change_id}")
    # Maksym is a therapist and a community manager: he may decide on Iryna's change, not on his own.
    await add_therapist(app, MAKSYM, "Maksym Bondar")
    await give(app, MAKSYM, StaffRole.COMMUNITY_MANAGER)
    maksym = make_client(MAKSYM, "Maksym")
    await maksym.send("/profile")
    await maksym.click("💰 Ціна")
    await maksym.send("900")
    async with app.sessions() as db:
        own_id = (await db.scalars(select(ProfileChangeRow.id).where(ProfileChangeRow.therapist_id == MAKSYM))).one()
    own = await maksym.press(f"pca:{own_id}")

    assert answers(refused_list) == [REFUSED_TO_STAFF]
    assert BotClient.alerts(refused_button) == [REFUSED_TO_STAFF]
    assert BotClient.alerts(own) == ["Це ваш власний профіль: рішення ухвалить інший адміністратор."]
    assert [row[2] for row in await changes(app)] == ["pending", "pending"]
    assert field == "price"


async def test_the_admins_notice_is_dropped_if_the_change_is_decided_before_it_goes_out(app, make_client, session):
    iryna = await iryna_in_cabinet(app, make_client)
    maria = make_client(STAFFER, "Maria")
    await maria.send("/start")
    await give(app, STAFFER, StaffRole.COMMUNITY_MANAGER)
    await admin(app, make_client)
    await deliver(app)
    await iryna.send("/profile")
    await iryna.click("💰 Ціна")
    await iryna.send("1300")  # written for both; delivered only when the test lets it
    await maria.send("/profile_changes")
    await maria.click("Iryna Kovalenko · Ціна")
    mark = len(session.calls)
    await maria.click("✅ Схвалити")

    await deliver(app)

    assert sent_to(session, ADMIN_ID, mark) == []
    assert sent_to(session, IRYNA, mark) == ["✅ Вашу зміну «Ціна» схвалено: тепер клієнти бачать її у вашому профілі."]


async def test_a_therapist_gives_her_texts_in_english_and_english_readers_see_them(app, make_client, session):
    iryna = await iryna_in_cabinet(app, make_client)
    boss = await admin(app, make_client)
    english_about = (
        "I work with adults who live with anxiety or grief. We go at your pace, in plain words, and look for what "
        "helps you in your own life, not in a textbook."
    )
    await iryna.send("/profile")
    await iryna.click("🇬🇧 Ім'я")
    named = await iryna.send("Iryna Kovalenko-Shevchuk")
    await iryna.send("/profile")
    asked = await iryna.click("🇬🇧 Про мене")
    await iryna.send(english_about)
    assert answers(named) == [
        "✅ Надіслано на схвалення: «Ім'я англійською». Клієнти побачать зміну, щойно команда платформи її схвалить; "
        "я повідомлю."
    ]
    assert answers(asked) == [
        "Надішліть «Про мене англійською» так, як це побачать клієнти, що читають англійською: 150–1500 символів. "
        "/cancel — зупинити."
    ]
    await deliver(app)
    await boss.send("/profile_changes")
    await boss.click("Iryna Kovalenko · Ім'я англійською")
    await boss.click("✅ Схвалити")
    await boss.send("/profile_changes")
    await boss.click("Iryna Kovalenko · Про мене англійською")
    await boss.click("✅ Схвалити")
    profile = await profile_of(app)
    assert (profile.name_en, profile.about_en, profile.about) == (
        "Iryna Kovalenko-Shevchuk", english_about, "I help adults with anxiety and with the weight of loss."
    )

    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    await add_person(app, MAKSYM + 1, "Emma", locale="en", zone="Europe/London")
    in_english = BotClient.texts_of(await make_client(MAKSYM + 1, "Emma", language_code="en").send("/start t_iryna"))[0]
    assert in_english.startswith("Iryna Kovalenko-Shevchuk\n") and english_about in in_english
    in_ukrainian = BotClient.texts_of(await make_client(PETRO, "Petro").send("/start t_iryna"))[0]
    assert in_ukrainian.startswith("Iryna Kovalenko\n") and english_about not in in_ukrainian
