"""The cluster's own components are every workload's: never set aside, and the platform's.

DNS, the autoscaler or the secret store's operator failing explains a deploy's or a smoke
check's failure whichever workload the step targets, as Argo CD's own repo server or a
webhook it could not call does. After a change to code alone it is the platform's; after a
change to the deployment's files the manifests' own findings stand. An admission policy
over images (their vulnerabilities, their signatures) is the supply chain's.
"""

from __future__ import annotations

from typing import Any

from healer_agent.models import (
    Agent,
    ArgoApp,
    ContextBundle,
    FailureType,
    FiringAlert,
    Incident,
    JobLog,
    RoutingDecision,
)
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


def _pending(name: str, why: str = "4 Insufficient cpu.") -> dict[str, Any]:
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
                    "message": f"0/4 nodes are available: {why}",
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


WAIT = (
    "argocd app wait healer-staging --sync --health --timeout 300",
    [
        'time="2026-11-21T15:19:48Z" level=fatal msg="Timed out (300s) waiting for app '
        '\\"healer-staging\\" match desired state"'
    ],
)


def _argo(message: str, files: tuple[str, ...], **extra: Any) -> RoutingDecision:
    app = ArgoApp(
        name="healer-staging", sync_status="OutOfSync", health_status="Healthy", message=message
    )
    context = ContextBundle(
        logs=(JobLog(job_name="deploy", text=gh_log(WAIT)),),
        changed_files=files,
        argocd=(app,),
        **extra,
    )
    return ROUTER.decide(_incident("deploy"), context)


def test_argo_cds_own_refusals_are_the_platforms_or_the_accounts() -> None:
    webhook = (
        "sync Failed: one or more objects failed to apply, reason: Internal error occurred: "
        'failed calling webhook "webhook.cert-manager.io": failed to call webhook: Post '
        '"https://cert-manager-webhook.cert-manager.svc:443/validate": connect: connection refused'
    )
    assert _argo(webhook, ("crates/api/src/webhook.rs",)).agent is Agent.ATLAS
    repo_server = (
        "ComparisonError: Failed to load target state: failed to generate manifest for source "
        "1 of 1: rpc error: code = Unavailable desc = connection error: dial tcp "
        "10.43.12.7:8081: connect: connection refused"
    )
    assert _argo(repo_server, ("src/components/RunsTable.tsx",)).agent is Agent.ATLAS
    denied = [
        'time="2026-11-24T11:07:03Z" level=fatal msg="rpc error: code = PermissionDenied desc = '
        'permission denied: applications, sync, platform/healer-staging, sub: ci-deployer"'
    ]
    log = gh_log(("argocd app sync healer-staging --grpc-web", denied))
    context = ContextBundle(
        logs=(JobLog(job_name="deploy", text=log),), changed_files=("src/api/runs.rs",)
    )
    decision = ROUTER.decide(_incident("deploy"), context)
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)


def test_admission_policies_over_images_are_the_supply_chains() -> None:
    kyverno = (
        "sync Failed: one or more objects failed to apply, reason: admission webhook "
        '"validate.kyverno.svc-fail" denied the request: policy check-image-vulnerabilities: '
        "image has critical vulnerabilities: CVE-2024-45337"
    )
    alert = FiringAlert(
        name="ArgoCdAppSyncFailed", labels={"name": "healer-staging", "namespace": "argocd"}
    )
    # the sensor's body for the alert, no job log: the application's status says why
    app = ArgoApp(name="healer-prod", sync_status="OutOfSync", message=kyverno)
    overlay = ("apps/healer/overlays/prod/kustomization.yaml",)
    context = ContextBundle(changed_files=overlay, argocd=(app,), firing_alerts=(alert,))
    assert ROUTER.decide(_incident("deploy"), context).agent is Agent.CIPHER
    signature = _event(
        "ReplicaSet",
        "billing-api-63e0d21d2",
        "billing",
        "FailedCreate",
        'Error creating: admission webhook "policy.sigstore.dev" denied the request: validation '
        "failed: failed policy: signed-by-release: no matching signatures",
    )
    decision = _deploy(("charts/billing/values-prod.yaml",), {"events": [signature]})
    assert decision.agent is Agent.CIPHER
    trivy = FiringAlert(
        name="TrivyCriticalVulnerability", labels={"namespace": "ledger", "container_name": "api"}
    )
    context = ContextBundle(changed_files=("apps/ledger/overlays/prod/replicas.yaml",))
    context = context.model_copy(update={"firing_alerts": (trivy,)})
    assert ROUTER.decide(_incident("deploy"), context).agent is Agent.CIPHER


def test_a_workload_manifest_in_a_kustomize_base_is_a_deployment_change() -> None:
    claim = _pending("billing-indexer-0", "pod has unbound immediate PersistentVolumeClaims.")
    cluster = {"pods": [claim]}
    assert _deploy(("apps/billing/base/statefulset.yaml",), cluster).agent is Agent.BOLT
    assert _deploy(("src/billing/index.rs",), cluster).agent is Agent.ATLAS


def test_a_certificate_authoritys_rate_limit_is_the_platforms() -> None:
    order = _event(
        "Order",
        "billing-tls-1-3387420191",
        "billing",
        "Failed",
        "Failed to create Order: 429 urn:ietf:params:acme:error:rateLimited: too many "
        "certificates (5) already issued for this exact set of identifiers in the last 168h0m0s",
    )
    decision = _deploy(("docs/guides/tls.md",), {"events": [order]})
    assert decision.agent is Agent.ATLAS
