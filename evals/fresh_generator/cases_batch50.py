"""Batch 50 of the fresh split (ids ``fr-zx-``): test harnesses beyond the plain runner, and
their flakes. The label is the owner of the root cause: a real failure in code or its tests is
the language's (rex, blaze); a test that fails only from the runner's environment (a stopped
runner, the network, the runner's clock or disk) is atlas; a coverage threshold the change set
in a workflow file is atlas, one a code change fell under in the tool's own config is the
code's; a flaky test that the change's race causes is the code's owner.

- cargo-nextest: retries that fail every try on a race the change added (rex); tests cancelled
  by ``SIGTERM`` when a self-hosted runner shut down (atlas) vs a real ``SIGSEGV`` from the
  change's ``unsafe`` (rex); a ``TIMEOUT`` on a test that reaches api.github.com from a runner
  with no route (atlas) vs a ``TIMEOUT`` from a lock-order deadlock the change introduced
  (rex); a ``LEAK-FAIL`` from a child process the change's test spawns and never reaps (rex);
- snapshots: insta mismatches from the change's renderer (rex) vs from the workflow's new
  ``TZ`` (atlas, context-driven); a proptest regression (rex); Vitest snapshot mismatch (blaze);
- coverage: ``cargo llvm-cov --fail-under-lines`` raised in the workflow (atlas) vs tarpaulin's
  ``fail-under`` in tarpaulin.toml with an untested module (rex); Jest's ``coverageThreshold``
  in jest.config.js (blaze) vs Vitest's ``--coverage.thresholds.lines`` added in the workflow
  (atlas);
- miri and loom: a miri UB report (rex) vs the miri component missing from the nightly (atlas);
  a loom causality violation (rex);
- environments and timers: Vitest's ``jsdom`` environment without the package (blaze),
  ``document is not defined`` after the change's config moved to the node environment (blaze), a
  fake-timers leak between tests (blaze);
- Playwright and Storybook: a locator failing on every retry after the change's copy edit
  (blaze) vs ``ENOSPC`` writing traces on a full runner disk (atlas); e2e 502s whose cause is
  the Rust api's panic in Loki and the pod's CrashLoopBackOff (rex, context-driven); the
  Storybook test-runner failing in a story's play function (blaze) vs not finding Storybook
  because the change dropped the workflow's wait-on (atlas);
- plain cases: a cargo test assertion, a failing doc test, a Vitest snapshot mismatch, actionlint
  on the test workflow.

Cases tagged ``obvious``: the four plain cases.
"""

from __future__ import annotations

import json

import real
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup
from gha import Job, Step, run, sha, uses
from helpers import crashing

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
AGENT = "5dlabs/arbiter"
UI = "5dlabs/ui-kit"


def build() -> None:
    nextest()
    snapshots()
    coverage()
    miri_loom()
    web_env()
    browsers()
    plain()


def _prev_log(cid: str, repo: str, workflow: str, job: str, steps: list[Step]) -> None:
    """The previous attempt's log of the same job, in the last case's context."""
    import common

    other = Job(cid + ":prev", repo, workflow, job, "main", steps)
    common.CASES[-1]["context"]["logs"][job + " (attempt 1)"] = other.log()


def _nextest(cmd: str, lines: list[str], code: int = 100, name: str = "cargo nextest") -> Step:
    return run(cmd, lines, code, name=name, seconds=48.0)


def _install_nextest() -> Step:
    return uses(
        "taiki-e/install-action@v2",
        {"tool": "cargo-nextest"},
        [
            "info: installing cargo-nextest@latest",
            "info: downloading https://get.nexte.st/0.9.85/linux",
            "info: verifying sha256 checksum for cargo-nextest-0.9.85-x86_64-unknown-linux-gnu.tar.gz",
            "info: cargo-nextest installed at /home/runner/.cargo/bin/cargo-nextest",
            "+ cargo-nextest nextest --version",
            "cargo-nextest 0.9.85",
        ],
        name="Install cargo-nextest",
    )


def _compiling(crates: list[str]) -> list[str]:
    out = [f"   Compiling {c} v0.4.2 (/home/runner/work/healer/healer/crates/{c})" for c in crates]
    return out + ["    Finished `test` profile [unoptimized + debuginfo] target(s) in 41.77s"]


# ------------------------------------------------------------------ 1. nextest


