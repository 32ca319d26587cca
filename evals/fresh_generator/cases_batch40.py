"""Batch 40 of the fresh split (ids ``fr-zn-``): intermittent vs deterministic. The same error
text is printed by a real bug in the change and by a flake or the runner; the run's evidence
tells them apart: the run's attempt number and an earlier attempt's log, the change's files,
the runner's own diagnostics, or a test's own output that shows a race, a timing or an
ordering dependence.

- Rust tests: a counter bumped on a ``std::thread::spawn`` the change never joins, failing
  identically on a re-run (rex) vs an unchanged ack-deadline test on a self-hosted runner whose
  load average is nine times its cores (atlas); ``Address already in use`` on a port the
  change hard-coded into a test helper two tests call (rex) vs on the suite's long-standing
  test port held by a ``healer-api`` a cancelled job left on a persistent runner (atlas); a
  test the change added that depends on a process-wide id counter and on test order, failing
  the same way on attempt 2 (rex) vs two attempts failing on two different timing tests
  (atlas);
- Vitest: a stamp test the change added that reads ``Date.now()`` before and after a
  one-second debounce (blaze) vs a fake-timer test the change added that passes while an
  unchanged export test times out on a loaded runner (atlas); a fake-timer test the change
  wrote that never advances the clock, so it times out (blaze);
- Jest snapshots: the change's new number format (blaze) vs a rebuilt self-hosted runner image
  whose ``LANG=de_DE.UTF-8`` makes ``Intl`` format numbers the German way (atlas);
- npm: ``ETARGET`` for a zod version the change pinned that was never published (blaze) vs the
  registry answering ``E503`` for a version that exists (atlas);
- Playwright e2e: a locator timing out on a ``data-testid`` the change renamed (blaze) vs
  ``page.goto`` timing out on a preview deployment that was still cold, the change only in
  Rust (atlas);
- git: a ``git fetch`` reset mid-run (atlas/general) vs a submodule URL the change broke in
  ``.gitmodules`` (atlas/git_error);
- images and rollouts: BuildKit's ``apt-get`` failing to resolve deb.debian.org (atlas) vs
  ``Unable to locate package libssl1.1`` after the change moved the base to bookworm (bolt); a
  rollout deadline while the image pull took five minutes from a slow registry, pods Ready
  after the deadline (atlas) vs a startup probe the chart change cut to one second, so the
  kubelet restarts every container before it listens (bolt);
- plain cases: a cargo test assertion, a Vitest assertion, yamllint's duplicate key in chart
  values and actionlint's unknown job in ``needs``.

Cases tagged ``obvious``: the four plain cases.
"""

from __future__ import annotations

import re
import socket
from typing import Any

import fcommon
import real
import shapes
from fcommon import at, ci, failing, h, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import Job, run
from helpers import buildx_setup, buildx_step, clock, kube_setup, pod_name, reset_server, rollout

REPO = "5dlabs/healer"
WEB = "5dlabs/console"


def build() -> None:
    rust_races()
    vitest_clock()
    snapshots()
    npm_installs()
    playwright()
    git_cases()
    images()
    rollouts()
    plain()


# ------------------------------------------------------------------ helpers


def _last() -> dict[str, Any]:
    return fcommon.CASES[-1]


def _attempt(n: int, earlier: Job | None = None) -> None:
    """Make the last case a re-run (``run_attempt`` n), with an earlier attempt's log."""
    p = _last()["event"]["payload"]
    p["workflow_job"]["run_attempt"] = n
    if earlier is not None:
        _last()["context"]["logs"][f"{earlier.name} (attempt {n - 1})"] = earlier.log()


def _lib(cid: str, files: dict[str, str], args: list[str] | None = None) -> real.Out:
    files = {"Cargo.toml": real.cargo_toml("healer"), **files}
    files.setdefault("src/lib.rs", "")
    return real.cargo(cid, files, args or ["test"])


def _runner_load(load: str, cores: int) -> list[str]:
    """The workflow's `if: failure()` diagnostics step (uptime, nproc, free -m), as printed."""
    return [
        f" 14:02:11 up 41 days,  3:12,  0 users,  load average: {load}",
        str(cores),
        "               total        used        free      shared  buff/cache   available",
        "Mem:           15988       14870         212          41        1162         904",
        "Swap:              0           0           0",
    ]


def _diag(load: str, cores: int) -> Any:
    return run(
        "uptime\nnproc\nfree -m",
        _runner_load(load, cores),
        name="Runner diagnostics",
    )


def _pin_epoch(lines: list[str]) -> list[str]:
    """Vitest prints the wall clock's seconds; keep their differences, pin their base."""
    found = sorted({int(m) for ln in lines for m in re.findall(r"\b1[789]\d{8}\b", ln)})
    if not found:
        return lines
    base = found[0]
    return [
        re.sub(r"\b1[789]\d{8}\b", lambda m: str(1795167431 + int(m.group(0)) - base), ln)
        for ln in lines
    ]


# ------------------------------------------------------------------ 1. Rust races and ports

RACE_RS = """use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// Deliveries are coalesced for a short window before they are counted.
const COALESCE: Duration = Duration::from_millis(40);

pub struct DeliveryMetrics {
    delivered: Arc<AtomicUsize>,
}

impl DeliveryMetrics {
    pub fn new() -> Self {
        DeliveryMetrics { delivered: Arc::new(AtomicUsize::new(0)) }
    }

    /// Records a batch off the hot path.
    pub fn record_batch(&self, n: usize) {
        let delivered = Arc::clone(&self.delivered);
        thread::spawn(move || {
            thread::sleep(COALESCE);
            delivered.fetch_add(n, Ordering::SeqCst);
        });
    }

    pub fn delivered(&self) -> usize {
        self.delivered.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_delivery() {
        let m = DeliveryMetrics::new();
        m.record_batch(3);
        m.record_batch(2);
        assert_eq!(m.delivered(), 5, "delivered count after two batches");
    }

    #[test]
    fn starts_at_zero() {
        assert_eq!(DeliveryMetrics::new().delivered(), 0);
    }
}
"""

