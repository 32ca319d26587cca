"""Batch 23 of the fresh split (ids ``fr-w-``): a working week of a platform team, with noise.

Failures arrive as a real organisation's do: about a third are plain everyday failures (a
compile error, a failing test, a lint, a chart template error, a conflicting PR) that still
carry realistic noise around them: a download that failed once and recovered on curl's retry,
warnings earlier in the same step, deprecation notices, annotations from other steps, long
logs. The rest spread over the hard classes in forms not used before:

- wrappers whose inner tool decides (``lerna run`` over vitest, over a napi crate's cargo build
  and over a tsc killed by the runner; ``pre-commit run`` hooks around clippy, yamllint on a
  workflow and yamllint on an HPA; a Makefile calling a script calling cargo test);
- cluster symptoms whose cause is in the context (a Rust ``split_at`` panic in Loki behind a
  smoke 502, Node's ``ERR_PACKAGE_PATH_NOT_EXPORTED`` behind a rollout, an Argo CD sync error
  read by a ``curl | jq`` gate, a startup probe on a port the service no longer opens, a
  projected ConfigMap the change never created) and a look-alike with a healthy context;
- GitHub platform failures under misleading job names (a required status check context that
  was renamed, a ruleset refusing merge commits, a GitHub App token that expired during a long
  build, GH001 for a large file) and push protection for a secret;
- security without a log (a KICS sensor body, dependency review on a Cargo.lock bump);
- plain obvious cases with no noise at all.
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
from cases_batch14 import TS, _argo, _noise_pods, _pkg, _rust
from cases_batch15 import _flaky_once
from cases_batch18 import _rust_ok
from cases_batch19 import _kill_where
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
from gha import run, uses
from helpers import (
    clock,
    crashing,
    curl_fail,
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
GATE = "5dlabs/edge-gateway"
NS = "healer"

B23_NODE = real.WORK / "b23-node"
B23_NODE_PKGS = ["lerna@8.2.4"]


def ensure_b23_tools() -> None:
    """Install this batch's pinned client (lerna, with the nx it runs on) into
    ``work/b23-node`` once; nx's postinstall is not run (its native binary comes from the
    optional dependency, as npm installs it)."""
    marker = B23_NODE / ".pinned"
    if marker.exists() and marker.read_text() == " ".join(B23_NODE_PKGS):
        return
    B23_NODE.mkdir(parents=True, exist_ok=True)
    (B23_NODE / "package.json").write_text('{"name":"tools","private":true}')
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", *B23_NODE_PKGS],
        cwd=B23_NODE,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    marker.write_text(" ".join(B23_NODE_PKGS))


def _path() -> str:
    return (
        f"{B23_NODE / 'node_modules' / '.bin'}:{real.NODE / 'node_modules' / '.bin'}:"
        f"{real.VENV / 'bin'}:{os.environ['PATH']}"
    )


def _clean(lines: list[str]) -> list[str]:
    out = []
    for ln in lines:
        ln = ln.replace(str(B23_NODE / "node_modules"), real.RUNNER + "/node_modules")
        ln = ln.replace(str(real.WORK), "/home/runner/work")
        ln = re.sub(r"duration_ms: [\d.]+", "duration_ms: 3.418007", ln)
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
    git: bool = False,
) -> real.Out:
    """``bash -e -c script`` in a scratch dir with this batch's tools first on PATH."""
    path = real.scratch(name, files)
    if node_modules:
        real.link_node_modules(path)
    if git:
        real.git(path, "init", "-q")
        real.git(path, "add", "-A")
    lines, code = real.run(
        ["bash", "-e", "-c", script],
        path,
        env={
            "PATH": _path(),
            "CARGO_NET_OFFLINE": "true",
            "NX_DAEMON": "false",
            "NX_NO_CLOUD": "true",
            "PRE_COMMIT_HOME": str(real.WORK / "pre-commit-cache"),
            **(env or {}),
        },
        hosts=hosts,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    return real.Out(shown, _clean(lines), code)


def _paths_filter(filters: str, matched: list[str]) -> object:
    """A ``dorny/paths-filter@v2`` step; its bundled old ``@actions/core`` still writes
    ``::set-output``, so the runner prints its deprecation warning for every output."""
    warn = (
        "##[warning]The `set-output` command is deprecated and will be disabled soon. Please "
        "upgrade to using Environment Files. For more information see: https://github.blog/"
        "changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/"
    )
    lines = ["Get current git ref", "Changes will be detected between main and HEAD"]
    for name in matched:
        lines += [f"Filter {name} = true", warn]
    lines += [f"Changes output set to {json.dumps(matched)}", warn]
    return uses("dorny/paths-filter@v2", {"filters": filters}, lines, name="Changed paths")


def build() -> None:
    ensure_b23_tools()
    skip = os.environ.get("B23_SKIP", "").split(",")
    only = [p for p in os.environ.get("B23_ONLY", "").split(",") if p]
    for part in (everyday, wrappers, cluster, platform, security, obvious):
        if part.__name__ in skip or (only and part.__name__ not in only):
            continue
        part()


# ------------------------------------------------------------------ 1. everyday, with noise


def _recovering_download(
    name: str,
    url_path: str,
    host: str,
    then: str,
    files: dict[str, str],
    failures: int = 1,
    **kw: object,
) -> real.Out:
    """A script whose first line downloads ``url_path`` with curl's retry (the server answers
    503 ``failures`` times, then 200) and whose remaining lines are ``then``."""
    with real.serve(_flaky_once(failures, "x" * 2048)) as port:  # type: ignore[arg-type]
        script = (
            "set -e\nmkdir -p .cache\n"
            f"curl -fSL --no-progress-meter --retry 3 --retry-delay 1 -o .cache/dl "
            f"http://127.0.0.1:{port}{url_path}\n{then}"
        )
        return _sh(
            name,
            {**files, "ci/step.sh": script},
            "bash ci/step.sh",
            "bash ci/step.sh",
            hosts={f"http://127.0.0.1:{port}": f"https://{host}"},
            **kw,  # type: ignore[arg-type]
        )


def everyday() -> None:
    # 1a. Monday: protoc download recovers on curl's retry, then cargo build fails E0599 (rex)
    at(REPO)
    src = """use std::collections::BTreeMap;

pub struct Queue {
    pending: BTreeMap<u64, String>,
}

impl Queue {
    pub fn new() -> Self {
        Queue { pending: BTreeMap::new() }
    }

    pub fn oldest(&self) -> Option<&String> {
        // BTreeMap has first_key_value, not first_value
        self.pending.first_value()
    }
}

fn main() {
    let q = Queue::new();
    println!("{:?}", q.oldest());
}
"""
    out = _recovering_download(
        "fr-w-e0599",
        "/protocolbuffers/protobuf/releases/download/v28.3/protoc-28.3-linux-x86_64.zip",
        "github.com",
        "echo 'protoc 28.3 unpacked to .cache/protoc'\ncargo build\n",
        {"Cargo.toml": real.cargo_toml("healer"), "src/main.rs": src},
    )
    out = real.Out(out.command, [ln for ln in out.lines if "Compiling" not in ln], out.code)
    assert out.code != 0 and any("E0599" in ln for ln in out.lines), out
    assert any("503" in ln for ln in out.lines), out
    ci(
        "fr-w-mon-protoc-retry-recovered-then-e0599",
        "the build step's protoc download answers 503 once and recovers on curl's retry; the "
        "same step then fails in cargo build with E0599: no method first_value on BTreeMap "
        "(first_key_value exists)",
        ["noisy", "multi-signal"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(queue): expose the oldest pending run",
        files=["crates/queue/src/lib.rs"],
        pr=pr_of("fr-w-mon-protoc", "feat(queue): expose the oldest pending run"),
    )

    # 1b. Monday: a codegen script's warnings and a Node 20 deprecation annotation, then one
    # vitest toStrictEqual (blaze)
    at(WEB)
    gen = _sh(
        "fr-w-gen-icons",
        {
            "scripts/gen-icons.mjs": """const icons = ["run", "agent", "alert", "gear", "lock"];
for (const name of icons) {
  if (name === "gear" || name === "lock") {
    console.warn(`warn: icon "${name}" has no 16px variant, scaling the 24px one`);
  }
}
console.log(`generated ${icons.length} icons into src/icons/index.ts`);
""",
        },
        "node scripts/gen-icons.mjs",
        "npm run gen:icons",
    )
    assert gen.code == 0, gen
    test = _sh(
        "fr-w-vitest-strict",
        {
            "package.json": _pkg("console", {"test": "vitest run"}),
            "src/filters.js": """export function parseFilters(query) {
  const params = new URLSearchParams(query);
  return {
    status: params.get("status") ?? undefined,
    owner: params.get("owner") ?? undefined,
    labels: params.getAll("label"),
  };
}
""",
            "src/filters.test.js": """import { test, expect } from "vitest";
import { parseFilters } from "./filters.js";

test("parses only the filters present in the query", () => {
  expect(parseFilters("status=failed&label=rust")).toStrictEqual({
    status: "failed",
    labels: ["rust"],
  });
});

test("parses repeated labels", () => {
  expect(parseFilters("label=a&label=b").labels).toEqual(["a", "b"]);
});
""",
        },
        "npx vitest run",
        "npx vitest run",
        node_modules=True,
    )
    assert test.code != 0 and any("toStrictEqual" in ln for ln in test.lines), test
    lines = ["> console@2.4.0 gen:icons", "> node scripts/gen-icons.mjs", "", *gen.lines, ""]
    lines += ["> console@2.4.0 test", "> vitest run", "", *test.lines]
    ci(
        "fr-w-mon-icon-warnings-then-vitest-strict-equal",
        "after set-output deprecation warnings from a paths-filter step, the unit step first "
        "runs the icon generator (two 'no 16px variant' warnings); then vitest fails one "
        "toStrictEqual: "
        "parseFilters now returns owner: undefined where the test expects no owner key",
        ["noisy", "multi-signal"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[
            uses(
                "actions/setup-node@v4",
                {"node-version": "20", "cache": "npm"},
                ["Found in cache @ /opt/hostedtoolcache/node/20.20.2/x64"],
            ),
            _paths_filter(".github/filters.yml", ["web"]),
            run(
                "npm run gen:icons && npm test",
                lines,
                1,
                name="Unit tests",
            ),
        ],
        message="feat(filters): owner filter",
        files=["src/filters.js", "src/filters.test.js"],
    )

    # 1c. Tuesday: a sccache download recovers on retry, rustc warnings, then clippy's
    # manual_map under -D warnings (rex)
    at(REPO)
    clip_src = """pub fn port_of(raw: Option<&str>) -> Option<u16> {
    match raw {
        Some(s) => Some(s.len() as u16),
        None => None,
    }
}

pub fn unused_helper() {
    let scratch = 4;
}

fn main() {
    println!("{:?}", port_of(Some("8080")));
}
"""
    out = _recovering_download(
        "fr-w-clippy",
        "/mozilla/sccache/releases/download/v0.8.2/sccache-v0.8.2-x86_64-unknown-linux-musl.tar.gz",
        "github.com",
        "echo 'sccache 0.8.2 installed'\ncargo clippy -- -D clippy::all -W unused\n",
        {"Cargo.toml": real.cargo_toml("healer"), "src/main.rs": clip_src},
        failures=2,
    )
    out = real.Out(
        "bash ci/clippy.sh",
        [ln for ln in out.lines if "Checking" not in ln and "Compiling" not in ln],
        out.code,
    )
    assert out.code != 0 and any("manual_map" in ln for ln in out.lines), out
    ci(
        "fr-w-tue-sccache-retried-warnings-then-clippy-manual-map",
        "ci/clippy.sh's sccache download gets two 503s before it succeeds, rustc warns about an "
        "unused variable, and clippy then denies manual_map in port_of (a match that could be "
        "Option::map)",
        ["noisy", "multi-signal"],
        "rex",
        "rust_clippy",
        workflow="rust",
        job="lint",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(config): read the listen port from the env",
        files=["crates/config/src/lib.rs"],
    )

    # 1d. Tuesday: a long TAP run of passing node --test subtests, then ESLint no-self-assign
    # (blaze)
    at(WEB)
    cases = "\n".join(
        f'test("route {i:03d} renders", () => {{ assert.equal(render({i}), "route-{i}"); }});'
        for i in range(1, 181)
    )
    tap = _sh(
        "fr-w-long-tap",
        {
            "test/routes.test.mjs": 'import { test } from "node:test";\n'
            'import assert from "node:assert/strict";\n'
            "const render = (i) => `route-${i}`;\n" + cases + "\n",
        },
        "node --test --test-reporter=tap test/",
        "node --test --test-reporter=tap test/",
    )
    assert tap.code == 0 and len(tap.lines) > 700, (tap.code, len(tap.lines))
    lint = real.eslint(
        "fr-w-eslint-self-assign",
        {
            "src/state.js": """export function reset(state) {
  state.page = 1;
  state.filters = state.filters;
  return state;
}
""",
        },
    )
    assert lint.code != 0 and any("no-self-assign" in ln for ln in lint.lines), lint
    ci(
        "fr-w-tue-long-route-tap-run-then-eslint-no-self-assign",
        "a long log: 180 passing node --test route subtests in TAP, then the lint step fails on "
        "one ESLint error, no-self-assign (state.filters = state.filters) in src/state.js",
        ["long-log", "noisy"],
        "blaze",
        "frontend_lint",
        workflow="console-ci",
        job="checks",
        repo=WEB,
        steps=[
            *node_setup(),
            run(tap.command, tap.lines, name="Route tests"),
            failing(lint, name="Lint"),
        ],
        message="refactor(state): reset keeps the active filters",
        files=["src/state.js"],
    )

    # 1e. Wednesday: helm template nil pointer after coalesce warnings (bolt; helm's format)
    at(PLAT)
    ci(
        "fr-w-wed-helm-template-nil-pointer-after-warnings",
        "helm template prints a group-readable kubeconfig warning and two coalesce warnings, "
        "then fails: the deployment template reads .Values.probes.readiness.port and the "
        "change moved probes under .Values.health (nil pointer evaluating port)",
        ["noisy"],
        "bolt",
        "helm",
        workflow="charts",
        job="render",
        repo=PLAT,
        steps=[
            run(
                "helm dependency build charts/edge-gateway",
                [
                    "Hang tight while we grab the latest from your chart repositories...",
                    '...Successfully got an update from the "bitnami" chart repository',
                    "Update Complete. ⎈Happy Helming!⎈",
                    "Saving 1 charts",
                    "Downloading redis from repo https://charts.bitnami.com/bitnami",
                    "Deleting outdated charts",
                ],
                name="Chart dependencies",
            ),
            run(
                "helm template edge-gateway charts/edge-gateway -f charts/edge-gateway/"
                "values-staging.yaml > /tmp/rendered.yaml",
                [
                    "WARNING: Kubernetes configuration file is group-readable. This is "
                    "insecure. Location: /home/runner/.kube/config",
                    "coalesce.go:286: warning: cannot overwrite table with non table for "
                    "edge-gateway.ingress.annotations (map[])",
                    "coalesce.go:298: warning: destination for redis.master.extraFlags is a "
                    "table. Ignoring non-table value ([])",
                    "Error: template: edge-gateway/templates/deployment.yaml:47:36: executing "
                    '"edge-gateway/templates/deployment.yaml" at '
                    "<.Values.probes.readiness.port>: nil pointer evaluating interface {}.port",
                ],
                1,
                name="Render",
            ),
        ],
        message="refactor(chart): group probe settings under health",
        files=["charts/edge-gateway/values.yaml", "charts/edge-gateway/values-staging.yaml"],
        pr=pr_of("fr-w-helm-nil", "refactor(chart): group probe settings under health"),
    )

    # 1f. Wednesday: updating a PR branch from main conflicts (atlas)
    at(REPO)
    root = real.scratch("fr-w-conflict")
    real.new_repo(
        root,
        {
            "crates/router/src/weights.rs": "pub const RUST: u32 = 3;\npub const WEB: u32 = 2;\n"
            "pub const INFRA: u32 = 2;\n",
            "README.md": "# healer\n",
        },
    )
    real.git(root, "checkout", "-q", "-b", "feat/weights")
    real.commit_all(
        root,
        {
            "crates/router/src/weights.rs": "pub const RUST: u32 = 4;\npub const WEB: u32 = 2;\n"
            "pub const INFRA: u32 = 3;\n"
        },
        "feat(router): weigh infra higher",
    )
    real.git(root, "checkout", "-q", "main")
    real.commit_all(
        root,
        {
            "crates/router/src/weights.rs": "pub const RUST: u32 = 3;\npub const WEB: u32 = 2;\n"
            "pub const INFRA: u32 = 1;\npub const SECURITY: u32 = 5;\n"
        },
        "feat(router): security first",
    )
    real.git(root, "checkout", "-q", "feat/weights")
    lines, code = real.git(root, "merge", "--no-edit", "main")
    assert code != 0 and any("CONFLICT" in ln for ln in lines), lines
    ci(
        "fr-w-wed-update-branch-conflict-router-weights",
        "the job that merges origin/main into the PR branch before testing stops: CONFLICT in "
        "crates/router/src/weights.rs, both sides changed INFRA; set-output deprecation "
        "warnings from a paths-filter step and a passing toolchain setup come before it",
        ["noisy", "misleading-name"],
        "atlas",
        "merge_conflict",
        workflow="rust",
        job="test",
        repo=REPO,
        steps=[
            *rust_setup(),
            uses(
                "actions/cache/restore@v4",
                {"path": "~/.cargo/registry", "key": "cargo-registry-Linux-3f1c"},
                ["Cache restored from key: cargo-registry-Linux-3f1c"],
            ),
            _paths_filter(".github/filters.yml", ["rust"]),
            run(
                "git fetch origin main && git merge --no-edit origin/main",
                [
                    "From https://github.com/5dlabs/healer",
                    " * branch            main       -> FETCH_HEAD",
                    *lines,
                ],
                code,
                name="Update from main",
            ),
        ],
        message="feat(router): weigh infra higher",
        files=["crates/router/src/weights.rs"],
        pr=pr_of("fr-w-conflict", "feat(router): weigh infra higher"),
    )

    # 1g. Thursday: hadolint warnings under the threshold earlier, then docker-related noise
    # and a failing kubectl client dry run? No: a plain cargo test with a recovered fixture
    # download and a deprecation notice in the same step (rex)
    at(GATE)
    lib = """pub fn retry_after(header: &str) -> Option<u64> {
    header.trim().parse::<u64>().ok().map(|s| s * 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_milliseconds() {
        assert_eq!(retry_after("3"), Some(3000), "Retry-After seconds to ms");
    }

    #[test]
    fn retry_after_rejects_dates() {
        assert_eq!(retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), None);
    }
}
"""
    out = _recovering_download(
        "fr-w-cargo-test",
        "/fixtures/upstream-responses-v4.tar.gz",
        "fixtures.5dlabs.ai",
        "echo 'warning: `RUSTFLAGS=-Zshare-generics` is deprecated on stable, ignoring'\n"
        "cargo test --quiet\n",
        {"Cargo.toml": real.cargo_toml("edge-gateway"), "src/lib.rs": lib},
    )
    out = real.Out("bash ci/test.sh", [ln for ln in out.lines if "Compiling" not in ln], out.code)
    assert out.code != 0 and any("retry_after_is_milliseconds" in ln for ln in out.lines), out
    ci(
        "fr-w-thu-fixture-retry-then-cargo-test-retry-after",
        "ci/test.sh's fixture download recovers after one 503 and the script prints a "
        "deprecation note; then cargo test fails retry_after_is_milliseconds: left 300, right "
        "3000 (the change multiplies seconds by 100)",
        ["noisy", "multi-signal"],
        "rex",
        "rust_test",
        workflow="gateway-ci",
        job="test",
        repo=GATE,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="fix(gateway): honour Retry-After from upstreams",
        files=["src/retry.rs"],
    )


# ------------------------------------------------------------------ 2. wrappers


def _lerna_files(packages: dict[str, dict[str, str]]) -> dict[str, str]:
    files = {
        "package.json": json.dumps(
            {"name": "console", "private": True, "workspaces": ["packages/*"]}, indent=2
        )
        + "\n",
        "lerna.json": json.dumps(
            {"version": "2.4.0", "npmClient": "npm", "packages": ["packages/*"]}, indent=2
        )
        + "\n",
    }
    for pkg, pfiles in packages.items():
        for rel, text in pfiles.items():
            files[f"packages/{pkg}/{rel}"] = text
    return files


def _lerna(name: str, packages: dict[str, dict[str, str]], target: str, **kw: object) -> real.Out:
    out = _sh(
        name,
        _lerna_files(packages),
        f"lerna run {target} --concurrency 1",
        f"npx lerna run {target} --concurrency 1",
        node_modules=True,
        **kw,  # type: ignore[arg-type]
    )
    return out


def _lerna_clean(out: real.Out) -> real.Out:
    lines = []
    for ln in out.lines:
        ln = re.sub(r"\(\d+(\.\d+)?m?s\)", "(9ms)", ln)
        ln = re.sub(r"Duration  [\d.]+s", "Duration  1.42s", ln)
        lines.append(ln)
    # collapse runs of blank lines lerna/nx print between tasks
    out_lines: list[str] = []
    for ln in lines:
        if not ln.strip() and out_lines and not out_lines[-1].strip():
            continue
        out_lines.append(ln)
    return real.Out(out.command, out_lines, out.code)


def wrappers() -> None:
    at(WEB)

    def vitest_pkg(n: str) -> str:
        manifest = {
            "name": f"@console/{n}",
            "version": "2.4.0",
            "type": "module",
            "scripts": {"test": "vitest run"},
        }
        return json.dumps(manifest, indent=2) + "\n"

    # 2a. lerna run test: the api-client package's vitest fails (blaze)
    out = _lerna_clean(
        _lerna(
            "fr-w-lerna-test",
            {
                "ui": {
                    "package.json": vitest_pkg("ui"),
                    "src/badge.test.js": 'import { test, expect } from "vitest";\n'
                    'test("badge text", () => expect("ok".toUpperCase()).toBe("OK"));\n',
                },
                "api-client": {
                    "package.json": vitest_pkg("api-client"),
                    "src/paging.js": """export function nextPage(link) {
  const m = /<([^>]+)>; rel="next"/.exec(link ?? "");
  return m ? new URL(m[1]).searchParams.get("page") : null;
}
""",
                    "src/paging.test.js": """import { test, expect } from "vitest";
import { nextPage } from "./paging.js";

test("reads the next page number from a Link header", () => {
  const link = '<https://api.5dlabs.ai/runs?page=3>; rel="next", <https://api.5dlabs.ai/runs?page=9>; rel="last"';
  expect(nextPage(link)).toBe(3);
});
""",
                },
            },
            "test",
        )
    )
    assert out.code != 0 and any("@console/api-client:test" in ln for ln in out.lines), out
    assert any("AssertionError" in ln or "toBe" in ln for ln in out.lines), out
    ci(
        "fr-w-lerna-run-test-api-client-vitest",
        "lerna run test (powered by Nx) reports the test target failed for @console/api-client: "
        "inside it vitest's 'reads the next page number' expects the number 3 and gets the "
        "string '3'; @console/ui's tests pass",
        ["wrapper", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="workspace-tests",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Test all packages")],
        message="feat(api-client): follow Link pagination",
        files=["packages/api-client/src/paging.js", "packages/api-client/src/paging.test.js"],
    )

    # 2b. lerna run build: a napi package's build script is cargo build; rustc E0308 (rex)
    napi = {
        "package.json": json.dumps(
            {
                "name": "@console/diff-native",
                "version": "2.4.0",
                "scripts": {"build": "cargo build --release --quiet"},
            },
            indent=2,
        )
        + "\n",
        "Cargo.toml": real.cargo_toml("diff-native"),
        "src/lib.rs": """/// Number of changed lines between two texts (napi binding calls this).
pub fn changed_lines(a: &str, b: &str) -> u32 {
    let changed = a.lines().zip(b.lines()).filter(|(x, y)| x != y).count();
    changed
}
""",
    }
    web_pkg = {
        "package.json": json.dumps(
            {
                "name": "@console/ui",
                "version": "2.4.0",
                "scripts": {"build": "node -e \"console.log('ui: 14 modules bundled')\""},
            },
            indent=2,
        )
        + "\n",
    }
    out = _lerna_clean(_lerna("fr-w-lerna-build", {"diff-native": napi, "ui": web_pkg}, "build"))
    assert out.code != 0 and any("E0308" in ln for ln in out.lines), out
    ci(
        "fr-w-lerna-run-build-napi-crate-e0308",
        "lerna run build fails in @console/diff-native, whose build script is cargo build: "
        "rustc E0308 in src/lib.rs, the usize count returned where the napi binding's u32 is "
        "declared; the JS package builds fine",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_build",
        workflow="console-ci",
        job="build-packages",
        repo=WEB,
        steps=[*rust_setup(), *node_setup(), failing(out, name="Build all packages")],
        message="feat(diff-native): count changed lines natively",
        files=["packages/diff-native/src/lib.rs"],
    )

    # 2c. lerna run typecheck: tsc SIGKILLed, nothing in the change to blame (atlas)
    app = {
        "package.json": json.dumps(
            {
                "name": "@console/app",
                "version": "2.4.0",
                "scripts": {"typecheck": "tsc --noEmit -p tsconfig.json"},
            },
            indent=2,
        )
        + "\n",
        "tsconfig.json": json.dumps(
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
        ),
    }
    for i in range(700):
        app[f"src/views/v{i}.ts"] = (
            f"export type Row{i} = {{ id: number; name: string; tags: string[]; "
            f"meta: Record<string, {{ v: number; at: Date }}> }};\n"
            f"export function rows{i}(n: number): Row{i}[] {{\n"
            f"  return Array.from({{ length: n }}, (_, k) => ({{ id: k, name: `v{i}-${{k}}`, "
            f"tags: [String(k)], meta: {{ a: {{ v: k, at: new Date(0) }} }} }}));\n}}\n"
        )
    ui = {"package.json": json.dumps({"name": "@console/ui", "version": "2.4.0"}, indent=2) + "\n"}
    files = _lerna_files({"app": app, "ui": ui})
    out = kill_one(
        "fr-w-lerna-kill",
        files,
        f"export PATH={_path()}; export NX_DAEMON=false NX_NO_CLOUD=true; "
        "lerna run typecheck --concurrency 1",
        "bin/tsc",
        settle=2.0,
        node_modules=True,
    )
    out = _lerna_clean(
        real.Out(
            "npx lerna run typecheck --concurrency 1",
            _clean([ln for ln in out.lines if not ln.startswith("export PATH")]),
            out.code,
        )
    )
    assert out.code != 0 and any("Killed" in ln for ln in out.lines), out
    ci(
        "fr-w-lerna-run-typecheck-tsc-killed",
        "lerna run typecheck: tsc in @console/app is Killed (the npm script's shell reports "
        "it) before printing any diagnostic; the change only edits copy in a locale file: "
        "the runner ran out of memory, nothing in the code to blame",
        ["wrapper", "resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Typecheck all packages")],
        message="copy(app): clearer empty states",
        files=["packages/app/src/locales/en.json"],
    )

    # 2d. pre-commit run: the clippy hook fails after two passing hooks (rex)
    at(REPO)
    pc = """repos:
  - repo: local
    hooks:
      - id: no-dbg
        name: forbid dbg!
        entry: 'dbg!\\('
        language: pygrep
        types: [rust]
      - id: cargo-fmt
        name: cargo fmt
        entry: cargo fmt --check
        language: system
        types: [rust]
        pass_filenames: false
      - id: cargo-clippy
        name: cargo clippy
        entry: cargo clippy --quiet -- -D warnings
        language: system
        types: [rust]
        pass_filenames: false
"""
    src = """pub fn total_ms(samples: &[u64]) -> u64 {
    let mut total = 0;
    for i in 0..samples.len() {
        total += samples[i];
    }
    total
}
"""
    out = _sh(
        "fr-w-precommit-clippy",
        {".pre-commit-config.yaml": pc, "Cargo.toml": real.cargo_toml("healer"), "src/lib.rs": src},
        "pre-commit run --all-files",
        "pre-commit run --all-files",
        git=True,
    )
    out = real.Out(
        out.command,
        [ln for ln in out.lines if "Checking" not in ln and "Compiling" not in ln],
        out.code,
    )
    assert out.code != 0 and any("needless_range_loop" in ln for ln in out.lines), out
    ci(
        "fr-w-pre-commit-clippy-hook-needless-range-loop",
        "pre-commit run --all-files: the dbg! and cargo fmt hooks pass, the local cargo clippy "
        "hook fails on needless_range_loop in total_ms under -D warnings",
        ["wrapper"],
        "rex",
        "rust_clippy",
        workflow="pre-commit",
        job="hooks",
        repo=REPO,
        steps=[
            *rust_setup(),
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            run("pip install pre-commit==4.7.0", ["Successfully installed pre-commit-4.7.0"]),
            failing(out, name="pre-commit"),
        ],
        message="feat(metrics): total handling time",
        files=["crates/metrics/src/lib.rs"],
    )

    # 2e/2f. pre-commit's yamllint hook: on a workflow (atlas) and on an HPA manifest (bolt)
    pc_yaml = """repos:
  - repo: local
    hooks:
      - id: yamllint
        name: yamllint
        entry: yamllint --strict
        language: system
        types: [yaml]
"""
    wf = """---
name: nightly
"on":
  schedule:
    - cron: "17 3 * * *"
jobs:
  e2e:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
       - run: npm run test:e2e
"""
    at(PLAT)
    out = _sh(
        "fr-w-precommit-yaml-wf",
        {".pre-commit-config.yaml": pc_yaml, ".github/workflows/nightly.yml": wf},
        "pre-commit run --all-files",
        "pre-commit run --all-files",
        git=True,
    )
    assert out.code != 0 and any("nightly.yml" in ln for ln in out.lines), out
    ci(
        "fr-w-pre-commit-yamllint-nightly-workflow",
        "pre-commit's yamllint hook fails on .github/workflows/nightly.yml: a syntax error "
        "where the second run step is indented one space deeper than the first; a workflow "
        "file",
        ["wrapper", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="pre-commit",
        repo=PLAT,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            run(
                "pip install pre-commit==4.7.0 yamllint==1.38.0",
                ["Successfully installed pre-commit-4.7.0 yamllint-1.38.0"],
            ),
            failing(out, name="pre-commit"),
        ],
        message="ci(nightly): run e2e every night",
        files=[".github/workflows/nightly.yml"],
    )
    hpa = """---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: edge-gateway
  namespace: gateway
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: edge-gateway
  minReplicas: 3
  maxReplicas: 12
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      stabilizationWindowSeconds: 600
"""
    out = _sh(
        "fr-w-precommit-yaml-hpa",
        {".pre-commit-config.yaml": pc_yaml, "deploy/edge-gateway/hpa.yaml": hpa},
        "pre-commit run --all-files",
        "pre-commit run --all-files",
        git=True,
    )
    assert out.code != 0 and any("hpa.yaml" in ln for ln in out.lines), out
    ci(
        "fr-w-pre-commit-yamllint-hpa-duplicate-window",
        "the same pre-commit yamllint hook, in a job named lint-workflows, fails on "
        "deploy/edge-gateway/hpa.yaml: the HorizontalPodAutoscaler's scaleDown sets "
        "stabilizationWindowSeconds twice; a Kubernetes manifest",
        ["wrapper", "yaml-owner", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="lint",
        job="lint-workflows",
        repo=PLAT,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            run(
                "pip install pre-commit==4.7.0 yamllint==1.38.0",
                ["Successfully installed pre-commit-4.7.0 yamllint-1.38.0"],
            ),
            failing(out, name="pre-commit"),
        ],
        message="feat(gateway): slower scale-down",
        files=["deploy/edge-gateway/hpa.yaml"],
    )

    # 2g. make test -> scripts/ci/test.sh -> cargo test (rex)
    at(GATE)
    out = _sh(
        "fr-w-make-script-cargo",
        {
            "Makefile": ".PHONY: test\ntest:\n\t./scripts/ci/test.sh\n",
            "scripts/ci/test.sh": "#!/usr/bin/env bash\nset -euo pipefail\n"
            'echo "==> unit tests (features: default)"\n'
            "cargo test --quiet --offline\n",
            "Cargo.toml": real.cargo_toml("edge-gateway"),
            "src/lib.rs": """pub fn route_key(host: &str, path: &str) -> String {
    format!("{}{}", host.to_lowercase(), path.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_path_keeps_its_slash() {
        assert_eq!(route_key("API.5dlabs.ai", "/"), "api.5dlabs.ai/");
    }
}
""",
        },
        "chmod +x scripts/ci/test.sh && make test",
        "make test",
    )
    out = real.Out(
        out.command,
        [ln for ln in out.lines if "Compiling" not in ln and "Finished" not in ln],
        out.code,
    )
    assert out.code != 0 and any("root_path_keeps_its_slash" in ln for ln in out.lines), out
    ci(
        "fr-w-make-script-cargo-test-root-path",
        "make test runs scripts/ci/test.sh, which runs cargo test: root_path_keeps_its_slash "
        "fails (left 'api.5dlabs.ai', right 'api.5dlabs.ai/') because route_key trims every "
        "trailing slash; make and the script only report the exit",
        ["wrapper"],
        "rex",
        "rust_test",
        workflow="gateway-ci",
        job="check",
        repo=GATE,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="fix(gateway): normalise route keys",
        files=["src/route.rs"],
    )


# ------------------------------------------------------------------ 3. cluster symptoms


def cluster() -> None:
    # 3a. Thursday: smoke 502; Loki shows the Rust gateway's split_at panic (rex)
    at(GATE)
    cid = "fr-w-ctx-smoke-502-rust-split-at-frame-header"
    logs = _rust(
        "fr-w-rust-split",
        "edge-gateway",
        """fn parse_frame(buf: &[u8]) -> (&[u8], &[u8]) {
    // header grew from 8 to 12 bytes; health-check frames are still 8 bytes long
    const HEADER_LEN: usize = 12;
    buf.split_at(HEADER_LEN)
}

fn main() {
    eprintln!("edge-gateway 1.14.0 listening on 0.0.0.0:8443");
    let health = [0u8; 8];
    let (head, body) = parse_frame(&health);
    eprintln!("{} {}", head.len(), body.len());
}
""",
    )
    out = curl_fail(
        "fr-w-smoke-502",
        "gateway.staging.5dlabs.ai",
        "/healthz",
        502,
        "<html><body><h1>502 Bad Gateway</h1></body></html>\n",
    )
    assert out.code != 0, out
    img = "ghcr.io/5dlabs/edge-gateway:1.14.0"
    ctx = crashing(cid, "gateway", "edge-gateway", img, 101, logs, port=8443)
    ci(
        cid,
        "the staging smoke check's curl gets 502 after the deploy; the new edge-gateway pod "
        "crash-loops and Loki shows the Rust panic 'mid > len' from split_at in parse_frame: "
        "the change grew the frame header to 12 bytes while health frames are 8",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy-staging",
        job="smoke",
        repo=GATE,
        steps=[
            run(
                "kubectl -n gateway apply -k deploy/overlays/staging",
                ["deployment.apps/edge-gateway configured"],
                name="Deploy",
            ),
            run("sleep 45", [], name="Settle", seconds=45.0),
            failing(out, name="Smoke"),
        ],
        message="feat(protocol): 12-byte frame headers with a version field",
        files=["src/frame.rs"],
        pr=pr_of(cid, "feat(protocol): 12-byte frame headers with a version field"),
        extra=ctx,
    )

    # 3b. rollout deadline; Loki: Node ERR_PACKAGE_PATH_NOT_EXPORTED (blaze)
    at(WEB)
    cid = "fr-w-ctx-rollout-node-subpath-not-exported"
    crash = real.node_run(
        "fr-w-node-exports",
        {
            "package.json": _pkg("console-bff"),
            "node_modules/@console/shared/package.json": json.dumps(
                {
                    "name": "@console/shared",
                    "version": "2.4.0",
                    "type": "module",
                    "exports": {".": "./index.js", "./format": "./format.js"},
                }
            )
            + "\n",
            "node_modules/@console/shared/index.js": "export const version = '2.4.0';\n",
            "node_modules/@console/shared/format.js": "export const pct = (x) => `${x}%`;\n",
            "node_modules/@console/shared/internal/duration.js": "export const ms = (x) => `${x} ms`;\n",
            "server/index.js": """import { createServer } from "node:http";
import { ms } from "@console/shared/internal/duration.js";

createServer((req, res) => res.end(ms(12))).listen(4000, () => console.log("bff on :4000"));
""",
        },
        "server/index.js",
    )
    assert crash.code != 0 and any("ERR_PACKAGE_PATH_NOT_EXPORTED" in ln for ln in crash.lines)
    logs = [ln.replace(real.RUNNER, "/app") for ln in crash.lines if ln.strip()]
    ro = rollout("fr-w-ro-bff", "console", "console-bff", 3, 1, 2, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(
        cid, "console", "console-bff", "ghcr.io/5dlabs/console-bff:2.4.0", 1, logs, port=4000
    )
    ci(
        cid,
        "kubectl rollout status for console-bff exceeds its progress deadline; the new pod "
        "crash-loops and Loki shows Node's ERR_PACKAGE_PATH_NOT_EXPORTED: the server imports "
        "@console/shared/internal/duration.js, a subpath the package's exports map does not "
        "list",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="rollout",
        repo=WEB,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(bff): show durations in run summaries",
        files=["apps/bff/server/index.js"],
        pr=pr_of(cid, "feat(bff): show durations in run summaries"),
        extra=ctx,
    )

    # 3c. a curl | jq gate on the Argo CD API: the sync failed on a port name (bolt)
    at(PLAT)
    cid = "fr-w-ctx-argocd-gate-port-name-too-long"
    op = (
        'one or more objects failed to apply, reason: Service "edge-gateway" is invalid: '
        'spec.ports[1].name: Invalid value: "grpc-health-probe": must be no more than 15 '
        "characters"
    )
    app = _argo(
        "edge-gateway-staging",
        "gateway",
        "apps/edge-gateway/overlays/staging",
        sha(cid),
        "OutOfSync",
        "Healthy",
        phase="Failed",
        op_message=op,
    )
    body = json.dumps(app["application"])
    with real.serve((200, body, "application/json")) as port:
        gate = real.sh(
            "fr-w-argo-gate",
            {},
            f"curl -fsS http://127.0.0.1:{port}/api/v1/applications/edge-gateway-staging "
            '> app.json\njq -r \'.status.operationState.phase + ": " + '
            ".status.operationState.message' app.json\n"
            'jq -e \'.status.sync.status == "Synced" and .status.health.status == "Healthy"\' '
            "app.json",
            'curl -fsS -H "Authorization: Bearer $ARGOCD_TOKEN" \\\n'
            '  "https://argocd.5dlabs.ai/api/v1/applications/edge-gateway-staging" > app.json\n'
            "jq -r '.status.operationState.phase + \": \" + .status.operationState.message' "
            "app.json\n"
            'jq -e \'.status.sync.status == "Synced" and .status.health.status == "Healthy"\' '
            "app.json",
            hosts={f"http://127.0.0.1:{port}": "https://argocd.5dlabs.ai"},
        )
    assert gate.code == 1 and any("15" in ln for ln in gate.lines), gate
    ci(
        cid,
        "the post-sync gate reads the Argo CD application with curl and jq: the sync operation "
        "Failed because the Service port name grpc-health-probe is longer than 15 characters, "
        "so jq -e prints false; a manifest error the change introduced",
        ["context-driven", "argocd"],
        "bolt",
        "argocd_sync",
        workflow="deploy",
        job="verify-staging",
        repo=PLAT,
        steps=[failing(gate, name="Argo CD gate", env={"ARGOCD_TOKEN": "***"})],
        message="feat(gateway): expose the gRPC health probe",
        files=["apps/edge-gateway/base/service.yaml"],
        extra={"argocd": [app]},
    )

    # 3d. rollout deadline; events: the startup probe targets 8081, which the change closed
    # (bolt)
    at(REPO)
    cid = "fr-w-ctx-rollout-startup-probe-old-admin-port"
    boot = _rust_ok(
        "fr-w-boot",
        """fn main() {
    let msgs = [
        "healer-api 0.27.0 starting",
        "loaded 412 routing rules",
        "admin endpoints merged into the main listener",
        "listening on 0.0.0.0:8080",
    ];
    for msg in msgs {
        eprintln!(r#"{{"level":"INFO","target":"healer_api","message":"{msg}"}}"#);
    }
}
""",
    )
    ro = rollout("fr-w-ro-probe", NS, "healer-api", 3, 1, 2, deadline=True)
    created, first, last = clock(cid)
    name = pod_name(cid, "healer-api")
    p = shapes.pod(
        name,
        NS,
        "healer-api",
        "ghcr.io/5dlabs/healer-api:0.27.0",
        created=created,
        restarts=4,
        port=8080,
        memory_limit="512Mi",
        terminated={"exit_code": 143, "reason": "Error", "started": first, "finished": last},
    )
    p["spec"]["containers"][0]["startupProbe"] = {
        "httpGet": {"path": "/healthz/startup", "port": 8081, "scheme": "HTTP"},
        "periodSeconds": 5,
        "failureThreshold": 12,
        "timeoutSeconds": 1,
        "successThreshold": 1,
    }
    ip = p["status"]["podIP"]
    events = [
        shapes.event(
            NS,
            "Pod",
            name,
            "Unhealthy",
            f'Startup probe failed: Get "http://{ip}:8081/healthz/startup": dial tcp '
            f"{ip}:8081: connect: connection refused",
            first=first,
            last=last,
            count=48,
        ),
        shapes.event(
            NS,
            "Pod",
            name,
            "Killing",
            "Container healer-api failed startup probe, will be restarted",
            first=first,
            last=last,
            count=4,
            type_="Normal",
        ),
    ]
    ci(
        cid,
        "kubectl rollout status runs out; the new healer-api pods are restarted for failing "
        "their startup probe on port 8081 (connection refused) while their own logs say they "
        "listen on 8080: the change merged the admin port into the main listener but left the "
        "chart's startupProbe on 8081",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="refactor(api): serve admin endpoints on the main port",
        files=["crates/api/src/main.rs", "crates/api/src/admin.rs"],
        pr=pr_of(cid, "refactor(api): serve admin endpoints on the main port"),
        extra={"kubernetes": {"pods": [p], "events": events}, "loki": boot},
    )

    # 3e. kubectl wait; pods ContainerCreating: a projected ConfigMap the change never added
    # (bolt)
    cid = "fr-w-ctx-wait-projected-configmap-missing"
    wait = wait_available("fr-w-wait-cm", NS, "healer-router")
    assert wait.code != 0, wait
    created, first, last = clock(cid)
    pods, events = [], []
    for i in range(2):
        name = pod_name(cid, "healer-router", str(i))
        pods.append(
            shapes.pod(
                name,
                NS,
                "healer-router",
                "ghcr.io/5dlabs/healer-router:0.27.0",
                created=created,
                port=8080,
                memory_limit="256Mi",
                waiting=("ContainerCreating", ""),
            )
        )
        events.append(
            shapes.event(
                NS,
                "Pod",
                name,
                "FailedMount",
                'MountVolume.SetUp failed for volume "rules" : configmap "healer-routing-rules" not '
                "found",
                first=first,
                last=last,
                count=9,
            )
        )
    noise_pods, noise_events = _noise_pods(cid)
    pods += noise_pods
    events += noise_events
    ci(
        cid,
        "kubectl wait for healer-router Available times out; both new pods sit in "
        "ContainerCreating with FailedMount: configmap healer-routing-rules not found for the "
        "projected rules volume the change added to the Deployment without adding the "
        "ConfigMap to the kustomization; a promtail pod's old restarts and a node's image-GC "
        "warning elsewhere are noise",
        ["context-driven", "noisy"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="staging",
        repo=REPO,
        steps=[*kube_setup(), failing(wait, name="Wait for the router")],
        message="feat(router): load routing rules from a mounted file",
        files=["deploy/router/deployment.yaml", "crates/router/src/rules.rs"],
        extra={"kubernetes": {"pods": pods, "events": events}},
    )

    # 3f. look-alike: the same smoke 502 with healthy pods and a docs-only change (atlas)
    at(GATE)
    cid = "fr-w-ctx-smoke-502-healthy-gateway-docs-change"
    out = curl_fail(
        "fr-w-smoke-502-b",
        "gateway.staging.5dlabs.ai",
        "/healthz",
        502,
        "<html><body><h1>502 Bad Gateway</h1></body></html>\n",
    )
    img = "ghcr.io/5dlabs/edge-gateway:1.13.2"
    ci(
        cid,
        "the same staging smoke 502 after a deploy of an unchanged image; every edge-gateway "
        "pod is Ready with normal events, the Argo CD application is Synced and Healthy, the "
        "ingress 5xx ratio stays near zero and the change only edited the runbook: a transient "
        "at the load balancer, rerun",
        ["context-driven", "flaky-infra"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="smoke",
        repo=GATE,
        steps=[
            run(
                "kubectl -n gateway apply -k deploy/overlays/staging",
                ["deployment.apps/edge-gateway unchanged"],
                name="Deploy",
            ),
            run("sleep 45", [], name="Settle", seconds=45.0),
            failing(out, name="Smoke"),
        ],
        message="docs(runbook): gateway failover steps",
        files=["docs/runbook.md"],
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, "gateway", "edge-gateway", img, 3, port=8443),
                "events": normal_events(cid, "gateway", "edge-gateway", 3),
            },
            "argocd": [
                _argo(
                    "edge-gateway-staging",
                    "gateway",
                    "apps/edge-gateway/overlays/staging",
                    sha(cid),
                    "Synced",
                    "Healthy",
                )
            ],
            "prometheus": {
                'sum(rate(nginx_ingress_controller_requests{ingress="edge-gateway",'
                'status=~"5.."}[5m])) / sum(rate(nginx_ingress_controller_requests'
                '{ingress="edge-gateway"}[5m]))': [
                    {
                        "metric": {},
                        "values": [
                            [TS + 300 * i, v]
                            for i, v in enumerate(
                                ["0", "0", "0.0008", "0", "0", "0", "0.0011", "0", "0", "0"]
                            )
                        ],
                    }
                ]
            },
        },
    )

    # 3g. a cargo test killed after its own output shows a span buffer that never flushes (rex)
    at(REPO)
    test_src = """pub struct SpanBuffer {
    spans: Vec<Vec<u8>>,
}

impl SpanBuffer {
    pub fn record(&mut self) {
        // one span with its attributes and events, encoded (64 KiB frame)
        self.spans.push(vec![0u8; 64 * 1024]);
        // flush() was removed from record(); the exporter now only flushes on shutdown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_a_day_of_runs() {
        let mut buf = SpanBuffer { spans: Vec::new() };
        for batch in 1..=6u64 {
            for _ in 0..20_000 {
                buf.record();
            }
            println!(
                "replay: batch {batch}: {} spans buffered, 0 flushed ({} MiB)",
                buf.spans.len(),
                buf.spans.len() * 64 / 1024
            );
        }
        std::thread::sleep(std::time::Duration::from_secs(120));
    }
}
"""
    files = {"Cargo.toml": real.cargo_toml("healer-trace"), "src/lib.rs": test_src}
    # the test binary itself (the linker writing it names it too, without --nocapture)
    out = _kill_where(
        "fr-w-span-kill",
        files,
        "cargo test --quiet -- --nocapture",
        lambda cmd: "/deps/healer_trace-" in cmd and "--nocapture" in cmd,
        settle=2.0,
    )
    out = real.Out(out.command, [ln for ln in out.lines if "Compiling" not in ln], out.code)
    assert out.code != 0 and any("0 flushed" in ln for ln in out.lines), out
    assert any("SIGKILL" in ln for ln in out.lines), out
    ci(
        "fr-w-cargo-test-killed-span-buffer-never-flushes",
        "cargo test is killed (SIGKILL) in replays_a_day_of_runs after the test's own output "
        "shows 120,000 spans (7,500 MiB) buffered and 0 flushed: the change dropped the flush from "
        "SpanBuffer::record, so the buffer grows until the runner's memory is gone",
        ["resource-kill", "context-driven"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="perf(trace): flush spans only on shutdown",
        files=["crates/trace/src/buffer.rs"],
    )


# ------------------------------------------------------------------ 4. platform


def platform() -> None:
    # 4a. auto-merge refused: the required status check's context was renamed (atlas)
    at(REPO)
    body = json.dumps(
        {
            "message": 'Required status check "rust / test (stable)" is expected.',
            "documentation_url": "https://docs.github.com/articles/about-protected-branches",
            "status": "405",
        }
    )
    with real.serve((405, body, "application/json; charset=utf-8")) as port:
        out = real.sh(
            "fr-w-required-check",
            {},
            f"curl -sS --fail-with-body -X PUT -H 'Authorization: Bearer ***' "
            f"http://127.0.0.1:{port}/repos/5dlabs/healer/pulls/2231/merge "
            f'-d \'{{"merge_method":"squash"}}\'',
            'curl -sS --fail-with-body -X PUT -H "Authorization: Bearer $GH_TOKEN" \\\n'
            '  "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/pulls/$PR/merge" \\\n'
            '  -d \'{"merge_method":"squash"}\'',
            hosts={f"http://127.0.0.1:{port}": "https://api.github.com"},
        )
    assert out.code == 22, out
    ci(
        "fr-w-plat-merge-405-required-check-context-renamed",
        "the merge job of a cargo-test-gate workflow is refused with 405 'Required status check "
        '"rust / test (stable)" is expected\': the change renamed the job to test-stable, so '
        "the context branch protection requires is never reported",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="cargo-test-gate",
        job="merge-when-green",
        repo=REPO,
        steps=[
            run(
                'gh pr checks "$PR" --required --watch',
                [
                    "All checks were successful",
                    "0 cancelled, 0 failing, 4 successful, 0 skipped, and 0 pending checks",
                ],
                name="Wait for checks",
            ),
            failing(out, name="Merge", env={"PR": "2231"}),
        ],
        message="ci(rust): name the test jobs after their toolchain",
        files=[".github/workflows/rust.yml"],
        pr=pr_of("fr-w-required-check", "ci(rust): name the test jobs after their toolchain"),
    )

    # 4b. a branch ruleset refuses the autofix push: no merge commits (atlas)
    out = _push_rejected(
        "fr-w-gh013-linear",
        REPO,
        [
            "error: GH013: Repository rule violations found for refs/heads/release/0.27.",
            "",
            "- This branch must not contain merge commits.",
            "  Found 1 violation:",
            "",
            f"  {sha('fr-w-merge-commit')}",
            "",
        ],
        "push declined due to repository rule violations",
        ref="release/0.27",
    )
    assert out.code != 0, out
    ci(
        "fr-w-plat-ruleset-no-merge-commits-clippy-autofix",
        "the clippy-autofix job applies clippy --fix, merges the release branch to stay current "
        "and pushes; the push is declined by a repository ruleset (GH013: this branch must not "
        "contain merge commits); no lint failed",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="autofix",
        job="clippy-autofix",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo clippy --fix --allow-dirty -- -W clippy::all",
                [
                    "    Checking healer v0.27.0 (/home/runner/work/healer/healer)",
                    "       Fixed crates/router/src/score.rs (2 fixes)",
                    "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 41.07s",
                ],
                name="clippy --fix",
            ),
            run(
                "git commit -am 'style: clippy --fix' && git merge --no-edit origin/release/0.27",
                [
                    "[release/0.27 7c2d1e0] style: clippy --fix",
                    " 1 file changed, 2 insertions(+), 2 deletions(-)",
                    "Merge made by the 'ort' strategy.",
                    " CHANGELOG.md | 4 ++++",
                    " 1 file changed, 4 insertions(+)",
                ],
                name="Commit",
            ),
            failing(out, name="Push"),
        ],
        message="chore(release): 0.27.1",
        files=["CHANGELOG.md"],
        branch="release/0.27",
        event="workflow_run",
    )

    # 4c. a GitHub App token expires during a long release build; the push answers 401 (atlas)
    at(GATE)
    with real.serve(
        (
            401,
            "Invalid username or token. Password authentication is not "
            "supported for Git operations.\n",
        )
    ) as port:
        root = real.scratch("fr-w-app-token")
        real.new_repo(root, {"CHANGELOG.md": "# 1.14.0\n"})
        lines, code = real.git(
            root,
            "push",
            f"http://x-access-token:***@127.0.0.1:{port}/5dlabs/edge-gateway.git",
            "HEAD:refs/tags/v1.14.0",
            hosts={
                f"http://x-access-token:***@127.0.0.1:{port}": "https://github.com",
                f"http://127.0.0.1:{port}": "https://github.com",
            },
        )
    push = real.Out("git push origin v1.14.0", lines, code)
    assert push.code != 0, push
    ci(
        "fr-w-plat-app-token-expired-after-long-build-tag-push",
        "the build-release-binaries job mints a GitHub App installation token first, spends "
        "74 minutes cross-compiling, then pushes the release tag: 'Invalid username or token' "
        "because installation tokens expire after an hour; the builds all passed",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="release",
        job="build-release-binaries",
        repo=GATE,
        steps=[
            uses(
                "actions/create-github-app-token@v1",
                {"app-id": "***", "private-key": "***"},
                ["::add-mask::***"],
                name="App token",
            ),
            *rust_setup(),
            run(
                "cargo build --release --locked --target x86_64-unknown-linux-musl && "
                "cargo build --release --locked --target aarch64-unknown-linux-musl",
                [
                    "    Finished `release` profile [optimized] target(s) in 36m 12s",
                    "    Finished `release` profile [optimized] target(s) in 37m 48s",
                ],
                name="Build binaries",
                seconds=4440.0,
            ),
            failing(push, name="Tag release", env={"GH_TOKEN": "***"}),
        ],
        message="chore(release): edge-gateway 1.14.0",
        files=["Cargo.toml", "CHANGELOG.md"],
        branch="main",
    )

    # 4d. GH001: a vendored crate archive above 100 MB (atlas)
    at(REPO)
    out = _push_rejected(
        "fr-w-gh001",
        REPO,
        [
            "warning: File vendor/onnxruntime-sys/ort-1.20.0.tgz is 61.22 MB; this is larger "
            "than GitHub's recommended maximum file size of 50.00 MB",
            "error: Trace: 6b2e1c7f0d4a9e83a1b5c2d7e4f6a8b0",
            "error: See https://gh.io/lfs for more information.",
            "error: File vendor/libtorch-sys/libtorch-2.4.1-cpu.tgz is 187.34 MB; this exceeds "
            "GitHub's file size limit of 100.00 MB",
            "error: GH001: Large files detected. You may want to try Git Large File Storage - "
            "https://git-lfs.github.com.",
        ],
        "pre-receive hook declined",
        ref="vendor/sync",
    )
    assert out.code != 0, out
    ci(
        "fr-w-plat-gh001-large-vendored-archive-cargo-vendor",
        "the cargo-vendor-sync job vendors crates with their native archives and pushes: "
        "GitHub declines it with GH001, libtorch-2.4.1-cpu.tgz is 187 MB above the 100 MB "
        "file limit; cargo vendor itself passed",
        ["platform", "misleading-name"],
        "atlas",
        "git_error",
        workflow="vendor",
        job="cargo-vendor-sync",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo vendor --versioned-dirs vendor > .cargo/config.toml",
                [
                    "   Vendoring libtorch-sys v0.17.0 (/home/runner/.cargo/registry/src/index."
                    "crates.io-1949cf8c6b5b557f/libtorch-sys-0.17.0) to vendor/libtorch-sys",
                    "   Vendoring onnxruntime-sys v0.0.14 to vendor/onnxruntime-sys",
                ],
                name="Vendor",
            ),
            run(
                "git add vendor .cargo && git commit -qm 'chore: vendor crates'", [], name="Commit"
            ),
            failing(out, name="Push"),
        ],
        message="feat(ml): local embedding model for triage",
        files=["Cargo.toml", "Cargo.lock"],
        branch="main",
        event="workflow_run",
    )


