"""The cluster's own components are every workload's: never set aside, and the platform's.

DNS, the autoscaler or the secret store's operator failing explains a deploy's or a smoke
check's failure whichever workload the step targets. After a change to code alone it is the
platform's; after a change to the deployment's files the manifests' own findings stand.
"""

from __future__ import annotations

from typing import Any

from healer_agent.models import Agent, ContextBundle, Incident, JobLog, RoutingDecision
from healer_agent.routing.facts import context_facts
from healer_agent.routing.prerouter import PreRouter
from healer_agent.routing.targets import set_aside
from tests.unit.test_logs import gh_log
from tests.unit.test_targets import CURL, TIMEOUT, _pod

ROUTER = PreRouter()

HELM = (
    "helm upgrade --install billing charts/billing -n billing --wait --timeout 5m",
    ["Error: UPGRADE FAILED: context deadline exceeded"],
)


def _incident(job: str) -> Incident:
    return Incident(
        kind="ci_failure",
        event_type="workflow_job",
        repository="acme/billing",
        run_key="acme/billing#run:1:1",
        workflow_name="deploy",
        job_names=(job,),
        conclusion="failure",
    )


def _pending(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "billing"},
        "status": {
            "phase": "Pending",
            "conditions": [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "reason": "Unschedulable",
                    "message": "0/4 nodes are available: 4 Insufficient cpu.",
                }
            ],
        },
    }


def _event(kind: str, name: str, namespace: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "type": "Warning",
        "reason": reason,
        "message": message,
        "involvedObject": {"kind": kind, "name": name, "namespace": namespace},
    }


def _deploy(files: tuple[str, ...], kubernetes: dict[str, Any]) -> RoutingDecision:
    context = ContextBundle(
        logs=(JobLog(job_name="deploy", text=gh_log(HELM)),),
        changed_files=files,
        kubernetes=kubernetes,
    )
    return ROUTER.decide(_incident("deploy"), context)


def test_a_scale_up_the_autoscaler_could_not_make_is_the_platforms_capacity() -> None:
    cluster = {
        "pods": [_pending("billing-worker-5c6d7-9fj2m")],
        "events": [
            _event(
                "ConfigMap",
                "cluster-autoscaler-status",
                "kube-system",
                "FailedToScaleUpGroup",
                "Scale-up failed for group general: UnauthorizedOperation: You are not "
                "authorized to perform this operation.",
            )
        ],
    }
    code_only = _deploy(("src/worker/upload.rs",), cluster)
    assert code_only.agent is Agent.ATLAS and not code_only.obvious
    # the chart asked for more than the nodes hold: the manifests' own finding stands
    assert _deploy(("charts/billing/values.yaml",), cluster).agent is Agent.BOLT


def test_a_secret_store_that_refused_the_external_secret_is_the_platforms() -> None:
    crashing = _pod("billing-api-5c6d7-9fj2m", "billing", crashing=True)
    cluster = {
        "pods": [crashing],
        "events": [
            _event(
                "ExternalSecret",
                "billing-db",
                "billing",
                "UpdateFailed",
                "error retrieving secret at .data[0], key: database/creds/billing, err: "
                "permission denied",
            )
        ],
    }
    assert _deploy(("src/api/retry.rs",), cluster).agent is Agent.ATLAS
    assert _deploy(("deploy/billing/externalsecret.yaml",), cluster).agent is Agent.BOLT


def test_dns_crashing_in_kube_system_is_weighed_beside_a_healthy_target() -> None:
    coredns = _pod("coredns-55b7f648f-d66db", "kube-system", crashing=True)
    service = _pod("billing-api-5c6d7-9fj2m", "billing", crashing=False)
    context = ContextBundle(
        logs=(JobLog(job_name="smoke", text=gh_log((CURL, TIMEOUT))),),
        changed_files=("src/api/handlers.rs",),
        kubernetes={"pods": [coredns, service]},
    )
    kept, aside = set_aside(
        _incident("smoke"), f"Run {CURL}", TIMEOUT, context, context_facts(context)
    )
    assert not aside and any("coredns" in f.text for f in kept)
    decision = ROUTER.decide(_incident("smoke"), context)
    assert decision.agent is Agent.ATLAS
    assert any(e.rule == "platform-component-failing" for e in decision.evidence)
