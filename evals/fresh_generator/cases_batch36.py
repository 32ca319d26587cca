"""Batch 36 of the fresh split (ids ``fr-zj-``): look-alikes inside test runners, where the
failing line is a test runner's verdict and only the test's own output, the change, the
runner or the step tells the owner.

- test order and isolation: a Rust test the change added leaves an env var set so a later
  test reads it (rex), a new Rust test changes the process's working directory so later
  fixture reads fail (rex), a persistent self-hosted runner leaving another job's state file
  in /tmp that the suite refuses to reuse (atlas);
- retries: nextest retrying a known-flaky test into ``TRY 2 PASS`` while the real failure is
  a config-parsing test the change broke (rex), nextest's retried test passing and another
  test failing with ``No space left on device`` on a full self-hosted runner disk (atlas),
  Jest ``retryTimes`` and Vitest ``--retry=2`` whose every attempt fails on the change's bug
  (blaze);
- coverage gates: ``cargo llvm-cov --fail-under-lines`` after the change deleted a test
  module (rex) vs after the workflow raised the threshold (atlas); Jest's ``coverageThreshold``
  after the change added untested code (blaze) vs after the workflow passed a stricter
  ``--coverageThreshold`` (atlas);
- environment-dependent tests: the workflow's new job-level ``NODE_ENV: production`` changing
  what the code under test does (atlas), a Vitest test the change wrote that reads an env var
  only the author's .env.local sets (blaze), a Rust test the change wrote that unwraps an env
  var CI does not set (rex);
- watch and hang: Vitest left in watch mode by the change's package.json ``test`` script
  until the job times out (blaze), a Rust test the change added that pipes stdin to a child
  and never closes it, so cargo reports it running for over 60 seconds (rex);
- doc tests and fixtures: ``cargo test --doc`` failing on the README example the change edited
  (rex), ``node --test`` running a fixture the change added under ``test/fixtures`` (blaze);
- test data downloads: a test fetching a fixture whose name the change mistyped gets a 404
  (blaze) vs the fixture host answering 503 to every download (atlas);
- plain cases: a cargo test assertion, a Vitest assertion, a node --test assertion.

Cases tagged ``obvious``: the three plain cases and the README doc test.
"""

from __future__ import annotations

import re

import real
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup
from gha import run

REPO = "5dlabs/healer"
WEB = "5dlabs/console"


def build() -> None:
    isolation()
    retries()
    coverage()
    env_tests()
    hangs()
    doc_tests()
    downloads()
    plain()


def _lib(cid: str, files: dict[str, str], args: list[str] | None = None) -> real.Out:
    """``cargo test`` on a scratch library crate."""
    files = {"Cargo.toml": real.cargo_toml("healer"), **files}
    files.setdefault("src/lib.rs", "")
    return real.cargo(cid, files, args or ["test"])


def _node_test(cid: str, files: dict[str, str]) -> real.Out:
    """``node --test`` in a scratch package, per-test durations pinned."""
    path = real.node_project(cid, files)
    lines, code = real.run(["node", "--test"], path)
    lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 1.228161", ln) for ln in lines]
    return real.Out("node --test", lines, code)


def _steady(out: real.Out) -> real.Out:
    """Jest prints a test's duration only when it was slow; drop it so rebuilds match."""
    lines = [re.sub(r"^(\s+[✓✕] .*?) \(9ms\)$", r"\1", ln) for ln in out.lines]
    return real.Out(out.command, lines, out.code)


def _rust_job(cid: str, desc: str, tags: list[str], agent: str, ftype: str, out, **kw):
    steps = kw.pop("steps", None) or [*rust_setup(), failing(out, name=kw.pop("step", "Test"))]
    return ci(cid, desc, tags, agent, ftype, workflow=kw.pop("workflow", "rust"), steps=steps, **kw)


def _web_job(cid: str, desc: str, tags: list[str], agent: str, ftype: str, out, **kw):
    steps = kw.pop("steps", None) or [
        *node_setup(),
        npm_ci_ok(),
        failing(out, name=kw.pop("step", "Test"), env=kw.pop("env", None)),
    ]
    return ci(
        cid,
        desc,
        tags,
        agent,
        ftype,
        workflow=kw.pop("workflow", "web"),
        repo=WEB,
        steps=steps,
        **kw,
    )


# ------------------------------------------------------------------ 1. isolation


CONFIG_RS = """use std::env;

pub fn config_path() -> String {
    env::var("HEALER_CONFIG").unwrap_or_else(|_| "/etc/healer/config.yaml".to_string())
}
"""


