"""The therapist's cabinet end to end: the real bot process, scripted people, over HTTP.

Times are real here (the process runs on the system clock), so the booking is
made for the first free time from now, and the vacation is set on its day.
"""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from core.clock import SystemClock
from core.schedule import WorkingHours
from core.therapists import TherapistProfile
from core.usecases.booking import BookingPolicy, accept_request, free_times, request_booking
from core.users import Role, User
from playground.bot_api import FakeTelegram, FakeUser
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork
from tests.support.keys import TEST_RING

ADMIN, OLENA, IRYNA = 900, 1001, 2001
KYIV = ZoneInfo("Europe/Kyiv")


async def a_therapist_and_a_client(database_url: str, *, booked: bool) -> datetime | None:
    """Iryna, verified, working every day; Olena; and, if asked, Olena's session with Iryna, accepted."""
    engine = create_engine(database_url, keys=TEST_RING)
    clock = SystemClock()
    try:
        sessions = session_factory(engine)
        async with SqlUnitOfWork(sessions) as uow:
            now = clock.now()
            await uow.users.add(User(OLENA, "Olena", "uk", "Europe/Kyiv", now, display_name="Olena", roles={Role.CLIENT}, timezone_chosen=True))
            await uow.users.add(
                User(IRYNA, "Ірина", "uk", "Europe/Kyiv", now, roles={Role.CLIENT, Role.THERAPIST}, timezone_chosen=True)
            )
            await uow.therapists.add(
                TherapistProfile(
                    telegram_id=IRYNA, full_name="Ірина Коваль", timezone="Europe/Kyiv", share_code="iryna",
                    about="Працюю з тривогою та втратою.", education="КНУ, психологія", experience_years=6,
                    price_minor=120_000, topics=["anxiety"], approaches=["cbt"], languages=["uk"], verified=True,
                    hours=[WorkingHours(day, time(8), time(21)) for day in range(7)],
                )
            )
            await uow.commit()
        if not booked:
            return None
        policy = BookingPolicy()
        async with SqlUnitOfWork(sessions) as uow:
            therapist = await uow.therapists.get(IRYNA)
            assert therapist is not None
            slot = (await free_times(uow, clock, therapist, policy))[0]
            booking = await request_booking(uow, clock, client_id=OLENA, therapist_id=IRYNA, starts_at=slot, policy=policy)
        async with SqlUnitOfWork(sessions) as uow:
            await accept_request(uow, clock, therapist_id=IRYNA, booking_id=booking.id, version=booking.version, policy=policy)
        return slot
    finally:
        await engine.dispose()


async def step(user: FakeUser, action, expected: str) -> dict:
    action()
    return await user.wait_message(expected)


async def test_a_vacation_over_a_booked_session_cancels_it_free_and_the_client_is_offered_other_times(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url
):
    slot = await a_therapist_and_a_client(e2e_database_url, booked=True)
    assert slot is not None
    day = slot.astimezone(KYIV)
    bot = bot_process_factory()
    await bot.start()
    iryna = fake_telegram.user(IRYNA, "Ірина", language_code="uk")
    olena = fake_telegram.user(OLENA, "Olena", language_code="uk")

    await step(iryna, lambda: iryna.send_command("vacation"), "🏖 Ваші відпустки")
    await step(iryna, lambda: iryna.click("➕ Додати відпустку"), "Перший день відпустки?")
    await step(iryna, lambda: iryna.send("вчора"), "Не можу прочитати це як дату.")
    await step(iryna, lambda: iryna.send(f"{day:%d.%m.%Y}"), "Останній день відпустки (включно)?")
    await step(iryna, lambda: iryna.send(f"{day:%Y-%m-%d}"), "Нотатка для себе")
    iryna.click("Пропустити")
    listing = await iryna.wait_message("Ці сесії забронювали раніше")
    assert f"{day:%H:%M} · Olena — 💳 підтверджено, очікує оплати" in listing["text"]

    await step(iryna, lambda: iryna.click(listing, "✖️ Скасувати"), "Усе вирішено.")
    told = await olena.wait_message("довелося скасувати")
    assert "Для вас це нічого не коштує." in told["text"]
    assert "📅 Інший час" in olena.buttons(told)

    # The vacation's day is closed to booking; the client is offered the days around it.
    days = await step(olena, lambda: olena.click(told, "📅 Інший час"), "")
    offered = [label.split(", ")[1] for label in olena.buttons(days) if ", " in label]  # "Ср, 25 лист." → "25 лист"
    assert offered and all(not label.startswith(f"{day.day} ") for label in offered)


async def test_a_profile_change_waits_for_an_admin_and_shows_once_approved(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url
):
    await a_therapist_and_a_client(e2e_database_url, booked=False)
    bot = bot_process_factory({"ADMIN_IDS": str(ADMIN)})
    await bot.start()
    admin = fake_telegram.user(ADMIN, "Admin", language_code="uk")
    iryna = fake_telegram.user(IRYNA, "Ірина", language_code="uk")
    olena = fake_telegram.user(OLENA, "Olena", language_code="uk")
    await step(admin, lambda: admin.send_command("start"), "Вітаємо! Це консоль платформи")

    await step(iryna, lambda: iryna.send_command("profile"), "Вище — ваш профіль")
    await step(iryna, lambda: iryna.click("💰 Ціна"), "Нова ціна за сесію в гривнях")
    await step(iryna, lambda: iryna.send("1 500"), "✅ Надіслано на схвалення: «Ціна».")
    before = await step(olena, lambda: olena.send_command("start", "t_iryna"), "Ірина Коваль")
    assert "1 200 ₴" in before["text"]

    notice = await admin.wait_message("Ірина Коваль пропонує зміну «Ціна»")
    card = await step(admin, lambda: admin.click(notice, "Переглянути зміну"), "Запропоновано:")
    assert "Зараз:\n1 200 ₴\n\nЗапропоновано:\n1 500 ₴" in card["text"]
    await step(admin, lambda: admin.click(card, "✅ Схвалити"), "✅ Ви схвалили.")

    await iryna.wait_message("Вашу зміну «Ціна» схвалено")
    after = await step(olena, lambda: olena.send_command("start", "t_iryna"), "Ірина Коваль")
    assert "1 500 ₴" in after["text"]
