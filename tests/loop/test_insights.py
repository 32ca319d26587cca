"""``healer insights`` shows held-back, handed-off and timed-out counts."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from healer_agent.models import Agent, FailureType
from healer_agent.tracking.insights import insights
from tests.loop.support import Clock, MemorySink, Script, ScriptedRouter, post, run_event

pytestmark = pytest.mark.loop

ROUTER = ScriptedRouter(
    {
        "Image CI": Script(
            Agent.REX,
            FailureType.RUST_BUILD,
            "error[E0308] in docker build",
            candidates=(
                (Agent.REX, FailureType.RUST_BUILD, 10.0),
                (Agent.BOLT, FailureType.DOCKER_BUILD, 8.0),
            ),
        ),
    }
)


async def loop_history(healer: Any, sink: MemorySink, clock: Clock) -> None:
    """One hand-off, one timeout, two held back."""
    await post(healer, "workflow_run", run_event(1, branch="a", workflow="Image CI"), "d-1")
    await post(healer, "workflow_run", run_event(2, branch="b"), "d-2")
    await post(healer, "workflow_run", run_event(3, branch="c"), "d-3")
    await post(healer, "workflow_run", run_event(4, branch="d"), "d-4")
    await healer.drain()
    assert len(sink.order) == 2  # cap 2: two held back
    sink.phases[sink.order[0]] = "Failed"  # the Image CI fix failed: bolt takes over
    await healer.tracker.poll_report()
    await healer.drain()
    sink.phases[sink.of_agent("bolt")[0]] = "Running"
    clock.advance(601)  # the other rex CodeRun passed rex's timeout; bolt has an hour
    assert len((await healer.tracker.poll_report()).timed_out) == 1
    await healer.drain()


async def test_insights_count_held_handed_off_and_timed_out(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    settings = make_settings(
        store={"url": database_url},
        worker={"coderun_poll_s": 3600},
        loop={"max_in_flight": 2, "hold_retry_s": 3600, "max_attempts": 3},
        coderun={"agents": {"rex": {"timeout_s": 600}}},
    )
    sink, clock = MemorySink(), Clock()
    healer = await healer_factory(settings, router=ROUTER, sink=sink, clock=clock)
    await loop_history(healer, sink, clock)
    async with healer.engine.connect() as conn:
        report = await insights(conn)
    loop = report["loop"]
    assert loop["handed_off"] == 1
    assert loop["timed_out"] == 1
    assert loop["held_back"] >= 2
    assert loop["failed"] == 1


def test_insights_cli_prints_the_loop_counts(tmp_path: Any, make_settings: Any) -> None:
    from typer.testing import CliRunner

    from healer_agent.cli import app
    from healer_agent.compose import build_healer

    url = f"sqlite+aiosqlite:///{tmp_path}/insights.db"
    settings = make_settings(
        store={"url": url},
        worker={"coderun_poll_s": 3600},
        loop={"max_in_flight": 2, "hold_retry_s": 3600, "max_attempts": 3},
        coderun={"agents": {"rex": {"timeout_s": 600}}},
    )

    async def run() -> None:
        sink, clock = MemorySink(), Clock()
        healer = build_healer(settings, router=ROUTER, sink=sink, clock=clock)
        await healer.start(workers=0)
        try:
            await loop_history(healer, sink, clock)
        finally:
            await healer.stop()

    asyncio.run(run())
    result = CliRunner().invoke(
        app, ["insights", "--since", "1d"], env={**os.environ, "HEALER_STORE__URL": url}
    )
    assert result.exit_code == 0, result.output
    assert "handed off" in result.output and "1 timed out" in result.output
    assert "1 handed off" in result.output