def nextest() -> None:
    at(REPO)
    # 1a. rex: every retry fails on the race the change added
    cid = "fr-zx-nextest-retries-race"
    lines = [
        *_compiling(["healer-core", "healer-queue"]),
        "    Starting 118 tests across 9 binaries (2 tests skipped)",
        "        PASS [   0.004s] healer-core config::tests::defaults",
        "        PASS [   0.006s] healer-core config::tests::env_overrides",
        "   TRY 1 FAIL [   0.021s] healer-queue dispatch::tests::drains_each_job_once",
        "──── TRY 1 STDOUT:       healer-queue dispatch::tests::drains_each_job_once",
        "",
        "running 1 test",
        "test dispatch::tests::drains_each_job_once ... FAILED",
        "",
        "failures:",
        "",
        "failures:",
        "    dispatch::tests::drains_each_job_once",
        "",
        "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 41 filtered out; "
        "finished in 0.02s",
        "",
        "──── TRY 1 STDERR:       healer-queue dispatch::tests::drains_each_job_once",
        "thread 'dispatch::tests::drains_each_job_once' (8815) panicked at "
        "crates/healer-queue/src/dispatch.rs:212:9:",
        "assertion `left == right` failed: job 17 handled twice",
        "  left: 2",
        " right: 1",
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
        "",
        "  RETRY 2/3 [         ] healer-queue dispatch::tests::drains_each_job_once",
        "   TRY 2 FAIL [   0.019s] healer-queue dispatch::tests::drains_each_job_once",
        "  RETRY 3/3 [         ] healer-queue dispatch::tests::drains_each_job_once",
        "   TRY 3 FAIL [   0.024s] healer-queue dispatch::tests::drains_each_job_once",
        "──── TRY 3 STDERR:       healer-queue dispatch::tests::drains_each_job_once",
        "thread 'dispatch::tests::drains_each_job_once' (3307) panicked at "
        "crates/healer-queue/src/dispatch.rs:212:9:",
        "assertion `left == right` failed: job 4 handled twice",
        "  left: 2",
        " right: 1",
        "",
        "        PASS [   0.031s] healer-queue dispatch::tests::backoff_caps",
        "------------",
        "     Summary [   3.412s] 118 tests run: 117 passed, 1 failed, 2 skipped",
        "   TRY 3 FAIL [   0.024s] healer-queue dispatch::tests::drains_each_job_once",
        "error: test run failed",
    ]
    ci(
        cid,
        "nextest retries `drains_each_job_once` three times and it fails every try with `job N "
        "handled twice`; the change replaced the queue's `pop` under one lock with a `peek` then "
        "`remove` in two critical sections, so two workers can take the same job: a race in the "
        "code, not a flaky runner",
        ["look-alike", "context-driven", "flaky"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        steps=[
            *rust_setup(),
            _install_nextest(),
            _nextest("cargo nextest run --workspace --profile ci --retries 2", lines),
        ],
        message="perf(queue): peek before taking the lock for removal",
        files=["crates/healer-queue/src/dispatch.rs"],
        pr=pr_of(
            cid,
            "perf(queue): peek before taking the lock for removal",
            "Splits `pop` into `peek` + `remove` so the hot path holds the lock for less time.",
        ),
    )

    # 1b. atlas: self-hosted runner shut down mid-run; tests reported SIGTERM
    cid = "fr-zx-nextest-sigterm-runner-shutdown"
    lines = [
        *_compiling(["healer-store"]),
        "    Starting 64 tests across 4 binaries",
        "        PASS [   0.112s] healer-store migrate::tests::applies_in_order",
        "        PASS [   1.904s] healer-store bulk::tests::import_10k_rows",
        "Cancelling due to signal: 3 tests still running",
        "     SIGTERM [   4.211s] healer-store bulk::tests::import_100k_rows",
        "     SIGTERM [   3.977s] healer-store index::tests::rebuild_concurrent",
        "     SIGTERM [   2.031s] healer-store gc::tests::sweeps_orphans",
        "------------",
        "     Summary [  12.640s] 17/64 tests run: 14 passed, 3 failed, 47 not run",
        "     SIGTERM [   4.211s] healer-store bulk::tests::import_100k_rows",
        "     SIGTERM [   3.977s] healer-store index::tests::rebuild_concurrent",
        "     SIGTERM [   2.031s] healer-store gc::tests::sweeps_orphans",
        "error: test run failed",
    ]
    ci(
        cid,
        "three nextest tests end `SIGTERM` and nextest says `Cancelling due to signal`; the job "
        "ends `The runner has received a shutdown signal` on a self-hosted runner whose pool "
        "scaled down mid-job; the tests never failed on their own: the runner",
        ["look-alike", "platform", "flaky"],
        "atlas",
        "general",
        workflow="store",
        job="nextest",
        steps=[
            *rust_setup(),
            _nextest("cargo nextest run -p healer-store --profile ci", lines, 143),
        ],
        message="feat(store): bulk import in batches of 5k",
        files=["crates/healer-store/src/bulk.rs"],
        self_hosted=True,
        tail=[
            "##[error]The runner has received a shutdown signal. This can happen when the runner "
            "service is stopped, or a manually started runner is canceled.",
            "##[error]The operation was canceled.",
        ],
    )

    # 1c. rex: a real SIGSEGV from the change's unsafe code
    segv = real.cargo(
        "b50-segv",
        {
            "src/lib.rs": (
                "pub struct Ring {\n    buf: *mut u8,\n    len: usize,\n}\n\n"
                "impl Ring {\n"
                "    pub fn empty() -> Self {\n"
                "        Ring { buf: std::ptr::null_mut(), len: 0 }\n    }\n\n"
                "    pub fn push(&mut self, b: u8) {\n"
                "        // SAFETY: the buffer is allocated lazily by `reserve`.\n"
                "        unsafe { self.buf.add(self.len).write_volatile(b) };\n"
                "        self.len += 1;\n    }\n}\n\n"
                "#[cfg(test)]\nmod tests {\n    use super::*;\n\n"
                "    #[test]\n    fn push_into_empty_ring() {\n"
                "        let mut r = Ring::empty();\n        r.push(7);\n"
                "        assert_eq!(r.len, 1);\n    }\n}\n"
            )
        },
        ["test", "--lib"],
        shown="cargo test -p healer-ring --lib",
    )
    assert segv.code and "SIGSEGV" in "\n".join(segv.lines), segv.lines
    cid = "fr-zx-cargo-test-sigsegv-unsafe"
    ci(
        cid,
        "the test binary dies `signal: 11, SIGSEGV: invalid memory reference` in "
        "`push_into_empty_ring`; the change's `Ring::push` writes through a null buffer in an "
        "`unsafe` block, the lazy `reserve` the SAFETY comment mentions never called: the code",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test (ubuntu-latest)",
        steps=[*rust_setup(), failing(segv, name="cargo test")],
        message="perf(ring): lazily allocate the ring buffer",
        files=["crates/healer-ring/src/lib.rs"],
    )

    # 1d. atlas: nextest TIMEOUT on a test that reaches api.github.com; runner has no route
    cid = "fr-zx-nextest-timeout-egress"
    lines = [
        *_compiling(["healer-gh"]),
        "    Starting 37 tests across 2 binaries",
        "        PASS [   0.008s] healer-gh webhook::tests::verifies_signature",
        "        SLOW [> 30.000s] healer-gh release::tests::latest_release_live",
        "     TIMEOUT [  60.003s] healer-gh release::tests::latest_release_live",
        "──── STDOUT:             healer-gh release::tests::latest_release_live",
        "",
        "running 1 test",
        "",
        "──── STDERR:             healer-gh release::tests::latest_release_live",
        "[2026-11-21T14:02:11Z DEBUG reqwest::connect] starting new connection: "
        "https://api.github.com/",
        "",
        "------------",
        "     Summary [  60.118s] 37 tests run: 36 passed, 1 timed out",
        "     TIMEOUT [  60.003s] healer-gh release::tests::latest_release_live",
        "error: test run failed",
    ]
    ci(
        cid,
        "nextest times out `latest_release_live` after 60s stuck on `starting new connection: "
        "https://api.github.com/`; the change touched only the README, the previous attempt of "
        "the same commit passed the test in 0.4s, and the job ran on the new egress-restricted "
        "runner group: the runner's network",
        ["look-alike", "context-driven", "network", "flaky"],
        "atlas",
        "general",
        workflow="rust",
        job="nextest",
        steps=[*rust_setup(), _nextest("cargo nextest run --workspace --profile ci", lines)],
        message="docs(gh): document the release lookup",
        files=["crates/healer-gh/README.md"],
        runner="egress-restricted-4",
    )
    _prev_log(
        cid,
        REPO,
        "rust",
        "nextest",
        [
            *rust_setup(),
            _nextest(
                "cargo nextest run --workspace --profile ci",
                [
                    *_compiling(["healer-gh"]),
                    "    Starting 37 tests across 2 binaries",
                    "        PASS [   0.412s] healer-gh release::tests::latest_release_live",
                    "------------",
                    "     Summary [   1.201s] 37 tests run: 37 passed, 0 skipped",
                ],
                0,
            ),
        ],
    )

    # 1e. rex: TIMEOUT from a lock-order deadlock the change added
    cid = "fr-zx-nextest-timeout-deadlock"
    lines = [
        *_compiling(["healer-cache"]),
        "    Starting 52 tests across 3 binaries",
        "        PASS [   0.003s] healer-cache lru::tests::evicts_oldest",
        "        SLOW [> 30.000s] healer-cache shard::tests::rebalance_while_reading",
        "     TIMEOUT [  60.002s] healer-cache shard::tests::rebalance_while_reading",
        "──── STDOUT:             healer-cache shard::tests::rebalance_while_reading",
        "",
        "running 1 test",
        "",
        "------------",
        "     Summary [  60.090s] 52 tests run: 51 passed, 1 timed out",
        "     TIMEOUT [  60.002s] healer-cache shard::tests::rebalance_while_reading",
        "error: test run failed",
    ]
    ci(
        cid,
        "nextest times out `rebalance_while_reading` after 60s with no output; the change's "
        "`rebalance` takes the index lock then the shard lock while `get` takes them in the "
        "opposite order, a lock-order deadlock the test hits every run: the code",
        ["look-alike", "context-driven"],
        "rex",
        "rust_test",
        workflow="rust",
        job="nextest",
        steps=[*rust_setup(), _nextest("cargo nextest run --workspace --profile ci", lines)],
        message="feat(cache): rebalance shards online",
        files=["crates/healer-cache/src/shard.rs", "crates/healer-cache/src/index.rs"],
        pr=pr_of(
            cid,
            "feat(cache): rebalance shards online",
            "`rebalance` now locks the index first so readers see a consistent map.",
        ),
    )

    # 1f. rex: LEAK-FAIL from a child process the test never reaps
    at(AGENT)
    cid = "fr-zx-nextest-leak-fail"
    lines = [
        "    Finished `test` profile [unoptimized + debuginfo] target(s) in 33.05s",
        "    Starting 29 tests across 2 binaries",
        "        PASS [   0.010s] arbiter sandbox::tests::parses_limits",
        "   LEAK-FAIL [   0.512s] arbiter sandbox::tests::spawns_worker",
        "──── STDERR:             arbiter sandbox::tests::spawns_worker",
        "worker pid 4411 started",
        "",
        "------------",
        "     Summary [   1.388s] 29 tests run: 28 passed, 1 failed",
        "   LEAK-FAIL [   0.512s] arbiter sandbox::tests::spawns_worker",
        "error: test run failed",
    ]
    ci(
        cid,
        "nextest marks `spawns_worker` `LEAK-FAIL`: the test passed but its stdout/stderr "
        "stayed open past the leak timeout; the change's test spawns a worker with "
        "`Command::spawn` and drops the `Child` without `kill`/`wait`, and the repo's "
        "nextest profile fails leaks: the test's code",
        ["flaky"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test",
        repo=AGENT,
        steps=[*rust_setup(), _nextest("cargo nextest run --profile ci", lines)],
        message="test(sandbox): exercise the worker spawn path",
        files=["src/sandbox.rs"],
    )


# ------------------------------------------------------------------ 2. snapshots


def _insta_fail(name: str, file: str, line: int, old: list[str], new: list[str]) -> list[str]:
    width = 78
    out = [
        "━" * width,
        f"Snapshot: {name}",
        f"Source: {file}:{line}",
        "─" * width,
        f"Expression: {name.split('__')[-1]}",
        "─" * width,
        "-old snapshot",
        "+new results",
        "────────────┬" + "─" * (width - 13),
    ]
    for n, (a, b) in enumerate(zip(old, new, strict=True), start=1):
        if a == b:
            out.append(f"{n:>5} {n:>5} │ {a}")
        else:
            out.append(f"{n:>5}       │-{a}")
            out.append(f"      {n:>5} │+{b}")
    out.append("────────────┴" + "─" * (width - 13))
    return out


def snapshots() -> None:
    at(REPO)
    # 2a. rex: insta mismatch from the change's renderer
    cid = "fr-zx-insta-render-mismatch"
    body = [
        "running 14 tests",
        "test render::tests::empty_summary ... ok",
        *_insta_fail(
            "render__tests__failure_summary",
            "crates/healer-report/src/render.rs",
            141,
            ["# Failure summary", "", "- job: lint-rust", "- agent: rex", "- attempts: 2"],
            ["# Failure summary", "", "- job: lint-rust", "- agent: rex", "- attempts: 2/3"],
        ),
        "Stopped on the first failure. Run `cargo insta test` to run all snapshots.",
        "test render::tests::failure_summary ... FAILED",
        "",
        "failures:",
        "",
        "---- render::tests::failure_summary stdout ----",
        "stored new snapshot /home/runner/work/healer/healer/crates/healer-report/src/snapshots/"
        "healer_report__render__tests__failure_summary.snap.new",
        "",
        "thread 'render::tests::failure_summary' (5120) panicked at "
        "/home/runner/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/insta-1.41.1/src/"
        "runtime.rs:679:13:",
        "snapshot assertion for 'failure_summary' failed in line 141",
        "",
        "failures:",
        "    render::tests::failure_summary",
        "",
        "test result: FAILED. 13 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; "
        "finished in 0.04s",
        "",
        "error: test failed, to rerun pass `-p healer-report --lib`",
    ]
    ci(
        cid,
        "insta's `failure_summary` snapshot differs: the change's renderer now prints attempts as "
        "`2/3` and the stored .snap still says `2`; the change did not accept the snapshot "
        "(`cargo insta review`): the Rust crate and its snapshot",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), run("cargo test -p healer-report", body, 101, name="cargo test")],
        message="feat(report): show attempts out of the retry budget",
        files=["crates/healer-report/src/render.rs"],
    )

    # 2b. atlas: insta mismatch from the workflow's new TZ
    cid = "fr-zx-insta-timezone-workflow"
    body = [
        "running 9 tests",
        *_insta_fail(
            "timeline__tests__digest_header",
            "crates/healer-report/src/timeline.rs",
            88,
            [
                "Digest for 2026-11-02",
                "window: 00:00 \u2013 23:59 UTC",
                "runs: 14",
            ],
            [
                "Digest for 2026-11-01",
                "window: 00:00 \u2013 23:59 EST",
                "runs: 14",
            ],
        ),
        "test timeline::tests::digest_header ... FAILED",
        "",
        "failures:",
        "",
        "---- timeline::tests::digest_header stdout ----",
        "thread 'timeline::tests::digest_header' (2291) panicked at "
        "/home/runner/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/insta-1.41.1/src/"
        "runtime.rs:679:13:",
        "snapshot assertion for 'digest_header' failed in line 88",
        "",
        "test result: FAILED. 8 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; "
        "finished in 0.02s",
        "",
        "error: test failed, to rerun pass `-p healer-report --lib`",
    ]
    ci(
        cid,
        "insta's `digest_header` snapshot now reads `EST` and the previous day; the change "
        "touched only the workflow, adding `TZ: America/New_York` to the job env for a "
        "scheduled report step, and the test reads the runner's local zone: the workflow's "
        "clock, not the crate",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="rust",
        job="test",
        steps=[
            *rust_setup(),
            run(
                "cargo test -p healer-report",
                body,
                101,
                name="cargo test",
                env={"CARGO_TERM_COLOR": "always", "TZ": "America/New_York"},
            ),
        ],
        message="ci: run the nightly digest in New York time",
        files=[".github/workflows/rust.yml"],
        pr=pr_of(cid, "ci: run the nightly digest in New York time"),
    )

    # 2c. rex: proptest regression
    cid = "fr-zx-proptest-regression"
    body = [
        "running 6 tests",
        "test backoff::tests::delay_is_monotonic ... FAILED",
        "",
        "failures:",
        "",
        "---- backoff::tests::delay_is_monotonic stdout ----",
        "proptest: Saving this and future failures in "
        "/home/runner/work/healer/healer/crates/healer-retry/proptest-regressions/backoff.txt",
        "proptest: If this test was run on a CI system, you may wish to add the following line "
        "to your copy of the file. (You may need to create it.)",
        "cc 6f1d0e5b2a9c7d4e8f3a1b6c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e # shrinks to "
        "attempt = 31, base_ms = 1",
        "thread 'backoff::tests::delay_is_monotonic' (6604) panicked at "
        "crates/healer-retry/src/backoff.rs:77:5:",
        "Test failed: delay went down: 1073741824 ms then 0 ms; minimal failing input: "
        "attempt = 31, base_ms = 1",
        "\tsuccesses: 212",
        "\tlocal rejects: 0",
        "\tglobal rejects: 0",
        "",
        "",
        "failures:",
        "    backoff::tests::delay_is_monotonic",
        "",
        "test result: FAILED. 5 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; "
        "finished in 0.31s",
        "",
        "error: test failed, to rerun pass `-p healer-retry --lib`",
    ]
    ci(
        cid,
        "proptest shrinks `delay_is_monotonic` to `attempt = 31, base_ms = 1` (delay falls to "
        "0 ms) and suggests a proptest-regressions line; the change's backoff computes "
        "`base_ms << attempt` in u32 and wraps: a real bug the property found",
        ["flaky"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), run("cargo test -p healer-retry", body, 101, name="cargo test")],
        message="refactor(retry): integer backoff",
        files=["crates/healer-retry/src/backoff.rs"],
    )


