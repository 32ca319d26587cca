"""Checks named for security or policy whose failure is not a finding, and flakes in new words.

A commit without a sign-off or a signature fails the commits' metadata, whatever the change
holds; an image scanner with no image to scan says the build did not push it; a secret
scanner whose commit range the shallow clone lacks scanned nothing; a mirror's name that did
not resolve inside an image build is the network; Playwright's navigation that ran out of
the test's time waited on the server. The runner's own tooling (a runtime or toolchain it
lacks, a Makefile make cannot read, a bot's config), credentials a cluster refused and a
tool's download cut off in transport are not the code.
"""

from __future__ import annotations

from healer_agent.models import Agent, ContextBundle, FailureType, Incident, RoutingDecision
from healer_agent.routing.prerouter import PreRouter
from tests.unit.test_logs import gh_log
from tests.unit.test_prerouter import ctx, incident

ROUTER = PreRouter()


def _decide(log: str, files: tuple[str, ...], workflow: str, job: str = "check") -> RoutingDecision:
    return ROUTER.decide(incident(workflow, job), ctx(log, job, files))


def test_a_commit_without_a_sign_off_fails_the_commits_not_the_code() -> None:
    check = Incident(
        kind="ci_failure",
        event_type="check_run",
        repository="o/r",
        run_key="o/r#check:1",
        workflow_name="DCO",
        job_names=("DCO",),
        conclusion="action_required",
        check_output="There is one commit incorrectly signed off.",
    )
    decision = ROUTER.decide(check, ctx("", "DCO", ("crates/redact/src/patterns.rs",)))
    assert decision.agent is Agent.ATLAS
    line = "##[error]c6f480e is not signed; this repository requires signed commits (git commit -S)"
    log = gh_log(("bash .github/scripts/verify-signatures.sh", [line]))
    decision = _decide(log, ("charts/api/values.yaml",), "checks", "verify")
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GIT_ERROR)


def test_an_image_scanner_with_no_image_to_scan_is_the_images_build() -> None:
    line = (
        "2026-11-04T11:30:09Z\tFATAL\tFatal error\trun error: image scan error: scan error: "
        "unable to initialize a scan service: unable to find the specified image "
        '"ghcr.io/acme/api:sha-b17f187"'
    )
    log = gh_log(("trivy image ghcr.io/acme/api:sha-b17f187", [line]))
    decision = _decide(log, ("docker-bake.hcl",), "image-scan", "trivy")
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.DOCKER_BUILD)


def test_a_secret_scan_of_a_range_the_shallow_clone_lacks_scanned_nothing() -> None:
    lines = [
        "6:56PM ERR [git] fatal: Invalid revision range f5c776f..1110583",
        "6:56PM INF 0 commits scanned.",
        '6:56PM ERR failed to scan Git repository error="stderr is not empty"',
    ]
    log = gh_log(('gitleaks git --redact --log-opts="f5c776f..1110583" .', lines))
    decision = _decide(log, ("crates/api/src/score.rs",), "secrets", "gitleaks")
    assert decision.agent is Agent.ATLAS


def test_a_mirror_name_that_did_not_resolve_inside_an_image_build_is_the_network() -> None:
    lines = [
        "#11 1.582 Err:4 http://deb.debian.org/debian bookworm Release",
        "#11 1.971   Temporary failure resolving 'deb.debian.org'",
        '#11 ERROR: process "/bin/sh -c apt-get update" did not complete successfully: '
        "exit code: 100",
    ]
    log = gh_log(("docker buildx build -t api .", lines))
    decision = _decide(log, ("crates/api/src/routes/stats.rs",), "image", "build")
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


def test_a_navigation_that_ran_out_of_the_tests_time_waited_on_the_server() -> None:
    lines = [
        "  1) [chromium] \u203a e2e/runs.spec.ts:8:5 \u203a runs \u203a lists recent runs",
        "    Test timeout of 30000ms exceeded.",
        "    Error: page.goto: Test timeout of 30000ms exceeded.",
        "  1 failed",
    ]
    log = gh_log(("npx playwright test", lines))
    decision = _decide(log, ("crates/api/src/routes/runs.rs",), "e2e", "playwright")
    assert decision.agent is Agent.ATLAS


EBADENGINE = [
    "npm error code EBADENGINE",
    "npm error engine Unsupported engine",
    'npm error notsup Required: {"node":">=22.12.0"}',
    'npm error notsup Actual:   {"node":"v20.20.2","npm":"11.19.1"}',
]


def test_a_runtime_the_runner_lacks_is_the_runners_unless_the_change_asked_for_it() -> None:
    log = gh_log(("npm ci --no-fund", EBADENGINE))
    assert _decide(log, ("src/components/RunRow.jsx",), "web").agent is Agent.ATLAS
    assert _decide(log, ("package.json", ".nvmrc"), "web").agent is Agent.BLAZE


def test_the_runners_own_tooling_failing_is_not_the_code() -> None:
    toolchain = [
        "error: toolchain '1.94.0-x86_64-unknown-linux-gnu' is not installed",
        "help: run `rustup toolchain install` to install it",
    ]
    log = gh_log(("cargo build --locked --workspace", toolchain), exit_code=1)
    assert _decide(log, ("crates/api/src/retry.rs",), "rust").agent is Agent.ATLAS
    log = gh_log(("make web", ["Makefile:7: *** missing separator.  Stop."]), exit_code=2)
    assert _decide(log, ("Makefile",), "web").agent is Agent.ATLAS
    schema = "  renovate.json::$.packageRules[0].automerge: 'yes' is not of type 'boolean'"
    log = gh_log(("check-jsonschema --schemafile renovate-schema.json renovate.json", [schema]))
    assert _decide(log, ("renovate.json",), "config").agent is Agent.ATLAS


