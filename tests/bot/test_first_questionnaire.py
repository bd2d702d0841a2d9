"""The first questionnaire: one question at a time, validated, editable, and never lost."""
# ruff: noqa: F811
from __future__ import annotations

from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import EditMessageReplyMarkup

from bot.app import build_app
from bot.keyboards.vetting import Answer
from core.applications import Form
from core.therapists import TherapistProfile
from core.users import Role, User
from storage.tables import UserRow
from tests.bot.vetting_support import (  # noqa: F401 (app and sleeper are fixtures)
    ANNA,
    COLLEAGUE,
    FIRST_ANSWERS,
    answer,
    app,
    application_row,
    fill_first,
    send_first,
    sleeper,
    timed,
)
from tests.conftest import ADMIN_ID, START
from tests.support.bot_client import BotClient


async def test_apply_tells_why_join_and_asks_one_question_at_a_time(client, app):
    intro = await client.send("/apply")
    started = await client.click("📝 Почати анкету")

    assert intro[0].text.startswith("Долучитися до платформи як терапевт")
    assert "7–10 робочих днів" in intro[0].text
    assert BotClient.texts_of(started) == [
        "Запитання 1 з 14\n\nЯк вас звати (повне ім'я)? Саме так воно буде у вашому профілі, якщо ви долучитеся."
    ]
    row = await application_row(app, client.user_id)
    assert (row.step, row.position, row.first_answers) == ("first_draft", "name", {})


async def test_the_menu_button_and_the_shared_link_lead_to_the_same_start(client, make_client):
    from_menu = await client.send("🧑‍⚕️ Долучитися як терапевт")
    from_link = await make_client(COLLEAGUE, "Taras").send("/start apply")
    assert from_menu[0].buttons == ["📝 Почати анкету"]
    assert from_link[0].text.startswith("Долучитися до платформи як терапевт")


async def test_wrong_answers_are_explained_and_the_question_stays(client, app):
    await client.send("/apply")
    await client.click("📝 Почати анкету")

    no_letters = await client.send("12345")
    sticker = await client.send_sticker()
    a_photo = await client.feed({"message": client._message(photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}])})
    await client.send("Olena Koval")
    bad_email = await client.send("olena@nowhere")

    assert no_letters[0].text.startswith("Дайте, будь ласка, відповідь словами.\n\nЗапитання 1 з 14")
    assert sticker[0].text.startswith("Напишіть, будь ласка, відповідь текстом.\n\nЗапитання 1 з 14")
    assert a_photo[0].text.startswith("Тут файл не потрібен.\n\nЗапитання 1 з 14")
    assert bad_email[0].text.startswith("Це не схоже на адресу електронної пошти")
    assert "Запитання 2 з 14" in bad_email[0].text

    for key, value in [("email", "olena@example.com"), ("country", "Україна"), ("city", "Львів"), ("timezone", ("Europe/Kyiv",))]:
        await answer(client, Form.FIRST, key, value)
    typed_at_buttons = await client.send("медична")
    await answer(client, Form.FIRST, "education", ("medical",))
    too_many = await client.send("75")
    not_a_number = await client.send("п'ять")

    assert typed_at_buttons[0].text.startswith("Дайте, будь ласка, відповідь кнопками нижче.\n\nЗапитання 5 з 14")
    assert too_many[0].text.startswith("Надішліть, будь ласка, ціле число від 0 до 60 цифрами.\n\nЗапитання 6 з 14")
    assert not_a_number[0].text.startswith("Надішліть, будь ласка, ціле число від 0 до 60")
    row = await application_row(app, client.user_id)
    assert row.position == "practice_years"
    assert row.first_answers == {
        "name": "Olena Koval", "email": "olena@example.com", "country": "Україна", "city": "Львів",
        "timezone": "Europe/Kyiv", "education": "medical",
    }


async def test_back_returns_to_the_previous_question_with_its_answer(client):
    await client.send("/apply")
    await client.click("📝 Почати анкету")
    await client.send("Olena Koval")
    back = await client.click("⬅️ Назад")
    kept = await client.click("➡️ Лишити цю відповідь")

    shown = BotClient.texts_of(back)[0]
    assert shown.startswith("Запитання 1 з 14")
    assert shown.endswith("Ваша відповідь зараз: Olena Koval")
    assert BotClient.texts_of(kept)[0].startswith("Запитання 2 з 14")


async def test_a_typed_city_sets_the_time_zone_and_a_stale_button_is_refused(client, app):
    await client.send("/apply")
    await client.click("📝 Почати анкету")
    for key, value in [("name", "Olena Koval"), ("email", None), ("country", "Польща"), ("city", "Варшава")]:
        await answer(client, Form.FIRST, key, value)
    stale = await client.click("Пропустити: достатньо Telegram")
    zone = await client.send("warsaw")

    assert BotClient.alerts(stale) == ["Ця кнопка з іншого запитання. Ось де ви зараз:"]
    assert BotClient.texts_of(stale)[0].startswith("Перед наступним запитанням: ваш часовий пояс")
    assert BotClient.texts_of(zone)[0].startswith("Запитання 5 з 14")
    async with app.sessions() as session:
        user = await session.get(UserRow, client.user_id)
    assert (user.timezone, user.timezone_chosen) == ("Europe/Warsaw", True)


