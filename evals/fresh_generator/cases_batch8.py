"""Batch 8 of the fresh split (ids ``fr-h-``).

- resource kills: a rustc SIGKILLed under cargo (cargo's own ``signal: 9`` report), a vitest
  fork worker and ESLint killed, with nothing to blame but the runner; look-alikes where the
  killed program's own output (a build script printing its table growing), the change (a test
  cache that never evicts) or the cluster (a heap cap raised above the pod's limit) decide;
- multi-signal logs where only one tool's failure failed the job (continue-on-error steps,
  passing tests that log ``ERROR``/``panicked``, a download that recovered on retry);
- noisy and long logs (1,500 cargo tests named after errors, ``tsc -b --verbose`` over a
  monorepo, a client dry run of sixty manifests) with one real failure;
- transport failures inside cargo, git, kubectl and fetch with no explaining context, and
  look-alikes where the change introduced the wrong URL or port;
- traps whose visible error is a consequence of another owner's cause (conflict markers seen
  by tsc and rustc, a codegen download that failed, a service image that could not be pulled,
  an LFS pointer read as a fixture, a ``.dockerignore`` hiding files from the build);
- six obvious cases.

Every tool here runs for real (cargo/rustc/clippy, node, npm, tsc, eslint, vitest, jest,
kubectl/kustomize, actionlint, curl, git, the docker CLI against a 127.0.0.1 stand-in
daemon) against 127.0.0.1 servers or local directories; SIGKILLs are real kills."""

from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import time
from pathlib import Path

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import run
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
    silent_server,
)

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
NS = "healer"


def _pkg(scripts: dict[str, str] | None = None, name: str = "console") -> str:
    pkg: dict[str, object] = {"name": name, "version": "2.1.0", "private": True, "type": "module"}
    if scripts:
        pkg["scripts"] = scripts
    return json.dumps(pkg, indent=2) + "\n"


def _nonblank(out: real.Out) -> real.Out:
    return real.Out(out.command, [ln for ln in out.lines if ln.strip()], out.code)


# ------------------------------------------------------------------ killing one process


