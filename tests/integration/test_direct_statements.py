"""store.direct: a statement run by SQLite's driver does what SQLAlchemy's execution does
(the same rows, types and stored values, the same transaction, the same errors), and on
PostgreSQL it is SQLAlchemy's execution."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.store import direct
from healer_agent.store.tables import claims, deliveries

WHEN = datetime(2026, 11, 30, 6, 0, 0, 123456, tzinfo=UTC)
_INSERT = sa.insert(deliveries).returning(deliveries.c.id, deliveries.c.received_at)
_FINISH = (
    sa.update(deliveries)
    .where(deliveries.c.id == sa.bindparam("row_id"))
    .values(status="done", attempts=deliveries.c.attempts + 1)
)
_READ = sa.select(
    deliveries.c.delivery_id,
    deliveries.c.status,
    deliveries.c.attempts,
    deliveries.c.lease_until,
    deliveries.c.processed_at,
).where(deliveries.c.delivery_id == sa.bindparam("delivery_id"))
_COUNT = (
    sa.select(sa.func.count()).select_from(claims).where(claims.c.expires_at > sa.bindparam("now"))
)
_IN = sa.select(deliveries.c.id).where(
    deliveries.c.delivery_id.in_(sa.bindparam("ids", expanding=True))
)


def _row(n: int) -> dict[str, Any]:
    return {
        "delivery_id": f"d-{n}",
        "endpoint": "sensor",
        "event_type": "workflow_run",
        "payload": "{}",
        "received_at": WHEN,
        "status": "pending",
        "lease_until": WHEN + timedelta(minutes=n),
        "run_key": None,
    }


async def _both(engine: AsyncEngine, statement: Any, params: dict[str, Any]) -> tuple[Any, Any]:
    """The statement's rows through ``direct`` and through SQLAlchemy, each committed."""
    async with engine.begin() as conn:
        ours = await direct.execute(conn, statement, params)
    async with engine.begin() as conn:
        result = await conn.execute(statement, params)
        theirs = [tuple(row) for row in result.all()] if result.returns_rows else []
    return ours.rows, theirs


async def test_rows_types_and_stored_values_are_sqlalchemys(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        inserted = await direct.execute(conn, _INSERT, _row(1))
        await conn.execute(_INSERT, _row(2))
    (row_id, received) = inserted.rows[0]
    assert isinstance(row_id, int)
    assert received.replace(tzinfo=UTC) == WHEN  # the DateTime written and read back alike

    async with engine.begin() as conn:
        done = await direct.execute(
            conn, _FINISH.values(processed_at=sa.bindparam("at")), {"row_id": row_id, "at": WHEN}
        )
    assert done.rowcount == 1 and done.rows == []

    ours, theirs = await _both(engine, _READ, {"delivery_id": "d-1"})
    assert ours == theirs and ours[0][1:3] == ("done", 1)
    stored = {}
    for name in ("d-1", "d-2"):
        async with engine.connect() as conn:
            stored[name] = (await conn.execute(_READ, {"delivery_id": name})).one()
    # the row direct wrote reads back through SQLAlchemy as the one SQLAlchemy wrote
    assert stored["d-1"].lease_until.replace(tzinfo=UTC) == WHEN + timedelta(minutes=1)
    assert stored["d-2"].lease_until.replace(tzinfo=UTC) == WHEN + timedelta(minutes=2)

    ours, theirs = await _both(engine, _COUNT, {"now": WHEN})
    assert ours == theirs == [(0,)]


async def test_a_statement_that_needs_sqlalchemy_still_answers(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for n in (1, 2, 3):
            await direct.execute(conn, _INSERT, _row(n))
    ours, theirs = await _both(engine, _IN, {"ids": ["d-1", "d-3"]})
    assert sorted(ours) == sorted(theirs) and len(ours) == 2


async def test_the_callers_transaction_covers_it(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:  # no transaction begun yet: direct begins one
        await direct.execute(conn, _INSERT, _row(1))
        assert conn.in_transaction()
        await conn.commit()
    async with engine.connect() as conn:
        await direct.execute(conn, _INSERT, _row(2))  # never committed: dropped on return
    with pytest.raises(RuntimeError):
        async with engine.begin() as conn:
            await direct.execute(conn, _INSERT, _row(3))
            raise RuntimeError("the caller fails after the statement")
    async with engine.connect() as conn:
        kept = (await conn.execute(sa.select(deliveries.c.delivery_id))).scalars().all()
    assert kept == ["d-1"]


async def test_errors_are_sqlalchemys(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await direct.execute(conn, _INSERT, _row(1))
    with pytest.raises(sa.exc.IntegrityError):
        async with engine.begin() as conn:
            await direct.execute(conn, _INSERT, _row(1))
    async with engine.connect() as conn:  # the connection is usable after the error
        count = await direct.execute(conn, sa.select(sa.func.count()).select_from(deliveries), {})
    assert count.scalar() == 1


async def test_on_sqlite_it_runs_without_sqlalchemys_execution(
    engine: AsyncEngine, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL goes through SQLAlchemy (the tests above)")
    seen: list[str] = []
    sa.event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    async with engine.begin() as conn:
        await direct.execute(conn, _INSERT, _row(1))
        await direct.execute(conn, _IN, {"ids": ["d-1"]})  # expanding: SQLAlchemy's
    assert len(seen) == 1 and "IN (" in seen[0]


async def test_rows_by_name_are_the_same_either_way(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await direct.execute(conn, _INSERT, _row(1))
    async with engine.connect() as conn:
        ours = await direct.execute(conn, _READ, {"delivery_id": "d-1"})
        theirs = await direct.execute(conn, _IN, {"ids": ["d-1"]})  # through SQLAlchemy
    assert ours.keys == ("delivery_id", "status", "attempts", "lease_until", "processed_at")
    assert ours.mappings()[0]["status"] == "pending"
    assert theirs.keys == ("id",) and theirs.mappings() == [{"id": theirs.scalar()}]
