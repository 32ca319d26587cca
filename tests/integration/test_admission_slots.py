"""admission.take_slot: the cap, a holder's second ask, a freed slot found, the count kept
beside the slots, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.store import claims as claims_store
from healer_agent.store.dialect import utcnow
from healer_agent.store.tables import claims
from healer_agent.tracking import admission
from tests.conftest import slots_held

TTL = timedelta(hours=1)


async def holders(engine: AsyncEngine) -> dict[str, str]:
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(claims.c.key, claims.c.incident_id))
        return {r.key: r.incident_id for r in rows}


async def test_slots_are_capped_and_a_freed_one_is_found(engine: AsyncEngine) -> None:
    now = utcnow()
    async with engine.begin() as conn:
        for incident in ("a", "b", "c"):
            assert await admission.take_slot(conn, "slot:global", 3, incident, TTL, now)
        assert await admission.take_slot(conn, "slot:global", 3, "b", TTL, now)  # held already
        assert not await admission.take_slot(conn, "slot:global", 3, "d", TTL, now)
        assert await admission.in_flight(conn, now) == 3
    assert await holders(engine) == {
        "slot:global:0": "a",
        "slot:global:1": "b",
        "slot:global:2": "c",
    }
    async with engine.begin() as conn:
        await admission.release_slots(conn, "a")  # slot 0 is free, slot 2 (the count) is not
        assert await admission.take_slot(conn, "slot:global", 3, "d", TTL, now)
        assert not await admission.take_slot(conn, "slot:global", 3, "e", TTL, now)
    assert (await holders(engine))["slot:global:0"] == "d"
    later = now + TTL + timedelta(seconds=1)  # every claim expired: free again, taken over
    async with engine.begin() as conn:
        assert await admission.in_flight(conn, later) == 0
        assert await admission.take_slot(conn, "slot:global", 3, "e", TTL, later)
    assert (await holders(engine))["slot:global:0"] == "e"


async def test_the_count_follows_takes_and_releases(engine: AsyncEngine) -> None:
    now = utcnow()
    async with engine.begin() as conn:
        for incident in ("a", "b", "c"):
            assert await admission.take_slot(conn, "slot:global", 5, incident, TTL, now)
            assert await admission.take_slot(conn, "slot:repo:o/r", 5, incident, TTL, now)
        assert await admission.take_slot(conn, "slot:global", 5, "a", TTL, now)  # a holder
        await claims_store.take(conn, "branch:o/r:main", "b", TTL, now)  # not a slot
    assert await slots_held(engine) == {"slot:global": 3, "slot:repo:o/r": 3}
    async with engine.begin() as conn:
        await claims_store.release_all(conn, "b")  # both its slots and its branch claim
        await admission.release_slots(conn, "c")
    assert await slots_held(engine) == {"slot:global": 1, "slot:repo:o/r": 1}
    async with engine.begin() as conn:  # slot 1 (the count) is free: taken without a search
        assert await admission.take_slot(conn, "slot:global", 5, "d", TTL, now)
    assert (await holders(engine))["slot:global:1"] == "d"
    assert (await slots_held(engine))["slot:global"] == 2


async def test_slots_that_expired_unreleased_are_counted_until_the_count_says_full(
    engine: AsyncEngine,
) -> None:
    now = utcnow()
    async with engine.begin() as conn:
        for incident in ("a", "b"):
            assert await admission.take_slot(conn, "slot:global", 2, incident, TTL, now)
    later = now + TTL + timedelta(seconds=1)  # a and b never released: their claims expired
    async with engine.begin() as conn:
        # the count says full; the claims say none is live: the count is set right
        assert await admission.take_slot(conn, "slot:global", 2, "c", TTL, later)
        assert await admission.take_slot(conn, "slot:global", 2, "d", TTL, later)
        assert not await admission.take_slot(conn, "slot:global", 2, "e", TTL, later)
    assert await slots_held(engine) == {"slot:global": 2}
    assert await holders(engine) == {"slot:global:0": "c", "slot:global:1": "d"}


async def test_below_the_cap_a_slot_is_taken_without_reading_the_others(
    engine: AsyncEngine,
) -> None:
    """Admission's cost does not grow with what is in flight: the live slots are counted
    and read only when the count says full or its slot is taken."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the statements are traced on SQLite's connection")
    now = utcnow()
    async with engine.begin() as conn:
        for n in range(50):
            assert await admission.take_slot(conn, "slot:global", 1000, f"i{n}", TTL, now)
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        statements: list[str] = []
        raw._conn.set_trace_callback(statements.append)
        try:
            assert await admission.take_slot(conn, "slot:global", 1000, "new", TTL, now)
        finally:
            raw._conn.set_trace_callback(None)
    reads_of_slots = [
        s
        for s in statements
        if "count(" in s.lower() or "SELECT claims.key, claims.incident_id" in s
    ]
    assert statements and not reads_of_slots, statements
    assert (await holders(engine))["slot:global:50"] == "new"