def isolation() -> None:
    at(REPO)
    # 1a. rex: the new test sets HEALER_CONFIG and never restores it
    cid = "fr-zj-iso-env-var-leaks-into-default-test"
    out = _lib(
        cid,
        {
            "src/lib.rs": CONFIG_RS,
            "tests/config.rs": """use healer::config_path;

#[test]
fn config_path_from_env() {
    std::env::set_var("HEALER_CONFIG", "/tmp/healer-custom.yaml");
    assert_eq!(config_path(), "/tmp/healer-custom.yaml");
}

#[test]
fn default_config_path() {
    assert_eq!(config_path(), "/etc/healer/config.yaml");
}
""",
        },
    )
    assert out.code != 0, out.lines
    _rust_job(
        cid,
        "`default_config_path` fails with the custom path: the test the change added sets "
        "HEALER_CONFIG with std::env::set_var and never restores it, so the test that runs "
        "after it in the same process reads the leaked value",
        ["look-alike"],
        "rex",
        "rust_test",
        out,
        job="test",
        message="feat(config): allow HEALER_CONFIG to override the config path",
        files=["tests/config.rs", "src/lib.rs"],
        pr=pr_of(
            cid,
            "feat(config): allow HEALER_CONFIG to override the config path",
            "Both tests pass when I run them one at a time with `cargo test <name>`.",
        ),
    )

    # 1b. rex: the new test changes the process's cwd
    cid = "fr-zj-iso-set-current-dir-breaks-fixtures"
    out = _lib(
        cid,
        {
            "tests/fixtures/job.json": '{"name": "lint", "conclusion": "failure"}\n',
            "tests/replay.rs": """use std::fs;

#[test]
fn export_writes_into_workdir() {
    let dir = std::env::temp_dir().join("healer-export-test");
    fs::create_dir_all(&dir).unwrap();
    std::env::set_current_dir(&dir).unwrap();
    fs::write("export.json", "{}").unwrap();
    assert!(dir.join("export.json").exists());
}

#[test]
fn replay_reads_job_fixture() {
    let body = fs::read_to_string("tests/fixtures/job.json").expect("read tests/fixtures/job.json");
    assert!(body.contains("\\"conclusion\\": \\"failure\\""));
}
""",
        },
    )
    assert out.code != 0, out.lines
    _rust_job(
        cid,
        "`replay_reads_job_fixture` cannot find tests/fixtures/job.json: the export test the "
        "change added calls std::env::set_current_dir, which is process-wide, so every later "
        "test resolves relative paths from the temp dir",
        ["look-alike"],
        "rex",
        "rust_test",
        out,
        job="cargo-test",
        message="test(export): cover writing export.json into the working directory",
        files=["tests/replay.rs"],
    )

    # 1c. atlas: persistent self-hosted runner leaves another job's state in /tmp
    cid = "fr-zj-iso-self-hosted-stale-tmp-state"
    path = real.scratch(
        cid + "-tmp", {"healer-it/queue.lock": "pid=41822 job=e2e (feat/queue-v2)\n"}
    )
    out = real.cargo(
        cid,
        {
            "Cargo.toml": real.cargo_toml("healer"),
            "src/lib.rs": "",
            "tests/queue.rs": """use std::path::PathBuf;

fn state_dir() -> PathBuf {
    std::env::temp_dir().join("healer-it")
}

#[test]
fn queue_starts_empty() {
    let lock = state_dir().join("queue.lock");
    if lock.exists() {
        let owner = std::fs::read_to_string(&lock).unwrap();
        panic!("refusing to reuse {}: held by {}", "/tmp/healer-it/queue.lock", owner.trim());
    }
}
""",
        },
        ["test", "--test", "queue"],
        env={"TMPDIR": str(path)},
    )
    assert out.code != 0, out.lines
    _rust_job(
        cid,
        "the integration test refuses a /tmp/healer-it/queue.lock held by an e2e job of another "
        "branch: the persistent self-hosted runner keeps /tmp between jobs (checkout only cleans "
        "the workspace); the change only edited docs",
        ["look-alike", "context-driven", "self-hosted"],
        "atlas",
        "general",
        out,
        job="integration",
        workflow="integration",
        self_hosted=True,
        message="docs: document the queue's retry budget",
        files=["docs/queue.md"],
    )


# ------------------------------------------------------------------ 2. retries

NEXTEST_HEAD = [
    "   Compiling healer v0.9.3 (/home/runner/work/healer/healer)",
    "    Finished `test` profile [unoptimized + debuginfo] target(s) in 41.87s",
    "────────────",
    " Nextest run ID 6f1c2a4e-3b7d-4d0a-9a2e-8c5b1f0e7d31 with nextest profile: ci",
]


def _nextest(tests: list[str], summary: str, tail: list[str]) -> list[str]:
    return [*NEXTEST_HEAD, *tests, "────────────", summary, *tail]


