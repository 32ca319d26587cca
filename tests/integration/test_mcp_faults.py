"""Misbehaving real stdio servers inside a full gather: one hangs, one never finishes its
handshake; the replay server serves the rest. The bundle must come back partial, with a
note per broken source naming the deadline the code enforced (no clock is asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from healer_agent.context.config import parse_config
from healer_agent.context.gatherer import build_gatherer_from_config
from healer_agent.context.replay_server import ALL_TOOLS
from healer_agent.models import Incident

pytestmark = pytest.mark.mcp
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "mcp"


def _bad(*extra: str) -> dict[str, object]:
    return {
        "command": sys.executable,
        "args": [str(FIX / "bad_server.py"), *extra],
        "tools": ["ok", "hang", "crash", "fail"],
        "timeout_s": 1.0,
    }


async def test_partial_context_when_servers_misbehave(tmp_path: Path) -> None:
    case = FIX / "case-argocd-degraded.yaml"
    cfg = parse_config(
        {
            "servers": {
                "replay": {
                    "command": sys.executable,
                    "args": ["-m", "healer_agent.context.replay_server", "--case", str(case)],
                    "tools": list(ALL_TOOLS),
                },
                # a server whose range-query tool hangs forever
                "prom": _bad() | {"tools": ["execute_query", "execute_range_query"]},
                # a server that never finishes its handshake
                "argo": _bad("--hang-start")
                | {"tools": ["list_applications"], "startup_timeout_s": 1.0},
            },
            # a generous source deadline: the 1s call deadline is what must cut the hang short
            "sources": {
                "timeout_s": 60,
                "github": {"server": "replay", "rest_fallback": False},
                "loki": {"server": "replay", "datasource_uid": "replay-loki"},
                "prometheus": {"server": "prom", "alerts_query": ""},
                "argocd": {"server": "argo"},
                "grafana": {"server": "replay"},
                "kubernetes": {"server": "absent"},
            },
            "repositories": {"acme/shop": {"prometheus": {"x": "up"}, "loki": '{a="b"}'}},
            "log_dir": str(tmp_path),
        },
        env={},
    )
    gatherer = build_gatherer_from_config(cfg)
    incident = Incident(
        kind="ci_failure",
        event_type="workflow_job",
        repository="acme/shop",
        run_key="k",
        run_id=777,
        job_ids=(9001,),
        job_names=("deploy",),
        pr_numbers=(42,),
    )
    assert gatherer.pool is not None
    try:
        await gatherer.pool.start(supervise=False)  # warm, as `healer serve` does
        bundle = await gatherer.gather(incident)
    finally:
        await gatherer.aclose()
    st = bundle.sources
    assert st["github"].status == "ok" and bundle.logs and bundle.pull_request is not None
    assert st["loki"].status == "ok" and bundle.loki
    # the range query hangs: the pool's 1s call deadline turns it into a timeout note
    assert st["prometheus"].status == "timeout" and "1s" in st["prometheus"].note
    assert st["argocd"].status == "error" and "start exceeded 1s" in st["argocd"].note
    assert st["kubernetes"].status == "not_configured"
    assert gatherer.status() == {} or gatherer.status()["argo"].phase == "closed"
