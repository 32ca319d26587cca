"""What a test harness's or toolchain's own verdict says about whose the failure is.

A test the harness stopped at its deadline after a change to the Rust code is a hang the
change brought, not the network's timeout. rustup refusing a component for the channel the
workflow asks for is the workflow's toolchain pin, whatever crate the change touched. An
end-to-end assertion that got a 5xx while the service it calls keeps crashing is the
crash's, whether the suite is known by its step or by its file.
"""

from __future__ import annotations

from healer_agent.models import Agent, ContextBundle, JobLog, RoutingDecision
from healer_agent.routing.prerouter import PreRouter
from tests.unit.test_logs import gh_log
from tests.unit.test_prerouter import _crashloop_pod, ctx, incident

ROUTER = PreRouter()

NEXTEST = [
    "        SLOW [> 30.000s] cache shard::tests::rebalance_while_reading",
    "     TIMEOUT [  60.002s] cache shard::tests::rebalance_while_reading",
    "     Summary [  60.090s] 52 tests run: 51 passed, 1 timed out",
    "error: test run failed",
]


def _decide(log: str, files: tuple[str, ...], job: str = "test") -> RoutingDecision:
    return ROUTER.decide(incident("rust", job), ctx(log, job, files))


def test_a_test_stopped_at_its_deadline_after_a_rust_change_is_the_codes_hang() -> None:
    log = gh_log(("cargo nextest run --workspace", NEXTEST), exit_code=100)
    changed = _decide(log, ("crates/cache/src/shard.rs",))
    assert changed.agent is Agent.REX and not changed.obvious
    # nothing the test runs changed: the timeout stays a symptom of the runner's network
    assert _decide(log, ("README.md",)).agent is Agent.ATLAS


def test_a_component_the_toolchain_channel_lacks_is_the_workflows_pin() -> None:
    lines = [
        "error: component 'miri' for target 'x86_64-unknown-linux-gnu' is unavailable for "
        "download for channel 'nightly'",
        "Sometimes not all components are available in any given nightly.",
    ]
    log = gh_log(("rustup toolchain install nightly --component miri", lines))
    decision = _decide(log, ("crates/arena/src/lib.rs",), "miri")
    assert decision.agent is Agent.ATLAS


def test_an_e2e_5xx_while_the_service_crashes_is_the_crash_known_by_the_suites_file() -> None:
    lines = [
        "  1) [chromium] \u203a e2e/smoke.spec.ts:6:7 \u203a smoke \u203a dashboard loads runs",
        "    Error: expect(received).toBe(expected) // Object.is equality",
        "    Expected: 200",
        "    Received: 502",
        "        at /home/runner/work/console/console/e2e/smoke.spec.ts:9:26",
        "  1 failed",
    ]
    log = gh_log(("npx playwright test --project=chromium --grep @smoke", lines))

    def agent(pods: list[dict[str, object]]) -> Agent:
        context = ContextBundle(
            logs=(JobLog(job_name="smoke", text=log),),
            changed_files=("src/components/RunTable.css",),
            kubernetes={"pods": pods},
            loki=(
                "thread 'main' panicked at crates/api/src/config.rs:44:51:",
                "called `Result::unwrap()` on an `Err` value: ParseIntError { kind: InvalidDigit }",
            ),
        )
        return ROUTER.decide(incident("console", "smoke"), context).agent

    assert agent([_crashloop_pod("api-7d9f-x2k4")]) is Agent.REX


def test_a_builder_the_workflow_no_longer_sets_up_is_the_workflows() -> None:
    lines = ["ERROR: Cache export is not supported for the docker driver."]
    log = gh_log(("docker buildx build --cache-to type=gha,mode=max -t o/api:1 --push .", lines))
    decision = _decide(log, (".github/workflows/images.yml",), "api-image")
    assert decision.agent is Agent.ATLAS


def test_a_test_reading_fixtures_after_a_change_to_what_lfs_tracks_is_the_checkouts() -> None:
    lines = [
        "---- tests::decodes_the_receipt stdout ----",
        "thread 'tests::decodes_the_receipt' panicked at tests/receipt.rs:9:5:",
        "invalid PNG signature: [118, 101, 114, 115, 105, 111, 110, 32]",
        "failures:",
        "test result: FAILED. 11 passed; 1 failed; 0 ignored",
    ]
    log = gh_log(("cargo test", lines), exit_code=101)
    moved = _decide(log, (".gitattributes", "tests/fixtures/receipt.png"))
    assert moved.agent is Agent.ATLAS and not moved.obvious
    # the test's own code changed: its failure is the code's
    assert _decide(log, ("src/receipt.rs",)).agent is Agent.REX
