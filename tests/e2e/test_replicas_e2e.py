"""Three replicas of the real bot (webhook mode, PostgreSQL and Redis) behind a round-robin forwarder share the work:
a replica killed with acknowledged updates in hand is never restarted and the others answer them within the lease;
a replica starting while the others handle answers nothing twice; a rolling restart under bookings and payments
records every payment once; a client's ten quick messages reach the therapist in order, from all replicas.

Replicas share PostgreSQL: on SQLite (one process holds every chat) these skip; tests/bot/test_inbox_leases.py
covers the leases there.
"""
from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import select

from playground.bot_api import FakeTelegram
from storage.tables import BookingRow, ChatLeaseRow, InboxUpdateRow, PaymentRow
from storage.tables.inbox import WAITING
from tests.e2e.test_chaos_e2e import FIRST_CLIENT, IRYNA, invoice_after, paying_clients
from tests.e2e.test_chat_e2e import IRYNA as THERAPIST
from tests.e2e.test_chat_e2e import OLENA, a_client_and_her_therapist
from tests.e2e.test_payments_e2e import PHRASE, PROVIDER, Seed, said
from tests.support.replicas import Replicas, until

LEASE = 3
ENV = {
    "INBOX_LEASE_SECONDS": str(LEASE),
    # A stopped replica's timed messages come back soon; pacing one chat's messages is delivery's own concern.
    "DELIVERY_LEASE_SECONDS": "3", "DELIVERY_SAFETY_SECONDS": "1", "DELIVERY_RATE_PER_CHAT_SECONDS": "0",
}
HELP = "Як користуватися ботом"


@pytest.fixture
def postgresql(e2e_database_url: str) -> str:
    if e2e_database_url.startswith("sqlite"):
        pytest.skip("replicas share PostgreSQL (DATABASE_URL); on SQLite one process holds every chat")
    return e2e_database_url


@pytest.fixture
async def seed(postgresql: str):
    seed = Seed(postgresql)
    yield seed
    await seed.close()


async def inbox(seed: Seed) -> list[InboxUpdateRow]:
    async with seed.sessions() as db:
        return list(await db.scalars(select(InboxUpdateRow)))


async def all_handled(seed: Seed) -> list[InboxUpdateRow]:
    """The inbox once every update in it is handled (else nothing)."""
    rows = await inbox(seed)
    return rows if all(row.handled_at is not None for row in rows) else []


async def held_with_waiting(seed: Seed, pid: int | None) -> set[int]:
    """The chats a replica's lease holds with acknowledged updates not handled yet."""
    async with seed.sessions() as db:
        chats = await db.scalars(
            select(ChatLeaseRow.chat_key)
            .where(ChatLeaseRow.holder.like(f"%:{pid}:%"))
            .where(ChatLeaseRow.chat_key.in_(select(InboxUpdateRow.chat_key).where(WAITING)))
        )
        return set(chats.all())


async def test_a_killed_replica_is_never_restarted_and_the_others_answer_what_it_had_acknowledged(
    fake_telegram: FakeTelegram, bot_process_factory, seed
):
    replicas = Replicas(fake_telegram, bot_process_factory, 3, ENV)
    await replicas.start_all()
    people = [fake_telegram.user(3001 + n, f"Person {n}") for n in range(12)]
    fake_telegram.delay_next("sendMessage", 2.0, times=24)  # Telegram slow to take answers: updates stay in hand

    for person in people:
        person.send_command("help")
    await until(lambda: len(fake_telegram.answered_by) == 12, 30, "all twelve acknowledged")
    held = await until(lambda: held_with_waiting(seed, replicas[0].pid), 10, "replica 0 holding acknowledged updates")
    replicas[0].kill()
    await replicas[0].wait(timeout=10)
    fake_telegram.cancel_delays()

    for person in people:  # the lease runs out, then the others take the chats over
        await person.wait_message(HELP, timeout=LEASE + 10)
    rows = await until(lambda: all_handled(seed), 10, "every update marked handled")  # just after its last answer
    assert len(rows) == 12 and all(row.set_aside_at is None for row in rows)
    takeovers = [(await replicas.metrics(index))["bot_chat_takeovers_total"] for index in (1, 2)]
    assert sum(takeovers) >= len(held)
    for person in people:  # twice only where the killed one was inside that very send
        assert 1 <= sum(text.startswith(HELP) for text in fake_telegram.sent_texts(person.id)) <= (
            2 if person.id in held else 1
        )


