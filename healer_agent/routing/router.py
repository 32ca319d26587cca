"""Choosing and composing router tiers from settings.

``matrix`` is the design's table; ``prerouter`` the evidence-based rules; ``llm`` and
``full`` add LLM triage for the cases the pre-router does not mark obvious. ``quick_route``
is the synchronous payload-only pre-route that answers the intake request before any
context is gathered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from healer_agent.config import Settings
from healer_agent.models import Agent, ContextBundle, Incident, RoutingDecision
from healer_agent.routing import matrix
from healer_agent.routing.base import Router
from healer_agent.routing.rules import load_rules

QuickRoute = Callable[[Incident, ContextBundle], RoutingDecision]
Memory = Callable[[str], Agent | None]


def build_router(
    settings: Settings,
    memory: Memory | None = None,
    *,
    toolsets: Sequence[Any] | None = None,
    hints: str = "",
) -> Router:
    """The router the worker uses for ``settings.routing.router``.

    ``toolsets`` are the triage model's read-only MCP tools (from the shared context
    runtime); ``memory`` is route memory, which outranks pattern evidence.
    """
    if settings.routing.router == "matrix":
        return matrix.MatrixRouter()
    from healer_agent.routing.prerouter import PreRouter

    prerouter = PreRouter(load_rules(settings.routing.rules_file), memory=memory)
    if settings.routing.router == "prerouter":
        return prerouter
    from healer_agent.routing.triage import build_triage_router

    return build_triage_router(settings, prerouter, toolsets=toolsets, hints=hints)


def build_quick_route(settings: Settings) -> QuickRoute:
    """A pure, fast decision from the payload alone (no context, no LLM)."""
    if settings.routing.router == "matrix":
        return matrix.decide
    from healer_agent.routing.prerouter import PreRouter

    return PreRouter(load_rules(settings.routing.rules_file)).decide
