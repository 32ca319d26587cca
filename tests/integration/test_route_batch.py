"""A worker's turn routes a batch of due incidents at once, their writes sharing commits:
still one remediation per branch and agent, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import pytest

from healer_agent.models import ContextBundle, Incident
from healer_agent.pipeline.worker import ROUTE_BATCH
from healer_agent.ports import NoContext
from healer_agent.store import incidents

SENSOR: dict[str, Any] = {
    "workflow_run": {
        "id": 55500000,
        "name": "Controller CI",
        "conclusion": "failure",
        "html_url": "https://github.com/5dlabs/cto/actions/runs/55500000",
        "head_branch": "feat/batch",
        "head_sha": "feedc0ffee12",
        "head_commit": {"message": "feat: batch"},
    },
    "repository": {"full_name": "5dlabs/cto"},
}


def _failure(n: int) -> dict[str, Any]:
    """Another workflow failing on the same push: not deduplicated by what failed."""
    payload = copy.deepcopy(SENSOR)
    run = payload["workflow_run"]
    run["id"] += n
    run["html_url"] = f"https://github.com/5dlabs/cto/actions/runs/{run['id']}"
    run["name"] = f"Controller CI {n}"
    return payload


def _coderuns(folder: Path) -> list[Path]:
    return list(folder.glob("healer-ci-*.yaml"))


@pytest.fixture
async def healer(database_url: str, make_settings: Any, healer_factory: Any) -> Any:
    return await healer_factory(make_settings(store={"url": database_url}))


async def test_one_turn_routes_a_batch_and_one_incident_remediates_the_branch(
    healer: Any, client_for: Any
) -> None:
    async with client_for(healer) as client:
        answers = [
            (await client.post("/api/remediate/ci-failure", json=_failure(n))).json()
            for n in range(ROUTE_BATCH)
        ]
    assert [a["dedup_status"] for a in answers] == ["new"] * ROUTE_BATCH
    assert await healer.worker.work_once()  # one claim, the whole batch routed concurrently
    async with healer.engine.connect() as conn:
        rows = [await incidents.get(conn, a["incident_id"]) for a in answers]
    statuses = sorted(r["status"] for r in rows if r)
    assert statuses == ["dispatched"] + ["duplicate"] * (ROUTE_BATCH - 1)
    winner = next(r for r in rows if r and r["status"] == "dispatched")
    assert {r["duplicate_of"] for r in rows if r and r["status"] == "duplicate"} == {winner["id"]}
    assert len(_coderuns(healer.settings.sink.dir)) == 1


async def test_a_batch_of_distinct_branches_is_dispatched_in_one_turn(
    healer: Any, client_for: Any
) -> None:
    async with client_for(healer) as client:
        for n in range(ROUTE_BATCH):
            payload = _failure(n)
            payload["workflow_run"]["head_branch"] = f"feat/batch-{n}"
            assert (await client.post("/api/remediate/ci-failure", json=payload)).status_code == 202
    assert await healer.worker.work_once()
    async with healer.engine.connect() as conn:
        counts = await incidents.counts(conn)
    assert counts.get("dispatched") == ROUTE_BATCH
    assert len(_coderuns(healer.settings.sink.dir)) == ROUTE_BATCH


class _OldestIsSlow(NoContext):
    """The oldest incident's context takes longest: the others are routed before it."""

    async def gather(self, incident: Incident) -> ContextBundle:
        if incident.workflow_name == "Controller CI 0":
            await asyncio.sleep(0.2)
        return await super().gather(incident)


async def test_under_a_cap_the_oldest_of_a_batch_is_admitted(
    database_url: str, make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    settings = make_settings(
        store={"url": database_url}, loop={"max_in_flight": 1, "hold_retry_s": 3600}
    )
    healer = await healer_factory(settings, context=_OldestIsSlow())
    async with client_for(healer) as client:
        ids = []
        for n in range(ROUTE_BATCH):
            payload = _failure(n)
            payload["workflow_run"]["head_branch"] = f"feat/cap-{n}"
            response = await client.post("/api/remediate/ci-failure", json=payload)
            ids.append(response.json()["incident_id"])
    assert await healer.worker.work_once()
    async with healer.engine.connect() as conn:
        statuses = [(await incidents.get(conn, i) or {}).get("status") for i in ids]
    assert statuses == ["dispatched"] + ["held"] * (ROUTE_BATCH - 1)
