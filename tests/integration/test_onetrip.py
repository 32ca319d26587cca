"""store.onetrip: SQLite statements through SQLAlchemy, each one trip to aiosqlite's thread,
with the values and errors the dialect's own cursor gives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

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


async def test_a_statement_is_one_trip(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        trips = 0
        execute = driver._execute

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            nonlocal trips
            trips += 1
            return await execute(fn, *args, **kwargs)

        driver._execute = counted
        try:
            await conn.execute(sa.text("SELECT v FROM t"))
            await conn.execute(sa.text("INSERT INTO t (v) VALUES ('z')"))
        finally:
            del driver._execute
        assert trips == 2
