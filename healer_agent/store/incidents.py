"""Incidents: one row per failure (unique ``run_key``), its decision and its CodeRun.

Several deliveries can feed one incident (the failed jobs of one run, a redelivery through
the sensor and the webhook); each is kept in ``incident_events`` and merged when routing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.models import Incident, RoutingDecision
from healer_agent.store import direct, queue
from healer_agent.store.dialect import as_utc, insert_ignore, utcnow
from healer_agent.store.tables import incident_events, incidents

OPEN_STATUSES = ("routing", "held", "dispatched", "verifying")
WAITING = ("routing", "held")
"""Statuses a worker claims: routing (context, decision, dispatch) and held (admission)."""


def id_for(run_key: str) -> str:
    """The incident id of a run key.

    Derived, not drawn: intake names the incident it queues before the worker creates it,
    and every replica names it alike.
    """
    return hashlib.sha256(run_key.encode()).hexdigest()[:32]


async def states_of(conn: AsyncConnection, run_keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The current state of the incidents of these run keys (one query for a whole batch)."""
    keys = list(dict.fromkeys(run_keys))
    if not keys:
        return {}
    rows = await conn.execute(
        sa.select(
            incidents.c.run_key,
            incidents.c.id,
            incidents.c.status,
            incidents.c.agent,
            incidents.c.failure_type,
            incidents.c.coderun_name,
        ).where(incidents.c.run_key.in_(keys))
    )
    return {r.run_key: dict(r._mapping) for r in rows}


