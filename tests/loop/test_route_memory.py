"""Route memory and overrides live in the database: what one replica learns or an operator
decides there, another replica's next decision uses (no snapshot taken at start)."""

from __future__ import annotations

from typing import Any

import pytest

from healer_agent.models import Agent
from tests.loop.support import FakeGitHub, FixedContext, MemorySink, post, run_event, status_of
from tests.loop.test_chatops import comment

pytestmark = pytest.mark.loop


async def test_an_override_on_one_replica_routes_the_next_failure_on_another(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    settings = make_settings(store={"url": database_url}, worker={"coderun_poll_s": 3600})
    github = FakeGitHub()
    sink_a, sink_b = MemorySink(), MemorySink()
    # both replicas start now, with empty memory; the real pre-router asks it
    a = await healer_factory(
        settings, context=FixedContext(), sink=sink_a, notifier=github.notifier(settings)
    )
    b = await healer_factory(settings, context=FixedContext(), sink=sink_b)
    body = run_event(1)
    body["workflow_run"]["pull_requests"] = [{"number": 7}]
    first = await post(a, "workflow_run", body, "r-1")
    await a.drain()
    assert (await status_of(a, first.incident_id))["agent"] == "rex"
    await post(a, "issue_comment", comment("/healer fix bolt", association="OWNER"), "c-1")
    await a.drain()
    assert (await status_of(a, first.incident_id))["agent"] == "bolt"
    assert len(b.memory) == 0  # replica b has not read anything yet
    nxt = await post(b, "workflow_run", run_event(2, branch="feat/other"), "r-2")
    await b.drain()
    row = await status_of(b, nxt.incident_id)
    assert row["agent"] == "bolt"
    assert any(e["signal"] == "memory" for e in row["decision"]["evidence"])
    assert b.memory.get(row["signature"]) is Agent.BOLT
