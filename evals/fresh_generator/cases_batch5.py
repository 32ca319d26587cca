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
from cases_batch4 import _scrub, answer, b4_venv, ensure_b4_tools
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
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
    big = (
        "export const GLOSSARY = "
        + json.dumps({f"term_{i}": f"definition {i} " * 6 for i in range(6000)})
        + ";\n"
    )
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
    rows = ",\n".join(f'  ["Agent {i:04d}", "agent-{i:04d}"]' for i in range(1600) if i != 1187)
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
        f'    #[test] fn label_{i:04d}() {{ assert!(valid_label("t{i}")); }}' for i in range(1800)
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
        "Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ['
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
    lines = [
        re.sub(
            r"/home/runner/\.rustup/toolchains/[^/]+/",
            "/home/runner/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/",
            ln,
        )
        for ln in lines
    ]
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


# ------------------------------------------------------------------ context decides


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """kubectl's column layout: each column padded to its widest cell plus three spaces."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "   ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in [header, *rows]
    ]


def context() -> None:
    # a Go worker crash-loops on a nil pointer (Go: atlas); the panic is written in Go's
    # format (no Go toolchain here)
    at(CLI)
    ro = rollout("fr-e-ctx-go", NS, "healer-sync", 2, 1, 1, deadline=True)
    assert ro.code != 0, ro
    go_panic = [
        '{"level":"info","ts":"2026-11-28T09:12:01.114Z","caller":"sync/worker.go:41",'
        '"msg":"starting sync worker","queue":"runs","concurrency":4}',
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x8a4f2d]",
        "",
        "goroutine 1 [running]:",
        "github.com/5dlabs/healer-cli/internal/sync.(*Worker).Start(0x0, {0xb3c1e8, 0xc0000a4000})",
        "\t/src/internal/sync/worker.go:48 +0x2d",
        "main.main()",
        "\t/src/cmd/healer-sync/main.go:31 +0x1c5",
    ]
    ctx = crashing(
        "fr-e-ctx-go", NS, "healer-sync", "ghcr.io/5dlabs/healer-sync:0.4.0", 2, go_panic
    )
    ci(
        "fr-e-ctx-go-sync-worker-nil-pointer-crashloop",
        "the sync worker's rollout passes its deadline; the pod crash-loops and Loki shows a "
        "Go panic (nil pointer dereference in (*Worker).Start, called on a nil *Worker) from "
        "the change to the worker's constructor",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="rollout",
        repo=CLI,
        steps=[*kube_setup(), failing(ro, name="Rollout status")],
        message="refactor(sync): construct the worker from options",
        files=["internal/sync/worker.go", "cmd/healer-sync/main.go"],
        extra=ctx,
    )

    # a Python worker crash-loops on its own ZeroDivisionError behind an Argo CD health
    # timeout (Python: atlas); the traceback is python3's own
    at(PY)
    path = real.scratch(
        "fr-e-ctx-py",
        {
            "worker/main.py": """import json
import os


def shard_size(total, workers):
    return total // workers


def main():
    workers = int(os.environ.get("EMBED_WORKERS", "0"))
    print(json.dumps({"level": "info", "msg": "embedding worker starting", "workers": workers}))
    print(shard_size(12840, workers))


if __name__ == "__main__":
    main()
""",
        },
    )
    lines, code = real.run(["python3", "worker/main.py"], path)
    lines = [ln.replace(real.RUNNER, "/app") for ln in lines]
    assert code == 1 and any("ZeroDivisionError" in ln for ln in lines), lines
    argo = _argocd(
        "healer-embedder",
        NS,
        PLAT,
        "apps/healer-embedder",
        "Degraded",
        [("apps", "Deployment", NS, "healer-embedder", "Synced", "Degraded", "", "")],
        "2026-11-28T10:41:07Z",
    )
    ctx = crashing(
        "fr-e-ctx-py", NS, "healer-embedder", "ghcr.io/5dlabs/healer-embedder:0.15.2", 1, lines
    )
    ctx["argocd"] = [
        {
            "name": "healer-embedder",
            "sync_status": "Synced",
            "health_status": "Degraded",
            "message": 'Deployment "healer-embedder" exceeded its progress deadline',
        }
    ]
    ci(
        "fr-e-ctx-argocd-degraded-python-zero-division",
        "argocd app wait times out on health; healer-embedder is Degraded and its pod "
        "crash-loops with a Python ZeroDivisionError in shard_size(): the new code defaults "
        "EMBED_WORKERS to 0",
        ["context-driven", "argocd", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="argocd-sync",
        repo=PY,
        steps=[failing(argo, name="Wait for Argo CD")],
        message="feat(embedder): shard work across workers",
        files=["worker/main.py"],
        extra=ctx,
    )

    # a Rust router panics (index out of bounds); the job printed kubectl get pods (rex)
    at(PLAT)
    out = _rust_bin(
        "healer-router",
        """
fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_router","msg":"loaded routing table","agents":5}}"#);
    let agents = ["rex", "blaze", "bolt", "cipher", "atlas"];
    let weights: Vec<u32> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let pick = agents.len() + weights.len();
    println!("{}", agents[pick]);
}
""",
    )
    assert out.code == 101 and any("index out of bounds" in ln for ln in out.lines), out
    ro = rollout("fr-e-ctx-router", NS, "healer-router", 3, 1, 2, deadline=True)
    pname = pod_name("fr-e-ctx-router", "healer-router")
    table = _table(
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        [
            [pname, "0/1", "CrashLoopBackOff", "6 (2m14s ago)", "9m"],
            [pod_name("fr-e-ctx-router", "healer-router", "o1"), "1/1", "Running", "0", "3d2h"],
            [pod_name("fr-e-ctx-router", "healer-router", "o2"), "1/1", "Running", "0", "3d2h"],
        ],
    )
    ctx = crashing(
        "fr-e-ctx-router",
        NS,
        "healer-router",
        "ghcr.io/5dlabs/healer-router:0.15.2",
        101,
        out.lines,
    )
    ci(
        "fr-e-ctx-rust-router-index-out-of-bounds-get-pods",
        "the rollout fails and the job's own 'kubectl get pods' shows the new router pod in "
        "CrashLoopBackOff; Loki has the Rust panic 'index out of bounds: the len is 5 but the "
        "index is 5' from the new agent-pick code",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[
            *kube_setup(),
            failing(ro, name="Rollout status"),
            run(
                "kubectl -n healer get pods -l app.kubernetes.io/name=healer-router",
                table,
                name="Show pods on failure",
            ),
        ],
        message="feat(router): pick agents round-robin",
        files=["crates/router/src/pick.rs"],
        extra=ctx,
    )

    # a Node API logging JSON crashes on its own structuredClone of a function (blaze)
    at(WEB)
    out = real.node_run(
        "fr-e-ctx-node-clone",
        {
            "package.json": json.dumps({"name": "console-api", "type": "module"}),
            "server/cache.js": """const entries = new Map();
export function remember(key, value) {
  entries.set(key, structuredClone(value));
}
""",
            "server/index.js": """import { remember } from "./cache.js";
const log = (level, msg, extra = {}) =>
  console.log(JSON.stringify({ level, time: 1764320000000, pid: 1, hostname: "console-api", msg, ...extra }));
