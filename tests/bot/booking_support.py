"""A therapist, clients and a way to deliver what the bot scheduled, for the booking tests.

Time: START is Tuesday 24 November 2026, 10:00 in Kyiv, 03:00 in New York. Iryna
works Monday to Friday, 10:00–18:00 Kyiv time; the first slot a client can
book (25 hours' notice) is Wednesday 11:00 Kyiv, 04:00 New York.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
from aiogram.methods import EditMessageText, SendMessage, SendPhoto
from sqlalchemy import select

from bot.app import App, build_app
from core.bookings import Booking, BookingStatus
from core.clock import ManualClock
from core.schedule import WorkingHours
from core.therapists import TherapistProfile
from core.usecases.booking import accept_request, booking_paid, request_booking
from core.users import Role, User
from storage.tables import BookingRow
from tests.conftest import START, _isolated_redis_storage, isolated_send_budget
from tests.support.present import present
from tests.support.recording_session import RecordingSession
from tests.support.sleeper import ManualSleeper

OLENA = 1001  # a client in New York, reading English
PETRO = 1002  # a client in Kyiv, reading Ukrainian
IRYNA = 2001  # a therapist in Kyiv, reading Ukrainian
MAKSYM = 2002  # another therapist


@pytest.fixture
def sleeper(clock: ManualClock) -> ManualSleeper:
    return ManualSleeper(clock)


@pytest.fixture
async def app(settings, clock, session, sleeper) -> AsyncIterator[App]:
    """The production app whose delivery waits by moving the test's clock, never by sleeping."""
    app = build_app(
        settings, clock=clock, session=session, fsm_storage=_isolated_redis_storage(), sleeper=sleeper,
        send_budget=isolated_send_budget(sleeper.monotonic),
    )
    await app.prepare()
    try:
        yield app
    finally:
        await app.close()


async def add_person(
    app: App,
    telegram_id: int,
    first_name: str,
    *,
    locale: str,
    zone: str,
    roles: set[Role] | None = None,
    display_name: str | None = "",
) -> None:
    """A person who has used the bot before: they chose their first name as the name therapists see.

    display_name=None is someone who has not chosen one yet.
    """
    async with app.unit_of_work() as uow:
        await uow.users.add(
            User(
                telegram_id,
                first_name,
                locale,
                zone,
                START,
                display_name=first_name if display_name == "" else display_name,
                roles=roles or {Role.CLIENT},
                timezone_chosen=True,
            )
        )
        await uow.commit()


async def add_therapist(
    app: App,
    telegram_id: int = IRYNA,
    full_name: str = "Iryna Kovalenko",
    *,
    locale: str = "uk",
    zone: str = "Europe/Kyiv",
    **profile: Any,
) -> TherapistProfile:
    await add_person(app, telegram_id, full_name.split()[0], locale=locale, zone=zone, roles={Role.CLIENT, Role.THERAPIST})
    values: dict[str, Any] = {
        "about": "I help adults with anxiety and with the weight of loss.",
        "education": "Taras Shevchenko National University of Kyiv, psychology (MA).",
        "experience_years": 8,
        "price_minor": 120_000,
        "topics": ["anxiety", "grief"],
        "approaches": ["cbt"],
        "languages": ["uk", "en"],
        "share_code": full_name.split()[0].lower(),
        "verified": True,
        "hours": [WorkingHours(day, time(10), time(18)) for day in range(5)],
    }
    values.update(profile)
    therapist = TherapistProfile(telegram_id=telegram_id, full_name=full_name, timezone=zone, **values)
    async with app.unit_of_work() as uow:
        await uow.therapists.add(therapist)
        await uow.commit()
    return therapist


async def scene(app: App) -> None:
    """Olena in New York (English), Petro in Kyiv (Ukrainian), Iryna the therapist in Kyiv (Ukrainian)."""
    await add_therapist(app)
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")


async def deliver(app: App) -> None:
    """Let the scheduler send everything that is due now."""
    await app.courier.drain()


def sent_to(session: RecordingSession, chat_id: int, since: int = 0) -> list[str]:
    """Texts of new messages (not edits) the bot sent to a chat, from call number `since` on."""
    return [
        call.text if isinstance(call, SendMessage) else call.caption or ""
        for call in session.calls[since:]
        if isinstance(call, SendMessage | SendPhoto) and call.chat_id == chat_id
    ]


def edits_to(session: RecordingSession, chat_id: int, since: int = 0) -> list[str]:
    return [present(call.text) for call in session.calls[since:] if isinstance(call, EditMessageText) and call.chat_id == chat_id]


async def bookings(app: App) -> list[BookingRow]:
    async with app.sessions() as db:
        return list(await db.scalars(select(BookingRow).order_by(BookingRow.id)))


async def stored(app: App, booking_id: int) -> Booking:
    async with app.unit_of_work() as uow:
        booking = await uow.bookings.get(booking_id)
    assert booking is not None
    return booking


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def booked(
    app: App, client_id: int, starts_at: datetime, *, therapist_id: int = IRYNA, accepted: bool = True, paid: bool = False
) -> Booking:
    """A booking made through the use cases, as the buttons would make it."""
    policy = app.settings.booking_policy()
    async with app.unit_of_work() as uow:
        booking = await request_booking(
            uow, app.clock, client_id=client_id, therapist_id=therapist_id, starts_at=starts_at, policy=policy
        )
    if accepted and booking.status is BookingStatus.REQUESTED:
        async with app.unit_of_work() as uow:
            booking = await accept_request(
                uow, app.clock, therapist_id=therapist_id, booking_id=booking.id, version=booking.version, policy=policy
            )
    if paid:
        async with app.unit_of_work() as uow:
            booking = await booking_paid(uow, app.clock, booking.id, policy=policy)
            await uow.commit()
    return booking
