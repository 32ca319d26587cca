"""Batch 24 of the fresh split (ids ``fr-x-``): look-alikes in families earlier batches did not
use. Groups of two or three cases whose failing logs read nearly the same while the root
cause, and so the owner, differs; only the context (pods, events, Argo CD, Loki, Prometheus),
the files the change touched, the PR, the step that actually stopped or the path a tool names
tells them apart.

- ``timeout`` exit 124 around cargo test: a test deadlocked by the change, a staging e2e test
  whose service a new NetworkPolicy silences, a slow self-hosted runner;
- SIGSEGV: unsafe Rust in the change, a native addon from a cache shared with a musl job, a
  collector sidecar crashing on the chart's config;
- a deployed pod ``OOMKilled``: a limit the chart cut, the code's own cache growth in Loki, a
  node under memory pressure from another tenant;
- ``Error: Cannot find module``: a dependency missing from package.json, a Dockerfile that
  stopped copying node_modules, a workflow cache that skipped npm ci;
- ``Connection refused`` to PostgreSQL in Rust tests: a service container the workflow
  dropped, a port the code changed, a compose file without a health check;
- ``Exec format error``: an image whose binary is built for arm64, a build script calling a
  script without a shebang, an arm64 self-hosted runner running an x86_64 tool;
- a staging verify step's curl ``401``: the service's own auth layer, an ingress auth
  annotation, an expired Argo CD token;
- CrashLoopBackOff exit 1: a Node env validation the change tightened, the same validation
  after the chart renamed a Secret key, a Rust ``main`` returning ``Err``;
- a merge queue run: a real conflict, two queued PRs that break the build together, a
  required check that ran out of time;
- and plain obvious cases (rustc E0061, tsc TS2551, hadolint DL3007).
"""

from __future__ import annotations

import socket
import struct
from typing import Any

import fcommon
import real
import shapes
from cases_batch14 import TS, _in, _pkg
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
from gha import run, skipped, uses
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
)

LEDGER = "5dlabs/ledger"
SHOP = "5dlabs/storefront"
OPS = "5dlabs/gitops"
NS = "ledger"


def build() -> None:
    timeouts()
    segfaults()
    oom_killed()
    cannot_find_module()
    refused()
    exec_format()
    unauthorized()
    crashloop_exit1()
    merge_queue()
    obvious()


def _last(cid: str) -> dict[str, Any]:
    case = fcommon.CASES[-1]
    assert case["id"] == cid, case["id"]
    return case


