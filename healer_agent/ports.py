"""Ports: what the pipeline needs from context sources and CodeRun sinks.

They sit in the core so adapters (MCP, replay, file, Kubernetes) implement them without
importing the pipeline, and the pipeline uses them without importing an adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from healer_agent.models import ContextBundle, Incident, SourceStatus


class ContextProvider(Protocol):
    """Gathers what is known about an incident; never raises, marks failing sources."""

    async def gather(self, incident: Incident) -> ContextBundle:
        """All sources for one incident, each with its status."""
        ...

    async def aclose(self) -> None:
        """Release sessions and processes."""
        ...


class NoContext:
    """The provider for ``HEALER_CONTEXT__MODE=none``: the payload is all Healer knows."""

    async def gather(self, incident: Incident) -> ContextBundle:
        """An empty bundle that says why it is empty."""
        return ContextBundle(sources={"context": SourceStatus(status="not_configured")})

    async def aclose(self) -> None:
        """Nothing to release."""


@dataclass(frozen=True, slots=True)
class SinkResult:
    """What a sink did with a CodeRun manifest."""

    name: str
    created: bool
    """False when a CodeRun of that name already existed (the 409 guard)."""
    location: str = ""


class CodeRunSink(Protocol):
    """Where CodeRuns go: files, stdout, or the Kubernetes API."""

    name: str

    async def create(self, manifest: dict[str, Any]) -> SinkResult:
        """Create the CodeRun unless one of that name exists."""
        ...

    async def phase(self, name: str) -> str | None:
        """The CodeRun's ``status.phase`` (None while unknown)."""
        ...
