"""Debian's real Prometheus and Alertmanager behind the shipped servers (PyPI's
prometheus-mcp-server and prometheus-mcp), through Healer's PrometheusSource and
AlertsSource: an instant and a range query, the error-rate change around the failure, a
bad query's error, Prometheus' ``ALERTS`` and Alertmanager's firing alert with its
annotation."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "mcp"))
from stubs.backends import Stack, prometheus_stack
from stubs.servers import shipped_config

from healer_agent.context.config import RepoContext
from healer_agent.context.pool import McpPool
from healer_agent.context.sources import AlertsSource, PrometheusSource
from healer_agent.models import Incident

pytestmark = pytest.mark.mcp


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    try:
        with prometheus_stack(tmp_path_factory.mktemp("prom")) as running:
            yield running
    except RuntimeError as exc:
        if "not installable" in str(exc):
            pytest.skip(str(exc))
        raise


def repo(at: datetime) -> dict[str, RepoContext]:
    """Queries for acme/shop; the error rate jumps from 0 to 3 at the failure time."""
    return {
        "acme/shop": RepoContext.model_validate(
            {
                "app": "prometheus",
                "prometheus": {
                    "up_now": {"query": "up", "instant": True},
                    "up_range": 'up{job="{{app}}"}',
                    "bad": {"query": "sum((", "instant": True},
                    "error_rate": f"vector((time() > bool {at.timestamp():.0f}) * 3)",
                },
            }
        )
    }


async def test_queries_error_rate_change_and_alerts(stack: Stack, tmp_path: Path) -> None:
    at = datetime.now(UTC) - timedelta(seconds=20)
    incident = Incident(
        kind="ci_failure",
        event_type="workflow_job",
        repository="acme/shop",
        run_key="k",
        occurred_at=at,
    )
    cfg = shipped_config(
        {"PROMETHEUS_URL": stack.prometheus_url, "ALERTMANAGER_URL": stack.alertmanager_url},
        servers=("prometheus", "alertmanager"),
        repositories=repo(at),
    )
    prom_cfg = cfg.sources.prometheus.model_copy(
        update={"window_before_s": 60, "window_after_s": 60, "step_s": 1}
    )
    async with McpPool(cfg, log_dir=tmp_path) as pool:
        result = await PrometheusSource(pool, prom_cfg, cfg).gather(incident)
        alerts = await AlertsSource(pool, cfg.sources.alerts, cfg).gather(incident)
        status = pool.status()
    prom = result.fields["prometheus"]
    instant = {s["labels"]["job"]: s for s in prom["up_now"]["series"]}
    assert prom["up_now"]["type"] == "vector"
    assert instant["prometheus"]["last"] == 1.0 and instant["broken"]["last"] == 0.0
    ranged = prom["up_range"]
    assert ranged["type"] == "matrix" and ranged["query"] == 'up{job="prometheus"}'
    # one bad query: the source is partial, and says which call failed
    assert "bad" not in prom
    assert len(result.errors) == 1 and "is_error" in result.errors[0] and "400" in result.errors[0]
    spike = result.fields["error_rate_spike"]
    assert (spike.before, spike.after, spike.spiked) == (0.0, 3.0, True)
    names = {a.name: a for a in result.fields["firing_alerts"]}
    assert names["ShopWebDown"].source == "prometheus"
    (fired,) = alerts.fields["firing_alerts"]
    assert fired.name == "ShopWebDown" and fired.source == "alertmanager"
    assert fired.summary == "web in namespace shop serves 5xx"
    assert fired.labels["namespace"] == "shop" and fired.severity == "critical"
    # the pool counted every call per server and tool
    assert status["prometheus"].tools["execute_query"].errors == 1
    assert status["alertmanager"].tools["alertmanager_list_alerts"].calls == 1