ACK_RS = """use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

pub fn classify(lines: &[&str]) -> usize {
    lines.iter().filter(|l| l.contains("error")).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_error_lines() {
        assert_eq!(classify(&["ok", "error: x", "warning"]), 1);
    }

    #[test]
    fn worker_acks_within_deadline() {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let started = Instant::now();
            // stands in for a worker scheduled late on a saturated host
            thread::sleep(Duration::from_millis(400));
            let _ = classify(&["error: a"; 64]);
            tx.send(started.elapsed()).unwrap();
        });
        let took = rx
            .recv_timeout(Duration::from_millis(250))
            .expect("worker did not ack within 250 ms");
        assert!(took < Duration::from_millis(250));
    }
}
"""

PORT_HELPER = """use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;

/// A stub of the GitHub API the webhook tests post through.
pub const STUB_ADDR: &str = "127.0.0.1:38471";

pub fn spawn_github_stub() -> String {
    let listener = TcpListener::bind(STUB_ADDR).unwrap();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let mut s = stream.unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 201 Created\\r\\ncontent-length: 2\\r\\n\\r\\n{}");
        }
    });
    format!("http://{STUB_ADDR}")
}
"""

PORT_TESTS = """mod common;

#[test]
fn posts_check_run_for_failed_job() {
    let base = common::spawn_github_stub();
    assert!(base.starts_with("http://127.0.0.1:"));
}

#[test]
fn posts_comment_for_failed_run() {
    let base = common::spawn_github_stub();
    assert!(base.ends_with(":38471"));
}
"""

API_TEST_PORT = 38472

API_TESTS = f"""use std::net::TcpListener;

/// The API integration suite's test port (tests/config/test.toml), unchanged since 2025.
const API_TEST_ADDR: &str = "127.0.0.1:{API_TEST_PORT}";

#[test]
fn api_serves_health() {{
    let listener = TcpListener::bind(API_TEST_ADDR).expect("bind API test port");
    assert!(listener.local_addr().is_ok());
}}
"""

IDS_RS = """use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_RUN_ID: AtomicU64 = AtomicU64::new(1);

/// Run ids are process-wide and handed out in order.
pub fn next_run_id() -> u64 {
    NEXT_RUN_ID.fetch_add(1, Ordering::SeqCst)
}

pub fn run_label(id: u64) -> String {
    format!("run-{id:05}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sequential() {
        let a = next_run_id();
        let b = next_run_id();
        assert_eq!(b, a + 1);
    }

    #[test]
    fn label_of_first_run() {
        assert_eq!(run_label(next_run_id()), "run-00001");
    }
}
"""

TIMING_RS = """use std::sync::mpsc;
use std::thread;
use std::time::Duration;

#[cfg(test)]
mod tests {
    use super::*;

    fn ack_within(delay_ms: u64, budget_ms: u64) -> Result<(), mpsc::RecvTimeoutError> {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(delay_ms));
            let _ = tx.send(());
        });
        rx.recv_timeout(Duration::from_millis(budget_ms))
    }

    #[test]
    fn NAME() {
        ack_within(DELAY, 200).expect("MESSAGE");
    }
}
"""


