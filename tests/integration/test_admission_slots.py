"""admission.take_slot: the cap, a holder's second ask, a freed slot found, on both backends."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.store.dialect import utcnow
from healer_agent.store.tables import claims
from healer_agent.tracking import admission

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