def _tree(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        kids: list[str] = []
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                kids += (task / "children").read_text().split()
        except OSError:
            pass
        for k in kids:
            found.append(int(k))
            todo.append(int(k))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def kill_one(
    name: str,
    files: dict[str, str],
    command: str,
    match: str,
    wait_for: float = 120,
    settle: float = 1.0,
    node_modules: bool = False,
    env: dict[str, str] | None = None,
) -> real.Out:
    """Run ``command`` as the runner does (``bash -e <script>``) and SIGKILL only the first
    descendant whose command line contains ``match`` (as the OOM killer picks one process);
    the parent tool then reports the kill itself."""
    path = real.scratch(name, {**files, "step.sh": command + "\n"})
    if node_modules:
        real.link_node_modules(path)
    full = {
        **os.environ,
        "CI": "true",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
        "CARGO_TERM_COLOR": "never",
        "CARGO_NET_OFFLINE": "true",
        "CARGO_BUILD_JOBS": "1",
        "PATH": f"{real.NODE / 'node_modules' / '.bin'}:{os.environ['PATH']}",
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
            if match in _cmdline(pid):
                victim = pid
                break
        else:
            time.sleep(0.2)
    assert victim is not None, f"{match} never started"
    time.sleep(settle)
    os.kill(victim, 9)
    text, _ = proc.communicate(timeout=120)
    script = "/home/runner/work/_temp/6f0d2c4e-93b1-4b7a-a2d5-1c8e7f3a9b64.sh"
    lines = []
    for raw in text.splitlines():
        line = raw.replace("step.sh:", script + ":").replace(str(path), real.RUNNER)
        line = line.replace(str(real.NODE / "node_modules"), real.RUNNER + "/node_modules")
        line = line.replace(str(real.WORK), "/home/runner/work")
        line = line.replace(str(Path.home()), "/home/runner")
        lines.append(real.pin(line.rstrip()))
    return real.Out(command, lines, proc.returncode)


# ------------------------------------------------------------------ resource kills

SLOW_MACRO = """use proc_macro::TokenStream;

/// Expands the routing table (reads nothing; the body is generated elsewhere).
#[proc_macro]
pub fn routing_table(_input: TokenStream) -> TokenStream {
    std::thread::sleep(std::time::Duration::from_secs(90));
    "pub const ROUTES: usize = 5;".parse().unwrap()
}
"""


def kills() -> None:
    # K1: rustc SIGKILLed while compiling the router; cargo reports signal 9 (atlas)
    at(REPO)
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
        "crates/macros/Cargo.toml": real.cargo_toml(
            "healer-macros", extra="[lib]\nproc-macro = true"
        ),
        "crates/macros/src/lib.rs": SLOW_MACRO,
        "crates/router/Cargo.toml": real.cargo_toml(
            "healer-router", deps='healer-macros = { path = "../macros" }'
        ),
        "crates/router/src/lib.rs": "healer_macros::routing_table!();\n\n"
        '/// Log prefix for routing decisions.\npub const PREFIX: &str = "[route]";\n',
    }
    out = kill_one(
        "fr-h-kill-rustc",
        files,
        "cargo build --release -p healer-router",
        "--crate-name healer_router",
        settle=2,
    )
    out = _nonblank(out)
    keep = [
        ln
        for ln in out.lines
        if "Compiling" in ln or ln.startswith("error") or "Caused by" in ln or "SIGKILL" in ln
    ]
    out = real.Out(out.command, keep, out.code)
    assert out.code == 101 and any("signal: 9, SIGKILL: kill" in ln for ln in out.lines), out
    ci(
        "fr-h-kill-rustc-signal-9-release-build",
        "cargo build --release fails because rustc compiling healer-router was SIGKILLed "
        "(cargo: 'signal: 9, SIGKILL: kill'); the change edits a log prefix constant and "
        "nothing shows the code's memory: the runner ran out of memory",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="release",
        job="build-linux-x86_64",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build release binary")],
        event="sensor",
        message="chore(router): shorter log prefix",
        files=["crates/router/src/lib.rs"],
    )

    # K2: a vitest fork worker SIGKILLed; vitest reports the worker exit (atlas)
    at(WEB)
    tests = {
        f"src/columns{i}.test.js": f"""import {{ test, expect }} from "vitest";
import {{ columns }} from "./columns.js";
test("table {i} has the agent column", async () => {{
  expect(columns({i})).toContain("agent");
  await new Promise((r) => setTimeout(r, {60000 if i == 3 else 10}));
}}, 120000);
"""
        for i in range(1, 4)
    }
    out = kill_one(
        "fr-h-kill-vitest-fork",
        {
            "package.json": _pkg(),
            "vitest.config.js": 'export default { test: { pool: "forks", poolOptions: { forks: { singleFork: true } } } };\n',
            "src/columns.js": 'export const columns = (n) => ["run", "agent", "status"].slice(0, n + 1);\n',
            **tests,
        },
        "npx vitest run",
        "(vitest 1)",
        settle=6,
        node_modules=True,
    )
    out = _nonblank(out)
    assert out.code != 0, out
    ci(
        "fr-h-kill-vitest-fork-worker-exited",
        "vitest's fork worker is SIGKILLed mid-run and vitest reports the worker exiting "
        "unexpectedly; the tests are three column checks and the change renames a column: "
        "runner memory, not the code",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="unit-tests",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Vitest")],
        message="fix(runs): agent column label",
        files=["src/columns.js"],
    )

    # K3: cargo test killed during a cache test; the change made the cache never evict (rex)
    at(REPO)
    out = real.killed(
        "fr-h-kill-memo",
        {
            "Cargo.toml": real.cargo_toml("healer-catalog"),
            "src/lib.rs": """pub mod cache {
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// Every rendered check-run summary, keyed by (repo, sha). Kept for the process's life
    /// so that re-deliveries are answered from memory.
    pub static SUMMARIES: Mutex<Option<HashMap<(String, String), String>>> = Mutex::new(None);

    pub fn summary(repo: &str, sha: &str) -> String {
        let mut guard = SUMMARIES.lock().unwrap();
        let map = guard.get_or_insert_with(HashMap::new);
        map.entry((repo.to_string(), sha.to_string()))
            .or_insert_with(|| format!("{repo}@{sha}: {}", "details ".repeat(512)))
            .clone()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn renders_a_summary() {
            assert!(summary("5dlabs/healer", "abc").starts_with("5dlabs/healer@abc"));
        }

        #[test]
        fn same_key_is_answered_from_memory() {
            assert_eq!(summary("a", "1"), summary("a", "1"));
        }

        #[test]
        fn warms_a_month_of_deliveries() {
            for sha in 0..4_000u32 {
                let _ = summary("5dlabs/healer", &format!("{sha:040x}"));
            }
            std::thread::sleep(std::time::Duration::from_secs(90));
        }
    }
}
""",
        },
        "cargo test --lib -- --test-threads=1",
        after=14,
    )
    out = _nonblank(out)
    assert out.code == 137 and any("warms_a_month" in ln for ln in out.lines), out
    ci(
        "fr-h-kill-cargo-test-summary-cache-never-evicts",
        "cargo test is killed (exit 137) inside cache::tests::warms_a_month_of_deliveries; the "
        "change replaced the bounded summary cache with a process-wide HashMap that is never "
        "evicted, and the test warms a month of deliveries into it: the code's own growth",
        ["resource-kill", "context-driven"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Unit tests")],
        message="perf(catalog): answer re-deliveries from memory",
        files=["src/lib.rs"],
        pr=pr_of(
            "fr-h-kill-memo",
            "perf(catalog): answer re-deliveries from memory",
            "Drops the 512-entry LRU: summaries now live in a static HashMap for the life of "
            "the process, so a re-delivered webhook never re-renders.",
        ),
    )

    # K4: ESLint killed by the runner (atlas)
    at(WEB)
    out = real.killed(
        "fr-h-kill-eslint",
        {
            "package.json": _pkg(),
            "eslint.config.js": """import js from "@eslint/js";
const wait = { meta: { type: "problem" }, create() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
  return {};
} };
export default [js.configs.recommended,
  { plugins: { local: { rules: { wait } } }, rules: { "local/wait": "error" } }];
""",
            "src/status.js": 'export const status = (run) => run.conclusion ?? "pending";\n',
        },
        "npx eslint . --max-warnings 0",
        after=5,
        node_modules=True,
    )
    # npm exec's own shell may or may not print a bare "Killed" first (a race): keep the
    # runner script's line, which every run prints
    out = real.Out(
        out.command, [ln for ln in out.lines if ln.strip() and ln.strip() != "Killed"], out.code
    )
    assert out.code == 137 and any("Killed" in ln for ln in out.lines), out
    ci(
        "fr-h-kill-eslint-killed-no-output",
        "npx eslint is killed (bash 'Killed', exit 137) before it prints any finding; the "
        "change is a one-line status helper and nothing shows the code's memory: the runner",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="ESLint")],
        message="fix(runs): pending status for queued runs",
        files=["src/status.js"],
    )

    # K5: pods OOMKilled because the chart raised the V8 heap above the pod limit (bolt)
    at(PLAT)
    ro = rollout("fr-h-heap-cap", "console", "console-ssr", 3, 3, 1)
    assert ro.code != 0, ro
    created, first, last = clock("fr-h-heap-cap")
    pods = []
    for i in range(2):
        name = pod_name("fr-h-heap-cap", "console-ssr", str(i))
        p = shapes.pod(
            name,
            "console",
            "console-ssr",
            "ghcr.io/5dlabs/console-ssr:2.1.0",
            created=created,
            restarts=3 + i,
            port=3000,
            memory_limit="512Mi",
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
        p["spec"]["containers"][0]["env"] = [
            {"name": "NODE_ENV", "value": "production"},
            {"name": "NODE_OPTIONS", "value": "--max-old-space-size=1536"},
        ]
        pods.append(p)
    ci(
        "fr-h-kill-oomkilled-heap-cap-above-limit",
        "the console-ssr rollout stalls: pods are OOMKilled under their unchanged 512Mi limit "
        "after the chart change raised NODE_OPTIONS --max-old-space-size from 384 to 1536, "
        "so V8 no longer collects before the container limit; the app code is unchanged",
        ["resource-kill", "context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="deploy",
        job="rollout-console",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="chore(console): give SSR more heap",
        files=["charts/console/values.yaml"],
        pr=pr_of(
            "fr-h-heap-cap",
            "chore(console): give SSR more heap",
            "Bumps NODE_OPTIONS to --max-old-space-size=1536 in values.yaml (was 384).",
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
                        count=14,
                    )
                ],
            },
            "prometheus": {
                'container_memory_working_set_bytes{namespace="console",container="console-ssr"}': [
                    {
                        "metric": {"container": "console-ssr", "pod": pods[0]["metadata"]["name"]},
                        "values": [
                            [1764300000 + 300 * i, str(180_000_000 + 52_000_000 * i)]
                            for i in range(8)
                        ],
                    }
                ],
                'kube_pod_container_resource_limits{namespace="console",container="console-ssr",resource="memory"}': 536870912,
            },
        },
    )

    # K6: a build script killed while its own output shows the generated table growing (rex)
    at(REPO)
    out = kill_one(
        "fr-h-kill-build-script",
        {
            "Cargo.toml": real.cargo_toml("healer-labels", extra='build = "build.rs"'),
            "build.rs": """// Precompute every combination of labels so routing is a single lookup.
fn main() {
    let labels = ["rust", "web", "infra", "security", "git", "flaky", "kill", "docs",
                  "release", "deps", "lint", "test", "build", "deploy", "chart"];
    let mut table: Vec<String> = Vec::new();
    for mask in 0u32..(1 << labels.len()) {
        let key: Vec<&str> = labels.iter().enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0).map(|(_, l)| *l).collect();
        // room for the rendered route list so entries never reallocate
        let mut entry = String::with_capacity(256 * 1024);
        entry.push_str(&key.join("+"));
        table.push(entry);
        if table.len() % 4096 == 0 {
            let bytes: usize = table.iter().map(|s| s.capacity()).sum();
            println!("labels: {} of {} combinations buffered ({} MiB reserved)",
                     table.len(), 1u64 << labels.len(), bytes >> 20);
        }
    }
    std::thread::sleep(std::time::Duration::from_secs(90));
}
""",
            "src/lib.rs": "// generated routing table\n",
        },
        "cargo build --release",
        "build-script-build",
        settle=15,
    )
    out = _nonblank(out)
    assert out.code == 101 and any("combinations buffered" in ln for ln in out.lines), out
    ci(
        "fr-h-kill-build-script-label-table-growth",
        "cargo build fails because healer-labels' build script was SIGKILLed; its own stdout "
        "shows it reserving 256 KiB for each of 32,768 label combinations, 1,024 MiB more "
        "with every progress line up to 8,192 MiB, which the change added: the code's own growth",
        ["resource-kill", "context-driven", "misleading-name"],
        "rex",
        "rust_build",
        workflow="release",
        job="build-binaries",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="perf(labels): precompute every label combination",
        files=["build.rs"],
    )


