"""A CI failure processed end to end against live context: Debian's real Prometheus and
Alertmanager, and stubs of the GitHub, Argo CD, Loki and Kubernetes APIs (documented
shapes), each behind the real MCP server Healer ships. The CodeRun prompt must quote what
every source found, and the servers must have been started once, by the Healer, not by
the incident."""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "mcp"))
from mcp_helpers import run_stub
from stubs.apis import (
    JOB_ID,
    RUN_ID,
    SHA,
    argocd_routes,
    github_routes,
    kubeconfig,
    kubernetes_routes,
    loki_routes,
)
from stubs.backends import Stack, prometheus_stack
from stubs.servers import shipped_config

from healer_agent.context.config import RepoContext
from healer_agent.dispatch.findings import context_evidence
from healer_agent.logs import redact

pytestmark = pytest.mark.mcp
SERVERS = ("github", "argocd", "prometheus", "alertmanager", "loki", "kubernetes")
WEBHOOK = Path(__file__).resolve().parents[1] / "fixtures" / "github-webhooks"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    try:
        with prometheus_stack(tmp_path_factory.mktemp("prom")) as running:
            yield running
    except RuntimeError as exc:
        if "not installable" in str(exc):
            pytest.skip(str(exc))
        raise


def failed_deploy_job(at: datetime) -> dict[str, Any]:
    """GitHub's workflow_job payload (a recorded one) for the stubbed deploy job."""
    payload: dict[str, Any] = copy.deepcopy(
        yaml.safe_load((WEBHOOK / "workflow_job" / "completed-1.json").read_text())
    )
    job = payload["workflow_job"]
    job.update(
        id=JOB_ID,
        run_id=RUN_ID,
        name="deploy",
        head_sha=SHA,
        head_branch="bump-web",
        conclusion="failure",
        completed_at=at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        steps=[
            {"name": "Checkout", "status": "completed", "conclusion": "success", "number": 1},
            {"name": "Helm upgrade", "status": "completed", "conclusion": "failure", "number": 2},
        ],
    )
    payload["repository"].update(full_name="acme/shop", name="shop")
    payload["repository"]["owner"]["login"] = "acme"
    return payload


def mcp_config(tmp: Path, stubs: dict[str, str], stack: Stack, at: datetime) -> Path:
    (tmp / "kubeconfig").write_text(kubeconfig(stubs["kubernetes"]))
    env = {
        "GITHUB_TOKEN": "gh-tok",
        "GITHUB_HOST": "http://github.stub",
        "HTTP_PROXY": stubs["github"],
        "ARGOCD_BASE_URL": stubs["argocd"],
        "ARGOCD_API_TOKEN": "argo-tok",
        "PROMETHEUS_URL": stack.prometheus_url,
        "ALERTMANAGER_URL": stack.alertmanager_url,
        "LOKI_URL": stubs["loki"],
        "KUBECONFIG": str(tmp / "kubeconfig"),
    }
    repos = {
        "acme/shop": RepoContext.model_validate(
            {
                "namespace": "shop",
                "app": "web",
                "prometheus": {
                    "error_rate": f"vector((time() > bool {at.timestamp():.0f}) * 3)",
                    "targets_up": {"query": "sum(up)", "instant": True},
                },
            }
        )
    }
    cfg = shipped_config(env, servers=SERVERS, repositories=repos)
    raw = cfg.model_dump(
        mode="json", exclude={"servers": {n: {"missing_env"} for n in cfg.servers}}
    )
    raw["sources"]["prometheus"].update(window_before_s=60, window_after_s=60, step_s=1)
    path = tmp / "mcp_servers.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


