"""Batch 55 of the fresh split (ids ``fr-zzc-``): deploys known mostly from the cluster.

The job log is uninformative (``argocd app wait`` timing out, a rollout deadline) or there is
no log at all: the Argo Events sensor reports a Prometheus alert (the body names the alert,
not a job). The owner is decided by the context: Argo CD Applications in their real shape
(conditions, ``operationState.syncResult.resources`` messages, health per resource), pods,
events and ReplicaSets in the Kubernetes API's shape, Prometheus alerts and Loki lines printed
by real programs (Rust panics with exit 101, Node stacks).

- manifests (bolt): an immutable Deployment selector, a ServiceMonitor whose CRD the cluster
  lacks, an overlay's mistyped image tag, a readiness probe on the wrong port, a memory limit
  cut below the working set, a Role that lost ``list`` (the Rust service's own 403 in Loki),
  a PVC naming a StorageClass that does not exist, an overlay setting ``HEALER_SHARDS`` to 0
  (the Rust assertion in Loki), ``runAsUser`` over a root-owned cache directory (a Node
  ``EACCES`` in Loki), a Kyverno resource-limits policy refusing the change's container, an
  overlay pointing at a file that is not there (kustomize's real error in a ComparisonError);
- code seen only through its crash (rex, blaze): Rust panics at start-up and in a request
  worker, a Node ``TypeError`` and ``ERR_MODULE_NOT_FOUND``;
- the platform (atlas): ghcr.io answering 503 for every namespace, nodes NotReady,
  cert-manager's webhook down, Argo CD's repo server OOMKilled;
- security policies (cipher): Kyverno refusing an image with critical CVEs, the sigstore
  policy controller finding no matching signature;
- plain: kustomize's error, rustc E0308, tsc TS2345, ``argocd app sync`` PermissionDenied.

Cases tagged ``obvious``: the four plain cases.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import real
import shapes
from cases_batch35 import crashloop, ev, k8s_ctx, pending_pod, prom_alert, running_pod, tracing
from cases_batch38 import (
    OPS,
    argo_app,
    argocd_wait,
    bump_gitops,
    info_lines,
    node_crash,
    rust_build,
    rust_crash,
    waiting_pod,
)
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, run, rust_setup, sha
from gha import start_of
from helpers import clock, kube_setup, normal_events, rollout

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
LEDGER = "5dlabs/ledger"
PFX = "fr-zzc-"
TID = re.compile(r"thread '([^']+)' \(\d+\)")


def build() -> None:
    sync_failures()
    images()
    crashes()
    platform()
    policies()
    extras()
    plain()


# ------------------------------------------------------------------ shared


def img(cid: str, name: str = "healer", salt: str = "") -> str:
    return f"ghcr.io/5dlabs/{name}:sha-{sha(cid + salt)[:7]}"


def rs_name(cid: str, app: str) -> str:
    return f"{app}-{sha(cid)[:9]}"


def replicaset(
    cid: str, ns: str, app: str, image: str, replicas: int, ready: int, failure: str = ""
) -> dict[str, Any]:
    """An apps/v1 ReplicaSet as the API serves it (with its ReplicaFailure condition)."""
    created, first, _ = clock(cid)
    name = rs_name(cid, app)
    status: dict[str, Any] = {
        "replicas": ready,
        "fullyLabeledReplicas": ready,
        "readyReplicas": ready,
        "availableReplicas": ready,
        "observedGeneration": 1,
    }
    if not ready:
        for k in ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"):
            status.pop(k)
    if failure:
        status["conditions"] = [
            {
                "type": "ReplicaFailure",
                "status": "True",
                "lastTransitionTime": first,
                "reason": "FailedCreate",
                "message": failure,
            }
        ]
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": f"{sha(name)[:8]}-{sha(name)[8:12]}-4{sha(name)[12:15]}-"
            f"b{sha(name)[15:18]}-{sha(name)[18:30]}",
            "resourceVersion": str(real_h(name)),
            "generation": 1,
            "creationTimestamp": created,
            "labels": {"app.kubernetes.io/name": app, "pod-template-hash": sha(cid)[:9]},
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": str(replicas),
                "deployment.kubernetes.io/max-replicas": str(replicas + 1),
                "deployment.kubernetes.io/revision": str(real_h(cid) % 40 + 2),
            },
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": app,
                    "uid": f"{sha(app)[:8]}-{sha(app)[8:12]}-4a1c-9e2d-{sha(app)[12:24]}",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "replicas": replicas,
            "selector": {
                "matchLabels": {"app.kubernetes.io/name": app, "pod-template-hash": sha(cid)[:9]}
            },
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": app}},
                "spec": {"containers": [{"name": app, "image": image}]},
            },
        },
        "status": status,
    }


def real_h(key: str) -> int:
    from gha import h

    return h(key, 10**6, 10**7)


def alert_sensor(
    cid: str,
    description: str,
    tags: list[str],
    agent: str,
    failure_type: str,
    alert: str,
    message: str,
    files: list[str],
    extra: dict[str, Any],
    repo: str = OPS,
) -> None:
    """The sensor body of an alert-triggered remediation: it names the alert, not a job."""
    at(repo)
    ci(
        cid,
        description,
        ["no-log", "alert", *tags],
        agent,
        failure_type,
        workflow=alert,
        job="alert",
        event="sensor",
        steps=[],
        logs=False,
        message=message,
        files=files,
        repo=repo,
        branch="main",
        extra=extra,
    )


def wait_job(
    cid: str, app: str, ns: str, path: str, sync: str, health: str, rows: list[tuple[str, ...]]
) -> list[Any]:
    return [
        *kube_setup(),
        bump_gitops(cid, app, path),
        argocd_wait(cid, app, ns, path, sync, health, rows),
    ]


def cond(cid: str, kind: str, message: str) -> dict[str, Any]:
    return {"type": kind, "message": message, "lastTransitionTime": clock(cid)[2]}


def sync_res(
    kind: str,
    ns: str,
    name: str,
    status: str,
    health: str | None,
    message: str,
    result: str = "Synced",
    group: str = "apps",
) -> dict[str, Any]:
    r: dict[str, Any] = {
        "group": group,
        "version": "v1",
        "kind": kind,
        "namespace": ns,
        "name": name,
        "status": status,
        "syncPhase": "Sync",
        "message": message,
        "hookPhase": "Running" if result == "Synced" else "Failed",
    }
    if health:
        r["health"] = {"status": health}
    # syncResult.resources carry the apply result in ``status``
    r["_result"] = result
    return r


def app_obj(
    cid: str,
    name: str,
    ns: str,
    path: str,
    sync: str,
    health: str,
    resources: list[dict[str, Any]],
    *,
    phase: str = "Succeeded",
    op_message: str = "successfully synced (all tasks run)",
    health_message: str = "",
    conditions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An Application; syncResult.resources get their apply result as ``status``."""
    clean = [{k: v for k, v in r.items() if k != "_result"} for r in resources]
    a = argo_app(
        cid,
        name,
        ns,
        path,
        sync,
        health,
        clean,
        health_message=health_message,
        conditions=conditions,
    )
    op = a["status"]["operationState"]
    op["phase"] = phase
    op["message"] = op_message
    results = {(r["kind"], r["name"]): r.get("_result", "Synced") for r in resources}
    for r in op["syncResult"]["resources"]:
        r["status"] = results[(r["kind"], r["name"])]
    return a


def rust_loki(name: str, main: str, crate: str = "healer-api") -> list[str]:
    """A real Rust binary's crash output as the container prints it (thread id of pid 1)."""
    return [
        TID.sub(r"thread '\1' (1)", ln).replace("crates/healer-api/", f"crates/{crate}/")
        for ln in rust_crash(name, {"src/main.rs": main})
    ]


# ------------------------------------------------------------------ 1. sync failures


