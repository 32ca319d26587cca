"""The context side of a running Healer: one provider, the triage model's tools, status.

Built once by the composition root from settings and shared by context gathering, LLM
triage and the REPL, so every consumer sees the same sources (and, with MCP, the same
server processes). ``start`` and ``aclose`` belong to the application's lifespan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from healer_agent.config import Settings
from healer_agent.ports import ContextProvider, NoContext


@dataclass
class ContextRuntime:
    """What the rest of Healer uses of the context layer."""

    provider: ContextProvider
    mode: str = "none"
    triage_toolsets: Sequence[Any] = ()
    """Read-only MCP tools for the triage model (pydantic-ai toolsets)."""
    triage_hints: str = ""
    """The servers' ``llm_instructions``, for the triage instructions."""
    _status: Callable[[], dict[str, Any]] | None = field(default=None, repr=False)

    async def start(self) -> None:
        """Warm up what can be warmed, without holding up start-up (replay indexes later)."""
        warm = getattr(self.provider, "warm", None)
        if callable(warm):
            warm()

    async def aclose(self) -> None:
        """Release sessions and processes."""
        await self.provider.aclose()

    def status(self) -> dict[str, Any]:
        """Per-source (per MCP server) state for ``/api/status`` and ``healer status``."""
        return self._status() if self._status is not None else {}


def build_context_runtime(settings: Settings) -> ContextRuntime:
    """The runtime ``settings.context.mode`` names."""
    mode = settings.context.mode
    if mode == "replay":
        from healer_agent.context.replay import ReplayProvider

        return ContextRuntime(ReplayProvider.from_dir(settings.context.replay_dir), mode)
    if mode == "mcp":
        from healer_agent.context.config import load_mcp_config
        from healer_agent.context.gatherer import build_gatherer

        gatherer = build_gatherer(settings)
        toolsets: Sequence[Any] = ()
        hints = ""
        if settings.triage.mcp and settings.routing.router in ("llm", "full"):
            from healer_agent.routing.triage_tools import mcp_toolsets, server_hints

            config = load_mcp_config(settings.context.mcp_config)
            toolsets, hints = mcp_toolsets(config), server_hints(config)
        return ContextRuntime(gatherer, mode, toolsets, hints, gatherer.status)
    return ContextRuntime(NoContext(), mode)
