"""Batch 10 of the fresh split (ids ``fr-j-``).

- noisy context: the bundle holds unrelated trouble (another Argo CD application Degraded, a
  firing alert about a node or another service, Loki errors from another workload, Warning
  events and old restarts of other pods) next to the real cause, which is in the failing job's
  own log or in the one relevant workload;
- set-up and toolchain failures: a Python version the package needs, a Node API newer than the
  runtime the code declares, a system library (libpq through pkg-config) the runner lacks after
  a code change or after a workflow change, a working directory and a requirements file the
  workflow still points at, a node_modules cache restored over a changed lockfile;
- dependency resolution against a 127.0.0.1 crates mirror and npm registry (a version that does
  not exist, a yanked crate, a peer conflict, a missing npm version, a lockfile out of date)
  next to the same clients failing on the mirror's 5xx;
- mixed-language jobs (``make ci``, ``just ci``, one ``run:`` step chaining cargo, npm and
  kustomize): which tool's failure failed the job decides;
- services no specialist owns (Java, Python) failing in tests or in the cluster, next to a
  Rust service behind the same smoke symptom; obvious cases.

Every tool runs for real (cargo/rustc/clippy/rustfmt, node, npm, tsc, eslint, vitest, python3,
pip, pytest, java, pkg-config, kubectl/kustomize against the API stand-in, curl, tar, make,
just) against 127.0.0.1 servers or local files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import real
import shapes
from cases_batch4 import ensure_b4_tools
from fcommon import at, ci, failing, node_setup, npm_ci_ok, rust_setup, sha
from gha import run, skipped, uses
from helpers import (
    buildx_setup,
    buildx_step,
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
MONO = "5dlabs/cto"
NS = "healer"
VENV4 = real.WORK / "b4-venv" / "bin"
# pip without this machine's own configuration (its find-links and extra indexes)
PIP = [
    "env",
    "-u",
    "PIP_FIND_LINKS",
    "-u",
    "PIP_CERT",
    "PIP_CONFIG_FILE=/dev/null",
    str(VENV4 / "pip"),
]
MIRROR = "https://crates-mirror.5dlabs.ai"
NPMREG = "https://npm.5dlabs.ai"


def _rust_bin(name: str, source: str, env: dict[str, str] | None = None) -> real.Out:
    """Build and run a small Rust program; its output is what the pod logs."""
    path = real.crate(
        "fr-j-bin-" + name, {"Cargo.toml": real.cargo_toml(name), "src/main.rs": source}
    )
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, code = real.run([str(path / "target" / "release" / name)], path, env=env)
    return real.Out(f"/usr/local/bin/{name}", lines, code)


def _app(lines: list[str]) -> list[str]:
    return [ln.replace(real.RUNNER, "/app") for ln in lines if ln.strip()]


def _pkg(name: str, **more: object) -> str:
    pkg: dict[str, object] = {"name": name, "version": "2.0.0", "private": True}
    pkg.update(more)
    return json.dumps(pkg, indent=2) + "\n"


# ------------------------------------------------------------------ noise


_NOISE_LOKI: list[str] | None = None


def _noise_loki() -> list[str]:
    """A real crash of an unrelated workload (a Node cron job whose fetch is refused)."""
    global _NOISE_LOKI
    if _NOISE_LOKI is None:
        port = real.free_port()
        out = real.node_run(
            "fr-j-noise-cron",
            {
                "cron/digest.mjs": """console.log(JSON.stringify({ level: "info", msg: "digest-cron starting" }));
const res = await fetch(process.env.MAILER_URL + "/v1/send", { method: "POST", body: "{}" });
console.log(res.status);
""",
                "package.json": _pkg("digest-cron", type="module"),
            },
            "cron/digest.mjs",
            env={"MAILER_URL": f"http://127.0.0.1:{port}"},
            hosts={f"127.0.0.1:{port}": "10.43.18.7:8025"},
        )
        assert out.code != 0 and any("ECONNREFUSED" in ln for ln in out.lines), out
        _NOISE_LOKI = [
            re.sub(r"port: \d+", "port: 8025", ln.replace("'127.0.0.1'", "'10.43.18.7'"))
            for ln in _app(out.lines)
        ]
    return _NOISE_LOKI


def _alert(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        f'ALERTS{{alertname="{name}",alertstate="firing"}}': [
            {
                "metric": {
                    "__name__": "ALERTS",
                    "alertname": name,
                    "alertstate": "firing",
                    **labels,
                },
                "value": [1764320400, "1"],
            }
        ]
    }


def _noise(cid: str, kinds: str = "aple") -> dict[str, Any]:
    """Unrelated trouble: a (Argo CD app Degraded), p (a firing alert about a node), l (Loki
    errors from another workload), e (Warning events and old restarts of other pods)."""
    _created, first, last = clock(cid + "-noise")
    ctx: dict[str, Any] = {}
    if "a" in kinds:
        ctx["argocd"] = [
            {
                "name": "grafana",
                "sync_status": "Synced",
                "health_status": "Degraded",
                "message": 'Deployment "grafana" exceeded its progress deadline',
            }
        ]
    if "p" in kinds:
        ctx["prometheus"] = _alert(
            "NodeFilesystemSpaceFillingUp",
            {
                "instance": "k3s-worker-3:9100",
                "mountpoint": "/var/lib/rancher",
                "severity": "warning",
            },
        )
    if "l" in kinds:
        ctx["loki"] = list(_noise_loki())
    if "e" in kinds:
        cron = pod_name(cid, "digest-cron", "n")
        old = pod_name(cid, "loki-canary", "o")
        ctx["kubernetes"] = {
            "pods": [
                shapes.pod(
                    old,
                    "monitoring",
                    "loki-canary",
                    "grafana/loki-canary:3.2.1",
                    created="2026-10-14T03:12:40Z",
                    ready=True,
                    restarts=4,
                    port=3500,
                    memory_limit="64Mi",
                    node="k3s-worker-1",
                )
            ],
            "events": [
                shapes.event(
                    "ops",
                    "Pod",
                    cron,
                    "BackOff",
                    f"Back-off restarting failed container digest-cron in pod {cron}_ops",
                    first=first,
                    last=last,
                    count=31,
                    host="k3s-worker-1",
                ),
                shapes.event(
                    "kube-system",
                    "Node",
                    "k3s-worker-3",
                    "FreeDiskSpaceFailed",
                    "Failed to garbage collect required amount of images. Attempted to free "
                    "4123418214 bytes, but only found 0 bytes eligible to free.",
                    first=first,
                    last=last,
                    count=12,
                    host="k3s-worker-3",
                ),
            ],
        }
    return ctx


def _merge(*parts: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        for key, val in part.items():
            if key == "kubernetes":
                k = out.setdefault("kubernetes", {"pods": [], "events": []})
                k["pods"] = k.get("pods", []) + val.get("pods", [])
                k["events"] = k.get("events", []) + val.get("events", [])
            elif key in ("loki", "argocd"):
                out[key] = out.get(key, []) + val
            elif key == "prometheus":
                out.setdefault("prometheus", {}).update(val)
            else:
                out[key] = val
    return out


# ------------------------------------------------------------------ local registries


@contextmanager
def crates_mirror(mode: str = "ok") -> Iterator[int]:
    """A sparse cargo index on 127.0.0.1: tokio-metrics 0.3.0, 0.3.1 and a yanked 0.3.2."""
    rows = [
        {
            "name": "tokio-metrics",
            "vers": v,
            "deps": [],
            "cksum": sha("tokio-metrics" + v) + sha(v + "c")[:24],
            "features": {},
            "yanked": y,
        }
        for v, y in [("0.3.0", False), ("0.3.1", False), ("0.3.2", True)]
    ]

    def answer(req: Any) -> tuple[int, str, str]:
        if mode == "503":
            return 503, "Service Unavailable", "text/plain"
        if req.path.endswith("/config.json"):
            return 200, json.dumps({"dl": f"{MIRROR}/api/v1/crates"}), "application/json"
        if req.path.endswith("/to/ki/tokio-metrics"):
            return 200, "\n".join(json.dumps(r) for r in rows) + "\n", "text/plain"
        return 404, "not found", "text/plain"

    with real.serve(answer) as port:
        yield port


def cargo_mirror(cid: str, dep: str, mode: str = "ok", args: str = "build --locked") -> real.Out:
    files = {
        "Cargo.toml": real.cargo_toml("healer-metrics", deps=dep),
        "src/main.rs": "fn main() {}\n",
    }
    with crates_mirror(mode) as port:
        files[".cargo/config.toml"] = (
            '[source.crates-io]\nreplace-with = "mirror"\n\n[source.mirror]\n'
            f'registry = "sparse+http://127.0.0.1:{port}/index/"\n'
        )
        path = real.crate(cid, files)
        lines, code = real.run(
            ["cargo", *args.split()],
            path,
            env={"CARGO_NET_RETRY": "1", "CARGO_HTTP_MULTIPLEXING": "false"},
            hosts={f"http://127.0.0.1:{port}": MIRROR, "(127.0.0.1)": "(10.40.3.12)"},
        )
    return real.Out(f"cargo {args}", lines, code)


def _packument(name: str, versions: list[str], peer: dict[str, str] | None = None) -> dict:
    return {
        "name": name,
        "dist-tags": {"latest": versions[-1]},
        "versions": {
            v: {
                "name": name,
                "version": v,
                **({"peerDependencies": peer} if peer else {}),
                "dist": {
                    "tarball": f"{NPMREG}/{name}/-/{name.split('/')[-1]}-{v}.tgz",
                    "integrity": "sha512-" + (sha(name + v) * 3)[:86] + "==",
                },
            }
            for v in versions
        },
    }


PACKUMENTS = {
    "react": _packument("react", ["18.3.1", "19.0.0"]),
    "react-dom": _packument("react-dom", ["18.3.1", "19.0.0"], {"react": "^19.0.0"}),
    "@5dlabs/charts": _packument("@5dlabs/charts", ["3.0.0", "3.1.0"], {"react": "^18.2.0"}),
    "zod": _packument("zod", ["3.23.8", "3.24.1"]),
}


def npm_registry(cid: str, deps: dict[str, str], status: int = 200) -> real.Out:
    from urllib.parse import unquote

    def answer(req: Any) -> tuple[int, str, str]:
        if status != 200:
            return status, "<html><body><h1>504 Gateway Time-out</h1></body></html>", "text/html"
        name = unquote(req.path.lstrip("/"))
        if name in PACKUMENTS:
            return 200, json.dumps(PACKUMENTS[name]), "application/json"
        return 404, '{"error":"Not found"}', "application/json"

    with real.serve(answer) as port:
        out = real.sh(
            cid,
            {
                "package.json": _pkg("console", dependencies=deps),
                ".npmrc": f"registry=http://127.0.0.1:{port}/\n",
            },
            "npm install --no-fund --no-audit --fetch-retries=0",
            "npm install --no-fund --no-audit",
            hosts={f"http://127.0.0.1:{port}": NPMREG},
        )
    keep = [
        ln
        for ln in out.lines
        if ln.strip() not in ("npm error", "npm error For a full report see:")
    ]
    return real.Out(out.command, keep, out.code)


# ------------------------------------------------------------------ noisy context


def noisy() -> None:
    # 1. a failing cargo test; the bundle is full of other trouble (rex, obvious)
    at(REPO)
    out = real.cargo(
        "fr-j-noisy-cargo-test",
        {
            "src/lib.rs": """/// Seconds until the next retry: doubles from `base`, capped at `max`.
