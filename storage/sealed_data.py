"""Where sealed values live, and the work done on all of them at once: sealing in place, key checks, rotation.

The sealed columns are found in the models (every column typed `SealedText` or `SealedJSON`), so a new
one is covered here without being listed. These functions read and write the stored text itself (the
ciphertext), never through the column types.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import column, table
from sqlalchemy.sql.expression import ColumnClause, TableClause

from storage.encryption import KeyRing, UnknownDataKey, sealed_key, sealed_prefix
from storage.tables import Base
from storage.tables.sealed import SealedJSON, SealedText

BATCH = 500


@dataclass(frozen=True)
class SealedColumn:
    table: str
    key: str  # the table's one-column primary key: batches go in its order
    column: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column}"

    def raw(self) -> tuple[TableClause, ColumnClause[Any], ColumnClause[Any]]:
        """The table, its key and the column as stored (the ciphertext), past the sealed type."""
        stored = table(self.table, column(self.key), column(self.column))
        return stored, stored.c[self.key], stored.c[self.column]


def sealed_columns() -> list[SealedColumn]:
    found = []
    for mapped in Base.metadata.sorted_tables:
        for each in mapped.columns:
            if isinstance(each.type, SealedText | SealedJSON):
                found.append(SealedColumn(mapped.name, _only_key(mapped), each.name))
    return found


def _only_key(mapped: Table) -> str:
    keys: list[Column[Any]] = list(mapped.primary_key.columns)
    if len(keys) != 1:
        raise TypeError(f"{mapped.name} holds a sealed column: give it a one-column primary key to seal and rotate by")
    return keys[0].name


# -- migrations (Alembic's connection) ------------------------------------------------------------------


def seal_in_place(connection: Connection, ring: Callable[[], KeyRing], place: SealedColumn) -> int:
    """Seal every plain value of the column; values already sealed are left. Returns how many were sealed.

    `ring` is asked only once a plain value is found, so a database with nothing to seal needs no keys.
    """
    sealed = 0
    for key, value in _values(connection, place):
        if sealed_key(value) is None:
            _put(connection, place, key, ring().seal(value.encode("utf-8")))
            sealed += 1
    return sealed


def open_in_place(connection: Connection, ring: Callable[[], KeyRing], place: SealedColumn) -> int:
    """The way back: every sealed value of the column stored plain again."""
    opened = 0
    for key, value in _values(connection, place):
        if sealed_key(value) is not None:
            _put(connection, place, key, ring().open(value).decode("utf-8"))
            opened += 1
    return opened


def _values(connection: Connection, place: SealedColumn) -> Iterator[tuple[Any, str]]:
    _, key, value = place.raw()
    last: Any = None
    while True:
        statement = select(key, value).where(value.is_not(None)).order_by(key).limit(BATCH)
        if last is not None:
            statement = statement.where(key > last)
        rows = connection.execute(statement).all()
        if not rows:
            return
        yield from ((row_key, row_value) for row_key, row_value in rows)
        last = rows[-1][0]


def _put(connection: Connection, place: SealedColumn, key: Any, text: str) -> None:
    stored, key_column, _ = place.raw()
    connection.execute(update(stored).where(key_column == key).values({place.column: text}))


# -- keys ------------------------------------------------------------------------------------------------


async def keys_in_use(engine: AsyncEngine) -> dict[str, int]:
    """How many values each key id sealed, over every sealed column ("plain" for values not sealed)."""
    counts: dict[str, int] = {}
    async with engine.connect() as connection:
        for place in sealed_columns():
            _, _, value = place.raw()
            header = func.substr(value, 1, len(sealed_prefix("00000000")))
            rows = await connection.execute(select(header, func.count()).where(value.is_not(None)).group_by(header))
            for prefix, count in rows:
                ident = sealed_key(prefix) if prefix else None
                name = ident or "plain"
                counts[name] = counts.get(name, 0) + int(count)
    return counts


async def check_keys(engine: AsyncEngine, ring: KeyRing) -> None:
    """Refuse a ring that cannot open what the database holds: before anything is written with it."""
    for ident in sorted(await keys_in_use(engine)):
        if ident != "plain" and ident not in ring.ids:
            raise UnknownDataKey(ident)


# -- rotation --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rotation:
    resealed: int
    skipped: int  # changed by the running bot between read and write: it wrote them under the new key


async def left_to_rotate(engine: AsyncEngine, ring: KeyRing) -> int:
    writer = sealed_prefix(ring.writer)
    left = 0
    async with engine.connect() as connection:
        for place in sealed_columns():
            stored, _, value = place.raw()
            count = await connection.scalar(
                select(func.count()).select_from(stored).where(value.is_not(None), ~value.startswith(writer))
            )
            left += int(count or 0)
    return left


async def rotate(
    engine: AsyncEngine, ring: KeyRing, *, batch: int = BATCH, pause: float = 0.0, done: Callable[[int], object]
) -> Rotation:
    """Seal again, under the ring's first key, every value sealed under another; a transaction per batch.

    Killed at any moment, it loses nothing (a batch commits whole or not at all) and a second run carries on
    from what is left. A value the running bot changed meanwhile is left as the bot wrote it: under the new
    key, if the bot was restarted with the new DATA_KEYS first (README, «Keys»).
    """
    writer = sealed_prefix(ring.writer)
    resealed = skipped = 0
    for place in sealed_columns():
        stored, key, value = place.raw()
        last: Any = None
        while True:
            async with engine.begin() as connection:
                statement = (
                    select(key, value).where(value.is_not(None), ~value.startswith(writer)).order_by(key).limit(batch)
                )
                if last is not None:
                    statement = statement.where(key > last)
                rows = (await connection.execute(statement)).all()
                if not rows:
                    break
                for row_key, old in rows:
                    # Only if the bot did not change it since it was read: its value is newer than ours.
                    result = await connection.execute(
                        update(stored).where(key == row_key, value == old).values({place.column: ring.seal(ring.open(old))})
                    )
                    if result.rowcount:
                        resealed += 1
                    else:
                        skipped += 1
                last = rows[-1][0]
            done(len(rows))
            if pause:  # the running bot's own writes get the database between two batches
                await asyncio.sleep(pause)
    return Rotation(resealed, skipped)