def rust_races() -> None:
    at(REPO)
    # 1a. rex: the change's thread::spawn is never joined; attempt 2 fails identically
    cid = "fr-zn-rust-unjoined-spawn-counter"
    out = _lib(cid, {"src/lib.rs": RACE_RS}, ["test", "--lib"])
    assert out.code and "counts_every_delivery" in "\n".join(out.lines), out.lines
    first = Job(
        cid + ":1",
        REPO,
        "rust",
        "test",
        "perf/metrics-off-hot-path",
        [*rust_setup(), failing(out, name="cargo test")],
    )
    ci(
        cid,
        "run_attempt 2 of the test job: `counts_every_delivery` fails `left: 0, right: 5` on "
        "both attempts; the change moved counting onto a `thread::spawn` that sleeps for a "
        "coalescing window and is never joined, so the test reads the counter before any "
        "thread has added to it: a race in the change, not a flake",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="perf(metrics): count deliveries off the hot path",
        files=["crates/healer-metrics/src/lib.rs"],
        pr=pr_of(
            cid,
            "perf(metrics): count deliveries off the hot path",
            "Counting now happens on a background thread so the dispatch loop never waits.\n\n"
            "CI failed once; re-running in case it's the usual flake.",
        ),
    )
    _attempt(2, first)

    # 1b. atlas: an unchanged deadline test on a saturated self-hosted runner
    cid = "fr-zn-rust-ack-deadline-overloaded-runner"
    out = _lib(cid, {"src/lib.rs": ACK_RS}, ["test", "--lib"])
    assert out.code and "did not ack within 250 ms" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "`worker_acks_within_deadline` panics `worker did not ack within 250 ms: Timeout`; the "
        "test is unchanged, the change edits docs only, and the workflow's failure diagnostics "
        "show the persistent self-hosted runner at a load average of 37.8 on 4 cores with 212 "
        "MiB free: the runner was overloaded",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), failing(out, name="cargo test"), _diag("37.84, 35.10, 30.66", 4)],
        message="docs(worker): explain the ack deadline",
        files=["docs/worker.md", "README.md"],
        self_hosted=True,
    )

    # 1c. rex: the change hard-coded the stub's port; the second test cannot bind it
    cid = "fr-zn-rust-eaddrinuse-hardcoded-stub-port"
    out = _lib(
        cid,
        {"tests/common/mod.rs": PORT_HELPER, "tests/webhook.rs": PORT_TESTS},
        ["test", "--test", "webhook"],
    )
    assert out.code and "AddrInUse" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "`posts_comment_for_failed_run` panics on `Os { code: 98, kind: AddrInUse }`: the "
        "change's test helper binds the fixed 127.0.0.1:38471 and leaves its accept thread "
        "running, so the second test in the same binary cannot bind it; hosted runner, "
        "first attempt, both tests are new",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="rust",
        job="integration",
        steps=[*rust_setup(), failing(out, name="cargo test --test webhook")],
        message="test(webhook): cover posting check runs and comments",
        files=["tests/common/mod.rs", "tests/webhook.rs"],
    )

    # 1d. atlas: the unchanged test port held by a process another job left behind
    cid = "fr-zn-rust-eaddrinuse-leftover-process"
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", API_TEST_PORT))
    holder.listen(1)
    try:
        out = _lib(cid, {"tests/api.rs": API_TESTS}, ["test", "--test", "api"])
    finally:
        holder.close()
    assert out.code and "AddrInUse" in "\n".join(out.lines), out.lines
    listeners = run(
        f"ss -ltnp 'sport = :{API_TEST_PORT}'",
        [
            "State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess",
            f"LISTEN 0      1024       127.0.0.1:{API_TEST_PORT}      0.0.0.0:*    "
            'users:(("healer-api",pid=48122,fd=9))',
            "",
            "$ ps -o pid,etime,args -p 48122",
            "    PID     ELAPSED COMMAND",
            "  48122    02:41:07 target/debug/healer-api --config tests/config/test.toml",
        ],
        name="Show listeners",
    )
    ci(
        cid,
        "`api_serves_health` panics `bind API test port: Os { code: 98, kind: AddrInUse }` on "
        "the suite's long-standing port; the change touches the digest module only, and the "
        "workflow's diagnostics show a healer-api started 2 h 41 min earlier, by a cancelled "
        "job, still listening on the persistent self-hosted runner",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="rust",
        job="integration",
        steps=[*rust_setup(), failing(out, name="cargo test --test api"), listeners],
        message="feat(digest): group findings by repository",
        files=["crates/healer-digest/src/lib.rs"],
        self_hosted=True,
    )

    # 1e. rex: the change's test depends on a process-wide counter and test order
    cid = "fr-zn-rust-test-order-shared-counter"
    out = _lib(cid, {"src/lib.rs": IDS_RS}, ["test", "--lib"])
    assert out.code and "label_of_first_run" in "\n".join(out.lines), out.lines
    first = Job(
        cid + ":1",
        REPO,
        "rust",
        "cargo-test",
        "feat/run-labels",
        [*rust_setup(), failing(out, name="cargo test")],
    )
    ci(
        cid,
        'run_attempt 2: `label_of_first_run` fails `left: "run-00003"` on both attempts; the '
        "change's test assumes it takes the first id from a process-wide static counter, but "
        "`ids_are_sequential` runs before it in the same binary: an order dependence in the "
        "change's test (it passes alone), not a flake",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="rust",
        job="cargo-test",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="feat(runs): human-readable run labels",
        files=["crates/healer-core/src/runs.rs"],
        pr=pr_of(
            cid,
            "feat(runs): human-readable run labels",
            "`cargo test label_of_first_run` passes locally. Re-ran CI, looks flaky.",
        ),
    )
    _attempt(2, first)

    # 1f. atlas: two attempts, two different timing tests, docs-only change
    cid = "fr-zn-rust-different-timeouts-per-attempt"

    def timing(name: str, delay: int, message: str, salt: str) -> real.Out:
        src = (
            TIMING_RS.replace("NAME", name).replace("DELAY", str(delay)).replace("MESSAGE", message)
        )
        return _lib(cid + salt, {"src/lib.rs": src}, ["test", "--lib"])

    out1 = timing("scheduler_fires_on_time", 350, "scheduler tick not delivered in 200 ms", "-1")
    out2 = timing("lease_renewed_before_expiry", 320, "lease renewal not seen in 200 ms", "-2")
    assert out1.code and out2.code, (out1.lines, out2.lines)
    first = Job(
        cid + ":1",
        REPO,
        "rust",
        "test",
        "docs/scheduler-faq",
        [*rust_setup(), failing(out1, name="cargo test"), _diag("22.41, 24.90, 19.02", 4)],
        self_hosted=True,
    )
    ci(
        cid,
        "run_attempt 2: attempt 1 failed `scheduler_fires_on_time`, attempt 2 passes it and "
        "fails `lease_renewed_before_expiry` instead, each a 200 ms channel deadline; the "
        "change edits docs only and both attempts' diagnostics show a load average above 20 "
        "on 4 cores: timing tests starved on a busy self-hosted runner",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), failing(out2, name="cargo test"), _diag("29.17, 26.55, 21.80", 4)],
        message="docs(scheduler): FAQ on tick drift",
        files=["docs/scheduler-faq.md"],
        self_hosted=True,
    )
    _attempt(2, first)


# ------------------------------------------------------------------ 2. Vitest and the clock

STAMP_JS = """export function runStamp(id) {
  return `${id}@${Math.floor(Date.now() / 1000)}`;
}

const pending = new Map();

/** Saves are debounced by a second so bursts of updates write once. */
export function saveRun(run) {
  return new Promise((resolve) => {
    clearTimeout(pending.get(run.id));
    pending.set(run.id, setTimeout(() => resolve(runStamp(run.id)), 1000));
  });
}
"""

STAMP_TEST = """import { expect, test } from "vitest";
import { runStamp, saveRun } from "./stamp.js";

test("a saved run is stamped with the current second", async () => {
  const expected = `run-42@${Math.floor(Date.now() / 1000)}`;
  const saved = await saveRun({ id: "run-42" });
  expect(saved).toBe(expected);
});

test("stamps carry the run id", () => {
  expect(runStamp("run-7")).toMatch(/^run-7@\\d+$/);
});
"""

RETRY_JS = """export async function sendWithRetry(send, backoffMs = 2000) {
  try {
    return await send();
  } catch {
    await new Promise((r) => setTimeout(r, backoffMs));
    return send();
  }
}
"""

RETRY_TEST_BROKEN = """import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { sendWithRetry } from "./digest.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

test("retries the digest once after the backoff", async () => {
  const send = vi.fn().mockRejectedValueOnce(new Error("503")).mockResolvedValue("ok");
  await expect(sendWithRetry(send)).resolves.toBe("ok");
  expect(send).toHaveBeenCalledTimes(2);
});
"""

RETRY_TEST_OK = """import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { sendWithRetry } from "./digest.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

test("retries the digest once after the backoff", async () => {
  const send = vi.fn().mockRejectedValueOnce(new Error("503")).mockResolvedValue("ok");
  const result = sendWithRetry(send);
  await vi.advanceTimersByTimeAsync(2000);
  await expect(result).resolves.toBe("ok");
  expect(send).toHaveBeenCalledTimes(2);
});
"""

EXPORT_JS = """export async function exportCsv(rows) {
  const out = ["id,agent,status"];
  for (const r of rows) out.push(`${r.id},${r.agent},${r.status}`);
  // the export writes through the (mocked) object store, which answers asynchronously
  await new Promise((r) => setTimeout(r, 1300));
  return out.join("\\n");
}
"""

EXPORT_TEST = """import { expect, test } from "vitest";
import { exportCsv } from "./export.js";

test("exports a 5k-row CSV", async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => ({ id: i, agent: "rex", status: "ok" }));
  const csv = await exportCsv(rows);
  expect(csv.split("\\n")).toHaveLength(5001);
});
"""

