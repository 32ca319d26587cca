"""The bound on unauthenticated work: many large bogus bodies posted at once are refused
before they are read, the bodies read at once never exceed the gate's places or its byte
budget, and the memory the attack costs is bounded by the budget (measured with
tracemalloc against the same attack with the gate opened wide)."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from healer_agent.api.app import create_app
from healer_agent.api.gate import BodyGate, GateBusy
from tests.reliability.conftest import SENSOR_TOKEN

pytestmark = pytest.mark.reliability

MiB = 1024 * 1024
CHUNK = b"A" * (64 * 1024)
FORGED = "sha256=" + "0" * 64


@dataclass
class SlowBody:
    """A body that sends one chunk, waits for ``go``, then sends the rest a chunk per turn
    of the event loop (so concurrent senders really interleave)."""

    size: int
    go: asyncio.Event
    pulled: int = 0
    chunks: list[int] = field(default_factory=list)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        sent = 0
        while sent < self.size:
            piece = CHUNK[: self.size - sent]
            self.pulled += 1
            yield piece
            sent += len(piece)
            if self.pulled == 1:
                await self.go.wait()
            await asyncio.sleep(0)


async def _attack(
    app: Any,
    *,
    senders: int,
    size: int,
    path: str = "/api/github/webhook",
    headers: dict[str, str] | None = None,
    while_held: Callable[[], None] | None = None,
) -> tuple[list[int], list[SlowBody]]:
    """Post ``senders`` slow bodies at once; ``while_held`` runs while the admitted ones wait."""
    go = asyncio.Event()
    bodies = [SlowBody(size, go) for _ in range(senders)]
    sent = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "workflow_job",
        "X-Hub-Signature-256": FORGED,
        "Content-Length": str(size),
        **(headers or {}),
    }
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://healer.test", timeout=60
    ) as client:
        tasks = [asyncio.create_task(client.post(path, content=b, headers=sent)) for b in bodies]
        for _ in range(50):  # every sender has either its place or its answer
            await asyncio.sleep(0)
        if while_held is not None:
            while_held()
        go.set()
        responses = await asyncio.gather(*tasks)
    return [r.status_code for r in responses], bodies


def _app(healer: Any) -> Any:
    app = create_app(healer.settings, healer)
    app.state.healer = healer
    return app


async def test_bogus_bodies_past_the_gate_are_refused_unread(
    locked_settings: Any, healer_factory: Any
) -> None:
    settings = locked_settings(
        intake={
            "max_concurrent_bodies": 4,
            "body_budget_bytes": 8 * MiB,
            "max_body_bytes": 3 * MiB,
            "body_wait_s": 0,
        }
    )
    healer = await healer_factory(settings)
    app = _app(healer)
    metrics = healer.metrics.registry
    held: list[float | None] = []
    statuses, bodies = await _attack(
        app,
        senders=40,
        size=3 * MiB,
        while_held=lambda: held.append(metrics.get_sample_value("healer_request_bodies_in_flight")),
    )
    gate: BodyGate = app.state.body_gate
    assert held == [2]  # the gauge reads the bodies being read while they are
    # 8 MiB of budget holds two 3 MiB bodies: those two are read (and fail the signature),
    # the 38 others are answered 429 without one byte of their body read.
    assert sorted(set(statuses)) == [401, 429]
    assert statuses.count(401) == 2
    assert statuses.count(429) == 38
    assert sorted(b.pulled for b in bodies).count(0) == 38
    assert gate.peak_in_flight <= 4
    assert gate.peak_reserved <= 8 * MiB
    assert gate.in_flight == 0 and gate.reserved == 0
    assert (
        metrics.get_sample_value(
            "healer_requests_refused_total", {"endpoint": "github", "status": "429"}
        )
        == 38
    )
    assert metrics.get_sample_value("healer_request_bodies_in_flight") == 0


async def test_waiting_senders_are_read_a_few_at_a_time(
    locked_settings: Any, healer_factory: Any
) -> None:
    settings = locked_settings(
        intake={
            "max_concurrent_bodies": 3,
            "body_budget_bytes": 64 * MiB,
            "max_body_bytes": 2 * MiB,
            "body_wait_s": 600,
        }
    )
    healer = await healer_factory(settings)
    app = _app(healer)
    gc.disable()  # a body kept alive by a reference cycle would stay: the peak shows it
    try:
        peak, statuses, bodies = await _peak(app, senders=24, size=2 * MiB)
    finally:
        gc.enable()
    gate: BodyGate = app.state.body_gate
    assert statuses == [401] * 24  # all read in turn, none refused, none over the limit
    assert all(b.pulled == 32 for b in bodies)
    assert gate.peak_in_flight == 3
    assert gate.refused == 0
    # three bodies at a time, each freed when its answer is given
    assert peak < 5 * 2 * MiB, peak


async def _peak(app: Any, *, senders: int, size: int) -> tuple[int, list[int], list[SlowBody]]:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        statuses, bodies = await _attack(app, senders=senders, size=size)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, statuses, bodies


async def test_memory_held_by_an_attack_is_bounded_by_the_budget(
    locked_settings: Any, healer_factory: Any
) -> None:
    senders, size = 32, 1 * MiB
    gated = await healer_factory(
        locked_settings(
            intake={
                "max_concurrent_bodies": 16,
                "body_budget_bytes": 2 * MiB,
                "max_body_bytes": 1 * MiB,
                "body_wait_s": 0,
            }
        )
    )
    wide = await healer_factory(
        locked_settings(
            intake={
                "max_concurrent_bodies": 1000,
                "body_budget_bytes": 1024 * MiB,
                "max_body_bytes": 1 * MiB,
                "body_wait_s": 0,
            }
        )
    )
    bounded, statuses, _ = await _peak(_app(gated), senders=senders, size=size)
    assert statuses.count(429) == senders - 2
    unbounded, statuses, _ = await _peak(_app(wide), senders=senders, size=size)
    assert statuses == [401] * senders
    # Gated: two 1 MiB bodies (each held as chunks, then joined) plus the server's own
    # allocations. Open wide, the same attack holds every body at once.
    assert bounded < 8 * MiB, bounded
    assert unbounded > senders * size // 2, unbounded
    print(
        f"peak traced memory: gated {bounded / MiB:.1f} MiB, "
        f"open {unbounded / MiB:.1f} MiB for {senders} x {size // MiB} MiB"
    )


async def test_sensor_routes_have_their_own_smaller_cap(
    locked_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    healer = await healer_factory(locked_settings(intake={"sensor_max_body_bytes": 64 * 1024}))
    async with client_for(healer) as client:
        big = b"{" + b" " * (128 * 1024) + b"}"
        for path in ("/api/remediate/ci-failure", "/api/remediate/security-alert"):
            response = await client.post(
                path,
                content=big,
                headers={
                    "Authorization": f"Bearer {SENSOR_TOKEN}",
                    "Content-Type": "application/json",
                },
            )
            assert response.status_code == 413, response.text
        # GitHub's route keeps its own cap: the same body is read (and its signature fails)
        response = await client.post(
            "/api/github/webhook",
            content=big,
            headers={
                "X-GitHub-Event": "workflow_job",
                "X-Hub-Signature-256": FORGED,
                "Content-Type": "application/json",
            },
        )
        assert response.status_code == 401


async def test_a_sensor_without_its_token_is_refused_before_its_body(
    locked_settings: Any, healer_factory: Any
) -> None:
    healer = await healer_factory(locked_settings(intake={"body_wait_s": 0}))
    statuses, bodies = await _attack(
        _app(healer),
        senders=8,
        size=256 * 1024,
        path="/api/remediate/ci-failure",
        headers={"Authorization": "Bearer wrong"},
    )
    assert statuses == [401] * 8
    assert all(b.pulled == 0 for b in bodies)


async def test_a_body_without_length_is_cut_at_the_cap(
    locked_settings: Any, healer_factory: Any
) -> None:
    healer = await healer_factory(locked_settings(intake={"max_body_bytes": 256 * 1024}))
    go = asyncio.Event()
    go.set()
    body = SlowBody(4 * MiB, go)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=_app(healer)), base_url="http://healer.test"
    ) as client:
        response = await client.post(
            "/api/github/webhook",
            content=body,
            headers={"X-GitHub-Event": "workflow_job", "X-Hub-Signature-256": FORGED},
        )
    assert response.status_code == 413
    assert body.pulled * len(CHUNK) <= 256 * 1024 + len(CHUNK)


async def test_a_stalled_body_is_a_408_and_frees_its_place(
    locked_settings: Any, healer_factory: Any
) -> None:
    healer = await healer_factory(locked_settings(intake={"body_timeout_s": 0.05}))
    app = _app(healer)
    never = asyncio.Event()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://healer.test"
    ) as client:
        response = await client.post(
            "/api/github/webhook",
            content=SlowBody(MiB, never),
            headers={
                "X-GitHub-Event": "workflow_job",
                "X-Hub-Signature-256": FORGED,
                "Content-Length": str(MiB),
            },
        )
    assert response.status_code == 408
    assert "not received" in response.json()["reason"]
    assert app.state.body_gate.in_flight == 0


async def test_gate_alone() -> None:
    gate = BodyGate(slots=2, budget=100, wait_s=0)
    async with gate.hold(60):
        with pytest.raises(GateBusy):
            async with gate.hold(60):
                pass
        async with gate.hold(40):
            with pytest.raises(GateBusy):
                async with gate.hold(1):
                    pass
    assert (gate.in_flight, gate.reserved, gate.peak_in_flight, gate.refused) == (0, 0, 2, 2)
