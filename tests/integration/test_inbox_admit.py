"""inbox.admit: one intake batch stored and its runs looked up, alike on both backends
(on SQLite on the loop's thread, without a trip to the driver's; on PostgreSQL one
statement, the workers' wake-up included)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.models import Incident
from healer_agent.store import inbox, incidents
from healer_agent.store.db import create_engine, ensure_schema
from healer_agent.store.inbox import NewDelivery
from healer_agent.store.tables import deliveries
from healer_agent.store.wakeup import WorkListener


def delivery(n: int, run_key: str | None) -> NewDelivery:
    return NewDelivery(f"d-{n}", "sensor", "workflow_run", f'{{"n": {n}}}', run_key)


async def test_a_batch_is_stored_and_its_runs_looked_up(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await incidents.create_or_get(
            conn,
            Incident(
                kind="ci_failure",
                event_type="workflow_run",
                run_key="run-known",
                repository="acme/shop",
            ),
            status="dispatched",
            dedup_status="new",
        )
        first = await inbox.admit(conn, [delivery(1, "run-waiting")], ["run-waiting"])
    assert list(first.stored) == ["d-1"] and not first.known and not first.waiting

    batch = [delivery(2, "run-known"), delivery(3, "run-waiting"), delivery(1, "run-waiting")]
    batch += [delivery(4, "run-new"), delivery(4, "run-new"), delivery(5, None)]
    async with engine.begin() as conn:
        admitted = await inbox.admit(
            conn, batch, ["run-known", "run-waiting", "run-waiting", "run-new"]
        )
    assert sorted(admitted.stored) == ["d-2", "d-3", "d-4", "d-5"]  # d-1 and the 2nd d-4 known
    assert set(admitted.known) == {"run-known"}
    assert admitted.known["run-known"]["status"] == "dispatched"
    assert admitted.known["run-known"]["id"] == incidents.id_for("run-known")
    assert admitted.waiting == {"run-waiting"}

    async with engine.connect() as conn:
        row = await inbox.get(conn, "d-3")
        assert row is not None and row.status == "pending" and row.attempts == 0
        assert row.payload == '{"n": 3}'
        received = await conn.scalar(
            sa.select(deliveries.c.received_at).where(deliveries.c.delivery_id == "d-3")
        )
        assert received is not None  # written as SQLAlchemy writes it, read back alike
        claimed = await inbox.claim_stale(conn, lease=timedelta(minutes=1))
        assert {d.delivery_id for d in claimed} == {"d-1", "d-2", "d-3", "d-4", "d-5"}


async def test_a_rolled_back_batch_leaves_nothing(engine: AsyncEngine) -> None:
    with pytest.raises(RuntimeError):
        async with engine.begin() as conn:
            await inbox.admit(conn, [delivery(9, "run-9")], ["run-9"])
            raise RuntimeError("the batch failed after storing")
    async with engine.connect() as conn:
        assert await inbox.get(conn, "d-9") is None


async def test_a_batch_admitted_with_commit_is_stored_before_it_returns(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        admitted = await inbox.admit(conn, [delivery(7, "run-7")], ["run-7"], commit=True)
        assert list(admitted.stored) == ["d-7"]
        if conn.dialect.name == "sqlite":
            driver: Any = (await conn.get_raw_connection()).driver_connection
            assert not driver._conn.in_transaction  # committed before it returned
        await conn.rollback()  # what the caller leaves open is rolled back, not the batch
    async with engine.connect() as conn:
        row = await inbox.get(conn, "d-7")
        assert row is not None and row.status == "pending"


@pytest.mark.postgres
async def test_a_batch_wakes_the_replicas_workers_at_commit(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    engine = create_engine(database_url)
    await ensure_schema(engine, database_url)
    woken = asyncio.Event()
    listener = WorkListener(database_url)
    await listener.start(woken.set)
    try:
        async with engine.begin() as conn:
            await inbox.admit(conn, [delivery(1, "run-1")], ["run-1"])
        await asyncio.wait_for(woken.wait(), timeout=30)
    finally:
        await listener.stop()
        await engine.dispose()


async def test_the_sqlite_waiting_lookup_goes_by_the_run_key(engine: AsyncEngine) -> None:
    """Not by the status index: that would visit every pending row, thousands in a burst."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    async with engine.connect() as conn:
        plan = await conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + inbox.waiting_sqlite(3), ("a", "b", "c")
        )
        steps = " ".join(str(row[-1]) for row in plan)
    assert "ix_deliveries_run_key" in steps and "ix_deliveries_status" not in steps


async def test_an_sqlite_batch_commits_without_a_trip_to_the_drivers_thread(
    engine: AsyncEngine,
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's driver thread")
    async with engine.connect() as conn:
        driver: Any = (await conn.get_raw_connection()).driver_connection
        trips: list[Any] = []
        execute = driver._execute

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            trips.append(fn)
            return await execute(fn, *args, **kwargs)

        driver._execute = counted
        try:
            admitted = await inbox.admit(conn, [delivery(8, "run-8")], ["run-8"], commit=True)
        finally:
            del driver._execute
        assert list(admitted.stored) == ["d-8"] and trips == []
        assert not driver._conn.in_transaction


async def test_an_sqlite_batch_waits_off_the_loop_for_a_lock_held_elsewhere(
    engine: AsyncEngine, database_url: str
) -> None:
    """Another process's write lock: the batch waits in the driver's thread, then commits."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's lock")
    other = sqlite3.connect(database_url.split("///", 1)[1], check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")

    async def admit() -> inbox.Admission:
        async with engine.connect() as conn:
            return await inbox.admit(conn, [delivery(6, "run-6")], ["run-6"], commit=True)

    admitting = asyncio.create_task(admit())
    await asyncio.sleep(0.2)  # the loop runs while the batch waits (not a timing assertion)
    assert not admitting.done()
    other.commit()
    other.close()
    assert list((await admitting).stored) == ["d-6"]
    async with engine.connect() as conn:
        row = await inbox.get(conn, "d-6")
        assert row is not None and row.status == "pending"
