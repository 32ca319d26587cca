"""The escalation ladder: a failed fix goes to the runner-up when the evidence supports one,
then to people (comment, label, webhook); triage's ``escalate`` is obeyed; retry prompts
state the real history (agent, phase, PR, what changed)."""

from __future__ import annotations

from typing import Any

import pytest

from healer_agent.models import Agent, Candidate, FailureType, RoutingDecision
from healer_agent.tracking.ladder import next_step
from tests.loop.support import (
    FakeGitHub,
    MemorySink,
    Script,
    ScriptedRouter,
    post,
    run_event,
    status_of,
    transitions_of,
)

pytestmark = pytest.mark.loop

RUST, HELM = FailureType.RUST_BUILD, FailureType.HELM
ROUTER = ScriptedRouter(
    {
        # a Rust build failing inside a Docker build: rex first, bolt well supported
        "Image CI": Script(
            Agent.REX,
            RUST,
            "error[E0308] in docker build",
            candidates=((Agent.REX, RUST, 10.0), (Agent.BOLT, HELM, 7.0)),
        ),
        # bolt barely in the running
        "Controller CI": Script(
            Agent.REX,
            RUST,
            "error[E0308]: mismatched types",
            candidates=((Agent.REX, RUST, 10.0), (Agent.BOLT, HELM, 2.0)),
        ),
        "Release": Script(
            Agent.ATLAS, FailureType.RELEASE_PUBLISH, "403 from the registry", escalate=True
        ),
    }
)


def decision(
    candidates: tuple[tuple[Agent, float], ...], escalate: bool = False
) -> RoutingDecision:
    cands = tuple(
        Candidate(agent=a, failure_type=RUST if a is Agent.REX else HELM, score=s)
        for a, s in candidates
    )
    return RoutingDecision(
        agent=Agent.REX,
        failure_type=RUST,
        confidence=0.8,
        decided_by="prerouter",
        candidates=cands,
        escalate=escalate,
        runner_up=next((c for c in cands if c.agent is not Agent.REX), None),
    )


def test_the_rungs() -> None:
    strong = decision(((Agent.REX, 10), (Agent.BOLT, 6)))
    weak = decision(((Agent.REX, 10), (Agent.BOLT, 4)))
    step = next_step(strong, failed=[], attempts=0, cap=3, min_ratio=0.5)
    assert (step.action, step.agent) == ("dispatch", Agent.REX)
    step = next_step(strong, failed=["rex"], attempts=1, cap=3, min_ratio=0.5)
    assert (step.action, step.agent) == ("handoff", Agent.BOLT)
    step = next_step(weak, failed=["rex"], attempts=1, cap=3, min_ratio=0.5)
    assert (step.action, step.agent) == ("dispatch", Agent.REX)  # again, told the history
    step = next_step(strong, failed=["rex", "bolt"], attempts=2, cap=3, min_ratio=0.5)
    assert (step.action, step.agent) == ("dispatch", Agent.REX)
    assert next_step(strong, failed=["rex"], attempts=3, cap=3, min_ratio=0.5).action == "escalate"
    assert (
        next_step(strong, failed=["rex"], attempts=1, cap=3, min_ratio=0.5, security=True).action
        == "dispatch"
    )  # alerts stay with their agent
    assert (
        next_step(
            decision(((Agent.REX, 10),), escalate=True), failed=[], attempts=0, cap=3, min_ratio=0.5
        ).action
        == "escalate"
    )


@pytest.fixture
async def loop(database_url: str, make_settings: Any, healer_factory: Any) -> Any:
    github = FakeGitHub()
    settings = make_settings(
        store={"url": database_url},
        worker={"coderun_poll_s": 3600},
        loop={"max_attempts": 2},
        github={"token": "ghp_test", "api_url": "http://github.test"},
        notify={"webhook_url": "http://hooks.test/x"},
    )
    sink = MemorySink()
    healer = await healer_factory(
        settings, router=ROUTER, sink=sink, notifier=github.notifier(settings)
    )
    github.engine = healer.engine
    return healer, sink, github


async def test_a_failed_fix_is_handed_to_the_runner_up_then_to_people(loop: Any) -> None:
    healer, sink, github = loop
    body = run_event(1, workflow="Image CI")
    body["workflow_run"]["pull_requests"] = [{"number": 12}]
    answer = await post(healer, "workflow_run", body, "d-1")
    await healer.drain()
    assert sink.of_agent("rex") == sink.order
    sink.phases[sink.order[0]] = "Failed"
    await healer.tracker.poll_report()
    await healer.drain()
    assert len(sink.of_agent("bolt")) == 1  # the runner-up took over
    row = await status_of(healer, answer.incident_id)
    assert (row["agent"], row["handoff_agent"], row["attempt"]) == ("bolt", "bolt", 2)
    prompt = sink.manifests[sink.of_agent("bolt")[0]]["spec"]["promptModification"]
    assert "attempt 1: rex" in prompt and "Failed" in prompt
    assert healer.metrics.handoffs.labels(from_agent="rex", to_agent="bolt")._value.get() == 1
    # bolt fails too: the cap (2) is reached and people are told on every channel
    sink.phases[sink.of_agent("bolt")[0]] = "Failed"
    await healer.tracker.poll_report()
    await healer.drain()
    row = await status_of(healer, answer.incident_id)
    assert row["status"] == "escalated" and len(sink.order) == 2
    paths = [path for _, path, _ in github.calls]
    assert paths == [
        "/repos/5dlabs/cto/issues/12/comments",
        "/repos/5dlabs/cto/issues/12/labels",
        "/x",
    ]
    assert all(held == 0 for _, _, held in github.calls)  # no connection held meanwhile
    states = await transitions_of(healer, answer.incident_id)
    assert states == [
        "routing",
        "dispatched",
        "failed",
        "routing",
        "handoff",
        "dispatched",
        "failed",
        "routing",
        "escalated",
    ]