async def test_a_time_zone_chosen_at_start_is_not_asked_again(client, app, make_client):
    anna = make_client(ANNA, "Anna", language_code="en")
    for person, yes, start in ((client, "Так, залишити", "📝 Почати анкету"), (anna, "Yes, keep it", "📝 Start the questionnaire")):
        await person.send("/start")
        await person.click(yes)
        await person.send("/apply")
        await person.click(start)
        for key, value in FIRST_ANSWERS[:3]:
            await answer(person, Form.FIRST, key, value)
    # after question 4 (the city) comes question 5: the zone, known already, is passed over and not counted
    in_ukrainian = BotClient.texts_of(await client.send("Львів"))[0]
    in_english = BotClient.texts_of(await anna.send("New York"))[0]

    assert in_ukrainian.startswith(
        "Запитання 5 з 14\n\n🕓 Часовий пояс: Київ, UTC+2; змінити його можна в підсумку наприкінці.\n\n"
    )
    assert in_english.startswith("Question 5 of 14\n\n🕓 Time zone: Kyiv, UTC+2; you can change it in the summary at the end.\n\n")
    assert (await application_row(app, client.user_id)).first_answers["timezone"] == "Europe/Kyiv"


async def test_several_options_are_ticked_in_place_and_need_at_least_one(client):
    await fill_first(client)  # to the summary, then edit the languages (first answered: uk, en)
    await client.click("✏️ Мови")
    untick_uk = await client.press(Answer(form=Form.FIRST, key="languages", value="uk").pack())
    await client.press(Answer(form=Form.FIRST, key="languages", value="en").pack())
    refused = await client.click("✔️ Готово")
    tick_pl = await client.press(Answer(form=Form.FIRST, key="languages", value="pl").pack())

    def ticked(replies):
        markup = replies[-2].method.reply_markup
        return [b.callback_data.rsplit(":", 1)[-1] for row in markup.inline_keyboard for b in row if b.text.startswith("✅ ")]

    assert isinstance(untick_uk[-2].method, EditMessageReplyMarkup)  # redrawn in place, not sent again
    assert ticked(untick_uk) == ["en"]
    assert BotClient.alerts(refused) == ["Оберіть хоча б один варіант."]
    assert ticked(tick_pl) == ["pl"]


async def test_the_summary_shows_every_answer_and_the_requirement_check_and_an_edit_comes_back_to_it(client, app, make_client):
    summary = await fill_first(client, practice_years="1", certified_hours="400")
    text = BotClient.texts_of(summary)[0]

    assert text.startswith("Перевірте, будь ласка, свої відповіді:")
    assert "• Ім'я: Olena Koval" in text
    assert "• Електронна пошта: — (достатньо Telegram)" in text
    assert "• Вища освіта: медична" in text
    assert "• Часовий пояс: Київ\n" in text  # a zone is a city to a reader, not Europe/Kyiv
    assert "❌ Практика: 1 рік, а потрібно щонайменше 2." in text
    assert "✅ Сертифікація: 400 годин (потрібно щонайменше 400)." in text
    assert "заявку можуть відхилити з причин, позначених ❌" in text

    editing = await client.click("✏️ Місто")
    assert "⬅️ Назад до підсумку" in editing[-2].buttons
    edited = await client.send("Київ")
    assert "• Місто: Київ" in BotClient.texts_of(edited)[0]

    sent = await client.click("📨 Надіслати анкету")
    assert BotClient.texts_of(sent)[0].startswith("Дякуємо! Анкету надіслано.")
    assert "Зазвичай це займає до 2 робочих днів." in BotClient.texts_of(sent)[0]
    assert sent[-2].buttons == ["📍 Моя заявка", "📋 Вимоги", "⚙️ Налаштування", "🆘 Допомога"]
    row = await application_row(app, client.user_id)
    assert (row.step, row.first_answers["city"], row.first_answers["practice_years"]) == ("submitted", "Київ", 1)
    assert [m.recipient_id for m in await timed(app, "vetting.submitted")] == []  # the admin never started the bot

    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/start")
    again = await send_first(make_client(ANNA, "Anna", language_code="en"))
    assert BotClient.texts_of(again)[0].startswith("Thank you! Your questionnaire is sent.")
    assert [m.recipient_id for m in await timed(app, "vetting.submitted")] == [ADMIN_ID]


