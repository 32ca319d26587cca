"""What ``/api/status`` and ``healer status`` report.

Queues, incidents, dead rows, sources, and admission control: CodeRuns in flight,
held-back work and why, open breakers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.store import inbox, incidents
from healer_agent.store.dialect import utcnow
from healer_agent.store.tables import incidents as incidents_table
from healer_agent.tracking import admission, commands


class StatusReport:
    """Reads the store and the context runtime; holds no state of its own."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        worker_id: str,
        sink: str,
        context_mode: str,
        context_status: Callable[[], Mapping[str, Any]],
        config: Mapping[str, Any],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._worker_id = worker_id
        self._sink = sink
        self._context_mode = context_mode
        self._context_status = context_status
        self._config = dict(config)

    async def __call__(self) -> dict[str, Any]:
        """The report (raises the store's errors: the caller answers 503)."""
        async with self._engine.connect() as conn:
            inbox_counts = await inbox.counts(conn)
            incident_counts = await incidents.counts(conn)
            dead = await inbox.dead(conn)
            age = await incidents.oldest_waiting_age_s(conn)
            held = await _held(conn)
            flying = await admission.in_flight(conn, self._clock())
            breakers = await admission.open_breakers(conn)
            waiting_commands = await commands.pending(conn)
        sources = {name: _plain(state) for name, state in self._context_status().items()}
        return {
            "status": "running",
            "worker": self._worker_id,
            "queue": {
                "inbox": inbox_counts,
                "waiting_for_routing": incident_counts.get("routing", 0),
                "oldest_waiting_s": round(age, 1),
            },
            "incidents": incident_counts,
            "active_remediations": incident_counts.get("dispatched", 0),
            "admission": {
                "in_flight": flying,
                "max_in_flight": self._config.get("max_in_flight"),
                "max_in_flight_per_repo": self._config.get("max_in_flight_per_repo"),
                "held": sum(item["count"] for item in held),
                "held_back": held,
                "open_breakers": breakers,
            },
            "verifying": incident_counts.get("verifying", 0),
            "commands_pending": waiting_commands,
            "dead": dead,
            "sink": self._sink,
            "context": self._context_mode,
            "mcp_servers": sources,
            "config": self._config,
        }


async def _held(conn: Any) -> list[dict[str, Any]]:
    """Held-back work grouped by repository and reason, oldest first."""
    c = incidents_table.c
    rows = await conn.execute(
        sa.select(c.repository, c.reason, sa.func.count(), sa.func.min(c.created_at))
        .where(c.status == "held")
        .group_by(c.repository, c.reason)
        .order_by(sa.func.min(c.created_at))
        .limit(50)
    )
    return [
        {"repository": repo, "reason": reason.removeprefix("held back: "), "count": int(n)}
        for repo, reason, n, _oldest in rows.all()
    ]


def _plain(value: Any) -> Any:
    """A dataclass or pydantic state as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    dump = getattr(value, "model_dump", None)
    return dump(mode="json") if callable(dump) else value
