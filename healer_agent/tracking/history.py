"""What happened to a failure: each CodeRun attempt, and each transition of an incident.

Attempts (one row per CodeRun) are the real history a retry prompt states: which agent ran,
how its CodeRun ended, the PR it opened, the commit it pushed. Transitions are rows of
``incident_events`` whose ``kind`` is the state entered, so the lifecycle of any incident
can be read back in order, and insights count held-back, handed-off and timed-out work.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.metrics import Metrics
from healer_agent.store import direct
from healer_agent.store.dialect import as_utc, insert_ignore, utcnow
from healer_agent.store.tables import attempts, incident_events, incidents

FAILED_OUTCOMES = ("failed", "timed_out")


async def transition(
    conn: AsyncConnection, metrics: Metrics, incident_id: str, state: str, **detail: Any
) -> None:
    """Record that an incident entered ``state`` (and why), and count it."""
    await direct.execute(
        conn,
        _TRANSITION,
        {
            "incident_id": incident_id,
            "delivery_id": f"~{state}:{uuid.uuid4().hex}",
            "incident": "",
            "kind": state,
            "detail": json.dumps(detail, default=str),
            "created_at": utcnow(),
        },
    )
    metrics.transitions.labels(state=state).inc()


_TRANSITION = sa.insert(incident_events)
"""Built once, its values parameters: a statement built per call (and its cache key) costs
more CPU than the database spends running it; the dispatch path runs these per incident."""


async def transitions(conn: AsyncConnection, incident_id: str) -> list[dict[str, Any]]:
    """An incident's transitions, oldest first."""
    rows = await conn.execute(
        sa.select(incident_events.c.kind, incident_events.c.detail, incident_events.c.created_at)
        .where(incident_events.c.incident_id == incident_id, incident_events.c.kind != "delivery")
        .order_by(incident_events.c.id)
    )
    return [
        {
            "state": r.kind,
            "at": as_utc(r.created_at).isoformat(),
            **json.loads(r.detail or "{}"),
        }
        for r in rows
    ]


async def transition_counts(conn: AsyncConnection, since: datetime) -> dict[str, int]:
    """Incidents that entered each state since ``since`` (each incident counted once)."""
    rows = await conn.execute(
        sa.select(incident_events.c.kind, sa.func.count(sa.distinct(incident_events.c.incident_id)))
        .where(incident_events.c.kind != "delivery", incident_events.c.created_at >= since)
        .group_by(incident_events.c.kind)
    )
    return {kind: int(n) for kind, n in rows.all()}


# --------------------------------------------------------------------------- attempts


@dataclass(frozen=True, slots=True)
class Attempt:
    """One CodeRun of a failure and how it ended."""

    incident_id: str
    attempt: int
    agent: str
    coderun_name: str
    head_sha: str
    phase: str | None
    outcome: str | None
    pr_url: str | None
    pushed_sha: str | None
    note: str
    started_at: datetime


async def start(
    conn: AsyncConnection,
    *,
    incident_id: str,
    attempt: int,
    repository: str,
    branch: str,
    signature: str | None,
    agent: str,
    coderun_name: str,
    head_sha: str,
) -> None:
    """Record a CodeRun (once per incident and attempt: a re-run of the stage is a no-op)."""
    name = conn.dialect.name
    if name not in _START:
        _START[name] = insert_ignore(conn, attempts)
    await direct.execute(
        conn,
        _START[name],
        {
            "incident_id": incident_id,
            "attempt": attempt,
            "repository": repository,
            "branch": branch,
            "signature": signature,
            "agent": agent,
            "coderun_name": coderun_name,
            "head_sha": head_sha,
            "started_at": utcnow(),
        },
    )


_START: dict[str, Any] = {}
"""The attempt's insert per dialect, built once (see ``_TRANSITION``)."""


async def finish(
    conn: AsyncConnection,
    incident_id: str,
    *,
    outcome: str,
    phase: str | None = None,
    note: str = "",
) -> None:
    """Set the outcome of the incident's open attempt."""
    values: dict[str, Any] = {"outcome": outcome, "finished_at": utcnow()}
    if phase is not None:
        values["phase"] = phase
    if note:  # after what was noted while it ran (reviews)
        values["note"] = sa.func.substr(attempts.c.note + note, 1, 1000)
    await conn.execute(
        sa.update(attempts)
        .where(attempts.c.incident_id == incident_id, attempts.c.outcome.is_(None))
        .values(**values)
    )


