"""Accepted events survive a crash: a stored but unprocessed delivery is taken over when
its lease expires; one that keeps failing is parked as dead with its error."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from healer_agent.store import inbox
from tests.conftest import load_fixture


async def test_orphaned_delivery_is_processed_after_its_lease(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    settings = make_settings(store={"url": database_url})
    healer = await healer_factory(settings)
    payload = json.dumps(load_fixture("workflow_job/completed-1.json"))
    async with healer.engine.begin() as conn:  # the request committed, then the process died
        await inbox.record(
            conn,
            delivery_id="orphan",
            endpoint="github",
            event_type="workflow_job",
            payload=payload,
            lease=timedelta(seconds=-1),
        )
    await healer.drain()
    async with healer.engine.connect() as conn:
        row = await inbox.get(conn, "orphan")
    assert row is not None and row.status == "done"
    assert row.result is not None and row.result["status"] == "accepted"
    assert len(list(settings.sink.dir.glob("healer-ci-*.yaml"))) == 1


async def test_poison_delivery_is_parked_dead_and_visible(
    database_url: str, make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    settings = make_settings(store={"url": database_url, "max_attempts": 2, "lease_s": 0.01})
    healer = await healer_factory(settings)
    async with healer.engine.begin() as conn:
        await inbox.record(
            conn,
            delivery_id="poison",
            endpoint="github",
            event_type="workflow_job",
            payload='{"workflow_job": {}}',
            lease=timedelta(seconds=-1),
        )
    for _ in range(4):
        await healer.worker.work_once()
    async with healer.engine.connect() as conn:
        row = await inbox.get(conn, "poison")
    assert row is not None and row.status == "dead"
    async with client_for(healer) as client:
        status = (await client.get("/api/status")).json()
    assert status["dead"][0]["delivery_id"] == "poison"
    assert "repository" in status["dead"][0]["error"]


@pytest.mark.loop
async def test_a_command_whose_worker_died_runs_after_its_lease(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    from healer_agent.intake.normalize import normalize
    from healer_agent.tracking import commands

    settings = make_settings(store={"url": database_url, "lease_s": 0.01})
    healer = await healer_factory(settings)
    payload = load_fixture("issue_comment/created-4.json")
    payload["comment"]["body"] = "/healer status"
    incident = normalize("issue_comment", payload)
    async with healer.engine.begin() as conn:
        assert await commands.record(conn, commands.key_of(incident), incident)
        assert not await commands.record(conn, commands.key_of(incident), incident)
    # a worker took it and died: the lease runs out, another worker finishes it
    async with healer.engine.begin() as conn:
        from healer_agent.store import queue
        from healer_agent.store.dialect import utcnow
        from healer_agent.store.tables import commands as table

        taken = await queue.claim(
            conn,
            table,
            [table.c.status == "pending"],
            "attempts",
            timedelta(seconds=-1),
            utcnow(),
            1,
            table.c.id,
        )
    assert len(taken) == 1
    await healer.drain()
    async with healer.engine.connect() as conn:
        assert await commands.pending(conn) == 0
        import sqlalchemy as sa

        row = (await conn.execute(sa.select(table))).one()
    assert row.status == "done" and "no Healer incident" in row.result


@pytest.mark.loop
async def test_held_work_survives_a_restart_and_two_trackers_act_once(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    from tests.loop.support import MemorySink, ScriptedRouter, post, run_event

    settings = make_settings(
        store={"url": database_url},
        worker={"coderun_poll_s": 3600},
        loop={"max_in_flight": 1, "hold_retry_s": 3600},
    )
    sink = MemorySink()
    first = await healer_factory(settings, router=ScriptedRouter({}), sink=sink)
    await post(first, "workflow_run", run_event(1, branch="a"), "d-1")
    await post(first, "workflow_run", run_event(2, branch="b"), "d-2")
    await first.drain()
    assert len(sink.order) == 1
    await first.stop()
    # a new process (and a second replica) on the same database
    second = await healer_factory(settings, router=ScriptedRouter({}), sink=sink)
    third = await healer_factory(settings, router=ScriptedRouter({}), sink=sink)
    sink.phases[sink.order[0]] = "Failed"
    reports = [await second.tracker.poll_report(), await third.tracker.poll_report()]
    assert sorted(len(r.failed) for r in reports) == [0, 1]
    await second.drain()
    # the freed slot went to the held incident or the retry: still one in flight
    assert len(sink.order) == 2
    async with second.engine.connect() as conn:
        from healer_agent.store.dialect import utcnow
        from healer_agent.tracking import admission

        assert await admission.in_flight(conn, utcnow()) == 1


def _sensor(run_id: int) -> dict[str, Any]:
    return {
        "workflow_run": {
            "id": run_id,
            "name": "CI",
            "conclusion": "failure",
            "head_branch": f"b{run_id}",
            "head_sha": "abc123",
        },
        "repository": {"full_name": "acme/shop"},
    }


async def test_the_intake_backlog_is_a_metric(
    make_settings: Any, healer_factory: Any, database_url: str
) -> None:
    healer = await healer_factory(
        make_settings(store={"url": database_url}, worker={"coderun_poll_s": 0.0})
    )
    for n in range(3):
        await healer.intake.accept(
            endpoint="sensor",
            event_type="workflow_run",
            payload=_sensor(900 + n),
            delivery_id=f"lag-{n}",
        )
    async with healer.engine.connect() as conn:
        assert await inbox.oldest_pending_age_s(conn) >= 0.0
    await healer.worker._refresh_gauges()
    assert healer.metrics.inbox_pending._value.get() == 3
    await healer.worker.intake_pending()
    await healer.worker._refresh_gauges()
    assert healer.metrics.inbox_pending._value.get() == 0
    assert healer.metrics.inbox_lag._value.get() == 0.0


async def test_a_stage_batch_commits_early_for_a_request_in_flight(
    make_settings: Any, healer_factory: Any, tmp_path: Any
) -> None:
    """On SQLite the stage's transaction holds the connection a request's commit needs."""
    from sqlalchemy import event

    healer = await healer_factory(make_settings(worker={"coderun_poll_s": 0.0}))
    for n in range(3):
        await healer.intake.accept(
            endpoint="sensor",
            event_type="workflow_run",
            payload=_sensor(950 + n),
            delivery_id=f"early-{n}",
        )
    commits = 0

    def count(_conn: Any) -> None:
        nonlocal commits
        commits += 1

    event.listen(healer.engine.sync_engine, "commit", count)
    with healer.worker._priority.request():  # a request is in flight the whole time
        assert await healer.worker.intake_pending(rounds=1) == 3
    event.remove(healer.engine.sync_engine, "commit", count)
    assert commits == 1 + 3  # the claim, then one transaction per delivery
    async with healer.engine.connect() as conn:
        rows = [await inbox.get(conn, f"early-{n}") for n in range(3)]
    assert [r.status for r in rows if r is not None] == ["done"] * 3
