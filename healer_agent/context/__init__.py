"""Context gathering: Healer as an MCP client of GitHub, Argo CD, Prometheus, Loki, Grafana.

Entry points: :func:`build_gatherer` (``HEALER_CONTEXT__MODE=mcp``) returning a
:class:`ContextGatherer`; :class:`McpPool` (one session per configured server, also behind
``GET /api/status``); :func:`load_mcp_config` / :func:`allowed_tools` for building LLM
toolsets from the same ``mcp_servers.yaml``.
"""

from healer_agent.context.config import McpConfig, ServerConfig, allowed_tools, load_mcp_config
from healer_agent.context.errors import ContextError, McpConfigError, ToolError
from healer_agent.context.gatherer import (
    ContextGatherer,
    build_gatherer,
    build_gatherer_from_config,
)
from healer_agent.context.pool import McpPool
from healer_agent.context.protocols import (
    ContextSource,
    ServerState,
    SourceResult,
    ToolCaller,
    ToolInfo,
)
from healer_agent.context.results import ToolResult

__all__ = [
    "ContextError",
    "ContextGatherer",
    "ContextSource",
    "McpConfig",
    "McpConfigError",
    "McpPool",
    "ServerConfig",
    "ServerState",
    "SourceResult",
    "ToolCaller",
    "ToolError",
    "ToolInfo",
    "ToolResult",
    "allowed_tools",
    "build_gatherer",
    "build_gatherer_from_config",
    "load_mcp_config",
]
