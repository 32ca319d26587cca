"""Failures whose line is one owner's while the cause is across a boundary.

A front-end that broke when only Rust changed broke on what it reads from the Rust side; a
probe that answered 404 after a change to the service's code alone asks for a route the
code stopped serving; a migration the database refused is the crate's SQL; Argo CD's repo
server that could not reach the git host is the path there, not the manifests; kustomize
refusing an overlay is the manifests'; a build script that cannot find a program the runner
lacks is the workflow's set-up.
"""

from __future__ import annotations

from typing import Any

from healer_agent.models import Agent, ContextBundle, FailureType, JobLog
from healer_agent.routing.prerouter import PreRouter
from tests.unit.test_logs import gh_log
from tests.unit.test_prerouter import ctx, incident

ROUTER = PreRouter()

ROLLUP = [
    "vite v5.4.11 building for production...",
    "error during build:",
    'src/diff.ts (2:9): "render_diff" is not exported by "src/wasm/diff_wasm.js", '
    'imported by "src/diff.ts".',
]


def test_a_front_end_build_broken_when_only_rust_changed_is_the_rust_changes() -> None:
    log = gh_log(("npm run build", ROLLUP))

    def agent(files: tuple[str, ...]) -> Agent:
        return ROUTER.decide(incident("web", "build"), ctx(log, "build", files)).agent

    assert agent(("crates/diff-wasm/src/lib.rs",)) is Agent.REX
    # the front-end's own files changed: its import is the first suspect, but with the Rust
    # side changed too the line reads both ways, so not obviously
    both = ROUTER.decide(
        incident("web", "build"),
        ctx(log, "build", ("crates/diff-wasm/src/lib.rs", "web/src/diff.ts")),
    )
    assert both.agent is Agent.BLAZE and not both.obvious
    assert "a hint in the log points to rex" in both.reason
    assert agent(("web/src/diff.ts",)) is Agent.BLAZE


TS2339 = ["src/runRow.ts(4,40): error TS2339: Property 'started_at' does not exist on type 'Run'."]


def test_regenerated_bindings_are_their_sources_change_not_a_front_end_edit() -> None:
    log = gh_log(("npx tsc -p . --noEmit", TS2339))

    def decide(files: tuple[str, ...]) -> tuple[Agent, bool]:
        decision = ROUTER.decide(incident("web", "typecheck"), ctx(log, "typecheck", files))
        return decision.agent, decision.obvious

    rust_and_bindings = ("crates/api/src/run.rs", "web/src/bindings/Run.ts")
    assert decide(rust_and_bindings) == (Agent.REX, False)
    assert decide(("crates/api/src/run.rs", "web/src/__generated__/graphql.ts"))[0] is Agent.REX
    # the consumer changed too: its code is the first suspect
    assert decide((*rust_and_bindings, "web/src/runRow.ts"))[0] is Agent.BLAZE
    # only the generated file changed (edited by hand, or regenerated alone): it counts
    assert decide(("web/src/bindings/Run.ts",))[0] is Agent.BLAZE
    # a hand-written file in a folder merely named like a package is not generated
    assert decide(("crates/api/src/run.rs", "web/src/pkgs/run.ts"))[0] is Agent.BLAZE


def _probe_404(pod: str) -> dict[str, Any]:
    event = {
        "type": "Warning",
        "reason": "Unhealthy",
        "involvedObject": {"kind": "Pod", "name": pod},
        "message": "Readiness probe failed: HTTP probe failed with statuscode: 404",
        "count": 12,
    }
    return {"events": [event]}


def test_a_probe_answered_404_is_the_code_that_dropped_the_route_or_the_chart() -> None:
    log = gh_log(
        (
            "kubectl rollout status deploy/api --timeout=300s",
            ['error: deployment "api" exceeded its progress deadline'],
        )
    )

    def agent(files: tuple[str, ...]) -> Agent:
        context = ContextBundle(
            logs=(JobLog(job_name="deploy", text=log),),
            changed_files=files,
            kubernetes=_probe_404("api-7d9f-x2k4"),
        )
        return ROUTER.decide(incident("deploy", "deploy"), context).agent

    assert agent(("crates/api/src/routes/mod.rs",)) is Agent.REX
    assert agent(("src/pages/api/health.ts",)) is Agent.BLAZE
    assert agent(("charts/api/templates/deployment.yaml",)) is Agent.BOLT
    assert agent(("charts/api/values.yaml", "crates/api/src/routes/mod.rs")) is Agent.BOLT


