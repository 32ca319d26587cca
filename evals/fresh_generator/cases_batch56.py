"""Batch 56 of the fresh split (ids ``fr-zzd-``): GitHub Actions platform failures under
misleading job names, revisited with new wordings. A job called ``rust-tests``, ``helm-release``
or ``web-e2e`` fails because of the platform (checkout access, submodules, LFS budget, a
retired action, artifacts, caches, billing, runners, concurrency, fork secrets, OIDC, registry
tokens, the API's rate limit, environments, reusable workflow refs, token permissions, rulesets
on the bot's push): atlas, whatever the job is called; push protection of a secret is cipher.

- checkout of a private second repository (real git against a 127.0.0.1 server answering
  ``Repository not found.``) vs a cargo git dependency whose URL the change misspelt (rex);
- a private submodule the token cannot read (real git, prompts disabled); the LFS budget;
  ``actions/upload-artifact@v3`` retired at job set-up; an artifact name conflict (409); an
  artifact expired before the deploy downloaded it; the cache service's 503 under
  ``fail-on-cache-miss``;
- a job never started for failed payments (no log); a self-hosted runner that lost the server;
  a runner shutdown signal; a concurrency group cancelling a deploy;
- an e2e test's 401 from the console API: a fork PR whose ``E2E_API_TOKEN`` is empty (atlas)
  vs the change's client dropping the bearer header (blaze), both real Vitest;
- ``Input required and not supplied: private-key`` on a fork PR; google-github-actions/auth
  without ``id-token: write``;
- a pre-deploy image check (real curl and bash against a 127.0.0.1 registry): 404
  ``MANIFEST_UNKNOWN`` for a tag the change's values name wrong (bolt) vs 401 for an expired
  pull token with the charts unchanged (atlas);
- the REST API's secondary rate limit (real node fetch); an environment refusing the branch
  (no log); a reusable workflow ref that does not exist (startup failure, no log); ``gh pr
  comment`` refused with ``Resource not accessible by integration``;
- a ruleset's GH013 (pull request required) on the bot's version-bump push (atlas) vs push
  protection's GH013 for a token in a recorded HAR (cipher), both real git push;
- Node 20's action deprecation annotation before a real tsc error (blaze).

Cases tagged ``obvious``: the payments failure, a plain cargo test assertion (rex), yamllint on
chart values (bolt) and ``upload-artifact@v3`` in a job named after its upload (atlas).
"""

from __future__ import annotations

import re
from typing import Any

import fcommon
import real
from cases_batch5 import _push_rejected
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import Job, Step, check_run, run, uses, workflow_job, workflow_run

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
PFX = "fr-zzd-"


def build() -> None:
    checkouts()
    artifacts_and_caches()
    runners()
    e2e_auth()
    tokens()
    image_check()
    api_and_environments()
    pushes()
    plain()


def checkout(repo: str = REPO, extra: dict[str, str] | None = None) -> Step:
    return uses(
        "actions/checkout@v4",
        {"fetch-depth": "1", **(extra or {})},
        [f"Syncing repository: {repo}", "Getting Git version info", "Checking out the ref"],
    )


class SetupFailed(Job):
    """A job that failed (or never ran) before its first step: the log stops in ``Set up
    job`` and the ``steps[]`` rows hold only that step (or nothing)."""

    error: list[str] = []
    started: bool = True

    def _setup(self) -> list[str]:
        lines = super()._setup()
        cut = lines.index("Getting action download info") + 1
        return lines[:cut] + self.error

    def _checkout(self) -> list[str]:
        return []

    def rows(self) -> list[dict[str, Any]]:
        rows = super().rows()[:1]
        if not self.started:
            return []
        rows[0]["conclusion"] = "failure"
        return rows


def _add(
    cid: str,
    description: str,
    tags: list[str],
    agent: str,
    failure_type: str,
    event: str,
    payload: dict[str, Any],
    message: str,
    files: list[str],
    log: tuple[str, str] | None = None,
    pr: dict[str, Any] | None = None,
) -> None:
    ctx: dict[str, Any] = {}
    if log:
        ctx["logs"] = {log[0]: log[1]}
    ctx.update({"changed_files": files, "commit_message": message})
    if pr:
        ctx["pull_request"] = pr
    fcommon.add(cid, description, tags, agent, failure_type, event, payload, ctx)


# ------------------------------------------------------------------ 1. checkouts


