"""Closing the loop in-process: outcomes, the attempt cap and escalation, ChatOps trust,
route memory, insights — on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import yaml

from healer_agent.models import ContextBundle, Incident, JobLog, RoutingDecision
from healer_agent.routing.base import Routed
from healer_agent.store import inbox
from healer_agent.store.tables import incidents
from healer_agent.tracking.notify import Notifier
from tests.conftest import load_fixture
from tests.integration.test_intake_api import SENSOR_CLIPPY
from tests.unit.test_logs import RUSTC, gh_log

pytestmark = pytest.mark.loop


class FixedLog:
    """A context provider that always finds the same Rust compile error."""

    async def gather(self, incident: Incident) -> ContextBundle:
        return ContextBundle(logs=(JobLog(job_name="build", text=gh_log(("cargo build", RUSTC))),))

    async def aclose(self) -> None:
        pass


def sensor(
    run_id: int, branch: str = "feat/x", sha: str | None = None, workflow: str | None = None
) -> dict[str, Any]:
    body = copy.deepcopy(SENSOR_CLIPPY)
    body["workflow_run"]["id"] = run_id
    body["workflow_run"]["head_branch"] = branch
    body["workflow_run"]["head_sha"] = sha or f"{run_id:040x}"  # each run its own push
    if workflow is not None:
        body["workflow_run"]["name"] = workflow
    return body


def coderuns(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("healer-ci-*.yaml") if ".status." not in p.name)


def fail_coderun(folder: Path, name: str) -> None:
    (folder / f"{name}.status.yaml").write_text(yaml.safe_dump({"phase": "Failed"}))


def success_check_run(branch: str, check_id: int) -> dict[str, Any]:
    payload = load_fixture("check_run/completed-1.json")
    payload["check_run"]["conclusion"] = "success"
    payload["check_run"]["id"] = check_id
    payload["check_run"]["name"] = "Controller CI"  # the workflow that failed goes green
    payload["check_run"]["check_suite"]["head_branch"] = branch
    payload["check_run"]["completed_at"] = "2099-01-01T00:00:00Z"
    payload["repository"]["full_name"] = "5dlabs/cto"
    return payload


@pytest.fixture
async def loop(database_url: str, make_settings: Any, healer_factory: Any, client_for: Any) -> Any:
    settings = make_settings(store={"url": database_url}, worker={"coderun_poll_s": 0.0})
    healer = await healer_factory(settings, context=FixedLog())
    async with client_for(healer) as client:
        yield settings, healer, client


async def post_sensor(client: httpx.AsyncClient, run_id: int) -> dict[str, Any]:
    response = await client.post("/api/remediate/ci-failure", json=sensor(run_id))
    assert response.status_code == 202, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_fix_is_recorded_then_cap_escalates(loop: Any) -> None:
    settings, healer, client = loop
    first = await post_sensor(client, 1)
    await healer.drain()
    assert len(coderuns(settings.sink.dir)) == 1
    # a successful check on the branch after the dispatch: fixed
    response = await client.post(
        "/api/github/webhook",
        json=success_check_run("feat/x", 11),
        headers={"X-GitHub-Event": "check_run", "X-GitHub-Delivery": "ok-1"},
    )
    assert response.status_code == 202
    async with healer.engine.connect() as conn:  # what the worker's intake stage did
        stored = await inbox.get(conn, "ok-1")
    assert stored is not None and stored.result is not None
    assert "fixed" in stored.result["reason"]
    incident = (await client.get(f"/api/incidents/{first['incident_id']}")).json()
    assert incident["outcome"] == "fixed"
    report = (await client.get("/api/insights?since=1d")).json()
    assert report["by_agent"]["rex"]["fixed"] == 1
    assert report["by_agent"]["rex"]["time_to_fix_p50_s"] is not None

    # a failed CodeRun is retried with the real history; the second failure hits the cap
    second = await post_sensor(client, 2)
    await healer.drain()
    for expected in (2, 3):
        assert len(coderuns(settings.sink.dir)) == expected
        newest = max(coderuns(settings.sink.dir), key=lambda p: p.stat().st_mtime_ns)
        fail_coderun(settings.sink.dir, newest.stem)
        assert await healer.tracker.poll() == 1
        await healer.drain()
    retry_prompt = yaml.safe_load(newest.read_text())["spec"]["promptModification"]
    assert "attempt 1: rex" in retry_prompt
    incident = (await client.get(f"/api/incidents/{second['incident_id']}")).json()
    assert incident["status"] == "escalated", incident
    assert len(coderuns(settings.sink.dir)) == 3
    async with healer.engine.connect() as conn:
        from healer_agent.tracking.records import list_escalations

        escalated = await list_escalations(conn)
    assert [e["incident_id"] for e in escalated] == [second["incident_id"]]
    metrics = (await client.get("/metrics")).text
    assert 'healer_escalations_total{reason="attempt_cap"} 1.0' in metrics


def comment(body: str, association: str, number: int = 7) -> dict[str, Any]:
    payload = load_fixture("issue_comment/created-4.json")
    payload["comment"]["body"] = body
    payload["comment"]["author_association"] = association
    payload["comment"]["user"]["type"] = "User"
    payload["issue"]["number"] = number
    payload["issue"]["pull_request"] = {"url": "u"}
    payload["repository"]["full_name"] = "5dlabs/cto"
    return payload


async def test_retry_obeys_members_only(loop: Any) -> None:
    settings, healer, client = loop
    body = sensor(20)
    body["workflow_run"]["pull_requests"] = [{"number": 7}]
    await client.post("/api/remediate/ci-failure", json=body)
    await healer.drain()
    assert len(coderuns(settings.sink.dir)) == 1
    refused = await client.post(
        "/api/github/webhook",
        json=comment("/healer retry", "NONE"),
        headers={"X-GitHub-Event": "issue_comment", "X-GitHub-Delivery": "c-1"},
    )
    assert refused.json()["status"] == "ignored"
    assert "NONE" in refused.json()["reason"]
    await healer.drain()
    assert len(coderuns(settings.sink.dir)) == 1
    obeyed = await client.post(
        "/api/github/webhook",
        json=comment("/healer retry", "MEMBER"),
        headers={"X-GitHub-Event": "issue_comment", "X-GitHub-Delivery": "c-2"},
    )
    assert obeyed.json()["status"] == "accepted", obeyed.json()
    await healer.drain()
    assert len(coderuns(settings.sink.dir)) == 2  # attempt 2 has its own CodeRun name


async def test_route_memory_learns_from_a_bolt_fix(loop: Any) -> None:
    _settings, healer, client = loop
    body = sensor(30)
    body["workflow_run"]["pull_requests"] = [{"number": 9}]
    first = await client.post("/api/remediate/ci-failure", json=body)
    await healer.drain()
    incident = (await client.get(f"/api/incidents/{first.json()['incident_id']}")).json()
    assert incident["agent"] == "rex"
    # an operator moves it to bolt, and bolt's fix works
    await client.post(
        "/api/github/webhook",
        json=comment("/healer fix bolt", "OWNER", 9),
        headers={"X-GitHub-Event": "issue_comment", "X-GitHub-Delivery": "c-3"},
    )
    await healer.drain()
    incident = (await client.get(f"/api/incidents/{first.json()['incident_id']}")).json()
    assert (incident["agent"], incident["decided_by"]) == ("bolt", "operator")
    await client.post(
        "/api/github/webhook",
        json=success_check_run("feat/x", 31),
        headers={"X-GitHub-Event": "check_run", "X-GitHub-Delivery": "ok-3"},
    )
    # the next failure with that signature goes to bolt, with memory as evidence
    nxt = await client.post("/api/remediate/ci-failure", json=sensor(32, "feat/y"))
    await healer.drain()
    incident = (await client.get(f"/api/incidents/{nxt.json()['incident_id']}")).json()
    assert incident["agent"] == "bolt"
    assert any(e["signal"] == "memory" for e in incident["decision"]["evidence"])


async def test_notifier_posts_comment_label_and_webhook(make_settings: Any) -> None:
    seen: list[tuple[str, str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, request.headers.get("authorization", "")))
        return httpx.Response(201, json={})

    settings = make_settings(
        github={"token": "ghp_test", "api_url": "http://github.test"},
        notify={"webhook_url": "http://hooks.test/x"},
    )
    notifier = Notifier(
        settings.github, settings.notify, httpx.AsyncClient(transport=httpx.MockTransport(handler))
    )
    incident = Incident(
        kind="ci_failure",
        event_type="workflow_run",
        repository="o/r",
        run_key="k",
        branch="b",
        pr_numbers=(5,),
    )
    channels = await notifier.escalate(incident, "help")
    assert channels == {"comment": "201", "label": "201", "webhook": "201"}
    assert ("POST", "/repos/o/r/issues/5/comments", "Bearer ghp_test") in seen
    assert ("POST", "/repos/o/r/issues/5/labels", "Bearer ghp_test") in seen
    assert any(path == "/x" for _, path, _ in seen)


async def test_insights_cli_reads_the_same_store(
    make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    import asyncio
    import json
    import os
    import subprocess
    import sys

    settings = make_settings()
    healer = await healer_factory(settings, context=FixedLog())
    async with client_for(healer) as client:
        await post_sensor(client, 40)
        await healer.drain()
        await client.post(
            "/api/github/webhook",
            json=success_check_run("feat/x", 41),
            headers={"X-GitHub-Event": "check_run", "X-GitHub-Delivery": "ok-4"},
        )
    env = {**os.environ, "HEALER_STORE__URL": settings.store.url}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "healer_agent", "insights", "--json", "--since", "1d"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["by_agent"]["rex"]["fixed"] == 1
    assert report["by_agent"]["rex"]["time_to_fix_p50_s"] >= 0
    bad = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "healer_agent", "insights", "--since", "soon"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "invalid --since" in bad.stderr
    assert "Traceback" not in bad.stderr


async def test_distinct_security_alerts_are_not_one_retried_failure(loop: Any) -> None:
    settings, healer, client = loop
    for number in (1, 2, 3):
        alert = load_fixture("dependabot_alert/created.json")
        alert["alert"]["number"] = number
        response = await client.post(
            "/api/remediate/security-alert",
            json=alert,
            headers={"X-GitHub-Event": "dependabot_alert"},
        )
        assert response.status_code == 202
    await healer.drain()
    assert len(coderuns(settings.sink.dir)) == 3


async def test_the_guard_reads_the_same_history_in_its_own_transaction(loop: Any) -> None:
    _, healer, client = loop
    await post_sensor(client, 1)
    await healer.drain()
    async with healer.engine.connect() as conn:
        row = (
            await conn.execute(
                sa.select(incidents.c.incident, incidents.c.decision, incidents.c.signature)
            )
        ).one()
    routed = Routed(
        Incident.model_validate_json(row.incident),
        ContextBundle(),
        RoutingDecision.model_validate_json(row.decision),
        row.signature,
    )
    guard = healer.dispatcher._guard
    own = await guard.before_dispatch("another", routed)
    shared = await guard.before_dispatch("another", routed, run=healer.dispatcher._writes.submit)
    assert [a["agent"] for a in own.history] == ["rex"]
    assert own == shared
