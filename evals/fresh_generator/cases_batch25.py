"""Batch 25 of the fresh split (ids ``fr-y-``): the deciding evidence is only in the context,
in shapes not used before.

Every case but a few plain obvious ones is a CI or deploy symptom (a smoke or e2e check, a
rollout, ``argocd app wait``, ``kubectl wait``, ``helm --wait``, a canary or synthetic-check
gate) whose root cause only the gathered context shows:

- Loki lines from real Node loggers (pino 10, winston 3) and from Rust services whose panic
  hook writes the JSON and logfmt layouts of ``tracing`` formatters, the panic inside a field;
- multi-container pods where the init container or a sidecar is the one failing;
- Argo CD Applications with sync waves and hooks (a PreSync hook Job failing, a SyncFailed
  operation naming a resource), a ``ComparisonError``, an ApplicationSet generating the wrong
  application;
- Kubernetes events for LimitRange, PodSecurity, NetworkPolicy and admission refusals, an HPA,
  a StatefulSet stuck on its claim, a Job's ``BackoffLimitExceeded`` or ``DeadlineExceeded``
  with its pod's last terminated state;
- Prometheus alerts in the ``/api/v1/alerts`` shape (labels, annotations), range series around
  a deploy and Grafana annotations;
- look-alikes whose context is healthy or unrelated (noise in another namespace, an alert for
  another service, a Degraded application that is not the deployed one): atlas.
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import real
import shapes
from cases_batch14 import TS, _argo, _pkg, _rust
from fcommon import at, ci, failing, node_setup, pr_of, sha
from gha import run
from helpers import (
    clock,
    crashing,
    kube_setup,
    normal_events,
    pod_name,
    ready_pods,
    rollout,
    wait_available,
)

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
INDEX = "5dlabs/run-indexer"
NS = "healer"

B25_NODE = real.WORK / "b25-node"
B25_NODE_PKGS = ["pino@10.4.0", "winston@3.17.0"]


def ensure_b25_tools() -> None:
    """Install this batch's pinned Node loggers (pino, winston) into ``work/b25-node`` once."""
    marker = B25_NODE / ".pinned"
    if marker.exists() and marker.read_text() == " ".join(B25_NODE_PKGS):
        return
    B25_NODE.mkdir(parents=True, exist_ok=True)
    (B25_NODE / "package.json").write_text('{"name":"b25","private":true}')
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", *B25_NODE_PKGS],
        cwd=B25_NODE,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    marker.write_text(" ".join(B25_NODE_PKGS))


# ------------------------------------------------------------------ helpers


def _node_logged(
    key: str,
    files: dict[str, str],
    entry: str,
    pod: str,
    when: str,
    env: dict[str, str] | None = None,
    fails: bool = True,
) -> list[str]:
    """Run a Node service that logs with pino or winston; its stdout/stderr is what the pod
    logged. The logger's volatile fields (time, pid, hostname) are pinned to the pod."""
    path = real.scratch(key, {"package.json": _pkg(key), **files})
    (path / "node_modules").symlink_to(B25_NODE / "node_modules")
    lines, code = real.run(["node", entry], path, env=env, timeout=60)
    assert (code != 0) == fails, (code, lines)
    ms = int(shapes.ts(when).timestamp() * 1000)
    out = []
    for ln in lines:
        if not ln.strip():
            continue
        ln = ln.replace(real.RUNNER, "/app").replace("/home/runner/work/b25-node", "/app")
        ln = re.sub(r'"time":\d{13}', f'"time":{ms}', ln)
        ln = re.sub(r'"pid":\d+', '"pid":1', ln)
        ln = re.sub(r'"hostname":"[^"]*"', f'"hostname":"{pod}"', ln)
        ln = re.sub(r'"timestamp":"[^"]*"', f'"timestamp":"{when[:-1]}.412Z"', ln)
        out.append(ln)
    return out


# A panic hook that writes the panic as one line in the layout of tracing-subscriber's JSON
# formatter (``.json().flatten_event(false).without_time()``) or of tracing-logfmt, as the
# services configure it; the payload and location are the real panic's.
_HOOK_JSON = r"""
fn install_panic_hook(target: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let loc = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        println!(
            "{{\"level\":\"ERROR\",\"fields\":{{\"message\":\"panicked\",\"panic.payload\":{:?},\"panic.location\":{:?}}},\"target\":\"{}\",\"threadName\":\"main\"}}",
            payload, loc, target
        );
    }));
}

fn info(target: &str, message: &str) {
    println!(
        "{{\"level\":\"INFO\",\"fields\":{{\"message\":{:?}}},\"target\":\"{}\",\"threadName\":\"main\"}}",
        message, target
    );
}
"""

_HOOK_LOGFMT = r"""
fn install_panic_hook(target: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let loc = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        println!(
            "level=error target={} message=panicked panic.payload={:?} panic.location={}",
            target, payload, loc
        );
    }));
}

fn info(target: &str, message: &str) {
    println!("level=info target={} message={:?}", target, message);
}
"""


