"""Batch 57 of the fresh split (ids ``fr-zze-``): noisy multi-signal logs in polyglot
monorepos. One job runs several tools (``make ci`` over cargo, tsc, ESLint and Helm; separate
steps, some ``continue-on-error``; matrix legs; retries that recovered), earlier lines carry
real warnings or errors that did not fail the job, and one later error did. Each case is
labelled by the error that actually failed the job, or, where two genuine errors are chained
(a code generator that failed quietly, then the consumer of its output), by the first.

- ``make ci``: clippy and ESLint warnings, then ``helm lint``'s template error (bolt); clippy
  warnings and Helm's INFO lines, then tsc TS2345 (blaze); yamllint warnings and ESLint
  warnings, then a cargo test assertion (rex);
- chained errors: a Rust type exporter that no longer compiles (make's ``(ignored)``), then
  tsc's TS2305 on the stale bindings (rex) vs an exporter that compiles with a warning and a
  TypeScript typo (blaze); a CRD generator that fails to compile in a ``continue-on-error``
  step, then kubectl's ``no objects passed to apply`` (rex) vs a generator with warnings and a
  hand-edited overlay that does not parse (bolt);
- advisory steps that failed: ``cargo audit`` before a Vitest assertion (blaze) vs ``cargo
  audit`` as the blocking step after clippy and ESLint warnings (cipher); ``npm audit`` before
  a yamllint error (bolt); a strict-mode tsc preview before ``cargo fmt --check`` (rex); a
  chart lint before an ESLint error (blaze);
- retries: a tool download that got a 503 and recovered before a cargo test failure (rex) vs
  one that never recovered after clippy and ESLint warnings (atlas);
- matrix legs: the MSRV leg's ``requires rustc 1.82`` (rex); an e2e shard with Vitest's
  stderr noise whose runner received a shutdown signal (atlas);
- deploys: Helm's coalesce warnings and a rollout that runs out, decided by the pods and Loki
  (a Rust panic, rex; a mistyped image tag, bolt);
- a docs push refused as non-fast-forward after ESLint warnings (atlas); a full disk under
  cargo (atlas); a Docker build after clippy warnings whose COPY names a binary the build
  never makes (bolt) vs a Rust compile error inside ``RUN cargo build`` (rex).

Cases tagged ``obvious``: tsc in a web job (blaze), clippy with ``-D warnings`` (rex),
yamllint on a manifest (bolt), detect-secrets on a new file (cipher), a merge conflict in a
branch-sync job (atlas).
"""

from __future__ import annotations

from typing import Any

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, passing, pr_of, rust_setup
from gha import run, uses
from helpers import buildx_setup, clock, crashing, kube_setup, pod_name, rollout

MONO = "5dlabs/atrium"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
REPO = "5dlabs/healer"
PFX = "fr-zze-"
NS = "atrium"


def build() -> None:
    make_ci()
    chained()
    advisory()
    retries()
    matrix()
    deploys()
    others()
    obvious()


# ------------------------------------------------------------------ shared real runs

CLIPPY_WARN_SRC = """pub fn label(n: usize) -> String {
    return format!("run-{}", n);
}

pub fn is_idle(queue: &Vec<u32>) -> bool {
    queue.len() == 0
}

fn main() {
    let q = vec![1, 2];
    println!("{} {}", label(q.len()), is_idle(&q));
}
"""

ESLINT_WARN_SRC = """export function summary(runs) {
  const debugCount = runs.length;
  console.log("summarising", runs.length);
  return runs.filter((r) => r.ok == true).length;
}
"""

ESLINT_WARN_RULES = '{"no-unused-vars": "warn", "no-console": "warn", "eqeqeq": ["warn", "always"]}'


def clippy_warnings(name: str, package: str = "atrium-core") -> real.Out:
    """A real ``cargo clippy`` that prints warnings and passes (no ``-D warnings``)."""
    out = real.cargo(
        name,
        {"Cargo.toml": real.cargo_toml(package), "src/main.rs": CLIPPY_WARN_SRC},
        ["clippy", "--workspace"],
        shown="cargo clippy --workspace",
    )
    assert out.code == 0 and any("needless_return" in ln for ln in out.lines), out
    return out


def eslint_warnings(name: str) -> real.Out:
    """A real ESLint run with warnings only (exit 0)."""
    out = real.eslint(name, {"src/summary.js": ESLINT_WARN_SRC}, rules=ESLINT_WARN_RULES)
    assert out.code == 0 and any("warning" in ln for ln in out.lines), out
    return out


def _web(lines: list[str]) -> list[str]:
    """Paths of a web/ sub-project run: the runner's root plus ``web/``."""
    return [ln.replace(real.RUNNER + "/src/", real.RUNNER + "/web/src/") for ln in lines]


def _web_eslint(es: real.Out) -> real.Out:
    """A passing ESLint run shown as the monorepo's ``web/`` step runs it."""
    return real.Out("cd web && npx eslint src", _web(es.lines), es.code)


# ------------------------------------------------------------------ 1. make ci


