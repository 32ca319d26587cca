"""The API's request and response bodies as pydantic models.

``/openapi.json`` is generated from these and the route table, so what the document
describes is what the handlers return. Request fields use the edge validation's types
(``intake.validate``), so the documented limits are the enforced ones. Response models
are lenient (``extra="allow"``) where a body carries stored data whose columns grow with
the schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from healer_agent.intake.validate import DeliveryId, EventName, Id, Name, Ref, RepoName, Sha, Url
from healer_agent.results import IntakeResult


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# --------------------------------------------------------------------------- answers


class ErrorAnswer(BaseModel):
    """Every refusal: a reason a person can act on, and the fields that were wrong."""

    status: Literal["error"] = "error"
    reason: str
    missing: list[str] = Field(default_factory=list)


class HealthAnswer(BaseModel):
    """Liveness."""

    status: Literal["healthy"] = "healthy"
    version: str


class ReadyAnswer(BaseModel):
    """Readiness: the database answered."""

    status: Literal["ready"] = "ready"


class PongAnswer(BaseModel):
    """GitHub's ``ping`` event, answered 200."""

    status: Literal["pong"] = "pong"
    zen: str | None = None


class QueueState(BaseModel):
    """Work waiting in the inbox and for routing."""

    inbox: dict[str, int]
    waiting_for_routing: int
    oldest_waiting_s: float


class StatusAnswer(_Open):
    """Queues, incidents by status, dead rows, context sources."""

    status: Literal["running"] = "running"
    worker: str
    queue: QueueState
    incidents: dict[str, int]
    active_remediations: int
    dead: list[dict[str, Any]]
    sink: str
    context: str
    mcp_servers: dict[str, Any]
    config: dict[str, Any]


class IncidentAnswer(_Open):
    """One incident: what failed, the decision and its evidence, the CodeRun."""

    id: str
    run_key: str
    kind: str
    repository: str
    status: str
    routing: Literal["final", "pending"]
    agent: str | None = None
    failure_type: str | None = None
    coderun_name: str | None = None
    decision: dict[str, Any] | None = None


class IncidentSummary(_Open):
    """An incident in a list (without its payload)."""

    id: str
    repository: str
    status: str
    agent: str | None = None


class IncidentList(BaseModel):
    """Newest incidents first."""

    incidents: list[IncidentSummary]


class InsightsAnswer(_Open):
    """Outcomes per agent and failure type, time to fix, dedup ratio, tiers, signatures."""

    since: str
    incidents: int
    events: int


# --------------------------------------------------------------------------- requests


class HeadCommit(_Open):
    """The commit a workflow run ran on."""

    message: str = ""


class WorkflowRunRef(_Open):
    """The part of a ``workflow_run`` the design's sensor body carries."""

    id: Id
    name: Name | None = None
    conclusion: str | None = None
    html_url: Url | None = None
    head_branch: Ref | None = None
    head_sha: Sha | None = None
    head_commit: HeadCommit | None = None


class RepositoryRef(_Open):
    """A repository by its full name."""

    full_name: RepoName


class SensorTrigger(_Open):
    """The design's sensor body: ``{workflow_run, repository}``."""

    workflow_run: WorkflowRunRef
    repository: RepositoryRef


class WrappedEvent(_Open):
    """A GitHub body under ``body`` (the trigger's ``dest: body``), with optional hints."""

    body: dict[str, Any]
    event: EventName | None = None
    delivery_id: DeliveryId | None = None


class CloudEvent(_Open):
    """The Argo Events CloudEvents envelope: the GitHub body is under ``data``."""

    context: dict[str, Any]
    data: dict[str, Any]


class GitHubEvent(_Open):
    """Any GitHub webhook body (``workflow_job``, ``workflow_run``, ``check_run``, ...)."""


class SecurityAlertBody(_Open):
    """A Dependabot, code-scanning or secret-scanning alert delivery."""

    alert: dict[str, Any]
    repository: RepositoryRef | None = None
    action: str | None = None


__all__ = [
    "CloudEvent",
    "ErrorAnswer",
    "GitHubEvent",
    "HealthAnswer",
    "IncidentAnswer",
    "IncidentList",
    "InsightsAnswer",
    "IntakeResult",
    "PongAnswer",
    "ReadyAnswer",
    "SecurityAlertBody",
    "SensorTrigger",
    "StatusAnswer",
    "WrappedEvent",
]
