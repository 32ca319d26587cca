"""Batch 19 of the fresh split (ids ``fr-s-``): noisy contexts, kills and limits in new tools,
deployed memory growth against manifest limits, platform refusals in new words, new wrappers.

- noisy bundles where the context holds unrelated trouble (another namespace's crash loop, a
  firing alert for another service, a Degraded application that is not the deployed one) beside
  the real cause, in the log or in the failing step's own workload;
- kills and machine limits in tools not used before (webpack, a JVM code generator, the JVM's
  heap reservation under a runner's address-space cap, a Node script inside BuildKit, a Rust
  test whose own output shows reference cycles never dropped);
- a deployed workload's own memory growth (Loki lines of programs really run here, Prometheus
  series) against memory limits the manifests set;
- platform refusals in new words under misleading job names, real clients against 127.0.0.1
  servers answering as GitHub;
- wrappers not used before (nox, nx, Task, mise) whose inner tool decides; plain obvious cases.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fcommon
import real
import shapes
from cases_batch5 import _push_rejected
from cases_batch8 import _cmdline, _tree, kill_one
from cases_batch14 import _alerts, _argo, _grafana_degraded, _noise_pods, _pkg, _rust, npm_ci_ok
from cases_batch18 import _rust_ok, _timeout_curl
from fcommon import at, ci, failing, node_setup, passing, pr_of, rust_setup, sha
from gha import alert, run, uses
from helpers import (
    buildx_setup,
    buildx_step,
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
NS = "healer"
IMG = "ghcr.io/5dlabs/healer-api:0.24.0"
TS = 1764320400
B19_NODE = real.WORK / "b19-node"
B19_VENV = real.WORK / "b19-venv"
B19_NODE_PKGS = ["webpack@5.101.3", "webpack-cli@6.0.1", "nx@24.0.6", "@jdxcode/mise@2026.9.15"]
B19_PY_PKGS = ["nox==2025.5.1", "go-task-bin==3.54.0"]


def ensure_b19_tools() -> None:
    """Install this batch's pinned clients into ``work/b19-node`` and ``work/b19-venv`` once."""
    marker = B19_NODE / ".pinned"
    if not marker.exists() or marker.read_text() != " ".join(B19_NODE_PKGS):
        B19_NODE.mkdir(parents=True, exist_ok=True)
        (B19_NODE / "package.json").write_text('{"name":"tools","private":true}')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", *B19_NODE_PKGS],
            cwd=B19_NODE,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        marker.write_text(" ".join(B19_NODE_PKGS))
    pmarker = B19_VENV / ".pinned"
    if not pmarker.exists() or pmarker.read_text() != " ".join(B19_PY_PKGS):
        subprocess.run(["python3", "-m", "venv", str(B19_VENV)], check=True)
        subprocess.run([str(B19_VENV / "bin" / "pip"), "install", "-q", *B19_PY_PKGS], check=True)
        pmarker.write_text(" ".join(B19_PY_PKGS))


# ------------------------------------------------------------------ helpers


def _clean(lines: list[str]) -> list[str]:
    """Tool paths of this machine rewritten as the runner's."""
    out = []
    for ln in lines:
        ln = ln.replace(str(B19_NODE / "node_modules"), real.RUNNER + "/node_modules")
        ln = ln.replace(str(B19_VENV), "/opt/hostedtoolcache/Python/3.12.7/x64")
        ln = ln.replace(str(real.WORK), "/home/runner/work")
        out.append(ln)
    return out


def _out(out: real.Out, command: str | None = None) -> real.Out:
    return real.Out(command or out.command, _clean(out.lines), out.code)


def _vector_crashloop(cid: str) -> dict[str, Any]:
    """Noise: a vector log shipper crash-looping in ``logging`` on a sink it cannot reach."""
    created, first, last = clock(cid + "vector")
    name = pod_name(cid, "vector", "v")
    p = shapes.pod(
        name,
        "logging",
        "vector",
        "docker.io/timberio/vector:0.41.1-debian",
        created=created,
        restarts=23,
        port=8686,
        memory_limit="256Mi",
        node="k3s-worker-1",
        waiting=(
            "CrashLoopBackOff",
            f"back-off 5m0s restarting failed container=vector pod={name}_logging",
        ),
        terminated={"exit_code": 78, "reason": "Error", "started": first, "finished": first},
        owner=("DaemonSet", "vector"),
    )
    ev = shapes.event(
        "logging",
        "Pod",
        name,
        "BackOff",
        f"Back-off restarting failed container vector in pod {name}_logging",
        first=first,
        last=last,
        count=96,
        host="k3s-worker-1",
    )
    loki = [
        "2026-11-24T03:02:11.418204Z ERROR vector::topology::builder: Healthcheck failed. "
        "error=Failed to make HTTP(S) request: error trying to connect: dns error: failed to "
        'lookup address information: Name or service not known component_kind="sink" '
        'component_type="elasticsearch" component_id=archive',
    ]
    return {"pods": [p], "events": [ev], "loki": loki}


def _merge_ctx(*parts: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"kubernetes": {"pods": [], "events": []}, "loki": []}
    for p in parts:
        if "kubernetes" in p:
            out["kubernetes"]["pods"] += p["kubernetes"].get("pods", [])
            out["kubernetes"]["events"] += p["kubernetes"].get("events", [])
        out["kubernetes"]["pods"] += p.get("pods", [])
        out["kubernetes"]["events"] += p.get("events", [])
        out["loki"] += p.get("loki", [])
        for k in ("prometheus",):
            if k in p:
                out.setdefault(k, {}).update(p[k])
        if "argocd" in p:
            out.setdefault("argocd", []).extend(p["argocd"])
    return out


def _growth(query: str, pods: list[dict[str, Any]], base: int, step: int) -> dict[str, Any]:
    """A range query whose series climb from each pod's start (one sample per 5 minutes)."""
    return {
        query: [
            {
                "metric": {"pod": p["metadata"]["name"]},
                "values": [[TS + 300 * i, str(base + step * i + 700_000 * k)] for i in range(10)],
            }
            for k, p in enumerate(pods)
        ]
    }


def _flat(query: str, pods: list[dict[str, Any]], level: int) -> dict[str, Any]:
    return {
        query: [
            {
                "metric": {"pod": p["metadata"]["name"]},
                "values": [
                    [TS + 300 * i, str(level + ((i * 7919 + k * 104729) % 5) * 262_144)]
                    for i in range(10)
                ],
            }
            for k, p in enumerate(pods)
        ]
    }


def _oom_pods(
    cid: str, ns: str, app: str, image: str, limit: str, n: int = 2, port: int = 8080
) -> list[dict[str, Any]]:
    created, first, last = clock(cid)
    pods = []
    for i in range(n):
        name = pod_name(cid, app, str(i))
        pods.append(
            shapes.pod(
                name,
                ns,
                app,
                image,
                created=created,
                restarts=4 + i,
                port=port,
                memory_limit=limit,
                waiting=(
                    "CrashLoopBackOff",
                    f"back-off 2m40s restarting failed container={app} pod={name}_{ns}",
                ),
                terminated={
                    "exit_code": 137,
                    "reason": "OOMKilled",
                    "started": first,
                    "finished": last,
                },
            )
        )
    return pods