def sync_failures() -> None:
    at(OPS)
    # 001 bolt: the change edits the Deployment's selector, which is immutable
    cid = PFX + "001"
    ns, app, path = "healer", "healer-api", "apps/healer/overlays/staging"
    msg = (
        'Deployment.apps "healer-api" is invalid: spec.selector: Invalid value: '
        'v1.LabelSelector{MatchLabels:map[string]string{"app.kubernetes.io/component":"api", '
        '"app.kubernetes.io/name":"healer-api"}, MatchExpressions:[]v1.LabelSelectorRequirement'
        "(nil)}: field is immutable"
    )
    ci(
        cid,
        "argocd app wait times out with healer-staging OutOfSync; the Application's "
        "operationState is Failed and syncResult names the Deployment: spec.selector is "
        "immutable; the change added a component label to the base's selector",
        ["context-driven", "argocd"],
        "bolt",
        "argocd_sync",
        workflow="cd",
        job="deploy-staging",
        repo=REPO,
        steps=wait_job(
            cid,
            "healer-staging",
            ns,
            path,
            "OutOfSync",
            "Healthy",
            [
                ("", "Service", ns, app, "Synced", "Healthy", "", ""),
                ("apps", "Deployment", ns, app, "OutOfSync", "Healthy", "", ""),
            ],
        ),
        message="chore(k8s): label healer-api pods with their component",
        files=["apps/healer/base/deployment.yaml", "apps/healer/base/service.yaml"],
        extra={
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid, salt="prev"), salt=str(i)) for i in range(2)],
                normal_events(cid, ns, app, 2),
                loki=info_lines(cid),
            ),
            "argocd": [
                app_obj(
                    cid,
                    "healer-staging",
                    ns,
                    path,
                    "OutOfSync",
                    "Healthy",
                    [
                        sync_res(
                            "Service",
                            ns,
                            app,
                            "Synced",
                            "Healthy",
                            "service/healer-api configured",
                            group="",
                        ),
                        sync_res("Deployment", ns, app, "OutOfSync", "Healthy", msg, "SyncFailed"),
                    ],
                    phase="Failed",
                    op_message="one or more objects failed to apply, reason: " + msg,
                    conditions=[
                        cond(
                            cid,
                            "SyncError",
                            "Failed sync attempt to "
                            f"{sha(cid + ':ops')}: one or more objects failed to apply, "
                            "reason: " + msg + " (retried 5 times).",
                        )
                    ],
                )
            ],
        },
    )

    # 002 bolt: a ServiceMonitor whose CRD the destination cluster does not have; no log
    cid = PFX + "002"
    ns, app, path = "ledger", "ledger-api", "apps/ledger/overlays/prod"
    msg = (
        "The Kubernetes API could not find monitoring.coreos.com/ServiceMonitor for requested "
        'resource ledger/ledger-api. Make sure the "ServiceMonitor" CRD is installed on the '
        "destination cluster."
    )
    alert_sensor(
        cid,
        "the sensor reports ArgoCdAppSyncFailed for ledger-prod; the Application's condition "
        "and syncResult say the ServiceMonitor's CRD is not installed on the destination "
        "cluster (prod runs no prometheus-operator); the change added a ServiceMonitor to the "
        "ledger base",
        ["context-driven", "argocd"],
        "bolt",
        "argocd_sync",
        "ArgoCdAppSyncFailed",
        "feat(ledger): scrape ledger-api with a ServiceMonitor",
        ["apps/ledger/base/servicemonitor.yaml", "apps/ledger/base/kustomization.yaml"],
        {
            "prometheus": prom_alert(
                "ArgoCdAppSyncFailed",
                {
                    "name": "ledger-prod",
                    "phase": "Error",
                    "project": "platform",
                    "severity": "warning",
                    "namespace": "argocd",
                },
            ),
            "argocd": [
                app_obj(
                    cid,
                    "ledger-prod",
                    ns,
                    path,
                    "OutOfSync",
                    "Missing",
                    [
                        sync_res(
                            "Deployment",
                            ns,
                            app,
                            "Synced",
                            "Healthy",
                            "deployment.apps/ledger-api unchanged",
                        ),
                        sync_res(
                            "ServiceMonitor",
                            ns,
                            app,
                            "OutOfSync",
                            "Missing",
                            msg,
                            "SyncFailed",
                            group="monitoring.coreos.com",
                        ),
                    ],
                    phase="Failed",
                    op_message="one or more synchronization tasks are not valid",
                    conditions=[
                        cond(
                            cid,
                            "SyncError",
                            "Failed sync attempt to "
                            f"{sha(cid + ':ops')}: one or more synchronization tasks "
                            "are not valid (retried 5 times).",
                        )
                    ],
                )
            ],
        },
    )

    # 005 bolt: the readiness probe moved to the metrics port; real rollout deadline
    at(REPO)
    cid = PFX + "005"
    ns, app = "healer", "healer-router"
    out = rollout(cid, ns, app, 3, 1, 2, deadline=True)
    pods = [
        running_pod(cid, ns, app, img(cid), salt="n", ready=False, probe_path="/readyz"),
        *[running_pod(cid, ns, app, img(cid, salt="prev"), salt=str(i)) for i in range(2)],
    ]
    ci(
        cid,
        "the rollout of healer-router runs out its deadline; the new pod runs but never becomes "
        "Ready: kubelet's readiness probe gets 'connection refused' on port 9464, the metrics "
        "port the change moved the probe to, which the router only opens when metrics are "
        "enabled",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Wait for rollout", seconds=300)],
        message="chore(chart): probe readiness on the metrics listener",
        files=["charts/healer-router/templates/deployment.yaml"],
        extra=k8s_ctx(
            pods,
            [
                ev(
                    ns,
                    "Pod",
                    pods[0]["metadata"]["name"],
                    "Unhealthy",
                    'Readiness probe failed: Get "http://10.42.1.37:9464/readyz": dial tcp '
                    "10.42.1.37:9464: connect: connection refused",
                    cid,
                    count=58,
                ),
                *normal_events(cid, ns, app, 2),
            ],
            loki=[
                tracing(cid, "INFO", "healer_router", "listening", 0, addr="0.0.0.0:8080"),
                tracing(cid, "INFO", "healer_router::metrics", "metrics exporter disabled", 1),
            ],
        ),
    )

    # 009 bolt: a PVC naming a StorageClass that does not exist; alert only
    cid = PFX + "009"
    ns, app, path = "search", "search-indexer", "apps/search/overlays/prod"
    pod = pending_pod(
        cid,
        ns,
        app,
        img(cid, "search-indexer"),
        "0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
        "preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
        salt="0",
    )
    pod["metadata"]["name"] = f"{app}-0"
    pvc_msg = 'storageclass.storage.k8s.io "fast-ssd" not found'
    alert_sensor(
        cid,
        "the sensor reports KubeStatefulSetReplicasMismatch for search-indexer; its pod is "
        "Pending on an unbound claim and the PVC's ProvisioningFailed event says StorageClass "
        "'fast-ssd' not found (the cluster's classes are local-path and longhorn); the change "
        "set storageClassName in the volumeClaimTemplates",
        ["context-driven", "argocd"],
        "bolt",
        "k8s_manifest",
        "KubeStatefulSetReplicasMismatch",
        "perf(search): put the index on fast-ssd",
        ["apps/search/base/statefulset.yaml"],
        {
            **k8s_ctx(
                [pod],
                [
                    ev(
                        ns,
                        "PersistentVolumeClaim",
                        f"index-{app}-0",
                        "ProvisioningFailed",
                        pvc_msg,
                        cid,
                        count=41,
                        component="persistentvolume-controller",
                        host="",
                    ),
                    ev(
                        ns,
                        "Pod",
                        f"{app}-0",
                        "FailedScheduling",
                        "0/4 nodes are available: pod has unbound immediate "
                        "PersistentVolumeClaims. preemption: 0/4 nodes are available: 4 "
                        "Preemption is not helpful for scheduling.",
                        cid,
                        count=12,
                        component="default-scheduler",
                        host="",
                    ),
                ],
            ),
            "prometheus": prom_alert(
                "KubeStatefulSetReplicasMismatch",
                {"namespace": ns, "statefulset": app, "severity": "warning"},
            ),
            "argocd": [
                app_obj(
                    cid,
                    "search-prod",
                    ns,
                    path,
                    "Synced",
                    "Progressing",
                    [
                        sync_res(
                            "StatefulSet",
                            ns,
                            app,
                            "Synced",
                            "Progressing",
                            "statefulset.apps/search-indexer configured",
                        ),
                    ],
                    health_message="Waiting for 1 pods to be ready...",
                )
            ],
        },
    )

    # 021 bolt: the overlay lists a file that is not there; kustomize's real error
    at(OPS)
    cid = PFX + "021"
    k = real.kubectl(
        cid + "-kustomize",
        {
            "apps/console/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "apps/console/base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
            "metadata:\n  name: console-web\n",
            "apps/console/overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n"
            "  - hpa.yaml\n",
        },
        ["kustomize", "apps/console/overlays/prod"],
    )
    assert k.code != 0, k
    # kubectl prints kustomize's error through klog; the repo server runs kustomize itself,
    # which prints it as ``Error: ...`` with paths under its checkout of the repository
    found = re.search(r'err="(.*)"$', " ".join(k.lines))
    assert found, k.lines
    u = sha(cid + "uuid")
    repo_dir = f"/tmp/_argocd-repo/{u[:8]}-{u[8:12]}-4c1e-9a0d-{u[12:24]}"
    kerr = "Error: " + found.group(1).replace('\\"', '"').replace(real.RUNNER, repo_dir)
    ns, app, path = "console", "console-web", "apps/console/overlays/prod"
    msg = (
        "Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: "
        "code = Unknown desc = Manifest generation error (cached): `kustomize build "
        f"<path to cached source>/{path}` failed exit status 1: {kerr}"
    )
    ci(
        cid,
        "argocd app wait times out with console-prod's sync status Unknown; its "
        "ComparisonError carries kustomize's own error: the prod overlay lists hpa.yaml, which "
        "the change moved into the base without updating the overlay",
        ["context-driven", "look-alike", "argocd"],
        "bolt",
        "argocd_sync",
        workflow="cd",
        job="deploy-prod",
        repo=WEB,
        steps=wait_job(
            cid,
            "console-prod",
            ns,
            path,
            "Unknown",
            "Healthy",
            [("apps", "Deployment", ns, app, "Synced", "Healthy", "", "")],
        ),
        message="refactor(k8s): move the console HPA into the base",
        files=["apps/console/base/hpa.yaml", "apps/console/base/kustomization.yaml"],
        extra={
            "argocd": [
                app_obj(
                    cid,
                    "console-prod",
                    ns,
                    path,
                    "Unknown",
                    "Healthy",
                    [
                        sync_res(
                            "Deployment",
                            ns,
                            app,
                            "Synced",
                            "Healthy",
                            "deployment.apps/console-web unchanged",
                        )
                    ],
                    conditions=[cond(cid, "ComparisonError", msg)],
                )
            ],
            **k8s_ctx(
                [
                    running_pod(cid, ns, app, img(cid, "console", "prev"), salt=str(i), port=3000)
                    for i in range(2)
                ],
                normal_events(cid, ns, app, 2),
            ),
        },
    )


