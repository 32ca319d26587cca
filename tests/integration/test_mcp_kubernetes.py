"""npm kubernetes-mcp-server (pinned, read-only) against a stub of the Kubernetes API
(legacy discovery, core/v1 PodList and EventList), through Healer's KubernetesSource: pods
and events come back in the API's shape, unhealthy first, and the pre-router reads them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "mcp"))
from mcp_helpers import run_stub
from stubs.apis import kubeconfig, kubernetes_routes
from stubs.servers import shipped_config

from healer_agent.context.pool import McpPool
from healer_agent.context.sources import KubernetesSource
from healer_agent.models import Incident
from healer_agent.routing.kube_facts import kubernetes_facts

pytestmark = pytest.mark.mcp


async def test_pods_and_events_in_the_api_shape(tmp_path: Path) -> None:
    incident = Incident(
        kind="ci_failure", event_type="workflow_job", repository="acme/shop", run_key="k"
    )
    with run_stub(kubernetes_routes("shop")) as api:
        (tmp_path / "kubeconfig").write_text(kubeconfig(api.url))
        cfg = shipped_config({"KUBECONFIG": str(tmp_path / "kubeconfig")}, servers=("kubernetes",))
        async with McpPool(cfg, log_dir=tmp_path) as pool:
            offered = {t.name for t in await pool.list_tools("kubernetes", include_disallowed=True)}
            result = await KubernetesSource(pool, cfg.sources.kubernetes, cfg).gather(incident)
        paths = api.paths()
    assert "pods_delete" not in offered and "resources_create_or_update" not in offered
    assert "/api/v1/namespaces/shop/pods" in paths and "/api/v1/namespaces/shop/events" in paths
    assert result.errors == [] and result.succeeded == 2
    kube = result.fields["kubernetes"]
    sick, healthy = kube["pods"]
    assert sick["metadata"]["name"] == "web-7d9f-abc" and sick["status"]["phase"] == "Pending"
    waiting = sick["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["reason"] == "ImagePullBackOff"
    assert healthy["metadata"]["name"] == "db-0"
    (event,) = kube["events"]
    assert event["type"] == "Warning" and event["reason"] == "Failed"
    assert event["involvedObject"] == {"kind": "Pod", "name": "web-7d9f-abc"}
    facts = " ".join(text for _, text in kubernetes_facts(kube))
    assert "ImagePullBackOff" in facts
