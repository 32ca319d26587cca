"""Route memory: which specialist fixed a failure signature, or an operator chose for it.

The pre-router asks it synchronously on its hot path, so reads come from a snapshot taken
at start; every write goes to the database first and then to the snapshot.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healer_agent.models import Agent
from healer_agent.tracking import records


class RouteMemory:
    """Signature → agent, backed by the ``route_memory`` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._routes: dict[str, Agent] = {}

    async def load(self) -> None:
        """Take a snapshot of every remembered route."""
        async with self._engine.connect() as conn:
            self._routes = await records.memory_snapshot(conn)

    def get(self, signature: str) -> Agent | None:
        """The remembered agent for ``signature``, if any."""
        return self._routes.get(signature)

    async def remember(self, conn: AsyncConnection, signature: str, agent: Agent,
                       source: str) -> None:
        """Learn ``agent`` for ``signature`` inside the caller's transaction."""
        await records.remember(conn, signature, agent, source)
        self._routes[signature] = agent

    def __len__(self) -> int:
        return len(self._routes)
