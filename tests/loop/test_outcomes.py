"""Outcome tracking sees every open CodeRun: 200 open whose newest fails, Succeeded waits for
a green check, per-agent timeouts on an injected clock, unconfirmed fixes; each transition
is in ``incident_events`` and the metrics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from healer_agent.models import Agent, FailureType
from tests.loop.support import (
    Clock,
    MemorySink,
    Script,
    ScriptedRouter,
    post,
    run_event,
    status_of,
    success_check,
    transitions_of,
)

pytestmark = pytest.mark.loop

ROUTER = ScriptedRouter(
    {
        "Controller CI": Script(Agent.REX, FailureType.RUST_BUILD, "error[E0308]: mismatched"),
        "Infra CI": Script(Agent.BOLT, FailureType.HELM, "Error: UPGRADE FAILED: helm"),
    }
)


@pytest.fixture
async def loop(database_url: str, make_settings: Any, healer_factory: Any) -> Any:
    settings = make_settings(
        store={"url": database_url},
        worker={"coderun_poll_s": 3600, "tracker_page": 50},
        loop={
            "max_in_flight": 1000,
            "max_in_flight_per_repo": 1000,
            "max_attempts": 3,
            "confirm_timeout_s": 7200,
        },
        coderun={"agents": {"rex": {"timeout_s": 600}, "bolt": {"timeout_s": 5400}}},
    )
    sink, clock = MemorySink(), Clock()
    healer = await healer_factory(settings, router=ROUTER, sink=sink, clock=clock)
    return healer, sink, clock


async def test_200_open_coderuns_whose_newest_fails(loop: Any) -> None:
    healer, sink, _clock = loop
    ids = []
    for n in range(200):
        answer = await post(healer, "workflow_run", run_event(1000 + n, branch=f"b{n}"), f"d-{n}")
        ids.append(answer.incident_id)
    await healer.drain(limit_s=120)
    assert len(sink.order) == 200
    newest = sink.order[-1]  # the last created (a batch is routed concurrently, in any order)
    (failing,) = [i for i in ids if (await status_of(healer, i))["coderun_name"] == newest]
    sink.phases[newest] = "Failed"
    sink.reads.clear()
    report = await healer.tracker.poll_report()
    assert report.seen == 200 and report.pages == 4  # pages of 50, every one read
    assert sorted(sink.reads) == sorted(sink.order)
    assert report.failed == [failing]
    row = await status_of(healer, failing)
    assert row["status"] == "routing" and row["attempt"] == 2  # next rung queued
    await healer.drain()
    assert len(sink.order) == 201  # the retry, attempt 2 of the newest only
    assert sink.manifests[sink.order[-1]]["metadata"]["labels"]["healer/attempt"] == "2"
    assert (await status_of(healer, ids[0]))["status"] == "dispatched"
    # a second poll reads all 200 open again (199 untouched + the retry)
    report = await healer.tracker.poll_report()
    assert report.seen == 200 and report.closed == 0


async def test_succeeded_waits_for_the_check_then_fixed(loop: Any, client_for: Any) -> None:
    healer, sink, _clock = loop
    answer = await post(healer, "workflow_run", run_event(1, branch="feat/ok"), "d-1")
    await healer.drain()
    name = sink.order[0]
    sink.phases[name] = "Running"
    await healer.tracker.poll_report()
    assert (await status_of(healer, answer.incident_id))["phase"] == "Running"
    sink.phases[name] = "Succeeded"
    report = await healer.tracker.poll_report()
    assert report.succeeded == [answer.incident_id] and report.closed == 0
    row = await status_of(healer, answer.incident_id)
    assert row["status"] == "verifying" and row["outcome"] is None
    # not fixed until a check on the branch goes green
    fixed = await post(healer, "check_run", success_check("feat/ok", 77), "ok-1")
    assert answer.incident_id in (fixed.reason or "")
    row = await status_of(healer, answer.incident_id)
    assert (row["status"], row["outcome"]) == ("fixed", "fixed")
    assert await transitions_of(healer, answer.incident_id) == [
        "routing",
        "dispatched",
        "verifying",
        "fixed",
    ]
    async with client_for(healer) as client:
        metrics = (await client.get("/metrics")).text
    for state in ("routing", "dispatched", "verifying", "fixed"):
        assert f'healer_incident_transitions_total{{state="{state}"}} 1.0' in metrics


async def test_a_failure_from_before_the_fix_began_is_no_verdict_on_it(loop: Any) -> None:
    """Whether a fix failed is not decided by which worker routed a branch's failures first."""
    healer, sink, clock = loop
    # both received before the first is dispatched (its routing took a minute), the second
    # routed after it: the same failure on another commit, but from before that fix
    first = await post(healer, "workflow_run", run_event(81, branch="q", sha="a" * 40), "q-1")
    second = await post(healer, "workflow_run", run_event(82, branch="q", sha="b" * 40), "q-2")
    clock.advance(60)
    await healer.dispatcher.process(first.incident_id)
    await healer.drain()
    # delivered after the dispatch, but the run had failed before it
    late = run_event(83, branch="q", sha="c" * 40)
    late["workflow_run"]["updated_at"] = (clock.now - timedelta(seconds=30)).isoformat()
    third = await post(healer, "workflow_run", late, "q-3")
    await healer.drain()
    assert len(sink.order) == 1
    assert (await status_of(healer, first.incident_id))["status"] == "dispatched"
    for answer in (second, third):
        row = await status_of(healer, answer.incident_id)
        assert (row["status"], row["duplicate_of"]) == ("duplicate", first.incident_id)
    assert "failed" not in await transitions_of(healer, first.incident_id)
    # the same failure after the fix began is its verdict
    after = run_event(84, branch="q", sha="d" * 40)
    after["workflow_run"]["updated_at"] = (clock.now + timedelta(seconds=30)).isoformat()
    fourth = await post(healer, "workflow_run", after, "q-4")
    await healer.drain()
    closed = await status_of(healer, first.incident_id)
    assert closed["status"] == "failed" and fourth.incident_id in closed["reason"]
    assert (await status_of(healer, fourth.incident_id))["status"] == "dispatched"
    assert len(sink.order) == 2


