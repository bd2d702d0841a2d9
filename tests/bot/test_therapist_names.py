"""A therapist's name as each client reads it: the English one for a client who reads English, when given.

Iryna gave her name in both languages: «Ірина Коваленко» and «Iryna Kovalenko». Olena reads English
(New York), Petro reads Ukrainian (Kyiv). Each sees the name in their own language everywhere the
booking goes: the confirmation before booking, the request, the acceptance, the reminders, «My sessions».
"""
from __future__ import annotations

from core.usecases.booking import accept_request, booking_paid
from tests.bot import booking_support
from tests.bot.booking_support import (
    IRYNA,
    OLENA,
    PETRO,
    add_person,
    add_therapist,
    booked,
    bookings,
    deliver,
    sent_to,
    utc,
)
from tests.support.bot_client import BotClient

app = booking_support.app
sleeper = booking_support.sleeper


async def _both_names(app) -> None:
    await add_therapist(app, full_name="Ірина Коваленко", name_en="Iryna Kovalenko", share_code="iryna")
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")


async def test_an_english_client_books_and_is_reminded_with_the_english_name(app, session, make_client, clock):
    await _both_names(app)
    olena = make_client(OLENA, "Olena", language_code="en")

    await olena.send("/find")
    await olena.click("Iryna Kovalenko · ₴1,200")
    await olena.click("📅 Choose a time")
    await olena.click("Thu 26 Nov")
    confirm = BotClient.texts_of(await olena.click("05:00"))[0]
    assert "For Iryna Kovalenko it is 12:00 (Kyiv, UTC+2)." in confirm
    topics = BotClient.texts_of(await olena.click("✅ Book"))[0]
    assert "These are the topics Iryna Kovalenko works with" in topics
    await olena.click("Anxiety")
    await olena.click("✔️ Done")
    mark = len(session.calls)
    await olena.send("I can't sleep before exams.")
    (row,) = await bookings(app)
    await deliver(app)
    chose, request = sent_to(session, OLENA, mark)
    assert chose == "You chose Thu 26 November, 05:00 (New York, UTC-5) with Iryna Kovalenko."
    assert request.startswith("📨 Your request for Thu 26 November, 05:00 (New York, UTC-5) with Iryna Kovalenko is sent.")

    mark = len(session.calls)
    async with app.unit_of_work() as uow:
        await accept_request(
            uow, clock, therapist_id=IRYNA, booking_id=row.id, version=row.version, policy=app.settings.booking_policy()
        )
    await deliver(app)
    assert sent_to(session, OLENA, mark)[0].startswith(
        "✅ Your session with Iryna Kovalenko on Thu 26 November, 05:00 (New York, UTC-5) is confirmed."
    )

    async with app.unit_of_work() as uow:
        await booking_paid(uow, clock, row.id)
        await uow.commit()
    await deliver(app)
    mark = len(session.calls)
    clock.set(utc(2026, 11, 25, 10))
    await deliver(app)
    (reminder,) = sent_to(session, OLENA, mark)
    assert reminder.startswith("⏰ Tomorrow at 05:00: your session with Iryna Kovalenko, Thu 26 November, 05:00")

    await olena.send("/sessions")
    assert olena.last_with_button("Thu 26 Nov, 05:00 (New York, UTC-5) · Iryna Kovalenko")
    card = BotClient.texts_of(await olena.click("Thu 26 Nov, 05:00 (New York, UTC-5) · Iryna Kovalenko"))[0]
    assert "Iryna Kovalenko" in card and "Ірина" not in card


async def test_a_ukrainian_client_is_confirmed_and_reminded_with_the_ukrainian_name(app, session, make_client, clock):
    await _both_names(app)
    booking = await booked(app, PETRO, utc(2026, 11, 27, 10))
    mark = len(session.calls)
    await deliver(app)
    (confirmed,) = [text for text in sent_to(session, PETRO, mark) if text.startswith("✅")]
    assert "Ірина Коваленко" in confirmed and "Iryna" not in confirmed

    async with app.unit_of_work() as uow:
        await booking_paid(uow, clock, booking.id)
        await uow.commit()
    await deliver(app)
    mark = len(session.calls)
    clock.set(utc(2026, 11, 26, 10))
    await deliver(app)
    (reminder,) = sent_to(session, PETRO, mark)
    assert reminder.startswith("⏰ Завтра о 12:00") and "Ірина Коваленко" in reminder and "Iryna" not in reminder

    petro = make_client(PETRO, "Petro")
    await petro.send("/sessions")
    assert petro.last_with_button("Пт, 27 лист., 12:00 (Київ, UTC+2) · Ірина Коваленко")
