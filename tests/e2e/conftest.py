"""Fixtures for end-to-end tests: a local Bot API server and the real bot process."""
from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path

import pytest

from tests.support.bot_process import BotProcess, sqlite_url
from tests.support.fake_telegram import FakeTelegram


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def e2e_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The DATABASE_URL the bot process gets. Override this fixture to choose another.

    1. TEST_DATABASE_URL from the environment (PostgreSQL in CI), passed through as is;
    2. otherwise the suite's `database_url` fixture when a conftest above defines it
       (it hands out a migrated, emptied database per test);
    3. otherwise a fresh SQLite file in the test's tmp directory.
    """
    from_env = os.environ.get("TEST_DATABASE_URL")
    if from_env:
        return from_env
    try:
        return str(request.getfixturevalue("database_url"))
    except pytest.FixtureLookupError:
        return sqlite_url(tmp_path)


BotProcessFactory = Callable[..., BotProcess]


@pytest.fixture
async def bot_process_factory(
    fake_telegram: FakeTelegram, tmp_path: Path, e2e_database_url: str,
) -> AsyncIterator[BotProcessFactory]:
    """make(env=None, *, database_url=None, **kwargs) -> an unstarted BotProcess.

    Every process made here is stopped (SIGTERM, then SIGKILL) after the test,
    before the fake server goes down.
    """
    processes: list[BotProcess] = []

    def make(
        env: Mapping[str, str | None] | None = None,
        *,
        database_url: str | None = None,
        **kwargs: object,
    ) -> BotProcess:
        workdir = tmp_path / f"bot-{len(processes) + 1}"
        process = BotProcess(
            fake_telegram, workdir, env=env, database_url=database_url or e2e_database_url, **kwargs,  # type: ignore[arg-type]
        )
        processes.append(process)
        return process

    yield make
    for process in reversed(processes):
        await process.stop()