log(30, "console-api listening", { port: 3000 });
log(30, "request completed", { req: { method: "GET", url: "/api/agents" }, res: { statusCode: 200 } });
const agents = [{ name: "rex", score: () => 1 }];
remember("agents", { agents, at: Date.now() });
""",
        },
        "server/index.js",
    )
    loki = [ln.replace(real.RUNNER, "/app") for ln in out.lines]
    assert out.code != 0 and any("DataCloneError" in ln for ln in loki), loki
    with answer(502, "Bad Gateway", "<html><body><h1>502 Bad Gateway</h1></body></html>") as port:
        smoke = real.sh(
            "fr-e-ctx-node-smoke",
            {},
            f"curl -fsS --retry 2 --retry-delay 1 http://127.0.0.1:{port}/api/agents",
            "curl -fsS --retry 2 --retry-delay 1 https://console.staging.5dlabs.ai/api/agents",
            hosts={f"http://127.0.0.1:{port}": "https://console.staging.5dlabs.ai"},
        )
    assert smoke.code == 22, smoke
    ctx = crashing(
        "fr-e-ctx-node-clone",
        "console",
        "console-api",
        "ghcr.io/5dlabs/console-api:1.8.0",
        1,
        loki,
        port=3000,
    )
    ci(
        "fr-e-ctx-smoke-502-node-structuredclone-dataclone",
        "the staging smoke test gets 502 from the gateway; Loki shows console-api's JSON "
        "request logs and then its crash: 'DataCloneError: () => 1 could not be cloned' from "
        "the new response cache's structuredClone",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="smoke",
        repo=WEB,
        steps=[failing(smoke, name="Smoke test")],
        message="perf(api): cache the agents response",
        files=["server/cache.js", "server/index.js"],
        extra=ctx,
    )

    # the Service selector no longer matches the pods: ingress-nginx has no endpoints (bolt)
    at(PLAT)
    with answer(503, "Service Temporarily Unavailable") as port:
        smoke = real.sh(
            "fr-e-ctx-selector",
            {},
            f"curl -fsS --retry 2 --retry-delay 1 http://127.0.0.1:{port}/v1/health",
            "curl -fsS --retry 2 --retry-delay 1 https://api.staging.5dlabs.ai/v1/health",
            hosts={f"http://127.0.0.1:{port}": "https://api.staging.5dlabs.ai"},
        )
    assert smoke.code == 22, smoke
    created, first, _ = clock("fr-e-ctx-selector")
    ci(
        "fr-e-ctx-smoke-503-service-selector-no-endpoints",
        "the smoke test gets 503 from ingress-nginx; the API pods are Ready and their events "
        'normal, but ingress-nginx logs \'Service "healer/healer-api" does not have any '
        "active Endpoint' after the Service's selector was shortened to 'app: healer-api' "
        "while the pods carry app.kubernetes.io/name",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="smoke",
        repo=PLAT,
        steps=[failing(smoke, name="Smoke test")],
        message="refactor(manifests): short app selector on Services",
        files=["apps/healer/api/service.yaml"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-e-ctx-selector", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.15.1"
                ),
                "events": normal_events("fr-e-ctx-selector", NS, "healer-api"),
            },
            "loki": [
                'W1128 09:14:22.118204       7 controller.go:1214] Service "healer/healer-api" '
                "does not have any active Endpoint.",
                'W1128 09:14:25.451873       7 controller.go:1214] Service "healer/healer-api" '
                "does not have any active Endpoint.",
                '10.42.0.1 - - [28/Nov/2026:09:14:31 +0000] "GET /v1/health HTTP/2.0" 503 190 '
                '"-" "curl/8.5.0" 38 0.000 [healer-healer-api-80] [] - - - - '
                + sha("fr-e-ingress")[:32],
            ],
        },
    )

    # argocd app get -o yaml: the sync failed because the destination namespace is missing
    # (bolt)
    import yaml as _yaml

    app = shapes.argo_application(
        "healer-jobs",
        "healer-jobs",
        PLAT,
        "apps/healer-jobs",
        sha("fr-e-ctx-ns"),
        "OutOfSync",
        "Missing",
        phase="Failed",
        op_message='one or more objects failed to apply, reason: namespaces "healer-jobs" not '
        "found",
        resources=[
            {
                "group": "batch",
                "version": "v1",
                "kind": "CronJob",
                "namespace": "healer-jobs",
                "name": "healer-reindex",
                "status": "OutOfSync",
                "health": {"status": "Missing"},
                "syncPhase": "Sync",
                "message": 'namespaces "healer-jobs" not found',
            }
        ],
        when="2026-11-28T11:02:44Z",
    )
    app["spec"]["syncPolicy"]["syncOptions"] = []
    dumped = _yaml.safe_dump(app, sort_keys=False, width=200).splitlines()
    ci(
        "fr-e-ctx-argocd-app-yaml-namespace-not-found",
        "the sync check prints 'argocd app get healer-jobs -o yaml': the last sync Failed "
        "with 'namespaces \"healer-jobs\" not found' (the new Application has no "
        "CreateNamespace=true and no Namespace manifest)",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="deploy",
        job="verify-sync",
        repo=PLAT,
        steps=[
            _hand(
                "Check sync",
                "argocd app get healer-jobs -o yaml | tee app.yaml\n"
                "yq -e '.status.operationState.phase == \"Succeeded\"' app.yaml",
                [*dumped, "false"],
                seconds=6,
            )
        ],
        message="feat(jobs): nightly reindex CronJob",
        files=["apps/healer-jobs/cronjob.yaml", "argocd/apps/healer-jobs.yaml"],
        extra={
            "argocd": [
                {
                    "name": "healer-jobs",
                    "sync_status": "OutOfSync",
                    "health_status": "Missing",
                    "message": app["status"]["operationState"]["message"],
                }
            ]
        },
    )

    # a smoke timeout while everything is healthy and Prometheus shows no errors (atlas)
    with silent_server() as sport:
        smoke = real.sh(
            "fr-e-ctx-healthy-timeout",
            {},
            f"curl -fsS --max-time 2 http://127.0.0.1:{sport}/v1/health",
            "curl -fsS --max-time 10 https://api.staging.5dlabs.ai/v1/health",
            hosts={f"127.0.0.1 port {sport}": "api.staging.5dlabs.ai port 443"},
        )
    smoke = real.Out(
        smoke.command,
        [re.sub(r"after \d+ milliseconds", "after 10001 milliseconds", ln) for ln in smoke.lines],
        smoke.code,
    )
    assert smoke.code == 28, smoke
    ci(
        "fr-e-ctx-smoke-timeout-prometheus-all-healthy",
        "the smoke test times out once (curl 28); pods are Ready with normal events, "
        "Prometheus shows up=1, no 5xx and a 40 ms p99 for the whole window: nothing explains "
        "it",
        ["context-driven", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="smoke",
        repo=PLAT,
        steps=[failing(smoke, name="Smoke test")],
        message="chore(api): bump tracing to 0.1.41",
        files=["Cargo.lock"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-e-ctx-healthy", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.15.2"
                ),
                "events": normal_events("fr-e-ctx-healthy", NS, "healer-api"),
            },
            "prometheus": {
                'up{job="healer-api"}': [
                    {
                        "metric": {"job": "healer-api", "instance": "10.42.1.17:9090"},
                        "value": [1764320400, "1"],
                    },
                    {
                        "metric": {"job": "healer-api", "instance": "10.42.2.9:9090"},
                        "value": [1764320400, "1"],
                    },
                ],
                'sum(rate(http_requests_total{app="healer-api",code=~"5.."}[5m]))': [
                    {"metric": {}, "value": [1764320400, "0"]}
                ],
                'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{app="healer-api"}[5m])))': [
                    {"metric": {}, "value": [1764320400, "0.041"]}
                ],
            },
        },
    )

    # readiness probe on the chart's new port while the Node service listens on 3000 (bolt)
    at(WEB)
    out = real.node_run(
        "fr-e-ctx-port",
        {
            "package.json": json.dumps({"name": "console-bff", "type": "module"}),
            "server/index.js": """import http from "node:http";
