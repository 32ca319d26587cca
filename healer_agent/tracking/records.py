"""Tracking queries: outcomes, attempts per failure, escalations and route memory."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.models import Agent
from healer_agent.store import claims
from healer_agent.store.dialect import as_utc, upsert, utcnow
from healer_agent.store.tables import escalations, incidents, route_memory


async def open_on_branch(conn: AsyncConnection, repository: str, branch: str,
                         before: datetime | None = None) -> list[dict[str, Any]]:
    """Dispatched remediations of a branch still waiting for their outcome."""
    stmt = sa.select(incidents.c.id, incidents.c.agent, incidents.c.signature,
                     incidents.c.dispatched_at).where(
        incidents.c.repository == repository, incidents.c.branch == branch,
        incidents.c.status == "dispatched")
    rows = (await conn.execute(stmt)).all()
    out = []
    for row in rows:
        dispatched = as_utc(row.dispatched_at)
        if before is None or dispatched is None or dispatched <= before:
            out.append({"id": row.id, "agent": row.agent, "signature": row.signature,
                        "dispatched_at": dispatched})
    return out


async def close(conn: AsyncConnection, incident_id: str, outcome: str, *,
                reason: str = "") -> float | None:
    """Record an outcome and free the claims; returns the time to fix in seconds."""
    row = (await conn.execute(sa.select(incidents.c.dispatched_at).where(
        incidents.c.id == incident_id))).first()
    now = utcnow()
    dispatched = as_utc(row.dispatched_at) if row else None
    await conn.execute(sa.update(incidents).where(incidents.c.id == incident_id).values(
        status=outcome, outcome=outcome, resolved_at=now, updated_at=now,
        reason=sa.func.coalesce(incidents.c.reason, "") + (f" | {reason}" if reason else "")))
    await claims.release_all(conn, incident_id)
    return (now - dispatched).total_seconds() if dispatched else None


async def prior_attempts(conn: AsyncConnection, repository: str, branch: str, signature: str,
                         exclude: str) -> int:
    """Remediations dispatched for this repo, branch and signature since it was last fixed.

    A fix resets the count: the same failure weeks later is a new problem, not a loop.
    """
    same = (incidents.c.repository == repository, incidents.c.branch == branch,
            incidents.c.signature == signature, incidents.c.id != exclude)
    last_fix = await conn.scalar(sa.select(sa.func.max(incidents.c.resolved_at)).where(
        *same, incidents.c.outcome == "fixed"))
    stmt = sa.select(sa.func.count()).select_from(incidents).where(
        *same, incidents.c.coderun_name.is_not(None),
        incidents.c.status.in_(("dispatched", "failed")))
    if last_fix is not None:
        stmt = stmt.where(incidents.c.dispatched_at > last_fix)
    return int(await conn.scalar(stmt) or 0)


async def record_escalation(conn: AsyncConnection, *, incident_id: str, repository: str,
                            branch: str, signature: str | None, attempts: int, reason: str,
                            channels: dict[str, Any]) -> None:
    """Store an escalation (once per incident)."""
    stmt = upsert(conn, escalations).values(
        incident_id=incident_id, repository=repository, branch=branch, signature=signature,
        attempts=attempts, reason=reason, channels=json.dumps(channels), created_at=utcnow())
    await conn.execute(stmt.on_conflict_do_nothing(index_elements=[escalations.c.incident_id]))


async def list_escalations(conn: AsyncConnection, limit: int = 50) -> list[dict[str, Any]]:
    """Newest escalations first."""
    rows = await conn.execute(sa.select(escalations).order_by(escalations.c.id.desc())
                              .limit(limit))
    out = []
    for row in rows:
        data = dict(row._mapping)
        data["channels"] = json.loads(data["channels"] or "{}")
        data["created_at"] = as_utc(data["created_at"]).isoformat()  # type: ignore[union-attr]
        out.append(data)
    return out


async def remember(conn: AsyncConnection, signature: str, agent: Agent, source: str) -> None:
    """Learn that ``agent`` is right for ``signature`` (a fix, or an operator's choice)."""
    stmt = upsert(conn, route_memory).values(signature=signature, agent=agent.value,
                                             source=source, count=1, updated_at=utcnow())
    stmt = stmt.on_conflict_do_update(
        index_elements=[route_memory.c.signature],
        set_={"agent": stmt.excluded.agent, "source": stmt.excluded.source,
              "count": route_memory.c.count + 1, "updated_at": stmt.excluded.updated_at})
    await conn.execute(stmt)


async def memory_snapshot(conn: AsyncConnection) -> dict[str, Agent]:
    """All remembered routes."""
    rows = await conn.execute(sa.select(route_memory.c.signature, route_memory.c.agent))
    return {r.signature: Agent(r.agent) for r in rows}


@dataclass(frozen=True, slots=True)
class OpenCodeRun:
    """A dispatched remediation whose CodeRun has not been seen to finish."""

    incident_id: str
    coderun_name: str
    agent: str | None


async def open_coderuns(conn: AsyncConnection, *, after: str | None,
                        limit: int) -> list[OpenCodeRun]:
    """One page of open CodeRuns in id order (keyset paging: every one is seen)."""
    stmt = (sa.select(incidents.c.id, incidents.c.coderun_name, incidents.c.agent)
            .where(incidents.c.status == "dispatched", incidents.c.coderun_name.is_not(None))
            .order_by(incidents.c.id).limit(limit))
    if after is not None:
        stmt = stmt.where(incidents.c.id > after)
    return [OpenCodeRun(r.id, r.coderun_name, r.agent) for r in await conn.execute(stmt)]


async def latest_for(conn: AsyncConnection, repository: str, *, pr_numbers: tuple[int, ...],
                     branch: str, scan: int = 200) -> dict[str, Any] | None:
    """The newest remediable incident of a PR (by number) or else of a branch."""
    rows = await conn.execute(
        sa.select(incidents.c.id, incidents.c.status, incidents.c.agent,
                  incidents.c.coderun_name, incidents.c.attempt, incidents.c.incident,
                  incidents.c.branch)
        .where(incidents.c.repository == repository,
               incidents.c.kind.in_(("ci_failure", "security_alert")))
        .order_by(incidents.c.created_at.desc()).limit(scan))
    for row in rows:
        stored = json.loads(row.incident)
        if pr_numbers and set(pr_numbers) & set(stored.get("pr_numbers") or ()):
            return dict(row._mapping)
        if branch and row.branch == branch:
            return dict(row._mapping)
    return None


async def requeue(conn: AsyncConnection, incident_id: str, agent: Agent | None) -> None:
    """Queue an incident for another attempt (ChatOps retry/fix), freeing its claims."""
    await claims.release_all(conn, incident_id)
    await conn.execute(sa.update(incidents).where(incidents.c.id == incident_id).values(
        status="routing", attempt=incidents.c.attempt + 1, not_before=utcnow(),
        lease_until=None, outcome=None, coderun_name=None,
        operator_agent=agent.value if agent else None, updated_at=utcnow()))
