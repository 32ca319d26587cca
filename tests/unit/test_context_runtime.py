"""The warm pool as the rest of Healer uses it: triage tools over the shared sessions (no
process per triage run, a down server costs only its tools), start/supervision (a dead
server is reopened by the health check), and status and metrics that agree."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp.client._memory import InMemoryTransport
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError as ServerToolError
from mcp_types import ToolAnnotations
from prometheus_client import CollectorRegistry
from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from healer_agent.config import Settings
from healer_agent.context.config import parse_config
from healer_agent.context.pool import McpPool
from healer_agent.context.replay_server import replay_config
from healer_agent.context.runtime import build_context_runtime
from healer_agent.context.toolset import pool_toolsets
from healer_agent.context.transports import Streams
from healer_agent.logs import redact
from healer_agent.metrics import Metrics
from healer_agent.routing.triage_tools import LogBook, TriageDeps

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "mcp"
CASE = FIX / "case-argocd-degraded.yaml"


def _server() -> MCPServer:
    server = MCPServer("argo")

    @server.tool(annotations=ToolAnnotations(readOnlyHint=True), structured_output=False)
    def get_app(name: str) -> str:
        """Read an app."""
        return json.dumps({"app": name, "health": "Degraded"})

    return server


class Counting:
    """A transport factory that counts how often a session is opened."""

    def __init__(self, server: MCPServer | None) -> None:
        self.server = server
        self.opened = 0

    def __call__(self) -> Any:
        self.opened += 1
        if self.server is None:
            return _refused()
        return InMemoryTransport(self.server)


@asynccontextmanager
async def _refused() -> AsyncIterator[Streams]:
    raise ConnectionRefusedError("backend process could not start")
    yield  # pragma: no cover


def _pool(transports: dict[str, Counting], **kw: Any) -> McpPool:
    cfg = parse_config(
        {
            "servers": {
                name: {"command": "unused", "tools": ["get_app"], "startup_timeout_s": 2}
                for name in transports
            }
        },
        env={},
    )
    return McpPool(cfg, transports=transports, backoff_base_s=0.05, **kw)


def _script(tool: str) -> FunctionModel:
    def step(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            offered = sorted(t.name for t in info.function_tools)
            return ModelResponse(
                parts=[ToolCallPart(tool, {"name": "web"}), TextPart(json.dumps(offered))]
            )
        return ModelResponse(parts=[TextPart(str(messages[-1].parts[0].content)[:200])])

    return FunctionModel(step)


async def test_triage_runs_share_the_pool_and_start_nothing() -> None:
    argo, gone = Counting(_server()), Counting(None)
    async with _pool({"argo": argo, "gone": gone}) as pool:
        await pool.start(supervise=False)
        assert (argo.opened, gone.opened) == (1, 1)
        outputs = []
        for _ in range(3):
            agent = Agent(
                _script("argo_get_app"), deps_type=TriageDeps, toolsets=pool_toolsets(pool)
            )
            result = await agent.run("triage", deps=TriageDeps(LogBook((), redact), redact))
            outputs.append(result.output)
        # three triage runs, no new session: the warm one answered every call
        assert argo.opened == 1 and pool.status()["argo"].starts == 1
        assert all("Degraded" in out for out in outputs)
        # the down server cost only its own tools (it was not retried inside the backoff)
        assert pool.status()["gone"].phase in ("backoff", "idle")
        assert pool.status()["argo"].tools["get_app"].calls == 3


async def test_a_down_server_offers_no_tools_while_others_work() -> None:
    seen: list[list[str]] = []

    def step(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(sorted(t.name for t in info.function_tools))
        return ModelResponse(parts=[TextPart("done")])

    async with _pool({"argo": Counting(_server()), "gone": Counting(None)}) as pool:
        agent = Agent(FunctionModel(step), deps_type=TriageDeps, toolsets=pool_toolsets(pool))
        await agent.run("triage", deps=TriageDeps(LogBook((), redact), redact))
    assert seen == [["argo_get_app"]]


async def test_health_check_reopens_a_server_that_died(tmp_path: Path) -> None:
    bad = FIX / "bad_server.py"
    cfg = parse_config(
        {
            "servers": {
                "bad": {
                    "command": sys.executable,
                    "args": [str(bad)],
                    "tools": ["ok", "crash"],
                    "timeout_s": 5,
                    "startup_timeout_s": 10,
                }
            }
        },
        env={},
    )
    async with McpPool(cfg, log_dir=tmp_path, backoff_base_s=0.05) as pool:
        assert await pool.start(supervise=False) == {"bad": "ready"}
        with pytest.raises(Exception):  # noqa: B017 - the kind depends on timing
            await pool.call("bad", "crash", {})
        assert pool.status()["bad"].phase != "ready"
        for _ in range(100):  # bounded by the loop, not by a clock
            await asyncio.sleep(0.05)
            await pool.check_health()
            if pool.status()["bad"].phase == "ready":
                break
        state = pool.status()["bad"]
        assert state.phase == "ready" and state.starts == 2
        assert (await pool.call("bad", "ok", {"echo": "back"})).data == {"echo": "back"}


async def test_status_and_metrics_say_the_same() -> None:
    metrics = Metrics(CollectorRegistry())
    async with _pool(
        {"argo": Counting(_server()), "gone": Counting(None)}, observer=metrics.observe_mcp
    ) as pool:
        await pool.call("argo", "get_app", {"name": "a"})
        await pool.call("argo", "get_app", {"name": "b"})
        with pytest.raises(Exception):  # noqa: B017
            await pool.call("gone", "get_app", {"name": "c"})
        status = pool.status()
    registry = metrics.registry

    def value(name: str, **labels: str) -> float:
        return registry.get_sample_value(name, labels) or 0.0

    assert status["argo"].tools["get_app"].calls == 2
    assert value("healer_mcp_calls_total", server="argo", tool="get_app", outcome="ok") == 2
    assert status["gone"].errors == 1
    assert value("healer_mcp_errors_total", server="gone", tool="get_app", kind="unavailable") == 1
    assert value("healer_mcp_call_seconds_count", server="argo", tool="get_app") == 2


async def test_runtime_shares_one_pool_between_context_and_triage(tmp_path: Path) -> None:
    import yaml

    config = replay_config(CASE)
    path = tmp_path / "mcp_servers.yaml"
    path.write_text(
        yaml.safe_dump(
            config.model_dump(
                mode="json", exclude={"servers": {n: {"missing_env"} for n in config.servers}}
            )
        )
    )
    settings = Settings(
        _env_file=None,
        context={"mode": "mcp", "mcp_config": path},  # type: ignore[call-arg]
        routing={"router": "full"},
    )
    metrics = Metrics(CollectorRegistry())
    runtime = build_context_runtime(settings, metrics=metrics)
    try:
        assert await runtime.start(wait=True) == {"replay": "ready"}
        assert runtime.pool is not None
        assert {t.server for t in _pool_toolsets(runtime.triage_toolsets)} == {"replay"}
        bundle = await runtime.provider.gather(_incident())
        assert bundle.argocd and bundle.sources["argocd"].status == "ok"
        (state,) = runtime.status().values()
        assert state.starts == 1 and state.calls > 0
        assert metrics.registry.get_sample_value("healer_mcp_server_up", {"server": "replay"}) == 1
    finally:
        await runtime.aclose()


def _pool_toolsets(toolsets: Any) -> list[Any]:
    """The PoolToolsets inside the guarded, prefixed wrappers."""
    from healer_agent.context.toolset import PoolToolset

    found: list[Any] = []
    for toolset in toolsets:
        toolset.apply(lambda t: found.append(t) if isinstance(t, PoolToolset) else None)
    return found


def _incident() -> Any:
    from healer_agent.models import Incident

    return Incident(
        kind="ci_failure",
        event_type="workflow_job",
        repository="acme/shop",
        run_key="k",
        run_id=777,
        job_ids=(9001,),
        job_names=("deploy",),
        pr_numbers=(42,),
    )


async def test_errors_kept_for_status_are_redacted() -> None:
    server = MCPServer("leaky")

    @server.tool(structured_output=False)
    def get_app(name: str) -> str:
        """Fails the way a backend quoting its URL does."""
        raise ServerToolError("GET https://healer:Zq8vN2xLp4Rt@argocd.internal/api/v1/x: 503")

    async with _pool({"argo": Counting(server)}) as pool:
        with pytest.raises(Exception):  # noqa: B017
            await pool.call("argo", "get_app", {"name": "a"})
        state = pool.status()["argo"]
    assert "503" in state.last_error and "Zq8vN2xLp4Rt" not in state.last_error
    assert "Zq8vN2xLp4Rt" not in state.tools["get_app"].last_error


async def test_closing_while_servers_start_leaves_no_process(tmp_path: Path) -> None:
    bad = FIX / "bad_server.py"
    cfg = parse_config(
        {
            "servers": {
                "slow": {
                    "command": sys.executable,
                    "args": [str(bad), "--hang-start"],
                    "tools": ["ok"],
                    "startup_timeout_s": 30,
                }
            }
        },
        env={},
    )
    pool = McpPool(cfg, log_dir=tmp_path)
    warming = asyncio.create_task(pool.start())
    for _ in range(200):  # until the server process exists (bounded by the loop)
        await asyncio.sleep(0.02)
        if pool.status()["slow"].phase == "connecting":
            break
    warming.cancel()
    with pytest.raises(asyncio.CancelledError):
        await warming
    await pool.aclose()
    assert pool.status()["slow"].phase == "closed"
    alive = [t for t in asyncio.all_tasks() if t.get_name() == "mcp-session-slow" and not t.done()]
    assert alive == []  # the session task (and with it the server process) was reaped
