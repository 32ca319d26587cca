"""Batch 16 of the fresh split (ids ``fr-p-``): resource kills and exhaustion in tools and
stacks not used before, multi-signal logs, noisy contexts and a few plain obvious cases.

- kills and exhaustion with nothing to blame (clippy-driver SIGKILLed under ``cargo clippy``,
  a Rust worker pool and a Python fixture fetcher that cannot start threads on a self-hosted
  runner's limits, tsc's TS5033 on a full disk, a cache tarball cut short, tsc killed inside
  BuildKit ``RUN``, a vitest test timing out while its worker was stopped): atlas; and
  look-alikes whose own output, Dockerfile, manifest or Prometheus series tell whose (a thread
  per queued run: rex; a Dockerfile ``NODE_OPTIONS`` heap cap: bolt; a migration Job's limit
  cut: bolt; an SSR render cache growing from boot: blaze);
- multi-signal logs where only one error stopped the job;
- noisy contexts next to the real cause, and healthy ones where the log decides;
- obvious cases in stacks the batches used rarely.

Every tool output is a real run here (cargo, rustc, clippy, rustdoc, tsc, eslint, vitest,
node, python3, hadolint, yamllint, kubectl, tar, curl) against local files or 127.0.0.1
servers; runner texts that cannot be produced here use GitHub's documented wording (see the
README's batch 16 notes)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import real
import shapes
from cases_batch2 import npm_ci_ok
from cases_batch8 import kill_one
from fcommon import at, ci, failing, node_setup, passing, pr_of, rust_setup, sha
from gha import run, uses
from helpers import (
    buildx_setup,
    buildx_step,
    clock,
    kube_setup,
    normal_events,
    pod_name,
    ready_pods,
    reset_server,
    rollout,
    v8_oom,
)

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
NS = "healer"


def _pkg(name: str = "console", scripts: dict[str, str] | None = None, **more: object) -> str:
    pkg: dict[str, object] = {"name": name, "version": "2.1.0", "private": True, "type": "module"}
    if scripts:
        pkg["scripts"] = scripts
    pkg.update(more)
    return json.dumps(pkg, indent=2) + "\n"


def _cargo(
    cid: str,
    files: dict[str, str],
    args: list[str],
    shown: str | None = None,
    env: dict[str, str] | None = None,
) -> real.Out:
    path = real.crate(cid, files)
    lines, code = real.run(["cargo", *args], path, env={"CARGO_NET_OFFLINE": "true", **(env or {})})
    return real.Out(shown or "cargo " + " ".join(args), lines, code)


def _tmpfs(inner: str, mountpoint: str, size: str) -> str:
    """``inner`` run in a user and mount namespace with ``mountpoint`` a ``size`` tmpfs (a
    real ENOSPC when it fills)."""
    return f"unshare -rm sh -c 'mount -t tmpfs -o size={size} tmpfs {mountpoint} && {inner}'"


NOBODY = "setpriv --reuid 65534 --regid 65534 --clear-groups"


def _runs_dir_open(path: Path) -> None:
    """Let an unprivileged user (the self-hosted runner's service account) read the scratch
    directory ``path`` (its parents are already world-readable)."""
    for root, dirs, files in os.walk(path):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)


def _self_hosted_setup(procs: str, vmem: str) -> list:
    """The self-hosted runner's limits, as the job's diagnostics step prints them (the same
    limits the real run below was given)."""
    return [
        run(
            "ulimit -a | grep -E 'processes|open files|virtual memory'",
            [
                "open files                          (-n) 1024",
                f"max user processes                  (-u) {procs}",
                f"virtual memory              (kbytes, -v) {vmem}",
            ],
            0,
            name="Runner limits",
        )
    ]


# ------------------------------------------------------------------ 1. kills and exhaustion

SLOW_MACRO = """use proc_macro::TokenStream;

/// Expands the label table (the body is generated at build time).
#[proc_macro]
pub fn label_table(_input: TokenStream) -> TokenStream {
    std::thread::sleep(std::time::Duration::from_secs(90));
    "pub const LABELS: usize = 7;".parse().unwrap()
}
"""


def kills() -> None:
    # 1a. clippy-driver SIGKILLed under cargo clippy with nothing to blame (atlas)
    at(REPO)
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
        "crates/macros/Cargo.toml": real.cargo_toml(
            "healer-macros", extra="[lib]\nproc-macro = true"
        ),
        "crates/macros/src/lib.rs": SLOW_MACRO,
        "crates/labels/Cargo.toml": real.cargo_toml(
            "healer-labels", deps='healer-macros = { path = "../macros" }'
        ),
        "crates/labels/src/lib.rs": "healer_macros::label_table!();\n\n"
        "/// The label shown for a run's queue.\npub fn queue_label(q: &str) -> String {\n"
        '    format!("queue:{q}")\n}\n',
    }
    out = kill_one(
        "fr-p-kill-clippy",
        files,
        "cargo clippy --workspace -- -D warnings",
        "--crate-name healer_labels",
        settle=2.0,
    )
    assert out.code != 0 and any("SIGKILL" in ln for ln in out.lines), out
    ci(
        "fr-p-kill-clippy-driver-sigkill-workspace-lint",
        "cargo clippy reports that checking healer-labels was terminated by signal 9 "
        "(SIGKILL) before any lint was printed; the change adds one format! helper and "
        "nothing grows: the runner killed the compiler for memory",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="clippy",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(labels): a queue label helper",
        files=["crates/labels/src/lib.rs"],
    )

    # 1b. a Rust worker pool cannot start its threads on a self-hosted runner (atlas)
    pool = """use std::thread;

/// Starts the triage worker pool.
pub fn start(workers: usize) -> Vec<thread::JoinHandle<()>> {
    (0..workers)
        .map(|i| {
            thread::Builder::new()
                .name(format!("triage-{i}"))
                .spawn(move || thread::sleep(std::time::Duration::from_millis(300)))
                .expect("failed to spawn triage worker")
        })
        .collect()
}
"""
    out = _pool_run(
        "fr-p-eagain-pool",
        pool,
        "workers::start(8)",
    )
    assert out.code != 0 and any("Resource temporarily unavailable" in ln for ln in out.lines), out
    ci(
        "fr-p-exhaust-rust-worker-pool-eagain-self-hosted-runner",
        "cargo test panics in the pool test: 'failed to spawn triage worker: Os { code: 11, "
        'kind: WouldBlock, message: "Resource temporarily unavailable" }\' while starting 8 '
        "workers; the runner-limits step shows the self-hosted runner's ~19 MB virtual-memory "
        "cap (no room for eight thread stacks) and the "
        "change only renames a log field: the runner's memory limit, not the code",
        ["resource-kill", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="cargo-test",
        repo=REPO,
        steps=[
            *_self_hosted_setup("4096", "19531"),
            *rust_setup(),
            failing(out, name="cargo test"),
        ],
        message="chore(log): rename the worker field",
        files=["crates/triage/src/log.rs"],
        self_hosted=True,
        runner="gpu-ci-03",
    )

    # 1c. the change spawns one thread per queued run (rex)
    per_item = """use std::thread;

/// Fans out one thread per queued run so slow triage never blocks the queue.
pub fn drain(queued: &[u64]) -> Vec<thread::JoinHandle<u64>> {
    println!("drain: spawning {} triage threads", queued.len());
    queued
        .iter()
        .map(|&id| {
            thread::Builder::new()
                .name(format!("run-{id}"))
                .spawn(move || {
                    thread::sleep(std::time::Duration::from_millis(500));
                    id
                })
                .expect("failed to spawn triage thread")
        })
        .collect()
}
"""
    out = _pool_run(
        "fr-p-eagain-per-run",
        per_item,
        "workers::drain(&(0..20_000).collect::<Vec<u64>>())",
        limit=False,
        test="drains_a_full_day_of_runs",
    )
    assert out.code != 0 and any("Resource temporarily unavailable" in ln for ln in out.lines), out
    ci(
        "fr-p-exhaust-rust-thread-per-queued-run",
        "cargo test panics 'failed to spawn triage thread: ... Resource temporarily "
        "unavailable' right after the test's own 'drain: spawning 20000 triage threads': the "
        "change replaced the fixed worker pool with one OS thread per queued run",
        ["resource-kill", "context-driven"],
        "rex",
        "rust_test",
        workflow="rust",
        job="cargo-test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="perf(queue): never block the queue on slow triage",
        files=["crates/triage/src/workers.rs"],
        pr=pr_of(
            "fr-p-eagain-per-run",
            "perf(queue): never block the queue on slow triage",
            "Drops the 8-worker pool: `drain` now spawns a thread per queued run.",
        ),
    )

    # 1d. a Python fixture fetcher cannot start threads on a self-hosted runner (atlas)
    at(WEB)
    script = """import concurrent.futures as cf
import time

FIXTURES = [f"runs/page-{i}.json" for i in range(24)]


def fetch(name):
    time.sleep(0.5)
    return name


print(f"fetching {len(FIXTURES)} fixtures with 12 workers")
with cf.ThreadPoolExecutor(max_workers=12) as pool:
    for name in pool.map(fetch, FIXTURES):
        print(f"  ok {name}")
"""
    path = real.scratch("fr-p-py-threads", {"scripts/fetch_fixtures.py": script})
    _runs_dir_open(path)
    lines, code = real.run(f"{NOBODY} prlimit --nproc=6 python3 scripts/fetch_fixtures.py", path)
    out = real.Out("python3 scripts/fetch_fixtures.py", lines, code)
    assert code != 0 and any("can't start new thread" in ln for ln in lines), lines
    ci(
        "fr-p-exhaust-python-cant-start-new-thread-e2e-fixtures",
        "the e2e job's fixture fetch (a Python script in a frontend repo) fails with "
        "RuntimeError: can't start new thread from its 12-thread pool; the self-hosted "
        "runner's limits step shows a 6-process cap and the change only edits a component: "
        "runner limits",
        ["resource-kill", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="console-e2e",
        job="e2e",
        repo=WEB,
        steps=[
            *_self_hosted_setup("6", "unlimited"),
            *node_setup(),
            failing(out, name="Fetch fixtures"),
        ],
        message="feat(runs): a retry button",
        files=["src/RunActions.tsx"],
        self_hosted=True,
        runner="web-ci-02",
    )

    # 1e. tsc cannot write its declarations: the disk is full (atlas)
    files = {
        "package.json": _pkg("console", {"build:types": "tsc -p tsconfig.json"}),
        "tsconfig.json": json.dumps(
            {
                "compilerOptions": {
                    "target": "ES2022",
                    "module": "ESNext",
                    "moduleResolution": "Bundler",
                    "declaration": True,
                    "outDir": "dist",
                    "strict": True,
                },
                "include": ["src"],
            },
            indent=2,
        ),
        **{
            f"src/runs/view{i}.ts": f"export const view{i} = {{ id: {i}, title: "
            f"{json.dumps('x' * 4000)} }};\n"
            for i in range(12)
        },
    }
    path = real.scratch("fr-p-tsc-enospc", files)
    real.link_node_modules(path)
    (path / "dist").mkdir()
    lines, code = real.run(_tmpfs("npx tsc -p tsconfig.json", "dist", "24k"), path)
    out = real.Out("npx tsc -p tsconfig.json", lines, code)
    assert code != 0 and any("ENOSPC" in ln for ln in lines), lines
    ci(
        "fr-p-disk-tsc-ts5033-enospc-writing-declarations",
        "tsc type-checks cleanly but fails with TS5033 'Could not write file ... ENOSPC: no "
        "space left on device' for every emitted file; the change adds one line to a view: "
        "the runner's disk was full",
        ["flaky-infra", "resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Emit types")],
        message="feat(runs): show the runner label",
        files=["src/runs/view3.ts"],
    )

    # 1f. the cache tarball is cut short: disk full after a passing cargo test (atlas)
    at(REPO)
    ok = _cargo(
        "fr-p-tar-ok",
        {
            "src/lib.rs": "pub fn id(n: u32) -> u32 {\n    n\n}\n\n#[cfg(test)]\nmod tests {\n"
            "    #[test]\n    fn id_is_identity() {\n        assert_eq!(super::id(3), 3);\n"
            "    }\n}\n"
        },
        ["test", "--lib"],
    )
    assert ok.code == 0, ok
    path = real.scratch("fr-p-tar-enospc", {})
    target = path / "target" / "debug" / "deps"
    target.mkdir(parents=True)
    for i in range(6):
        (target / f"libhealer-{sha(str(i))[:16]}.rlib").write_bytes(
            bytes(h % 251 for h in range(40_000 + i * 1000))
        )
    (path / "cache").mkdir()
    lines, code = real.run(
        _tmpfs("tar -cf cache/cargo-target.tar target", "cache", "64k"),
        path,
    )
    out = real.Out("tar -cf /mnt/cache/cargo-target.tar target", lines, code)
    out = real.Out(
        out.command,
        [ln.replace("cache/cargo-target.tar", "/mnt/cache/cargo-target.tar") for ln in lines],
        code,
    )
    assert code != 0 and any("Wrote only" in ln for ln in lines), lines
    ci(
        "fr-p-disk-tar-cache-save-no-space-after-passing-tests",
        "cargo test passes; the next step, saving target/ as a tarball on the runner's cache "
        "volume, fails with tar 'Wrote only 4096 of 10240 bytes' and 'Error is not recoverable' "
        "(the volume is full); the runner's disk, not the code",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="cargo-test",
        repo=REPO,
        steps=[
            *rust_setup(),
            passing(ok, name="cargo test"),
            failing(out, name="Save target cache"),
        ],
        message="test(core): identity helper",
        files=["src/lib.rs"],
        self_hosted=True,
        runner="build-ci-07",
    )

    # 1g. tsc killed inside BuildKit RUN npm run build (atlas)
    at(WEB)
    inner = kill_one(
        "fr-p-kill-tsc-buildkit",
        {
            "package.json": _pkg("console", {"build": "tsc -p tsconfig.json && node build.mjs"}),
            "tsconfig.json": '{"compilerOptions": {"strict": true, "noEmit": true}, '
            '"include": ["src"]}\n',
            "src/a.ts": "export const a: number = 1;\n",
            "build.mjs": "console.log('bundle done');\n",
        },
        "npm run build",
        "tsc -p",
        settle=0.3,
        node_modules=True,
    )
    assert inner.code == 137, inner
    # inside BuildKit the RUN shell is /bin/sh -c, not the runner's bash: keep npm's lines,
    # drop bash's own 'Killed' report
    kept = [ln for ln in inner.lines if "_temp/" not in ln]
    dockerfile = (
        "FROM node:20-bookworm-slim AS build\nWORKDIR /app\nCOPY package*.json ./\n"
        "RUN npm ci\nCOPY . .\nRUN npm run build\n\n"
        "FROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit("fr-p-bk-tsc", dockerfile)
    err = bk.run_until(6, kept, code=inner.code)
    assert err
    ci(
        "fr-p-kill-tsc-sigkill-inside-buildkit-run",
        "docker build fails in `RUN npm run build`: npm reports the tsc command was killed "
        "by SIGKILL; the Dockerfile and tsconfig are unchanged and the change is one "
        "string: the builder ran out of memory",
        ["resource-kill", "wrapper", "misleading-name"],
        "atlas",
        "general",
        workflow="console-image",
        job="docker",
        repo=WEB,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:2.1.0")],
        message="fix(runs): typo in the empty state",
        files=["src/EmptyState.tsx"],
    )

    # 1h. the Dockerfile's NODE_OPTIONS heap cap: tsc out of heap inside RUN (bolt)
    files = {
        "package.json": _pkg("console", {"build": "tsc -p tsconfig.json"}),
        "tsconfig.json": '{"compilerOptions": {"strict": true, "noEmit": true, "lib": '
        '["ES2022", "DOM"]}, "include": ["src"]}\n',
        "src/a.ts": "export const a: number = 1;\n",
    }
    oom = real.sh(
        "fr-p-heap-cap",
        files,
        "npm run build",
        "npm run build",
        env={"NODE_OPTIONS": "--max-old-space-size=16"},
        node_modules=True,
    )
    assert oom.code != 0, oom
    # the GC figures are pinned for other cases' 3 GB heaps; drop them rather than show
    # numbers that do not fit a 16 MB cap (and the stray progress bytes before them)
    lines = [ln for ln in v8_oom(oom.lines) if "Mark-Compact" not in ln and "Scavenge" not in ln]
    assert any("heap" in ln.lower() for ln in lines), lines
    dockerfile = (
        "FROM node:20-bookworm-slim AS build\n"
        "# keep the builder small on the shared BuildKit nodes\n"
        "ENV NODE_OPTIONS=--max-old-space-size=16\n"
        "WORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n\n"
        "FROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit("fr-p-bk-heap", dockerfile)
    err = bk.run_until(8, lines, code=oom.code)
    assert err
    ci(
        "fr-p-oom-dockerfile-node-options-heap-cap-tsc",
        "docker build fails in `RUN npm run build`: tsc dies with V8's 'Reached heap limit "
        "... JavaScript heap out of memory'; the PR's Dockerfile added "
        "ENV NODE_OPTIONS=--max-old-space-size=16 for the builder stage, so every node "
        "process in the build gets a 16 MB heap",
        ["resource-kill", "wrapper", "context-driven", "misleading-name"],
        "bolt",
        "docker_build",
        workflow="console-image",
        job="docker",
        repo=WEB,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:2.1.1")],
        message="build(docker): cap the builder's node heap",
        files=["Dockerfile"],
        pr=pr_of(
            "fr-p-heap-cap",
            "build(docker): cap the builder's node heap",
            "Sets NODE_OPTIONS=--max-old-space-size=16 in the build stage so builds on the "
            "shared BuildKit nodes stay small.",
        ),
    )


def _pool_run(
    cid: str, source: str, call: str, limit: bool = True, test: str = "starts_the_pool"
) -> real.Out:
    """``cargo test`` whose test binary runs with a capped address space (cargo's target
    runner), so thread stacks cannot be mapped and pthread_create fails with EAGAIN."""
    files = {
        "Cargo.toml": real.cargo_toml("healer-triage"),
        "src/lib.rs": "pub mod workers;\n",
        "src/workers.rs": source,
        "tests/pool.rs": f"use healer_triage::workers;\n\n#[test]\nfn {test}() {{\n"
        f"    let handles = {call};\n    for h in handles {{\n        h.join().unwrap();\n"
        "    }\n}\n",
    }
    path = real.crate(cid, files)
    env = {"CARGO_NET_OFFLINE": "true"}
    lines, code = real.run(["cargo", "test", "--no-run", "-q"], path, env=env)
    assert code == 0, lines
    cap = "prlimit --as=20000000" if limit else "prlimit --as=2000000000"
    env["CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER"] = cap
    lines, code = real.run(["cargo", "test"], path, env=env)
    return real.Out("cargo test", lines, code)


# ------------------------------------------------------------------ 2. kills the context decides


def _job_wait(cid: str, ns: str, job: str) -> real.Out:
    job_obj = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": job, "namespace": ns, "generation": 1},
        "spec": {"backoffLimit": 3, "completions": 1, "parallelism": 1},
        "status": {"active": 1, "failed": 2, "ready": 0, "startTime": "2026-11-14T09:11:05Z"},
    }
    path = real.scratch(cid)
    with real.serve(real.kube_api({f"/apis/batch/v1/namespaces/{ns}/jobs/{job}": job_obj})) as port:
        lines, code = real.run(
            [
                "kubectl",
                f"--server=http://127.0.0.1:{port}",
                "wait",
                "--for=condition=complete",
                f"job/{job}",
                "-n",
                ns,
                "--timeout=3s",
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
            timeout=120,
        )
    assert code != 0 and any("timed out" in ln for ln in lines), lines
    return real.Out(
        f"kubectl wait --for=condition=complete job/{job} -n {ns} --timeout=600s", lines, code
    )


def context_kills() -> None:
    # 2a. a backfill Job OOMKilled after the manifest cut its limit; noisy Argo CD (bolt)
    at(PLAT)
    cid = "fr-p-ctx-job-oom"
    wt = _job_wait(cid, NS, "healer-backfill")
    created, first, last = clock(cid)
    pods = [
        shapes.pod(
            pod_name(cid, "healer-backfill", str(i)),
            NS,
            "healer-backfill",
            "ghcr.io/5dlabs/healer-backfill:0.7.3",
            created=created,
            phase="Failed",
            memory_limit="128Mi",
            owner=("Job", "healer-backfill"),
            terminated={
                "exit_code": 137,
                "reason": "OOMKilled",
                "started": first,
                "finished": last,
            },
        )
        for i in range(3)
    ]
    other = pod_name(cid, "grafana", "g")
    events = [
        shapes.event(
            NS,
            "Job",
            "healer-backfill",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            first=last,
            last=last,
        ),
        shapes.event(
            "monitoring",
            "Pod",
            other,
            "BackOff",
            f"Back-off restarting failed container grafana in pod {other}_monitoring",
            first=first,
            last=last,
            count=31,
        ),
        shapes.event(
            "kube-system",
            "Node",
            "k3s-worker-3",
            "FreeDiskSpaceFailed",
            "Failed to garbage collect required amount of images. Attempted to free "
            "2146435072 bytes, but only found 0 bytes eligible to free.",
            first=first,
            last=last,
            count=4,
        ),
    ]
    ci(
        "fr-p-ctx-noisy-backfill-job-oomkilled-after-limit-cut",
        "kubectl wait on the backfill Job runs out; its three pods ended OOMKilled (exit 137) "
        "under a 128Mi limit, and the PR's manifest change cut the Job's memory limit from "
        "1Gi to 128Mi while Prometheus shows earlier runs peaking near 610 MB; a crash-looping "
        "grafana in another namespace, an image-GC warning and a Degraded unrelated app are "
        "noise",
        ["resource-kill", "context-driven", "noisy", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="backfill",
        repo=PLAT,
        steps=[*kube_setup(), failing(wt, name="Wait for backfill")],
        message="chore(healer): right-size the backfill job",
        files=["apps/healer/backfill-job.yaml"],
        pr=pr_of(
            cid,
            "chore(healer): right-size the backfill job",
            "The backfill Job requested far more than the API pods; sets requests and limits "
            "to 64Mi/128Mi (was 512Mi/1Gi).",
        ),
        extra={
            "kubernetes": {"pods": pods, "events": events},
            "argocd": [
                {
                    "name": "grafana",
                    "sync_status": "Synced",
                    "health_status": "Degraded",
                    "message": "Deployment grafana: Deployment does not have minimum availability",
                },
                {
                    "name": "healer",
                    "sync_status": "Synced",
                    "health_status": "Healthy",
                    "message": "successfully synced (all tasks run)",
                },
            ],
            "prometheus": {
                'max_over_time(container_memory_working_set_bytes{namespace="healer",'
                'container="healer-backfill"}[7d])': 639631360,
                'kube_pod_container_resource_limits{namespace="healer",'
                'container="healer-backfill",resource="memory"}': 134217728,
                'ALERTS{alertstate="firing"}': [
                    {
                        "metric": {
                            "alertname": "NodeFilesystemSpaceFillingUp",
                            "node": "k3s-worker-3",
                        }
                    },
                    {"metric": {"alertname": "KubePodCrashLooping", "namespace": "monitoring"}},
                ],
            },
            "loki": [
                'level=warn ts=2026-11-14T09:12:40Z caller=grafana msg="plugin not found" '
                "pluginId=grafana-piechart-panel",
                "W1114 09:12:41.118204       1 reflector.go:561] failed to list "
                "*v1.PartialObjectMetadata: the server could not find the requested resource",
            ],
        },
    )

    # 2b. an SSR render cache growing from boot: pods OOMKilled, limit unchanged (blaze)
    cid = "fr-p-ctx-ssr-cache"
    ro = rollout(cid, "console", "console-ssr", 3, 3, 1)
    assert ro.code != 0, ro
    created, first, last = clock(cid)
    pods = []
    for i in range(2):
        name = pod_name(cid, "console-ssr", str(i))
        pods.append(
            shapes.pod(
                name,
                "console",
                "console-ssr",
                "ghcr.io/5dlabs/console-ssr:2.2.0",
                created=created,
                restarts=3 + i,
                port=3000,
                memory_limit="768Mi",
                waiting=(
                    "CrashLoopBackOff",
                    f"back-off 1m20s restarting failed container=console-ssr pod={name}_console",
                ),
                terminated={
                    "exit_code": 137,
                    "reason": "OOMKilled",
                    "started": first,
                    "finished": last,
                },
            )
        )
    ci(
        "fr-p-ctx-rollout-oomkilled-ssr-render-cache-grows",
        "the console-ssr rollout times out; the new pods are OOMKilled under the unchanged "
        "768Mi limit and Prometheus shows the Node process's heap and working set climbing "
        "steadily from boot after the release added a module-level Map caching every "
        "rendered page by full URL (query string included) with no eviction",
        ["resource-kill", "context-driven", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="deploy",
        job="rollout-console",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="deploy: console-ssr 2.2.0",
        files=["apps/console/values.yaml"],
        pr=pr_of(
            cid,
            "deploy: console-ssr 2.2.0",
            "Bumps the image to 2.2.0 (5dlabs/console#911: cache server-rendered HTML per "
            "request URL in a module-level Map so repeat visits skip rendering).",
        ),
        extra={
            "kubernetes": {
                "pods": pods,
                "events": [
                    shapes.event(
                        "console",
                        "Pod",
                        pods[0]["metadata"]["name"],
                        "BackOff",
                        "Back-off restarting failed container console-ssr in pod "
                        f"{pods[0]['metadata']['name']}_console",
                        first=first,
                        last=last,
                        count=7,
                    )
                ],
            },
            "prometheus": {
                'nodejs_heap_size_used_bytes{namespace="console",app="console-ssr"}': [
                    {
                        "metric": {"pod": p["metadata"]["name"]},
                        "values": [
                            [1764300000 + 300 * i, str(48_000_000 + 71_000_000 * i + 900_000 * k)]
                            for i in range(10)
                        ],
                    }
                    for k, p in enumerate(pods)
                ],
                'kube_pod_container_resource_limits{namespace="console",container="console-ssr",'
                'resource="memory"}': 805306368,
            },
        },
    )

    # 2c. a vitest test times out while its worker was stopped (starved runner) (atlas)
    at(WEB)
    out = _starved_vitest("fr-p-vitest-starved")
    assert out.code != 0 and any("timed out" in ln for ln in out.lines), out
    ci(
        "fr-p-starved-vitest-timeout-unchanged-test-docs-change",
        "vitest reports 'Test timed out in 1000ms' for an unchanged 30-chunk table render "
        "test (the other tests pass in milliseconds); the change only touches the README and "
        "a docs page: the runner stalled the worker, not the code",
        ["flaky-infra", "resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Vitest")],
        message="docs: describe the run filters",
        files=["README.md", "docs/filters.md"],
    )


def _starved_vitest(cid: str) -> real.Out:
    """Real vitest; the worker is SIGSTOPped for 2.5 s mid-test (a runner starving it of CPU),
    so vitest's own 1000 ms test timeout fires."""
    files = {
        "package.json": _pkg("console"),
        "vitest.config.js": 'export default { test: { pool: "forks", testTimeout: 1000 } };\n',
        "src/table.js": "export function render(rows) {\n"
        "  return rows.map((r) => `<tr><td>${r.id}</td><td>${r.status}</td></tr>`).join('');\n}\n",
        "src/table.test.js": """import { writeFileSync } from "node:fs";
import { expect, test } from "vitest";
import { render } from "./table.js";

test("renders an empty table", () => {
  expect(render([])).toBe("");
});

test("renders a day of runs in chunks", async () => {
  writeFileSync("started", String(process.pid));
  let html = "";
  for (let chunk = 0; chunk < 30; chunk++) {
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: chunk * 200 + i, status: "ok" }));
    html += render(rows);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(html.length).toBeGreaterThan(0);
});
""",
    }
    path = real.scratch(cid, files)
    real.link_node_modules(path)
    env = {
        **os.environ,
        "CI": "true",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
        "PATH": f"{real.NODE / 'node_modules' / '.bin'}:{os.environ['PATH']}",
    }
    proc = subprocess.Popen(
        ["npx", "vitest", "run"],
        cwd=path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    marker = path / "started"
    began = time.monotonic()
    while not marker.exists() and time.monotonic() - began < 60:
        time.sleep(0.01)
    time.sleep(0.05)
    pid = int(marker.read_text())
    os.kill(pid, signal.SIGSTOP)
    time.sleep(2.5)
    os.kill(pid, signal.SIGCONT)
    text, _ = proc.communicate(timeout=120)
    lines = []
    for raw in text.splitlines():
        line = raw.replace(str(path), real.RUNNER)
        if not line.strip():
            continue
        line = real.pin(line.rstrip())
        # the timeout is the config's own 1000 ms, not a volatile number; the stalled
        # test's and file's durations are pinned to one measured run
        line = line.replace("Test timed out in 9ms", "Test timed out in 1000ms")
        line = re.sub(r"(renders a day of runs in chunks|1 failed\)) 9ms$", r"\1 1012ms", line)
        lines.append(line)
    return real.Out("npx vitest run", lines, proc.returncode)


# ------------------------------------------------------------------ 3. multi-signal


NODE16 = (
    "##[warning]Node.js 16 actions are deprecated. Please update the following actions to use "
    "Node.js 20: actions-rs/toolchain@v1. For more information see: "
    "https://github.blog/changelog/2023-09-22-github-actions-transitioning-from-node-16-to-node-20/."
)
SET_OUTPUT = (
    "##[warning]The `set-output` command is deprecated and will be disabled soon. Please "
    "upgrade to using Environment Files. For more information see: "
    "https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/"
)


def multi() -> None:
    # 3a. action deprecation warnings, then rustc E0596 (rex)
    at(REPO)
    out = _cargo(
        "fr-p-e0596",
        {
            "src/lib.rs": """/// Retry bookkeeping for one run.
pub struct Attempts {
    pub count: u32,
}

pub fn record(attempts: &Attempts) {
    let a = attempts;
    a.count += 1;
}
"""
        },
        ["build"],
    )
    assert out.code != 0 and any("E0594" in ln or "E0596" in ln for ln in out.lines), out
    code = next(c for c in ("E0594", "E0596") if any(c in ln for ln in out.lines))
    toolchain = uses(
        "actions-rs/toolchain@v1",
        {"toolchain": "stable", "override": "true"},
        [
            SET_OUTPUT,
            "info: syncing channel updates for 'stable-x86_64-unknown-linux-gnu'",
            "  stable-x86_64-unknown-linux-gnu unchanged - rustc 1.95.0 (59807616e 2026-04-14)",
            SET_OUTPUT,
        ],
    )
    ci(
        "fr-p-multi-node16-and-set-output-deprecations-then-rustc-" + code.lower(),
        f"the job shows GitHub's Node.js 16 and set-output deprecation warnings for "
        f"actions-rs/toolchain, but the step that failed is cargo build with rustc {code}: "
        "`record` assigns through a shared reference (`&Attempts`); the warnings did not "
        "stop the job",
        ["multi-signal"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        repo=REPO,
        steps=[toolchain, failing(out, name="Build")],
        tail=[NODE16],
        message="feat(retry): count attempts",
        files=["src/lib.rs"],
    )

    # 3b. hadolint warnings (below the failure threshold), then a vitest failure (blaze)
    at(WEB)
    files = {
        "package.json": _pkg("console"),
        "Dockerfile": "FROM node:20-bookworm-slim\nRUN apt-get update && apt-get install -y "
        'curl\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n',
        "src/duration.js": "export function fmt(ms) {\n  const s = Math.round(ms / 1000);\n"
        "  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;\n}\n",
        "src/duration.test.js": 'import { expect, test } from "vitest";\n'
        'import { fmt } from "./duration.js";\n\n'
        'test("formats minutes", () => {\n  expect(fmt(61_000)).toBe("1m 1s");\n});\n\n'
        'test("formats hours", () => {\n  expect(fmt(3_723_000)).toBe("1h 2m 3s");\n});\n',
        "ci/check.sh": "set -e\nhadolint --no-color --failure-threshold error Dockerfile\n"
        "npx vitest run\n",
    }
    out = real.sh(
        "fr-p-hadolint-vitest", files, "bash ci/check.sh", "bash ci/check.sh", node_modules=True
    )
    assert out.code != 0 and any("DL3008" in ln for ln in out.lines), out
    assert any("1h 2m 3s" in ln for ln in out.lines), out
    ci(
        "fr-p-multi-hadolint-warnings-then-vitest-hours-assertion",
        "one check step prints hadolint DL3008/DL3009/DL3015 warnings (below the `error` "
        "failure threshold, so hadolint passes) and then fails in vitest: fmt(3_723_000) "
        "returns '62m 3s' where the test expects '1h 2m 3s'; the change adds hour "
        "formatting's test but not the code",
        ["multi-signal", "wrapper"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="check",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Check")],
        message="feat(runs): format hour-long durations",
        files=["src/duration.test.js"],
    )

    # 3c. ESLint warnings (exit 0), then a failing cargo test, one step (rex)
    at(REPO)
    files = {
        "Cargo.toml": real.cargo_toml("healer"),
        "src/lib.rs": """/// Backoff before retry `n` (1-based), capped at five minutes.
pub fn backoff_secs(n: u32) -> u64 {
    (2u64.pow(n)).min(300)
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_retry_waits_one_second() {
        assert_eq!(super::backoff_secs(1), 1);
    }
}
""",
        "web/eslint.config.js": 'import js from "@eslint/js";\nimport globals from "globals";\n\n'
        "export default [\n  js.configs.recommended,\n"
        '  { languageOptions: { globals: globals.browser }, rules: { "no-unused-vars": "warn", '
        '"no-console": "warn" } },\n];\n',
        "web/package.json": _pkg("healer-web"),
        "web/src/status.js": "const unused = 1;\nexport function badge(s) {\n"
        '  console.log("badge", s);\n  return s === "failed" ? "red" : "green";\n}\n',
        "scripts/test-all.sh": "set -e\n(cd web && npx eslint .)\ncargo test --lib\n",
    }
    path = real.crate("fr-p-eslint-cargo", files)
    real.link_node_modules(path / "web")
    lines, code = real.run(
        "bash scripts/test-all.sh",
        path,
        env={
            "CARGO_NET_OFFLINE": "true",
            "PATH": f"{real.NODE / 'node_modules' / '.bin'}:{os.environ['PATH']}",
        },
    )
    out = real.Out("bash scripts/test-all.sh", lines, code)
    assert code != 0 and any("no-unused-vars" in ln for ln in lines), lines
    assert any("first_retry_waits_one_second" in ln for ln in lines), lines
    ci(
        "fr-p-multi-eslint-warnings-then-cargo-test-backoff",
        "scripts/test-all.sh prints two ESLint warnings for the web folder (exit 0) and then "
        "cargo test fails: backoff_secs(1) is 2 where the test expects 1 (2^n instead of "
        "2^(n-1)); the Rust assertion stopped the job, not the lint warnings",
        ["multi-signal", "wrapper"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), *node_setup(), failing(out, name="Test all")],
        message="feat(retry): exponential backoff",
        files=["src/lib.rs", "web/src/status.js"],
    )

    # 3d. a continue-on-error kubectl diff refused, then tsc TS2322 (blaze)
    at(WEB)
    port = real.free_port()
    diff = real.sh(
        "fr-p-diff-refused",
        {"k8s/deployment.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: console\n"},
        f"kubectl --server=https://127.0.0.1:{port} --insecure-skip-tls-verify --token=ci diff -f k8s/",
        "kubectl diff -f k8s/",
        env={"KUBECONFIG": "/dev/null"},
        hosts={f"127.0.0.1:{port}": "10.0.4.12:6443"},
    )
    assert diff.code != 0 and any("refused" in ln for ln in diff.lines), diff
    tsc = real.tsc(
        "fr-p-tsc-ts2322",
        {
            "src/filters.ts": "export type Status = 'queued' | 'running' | 'failed';\n\n"
            "export interface Filter {\n  status: Status;\n  limit: number;\n}\n\n"
            "export const defaults: Filter = { status: 'all', limit: 50 };\n"
        },
    )
    assert tsc.code != 0 and any("TS2322" in ln for ln in tsc.lines), tsc
    ci(
        "fr-p-multi-kubectl-diff-refused-continue-on-error-then-tsc-ts2322",
        "a continue-on-error preview step fails first (kubectl diff: connection refused to "
        "the cluster API), then the typecheck step fails with tsc TS2322: 'all' is not "
        "assignable to Status in the change's new default filter; only tsc failed the job",
        ["multi-signal"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                diff.command,
                diff.lines,
                diff.code,
                name="Preview manifest diff",
                conclusion="success",
            ),
            failing(tsc, name="Typecheck"),
        ],
        message="feat(runs): default filter",
        files=["src/filters.ts"],
    )

    # 3e. a clippy warning storm (no -D warnings), then kustomize's replicas error (bolt)
    at(PLAT)
    fns = "\n".join(
        f"pub fn route_{i}(x: &Vec<u32>) -> usize {{\n    return x.len() + {i};\n}}\n"
        for i in range(14)
    )
    files = {
        "Cargo.toml": real.cargo_toml("healer-render"),
        "src/lib.rs": fns,
        "deploy/kustomization.yaml": "resources:\n  - deployment.yaml\nreplicas:\n"
        "  - name: healer-apii\n    count: 3\n",
        "deploy/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        "  name: healer-api\nspec:\n  selector:\n    matchLabels: {app: healer-api}\n"
        "  template:\n    metadata:\n      labels: {app: healer-api}\n    spec:\n"
        "      containers:\n        - name: api\n"
        "          image: ghcr.io/5dlabs/healer-api:1.16.0\n",
        "ci.sh": "set -e\ncargo clippy -q\nkubectl kustomize deploy > /tmp/rendered.yaml\n",
    }
    path = real.crate("fr-p-clippy-kustomize", files)
    lines, code = real.run("bash ci.sh", path, env={"CARGO_NET_OFFLINE": "true"})
    out = real.Out("bash ci.sh", lines, code)
    assert code != 0 and any("healer-apii" in ln for ln in lines), lines
    assert sum("warning:" in ln for ln in lines) >= 20, lines
    ci(
        "fr-p-multi-clippy-warning-storm-then-kustomize-replicas-name",
        "ci.sh prints some thirty clippy warnings (needless_return, ptr_arg; not denied, "
        "clippy exits 0) and then kubectl kustomize fails: the overlay's replicas entry "
        "names 'healer-apii', which matches no Deployment; the typo in the kustomization "
        "stopped the job",
        ["multi-signal", "noisy", "wrapper", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="ci",
        job="rust-lint",
        repo=PLAT,
        steps=[*rust_setup(), failing(out, name="CI script")],
        message="chore(deploy): three API replicas",
        files=["deploy/kustomization.yaml"],
    )

    # 3f. pytest passes with a DeprecationWarning summary, then ESLint errors (blaze)
    at(WEB)
    files = {
        "package.json": _pkg("console"),
        "eslint.config.js": 'import js from "@eslint/js";\nimport globals from "globals";\n\n'
        "export default [\n  js.configs.recommended,\n"
        "  { languageOptions: { globals: globals.browser } },\n];\n",
        "src/poll.js": "export function poll(fetchRuns, onRuns) {\n"
        "  const timer = setInterval(async () => {\n    onRuns(await fetchRuns());\n"
        "  }, intervalMs);\n  return () => clearInterval(timer);\n}\n",
        "tools/test_fixtures.py": """import datetime
import warnings


def stamp():
    warnings.warn("fixture stamps use naive UTC", DeprecationWarning, stacklevel=2)
    return datetime.datetime.utcnow().isoformat()


def test_fixture_stamp_is_iso():
    assert "T" in stamp()


def test_fixture_names():
    for i in range(3):
        assert f"page-{i}.json".endswith(".json")
        stamp()
""",
        "ci/verify.sh": "set -e\npython3 -m pytest -q tools\nnpx eslint src\n",
    }
    venv = real.WORK / "b4-venv" / "bin"
    out = real.sh(
        "fr-p-pytest-eslint",
        files,
        "bash ci/verify.sh",
        "bash ci/verify.sh",
        env={"PATH": f"{venv}:{real.NODE / 'node_modules' / '.bin'}:{os.environ['PATH']}"},
        node_modules=True,
    )
    assert out.code != 0 and any("no-undef" in ln for ln in out.lines), out
    assert any("DeprecationWarning" in ln for ln in out.lines), out
    ci(
        "fr-p-multi-pytest-deprecation-summary-then-eslint-no-undef",
        "ci/verify.sh runs the Python fixture tests (2 passed, with a summary of "
        "DeprecationWarnings for naive UTC stamps) and then ESLint, which fails with "
        "no-undef: 'intervalMs' is not defined in the change's new poll helper",
        ["multi-signal", "wrapper"],
        "blaze",
        "frontend_lint",
        workflow="console-ci",
        job="verify",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Verify")],
        message="feat(runs): poll for new runs",
        files=["src/poll.js"],
    )


# ------------------------------------------------------------------ 4. noisy or healthy context


def noisy() -> None:
    # 4a. a failing cargo test next to a loud, unrelated cluster (rex)
    at(REPO)
    out = _cargo(
        "fr-p-noisy-cargo",
        {
            "src/lib.rs": """/// The run id in a check-run's external id (`healer:<run>:<attempt>`).
pub fn run_id(external: &str) -> Option<u64> {
    external.split(':').nth(2)?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_the_run_id() {
        assert_eq!(super::run_id("healer:8812:2"), Some(8812));
    }
}
"""
        },
        ["test", "--lib"],
    )
    assert out.code != 0 and any("8812" in ln for ln in out.lines), out
    cid = "fr-p-noisy-cargo"
    created, first, last = clock(cid)
    other = pod_name(cid, "loki-write", "l")
    ci(
        "fr-p-noisy-ctx-cargo-test-run-id-with-loud-cluster",
        "cargo test fails: run_id('healer:8812:2') returns Some(2) where 8812 is expected "
        "(the change takes the third field instead of the second); the context is loud but "
        "unrelated: a loki-write pod OOMKilled in the logging namespace, a firing disk "
        "alert, a Degraded grafana app and promtail 429s",
        ["noisy", "context-driven"],
        "rex",
        "rust_test",
        workflow="rust",
        job="cargo-test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="feat(checks): read the run id from the external id",
        files=["src/lib.rs"],
        extra={
            "kubernetes": {
                "pods": [
                    shapes.pod(
                        other,
                        "logging",
                        "loki-write",
                        "grafana/loki:3.3.2",
                        created=created,
                        restarts=5,
                        memory_limit="1Gi",
                        port=3100,
                        terminated={
                            "exit_code": 137,
                            "reason": "OOMKilled",
                            "started": first,
                            "finished": last,
                        },
                    )
                ],
                "events": [
                    shapes.event(
                        "logging",
                        "Pod",
                        other,
                        "BackOff",
                        f"Back-off restarting failed container loki-write in pod {other}_logging",
                        first=first,
                        last=last,
                        count=12,
                    )
                ],
            },
            "argocd": [
                {
                    "name": "grafana",
                    "sync_status": "OutOfSync",
                    "health_status": "Degraded",
                    "message": "Deployment grafana: Deployment does not have minimum availability",
                }
            ],
            "prometheus": {
                'ALERTS{alertstate="firing"}': [
                    {
                        "metric": {
                            "alertname": "NodeFilesystemAlmostOutOfSpace",
                            "node": "k3s-worker-1",
                        }
                    },
                    {"metric": {"alertname": "KubePodCrashLooping", "namespace": "logging"}},
                ]
            },
            "loki": [
                "level=warn ts=2026-11-18T10:02:11Z caller=client.go:419 component=client "
                'host=loki-gateway msg="error sending batch, will retry" status=429 '
                'error="server returned HTTP status 429 Too Many Requests (429): Ingestion rate '
                'limit exceeded"',
                "level=error ts=2026-11-18T10:02:14Z caller=flush.go:143 org_id=fake "
                'msg="failed to flush" err="context deadline exceeded"',
            ],
        },
    )

    # 4b. healthy staging, the e2e job's vitest assertion decides (blaze)
    at(WEB)
    vt = real.vitest(
        "fr-p-healthy-vitest",
        {
            "src/relative.js": "export function relative(seconds) {\n"
            "  if (seconds < 60) return 'just now';\n"
            "  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;\n"
            "  return `${Math.floor(seconds / 3600)} h ago`;\n}\n",
            "src/relative.test.js": 'import { expect, test } from "vitest";\n'
            'import { relative } from "./relative.js";\n\n'
            'test("an hour and a half", () => {\n'
            '  expect(relative(5400)).toBe("1.5 h ago");\n});\n',
        },
    )
    assert vt.code != 0 and any("1.5 h ago" in ln for ln in vt.lines), vt
    cid = "fr-p-healthy-vitest"
    ci(
        "fr-p-healthy-ctx-post-deploy-vitest-relative-time",
        "after a deploy, the verify job's vitest fails: relative(5400) returns '1 h ago' "
        "where the test expects '1.5 h ago'; the pods are Ready with normal events and "
        "Loki holds only info-level request lines: the change's formatter decides",
        ["context-driven", "noisy"],
        "blaze",
        "frontend_test",
        workflow="deploy-staging",
        job="verify",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(vt, name="Unit tests")],
        message="feat(runs): relative times in hours",
        files=["src/relative.js", "src/relative.test.js"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    cid, "console", "console", "ghcr.io/5dlabs/console:2.3.0", port=3000
                ),
                "events": normal_events(cid, "console", "console"),
            },
            "loki": [
                '{"level":"info","msg":"request","method":"GET","path":"/api/runs","status":200,'
                '"ms":14}',
                '{"level":"info","msg":"request","method":"GET","path":"/healthz","status":200,'
                '"ms":1}',
                '{"level":"warn","msg":"slow request","path":"/api/runs/export","ms":1210}',
            ],
        },
    )

    # 4c. healthy context, a smoke fetch reset with nothing to explain it (atlas)
    with reset_server() as port:
        smoke = real.sh(
            "fr-p-smoke-reset",
            {
                "smoke.test.mjs": f"""import {{ test }} from "node:test";
import assert from "node:assert/strict";

test("runs page answers", async () => {{
  const res = await fetch("http://127.0.0.1:{port}/runs").catch((e) => {{
    console.error(`smoke: GET /runs: ${{e.message}} (${{e.cause?.code}})`);
    throw e;
  }});
  assert.equal(res.status, 200);
}});
""",
            },
            "node --test smoke.test.mjs",
            "node --test smoke.test.mjs",
            hosts={f"http://127.0.0.1:{port}": "https://console-staging.5dlabs.ai"},
        )
    smoke = real.Out(
        smoke.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 72.823728", ln) for ln in smoke.lines],
        smoke.code,
    )
    assert smoke.code != 0 and any("ECONNRESET" in ln for ln in smoke.lines), smoke
    cid = "fr-p-smoke-reset"
    ci(
        "fr-p-noisy-ctx-smoke-fetch-econnreset-healthy-staging",
        "the staging smoke test fails with fetch failed / ECONNRESET against the console; "
        "the pods are Ready with no restarts, Loki shows only a cert-manager renewal notice "
        "and slow-request warnings, and the change is a copy edit: a transient network reset",
        ["flaky-infra", "noisy", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=[*node_setup(), failing(smoke, name="Smoke")],
        message="copy(runs): clearer empty state",
        files=["src/EmptyState.tsx"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    cid, "console", "console", "ghcr.io/5dlabs/console:2.3.1", port=3000
                ),
                "events": normal_events(cid, "console", "console"),
            },
            "loki": [
                'level=info msg="certificate will be renewed" resource_name=console-tls '
                "resource_namespace=console",
                '{"level":"warn","msg":"slow request","path":"/api/runs/export","ms":1480}',
            ],
            "argocd": [
                {
                    "name": "console",
                    "sync_status": "Synced",
                    "health_status": "Healthy",
                    "message": "successfully synced (all tasks run)",
                }
            ],
        },
    )