# ------------------------------------------------------------------ 2. images


def _pull_events(cid: str, ns: str, pod: str, image: str, err: str) -> list[dict[str, Any]]:
    return [
        ev(ns, "Pod", pod, "Pulling", f'Pulling image "{image}"', cid, count=5, type_="Normal"),
        ev(ns, "Pod", pod, "Failed", f'Failed to pull image "{image}": {err}', cid, count=5),
        ev(ns, "Pod", pod, "Failed", "Error: ErrImagePull", cid, count=5),
        ev(
            ns,
            "Pod",
            pod,
            "BackOff",
            f'Back-off pulling image "{image}"',
            cid,
            count=21,
            type_="Normal",
        ),
        ev(ns, "Pod", pod, "Failed", "Error: ImagePullBackOff", cid, count=21),
    ]


def images() -> None:
    # 003 bolt: the overlay's newTag drops a character
    cid = PFX + "003"
    ns, app = "healer", "healer-worker"
    good = img(cid)
    bad = good[:-1]
    p = waiting_pod(cid, ns, app, bad, "ImagePullBackOff", f'Back-off pulling image "{bad}"')
    err = (
        f'rpc error: code = NotFound desc = failed to pull and unpack image "{bad}": failed to '
        f'resolve reference "{bad}": {bad}: not found'
    )
    alert_sensor(
        cid,
        "the sensor reports KubePodNotReady for a healer-worker pod; its events say the image "
        "is not found: the overlay's newTag is six hex digits, one short of the sha-tag CI "
        "pushed; the other healer pods and namespaces pull fine",
        ["context-driven", "look-alike"],
        "bolt",
        "k8s_manifest",
        "KubePodNotReady",
        "chore(healer): pin healer-worker to the hotfix build",
        ["apps/healer/overlays/prod/kustomization.yaml"],
        {
            **k8s_ctx(
                [p, running_pod(cid, ns, "healer-api", img(cid, salt="api"), salt="a")],
                _pull_events(cid, ns, p["metadata"]["name"], bad, err),
            ),
            "prometheus": prom_alert(
                "KubePodNotReady",
                {"namespace": ns, "pod": p["metadata"]["name"], "severity": "warning"},
            ),
        },
    )

    # 004 atlas: ghcr.io answers 503 to every namespace's pulls
    cid = PFX + "004"
    pods, events = [], []
    for ns, app, name in (
        ("healer", "healer-worker", "healer"),
        ("console", "console-web", "console"),
        ("ledger", "ledger-api", "ledger"),
    ):
        image = img(cid, name, ns)
        p = waiting_pod(
            cid, ns, app, image, "ImagePullBackOff", f'Back-off pulling image "{image}"', salt=ns
        )
        pods.append(p)
        events += _pull_events(
            cid,
            ns,
            p["metadata"]["name"],
            image,
            f'failed to pull and unpack image "{image}": failed to resolve reference "{image}": '
            f"unexpected status from HEAD request to https://ghcr.io/v2/5dlabs/{name}/manifests/"
            f"{image.rsplit(':', 1)[1]}: 503 Service Unavailable",
        )
    alert_sensor(
        cid,
        "the sensor reports KubePodNotReady for healer-worker, the same shape as a bad tag; "
        "the events say ghcr.io answered 503 to the manifest HEAD, and pods in console and "
        "ledger fail the same way at the same minute; the change only touched Rust code",
        ["context-driven", "look-alike", "flaky-infra"],
        "atlas",
        "general",
        "KubePodNotReady",
        "fix(worker): back off on empty queues",
        ["crates/healer-worker/src/poll.rs"],
        {
            **k8s_ctx(pods, events),
            "prometheus": {
                **prom_alert(
                    "KubePodNotReady",
                    {
                        "namespace": "healer",
                        "pod": pods[0]["metadata"]["name"],
                        "severity": "warning",
                    },
                ),
                "sum by (namespace) (kube_pod_container_status_waiting_reason{reason="
                '"ImagePullBackOff"})': [
                    {"metric": {"namespace": n}, "value": [1764320400, "1"]}
                    for n in ("console", "healer", "ledger")
                ],
            },
        },
        repo=REPO,
    )


# ------------------------------------------------------------------ 3. crashes


RUST_START = r"""
use std::env;

fn parse_shards(v: &str) -> Vec<u32> {
    v.split(',').map(|s| s.trim().parse().unwrap()).collect()
}

fn main() {
    println!("{}", r#"{"level":"INFO","target":"ledger_api","fields":{"message":"starting","version":"0.14.0"}}"#);
    let owned = parse_shards(&env::var("LEDGER_OWNED_SHARDS").unwrap_or_else(|_| "0, 1, 2,".into()));
    println!("{:?}", owned);
}
"""

