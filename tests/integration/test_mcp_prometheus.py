"""Real prometheus-mcp-server (PyPI) against Debian's real Prometheus, through Healer's
PrometheusSource: an instant and a range query, plus the is_error path (bad PromQL)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "mcp"))
from mcp_helpers import free_port, server_binary

from healer_agent.context.config import parse_config
from healer_agent.context.pool import McpPool
from healer_agent.context.sources import PrometheusSource
from healer_agent.models import Incident

pytestmark = pytest.mark.mcp


@pytest.fixture(scope="module")
def prometheus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("prometheus")
    if binary is None:
        server_binary("prometheus-mcp-server")  # runs the installer (apt prometheus) once
        binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("Debian's prometheus could not be installed (apt-get install prometheus)")
    tmp = tmp_path_factory.mktemp("prom")
    port = free_port()
    (tmp / "prom.yml").write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        "scrape_configs:\n"
        f"  - job_name: prometheus\n    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n"
        "  - job_name: broken\n    static_configs: [{targets: ['127.0.0.1:9']}]\n")
    proc = subprocess.Popen(
        [binary, f"--config.file={tmp / 'prom.yml'}", f"--storage.tsdb.path={tmp / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=(tmp / "prom.log").open("w"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"prometheus did not start: {(tmp / 'prom.log').read_text()[-500:]}")
            time.sleep(0.2)
        # Targets appear after Prometheus' ~5s discovery sync; then wait for a few samples.
        query = f"{url}/api/v1/query?query=count_over_time(up%5B1m%5D)"
        while True:
            with urllib.request.urlopen(query, timeout=2) as resp:
                series = json.loads(resp.read())["data"]["result"]
            if len(series) == 2 and min(int(s["value"][1]) for s in series) >= 3:
                break
            if time.monotonic() > deadline + 20:
                pytest.fail(f"prometheus never scraped: {series}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


async def test_instant_and_range_queries_through_healer(prometheus_url: str,
                                                         tmp_path: Path) -> None:
    binary, why = server_binary("prometheus-mcp-server")
    if binary is None:
        pytest.skip(why)
    cfg = parse_config({
        "servers": {"prometheus": {
            "command": str(binary),
            "env": {"PROMETHEUS_URL": prometheus_url, "PROMETHEUS_DISABLE_LINKS": "true"},
            "tools": ["execute_query", "execute_range_query", "health_check"],
            "timeout_s": 15, "startup_timeout_s": 30}},
        "sources": {"prometheus": {"window_before_s": 60, "window_after_s": 0, "step_s": 1}},
        "repositories": {"acme/shop": {"prometheus": {
            "up_now": {"query": "up", "instant": True},
            "up_range": 'up{job="{{app}}"}',
            "bad": {"query": "sum((", "instant": True},
        }, "app": "prometheus"}},
    }, env={})
    incident = Incident(kind="ci_failure", event_type="workflow_job", repository="acme/shop",
                        run_key="k", occurred_at=datetime.now(UTC))
    async with McpPool(cfg, log_dir=tmp_path) as pool:
        result = await PrometheusSource(pool, cfg.sources.prometheus, cfg).gather(incident)
    prom = result.fields["prometheus"]
    instant = {s["labels"]["job"]: s for s in prom["up_now"]["series"]}
    assert prom["up_now"]["type"] == "vector"
    assert instant["prometheus"]["last"] == 1.0 and instant["broken"]["last"] == 0.0
    ranged = prom["up_range"]
    assert ranged["type"] == "matrix" and ranged["query"] == 'up{job="prometheus"}'
    (series,) = ranged["series"]
    assert series["points"] >= 2 and series["min"] == series["max"] == 1.0
    assert "bad" not in prom
    assert len(result.errors) == 1 and "is_error" in result.errors[0]
    assert "400" in result.errors[0]