def _cargo_test(name: str, files: dict[str, str], limit: int, shown: str) -> real.Out:
    """``timeout <limit> cargo test`` on a crate built beforehand (the build is not timed)."""
    path = real.crate(name, files, package="ledger")
    lines, code = real.run(
        ["cargo", "test", "--no-run", "-q"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    lines, code = real.run(
        f"timeout {limit} cargo test", path, env={"CARGO_NET_OFFLINE": "true"}, timeout=120
    )
    return real.Out(shown, lines, code)


def _argo_ops(name: str, path: str, rev: str) -> dict[str, Any]:
    """A Synced, Healthy Application of the gitops repository."""
    app = shapes.argo_application(name, NS, OPS, path, rev, "Synced", "Healthy")
    return {
        "name": name,
        "sync_status": "Synced",
        "health_status": "Healthy",
        "message": "",
        "revision": rev,
        "application": app,
    }


def _rollout_steps(ns: str, deploy: str, out: real.Out, apply: list[str]) -> list[Any]:
    return [
        *kube_setup(),
        run(f"kubectl -n {ns} apply -k deploy/overlays/staging", apply, name="Apply"),
        failing(out, name="Wait for rollout"),
    ]


# ------------------------------------------------------------------ 1. timeout exit 124


DISPATCH = """use std::sync::Mutex;

pub struct Requeue {
    queue: Mutex<Vec<u64>>,
}

impl Requeue {
    pub fn new() -> Self {
        Self { queue: Mutex::new(Vec::new()) }
    }

    pub fn len(&self) -> usize {
        self.queue.lock().unwrap().len()
    }

    pub fn push(&self, id: u64) {
        self.queue.lock().unwrap().push(id);
    }

    /// Move a failed run to the back of the queue; returns its new position.
    pub fn requeue(&self, id: u64) -> usize {
        let mut q = self.queue.lock().unwrap();
        q.retain(|x| *x != id);
        q.push(id);
        // the position is the queue's length after the push
        self.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_queue_has_no_runs() {
        assert_eq!(Requeue::new().len(), 0);
    }

    #[test]
    fn push_appends() {
        let r = Requeue::new();
        r.push(7);
        r.push(9);
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn requeue_moves_failed_run_to_the_back() {
        let r = Requeue::new();
        r.push(1);
        r.push(2);
        assert_eq!(r.requeue(1), 1);
    }
}
"""


def timeouts() -> None:
    at(LEDGER)
    # 1a. the change holds the queue lock while calling len(), which locks it again (rex)
    out = _cargo_test(
        "fr-x-timeout-deadlock",
        {"src/lib.rs": DISPATCH},
        4,
        "timeout 15m cargo test --workspace --locked",
    )
    assert out.code == 124, out
    cid = "fr-x-timeout-cargo-test-requeue-self-deadlock"
    ci(
        cid,
        "timeout 15m around cargo test exits 124; the last test line is "
        "tests::requeue_moves_failed_run_to_the_back with no result: the change's requeue() "
        "holds the queue's Mutex and calls self.len(), which locks it again (a self-deadlock)",
        ["context-driven", "look-obvious"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test (stable)",
        repo=LEDGER,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="feat(dispatch): report a requeued run's new position",
        files=["src/lib.rs"],
        pr=pr_of(cid, "feat(dispatch): report a requeued run's new position"),
    )
    # 1b. the same hang in the staging e2e test: a new NetworkPolicy drops the runner's
    # traffic to the service (bolt)
    e2e = """use std::io::{Read, Write};
use std::net::TcpStream;

#[test]
fn balance_endpoint_answers() {
    let addr = std::env::var("LEDGER_ADDR").unwrap();
    let mut s = TcpStream::connect(&addr).expect("connect to ledger-api");
    s.write_all(b"GET /v1/accounts/acme/balance HTTP/1.0\\r\\nHost: ledger\\r\\n\\r\\n").unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    assert!(body.starts_with("HTTP/1.0 200"), "{body}");
}

#[test]
fn a_health_is_reported() {
    assert_eq!(2 + 2, 4);
}
"""
    with silent_server() as port:
        path = real.crate(
            "fr-x-timeout-netpol",
            {"src/lib.rs": "pub fn id() -> u32 { 1 }\n", "tests/staging_e2e.rs": e2e},
            package="ledger",
        )
        lines, code = real.run(
            ["cargo", "test", "--no-run", "-q"], path, env={"CARGO_NET_OFFLINE": "true"}
        )
        assert code == 0, lines
        lines, code = real.run(
            "timeout 4 cargo test --test staging_e2e",
            path,
            env={"CARGO_NET_OFFLINE": "true", "LEDGER_ADDR": f"127.0.0.1:{port}"},
            hosts={f"127.0.0.1:{port}": "ledger-api.ledger.svc:8080"},
            timeout=120,
        )
    out = real.Out("timeout 10m cargo test --test staging_e2e", lines, code)
    assert code == 124, out
    cid = "fr-x-timeout-e2e-networkpolicy-drops-runner"
    img = "ghcr.io/5dlabs/ledger-api:1.14.0"
    ci(
        cid,
        "the same timeout exit 124 around cargo test, in the staging e2e job: "
        "balance_endpoint_answers connects to ledger-api.ledger.svc:8080 and never gets an "
        "answer; the ledger-api pods are Ready, and the change added a default-deny "
        "NetworkPolicy to the ledger namespace allowing ingress only from ingress-nginx, so "
        "the runner pods in arc-runners are dropped",
        ["context-driven", "look-obvious", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="staging",
        job="e2e",
        repo=LEDGER,
        steps=[
            *rust_setup(),
            failing(
                out, name="End-to-end tests", env={"LEDGER_ADDR": "ledger-api.ledger.svc:8080"}
            ),
        ],
        message="chore(deploy): default-deny ingress in the ledger namespace",
        files=["deploy/base/networkpolicy.yaml", "deploy/base/kustomization.yaml"],
        pr=pr_of(
            cid,
            "chore(deploy): default-deny ingress in the ledger namespace",
            "Adds a NetworkPolicy `default-deny` with a single ingress rule from the "
            "`ingress-nginx` namespace.",
        ),
        self_hosted=True,
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, NS, "ledger-api", img, 2),
                "events": normal_events(cid, NS, "ledger-api", 2),
            }
        },
    )
    # 1c. the same exit 124; a starved self-hosted runner ran a slow property test (atlas)
    slow = """pub fn checksum(data: &[u8]) -> u32 {
    data.iter().fold(0u32, |acc, b| acc.rotate_left(5) ^ u32::from(*b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_empty_is_zero() {
        assert_eq!(checksum(&[]), 0);
    }

    #[test]
    fn b_single_byte() {
        assert_eq!(checksum(&[1]), 1);
    }

    #[test]
    fn c_checksum_is_stable_over_many_inputs() {
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(20) {
            let v: Vec<u8> = (0..=255).collect();
            assert_eq!(checksum(&v), checksum(&v));
        }
    }

    #[test]
    fn d_rotation_matters() {
        assert_ne!(checksum(&[1, 2]), checksum(&[2, 1]));
    }
}
"""
    out = _cargo_test(
        "fr-x-timeout-slow", {"src/lib.rs": slow}, 4, "timeout 15m cargo test --workspace --locked"
    )
    assert out.code == 124, out
    cid = "fr-x-timeout-cargo-test-starved-runner-docs-change"
    load = run(
        "uptime && nproc",
        [" 14:02:11 up 41 days,  3:17,  0 users,  load average: 61.84, 58.20, 44.73", "8"],
        name="Runner load",
    )
    ci(
        cid,
        "the same timeout 15m around cargo test exiting 124 with a property test still "
        "running; the change touched only docs/, the self-hosted runner's load average was "
        "61.8 on 8 cores (the pool was overcommitted during a backfill), and a rerun finished "
        "the suite in 4 minutes",
        ["context-driven", "flaky-infra", "look-obvious"],
        "atlas",
        "general",
        workflow="ci",
        job="test (stable)",
        repo=LEDGER,
        steps=[load, *rust_setup(), failing(out, name="Test")],
        message="docs: settlement runbook",
        files=["docs/runbooks/settlement.md"],
        self_hosted=True,
    )


# ------------------------------------------------------------------ 2. SIGSEGV


def segfaults() -> None:
    at(LEDGER)
    # 2a. unsafe pointer arithmetic on a caller-supplied offset (rex, obvious)
    wire = """/// Length prefix of the frame starting at `offset`.
pub fn frame_len(buf: &[u8], offset: usize) -> u32 {
    // SAFETY: callers pass an offset inside `buf` (checked by the decoder)
    unsafe { std::ptr::read_unaligned(buf.as_ptr().add(offset) as *const u32) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_first_frame() {
        assert_eq!(frame_len(&[4, 0, 0, 0, 9, 9, 9, 9], 0), 4);
    }

    #[test]
    fn trailing_frame_past_the_end() {
        let buf = [0u8; 16];
        let offset = usize::from(u16::MAX) << 24;
        assert_eq!(frame_len(&buf, offset), 0);
    }
}
"""
    out = real.cargo("fr-x-segv-unsafe", {"src/lib.rs": wire}, ["test", "--lib"])
    assert out.code != 0 and any("SIGSEGV" in ln for ln in out.lines), out
    ci(
        "fr-x-segv-cargo-test-unsafe-frame-offset",
        "cargo test --lib: the test binary dies with signal 11 (SIGSEGV: invalid memory "
        "reference) in trailing_frame_past_the_end; the change added frame_len, an unsafe "
        "read_unaligned at a caller-supplied offset with no bounds check",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="ci",
        job="unit",
        repo=LEDGER,
        steps=[*rust_setup(), failing(out, name="Unit tests")],
        message="perf(wire): read frame lengths without copying",
        files=["src/lib.rs"],
    )
    # 2b. node --test: a test file's process dies of SIGSEGV loading a native addon restored
    # from a cache shared with an Alpine (musl) job (atlas)
    at(SHOP)
    test = """import { test } from "node:test";
import assert from "node:assert/strict";

test("cart totals persist across reloads", () => {
  // the cached better-sqlite3 binary was built on musl; loading it faults
  process.kill(process.pid, "SIGSEGV");
  assert.equal(1, 1);
});
"""
    plain = """import { test } from "node:test";
import assert from "node:assert/strict";

test("formats prices in cents", () => {
  assert.equal((1999 / 100).toFixed(2), "19.99");
});
"""
    path = real.scratch(
        "fr-x-segv-addon",
        {
            "package.json": _pkg("storefront", {"test": "node --test test/"}),
            "test/cart-store.test.js": test,
            "test/price.test.js": plain,
        },
    )
    lines, code = real.run(
        ["npm", "test"], path, keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln
    )
    lines = [
        ln
        for ln in lines
        if not ln.lstrip().startswith("# duration_ms") and "duration_ms:" not in ln
    ]
    out = real.Out("npm test", lines, code)
    assert code != 0 and any("SIGSEGV" in ln for ln in lines), out
    cid = "fr-x-segv-node-test-addon-from-musl-cache"
    cache = uses(
        "actions/cache@v4",
        {
            "path": "node_modules",
            "key": "node-modules-3b1f6e0c9a4d2e7f5c8b1a0d6e3f9c2b4a7d1e0f8c5b2a9d6e3f0c7b4a1d8e5f",
        },
        [
            "Cache Size: ~61 MB (63927121 B)",
            "[command]/usr/bin/tar -xf /home/runner/work/_temp/5b2d7a31/cache.tzst -P -C "
            "/home/runner/work/storefront/storefront --use-compress-program unzstd",
            "Cache restored successfully",
            "Cache restored from key: node-modules-3b1f6e0c9a4d2e7f5c8b1a0d6e3f9c2b4a7d1e0f8c5b2a9"
            "d6e3f0c7b4a1d8e5f",
        ],
        name="Restore node_modules",
    )
    ci(
        cid,
        "npm test (node --test) fails: test/cart-store.test.js ends with signal SIGSEGV when "
        "better-sqlite3's native binary loads; node_modules came from an actions/cache entry "
        "keyed only on the lockfile hash and saved by the e2e-alpine container job (musl), "
        "npm ci was skipped on the cache hit, the change touched a CSS file, and the run "
        "passed after the cache entry was deleted",
        ["context-driven", "platform", "look-obvious"],
        "atlas",
        "general",
        workflow="storefront-ci",
        job="unit-tests",
        repo=SHOP,
        steps=[*node_setup(), cache, skipped("Install dependencies"), failing(out, name="Test")],
        message="style(cart): tighter line items",
        files=["src/styles/cart.css"],
    )
    # 2c. a rollout deadline: the otel-agent sidecar segfaults on the chart's new
    # memory_limiter settings while the app container is ready (bolt)
    at(OPS)
    cid = "fr-x-segv-otel-sidecar-memory-limiter-zero"
    roll = rollout("fr-x-segv-roll", NS, "ledger-api", 3, 1, 2, deadline=True)
    assert roll.code != 0, roll
    img = "ghcr.io/5dlabs/ledger-api:1.14.0"
    side = "otel/opentelemetry-collector-contrib:0.112.0"
    ctx = crashing(
        cid,
        NS,
        "otel-agent",
        side,
        139,
        [
            "2026-11-12T09:14:02.118Z\tinfo\tservice@v0.112.0/service.go:135\tSetting up own "
            'telemetry...\t{"kind": "extension"}',
            "2026-11-12T09:14:02.121Z\tinfo\tmemorylimiter/memorylimiter.go:151\tUsing "
            'percentage memory limiter\t{"kind": "processor", "name": "memory_limiter", '
            '"total_memory_mib": 0, "limit_percentage": 0, "spike_limit_percentage": 0}',
            "panic: runtime error: invalid memory address or nil pointer dereference",
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x3a41f2c]",
            "",
            "goroutine 1 [running]:",
            "go.opentelemetry.io/collector/processor/memorylimiterprocessor.(*memoryLimiter)."
            "start(0x0, {0x8c41b20, 0xc000b2e0f0}, {0x8c5d9e0, 0xc000a1c2d0})",
            "\tgo.opentelemetry.io/collector/processor/memorylimiterprocessor@v0.112.0/"
            "memorylimiter.go:88 +0x2c",
        ],
        restarts=7,
        memory="128Mi",
        port=4317,
    )
    pod = ctx["kubernetes"]["pods"][0]
    pod["metadata"]["name"] = pod_name(cid, "ledger-api")
    pod["metadata"]["labels"]["app.kubernetes.io/name"] = "ledger-api"
    app_pod = ready_pods(cid, NS, "ledger-api", img, 1)[0]
    pod["spec"]["containers"].insert(0, app_pod["spec"]["containers"][0])
    pod["status"]["containerStatuses"].insert(0, app_pod["status"]["containerStatuses"][0])
    pod["spec"]["serviceAccountName"] = "ledger-api"
    for ev in ctx["kubernetes"]["events"]:
        ev["involvedObject"]["name"] = pod["metadata"]["name"]
        ev["involvedObject"]["fieldPath"] = "spec.containers{otel-agent}"
        ev["message"] = ev["message"].replace(pod_name(cid, "otel-agent"), pod["metadata"]["name"])
    ci(
        cid,
        "kubectl rollout status runs out (ProgressDeadlineExceeded); the ledger-api container "
        "of the new pod is ready, its otel-agent sidecar crash-loops with exit 139 and Loki "
        "shows the collector's Go SIGSEGV in the memory_limiter processor after logging "
        "limit_percentage 0: the change set sidecar.otel.memoryLimiter.limitPercentage to 0 "
        "in the chart's staging values",
        ["context-driven", "look-obvious", "yaml-owner"],
        "bolt",
        "helm",
        workflow="deploy",
        job="rollout-ledger",
        repo=OPS,
        steps=_rollout_steps(
            NS,
            "ledger-api",
            roll,
            ["service/ledger-api unchanged", "deployment.apps/ledger-api configured"],
        ),
        message="chore(ledger): let the collector size itself",
        files=["charts/ledger-api/values-staging.yaml"],
        extra=ctx,
    )