def retries() -> None:
    at(REPO)
    # 2a. rex: flaky test recovered on retry; the real failure is the change's parser
    cid = "fr-zj-retry-nextest-flaky-recovers-real-failure"
    lines = _nextest(
        [
            "    Starting 6 tests across 2 binaries",
            "        PASS [   0.011s] healer config::tests::defaults",
            "   1/3 RETRY [   5.004s] healer ws::tests::reconnects_after_close",
            "--- TRY 1 STDERR:        healer ws::tests::reconnects_after_close ---",
            "",
            "thread 'ws::tests::reconnects_after_close' (3141) panicked at src/ws.rs:212:14:",
            "timed out waiting for reconnect",
            "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
            "",
            "  TRY 2 PASS [   0.214s] healer ws::tests::reconnects_after_close",
            "        FAIL [   0.006s] healer config::tests::parses_retry_budget",
            "──── STDOUT:             healer config::tests::parses_retry_budget",
            "",
            "running 1 test",
            "test config::tests::parses_retry_budget ... FAILED",
            "",
            "failures:",
            "",
            "failures:",
            "    config::tests::parses_retry_budget",
            "",
            "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 5 filtered out; "
            "finished in 0.00s",
            "",
            "──── STDERR:             healer config::tests::parses_retry_budget",
            "",
            "thread 'config::tests::parses_retry_budget' (3141) panicked at src/config.rs:148:10:",
            "assertion `left == right` failed",
            "  left: Some(Duration { secs: 0, nanos: 30000000 })",
            " right: Some(Duration { secs: 30, nanos: 0 })",
            "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
            "",
            "        PASS [   0.004s] healer config::tests::rejects_negative_budget",
            "        PASS [   0.013s] healer router::tests::routes_by_label",
            "        PASS [   0.019s] healer router::tests::routes_default",
        ],
        "     Summary [   5.331s] 6 tests run: 5 passed (1 flaky), 1 failed, 0 skipped",
        [
            "   FLAKY 2/3 [   0.214s] healer ws::tests::reconnects_after_close",
            "        FAIL [   0.006s] healer config::tests::parses_retry_budget",
            "error: test run failed",
        ],
    )
    step = run("cargo nextest run --profile ci --workspace", lines, 100, name="nextest")
    _rust_job(
        cid,
        "nextest retries the known-flaky ws reconnect test into TRY 2 PASS, but the run fails "
        "on config::tests::parses_retry_budget: the change parses retry_budget as milliseconds "
        "instead of seconds",
        ["look-alike", "multi-signal"],
        "rex",
        "rust_test",
        None,
        steps=[*rust_setup(), step],
        job="nextest",
        message="refactor(config): parse durations with humantime-style units",
        files=["src/config.rs"],
        pr=pr_of(cid, "refactor(config): parse durations with humantime-style units"),
    )

    # 2b. atlas: flaky retried, the failure is the runner's full disk
    cid = "fr-zj-retry-nextest-enospc-self-hosted"
    lines = _nextest(
        [
            "    Starting 5 tests across 2 binaries",
            "        PASS [   0.009s] healer config::tests::defaults",
            "   1/3 RETRY [   5.003s] healer ws::tests::reconnects_after_close",
            "--- TRY 1 STDERR:        healer ws::tests::reconnects_after_close ---",
            "",
            "thread 'ws::tests::reconnects_after_close' (3141) panicked at src/ws.rs:212:14:",
            "timed out waiting for reconnect",
            "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
            "",
            "  TRY 2 PASS [   0.198s] healer ws::tests::reconnects_after_close",
            "        FAIL [   0.412s] healer store::tests::snapshot_roundtrip",
            "──── STDERR:             healer store::tests::snapshot_roundtrip",
            "",
            "thread 'store::tests::snapshot_roundtrip' (3141) panicked at src/store.rs:301:45:",
            'write snapshot: Os { code: 28, kind: StorageFull, message: "No space left on '
            'device" }',
            "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
            "",
            "        PASS [   0.005s] healer router::tests::routes_by_label",
            "        PASS [   0.011s] healer router::tests::routes_default",
        ],
        "     Summary [   5.661s] 5 tests run: 4 passed (1 flaky), 1 failed, 0 skipped",
        [
            "   FLAKY 2/3 [   0.198s] healer ws::tests::reconnects_after_close",
            "        FAIL [   0.412s] healer store::tests::snapshot_roundtrip",
            "error: test run failed",
        ],
    )
    df = run(
        "df -h /home/runner /tmp",
        [
            "Filesystem      Size  Used Avail Use% Mounted on",
            "/dev/nvme0n1p1   98G   98G     0 100% /",
            "/dev/nvme0n1p1   98G   98G     0 100% /",
        ],
        name="Disk usage (always)",
    )
    _rust_job(
        cid,
        "nextest's only failure is store::tests::snapshot_roundtrip writing a snapshot with "
        "`No space left on device` (os error 28); the self-hosted runner's disk is at 100% and "
        "the change is a one-line router fix",
        ["look-alike", "self-hosted", "multi-signal"],
        "atlas",
        "general",
        None,
        steps=[
            *rust_setup(),
            run("cargo nextest run --profile ci", lines, 100, name="nextest"),
            df,
        ],
        job="nextest",
        self_hosted=True,
        message="fix(router): route `security` label to cipher",
        files=["src/router.rs"],
    )

    # 2c. blaze: jest retryTimes, every attempt fails on the change's bug
    at(WEB)
    cid = "fr-zj-retry-jest-retrytimes-real-bug"
    out = real.jest(
        cid,
        {
            "jest.config.js": "module.exports = { testEnvironment: 'node' };\n",
            "src/pager.js": "exports.pages = (total, size) => Math.floor(total / size);\n",
            "src/pager.test.js": """const { pages } = require('./pager');
jest.retryTimes(2, { logErrorsBeforeRetry: true });

test('rounds partial pages up', () => {
  expect(pages(101, 50)).toBe(3);
});

test('exact pages', () => {
  expect(pages(100, 50)).toBe(2);
});
""",
        },
    )
    out = _steady(out)
    assert out.code != 0, out.lines
    _web_job(
        cid,
        "Jest retries `rounds partial pages up` twice (retryTimes) and every attempt fails: the "
        "change rewrote pages() with Math.floor, dropping the partial last page",
        ["look-alike"],
        "blaze",
        "frontend_test",
        out,
        job="jest",
        message="refactor(pager): simplify page count",
        files=["src/pager.js"],
    )

    # 2d. blaze: vitest --retry=2 in the test script; all three attempts fail on the change
    cid = "fr-zj-retry-vitest-retry-flag-real-bug"
    files = {
        "src/dates.js": "export const isWeekend = (d) => d.getUTCDay() === 6;\n",
        "src/dates.test.js": """import { test, expect } from 'vitest';
import { isWeekend } from './dates.js';

test('sunday is a weekend day', () => {
  expect(isWeekend(new Date('2026-11-01T12:00:00Z'))).toBe(true);
});
""",
    }
    out = real.npm_script(cid, files, {"test": "vitest run --retry=2"}, "test")
    assert out.code != 0, out.lines
    _web_job(
        cid,
        "npm test (Vitest with --retry=2, added long ago for a flaky e2e helper) fails `sunday "
        "is a weekend day` on every attempt: the change's isWeekend only checks Saturday",
        ["look-alike", "wrapper"],
        "blaze",
        "frontend_test",
        out,
        job="unit",
        message="refactor(dates): use getUTCDay in isWeekend",
        files=["src/dates.js"],
    )


