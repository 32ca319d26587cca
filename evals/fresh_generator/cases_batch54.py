"""Batch 54 of the fresh split (ids ``fr-zzb-``): resource kills and exhaustion. A compiler,
linker, test runner or packer is killed or runs out of memory, disk, file descriptors or
threads; the log alone says only that. The owner is the runner (atlas) unless the context
shows the code's own growth (a diff or PR adding an unbounded cache, a test building millions
of items, a Prometheus memory series climbing for the whole run) or the change's own resource
settings (a workflow's ``CARGO_BUILD_JOBS`` or ``NODE_OPTIONS``: atlas; package.json scripts:
blaze; ``.cargo/config.toml`` or the Cargo profile: rex; a chart's template loop: bolt; a
Dockerfile's download: bolt).

- rustc SIGKILLed under ``cargo build --release`` (real kill): nothing to blame (atlas), the
  change's ``.cargo/config.toml`` ``jobs = 32`` (rex), the workflow's ``CARGO_BUILD_JOBS: 32``
  (atlas), a PR generating a 3-million-entry const table in a build script (rex);
- V8 heap out of memory under ``npm run build`` (real): nothing to blame (atlas), the build
  script's ``--max-old-space-size=64`` in package.json (blaze), the workflow's ``NODE_OPTIONS``
  (atlas), an unbounded module cache in the diff (blaze);
- a Jest worker SIGKILLed (real): nothing to blame (atlas) vs a test building five million rows
  with a runner memory series climbing for the whole run (blaze);
- EMFILE in a Node script (real, ``ulimit -n``): a self-hosted runner's low limit (atlas) vs a
  diff that opens a handle per file and never closes it (blaze);
- ``No space left on device`` from cargo (real, a full tmpfs), from ``npm ci`` and from BuildKit
  (written): the runner's disk (atlas) vs a Dockerfile change baking a 26 GB model into a
  layer (bolt);
- ``ld terminated with signal 9`` (written): nothing to blame (atlas) vs the change's fat LTO
  with one codegen unit (rex);
- Go's ``fatal error: runtime: out of memory`` in ``helm template`` (written): nothing to blame
  (atlas) vs a chart change ranging over ``until 40000000`` (bolt);
- Python's ``can't start new thread`` on a capped self-hosted runner (real, atlas);
- plain cases: rustc E0308 (rex), a Vitest assertion (blaze), yamllint (bolt), a runner that
  lost communication (atlas).

Cases tagged ``obvious``: the four plain cases.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import real
from cases_batch8 import kill_one
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha, uses
from gha import Step, run
from helpers import buildx_setup, buildx_step, v8_oom

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
PFX = "fr-zzb-"
LA = ["look-alike", "context-driven", "resource-kill"]
NOBODY = "setpriv --reuid 65534 --regid 65534 --clear-groups"


def build() -> None:
    rustc_kills()
    heap_ooms()
    jest_kills()
    emfile()
    disk_full()
    linker_kills()
    go_oom()
    threads()
    plain()


def checkout(repo: str = REPO) -> Step:
    return uses(
        "actions/checkout@v4",
        {"fetch-depth": "1"},
        [f"Syncing repository: {repo}", "Getting Git version info", "Checking out the ref"],
    )


def pkg(name: str, scripts: dict[str, str]) -> str:
    return (
        json.dumps(
            {
                "name": name,
                "version": "3.2.0",
                "private": True,
                "type": "module",
                "scripts": scripts,
            },
            indent=2,
        )
        + "\n"
    )


# ------------------------------------------------------------------ 1. rustc SIGKILLed

SLOW_MACRO = """use proc_macro::TokenStream;

