"""Timed messages in the real bot process: a crash loses nothing and doubles nothing; Telegram's refusals are honoured.

The messages are the shared chat's relays: a client writes, each message
becomes a timed message due now, and delivery copies it to her therapist
(a name header, then the copy), within one message a second to that chat.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from core.notices import NoticeStatus
from core.therapists import TherapistProfile
from core.usecases.conversations import open_conversation
from core.users import Role, User
from playground.bot_api import FakeTelegram
from storage.db import create_engine, session_factory
from storage.tables import InboxUpdateRow, TimedMessageRow, UserRow
from storage.uow import SqlUnitOfWork
from tests.support.keys import TEST_RING

OLENA, IRYNA = 1001, 2001
# Short leases and alarms, so that a restart takes over a dead process's messages within seconds.
FAST = {"DELIVERY_LEASE_SECONDS": "3", "DELIVERY_SAFETY_SECONDS": "1", "DELIVERY_RETRY_SECONDS": "1"}
# Starting Python, migrating and publishing menus takes seconds on a loaded machine.
STARTUP = 60


async def a_client_and_her_therapist(database_url: str) -> None:
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            now = datetime.now(UTC)
            await uow.users.add(User(OLENA, "Olena", "uk", "Europe/Kyiv", now, display_name="Оля", roles={Role.CLIENT}))
            await uow.users.add(User(IRYNA, "Ірина", "uk", "Europe/Kyiv", now, roles={Role.CLIENT, Role.THERAPIST}))
            await uow.therapists.add(
                TherapistProfile(
                    telegram_id=IRYNA, full_name="Ірина Коваль", about="", education="", experience_years=6,
                    price_minor=120_000, timezone="Europe/Kyiv", share_code="iryna", verified=True,
                )
            )
            await open_conversation(uow, OLENA, IRYNA)
            await uow.commit()
    finally:
        await engine.dispose()


async def timed_messages(database_url: str) -> list[TimedMessageRow]:
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with session_factory(engine)() as session:
            return list(await session.scalars(select(TimedMessageRow).order_by(TimedMessageRow.id)))
    finally:
        await engine.dispose()


async def until_sent(database_url: str, count: int, timeout: float = 30) -> None:
    """Wait until `count` relays are recorded as sent (the process has nothing in flight right after)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        rows = await timed_messages(database_url)
        if sum(row.status == NoticeStatus.SENT for row in rows) >= count:
            return
        assert loop.time() < deadline, [(row.dedup_key, row.status) for row in rows]
        await asyncio.sleep(0.02)  # a real process on the wall clock: look again shortly


async def until_handled(database_url: str, update_id: int, timeout: float = 30) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        while True:
            async with session_factory(engine)() as session:
                row = await session.get(InboxUpdateRow, update_id)
                if row is not None and row.handled_at is not None:
                    return
            assert loop.time() < deadline, f"update {update_id} was never handled"
            await asyncio.sleep(0.02)  # a real process on the wall clock: look again shortly
    finally:
        await engine.dispose()


def copies_to(fake: FakeTelegram, chat_id: int) -> Counter[int]:
    """How often each of the client's messages reached the chat, by its id in her chat."""
    return Counter(call.params["message_id"] for call in fake.calls("copyMessage", chat_id=chat_id, ok=True))


async def test_killed_while_messages_are_due_the_restarted_bot_delivers_each_exactly_once_however_often_updates_come(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url
):
    await a_client_and_her_therapist(e2e_database_url)
    bot = bot_process_factory(FAST)
    await bot.start(timeout=STARTUP)
    olena = fake_telegram.user(OLENA, "Olena", language_code="uk")
    fake_telegram.user(IRYNA, "Ірина", language_code="uk")
    written = [olena.send(f"Повідомлення {number}")["message_id"] for number in range(1, 7)]

    # Two relays are out; the other four are due (and claimed by this process) when it dies.
    await until_sent(e2e_database_url, 2)
    bot.kill()
    await bot.wait(timeout=10)
    before_restart = copies_to(fake_telegram, IRYNA)
    await bot.start(timeout=STARTUP)
    # Telegram re-sends what it thinks was missed; a client's app may send a message twice.
    for update in list(fake_telegram.pushed_updates):
        fake_telegram.redeliver(update)
    duplicate = fake_telegram.duplicate_last(same_update_id=False)
    await fake_telegram.wait_for("copyMessage", chat_id=IRYNA, count=6, timeout=60)
    await until_sent(e2e_database_url, 6)
    await until_handled(e2e_database_url, duplicate["update_id"])

    assert 2 <= sum(before_restart.values()) < 6
    assert copies_to(fake_telegram, IRYNA) == Counter(written)
    headers = [call for call in fake_telegram.calls("sendMessage", chat_id=IRYNA, ok=True) if call.text == "💬 Оля:"]
    assert len(headers) == 6
    rows = await timed_messages(e2e_database_url)
    assert [row.status for row in rows] == [NoticeStatus.SENT] * 6
    assert fake_telegram.too_many_requests_count == 0


async def test_429_5xx_and_403_from_telegram_lose_nothing_double_nothing_and_mark_the_blocked(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url
):
    await a_client_and_her_therapist(e2e_database_url)
    bot = bot_process_factory(FAST)
    await bot.start(timeout=STARTUP)
    olena = fake_telegram.user(OLENA, "Olena", language_code="uk")
    fake_telegram.user(IRYNA, "Ірина", language_code="uk")

    fake_telegram.fail_next("copyMessage", 429, retry_after=2)
    first = olena.send("Перше")["message_id"]
    await fake_telegram.wait_for("copyMessage", chat_id=IRYNA, count=2, timeout=20)  # the 429, then the copy
    fake_telegram.fail_next("sendMessage", 502)
    second = olena.send("Друге")["message_id"]
    await until_sent(e2e_database_url, 2)
    fake_telegram.block(IRYNA)
    olena.send("Третє")
    told = await olena.wait_message("⚠️ Це повідомлення не доставлено", timeout=20)

    assert copies_to(fake_telegram, IRYNA) == Counter([first, second])
    assert fake_telegram.too_many_requests_count == 1
    assert [call.error_code for call in fake_telegram.calls("sendMessage", chat_id=IRYNA, ok=False)][:1] == [502]
    assert told["reply_to_message"]["text"] == "Третє"
    rows = await timed_messages(e2e_database_url)
    relays = [row for row in rows if row.kind == "relay"]
    assert [row.status for row in relays] == [NoticeStatus.SENT, NoticeStatus.SENT, NoticeStatus.FAILED]
    assert relays[1].attempts == 1
    engine = create_engine(e2e_database_url, keys=TEST_RING)
    try:
        async with session_factory(engine)() as session:
            therapist = await session.get(UserRow, IRYNA)
    finally:
        await engine.dispose()
    assert therapist is not None and therapist.reachable is False