RUST_SHARDS = r"""
use std::env;

struct Ring { shards: Vec<Vec<u64>> }

impl Ring {
    fn new(n: usize) -> Self {
        assert!(n > 0, "shard count must be at least 1, got {n}");
        Ring { shards: vec![Vec::new(); n] }
    }
}

fn main() {
    println!("{}", r#"{"level":"INFO","target":"healer_index","fields":{"message":"starting","version":"2.3.1"}}"#);
    let n: usize = env::var("HEALER_SHARDS").unwrap_or_else(|_| "0".into()).parse().expect("HEALER_SHARDS");
    let ring = Ring::new(n);
    println!("{}", ring.shards.len());
}
"""

RUST_RBAC = r"""
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("{}", r#"{"level":"INFO","target":"healer_operator","fields":{"message":"starting controller","namespace":"healer"}}"#);
    eprintln!("{}", r#"{"level":"ERROR","target":"kube_runtime::watcher","fields":{"message":"failed to perform initial object list","error":"ApiError: configmaps is forbidden: User \"system:serviceaccount:healer:healer-operator\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"healer\": Forbidden (ErrorResponse { status: \"Failure\", message: \"configmaps is forbidden: User \\\"system:serviceaccount:healer:healer-operator\\\" cannot list resource \\\"configmaps\\\" in API group \\\"\\\" in the namespace \\\"healer\\\"\", reason: \"Forbidden\", code: 403 })"}}"#);
    eprintln!("Error: initial list of ConfigMaps failed: 403 Forbidden");
    ExitCode::from(1)
}
"""

RUST_WORKER = r"""
use std::thread;

fn quote(lines: &[u64]) -> u64 {
    let first = lines[0];
    lines.iter().skip(1).fold(first, |a, b| a + b)
}

fn main() {
    println!("{}", r#"{"level":"INFO","target":"ledger_api","fields":{"message":"listening","addr":"0.0.0.0:8080"}}"#);
    let h = thread::Builder::new().name("tokio-runtime-worker".into()).spawn(|| quote(&[])).unwrap();
    let _ = h.join();
    println!("{}", r#"{"level":"ERROR","target":"ledger_api::http","fields":{"message":"handler panicked","route":"/v1/quotes","status":500}}"#);
    std::process::exit(101);
}
"""


