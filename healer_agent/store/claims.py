"""Expiring claims: the dedup guard that holds across replicas.

A claim is a row keyed by what must happen at most once (``branch:<repo>:<branch>`` for the
dedup window, ``active:<repo>:<branch>:<agent>`` for an active remediation). Taking it is one
conditional upsert: insert, or take over the row only if it has expired. The database
serialises concurrent attempts, so exactly one caller wins; nobody reads then writes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.store import direct, slotcount
from healer_agent.store.dialect import upsert, utcnow
from healer_agent.store.tables import claims


async def take(
    conn: AsyncConnection, key: str, incident_id: str, ttl: timedelta, now: datetime | None = None
) -> str:
    """Claim ``key`` for ``incident_id``; returns the incident that holds it afterwards.

    The caller won when the returned id equals its own ``incident_id``.
    """
    now = now or utcnow()
    params = {"key": key, "incident_id": incident_id, "expires_at": now + ttl, "now": now}
    won = (await direct.execute(conn, _take_statement(conn), params)).first()
    if won is not None:  # inserted, or took over an expired claim
        return str(won[0])
    holder = await conn.scalar(sa.select(claims.c.incident_id).where(claims.c.key == key))
    return str(holder)


_TAKE: dict[str, Any] = {}


def _take_statement(conn: AsyncConnection) -> Any:
    """The conditional upsert, built once per dialect with its values as parameters.

    Built per call, the statement's construction and cache key cost more CPU than the
    database spends running it.
    """
    name = conn.dialect.name
    if name not in _TAKE:
        stmt = upsert(conn, claims).values(
            key=sa.bindparam("key", type_=claims.c.key.type),
            incident_id=sa.bindparam("incident_id", type_=claims.c.incident_id.type),
            expires_at=sa.bindparam("expires_at", type_=claims.c.expires_at.type),
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[claims.c.key],
            set_={"incident_id": stmt.excluded.incident_id, "expires_at": stmt.excluded.expires_at},
            where=claims.c.expires_at <= sa.bindparam("now", type_=claims.c.expires_at.type),
        )
        _TAKE[name] = stmt.returning(claims.c.incident_id)
    return _TAKE[name]


_INCIDENT = sa.bindparam("incident_id", type_=claims.c.incident_id.type)
_RELEASE_ALL = sa.delete(claims).where(claims.c.incident_id == _INCIDENT).returning(claims.c.key)
_RELEASE_SLOTS = (
    sa.delete(claims)
    .where(
        claims.c.incident_id == _INCIDENT,
        claims.c.key >= slotcount.SLOT_KEYS[0],
        claims.c.key < slotcount.SLOT_KEYS[1],
    )
    .returning(claims.c.key)
)


async def _released(conn: AsyncConnection, statement: Any, params: dict[str, Any]) -> int:
    """Run a delete that returns the keys it removed; count the slots among them out."""
    keys = [row[0] for row in (await direct.execute(conn, statement, params)).rows]
    await slotcount.count_down(conn, keys)
    return len(keys)


async def release_all(conn: AsyncConnection, incident_id: str) -> None:
    """Drop every claim an incident holds (its admission slots counted out)."""
    await _released(conn, _RELEASE_ALL, {"incident_id": incident_id})


async def release_slots(conn: AsyncConnection, incident_id: str) -> None:
    """Drop the incident's admission slots, counted out, and keep its other claims."""
    await _released(conn, _RELEASE_SLOTS, {"incident_id": incident_id})


SWEEP_BATCH = 500
"""Claims one sweep deletes at most: an idle turn's work stays small however many expired."""
_EXPIRED = sa.bindparam("before", type_=claims.c.expires_at.type)
_SWEEP = (
    sa.delete(claims)
    .where(
        claims.c.key.in_(
            sa.select(claims.c.key)
            .where(claims.c.expires_at < _EXPIRED)
            .limit(sa.bindparam("limit", type_=sa.Integer))
            .scalar_subquery()
        )
    )
    .returning(claims.c.key)
)


async def sweep(conn: AsyncConnection, before: datetime, limit: int = SWEEP_BATCH) -> int:
    """Delete up to ``limit`` claims that expired before ``before``; how many went.

    An expired claim already counts for nothing (a take takes it over, a count skips it),
    but nothing else deletes the claims of incidents that never finish (duplicates,
    skipped and escalated ones): without this the table grows with every failure.
    """
    return await _released(conn, _SWEEP, {"before": before, "limit": limit})
