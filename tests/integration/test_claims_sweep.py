"""Expired claims are deleted in batches by an idle worker; slots among them are counted out,
live ones stay, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.pipeline.worker import SWEEP_AFTER
from healer_agent.store import claims
from healer_agent.store.dialect import utcnow
from healer_agent.store.tables import claims as claims_table
from healer_agent.tracking import admission
from tests.conftest import slots_held

HOUR = timedelta(hours=1)


async def _keys(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set((await conn.execute(sa.select(claims_table.c.key))).scalars())


async def test_a_sweep_deletes_what_expired_before_the_cutoff_and_counts_slots_out(
    engine: AsyncEngine,
) -> None:
    now = utcnow()
    long_ago = now - 3 * HOUR
    async with engine.begin() as conn:  # taken three hours ago for one hour: expired two ago
        await claims.take(conn, "branch:o/r:old", "a", HOUR, long_ago)
        assert await admission.take_slot(conn, "slot:global", 5, "a", HOUR, long_ago)
        await claims.take(conn, "branch:o/r:recent", "b", HOUR, now - 90 * timedelta(minutes=1))
        await claims.take(conn, "branch:o/r:live", "c", HOUR, now)
        assert await admission.take_slot(conn, "slot:global", 5, "c", HOUR, now)
    assert await slots_held(engine) == {"slot:global": 2}
    async with engine.begin() as conn:
        assert await claims.sweep(conn, now - HOUR) == 2  # expired more than an hour ago
    assert await _keys(engine) == {"branch:o/r:recent", "branch:o/r:live", "slot:global:1"}
    assert await slots_held(engine) == {"slot:global": 1}
    async with engine.begin() as conn:
        assert await claims.sweep(conn, now - HOUR) == 0


async def test_a_sweep_takes_a_batch_at_a_time(engine: AsyncEngine) -> None:
    then = utcnow() - 3 * HOUR
    async with engine.begin() as conn:
        for n in range(7):
            await claims.take(conn, f"branch:o/r:{n}", f"i{n}", HOUR, then)
    async with engine.begin() as conn:
        assert await claims.sweep(conn, utcnow(), limit=5) == 5
        assert await claims.sweep(conn, utcnow(), limit=5) == 2
    assert await _keys(engine) == set()


async def test_an_idle_worker_sweeps(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    healer = await healer_factory(
        make_settings(store={"url": database_url}, worker={"coderun_poll_s": 0})
    )
    then = utcnow() - SWEEP_AFTER - 2 * HOUR
    async with healer.engine.begin() as conn:
        await claims.take(conn, "branch:o/r:gone", "a", HOUR, then)
        await claims.take(conn, "branch:o/r:kept", "b", HOUR)
    assert not await healer.worker.work_once()  # nothing to do: the idle turn's upkeep
    assert await _keys(healer.engine) == {"branch:o/r:kept"}


async def test_slots_swept_together_are_counted_out_together(engine: AsyncEngine) -> None:
    then = utcnow() - 3 * HOUR
    async with engine.begin() as conn:
        for incident in ("a", "b", "c"):
            assert await admission.take_slot(conn, "slot:global", 5, incident, HOUR, then)
            assert await admission.take_slot(conn, "slot:repo:o/r", 5, incident, HOUR, then)
        assert await admission.take_slot(conn, "slot:global", 5, "d", HOUR, utcnow())
    async with engine.begin() as conn:
        assert await claims.sweep(conn, utcnow() - HOUR) == 6
    assert await slots_held(engine) == {"slot:global": 1, "slot:repo:o/r": 0}