async def test_a_replica_starting_while_the_others_handle_answers_nothing_twice(
    fake_telegram: FakeTelegram, bot_process_factory, seed
):
    replicas = Replicas(fake_telegram, bot_process_factory, 3, ENV)
    await asyncio.gather(replicas.start(0), replicas.start(1))
    people = [fake_telegram.user(3101 + n, f"Person {n}") for n in range(12)]
    fake_telegram.hold("sendMessage")  # the two are handling, Telegram slow to take their answers

    for person in people:
        person.send_command("help")
    await until(lambda: fake_telegram.on_hold("sendMessage") == 12, 30, "every chat's answer on its way")
    await replicas.start(2)
    fake_telegram.release("sendMessage")
    for person in people:
        person.send_command("faq")  # and the third takes its share of what comes next

    for person in people:
        await person.wait_message("Як це працює", timeout=30)
    for person in people:
        texts = fake_telegram.sent_texts(person.id)
        assert [sum(text.startswith(start) for text in texts) for start in (HELP, "Як це працює")] == [1, 1]
    rows = await until(lambda: all_handled(seed), 10, "every update marked handled")
    assert len(rows) == 24 and all(row.attempts == 0 for row in rows)
    assert 2 in replicas.answered_by().values()


async def test_a_rolling_restart_under_bookings_and_payments_records_every_payment_once(
    fake_telegram: FakeTelegram, bot_process_factory, seed
):
    count = 6
    bookings = await paying_clients(seed, count)
    replicas = Replicas(fake_telegram, bot_process_factory, 3, {**ENV, **PROVIDER})
    await replicas.start_all()
    forced: list[int] = []

    async def pay(number: int) -> None:
        booking = bookings[number]
        client = fake_telegram.user(FIRST_CLIENT + number, f"Client {number}", language_code="uk")
        await asyncio.sleep(number * 1.5)  # a stream of payments across the restarts
        invoice = await invoice_after(fake_telegram, booking, kills=0)
        payment = await client.pre_checkout(invoice, timeout=30)
        assert payment.ok, payment.error_message
        client.complete_payment(payment)
        await said(fake_telegram, booking.client_id, PHRASE)

    async def roll() -> None:
        for index in range(3):
            await asyncio.sleep(2)
            if await replicas[index].stop(timeout=20) != 0:
                forced.append(index)
            await replicas.start(index)

    await asyncio.gather(roll(), *(pay(number) for number in range(count)))

    await said(fake_telegram, IRYNA, PHRASE, exact=True, count=count)
    payments = await seed.rows(PaymentRow)
    assert len(payments) == count and len({row.telegram_payment_charge_id for row in payments}) == count
    assert {row.status for row in await seed.rows(BookingRow)} == {"paid"}
    told = Counter(
        booking.client_id for booking in bookings for text in fake_telegram.sent_texts(booking.client_id) if PHRASE in text
    )
    assert all(told[booking.client_id] == 1 for booking in bookings) or forced, told
    assert [row for row in await inbox(seed) if row.set_aside_at is not None] == []
    assert set(replicas.answered_by().values()) == {0, 1, 2}


async def test_a_clients_ten_quick_messages_reach_the_therapist_in_order_from_all_replicas(
    fake_telegram: FakeTelegram, bot_process_factory, postgresql: str
):
    await a_client_and_her_therapist(postgresql)
    replicas = Replicas(fake_telegram, bot_process_factory, 3, ENV)
    await replicas.start_all()
    olena = fake_telegram.user(OLENA, "Olena", language_code="uk")
    written = [f"Думка {number}" for number in range(1, 11)]

    sent = [olena.send(text) for text in written]

    def copies() -> list[str]:
        return [
            (call.message or {}).get("text", "") for call in fake_telegram.calls("copyMessage")
            if call.ok and call.chat_id == THERAPIST
        ]

    await until(lambda: len(copies()) >= len(written), 30, "the ten copies")
    assert copies() == written
    updates = [
        update["update_id"] for update in fake_telegram.delivered_updates
        if update.get("message", {}).get("message_id") in {message["message_id"] for message in sent}
    ]
    assert len({replicas.answered_by()[update_id] for update_id in updates}) == 3  # spread over every replica