VITEST_CONFIG_1S = """import { defineConfig } from "vitest/config";
export default defineConfig({ test: { testTimeout: 1000 } });
"""


def _vitest(
    cid: str, files: dict[str, str], verbose: bool = False, timeout: int = 5000
) -> real.Out:
    """Vitest; the test timeout it names is restored after the duration pins."""
    out = (real.vitest_verbose if verbose else real.vitest)(cid, files)
    lines = [
        ln.replace("Test timed out in 9ms", f"Test timed out in {timeout}ms")
        for ln in _pin_epoch(out.lines)
    ]
    return real.Out(out.command, lines, out.code)


def vitest_clock() -> None:
    at(WEB)
    # 2a. blaze: the change's test reads the wall clock across a one-second debounce
    cid = "fr-zn-vitest-date-now-second-boundary"
    out = _vitest(cid, {"src/stamp.js": STAMP_JS, "src/stamp.test.js": STAMP_TEST})
    assert out.code and "current second" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "Vitest's `a saved run is stamped with the current second` expects `run-42@1795167431` "
        "and receives `run-42@1795167432`: the change's test takes `Date.now()` before a save "
        "it debounces by 1000 ms, so the second always rolls over; the change's own code and "
        "test, not the runner's clock",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(runs): debounce run saves and stamp them",
        files=["src/stamp.js", "src/stamp.test.js"],
    )

    # 2b. blaze: fake timers never advanced, the test times out
    cid = "fr-zn-vitest-fake-timers-never-advanced"
    out = _vitest(cid, {"src/digest.js": RETRY_JS, "src/digest.test.js": RETRY_TEST_BROKEN})
    assert out.code and "timed out" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "Vitest's `retries the digest once after the backoff` fails `Test timed out in "
        "5000ms`: the change's test turns on `vi.useFakeTimers()` and awaits a retry whose "
        "2 s backoff is a `setTimeout` it never advances, so it waits forever on any runner",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="test(digest): cover the retry after a 503",
        files=["src/digest.test.js"],
    )

    # 2c. atlas: the change's fake-timer test passes, an unchanged test times out
    cid = "fr-zn-vitest-fake-timer-ok-export-timeout"
    out = _vitest(
        cid,
        {
            "vitest.config.js": VITEST_CONFIG_1S,
            "src/digest.js": RETRY_JS,
            "src/digest.test.js": RETRY_TEST_OK,
            "src/export.js": EXPORT_JS,
            "src/export.test.js": EXPORT_TEST,
        },
        verbose=True,
        timeout=1000,
    )
    text = "\n".join(out.lines)
    assert out.code and "timed out in 1000ms" in text and "✓" in text, out.lines
    ci(
        cid,
        "Vitest's `exports a 5k-row CSV` times out at the suite's 1 s budget; the change "
        "added the digest retry test with fake timers, which passes (✓), and did not touch the "
        "export; the self-hosted runner's diagnostics show a load average of 31 on 4 cores: "
        "the unchanged test was starved",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Unit tests"),
            _diag("31.02, 28.77, 22.40", 4),
        ],
        message="test(digest): cover the retry after a 503",
        files=["src/digest.test.js"],
        self_hosted=True,
    )


# ------------------------------------------------------------------ 3. Jest snapshots

FORMAT_JS = """function formatCount(n) {
  return `${new Intl.NumberFormat().format(n)} runs`;
}
function summary(stats) {
  return `${formatCount(stats.runs)} · ${stats.failed} failed · ${stats.minutes} min`;
}
module.exports = { formatCount, summary };
"""

FORMAT_JS_CHANGED = """function formatCount(n) {
  return `${n} runs`;
}
function summary(stats) {
  return `${formatCount(stats.runs)} · ${stats.failed} failed · ${stats.minutes} min`;
}
module.exports = { formatCount, summary };
"""

FORMAT_TEST = """const { summary } = require("./format");

test("weekly summary line", () => {
  expect(summary({ runs: 12840, failed: 312, minutes: 1234.5 })).toMatchSnapshot();
});
"""

FORMAT_SNAP = """// Jest Snapshot v1, https://goo.gl/fbAQLP

exports[`weekly summary line 1`] = `"12,840 runs · 312 failed · 1234.5 min"`;
"""


def _jest(cid: str, files: dict[str, str], env: dict[str, str] | None = None) -> real.Out:
    path = real.scratch(
        cid, {"package.json": '{"name":"web","version":"0.3.0","private":true}\n', **files}
    )
    real.link_node_modules(path)
    lines, code = real.run(["jest", "--ci"], path, env=env)
    lines = [re.sub(r"^(\s+[✓✕] .*?) \(9ms\)$", r"\1", ln) for ln in lines]
    return real.Out("npx jest --ci", lines, code)


def snapshots() -> None:
    at(WEB)
    base = {"src/format.test.js": FORMAT_TEST, "src/__snapshots__/format.test.js.snap": FORMAT_SNAP}
    # 3a. blaze: the change's new format, the snapshot not updated
    cid = "fr-zn-jest-snapshot-change-output"
    out = _jest(cid, {**base, "src/format.js": FORMAT_JS_CHANGED})
    assert out.code and "Snapshot" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "Jest's `weekly summary line` snapshot fails: `12,840 runs` became `12840 runs`; the "
        "change rewrote formatCount to interpolate the raw number and did not update the "
        "snapshot (hosted runner, default locale)",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="jest",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Jest")],
        message="refactor(format): simplify formatCount",
        files=["src/format.js"],
    )

    # 3b. atlas: a rebuilt runner image with a German locale
    cid = "fr-zn-jest-snapshot-runner-locale"
    out = _jest(cid, {**base, "src/format.js": FORMAT_JS}, env={"LANG": "de_DE.UTF-8"})
    assert out.code and "12.840" in "\n".join(out.lines), out.lines
    locale = run(
        'echo "LANG=$LANG"; cat /etc/runner-image-version',
        ["LANG=de_DE.UTF-8", "arc-runner-image 2026.11.27 (rebuilt from base 2026.11.26)"],
        name="Runner environment",
    )
    ci(
        cid,
        "Jest's `weekly summary line` snapshot fails: `12,840 runs` became `12.840 runs`; "
        "formatCount is unchanged (the change edits a CSS file) and uses the default locale, "
        "and the self-hosted runner image rebuilt the day before now runs with "
        "`LANG=de_DE.UTF-8`, so `Intl.NumberFormat` groups with dots",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="console-ci",
        job="jest",
        repo=WEB,
        steps=[*node_setup(), locale, npm_ci_ok(), failing(out, name="Jest")],
        message="style(summary): tighten the weekly card spacing",
        files=["src/styles/summary.css"],
        self_hosted=True,
    )