/// Expands the span index (the body is generated at build time).
#[proc_macro]
pub fn span_index(_input: TokenStream) -> TokenStream {
    std::thread::sleep(std::time::Duration::from_secs(90));
    "pub const SPANS: usize = 11;".parse().unwrap()
}
"""


def rustc_kills() -> None:
    at(REPO)
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
        "crates/macros/Cargo.toml": real.cargo_toml(
            "healer-macros", extra="[lib]\nproc-macro = true"
        ),
        "crates/macros/src/lib.rs": SLOW_MACRO,
        "crates/trace/Cargo.toml": real.cargo_toml(
            "healer-trace", deps='healer-macros = { path = "../macros" }'
        ),
        "crates/trace/src/lib.rs": "healer_macros::span_index!();\n\n"
        "/// The span name for a job.\npub fn span(job: &str) -> String {\n"
        '    format!("job:{job}")\n}\n',
    }
    out = kill_one(
        "b54-kill-rustc",
        files,
        "cargo build --release --workspace",
        "--crate-name healer_trace",
        settle=2.0,
    )
    assert out.code != 0 and any("SIGKILL" in ln for ln in out.lines), out.lines
    out = real.Out(out.command, [ln for ln in out.lines if "Blocking waiting" not in ln], out.code)
    rows: list[tuple[str, str, str, str, list[str], dict[str, Any] | None, dict[str, str]]] = [
        (
            PFX + "rustc-sigkill-release-build-nothing-to-blame",
            "cargo build --release: rustc compiling healer-trace was killed (signal: 9, SIGKILL); "
            "the crate is two small functions and the change edits a doc comment: the runner "
            "ran out of memory",
            "atlas",
            "docs(trace): explain span naming",
            ["crates/trace/src/lib.rs"],
            None,
            {},
        ),
        (
            PFX + "rustc-sigkill-release-build-cargo-config-jobs",
            "the same rustc SIGKILL under cargo build --release; the change is "
            "`.cargo/config.toml` setting `[build] jobs = 32` (the PR: 'build with every core') on "
            "the 4-core hosted runner, so 32 rustc processes share 16 GB: the Rust build's own "
            "setting",
            "rex",
            "build(cargo): parallelise the release build",
            [".cargo/config.toml"],
            pr_of(
                PFX + "pr-cargo-jobs",
                "build(cargo): jobs = 32 for release builds",
                "Sets `[build] jobs = 32` in `.cargo/config.toml` so local and CI release builds "
                "use every core of the big workstations. Also `codegen-units = 256`.",
            ),
            {},
        ),
        (
            PFX + "rustc-sigkill-release-build-workflow-build-jobs",
            "the same rustc SIGKILL under cargo build --release; the step's env shows "
            "CARGO_BUILD_JOBS: 32 and the change is the workflow file adding it: the workflow's "
            "resource setting on a 4-core runner",
            "atlas",
            "ci(release): speed up the release build with CARGO_BUILD_JOBS=32",
            [".github/workflows/release.yml"],
            pr_of(
                PFX + "pr-wf-jobs",
                "ci(release): CARGO_BUILD_JOBS=32",
                "The release job takes 14 minutes; give cargo 32 jobs in the workflow env.",
            ),
            {"CARGO_BUILD_JOBS": "32"},
        ),
        (
            PFX + "rustc-sigkill-release-build-generated-span-table",
            "the same rustc SIGKILL while compiling healer-trace; the change's build script "
            "generates a `static SPANS: [(&str, u32); 3_145_728]` table into OUT_DIR and the PR "
            "says it inlines every span name: the code's own growth kills rustc",
            "rex",
            "perf(trace): precompute the span table at build time",
            ["crates/trace/build.rs", "crates/trace/src/lib.rs", "crates/trace/Cargo.toml"],
            pr_of(
                PFX + "pr-span-table",
                "perf(trace): precompute every span name",
                "build.rs now writes all 3,145,728 (job, step) span names into a static table "
                'included with `include!(concat!(env!("OUT_DIR"), "/spans.rs"))`, so lookups '
                "never allocate.",
            ),
            {},
        ),
    ]
    for cid, desc, agent, message, changed, pr, env in rows:
        tags = ["resource-kill"] if agent == "atlas" and not pr else LA
        ci(
            cid,
            desc,
            tags,
            agent,
            "rust_build" if agent == "rex" else "general",
            workflow="release" if env else "rust",
            job="build-release",
            steps=[checkout(), *rust_setup(), failing(out, name="Build", env=env or None)],
            message=message,
            files=changed,
            pr=pr,
        )


# ------------------------------------------------------------------ 2. V8 heap out of memory

GROW = """const cache = new Map();
let i = 0;
console.log("[build] collecting routes from src/routes");
console.log("[build] transforming 412 route variants");
for (;;) {
  cache.set(`src/routes/run-${i}.tsx`, { code: "x".repeat(64) + i, map: [i, i + 1, i + 2] });
  i++;
}
"""


def heap_ooms() -> None:
    at(WEB)
    oom = real.sh(
        "b54-heap",
        {
            "package.json": pkg("console", {"build": "node scripts/build.mjs"}),
            "scripts/build.mjs": GROW,
        },
        "node --max-old-space-size=64 scripts/build.mjs",
        "npm run build",
    )
    assert oom.code != 0, oom.lines
    lines = []
    for ln in v8_oom(oom.lines):
        if "Mark-Compact" in ln or "Scavenge" in ln:
            continue
        lines.append(ln)
        if ln.startswith("<--- Last few GCs"):
            # the GC figures are pinned for 3 GB heaps elsewhere; one that fits a 64 MB cap
            lines += [
                "",
                "[3141:0x7ffd4c2e9a10]      412 ms: Mark-Compact 61.9 (66.2) -> 61.4 (66.7) MB, "
                "41.20 / 0.00 ms  (average mu = 0.138, current mu = 0.041) allocation failure; "
                "scavenge might not succeed",
                "",
                "",
            ]
    assert any("heap out of memory" in ln for ln in lines), lines
    rows: list[tuple[str, str, str, str, str, list[str], dict[str, Any] | None, dict[str, str]]] = [
        (
            PFX + "v8-heap-oom-build-nothing-to-blame",
            "npm run build dies with V8's 'Reached heap limit ... JavaScript heap out of memory' "
            "(exit 134); the change is a copy edit and nothing sets a heap size: the runner",
            "atlas",
            "general",
            "copy(runs): clarify the retry tooltip",
            ["src/routes/runs/RetryButton.tsx"],
            None,
            {},
        ),
        (
            PFX + "v8-heap-oom-build-package-json-heap-cap",
            "the same heap OOM under npm run build; the change is package.json's build script "
            "now `node --max-old-space-size=64 scripts/build.mjs` (the PR wants builds to fit "
            "the small preview boxes): the front-end package's own setting",
            "blaze",
            "frontend_build",
            "build(console): cap the build's heap so previews fit in 512 MB",
            ["package.json"],
            pr_of(
                PFX + "pr-pkg-heap",
                "build(console): cap the build heap at 64 MB",
                "Preview machines have 512 MB; the build script now passes "
                "`--max-old-space-size=64` to node.",
            ),
            {},
        ),
        (
            PFX + "v8-heap-oom-build-workflow-node-options",
            "the same heap OOM under npm run build; the step env shows NODE_OPTIONS: "
            "--max-old-space-size=64 and the change is the workflow adding it to the build job: "
            "the workflow's resource setting",
            "atlas",
            "general",
            "ci(console): cap node's heap in CI to catch bloat early",
            [".github/workflows/console-ci.yml"],
            pr_of(
                PFX + "pr-wf-heap",
                "ci(console): NODE_OPTIONS heap cap",
                "Adds `NODE_OPTIONS: --max-old-space-size=64` to the build job's env.",
            ),
            {"NODE_OPTIONS": "--max-old-space-size=64"},
        ),
        (
            PFX + "v8-heap-oom-build-unbounded-transform-cache",
            "the same heap OOM under npm run build; the change adds a module-level `Map` "
            "transform cache to the build script that is never evicted and keyed by a counter "
            "(the diff shows `cache.set(` in an endless loop over generated route ids): the "
            "build code's own growth",
            "blaze",
            "frontend_build",
            "perf(build): memoise route transforms",
            ["scripts/build.mjs", "scripts/routes.mjs"],
            pr_of(
                PFX + "pr-transform-cache",
                "perf(build): memoise route transforms",
                "Keeps every transformed route in a process-wide `Map` so rebuilds are instant. "
                "No eviction yet; route ids are generated per variant.",
            ),
            {},
        ),
    ]
    for cid, desc, agent, ftype, message, changed, pr, env in rows:
        script = (
            "node --max-old-space-size=64 scripts/build.mjs"
            if "package-json" in cid
            else "node scripts/build.mjs"
        )
        step_out = real.Out(
            "npm run build", ["", "> console@3.2.0 build", f"> {script}", "", *lines], 134
        )
        ci(
            cid,
            desc,
            ["resource-kill"] if not pr else LA,
            agent,
            ftype,
            repo=WEB,
            workflow="console-ci",
            job="build",
            steps=[*node_setup(), npm_ci_ok(), failing(step_out, name="Build", env=env or None)],
            message=message,
            files=changed,
            pr=pr,
        )


# ------------------------------------------------------------------ 3. Jest worker SIGKILLed

JEST_SELF_KILL = """test("exports every run as csv", () => {
  process.kill(process.pid, "SIGKILL");
});
"""


def jest_kills() -> None:
    at(WEB)
    files = {
        "package.json": pkg("console", {"test": "jest"}).replace('"type": "module",', ""),
        "jest.config.cjs": "module.exports = { testEnvironment: 'node', maxWorkers: 2 };\n",
        "src/export.test.js": JEST_SELF_KILL,
        "src/format.test.js": 'test("formats", () => { expect(1 + 1).toBe(2); });\n',
        "src/parse.test.js": 'test("parses", () => { expect("a,b".split(",")).toHaveLength(2); });\n',
    }
    path = real.node_project("b54-jest", files)
    lines, code = real.run(["jest", "--ci", "--maxWorkers=2", "--cacheDirectory=.jest-cache"], path)
    # worker order varies run to run; the pid is the worker's
    lines = [re.sub(r"pid=\d+", "pid=3141", ln) for ln in lines]
    passed = sorted(ln for ln in lines if ln.startswith("PASS "))
    lines = passed + [ln for ln in lines if not ln.startswith("PASS ")]
    out = real.Out("npx jest --ci --maxWorkers=2", lines, code)
    assert code != 0 and any("SIGKILL" in ln for ln in lines), lines
    series = {
        'container_memory_working_set_bytes{namespace="arc-runners",container="runner"}': [
            {
                "metric": {
                    "container": "runner",
                    "pod": "arc-console-" + sha("b54-arc")[:5] + "-runner-" + sha("b54-r")[:5],
                },
                "values": [
                    [1764300000 + 30 * i, str(410_000_000 + 270_000_000 * i)] for i in range(14)
                ],
            }
        ],
        'kube_pod_container_resource_limits{namespace="arc-runners",container="runner",'
        'resource="memory"}': 4294967296,
    }
    for cid, desc, agent, ftype, tags, message, changed, pr, extra in (
        (
            PFX + "jest-worker-sigkill-nothing-to-blame",
            "jest reports a worker terminated by another process (signal=SIGKILL) in the csv "
            "export suite; the change renames a column header and nothing grows: the runner's "
            "OOM killer",
            "atlas",
            "general",
            ["resource-kill"],
            "copy(export): rename the 'Took' column to 'Duration'",
            ["src/export/columns.js"],
            None,
            None,
        ),
        (
            PFX + "jest-worker-sigkill-test-builds-five-million-rows",
            "the same jest SIGKILL in the csv export suite; the PR's new test builds 5,000,000 "
            "run rows in memory before exporting, and the runner pod's working set climbs "
            "steadily from 0.4 GB to its 4 GiB limit for the whole test run: the test's own "
            "growth",
            "blaze",
            "frontend_test",
            LA,
            "test(export): cover exporting a very large history",
            ["src/export.test.js", "src/export/fixtures.js"],
            pr_of(
                PFX + "pr-five-million",
                "test(export): export a 5M-run history",
                "Adds a test that builds 5,000,000 runs with `Array.from({ length: 5_000_000 })` "
                "and exports them, to make sure the CSV writer scales.",
            ),
            {"prometheus": series},
        ),
    ):
        ci(
            cid,
            desc,
            tags,
            agent,
            ftype,
            repo=WEB,
            workflow="console-ci",
            job="unit",
            steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
            message=message,
            files=changed,
            pr=pr,
            extra=extra,
            self_hosted=True,
            runner="arc-console-" + sha("b54-arc")[:5] + "-runner-" + sha("b54-r")[:5],
        )


# ------------------------------------------------------------------ 4. EMFILE

HASHER = """import { openSync, readSync } from "node:fs";
import { createHash } from "node:crypto";