async def test_a_restart_with_a_fresh_conversation_state_resumes_the_same_question(client, app, settings, clock, session):
    await client.send("/apply")
    await client.click("📝 Почати анкету")
    for key, value in [("name", "Olena Koval"), ("email", None), ("country", "Україна")]:
        await answer(client, Form.FIRST, key, value)

    restarted = build_app(settings, clock=clock, session=session, fsm_storage=MemoryStorage())
    again = BotClient(restarted, session, client.user_id, client.first_name)
    stray = await again.send("Львів")
    by_command = await again.send("/apply")
    answered = await again.send("Львів")

    assert BotClient.texts_of(stray)[0].startswith("З поверненням! Ваші відповіді збережено; ось де ви зупинилися.\n\nЗапитання 4 з 14")
    assert BotClient.texts_of(by_command)[0].startswith("З поверненням!")
    assert "Запитання 4 з 14" in BotClient.texts_of(by_command)[0]
    assert BotClient.texts_of(answered)[0].startswith("Перед наступним запитанням: ваш часовий пояс")
    async with restarted.unit_of_work() as uow:
        draft = await uow.applications.active_for(client.user_id)
    assert draft.first_answers == {"name": "Olena Koval", "email": None, "country": "Україна", "city": "Львів"}
    await restarted.engine.dispose()


async def test_after_a_restart_typed_text_at_a_button_question_gets_the_question_with_its_buttons(
    client, app, make_client, settings, clock, session
):
    anna = make_client(ANNA, "Anna", language_code="en")
    for person in (client, anna):
        await person.send("/apply")
        await person.press("apply:")
        for key, value in FIRST_ANSWERS[:5]:
            await answer(person, Form.FIRST, key, value)

    restarted = build_app(settings, clock=clock, session=session, fsm_storage=app.dispatcher.storage)
    typed = await BotClient(restarted, session, client.user_id, client.first_name).send("медична")
    in_english = await BotClient(restarted, session, ANNA, "Anna", language_code="en").send("medical")

    assert BotClient.texts_of(typed)[0].startswith("Дайте, будь ласка, відповідь кнопками нижче.\n\nЗапитання 5 з 14")
    assert typed[-1].buttons[:2] == ["психологічна", "педагогічна"]
    assert BotClient.texts_of(in_english)[0].startswith("Please answer with the buttons below.\n\nQuestion 5 of 14")
    assert in_english[-1].buttons[:2] == ["psychological", "pedagogical"]
    await restarted.engine.dispose()


async def test_start_in_the_middle_of_a_questionnaire_shows_its_step_again(client):
    await client.send("/apply")
    await client.press("apply:")
    for key, value in FIRST_ANSWERS[:3]:
        await answer(client, Form.FIRST, key, value)

    restarted = await client.send("/start")  # what Telegram's "Restart bot" sends
    answered = await client.send("Львів")

    assert BotClient.texts_of(restarted)[-1].startswith(
        "З поверненням! Ваші відповіді збережено; ось де ви зупинилися.\n\nЗапитання 4 з 14"
    )
    assert BotClient.texts_of(answered)[0].startswith("Перед наступним запитанням: ваш часовий пояс")


async def test_a_referral_link_records_the_therapist_or_applicant_who_shared_it(client, app, make_client):
    async with app.unit_of_work() as uow:
        await uow.users.add(User(7001, "Iryna", "uk", "Europe/Kyiv", START, roles={Role.THERAPIST}))
        await uow.therapists.add(TherapistProfile(7001, "Iryna Bondar", "…", "…", 8, 100_000, "Europe/Kyiv", share_code="iryna123"))
        await uow.commit()

    await client.send("/start ref_iryna123")
    await client.click("📝 Почати анкету")
    referred = await application_row(app, client.user_id)
    status = await client.send("/status")
    link = f"https://t.me/therapy_test_bot?start=ref_{referred.referral_code}"
    colleague = make_client(COLLEAGUE, "Taras")
    await colleague.send(f"/start ref_{referred.referral_code}")
    await colleague.click("📝 Почати анкету")

    assert referred.referrer_id == 7001
    assert link in BotClient.texts_of(status)[0]
    assert (await application_row(app, COLLEAGUE)).referrer_id == client.user_id


async def test_an_unsent_draft_can_be_discarded_from_the_status(client, app):
    await client.send("/apply")
    await client.click("📝 Почати анкету")
    await client.send("Olena Koval")
    status = await client.send("/status")
    await client.click("🗑 Стерти мої відповіді")
    done = await client.click("Так, стерти")

    assert BotClient.texts_of(status)[0].startswith("Вашу першу анкету ще не надіслано: відповіді є на 1 з 15.")
    assert BotClient.texts_of(done) == ["Ваші відповіді стерто. Подати заявку можна будь-коли: /apply"]
    async with app.unit_of_work() as uow:
        assert await uow.applications.latest_for(client.user_id) is None
    stray = await client.send("hello")
    assert not BotClient.texts_of(stray)[0].startswith("З поверненням!")


async def test_a_psychology_graduate_meets_the_education_requirement(client, make_client):
    summary = BotClient.texts_of(await fill_first(client, education=("psychological",)))[0]
    assert "• Вища освіта: психологічна" in summary
    assert "✅ Вища освіта: психологічна." in summary and "❌ Вища освіта" not in summary

    anna = make_client(ANNA, "Anna", language_code="en")
    in_english = BotClient.texts_of(await fill_first(anna, education=("psychological",)))[0]
    assert "✅ Higher education: psychological." in in_english
    rules = (await anna.send("/requirements"))[0].text
    assert "psychological, pedagogical, medical or sociological (psychology is among the social and behavioural sciences)" in rules