# ------------------------------------------------------------------ traps


def _docker_daemon(pull_error: str) -> http.server.BaseHTTPRequestHandler:
    """Answers of a stand-in Docker Engine API: no local image, and the pull fails."""

    def answer(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        if req.path.endswith("/_ping"):
            return 200, "OK", "text/plain; charset=utf-8"
        image = "postgres:16-alpine"
        if "/containers/create" in req.path:
            return 404, json.dumps({"message": f"No such image: {image}"}), "application/json"
        if "/images/create" in req.path:
            return 500, json.dumps({"message": pull_error}), "application/json"
        return 404, json.dumps({"message": "page not found"}), "application/json"

    return answer  # type: ignore[return-value]


def traps() -> None:
    # T1: tsc errors caused by committed conflict markers (atlas)
    at(WEB)
    out = real.tsc(
        "fr-h-trap-tsc-markers",
        {
            "src/filters.ts": """export interface RunFilter {
  agent?: string;
<<<<<<< HEAD
  status?: "queued" | "running" | "failed";
=======
  status?: "queued" | "in_progress" | "failure";
  since?: Date;
>>>>>>> main
}

export const defaultFilter: RunFilter = { status: "queued" };
""",
        },
    )
    assert out.code != 0 and any("TS1185" in ln for ln in out.lines), out
    ci(
        "fr-h-trap-tsc-ts1185-conflict-markers",
        "tsc fails with TS1185 'Merge conflict marker encountered' in src/filters.ts: the merge "
        "of main into the branch committed unresolved conflict markers",
        ["misleading-name"],
        "atlas",
        "merge_conflict",
        workflow="frontend",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="Merge branch 'main' into feat/run-filters",
        files=["src/filters.ts"],
    )

    # T2: rustc's "encountered diff marker" under clippy (atlas)
    at(REPO)
    out = real.cargo(
        "fr-h-trap-rustc-markers",
        {
            "src/main.rs": """mod dispatch {
<<<<<<< HEAD
    pub const BOLT_KINDS: &[&str] = &["chart"];
=======
    pub const BOLT_KINDS: &[&str] = &["chart", "kustomize"];
>>>>>>> origin/main

    pub fn agent_for(kind: &str) -> &'static str {
        if BOLT_KINDS.contains(&kind) { "bolt" } else { "atlas" }
    }
}

fn main() {
    println!("{}", dispatch::agent_for("chart"));
}
""",
        },
        ["clippy", "--", "-D", "warnings"],
    )
    assert out.code != 0 and any("diff marker" in ln for ln in out.lines), out
    ci(
        "fr-h-trap-rustc-diff-marker-clippy",
        "cargo clippy fails because rustc 'encountered diff marker' in src/main.rs: a rebase "
        "onto origin/main left conflict markers around the BOLT_KINDS constant",
        ["misleading-name"],
        "atlas",
        "merge_conflict",
        workflow="Rust CI",
        job="clippy",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(dispatch): route kustomize to bolt",
        files=["src/main.rs"],
    )

    # T3: the codegen download got a 503 (continue-on-error); tsc then misses the client (atlas)
    with real.serve((503, "<html><body><h1>503 Service Unavailable</h1></body></html>")) as port:
        gen = real.sh(
            "fr-h-trap-codegen-dl",
            {},
            f"curl -fsSL -o openapi.json http://127.0.0.1:{port}/v2/openapi.json && "
            "npx openapi-typescript openapi.json -o src/generated/client.ts",
            "curl -fsSL -o openapi.json https://api.5dlabs.ai/v2/openapi.json\n"
            "npx openapi-typescript openapi.json -o src/generated/client.ts",
            hosts={f"http://127.0.0.1:{port}": "https://api.5dlabs.ai"},
        )
    assert gen.code == 22, gen
    at(WEB)
    tsc = real.tsc(
        "fr-h-trap-codegen-tsc",
        {
            "src/runs.ts": """import type { paths } from "./generated/client";

type Runs = paths["/runs"]["get"]["responses"]["200"]["content"]["application/json"];

export function count(runs: Runs): number {
  return runs.length;
}
""",
        },
    )
    assert tsc.code != 0 and any("TS2307" in ln for ln in tsc.lines), tsc
    ci(
        "fr-h-trap-codegen-503-then-tsc-ts2307",
        "tsc fails with TS2307 (cannot find ./generated/client) because the continue-on-error "
        "codegen step's curl got a 503 from the API's OpenAPI endpoint, so no client was "
        "generated; the change is unrelated: a transient download failure",
        ["flaky-infra", "misleading-name", "multi-signal"],
        "atlas",
        "general",
        workflow="frontend",
        job="typecheck",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(gen.command, gen.lines, gen.code, name="Generate API client", conclusion="success"),
            failing(tsc, name="Typecheck"),
        ],
        event="check_run",
        check=("typecheck failed", "Process completed with exit code 2."),
        message="feat(runs): count runs per page",
        files=["src/runs.ts"],
    )

    # T4: a Rust integration test's postgres fixture cannot pull its image (atlas)
    at(REPO)
    path = real.crate(
        "fr-h-trap-pg",
        {
            "Cargo.toml": real.cargo_toml("healer-store"),
            "src/lib.rs": 'pub fn table() -> &\'static str { "runs" }\n',
            "tests/store.rs": """use std::process::Command;

fn start_postgres() -> String {
    let out = Command::new("docker")
        .args(["run", "-d", "--rm", "-p", "5432", "-e", "POSTGRES_PASSWORD=test", "postgres:16-alpine"])
        .output()
        .expect("docker CLI");
    if !out.status.success() {
        panic!("failed to start postgres fixture:\\n{}", String::from_utf8_lossy(&out.stderr));
    }
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn persists_a_run() {
    let id = start_postgres();
    assert!(!id.is_empty());
    assert_eq!(healer_store::table(), "runs");
}
""",
        },
    )
    pull = 'Get "https://registry-1.docker.io/v2/": received unexpected HTTP status: 503 Service Unavailable'
    with real.serve(_docker_daemon(pull)) as port:
        lines, code = real.run(
            ["cargo", "test", "--test", "store"],
            path,
            env={"CARGO_NET_OFFLINE": "true", "DOCKER_HOST": f"tcp://127.0.0.1:{port}"},
        )
    out = real.Out("cargo test --test store", lines, code)
    assert code != 0 and any("503 Service Unavailable" in ln for ln in lines), lines
    ci(
        "fr-h-trap-rust-test-postgres-image-pull-503",
        "the store integration test panics in its postgres fixture: 'docker run' could not "
        "pull postgres:16-alpine because Docker Hub answered 503; the test code is fine and "
        "nothing explains the registry error: a transient registry failure",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="integration",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Integration tests")],
        message="test(store): persist a run",
        files=["tests/store.rs"],
    )

    # T5: .dockerignore hides the locales from the image build; esbuild cannot resolve (bolt)
    at(WEB)
    build = real.npm_script(
        "fr-h-trap-dockerignore",
        {
            "src/main.js": 'import en from "./locales/en.json";\nconsole.log(en.title);\n',
        },
        {"build": "esbuild src/main.js --bundle --outfile=dist/main.js"},
        "build",
    )
    assert build.code != 0 and any("Could not resolve" in ln for ln in build.lines), build
    dockerfile = (
        "FROM node:20-alpine AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n"
        "COPY . .\nRUN npm run build\n\nFROM nginx:1.27-alpine\n"
        "COPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit("fr-h-bk-dockerignore", dockerfile, context_kb=96.3)
    bk.metadata()
    err = bk.run_until(
        6,
        [
            ln.replace(real.RUNNER, "/app").replace("web@0.3.0", "console@2.1.0")
            for ln in build.lines
        ],
        build.code,
    )
    ci(
        "fr-h-trap-dockerignore-hides-locales-esbuild",
        "the image build's RUN npm run build fails: esbuild cannot resolve ./locales/en.json; "
        "the file is in the repository (the CI build passes) but the change added "
        "'src/**/*.json' to .dockerignore, so it never reaches the build context",
        ["wrapper", "context-driven", "misleading-name"],
        "bolt",
        "docker_build",
        workflow="images",
        job="console-image",
        repo=WEB,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:sha-" + sha("b8di")[:7]),
        ],
        message="chore(docker): smaller build context",
        files=[".dockerignore"],
        pr=pr_of(
            "fr-h-trap-dockerignore",
            "chore(docker): smaller build context",
            "Ignores node_modules, coverage, *.md and src/**/*.json (test fixtures) in the "
            "Docker build context.",
        ),
    )

    # T6: a fixture is a Git LFS pointer because checkout did not fetch LFS objects (atlas)
    at(REPO)
    out = real.cargo(
        "fr-h-trap-lfs",
        {
            "Cargo.toml": real.cargo_toml("healer-render"),
            "src/lib.rs": """pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\\x89PNG\\r\\n\\x1a\\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn badge_fixture_is_a_png() {
        let bytes = std::fs::read("tests/fixtures/badge.png").unwrap();
        assert!(
            super::is_png(&bytes),
            "fixture is not a PNG; first bytes: {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(120)])
        );
    }
}
""",
            "tests/fixtures/badge.png": "version https://git-lfs.github.com/spec/v1\n"
            "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
            "size 48213\n",
        },
        ["test", "--lib"],
    )
    assert out.code != 0 and any("git-lfs" in ln for ln in out.lines), out
    ci(
        "fr-h-trap-lfs-pointer-fixture-rust-test",
        "a Rust test fails because tests/fixtures/badge.png holds a Git LFS pointer, not a PNG: "
        "the change moved fixtures to LFS but the workflow's checkout does not fetch LFS "
        "objects (lfs: false)",
        ["context-driven", "misleading-name"],
        "atlas",
        "git_error",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Unit tests")],
        message="chore(fixtures): track binary fixtures with Git LFS",
        files=[".gitattributes", "tests/fixtures/badge.png"],
    )