async def create_or_get(
    conn: AsyncConnection,
    incident: Incident,
    *,
    status: str,
    dedup_status: str,
    reason: str = "",
    not_before: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[str, bool]:
    """Insert the incident unless its run key exists; returns its id and whether it is new."""
    now = utcnow()
    candidate = id_for(incident.run_key)
    values = {
        "id": candidate,
        "run_key": incident.run_key,
        "kind": incident.kind,
        "repository": incident.repository,
        "branch": incident.branch,
        "head_sha": incident.head_sha,
        "workflow_name": incident.workflow_name,
        "event_type": incident.event_type,
        "status": status,
        "dedup_status": dedup_status,
        "reason": reason,
        "incident": incident.model_dump_json(),
        "not_before": not_before,
        "created_at": now,
        "updated_at": now,
        **(extra or {}),
    }
    created = (await direct.execute(conn, _insert_ignore(conn, incidents), values)).rowcount == 1
    if created:
        return candidate, True
    existing = await conn.scalar(
        sa.select(incidents.c.id).where(incidents.c.run_key == incident.run_key)
    )
    return str(existing), False


async def add_event(
    conn: AsyncConnection, incident_id: str, delivery_id: str, incident: Incident
) -> None:
    """Attach one delivery's view of the failure (another failed job of the same run)."""
    await direct.execute(
        conn,
        _insert_ignore(conn, incident_events),
        {
            "incident_id": incident_id,
            "delivery_id": delivery_id,
            "incident": incident.model_dump_json(),
            "created_at": utcnow(),
        },
    )


_INSERTS: dict[tuple[str, str], Any] = {}


def _insert_ignore(conn: AsyncConnection, table: sa.Table) -> Any:
    """``insert_ignore`` built once per dialect and table, its values given as parameters.

    Built per call with ``.values(...)``, the statement's construction and cache key cost
    more CPU than the database spends running it; SQLAlchemy compiles this one once per set
    of columns given.
    """
    key = (conn.dialect.name, table.name)
    if key not in _INSERTS:
        _INSERTS[key] = insert_ignore(conn, table)
    return _INSERTS[key]


async def events(conn: AsyncConnection, incident_id: str) -> list[Incident]:
    """Every delivery's view of an incident, oldest first."""
    rows = await direct.execute(conn, _EVENTS, {"incident_id": incident_id})
    return [Incident.model_validate_json(incident) for (incident,) in rows.rows]


_EVENTS = (
    sa.select(incident_events.c.incident)
    .where(
        incident_events.c.incident_id == sa.bindparam("incident_id"),
        incident_events.c.kind == "delivery",
    )
    .order_by(incident_events.c.id)
)
"""Built once (the dispatcher reads it for every incident), as ``_GET`` is."""


async def update(conn: AsyncConnection, incident_id: str, **values: Any) -> None:
    """Set columns of one incident (and bump ``updated_at``)."""
    values["updated_at"] = utcnow()
    await direct.execute(conn, _UPDATE, {"_incident_id": incident_id, **values})


_UPDATE = sa.update(incidents).where(incidents.c.id == sa.bindparam("_incident_id"))
"""``update``'s statement, built once: the columns set are parameters (see ``_insert_ignore``)."""


def decision_columns(decision: RoutingDecision) -> dict[str, Any]:
    """The columns that mirror a decision, so queries need not parse JSON."""
    usage = decision.usage
    return {
        "agent": decision.agent.value,
        "failure_type": decision.failure_type.value,
        "decided_by": decision.decided_by,
        "confidence": decision.confidence,
        "obvious": decision.obvious,
        "decision": decision.model_dump_json(),
        "tokens": (usage.input_tokens + usage.output_tokens) if usage else None,
        "cost_usd": usage.cost_usd if usage else None,
    }


async def claim_due(conn: AsyncConnection, *, lease: timedelta, limit: int = 5) -> list[str]:
    """Lease incidents that await routing or admission, once ``not_before`` has passed.

    Routing waits for the grouping window; held-back work waits for a slot or the breaker.
    """
    return [str(row["id"]) for row in await claim_due_rows(conn, lease=lease, limit=limit)]


async def claim_due_rows(
    conn: AsyncConnection, *, lease: timedelta, limit: int
) -> list[dict[str, Any]]:
    """As :func:`claim_due`, with each leased row as :func:`get` gives it (no second read)."""
    rows = await queue.claim(
        conn, incidents, _DUE, "work_attempts", lease, utcnow(), limit, _OLDEST, name="due"
    )
    # oldest first: PostgreSQL's RETURNING keeps no order
    return [to_dict(r) for r in sorted(rows, key=lambda r: (r.created_at, r.id))]


_DUE = (
    # one comparison per status, not an IN list: its values would be expanded per call,
    # which ``direct`` leaves to SQLAlchemy (SQLite plans both alike, by the status index)
    sa.or_(*(incidents.c.status == status for status in WAITING)),
    sa.or_(incidents.c.not_before.is_(None), incidents.c.not_before <= queue.now(incidents)),
)
"""What :func:`claim_due_rows` leases; built once, as the claim's statement is (``name``)."""
_OLDEST = incidents.c.created_at


async def get(conn: AsyncConnection, incident_id: str) -> dict[str, Any] | None:
    """An incident as a plain dict (JSON columns parsed), or None."""
    row = (await conn.execute(_GET, {"incident_id": incident_id})).first()
    return to_dict(row) if row else None


_GET = sa.select(incidents).where(incidents.c.id == sa.bindparam("incident_id"))


def to_dict(row: Any) -> dict[str, Any]:
    """Convert a row to the API's shape."""
    data = dict(row._mapping)
    for key in ("incident", "decision", "context_status"):
        if data.get(key):
            data[key] = json.loads(data[key])
    for key, value in list(data.items()):
        if isinstance(value, datetime):
            data[key] = as_utc(value).isoformat()
    return data


async def recent(
    conn: AsyncConnection, *, limit: int = 20, open_only: bool = False
) -> list[dict[str, Any]]:
    """Newest incidents first."""
    stmt = sa.select(incidents).order_by(incidents.c.created_at.desc()).limit(limit)
    if open_only:
        stmt = stmt.where(incidents.c.status.in_(OPEN_STATUSES))
    return [to_dict(r) for r in (await conn.execute(stmt))]


async def counts(conn: AsyncConnection) -> dict[str, int]:
    """Incidents per status."""
    rows = await conn.execute(
        sa.select(incidents.c.status, sa.func.count()).group_by(incidents.c.status)
    )
    return {status: int(n) for status, n in rows.all()}


async def oldest_waiting_age_s(conn: AsyncConnection) -> float:
    """Age of the oldest incident still awaiting routing (queue age)."""
    oldest = await conn.scalar(
        sa.select(sa.func.min(incidents.c.created_at)).where(incidents.c.status == "routing")
    )
    if oldest is None:
        return 0.0
    return max(0.0, (utcnow() - as_utc(oldest)).total_seconds())


async def next_due_at(conn: AsyncConnection) -> datetime | None:
    """When the next incident awaiting routing becomes claimable (its window and lease)."""
    c = incidents.c
    ready_at = sa.case(
        (c.lease_until.is_(None), c.not_before),
        (c.not_before.is_(None), c.lease_until),
        (c.lease_until > c.not_before, c.lease_until),
        else_=c.not_before,
    )
    value = await conn.scalar(
        sa.select(sa.func.min(sa.func.coalesce(ready_at, utcnow()))).where(c.status.in_(WAITING))
    )
    return as_utc(value) if isinstance(value, datetime) else None