async def test_per_agent_timeouts_on_the_injected_clock(loop: Any) -> None:
    healer, sink, clock = loop
    rex = await post(healer, "workflow_run", run_event(1, branch="a"), "d-1")
    bolt = await post(healer, "workflow_run", run_event(2, branch="b", workflow="Infra CI"), "d-2")
    await healer.drain()
    assert len(sink.order) == 2
    clock.advance(599)
    assert (await healer.tracker.poll_report()).timed_out == []
    clock.advance(2)  # rex's 600 s have passed, bolt's 5400 s have not
    report = await healer.tracker.poll_report()
    assert report.timed_out == [rex.incident_id]
    assert (await status_of(healer, bolt.incident_id))["status"] == "dispatched"
    assert "timed_out" in await transitions_of(healer, rex.incident_id)
    await healer.drain()
    assert len(sink.of_agent("rex")) == 2  # retried
    clock.advance(5400)
    report = await healer.tracker.poll_report()
    assert bolt.incident_id in report.timed_out
    assert healer.metrics.timeouts.labels(agent="bolt")._value.get() == 1


async def test_a_success_nobody_confirms_is_unconfirmed(loop: Any) -> None:
    healer, sink, clock = loop
    answer = await post(healer, "workflow_run", run_event(1), "d-1")
    await healer.drain()
    sink.phases[sink.order[0]] = "Succeeded"
    await healer.tracker.poll_report()
    clock.advance(7201)
    report = await healer.tracker.poll_report()
    assert report.unconfirmed == [answer.incident_id]
    assert (await status_of(healer, answer.incident_id))["outcome"] == "unconfirmed"


async def test_a_green_check_closes_only_the_remediation_of_its_workflow(loop: Any) -> None:
    healer, sink, _clock = loop
    rex = await post(healer, "workflow_run", run_event(1, sha="a" * 40), "d-1")
    bolt = await post(
        healer, "workflow_run", run_event(2, sha="a" * 40, workflow="Infra CI"), "d-2"
    )
    await healer.drain()
    assert len(sink.order) == 2  # one push, two workflows, two agents
    await post(healer, "check_run", success_check("feat/x", 5, name="Infra CI"), "ok-1")
    assert (await status_of(healer, bolt.incident_id))["outcome"] == "fixed"
    assert (await status_of(healer, rex.incident_id))["status"] == "dispatched"


async def test_held_work_whose_workflow_went_green_is_resolved(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    settings = make_settings(
        store={"url": database_url},
        worker={"coderun_poll_s": 3600},
        loop={"max_in_flight": 1, "hold_retry_s": 3600},
    )
    sink = MemorySink()
    healer = await healer_factory(settings, router=ROUTER, sink=sink)
    await post(healer, "workflow_run", run_event(1, branch="a"), "d-1")
    held = await post(healer, "workflow_run", run_event(2, branch="b"), "d-2")
    await healer.drain()
    assert (await status_of(healer, held.incident_id))["status"] == "held"
    answer = await post(healer, "check_run", success_check("b", 9), "ok-b")
    assert "resolved" in (answer.reason or "")
    assert (await status_of(healer, held.incident_id))["status"] == "resolved"
    await healer.drain()
    assert len(sink.order) == 1


async def test_a_fixed_alert_confirms_its_remediation(loop: Any) -> None:
    import copy

    from tests.conftest import load_fixture

    healer, sink, _clock = loop
    alert = copy.deepcopy(load_fixture("dependabot_alert/created.json"))
    answer = await post(healer, "dependabot_alert", alert, "a-1")
    await healer.drain()
    sink.phases[sink.order[0]] = "Succeeded"
    await healer.tracker.poll_report()
    assert (await status_of(healer, answer.incident_id))["status"] == "verifying"
    fixed = copy.deepcopy(alert)
    fixed["action"] = "fixed"
    closed = await post(healer, "dependabot_alert", fixed, "a-2")
    assert answer.incident_id in (closed.reason or "")
    assert (await status_of(healer, answer.incident_id))["outcome"] == "fixed"


async def test_the_same_failure_on_a_later_commit_closes_only_that_branchs_earlier_fix(
    loop: Any,
) -> None:
    healer, _sink, _clock = loop
    sha_a, sha_b = "a" * 40, "b" * 40
    first = await post(healer, "workflow_run", run_event(71, branch="feat/s", sha=sha_a), "s-1")
    other = await post(healer, "workflow_run", run_event(72, branch="feat/t", sha=sha_a), "s-2")
    await healer.drain()
    second = await post(healer, "workflow_run", run_event(73, branch="feat/s", sha=sha_b), "s-3")
    await healer.drain()
    closed = await status_of(healer, first.incident_id)
    assert closed["status"] == "failed" and "came back" in closed["reason"]
    assert (await status_of(healer, other.incident_id))["status"] == "dispatched"
    assert (await status_of(healer, second.incident_id))["status"] == "dispatched"
    # another run of the newest commit is no verdict on its fix
    await post(healer, "workflow_run", run_event(74, branch="feat/s", sha=sha_b), "s-4")
    await healer.drain()
    assert (await status_of(healer, second.incident_id))["status"] == "dispatched"