# ------------------------------------------------------------------ flakes and look-alikes


def _cargo_mirror(name: str, mirror: str, port_url: str, shown: str) -> real.Out:
    """``cargo fetch`` through a source-replacement mirror served on 127.0.0.1."""
    path = real.crate(
        name,
        {
            "Cargo.toml": real.cargo_toml("healer-docs", deps='pulldown-cmark = "0.12"'),
            "src/lib.rs": "//! Docs.\n",
            ".cargo/config.toml": '[source.crates-io]\nreplace-with = "mirror"\n\n'
            f'[source.mirror]\nregistry = "sparse+{port_url}"\n',
        },
    )
    lines, code = real.run(
        ["cargo", "fetch"],
        path,
        env={"CARGO_HOME": str(path / ".cargo-home"), "CARGO_NET_RETRY": "2"},
        hosts={port_url.rsplit("/index/", 1)[0] if "/index/" in port_url else port_url: mirror},
        timeout=120,
    )
    return real.Out(shown, lines, code)


def flakes() -> None:
    # F1: cargo's mirror resets the connection; nothing explains it (atlas)
    at(REPO)
    with reset_server() as port:
        out = _cargo_mirror(
            "fr-h-flaky-cargo-mirror",
            "https://crates-mirror.5dlabs.ai",
            f"http://127.0.0.1:{port}/index/",
            "cargo fetch",
        )
    assert out.code != 0, out
    ci(
        "fr-h-flaky-cargo-mirror-reset-docs",
        "cargo fetch in the docs job fails after retries: the crates mirror resets every "
        "connection ('Connection reset by peer'); the mirror URL is unchanged and the change "
        "edits a doc page: a transient network failure",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="docs",
        job="mdbook",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Fetch crates")],
        message="docs(routing): explain the default agent",
        files=["docs/src/routing.md"],
    )

    # F2: the change pointed the mirror at a path that does not exist (rex)
    with real.serve((404, "Not Found")) as port:
        out = _cargo_mirror(
            "fr-h-ctx-cargo-mirror-path",
            "https://crates-mirror.5dlabs.ai",
            f"http://127.0.0.1:{port}/crates/index/",
            "cargo fetch",
        )
    out = real.Out(
        out.command,
        [
            ln.replace(f"127.0.0.1:{port}", "crates-mirror.5dlabs.ai").replace(
                "http://crates-mirror", "https://crates-mirror"
            )
            for ln in out.lines
        ],
        out.code,
    )
    assert out.code != 0 and any("config.json not found" in ln for ln in out.lines), out
    ci(
        "fr-h-ctx-cargo-mirror-404-config-path-changed",
        "cargo fetch fails: 'config.json not found in registry' for the mirror; the change rewrote "
        ".cargo/config.toml's mirror to .../crates/index/, a path the mirror does not serve "
        "(it serves /index/): a Cargo configuration error introduced by the change",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_deps",
        workflow="docs",
        job="mdbook",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Fetch crates")],
        event="workflow_run",
        message="chore(cargo): move to the new mirror layout",
        files=[".cargo/config.toml"],
        pr=pr_of(
            "fr-h-ctx-cargo-mirror-path",
            "chore(cargo): move to the new mirror layout",
            "Points source replacement at sparse+https://crates-mirror.5dlabs.ai/crates/index/.",
        ),
    )

    # F3: kubectl's TLS handshake to the API server times out, Argo CD healthy (atlas)
    at(PLAT)
    with silent_server() as port:
        out = real.sh(
            "fr-h-flaky-kubectl-tls",
            {
                "apps/healer/api/deployment.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
            },
            f"kubectl --server=https://127.0.0.1:{port} --insecure-skip-tls-verify --token=ci "
            "diff -f apps/healer/api/",
            "kubectl diff -f apps/healer/api/",
            env={"KUBECONFIG": "/dev/null"},
            hosts={f"https://127.0.0.1:{port}": "https://10.96.0.1:443"},
            timeout=120,
        )
    out = real.Out(out.command, out.lines[-3:], out.code)
    assert out.code != 0 and any("TLS handshake timeout" in ln for ln in out.lines), out
    ci(
        "fr-h-flaky-kubectl-tls-handshake-timeout-argocd-diff",
        "kubectl diff in the Argo CD preview job fails with 'net/http: TLS handshake timeout' "
        "against the API server; Argo CD reports every application Synced and Healthy and the "
        "change is an annotation: a transient API connection failure",
        ["flaky-infra", "misleading-name", "argocd"],
        "atlas",
        "general",
        workflow="gitops",
        job="argocd-diff",
        repo=PLAT,
        steps=[*kube_setup(), failing(out, name="Diff against the cluster")],
        message="chore(api): add owner annotation",
        files=["apps/healer/api/deployment.yaml"],
        extra={
            "argocd": [
                {
                    "name": "healer-api",
                    "sync_status": "Synced",
                    "health_status": "Healthy",
                    "message": "successfully synced (all tasks run)",
                },
                {
                    "name": "healer-router",
                    "sync_status": "Synced",
                    "health_status": "Healthy",
                    "message": "successfully synced (all tasks run)",
                },
            ]
        },
    )

    # F4/F5: an e2e fetch fails; reset with healthy pods (atlas) vs a port the change set (blaze)
    at(WEB)
    e2e_test = """import { test, expect } from "vitest";
import { BASE } from "./config.js";
test("lists runs", async () => {
  const res = await fetch(`${BASE}/v1/runs?limit=5`);
  expect(res.status).toBe(200);
});
"""
    with reset_server() as port:
        out = _vitest_e2e(
            "fr-h-flaky-e2e-reset",
            {
                "e2e/config.js": f'export const BASE = process.env.E2E_BASE ?? "http://127.0.0.1:{port}";\n',
                "e2e/runs.test.js": e2e_test,
            },
            {
                f"http://127.0.0.1:{port}": "https://api.staging.5dlabs.ai",
                f"127.0.0.1:{port}": "api.staging.5dlabs.ai:443",
            },
        )
    assert out.code != 0 and any("fetch failed" in ln for ln in out.lines), out
    ci(
        "fr-h-flaky-e2e-fetch-reset-healthy-api",
        "the console e2e test's fetch to the staging API fails ('fetch failed', connection "
        "reset); the API pods are Ready with no restarts or warning events and the change "
        "only restyles a table: a transient network failure",
        ["flaky-infra", "context-driven"],
        "atlas",
        "general",
        workflow="e2e",
        job="console-e2e",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="E2E")],
        message="style(runs): denser table rows",
        files=["src/runs/table.css"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-h-flaky-e2e-reset", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.17.2"
                ),
                "events": normal_events("fr-h-flaky-e2e-reset", NS, "healer-api"),
            }
        },
    )

    port = real.free_port()
    out = _vitest_e2e(
        "fr-h-ctx-e2e-port",
        {
            "e2e/config.js": f'export const BASE = process.env.E2E_BASE ?? "http://127.0.0.1:{port}";\n',
            "e2e/runs.test.js": e2e_test,
        },
        {
            f"http://127.0.0.1:{port}": "http://api.staging.5dlabs.ai:8443",
            f"127.0.0.1:{port}": "10.43.18.7:8443",
        },
    )
    out = real.Out(
        out.command,
        [
            re.sub(r"address: '127\.0\.0\.1', port: \d+", "address: '10.43.18.7', port: 8443", ln)
            for ln in out.lines
        ],
        out.code,
    )
    assert out.code != 0 and any("ECONNREFUSED" in ln for ln in out.lines), out
    ci(
        "fr-h-ctx-e2e-refused-base-url-port-changed",
        "the console e2e test's fetch is refused (ECONNREFUSED 10.43.18.7:8443); the API pods "
        "are Ready and listen on 8080, and the change moved the e2e config's base URL to port "
        "8443: the test configuration the change introduced",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="e2e",
        job="console-e2e",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="E2E")],
        message="test(e2e): talk to the API over TLS",
        files=["e2e/config.js"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-h-ctx-e2e-port", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.17.2"
                ),
                "events": normal_events("fr-h-ctx-e2e-port", NS, "healer-api"),
            }
        },
    )

    # F6: a git clone of the proto repository gets a 500 in a cargo-test job (atlas)
    at(REPO)
    with real.serve((500, "Internal Server Error")) as port:
        out = real.sh(
            "fr-h-flaky-git-500",
            {},
            f"git clone --depth 1 http://127.0.0.1:{port}/5dlabs/healer-proto.git proto",
            "git clone --depth 1 https://github.com/5dlabs/healer-proto.git proto",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert out.code != 0 and any("500" in ln for ln in out.lines), out
    ci(
        "fr-h-flaky-git-clone-500-proto-cargo-test",
        "cloning the shared proto repository fails with HTTP 500 from GitHub in the cargo-test "
        "job before any Rust runs; the repository and URL are unchanged: a transient GitHub "
        "error",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="cargo-test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Fetch protos")],
        message="feat(router): log the delivery id",
        files=["src/router.rs"],
    )