# ------------------------------------------------------------------ 3. coverage


LLVM_COV = [
    "info: running `cargo test --tests --workspace --no-fail-fast`",
    "   Compiling healer v0.9.3 (/home/runner/work/healer/healer)",
    "    Finished `test` profile [unoptimized + debuginfo] target(s) in 52.30s",
    "     Running unittests src/lib.rs (target/llvm-cov-target/debug/deps/healer-5c0f3a9e1d2b7c44)",
    "",
    "running {n} tests",
    "test result: ok. {n} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; "
    "finished in 0.21s",
    "",
    "Filename                      Regions    Missed Regions     Cover   Functions  Missed "
    "Functions  Executed       Lines      Missed Lines     Cover    Branches   Missed Branches"
    "     Cover",
    "-" * 60,
    "{rows}",
    "-" * 60,
    "{total}",
]


def _llvm_cov(n: int, rows: list[str], total: str) -> list[str]:
    out = []
    for line in LLVM_COV:
        if line == "{rows}":
            out += rows
        elif line == "{total}":
            out.append(total)
        else:
            out.append(line.replace("{n}", str(n)))
    return out


COV_ROWS = [
    "config.rs                         212                31    85.38%          24         "
    "        2    91.67%         318                40    87.42%           0                 "
    "0         -",
    "router.rs                         301                58    80.73%          31         "
    "        4    87.10%         402                71    82.34%           0                 "
    "0         -",
]


