"""Waitlists end to end: the real bot process on the wall clock, clients who wait for a full therapist.

Iryna (Kyiv) works one hour a day, 16:00–17:00 Kyiv time: 09:00 in New York (10:00 for the two weeks a year
the clocks change apart), and every one of those hours in the coming sixteen days is booked. Olena (New York,
English) can meet weekday mornings and weekends; Petro (Kyiv, Ukrainian) weekday daytime and weekends.
"""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from core.bookings import Booking, BookingStatus
from core.clock import SystemClock
from core.matching import KeptAnswers
from core.rules.matching import Answers, Window
from core.schedule import WorkingHours
from core.therapists import TherapistProfile
from core.usecases.booking import BookingPolicy, accept_request, request_booking
from core.users import Role, User
from playground.bot_api import FakeTelegram, FakeUser
from storage.tables import BookingRow, TimedMessageRow, WaitlistEntryRow
from storage.uow import SqlUnitOfWork
from tests.e2e.test_booking_e2e import STARTUP, in_database

IRYNA, OLENA, PETRO, YULIA, OSTAP = 2001, 1001, 1002, 1003, 1004
HOLDERS = 5000  # the clients who booked Iryna's hours: 5000, 5001, …
KYIV = ZoneInfo("Europe/Kyiv")
TOLD_WITHIN = 60  # seconds: "at once", on a loaded machine


def iryna_hours(now: datetime) -> list[datetime]:
    """Her starts from the day after tomorrow for sixteen days (tomorrow's is inside the 25-hour notice or close)."""
    first = now.astimezone(KYIV).date() + timedelta(days=1)
    return [datetime.combine(first + timedelta(days=n), time(16), tzinfo=KYIV).astimezone(UTC) for n in range(16)]


async def a_full_therapist(uow: SqlUnitOfWork) -> list[Booking]:
    """Iryna, her hours all booked and confirmed (not paid yet), in order."""
    now = datetime.now(UTC)
    people = [
        User(OLENA, "Olena", "en", "America/New_York", now, display_name="Olena", roles={Role.CLIENT}, timezone_chosen=True),
        User(PETRO, "Petro", "uk", "Europe/Kyiv", now, display_name="Petro", roles={Role.CLIENT}, timezone_chosen=True),
        User(YULIA, "Yulia", "uk", "Europe/Kyiv", now, display_name="Yulia", roles={Role.CLIENT}, timezone_chosen=True),
        User(OSTAP, "Ostap", "uk", "Europe/Kyiv", now, display_name="Ostap", roles={Role.CLIENT}, timezone_chosen=True),
        User(IRYNA, "Ірина", "uk", "Europe/Kyiv", now, roles={Role.CLIENT, Role.THERAPIST}, timezone_chosen=True),
    ]
    for person in people:
        await uow.users.add(person)
    await uow.therapists.add(
        TherapistProfile(
            telegram_id=IRYNA, full_name="Iryna Kovalenko", about="Anxiety and loss.", education="KNU, psychology.",
            experience_years=8, price_minor=120_000, timezone="Europe/Kyiv", topics=["anxiety"], approaches=["cbt"],
            languages=["uk", "en"], share_code="iryna", verified=True,
            hours=[WorkingHours(day, time(16), time(17)) for day in range(7)],
        )
    )
    for client, windows in (
        (OLENA, (Window.MORNINGS, Window.WEEKENDS)),
        (PETRO, (Window.DAYTIME, Window.WEEKENDS)),
        (YULIA, (Window.DAYTIME, Window.WEEKENDS)),
        (OSTAP, (Window.DAYTIME, Window.WEEKENDS)),
    ):
        await uow.matching.keep_answers(client, KeptAnswers(Answers(windows=windows), now))
    clock, policy = SystemClock(), BookingPolicy()
    booked = []
    for n, start in enumerate(iryna_hours(now)):
        holder = HOLDERS + n
        await uow.users.add(User(holder, f"Holder{n}", "uk", "Europe/Kyiv", now, display_name=f"H{n}", roles={Role.CLIENT}))
        booking = await request_booking(uow, clock, client_id=holder, therapist_id=IRYNA, starts_at=start, policy=policy)
        booked.append(
            await accept_request(uow, clock, therapist_id=IRYNA, booking_id=booking.id, version=booking.version, policy=policy)
        )
    await uow.commit()
    return booked


async def join_from_the_profile(user: FakeUser, join: str) -> None:
    await wait(user, lambda: user.send("/find"), "Iryna Kovalenko")
    await wait(user, lambda: user.click(user.buttons()[0]), "iryna")
    await wait(user, lambda: user.click(join), "🔔")


async def wait(user: FakeUser, action, expected: str) -> dict:
    action()
    return await user.wait_message(expected, timeout=20)


async def cancel_in_the_chat(fake: FakeTelegram, holder: int) -> None:
    """The holder cancels their session, a few days ahead (free), as a person would."""
    person = fake.user(holder, f"Holder{holder - HOLDERS}", language_code="uk")
    await wait(person, lambda: person.send("/sessions"), "Ваші сесії")
    await wait(person, lambda: person.click(person.buttons()[0]), "Статус:")
    await wait(person, lambda: person.click("✖️ Скасувати сесію"), "нічого не коштує")
    await wait(person, lambda: person.click("Так, скасувати"), "скасували сесію")


