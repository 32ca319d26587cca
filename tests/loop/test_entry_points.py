"""The design's other entry points: ``[skip-healer]`` for ``workflow_job`` failures (from a
push of the head commit, another view of the run, or the context's commit), ``check_suite``
failures of external CI, and dedup by what failed: two workflows broken by one push are two
remediations when they need different agents and one when they share a root cause."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from healer_agent.models import Agent, FailureType
from tests.conftest import load_fixture
from tests.loop.support import (
    FixedContext,
    MemorySink,
    Script,
    ScriptedRouter,
    post,
    run_event,
    status_of,
)

pytestmark = pytest.mark.loop
SHA = "3484a3fb816e0859fd6e1cea078d76385ff50625"


def job() -> dict[str, Any]:
    payload = copy.deepcopy(load_fixture("workflow_job/completed-1.json"))
    payload["repository"]["full_name"] = "5dlabs/cto"
    return payload


def push(message: str, sha: str = SHA, branch: str = "main") -> dict[str, Any]:
    return {
        "ref": f"refs/heads/{branch}",
        "before": "0" * 40,
        "after": sha,
        "head_commit": {"message": message},
        "repository": {"full_name": "5dlabs/cto"},
        "sender": {"login": "dev", "type": "User"},
    }


@pytest.fixture
def build(database_url: str, make_settings: Any, healer_factory: Any) -> Any:
    async def make(router: Any = None, context: Any = None) -> tuple[Any, MemorySink]:
        settings = make_settings(store={"url": database_url}, worker={"coderun_poll_s": 3600})
        sink = MemorySink()
        healer = await healer_factory(
            settings, router=router or ScriptedRouter({}), sink=sink, context=context
        )
        return healer, sink

    return make


async def test_skip_healer_from_a_push_of_the_head_commit(build: Any) -> None:
    healer, sink = await build()
    noted = await post(healer, "push", push("wip [skip-healer]"), "p-1")
    assert "skips" in (noted.reason or "")
    answer = await post(healer, "workflow_job", job(), "j-1")
    assert answer.status == "accepted"  # the job itself carries no commit message
    await healer.drain()
    row = await status_of(healer, answer.incident_id)
    assert row["status"] == "skipped" and "[skip-healer]" in row["reason"]
    assert sink.order == []


async def test_skip_healer_from_the_run_of_the_same_job(build: Any) -> None:
    healer, sink = await build()
    answer = await post(healer, "workflow_job", job(), "j-1")
    run = run_event(2202229078, branch="main", sha=SHA, message="try [skip-healer]")
    run["workflow_run"]["name"] = "CodeQL"
    skipped = await post(healer, "workflow_run", run, "r-1")
    assert skipped.status == "skipped"
    await healer.drain()
    assert (await status_of(healer, answer.incident_id))["status"] == "skipped"
    assert sink.order == []


async def test_skip_healer_from_the_commit_the_context_read(build: Any) -> None:
    healer, sink = await build(context=FixedContext(commit_message="chore [skip-healer]"))
    answer = await post(healer, "workflow_job", job(), "j-1")
    await healer.drain()
    assert (await status_of(healer, answer.incident_id))["status"] == "skipped"
    assert sink.order == []


async def test_a_job_without_a_marker_is_remediated(build: Any) -> None:
    healer, sink = await build()
    await post(healer, "push", push("feat: ordinary"), "p-1")
    await post(healer, "workflow_job", job(), "j-1")
    await healer.drain()
    assert len(sink.order) == 1


async def test_check_suite_failures_of_external_ci_are_dispatched(build: Any) -> None:
    healer, sink = await build()
    suite = copy.deepcopy(load_fixture("check_suite/completed-1.json"))
    suite["check_suite"].update(conclusion="failure", app={"slug": "circleci", "name": "CircleCI"})
    suite["repository"]["full_name"] = "5dlabs/cto"
    answer = await post(healer, "check_suite", suite, "s-1")
    assert answer.status == "accepted"
    await healer.drain()
    assert len(sink.order) == 1
    actions = copy.deepcopy(load_fixture("check_suite/completed-2.json"))
    actions["check_suite"]["conclusion"] = "failure"
    actions["check_suite"]["id"] = 5
    answer = await post(healer, "check_suite", actions, "s-2")
    assert answer.status == "ignored"  # Actions suites are reported by their runs and jobs


ROUTER = ScriptedRouter(
    {
        "Controller CI": Script(Agent.REX, FailureType.RUST_BUILD, "error[E0308]: mismatched"),
        "Frontend CI": Script(
            Agent.BLAZE, FailureType.FRONTEND_TYPECHECK, "TS2322: not assignable"
        ),
        "Docs CI": Script(Agent.REX, FailureType.RUST_BUILD, "error[E0308]: mismatched"),
    }
)


async def test_one_push_two_workflows_two_agents_two_remediations(build: Any) -> None:
    healer, sink = await build(router=ROUTER)
    a = await post(
        healer, "workflow_run", run_event(1, workflow="Controller CI", sha="c" * 40), "r-1"
    )
    b = await post(
        healer, "workflow_run", run_event(2, workflow="Frontend CI", sha="c" * 40), "r-2"
    )
    assert (a.status, b.status) == ("accepted", "accepted")  # the branch window is gone
    await healer.drain()
    assert sorted(m["metadata"]["labels"]["healer/agent"] for m in sink.manifests.values()) == [
        "blaze",
        "rex",
    ]


async def test_one_push_two_workflows_one_root_cause_one_remediation(build: Any) -> None:
    healer, sink = await build(router=ROUTER)
    a = await post(
        healer, "workflow_run", run_event(1, workflow="Controller CI", sha="c" * 40), "r-1"
    )
    b = await post(healer, "workflow_run", run_event(2, workflow="Docs CI", sha="c" * 40), "r-2")
    await healer.drain()
    assert len(sink.order) == 1
    second = await status_of(healer, b.incident_id)
    assert second["status"] == "duplicate" and second["duplicate_of"] == a.incident_id
    assert "same failure of this push" in second["reason"]


async def test_the_same_workflow_rerun_on_one_commit_is_one_failure(build: Any) -> None:
    healer, _sink = await build(router=ROUTER)
    await post(healer, "workflow_run", run_event(1, sha="d" * 40), "r-1")
    rerun = run_event(1, sha="d" * 40)
    rerun["workflow_run"]["run_attempt"] = 2
    again = await post(healer, "workflow_run", rerun, "r-2")
    assert again.status == "skipped" and again.dedup_status == "existing"
    # the next push on the branch fails the same workflow: a new failure
    nxt = await post(healer, "workflow_run", run_event(3, sha="e" * 40), "r-3")
    assert nxt.status == "accepted"
