"""The migrations are one line, and where they lead is exactly what the models say."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.migrate import MIGRATIONS
from storage.tables import Base
from tests.support.keys import TEST_RING


def test_the_migrations_have_exactly_one_head():
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()

    assert len(heads) == 1, f"several heads {heads}: renumber the newest migration onto the one before it"


async def test_the_migrated_schema_is_what_the_models_say(database_url):
    # `database_url` is migrated to the head, on SQLite or on PostgreSQL (DATABASE_URL).
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()

    assert differences == []


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))