def _git_fetch(name: str, status: int, body: str, host_repo: str, depth: bool = True) -> real.Out:
    path = real.scratch(name)
    real.git(path, "init", "-q")
    with real.serve((status, body)) as port:
        lines, code = real.git(
            path,
            "-c",
            "protocol.version=2",
            "fetch",
            "--no-tags",
            "--prune",
            "--no-recurse-submodules",
            *(["--depth=1"] if depth else []),
            f"http://127.0.0.1:{port}/{host_repo}",
            "+refs/heads/main:refs/remotes/origin/main",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    return real.Out("git fetch", lines, code)


def checkouts() -> None:
    at(REPO)
    # the second checkout of a private repository the job's token cannot see
    cid = PFX + "rust-tests-checkout-private-proto-repo"
    out = _git_fetch("b56-private-proto", 404, "Repository not found.\n", "5dlabs/proto-defs")
    assert out.code == 128 and any("not found" in ln for ln in out.lines), out
    wd = "/home/runner/work/healer/healer/proto-defs"
    fetch = (
        "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune "
        "--no-recurse-submodules --depth=1 origin +refs/heads/main*:refs/remotes/origin/main* "
        "+refs/tags/main*:refs/tags/main*"
    )
    attempts: list[str] = []
    for i, wait in enumerate((14, 19, 0)):
        attempts += [fetch, *[ln for ln in out.lines if ln.startswith("remote:")]]
        err = [ln for ln in out.lines if ln.startswith("fatal:")]
        if i < 2:
            attempts += [*err, f"Waiting {wait} seconds before trying again"]
        else:
            attempts += ["##[error]" + err[0]]
    second = uses(
        "actions/checkout@v4",
        {"repository": "5dlabs/proto-defs", "path": "proto-defs", "token": "***"},
        [
            "Syncing repository: 5dlabs/proto-defs",
            "##[group]Getting Git version info",
            f"Working directory is '{wd}'",
            "[command]/usr/bin/git version",
            "git version 2.51.0",
            "##[endgroup]",
            f"[command]/usr/bin/git init {wd}",
            f"Initialized empty Git repository in {wd}/.git/",
            "[command]/usr/bin/git remote add origin https://github.com/5dlabs/proto-defs",
            "##[group]Fetching the repository",
            *attempts,
            "##[endgroup]",
        ],
        name="Checkout proto definitions",
        error=["##[error]The process '/usr/bin/git' failed with exit code 128"],
    )
    ci(
        cid,
        "a `rust-tests` job's second `actions/checkout` of the private 5dlabs/proto-defs "
        "repository fails three times with `remote: Repository not found.`: the job's "
        "GITHUB_TOKEN cannot read another private repository; no Rust code ran",
        ["platform", "misleading-name", "look-alike"],
        "atlas",
        "permissions",
        workflow="rust",
        job="rust-tests",
        steps=[*rust_setup(), second],
        message="test(api): run the protocol round-trip tests against the shared protos",
        files=[".github/workflows/rust.yml", "crates/healer-api/tests/proto_roundtrip.rs"],
        pr=pr_of(cid, "test(api): proto round-trip tests"),
    )

    # look-alike: a cargo git dependency whose URL the change misspelt
    cid = PFX + "rust-tests-cargo-git-dep-misspelt-repo"
    path = real.crate(
        "b56-cargo-git-typo",
        {
            "Cargo.toml": real.cargo_toml("healer-api"),
            "src/main.rs": "fn main() {}\n",
        },
        package="healer-api",
    )
    with real.serve((404, "Repository not found.\n")) as port:
        (path / "Cargo.toml").write_text(
            real.cargo_toml(
                "healer-api",
                deps=f'healer-proto = {{ git = "http://127.0.0.1:{port}/5dlabs/healer-protos", '
                'tag = "v0.4.0" }\n',
            )
        )
        lines, code = real.run(
            ["cargo", "test", "-p", "healer-api"],
            path,
            env={"CARGO_NET_GIT_FETCH_WITH_CLI": "true", "CARGO_HOME": str(path / ".cargo-home")},
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    lines = [
        re.sub(
            r"healer-protos-[0-9a-f]{16}",
            "healer-protos-6a1f0c93d2b7e458",
            ln.replace(real.RUNNER + "/.cargo-home", "/home/runner/.cargo"),
        )
        for ln in lines
    ]
    assert code and any("not found" in ln for ln in lines), lines
    out = real.Out("cargo test -p healer-api", lines, code)
    ci(
        cid,
        "`cargo test` in a `rust-tests` job cannot fetch a git dependency: `remote: Repository "
        "not found.` for github.com/5dlabs/healer-protos; the change added the dependency to "
        "Cargo.toml with the repository misspelt (it is `healer-proto`), and "
        "the workflow and its token are unchanged",
        ["look-alike", "context-driven"],
        "rex",
        "rust_deps",
        workflow="rust",
        job="rust-tests",
        steps=[
            *rust_setup(),
            failing(out, name="cargo test", env={"CARGO_NET_GIT_FETCH_WITH_CLI": "true"}),
        ],
        message="feat(api): decode events with the shared healer-proto crate",
        files=["crates/healer-api/Cargo.toml", "Cargo.lock", "crates/healer-api/src/events.rs"],
        pr=pr_of(
            cid,
            "feat(api): use healer-proto for event decoding",
            "Adds `healer-proto` (git, tag v0.4.0) and drops our hand-rolled decoder.",
        ),
    )

    # a private submodule the job's token cannot read
    at(PLAT)
    cid = PFX + "helm-release-private-submodule-no-access"
    path = real.scratch("b56-submodule")
    real.git(path, "init", "-q")
    with real.serve((401, "")) as port:
        lines, code = real.git(
            path,
            "-c",
            "protocol.version=2",
            "fetch",
            "--depth=1",
            f"http://127.0.0.1:{port}/5dlabs/charts-common",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert code == 128, lines
    sub = "charts/vendor/charts-common"
    wd = "/home/runner/work/platform/platform"
    step = uses(
        "actions/checkout@v4",
        {"submodules": "recursive", "fetch-depth": "0"},
        [
            "Syncing repository: 5dlabs/platform",
            "##[group]Fetching submodules",
            "[command]/usr/bin/git submodule sync --recursive",
            "[command]/usr/bin/git -c protocol.version=2 submodule update --init --force "
            "--recursive",
            f"Submodule 'charts/vendor/charts-common' (https://github.com/5dlabs/charts-common) "
            f"registered for path '{sub}'",
            f"Cloning into '{wd}/{sub}'...",
            *lines,
            f"fatal: clone of 'https://github.com/5dlabs/charts-common' into submodule path "
            f"'{wd}/{sub}' failed",
            f"Failed to clone '{sub}'. Retry scheduled",
            f"Cloning into '{wd}/{sub}'...",
            *lines,
            f"fatal: clone of 'https://github.com/5dlabs/charts-common' into submodule path "
            f"'{wd}/{sub}' failed",
            f"Failed to clone '{sub}' a second time, aborting",
            "##[endgroup]",
        ],
        name="Checkout with submodules",
        error=["##[error]The process '/usr/bin/git' failed with exit code 1"],
    )
    ci(
        cid,
        "a `helm-release` job fails in checkout's `Fetching submodules`: `could not read "
        "Username ... terminal prompts disabled` for the private 5dlabs/charts-common "
        "submodule; the default token cannot read another private repository, nothing of "
        "Helm ran",
        ["platform", "misleading-name"],
        "atlas",
        "git_error",
        repo=PLAT,
        workflow="release-charts",
        job="helm-release",
        branch="main",
        steps=[
            uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm v3.16.3 installed"]),
            step,
        ],
        message="chore(charts): vendor charts-common as a submodule",
        files=[".gitmodules", "charts/vendor/charts-common"],
    )

    # LFS budget exceeded
    at(WEB)
    cid = PFX + "web-e2e-lfs-budget-exceeded"
    step = uses(
        "actions/checkout@v4",
        {"lfs": "true"},
        [
            "Syncing repository: 5dlabs/console",
            "##[group]Fetching LFS objects",
            "[command]/usr/bin/git lfs fetch origin refs/remotes/origin/main",
            "fetch: Fetching reference refs/remotes/origin/main",
            "batch response: This repository exceeded its LFS budget. The account responsible "
            "for the budget should increase it to restore access.",
            "error: failed to fetch some objects from "
            "'https://github.com/5dlabs/console.git/info/lfs'",
            "Waiting 11 seconds before trying again",
            "[command]/usr/bin/git lfs fetch origin refs/remotes/origin/main",
            "fetch: Fetching reference refs/remotes/origin/main",
            "batch response: This repository exceeded its LFS budget. The account responsible "
            "for the budget should increase it to restore access.",
            "error: failed to fetch some objects from "
            "'https://github.com/5dlabs/console.git/info/lfs'",
            "Waiting 17 seconds before trying again",
            "[command]/usr/bin/git lfs fetch origin refs/remotes/origin/main",
            "fetch: Fetching reference refs/remotes/origin/main",
            "batch response: This repository exceeded its LFS budget. The account responsible "
            "for the budget should increase it to restore access.",
            "error: failed to fetch some objects from "
            "'https://github.com/5dlabs/console.git/info/lfs'",
            "##[endgroup]",
        ],
        name="Checkout (with LFS fixtures)",
        error=["##[error]The process '/usr/bin/git' failed with exit code 2"],
    )
    ci(
        cid,
        "a `web-e2e` job's checkout with `lfs: true` fails fetching the visual-regression "
        "fixtures: `This repository exceeded its LFS budget`; the organisation's LFS billing, "
        "not the tests",
        ["platform", "misleading-name", "quota"],
        "atlas",
        "general",
        repo=WEB,
        workflow="e2e",
        job="web-e2e",
        steps=[*node_setup(), step],
        message="test(e2e): refresh dashboard screenshots",
        files=["e2e/__screenshots__/dashboard.png", "e2e/__screenshots__/settings.png"],
        pr=pr_of(cid, "test(e2e): refresh dashboard screenshots"),
    )


# ------------------------------------------------------------------ 2. artifacts and caches

V3_ERROR = (
    "##[error]This request has been automatically failed because it uses a deprecated version "
    "of `actions/upload-artifact: v3`. Learn more: https://github.blog/changelog/"
    "2024-04-16-deprecation-notice-v3-of-the-artifact-actions/"
)


def _setup_failed(
    cid: str, repo: str, workflow: str, job: str, branch: str, error: list[str], uses_: list[str]
) -> SetupFailed:
    j = SetupFailed(cid, repo, workflow, job, branch, [])
    j.error = error
    j.cancelled = True
    j.steps = [Step(f"Run {a}", [f"##[group]Run {a}"], "skipped", None, 0) for a in uses_]
    return j


def artifacts_and_caches() -> None:
    at(REPO)
    for cid, job, workflow, desc, tags, files, message in (
        (
            PFX + "rust-tests-upload-artifact-v3-retired",
            "rust-tests",
            "rust",
            "a `rust-tests` job fails in `Set up job` before any cargo command: the workflow "
            "still uses `actions/upload-artifact@v3` for the JUnit report, and GitHub fails "
            "every request that uses v3 of the artifact actions",
            ["platform", "misleading-name"],
            [".github/workflows/rust.yml"],
            "ci(rust): keep the nextest junit report as an artifact",
        ),
        (
            PFX + "upload-test-results-artifact-v3-retired",
            "upload-test-results",
            "reports",
            "the `upload-test-results` job fails in `Set up job`: it uses the retired "
            "`actions/upload-artifact@v3` and GitHub fails the request automatically",
            ["obvious", "platform"],
            [".github/workflows/reports.yml"],
            "ci: upload test results from the nightly run",
        ),
    ):
        j = _setup_failed(
            cid,
            REPO,
            workflow,
            job,
            "main",
            [V3_ERROR],
            ["actions/upload-artifact@v3"],
        )
        _add(
            cid,
            desc,
            tags,
            "atlas",
            "general",
            "workflow_job",
            workflow_job(j),
            message,
            files,
            log=(job, j.log()),
        )

    # artifact name conflict between matrix shards
    at(WEB)
    cid = PFX + "web-e2e-artifact-name-conflict-shards"
    ci(
        cid,
        "all four shards of a `web-e2e` matrix pass, and shard 2 fails uploading its report: "
        "`(409) Conflict: an artifact with this name already exists on the workflow run` - "
        "every shard uploads `playwright-report` under the same name with upload-artifact v4",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        repo=WEB,
        workflow="e2e",
        job="web-e2e (2, 4)",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx playwright test --shard=2/4",
                [
                    "Running 38 tests using 2 workers, shard 2 of 4",
                    "  38 passed (1.6m)",
                ],
                name="Run e2e shard",
            ),
            uses(
                "actions/upload-artifact@v4",
                {"name": "playwright-report", "path": "playwright-report/", "retention-days": "7"},
                [
                    "With the provided path, there will be 41 files uploaded",
                    "Artifact name is valid!",
                    "Root directory input is valid!",
                ],
                name="Upload report",
                error=[
                    "##[error]Failed to CreateArtifact: Received non-retryable error: Failed "
                    "request: (409) Conflict: an artifact with this name already exists on the "
                    "workflow run"
                ],
            ),
        ],
        message="ci(e2e): shard the playwright run four ways",
        files=[".github/workflows/e2e.yml"],
        pr=pr_of(cid, "ci(e2e): shard playwright"),
    )

    # an artifact that expired before the deploy downloaded it
    at(PLAT)
    cid = PFX + "helm-release-artifact-expired"
    ci(
        cid,
        "a `helm-release` job, started by hand to promote a build from nine days ago, cannot "
        "download the packaged charts from that run: `Artifact not found for name: "
        "chart-packages ... ensure that your artifact is not expired`; the build uploaded them "
        "with `retention-days: 7`",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        repo=PLAT,
        workflow="promote",
        job="helm-release",
        branch="main",
        steps=[
            uses(
                "actions/download-artifact@v4",
                {
                    "name": "chart-packages",
                    "run-id": "17411287306",
                    "github-token": "***",
                    "path": ".cr-release-packages",
                },
                ["Downloading single artifact"],
                name="Fetch packaged charts",
                error=[
                    "##[error]Unable to download artifact(s): Artifact not found for name: "
                    "chart-packages",
                    "        Please ensure that your artifact is not expired and the artifact "
                    "was uploaded using a compatible version of toolkit/upload-artifact.",
                    "        For more information, visit the GitHub Artifacts FAQ: "
                    "https://github.com/actions/toolkit/blob/main/packages/artifact/docs/faq.md",
                ],
            ),
        ],
        message="Merge pull request #812 from 5dlabs/release/node-agent-0.9.2",
        files=[],
    )

    # cache service 503 under fail-on-cache-miss
    at(REPO)
    cid = PFX + "rust-tests-cache-service-503-fail-on-miss"
    key = "cargo-target-Linux-" + sha(cid)[:16]
    ci(
        cid,
        "a `rust-tests` job restores the target directory the build job saved, with "
        "`fail-on-cache-miss: true`; the cache service answers 503, the restore is a miss and "
        "the step fails before cargo runs",
        ["platform", "misleading-name", "network"],
        "atlas",
        "general",
        workflow="rust",
        job="rust-tests",
        steps=[
            uses(
                "actions/cache/restore@v4",
                {"path": "target", "key": key, "fail-on-cache-miss": "true"},
                ["##[warning]Failed to restore: Cache service responded with 503"],
                name="Restore build output",
                error=[
                    "##[error]Failed to restore cache entry. Exiting as fail-on-cache-miss is "
                    f"set. Input key: {key}"
                ],
            ),
        ],
        message="perf(ci): share the build job's target dir with the test job",
        files=[".github/workflows/rust.yml"],
    )


# ------------------------------------------------------------------ 3. runners


def runners() -> None:
    at(WEB)
    cid = PFX + "web-e2e-never-started-payments"
    j = _setup_failed(cid, WEB, "e2e", "web-e2e", "feat/billing-page", [], [])
    title = "web-e2e"
    summary = (
        "The job was not started because recent account payments have failed or your spending "
        "limit needs to be increased. Please check the 'Billing & plans' section in your "
        "settings"
    )
    pr = pr_of(cid, "feat(console): billing page")
    _add(
        cid,
        "the `web-e2e` check fails without a log: `The job was not started because recent "
        "account payments have failed or your spending limit needs to be increased`",
        ["obvious", "platform", "never-started", "no-log"],
        "atlas",
        "general",
        "check_run",
        check_run(j, title, summary, pr=pr["number"]),
        "feat(console): billing page",
        ["src/routes/billing/+page.svelte"],
        pr=pr,
    )

    at(REPO)
    cid = PFX + "rust-tests-self-hosted-runner-lost"
    cargo_out = [
        "   Compiling healer-api v0.31.0 (/home/runner/work/healer/healer/crates/healer-api)",
        "    Finished `test` profile [unoptimized + debuginfo] target(s) in 1m 48s",
        "     Running unittests src/lib.rs (target/debug/deps/healer_api-9f3b2c7a1d4e8f06)",
        "",
        "running 212 tests",
        "test config::tests::defaults ... ok",
        "test config::tests::env_overrides ... ok",
        "test queue::tests::backoff_caps ... ok",
    ]
    j = Job(
        cid,
        REPO,
        "rust",
        "rust-tests",
        "main",
        [*rust_setup(), Step("cargo test", [*run("cargo test --workspace", []).lines, *cargo_out])],
        self_hosted=True,
        cancelled=True,
    )
    j.steps[-1].conclusion = "failure"
    summary = (
        f"The self-hosted runner: {j.runner_name} lost communication with the server. Verify "
        "the machine is running and has a healthy network connection. Anything in your "
        "workflow that terminates the runner process, starves it for CPU/Memory, or blocks its "
        "network access can cause this error."
    )
    _add(
        cid,
        "a `rust-tests` job on a self-hosted ARC runner stops mid `cargo test`; the check's "
        "summary says the runner lost communication with the server and the log just ends",
        ["platform", "misleading-name", "self-hosted"],
        "atlas",
        "general",
        "check_run",
        check_run(j, "rust-tests", summary),
        "refactor(queue): split the retry policy out of the worker",
        ["crates/healer-api/src/queue.rs", "crates/healer-api/src/retry.rs"],
        log=("rust-tests", j.log()),
    )

    at(WEB)
    cid = PFX + "web-e2e-runner-shutdown-signal"
    ci(
        cid,
        "a `web-e2e` job on a self-hosted runner is cut off mid Playwright run: `The runner has "
        "received a shutdown signal` and `The operation was canceled`; the spot node was "
        "reclaimed, no test failed",
        ["platform", "misleading-name", "self-hosted"],
        "atlas",
        "general",
        repo=WEB,
        workflow="e2e",
        job="web-e2e",
        self_hosted=True,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx playwright test",
                [
                    "Running 152 tests using 4 workers",
                    "  ✓  1 [chromium] \u203a auth.spec.ts:12:3 \u203a signs in (2.1s)",
                    "  ✓  2 [chromium] \u203a auth.spec.ts:31:3 \u203a signs out (1.4s)",
                    "  ✓  3 [chromium] \u203a runs.spec.ts:8:3 \u203a lists failed runs (3.0s)",
                    "##[error]The runner has received a shutdown signal. This can happen when "
                    "the runner service is stopped, or a manually started runner is canceled.",
                ],
                name="Run e2e",
                conclusion="cancelled",
            ),
        ],
        tail=["##[error]The operation was canceled.", "Cleaning up orphan processes"],
        cancelled=True,
        message="feat(runs): filter failed runs by repository",
        files=["src/routes/runs/+page.svelte", "src/lib/runs.ts"],
        pr=pr_of(cid, "feat(runs): repository filter"),
    )

    at(PLAT)
    cid = PFX + "helm-release-concurrency-cancelled"
    ci(
        cid,
        "a `helm-release` deploy to staging is cancelled mid `helm upgrade` because a newer push "
        "queued in the same concurrency group with `cancel-in-progress: true`: `Canceling since "
        "a higher priority waiting request for 'deploy-staging' exists`",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        repo=PLAT,
        workflow="deploy-staging",
        job="helm-release",
        branch="main",
        steps=[
            uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm v3.16.3 installed"]),
            run(
                "helm upgrade --install node-agent charts/node-agent -n agents --wait "
                "--timeout 10m",
                [
                    "coalesce.go:286: warning: cannot overwrite table with non table for "
                    "node-agent.tolerations (map[])",
                ],
                name="Deploy node-agent",
                conclusion="cancelled",
            ),
        ],
        tail=[
            "##[error]Canceling since a higher priority waiting request for 'deploy-staging' "
            "exists",
            "##[error]The operation was canceled.",
        ],
        cancelled=True,
        conclusion="cancelled",
        message="chore(node-agent): bump log level to info",
        files=["charts/node-agent/values.yaml"],
    )