def _vitest_e2e(name: str, files: dict[str, str], hosts: dict[str, str]) -> real.Out:
    path = real.node_project(
        name,
        {
            "vitest.config.js": 'export default { test: { include: ["e2e/**/*.test.js"] } };\n',
            **files,
        },
    )
    lines, code = real.run(["vitest", "run"], path, hosts=hosts, timeout=120)
    return real.Out("npx vitest run --config vitest.config.js", lines, code)


LOCK_WAIT = "Blocking waiting for file lock"


def _without_lock_waits(fn):  # type: ignore[no-untyped-def]
    """cargo prints a lock wait only when another cargo on the machine holds the package
    cache at that moment; a runner has no such neighbour, so the line is dropped."""

    def wrapped(*args, **kw):  # type: ignore[no-untyped-def]
        out = fn(*args, **kw)
        if isinstance(out, real.Out):
            return real.Out(out.command, [ln for ln in out.lines if LOCK_WAIT not in ln], out.code)
        lines, code = out
        return [ln for ln in lines if LOCK_WAIT not in ln], code

    return wrapped


def build() -> None:
    global kill_one
    saved = (real.run, real.killed, kill_one)
    real.run = _without_lock_waits(real.run)
    real.killed = _without_lock_waits(real.killed)
    kill_one = _without_lock_waits(kill_one)
    try:
        kills()
        traps()
        flakes()
        multi()
        noisy()
        obvious()
    finally:
        real.run, real.killed, kill_one = saved


# ------------------------------------------------------------------ multi-signal


