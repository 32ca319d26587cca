"""Tracking queries: outcomes, attempts per failure, escalations and route memory."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.models import Agent
from healer_agent.store import claims, direct
from healer_agent.store.dialect import as_utc, upsert, utcnow
from healer_agent.store.tables import attempts, escalations, incidents, route_memory


async def open_on_branch(
    conn: AsyncConnection,
    repository: str,
    branch: str,
    before: datetime | None = None,
    statuses: tuple[str, ...] = ("dispatched", "verifying"),
) -> list[dict[str, Any]]:
    """Remediations of a branch still waiting for their outcome (running or verifying)."""
    params = {"repository": repository, "branch": branch, "statuses": list(statuses)}
    rows = (await conn.execute(_OPEN_ON_BRANCH, params)).all()
    out = []
    for row in rows:
        dispatched = as_utc(row.dispatched_at)
        if before is None or dispatched is None or dispatched <= before:
            out.append(
                {
                    "id": row.id,
                    "agent": row.agent,
                    "signature": row.signature,
                    "dispatched_at": dispatched,
                    "head_sha": row.head_sha,
                    "names": names_of(row.incident),
                }
            )
    return out


_OPEN_ON_BRANCH = sa.select(
    incidents.c.id,
    incidents.c.agent,
    incidents.c.signature,
    incidents.c.dispatched_at,
    incidents.c.head_sha,
    incidents.c.incident,
).where(
    incidents.c.repository == sa.bindparam("repository", type_=incidents.c.repository.type),
    incidents.c.branch == sa.bindparam("branch", type_=incidents.c.branch.type),
    incidents.c.status.in_(sa.bindparam("statuses", expanding=True)),
)
"""Built once, its values parameters (the loop guard asks before every dispatch): building
it and its cache key cost more CPU than the database spends running it."""


async def superseded_on_branch(
    conn: AsyncConnection,
    repository: str,
    branch: str,
    signature: str,
    head_sha: str,
    *,
    not_id: str,
    failed_at: datetime | None,
) -> list[str]:
    """Open remediations of ``signature`` on a branch whose commit was another one.

    What the loop guard closes as failed; filtered by the database instead of reading every
    open remediation of the branch (and parsing its stored incident) to keep a few. Only
    those dispatched by the time the failure happened (``failed_at``, its event's time; when
    the event has none, when its incident ``not_id`` was received) are a verdict: a failure
    from before a remediation began says nothing of its fix, whichever worker got to it
    first (the same rule a green check's time follows for closing them as fixed).
    """
    params = {
        "repository": repository,
        "branch": branch,
        "signature": signature,
        "head_sha": head_sha,
        "not_id": not_id,
        "failed_at": failed_at.astimezone(UTC) if failed_at is not None else None,
    }
    found = await direct.execute(conn, _SUPERSEDED, params)
    return [incident_id for (incident_id,) in found.rows]


_RECEIVED = incidents.alias("received")
_SUPERSEDED = sa.select(incidents.c.id).where(
    incidents.c.repository == sa.bindparam("repository", type_=incidents.c.repository.type),
    incidents.c.branch == sa.bindparam("branch", type_=incidents.c.branch.type),
    # two equalities, not IN: an IN list is expanded at execution, which store.direct leaves
    # to SQLAlchemy
    sa.or_(incidents.c.status == "dispatched", incidents.c.status == "verifying"),
    incidents.c.signature == sa.bindparam("signature", type_=incidents.c.signature.type),
    incidents.c.head_sha.is_distinct_from(
        sa.bindparam("head_sha", type_=incidents.c.head_sha.type)
    ),
    incidents.c.id != sa.bindparam("not_id", type_=incidents.c.id.type),
    sa.or_(
        incidents.c.dispatched_at.is_(None),
        incidents.c.dispatched_at
        <= sa.func.coalesce(
            sa.bindparam("failed_at", type_=incidents.c.dispatched_at.type),
            sa.select(_RECEIVED.c.created_at)
            .where(_RECEIVED.c.id == sa.bindparam("not_id", type_=incidents.c.id.type))
            .scalar_subquery(),
        ),
    ),
)
"""Built once (asked before every dispatch)."""


def names_of(stored: str) -> frozenset[str]:
    """The workflow and job names a stored incident failed in (what must go green)."""
    data = json.loads(stored or "{}")
    return frozenset(n for n in (data.get("workflow_name"), *(data.get("job_names") or ())) if n)


async def record_escalation(
    conn: AsyncConnection,
    *,
    incident_id: str,
    repository: str,
    branch: str,
    signature: str | None,
    attempts: int,
    reason: str,
    channels: dict[str, Any],
) -> None:
    """Store an escalation (once per incident)."""
    stmt = upsert(conn, escalations).values(
        incident_id=incident_id,
        repository=repository,
        branch=branch,
        signature=signature,
        attempts=attempts,
        reason=reason,
        channels=json.dumps(channels),
        created_at=utcnow(),
    )
    await conn.execute(stmt.on_conflict_do_nothing(index_elements=[escalations.c.incident_id]))


async def list_escalations(conn: AsyncConnection, limit: int = 50) -> list[dict[str, Any]]:
    """Newest escalations first."""
    rows = await conn.execute(sa.select(escalations).order_by(escalations.c.id.desc()).limit(limit))
    out = []
    for row in rows:
        data = dict(row._mapping)
        data["channels"] = json.loads(data["channels"] or "{}")
        data["created_at"] = as_utc(data["created_at"]).isoformat()
        out.append(data)
    return out


async def remember(conn: AsyncConnection, signature: str, agent: Agent, source: str) -> None:
    """Learn that ``agent`` is right for ``signature`` (a fix, or an operator's choice)."""
    stmt = upsert(conn, route_memory).values(
        signature=signature, agent=agent.value, source=source, count=1, updated_at=utcnow()
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[route_memory.c.signature],
        set_={
            "agent": stmt.excluded.agent,
            "source": stmt.excluded.source,
            "count": route_memory.c.count + 1,
            "updated_at": stmt.excluded.updated_at,
        },
    )
    await conn.execute(stmt)


async def memory_snapshot(conn: AsyncConnection, since: datetime | None = None) -> dict[str, Agent]:
    """Remembered routes (those changed at or after ``since``, when given)."""
    stmt = sa.select(route_memory.c.signature, route_memory.c.agent)
    if since is not None:
        stmt = stmt.where(route_memory.c.updated_at >= since)
    return {r.signature: Agent(r.agent) for r in await conn.execute(stmt)}


async def memory_changed_at(conn: AsyncConnection) -> datetime | None:
    """The newest change to route memory (any replica's)."""
    value = await conn.scalar(sa.select(sa.func.max(route_memory.c.updated_at)))
    return as_utc(value) if isinstance(value, datetime) else None


@dataclass(frozen=True, slots=True)
class OpenCodeRun:
    """A dispatched remediation whose CodeRun has not been seen to finish."""

    incident_id: str
    coderun_name: str
    agent: str | None
    status: str = "dispatched"
    phase: str | None = None


async def open_coderuns(
    conn: AsyncConnection, *, after: str | None, limit: int
) -> list[OpenCodeRun]:
    """One page of running CodeRuns in id order (keyset paging: every one is seen)."""
    stmt = (
        sa.select(incidents.c.id, incidents.c.coderun_name, incidents.c.agent, incidents.c.phase)
        .where(incidents.c.status == "dispatched", incidents.c.coderun_name.is_not(None))
        .order_by(incidents.c.id)
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(incidents.c.id > after)
    return [
        OpenCodeRun(r.id, r.coderun_name, r.agent, "dispatched", r.phase)
        for r in await conn.execute(stmt)
    ]


async def overdue(conn: AsyncConnection, now: datetime, limit: int) -> list[OpenCodeRun]:
    """Running or verifying remediations past their deadline (agent timeout, confirmation)."""
    stmt = (
        sa.select(
            incidents.c.id,
            incidents.c.coderun_name,
            incidents.c.agent,
            incidents.c.status,
            incidents.c.phase,
        )
        .where(
            incidents.c.status.in_(("dispatched", "verifying")),
            incidents.c.timeout_at.is_not(None),
            incidents.c.timeout_at <= now,
        )
        .order_by(incidents.c.timeout_at)
        .limit(limit)
    )
    return [
        OpenCodeRun(r.id, r.coderun_name or "", r.agent, r.status, r.phase)
        for r in await conn.execute(stmt)
    ]


async def latest_for(
    conn: AsyncConnection,
    repository: str,
    *,
    pr_numbers: tuple[int, ...],
    branch: str,
    scan: int = 200,
) -> dict[str, Any] | None:
    """The newest remediable incident of a PR (by number) or else of a branch."""
    rows = await conn.execute(
        sa.select(
            incidents.c.id,
            incidents.c.status,
            incidents.c.agent,
            incidents.c.coderun_name,
            incidents.c.attempt,
            incidents.c.incident,
            incidents.c.branch,
        )
        .where(
            incidents.c.repository == repository,
            incidents.c.kind.in_(("ci_failure", "security_alert")),
        )
        .order_by(incidents.c.created_at.desc())
        .limit(scan)
    )
    for row in rows:
        stored = json.loads(row.incident)
        if pr_numbers and set(pr_numbers) & set(stored.get("pr_numbers") or ()):
            return dict(row._mapping)
        if branch and row.branch == branch:
            return dict(row._mapping)
    return None


async def requeue(conn: AsyncConnection, incident_id: str, agent: Agent | None) -> None:
    """Queue an incident for another attempt (ChatOps retry/fix), freeing its claims.

    A CodeRun still open is superseded: its attempt is closed as failed first.
    """
    await claims.release_all(conn, incident_id)
    await conn.execute(
        sa.update(attempts)
        .where(attempts.c.incident_id == incident_id, attempts.c.outcome.is_(None))
        .values(outcome="failed", note="superseded by an operator's command", finished_at=utcnow())
    )
    await conn.execute(
        sa.update(incidents)
        .where(incidents.c.id == incident_id)
        .values(
            status="routing",
            attempt=incidents.c.attempt + 1,
            not_before=utcnow(),
            lease_until=None,
            outcome=None,
            coderun_name=None,
            phase=None,
            timeout_at=None,
            operator_agent=agent.value if agent else None,
            updated_at=utcnow(),
        )
    )


async def find_by_run_key(conn: AsyncConnection, run_key: str) -> dict[str, Any] | None:
    """The incident of a run key (the check run a button was pressed on)."""
    row = (
        await conn.execute(
            sa.select(
                incidents.c.id,
                incidents.c.status,
                incidents.c.agent,
                incidents.c.coderun_name,
                incidents.c.attempt,
                incidents.c.branch,
                incidents.c.signature,
            ).where(incidents.c.run_key == run_key)
        )
    ).first()
    return dict(row._mapping) if row else None
