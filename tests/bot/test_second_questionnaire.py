"""The second questionnaire: documents checked by type and size, the profile as clients will see it."""
# ruff: noqa: F811

from __future__ import annotations

from aiogram.fsm.storage.memory import MemoryStorage

from bot.app import build_app
from bot.keyboards.vetting import Review
from tests.bot.vetting_support import (  # noqa: F401 (app and sleeper are fixtures)
    ABOUT,
    EXPERIENCE,
    app,
    application_row,
    document,
    fill_second,
    photo,
    send_first,
    sleeper,
)
from tests.conftest import ADMIN_ID
from tests.support.bot_client import BotClient

MB = 1024 * 1024


async def interviewed(app, client: BotClient, make_client) -> BotClient:
    """An applicant whose interview was held: the second questionnaire's notice is delivered."""
    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/start")
    await send_first(client)
    await admin.press(Review(action="invite", application=1).pack())
    await admin.send("26.11 18:00")
    await admin.click("➡️ Це все: до посилання")
    await admin.send("https://meet.example.com/x")
    await admin.click("📨 Надіслати запрошення")
    await app.courier.drain()
    await client.click("✅ Підтвердити")
    await admin.press(Review(action="held", application=1).pack())
    await app.courier.drain()
    return admin


async def send_file(client: BotClient, **content) -> list:
    return await client.feed({"message": client._message(**content)})


async def test_documents_are_checked_by_type_and_size_and_several_may_be_sent(app, client, make_client):
    await interviewed(app, client, make_client)
    opened = await client.click("📝 Заповнити другу анкету")
    assert BotClient.texts_of(opened)[0].startswith("Запитання 1 з 12\n\nНадішліть, будь ласка, документи про освіту")

    word = await send_file(client, document=document("cv", mime="application/msword", name="cv.doc"))
    huge = await send_file(client, document=document("scan", size=25 * MB, name="scan.pdf"))
    typed = await client.send("диплом є, надішлю пізніше")
    sticker = await client.send_sticker()
    too_early = await client.click("✔️ Готово")
    pdf = await send_file(client, document=document("diploma-1"))
    scan = await send_file(client, photo=photo("diploma-2"))
    again = await send_file(client, document=document("diploma-1"))

    assert BotClient.texts_of(word)[0].startswith("Такий файл не підходить: надішліть, будь ласка, документ PDF або фото (JPEG чи PNG).")
    assert BotClient.texts_of(huge)[0].startswith("Цей файл важить 25 МБ, а можна щонайбільше 20 МБ.")
    assert BotClient.texts_of(typed)[0].startswith("Тут потрібен файл: фото або документ PDF.")
    assert BotClient.texts_of(sticker)[0].startswith("Тут потрібен файл: фото або документ PDF.")
    assert BotClient.alerts(too_early) == ["Спершу надішліть хоча б один файл."]
    assert BotClient.texts_of(pdf) == ["✓ Отримано. Файлів уже: 1. Надішліть ще або натисніть «Готово»."]
    assert BotClient.texts_of(scan) == ["✓ Отримано. Файлів уже: 2. Надішліть ще або натисніть «Готово»."]
    assert scan[0].buttons == ["✔️ Готово", "🗑 Прибрати надіслані файли"]
    assert BotClient.texts_of(again)[0].startswith("Цей файл уже є.")

    done = await client.click("✔️ Готово")
    assert BotClient.texts_of(done)[0].startswith("Запитання 2 з 12\n\nТепер сертифікати")
    row = await application_row(app, client.user_id)
    assert row.step == "second_draft"
    assert [(f["file_id"], f["kind"]) for f in row.second_answers["education_documents"]] == [
        ("diploma-1", "document"), ("diploma-2", "photo"),
    ]