async def test_weak_evidence_means_the_same_agent_told_the_history(loop: Any) -> None:
    healer, sink, _github = loop
    await post(healer, "workflow_run", run_event(1), "d-1")
    await healer.drain()
    sink.phases[sink.order[0]] = "Failed"
    await healer.tracker.poll_report()
    await healer.drain()
    assert len(sink.of_agent("rex")) == 2 and not sink.of_agent("bolt")


async def test_triage_asking_for_a_person_is_not_dispatched(loop: Any) -> None:
    healer, sink, github = loop
    answer = await post(healer, "workflow_run", run_event(1, workflow="Release"), "d-1")
    await healer.drain()
    assert sink.order == []
    row = await status_of(healer, answer.incident_id)
    assert row["status"] == "escalated" and "triage asked for a person" in row["reason"]
    assert healer.metrics.escalations.labels(reason="triage")._value.get() == 1
    # no PR: a comment on the commit, no label, and the webhook
    assert [path for _, path, _ in github.calls] == [
        f"/repos/5dlabs/cto/commits/{1:040x}/comments",
        "/x",
    ]


async def test_retry_prompt_states_agent_phase_pr_and_what_changed(loop: Any) -> None:
    healer, sink, _github = loop
    answer = await post(healer, "workflow_run", run_event(1, branch="feat/h"), "d-1")
    await healer.drain()
    name = sink.order[0]
    sink.phases[name] = "Running"
    await healer.tracker.poll_report()
    # the agent pushes a commit and opens a PR from the branch
    push = {
        "ref": "refs/heads/feat/h",
        "before": f"{1:040x}",
        "after": "f" * 40,
        "head_commit": {"message": "fix: types"},
        "repository": {"full_name": "5dlabs/cto"},
        "sender": {"login": "5dlabs-rex[bot]", "type": "Bot"},
        "compare": "c",
    }
    assert "noted" in ((await post(healer, "push", push, "p-1")).reason or "")
    pr = {
        "action": "opened",
        "number": 41,
        "pull_request": {
            "number": 41,
            "html_url": "https://github.com/5dlabs/cto/pull/41",
            "merged": False,
            "state": "open",
            "head": {"ref": "feat/h", "sha": "f" * 40},
            "base": {"ref": "main"},
            "user": {"login": "5dlabs-rex[bot]"},
        },
        "repository": {"full_name": "5dlabs/cto"},
    }
    await post(healer, "pull_request", pr, "pr-1")
    review = {
        "action": "submitted",
        "review": {"state": "changes_requested", "user": {"login": "maintainer"}},
        **{k: v for k, v in pr.items() if k != "action"},
    }
    assert "noted" in ((await post(healer, "pull_request_review", review, "rv-1")).reason or "")
    sink.phases[name] = "Failed"
    await healer.tracker.poll_report()
    await healer.drain()
    prompt = sink.manifests[sink.order[-1]]["spec"]["promptModification"]
    assert "attempt 1: rex" in prompt
    assert "Failed" in prompt and "pull/41" in prompt
    assert "fffffff" in prompt  # what changed since: the agent's push
    assert (
        "CHANGES\\_REQUESTED by maintainer" in prompt or "CHANGES_REQUESTED by maintainer" in prompt
    )  # the review of its PR
    states = await transitions_of(healer, answer.incident_id)
    assert {"fix_pushed", "pr_opened", "review"} <= set(states)


async def test_a_pr_closed_unmerged_is_a_failed_fix(loop: Any) -> None:
    healer, sink, _github = loop
    answer = await post(healer, "workflow_run", run_event(1, branch="feat/c"), "d-1")
    await healer.drain()
    url = "https://github.com/5dlabs/cto/pull/43"
    pr = {
        "action": "opened",
        "number": 43,
        "pull_request": {
            "number": 43,
            "html_url": url,
            "merged": False,
            "state": "open",
            "head": {"ref": "feat/c", "sha": "e" * 40},
            "base": {"ref": "main"},
            "user": {"login": "5dlabs-rex[bot]"},
        },
        "repository": {"full_name": "5dlabs/cto"},
    }
    await post(healer, "pull_request", pr, "pr-1")
    sink.phases[sink.order[0]] = "Succeeded"
    await healer.tracker.poll_report()
    closed = {**pr, "action": "closed"}
    closed["pull_request"] = {**pr["pull_request"], "state": "closed"}
    result = await post(healer, "pull_request", closed, "pr-2")
    assert "failed" in (result.reason or "")
    row = await status_of(healer, answer.incident_id)
    assert row["outcome"] == "failed" and "closed unmerged" in row["reason"]
