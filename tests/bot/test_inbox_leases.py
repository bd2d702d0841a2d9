"""One inbox for every process: a chat is handled by the process holding its lease, in order; a live lease is never
taken; one that runs out is taken over, the update cut short counting a try; a process that stops lets go of its
chats; and when a slow holder and its taker both handle an update, only the first mark commits.

Each "process" here is a whole app with its own engine and its own Bot API session, on one database and one clock.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod
from sqlalchemy import select, text

from bot.app import App, build_app
from core.users import Role, User
from storage import chat_leases
from storage.chat_leases import LEASE_RAN_OUT
from storage.db import is_sqlite
from storage.encryption import sealed_key
from storage.inbox import keep, kept
from storage.tables import ChatLeaseRow, InboxUpdateRow
from tests.bot.test_inbox import a_message, inbox_rows
from tests.conftest import _isolated_redis_storage, make_settings
from tests.support.databases import server_url
from tests.support.recording_session import RecordingSession

LEASE = 5.0
# A lease that runs out while its holder lives: replicas share PostgreSQL. On SQLite the one process holds a chat
# until it stops (bot/inbox/feeder.py), so there is nothing to take over from a live process.
between_live_processes = pytest.mark.skipif(
    server_url() is None, reason="on SQLite one process holds every chat until it stops: replicas share PostgreSQL"
)


class HeldSession(RecordingSession):
    """Telegram that takes its time: a sendMessage waits until the test lets it through."""

    def __init__(self) -> None:
        super().__init__()
        self.sending = asyncio.Event()
        self.let_through = asyncio.Event()

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage):
            self.sending.set()
            await self.let_through.wait()
        return await super().make_request(bot, method, timeout)


@pytest.fixture
def settings(database_url: str):
    return make_settings(database_url, inbox_retry_seconds=0.01, inbox_lease_seconds=LEASE)


@pytest.fixture
async def processes(settings, clock) -> AsyncIterator[list[tuple[App, RecordingSession]]]:
    made: list[tuple[App, RecordingSession]] = []
    for session in (RecordingSession(), RecordingSession(), HeldSession()):
        # With Redis, each its own lock of a person's updates: what is tested is the inbox's lease and mark alone
        # (the shared Redis lock would only make the taker wait for the slow one, who then marks first).
        app = build_app(settings, clock=clock, session=session, fsm_storage=_isolated_redis_storage())
        await app.prepare()
        made.append((app, session))
    try:
        yield made
    finally:
        for app, session in made:
            if isinstance(session, HeldSession):
                session.let_through.set()
            await app.inbox.drain(10)
            await app.close()


def answers_to(session: RecordingSession, chat_id: int) -> list[str]:
    return [call.text or "" for call in session.calls if isinstance(call, SendMessage) and call.chat_id == chat_id]


async def left_by_a_dead_process(app: App, updates: list[dict], *, chat: int, holder: str = "replica-a:41:dead") -> None:
    """What a killed process left: its updates stored, not handled, and the lease of their chat it last renewed now."""
    async with app.unit_of_work() as uow:
        await keep(uow.session, [kept(update) for update in updates], app.clock.now())
        uow.session.add(ChatLeaseRow(chat_key=chat, holder=holder, expires_at=app.clock.now() + timedelta(seconds=LEASE)))
        await uow.commit()


async def leases(app: App) -> dict[int, str]:
    async with app.sessions() as db:
        return {row.chat_key: row.holder for row in await db.scalars(select(ChatLeaseRow))}


@between_live_processes
async def test_a_live_lease_is_never_taken_and_one_that_ran_out_is_taken_over_with_a_try_counted(processes, clock):
    (taker, session), _, _ = processes
    await left_by_a_dead_process(taker, [a_message(1101, "/faq"), a_message(1102, "/help")], chat=1001)

    await taker.inbox.tick()  # a process starting while the lease is alive
    clock.advance(timedelta(seconds=LEASE - 0.5))
    await taker.inbox.tick()
    assert await taker.inbox.idle(timeout=10)
    assert answers_to(session, 1001) == []
    assert (await leases(taker))[1001] == "replica-a:41:dead"

    clock.advance(timedelta(seconds=1))  # the dead one's lease has run out
    await taker.inbox.tick()
    assert await taker.inbox.idle(timeout=10)

    answers = answers_to(session, 1001)
    assert answers[0].startswith("Як це працює") and answers[-1].startswith("Як користуватися ботом")  # in order
    rows = await inbox_rows(taker)
    assert (rows[1101].attempts, rows[1101].last_error, rows[1101].handled_at is not None) == (1, LEASE_RAN_OUT, True)
    assert (rows[1102].attempts, rows[1102].handled_at is not None) == (0, True)  # it was not being handled
    await taker.inbox.tick()  # nothing waits in the chat any more: let go of it
    assert await leases(taker) == {}


async def test_an_update_that_kills_its_process_again_and_again_is_set_aside_after_its_tries(processes, clock):
    (taker, session), _, _ = processes
    await left_by_a_dead_process(taker, [a_message(1101, "/faq"), a_message(1102, "/faq")], chat=1001)
    async with taker.unit_of_work() as uow:  # it killed two processes already
        row = await uow.session.get(InboxUpdateRow, 1101)
        assert row is not None
        row.attempts = 2
        await uow.commit()

    clock.advance(timedelta(seconds=LEASE))
    await taker.inbox.tick()
    assert await taker.inbox.idle(timeout=10)

    rows = await inbox_rows(taker)
    assert (rows[1101].attempts, rows[1101].handled_at, rows[1101].set_aside_at is not None) == (3, None, True)
    assert rows[1102].handled_at is not None
    assert len(answers_to(session, 1001)) == 1


async def test_what_another_process_stores_for_a_chat_held_here_is_handled_here_before_what_comes_next(processes):
    (holder, holder_session), (other, other_session), _ = processes
    await holder.inbox.keep([a_message(1201, "/faq")])
    assert await holder.inbox.idle(timeout=10)

    await other.inbox.keep([a_message(1202, "/help")])  # the load balancer's choice
    await other.inbox.tick()
    assert await other.inbox.idle(timeout=10)
    assert answers_to(other_session, 1001) == []  # the chat is the holder's

    await holder.inbox.keep([a_message(1203, "/faq")])  # the next one reaches the holder before it looked again
    assert await holder.inbox.idle(timeout=10)
    answers = [answer for answer in answers_to(holder_session, 1001) if answer.startswith(("Як це", "Як корист"))]
    assert [answer.startswith("Як це працює") for answer in answers] == [True, False, True]
    assert all(row.handled_at is not None for row in (await inbox_rows(holder)).values())


async def test_a_process_that_stops_lets_go_of_its_chats_and_the_next_takes_them_without_a_try(processes):
    (stopping, _), (other, other_session), _ = processes
    await stopping.inbox.keep([a_message(1301, "/faq")])
    assert await stopping.inbox.idle(timeout=10)
    await other.inbox.keep([a_message(1302, "/faq")])  # stored just as the holder is stopping

    assert await stopping.inbox.drain(10)
    await other.inbox.tick()
    assert await other.inbox.idle(timeout=10)

    assert len(answers_to(other_session, 1001)) == 1
    row = (await inbox_rows(other))[1302]
    assert (row.attempts, row.handled_at is not None) == (0, True)


@between_live_processes
async def test_a_slow_holder_whose_chat_was_taken_over_undoes_its_work_when_the_taker_marked_the_update_first(
    processes, clock, caplog
):
    (taker, taker_session), _, (slow, slow_session) = processes
    assert isinstance(slow_session, HeldSession)
    async with slow.unit_of_work() as uow:  # someone who wrote before: reading them writes nothing
        await uow.users.add(User(1001, "Olena", "uk", "Europe/Kyiv", clock.now(), roles={Role.CLIENT}))
        await uow.commit()
    await slow.inbox.keep([a_message(1401, "/faq")])
    await asyncio.wait_for(slow_session.sending.wait(), 10)  # answering, and Telegram is slow to take it

    clock.advance(timedelta(seconds=LEASE + 1))  # the slow one has not renewed meanwhile
    await taker.inbox.tick()
    assert await taker.inbox.idle(timeout=10)
    handled_by_taker = clock.now()
    clock.advance(timedelta(seconds=1))
    slow_session.let_through.set()
    assert await slow.inbox.idle(timeout=10)

    row = (await inbox_rows(taker))[1401]
    assert row.handled_at == handled_by_taker  # the slow one's mark did not commit over it
    assert (row.attempts, row.last_error) == (1, LEASE_RAN_OUT)  # and its losing try was not counted as a failure
    assert "update 1401 was handled by another process first" in caplog.text
    # Both answered: the duplicate the README's «Reliability» names (a holder that loses its lease mid-handling).
    assert len(answers_to(taker_session, 1001)) == len(answers_to(slow_session, 1001)) == 1
    await slow.inbox.tick()  # the slow one learns that the chat is no longer its own
    assert slow.inbox.held_chats == 0


async def test_on_sqlite_the_one_process_takes_at_its_start_what_the_process_before_it_left(processes, settings, clock):
    (started, session), _, _ = processes
    await left_by_a_dead_process(started, [a_message(1501, "/faq")], chat=1001)

    await started.inbox.start()
    assert await started.inbox.idle(timeout=10)

    if is_sqlite(settings.database_url):
        assert len(answers_to(session, 1001)) == 1
        assert (await inbox_rows(started))[1501].attempts == 1
    else:  # replicas share PostgreSQL: a lease is alive until it runs out, whoever starts
        assert answers_to(session, 1001) == []
        assert (await leases(started))[1001] == "replica-a:41:dead"


async def test_two_processes_claiming_the_same_chats_at_once_hold_each_by_one(processes):
    (first, _), (second, _), _ = processes
    async with first.unit_of_work() as uow:
        await keep(uow.session, [kept(a_message(1600 + n, "/faq", chat_id=2000 + n)) for n in range(40)], first.clock.now())
        await uow.commit()

    won = await asyncio.gather(*(claim_all(app) for app in (first, second)))

    assert won[0].isdisjoint(won[1]) and won[0] | won[1] == set(range(2000, 2040))


async def claim_all(app: App) -> set[int]:
    async with app.unit_of_work() as uow:
        claimed = await chat_leases.claim(
            uow.session, app.inbox.holder, app.clock.now(), timedelta(seconds=LEASE), max_attempts=3
        )
        await uow.commit()
    return claimed.chats


async def test_an_update_a_process_stored_sealed_and_died_before_handling_is_opened_and_handled_by_the_next(
    processes, clock
):
    (taker, session), _, _ = processes
    await left_by_a_dead_process(taker, [a_message(1701, "/faq")], chat=1001)
    stored = await raw_payload(taker, 1701)
    assert sealed_key(stored or "") is not None and "Olena" not in (stored or "")  # what the killed one left

    clock.advance(timedelta(seconds=LEASE))
    await taker.inbox.tick()
    assert await taker.inbox.idle(timeout=10)

    assert answers_to(session, 1001)[0].startswith("Як це працює")  # opened with the key and handled
    row = (await inbox_rows(taker))[1701]
    assert (row.handled_at is not None, row.attempts) == (True, 1)
    assert await raw_payload(taker, 1701) is None  # cleared in the transaction that marked it handled


async def raw_payload(app: App, update_id: int) -> str | None:
    """The payload as the database holds it, past its column type."""
    async with app.engine.connect() as connection:
        return (await connection.execute(
            text("SELECT payload FROM inbox_updates WHERE update_id = :id"), {"id": update_id}
        )).scalar_one()
