"""The database engine and its per-dialect setup."""
from __future__ import annotations

import asyncio
import re
import sqlite3
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.engine import Connection, CursorResult, ExceptionContext, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql import Executable
from sqlalchemy.util import await_

from storage.encryption import KeyRing, attach
from storage.sqlite_driver import OneTripConnection, OneTripCursor, one_trip_dbapi

SQLITE_BUSY_TIMEOUT_MS = 10_000
# On a session's info: its transactions take SQLite's write lock before their first statement.
WRITES_FIRST = "sqlite_writes_first"

_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
_TX = "sqlite_transaction"  # on the connection's info: None (no BEGIN yet), "read" or "write"
_UPGRADING = "sqlite_upgrading"
_HOLDS = "sqlite_holds_write_gate"


class WriteRefused(Exception):
    """SQLite would not let a transaction that had read begin to write: another one wrote meanwhile.

    A deferred transaction reads a snapshot; once someone else has committed (or holds the write lock),
    its first write fails at once (SQLITE_BUSY or SQLITE_BUSY_SNAPSHOT, the busy timeout does not apply).
    Nothing was written; start the work again, with the write lock taken first (`WRITES_FIRST`).

    PostgreSQL says the same of a transaction it chose to abort (a deadlock between two updates taking
    the same rows in a different order, or a serialization failure): all it did is rolled back, and
    handling it again from scratch is the remedy PostgreSQL's manual gives.
    """


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def on_postgresql(session: AsyncSession) -> bool:
    """Whether the session talks to PostgreSQL (else SQLite): the two spell an upsert differently."""
    return session.get_bind().dialect.name == "postgresql"


async def rows_changed(session: AsyncSession, statement: Executable, params: dict[str, Any] | None = None) -> int:
    """How many rows an UPDATE or DELETE touched (`params`: the values of a statement's `bindparam`s)."""
    result = await session.execute(statement, params)
    # `execute` is typed for every statement; an UPDATE's or a DELETE's result is always a cursor's.
    return cast(CursorResult[Any], result).rowcount


def create_engine(url: str, *, keys: KeyRing | None = None, echo: bool = False) -> AsyncEngine:
    """`keys` open and seal the sealed columns (storage/tables/sealed.py); without them those columns refuse."""
    if is_sqlite(url):
        engine = create_async_engine(url, echo=echo, module=one_trip_dbapi())
        _tune_sqlite(engine)
    else:
        engine = create_async_engine(url, echo=echo, pool_pre_ping=True)
        event.listen(engine.sync_engine, "handle_error", _on_postgresql_error)
    attach(engine, keys)
    return engine


# deadlock_detected, serialization_failure: the transaction was rolled back whole and may simply run again.
_RUN_AGAIN = frozenset({"40P01", "40001"})


def _on_postgresql_error(context: ExceptionContext) -> None:
    error = context.original_exception
    # asyncpg's own error, as SQLAlchemy's adapter wraps it (the code on the wrapper or on its cause).
    code = getattr(error, "sqlstate", None) or getattr(error.__cause__, "sqlstate", None)
    if code in _RUN_AGAIN:
        raise WriteRefused(str(error)) from error


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # We issue BEGIN ourselves (below); the driver's implicit deferred BEGIN
        # is what loses concurrent read-modify-writes.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    # A transaction begins at its first statement: BEGIN IMMEDIATE (the write lock) if that statement writes or
    # the unit of work said it will, a deferred BEGIN otherwise, so a step that only reads never waits on a
    # writer nor makes one wait. Reading inside BEGIN (never in autocommit, as the driver's own implicit BEGIN
    # would) keeps read-modify-writes whole: a write after someone else's commit is refused, not lost.
    # Writers of this process queue in turn on an asyncio lock before they ask SQLite: its busy timeout polls
    # with growing sleeps, first come is not first served, and under load the last waiters waited seconds.
    gate = _WriteGate()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.info[_TX] = None

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before_execute(
        connection: Connection, cursor: DBAPICursor, statement: str, parameters: object, context: object, executemany: bool
    ) -> None:
        state = connection.info.get(_TX, "autocommit")
        writes = _WRITE.match(statement) is not None
        if state is None:
            # In the statement's own trip to the driver's thread (storage/sqlite_driver.py); if the write lock is
            # not had, the statement fails with it ("database is locked") and `_on_error` lets go of the gate.
            one_trip = cast(OneTripCursor, cursor)
            if writes or connection.info.get(WRITES_FIRST, True):
                gate.take(connection.info)
                one_trip.begin_with_next("BEGIN IMMEDIATE")
                connection.info[_TX] = "write"
            else:
                one_trip.begin_with_next("BEGIN")
                connection.info[_TX] = "read"
        elif state == "read" and writes:
            gate.take(connection.info)
            connection.info[_UPGRADING] = True

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _after_execute(
        connection: Connection, cursor: DBAPICursor, statement: str, parameters: object, context: object, executemany: bool
    ) -> None:
        if connection.info.pop(_UPGRADING, False):
            connection.info[_TX] = "write"

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        connection = context.connection
        if connection is None:
            return
        if connection.info.get(_TX) == "write" and not _in_transaction(connection):
            # Its BEGIN IMMEDIATE failed: no lock was had, the gate is let go at once, and the next statement begins.
            gate.leave(connection.info)
            connection.info[_TX] = None
            return
        if not connection.info.pop(_UPGRADING, False):
            return
        gate.leave(connection.info)  # still a reader: the lock was not taken
        error = context.original_exception
        if isinstance(error, sqlite3.OperationalError) and getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY:
            raise WriteRefused(str(error)) from error

    @event.listens_for(engine.sync_engine, "commit")
    @event.listens_for(engine.sync_engine, "rollback")
    def _on_end(connection: Connection) -> None:
        _ended(connection.info)

    # A connection given back without a rollback we saw (a cancelled task, a lost connection) lets go too.
    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        _ended(record.info)

    def _ended(info: dict[str, object]) -> None:
        info.pop(_TX, None)
        info.pop(WRITES_FIRST, None)
        info.pop(_UPGRADING, None)
        gate.leave(info)


def _in_transaction(connection: Connection) -> bool:
    adapted = cast(OneTripConnection | None, connection.connection.dbapi_connection)
    return adapted is not None and bool(adapted._connection.in_transaction)


class _WriteGate:
    """This process's writers, one at a time and in turn; held from BEGIN IMMEDIATE (or the upgrade) to the end."""

    def __init__(self) -> None:
        self._lock: asyncio.Lock | None = None

    def take(self, info: dict[str, object]) -> None:
        if info.get(_HOLDS):
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        # From the driver's greenlet, as the driver itself awaits. Bounded like SQLite's own wait: a writer that
        # waits on itself (a second unit of work inside the first) fails as "database is locked" did.
        try:
            await_(asyncio.wait_for(self._lock.acquire(), SQLITE_BUSY_TIMEOUT_MS / 1000))
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked (waited for this process's writer)") from None
        info[_HOLDS] = True

    def leave(self, info: dict[str, object]) -> None:
        if info.pop(_HOLDS, False) and self._lock is not None:
            self._lock.release()


class UnitSession(Session):
    """The sessions of our units of work: they tell their connection whether to take the write lock first."""


@event.listens_for(UnitSession, "after_begin")
def _tell_connection(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    connection.info[WRITES_FIRST] = session.info.get(WRITES_FIRST, True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True, sync_session_class=UnitSession)
