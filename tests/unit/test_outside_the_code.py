"""Errors in a language's own words whose cause may lie outside that language's code.

A library the linker cannot find may be the runner's image or the change's new link: never
obvious. A package the change added to the lockfile that a bundler cannot resolve was not
installed. A workspace filter that matches nothing is the workflow's selector. Playwright's
web-first assertion waits on the page's own element, not the network. V8 out of heap while
running a script of the repository's own is the script's; under a tool over the code it is
the heap cap's.
"""

from __future__ import annotations

from healer_agent.models import Agent, ContextBundle, JobLog, RoutingDecision
from healer_agent.routing.prerouter import PreRouter
from tests.unit.test_logs import gh_log
from tests.unit.test_prerouter import ctx, incident

ROUTER = PreRouter()


def _decide(log: str, files: tuple[str, ...], workflow: str = "ci") -> RoutingDecision:
    return ROUTER.decide(incident(workflow, "build"), ctx(log, "build", files))


def test_a_library_rust_lld_cannot_find_is_never_obviously_the_code() -> None:
    lines = [
        "error: linking with `cc` failed: exit status: 1",
        "  = note: rust-lld: error: unable to find library -lmysqlclient",
        "          collect2: error: ld returned 1 exit status",
        'error: could not compile `api` (bin "api") due to 1 previous error',
    ]
    log = gh_log(("cargo build --release", lines), exit_code=101)
    decision = _decide(log, ("crates/api/src/router.rs",), "rust")
    assert not decision.obvious
    assert any(e.rule == "system-lib-missing" for c in decision.candidates for e in c.evidence)


def test_a_package_the_change_added_that_the_bundler_cannot_resolve_was_not_installed() -> None:
    lines = [
        "error during build:",
        '[vite]: Rollup failed to resolve import "dayjs" from "/w/web/src/main.js".',
    ]
    log = gh_log(("npm run build", lines))
    added = _decide(log, ("web/package.json", "web/package-lock.json", "web/src/main.js"))
    assert not added.obvious
    imported = _decide(log, ("web/src/main.js",))
    assert imported.agent is Agent.BLAZE and imported.obvious


def test_a_workspace_filter_that_matches_nothing_is_the_workflows_selector() -> None:
    line = ' ERR_PNPM_NO_MATCHED_PROJECTS  No projects matched the filters in "/w/healer"'
    log = gh_log(("pnpm --filter @acme/console --fail-if-no-match build", [line]))
    decision = _decide(log, ("web/package.json", "pnpm-lock.yaml"))
    assert decision.agent is Agent.ATLAS and not decision.obvious


def test_playwrights_assertion_waits_on_the_page_not_the_network() -> None:
    lines = [
        "    Error: Timed out 5000ms waiting for expect(locator).toBeVisible()",
        "      - waiting for getByRole('button', { name: 'Retry run' })",
        "  1 failed",
    ]
    log = gh_log(("npx playwright test", lines))
    assert _decide(log, ("web/src/runs/RunActions.tsx",), "e2e").agent is Agent.BLAZE


def test_a_heap_exhausted_by_the_repositorys_own_script_is_the_scripts() -> None:
    oom = ["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"]
    script = gh_log(("node scripts/prerender.js", oom), exit_code=134)
    assert _decide(script, ("web/scripts/prerender.js",), "web").agent is Agent.BLAZE
    tool = gh_log(("npx tsc -p . --noEmit", oom), exit_code=134)
    assert _decide(tool, ("web/src/app.ts",), "web").agent is Agent.ATLAS


def test_an_artifact_a_job_could_not_download_is_the_producing_jobs_failure() -> None:
    missing = gh_log(
        (
            "actions/download-artifact@v4",
            ["##[error]Unable to download artifact(s): Artifact not found for name: web-dist"],
        )
    )
    tsc = gh_log(
        (
            "npx tsc -p . --noEmit",
            [
                "src/preview.ts(8,3): error TS2322: Type 'string' is not assignable to type 'number'."
            ],
        ),
        exit_code=2,
    )

    def decide(logs: tuple[str, ...], files: tuple[str, ...]) -> RoutingDecision:
        jobs = tuple(JobLog(job_name=f"job{n}", text=text) for n, text in enumerate(logs))
        context = ContextBundle(logs=jobs, changed_files=files)
        return ROUTER.decide(incident("preview", "job0"), context)

    assert decide((missing, tsc), ("src/preview.ts",)).agent is Agent.BLAZE
    # the producer succeeded but the change moved what the build writes
    assert decide((missing,), ("vite.config.ts",)).agent is Agent.BLAZE
    alone = decide((missing,), ())
    assert alone.agent is Agent.ATLAS and not alone.obvious