# ------------------------------------------------------------------ 3. coverage


def coverage() -> None:
    at(REPO)
    # 3a. atlas: cargo llvm-cov threshold raised in the workflow
    cid = "fr-zx-llvm-cov-threshold-workflow"
    body = [
        "    Finished `test` profile [unoptimized + debuginfo] target(s) in 58.31s",
        "     Running unittests src/lib.rs (target/llvm-cov-target/debug/deps/"
        "healer_core-3c9a1f0b7e2d4a61)",
        "",
        "running 212 tests",
        "test result: ok. 212 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; "
        "finished in 1.92s",
        "",
        "Filename                      Regions    Missed Regions     Cover   Functions  "
        "Missed Functions  Executed       Lines      Missed Lines     Cover",
        "TOTAL                            9412              1673    82.22%        1207   "
        "            188    84.42%        7711              1311    83.00%",
        "error: cargo-llvm-cov: coverage rate 83.00% for lines is less than the failure "
        "threshold 90.00%",
    ]
    ci(
        cid,
        "every test passes and `cargo llvm-cov` stops at `coverage rate 83.00% for lines is "
        "less than the failure threshold 90.00%`; the change edited only ci.yml, raising "
        "`--fail-under-lines` from 80 to 90: the workflow's gate, not the code",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="coverage",
        job="llvm-cov",
        steps=[
            *rust_setup(),
            uses("taiki-e/install-action@v2", {"tool": "cargo-llvm-cov"}, name="Install"),
            run(
                "cargo llvm-cov --workspace --lcov --output-path lcov.info --fail-under-lines 90",
                body,
                1,
                name="Coverage",
            ),
        ],
        message="ci(coverage): raise the line gate to 90%",
        files=[".github/workflows/coverage.yml"],
        pr=pr_of(cid, "ci(coverage): raise the line gate to 90%"),
    )

    # 3b. rex: tarpaulin threshold in tarpaulin.toml; the change added an untested module
    cid = "fr-zx-tarpaulin-threshold-code"
    body = [
        "Nov 21 14:03:11.204  INFO cargo_tarpaulin::config: Creating config",
        "Nov 21 14:03:11.371  INFO cargo_tarpaulin: Running Tarpaulin",
        "Nov 21 14:03:11.371  INFO cargo_tarpaulin: Building project",
        "Nov 21 14:03:11.372  INFO cargo_tarpaulin::cargo: Cleaning project",
        "    Finished `test` profile [unoptimized + debuginfo] target(s) in 64.20s",
        "Nov 21 14:04:16.022  INFO cargo_tarpaulin::process_handling::linux: Launching test",
        "Nov 21 14:04:16.022  INFO cargo_tarpaulin::process_handling: running "
        "/home/runner/work/healer/healer/target/debug/deps/healer_notify-5e0b1a7c9d3f2e48",
        "",
        "running 31 tests",
        "test result: ok. 31 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; "
        "finished in 0.88s",
        "",
        "Nov 21 14:04:17.911  INFO cargo_tarpaulin::report: Coverage Results:",
        "|| Uncovered Lines:",
        "|| crates/healer-notify/src/slack.rs: 14-22, 31, 40-88, 95-131",
        "|| crates/healer-notify/src/email.rs: 52, 77",
        "|| Tested/Total Lines:",
        "|| crates/healer-notify/src/email.rs: 61/63",
        "|| crates/healer-notify/src/lib.rs: 40/40",
        "|| crates/healer-notify/src/slack.rs: 3/96",
        "|| crates/healer-notify/src/template.rs: 71/74",
        "||",
        "65.35% coverage, 175/273 lines covered",
        "Nov 21 14:04:17.913 ERROR cargo_tarpaulin: Coverage is below the failure threshold "
        "65.35% < 80.00%",
        'Error: "Coverage is below the failure threshold 65.35% < 80.00%"',
    ]
    ci(
        cid,
        "tarpaulin's `fail-under = 80` in tarpaulin.toml (unchanged) fails at 65.35%: the "
        "change added crates/healer-notify/src/slack.rs with 3 of 96 lines covered and no "
        "tests; the threshold is the tool's config and the gap is the Rust change's",
        ["look-alike", "context-driven"],
        "rex",
        "rust_test",
        workflow="coverage",
        job="tarpaulin",
        steps=[*rust_setup(), run("cargo tarpaulin -p healer-notify", body, 1, name="Coverage")],
        message="feat(notify): Slack notifier",
        files=["crates/healer-notify/src/slack.rs", "crates/healer-notify/src/lib.rs"],
    )

    # 3c. blaze: jest coverageThreshold in jest.config.js; real run
    at(WEB)
    out = real.sh(
        "b50-jest-cov",
        {
            "package.json": json.dumps({"name": "console", "version": "0.9.0", "private": True})
            + "\n",
            "jest.config.js": (
                "module.exports = {\n  collectCoverageFrom: ['src/**/*.js'],\n"
                "  coverageThreshold: { global: { lines: 80, branches: 70 } },\n};\n"
            ),
            "src/money.js": (
                "function cents(n) {\n  return Math.round(n * 100);\n}\n\n"
                "function format(n, currency) {\n"
                "  if (currency === 'EUR') {\n    return `${(cents(n) / 100).toFixed(2)} €`;\n  }\n"
                "  if (currency === 'JPY') {\n    return `¥${Math.round(n)}`;\n  }\n"
                "  if (n < 0) {\n    return `-$${(cents(-n) / 100).toFixed(2)}`;\n  }\n"
                "  return `$${(cents(n) / 100).toFixed(2)}`;\n}\n\n"
                "module.exports = { cents, format };\n"
            ),
            "src/money.test.js": (
                "const { cents } = require('./money');\n\n"
                "test('cents rounds', () => {\n  expect(cents(1.005)).toBe(100);\n"
                "  expect(cents(2.5)).toBe(250);\n});\n"
            ),
        },
        "jest --ci --coverage",
        "npx jest --ci --coverage",
        node_modules=True,
    )
    assert out.code and "coverage threshold" in "\n".join(out.lines), out.lines
    cid = "fr-zx-jest-coverage-threshold-config"
    ci(
        cid,
        "all Jest tests pass but `coverage threshold for lines (80%) not met`: the threshold "
        "lives in jest.config.js, untouched; the change added `format()` with four currency "
        "branches in src/money.js and no test for any of them: the front-end change",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        workflow="console",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(console): currency formatting",
        files=["src/money.js"],
    )

    # 3d. atlas: vitest thresholds added in the workflow's command line
    cid = "fr-zx-vitest-coverage-threshold-workflow"
    body = [
        "",
        " RUN  v2.1.9 /home/runner/work/console/console",
        "      Coverage enabled with v8",
        "",
        " ✓ src/api/client.test.ts (14 tests) 41ms",
        " ✓ src/state/runs.test.ts (22 tests) 63ms",
        " ✓ src/components/RunTable.test.tsx (9 tests) 212ms",
        "",
        " Test Files  3 passed (3)",
        "      Tests  45 passed (45)",
        "   Start at  14:10:02",
        "   Duration  3.91s (transform 402ms, setup 0ms, collect 1.22s, tests 316ms, "
        "environment 1.10s, prepare 388ms)",
        "",
        " % Coverage report from v8",
        "-------------------|---------|----------|---------|---------|-------------------",
        "File               | % Stmts | % Branch | % Funcs | % Lines | Uncovered Line #s ",
        "-------------------|---------|----------|---------|---------|-------------------",
        "All files          |   78.04 |    71.66 |   80.95 |   78.04 |                   ",
        " api               |   91.30 |    85.71 |     100 |   91.30 |                   ",
        "  client.ts        |   91.30 |    85.71 |     100 |   91.30 | 40-43             ",
        " components        |   66.12 |    58.33 |   66.66 |   66.12 |                   ",
        "  RunTable.tsx     |   66.12 |    58.33 |   66.66 |   66.12 | 48-61,88-97       ",
        " state             |   80.00 |    75.00 |   83.33 |   80.00 |                   ",
        "  runs.ts          |   80.00 |    75.00 |   83.33 |   80.00 | 22-30             ",
        "-------------------|---------|----------|---------|---------|-------------------",
        "ERROR: Coverage for lines (78.04%) does not meet global threshold (80%)",
        "ERROR: Coverage for statements (78.04%) does not meet global threshold (80%)",
    ]
    ci(
        cid,
        "Vitest passes 45 tests and fails `Coverage for lines (78.04%) does not meet global "
        "threshold (80%)`; vitest.config.ts has no thresholds and the change only added "
        "`--coverage.thresholds.lines=80 --coverage.thresholds.statements=80` to the "
        "workflow's command: a gate the workflow introduced",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="console",
        job="unit",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx vitest run --coverage --coverage.thresholds.lines=80 "
                "--coverage.thresholds.statements=80",
                body,
                1,
                name="Unit tests",
            ),
        ],
        message="ci(console): enforce 80% coverage",
        files=[".github/workflows/console.yml"],
        pr=pr_of(cid, "ci(console): enforce 80% coverage"),
    )