# ------------------------------------------------------------------ 4. e2e 401 pair

E2E_TEST = """
import { describe, expect, it } from "vitest";
import { apiClient } from "../src/lib/api.js";

describe("console api (staging)", () => {
  it("lists the organisation's repositories", async () => {
    const res = await apiClient(process.env.E2E_API_TOKEN).get("/api/v1/repos");
    expect(res.status).toBe(200);
  });
});
"""

CLIENT_OK = """
export function apiClient(token) {
  const base = process.env.E2E_BASE_URL;
  return {
    get: (path) =>
      fetch(base + path, { headers: { Authorization: `Bearer ${token ?? ""}` } }),
  };
}
"""

CLIENT_BROKEN = """
export function apiClient(token) {
  const base = process.env.E2E_BASE_URL;
  const headers = {};
  if (token?.startsWith("Bearer ")) headers.Authorization = token;
  return { get: (path) => fetch(base + path, { headers }) };
}
"""


def _e2e_run(name: str, client: str, token: str) -> real.Out:
    def answer(req: Any) -> tuple[int, str, str]:
        ok = req.headers.get("Authorization") == "Bearer e2e-fixture-token"
        if ok:
            return 200, '{"repos":[]}', "application/json"
        return 401, '{"error":"unauthorized"}', "application/json"

    path = real.node_project(
        name, {"src/lib/api.js": client, "e2e/repos.e2e.test.js": E2E_TEST}, pkg_name="console"
    )
    with real.serve(answer) as port:
        lines, code = real.run(
            ["vitest", "run", "e2e"],
            path,
            env={"E2E_BASE_URL": f"http://127.0.0.1:{port}", "E2E_API_TOKEN": token},
            hosts={f"http://127.0.0.1:{port}": "https://staging.console.5dlabs.dev"},
        )
    return real.Out("npx vitest run e2e", lines, code)


