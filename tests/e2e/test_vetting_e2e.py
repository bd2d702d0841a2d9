"""Vetting end to end: the real bot process, scripted applicants and an admin, over HTTP.

Times are real here (the process runs on the system clock), so the interview
is set a few days ahead of today.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playground.bot_api import FakeTelegram, FakeUser

ADMIN = 900
ANNA, PETRO = 1002, 1003
LINK = "https://meet.example.com/anna"


async def step(user: FakeUser, action, expected: str) -> dict:
    action()
    return await user.wait_message(expected)


async def tick_first_option_then_done(user: FakeUser, done: str, next_question: str) -> None:
    """Labels of topics and languages are other topics' texts: pick by position, not by wording."""
    options = user.buttons()
    user.click(options[0])
    await user.wait_message()
    await step(user, lambda: user.click(done), next_question)


async def first_questionnaire_in_english(user: FakeUser, restart) -> None:
    await step(user, lambda: user.click("Start the questionnaire"), "Question 1 of 14")
    await step(user, lambda: user.send("Anna Koval"), "Question 2 of 14")
    await step(user, lambda: user.send("anna@example"), "doesn't look like an e-mail")
    await step(user, lambda: user.send("anna@example.com"), "Question 3 of 14")
    await step(user, lambda: user.send("Ukraine"), "Question 4 of 14")
    await restart()  # mid-questionnaire: the next answer goes on where it stopped
    await step(user, lambda: user.send("Lviv"), "Before the next question: your time zone")
    await step(user, lambda: user.click("Kyiv"), "Question 5 of 14")
    await step(user, lambda: user.click("medical"), "Question 6 of 14")
    await step(user, lambda: user.send("6"), "Question 7 of 14")
    await step(user, lambda: user.click("Yes"), "Question 8 of 14")
    await step(user, lambda: user.click("Yes"), "Question 9 of 14")
    await step(user, lambda: user.send("Integrative psychotherapy"), "Question 10 of 14")
    await step(user, lambda: user.send("520"), "Question 11 of 14")
    await step(user, lambda: user.click("Yes"), "Question 12 of 14")
    await step(user, lambda: user.click("Yes"), "Question 13 of 14")
    await tick_first_option_then_done(user, "Done", "Question 14 of 14")
    await tick_first_option_then_done(user, "Done", "Please check your answers")


def interview_time() -> tuple[str, str]:
    """Three days from now at 18:00 in Kyiv: as the admin types it, and as Anna (in Kyiv too) reads its date."""
    day = datetime.now(ZoneInfo("Europe/Kyiv")).date() + timedelta(days=3)
    return f"{day:%d.%m.%Y} 18:00", f"{day.day} "


