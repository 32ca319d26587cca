"""The context side of a running Healer: one provider, the triage model's tools, status.

Built once by the composition root from settings and shared by context gathering, LLM
triage and the REPL, so every consumer sees the same sources and, with MCP, the same warm
server processes: the gatherer's sources and the triage toolsets both call through one
:class:`McpPool`. ``start`` and ``aclose`` belong to the application's lifespan; ``start``
opens every server in the background (a slow or broken server never delays start-up, and
the first incident waits for a server only while it is still connecting).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from healer_agent.config import Settings
from healer_agent.ports import ContextProvider, NoContext

if TYPE_CHECKING:
    from healer_agent.context.pool import McpPool
    from healer_agent.metrics import Metrics

log = logging.getLogger(__name__)


@dataclass
class ContextRuntime:
    """What the rest of Healer uses of the context layer."""

    provider: ContextProvider
    mode: str = "none"
    triage_toolsets: Sequence[Any] = ()
    """Read-only MCP tools for the triage model (pydantic-ai toolsets over the shared pool)."""
    triage_hints: str = ""
    """The servers' ``llm_instructions``, for the triage instructions."""
    pool: McpPool | None = None
    """The shared MCP sessions (``mode == "mcp"``), for ``healer mcp check`` and the REPL."""
    _status: Callable[[], dict[str, Any]] | None = field(default=None, repr=False)
    _metrics: Metrics | None = field(default=None, repr=False)
    _warming: asyncio.Task[dict[str, str]] | None = field(default=None, repr=False)

    def bind_metrics(self, metrics: Metrics) -> None:
        """Count every MCP call (server, tool, outcome, latency) on ``metrics``."""
        self._metrics = metrics
        if self.pool is not None:
            self.pool.observer = metrics.observe_mcp
            self.pool.on_health = self._set_up_gauges

    async def start(self, *, wait: bool = False) -> dict[str, str]:
        """Open every MCP server and keep them warm; ``wait`` returns when all have tried.

        Returns ``{server: "ready" | reason}`` when waiting, else ``{}`` at once.
        """
        warm = getattr(self.provider, "warm", None)
        if callable(warm):  # replayed cases index in the background
            warm()
        if self.pool is None:
            return {}
        if self._warming is None:
            self._warming = asyncio.create_task(self.pool.start(), name="mcp-warm-start")
            self._warming.add_done_callback(_log_start)
        if wait:
            return await asyncio.shield(self._warming)
        return {}

    async def aclose(self) -> None:
        """Release sessions and processes."""
        if self._warming is not None and not self._warming.done():
            self._warming.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._warming
        await self.provider.aclose()

    def status(self) -> dict[str, Any]:
        """Per MCP server :class:`ServerState` (phase, calls, errors, latency per tool).

        What ``/api/status`` shows (``ServerState.as_dict`` is its JSON form); it also sets
        the ``healer_mcp_server_up`` gauge, so the two never disagree.
        """
        states = self._status() if self._status is not None else {}
        self._set_up_gauges(states)
        return states

    def _set_up_gauges(self, states: Mapping[str, Any]) -> None:
        if self._metrics is None:
            return
        for name, state in states.items():
            phase = getattr(state, "phase", None)
            self._metrics.mcp_up.labels(server=name).set(1 if phase == "ready" else 0)


def _log_start(task: asyncio.Task[dict[str, str]]) -> None:
    if task.cancelled() or task.exception() is not None:
        return
    for server, outcome in task.result().items():
        if outcome != "ready":
            log.warning("mcp server %s did not start: %s", server, outcome)


def build_context_runtime(settings: Settings, *, metrics: Metrics | None = None) -> ContextRuntime:
    """The runtime ``settings.context.mode`` names (nothing is started until ``start``)."""
    mode = settings.context.mode
    if mode == "replay":
        from healer_agent.context.replay import ReplayProvider

        return ContextRuntime(ReplayProvider.from_dir(settings.context.replay_dir), mode)
    if mode == "mcp":
        from healer_agent.context.config import load_mcp_config
        from healer_agent.context.gatherer import build_gatherer_from_config
        from healer_agent.context.pool import McpPool

        config = load_mcp_config(settings.context.mcp_config)
        pool = McpPool(config, health_interval_s=settings.context.health_interval_s)
        token = settings.github.token.get_secret_value() if settings.github.token else None
        gatherer = build_gatherer_from_config(
            config, github_api_url=settings.github.api_url, github_token=token, pool=pool
        )
        toolsets: Sequence[Any] = ()
        hints = ""
        if settings.triage.mcp and settings.routing.router in ("llm", "full"):
            from healer_agent.context.toolset import pool_toolsets
            from healer_agent.routing.triage_tools import server_hints

            toolsets, hints = pool_toolsets(pool), server_hints(config)

        runtime = ContextRuntime(gatherer, mode, toolsets, hints, pool, pool.status)
        if metrics is not None:
            runtime.bind_metrics(metrics)
        return runtime
    return ContextRuntime(NoContext(), mode)


__all__ = ["ContextRuntime", "build_context_runtime"]