def _rust_logged(key: str, package: str, hook: str, main: str) -> list[str]:
    """A Rust service run here whose panic hook writes one structured line (exit 101)."""
    return _rust(key, package, hook + main)


def _alerts_api(*alerts: tuple[str, dict[str, str], dict[str, str], str]) -> dict[str, Any]:
    """Prometheus's ``/api/v1/alerts`` answer: firing alerts with labels and annotations."""
    return {
        "/api/v1/alerts": {
            "status": "success",
            "data": {
                "alerts": [
                    {
                        "labels": {"alertname": name, **labels},
                        "annotations": annotations,
                        "state": "firing",
                        "activeAt": active,
                        "value": "1e+00",
                    }
                    for name, labels, annotations, active in alerts
                ]
            },
        }
    }


def _range(query: str, metric: dict[str, str], values: list[float], start: int = TS) -> dict:
    """A ``query_range`` matrix with one series at 60 s steps."""
    return {
        query: [
            {
                "metric": metric,
                "values": [[start + 60 * i, f"{v:g}"] for i, v in enumerate(values)],
            }
        ]
    }


def _grafana(*notes: tuple[int, str, list[str]]) -> dict[str, Any]:
    """Grafana's ``/api/annotations`` answer (deploy markers)."""
    return {
        "annotations": [
            {
                "id": 4100 + i,
                "alertId": 0,
                "dashboardUID": "healer-slo",
                "panelId": 0,
                "time": t * 1000,
                "timeEnd": t * 1000,
                "text": text,
                "tags": tags,
                "login": "argocd-notifications",
                "email": "",
                "avatarUrl": "/avatar/46d229b033af06a191ff2267bca9ae56",
                "data": {},
            }
            for i, (t, text, tags) in enumerate(notes)
        ]
    }


def _container_status(
    pod: str,
    name: str,
    image: str,
    *,
    exit_code: int | None = None,
    reason: str = "Error",
    restarts: int = 0,
    waiting: tuple[str, str] | None = None,
    running: str | None = None,
    ready: bool = False,
    started: str = "",
    finished: str = "",
) -> dict[str, Any]:
    """A containerStatuses / initContainerStatuses entry as the API serves it."""
    st: dict[str, Any] = {
        "containerID": f"containerd://{sha(pod + name)}{sha(name + pod)[:24]}",
        "image": image,
        "imageID": f"{image.split(':')[0]}@sha256:{sha(image)}{sha(image + 'd')[:24]}",
        "name": name,
        "ready": ready,
        "restartCount": restarts,
        "started": bool(running) and ready,
        "state": {},
        "lastState": {},
    }
    if waiting:
        st["state"] = {"waiting": {"reason": waiting[0], "message": waiting[1]}}
    elif running:
        st["state"] = {"running": {"startedAt": running}}
    if exit_code is not None:
        st["lastState"] = {
            "terminated": {
                "containerID": f"containerd://{sha(name + pod + 't')}{sha(pod)[:24]}",
                "exitCode": exit_code,
                "reason": reason,
                "startedAt": started,
                "finishedAt": finished,
            }
        }
    return st


def _back_off(pod: str, ns: str, container: str) -> str:
    return (
        f"back-off 5m0s restarting failed container={container} pod={pod}_{ns}"
        f"({sha(pod)[:8]}-{sha(pod)[8:12]}-4{sha(pod)[12:15]}-a{sha(pod)[15:18]}-{sha(pod)[18:30]})"
    )