def multi() -> None:
    # M1: passing cargo test prints ERROR/panicked lines; jest fails (blaze)
    at(REPO)
    ct = real.cargo(
        "fr-h-multi-cargo-noise",
        {
            "src/lib.rs": """pub fn deliver(attempt: u32) -> Result<(), String> {
    if attempt < 2 {
        eprintln!("ERROR healer::deliver: attempt {attempt} failed: upstream returned 502");
        return Err("502".into());
    }
    eprintln!("INFO  healer::deliver: delivered on attempt {attempt}");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn retries_until_delivered() {
        let mut attempt = 0;
        while super::deliver(attempt).is_err() {
            attempt += 1;
        }
        assert_eq!(attempt, 2);
    }

    #[test]
    fn a_panicking_handler_is_contained() {
        let r = std::panic::catch_unwind(|| panic!("handler panicked: simulated"));
        assert!(r.is_err());
    }
}
""",
        },
        ["test", "--", "--nocapture", "--test-threads=1"],
    )
    assert ct.code == 0 and any("ERROR" in ln for ln in ct.lines), ct
    at(WEB)
    js = real.jest(
        "fr-h-multi-jest",
        {
            "src/duration.js": """exports.humanize = (ms) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
};
""",
            "src/duration.test.js": """const { humanize } = require("./duration");
test("seconds", () => expect(humanize(4200)).toBe("4s"));
test("minutes", () => expect(humanize(61000)).toBe("1m 1s"));
test("exact minutes drop the seconds", () => expect(humanize(120000)).toBe("2m"));
""",
        },
    )
    # Jest prints a test's duration only when it crosses its threshold: drop it
    js = real.Out(
        js.command,
        [re.sub(r"^(\s+[✓✕] .*?) \(\d+ ?ms\)$", r"\1", ln) for ln in js.lines],
        js.code,
    )
    assert js.code != 0, js
    ci(
        "fr-h-multi-cargo-error-logs-then-jest-fails",
        "a passing cargo test step prints 'ERROR ... upstream returned 502' and 'handler "
        "panicked' from tests that exercise failures, then Jest fails: humanize(120000) "
        "returns '2m 0s', the test expects '2m'",
        ["multi-signal", "noisy", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="ci",
        job="rust-and-web",
        repo=WEB,
        steps=[
            *rust_setup(),
            run(ct.command, ct.lines, 0, name="Rust tests"),
            *node_setup(),
            npm_ci_ok(),
            failing(js, name="Web tests"),
        ],
        message="feat(runs): humanize durations",
        files=["src/duration.js", "src/duration.test.js"],
    )

    # M2: advisory ESLint and yamllint warnings; kustomize fails on a generator file (bolt)
    at(PLAT)
    lint = real.eslint(
        "fr-h-multi-eslint-warn",
        {"src/hooks.js": "export function hook(e) { let unused = 1; return e; }\n"},
        rules='{"no-unused-vars": "warn"}',
    )
    assert lint.code == 0 and any("warning" in ln for ln in lint.lines), lint
    yl = real.yamllint(
        "fr-h-multi-yamllint-warn",
        {
            "overlays/prod/kustomization.yaml": "resources:\n- ../../base\n"
            "configMapGenerator:\n- name: healer-api\n  envs:\n  - api.env\n"
        },
        ["overlays/prod"],
        config="extends: default\nrules:\n  indentation: {level: warning}\n  document-start: {level: warning}\n",
    )
    assert yl.code == 0 and any("warning" in ln for ln in yl.lines), yl
    kz = real.kubectl(
        "fr-h-multi-kustomize",
        {
            "base/kustomization.yaml": "resources:\n- deployment.yaml\n",
            "base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: healer-api\n"
            "spec:\n  selector:\n    matchLabels: {app: healer-api}\n  template:\n"
            "    metadata:\n      labels: {app: healer-api}\n    spec:\n      containers:\n"
            "      - name: api\n        image: ghcr.io/5dlabs/healer-api:0.17.2\n",
            "overlays/prod/kustomization.yaml": "resources:\n- ../../base\n"
            "configMapGenerator:\n- name: healer-api\n  envs:\n  - api.env\n",
            "overlays/prod/healer-api.env": "LOG_LEVEL=info\n",
        },
        ["kustomize", "overlays/prod"],
    )
    assert kz.code != 0, kz
    ci(
        "fr-h-multi-lint-warnings-then-kustomize-missing-env-file",
        "advisory ESLint and yamllint steps print warnings (both pass), then kubectl kustomize "
        "fails: the prod overlay's configMapGenerator reads api.env, but the file was renamed "
        "to healer-api.env",
        ["multi-signal", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="platform-checks",
        job="lint-and-render",
        repo=PLAT,
        steps=[
            *node_setup(),
            run(lint.command, lint.lines, 0, name="ESLint (advisory)"),
            run(yl.command, yl.lines, 0, name="yamllint"),
            failing(kz, name="Render prod overlay"),
        ],
        event="workflow_run",
        message="chore(api): rename the env file after the app",
        files=["overlays/prod/healer-api.env", "overlays/prod/api.env"],
    )

    # M3: a download that recovered on retry, passing vitest, then clippy fails (rex)
    at(REPO)
    hits = {"n": 0}

    def flaky(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        hits["n"] += 1
        if hits["n"] == 1:
            return 503, "upstream connect error", "text/plain"
        return 200, "#!/bin/sh\necho taplo 0.9.3\n", "application/octet-stream"

    with real.serve(flaky) as port:
        dl = real.sh(
            "fr-h-multi-curl-retry",
            {},
            f"curl -fsSL --retry 3 --retry-delay 1 -o taplo http://127.0.0.1:{port}/tamasfe/taplo/releases/download/0.9.3/taplo-linux-x86_64 && echo downloaded",
            "curl -fsSL --retry 3 --retry-delay 1 -o taplo https://github.com/tamasfe/taplo/releases/download/0.9.3/taplo-linux-x86_64 && echo downloaded",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert dl.code == 0 and any("503" in ln for ln in dl.lines), dl
    vt = real.vitest(
        "fr-h-multi-vitest-pass",
        {
            "src/badge.js": "export const badge = (ok) => (ok ? 'passing' : 'failing');\n",
            "src/badge.test.js": 'import { test, expect } from "vitest";\nimport { badge } from "./badge.js";\n'
            'test("failing badge", () => expect(badge(false)).toBe("failing"));\n',
        },
    )
    assert vt.code == 0, vt
    cl = real.cargo(
        "fr-h-multi-clippy",
        {
            "src/main.rs": """fn main() {
    let agents = vec!["rex", "blaze", "bolt"];
    let mut i = 0;
    for a in agents.iter() {
        println!("{i}: {a}");
        i += 1;
    }
}
""",
        },
        ["clippy", "--", "-D", "warnings"],
    )
    assert cl.code != 0, cl
    ci(
        "fr-h-multi-curl-retry-recovered-then-clippy",
        "a taplo download answers 503 once and succeeds on curl's retry, a vitest step passes "
        "testing a 'failing' badge, then cargo clippy -D warnings fails on "
        "explicit_counter_loop and useless_vec in src/main.rs",
        ["multi-signal", "misleading-name"],
        "rex",
        "rust_clippy",
        workflow="ci",
        job="toml-and-badges",
        repo=REPO,
        steps=[
            run(dl.command, dl.lines, 0, name="Install taplo"),
            *node_setup(),
            npm_ci_ok(),
            run(vt.command, vt.lines, 0, name="Badge tests"),
            *rust_setup(),
            failing(cl, name="Clippy"),
        ],
        message="feat(cli): number the agents",
        files=["src/main.rs"],
    )

    # M4: a continue-on-error cargo test fails; the coverage upload times out (atlas)
    nightly = real.cargo(
        "fr-h-multi-nightly",
        {
            "src/lib.rs": """pub fn shards(n: usize) -> usize { n.div_ceil(4) }

#[cfg(test)]
mod tests {
    #[test]
    fn shards_round_up() { assert_eq!(super::shards(9), 2); }
}
""",
        },
        ["test"],
    )
    assert nightly.code != 0, nightly
    with silent_server() as port:
        up = real.sh(
            "fr-h-multi-coverage",
            {"lcov.info": "TN:\nSF:src/lib.rs\nend_of_record\n"},
            f"curl -fsS --max-time 5 -F file=@lcov.info http://127.0.0.1:{port}/upload/healer",
            "curl -fsS --max-time 30 -F file=@lcov.info https://coverage.5dlabs.ai/upload/healer",
            hosts={f"http://127.0.0.1:{port}": "https://coverage.5dlabs.ai"},
        )
    lines = [re.sub(r"after \d+ milliseconds", "after 30001 milliseconds", ln) for ln in up.lines]
    up = real.Out(up.command, lines, up.code)
    assert up.code == 28, up
    ci(
        "fr-h-multi-allowed-nightly-test-failure-then-coverage-timeout",
        "an allowed-to-fail (continue-on-error) nightly cargo test step fails an assertion, "
        "then the step that fails the job is the coverage upload: curl (28) times out against "
        "the coverage server; nothing explains the timeout: a network failure",
        ["multi-signal", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="coverage",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                nightly.command,
                nightly.lines,
                nightly.code,
                name="Tests (nightly, allowed to fail)",
                conclusion="success",
            ),
            failing(up, name="Upload coverage"),
        ],
        message="feat(shards): split runs into shards",
        files=["src/lib.rs"],
    )

    # M5: passing node tests with warnings, then actionlint rejects a cron (atlas)
    at(WEB)
    nt = real.sh(
        "fr-h-multi-node-test",
        {
            "package.json": _pkg(),
            "test/url.test.mjs": """import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "node:url";
test("parses the runs url", () => {
  assert.equal(parse("https://ci.5dlabs.ai/runs?x=1").pathname, "/runs");
});
test("a failed upstream is reported", () => {
  console.error("Error: upstream failed with 502 (expected by this test)");
  assert.throws(() => { throw new Error("502"); }, /502/);
});
""",
        },
        "node --test test/",
        "node --test test/",
    )
    nt = real.Out(
        nt.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 0.52", ln) for ln in nt.lines],
        nt.code,
    )
    assert nt.code == 0, nt
    al = real.actionlint(
        "fr-h-multi-actionlint",
        {
            "nightly.yml": """name: nightly
on:
  schedule:
    - cron: "0 3 * * 1-7"
    - cron: "30 25 * * *"
jobs:
  e2e:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm run e2e
""",
        },
    )
    assert al.code != 0, al
    ci(
        "fr-h-multi-node-warnings-then-actionlint-cron",
        "node --test passes (one test logs 'Error: upstream failed with 502' on purpose), then "
        "actionlint fails on the nightly workflow: both cron entries are out of range "
        "(day-of-week 1-7, hour 25)",
        ["multi-signal", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="frontend",
        job="checks",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(nt.command, nt.lines, 0, name="Unit tests"),
            failing(al, name="Lint workflows"),
        ],
        message="ci(nightly): second e2e run in the evening",
        files=[".github/workflows/nightly.yml"],
    )


# ------------------------------------------------------------------ noisy and long


def noisy() -> None:
    # N1: 1,500 cargo tests named after errors and panics, one real failure (rex)
    at(REPO)
    words = ["error", "failed", "panic", "timeout", "refused", "killed"]
    tests = "\n".join(
        f"    #[test]\n    fn classifies_{words[i % 6]}_line_{i:04}() {{\n"
        f'        assert_eq!(classify("{words[i % 6]} {i}"), Some("{words[i % 6]}"));\n    }}'
        for i in range(1, 1501)
    )
    out = real.cargo(
        "fr-h-noisy-cargo",
        {
            "src/lib.rs": f"""pub fn classify(line: &str) -> Option<&'static str> {{
    const WORDS: [&str; 6] = ["error", "failed", "panic", "timeout", "refused", "killed"];
    let first = line.split_whitespace().next()?;
    // lines numbered 1337 are the canary and are never classified
    if line.ends_with(" 1337") {{
        return None;
    }}
    WORDS.iter().copied().find(|w| *w == first)
}}

#[cfg(test)]
mod tests {{
    use super::classify;
{tests}
}}
""",
        },
        ["test", "--", "--test-threads=1"],
    )
    fails = [ln for ln in out.lines if ln.endswith("FAILED")]
    assert out.code != 0 and len(fails) == 1, fails
    ci(
        "fr-h-noisy-cargo-test-1500-error-named-tests-one-fails",
        "1,500 cargo tests whose names say error/failed/panic/timeout/refused/killed all pass "
        "but one: classify() returns None for lines ending in 1337 (a canary special case), "
        "so classifies_killed_line_1337 fails",
        ["noisy", "long-log"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="feat(classify): skip canary lines",
        files=["src/lib.rs"],
    )

    # N2: tsc -b --verbose over 24 project references, one error (blaze)
    at(WEB)
    pkgs = [
        f"pkg-{n}"
        for n in [
            "api",
            "auth",
            "badges",
            "charts",
            "cli",
            "config",
            "core",
            "dates",
            "diff",
            "errors",
            "filters",
            "format",
            "hooks",
            "i18n",
            "icons",
            "logs",
            "metrics",
            "runs",
            "search",
            "settings",
            "sse",
            "table",
            "theme",
            "ui",
        ]
    ]
    files: dict[str, str] = {
        "tsconfig.json": json.dumps(
            {"files": [], "references": [{"path": f"packages/{p}"} for p in pkgs]}, indent=2
        ),
    }
    for p in pkgs:
        files[f"packages/{p}/tsconfig.json"] = json.dumps(
            {
                "compilerOptions": {
                    "composite": True,
                    "strict": True,
                    "target": "ES2022",
                    "module": "ES2022",
                    "moduleResolution": "bundler",
                    "outDir": "dist",
                    "rootDir": "src",
                    "types": [],
                },
                "include": ["src"],
            }
        )
        body = f'export const name = "{p}";\nexport function describe(): string {{\n  return `${{name}} ok`;\n}}\n'
        if p == "pkg-runs":
            body = (
                'export type Conclusion = "success" | "failure" | "cancelled";\n'
                "export function isFailed(c: Conclusion): boolean {\n"
                '  return c === "failed";\n}\n'
            )
        files[f"packages/{p}/src/index.ts"] = body
    path = real.node_project("fr-h-noisy-tsc-b", files)
    lines, code = real.run(["tsc", "-b", "--verbose"], path)
    lines = [re.sub(r"^\d{1,2}:\d\d:\d\d [AP]M - ", "11:42:07 AM - ", ln) for ln in lines]
    assert code != 0 and sum("error TS" in ln for ln in lines) == 1, lines
    out = real.Out("npx tsc -b --verbose", lines, code)
    ci(
        "fr-h-noisy-tsc-build-verbose-24-projects-one-error",
        "tsc -b --verbose builds 24 project references, printing every up-to-date check and "
        "build; one fails with TS2367: pkg-runs compares a Conclusion to 'failed', which is "
        "not one of its members",
        ["noisy", "long-log"],
        "blaze",
        "frontend_typecheck",
        workflow="frontend",
        job="build-packages",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build packages")],
        event="workflow_run",
        message="feat(runs): isFailed helper",
        files=["packages/pkg-runs/src/index.ts"],
    )

    # N3: a client dry run of sixty manifests against the API stand-in, one removed API (bolt)
    at(PLAT)
    names = [
        "error-pages",
        "failed-jobs-reaper",
        "panic-button",
        "oom-watcher",
        "crash-reporter",
        "timeout-proxy",
        "retry-queue",
        "dead-letter",
        "killswitch",
        "alertmanager-bridge",
    ]
    manifests: dict[str, str] = {}
    for i in range(60):
        app = f"{names[i % 10]}-{i // 10}"
        api = "apps/v1beta2" if i == 47 else "apps/v1"
        manifests[f"apps/{i:02d}-{app}.yaml"] = (
            f"apiVersion: {api}\nkind: Deployment\nmetadata:\n  name: {app}\n  namespace: ops\n"
            f"spec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: {app}}}\n  template:\n"
            f"    metadata:\n      labels: {{app: {app}}}\n    spec:\n      containers:\n"
            f"      - name: {app}\n        image: ghcr.io/5dlabs/{names[i % 10]}:1.{i}.0\n"
        )
    path = real.scratch("fr-h-noisy-kubectl", manifests)
    with real.serve(real.kube_api({})) as port:
        lines, code = real.run(
            [
                "kubectl",
                f"--server=http://127.0.0.1:{port}",
                "apply",
                "--dry-run=client",
                "--validate=false",
                "-R",
                "-f",
                "apps/",
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
            timeout=180,
        )
    assert code != 0 and any("v1beta2" in ln for ln in lines), lines
    out = real.Out("kubectl apply --dry-run=client -R -f apps/", lines, code)
    ci(
        "fr-h-noisy-kubectl-dry-run-60-manifests-apps-v1beta2",
        "a client dry run over sixty Deployments (names like error-pages, failed-jobs-reaper, "
        "panic-button) prints 59 'created (dry run)' lines; one manifest still uses the removed "
        "apps/v1beta2 API ('no matches for kind Deployment')",
        ["noisy", "long-log", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="gitops",
        job="validate-ops",
        repo=PLAT,
        steps=[*kube_setup(), failing(out, name="Dry run")],
        message="feat(ops): import the legacy dead-letter manifests",
        files=["apps/47-dead-letter-4.yaml"],
    )


# ------------------------------------------------------------------ obvious


def obvious() -> None:
    at(REPO)
    out = real.cargo(
        "fr-h-obv-clippy",
        {
            "src/main.rs": """fn main() {
    let weights = [3, 1, 4, 1, 5];
    let mut total = 0;
    for i in 0..weights.len() {
        total += weights[i];
    }
    println!("{total}");
}
""",
        },
        ["clippy", "--", "-D", "warnings"],
    )
    assert out.code != 0 and any("needless_range_loop" in ln for ln in out.lines), out
    ci(
        "fr-h-obv-clippy-needless-range-loop",
        "cargo clippy -D warnings fails on needless_range_loop: src/main.rs indexes weights "
        "in a 0..len() loop",
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="Rust CI",
        job="clippy",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(score): total weights",
        files=["src/main.rs"],
    )

    out = real.cargo(
        "fr-h-obv-e0425",
        {
            "src/main.rs": """fn retry_budget(attempts: u32) -> u32 {
    attempts * BACKOFF_MS
}

fn main() {
    println!("{}", retry_budget(3));
}
""",
        },
        ["build"],
    )
    assert out.code != 0 and any("E0425" in ln for ln in out.lines), out
    ci(
        "fr-h-obv-rustc-e0425-undefined-constant",
        "cargo build fails with E0425: BACKOFF_MS is used in src/main.rs but never defined",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(retry): budget from the backoff",
        files=["src/main.rs"],
    )

    at(WEB)
    out = real.eslint(
        "fr-h-obv-eslint",
        {
            "src/links.js": """export function runLink(run) {
  let base = "https://ci.5dlabs.ai/runs/";
  return base + run.id;
}
""",
        },
        rules='{"prefer-const": "error"}',
    )
    assert out.code != 0 and any("prefer-const" in ln for ln in out.lines), out
    ci(
        "fr-h-obv-eslint-prefer-const",
        "ESLint fails on prefer-const: 'base' in src/links.js is never reassigned",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="frontend",
        job="eslint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="ESLint")],
        message="feat(runs): link to the run page",
        files=["src/links.js"],
    )

    out = real.vitest(
        "fr-h-obv-vitest",
        {
            "src/parse.js": """export function parseLimit(v) {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new TypeError(`limit must be an integer`);
  return n;
}
""",
            "src/parse.test.js": """import { test, expect } from "vitest";
import { parseLimit } from "./parse.js";
test("rejects fractions with the value in the message", () => {
  expect(() => parseLimit("2.5")).toThrow("limit must be an integer, got 2.5");
});
""",
        },
    )
    assert out.code != 0, out
    ci(
        "fr-h-obv-vitest-tothrow-message",
        "a vitest test fails: parseLimit('2.5') throws 'limit must be an integer' but the test "
        "expects the message to include ', got 2.5'",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="vitest",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="fix(parse): reject fractional limits",
        files=["src/parse.js", "src/parse.test.js"],
    )

    at(PLAT)
    out = real.kubectl(
        "fr-h-obv-kustomize",
        {
            "overlays/staging/kustomization.yaml": "namespace: healer-staging\n"
            "resources:\n- deployment.yaml\ncommonLables:\n  env: staging\n",
            "overlays/staging/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
            "metadata:\n  name: healer-api\nspec:\n  selector:\n    matchLabels: {app: healer-api}\n"
            "  template:\n    metadata:\n      labels: {app: healer-api}\n    spec:\n"
            "      containers:\n      - name: api\n        image: ghcr.io/5dlabs/healer-api:0.17.2\n",
        },
        ["kustomize", "overlays/staging"],
    )
    assert out.code != 0 and any("commonLables" in ln for ln in out.lines), out
    ci(
        "fr-h-obv-kustomize-unknown-field-common-lables",
        "kubectl kustomize fails: the staging kustomization.yaml has an unknown field "
        "'commonLables' (a typo of commonLabels)",
        ["obvious", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="gitops",
        job="kustomize-build",
        repo=PLAT,
        steps=[*kube_setup(), failing(out, name="Build staging overlay")],
        message="chore(staging): label everything env=staging",
        files=["overlays/staging/kustomization.yaml"],
    )

    at(REPO)
    out = real.actionlint(
        "fr-h-obv-actionlint",
        {
            "ci.yml": """name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cargo test
  publish:
    needs: [tset]
    runs-on: ubuntu-latest
    steps:
      - run: echo publish
""",
        },
    )
    assert out.code != 0 and any("tset" in ln for ln in out.lines), out
    ci(
        "fr-h-obv-actionlint-needs-unknown-job",
        "actionlint fails on .github/workflows/ci.yml: job 'publish' needs 'tset', which does "
        "not exist (a typo of 'test')",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="workflows",
        job="actionlint",
        repo=REPO,
        steps=[failing(out, name="actionlint")],
        event="check_run",
        check=("actionlint", "1 error in .github/workflows/ci.yml"),
        message="ci: publish after tests",
        files=[".github/workflows/ci.yml"],
    )
