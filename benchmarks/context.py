"""Context gathering and triage on the warm MCP pool, against the slowest source alone.

What runs: Healer's production context runtime (``build_context_runtime``: one pool, the
production sources, the triage toolsets over the same pool) against the replay MCP server
(a real stdio MCP server serving a labelled case), with backend-like latency injected per
tool so sources differ in cost like real backends do; then the ``full`` router with the
scripted ``test`` triage model, given the runtime's MCP toolsets.

Prints, as a table and a final JSON line:
- cold start: ``runtime.start()`` (spawn + handshake + tool list), and the same for each
  real server package installed under tools/mcp (backends need not be up to start);
- warm: p50 of each source alone, of all sources together, and of context + triage;
- for contrast, p50 of context + triage when triage opens its own pool per run (what a
  process per triage costs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

# this tree's healer_agent, not the installed one (an editable install may be another tree)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from healer_agent.config import Settings
from healer_agent.context.config import McpConfig, load_mcp_config
from healer_agent.context.errors import ToolError
from healer_agent.context.gatherer import ContextGatherer, build_sources
from healer_agent.context.pool import McpPool
from healer_agent.context.protocols import ToolInfo
from healer_agent.context.replay_server import replay_config
from healer_agent.context.results import ToolResult
from healer_agent.context.runtime import build_context_runtime
from healer_agent.context.toolset import mcp_toolsets
from healer_agent.models import Incident
from healer_agent.routing.router import build_router

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests" / "fixtures" / "mcp" / "case-argocd-degraded.yaml"
# Simulated backend latency per tool (seconds): logs are slow, metrics fast.
LATENCY = {
    "get_job_logs": 0.30,
    "get_application": 0.15,
    "list_applications": 0.05,
    "execute_query": 0.08,
    "query_loki_logs": 0.20,
    "get_pull_request": 0.10,
    "get_pull_request_files": 0.10,
    "pods_list_in_namespace": 0.06,
    "events_list": 0.06,
}
INCIDENT = Incident(
    kind="ci_failure",
    event_type="workflow_job",
    repository="acme/shop",
    run_key="bench",
    run_id=777,
    job_ids=(9001,),
    job_names=("deploy",),
    head_sha="deadbeefcafe0000000000000000000000000000",
    branch="bump-ui",
    pr_numbers=(42,),
)


class SlowCaller:
    """Adds backend-like latency in front of the real pool."""

    def __init__(self, pool: McpPool) -> None:
        self.pool = pool

    def has_server(self, server: str) -> bool:
        return self.pool.has_server(server)

    async def list_tools(self, server: str) -> tuple[ToolInfo, ...]:
        return await self.pool.list_tools(server)

    async def call(
        self, server: str, tool: str, args: Mapping[str, Any], *, timeout_s: float | None = None
    ) -> ToolResult:
        await asyncio.sleep(LATENCY.get(tool, 0.02))
        return await self.pool.call(server, tool, args, timeout_s=timeout_s)


def p50(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


async def timed(coro: Any) -> float:
    started = time.perf_counter()
    await coro
    return time.perf_counter() - started


def _shipped() -> McpConfig:
    """The installed shipped servers, with dead backends (a start does not contact them)."""
    dead = {
        k: "http://127.0.0.1:9"
        for k in (
            "PROMETHEUS_URL",
            "ALERTMANAGER_URL",
            "LOKI_URL",
            "ARGOCD_BASE_URL",
            "GRAFANA_URL",
        )
    }
    kubeconfig = Path(tempfile.mkdtemp()) / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: "
        "{server: 'http://127.0.0.1:9'}}]\nusers: [{name: u, user: {}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\n"
        "current-context: c\n"
    )
    # GitHub's server refuses to start without a token (it never uses it before a call)
    env = dead | {"GITHUB_TOKEN": "unused", "KUBECONFIG": str(kubeconfig)}
    shipped = load_mcp_config(ROOT / "mcp_servers.yaml", env=env)
    installed = {
        n: s
        for n, s in shipped.servers.items()
        if s.command is not None and Path(s.command).exists()
    }
    return shipped.model_copy(update={"servers": installed})


async def cold_starts(repeats: int, shipped: McpConfig) -> dict[str, float]:
    """p50 of spawn + handshake + tool list of each installed real server."""
    out: dict[str, float] = {}
    for name, server in shipped.servers.items():
        one = McpConfig(servers={name: server.model_copy(update={"enabled": True})})
        samples = []
        for _ in range(repeats):
            pool = McpPool(one)
            try:
                samples.append(await timed(pool.probe(name)))
            except ToolError:
                pass
            finally:
                await pool.aclose()
        if samples:
            out[name] = p50(samples)
    return out


def settings_for(config: McpConfig, folder: Path) -> Settings:
    path = folder / "mcp_servers.yaml"
    path.write_text(
        yaml.safe_dump(
            config.model_dump(
                mode="json", exclude={"servers": {n: {"missing_env"} for n in config.servers}}
            )
        )
    )
    return Settings(
        _env_file=None,
        context={"mode": "mcp", "mcp_config": path},  # type: ignore[call-arg]
        routing={"router": "full"},
        triage={"model": "test", "on_obvious": True},
    )


async def main(repeats: int) -> dict[str, Any]:
    config = replay_config(CASE, python=sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(config, Path(tmp))
        runtime = build_context_runtime(settings)
        cold_start = await timed(runtime.start(wait=True))
        assert runtime.pool is not None
        sources = build_sources(SlowCaller(runtime.pool), config, None)
        everything = ContextGatherer(sources)
        router = build_router(
            settings, toolsets=runtime.triage_toolsets, hints=runtime.triage_hints
        )

        async def context_and_triage() -> None:
            bundle = await everything.gather(INCIDENT)
            await router.route(INCIDENT, bundle)

        await context_and_triage()  # warm every code path once
        alone = {
            s.name: p50(
                [await timed(ContextGatherer([s]).gather(INCIDENT)) for _ in range(repeats)]
            )
            for s in sources
        }
        together = p50([await timed(everything.gather(INCIDENT)) for _ in range(repeats)])
        warm = [await timed(context_and_triage()) for _ in range(repeats)]
        starts = {n: s.starts for n, s in runtime.pool.status().items()}
        await runtime.aclose()

        async def per_run_pool() -> None:
            """Triage with its own pool: a process start per triage run."""
            cold_router = build_router(settings, toolsets=mcp_toolsets(config))
            bundle = await everything.gather(INCIDENT)
            await cold_router.route(INCIDENT, bundle)

        gather_pool = McpPool(config)
        sources = build_sources(SlowCaller(gather_pool), config, None)
        everything = ContextGatherer(sources)
        spawning = [await timed(per_run_pool()) for _ in range(max(3, repeats // 3))]
        await gather_pool.aclose()
    slowest = max(alone, key=lambda k: alone[k])
    return {
        "benchmark": "context_and_triage",
        "repeats": repeats,
        "cold_start_ms": {
            "replay (runtime.start)": round(cold_start * 1000, 1),
            **await cold_starts(3, _shipped()),
        },
        "source_alone_p50_ms": alone,
        "slowest_source": slowest,
        "slowest_source_p50_ms": alone[slowest],
        "all_sources_p50_ms": together,
        "context_plus_triage_warm_p50_ms": p50(warm),
        "context_plus_triage_pool_per_run_p50_ms": p50(spawning),
        "server_starts_during_warm_runs": starts,
    }


def table(result: dict[str, Any]) -> str:
    rows = [("cold start, " + k, v) for k, v in result["cold_start_ms"].items()]
    rows += [(f"source alone p50: {k}", v) for k, v in result["source_alone_p50_ms"].items()]
    rows += [
        ("all sources in parallel p50", result["all_sources_p50_ms"]),
        (f"slowest source alone p50 ({result['slowest_source']})", result["slowest_source_p50_ms"]),
        ("context + triage (test model), warm pool p50", result["context_plus_triage_warm_p50_ms"]),
        (
            "context + triage, triage opens its own pool p50",
            result["context_plus_triage_pool_per_run_p50_ms"],
        ),
    ]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name:<{width}}  {value:>9.1f} ms" for name, value in rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    outcome = asyncio.run(main(args.repeats))
    print(table(outcome))
    print(json.dumps(outcome))
