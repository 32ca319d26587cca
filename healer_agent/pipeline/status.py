"""What ``/api/status`` and ``healer status`` report: queues, incidents, dead rows, sources."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.store import inbox, incidents


class StatusReport:
    """Reads the store and the context runtime; holds no state of its own."""

    def __init__(self, engine: AsyncEngine, *, worker_id: str, sink: str, context_mode: str,
                 context_status: Callable[[], Mapping[str, Any]],
                 config: Mapping[str, Any]) -> None:
        self._engine = engine
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
        sources = {name: _plain(state) for name, state in self._context_status().items()}
        return {
            "status": "running",
            "worker": self._worker_id,
            "queue": {"inbox": inbox_counts,
                      "waiting_for_routing": incident_counts.get("routing", 0),
                      "oldest_waiting_s": round(age, 1)},
            "incidents": incident_counts,
            "active_remediations": incident_counts.get("dispatched", 0),
            "dead": dead,
            "sink": self._sink,
            "context": self._context_mode,
            "mcp_servers": sources,
            "config": self._config,
        }


def _plain(value: Any) -> Any:
    """A dataclass or pydantic state as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    dump = getattr(value, "model_dump", None)
    return dump(mode="json") if callable(dump) else value