const names = Array.from({ length: 200 }, (_, i) => `assets/icon-${i}.svg`);
const manifest = {};
for (const name of names) {
  const fd = openSync(name, "r");
  const buf = Buffer.alloc(64);
  readSync(fd, buf, 0, 64, 0);
  manifest[name] = createHash("sha256").update(buf).digest("hex").slice(0, 8);
}
console.log(`hashed ${names.length} assets`);
"""


def emfile() -> None:
    at(WEB)
    files = {f"assets/icon-{i}.svg": f"<svg id='{i}'/>\n" for i in range(200)}
    files["scripts/hash-assets.mjs"] = HASHER
    out = real.sh(
        "b54-emfile",
        files,
        "ulimit -n 64 && node scripts/hash-assets.mjs",
        "node scripts/hash-assets.mjs",
    )
    assert out.code != 0 and any("EMFILE" in ln for ln in out.lines), out.lines
    limits = run(
        "ulimit -n && nproc",
        ["64", "8"],
        name="Runner diagnostics",
    )
    for cid, desc, agent, ftype, tags, message, changed, pr in (
        (
            PFX + "emfile-asset-hash-self-hosted-open-files-limit",
            "the asset hashing step fails with 'EMFILE: too many open files' on the self-hosted "
            "runner whose diagnostics print an open-files limit of 64; the hashing script is "
            "unchanged for months and the change adds one icon: the runner's limit",
            "atlas",
            "general",
            ["resource-kill", "look-alike"],
            "feat(icons): a queue icon",
            ["assets/icon-199.svg"],
            None,
        ),
        (
            PFX + "emfile-asset-hash-script-leaks-descriptors",
            "the same EMFILE on the same runner; the change rewrites the hashing script to "
            "`openSync` each asset and never `closeSync` it (the PR replaced readFileSync 'to read "
            "only the header'): the script leaks a descriptor per file",
            "blaze",
            "frontend_build",
            LA,
            "perf(assets): hash only the first 64 bytes of each icon",
            ["scripts/hash-assets.mjs"],
            pr_of(
                PFX + "pr-hash-header",
                "perf(assets): hash icon headers only",
                "Reads 64 bytes per icon with `openSync`/`readSync` instead of reading the "
                "whole file.",
            ),
        ),
    ):
        ci(
            cid,
            desc,
            tags,
            agent,
            ftype,
            repo=WEB,
            workflow="console-ci",
            job="assets",
            steps=[limits, *node_setup(), npm_ci_ok(), failing(out, name="Hash assets")],
            message=message,
            files=changed,
            pr=pr,
            self_hosted=True,
            runner="web-ci-04",
        )


# ------------------------------------------------------------------ 5. disk full


def _tmpfs(inner: str, mountpoint: str, size: str) -> str:
    return f"unshare -rm sh -c 'mount -t tmpfs -o size={size} tmpfs {mountpoint} && {inner}'"


NPM_ENOSPC = [
    "npm error code ENOSPC",
    "npm error syscall write",
    "npm error errno -28",
    "npm error nospc ENOSPC: no space left on device, write",
    "npm error nospc There appears to be insufficient space on your system to finish.",
    "npm error nospc Clear up some disk space and try again.",
    "npm error A complete log of this run can be found in: "
    "/home/runner/.npm/_logs/2026-11-02T11_42_07_118Z-debug-0.log",
]


def disk_full() -> None:
    # 5a. cargo test on a full target dir (real tmpfs)
    at(REPO)
    src = "\n".join(
        f"pub fn route_{i}(s: &str) -> usize {{ s.len() * {i} + {i} }}" for i in range(400)
    )
    path = real.crate(
        "b54-enospc",
        {
            "src/lib.rs": src + "\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn routes() {\n"
            '        assert_eq!(super::route_3("ab"), 9);\n    }\n}\n'
        },
    )
    (path / "target").mkdir(exist_ok=True)
    lines, code = real.run(
        _tmpfs("cargo test --lib", "target", "96k"), path, env={"CARGO_NET_OFFLINE": "true"}
    )
    out = real.Out("cargo test --lib", lines, code)
    assert code != 0 and any("No space left on device" in ln for ln in lines), lines
    ci(
        PFX + "cargo-test-no-space-left-on-device",
        "cargo test --lib fails writing build output: 'No space left on device (os error 28)'; "
        "the change is a one-line fix in a router helper and nothing writes large files: the "
        "runner's disk",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="test",
        steps=[checkout(), *rust_setup(), failing(out, name="Unit tests")],
        message="fix(router): count the separator",
        files=["src/lib.rs"],
    )

    # 5b. npm ci ENOSPC in a lint job (written)
    at(WEB)
    ci(
        PFX + "npm-ci-enospc-lint-job",
        "npm ci in the lint job fails with ENOSPC 'no space left on device, write'; nothing in "
        "the change touches dependencies: the runner's disk",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        repo=WEB,
        workflow="console-ci",
        job="lint",
        steps=[
            *node_setup(),
            run(
                "npm ci",
                ["npm warn deprecated inflight@1.0.6: This module is not supported", *NPM_ENOSPC],
                228,
                name="Install",
            ),
        ],
        message="style(runs): tighten table padding",
        files=["src/routes/runs/table.css"],
    )

    # 5c/5d. BuildKit no space left on device (written)
    at(PLAT)

    def bk_lines(model: str) -> list[str]:
        return [ln.replace("triage-13b", model) for ln in bk]

    bk = [
        '#0 building with "builder-'
        + sha("b54-bk")[:8]
        + '" instance using docker-container driver',
        "",
        "#1 [internal] load build definition from Dockerfile",
        "#1 transferring dockerfile: 412B done",
        "#1 DONE 0.0s",
        "",
        "#2 [internal] load metadata for docker.io/library/python:3.12-slim",
        "#2 DONE 0.6s",
        "",
        "#3 [internal] load .dockerignore",
        "#3 transferring context: 2B done",
        "#3 DONE 0.0s",
        "",
        "#4 [1/6] FROM docker.io/library/python:3.12-slim@sha256:"
        + sha("b54-py")
        + sha("b54-py2")[:24],
        "#4 CACHED",
        "",
        "#5 [internal] load build context",
        "#5 transferring context: 48.1kB done",
        "#5 DONE 0.0s",
        "",
        "#6 [2/6] WORKDIR /srv",
        "#6 CACHED",
        "",
        "#7 [3/6] COPY requirements.txt .",
        "#7 CACHED",
        "",
        "#8 [4/6] RUN pip install --no-cache-dir -r requirements.txt",
        "#8 CACHED",
        "",
        '#9 [5/6] RUN python -c "from huggingface_hub import snapshot_download; '
        "snapshot_download('5dlabs/triage-13b', local_dir='/srv/model')\"",
        "#9 3.112 Fetching 9 files:   0%|          | 0/9 [00:00<?, ?it/s]",
        "#9 171.4 Fetching 9 files:  44%|████▍     | 4/9 [02:48<03:30, 42.1s/it]",
        "#9 263.9 OSError: [Errno 28] No space left on device",
        '#9 ERROR: process "/bin/sh -c python -c \\"from huggingface_hub import snapshot_download; '
        "snapshot_download('5dlabs/triage-13b', local_dir='/srv/model')\\\"\" did not complete "
        "successfully: exit code: 1",
        "------",
        ' > [5/6] RUN python -c "from huggingface_hub import snapshot_download; '
        "snapshot_download('5dlabs/triage-13b', local_dir='/srv/model')\":",
        "263.9 OSError: [Errno 28] No space left on device",
        "------",
    ]
    err_tpl = (
        'process "/bin/sh -c python -c \\"from huggingface_hub import snapshot_download; '
        "snapshot_download('5dlabs/triage-13b', local_dir='/srv/model')\\\"\" did not complete "
        "successfully: exit code: 1"
    )
    image = "ghcr.io/5dlabs/triage-serve:sha-" + sha("b54-img")[:7]

    def df(used: str, avail: str, pct: str) -> Step:
        return run(
            "df -h / | tail -n +2",
            [f"/dev/root        73G   {used}  {avail}  {pct} /"],
            name="Disk usage",
        )

    for cid, desc, agent, ftype, tags, message, changed, pr, model, disk in (
        (
            PFX + "buildx-no-space-model-download-runner-disk",
            "BuildKit's model download step fails with 'OSError: [Errno 28] No space left on "
            "device'; the Dockerfile has downloaded the same 1.3 GB model for months and the "
            "change edits the serve module, while the runner's disk-usage step already showed "
            "98% of / used: the runner's disk",
            "atlas",
            "general",
            ["resource-kill", "look-alike"],
            "fix(serve): close the session on shutdown",
            ["triage/serve.py"],
            None,
            "triage-1b",
            ("71G", "2.1G", "98%"),
        ),
        (
            PFX + "buildx-no-space-dockerfile-bakes-13b-model",
            "the same BuildKit 'No space left on device' during the model download; the change "
            "is the Dockerfile switching the baked model from triage-1b to `triage-13b` (the PR: "
            "about 26 GB of weights in one layer) on a runner with 14 GB free: the image build's "
            "own design",
            "bolt",
            "docker_build",
            LA,
            "build(image): bake the 13b triage model into the image",
            ["Dockerfile"],
            pr_of(
                PFX + "pr-13b",
                "build(image): ship triage-13b",
                "Swaps the baked model for the 13b variant (~26 GB of safetensors) so cold "
                "starts don't download anything.",
            ),
            "triage-13b",
            ("59G", "14G", "81%"),
        ),
    ):
        ci(
            cid,
            desc,
            tags,
            agent,
            ftype,
            repo=PLAT,
            workflow="triage-image",
            job="build-push",
            steps=[
                checkout(PLAT),
                df(*disk),
                *buildx_setup(),
                buildx_step(bk_lines(model), err_tpl.replace("triage-13b", model), image),
            ],
            message=message,
            files=changed,
            pr=pr,
        )


# ------------------------------------------------------------------ 6. the linker killed


def linker_kills() -> None:
    at(REPO)
    runner = "/home/runner/work/healer/healer"
    link = [
        "   Compiling healer-proto v0.21.0 (" + runner + "/crates/proto)",
        "   Compiling healer-store v0.21.0 (" + runner + "/crates/store)",
        "   Compiling healer-api v0.21.0 (" + runner + "/crates/api)",
        "error: linking with `cc` failed: exit status: 1",
        "  |",
        '  = note: LC_ALL="C" PATH="/home/runner/.rustup/toolchains/1.95.0-x86_64-unknown-linux-'
        "gnu/lib/rustlib/x86_64-unknown-linux-gnu/bin:/home/runner/.cargo/bin:/usr/local/bin:"
        '/usr/bin:/bin" VSLANG="1033" "cc" "-m64" "/tmp/rustcq7Xk2a/symbols.o" "<1 object files '
        'omitted>" "-Wl,--as-needed" "-Wl,-Bstatic" "<sysroot>/lib/rustlib/x86_64-unknown-linux-'
        'gnu/lib/{libstd-*,libpanic_unwind-*,libcompiler_builtins-*}.rlib" "-Wl,-Bdynamic" '
        '"-lgcc_s" "-lutil" "-lrt" "-lpthread" "-lm" "-ldl" "-lc" "-L" "<sysroot>/lib/rustlib/'
        'x86_64-unknown-linux-gnu/lib" "-o" "'
        + runner
        + "/target/release/deps/healer_api-"
        + sha("b54-ld")[:16]
        + '" "-Wl,--gc-sections" "-pie" "-Wl,-z,relro,-z,now" "-Wl,-O1" "-Wl,--strip-debug" '
        '"-nodefaultlibs"',
        "  = note: some arguments are omitted. use `--verbose` to show all linker arguments",
        "  = note: collect2: fatal error: ld terminated with signal 9 [Killed]",
        "          compilation terminated.",
        "",
        "",
        'error: could not compile `healer-api` (bin "healer-api") due to 1 previous error',
    ]
    for cid, desc, agent, ftype, tags, message, changed, pr in (
        (
            PFX + "ld-signal-9-release-link-nothing-to-blame",
            "cargo build --release fails linking healer-api: 'collect2: fatal error: ld "
            "terminated with signal 9 [Killed]'; the change adds a log line and the profile is "
            "unchanged: the runner ran out of memory while linking",
            "atlas",
            "general",
            ["resource-kill", "look-alike"],
            "chore(api): log the listen address",
            ["crates/api/src/main.rs"],
            None,
        ),
        (
            PFX + "ld-signal-9-release-link-fat-lto-one-cgu",
            "the same ld killed by signal 9 linking healer-api; the change sets `[profile."
            'release] lto = "fat"`, `codegen-units = 1` and `debug = true` in the workspace '
            "Cargo.toml (the PR: 'smallest, fastest binary'): the Rust profile's own memory cost",
            "rex",
            "rust_build",
            LA,
            "perf(build): fat LTO with one codegen unit for release",
            ["Cargo.toml"],
            pr_of(
                PFX + "pr-fat-lto",
                "perf(build): fat LTO, 1 CGU, debug info for profiling",
                'Release profile: `lto = "fat"`, `codegen-units = 1`, `debug = true` so we '
                "can profile production binaries.",
            ),
        ),
    ):
        ci(
            cid,
            desc,
            tags,
            agent,
            ftype,
            workflow="rust",
            job="build-release",
            steps=[
                checkout(),
                *rust_setup(),
                run("cargo build --release --locked -p healer-api", link, 101, name="Build"),
            ],
            message=message,
            files=changed,
            pr=pr,
        )


# ------------------------------------------------------------------ 7. Go runtime OOM in helm


def go_oom() -> None:
    at(PLAT)
    lines = [
        "fatal error: runtime: out of memory",
        "",
        "runtime stack:",
        "runtime.throw({0x2a4c8e1?, 0x3000000?})",
        "\t/usr/local/go/src/runtime/panic.go:1101 +0x48 fp=0x7ffd4c2e9a10 sp=0x7ffd4c2e9a10 "
        "pc=0x47a1e8",
        "runtime.sysMapOS(0xc0fc400000, 0x40000000)",
        "\t/usr/local/go/src/runtime/mem_linux.go:181 +0x11b fp=0x7ffd4c2e9a10 "
        "sp=0x7ffd4c2e9a10 pc=0x41c3fb",
        "runtime.(*mheap).grow(0x4d27ee0, 0x20000?)",
        "\t/usr/local/go/src/runtime/mheap.go:1536 +0x21d fp=0x7ffd4c2e9a10 sp=0x7ffd4c2e9a10 "
        "pc=0x43b37d",
        "",
        "goroutine 1 gp=0xc000002380 m=0 mp=0x4d0b7a0 [running]:",
        "runtime.systemstack_switch()",
        "\t/usr/local/go/src/runtime/asm_amd64.s:479 +0x8 fp=0xc1a3e4f2d8 sp=0xc1a3e4f2c8 "
        "pc=0x480a28",
        "strings.(*Builder).grow(...)",
        "\t/usr/local/go/src/strings/builder.go:75",
        "text/template.(*state).walkRange(0xc000c6b2c0, {0x2684a40?, 0xc00071e0f0?, 0x0?}, "
        "0xc000b15320)",
        "\t/usr/local/go/src/text/template/exec.go:397 +0x6b2 fp=0xc1a3e4f888 sp=0xc1a3e4f6f0 "
        "pc=0x7a91d2",
        "helm.sh/helm/v3/pkg/engine.Engine.render({0x0?, 0x0?, 0x0?, 0x0?}, 0xc0006d2c60)",
        "\t/home/runner/work/helm/helm/pkg/engine/engine.go:349 +0x1fc",
        "main.main()",
        "\t/home/runner/work/helm/helm/cmd/helm/helm.go:87 +0x2d4",
    ]
    cmd = "helm template ingest charts/ingest -f charts/ingest/values-prod.yaml > /tmp/ingest.yaml"
    for cid, desc, agent, ftype, tags, message, changed, pr in (
        (
            PFX + "helm-template-go-runtime-oom-nothing-to-blame",
            "helm template fails with Go's 'fatal error: runtime: out of memory' in "
            "text/template; the chart change bumps an image tag and the chart has no loops: the "
            "runner's memory",
            "atlas",
            "general",
            ["resource-kill", "look-alike"],
            "chore(ingest): bump image to 1.14.2",
            ["charts/ingest/values-prod.yaml"],
            None,
        ),
        (
            PFX + "helm-template-go-runtime-oom-range-until-40m",
            "the same Go runtime OOM in helm's walkRange; the change adds a ConfigMap template "
            "that ranges over `until 40000000` to pre-render shard keys (the PR: one line per "
            "possible shard): the chart's own template growth",
            "bolt",
            "helm",
            LA,
            "feat(ingest): pre-render the shard map in a ConfigMap",
            ["charts/ingest/templates/shard-map.yaml", "charts/ingest/values.yaml"],
            pr_of(
                PFX + "pr-shard-map",
                "feat(ingest): render the shard map in the chart",
                "Adds `templates/shard-map.yaml` with `{{- range $i := until 40000000 }}` to "
                "write one `shard-{{ $i }}` key per shard so the pods don't compute it.",
            ),
        ),
    ):
        ci(
            cid,
            desc,
            tags,
            agent,
            ftype,
            repo=PLAT,
            workflow="charts",
            job="render",
            steps=[
                checkout(PLAT),
                uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm tool version: v3.16.3"]),
                run(cmd, lines, 2, name="Render"),
            ],
            message=message,
            files=changed,
            pr=pr,
        )


# ------------------------------------------------------------------ 8. threads


def threads() -> None:
    at(REPO)
    script = """import concurrent.futures as cf
