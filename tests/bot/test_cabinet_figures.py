"""The month in figures: sessions held, new clients, cancellations, and the money from the payments' records.

The clock starts on 1 October 2026 and only moves forward, as time does; the
figures are read on Tuesday 24 November, 10:00 in Kyiv.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.clock import ManualClock
from core.usecases.booking import accept_request, cancel_booking, request_booking
from tests.bot import booking_support, payment_support
from tests.bot.booking_support import IRYNA, OLENA, PETRO, add_person, stored, utc
from tests.bot.cabinet_support import MENU_MONTH, iryna_in_cabinet
from tests.bot.payment_support import pay_for

app, sleeper = booking_support.app, booking_support.sleeper
settings, payment_env = payment_support.settings, payment_support.payment_env

OKSANA = 1003


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 10, 1, 7, tzinfo=UTC))


async def booked(app, client_id: int, starts_at: datetime, *, accept: bool = True):
    policy = app.settings.booking_policy()
    async with app.unit_of_work() as uow:
        booking = await request_booking(uow, app.clock, client_id=client_id, therapist_id=IRYNA, starts_at=starts_at, policy=policy)
    if accept and booking.confirmed_at is None:
        async with app.unit_of_work() as uow:
            booking = await accept_request(uow, app.clock, therapist_id=IRYNA, booking_id=booking.id, version=1, policy=policy)
    return booking


async def cancelled(app, person_id: int, booking, *, free: bool) -> None:
    async with app.unit_of_work() as uow:
        await cancel_booking(uow, app.clock, person_id=person_id, booking_id=booking.id, version=booking.version, expected_free=free)


async def test_the_month_counts_held_sessions_new_clients_cancellations_and_money(app, session, clock, make_client):
    iryna = await iryna_in_cabinet(app, make_client)
    await add_person(app, OLENA, "Olena", locale="en", zone="America/New_York")
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    await add_person(app, OKSANA, "Oksana", locale="uk", zone="Europe/Kyiv")
    olena, petro = make_client(OLENA, "Olena", language_code="en"), make_client(PETRO, "Petro")

    # October: Petro becomes her client, so in November he is not a new one.
    await pay_for(app, session, petro, await booked(app, PETRO, utc(2026, 10, 8, 9)))
    # November, in Kyiv's month.
    clock.set(datetime(2026, 11, 2, 8, tzinfo=UTC))
    await pay_for(app, session, olena, await booked(app, OLENA, utc(2026, 11, 5, 10)), "tg-2")  # held
    clock.set(datetime(2026, 11, 9, 8, tzinfo=UTC))
    await pay_for(app, session, petro, await booked(app, PETRO, utc(2026, 11, 12, 10)), "tg-3")  # held
    clock.set(datetime(2026, 11, 16, 8, tzinfo=UTC))
    late = await booked(app, PETRO, utc(2026, 11, 19, 10))
    await pay_for(app, session, petro, late, "tg-4")
    clock.set(datetime(2026, 11, 18, 20, tzinfo=UTC))
    await cancelled(app, PETRO, late, free=False)  # less than 24 hours ahead: counts as held
    clock.set(datetime(2026, 11, 20, 8, tzinfo=UTC))
    in_time = await booked(app, OLENA, utc(2026, 11, 26, 10))
    await cancelled(app, OLENA, in_time, free=True)
    ahead = await booked(app, OLENA, utc(2026, 11, 27, 10))
    await pay_for(app, session, olena, ahead, "tg-5")
    withdrawn = await booked(app, OKSANA, utc(2026, 11, 25, 10), accept=False)
    await cancelled(app, OKSANA, withdrawn, free=True)  # a request withdrawn: no session, no cancellation
    clock.set(datetime(2026, 11, 23, 8, tzinfo=UTC))
    by_her = await booked(app, OKSANA, utc(2026, 11, 30, 10))  # Oksana is a new client ...
    await cancelled(app, IRYNA, by_her, free=True)  # ... even though Iryna had to cancel
    clock.set(datetime(2026, 11, 24, 8, tzinfo=UTC))

    replies = await iryna.send(MENU_MONTH)

    assert replies[0].text == (
        "📊 Ваш місяць від 1 листопада 2026 (Київ, UTC+2)\n"
        "Проведено сесій: 3\n"
        "Ще заплановано цього місяця: 1\n"
        "Нових клієнтів: 2\n"
        "Скасували клієнти: 2, з них менш ніж за 24 години (зараховано як проведені): 1\n"
        "Скасували ви: 1\n\n"
        "💰 Ваша частка за проведені сесії: 2 880 ₴\n"
        "Очікується за оплачені майбутні сесії: 960 ₴\n"
        "Виплачено вам цього місяця: 0 ₴\n\n"
        "Належить вам:\n"
        "• 960 ₴ до 6 жовтня 2026\n"
        "• 960 ₴ до 5 листопада 2026\n"
        "• 960 ₴ до 12 листопада 2026\n"
        "• 960 ₴ до 19 листопада 2026\n"
        "• 960 ₴ до 25 листопада 2026\n\n"
        "Кожна виплата докладно: /earnings"
    )
    assert (await stored(app, late.id)).counts_as_held
