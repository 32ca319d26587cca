"""Accepted events survive a crash: a stored but unprocessed delivery is taken over when
its lease expires; one that keeps failing is parked as dead with its error."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from healer_agent.store import inbox
from tests.conftest import load_fixture


async def test_orphaned_delivery_is_processed_after_its_lease(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    settings = make_settings(store={"url": database_url})
    healer = await healer_factory(settings)
    payload = json.dumps(load_fixture("workflow_job/completed-1.json"))
    async with healer.engine.begin() as conn:  # the request committed, then the process died
        await inbox.record(conn, delivery_id="orphan", endpoint="github",
                           event_type="workflow_job", payload=payload,
                           lease=timedelta(seconds=-1))
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
        await inbox.record(conn, delivery_id="poison", endpoint="github",
                           event_type="workflow_job", payload='{"workflow_job": {}}',
                           lease=timedelta(seconds=-1))
    for _ in range(4):
        await healer.worker.work_once()
    async with healer.engine.connect() as conn:
        row = await inbox.get(conn, "poison")
    assert row is not None and row.status == "dead"
    async with client_for(healer) as client:
        status = (await client.get("/api/status")).json()
    assert status["dead"][0]["delivery_id"] == "poison"
    assert "repository" in status["dead"][0]["error"]