async def test_ci_failure_prompt_quotes_every_source(
    stack: Stack, tmp_path: Path, make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    at = datetime.now(UTC) - timedelta(seconds=20)
    with ExitStack() as stubs_cm:
        stubs = {
            name: stubs_cm.enter_context(run_stub(routes)).url
            for name, routes in (
                ("github", github_routes()),
                ("argocd", argocd_routes()),
                ("loki", loki_routes()),
                ("kubernetes", kubernetes_routes()),
            )
        }
        settings = make_settings(
            context={"mode": "mcp", "mcp_config": mcp_config(tmp_path, stubs, stack, at)},
            github={"api_url": f"{stubs['github']}/api/v3", "token": "gh-tok"},
        )
        healer = await healer_factory(settings)
        runtime = healer.context
        runtime.bind_metrics(healer.metrics)  # every MCP call counted on /metrics
        await runtime.start(wait=True)  # what `healer serve` does at start-up
        async with client_for(healer) as client:
            response = await client.post(
                "/api/github/webhook",
                json=failed_deploy_job(at),
                headers={"X-GitHub-Event": "workflow_job", "X-GitHub-Delivery": "mcp-e2e"},
            )
            assert response.status_code == 202, response.text
            await healer.drain(limit_s=120)
            incident = (await client.get(f"/api/incidents/{response.json()['incident_id']}")).json()
            api_status = (await client.get("/api/status")).json()
            exported = (await client.get("/metrics")).text
        states = runtime.status()
        bundle = await runtime.provider.gather(_incident_of(incident))
    assert incident["status"] == "dispatched", incident
    sources = incident["context_status"]
    assert {
        name: sources[name]["status"]
        for name in ("github", "argocd", "prometheus", "alerts", "loki", "kubernetes")
    } == dict.fromkeys(("github", "argocd", "prometheus", "alerts", "loki", "kubernetes"), "ok"), (
        sources
    )
    (coderun,) = settings.sink.dir.glob("healer-ci-*.yaml")
    prompt = yaml.safe_load(coderun.read_text())["spec"]["promptModification"]
    for source, fact in (
        ("github", "UPGRADE FAILED: timed out waiting for the condition"),
        ("github", "PR labels: deploy, infra"),
        ("github", "PR reviews: alice: APPROVED"),
        ("github", "2 files changed, +11 -3"),
        ("argocd", "app web: sync OutOfSync, health Degraded"),
        ("kubernetes", "pod web-7d9f-abc: Pending; web waiting ImagePullBackOff"),
        ("kubernetes", "event Warning Failed Pod/web-7d9f-abc: Failed to pull image"),
        ("loki", "upstream web unavailable"),
        ("prometheus", "error rate 0 before -> 3 after the failure"),
        ("alertmanager", "ShopWebDown [critical] firing"),
        ("alertmanager", "web in namespace shop serves 5xx"),
        ("rules", "so PR #42 updates"),
    ):
        assert fact in prompt, (source, fact)
    # one warm pool: every server was started once, by start(), and is still up
    assert {name: (s.phase, s.starts) for name, s in states.items()} == dict.fromkeys(
        SERVERS, ("ready", 1)
    )
    # /api/status and /metrics count the same calls, per server and tool
    shown = api_status["mcp_servers"]
    for name, state in states.items():
        assert shown[name]["calls"] == state.calls > 0
        for tool, stats in state.tools.items():
            assert shown[name]["tools"][tool]["calls"] == stats.calls
            line = (
                f'healer_mcp_calls_total{{outcome="ok",server="{name}",tool="{tool}"}} '
                f"{float(stats.calls - stats.errors)}"
            )
            assert stats.errors or line in exported, line
    # the incident's evidence carries the same findings
    evidence = context_evidence(bundle, redact)
    assert any("ImagePullBackOff" in f for f in evidence["kubernetes"]["findings"])


def _incident_of(row: dict[str, Any]) -> Any:
    from healer_agent.models import Incident

    return (
        Incident.model_validate(row["incident"])
        if "incident" in row
        else Incident(
            kind="ci_failure",
            event_type="workflow_job",
            repository="acme/shop",
            run_key="k",
            run_id=RUN_ID,
            job_ids=(JOB_ID,),
            job_names=("deploy",),
            head_sha=SHA,
            branch="bump-web",
        )
    )
