"""store.queue: a claim leases the due rows once, oldest first, and gives each as its table
has it (by attribute and by ``_mapping``); on SQLite the worker's named claims run by the
driver, without SQLAlchemy's execution."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.store import inbox, incidents, queue
from healer_agent.store.dialect import utcnow
from healer_agent.store.tables import deliveries
from healer_agent.store.tables import incidents as incidents_table

LEASE = timedelta(seconds=60)


def _incident(n: int, status: str, not_before_s: float | None) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": f"i{n}",
        "run_key": f"a/b#run:{n}:1",
        "kind": "ci_failure",
        "repository": "a/b",
        "event_type": "workflow_run",
        "status": status,
        "dedup_status": "new",
        "incident": json.dumps({"run_key": f"a/b#run:{n}:1"}),
        "not_before": None if not_before_s is None else now + timedelta(seconds=not_before_s),
        "created_at": now - timedelta(seconds=100 - n),
        "updated_at": now,
    }


async def test_due_incidents_are_leased_once_oldest_first(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(incidents_table),
            [
                _incident(5, "routing", -1),
                _incident(1, "held", None),
                _incident(2, "routing", 60),  # its grouping window is still open
                _incident(3, "dispatched", None),
                _incident(4, "routing", None),
            ],
        )
    async with engine.begin() as conn:
        first = await incidents.claim_due_rows(conn, lease=LEASE, limit=2)
    async with engine.begin() as conn:
        rest = await incidents.claim_due_rows(conn, lease=LEASE, limit=5)
        again = await incidents.claim_due_rows(conn, lease=LEASE, limit=5)
    assert [r["id"] for r in first] == ["i1", "i4"]
    assert [r["id"] for r in rest] == ["i5"] and again == []
    async with engine.connect() as conn:
        stored = await incidents.get(conn, "i1")
    # the leased row is the row as ``get`` reads it, lease and attempt included
    assert first[0] == stored and stored["work_attempts"] == 1
    assert first[0]["incident"] == {"run_key": "a/b#run:1:1"}


async def test_a_leased_row_reads_by_attribute_and_by_mapping(engine: AsyncEngine) -> None:
    now = utcnow()
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(deliveries),
            {
                "delivery_id": "d-1",
                "endpoint": "github",
                "event_type": "workflow_run",
                "payload": "{}",
                "received_at": now,
                "status": "pending",
                "lease_until": now,
            },
        )
    async with engine.begin() as conn:
        (row,) = await queue.claim(
            conn,
            deliveries,
            [deliveries.c.status == "pending"],
            "attempts",
            LEASE,
            utcnow(),
            1,
            deliveries.c.id,
        )
    assert row.delivery_id == "d-1" and row.attempts == 1
    assert row._mapping["delivery_id"] == "d-1"
    with pytest.raises(AttributeError):
        _ = row.no_such_column


async def test_on_sqlite_the_named_claims_skip_sqlalchemys_execution(
    engine: AsyncEngine, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL goes through SQLAlchemy (the tests above)")
    seen: list[str] = []
    sa.event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    async with engine.begin() as conn:
        assert await incidents.claim_due_rows(conn, lease=LEASE, limit=4) == []
        assert await inbox.claim_stale(conn, lease=LEASE, limit=8) == []
    assert seen == []
