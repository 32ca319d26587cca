"""The intake stage takes what the request derived (the incident, a new failure's route)
from the same process when it has it, and derives it from the stored row otherwise, with
the same result either way."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from healer_agent.models import Incident
from healer_agent.pipeline.prepared import Prepared
from healer_agent.store.tables import incidents

SENSOR = {
    "workflow_run": {
        "id": 4242,
        "name": "Controller CI",
        "conclusion": "failure",
        "html_url": "https://github.com/5dlabs/cto/actions/runs/4242",
        "head_branch": "feat/prepared",
        "head_sha": "feedbeef",
        "head_commit": {"message": "feat: cargo clippy fails"},
    },
    "repository": {"full_name": "5dlabs/cto"},
}


def test_each_entry_is_taken_once_and_the_oldest_go_first() -> None:
    prepared = Prepared(bound=2)
    incident = Incident(
        kind="ci_failure", event_type="workflow_run", repository="a/b", run_key="a/b#run:1:1"
    )
    for n in range(3):
        prepared.put(f"d{n}", incident, None)
    assert len(prepared) == 2
    assert prepared.take("d0") is None
    taken = prepared.take("d1")
    assert taken is not None and taken.incident is incident and not taken.routed
    assert prepared.take("d1") is None


def test_an_entry_put_again_is_the_newest() -> None:
    prepared = Prepared(bound=2)
    incident = Incident(
        kind="ci_failure", event_type="workflow_run", repository="a/b", run_key="a/b#run:1:1"
    )
    prepared.put("d0", incident, None)
    prepared.put("d1", incident, None)
    prepared.put("d0", incident, None)  # again: d1 is now the oldest
    prepared.put("d2", incident, None)
    assert prepared.take("d1") is None
    assert prepared.take("d0") is not None and prepared.take("d2") is not None


async def _run(
    tmp_path: Path, make_settings: Any, healer_factory: Any, client_for: Any, *, forget: bool
) -> list[tuple[Any, ...]]:
    settings = make_settings(store={"url": f"sqlite+aiosqlite:///{tmp_path}/h.db"})
    healer = await healer_factory(settings)
    async with client_for(healer, settle=False) as client:
        for n in range(3):  # three runs; the third twice (a second job of the same run)
            body = copy.deepcopy(SENSOR)
            body["workflow_run"]["id"] += min(n, 1)
            body["workflow_run"]["head_sha"] += str(min(n, 1))
            response = await client.post("/api/remediate/ci-failure", json=body)
            assert response.status_code == 202
    prepared = healer.worker._intake._prepared
    assert len(prepared) == 2  # the repeated run's delivery is a redelivery, not new
    if forget:  # as after a restart, or another replica's deliveries
        while prepared._items:
            prepared._items.popitem()
    await healer.worker.intake_pending()
    assert len(prepared) == 0
    async with healer.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(
                incidents.c.run_key,
                incidents.c.status,
                incidents.c.agent,
                incidents.c.failure_type,
                incidents.c.incident,
            ).order_by(incidents.c.run_key)
        )
        return [tuple(r) for r in rows]


async def test_the_stage_gives_the_same_incidents_with_or_without_the_requests_values(
    tmp_path: Path, make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    shared = await _run(tmp_path / "a", make_settings, healer_factory, client_for, forget=False)
    alone = await _run(tmp_path / "b", make_settings, healer_factory, client_for, forget=True)
    assert shared == alone
    assert [r[1] for r in shared] == ["routing", "routing"]
