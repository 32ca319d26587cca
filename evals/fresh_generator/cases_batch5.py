"""Batch 5 of the fresh split (ids ``fr-e-``).

- multi-signal logs: warnings, deprecation notices, recovered retries, a continue-on-error
  step and another owner's noise before the one error that failed the step;
- noisy, long logs: thousands of passing tests (vitest, cargo test, pytest), a verbose cargo
  build and Jest's console output around one failure;
- context-driven rollouts and checks whose pods, events, Loki lines, Argo CD application or
  Prometheus series decide the owner (Rust, Node, Python and Go services among them);
- platform and permission failures under misleading job names; security with and without a
  log; five obvious cases.

Every tool that can run here runs for real (cargo/rustc, clippy, rustfmt, node, npm, tsc,
vitest, jest, prettier, yamllint, hadolint, kubectl, curl, git, pytest, bandit, make, python)
against 127.0.0.1 servers or local repositories; the rest is written in its own format and
listed in README.md."""

from __future__ import annotations

import json
import re

import real
import shapes
from cases_batch3 import _argocd, _hand, _py_setup, npm_ci_ok
from cases_batch4 import _env_b4, _scrub, answer, b4_venv, ensure_b4_tools
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha, uses
from gha import Job, alert, run, sensor
from helpers import (
    clock,
    crashing,
    kube_setup,
    normal_events,
    pod_name,
    ready_pods,
    rollout,
    silent_server,
)

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
PY = "5dlabs/healer-py"
CLI = "5dlabs/healer-cli"
NS = "healer"


def _rust_bin(name: str, source: str) -> real.Out:
    """Build and run a small Rust program; its output is what the pod logs."""
    path = real.crate(
        "fr-e-bin-" + name, {"Cargo.toml": real.cargo_toml(name), "src/main.rs": source}
    )
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, code = real.run([str(path / "target" / "release" / name)], path)
    return real.Out(f"/usr/local/bin/{name}", lines, code)


def _pytest(name: str, files: dict[str, str], args: list[str]) -> tuple[list[str], int]:
    path = real.scratch(name, {"pytest.ini": "[pytest]\ntestpaths = tests\n", **files})
    lines, code = real.run(
        [str(b4_venv() / "bin" / "pytest"), "-p", "no:cacheprovider", *args], path
    )
    lines = _scrub(lines)
    lines = [ln for ln in lines if not ln.startswith(("plugins:", "rootdir:", "configfile:"))]
    lines = [re.sub(r" in \d+\.\d+s", " in 2.03s", ln) for ln in lines]
    return lines, code


# ------------------------------------------------------------------ multi-signal


