"""🧭 Help me choose in the chat, through the production dispatcher and storage.

Time: START is Tuesday 24 November 2026, 10:00 in Kyiv, 03:00 in New York. Olena (New York, English)
can meet on weekday mornings, her 07:00–12:00, which is 14:00–19:00 in Kyiv. The therapists work in
Kyiv, Monday to Friday 10:00–18:00 unless said otherwise; the first time one can book is 25 hours ahead.
"""
from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from aiogram.methods import SendDocument

from core.rules.matching import Answers, Window
from core.schedule import Vacation, WorkingHours
from tests.bot import booking_support
from tests.bot.booking_support import OLENA, PETRO, add_person, add_therapist
from tests.support.bot_client import BotClient, Reply

app = booking_support.app
sleeper = booking_support.sleeper

TODAY = date(2026, 11, 24)
EN = {"language": "en", "zone": "America/New_York"}


async def cast(app: Any) -> None:
    """Three who fit Olena, each with more of her topics than the next; three who never may be offered."""
    await add_therapist(app, 3001, "Maksym Bondar", topics=["anxiety", "burnout", "grief"], price_minor=130_000)
    await add_therapist(app, 3002, "Iryna Kovalenko", topics=["anxiety", "grief"], price_minor=120_000)
    await add_therapist(app, 3003, "Oksana Melnyk", topics=["anxiety"], price_minor=110_000)
    # Each would fit best of all, but is paused, hidden by the team, or on vacation today.
    best: dict[str, Any] = {"topics": ["anxiety", "burnout", "grief"], "price_minor": 120_000}
    await add_therapist(app, 3004, "Paused Pavlo", accepting_clients=False, **best)
    await add_therapist(app, 3005, "Hidden Halyna", hidden=True, **best)
    await add_therapist(app, 3006, "Away Andrii", vacations=[Vacation(TODAY, TODAY)], hide_during_vacation=False, **best)
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")


async def answer_all(client: BotClient) -> list[Reply]:
    """Olena's five answers: three topics, English, ₴1,000–₴1,500, weekday mornings, CBT."""
    await client.send("/match")
    for topic in ("Anxiety", "Burnout", "Grief and loss"):
        await client.click(topic)
    await client.click("Next ›")
    await client.click("English")
    await client.click("₴1,000–₴1,500")
    await client.click("weekday mornings")
    await client.click("Next ›")
    return await client.click("CBT")


NEAREST = "Wed 25 November, 07:00 (New York, UTC-5)"  # 14:00 in Kyiv: the first morning of hers they work
THREE = (
    "🧭 Three therapists who fit what you told me:\n\n"
    "1. Maksym Bondar\n"
    "works with anxiety, grief and loss, burnout · sessions in English · within your range (₴1,300) · approach: CBT"
    " · 16 free times that suit you this week\n"
    f"🗓 Nearest time that suits you: {NEAREST}\n\n"
    "2. Iryna Kovalenko\n"
    "works with anxiety, grief and loss · sessions in English · within your range (₴1,200) · approach: CBT"
    " · 16 free times that suit you this week\n"
    f"🗓 Nearest time that suits you: {NEAREST}\n\n"
    "3. Oksana Melnyk\n"
    "works with anxiety · sessions in English · within your range (₴1,100) · approach: CBT"
    " · 16 free times that suit you this week\n"
    f"🗓 Nearest time that suits you: {NEAREST}\n\n"
    "One tap on a time starts booking it."
)
SHORT = "Wed 25 Nov, 07:00 (New York, UTC-5)"
NOT_YOUR_ZONE = "Це не ваш пояс? Спершу змініть його: /timezone."


