"""Batch 35 of the fresh split (ids ``fr-zi-``): deploy, rollout, smoke and canary steps whose
log says little, decided by the cluster context in its real API shapes.

- StatefulSets: a PVC Pending on a StorageClass the change named that does not exist (bolt),
  the storage provisioner down in a fresh preview namespace with a Rust-only change (atlas), a
  Rust store panicking on the data directory's format after the change (rex), and the plain
  ``Forbidden: updates to statefulset spec`` on a volumeClaimTemplates edit (bolt, obvious);
- Jobs and CronJobs: a smoke run of the digest CronJob hitting BackoffLimitExceeded on a real
  Node TypeError from the change (blaze), a Job killed by ``DeadlineExceeded`` while its image
  tag, mistyped by the change, never pulled (bolt), the reindex Job's Rust binary panicking on
  a setting the change now parses as an integer (rex);
- quotas and autoscaling: ``exceeded quota`` after the change quadrupled memory requests
  (bolt), an HPA and the change's ``replicas: 6`` fighting under Argo CD self-heal (bolt), a
  shared preview quota used up by another team's batch pods with a Rust-only change (atlas);
- admission webhooks: Gatekeeper's webhook timing out because its controller is down with no
  change to manifests (atlas), Gatekeeper denying the change's container without limits
  (bolt, obvious), the chart's own injector webhook with no endpoints after the change renamed
  its Service selector (bolt);
- init containers and sidecars: an init container waiting on a migration Job whose Rust
  migration panicked on the change's index arithmetic (rex), a log-shipper sidecar the chart
  bumped to a tag that does not exist (bolt), istio-proxy never ready because istiod is
  crashlooping while the change is frontend-only (atlas);
- nodes: ``untolerated taint`` after the change pinned the pods to the GPU pool (bolt), nodes
  cordoned and NotReady during a k3s upgrade with a frontend-only change (atlas), required
  node affinity on a zone the cluster does not have (bolt);
- egress: DNS failures after the change added a default-deny egress NetworkPolicy without
  port 53 (bolt), connection timeouts to an external API outside the policy's ipBlock (bolt),
  CoreDNS crashlooping on its loop detector with a Node-only change (atlas);
- Prometheus canary gates: a Rust panic in the canary (rex), a Node SSR heap leak with the
  heap series rising (blaze), PostgreSQL connection saturation affecting stable and canary
  alike with a harmless change (atlas);
- plain: kubectl's strict decoding ``unknown field`` on the change's manifest (bolt, obvious).

Three cases are tagged ``obvious``: the StatefulSet Forbidden update, the Gatekeeper denial
and the unknown field.
"""

from __future__ import annotations

import json
from typing import Any

import real
import shapes
from fcommon import at, ci, failing, pr_of, run, sha, uses
from gha import h
from helpers import clock, curl_fail, kube_setup, pod_name, rollout
from kubernetes import client as k8s

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
OPS = "5dlabs/platform-gitops"

TS = 1764320400


def build() -> None:
    statefulsets()
    jobs()
    quotas()
    webhooks()
    sidecars()
    nodes()
    egress()
    canaries()
    plain()
    extras()


# ------------------------------------------------------------------ shared helpers


def _helm_setup() -> list[Any]:
    return [
        *kube_setup(),
        uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Downloading Helm v3.16.3"]),
    ]


def _sts(name: str, ns: str, replicas: int, ready: int, updated: int) -> dict[str, Any]:
    """apps/v1 StatefulSet mid-rollout, as the API serves it."""
    gen = h(name + ns, 3, 40)
    obj = k8s.V1StatefulSet(
        api_version="apps/v1",
        kind="StatefulSet",
        metadata=k8s.V1ObjectMeta(
            name=name, namespace=ns, generation=gen, resource_version="4711", uid=sha(name)[:8]
        ),
        spec=k8s.V1StatefulSetSpec(
            replicas=replicas,
            service_name=name,
            selector=k8s.V1LabelSelector(match_labels={"app.kubernetes.io/name": name}),
            template=k8s.V1PodTemplateSpec(
                metadata=k8s.V1ObjectMeta(labels={"app.kubernetes.io/name": name}),
                spec=k8s.V1PodSpec(containers=[k8s.V1Container(name=name, image=name)]),
            ),
            update_strategy=k8s.V1StatefulSetUpdateStrategy(type="RollingUpdate"),
        ),
        status=k8s.V1StatefulSetStatus(
            observed_generation=gen,
            replicas=replicas,
            ready_replicas=ready,
            current_replicas=replicas - updated,
            updated_replicas=updated,
            current_revision=f"{name}-{sha(name + 'old')[:10]}",
            update_revision=f"{name}-{sha(name + ns)[:10]}",
            available_replicas=ready,
        ),
    )
    return dict(shapes.plain(obj))


def sts_rollout(cid: str, ns: str, name: str, replicas: int, ready: int, updated: int) -> Any:
    """A real ``kubectl rollout status statefulset/...`` timing out against the stand-in."""
    out = real.kubectl_live(
        cid,
        {
            f"/apis/apps/v1/namespaces/{ns}/statefulsets/{name}": _sts(
                name, ns, replicas, ready, updated
            )
        },
        ["rollout", "status", f"statefulset/{name}", "-n", ns, "--timeout=3s"],
        f"kubectl -n {ns} rollout status statefulset/{name} --timeout=10m",
    )
    return failing(out, name=f"Wait for {name}", seconds=600)


def _job(name: str, ns: str, failed: int, reason: str, message: str) -> dict[str, Any]:
    obj = k8s.V1Job(
        api_version="batch/v1",
        kind="Job",
        metadata=k8s.V1ObjectMeta(
            name=name, namespace=ns, resource_version="4711", uid=sha(name)[:8]
        ),
        spec=k8s.V1JobSpec(
            backoff_limit=3,
            template=k8s.V1PodTemplateSpec(
                spec=k8s.V1PodSpec(
                    containers=[k8s.V1Container(name=name, image=name)], restart_policy="Never"
                )
            ),
        ),
        status=k8s.V1JobStatus(
            failed=failed or None,
            conditions=[
                k8s.V1JobCondition(type="Failed", status="True", reason=reason, message=message)
            ],
        ),
    )
    return dict(shapes.plain(obj))


def job_wait(cid: str, ns: str, name: str, reason: str, message: str, failed: int = 4) -> Any:
    """A real ``kubectl wait --for=condition=complete job/...`` timing out."""
    out = real.kubectl_live(
        cid,
        {f"/apis/batch/v1/namespaces/{ns}/jobs/{name}": _job(name, ns, failed, reason, message)},
        ["wait", "--for=condition=complete", f"job/{name}", "-n", ns, "--timeout=3s"],
        f"kubectl -n {ns} wait --for=condition=complete job/{name} --timeout=300s",
    )
    return failing(out, name="Smoke: run the job once", seconds=300)


def deploy_rollout(cid: str, ns: str, deploy: str, deadline: bool = True) -> Any:
    out = rollout(cid, ns, deploy, 3, 1, 2, deadline=deadline)
    return failing(out, name="Wait for rollout", seconds=300)


def ev(ns: str, kind: str, name: str, reason: str, msg: str, cid: str, **kw: Any) -> dict[str, Any]:
    _, first, last = clock(cid)
    return shapes.event(ns, kind, name, reason, msg, first=first, last=last, **kw)


def pending_pod(
    cid: str, ns: str, app: str, image: str, message: str, salt: str = "p"
) -> dict[str, Any]:
    created, _, _ = clock(cid)
    return shapes.pod(
        pod_name(cid, app, salt),
        ns,
        app,
        image,
        created=created,
        phase="Pending",
        scheduled=False,
        pending_message=message,
        memory_limit="512Mi",
        port=8080,
    )


def running_pod(
    cid: str, ns: str, app: str, image: str, salt: str = "r", **kw: Any
) -> dict[str, Any]:
    created, _, _ = clock(cid)
    kw.setdefault("ready", True)
    kw.setdefault("port", 8080)
    return shapes.pod(pod_name(cid, app, salt), ns, app, image, created=created, **kw)


