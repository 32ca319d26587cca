"""Fakes for the loop tests: a CodeRun sink held in memory, a router scripted per workflow,
a movable clock, a GitHub stand-in that fails the test if called while a database
connection is checked out, and helpers that post events and run several workers."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from healer_agent.models import (
    Agent,
    Candidate,
    ContextBundle,
    FailureType,
    Incident,
    JobLog,
    RoutingDecision,
)
from healer_agent.ports import SinkResult
from tests.conftest import load_fixture


class MemorySink:
    """CodeRuns in a dict; tests set their phase; every phase read is counted."""

    name = "memory"

    def __init__(self) -> None:
        self.manifests: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.phases: dict[str, str] = {}
        self.reads: list[str] = []

    async def create(self, manifest: dict[str, Any]) -> SinkResult:
        name = str(manifest["metadata"]["name"])
        if name in self.manifests:
            return SinkResult(name=name, created=False)
        self.manifests[name] = manifest
        self.order.append(name)
        return SinkResult(name=name, created=True)

    async def phase(self, name: str) -> str | None:
        self.reads.append(name)
        return self.phases.get(name)

    def of_agent(self, agent: str) -> list[str]:
        return [
            n
            for n in self.order
            if self.manifests[n]["metadata"]["labels"]["healer/agent"] == agent
        ]


@dataclass
class Script:
    """What the scripted router answers for one workflow."""

    agent: Agent
    failure_type: FailureType
    error: str
    candidates: tuple[tuple[Agent, FailureType, float], ...] = ()
    escalate: bool = False


class ScriptedRouter:
    """Decides by workflow name, with the candidates and runner-up the test wants."""

    name = "scripted"

    def __init__(self, scripts: dict[str, Script], default: Script | None = None) -> None:
        self.scripts = scripts
        self.default = default or Script(Agent.REX, FailureType.RUST_BUILD, "error[E0308]")
        self.calls = 0

    async def route(self, incident: Incident, context: ContextBundle) -> RoutingDecision:
        self.calls += 1
        script = self.scripts.get(incident.workflow_name, self.default)
        candidates = tuple(
            Candidate(agent=a, failure_type=f, score=s) for a, f, s in script.candidates
        )
        runner = next(
            (c for c in sorted(candidates, key=lambda c: -c.score) if c.agent is not script.agent),
            None,
        )
        return RoutingDecision(
            agent=script.agent,
            failure_type=script.failure_type,
            confidence=0.9,
            decided_by="prerouter",
            key_error_lines=(script.error,),
            candidates=candidates,
            runner_up=runner,
            escalate=script.escalate,
            reason="the fix needs a person" if script.escalate else "",
        )


class FixedContext:
    """Always the same Rust compile error (and, optionally, a head commit message)."""

    def __init__(self, commit_message: str | None = None) -> None:
        self.commit_message = commit_message

    async def gather(self, incident: Incident) -> ContextBundle:
        return ContextBundle(
            logs=(JobLog(job_name="build", text="error[E0308]: mismatched"),),
            commit_message=self.commit_message,
        )

    async def aclose(self) -> None:
        pass


@dataclass
class Clock:
    """The loop's clock; tests move it instead of waiting."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FakeGitHub:
    """GitHub's REST API for the notifier; records calls and the connections held then."""

    def __init__(self, permission: str = "write") -> None:
        self.permission = permission
        self.calls: list[tuple[str, str, int]] = []
        self.engine: Any = None

    def checked_out(self) -> int:
        return int(self.engine.pool.checkedout()) if self.engine is not None else 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls.append((request.method, request.url.path, self.checked_out()))
        if request.url.path.endswith("/permission"):
            return httpx.Response(200, json={"permission": self.permission})
        return httpx.Response(201, json={})

    def notifier(self, settings: Any) -> Any:
        from healer_agent.tracking.notify import Notifier

        client = httpx.AsyncClient(transport=httpx.MockTransport(self.handler))
        return Notifier(settings.github, settings.notify, client)


def run_event(
    run_id: int,
    *,
    branch: str = "feat/x",
    workflow: str = "Controller CI",
    sha: str | None = None,
    repo: str = "5dlabs/cto",
    message: str = "feat: change",
) -> dict[str, Any]:
    """A failed ``workflow_run`` webhook body."""
    return {
        "action": "completed",
        "workflow_run": {
            "id": run_id,
            "name": workflow,
            "conclusion": "failure",
            "run_attempt": 1,
            "html_url": f"https://github.com/{repo}/actions/runs/{run_id}",
            "head_branch": branch,
            "head_sha": sha or f"{run_id:040x}",
            "head_commit": {"message": message},
            "pull_requests": [],
        },
        "repository": {"full_name": repo},
        "sender": {"login": "dev", "type": "User"},
    }


def success_check(
    branch: str, check_id: int, repo: str = "5dlabs/cto", name: str = "Controller CI"
) -> dict[str, Any]:
    """A green check of ``name`` (the workflow that failed) on ``branch``."""
    payload = load_fixture("check_run/completed-1.json")
    payload = copy.deepcopy(payload)
    payload["check_run"]["conclusion"] = "success"
    payload["check_run"]["name"] = name
    payload["check_run"]["id"] = check_id
    payload["check_run"]["check_suite"]["head_branch"] = branch
    payload["check_run"]["completed_at"] = "2099-01-01T00:00:00Z"
    payload["repository"]["full_name"] = repo
    return payload


async def post(healer: Any, event: str, body: dict[str, Any], delivery: str) -> Any:
    """Through intake as the webhook route calls it, then its intake stage (a worker's).

    Returns the delivery's stored result: the answer as the stage completed it (what a
    lifecycle event closed, what a command did), or the 202's when it was a redelivery.
    """
    from healer_agent.results import IntakeResult
    from healer_agent.store import inbox

    answer = await healer.intake.accept(
        endpoint="github", event_type=event, payload=body, delivery_id=delivery
    )
    await healer.worker.intake_pending()
    async with healer.engine.connect() as conn:
        row = await inbox.get(conn, delivery)
    if row is None or row.result is None or answer.dedup_status == "existing":
        return answer
    return IntakeResult.model_validate(row.result)


async def drain_concurrently(healer: Any, workers: int = 8, rounds: int = 400) -> None:
    """Several workers at once until nothing is due (PostgreSQL runs them in parallel)."""

    async def one() -> None:
        for _ in range(rounds):
            if not await healer.worker.work_once():
                return

    await asyncio.gather(*(one() for _ in range(workers)))
    await healer.drain()


async def status_of(healer: Any, incident_id: str) -> dict[str, Any]:
    from healer_agent.store import incidents

    async with healer.engine.connect() as conn:
        row = await incidents.get(conn, incident_id)
    assert row is not None
    return row


async def transitions_of(healer: Any, incident_id: str) -> list[str]:
    from healer_agent.tracking.history import transitions

    async with healer.engine.connect() as conn:
        return [t["state"] for t in await transitions(conn, incident_id)]