# ------------------------------------------------------------------ 3. OOMKilled


def _oom_ctx(cid: str, limit: str, loki: list[str], node: str = "k3s-worker-2") -> dict[str, Any]:
    img = "ghcr.io/5dlabs/ledger-api:1.15.0"
    ctx = crashing(cid, NS, "ledger-api", img, 137, loki, reason="OOMKilled", memory=limit)
    ctx["kubernetes"]["pods"][0]["spec"]["nodeName"] = node
    return ctx


def _ws(cid: str, values: list[int], limit: int) -> dict[str, Any]:
    q = 'max(container_memory_working_set_bytes{namespace="ledger",container="ledger-api"})'
    return {
        q + "[1h:10m]": [
            {
                "metric": {},
                "values": [[TS - 600 * (len(values) - i), str(v)] for i, v in enumerate(values)],
            }
        ],
        'max(kube_pod_container_resource_limits{namespace="ledger",container="ledger-api",'
        'resource="memory"})': [{"metric": {}, "value": [TS, str(limit)]}],
    }


def oom_killed() -> None:
    at(OPS)
    rolls = [
        rollout(f"fr-x-oom-roll-{i}", NS, "ledger-api", 3, 1, 2, deadline=True) for i in range(3)
    ]
    for r in rolls:
        assert r.code != 0, r
    apply = ["service/ledger-api unchanged", "deployment.apps/ledger-api configured"]
    start = [
        '{"level":"INFO","target":"ledger_api","fields":{"message":"ledger-api 1.15.0 starting"}}',
        '{"level":"INFO","target":"ledger_api::http","fields":{"message":"listening on '
        '0.0.0.0:8080"}}',
    ]
    mib = 1024 * 1024
    # 3a. the chart cut the limit below steady usage (bolt)
    cid = "fr-x-oom-chart-cut-limit-below-working-set"
    ctx = _oom_ctx(cid, "128Mi", start)
    ctx["prometheus"] = _ws(cid, [181 * mib, 183 * mib, 180 * mib, 182 * mib, 184 * mib], 128 * mib)
    ci(
        cid,
        "kubectl rollout status runs out; the new ledger-api pod is OOMKilled (exit 137) "
        "seconds after 'listening', its limit now 128Mi while the service's working set has "
        "sat at 180-184 MiB all week: the change lowered resources.limits.memory from 512Mi "
        "to 128Mi in the chart's values",
        ["context-driven", "resource-kill", "look-obvious", "yaml-owner"],
        "bolt",
        "helm",
        workflow="deploy",
        job="rollout-ledger",
        repo=OPS,
        steps=_rollout_steps(NS, "ledger-api", rolls[0], apply),
        message="chore(ledger): right-size requests and limits",
        files=["charts/ledger-api/values.yaml"],
        extra=ctx,
    )
    # 3b. the code's new memo cache grows without bound; Loki shows it (rex)
    cid = "fr-x-oom-balance-memo-cache-unbounded"
    growth = """fn main() {
    eprintln!(r#"{{"level":"INFO","target":"ledger_api","fields":{{"message":"ledger-api 1.15.0 starting"}}}}"#);
    eprintln!(r#"{{"level":"INFO","target":"ledger_api::http","fields":{{"message":"listening on 0.0.0.0:8080"}}}}"#);
    let per_entry = 2_360u64; // bytes per memoised (account, as_of) balance
    let mut entries = 0u64;
    for minute in 1..=6u64 {
        entries += 38_000 * minute;
        let mib = entries * per_entry / (1024 * 1024);
        eprintln!(
            r#"{{"level":"INFO","target":"ledger_api::balance::memo","fields":{{"message":"memo stats","entries":{entries},"approx_mib":{mib},"evictions":0}}}}"#
        );
    }
}
"""
    path = real.crate("fr-x-oom-memo", {"src/main.rs": growth}, package="ledger-api")
    lines, code = real.run(
        ["cargo", "run", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    ctx = _oom_ctx(cid, "512Mi", lines)
    ctx["prometheus"] = _ws(
        cid, [96 * mib, 188 * mib, 301 * mib, 392 * mib, 470 * mib, 509 * mib], 512 * mib
    )
    ci(
        cid,
        "the same rollout deadline over an OOMKilled ledger-api pod (exit 137) with the limit "
        "unchanged at 512Mi; the service's own 'memo stats' lines in Loki climb from 38,000 to "
        "798,000 entries with 0 evictions and the working set rises steadily to the limit: the "
        "change memoises every (account, as_of) balance in an unbounded HashMap",
        ["context-driven", "resource-kill", "look-obvious"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout-ledger",
        repo=OPS,
        steps=_rollout_steps(NS, "ledger-api", rolls[1], apply),
        message="deploy(ledger): 1.15.0",
        files=["apps/ledger/overlays/staging/kustomization.yaml"],
        pr=pr_of(
            cid,
            "deploy(ledger): 1.15.0",
            "ledger 1.15.0: memoise balance lookups (5dlabs/ledger#2291).",
        ),
        extra=ctx,
    )
    # 3c. the node ran out of memory: another tenant's batch pod without limits (atlas)
    cid = "fr-x-oom-node-pressure-noisy-neighbour"
    ctx = _oom_ctx(cid, "512Mi", start, node="k3s-worker-3")
    _, first, last = clock(cid)
    batch = shapes.pod(
        pod_name(cid, "reco-backfill", "b"),
        "analytics",
        "reco-backfill",
        "ghcr.io/5dlabs/reco-backfill:2026.11.3",
        created=first,
        ready=True,
        node="k3s-worker-3",
        owner=("Job", "reco-backfill-29381730"),
    )
    ctx["kubernetes"]["pods"].append(batch)
    ctx["kubernetes"]["events"] += [
        shapes.event(
            "default",
            "Node",
            "k3s-worker-3",
            "SystemOOM",
            "System OOM encountered, victim process: ledger-api, pid: 2291847",
            first=first,
            last=last,
            count=4,
            host="k3s-worker-3",
        ),
        shapes.event(
            "default",
            "Node",
            "k3s-worker-3",
            "NodeHasInsufficientMemory",
            "Node k3s-worker-3 status is now: NodeHasInsufficientMemory",
            first=first,
            last=first,
            host="k3s-worker-3",
        ),
    ]
    ctx["prometheus"] = {
        **_ws(cid, [176 * mib, 179 * mib, 181 * mib, 178 * mib, 180 * mib], 512 * mib),
        'node_memory_MemAvailable_bytes{instance="k3s-worker-3"}': [
            {"metric": {"instance": "k3s-worker-3"}, "value": [TS, str(61 * mib)]}
        ],
        'sum by (namespace) (container_memory_working_set_bytes{node="k3s-worker-3"})': [
            {"metric": {"namespace": "analytics"}, "value": [TS, str(27_310 * mib)]},
            {"metric": {"namespace": "ledger"}, "value": [TS, str(181 * mib)]},
        ],
    }
    ci(
        cid,
        "the same rollout deadline over an OOMKilled ledger-api pod (exit 137); the pod used "
        "about 180 MiB of its 512Mi limit, but its node k3s-worker-3 reports SystemOOM and "
        "NodeHasInsufficientMemory while an analytics backfill Job without limits holds 27 GiB "
        "there; the change only bumped a log level and the pods on other nodes are fine",
        ["context-driven", "resource-kill", "look-obvious"],
        "atlas",
        "general",
        workflow="deploy",
        job="rollout-ledger",
        repo=OPS,
        steps=_rollout_steps(NS, "ledger-api", rolls[2], apply),
        message="chore(ledger): info logs for the settlement worker",
        files=["apps/ledger/overlays/staging/settlement-env.yaml"],
        extra=ctx,
    )


# ------------------------------------------------------------------ 4. Cannot find module


ROUTES = """const fs = require("node:fs");
const YAML = require("yaml");

const routes = YAML.parse(fs.readFileSync("routes.yaml", "utf8"));
fs.writeFileSync("src/generated/routes.json", JSON.stringify(routes, null, 2));
"""


def cannot_find_module() -> None:
    at(SHOP)
    files = {
        "scripts/build-routes.cjs": ROUTES,
        "routes.yaml": "- path: /cart\n  page: Cart\n",
    }
    scripts = {"build:routes": "node scripts/build-routes.cjs"}
    outs = []
    for key in ("fr-x-cfm-dep", "fr-x-cfm-cache"):
        path = real.scratch(key, {"package.json": _pkg("storefront", scripts), **files})
        lines, code = real.run(
            ["npm", "run", "build:routes"],
            path,
            keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
        )
        o = real.Out("npm run build:routes", lines, code)
        assert code != 0 and any("Cannot find module 'yaml'" in ln for ln in lines), o
        outs.append(o)
    # 4a. the script requires yaml, package.json does not list it (blaze, obvious)
    ci(
        "fr-x-cfm-build-routes-yaml-not-in-package-json",
        "npm run build:routes fails: Error: Cannot find module 'yaml' from "
        "scripts/build-routes.cjs; the change made the script read routes.yaml with the yaml "
        "package but never added it to package.json",
        ["obvious"],
        "blaze",
        "frontend_deps",
        workflow="storefront-ci",
        job="build",
        repo=SHOP,
        steps=[*node_setup(), run("npm ci", ["added 388 packages in 8s"]), failing(outs[0])],
        message="feat(routes): generate the route table from routes.yaml",
        files=["scripts/build-routes.cjs", "routes.yaml"],
    )
    # 4b. a Dockerfile rewrite stopped copying node_modules into the runtime stage (bolt)
    at(OPS)
    server = 'const express = require("express");\nexpress().listen(3000);\n'
    lines, code = real.run(
        ["node", "dist/server.js"],
        real.scratch("fr-x-cfm-image", {"dist/server.js": server}),
    )
    assert code == 1 and any("Cannot find module 'express'" in ln for ln in lines), lines
    loki = [ln for ln in _in(lines, "/app") if ln.strip()]
    cid = "fr-x-cfm-dockerfile-runtime-stage-no-node-modules"
    img = "ghcr.io/5dlabs/storefront:3.8.0"
    roll = rollout("fr-x-cfm-roll", "storefront", "storefront", 2, 1, 1, deadline=True)
    assert roll.code != 0, roll
    ctx = crashing(cid, "storefront", "storefront", img, 1, loki, port=3000)
    ci(
        cid,
        "kubectl rollout status runs out; the new storefront pod crash-loops and Loki shows "
        "Node's Error: Cannot find module 'express' from /app/dist/server.js: express is in "
        "package.json and the lockfile, and the change rewrote the Dockerfile into a slim "
        "runtime stage that copies dist/ and package.json but not the deps stage's "
        "node_modules",
        ["context-driven", "look-obvious"],
        "bolt",
        "docker_build",
        workflow="deploy",
        job="rollout-storefront",
        repo=SHOP,
        steps=_rollout_steps(
            "storefront",
            "storefront",
            roll,
            ["service/storefront unchanged", "deployment.apps/storefront configured"],
        ),
        message="build(docker): slim runtime stage",
        files=["Dockerfile"],
        extra=ctx,
    )
    # 4c. the dependency is declared; the workflow's cache key skipped npm ci (atlas)
    at(SHOP)
    cache = uses(
        "actions/cache@v4",
        {"path": "node_modules", "key": "node-modules-Linux"},
        [
            "Cache Size: ~58 MB (60817356 B)",
            "Cache restored successfully",
            "Cache restored from key: node-modules-Linux",
        ],
        name="Restore node_modules",
    )
    cid = "fr-x-cfm-cache-key-skips-npm-ci"
    ci(
        cid,
        "the same npm run build:routes Error: Cannot find module 'yaml'; this change adds "
        "yaml to package.json and package-lock.json, but the workflow's actions/cache key is "
        "node-modules-${{ runner.os }} (no lockfile hash) and 'npm ci' runs only on a cache "
        "miss, so the old node_modules was restored and the install skipped",
        ["context-driven", "platform", "look-obvious"],
        "atlas",
        "general",
        workflow="storefront-ci",
        job="build",
        repo=SHOP,
        steps=[*node_setup(), cache, skipped("Install dependencies"), failing(outs[1])],
        message="feat(routes): generate the route table from routes.yaml",
        files=["scripts/build-routes.cjs", "routes.yaml", "package.json", "package-lock.json"],
    )


# ------------------------------------------------------------------ 5. connection refused


PG_TEST = """use std::net::TcpStream;

fn pg_addr() -> String {
    let url = std::env::var("DATABASE_URL").unwrap_or_default();
    let host = url.rsplit('@').next().unwrap_or("localhost:5432");
    let hostport = host.split('/').next().unwrap();
    %s
}

#[test]
fn settles_a_batch_against_postgres() {
    let addr = pg_addr();
    let conn = TcpStream::connect(&addr)
        .unwrap_or_else(|e| panic!("connect to postgres at {addr}: {e:?}"));
    drop(conn);
}
"""


def _pg(name: str, body: str, port: int, shown_port: int) -> real.Out:
    """cargo test --test settle with DATABASE_URL at a closed 127.0.0.1 port, shown as
    localhost:<shown_port>."""
    path = real.crate(
        name,
        {"src/lib.rs": "pub fn id() -> u32 { 1 }\n", "tests/settle.rs": PG_TEST % body},
        package="ledger",
    )
    lines, code = real.run(
        ["cargo", "test", "--test", "settle"],
        path,
        env={
            "CARGO_NET_OFFLINE": "true",
            "DATABASE_URL": f"postgres://ledger:ledger@127.0.0.1:{port}/ledger",
        },
        hosts={f"127.0.0.1:{port}": f"localhost:{shown_port}"},
    )
    out = real.Out("cargo test --test settle", lines, code)
    assert code != 0 and any("ConnectionRefused" in ln for ln in lines), out
    return out


def _services() -> Any:
    return run(
        "docker ps --filter name=postgres --format '{{.Names}} {{.Status}} {{.Ports}}'",
        ["postgres-5dlabs Up 14 seconds (healthy) 0.0.0.0:5432->5432/tcp"],
        name="Service containers",
    )


def refused() -> None:
    at(LEDGER)
    env = {"DATABASE_URL": "postgres://ledger:ledger@localhost:5432/ledger"}
    # 5a. the workflow no longer declares the postgres service container (atlas)
    out = _pg("fr-x-refused-svc", "hostport.to_string()", real.free_port(), 5432)
    cid = "fr-x-refused-workflow-dropped-postgres-service"
    ci(
        cid,
        "cargo test --test settle panics: connect to postgres at localhost:5432: "
        "ConnectionRefused; the change moved the integration tests into a matrix job in "
        ".github/workflows/ci.yml and left its services: postgres block on the old job, so "
        "nothing listens on 5432 (no 'Initialize containers' output in this job)",
        ["context-driven", "look-obvious"],
        "atlas",
        "general",
        workflow="ci",
        job="integration (postgres-16)",
        repo=LEDGER,
        steps=[*rust_setup(), failing(out, name="Integration tests", env=env)],
        message="ci: run the integration tests against postgres 15 and 16",
        files=[".github/workflows/ci.yml"],
        pr=pr_of(cid, "ci: run the integration tests against postgres 15 and 16"),
    )
    # 5b. the code now ignores DATABASE_URL's port and uses its own default (rex)
    body = (
        "let host = hostport.split(':').next().unwrap();\n"
        "    // the pooler's port is the default now\n"
        '    format!("{host}:{}", 6432)'
    )
    with socket.socket() as probe:  # the forced port must be closed here, as on the runner
        assert probe.connect_ex(("127.0.0.1", 6432)) != 0
    out = _pg("fr-x-refused-port", body, real.free_port(), 5432)
    out = real.Out(
        out.command,
        [
            ln.replace("127.0.0.1:6432", "localhost:6432").replace(
                "localhost:5432", "localhost:6432"
            )
            for ln in out.lines
        ],
        out.code,
    )
    cid = "fr-x-refused-settle-test-hardcodes-pooler-port"
    ci(
        cid,
        "the same settle test panic, connect to postgres at localhost:6432: ConnectionRefused, "
        "with the postgres service container healthy on 5432; the change's pg_addr() keeps "
        "DATABASE_URL's host but forces the PgBouncer port 6432, which only exists in "
        "staging",
        ["context-driven", "look-obvious"],
        "rex",
        "rust_test",
        workflow="ci",
        job="integration (postgres-16)",
        repo=LEDGER,
        steps=[_services(), *rust_setup(), failing(out, name="Integration tests", env=env)],
        message="feat(db): connect through the pooler by default",
        files=["tests/settle.rs", "src/db/config.rs"],
    )
    # 5c. a compose file without a healthcheck: tests start before postgres listens (bolt)
    out = _pg("fr-x-refused-compose", "hostport.to_string()", real.free_port(), 5432)
    up = run(
        "docker compose -f docker-compose.ci.yml up -d --wait",
        [
            " Network ledger_default  Creating",
            " Network ledger_default  Created",
            " Container ledger-postgres-1  Creating",
            " Container ledger-postgres-1  Created",
            " Container ledger-postgres-1  Starting",
            " Container ledger-postgres-1  Started",
            " Container ledger-postgres-1  Waiting",
            " Container ledger-postgres-1  Healthy",
        ],
        name="Start postgres",
    )
    cid = "fr-x-refused-compose-healthcheck-removed"
    ci(
        cid,
        "the same settle test panic, connect to postgres at localhost:5432: ConnectionRefused, "
        "one second after docker compose up -d --wait returned; the change rewrote "
        "docker-compose.ci.yml and dropped the postgres service's healthcheck "
        "(pg_isready), so --wait returns as soon as the container starts, before PostgreSQL "
        "listens",
        ["context-driven", "look-obvious", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="ci",
        job="integration",
        repo=LEDGER,
        steps=[up, *rust_setup(), failing(out, name="Integration tests", env=env)],
        message="chore(compose): one compose file for CI and local dev",
        files=["docker-compose.ci.yml", "docker-compose.yml"],
        pr=pr_of(cid, "chore(compose): one compose file for CI and local dev"),
    )


# ------------------------------------------------------------------ 6. exec format error


def _aarch64_elf() -> bytes:
    """A minimal ELF64 header for AArch64: the x86_64 kernel refuses to exec it (ENOEXEC)."""
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    rest = struct.pack("<HHIQQQIHHHHHH", 2, 183, 1, 0x400000, 64, 0, 0, 64, 56, 0, 64, 0, 0)
    return ident + rest


def exec_format() -> None:
    # 6a. the Dockerfile now copies the aarch64 build of the binary (bolt)
    at(OPS)
    cid = "fr-x-execfmt-image-binary-built-for-arm64"
    img = "ghcr.io/5dlabs/ledger-api:1.16.0"
    roll = rollout("fr-x-execfmt-roll", NS, "ledger-api", 3, 1, 2, deadline=True)
    assert roll.code != 0, roll
    ctx = crashing(
        cid,
        NS,
        "ledger-api",
        img,
        255,
        ["exec /usr/local/bin/ledger-api: exec format error"],
        restarts=5,
    )
    ci(
        cid,
        "kubectl rollout status runs out; the new ledger-api pod crash-loops with exit 255 and "
        "its only log line is 'exec /usr/local/bin/ledger-api: exec format error': the change "
        "made the Dockerfile's build stage cross-compile --target aarch64-unknown-linux-gnu "
        "and copy that binary into an image pushed as linux/amd64",
        ["context-driven", "look-obvious"],
        "bolt",
        "docker_build",
        workflow="deploy",
        job="rollout-ledger",
        repo=OPS,
        steps=_rollout_steps(
            NS,
            "ledger-api",
            roll,
            ["service/ledger-api unchanged", "deployment.apps/ledger-api configured"],
        ),
        message="deploy(ledger): 1.16.0",
        files=["apps/ledger/overlays/staging/kustomization.yaml"],
        pr=pr_of(
            cid,
            "deploy(ledger): 1.16.0",
            "ledger 1.16.0, the first image built by the new cross-compiling Dockerfile "
            "(5dlabs/ledger#2304: `cargo build --target aarch64-unknown-linux-gnu`, "
            "`COPY --from=build /src/target/aarch64-unknown-linux-gnu/release/ledger-api`).",
        ),
        extra=ctx,
    )
    # 6b. build.rs runs a script the change added without a shebang (rex)
    at(LEDGER)
    build_rs = """use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=scripts/git-version");
    let out = Command::new("scripts/git-version")
        .output()
        .expect("run scripts/git-version");
    let version = String::from_utf8(out.stdout).unwrap();
    println!("cargo:rustc-env=LEDGER_GIT_VERSION={}", version.trim());
}
"""
    path = real.crate(
        "fr-x-execfmt-buildrs",
        {
            "build.rs": build_rs,
            "scripts/git-version": 'git describe --tags --always --dirty 2>/dev/null || echo "0.0.0"\n',
            "src/main.rs": 'fn main() {\n    println!("{}", env!("LEDGER_GIT_VERSION"));\n}\n',
        },
        package="ledger",
    )
    (path / "scripts" / "git-version").chmod(0o755)
    lines, code = real.run(
        ["cargo", "build", "--release", "--locked"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    lines = [ln for ln in lines if not ln.startswith("    Updating") and "Locking" not in ln]
    out = real.Out("cargo build --release --locked", lines, code)
    assert code != 0 and any("Exec format error" in ln for ln in lines), out
    cid = "fr-x-execfmt-build-rs-script-without-shebang"
    ci(
        cid,
        'cargo build fails in ledger\'s build script: Command::new("scripts/git-version") '
        "panics with 'Exec format error' (os error 8): the script the change added has no #! "
        "line, and execve, unlike a shell, does not fall back to sh",
        ["context-driven"],
        "rex",
        "rust_build",
        workflow="release",
        job="build-binaries",
        repo=LEDGER,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="build: embed the git version in the binary",
        files=["build.rs", "scripts/git-version", "src/main.rs"],
    )
    # 6c. an arm64 self-hosted runner runs the x86_64 kubeconform the step downloads (atlas)
    at(OPS)
    tool = real.scratch(
        "fr-x-execfmt-runner",
        {"step.sh": "mkdir -p bin\ncp kubeconform.bin bin/kubeconform\nbin/kubeconform -v\n"},
    )
    (tool / "kubeconform.bin").write_bytes(_aarch64_elf())
    (tool / "kubeconform.bin").chmod(0o755)
    lines, code = real.run(["bash", "-e", "step.sh"], tool)
    lines = [
        ln.replace(
            "step.sh: line 3",
            "/home/runner/work/_temp/9c1e4b2a-0f3d-4c7e-b18a-5d2e6f7a8b90.sh: line 2",
        ).replace("bin/kubeconform", "/usr/local/bin/kubeconform")
        for ln in lines
    ]
    out = real.Out(
        "curl -fsSL https://github.com/yannh/kubeconform/releases/download/v0.6.7/"
        "kubeconform-linux-amd64.tar.gz | sudo tar -xz -C /usr/local/bin kubeconform\n"
        "/usr/local/bin/kubeconform -v",
        lines,
        code,
    )
    assert code == 126 and any("Exec format error" in ln for ln in lines), out
    cid = "fr-x-execfmt-arm64-runner-amd64-kubeconform"
    ci(
        cid,
        "validating manifests fails before any manifest is read: kubeconform -v gives 'cannot "
        "execute binary file: Exec format error' (exit 126); the step downloads "
        "kubeconform-linux-amd64 while the job, on runs-on: [self-hosted, linux], landed on "
        "one of the arm64 runners added to the pool that week; the change edited one "
        "Deployment's replicas",
        ["context-driven", "platform", "misleading-name", "look-obvious"],
        "atlas",
        "general",
        workflow="validate",
        job="kubeconform",
        repo=OPS,
        steps=[
            run("uname -m", ["aarch64"], name="Runner architecture"),
            failing(out, name="Install kubeconform"),
        ],
        message="chore(ledger): four replicas in prod",
        files=["apps/ledger/overlays/prod/kustomization.yaml"],
        self_hosted=True,
        runner="arc-runner-arm64-7xk2p-q8d4m",
    )


# ------------------------------------------------------------------ 7. curl 401


def unauthorized() -> None:
    at(OPS)
    verify = [
        *kube_setup(),
        run(
            "kubectl -n ledger rollout status deployment/ledger-api --timeout=5m",
            ['deployment "ledger-api" successfully rolled out'],
            name="Wait for rollout",
        ),
    ]
    img = "ghcr.io/5dlabs/ledger-api:1.17.0"
    # 7a. the service's new auth layer also wraps /healthz (rex)
    out = curl_fail(
        "fr-x-401-app",
        "ledger.staging.5dlabs.ai",
        "/healthz",
        401,
        '{"error":"missing bearer token"}\n',
    )
    assert out.code == 22, out
    cid = "fr-x-401-smoke-auth-layer-covers-healthz"
    ci(
        cid,
        "the staging verify step's curl gets 401 on /healthz after a clean rollout; the JSON "
        'body {"error":"missing bearer token"} is the service\'s own, and the change '
        "(ledger 1.17.0) moved the bearer-token layer in src/http/router.rs from the /v1 "
        "routes to the whole router, health check included",
        ["context-driven", "look-obvious"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="verify-staging",
        repo=OPS,
        steps=[*verify, failing(out, name="Smoke test")],
        message="deploy(ledger): 1.17.0",
        files=["apps/ledger/overlays/staging/kustomization.yaml"],
        pr=pr_of(
            cid,
            "deploy(ledger): 1.17.0",
            "ledger 1.17.0: `Router::layer(RequireBearer)` now applied once at the top "
            "(5dlabs/ledger#2317).",
        ),
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, NS, "ledger-api", img, 2),
                "events": normal_events(cid, NS, "ledger-api", 2),
            }
        },
    )
    # 7b. the chart's ingress now sends every request through oauth2-proxy (bolt)
    out = curl_fail(
        "fr-x-401-ingress",
        "ledger.staging.5dlabs.ai",
        "/healthz",
        401,
        "<html>\n<head><title>401 Authorization Required</title></head>\n<body>\n<center><h1>"
        "401 Authorization Required</h1></center>\n<hr><center>nginx</center>\n</body>\n"
        "</html>\n",
    )
    assert out.code == 22, out
    cid = "fr-x-401-smoke-ingress-auth-url-annotation"
    ci(
        cid,
        "the same curl 401 on /healthz after a clean rollout, the app unchanged at 1.16.0; the "
        "change added nginx.ingress.kubernetes.io/auth-url (oauth2-proxy) to the chart's "
        "ingress annotations for every path, so ingress-nginx answers 401 before the request "
        "reaches ledger-api",
        ["context-driven", "look-obvious", "yaml-owner"],
        "bolt",
        "helm",
        workflow="deploy",
        job="verify-staging",
        repo=OPS,
        steps=[*verify, failing(out, name="Smoke test")],
        message="chore(ledger): put the staging ingress behind SSO",
        files=["charts/ledger-api/values-staging.yaml", "charts/ledger-api/templates/ingress.yaml"],
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, NS, "ledger-api", "ghcr.io/5dlabs/ledger-api:1.16.0", 2),
                "events": normal_events(cid, NS, "ledger-api", 2),
            }
        },
    )
    # 7c. the step asks Argo CD for the app's status with an expired project token (atlas)
    body = '{"error":"invalid session: token has invalid claims: token is expired","code":16,"message":"invalid session: token has invalid claims: token is expired"}\n'
    with real.serve((401, body, "application/json")) as port:
        local = f"http://127.0.0.1:{port}"
        out = real.sh(
            "fr-x-401-argocd",
            {},
            f'curl -fsS -H "Authorization: Bearer $ARGOCD_AUTH_TOKEN" '
            f"{local}/api/v1/applications/ledger-api | jq -e '.status.health.status == \"Healthy\"'",
            'curl -fsS -H "Authorization: Bearer $ARGOCD_AUTH_TOKEN" \\\n'
            "  https://argocd.5dlabs.ai/api/v1/applications/ledger-api \\\n"
            "  | jq -e '.status.health.status == \"Healthy\"'",
            env={"ARGOCD_AUTH_TOKEN": "x"},
            hosts={local: "https://argocd.5dlabs.ai"},
        )
    out = real.Out(out.command, out.lines, out.code)
    assert out.code != 0 and any("401" in ln for ln in out.lines), out
    cid = "fr-x-401-argocd-project-token-expired"
    rev = sha(cid)
    ci(
        cid,
        "the same verify job fails on a curl 401, this time from argocd.5dlabs.ai's "
        "/api/v1/applications/ledger-api: the ci-verify project token stored as "
        "ARGOCD_AUTH_TOKEN was issued with a 90-day expiry that ran out; the Application is "
        "Synced and Healthy and the change bumped the Rust service",
        ["context-driven", "platform", "look-obvious"],
        "atlas",
        "permissions",
        workflow="deploy",
        job="verify-staging",
        repo=OPS,
        steps=[
            *verify,
            failing(out, name="Argo CD reports healthy", env={"ARGOCD_AUTH_TOKEN": "***"}),
        ],
        message="deploy(ledger): 1.17.1",
        files=["apps/ledger/overlays/staging/kustomization.yaml"],
        extra={
            "argocd": [_argo_ops("ledger-api", "apps/ledger/overlays/staging", rev)],
            "kubernetes": {
                "pods": ready_pods(cid, NS, "ledger-api", "ghcr.io/5dlabs/ledger-api:1.17.1", 2),
                "events": normal_events(cid, NS, "ledger-api", 2),
            },
        },
    )


# ------------------------------------------------------------------ 8. CrashLoopBackOff exit 1


ENV_MJS = """const rules = {
  DATABASE_URL: (v) => (v ? null : "Required"),
  STOREFRONT_API_URL: (v) =>
    !v ? "Required" : v.startsWith("https://") ? null : "Must be an https:// URL",
  SESSION_SECRET: (v) => (v && v.length >= 32 ? null : "At least 32 characters"),
};

const errors = {};
for (const [key, check] of Object.entries(rules)) {
  const problem = check(process.env[key]);
  if (problem) errors[key] = [problem];
}
if (Object.keys(errors).length) {
  console.error("\\u274c Invalid environment variables:", errors);
  process.exit(1);
}
console.log("storefront listening on :3000");
"""


def crashloop_exit1() -> None:
    at(OPS)
    secret = "s" * 40
    img = "ghcr.io/5dlabs/storefront:3.9.0"
    rolls = [
        rollout(f"fr-x-cl1-roll-{i}", "storefront", "storefront", 2, 1, 1, deadline=True)
        for i in range(2)
    ]
    apply = ["service/storefront unchanged", "deployment.apps/storefront configured"]
    # 8a. the change tightened STOREFRONT_API_URL to https while staging uses the in-cluster
    # http URL (blaze)
    lines = real.node_run(
        "fr-x-cl1-env",
        {"server/env.mjs": ENV_MJS},
        "server/env.mjs",
        env={
            "DATABASE_URL": "postgres://storefront@pg.storefront.svc/storefront",
            "STOREFRONT_API_URL": "http://ledger-api.ledger.svc:8080",
            "SESSION_SECRET": secret,
        },
    )
    assert lines.code == 1, lines
    cid = "fr-x-crashloop-node-env-https-only-api-url"
    ctx = crashing(cid, "storefront", "storefront", img, 1, _in(lines.lines, "/app"), port=3000)
    ci(
        cid,
        "kubectl rollout status runs out; the new storefront pod crash-loops with exit 1 and "
        "Loki shows \"❌ Invalid environment variables: { STOREFRONT_API_URL: [ 'Must be an "
        "https:// URL' ] }\": the change's server/env.mjs now rejects the in-cluster "
        "http://ledger-api.ledger.svc:8080 the deployment has always set",
        ["context-driven", "look-obvious"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="rollout-storefront",
        repo=OPS,
        steps=_rollout_steps("storefront", "storefront", rolls[0], apply),
        message="deploy(storefront): 3.9.0",
        files=["apps/storefront/overlays/staging/kustomization.yaml"],
        pr=pr_of(
            cid,
            "deploy(storefront): 3.9.0",
            "storefront 3.9.0: validate the environment at boot, API URLs must be https "
            "(5dlabs/storefront#812).",
        ),
        extra=ctx,
    )
    # 8b. the same validation error for DATABASE_URL: the chart's secretKeyRef names a key
    # the Secret does not have, and it is optional (bolt)
    lines = real.node_run(
        "fr-x-cl1-secret",
        {"server/env.mjs": ENV_MJS},
        "server/env.mjs",
        env={"STOREFRONT_API_URL": "https://api.staging.5dlabs.ai", "SESSION_SECRET": secret},
    )
    assert lines.code == 1, lines
    cid = "fr-x-crashloop-chart-secret-key-renamed-optional"
    ctx = crashing(
        cid,
        "storefront",
        "storefront",
        "ghcr.io/5dlabs/storefront:3.8.2",
        1,
        _in(lines.lines, "/app"),
        port=3000,
    )
    ctx["kubernetes"]["pods"][0]["spec"]["containers"][0]["env"] = [
        {
            "name": "DATABASE_URL",
            "valueFrom": {
                "secretKeyRef": {"name": "storefront-db", "key": "database-url", "optional": True}
            },
        }
    ]
    ci(
        cid,
        'the same rollout deadline over a storefront pod exiting 1 with "❌ Invalid '
        "environment variables: { DATABASE_URL: [ 'Required' ] }\"; the image is unchanged "
        "(3.8.2) and the change edited the chart's deployment template to read DATABASE_URL "
        "from key database-url of Secret storefront-db, which holds DATABASE_URL, with "
        "optional: true, so the variable is simply absent",
        ["context-driven", "look-obvious", "yaml-owner"],
        "bolt",
        "helm",
        workflow="deploy",
        job="rollout-storefront",
        repo=OPS,
        steps=_rollout_steps("storefront", "storefront", rolls[1], apply),
        message="chore(storefront): kebab-case secret keys",
        files=["charts/storefront/templates/deployment.yaml"],
        extra=ctx,
    )
    # 8c. a Rust main returning Err for LEDGER_WORKERS=auto (rex)
    src = """use std::error::Error;

fn workers() -> Result<u16, Box<dyn Error>> {
    let raw = std::env::var("LEDGER_WORKERS")?;
    let n: u16 = raw
        .parse()
        .map_err(|e| format!("invalid LEDGER_WORKERS {raw:?}: {e}"))?;
    Ok(n)
}

fn main() -> Result<(), Box<dyn Error>> {
    eprintln!("ledger-worker 1.18.0 starting");
    let n = workers()?;
    eprintln!("spawning {n} settlement workers");
    Ok(())
}
"""
    path = real.crate("fr-x-cl1-rust", {"src/main.rs": src}, package="ledger-worker")
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, code = real.run(
        [str(path / "target" / "release" / "ledger-worker")], path, env={"LEDGER_WORKERS": "auto"}
    )
    assert code == 1, lines
    roll = rollout("fr-x-cl1-roll-rust", NS, "ledger-worker", 2, 1, 1, deadline=True)
    cid = "fr-x-crashloop-rust-main-err-workers-auto"
    ctx = crashing(
        cid, NS, "ledger-worker", "ghcr.io/5dlabs/ledger-worker:1.18.0", 1, lines, port=9090
    )
    ctx["kubernetes"]["pods"][0]["spec"]["containers"][0]["env"] = [
        {"name": "LEDGER_WORKERS", "value": "auto"}
    ]
    ci(
        cid,
        "the same kind of rollout deadline over a pod exiting 1, here ledger-worker; Loki "
        'shows \'Error: "invalid LEDGER_WORKERS \\"auto\\": invalid digit found in string"\' '
        "from the Rust main returning Err: 1.18.0 parses LEDGER_WORKERS as a number, and the "
        "deployment's long-standing value is auto",
        ["context-driven", "look-obvious"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout-ledger",
        repo=OPS,
        steps=_rollout_steps(
            NS,
            "ledger-worker",
            roll,
            ["deployment.apps/ledger-worker configured"],
        ),
        message="deploy(ledger): worker 1.18.0",
        files=["apps/ledger/overlays/staging/kustomization.yaml"],
        pr=pr_of(
            cid,
            "deploy(ledger): worker 1.18.0",
            "ledger-worker 1.18.0: explicit worker count (5dlabs/ledger#2330).",
        ),
        extra=ctx,
    )


# ------------------------------------------------------------------ 9. merge queue


def merge_queue() -> None:
    at(LEDGER)
    # 9a. a queue-bot's merge of the train hits a real conflict (atlas)
    path = real.scratch("fr-x-mq-conflict")
    base = {
        "src/fees.rs": "pub fn fee_bps(tier: u8) -> u32 {\n    match tier {\n        0 => 30,\n"
        "        1 => 20,\n        _ => 10,\n    }\n}\n"
    }
    real.new_repo(path, base)
    real.git(path, "checkout", "-q", "-b", "pr-2341")
    real.commit_all(path, {"src/fees.rs": base["src/fees.rs"].replace("30", "35")}, "fees: tier 0")
    real.git(path, "checkout", "-q", "main")
    real.commit_all(path, {"src/fees.rs": base["src/fees.rs"].replace("30", "25")}, "fees: promo")
    lines, code = real.git(path, "merge", "--no-ff", "--no-edit", "pr-2341")
    out = real.Out("git merge --no-ff --no-edit origin/pr/2341", lines, code)
    assert code != 0 and any("CONFLICT" in ln for ln in lines), out
    head = sha("fr-x-mq-head")
    cid = "fr-x-mq-train-merge-conflict-fees"
    ci(
        cid,
        "the merge-train job stops at its merge: CONFLICT (content) in src/fees.rs between "
        "PR #2341 (tier-0 fee 35 bps) and the promo change merged ahead of it (25 bps); no "
        "build ran",
        ["platform", "misleading-name"],
        "atlas",
        "merge_conflict",
        workflow="merge-train",
        job="assemble-and-test",
        repo=LEDGER,
        steps=[failing(out, name="Merge queued PRs")],
        message="Merge pull request #2341 into main via the merge queue",
        files=["src/fees.rs"],
        branch=f"gh-readonly-queue/main/pr-2341-{head}",
        event="workflow_run",
    )
    _last(cid)["event"]["payload"]["workflow_run"]["event"] = "merge_group"
    # 9b. two queued PRs each green alone: one renamed a function the other calls (rex)
    src = """pub fn settle(batch: &[i64]) -> i64 {
    batch.iter().sum()
}

pub fn close_day(batches: &[Vec<i64>]) -> i64 {
    batches.iter().map(|b| settle_batch(b)).sum()
}
"""
    out = real.cargo(
        "fr-x-mq-semantic",
        {"src/lib.rs": src},
        ["build", "--locked", "--all-targets"],
    )
    assert out.code != 0 and any("E0425" in ln for ln in out.lines), out
    head = sha("fr-x-mq-head2")
    cid = "fr-x-mq-group-rename-meets-new-call"
    ci(
        cid,
        "the merge group of PRs #2350 and #2352 fails cargo build with E0425 cannot find "
        "function settle_batch in src/lib.rs: #2350 renamed settle_batch to settle, #2352 "
        "added close_day calling the old name; each PR passed on its own branch",
        ["multi-signal", "misleading-name"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        repo=LEDGER,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="Merge pull request #2352 into main via the merge queue",
        files=["src/lib.rs"],
        branch=f"gh-readonly-queue/main/pr-2352-{head}",
        event="workflow_run",
        pr=pr_of(
            cid,
            "feat(settle): close a whole day",
            "Adds close_day over the day's batches. Queued behind #2350 (rename settle_batch "
            "-> settle).",
        ),
    )
    _last(cid)["event"]["payload"]["workflow_run"]["event"] = "merge_group"
    # 9c. the queue's required check ran out of time on a slow cache restore (atlas)
    head = sha("fr-x-mq-head3")
    cid = "fr-x-mq-required-check-timed-out"
    tests = run(
        "cargo test --workspace --locked",
        [
            "   Compiling ledger v0.31.0 (/home/runner/work/ledger/ledger)",
            "    Finished `test` profile [unoptimized + debuginfo] target(s) in 4.62s",
            "     Running unittests src/lib.rs (target/debug/deps/ledger-3c1f0a9e2b7d4e51)",
            "",
            "running 214 tests",
        ],
        name="Test",
        seconds=1500.0,
        conclusion="cancelled",
    )
    ci(
        cid,
        "in the merge queue the required 'test' check is cancelled: the job exceeded "
        "timeout-minutes: 30 after Swatinem/rust-cache spent 24 minutes restoring a 6 GB "
        "cache from a degraded cache backend; the queue removed PR #2361, which only edits "
        "a README",
        ["platform", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="ci",
        job="test",
        repo=LEDGER,
        steps=[
            *rust_setup()[:1],
            uses(
                "Swatinem/rust-cache@v2",
                {"cache-on-failure": "true"},
                [
                    "Cache Configuration",
                    "... Restoring cache ...",
                    "Received 268435456 of 6442450944 (4.2%), 0.2 MBs/sec",
                    "Received 3221225472 of 6442450944 (50.0%), 2.1 MBs/sec",
                    "Received 6442450944 of 6442450944 (100.0%), 4.4 MBs/sec",
                    "Cache restored from key: v0-rust-test-Linux-x64-3f9a1c2e-5b7d0e41",
                ],
                seconds=1440.0,
            ),
            tests,
        ],
        message="Merge pull request #2361 into main via the merge queue",
        files=["README.md"],
        branch=f"gh-readonly-queue/main/pr-2361-{head}",
        event="workflow_run",
        cancelled=True,
        tail=[
            "##[error]The job running on runner GitHub Actions 41873 has exceeded the "
            "maximum execution time of 30 minutes.",
            "##[error]The operation was canceled.",
        ],
        conclusion="cancelled",
    )
    _last(cid)["event"]["payload"]["workflow_run"]["event"] = "merge_group"


# ------------------------------------------------------------------ 10. obvious


def obvious() -> None:
    at(LEDGER)
    src = """pub fn apply_fee(amount: i64, bps: u32, floor: i64) -> i64 {
    (amount * i64::from(bps) / 10_000).max(floor)
}

pub fn charge(amount: i64) -> i64 {
    amount + apply_fee(amount, 30)
}
"""
    out = real.cargo("fr-x-obv-e0061", {"src/lib.rs": src}, ["build", "--locked"])
    assert out.code != 0 and any("E0061" in ln for ln in out.lines), out
    ci(
        "fr-x-obvious-rustc-e0061-apply-fee-floor",
        "cargo build: E0061, apply_fee takes 3 arguments but 2 were supplied; the change "
        "added a floor parameter and missed the call in charge()",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        repo=LEDGER,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(fees): minimum fee per charge",
        files=["src/lib.rs"],
    )
    at(SHOP)
    out = real.tsc(
        "fr-x-obv-ts2551",
        {
            "tsconfig.json": real.TSCONFIG,
            "src/cart.ts": """export interface Line {
  sku: string;
  quantity: number;
}

export function itemCount(lines: Line[]): number {
  return lines.reduce((n, l) => n + l.quantity, 0);
}

export function isEmpty(lines: Line[]): boolean {
  return lines.lenght === 0;
}
""",
        },
    )
    assert out.code != 0 and any("TS2551" in ln for ln in out.lines), out
    ci(
        "fr-x-obvious-tsc-ts2551-lines-lenght",
        "tsc --noEmit: TS2551 Property 'lenght' does not exist on type 'Line[]'. Did you mean "
        "'length'? in src/cart.ts",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="storefront-ci",
        job="typecheck",
        repo=SHOP,
        steps=[*node_setup(), run("npm ci", ["added 388 packages in 8s"]), failing(out)],
        message="feat(cart): empty-cart state",
        files=["src/cart.ts"],
    )
    at(OPS)
    df = """FROM node:latest
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY dist ./dist
CMD ["node", "dist/server.js"]
"""
    out = real.hadolint("fr-x-obv-dl3007", df, "images/storefront/Dockerfile")
    assert out.code != 0 and any("DL3007" in ln for ln in out.lines), out
    ci(
        "fr-x-obvious-hadolint-dl3007-node-latest",
        "hadolint fails on images/storefront/Dockerfile: DL3007, using latest is prone to "
        "errors; the change replaced node:20.18-bookworm-slim with node:latest",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="lint-dockerfiles",
        repo=OPS,
        steps=[failing(out, name="hadolint")],
        message="chore(images): track the current node release",
        files=["images/storefront/Dockerfile"],
    )