import time


def probe(name):
    time.sleep(0.2)
    return name


CRATES = [f"crate-{i}" for i in range(40)]
print(f"probing {len(CRATES)} crates with 16 workers")
with cf.ThreadPoolExecutor(max_workers=16) as pool:
    for name in pool.map(probe, CRATES):
        print(f"  ok {name}")
"""
    path = real.scratch("b54-threads", {"scripts/probe_crates.py": script})
    for root, dirs, fs in os.walk(path):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
        for f in fs:
            os.chmod(os.path.join(root, f), 0o644)
    lines, code = real.run(f"{NOBODY} prlimit --nproc=5 python3 scripts/probe_crates.py", path)
    out = real.Out("python3 scripts/probe_crates.py", lines, code)
    assert code != 0 and any("can't start new thread" in ln for ln in lines), lines
    ci(
        PFX + "python-cant-start-new-thread-crate-probe",
        "a docs job's crate probe script fails with 'RuntimeError: can't start new thread'; the "
        "self-hosted runner's limits step shows max user processes 5 and the change only "
        "edits a README: the runner's process limit",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="docs",
        job="crate-docs",
        steps=[
            run(
                "ulimit -u && nproc",
                ["5", "4"],
                name="Runner limits",
            ),
            checkout(),
            failing(out, name="Probe crates"),
        ],
        message="docs: link the routing guide",
        files=["README.md"],
        self_hosted=True,
        runner="docs-runner-1",
    )


# ------------------------------------------------------------------ 9. plain


def plain() -> None:
    at(REPO)
    out = real.cargo(
        "b54-e0308",
        {
            "src/lib.rs": "/// The memory limit in bytes.\npub fn limit_bytes(mib: u64) -> u32 {\n"
            "    mib * 1024 * 1024\n}\n"
        },
        ["build"],
    )
    ci(
        PFX + "plain-rustc-e0308-memory-limit",
        "cargo build fails with rustc E0308 mismatched types (u64 returned where u32 is "
        "declared) in the change's new memory-limit helper",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="check",
        steps=[checkout(), *rust_setup(), failing(out, name="Build")],
        message="feat(limits): a memory limit helper",
        files=["src/lib.rs"],
    )

    at(WEB)
    vt = real.vitest(
        "b54-vitest",
        {
            "src/bytes.js": "export const mib = (b) => Math.round(b / 1000 / 1000);\n",
            "src/bytes.test.js": 'import { expect, test } from "vitest";\n'
            'import { mib } from "./bytes.js";\n\n'
            'test("formats a GiB as 1024 MiB", () => {\n'
            "  expect(mib(1024 * 1024 * 1024)).toBe(1024);\n});\n",
        },
    )
    assert vt.code != 0, vt.lines
    ci(
        PFX + "plain-vitest-mib-assertion",
        "vitest: the byte formatter's test expects 1024 for a GiB and gets 1074 (the change "
        "divides by 1000)",
        ["obvious"],
        "blaze",
        "frontend_test",
        repo=WEB,
        workflow="console-ci",
        job="unit",
        steps=[*node_setup(), npm_ci_ok(), failing(vt, name="Unit tests")],
        message="feat(runs): show memory in MiB",
        files=["src/bytes.js"],
    )

    at(PLAT)
    yl = real.yamllint(
        "b54-yamllint",
        {
            "charts/ingest/values.yaml": "resources:\n  limits:\n    memory: 2Gi\n"
            "   cpu: 1\n  requests:\n    memory: 1Gi\n"
        },
        ["charts/ingest/values.yaml"],
    )
    assert yl.code != 0, yl.lines
    ci(
        PFX + "plain-yamllint-chart-values-indent",
        "yamllint reports a syntax error in the ingest chart's values.yaml (a mis-indented "
        "`cpu:` under resources.limits) that the change introduced",
        ["obvious"],
        "bolt",
        "yaml_config",
        repo=PLAT,
        workflow="charts",
        job="lint",
        steps=[checkout(PLAT), failing(yl, name="yamllint")],
        message="chore(ingest): raise the memory limit",
        files=["charts/ingest/values.yaml"],
    )

    at(REPO)
    ci(
        PFX + "plain-runner-lost-communication",
        "the hosted runner stops mid-test with 'The runner has received a shutdown signal' and "
        "the job ends with GitHub's lost-communication error: runner infrastructure",
        ["obvious"],
        "atlas",
        "general",
        workflow="rust",
        job="test",
        steps=[
            checkout(),
            *rust_setup(),
            run(
                "cargo test --workspace",
                [
                    "   Compiling healer-proto v0.21.0 (/home/runner/work/healer/healer/crates/"
                    "proto)",
                    "   Compiling healer-store v0.21.0 (/home/runner/work/healer/healer/crates/"
                    "store)",
                    "##[error]The runner has received a shutdown signal. This can happen when "
                    "the runner service is stopped, or a manually started runner is canceled.",
                ],
                0,
                name="Test",
                conclusion="cancelled",
            ),
        ],
        tail=[
            "##[error]The hosted runner: GitHub Actions 1000003141 lost communication with the "
            "server. Anything in your workflow that terminates the runner process, starves it "
            "for CPU/Memory, or blocks its network access can cause this error."
        ],
        message="test(store): cover the empty queue",
        files=["crates/store/tests/queue.rs"],
    )
