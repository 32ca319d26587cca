"""The one interface every router tier implements, and what routing hands downstream."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from healer_agent.models import ContextBundle, Incident, RoutingDecision


class Router(Protocol):
    """Decide which specialist gets an incident, from the incident and its context."""

    name: str

    async def route(self, incident: Incident, context: ContextBundle) -> RoutingDecision:
        """Return a decision; never raise for a routable incident."""
        ...


@dataclass(frozen=True, slots=True)
class Routed:
    """An incident with its context, its decision and its failure signature.

    The signature is what the loop guard counts attempts by and route memory learns from.
    """

    incident: Incident
    context: ContextBundle
    decision: RoutingDecision
    signature: str