def make_ci() -> None:
    at(MONO)
    # clippy and ESLint warnings, then helm lint's template error (bolt)
    cid = PFX + "make-ci-clippy-eslint-warnings-then-helm-lint-nil-pointer"
    cl = clippy_warnings("b57-mk1-clippy")
    es = eslint_warnings("b57-mk1-eslint")
    helm = [
        "helm lint charts/gateway --values charts/gateway/values-ci.yaml",
        "==> Linting charts/gateway",
        "[INFO] Chart.yaml: icon is recommended",
        '[ERROR] templates/: template: gateway/templates/deployment.yaml:41:28: executing "'
        'gateway/templates/deployment.yaml" at <.Values.probes.readiness.port>: nil pointer '
        "evaluating interface {}.port",
        "",
        "Error: 1 chart(s) linted, 1 chart(s) failed",
        "make: *** [Makefile:14: lint-charts] Error 1",
    ]
    lines = [
        "cargo clippy --workspace",
        *cl.lines,
        "cd web && npx eslint src",
        *_web(es.lines),
        *helm,
    ]
    ci(
        cid,
        "`make ci` prints clippy warnings (needless_return, len_zero, ptr_arg; cargo finishes) "
        "and ESLint warnings (no-unused-vars, no-console, eqeqeq; exit 0), then `helm lint "
        "charts/gateway` fails: the deployment template reads `.Values.probes.readiness.port`, "
        "which the change moved in values.yaml (nil pointer evaluating interface {}.port)",
        ["multi-signal", "look-alike", "wrapper"],
        "bolt",
        "helm",
        repo=MONO,
        workflow="ci",
        job="make-ci",
        steps=[
            *rust_setup(),
            *node_setup(),
            uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm v3.16.3 installed"]),
            run("make ci", lines, 2, name="make ci", seconds=74),
        ],
        message="chore(gateway): group probe settings under probes.*",
        files=["charts/gateway/values.yaml", "charts/gateway/values-ci.yaml"],
        pr=pr_of(cid, "chore(gateway): group probe settings"),
    )

    # clippy warnings and helm INFO, then tsc TS2345 (blaze)
    cid = PFX + "make-ci-clippy-warnings-helm-info-then-tsc-ts2345"
    cl = clippy_warnings("b57-mk2-clippy", package="atrium-api")
    ts = real.tsc(
        "b57-mk2-tsc",
        {
            "src/filters.ts": """export type Status = "queued" | "running" | "failed";

export function byStatus(items: { status: Status }[], s: Status) {
  return items.filter((i) => i.status === s);
}

const rows = [{ status: "queued" as Status }];
export const failing = byStatus(rows, "errored");
""",
        },
    )
    assert ts.code != 0 and any("TS2345" in ln for ln in ts.lines), ts
    lines = [
        "cargo clippy --workspace",
        *cl.lines,
        "helm lint charts/gateway charts/worker",
        "==> Linting charts/gateway",
        "[INFO] Chart.yaml: icon is recommended",
        "==> Linting charts/worker",
        "[INFO] Chart.yaml: icon is recommended",
        "[WARNING] templates/hpa.yaml: autoscaling/v2beta2 HorizontalPodAutoscaler is "
        "deprecated in v1.23+, unavailable in v1.26+; use autoscaling/v2 HorizontalPodAutoscaler",
        "",
        "2 chart(s) linted, 0 chart(s) failed",
        "cd web && npx tsc -p . --noEmit",
        *_web(ts.lines),
        "make: *** [Makefile:18: typecheck] Error 2",
    ]
    ci(
        cid,
        "`make ci` passes clippy with warnings and `helm lint` with INFO lines and a "
        "deprecated-HPA WARNING (0 charts failed), then tsc fails in web/ with TS2345: "
        '`"errored"` is not a `Status`; only the TypeScript error fails the step',
        ["multi-signal", "wrapper"],
        "blaze",
        "frontend_typecheck",
        repo=MONO,
        workflow="ci",
        job="make-ci",
        steps=[*rust_setup(), *node_setup(), run("make ci", lines, 2, name="make ci", seconds=81)],
        message="feat(web): filter failing runs",
        files=["web/src/filters.ts"],
        pr=pr_of(cid, "feat(web): failing-runs filter"),
    )

    # yamllint warnings and ESLint warnings, then a cargo test assertion (rex)
    cid = PFX + "make-ci-yamllint-eslint-warnings-then-cargo-test"
    yl = real.yamllint(
        "b57-mk3-yamllint",
        {
            "deploy/worker.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            "  name: worker\nspec:\n  replicas: 2\n  template:\n    spec:\n"
            "      containers:\n        - name: worker\n          image: "
            "ghcr.io/5dlabs/atrium-worker:0.9.3   \n          env:\n"
            "            - name: VERBOSE\n              value: yes\n",
        },
        ["deploy/"],
        config="extends: default\nrules:\n  document-start: disable\n"
        "  trailing-spaces: {level: warning}\n  truthy: {level: warning}\n",
    )
    assert yl.code == 0 and any("warning" in ln for ln in yl.lines), yl
    es = eslint_warnings("b57-mk3-eslint")
    ct = real.cargo(
        "b57-mk3-test",
        {
            "Cargo.toml": real.cargo_toml("atrium-sched"),
            "src/lib.rs": """/// Next slot start (minutes past midnight) for a job every `every` minutes.
pub fn next_slot(now: u32, every: u32) -> u32 {
    (now / every) * every
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn on_the_boundary() {
        assert_eq!(next_slot(60, 15), 60);
    }
    #[test]
    fn rounds_up_to_the_next_slot() {
        assert_eq!(next_slot(61, 15), 75);
    }
}
""",
        },
        ["test", "--quiet"],
        shown="cargo test --quiet",
    )
    assert ct.code != 0, ct
    lines = [
        "yamllint deploy/",
        *yl.lines,
        "cd web && npx eslint src",
        *_web(es.lines),
        "cargo test --quiet",
        *ct.lines,
        "make: *** [Makefile:22: test-rust] Error 101",
    ]
    ci(
        cid,
        "`make ci` prints yamllint warnings (trailing spaces, a truthy `yes`; level warning, "
        "exit 0) and ESLint warnings, then `cargo test` fails: rounds_up_to_the_next_slot "
        "expects 75 and gets 60 (the scheduler rounds down)",
        ["multi-signal", "look-alike", "wrapper"],
        "rex",
        "rust_test",
        repo=MONO,
        workflow="ci",
        job="make-ci",
        steps=[*rust_setup(), *node_setup(), run("make ci", lines, 2, name="make ci", seconds=66)],
        message="feat(sched): align jobs to their slot",
        files=["crates/atrium-sched/src/lib.rs"],
        pr=pr_of(cid, "feat(sched): slot alignment"),
    )


# ------------------------------------------------------------------ 2. chained errors

EXPORT_TS_BROKEN = """// generated by export-types; do not edit
export type RunId = string;
"""