def _backoff(cid: str, ns: str, app: str, pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    _, first, last = clock(cid)
    return [
        shapes.event(
            ns,
            "Pod",
            p["metadata"]["name"],
            "BackOff",
            f"Back-off restarting failed container {app} in pod {p['metadata']['name']}_{ns}",
            first=first,
            last=last,
            count=9 + k,
        )
        for k, p in enumerate(pods)
    ]


# ------------------------------------------------------------------ 1. noisy contexts


def noisy() -> None:
    # 1a. cargo test assertion; context: vector crash-looping elsewhere, alerts, grafana (rex)
    at(REPO)
    cid = "fr-s-noisy-cargo-test-backoff-cap-beside-vector-crashloop"
    out = real.cargo(
        "fr-s-cargo-backoff",
        {
            "src/lib.rs": """/// Delay before the next redelivery attempt, doubling from 500 ms and capped at 30 s.
pub fn backoff_ms(attempt: u32) -> u64 {
    let base: u64 = 500;
    let delay = base.saturating_mul(1u64 << attempt.min(16));
    // cap, rounded up to the next whole second
    if delay > 30_000 { delay.div_ceil(1_000) * 1_000 } else { delay }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_half_a_second() {
        assert_eq!(backoff_ms(0), 500);
        assert_eq!(backoff_ms(3), 4_000);
    }

    #[test]
    fn caps_at_thirty_seconds() {
        assert_eq!(backoff_ms(7), 30_000);
        assert_eq!(backoff_ms(40), 30_000);
    }
}
"""
        },
        ["test", "--lib"],
        shown="cargo test --lib -p healer-redeliver",
    )
    assert out.code != 0 and any("assertion" in ln for ln in out.lines), out
    vec = _vector_crashloop(cid)
    npods, nevents = _noise_pods(cid)
    ci(
        cid,
        "cargo test fails: caps_at_thirty_seconds gets 64000 for attempt 7 because the change "
        "rounds the delay up instead of capping it; the context holds only unrelated trouble "
        "(vector crash-looping in logging on an unreachable sink, promtail restarts, an "
        "image-GC warning, a Degraded grafana, firing alerts for those)",
        ["noisy", "obvious"],
        "rex",
        "rust_test",
        workflow="rust-ci",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="fix(redeliver): round the capped delay to whole seconds",
        files=["crates/redeliver/src/backoff.rs"],
        pr=pr_of(cid, "fix(redeliver): round the capped delay to whole seconds"),
        extra={
            "kubernetes": {"pods": vec["pods"] + npods, "events": vec["events"] + nevents},
            "loki": vec["loki"],
            "argocd": [_grafana_degraded(cid)],
            "prometheus": _alerts(
                (
                    "KubePodCrashLooping",
                    {
                        "namespace": "logging",
                        "pod": vec["pods"][0]["metadata"]["name"],
                        "severity": "warning",
                    },
                ),
                (
                    "KubeDaemonSetRolloutStuck",
                    {"namespace": "logging", "daemonset": "vector", "severity": "warning"},
                ),
            ),
        },
    )

    # 1b. rollout deadline; Loki: Node TDZ from a circular import (blaze); noise: billing app
    at(WEB)
    cid = "fr-s-noisy-rollout-node-circular-import-tdz"
    node = real.node_run(
        "fr-s-node-tdz",
        {
            "package.json": _pkg("console-bff"),
            "server/index.js": """import { config } from "./config.js";

console.log(`console-bff listening on ${config.port}`);
""",
            "server/config.js": """import { routes } from "./routes.js";

export const config = {
  port: Number(process.env.PORT ?? 3000),
  apiBase: process.env.API_BASE ?? "http://healer-api.healer:8080",
  routes,
};
""",
            "server/routes.js": """import { config } from "./config.js";

// new: every route is proxied under the configured API base
export const routes = ["/runs", "/agents", "/settings"].map((p) => `${config.apiBase}${p}`);
""",
        },
        "server/index.js",
    )
    assert node.code != 0 and any("before initialization" in ln for ln in node.lines), node
    logs = [ln.replace(real.RUNNER, "/app") for ln in node.lines if ln.strip()]
    ro = rollout(cid, "console", "console-bff", 3, 1, 2, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(
        cid, "console", "console-bff", "ghcr.io/5dlabs/console-bff:2.6.0", 1, logs, port=3000
    )
    bcreated, bfirst, blast = clock(cid + "billing")
    bname = pod_name(cid, "billing-worker", "b")
    bpod = shapes.pod(
        bname,
        "billing",
        "billing-worker",
        "ghcr.io/5dlabs/billing-worker:1.9.2",
        created=bcreated,
        restarts=14,
        memory_limit="512Mi",
        node="k3s-worker-3",
        waiting=(
            "CrashLoopBackOff",
            f"back-off 5m0s restarting failed container=billing-worker pod={bname}_billing",
        ),
        terminated={"exit_code": 1, "reason": "Error", "started": bfirst, "finished": bfirst},
    )
    bev = shapes.event(
        "billing",
        "Pod",
        bname,
        "BackOff",
        f"Back-off restarting failed container billing-worker in pod {bname}_billing",
        first=bfirst,
        last=blast,
        count=61,
        host="k3s-worker-3",
    )
    ctx["kubernetes"]["pods"].append(bpod)
    ctx["kubernetes"]["events"].append(bev)
    ctx["loki"] = [
        '{"level":"error","app":"billing-worker","msg":"stripe webhook secret not configured",'
        '"ts":"2026-11-24T01:12:09Z"}',
        *ctx["loki"],
    ]
    ci(
        cid,
        "kubectl rollout status passes its deadline for console-bff; its new pod crash-loops "
        "and Loki shows Node's 'ReferenceError: Cannot access 'config' before initialization' "
        "from routes.js: the change made config.js and routes.js import each other; a "
        "crash-looping billing-worker in another namespace and its Degraded Argo CD "
        "application are unrelated",
        ["context-driven", "noisy", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="deploy",
        job="rollout-console",
        repo=WEB,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(bff): proxy every route under the API base",
        files=["server/routes.js", "server/config.js"],
        pr=pr_of(cid, "feat(bff): proxy every route under the API base"),
        extra={
            **ctx,
            "argocd": [
                _argo(
                    "billing-worker",
                    "billing",
                    "apps/billing",
                    sha(cid + "bw"),
                    "Synced",
                    "Degraded",
                    health_message='Deployment "billing-worker" exceeded its progress deadline',
                ),
                _argo(
                    "console",
                    "console",
                    "apps/console",
                    sha(cid),
                    "Synced",
                    "Progressing",
                    health_message="Waiting for rollout to finish: 1 out of 3 new replicas have been updated...",
                ),
            ],
        },
    )

    # 1c. smoke timeout; healthy target, only noise in the context (atlas)
    at(REPO)
    cid = "fr-s-noisy-smoke-timeout-healthy-target-only-noise"
    out = _timeout_curl("fr-s-smoke-timeout", "staging-api.5dlabs.ai", "/healthz")
    assert out.code == 28, out
    vec = _vector_crashloop(cid)
    pods = ready_pods(cid, NS, "healer-api", IMG, n=3)
    ci(
        cid,
        "the smoke curl times out after 3 s against /healthz; healer-api's three pods are Ready "
        "with no restarts and the change only edits docs; the context's trouble is elsewhere "
        "(vector crash-looping in logging, a failed postgres backup alert in the backup "
        "namespace, a Degraded grafana): nothing in the repository to fix",
        ["noisy", "flaky-infra"],
        "atlas",
        "general",
        workflow="deploy",
        job="smoke-staging",
        repo=REPO,
        steps=[failing(out, name="Smoke /healthz")],
        message="docs: describe the redelivery backoff",
        files=["docs/redelivery.md"],
        extra={
            "kubernetes": {
                "pods": pods + vec["pods"],
                "events": normal_events(cid, NS, "healer-api", 3) + vec["events"],
            },
            "loki": vec["loki"],
            "argocd": [_grafana_degraded(cid)],
            "prometheus": _alerts(
                (
                    "PostgresBackupFailed",
                    {"namespace": "backup", "cronjob": "pg-basebackup", "severity": "critical"},
                ),
                (
                    "KubePodCrashLooping",
                    {
                        "namespace": "logging",
                        "pod": vec["pods"][0]["metadata"]["name"],
                        "severity": "warning",
                    },
                ),
            ),
        },
    )

    # 1d. kubectl wait; target pod stuck on a TLS secret the Certificate no longer writes (bolt)
    cid = "fr-s-noisy-wait-tls-secret-renamed-certificate"
    out = wait_available("fr-s-wait-tls", NS, "healer-api")
    assert out.code != 0, out
    created, first, last = clock(cid)
    name = pod_name(cid, "healer-api")
    p = shapes.pod(
        name,
        NS,
        "healer-api",
        IMG,
        created=created,
        phase="Pending",
        port=8443,
        memory_limit="512Mi",
        waiting=("ContainerCreating", ""),
    )
    p["spec"]["volumes"] = [
        {"name": "tls", "secret": {"secretName": "healer-api-tls", "defaultMode": 420}}
    ]
    p["spec"]["containers"][0]["volumeMounts"] = [
        {"name": "tls", "mountPath": "/etc/healer/tls", "readOnly": True}
    ]
    ev = shapes.event(
        NS,
        "Pod",
        name,
        "FailedMount",
        'MountVolume.SetUp failed for volume "tls" : secret "healer-api-tls" not found',
        first=first,
        last=last,
        count=12,
    )
    npods, nevents = _noise_pods(cid)
    ci(
        cid,
        "kubectl wait for Available times out; the new healer-api pod stays ContainerCreating "
        "with FailedMount 'secret \"healer-api-tls\" not found': the change renamed the "
        "cert-manager Certificate's secretName to healer-api-cert while the Deployment still "
        "mounts healer-api-tls; promtail's restarts, an image-GC warning and a failing ETL job "
        "alert are unrelated",
        ["context-driven", "noisy"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="deploy-staging",
        repo=PLAT,
        steps=[*kube_setup(), failing(out, name="Wait for healer-api")],
        message="chore(healer): name the certificate secret after the service",
        files=["apps/healer/certificate.yaml"],
        pr=pr_of(
            cid,
            "chore(healer): name the certificate secret after the service",
            "Renames spec.secretName in the Certificate to healer-api-cert to match our naming.",
        ),
        extra={
            "kubernetes": {"pods": [p, *npods], "events": [ev, *nevents]},
            "prometheus": _alerts(
                (
                    "KubeJobFailed",
                    {
                        "namespace": "etl",
                        "job_name": "nightly-export-29401120",
                        "severity": "warning",
                    },
                ),
            ),
        },
    )

    # 1e. vitest toMatchObject; noise: firing alerts and a Degraded docs app (blaze)
    at(WEB)
    cid = "fr-s-noisy-vitest-tomatchobject-beside-alerts"
    out = real.vitest(
        "fr-s-vitest-match",
        {
            "package.json": _pkg("console"),
            "src/run-summary.js": """export function summarize(run) {
  return {
    id: run.id,
    agent: run.agent,
    status: run.conclusion === "success" ? "passed" : "failed",
    durationSec: Math.round((run.finishedAt - run.startedAt) / 1000),
  };
}
""",
            "src/run-summary.test.js": """import { expect, test } from "vitest";
import { summarize } from "./run-summary.js";

test("cancelled runs are reported as cancelled", () => {
  const run = { id: 7, agent: "rex", conclusion: "cancelled", startedAt: 0, finishedAt: 61000 };
  expect(summarize(run)).toMatchObject({ status: "cancelled", durationSec: 61 });
});
""",
        },
    )
    assert out.code != 0, out
    ci(
        cid,
        "vitest fails: summarize() reports a cancelled run as 'failed' (toMatchObject expects "
        "'cancelled'); the context holds a Degraded docs-site application and firing alerts for "
        "other services, none about this code",
        ["noisy", "obvious"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(runs): show cancelled runs in the summary",
        files=["src/run-summary.test.js"],
        pr=pr_of(cid, "feat(runs): show cancelled runs in the summary"),
        extra={
            "argocd": [
                _argo(
                    "docs-site",
                    "docs",
                    "apps/docs",
                    sha(cid),
                    "OutOfSync",
                    "Degraded",
                    health_message='Deployment "docs-site" exceeded its progress deadline',
                ),
            ],
            "prometheus": _alerts(
                (
                    "TargetDown",
                    {"job": "node-exporter", "namespace": "monitoring", "severity": "warning"},
                ),
                (
                    "CertificateExpiringSoon",
                    {"namespace": "docs", "certificate": "docs-tls", "severity": "warning"},
                ),
            ),
        },
    )

    # 1f. e2e node --test 502; Loki: Rust RwLock poisoned after a panicking reload (rex)
    at(REPO)
    cid = "fr-s-noisy-e2e-502-rust-rwlock-poisoned"
    logs = _rust(
        "fr-s-rust-poison",
        "healer-api",
        """use std::sync::{Arc, RwLock};
use std::thread;

struct Weights {
    per_agent: Vec<u32>,
}

fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_api::weights","message":"loading routing weights"}}"#);
    let w = Arc::new(RwLock::new(Weights { per_agent: vec![] }));
    let reload = {
        let w = Arc::clone(&w);
        thread::Builder::new()
            .name("weights-reload".into())
            .spawn(move || {
                let mut g = w.write().unwrap();
                // new: normalise against the first agent's weight
                let first = g.per_agent[0];
                g.per_agent.iter_mut().for_each(|x| *x = *x * 100 / first);
            })
            .unwrap()
    };
    let _ = reload.join();
    let total: u32 = w.read().unwrap().per_agent.iter().sum();
    eprintln!("weights total {total}");
}
""",
    )
    assert any("PoisonError" in ln for ln in logs), logs
    with real.serve(
        (502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
    ) as port:
        e2e = real.node_run(
            "fr-s-e2e-502",
            {
                "package.json": _pkg("healer-e2e"),
                "e2e/triage.test.js": """import { test } from "node:test";
import assert from "node:assert/strict";

const base = process.env.E2E_BASE_URL;

test("triage endpoint routes a clippy failure to rex", async () => {
  const res = await fetch(`${base}/v1/triage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ job: "clippy", log: "error: this loop could be written as" }),
  });
  assert.equal(res.status, 200);
});
""",
            },
            "--test",
            env={"E2E_BASE_URL": f"http://127.0.0.1:{port}"},
            hosts={f"http://127.0.0.1:{port}": "https://staging-api.5dlabs.ai"},
            shown="node --test e2e/",
        )
    assert e2e.code != 0, e2e
    e2e = real.Out(
        e2e.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 212.40871", ln) for ln in e2e.lines],
        e2e.code,
    )
    ctx = crashing(cid, "healer-staging", "healer-api", IMG, 101, logs)
    old = ready_pods(cid + "prod", "healer", "healer-api", "ghcr.io/5dlabs/healer-api:0.23.2", n=2)
    rcreated, rfirst, _rlast = clock(cid + "redis")
    rname = pod_name(cid, "redis-exporter", "r")
    rpod = shapes.pod(
        rname,
        "cache",
        "redis-exporter",
        "docker.io/oliver006/redis_exporter:v1.62.0",
        created=rcreated,
        restarts=8,
        port=9121,
        memory_limit="64Mi",
        node="k3s-worker-1",
        waiting=(
            "CrashLoopBackOff",
            f"back-off 5m0s restarting failed container=redis-exporter pod={rname}_cache",
        ),
        terminated={"exit_code": 1, "reason": "Error", "started": rfirst, "finished": rfirst},
    )
    ctx["kubernetes"]["pods"] += [*old, rpod]
    ctx["loki"].insert(
        0,
        'time="2026-11-24T02:10:44Z" level=fatal msg="Couldn\'t connect to redis instance '
        '(redis://redis-cache.cache:6379): dial tcp 10.43.12.7:6379: connect: connection refused"',
    )
    ci(
        cid,
        "the e2e triage test gets 502 from staging; in healer-staging the new healer-api pod "
        "crash-loops (exit 101) and Loki shows the weights-reload thread panicking on an empty "
        "per_agent table (index out of bounds) and main's read() failing with PoisonError; the "
        "production pods, a crash-looping redis-exporter in the cache namespace and a firing "
        "RedisDown alert are unrelated",
        ["context-driven", "noisy", "misleading-name"],
        "rex",
        "rust_test",
        workflow="e2e",
        job="e2e-staging",
        repo=REPO,
        steps=[*node_setup(), failing(e2e, name="E2E")],
        message="feat(weights): normalise routing weights on reload",
        files=["crates/api/src/weights.rs"],
        pr=pr_of(cid, "feat(weights): normalise routing weights on reload"),
        extra={
            **ctx,
            "prometheus": _alerts(
                (
                    "RedisDown",
                    {"namespace": "cache", "service": "redis-cache", "severity": "critical"},
                )
            ),
        },
    )

    # 1g. helm --wait runs out; pods Pending on a topology spread key the nodes lack (bolt)
    at(PLAT)
    cid = "fr-s-noisy-helm-wait-topology-spread-missing-zone-label"
    cmd, lines = shapes.helm_upgrade("healer", "charts/healer", NS, "context deadline exceeded")
    created, first, last = clock(cid)
    msg = (
        "0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints "
        "(missing required label). preemption: 0/3 nodes are available: 3 Preemption is not "
        "helpful for scheduling."
    )
    pods = []
    events = []
    for i in range(2):
        name = pod_name(cid, "healer-api", str(i))
        p = shapes.pod(
            name,
            NS,
            "healer-api",
            IMG,
            created=created,
            phase="Pending",
            port=8080,
            memory_limit="512Mi",
            scheduled=False,
            pending_message=msg,
        )
        p["spec"]["topologySpreadConstraints"] = [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "healer-api"}},
            }
        ]
        pods.append(p)
        events.append(
            shapes.event(
                NS,
                "Pod",
                name,
                "FailedScheduling",
                msg,
                first=first,
                last=last,
                count=7,
                component="default-scheduler",
            )
        )
    vec = _vector_crashloop(cid)
    ci(
        cid,
        "helm upgrade --wait fails with 'context deadline exceeded'; the new healer-api pods "
        "are Pending: 'didn't match pod topology spread constraints (missing required label)': "
        "the chart now spreads on topology.kubernetes.io/zone with DoNotSchedule and the k3s "
        "nodes carry no zone label; vector crash-looping in logging and a Degraded grafana are "
        "unrelated",
        ["context-driven", "noisy"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm-staging",
        repo=PLAT,
        steps=[*kube_setup(), run(cmd, lines, 1, name="Deploy", seconds=300)],
        message="feat(chart): spread healer-api across zones",
        files=["charts/healer/templates/deployment.yaml", "charts/healer/values.yaml"],
        pr=pr_of(cid, "feat(chart): spread healer-api across zones"),
        extra={
            "kubernetes": {"pods": pods + vec["pods"], "events": events + vec["events"]},
            "loki": vec["loki"],
            "argocd": [_grafana_degraded(cid)],
        },
    )

    # 1h. preview build: tsc TS2769; another PR's preview app is Degraded (blaze)
    at(WEB)
    cid = "fr-s-noisy-preview-build-tsc-no-overload-beside-degraded-preview"
    out = real.tsc(
        "fr-s-tsc-overload",
        {
            "src/timeline.ts": """export interface Step { name: string; startedAt: string; seconds: number }

export function longest(steps: Step[]): Step[] {
  // new: sort by duration, longest first
  return [...steps].sort((a, b) => b.seconds - a.seconds).slice(0, 5);
}

export function total(steps: Step[]): number {
  return steps.reduce((sum: number, s: Step) => sum + s.seconds, "0");
}
""",
        },
    )
    assert out.code != 0 and any("TS2769" in ln for ln in out.lines), out
    ci(
        cid,
        "the preview build's tsc fails with TS2769 'No overload matches this call' on "
        "steps.reduce with a string initial value in a function typed to return number; the "
        "Degraded application in the context is another PR's preview, not this one",
        ["noisy", "obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="preview",
        job="deploy-preview",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(timeline): show the slowest steps",
        files=["src/timeline.ts"],
        pr=pr_of(cid, "feat(timeline): show the slowest steps"),
        extra={
            "argocd": [
                _argo(
                    "console-preview-pr-1841",
                    "console-preview-pr-1841",
                    "previews/pr-1841",
                    sha(cid + "other"),
                    "Synced",
                    "Degraded",
                    health_message='Deployment "console-ssr" exceeded its progress deadline',
                )
            ],
            "prometheus": _alerts(
                (
                    "KubePodNotReady",
                    {"namespace": "console-preview-pr-1841", "severity": "warning"},
                ),
            ),
        },
    )


# ------------------------------------------------------------------ 2. kills and machine limits


def _kill_where(
    name: str,
    files: dict[str, str],
    command: str,
    pred: Callable[[str], bool],
    wait_for: float = 240,
    settle: float = 1.0,
    env: dict[str, str] | None = None,
) -> real.Out:
    """``cases_batch8.kill_one`` with a predicate on the command line, so a linker writing the
    test binary (whose command line names it too) is never taken for the binary itself."""
    import time

    path = real.scratch(name, {**files, "step.sh": command + "\n"})
    full = {
        **os.environ,
        "CI": "true",
        "NO_COLOR": "1",
        "CARGO_TERM_COLOR": "never",
        "CARGO_NET_OFFLINE": "true",
        "CARGO_BUILD_JOBS": "1",
        **(env or {}),
    }
    proc = subprocess.Popen(
        ["bash", "-e", "step.sh"],
        cwd=path,
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    began = time.monotonic()
    victim = None
    while victim is None and time.monotonic() - began < wait_for:
        for pid in _tree(proc.pid):
            if pred(_cmdline(pid)):
                victim = pid
                break
        else:
            time.sleep(0.2)
    assert victim is not None, f"{command}: nothing matched"
    time.sleep(settle)
    os.kill(victim, 9)
    text, _ = proc.communicate(timeout=120)
    script = "/home/runner/work/_temp/6f0d2c4e-93b1-4b7a-a2d5-1c8e7f3a9b64.sh"
    lines = [
        real.pin(ln.replace("step.sh:", script + ":").replace(str(path), real.RUNNER).rstrip())
        for ln in text.splitlines()
    ]
    return real.Out(command, _clean(lines), proc.returncode)


def _link_b19(path: Path) -> None:
    (path / "node_modules").symlink_to(B19_NODE / "node_modules")


def kills() -> None:
    # 2a. webpack SIGKILLed under npm run build, nothing to blame but the runner (atlas)
    at(WEB)
    files = {
        "package.json": _pkg("console", {"build": "webpack --mode production"}),
        "webpack.config.js": """import path from "node:path";

export default {
  entry: "./src/index.js",
  output: { path: path.resolve("dist"), filename: "[name].[contenthash].js", clean: true },
  devtool: "source-map",
};
""",
        "src/index.js": 'import { mount } from "./app.js";\nmount(document.getElementById("root"));\n',
        "src/app.js": "export function mount(el) {\n  el.textContent = `runs: ${[1, 2, 3].length}`;\n}\n",
    }
    # webpack-cli renames its process to 'webpack' once it has started
    out = _kill_where(
        "fr-s-webpack-kill",
        files,
        "npm run build",
        lambda cmd: cmd.strip() == "webpack" or (cmd.startswith("node ") and "bin/webpack" in cmd),
        settle=0.6,
        env={"PATH": f"{B19_NODE / 'node_modules' / '.bin'}:{os.environ['PATH']}"},
    )
    out = _out(out)
    assert out.code == 137 and out.lines[-1] == "Killed", out
    ci(
        "fr-s-kill-webpack-sigkill-npm-build-runner",
        "npm run build fails with the script shell's 'Killed' (exit 137): webpack was "
        "SIGKILLed before printing anything; "
        "the change only edits a string in the run list and the webpack config is unchanged: "
        "the runner ran out of memory",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="bundle",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build")],
        message="fix(runs): say 'queued' instead of 'pending'",
        files=["src/runs/labels.js"],
    )

    # 2b. a JVM code generator SIGKILLed (atlas)
    at(REPO)
    java = """package codegen;

public class Main {
    public static void main(String[] args) throws Exception {
        String[] services = {"triage", "agents", "runs", "webhooks", "alerts", "settings"};
        System.out.println("openapi-codegen 3.4.1: reading " + args[0]);
        for (String s : services) {
            System.out.println("  generating rust client for tag '" + s + "'");
        }
        System.out.println("  generating typescript client (6 tags)");
        Thread.sleep(120_000);
    }
}
"""
    out = _kill_where(
        "fr-s-jvm-kill",
        {"tools/codegen/src/codegen/Main.java": java, "api/openapi.yaml": "openapi: 3.1.0\n"},
        "javac -d build/tools tools/codegen/src/codegen/Main.java\n"
        "java -Xmx3g -cp build/tools codegen.Main api/openapi.yaml",
        lambda cmd: cmd.startswith("java -Xmx3g"),
        settle=4.0,
    )
    out = _out(out)
    assert out.code == 137 and any("Killed" in ln for ln in out.lines), out
    ci(
        "fr-s-kill-jvm-openapi-codegen-sigkill-runner",
        "the client generator (a JVM tool started with -Xmx3g) is SIGKILLed while generating "
        "the TypeScript client after printing normal progress; bash reports 'Killed', exit "
        "137; the change adds one optional field to the OpenAPI spec: the runner's memory, not "
        "the code",
        ["resource-kill"],
        "atlas",
        "general",
        workflow="api-clients",
        job="generate-clients",
        repo=REPO,
        steps=[
            uses(
                "actions/setup-java@v4",
                {"distribution": "temurin", "java-version": "17"},
                ["Java configuration:", "  Distribution: temurin", "  Version: 17.0.15+6"],
            ),
            failing(out, name="Generate clients"),
        ],
        message="feat(api): add optional 'reason' to the triage response",
        files=["api/openapi.yaml"],
    )

    # 2c. the JVM cannot reserve its heap under the self-hosted runner's address-space cap
    limits = real.sh(
        "fr-s-jvm-limits",
        {},
        "prlimit --as=1500000000 bash -c 'ulimit -v; ulimit -u; nproc'",
        "ulimit -v; ulimit -u; nproc",
    )
    assert limits.code == 0, limits
    jv = real.sh(
        "fr-s-jvm-reserve",
        {
            "tools/lint/src/lint/Main.java": "package lint;\npublic class Main {\n"
            '    public static void main(String[] a) { System.out.println("ok"); }\n}\n'
        },
        "javac -d build tools/lint/src/lint/Main.java && "
        "prlimit --as=1500000000 java -Xmx4g -cp build lint.Main api/openapi.yaml",
        "java -Xmx4g -jar tools/spectral-jvm.jar lint api/openapi.yaml",
    )
    assert jv.code != 0 and any("Could not reserve" in ln for ln in jv.lines), jv
    ci(
        "fr-s-limit-jvm-heap-reserve-self-hosted-address-cap",
        "the OpenAPI lint step's JVM stops before running: 'Error occurred during "
        "initialization of VM / Could not reserve enough space for 4194304KB object heap'; "
        "the self-hosted runner's limits step shows a ~1.4 GB virtual-memory cap (ulimit -v), "
        "so no -Xmx4g JVM can start there: the runner's configuration",
        ["resource-kill", "platform"],
        "atlas",
        "general",
        workflow="api-lint",
        job="openapi-lint",
        repo=REPO,
        self_hosted=True,
        steps=[passing(limits, name="Runner limits"), failing(jv, name="Lint OpenAPI")],
        message="feat(api): document the triage error codes",
        files=["api/openapi.yaml"],
    )

    # 2d. inside BuildKit, an icon script whose own output shows every frame retained (blaze)
    at(WEB)
    script = """process.title = "build-icons";
const TOTAL = 2400;
const frames = new Map();

function rasterise(name, size) {
  // stand-in for the SVG rasteriser: one RGBA frame per icon and size
  return Buffer.alloc(size * size * 4, name.length);
}

let done = 0;
for (let i = 0; i < 600; i++) {
  for (const size of [16, 24, 32, 48]) {
    // new: keep every frame so the sprite sheet can be packed at the end
    frames.set(`icon-${i}@${size}`, rasterise(`icon-${i}`, size));
  }
  done += 4;
  if (done % 400 === 0) {
    console.log(`[icons] ${done}/${TOTAL} frames rasterised, frame cache ${frames.size} entries, 0 released`);
  }
}
console.log("[icons] packing sprite sheet from the frame cache ...");
setInterval(() => {}, 1000);
"""
    inner = kill_one(
        "fr-s-icons-kill",
        {
            "package.json": _pkg("console", {"build:icons": "node scripts/icons/rasterise.mjs"}),
            "scripts/icons/rasterise.mjs": script,
        },
        "npm run build:icons",
        "build-icons",
        settle=4.0,
    )
    assert inner.code == 137 and inner.lines[-1] == "Killed", inner
    kept = [ln for ln in _clean(inner.lines) if "_temp/" not in ln]
    kept = [ln.replace(real.RUNNER, "/app") for ln in kept]
    dockerfile = (
        "FROM node:20-bookworm-slim AS build\nWORKDIR /app\nCOPY package*.json ./\n"
        "RUN npm ci\nCOPY . .\nRUN npm run build:icons\nRUN npm run build\n\n"
        "FROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit("fr-s-bk-icons", dockerfile)
    err = bk.run_until(6, kept, code=inner.code)
    assert err
    ci(
        "fr-s-kill-buildkit-icon-script-frame-cache-growth",
        "docker build fails in `RUN npm run build:icons` with exit code 137: the icon script "
        "is 'Killed' after its own output shows the frame cache growing with every icon and "
        "size and '0 released'; the PR made the script keep every rasterised frame until the "
        "sprite sheet is packed: the script's memory, not the builder",
        ["resource-kill", "wrapper", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="console-image",
        job="docker",
        repo=WEB,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:2.6.0")],
        message="feat(icons): pack all sizes into one sprite sheet",
        files=["scripts/icons/rasterise.mjs"],
        pr=pr_of(
            "fr-s-kill-buildkit-icon-script-frame-cache-growth",
            "feat(icons): pack all sizes into one sprite sheet",
            "Keeps every rasterised frame in a Map and packs one sprite sheet at the end "
            "instead of writing a PNG per icon.",
        ),
    )

    # 2e. cargo test SIGKILLed; the test's own output shows Rc cycles never dropped (rex)
    at(REPO)
    src = """use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub static DROPPED: AtomicUsize = AtomicUsize::new(0);

pub struct RunNode {
    pub id: u64,
    pub parent: RefCell<Option<Rc<RunNode>>>,
    pub children: RefCell<Vec<Rc<RunNode>>>,
    pub log: Vec<u8>,
}

impl Drop for RunNode {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

/// A run with its retried jobs; each job links back to its run (new: for the retry chain).
pub fn run_tree(id: u64, jobs: u64) -> Rc<RunNode> {
    let root = Rc::new(RunNode { id, parent: RefCell::new(None), children: RefCell::new(vec![]), log: vec![0; 4096] });
    for j in 0..jobs {
        let child = Rc::new(RunNode { id: id * 100 + j, parent: RefCell::new(Some(Rc::clone(&root))), children: RefCell::new(vec![]), log: vec![0; 4096] });
        root.children.borrow_mut().push(child);
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_a_week_of_runs() {
        let mut built = 0u64;
        for batch in 1..=4u64 {
            for id in 0..2_000u64 {
                let tree = run_tree(batch * 1_000_000 + id, 8);
                built += 1 + tree.children.borrow().len() as u64;
            }
            println!("replay: batch {batch}: {built} run nodes built, {} dropped", DROPPED.load(Ordering::Relaxed));
        }
        std::thread::sleep(std::time::Duration::from_secs(120));
        assert!(DROPPED.load(Ordering::Relaxed) as u64 == built);
    }
}
"""
    out = _kill_where(
        "fr-s-rc-cycle-kill",
        {"Cargo.toml": real.cargo_toml("healer"), "src/lib.rs": src},
        "cargo test --lib -- --nocapture",
        lambda cmd: bool(re.match(r"\S*/target/debug/deps/healer-[0-9a-f]+ --nocapture", cmd)),
        settle=6.0,
    )
    out = _out(out)
    assert out.code != 0 and any("SIGKILL" in ln for ln in out.lines), out
    assert any("72000 run nodes built, 0 dropped" in ln for ln in out.lines), out
    ci(
        "fr-s-kill-cargo-test-rc-cycle-run-nodes-never-dropped",
        "cargo test's replay test is killed by SIGKILL; its own output shows 72,000 run nodes "
        "built and 0 dropped: the change gives every job an Rc back to its run (a reference "
        "cycle, never freed) where a Weak was needed",
        ["resource-kill"],
        "rex",
        "rust_test",
        workflow="rust-ci",
        job="replay",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Replay test")],
        message="feat(runs): link retried jobs back to their run",
        files=["crates/runs/src/tree.rs"],
        pr=pr_of(
            "fr-s-kill-cargo-test-rc-cycle-run-nodes-never-dropped",
            "feat(runs): link retried jobs back to their run",
            "Adds a parent link on RunNode so a job can find its run's retry chain.",
        ),
    )


# ------------------------------------------------------------------ 3. deployed memory


def memory() -> None:
    # 3a. Rust service's in-memory retry journal grows; OOMKilled under an unchanged limit (rex)
    at(REPO)
    cid = "fr-s-mem-rust-retry-journal-oomkilled-unchanged-limit"
    logs = _rust_ok(
        "fr-s-rust-journal",
        """use std::collections::VecDeque;

struct Failed {
    id: u64,
    body: Vec<u8>,
}

fn main() {
    let mut journal: VecDeque<Failed> = VecDeque::new();
    let mut replayed = 0u64;
    for minute in 1..=6u64 {
        for i in 0..2_500u64 {
            let id = minute * 10_000 + i;
            // deliveries to a slow downstream fail and are journaled for replay
            if i % 3 != 0 {
                journal.push_back(Failed { id, body: vec![0u8; 16 * 1024] });
            }
        }
        // new: replay keeps the entry after a successful redelivery (for the audit view)
        for f in journal.iter().take(200) {
            replayed += (f.id > 0 && !f.body.is_empty()) as u64;
        }
        let bytes: usize = journal.iter().map(|f| f.body.len()).sum();
        eprintln!(
            r#"{{"level":"WARN","target":"healer_api::delivery::journal","message":"replay journal holds {} failed deliveries ({} MiB), {} replayed, 0 pruned","minute":{}}}"#,
            journal.len(),
            bytes / (1024 * 1024),
            replayed,
            minute
        );
    }
}
""",
    )
    assert any("0 pruned" in ln for ln in logs), logs
    ro = rollout(cid, NS, "healer-api", 3, 3, 1)
    assert ro.code != 0, ro
    pods = _oom_pods(cid, NS, "healer-api", IMG, "512Mi")
    ci(
        cid,
        "kubectl rollout status times out; the new healer-api pods are OOMKilled (exit 137) "
        "under the unchanged 512Mi limit, Prometheus shows each pod's working set climbing "
        "from boot, and Loki shows the service's own warnings of a replay journal growing "
        "every minute with '0 pruned': the change keeps journal entries after redelivery",
        ["resource-kill", "context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(delivery): keep replayed deliveries for the audit view",
        files=["crates/api/src/delivery/journal.rs"],
        pr=pr_of(cid, "feat(delivery): keep replayed deliveries for the audit view"),
        extra={
            "kubernetes": {"pods": pods, "events": _backoff(cid, NS, "healer-api", pods)},
            "loki": logs,
            "prometheus": {
                **_growth(
                    'container_memory_working_set_bytes{namespace="healer",container="healer-api"}',
                    pods,
                    61_000_000,
                    52_000_000,
                ),
                'kube_pod_container_resource_limits{namespace="healer",container="healer-api",'
                'resource="memory"}': 536870912,
            },
        },
    )

    # 3b. Node SSR adds a process listener per request: MaxListenersExceededWarning, OOM (blaze)
    at(WEB)
    cid = "fr-s-mem-node-sigterm-listener-per-request-oomkilled"
    node = real.node_run(
        "fr-s-node-listeners",
        {
            "package.json": _pkg("console-ssr"),
            "server/index.js": """import http from "node:http";

const server = http.createServer((req, res) => {
  const page = Buffer.alloc(256 * 1024, 1);
  // new: flush the render cache of this request on shutdown
  process.on("SIGTERM", () => page.fill(0));
  res.end(`<!doctype html><title>${req.url}</title>`);
});

server.listen(0, "127.0.0.1", async () => {
  const { port } = server.address();
  console.log(JSON.stringify({ level: "info", msg: "console-ssr listening", port: 3000 }));
  for (let i = 0; i < 12; i++) await fetch(`http://127.0.0.1:${port}/runs/${i}`);
  server.close();
});
""",
        },
        "server/index.js",
    )
    assert node.code == 0 and any("MaxListenersExceededWarning" in ln for ln in node.lines), node
    logs = [re.sub(r"\(node:\d+\)", "(node:1)", ln) for ln in node.lines if ln.strip()]
    with real.serve(
        (502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
    ) as port:
        out = real.sh(
            "fr-s-smoke-502-ssr",
            {},
            f"curl -fsS --retry 2 --retry-delay 1 http://127.0.0.1:{port}/runs",
            "curl -fsS --retry 2 --retry-delay 1 https://console.staging.5dlabs.ai/runs",
            hosts={f"http://127.0.0.1:{port}": "https://console.staging.5dlabs.ai"},
        )
    assert out.code != 0, out
    pods = _oom_pods(
        cid, "console", "console-ssr", "ghcr.io/5dlabs/console-ssr:2.6.0", "768Mi", port=3000
    )
    ci(
        cid,
        "the smoke curl gets 502 from the console; the console-ssr pods are OOMKilled under "
        "the unchanged 768Mi limit, Prometheus shows the Node heap climbing from boot and Loki "
        "shows the server's own MaxListenersExceededWarning (11 SIGTERM listeners added to "
        "[process]): the change registers a shutdown listener holding the page buffer on "
        "every request",
        ["resource-kill", "context-driven", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="deploy",
        job="smoke-console",
        repo=PLAT,
        steps=[failing(out, name="Smoke /runs")],
        message="deploy: console-ssr 2.6.0",
        files=["apps/console/values.yaml"],
        pr=pr_of(
            cid,
            "deploy: console-ssr 2.6.0",
            "Bumps console-ssr to 2.6.0 (5dlabs/console#1204: flush per-request render "
            "buffers on SIGTERM).",
        ),
        extra={
            "kubernetes": {"pods": pods, "events": _backoff(cid, "console", "console-ssr", pods)},
            "loki": logs,
            "prometheus": {
                **_growth(
                    'nodejs_heap_size_used_bytes{namespace="console",app="console-ssr"}',
                    pods,
                    52_000_000,
                    68_000_000,
                ),
                'kube_pod_container_resource_limits{namespace="console",container="console-ssr",'
                'resource="memory"}': 805306368,
            },
        },
    )

    # 3c. '256m' (millibytes) as the memory limit: runc's init is OOM-killed (bolt)
    at(PLAT)
    cid = "fr-s-mem-limit-256m-millibytes-runc-init-oom"
    ro = rollout(cid, NS, "healer-worker", 2, 1, 0, deadline=True)
    assert ro.code != 0, ro
    created, first, last = clock(cid)
    runc = (
        "failed to create containerd task: failed to create shim task: OCI runtime create "
        "failed: runc create failed: unable to start container process: container init was "
        "OOM-killed (memory limit too low?): unknown"
    )
    pods = []
    events = []
    for i in range(2):
        name = pod_name(cid, "healer-worker", str(i))
        p = shapes.pod(
            name,
            NS,
            "healer-worker",
            "ghcr.io/5dlabs/healer-worker:0.24.0",
            created=created,
            restarts=5 + i,
            memory_limit="256m",
            waiting=(
                "CrashLoopBackOff",
                f"back-off 2m40s restarting failed container=healer-worker pod={name}_{NS}",
            ),
            terminated={
                "exit_code": 128,
                "reason": "StartError",
                "started": first,
                "finished": first,
                "message": runc,
            },
        )
        pods.append(p)
        events.append(
            shapes.event(
                NS, "Pod", name, "Failed", f"Error: {runc}", first=first, last=last, count=6 + i
            )
        )
    ci(
        cid,
        "kubectl rollout status passes its deadline for healer-worker; its pods never start: "
        "StartError, exit 128, 'runc create failed: ... container init was OOM-killed (memory "
        "limit too low?)'; the PR's overlay set resources.limits.memory to '256m', which "
        "Kubernetes reads as 0.256 bytes (millibytes), not 256Mi",
        ["resource-kill", "context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout-worker",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="chore(healer): trim the worker's memory",
        files=["apps/healer/overlays/staging/worker-resources.yaml"],
        pr=pr_of(
            cid,
            "chore(healer): trim the worker's memory",
            "The worker idles at ~90 MB; sets requests and limits to memory: 256m.",
        ),
        extra={
            "kubernetes": {"pods": pods, "events": events},
            "prometheus": {
                'kube_pod_container_resource_limits{namespace="healer",container="healer-worker",'
                'resource="memory"}': 0.256,
            },
        },
    )

    # 3d. the cache volume moved to tmpfs (emptyDir medium: Memory): OOMKilled, RSS flat (bolt)
    at(REPO)
    cid = "fr-s-mem-emptydir-medium-memory-cache-counts-against-limit"
    cache = real.scratch("fr-s-cache-dir")
    logs = _rust_ok(
        "fr-s-rust-cache-writer",
        """use std::io::Write;

fn main() {
    let dir = std::env::var("CACHE_DIR").unwrap();
    for i in 0..10u64 {
        let name = format!("run-{}.tar.zst", 48_211 + i);
        let mut f = std::fs::File::create(format!("{dir}/{name}")).unwrap();
        f.write_all(&vec![7u8; 8 * 1024 * 1024]).unwrap();
        eprintln!(
            r#"{{"level":"INFO","target":"healer_api::artifacts","message":"cached artifact {} ({} KiB) in /var/cache/healer"}}"#,
            name,
            f.metadata().unwrap().len() / 1024
        );
    }
}
""".replace('std::env::var("CACHE_DIR").unwrap()', f'String::from("{cache}")'),
    )
    assert any("cached artifact" in ln for ln in logs), logs
    real.scratch("fr-s-cache-dir")  # empty it again
    cmd, lines = shapes.helm_upgrade("healer", "charts/healer", NS, "context deadline exceeded")
    pods = _oom_pods(cid, NS, "healer-api", IMG, "512Mi", n=2)
    for p in pods:
        p["spec"]["volumes"] = [
            {"name": "artifact-cache", "emptyDir": {"medium": "Memory", "sizeLimit": "2Gi"}}
        ]
        p["spec"]["containers"][0]["volumeMounts"] = [
            {"name": "artifact-cache", "mountPath": "/var/cache/healer"}
        ]
    ci(
        cid,
        "helm upgrade --wait runs out; the healer-api pods are OOMKilled under their 512Mi "
        "limit while Prometheus shows the process's resident memory flat near 95 MB and the "
        "container working set climbing as Loki logs artifacts cached in /var/cache/healer: "
        "the chart change made that volume an emptyDir with medium: Memory (tmpfs, 2Gi), "
        "whose pages count against the container's memory limit",
        ["resource-kill", "context-driven"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm-staging",
        repo=REPO,
        steps=[*kube_setup(), run(cmd, lines, 1, name="Deploy", seconds=300)],
        message="perf(chart): keep the artifact cache in memory",
        files=["charts/healer/templates/deployment.yaml", "charts/healer/values.yaml"],
        pr=pr_of(
            cid,
            "perf(chart): keep the artifact cache in memory",
            "Switches the artifact-cache emptyDir to medium: Memory with a 2Gi sizeLimit "
            "so cache reads stop hitting the node's disk.",
        ),
        extra={
            "kubernetes": {"pods": pods, "events": _backoff(cid, NS, "healer-api", pods)},
            "loki": logs,
            "prometheus": {
                **_growth(
                    'container_memory_working_set_bytes{namespace="healer",container="healer-api"}',
                    pods,
                    104_000_000,
                    46_000_000,
                ),
                **_flat(
                    'process_resident_memory_bytes{namespace="healer",container="healer-api"}',
                    pods,
                    95_000_000,
                ),
            },
        },
    )


# ------------------------------------------------------------------ 4. platform refusals


def _git_403(
    name: str,
    body: str,
    args: list[str],
    shown: str,
    host: str,
    files: dict[str, str] | None = None,
) -> real.Out:
    """git against a 127.0.0.1 smart-HTTP server answering 403 with a text/plain body, as
    GitHub does for refusals it explains (git prints the body as ``remote:`` lines)."""
    import http.server
    import threading

    root = real.scratch(name)
    if files is not None:
        real.new_repo(root, files)

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = body.encode()
            self.send_response(403)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    server.block_on_close = False
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        lines, code = real.git(
            root,
            *[a.replace("{remote}", f"http://127.0.0.1:{port}") for a in args],
            hosts={f"http://127.0.0.1:{port}": host},
        )
    finally:
        server.shutdown()
        server.server_close()
    return real.Out(shown, lines, code)


def platform() -> None:
    # 4a. GitHub's secondary rate limit while annotating clippy findings (atlas)
    at(REPO)
    cid = "fr-s-plat-secondary-rate-limit-clippy-annotations"
    clippy = real.cargo(
        "fr-s-clippy-warn",
        {
            "src/lib.rs": """pub fn label(agent: &str) -> String {
    return format!("agent:{agent}");
}
""",
        },
        ["clippy", "--message-format=short"],
        shown="cargo clippy --workspace --message-format=short 2>&1 | tee clippy.txt",
    )
    assert clippy.code == 0, clippy
    body = {
        "message": "You have exceeded a secondary rate limit. Please wait a few minutes before "
        "you try again. If you reach out to GitHub Support for help, please include the "
        "request ID 0C41:2F7E1A:9B04C2:A21D7F:6743D1B2.",
        "documentation_url": "https://docs.github.com/free-pro-team@latest/rest/using-the-rest-api/"
        "rate-limits-for-the-rest-api#about-secondary-rate-limits",
        "status": "403",
    }

    def api(req: Any) -> tuple[int, str, str]:
        if req.path.endswith("/check-runs") and req.command == "POST":
            api.calls += 1  # type: ignore[attr-defined]
            if api.calls > 3:  # type: ignore[attr-defined]
                return 403, json.dumps(body), "application/json; charset=utf-8"
            return 201, json.dumps({"id": 30_000_000_000 + api.calls}), "application/json"  # type: ignore[attr-defined]
        return 404, "{}", "application/json"

    api.calls = 0  # type: ignore[attr-defined]
    script = """import { readFileSync } from "node:fs";

const api = process.env.GITHUB_API_URL;
const repo = process.env.GITHUB_REPOSITORY;
const findings = readFileSync("clippy.txt", "utf8").split("\\n").filter((l) => l.includes(": warning: "));
// one check run per finding, so each shows as its own annotation
for (const [i, f] of [...findings, ...findings, ...findings, ...findings].entries()) {
  const res = await fetch(`${api}/repos/${repo}/check-runs`, {
    method: "POST",
    headers: { authorization: `Bearer ${process.env.GITHUB_TOKEN}`, accept: "application/vnd.github+json" },
    body: JSON.stringify({ name: `clippy #${i + 1}`, head_sha: process.env.GITHUB_SHA, output: { title: f } }),
  });
  if (!res.ok) {
    const err = await res.json();
    throw new Error(`POST /repos/${repo}/check-runs - ${res.status}: ${err.message}`);
  }
  console.log(`created check run for: ${f}`);
}
"""
    warn = [ln for ln in clippy.lines if ": warning: " in ln]
    with real.serve(api) as port:
        out = real.node_run(
            "fr-s-annotate",
            {
                "package.json": _pkg("annotate"),
                "scripts/annotate.mjs": script,
                "clippy.txt": "\n".join(warn) + "\n",
            },
            "scripts/annotate.mjs",
            env={
                "GITHUB_API_URL": f"http://127.0.0.1:{port}",
                "GITHUB_REPOSITORY": REPO,
                "GITHUB_TOKEN": "x",
                "GITHUB_SHA": sha(cid),
            },
            hosts={f"http://127.0.0.1:{port}": "https://api.github.com"},
        )
    assert out.code != 0 and any("secondary rate limit" in ln for ln in out.lines), out
    ci(
        cid,
        "the clippy job's findings pass (warnings only), then its annotation script, which "
        "creates one check run per finding, gets 403 'You have exceeded a secondary rate "
        "limit' from the GitHub API: a platform limit on the job's API calls, not the Rust code",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="rust-ci",
        job="clippy",
        repo=REPO,
        steps=[
            *rust_setup(),
            passing(clippy, name="Clippy"),
            failing(out, name="Annotate findings", env={"GITHUB_TOKEN": "***"}),
        ],
        message="ci(clippy): annotate each finding on the PR",
        files=[".github/workflows/rust-ci.yml", "scripts/annotate.mjs"],
        pr=pr_of(cid, "ci(clippy): annotate each finding on the PR"),
    )

    # 4b. SAML SSO enforcement refuses the token cloning a private repo (atlas)
    cid = "fr-s-plat-saml-sso-token-not-authorized-proto-clone"
    out = _git_403(
        "fr-s-saml",
        "Resource protected by organization SAML enforcement. You must grant your Personal "
        "Access token access to this organization.\n",
        ["clone", "--depth=1", "{remote}/5dlabs/proto-defs.git", "proto"],
        "git clone --depth=1 https://x-access-token:${PROTO_TOKEN}@github.com/5dlabs/proto-defs.git proto",
        "https://github.com",
    )
    assert out.code != 0 and any("SAML" in ln for ln in out.lines), out
    ci(
        cid,
        "the Rust build job fails before compiling: cloning the private proto-defs repository "
        "is refused with 403 'Resource protected by organization SAML enforcement. You must "
        "grant your Personal Access token access to this organization': the PROTO_TOKEN secret "
        "is a PAT not authorised for SSO",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="rust-ci",
        job="build",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(out, name="Fetch proto definitions", env={"PROTO_TOKEN": "***"}),
        ],
        message="build: vendor the shared proto definitions at build time",
        files=[".github/workflows/rust-ci.yml", "crates/api/build.rs"],
    )

    # 4c. pushing the formula to an archived tap repository (atlas)
    cid = "fr-s-plat-archived-homebrew-tap-push-release"
    out = _git_403(
        "fr-s-archived",
        "This repository was archived so it is read-only.\n",
        ["push", "{remote}/5dlabs/homebrew-tap.git", "HEAD:main"],
        "git push origin HEAD:main",
        "https://github.com",
        files={"Formula/healer.rb": 'class Healer < Formula\n  version "0.24.0"\nend\n'},
    )
    assert out.code != 0 and any("archived" in ln for ln in out.lines), out
    ci(
        cid,
        "the release job built and uploaded the binaries, then its push of the updated formula "
        "to 5dlabs/homebrew-tap is refused with 403 'This repository was archived so it is "
        "read-only': the tap repository was archived",
        ["platform", "misleading-name"],
        "atlas",
        "release_publish",
        workflow="release",
        job="publish-crates",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo publish -p healer-cli --token ***",
                [
                    "    Uploading healer-cli v0.24.0 (/home/runner/work/healer/healer/crates/cli)",
                    "    Uploaded healer-cli v0.24.0 to registry `crates-io`",
                ],
                name="Publish",
            ),
            run(
                "scripts/bump-formula.sh 0.24.0",
                [
                    "Formula/healer.rb: version 0.23.2 -> 0.24.0",
                    "[main 5c1e0a7] healer 0.24.0",
                    " 1 file changed, 2 insertions(+), 2 deletions(-)",
                ],
                name="Update formula",
            ),
            failing(out, name="Push formula"),
        ],
        message="chore(release): healer 0.24.0",
        files=["Cargo.toml", "CHANGELOG.md"],
        branch="main",
    )

    # 4d. GCP workload identity federation rejects the PR's token by attribute condition
    at(PLAT)
    cid = "fr-s-plat-gcp-wif-attribute-condition-helm-diff"
    provider = (
        "//iam.googleapis.com/projects/482913306172/locations/global/"
        "workloadIdentityPools/github/providers/5dlabs-platform"
    )
    ci(
        cid,
        "the helm-diff job fails in google-github-actions/auth: 'failed to generate Google "
        "Cloud federated token ... unauthorized_client: The given credential is rejected by "
        "the attribute condition'; the provider only admits refs/heads/main and this run is "
        "a pull request: the cloud trust configuration, not the chart",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="deploy-gke",
        job="helm-diff",
        repo=PLAT,
        steps=[
            uses(
                "google-github-actions/auth@v2",
                {
                    "workload_identity_provider": provider,
                    "service_account": "helm-diff@fivedlabs-platform.iam.gserviceaccount.com",
                },
                [
                    'Created credentials file at "/home/runner/work/platform/platform/'
                    f'gha-creds-{sha(cid)[:16]}.json"'
                ],
                name="Authenticate to Google Cloud",
                error=[
                    "##[error]google-github-actions/auth failed with: failed to generate "
                    f"Google Cloud federated token for {provider}: "
                    '{"error":"unauthorized_client","error_description":"The given credential '
                    'is rejected by the attribute condition."}'
                ],
            )
        ],
        message="feat(healer): raise the API replicas to 4",
        files=["apps/healer/values-prod.yaml"],
        pr=pr_of(cid, "feat(healer): raise the API replicas to 4"),
    )

    # 4e. deploy-pages: Pages is not enabled for the repository (atlas)
    at(WEB)
    cid = "fr-s-plat-deploy-pages-not-enabled-storybook"
    build = real.vite_build(
        "fr-s-vite-ok",
        {"src/main.js": 'document.body.textContent = "storybook";\n'},
    )
    assert build.code == 0, build
    ver = sha(cid)
    ci(
        cid,
        "the storybook job builds and uploads the Pages artifact, then actions/deploy-pages "
        "fails: 'Creating Pages deployment failed', 'HttpError: Not Found', 'Ensure GitHub "
        "Pages has been enabled': the repository's Pages site is not enabled",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="console-docs",
        job="storybook",
        repo=WEB,
        steps=[
            *node_setup(),
            passing(_out(build), name="Build Storybook"),
            uses(
                "actions/upload-pages-artifact@v3",
                {"path": "dist"},
                [
                    "Uploading artifact 'github-pages'",
                    "Artifact github-pages successfully finalized. Artifact ID 3861520447",
                ],
            ),
            uses(
                "actions/deploy-pages@v4",
                {
                    "token": "***",
                    "timeout": "600000",
                    "error_count": "10",
                    "reporting_interval": "5000",
                    "artifact_name": "github-pages",
                    "preview": "false",
                },
                [
                    'Fetching artifact metadata for "github-pages" in this workflow run',
                    "Found 1 artifact(s)",
                    "Creating Pages deployment with payload:",
                    "{",
                    '\t"artifact_id": 3861520447,',
                    f'\t"pages_build_version": "{ver}",',
                    '\t"oidc_token": "***"',
                    "}",
                ],
                name="Deploy to GitHub Pages",
                error=[
                    "##[error]Creating Pages deployment failed",
                    "##[error]HttpError: Not Found",
                    "##[error]Failed to create deployment (status: 404) with build version "
                    f"{ver}. Request ID 9C2A:3B1F0E:1D44A7:1F0B2C8:6744A5E1 Ensure GitHub Pages "
                    "has been enabled: https://github.com/5dlabs/console/settings/pages",
                ],
            ),
        ],
        message="docs(storybook): publish the component stories",
        files=[".github/workflows/console-docs.yml", ".storybook/main.js"],
        branch="main",
    )

    # 4f. a tag ruleset restricts creating release tags (atlas)
    at(REPO)
    cid = "fr-s-plat-tag-ruleset-creation-restricted-cargo-release"
    out = _push_rejected(
        "fr-s-tag-ruleset",
        REPO,
        [
            "error: GH013: Repository rule violations found for refs/tags/v0.24.0.",
            "Review all repository rules at https://github.com/5dlabs/healer/rules?ref=refs%2Ftags%2Fv0.24.0",
            "",
            "- Cannot create ref due to creations being restricted.",
            "",
        ],
        "push declined due to repository rule violations",
    )
    lines = [ln.replace("HEAD -> main", "v0.24.0 -> v0.24.0") for ln in out.lines]
    out = real.Out("git push origin v0.24.0", lines, out.code)
    assert out.code != 0 and any("creations being restricted" in ln for ln in out.lines), out
    ci(
        cid,
        "cargo-release bumped the version and committed, then pushing tag v0.24.0 is declined: "
        "'GH013: Repository rule violations found for refs/tags/v0.24.0 ... Cannot create ref "
        "due to creations being restricted': a tag ruleset the Actions token may not bypass",
        ["platform", "misleading-name"],
        "atlas",
        "release_publish",
        workflow="release",
        job="cargo-release",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo release version minor --execute --no-confirm",
                [
                    "   Upgrading healer-cli from 0.23.2 to 0.24.0",
                    "   Upgrading healer-api from 0.23.2 to 0.24.0",
                ],
                name="Bump version",
            ),
            run(
                'git commit -am "chore(release): 0.24.0" && git tag v0.24.0',
                [
                    "[main 81f3c2d] chore(release): 0.24.0",
                    " 3 files changed, 4 insertions(+), 4 deletions(-)",
                ],
                name="Commit and tag",
            ),
            failing(out, name="Push tag"),
        ],
        message="chore(release): prepare 0.24.0",
        files=["CHANGELOG.md"],
        branch="main",
    )


# ------------------------------------------------------------------ 5. wrappers


def _b19_env(**more: str) -> dict[str, str]:
    return {
        "PATH": f"{B19_VENV / 'bin'}:{B19_NODE / 'node_modules' / '.bin'}:"
        f"{real.NODE / 'node_modules' / '.bin'}:{real.VENV / 'bin'}:"
        f"{os.environ['PATH']}",
        **more,
    }


def wrappers() -> None:
    # 5a. nox session around cargo clippy -D warnings (rex)
    at(REPO)
    path = real.crate(
        "fr-s-nox-clippy",
        {
            "noxfile.py": """import nox

nox.options.default_venv_backend = "none"


@nox.session
def rust(session: nox.Session) -> None:
    session.run("cargo", "clippy", "--workspace", "--", "-D", "warnings", external=True)
""",
            "src/lib.rs": """/// Shard a run id onto one of the even-numbered replay workers.
pub fn replay_shard(run_id: u64, workers: u64) -> u64 {
    let shard = run_id % workers;
    if shard % 2 == 0 { shard } else { shard - 1 }
}
""",
        },
    )
    lines, code = real.run(
        ["env", "-u", "FORCE_COLOR", "nox", "-s", "rust"],
        path,
        env={**_b19_env(), "CARGO_NET_OFFLINE": "true"},
    )
    out = _out(real.Out("nox -s rust", lines, code))
    assert code != 0 and any("is_multiple_of" in ln for ln in lines), lines
    ci(
        "fr-s-wrap-nox-clippy-manual-is-multiple-of",
        "nox's rust session fails because the cargo clippy it runs with -D warnings denies "
        "clippy::manual_is_multiple_of ('shard % 2 == 0' should be 'shard.is_multiple_of(2)') "
        "in the replay sharding code",
        ["wrapper", "obvious", "misleading-name"],
        "rex",
        "rust_clippy",
        workflow="python-bindings",
        job="nox",
        repo=REPO,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            run(
                "pip install nox==2025.5.1",
                ["Successfully installed nox-2025.5.1"],
                name="Install nox",
            ),
            *rust_setup(),
            failing(out, name="nox"),
        ],
        message="feat(replay): shard replays onto even workers",
        files=["crates/replay/src/shard.rs"],
        pr=pr_of(
            "fr-s-wrap-nox-clippy-manual-is-multiple-of",
            "feat(replay): shard replays onto even workers",
        ),
    )

    # 5b. nx run-many -t typecheck; one project's tsc fails TS2564 (blaze)
    at(WEB)
    tsconfig = (
        json.dumps(
            {
                "compilerOptions": {
                    "strict": True,
                    "noEmit": True,
                    "target": "ES2022",
                    "module": "ES2022",
                    "moduleResolution": "bundler",
                    "skipLibCheck": True,
                },
                "include": ["src"],
            }
        )
        + "\n"
    )
    path = real.scratch(
        "fr-s-nx",
        {
            "package.json": json.dumps(
                {
                    "name": "console-monorepo",
                    "version": "0.0.0",
                    "private": True,
                    "workspaces": ["packages/*"],
                },
                indent=2,
            )
            + "\n",
            "nx.json": json.dumps(
                {
                    "$schema": "./node_modules/nx/schemas/nx-schema.json",
                    "targetDefaults": {"typecheck": {"cache": False}},
                },
                indent=2,
            )
            + "\n",
            "packages/ui/package.json": json.dumps(
                {
                    "name": "@console/ui",
                    "version": "2.6.0",
                    "scripts": {"typecheck": "tsc -p tsconfig.json"},
                },
                indent=2,
            )
            + "\n",
            "packages/ui/tsconfig.json": tsconfig,
            "packages/ui/src/badge.ts": "export function badge(status: string): string {\n  return `[${status}]`;\n}\n",
            "packages/app/package.json": json.dumps(
                {
                    "name": "@console/app",
                    "version": "2.6.0",
                    "scripts": {"typecheck": "tsc -p tsconfig.json"},
                },
                indent=2,
            )
            + "\n",
            "packages/app/tsconfig.json": tsconfig,
            "packages/app/src/poller.ts": """export class RunPoller {
  private timer: ReturnType<typeof setInterval>;
  private readonly intervalMs: number;

  constructor(intervalMs = 5000) {
    this.intervalMs = intervalMs;
  }

  start(tick: () => void): void {
    this.timer = setInterval(tick, this.intervalMs);
  }
}
""",
        },
    )
    _link_b19(path)
    lines, code = real.run(
        [
            "nx",
            "run-many",
            "-t",
            "typecheck",
            "--outputStyle=static",
            "--skip-nx-cache",
            "--parallel=1",
        ],
        path,
        env=_b19_env(
            NX_DAEMON="false", NX_NO_CLOUD="true", NX_TUI="false", NX_VERBOSE_LOGGING="false"
        ),
    )
    lines = [re.sub(r"\(\d+(\.\d+)?m?s\)", "(2s)", ln) for ln in _clean(lines)]
    # nx sums task times against the wall clock: pin the line
    lines = [
        "  Recoverable time:  2.31s (41% of the run)" if "Recoverable time:" in ln else ln
        for ln in lines
    ]
    out = real.Out(
        "npx nx run-many -t typecheck --outputStyle=static --skip-nx-cache --parallel=1",
        lines,
        code,
    )
    assert code != 0 and any("TS2564" in ln for ln in lines), lines
    ci(
        "fr-s-wrap-nx-run-many-typecheck-ts2564",
        "nx run-many -t typecheck fails for @console/app: its tsc reports TS2564 'Property "
        "'timer' has no initializer and is not definitely assigned in the constructor' in the "
        "new RunPoller class; @console/ui passes",
        ["wrapper", "obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="affected",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck affected")],
        message="feat(app): poll runs every five seconds",
        files=["packages/app/src/poller.ts"],
        pr=pr_of(
            "fr-s-wrap-nx-run-many-typecheck-ts2564", "feat(app): poll runs every five seconds"
        ),
    )

    # 5c. Task runs hadolint: DL3045 COPY to a relative destination without WORKDIR (bolt)
    at(REPO)
    path = real.scratch(
        "fr-s-task-hadolint",
        {
            "Taskfile.yml": """version: '3'

tasks:
  lint:docker:
    desc: Lint the Dockerfiles
    cmds:
      - hadolint --no-color --failure-threshold warning docker/worker.Dockerfile
""",
            "docker/worker.Dockerfile": """FROM debian:bookworm-slim
COPY target/release/healer-worker bin/
USER 65534
ENTRYPOINT ["/bin/healer-worker"]
""",
        },
    )
    lines, code = real.run(["task", "lint:docker"], path, env=_b19_env())
    out = real.Out("task lint:docker", _clean(lines), code)
    assert code != 0 and any("DL3045" in ln for ln in lines), lines
    ci(
        "fr-s-wrap-task-hadolint-dl3045-relative-copy",
        "Task's lint:docker fails because hadolint reports DL3045 (`COPY` to a relative "
        "destination without `WORKDIR` set) in the new worker Dockerfile",
        ["wrapper", "obvious", "misleading-name"],
        "bolt",
        "docker_build",
        workflow="rust-ci",
        job="lint",
        repo=REPO,
        steps=[
            uses("arduino/setup-task@v2", {"version": "3.x"}, ["Task version 3.54.0 installed"]),
            failing(out, name="Lint"),
        ],
        message="build(worker): ship the worker as its own image",
        files=["docker/worker.Dockerfile"],
        pr=pr_of(
            "fr-s-wrap-task-hadolint-dl3045-relative-copy",
            "build(worker): ship the worker as its own image",
        ),
    )

    # 5d. mise run test around node --test (blaze)
    at(WEB)
    path = real.scratch(
        "fr-s-mise",
        {
            "mise.toml": """[tasks.test]
description = "unit tests"
run = "node --test test/"
""",
            "package.json": _pkg("console"),
            "src/retry-label.js": """export function retryLabel(attempt, max) {
  if (attempt >= max) return "gave up";
  return `retry ${attempt} of ${max}`;
}
""",
            "test/retry-label.test.js": """import { test } from "node:test";
import assert from "node:assert/strict";
import { retryLabel } from "../src/retry-label.js";

test("the last attempt is still shown as a retry", () => {
  assert.equal(retryLabel(3, 3), "retry 3 of 3");
});
""",
        },
    )
    tmp = real.RUNS / "fr-s-mise-home"
    lines, code = real.run(
        ["mise", "run", "test"],
        path,
        env=_b19_env(
            PATH=f"{B19_NODE / 'node_modules' / '.bin'}:{os.environ['PATH']}",
            MISE_TRUSTED_CONFIG_PATHS=str(path),
            MISE_YES="1",
            MISE_OFFLINE="1",
            MISE_DATA_DIR=str(tmp / "data"),
            MISE_CACHE_DIR=str(tmp / "cache"),
            MISE_STATE_DIR=str(tmp / "state"),
        ),
    )
    lines = [re.sub(r"duration_ms [\d.]+", "duration_ms 41.237902", ln) for ln in _clean(lines)]
    lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 1.204311", ln) for ln in lines]
    out = real.Out("mise run test", lines, code)
    assert code != 0 and any("not ok" in ln for ln in lines), lines
    ci(
        "fr-s-wrap-mise-run-node-test-retry-label",
        "mise run test fails because the node --test run it starts fails: retryLabel(3, 3) "
        "returns 'gave up' where the test expects 'retry 3 of 3' (the change moved the "
        "give-up check to >=)",
        ["wrapper", "obvious"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="mise",
        repo=WEB,
        steps=[
            uses(
                "jdx/mise-action@v2",
                {"install": "true", "cache": "true"},
                ["mise 2026.9.15 linux-x64", "mise node@20.20.2 ✓ installed"],
            ),
            failing(out, name="Test"),
        ],
        message="fix(runs): stop labelling the final attempt as a retry",
        files=["src/retry-label.js"],
        pr=pr_of(
            "fr-s-wrap-mise-run-node-test-retry-label",
            "fix(runs): stop labelling the final attempt as a retry",
        ),
    )


# ------------------------------------------------------------------ 6. obvious


def obvious() -> None:
    # 6a. rustc E0106: missing lifetime specifier (rex)
    at(REPO)
    out = real.cargo(
        "fr-s-e0106",
        {
            "src/lib.rs": """pub struct Finding {
    pub rule: String,
    pub line: u32,
}

/// The first finding's rule name, or the fallback.
pub fn first_rule(findings: &[Finding], fallback: &str) -> &str {
    findings.first().map(|f| f.rule.as_str()).unwrap_or(fallback)
}
""",
        },
        ["build", "--workspace"],
    )
    assert out.code != 0 and any("E0106" in ln for ln in out.lines), out
    ci(
        "fr-s-obvious-rustc-e0106-missing-lifetime",
        "cargo build fails with E0106 'missing lifetime specifier': first_rule returns &str "
        "borrowed from either of two reference parameters",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust-ci",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(findings): fall back to a default rule name",
        files=["crates/findings/src/lib.rs"],
        pr=pr_of(
            "fr-s-obvious-rustc-e0106-missing-lifetime",
            "feat(findings): fall back to a default rule name",
        ),
    )

    # 6b. actionlint: startsWith() called with one argument (atlas)
    out = real.actionlint(
        "fr-s-actionlint-arity",
        {
            "docs.yml": """name: docs
on:
  pull_request:
    paths: ["docs/**"]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci && npm run docs:build
      - name: Upload preview
        if: ${{ !startsWith(github.head_ref) }}
        env:
          BRANCH: ${{ github.head_ref }}
        run: npx wrangler pages deploy dist --branch "$BRANCH"
""",
        },
    )
    assert out.code != 0 and any("startsWith" in ln for ln in out.lines), out
    ci(
        "fr-s-obvious-actionlint-startswith-wrong-arity",
        "actionlint fails the workflow lint: the docs workflow's `if:` calls startsWith() "
        "with one argument where the function takes two [expression]",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="workflow-lint",
        job="actionlint",
        repo=REPO,
        steps=[failing(out, name="actionlint")],
        message="ci(docs): build the docs on pull requests",
        files=[".github/workflows/docs.yml"],
        pr=pr_of(
            "fr-s-obvious-actionlint-startswith-wrong-arity",
            "ci(docs): build the docs on pull requests",
        ),
    )

    # 6c. push protection: an Anthropic API key in a test fixture (cipher)
    commit = sha("fr-s-gh013-anthropic")
    out = _push_rejected(
        "fr-s-gh013-anthropic",
        REPO,
        [
            "error: GH013: Repository rule violations found for refs/heads/feat/llm-triage-fixtures.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— Anthropic API Key —————————————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: crates/triage/tests/fixtures/llm.env:2",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/healer/security/secret-scanning/unblock-secret/"
            "2zT4mQf8Kb1Wd6Ry3Hn0Lc5Vx9Pa",
            "",
        ],
        "push declined due to repository rule violations",
        ref="feat/llm-triage-fixtures",
    )
    assert out.code != 0 and any("Anthropic" in ln for ln in out.lines), out
    ci(
        "fr-s-obvious-gh013-anthropic-key-in-test-fixture",
        "the push is blocked by push protection: GH013 'Push cannot contain secrets' for an "
        "Anthropic API key in crates/triage/tests/fixtures/llm.env",
        ["obvious", "security"],
        "cipher",
        "secret_scanning_alert",
        workflow="fixtures",
        job="record-fixtures",
        repo=REPO,
        steps=[
            run(
                "cargo run -p triage --bin record-fixtures",
                ["recorded 14 fixtures into crates/triage/tests/fixtures"],
                name="Record fixtures",
            ),
            run(
                'git commit -am "test(triage): refresh recorded fixtures"',
                [
                    "[feat/llm-triage-fixtures 2b7e91c] test(triage): refresh recorded fixtures",
                    " 15 files changed, 212 insertions(+), 187 deletions(-)",
                ],
                name="Commit",
            ),
            failing(out, name="Push"),
        ],
        message="test(triage): refresh recorded fixtures",
        files=["crates/triage/tests/fixtures/llm.env"],
        branch="feat/llm-triage-fixtures",
    )

    # 6d. Dependabot alert: tar in package-lock.json (cipher)
    at(WEB)
    adv = {
        "ghsa_id": "GHSA-f5x3-32g6-xq36",
        "cve_id": "CVE-2024-28863",
        "summary": "Denial of service while parsing a tar file due to lack of folders count validation",
        "description": "node-tar prior to 6.2.1 has no limit on the number of sub-folders "
        "created in the folder creation process; an attacker who generates a large number of "
        "sub-folders can consume memory on the system running node-tar and even crash the "
        "Node.js client within a few seconds of running it.",
        "severity": "medium",
        "identifiers": [
            {"value": "GHSA-f5x3-32g6-xq36", "type": "GHSA"},
            {"value": "CVE-2024-28863", "type": "CVE"},
        ],
        "references": [{"url": "https://github.com/advisories/GHSA-f5x3-32g6-xq36"}],
        "vulnerabilities": [
            {
                "package": {"ecosystem": "npm", "name": "tar"},
                "severity": "medium",
                "vulnerable_version_range": "< 6.2.1",
                "first_patched_version": {"identifier": "6.2.1"},
            }
        ],
        "cwes": [{"cwe_id": "CWE-400", "name": "Uncontrolled Resource Consumption"}],
    }
    p = alert(
        "dependabot_alert",
        "fr-s-sec-dependabot-tar",
        WEB,
        {
            "alert.dependency": {
                "package": {"ecosystem": "npm", "name": "tar"},
                "manifest_path": "package-lock.json",
                "scope": "development",
            },
            "alert.security_advisory": adv,
            "alert.security_vulnerability": adv["vulnerabilities"][0],
        },
    )
    fcommon.add(
        "fr-s-obvious-dependabot-alert-tar-folder-count-dos",
        "Dependabot alert: tar < 6.2.1 in package-lock.json can be made to create unbounded "
        "sub-folders (GHSA-f5x3-32g6-xq36, CVE-2024-28863, medium); a vulnerable npm dependency",
        ["obvious", "security", "security-alert", "no-log"],
        "cipher",
        "dependabot_alert",
        "dependabot_alert",
        p,
        {"changed_files": ["package-lock.json"]},
    )


def build() -> None:
    ensure_b19_tools()
    noisy()
    kills()
    memory()
    platform()
    wrappers()
    obvious()
