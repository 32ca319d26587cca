"""Route memory: which specialist fixed a failure signature, or an operator chose for it.

The database is the memory; every replica reads it. The pre-router asks synchronously on
its hot path, so the dispatcher calls ``refresh`` before each decision: one query for the
rows changed since the last one it saw (with an overlap for clocks that disagree across
replicas), so an override or a learned route written by any replica is used by the next
decision anywhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healer_agent.models import Agent
from healer_agent.tracking import records

OVERLAP = timedelta(minutes=5)
"""Rows changed this long before the newest seen are read again (clock skew, late commits)."""


class RouteMemory:
    """Signature → agent, backed by the ``route_memory`` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._routes: dict[str, Agent] = {}
        self._seen: datetime | None = None

    async def load(self) -> None:
        """Read every remembered route."""
        async with self._engine.connect() as conn:
            self._routes = await records.memory_snapshot(conn)
            self._seen = await records.memory_changed_at(conn)

    async def refresh(self) -> None:
        """Read what any replica changed since the last read."""
        async with self._engine.connect() as conn:
            since = self._seen - OVERLAP if self._seen is not None else None
            self._routes.update(await records.memory_snapshot(conn, since))
            self._seen = await records.memory_changed_at(conn) or self._seen

    def get(self, signature: str) -> Agent | None:
        """The remembered agent for ``signature``, as of the last refresh."""
        return self._routes.get(signature)

    async def remember(
        self, conn: AsyncConnection, signature: str, agent: Agent, source: str
    ) -> None:
        """Learn ``agent`` for ``signature`` inside the caller's transaction."""
        await records.remember(conn, signature, agent, source)
        self._routes[signature] = agent

    def __len__(self) -> int:
        return len(self._routes)