async def test_waiting_clients_are_told_at_once_once_and_first_to_book_takes_the_time(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url
):
    booked = await in_database(e2e_database_url, a_full_therapist)
    freed, freed_later = booked[4], booked[5]  # days ahead: cancelling them is free
    bot = bot_process_factory()
    await bot.start(timeout=STARTUP)
    olena = fake_telegram.user(OLENA, "Olena", language_code="en")
    petro = fake_telegram.user(PETRO, "Petro", language_code="uk")
    yulia = fake_telegram.user(YULIA, "Yulia", language_code="uk")
    ostap = fake_telegram.user(OSTAP, "Ostap", language_code="uk")
    await join_from_the_profile(olena, "🔔 Tell me when a time opens")
    for person in (petro, yulia, ostap):
        await join_from_the_profile(person, "🔔 Повідомте, коли з'явиться час")
    await wait(yulia, lambda: yulia.click("🔕 Більше не чекати"), "Ви ні на кого не чекаєте")  # she left

    async def lapsed(uow: SqlUnitOfWork) -> None:  # Ostap joined 31 days ago, as far as the database knows
        await uow.session.execute(
            update(WaitlistEntryRow).where(WaitlistEntryRow.client_id == OSTAP)
            .values(joined_at=datetime.now(UTC) - timedelta(days=31))
        )
        await uow.commit()

    await in_database(e2e_database_url, lapsed)

    # A cancellation in the chat: both who wait are told within a minute, each in their language and zone.
    cancelled_at = datetime.now(UTC)
    await cancel_in_the_chat(fake_telegram, freed.client_id)
    to_olena = await olena.wait_message("1 time has opened that suits you", timeout=TOLD_WITHIN)
    to_petro = await petro.wait_message("з'явилося 1 вільне віконце", timeout=TOLD_WITHIN)
    assert (datetime.now(UTC) - cancelled_at).total_seconds() < TOLD_WITHIN
    local = freed.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%H:%M} (New York" in olena.buttons(to_olena)[0]
    assert "16:00 (Київ" in petro.buttons(to_petro)[0]

    # Olena books it first; Petro's tap on the same time hears the nearest free times instead.
    await wait(olena, lambda: olena.click(to_olena, olena.buttons(to_olena)[0]), "What would you like to work on?")
    await wait(olena, lambda: olena.click("Anxiety"), "What would you like to work on?")
    await wait(olena, lambda: olena.click("✔️ Done"), "Only this therapist reads it.")
    await wait(olena, lambda: olena.click("Skip"), "Your request for")
    late = await wait(petro, lambda: petro.click(to_petro, petro.buttons(to_petro)[0]), "Цей час уже")
    assert "Найближчий вільний час" in late["text"] and petro.buttons(late)

    async def holding(uow: SqlUnitOfWork) -> list[tuple[int, str]]:
        rows = await uow.session.execute(
            select(BookingRow.client_id, BookingRow.status).where(BookingRow.starts_at == freed.starts_at)
        )
        return [(client, status) for client, status in rows]

    held = [(client, status) for client, status in await in_database(e2e_database_url, holding) if status != "cancelled_in_time"]
    assert held == [(OLENA, BookingStatus.REQUESTED.value)]

    # Another time opens: Olena booked (her wait is over), Petro heard today already, Yulia left, Ostap lapsed.
    await cancel_in_the_chat(fake_telegram, freed_later.client_id)
    await all_due_messages_settled(e2e_database_url)
    opened = [
        [text for text in person.texts() if text.startswith("🔔") and ("opened" in text or "віконц" in text)]
        for person in (olena, petro, yulia, ostap)
    ]
    assert [len(texts) for texts in opened] == [1, 1, 0, 0]

    async def petros_next(uow: SqlUnitOfWork) -> list[datetime]:
        rows = await uow.session.scalars(
            select(TimedMessageRow.due_at).where(
                TimedMessageRow.recipient_id == PETRO, TimedMessageRow.status == "pending",
                TimedMessageRow.kind == "waitlist.time_opened",
            )
        )
        return list(rows)

    [due] = await in_database(e2e_database_url, petros_next)
    assert due - cancelled_at > timedelta(hours=23)  # his next notice waits for the day to pass


async def all_due_messages_settled(database_url: str, *, timeout: float = TOLD_WITHIN) -> None:
    """Until the bot has sent, dropped or failed every timed message due by now (a real process: look again shortly)."""

    async def waiting(uow: SqlUnitOfWork) -> int | None:
        return await uow.session.scalar(
            select(func.count()).select_from(TimedMessageRow).where(
                TimedMessageRow.status.in_(("pending", "sending")), TimedMessageRow.due_at <= datetime.now(UTC)
            )
        )

    deadline = asyncio.get_running_loop().time() + timeout
    while await in_database(database_url, waiting):
        assert asyncio.get_running_loop().time() < deadline, "timed messages due now were not delivered"
        await asyncio.sleep(0.2)