# ------------------------------------------------------------------ 4. npm


def npm_installs() -> None:
    from cases_batch10 import npm_registry

    at(WEB)
    # 4a. blaze: a version the change pinned that was never published
    cid = "fr-zn-npm-etarget-pinned-unpublished"
    out = npm_registry(cid, {"zod": "3.25.0"})
    assert out.code and any("ETARGET" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "npm install fails `ETARGET No matching version found for zod@3.25.0`; the registry "
        "answers and lists 3.23.8 and 3.24.1, and the change pinned zod to 3.25.0, a version "
        "never published: a re-run fails the same way",
        ["look-alike"],
        "blaze",
        "frontend_deps",
        workflow="console-ci",
        job="install",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="chore(deps): pin zod 3.25.0",
        files=["package.json", "package-lock.json"],
    )

    # 4b. atlas: the registry answering 503 for a version that exists
    cid = "fr-zn-npm-e503-registry-outage"
    out = npm_registry(cid, {"zod": "3.24.1"}, status=503)
    assert out.code and any("503" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "npm install fails `E503 Service Unavailable` from the company registry for zod "
        "3.24.1, a version the registry has served for months; the change only turns on a "
        "lint rule and leaves the dependency as it was: a registry outage",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="console-ci",
        job="install",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="chore(lint): enable import/order",
        files=["eslint.config.js", "package.json"],
    )


# ------------------------------------------------------------------ 5. Playwright (written)


def _pw_header(n: int) -> list[str]:
    return [f"Running {n} tests using 2 workers", ""]


def playwright() -> None:
    at(WEB)
    # 5a. blaze: the change renamed the data-testid the e2e test waits for
    cid = "fr-zn-playwright-renamed-testid"
    lines = [
        *_pw_header(6),
        "  ✓  1 [chromium] \u203a e2e/runs.spec.ts:8:5 \u203a runs \u203a lists recent runs (2.1s)",
        "  ✘  2 [chromium] \u203a e2e/runs.spec.ts:19:5 \u203a runs \u203a shows the status of a failed run "
        "(30.0s)",
        "  ✓  3 [chromium] \u203a e2e/runs.spec.ts:31:5 \u203a runs \u203a filters by agent (1.8s)",
        "  ✓  4 [chromium] \u203a e2e/settings.spec.ts:6:5 \u203a settings \u203a saves the webhook secret "
        "(1.4s)",
        "  ✓  5 [chromium] \u203a e2e/settings.spec.ts:17:5 \u203a settings \u203a rejects an empty token "
        "(0.9s)",
        "  ✓  6 [chromium] \u203a e2e/login.spec.ts:5:5 \u203a login \u203a redirects to GitHub (1.2s)",
        "",
        "",
        "  1) [chromium] \u203a e2e/runs.spec.ts:19:5 \u203a runs \u203a shows the status of a failed run ──────",
        "",
        "    Test timeout of 30000ms exceeded.",
        "",
        "    Error: locator.textContent: Test timeout of 30000ms exceeded.",
        "    Call log:",
        "      - waiting for getByTestId('run-status')",
        "",
        "",
        "      21 |     await page.goto('/runs/3512');",
        "      22 |     await expect(page.getByRole('heading', { name: 'Run 3512' })).toBeVisible();",
        "    > 23 |     const status = await page.getByTestId('run-status').textContent();",
        "         |                                                         ^",
        "      24 |     expect(status).toBe('failure');",
        "      25 |   });",
        "      26 |",
        "",
        "        at /home/runner/work/console/console/e2e/runs.spec.ts:23:57",
        "",
        "  1 failed",
        "    [chromium] \u203a e2e/runs.spec.ts:19:5 \u203a runs \u203a shows the status of a failed run ───────",
        "  5 passed (41.3s)",
    ]
    ci(
        cid,
        "Playwright's `shows the status of a failed run` times out waiting for "
        "`getByTestId('run-status')` while the page's heading rendered and five other tests "
        "passed; the change renamed the badge's `data-testid` to `run-state` in "
        "RunStatusBadge.tsx and left the spec: it fails every time",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="console-e2e",
        job="e2e",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run("npx playwright test", lines, 1, name="Playwright", seconds=48),
        ],
        message="refactor(runs): RunStatusBadge uses the design system's Badge",
        files=["src/components/RunStatusBadge.tsx", "src/components/RunStatusBadge.module.css"],
        pr=pr_of(cid, "refactor(runs): RunStatusBadge uses the design system's Badge"),
    )

    # 5b. atlas: the preview deployment was still cold
    cid = "fr-zn-playwright-cold-preview-goto-timeout"
    preview = "https://console-pr-2291.preview.5dlabs.dev"
    lines = [
        f"$ curl -s -o /dev/null -w '%{{http_code}} %{{time_total}}\\n' {preview}/healthz",
        "200 27.913204",
        *_pw_header(6),
        "  ✘  1 [chromium] \u203a e2e/login.spec.ts:5:5 \u203a login \u203a redirects to GitHub (30.0s)",
        "  ✘  2 [chromium] \u203a e2e/runs.spec.ts:8:5 \u203a runs \u203a lists recent runs (30.0s)",
        "  ✓  3 [chromium] \u203a e2e/runs.spec.ts:19:5 \u203a runs \u203a shows the status of a failed run "
        "(3.9s)",
        "  ✓  4 [chromium] \u203a e2e/runs.spec.ts:31:5 \u203a runs \u203a filters by agent (2.7s)",
        "  ✓  5 [chromium] \u203a e2e/settings.spec.ts:6:5 \u203a settings \u203a saves the webhook secret "
        "(2.2s)",
        "  ✓  6 [chromium] \u203a e2e/settings.spec.ts:17:5 \u203a settings \u203a rejects an empty token "
        "(1.6s)",
        "",
        "",
        "  1) [chromium] \u203a e2e/login.spec.ts:5:5 \u203a login \u203a redirects to GitHub ───────────────────",
        "",
        "    Test timeout of 30000ms exceeded.",
        "",
        "    Error: page.goto: Test timeout of 30000ms exceeded.",
        "    Call log:",
        f'      - navigating to "{preview}/", waiting until "load"',
        "",
        "",
        "       4 | test.describe('login', () => {",
        "       5 |   test('redirects to GitHub', async ({ page }) => {",
        "    >  6 |     await page.goto('/');",
        "         |                ^",
        "       7 |     await page.getByRole('button', { name: 'Sign in with GitHub' }).click();",
        "       8 |     await expect(page).toHaveURL(/github\\.com\\/login/);",
        "       9 |   });",
        "",
        "        at /home/runner/work/console/console/e2e/login.spec.ts:6:16",
        "",
        "  2) [chromium] \u203a e2e/runs.spec.ts:8:5 \u203a runs \u203a lists recent runs ───────────────────────",
        "",
        "    Test timeout of 30000ms exceeded.",
        "",
        "    Error: page.goto: Test timeout of 30000ms exceeded.",
        "    Call log:",
        f'      - navigating to "{preview}/runs", waiting until "load"',
        "",
        "",
        "       8 |   test('lists recent runs', async ({ page }) => {",
        "    >  9 |     await page.goto('/runs');",
        "         |                ^",
        "      10 |     await expect(page.getByRole('table')).toBeVisible();",
        "",
        "        at /home/runner/work/console/console/e2e/runs.spec.ts:9:16",
        "",
        "  2 failed",
        "    [chromium] \u203a e2e/login.spec.ts:5:5 \u203a login \u203a redirects to GitHub ────────────────────",
        "    [chromium] \u203a e2e/runs.spec.ts:8:5 \u203a runs \u203a lists recent runs ────────────────────────",
        "  4 passed (1.2m)",
    ]
    ci(
        cid,
        "Playwright's first two tests time out in `page.goto` against the PR's preview "
        "deployment, whose health check took 27.9 s to answer 200 just before; the later four "
        "tests pass in seconds on the same pages and the change is Rust-only: a cold preview, "
        "not the console",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="console-e2e",
        job="e2e-preview",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "curl -s -o /dev/null -w '%{http_code} %{time_total}\\n' \"$PREVIEW_URL/healthz\"\n"
                "npx playwright test",
                lines,
                1,
                name="Playwright against preview",
                env={"PREVIEW_URL": preview, "PLAYWRIGHT_BASE_URL": preview},
                seconds=80,
            ),
        ],
        message="fix(api): cap run list page size at 100",
        files=["crates/healer-api/src/routes/runs.rs"],
    )