def chained() -> None:
    at(MONO)
    # the Rust exporter fails to compile (ignored by make), tsc fails on stale bindings (rex)
    cid = PFX + "codegen-export-types-e0063-ignored-then-tsc-ts2306"
    out = real.sh(
        "b57-ch1",
        {
            "Makefile": "ci: bindings typecheck\n\nbindings:\n"
            "\t-cargo run --quiet --bin export-types > web/src/gen/types.ts\n\n"
            "typecheck:\n\tcd web && tsc -p .\n",
            "Cargo.toml": real.cargo_toml("atrium-api"),
            "src/bin/export-types.rs": """struct RunStatus {
    id: String,
    state: String,
    attempts: u32,
}

fn main() {
    let sample = RunStatus { id: "r-1".into(), state: "queued".into() };
    println!("// generated by export-types; do not edit");
    println!("export type RunId = string;");
    println!("export interface RunStatus {{ id: RunId; state: string; attempts: number }}");
    let _ = (sample.id, sample.state, sample.attempts);
}
""",
            "src/lib.rs": "",
            "web/tsconfig.json": real.TSCONFIG,
            "web/src/gen/types.ts": EXPORT_TS_BROKEN,
            "web/src/runs.ts": """import type { RunId, RunStatus } from "./gen/types";

export function label(r: RunStatus, id: RunId): string {
  return `${id}: ${r.state} (${r.attempts})`;
}
""",
        },
        "make ci",
        "make ci",
        env={"CARGO_NET_OFFLINE": "true"},
        node_modules=True,
    )
    assert out.code != 0 and any("E0063" in ln for ln in out.lines), out
    assert any("TS2306" in ln for ln in out.lines), out
    assert any("(ignored)" in ln for ln in out.lines), out
    ci(
        cid,
        "`make ci` runs the Rust type exporter first (make's `-` prefix ignores its failure): "
        "`cargo run --bin export-types` fails with E0063 (missing field `attempts` after the "
        "change added it to RunStatus), the shell redirect has already emptied the bindings "
        "file, and tsc then fails with TS2306 (`types.ts` is not a module); the first error "
        "is the cause",
        ["multi-signal", "look-alike", "chained"],
        "rex",
        "rust_build",
        repo=MONO,
        workflow="ci",
        job="make-ci",
        steps=[*rust_setup(), *node_setup(), failing(out, name="make ci")],
        message="feat(api): count attempts on every run",
        files=["crates/atrium-api/src/bin/export-types.rs", "crates/atrium-api/src/run.rs"],
        pr=pr_of(cid, "feat(api): run attempts"),
    )

    # counterpart: the exporter compiles with a warning, tsc fails on a TS typo (blaze)
    cid = PFX + "codegen-export-types-warning-then-tsc-ts2551-typo"
    out = real.sh(
        "b57-ch2",
        {
            "Makefile": "ci: bindings typecheck\n\nbindings:\n"
            "\t-cargo run --quiet --bin export-types > web/src/gen/types.ts\n\n"
            "typecheck:\n\tcd web && tsc -p .\n",
            "Cargo.toml": real.cargo_toml("atrium-api"),
            "src/bin/export-types.rs": """use std::collections::HashMap;

fn main() {
    println!("// generated by export-types; do not edit");
    println!("export type RunId = string;");
    println!("export interface RunStatus {{ id: RunId; state: string; attempts: number }}");
}
""",
            "src/lib.rs": "",
            "web/tsconfig.json": real.TSCONFIG,
            "web/src/gen/types.ts": EXPORT_TS_BROKEN,
            "web/src/runs.ts": """import type { RunId, RunStatus } from "./gen/types";

export function label(r: RunStatus, id: RunId): string {
  return `${id}: ${r.state} (${r.attempt})`;
}
""",
        },
        "make ci",
        "make ci",
        env={"CARGO_NET_OFFLINE": "true"},
        node_modules=True,
    )
    assert out.code != 0 and any("TS2551" in ln for ln in out.lines), out
    assert any("unused import" in ln for ln in out.lines), out
    ci(
        cid,
        "`make ci` runs the Rust type exporter (it prints an unused-import warning and "
        "writes the bindings), then tsc fails with TS2551: web/src/runs.ts reads `r.attempt`, "
        "the generated interface has `attempts`",
        ["multi-signal", "look-alike", "chained"],
        "blaze",
        "frontend_typecheck",
        repo=MONO,
        workflow="ci",
        job="make-ci",
        steps=[*rust_setup(), *node_setup(), failing(out, name="make ci")],
        message="feat(web): show attempts in the run label",
        files=["web/src/runs.ts"],
        pr=pr_of(cid, "feat(web): attempts in run labels"),
    )

    # a CRD generator that no longer compiles (continue-on-error), then kubectl finds an
    # empty CRD file (rex)
    at(PLAT)
    cid = PFX + "crdgen-e0599-continue-on-error-then-kubectl-no-objects"
    gen = real.cargo(
        "b57-ch3-crdgen",
        {
            "Cargo.toml": real.cargo_toml("runs-operator"),
            "src/main.rs": """struct RunSpec {
    image: String,
}

impl RunSpec {
    fn schema() -> &'static str {
        "type: object"
    }
}

fn main() {
    let spec = RunSpec { image: "ghcr.io/5dlabs/runner:1.4.0".into() };
    println!("{}", RunSpec::crd_yaml());
    let _ = (spec.image, RunSpec::schema());
}
""",
        },
        ["run", "--quiet", "--bin", "runs-operator", "--", "crdgen"],
        shown="cargo run --quiet --bin runs-operator -- crdgen > charts/runs-operator/crds/runs.yaml",
    )
    assert gen.code != 0 and any("E0599" in ln for ln in gen.lines), gen
    kc = real.kubectl(
        "b57-ch3-kubectl",
        {"charts/runs-operator/crds/runs.yaml": ""},
        ["apply", "--dry-run=client", "-f", "charts/runs-operator/crds/runs.yaml"],
    )
    assert kc.code != 0 and any("no objects passed" in ln for ln in kc.lines), kc
    ci(
        cid,
        "the `Generate CRDs` step (continue-on-error) fails to compile the operator: E0599, "
        "no function `crd_yaml` on RunSpec after the change renamed it; its redirect leaves "
        "crds/runs.yaml empty, and the later kubectl dry-run fails with `no objects passed to "
        "apply`; the Rust error is the cause",
        ["multi-signal", "look-alike", "chained"],
        "rex",
        "rust_build",
        repo=PLAT,
        workflow="operator",
        job="manifests",
        steps=[
            *rust_setup(),
            *kube_setup(),
            run(
                gen.command,
                gen.lines,
                gen.code,
                name="Generate CRDs",
                conclusion="success",
                seconds=38,
            ),
            failing(kc, name="Validate manifests"),
        ],
        message="refactor(operator): rename crd_yaml to to_crd_yaml",
        files=["operator/src/crd.rs", "operator/src/main.rs"],
        pr=pr_of(cid, "refactor(operator): CRD rendering names"),
    )

    # counterpart: the generator passes with warnings, a hand-edited overlay does not parse
    cid = PFX + "crdgen-warnings-then-kubectl-overlay-yaml-parse"
    gen = real.cargo(
        "b57-ch4-crdgen",
        {
            "Cargo.toml": real.cargo_toml("runs-operator"),
            "src/main.rs": """struct RunSpec {
    image: String,
    legacy_queue: Option<String>,
}

fn main() {
    let unused_default = 3;
    let spec = RunSpec { image: "ghcr.io/5dlabs/runner:1.4.0".into(), legacy_queue: None };
    println!("apiVersion: apiextensions.k8s.io/v1");
    println!("kind: CustomResourceDefinition");
    println!("metadata:");
    println!("  name: runs.atrium.5dlabs.ai # {}", spec.image.len());
}
""",
        },
        ["run", "--quiet", "--bin", "runs-operator", "--", "crdgen"],
        shown="cargo run --quiet --bin runs-operator -- crdgen > charts/runs-operator/crds/runs.yaml",
    )
    assert gen.code == 0 and any("warning" in ln for ln in gen.lines), gen
    gen = real.Out(
        gen.command,
        [ln for ln in gen.lines if not ln.startswith(("apiV", "kind:", "meta", "  name"))],
        0,
    )
    kc = real.kubectl(
        "b57-ch4-kubectl",
        {
            "overlays/staging/runs-operator.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
            "metadata:\n  name: runs-operator\n  namespace: runs-system\n spec:\n"
            "  replicas: 2\n",
        },
        ["apply", "--dry-run=client", "-f", "overlays/staging/runs-operator.yaml"],
    )
    assert kc.code != 0 and any("error parsing" in ln for ln in kc.lines), kc
    ci(
        cid,
        "the `Generate CRDs` step passes with rustc's unused-variable and dead-code warnings, "
        "then the kubectl dry-run fails on overlays/staging/runs-operator.yaml: `error "
        "converting YAML to JSON ... did not find expected key` (`spec:` indented one space "
        "under metadata) in the overlay the change edited by hand",
        ["multi-signal", "look-alike"],
        "bolt",
        "k8s_manifest",
        repo=PLAT,
        workflow="operator",
        job="manifests",
        steps=[
            *rust_setup(),
            *kube_setup(),
            passing(gen, name="Generate CRDs"),
            failing(kc, name="Validate manifests"),
        ],
        message="chore(staging): two operator replicas",
        files=["overlays/staging/runs-operator.yaml"],
        pr=pr_of(cid, "chore(staging): scale the operator"),
    )


# ------------------------------------------------------------------ 3. advisory steps

CARGO_AUDIT_HEAD = [
    "    Fetching advisory database from `https://github.com/RustSec/advisory-db.git`",
    "      Loaded 912 security advisories (from /home/runner/.cargo/advisory-db)",
    "    Updating crates.io index",
    "    Scanning Cargo.lock for vulnerabilities (318 crate dependencies)",
]


def cargo_audit_lines(crate: str, version: str, rid: str, title: str, fix: str) -> list[str]:
    """cargo-audit 0.21's report for one vulnerable crate (written in its format)."""
    return [
        *CARGO_AUDIT_HEAD,
        f"Crate:     {crate}",
        f"Version:   {version}",
        f"Title:     {title}",
        "Date:      2026-10-14",
        f"ID:        {rid}",
        f"URL:       https://rustsec.org/advisories/{rid}",
        f"Solution:  Upgrade to {fix}",
        "Dependency tree:",
        f"{crate} {version}",
        "└── atrium-gateway 0.9.3",
        "",
        "error: 1 vulnerability found!",
    ]


