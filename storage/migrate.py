"""Bring the schema up to date; run on every start."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
# Several replicas may start at once; one migrates, the others wait for it.
PG_MIGRATION_LOCK = 724_001


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection, revision: str = "head") -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
    command.upgrade(_config(connection), revision)  # one head: a second one (a forgotten merge) fails here


def _downgrade(connection: Connection, revision: str) -> None:
    command.downgrade(_config(connection), revision)


async def upgrade_to_head(engine: AsyncEngine) -> None:
    await _migrate(engine, _upgrade, "head")


async def upgrade_to(engine: AsyncEngine, revision: str) -> None:
    await _migrate(engine, _upgrade, revision)


async def downgrade_to(engine: AsyncEngine, revision: str) -> None:
    """Back to an earlier release's schema (its data made readable to it where the migrations can)."""
    await _migrate(engine, _downgrade, revision)


async def _migrate(engine: AsyncEngine, move: Callable[[Connection, str], None], revision: str) -> None:
    async with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            async with connection.begin():
                await connection.run_sync(move, revision)
            return
        # Changing a column on SQLite rebuilds its table (Alembic's batch mode): the old one is dropped, and a drop
        # with foreign keys on deletes (or nulls) every row pointing to it. Off for the migration, as Alembic's
        # documentation advises, which SQLite allows only outside a transaction; then checked before the commit.
        await connection.run_sync(_sqlite_foreign_keys, "OFF")
        try:
            async with connection.begin():
                await connection.run_sync(move, revision)
                broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
        finally:
            await connection.run_sync(_sqlite_foreign_keys, "ON")


def _sqlite_foreign_keys(connection: Connection, switch: str) -> None:
    # On the driver's connection itself: through SQLAlchemy the statement would open a transaction first.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA foreign_keys={switch}")
    finally:
        cursor.close()
