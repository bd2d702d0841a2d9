"""Upgrading a database of the release before the inbox kept payloads sealed and only while needed (revision 0019):
handled updates lose their payloads, waiting and set-aside ones are sealed in place and handled as before, and one
that release emptied on a deletion is dropped. Downgrading gives that release what it can read again.
"""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, session_factory
from storage.encryption import KeyRing, MissingDataKeys, new_key, sealed_key
from storage.inbox import waiting_in
from storage.migrate import downgrade_to, upgrade_to_head
from storage.repositories.inbox import SqlInboxRepository
from storage.tables import InboxUpdateRow

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PREVIOUS_RELEASE = "0019"
CHAT = 1001


def message(update_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": 1_764_000_000, "text": text, "chat": {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Olena", "username": "olena_k"},
        },
    }


HANDLED = message(1, "Мені знову наснилася аварія")
WAITING = message(2, "Чи можна перенести сесію?")
SET_ASIDE = message(3, "Я не можу оплатити картою")
# update 4: set aside, then emptied by that release when its person's data was deleted


def _previous_rows(connection: Connection) -> None:
    """What the previous release kept: every payload whole, as a JSON document."""
    def at(moment: datetime) -> datetime:
        return moment.replace(tzinfo=None) if connection.dialect.name == "sqlite" else moment

    updates = sa.table("inbox_updates", sa.column("payload", sa.JSON()), *(sa.column(name) for name in (
        "update_id", "chat_key", "kind", "received_at", "handled_at", "attempts", "set_aside_at", "last_error")))
    for update_id, payload, handled, set_aside in (
        (1, HANDLED, AT, None), (2, WAITING, None, None), (3, SET_ASIDE, None, AT), (4, {}, None, AT),
    ):
        connection.execute(updates.insert().values(
            update_id=update_id, chat_key=CHAT, kind="message", payload=payload, received_at=at(AT),
            handled_at=at(handled) if handled else None, attempts=3 if set_aside else 0,
            set_aside_at=at(set_aside) if set_aside else None, last_error="ValidationError" if set_aside else None,
        ))


async def _raw(engine: AsyncEngine) -> dict[int, str | None]:
    """The payloads as the database holds them, past any column type."""
    async with engine.connect() as connection:
        rows = await connection.execute(sa.text("SELECT update_id, CAST(payload AS TEXT) FROM inbox_updates ORDER BY update_id"))
        return {update_id: None if payload is None else str(payload) for update_id, payload in rows}


@pytest.fixture
async def previous_release(database_url: str) -> AsyncIterator[str]:
    ring = KeyRing.parse(new_key())
    engine = create_engine(database_url, keys=ring)
    try:
        await downgrade_to(engine, PREVIOUS_RELEASE)
        async with engine.begin() as connection:
            await connection.run_sync(_previous_rows)
    finally:
        await engine.dispose()
    try:
        yield database_url
    finally:
        engine = create_engine(database_url, keys=ring)
        try:
            await upgrade_to_head(engine)  # whatever the test did, the next one finds the schema at the head
        finally:
            await engine.dispose()


async def test_upgrading_clears_handled_payloads_seals_the_others_and_they_are_handled_as_before(previous_release):
    ring = KeyRing.parse(new_key())
    engine = create_engine(previous_release, keys=ring)
    try:
        assert json.loads((await _raw(engine))[1] or "null") == HANDLED, "plain before"
        await upgrade_to_head(engine)

        raw = await _raw(engine)
        assert raw[1] is None and raw[4] is None
        for update_id in (2, 3):
            assert sealed_key(raw[update_id] or "") == ring.writer
            assert "olena_k" not in (raw[update_id] or "")
        async with session_factory(engine)() as db:
            rows = {row.update_id: row for row in await db.scalars(sa.select(InboxUpdateRow))}
            assert [(entry.update_id, entry.payload) for entry in await waiting_in(db, [CHAT])] == [(2, WAITING)]
            listed = await SqlInboxRepository(db).set_aside(limit=10)
        assert rows[3].payload == SET_ASIDE and rows[3].dropped_at is None
        assert rows[4].dropped_at == AT  # emptied by that release's deletion: it can never be handled
        assert [update.update_id for update in listed] == [3]
        assert (rows[1].handled_at, rows[1].kind, rows[1].chat_key) == (AT, "message", CHAT)  # the id and times stay
    finally:
        await engine.dispose()


async def test_downgrading_gives_the_previous_release_its_documents_back_where_they_still_exist(previous_release):
    ring = KeyRing.parse(new_key())
    engine = create_engine(previous_release, keys=ring)
    try:
        await upgrade_to_head(engine)
        async with session_factory(engine)() as db:  # dropped from /inbox meanwhile
            await SqlInboxRepository(db).drop(3, AT + timedelta(days=1))
            await db.commit()
        await downgrade_to(engine, PREVIOUS_RELEASE)

        raw = await _raw(engine)
        assert {update_id: json.loads(value or "null") for update_id, value in raw.items()} == {
            1: {}, 2: WAITING, 3: {}, 4: {},
        }
        async with engine.connect() as connection:
            handled = dict((await connection.execute(sa.text("SELECT update_id, handled_at FROM inbox_updates"))).all())
        assert handled[2] is None and all(handled[update_id] is not None for update_id in (1, 3, 4))
    finally:
        await engine.dispose()


async def test_a_database_with_plain_payloads_waiting_is_not_upgraded_without_keys(previous_release):
    engine = create_engine(previous_release)
    try:
        with pytest.raises(MissingDataKeys):
            await upgrade_to_head(engine)
        raw = await _raw(engine)
        assert json.loads(raw[1] or "null") == HANDLED and sealed_key(raw[2] or "") is None, "nothing half done"
    finally:
        await engine.dispose()