async def test_five_answers_give_three_therapists_with_reasons_and_a_time_inside_the_windows_and_none_paused_hidden_or_away(
    app, make_client
):
    await cast(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    results = await answer_all(olena)
    assert BotClient.texts_of(results) == [THREE]
    assert olena.last_with_button("✏️ Change my answers").buttons == [
        f"✅ Maksym Bondar: {SHORT}",
        "👤 Profile: Maksym Bondar",
        f"✅ Iryna Kovalenko: {SHORT}",
        "👤 Profile: Iryna Kovalenko",
        f"✅ Oksana Melnyk: {SHORT}",
        "👤 Profile: Oksana Melnyk",
        "✏️ Change my answers",
        "🔎 Everyone who fits: Anxiety",
        "🔎 Everyone who fits: Grief and loss",
        "🔎 Everyone who fits: Burnout",
        "📝 Fill in my first request with these topics",
        "🗑 Forget my answers",
    ]
    async with app.unit_of_work() as uow:
        kept = await uow.matching.answers_of(OLENA)
    assert kept is not None and kept.answers == Answers(
        topics=("anxiety", "grief", "burnout"), language="en", price_band=1, windows=(Window.MORNINGS,), approach="cbt"
    )


async def test_one_tap_on_a_matchs_time_books_that_very_time_with_the_topics_filled_in_when_the_client_agreed(
    app, make_client
):
    await cast(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await answer_all(olena)
    agreed = await olena.click("📝 Fill in my first request with these topics")
    assert BotClient.alerts(agreed) == ["Done: your topics will be ticked when you book a first session."]
    assert "☑️ My topics fill in my first request · turn off" in agreed[0].buttons

    asked = await olena.click(f"✅ Maksym Bondar: {SHORT}")
    assert BotClient.texts_of(asked)[0].endswith("Ticked: your topics from «Help me choose».")
    assert [b for b in asked[0].buttons if b.startswith("✅")] == ["✅ Anxiety", "✅ Burnout", "✅ Grief and loss"]
    await olena.click("✔️ Done")
    booked = await olena.click("Skip")
    assert BotClient.texts_of(booked)[-1] == "You chose Wed 25 November, 07:00 (New York, UTC-5) with Maksym Bondar."
    [booking] = await booking_support.bookings(app)
    assert (booking.therapist_id, booking.starts_at) == (3001, booking_support.utc(2026, 11, 25, 12))
    assert sorted(booking.request_topics or []) == ["anxiety", "burnout", "grief"]


async def test_every_question_can_be_skipped_and_the_answer_reads_in_ukrainian(app, make_client):
    await cast(app)
    petro = make_client(PETRO, "Petro", language_code="uk")
    opened = await petro.send("🧭 Допоможіть обрати")
    assert BotClient.texts_of(opened)[0].startswith("🧭 Допоможіть обрати. П'ять коротких запитань")
    await petro.click("Пропустити ›")
    await petro.click("Будь-яка мова · пропустити ›")
    await petro.click("Будь-яка ціна · пропустити ›")
    windows = await petro.click("Пропустити ›")
    assert BotClient.texts_of(windows) == [
        "5/5. Чи є терапевтичний підхід, якому ви віддаєте перевагу (наприклад, КПТ)? "
        "Якщо не знаєте — нічого страшного: решти відповідей достатньо."
    ]
    results = BotClient.texts_of(await petro.click("Не знаю / не має значення ›"))[0]
    assert results.startswith("🧭 Троє терапевтів, які підходять за вашими відповідями:")
    assert "цього тижня 32 вільні віконця, що вам підходять" in results  # any time: every free hour
    for name in ("Paused Pavlo", "Hidden Halyna", "Away Andrii"):
        assert name not in results
    async with app.unit_of_work() as uow:
        kept = await uow.matching.answers_of(PETRO)
    assert kept is not None and kept.answers == Answers()


async def test_a_sticker_or_text_where_a_choice_is_expected_is_told_what_to_do_and_keeps_what_was_chosen(app, make_client):
    await cast(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send("/match")
    await olena.click("Anxiety")
    sticker = await olena.send_sticker()
    assert BotClient.texts_of(sticker) == [
        "Please answer with the buttons below (or skip the question). What you chose so far is kept.\n\n"
        "1/5. What brings you? Choose one or more, then press «Next», or skip the question."
    ]
    assert "✅ Anxiety" in sticker[0].buttons and sticker[0].buttons[-1] == "Next ›"
    await olena.click("Next ›")
    typed = await olena.send("I'd rather talk in English")
    assert BotClient.texts_of(typed)[0].endswith("2/5. In which language would you like the sessions?")
    await olena.click("English")
    async with app.unit_of_work() as uow:
        assert await uow.matching.answers_of(OLENA) is None  # nothing is kept before the last answer


async def test_a_button_of_an_earlier_round_changes_nothing_and_says_so(app, make_client):
    await cast(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send("/match")
    older = olena.last_with_button("Anxiety")
    await olena.click("Anxiety")
    await olena.send("/match")  # starting again: a new round
    newer = olena.last_with_button("Skip ›")
    stale = await olena.click("Burnout", in_reply=older)
    assert BotClient.alerts(stale) == [
        "These buttons are from an earlier round of questions, so nothing changed. "
        "Please use the newest message, or start again: /match."
    ]
    await olena.click("Depression", in_reply=newer)
    await olena.click("Next ›")
    await olena.click("English")
    await olena.click("Any price · skip ›")
    await olena.click("Skip ›")
    await olena.click("I don't know / no preference ›")
    async with app.unit_of_work() as uow:
        kept = await uow.matching.answers_of(OLENA)
    assert kept is not None and kept.answers.topics == ("depression",)
    finished = await olena.click("English", in_reply=olena.last_with_button("English"))  # a question answered already
    assert BotClient.alerts(finished) == BotClient.alerts(stale)
    round_ = newer.markup.inline_keyboard[0][0].callback_data.split(":")[1]
    forged = await olena.press(f"mt:{round_}:astrology", newer)
    assert BotClient.alerts(forged) == BotClient.alerts(stale)  # that round is over too


async def test_changing_the_answers_starts_with_the_kept_ones_ticked(app, make_client):
    await cast(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await answer_all(olena)
    again = await olena.click("✏️ Change my answers")
    assert BotClient.texts_of(again)[0].startswith(
        "🧭 Help me choose. Five short questions"
    ) and "Ticked: your answers from last time. Change what you like." in BotClient.texts_of(again)[0]
    assert [b for b in again[0].buttons if b.startswith("✅")] == ["✅ Anxiety", "✅ Grief and loss", "✅ Burnout"]
    await olena.click("Next ›")
    languages = olena.last_with_button("Any language · skip ›")
    assert "✅ English" in languages.buttons


async def test_fewer_than_three_says_so_which_answer_narrowed_it_and_offers_to_wait_for_any_who_is_full(app, make_client):
    await add_therapist(app, 3001, "Maksym Bondar", topics=["anxiety"], languages=["de"])
    # Fits everything but the time: works only 07:00–09:00 in Kyiv, which is night in New York.
    await add_therapist(app, 3002, "Iryna Kovalenko", topics=["anxiety"], languages=["de"], hours=[WorkingHours(d, time(7), time(9)) for d in range(5)])
    await add_therapist(app, 3003, "Oksana Melnyk", topics=["anxiety"], languages=["uk", "en"])
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send("/match")
    await olena.click("Anxiety")
    await olena.click("Next ›")
    await olena.click("German")
    await olena.click("Any price · skip ›")
    await olena.click("weekday mornings")
    await olena.click("Next ›")
    results = await olena.click("I don't know / no preference ›")
    text = BotClient.texts_of(results)[0]
    assert text.startswith("🧭 Only 1 therapist fits everything you told me:\n\n1. Maksym Bondar\n")
    assert "The answer that narrowed it most: the language of the sessions. «Change my answers» can widen it." in text
    assert "Iryna Kovalenko fits everything, but has no free time that suits you in the next two weeks." in text
    waiting = await olena.click("🔔 Tell me when a time opens with any of them")
    assert BotClient.texts_of(waiting)[0].startswith(
        "🔔 Done: as soon as a time opens with Iryna Kovalenko that suits you (weekday mornings), I will write."
    )


async def test_forgetting_the_answers_takes_them_out_of_the_database_and_a_late_consent_hears_so(app, make_client):
    await cast(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await answer_all(olena)
    forgotten = await olena.click("🗑 Forget my answers")
    assert BotClient.alerts(forgotten) == ["Your answers are forgotten."]
    assert "🗑 Forget my answers" not in forgotten[0].buttons and "✏️ Change my answers" in forgotten[0].buttons
    async with app.unit_of_work() as uow:
        assert await uow.matching.answers_of(OLENA) is None
    late = await olena.click("📝 Fill in my first request with these topics", in_reply=olena.last_with_button("🗑 Forget my answers"))
    assert BotClient.alerts(late) == ["Your answers are no longer kept. To answer again, press «Change my answers»."]


async def test_help_me_choose_is_in_the_clients_menu_and_my_waitlists_in_my_sessions(app, make_client):
    await add_therapist(app, 3001, "Maksym Bondar", hours=[WorkingHours(3, time(18), time(19))])
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    for n, day in enumerate((26, 3)):
        await add_person(app, 4000 + n, f"Client{n}", locale="uk", zone="Europe/Kyiv")
        await booking_support.booked(app, 4000 + n, booking_support.utc(2026, 11 if day == 26 else 12, day, 16), therapist_id=3001, paid=True)
    olena = make_client(OLENA, "Olena", language_code="en")
    menu = await olena.send("/start")
    assert "🧭 Help me choose" in [b for reply in menu for b in reply.buttons]
    none_yet = await olena.send("📅 My sessions")
    assert none_yet[0].buttons == ["🔎 Find a therapist", "🧭 Help me choose"]
    await olena.press("tp:3001")
    await olena.click("🔔 Tell me when a time opens")
    listed = await olena.send("📅 My sessions")
    assert listed[0].buttons[-1] == "🔔 My waitlists"
    mine = await olena.click("🔔 My waitlists")
    assert BotClient.texts_of(mine)[0].startswith("🔔 You wait for a time with 1 therapist:\n• Maksym Bondar")


async def test_the_web_directorys_link_greets_a_newcomer_asks_the_first_question_and_offers_to_set_the_zone_first(app, make_client):
    await cast(app)
    newcomer = make_client(5001, "Marta", language_code="uk")
    replies = await newcomer.send("/start match")
    texts = BotClient.texts_of(replies)
    assert texts[0].startswith("Вітаємо") and "🧭 Допоможіть обрати" in replies[0].buttons
    assert texts[1].endswith(
        "1/5. З чим ви звертаєтеся? Оберіть одну чи кілька тем і натисніть «Далі» — або пропустіть запитання."
    )
    await newcomer.click("Пропустити ›")
    await newcomer.click("Будь-яка мова · пропустити ›")
    when = BotClient.texts_of(await newcomer.click("Будь-яка ціна · пропустити ›"))[0]
    assert when.startswith("4/5. Коли вам зручно зустрічатися? Оберіть один чи кілька варіантів. Час — у вашому поясі: Київ")
    assert when.endswith("\n" + NOT_YOUR_ZONE)  # the zone was never chosen: the windows would be read in the default one


async def test_the_persons_data_holds_the_answers_given_in_the_chat_and_deleting_takes_them(
    app, make_client, session
):
    await cast(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    await answer_all(olena)
    await olena.click("✏️ Change my answers")
    await olena.click("Depression")  # a new round, left for /mydata: a command ends it, nothing of it is kept
    await olena.send("/mydata")
    await olena.click("📄 Send me my data")
    [document] = [call for call in session.calls if isinstance(call, SendDocument)]
    exported = json.loads(document.document.data)
    assert exported["matching"]["answers"]["topics"] == ["anxiety", "grief", "burnout"]
    assert "unfinished_step" not in exported and "depression" not in document.document.data.decode()

    await olena.click("🗑 Delete my data")
    await olena.click("Yes, delete everything")
    async with app.unit_of_work() as uow:
        assert await uow.matching.answers_of(OLENA) is None


async def test_a_therapist_asking_is_never_offered_to_themselves(app, make_client):
    await cast(app)  # Maksym, Iryna and Oksana fit anyone; Maksym asks
    maksym = make_client(3001, "Maksym", language_code="uk")
    await maksym.send("/match")
    for button in ("Пропустити ›", "Будь-яка мова · пропустити ›", "Будь-яка ціна · пропустити ›", "Пропустити ›"):
        await maksym.click(button)
    results = BotClient.texts_of(await maksym.click("Не знаю / не має значення ›"))[0]
    assert results.startswith("🧭 За всіма вашими відповідями підходять лише 2 терапевти:\n\n1. Iryna Kovalenko\n")
    assert "Maksym Bondar" not in results and "\n\n\n" not in results  # no empty «why» paragraph either