def test_credentials_a_cluster_or_argo_cd_refused_are_the_jobs_secrets() -> None:
    kubectl = (
        'error: error validating "k8s/api/deployment.yaml": error validating data: failed to '
        "download openapi: the server has asked for the client to provide credentials"
    )
    log = gh_log(("kubectl apply --dry-run=server -f k8s/api/", [kubectl]))
    decision = _decide(log, ("k8s/api/deployment.yaml",), "deploy")
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)
    argocd = (
        'time="2026-11-02T12:00:04Z" level=fatal msg="rpc error: code = Unauthenticated desc = '
        'invalid session: token has invalid claims: token is expired"'
    )
    log = gh_log(("argocd app sync api --grpc-web --timeout 300", [argocd]), exit_code=20)
    decision = _decide(log, ("crates/api/src/routes/runs.rs",), "deploy")
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)


def test_a_tools_own_download_cut_off_is_the_network_whatever_the_change_touched() -> None:
    line = (
        "rendered/api/templates/service.yaml - Service api failed validation: failed downloading "
        "schema at https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/"
        'service-v1.json: Get "https://raw.githubusercontent.com/yannh/service-v1.json": dial '
        "tcp: lookup raw.githubusercontent.com on 127.0.0.53:53: i/o timeout"
    )
    log = gh_log(("kubeconform -strict -summary rendered/", [line]))
    assert _decide(log, ("charts/api/Chart.yaml",), "chart").agent is Agent.ATLAS


def test_a_secret_a_hook_or_push_protection_found_is_ciphers_whatever_the_job() -> None:
    gitleaks = [
        'Finding:     curl -H "Authorization: token REDACTED" https://api.github.com/user',
        "RuleID:      github-pat",
        "File:        scripts/seed-preview.sh",
        "11:42AM INF scanned ~2211 bytes (2.21 KB) in 61.3ms",
        "11:42AM WRN leaks found: 1",
    ]
    log = gh_log(("lefthook run pre-commit --all-files", gitleaks))
    hook = _decide(log, ("scripts/seed-preview.sh",), "lint", "hooks")
    assert hook.agent is Agent.CIPHER
    push = [
        "remote: error: GH013: Repository rule violations found for refs/heads/release/charts.",
        "remote: - GITHUB PUSH PROTECTION",
        "remote:   - Push cannot contain secrets",
        "error: failed to push some refs to 'https://github.com/o/r.git'",
    ]
    log = gh_log(("git push origin release/charts", push))
    files = ("charts/backup/Chart.yaml", "infra/envs/staging/backup.auto.tfvars")
    assert _decide(log, files, "release-charts", "helm-release").agent is Agent.CIPHER


def test_a_scanner_whose_database_host_did_not_resolve_is_the_network() -> None:
    line = (
        'Error: failed to query batch: Post "https://api.osv.dev/v1/querybatch": dial tcp: '
        "lookup api.osv.dev on 127.0.0.53:53: server misbehaving"
    )
    log = gh_log(("osv-scanner scan source --lockfile package-lock.json .", [line]))
    decision = _decide(log, ("src/components/RunRow.tsx",), "security", "osv-scan")
    assert decision.agent is Agent.ATLAS


def test_an_environment_that_refused_the_job_is_the_repositorys_settings() -> None:
    check = Incident(
        kind="ci_failure",
        event_type="check_run",
        repository="o/r",
        run_key="o/r#check:2",
        workflow_name="deploy",
        job_names=("helm-release",),
        conclusion="failure",
        check_output='Branch "feat/gc" is not allowed to deploy to production due to '
        "environment protection rules.",
    )
    no_log = ContextBundle(changed_files=("charts/agent/values.yaml",))
    decision = ROUTER.decide(check, no_log)
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)


def test_a_secret_input_a_forks_run_did_not_get_is_the_runs_whatever_its_name() -> None:
    line = "##[error]Input required and not supplied: private-key"
    log = gh_log(("actions/create-github-app-token@v1", [line]))
    decision = _decide(log, ("crates/cli/src/args.rs",), "rust", "rust-tests")
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)


def test_refusals_that_read_two_ways_are_not_obvious() -> None:
    # a 401 from the service an end-to-end test calls: the run's token or the code's auth
    lines = [
        " FAIL  e2e/repos.e2e.test.js > console api > lists the repositories",
        "AssertionError: expected 401 to be 200 // Object.is equality",
        " \u276f e2e/repos.e2e.test.js:7:24",
    ]
    log = gh_log(("npx vitest run e2e", lines))
    e2e = _decide(log, ("src/routes/settings/+page.svelte",), "web", "web-e2e")
    assert not e2e.obvious and "points to atlas" in e2e.reason
    # a git dependency cargo could not get after the change edited the manifest: the address
    # it wrote, or the run's access
    cargo = [
        "fatal: repository 'https://github.com/o/protos/' not found",
        "error: failed to get `protos` as a dependency of package `api v0.1.0 (/w/api)`",
    ]
    log = gh_log(("cargo test -p api", cargo), exit_code=101)
    fetch = _decide(log, ("crates/api/Cargo.toml", "Cargo.lock"), "rust", "rust-tests")
    assert not fetch.obvious and "points to rex" in fetch.reason
    assert _decide(log, ("crates/api/src/lib.rs",), "rust", "rust-tests").obvious


def test_a_registrys_refusal_in_its_own_error_body_is_the_runs_credentials() -> None:
    lines = [
        "::error::ghcr.io/o/api:0.31.0 -> HTTP 401",
        '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
    ]
    log = gh_log(("bash scripts/check-image.sh", lines))
    decision = _decide(log, ("docs/runbooks/rollback.md",), "deploy", "helm-release")
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)