# ------------------------------------------------------------------ 5. security


def security() -> None:
    # 5a. push protection: a Postman API key in a seed script (cipher)
    at(WEB)
    commit = sha("fr-w-gh013-postman")
    out = _push_rejected(
        "fr-w-gh013-postman",
        WEB,
        [
            "error: GH013: Repository rule violations found for refs/heads/chore/api-collection.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— Postman API Key ———————————————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: scripts/sync-collection.mjs:3",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/console/security/secret-scanning/unblock-secret/"
            "2zR8uYp1Mc4Lq7Vd3Ns6Xb0Tk9Hf",
            "",
        ],
        "push declined due to repository rule violations",
        ref="chore/api-collection",
    )
    assert out.code != 0, out
    ci(
        "fr-w-sec-gh013-postman-key-openapi-sync",
        "the openapi-sync job regenerates the API collection and pushes its branch: push "
        "protection blocks it for a Postman API key hard-coded in scripts/sync-collection.mjs",
        ["security", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="api-docs",
        job="openapi-sync",
        repo=WEB,
        steps=[
            *node_setup(),
            run(
                "node scripts/sync-collection.mjs",
                ["collection: 64 requests in 9 folders written to docs/api.postman.json"],
                name="Sync collection",
            ),
            failing(out, name="Push branch"),
        ],
        message="chore(api): sync the Postman collection from openapi.yaml",
        files=["scripts/sync-collection.mjs", "docs/api.postman.json"],
    )

    # 5b. a KICS run known only from the sensor body (cipher)
    ci(
        "fr-w-sec-sensor-kics-run",
        "the Argo Events sensor reports the kics workflow failed on a push that adds a "
        "hostPath volume and privileged init container to the node agent; no log is fetched: "
        "an infrastructure-as-code scanner's failed run",
        ["security", "no-log"],
        "cipher",
        "code_scanning_alert",
        workflow="kics",
        job="kics",
        repo=PLAT,
        event="sensor",
        steps=[],
        logs=False,
        message="feat(node-agent): read container logs from the host",
        files=["apps/node-agent/base/daemonset.yaml"],
    )

    # 5c. dependency review on a Cargo.lock bump to tokio 1.44.1 (cipher)
    cid = "fr-w-sec-dependency-review-tokio-broadcast"
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
            "### Cargo.lock",
            "| Name | Version | Vulnerability | Severity |",
            "| --- | --- | --- | --- |",
            "| tokio | 1.44.1 | Tokio broadcast channel calls clone in parallel, but does not "
            "require `Sync` | low |",
            "",
            "Only included vulnerabilities with severity **low** or higher.",
        ]
    )
    ci(
        cid,
        "the dependency-review check fails on a lockfile-only PR: Cargo.lock moves tokio to "
        "1.44.1, flagged for the broadcast channel's unsound clone (GHSA-rr8g-9fpq-6wmg), "
        "fixed in 1.44.2",
        ["security", "no-log"],
        "cipher",
        "vulnerable_dependency",
        workflow="dependency-review",
        job="dependency-review",
        repo=REPO,
        event="check_run",
        check=("Dependency review found 1 vulnerable package", summary),
        steps=[],
        logs=False,
        message="chore(deps): cargo update",
        files=["Cargo.lock"],
        pr=pr_of(cid, "chore(deps): cargo update"),
    )