# ------------------------------------------------------------------ 4. miri and loom


def miri_loom() -> None:
    at(REPO)
    nightly = uses(
        "dtolnay/rust-toolchain@nightly",
        {"components": "miri"},
        [
            "+ rustup toolchain install nightly --profile minimal --component miri "
            "--no-self-update",
            "info: syncing channel updates for 'nightly-x86_64-unknown-linux-gnu'",
            "info: latest update on 2026-11-20, rust version 1.93.0-nightly (a1b2c3d4e 2026-11-19)",
        ],
        name="Install nightly",
    )
    # 4a. rex: miri UB report
    cid = "fr-zx-miri-ub-out-of-bounds"
    body = [
        "Preparing a sysroot for Miri (target: x86_64-unknown-linux-gnu)... done",
        "   Compiling healer-arena v0.4.2 (/home/runner/work/healer/healer/crates/healer-arena)",
        "    Finished `test` profile [unoptimized + debuginfo] target(s) in 4.11s",
        "     Running unittests src/lib.rs "
        "(target/miri/x86_64-unknown-linux-gnu/debug/deps/healer_arena-0f9e2d7c1b4a3e58)",
        "",
        "running 7 tests",
        "test tests::alloc_many ... ok",
        "test tests::reset_reuses ... error: Undefined Behavior: in-bounds pointer arithmetic "
        "failed: attempting to offset pointer by 64 bytes, but got alloc1844 which is only 64 "
        "bytes from the end of the allocation",
        "   --> crates/healer-arena/src/lib.rs:58:24",
        "    |",
        "58  |         let slot = unsafe { self.base.add(self.cap) };",
        "    |                             ^^^^^^^^^^^^^^^^^^^^^^^ Undefined Behavior occurred here",
        "    |",
        "    = help: this indicates a bug in the program: it performed an invalid operation, "
        "and caused Undefined Behavior",
        "    = help: see https://doc.rust-lang.org/nightly/reference/behavior-considered-undefined"
        ".html for further information",
        "help: alloc1844 was allocated here:",
        "   --> crates/healer-arena/src/lib.rs:31:20",
        "    |",
        "31  |         let base = unsafe { alloc(layout) };",
        "    |                             ^^^^^^^^^^^^^",
        "    = note: BACKTRACE (of the first span) on thread `tests::reset_reuses`:",
        "    = note: inside `Arena::reset` at crates/healer-arena/src/lib.rs:58:24: 58:47",
        "note: inside closure",
        "   --> crates/healer-arena/src/lib.rs:112:5",
        "",
        "note: some details are omitted, run with `MIRIFLAGS=-Zmiri-backtrace=full` for a "
        "verbose backtrace",
        "",
        "error: aborting due to 1 previous error",
        "",
        "error: test failed, to rerun pass `-p healer-arena --lib`",
        "",
        "Caused by:",
        "  process didn't exit successfully: `/home/runner/.rustup/toolchains/"
        "nightly-x86_64-unknown-linux-gnu/bin/cargo-miri runner /home/runner/work/healer/"
        "healer/target/miri/x86_64-unknown-linux-gnu/debug/deps/healer_arena-0f9e2d7c1b4a3e58` "
        "(exit status: 1)",
    ]
    ci(
        cid,
        "miri reports `Undefined Behavior: in-bounds pointer arithmetic failed` at "
        "`self.base.add(self.cap)` in `Arena::reset`, the code the change rewrote: the arena's "
        "unsafe offset is one past the end; regular tests passed, miri's is a real bug",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="miri",
        job="miri",
        steps=[nightly, run("cargo +nightly miri test -p healer-arena", body, 101, name="Miri")],
        message="perf(arena): reset without reallocating",
        files=["crates/healer-arena/src/lib.rs"],
    )

    # 4b. atlas: the miri component missing from the nightly
    cid = "fr-zx-miri-component-unavailable"
    missing = uses(
        "dtolnay/rust-toolchain@nightly",
        {"components": "miri"},
        [
            "+ rustup toolchain install nightly --profile minimal --component miri "
            "--no-self-update",
            "info: syncing channel updates for 'nightly-x86_64-unknown-linux-gnu'",
            "info: latest update on 2026-11-22, rust version 1.93.0-nightly (9f8e7d6c5 2026-11-21)",
            "error: component 'miri' for target 'x86_64-unknown-linux-gnu' is unavailable for "
            "download for channel 'nightly'",
            "Sometimes not all components are available in any given nightly. If you don't need "
            "the component, you could try a minimal installation with:",
            "",
            "    rustup toolchain add nightly --profile minimal",
            "",
            "If you require these components, please install and use the latest successful "
            "build version,",
            "which you can find at <https://rust-lang.github.io/rustup-components-history>.",
            "",
            "After determining the correct date, install it with a command such as:",
            "",
            "    rustup toolchain install nightly-2018-12-27",
            "",
            "Then you can use the toolchain with commands such as:",
            "",
            "    cargo +nightly-2018-12-27 build",
        ],
        name="Install nightly",
        error=["##[error]Process completed with exit code 1."],
    )
    ci(
        cid,
        "the miri job fails before any test: `component 'miri' ... is unavailable for download "
        "for channel 'nightly'`; the workflow installs floating `nightly`, and the change "
        "touched the same arena crate as a miri UB would: the toolchain pin is the workflow's",
        ["look-alike", "platform"],
        "atlas",
        "general",
        workflow="miri",
        job="miri",
        steps=[missing],
        message="perf(arena): bump chunk size",
        files=["crates/healer-arena/src/lib.rs"],
    )

    # 4c. rex: loom causality violation
    cid = "fr-zx-loom-causality"
    body = [
        "    Finished `test` profile [optimized + debuginfo] target(s) in 22.70s",
        "     Running tests/loom_slot.rs (target/release/deps/loom_slot-6a2f0c9e1d7b3e44)",
        "",
        "running 2 tests",
        "test publish_then_read ... ok",
        "test concurrent_swap ... FAILED",
        "",
        "failures:",
        "",
        "---- concurrent_swap stdout ----",
        "================== Iteration 1 ==================",
        "================== Iteration 2 ==================",
        "================== Iteration 3 ==================",
        "thread 'concurrent_swap' (8812) panicked at /home/runner/.cargo/registry/src/"
        "index.crates.io-1949cf8c6b5b557f/loom-0.7.2/src/rt/location.rs:115:9:",
        "Causality violation: Concurrent load and mut accesses.",
        "    created: crates/healer-slot/src/lib.rs:22:18",
        "  with_mut: thread #1 @ crates/healer-slot/src/lib.rs:47:13",
        "      load: thread #2 @ crates/healer-slot/src/lib.rs:61:9",
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
        "",
        "failures:",
        "    concurrent_swap",
        "",
        "test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; "
        "finished in 1.48s",
        "",
        "error: test failed, to rerun pass `-p healer-slot --test loom_slot`",
    ]
    ci(
        cid,
        "loom finds `Causality violation: Concurrent load and mut accesses` in the third "
        "interleaving of `concurrent_swap`: the change's `swap` writes the UnsafeCell without "
        "the Acquire load its reader pairs with; a real data race in the slot crate",
        ["flaky"],
        "rex",
        "rust_test",
        workflow="rust",
        job="loom",
        steps=[
            *rust_setup(),
            run(
                "cargo test -p healer-slot --test loom_slot --release",
                body,
                101,
                name="loom",
                env={"RUSTFLAGS": "--cfg loom", "LOOM_MAX_PREEMPTIONS": "3"},
            ),
        ],
        message="perf(slot): relaxed swap",
        files=["crates/healer-slot/src/lib.rs"],
    )