def _two_containers(
    cid: str,
    ns: str,
    app: str,
    image: str,
    *,
    init: tuple[str, str, list[str] | None] | None = None,
    sidecar: tuple[str, str] | None = None,
    init_failing: bool = False,
    sidecar_failing: bool = False,
    exit_code: int = 1,
    restarts: int = 5,
    port: int = 8080,
) -> dict[str, Any]:
    """A pod with an init container and/or a sidecar beside ``app``; one of them fails."""
    created, first, last = clock(cid)
    name = pod_name(cid, app)
    p = shapes.pod(
        name,
        ns,
        app,
        image,
        created=created,
        port=port,
        memory_limit="256Mi",
        phase="Pending" if init_failing else "Running",
    )
    spec = p["spec"]
    status = p["status"]
    if init:
        iname, iimage, icmd = init
        c: dict[str, Any] = {"name": iname, "image": iimage}
        if icmd:
            c["command"] = icmd
        spec["initContainers"] = [c]
        if init_failing:
            status["initContainerStatuses"] = [
                _container_status(
                    name,
                    iname,
                    iimage,
                    exit_code=exit_code,
                    restarts=restarts,
                    waiting=("CrashLoopBackOff", _back_off(name, ns, iname)),
                    started=first,
                    finished=first,
                )
            ]
            for cond in status["conditions"]:
                if cond["type"] == "Initialized":
                    cond.update(
                        status="False",
                        reason="ContainersNotInitialized",
                        message=f"containers with incomplete status: [{iname}]",
                    )
            status["containerStatuses"][0]["state"] = {"waiting": {"reason": "PodInitializing"}}
            status["containerStatuses"][0].pop("containerID", None)
        else:
            status["initContainerStatuses"] = [
                {
                    **_container_status(name, iname, iimage),
                    "state": {
                        "terminated": {
                            "exitCode": 0,
                            "reason": "Completed",
                            "startedAt": created,
                            "finishedAt": created,
                        }
                    },
                }
            ]
    if sidecar:
        sname, simage = sidecar
        spec["containers"].append({"name": sname, "image": simage})
        main = status["containerStatuses"][0]
        main["state"] = {"running": {"startedAt": created}}
        main["ready"] = not sidecar_failing
        main["started"] = True
        status["containerStatuses"].append(
            _container_status(
                name,
                sname,
                simage,
                exit_code=exit_code if sidecar_failing else None,
                restarts=restarts if sidecar_failing else 0,
                waiting=("CrashLoopBackOff", _back_off(name, ns, sname))
                if sidecar_failing
                else None,
                running=None if sidecar_failing else created,
                ready=not sidecar_failing,
                started=first,
                finished=first,
            )
        )
        for cond in status["conditions"]:
            if cond["type"] in ("Ready", "ContainersReady"):
                cond["message"] = f"containers with unready status: [{sname}]"
    failing_name = init[0] if init_failing and init else sidecar[0] if sidecar else app
    events = [
        shapes.event(
            ns,
            "Pod",
            name,
            "Started",
            f"Started container {failing_name}",
            first=first,
            last=last,
            count=restarts + 1,
            type_="Normal",
        ),
        shapes.event(
            ns,
            "Pod",
            name,
            "BackOff",
            f"Back-off restarting failed container {failing_name} in pod {name}_{ns}"
            f"({sha(name)[:8]})",
            first=first,
            last=last,
            count=restarts * 5,
        ),
    ]
    for ev in events:
        ev["involvedObject"]["fieldPath"] = (
            f"spec.initContainers{{{failing_name}}}"
            if init_failing
            else f"spec.containers{{{failing_name}}}"
        )
    return {"kubernetes": {"pods": [p], "events": events}}


def _job(
    ns: str, name: str, *, failed: int, backoff: int, reason: str, message: str, when: str
) -> dict[str, Any]:
    """A batch/v1 Job that has failed, as the API serves it."""
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": ns, "uid": sha(name)[:8]},
        "spec": {"backoffLimit": backoff, "completions": 1, "parallelism": 1},
        "status": {
            "failed": failed,
            "ready": 0,
            "startTime": when,
            "terminating": 0,
            "uncountedTerminatedPods": {},
            "conditions": [
                {
                    "type": "FailureTarget",
                    "status": "True",
                    "reason": reason,
                    "message": message,
                    "lastProbeTime": when,
                    "lastTransitionTime": when,
                },
                {
                    "type": "Failed",
                    "status": "True",
                    "reason": reason,
                    "message": message,
                    "lastProbeTime": when,
                    "lastTransitionTime": when,
                },
            ],
        },
    }


def _job_pod(
    cid: str, ns: str, job: str, image: str, exit_code: int, reason: str = "Error"
) -> dict[str, Any]:
    created, first, _ = clock(cid)
    p = shapes.pod(
        f"{job}-{sha(cid)[:5]}",
        ns,
        job,
        image,
        created=created,
        phase="Failed",
        terminated={
            "exit_code": exit_code,
            "reason": reason,
            "started": created,
            "finished": first,
        },
        memory_limit="256Mi",
        owner=("Job", job),
    )
    p["metadata"]["ownerReferences"][0]["apiVersion"] = "batch/v1"
    p["metadata"]["labels"]["job-name"] = job
    p["spec"]["restartPolicy"] = "Never"
    cs = p["status"]["containerStatuses"][0]
    cs["state"], cs["lastState"] = cs["lastState"], {}
    return p


def build() -> None:
    import os

    ensure_b25_tools()
    only = [p for p in os.environ.get("B25_ONLY", "").split(",") if p]
    for part in (crashes, cluster, healthy, security, obvious):
        if only and part.__name__ not in only:
            continue
        part()


def _argo_wait_sync(app: str, when: str) -> object:
    """``argocd app wait --sync --health`` running out (logrus's fatal line, as batch 21)."""
    return run(
        f"argocd app wait {app} --sync --health --timeout 600",
        [
            shapes.logrus_fatal(
                when, f'Timed out (600s) waiting for app \\"{app}\\" match desired state'
            )
        ],
        20,
        name="Wait for Argo CD",
        seconds=600.0,
    )