def e2e_auth() -> None:
    at(WEB)
    fork = _e2e_run("b56-e2e-fork", CLIENT_OK, "")
    broken = _e2e_run("b56-e2e-broken", CLIENT_BROKEN, "e2e-fixture-token")
    for out in (fork, broken):
        assert out.code and any("401" in ln for ln in out.lines), out.lines
    cid = PFX + "web-e2e-401-fork-pr-empty-token"
    ci(
        cid,
        "a `web-e2e` test gets 401 from the staging console API; the PR comes from a fork, so "
        "`E2E_API_TOKEN: ${{ secrets.E2E_API_TOKEN }}` is empty in the step's env, and the "
        "PR only touches a settings page's copy",
        ["look-alike", "platform", "misleading-name"],
        "atlas",
        "permissions",
        repo=WEB,
        workflow="e2e",
        job="web-e2e",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(
                fork,
                name="Run e2e against staging",
                env={
                    "E2E_BASE_URL": "https://staging.console.5dlabs.dev",
                    "E2E_API_TOKEN": "",
                },
            ),
        ],
        message="docs(settings): clarify the webhook secret help text",
        files=["src/routes/settings/webhooks/+page.svelte"],
        branch="contrib/webhook-help-text",
        pr=pr_of(
            cid,
            "Clarify the webhook secret help text",
            "Small copy fix on the webhooks settings page. (First contribution from my fork!)",
        ),
    )
    cid = PFX + "web-e2e-401-client-drops-bearer"
    ci(
        cid,
        "a `web-e2e` test gets 401 from the staging console API with the secret set (`***`) "
        "and a same-repository branch; the change rewrote `src/lib/api.js` so the bearer "
        "header is only sent when the token already starts with `Bearer `, which it never does: "
        "the client code broke authentication",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        repo=WEB,
        workflow="e2e",
        job="web-e2e",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(
                broken,
                name="Run e2e against staging",
                env={
                    "E2E_BASE_URL": "https://staging.console.5dlabs.dev",
                    "E2E_API_TOKEN": "***",
                },
            ),
        ],
        message="refactor(api): accept pre-formatted auth headers in apiClient",
        files=["src/lib/api.js", "src/lib/session.js"],
        pr=pr_of(
            cid,
            "refactor(api): let callers pass the Authorization header through",
            "The session store already keeps `Bearer <token>`; stop re-prefixing it.",
        ),
    )