def coverage() -> None:
    at(REPO)
    # 3a. rex: the change deleted the webhook test module
    cid = "fr-zj-cov-llvm-cov-tests-deleted"
    rows = [
        *COV_ROWS,
        "webhook.rs                        388               301    22.42%          29         "
        "       23    20.69%         511               398    22.11%           0                 "
        "0         -",
    ]
    total = (
        "TOTAL                             901               390    56.71%          84         "
        "       29    65.48%        1231               509    58.65%           0                 "
        "0         -"
    )
    cov = run(
        "cargo llvm-cov --workspace --fail-under-lines 75",
        _llvm_cov(38, rows, total),
        1,
        name="Coverage gate",
    )
    _rust_job(
        cid,
        "cargo llvm-cov's line coverage drops to 58.65% (gate 75): the change deleted "
        "src/webhook/tests.rs while moving webhook parsing, leaving webhook.rs at 22% covered",
        ["look-alike", "context-driven"],
        "rex",
        "rust_test",
        None,
        steps=[*rust_setup(), cov],
        job="coverage",
        workflow="coverage",
        message="refactor(webhook): inline signature checks into the handler",
        files=["src/webhook.rs", "src/webhook/tests.rs"],
        pr=pr_of(
            cid,
            "refactor(webhook): inline signature checks into the handler",
            "Removes the old webhook test module; the handler is covered by e2e.",
        ),
    )

    # 3b. atlas: the workflow raised the threshold
    cid = "fr-zj-cov-llvm-cov-threshold-raised"
    rows = [
        *COV_ROWS,
        "webhook.rs                        388                49    87.37%          29         "
        "        3    89.66%         511                61    88.06%           0                 "
        "0         -",
    ]
    total = (
        "TOTAL                             901               138    84.68%          84         "
        "        9    89.29%        1231               172    86.03%           0                 "
        "0         -"
    )
    cov = run(
        "cargo llvm-cov --workspace --fail-under-lines 90",
        _llvm_cov(61, rows, total),
        1,
        name="Coverage gate",
    )
    _rust_job(
        cid,
        "cargo llvm-cov reports 86.03% lines against --fail-under-lines 90: the change only "
        "edited the coverage workflow, raising the gate from 80 to 90; no source changed",
        ["look-alike", "context-driven"],
        "atlas",
        "workflow_syntax",
        None,
        steps=[*rust_setup(), cov],
        job="coverage",
        workflow="coverage",
        message="ci(coverage): raise the line coverage gate to 90%",
        files=[".github/workflows/coverage.yml"],
        pr=pr_of(cid, "ci(coverage): raise the line coverage gate to 90%"),
    )

    # 3c. blaze: jest coverageThreshold after untested code was added
    at(WEB)
    cid = "fr-zj-cov-jest-threshold-untested-code"
    src = {
        "jest.config.js": "module.exports = { testEnvironment: 'node', collectCoverage: true,"
        " coverageThreshold: { global: { lines: 80 } } };\n",
        "src/money.js": """exports.cents = (v) => Math.round(v * 100);
exports.format = (c, cur) => {
  if (cur === 'EUR') {
    return (c / 100).toFixed(2).replace('.', ',') + ' €';
  }
  if (cur === 'JPY') {
    return '¥' + c;
  }
  if (cur === 'GBP') {
    return '£' + (c / 100).toFixed(2);
  }
  return '$' + (c / 100).toFixed(2);
};
""",
        "src/money.test.js": """const { cents } = require('./money');
test('cents', () => expect(cents(1.23)).toBe(123));
""",
    }
    out = real.jest(cid, src)
    out = _steady(out)
    assert out.code != 0 and any("threshold" in ln for ln in out.lines), out.lines
    _web_job(
        cid,
        "Jest passes every test but fails the global lines threshold (80%): the change added "
        "format() with four currency branches to src/money.js and no test for it",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        out,
        job="unit",
        message="feat(money): format amounts in EUR, JPY and GBP",
        files=["src/money.js"],
    )

    # 3d. atlas: the workflow passes a stricter --coverageThreshold
    cid = "fr-zj-cov-jest-threshold-workflow-flag"
    src = {
        "jest.config.js": "module.exports = { testEnvironment: 'node' };\n",
        "src/slug.js": """exports.slug = (s) => s.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-');
exports.unslug = (s) => {
  if (!s) {
    return '';
  }
  return s.replace(/-/g, ' ');
};
""",
        "src/slug.test.js": """const { slug, unslug } = require('./slug');
test('slug', () => expect(slug(' Hello World ')).toBe('hello-world'));
test('unslug', () => expect(unslug('a-b')).toBe('a b'));
""",
    }
    path = real.scratch(
        cid, {"package.json": '{"name":"web","version":"0.3.0","private":true}\n', **src}
    )
    real.link_node_modules(path)
    flag = '{"global":{"lines":100,"branches":100}}'
    lines, code = real.run(["jest", "--ci", "--coverage", f"--coverageThreshold={flag}"], path)
    out = real.Out(f"npx jest --ci --coverage --coverageThreshold='{flag}'", lines, code)
    out = _steady(out)
    assert code != 0, lines
    _web_job(
        cid,
        "Jest fails the branches threshold (100%) passed on the command line: the change only "
        "edited the workflow, adding `--coverageThreshold` with 100% lines and branches; "
        "jest.config.js has no threshold",
        ["look-alike", "context-driven"],
        "atlas",
        "workflow_syntax",
        out,
        job="unit",
        message="ci(web): enforce full coverage in the unit job",
        files=[".github/workflows/web.yml"],
    )


