"""Admission control for CodeRuns: caps on what runs at once, and a breaker per repo/agent.

A CodeRun in flight holds a slot: a claim ``slot:global:<n>`` and ``slot:repo:<repo>:<n>``
with ``n`` below the cap. Taking one is the claims table's conditional upsert, so two
replicas can never both hold slot 3, and the cap holds without anyone counting then
writing. A slot is freed when the CodeRun finishes (the incident's claims are released) or,
if nobody notices, when its claim expires. A count per prefix (``store.slotcount``), kept
in the same transactions, says which slot to try, so admission reads the live slots only
when that count says full or its slot is taken.

The circuit breaker counts failed fixes in a row per repository and agent. Past the limit
it opens: that agent's work in that repository is held back until the cool-down has
passed, then one trial is let through (a conditional update, so only one replica wins
it). A fix closes the breaker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.store import claims, direct, slotcount
from healer_agent.store.dialect import as_utc, upsert
from healer_agent.store.tables import breakers, incidents
from healer_agent.store.tables import claims as claims_table

HoldReason = Literal["global_cap", "repo_cap", "breaker"]


@dataclass(frozen=True, slots=True)
class Limits:
    """The caps and the breaker's settings."""

    max_in_flight: int
    max_per_repo: int
    breaker_failures: int
    breaker_cooldown_s: float
    hold_retry_s: float


@dataclass(frozen=True, slots=True)
class Verdict:
    """Admitted, or held back with a reason and when to ask again."""

    admitted: bool
    reason: str = ""
    kind: HoldReason | None = None
    retry_at: datetime | None = None


def _bounds(prefix: str) -> tuple[str, str]:
    """Keys ``prefix:<anything>`` as a range (no LIKE: ``_`` and ``%`` occur in names)."""
    return f"{prefix}:", f"{prefix};"


async def _holders(conn: AsyncConnection, prefix: str, now: datetime) -> dict[str, str]:
    low, high = _bounds(prefix)
    rows = await conn.execute(
        sa.select(claims_table.c.key, claims_table.c.incident_id).where(
            claims_table.c.key >= low, claims_table.c.key < high, claims_table.c.expires_at > now
        )
    )
    return {r.key: r.incident_id for r in rows}


def _live(c: Any = claims_table.c) -> Any:
    return sa.and_(
        c.key >= sa.bindparam("low", type_=c.key.type),
        c.key < sa.bindparam("high", type_=c.key.type),
        c.expires_at > sa.bindparam("now", type_=c.expires_at.type),
    )


_MINE = (
    sa.select(claims_table.c.key)
    .where(
        claims_table.c.incident_id == sa.bindparam("me", type_=claims_table.c.incident_id.type),
        _live(),
    )
    .limit(1)
)
"""The incident's live slot under a prefix, found by the incident's index."""
_COUNT = sa.select(sa.func.count()).where(_live())


async def take_slot(
    conn: AsyncConnection, prefix: str, cap: int, incident_id: str, ttl: timedelta, now: datetime
) -> bool:
    """Hold one of ``cap`` slots under ``prefix`` (idempotent for a holder).

    The prefix's count (``store.slotcount``) says how many are held and so which slot is
    most likely free: slots are taken lowest free first, so with ``held`` held, slot
    ``held``. Only when the count says full, or that slot is taken (one freed out of
    order), are the live slots themselves counted and read, and the count set right. The
    claim's conditional upsert is what guarantees the cap; the counts make refusing and
    finding cheap.
    """
    low, high = _bounds(prefix)
    live = {"low": low, "high": high, "now": now}
    if (await direct.execute(conn, _MINE, {**live, "me": incident_id})).rows:
        return True
    n = await slotcount.count_up(conn, prefix, cap)
    if (
        n is not None
        and await claims.take(conn, f"{prefix}:{n}", incident_id, ttl, now) == incident_id
    ):
        return True
    held = int((await direct.execute(conn, _COUNT, live)).scalar() or 0)
    if held < cap:
        holders = await _holders(conn, prefix, now)
        for k in range(cap):
            key = f"{prefix}:{k}"
            if (
                key not in holders
                and await claims.take(conn, key, incident_id, ttl, now) == incident_id
            ):
                await slotcount.set_count(conn, prefix, held + 1)
                return True
    await slotcount.set_count(conn, prefix, held)
    return False


async def release_slots(conn: AsyncConnection, incident_id: str) -> None:
    """Free the incident's slots (its CodeRun finished) and keep its other claims."""
    await claims.release_slots(conn, incident_id)


async def in_flight(conn: AsyncConnection, now: datetime) -> int:
    """CodeRuns holding a global slot."""
    low, high = _bounds("slot:global")
    counted = await direct.execute(conn, _COUNT, {"low": low, "high": high, "now": now})
    return int(counted.scalar() or 0)


_BREAKER = sa.select(breakers).where(
    breakers.c.repository == sa.bindparam("repository", type_=breakers.c.repository.type),
    breakers.c.agent == sa.bindparam("agent", type_=breakers.c.agent.type),
)
"""The breaker of a repository and agent, built once (admission asks per dispatch)."""


