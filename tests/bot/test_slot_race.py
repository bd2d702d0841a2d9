"""A slot is taken once: the database guarantees it, however many clients press at the same moment.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL points there.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiogram.methods import EditMessageText

from core.bookings import Booking, BookingStatus, SlotTaken
from core.usecases.booking import SlotUnavailable, request_booking
from core.users import Role
from tests.bot import booking_support
from tests.bot.booking_support import IRYNA, add_person, add_therapist, bookings, utc

app = booking_support.app
sleeper = booking_support.sleeper

CLIENTS = range(5001, 5021)  # twenty clients
SLOT = utc(2026, 11, 26, 10)  # Thursday 12:00 in Kyiv


async def test_twenty_clients_booking_one_slot_at_once_make_exactly_one_booking(app):
    await add_therapist(app)
    for client_id in CLIENTS:
        await add_person(app, client_id, f"Client {client_id}", locale="uk", zone="Europe/Kyiv")
    policy = app.settings.booking_policy()

    async def attempt(client_id: int) -> Booking | SlotUnavailable:
        async with app.unit_of_work() as uow:  # each client its own transaction, as each update has
            try:
                return await request_booking(
                    uow, app.clock, client_id=client_id, therapist_id=IRYNA, starts_at=SLOT, policy=policy
                )
            except SlotUnavailable as refused:
                return refused

    outcomes = await asyncio.gather(*(attempt(client_id) for client_id in CLIENTS))

    won = [outcome for outcome in outcomes if isinstance(outcome, Booking)]
    lost = [outcome for outcome in outcomes if isinstance(outcome, SlotUnavailable)]
    assert len(won) == 1 and len(lost) == 19
    assert all(refused.next_free and SLOT not in refused.next_free for refused in lost)
    rows = await bookings(app)
    assert [(row.client_id, row.starts_at, row.status) for row in rows] == [(won[0].client_id, SLOT, "requested")]


async def test_twenty_clients_pressing_book_at_once_get_one_booking_and_nineteen_clear_answers(app, make_client):
    await add_therapist(app)
    clients = [make_client(client_id, f"Client{client_id}") for client_id in CLIENTS]
    for client in clients:
        await add_person(app, client.user_id, client.first_name, locale="uk", zone="Europe/Kyiv")
        # each makes their request up to its last step: the topics, then the note (skipped) sends it
        await client.press(f"bc:{IRYNA}:{int(SLOT.timestamp())}:0:0")
        await client.click("Тривога")
        await client.click("✔️ Готово")
    mark = {client.user_id: len(client.replies()) for client in clients}

    await asyncio.gather(*(client.click("Пропустити") for client in clients))

    (row,) = await bookings(app)
    assert row.starts_at == SLOT
    # Who loses at the check and who at the unique index differs by database; each is told plainly.
    plainly = ("На жаль, цей час щойно хтось забронював. ", "Цей час уже зайнятий. ")
    for client in clients:
        (answer,) = [
            reply for reply in client.replies()[mark[client.user_id]:] if isinstance(reply.method, EditMessageText)
        ]
        if client.user_id == row.client_id:
            assert answer.text == "Ви обрали чт, 26 листопада, 12:00 (Київ, UTC+2), терапевт — Iryna Kovalenko."
        else:
            assert answer.text.startswith(plainly)
            assert answer.text.endswith("Найближчий вільний час терапевта (Iryna Kovalenko):")
            assert answer.buttons[0] == "Чт, 26 лист., 13:00 (Київ, UTC+2)"


async def test_the_index_itself_refuses_a_second_active_booking_but_not_a_cancelled_one(app):
    await add_therapist(app)
    for client_id in (5001, 5002, 5003):
        await add_person(app, client_id, "Client", locale="uk", zone="Europe/Kyiv", roles={Role.CLIENT})

    def booking(client_id: int, status: BookingStatus) -> Booking:
        return Booking(client_id, IRYNA, SLOT, SLOT + timedelta(minutes=50), 120_000, status, app.clock.now())

    async with app.unit_of_work() as uow:
        await uow.bookings.add(booking(5001, BookingStatus.CANCELLED_IN_TIME))
        await uow.bookings.add(booking(5002, BookingStatus.AWAITING_PAYMENT))
        with pytest.raises(SlotTaken):
            await uow.bookings.add(booking(5003, BookingStatus.REQUESTED))
        await uow.commit()  # the refused insert was undone alone; the rest is saved
    assert [(row.client_id, row.status) for row in await bookings(app)] == [
        (5001, "cancelled_in_time"),
        (5002, "awaiting_payment"),
    ]
