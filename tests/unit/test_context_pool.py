from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp.client._memory import InMemoryTransport
from mcp.server.mcpserver import MCPServer

from healer_agent.context.config import parse_config
from healer_agent.context.errors import ToolError
from healer_agent.context.pool import McpPool

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "mcp" / "bad_server.py"


def _server(calls: list[dict[str, Any]]) -> MCPServer:
    s = MCPServer("inproc")

    @s.tool(structured_output=False)
    def get(name: str, argocdBaseUrl: str = "") -> str:
        calls.append({"name": name, "argocdBaseUrl": argocdBaseUrl})
        return json.dumps({"name": name, "lines": ["x" * 100] * 200})

    @s.tool(structured_output=False)
    async def slow() -> str:
        await asyncio.sleep(30)
        return "late"

    @s.tool(structured_output=False)
    def delete_everything() -> str:
        calls.append({"deleted": True})
        return "gone"

    return s


class Clock:
    """A clock the test moves: backoff expires when the test says so, not after a sleep."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _pool(calls: list[dict[str, Any]], clock: Clock | None = None, **server: Any) -> McpPool:
    cfg = parse_config(
        {
            "servers": {
                "s": {
                    "command": "unused",
                    "tools": ["get", "slow", "ghost"],
                    "strip_params": ["argocdBaseUrl"],
                    "timeout_s": 10,
                    "max_output_tokens": 200,
                    **server,
                }
            }
        },
        env={},
    )
    srv = _server(calls)
    return McpPool(
        cfg,
        transports={"s": lambda: InMemoryTransport(srv)},
        backoff_base_s=0.2,
        clock=clock or Clock(),
    )


async def test_call_strips_params_and_trims() -> None:
    calls: list[dict[str, Any]] = []
    async with _pool(calls) as pool:
        res = await pool.call("s", "get", {"name": "a", "argocdBaseUrl": "http://evil"})
        assert calls == [{"name": "a", "argocdBaseUrl": ""}]
        assert res.data["name"] == "a" and res.truncated and res.size_tokens <= 200
        tools = await pool.list_tools("s")
        assert {t.name for t in tools} == {"get", "slow"}
        get = next(t for t in tools if t.name == "get")
        assert "argocdBaseUrl" not in get.input_schema["properties"]


async def test_tool_outside_allowlist_is_never_sent() -> None:
    calls: list[dict[str, Any]] = []
    async with _pool(calls) as pool:
        with pytest.raises(ToolError) as info:
            await pool.call("s", "delete_everything", {})
        assert info.value.kind == "refused"
        with pytest.raises(ToolError) as info:
            await pool.call("s", "ghost", {})
        assert info.value.kind == "not_offered"
        with pytest.raises(ToolError) as info:
            await pool.call("nope", "get", {})
        assert info.value.kind == "unknown_server"
    assert calls == []


async def test_timeout_backoff_then_reopen() -> None:
    calls: list[dict[str, Any]] = []
    clock = Clock()
    async with _pool(calls, clock) as pool:
        with pytest.raises(ToolError) as info:
            await pool.call("s", "slow", {}, timeout_s=0.3)
        assert info.value.kind == "timeout" and "0.3s" in info.value.message
        state = pool.status()["s"]
        assert state.phase == "backoff" and state.consecutive_failures == 1
        with pytest.raises(ToolError) as info:
            await pool.call("s", "get", {"name": "b"})
        assert info.value.kind == "unavailable" and "backing off 0.2s" in info.value.message
        clock.now += 0.25  # the backoff has passed
        assert (await pool.call("s", "get", {"name": "c"})).data["name"] == "c"
        state = pool.status()["s"]
        assert state.phase == "ready" and state.consecutive_failures == 0
        # the call refused while backing off is an error of that server (its source lost it)
        assert state.calls == 3 and state.errors == 2
        assert state.tools["slow"].errors == 1 and state.tools["get"].calls == 2
        assert state.tools["get"].errors == 1
    assert pool.status()["s"].phase == "closed"


async def test_concurrency_limit_is_per_server() -> None:
    calls: list[dict[str, Any]] = []
    running = 0
    peak = 0
    s = MCPServer("c")

    @s.tool(structured_output=False)
    async def get(name: str) -> str:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.05)
        running -= 1
        return "{}"

    cfg = parse_config(
        {"servers": {"s": {"command": "x", "tools": ["get"], "max_concurrency": 2}}}, env={}
    )
    async with McpPool(cfg, transports={"s": lambda: InMemoryTransport(s)}) as pool:
        await asyncio.gather(*(pool.call("s", "get", {"name": str(i)}) for i in range(6)))
    assert peak == 2 and calls == []


def _bad_pool(tmp_path: Path, *args: str, timeout: float = 15.0) -> McpPool:
    cfg = parse_config(
        {
            "servers": {
                "bad": {
                    "command": sys.executable,
                    "args": [str(BAD), *args],
                    "tools": ["ok", "hang", "crash", "fail", "rpc_fail", "error_body"],
                    "timeout_s": timeout,
                    "startup_timeout_s": 30,
                    "error_json_keys": ["error", "code"],
                }
            }
        },
        env={},
    )
    return McpPool(cfg, log_dir=tmp_path, backoff_base_s=0.1)


async def test_three_error_styles_map_to_tool_error(tmp_path: Path) -> None:
    async with _bad_pool(tmp_path) as pool:
        kinds = {}
        for tool in ("fail", "rpc_fail", "error_body"):
            with pytest.raises(ToolError) as info:
                await pool.call("bad", tool, {})
            kinds[tool] = info.value.kind
        assert kinds == {"fail": "is_error", "rpc_fail": "mcp_error", "error_body": "error_json"}
        # tool errors do not break the session
        assert (await pool.call("bad", "ok", {"echo": "x"})).data == {"echo": "x"}
        assert pool.status()["bad"].phase == "ready"
    assert (tmp_path / "bad.stderr.log").exists()


async def test_crash_mid_call_then_recovers(tmp_path: Path) -> None:
    async with _bad_pool(tmp_path) as pool:
        with pytest.raises(ToolError) as info:
            await pool.call("bad", "crash", {})
        assert info.value.kind in ("connection_lost", "timeout")
        await asyncio.sleep(0.15)
        assert (await pool.call("bad", "ok", {})).data == {"echo": "hi"}


async def test_hung_stdio_server_honours_timeout(tmp_path: Path) -> None:
    async with _bad_pool(tmp_path, timeout=0.5) as pool:
        with pytest.raises(ToolError) as info:
            await pool.call("bad", "hang", {})
        assert info.value.kind == "timeout" and "0.5s" in info.value.message


async def test_hung_handshake_is_unavailable(tmp_path: Path) -> None:
    cfg = parse_config(
        {
            "servers": {
                "bad": {
                    "command": sys.executable,
                    "args": [str(BAD), "--hang-start"],
                    "tools": ["ok"],
                    "startup_timeout_s": 0.5,
                }
            }
        },
        env={},
    )
    async with McpPool(cfg, log_dir=tmp_path) as pool:
        with pytest.raises(ToolError) as info:
            await pool.call("bad", "ok", {})
        assert info.value.kind == "unavailable" and "start exceeded 0.5s" in info.value.message
        assert pool.status()["bad"].phase == "backoff"