# ------------------------------------------------------------------ 6. git


def git_cases() -> None:
    at(REPO)
    # 6a. atlas: git fetch reset mid-run
    cid = "fr-zn-git-fetch-reset-mid-run"
    path = real.scratch(cid)
    real.git(path, "init", "-q")
    with reset_server() as port:
        local = f"http://127.0.0.1:{port}/5dlabs/healer"
        real.git(path, "remote", "add", "origin", local)
        lines, code = real.git(
            path,
            "fetch",
            "--no-tags",
            "origin",
            "main",
            hosts={local: "https://github.com/5dlabs/healer"},
        )
    assert code, lines
    ci(
        cid,
        "`git fetch origin main` for the changelog diff fails `Recv failure: Connection reset "
        "by peer` from github.com after checkout had fetched from the same host; the change "
        "is a one-line Rust fix: a transient network reset",
        ["flaky-infra"],
        "atlas",
        "general",
        workflow="rust",
        job="changelog-check",
        steps=[
            *rust_setup(),
            run("git fetch --no-tags origin main", lines, code, name="Fetch base branch"),
        ],
        message="fix(digest): skip empty repositories",
        files=["crates/healer-digest/src/lib.rs"],
    )

    # 6b. atlas/git_error: the change broke the submodule URL
    cid = "fr-zn-git-submodule-url-broken-by-change"
    path = real.scratch(cid)
    with real.serve((404, "Repository not found.")) as port:
        local = f"http://127.0.0.1:{port}/5dlabs/healer-fixtures.git"
        lines, code = real.git(
            path,
            "clone",
            "--no-checkout",
            local,
            "fixtures",
            hosts={
                local: "https://github.com/5dlabs/healer-fixtures.git",
                f"127.0.0.1:{port}": "github.com",
            },
        )
    assert code, lines
    shown = [
        "Submodule 'tests/fixtures' (https://github.com/5dlabs/healer-fixtures.git) registered "
        "for path 'tests/fixtures'",
        "Cloning into '/home/runner/work/healer/healer/tests/fixtures'...",
        *[ln for ln in lines if not ln.startswith("Cloning into")],
        "fatal: clone of 'https://github.com/5dlabs/healer-fixtures.git' into submodule path "
        "'/home/runner/work/healer/healer/tests/fixtures' failed",
        "Failed to clone 'tests/fixtures'. Retry scheduled",
        "Cloning into '/home/runner/work/healer/healer/tests/fixtures'...",
        *[ln for ln in lines if not ln.startswith("Cloning into")],
        "fatal: clone of 'https://github.com/5dlabs/healer-fixtures.git' into submodule path "
        "'/home/runner/work/healer/healer/tests/fixtures' failed",
        "Failed to clone 'tests/fixtures' a second time, aborting",
    ]
    ci(
        cid,
        "`git submodule update --init` fails `repository ... not found` twice, retry included, "
        "for https://github.com/5dlabs/healer-fixtures.git; the change edited .gitmodules, "
        "moving the fixtures submodule from `5dlabs/ci-fixtures` to a repository that does "
        "not exist: deterministic, not a network blip",
        ["look-alike"],
        "atlas",
        "git_error",
        workflow="rust",
        job="test",
        steps=[
            *rust_setup(),
            run("git submodule update --init --recursive", shown, 1, name="Fetch fixtures"),
        ],
        message="chore(fixtures): point the fixtures submodule at its new home",
        files=[".gitmodules"],
    )


# ------------------------------------------------------------------ 7. images (written)

DF_BOOKWORM = """FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p healer-api

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl1.1 \\
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/healer-api /usr/local/bin/healer-api
USER 65532
ENTRYPOINT ["/usr/local/bin/healer-api"]
"""

