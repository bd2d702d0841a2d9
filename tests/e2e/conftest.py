"""Fixtures for end-to-end tests: a local Bot API server and the real bot process."""
from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from playground.bot_api import FakeTelegram
from tests.support.bot_process import BotProcess, sqlite_url


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def e2e_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The DATABASE_URL the bot process gets. Override this fixture to choose another.

    The suite's `database_url` fixture (a migrated, emptied database per test, on
    SQLite or on the PostgreSQL that DATABASE_URL names), else a fresh SQLite file.
    """
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
    bot_id = random.randint(10**8, 10**9)

    def make(
        env: Mapping[str, str | None] | None = None,
        *,
        database_url: str | None = None,
        **kwargs: Any,
    ) -> BotProcess:
        workdir = tmp_path / f"bot-{len(processes) + 1}"
        workdir.mkdir(parents=True, exist_ok=True)
        # Its own working folder keeps a developer's .env out of the test; its own
        # bot id keeps its conversation state apart from other tests' in a shared Redis.
        kwargs.setdefault("token", f"{bot_id}:TEST-token-abcdefghijklmnopqrstuvwxyz012345")
        kwargs.setdefault("cwd", workdir)
        process = BotProcess(
            fake_telegram, workdir, env=env, database_url=database_url or e2e_database_url, **kwargs,
        )
        processes.append(process)
        return process

    yield make
    for process in reversed(processes):
        await process.stop()
