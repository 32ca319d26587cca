"""The triage model's MCP tools, served by the shared pool (no process of their own).

A :class:`PoolToolset` lists one server's allowlisted tools from the pool (schemas already
stripped of ``strip_params``) and sends every call through :meth:`McpPool.call`, so the
triage model uses the very sessions context gathering warmed: no spawn per triage run,
the same deadlines, the same allowlist, and the same per-tool metrics. A server that is
down simply offers no tools for that run; the other servers' tools are unaffected.
:func:`pool_toolsets` wraps each in the triage guard (redact, truncate, fence, no repeats)
and prefixes its tools with the server's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pydantic_core
from pydantic_ai import RunContext, ToolDefinition, ToolFailed
from pydantic_ai.toolsets import AbstractToolset
from pydantic_ai.toolsets.abstract import ToolsetTool

from healer_agent.context.config import McpConfig
from healer_agent.context.errors import ToolError
from healer_agent.context.pool import McpPool
from healer_agent.context.protocols import ToolCaller, ToolInfo
from healer_agent.context.transports import TransportFactory
from healer_agent.routing.triage_tools import GuardedToolset, TriageDeps

_ARGS = pydantic_core.SchemaValidator(
    pydantic_core.core_schema.dict_schema(
        pydantic_core.core_schema.str_schema(), pydantic_core.core_schema.any_schema()
    )
)


class PoolToolset(AbstractToolset[Any]):
    """One MCP server's read-only tools for a pydantic-ai agent, through the pool."""

    def __init__(
        self,
        pool: ToolCaller,
        server: str,
        *,
        require_read_only_hint: bool = False,
        max_retries: int = 1,
    ) -> None:
        self._pool = pool
        self._server = server
        self._require_hint = require_read_only_hint
        self._max_retries = max_retries

    @property
    def id(self) -> str | None:
        """The server's name (unique per agent)."""
        return self._server

    @property
    def server(self) -> str:
        """The MCP server this toolset reads."""
        return self._server

    def _visible(self, tool: ToolInfo) -> bool:
        # The pool already applied the allowlist; a tool its server says writes still goes.
        if tool.read_only_hint is False:
            return False
        return tool.read_only_hint is True or not self._require_hint

    async def get_tools(self, ctx: RunContext[Any]) -> dict[str, ToolsetTool[Any]]:
        """The server's allowlisted tools; none while the server is down."""
        try:
            listed = await self._pool.list_tools(self._server)
        except ToolError:
            return {}
        tools: dict[str, ToolsetTool[Any]] = {}
        for info in listed:
            if not self._visible(info):
                continue
            schema = dict(info.input_schema) or {"type": "object", "properties": {}}
            tool_def = ToolDefinition(
                name=info.name,
                description=info.description or None,
                parameters_json_schema=schema,
                metadata={
                    "annotations": {"readOnlyHint": info.read_only_hint},
                    "server": self._server,
                },
            )
            tools[info.name] = ToolsetTool(
                toolset=self, tool_def=tool_def, max_retries=self._max_retries, args_validator=_ARGS
            )
        return tools

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[Any], tool: ToolsetTool[Any]
    ) -> Any:
        """Call through the pool; a failed call is shown to the model, not raised."""
        try:
            result = await self._pool.call(self._server, name, tool_args)
        except ToolError as exc:
            raise ToolFailed(f"{exc.kind}: {exc.message}") from exc
        return result.data


def pool_toolsets(pool: McpPool) -> list[AbstractToolset[TriageDeps]]:
    """One guarded, server-prefixed toolset per enabled server with a non-empty allowlist.

    Every call goes through ``pool`` (the running Healer's shared sessions): the allowlist,
    ``strip_params``, deadlines and metrics are the pool's, and no process is started here.
    """
    out: list[AbstractToolset[TriageDeps]] = []
    for name, server in pool.config.enabled_servers().items():
        if not server.tools:
            continue
        toolset = PoolToolset(pool, name, require_read_only_hint=server.require_read_only_hint)
        out.append(GuardedToolset(toolset.prefixed(name)))
    return out


def _in_process(client: Any) -> TransportFactory:
    """A pool transport for an in-process server (tests).

    ``client`` is an SDK server, or a fastmcp ``FastMCPTransport`` wrapping one.
    """
    from mcp.client._memory import InMemoryTransport

    server = getattr(client, "server", client)
    return lambda: InMemoryTransport(server)


def mcp_toolsets(
    config: McpConfig, *, clients: Mapping[str, Any] | None = None
) -> list[AbstractToolset[TriageDeps]]:
    """Toolsets over a pool of their own, for callers without a running Healer (tests, evals).

    ``clients`` replaces a server's transport with an in-process server (or a fastmcp
    ``FastMCPTransport`` of one). A
    running Healer passes ``ContextRuntime.triage_toolsets`` instead, which share its pool.
    """
    transports = {name: _in_process(client) for name, client in (clients or {}).items()}
    return pool_toolsets(McpPool(config, transports=transports))


__all__ = ["PoolToolset", "mcp_toolsets", "pool_toolsets"]
