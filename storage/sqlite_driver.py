"""SQLAlchemy's aiosqlite adapter, each statement in one trip to the connection's thread instead of four.

aiosqlite runs SQLite in a thread of its own and hands it one call at a time; SQLAlchemy's adapter makes four
of them for a statement (open a cursor, execute, fetch the rows, close it), and the same for a rollback that
has nothing to undo. Each trip wakes that thread and then the event loop: on a busy machine those wake-ups,
not SQLite, were most of an update's time. Here a statement is executed, its rows fetched and its cursor
closed in one call (with the transaction's BEGIN before it when it is the first), and a connection given back
outside a transaction is not rolled back.
Everything else (the connection, its thread, errors) is aiosqlite's and SQLAlchemy's own.
"""
from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

_Description = tuple[tuple[Any, ...], ...] | None


def _run(
    connection: sqlite3.Connection, begin: str | None, statement: str, parameters: Sequence[Any] | None, many: bool
) -> tuple[_Description, list[Any], int, int | None]:
    """In the connection's thread: the BEGIN asked for, the statement, its rows and what SQLAlchemy reads after it."""
    cursor = connection.cursor()
    try:
        if begin is not None:
            cursor.execute(begin)
        if many:
            cursor.executemany(statement, parameters or ())
        elif parameters is None:
            cursor.execute(statement)
        else:
            cursor.execute(statement, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        # After the rows: SQLite counts the rows of an INSERT … RETURNING as they are fetched.
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_begin", "_description", "_lastrowid", "_rowcount")

    _awaitable_cursor_close = False  # nothing stays open in the thread: closing is clearing the rows

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]  # the thread's cursor lives only inside `_run`
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: _Description = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._begin: str | None = None

    def begin_with_next(self, begin: str) -> None:
        """Open the transaction (BEGIN, BEGIN IMMEDIATE) in the same trip as this cursor's statement, just before it.

        Its failure ("database is locked") is then that statement's: SQLAlchemy's `handle_error` sees it.
        """
        self._begin = begin

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._trip(operation, seq_of_parameters, many=True)

    async def _trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
            # aiosqlite's own queue to its thread (what its public calls use), with the whole statement as one call.
            begin, self._begin = self._begin, None
            self._description, rows, self._rowcount, self._lastrowid = await connection._execute(  # type: ignore[no-untyped-call]
                _run, connection._conn, begin, operation, parameters, many
            )
            self._rows = collections.deque(rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    _cursor_cls = OneTripCursor  # type: ignore[assignment]  # a subclass of the one declared

    def rollback(self) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        # The pool rolls back every connection given back, most often after a commit: nothing to undo, no trip.
        if connection._connection is not None and not connection.in_transaction:
            return
        super().rollback()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    """The `module` to hand `create_async_engine` for a sqlite+aiosqlite URL."""
    return OneTripDBAPI(aiosqlite, sqlite3)