def crashes() -> None:
    # 010 rex: a Rust panic at start-up behind argocd app wait
    at(OPS)
    cid = PFX + "010"
    ns, app, path = "ledger", "ledger-api", "apps/ledger/overlays/staging"
    loki = rust_loki(cid + "-rust", RUST_START, "ledger-api")
    assert any("panicked" in ln for ln in loki), loki
    p = crashloop(cid, ns, app, img(cid, "ledger"), exit_code=101)
    ci(
        cid,
        "argocd app wait times out with ledger-staging Degraded; ledger-api crash-loops with "
        "exit 101 and Loki holds the Rust panic: the change's shard-list parser unwraps the "
        "empty element a trailing comma leaves",
        ["context-driven", "argocd"],
        "rex",
        "rust_test",
        workflow="cd",
        job="deploy-staging",
        repo=LEDGER,
        steps=wait_job(
            cid,
            "ledger-staging",
            ns,
            path,
            "Synced",
            "Degraded",
            [("apps", "Deployment", ns, app, "Synced", "Degraded", "", "")],
        ),
        message="feat(ledger): own a configurable set of shards",
        files=["crates/ledger-api/src/shards.rs", "crates/ledger-api/src/main.rs"],
        extra={
            **k8s_ctx(
                [p, running_pod(cid, ns, app, img(cid, "ledger", "prev"), salt="old")],
                [
                    ev(
                        ns,
                        "Pod",
                        p["metadata"]["name"],
                        "BackOff",
                        f"Back-off restarting failed container {app} in pod "
                        f"{p['metadata']['name']}_{ns}({sha(p['metadata']['name'])[:8]})",
                        cid,
                        count=31,
                    )
                ],
                loki=loki,
            ),
            "argocd": [
                app_obj(
                    cid,
                    "ledger-staging",
                    ns,
                    path,
                    "Synced",
                    "Degraded",
                    [
                        sync_res(
                            "Deployment",
                            ns,
                            app,
                            "Synced",
                            "Degraded",
                            "deployment.apps/ledger-api configured",
                        )
                    ],
                    health_message='Deployment "ledger-api" exceeded its progress deadline',
                )
            ],
        },
    )

    # 011 bolt: the same kind of Rust panic, but the overlay set HEALER_SHARDS to 0
    cid = PFX + "011"
    ns, app, path = "healer", "healer-index", "apps/healer/overlays/staging"
    loki = rust_loki(cid + "-rust", RUST_SHARDS, "healer-index")
    assert any("shard count must be at least 1" in ln for ln in loki), loki
    p = crashloop(cid, ns, app, img(cid, "healer-index"), exit_code=101)
    ci(
        cid,
        "argocd app wait times out with healer-staging Degraded; healer-index crash-loops with "
        "exit 101 on a Rust assertion 'shard count must be at least 1, got 0'; the image is "
        'unchanged and the change is the staging overlay\'s patch setting HEALER_SHARDS to "0" '
        "(meant to disable sharding)",
        ["context-driven", "look-alike", "argocd"],
        "bolt",
        "k8s_manifest",
        workflow="cd",
        job="deploy-staging",
        repo=OPS,
        steps=wait_job(
            cid,
            "healer-staging",
            ns,
            path,
            "Synced",
            "Degraded",
            [("apps", "Deployment", ns, app, "Synced", "Degraded", "", "")],
        ),
        message="chore(staging): no index sharding on staging",
        files=["apps/healer/overlays/staging/index-env-patch.yaml"],
        extra={
            **k8s_ctx([p], [], loki=loki),
            "argocd": [
                app_obj(
                    cid,
                    "healer-staging",
                    ns,
                    path,
                    "Synced",
                    "Degraded",
                    [
                        sync_res(
                            "Deployment",
                            ns,
                            app,
                            "Synced",
                            "Degraded",
                            "deployment.apps/healer-index configured",
                        )
                    ],
                    health_message='Deployment "healer-index" exceeded its progress deadline',
                )
            ],
        },
    )

    # 006 bolt: memory limit cut below the working set; alert only
    cid = PFX + "006"
    ns, app = "healer", "healer-api"
    p = crashloop(cid, ns, app, img(cid), exit_code=137, reason="OOMKilled", memory_limit="96Mi")
    alert_sensor(
        cid,
        "the sensor reports KubePodCrashLooping for healer-api; the last state is OOMKilled "
        "(137) under the new 96Mi limit while the working set has sat near 180Mi for a week; "
        "the change trimmed the limits in the prod overlay; Loki has only ordinary request lines",
        ["context-driven", "look-alike"],
        "bolt",
        "k8s_manifest",
        "KubePodCrashLooping",
        "chore(prod): right-size healer-api requests and limits",
        ["apps/healer/overlays/prod/resources-patch.yaml"],
        {
            **k8s_ctx([p], [], loki=info_lines(cid)),
            "prometheus": {
                **prom_alert(
                    "KubePodCrashLooping",
                    {
                        "namespace": ns,
                        "pod": p["metadata"]["name"],
                        "container": app,
                        "severity": "warning",
                    },
                ),
                f'max_over_time(container_memory_working_set_bytes{{namespace="{ns}",'
                f'container="{app}"}}[7d])': [
                    {
                        "metric": {"namespace": ns, "container": app},
                        "value": [1764320400, str(183 * 1024 * 1024)],
                    }
                ],
            },
        },
    )

    # 007 rex: KubePodCrashLooping again, a real Rust panic in a request worker
    cid = PFX + "007"
    ns, app = "ledger", "ledger-api"
    loki = rust_loki(cid + "-rust", RUST_WORKER, "ledger-api")
    assert any("index out of bounds" in ln for ln in loki), loki
    p = crashloop(cid, ns, app, img(cid, "ledger"), exit_code=101)
    alert_sensor(
        cid,
        "the sensor reports KubePodCrashLooping for ledger-api, the same alert as an OOM; the "
        "last state is exit 101 and Loki holds a Rust 'index out of bounds: the len is 0' "
        "panic in the quote code the deployed commit rewrote for empty carts",
        ["context-driven", "look-alike"],
        "rex",
        "rust_test",
        "KubePodCrashLooping",
        "perf(quotes): fold line totals without cloning",
        ["crates/ledger-api/src/quote.rs"],
        {
            **k8s_ctx([p], [], loki=loki),
            "prometheus": prom_alert(
                "KubePodCrashLooping",
                {
                    "namespace": ns,
                    "pod": p["metadata"]["name"],
                    "container": app,
                    "severity": "warning",
                },
            ),
        },
        repo=LEDGER,
    )

    # 008 bolt: the Role lost ``list``; the Rust operator logs its 403 and exits 1
    cid = PFX + "008"
    ns, app = "healer", "healer-operator"
    loki = rust_loki(cid + "-rust", RUST_RBAC, "healer-operator")
    assert any("Forbidden" in ln for ln in loki), loki
    p = crashloop(cid, ns, app, img(cid, "healer-operator"), exit_code=1)
    alert_sensor(
        cid,
        "the sensor reports KubePodCrashLooping for healer-operator (exit 1); Loki has the Rust "
        "operator's own error, a 403 'cannot list resource configmaps' for its service account; "
        "the change narrowed the Role's verbs to get and watch",
        ["context-driven", "look-alike"],
        "bolt",
        "k8s_manifest",
        "KubePodCrashLooping",
        "chore(rbac): least privilege for healer-operator",
        ["apps/healer/base/operator-role.yaml"],
        {
            **k8s_ctx([p], [], loki=loki),
            "prometheus": prom_alert(
                "KubePodCrashLooping",
                {
                    "namespace": ns,
                    "pod": p["metadata"]["name"],
                    "container": app,
                    "severity": "warning",
                },
            ),
        },
    )

    # 022 rex: high error rate, a Rust worker thread panics per request (no restarts)
    cid = PFX + "022"
    ns, app = "ledger", "ledger-api"
    loki = rust_loki(cid + "-rust", RUST_WORKER, "ledger-api")
    alert_sensor(
        cid,
        "the sensor reports LedgerApiHighErrorRate; the pods are Ready with no restarts but "
        "Loki shows a Rust panic on a tokio worker for each POST /v1/quotes with an empty cart, "
        "in the code the deployed commit changed",
        ["context-driven"],
        "rex",
        "rust_test",
        "LedgerApiHighErrorRate",
        "perf(quotes): fold line totals without cloning (#412)",
        ["crates/ledger-api/src/quote.rs"],
        {
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid, "ledger"), salt=str(i)) for i in range(2)],
                normal_events(cid, ns, app, 2),
                loki=loki,
            ),
            "prometheus": {
                **prom_alert(
                    "LedgerApiHighErrorRate",
                    {"namespace": ns, "service": app, "severity": "critical"},
                ),
                f'sum(rate(http_requests_total{{namespace="{ns}",status=~"5.."}}[5m])) / '
                f'sum(rate(http_requests_total{{namespace="{ns}"}}[5m]))': [
                    {"metric": {}, "value": [1764320400, "0.231"]}
                ],
            },
        },
        repo=LEDGER,
    )

    # 012 blaze: a Node TypeError at start-up behind argocd app wait
    at(WEB)
    cid = PFX + "012"
    ns, app, path = "console", "console-web", "apps/console/overlays/staging"
    loki = node_crash(
        cid + "-node",
        {
            "server/flags.js": "export function loadFlags(cfg) {\n"
            "  return Object.fromEntries(cfg.features.rollout.map((f) => [f.name, f.on]));\n}\n",
            "server/index.js": "import { loadFlags } from './flags.js';\n"
            "console.log(JSON.stringify({level:30,msg:'console-web starting'}));\n"
            "const flags = loadFlags({ features: {} });\nconsole.log(flags);\n",
        },
        "server/index.js",
    )
    assert any("TypeError" in ln for ln in loki), loki
    p = crashloop(cid, ns, app, img(cid, "console"), exit_code=1, port=3000)
    ci(
        cid,
        "argocd app wait times out with console-staging Degraded; console-web crash-loops "
        "(exit 1) and Loki holds a Node TypeError from the change's flag loader reading "
        "features.rollout, which the config does not have",
        ["context-driven", "argocd"],
        "blaze",
        "frontend_test",
        workflow="cd",
        job="deploy-staging",
        repo=WEB,
        steps=wait_job(
            cid,
            "console-staging",
            ns,
            path,
            "Synced",
            "Degraded",
            [("apps", "Deployment", ns, app, "Synced", "Degraded", "", "")],
        ),
        message="feat(console): staged feature rollout",
        files=["server/flags.js", "server/index.js"],
        extra={
            **k8s_ctx([p], [], loki=loki),
            "argocd": [
                app_obj(
                    cid,
                    "console-staging",
                    ns,
                    path,
                    "Synced",
                    "Degraded",
                    [
                        sync_res(
                            "Deployment",
                            ns,
                            app,
                            "Synced",
                            "Degraded",
                            "deployment.apps/console-web configured",
                        )
                    ],
                    health_message='Deployment "console-web" exceeded its progress deadline',
                )
            ],
        },
    )

    # 013 blaze: ERR_MODULE_NOT_FOUND after the change renamed a module; alert only
    cid = PFX + "013"
    loki = node_crash(
        cid + "-node",
        {
            "server/index.js": "import { render } from './render/page.js';\nconsole.log(render);\n",
            "server/render/page-view.js": "export const render = () => '';\n",
        },
        "server/index.js",
    )
    assert any("ERR_MODULE_NOT_FOUND" in ln for ln in loki), loki
    p = crashloop(cid, ns, "console-ssr", img(cid, "console"), exit_code=1, port=3000)
    alert_sensor(
        cid,
        "the sensor reports KubeDeploymentReplicasMismatch for console-ssr; its pods crash with "
        "exit 1 and Loki shows Node's ERR_MODULE_NOT_FOUND for server/render/page.js: the "
        "change renamed the module and left the import",
        ["context-driven"],
        "blaze",
        "frontend_build",
        "KubeDeploymentReplicasMismatch",
        "refactor(ssr): split page rendering",
        ["server/render/page-view.js", "server/index.js"],
        {
            **k8s_ctx([p], [], loki=loki),
            "prometheus": prom_alert(
                "KubeDeploymentReplicasMismatch",
                {"namespace": ns, "deployment": "console-ssr", "severity": "warning"},
            ),
        },
        repo=WEB,
    )

    # 014 bolt: runAsUser over a root-owned cache directory; a Node EACCES in Loki
    cid = PFX + "014"
    raw = node_crash(
        cid + "-node",
        {
            "server/cache.js": "import { writeFileSync } from 'node:fs';\n"
            "export function warm() {\n  writeFileSync('/sys/tokens.json', '{}');\n}\n",
            "server/index.js": "import { warm } from './cache.js';\n"
            "console.log(JSON.stringify({level:30,msg:'console-web starting'}));\nwarm();\n",
        },
        "server/index.js",
    )
    loki = [ln.replace("/sys/tokens.json", "/app/.cache/tokens.json") for ln in raw]
    assert any("EACCES" in ln for ln in loki), loki
    p = crashloop(cid, ns, app, img(cid, "console", "prev"), exit_code=1, port=3000)
    ci(
        cid,
        "argocd app wait times out with console-staging Degraded; Loki shows a Node EACCES "
        "writing /app/.cache/tokens.json; the image is the previous, working one and the change "
        "is the overlay's securityContext running the pod as uid 10001 while the image's "
        "/app/.cache belongs to root",
        ["context-driven", "look-alike", "argocd"],
        "bolt",
        "k8s_manifest",
        workflow="cd",
        job="deploy-staging",
        repo=OPS,
        steps=wait_job(
            cid,
            "console-staging",
            ns,
            path,
            "Synced",
            "Degraded",
            [("apps", "Deployment", ns, app, "Synced", "Degraded", "", "")],
        ),
        message="chore(console): run as non-root",
        files=["apps/console/overlays/staging/security-context-patch.yaml"],
        extra={
            **k8s_ctx([p], [], loki=loki),
            "argocd": [
                app_obj(
                    cid,
                    "console-staging",
                    ns,
                    path,
                    "Synced",
                    "Degraded",
                    [
                        sync_res(
                            "Deployment",
                            ns,
                            app,
                            "Synced",
                            "Degraded",
                            "deployment.apps/console-web configured",
                        )
                    ],
                    health_message='Deployment "console-web" exceeded its progress deadline',
                )
            ],
        },
    )


