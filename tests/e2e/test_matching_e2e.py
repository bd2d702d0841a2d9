"""🧭 Help me choose end to end: the real bot process on the wall clock, a client who cannot name an approach.

Olena (New York, English) answers the five questions in the chat: anxiety and burnout, sessions in
English, ₴1,000–₴1,500, weekday mornings and weekends, and she does not know an approach. Three therapists in
Kyiv fit her; two who would fit her best are paused or on vacation today and must never be offered. They all
work every day 13:00–20:00 Kyiv time, which is her mornings (and her weekends) in New York.
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.bookings import Booking, BookingStatus
from core.rules.matching import Window, in_windows
from core.schedule import Vacation, WorkingHours
from core.therapists import TherapistProfile
from core.users import Role, User
from playground.bot_api import FakeTelegram, FakeUser
from storage.uow import SqlUnitOfWork
from tests.e2e.test_booking_e2e import STARTUP, in_database

OLENA = 1001
FITTING = {3001: "Maksym Bondar", 3002: "Iryna Kovalenko", 3003: "Oksana Melnyk"}
NEVER = {3004: "Paused Pavlo", 3005: "Away Andrii"}
NEW_YORK = "America/New_York"


async def a_client_and_five_therapists(uow: SqlUnitOfWork) -> None:
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo("Europe/Kyiv")).date()
    await uow.users.add(User(OLENA, "Olena", "en", NEW_YORK, now, display_name="Olena", roles={Role.CLIENT}, timezone_chosen=True))
    topics = {3001: ["anxiety", "burnout"], 3002: ["anxiety"], 3003: ["burnout", "grief"], 3004: ["anxiety", "burnout"],
              3005: ["anxiety", "burnout"]}
    for telegram_id, name in {**FITTING, **NEVER}.items():
        await uow.users.add(User(telegram_id, name.split()[0], "uk", "Europe/Kyiv", now, roles={Role.CLIENT, Role.THERAPIST}))
        await uow.therapists.add(
            TherapistProfile(
                telegram_id=telegram_id, full_name=name, about="Adults, online.", education="KNU, psychology.",
                experience_years=8, price_minor=130_000, timezone="Europe/Kyiv",
                topics=topics[telegram_id], approaches=["cbt"], languages=["uk", "en"], share_code=f"t{telegram_id}",
                verified=True, accepting_clients=telegram_id != 3004,
                vacations=[Vacation(today, today + timedelta(days=3))] if telegram_id == 3005 else [],
                hide_during_vacation=False,
                hours=[WorkingHours(day, time(13), time(20)) for day in range(7)],
            )
        )
    await uow.commit()


async def step(user: FakeUser, action, expected: str) -> dict:
    action()
    return await user.wait_message(expected, timeout=20)


async def test_a_client_answers_five_questions_gets_three_who_fit_with_reasons_and_books_a_time_inside_her_windows(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url
):
    await in_database(e2e_database_url, a_client_and_five_therapists)
    bot = bot_process_factory()
    await bot.start(timeout=STARTUP)
    olena = fake_telegram.user(OLENA, "Olena", language_code="en")

    await step(olena, lambda: olena.send("/match"), "1/5. What brings you?")
    await step(olena, lambda: olena.click("Anxiety"), "1/5.")
    await step(olena, lambda: olena.click("Burnout"), "1/5.")
    await step(olena, lambda: olena.click("Next ›"), "2/5. In which language")
    await step(olena, lambda: olena.click("English"), "3/5. What price")
    await step(olena, lambda: olena.click("₴1,000–₴1,500"), "4/5. When can you meet?")
    await step(olena, lambda: olena.click("weekday mornings"), "4/5.")
    await step(olena, lambda: olena.click("weekends"), "4/5.")
    await step(olena, lambda: olena.click("Next ›"), "5/5.")
    shown = await step(olena, lambda: olena.click("I don't know / no preference ›"), "🧭 Three therapists who fit")

    text = shown["text"]
    for name in FITTING.values():
        assert f". {name}\n" in text
    for name in NEVER.values():
        assert name not in text
    assert text.index("Maksym Bondar") < text.index("Iryna Kovalenko")  # both topics before one
    assert "works with anxiety, burnout · sessions in English · within your range (₴1,300)" in text
    assert text.count("🗓 Nearest time that suits you: ") == 3
    times = [button for button in olena.buttons(shown) if button.startswith("✅ ")]
    assert len(times) == 3 and times[0].startswith("✅ Maksym Bondar: ")

    # One tap on Maksym's time: the booking's request, then it goes out at that very time.
    await step(olena, lambda: olena.click(shown, times[0]), "What would you like to work on?")
    await step(olena, lambda: olena.click("Anxiety"), "What would you like to work on?")
    await step(olena, lambda: olena.click("✔️ Done"), "Only this therapist reads it.")
    await step(olena, lambda: olena.click("Skip"), "Your request for")

    async def the_booking(uow: SqlUnitOfWork) -> Booking:
        booking = await uow.bookings.get(1)
        assert booking is not None
        return booking

    booking = await in_database(e2e_database_url, the_booking)
    assert (booking.client_id, booking.therapist_id, booking.status) == (OLENA, 3001, BookingStatus.REQUESTED)
    assert in_windows(booking.starts_at, (Window.MORNINGS, Window.WEEKENDS), NEW_YORK)
    local = booking.starts_at.astimezone(ZoneInfo(NEW_YORK))
    assert f"{local:%H:%M} (New York" in times[0] and f" {local.day} " in times[0]