# ------------------------------------------------------------------ 5. tokens, OIDC


def tokens() -> None:
    at(REPO)
    cid = PFX + "rust-tests-fork-pr-app-token-input-missing"
    ci(
        cid,
        "a `rust-tests` job mints a GitHub App token to fetch private crates and fails with "
        "`Input required and not supplied: private-key`: the PR comes from a fork and the "
        "secret is not passed to it",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="rust",
        job="rust-tests",
        steps=[
            uses(
                "actions/create-github-app-token@v1",
                {"app-id": "1184207", "private-key": "", "owner": "5dlabs"},
                [],
                name="Mint crate-fetch token",
                error=["##[error]Input required and not supplied: private-key"],
            ),
        ],
        message="fix(cli): correct the --since flag's help text",
        files=["crates/healer-cli/src/args.rs"],
        branch="patch-1",
        pr=pr_of(cid, "fix(cli): --since help text", "Typo fix from a fork."),
    )

    cid = PFX + "rust-bench-oidc-id-token-missing"
    ci(
        cid,
        "a `rust-bench` job's cargo bench passes, then `google-github-actions/auth` fails: "
        "GitHub did not inject `ACTIONS_ID_TOKEN_REQUEST_TOKEN` because the workflow's new "
        "`permissions:` block dropped `id-token: write`",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="bench",
        job="rust-bench",
        branch="main",
        steps=[
            *rust_setup(),
            run(
                "cargo bench -p healer-api --bench queue -- --output-format bencher",
                [
                    "    Finished `bench` profile [optimized] target(s) in 2m 11s",
                    "     Running benches/queue.rs (target/release/deps/queue-0c6e1f2d8a9b7354)",
                    "test enqueue_1k   ... bench:      41,208 ns/iter (+/- 1,902)",
                    "test dequeue_1k   ... bench:      38,771 ns/iter (+/- 2,214)",
                ],
                name="Benchmarks",
            ),
            uses(
                "google-github-actions/auth@v2",
                {
                    "workload_identity_provider": "projects/618833016642/locations/global/"
                    "workloadIdentityPools/github/providers/5dlabs",
                    "service_account": "bench-uploader@healer-ci.iam.gserviceaccount.com",
                },
                [],
                name="Authenticate to Google Cloud",
                error=[
                    "##[error]google-github-actions/auth failed with: GitHub Actions did not "
                    "inject $ACTIONS_ID_TOKEN_REQUEST_TOKEN or $ACTIONS_ID_TOKEN_REQUEST_URL "
                    "into this job. This most likely means the GitHub Actions workflow "
                    "permissions are incorrect, or this job is being run from a fork. For more "
                    "information, please see https://docs.github.com/en/actions/security-guides/"
                    "automatic-token-authentication#permissions-for-the-github_token"
                ],
            ),
        ],
        message="ci(bench): least-privilege permissions for the bench workflow",
        files=[".github/workflows/bench.yml"],
    )