def advisory() -> None:
    at(MONO)
    # cargo audit advisory failed; vitest fails the job (blaze)
    cid = PFX + "cargo-audit-advisory-failed-then-vitest-assertion"
    audit = cargo_audit_lines(
        "rustls-webpki",
        "0.102.4",
        "RUSTSEC-2026-0071",
        "CRL distribution point matching can accept a revoked certificate",
        ">=0.102.9",
    )
    vt = real.vitest(
        "b57-ad1-vitest",
        {
            "src/bytes.test.js": """import { test, expect } from "vitest";

function human(bytes) {
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (bytes > 1024 && i < units.length - 1) { bytes /= 1024; i++; }
  return `${bytes.toFixed(1)} ${units[i]}`;
}

test("formats mebibytes", () => {
  expect(human(5 * 1024 * 1024)).toBe("5.0 MiB");
});

test("formats exactly one kibibyte", () => {
  expect(human(1024)).toBe("1.0 KiB");
});
""",
        },
    )
    assert vt.code != 0, vt
    ci(
        cid,
        "the `cargo audit (advisory)` step is continue-on-error and fails on RUSTSEC-2026-0071 "
        "in rustls-webpki, already tracked; the job fails later in Vitest: human(1024) gives "
        "'1024.0 B', not '1.0 KiB' (`>` where `>=` was meant) in the change's formatter",
        ["multi-signal", "look-alike"],
        "blaze",
        "frontend_test",
        repo=MONO,
        workflow="ci",
        job="checks",
        steps=[
            *rust_setup(),
            *node_setup(),
            npm_ci_ok(),
            run(
                "cargo audit",
                audit,
                1,
                name="cargo audit (advisory)",
                conclusion="success",
                seconds=21,
            ),
            failing(vt, name="Web unit tests"),
        ],
        message="feat(web): human-readable artifact sizes",
        files=["web/src/bytes.js", "web/src/bytes.test.js"],
        pr=pr_of(cid, "feat(web): artifact sizes"),
    )

    # counterpart: cargo audit blocks after clippy and ESLint warnings (cipher)
    cid = PFX + "clippy-eslint-warnings-then-cargo-audit-blocking"
    cl = clippy_warnings("b57-ad2-clippy", package="atrium-gateway")
    es = eslint_warnings("b57-ad2-eslint")
    audit = cargo_audit_lines(
        "hyper",
        "0.14.28",
        "RUSTSEC-2026-0058",
        "Request smuggling via malformed chunk extensions",
        ">=0.14.32",
    )
    ci(
        cid,
        "the checks job passes clippy with warnings and ESLint with warnings, then the "
        "blocking `cargo audit` step fails: RUSTSEC-2026-0058 (request smuggling) in hyper "
        "0.14.28, pulled in by atrium-gateway",
        ["multi-signal"],
        "cipher",
        "vulnerable_dependency",
        repo=MONO,
        workflow="ci",
        job="checks",
        steps=[
            *rust_setup(),
            *node_setup(),
            passing(cl, name="Clippy"),
            passing(_web_eslint(es), name="ESLint"),
            run("cargo audit", audit, 1, name="cargo audit", seconds=19),
        ],
        message="chore(deps): refresh Cargo.lock",
        files=["Cargo.lock"],
        branch="main",
    )

    # npm audit advisory failed; yamllint error on manifests fails the job (bolt)
    at(PLAT)
    cid = PFX + "npm-audit-advisory-failed-then-yamllint-duplicate-key"
    npm_audit = [
        "# npm audit report",
        "",
        "cross-spawn  7.0.0 - 7.0.4",
        "Severity: high",
        "Regular Expression Denial of Service (ReDoS) in cross-spawn - "
        "https://github.com/advisories/GHSA-3xgq-45jj-v275",
        "fix available via `npm audit fix`",
        "node_modules/cross-spawn",
        "",
        "1 high severity vulnerability",
        "",
        "To address all issues, run:",
        "  npm audit fix",
    ]
    yl = real.yamllint(
        "b57-ad3-yamllint",
        {
            "apps/ingest/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
            "metadata:\n  name: ingest\n  namespace: ingest\nspec:\n  replicas: 3\n"
            "  selector:\n    matchLabels:\n      app: ingest\n  replicas: 2\n",
        },
        ["apps/"],
        config="extends: default\nrules:\n  document-start: disable\n",
    )
    assert yl.code != 0 and any("duplication" in ln for ln in yl.lines), yl
    ci(
        cid,
        "an advisory `npm audit --audit-level=high` step (continue-on-error, for the repo's "
        "release scripts) fails on cross-spawn; the job fails later in yamllint on "
        "apps/ingest/deployment.yaml: a duplicated `replicas` key the change added",
        ["multi-signal", "look-alike"],
        "bolt",
        "yaml_config",
        repo=PLAT,
        workflow="validate",
        job="lint",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npm audit --audit-level=high",
                npm_audit,
                1,
                name="npm audit (advisory)",
                conclusion="success",
            ),
            failing(yl, name="yamllint"),
        ],
        message="chore(ingest): scale ingest down to two replicas",
        files=["apps/ingest/deployment.yaml"],
        pr=pr_of(cid, "chore(ingest): two replicas"),
    )

    # strict-next tsc preview fails (advisory), cargo fmt --check fails the job (rex)
    at(MONO)
    cid = PFX + "tsc-strict-preview-advisory-then-cargo-fmt-check"
    ts = real.tsc(
        "b57-ad4-tsc",
        {
            "src/table.ts": """export function cell(rows: string[][], r: number, c: number) {
  return rows[r][c].trim();
}

export function first(list: string[]) {
  return list[0].toUpperCase();
}
""",
            "tsconfig.json": '{"compilerOptions": {"strict": true, "noEmit": true, '
            '"noUncheckedIndexedAccess": true, "target": "ES2022", "module": "ES2022", '
            '"moduleResolution": "bundler"}, "include": ["src"]}',
        },
    )
    assert ts.code != 0 and any("TS2532" in ln for ln in ts.lines), ts
    fmt = real.cargo(
        "b57-ad4-fmt",
        {
            "Cargo.toml": real.cargo_toml("atrium-store"),
            "src/main.rs": """fn key(tenant: &str, id: u64) -> String { format!("{}/{}", tenant, id) }

fn main() {
    let k = key("acme",   7);
    println!("{}", k);
}
""",
        },
        ["fmt", "--all", "--", "--check"],
        shown="cargo fmt --all -- --check",
    )
    assert fmt.code != 0, fmt
    ci(
        cid,
        "a `Typecheck (strict preview)` step with noUncheckedIndexedAccess is "
        "continue-on-error and fails with TS2532 on web/src/table.ts (the team's planned "
        "strictness, not yet enforced); the job fails on `cargo fmt --check`: the change's "
        "atrium-store code is not rustfmt-formatted",
        ["multi-signal", "look-alike"],
        "rex",
        "rust_fmt",
        repo=MONO,
        workflow="ci",
        job="lint",
        steps=[
            *node_setup(),
            *rust_setup(),
            run(
                "cd web && npx tsc -p tsconfig.strict.json",
                _web(ts.lines),
                2,
                name="Typecheck (strict preview)",
                conclusion="success",
            ),
            failing(fmt, name="rustfmt"),
        ],
        message="feat(store): tenant-scoped keys",
        files=["crates/atrium-store/src/main.rs"],
        pr=pr_of(cid, "feat(store): tenant keys"),
    )

    # advisory chart lint failed; ESLint error fails the job (blaze)
    at(WEB)
    cid = PFX + "helm-lint-advisory-failed-then-eslint-no-undef"
    es = real.eslint(
        "b57-ad5-eslint",
        {
            "src/poll.js": """export function poll(fetchRuns, ms) {
  const id = setInterval(async () => {
    const runs = await fetchRuns();
    render(runs);
  }, ms);
  return () => clearInterval(id);
}
""",
        },
        rules='{"no-unused-vars": "error"}',
    )
    assert es.code != 0 and any("no-undef" in ln for ln in es.lines), es
    ci(
        cid,
        "an advisory `helm lint charts/console --strict` step (continue-on-error) fails on a "
        "missing `icon` in Chart.yaml, a long-known finding; the job then fails on ESLint: "
        "`'render' is not defined` (no-undef) in the change's poller",
        ["multi-signal", "look-alike"],
        "blaze",
        "frontend_lint",
        repo=WEB,
        workflow="ci",
        job="lint",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm v3.16.3 installed"]),
            run(
                "helm lint charts/console --strict",
                [
                    "==> Linting charts/console",
                    "[INFO] Chart.yaml: icon is recommended",
                    "",
                    "Error: 1 chart(s) linted, 1 chart(s) failed",
                ],
                1,
                name="Chart lint (advisory)",
                conclusion="success",
            ),
            failing(es, name="ESLint"),
        ],
        message="feat(runs): poll the runs list",
        files=["src/poll.js"],
        pr=pr_of(cid, "feat(runs): live runs list"),
    )