DF_APT = DF_BOOKWORM.replace("libssl1.1", "libssl3")


def images() -> None:
    at(REPO)
    image = "ghcr.io/5dlabs/healer-api:sha-" + sha("fr-zn-img")[:7]
    # 7a. atlas: apt cannot resolve deb.debian.org
    cid = "fr-zn-buildkit-apt-dns-flake"
    bk = shapes.BuildKit(cid, DF_APT, context_kb=2210.4)
    bk.metadata()
    inner = [
        "Ign:1 http://deb.debian.org/debian bookworm InRelease",
        "Ign:2 http://deb.debian.org/debian bookworm-updates InRelease",
        "Ign:3 http://deb.debian.org/debian-security bookworm-security InRelease",
        "Err:4 http://deb.debian.org/debian bookworm Release",
        "  Temporary failure resolving 'deb.debian.org'",
        "Err:5 http://deb.debian.org/debian bookworm-updates Release",
        "  Temporary failure resolving 'deb.debian.org'",
        "Err:6 http://deb.debian.org/debian-security bookworm-security Release",
        "  Temporary failure resolving 'deb.debian.org'",
        "Reading package lists...",
        "E: The repository 'http://deb.debian.org/debian bookworm Release' no longer has a "
        "Release file.",
        "E: The repository 'http://deb.debian.org/debian bookworm-updates Release' no longer "
        "has a Release file.",
        "E: The repository 'http://deb.debian.org/debian-security bookworm-security Release' "
        "no longer has a Release file.",
    ]
    err = bk.run_until(7, inner, code=100)
    assert err
    ci(
        cid,
        "BuildKit's `RUN apt-get update && apt-get install ...` exits 100 after `Temporary "
        "failure resolving 'deb.debian.org'` for every source; the Dockerfile is unchanged "
        "(the change is in the API's Rust code) and the packages exist: a DNS flake in the "
        "builder",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="image",
        job="build-push",
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="feat(api): expose run counts per agent",
        files=["crates/healer-api/src/routes/stats.rs"],
    )

    # 7b. bolt: the change moved the base to bookworm, which has no libssl1.1
    cid = "fr-zn-buildkit-apt-package-gone-bookworm"
    bk = shapes.BuildKit(cid, DF_BOOKWORM, context_kb=2210.4)
    bk.metadata()
    inner = [
        "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]",
        "Get:2 http://deb.debian.org/debian bookworm-updates InRelease [55.4 kB]",
        "Get:3 http://deb.debian.org/debian-security bookworm-security InRelease [48.0 kB]",
        "Get:4 http://deb.debian.org/debian bookworm/main amd64 Packages [8792 kB]",
        "Get:5 http://deb.debian.org/debian bookworm-updates/main amd64 Packages [6924 B]",
        "Get:6 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages "
        "[269 kB]",
        "Fetched 9322 kB in 2s (4661 kB/s)",
        "Reading package lists...",
        "Reading package lists...",
        "Building dependency tree...",
        "Reading state information...",
        "E: Unable to locate package libssl1.1",
    ]
    err = bk.run_until(7, inner, code=100)
    assert err
    ci(
        cid,
        "BuildKit's `RUN apt-get update && apt-get install ... libssl1.1` exits 100 with `E: "
        "Unable to locate package libssl1.1` after apt fetched every index; the change moved "
        "the runtime base from bullseye-slim to bookworm-slim, which ships libssl3 only: a "
        "re-run cannot help",
        ["look-alike"],
        "bolt",
        "docker_build",
        workflow="image",
        job="build-push",
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="chore(image): move the runtime to debian bookworm",
        files=["Dockerfile"],
    )


# ------------------------------------------------------------------ 8. rollouts


