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
        "crates/macros/Cargo.toml": real.cargo_toml("healer-macros", extra="[lib]\nproc-macro = true"),
        "crates/macros/src/lib.rs": SLOW_MACRO,
        "crates/router/Cargo.toml": real.cargo_toml(
            "healer-router", deps='healer-macros = { path = "../macros" }'
        ),
        "crates/router/src/lib.rs": "healer_macros::routing_table!();\n\n"
        "/// Log prefix for routing decisions.\npub const PREFIX: &str = \"[route]\";\n",
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
    out = _nonblank(out)
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
            waiting=("CrashLoopBackOff", f"back-off 1m20s restarting failed container=console-ssr pod={name}_console"),
            terminated={"exit_code": 137, "reason": "OOMKilled", "started": first, "finished": last},
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
                        "values": [[1764300000 + 300 * i, str(180_000_000 + 52_000_000 * i)] for i in range(8)],
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
        ["clippy", "--all-targets", "--", "-D", "warnings"],
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
        message="feat(runs): count runs per page",
        files=["src/runs.ts"],
    )

    # T4: a Rust integration test's postgres fixture cannot pull its image (atlas)
    at(REPO)
    path = real.crate(
        "fr-h-trap-pg",
        {
            "Cargo.toml": real.cargo_toml("healer-store"),
            "src/lib.rs": "pub fn table() -> &'static str { \"runs\" }\n",
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
        [ln.replace(f"127.0.0.1:{port}", "crates-mirror.5dlabs.ai").replace("http://crates-mirror", "https://crates-mirror") for ln in out.lines],
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
            {"apps/healer/api/deployment.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"},
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
                {"name": "healer-api", "sync_status": "Synced", "health_status": "Healthy", "message": "successfully synced (all tasks run)"},
                {"name": "healer-router", "sync_status": "Synced", "health_status": "Healthy", "message": "successfully synced (all tasks run)"},
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
            {"e2e/config.js": f'export const BASE = process.env.E2E_BASE ?? "http://127.0.0.1:{port}";\n', "e2e/runs.test.js": e2e_test},
            {f"http://127.0.0.1:{port}": "https://api.staging.5dlabs.ai", f"127.0.0.1:{port}": "api.staging.5dlabs.ai:443"},
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
                "pods": ready_pods("fr-h-flaky-e2e-reset", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.17.2"),
                "events": normal_events("fr-h-flaky-e2e-reset", NS, "healer-api"),
            }
        },
    )

    port = real.free_port()
    out = _vitest_e2e(
        "fr-h-ctx-e2e-port",
        {"e2e/config.js": f'export const BASE = process.env.E2E_BASE ?? "http://127.0.0.1:{port}";\n', "e2e/runs.test.js": e2e_test},
        {f"http://127.0.0.1:{port}": "http://api.staging.5dlabs.ai:8443", f"127.0.0.1:{port}": "10.43.18.7:8443"},
    )
    out = real.Out(
        out.command,
        [re.sub(r"address: '127\.0\.0\.1', port: \d+", "address: '10.43.18.7', port: 8443", ln) for ln in out.lines],
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
                "pods": ready_pods("fr-h-ctx-e2e-port", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.17.2"),
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
    path = real.node_project(name, {"vitest.config.js": 'export default { test: { include: ["e2e/**/*.test.js"] } };\n', **files})
    lines, code = real.run(["vitest", "run"], path, hosts=hosts, timeout=120)
    return real.Out("npx vitest run --config vitest.config.js", lines, code)


def build() -> None:
    kills()
    traps()
    flakes()
    multi()
    noisy()
    obvious()