async def test_an_application_from_the_link_to_the_cabinet(fake_telegram: FakeTelegram, bot_process_factory):
    bot = bot_process_factory({"ADMIN_IDS": str(ADMIN)})
    await bot.start()
    admin = fake_telegram.user(ADMIN, "Admin", language_code="uk")
    await step(admin, lambda: admin.send_command("start"), "Вітаємо! Це консоль платформи")
    anna = fake_telegram.user(ANNA, "Anna", language_code="en")

    async def restart() -> None:
        assert await bot.stop() == 0
        await bot.start()

    await step(anna, lambda: anna.send_command("start", "apply"), "Join the platform as a therapist")
    await first_questionnaire_in_english(anna, restart)
    assert anna.last_message is not None
    summary = anna.last_message["text"]
    assert "✅ Practice: 6 years (2 or more are needed)." in summary
    await step(anna, lambda: anna.click("✏️ City"), "And in which city?")
    edited = await step(anna, lambda: anna.send("Kyiv"), "Please check your answers")
    assert "• City: Kyiv" in edited["text"]
    await step(anna, lambda: anna.click("Send the questionnaire"), "Thank you! Your questionnaire is sent.")
    await admin.wait_message("Нова заявка #1 — Anna Koval. Виконано вимог: 6 з 6.")

    typed, day = interview_time()
    await step(admin, lambda: admin.click("Відкрити заявку"), "Заявка #1 · Anna Koval")
    await step(admin, lambda: admin.click("Запросити на співбесіду"), "Запрошення на співбесіду — Anna Koval")
    await step(admin, lambda: admin.send(typed), "Поки що варіанти:")
    await step(admin, lambda: admin.click("Це все: до посилання"), "Тепер посилання на зустріч")
    await step(admin, lambda: admin.send(LINK), "Надіслати?")
    await step(admin, lambda: admin.click("Надіслати запрошення"), "Запрошення надіслано — Anna Koval.")
    invitation = await anna.wait_message("You are invited to an online interview")
    assert f"{day}" in invitation["text"] and "18:00" in invitation["text"]
    await step(anna, lambda: anna.click("Confirm"), "✅ Confirmed:")
    await admin.wait_message("Anna Koval (#1) підтверджує співбесіду")

    await step(admin, lambda: admin.click("Відкрити заявку"), "Заявка #1 · Anna Koval")
    await step(admin, lambda: admin.click("Співбесіда відбулася"), "Позначено як проведену.")
    await anna.wait_message("Thank you for the conversation!")
    await step(anna, lambda: anna.click("Fill in the second questionnaire"), "Question 1 of 12")
    await step(anna, lambda: anna.send_document(mime_type="application/msword", file_name="cv.doc"), "This file can't be taken")
    await step(anna, lambda: anna.send_document(file_size=30 * 1024 * 1024, file_name="scan.pdf"), "the limit is 20 MB")
    await step(anna, lambda: anna.send("I will send it later"), "I need a file here")
    await step(anna, lambda: anna.send_document(file_id="anna-diploma", file_name="diploma.pdf"), "Received: 1 so far")
    await step(anna, lambda: anna.click("Done"), "Question 2 of 12")
    await step(anna, lambda: anna.send_photo(file_id="anna-certificate"), "Received: 1 so far")
    await step(anna, lambda: anna.click("Done"), "Question 3 of 12")
    await step(anna, lambda: anna.send("Ivan Franko National University of Lviv, psychology, 2012"), "Question 4 of 12")
    await step(anna, lambda: anna.send("Twelve years with adults and couples, a crisis line, groups. " * 3), "Question 5 of 12")
    await step(anna, lambda: anna.send("I help adults with anxiety and burnout find calm, at their own pace. " * 3), "Question 6 of 12")
    await step(anna, lambda: anna.send_photo(file_id="anna-portrait"), "Question 7 of 12")
    await step(anna, lambda: anna.send("1300"), "Question 8 of 12")
    await step(anna, lambda: anna.click("Done"), "Question 9 of 12")
    # Her approach was typed in her own words, so none is ticked for her yet.
    await tick_first_option_then_done(anna, "Done", "Question 10 of 12")
    await step(anna, lambda: anna.send("Anna Koval"), "Question 11 of 12")  # her name in English; the rest skipped
    await step(anna, lambda: anna.click("Skip: in Ukrainian only"), "Question 12 of 12")
    await step(anna, lambda: anna.click("Skip: in Ukrainian only"), "Please check your answers")
    await step(anna, lambda: anna.click("Send the questionnaire"), "Your documents and profile are sent for approval")
    await admin.wait_message("Anna Koval (#1): друга анкета з документами")

    await step(admin, lambda: admin.click("Відкрити заявку"), "Заявка #1 · Anna Koval")
    admin.click("Показати документи")
    documents = await fake_telegram.wait_for(lambda call: call.method in {"sendDocument", "sendPhoto"}, chat_id=ADMIN, count=3, since=admin.since)
    assert [call.params.get("document") or call.params.get("photo") for call in documents] == ["anna-diploma", "anna-certificate", "anna-portrait"]
    await step(admin, lambda: admin.click("Схвалити: створити профіль"), "Схвалено: профіль створено, але поки не опубліковано — Anna Koval.")
    approved = await anna.wait_message("Your application is approved!")
    assert "7–10 business days, between" in approved["text"]
    await step(admin, lambda: admin.click("Опублікувати профіль"), "Опубліковано: Anna Koval")
    await anna.wait_message("Hello, Anna Koval! Welcome to the platform")
    await step(anna, lambda: anna.send_command("start"), "Hello, Anna! This is your cabinet")


