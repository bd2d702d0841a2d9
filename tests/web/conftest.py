"""The web pages served by the production composition root, over HTTP with aiohttp's test client."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App, build_app, web_pages
from bot.settings import Settings
from tests.conftest import make_settings

PUBLIC = "https://therapy.example.org"
BOT = "therapy_test_bot"  # the username RecordingSession answers getMe with
IRYNA = 2001
# START is Tuesday 24 Nov 2026, 10:00 in Kyiv; with 25 hours' notice the first free start is
# Wednesday 25 Nov, 11:00 Kyiv = 09:00 UTC = 04:00 in New York.
FIRST_FREE = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, public_base_url=PUBLIC, photo_cache_dir=str(tmp_path / "photos"))


@pytest.fixture
async def pages(app: App) -> AsyncIterator[TestClient]:
    client = TestClient(TestServer(web_pages(app)))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


@asynccontextmanager
async def serving(settings: Settings, clock) -> AsyncIterator[tuple[App, TestClient]]:
    """The production app and its pages, its bot talking to whatever TELEGRAM_API_BASE names."""
    app = build_app(settings, clock=clock)
    await app.prepare()
    pages = TestClient(TestServer(web_pages(app)))
    await pages.start_server()
    try:
        yield app, pages
    finally:
        await pages.close()
        await app.close()
