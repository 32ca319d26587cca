"""store.onetrip: SQLite statements and commits through SQLAlchemy, run on the loop's thread
(checkpoints in aiosqlite's), with the values and errors the dialect's own cursor gives."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.store import onetrip
from healer_agent.store.db import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/one.db")
    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    yield engine
    await engine.dispose()


async def test_values_rows_and_errors_are_the_drivers(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        returned = await conn.execute(
            sa.text("INSERT INTO t (v) VALUES ('a') ON CONFLICT DO NOTHING RETURNING id")
        )
        assert returned.all() == [(1,)]
        plain = await conn.execute(sa.text("INSERT INTO t (v) VALUES ('b')"))
        assert (plain.rowcount, plain.lastrowid) == (1, 2)
        ignored = await conn.execute(
            sa.text("INSERT INTO t (v) VALUES ('b') ON CONFLICT DO NOTHING")
        )
        assert ignored.rowcount == 0
        many = await conn.execute(
            sa.text("INSERT INTO t (v) VALUES (:v)"), [{"v": "c"}, {"v": "d"}, {"v": "e"}]
        )
        assert many.rowcount == 3
        rows = await conn.execute(sa.text("SELECT id, v FROM t ORDER BY id"))
        assert rows.keys() == ["id", "v"]
        assert [tuple(r) for r in rows] == [(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e")]
        with pytest.raises(sa.exc.IntegrityError):
            await conn.execute(sa.text("INSERT INTO t (v) VALUES ('a')"))
    async with engine.connect() as conn:
        with pytest.raises(sa.exc.OperationalError):
            await conn.execute(sa.text("SELECT * FROM missing"))
        assert await conn.scalar(sa.text("SELECT count(*) FROM t")) == 5


async def test_statements_and_commits_run_inline_and_a_checkpoint_in_the_thread(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    trips = 0

    async def count(conn: Any) -> Any:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        execute = driver._execute

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            nonlocal trips
            trips += 1
            return await execute(fn, *args, **kwargs)

        driver._execute = counted
        return driver

    async with engine.connect() as conn:  # a read: no trip at all, not even its rollback
        driver = await count(conn)
        assert await conn.scalar(sa.text("PRAGMA wal_autocheckpoint")) == 0
        await conn.execute(sa.text("SELECT v FROM t"))
    assert trips == 0
    for n in range(onetrip.CHECKPOINT_EVERY - 1):  # writes: each commit stays on the loop
        async with engine.begin() as conn:
            await conn.execute(sa.text("INSERT INTO t (v) VALUES (:v)"), {"v": f"v{n}"})
            await conn.execute(sa.text("SELECT v FROM t"))
    assert trips == 0
    async with engine.begin() as conn:  # a write that changed nothing is not counted
        await conn.execute(sa.text("UPDATE t SET v = 'y' WHERE v = 'missing'"))
        await conn.execute(sa.text("INSERT INTO t (v) VALUES ('v0') ON CONFLICT DO NOTHING"))
    assert trips == 0
    async with engine.begin() as conn:  # the next change takes the checkpoint to the thread
        await conn.execute(sa.text("UPDATE t SET v = 'z' WHERE v = 'v0'"))
    assert trips == 1
    other = sqlite3.connect(tmp_path / "one.db")
    busy, in_wal, copied = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    other.close()
    assert (busy, in_wal) == (0, copied)  # nothing left in the WAL to copy
    async with engine.begin() as conn:  # a rolled-back change is not counted as committed
        await conn.execute(sa.text("INSERT INTO t (v) VALUES ('w')"))
        await conn.rollback()
    del driver._execute
    async with engine.connect() as conn:
        values = [r[0] for r in await conn.execute(sa.text("SELECT v FROM t ORDER BY id"))]
    assert values == ["z", *(f"v{n}" for n in range(1, onetrip.CHECKPOINT_EVERY - 1))]


async def test_a_lock_held_elsewhere_is_waited_for_off_the_loop(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Another process's write lock: the statement waits in aiosqlite's thread, then runs."""
    other = sqlite3.connect(tmp_path / "one.db", check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t (v) VALUES ('other')")

    async def write() -> None:
        async with engine.begin() as conn:
            await conn.execute(sa.text("INSERT INTO t (v) VALUES ('mine')"))

    writing = asyncio.create_task(write())
    await asyncio.sleep(0.2)  # the loop runs while the write waits (not a timing assertion)
    assert not writing.done()
    other.commit()
    await writing
    other.close()
    async with engine.connect() as conn:
        values = {r.v for r in await conn.execute(sa.text("SELECT v FROM t"))}
    assert {"other", "mine"} <= values


def _locked(path: Path) -> sqlite3.Connection:
    """Another connection holding the file's write lock."""
    other = sqlite3.connect(path, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_waiting_tries_again_until_the_lock_is_free(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    sqlite3.connect(db).execute("CREATE TABLE t (v TEXT)").connection.close()
    conn = sqlite3.connect(db, isolation_level=None, timeout=0)
    other = _locked(db)
    tries: list[int] = []

    def write() -> str:
        tries.append(1)
        if len(tries) == 5:  # the other transaction ends while this one waits
            other.commit()
        conn.execute("INSERT INTO t VALUES ('mine')")
        return "done"

    assert onetrip.waiting(conn, write) == "done"
    assert len(tries) == 5  # four tries found the lock taken; SQLite's handler never ran
    assert conn.execute("SELECT v FROM t").fetchall() == [("mine",)]
    other.close()
    conn.close()


def test_waiting_gives_up_at_its_deadline_with_the_lock_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(onetrip, "BUSY_WAIT_MS", 30)
    db = tmp_path / "w.db"
    sqlite3.connect(db).execute("CREATE TABLE t (v TEXT)").connection.close()
    conn = sqlite3.connect(db, isolation_level=None, timeout=0)
    other = _locked(db)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        onetrip.waiting(conn, lambda: conn.execute("INSERT INTO t VALUES ('mine')"))
    other.close()
    conn.close()


def test_waiting_raises_any_other_error_at_once(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "w.db", isolation_level=None, timeout=0)
    tries: list[int] = []

    def broken() -> None:
        tries.append(1)
        conn.execute("INSERT INTO missing VALUES (1)")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        onetrip.waiting(conn, broken)
    assert tries == [1]
    conn.close()
