"""aiosqlite with one trip to its thread per statement instead of three or four.

SQLAlchemy's aiosqlite adapter makes a cursor, executes, fetches and closes it, each a
function queued for aiosqlite's thread and a wake-up of the event loop when it is done.
A statement takes microseconds; a trip takes ~0.36 ms when the loop is busy, and on SQLite
the transaction holds the one connection all that time, so the requests' group commit
waits for the worker's trips, not its statements. Here the four steps are one function run
in that thread (the queue aiosqlite's own methods use), and the cursor hands back the
rows, description, row count and last row id it got: the same values, the same errors.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Any, list[Any] | None, int, int | None]
"""A statement's description, rows (None without a result set), row count, last row id."""


def _run(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """Runs in aiosqlite's thread: the whole life of a cursor."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose statement, rows and close are one trip; it holds no driver cursor."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # no super().__init__: it makes a driver cursor, a trip of its own
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        """The statement's, kept after the driver cursor closed."""
        return self._description

    @property
    def rowcount(self) -> int:
        """The statement's row count, as sqlite3 reported it."""
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        """The statement's last row id, as sqlite3 reported it."""
        return self._lastrowid  # type: ignore[return-value]

    async def _async_soft_close(self) -> None:
        """Nothing to close: the driver cursor was closed in the thread."""

    def close(self) -> None:
        """Drop unread rows (the driver cursor is already closed)."""
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        """Run one statement in one trip."""
        try:
            return await_(self._trip(operation, parameters, False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        """Run one statement over many parameter sets in one trip."""
        try:
            return await_(self._trip(operation, seq_of_parameters, True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _trip(self, operation: str, parameters: Any, many: bool) -> None:
        driver = self._connection
        async with self._adapt_connection._execute_mutex:
            outcome: _Outcome = await driver._execute(
                _run, driver._conn, operation, parameters, many
            )
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = deque(rows) if rows else deque()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection, its cursors one trip a statement."""

    __slots__ = ()
    _cursor_cls = OneTripCursor  # type: ignore[assignment]  # a subclass of the declared


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    """The DB-API module SQLAlchemy's aiosqlite dialect is given (``module=``)."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        """The dialect's connection, its cursors one trip a statement."""
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def dbapi() -> OneTripDbapi:
    """A fresh module object, as the dialect's own ``import_dbapi`` makes."""
    import aiosqlite

    return OneTripDbapi(aiosqlite, sqlite3)
