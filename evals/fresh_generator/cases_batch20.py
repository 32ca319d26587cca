"""Batch 20 of the fresh split (ids ``fr-t-``): the six hard classes in tools and ecosystems
not used before (pnpm workspaces, Bun, Biome, a cargo xtask, a composite action, Kustomize
components, Helmfile, release-please, changesets, zizmor, check-jsonschema's workflow schema).

- wrappers whose inner tool decides (pnpm -r, bun run, cargo xtask, pnpm run ci, a composite
  action);
- cluster symptoms decided by the context, and noisy contexts where the log decides;
- platform failures under misleading job names, push protection;
- security known without a log; YAML by owner; resource kills; plain obvious cases.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import real
import shapes
from cases_batch5 import _push_rejected
from cases_batch8 import kill_one
from cases_batch14 import _alerts, _argo, _grafana_degraded, _noise_pods, _pkg, _rust
from cases_batch19 import _growth, _oom_pods, _vector_crashloop
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
from gha import alert, run, uses
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
DESK = "5dlabs/healer-desk"
NS = "healer"
IMG = "ghcr.io/5dlabs/healer-api:0.25.0"
B20_NODE = real.WORK / "b20-node"
B20_NODE_PKGS = ["pnpm@9.15.9", "@biomejs/biome@1.9.4", "bun@1.1.38"]
BUN_DIR = B20_NODE / "node_modules" / "@oven" / "bun-linux-x64-baseline" / "bin"


def ensure_b20_tools() -> None:
    """Install this batch's pinned clients into ``work/b20-node`` once (bun's own postinstall
    is not run; its baseline binary from the optional dependency is used as it is)."""
    marker = B20_NODE / ".pinned"
    if marker.exists() and marker.read_text() == " ".join(B20_NODE_PKGS):
        return
    B20_NODE.mkdir(parents=True, exist_ok=True)
    (B20_NODE / "package.json").write_text('{"name":"tools","private":true}')
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", *B20_NODE_PKGS],
        cwd=B20_NODE,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    marker.write_text(" ".join(B20_NODE_PKGS))


def _path() -> str:
    return (
        f"{B20_NODE / 'node_modules' / '.bin'}:{BUN_DIR}:"
        f"{real.NODE / 'node_modules' / '.bin'}:{real.VENV / 'bin'}:{os.environ['PATH']}"
    )


def _clean(lines: list[str]) -> list[str]:
    out = []
    for ln in lines:
        ln = ln.replace(str(B20_NODE / "node_modules"), real.RUNNER + "/node_modules")
        ln = ln.replace(str(real.WORK), "/home/runner/work")
        ln = re.sub(r"\[\d+(\.\d+)?m?s\]", "[12.00ms]", ln)
        ln = re.sub(r"Checked (\d+) files? in [\d.]+(µs|ms|s)\.", r"Checked \1 file in 9ms.", ln)
        ln = re.sub(r"duration_ms: [\d.]+", "duration_ms: 48.2113", ln)
        out.append(ln)
    return out


def _sh(
    name: str,
    files: dict[str, str],
    script: str,
    shown: str,
    node_modules: bool = False,
    env: dict[str, str] | None = None,
    hosts: dict[str, str] | None = None,
) -> real.Out:
    """``bash -e -c script`` in a scratch dir with this batch's tools first on PATH."""
    path = real.scratch(name, files)
    if node_modules:
        real.link_node_modules(path)
    lines, code = real.run(
        ["bash", "-e", "-c", script],
        path,
        env={"PATH": _path(), "CARGO_NET_OFFLINE": "true", **(env or {})},
        hosts=hosts,
        keep=lambda ln: ".npm/_logs" not in ln and "node_modules missing" not in ln,
    )
    return real.Out(shown, _clean(lines), code)


def _tsconfig(include: str = "src") -> str:
    return json.dumps(
        {
            "compilerOptions": {
                "strict": True,
                "noEmit": True,
                "target": "ES2022",
                "module": "ES2022",
                "moduleResolution": "bundler",
                "skipLibCheck": True,
            },
            "include": [include],
        },
        indent=2,
    )


def _pnpm_setup() -> list:
    return [
        uses(
            "pnpm/action-setup@v4",
            {"version": "9.15.9"},
            [
                "Installing pnpm@9.15.9",
                "  Installation Completed!",
            ],
        ),
        *node_setup(),
        run(
            "pnpm install --frozen-lockfile",
            [
                "Scope: all 4 workspace projects",
                "Lockfile is up to date, resolution step is skipped",
                "Progress: resolved 1, reused 0, downloaded 0, added 0",
                "Packages: +214",
                "++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++",
                "Progress: resolved 214, reused 214, downloaded 0, added 214, done",
                "Done in 3.1s",
            ],
            name="Install",
        ),
    ]


def _bun_setup() -> list:
    return [
        uses(
            "oven-sh/setup-bun@v2",
            {"bun-version": "1.1.38"},
            [
                "Downloading a new version of Bun: https://bun.sh/download/1.1.38/linux/x64?"
                "avx2=true&profile=false",
                "[command]/usr/bin/unzip -o -q /home/runner/work/_temp/bun-linux-x64.zip",
                "[command]/home/runner/.bun/bin/bun --revision",
                "1.1.38+bf2f153f5",
            ],
        ),
        run(
            "bun install --frozen-lockfile",
            [
                "bun install v1.1.38 (bf2f153f)",
                "",
                "Checked 187 installs across 203 packages (no changes) [412.00ms]",
            ],
            name="Install",
        ),
    ]


# ------------------------------------------------------------------ 1. wrappers