async def set_phase(conn: AsyncConnection, incident_id: str, phase: str) -> None:
    """The CodeRun phase last seen for the incident's open attempt."""
    await conn.execute(
        sa.update(attempts)
        .where(attempts.c.incident_id == incident_id, attempts.c.outcome.is_(None))
        .values(phase=phase)
    )


async def note_branch(
    conn: AsyncConnection,
    repository: str,
    branch: str,
    *,
    pushed_sha: str | None = None,
    pr_url: str | None = None,
) -> list[str]:
    """A push or PR on a branch under remediation: attach it to the open attempts there.

    Returns the incidents touched (their remediation changed the branch).
    """
    open_ids = [
        r.id
        for r in await conn.execute(
            sa.select(incidents.c.id).where(
                incidents.c.repository == repository,
                incidents.c.branch == branch,
                incidents.c.status.in_(("dispatched", "verifying")),
            )
        )
    ]
    if not open_ids:
        return []
    values: dict[str, Any] = {}
    if pushed_sha:
        values["pushed_sha"] = pushed_sha
    if pr_url:
        values["pr_url"] = pr_url[:500]
    await conn.execute(
        sa.update(attempts)
        .where(attempts.c.incident_id.in_(open_ids), attempts.c.outcome.is_(None))
        .values(**values)
    )
    return open_ids


async def on_pr(conn: AsyncConnection, pr_url: str, *, note: str | None = None) -> list[str]:
    """Incidents whose open attempt opened this PR (adding ``note`` to each, if given)."""
    match = (attempts.c.pr_url == pr_url[:500], attempts.c.outcome.is_(None))
    ids = [
        r.incident_id for r in await conn.execute(sa.select(attempts.c.incident_id).where(*match))
    ]
    if ids and note:
        await conn.execute(
            sa.update(attempts)
            .where(*match)
            .values(note=sa.func.substr(attempts.c.note + f"{note}; ", 1, 1000))
        )
    return ids


async def of_failure(
    conn: AsyncConnection,
    repository: str,
    branch: str,
    signature: str | None,
    *,
    since: datetime | None = None,
) -> list[Attempt]:
    """Every attempt at this failure (repository, branch, signature), oldest first."""
    params: dict[str, Any] = {"repository": repository, "branch": branch, "signature": signature}
    stmt = _OF_FAILURE[signature is not None, since is not None]
    if since is not None:
        params["since"] = since
    return _attempts(await direct.execute(conn, stmt, params))


def _attempts(found: direct.Rows) -> list[Attempt]:
    return [
        Attempt(
            r["incident_id"],
            r["attempt"],
            r["agent"],
            r["coderun_name"],
            r["head_sha"],
            r["phase"],
            r["outcome"],
            r["pr_url"],
            r["pushed_sha"],
            r["note"],
            as_utc(r["started_at"]),
        )
        for r in found.mappings()
    ]


def _failure(signature: Any) -> tuple[Any, ...]:
    return (
        attempts.c.repository == sa.bindparam("repository", type_=attempts.c.repository.type),
        attempts.c.branch == sa.bindparam("branch", type_=attempts.c.branch.type),
        attempts.c.signature == signature,
    )


def _of_failure(signature: Any, *, since: bool) -> Any:
    stmt = sa.select(attempts).where(*_failure(signature))
    if since:
        stmt = stmt.where(
            attempts.c.started_at > sa.bindparam("since", type_=attempts.c.started_at.type)
        )
    return stmt.order_by(attempts.c.started_at, attempts.c.id)


def _last_fixed(signature: Any) -> Any:
    return sa.select(sa.func.max(attempts.c.finished_at)).where(
        *_failure(signature), attempts.c.outcome == "fixed"
    )