def crashloop(
    cid: str, ns: str, app: str, image: str, exit_code: int = 1, **kw: Any
) -> dict[str, Any]:
    created, first, _ = clock(cid)
    name = pod_name(cid, app, kw.pop("salt", "c"))
    return shapes.pod(
        name,
        ns,
        app,
        image,
        created=created,
        restarts=kw.pop("restarts", 7),
        waiting=(
            "CrashLoopBackOff",
            f"back-off 5m0s restarting failed container={app} pod={name}_{ns}({sha(name)[:8]})",
        ),
        terminated={
            "exit_code": exit_code,
            "reason": kw.pop("reason", "Error"),
            "started": first,
            "finished": first,
        },
        **kw,
    )


def tracing(cid: str, level: str, target: str, msg: str, k: int = 0, **fields: Any) -> str:
    """A tracing-subscriber JSON line as the Rust services print it."""
    _, first, _ = clock(cid)
    stamp = first[:-1] + f".{h(cid + str(k), 100000, 999999)}Z"

    return json.dumps(
        {
            "timestamp": stamp,
            "level": level,
            "fields": {"message": msg, **fields},
            "target": target,
        },
        separators=(",", ":"),
    )


def pino(cid: str, level: int, msg: str, k: int = 0, **fields: Any) -> str:

    t = TS * 1000 + h(cid + str(k), 1000, 900000)
    return json.dumps(
        {
            "level": level,
            "time": t,
            "pid": 1,
            "hostname": pod_name(cid, "console"),
            **fields,
            "msg": msg,
        },
        separators=(",", ":"),
    )


def panic(thread: str, where: str, msg: str) -> list[str]:
    """Rust's standard panic message (1.73+ layout)."""
    return [
        f"thread '{thread}' panicked at {where}:",
        msg,
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
    ]


def prom_alert(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        f'ALERTS{{alertname="{name}",alertstate="firing"}}': [
            {
                "metric": {
                    "__name__": "ALERTS",
                    "alertname": name,
                    "alertstate": "firing",
                    **labels,
                },
                "value": [TS, "1"],
            }
        ]
    }


def series(labels: dict[str, str], values: list[float], step: int = 60) -> dict[str, Any]:
    """A range-query series (``values`` pairs) as Prometheus returns it."""
    start = TS - step * (len(values) - 1)
    return {
        "metric": labels,
        "values": [[start + i * step, f"{v:g}"] for i, v in enumerate(values)],
    }


