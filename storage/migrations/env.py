"""Alembic environment: async engine, batch mode so SQLite can alter tables."""
from __future__ import annotations

import asyncio
import os
from typing import Literal

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.tables import Base, UtcDateTime

target_metadata = Base.metadata


def _render_item(type_: str, obj: object, autogen_context: object) -> str | Literal[False]:
    # Migrations stay free of application types: UTC-ness is enforced in code.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_cli() -> None:
    url = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./data/bot.db")
    engine = create_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_configure_and_run)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _configure_and_run(connection)
else:
    asyncio.run(_run_from_cli())
