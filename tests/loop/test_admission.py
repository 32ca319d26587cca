"""Admission control: a storm of 100 branches under a cap of 10, the per-repository cap, the
circuit breaker per repository/agent, and held-back work visible in ``healer status``."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from healer_agent.store.db import create_engine, ensure_schema
from healer_agent.tracking import admission
from tests.loop.support import (
    Clock,
    MemorySink,
    ScriptedRouter,
    drain_concurrently,
    post,
    run_event,
    status_of,
    success_check,
)

pytestmark = pytest.mark.loop


async def in_flight(healer: Any) -> int:
    async with healer.engine.connect() as conn:
        return await admission.in_flight(conn, healer.dispatcher._clock())


async def test_a_storm_of_100_branches_under_a_cap_of_10(
    database_url: str, make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    settings = make_settings(
        store={"url": database_url},
        worker={"coderun_poll_s": 3600},
        loop={"max_in_flight": 10, "max_in_flight_per_repo": 100, "hold_retry_s": 3600},
    )
    sink = MemorySink()
    healer = await healer_factory(settings, router=ScriptedRouter({}), sink=sink)
    # main broke and every branch fails at once
    answers = await asyncio.gather(
        *(
            post(healer, "workflow_run", run_event(5000 + n, branch=f"branch-{n}"), f"s-{n}")
            for n in range(100)
        )
    )
    assert {a.status for a in answers} == {"accepted"}
    await drain_concurrently(healer)
    assert len(sink.order) == 10
    assert await in_flight(healer) == 10
    async with client_for(healer) as client:
        status = (await client.get("/api/status")).json()
    assert status["admission"]["held"] == 90
    assert status["admission"]["in_flight"] == 10
    assert status["incidents"]["held"] == 90
    assert "global cap" in status["admission"]["held_back"][0]["reason"]
    # three CodeRuns finish: three held remediations take their slots, no more
    for name in sink.order[:3]:
        sink.phases[name] = "Succeeded"
    await healer.tracker.poll_report()
    assert await in_flight(healer) == 7
    await drain_concurrently(healer)
    assert len(sink.order) == 13
    assert await in_flight(healer) == 10
    async with healer.engine.connect() as conn:
        counts = await admission.held_counts(conn)
    assert counts == {"5dlabs/cto": 87}
    assert healer.metrics.held_back.labels(reason="global_cap")._value.get() >= 90
    # asking again and being held for the same reason is not another transition
    import sqlalchemy as sa

    from healer_agent.store.tables import incident_events

    async with healer.engine.connect() as conn:
        held_rows = await conn.scalar(
            sa.select(sa.func.count())
            .select_from(incident_events)
            .where(incident_events.c.kind == "held")
        )
    assert held_rows == 90


async def test_the_per_repository_cap(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    settings = make_settings(
        store={"url": database_url},
        worker={"coderun_poll_s": 3600},
        loop={"max_in_flight": 10, "max_in_flight_per_repo": 2, "hold_retry_s": 3600},
    )
    sink = MemorySink()
    healer = await healer_factory(settings, router=ScriptedRouter({}), sink=sink)
    for n in range(4):
        await post(healer, "workflow_run", run_event(n + 1, branch=f"a{n}", repo="o/one"), f"a-{n}")
        await post(
            healer, "workflow_run", run_event(n + 11, branch=f"b{n}", repo="o/two"), f"b-{n}"
        )
    await drain_concurrently(healer)
    repos = [sink.manifests[n]["spec"]["repositoryUrl"].rsplit("/", 1)[1] for n in sink.order]
    assert sorted(repos) == ["one", "one", "two", "two"]
    async with healer.engine.connect() as conn:
        assert await admission.held_counts(conn) == {"o/one": 2, "o/two": 2}


async def test_the_breaker_opens_after_failed_fixes_and_closes_on_a_success(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    settings = make_settings(
        store={"url": database_url},
        worker={"coderun_poll_s": 3600},
        loop={"breaker_failures": 2, "breaker_cooldown_s": 3600, "max_attempts": 1},
    )
    sink, clock = MemorySink(), Clock()
    healer = await healer_factory(settings, router=ScriptedRouter({}), sink=sink, clock=clock)
    # two failed fixes of rex in this repository (different branches)
    for n in (1, 2):
        await post(healer, "workflow_run", run_event(n, branch=f"f{n}"), f"f-{n}")
        await healer.drain()
        sink.phases[sink.order[-1]] = "Failed"
        await healer.tracker.poll_report()
        await healer.drain()  # cap 1: the retry escalates
    async with healer.engine.connect() as conn:
        breakers = await admission.open_breakers(conn)
    assert [(b["agent"], b["failures"]) for b in breakers] == [("rex", 2)]
    held = await post(healer, "workflow_run", run_event(3, branch="f3"), "f-3")
    await healer.drain()
    row = await status_of(healer, held.incident_id)
    assert row["status"] == "held" and "circuit breaker open" in row["reason"]
    assert len(sink.order) == 2
    # another repository's rex work is not held back
    await post(healer, "workflow_run", run_event(4, branch="g", repo="o/other"), "g")
    await healer.drain()
    assert len(sink.order) == 3
    # the cool-down passes (the loop's clock), the held work asks again (the queue's clock)
    clock.advance(3601)
    await due_now(healer)
    await healer.drain()
    assert (await status_of(healer, held.incident_id))["status"] == "dispatched"  # the trial
    sink.phases[sink.order[-1]] = "Succeeded"
    await healer.tracker.poll_report()
    await post(healer, "check_run", success_check("f3", 99), "ok-f3")
    assert (await status_of(healer, held.incident_id))["outcome"] == "fixed"
    async with healer.engine.connect() as conn:
        assert await admission.open_breakers(conn) == []  # closed on the success
    await post(healer, "workflow_run", run_event(5, branch="f5"), "f-5")
    await healer.drain()
    assert len(sink.order) == 5


async def due_now(healer: Any) -> None:
    """Time passes for the queue: held work is due."""
    import sqlalchemy as sa

    from healer_agent.store.tables import incidents

    async with healer.engine.begin() as conn:
        await conn.execute(
            sa.update(incidents).where(incidents.c.status == "held").values(not_before=None)
        )


async def test_breaker_trial_after_the_cooldown_and_close(database_url: str) -> None:
    engine = create_engine(database_url)
    await ensure_schema(engine, database_url)
    limits = admission.Limits(
        max_in_flight=5, max_per_repo=5, breaker_failures=2, breaker_cooldown_s=600, hold_retry_s=30
    )
    clock = Clock()
    try:
        async with engine.begin() as conn:
            for _ in range(2):
                await admission.record_result(
                    conn, limits, repository="o/r", agent="rex", fixed=False, now=clock()
                )
        ttl = timedelta(hours=1)

        async def ask(incident_id: str) -> admission.Verdict:
            async with engine.begin() as conn:
                return await admission.admit(
                    conn,
                    limits,
                    incident_id=incident_id,
                    repository="o/r",
                    agent="rex",
                    ttl=ttl,
                    now=clock(),
                )

        refused = await ask("i1")
        assert (refused.admitted, refused.kind) == (False, "breaker")
        assert (await ask("b1")).admitted is False
        async with engine.begin() as conn:  # bolt in the same repository is not affected
            assert (
                await admission.admit(
                    conn,
                    limits,
                    incident_id="x",
                    repository="o/r",
                    agent="bolt",
                    ttl=ttl,
                    now=clock(),
                )
            ).admitted
        clock.advance(601)
        trial = await ask("i2")
        assert trial.admitted  # half-open: one trial
        second = await ask("i3")
        assert (second.admitted, second.kind) == (False, "breaker")
        async with engine.begin() as conn:
            await admission.record_result(
                conn, limits, repository="o/r", agent="rex", fixed=True, now=clock()
            )
            assert await admission.open_breakers(conn) == []
        assert (await ask("i3")).admitted
    finally:
        await engine.dispose()


def test_status_cli_shows_held_back_work(tmp_path: Any, make_settings: Any) -> None:
    import os

    from typer.testing import CliRunner

    from healer_agent.cli import app
    from healer_agent.compose import build_healer

    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    settings = make_settings(
        store={"url": url},
        worker={"coderun_poll_s": 3600},
        loop={"max_in_flight": 1, "hold_retry_s": 3600},
    )

    async def storm() -> None:
        healer = build_healer(settings, router=ScriptedRouter({}), sink=MemorySink())
        await healer.start(workers=0)
        try:
            for n in range(3):
                await post(healer, "workflow_run", run_event(n + 1, branch=f"c{n}"), f"c{n}")
            await healer.drain()
        finally:
            await healer.stop()

    asyncio.run(storm())
    env = {**os.environ, "HEALER_STORE__URL": url, "HEALER_LOOP__MAX_IN_FLIGHT": "1"}
    result = CliRunner().invoke(app, ["status"], env=env)
    assert result.exit_code == 0, result.output
    assert "held back" in result.output and "1 / 1" in result.output
    assert "held: 2 in 5dlabs/cto: 1 CodeRuns already in flight (global cap)" in result.output


async def test_the_cap_holds_across_replicas(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    settings = make_settings(
        store={"url": database_url},
        worker={"coderun_poll_s": 3600},
        loop={"max_in_flight": 10, "max_in_flight_per_repo": 100, "hold_retry_s": 3600},
    )
    sink = MemorySink()  # one cluster: both replicas create CodeRuns in it
    a = await healer_factory(settings, router=ScriptedRouter({}), sink=sink)
    b = await healer_factory(settings, router=ScriptedRouter({}), sink=sink)
    await asyncio.gather(
        *(
            post(a if n % 2 else b, "workflow_run", run_event(7000 + n, branch=f"r-{n}"), f"r-{n}")
            for n in range(40)
        )
    )
    await asyncio.gather(drain_concurrently(a, 4), drain_concurrently(b, 4))
    assert len(sink.order) == 10
    assert await in_flight(a) == 10
