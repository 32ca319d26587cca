"""The one interface every router tier implements."""

from __future__ import annotations

from typing import Protocol

from healer_agent.models import ContextBundle, Incident, RoutingDecision


class Router(Protocol):
    """Decide which specialist gets an incident, from the incident and its context."""

    name: str

    async def route(self, incident: Incident, context: ContextBundle) -> RoutingDecision:
        """Return a decision; never raise for a routable incident."""
        ...
