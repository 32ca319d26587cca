"""SQLite's plan for the statement every worker turn runs: the claim of due incidents reads
them by the (status, created_at) index, not by a table lookup of every row awaiting routing
(past its incident's JSON); a new database and a migrated one alike."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.store import incidents, queue
from healer_agent.store.db import create_engine, ensure_schema, upgrade_sync
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
