"""Finding a therapist: who is listed, filters, pages, the full profile and its share link."""
from __future__ import annotations

from datetime import date

from aiogram.methods import SendPhoto

from core.schedule import Vacation
from tests.bot import booking_support
from tests.bot.booking_support import IRYNA, MAKSYM, OLENA, PETRO, add_person, add_therapist, scene
from tests.support.bot_client import BotClient

app = booking_support.app
sleeper = booking_support.sleeper


async def test_only_verified_accepting_visible_therapists_not_on_vacation_are_listed(app, make_client):
    await scene(app)
    await add_therapist(app, 2003, "Oksana Melnyk", price_minor=90_000, topics=["relationships"], languages=["uk"])
    await add_therapist(app, 2004, "Taras Bondar", verified=False)
    await add_therapist(app, 2005, "Yulia Savchenko", accepting_clients=False)
    await add_therapist(app, 2006, "Andrii Kravets", hidden=True)
    await add_therapist(app, 2007, "Natalia Shevchuk", vacations=[Vacation(date(2026, 11, 20), date(2026, 12, 1))])
    petro = make_client(PETRO, "Petro")

    replies = await petro.send("🔎 Знайти терапевта")

    text = BotClient.texts_of(replies)[0]
    assert text.startswith("🔎 Пошук терапевта\nТема: будь-яка · Підхід: будь-який\nМова: будь-яка · Ціна: будь-яка")
    assert "Знайдено: 2" in text
    assert (
        "Iryna Kovalenko · 1 200 ₴\nТривога, Горе і втрата · Українська, Англійська\n"
        "🗓 Найближчий вільний час: ср, 25 листопада, 11:00 (Київ, UTC+2)"
    ) in text
    assert replies[0].buttons[:2] == ["Iryna Kovalenko · 1 200 ₴", "Oksana Melnyk · 900 ₴"]
    for hidden in ("Taras", "Yulia", "Andrii", "Natalia"):
        assert hidden not in text


async def test_filters_are_chosen_with_buttons_and_can_be_cleared(app, make_client):
    await scene(app)
    await add_therapist(app, 2003, "Oksana Melnyk", price_minor=90_000, topics=["relationships"], languages=["uk", "pl"])
    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send("/find")

    choices = await olena.click("Topic: any")
    assert BotClient.texts_of(choices) == ["What would you like to talk about?"]
    found = await olena.click("Relationships")
    assert "Found: 1" in BotClient.texts_of(found)[0]
    assert found[-2].buttons[0] == "Oksana Melnyk · ₴900"

    await olena.click("Price: any")
    nobody = await olena.click("from ₴1,500")
    assert "No one matches all of these filters." in BotClient.texts_of(nobody)[0]
    everyone = await olena.click("✖️ Clear filters")
    assert "Found: 2" in BotClient.texts_of(everyone)[0]

    await olena.click("Language: any")
    polish = await olena.click("Polish")
    assert "Language: Polish" in BotClient.texts_of(polish)[0]
    assert "Found: 1" in BotClient.texts_of(polish)[0]


async def test_an_empty_directory_says_so_without_blaming_filters_nobody_set(app, make_client):
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")

    in_ukrainian = BotClient.texts_of(await make_client(PETRO, "Petro").send("/find"))[0]
    olena = make_client(OLENA, "Olena", language_code="en")
    in_english = BotClient.texts_of(await olena.send("/find"))[0]
    await olena.click("Topic: any")
    filtered = BotClient.texts_of(await olena.click("Relationships"))[0]

    assert in_ukrainian.endswith("\n\nЗараз жоден терапевт не приймає нових клієнтів. Зазирніть, будь ласка, трохи згодом.")
    assert in_english.endswith("\n\nNo therapist is taking new clients right now. Please look in again soon.")
    assert "filters" not in in_english
    assert filtered.endswith("No one matches all of these filters. Try loosening one of them.")