const port = Number(process.env.PORT ?? 3000);
const server = http.createServer((req, res) => res.end("ok"));
server.listen(port, () => {
  console.log(JSON.stringify({ level: "info", msg: "console-bff listening", port }));
  server.close();
});
""",
        },
        "server/index.js",
    )
    assert out.code == 0 and any('"port":3000' in ln for ln in out.lines), out
    ro = rollout("fr-e-ctx-port", "console", "console-bff", 2, 1, 1, deadline=True)
    created, first, last = clock("fr-e-ctx-port")
    pname = pod_name("fr-e-ctx-port", "console-bff")
    ci(
        "fr-e-ctx-readiness-refused-chart-port-8080-app-3000",
        "the BFF rollout stalls; the new pod runs without restarts but its readiness probe "
        "gets 'connect: connection refused' on 8080 while Loki shows the service listening on "
        "3000: the chart moved containerPort and the probe to 8080 without setting PORT",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=WEB,
        steps=[*kube_setup(), failing(ro, name="Rollout status")],
        message="chore(charts): standardise containerPort on 8080",
        files=["charts/console-bff/values.yaml", "charts/console-bff/templates/deployment.yaml"],
        extra={
            "kubernetes": {
                "pods": [
                    shapes.pod(
                        pname,
                        "console",
                        "console-bff",
                        "ghcr.io/5dlabs/console-bff:1.8.0",
                        created=created,
                        port=8080,
                        memory_limit="256Mi",
                        probe_path="/healthz",
                    )
                ],
                "events": [
                    shapes.event(
                        "console",
                        "Pod",
                        pname,
                        "Unhealthy",
                        'Readiness probe failed: Get "http://10.42.1.23:8080/healthz": dial tcp '
                        "10.42.1.23:8080: connect: connection refused",
                        first=first,
                        last=last,
                        count=46,
                    )
                ],
            },
            "loki": out.lines,
        },
    )

    # pods evicted for ephemeral storage after the chart set a 64Mi limit (bolt)
    at(PLAT)
    from helpers import wait_available

    wa = wait_available("fr-e-ctx-evicted", NS, "healer-indexer")
    assert wa.code != 0, wa
    created, first, last = clock("fr-e-ctx-evicted")
    evicted = [pod_name("fr-e-ctx-evicted", "healer-indexer", str(i)) for i in range(3)]
    ci(
        "fr-e-ctx-evicted-ephemeral-storage-limit",
        "kubectl wait for the indexer times out; its pods are Evicted ('Pod ephemeral local "
        "storage usage exceeds the total limit of containers 64Mi') after the chart added an "
        "ephemeral-storage limit below the index scratch space",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="wait-ready",
        repo=PLAT,
        steps=[*kube_setup(), failing(wa, name="Wait for indexer")],
        message="feat(charts): ephemeral-storage limits for every workload",
        files=["charts/healer/values.yaml", "charts/healer/templates/indexer.yaml"],
        extra={
            "kubernetes": {
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        p,
                        "Evicted",
                        "Pod ephemeral local storage usage exceeds the total limit of "
                        "containers 64Mi. ",
                        first=first,
                        last=first,
                    )
                    for p in evicted
                ]
                + [
                    shapes.event(
                        NS,
                        "Pod",
                        evicted[0],
                        "Killing",
                        "Stopping container healer-indexer",
                        first=first,
                        last=first,
                        type_="Normal",
                    )
                ]
            },
        },
    )

    # a Rust config loader recursing on an include cycle: stack overflow, alert firing (rex)
    out = _rust_bin(
        "healer-config",
        """
use std::collections::HashMap;
use std::hint::black_box;

fn resolve(name: &str, includes: &HashMap<&str, &str>) -> usize {
    let pad = black_box([0u8; 512]);
    match includes.get(name) {
        Some(next) => 1 + resolve(next, includes) + pad[0] as usize,
        None => 0,
    }
}

fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_config","msg":"resolving profile","profile":"staging"}}"#);
    let includes = HashMap::from([("staging", "base"), ("base", "common"), ("common", "staging")]);
    println!("{}", resolve("staging", &includes));
}
""",
    )
    assert out.code != 0 and any("overflowed its stack" in ln for ln in out.lines), out
    # the thread id is the process's own tid: pid 1 in the container
    loki = [re.sub(r"thread 'main' \(\d+\)", "thread 'main' (1)", ln) for ln in out.lines]
    ci(
        "fr-e-ctx-canary-crashlooping-alert-rust-stack-overflow",
        "the canary gate fails on a firing KubePodCrashLooping alert for healer-config; Loki "
        "shows \"thread 'main' has overflowed its stack\": the new include resolution recurses "
        "forever on the staging -> base -> common -> staging cycle",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="canary-gate",
        repo=PLAT,
        steps=[
            _hand(
                "Canary gate",
                "./scripts/canary-gate.sh healer-config",
                [
                    "checking alerts for healer-config (canary 10%)",
                    "FIRING KubePodCrashLooping severity=warning for=15m",
                    "canary gate: 1 firing alert, rolling back",
                ],
                seconds=930,
            )
        ],
        message="feat(config): profile includes",
        files=["crates/config/src/profile.rs"],
        extra={
            "prometheus": {
                'ALERTS{alertstate="firing",namespace="healer"}': [
                    {
                        "metric": {
                            "alertname": "KubePodCrashLooping",
                            "alertstate": "firing",
                            "container": "healer-config",
                            "namespace": NS,
                            "pod": pod_name("fr-e-ctx-stack", "healer-config"),
                            "severity": "warning",
                        },
                        "value": [1764321300, "1"],
                    }
                ],
                'kube_pod_container_status_last_terminated_exitcode{container="healer-config"}': [
                    {"metric": {"container": "healer-config"}, "value": [1764321300, "134"]}
                ],
            },
            "loki": loki,
        },
    )


# ------------------------------------------------------------------ platform


def _push_rejected(
    cid: str, repo: str, message: list[str], reason: str, ref: str = "main"
) -> real.Out:
    """``git push`` to the local smart-HTTP server declining the ref with ``reason``."""
    from cases_github import gh013_push

    out = gh013_push(cid, message, reason)
    lines = [
        ln.replace("5dlabs/cto.git", f"{repo}.git").replace("HEAD -> main", f"HEAD -> {ref}")
        for ln in out.lines
    ]
    return real.Out(f"git push origin HEAD:{ref}", lines, out.code)


def platform() -> None:
    at(REPO)
    out = _push_rejected(
        "fr-e-gh006",
        REPO,
        [
            "error: GH006: Protected branch update failed for refs/heads/main.",
            "error: Changes must be made through a pull request.",
        ],
        "protected branch hook declined",
    )
    assert out.code != 0 and any("GH006" in ln for ln in out.lines), out
    ci(
        "fr-e-plat-gh006-protected-branch-rustfmt-autofix",
        "the rustfmt autofix job formatted the code and committed; its push to main is "
        "declined by branch protection (GH006: changes must be made through a pull request)",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="autofix",
        job="rustfmt-autofix",
        repo=REPO,
        steps=[
            *rust_setup(),
            run("cargo fmt --all", [], name="Format"),
            run(
                'git commit -am "style: cargo fmt"',
                [
                    "[main 4e1b2c9] style: cargo fmt",
                    " 3 files changed, 11 insertions(+), 9 deletions(-)",
                ],
                name="Commit",
            ),
            failing(out, name="Push"),
        ],
        message="feat(router): weighted scoring",
        files=["crates/router/src/score.rs"],
        branch="main",
        event="workflow_run",
    )

    at(WEB)
    out = _push_rejected(
        "fr-e-workflows-perm",
        WEB,
        [],
        "refusing to allow a GitHub App to create or update workflow "
        "`.github/workflows/frontend.yml` without `workflows` permission",
        ref="deps/weekly-npm",
    )
    assert out.code != 0 and any("workflows` permission" in ln for ln in out.lines), out
    ci(
        "fr-e-plat-push-workflows-permission-npm-update",
        "the weekly npm-update job bumped dependencies and the Node version in "
        ".github/workflows/frontend.yml; the push is rejected: the App token lacks the "
        "`workflows` permission",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="deps",
        job="npm-update",
        repo=WEB,
        steps=[
            *node_setup(),
            run(
                "npx npm-check-updates -u && npm install",
                [
                    "Upgrading /home/runner/work/console/console/package.json",
                    "added 3 packages, changed 41 packages in 9s",
                ],
                name="Update",
            ),
            failing(out, name="Push branch"),
        ],
        message="chore(deps): weekly npm update",
        files=["package.json", "package-lock.json", ".github/workflows/frontend.yml"],
        event="workflow_run",
    )

    # npm publish over an existing version (real npm against a 403 registry)
    with answer(
        403,
        "Forbidden",
        json.dumps({"error": "You cannot publish over the previously published versions: 1.8.0."}),
        "application/json",
    ) as port:
        out = real.sh(
            "fr-e-npm-publish",
            {
                "package.json": json.dumps(
                    {
                        "name": "@5dlabs/console-ui",
                        "version": "1.8.0",
                        "license": "Apache-2.0",
                        "main": "dist/index.js",
                        "files": ["dist"],
                        "publishConfig": {"access": "public"},
                    },
                    indent=2,
                ),
                "dist/index.js": "export const version = '1.8.0';\n",
                ".npmrc": f"//127.0.0.1:{port}/:_authToken=npm_fake_token_for_local_registry\n",
            },
            f"npm publish --registry http://127.0.0.1:{port}/",
            "npm publish",
            hosts={f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/"},
        )
    lines = [ln for ln in out.lines if "_authToken" not in ln]
    assert out.code != 0 and any("E403" in ln for ln in lines), lines
    ci(
        "fr-e-plat-npm-publish-e403-existing-version-ui-build",
        "the UI package built; 'npm publish' gets E403 'You cannot publish over the "
        "previously published versions: 1.8.0' (the version was not bumped)",
        ["platform", "misleading-name"],
        "atlas",
        "release_publish",
        workflow="ui",
        job="build-ui",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run("npm run build", ["> @5dlabs/console-ui@1.8.0 build", "> tsc -p ."], name="Build"),
            failing(
                real.Out("npm publish", lines, out.code),
                name="Publish",
                env={"NODE_AUTH_TOKEN": "***"},
            ),
        ],
        message="feat(ui): Badge component",
        files=["src/Badge.tsx"],
        event="workflow_run",
    )

    # git diff against origin/main in a shallow clone: no merge base (real git)
    at(REPO)
    root = real.scratch("fr-e-nomergebase")
    origin = root / "origin"
    real.new_repo(origin, {"crates/router/src/lib.rs": "pub fn a() {}\n"})
    for i in range(3):
        real.commit_all(origin, {f"crates/intake/src/m{i}.rs": f"// {i}\n"}, f"intake {i}")
    real.git(origin, "checkout", "-q", "-b", "feat/router-weights")
    real.commit_all(origin, {"crates/router/src/lib.rs": "pub fn a() -> u8 { 1 }\n"}, "weights")
    real.git(origin, "checkout", "-q", "main")
    real.commit_all(origin, {"crates/intake/src/m9.rs": "// 9\n"}, "intake 9")
    real.git(
        root,
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "feat/router-weights",
        f"file://{origin}",
        "work",
    )
    work = root / "work"
    real.git(work, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    lines, code = real.git(work, "diff", "--name-only", "origin/main...HEAD")
    assert code != 0 and any("no merge base" in ln for ln in lines), lines
    ci(
        "fr-e-plat-shallow-no-merge-base-changed-crates-clippy",
        "the clippy job's 'changed crates' step fails before clippy: 'fatal: "
        "origin/main...HEAD: no merge base' because the checkout is depth 1",
        ["platform", "misleading-name"],
        "atlas",
        "git_error",
        workflow="Rust CI",
        job="clippy (changed crates)",
        repo=REPO,
        steps=[
            *rust_setup(),
            run("git fetch --depth=1 origin main:refs/remotes/origin/main", [], name="Fetch main"),
            failing(
                real.Out(
                    "git diff --name-only origin/main...HEAD | cut -d/ -f2 | sort -u", lines, code
                ),
                name="Changed crates",
            ),
        ],
        message="feat(router): weights",
        files=["crates/router/src/lib.rs"],
        pr=pr_of("fr-e-nomergebase", "feat(router): weights"),
    )

    ci(
        "fr-e-plat-gh-pr-create-actions-not-permitted-cargo-update",
        "the weekly cargo-update job updated Cargo.lock and pushed a branch; 'gh pr create' "
        "fails: GitHub Actions is not permitted to create or approve pull requests",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="deps",
        job="cargo-update",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo update",
                [
                    "    Updating crates.io index",
                    "     Locking 7 packages to latest compatible versions",
                ],
                name="Update",
            ),
            run(
                "git push -f origin HEAD:deps/cargo-update",
                [" + 1c2d3e4...5f6a7b8 HEAD -> deps/cargo-update (forced update)"],
                name="Push",
            ),
            _hand(
                "Open PR",
                'gh pr create --base main --head deps/cargo-update --title "chore(deps): cargo update" --body "Weekly update"',
                [
                    "pull request create failed: GraphQL: GitHub Actions is not permitted to "
                    "create or approve pull requests (createPullRequest)",
                ],
                seconds=3,
            ),
        ],
        message="chore(deps): cargo update",
        files=["Cargo.lock"],
        event="workflow_run",
    )

    # merging main into the PR branch conflicts in the chart values (real git)
    at(PLAT)
    root = real.scratch("fr-e-merge")
    origin = root / "origin"
    base = "replicaCount: 2\nimage:\n  repository: ghcr.io/5dlabs/healer\n  tag: 0.15.0\n"
    real.new_repo(origin, {"charts/healer/values.yaml": base})
    real.git(origin, "checkout", "-q", "-b", "feat/bump")
    real.commit_all(origin, {"charts/healer/values.yaml": base.replace("0.15.0", "0.15.2")}, "bump")
    real.git(origin, "checkout", "-q", "main")
    real.commit_all(
        origin, {"charts/healer/values.yaml": base.replace("0.15.0", "0.15.1")}, "release 0.15.1"
    )
    real.git(root, "clone", "-q", "--branch", "feat/bump", f"file://{origin}", "work")
    lines, code = real.git(root / "work", "merge", "--no-edit", "origin/main")
    assert code != 0 and any("CONFLICT" in ln for ln in lines), lines
    ci(
        "fr-e-plat-merge-main-conflict-values-helm-lint",
        "the helm-lint job first merges main into the PR branch; the merge stops with "
        "'CONFLICT (content): Merge conflict in charts/healer/values.yaml' (both sides "
        "changed the image tag); no lint ran",
        ["platform", "misleading-name"],
        "atlas",
        "merge_conflict",
        workflow="charts",
        job="helm-lint",
        repo=PLAT,
        steps=[
            failing(real.Out("git merge --no-edit origin/main", lines, code), name="Merge main")
        ],
        message="chore(charts): healer 0.15.2",
        files=["charts/healer/values.yaml"],
        pr=pr_of("fr-e-merge", "chore(charts): healer 0.15.2"),
    )


# ------------------------------------------------------------------ security


def security() -> None:
    at(PLAT)
    commit = sha("fr-e-gh013-pat")
    out = _push_rejected(
        "fr-e-gh013-pat",
        PLAT,
        [
            "error: GH013: Repository rule violations found for refs/heads/main.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— GitHub Personal Access Token ——————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: terraform/github/terraform.tfvars:3",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/platform/security/secret-scanning/unblock-secret/"
            "2tQ7nVb4Kx9Wm1Rc6Zp3Ly8Hd0Fs",
            "",
        ],
        "push declined due to repository rule violations",
    )
    assert out.code != 0, out
    ci(
        "fr-e-sec-gh013-github-pat-terraform-fmt",
        "the terraform-fmt autofix job's push is blocked by push protection: "
        "terraform/github/terraform.tfvars contains a GitHub personal access token",
        ["misleading-name", "security"],
        "cipher",
        "secret_scanning_alert",
        workflow="terraform",
        job="terraform-fmt",
        repo=PLAT,
        steps=[
            run("terraform fmt -recursive terraform/", ["terraform/github/main.tf"], name="Format"),
            failing(out, name="Push formatting"),
        ],
        message="feat(terraform): manage GitHub teams",
        files=["terraform/github/main.tf", "terraform/github/terraform.tfvars"],
        branch="main",
        event="workflow_run",
    )

    at(PY)
    out = real.bandit(
        "fr-e-bandit",
        {
            "healer_py/export.py": """import subprocess


