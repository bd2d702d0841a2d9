from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.base import BaseStorage
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from bot.app import App, build_app
from bot.delivery import Budget
from bot.settings import Settings
from core.clock import ManualClock
from tests.support.bot_client import BotClient, MakeClient
from tests.support.databases import PostgresRun, SqliteTemplate, redis_url, server_url
from tests.support.keys import TEST_DATA_KEYS
from tests.support.recording_session import RecordingSession

TEST_TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz012345"
ADMIN_ID = 900
# Properties, not speed: on a shared two-core machine an example's time says nothing about the rule.
hypothesis_settings.register_profile("shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("shared-machine")

# A Tuesday morning in Kyiv, far from DST changes and public holidays.
START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def _database_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresRun | SqliteTemplate]:
    url = server_url()
    if url is None:
        yield SqliteTemplate(tmp_path_factory.mktemp("template"))
        return
    run = PostgresRun(url)
    try:
        yield run
    finally:
        run.drop()


@pytest.fixture
async def database_url(_database_server: PostgresRun | SqliteTemplate, tmp_path: Path) -> str:
    if isinstance(_database_server, PostgresRun):
        await _database_server.empty()
        return _database_server.url
    return _database_server.fresh(tmp_path)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TEST_TOKEN,
        "database_url": database_url,
        "data_keys": TEST_DATA_KEYS,
        "admin_ids": frozenset({ADMIN_ID}),
        "redis_url": redis_url(),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def session() -> RecordingSession:
    return RecordingSession()


@pytest.fixture
async def app(settings: Settings, clock: ManualClock, session: RecordingSession) -> AsyncIterator[App]:
    app = build_app(settings, clock=clock, session=session, fsm_storage=_isolated_redis_storage())
    await app.prepare()
    try:
        yield app
    finally:
        await app.close()


def _isolated_redis_storage() -> BaseStorage | None:
    """Tests share one Redis: give each its own key prefix."""
    url = redis_url()
    if url is None:
        return None
    from aiogram.fsm.storage.base import DefaultKeyBuilder
    from aiogram.fsm.storage.redis import RedisStorage

    return RedisStorage.from_url(url, key_builder=DefaultKeyBuilder(prefix=f"test-{uuid.uuid4().hex}", with_bot_id=True, with_destiny=True))


def isolated_send_budget(clock: Callable[[], float]) -> Budget | None:
    """With Redis, a budget of Telegram's limits under a key prefix of the test's own, on the test's clock.

    Tests move time themselves and start at the same moment: in a shared namespace,
    one test's sends would hold up the next one's. Without Redis: None, the app's own local budget.
    """
    url = redis_url()
    if url is None:
        return None
    from redis.asyncio import Redis

    from bot.delivery import RedisBudget

    return RedisBudget(Redis.from_url(url), f"test-{uuid.uuid4().hex}", clock=clock)


@pytest.fixture
def client(app: App, session: RecordingSession) -> BotClient:
    return BotClient(app, session, user_id=1001, first_name="Olena", language_code="uk")


@pytest.fixture
def make_client(app: App, session: RecordingSession) -> MakeClient:
    def make(user_id: int, first_name: str = "Test", language_code: str = "uk") -> BotClient:
        return BotClient(app, session, user_id=user_id, first_name=first_name, language_code=language_code)

    return make
