"""Insights: how remediations went, per agent and failure type, and what keeps failing."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.store.dialect import as_utc, utcnow
from healer_agent.store.tables import deliveries, incidents
from healer_agent.tracking.history import transition_counts

_SINCE = re.compile(r"^(\d{1,12})([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
MAX_PERIOD = timedelta(days=3650)


def parse_since(text: str) -> timedelta:
    """``7d``, ``12h``, ``30m`` → a timedelta; ValueError names the expected form."""
    match = _SINCE.match(text.strip())
    if not match:
        raise ValueError(f"invalid --since {text!r}: use a number and s, m, h, d or w (e.g. 7d)")
    amount = int(match.group(1))
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[match.group(2)]
    if amount * seconds > MAX_PERIOD.total_seconds():
        raise ValueError(f"invalid --since {text!r}: at most {MAX_PERIOD.days} days")
    period = timedelta(**{_UNITS[match.group(2)]: amount})
    if period > MAX_PERIOD:
        raise ValueError(f"invalid --since {text!r}: at most {MAX_PERIOD.days} days")
    return period


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 1)


def _group(rows: list[Any], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key) or "-"].append(row)
    out = {}
    for name, items in sorted(groups.items()):
        dispatched = [r for r in items if r.coderun_name]
        fixed = [r for r in items if r.outcome == "fixed"]
        failed = [r for r in items if r.outcome == "failed"]
        ttf = [
            (as_utc(r.resolved_at) - as_utc(r.dispatched_at)).total_seconds()
            for r in fixed
            if r.resolved_at and r.dispatched_at
        ]
        decided = len(fixed) + len(failed)
        out[name] = {
            "remediations": len(dispatched),
            "fixed": len(fixed),
            "failed": len(failed),
            "escalated": sum(r.status == "escalated" for r in items),
            "success_rate": round(len(fixed) / decided, 3) if decided else None,
            "time_to_fix_p50_s": _pct(ttf, 0.5),
            "time_to_fix_p90_s": _pct(ttf, 0.9),
            "attempts": sum(int(r.attempt or 1) for r in dispatched),
        }
    return out


async def insights(conn: AsyncConnection, since: timedelta = timedelta(days=7)) -> dict[str, Any]:
    """The insights report for the period.

    ``loop`` counts incidents that entered each loop state in the period (an incident held
    back three times counts once): held back by admission control, handed off to another
    specialist, timed out, finished without confirmation, failed, escalated, duplicates.
    """
    cutoff: datetime = utcnow() - since
    rows = list(
        (
            await conn.execute(
                sa.select(
                    incidents.c.id,
                    incidents.c.agent,
                    incidents.c.failure_type,
                    incidents.c.status,
                    incidents.c.outcome,
                    incidents.c.coderun_name,
                    incidents.c.dispatched_at,
                    incidents.c.resolved_at,
                    incidents.c.attempt,
                    incidents.c.decided_by,
                    incidents.c.obvious,
                    incidents.c.signature,
                    incidents.c.created_at,
                    incidents.c.operator_agent,
                    incidents.c.dedup_status,
                ).where(incidents.c.created_at >= cutoff)
            )
        ).all()
    )
    events = int(
        await conn.scalar(
            sa.select(sa.func.count())
            .select_from(deliveries)
            .where(deliveries.c.received_at >= cutoff)
        )
        or 0
    )
    duplicates = sum(r.dedup_status == "existing" for r in rows)
    redeliveries = int(
        await conn.scalar(
            sa.select(sa.func.count())
            .select_from(deliveries)
            .where(deliveries.c.received_at >= cutoff, deliveries.c.result.like('%"existing"%'))
        )
        or 0
    )
    decided = [r for r in rows if r.decided_by]
    tiers = Counter(
        ("obvious" if r.obvious else "prerouter") if r.decided_by == "prerouter" else r.decided_by
        for r in decided
    )
    signatures: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        if r.signature:
            signatures[r.signature].append(r)
    top = sorted(signatures.items(), key=lambda kv: len(kv[1]), reverse=True)[:10]
    entered = await transition_counts(conn, cutoff)
    return {
        "since": cutoff.isoformat(),
        "incidents": len(rows),
        "events": events,
        "dedup_ratio": round(max(duplicates, redeliveries) / events, 3) if events else None,
        "by_agent": _group(rows, "agent"),
        "by_failure_type": _group(rows, "failure_type"),
        "decisions_by_tier": {k: round(v / len(decided), 3) for k, v in tiers.items()}
        if decided
        else {},
        "operator_override_rate": round(
            sum(bool(r.operator_agent) for r in decided) / len(decided), 3
        )
        if decided
        else None,
        "loop": {
            "held_back": entered.get("held", 0),
            "handed_off": entered.get("handoff", 0),
            "timed_out": entered.get("timed_out", 0),
            "unconfirmed": entered.get("unconfirmed", 0),
            "failed": entered.get("failed", 0),
            "escalated": entered.get("escalated", 0),
            "duplicates": entered.get("duplicate", 0),
        },
        "top_signatures": [
            {
                "signature": sig,
                "count": len(items),
                "agents": dict(Counter(r.agent for r in items)),
                "first_seen": as_utc(min(r.created_at for r in items)).isoformat(),
                "last_seen": as_utc(max(r.created_at for r in items)).isoformat(),
            }
            for sig, items in top
        ],
    }