def rollouts() -> None:
    at(REPO)
    ns = "healer"
    app = "healer-api"
    # 8a. atlas: a slow registry pull, pods Ready just after the deadline
    cid = "fr-zn-rollout-slow-image-pull"
    out = rollout(cid, ns, app, 2, 1, 1, deadline=True)
    assert out.code, out.lines
    image = "ghcr.io/5dlabs/healer-api:sha-" + sha(cid)[:7]
    created, first, last = clock(cid)
    pods, events = [], []
    for i in range(2):
        name = pod_name(cid, app, str(i))
        pods.append(
            shapes.pod(
                name, ns, app, image, created=created, ready=True, port=8080, memory_limit="512Mi"
            )
        )
        events += [
            shapes.event(
                ns,
                "Pod",
                name,
                "Pulling",
                f'Pulling image "{image}"',
                first=first,
                last=first,
                type_="Normal",
            ),
            shapes.event(
                ns,
                "Pod",
                name,
                "Pulled",
                f'Successfully pulled image "{image}" in 7m{h(cid + str(i), 2, 16)}.'
                f"{h(cid + 'ms' + str(i), 100, 999)}s (7m{h(cid + str(i), 2, 16)}."
                f"{h(cid + 'ms' + str(i), 100, 999)}s including waiting). Image size: 48211734 "
                "bytes.",
                first=last,
                last=last,
                type_="Normal",
            ),
            shapes.event(
                ns,
                "Pod",
                name,
                "Started",
                f"Started container {app}",
                first=last,
                last=last,
                type_="Normal",
            ),
        ]
    ci(
        cid,
        "`kubectl rollout status` reports `exceeded its progress deadline`; the events show "
        "each new pod's image pull from ghcr.io taking over seven minutes (the chart's "
        "long-standing progressDeadlineSeconds is 300), then the containers started and both "
        "pods are Ready now; nothing in the chart changed (a Rust handler fix): a slow "
        "registry",
        ["flaky-infra", "context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="deploy",
        job="rollout",
        steps=[*kube_setup(), failing(out, name="Wait for rollout")],
        message="fix(api): return 404 for unknown runs",
        files=["crates/healer-api/src/routes/runs.rs"],
        extra={
            "kubernetes": {"pods": pods, "events": events},
            "loki": [
                '{"timestamp":"' + last.replace("Z", ".204Z") + '","level":"INFO","fields":'
                '{"message":"listening","addr":"0.0.0.0:8080"},"target":"healer_api"}',
            ],
        },
    )

    # 8b. bolt: the chart cut the startup probe to one second
    cid = "fr-zn-rollout-startup-probe-too-short"
    out = rollout(cid, ns, app, 2, 1, 0, deadline=True)
    assert out.code, out.lines
    image = "ghcr.io/5dlabs/healer-api:sha-" + sha(cid)[:7]
    created, first, last = clock(cid)
    name = pod_name(cid, app)
    pod = shapes.pod(
        name,
        ns,
        app,
        image,
        created=created,
        restarts=7,
        port=8080,
        memory_limit="512Mi",
        terminated={"exit_code": 137, "reason": "Error", "started": first, "finished": first},
        waiting=(
            "CrashLoopBackOff",
            f"back-off 2m40s restarting failed container={app} pod={name}_{ns}({sha(name)[:8]})",
        ),
    )
    events = [
        shapes.event(
            ns,
            "Pod",
            name,
            "Unhealthy",
            'Startup probe failed: Get "http://10.42.1.37:8080/readyz": dial tcp '
            "10.42.1.37:8080: connect: connection refused",
            first=first,
            last=last,
            count=8,
        ),
        shapes.event(
            ns,
            "Pod",
            name,
            "Killing",
            f"Container {app} failed startup probe, will be restarted",
            first=first,
            last=last,
            count=8,
            type_="Normal",
        ),
        shapes.event(
            ns,
            "Pod",
            name,
            "BackOff",
            f"Back-off restarting failed container {app} in pod {name}_{ns}({sha(name)[:8]})",
            first=first,
            last=last,
            count=21,
        ),
    ]
    stamp = first.replace("Z", "")
    loki = [
        '{"timestamp":"' + stamp + '.113Z","level":"INFO","fields":{"message":"loading '
        'config","path":"/etc/healer/config.yaml"},"target":"healer_api"}',
        '{"timestamp":"' + stamp + '.412Z","level":"INFO","fields":{"message":"running '
        'migrations","pending":0},"target":"healer_store"}',
        '{"timestamp":"' + stamp + '.987Z","level":"INFO","fields":{"message":"warming '
        'agent catalogue","agents":5},"target":"healer_api"}',
    ]
    ci(
        cid,
        "`kubectl rollout status` reports `exceeded its progress deadline`; the new pods are "
        "killed for `failed startup probe` before they listen (Loki shows each start reaching "
        "the catalogue warm-up, never `listening`): the change set the chart's startupProbe "
        "to `periodSeconds: 1, failureThreshold: 1`, so every start is killed, on every pod",
        ["context-driven", "look-alike"],
        "bolt",
        "helm",
        workflow="deploy",
        job="rollout",
        steps=[*kube_setup(), failing(out, name="Wait for rollout")],
        message="chore(chart): fail fast on a stuck start",
        files=["charts/healer-api/values.yaml", "charts/healer-api/templates/deployment.yaml"],
        extra={"kubernetes": {"pods": [pod], "events": events}, "loki": loki},
    )


# ------------------------------------------------------------------ 9. plain

PLAIN_RS = """/// Cuts a title to at most `max` characters, adding an ellipsis when it cuts.
pub fn short_title(title: &str, max: usize) -> String {
    if title.chars().count() <= max {
        return title.to_string();
    }
    let cut: String = title.chars().take(max).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_short_titles() {
        assert_eq!(short_title("fix ci", 20), "fix ci");
    }

    #[test]
    fn cuts_long_titles_within_max() {
        assert_eq!(short_title("refactor the dispatcher", 10), "refactor …");
    }
}
"""

PLAIN_TEST_JS = """import { expect, test } from "vitest";
import { agentColor } from "./colors.js";

test("rex is orange", () => {
  expect(agentColor("rex")).toBe("#f97316");
});
"""

PLAIN_COLORS_JS = """const COLORS = { rex: "#ea580c", blaze: "#dc2626", bolt: "#2563eb" };
export const agentColor = (agent) => COLORS[agent] ?? "#6b7280";
"""

VALUES_DUP = """replicaCount: 2
image:
  repository: ghcr.io/5dlabs/healer-api
  tag: ""
resources:
  limits:
    memory: 512Mi
  requests:
    memory: 256Mi
resources:
  limits:
    cpu: 500m
"""

WF_NEEDS = """name: release
on:
  push:
    tags: ["v*"]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cargo build --release
  publish:
    needs: [biuld]
    runs-on: ubuntu-latest
    steps:
      - run: cargo publish --dry-run
"""


def plain() -> None:
    at(REPO)
    cid = "fr-zn-plain-cargo-test-title"
    out = _lib(cid, {"src/lib.rs": PLAIN_RS}, ["test", "--lib"])
    assert out.code, out.lines
    ci(
        cid,
        "`cuts_long_titles_within_max` fails: short_title keeps `max` characters and then adds "
        "the ellipsis, so the result is one character too long; the change wrote both",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="feat(digest): shorten long PR titles",
        files=["crates/healer-digest/src/title.rs"],
    )

    at(WEB)
    cid = "fr-zn-plain-vitest-color"
    out = _vitest(cid, {"src/colors.js": PLAIN_COLORS_JS, "src/colors.test.js": PLAIN_TEST_JS})
    assert out.code, out.lines
    ci(
        cid,
        "Vitest's `rex is orange` expects `#f97316` and receives `#ea580c`: the change edited "
        "the agent palette and the test",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="style(agents): darker orange for rex",
        files=["src/colors.js", "src/colors.test.js"],
    )

    at(REPO)
    cid = "fr-zn-plain-yamllint-values-duplicate"
    out = real.yamllint(
        cid, {"charts/healer-api/values.yaml": VALUES_DUP}, ["charts/healer-api/values.yaml"]
    )
    assert out.code, out.lines
    ci(
        cid,
        'yamllint fails `duplication of key "resources" in mapping` in the chart\'s values; '
        "the change added a second `resources:` block",
        ["obvious", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="chart",
        job="lint",
        steps=[failing(out, name="yamllint")],
        message="chore(chart): set a CPU limit",
        files=["charts/healer-api/values.yaml"],
    )

    cid = "fr-zn-plain-actionlint-needs-typo"
    out = real.actionlint(cid, {"release.yml": WF_NEEDS})
    assert out.code, out.lines
    ci(
        cid,
        "actionlint rejects release.yml: job `publish` needs `biuld`, which does not exist; "
        "the change edited the workflow",
        ["obvious", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="lint-workflows",
        job="actionlint",
        steps=[failing(out, name="actionlint")],
        message="ci(release): publish after build",
        files=[".github/workflows/release.yml"],
    )