# ------------------------------------------------------------------ 5. obvious


def obvious() -> None:
    # 5a. rustdoc: a broken intra-doc link under RUSTDOCFLAGS=-D warnings (rex)
    at(REPO)
    out = _cargo(
        "fr-p-rustdoc",
        {
            "src/lib.rs": """//! Triage records.

/// A triage decision; see [`Agent::route`] for how the agent is chosen.
pub struct Decision {
    pub agent: String,
}
""",
        },
        ["doc", "--no-deps"],
        env={"RUSTDOCFLAGS": "-D warnings"},
    )
    assert out.code != 0 and any(
        "broken_intra_doc_links" in ln or "unresolved link" in ln for ln in out.lines
    ), out
    ci(
        "fr-p-obvious-rustdoc-broken-intra-doc-link-deny-warnings",
        "cargo doc with RUSTDOCFLAGS=-D warnings fails: unresolved link to `Agent::route` "
        "in the new Decision docs (there is no Agent type in scope)",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="docs",
        job="rustdoc",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo doc", env={"RUSTDOCFLAGS": "-D warnings"})],
        message="docs(triage): document Decision",
        files=["src/lib.rs"],
    )

    # 5b. clippy iter_nth denied (rex)
    out = _cargo(
        "fr-p-clippy-nth",
        {
            "src/lib.rs": "/// The first label of a run, if any.\n"
            "pub fn first_label(labels: &[String]) -> Option<&String> {\n"
            "    labels.iter().nth(0)\n}\n"
        },
        ["clippy", "--", "-D", "warnings"],
        shown="cargo clippy -- -D warnings",
    )
    assert out.code != 0 and any("#iter_nth" in ln for ln in out.lines), out
    ci(
        "fr-p-obvious-clippy-iter-nth-on-slice",
        "cargo clippy -D warnings fails on clippy::iter_nth ('called `.iter().nth()` on a "
        "slice'): `labels.iter().nth(0)` in the new first_label helper",
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="rust",
        job="lint",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(labels): first label helper",
        files=["src/lib.rs"],
    )

    # 5c. tsc -b: a referenced project that disables emit (TS6310) (blaze)
    at(WEB)
    files = {
        "package.json": _pkg("console", {"typecheck": "tsc -b"}),
        "tsconfig.json": json.dumps(
            {"files": [], "references": [{"path": "./packages/api"}, {"path": "./packages/app"}]},
            indent=2,
        ),
        "packages/api/tsconfig.json": json.dumps(
            {
                "compilerOptions": {
                    "composite": True,
                    "noEmit": True,
                    "outDir": "dist",
                    "strict": True,
                },
                "include": ["src"],
            },
            indent=2,
        ),
        "packages/api/src/index.ts": "export interface Run {\n  id: number;\n}\n",
        "packages/app/tsconfig.json": json.dumps(
            {
                "compilerOptions": {"composite": True, "outDir": "dist", "strict": True},
                "references": [{"path": "../api"}],
                "include": ["src"],
            },
            indent=2,
        ),
        "packages/app/src/main.ts": "export const first = 1;\n",
    }
    out = real.sh("fr-p-tsc-refs", files, "npx tsc -b", "npx tsc -b", node_modules=True)
    assert out.code != 0 and any(
        "TS6310" in ln or "TS6304" in ln or "TS5053" in ln for ln in out.lines
    ), out
    ci(
        "fr-p-obvious-tsc-build-referenced-project-may-not-disable-emit",
        "tsc -b fails on the project references: the change set `noEmit: true` in "
        "packages/api's tsconfig, which a composite, referenced project may not do",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="build(api): skip emitting the api package",
        files=["packages/api/tsconfig.json"],
    )

    # 5d. ESLint flat config with an eslintrc-style `extends` key (blaze)
    files = {
        "package.json": _pkg("console"),
        "eslint.config.js": 'import js from "@eslint/js";\n\nexport default [\n'
        "  js.configs.recommended,\n"
        '  { extends: ["plugin:react/recommended"], rules: { "no-console": "warn" } },\n];\n',
        "src/a.js": "export const a = 1;\n",
    }
    out = real.sh("fr-p-eslint-flat", files, "npx eslint .", "npx eslint .", node_modules=True)
    assert out.code != 0 and any('"extends" key' in ln for ln in out.lines), out
    ci(
        "fr-p-obvious-eslint-flat-config-extends-key",
        'ESLint 9 stops before linting: \'A config object is using the "extends" key, which '
        "is not supported in flat config system' in the change's eslint.config.js",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="console-ci",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Lint")],
        message="chore(lint): react rules",
        files=["eslint.config.js"],
    )

    # 5e. kustomize: an overlay merging into a configMapGenerator the base does not have (bolt)
    at(PLAT)
    out = real.kubectl(
        "fr-p-kustomize-merge",
        {
            "overlays/staging/kustomization.yaml": "resources:\n  - ../../base\n"
            "configMapGenerator:\n  - name: healer-settings\n    behavior: merge\n"
            "    literals:\n      - LOG_LEVEL=debug\n",
            "base/kustomization.yaml": "resources:\n  - deployment.yaml\n"
            "configMapGenerator:\n  - name: healer-config\n    literals:\n"
            "      - LOG_LEVEL=info\n",
            "base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            "  name: healer-api\nspec:\n  selector:\n    matchLabels: {app: healer-api}\n"
            "  template:\n    metadata:\n      labels: {app: healer-api}\n    spec:\n"
            "      containers:\n        - name: api\n"
            "          image: ghcr.io/5dlabs/healer-api:1.16.0\n",
        },
        ["kustomize", "overlays/staging"],
        "kubectl kustomize overlays/staging",
    )
    assert out.code != 0 and any("cannot merge or replace" in ln for ln in out.lines), out
    ci(
        "fr-p-obvious-kustomize-configmapgenerator-merge-missing-base",
        "kubectl kustomize fails on the staging overlay: its configMapGenerator merges into "
        "'healer-settings', which the base never generates (the base's generator is "
        "healer-config): 'does not exist; cannot merge or replace'",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="render",
        repo=PLAT,
        steps=[*kube_setup()[:1], failing(out, name="Render staging")],
        message="chore(staging): debug logging",
        files=["overlays/staging/kustomization.yaml"],
    )


