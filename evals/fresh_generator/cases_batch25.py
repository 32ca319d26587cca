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
from cases_batch18 import _timeout_curl
from cases_batch21 import _argo_wait
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
from gha import run
from helpers import (
    clock,
    crashing,
    curl_fail,
    kube_setup,
    normal_events,
    pod_name,
    ready_pods,
    rollout,
    silent_server,
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
    pod = pod_name(cid, "console-bff", "0")
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


def _rs_failed_create(cid: str, ns: str, deploy: str, message: str) -> dict[str, Any]:
    """The replicaset-controller's FailedCreate event for the new ReplicaSet."""
    _, first, last = clock(cid)
    rs = f"{deploy}-{sha(cid + 'rs')[:9]}"
    return shapes.event(
        ns,
        "ReplicaSet",
        rs,
        "FailedCreate",
        f'Error creating: pods "{rs}-" is forbidden: {message}'
        if not message.startswith("Error")
        else message,
        first=first,
        last=last,
        count=17,
        component="replicaset-controller",
    )


def _version_check(name: str, host: str, have: str, want: str) -> real.Out:
    """curl the deployed version endpoint and compare it with the released one (jq)."""
    body = json.dumps(
        {"service": "healer-api", "version": have, "commit": sha(have)[:7]}, separators=(",", ":")
    )
    return _gate(
        name,
        body,
        "curl -fsS $HOST/version > version.json\ncat version.json; echo\n"
        f"jq -e --arg want \"{want}\" '.version == $want' version.json",
        f"curl -fsS https://{host}/version > version.json\ncat version.json; echo\n"
        "jq -e --arg want \"${RELEASE_VERSION}\" '.version == $want' version.json",
        f"https://{host}",
    )


def cluster() -> None:
    # 3a. argocd app wait; SyncFailed: the HPA's maxReplicas below minReplicas (bolt)
    at(PLAT)
    cid = "fr-y-argocd-syncfailed-hpa-max-below-min"
    _, first, last = clock(cid)
    op = (
        "one or more objects failed to apply, reason: HorizontalPodAutoscaler.autoscaling "
        '"healer-api" is invalid: spec.maxReplicas: Invalid value: 1: must be greater than or '
        "equal to `minReplicas`"
    )
    app = _argo(
        "healer-api-staging",
        NS,
        "apps/healer-api/overlays/staging",
        sha(cid),
        "OutOfSync",
        "Healthy",
        phase="Failed",
        op_message=op,
        resources=[
            {
                "group": "",
                "version": "v1",
                "kind": "ConfigMap",
                "namespace": NS,
                "name": "healer-api-config",
                "status": "Synced",
                "message": "configmap/healer-api-config configured",
                "syncPhase": "Sync",
            },
            {
                "group": "apps",
                "version": "v1",
                "kind": "Deployment",
                "namespace": NS,
                "name": "healer-api",
                "status": "Synced",
                "health": {"status": "Healthy"},
                "message": "deployment.apps/healer-api configured",
                "syncPhase": "Sync",
            },
            {
                "group": "autoscaling",
                "version": "v2",
                "kind": "HorizontalPodAutoscaler",
                "namespace": NS,
                "name": "healer-api",
                "status": "OutOfSync",
                "message": 'HorizontalPodAutoscaler.autoscaling "healer-api" is invalid: '
                "spec.maxReplicas: Invalid value: 1: must be greater than or equal to "
                "`minReplicas`",
                "syncPhase": "Sync",
            },
        ],
    )
    for r in app["application"]["status"]["operationState"]["syncResult"]["resources"]:
        r["status"] = "SyncFailed" if r["kind"] == "HorizontalPodAutoscaler" else "Synced"
    ci(
        cid,
        "argocd app wait --sync --health times out; the Application's last sync Failed and "
        "its operation message names the HorizontalPodAutoscaler healer-api: spec.maxReplicas "
        "1 is below minReplicas, which the change set in the staging overlay's HPA patch",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="promote",
        job="wait-staging",
        repo=PLAT,
        steps=[_argo_wait_sync("healer-api-staging", last)],
        message="chore(staging): scale healer-api down overnight",
        files=["apps/healer-api/overlays/staging/hpa-patch.yaml"],
        pr=pr_of(cid, "chore(staging): scale healer-api down overnight"),
        extra={"argocd": [app]},
    )

    # 3b. the version check finds the old release; the Application has a ComparisonError:
    #     the change points it at a path that does not exist (bolt)
    cid = "fr-y-version-check-argocd-comparison-error-path"
    out = _version_check("fr-y-version-old", "api.staging.5dlabs.ai", "0.24.3", "0.25.0")
    assert out.code == 1, out
    _, first, last = clock(cid)
    cond = (
        "Failed to load target state: failed to generate manifest for source 1 of 1: rpc "
        "error: code = Unknown desc = apps/healer-api/overlays/stagging: app path does not exist"
    )
    app = _argo(
        "healer-api-staging",
        NS,
        "apps/healer-api/overlays/stagging",
        sha(cid),
        "Unknown",
        "Healthy",
        conditions=[{"type": "ComparisonError", "message": cond, "lastTransitionTime": first}],
    )
    app["message"] = cond
    ci(
        cid,
        "the post-promotion version check still gets 0.24.3 from staging; the Application "
        "healer-api-staging reports sync Unknown with a ComparisonError 'app path does not "
        "exist' for apps/healer-api/overlays/stagging, the path the change wrote into the "
        "Application manifest",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="release",
        job="verify-staging",
        repo=PLAT,
        steps=[failing(out, name="Check deployed version", env={"RELEASE_VERSION": "0.25.0"})],
        message="chore(argocd): move healer-api staging to its own project",
        files=["argocd/apps/healer-api-staging.yaml"],
        pr=pr_of(cid, "chore(argocd): move healer-api staging to its own project"),
        extra={
            "argocd": [app],
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.24.3"),
                "events": [],
            },
        },
    )

    # 3c. the version check finds the old release; the ApplicationSet generated the staging
    #     Application with the production cluster as its destination (bolt)
    cid = "fr-y-version-check-applicationset-wrong-destination"
    out = _version_check("fr-y-version-appset", "api.staging.5dlabs.ai", "0.24.3", "0.25.0")
    assert out.code == 1, out
    _, first, last = clock(cid)
    elements = [
        {"env": "staging", "cluster": "https://prod-api.k8s.5dlabs.internal:6443"},
        {"env": "prod", "cluster": "https://prod-api.k8s.5dlabs.internal:6443"},
    ]
    appset = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationSet",
        "metadata": {"name": "healer-api", "namespace": "argocd"},
        "spec": {
            "goTemplate": True,
            "generators": [{"list": {"elements": elements}}],
            "template": {
                "metadata": {"name": "healer-api-{{.env}}"},
                "spec": {
                    "project": "platform",
                    "source": {
                        "repoURL": f"https://github.com/{PLAT}.git",
                        "path": "apps/healer-api/overlays/{{.env}}",
                        "targetRevision": "main",
                    },
                    "destination": {"server": "{{.cluster}}", "namespace": NS},
                    "syncPolicy": {"automated": {"prune": True, "selfHeal": True}},
                },
            },
        },
        "status": {
            "conditions": [
                {
                    "type": "ResourcesUpToDate",
                    "status": "True",
                    "reason": "ApplicationSetUpToDate",
                    "message": "All applications have been generated successfully",
                    "lastTransitionTime": first,
                }
            ],
            "resources": [
                {
                    "group": "argoproj.io",
                    "version": "v1alpha1",
                    "kind": "Application",
                    "namespace": "argocd",
                    "name": f"healer-api-{e['env']}",
                    "status": "Synced",
                    "health": {"status": "Healthy"},
                }
                for e in elements
            ],
        },
    }
    app = _argo(
        "healer-api-staging",
        NS,
        "apps/healer-api/overlays/staging",
        sha(cid),
        "Synced",
        "Healthy",
    )
    app["application"]["spec"]["destination"]["server"] = elements[0]["cluster"]
    app["application"]["status"]["sync"]["comparedTo"]["destination"]["server"] = elements[0][
        "cluster"
    ]
    ci(
        cid,
        "the version check still gets 0.24.3 from staging although healer-api-staging is "
        "Synced and Healthy; the ApplicationSet's list generator, edited by the change, gives "
        "the staging element the production API server, so the staging Application deploys "
        "into the production cluster",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="release",
        job="verify-staging",
        repo=PLAT,
        steps=[failing(out, name="Check deployed version", env={"RELEASE_VERSION": "0.25.0"})],
        message="refactor(argocd): generate healer-api applications from one ApplicationSet",
        files=["argocd/applicationsets/healer-api.yaml", "argocd/apps/healer-api-staging.yaml"],
        pr=pr_of(cid, "refactor(argocd): generate healer-api applications from one ApplicationSet"),
        extra={
            "argocd": [app],
            "kubernetes": {
                "applicationsets": [appset],
                "pods": ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.24.3"),
                "events": [],
            },
        },
    )

    # 3d. helm --wait runs out; the new ReplicaSet cannot create pods: the LimitRange's
    #     per-container maximum is below the chart's new limit (bolt)
    at(REPO)
    cid = "fr-y-helm-wait-limitrange-max-memory"
    _, first, last = clock(cid)
    lr = {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": {"name": "container-limits", "namespace": NS},
        "spec": {
            "limits": [
                {
                    "type": "Container",
                    "max": {"cpu": "2", "memory": "1Gi"},
                    "default": {"cpu": "500m", "memory": "512Mi"},
                    "defaultRequest": {"cpu": "100m", "memory": "256Mi"},
                }
            ]
        },
    }
    ev = _rs_failed_create(
        cid, NS, "healer-api", "maximum memory usage per Container is 1Gi, but limit is 2Gi"
    )
    cmd, lines = shapes.helm_upgrade(
        "healer-api", "charts/healer-api", NS, "context deadline exceeded"
    )
    ci(
        cid,
        "helm upgrade --wait fails with 'context deadline exceeded'; the replicaset-controller "
        "cannot create the new pods ('maximum memory usage per Container is 1Gi, but limit is "
        "2Gi') because the namespace's LimitRange caps containers at 1Gi and the change raised "
        "the chart's memory limit to 2Gi; the old pods keep serving",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="helm-staging",
        repo=REPO,
        steps=[*kube_setup(), run(cmd, lines, 1, name="Deploy", seconds=300)],
        message="chore(chart): give healer-api 2Gi for the bigger index",
        files=["charts/healer-api/values-staging.yaml"],
        pr=pr_of(cid, "chore(chart): give healer-api 2Gi for the bigger index"),
        extra={
            "kubernetes": {
                "limitranges": [lr],
                "pods": ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.24.3"),
                "events": [ev],
            }
        },
    )

    # 3e. rollout deadline; PodSecurity "baseline" refuses the hostPath volume the change
    #     mounts (bolt)
    cid = "fr-y-rollout-podsecurity-baseline-hostpath"
    ro = rollout("fr-y-ro-shipper", NS, "run-log-shipper", 2, 0, 2, deadline=True)
    assert ro.code != 0, ro
    ev = _rs_failed_create(
        cid,
        NS,
        "run-log-shipper",
        'violates PodSecurity "baseline:latest": hostPath volumes (volume "varlog")',
    )
    ci(
        cid,
        "kubectl rollout status for run-log-shipper exceeds its deadline with no new pod; the "
        "replicaset-controller's FailedCreate says the pods violate PodSecurity "
        "'baseline:latest': hostPath volumes (volume 'varlog'), which the change added to the "
        "deployment in a namespace enforcing baseline",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(logs): ship run logs straight from the node",
        files=["deploy/run-log-shipper/deployment.yaml"],
        pr=pr_of(cid, "feat(logs): ship run logs straight from the node"),
        extra={
            "kubernetes": {
                "namespaces": [
                    {
                        "apiVersion": "v1",
                        "kind": "Namespace",
                        "metadata": {
                            "name": NS,
                            "labels": {
                                "kubernetes.io/metadata.name": NS,
                                "pod-security.kubernetes.io/enforce": "baseline",
                                "pod-security.kubernetes.io/enforce-version": "latest",
                            },
                        },
                    }
                ],
                "pods": ready_pods(
                    cid, NS, "run-log-shipper", "ghcr.io/5dlabs/run-log-shipper:0.3.0"
                ),
                "events": [ev],
            }
        },
    )

    # 3f. smoke 504; ingress-nginx's JSON access and error lines show upstream timeouts to
    #     Ready pods; the change added a default-deny ingress NetworkPolicy (bolt)
    cid = "fr-y-smoke-504-networkpolicy-default-deny-ingress"
    out = curl_fail(
        "fr-y-smoke-504",
        "api.staging.5dlabs.ai",
        "/healthz",
        504,
        "<html><head><title>504 Gateway Time-out</title></head></html>\n",
    )
    assert out.code != 0, out
    _, first, last = clock(cid)
    pods = ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.25.0")
    ips = [p["status"]["podIP"] for p in pods]
    loki = []
    for i, ip in enumerate(ips):
        loki += [
            f"{last[:10].replace('-', '/')} {last[11:19]} [error] 31#31: *{48211 + i} upstream "
            "timed out (110: Operation timed out) while connecting to upstream, client: "
            '10.42.0.1, server: api.staging.5dlabs.ai, request: "GET /healthz HTTP/1.1", '
            f'upstream: "http://{ip}:8080/healthz", host: "api.staging.5dlabs.ai"',
            json.dumps(
                {
                    "time": last.replace("Z", "+00:00"),
                    "remote_addr": "10.42.0.1",
                    "host": "api.staging.5dlabs.ai",
                    "request": "GET /healthz HTTP/1.1",
                    "status": 504,
                    "upstream_addr": f"{ip}:8080",
                    "upstream_status": "504",
                    "request_time": 5.001,
                    "upstream_connect_time": "5.000",
                    "ingress": "healer-api",
                    "namespace": NS,
                    "service": "healer-api",
                },
                separators=(",", ":"),
            ),
        ]
    netpol = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny-ingress", "namespace": NS},
        "spec": {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "monitoring"}
                            }
                        }
                    ]
                }
            ],
        },
    }
    ci(
        cid,
        "the smoke check gets 504 from the ingress; the healer-api pods are Ready, "
        "ingress-nginx's error and JSON access lines show connects to both pod IPs timing out, "
        "and the change added a default-deny ingress NetworkPolicy that admits only the "
        "monitoring namespace, not ingress-nginx",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="smoke",
        repo=REPO,
        steps=[
            run(
                "kubectl -n healer apply -k deploy/overlays/staging",
                [
                    "networkpolicy.networking.k8s.io/default-deny-ingress created",
                    "deployment.apps/healer-api unchanged",
                ],
                name="Deploy",
            ),
            failing(out, name="Smoke /healthz"),
        ],
        message="feat(security): default-deny ingress in the healer namespace",
        files=["deploy/base/networkpolicy.yaml", "deploy/base/kustomization.yaml"],
        pr=pr_of(cid, "feat(security): default-deny ingress in the healer namespace"),
        extra={
            "kubernetes": {
                "networkpolicies": [netpol],
                "pods": pods,
                "events": normal_events(cid, NS, "healer-api"),
            },
            "loki": loki,
        },
    )

    # 3g. StatefulSet rollout stuck: the new pod is Pending on a volume node affinity
    #     conflict after the change pinned the set to other nodes (bolt)
    cid = "fr-y-statefulset-rollout-volume-node-affinity"
    sts = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "run-store", "namespace": NS, "generation": 14},
        "spec": {
            "replicas": 1,
            "serviceName": "run-store",
            "selector": {"matchLabels": {"app.kubernetes.io/name": "run-store"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": "run-store"}},
                "spec": {
                    "containers": [{"name": "run-store", "image": "run-store"}],
                    "nodeSelector": {"node.5dlabs.ai/pool": "fast-disk"},
                },
            },
        },
        "status": {
            "observedGeneration": 14,
            "replicas": 1,
            "readyReplicas": 0,
            "currentReplicas": 0,
            "updatedReplicas": 1,
            "availableReplicas": 0,
            "currentRevision": f"run-store-{sha(cid)[:10]}",
            "updateRevision": f"run-store-{sha(cid + 'u')[:10]}",
            "collisionCount": 0,
        },
    }
    out = real.kubectl_live(
        "fr-y-ro-sts",
        {f"/apis/apps/v1/namespaces/{NS}/statefulsets/run-store": sts},
        ["rollout", "status", "statefulset/run-store", "-n", NS, "--timeout=3s"],
        f"kubectl -n {NS} rollout status statefulset/run-store --timeout=10m",
    )
    assert out.code != 0, out
    created, first, last = clock(cid)
    msg = (
        "0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) "
        "didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 "
        "Preemption is not helpful for scheduling."
    )
    p = shapes.pod(
        "run-store-0",
        NS,
        "run-store",
        "ghcr.io/5dlabs/run-store:0.9.0",
        created=created,
        phase="Pending",
        scheduled=False,
        pending_message=msg,
        owner=("StatefulSet", "run-store"),
        memory_limit="1Gi",
    )
    p["spec"]["nodeSelector"] = {"node.5dlabs.ai/pool": "fast-disk"}
    p["spec"]["volumes"] = [
        {"name": "data", "persistentVolumeClaim": {"claimName": "data-run-store-0"}}
    ]
    pvc = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {
            "name": "data-run-store-0",
            "namespace": NS,
            "annotations": {
                "volume.kubernetes.io/selected-node": "k3s-worker-1",
                "volume.kubernetes.io/storage-provisioner": "rancher.io/local-path",
            },
        },
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": "local-path",
            "resources": {"requests": {"storage": "20Gi"}},
            "volumeName": f"pvc-{sha(cid + 'pv')[:8]}-{sha(cid)[8:12]}-4{sha(cid)[12:15]}-"
            f"8{sha(cid)[15:18]}-{sha(cid)[18:30]}",
        },
        "status": {"phase": "Bound", "capacity": {"storage": "20Gi"}},
    }
    ci(
        cid,
        "kubectl rollout status for statefulset/run-store times out; run-store-0 is Pending "
        "with '1 node(s) had volume node affinity conflict, 2 node(s) didn't match Pod's node "
        "affinity/selector': its local-path claim lives on k3s-worker-1 and the change pinned "
        "the set to the fast-disk pool, which that node is not in",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout-run-store",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Wait for run-store")],
        message="perf(store): schedule run-store on the fast-disk pool",
        files=["deploy/run-store/statefulset.yaml"],
        pr=pr_of(cid, "perf(store): schedule run-store on the fast-disk pool"),
        extra={
            "kubernetes": {
                "pods": [p],
                "persistentvolumeclaims": [pvc],
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        "run-store-0",
                        "FailedScheduling",
                        msg,
                        first=first,
                        last=last,
                        count=9,
                        component="default-scheduler",
                    )
                ],
            }
        },
    )

    # 3h. kubectl wait for a backfill Job; the Job failed with DeadlineExceeded while its own
    #     logfmt progress lines show it working normally: the change cut activeDeadlineSeconds
    #     to 60 (bolt)
    at(INDEX)
    cid = "fr-y-wait-job-deadline-exceeded-active-deadline"
    path = real.crate(
        "fr-y-rust-backfill",
        {
            "Cargo.toml": real.cargo_toml("run-indexer"),
            "src/main.rs": _HOOK_LOGFMT
            + """
fn main() {
    install_panic_hook("run_indexer::backfill");
    let total = 48_000u32;
    info("run_indexer::backfill", &format!("backfilling labels for {total} runs"));
    for done in (6_000..=18_000u32).step_by(6_000) {
        info("run_indexer::backfill", &format!("backfilled {done}/{total} runs"));
    }
}
""",
        },
        package="run-indexer",
    )
    lines, code = real.run(
        ["cargo", "run", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    logs = [ln for ln in lines if ln.strip()]
    _, first, last = clock(cid)
    jobobj = _job(
        "indexer",
        "backfill-labels",
        failed=1,
        backoff=3,
        reason="DeadlineExceeded",
        message="Job was active longer than specified deadline",
        when=last,
    )
    jobobj["spec"]["activeDeadlineSeconds"] = 60
    out = real.kubectl_live(
        "fr-y-wait-backfill",
        {"/apis/batch/v1/namespaces/indexer/jobs/backfill-labels": jobobj},
        [
            "wait",
            "--for=condition=complete",
            "job/backfill-labels",
            "-n",
            "indexer",
            "--timeout=3s",
        ],
        "kubectl wait --for=condition=complete job/backfill-labels -n indexer --timeout=30m",
    )
    assert out.code != 0, out
    jp = _job_pod(cid, "indexer", "backfill-labels", "ghcr.io/5dlabs/run-indexer:1.8.0", 143)
    ci(
        cid,
        "kubectl wait for job/backfill-labels times out; the Job is Failed with "
        "DeadlineExceeded ('Job was active longer than specified deadline'), its pod was "
        "terminated (exit 143) while its own logfmt lines show steady progress (18000/48000 "
        "runs): the change cut activeDeadlineSeconds from 3600 to 60",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="backfill",
        job="labels-staging",
        repo=INDEX,
        steps=[*kube_setup(), failing(out, name="Wait for backfill")],
        message="chore(jobs): fail stuck backfills faster",
        files=["deploy/jobs/backfill-labels.yaml"],
        extra={
            "kubernetes": {
                "jobs": [jobobj],
                "pods": [jp],
                "events": [
                    shapes.event(
                        "indexer",
                        "Job",
                        "backfill-labels",
                        "DeadlineExceeded",
                        "Job was active longer than specified deadline",
                        first=first,
                        last=last,
                        component="job-controller",
                    )
                ],
            },
            "loki": logs,
        },
    )

    # 3i. argocd app wait --health runs out; Degraded: the otel-collector sidecar crash-loops
    #     on the collector config the change put in the chart's ConfigMap (bolt)
    at(PLAT)
    cid = "fr-y-argocd-degraded-otel-sidecar-config"
    _, first, last = clock(cid)
    img = "ghcr.io/5dlabs/healer-api:0.25.0"
    ctx = _two_containers(
        cid,
        NS,
        "healer-api",
        img,
        sidecar=("otel-collector", "otel/opentelemetry-collector-contrib:0.112.0"),
        sidecar_failing=True,
        exit_code=1,
    )
    ctx["loki"] = [
        f"{first[:-1]}.118Z\tinfo\tservice@v0.112.0/service.go:135\tSetting up own telemetry...",
        "Error: failed to get config: cannot unmarshal the configuration: decoding failed due "
        "to the following error(s):",
        "",
        '\'exporters\' unknown type: "otlphttp2" for id: "otlphttp2" (valid values: [debug '
        "otlp otlphttp file kafka loadbalancing prometheus prometheusremotewrite zipkin])",
        f"{first[:4]}/{first[5:7]}/{first[8:10]} {first[11:19]} collector server run finished "
        "with error: failed to get config: cannot unmarshal the configuration: decoding failed "
        "due to the following error(s):",
    ]
    ctx["loki"] = [ln for ln in ctx["loki"] if ln]
    app = _argo(
        "healer-api-staging",
        NS,
        "apps/healer-api/overlays/staging",
        sha(cid),
        "Synced",
        "Degraded",
        health_message='Deployment "healer-api" exceeded its progress deadline',
    )
    ctx["argocd"] = [app]
    ci(
        cid,
        "argocd app wait --health times out with healer-api-staging Synced but Degraded; in "
        "the new pod healer-api runs but the otel-collector sidecar crash-loops, logging "
        "'exporters' unknown type: \"otlphttp2\": the collector config the change put in the "
        "overlay's ConfigMap names an exporter that does not exist",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "yaml_config",
        workflow="promote",
        job="wait-healthy",
        repo=PLAT,
        steps=[_argo_wait("healer-api-staging", last)],
        message="feat(otel): export traces over HTTP",
        files=["apps/healer-api/overlays/staging/otel-collector-config.yaml"],
        pr=pr_of(cid, "feat(otel): export traces over HTTP"),
        extra=ctx,
    )


def _healthy_app(cid: str, name: str = "healer-api-staging", ns: str = NS) -> dict[str, Any]:
    return _argo(
        name, ns, f"apps/{name.rsplit('-', 1)[0]}/overlays/staging", sha(cid), "Synced", "Healthy"
    )


def _degraded_other(cid: str, name: str, ns: str, message: str) -> dict[str, Any]:
    return _argo(
        name,
        ns,
        f"apps/{name}",
        sha(cid + name),
        "Synced",
        "Degraded",
        health_message=message,
    )


def healthy() -> None:
    # 5a. smoke timeout; the deployed app is Synced and Healthy, another app is Degraded (atlas)
    at(REPO)
    cid = "fr-y-noise-smoke-timeout-other-app-degraded"
    out = _timeout_curl("fr-y-smoke-timeout", "api.staging.5dlabs.ai", "/readyz")
    assert out.code == 28, out
    ci(
        cid,
        "the smoke check's curl times out after 3 s against staging; healer-api-staging is "
        "Synced and Healthy, its pods Ready with normal events; the only trouble in the bundle "
        "is the docs-site application, Degraded since before the deploy and not in the smoke "
        "path; nothing explains the timeout",
        ["context-driven", "noisy", "flaky-infra"],
        "atlas",
        "general",
        workflow="deploy",
        job="smoke-staging",
        repo=REPO,
        steps=[failing(out, name="Smoke /readyz")],
        message="docs(runbook): how to rotate the webhook secret",
        files=["docs/runbooks/webhook-secret.md"],
        extra={
            "argocd": [
                _healthy_app(cid),
                _degraded_other(
                    cid,
                    "docs-site",
                    "docs",
                    'Deployment "docs-site" exceeded its progress deadline',
                ),
            ],
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.25.0"),
                "events": normal_events(cid, NS, "healer-api"),
            },
        },
    )

    # 5b. vitest e2e times out; Prometheus's alerts API fires for other services (atlas)
    at(WEB)
    cid = "fr-y-noise-e2e-timeout-alerts-other-services"
    with silent_server() as port:
        path = real.node_project(
            "fr-y-vitest-timeout",
            {
                "package.json": _pkg("console-e2e"),
                "e2e/agents.test.js": """import { expect, test } from "vitest";

const base = process.env.STAGING_URL;

test("agents list loads", { timeout: 3000 }, async () => {
  const res = await fetch(`${base}/api/agents`);
  expect(res.status).toBe(200);
});
""",
            },
        )
        lines, code = real.run(
            ["vitest", "run", "e2e"],
            path,
            env={"STAGING_URL": f"http://127.0.0.1:{port}"},
            hosts={f"http://127.0.0.1:{port}": "https://console.staging.5dlabs.ai"},
        )
    lines = [re.sub(r"timed out in \d+ms", "timed out in 3000ms", ln) for ln in lines]
    e2e = real.Out("npx vitest run e2e", lines, code)
    assert e2e.code != 0 and any("timed out" in ln for ln in e2e.lines), e2e
    _, first, _ = clock(cid)
    alerts = _alerts_api(
        (
            "BlackboxProbeFailed",
            {
                "instance": "https://billing.staging.5dlabs.ai/healthz",
                "job": "blackbox-synthetics",
                "service": "billing-api",
                "severity": "critical",
            },
            {
                "summary": "Synthetic check of billing-api failing",
                "description": "Probe https://billing.staging.5dlabs.ai/healthz has failed for "
                "more than 2 minutes (probe_success == 0).",
            },
            "2026-11-20T03:12:00Z",
        ),
        (
            "KubeJobFailed",
            {"namespace": "analytics", "job_name": "nightly-rollup", "severity": "warning"},
            {
                "summary": "Job failed to complete.",
                "description": "Job analytics/nightly-rollup failed to complete. Removing "
                "failed job after investigation should clear this alert.",
                "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/"
                "kubejobfailed",
            },
            "2026-11-20T04:00:00Z",
        ),
    )
    ci(
        cid,
        "the console e2e test times out after 3000 ms fetching /api/agents from staging; the "
        "firing alerts in Prometheus's alerts API are a synthetic probe for billing-api and a "
        "failed analytics Job, neither on the console's path; console pods Ready, events "
        "normal; nothing explains it",
        ["context-driven", "noisy", "flaky-infra"],
        "atlas",
        "general",
        workflow="e2e",
        job="staging-e2e",
        repo=WEB,
        steps=[
            *node_setup(),
            failing(e2e, name="E2E", env={"STAGING_URL": "https://console.staging.5dlabs.ai"}),
        ],
        message="feat(ui): sort agents by last run",
        files=["apps/console/src/agents/AgentList.tsx"],
        pr=pr_of(cid, "feat(ui): sort agents by last run"),
        extra={
            "prometheus": alerts,
            "kubernetes": {
                "pods": ready_pods(
                    cid, "console", "console-ssr", "ghcr.io/5dlabs/console-ssr:2.6.0", 2, 3000
                ),
                "events": normal_events(cid, "console", "console-ssr"),
            },
        },
    )

    # 5c. node --test e2e: fetch reset; pino's lines are info and warn only (atlas)
    cid = "fr-y-noise-e2e-reset-pino-info-warn-only"
    pod = pod_name(cid, "console-bff", "0")
    _, first, _ = clock(cid)
    logs = _node_logged(
        "fr-y-pino-quiet",
        {
            "server/index.js": """import http from "node:http";
import pino from "pino";

const log = pino({ name: "console-bff" });
const server = http.createServer((req, res) => {
  const started = performance.now();
  res.end("[]");
  log.info({ req: { method: req.method, url: req.url }, res: { statusCode: 200 } }, "request completed");
  if (req.url === "/api/agents") {
    log.warn({ upstream: "healer-api", elapsedMs: 1210 }, "slow upstream response");
  }
});
server.listen(0, async () => {
  log.info({ port: 4000 }, "console-bff listening");
  const { port } = server.address();
  for (const path of ["/api/runs", "/api/agents"]) {
    await fetch(`http://127.0.0.1:${port}${path}`);
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
    logs = [re.sub(r'"responseTime":[\d.]+', '"responseTime":3', ln) for ln in logs]
    assert logs and all('"level":30' in ln or '"level":40' in ln for ln in logs), logs
    from helpers import reset_server

    with reset_server() as port:
        e2e = real.node_run(
            "fr-y-node-test-reset",
            {
                "package.json": _pkg("console-e2e"),
                "e2e/runs.test.js": """import { test } from "node:test";
import assert from "node:assert/strict";

test("runs api answers", async () => {
  const url = `${process.env.STAGING_URL}/api/runs`;
  const res = await fetch(url).catch((err) => {
    throw new Error(`GET ${url} failed: ${err.cause?.code ?? err.message}`);
  });
  assert.equal(res.status, 200);
});
""",
            },
            "--test",
            env={"STAGING_URL": f"http://127.0.0.1:{port}"},
            hosts={f"http://127.0.0.1:{port}": "https://console.staging.5dlabs.ai"},
            shown="node --test e2e/",
        )
    e2e = real.Out(
        e2e.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 12.804211", ln) for ln in e2e.lines],
        e2e.code,
    )
    assert e2e.code != 0 and any("ECONNRESET" in ln for ln in e2e.lines), e2e
    query = (
        'sum(rate(http_requests_total{service="console-bff",code=~"5.."}[5m])) / '
        'sum(rate(http_requests_total{service="console-bff"}[5m]))'
    )
    ci(
        cid,
        "the staging e2e's fetch fails with ECONNRESET; console-bff's pino lines in Loki are "
        "level 30 and 40 only (requests completed, one slow upstream warning), its pods are "
        "Ready and the 5xx ratio series stays near zero; nothing explains the reset",
        ["context-driven", "noisy", "flaky-infra"],
        "atlas",
        "general",
        workflow="e2e",
        job="bff-e2e",
        repo=WEB,
        steps=[
            *node_setup(),
            failing(e2e, name="E2E", env={"STAGING_URL": "https://console.staging.5dlabs.ai"}),
        ],
        message="chore(bff): log upstream timings",
        files=["apps/bff/server/timing.js"],
        pr=pr_of(cid, "chore(bff): log upstream timings"),
        extra={
            "loki": logs,
            "prometheus": _range(
                query,
                {"service": "console-bff"},
                [0.001, 0.0, 0.002, 0.001, 0.0, 0.001, 0.001, 0.0, 0.002, 0.001],
                TS - 1200,
            ),
            "kubernetes": {
                "pods": ready_pods(
                    cid, "console", "console-bff", "ghcr.io/5dlabs/console-bff:2.6.1", 2, 4000
                ),
                "events": normal_events(cid, "console", "console-bff"),
            },
        },
    )

    # 5d. smoke 502 on healer-api; the only panic in Loki is a report-mailer Job's in another
    #     namespace (atlas)
    at(REPO)
    cid = "fr-y-noise-smoke-502-mailer-job-panic-other-ns"
    logs = _rust_logged(
        "fr-y-rust-mailer",
        "report-mailer",
        _HOOK_LOGFMT,
        """
fn main() {
    install_panic_hook("report_mailer");
    info("report_mailer", "sending weekly usage reports");
    let port: u16 = std::env::var("SMTP_PORT").unwrap_or_else(|_| "587/tcp".into()).parse().unwrap();
    info("report_mailer", &format!("smtp port {port}"));
}
""",
    )
    out = curl_fail(
        "fr-y-smoke-502-noise",
        "api.staging.5dlabs.ai",
        "/healthz",
        502,
        "<html><body><h1>502 Bad Gateway</h1></body></html>\n",
    )
    assert out.code != 0, out
    _, first, last = clock(cid + "mailer")
    mailer = _job(
        "reports",
        "weekly-usage-29381640",
        failed=3,
        backoff=2,
        reason="BackoffLimitExceeded",
        message="Job has reached the specified backoff limit",
        when=last,
    )
    mpod = _job_pod(
        cid + "mailer",
        "reports",
        "weekly-usage-29381640",
        "ghcr.io/5dlabs/report-mailer:0.4.1",
        101,
    )
    ci(
        cid,
        "the smoke check gets 502 from healer-api's /healthz once; healer-api's pods are Ready "
        "with normal events and its application Healthy; the one panic in Loki (a logfmt line "
        "with ParseIntError) belongs to the weekly report-mailer CronJob in the reports "
        "namespace, whose Job failed hours earlier and which nothing in the smoke path calls",
        ["context-driven", "noisy", "flaky-infra"],
        "atlas",
        "general",
        workflow="deploy",
        job="post-deploy-smoke",
        repo=REPO,
        steps=[failing(out, name="Smoke")],
        message="fix(api): return 409 for duplicate run ids",
        files=["crates/api/src/runs.rs"],
        pr=pr_of(cid, "fix(api): return 409 for duplicate run ids"),
        extra={
            "argocd": [_healthy_app(cid)],
            "kubernetes": {
                "jobs": [mailer],
                "pods": [
                    *ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.25.0"),
                    mpod,
                ],
                "events": [
                    *normal_events(cid, NS, "healer-api"),
                    shapes.event(
                        "reports",
                        "Job",
                        "weekly-usage-29381640",
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                        first=first,
                        last=last,
                        component="job-controller",
                    ),
                ],
            },
            "loki": logs,
        },
    )

    # 5e. node --test e2e times out; latency flat, and the Grafana deploy annotation at that
    #     minute is another service's (atlas)
    at(WEB)
    cid = "fr-y-noise-e2e-timeout-grafana-other-deploy"
    with silent_server() as port:
        e2e = real.node_run(
            "fr-y-node-test-timeout",
            {
                "package.json": _pkg("console-e2e"),
                "e2e/runs.test.js": """import { test } from "node:test";
import assert from "node:assert/strict";

test("run detail renders", async () => {
  const res = await fetch(`${process.env.STAGING_URL}/runs/9141`, {
    signal: AbortSignal.timeout(3000),
  });
  assert.equal(res.status, 200);
});
""",
            },
            "--test",
            env={"STAGING_URL": f"http://127.0.0.1:{port}"},
            hosts={f"http://127.0.0.1:{port}": "https://console.staging.5dlabs.ai"},
            shown="node --test e2e/",
        )
    e2e = real.Out(
        e2e.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 3004.170562", ln) for ln in e2e.lines],
        e2e.code,
    )
    assert e2e.code != 0 and any("aborted due to timeout" in ln for ln in e2e.lines), e2e
    t0 = TS - 1500
    q = (
        "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{"
        'service="console-ssr"}[5m])))'
    )
    ci(
        cid,
        "the e2e test 'run detail renders' aborts its fetch after 3000 ms ('The operation "
        "was aborted due to timeout') "
        "against staging; "
        "console-ssr's p99 latency series stays flat near 0.08 s, its pods are Ready, and the "
        "Grafana annotation at that minute marks a billing-worker deploy, another team's "
        "service; nothing explains it",
        ["context-driven", "noisy", "flaky-infra"],
        "atlas",
        "general",
        workflow="e2e",
        job="nightly-e2e",
        repo=WEB,
        steps=[
            *node_setup(),
            failing(e2e, name="E2E", env={"STAGING_URL": "https://console.staging.5dlabs.ai"}),
        ],
        message="chore(deps): bump @tanstack/react-query to 5.62.0",
        files=["package.json", "package-lock.json"],
        extra={
            "prometheus": _range(
                q,
                {},
                [0.081, 0.079, 0.083, 0.08, 0.082, 0.078, 0.081, 0.08, 0.084, 0.079],
                t0,
            ),
            "grafana": _grafana(
                (t0 + 300, "billing-worker 4.2.0 deployed to staging", ["deploy", "billing-worker"])
            ),
            "kubernetes": {
                "pods": ready_pods(
                    cid, "console", "console-ssr", "ghcr.io/5dlabs/console-ssr:2.6.0", 2, 3000
                ),
                "events": normal_events(cid, "console", "console-ssr"),
            },
        },
    )

    # 5f. helm --wait runs out; the events show a five-minute image pull that then succeeded,
    #     pods Ready now (atlas)
    at(REPO)
    cid = "fr-y-healthy-helm-wait-slow-image-pull"
    _, first, last = clock(cid)
    img = "ghcr.io/5dlabs/healer-api:0.25.0"
    pods = ready_pods(cid, NS, "healer-api", img)
    events = []
    for p in pods:
        name = p["metadata"]["name"]
        events += [
            shapes.event(
                NS,
                "Pod",
                name,
                "Pulling",
                f'Pulling image "{img}"',
                first=first,
                last=first,
                type_="Normal",
            ),
            shapes.event(
                NS,
                "Pod",
                name,
                "Pulled",
                f'Successfully pulled image "{img}" in 5m12.418s (5m12.418s including '
                "waiting). Image size: 48211044 bytes.",
                first=last,
                last=last,
                type_="Normal",
            ),
            shapes.event(
                NS,
                "Pod",
                name,
                "Started",
                "Started container healer-api",
                first=last,
                last=last,
                type_="Normal",
            ),
        ]
    cmd, lines = shapes.helm_upgrade(
        "healer-api", "charts/healer-api", NS, "context deadline exceeded"
    )
    ci(
        cid,
        "helm upgrade --wait --timeout 5m fails with 'context deadline exceeded'; the events "
        "show each new pod pulling its 48 MB image for 5m12s before it started, and the pods "
        "are Ready now; the change touched only Rust code, so the slow registry pull, not the "
        "chart or the code, ran the wait out",
        ["context-driven", "flaky-infra"],
        "atlas",
        "general",
        workflow="deploy",
        job="helm-staging",
        repo=REPO,
        steps=[*kube_setup(), run(cmd, lines, 1, name="Deploy", seconds=300)],
        message="perf(api): cache agent lookups",
        files=["crates/api/src/agents.rs"],
        pr=pr_of(cid, "perf(api): cache agent lookups"),
        extra={"kubernetes": {"pods": pods, "events": events}},
    )

    # 5g. the synthetic-probe gate fails; the alert started hours before the deploy and its
    #     annotation blames the prober's DNS; pods Ready (atlas)
    cid = "fr-y-noise-synthetic-alert-before-deploy-prober-dns"
    _, first, last = clock(cid)
    alerts = _alerts_api(
        (
            "BlackboxProbeFailed",
            {
                "instance": "https://api.staging.5dlabs.ai/healthz",
                "job": "blackbox-synthetics",
                "prober": "blackbox-eu-1",
                "service": "healer-api",
                "severity": "critical",
            },
            {
                "summary": "Synthetic check of healer-api failing",
                "description": "Probe https://api.staging.5dlabs.ai/healthz from blackbox-eu-1 "
                "has failed for more than 2 minutes (probe_success == 0, "
                "probe_dns_lookup_time_seconds == 0).",
            },
            f"{first[:11]}04:02:00Z",
        )
    )
    gate = _gate(
        "fr-y-gate-synthetic-dns",
        json.dumps(alerts["/api/v1/alerts"]),
        "curl -fsS $HOST/api/v1/alerts > alerts.json\n"
        'jq -r \'.data.alerts[] | select(.labels.service == "healer-api") | '
        '"\\(.labels.alertname) \\(.state) since \\(.activeAt)"\' alerts.json\n'
        "jq -e '[.data.alerts[] | select(.labels.service == \"healer-api\")] | length == 0' "
        "alerts.json",
        'curl -fsS "$PROMETHEUS_URL/api/v1/alerts" > alerts.json\n'
        'jq -r \'.data.alerts[] | select(.labels.service == "healer-api") | '
        '"\\(.labels.alertname) \\(.state) since \\(.activeAt)"\' alerts.json\n'
        "jq -e '[.data.alerts[] | select(.labels.service == \"healer-api\")] | length == 0' "
        "alerts.json",
        "https://prometheus.5dlabs.ai",
    )
    assert gate.code == 1, gate
    q = 'probe_success{job="blackbox-synthetics",service="healer-api"}'
    series = {
        q: [
            {
                "metric": {"job": "blackbox-synthetics", "prober": prober, "service": "healer-api"},
                "values": [[TS - 3600 * 4 + 900 * i, v] for i in range(16)],
            }
            for prober, v in (("blackbox-eu-1", "0"), ("blackbox-us-1", "1"))
        ]
    }
    ci(
        cid,
        "the post-deploy synthetics gate finds BlackboxProbeFailed firing for healer-api; the "
        "alert has been active since 04:02, hours before this deploy, only the blackbox-eu-1 "
        "prober fails (probe_dns_lookup_time_seconds 0) while blackbox-us-1 succeeds "
        "throughout, and the pods are Ready; nothing in the deploy explains it",
        ["context-driven", "noisy", "flaky-infra"],
        "atlas",
        "general",
        workflow="deploy",
        job="synthetics-gate",
        repo=REPO,
        steps=[failing(gate, name="Synthetic checks", env={"PROMETHEUS_URL": "***"})],
        message="feat(api): expose run labels in the list endpoint",
        files=["crates/api/src/runs.rs"],
        pr=pr_of(cid, "feat(api): expose run labels in the list endpoint"),
        extra={
            "prometheus": {**alerts, **series},
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.25.0"),
                "events": normal_events(cid, NS, "healer-api"),
            },
        },
    )


def security() -> None:
    # 4a. rollout deadline; Gatekeeper refuses the image for a HIGH CVE in rustls (cipher)
    at(REPO)
    cid = "fr-y-rollout-gatekeeper-denies-image-cve"
    ro = rollout("fr-y-ro-gatekeeper", NS, "healer-api", 3, 0, 3, deadline=True)
    assert ro.code != 0, ro
    ev = _rs_failed_create(
        cid,
        NS,
        "healer-api",
        'admission webhook "validation.gatekeeper.sh" denied the request: [deny-high-cves] '
        "container healer-api image ghcr.io/5dlabs/healer-api:0.25.2 has unresolved HIGH "
        "vulnerabilities: CVE-2024-32650 (rustls 0.23.4, fixed in 0.23.5)",
    )
    ci(
        cid,
        "kubectl rollout status for healer-api exceeds its deadline with no new pod; the "
        "replicaset-controller's FailedCreate carries Gatekeeper's denial: the image has an "
        "unresolved HIGH vulnerability, CVE-2024-32650 in rustls 0.23.4 (fixed in 0.23.5), "
        "which the change's Cargo.lock pinned",
        ["context-driven", "misleading-name", "security"],
        "cipher",
        "vulnerable_dependency",
        workflow="deploy",
        job="rollout",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="chore(deps): pin rustls for the TLS regression",
        files=["Cargo.lock"],
        pr=pr_of(cid, "chore(deps): pin rustls for the TLS regression"),
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.25.1", 3),
                "events": [ev],
            }
        },
    )

    # 4b. argocd app wait --sync; the sync failed on the sigstore policy-controller denying the
    #     image for a critical CVE in next (cipher)
    at(PLAT)
    cid = "fr-y-argocd-syncfailed-policy-controller-cve"
    _, _first, last = clock(cid)
    digest = sha(cid) + sha(cid + "d")[:24]
    denial = (
        'admission webhook "policy.sigstore.dev" denied the request: validation failed: '
        "failed policy: block-critical-vulns: spec.template.spec.containers[0].image\n"
        f"ghcr.io/5dlabs/console-ssr:2.6.2@sha256:{digest} failed evaluating cue policy for "
        "ClusterImagePolicy: failed to evaluate the policy with error: "
        'predicate.vulnerabilities.critical: conflicting values "CVE-2025-29927 (next '
        '14.2.24)" and []'
    )
    op = f"one or more objects failed to apply, reason: {denial}"
    app = _argo(
        "console-staging",
        "console",
        "apps/console/overlays/staging",
        sha(cid),
        "OutOfSync",
        "Healthy",
        phase="Failed",
        op_message=op,
        resources=[
            {
                "group": "apps",
                "version": "v1",
                "kind": "Deployment",
                "namespace": "console",
                "name": "console-ssr",
                "status": "OutOfSync",
                "health": {"status": "Healthy"},
                "message": denial,
                "syncPhase": "Sync",
            }
        ],
    )
    app["application"]["status"]["operationState"]["syncResult"]["resources"][0]["status"] = (
        "SyncFailed"
    )
    ci(
        cid,
        "argocd app wait --sync --health times out; console-staging's sync Failed because the "
        "sigstore policy-controller's block-critical-vulns policy denied the console-ssr image: "
        "its vulnerability attestation lists CVE-2025-29927 in next 14.2.24",
        ["context-driven", "argocd", "misleading-name", "security"],
        "cipher",
        "vulnerable_dependency",
        workflow="promote",
        job="sync-console",
        repo=PLAT,
        steps=[_argo_wait_sync("console-staging", last)],
        message="chore(console): promote console-ssr 2.6.2 to staging",
        files=["apps/console/overlays/staging/kustomization.yaml"],
        pr=pr_of(cid, "chore(console): promote console-ssr 2.6.2 to staging"),
        extra={"argocd": [app]},
    )


def obvious() -> None:
    # 6a. rustc E0432 (rex)
    at(REPO)
    cid = "fr-y-obvious-rustc-e0432-unresolved-import"
    out = real.cargo(
        "fr-y-e0432",
        {
            "src/main.rs": """mod routing {
    pub struct Weight(pub u32);
}

use routing::Weights;

fn main() {
    let w = Weights(3);
    let _ = w;
}
""",
        },
        ["build"],
    )
    assert out.code != 0 and any("E0432" in ln for ln in out.lines), out
    ci(
        cid,
        "cargo build fails with E0432: unresolved import `routing::Weights` (the module defines "
        "`Weight`)",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="refactor(routing): weights as a newtype",
        files=["crates/router/src/main.rs"],
    )

    # 6b. tsc TS18046 'err' is of type 'unknown' (blaze)
    at(WEB)
    cid = "fr-y-obvious-tsc-ts18046-unknown-catch"
    out = real.tsc(
        "fr-y-ts18046",
        {
            "src/load.ts": """export async function loadRuns(url: string): Promise<string[]> {
  try {
    const res = await fetch(url);
    return (await res.json()) as string[];
  } catch (err) {
    throw new Error(`could not load runs: ${err.message}`);
  }
}
""",
        },
    )
    assert out.code != 0 and any("TS18046" in ln for ln in out.lines), out
    ci(
        cid,
        "tsc fails with TS18046: 'err' is of type 'unknown' in a catch clause under strict",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Typecheck")],
        message="feat(runs): explain load failures",
        files=["src/load.ts"],
    )

    # 6c. clippy unnecessary_cast (rex)
    at(REPO)
    cid = "fr-y-obvious-clippy-unnecessary-cast"
    out = real.cargo(
        "fr-y-clippy-cast",
        {
            "src/main.rs": """fn backoff_ms(attempt: u32) -> u64 {
    let base: u64 = 250;
    base * (attempt as u64) * 2u64 as u64
}

fn main() {
    println!("{}", backoff_ms(3));
}
""",
        },
        ["clippy", "--", "-D", "warnings"],
    )
    assert out.code != 0 and any("unnecessary_cast" in ln for ln in out.lines), out
    ci(
        cid,
        "cargo clippy -D warnings fails on clippy::unnecessary_cast (casting integer literal "
        "to `u64` is unnecessary)",
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="ci",
        job="clippy",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="fix(retry): double the backoff per attempt",
        files=["crates/api/src/retry.rs"],
    )

    # 6d. hadolint DL3003 (bolt)
    cid = "fr-y-obvious-hadolint-dl3003-cd"
    out = real.hadolint(
        "fr-y-dl3003",
        """FROM rust:1.95-slim AS build
WORKDIR /src
COPY . .
RUN cd crates/api && cargo build --release --locked

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/healer-api /usr/local/bin/healer-api
ENTRYPOINT ["/usr/local/bin/healer-api"]
""",
    )
    assert out.code != 0 and any("DL3003" in ln for ln in out.lines), out
    ci(
        cid,
        "hadolint fails on DL3003: use WORKDIR to switch to a directory (`RUN cd crates/api && "
        "cargo build`)",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="ci",
        job="dockerfile-lint",
        repo=REPO,
        steps=[failing(out, name="hadolint")],
        message="build(docker): build only the api crate",
        files=["Dockerfile"],
    )

    # 6e. actionlint: `branch` is not a key of the push trigger (atlas)
    cid = "fr-y-obvious-actionlint-push-branch-key"
    out = real.actionlint(
        "fr-y-actionlint-branch",
        {
            "release.yml": """name: release
on:
  push:
    branch: [main]
jobs:
  notes:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - run: git log --oneline "$(git describe --tags --abbrev=0 HEAD^)..HEAD"
""",
        },
    )
    assert out.code != 0 and any("branch" in ln for ln in out.lines), out
    ci(
        cid,
        "actionlint rejects .github/workflows/release.yml: unexpected key 'branch' for the "
        "push section (it is branches)",
        ["obvious", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="actionlint",
        repo=REPO,
        steps=[failing(out, name="actionlint")],
        message="ci(release): release notes on every push to main",
        files=[".github/workflows/release.yml"],
    )