# ------------------------------------------------------------------ 6. image check pair

CHECK = """\
set -euo pipefail
tag=$(yq '.image.tag' charts/healer-api/values.yaml)
code=$(curl -sS -o manifest.json -w '%{http_code}' \\
  -H "Authorization: Bearer $(echo -n "5dlabs-bot:$GHCR_PULL_TOKEN" | base64 -w0)" \\
  -H 'Accept: application/vnd.oci.image.index.v1+json' \\
  "$REGISTRY/v2/5dlabs/healer-api/manifests/$tag")
if [ "$code" != 200 ]; then
  echo "::error::ghcr.io/5dlabs/healer-api:$tag -> HTTP $code"
  cat manifest.json; echo
  exit 1
fi
"""


def _image_check(name: str, tag: str, status: int, body: str) -> real.Out:
    values = f"image:\n  repository: ghcr.io/5dlabs/healer-api\n  tag: {tag}\n"
    with real.serve((status, body, "application/json")) as port:
        out = real.sh(
            name,
            {
                "charts/healer-api/values.yaml": values,
                "check.sh": CHECK.replace(
                    "$(yq '.image.tag' charts/healer-api/values.yaml)",
                    "$(sed -n 's/^  tag: //p' charts/healer-api/values.yaml)",
                ),
            },
            "bash check.sh",
            CHECK,
            env={"REGISTRY": f"http://127.0.0.1:{port}", "GHCR_PULL_TOKEN": "x"},
            hosts={f"http://127.0.0.1:{port}": "https://ghcr.io"},
        )
    assert out.code == 1, out.lines
    return out