# ------------------------------------------------------------------ 4. platform


def platform() -> None:
    at(WEB)
    # 015 atlas: nodes NotReady, the new pods cannot schedule; a CSS-only change
    cid = PFX + "015"
    ns, app, path = "console", "console-web", "apps/console/overlays/prod"
    msg = (
        "0/3 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/"
        "unreachable: }, 1 Insufficient cpu. preemption: 0/3 nodes are available: 1 No "
        "preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
    )
    p = pending_pod(cid, ns, app, img(cid, "console"), msg, salt="n")
    events = [
        ev(
            "default",
            "Node",
            f"k3s-worker-{i}",
            "NodeNotReady",
            f"Node k3s-worker-{i} status is now: NodeNotReady",
            cid,
            component="node-controller",
            host="",
            type_="Normal",
        )
        for i in (2, 3)
    ] + [
        ev(
            ns,
            "Pod",
            p["metadata"]["name"],
            "FailedScheduling",
            msg,
            cid,
            count=14,
            component="default-scheduler",
            host="",
        ),
    ]
    ci(
        cid,
        "argocd app wait times out with console-prod Progressing; the new pod is Pending "
        "because two of three nodes are NotReady (the node controller tainted them "
        "unreachable) and the last one is full; the change only edits a stylesheet",
        ["context-driven", "argocd"],
        "atlas",
        "general",
        workflow="cd",
        job="deploy-prod",
        repo=WEB,
        steps=wait_job(
            cid,
            "console-prod",
            ns,
            path,
            "Synced",
            "Progressing",
            [("apps", "Deployment", ns, app, "Synced", "Progressing", "", "")],
        ),
        message="style(console): tighten table spacing",
        files=["src/styles/table.css"],
        extra={
            **k8s_ctx([p], events),
            "prometheus": prom_alert(
                "KubeNodeNotReady", {"node": "k3s-worker-2", "severity": "warning"}
            ),
            "argocd": [
                app_obj(
                    cid,
                    "console-prod",
                    ns,
                    path,
                    "Synced",
                    "Progressing",
                    [
                        sync_res(
                            "Deployment",
                            ns,
                            app,
                            "Synced",
                            "Progressing",
                            "deployment.apps/console-web configured",
                        )
                    ],
                    health_message="Waiting for rollout to finish: 1 old replicas are pending "
                    "termination...",
                )
            ],
        },
    )

    # 016 atlas: cert-manager's webhook (the platform's) is down; a Rust-only change
    at(REPO)
    cid = PFX + "016"
    ns, app, path = "healer", "healer-api", "apps/healer/overlays/staging"
    msg = (
        'Internal error occurred: failed calling webhook "webhook.cert-manager.io": failed to '
        'call webhook: Post "https://cert-manager-webhook.cert-manager.svc:443/validate?'
        'timeout=30s": dial tcp 10.43.88.14:443: connect: connection refused'
    )
    wh = crashloop(
        cid,
        "cert-manager",
        "cert-manager-webhook",
        "quay.io/jetstack/cert-manager-webhook:v1.16.2",
        exit_code=1,
    )
    ci(
        cid,
        "argocd app wait times out with healer-staging OutOfSync; syncResult says the "
        "Certificate failed to apply because cert-manager's webhook refused connections, and "
        "cert-manager-webhook is crash-looping in its own namespace; the change is Rust only",
        ["context-driven", "look-alike", "argocd"],
        "atlas",
        "general",
        workflow="cd",
        job="deploy-staging",
        repo=REPO,
        steps=wait_job(
            cid,
            "healer-staging",
            ns,
            path,
            "OutOfSync",
            "Healthy",
            [
                ("apps", "Deployment", ns, app, "Synced", "Healthy", "", ""),
                (
                    "cert-manager.io",
                    "Certificate",
                    ns,
                    "healer-api-tls",
                    "OutOfSync",
                    "Healthy",
                    "",
                    "",
                ),
            ],
        ),
        message="fix(api): retry webhook deliveries on 502",
        files=["crates/healer-api/src/webhook.rs"],
        extra={
            **k8s_ctx(
                [wh, *[running_pod(cid, ns, app, img(cid), salt=str(i)) for i in range(2)]],
                [],
                loki=[
                    'E1130 07:12:31.118301       1 webhook.go:142] "msg"="failed to '
                    'load serving certificate" "error"="secret cert-manager/'
                    'cert-manager-webhook-ca: not found"',
                ],
            ),
            "argocd": [
                app_obj(
                    cid,
                    "healer-staging",
                    ns,
                    path,
                    "OutOfSync",
                    "Healthy",
                    [
                        sync_res(
                            "Deployment",
                            ns,
                            app,
                            "Synced",
                            "Healthy",
                            "deployment.apps/healer-api configured",
                        ),
                        sync_res(
                            "Certificate",
                            ns,
                            "healer-api-tls",
                            "OutOfSync",
                            "Healthy",
                            msg,
                            "SyncFailed",
                            group="cert-manager.io",
                        ),
                    ],
                    phase="Failed",
                    op_message="one or more objects failed to apply, reason: " + msg,
                )
            ],
        },
    )

    # 020 atlas: Argo CD's repo server OOMKilled; ComparisonError; a frontend-only change
    at(WEB)
    cid = PFX + "020"
    ns, app, path = "console", "console-web", "apps/console/overlays/prod"
    msg = (
        "Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: "
        'code = Unavailable desc = connection error: desc = "transport: Error while dialing: '
        'dial tcp 10.43.0.91:8081: connect: connection refused"'
    )
    rs = crashloop(
        cid,
        "argocd",
        "argocd-repo-server",
        "quay.io/argoproj/argocd:v2.13.2",
        exit_code=137,
        reason="OOMKilled",
        memory_limit="256Mi",
    )
    ci(
        cid,
        "argocd app wait times out with console-prod's sync status Unknown; the "
        "ComparisonError is a connection refused to the repo server, and argocd-repo-server "
        "itself is OOMKilled in the argocd namespace; the change is a React component",
        ["context-driven", "look-alike", "argocd"],
        "atlas",
        "general",
        workflow="cd",
        job="deploy-prod",
        repo=WEB,
        steps=wait_job(
            cid,
            "console-prod",
            ns,
            path,
            "Unknown",
            "Healthy",
            [("apps", "Deployment", ns, app, "Synced", "Healthy", "", "")],
        ),
        message="feat(console): sortable runs table",
        files=["src/components/RunsTable.tsx"],
        extra={
            **k8s_ctx(
                [
                    rs,
                    *[
                        running_pod(
                            cid, ns, app, img(cid, "console", "prev"), salt=str(i), port=3000
                        )
                        for i in range(2)
                    ],
                ],
                [],
            ),
            "argocd": [
                app_obj(
                    cid,
                    "console-prod",
                    ns,
                    path,
                    "Unknown",
                    "Healthy",
                    [
                        sync_res(
                            "Deployment",
                            ns,
                            app,
                            "Synced",
                            "Healthy",
                            "deployment.apps/console-web unchanged",
                        )
                    ],
                    conditions=[cond(cid, "ComparisonError", msg)],
                )
            ],
        },
    )