# ------------------------------------------------------------------ 4. environment


def env_tests() -> None:
    at(WEB)
    # 4a. atlas: workflow sets NODE_ENV=production for the whole job
    cid = "fr-zj-env-node-env-production-job-level"
    files = {
        "src/warn.js": """export function deprecated(name) {
  if (process.env.NODE_ENV === 'production') return null;
  return `[console] ${name} is deprecated and will be removed in 2.0`;
}
""",
        "src/warn.test.js": """import { test, expect } from 'vitest';
import { deprecated } from './warn.js';

test('warns about deprecated props in development', () => {
  expect(deprecated('size')).toBe('[console] size is deprecated and will be removed in 2.0');
});
""",
    }
    path = real.node_project(cid, files)
    lines, code = real.run(["vitest", "run"], path, env={"NODE_ENV": "production"})
    out = real.Out("npx vitest run", lines, code)
    assert code != 0, lines
    _web_job(
        cid,
        "the deprecation-warning test gets null: the workflow change set `NODE_ENV: production` "
        "at job level (for the bundle step), and Vitest only defaults NODE_ENV to `test` when it "
        "is unset, so the code under test takes its production branch",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        out,
        env={"NODE_ENV": "production"},
        job="test-and-bundle",
        message="ci(web): build the bundle in production mode",
        files=[".github/workflows/web.yml"],
    )

    # 4b. blaze: the test reads an env var only the author's .env.local sets
    cid = "fr-zj-env-vitest-reads-local-only-var"
    out = real.vitest(
        cid,
        {
            "src/api.js": "export const runsUrl = (id) => `${process.env.CONSOLE_API_BASE}/runs/${id}`;\n",
            "src/api.test.js": """import { test, expect } from 'vitest';
import { runsUrl } from './api.js';

test('builds the runs url', () => {
  expect(runsUrl(42)).toBe('https://api.staging.5dlabs.dev/runs/42');
});
""",
        },
    )
    assert out.code != 0, out.lines
    _web_job(
        cid,
        "the new test expects https://api.staging.5dlabs.dev/runs/42 and gets "
        "`undefined/runs/42`: the test the change wrote depends on CONSOLE_API_BASE from the "
        "author's .env.local, which CI never sets (the test should set or stub it)",
        ["look-alike"],
        "blaze",
        "frontend_test",
        out,
        job="vitest",
        message="feat(api): build run URLs from CONSOLE_API_BASE",
        files=["src/api.js", "src/api.test.js"],
        pr=pr_of(
            cid, "feat(api): build run URLs from CONSOLE_API_BASE", "Green locally (`npm test`)."
        ),
    )

    # 4c. rex: Rust test unwraps an env var CI does not set
    at(REPO)
    cid = "fr-zj-env-rust-test-unwraps-missing-var"
    out = _lib(
        cid,
        {
            "src/lib.rs": """pub fn app_id() -> u64 {
    std::env::var("HEALER_GITHUB_APP_ID").unwrap().parse().unwrap()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_app_id() {
        assert!(super::app_id() > 0);
    }
}
""",
        },
    )
    assert out.code != 0, out.lines
    _rust_job(
        cid,
        "the new test panics with `called Result::unwrap() on an Err value: NotPresent`: the "
        "change made app_id() unwrap HEALER_GITHUB_APP_ID and its test relies on the variable "
        "being exported in the author's shell",
        ["look-alike"],
        "rex",
        "rust_test",
        out,
        job="test",
        message="feat(github): read the app id from the environment",
        files=["src/lib.rs"],
    )


# ------------------------------------------------------------------ 5. hangs


