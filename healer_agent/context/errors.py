"""Errors of the context layer, one tree so callers catch what they expect.

::

    ContextError
    ├── McpConfigError        mcp_servers.yaml is missing, unreadable or invalid
    └── ToolError             one tool call failed; ``kind`` says how:
          refused             the tool is not on the server's allowlist (never sent)
          not_offered         allowlisted, but the connected server does not have it
          unknown_server      no such server in the config
          unavailable         the server could not be started/connected (or is backing off)
          timeout             the call exceeded its deadline
          is_error            the server answered ``is_error=True`` (prometheus, grafana)
          mcp_error           the server raised a JSON-RPC error (server-github on HTTP 4xx)
          error_json          a "successful" result whose JSON is a backend error (argocd-mcp)
          connection_lost     the server died or closed the stream mid-call

The three server error styles collapse into one type so context sources need a single
``except ToolError`` and can still report which style it was in their note.
"""

from __future__ import annotations

from typing import Literal

ToolErrorKind = Literal[
    "refused",
    "not_offered",
    "unknown_server",
    "unavailable",
    "timeout",
    "is_error",
    "mcp_error",
    "error_json",
    "connection_lost",
]


class ContextError(Exception):
    """Base of every error raised by ``healer_agent.context``."""


class McpConfigError(ContextError):
    """The MCP server configuration file cannot be used."""


class ToolError(ContextError):
    """A tool call did not produce a usable result."""

    def __init__(self, server: str, tool: str, kind: ToolErrorKind, message: str) -> None:
        self.server = server
        self.tool = tool
        self.kind: ToolErrorKind = kind
        self.message = message
        super().__init__(f"{server}.{tool}: {kind}: {message}")


__all__ = ["ContextError", "McpConfigError", "ToolError", "ToolErrorKind"]