def wrappers() -> None:
    # 1a. pnpm -r run typecheck: tsc TS2345 in one workspace package (blaze)
    at(WEB)
    files = {
        "package.json": _pkg("console-monorepo", {"typecheck": "pnpm -r run typecheck"}),
        "pnpm-workspace.yaml": "packages:\n  - packages/*\n",
        "packages/api-client/package.json": _pkg("@console/api-client", {"typecheck": "tsc -p ."}),
        "packages/api-client/tsconfig.json": _tsconfig(),
        "packages/api-client/src/index.ts": """export interface Run {
  id: string;
  status: "queued" | "running" | "failed" | "passed";
  startedAt: number;
}

export async function listRuns(base: string): Promise<Run[]> {
  const res = await fetch(`${base}/runs`);
  return (await res.json()) as Run[];
}
""",
        "packages/ui/package.json": _pkg("@console/ui", {"typecheck": "tsc -p ."}),
        "packages/ui/tsconfig.json": _tsconfig(),
        "packages/ui/src/duration.ts": """export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}
""",
        "packages/ui/src/run-row.ts": """import { formatDuration } from "./duration";

export interface RunRow {
  id: string;
  startedAt: string; // ISO timestamp from the API
}

export function elapsed(row: RunRow, now: number): string {
  return formatDuration(now - row.startedAt);
}
""",
    }
    out = _sh(
        "fr-t-pnpm-typecheck",
        files,
        "pnpm -r --workspace-concurrency=1 run typecheck",
        "pnpm -r --workspace-concurrency=1 run typecheck",
    )
    assert out.code != 0 and any("TS2363" in ln for ln in out.lines), out
    ci(
        "fr-t-wrap-pnpm-recursive-typecheck-iso-timestamp",
        "pnpm -r run typecheck fails in @console/ui: tsc TS2363 reports that the right-hand "
        "side of the subtraction must be a number because the change typed RunRow.startedAt as an ISO "
        "string; pnpm's ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL is only the wrapper's line",
        ["wrapper", "obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="typecheck",
        repo=WEB,
        steps=[*_pnpm_setup(), failing(out, name="Typecheck")],
        message="feat(ui): show elapsed time on run rows",
        files=["packages/ui/src/run-row.ts"],
        pr=pr_of("fr-t-pnpm-typecheck", "feat(ui): show elapsed time on run rows"),
    )

    # 1b. bun run check: cargo fmt --check on the Tauri shell (rex)
    at(DESK)
    files = {
        "package.json": _pkg(
            "healer-desk",
            {"check": "cargo fmt --manifest-path src-tauri/Cargo.toml --check && tsc -p ."},
        ),
        "src-tauri/Cargo.toml": real.cargo_toml("healer-desk"),
        "src-tauri/src/main.rs": """mod tray;

fn main() {
    let menu = tray::menu_items();
    println!("{} tray entries", menu.len());
}
""",
        "src-tauri/src/tray.rs": """/// Entries of the system tray menu, in display order.
pub fn menu_items() -> Vec<(&'static str, &'static str)> {
    vec![("open", "Open Healer"), ("runs", "Recent runs"),
        ("quit", "Quit")]
}
""",
    }
    out = _sh("fr-t-bun-check", files, "bun run check", "bun run check")
    assert out.code != 0 and any("Diff in" in ln for ln in out.lines), out
    ci(
        "fr-t-wrap-bun-run-check-cargo-fmt-tauri-tray",
        "bun run check fails in its first half: cargo fmt --check shows a diff in the Tauri "
        "shell's src-tauri/src/tray.rs (a vec! split by hand); bun's 'script \"check\" exited "
        "with code 1' is the wrapper, the TypeScript half never ran",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_fmt",
        workflow="desk-ci",
        job="bun-check",
        repo=DESK,
        steps=[*rust_setup(), *_bun_setup(), failing(out, name="Check")],
        message="feat(tray): add a recent runs entry",
        files=["src-tauri/src/tray.rs"],
        pr=pr_of("fr-t-bun-check", "feat(tray): add a recent runs entry"),
    )

    # 1c. cargo xtask dist: vite build (Rollup) fails inside the Rust task runner (blaze)
    at(DESK)
    xtask = """use std::process::{exit, Command};

fn main() {
    let task = std::env::args().nth(1).unwrap_or_default();
    if task != "dist" {
        eprintln!("usage: cargo xtask dist");
        exit(2);
    }
    eprintln!("[xtask] building the frontend (ui/) with vite");
    let status = Command::new("vite")
        .args(["build", "--logLevel", "warn"])
        .current_dir("ui")
        .status()
        .expect("failed to spawn vite");
    if !status.success() {
        eprintln!("Error: `vite build` in ui/ exited with {status}");
        exit(1);
    }
    eprintln!("[xtask] bundling the Tauri app");
}
"""
    path = real.scratch(
        "fr-t-xtask",
        {
            "Cargo.toml": '[workspace]\nmembers = ["xtask"]\nresolver = "2"\n',
            ".cargo/config.toml": '[alias]\nxtask = "run -q --package xtask --"\n',
            "xtask/Cargo.toml": real.cargo_toml("xtask"),
            "xtask/src/main.rs": xtask,
            "ui/package.json": _pkg("healer-desk-ui"),
            "ui/index.html": '<script type="module" src="/src/main.js"></script>\n',
            "ui/src/main.js": """import { renderRuns } from "./views/runs.js";
import { openSettings } from "./views/settings.js";

document.querySelector("#app").append(renderRuns([]));
document.querySelector("#settings").addEventListener("click", openSettings);
""",
            "ui/src/views/runs.js": """export function renderRuns(runs) {
  const ul = document.createElement("ul");
  for (const r of runs) ul.append(Object.assign(document.createElement("li"), { textContent: r.id }));
  return ul;
}
""",
            "ui/src/views/settings.js": """// renamed from openSettings: the dialog now also edits the tray
export function showSettingsDialog() {
  document.querySelector("dialog#settings")?.showModal();
}
""",
        },
    )
    real.link_node_modules(path / "ui")
    lines, code = real.run(["cargo", "xtask", "dist"], path, env={"CARGO_NET_OFFLINE": "true"})
    out = real.Out("cargo xtask dist", _clean(lines), code)
    assert code != 0 and any("is not exported by" in ln for ln in out.lines), out
    ci(
        "fr-t-wrap-cargo-xtask-dist-rollup-missing-export",
        "cargo xtask dist fails: the Rust task runner spawns vite build in ui/, and Rollup "
        "reports that openSettings is not exported by src/views/settings.js (the change "
        "renamed it to showSettingsDialog); the xtask's own 'Error: `vite build` ... exited' "
        "line and cargo's exit are only the wrapper",
        ["wrapper", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="desk-release",
        job="cargo-xtask-dist",
        repo=DESK,
        steps=[*rust_setup(), *node_setup(), failing(out, name="Build app")],
        message="refactor(ui): settings dialog edits the tray too",
        files=["ui/src/views/settings.js"],
        pr=pr_of("fr-t-xtask", "refactor(ui): settings dialog edits the tray too"),
    )

    # 1d. pnpm run ci -> biome ci: a lint rule (blaze)
    at(WEB)
    files = {
        "package.json": _pkg("console", {"ci": "biome ci --colors=off ./src"}),
        "biome.json": json.dumps(
            {
                "$schema": "https://biomejs.dev/schemas/1.9.4/schema.json",
                "formatter": {"indentStyle": "space", "indentWidth": 2},
                "linter": {"enabled": True, "rules": {"recommended": True}},
            },
            indent=2,
        )
        + "\n",
        "src/filters.js": """export function matchesStatus(run, wanted) {
  if (wanted == null) {
    return true;
  }
  return run.status == wanted;
}
""",
    }
    out = _sh("fr-t-biome-ci", files, "pnpm run ci", "pnpm run ci")
    assert out.code != 0 and any("noDoubleEquals" in ln for ln in out.lines), out
    ci(
        "fr-t-wrap-pnpm-run-ci-biome-no-double-equals",
        "pnpm run ci runs biome ci, which fails on lint/suspicious/noDoubleEquals in "
        "src/filters.js (`run.status == wanted`); pnpm's ELIFECYCLE line is the wrapper",
        ["wrapper", "obvious"],
        "blaze",
        "frontend_lint",
        workflow="ci",
        job="ci",
        repo=WEB,
        steps=[*_pnpm_setup(), failing(out, name="Biome")],
        message="feat(runs): filter by status",
        files=["src/filters.js"],
        pr=pr_of("fr-t-biome-ci", "feat(runs): filter by status"),
    )

    # 1e. a local composite action whose inner step runs clippy (rex)
    at(REPO)
    out = real.cargo(
        "fr-t-composite-clippy",
        {
            "src/lib.rs": """/// Labels attached to a failed run, without the bot's own markers.
pub fn visible_labels(labels: &[String]) -> Vec<String> {
    let kept: Vec<String> = labels.iter().filter(|l| !l.starts_with("healer:")).cloned().collect();
    if kept.len() == 0 {
        return vec!["unlabelled".to_string()];
    }
    kept
}
"""
        },
        ["clippy", "--all-targets", "--", "-D", "warnings"],
    )
    assert out.code != 0 and any("len_zero" in ln for ln in out.lines), out
    inner = [
        "##[group]Run cargo clippy --all-targets -- -D warnings",
        "cargo clippy --all-targets -- -D warnings",
        "shell: /usr/bin/bash --noprofile --norc -e -o pipefail {0}",
        "env:",
        "  CARGO_TERM_COLOR: always",
        "##[endgroup]",
        *out.lines,
    ]
    ci(
        "fr-t-wrap-composite-action-verify-clippy-len-zero",
        "the local composite action ./.github/actions/verify fails in its inner clippy step: "
        "clippy::len_zero (`kept.len() == 0`) denied by -D warnings in the labels module; the "
        "composite action's frame is only the wrapper",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_clippy",
        workflow="pr",
        job="setup-and-verify",
        repo=REPO,
        steps=[
            *rust_setup(),
            uses(
                "./.github/actions/verify",
                {"toolchain": "stable", "components": "clippy"},
                [
                    "##[group]Run cargo fetch --locked",
                    "cargo fetch --locked",
                    "shell: /usr/bin/bash --noprofile --norc -e -o pipefail {0}",
                    "##[endgroup]",
                    *inner,
                ],
                name="Verify",
                error=["##[error]Process completed with exit code 101."],
            ),
        ],
        message="feat(labels): hide the bot's own labels",
        files=["crates/healer/src/labels.rs"],
        pr=pr_of("fr-t-composite-clippy", "feat(labels): hide the bot's own labels"),
    )


def build() -> None:
    ensure_b20_tools()
    wrappers()
    context()
    platform()
    security()
    yaml_owner()
    kills()
    obvious()


# ------------------------------------------------------------------ 2. cluster context


def context() -> None:
    # 2a. rollout deadline; Loki: Rust split_once unwrap on the flag list (rex)
    at(REPO)
    cid = "fr-t-ctx-rollout-rust-flag-list-split-once"
    logs = _rust(
        "fr-t-rust-flags",
        "healer-api",
        """use std::collections::HashMap;

/// FEATURE_FLAGS is parsed as `name=on|off` pairs (was: a plain comma list of enabled names).
fn parse_flags(raw: &str) -> HashMap<String, bool> {
    raw.split(',')
        .map(|kv| kv.split_once('=').unwrap())
        .map(|(k, v)| (k.trim().to_string(), v.trim() == "on"))
        .collect()
}

fn main() {
    let raw = std::env::var("FEATURE_FLAGS").unwrap_or_default();
    eprintln!("healer-api 0.25.0 starting, flags={raw}");
    let flags = parse_flags(&raw);
    eprintln!("{} flags enabled", flags.values().filter(|on| **on).count());
}
""",
        env={"FEATURE_FLAGS": "triage-v2,agent-handoff"},
    )
    ro = rollout("fr-t-ro-flags", NS, "healer-api", 3, 1, 2, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(cid, NS, "healer-api", IMG, 101, logs)
    ctx["kubernetes"]["pods"][0]["spec"]["containers"][0]["env"] = [
        {"name": "FEATURE_FLAGS", "value": "triage-v2,agent-handoff"},
        {"name": "RUST_LOG", "value": "info"},
    ]
    ci(
        cid,
        "kubectl rollout status runs past its progress deadline; the new healer-api pod "
        "crash-loops and Loki shows a Rust panic 'called `Option::unwrap()` on a `None` value' "
        "in parse_flags: the change expects name=on pairs while the deployed FEATURE_FLAGS is "
        "still a plain comma list",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(api): flags can be switched off explicitly",
        files=["crates/api/src/flags.rs"],
        pr=pr_of(cid, "feat(api): flags can be switched off explicitly"),
        extra=ctx,
    )

    # 2b. e2e node --test gets 502; Loki: Node TypeError Invalid URL on a relative base (blaze)
    at(WEB)
    cid = "fr-t-ctx-e2e-502-node-invalid-url-relative-base"
    test = """import { test } from "node:test";
import assert from "node:assert/strict";

const base = process.env.E2E_BASE_URL;

test("runs page lists the latest runs", async () => {
  const res = await fetch(`${base}/api/runs?limit=5`);
  assert.equal(res.status, 200);
});
"""
    with real.serve((502, "<html><head><title>502 Bad Gateway</title></head></html>\n")) as port:
        e2e = real.node_run(
            "fr-t-e2e-502",
            {"package.json": _pkg("console-e2e"), "e2e/runs.test.mjs": test},
            "--test",
            env={"E2E_BASE_URL": f"http://127.0.0.1:{port}"},
            hosts={f"http://127.0.0.1:{port}": "https://console.staging.5dlabs.ai"},
            shown="node --test e2e/",
        )
    e2e = real.Out(
        "node --test e2e/",
        [re.sub(r"duration_ms [\d.]+", "duration_ms 48.2113", ln) for ln in _clean(e2e.lines)],
        e2e.code,
    )
    assert e2e.code != 0 and any("502" in ln for ln in e2e.lines), e2e
    crash = real.node_run(
        "fr-t-node-invalid-url",
        {
            "package.json": _pkg("console-bff"),
            "server/upstream.js": """// the API base now comes from the same setting the browser uses
const apiBase = new URL(process.env.PUBLIC_API_PATH ?? "/api");

export function upstream(path) {
  return new URL(path, apiBase).toString();
}
""",
            "server/index.js": """import { upstream } from "./upstream.js";

console.log(`console-bff proxying ${upstream("/runs")}`);
""",
        },
        "server/index.js",
        env={"PUBLIC_API_PATH": "/api"},
    )
    assert crash.code != 0 and any("Invalid URL" in ln for ln in crash.lines), crash
    logs = [ln.replace(real.RUNNER, "/app") for ln in crash.lines if ln.strip()]
    ctx = crashing(
        cid, "console", "console-bff", "ghcr.io/5dlabs/console-bff:2.7.0", 1, logs, port=3000
    )
    ctx["kubernetes"]["pods"][0]["spec"]["containers"][0]["env"] = [
        {"name": "PUBLIC_API_PATH", "value": "/api"},
        {"name": "PORT", "value": "3000"},
    ]
    ci(
        cid,
        "the e2e node --test run gets 502 from the staging console; console-bff crash-loops "
        "and Loki shows Node's TypeError [ERR_INVALID_URL]: Invalid URL for input '/api': the "
        "change builds the server's upstream from the browser's relative PUBLIC_API_PATH",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="e2e",
        job="e2e-staging",
        repo=WEB,
        steps=[*node_setup(), failing(e2e, name="E2E")],
        message="refactor(bff): one API base setting for browser and server",
        files=["server/upstream.js"],
        pr=pr_of(cid, "refactor(bff): one API base setting for browser and server"),
        extra=ctx,
    )

    # 2c. kubectl wait; pods Pending: a GPU Kustomize component added to staging (bolt)
    at(PLAT)
    cid = "fr-t-ctx-wait-kustomize-gpu-component-node-selector"
    out = wait_available("fr-t-wait-gpu", NS, "healer-embedder")
    assert out.code != 0, out
    created, first, last = clock(cid)
    pods, events = [], []
    for i in range(2):
        name = pod_name(cid, "healer-embedder", str(i))
        p = shapes.pod(
            name,
            NS,
            "healer-embedder",
            "ghcr.io/5dlabs/healer-embedder:0.4.1",
            created=created,
            phase="Pending",
            port=8080,
            memory_limit="1Gi",
        )
        p["spec"]["nodeSelector"] = {"nvidia.com/gpu.present": "true"}
        p["spec"].pop("nodeName", None)
        p["status"].pop("containerStatuses", None)
        p["status"]["conditions"] = [
            {
                "type": "PodScheduled",
                "status": "False",
                "reason": "Unschedulable",
                "message": "0/3 nodes are available: 3 node(s) didn't match Pod's node "
                "affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not "
                "helpful for scheduling.",
                "lastTransitionTime": first,
            }
        ]
        pods.append(p)
        events.append(
            shapes.event(
                NS,
                "Pod",
                name,
                "FailedScheduling",
                "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. "
                "preemption: 0/3 nodes are available: 3 Preemption is not helpful for "
                "scheduling.",
                first=first,
                last=last,
                count=14 + i,
                component="default-scheduler",
            )
        )
    ci(
        cid,
        "kubectl wait for Available times out on healer-embedder; both pods stay Pending with "
        "FailedScheduling '3 node(s) didn't match Pod's node affinity/selector': the change "
        "added the components/gpu Kustomize component (nodeSelector nvidia.com/gpu.present) "
        "to the staging overlay, whose k3s nodes have no GPU",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="deploy-staging",
        repo=PLAT,
        steps=[*kube_setup(), failing(out, name="Wait for healer-embedder")],
        message="feat(embedder): use the GPU component in every overlay",
        files=["overlays/staging/kustomization.yaml", "overlays/prod/kustomization.yaml"],
        pr=pr_of(cid, "feat(embedder): use the GPU component in every overlay"),
        extra={"kubernetes": {"pods": pods, "events": events}},
    )

    # 2d. argocd app wait times out; Argo CD ComparisonError: Kustomization used as component
    cid = "fr-t-ctx-argocd-wait-kustomization-listed-as-component"
    path = real.scratch(
        "fr-t-kust-component",
        {
            "apps/healer/overlays/staging/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: healer
resources:
  - ../../base
components:
  - ../../components/tls
""",
            "apps/healer/base/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - service.yaml
""",
            "apps/healer/base/service.yaml": """apiVersion: v1
kind: Service
metadata:
  name: healer-api
spec:
  selector: {app: healer-api}
  ports: [{name: http, port: 80, targetPort: 8080}]
""",
            "apps/healer/components/tls/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - certificate.yaml
""",
            "apps/healer/components/tls/certificate.yaml": """apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: healer-api
spec:
  secretName: healer-api-tls
  dnsNames: [api.staging.5dlabs.ai]
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
""",
        },
    )
    lines, code = real.run(
        ["kubectl", "kustomize", "apps/healer/overlays/staging"],
        path,
        env={"KUBECONFIG": "/dev/null"},
    )
    assert code != 0, lines
    # kubectl's klog frame around kustomize's own error (kustomize prints the bare error)
    found = re.search(r'err="(.*)"$', " ".join(ln.strip() for ln in lines))
    assert found, lines
    kerr = found.group(1).replace('\\"', '"')
    kerr = kerr.replace(real.RUNNER, "/tmp/_argocd-repo/" + sha(cid)[:8])
    cond = (
        "Failed to load target state: failed to generate manifest for source 1 of 1: rpc "
        "error: code = Unknown desc = `kustomize build <path to cached source>/apps/healer/"
        f"overlays/staging` failed exit status 1: Error: {kerr}"
    )
    app = _argo(
        "healer-staging",
        NS,
        "apps/healer/overlays/staging",
        sha(cid),
        "Unknown",
        "Healthy",
        conditions=[
            {
                "type": "ComparisonError",
                "message": cond,
                "lastTransitionTime": "2026-11-21T10:14:02Z",
            }
        ],
    )
    wait = run(
        "argocd app wait healer-staging --sync --health --timeout 300",
        [
            shapes.logrus_fatal(
                "2026-11-21T10:19:05Z",
                'Timed out (300s) waiting for app \\"healer-staging\\" match desired state',
            )
        ],
        20,
        name="Wait for Argo CD",
    )
    ci(
        cid,
        "argocd app wait times out after 300 s; the Argo CD application shows a "
        "ComparisonError: kustomize build of the staging overlay fails because the new "
        "components/tls entry is a kind: Kustomization, not a kind: Component",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="promote",
        job="promote-staging",
        repo=PLAT,
        steps=[
            uses(
                "clowdhaus/argo-cd-action@v2.3.0",
                {"version": "2.13.2", "command": "version", "options": "--client"},
                ["argocd: v2.13.2+dc43124"],
                name="Install argocd",
            ),
            run(
                "argocd app set healer-staging --revision $GITHUB_SHA",
                [],
                env={"ARGOCD_SERVER": "argocd.5dlabs.ai", "ARGOCD_AUTH_TOKEN": "***"},
                name="Point at this revision",
            ),
            wait,
        ],
        message="feat(healer): TLS for staging through a shared component",
        files=[
            "apps/healer/overlays/staging/kustomization.yaml",
            "apps/healer/components/tls/kustomization.yaml",
            "apps/healer/components/tls/certificate.yaml",
        ],
        pr=pr_of(cid, "feat(healer): TLS for staging through a shared component"),
        extra={"argocd": [app]},
    )

    # 2e. noisy context; the smoke job's own tsc error decides (blaze)
    at(WEB)
    cid = "fr-t-ctx-noisy-smoke-tsc-before-any-request"
    out = real.tsc(
        "fr-t-smoke-tsc",
        {
            "src/smoke.ts": """interface Health {
  status: "ok" | "degraded";
  version: string;
}

export async function check(base: string): Promise<void> {
  const res = await fetch(`${base}/healthz`);
  const body = (await res.json()) as Health;
  if (body.status !== "ok") throw new Error(`unhealthy: ${body.status}`);
  console.log(`console ${body.version} healthy, build ${body.commitSha.slice(0, 7)}`);
}
"""
        },
    )
    assert out.code != 0 and any("TS2339" in ln for ln in out.lines), out
    vec = _vector_crashloop(cid)
    npods, nevents = _noise_pods(cid)
    pods = ready_pods(cid, "console", "console-web", "ghcr.io/5dlabs/console-web:2.7.1", port=3000)
    ci(
        cid,
        "the smoke job stops at compiling its own TypeScript: tsc TS2339 'Property commitSha "
        "does not exist on type Health' in src/smoke.ts, before any request is sent; the "
        "console pods are Ready and the context's trouble (vector crash-looping in logging, "
        "promtail restarts, a Degraded grafana, their alerts) is unrelated",
        ["noisy", "misleading-name"],
        "blaze",
        "frontend_typecheck",
        workflow="deploy",
        job="smoke-staging",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Build smoke checks")],
        message="test(smoke): print the deployed commit",
        files=["smoke/src/smoke.ts"],
        pr=pr_of(cid, "test(smoke): print the deployed commit"),
        extra={
            "kubernetes": {
                "pods": pods + vec["pods"] + npods,
                "events": normal_events(cid, "console", "console-web") + vec["events"] + nevents,
            },
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
            ),
        },
    )

    # 2f. noisy context; kubectl Unauthorized from an expired deploy token decides (atlas)
    at(REPO)
    cid = "fr-t-ctx-noisy-rollout-unauthorized-expired-token"
    status = json.dumps(
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "Unauthorized",
            "reason": "Unauthorized",
            "code": 401,
        }
    )
    with real.serve((401, status, "application/json")) as port:
        path = real.scratch("fr-t-unauth")
        lines, code = real.run(
            [
                "kubectl",
                f"--server=http://127.0.0.1:{port}",
                "--token=expired",
                "-n",
                NS,
                "rollout",
                "status",
                "deployment/healer-api",
                "--timeout=5m",
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
        )
    out = real.Out(
        "kubectl -n healer rollout status deployment/healer-api --timeout=5m", lines, code
    )
    assert code != 0 and any("must be logged in" in ln for ln in lines), out
    vec = _vector_crashloop(cid)
    pods = ready_pods(cid, NS, "healer-api", IMG, n=3)
    ci(
        cid,
        "the rollout step fails at once with kubectl's 'You must be logged in to the server "
        "(the server has asked for the client to provide credentials)': the deploy job's KUBE_CONFIG token has expired; healer-api's pods are "
        "Ready on the previous version and the crash-looping vector in logging and the Degraded "
        "grafana in the context are unrelated",
        ["noisy", "platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="deploy",
        job="rollout-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Wait for rollout")],
        message="chore(api): bump to 0.25.0",
        files=["charts/healer-api/values-staging.yaml"],
        extra={
            "kubernetes": {
                "pods": pods + vec["pods"],
                "events": normal_events(cid, NS, "healer-api", 3) + vec["events"],
            },
            "loki": vec["loki"],
            "argocd": [_grafana_degraded(cid)],
        },
    )


# ------------------------------------------------------------------ 3. platform


def _git_push_403(name: str, repo: str, branch: str) -> real.Out:
    """A real ``git push`` over HTTP to 127.0.0.1 answering 403 the way GitHub refuses a token
    without write access (text/plain body)."""
    body = f"Permission to {repo}.git denied to github-actions[bot].\n"
    with real.serve((403, body)) as port:
        root = real.scratch(name)
        real.new_repo(root, {".changeset/config.json": '{"baseBranch": "main"}\n'})
        real.git(root, "checkout", "-q", "-b", branch)
        url = f"http://127.0.0.1:{port}/{repo}.git"
        lines, code = real.git(
            root,
            "push",
            "--force",
            url,
            f"HEAD:refs/heads/{branch}",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    return real.Out(f"/usr/bin/git push origin HEAD:{branch} --force", lines, code)


def platform() -> None:
    # 3a. release-please cannot open its PR: Actions may not create pull requests (atlas)
    at(REPO)
    cid = "fr-t-plat-release-please-actions-cannot-create-pr"
    ci(
        cid,
        "release-please computes the next release and fails creating its pull request: "
        "'GitHub Actions is not permitted to create or approve pull requests' (the repository's "
        "Actions setting), in a job named cargo-release",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="release",
        job="cargo-release",
        repo=REPO,
        steps=[
            uses(
                "googleapis/release-please-action@v4",
                {"token": "***", "release-type": "rust", "target-branch": "main"},
                [
                    "Running release-please version: 16.18.0",
                    "\u276f Fetching release-please-config.json from branch main",
                    "\u276f Fetching .release-please-manifest.json from branch main",
                    "✔ Building releases",
                    "✔ Building candidate release pull request for path: .",
                    "\u276f Found pull request #0: 'chore(main): release 0.25.0'",
                    "✔ Considering: 14 commits",
                    "✔ Building pull requests",
                    "\u276f Creating pull request: chore(main): release healer 0.25.0",
                ],
                name="release-please",
                error=[
                    "##[error]release-please failed: GitHub Actions is not permitted to create "
                    "or approve pull requests. - https://docs.github.com/rest/pulls/pulls#"
                    "create-a-pull-request",
                ],
            )
        ],
        message="feat(triage): route by root cause",
        files=["crates/triage/src/route.rs"],
        branch="main",
    )

    # 3b. changesets version PR: git push refused 403 for github-actions[bot] (atlas)
    at(WEB)
    cid = "fr-t-plat-changesets-push-403-actions-bot"
    out = _git_push_403("fr-t-changeset-403", WEB, "changeset-release/main")
    assert out.code != 0 and any("403" in ln for ln in out.lines), out
    ci(
        cid,
        "the changesets release job versions the packages, then git push of "
        "changeset-release/main is refused with 403 'Permission to 5dlabs/console.git denied "
        "to github-actions[bot]': the workflow's token has read-only contents permission",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="release",
        job="publish-packages",
        repo=WEB,
        steps=[
            *_pnpm_setup(),
            run(
                "pnpm changeset version",
                [
                    "🦋  All files have been updated. Review them and commit at your leisure",
                ],
                name="Version packages",
            ),
            run(
                'git commit -am "chore: version packages"',
                [
                    "[changeset-release/main 8c1e0d4] chore: version packages",
                    " 5 files changed, 21 insertions(+), 9 deletions(-)",
                    " delete mode 100644 .changeset/quiet-owls-jump.md",
                ],
                name="Commit",
            ),
            failing(out, name="Push release branch"),
        ],
        message="feat(ui): run filters",
        files=[".changeset/quiet-owls-jump.md", "packages/ui/src/filters.ts"],
        branch="main",
    )

    # 3c. git lfs pull refused: the account is over its LFS data quota (atlas)
    at(DESK)
    cid = "fr-t-plat-lfs-data-quota-wasm-pack-test"
    lfs_err = (
        "batch response: This repository is over its data quota. Account responsible for "
        "LFS bandwidth should purchase more data packs to restore access."
    )
    ci(
        cid,
        "the wasm-pack-test job stops at git lfs pull of its wasm fixtures: 'This repository "
        "is over its data quota' for LFS bandwidth, a GitHub account limit; no build or test "
        "ran",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="desk-ci",
        job="wasm-pack-test",
        repo=DESK,
        steps=[
            *rust_setup(),
            run(
                "git lfs pull --include 'crates/render-wasm/tests/fixtures/**'",
                [
                    lfs_err,
                    "error: failed to fetch some objects from "
                    "'https://github.com/5dlabs/healer-desk.git/info/lfs'",
                ],
                2,
                name="Fetch wasm fixtures",
            ),
        ],
        message="test(render-wasm): golden frames for the timeline",
        files=[
            "crates/render-wasm/tests/timeline.rs",
            "crates/render-wasm/tests/fixtures/timeline-frames.bin",
        ],
        pr=pr_of(cid, "test(render-wasm): golden frames for the timeline"),
    )

    # 3d. reusable workflow called with an input it does not define (check run, no log)
    cid = "fr-t-plat-reusable-workflow-undefined-input-check-run"
    ci(
        cid,
        "the helm-deploy check run fails before any job starts: the caller passes "
        "chart-version to the reusable deploy workflow, which defines no such input (GitHub's "
        "'Invalid input, chart-version is not defined in the referenced workflow')",
        ["platform", "no-log", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="deploy",
        job="helm-deploy",
        repo=PLAT,
        event="check_run",
        check=(
            "Invalid workflow file",
            "Invalid workflow file: .github/workflows/deploy.yml#L31\n"
            "The workflow is not valid. .github/workflows/deploy.yml (Line: 31, Col: 24): "
            "Invalid input, chart-version is not defined in the referenced workflow.",
        ),
        steps=[],
        logs=False,
        message="ci(deploy): pass the chart version to the shared deploy workflow",
        files=[".github/workflows/deploy.yml"],
        pr=pr_of(cid, "ci(deploy): pass the chart version to the shared deploy workflow"),
    )

    # 3e. push protection: a Stripe live secret key in a changeset job's push (cipher)
    at(WEB)
    commit = sha("fr-t-gh013-stripe")
    out = _push_rejected(
        "fr-t-gh013-stripe",
        WEB,
        [
            "error: GH013: Repository rule violations found for refs/heads/changeset-release/main.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— Stripe API Key ————————————————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: apps/billing/.env.test:4",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/console/security/secret-scanning/unblock-secret/"
            "2zQ4rTn8Wb1Ks6Jd0Ym3Pf7Hc5Ev",
            "",
        ],
        "push declined due to repository rule violations",
        ref="changeset-release/main",
    )
    assert out.code != 0, out
    ci(
        "fr-t-sec-gh013-stripe-key-changeset-release",
        "the changesets job's push of changeset-release/main is blocked by push protection: a "
        "Stripe API key committed in apps/billing/.env.test",
        ["security", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="release",
        job="changeset-version",
        repo=WEB,
        steps=[
            *_pnpm_setup(),
            run(
                "pnpm changeset version",
                ["🦋  All files have been updated. Review them and commit at your leisure"],
                name="Version packages",
            ),
            failing(out, name="Push release branch"),
        ],
        message="feat(billing): checkout flow tests against the Stripe API",
        files=["apps/billing/.env.test", "apps/billing/test/checkout.test.ts"],
        branch="main",
    )


# ------------------------------------------------------------------ 4. security, no log


def security() -> None:
    at(REPO)
    # 4a. a gitleaks run known only from the sensor body (cipher)
    cid = "fr-t-sec-sensor-gitleaks-run"
    ci(
        cid,
        "the Argo Events sensor reports the gitleaks workflow failed on a push that wires "
        "Stripe webhooks; no log is fetched: a secret scanner's failed run",
        ["security", "no-log"],
        "cipher",
        "secret_scanning_alert",
        workflow="gitleaks",
        job="gitleaks",
        repo=REPO,
        event="sensor",
        steps=[],
        logs=False,
        message="feat(billing): wire Stripe webhooks into the notifier",
        files=["crates/notify/src/stripe.rs", "deploy/notify.env"],
    )

    # 4b. zizmor check run: real findings on a pull_request_target workflow (cipher)
    path = real.scratch(
        "fr-t-zizmor",
        {
            ".github/workflows/preview.yml": """name: preview
on:
  pull_request_target:
    types: [opened, synchronize]
permissions:
  contents: read
  pull-requests: write
jobs:
  preview:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm run build:preview
"""
        },
    )
    lines, code = real.run(
        ["zizmor", "--offline", "--no-progress", "--format", "plain", ".github/workflows/"],
        path,
    )
    assert code != 0 and any("dangerous-triggers" in ln for ln in lines), lines
    ci(
        "fr-t-sec-check-zizmor-pull-request-target-checkout",
        "the zizmor check run fails on the new preview workflow: pull_request_target with a "
        "checkout of the PR head and persisted credentials (dangerous-triggers, artipacked); "
        "a workflow security finding, no job log",
        ["security", "no-log", "obvious"],
        "cipher",
        "code_scanning_alert",
        workflow="zizmor",
        job="zizmor",
        repo=WEB,
        event="check_run",
        check=("zizmor found findings", "\n".join(lines)),
        steps=[],
        logs=False,
        message="ci: build previews for pull requests from forks",
        files=[".github/workflows/preview.yml"],
        pr=pr_of("fr-t-zizmor", "ci: build previews for pull requests from forks"),
    )

    # 4c. Dependabot alert: vite server.fs.deny bypass (cipher)
    payload = alert(
        "dependabot_alert",
        "fr-t-dependabot-vite",
        WEB,
        {
            "alert.state": "open",
            "alert.dependency.package.ecosystem": "npm",
            "alert.dependency.package.name": "vite",
            "alert.dependency.manifest_path": "pnpm-lock.yaml",
            "alert.dependency.scope": "development",
            "alert.security_advisory.ghsa_id": "GHSA-x574-m823-4x7w",
            "alert.security_advisory.cve_id": "CVE-2025-30208",
            "alert.security_advisory.summary": "Vite bypasses server.fs.deny when using ?raw??",
            "alert.security_advisory.severity": "medium",
            "alert.security_vulnerability.package.name": "vite",
            "alert.security_vulnerability.severity": "medium",
            "alert.security_vulnerability.vulnerable_version_range": ">= 6.2.0, < 6.2.3",
            "alert.security_vulnerability.first_patched_version.identifier": "6.2.3",
        },
    )
    from fcommon import add

    add(
        "fr-t-sec-dependabot-vite-fs-deny-bypass",
        "a Dependabot alert: vite 6.2.x in pnpm-lock.yaml bypasses server.fs.deny with ?raw?? "
        "(GHSA-x574-m823-4x7w), fixed in 6.2.3",
        ["security", "obvious", "no-log"],
        "cipher",
        "dependabot_alert",
        "dependabot_alert",
        payload,
        {},
    )

    # 4d. dependency-review check run on a pnpm-lock bump to a vulnerable undici (cipher)
    cid = "fr-t-sec-dependency-review-undici-pnpm-lock"
    summary = "\n".join(
        [
            "# Dependency Review",
            "The following issues were found:",
            "* ❌ 1 vulnerable package(s)",
            "* ✅ 0 package(s) with incompatible licenses",
            "* ✅ 0 package(s) with invalid SPDX license definitions",
            "* ✅ 0 package(s) with unknown licenses.",
            "",
            "## Vulnerabilities",
            "### pnpm-lock.yaml",
            "| Name | Version | Vulnerability | Severity |",
            "| --- | --- | --- | --- |",
            "| undici | 6.21.0 | Use of Insufficiently Random Values in undici | moderate |",
            "",
            "Only included vulnerabilities with severity **moderate** or higher.",
        ]
    )
    ci(
        cid,
        "the dependency-review check fails on a lockfile-only PR: pnpm-lock.yaml moves undici "
        "to 6.21.0, flagged for insufficiently random multipart boundaries "
        "(GHSA-c76h-2ccp-4975)",
        ["security", "no-log", "obvious"],
        "cipher",
        "vulnerable_dependency",
        workflow="dependency-review",
        job="dependency-review",
        repo=WEB,
        event="check_run",
        check=("Dependency review found 1 vulnerable package", summary),
        steps=[],
        logs=False,
        message="chore(deps): refresh pnpm-lock.yaml",
        files=["pnpm-lock.yaml"],
        pr=pr_of(cid, "chore(deps): refresh pnpm-lock.yaml"),
    )


# ------------------------------------------------------------------ 5. YAML by owner


def _yaml_setup() -> list:
    return [
        uses(
            "actions/setup-python@v5",
            {"python-version": "3.12"},
            ["Successfully set up CPython (3.12.7)"],
        ),
    ]


def yaml_owner() -> None:
    # 5a. check-jsonschema's workflow schema: workflow_call input of type choice (atlas)
    at(PLAT)
    files = {
        ".github/workflows/deploy-shared.yml": """name: deploy-shared
on:
  workflow_call:
    inputs:
      environment:
        type: choice
        options: [staging, prod]
        required: true
      chart-version:
        type: string
        required: true
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: ${{ inputs.environment }}
    steps:
      - uses: actions/checkout@v4
      - run: ./scripts/deploy.sh "${{ inputs.environment }}" "${{ inputs.chart-version }}"
""",
        ".github/workflows/ci.yml": """name: ci
on: [pull_request]
jobs:
  render:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: kubectl kustomize overlays/staging > /dev/null
""",
    }
    path = real.scratch("fr-t-cjs-workflow", files)
    lines, code = real.run(
        [
            "check-jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            ".github/workflows/ci.yml",
            ".github/workflows/deploy-shared.yml",
        ],
        path,
    )
    out = real.Out(
        "check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml",
        lines,
        code,
    )
    assert code != 0, out
    ci(
        "fr-t-yaml-check-jsonschema-workflow-call-choice-input",
        "check-jsonschema's GitHub workflow schema rejects .github/workflows/deploy-shared.yml: "
        "a workflow_call input declared with type: choice (reusable workflow inputs take "
        "boolean, number or string); a workflow file, in a job named validate-manifests",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="validate",
        job="validate-manifests",
        repo=PLAT,
        steps=[
            *_yaml_setup(),
            run(
                "pip install check-jsonschema==0.39.0",
                ["Successfully installed check-jsonschema-0.39.0"],
                name="Install validators",
            ),
            failing(out, name="Validate workflows"),
        ],
        message="ci(deploy): one reusable deploy workflow for every environment",
        files=[".github/workflows/deploy-shared.yml", ".github/workflows/deploy.yml"],
        pr=pr_of("fr-t-cjs", "ci(deploy): one reusable deploy workflow for every environment"),
    )

    # 5b. yamllint on helmfile.yaml: a duplicated key (bolt, obvious)
    out = real.yamllint(
        "fr-t-yamllint-helmfile",
        {
            "helmfile.yaml": """repositories:
  - name: bitnami
    url: https://charts.bitnami.com/bitnami

releases:
  - name: healer-api
    namespace: healer
    chart: ./charts/healer-api
    values:
      - values/healer-api.yaml
    version: 0.25.0
    values:
      - values/healer-api-staging.yaml
  - name: redis
    namespace: healer
    chart: bitnami/redis
    version: 20.6.2
""",
        },
        ["helmfile.yaml"],
    )
    assert out.code != 0 and any("duplication" in ln for ln in out.lines), out
    ci(
        "fr-t-yaml-yamllint-helmfile-duplicate-values-key",
        "yamllint fails on helmfile.yaml: the healer-api release lists `values` twice "
        "(key-duplicates), so the staging values file would silently replace the base one",
        ["yaml-owner", "obvious"],
        "bolt",
        "yaml_config",
        workflow="helmfile",
        job="lint-helmfile",
        repo=PLAT,
        steps=[*_yaml_setup(), failing(out, name="yamllint")],
        message="feat(healer): staging values for healer-api",
        files=["helmfile.yaml", "values/healer-api-staging.yaml"],
        pr=pr_of("fr-t-helmfile", "feat(healer): staging values for healer-api"),
    )

    # 5c. actionlint on the charts workflow: if with text around ${{ }} (atlas)
    at(PLAT)
    out = real.actionlint(
        "fr-t-actionlint-ifcond",
        {
            "charts.yml": """name: charts
on:
  pull_request:
    paths: ["charts/**"]
  merge_group:
jobs:
  helm-lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Lint charts
        run: ct lint --config ct.yaml
  publish:
    needs: helm-lint
    if: ${{ github.event.merge_group.base_ref == 'refs/heads/main' && github.event_nam == 'merge_group' }}
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ./scripts/publish-charts.sh
""",
        },
    )
    assert out.code != 0 and any("event_nam" in ln for ln in out.lines), out
    ci(
        "fr-t-yaml-actionlint-publish-if-undefined-property",
        "actionlint rejects .github/workflows/charts.yml: the publish job's `if:` reads "
        "github.event_nam, a property the github context does not have (expression); a "
        "workflow file, in a job named helm-lint",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="charts",
        job="helm-lint",
        repo=PLAT,
        steps=[
            uses(
                "raven-actions/actionlint@v2",
                None,
                ["actionlint 1.7.7 installed"],
                name="Install actionlint",
            ),
            failing(out, name="actionlint"),
        ],
        message="ci(charts): publish charts from the merge queue only",
        files=[".github/workflows/charts.yml"],
        pr=pr_of("fr-t-ifcond", "ci(charts): publish charts from the merge queue only"),
    )

    # 5d. yamllint over workflows and policies: a Kyverno policy's syntax error (bolt)
    out = real.yamllint(
        "fr-t-yamllint-kyverno",
        {
            ".github/workflows/lint.yml": """name: lint
on: [pull_request]
jobs:
  yaml:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: yamllint .github/workflows policies
""",
            "policies/require-requests.yaml": """apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-requests
spec:
  validationFailureAction: Enforce
  rules:
    - name: containers-have-requests
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "CPU and memory requests are required."
        pattern:
          spec:
            containers:
              - resources:
                requests:
                    memory: "?*"
                    cpu: "?*"
""",
            ".yamllint.yaml": "extends: default\nrules:\n  line-length: {max: 120}\n"
            "  truthy: {check-keys: false}\n  document-start: disable\n",
        },
        [".github/workflows", "policies"],
    )
    assert out.code != 0, out
    ci(
        "fr-t-yaml-yamllint-kyverno-policy-in-workflows-lint",
        "yamllint over .github/workflows and policies fails only on "
        "policies/require-requests.yaml: the Kyverno ClusterPolicy's `requests:` is not "
        "indented under `resources:`; the workflow files pass, the job is named workflows-lint",
        ["yaml-owner", "misleading-name"],
        "bolt",
        "yaml_config",
        workflow="lint",
        job="workflows-lint",
        repo=PLAT,
        steps=[*_yaml_setup(), failing(out, name="yamllint")],
        message="feat(policies): require CPU and memory requests",
        files=["policies/require-requests.yaml"],
        pr=pr_of("fr-t-kyverno", "feat(policies): require CPU and memory requests"),
    )


# ------------------------------------------------------------------ 6. resource kills


def _pid_pin(lines: list[str]) -> list[str]:
    return [re.sub(r"line (\d+): +\d+ Killed", r"line \1:  2931 Killed", ln) for ln in lines]


def kills() -> None:
    # 6a. pnpm -r run build: tsc SIGKILLed with nothing to blame but the runner (atlas)
    at(WEB)
    many = {
        f"packages/ui/src/gen/view{i:04d}.ts": (
            f"export interface View{i} {{ id: string; rows: Array<{{ k: string; v: number }}> }}\n"
            f"export const view{i} = (v: View{i}): number => "
            f"v.rows.reduce((a, r) => a + r.v, {i});\n"
        )
        for i in range(1500)
    }
    files = {
        "package.json": _pkg("console-monorepo"),
        "pnpm-workspace.yaml": "packages:\n  - packages/*\n",
        "packages/ui/package.json": _pkg("@console/ui", {"build": "tsc -p ."}),
        "packages/ui/tsconfig.json": _tsconfig(),
        **many,
    }
    out = kill_one(
        "fr-t-kill-pnpm-tsc",
        files,
        "pnpm -r --workspace-concurrency=1 run build",
        "bin/tsc -p",
        settle=1.5,
        env={"PATH": _path()},
    )
    out = real.Out(
        out.command,
        [ln for ln in _clean(out.lines) if "node_modules missing" not in ln],
        out.code,
    )
    assert out.code != 0 and any("Killed" in ln or "SIGKILL" in ln for ln in out.lines), out
    ci(
        "fr-t-kill-pnpm-recursive-build-tsc-sigkilled",
        "pnpm -r run build fails because tsc in @console/ui was killed (SIGKILL, as the OOM "
        "killer does) before printing any diagnostic; the change only edits a README and "
        "nothing in the log points at the code: runner trouble",
        ["resource-kill", "wrapper", "misleading-name"],
        "atlas",
        "general",
        workflow="ci",
        job="build-packages",
        repo=WEB,
        steps=[*_pnpm_setup(), failing(out, name="Build")],
        message="docs(ui): document the view generator",
        files=["packages/ui/README.md"],
        pr=pr_of("fr-t-kill-pnpm", "docs(ui): document the view generator"),
    )

    # 6b. bun test SIGKILLed mid-run, passing tests before it (atlas)
    at(DESK)
    files = {
        "package.json": _pkg("healer-desk-ui"),
        "src/format.test.ts": """import { expect, test } from "bun:test";

test("formats durations under a minute", () => {
  expect(`${Math.round(42_400 / 1000)}s`).toBe("42s");
});

test("formats run ids", () => {
  expect("run-000123".replace(/^run-0+/, "#")).toBe("#123");
});
""",
        "src/replay.test.ts": """import { test } from "bun:test";

test("replays the recorded session", async () => {
  // replays 40k recorded events against the store (slow on a small runner)
  await Bun.sleep(90_000);
}, 120_000);
""",
    }
    out = kill_one(
        "fr-t-kill-bun-test",
        files,
        "bun test",
        "bun test",
        settle=3.0,
        env={"PATH": _path()},
    )
    out = real.Out(out.command, _pid_pin(_clean(out.lines)), out.code)
    assert out.code == 137 and any("Killed" in ln for ln in out.lines), out
    ci(
        "fr-t-kill-bun-test-killed-runner",
        "bun test is killed (exit 137, the shell's 'Killed') while src/replay.test.ts runs, "
        "before any test reported a failure; the change is a UI copy edit and nothing in the "
        "log shows the code growing: runner trouble",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="desk-ci",
        job="bun-test",
        repo=DESK,
        steps=[*_bun_setup(), failing(out, name="Test")],
        message="chore(ui): reword the empty runs state",
        files=["src/views/empty.ts"],
        pr=pr_of("fr-t-kill-bun", "chore(ui): reword the empty runs state"),
    )

    # 6c. cargo test killed after its own output shows the statement cache never evicting (rex)
    at(REPO)
    src = """use std::collections::HashMap;

/// Prepared statements keyed by their SQL text *and* bound values (the change added the
/// values to the key so that plans are per tenant).
pub struct StatementCache {
    inner: HashMap<String, Vec<u8>>,
    evicted: usize,
}

impl StatementCache {
    pub fn new() -> Self {
        Self { inner: HashMap::new(), evicted: 0 }
    }
    pub fn prepare(&mut self, sql: &str, values: &[i64]) -> usize {
        let key = format!("{sql}|{values:?}");
        let plan = self.inner.entry(key).or_insert_with(|| vec![0u8; 64 * 1024]);
        plan.len()
    }
    pub fn len(&self) -> usize {
        self.inner.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_a_day_of_queries() {
        let mut cache = StatementCache::new();
        for i in 0..2_000_000i64 {
            cache.prepare("SELECT * FROM runs WHERE tenant = $1", &[i % 50_000, i]);
            if i % 4096 == 0 && i > 0 {
                println!(
                    "stmt cache: {} prepared, {} evicted, ~{} MiB",
                    cache.len(),
                    cache.evicted,
                    cache.len() * 64 / 1024
                );
            }
            if i == 8 * 4096 {
                std::thread::sleep(std::time::Duration::from_secs(120));
            }
        }
    }
}
"""
    path = real.crate("fr-t-stmt-cache-crate", {"src/lib.rs": src}, package="healer-store")
    lines, code = real.run(
        ["cargo", "test", "--lib", "--no-run", "-q"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    out = kill_one(
        "fr-t-kill-stmt-cache",
        {},
        f"cd {path} && cargo test --lib -- --nocapture",
        "deps/healer_store-",
        settle=3.0,
    )
    out = real.Out(
        "cargo test --lib -- --nocapture",
        [
            ln.replace(str(path), real.RUNNER).replace(
                "/home/runner/work/runs/fr-t-stmt-cache-crate", real.RUNNER
            )
            for ln in out.lines
        ],
        out.code,
    )
    assert out.code != 0 and any("SIGKILL" in ln for ln in out.lines), out
    assert any("0 evicted" in ln for ln in out.lines), out
    out = real.Out(
        out.command,
        [ln for ln in out.lines if "Blocking waiting for file lock" not in ln],
        out.code,
    )
    ci(
        "fr-t-kill-cargo-test-statement-cache-keyed-by-values",
        "cargo test is killed (signal: 9, SIGKILL) in replays_a_day_of_queries after the "
        "test's own output shows the statement cache growing by 4096 entries (~256 MiB) per "
        "line with 0 evicted: the change keyed prepared statements by their bound values",
        ["resource-kill", "misleading-name"],
        "rex",
        "rust_test",
        workflow="rust-ci",
        job="test-linux",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="perf(store): per-tenant statement plans",
        files=["crates/store/src/cache.rs"],
        pr=pr_of("fr-t-kill-stmt", "perf(store): per-tenant statement plans"),
    )

    # 6d. smoke 502; pods OOMKilled; Loki + Prometheus show the SSR render memo growing (blaze)
    at(WEB)
    cid = "fr-t-kill-oom-ssr-render-context-memo-growth"
    from helpers import curl_fail

    out = curl_fail("fr-t-smoke-502", "console.staging.5dlabs.ai", "/healthz", status=502)
    assert out.code != 0, out
    script = """// what console-ssr printed before each OOM kill (the render memo's own stats line)
const memo = new Map();
for (let req = 1; req <= 60000; req++) {
  // new: keep every request's render context for client hydration
  memo.set(`req-${req}`, { html: "x".repeat(4096), props: { req } });
  if (req % 10000 === 0) {
    console.log(JSON.stringify({ level: "info", msg: "render memo", entries: memo.size,
      approx_mb: Math.round((memo.size * 4200) / 1048576), evicted: 0 }));
  }
}
"""
    growth = real.node_run(
        "fr-t-ssr-memo", {"package.json": _pkg("console-ssr"), "memo.mjs": script}, "memo.mjs"
    )
    assert growth.code == 0 and growth.lines, growth
    pods = _oom_pods(cid, "console", "console-ssr", "ghcr.io/5dlabs/console-ssr:2.8.0", "512Mi")
    q = 'container_memory_working_set_bytes{namespace="console",container="console-ssr"}'
    ci(
        cid,
        "the smoke curl gets 502 from the console; console-ssr pods are OOMKilled against "
        "their 512Mi limit, the working set climbs steadily from each start, and the pods' own "
        "'render memo' lines count entries with 0 evicted: the change keeps every request's "
        "render context for hydration",
        ["resource-kill", "context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="smoke-staging",
        repo=WEB,
        steps=[failing(out, name="Smoke /healthz")],
        message="feat(ssr): keep render context for client hydration",
        files=["server/render.ts"],
        pr=pr_of(cid, "feat(ssr): keep render context for client hydration"),
        extra={
            "kubernetes": {
                "pods": pods,
                "events": [
                    shapes.event(
                        "console",
                        "Pod",
                        p["metadata"]["name"],
                        "BackOff",
                        f"Back-off restarting failed container console-ssr in pod "
                        f"{p['metadata']['name']}_console",
                        first=clock(cid)[1],
                        last=clock(cid)[2],
                        count=9 + k,
                    )
                    for k, p in enumerate(pods)
                ],
            },
            "loki": growth.lines,
            "prometheus": _growth(q, pods, 140_000_000, 41_000_000),
        },
    )


# ------------------------------------------------------------------ 7. obvious


def obvious() -> None:
    # 7a. biome format check (blaze)
    at(WEB)
    out = _sh(
        "fr-t-biome-format",
        {
            "biome.json": '{"formatter": {"indentStyle": "space", "indentWidth": 2}}\n',
            "src/agents.js": """export const AGENTS = ['rex', 'blaze', 'bolt', 'cipher', 'atlas']

export function label(agent) { return agent[0].toUpperCase() + agent.slice(1) }
""",
        },
        "biome format --colors=off ./src",
        "npx @biomejs/biome format --colors=off ./src",
    )
    assert out.code != 0, out
    ci(
        "fr-t-obvious-biome-format-agents",
        "biome format reports src/agents.js is not formatted (single quotes, a one-line "
        "function body, no semicolons)",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="ci",
        job="biome-format",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Format check")],
        message="feat(agents): label helper",
        files=["src/agents.js"],
        pr=pr_of("fr-t-biome-format", "feat(agents): label helper"),
    )

    # 7b. cargo test assertion (rex)
    at(REPO)
    out = real.cargo(
        "fr-t-cargo-branch-slug",
        {
            "src/lib.rs": """/// The branch a remediation is pushed to: `healer/<agent>/<slug of the title>`.
pub fn branch_for(agent: &str, title: &str) -> String {
    let slug: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("healer/{agent}/{slug}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_punctuation() {
        assert_eq!(
            branch_for("rex", "Fix: E0308 in router!"),
            "healer/rex/fix-e0308-in-router"
        );
    }
}
"""
        },
        ["test", "--lib"],
        shown="cargo test --lib -p healer-remediate",
    )
    assert out.code != 0 and any("assertion" in ln for ln in out.lines), out
    ci(
        "fr-t-obvious-cargo-test-branch-slug-punctuation",
        "cargo test fails: collapses_punctuation expects healer/rex/fix-e0308-in-router but "
        "branch_for keeps one dash per punctuation character and a trailing dash",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="rust-ci",
        job="cargo-test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="feat(remediate): branch names from the failure title",
        files=["crates/remediate/src/branch.rs"],
        pr=pr_of("fr-t-slug", "feat(remediate): branch names from the failure title"),
    )

    # 7c. bun test assertion (blaze)
    at(DESK)
    out = _sh(
        "fr-t-bun-assert",
        {
            "package.json": _pkg("healer-desk-ui"),
            "src/badge.ts": """export function badgeFor(status: string): string {
  switch (status) {
    case "failed":
      return "red";
    case "running":
      return "amber";
    default:
      return "grey";
  }
}
""",
            "src/badge.test.ts": """import { expect, test } from "bun:test";
import { badgeFor } from "./badge";

test("passed runs are green", () => {
  expect(badgeFor("passed")).toBe("green");
});

test("failed runs are red", () => {
  expect(badgeFor("failed")).toBe("red");
});
""",
        },
        "bun test",
        "bun test",
    )
    assert out.code != 0 and any("green" in ln for ln in out.lines), out
    ci(
        "fr-t-obvious-bun-test-badge-color",
        "bun test fails: 'passed runs are green' expects badgeFor(\"passed\") to be green and "
        "receives grey; the new status badge has no case for passed",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="desk-ci",
        job="bun-test",
        repo=DESK,
        steps=[*_bun_setup(), failing(out, name="Test")],
        message="feat(ui): status badges on run rows",
        files=["src/badge.ts", "src/badge.test.ts"],
        pr=pr_of("fr-t-bun-assert", "feat(ui): status badges on run rows"),
    )

    # 7d. git rebase conflict in CHANGELOG.md (atlas)
    at(REPO)
    root = real.scratch("fr-t-rebase")
    real.new_repo(root, {"CHANGELOG.md": "# Changelog\n\n## Unreleased\n\n- nothing yet\n"})
    real.git(root, "checkout", "-q", "-b", "feat/handoff")
    real.commit_all(
        root,
        {"CHANGELOG.md": "# Changelog\n\n## Unreleased\n\n- agents hand off failures\n"},
        "feat(agents): hand off failures between agents",
    )
    real.git(root, "checkout", "-q", "main")
    real.commit_all(
        root,
        {"CHANGELOG.md": "# Changelog\n\n## Unreleased\n\n- triage routes by root cause\n"},
        "feat(triage): route by root cause",
    )
    real.git(root, "checkout", "-q", "feat/handoff")
    lines, code = real.git(root, "rebase", "main")
    lines = [re.sub(r"\b[0-9a-f]{7}\b", lambda m: sha(m.group(0))[:7], ln) for ln in lines]
    out = real.Out(
        "git rebase origin/main",
        [
            ln.replace("main", "origin/main")
            if "rebase" in ln and "origin" not in ln and "Could not" not in ln
            else ln
            for ln in lines
        ],
        code,
    )
    assert code != 0 and any("CONFLICT" in ln for ln in out.lines), out
    ci(
        "fr-t-obvious-git-rebase-conflict-changelog",
        "the keep-rebased job's git rebase onto main stops on a content conflict in "
        "CHANGELOG.md: both branches replaced the same Unreleased entry",
        ["obvious"],
        "atlas",
        "merge_conflict",
        workflow="keep-rebased",
        job="rebase-onto-main",
        repo=REPO,
        steps=[
            run("git fetch origin main", [], name="Fetch main"),
            failing(out, name="Rebase"),
        ],
        message="feat(agents): hand off failures between agents",
        files=["CHANGELOG.md", "crates/agents/src/handoff.rs"],
        pr=pr_of("fr-t-rebase", "feat(agents): hand off failures between agents"),
        branch="feat/handoff",
    )

    # 7e. kubectl kustomize: a component's patch names a Deployment the overlay lacks (bolt)
    at(PLAT)
    out = real.kubectl(
        "fr-t-kustomize-component-patch",
        {
            "overlays/prod/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: healer
resources:
  - ../../base
components:
  - ../../components/high-availability
""",
            "base/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
""",
            "base/deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: healer-api
spec:
  selector: {matchLabels: {app: healer-api}}
  template:
    metadata: {labels: {app: healer-api}}
    spec:
      containers:
        - name: healer-api
          image: ghcr.io/5dlabs/healer-api:0.25.0
""",
            "components/high-availability/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - path: replicas.yaml
""",
            "components/high-availability/replicas.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: healer-worker
spec:
  replicas: 3
""",
        },
        ["kustomize", "overlays/prod"],
        shown="kubectl kustomize overlays/prod",
    )
    assert out.code != 0, out
    ci(
        "fr-t-obvious-kustomize-component-patch-no-match",
        "kubectl kustomize overlays/prod fails: the high-availability component's patch "
        "targets Deployment healer-worker, which the prod overlay does not contain (no "
        "resource matches the strategic merge patch)",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="kustomize-build",
        repo=PLAT,
        steps=[*kube_setup()[:1], failing(out, name="Render prod")],
        message="feat(healer): high-availability component for prod",
        files=[
            "components/high-availability/kustomization.yaml",
            "components/high-availability/replicas.yaml",
            "overlays/prod/kustomization.yaml",
        ],
        pr=pr_of("fr-t-kust-ha", "feat(healer): high-availability component for prod"),
    )