def multi() -> None:
    # clippy warnings (not denied) in the Rust half, then tsc fails in the web half (blaze)
    at(REPO)
    out = real.sh(
        "fr-e-ms-clippy-tsc",
        {
            "Cargo.toml": real.cargo_toml("healer"),
            "src/main.rs": """fn label(n: usize) -> String {
    return format!("{n} runs");
}

fn main() {
    let names = vec!["rex", "blaze"];
    if names.len() == 0 {
        return;
    }
    println!("{}", label(names.len()));
}
""",
            "web/tsconfig.json": real.TSCONFIG,
            "web/src/runs.ts": """export interface Run { id: string; agent: string; startedAt: Date }
export function latest(runs: Run[]): Run {
  return runs.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())[0];
}
export const label = (r: Run): string => r.agent.toUpperCase() + r.startedAt;
export const count: number = latest([]).id;
""",
        },
        "cargo clippy --offline && cd web && tsc -p .",
        "cargo clippy && (cd web && npx tsc -p .)",
        env={"CARGO_NET_OFFLINE": "true"},
    )
    assert out.code != 0 and any("TS2322" in ln for ln in out.lines), out
    assert any("needless_return" in ln for ln in out.lines), out
    ci(
        "fr-e-multi-clippy-warnings-then-tsc-ts2322",
        "the workspace check prints clippy warnings (needless_return, len_zero; not denied, "
        "cargo finishes) and then tsc fails in web/ with TS2322: a string id assigned to a "
        "number; only the TypeScript error fails the step",
        ["multi-signal"],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="workspace-check",
        repo=REPO,
        steps=[*rust_setup(), *node_setup(), failing(out, name="Check workspace")],
        message="feat(web): show the latest run",
        files=["web/src/runs.ts"],
    )

    # rustc deprecation and unused warnings, then E0382 (rex)
    out = real.cargo(
        "fr-e-ms-deprecated-e0382",
        {
            "src/main.rs": """#[deprecated(since = "0.14.0", note = "use `score_v2`")]
fn score(n: u32) -> u32 { n * 2 }

fn score_v2(n: u32) -> u32 { n * 3 }

struct Batch { ids: Vec<String> }

fn consume(b: Batch) -> usize { b.ids.len() }

fn main() {
    let unused_limit = 10;
    let legacy = score(4);
    let b = Batch { ids: vec!["a".into(), "b".into()] };
    let n = consume(b);
    println!("{} {} {}", legacy, score_v2(n as u32), b.ids.len());
}
"""
        },
        ["build"],
    )
    assert out.code != 0 and any("E0382" in ln for ln in out.lines), out
    assert any("deprecated" in ln for ln in out.lines), out
    ci(
        "fr-e-multi-deprecated-unused-warnings-then-e0382",
        "cargo build prints a deprecated-function warning and an unused-variable warning, "
        "then fails with E0382 (borrow of moved value `b`)",
        ["multi-signal"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="refactor(batch): consume batches by value",
        files=["src/main.rs"],
    )

    # make ci: vite build warns about a large chunk, then cargo test fails (rex)
    big = "export const GLOSSARY = " + json.dumps(
        {f"term_{i}": f"definition {i} " * 6 for i in range(6000)}
    ) + ";\n"
    out = real.sh(
        "fr-e-ms-vite-cargo",
        {
            "Makefile": "ci: bundle test\n\nbundle:\n\tcd web && npx vite build\n\n"
            "test:\n\tcargo test --quiet\n",
            "Cargo.toml": real.cargo_toml("healer"),
            "src/lib.rs": """/// Backoff in seconds for the nth retry, capped at five minutes.
pub fn backoff(n: u32) -> u64 {
    (2u64.pow(n)).min(300)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn caps_at_five_minutes() {
        assert_eq!(backoff(9), 300);
    }
    #[test]
    fn first_retry_waits_one_second() {
        assert_eq!(backoff(1), 1);
    }
}
""",
            "web/index.html": '<script type="module" src="/src/main.js"></script>\n',
            "web/src/main.js": 'import { GLOSSARY } from "./glossary.js";\n'
            'document.body.textContent = Object.keys(GLOSSARY).length + " terms";\n',
            "web/src/glossary.js": big,
        },
        "make ci",
        "make ci",
        env={"CARGO_NET_OFFLINE": "true"},
        node_modules=True,
    )
    lines = [re.sub(r"built in \d+(\.\d+)?m?s", "built in 1.21s", ln) for ln in out.lines]
    assert out.code != 0 and any("larger than 500 kB" in ln for ln in lines), lines
    ci(
        "fr-e-multi-vite-chunk-warning-then-cargo-test",
        "'make ci' builds the web bundle with Vite's '(!) Some chunks are larger than 500 kB' "
        "warning, then cargo test fails: first_retry_waits_one_second expects 1 and gets 2 "
        "(2^n instead of 2^(n-1))",
        ["multi-signal", "wrapper"],
        "rex",
        "rust_test",
        workflow="ci",
        job="make-ci",
        repo=REPO,
        steps=[*rust_setup(), *node_setup(), failing(real.Out("make ci", lines, out.code))],
        message="feat(retry): exponential backoff",
        files=["src/lib.rs"],
    )

    # vitest: a telemetry fetch refused and logged as a warning in a passing test; another
    # test fails on its own assertion (blaze)
    at(WEB)
    port = real.free_port()
    vt = real.vitest(
        "fr-e-ms-vitest-refused",
        {
            "src/report.test.js": f"""import {{ test, expect }} from "vitest";

async function track(event) {{
  try {{
    await fetch("http://127.0.0.1:{port}/v1/events", {{ method: "POST", body: event }});
  }} catch (e) {{
    console.warn("telemetry disabled:", e.cause?.code, e.message);
  }}
}}

function percent(done, total) {{
  return Math.round((done / total) * 100) + "%";
}}

test("tracks the report view", async () => {{
  await track("report.view");
  expect(true).toBe(true);
}});

test("formats an empty report", () => {{
  expect(percent(0, 0)).toBe("0%");
}});
""",
        },
    )
    assert vt.code != 0 and any("ECONNREFUSED" in ln for ln in vt.lines), vt
    ci(
        "fr-e-multi-vitest-telemetry-refused-then-nan-percent",
        "vitest shows a 'telemetry disabled: ECONNREFUSED fetch failed' warning from a test "
        "that passes, and one real failure: percent(0, 0) returns 'NaN%' instead of '0%'",
        ["multi-signal"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(vt, name="Unit tests")],
        message="feat(reports): completion percentage",
        files=["src/report.js"],
    )

    # continue-on-error: chart yamllint failed earlier (advisory), the job fails on vitest
    yl = real.yamllint(
        "fr-e-ms-coe-yamllint",
        {
            "charts/console/values.yaml": "replicaCount: 2\nimage:\n  repository: "
            "ghcr.io/5dlabs/console\n  tag: 1.7.0\n  tag: 1.7.1\n"
        },
        ["charts/"],
    )
    assert yl.code != 0, yl
    vt = real.vitest(
        "fr-e-ms-coe-vitest",
        {
            "src/duration.test.js": """import { test, expect } from "vitest";
function human(ms) {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}
test("formats minutes", () => {
  expect(human(125000)).toBe("2m 5s");
});
test("formats hours", () => {
  expect(human(3725000)).toBe("1h 2m 5s");
});
""",
        },
    )
    assert vt.code != 0, vt
    ci(
        "fr-e-multi-continue-on-error-yamllint-then-vitest",
        "an advisory chart yamllint step (continue-on-error) failed earlier on a duplicate "
        "'tag' key; the job fails later in vitest: human(3725000) gives '62m 5s', not '1h 2m "
        "5s'",
        ["multi-signal"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="test",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(yl.command, yl.lines, yl.code, name="Lint chart (advisory)", conclusion="success"),
            failing(vt, name="Unit tests"),
        ],
        message="feat(runs): human durations",
        files=["src/duration.js"],
    )

    # pytest: DeprecationWarning summary and one failure (Python: atlas)
    at(PY)
    lines, code = _pytest(
        "fr-e-ms-pytest-warnings",
        {
            "tests/test_window.py": """import datetime
import warnings


def window_start(now, hours):
    return now - datetime.timedelta(hours=hours)


def test_uses_utc():
    now = datetime.datetime.utcnow()
    assert window_start(now, 1) < now


def test_legacy_loader_still_works():
    warnings.warn("pkg_resources is deprecated as an API", DeprecationWarning)
    assert True


def test_window_spans_a_day():
    now = datetime.datetime(2026, 11, 2, 12, 0)
    assert window_start(now, 24).day == 2
""",
        },
        ["-q"],
    )
    assert code != 0 and any("DeprecationWarning" in ln for ln in lines), lines
    ci(
        "fr-e-multi-pytest-deprecation-warnings-then-assert",
        "pytest's warnings summary lists a DeprecationWarning (pkg_resources) that fails "
        "nothing; test_window_spans_a_day fails its assert "
        "(1 == 2) in the Python client",
        ["multi-signal"],
        "atlas",
        "general",
        workflow="python",
        job="pytest",
        repo=PY,
        steps=[_py_setup(), failing(real.Out("pytest -q", lines, code), name="Test")],
        message="feat(py): rolling windows",
        files=["healer_py/window.py"],
    )

    # cargo test --nocapture: should_panic tests print panics and pass; one test fails (rex)
    at(REPO)
    out = real.cargo(
        "fr-e-ms-should-panic",
        {
            "src/lib.rs": """pub fn parse_weight(s: &str) -> f32 {
    let w: f32 = s.parse().expect("weight must be a number");
    assert!((0.0..=1.0).contains(&w), "weight {w} out of range");
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    #[should_panic(expected = "must be a number")]
    fn rejects_text() { parse_weight("heavy"); }
    #[test]
    #[should_panic(expected = "out of range")]
    fn rejects_above_one() { parse_weight("1.5"); }
    #[test]
    fn accepts_percent_strings() { assert_eq!(parse_weight("40%"), 0.4); }
}
"""
        },
        ["test", "--", "--nocapture"],
    )
    assert out.code != 0 and sum("panicked" in ln for ln in out.lines) >= 3, out
    ci(
        "fr-e-multi-should-panic-output-then-real-failure",
        "cargo test --nocapture prints three panics: two come from #[should_panic] tests that "
        "pass; the failure is accepts_percent_strings ('weight must be a number' on '40%')",
        ["multi-signal"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="feat(weights): accept percent strings",
        files=["src/lib.rs"],
    )

    # node --test: DEP0005 (Buffer()) deprecation, then a failure
    at(WEB)
    path = real.scratch(
        "fr-e-ms-node-test",
        {
            "package.json": json.dumps({"name": "console-bff", "type": "commonjs"}),
            "test/host.test.js": """const test = require("node:test");
const assert = require("node:assert");

function displayHost(h) {
  // copy before lowering so the caller's buffer stays untouched
  return Buffer(h, "utf8").toString().toLowerCase();
}

test("lowercases hosts", () => {
  assert.strictEqual(displayHost("Console.5dlabs.AI"), "console.5dlabs.ai");
});

test("keeps the port", () => {
  assert.strictEqual(displayHost("Console.5dlabs.ai:8443"), "console.5dlabs.ai:8443");
});

test("strips a trailing dot", () => {
  assert.strictEqual(displayHost("console.5dlabs.ai."), "console.5dlabs.ai");
});
""",
        },
    )
    lines, code = real.run(["node", "--test", "test/"], path)
    lines = [re.sub(r"\(node:\d+\)", "(node:2718)", ln) for ln in lines]
    lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 0.412", ln) for ln in lines]
    assert code != 0 and any("DEP0005" in ln for ln in lines), lines
    ci(
        "fr-e-multi-node-deprecation-then-node-test-failure",
        "node --test prints '[DEP0005] DeprecationWarning: Buffer() is deprecated' and then "
        "fails one test: displayHost keeps the trailing dot of 'console.5dlabs.ai.'",
        ["multi-signal"],
        "blaze",
        "frontend_test",
        workflow="bff",
        job="node-test",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(real.Out("node --test test/", lines, code))],
        message="feat(bff): normalise hosts for display",
        files=["server/host.js", "test/host.test.js"],
    )

    # helm lint passes with INFO/WARNING lines; yamllint then fails on the prod values (bolt)
    at(PLAT)
    yl = real.yamllint(
        "fr-e-ms-helm-yamllint",
        {
            "charts/healer/values-prod.yaml": "replicaCount: 3\nresources:\n  limits:\n"
            "    memory: 512Mi\n  requests:\n    memory: 256Mi\n    cpu: 100m\n"
            "ingress:\n  enabled: true\n  hosts:\n    - host: healer.5dlabs.ai\n"
            "      paths: [ /\n",
        },
        ["charts/healer/values-prod.yaml"],
    )
    assert yl.code != 0, yl
    ci(
        "fr-e-multi-helm-lint-warnings-then-yamllint-values",
        "the chart job's helm lint passes with '[INFO] icon is recommended' and a '[WARNING]' "
        "about a missing templates/NOTES.txt; the step then fails in yamllint: values-prod.yaml "
        "has an unclosed flow sequence",
        ["multi-signal", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="charts",
        job="chart-lint",
        repo=PLAT,
        steps=[
            run(
                "helm lint charts/healer -f charts/healer/values.yaml",
                [
                    "==> Linting charts/healer",
                    "[INFO] Chart.yaml: icon is recommended",
                    "[WARNING] templates/: directory does not contain NOTES.txt",
                    "",
                    "1 chart(s) linted, 0 chart(s) failed",
                ],
                name="helm lint",
            ),
            failing(yl, name="yamllint values"),
        ],
        message="feat(charts): production ingress",
        files=["charts/healer/values-prod.yaml"],
    )

    # curl retried a 503 and recovered (tool download), then kubectl's client dry run
    # rejects a Deployment (bolt)
    hits = {"n": 0}

    def flaky(_req: object) -> tuple[int, str, str]:
        hits["n"] += 1
        if hits["n"] == 1:
            return 503, "upstream connect error", "text/plain"
        return 200, "#!/bin/sh\necho kubeconform v0.6.7\n", "application/octet-stream"

    with real.serve(flaky) as port:
        dl = real.sh(
            "fr-e-ms-curl-recovered",
            {},
            f"curl -fL --no-progress-meter --retry 3 --retry-delay 1 -o kubeconform "
            f"http://127.0.0.1:{port}/yannh/kubeconform/releases/download/v0.6.7/kubeconform",
            "curl -fL --no-progress-meter --retry 3 --retry-delay 1 -o kubeconform https://github.com/yannh/"
            "kubeconform/releases/download/v0.6.7/kubeconform",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert dl.code == 0 and any("Will retry" in ln for ln in dl.lines), dl
    kc = real.kubectl(
        "fr-e-ms-kubectl",
        {
            "apps/healer/worker.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            "  name: healer-worker\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n"
            "      app: healer-worker\n  template:\n    metadata:\n      labels:\n"
            "        app: healer-worker\n    spec:\n      containers:\n"
            "        - name: worker\n          image: ghcr.io/5dlabs/healer-worker:0.15.1\n"
            "          resources:\n            limits:\n              memory: 512Mi\n"
            "          ports:\n            - containerPort: 9090\n              protocol: TCP\n"
            "            name: metrics\n"
        },
        ["apply", "--dry-run=client", "--validate=false", "-f", "apps/healer/worker.yaml"],
        "kubectl apply --dry-run=client -f apps/healer/",
    )
    assert kc.code != 0, kc
    ci(
        "fr-e-multi-curl-retry-recovered-then-kubectl-parse",
        "the manifest job's tool download hits a 503 and curl's retry recovers ('Will retry "
        "in 1 seconds'); the job then fails on kubectl's client dry run: worker.yaml's "
        "'name: metrics' sits at the wrong indent and the YAML does not parse",
        ["multi-signal", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="validate",
        repo=PLAT,
        steps=[
            *kube_setup(),
            run(dl.command, dl.lines, name="Install kubeconform"),
            failing(kc, name="Dry run"),
        ],
        message="feat(worker): expose metrics port",
        files=["apps/healer/worker.yaml"],
    )


# ------------------------------------------------------------------ noisy, long logs


def noisy() -> None:
    # vitest --reporter=verbose: 1,600 passing cases and one failure (blaze)
    at(WEB)
    rows = ",\n".join(
        f'  ["Agent {i:04d}", "agent-{i:04d}"]' for i in range(1600) if i != 1187
    )
    vt = real.vitest_verbose(
        "fr-e-noisy-vitest",
        {
            "src/slug.test.js": f"""import {{ describe, test, expect }} from "vitest";
const slug = (s) => s.trim().toLowerCase().replace(/\\s+/g, "-");
describe("slug", () => {{
  test.each([
{rows},
  ["Agent  1187", "agent-1187"],
  ["Agent\\u200bN\\u00e9ant", "agent-n\\u00e9ant"],
  ])("%s -> %s", (input, want) => {{
    expect(slug(input)).toBe(want);
  }});
}});
""",
        },
    )
    assert vt.code != 0 and len(vt.lines) > 1500, len(vt.lines)
    ci(
        "fr-e-noisy-vitest-verbose-1600-cases-one-fails",
        "a verbose vitest run prints 1,600 passing slug cases; the one failure is a name with "
        "a zero-width space, which slug()'s \\s+ does not match",
        ["noisy", "long-log"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="unit (verbose)",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(vt, name="Unit tests")],
        message="feat(agents): slugs for custom agents",
        files=["src/slug.js"],
    )

    # cargo test: 1,800 generated cases, one fails (rex)
    at(REPO)
    cases = "\n".join(
        f"    #[test] fn label_{i:04d}() {{ assert!(valid_label(\"t{i}\")); }}"
        for i in range(1800)
    )
    out = real.cargo(
        "fr-e-noisy-cargo-1800",
        {
            "src/lib.rs": f"""/// Labels are lowercase ASCII, digits and '-', at most 9 bytes.
pub fn valid_label(s: &str) -> bool {{
    !s.is_empty()
        && s.len() < 9
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}}

#[cfg(test)]
mod tests {{
    use super::*;
    #[test]
    fn accepts_nine_bytes() {{
        assert!(valid_label("team-0042"), "9-byte labels are allowed");
    }}
{cases}
}}
"""
        },
        ["test"],
    )
    assert out.code != 0 and len(out.lines) > 1700, len(out.lines)
    ci(
        "fr-e-noisy-cargo-test-1800-labels-one-fails",
        "cargo test prints 1,801 'ok' lines of generated label cases; the one failure is "
        "accepts_nine_bytes: valid_label uses '< 9' where its doc says at most 9 bytes",
        ["noisy", "long-log"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="feat(labels): cap label length",
        files=["src/lib.rs"],
    )

    # pytest -v: 1,200 PASSED lines and one FAILED (Python: atlas)
    at(PY)
    lines, code = _pytest(
        "fr-e-noisy-pytest",
        {
            "tests/test_codes.py": """import pytest


def status_class(code):
    return {1: "info", 2: "ok", 3: "redirect", 4: "client", 5: "server"}[code // 100]


@pytest.mark.parametrize("code", [c for c in range(100, 600) if c % 100 < 80] + [299, 600])
def test_status_class(code):
    assert status_class(code) in {"info", "ok", "redirect", "client", "server"}


@pytest.mark.parametrize("n", range(800))
def test_retry_budget(n):
    assert min(n, 5) <= 5
""",
        },
        ["-v"],
    )
    assert code != 0 and sum("PASSED" in ln for ln in lines) > 1000, len(lines)
    ci(
        "fr-e-noisy-pytest-verbose-1200-passed-one-keyerror",
        "pytest -v prints over 1,200 PASSED lines; the single failure is "
        "test_status_class[600] with KeyError: 6 in the Python client's status mapping",
        ["noisy", "long-log"],
        "atlas",
        "general",
        workflow="python",
        job="pytest (verbose)",
        repo=PY,
        steps=[_py_setup(), failing(real.Out("pytest -v", lines, code), name="Test")],
        message="feat(py): classify HTTP status codes",
        files=["healer_py/status.py"],
    )

    # cargo build -v across a 10-crate workspace: rustc command lines, then E0599 (rex)
    at(REPO)
    members = [f"crates/c{i:02d}" for i in range(10)]
    files = {
        "Cargo.toml": "[workspace]\nresolver = \"2\"\nmembers = ["
        + ", ".join(f'"{m}"' for m in members)
        + "]\n"
    }
    for i, m in enumerate(members):
        name = f"healer-part{i:02d}"
        dep = f'healer-part{i - 1:02d} = {{ path = "../c{i - 1:02d}" }}\n' if i else ""
        files[f"{m}/Cargo.toml"] = real.cargo_toml(name, dep)
        files[f"{m}/src/lib.rs"] = f"pub fn part{i:02d}() -> u32 {{ {i} }}\n"
    files["crates/c09/src/lib.rs"] = (
        "use std::collections::HashMap;\n\n"
        "pub fn part09() -> u32 {\n    let mut seen: HashMap<f64, u32> = HashMap::new();\n"
        "    seen.insert(0.5, 9);\n    seen.values().sum()\n}\n"
    )
    path = real.scratch("fr-e-noisy-cargo-v", files)
    lines, code = real.run(
        ["cargo", "build", "-v", "--offline"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    lines = [re.sub(r"/home/runner/\.rustup/toolchains/[^/]+/", "/home/runner/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/", ln) for ln in lines]
    assert code != 0 and any("E0599" in ln for ln in lines), lines
    ci(
        "fr-e-noisy-cargo-build-verbose-e0599-hashmap-f64",
        "a verbose cargo build prints every rustc invocation of a ten-crate workspace; the "
        "failure is E0599 in healer-part09: HashMap<f64, u32>::insert needs f64: Eq + Hash",
        ["noisy"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="build (verbose)",
        repo=REPO,
        steps=[*rust_setup(), failing(real.Out("cargo build -v", lines, code), name="Build")],
        message="feat(part09): memoise fractional weights",
        files=["crates/c09/src/lib.rs"],
    )

    # jest with console.log debug output around one failure (blaze)
    at(WEB)
    logs = "\n".join(
        f'  console.log("[queue] poll", {{ tick: {i}, pending: {i % 4}, inflight: {i % 3} }});'
        for i in range(40)
    )
    out = real.jest(
        "fr-e-noisy-jest",
        {
            "queue.test.js": f"""function drain(q) {{
{logs}
  return q.splice(0, 2);
}}

test("drains the queue in pairs", () => {{
  expect(drain([1, 2, 3])).toEqual([1, 2]);
}});

test("drains everything when asked", () => {{
  const q = [1, 2, 3];
  drain(q);
  expect(q).toEqual([]);
}});
""",
        },
    )
    assert out.code != 0 and sum("console.log" in ln for ln in out.lines) > 40, out.lines[:40]
    ci(
        "fr-e-noisy-jest-console-debug-one-fails",
        "Jest prints eighty console.log blocks of queue polling debug output; the one failing "
        "test, 'drains everything when asked', leaves [3] in the queue",
        ["noisy"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="jest",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Jest")],
        message="debug(queue): log every poll",
        files=["src/queue.js", "queue.test.js"],
    )


def build() -> None:
    ensure_b4_tools()
    multi()
    noisy()
