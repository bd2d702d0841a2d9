"""Booking end to end: the real bot process, a client in New York and her therapist in Kyiv, over HTTP.

The process runs on the wall clock, so the days offered are whatever is free
from tomorrow on; the test picks by position and checks the times against
the database.
"""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time
from typing import TypeVar
from zoneinfo import ZoneInfo

from core.bookings import Booking, BookingStatus
from core.clock import SystemClock
from core.schedule import WorkingHours
from core.therapists import TherapistProfile
from core.usecases.booking import booking_paid
from core.users import Role, User
from playground.bot_api import FakeTelegram, FakeUser
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork
from tests.support.keys import TEST_RING

T = TypeVar("T")

OLENA, IRYNA = 1001, 2001
STARTUP = 60  # starting Python and migrating takes seconds on a loaded machine


async def in_database(database_url: str, work: Callable[[SqlUnitOfWork], Awaitable[T]]) -> T:
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            return await work(uow)
    finally:
        await engine.dispose()


async def a_client_and_a_therapist(uow: SqlUnitOfWork) -> None:
    now = datetime.now(UTC)
    await uow.users.add(User(OLENA, "Olena", "en", "America/New_York", now, roles={Role.CLIENT}, timezone_chosen=True))
    await uow.users.add(
        User(IRYNA, "Ірина", "uk", "Europe/Kyiv", now, roles={Role.CLIENT, Role.THERAPIST}, timezone_chosen=True)
    )
    await uow.therapists.add(
        TherapistProfile(
            telegram_id=IRYNA, full_name="Iryna Kovalenko", about="Anxiety and loss.", education="KNU, psychology.",
            experience_years=8, price_minor=120_000, timezone="Europe/Kyiv", topics=["anxiety"], approaches=["cbt"],
            languages=["uk", "en"], share_code="iryna", verified=True,
            hours=[WorkingHours(day, time(9), time(20)) for day in range(7)],
        )
    )
    await uow.commit()


async def the_booking(database_url: str) -> Booking:
    async def read(uow: SqlUnitOfWork) -> Booking:
        booking = await uow.bookings.get(1)
        assert booking is not None
        return booking

    return await in_database(database_url, read)


async def step(user: FakeUser, action, expected: str) -> dict:
    action()
    return await user.wait_message(expected, timeout=20)


def shown(moment: datetime, zone: str) -> str:
    """A moment's time and zone as Iryna (Ukrainian, Kyiv) or Olena (English, New York) reads them."""
    local = moment.astimezone(ZoneInfo(zone))
    if zone == "Europe/Kyiv":
        return f"{local:%H:%M} (Київ, UTC+2)"
    return f"{local:%a} {local.day} {local:%B}, {local:%H:%M} (New York, UTC-5)"


async def test_find_request_accept_move_and_cancel_in_time(fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url):
    await in_database(e2e_database_url, a_client_and_a_therapist)
    bot = bot_process_factory()
    await bot.start(timeout=STARTUP)
    olena = fake_telegram.user(OLENA, "Olena", language_code="en")
    iryna = fake_telegram.user(IRYNA, "Ірина", language_code="uk")

    # find → profile → a day, a time → book: a first session is a request, with what Olena comes with
    await step(olena, lambda: olena.send("/find"), "Found: 1")
    await step(olena, lambda: olena.click("Iryna Kovalenko · ₴1,200"), "Link to this profile")
    await step(olena, lambda: olena.click("📅 Choose a time"), "Times are shown in your time zone, New York, UTC-5.")
    day = olena.buttons()[0]
    await step(olena, lambda: olena.click(day), "choose a time")
    first_time = olena.buttons()[0]
    await step(olena, lambda: olena.click(first_time), "Session with Iryna Kovalenko")
    await step(olena, lambda: olena.click("✅ Book"), "What would you like to work on?")
    await step(olena, lambda: olena.click("Anxiety"), "What would you like to work on?")
    await step(olena, lambda: olena.click("✔️ Done"), "Only this therapist reads it.")
    await step(olena, lambda: olena.send("Exams keep me awake."), "which name should the therapist see?")
    await step(olena, lambda: olena.send("Lena"), "Your request for")

    # the therapist gets the request in Ukrainian and her zone, and accepts with one tap
    request = await iryna.wait_message("Новий запит на сесію", timeout=20)
    booking = await the_booking(e2e_database_url)
    assert booking.status is BookingStatus.REQUESTED
    assert shown(booking.starts_at, "Europe/Kyiv") in request["text"]
    assert ": Lena." in request["text"] and "Olena" not in request["text"]
    assert request["text"].endswith("💬 Теми запиту: Тривога\n\n📝 Нотатка клієнта, лише для вас:\nExams keep me awake.")
    iryna.click(request, "✅ Прийняти")
    to_iryna = await iryna.wait_message("підтверджено", timeout=20)
    to_olena = await olena.wait_message("is confirmed", timeout=20)
    assert shown(booking.starts_at, "Europe/Kyiv") in to_iryna["text"]
    assert shown(booking.starts_at, "America/New_York") in to_olena["text"]

    # the client moves it to the day's second time
    # Each tap is on the message just shown: a timed message (a payment reminder) may come in between.
    sessions = await step(olena, lambda: olena.send("/sessions"), "Your sessions")
    card = await step(olena, lambda: olena.click(sessions, olena.buttons(sessions)[0]), "Status:")
    days = await step(olena, lambda: olena.click(card, "🔁 Move to another time"), "Moving your session")
    # The furthest day offered: tomorrow's early times fall inside the notice window as the real day goes on.
    furthest_day = [label for label in olena.buttons(days) if re.search(r"\d{1,2} [A-Z][a-z]{2}", label)][-1]
    times = await step(olena, lambda: olena.click(days, furthest_day), "choose a time")
    second_time = [label for label in olena.buttons(times) if re.fullmatch(r"\d\d:\d\d", label)][1]
    move = await step(olena, lambda: olena.click(times, second_time), "Instead of")
    await step(olena, lambda: olena.click(move, "✅ Move here"), "is moved from")
    moved = await the_booking(e2e_database_url)
    assert (moved.version, moved.starts_at.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")) == (2, second_time)
    await iryna.wait_message("сесію перенесено", timeout=20)

    # paid, then cancelled a day or more ahead: free, and the refund is recorded as due
    async def pay(uow: SqlUnitOfWork) -> None:
        await booking_paid(uow, SystemClock(), 1)  # as payments does on a successful payment
        await uow.commit()

    await in_database(e2e_database_url, pay)
    sessions = await step(olena, lambda: olena.send("/sessions"), "Your sessions")
    card = await step(olena, lambda: olena.click(sessions, olena.buttons(sessions)[0]), "Status: ✅ paid")
    question = await step(olena, lambda: olena.click(card, "✖️ Cancel the session"), "You will get a full refund of ₴1,200.")
    await step(olena, lambda: olena.click(question, "Yes, cancel"), "will be refunded to you in full")
    await iryna.wait_message("Клієнт отримає повне повернення коштів.", timeout=20)
    cancelled = await the_booking(e2e_database_url)
    assert (cancelled.status, cancelled.refund_due_minor) == (BookingStatus.CANCELLED_IN_TIME, 120_000)
    assert fake_telegram.calls("forwardMessage") == []