# ------------------------------------------------------------------ 5. web environments


def web_env() -> None:
    at(WEB)
    # 5a. blaze: jsdom environment without the package
    out = real.vitest(
        "b50-vitest-jsdom",
        {
            "vitest.config.js": (
                "import { defineConfig } from 'vitest/config';\n"
                "export default defineConfig({ test: { environment: 'jsdom' } });\n"
            ),
            "src/title.test.js": (
                "import { test, expect } from 'vitest';\n"
                "test('title', () => {\n  document.title = 'Runs';\n"
                "  expect(document.title).toBe('Runs');\n});\n"
            ),
        },
    )
    assert out.code, out.lines
    cid = "fr-zx-vitest-jsdom-missing"
    ci(
        cid,
        "Vitest cannot start the `jsdom` environment: the change set `environment: 'jsdom'` "
        "in vitest.config.js but never added jsdom to devDependencies; `npm ci` installed "
        "exactly the lockfile: the front-end's dependency",
        ["look-alike"],
        "blaze",
        "frontend_deps",
        workflow="console",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="test(console): DOM tests under jsdom",
        files=["vitest.config.js", "src/title.test.js"],
    )

    # 5b. blaze: document is not defined after the config moved to node
    out = real.vitest(
        "b50-vitest-node-env",
        {
            "vitest.config.js": (
                "import { defineConfig } from 'vitest/config';\n"
                "export default defineConfig({ test: { environment: 'node' } });\n"
            ),
            "src/banner.js": (
                "export function mountBanner(text) {\n"
                "  const el = document.createElement('div');\n"
                "  el.textContent = text;\n  return el;\n}\n"
            ),
            "src/banner.test.js": (
                "import { test, expect } from 'vitest';\n"
                "import { mountBanner } from './banner.js';\n"
                "test('banner text', () => {\n"
                "  expect(mountBanner('Degraded').textContent).toBe('Degraded');\n});\n"
            ),
        },
    )
    assert out.code and "document is not defined" in "\n".join(out.lines), out.lines
    cid = "fr-zx-vitest-document-not-defined"
    ci(
        cid,
        "`ReferenceError: document is not defined` in banner.test.js: the change switched "
        "vitest.config.js from happy-dom to `environment: 'node'` to speed up the suite, and "
        "the banner's DOM test needs a DOM environment (or a `// @vitest-environment` comment)",
        [],
        "blaze",
        "frontend_test",
        workflow="console",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="test(console): run unit tests in node for speed",
        files=["vitest.config.js"],
    )

    # 5c. blaze: fake timers leak between tests
    out = real.vitest(
        "b50-vitest-fake-timers",
        {
            "vitest.config.js": (
                "import { defineConfig } from 'vitest/config';\n"
                "export default defineConfig({ test: { testTimeout: 500 } });\n"
            ),
            "src/poll.js": (
                "export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n"
                "export async function pollOnce(fetcher) {\n  await sleep(20);\n"
                "  return fetcher();\n}\n"
            ),
            "src/poll.test.js": (
                "import { test, expect, vi } from 'vitest';\n"
                "import { sleep, pollOnce } from './poll.js';\n\n"
                "test('debounce waits', () => {\n  vi.useFakeTimers();\n"
                "  const fn = vi.fn();\n  setTimeout(fn, 1000);\n"
                "  vi.advanceTimersByTime(1000);\n  expect(fn).toHaveBeenCalled();\n});\n\n"
                "test('pollOnce returns the fetch', async () => {\n"
                "  expect(await pollOnce(() => 42)).toBe(42);\n});\n"
            ),
        },
    )
    assert out.code and "timed out" in "\n".join(out.lines), out.lines
    # the pin for durations also rewrites the configured timeout; restore it (testTimeout: 500)
    out = real.Out(
        out.command,
        [ln.replace("timed out in 9ms", "timed out in 500ms") for ln in out.lines],
        out.code,
    )
    cid = "fr-zx-vitest-fake-timers-leak"
    ci(
        cid,
        "`pollOnce returns the fetch` times out in 500ms: the test before it calls "
        "`vi.useFakeTimers()` and never restores real timers, so `setTimeout` in the next test "
        "never fires; a test-isolation bug the change's new test introduced, not a slow runner",
        ["look-alike", "flaky"],
        "blaze",
        "frontend_test",
        workflow="console",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="test(console): cover the debounce",
        files=["src/poll.test.js"],
    )


