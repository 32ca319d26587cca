"""ChatOps without network I/O on the intake path: commands are recorded in the intake
transaction and run by a worker, whose GitHub calls happen with no database connection
checked out; a replayed signed comment runs once; retries count against the attempt cap;
the "Remediate" button on a check Healer never saw creates the incident."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from healer_agent.store import incidents
from tests.conftest import load_fixture
from tests.loop.support import FakeGitHub, MemorySink, ScriptedRouter, post, run_event

pytestmark = pytest.mark.loop


def comment(
    body: str,
    *,
    association: str = "MEMBER",
    comment_id: int = 900,
    updated_at: str = "2026-11-28T10:00:00Z",
    pr: int = 7,
) -> dict[str, Any]:
    payload = copy.deepcopy(load_fixture("issue_comment/created-4.json"))
    payload["comment"].update(
        body=body, author_association=association, id=comment_id, updated_at=updated_at
    )
    payload["comment"]["user"]["type"] = "User"
    payload["issue"]["number"] = pr
    payload["issue"]["pull_request"] = {"url": "u"}
    payload["repository"]["full_name"] = "5dlabs/cto"
    return payload


@pytest.fixture
async def loop(database_url: str, make_settings: Any, healer_factory: Any) -> Any:
    github = FakeGitHub()
    settings = make_settings(
        store={"url": database_url},
        worker={"coderun_poll_s": 3600},
        loop={"max_attempts": 3},
        github={"token": "ghp_test", "api_url": "http://github.test"},
    )
    sink = MemorySink()
    healer = await healer_factory(
        settings, router=ScriptedRouter({}), sink=sink, notifier=github.notifier(settings)
    )
    github.engine = healer.engine
    body = run_event(1)
    body["workflow_run"]["pull_requests"] = [{"number": 7}]
    await post(healer, "workflow_run", body, "run-1")
    await healer.drain()
    assert len(sink.order) == 1
    return healer, sink, github


async def test_commands_make_no_github_call_inside_intake(loop: Any) -> None:
    healer, _sink, github = loop
    answer = await post(healer, "issue_comment", comment("/healer status"), "c-1")
    assert answer.status == "accepted" and "recorded" in (answer.reason or "")
    assert github.calls == []  # intake answered without calling GitHub
    await healer.drain()
    assert [(m, p) for m, p, _ in github.calls] == [("POST", "/repos/5dlabs/cto/issues/7/comments")]
    assert github.calls[0][2] == 0  # and the worker held no connection while it did


async def test_a_replayed_signed_comment_runs_once(loop: Any) -> None:
    healer, sink, _github = loop
    first = await post(healer, "issue_comment", comment("/healer retry"), "c-1")
    assert first.status == "accepted"
    for n in range(2, 5):  # the same signed body under new delivery ids
        again = await post(healer, "issue_comment", comment("/healer retry"), f"c-{n}")
        assert again.status == "ignored" and "replay" in (again.reason or "")
    await healer.drain()
    assert len(sink.order) == 2  # one retry, not four
    assert healer.metrics.commands.labels(verb="retry", outcome="replayed")._value.get() == 3


async def test_retries_count_against_the_attempt_cap(loop: Any) -> None:
    healer, sink, github = loop
    for n, stamp in enumerate(
        ("2026-11-28T10:00:00Z", "2026-11-28T10:05:00Z", "2026-11-28T10:09:00Z")
    ):
        # an edited comment is a new signed body: a new command, still under the cap
        await post(healer, "issue_comment", comment("/healer retry", updated_at=stamp), f"c-{n}")
        await healer.drain()
    assert len(sink.order) == 3  # attempts 1, 2, 3: the third retry is refused
    replies = [p for _, p, _ in github.calls if p.endswith("/comments")]
    assert len(replies) == 1
    async with healer.engine.connect() as conn:
        rows = await incidents.recent(conn, limit=5)
    assert max(r["attempt"] for r in rows) == 3


async def test_untrusted_authors_and_bots_are_refused_in_intake(loop: Any) -> None:
    healer, sink, github = loop
    refused = await post(
        healer, "issue_comment", comment("/healer retry", association="NONE"), "c-1"
    )
    assert refused.status == "ignored" and "NONE" in (refused.reason or "")
    await healer.drain()
    assert len(sink.order) == 1 and github.calls == []


async def test_the_remediate_button_on_an_unseen_check_creates_the_incident(loop: Any) -> None:
    healer, sink, github = loop
    payload = copy.deepcopy(load_fixture("check_run/requested_action-2.json"))
    payload["repository"]["full_name"] = "5dlabs/cto"
    payload["check_run"]["check_suite"]["head_branch"] = "feat/button"
    check_id = payload["check_run"]["id"]
    answer = await post(healer, "check_run", payload, "b-1")
    assert answer.status == "accepted" and github.calls == []
    await healer.drain()
    assert github.calls[0][1].endswith("/permission") and github.calls[0][2] == 0
    async with healer.engine.connect() as conn:
        rows = await incidents.recent(conn, limit=5)
    created = next(r for r in rows if r["run_key"] == f"5dlabs/cto#check:{check_id}")
    assert created["status"] == "dispatched" and created["branch"] == "feat/button"
    assert len(sink.order) == 2


async def test_the_button_needs_write_permission(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    github = FakeGitHub(permission="read")
    settings = make_settings(
        store={"url": database_url}, github={"token": "ghp_test", "api_url": "http://github.test"}
    )
    sink = MemorySink()
    healer = await healer_factory(
        settings, router=ScriptedRouter({}), sink=sink, notifier=github.notifier(settings)
    )
    payload = copy.deepcopy(load_fixture("check_run/requested_action-2.json"))
    await post(healer, "check_run", payload, "b-1")
    await healer.drain()
    assert sink.order == []
    assert healer.metrics.commands.labels(verb="remediate", outcome="refused")._value.get() == 1
