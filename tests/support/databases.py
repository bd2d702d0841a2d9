"""Test databases: a fresh SQLite file per test by default, or PostgreSQL.

Set DATABASE_URL to a PostgreSQL URL whose database name contains "test"
(as `.ci/run` does) and every test runs there instead: the run gets a
database of its own, created from that one and dropped at the end, so two
runs on one server never meet. REDIS_URL likewise moves conversation state
to Redis.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from storage.db import create_engine, is_sqlite
from storage.migrate import upgrade_to_head
from tests.support.keys import TEST_RING


def server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url or is_sqlite(url):
        return None
    if "test" not in (make_url(url).database or ""):
        raise RuntimeError(f"refusing to run tests against {url!r}: its database name must contain 'test'")
    return url


def redis_url() -> str | None:
    return os.environ.get("REDIS_URL") or None


async def _migrate(url: str) -> None:
    engine = create_engine(url, keys=TEST_RING)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


class SqliteTemplate:
    """Migrate once, copy the file for every test: fast and fully isolated."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.db"
        asyncio.run(_migrate(f"sqlite+aiosqlite:///{self.path}"))

    def fresh(self, folder: Path) -> str:
        target = folder / "bot.db"
        shutil.copyfile(self.path, target)
        return f"sqlite+aiosqlite:///{target}"


async def _connect(dsn: str) -> Any:
    import asyncpg  # the scale extra's driver: only a run against PostgreSQL has it

    return await asyncpg.connect(dsn)


class PostgresRun:
    """A database of this run's own on the shared server, emptied per test."""

    def __init__(self, base_url: str) -> None:
        base = make_url(base_url)
        self.name = f"test_run_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
        self.url = base.set(database=self.name).render_as_string(hide_password=False)
        asyncio.run(self._create())

    async def _create(self) -> None:
        connection = await _connect(self._admin_dsn)
        try:
            await connection.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await connection.close()
        await _migrate(self.url)

    def drop(self) -> None:
        asyncio.run(self._drop())

    async def _drop(self) -> None:
        connection = await _connect(self._admin_dsn)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await connection.close()

    async def empty(self) -> None:
        dsn = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await _connect(dsn)
        try:
            tables = await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
            if tables:
                names = ", ".join(f'"{row["tablename"]}"' for row in tables)
                await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        finally:
            await connection.close()