# ------------------------------------------------------------------ 6. Playwright, Storybook


def _pw_install() -> Step:
    return run(
        "npx playwright install --with-deps chromium",
        [
            "Downloading Chromium 131.0.6778.33 (playwright build v1148) from "
            "https://playwright.azureedge.net/builds/chromium/1148/chromium-linux.zip",
            "|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■|"
            " 100% of 164.6 MiB",
            "Chromium 131.0.6778.33 (playwright build v1148) downloaded to "
            "/home/runner/.cache/ms-playwright/chromium-1148",
        ],
        name="Install browsers",
    )


def browsers() -> None:
    at(WEB)
    # 6a. blaze: locator fails on every retry after the change's copy edit
    cid = "fr-zx-playwright-locator-retries"
    body = [
        "",
        "Running 38 tests using 2 workers",
        "",
        "  ✘  12 [chromium] \u203a e2e/runs.spec.ts:41:7 \u203a runs \u203a retry button re-queues a failed "
        "run (5.2s)",
        "  ✘  13 [chromium] \u203a e2e/runs.spec.ts:41:7 \u203a runs \u203a retry button re-queues a failed "
        "run (retry #1) (5.1s)",
        "  ✘  14 [chromium] \u203a e2e/runs.spec.ts:41:7 \u203a runs \u203a retry button re-queues a failed "
        "run (retry #2) (5.1s)",
        "",
        "  1) [chromium] \u203a e2e/runs.spec.ts:41:7 \u203a runs \u203a retry button re-queues a failed run ",
        "",
        "    Error: Timed out 5000ms waiting for expect(locator).toBeVisible()",
        "",
        "    Locator: getByRole('button', { name: 'Retry run' })",
        "    Expected: visible",
        "    Received: <element(s) not found>",
        "    Call log:",
        "      - expect.toBeVisible with timeout 5000ms",
        "      - waiting for getByRole('button', { name: 'Retry run' })",
        "",
        "      43 |     await page.goto('/runs/failed');",
        "      44 |     const retry = page.getByRole('button', { name: 'Retry run' });",
        "    > 45 |     await expect(retry).toBeVisible();",
        "         |                         ^",
        "      46 |     await retry.click();",
        "",
        "        at /home/runner/work/console/console/e2e/runs.spec.ts:45:25",
        "",
        "    attachment #1: trace (application/zip) ─────────────────────────────────────────",
        "    test-results/runs-runs-retry-button-re-queues-a-failed-run-chromium-retry2/trace.zip",
        "    Usage:",
        "",
        "        npx playwright show-trace test-results/runs-runs-retry-button-re-queues-a-"
        "failed-run-chromium-retry2/trace.zip",
        "",
        "    ────────────────────────────────────────────────────────────────────────────────",
        "",
        "  1 failed",
        "    [chromium] \u203a e2e/runs.spec.ts:41:7 \u203a runs \u203a retry button re-queues a failed run ",
        "  37 passed (1.4m)",
    ]
    ci(
        cid,
        "Playwright fails `retry button re-queues a failed run` on the first try and both "
        "retries, `getByRole('button', { name: 'Retry run' })` not found; the change renamed "
        "the button to `Re-run` in RunActions.tsx and left the spec: the front-end, not a flake",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="e2e",
        job="playwright",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            _pw_install(),
            run("npx playwright test --retries=2", body, 1, name="E2E"),
        ],
        message="feat(console): call it Re-run",
        files=["src/components/RunActions.tsx"],
    )

    # 6b. atlas: ENOSPC writing traces on a full runner disk
    cid = "fr-zx-playwright-enospc-traces"
    body = [
        "",
        "Running 38 tests using 2 workers",
        "",
        "  ✓   1 [chromium] \u203a e2e/login.spec.ts:8:7 \u203a login \u203a signs in (2.1s)",
        "  ✓   2 [chromium] \u203a e2e/runs.spec.ts:12:7 \u203a runs \u203a lists runs (1.8s)",
        "  ✘   9 [chromium] \u203a e2e/runs.spec.ts:41:7 \u203a runs \u203a retry button re-queues a failed "
        "run (3.0s)",
        "  ✓  10 [chromium] \u203a e2e/runs.spec.ts:41:7 \u203a runs \u203a retry button re-queues a failed "
        "run (retry #1) (3.3s)",
        "  ✘  17 [chromium] \u203a e2e/settings.spec.ts:20:7 \u203a settings \u203a saves the webhook url (1.2s)",
        "",
        "  1) [chromium] \u203a e2e/settings.spec.ts:20:7 \u203a settings \u203a saves the webhook url ",
        "",
        "    Error: ENOSPC: no space left on device, write",
        "",
        "    Error: ENOSPC: no space left on device, open '/home/runner/work/console/console/"
        "test-results/.playwright-artifacts-1/traces/a3f1c9e2d7b4-recording1.network'",
        "",
        "  2) [chromium] \u203a e2e/runs.spec.ts:41:7 \u203a runs \u203a retry button re-queues a failed run ",
        "",
        "    Error: ENOSPC: no space left on device, write",
        "",
        "  1 failed",
        "    [chromium] \u203a e2e/settings.spec.ts:20:7 \u203a settings \u203a saves the webhook url ",
        "  1 flaky",
        "    [chromium] \u203a e2e/runs.spec.ts:41:7 \u203a runs \u203a retry button re-queues a failed run ",
        "  36 passed (1.2m)",
    ]
    ci(
        cid,
        "Playwright reports `1 failed`, `1 flaky`, both with `ENOSPC: no space left on device` "
        "while writing trace files; the runner's disk filled (its job log warns the free space "
        "is 0 MB), and the change only edited a settings label: the runner's disk",
        ["look-alike", "platform", "flaky"],
        "atlas",
        "general",
        workflow="e2e",
        job="playwright",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            _pw_install(),
            run("npx playwright test --retries=1 --trace=on", body, 1, name="E2E"),
        ],
        message="fix(console): settings label typo",
        files=["src/pages/Settings.tsx"],
        tail=[
            "##[warning]You are running out of disk space. The runner will stop working when "
            "the machine runs out of disk space. Free space left: 0 MB",
        ],
    )

    # 6c. rex: e2e 502s whose cause is the Rust api's panic (Loki + pod context)
    cid = "fr-zx-playwright-502-api-panic"
    body = [
        "",
        "Running 22 tests using 1 worker",
        "",
        "  ✘   1 [chromium] \u203a e2e/smoke.spec.ts:6:7 \u203a smoke \u203a dashboard loads runs (10.4s)",
        "  ✘   2 [chromium] \u203a e2e/smoke.spec.ts:6:7 \u203a smoke \u203a dashboard loads runs (retry #1) "
        "(10.3s)",
        "",
        "  1) [chromium] \u203a e2e/smoke.spec.ts:6:7 \u203a smoke \u203a dashboard loads runs ",
        "",
        "    Error: expect(received).toBe(expected) // Object.is equality",
        "",
        "    Expected: 200",
        "    Received: 502",
        "",
        "       8 |     const res = await page.request.get('/api/runs?limit=20');",
        "    >  9 |     expect(res.status()).toBe(200);",
        "         |                          ^",
        "",
        "        at /home/runner/work/console/console/e2e/smoke.spec.ts:9:26",
        "",
        "  1 failed",
        "    [chromium] \u203a e2e/smoke.spec.ts:6:7 \u203a smoke \u203a dashboard loads runs ",
        "  21 passed (48.1s)",
    ]
    panic = [
        "thread 'main' (8815) panicked at crates/healer-api/src/config.rs:44:51:",
        "called `Result::unwrap()` on an `Err` value: ParseIntError { kind: InvalidDigit }",
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
    ]
    extra = crashing(
        cid, "staging", "healer-api", "ghcr.io/5dlabs/healer-api:sha-" + sha(cid)[:7], 101, panic
    )
    ci(
        cid,
        "the staging smoke e2e gets 502 from `/api/runs` on both tries; the console change is "
        "cosmetic, and the context shows healer-api in CrashLoopBackOff (exit 101) with Loki's "
        "`called Result::unwrap() on an Err value: ParseIntError` from config.rs, the Rust "
        "api's panic on the deploy the e2e ran against",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_build",
        workflow="e2e-staging",
        job="smoke",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            _pw_install(),
            run(
                "npx playwright test --project=chromium --grep @smoke --retries=1",
                body,
                1,
                name="Smoke",
                env={"BASE_URL": "https://staging.console.5dlabs.dev"},
            ),
        ],
        message="style(console): tighten table spacing",
        files=["src/components/RunTable.css"],
        extra=extra,
    )

    # 6d. blaze: Storybook test-runner, a play function fails
    at(UI)
    cid = "fr-zx-storybook-play-fails"
    body = [
        "",
        "> ui-kit@2.3.0 test-storybook",
        "> test-storybook --url http://127.0.0.1:6006",
        "",
        "FAIL browser: chromium src/Dialog/Dialog.stories.tsx",
        "  Components/Dialog",
        "    Default",
        "      ✓ smoke-test (412 ms)",
        "    ConfirmClose",
        "      ✕ play-test (1207 ms)",
        "",
        "  ● Components/Dialog \u203a ConfirmClose \u203a play-test",
        "",
        "    page.evaluate: StorybookTestRunnerError: ",
        "    An error occurred in the following story. Access the link for full output:",
        "    http://127.0.0.1:6006/?path=/story/components-dialog--confirm-close&addonPanel="
        "storybook/interactions/panel",
        "",
        "    Message:",
        "     TypeError: Cannot read properties of undefined (reading 'focus')",
        "        at Object.play (http://127.0.0.1:6006/src/Dialog/Dialog.stories.tsx:38:31)",
        "",
        "PASS browser: chromium src/Button/Button.stories.tsx",
        "",
        "Test Suites: 1 failed, 11 passed, 12 total",
        "Tests:       1 failed, 47 passed, 48 total",
        "Snapshots:   0 total",
        "Time:        14.882 s",
        "Ran all test suites.",
    ]
    ci(
        cid,
        "the Storybook test-runner fails `ConfirmClose \u203a play-test` with `Cannot read "
        "properties of undefined (reading 'focus')` in the story's play function: the change "
        "removed the Dialog's `closeButtonRef` forwarding the story uses; the component's code",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="storybook",
        job="test-storybook",
        repo=UI,
        steps=[*node_setup(), npm_ci_ok(), run("npm run test-storybook", body, 1, name="Test")],
        message="refactor(dialog): drop the close button ref",
        files=["src/Dialog/Dialog.tsx"],
    )

    # 6e. atlas: Storybook not running; the change dropped the workflow's wait-on
    closed = real.free_port()
    out = real.sh(
        "b50-curl-storybook",
        {},
        f"curl -sS --fail http://127.0.0.1:{closed}/iframe.html",
        "curl -sS --fail http://127.0.0.1:6006/iframe.html",
        hosts={f"127.0.0.1:{closed}": "127.0.0.1:6006", f"port {closed}": "port 6006"},
    )
    assert out.code, out.lines
    cid = "fr-zx-storybook-not-running-workflow"
    body = [
        "",
        "> ui-kit@2.3.0 test-storybook",
        "> test-storybook --url http://127.0.0.1:6006",
        "",
        "[test-storybook] It seems that your Storybook instance is not running at: "
        "http://127.0.0.1:6006. Are you sure it's running?",
        "",
        "If you're not running Storybook on the default 6006 port or want to run the tests "
        "against any custom URL, you can pass the --url flag like so:",
        "",
        "yarn test-storybook --url http://127.0.0.1:9009",
        "",
        "More info at https://github.com/storybookjs/test-runner#getting-started",
    ]
    ci(
        cid,
        "the test-runner says `Storybook instance is not running at: http://127.0.0.1:6006` "
        "and curl gets connection refused; the change rewrote the workflow to start "
        "`http-server storybook-static` in the background and dropped the `wait-on` step, so "
        "the tests start before the server listens: the workflow, no story failed",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="storybook",
        job="test-storybook",
        repo=UI,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx http-server storybook-static --port 6006 --silent &",
                [],
                name="Serve Storybook",
            ),
            run("npm run test-storybook", body, 1, name="Test"),
            failing(out, name="Debug: probe Storybook"),
        ],
        message="ci(storybook): serve the static build",
        files=[".github/workflows/storybook.yml"],
        pr=pr_of(cid, "ci(storybook): serve the static build"),
    )