def hangs() -> None:
    at(WEB)
    # 5a. blaze: test script became `vitest --watch`
    cid = "fr-zj-hang-vitest-watch-script"
    files = {
        "src/sum.js": "export const sum = (a, b) => a + b;\n",
        "src/sum.test.js": "import { test, expect } from 'vitest';\nimport { sum } from './sum.js';\n"
        "test('sum', () => expect(sum(1, 2)).toBe(3));\n",
    }
    path = real.node_project(cid, files, {"test": "vitest --watch"})
    lines, _ = real.run("timeout 12 npm test; true", path)
    lines = [ln for ln in lines if "npm error" not in ln]
    step = run(
        "npm test",
        lines,
        0,
        name="Unit tests",
        conclusion="cancelled",
        after=[
            "##[error]The job running on runner GitHub Actions 51207 has exceeded the maximum "
            "execution time of 20 minutes.",
        ],
        seconds=1200,
    )
    ci(
        cid,
        "the unit job passes its one test and then sits on Vitest's `Waiting for file changes` "
        "until the 20-minute job timeout: the change set the package.json test script to "
        "`vitest --watch`",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), step],
        message="chore(dev): keep vitest watching while editing",
        files=["package.json"],
        cancelled=True,
        conclusion="cancelled",
    )

    # 5b. rex: child's stdin piped and never closed
    at(REPO)
    cid = "fr-zj-hang-rust-test-piped-stdin"
    src = """use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn init_prompts_for_org() {
    let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(out.is_empty());
}
"""
    path = real.crate(cid, {"src/lib.rs": "", "tests/cli_init.rs": src})
    lines, _ = real.run(
        "timeout 68 cargo test --test cli_init; true",
        path,
        env={"CARGO_NET_OFFLINE": "true", "RUST_TEST_THREADS": "2"},
    )
    assert any("running for over 60 seconds" in ln for ln in lines), lines
    step = run(
        "cargo test --workspace",
        lines,
        0,
        name="cargo test",
        conclusion="cancelled",
        after=[
            "##[error]The job running on runner GitHub Actions 38814 has exceeded the maximum "
            "execution time of 30 minutes.",
        ],
        seconds=1800,
    )
    ci(
        cid,
        "cargo test reports `init_prompts_for_org has been running for over 60 seconds` until "
        "the job times out: the test the change added spawns the child with a piped stdin it "
        "never writes or drops, then blocks reading the child's stdout",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), step],
        message="test(cli): cover the interactive init prompt",
        files=["tests/cli_init.rs"],
        cancelled=True,
        conclusion="cancelled",
    )


# ------------------------------------------------------------------ 6. doc tests


def doc_tests() -> None:
    at(REPO)
    # 6a. rex: README doctest
    cid = "fr-zj-doc-readme-example-edited"
    readme = """# healer

Route CI failures to the right agent.

```rust
let agent = healer::route("clippy");
assert_eq!(agent, healer::Agent::Rex);
```
"""
    out = _lib(
        cid,
        {
            "README.md": readme,
            "src/lib.rs": """#![doc = include_str!("../README.md")]

#[derive(Debug, PartialEq)]
pub enum Agent { Rex, Atlas }

pub fn route_label(label: &str) -> Agent {
    if label.contains("clippy") { Agent::Rex } else { Agent::Atlas }
}
""",
        },
        ["test", "--doc"],
    )
    assert out.code != 0, out.lines
    _rust_job(
        cid,
        "`cargo test --doc` fails compiling the README example (included as crate docs): the "
        "change edited README.md to call healer::route, which is named route_label",
        ["obvious"],
        "rex",
        "rust_test",
        out,
        job="doctest",
        message="docs(readme): add a quick-start example",
        files=["README.md"],
    )

    # 6b. blaze: node --test picks up a fixture under test/
    at(WEB)
    cid = "fr-zj-doc-node-test-runs-fixture"
    out = _node_test(
        cid,
        {
            "test/plugins.test.js": """import { test } from 'node:test';
import assert from 'node:assert/strict';
test('loads plugins', () => assert.equal(1 + 1, 2));
""",
            "test/fixtures/broken-plugin.js": """// fixture: a plugin whose init throws, used by the loader tests
throw new Error('broken-plugin: init failed');
""",
        },
    )
    assert out.code != 0, out.lines
    _web_job(
        cid,
        "node --test fails on test/fixtures/broken-plugin.js: the change added a deliberately "
        "throwing fixture under test/, which node's default test patterns pick up as a test "
        "file (the script should pass explicit globs or move fixtures out)",
        ["look-alike"],
        "blaze",
        "frontend_test",
        out,
        job="node-test",
        message="test(plugins): fixture for a plugin whose init throws",
        files=["test/fixtures/broken-plugin.js"],
    )


# ------------------------------------------------------------------ 7. downloads


FETCH_TEST = """import { test, expect } from 'vitest';

const BASE = 'http://127.0.0.1:__PORT__/console-fixtures/v3';

async function fixture(name) {
  const res = await fetch(`${BASE}/${name}`);
  if (!res.ok) throw new Error(`fixture ${name}: HTTP ${res.status} ${res.statusText}`);
  return res.json();
}

test('renders the runs table', async () => {
  const runs = await fixture('__FIXTURE__');
  expect(runs.length).toBeGreaterThan(0);
});
"""