async def test_the_profile_answers_are_validated_and_the_topics_come_from_the_first_questionnaire(app, client, make_client):
    await interviewed(app, client, make_client)
    await client.click("📝 Заповнити другу анкету")
    await send_file(client, document=document("diploma-1"))
    await client.click("✔️ Готово")
    await send_file(client, document=document("certificate-1", name="cbt.pdf"))
    await client.click("✔️ Готово")
    await client.send("Ivan Franko National University of Lviv, clinical psychology, 2014")
    short = await client.send("Працюю з дорослими.")
    await client.send(EXPERIENCE)
    await client.send(ABOUT)
    as_file = await send_file(client, document=document("portrait", mime="image/jpeg", name="me.jpg"))
    await send_file(client, photo=photo("portrait-1"))
    cheap = await client.send("50")
    words = await client.send("тисяча")
    topics = await client.send("1 200 грн")

    assert BotClient.texts_of(short)[0].startswith("Закоротко: потрібно щонайменше 100 символів.")
    assert BotClient.texts_of(as_file)[0].startswith("Надішліть портрет як фото, а не як файл")
    assert BotClient.texts_of(cheap)[0].startswith("Надішліть, будь ласка, ціле число від 100 до 20000 цифрами.")
    assert BotClient.texts_of(words)[0].startswith("Надішліть, будь ласка, ціле число від 100 до 20000")
    assert BotClient.texts_of(topics)[0].startswith("Запитання 8 з 12\n\nТеми, які буде видно у вашому профілі.")
    marked = [b.callback_data.rsplit(":", 1)[-1] for row in topics[0].method.reply_markup.inline_keyboard for b in row if b.text.startswith("✅")]
    assert marked == ["anxiety", "burnout"]
    assert (await application_row(app, client.user_id)).second_answers["price"] == 120_000


async def test_an_answer_is_edited_from_the_summary_and_a_restart_loses_nothing(app, client, make_client, settings, clock, session):
    await interviewed(app, client, make_client)
    summary = await fill_second(client)
    text = BotClient.texts_of(summary)[0]
    assert "• Документи про освіту: 1 файл" in text
    assert "• Ціна сесії: 1 200 ₴" in text
    assert "Вимоги:" not in text

    await client.click("✏️ Ціна сесії")
    restarted = build_app(settings, clock=clock, session=session, fsm_storage=MemoryStorage())
    again = BotClient(restarted, session, client.user_id, client.first_name)
    resumed = await again.send("привіт")
    edited = await again.send("1500")
    sent = await again.click("📨 Надіслати анкету")
    await restarted.engine.dispose()

    assert BotClient.texts_of(resumed)[0].startswith("З поверненням! Ваші відповіді збережено; ось де ви зупинилися.\n\nЗапитання 7 з 12")
    assert "⬅️ Назад до підсумку" in resumed[0].buttons
    assert "• Ціна сесії: 1 500 ₴" in BotClient.texts_of(edited)[0]
    assert BotClient.texts_of(sent)[0].startswith("Дякуємо! Документи й профіль надіслано на схвалення")
    assert (await application_row(app, client.user_id)).step == "second_submitted"


async def test_a_questionnaire_closed_by_a_decline_says_so_and_keeps_nothing_open(app, client, make_client):
    admin = await interviewed(app, client, make_client)
    await client.click("📝 Заповнити другу анкету")
    await admin.press(Review(action="decline", application=1).pack())
    await admin.click("📨 Надіслати цю відповідь")

    late = await send_file(client, document=document("diploma-1"))
    assert BotClient.texts_of(late) == ["Ця анкета вже закрита. Де зараз ваша заявка: /status"]
    assert (await application_row(app, client.user_id)).second_answers.get("education_documents") is None


async def test_the_profile_texts_can_be_given_in_english_too_or_skipped(app, client, make_client):
    await interviewed(app, client, make_client)
    english_about = "I help adults with anxiety and burnout find calm and a way forward, gently and at their pace. " * 2
    summary = await fill_second(client, english=("Olena Koval", None, english_about))
    text = BotClient.texts_of(summary)[0]
    assert "• Ім'я англійською: Olena Koval" in text
    assert "• Освіта англійською: —" in text  # skipped: clients who read English see the Ukrainian one
    answers = (await application_row(app, client.user_id)).second_answers
    assert (answers["name_en"], answers["education_en"], answers["about_en"]) == ("Olena Koval", None, english_about.strip())
