"""`python -m bot demo-data`: a handful of bookable therapists, and running it again changes nothing."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.demo_data import load_demo_data
from core.clock import ManualClock, SystemClock
from core.usecases.booking import BookingPolicy, free_times
from core.usecases.directory import Filters, find_therapists
from storage.db import create_engine, session_factory
from storage.tables import Base
from storage.uow import SqlUnitOfWork
from tests.conftest import START
from tests.support.keys import TEST_RING

REPO = Path(__file__).resolve().parents[2]


async def load(database_url: str, workdir: Path) -> str:
    """The command as an operator runs it: no bot token, only the database."""
    env = {key: value for key, value in os.environ.items() if key not in ("BOT_TOKEN", "DATABASE_URL")}
    env.update(DATABASE_URL=database_url, PYTHONPATH=str(REPO))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo-data",
        cwd=workdir, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode().strip()


async def dump(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in await connection.execute(select(table).order_by(*table.primary_key.columns))
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        await engine.dispose()


async def load_in_process(database_url: str) -> int:
    """The same loading without a new process (starting one costs seconds)."""
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            return await load_demo_data(uow, SystemClock())
    finally:
        await engine.dispose()


async def test_loading_twice_adds_six_therapists_once(database_url, tmp_path):
    first = await load(database_url, tmp_path)
    after_first = await dump(database_url)
    added_again = await load_in_process(database_url)

    assert first == "Added 6 demo therapist(s); 0 were already there."
    assert added_again == 0
    assert await dump(database_url) == after_first
    assert len(after_first["therapists"]) == 6
    assert all(row[0] < 0 for row in after_first["users"])  # ids no real Telegram user has


async def test_the_demo_therapists_are_varied_and_bookable(database_url):
    await load_in_process(database_url)
    clock = ManualClock(START)
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            page = await find_therapists(uow, clock, Filters(), BookingPolicy(), per_page=10)
            listed = [listing.therapist for listing in page.listings]
            free = {t.full_name: await free_times(uow, clock, t, BookingPolicy()) for t in listed}
    finally:
        await engine.dispose()

    assert len(listed) == 6
    assert all(t.verified and t.accepting_clients and t.hours for t in listed)
    assert {t.timezone for t in listed} == {"Europe/Kyiv", "Europe/Warsaw"}
    assert {"uk", "en", "pl"} <= {language for t in listed for language in t.languages}
    assert all(90_000 <= t.price_minor <= 200_000 for t in listed)
    assert len({topic for t in listed for topic in t.topics}) >= 8
    assert all(free[name] for name in free)  # everyone has time to book
    assert sum(1 for t in listed if t.vacations) == 1  # one has a vacation coming up