# ------------------------------------------------------------------ 6. obvious


def obvious() -> None:
    # 6a. rustc E0499 (rex)
    at(REPO)
    out = real.cargo(
        "fr-w-e0499",
        {
            "src/main.rs": """struct Runs {
    items: Vec<String>,
}

fn main() {
    let mut runs = Runs { items: vec!["a".into()] };
    let first = &mut runs.items[0];
    let all = &mut runs.items;
    first.push('!');
    all.clear();
}
""",
        },
        ["build"],
    )
    out = real.Out("cargo build", [ln for ln in out.lines if "Compiling" not in ln], out.code)
    assert out.code != 0 and any("E0499" in ln for ln in out.lines), out
    ci(
        "fr-w-obvious-rustc-e0499-two-mutable-borrows",
        "cargo build fails with E0499: runs.items is borrowed mutably twice at once in main.rs",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(runs): mark the first run",
        files=["crates/runs/src/main.rs"],
    )

    # 6b. tsc TS2722 (blaze)
    at(WEB)
    out = real.tsc(
        "fr-w-ts2722",
        {
            "src/hooks.ts": """type Hooks = { onDone?: (id: string) => void };

export function finish(id: string, hooks: Hooks): void {
  hooks.onDone(id);
}
""",
        },
    )
    assert out.code != 0 and any("TS2722" in ln for ln in out.lines), out
    ci(
        "fr-w-obvious-tsc-ts2722-optional-callback",
        "tsc fails with TS2722: cannot invoke an object which is possibly 'undefined' "
        "(the optional onDone hook) in src/hooks.ts",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Typecheck")],
        message="feat(runs): completion hooks",
        files=["src/hooks.ts"],
    )

    # 6c. hadolint DL4006 (bolt)
    at(GATE)
    out = real.hadolint(
        "fr-w-dl4006",
        """FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12 \\
    && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL https://downloads.5dlabs.ai/edge/probe.tar.gz | tar -xz -C /usr/local/bin
USER 10001
ENTRYPOINT ["/usr/local/bin/probe"]
""",
    )
    assert out.code != 0 and any("DL4006" in ln for ln in out.lines), out
    ci(
        "fr-w-obvious-hadolint-dl4006-pipefail",
        "hadolint fails with DL4006: set the SHELL option -o pipefail before RUN with a pipe "
        "(curl | tar) in the Dockerfile",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="image",
        job="dockerfile-lint",
        repo=GATE,
        steps=[failing(out, name="hadolint")],
        message="build(image): bundle the probe binary",
        files=["Dockerfile"],
    )

    # 6d. actionlint: duplicate step id (atlas)
    at(PLAT)
    out = real.actionlint(
        "fr-w-actionlint-dup-id",
        {
            "release.yml": """name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: version
        run: echo "tag=${GITHUB_REF_NAME}" >> "$GITHUB_OUTPUT"
      - id: version
        run: echo "chart=${GITHUB_REF_NAME#v}" >> "$GITHUB_OUTPUT"
      - run: echo "${{ steps.version.outputs.tag }}"
""",
        },
    )
    assert out.code != 0, out
    ci(
        "fr-w-obvious-actionlint-duplicate-step-id",
        "actionlint fails on .github/workflows/release.yml: two steps in the publish job share "
        "the id 'version'",
        ["obvious", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="actionlint",
        repo=PLAT,
        steps=[failing(out, name="actionlint")],
        message="ci(release): expose the chart version",
        files=[".github/workflows/release.yml"],
    )

    # 6e. vitest toHaveProperty (blaze)
    at(WEB)
    out = real.vitest(
        "fr-w-vitest-prop",
        {
            "src/run.js": "export const toRow = (r) => ({ id: r.id, state: r.status });\n",
            "src/run.test.js": """import { test, expect } from "vitest";
import { toRow } from "./run.js";

test("a row carries the run status", () => {
  expect(toRow({ id: 7, status: "failed" })).toHaveProperty("status", "failed");
});
""",
        },
    )
    assert out.code != 0, out
    ci(
        "fr-w-obvious-vitest-to-have-property",
        "vitest fails one test: toRow's result has no 'status' property (the change renamed it "
        "to state)",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Unit tests")],
        message="refactor(runs): rename status to state in rows",
        files=["src/run.js"],
    )

    # 6f. kustomize: a patch on a resource the overlay does not have (bolt)
    at(PLAT)
    out = real.kubectl(
        "fr-w-kustomize",
        {
            "overlays/prod/kustomization.yaml": """resources:
  - ../../base
images:
  - name: ghcr.io/5dlabs/edge-gateway
    newTag: 1.14.0
replicas:
  - name: edge-gateway-canary
    count: 2
""",
            "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "base/deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge-gateway
spec:
  selector:
    matchLabels: {app: edge-gateway}
  template:
    metadata:
      labels: {app: edge-gateway}
    spec:
      containers:
        - name: edge-gateway
          image: ghcr.io/5dlabs/edge-gateway
""",
        },
        ["kustomize", "overlays/prod"],
        "kubectl kustomize overlays/prod",
    )
    assert out.code != 0, out
    ci(
        "fr-w-obvious-kustomize-replicas-unknown-deployment",
        "kubectl kustomize overlays/prod fails: the replicas entry names "
        "edge-gateway-canary, which no resource in the overlay has",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="render",
        repo=PLAT,
        steps=[failing(out, name="Render prod")],
        message="feat(gateway): two canary replicas in prod",
        files=["apps/edge-gateway/overlays/prod/kustomization.yaml"],
    )


__all__ = ["build", "sha"]
