"""Context gathering: all sources in parallel vs the slowest source alone.

Runs Healer's production sources against the replay MCP server (real stdio MCP, one
session, warm) for a labelled case, with an extra per-call latency injected into the
replay responses' consumer so sources differ in cost like real backends do. Target:
parallel wall time <= slowest source alone + 10%. Prints a final JSON line.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from healer_agent.context.gatherer import ContextGatherer, build_sources
from healer_agent.context.pool import McpPool
from healer_agent.context.protocols import ToolInfo
from healer_agent.context.replay_server import replay_config
from healer_agent.context.results import ToolResult
from healer_agent.models import Incident

CASE = (Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "mcp"
        / "case-argocd-degraded.yaml")
# Simulated backend latency per tool (seconds): logs are slow, metrics fast.
LATENCY = {"get_job_logs": 0.30, "get_application": 0.15, "list_applications": 0.05,
           "execute_query": 0.08, "query_loki_logs": 0.20, "get_pull_request": 0.10,
           "get_pull_request_files": 0.10}
REPEATS = 5


class SlowCaller:
    """Adds backend-like latency in front of the real pool."""

    def __init__(self, pool: McpPool) -> None:
        self.pool = pool

    def has_server(self, server: str) -> bool:
        return self.pool.has_server(server)

    async def list_tools(self, server: str) -> tuple[ToolInfo, ...]:
        return await self.pool.list_tools(server)

    async def call(self, server: str, tool: str, args: Mapping[str, Any], *,
                   timeout_s: float | None = None) -> ToolResult:
        await asyncio.sleep(LATENCY.get(tool, 0.02))
        return await self.pool.call(server, tool, args, timeout_s=timeout_s)


async def main() -> dict[str, Any]:
    config = replay_config(CASE, python=sys.executable)
    pool = McpPool(config)
    caller = SlowCaller(pool)
    sources = build_sources(caller, config, None)
    incident = Incident(kind="ci_failure", event_type="workflow_job", repository="acme/shop",
                        run_key="bench", run_id=777, job_ids=(9001,), job_names=("deploy",),
                        head_sha="deadbeefcafe0000000000000000000000000000", branch="bump-ui")
    everything = ContextGatherer(sources)
    await everything.gather(incident)  # warm: spawn + handshake + tool list
    alone: dict[str, float] = {}
    for s in sources:
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            await ContextGatherer([s]).gather(incident)
            times.append(time.perf_counter() - t0)
        alone[s.name] = statistics.median(times)
    together = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        bundle = await everything.gather(incident)
        together.append(time.perf_counter() - t0)
    await pool.aclose()
    slowest_name = max(alone, key=lambda k: alone[k])
    parallel = statistics.median(together)
    ratio = parallel / alone[slowest_name]
    return {
        "benchmark": "context_gather",
        "sources": {k: round(v * 1000, 1) for k, v in alone.items()},
        "slowest_source": slowest_name,
        "slowest_ms": round(alone[slowest_name] * 1000, 1),
        "sum_ms": round(sum(alone.values()) * 1000, 1),
        "parallel_ms": round(parallel * 1000, 1),
        "ratio_parallel_to_slowest": round(ratio, 3),
        "target": "<= 1.10",
        "ok": ratio <= 1.10,
        "statuses": {k: v.status for k, v in bundle.sources.items()},
    }


if __name__ == "__main__":
    result = asyncio.run(main())
    print(json.dumps(result))
    sys.exit(0 if result["ok"] else 1)
