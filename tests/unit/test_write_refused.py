"""PostgreSQL's deadlock victim is rolled back whole: it is reported as `WriteRefused`, which the update
middleware answers by handling the update again (tests/bot/test_update_transaction.py covers SQLite's own)."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from storage.db import WriteRefused, create_engine, is_sqlite
from tests.support.keys import TEST_RING


async def test_the_loser_of_a_deadlock_is_told_to_run_again_and_the_winner_commits(database_url: str) -> None:
    if is_sqlite(database_url):
        pytest.skip("SQLite has one writer at a time: no deadlock between two of them")
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE probe (id int PRIMARY KEY, n int NOT NULL)"))
            await connection.execute(text("INSERT INTO probe VALUES (1, 0), (2, 0)"))
        both_hold_one = asyncio.Barrier(2)

        async def take(first: int, second: int) -> None:
            async with engine.begin() as connection:
                await connection.execute(text("UPDATE probe SET n = n + 1 WHERE id = :id"), {"id": first})
                await both_hold_one.wait()
                await connection.execute(text("UPDATE probe SET n = n + 1 WHERE id = :id"), {"id": second})

        outcomes = await asyncio.gather(take(1, 2), take(2, 1), return_exceptions=True)

        assert sorted(type(outcome).__name__ for outcome in outcomes) == ["NoneType", "WriteRefused"]
        assert all(outcome is None or isinstance(outcome, WriteRefused) for outcome in outcomes)
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT sum(n) FROM probe"))).scalar() == 2  # the winner's two
    finally:
        await engine.dispose()
