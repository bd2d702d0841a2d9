"""Chaos: the real process is killed (SIGKILL) at random moments while clients pay; nothing paid is lost.

Each client pays for a booking; right then the process dies at one of three moments: just after the
payment was pushed (the bot may not have fetched it), right after the next getUpdates moved the offset
past it (Telegram will never send it again), or while «Оплата пройшла успішно» is on its way (its
sendMessage held up by the server). The process is started again each time. In the end every payment
is recorded once, every booking is paid, and both sides read the phrase at least once; more than once
only for a kill inside its send (Telegram got it; the bot never read the answer).

CI runs three bookings (CHAOS_BOOKINGS), one per moment; `make chaos` runs more. CHAOS_SEED repeats a run.
"""
from __future__ import annotations

import asyncio
import os
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from core.bookings import Booking, BookingStatus
from core.clock import SystemClock
from core.therapists import TherapistProfile
from core.usecases.booking import BookingPolicy, accept_request
from core.users import Role, User
from playground.bot_api import FakeTelegram
from storage.tables import BookingRow, PaymentRow
from tests.e2e.test_foundation_e2e import until_confirmed
from tests.e2e.test_payments_e2e import PHRASE, PRICE, PROVIDER, Seed, said

IRYNA = 2001
FIRST_CLIENT = 5001
PUSHED, CONFIRMED, SENDING = "after the payment was pushed", "after the offset moved past it", "inside its send"
MOMENTS = (PUSHED, CONFIRMED, SENDING)
HELD_SEND_SECONDS = 2.0


async def paying_clients(seed: Seed, count: int) -> list[Booking]:
    now = datetime.now(UTC)
    async with seed.uow() as uow:
        await uow.users.add(User(IRYNA, "Iryna", "uk", "Europe/Kyiv", now, roles={Role.CLIENT, Role.THERAPIST}, timezone_chosen=True))
        await uow.therapists.add(
            TherapistProfile(
                telegram_id=IRYNA, full_name="Iryna Kovalenko", about="Anxiety.", education="KNU, MA",
                experience_years=8, price_minor=PRICE, timezone="Europe/Kyiv", share_code="iryna", verified=True,
            )
        )
        for number in range(count):
            await uow.users.add(
                User(FIRST_CLIENT + number, f"Client {number}", "uk", "Europe/Kyiv", now, roles={Role.CLIENT}, timezone_chosen=True)
            )
        await uow.commit()
    start = (now + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    bookings = []
    for number in range(count):
        async with seed.uow() as uow:
            booking = Booking(
                client_id=FIRST_CLIENT + number, therapist_id=IRYNA, starts_at=start + timedelta(hours=number),
                ends_at=start + timedelta(hours=number, minutes=50), price_minor=PRICE, status=BookingStatus.REQUESTED,
                created_at=now, lapses_at=now + timedelta(hours=12),
            )
            await uow.bookings.add(booking)
            await uow.commit()
        async with seed.uow() as uow:
            bookings.append(await accept_request(
                uow, SystemClock(), therapist_id=IRYNA, booking_id=booking.id, version=1, policy=BookingPolicy()
            ))
    return bookings


async def payment_recorded(seed: Seed, count: int, timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(await seed.rows(PaymentRow)) < count:
        assert loop.time() < deadline, "the payment was never recorded"
        await asyncio.sleep(0.01)  # a real process on the wall clock: look again shortly


async def invoice_after(fake: FakeTelegram, booking: Booking, *, kills: int) -> Any:
    """The booking's invoice. The first process sends every booking's invoice, and a kill inside one of those sends
    sends it again after its lease (a timed message, at least once): each kill so far may have doubled one."""
    calls = await fake.wait_for(
        lambda c: c.method == "sendInvoice" and c.params.get("payload") == f"b{booking.id}v{booking.version}", timeout=20
    )
    assert len(calls) <= 1 + kills, [call.params["payload"] for call in calls]
    return calls[-1]


async def test_killed_at_random_moments_while_clients_pay_every_payment_is_recorded_once_and_said(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url: str
):
    count = int(os.environ.get("CHAOS_BOOKINGS", "3"))
    chaos = random.Random(int(os.environ.get("CHAOS_SEED", random.randrange(10**6))))
    seed = Seed(e2e_database_url)
    bookings = await paying_clients(seed, count)
    # A killed process's claims on timed messages (invoices, the phrase) come back after a short lease.
    bot = bot_process_factory({
        "DELIVERY_SAFETY_SECONDS": "1", "DELIVERY_RATE_PER_CHAT_SECONDS": "0", "DELIVERY_LEASE_SECONDS": "3", **PROVIDER,
    })
    await bot.start(timeout=60)
    killed: dict[int, str] = {}

    for number, booking in enumerate(bookings):
        client = fake_telegram.user(FIRST_CLIENT + number, f"Client {number}", language_code="uk")
        invoice = await invoice_after(fake_telegram, booking, kills=len(killed))
        payment = await client.pre_checkout(invoice, timeout=20)
        assert payment.ok, payment.error_message
        moment = MOMENTS[number % len(MOMENTS)] if number < len(MOMENTS) else chaos.choice(MOMENTS)
        if moment is SENDING:
            fake_telegram.delay_next("sendMessage", HELD_SEND_SECONDS)
        client.complete_payment(payment)
        if moment is PUSHED:
            await asyncio.sleep(chaos.uniform(0, 0.05))
        elif moment is CONFIRMED:
            await until_confirmed(fake_telegram, fake_telegram.pushed_updates[-1]["update_id"])
        else:
            await payment_recorded(seed, number + 1)
            await asyncio.sleep(chaos.uniform(0.1, HELD_SEND_SECONDS / 2))
        bot.kill()
        await bot.wait(timeout=10)
        fake_telegram.cancel_delays()
        killed[booking.client_id] = moment
        await bot.start(timeout=60)
        await said(fake_telegram, booking.client_id, PHRASE)

    await said(fake_telegram, IRYNA, PHRASE, exact=True, count=count)
    payments = await seed.rows(PaymentRow)
    assert len(payments) == count and len({row.telegram_payment_charge_id for row in payments}) == count
    assert sorted(row.booking_id for row in payments) == sorted(booking.id for booking in bookings)
    assert {row.status for row in await seed.rows(BookingRow)} == {"paid"}
    said_to_clients = Counter(
        booking.client_id for booking in bookings for text in fake_telegram.sent_texts(booking.client_id) if PHRASE in text
    )
    for booking in bookings:
        allowed = 2 if killed[booking.client_id] is SENDING else 1
        assert 1 <= said_to_clients[booking.client_id] <= allowed, (killed[booking.client_id], said_to_clients)
    sends_killed = sum(moment is SENDING for moment in killed.values())
    assert count <= fake_telegram.sent_texts(IRYNA).count(PHRASE) <= count + sends_killed
    await seed.close()