def k8s_ctx(
    pods: list[dict[str, Any]], events: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    return {"kubernetes": {"pods": pods, "events": events}, **extra}


# ------------------------------------------------------------------ 1. StatefulSets


def _pvc_pending(
    cid: str, ns: str, sts: str, image: str, msg: str, component: str
) -> dict[str, Any]:
    pvc = f"data-{sts}-2"
    pod = f"{sts}-2"
    created, _, _ = clock(cid)
    p = shapes.pod(
        pod,
        ns,
        sts,
        image,
        created=created,
        phase="Pending",
        scheduled=False,
        pending_message="0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
        "preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
        owner=("StatefulSet", sts),
        port=4222,
    )
    events = [
        ev(
            ns,
            "PersistentVolumeClaim",
            pvc,
            "ProvisioningFailed",
            msg,
            cid,
            count=14,
            component=component,
        ),
        ev(
            ns,
            "Pod",
            pod,
            "FailedScheduling",
            "0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: "
            "0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
            cid,
            count=6,
            component="default-scheduler",
        ),
    ]
    ready = [
        running_pod(cid, ns, sts, image, salt=str(i), owner=("StatefulSet", sts), port=4222)
        for i in range(2)
    ]
    for i, r in enumerate(ready):
        r["metadata"]["name"] = f"{sts}-{i}"
    return k8s_ctx([*ready, p], events)


def statefulsets() -> None:
    at(OPS)
    # 1a. bolt: the change named a StorageClass that does not exist
    cid = "fr-zi-sts-storageclass-missing"
    ctx = _pvc_pending(
        cid,
        "messaging",
        "nats",
        "nats:2.10.22-alpine",
        'storageclass.storage.k8s.io "fast-nvme" not found',
        "persistentvolume-controller",
    )
    ci(
        cid,
        "the nats StatefulSet rollout times out; its new replica's PVC is Pending with "
        '`storageclass.storage.k8s.io "fast-nvme" not found` after the change set '
        "storageClassName: fast-nvme in the chart values (the cluster's classes are local-path "
        "and longhorn)",
        ["context-driven", "statefulset"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="rollout",
        repo=OPS,
        steps=[*kube_setup(), sts_rollout(cid, "messaging", "nats", 3, 2, 0)],
        message="perf(nats): move JetStream storage to the NVMe class",
        files=["apps/nats/values-staging.yaml"],
        pr=pr_of(
            cid,
            "perf(nats): move JetStream storage to the NVMe class",
            "JetStream fsync latency on longhorn is ~9ms; NVMe should do better.",
        ),
        extra=ctx,
    )

    # 1b. atlas: the provisioner is down, nothing about storage changed
    at(REPO)
    cid = "fr-zi-sts-provisioner-outage"
    ns = f"pr-{pr_of(cid, 'x')['number']}"
    ctx = _pvc_pending(
        cid,
        ns,
        "healer-store",
        f"ghcr.io/5dlabs/healer-store:sha-{sha(cid)[:7]}",
        'failed to provision volume with StorageClass "longhorn": rpc error: code = '
        "DeadlineExceeded desc = context deadline exceeded",
        f"driver.longhorn.io_csi-provisioner-6c9f8d7b5-x2lq8_{sha(cid + 'csi')[:8]}",
    )
    ctx["kubernetes"]["pods"].append(
        crashloop(
            cid,
            "longhorn-system",
            "longhorn-manager",
            "longhornio/longhorn-manager:v1.7.2",
            salt="lh",
            port=9500,
        )
    )
    ctx["loki"] = [
        f'time="{clock(cid)[1]}" level=error msg="Failed to sync Longhorn node" '
        'controller=longhorn-node error="failed to get instance manager: instancemanager.longhorn.io '
        '\\"instance-manager-3e0f\\" not found" node=k3s-worker-3',
        f'time="{clock(cid)[2]}" level=fatal msg="Error starting manager: failed to wait '
        'for longhorn-admission-webhook: context deadline exceeded"',
    ]
    ci(
        cid,
        "the preview environment's healer-store StatefulSet never becomes ready: PVC provisioning "
        "on the longhorn class times out because longhorn-manager is crashlooping in "
        "longhorn-system; the change only touched Rust handlers and the chart is unchanged",
        ["context-driven", "look-alike", "statefulset"],
        "atlas",
        "general",
        workflow="preview",
        job="deploy-preview",
        steps=[*kube_setup(), sts_rollout(cid, ns, "healer-store", 3, 2, 0)],
        message="fix(store): keep attempt history ordered by start time",
        files=["crates/healer-store/src/history.rs", "crates/healer-store/tests/history.rs"],
        pr=pr_of(cid, "fix(store): keep attempt history ordered by start time"),
        extra=ctx,
    )

    # 1c. rex: the Rust store panics on its data directory's format after the change
    cid = "fr-zi-sts-rust-data-format-panic"
    image = f"ghcr.io/5dlabs/healer-store:sha-{sha(cid)[:7]}"
    p = crashloop(
        cid,
        "healer",
        "healer-store",
        image,
        exit_code=101,
        owner=("StatefulSet", "healer-store"),
        port=7400,
    )
    p["metadata"]["name"] = "healer-store-2"
    logs = [
        tracing(
            cid, "INFO", "healer_store", "opening data directory", 0, path="/var/lib/healer/data"
        ),
        tracing(cid, "INFO", "healer_store::segment", "found 41 segments", 1),
        *panic(
            "main",
            "crates/healer-store/src/segment.rs:88:14",
            'unsupported segment header: expected magic b"HLS2", found b"HLS1" in '
            "/var/lib/healer/data/00000000000000000041.seg",
        ),
    ]
    ctx = k8s_ctx(
        [
            *[
                running_pod(
                    cid,
                    "healer",
                    "healer-store",
                    "ghcr.io/5dlabs/healer-store:1.9.3",
                    salt=str(i),
                    owner=("StatefulSet", "healer-store"),
                    port=7400,
                )
                for i in range(2)
            ],
            p,
        ],
        [
            ev(
                "healer",
                "Pod",
                "healer-store-2",
                "BackOff",
                "Back-off restarting failed container healer-store in pod healer-store-2_healer("
                + sha("healer-store-2")[:8]
                + ")",
                cid,
                count=31,
            )
        ],
        loki=logs,
    )
    ci(
        cid,
        "the healer-store StatefulSet rollout stalls on healer-store-2, which panics with "
        '`unsupported segment header: expected magic b"HLS2", found b"HLS1"`: the change '
        "bumped the segment format in segment.rs without reading the old one",
        ["context-driven", "statefulset"],
        "rex",
        "rust_test",
        workflow="cd",
        job="deploy-staging",
        steps=[*kube_setup(), sts_rollout(cid, "healer", "healer-store", 3, 2, 1)],
        message="feat(store): v2 segment header with a CRC of the index block",
        files=["crates/healer-store/src/segment.rs", "crates/healer-store/src/index.rs"],
        pr=pr_of(cid, "feat(store): v2 segment header with a CRC of the index block"),
        extra=ctx,
    )

    # 1d. bolt, obvious: volumeClaimTemplates edited on an existing StatefulSet
    at(OPS)
    cid = "fr-zi-sts-forbidden-claim-resize"
    cmd, out = shapes.helm_upgrade(
        "nats",
        "charts/nats",
        "messaging",
        'cannot patch "nats" with kind StatefulSet: StatefulSet.apps "nats" is invalid: spec: '
        "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
        "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
        "'minReadySeconds' are forbidden",
    )
    ci(
        cid,
        'helm upgrade is refused with `StatefulSet.apps "nats" is invalid: spec: Forbidden: '
        "updates to statefulset spec ...`: the change edited volumeClaimTemplates' storage "
        "size, which an existing StatefulSet cannot change",
        ["obvious", "statefulset"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="helm",
        repo=OPS,
        steps=[*_helm_setup(), run(cmd, out, 1, name="Helm upgrade")],
        message="chore(nats): grow JetStream volumes to 50Gi",
        files=["charts/nats/templates/statefulset.yaml", "charts/nats/values.yaml"],
        pr=pr_of(cid, "chore(nats): grow JetStream volumes to 50Gi"),
    )


# ------------------------------------------------------------------ 2. Jobs and CronJobs

DIGEST_JS = (
    "export function render(user, items) {\n"
    "  const top = items.slice(0, 5).map((i) => `- ${i.title}`).join('\\n');\n"
    "  return `Hi ${user.profile.displayName},\\n${top}`;\n"
    "}\n"
)
RUN_DIGEST_JS = (
    "import { render } from './digest.js';\n"
    "const users = [{ id: 'u_1042', email: 'ada@example.com' }];\n"
    "for (const u of users) {\n"
    "  console.log(render(u, [{ title: 'Weekly report ready' }]));\n"
    "}\n"
)


def _job_pod(cid: str, ns: str, job: str, image: str, salt: str, **kw: Any) -> dict[str, Any]:
    created, _, _ = clock(cid)
    name = f"{job}-{sha(cid + salt)[:5]}"
    p = shapes.pod(
        name, ns, job, image, created=created, owner=("Job", job), memory_limit="256Mi", **kw
    )
    p["spec"]["restartPolicy"] = "Never"
    status = p["status"]["containerStatuses"][0]
    if "lastState" in status:  # a finished Job pod: the run is its current state
        status["state"] = status.pop("lastState")
        status["ready"] = status["started"] = False
    return p


def jobs() -> None:
    at(WEB)
    # 2a. blaze: the digest job's Node code throws a TypeError the change introduced
    cid = "fr-zi-cronjob-node-typeerror"
    out = real.node_run(
        cid,
        {
            "src/jobs/digest.js": DIGEST_JS,
            "src/jobs/run-digest.js": RUN_DIGEST_JS,
            "package.json": '{"type":"module"}',
        },
        "src/jobs/run-digest.js",
    )
    assert "TypeError" in "\n".join(out.lines), out.lines
    loki = [ln.replace(real.RUNNER, "/app") for ln in out.lines if ln.strip()]
    ns, job = "console", "digest-smoke-" + sha(cid)[:5]
    image = f"ghcr.io/5dlabs/console-jobs:sha-{sha(cid)[:7]}"
    _, first, _ = clock(cid)
    pods = [
        _job_pod(
            cid,
            ns,
            job,
            image,
            str(i),
            phase="Failed",
            waiting=None,
            terminated={"exit_code": 1, "reason": "Error", "started": first, "finished": first},
        )
        for i in range(4)
    ]
    events = [
        ev(
            ns,
            "Job",
            job,
            "SuccessfulCreate",
            f"Created pod: {pods[i]['metadata']['name']}",
            cid,
            type_="Normal",
            component="job-controller",
        )
        for i in range(4)
    ] + [
        ev(
            ns,
            "Job",
            job,
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            cid,
            component="job-controller",
        )
    ]
    ci(
        cid,
        "the smoke run of the weekly-digest CronJob times out waiting for completion; the Job hit "
        "BackoffLimitExceeded and every pod logged `TypeError: Cannot read properties of "
        "undefined (reading 'displayName')` from src/jobs/digest.js, which the change rewrote to "
        "read user.profile",
        ["context-driven", "job"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="smoke-cronjobs",
        repo=WEB,
        steps=[
            *kube_setup(),
            run(
                f"kubectl -n {ns} create job {job} --from=cronjob/weekly-digest",
                [f"job.batch/{job} created"],
                name="Trigger weekly-digest",
            ),
            job_wait(
                cid, ns, job, "BackoffLimitExceeded", "Job has reached the specified backoff limit"
            ),
        ],
        message="feat(digest): greet users by their display name",
        files=["src/jobs/digest.js", "src/jobs/digest.test.js"],
        pr=pr_of(cid, "feat(digest): greet users by their display name"),
        extra=k8s_ctx(pods, events, loki=loki),
    )

    # 2b. bolt: the Job's image tag was mistyped by the change; the Job dies on its deadline
    at(OPS)
    cid = "fr-zi-job-image-tag-typo-deadline"
    ns, job = "healer", "healer-reindex-smoke"
    bad = "ghcr.io/5dlabs/healer-reindex:1.9.3-alpine"
    p = _job_pod(
        cid,
        ns,
        job,
        bad,
        "x",
        phase="Pending",
        waiting=("ImagePullBackOff", f'Back-off pulling image "{bad}"'),
    )
    pname = p["metadata"]["name"]
    events = [
        ev(
            ns,
            "Pod",
            pname,
            "Failed",
            f'Failed to pull image "{bad}": rpc error: code = NotFound desc = failed to pull and '
            f'unpack image "{bad}": failed to resolve reference "{bad}": {bad}: not found',
            cid,
            count=5,
        ),
        ev(
            ns,
            "Pod",
            pname,
            "BackOff",
            f'Back-off pulling image "{bad}"',
            cid,
            count=22,
            type_="Normal",
        ),
        ev(
            ns,
            "Job",
            job,
            "DeadlineExceeded",
            "Job was active longer than specified deadline",
            cid,
            component="job-controller",
        ),
        ev(
            ns,
            "Job",
            job,
            "SuccessfulDelete",
            f"Deleted pod: {pname}",
            cid,
            type_="Normal",
            component="job-controller",
        ),
    ]
    ci(
        cid,
        "the reindex smoke Job ends with DeadlineExceeded; its only pod never started because "
        "`ghcr.io/5dlabs/healer-reindex:1.9.3-alpine` does not exist: the change wrote an "
        "`-alpine` suffix into the Job manifest's image tag (the image is published as 1.9.3)",
        ["context-driven", "look-alike", "job"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="post-deploy",
        repo=OPS,
        steps=[
            *kube_setup(),
            run(
                "kubectl apply -f apps/healer/jobs/reindex-smoke.yaml",
                [f"job.batch/{job} created"],
                name="Start reindex smoke",
            ),
            job_wait(
                cid,
                ns,
                job,
                "DeadlineExceeded",
                "Job was active longer than specified deadline",
                failed=1,
            ),
        ],
        message="chore(healer): reindex job on the alpine image",
        files=["apps/healer/jobs/reindex-smoke.yaml", "apps/healer/cronjobs/reindex.yaml"],
        pr=pr_of(
            cid,
            "chore(healer): reindex job on the alpine image",
            "Smaller image for the nightly reindex.",
        ),
        extra=k8s_ctx([p], events),
    )


# ------------------------------------------------------------------ 3. quotas and autoscaling


def _quota_failed(cid: str, ns: str, rs: str, msg: str) -> dict[str, Any]:
    return ev(
        ns,
        "ReplicaSet",
        rs,
        "FailedCreate",
        f'Error creating: pods "{rs}-{sha(cid)[:5]}" is forbidden: {msg}',
        cid,
        count=17,
        component="replicaset-controller",
    )


def quotas() -> None:
    at(OPS)
    # 3a. bolt: the change's new requests exceed the namespace quota
    cid = "fr-zi-quota-requests-exceeded"
    ns, app = "healer", "healer-api"
    rs = f"{app}-{sha(cid)[:10]}"
    pods = [
        running_pod(cid, ns, app, "ghcr.io/5dlabs/healer:1.9.3", salt=str(i), memory_limit="512Mi")
        for i in range(3)
    ]
    events = [
        _quota_failed(
            cid,
            ns,
            rs,
            "exceeded quota: healer-compute, requested: requests.memory=2Gi, "
            "used: requests.memory=5632Mi, limited: requests.memory=6Gi",
        ),
        ev(
            ns,
            "Deployment",
            app,
            "ScalingReplicaSet",
            f"Scaled up replica set {rs} to 1",
            cid,
            type_="Normal",
            component="deployment-controller",
        ),
    ]
    ci(
        cid,
        "the healer-api rollout never progresses: the new ReplicaSet cannot create pods "
        "(`exceeded quota: healer-compute, requested: requests.memory=2Gi ... limited: "
        "requests.memory=6Gi`) because the change raised the memory request from 512Mi to 2Gi "
        "without touching the quota",
        ["context-driven", "quota"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="rollout",
        repo=OPS,
        steps=[
            *kube_setup(),
            run(
                "kubectl apply -k apps/healer/overlays/staging",
                ["service/healer-api unchanged", "deployment.apps/healer-api configured"],
                name="Apply",
            ),
            deploy_rollout(cid, ns, app),
        ],
        message="perf(healer-api): give the API 2Gi so the run cache fits",
        files=["apps/healer/overlays/staging/patch-resources.yaml"],
        pr=pr_of(cid, "perf(healer-api): give the API 2Gi so the run cache fits"),
        extra=k8s_ctx(pods, events),
    )

    # 3b. bolt: HPA and the change's fixed replicas fight under Argo CD self-heal
    cid = "fr-zi-hpa-replicas-fight"
    ns, app = "console", "console-web"
    rs = f"{app}-{sha(cid)[:10]}"
    events = []
    events.append(
        ev(
            ns,
            "HorizontalPodAutoscaler",
            app,
            "SuccessfulRescale",
            "New size: 3; reason: All metrics below target",
            cid,
            type_="Normal",
            component="horizontal-pod-autoscaler",
            count=9,
        )
    )
    events += [
        ev(
            ns,
            "Deployment",
            app,
            "ScalingReplicaSet",
            f"Scaled up replica set {rs} to 6 from 3",
            cid,
            type_="Normal",
            component="deployment-controller",
            count=9,
        ),
        ev(
            ns,
            "Deployment",
            app,
            "ScalingReplicaSet",
            f"Scaled down replica set {rs} to 3 from 6",
            cid,
            type_="Normal",
            component="deployment-controller",
            count=9,
        ),
    ]
    app_obj = shapes.argo_application(
        "console-prod",
        ns,
        OPS,
        "apps/console/overlays/prod",
        sha(cid + ":ops"),
        "OutOfSync",
        "Healthy",
        resources=[
            {
                "group": "apps",
                "version": "v1",
                "kind": "Deployment",
                "namespace": ns,
                "name": app,
                "status": "OutOfSync",
                "health": {"status": "Healthy"},
            },
            {
                "group": "autoscaling",
                "version": "v2",
                "kind": "HorizontalPodAutoscaler",
                "namespace": ns,
                "name": app,
                "status": "Synced",
                "health": {"status": "Healthy"},
            },
        ],
    )
    t0 = clock(cid)[2]
    wait = run(
        "argocd app wait console-prod --sync --health --timeout 300",
        [
            *shapes.argocd_summary(
                "console-prod",
                "platform",
                ns,
                OPS,
                "apps/console/overlays/prod",
                sha(cid + ":ops"),
                "OutOfSync",
                "Healthy",
                resources=[
                    ("", "Service", ns, app, "Synced", "Healthy", "", ""),
                    ("apps", "Deployment", ns, app, "OutOfSync", "Healthy", "", ""),
                    (
                        "autoscaling",
                        "HorizontalPodAutoscaler",
                        ns,
                        app,
                        "Synced",
                        "Healthy",
                        "",
                        "",
                    ),
                ],
            ),
            shapes.logrus_fatal(
                t0, 'Timed out (300s) waiting for app \\"console-prod\\" match desired state'
            ),
        ],
        1,
        name="Wait for console-prod",
        seconds=300,
    )
    ci(
        cid,
        "argocd app wait times out with console-prod OutOfSync on the console-web Deployment: "
        "the change set `replicas: 6` on a Deployment that an HPA (max 3 at current load) "
        "scales, so self-heal and the autoscaler keep undoing each other",
        ["context-driven", "argocd", "hpa"],
        "bolt",
        "argocd_sync",
        workflow="promote",
        job="prod",
        repo=OPS,
        steps=[*kube_setup(), wait],
        message="chore(console): six replicas in prod for the launch",
        files=["apps/console/overlays/prod/deployment-patch.yaml"],
        pr=pr_of(cid, "chore(console): six replicas in prod for the launch"),
        extra={"kubernetes": {"pods": [], "events": events}, "argocd": [app_obj]},
    )

    # 3c. atlas: a shared preview quota eaten by another team's batch pods
    at(REPO)
    cid = "fr-zi-quota-shared-preview-exhausted"
    ns, app = "previews", "healer-api"
    rs = f"{app}-{sha(cid)[:10]}"
    others = [
        running_pod(
            cid,
            ns,
            "feature-store-backfill",
            "ghcr.io/5dlabs/feature-store:0.31.0",
            salt=f"o{i}",
            memory_limit="4Gi",
            port=9000,
        )
        for i in range(4)
    ]
    for o in others:
        o["metadata"]["labels"]["team"] = "data-platform"
    events = [
        _quota_failed(
            cid,
            ns,
            rs,
            "exceeded quota: previews-shared, requested: requests.cpu=250m, "
            "used: requests.cpu=15800m, limited: requests.cpu=16",
        ),
    ]
    ci(
        cid,
        "the preview rollout of healer-api cannot create pods (`exceeded quota: previews-shared, "
        "requested: requests.cpu=250m, used: requests.cpu=15800m`): the shared previews quota is "
        "used up by the data team's backfill pods; the change is Rust-only and our requests are "
        "unchanged",
        ["context-driven", "look-alike", "quota"],
        "atlas",
        "general",
        workflow="preview",
        job="deploy",
        steps=[*kube_setup(), deploy_rollout(cid, ns, app)],
        message="feat(api): expose retry counts on the runs endpoint",
        files=["crates/healer-api/src/runs.rs"],
        pr=pr_of(cid, "feat(api): expose retry counts on the runs endpoint"),
        extra=k8s_ctx(others, events),
    )


# ------------------------------------------------------------------ 4. admission webhooks

GK_CALL = (
    'Internal error occurred: failed calling webhook "validation.gatekeeper.sh": failed to call '
    'webhook: Post "https://gatekeeper-webhook-service.gatekeeper-system.svc:443/v1/admit?'
    'timeout=3s": context deadline exceeded'
)


def webhooks() -> None:
    at(REPO)
    # 4a. atlas: Gatekeeper's controller is down; our change is code only
    cid = "fr-zi-webhook-gatekeeper-down"
    cmd, out = shapes.helm_upgrade(
        "healer",
        "charts/healer",
        "healer",
        f'cannot patch "healer-api" with kind Deployment: {GK_CALL}',
    )
    gk = [
        crashloop(
            cid,
            "gatekeeper-system",
            "gatekeeper-controller-manager",
            "openpolicyagent/gatekeeper:v3.17.1",
            exit_code=137,
            reason="OOMKilled",
            salt=f"g{i}",
            memory_limit="512Mi",
            port=8443,
        )
        for i in range(3)
    ]
    loki = [
        f'{{"level":"info","ts":{TS - 40}.118,"logger":"controller","msg":"Starting workers",'
        '"controller":"constrainttemplate-controller","worker count":1}',
        f'{{"level":"info","ts":{TS - 31}.904,"logger":"readiness-tracker","msg":"waiting for '
        'expectations","tracker":"constraints"}',
    ]
    ci(
        cid,
        'helm upgrade fails with `failed calling webhook "validation.gatekeeper.sh" ... context '
        "deadline exceeded`: every gatekeeper-controller-manager replica is OOMKilled and "
        "crashlooping in gatekeeper-system, a platform component outside this repository; the "
        "change is Rust-only",
        ["context-driven", "look-alike", "webhook"],
        "atlas",
        "general",
        workflow="cd",
        job="deploy-staging",
        steps=[
            *_helm_setup(),
            run(cmd + f" --set image.tag=sha-{sha(cid)[:7]}", out, 1, name="Deploy", seconds=34),
        ],
        message="fix(api): stream run logs instead of buffering them",
        files=["crates/healer-api/src/logs.rs"],
        pr=pr_of(cid, "fix(api): stream run logs instead of buffering them"),
        extra=k8s_ctx(
            gk,
            [
                ev(
                    "gatekeeper-system",
                    "Pod",
                    gk[0]["metadata"]["name"],
                    "BackOff",
                    "Back-off restarting failed container manager in pod "
                    f"{gk[0]['metadata']['name']}_gatekeeper-system",
                    cid,
                    count=40,
                )
            ],
            loki=loki,
        ),
    )

    # 4b. bolt, obvious: Gatekeeper denies the change's container without limits
    at(OPS)
    cid = "fr-zi-webhook-gatekeeper-denied-limits"
    cmd, out = shapes.helm_upgrade(
        "console",
        "charts/console",
        "console",
        'cannot patch "console-web" with kind Deployment: admission webhook '
        '"validation.gatekeeper.sh" denied the request: [container-must-have-limits] container '
        "<console-web> has no resource limits",
    )
    ci(
        cid,
        "helm upgrade is denied by Gatekeeper's container-must-have-limits constraint: the change "
        "removed the resources.limits block from the console chart's values",
        ["obvious", "webhook"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="helm",
        repo=OPS,
        steps=[*_helm_setup(), run(cmd, out, 1, name="Helm upgrade")],
        message="chore(console): drop CPU limits to stop throttling",
        files=["charts/console/values.yaml"],
        pr=pr_of(
            cid,
            "chore(console): drop CPU limits to stop throttling",
            "CPU limits cause throttling on SSR bursts; requests are enough.",
        ),
    )


# ------------------------------------------------------------------ 5. init containers and sidecars


def _add_container(
    p: dict[str, Any],
    name: str,
    image: str,
    waiting: tuple[str, str] | None,
    init: bool = False,
    ready: bool = False,
) -> None:
    spec_key, status_key = (
        ("initContainers", "initContainerStatuses") if init else ("containers", "containerStatuses")
    )
    p["spec"].setdefault(spec_key, []).append({"name": name, "image": image, "resources": {}})
    state: dict[str, Any] = (
        {"waiting": {"reason": waiting[0], "message": waiting[1]}}
        if waiting
        else {"running": {"startedAt": p["metadata"]["creationTimestamp"]}}
    )
    pulled = not (waiting and "Pull" in waiting[0])
    p["status"].setdefault(status_key, []).append(
        {
            "name": name,
            "image": image,
            "imageID": f"{image.split(':')[0]}@sha256:{sha(image)}{sha(image + 'd')[:24]}"
            if pulled
            else "",
            "ready": ready,
            "restartCount": 0,
            "started": ready,
            "state": state,
            **(
                {"containerID": f"containerd://{sha(name + image)}{sha(image)[:24]}"}
                if pulled
                else {}
            ),
        }
    )


def _unready(p: dict[str, Any], container: str) -> None:
    for cond in p["status"]["conditions"][2:]:
        cond["message"] = f"containers with unready status: [{container}]"


def sidecars() -> None:
    at(REPO)
    # 5a. rex: init container waits on a migration Job whose Rust migration panicked
    cid = "fr-zi-init-migration-rust-panic"
    ns, app = "healer", "healer-api"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    p = running_pod(cid, ns, app, image, ready=False, phase="Pending")
    _add_container(p, "wait-for-migrations", "groundnuty/k8s-wait-for:v2.0", None, init=True)
    p["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "PodInitializing"}}
    p["status"]["conditions"][1].update(
        {
            "status": "False",
            "reason": "ContainersNotInitialized",
            "message": "containers with incomplete status: [wait-for-migrations]",
        }
    )
    job = f"healer-migrate-{sha(cid)[:5]}"
    _, first, _ = clock(cid)
    mp = _job_pod(
        cid,
        ns,
        job,
        image,
        "m",
        phase="Failed",
        terminated={"exit_code": 101, "reason": "Error", "started": first, "finished": first},
    )
    loki = [
        tracing(cid, "INFO", "healer_db::migrate", "applying migrations", 0, pending=3),
        tracing(cid, "INFO", "healer_db::migrate", "applied 20261104_attempts_started_at", 1),
        *panic(
            "main",
            "crates/healer-db/src/migrate.rs:141:31",
            "index out of bounds: the len is 3 but the index is 3",
        ),
    ]
    events = [
        ev(
            ns,
            "Job",
            job,
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            cid,
            component="job-controller",
        ),
    ]
    ci(
        cid,
        "the healer-api rollout times out with pods stuck in Init on wait-for-migrations; the "
        "migration Job failed with a Rust panic `index out of bounds: the len is 3 but the index "
        "is 3` in migrate.rs, which the change rewrote to batch pending migrations",
        ["context-driven", "init-container"],
        "rex",
        "rust_test",
        workflow="cd",
        job="deploy-staging",
        steps=[*kube_setup(), deploy_rollout(cid, ns, app)],
        message="perf(db): apply pending migrations in one transaction",
        files=["crates/healer-db/src/migrate.rs"],
        pr=pr_of(cid, "perf(db): apply pending migrations in one transaction"),
        extra=k8s_ctx([p, mp], events, loki=loki),
    )

    # 5b. bolt: the chart bumped the log-shipper sidecar to a tag that does not exist
    at(OPS)
    cid = "fr-zi-sidecar-vector-tag-missing"
    ns, app = "healer", "healer-api"
    bad = "timberio/vector:0.43.1-distroless-lib"
    p = running_pod(cid, ns, app, "ghcr.io/5dlabs/healer:1.9.4", ready=False)
    _add_container(p, "vector", bad, ("ImagePullBackOff", f'Back-off pulling image "{bad}"'))
    _unready(p, "vector")
    pname = p["metadata"]["name"]
    events = [
        ev(
            ns,
            "Pod",
            pname,
            "Failed",
            f'Failed to pull image "{bad}": rpc error: code = NotFound desc = failed to pull and unpack '
            f'image "docker.io/{bad}": failed to resolve reference "docker.io/{bad}": '
            f"docker.io/{bad}: not found",
            cid,
            count=6,
        ),
        ev(
            ns,
            "Pod",
            pname,
            "BackOff",
            f'Back-off pulling image "{bad}"',
            cid,
            count=25,
            type_="Normal",
        ),
    ]
    loki = [
        tracing(cid, "INFO", "healer_api", "listening", 0, addr="0.0.0.0:8080"),
    ]
    ci(
        cid,
        "the healer-api rollout times out with pods 1/2 ready: the vector log-shipper sidecar "
        "cannot pull `timberio/vector:0.43.1-distroless-lib` (not found), the tag the change "
        "wrote into the chart values (the published tag is 0.43.1-distroless-libc)",
        ["context-driven", "sidecar"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="rollout",
        repo=OPS,
        steps=[*kube_setup(), deploy_rollout(cid, ns, app)],
        message="chore(logging): bump vector sidecar to 0.43.1",
        files=["charts/healer/values.yaml"],
        pr=pr_of(cid, "chore(logging): bump vector sidecar to 0.43.1"),
        extra=k8s_ctx([p], events, loki=loki),
    )

    # 5c. atlas: istio-proxy never ready because istiod is down; frontend-only change
    at(WEB)
    cid = "fr-zi-sidecar-istiod-down"
    ns, app = "console", "console-web"
    p = running_pod(
        cid, ns, app, f"ghcr.io/5dlabs/console:sha-{sha(cid)[:7]}", ready=False, port=3000
    )
    _add_container(p, "istio-proxy", "docker.io/istio/proxyv2:1.24.2", None)
    p["status"]["containerStatuses"][0]["ready"] = True
    _unready(p, "istio-proxy")
    pname = p["metadata"]["name"]
    istiod = [
        crashloop(
            cid, "istio-system", "istiod", "docker.io/istio/pilot:1.24.2", salt=f"i{i}", port=15010
        )
        for i in range(2)
    ]
    events = [
        ev(
            ns,
            "Pod",
            pname,
            "Unhealthy",
            'Readiness probe failed: Get "http://10.42.2.17:15021/healthz/ready": dial tcp '
            "10.42.2.17:15021: connect: connection refused",
            cid,
            count=44,
        ),
    ]
    loki = [
        f"{first_of(cid)}\twarning\tenvoy config\tStreamAggregatedResources gRPC config stream to "
        "istiod.istio-system.svc:15012 closed since 212s ago: 14, connection error: desc = "
        '"transport: Error while dialing: dial tcp 10.43.108.9:15012: connect: connection refused"',
        f"{first_of(cid)}\terror\tklog\tfailed to start informer: Unauthorized",
    ]
    ci(
        cid,
        "the console-web rollout times out with istio-proxy never ready (its xDS stream to "
        "istiod is refused): both istiod replicas are crashlooping in istio-system; the change "
        "only touched React components",
        ["context-driven", "look-alike", "sidecar"],
        "atlas",
        "general",
        workflow="deploy",
        job="staging",
        repo=WEB,
        steps=[*kube_setup(), deploy_rollout(cid, ns, app)],
        message="feat(runs): collapsible log sections",
        files=["src/components/RunLog.tsx", "src/components/RunLog.test.tsx"],
        pr=pr_of(cid, "feat(runs): collapsible log sections"),
        extra=k8s_ctx([p, *istiod], events, loki=loki),
    )


def first_of(cid: str) -> str:
    _, first, _ = clock(cid)
    return first[:-1] + ".418213Z"


# ------------------------------------------------------------------ 6. nodes


def _node_event(cid: str, node: str, reason: str, msg: str, **kw: Any) -> dict[str, Any]:
    e = ev(
        "",
        "Node",
        node,
        reason,
        msg,
        cid,
        type_=kw.pop("type_", "Normal"),
        component=kw.pop("component", "kubelet"),
        host=node,
        **kw,
    )
    e["metadata"]["namespace"] = "default"
    e["involvedObject"].pop("namespace", None)
    return e


def nodes() -> None:
    at(OPS)
    # 6a. bolt: the change pinned the pods to the GPU pool without its toleration
    cid = "fr-zi-node-gpu-selector-taint"
    ns, app = "healer", "healer-embedder"
    msg = (
        "0/5 nodes are available: 2 node(s) had untolerated taint {nvidia.com/gpu: present}, 3 "
        "node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: "
        "5 Preemption is not helpful for scheduling."
    )
    p = pending_pod(cid, ns, app, "ghcr.io/5dlabs/healer-embedder:0.7.2", msg)
    events = [
        ev(
            ns,
            "Pod",
            p["metadata"]["name"],
            "FailedScheduling",
            msg,
            cid,
            count=12,
            component="default-scheduler",
        )
    ]
    ci(
        cid,
        "the healer-embedder rollout times out with its new pod Pending: `2 node(s) had "
        "untolerated taint {nvidia.com/gpu: present}, 3 node(s) didn't match Pod's node "
        "affinity/selector` after the change added nodeSelector pool=gpu without the matching "
        "toleration",
        ["context-driven", "scheduling"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="rollout",
        repo=OPS,
        steps=[*kube_setup(), deploy_rollout(cid, ns, app)],
        message="perf(embedder): schedule the embedder on the GPU pool",
        files=["apps/healer/overlays/staging/embedder-patch.yaml"],
        pr=pr_of(cid, "perf(embedder): schedule the embedder on the GPU pool"),
        extra=k8s_ctx([p], events),
    )

    # 6b. atlas: nodes cordoned / NotReady during a cluster upgrade; frontend-only change
    at(WEB)
    cid = "fr-zi-node-upgrade-cordoned"
    ns, app = "console", "console-web"
    msg = (
        "0/4 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, "
        "2 node(s) were unschedulable. preemption: 0/4 nodes are available: 4 Preemption is not "
        "helpful for scheduling."
    )
    p = pending_pod(cid, ns, app, f"ghcr.io/5dlabs/console:sha-{sha(cid)[:7]}", msg)
    upgrader = running_pod(
        cid,
        "system-upgrade",
        "apply-agent-plan-on-k3s-worker-1",
        "rancher/k3s-upgrade:v1.31.5-k3s1",
        salt="u",
        port=None,
    )
    events = [
        ev(
            ns,
            "Pod",
            p["metadata"]["name"],
            "FailedScheduling",
            msg,
            cid,
            count=9,
            component="default-scheduler",
        ),
        _node_event(
            cid,
            "k3s-worker-1",
            "NodeNotSchedulable",
            "Node k3s-worker-1 status is now: NodeNotSchedulable",
        ),
        _node_event(
            cid,
            "k3s-worker-2",
            "NodeNotSchedulable",
            "Node k3s-worker-2 status is now: NodeNotSchedulable",
        ),
        _node_event(
            cid + "3",
            "k3s-worker-3",
            "NodeNotReady",
            "Node k3s-worker-3 status is now: NodeNotReady",
            component="node-controller",
        ),
        _node_event(
            cid + "4",
            "k3s-worker-4",
            "NodeNotReady",
            "Node k3s-worker-4 status is now: NodeNotReady",
            component="node-controller",
        ),
    ]
    ci(
        cid,
        "the console-web rollout times out with its pod unschedulable: two workers are cordoned "
        "and two NotReady while the system-upgrade-controller rolls k3s to v1.31.5; the change "
        "only touched TypeScript",
        ["context-driven", "look-alike", "scheduling"],
        "atlas",
        "general",
        workflow="deploy",
        job="staging",
        repo=WEB,
        steps=[*kube_setup(), deploy_rollout(cid, ns, app)],
        message="fix(auth): refresh the session before it expires",
        files=["src/lib/session.ts"],
        pr=pr_of(cid, "fix(auth): refresh the session before it expires"),
        extra=k8s_ctx([p, upgrader], events),
    )


# ------------------------------------------------------------------ 7. egress


def _smoke(cid: str, host: str, path: str, body: str) -> Any:
    out = curl_fail(cid, host, path, 503, body)
    return failing(out, name="Smoke test")


def egress() -> None:
    at(OPS)
    # 7a. bolt: default-deny egress without DNS
    cid = "fr-zi-egress-netpol-no-dns"
    ns, app = "healer", "healer-api"
    loki = [
        tracing(
            cid,
            "WARN",
            "healer_api::github",
            "GitHub request failed, retrying",
            k,
            error="error sending request for url (https://api.github.com/app/installations): "
            "client error (Connect): dns error: failed to lookup address information: "
            "Temporary failure in name resolution",
            attempt=k + 1,
        )
        for k in range(3)
    ] + [
        tracing(
            cid, "ERROR", "healer_api::health", "dependency check failed", 4, dependency="github"
        )
    ]
    pods = [running_pod(cid, ns, app, "ghcr.io/5dlabs/healer:1.9.4", salt=str(i)) for i in range(2)]
    ci(
        cid,
        "the post-deploy smoke check gets 503 from /healthz/deps; healer-api's logs show every "
        "GitHub call failing DNS resolution since the change added a default-deny egress "
        "NetworkPolicy that allows 443 but not port 53 to kube-dns",
        ["context-driven", "egress"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="smoke",
        repo=OPS,
        steps=[
            *kube_setup(),
            _smoke(
                cid,
                "healer.staging.5dlabs.ai",
                "/healthz/deps",
                '{"status":"degraded","github":"unreachable"}',
            ),
        ],
        message="security(healer): default-deny egress for the API namespace",
        files=["apps/healer/base/networkpolicy-egress.yaml", "apps/healer/base/kustomization.yaml"],
        pr=pr_of(
            cid,
            "security(healer): default-deny egress for the API namespace",
            "Allow only HTTPS out. Part of the egress lockdown.",
        ),
        extra=k8s_ctx(pods, [], loki=loki),
    )

    # 7b. bolt: the egress policy's ipBlock leaves the external API out
    cid = "fr-zi-egress-netpol-ipblock-timeout"
    ns, app = "healer", "healer-notifier"
    loki = [
        tracing(
            cid,
            "ERROR",
            "healer_notifier::slack",
            "failed to post message",
            k,
            error="error sending request for url (https://hooks.slack.com/services/***): "
            "operation timed out",
            channel="#ci-alerts",
        )
        for k in range(3)
    ]
    pods = [
        running_pod(cid, ns, app, "ghcr.io/5dlabs/healer-notifier:0.4.1", salt=str(i), port=8081)
        for i in range(2)
    ]
    ci(
        cid,
        "the notifier smoke check gets 503; every Slack webhook call times out after the change's "
        "egress NetworkPolicy allowed only ipBlock 10.0.0.0/8 (the in-cluster and VPC range), "
        "which leaves hooks.slack.com out",
        ["context-driven", "egress"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="smoke-notifier",
        repo=OPS,
        steps=[
            *kube_setup(),
            _smoke(
                cid,
                "notifier.staging.5dlabs.ai",
                "/healthz/deps",
                '{"status":"degraded","slack":"timeout"}',
            ),
        ],
        message="security(notifier): restrict egress to private ranges",
        files=["apps/healer/base/notifier-networkpolicy.yaml"],
        pr=pr_of(cid, "security(notifier): restrict egress to private ranges"),
        extra=k8s_ctx(pods, [], loki=loki),
    )

    # 7c. atlas: CoreDNS crashlooping in kube-system; Node-only change
    at(WEB)
    cid = "fr-zi-egress-coredns-loop"
    ns, app = "console", "console-web"
    loki = [
        pino(
            cid,
            50,
            "upstream fetch failed",
            k,
            err={
                "type": "Error",
                "message": "getaddrinfo EAI_AGAIN api.5dlabs.ai",
                "code": "EAI_AGAIN",
            },
            route="/runs",
        )
        for k in range(3)
    ] + [
        '[FATAL] plugin/loop: Loop (127.0.0.1:41745 -> :53) detected for zone ".", see '
        'https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 4547991504243258144.'
        '3688648895315093531."',
    ]
    pods = [
        running_pod(
            cid, ns, app, f"ghcr.io/5dlabs/console:sha-{sha(cid)[:7]}", salt="w", port=3000
        ),
        *[
            crashloop(
                cid,
                "kube-system",
                "coredns",
                "rancher/mirrored-coredns-coredns:1.12.0",
                salt=f"d{i}",
                port=53,
            )
            for i in range(2)
        ],
    ]
    ci(
        cid,
        "the console smoke check gets 503 and its SSR logs show `getaddrinfo EAI_AGAIN`; CoreDNS "
        "in kube-system is crashlooping on its loop detector (the node resolv.conf points back at "
        "itself), a cluster problem; the change only touched page components",
        ["context-driven", "look-alike", "egress"],
        "atlas",
        "general",
        workflow="deploy",
        job="smoke",
        repo=WEB,
        steps=[
            *kube_setup(),
            _smoke(
                cid, "console.staging.5dlabs.ai", "/api/health", '{"ok":false,"api":"EAI_AGAIN"}'
            ),
        ],
        message="feat(runs): filter runs by repository",
        files=["src/pages/runs/index.tsx", "src/pages/runs/Filter.tsx"],
        pr=pr_of(cid, "feat(runs): filter runs by repository"),
        extra=k8s_ctx(pods, [], loki=loki),
    )


# ------------------------------------------------------------------ 8. Prometheus canary gates

RATIO = (
    'sum(rate(http_requests_total{{namespace="{ns}",app="{app}",track="{track}",code=~"5.."}}[5m]))'
    ' / sum(rate(http_requests_total{{namespace="{ns}",app="{app}",track="{track}"}}[5m]))'
)


def _gate(ns: str, app: str, canary: float, stable: float) -> Any:
    return run(
        f"./scripts/canary-gate.sh {ns} {app} --max-error-ratio 0.02 --window 10m",
        [
            f"querying https://prometheus.monitoring.svc:9090 for {ns}/{app}",
            f"stable error ratio (5m): {stable:.4f}",
            f"canary error ratio (5m): {canary:.4f}  (threshold 0.0200)",
            f"canary {app} failed the gate after 3 of 10 checks; aborting",
            f"rollout '{app}' aborted",
        ],
        1,
        name="Canary gate",
        seconds=190,
    )


def _ratios(ns: str, app: str, canary: list[float], stable: list[float]) -> dict[str, Any]:
    return {
        RATIO.format(ns=ns, app=app, track="canary"): [series({}, canary)],
        RATIO.format(ns=ns, app=app, track="stable"): [series({}, stable)],
    }


def canaries() -> None:
    at(REPO)
    # 8a. rex: a Rust panic in the canary
    cid = "fr-zi-canary-rust-panic"
    ns, app = "healer", "healer-api"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    loki = [
        tracing(
            cid,
            "INFO",
            "tower_http::trace::on_response",
            "finished processing request",
            0,
            latency="3 ms",
            status=200,
        ),
        *panic(
            "tokio-runtime-worker",
            "crates/healer-api/src/runs.rs:212:38",
            "called `Option::unwrap()` on a `None` value",
        ),
        tracing(
            cid,
            "ERROR",
            "healer_api::server",
            "request handler panicked; returning 500",
            2,
            path="/api/runs/3512/attempts",
        ),
    ]
    prom = {
        **_ratios(ns, app, [0.0, 0.09, 0.16, 0.18], [0.002, 0.003, 0.002, 0.003]),
        **prom_alert(
            "HealerApiCanaryErrorRate", {"namespace": ns, "track": "canary", "severity": "page"}
        ),
    }
    ci(
        cid,
        "the canary gate aborts healer-api at an 18% error ratio (stable 0.3%); the canary pods "
        "log `called Option::unwrap() on a None value` at runs.rs:212 on every attempts request, "
        "the line the change added",
        ["context-driven", "canary"],
        "rex",
        "rust_test",
        workflow="cd",
        job="canary",
        steps=[*kube_setup(), _gate(ns, app, 0.184, 0.003)],
        message="feat(api): include the last attempt in run summaries",
        files=["crates/healer-api/src/runs.rs"],
        pr=pr_of(cid, "feat(api): include the last attempt in run summaries"),
        extra={
            **k8s_ctx([running_pod(cid, ns, app, image, salt="c")], []),
            "loki": loki,
            "prometheus": prom,
        },
    )

    # 8b. blaze: Node SSR heap leak in the canary
    at(WEB)
    cid = "fr-zi-canary-ssr-heap-leak"
    ns, app = "console", "console-web"
    image = f"ghcr.io/5dlabs/console:sha-{sha(cid)[:7]}"
    heap = 'nodejs_heap_size_used_bytes{namespace="console",app="console-web"}'
    mb = 1024 * 1024
    prom = {
        **_ratios(ns, app, [0.0, 0.004, 0.031, 0.077], [0.001, 0.001, 0.002, 0.001]),
        heap: [
            series(
                {"namespace": ns, "app": app, "track": "canary", "pod": pod_name(cid, app, "c")},
                [v * mb for v in (182, 311, 468, 640, 801, 958)],
            ),
            series(
                {"namespace": ns, "app": app, "track": "stable", "pod": pod_name(cid, app, "s")},
                [v * mb for v in (176, 181, 179, 183, 180, 178)],
            ),
        ],
    }
    loki = [
        pino(cid, 40, "event loop lag high", 0, lagMs=812),
        pino(cid, 50, "render timed out", 1, route="/runs/[id]", ms=10000),
        pino(cid, 40, "event loop lag high", 2, lagMs=1430),
    ]
    ci(
        cid,
        "the canary gate aborts console-web at 7.7% errors; the canary's Node heap climbs from "
        "180 MB to 960 MB in ten minutes while stable stays flat, after the change added a "
        "module-level Map caching every rendered page by URL in the SSR handler",
        ["context-driven", "canary", "look-alike"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="canary",
        repo=WEB,
        steps=[*kube_setup(), _gate(ns, app, 0.077, 0.001)],
        message="perf(ssr): memoise rendered run pages",
        files=["src/server/render.ts"],
        pr=pr_of(cid, "perf(ssr): memoise rendered run pages"),
        extra={
            **k8s_ctx([running_pod(cid, ns, app, image, salt="c", port=3000)], []),
            "loki": loki,
            "prometheus": prom,
        },
    )

    # 8c. atlas: the shared PostgreSQL is saturated; stable and canary fail alike
    at(REPO)
    cid = "fr-zi-canary-postgres-saturated"
    ns, app = "healer", "healer-api"
    loki = [
        tracing(
            cid,
            "ERROR",
            "healer_api::db",
            "query failed",
            k,
            error="pool timed out while waiting for an open connection",
            route="/api/runs",
        )
        for k in range(2)
    ] + [
        f"{first_of(cid)[:-8]} UTC [4121] FATAL:  sorry, too many clients already",
        f"{first_of(cid)[:-8]} UTC [4127] FATAL:  remaining connection slots are reserved for "
        "roles with the SUPERUSER attribute",
    ]
    prom = {
        **_ratios(ns, app, [0.04, 0.06, 0.05, 0.06], [0.05, 0.06, 0.06, 0.05]),
        'sum(pg_stat_activity_count{instance="pg-shared-0"})': [series({}, [100, 100, 100, 100])],
        'pg_settings_max_connections{instance="pg-shared-0"}': [
            {
                "metric": {
                    "__name__": "pg_settings_max_connections",
                    "instance": "pg-shared-0",
                    "job": "postgres-exporter",
                },
                "value": [TS, "100"],
            }
        ],
        **prom_alert(
            "PostgresConnectionsSaturated", {"instance": "pg-shared-0", "severity": "critical"}
        ),
    }
    ci(
        cid,
        "the canary gate aborts healer-api at 6% errors, but stable fails at the same rate: the "
        "shared PostgreSQL has been at max_connections (PostgresConnectionsSaturated firing since "
        "before the deploy) and both tracks log `pool timed out`; the change is a log-message edit",
        ["context-driven", "canary", "look-alike"],
        "atlas",
        "general",
        workflow="cd",
        job="canary",
        steps=[*kube_setup(), _gate(ns, app, 0.061, 0.058)],
        message="chore(api): clearer log when a webhook signature is missing",
        files=["crates/healer-api/src/webhook.rs"],
        pr=pr_of(cid, "chore(api): clearer log when a webhook signature is missing"),
        extra={"loki": loki, "prometheus": prom},
    )


# ------------------------------------------------------------------ 9. plain


def plain() -> None:
    at(OPS)
    cid = "fr-zi-kubectl-unknown-field"
    out = [
        'Error from server (BadRequest): error when creating "apps/healer/base/worker.yaml": '
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: '
        'unknown field "spec.template.spec.containers[0].resource"',
    ]
    ci(
        cid,
        "kubectl apply --dry-run=server rejects worker.yaml with `strict decoding error: unknown "
        'field "spec.template.spec.containers[0].resource"`: the change misspelled `resources`',
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="validate",
        job="server-dry-run",
        repo=OPS,
        steps=[
            *kube_setup(),
            run(
                "kubectl apply --dry-run=server -k apps/healer/base",
                [
                    "configmap/healer-config configured (server dry run)",
                    "service/healer-api unchanged (server dry run)",
                    "deployment.apps/healer-api unchanged (server dry run)",
                    *out,
                ],
                1,
                name="Server-side dry run",
            ),
        ],
        message="feat(worker): separate worker deployment",
        files=["apps/healer/base/worker.yaml", "apps/healer/base/kustomization.yaml"],
        pr=pr_of(cid, "feat(worker): separate worker deployment"),
    )


# ------------------------------------------------------------------ extras: own webhook, zone affinity


def extras() -> None:
    at(OPS)
    # 4c. bolt: the chart's own mutating webhook Service selects no pods after the change
    cid = "fr-zi-webhook-own-injector-no-endpoints"
    cmd, out = shapes.helm_upgrade(
        "healer",
        "charts/healer",
        "healer",
        'cannot patch "healer-worker" with kind Deployment: Internal error occurred: failed '
        'calling webhook "inject.healer.5dlabs.ai": failed to call webhook: Post '
        '"https://healer-injector.healer.svc:443/mutate?timeout=10s": no endpoints available '
        'for service "healer-injector"',
    )
    pods = [
        running_pod(
            cid,
            "healer",
            "healer-injector",
            "ghcr.io/5dlabs/healer-injector:0.3.0",
            salt=str(i),
            port=9443,
        )
        for i in range(2)
    ]
    ci(
        cid,
        "helm upgrade fails calling the chart's own `inject.healer.5dlabs.ai` webhook (`no "
        'endpoints available for service "healer-injector"`) while the injector pods run ready: '
        "the change renamed the Service's selector to `app: injector`, which matches no pod "
        "(they carry app.kubernetes.io/name)",
        ["context-driven", "look-alike", "webhook"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="helm",
        repo=OPS,
        steps=[*_helm_setup(), run(cmd, out, 1, name="Helm upgrade", seconds=21)],
        message="refactor(chart): shorter selector labels for the injector",
        files=[
            "charts/healer/templates/injector-service.yaml",
            "charts/healer/templates/_helpers.tpl",
        ],
        pr=pr_of(cid, "refactor(chart): shorter selector labels for the injector"),
        extra=k8s_ctx(pods, []),
    )

    # 6c. bolt: node affinity on a zone the cluster does not have
    cid = "fr-zi-node-affinity-zone-missing"
    ns, app = "healer", "healer-api"
    msg = (
        "0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."
    )
    p = pending_pod(cid, ns, app, "ghcr.io/5dlabs/healer:1.9.4", msg)
    ci(
        cid,
        "the healer-api rollout times out with its new pods Pending (`4 node(s) didn't match "
        "Pod's node affinity/selector`): the change's required node affinity asks for "
        "topology.kubernetes.io/zone in [eu-central-1c], a zone none of the cluster's nodes are in",
        ["context-driven", "scheduling"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="rollout",
        repo=OPS,
        steps=[*kube_setup(), deploy_rollout(cid, ns, app)],
        message="ha(healer-api): keep replicas in the zones with the database",
        files=["apps/healer/overlays/staging/affinity-patch.yaml"],
        pr=pr_of(
            cid,
            "ha(healer-api): keep replicas in the zones with the database",
            "Nodes in eu-central-1a/1b only today; 1c is coming.",
        ),
        extra=k8s_ctx(
            [p],
            [
                ev(
                    ns,
                    "Pod",
                    p["metadata"]["name"],
                    "FailedScheduling",
                    msg,
                    cid,
                    count=8,
                    component="default-scheduler",
                )
            ],
        ),
    )

    # 2c. rex: the nightly reindex Job's Rust binary panics on a config the change parses
    at(REPO)
    cid = "fr-zi-job-rust-reindex-panic"
    ns, job = "healer", "healer-reindex-smoke"
    image = f"ghcr.io/5dlabs/healer-reindex:sha-{sha(cid)[:7]}"
    _, first, _ = clock(cid)
    pods = [
        _job_pod(
            cid,
            ns,
            job,
            image,
            str(i),
            phase="Failed",
            terminated={"exit_code": 101, "reason": "Error", "started": first, "finished": first},
        )
        for i in range(4)
    ]
    loki = [
        tracing(cid, "INFO", "healer_reindex", "starting reindex", 0, batch_size=500),
        *panic(
            "main",
            "crates/healer-reindex/src/main.rs:64:43",
            "invalid REINDEX_WINDOW: ParseIntError { kind: InvalidDigit }",
        ),
    ]
    events = [
        ev(
            ns,
            "Job",
            job,
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            cid,
            component="job-controller",
        )
    ]
    ci(
        cid,
        "the reindex smoke Job reaches BackoffLimitExceeded; each pod panics with `invalid "
        "REINDEX_WINDOW: ParseIntError { kind: InvalidDigit }` because the change parses the "
        "existing `7d` setting as an integer number of days",
        ["context-driven", "job"],
        "rex",
        "rust_test",
        workflow="cd",
        job="post-deploy",
        steps=[
            *kube_setup(),
            run(
                f"kubectl -n {ns} create job {job} --from=cronjob/healer-reindex",
                [f"job.batch/{job} created"],
                name="Trigger reindex",
            ),
            job_wait(
                cid, ns, job, "BackoffLimitExceeded", "Job has reached the specified backoff limit"
            ),
        ],
        message="refactor(reindex): typed config for the reindex window",
        files=["crates/healer-reindex/src/main.rs", "crates/healer-reindex/src/config.rs"],
        pr=pr_of(cid, "refactor(reindex): typed config for the reindex window"),
        extra=k8s_ctx(pods, events, loki=loki),
    )
