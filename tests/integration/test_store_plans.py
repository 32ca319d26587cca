"""The plans of statements that run for every event: on SQLite the claim of due incidents
reads them by the (status, created_at) index, not by a table lookup of every row awaiting
routing (past its incident's JSON), a new database and a migrated one alike; on PostgreSQL
intake's lookup of pending runs reads them by run key, not every pending row."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.store import inbox, incidents, queue
from healer_agent.store.db import create_engine, ensure_schema, upgrade_sync
from healer_agent.store.dialect import utcnow
from healer_agent.store.tables import deliveries
from healer_agent.store.tables import incidents as incidents_table


def _sql(statement: sa.ClauseElement) -> tuple[str, int]:
    compiled: Any = statement.compile(dialect=sqlite.dialect())
    return compiled.string, len(compiled.positiontup or ())


async def _plan(engine: AsyncEngine, statement: sa.ClauseElement) -> str:
    sql, count = _sql(statement)
    async with engine.connect() as conn:
        rows = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, (None,) * count)
        return " | ".join(str(row[-1]) for row in rows)


async def _due_plan(url: str) -> str:
    engine = create_engine(url)
    try:
        await ensure_schema(engine, url)
        due = queue._statement(incidents_table, incidents._DUE, "work_attempts", incidents._OLDEST)
        return await _plan(engine, due)
    finally:
        await engine.dispose()


async def test_the_claim_of_due_incidents_reads_the_oldest_by_the_index(tmp_path: Path) -> None:
    created = f"sqlite+aiosqlite:///{tmp_path}/created.db"
    migrated = f"sqlite+aiosqlite:///{tmp_path}/migrated.db"
    await asyncio.to_thread(upgrade_sync, migrated)
    for url in (created, migrated):
        due = await _due_plan(url)
        assert "ix_incidents_status_created_at (status=?)" in due, (url, due)


async def test_intakes_lookup_of_pending_runs_reads_them_by_run_key_on_postgresql(
    database_url: str,
) -> None:
    """Before the table's first analyze, with a burst pending, PostgreSQL's planner took the
    status index for the lookup and filtered every pending row for each batch."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's planner (SQLite's is held by waiting_sqlite's +status)")
    engine = create_engine(database_url)
    try:
        await ensure_schema(engine, database_url)
        now = utcnow()
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(deliveries),
                [
                    {
                        "delivery_id": f"d{n}",
                        "endpoint": "sensor",
                        "event_type": "workflow_run",
                        "payload": "x" * 1000,  # about a sealed body's size
                        "received_at": now,
                        "status": "pending",
                        "attempts": 0,
                        "run_key": f"o/r#run:{n}:1",
                    }
                    for n in range(3000)
                ],
            )
            keys = [f"o/r#run:{n}:1" for n in range(24)]
            explain = sa.text("EXPLAIN " + inbox._ADMIT_PG.text).bindparams(
                *inbox._ADMIT_PG._bindparams.values()
            )
            params = {"keys": keys, "now": now, "ids": [], "endpoints": [], "types": []}
            rows = await conn.execute(explain, {**params, "payloads": [], "runs": []})
            plan = "\n".join(row[0] for row in rows)
        assert "ix_deliveries_status" not in plan, plan
        assert "ix_deliveries_run_key" in plan, plan
    finally:
        await engine.dispose()


async def test_intakes_lookup_is_planned_for_its_runs_after_the_table_grew_on_postgresql(
    database_url: str,
) -> None:
    """A prepared statement run five times may keep a generic plan, made from the tables as
    they were: on a new database that was a scan of an empty table, kept while a burst
    grew it to thousands of pending rows. Healer's connections plan each run for its
    own values, so the lookup goes by run key whatever the table was when it started."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's plan cache")
    engine = create_engine(database_url)
    try:
        await ensure_schema(engine, database_url)
        sql = str(inbox._ADMIT_PG.compile(dialect=engine.dialect))
        empty = "'{}'::varchar[], now(), '{}', '{}', '{}', '{}', '{}'"
        async with engine.connect() as conn:
            driver: Any = (await conn.get_raw_connection()).driver_connection
            await driver.execute(f"PREPARE probe AS {sql}")
            for _ in range(6):  # while the table is empty: a generic plan would be kept now
                await driver.execute(f"EXECUTE probe({empty})")
            await driver.execute(
                "INSERT INTO deliveries (delivery_id, endpoint, event_type, payload, "
                "received_at, status, lease_until, attempts, run_key) "
                "SELECT 'd' || n, 'sensor', 'workflow_run', repeat('x', 1000), now(), "
                "'pending', now(), 0, 'o/r#run:' || n || ':1' FROM generate_series(1, 3000) n"
            )
            keys = "'{o/r#run:1:1,o/r#run:2:1}'::varchar[]"
            rows = await driver.fetch(
                f"EXPLAIN EXECUTE probe({keys}, now(), '{{}}', '{{}}', '{{}}', '{{}}', '{{}}')"
            )
            plan = "\n".join(row[0] for row in rows)
            await driver.execute("DEALLOCATE probe")
        assert "o/r#run:1:1" in plan, plan  # planned for these runs, not for any
        assert "ix_deliveries_run_key" in plan, plan
    finally:
        await engine.dispose()