pub fn backoff(attempt: u32, base: u64, max: u64) -> u64 {
    base.saturating_mul(2u64.saturating_pow(attempt)).max(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_retry_waits_base() {
        assert_eq!(backoff(0, 2, 300), 2);
    }

    #[test]
    fn capped_at_max() {
        assert_eq!(backoff(20, 2, 300), 300);
    }
}
""",
        },
        ["test", "--lib"],
    )
    assert out.code == 101, out
    ci(
        "fr-j-noisy-cargo-test-backoff-max-instead-of-min-among-cluster-noise",
        "cargo test fails: first_retry_waits_base gets 300 instead of 2 and capped_at_max "
        "2097152 instead of 300 because backoff() caps with .max(max) instead of .min(max); "
        "the Degraded grafana app, a node disk alert, a "
        "refused digest-cron in Loki and other pods' back-offs are unrelated",
        ["noisy", "obvious"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="refactor(retry): one backoff helper for every client",
        files=["crates/healer/src/retry.rs"],
        extra=_noise("fr-j-noisy-cargo-test"),
    )

    # 2. vitest failure in the console; other namespaces' events and a Degraded app (blaze)
    at(WEB)
    out = real.vitest(
        "fr-j-noisy-vitest",
        {
            "src/duration.js": """export function formatDuration(ms) {
  const s = Math.floor(ms / 1000);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${s}s` : `${s}s`;
}
""",
            "src/duration.test.js": """import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration.js";

describe("formatDuration", () => {
  it("shows seconds under a minute", () => expect(formatDuration(42_000)).toBe("42s"));
  it("shows minutes and the remaining seconds", () => expect(formatDuration(125_000)).toBe("2m 5s"));
});
""",
        },
    )
    assert out.code != 0, out
    ci(
        "fr-j-noisy-vitest-duration-remainder-among-other-namespaces-warnings",
        "vitest fails: formatDuration(125000) returns '2m 125s' because the new formatter prints "
        "total seconds instead of s % 60; the bundle's Degraded grafana app and the BackOff and "
        "disk events of other namespaces have nothing to do with the console's unit test",
        ["noisy"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(runs): show run durations as minutes and seconds",
        files=["src/duration.js", "src/duration.test.js"],
        extra=_noise("fr-j-noisy-vitest", "ae"),
    )

    # 3. rollout runs out; the relevant pod's Loki has a Rust panic among noise (rex)
    at(REPO)
    out = _rust_bin(
        "healer-gate",
        """use std::collections::BTreeMap;

fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_gate","fields":{{"message":"gate starting","rules":4}}}}"#);
    let mut weights: BTreeMap<&str, u32> = BTreeMap::new();
    for (team, w) in [("rex", 3), ("blaze", 2), ("bolt", 0)] {
        weights.insert(team, w);
    }
    let total: u32 = weights.values().sum();
    for (team, w) in &weights {
        let share = 100 / w;
        println!("{team} {share}% of {total}");
    }
}
""",
    )
    assert out.code == 101 and any("divide by zero" in ln for ln in out.lines), out
    ro = rollout("fr-j-noisy-rollout-gate", NS, "healer-gate", 2, 1, 1, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(
        "fr-j-noisy-rollout-gate",
        NS,
        "healer-gate",
        "ghcr.io/5dlabs/healer-gate:0.18.0",
        101,
        _app(out.lines),
    )
    ci(
        "fr-j-noisy-rollout-rust-divide-by-zero-among-degraded-app-and-node-alert",
        "rollout status of healer-gate runs out; among a Degraded grafana app, a node disk "
        "alert and a refused digest-cron, the one relevant item is healer-gate's own "
        "crash loop: Loki shows the Rust panic 'attempt to divide by zero' from the new "
        "share computation 100 / w with bolt's weight 0",
        ["context-driven", "noisy", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy-staging",
        job="rollout",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(gate): weighted routing shares per team",
        files=["crates/gate/src/weights.rs"],
        extra=_merge(_noise("fr-j-noisy-rollout-gate"), ctx),
    )

    # 4. smoke curl 28; the service is healthy, only noise about others (atlas, flake)
    at(PLAT)
    with silent_server() as port:
        smoke = real.sh(
            "fr-j-noisy-smoke-timeout",
            {},
            f"curl -fsS --max-time 3 http://127.0.0.1:{port}/healthz",
            "curl -fsS --max-time 10 https://api.staging.5dlabs.ai/healthz",
            hosts={f"http://127.0.0.1:{port}": "https://api.staging.5dlabs.ai"},
        )
    lines = [
        ln.replace("after 3002 milliseconds", "after 10001 milliseconds") for ln in smoke.lines
    ]
    smoke = real.Out(smoke.command, lines, smoke.code)
    assert smoke.code == 28, smoke
    ci(
        "fr-j-noisy-smoke-timeout-healthy-api-unrelated-alerts",
        "the staging smoke check times out once (curl 28); healer-api's pods are Ready with "
        "normal events and healer-staging is Synced/Healthy; the Degraded grafana app, the "
        "node disk alert and digest-cron's refused fetch concern other workloads and the "
        "change only edits docs: a transient, nothing to fix",
        ["context-driven", "flaky-infra", "noisy"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="smoke",
        repo=PLAT,
        steps=[failing(smoke, name="Smoke /healthz")],
        message="docs(runbook): staging smoke check",
        files=["docs/runbooks/staging.md"],
        extra=_merge(
            _noise("fr-j-noisy-smoke"),
            {
                "argocd": [
                    {"name": "healer-staging", "sync_status": "Synced", "health_status": "Healthy"}
                ],
                "kubernetes": {
                    "pods": ready_pods(
                        "fr-j-noisy-smoke", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.17.2"
                    ),
                    "events": normal_events("fr-j-noisy-smoke", NS, "healer-api"),
                },
            },
        ),
    )

    # 5. wait runs out; the relevant pod is Pending on a PVC the chart renamed (bolt)
    at(PLAT)
    wt = wait_available("fr-j-noisy-pvc", NS, "healer-index")
    assert wt.code != 0, wt
    created, first, last = clock("fr-j-noisy-pvc")
    pname = pod_name("fr-j-noisy-pvc", "healer-index")
    pend = shapes.pod(
        pname,
        NS,
        "healer-index",
        "ghcr.io/5dlabs/healer-index:0.17.2",
        created=created,
        phase="Pending",
        scheduled=False,
        pending_message='0/3 nodes are available: persistentvolumeclaim "healer-index-data" not '
        "found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    )
    ev = shapes.event(
        NS,
        "Pod",
        pname,
        "FailedScheduling",
        '0/3 nodes are available: persistentvolumeclaim "healer-index-data" not found. '
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
        first=first,
        last=last,
        count=9,
        component="default-scheduler",
        host="",
    )
    ci(
        "fr-j-noisy-wait-pending-pvc-renamed-among-crashing-cron",
        "kubectl wait for healer-index runs out; the loudest items (digest-cron crash-looping "
        "in ops, a Degraded grafana, a node disk alert) are unrelated: healer-index's pod is "
        "Pending because the chart now mounts claim 'healer-index-data' while the existing "
        "PVC is 'healer-index'",
        ["context-driven", "noisy", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="verify",
        repo=PLAT,
        steps=[*kube_setup(), failing(wt, name="Wait for index")],
        message="chore(index): name volumes after their workload",
        files=["charts/healer/templates/index-deployment.yaml"],
        extra=_merge(_noise("fr-j-noisy-pvc"), {"kubernetes": {"pods": [pend], "events": [ev]}}),
        event="sensor",
    )

    # 6. an e2e run fails; Loki: the Python worker's KeyError among Node noise (atlas)
    at(WEB)
    worker = real.sh(
        "fr-j-noisy-py-worker",
        {
            "worker/main.py": """import json


def route(event: dict) -> str:
    return event["repository"]["full_name"] + ":" + event["workflow_job"]["name"]


def main() -> None:
    print(json.dumps({"level": "info", "msg": "triage-worker consuming", "queue": "jobs"}), flush=True)
    events = [
        {"repository": {"full_name": "5dlabs/console"}, "workflow_job": {"name": "e2e"}},
        {"repository": {"full_name": "5dlabs/console"}, "check_run": {"name": "e2e"}},
    ]
    for ev in events:
        print(json.dumps({"level": "info", "msg": "routed", "key": route(ev)}), flush=True)


if __name__ == "__main__":
    main()
""",
        },
        "python3 -m worker.main",
        "python3 -m worker.main",
    )
    assert worker.code == 1 and any("KeyError" in ln for ln in worker.lines), worker
    ctx = crashing(
        "fr-j-noisy-e2e-worker",
        "triage",
        "triage-worker",
        "ghcr.io/5dlabs/triage-worker:0.9.0",
        1,
        _app(worker.lines),
        port=9000,
    )
    port = real.free_port()
    e2e = real.sh(
        "fr-j-noisy-e2e",
        {
            "package.json": _pkg("console", type="module"),
            "e2e/triage.test.mjs": """import { test } from "node:test";
import assert from "node:assert/strict";

test("a check_run event is triaged", async () => {
  const res = await fetch(`${process.env.E2E_BASE_URL}/v1/triage/latest?kind=check_run`);
  assert.equal(res.status, 200);
});
""",
        },
        "node --test e2e/",
        "node --test e2e/",
        env={"E2E_BASE_URL": f"http://127.0.0.1:{port}"},
        hosts={f"127.0.0.1:{port}": "triage-worker.triage.svc:9000"},
    )
    e2e = real.Out(
        e2e.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 61.40213", ln) for ln in e2e.lines],
        e2e.code,
    )
    assert e2e.code != 0, e2e
    ci(
        "fr-j-noisy-e2e-python-worker-keyerror-among-node-cron-noise",
        "the console e2e test's fetch to the triage worker is refused; Loki holds an unrelated "
        "digest-cron fetch error and the triage worker's own crash: Python KeyError "
        "'workflow_job' when the new router gets a check_run event (Python service code, no "
        "specialist)",
        ["context-driven", "noisy", "misleading-name"],
        "atlas",
        "general",
        workflow="console-e2e",
        job="e2e",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(e2e, name="E2E")],
        message="feat(worker): route events by repository and job name",
        files=["worker/main.py"],
        extra=_merge(_noise("fr-j-noisy-e2e", "le"), ctx),
    )


# ------------------------------------------------------------------ set-up and toolchain


def setup() -> None:
    # 7. pip: the only version with the needed fix requires Python >= 3.12; the job has 3.11
    at(PLAT)
    files = {
        "simple/healer-sdk/index.html": (
            "<!DOCTYPE html><html><body>\n"
            + "".join(
                f'<a href="/files/healer_sdk-{v}-py3-none-any.whl#sha256={sha(v)}{sha(v + "x")[:24]}"'
                + (f' data-requires-python="{rp}"' if rp else "")
                + f">healer_sdk-{v}-py3-none-any.whl</a>\n"
                for v, rp in [("2.2.0", ">=3.9"), ("2.3.1", ">=3.9"), ("2.4.0", "&gt;=3.12")]
            )
            + "</body></html>\n"
        ),
        "requirements.txt": "healer-sdk==2.4.0\n",
    }
    path = real.scratch("fr-j-pyreq", files)

    def answer(req: Any) -> tuple[int, str, str]:
        p = path / req.path.lstrip("/").rstrip("/") / "index.html"
        if p.exists():
            return 200, p.read_text(), "text/html"
        return 404, "not found", "text/plain"

    with real.serve(answer) as port:
        lines, code = real.run(
            [
                *PIP,
                "install",
                "--disable-pip-version-check",
                "--index-url",
                f"http://127.0.0.1:{port}/simple",
                "-r",
                "requirements.txt",
            ],
            path,
            hosts={f"http://127.0.0.1:{port}": "https://pypi.5dlabs.ai"},
        )
    out = real.Out("pip install -r requirements.txt", lines, code)
    assert code != 0 and any("Requires-Python" in ln for ln in lines), lines
    ci(
        "fr-j-setup-pip-requires-python-312-job-on-311",
        "pip cannot install healer-sdk==2.4.0: its only release requires Python >=3.12 and the "
        "job's setup-python is still pinned to 3.11; the change bumped the pin in "
        "requirements.txt (Python tooling, no specialist)",
        ["context-driven"],
        "atlas",
        "general",
        workflow="ops-scripts",
        job="lint-scripts",
        repo=PLAT,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.11"},
                ["Successfully set up CPython (3.11.7)"],
            ),
            failing(out, name="Install"),
        ],
        message="chore(deps): healer-sdk 2.4.0 for the new runs API",
        files=["requirements.txt"],
    )

    # 8. vitest: Object.groupBy on Node 20 while package.json declares engines node >=20 (blaze)
    at(WEB)
    out = real.vitest(
        "fr-j-groupby",
        {
            "src/group.js": """export function byStatus(runs) {
  return Object.groupBy(runs, (r) => r.status);
}
""",
            "src/group.test.js": """import { expect, it } from "vitest";
import { byStatus } from "./group.js";

it("groups runs by status", () => {
  const g = byStatus([{ id: 1, status: "failed" }, { id: 2, status: "ok" }]);
  expect(g.failed).toHaveLength(1);
});
""",
        },
    )
    assert out.code != 0 and any("groupBy is not a function" in ln for ln in out.lines), out
    ci(
        "fr-j-setup-vitest-object-groupby-on-node-20",
        "vitest fails with 'Object.groupBy is not a function': the change uses a Node 21 API "
        "while the console declares engines node >=20 and CI runs Node 20.20.2 (the code must "
        "stay on its declared runtime)",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="refactor(runs): group runs with Object.groupBy",
        files=["src/group.js", "package.json"],
    )

    # 9/10. libpq via pkg-config: a new crate (rex) vs a workflow switch to a slim image (atlas)
    at(REPO)
    build_rs = """use std::process::Command;

fn main() {
    let out = Command::new("pkg-config")
        .args(["--libs", "--cflags", "libpq"])
        .output()
        .expect("run pkg-config");
    if !out.status.success() {
        panic!(
            "could not find libpq with pkg-config:\\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for flag in String::from_utf8_lossy(&out.stdout).split_whitespace() {
        if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib={lib}");
        }
    }
}
"""
    outs = {}
    for key in ("code", "runner"):
        path = real.crate(
            f"fr-j-libpq-{key}",
            {
                "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
                "crates/healer-store/Cargo.toml": real.cargo_toml(
                    "healer-store", extra='build = "build.rs"\nlinks = "pq"'
                ),
                "crates/healer-store/build.rs": build_rs,
                "crates/healer-store/src/lib.rs": "pub fn connect() {}\n",
            },
        )
        (path / "no-pc").mkdir()
        lines, code = real.run(
            ["cargo", "build", "--workspace"],
            path,
            # the runner image has no libpq.pc: an empty pkg-config search path stands in
            env={"CARGO_NET_OFFLINE": "true", "PKG_CONFIG_LIBDIR": str(path / "no-pc")},
        )
        assert code == 101 and any("libpq" in ln for ln in lines), lines
        outs[key] = real.Out("cargo build --workspace", lines, code)
    ci(
        "fr-j-setup-pkg-config-libpq-new-store-crate",
        "cargo build fails in healer-store's build script: pkg-config finds no libpq; the "
        "change adds the crate that links the system libpq, without declaring the new system "
        "dependency in the CI set-up the crate needs (the Rust change brings the requirement)",
        ["context-driven"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(outs["code"], name="Build")],
        message="feat(store): a Postgres-backed run store (links libpq)",
        files=[
            "Cargo.toml",
            "Cargo.lock",
            "crates/healer-store/Cargo.toml",
            "crates/healer-store/build.rs",
            "crates/healer-store/src/lib.rs",
        ],
    )
    ci(
        "fr-j-setup-pkg-config-libpq-workflow-moved-to-slim-container",
        "cargo build fails in healer-store's build script: pkg-config finds no libpq; the "
        "crate has linked libpq for months and the change only moves the job into a "
        "rust:1.95-slim container that lacks libpq-dev: the workflow must install it",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="ci",
        job="build",
        repo=REPO,
        steps=[
            run(
                "rustc --version && cargo --version",
                ["rustc 1.95.0 (59807616e 2026-04-14)", "cargo 1.95.0 (f2d3ce0bd 2026-03-21)"],
                name="Toolchain",
            ),
            failing(outs["runner"], name="Build"),
        ],
        message="ci: run the build job in the rust:1.95-slim container",
        files=[".github/workflows/ci.yml"],
    )

    # 11. eslint finds no config: the workflow still lints from the repo root (atlas)
    at(WEB)
    path = real.scratch(
        "fr-j-eslint-root",
        {
            "package.json": _pkg("console-monorepo", workspaces=["apps/*"]),
            "apps/web/eslint.config.js": 'import js from "@eslint/js";\nexport default [js.configs.recommended];\n',
            "apps/web/src/main.js": "export const x = 1;\n",
        },
    )
    real.link_node_modules(path)
    lines, code = real.run(["eslint", "apps/web/src"], path)
    assert code != 0 and any("couldn't find" in ln for ln in lines), lines
    out = real.Out("npx eslint apps/web/src", lines, code)
    ci(
        "fr-j-setup-eslint-no-config-workflow-runs-from-root",
        'ESLint stops with "couldn\'t find an eslint.config file": the change moved the app and '
        "its eslint.config.js into apps/web, but the lint workflow still runs eslint from the "
        "repository root without working-directory: the workflow is stale, the code is fine",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Lint")],
        message="refactor: move the console into apps/web (workspaces)",
        files=["package.json", "apps/web/eslint.config.js", "apps/web/src/main.js"],
    )

    # 12. pip -r a requirements file the change renamed (atlas)
    at(PLAT)
    path = real.scratch("fr-j-pip-missing", {"requirements/dev.txt": "pytest==8.3.4\n"})
    lines, code = real.run(
        [*PIP, "install", "--disable-pip-version-check", "-r", "requirements-ci.txt"],
        path,
    )
    assert code != 0, lines
    ci(
        "fr-j-setup-pip-requirements-file-renamed",
        "pip cannot open requirements-ci.txt: the change moved the file to requirements/dev.txt "
        "and the workflow's install step still names the old path",
        ["context-driven"],
        "atlas",
        "general",
        workflow="exporter-tests",
        job="pytest",
        repo=PLAT,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.11", "cache": "pip"},
                ["Successfully set up CPython (3.11.7)"],
            ),
            failing(real.Out("pip install -r requirements-ci.txt", lines, code), name="Install"),
        ],
        message="chore: keep requirement files under requirements/",
        files=["requirements-ci.txt", "requirements/dev.txt"],
        event="workflow_run",
    )

    # 13. a node_modules cache restored by an os-only key skips npm ci; a new dep is missing
    at(WEB)
    out = real.npm_script(
        "fr-j-stale-cache",
        {
            "scripts/build-icons.mjs": """import { z } from "zod";
const Icon = z.object({ name: z.string(), path: z.string() });
console.log(Icon.parse({ name: "run", path: "M0 0h24v24H0z" }).name);
""",
        },
        {"build": "node scripts/build-icons.mjs && echo built"},
        "build",
    )
    assert out.code != 0 and any("zod" in ln for ln in out.lines), out
    ci(
        "fr-j-setup-node-modules-cache-hit-skips-npm-ci-new-dep-missing",
        "the build cannot find package 'zod': actions/cache restored node_modules under the key "
        "'node-modules-Linux' (no lockfile hash), so npm ci was skipped and the dependency "
        "added to package-lock.json was never installed: the workflow's cache key is wrong",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="build",
        repo=WEB,
        steps=[
            *node_setup(),
            uses(
                "actions/cache@v4",
                {"path": "node_modules", "key": "node-modules-${{ runner.os }}"},
                [
                    "Cache hit for: node-modules-Linux",
                    "Received 48234496 of 48234496 (100.0%), 46.0 MBs/sec",
                    "Cache Size: ~46 MB (48234496 B)",
                    "[command]/usr/bin/tar -xf /home/runner/work/_temp/"
                    + sha("fr-j-cache")[:8]
                    + "-0c4e-4d3e-9d1e-2f6b3a1c7e55/cache.tzst -P -C "
                    "/home/runner/work/console/console --use-compress-program unzstd",
                    "Cache restored successfully",
                    "Cache restored from key: node-modules-Linux",
                ],
                name="Restore node_modules",
            ),
            skipped("Install dependencies"),
            failing(out, name="Build"),
        ],
        message="feat(icons): validate icon manifests with zod",
        files=["scripts/build-icons.mjs", "package.json", "package-lock.json"],
    )

    # 14. a corrupted sccache archive restored by hand: tar stops (atlas)
    at(REPO)
    path = real.scratch("fr-j-tar", {})
    real.run(
        "mkdir -p sccache && python3 -c 'import random, sys; random.seed(10); "
        "sys.stdout.buffer.write(random.randbytes(400000))' > sccache/blob && "
        "tar -czf sccache.tgz sccache && truncate -s 120000 sccache.tgz && rm -rf sccache",
        path,
    )
    lines, code = real.run("tar -xzf sccache.tgz -C .", path)
    assert code != 0, lines
    ci(
        "fr-j-setup-truncated-sccache-archive",
        "the job's 'Restore sccache' step fails with tar 'Unexpected EOF in archive': the "
        "downloaded cache archive is truncated; nothing was compiled and no code or workflow "
        "changed: a broken cache artifact, rerun or drop the cache",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="rust-ci",
        job="clippy",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                'curl -fsSL -o sccache.tgz "$CACHE_URL/sccache-linux-'
                + sha("fr-j-tar-key")
                + '.tgz"',
                [],
                name="Download sccache",
                env={"CACHE_URL": "https://cache.5dlabs.ai/ci"},
            ),
            failing(
                real.Out("tar -xzf sccache.tgz -C ~/.cache", lines, code), name="Restore sccache"
            ),
        ],
        message="fix(router): keep the original job name in logs",
        files=["crates/healer/src/router.rs"],
    )


# ------------------------------------------------------------------ dependencies vs registry


def deps() -> None:
    at(REPO)
    # 15. a version that does not exist on the mirror (rex)
    out = cargo_mirror("fr-j-cargo-norelease", 'tokio-metrics = "0.4"', args="build")
    assert out.code != 0 and any("failed to select a version" in ln for ln in out.lines), out
    ci(
        "fr-j-deps-cargo-tokio-metrics-04-does-not-exist",
        "cargo build cannot select tokio-metrics ^0.4: the mirror's index has only 0.3.0 and "
        "0.3.1; the change asks for a release that does not exist",
        ["context-driven"],
        "rex",
        "rust_deps",
        workflow="ci",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="chore(deps): tokio-metrics 0.4",
        files=["crates/healer-metrics/Cargo.toml"],
    )
    # 16. a yanked version pinned with = (rex)
    out = cargo_mirror("fr-j-cargo-yanked", 'tokio-metrics = "=0.3.2"', args="build")
    assert out.code != 0 and any("yanked" in ln for ln in out.lines), out
    ci(
        "fr-j-deps-cargo-pinned-yanked-tokio-metrics",
        "cargo build cannot select tokio-metrics =0.3.2: that version is yanked on the index; "
        "the change pins it exactly",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_deps",
        workflow="release",
        job="build-binaries",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo build --release")],
        message="fix(metrics): pin tokio-metrics 0.3.2 for the poll-time histogram",
        files=["crates/healer-metrics/Cargo.toml"],
    )
    # 17. the same client against the mirror answering 503 (atlas, flake)
    out = cargo_mirror(
        "fr-j-cargo-mirror-503", 'tokio-metrics = "0.3"', "503", args="clippy -- -D warnings"
    )
    assert out.code != 0 and any("got 503" in ln for ln in out.lines), out
    ci(
        "fr-j-deps-cargo-mirror-503-in-clippy",
        "cargo clippy never gets to lint: the crates mirror answers 503 for config.json (after "
        "cargo's retry); the dependency line is unchanged, so it is the mirror, not the code",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="ci",
        job="clippy",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="fix(metrics): label the poll-time histogram by queue",
        files=["crates/healer-metrics/src/lib.rs"],
        event="check_run",
    )

    # 18. npm peer conflict (blaze)
    at(WEB)
    out = npm_registry(
        "fr-j-npm-eresolve",
        {"react": "^19.0.0", "react-dom": "^19.0.0", "@5dlabs/charts": "^3.1.0"},
    )
    assert out.code != 0 and any("ERESOLVE" in ln for ln in out.lines), out
    ci(
        "fr-j-deps-npm-eresolve-react-19-charts-peer-18",
        "npm install fails ERESOLVE: the change moves the console to react 19 while "
        "@5dlabs/charts 3.1.0 has a peer dependency react ^18.2.0",
        ["context-driven"],
        "blaze",
        "frontend_deps",
        workflow="console-ci",
        job="install",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="chore(deps): react 19",
        files=["package.json"],
        event="check_run",
    )
    # 19. a missing npm version (blaze)
    out = npm_registry("fr-j-npm-etarget", {"zod": "^4.9.0"})
    assert out.code != 0 and any("ETARGET" in ln for ln in out.lines), out
    ci(
        "fr-j-deps-npm-etarget-zod-4-9-in-docker-named-job",
        "npm install fails ETARGET: no zod version matches ^4.9.0 on the registry (3.24.1 is "
        "the latest); the change asked for a release that does not exist",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_deps",
        workflow="images",
        job="docker-console-deps",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="chore(deps): zod 4.9",
        files=["package.json"],
    )
    # 20. the same install against a registry answering 504 (atlas, flake)
    out = npm_registry("fr-j-npm-504", {"zod": "^3.24.1"}, status=504)
    assert out.code != 0 and any("504" in ln for ln in out.lines), out
    ci(
        "fr-j-deps-npm-registry-504-in-typecheck",
        "npm install fails E504 Gateway Timeout from the company registry for zod ^3.24.1 (a "
        "version that exists); nothing about dependencies changed: a registry outage",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="fix(runs): keep the filter when paging",
        files=["src/runs/filter.ts"],
        event="workflow_run",
    )

    # 21. cargo --locked inside BuildKit RUN: the lockfile is out of date (rex, trap)
    at(REPO)
    path = real.crate(
        "fr-j-locked",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
            "crates/healer/Cargo.toml": real.cargo_toml(
                "healer", deps='healer-proto = { path = "../healer-proto" }'
            ),
            "crates/healer/src/main.rs": "fn main() {}\n",
            "crates/healer-proto/Cargo.toml": real.cargo_toml("healer-proto"),
            "crates/healer-proto/src/lib.rs": "\n",
        },
    )
    real.run(["cargo", "generate-lockfile", "--offline"], path)
    toml = path / "crates/healer-proto/Cargo.toml"
    toml.write_text(toml.read_text().replace('version = "0.1.0"', 'version = "0.2.0"'))
    lines, code = real.run(
        ["cargo", "build", "--release", "--locked"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    lines = [ln.replace(real.RUNNER, "/src") for ln in lines]
    assert code != 0 and any("--locked" in ln for ln in lines), lines
    dockerfile = (
        "FROM rust:1.95-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN cargo build --release --locked\n"
        "FROM gcr.io/distroless/cc-debian12\nCOPY --from=build /src/target/release/healer /healer\n"
        'ENTRYPOINT ["/healer"]\n'
    )
    bk = shapes.BuildKit("fr-j-locked", dockerfile)
    bk.metadata()
    err = bk.run_until(4, lines, code)
    assert err, err
    ci(
        "fr-j-deps-buildkit-cargo-locked-lockfile-stale",
        "the image build fails at 'RUN cargo build --release --locked': cargo says the lock "
        "file needs to be updated; the change bumped healer-proto to 0.2.0 without committing "
        "Cargo.lock, so the Rust change is incomplete, not the Dockerfile",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_deps",
        workflow="images",
        job="docker-healer",
        repo=REPO,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/healer:sha-" + sha("fr-j-locked")[:7]),
        ],
        message="feat(proto): healer-proto 0.2 with run labels",
        files=["crates/healer-proto/Cargo.toml", "crates/healer-proto/src/lib.rs"],
    )


# ------------------------------------------------------------------ mixed-language jobs


def mixed() -> None:
    # 22. make ci: cargo test and node --test pass, kustomize fails (bolt)
    at(MONO)
    files = {
        "Cargo.toml": real.cargo_toml("cto-core"),
        "src/lib.rs": "pub fn add(a: u32, b: u32) -> u32 { a + b }\n\n#[test]\nfn adds() { assert_eq!(add(2, 2), 4); }\n",
        "web/package.json": _pkg("cto-web", type="module"),
        "web/test/ok.test.mjs": "import { test } from 'node:test';\nimport assert from 'node:assert';\ntest('renders', () => assert.ok(true));\n",
        "deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "deploy/base/deployment.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cto-api\nspec:\n"
            "  selector:\n    matchLabels: {app: cto-api}\n  template:\n    metadata:\n"
            "      labels: {app: cto-api}\n    spec:\n      containers:\n        - name: api\n"
            "          image: ghcr.io/5dlabs/cto-api:1.4.0\n"
        ),
        "deploy/overlays/staging/kustomization.yaml": (
            "resources:\n  - ../../base\npatches:\n  - path: replicas.yaml\n"
            "images:\n  - name: ghcr.io/5dlabs/cto-api\n    newTag: 1.4.1\n"
        ),
        "deploy/overlays/staging/replica.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cto-api\nspec:\n  replicas: 3\n"
        ),
        "Makefile": (
            ".PHONY: ci test-rust test-web manifests\n"
            "ci: test-rust test-web manifests\n\n"
            "test-rust:\n\tcargo test -q\n\n"
            "test-web:\n\tcd web && node --test test/\n\n"
            "manifests:\n\tkubectl kustomize deploy/overlays/staging > /dev/null\n"
        ),
    }
    path = real.crate("fr-j-make-ci", files, package="cto-core")
    lines, code = real.run(
        ["make", "ci"],
        path,
        env={"CARGO_NET_OFFLINE": "true"},
    )
    lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 0.812409", ln) for ln in lines]
    assert code != 0 and any("replicas.yaml" in ln for ln in lines), lines
    ci(
        "fr-j-mixed-make-ci-kustomize-patch-file-misnamed",
        "make ci runs cargo test and node --test (both pass), then kubectl kustomize fails: "
        "the staging overlay patches replicas.yaml while the file the change added is "
        "replica.yaml",
        ["wrapper", "multi-signal", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="monorepo-ci",
        job="ci",
        repo=MONO,
        steps=[
            *rust_setup(),
            *node_setup(),
            failing(real.Out("make ci", lines, code), name="make ci"),
        ],
        message="chore(staging): three api replicas",
        files=[
            "deploy/overlays/staging/kustomization.yaml",
            "deploy/overlays/staging/replica.yaml",
        ],
    )

    # 23. just ci: cargo build warns, then tsc fails (blaze)
    at(MONO)
    files = {
        "Cargo.toml": real.cargo_toml("cto-core"),
        "src/lib.rs": "pub fn total(xs: &[u32]) -> u32 {\n    let unused = 3;\n    xs.iter().sum()\n}\n",
        "web/tsconfig.json": real.TSCONFIG,
        "web/src/api.ts": """export interface Run { id: string; durationMs: number }

export function slowest(runs: Run[]): Run | undefined {
  return [...runs].sort((a, b) => b.durationMs - a.durationMs)[0];
}

export const label: string = slowest([])?.durationMs;
""",
        "justfile": "ci: rust web\n\nrust:\n    cargo build -q\n\nweb:\n    cd web && tsc -p .\n",
    }
    path = real.crate("fr-j-just-ci", files, package="cto-core")
    real.link_node_modules(path / "web")
    lines, code = real.run(["just", "ci"], path, env={"CARGO_NET_OFFLINE": "true"})
    assert code != 0 and any("TS2322" in ln for ln in lines), lines
    ci(
        "fr-j-mixed-just-ci-rust-warning-then-tsc-ts2322",
        "just ci: the rust recipe only warns (unused variable) and succeeds; the web recipe's "
        "tsc fails TS2322 assigning 'number | undefined' to a string in web/src/api.ts, which "
        "failed the job named rust-workspace",
        ["wrapper", "multi-signal", "misleading-name"],
        "blaze",
        "frontend_typecheck",
        workflow="monorepo-ci",
        job="rust-workspace",
        repo=MONO,
        steps=[
            *rust_setup(),
            *node_setup(),
            uses("extractions/setup-just@v2", None, ["just 1.59.0 installed"]),
            failing(real.Out("just ci", lines, code), name="just ci"),
        ],
        message="feat(web): show the slowest run",
        files=["web/src/api.ts", "src/lib.rs"],
    )

    # 24. one run step chaining cargo fmt, npm lint and kustomize: cargo fmt fails first (rex)
    at(MONO)
    files = {
        "Cargo.toml": real.cargo_toml("cto-core"),
        "src/lib.rs": "pub fn ratio(a:u32,b:u32)->f64{ a as f64 / b as f64 }\n",
        "web/package.json": _pkg("cto-web", scripts={"lint": "eslint src"}),
    }
    path = real.crate("fr-j-chain", files, package="cto-core")
    script = "set -e\ncargo fmt --all -- --check\n(cd web && npm run lint)\nkubectl kustomize deploy/overlays/staging > /dev/null\n"
    lines, code = real.run(["bash", "-e", "-c", script], path)
    assert code != 0 and any("Diff in" in ln for ln in lines), lines
    ci(
        "fr-j-mixed-one-step-cargo-fmt-fails-before-npm-and-kustomize",
        "one 'Static checks' step chains cargo fmt --check, npm run lint and kubectl kustomize; "
        "cargo fmt fails first on the new ratio() in src/lib.rs, so the lint and manifest "
        "commands never ran (job named web-lint)",
        ["misleading-name", "wrapper"],
        "rex",
        "rust_fmt",
        workflow="monorepo-ci",
        job="web-lint",
        repo=MONO,
        steps=[
            *rust_setup(),
            *node_setup(),
            failing(real.Out(script.strip().split("\n", 1)[1], lines, code), name="Static checks"),
        ],
        message="feat(core): success ratio helper",
        files=["src/lib.rs"],
    )


# ------------------------------------------------------------------ services no specialist owns


def services() -> None:
    # 25. a Java service crash-loops on a NumberFormatException (atlas)
    at(PLAT)
    out = real.sh(
        "fr-j-java-billing",
        {
            "src/main/java/ai/fivedlabs/billing/Main.java": """package ai.fivedlabs.billing;

public class Main {
    static int port() {
        String raw = System.getenv().getOrDefault("BILLING_PORT", "8080/tcp");
        return Integer.parseInt(raw);
    }

    public static void main(String[] args) {
        System.out.println("{\\"level\\":\\"INFO\\",\\"logger\\":\\"billing\\",\\"msg\\":\\"billing-sync starting\\"}");
        System.out.println("listening on " + port());
    }
}
""",
        },
        "java src/main/java/ai/fivedlabs/billing/Main.java",
        "java -jar /app/billing-sync.jar",
    )
    loki = [ln.replace(real.RUNNER + "/src/main/java/", "") for ln in _app(out.lines)]
    assert out.code == 1 and any("NumberFormatException" in ln for ln in loki), loki
    ro = rollout("fr-j-java-billing", "billing", "billing-sync", 2, 1, 1, deadline=True)
    ctx = crashing(
        "fr-j-java-billing",
        "billing",
        "billing-sync",
        "ghcr.io/5dlabs/billing-sync:2.3.0",
        1,
        loki,
        port=8080,
    )
    ci(
        "fr-j-svc-java-billing-numberformat-port-default",
        "rollout of billing-sync runs out; Loki shows the Java service's "
        'NumberFormatException for input "8080/tcp": the change made port() default to '
        "'8080/tcp' and parse it with Integer.parseInt (JVM service code, no specialist)",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="rollout-billing",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Rollout billing-sync")],
        message="refactor(billing): read the port like the compose file writes it",
        files=["billing/src/main/java/ai/fivedlabs/billing/Main.java"],
        extra=ctx,
        event="sensor",
    )

    # 26/27. the same smoke 502; Loki: a Rust panic (rex) vs a Python ImportError (atlas)
    at(PLAT)
    rust = _rust_bin(
        "healer-hooks",
        """fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_hooks","fields":{{"message":"hooks starting"}}}}"#);
    let secret = std::env::var("WEBHOOK_SECRET").unwrap_or_default();
    let key: [u8; 32] = secret.as_bytes().try_into().expect("webhook secret must be 32 bytes");
    println!("{}", key.len());
}
""",
        env={"WEBHOOK_SECRET": "s3cr3t-rotated-2026"},
    )
    assert rust.code == 101, rust
    py = real.sh(
        "fr-j-smoke-py",
        {
            "hooks/settings.py": "WEBHOOK_SECRET = 'from-env'\nQUEUE_URL = 'redis://redis:6379/0'\n",
            "hooks/app.py": "from hooks.settings import WEBHOOK_SECRET, REDIS_URL\n\nprint('hooks ready', len(WEBHOOK_SECRET), REDIS_URL)\n",
            "hooks/__init__.py": "",
        },
        "python3 -m hooks.app",
        "python3 -m hooks.app",
    )
    assert py.code == 1 and any("ImportError" in ln for ln in py.lines), py
    for key, lang, out, agent, ft, desc, msg, changed, image in (
        (
            "rust",
            "rust",
            rust,
            "rex",
            "rust_test",
            "the hooks smoke check gets 502; healer-hooks crash-loops and Loki shows the Rust "
            "panic 'webhook secret must be 32 bytes' from the new try_into() on the secret's "
            "bytes (the stored secret is 19 bytes): the code's new length assumption",
            "feat(hooks): fixed-size webhook key",
            ["crates/hooks/src/verify.rs"],
            "ghcr.io/5dlabs/healer-hooks:0.18.1",
        ),
        (
            "python",
            "python",
            py,
            "atlas",
            "general",
            "the hooks smoke check gets 502; the Python hooks service crash-loops and Loki shows "
            "ImportError: cannot import name 'REDIS_URL' from hooks.settings (renamed "
            "QUEUE_URL in the same change): Python service code, no specialist",
            "refactor(hooks): one queue URL setting",
            ["hooks/settings.py"],
            "ghcr.io/5dlabs/hooks:3.1.0",
        ),
    ):
        cid = f"fr-j-smoke-502-{key}"
        smoke = curl_fail(cid, "hooks.staging.5dlabs.ai", "/healthz", 502, "Bad Gateway")
        assert smoke.code == 22, smoke
        ctx = crashing(cid, "hooks", "hooks", image, 101 if key == "rust" else 1, _app(out.lines))
        ci(
            f"fr-j-svc-smoke-502-hooks-{lang}-crash",
            desc,
            ["context-driven", "misleading-name"],
            agent,
            ft,
            workflow="deploy-staging",
            job="smoke-hooks",
            repo=PLAT,
            steps=[failing(smoke, name="Smoke")],
            message=msg,
            files=changed,
            extra=ctx,
        )

    # 28. pytest fails in a job named for the Rust bindings (atlas)
    at(REPO)
    path = real.scratch(
        "fr-j-pytest-bindings",
        {
            "python/healer_py/labels.py": """def normalise(label: str) -> str:
    \"\"\"'Rust Test' -> 'rust-test'.\"\"\"
    return label.strip().lower().replace(" ", "_")
""",
            "python/healer_py/__init__.py": "",
            "python/tests/test_labels.py": """from healer_py.labels import normalise


def test_spaces_become_dashes():
    assert normalise(" Rust Test ") == "rust-test"
""",
        },
    )
    lines, code = real.run(
        [str(VENV4 / "pytest"), "-q", "-p", "no:cacheprovider", "python/tests"],
        path,
        env={"PYTHONPATH": str(path / "python")},
    )
    assert code == 1, lines
    ci(
        "fr-j-svc-pytest-label-normalise-in-rust-bindings-job",
        "the 'rust-bindings' job's pytest step fails: normalise(' Rust Test ') returns "
        "'rust_test' instead of 'rust-test' because the Python helper replaces spaces with "
        "underscores; maturin built fine, so it is Python code (no specialist)",
        ["misleading-name"],
        "atlas",
        "general",
        workflow="python-bindings",
        job="rust-bindings",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "maturin develop --release",
                [
                    "🔗 Found pyo3 bindings",
                    "🐍 Found CPython 3.11 at /opt/hostedtoolcache/Python/3.11.7/x64/bin/python",
                    "📦 Built wheel for CPython 3.11 to /tmp/.tmpq7Xk2a/healer_py-0.4.0-cp311-cp311-linux_x86_64.whl",
                    "🛠 Installed healer_py-0.4.0",
                ],
                name="Build bindings",
            ),
            failing(real.Out("pytest -q python/tests", lines, code), name="pytest"),
        ],
        message="feat(py): label helpers for the Python client",
        files=["python/healer_py/labels.py", "python/tests/test_labels.py"],
    )


# ------------------------------------------------------------------ obvious


def obvious() -> None:
    at(REPO)
    # 29. E0061 (rex)
    out = real.cargo(
        "fr-j-e0061",
        {
            "src/main.rs": """fn notify(channel: &str, text: &str, urgent: bool) {
    println!("{channel}: {text} ({urgent})");
}

fn main() {
    notify("#ci", "build failed");
}
""",
        },
        ["build"],
    )
    assert out.code == 101 and any("E0061" in ln for ln in out.lines), out
    ci(
        "fr-j-obvious-rustc-e0061-missing-argument",
        "cargo build fails E0061: notify() now takes an urgent flag and main still calls it "
        "with two arguments",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="feat(notify): urgent notifications",
        files=["crates/healer/src/notify.rs"],
    )
    # 30. clippy needless_range_loop (rex)
    out = real.cargo(
        "fr-j-clippy-range",
        {
            "src/lib.rs": """pub fn checksum(bytes: &[u8]) -> u32 {
    let mut sum = 0u32;
    for i in 0..bytes.len() {
        sum = sum.wrapping_add(bytes[i] as u32);
    }
    sum
}
""",
        },
        ["clippy", "--", "-D", "warnings"],
    )
    assert out.code != 0 and any("needless_range_loop" in ln for ln in out.lines), out
    ci(
        "fr-j-obvious-clippy-needless-range-loop",
        "cargo clippy -D warnings fails on needless_range_loop in checksum()",
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="ci",
        job="clippy",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo clippy")],
        message="feat(proto): frame checksum",
        files=["crates/healer/src/frame.rs"],
    )
    # 31. tsc TS2304 (blaze)
    at(WEB)
    out = real.tsc(
        "fr-j-ts2304",
        {
            "src/poll.ts": """export async function poll(url: string): Promise<Response> {
  const res = await fetch(url);
  if (res.status === 429) {
    await sleep(1000);
    return poll(url);
  }
  return res;
}
""",
        },
    )
    assert out.code != 0 and any("TS2304" in ln for ln in out.lines), out
    ci(
        "fr-j-obvious-tsc-ts2304-cannot-find-sleep",
        "tsc fails TS2304: cannot find name 'sleep' in src/poll.ts (the helper was never imported)",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(poll): back off on 429",
        files=["src/poll.ts"],
        event="check_run",
    )
    # 32. eslint eqeqeq (blaze)
    out = real.eslint(
        "fr-j-eqeqeq",
        {"src/filter.js": "export const failed = (runs) => runs.filter((r) => r.code != 0);\n"},
        rules='{"eqeqeq": "error"}',
    )
    assert out.code != 0 and any("eqeqeq" in ln for ln in out.lines), out
    ci(
        "fr-j-obvious-eslint-eqeqeq",
        "ESLint fails on eqeqeq: 'r.code != 0' in src/filter.js",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="console-ci",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Lint")],
        message="feat(runs): filter failed runs",
        files=["src/filter.js"],
    )
    # 33. hadolint DL3020 (bolt)
    at(PLAT)
    out = real.hadolint(
        "fr-j-dl3020",
        "FROM debian:12.8-slim\nADD config/ /etc/healer/\nUSER 10001\n"
        'ENTRYPOINT ["/usr/local/bin/healer"]\n',
        where="images/healer/Dockerfile",
    )
    assert out.code != 0 and any("DL3020" in ln for ln in out.lines), out
    ci(
        "fr-j-obvious-hadolint-dl3020-add-for-files",
        "hadolint fails DL3020: the Dockerfile uses ADD for a local directory instead of COPY",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="hadolint",
        repo=PLAT,
        steps=[failing(out, name="hadolint")],
        message="chore(image): ship the default config",
        files=["images/healer/Dockerfile"],
    )


def mixed_flake() -> None:
    # 34. make ci: cargo test passes, then npm install meets the registry's 502 (atlas, flake)
    at(MONO)

    def answer(req: Any) -> tuple[int, str, str]:
        return 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"

    with real.serve(answer) as port:
        files = {
            "Cargo.toml": real.cargo_toml("cto-core"),
            "src/lib.rs": "pub fn add(a: u32, b: u32) -> u32 { a + b }\n\n#[test]\nfn adds() { assert_eq!(add(2, 2), 4); }\n",
            "web/package.json": _pkg("cto-web", dependencies={"zod": "^3.24.1"}),
            "web/.npmrc": f"registry=http://127.0.0.1:{port}/\n",
            "Makefile": (
                ".PHONY: ci test-rust web-deps\n"
                "ci: test-rust web-deps\n\n"
                "test-rust:\n\tcargo test -q\n\n"
                "web-deps:\n\tcd web && npm install --no-fund --no-audit --fetch-retries=0\n"
            ),
        }
        path = real.crate("fr-j-make-npm-502", files, package="cto-core")
        lines, code = real.run(
            ["make", "ci"],
            path,
            env={"CARGO_NET_OFFLINE": "true"},
            hosts={f"http://127.0.0.1:{port}": NPMREG},
            keep=lambda ln: ".npm/_logs" not in ln,
        )
    lines = [ln.replace(" --fetch-retries=0", "") for ln in lines]
    assert code != 0 and any("502" in ln for ln in lines), lines
    ci(
        "fr-j-mixed-make-ci-cargo-passes-npm-registry-502",
        "make ci: cargo test passes, then the web-deps target's npm install gets 502 Bad Gateway "
        "from the company registry for zod (a version that exists); the change touches only "
        "Rust code: a registry outage, not a Rust or frontend failure",
        ["wrapper", "flaky-infra", "multi-signal", "misleading-name"],
        "atlas",
        "general",
        workflow="monorepo-ci",
        job="rust-tests",
        repo=MONO,
        steps=[
            *rust_setup(),
            *node_setup(),
            failing(real.Out("make ci", lines, code), name="make ci"),
        ],
        message="perf(core): inline add",
        files=["src/lib.rs"],
    )


def mixed_yaml() -> None:
    # 35. make check: cargo clippy passes, then yamllint --strict fails on the chart values (bolt)
    at(REPO)
    files = {
        "Cargo.toml": real.cargo_toml("healer"),
        "src/lib.rs": "pub fn ok() -> bool {\n    true\n}\n",
        ".yamllint.yaml": "extends: default\nrules:\n  document-start: disable\n  line-length: {max: 120}\n",
        "charts/healer/values.yaml": (
            "replicaCount: 2\nimage:\n  repository: ghcr.io/5dlabs/healer\n  tag: 0.18.0\n"
            "metrics:\n  serviceMonitor:\n    enabled: yes\n    interval: 30s\n"
        ),
        "Makefile": (
            ".PHONY: check\ncheck:\n\tcargo clippy -q -- -D warnings\n\tyamllint --strict charts/\n"
        ),
    }
    path = real.crate("fr-j-make-yamllint", files)
    lines, code = real.run(["make", "check"], path, env={"CARGO_NET_OFFLINE": "true"})
    assert code != 0 and any("truthy" in ln for ln in lines), lines
    ci(
        "fr-j-mixed-make-check-clippy-clean-then-yamllint-truthy-values",
        "make check in the rust-lint job: cargo clippy passes silently, then yamllint --strict "
        "fails on charts/healer/values.yaml: 'enabled: yes' trips the truthy rule, a warning "
        "that --strict makes fatal (the change turned the ServiceMonitor on)",
        ["wrapper", "misleading-name", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="rust",
        job="rust-lint",
        repo=REPO,
        steps=[*rust_setup(), failing(real.Out("make check", lines, code), name="make check")],
        message="feat(chart): scrape healer with a ServiceMonitor",
        files=["charts/healer/values.yaml"],
        event="workflow_run",
    )


def build() -> None:
    ensure_b4_tools()  # pip and pytest come from batch 4's pinned venv
    noisy()
    setup()
    deps()
    mixed()
    mixed_flake()
    mixed_yaml()
    services()
    obvious()