async def admit(
    conn: AsyncConnection,
    limits: Limits,
    *,
    incident_id: str,
    repository: str,
    agent: str,
    ttl: timedelta,
    now: datetime,
) -> Verdict:
    """Take the slots and pass the breaker, or say why the work must wait.

    Runs inside the caller's transaction; on a refusal, slots taken here are given back.
    """
    retry = now + timedelta(seconds=limits.hold_retry_s)
    found = await direct.execute(conn, _BREAKER, {"repository": repository, "agent": agent})
    row = found.mappings()[0] if found.rows else None
    opened_at = row["opened_at"] if row is not None else None
    failures = row["failures"] if row is not None else 0
    opened = as_utc(opened_at)
    cooldown = timedelta(seconds=limits.breaker_cooldown_s)
    if opened is not None and now < opened + cooldown:
        return Verdict(
            False,
            f"circuit breaker open for {agent} on {repository} after "
            f"{failures} failed fixes in a row (trial at "
            f"{(opened + cooldown).isoformat()})",
            "breaker",
            opened + cooldown,
        )
    if not await take_slot(conn, "slot:global", limits.max_in_flight, incident_id, ttl, now):
        return Verdict(
            False,
            f"{limits.max_in_flight} CodeRuns already in flight (global cap)",
            "global_cap",
            retry,
        )
    if not await take_slot(
        conn, f"slot:repo:{repository}", limits.max_per_repo, incident_id, ttl, now
    ):
        await release_slots(conn, incident_id)
        return Verdict(
            False,
            f"{limits.max_per_repo} CodeRuns already in flight in {repository} (repository cap)",
            "repo_cap",
            retry,
        )
    if opened is not None:  # half-open: exactly one trial wins the re-arm
        won = await conn.execute(
            sa.update(breakers)
            .where(
                breakers.c.repository == repository,
                breakers.c.agent == agent,
                breakers.c.opened_at == opened_at,
            )
            .values(opened_at=now, updated_at=now)
        )
        if won.rowcount != 1:
            await release_slots(conn, incident_id)
            return Verdict(
                False,
                f"another trial of {agent} on {repository} is running",
                "breaker",
                now + cooldown,
            )
    return Verdict(True)


async def record_result(
    conn: AsyncConnection,
    limits: Limits,
    *,
    repository: str,
    agent: str,
    fixed: bool,
    now: datetime,
) -> bool:
    """Count a fix (closes the breaker) or a failed fix; True when this opened it."""
    stmt = upsert(conn, breakers).values(
        repository=repository,
        agent=agent,
        failures=0 if fixed else 1,
        opened_at=None,
        updated_at=now,
    )
    if fixed:
        stmt = stmt.on_conflict_do_update(
            index_elements=[breakers.c.repository, breakers.c.agent],
            set_={"failures": 0, "opened_at": None, "updated_at": now},
        )
        await conn.execute(stmt)
        return False
    stmt = stmt.on_conflict_do_update(
        index_elements=[breakers.c.repository, breakers.c.agent],
        set_={"failures": breakers.c.failures + 1, "updated_at": now},
    )
    await conn.execute(stmt)
    opened = await conn.execute(
        sa.update(breakers)
        .where(
            breakers.c.repository == repository,
            breakers.c.agent == agent,
            breakers.c.failures >= limits.breaker_failures,
        )
        .values(opened_at=now)
    )
    return opened.rowcount == 1


async def open_breakers(conn: AsyncConnection) -> list[dict[str, Any]]:
    """Breakers that are open (or half-open), for ``healer status``."""
    rows = await conn.execute(sa.select(breakers).where(breakers.c.opened_at.is_not(None)))
    return [
        {
            "repository": r.repository,
            "agent": r.agent,
            "failures": r.failures,
            "opened_at": as_utc(r.opened_at).isoformat(),
        }
        for r in rows
    ]


async def wake_held(conn: AsyncConnection, repository: str, count: int = 4) -> None:
    """A slot was freed: the oldest held work (of this repository first) asks again now."""
    c = incidents.c
    ids = [
        r.id
        for r in await conn.execute(
            sa.select(c.id)
            .where(c.status == "held", c.repository == repository)
            .order_by(c.created_at)
            .limit(count)
        )
    ]
    ids += [
        r.id
        for r in await conn.execute(
            sa.select(c.id).where(c.status == "held").order_by(c.created_at).limit(count)
        )
    ]
    if ids:  # due at once (queue times are the store's, not the loop's injected clock)
        await conn.execute(sa.update(incidents).where(c.id.in_(set(ids))).values(not_before=None))


async def held_counts(conn: AsyncConnection) -> dict[str, int]:
    """Held-back incidents by repository."""
    rows = await conn.execute(
        sa.select(incidents.c.repository, sa.func.count())
        .where(incidents.c.status == "held")
        .group_by(incidents.c.repository)
    )
    return {repo: int(n) for repo, n in rows.all()}


__all__ = [
    "HoldReason",
    "Limits",
    "Verdict",
    "admit",
    "held_counts",
    "in_flight",
    "open_breakers",
    "record_result",
    "release_slots",
    "take_slot",
    "wake_held",
]