def _gate(name: str, body: str, script: str, shown: str, host: str) -> real.Out:
    """A ``curl | jq`` gate against a 127.0.0.1 server answering ``body`` as ``host``."""
    with real.serve((200, body, "application/json")) as port:
        return real.sh(
            name,
            {},
            script.replace("$HOST", f"http://127.0.0.1:{port}"),
            shown,
            hosts={f"http://127.0.0.1:{port}": host},
        )


# ------------------------------------------------------------------ 1. the workload's own code


def crashes() -> None:
    # 1a. argocd app wait: the PreSync migration hook Job failed; its pod's tracing JSON line
    #     carries the Rust panic (rex)
    at(PLAT)
    cid = "fr-y-argocd-presync-hook-rust-migrate-tracing-json"
    logs = _rust_logged(
        "fr-y-rust-migrate",
        "healer-migrate",
        _HOOK_JSON,
        """
fn main() {
    install_panic_hook("healer_migrate");
    info("healer_migrate", "applying pending migrations from /migrations");
    let files = ["0040_runs.sql", "0041_agents.sql", "0041a_agent_labels.sql", "0042_leases.sql"];
    let mut applied = 0u32;
    for f in files {
        let version: u32 = f
            .split('_')
            .next()
            .unwrap()
            .parse()
            .expect("migration file names start with a numeric version");
        applied = version;
    }
    info("healer_migrate", &format!("schema at version {applied}"));
}
""",
    )
    assert any("panic.payload" in ln and "InvalidDigit" in ln for ln in logs), logs
    _, first, last = clock(cid)
    hook_pod = _job_pod(cid, NS, "healer-migrate", "ghcr.io/5dlabs/healer-api:0.25.0", 101)
    app = _argo(
        "healer-api-staging",
        NS,
        "apps/healer-api/overlays/staging",
        sha(cid),
        "OutOfSync",
        "Healthy",
        phase="Failed",
        op_message="one or more synchronization tasks completed unsuccessfully",
        resources=[
            {
                "group": "batch",
                "version": "v1",
                "kind": "Job",
                "namespace": NS,
                "name": "healer-migrate",
                "status": "",
                "message": "Job has reached the specified backoff limit",
                "hookPhase": "Failed",
                "syncPhase": "PreSync",
            },
            {
                "group": "apps",
                "version": "v1",
                "kind": "Deployment",
                "namespace": NS,
                "name": "healer-api",
                "status": "OutOfSync",
                "health": {"status": "Healthy"},
            },
        ],
    )
    res = app["application"]["status"]["operationState"]["syncResult"]["resources"]
    res[0]["hookType"] = "PreSync"
    app["application"]["status"]["resources"] = [
        r for r in app["application"]["status"]["resources"] if r["kind"] != "Job"
    ]
    ci(
        cid,
        "argocd app wait --sync --health times out; the Application's sync operation Failed on "
        "its PreSync hook Job healer-migrate (backoff limit reached); the hook pod exited 101 "
        "and its tracing JSON line in Loki carries the Rust panic 'migration file names start "
        "with a numeric version: ParseIntError { kind: InvalidDigit }' for 0041a_agent_labels.sql",
        ["context-driven", "argocd", "misleading-name"],
        "rex",
        "rust_test",
        workflow="promote",
        job="sync-staging",
        repo=PLAT,
        steps=[_argo_wait_sync("healer-api-staging", last)],
        message="feat(db): agent labels migration",
        files=["crates/migrate/migrations/0041a_agent_labels.sql", "crates/migrate/src/main.rs"],
        extra={
            "argocd": [app],
            "kubernetes": {
                "pods": [hook_pod],
                "events": [
                    shapes.event(
                        NS,
                        "Job",
                        "healer-migrate",
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                        first=first,
                        last=last,
                        component="job-controller",
                    )
                ],
            },
            "loki": logs,
        },
    )

    # 1b. kubectl wait for a reindex Job; Job Failed (BackoffLimitExceeded); the pod's last
    #     state exit 101 and a logfmt panic line (rex)
    at(INDEX)
    cid = "fr-y-wait-job-backofflimit-rust-logfmt-nonzero"
    logs = _rust_logged(
        "fr-y-rust-reindex",
        "run-indexer",
        _HOOK_LOGFMT,
        """
use std::num::NonZeroUsize;

fn main() {
    install_panic_hook("run_indexer::reindex");
    let total: usize = 740; // runs waiting for reindex on staging
    info("run_indexer::reindex", &format!("reindexing {total} runs"));
    // one batch per thousand runs
    let batch = NonZeroUsize::new(total / 1000).expect("reindex batch size must be non-zero");
    info("run_indexer::reindex", &format!("batch size {batch}"));
}
""",
    )
    assert any("non-zero" in ln for ln in logs), logs
    _, first, last = clock(cid)
    jobobj = _job(
        "indexer",
        "reindex-runs",
        failed=4,
        backoff=3,
        reason="BackoffLimitExceeded",
        message="Job has reached the specified backoff limit",
        when=last,
    )
    out = real.kubectl_live(
        "fr-y-wait-reindex",
        {"/apis/batch/v1/namespaces/indexer/jobs/reindex-runs": jobobj},
        ["wait", "--for=condition=complete", "job/reindex-runs", "-n", "indexer", "--timeout=3s"],
        "kubectl wait --for=condition=complete job/reindex-runs -n indexer --timeout=600s",
    )
    assert out.code != 0, out
    jp = _job_pod(cid, "indexer", "reindex-runs", "ghcr.io/5dlabs/run-indexer:1.8.0", 101)
    ci(
        cid,
        "kubectl wait for job/reindex-runs to complete times out; the Job is Failed with "
        "BackoffLimitExceeded, its pod's last state is exit 101, and the indexer's logfmt line "
        "in Loki holds the Rust panic 'reindex batch size must be non-zero': the change sizes "
        "batches as total / 1000, which is 0 for 740 runs",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="backfill",
        job="reindex-staging",
        repo=INDEX,
        steps=[*kube_setup(), failing(out, name="Wait for reindex")],
        message="perf(reindex): one batch per thousand runs",
        files=["src/reindex.rs"],
        extra={
            "kubernetes": {
                "jobs": [jobobj],
                "pods": [jp],
                "events": [
                    shapes.event(
                        "indexer",
                        "Job",
                        "reindex-runs",
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                        first=first,
                        last=last,
                        component="job-controller",
                    )
                ],
            },
            "loki": logs,
        },
    )

    # 1c. helm --wait runs out; the pod is stuck in Init:CrashLoopBackOff: the init container
    #     (the same image's schema check) panics in a tracing JSON line (rex)
    at(REPO)
    cid = "fr-y-helm-wait-init-container-rust-schema-check"
    logs = _rust_logged(
        "fr-y-rust-schema-check",
        "healer-api",
        _HOOK_JSON,
        """
use std::collections::HashMap;

fn main() {
    install_panic_hook("healer_api::schema");
    info("healer_api::schema", "checking database schema before start");
    let known: HashMap<&str, u32> = [("runs", 7), ("agents", 3), ("leases", 2)].into_iter().collect();
    for table in ["runs", "agents", "run_labels", "leases"] {
        let version = known.get(table).unwrap();
        info("healer_api::schema", &format!("{table} at v{version}"));
    }
}
""",
    )
    assert any("None" in ln for ln in logs), logs
    img = "ghcr.io/5dlabs/healer-api:0.25.0"
    ctx = _two_containers(
        cid,
        NS,
        "healer-api",
        img,
        init=("schema-check", img, ["/usr/local/bin/healer-api", "check-schema"]),
        init_failing=True,
        exit_code=101,
    )
    ctx["loki"] = logs
    cmd, lines = shapes.helm_upgrade(
        "healer-api", "charts/healer-api", NS, "context deadline exceeded"
    )
    ci(
        cid,
        "helm upgrade --wait fails with 'context deadline exceeded'; the new healer-api pod is "
        "Pending in Init:CrashLoopBackOff because its schema-check init container (the same "
        "image) exits 101, and its tracing JSON line in Loki holds the Rust panic 'called "
        "`Option::unwrap()` on a `None` value': the check now requires a run_labels table its "
        "own version map does not list",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="helm-staging",
        repo=REPO,
        steps=[*kube_setup(), run(cmd, lines, 1, name="Deploy", seconds=300)],
        message="feat(schema): check run_labels before start",
        files=["crates/api/src/schema.rs"],
        pr=pr_of(cid, "feat(schema): check run_labels before start"),
        extra=ctx,
    )

    # 1d. a synthetic-probe gate reads Prometheus's alerts; the probe for healer-api fires and
    #     the service's tracing JSON line holds a ParseBoolError panic (rex)
    cid = "fr-y-synthetic-probe-alert-rust-parse-bool"
    logs = _rust(
        "fr-y-rust-parse-bool",
        "healer-api",
        _HOOK_JSON
        + """
fn main() {
    install_panic_hook("healer_api::config");
    info("healer_api::config", "loading configuration from environment");
    let streaming: bool = std::env::var("HEALER_STREAMING")
        .unwrap_or_else(|_| "false".into())
        .parse()
        .unwrap();
    info("healer_api::config", &format!("streaming={streaming}"));
}
""",
        env={"HEALER_STREAMING": "yes"},
    )
    assert any("ParseBoolError" in ln for ln in logs), logs
    _created, first, _last = clock(cid)
    alerts = _alerts_api(
        (
            "BlackboxProbeFailed",
            {
                "instance": "https://api.staging.5dlabs.ai/healthz",
                "job": "blackbox-synthetics",
                "service": "healer-api",
                "severity": "critical",
            },
            {
                "summary": "Synthetic check of healer-api failing",
                "description": "Probe https://api.staging.5dlabs.ai/healthz has failed for "
                "more than 2 minutes (probe_success == 0).",
                "runbook_url": "https://runbooks.5dlabs.ai/synthetics",
            },
            first,
        )
    )
    gate = _gate(
        "fr-y-gate-synthetic",
        json.dumps(alerts["/api/v1/alerts"]),
        "curl -fsS $HOST/api/v1/alerts > alerts.json\n"
        'jq -r \'.data.alerts[] | select(.labels.service == "healer-api") | '
        '"\\(.labels.alertname) \\(.state): \\(.annotations.summary)"\' alerts.json\n'
        "jq -e '[.data.alerts[] | select(.labels.service == \"healer-api\")] | length == 0' "
        "alerts.json",
        'curl -fsS "$PROMETHEUS_URL/api/v1/alerts" > alerts.json\n'
        'jq -r \'.data.alerts[] | select(.labels.service == "healer-api") | '
        '"\\(.labels.alertname) \\(.state): \\(.annotations.summary)"\' alerts.json\n'
        "jq -e '[.data.alerts[] | select(.labels.service == \"healer-api\")] | length == 0' "
        "alerts.json",
        "https://prometheus.5dlabs.ai",
    )
    assert gate.code == 1 and any("BlackboxProbeFailed" in ln for ln in gate.lines), gate
    ctx = crashing(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.25.1", 101, logs)
    from cases_batch14 import _set_env

    _set_env(ctx["kubernetes"]["pods"][0], {"HEALER_STREAMING": "yes", "PORT": "8080"})
    ci(
        cid,
        "the post-deploy gate finds the BlackboxProbeFailed alert firing for healer-api in "
        "Prometheus's alerts API; the new pod crash-loops (exit 101) and its tracing JSON line "
        "holds the Rust panic 'called `Result::unwrap()` on an `Err` value: ParseBoolError': "
        "the change parses HEALER_STREAMING with str::parse::<bool>, while the deployment has "
        "always set 'yes'",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="synthetics-gate",
        repo=REPO,
        steps=[
            run(
                "kubectl -n healer apply -k deploy/overlays/staging",
                ["deployment.apps/healer-api configured"],
                name="Deploy",
            ),
            run("sleep 180", [], name="Let probes run", seconds=180.0),
            failing(gate, name="Synthetic checks", env={"PROMETHEUS_URL": "***"}),
        ],
        message="feat(config): typed configuration loading",
        files=["crates/api/src/config.rs"],
        pr=pr_of(cid, "feat(config): typed configuration loading"),
        extra={**ctx, "prometheus": alerts},
    )

    # 2a. rollout deadline; Loki: pino's fatal line with the RangeError in its err field (blaze)
    at(WEB)
    cid = "fr-y-rollout-pino-fatal-intl-range-error"
    pod = pod_name(cid, "console-bff")
    _, first, last = clock(cid)
    logs = _node_logged(
        "fr-y-pino-intl",
        {
            "server/log.js": """import pino from "pino";

export const log = pino({ name: "console-bff" });
""",
            "server/format.js": """// durations: always three decimals, at most one when the value is large
export const makeDurationFormat = () =>
  new Intl.NumberFormat("en", { minimumFractionDigits: 3, maximumFractionDigits: 1 });
""",
            "server/index.js": """import http from "node:http";
import { log } from "./log.js";
import { makeDurationFormat } from "./format.js";

process.on("uncaughtException", (err) => {
  log.fatal({ err }, "uncaught exception, exiting");
  process.exit(1);
});

const server = http.createServer((_req, res) => res.end("ok"));
server.listen(0, () => {
  log.info({ port: 4000 }, "console-bff listening");
  const fmt = makeDurationFormat();
  log.info({ sample: fmt.format(1.5) }, "duration format ready");
});
""",
        },
        "server/index.js",
        pod,
        first,
    )
    assert any('"level":60' in ln and "RangeError" in ln for ln in logs), logs
    ro = rollout("fr-y-ro-bff-pino", "console", "console-bff", 3, 1, 2, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(
        cid, "console", "console-bff", "ghcr.io/5dlabs/console-bff:2.6.0", 1, logs, port=4000
    )
    ci(
        cid,
        "kubectl rollout status for console-bff exceeds its progress deadline; the new pod "
        "crash-loops and its pino JSON line (level 60) carries err.type RangeError "
        "'maximumFractionDigits value is out of range' from server/format.js: the change asks "
        "Intl.NumberFormat for at least three and at most one fraction digit",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="rollout-console",
        repo=WEB,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(bff): format durations consistently",
        files=["apps/bff/server/format.js"],
        pr=pr_of(cid, "feat(bff): format durations consistently"),
        extra=ctx,
    )

    # 2b. vitest e2e gets 502 from the preview; Loki: winston's JSON error with a replaceAll
    #     TypeError in message and stack (blaze)
    cid = "fr-y-e2e-502-winston-replaceall-regexp"
    pod = pod_name(cid, "console-ssr")
    _, first, last = clock(cid)
    logs = _node_logged(
        "fr-y-winston-replaceall",
        {
            "server/log.js": """import winston from "winston";

export const log = winston.createLogger({
  level: "info",
  defaultMeta: { service: "console-ssr" },
  format: winston.format.combine(
    winston.format.timestamp(),
    winston.format.errors({ stack: true }),
    winston.format.json(),
  ),
  transports: [new winston.transports.Console()],
});
""",
            "server/paths.js": """// collapse repeated slashes in request paths
export const normalise = (path) => path.replaceAll(/\\/+/, "/");
""",
            "server/index.js": """import http from "node:http";
import { log } from "./log.js";
import { normalise } from "./paths.js";

process.on("uncaughtException", (err) => {
  log.error(err);
  process.exit(1);
});

const routes = ["/runs//", "/agents", "/"].map(normalise);
http.createServer((_req, res) => res.end("ok")).listen(0, () => {
  log.info("console-ssr listening", { routes });
});
""",
        },
        "server/index.js",
        pod,
        first,
    )
    assert any("called with a non-global RegExp" in ln for ln in logs), logs
    e2e_files = {
        "package.json": _pkg("console-e2e"),
        "e2e/runs.test.js": """import { expect, test } from "vitest";

const base = process.env.PREVIEW_URL;

test("runs page renders", async () => {
  const res = await fetch(`${base}/runs`);
  expect(res.status).toBe(200);
});
""",
    }
    host = "https://preview-2471.console.5dlabs.ai"
    with real.serve((502, "<html><body><h1>502 Bad Gateway</h1></body></html>\n")) as port:
        path = real.node_project("fr-y-vitest-502", e2e_files)
        lines, code = real.run(
            ["vitest", "run", "e2e"],
            path,
            env={"PREVIEW_URL": f"http://127.0.0.1:{port}"},
            hosts={f"http://127.0.0.1:{port}": host},
        )
    e2e = real.Out("npx vitest run e2e", lines, code)
    assert e2e.code != 0 and any("502" in ln for ln in e2e.lines), e2e
    ctx = crashing(
        cid,
        "preview-2471",
        "console-ssr",
        "ghcr.io/5dlabs/console-ssr:pr-2471",
        1,
        logs,
        port=3000,
    )
    ci(
        cid,
        "the preview's vitest e2e gets 502 instead of 200; the preview's console-ssr pod "
        "crash-loops and winston's JSON error line in Loki holds TypeError "
        "'String.prototype.replaceAll called with a non-global RegExp argument' from "
        "server/paths.js, which the change added",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="preview",
        job="e2e",
        repo=WEB,
        steps=[*node_setup(), failing(e2e, name="E2E", env={"PREVIEW_URL": host})],
        message="fix(ssr): collapse duplicate slashes in paths",
        files=["apps/console/server/paths.js", "apps/console/server/index.js"],
        pr=pr_of(cid, "fix(ssr): collapse duplicate slashes in paths"),
        extra=ctx,
    )

    # 2c. kubectl wait for Available; the main container runs, the asset-warmer sidecar (the
    #     repository's own Node script) crash-loops with a pino fatal line (blaze)
    cid = "fr-y-wait-sidecar-node-warmer-relative-fetch"
    pod = pod_name(cid, "console-ssr")
    _, first, last = clock(cid)
    logs = _node_logged(
        "fr-y-pino-warmer",
        {
            "scripts/warm.js": """import pino from "pino";

const log = pino({ name: "asset-warmer" });

async function warm() {
  const res = await fetch("/assets/manifest.json");
  const manifest = await res.json();
  log.info({ files: Object.keys(manifest).length }, "warmed asset cache");
}

warm().catch((err) => {
  log.fatal({ err }, "asset warm-up failed");
  process.exit(1);
});
""",
        },
        "scripts/warm.js",
        pod,
        first,
    )
    assert any("Failed to parse URL" in ln for ln in logs), logs
    out = wait_available("fr-y-wait-ssr-sidecar", "console", "console-ssr")
    assert out.code != 0, out
    img = "ghcr.io/5dlabs/console-ssr:2.6.0"
    ctx = _two_containers(
        cid,
        "console",
        "console-ssr",
        img,
        sidecar=("asset-warmer", img),
        sidecar_failing=True,
        exit_code=1,
        port=3000,
    )
    ctx["kubernetes"]["pods"][0]["spec"]["containers"][1]["command"] = ["node", "scripts/warm.js"]
    ctx["loki"] = logs
    ci(
        cid,
        "kubectl wait for console-ssr to become Available times out; in the new pod the "
        "console-ssr container runs but the asset-warmer sidecar (node scripts/warm.js from the "
        "same image) crash-loops, and its pino fatal line holds TypeError 'Failed to parse URL "
        "from /assets/manifest.json': the change fetches a relative URL in Node",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="deploy-console",
        repo=WEB,
        steps=[*kube_setup(), failing(out, name="Wait for console-ssr")],
        message="feat(ssr): warm the asset cache from a sidecar",
        files=["apps/console/scripts/warm.js", "deploy/console-ssr/deployment.yaml"],
        pr=pr_of(cid, "feat(ssr): warm the asset cache from a sidecar"),
        extra=ctx,
    )

    # 2d. a canary gate on the 5xx ratio fails; the range series jumps at the deploy the
    #     Grafana annotation marks, and winston logs the handler's TypeError per request (blaze)
    cid = "fr-y-canary-range-series-winston-null-id"
    pod = pod_name(cid, "console-bff")
    _, first, last = clock(cid)
    logs = _node_logged(
        "fr-y-winston-null",
        {
            "server/log.js": """import winston from "winston";

export const log = winston.createLogger({
  defaultMeta: { service: "console-bff" },
  format: winston.format.combine(
    winston.format.timestamp(),
    winston.format.errors({ stack: true }),
    winston.format.json(),
  ),
  transports: [new winston.transports.Console()],
});
""",
            "server/runs.js": """const owners = new Map([["run-1", { id: "u-7", name: "rex" }]]);

// new: show who started the run
export function summary(runId) {
  const owner = owners.get(runId) ?? null;
  return { runId, startedBy: owner.id };
}
""",
            "server/index.js": """import http from "node:http";
import { log } from "./log.js";
import { summary } from "./runs.js";

const server = http.createServer((req, res) => {
  const id = new URL(req.url, "http://bff").searchParams.get("id");
  try {
    res.end(JSON.stringify(summary(id)));
  } catch (err) {
    log.error(err, { path: req.url });
    res.statusCode = 500;
    res.end();
  }
});

server.listen(0, async () => {
  const { port } = server.address();
  for (const id of ["run-1", "run-2"]) {
    await fetch(`http://127.0.0.1:${port}/api/runs/summary?id=${id}`);
  }
  server.close();
});
""",
        },
        "server/index.js",
        pod,
        first,
        fails=False,
    )
    assert any("Cannot read properties of null" in ln for ln in logs), logs
    t0 = TS - 1800
    ratio = [0.002, 0.001, 0.002, 0.001, 0.003, 0.002, 0.41, 0.43, 0.39, 0.42, 0.44, 0.4]
    query = (
        'sum(rate(http_requests_total{service="console-bff",code=~"5.."}[2m])) / '
        'sum(rate(http_requests_total{service="console-bff"}[2m]))'
    )
    prom = {
        **_range(query, {"service": "console-bff"}, ratio, t0),
    }
    body = json.dumps(
        {
            "status": "success",
            "data": {
                "resultType": "vector",
                "result": [{"metric": {"service": "console-bff"}, "value": [t0 + 660, "0.4"]}],
            },
        }
    )
    gate = _gate(
        "fr-y-canary-gate",
        body,
        'ratio=$(curl -fsS "$HOST/api/v1/query" --data-urlencode "query=$Q" | jq -r '
        "'.data.result[0].value[1]')\n"
        'echo "console-bff 5xx ratio: $ratio (budget 0.05)"\n'
        "jq -en --arg r \"$ratio\" '($r | tonumber) < 0.05'",
        'ratio=$(curl -fsS "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$Q" | jq -r '
        "'.data.result[0].value[1]')\n"
        'echo "console-bff 5xx ratio: $ratio (budget 0.05)"\n'
        "jq -en --arg r \"$ratio\" '($r | tonumber) < 0.05'",
        "https://prometheus.5dlabs.ai",
    )
    assert gate.code == 1, gate
    pods = ready_pods(cid, "console", "console-bff", "ghcr.io/5dlabs/console-bff:2.6.1", 3, 4000)
    ci(
        cid,
        "the canary gate finds a 0.4 5xx ratio for console-bff; the range series jumps from "
        "~0.002 to ~0.4 at the minute Grafana's annotation marks console-bff 2.6.1 deployed, "
        "the pods are Ready, and winston's JSON error lines hold TypeError 'Cannot read "
        "properties of null (reading 'id')' from summary() in server/runs.js, which the change "
        "made read the run's owner",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="canary",
        job="analysis",
        repo=WEB,
        steps=[
            failing(
                gate,
                name="Check 5xx budget",
                env={"PROMETHEUS_URL": "***", "Q": query},
            )
        ],
        message="feat(bff): show who started a run",
        files=["apps/bff/server/runs.js"],
        pr=pr_of(cid, "feat(bff): show who started a run"),
        extra={
            "kubernetes": {
                "pods": pods,
                "events": normal_events(cid, "console", "console-bff", 3),
            },
            "loki": logs,
            "prometheus": prom,
            "grafana": _grafana(
                (t0 + 330, "console-bff 2.6.1 deployed to staging", ["deploy", "console-bff"])
            ),
        },
    )


def cluster() -> None:
    pass


def healthy() -> None:
    pass


def security() -> None:
    pass


def obvious() -> None:
    pass