def more() -> None:
    # 6a. vitest passes, its JUnit reporter cannot write: the disk is full (atlas)
    at(WEB)
    cid = "fr-p-vitest-junit-enospc"
    tests = "\n".join(
        f'test("row {i} renders the status column", () => {{\n  expect(badge("ok")).toBe("green");\n}});'
        for i in range(1, 41)
    )
    files = {
        "package.json": _pkg("console"),
        "src/badge.js": 'export const badge = (s) => (s === "ok" ? "green" : "red");\n',
        "src/rows.test.js": 'import { expect, test } from "vitest";\n'
        'import { badge } from "./badge.js";\n\n' + tests + "\n",
    }
    path = real.scratch(cid, files)
    real.link_node_modules(path)
    (path / "reports").mkdir()
    lines, code = real.run(
        _tmpfs(
            "npx vitest run --reporter=default --reporter=junit "
            "--outputFile.junit=reports/junit.xml",
            "reports",
            "4k",
        ),
        path,
    )
    # the reporter's stack is cut to its first three frames (which write fails varies)
    lines = [ln for ln in lines if ln.strip() and "JUnitReporter." not in ln]
    out = real.Out(
        "npx vitest run --reporter=default --reporter=junit --outputFile.junit=reports/junit.xml",
        lines,
        code,
    )
    assert code != 0 and any("ENOSPC" in ln for ln in lines), (code, lines)
    assert any("40 passed" in ln for ln in lines), lines
    ci(
        "fr-p-disk-vitest-junit-reporter-enospc-after-40-passing-tests",
        "all 40 vitest tests pass, then vitest fails with an Unhandled Error from its JUnit "
        "reporter: ENOSPC: no space left on device, write (reports/junit.xml); the change "
        "edits one badge colour: the runner's disk was full",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Vitest")],
        message="style(runs): green for ok",
        files=["src/badge.js"],
    )

    # 6b. a Python search-index script's MemoryError; its own output shows it (atlas)
    at(REPO)
    script = """import sys

pages = []
print("search-index: loading docs/ (every page, every revision)", flush=True)
for rev in range(1, 400):
    pages.append(("page-%d" % rev, "x" * 4_000_000))
    if rev % 10 == 0:
        print(f"search-index: {len(pages)} revisions held, ~{len(pages) * 4} MB", flush=True)
print("search-index: writing index.json")
"""
    path = real.scratch("fr-p-py-memoryerror", {"scripts/build_search_index.py": script})
    lines, code = real.run("prlimit --as=300000000 python3 scripts/build_search_index.py", path)
    out = real.Out("python3 scripts/build_search_index.py", lines, code)
    assert code != 0 and any("MemoryError" in ln for ln in lines), lines
    ci(
        "fr-p-oom-python-search-index-memoryerror-own-growth",
        "the docs job's Python search-index script dies with MemoryError after its own "
        "output shows it holding every revision of every page (~4 MB each); the script is "
        "the repository's Python tooling, which no specialist owns, and the Rust docs are "
        "not involved",
        ["resource-kill", "context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="docs",
        job="rustdoc",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build search index")],
        message="docs(search): index every revision",
        files=["scripts/build_search_index.py"],
    )

    # 6c. pods OOMKilled; Loki shows the Rust service's own dedup set growing (rex)
    grow = _rust_log(
        "fr-p-rust-dedup",
        """use std::collections::HashSet;

fn main() {
    // since 1.17.0 every webhook delivery is remembered (keyed by its signed header blob)
    // to drop redeliveries
    let mut seen: HashSet<String> = HashSet::new();
    let mut bytes = 0usize;
    for batch in 1..=8u64 {
        for i in 0..150_000u64 {
            let key = format!("{:0>384x}", batch * 1_000_000 + i);
            bytes += key.len() + 48;
            seen.insert(key);
        }
        eprintln!(
            "WARN healer_api::webhooks: delivery dedup set holds {} entries (~{} MiB), no expiry configured",
            seen.len(),
            bytes / (1024 * 1024)
        );
    }
}
""",
    )
    assert any("1200000 entries" in ln for ln in grow), grow
    at(PLAT)
    cid = "fr-p-ctx-dedup-oom"
    ro = rollout(cid, NS, "healer-api", 3, 3, 2)
    assert ro.code != 0, ro
    created, first, last = clock(cid)
    name = pod_name(cid, "healer-api")
    pod = shapes.pod(
        name,
        NS,
        "healer-api",
        "ghcr.io/5dlabs/healer-api:1.17.0",
        created=created,
        restarts=4,
        port=8080,
        memory_limit="512Mi",
        waiting=(
            "CrashLoopBackOff",
            f"back-off 1m20s restarting failed container=healer-api pod={name}_{NS}",
        ),
        terminated={"exit_code": 137, "reason": "OOMKilled", "started": first, "finished": last},
    )
    ci(
        "fr-p-ctx-rollout-oomkilled-loki-dedup-set-grows",
        "the healer-api rollout times out; a new pod is OOMKilled under the unchanged 512Mi "
        "limit and Loki shows the service's own warnings: its webhook delivery dedup set "
        "grows by 150,000 entries per batch to ~494 MiB with 'no expiry configured' (1.17.0 "
        "remembers every delivery by its header blob)",
        ["resource-kill", "context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout-healer",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="deploy: healer-api 1.17.0",
        files=["apps/healer/values.yaml"],
        extra={
            "kubernetes": {
                "pods": [pod],
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        name,
                        "BackOff",
                        f"Back-off restarting failed container healer-api in pod {name}_{NS}",
                        first=first,
                        last=last,
                        count=8,
                    )
                ],
            },
            "loki": grow,
        },
    )

    # 6d. a fixture download retried twice (curl's 503 warnings) and recovered, then a
    # node --test assertion (blaze)
    at(WEB)
    hits = {"n": 0}

    def flaky(req: object) -> tuple[int, str, str]:
        hits["n"] += 1
        if hits["n"] <= 2:
            return 503, "Service Unavailable", "text/plain"
        return 200, json.dumps({"runs": [{"id": 1, "ms": 90_500}]}), "application/json"

    with real.serve(flaky) as port:
        out = real.sh(
            "fr-p-retry-node-test",
            {
                "src/duration.mjs": "export const label = (ms) => `${Math.round(ms / 60000)} min`;\n",
                "test/duration.test.mjs": """import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { label } from "../src/duration.mjs";

test("labels the fixture run", () => {
  const { runs } = JSON.parse(readFileSync("fixtures/runs.json", "utf8"));
  assert.equal(label(runs[0].ms), "1.5 min");
});
""",
                "ci/e2e.sh": "set -e\nmkdir -p fixtures\n"
                f"curl -fsS --retry 3 --retry-all-errors --retry-delay 1 -o fixtures/runs.json "
                f"http://127.0.0.1:{port}/fixtures/runs.json\n"
                "node --test test/\n",
            },
            "bash ci/e2e.sh",
            "bash ci/e2e.sh",
            hosts={f"http://127.0.0.1:{port}": "https://fixtures.5dlabs.ai"},
        )
    out = real.Out(
        out.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 1.204817", ln) for ln in out.lines],
        out.code,
    )
    assert out.code != 0 and sum("error: 503" in ln for ln in out.lines) == 2, out
    assert any("1.5 min" in ln for ln in out.lines), out
    ci(
        "fr-p-multi-curl-retried-503-recovered-then-node-test-label",
        "ci/e2e.sh's fixture download prints two curl (22) 503 errors and then succeeds on "
        "curl's third attempt; "
        "the step fails afterwards in node --test: label(90500) is '2 min' where the test "
        "expects '1.5 min' (the change rounds to whole minutes); the recovered download did "
        "not stop the job",
        ["multi-signal", "wrapper"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="e2e",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="E2E")],
        message="feat(runs): minute labels",
        files=["src/duration.mjs"],
    )


def _rust_log(cid: str, source: str) -> list[str]:
    """Build and run a small Rust program; its stderr is what the pod logs."""
    path = real.crate(cid, {"src/main.rs": source})
    lines, code = real.run(["cargo", "build", "-q"], path, env={"CARGO_NET_OFFLINE": "true"})
    assert code == 0, lines
    lines, code = real.run(["./target/debug/healer"], path)
    assert code == 0, lines
    return [ln for ln in lines if ln.strip()]


def build() -> None:
    skip = os.environ.get("B16_SKIP", "").split(",")
    for part in (kills, context_kills, multi, noisy, obvious, more):
        if part.__name__ not in skip:
            part()