def test_a_host_port_another_container_holds_is_the_runners() -> None:
    line = (
        "Error response from daemon: driver failed programming external connectivity on "
        "endpoint ci-postgres-1: Bind for 0.0.0.0:5432 failed: port is already allocated"
    )
    log = gh_log(("docker compose -f docker-compose.ci.yml up -d --wait", [line]))
    assert _decide(log, ("crates/dispatch/src/queue.rs",), "e2e").agent is Agent.ATLAS


def test_a_refused_connection_in_a_rust_panic_after_a_code_change_is_the_code() -> None:
    lines = [
        "thread 'tests::enqueue_roundtrip' (3141) panicked at src/lib.rs:11:61:",
        'connect to redis: Os { code: 111, kind: ConnectionRefused, message: "Connection refused" }',
        "test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
    ]
    log = gh_log(("cargo test --locked", lines), exit_code=101)
    assert _decide(log, ("crates/queue/src/lib.rs",), "rust").agent is Agent.REX


def test_a_compiler_killed_after_a_change_to_cargos_own_settings_is_those_settings() -> None:
    lines = [
        "   Compiling healer-trace v0.4.0 (/home/runner/work/healer/healer/crates/trace)",
        "error: could not compile `healer-trace` (lib)",
        "",
        "Caused by:",
        "  process didn't exit successfully: `rustc --crate-name healer_trace` "
        "(signal: 9, SIGKILL: kill)",
    ]
    log = gh_log(("cargo build --release --workspace", lines), exit_code=101)
    assert _decide(log, (".cargo/config.toml",), "rust").agent is Agent.REX
    # nothing the build reads changed: the runner ran out of memory
    assert _decide(log, ("README.md",), "rust").agent is Agent.ATLAS


def test_a_tarball_whose_checksum_fails_with_the_lockfile_unchanged_is_the_cache() -> None:
    line = (
        ' ERR_PNPM_TARBALL_INTEGRITY  Got unexpected checksum for "https://registry.npmjs.org/'
        '@swc/core-linux-x64-gnu/-/core-linux-x64-gnu-1.9.3.tgz". Wanted "sha512-aaa". Got '
        '"sha512-bbb".'
    )
    log = gh_log(("pnpm install --frozen-lockfile", [line]))
    cached = _decide(log, ("src/search/Results.tsx",))
    assert cached.agent is Agent.ATLAS and not cached.obvious
    assert _decide(log, ("pnpm-lock.yaml", "package.json")).agent is Agent.BLAZE


def test_an_element_cypress_never_found_is_the_pages_after_a_change_to_it() -> None:
    line = (
        "     AssertionError: Timed out retrying after 4000ms: Expected to find element: "
        "`[data-cy=place-order]`, but never found it."
    )
    log = gh_log(("npx cypress run --browser chrome", [line]))
    assert _decide(log, ("src/checkout/CheckoutForm.tsx",)).agent is Agent.BLAZE
    assert _decide(log, ("docs/checkout.md",)).agent is Agent.ATLAS


def test_an_engine_check_inside_the_repositorys_image_after_its_dockerfile_changed() -> None:
    lines = [
        "npm error code EBADENGINE",
        "npm error engine Unsupported engine",
        'npm error notsup Required: {"node":"^18.18.0"}',
        'npm error notsup Actual:   {"npm":"10.8.2","node":"v20.20.2"}',
    ]
    log = gh_log(("docker run --rm console-ci:pr npm ci", lines))
    assert _decide(log, ("ci/Dockerfile",)).agent is Agent.BOLT
