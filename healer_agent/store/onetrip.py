"""aiosqlite, its statements and commits run on the event loop's thread, checkpoints not.

SQLAlchemy's aiosqlite adapter makes a cursor, executes, fetches and closes it, each a
function queued for aiosqlite's thread and a wake-up of the event loop when it is done.
A statement takes microseconds; a trip is two thread wake-ups, ~0.36 ms on a busy loop and
milliseconds when the machine's cores are taken, and on SQLite the transaction holds the
one connection all that time, so the requests' group commit waited for the worker's trips,
not its statements. Here a statement (cursor, execute, fetch, close) runs where it is
called, without SQLite's busy handler (its sleeps would stop the loop); only when another
connection holds the lock (another process: the CLI, a second server) does it run in
aiosqlite's thread, trying again until the lock is free (``waiting``). A commit runs here too:
in WAL mode with ``synchronous=NORMAL`` it appends its pages to the WAL and syncs nothing.
Only a checkpoint syncs (the WAL, then the database), so SQLite's automatic checkpoint is
off on this connection (``db.py``) and every ``CHECKPOINT_EVERY``-th commit that changed
rows takes the checkpoint with it to aiosqlite's thread: a commit's trip there and back
cost ~30 µs of CPU a request on the intake path, the two threads handing the GIL to each
other. A commit or rollback with no transaction open (a read) is skipped, as sqlite3 would
do nothing for it. The cursor hands back the rows, description, row count and last row
id it got: the same values, the same errors. The connection is opened with
``check_same_thread=False``; SQLAlchemy's pool and the adapter's mutex keep its users one
at a time.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

T = TypeVar("T")
BUSY_WAIT_MS = 30_000
"""How long a statement that found the database locked by another connection waits."""
BUSY_PAUSE_S = 0.001
"""The longest pause between two tries of a statement waiting for another's lock."""
CHECKPOINT_EVERY = 32
"""Commits that changed rows from one checkpoint to the next (under load, the intake
batches and the worker's transactions append ~50 pages a commit: ~1,600 pages between
checkpoints, where SQLite's own checkpoint comes at 1,000)."""

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


def waiting(conn: sqlite3.Connection, fn: Callable[[], T]) -> T:
    """Run ``fn`` (in aiosqlite's thread), again while another connection holds the lock.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25 and then up to 100 ms between
    tries, so a waiter slept on long after the lock was free: over two processes sharing
    a file, intake's p99 at 200 requests/s was 38-301 ms. Here the tries are at most
    ``BUSY_PAUSE_S`` apart, for up to ``BUSY_WAIT_MS`` (that p99: 16-19 ms). ``fn`` leaves nothing
    behind when it fails on the lock (a statement that did not run, or a batch it rolled
    back), so it can run again; ``conn`` is the connection it runs on (its busy timeout
    stays 0).
    """
    deadline = time.monotonic() + BUSY_WAIT_MS / 1000
    pause = BUSY_PAUSE_S / 16
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not busy(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, BUSY_PAUSE_S)


def commit_and_checkpoint(conn: sqlite3.Connection) -> None:
    """Runs in aiosqlite's thread: commit, then copy the WAL into the database (it syncs).

    The commit is the caller's; a checkpoint that fails (another process checkpointing)
    leaves the WAL to the next one, and the commit stands.
    """
    conn.commit()
    with contextlib.suppress(sqlite3.OperationalError):
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").close()


def busy(exc: sqlite3.OperationalError) -> bool:
    """Whether the error is another connection's lock (SQLITE_BUSY or SQLITE_LOCKED)."""
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    )


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
        outcome = await trip(self._adapt_connection, operation, parameters, many)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = deque(rows) if rows else deque()


async def trip(adapter: Any, operation: str, parameters: Any, many: bool = False) -> _Outcome:
    """One statement on the loop's thread; in aiosqlite's, waiting, if another holds the lock.

    ``adapter`` is SQLAlchemy's aiosqlite connection (a cursor's, or one ``direct`` found).
    """
    driver = adapter._connection
    conn: sqlite3.Connection = driver._conn
    async with adapter._execute_mutex:
        try:
            return _run(conn, operation, parameters, many)
        except sqlite3.OperationalError as exc:
            if not busy(exc):
                raise
            # another connection holds the lock: wait for it off the loop
            outcome: _Outcome = await driver._execute(
                waiting, conn, lambda: _run(conn, operation, parameters, many)
            )
            return outcome


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection, its cursors one trip a statement."""

    __slots__ = ("_changes", "_commits")
    _cursor_cls = OneTripCursor  # type: ignore[assignment]  # a subclass of the declared

    def _open(self) -> bool:
        driver = self._connection
        return driver._connection is not None and driver._conn.in_transaction

    def _checkpoint_due(self, conn: sqlite3.Connection) -> bool:
        """Whether this commit takes the checkpoint with it (counts those that change rows)."""
        if conn.total_changes == getattr(self, "_changes", -1):
            return False  # no page appended to the WAL
        self._commits = getattr(self, "_commits", 0) + 1
        if self._commits < CHECKPOINT_EVERY:
            return False
        self._commits = 0
        return True

    def commit(self) -> None:
        """Commit on the loop; with every ``CHECKPOINT_EVERY``-th, checkpoint in the thread.

        Nothing to do outside a transaction.
        """
        if not self._open():
            return
        conn: sqlite3.Connection = self._connection._conn
        try:
            if self._checkpoint_due(conn):
                await_(self._connection._execute(commit_and_checkpoint, conn))
            else:
                conn.commit()
        except Exception as error:
            self._handle_exception(error)
        finally:
            self._changes = conn.total_changes

    async def commit_here(self) -> None:
        """``commit`` for a caller on the loop outside SQLAlchemy (intake's batch).

        The driver's errors are raised as they are.
        """
        if not self._open():
            return
        conn: sqlite3.Connection = self._connection._conn
        try:
            if self._checkpoint_due(conn):
                await self._connection._execute(commit_and_checkpoint, conn)
            else:
                conn.commit()
        finally:
            self._changes = conn.total_changes

    def rollback(self) -> None:
        """Roll back in aiosqlite's thread; nothing to do outside a transaction."""
        if self._open():
            conn: sqlite3.Connection = self._connection._conn
            try:
                super().rollback()
            finally:
                self._changes = conn.total_changes


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    """The DB-API module SQLAlchemy's aiosqlite dialect is given (``module=``)."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        """The dialect's connection, its cursors one trip a statement."""
        adapted = super().connect(*arg, **kw)
        conn = OneTripConnection(self, adapted._connection)
        conn._changes = adapted._connection._conn.total_changes
        return conn


def dbapi() -> OneTripDbapi:
    """A fresh module object, as the dialect's own ``import_dbapi`` makes."""
    import aiosqlite

    return OneTripDbapi(aiosqlite, sqlite3)