# ------------------------------------------------------------------ 4. retries


def _flaky_then_ok(fails: int) -> Any:
    state = {"n": 0}

    def answer(req: Any) -> tuple[int, str, str]:
        state["n"] += 1
        if state["n"] <= fails:
            return 503, "upstream connect error\n", "text/plain"
        return 200, "#!/bin/sh\necho protoc-gen-ts 2.4.1\n", "application/octet-stream"

    return answer


def retries() -> None:
    at(MONO)
    # a 503 on the download, recovered on retry; cargo test fails (rex)
    cid = PFX + "download-503-recovered-then-cargo-test-assertion"
    with real.serve(_flaky_then_ok(1)) as port:
        dl = real.sh(
            "b57-rt1-curl",
            {},
            f"curl -fsSL --retry 3 --retry-all-errors --retry-delay 1 -o /dev/null "
            f"http://127.0.0.1:{port}/releases/download/v2.4.1/protoc-gen-ts && echo ok",
            "curl -fsSL --retry 3 --retry-all-errors --retry-delay 1 -o bin/protoc-gen-ts "
            "https://downloads.5dlabs.ai/releases/download/v2.4.1/protoc-gen-ts",
            hosts={f"http://127.0.0.1:{port}": "https://downloads.5dlabs.ai"},
        )
    assert dl.code == 0 and any("503" in ln for ln in dl.lines), dl
    dl = real.Out(dl.command, [ln for ln in dl.lines if ln != "ok"], 0)
    ct = real.cargo(
        "b57-rt1-test",
        {
            "Cargo.toml": real.cargo_toml("atrium-wire"),
            "src/lib.rs": """/// Length-prefixed frame: 4-byte big-endian length, then the payload.
pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = (payload.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(payload);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn length_is_big_endian() {
        assert_eq!(&super::frame(b"hi")[..4], &[0, 0, 0, 2]);
    }
}
""",
        },
        ["test", "-p", "atrium-wire"],
    )
    assert ct.code != 0, ct
    ci(
        cid,
        "the protoc plugin download gets a 503 and curl's retry succeeds (`--retry 3`, 3 "
        "retries left; curl prints the one `(22) ... error: 503` and the step passes); the job fails in `cargo test`: "
        "length_is_big_endian gets [2, 0, 0, 0] (to_le_bytes) from the change's framing code",
        ["multi-signal", "look-alike", "retry-recovered"],
        "rex",
        "rust_test",
        repo=MONO,
        workflow="ci",
        job="rust-tests",
        steps=[
            *rust_setup(),
            passing(dl, name="Fetch protoc plugin"),
            failing(ct, name="cargo test"),
        ],
        message="feat(wire): length-prefixed frames",
        files=["crates/atrium-wire/src/lib.rs"],
        pr=pr_of(cid, "feat(wire): framing"),
    )

    # the download never recovers after clippy and ESLint warnings (atlas)
    cid = PFX + "clippy-eslint-warnings-then-download-503-exhausted"
    cl = clippy_warnings("b57-rt2-clippy", package="atrium-cli")
    es = eslint_warnings("b57-rt2-eslint")
    with real.serve(_flaky_then_ok(99)) as port:
        dl = real.sh(
            "b57-rt2-curl",
            {},
            f"curl -fsSL --retry 3 --retry-all-errors --retry-delay 1 -o /dev/null "
            f"http://127.0.0.1:{port}/releases/download/v2.4.1/protoc-gen-ts",
            "curl -fsSL --retry 3 --retry-all-errors --retry-delay 1 -o bin/protoc-gen-ts "
            "https://downloads.5dlabs.ai/releases/download/v2.4.1/protoc-gen-ts",
            hosts={f"http://127.0.0.1:{port}": "https://downloads.5dlabs.ai"},
        )
    assert dl.code == 22, dl
    ci(
        cid,
        "the job passes clippy and ESLint with warnings, then the protoc plugin download "
        "answers 503 on all four attempts and curl exits 22; the download host's outage, "
        "no code or workflow change involved",
        ["multi-signal", "look-alike", "flaky"],
        "atlas",
        "general",
        repo=MONO,
        workflow="ci",
        job="codegen",
        steps=[
            *rust_setup(),
            *node_setup(),
            passing(cl, name="Clippy"),
            passing(_web_eslint(es), name="ESLint"),
            failing(dl, name="Fetch protoc plugin"),
        ],
        message="docs(cli): document --json output",
        files=["crates/atrium-cli/README.md"],
        branch="main",
    )


# ------------------------------------------------------------------ 5. matrix legs


