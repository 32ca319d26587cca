"""Opening one MCP transport per configured server (stdio, streamable HTTP, SSE).

A transport factory is a zero-argument callable returning an async context manager that
yields ``(read, write)`` streams, which is what ``ClientSession`` consumes. The pool takes a
mapping of overrides so tests can plug in an in-process server without patching.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

import httpx2
from mcp import StdioServerParameters
from mcp.client.sse import sse_client
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from healer_agent.context.config import ServerConfig

Streams = tuple[Any, Any]
TransportFactory = Callable[[], AbstractAsyncContextManager[Streams]]


def stdio_params(cfg: ServerConfig) -> StdioServerParameters:
    """Spawn parameters; ``env`` is passed explicitly because stdio inherits almost nothing."""
    assert cfg.command is not None  # validated by ServerConfig
    return StdioServerParameters(
        command=cfg.command, args=list(cfg.args), env=dict(cfg.env), cwd=cfg.cwd
    )


def _open_log(log_dir: Path, name: str) -> TextIO:
    log_dir.mkdir(parents=True, exist_ok=True)
    return open(log_dir / f"{name}.stderr.log", "a", encoding="utf-8")


def make_transport(name: str, cfg: ServerConfig, log_dir: Path) -> TransportFactory:
    """The factory for ``cfg.transport``; stdio servers' stderr goes to ``<log_dir>/<name>``."""

    @asynccontextmanager
    async def stdio() -> AsyncIterator[Streams]:
        # FastMCP servers print a banner and Go/Node ones JSON logs on stderr: keep it
        # out of Healer's own output but on disk for debugging.
        with _open_log(log_dir, name) as errlog:
            async with stdio_client(stdio_params(cfg), errlog=errlog) as streams:
                yield streams[0], streams[1]

    @asynccontextmanager
    async def streamable_http() -> AsyncIterator[Streams]:
        assert cfg.url is not None
        timeout = httpx2.Timeout(cfg.timeout_s, read=max(cfg.timeout_s, 300.0))
        async with (
            httpx2.AsyncClient(headers=dict(cfg.headers), timeout=timeout) as client,
            streamable_http_client(cfg.url, http_client=client) as streams,
        ):
            yield streams[0], streams[1]

    @asynccontextmanager
    async def sse() -> AsyncIterator[Streams]:
        assert cfg.url is not None
        async with sse_client(cfg.url, headers=dict(cfg.headers), timeout=cfg.timeout_s) as s:
            yield s[0], s[1]

    return {"stdio": stdio, "streamable-http": streamable_http, "sse": sse}[cfg.transport]


__all__ = ["Streams", "TransportFactory", "make_transport", "stdio_params"]