# ------------------------------------------------------------------ 5. admission policies


def _denied(cid: str, ns: str, app: str, image: str, message: str) -> dict[str, Any]:
    rs = replicaset(cid, ns, app, image, 2, 0, failure=message)
    return rs


def policies() -> None:
    at(OPS)
    # 017 cipher: Kyverno refuses the image for critical CVEs; alert only
    cid = PFX + "017"
    ns, app, path = "healer", "healer-api", "apps/healer/overlays/prod"
    image = img(cid)
    msg = (
        'admission webhook "validate.kyverno.svc-fail" denied the request: \n\nresource '
        f"Deployment/{ns}/{app} was blocked due to the following policies \n\n"
        "check-image-vulnerabilities:\n  autogen-deny-critical-cves: 'image "
        f"{image} has vulnerabilities with severity CRITICAL: CVE-2024-45337 "
        "(golang.org/x/crypto 0.27.0), CVE-2025-21613 (github.com/go-git/go-git/v5 5.12.0) from the "
        "trivy vulnerability attestation'"
    )
    alert_sensor(
        cid,
        "the sensor reports ArgoCdAppSyncFailed for healer-prod; syncResult says Kyverno's "
        "check-image-vulnerabilities policy blocked the Deployment because the new image's "
        "trivy attestation lists critical CVEs in golang.org/x/crypto (the bundled git-credential "
        "helper); the change is a routine image bump",
        ["context-driven", "look-alike", "security", "argocd"],
        "cipher",
        "vulnerable_dependency",
        "ArgoCdAppSyncFailed",
        f"chore(healer): deploy sha-{sha(cid)[:7]} to prod",
        ["apps/healer/overlays/prod/kustomization.yaml"],
        {
            "prometheus": prom_alert(
                "ArgoCdAppSyncFailed",
                {
                    "name": "healer-prod",
                    "phase": "Failed",
                    "project": "platform",
                    "severity": "warning",
                    "namespace": "argocd",
                },
            ),
            "argocd": [
                app_obj(
                    cid,
                    "healer-prod",
                    ns,
                    path,
                    "OutOfSync",
                    "Healthy",
                    [sync_res("Deployment", ns, app, "OutOfSync", "Healthy", msg, "SyncFailed")],
                    phase="Failed",
                    op_message="one or more objects failed to apply, reason: " + msg,
                )
            ],
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid, salt="prev"), salt=str(i)) for i in range(2)],
                [],
            ),
        },
    )

    # 019 bolt: a Kyverno policy about the manifest's shape (no limits) refuses the change
    cid = PFX + "019"
    ns, app, path = "ledger", "ledger-worker", "apps/ledger/overlays/prod"
    msg = (
        'admission webhook "validate.kyverno.svc-fail" denied the request: \n\nresource '
        f"Deployment/{ns}/{app} was blocked due to the following policies \n\n"
        "require-requests-limits:\n  autogen-validate-resources: 'validation error: CPU and "
        "memory resource requests and memory limits are required for containers. rule "
        "autogen-validate-resources failed at path /spec/template/spec/containers/0/resources/"
        "limits/'"
    )
    ci(
        cid,
        "argocd app wait times out with ledger-prod OutOfSync; syncResult says Kyverno blocked "
        "the Deployment, the same webhook as an image policy, but the rule is "
        "require-requests-limits: the change's new worker container has no resources block",
        ["context-driven", "look-alike", "argocd"],
        "bolt",
        "k8s_manifest",
        workflow="cd",
        job="deploy-prod",
        repo=LEDGER,
        steps=wait_job(
            cid,
            "ledger-prod",
            ns,
            path,
            "OutOfSync",
            "Healthy",
            [("apps", "Deployment", ns, app, "OutOfSync", "Missing", "", "")],
        ),
        message="feat(ledger): split the settlement worker out of the API",
        files=["apps/ledger/base/worker-deployment.yaml", "apps/ledger/base/kustomization.yaml"],
        extra={
            "argocd": [
                app_obj(
                    cid,
                    "ledger-prod",
                    ns,
                    path,
                    "OutOfSync",
                    "Missing",
                    [sync_res("Deployment", ns, app, "OutOfSync", "Missing", msg, "SyncFailed")],
                    phase="Failed",
                    op_message="one or more objects failed to apply, reason: " + msg,
                )
            ],
        },
    )

    # 018 cipher: the sigstore policy controller finds no matching signature
    at(REPO)
    cid = PFX + "018"
    ns, app = "healer", "healer-api"
    image = img(cid)
    digest = "sha256:" + sha(cid + "d") + sha(cid + "e")[:24]
    msg = (
        f'Error creating: admission webhook "policy.sigstore.dev" denied the request: '
        f"validation failed: failed policy: require-5dlabs-signatures: spec.containers[0].image\n"
        f"{image.rsplit(':', 1)[0]}@{digest} signature keyless validation failed for authority "
        "authority-0 for "
        f"{image.rsplit(':', 1)[0]}@{digest}: no matching signatures: none of the expected "
        "identities matched what was in the certificate, got subjects "
        "[https://github.com/5dlabs/healer/.github/workflows/build.yml@refs/heads/"
        "fork-sync] with issuer https://token.actions.githubusercontent.com"
    )
    rset = _denied(cid, ns, app, image, msg)
    out = rollout(cid, ns, app, 2, 0, 2, deadline=True)
    ci(
        cid,
        "the rollout of healer-api runs out its deadline; the new ReplicaSet has a "
        "ReplicaFailure: the sigstore policy controller refused the image, whose signature was "
        "made by a workflow on an unexpected ref (a fork-sync branch), not the release workflow",
        ["context-driven", "security"],
        "cipher",
        "vulnerable_dependency",
        workflow="deploy",
        job="rollout-prod",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Wait for rollout", seconds=300)],
        message="chore(api): deploy healer-api",
        files=["charts/healer/values-prod.yaml"],
        extra={
            "kubernetes": {
                "pods": [
                    running_pod(cid, ns, app, img(cid, salt="prev"), salt=str(i)) for i in range(2)
                ],
                "events": [
                    shapes.event(
                        ns,
                        "ReplicaSet",
                        rset["metadata"]["name"],
                        "FailedCreate",
                        msg,
                        first=clock(cid)[1],
                        last=clock(cid)[2],
                        count=17,
                        component="replicaset-controller",
                    ),
                ],
                "replicasets": [rset],
            }
        },
    )


# ------------------------------------------------------------------ 6. memory and scanners


def _evicted(cid: str, ns: str, app: str, image: str, node: str, salt: str) -> dict[str, Any]:
    p = running_pod(cid, ns, app, image, salt=salt, ready=False, node=node)
    p["status"] = {
        "phase": "Failed",
        "reason": "Evicted",
        "message": "The node was low on resource: memory. Threshold quantity: 100Mi, available: "
        f"87412Ki. Container {app} was using 171Mi, request is 128Mi, has larger consumption "
        "of its request. ",
        "startTime": clock(cid)[0],
    }
    return p


