"""PyPI's loki-query-mcp (direct to Loki's HTTP API) against a stub of that API, through
Healer's LokiSource: the LogQL, the failure window and the limit reach ``query_range`` and
the stream values come back as lines.

Why not mcp-grafana for Loki: it reaches Loki only through a Grafana datasource proxy
(``/api/datasources/proxy/uid/{uid}/loki/...``), so it needs a Grafana and a datasource uid
in front of every Loki; loki-query-mcp needs only Loki's URL, which the design names.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "mcp"))
from mcp_helpers import run_stub
from stubs.apis import loki_routes
from stubs.servers import shipped_config

from healer_agent.context.pool import McpPool
from healer_agent.context.sources import LokiSource
from healer_agent.models import Incident

pytestmark = pytest.mark.mcp


async def test_error_lines_of_the_namespace(tmp_path: Path) -> None:
    at = datetime.now(UTC) - timedelta(minutes=2)
    incident = Incident(
        kind="ci_failure",
        event_type="workflow_job",
        repository="acme/shop",
        run_key="k",
        occurred_at=at,
    )
    with run_stub(loki_routes()) as loki:
        cfg = shipped_config(
            {"LOKI_URL": loki.url, "LOKI_TOKEN": "tenant-a:secret"}, servers=("loki",)
        )
        async with McpPool(cfg, log_dir=tmp_path) as pool:
            result = await LokiSource(pool, cfg.sources.loki, cfg).gather(incident)
        (call,) = [e for e in loki.log if e["path"] == "/loki/api/v1/query_range"]
    assert result.errors == [] and result.succeeded == 1
    lines = result.fields["loki"]
    assert len(lines) == 2 and "upstream web unavailable" in lines[0]
    assert lines[0][:4] == str(at.year)  # each line starts with its timestamp
    query = call["query"]
    assert query["query"] == ['{namespace="shop"} |~ "(?i)error|panic|fatal"']
    assert query["limit"] == ["100"] and query["direction"] == ["backward"]
    start = datetime.fromisoformat(query["start"][0].replace("Z", "+00:00"))
    assert start <= at - timedelta(seconds=1799)
    assert call["auth"] is not None and call["auth"].startswith("Basic ")