def matrix() -> None:
    at(MONO)
    cid = PFX + "matrix-msrv-leg-requires-rustc-182"
    lines = [
        "warning: unused manifest key: workspace.lints.rust.unexpected_cfgs.check-cfg",
        "    Updating crates.io index",
        "     Locking 318 packages to latest compatible versions",
        "      Adding tokio-util v0.7.15",
        "error: rustc 1.80.1 is not supported by the following package:",
        "  tokio-util@0.7.15 requires rustc 1.82",
        "Either upgrade rustc or select compatible dependency versions with",
        "`cargo update <name>@<current-ver> --precise <compatible-ver>`",
        "where `<compatible-ver>` is the latest version supporting rustc 1.80.1",
        "",
    ]
    ci(
        cid,
        "the `check (1.80)` matrix leg (the workspace's declared rust-version) prints an "
        "unused-manifest-key warning and fails: the change bumped tokio-util to 0.7.15, which "
        "requires rustc 1.82; the stable leg passed",
        ["multi-signal", "matrix"],
        "rex",
        "rust_deps",
        repo=MONO,
        workflow="ci",
        job="check (1.80)",
        steps=[
            uses(
                "dtolnay/rust-toolchain@master",
                {"toolchain": "1.80"},
                ["  1.80-x86_64-unknown-linux-gnu installed - rustc 1.80.1 (3f5fd8dd4 2024-08-06)"],
            ),
            run("cargo check --workspace --locked", lines, 101, name="cargo check"),
        ],
        message="chore(deps): tokio-util 0.7.15",
        files=["Cargo.toml", "Cargo.lock"],
        pr=pr_of(cid, "chore(deps): bump tokio-util"),
    )

    # an e2e shard with Vitest stderr noise whose runner got a shutdown signal (atlas)
    at(WEB)
    cid = PFX + "matrix-e2e-shard-vitest-noise-then-runner-shutdown"
    vt = real.vitest(
        "b57-mx2-vitest",
        {
            "src/flags.test.js": """import { test, expect } from "vitest";

function flag(name, env) {
  if (!(name in env)) {
    console.warn(`flag ${name} not set, defaulting to off`);
    return false;
  }
  return env[name] === "1";
}

test("defaults to off", () => {
  expect(flag("NEW_NAV", {})).toBe(false);
});

test("reads on", () => {
  expect(flag("NEW_NAV", { NEW_NAV: "1" })).toBe(true);
});
""",
        },
    )
    assert vt.code == 0 and any("not set" in ln for ln in vt.lines), vt
    sep = "\u203a"  # Playwright's list reporter separator
    e2e = [
        "> console@0.3.0 e2e",
        "> playwright test --shard=2/3",
        "",
        "Running 38 tests using 2 workers, shard 2 of 3",
        f"  ✓   1 [chromium] {sep} runs.spec.ts:12:3 {sep} runs list {sep} shows the latest run (2.1s)",
        f"  ✓   2 [chromium] {sep} runs.spec.ts:31:3 {sep} runs list {sep} filters failing runs (1.8s)",
        f"  ✓   3 [chromium] {sep} settings.spec.ts:9:3 {sep} settings {sep} saves the webhook url (2.4s)",
        "##[error]The runner has received a shutdown signal. This can happen when the runner "
        "service is stopped, or a manually started runner is canceled.",
        "##[error]The operation was canceled.",
    ]
    ci(
        cid,
        "the `e2e (2/3)` matrix leg passes its unit tests (Vitest prints a `flag NEW_NAV not "
        "set` stderr warning) and is three Playwright tests in when the runner receives a "
        "shutdown signal and the operation is cancelled; no test failed",
        ["multi-signal", "look-alike", "matrix", "runner"],
        "atlas",
        "general",
        repo=WEB,
        workflow="e2e",
        job="e2e (2/3)",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            passing(vt, name="Unit tests"),
            run("npm run e2e -- --shard=2/3", e2e, 0, name="Playwright", conclusion="cancelled"),
        ],
        message="feat(settings): webhook url",
        files=["src/settings/Webhook.tsx"],
        pr=pr_of(cid, "feat(settings): webhook url"),
        cancelled=True,
    )


# ------------------------------------------------------------------ 6. deploys


def _helm_noise(release: str) -> list[str]:
    return [
        "coalesce.go:286: warning: cannot overwrite table with non table for "
        f"{release}.podAnnotations (map[])",
        "W1130 09:14:02.118204    3141 warnings.go:70] spec.template.spec.containers[0].env[4]: "
        'hides previous definition of "RUST_LOG", which may be dropped when using apply',
    ]


def _helm_ok(release: str) -> list[str]:
    return [
        *_helm_noise(release),
        f'Release "{release}" has been upgraded. Happy Helming!',
        f"NAME: {release}",
        "LAST DEPLOYED: Mon Nov 30 09:14:03 2026",
        f"NAMESPACE: {NS}",
        "STATUS: deployed",
        "REVISION: 48",
        "TEST SUITE: None",
    ]


def deploys() -> None:
    at(MONO)
    # Helm warnings, rollout runs out; the pod panics in Rust (rex)
    cid = PFX + "deploy-helm-warnings-rollout-timeout-rust-panic"
    ro = rollout(cid, NS, "atrium-api", 3, 1, 2, deadline=True)
    assert ro.code != 0, ro
    panic = real.cargo(
        "b57-dp1-panic",
        {
            "Cargo.toml": real.cargo_toml("atrium-api"),
            "src/main.rs": """use std::collections::HashMap;

fn main() {
    eprintln!("{{\\"level\\":\\"INFO\\",\\"msg\\":\\"loading tenant limits\\"}}");
    let limits: HashMap<&str, u32> = [("acme", 40), ("globex", 25)].into_iter().collect();
    let tenants = ["acme", "globex", "initech"];
    let total: u32 = tenants.iter().map(|t| limits[t]).sum();
    println!("{}", total);
}
""",
        },
        ["run", "-q"],
    )
    assert panic.code == 101, panic
    ctx = crashing(cid, NS, "atrium-api", "ghcr.io/5dlabs/atrium-api:0.9.4", 101, panic.lines)
    ci(
        cid,
        "`helm upgrade` succeeds with a coalesce warning and a duplicate-env warning, then "
        "`kubectl rollout status` runs out; the pod crash-loops with exit 101 and Loki shows "
        "the Rust service panicking on a tenant missing from its limits map (indexing a "
        "HashMap with an absent key) from the change",
        ["multi-signal", "context-driven", "misleading-name"],
        "rex",
        "rust_build",
        repo=MONO,
        workflow="deploy",
        job="deploy-staging",
        branch="main",
        steps=[
            *kube_setup(),
            run(
                f"helm upgrade --install atrium-api charts/atrium-api -n {NS} "
                "-f charts/atrium-api/values-staging.yaml",
                _helm_ok("atrium-api"),
                name="Helm upgrade",
            ),
            failing(ro, name="Wait for rollout"),
        ],
        message="feat(api): per-tenant rate limits",
        files=["crates/atrium-api/src/limits.rs", "crates/atrium-api/src/main.rs"],
        extra=ctx,
    )

    # same noise, rollout runs out; the pods cannot pull a mistyped tag (bolt)
    cid = PFX + "deploy-helm-warnings-rollout-timeout-image-tag-typo"
    ro = rollout(cid, NS, "atrium-worker", 2, 1, 2, deadline=True)
    assert ro.code != 0, ro
    created, first, last = clock(cid)
    name = pod_name(cid, "atrium-worker")
    image = "ghcr.io/5dlabs/atrium-worker:0.9.4-rc.l"
    pod = shapes.pod(
        name,
        NS,
        "atrium-worker",
        image,
        created=created,
        waiting=("ImagePullBackOff", f'Back-off pulling image "{image}"'),
    )
    events = [
        shapes.event(
            NS,
            "Pod",
            name,
            "Failed",
            f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull '
            f'and unpack image "{image}": failed to resolve reference "{image}": '
            f"{image}: not found",
            first=first,
            last=last,
            count=5,
        ),
        shapes.event(
            NS,
            "Pod",
            name,
            "BackOff",
            f'Back-off pulling image "{image}"',
            first=first,
            last=last,
            count=21,
        ),
    ]
    ci(
        cid,
        "`helm upgrade` succeeds with the same coalesce and duplicate-env warnings, then the "
        "rollout runs out; the new pod is in ImagePullBackOff: the change set the worker's "
        "tag to `0.9.4-rc.l` (letter l for 1) in values-staging.yaml, and the registry has "
        "no such tag",
        ["multi-signal", "context-driven", "look-alike"],
        "bolt",
        "helm",
        repo=MONO,
        workflow="deploy",
        job="deploy-staging",
        branch="main",
        steps=[
            *kube_setup(),
            run(
                f"helm upgrade --install atrium-worker charts/atrium-worker -n {NS} "
                "-f charts/atrium-worker/values-staging.yaml",
                _helm_ok("atrium-worker"),
                name="Helm upgrade",
            ),
            failing(ro, name="Wait for rollout"),
        ],
        message="chore(staging): worker 0.9.4-rc.1",
        files=["charts/atrium-worker/values-staging.yaml"],
        extra={"kubernetes": {"pods": [pod], "events": events}},
    )