def test_a_migration_the_database_refused_is_the_crates_sql() -> None:
    log = gh_log(
        (
            "kubectl wait --for=condition=complete job/api-migrate --timeout=120s",
            ["error: timed out waiting for the condition on jobs/api-migrate"],
        )
    )
    refused = (
        "Error: while executing migration 20261118093000: error returned from database: "
        'column "attempt" of relation "runs" contains null values'
    )

    def decide(files: tuple[str, ...], line: str) -> Agent:
        context = ContextBundle(
            logs=(JobLog(job_name="deploy", text=log),), changed_files=files, loki=(line,)
        )
        return ROUTER.decide(incident("deploy", "deploy"), context).agent

    sql = ("crates/store/migrations/20261118093000_attempts.sql", "crates/store/src/runs.rs")
    assert decide(sql, refused) is Agent.REX
    denied = 'Error: error returned from database: password authentication failed for user "api"'
    assert decide(("charts/api/templates/migrate-job.yaml",), denied) is Agent.BOLT


def test_argo_cds_repo_server_that_cannot_reach_the_git_host_is_not_the_manifests() -> None:
    def decide(cause: str) -> tuple[Agent, FailureType]:
        line = (
            "ComparisonError: Failed to load target state: failed to generate manifest for "
            f"source 1 of 1: rpc error: code = Unknown desc = {cause}"
        )
        log = gh_log(("argocd app wait api-prod --sync --health --timeout 300", [line]))
        decision = ROUTER.decide(
            incident("deploy", "deploy"), ctx(log, "deploy", ("crates/api/src/lib.rs",))
        )
        return decision.agent, decision.failure_type

    unreachable = (
        'failed to list refs: Get "https://github.com/acme/gitops.git/info/refs?service='
        'git-upload-pack": dial tcp 140.82.114.3:443: i/o timeout'
    )
    assert decide(unreachable) == (Agent.ATLAS, FailureType.GENERAL)
    rendered = "Manifest generation error (cached): `kustomize build .` failed exit status 1"
    assert decide(rendered)[0] is Agent.BOLT


def test_kustomize_refusing_an_overlay_under_make_is_the_manifests() -> None:
    lines = [
        'E1102 11:42:07.118204    3141 run.go:72] "command failed" err="no resource matches '
        'strategic merge patch \\"Deployment.v1.apps/worker.[noNs]\\": no matches for Id '
        'Deployment.v1.apps/worker.[noNs]; failed to find unique target for patch"',
        "make: *** [Makefile:10: manifests] Error 1",
    ]
    log = gh_log(("make ci", lines), exit_code=2)
    decision = ROUTER.decide(
        incident("ci", "check"), ctx(log, "check", ("deploy/overlays/staging/patch.yaml",))
    )
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.K8S_MANIFEST)


def test_a_build_script_that_cannot_find_a_program_the_runner_lacks_is_the_set_ups() -> None:
    lines = [
        "error: failed to run custom build command for `api-proto v0.3.0 (/home/runner/work/api/api/crates/proto)`",
        "  --- stderr",
        '  Error: Custom { kind: NotFound, error: "Could not find `protoc`. If `protoc` is '
        "installed, try setting the `PROTOC` environment variable to the path of the "
        '`protoc` binary." }',
    ]
    log = gh_log(("cargo build --release --locked", lines), exit_code=101)
    decision = ROUTER.decide(
        incident("release", "build"), ctx(log, "build", ("Cargo.toml", "Cargo.lock"))
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


def test_regenerated_output_that_differs_is_the_changed_sources_else_the_generators() -> None:
    diff = [
        "diff --git a/src/gen/events.ts b/src/gen/events.ts",
        "--- a/src/gen/events.ts",
        "+++ b/src/gen/events.ts",
        "-//   protoc-gen-ts_proto  v2.2.0",
        "+//   protoc-gen-ts_proto  v2.6.1",
    ]
    log = gh_log(("git diff --exit-code src/gen", diff))

    def agent(files: tuple[str, ...]) -> Agent:
        return ROUTER.decide(incident("web", "codegen"), ctx(log, "codegen", files)).agent

    assert agent(("crates/api/src/models/run.rs",)) is Agent.REX
    assert agent(("src/queries/runs.graphql", "src/pages/Runs.tsx")) is Agent.BLAZE
    # no source of the generator changed: the generator did (an unpinned plugin's release)
    assert agent(("docs/events.md",)) is Agent.ATLAS


def test_a_five_digit_type_error_is_the_type_checks() -> None:
    # TS18047/TS18048 ("possibly null/undefined") are tsc's own codes, five digits long
    line = "src/runRow.ts(9,12): error TS18047: 'run.finished_at' is possibly 'null'."
    log = gh_log(("npx tsc -p . --noEmit", [line]))
    decision = ROUTER.decide(incident("web", "typecheck"), ctx(log, "typecheck", ("src/a.ts",)))
    assert (decision.agent, decision.failure_type) == (Agent.BLAZE, FailureType.FRONTEND_TYPECHECK)
    assert decision.obvious
    # after a change to the Rust side that regenerated the binding, it is that change's
    rust = ("crates/api/src/models/run.rs", "web/src/bindings/Run.ts")
    assert (
        ROUTER.decide(incident("web", "typecheck"), ctx(log, "typecheck", rust)).agent is Agent.REX
    )