def image_check() -> None:
    at(REPO)
    notfound = _image_check(
        "b56-img-404",
        "v0.31.0",
        404,
        '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}',
    )
    unauth = _image_check(
        "b56-img-401",
        "0.31.0",
        401,
        '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
    )
    env = {"REGISTRY": "https://ghcr.io", "GHCR_PULL_TOKEN": "***"}
    cid = PFX + "helm-release-image-check-404-values-tag"
    ci(
        cid,
        "a `helm-release` job's pre-deploy check asks ghcr.io for the image tag in the chart's "
        "values and gets 404 `MANIFEST_UNKNOWN` for `v0.31.0`; the release pushed `0.31.0` "
        "(no `v`), and the change hand-edited values.yaml's tag: the chart names a tag that "
        "does not exist",
        ["look-alike", "context-driven"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm-release",
        branch="main",
        steps=[failing(notfound, name="Verify image exists", env=env)],
        message="deploy(api): roll healer-api to v0.31.0",
        files=["charts/healer-api/values.yaml"],
    )
    cid = PFX + "helm-release-image-check-401-expired-pull-token"
    ci(
        cid,
        "a `helm-release` job's pre-deploy check asks ghcr.io for the chart's image tag "
        "`0.31.0` (pushed by the release) and gets 401 `UNAUTHORIZED`; the change touches only "
        "the runbook, and the `GHCR_PULL_TOKEN` PAT it uses has expired",
        ["look-alike", "platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="deploy",
        job="helm-release",
        branch="main",
        steps=[failing(unauth, name="Verify image exists", env=env)],
        message="docs(runbook): how to roll back healer-api",
        files=["docs/runbooks/rollback.md"],
    )


# ------------------------------------------------------------------ 7. API, environments

NOTES = """
const [owner, repo] = process.env.GITHUB_REPOSITORY.split("/");
const api = process.env.GITHUB_API_URL;
const res = await fetch(`${api}/repos/${owner}/${repo}/releases/generate-notes`, {
  method: "POST",
  headers: {
    Authorization: `Bearer ${process.env.GITHUB_TOKEN}`,
    Accept: "application/vnd.github+json",
  },
  body: JSON.stringify({ tag_name: process.env.TAG }),
});
if (!res.ok) {
  console.error(`generate-notes: HTTP ${res.status}`);
  console.error(`retry-after: ${res.headers.get("retry-after")}`);
  console.error(await res.text());
  process.exit(1);
}
console.log((await res.json()).body);
"""


def api_and_environments() -> None:
    at(REPO)
    cid = PFX + "rust-release-secondary-rate-limit"
    body = (
        '{"message":"You have exceeded a secondary rate limit. Please wait a few minutes '
        "before you try again. If you reach out to GitHub Support for help, please include "
        'the request ID 9C41:2F7A0B:1D44E3:1E2B90:6928A1F3.","documentation_url":'
        '"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-'
        'rate-limits","status":"403"}'
    )

    def answer(_req: Any) -> tuple[int, str, str]:
        return 403, body, "application/json; charset=utf-8"

    with real.serve(answer) as port:
        out = real.node_run(
            "b56-notes",
            {"scripts/release-notes.mjs": NOTES},
            "scripts/release-notes.mjs",
            env={
                "GITHUB_REPOSITORY": REPO,
                "GITHUB_API_URL": f"http://127.0.0.1:{port}",
                "GITHUB_TOKEN": "x",
                "TAG": "v0.31.0",
            },
            hosts={f"http://127.0.0.1:{port}": "https://api.github.com"},
        )
    assert out.code == 1, out.lines
    ci(
        cid,
        "a `rust-release` job builds the binaries and then fails generating release notes: the "
        "REST API answers 403 `You have exceeded a secondary rate limit`; eight release "
        "matrix legs called the API at once",
        ["platform", "misleading-name", "release"],
        "atlas",
        "release_publish",
        workflow="release",
        job="rust-release (x86_64-unknown-linux-musl)",
        branch="v0.31.0",
        steps=[
            *rust_setup(),
            run(
                "cargo build --release --locked --target x86_64-unknown-linux-musl",
                [
                    "   Compiling healer-cli v0.31.0 (/home/runner/work/healer/healer/crates/"
                    "healer-cli)",
                    "    Finished `release` profile [optimized] target(s) in 3m 02s",
                ],
                name="Build",
            ),
            failing(
                out,
                name="Release notes",
                env={"GITHUB_TOKEN": "***", "TAG": "v0.31.0"},
            ),
        ],
        message="chore(release): v0.31.0",
        files=["Cargo.toml", "Cargo.lock", "CHANGELOG.md"],
    )

    at(PLAT)
    cid = PFX + "helm-release-environment-branch-not-allowed"
    j = _setup_failed(cid, PLAT, "deploy-production", "helm-release", "feat/node-agent-gc", [], [])
    summary = (
        'Branch "feat/node-agent-gc" is not allowed to deploy to production due to '
        "environment protection rules."
    )
    _add(
        cid,
        "the `helm-release` job of a production deploy, dispatched from a feature branch, fails "
        "without a log: the `production` environment only allows deployments from `main`",
        ["platform", "misleading-name", "no-log"],
        "atlas",
        "permissions",
        "check_run",
        check_run(j, "helm-release", summary),
        "feat(node-agent): tune the image GC thresholds",
        ["charts/node-agent/values.yaml"],
    )

    at(REPO)
    cid = PFX + "rust-ci-reusable-workflow-ref-missing"
    j = Job(cid, REPO, "ci", "rust-tests", "ci/shared-workflows-v3", [])
    payload = workflow_run(j, "ci: call the shared rust workflow at v3", "startup_failure")
    payload["workflow_run"]["path"] = ".github/workflows/ci.yml"
    payload["workflow_run"]["referenced_workflows"] = [
        {"path": "5dlabs/shared-workflows/.github/workflows/rust.yml@v3", "sha": None, "ref": "v3"}
    ]
    _add(
        cid,
        "the `ci` workflow's run ends in `startup_failure` without any job (its `rust-tests` "
        "job calls a reusable workflow); the change points `uses:` at "
        "`5dlabs/shared-workflows/.github/workflows/rust.yml@v3`, a tag the shared repository "
        "does not have",
        ["platform", "no-log", "context-driven"],
        "atlas",
        "workflow_syntax",
        "workflow_run",
        payload,
        "ci: call the shared rust workflow at v3",
        [".github/workflows/ci.yml"],
    )

    at(WEB)
    cid = PFX + "web-e2e-gh-pr-comment-not-accessible"
    ci(
        cid,
        "a `web-e2e` job's tests pass and its last step, `gh pr comment` with the Playwright "
        "summary, fails with `GraphQL: Resource not accessible by integration (addComment)`: "
        "the workflow grants the token `contents: read` only",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        repo=WEB,
        workflow="e2e",
        job="web-e2e",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx playwright test --reporter=list,json",
                ["Running 96 tests using 4 workers", "  96 passed (2.4m)"],
                name="Run e2e",
            ),
            run(
                'gh pr comment "$PR" --body-file e2e-summary.md',
                ["GraphQL: Resource not accessible by integration (addComment)"],
                1,
                name="Comment summary on the PR",
                env={"GH_TOKEN": "***", "PR": "2211"},
            ),
        ],
        message="ci(e2e): post the playwright summary on the PR",
        files=[".github/workflows/e2e.yml", "scripts/e2e-summary.mjs"],
        pr=pr_of(cid, "ci(e2e): PR summary comment"),
    )


# ------------------------------------------------------------------ 8. pushes