# ------------------------------------------------------------------ 7. others


def others() -> None:
    at(MONO)
    # ESLint warnings, then the docs push is rejected as non-fast-forward (atlas)
    cid = PFX + "eslint-warnings-docs-build-then-push-non-fast-forward"
    es = eslint_warnings("b57-ot1-eslint")
    base = real.scratch("b57-ot1-git")
    bare = base / "origin.git"
    real.git(base, "init", "-q", "--bare", "-b", "gh-pages", str(bare))
    one = base / "one"
    two = base / "two"
    for p in (one, two):
        p.mkdir()
        real.git(p, "init", "-q", "-b", "gh-pages")
        real.git(p, "remote", "add", "origin", str(bare))
    real.commit_all(one, {"index.html": "<h1>docs</h1>\n"}, "docs: publish")
    real.git(one, "push", "-q", "origin", "gh-pages")
    real.commit_all(two, {"index.html": "<h1>docs v2</h1>\n"}, "docs: publish 3f2a9c1")
    lines, code = real.git(
        two, "push", "origin", "gh-pages", hosts={str(bare): "https://github.com/5dlabs/atrium.git"}
    )
    assert code != 0 and any("rejected" in ln for ln in lines), lines
    ci(
        cid,
        "the docs job passes ESLint with warnings and builds the site, then `git push origin "
        "gh-pages` is rejected (`fetch first`): another docs run pushed to gh-pages in the "
        "meantime; the two publish jobs race on the branch",
        ["multi-signal", "look-alike"],
        "atlas",
        "git_error",
        repo=MONO,
        workflow="docs",
        job="publish-docs",
        branch="main",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            passing(_web_eslint(es), name="Lint"),
            run(
                "npm run docs:build",
                ["> web@0.3.0 docs:build", "> vitepress build docs", "", "build complete in 9ms."],
                name="Build docs",
            ),
            run("git push origin gh-pages", lines, code, name="Publish"),
        ],
        message="docs: release notes for 0.9.4",
        files=["docs/releases/0.9.4.md"],
        event="check_run",
        check=("publish-docs failed", "Process completed with exit code 1."),
    )

    # a full disk under cargo after warnings (atlas)
    cid = PFX + "cargo-build-warnings-then-no-space-left"
    cb = real.cargo(
        "b57-ot2-build",
        {
            "Cargo.toml": real.cargo_toml("atrium-indexer"),
            "src/main.rs": """#[deprecated(since = "0.9.0", note = "use `tokenize_v2`")]
fn tokenize(s: &str) -> Vec<&str> {
    s.split(' ').collect()
}

fn main() {
    let batch_size = 512;
    println!("{}", tokenize("a b c").len());
}
""",
        },
        ["build", "--release"],
        shown="cargo build --release --workspace",
    )
    assert cb.code == 0 and any("deprecated" in ln for ln in cb.lines), cb
    warn = [ln for ln in cb.lines if "Finished" not in ln]
    lines = [
        *warn,
        "   Compiling atrium-search v0.1.0 (/home/runner/work/atrium/atrium/crates/atrium-search)",
        "error: failed to write /home/runner/work/atrium/atrium/target/release/deps/"
        "libatrium_search-8c1d2f4a9e07b3c6.rlib: No space left on device (os error 28)",
        "",
        "error: could not compile `atrium-search` (lib) due to 1 previous error",
        "warning: build failed, waiting for other jobs to finish...",
        "error: failed to write /home/runner/work/atrium/atrium/target/release/.fingerprint/"
        "atrium-indexer-3b9e0d17c25a4f86/output-bin-atrium-indexer: No space left on device "
        "(os error 28)",
    ]
    ci(
        cid,
        "`cargo build --release --workspace` prints rustc warnings for atrium-indexer (a "
        "deprecated function, an unused variable) and then "
        "fails writing its outputs: `No space left on device (os error 28)` for an rlib and a "
        "fingerprint; the hosted runner's disk filled (target/ plus the restored cache), not "
        "a compile error",
        ["multi-signal", "look-alike", "runner"],
        "atlas",
        "general",
        repo=MONO,
        workflow="release",
        job="build-binaries",
        branch="main",
        steps=[
            *rust_setup(),
            run("cargo build --release --workspace", lines, 101, name="Build release"),
        ],
        message="chore(release): 0.9.4",
        files=["Cargo.toml", "CHANGELOG.md"],
        event="workflow_run",
    )

    # docker: clippy warnings, then COPY names a binary the build never makes (bolt)
    cid = PFX + "clippy-warnings-then-docker-copy-binary-not-found"
    cl = clippy_warnings("b57-ot3-clippy", package="atrium-gateway")
    dockerfile = (
        "FROM rust:1.95-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN cargo build --release -p atrium-gateway\n\n"
        "FROM gcr.io/distroless/cc-debian12\n"
        "COPY --from=build /src/target/release/gateway /usr/local/bin/gateway\n"
        'ENTRYPOINT ["/usr/local/bin/gateway"]\n'
    )
    bk = shapes.BuildKit(cid, dockerfile)
    bk.metadata()
    err = bk.run_until(7, copy_missing="/src/target/release/gateway")
    assert err
    from helpers import buildx_step

    ci(
        cid,
        "the image job passes clippy with warnings, then the Docker build fails at `COPY "
        "--from=build /src/target/release/gateway`: the package builds a binary named "
        "atrium-gateway, and the change's Dockerfile copies `gateway`",
        ["multi-signal", "look-alike"],
        "bolt",
        "docker_build",
        repo=MONO,
        workflow="images",
        job="gateway-image",
        steps=[
            *rust_setup(),
            passing(cl, name="Clippy"),
            *buildx_setup(),
            buildx_step(
                bk.finish(err),
                err,
                "ghcr.io/5dlabs/atrium-gateway:0.9.4",
                file="crates/atrium-gateway/Dockerfile",
            ),
        ],
        message="build(gateway): distroless runtime image",
        files=["crates/atrium-gateway/Dockerfile"],
        pr=pr_of(cid, "build(gateway): distroless image"),
    )

    # counterpart: rustc error inside RUN cargo build (rex)
    cid = PFX + "docker-run-cargo-build-e0308-after-npm-warnings"
    cb = real.cargo(
        "b57-ot4-build",
        {
            "Cargo.toml": real.cargo_toml("atrium-gateway"),
            "src/main.rs": """fn port_from_env(v: Option<String>) -> u16 {
    v.and_then(|s| s.parse().ok()).unwrap_or("8080")
}

fn main() {
    println!("{}", port_from_env(std::env::var("PORT").ok()));
}
""",
        },
        ["build", "--release", "-p", "atrium-gateway"],
    )
    assert cb.code != 0 and any("E0308" in ln for ln in cb.lines), cb
    inner = [ln.replace(real.RUNNER, "/src") for ln in cb.lines]
    dockerfile = (
        "FROM node:20-bookworm AS web\nWORKDIR /web\nCOPY web/ .\nRUN npm ci && npm run build\n\n"
        "FROM rust:1.95-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN cargo build --release -p atrium-gateway\n\n"
        "FROM gcr.io/distroless/cc-debian12\n"
        "COPY --from=build /src/target/release/atrium-gateway /usr/local/bin/atrium-gateway\n"
        "COPY --from=web /web/dist /srv/www\n"
        'ENTRYPOINT ["/usr/local/bin/atrium-gateway"]\n'
    )
    bk = shapes.BuildKit(cid, dockerfile)
    bk.metadata()
    err = bk.run_until(9, inner, code=101)
    assert err
    lines = bk.finish(err)
    # the web stage's npm deprecation warnings, printed before the Rust stage fails
    i = next(k for k, ln in enumerate(lines) if "[web 4/4] RUN" in ln)
    n = lines[i].split()[0]
    lines[i + 1 : i + 2] = [
        f"{n} 3.112 npm warn deprecated inflight@1.0.6: This module is not supported, and leaks "
        "memory. Do not use it.",
        f"{n} 3.274 npm warn deprecated glob@7.2.3: Glob versions prior to v9 are no longer "
        "supported",
        f"{n} 9.806 added 412 packages in 9s",
        f"{n} 10.21 vite v5.4.11 building for production...",
        f"{n} 14.87 (!) Some chunks are larger than 500 kB after minification.",
        f"{n} DONE 15.2s",
    ]
    ci(
        cid,
        "the gateway image build's web stage prints npm deprecation warnings and Vite's "
        "large-chunk warning and finishes; the Rust stage's `RUN cargo build` then fails with "
        'E0308 (`unwrap_or("8080")` where a u16 is expected) in the change\'s port parsing',
        ["multi-signal", "look-alike", "wrapper"],
        "rex",
        "rust_build",
        repo=MONO,
        workflow="images",
        job="gateway-image",
        steps=[
            *buildx_setup(),
            buildx_step(
                lines,
                err,
                "ghcr.io/5dlabs/atrium-gateway:0.9.4",
                file="crates/atrium-gateway/Dockerfile",
            ),
        ],
        message="feat(gateway): read PORT from the environment",
        files=["crates/atrium-gateway/src/main.rs"],
        pr=pr_of(cid, "feat(gateway): PORT env"),
    )