def export_runs(path, fmt):
    cmd = f"healer export --format {fmt} > {path}"
    return subprocess.run(cmd, shell=True, check=True)
""",
        },
        "healer_py",
    )
    lines = [
        re.sub(r"Run started:.*", "Run started:2026-11-28 10:12:41.208311", ln) for ln in out.lines
    ]
    assert out.code != 0 and any("B602" in ln for ln in lines), lines
    ci(
        "fr-e-sec-bandit-b602-shell-true-python-checks",
        "bandit fails the Python checks with B602 (high): subprocess.run(..., shell=True) "
        "on a command built from the export format and path",
        ["security"],
        "cipher",
        "code_scanning_alert",
        workflow="python",
        job="checks",
        repo=PY,
        steps=[
            _py_setup(),
            run(
                "pytest -q",
                ["........................................ [100%]", "40 passed in 1.92s"],
                name="Test",
            ),
            failing(real.Out(out.command, lines, out.code), name="bandit"),
        ],
        message="feat(py): export runs",
        files=["healer_py/export.py"],
    )

    import fcommon

    at(WEB)
    cid = "fr-e-sec-sensor-osv-scanner"
    msg = "chore(deps): bump the minor-and-patch group"
    j = Job(cid, WEB, "osv-scanner", "osv-scan", "main", [])
    fcommon.add(
        cid,
        "only the sensor body: the scheduled osv-scanner workflow failed on the console after "
        "a minor-and-patch dependency group bump",
        ["no-log", "security"],
        "cipher",
        "vulnerable_dependency",
        "sensor",
        sensor(j, msg),
        {"changed_files": ["package.json", "package-lock.json"], "commit_message": msg},
    )

    at(REPO)
    p = alert(
        "dependabot_alert",
        "fr-e-sec-dep-crossbeam",
        REPO,
        {
            "alert.dependency": {
                "package": {"ecosystem": "rust", "name": "crossbeam-channel"},
                "manifest_path": "Cargo.lock",
                "scope": "runtime",
            },
            "alert.security_advisory.ghsa_id": "GHSA-pg9f-39pc-qf8g",
            "alert.security_advisory.cve_id": None,
            "alert.security_advisory.summary": "crossbeam-channel Vulnerable to Double Free on "
            "Drop",
            "alert.security_advisory.severity": "medium",
            "alert.security_vulnerability.package": {
                "ecosystem": "rust",
                "name": "crossbeam-channel",
            },
            "alert.security_vulnerability.vulnerable_version_range": ">= 0.5.12, < 0.5.15",
            "alert.security_vulnerability.first_patched_version": {"identifier": "0.5.15"},
            "alert.security_vulnerability.severity": "medium",
        },
    )
    fcommon.add(
        "fr-e-sec-alert-dependabot-crossbeam-channel",
        "Dependabot alert: crossbeam-channel double free on drop (>= 0.5.12, < 0.5.15) in "
        "the Rust workspace's Cargo.lock",
        ["security-alert", "security"],
        "cipher",
        "dependabot_alert",
        "dependabot_alert",
        p,
        {"changed_files": ["Cargo.lock"]},
    )


# ------------------------------------------------------------------ obvious


def obvious() -> None:
    at(REPO)
    out = real.cargo(
        "fr-e-obv-fmt",
        {
            "src/main.rs": 'fn main() {\n    let agents = vec!["rex","blaze"];\n'
            '    for a in &agents { println!("{a}"); }\n}\n'
        },
        ["fmt", "--check"],
    )
    assert out.code != 0, out
    ci(
        "fr-e-obv-cargo-fmt-check-diff",
        "cargo fmt --check prints a diff for src/main.rs (a missing space after a comma, a "
        "one-line for loop)",
        ["obvious"],
        "rex",
        "rust_fmt",
        workflow="Rust CI",
        job="rustfmt",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Format check")],
        message="feat(agents): list agents",
        files=["src/main.rs"],
    )

    path = real.scratch(
        "fr-e-obv-feature",
        {
            "Cargo.toml": real.cargo_toml(
                "healer", 'healer-core = { path = "crates/core", features = ["tracing"] }'
            ),
            "src/main.rs": "fn main() {}\n",
            "crates/core/Cargo.toml": real.cargo_toml("healer-core"),
            "crates/core/src/lib.rs": "pub fn core() {}\n",
        },
    )
    lines, code = real.run(["cargo", "check", "--offline"], path, env={"CARGO_NET_OFFLINE": "true"})
    assert code != 0 and any("does not have that feature" in ln for ln in lines), lines
    ci(
        "fr-e-obv-cargo-missing-feature-path-dependency",
        "cargo check fails resolving dependencies: healer asks for healer-core's feature "
        "`tracing`, which healer-core does not define",
        ["obvious"],
        "rex",
        "rust_deps",
        workflow="Rust CI",
        job="check",
        repo=REPO,
        steps=[*rust_setup(), failing(real.Out("cargo check", lines, code), name="Check")],
        message="feat(core): trace core calls",
        files=["Cargo.toml"],
    )

    at(WEB)
    out = real.sh(
        "fr-e-obv-prettier",
        {
            "src/AgentBadge.jsx": "export function AgentBadge({agent}) {\n"
            '  return <span className="badge" title={agent.name}>{agent.name.toUpperCase()}</span>\n}\n',
            "src/index.js": 'export { AgentBadge } from "./AgentBadge.jsx";\n',
        },
        "prettier --check src",
        "npx prettier --check src",
        node_modules=True,
    )
    assert out.code != 0, out
    ci(
        "fr-e-obv-prettier-check-agent-badge",
        "prettier --check reports src/AgentBadge.jsx as not formatted",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="frontend",
        job="format",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Prettier")],
        message="feat(ui): agent badge",
        files=["src/AgentBadge.jsx"],
    )

    out = real.jest(
        "fr-e-obv-jest",
        {
            "summary.test.js": """function summary(runs) {
  return { total: runs.length, failed: runs.filter((r) => r.ok).length };
}
test("counts failed runs", () => {
  expect(summary([{ ok: true }, { ok: false }, { ok: false }])).toEqual({ total: 3, failed: 2 });
});
""",
        },
    )
    assert out.code != 0, out
    ci(
        "fr-e-obv-jest-summary-failed-count",
        "Jest fails: summary() counts the passing runs as failed ({ total: 3, failed: 1 } "
        "instead of failed: 2)",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="jest",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Jest")],
        message="feat(runs): run summary",
        files=["src/summary.js", "summary.test.js"],
    )

    at(PLAT)
    out = real.hadolint(
        "fr-e-obv-hadolint",
        "FROM debian:12.8-slim\n"
        "RUN curl -fsSL https://get.helm.sh/helm-v3.16.3-linux-amd64.tar.gz | tar -xz -C /tmp\n"
        'ENTRYPOINT ["/tmp/linux-amd64/helm"]\n',
        where="images/helm-runner/Dockerfile",
    )
    assert out.code != 0 and any("DL4006" in ln for ln in out.lines), out
    ci(
        "fr-e-obv-hadolint-dl4006-pipefail",
        "hadolint fails images/helm-runner/Dockerfile with DL4006: a piped RUN without "
        "'set -o pipefail'",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="hadolint",
        repo=PLAT,
        steps=[failing(out, name="hadolint")],
        message="feat(images): helm runner image",
        files=["images/helm-runner/Dockerfile"],
    )


def build() -> None:
    ensure_b4_tools()
    multi()
    noisy()
    context()
    platform()
    security()
    obvious()
