"""The seams of the context layer: how sources reach tools, and how sources look.

Sources depend on :class:`ToolCaller`, never on the pool, so a test (or the replay
provider) can hand them any object with ``call``/``list_tools``; the pool is just the
production implementation. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from healer_agent.context.errors import ToolError
from healer_agent.context.results import ToolResult
from healer_agent.models import Incident

ServerPhase = Literal["idle", "connecting", "ready", "backoff", "closed"]


@dataclass(frozen=True)
class ToolInfo:
    """One tool a server offers, as listed (before Healer's allowlist is applied)."""

    name: str
    description: str = ""
    input_schema: Mapping[str, Any] = field(default_factory=dict)
    read_only_hint: bool | None = None


@dataclass(frozen=True)
class ToolStats:
    """Calls of one tool since start: what ``/api/status`` shows next to the metrics."""

    calls: int = 0
    errors: int = 0
    avg_latency_ms: float = 0.0
    last_error: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "calls": self.calls,
            "errors": self.errors,
            "avg_latency_ms": round(self.avg_latency_ms, 1),
            "last_error": self.last_error,
        }


@dataclass(frozen=True)
class ServerState:
    """What ``GET /api/status`` shows for one MCP server."""

    name: str
    phase: ServerPhase
    transport: str
    tools_offered: int = 0
    tools_allowed: int = 0
    missing_tools: tuple[str, ...] = ()
    calls: int = 0
    errors: int = 0
    consecutive_failures: int = 0
    last_error: str = ""
    retry_in_s: float = 0.0
    avg_latency_ms: float = 0.0
    server_info: str = ""
    starts: int = 0
    """Sessions opened so far (1 on a healthy warm pool; more after restarts)."""
    seconds_since_ok: float | None = None
    tools: dict[str, ToolStats] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        """Ready, and its last call (if any) did not fail."""
        return self.phase == "ready" and self.consecutive_failures == 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "phase": self.phase,
            "transport": self.transport,
            "tools_offered": self.tools_offered,
            "tools_allowed": self.tools_allowed,
            "missing_tools": list(self.missing_tools),
            "calls": self.calls,
            "errors": self.errors,
            "consecutive_failures": self.consecutive_failures,
            "last_error": self.last_error,
            "retry_in_s": round(self.retry_in_s, 2),
            "avg_latency_ms": round(self.avg_latency_ms, 1),
            "server_info": self.server_info,
            "starts": self.starts,
            "seconds_since_ok": None
            if self.seconds_since_ok is None
            else round(self.seconds_since_ok, 1),
            "tools": {name: stats.as_dict() for name, stats in self.tools.items()},
        }


@runtime_checkable
class ToolCaller(Protocol):
    """Anything that can call an allowlisted MCP tool (the pool, a fake in tests)."""

    def has_server(self, server: str) -> bool:
        """Whether ``server`` is configured (and enabled)."""
        ...

    async def call(
        self, server: str, tool: str, args: Mapping[str, Any], *, timeout_s: float | None = None
    ) -> ToolResult:
        """Call ``tool``; raise ``ToolError`` on any failure."""
        ...

    async def list_tools(self, server: str) -> tuple[ToolInfo, ...]:
        """Allowlisted tools the server offers (cached)."""
        ...


@dataclass
class SourceResult:
    """What one source found: ContextBundle field updates, plus what went wrong.

    A source that got something keeps it even when other calls failed. The gatherer marks it
    ``ok`` only when no call failed, ``partial`` when some failed and some answered, and
    ``error``/``timeout`` when calls failed and none answered (whatever the source echoed
    from the event itself).
    """

    fields: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """Informational (no PR for this commit, no app matches)."""
    errors: list[str] = field(default_factory=list)
    """Failed calls, one line each."""
    timeouts: int = 0
    succeeded: int = 0
    """Calls that answered; with ``errors`` it decides ok / partial / error."""
    not_configured: bool = False

    @classmethod
    def unconfigured(cls, why: str) -> SourceResult:
        """A source with nothing to ask (no server, no mapping for this repository)."""
        return cls(notes=[why], not_configured=True)

    def failed(self, exc: ToolError) -> None:
        """Record one failed tool call."""
        self.errors.append(f"{exc.tool}: {exc.kind}: {exc.message}"[:300])
        if exc.kind == "timeout":
            self.timeouts += 1


@runtime_checkable
class ContextSource(Protocol):
    """One backend's contribution to an incident's context.

    ``gather`` should catch ``ToolError`` per call and leave a note; anything it lets
    escape is caught by the gatherer and recorded as the source's error.
    """

    name: str
    timeout_s: float | None

    async def gather(self, incident: Incident) -> SourceResult:
        """Ask the backend about ``incident``."""
        ...


__all__ = [
    "ContextSource",
    "ServerPhase",
    "ServerState",
    "SourceResult",
    "ToolCaller",
    "ToolInfo",
    "ToolStats",
]