HOST = "fixtures.5dlabs.dev"


def _fetch_case(cid: str, name: str, answer) -> real.Out:
    with real.serve(answer) as port:
        out = real.vitest(
            cid,
            {
                "src/runs.test.js": FETCH_TEST.replace("__PORT__", str(port)).replace(
                    "__FIXTURE__", name
                )
            },
        )
        hosts = {f"http://127.0.0.1:{port}": f"https://{HOST}"}
    lines = list(out.lines)
    for local, remote in hosts.items():
        lines = [ln.replace(local, remote) for ln in lines]
    return real.Out(out.command, lines, out.code)


def downloads() -> None:
    at(WEB)
    # 7a. blaze: the change mistyped the fixture name
    cid = "fr-zj-dl-fixture-renamed-404"

    def answer(req):
        if req.path.endswith("/runs-large.json"):
            return 200, "[1,2,3]", "application/json"
        return 404, "Not Found", "text/plain"

    out = _fetch_case(cid, "runs_large.json", answer)
    assert out.code != 0, out.lines
    _web_job(
        cid,
        "the runs-table test's fixture download gets HTTP 404: the change renamed the fixture "
        "reference to runs_large.json while the fixture host serves runs-large.json",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        out,
        job="vitest",
        message="test(runs): use the large fixture for the table test",
        files=["src/runs.test.js"],
        pr=pr_of(
            cid,
            "test(runs): use the large fixture for the table test",
            "Switches the table test from runs-small.json to runs_large.json on the fixture host.",
        ),
    )

    # 7b. atlas: fixture host outage
    cid = "fr-zj-dl-fixture-host-503"
    out = _fetch_case(cid, "runs-large.json", (503, "upstream connect error", "text/plain"))
    assert out.code != 0, out.lines
    _web_job(
        cid,
        "the runs-table test's fixture download gets HTTP 503 from fixtures.5dlabs.dev: the "
        "fixture host is down; the change (a CSS tweak) does not touch tests or fixtures",
        ["look-alike", "context-driven", "flaky"],
        "atlas",
        "general",
        out,
        job="vitest",
        message="style(runs): tighten table row padding",
        files=["src/runs.css"],
    )


# ------------------------------------------------------------------ 8. plain


def plain() -> None:
    at(REPO)
    cid = "fr-zj-plain-cargo-test-assert"
    out = _lib(
        cid,
        {
            "src/lib.rs": """pub fn backoff(attempt: u32) -> u64 { 100 * attempt as u64 }

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles() {
        assert_eq!(super::backoff(3), 400);
    }
}
""",
        },
    )
    assert out.code != 0
    _rust_job(
        cid,
        "backoff_doubles fails (300 != 400): the change made backoff linear instead of doubling",
        ["obvious"],
        "rex",
        "rust_test",
        out,
        job="test",
        message="refactor(retry): simplify backoff",
        files=["src/lib.rs"],
    )

    at(WEB)
    cid = "fr-zj-plain-vitest-assert"
    out = real.vitest(
        cid,
        {
            "src/initials.js": "export const initials = (n) => n.split(' ').map((p) => p[0]).join('');\n",
            "src/initials.test.js": "import { test, expect } from 'vitest';\nimport { initials } from './initials.js';\n"
            "test('uppercases initials', () => expect(initials('ada lovelace')).toBe('AL'));\n",
        },
    )
    assert out.code != 0
    _web_job(
        cid,
        "Vitest: initials('ada lovelace') returns 'al', the test expects 'AL'; the change "
        "dropped toUpperCase from initials()",
        ["obvious"],
        "blaze",
        "frontend_test",
        out,
        job="test",
        message="refactor(avatar): simplify initials",
        files=["src/initials.js"],
    )

    cid = "fr-zj-plain-node-test-assert"
    out = _node_test(
        cid,
        {
            "test/query.test.js": """import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toQuery } from '../src/query.js';
test('encodes spaces', () => assert.equal(toQuery({ q: 'a b' }), 'q=a%20b'));
""",
            "src/query.js": "export const toQuery = (o) => Object.entries(o).map(([k, v]) => `${k}=${v}`).join('&');\n",
        },
    )
    assert out.code != 0, out.lines
    _web_job(
        cid,
        "node --test: toQuery({q: 'a b'}) returns 'q=a b' instead of 'q=a%20b'; the change "
        "removed encodeURIComponent from toQuery",
        ["obvious"],
        "blaze",
        "frontend_test",
        out,
        job="node-test",
        message="refactor(query): drop the encoding helper",
        files=["src/query.js"],
    )