async def test_a_referred_applicant_is_declined_politely_in_ukrainian(fake_telegram: FakeTelegram, bot_process_factory):
    bot = bot_process_factory({"ADMIN_IDS": str(ADMIN)})
    await bot.start()
    admin = fake_telegram.user(ADMIN, "Admin", language_code="en")
    await step(admin, lambda: admin.send_command("start"), "Hello, Admin! This is the platform's console")
    anna = fake_telegram.user(ANNA, "Anna", language_code="en")
    await step(anna, lambda: anna.send_command("apply"), "Join the platform as a therapist")
    await step(anna, lambda: anna.click("Start the questionnaire"), "Question 1 of 14")
    status = await step(anna, lambda: anna.send_command("status"), "Share this link:")
    link = status["text"].rsplit(" ", 1)[-1]
    assert link.startswith("https://t.me/therapy_test_bot?start=ref_")

    petro = fake_telegram.user(PETRO, "Petro", language_code="uk")
    await step(petro, lambda: petro.send_command("start", link.rsplit("=", 1)[-1]), "Долучитися до платформи як терапевт")
    await step(petro, lambda: petro.click("Почати анкету"), "Запитання 1 з 14")
    for answer, following in [
        ("Петро Іваненко", "Запитання 2 з 14"), (None, "Запитання 3 з 14"), ("Україна", "Запитання 4 з 14"),
        ("Одеса", "Перед наступним запитанням: ваш часовий пояс"), ("Київ", "Запитання 5 з 14"), ("інша галузь", "Запитання 6 з 14"),
        ("1", "Запитання 7 з 14"), ("Так", "Запитання 8 з 14"), ("Ні", "Запитання 9 з 14"),
        ("Арт-терапія", "Запитання 10 з 14"), ("120", "Запитання 11 з 14"), ("Так", "Запитання 12 з 14"),
        ("Ні", "Запитання 13 з 14"),
    ]:
        if answer is None:
            await step(petro, lambda: petro.click("Пропустити"), following)
        elif answer in {"Київ", "інша галузь", "Так", "Ні"}:
            await step(petro, lambda answer=answer: petro.click(answer), following)
        else:
            await step(petro, lambda answer=answer: petro.send(answer), following)
    await tick_first_option_then_done(petro, "Готово", "Запитання 14 з 14")
    await tick_first_option_then_done(petro, "Готово", "Перевірте, будь ласка, свої відповіді")
    assert petro.last_message is not None
    summary = petro.last_message["text"]
    assert "❌ Практика: 1 рік, а потрібно щонайменше 2." in summary
    assert "заявку можуть відхилити з причин, позначених ❌" in summary
    await step(petro, lambda: petro.click("Надіслати анкету"), "Дякуємо! Анкету надіслано.")

    await admin.wait_message("A new application, #2, from Петро Іваненко: 1 of 6 requirements met.")
    await step(admin, lambda: admin.click("Open the application"), "Referred by: Anna")
    preview = await step(admin, lambda: admin.click("Decline"), "Петро Іваненко will read this (Українська):")
    assert "Головна причина: виконано не всі вимоги платформи." in preview["text"]
    await step(admin, lambda: admin.send("Поки що замало досвіду практики: повертайтеся, коли буде два роки."), "will read this")
    await step(admin, lambda: admin.click("Send this answer"), "Declined. Петро Іваненко will be told politely")
    letter = await petro.wait_message("Дякуємо за інтерес до платформи")
    assert "Поки що замало досвіду практики: повертайтеся, коли буде два роки." in letter["text"]
    await step(petro, lambda: petro.send_command("status"), "Вашу заявку відхилено.")