# ------------------------------------------------------------------ 8. obvious


def obvious() -> None:
    at(WEB)
    cid = PFX + "obvious-tsc-ts2339"
    ts = real.tsc(
        "b57-ob1",
        {
            "src/user.ts": """interface User { id: string; email: string }

export function greet(u: User): string {
  return `Hello ${u.displayName}`;
}
""",
        },
    )
    assert ts.code != 0 and any("TS2339" in ln for ln in ts.lines), ts
    ci(
        cid,
        "tsc fails with TS2339: `displayName` does not exist on User in the change's greeting",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        repo=WEB,
        workflow="ci",
        job="typecheck",
        steps=[*node_setup(), npm_ci_ok(), failing(ts, name="Typecheck")],
        message="feat(header): greet the user by name",
        files=["src/user.ts"],
        pr=pr_of(cid, "feat(header): greeting"),
    )

    at(REPO)
    cid = PFX + "obvious-clippy-deny-warnings"
    cl = real.cargo(
        "b57-ob2",
        {"Cargo.toml": real.cargo_toml("healer"), "src/main.rs": CLIPPY_WARN_SRC},
        ["clippy", "--", "-D", "warnings"],
        shown="cargo clippy -- -D warnings",
    )
    assert cl.code != 0, cl
    ci(
        cid,
        "`cargo clippy -- -D warnings` fails on needless_return, ptr_arg and len_zero in the "
        "change's code",
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="rust",
        job="clippy",
        steps=[*rust_setup(), failing(cl, name="Clippy")],
        message="feat(queue): idle check",
        files=["src/main.rs"],
        pr=pr_of(cid, "feat(queue): idle check"),
    )

    at(PLAT)
    cid = PFX + "obvious-yamllint-manifest-indentation"
    yl = real.yamllint(
        "b57-ob3",
        {
            "apps/metrics/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n"
            "  name: metrics\nspec:\n  ports:\n    - port: 9090\n     targetPort: 9090\n",
        },
        ["apps/"],
        config="extends: default\nrules:\n  document-start: disable\n",
    )
    assert yl.code != 0, yl
    ci(
        cid,
        "yamllint fails with a syntax error in apps/metrics/service.yaml: `targetPort` is "
        "indented one space short of its list item",
        ["obvious"],
        "bolt",
        "yaml_config",
        repo=PLAT,
        workflow="validate",
        job="yamllint",
        steps=[failing(yl, name="yamllint")],
        message="feat(metrics): expose the metrics port",
        files=["apps/metrics/service.yaml"],
        pr=pr_of(cid, "feat(metrics): service"),
    )

    at(MONO)
    cid = PFX + "obvious-detect-secrets-aws-key"
    key = "AKIA" + "Q3X7NB2LT5WK4RZD"
    ds = real.detect_secrets(
        "b57-ob4",
        {
            "scripts/upload_fixtures.py": f'AWS_ACCESS_KEY_ID = "{key}"\n'
            'BUCKET = "atrium-fixtures"\n',
        },
    )
    assert ds.code != 0, ds
    ci(
        cid,
        "detect-secrets flags an AWS access key committed in scripts/upload_fixtures.py",
        ["obvious"],
        "cipher",
        "secret_scanning_alert",
        repo=MONO,
        workflow="secrets",
        job="detect-secrets",
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            run(
                "pip install detect-secrets==1.5.0", ["Successfully installed detect-secrets-1.5.0"]
            ),
            failing(ds, name="Scan changed files"),
        ],
        message="chore(scripts): fixture upload helper",
        files=["scripts/upload_fixtures.py"],
        pr=pr_of(cid, "chore(scripts): fixture upload"),
    )

    cid = PFX + "obvious-branch-sync-merge-conflict"
    base = real.scratch("b57-ob5")
    repo = base / "repo"
    repo.mkdir()
    real.git(repo, "init", "-q", "-b", "main")
    real.commit_all(
        repo,
        {"Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nversion = "0.9.3"\n'},
        "release 0.9.3",
    )
    real.git(repo, "checkout", "-q", "-b", "release/0.9")
    real.commit_all(
        repo,
        {"Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nversion = "0.9.4"\n'},
        "release 0.9.4",
    )
    real.git(repo, "checkout", "-q", "main")
    real.commit_all(
        repo,
        {"Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nversion = "0.10.0-dev"\n'},
        "start 0.10",
    )
    lines, code = real.git(repo, "merge", "--no-edit", "release/0.9")
    assert code != 0 and any("CONFLICT" in ln for ln in lines), lines
    ci(
        cid,
        "the branch-sync job merging release/0.9 into main stops on a merge conflict in "
        "Cargo.toml (both branches changed the workspace version)",
        ["obvious"],
        "atlas",
        "merge_conflict",
        repo=MONO,
        workflow="sync-release",
        job="merge-release-into-main",
        branch="main",
        steps=[
            run('git config user.name "atrium-bot"', []),
            run("git fetch origin release/0.9", []),
            run(
                "git merge --no-edit origin/release/0.9",
                [ln.replace("release/0.9", "origin/release/0.9") for ln in lines],
                code,
                name="Merge release branch",
            ),
        ],
        message="Merge release/0.9 into main",
        files=["Cargo.toml"],
    )
