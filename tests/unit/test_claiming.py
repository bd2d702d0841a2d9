"""Claiming due timed messages: once each, leased, taken over only when a lease has run out."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import ManualClock
from core.notices import KindFigures, NoticeStatus
from core.usecases.notices import cancel, notify, schedule
from storage.db import create_engine, is_sqlite, session_factory
from storage.tables import TimedMessageRow
from storage.uow import SqlUnitOfWork
from tests.conftest import START
from tests.support.keys import TEST_RING

LEASE = timedelta(seconds=60)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def claim(sessions, clock: ManualClock, worker: str, limit: int = 10) -> list:
    now = clock.now()
    async with SqlUnitOfWork(sessions) as uow:
        claimed = await uow.timed_messages.claim_due(now, worker, now + LEASE, limit)
        await uow.commit()
    return claimed


async def rows(sessions) -> dict[str, TimedMessageRow]:
    async with sessions() as session:
        return {row.dedup_key: row for row in await session.scalars(select(TimedMessageRow))}


async def test_due_messages_are_claimed_once_oldest_first_and_later_ones_wait(sessions, clock):
    async with SqlUnitOfWork(sessions) as uow:
        await schedule(uow, clock, kind="k", recipient_id=1, at=START + timedelta(seconds=30), key="later")
        await schedule(uow, clock, kind="k", recipient_id=1, at=START - timedelta(minutes=1), key="second")
        await schedule(uow, clock, kind="k", recipient_id=2, at=START - timedelta(minutes=9), key="first")
        await uow.commit()

    first = await claim(sessions, clock, "a")
    again = await claim(sessions, clock, "b")

    assert [message.dedup_key for message in first] == ["first", "second"]
    assert again == []
    stored = await rows(sessions)
    assert stored["first"].status == stored["second"].status == NoticeStatus.SENDING
    assert stored["first"].claimed_by == "a" and stored["first"].claimed_until == START + LEASE
    assert stored["later"].status == NoticeStatus.PENDING

    clock.advance(timedelta(seconds=30))
    assert await claim(sessions, clock, "b") == []  # chat 1's next waits: "a" is sending one of its, in order
    assert [message.dedup_key for message in await claim(sessions, clock, "a")] == ["later"]


async def test_a_crashed_claimers_messages_come_back_after_its_lease_and_it_cannot_mark_them(sessions, clock):
    async with SqlUnitOfWork(sessions) as uow:
        await notify(uow, clock, kind="k", recipient_id=1, key="reminder")
        await uow.commit()
    [taken] = await claim(sessions, clock, "crashed")

    clock.advance(LEASE - timedelta(seconds=1))
    assert await claim(sessions, clock, "other") == []
    clock.advance(timedelta(seconds=1))
    [taken_over] = await claim(sessions, clock, "other")

    assert taken_over.id == taken.id and taken_over.attempts == 1
    async with SqlUnitOfWork(sessions) as uow:
        assert not await uow.timed_messages.mark_sent(taken.id, "crashed", clock.now())
        assert await uow.timed_messages.mark_sent(taken.id, "other", clock.now())
        await uow.commit()
    stored = (await rows(sessions))["reminder"]
    assert (stored.status, stored.claimed_by, stored.sent_at) == (NoticeStatus.SENT, None, clock.now())


async def test_a_renewed_lease_is_not_taken_over_and_a_released_message_is_claimable_at_once(sessions, clock):
    async with SqlUnitOfWork(sessions) as uow:
        await notify(uow, clock, kind="k", recipient_id=1, key="one")
        await notify(uow, clock, kind="k", recipient_id=2, key="two")  # another chat: chat 1's would wait for "one"
        await uow.commit()
    one, two = await claim(sessions, clock, "a")

    clock.advance(LEASE - timedelta(seconds=5))
    async with SqlUnitOfWork(sessions) as uow:
        kept = await uow.timed_messages.renew([one.id], "a", clock.now() + LEASE)
        released = await uow.timed_messages.release([two.id], "a")
        await uow.commit()
    clock.advance(timedelta(seconds=10))

    assert (kept, released) == ({one.id}, 1)
    [reclaimed] = await claim(sessions, clock, "b")
    assert (reclaimed.id, reclaimed.attempts) == (two.id, 0)


async def test_the_same_key_replaces_a_waiting_message_but_never_revives_a_sent_one(sessions, clock):
    async with SqlUnitOfWork(sessions) as uow:
        await schedule(uow, clock, kind="k", recipient_id=1, at=START + timedelta(hours=1), key="pay:7", hours=48)
        await uow.commit()
    async with SqlUnitOfWork(sessions) as uow:
        await schedule(uow, clock, kind="k", recipient_id=1, at=START + timedelta(hours=2), key="pay:7", hours=24)
        await uow.commit()

    clock.advance(timedelta(hours=1))
    assert await claim(sessions, clock, "a") == []
    clock.advance(timedelta(hours=1))
    [message] = await claim(sessions, clock, "a")
    assert message.params == {"hours": 24}
    async with SqlUnitOfWork(sessions) as uow:
        await uow.timed_messages.mark_sent(message.id, "a", clock.now())
        await schedule(uow, clock, kind="k", recipient_id=1, at=clock.now(), key="pay:7", hours=1)
        await uow.commit()

    assert await claim(sessions, clock, "a") == []
    assert len(await rows(sessions)) == 1


async def test_a_cancelled_message_is_never_claimed(sessions, clock):
    async with SqlUnitOfWork(sessions) as uow:
        await schedule(uow, clock, kind="k", recipient_id=1, at=START + timedelta(minutes=1), key="session:3:1h")
        await uow.commit()
    async with SqlUnitOfWork(sessions) as uow:
        await cancel(uow, "session:3:1h")
        await uow.commit()

    clock.advance(timedelta(days=1))
    assert await claim(sessions, clock, "a") == []
    assert (await rows(sessions))["session:3:1h"].status == NoticeStatus.DROPPED


async def test_next_due_is_the_earliest_pending_message_or_running_out_lease(sessions, clock):
    async with SqlUnitOfWork(sessions) as uow:
        assert await uow.timed_messages.next_due_at() is None
        await schedule(uow, clock, kind="k", recipient_id=1, at=START + timedelta(hours=3), key="late")
        await notify(uow, clock, kind="k", recipient_id=1, key="now")
        await uow.commit()
    await claim(sessions, clock, "a")

    async with SqlUnitOfWork(sessions) as uow:
        assert await uow.timed_messages.next_due_at() == START + LEASE


async def test_a_claim_says_when_to_look_again_in_the_same_round_trip(sessions, clock):
    async with SqlUnitOfWork(sessions) as uow:
        await schedule(uow, clock, kind="k", recipient_id=1, at=START + timedelta(seconds=30), key="soon")
        await schedule(uow, clock, kind="k", recipient_id=1, at=START + timedelta(hours=3), key="late")
        await notify(uow, clock, kind="k", recipient_id=1, key="now-1")
        await notify(uow, clock, kind="k", recipient_id=2, key="now-2")
        await uow.commit()

    now = clock.now()
    async with SqlUnitOfWork(sessions) as uow:
        full, look_again = await uow.timed_messages.claim(now, "a", now + LEASE, 1)
        await uow.commit()
    assert ([m.dedup_key for m in full], look_again) == (["now-1"], None)  # the claim was full: more may be due
    async with SqlUnitOfWork(sessions) as uow:
        rest, look_again = await uow.timed_messages.claim(now, "a", now + LEASE, 10)
        await uow.commit()
    assert ([m.dedup_key for m in rest], look_again) == (["now-2"], START + timedelta(seconds=30))
    async with SqlUnitOfWork(sessions) as uow:
        nothing, look_again = await uow.timed_messages.claim(now, "b", now + LEASE, 10)
        await uow.commit()
    assert (nothing, look_again) == ([], START + timedelta(seconds=30))
    clock.advance(timedelta(minutes=5))
    async with SqlUnitOfWork(sessions) as uow:
        # "soon" is taken; the leases of the first two (a minute) ran out: taken over.
        taken, look_again = await uow.timed_messages.claim(clock.now(), "b", clock.now() + LEASE, 10)
        await uow.commit()
    assert sorted(m.dedup_key for m in taken) == ["now-1", "now-2", "soon"]
    assert look_again == clock.now() + LEASE  # our own lease comes before "late"


async def test_figures_count_each_kind_by_where_its_messages_stand(sessions, clock):
    async with SqlUnitOfWork(sessions) as uow:
        await schedule(uow, clock, kind="pay", recipient_id=1, at=START - timedelta(minutes=30), key="p1")
        await schedule(uow, clock, kind="pay", recipient_id=1, at=START - timedelta(minutes=5), key="p2")
        await schedule(uow, clock, kind="pay", recipient_id=1, at=START + timedelta(days=1), key="p3")
        await schedule(uow, clock, kind="pay", recipient_id=1, at=START + timedelta(days=2), key="p4")
        await notify(uow, clock, kind="relay", recipient_id=2, key="r1")
        await notify(uow, clock, kind="relay", recipient_id=2, key="r2")
        await cancel(uow, "p4")
        await uow.commit()
    claimed = {message.dedup_key: message for message in await claim(sessions, clock, "a")}
    async with SqlUnitOfWork(sessions) as uow:
        await uow.timed_messages.mark_sent(claimed["r1"].id, "a", clock.now())
        await uow.timed_messages.release([claimed["p1"].id, claimed["p2"].id], "a")
        await uow.commit()
        figures = await uow.timed_messages.figures(clock.now())

    assert figures == [
        KindFigures("pay", due=2, later=1, dropped=1, oldest_due_at=START - timedelta(minutes=30)),
        KindFigures("relay", sending=1, sent=1),
    ]
    assert figures[0].overdue_by(clock.now()) == timedelta(minutes=30)


async def test_postgresql_claimers_skip_rows_another_is_claiming_instead_of_waiting(sessions, clock, database_url):
    if is_sqlite(database_url):
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite lets one writer in at a time (BEGIN IMMEDIATE)")
    async with SqlUnitOfWork(sessions) as uow:
        for number in range(6):
            await notify(uow, clock, kind="k", recipient_id=number, key=f"m{number}")
        await uow.commit()

    now = clock.now()
    async with SqlUnitOfWork(sessions) as first, SqlUnitOfWork(sessions) as second:
        mine = await first.timed_messages.claim_due(now, "first", now + LEASE, 4)
        # The first claimer's transaction is still open: its rows are locked, not yet marked.
        theirs = await second.timed_messages.claim_due(now, "second", now + LEASE, 4)
        await second.commit()
        await first.commit()

    assert len(mine) == 4 and len(theirs) == 2
    assert {message.id for message in mine}.isdisjoint(message.id for message in theirs)


async def test_two_senders_claiming_at_once_never_split_one_chats_messages(sessions, clock):
    async with SqlUnitOfWork(sessions) as uow:
        for n in range(5):
            for chat in (1, 2, 3):
                await notify(uow, clock, kind="k", recipient_id=chat, key=f"c{chat}-{n}")
        await uow.commit()

    taken = await asyncio.gather(*(claim(sessions, clock, worker, limit=4) for worker in ("a", "b", "a", "b")))

    senders: dict[int, set[str]] = {}
    for worker, messages in zip(("a", "b", "a", "b"), taken, strict=True):
        for message in messages:
            senders.setdefault(message.recipient_id, set()).add(worker)
    assert all(len(workers) == 1 for workers in senders.values()), senders  # each chat's messages go out in order