def extras() -> None:
    # 027 atlas: the node ran out of memory and evicted pods of every namespace
    at(REPO)
    cid = PFX + "027"
    node = "k3s-worker-3"
    pods = [
        _evicted(cid, "healer", "healer-api", img(cid), node, "a"),
        _evicted(cid, "console", "console-web", img(cid, "console"), node, "b"),
        _evicted(cid, "ledger", "ledger-api", img(cid, "ledger"), node, "c"),
    ]
    events = [
        ev(
            "default",
            "Node",
            node,
            "EvictionThresholdMet",
            "Attempting to reclaim memory",
            cid,
            host=node,
            count=4,
        ),
        *[
            ev(
                p["metadata"]["namespace"],
                "Pod",
                p["metadata"]["name"],
                "Evicted",
                p["status"]["message"].strip(),
                cid,
                host=node,
            )
            for p in pods
        ],
    ]
    alert_sensor(
        cid,
        "the sensor reports KubeDeploymentReplicasMismatch for healer-api, as a memory limit "
        "cut would; but no container was OOMKilled: kubelet on k3s-worker-3 hit its memory "
        "eviction threshold and evicted pods of healer, console and ledger alike"
        "; the change only edits doc "
        "comments",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        "KubeDeploymentReplicasMismatch",
        "docs(api): document the runs pagination cursor",
        ["crates/healer-api/src/routes/runs.rs"],
        {
            **k8s_ctx(pods, events),
            "prometheus": {
                **prom_alert(
                    "KubeDeploymentReplicasMismatch",
                    {"namespace": "healer", "deployment": "healer-api", "severity": "warning"},
                ),
                **prom_alert("KubeNodeMemoryPressure", {"node": node, "severity": "warning"}),
                f'node_memory_MemAvailable_bytes{{instance="{node}"}}': [
                    {"metric": {"instance": node}, "value": [1764320400, "89509888"]}
                ],
            },
        },
        repo=REPO,
    )

    # 028 cipher: trivy-operator's alert on a running image; nothing was deployed
    at(OPS)
    cid = PFX + "028"
    ns, app = "ledger", "ledger-api"
    image = img(cid, "ledger")
    repo_, tag = image.split("/", 1)[1].rsplit(":", 1)
    labels = {
        "namespace": ns,
        "resource_kind": "ReplicaSet",
        "resource_name": rs_name(cid, app),
        "container_name": app,
        "image_registry": "ghcr.io",
        "image_repository": repo_,
        "image_tag": tag,
    }
    vulns = [
        ("CVE-2024-45337", "golang.org/x/crypto", "v0.27.0", "0.31.0"),
        ("CVE-2025-21613", "github.com/go-git/go-git/v5", "v5.12.0", "5.13.0"),
    ]
    alert_sensor(
        cid,
        "the sensor reports TrivyCriticalVulnerability for ledger-api; nothing was deployed and "
        "the pods are healthy: trivy-operator's nightly rescan found two critical CVEs in Go "
        "modules of the git helper bundled in the running image",
        ["context-driven", "security"],
        "cipher",
        "vulnerable_dependency",
        "TrivyCriticalVulnerability",
        "chore(ledger): bump replica count to 3",
        ["apps/ledger/overlays/prod/replicas-patch.yaml"],
        {
            **k8s_ctx(
                [running_pod(cid, ns, app, image, salt=str(i)) for i in range(3)],
                normal_events(cid, ns, app, 2),
            ),
            "prometheus": {
                **prom_alert(
                    "TrivyCriticalVulnerability",
                    {**labels, "severity": "critical"},
                ),
                f'trivy_image_vulnerabilities{{namespace="{ns}",severity="Critical"}}': [
                    {"metric": {**labels, "severity": "Critical"}, "value": [1764320400, "2"]}
                ],
                f'trivy_vulnerability_id{{namespace="{ns}",severity="Critical"}}': [
                    {
                        "metric": {
                            **labels,
                            "severity": "Critical",
                            "vuln_id": vid,
                            "resource": res_,
                            "installed_version": have,
                            "fixed_version": fixed,
                        },
                        "value": [1764320400, "1"],
                    }
                    for vid, res_, have, fixed in vulns
                ],
            },
        },
    )


# ------------------------------------------------------------------ 7. plain


def plain() -> None:
    # 023 bolt obvious: kustomize's own error in a render job
    at(OPS)
    cid = PFX + "023"
    k = real.kubectl(
        cid + "-kustomize",
        {
            "apps/healer/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "apps/healer/base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
            "metadata:\n  name: healer-api\nspec:\n  template:\n    spec:\n      containers:\n"
            "        - name: healer-api\n          image: ghcr.io/5dlabs/healer:sha-1\n",
            "apps/healer/overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n"
            "patches:\n  - path: replicas.yaml\n",
            "apps/healer/overlays/prod/replicas.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
            "metadata:\n  name: healer-apii\nspec:\n  replicas: 4\n",
        },
        ["kustomize", "apps/healer/overlays/prod"],
    )
    assert k.code != 0, k
    ci(
        cid,
        "the render job's kubectl kustomize fails on the prod overlay: the change's replicas "
        "patch targets Deployment healer-apii, which the base does not have",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="gitops-validate",
        job="render-overlays",
        repo=OPS,
        steps=[*kube_setup()[:1], failing(k, name="Render prod overlay")],
        message="chore(prod): four healer-api replicas",
        files=[
            "apps/healer/overlays/prod/replicas.yaml",
            "apps/healer/overlays/prod/kustomization.yaml",
        ],
        pr=pr_of(cid, "chore(prod): four healer-api replicas"),
    )

    # 024 rex obvious: rustc E0308 in the deploy build
    at(REPO)
    cid = PFX + "024"
    out = rust_build(
        cid + "-rustc",
        {
            "src/main.rs": 'fn port() -> u16 {\n    std::env::var("PORT").unwrap_or'
            '("8080".into())\n}\n\nfn main() {\n    println!("{}", port());\n}\n',
        },
    )
    assert out.code != 0 and any("E0308" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "the deploy workflow's release build fails with rustc E0308: the change's port() "
        "returns the String from env::var where it declares u16",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="cd",
        job="build-release",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build release")],
        message="feat(api): read the listen port from PORT",
        files=["crates/healer-api/src/main.rs"],
    )

    # 025 blaze obvious: tsc TS2345 in the console's deploy build
    at(WEB)
    cid = PFX + "025"
    out = real.tsc(
        cid + "-tsc",
        {
            "tsconfig.json": '{"compilerOptions":{"strict":true,"target":"ES2022","module":'
            '"ESNext","moduleResolution":"Bundler","noEmit":true},"include":["src"]}',
            "src/runs.ts": "export function pageSize(limit: number): number {\n"
            "  return Math.min(limit, 100);\n}\n\n"
            "const q = new URLSearchParams('limit=50');\n"
            "export const size = pageSize(q.get('limit'));\n",
        },
    )
    assert out.code != 0 and any("TS2345" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "the console's deploy build fails in tsc with TS2345: the change passes "
        "URLSearchParams.get's string | null where pageSize takes a number",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="cd",
        job="build",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Type-check")],
        message="feat(console): page size from the query string",
        files=["src/runs.ts"],
    )

    # 026 atlas obvious: the CI account may not sync the application
    at(REPO)
    cid = PFX + "026"
    when = f"{start_of(cid) + timedelta(seconds=11):%Y-%m-%dT%H:%M:%SZ}"
    ci(
        cid,
        "argocd app sync is refused with PermissionDenied: the CI account ci-deployer has no "
        "sync permission on platform/healer-staging (the project's RBAC was narrowed); nothing "
        "reached the cluster",
        ["obvious"],
        "atlas",
        "permissions",
        workflow="cd",
        job="deploy-staging",
        repo=REPO,
        steps=[
            *kube_setup()[:1],
            run(
                "argocd app sync healer-staging --grpc-web --timeout 300",
                [
                    shapes.logrus_fatal(
                        when,
                        "rpc error: code = PermissionDenied desc = permission denied: "
                        "applications, sync, platform/healer-staging, sub: ci-deployer, iat: "
                        "2026-08-03T09:14:52Z",
                    )
                ],
                20,
                name="Sync healer-staging",
                env={"ARGOCD_SERVER": "argocd.5dlabs.ai", "ARGOCD_AUTH_TOKEN": "***"},
            ),
        ],
        message="feat(api): paginate runs",
        files=["crates/healer-api/src/routes/runs.rs"],
    )