def pushes() -> None:
    at(PLAT)
    cid = PFX + "helm-release-ruleset-gh013-bot-push"
    out = _push_rejected(
        cid,
        PLAT,
        [
            "error: GH013: Repository rule violations found for refs/heads/main.",
            "Review all repository rules at https://github.com/5dlabs/platform/rules?ref="
            "refs%2Fheads%2Fmain",
            "",
            "- Changes must be made through a pull request.",
            "",
            '- Required status check "helm-lint" is expected.',
            "",
        ],
        "push declined due to repository rule violations",
        ref="main",
    )
    assert out.code and any("GH013" in ln for ln in out.lines), out
    ci(
        cid,
        "a `helm-release` job bumps the chart version and its bot push to main is declined "
        "with GH013 by the branch ruleset (pull request required, required status check): "
        "repository rules, no secret involved",
        ["platform", "misleading-name", "look-alike"],
        "atlas",
        "permissions",
        repo=PLAT,
        workflow="release-charts",
        job="helm-release",
        branch="main",
        steps=[
            run(
                "yq -i '.version = \"0.9.3\"' charts/node-agent/Chart.yaml\n"
                "git commit -am 'chore(release): node-agent 0.9.3'",
                ["[main 4c1e0a7] chore(release): node-agent 0.9.3", " 1 file changed"],
                name="Bump chart version",
            ),
            failing(out, name="Push version bump"),
        ],
        message="fix(node-agent): raise the liveness timeout",
        files=["charts/node-agent/templates/daemonset.yaml"],
    )

    at(WEB)
    cid = PFX + "web-e2e-push-protection-har-token"
    out = _push_rejected(
        cid,
        WEB,
        [
            "error: GH013: Repository rule violations found for refs/heads/test/update-har.",
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
            f"         - commit: {sha(cid)}",
            "           path: e2e/fixtures/github-oauth.har:214",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the "
            "secret.",
            f"       https://github.com/{WEB}/security/secret-scanning/unblock-secret/"
            "2zT8pXc1Mf6Ln3Qw9Ke4Rb7Hd2Vs",
            "",
        ],
        "push declined due to repository rule violations",
        ref="test/update-har",
    )
    assert out.code and any("GH013" in ln for ln in out.lines), out
    ci(
        cid,
        "a `web-e2e` job re-records its HAR fixtures and pushes them to a branch; push "
        "protection declines the push (GH013) for a GitHub personal access token captured in "
        "the recorded `Authorization` header",
        ["security", "misleading-name", "look-alike"],
        "cipher",
        "secret_scanning_alert",
        repo=WEB,
        workflow="e2e-record",
        job="web-e2e",
        branch="test/update-har",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx playwright test --update-snapshots e2e/github-oauth.spec.ts",
                ["Running 4 tests using 1 worker", "  4 passed (21.3s)"],
                name="Re-record HAR fixtures",
            ),
            failing(out, name="Push fixtures"),
        ],
        message="test(e2e): re-record the GitHub OAuth HAR",
        files=["e2e/fixtures/github-oauth.har"],
    )


# ------------------------------------------------------------------ 9. plain and a warning


def plain() -> None:
    at(WEB)
    out = real.tsc(
        "b56-tsc",
        {
            "src/lib/runs.ts": "export interface Run { id: number; conclusion: string | null }\n"
            "export function label(r: Run): string {\n"
            "  return r.conclusion.toUpperCase();\n"
            "}\n",
        },
    )
    assert out.code, out.lines
    cid = PFX + "web-build-node20-deprecation-then-tsc"
    ci(
        cid,
        "a `web-build` job shows GitHub's annotation that Node.js 20 actions are deprecated "
        "(a warning), and fails on tsc's TS18047 in the change's `src/lib/runs.ts`",
        ["look-alike", "multi-signal"],
        "blaze",
        "frontend_typecheck",
        repo=WEB,
        workflow="web",
        job="web-build",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Typecheck"),
        ],
        tail=[
            "##[warning]Node.js 20 actions are deprecated. The following actions are running "
            "on Node.js 20 and may not work as expected: actions/checkout@v4, "
            "actions/setup-node@v4. Actions will be forced to run with Node.js 24 by default "
            "starting March 4th, 2026. Please check if updated versions of these actions are "
            "available that support Node.js 24. For more information see: "
            "https://github.blog/changelog/2025-09-19-deprecation-of-node-20-on-github-actions-"
            "runners/"
        ],
        message="feat(runs): upper-case the conclusion badge",
        files=["src/lib/runs.ts"],
        pr=pr_of(cid, "feat(runs): conclusion badge"),
    )

    at(REPO)
    out = real.cargo(
        "b56-cargo-test",
        {
            "src/lib.rs": "pub fn backoff(attempt: u32) -> u64 {\n"
            "    100 * 2u64.pow(attempt).min(30)\n}\n\n"
            "#[cfg(test)]\nmod tests {\n    use super::*;\n\n"
            "    #[test]\n    fn backoff_caps_at_thirty_seconds() {\n"
            "        assert_eq!(backoff(10), 30_000);\n    }\n}\n",
        },
        ["test", "--lib"],
    )
    assert out.code, out.lines
    cid = PFX + "rust-tests-plain-assertion"
    ci(
        cid,
        "`cargo test` in `rust-tests` fails on an `assert_eq!` in the retry backoff the "
        "change rewrote",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="rust",
        job="rust-tests",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="fix(queue): cap the retry backoff",
        files=["src/lib.rs"],
    )

    at(PLAT)
    out = real.yamllint(
        "b56-yamllint",
        {
            "charts/node-agent/values.yaml": "image:\n  repository: ghcr.io/5dlabs/node-agent\n"
            "  tag: 0.9.2\nresources:\n  limits:\n    memory: 256Mi\n   cpu: 200m\n",
        },
        ["charts/node-agent/values.yaml"],
    )
    assert out.code, out.lines
    cid = PFX + "helm-lint-plain-yamllint"
    ci(
        cid,
        "yamllint in a `helm-lint` job fails on a mis-indented key in the node-agent chart's "
        "values.yaml the change edited",
        ["obvious"],
        "bolt",
        "yaml_config",
        repo=PLAT,
        workflow="charts",
        job="helm-lint",
        steps=[failing(out, name="Lint chart values")],
        message="chore(node-agent): set a cpu limit",
        files=["charts/node-agent/values.yaml"],
    )