_SIGNATURE = sa.bindparam("signature", type_=attempts.c.signature.type)
_OF_FAILURE = {
    (signed, since): _of_failure(_SIGNATURE if signed else None, since=since)
    for signed in (False, True)
    for since in (False, True)
}
_LAST_FIXED = {signed: _last_fixed(_SIGNATURE if signed else None) for signed in (False, True)}


def _since_last_fix(signature: Any) -> Any:
    fixed = _last_fixed(signature).scalar_subquery()
    return (
        sa.select(attempts)
        .where(*_failure(signature), sa.or_(fixed.is_(None), attempts.c.started_at > fixed))
        .order_by(attempts.c.started_at, attempts.c.id)
    )


_SINCE_LAST_FIX = {
    signed: _since_last_fix(_SIGNATURE if signed else None) for signed in (False, True)
}
"""The loop guard's reads of a failure's attempts, built once (see ``_TRANSITION``); a
failure without a signature is matched by IS NULL, which a parameter cannot say."""


async def last_fixed_at(
    conn: AsyncConnection, repository: str, branch: str, signature: str | None
) -> datetime | None:
    """When this failure was last fixed: attempts before it are another story."""
    stmt = _LAST_FIXED[signature is not None]
    params = {"repository": repository, "branch": branch, "signature": signature}
    value = (await direct.execute(conn, stmt, params)).scalar()
    return as_utc(value) if isinstance(value, datetime) else None


async def since_last_fix(
    conn: AsyncConnection, repository: str, branch: str, signature: str | None
) -> list[Attempt]:
    """The attempts that count against the cap: those after the last fix.

    One statement (the last fix a subquery): the loop guard asks before every dispatch.
    """
    stmt = _SINCE_LAST_FIX[signature is not None]
    params = {"repository": repository, "branch": branch, "signature": signature}
    return _attempts(await direct.execute(conn, stmt, params))


def retry_history(previous: list[Attempt], head_sha: str) -> list[dict[str, Any]]:
    """The earlier attempts as the retry prompt states them (pure).

    Each item: ``attempt`` (1-based across the failure), ``agent``, ``phase`` (the CodeRun's
    last phase), ``result`` (``did not fix it``, ``timed out``, ...), ``pr`` (URL or ""),
    ``commit`` (what the attempt saw), ``changed`` (what changed since: a push by the agent,
    a new head commit, or nothing), ``note``, and ``outcome``: all of it on one line.
    """
    words = {
        "failed": "did not fix it",
        "timed_out": "timed out",
        "fixed": "fixed it",
        "unconfirmed": "no green check confirmed it",
        "escalated": "handed to people",
    }
    out = []
    for n, item in enumerate(previous, start=1):
        if item.pushed_sha and item.pushed_sha[:7] != head_sha[:7]:
            changed = (
                f"the agent pushed {item.pushed_sha[:7]}; the branch is now at "
                f"{head_sha[:7] or 'an unknown commit'}"
            )
        elif item.pushed_sha:
            changed = f"the agent pushed {item.pushed_sha[:7]}, the commit failing now"
        elif item.head_sha and head_sha and item.head_sha[:7] != head_sha[:7]:
            changed = f"the branch moved from {item.head_sha[:7]} to {head_sha[:7]}"
        else:
            changed = "no new commit since this attempt"
        word = words.get(item.outcome or "", item.outcome or "still open")
        phase = item.phase or "unknown"
        pr = f"; PR {item.pr_url}" if item.pr_url else ""
        out.append(
            {
                "attempt": n,
                "agent": item.agent,
                "phase": phase,
                "result": word,
                "pr": item.pr_url or "",
                "commit": item.head_sha[:7],
                "changed": changed,
                "note": item.note,
                # one line for templates that print only the outcome
                "outcome": f"{word} (CodeRun {phase}{pr}; {changed}"
                + (f"; {item.note[:120]}" if item.note else "")
                + ")",
            }
        )
    return out


__all__ = [
    "FAILED_OUTCOMES",
    "Attempt",
    "finish",
    "last_fixed_at",
    "note_branch",
    "of_failure",
    "on_pr",
    "retry_history",
    "set_phase",
    "since_last_fix",
    "start",
    "transition",
    "transition_counts",
    "transitions",
]
