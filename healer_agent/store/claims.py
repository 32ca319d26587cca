"""Expiring claims: the dedup guard that holds across replicas.

A claim is a row keyed by what must happen at most once (``branch:<repo>:<branch>`` for the
dedup window, ``active:<repo>:<branch>:<agent>`` for an active remediation). Taking it is one
conditional upsert: insert, or take over the row only if it has expired. The database
serialises concurrent attempts, so exactly one caller wins; nobody reads then writes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.store.dialect import upsert, utcnow
from healer_agent.store.tables import claims


async def take(
    conn: AsyncConnection, key: str, incident_id: str, ttl: timedelta, now: datetime | None = None
) -> str:
    """Claim ``key`` for ``incident_id``; returns the incident that holds it afterwards.

    The caller won when the returned id equals its own ``incident_id``.
    """
    now = now or utcnow()
    stmt = upsert(conn, claims).values(key=key, incident_id=incident_id, expires_at=now + ttl)
    stmt = stmt.on_conflict_do_update(
        index_elements=[claims.c.key],
        set_={"incident_id": stmt.excluded.incident_id, "expires_at": stmt.excluded.expires_at},
        where=claims.c.expires_at <= now,
    )
    won = (await conn.execute(stmt.returning(claims.c.incident_id))).first()
    if won is not None:  # inserted, or took over an expired claim
        return str(won.incident_id)
    holder = await conn.scalar(sa.select(claims.c.incident_id).where(claims.c.key == key))
    return str(holder)


async def release_all(conn: AsyncConnection, incident_id: str) -> None:
    """Drop every claim an incident holds."""
    await conn.execute(sa.delete(claims).where(claims.c.incident_id == incident_id))