# ------------------------------------------------------------------ 7. plain


def plain() -> None:
    at(REPO)
    out = real.cargo(
        "b50-cargo-test-plain",
        {
            "src/lib.rs": (
                "pub fn percent(done: u32, total: u32) -> u32 {\n"
                "    done * 100 / (total + 1)\n}\n\n"
                "#[cfg(test)]\nmod tests {\n    use super::*;\n\n"
                "    #[test]\n    fn half_is_fifty() {\n"
                "        assert_eq!(percent(5, 10), 50);\n    }\n}\n"
            )
        },
        ["test", "--lib"],
        shown="cargo test --workspace",
    )
    assert out.code and "assertion" in "\n".join(out.lines), out.lines
    cid = "fr-zx-plain-cargo-test-assert"
    ci(
        cid,
        "cargo test fails `half_is_fifty`: `percent(5, 10)` returns 45 since the change "
        "divides by `total + 1`; a plain Rust test failure",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="fix(progress): avoid division by zero",
        files=["crates/healer-progress/src/lib.rs"],
    )

    out = real.cargo(
        "b50-doctest",
        {
            "src/lib.rs": (
                "/// Parses a duration like `90s` or `5m`.\n///\n/// ```\n"
                "/// use healer::parse_duration;\n"
                '/// assert_eq!(parse_duration("5m"), Some(300));\n/// ```\n'
                "pub fn parse_duration(s: &str) -> Option<u64> {\n"
                "    let (n, unit) = s.split_at(s.len() - 1);\n"
                "    let n: u64 = n.parse().ok()?;\n"
                '    match unit {\n        "s" => Some(n),\n'
                '        "m" => Some(n * 6),\n        _ => None,\n    }\n}\n'
            )
        },
        ["test", "--doc"],
        shown="cargo test --doc",
    )
    assert out.code and "doctest" in "\n".join(out.lines).lower(), out.lines
    cid = "fr-zx-plain-doctest"
    ci(
        cid,
        'the doc test on `parse_duration` fails: `parse_duration("5m")` returns 30, not 300, '
        "since the change multiplies minutes by 6; a plain Rust doc-test failure",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="rust",
        job="doctest",
        steps=[*rust_setup(), failing(out, name="Doc tests")],
        message="feat(util): parse minute durations",
        files=["crates/healer-util/src/lib.rs"],
    )

    at(WEB)
    out = real.vitest(
        "b50-vitest-snapshot",
        {
            "src/label.js": (
                "export function statusLabel(s) {\n"
                "  return s === 'failed' ? 'Failed ✗' : s[0].toUpperCase() + s.slice(1);\n}\n"
            ),
            "src/label.test.js": (
                "import { test, expect } from 'vitest';\n"
                "import { statusLabel } from './label.js';\n"
                "test('labels', () => {\n"
                "  expect(['queued', 'failed'].map(statusLabel)).toMatchSnapshot();\n});\n"
            ),
            "src/__snapshots__/label.test.js.snap": (
                "// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html\n\n"
                'exports[`labels 1`] = `\n[\n  "Queued",\n  "Failed",\n]\n`;\n'
            ),
        },
    )
    assert out.code and "Snapshot" in "\n".join(out.lines), out.lines
    cid = "fr-zx-plain-vitest-snapshot"
    ci(
        cid,
        "Vitest's `labels` snapshot mismatches: the change's statusLabel returns `Failed ✗` and "
        "the stored snapshot says `Failed`; a plain front-end snapshot failure",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="console",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(console): mark failed runs",
        files=["src/label.js"],
    )

    at(REPO)
    out = real.actionlint(
        "b50-actionlint",
        {
            "test.yml": (
                "name: test\non: [push]\njobs:\n  nextest:\n    runs-on: ubuntu-latest\n"
                "    timeout-minutes: 30\n    steps:\n      - uses: actions/checkout@v4\n"
                "      - run: cargo nextest run --profile ci\n"
                "        retries: 2\n"
            )
        },
    )
    assert out.code, out.lines
    cid = "fr-zx-plain-actionlint-retries-key"
    ci(
        cid,
        "actionlint rejects the test workflow: the change put `retries: 2` on a step, a key "
        "steps do not have (nextest's retries belong on its command line or profile); a plain "
        "workflow-file error",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="lint-workflows",
        job="actionlint",
        steps=[failing(out, name="actionlint")],
        message="ci(test): retry flaky tests twice",
        files=[".github/workflows/test.yml"],
    )