async def test_a_long_list_is_paged(app, make_client):
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    for n in range(7):
        await add_therapist(app, 3000 + n, f"Therapist {n} Test", share_code=f"t{n}")
    petro = make_client(PETRO, "Petro")

    first = await petro.send("/find")
    assert first[0].buttons[5:8] == ["1/2", "›", "Тема: будь-яка"]
    second = await petro.click("›")
    assert second[-2].buttons[:3] == ["Therapist 5 Test · 1 200 ₴", "Therapist 6 Test · 1 200 ₴", "‹"]
    same = await petro.click("2/2")
    assert BotClient.alerts(same) == []  # the page number changes nothing and is no error


async def test_the_full_profile_has_photo_facts_nearest_time_and_share_link(app, make_client, session):
    await scene(app)
    await add_therapist(app, MAKSYM, "Maksym Hnatyuk", photo_file_id="photo-maksym", approaches=["gestalt", "existential"])
    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send("/find")

    replies = await olena.click("Maksym Hnatyuk · ₴1,200")

    photos = [r.method for r in replies if isinstance(r.method, SendPhoto)]
    assert [(p.photo, p.caption) for p in photos] == [("photo-maksym", "Maksym Hnatyuk")]
    profile = BotClient.texts_of(replies)[-1]
    assert profile.startswith(
        "Maksym Hnatyuk\n💰 ₴1,200 per 50-minute session\n🏅 Experience: 8 years\n"
        "🧭 Approach: Gestalt, Existential\n💬 Topics: Anxiety, Grief and loss\n🌐 Languages: Ukrainian, English\n"
        "🗓 Nearest free time: Wed 25 November, 04:00 (New York, UTC-5)"
    )
    assert "I help adults with anxiety" in profile
    assert "🎓 Education:\nTaras Shevchenko National University of Kyiv" in profile
    assert profile.endswith("Link to this profile: https://t.me/therapy_test_bot?start=t_maksym")
    assert replies[-2].buttons == ["📅 Choose a time", "🔎 Other therapists"]


async def test_a_share_link_opens_the_profile_even_for_a_newcomer(app, make_client):
    await add_therapist(app)
    newcomer = make_client(4242, "Daryna")

    replies = await newcomer.send("/start t_iryna")

    texts = BotClient.texts_of(replies)
    assert texts[0].startswith("Вітаємо! Тут можна")
    assert "🔎 Знайти терапевта" in replies[0].buttons  # the main menu comes with the greeting
    assert texts[-1].startswith("Iryna Kovalenko\n💰 1 200 ₴ за 50-хвилинну сесію")
    assert replies[-1].buttons == ["📅 Обрати час", "🔎 Інші терапевти"]


async def test_a_link_to_nobody_or_to_a_paused_therapist_says_so_and_offers_the_directory(app, make_client):
    await add_therapist(app, IRYNA, "Iryna Kovalenko", accepting_clients=False)
    petro = make_client(PETRO, "Petro")
    await petro.send("/start")

    for payload in ("t_nobody", "t_iryna"):
        replies = await petro.send(f"/start {payload}")
        assert BotClient.texts_of(replies) == [
            "За цим посиланням немає терапевта, який зараз приймає клієнтів. Подивіться на інших:"
        ]
        assert replies[0].buttons == ["🔎 Знайти терапевта"]
    plain = await petro.send("/start")
    assert plain[0].text.startswith("Вітаємо! Тут можна")


async def test_forged_buttons_are_answered_not_obeyed(app, make_client):
    await add_therapist(app, IRYNA, "Iryna Kovalenko", hidden=True)
    petro = make_client(PETRO, "Petro")

    hidden = await petro.press("tp:2001")
    odd_filter = await petro.press("ff:colour::::-1")

    assert BotClient.alerts(hidden) == ["Цей терапевт зараз не приймає нових клієнтів."]
    assert BotClient.alerts(odd_filter) == ["Ця кнопка вже застаріла. Будь ласка, оберіть ще раз."]


async def test_a_directory_button_sent_before_a_field_was_added_still_works(app, make_client):
    await add_therapist(app, IRYNA, "Iryna Kovalenko")
    petro = make_client(PETRO, "Petro")

    listed = BotClient.texts_of(await petro.press("fs:grief::::-1:0"))  # a list's page button of 2 December
    choices = await petro.press("ff:language:grief:::-1")

    assert "Iryna Kovalenko" in listed[0]
    assert choices[-2].buttons[:2] == ["Будь-яка мова", "Українська"]  # the language choices, the topic kept
