"""Findings about workloads the failing step did not target are set aside, not weighed.

A smoke check that timed out against a healthy service is the network's, whatever a log
shipper in another namespace is doing; the same crashloop in the service's own namespace,
or in a context that does not show the service at all, is still weighed.
"""

from __future__ import annotations

from typing import Any

from healer_agent.models import Agent, ArgoApp, ContextBundle, FiringAlert, Incident, JobLog
from healer_agent.routing.facts import Fact, context_facts
from healer_agent.routing.prerouter import PreRouter
from healer_agent.routing.targets import set_aside, step_target, words
from tests.unit.test_logs import gh_log

ROUTER = PreRouter()
CURL = "curl -fsS --max-time 3 https://staging-api.example.dev/healthz"
TIMEOUT = ["curl: (28) Operation timed out after 3002 milliseconds with 0 bytes received"]


def _incident(repo: str = "acme/billing") -> Incident:
    return Incident(
        kind="ci_failure",
        event_type="workflow_job",
        repository=repo,
        run_key=f"{repo}#run:1:1",
        workflow_name="deploy",
        job_names=("smoke",),
        conclusion="failure",
    )


def _pod(name: str, namespace: str, *, crashing: bool) -> dict[str, Any]:
    state: dict[str, Any] = (
        {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}}
        if crashing
        else {"running": {"startedAt": "2026-11-04T16:11:05Z"}}
    )
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {
                    "name": name.split("-")[0],
                    "ready": not crashing,
                    "restartCount": 9 if crashing else 0,
                    "state": state,
                }
            ],
        },
    }


def _context(pods: list[dict[str, Any]], apps: tuple[ArgoApp, ...] = ()) -> ContextBundle:
    return ContextBundle(
        logs=(JobLog(job_name="smoke", text=gh_log((CURL, TIMEOUT))),),
        changed_files=("docs/runbook.md",),
        kubernetes={"pods": pods},
        argocd=apps,
    )


SHIPPER = _pod("promtail-7d9f8-x2k4q", "monitoring", crashing=True)
SERVICE = _pod("billing-api-5c6d7-9fj2m", "billing", crashing=False)


def test_the_target_is_named_by_the_repository_hosts_namespaces_and_releases() -> None:
    target = step_target(
        _incident("acme/ledger"),
        "Run helm upgrade --install web-pr-482 charts/web -n shop --wait",
        ["curl: (7) Failed to connect to checkout.acme.dev port 443"],
    )
    assert {"ledger", "web", "checkout"} <= target.words
    assert "acme" not in target.words  # the owner names everything
    assert target.namespaces == {"shop"}
    assert words("promtail-7d9f8-x2k4q") == {"promtail"}  # the hashes are not words


def test_a_crashloop_in_another_namespace_is_set_aside_beside_a_healthy_target() -> None:
    context = _context([SHIPPER, SERVICE])
    facts = context_facts(context)
    kept, aside = set_aside(_incident(), f"Run {CURL}", TIMEOUT, context, facts)
    assert aside and all("promtail" in f.text for f in aside)
    assert not any("promtail" in f.text for f in kept)

    decision = ROUTER.decide(_incident(), context)
    assert decision.agent is Agent.ATLAS
    assert not decision.obvious
    assert "**Set aside**" in decision.summary and "promtail" in decision.summary
    assert not any("promtail" in e.detail for e in decision.evidence)


def test_without_the_targets_own_workloads_nothing_is_set_aside() -> None:
    # the context shows only the crashing pod: nothing says it is not what the step probed
    decision = ROUTER.decide(_incident(), _context([SHIPPER]))
    assert decision.agent is Agent.BOLT
    assert "**Set aside**" not in decision.summary


def test_a_crashloop_in_the_targets_namespace_is_weighed() -> None:
    # a dependency of the service (its cache, in its namespace) crashing explains the timeout
    cache = _pod("redis-0", "billing", crashing=True)
    decision = ROUTER.decide(_incident(), _context([cache, SERVICE]))
    assert decision.agent is Agent.BOLT
    assert any("redis-0" in e.detail for e in decision.evidence)


def test_another_argocd_app_is_set_aside_only_beside_the_targets_own_objects() -> None:
    grafana = ArgoApp(name="grafana", sync_status="Synced", health_status="Degraded")
    ours = ArgoApp(name="billing-staging", sync_status="Synced", health_status="Healthy")
    for shown in (_context([], (grafana, ours)), _context([SERVICE], (grafana,))):
        kept, aside = set_aside(_incident(), f"Run {CURL}", TIMEOUT, shown, context_facts(shown))
        assert [f.subject for f in aside] == ["grafana"]
    alone = _context([], (grafana,))
    kept, aside = set_aside(_incident(), f"Run {CURL}", TIMEOUT, alone, context_facts(alone))
    assert aside == [] and any(f.subject == "grafana" for f in kept)


def test_an_alert_about_another_namespace_is_set_aside() -> None:
    alerts = (
        FiringAlert(name="KubePodCrashLooping", labels={"namespace": "logging", "pod": "vector-0"}),
        FiringAlert(name="KubePodNotReady", labels={"namespace": "billing", "pod": "worker-0"}),
    )
    context = _context([SERVICE]).model_copy(update={"firing_alerts": alerts})
    kept, aside = set_aside(_incident(), f"Run {CURL}", TIMEOUT, context, context_facts(context))
    assert [f.subject for f in aside] == ["KubePodCrashLooping"]
    assert any(f.subject == "KubePodNotReady" for f in kept)  # the target's own namespace
    assert ROUTER.decide(_incident(), context).agent is Agent.BOLT
    only_noise = context.model_copy(update={"firing_alerts": alerts[:1]})
    assert ROUTER.decide(_incident(), only_noise).agent is Agent.ATLAS


def test_findings_of_other_sources_and_unplaced_objects_are_kept() -> None:
    facts = [
        Fact("loki", "loki", "thread 'main' panicked at src/main.rs:3:5", "rust"),
        Fact("kubernetes", "kubernetes", "pod cache-0: container cache not ready", "cache-0"),
    ]
    context = _context([SERVICE])  # cache-0 is not listed: its namespace is not known
    kept, aside = set_aside(_incident(), f"Run {CURL}", TIMEOUT, context, facts)
    assert kept == facts and aside == []
