"""Healer's core vocabulary: agents, failure types, incidents, context and decisions.

This module imports nothing from the rest of the package, so every layer (intake, routing,
dispatch, evals) can depend on it without cycles. Models are frozen: a stage that changes
something returns a new value (``model_copy(update=...)``), which keeps stages pure and
their results comparable in tests.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Agent(StrEnum):
    """The five specialists a remediation can be handed to."""

    REX = "rex"
    BLAZE = "blaze"
    BOLT = "bolt"
    CIPHER = "cipher"
    ATLAS = "atlas"


class Category(StrEnum):
    """Failure-type families; each has one default agent."""

    RUST = "rust"
    FRONTEND = "frontend"
    INFRA = "infra"
    SECURITY = "security"
    GITHUB = "github"
    OTHER = "other"


class FailureType(StrEnum):
    """The shared taxonomy of ``shared/evals/CASE_FORMAT.md``."""

    RUST_BUILD = "rust_build"
    RUST_CLIPPY = "rust_clippy"
    RUST_TEST = "rust_test"
    RUST_FMT = "rust_fmt"
    RUST_DEPS = "rust_deps"
    FRONTEND_BUILD = "frontend_build"
    FRONTEND_TYPECHECK = "frontend_typecheck"
    FRONTEND_LINT = "frontend_lint"
    FRONTEND_TEST = "frontend_test"
    FRONTEND_DEPS = "frontend_deps"
    DOCKER_BUILD = "docker_build"
    HELM = "helm"
    K8S_MANIFEST = "k8s_manifest"
    YAML_CONFIG = "yaml_config"
    ARGOCD_SYNC = "argocd_sync"
    DEPENDABOT_ALERT = "dependabot_alert"
    CODE_SCANNING_ALERT = "code_scanning_alert"
    SECRET_SCANNING_ALERT = "secret_scanning_alert"
    VULNERABLE_DEPENDENCY = "vulnerable_dependency"
    MERGE_CONFLICT = "merge_conflict"
    WORKFLOW_SYNTAX = "workflow_syntax"
    PERMISSIONS = "permissions"
    RELEASE_PUBLISH = "release_publish"
    GIT_ERROR = "git_error"
    GENERAL = "general"


CATEGORY_OF: dict[FailureType, Category] = {
    **{
        ft: Category.RUST
        for ft in (
            FailureType.RUST_BUILD,
            FailureType.RUST_CLIPPY,
            FailureType.RUST_TEST,
            FailureType.RUST_FMT,
            FailureType.RUST_DEPS,
        )
    },
    **{
        ft: Category.FRONTEND
        for ft in (
            FailureType.FRONTEND_BUILD,
            FailureType.FRONTEND_TYPECHECK,
            FailureType.FRONTEND_LINT,
            FailureType.FRONTEND_TEST,
            FailureType.FRONTEND_DEPS,
        )
    },
    **{
        ft: Category.INFRA
        for ft in (
            FailureType.DOCKER_BUILD,
            FailureType.HELM,
            FailureType.K8S_MANIFEST,
            FailureType.YAML_CONFIG,
            FailureType.ARGOCD_SYNC,
        )
    },
    **{
        ft: Category.SECURITY
        for ft in (
            FailureType.DEPENDABOT_ALERT,
            FailureType.CODE_SCANNING_ALERT,
            FailureType.SECRET_SCANNING_ALERT,
            FailureType.VULNERABLE_DEPENDENCY,
        )
    },
    **{
        ft: Category.GITHUB
        for ft in (
            FailureType.MERGE_CONFLICT,
            FailureType.WORKFLOW_SYNTAX,
            FailureType.PERMISSIONS,
            FailureType.RELEASE_PUBLISH,
            FailureType.GIT_ERROR,
        )
    },
    FailureType.GENERAL: Category.OTHER,
}

AGENT_OF_CATEGORY: dict[Category, Agent] = {
    Category.RUST: Agent.REX,
    Category.FRONTEND: Agent.BLAZE,
    Category.INFRA: Agent.BOLT,
    Category.SECURITY: Agent.CIPHER,
    Category.GITHUB: Agent.ATLAS,
    Category.OTHER: Agent.ATLAS,
}


def agent_for(failure_type: FailureType) -> Agent:
    """The default specialist for a failure type."""
    return AGENT_OF_CATEGORY[CATEGORY_OF[failure_type]]


def failure_types_for(agent: Agent) -> frozenset[FailureType]:
    """Failure types an agent may be given (atlas also owns ``general``)."""
    return frozenset(ft for ft in FailureType if agent_for(ft) is agent)


def default_failure_type(agent: Agent) -> FailureType:
    """A failure type that is always valid for ``agent`` when nothing better is known."""
    return {
        Agent.REX: FailureType.RUST_BUILD,
        Agent.BLAZE: FailureType.FRONTEND_BUILD,
        Agent.BOLT: FailureType.YAML_CONFIG,
        Agent.CIPHER: FailureType.VULNERABLE_DEPENDENCY,
        Agent.ATLAS: FailureType.GENERAL,
    }[agent]


class Frozen(BaseModel):
    """Base for immutable value objects."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------- incidents

IncidentKind = Literal["ci_failure", "security_alert", "command", "lifecycle", "ignored"]


class FailedStep(Frozen):
    """One step of a failed job, as the webhook reports it."""

    job_id: int | None = None
    job_name: str = ""
    number: int | None = None
    name: str = ""
    conclusion: str | None = None


class SecurityAlert(Frozen):
    """What a prompt needs from a Dependabot, code-scanning, secret-scanning or legacy alert.

    Secret values are never part of it (GitHub does not send them).
    """

    alert_type: str
    number: int | None = None
    severity: str = "unknown"
    package_name: str | None = None
    ecosystem: str | None = None
    manifest_path: str | None = None
    cve_id: str | None = None
    ghsa_id: str | None = None
    vulnerable_range: str | None = None
    patched_version: str | None = None
    rule_id: str | None = None
    tool: str | None = None
    location: str | None = None
    secret_type: str | None = None
    summary: str = ""
    html_url: str | None = None


class ChatCommand(Frozen):
    """A ``/healer`` command from an issue or PR comment, or a check-run button."""

    verb: Literal["fix", "retry", "status", "remediate"]
    agent: Agent | None = None
    author: str = ""
    author_association: str = "NONE"
    issue_number: int | None = None
    is_pull_request: bool = False
    comment_id: int | None = None


class Incident(Frozen):
    """One failure, alert or command, normalised from whichever payload carried it.

    ``run_key`` identifies the failure across deliveries: every job of one workflow run
    attempt and every redelivery map to the same key, which is what dedup and the
    CodeRun name are derived from.
    """

    kind: IncidentKind
    event_type: str
    action: str | None = None
    source: Literal["github", "sensor", "operator", "replay"] = "github"
    repository: str
    run_key: str
    run_id: int | None = None
    run_attempt: int = 1
    job_ids: tuple[int, ...] = ()
    job_names: tuple[str, ...] = ()
    workflow_name: str = ""
    workflow_path: str | None = None
    branch: str = ""
    head_sha: str = ""
    commit_message: str = ""
    html_url: str = ""
    conclusion: str | None = None
    sender: str = ""
    sender_is_bot: bool = False
    failed_steps: tuple[FailedStep, ...] = ()
    pr_numbers: tuple[int, ...] = ()
    check_run_id: int | None = None
    annotations_count: int = 0
    check_output: str = ""
    """A check run's own output (title, summary, text): what the check said when it
    failed, read as its error lines when there is no log (a job no runner took has none)."""
    alert: SecurityAlert | None = None
    command: ChatCommand | None = None
    lifecycle: dict[str, Any] = Field(default_factory=dict)
    """For lifecycle events (success check-runs, merged PRs): what closed the loop."""
    occurred_at: datetime | None = None


# --------------------------------------------------------------------------- context

SourceState = Literal["ok", "partial", "timeout", "error", "not_configured"]
"""``ok`` only when every call the source made succeeded; ``partial`` when some failed but
others found something; ``error``/``timeout`` when nothing came back."""


class SourceStatus(Frozen):
    """How one context source fared for one incident."""

    status: SourceState
    elapsed_ms: float = 0.0
    size_tokens: int = 0
    note: str = ""


class PullRequestInfo(Frozen):
    """The PR that carries the failing commit, if any."""

    number: int
    title: str = ""
    body: str = ""
    state: str = ""
    head_ref: str = ""
    base_ref: str = ""
    html_url: str = ""
    author: str = ""
    labels: tuple[str, ...] = ()
    """Label names; a routing hint like a name (``infra``, ``frontend``, ``dependencies``)."""
    reviews: tuple[str, ...] = ()
    """Latest review per reviewer, ``login: STATE`` (``APPROVED``, ``CHANGES_REQUESTED``...)."""


class ArgoApp(Frozen):
    """An Argo CD application's sync and health, as the context prompt shows it."""

    name: str
    sync_status: str = "Unknown"
    health_status: str = "Unknown"
    message: str = ""
    unhealthy_resources: tuple[str, ...] = ()


class FileChange(Frozen):
    """One file of the change under test, as GitHub's PR-files and compare APIs list it."""

    filename: str
    status: str = "modified"
    additions: int = 0
    deletions: int = 0


class FiringAlert(Frozen):
    """An alert firing around the failure (Alertmanager, Prometheus ``ALERTS``, Grafana)."""

    name: str
    state: str = "firing"
    severity: str = ""
    summary: str = ""
    labels: dict[str, str] = Field(default_factory=dict)
    starts_at: str = ""
    source: str = ""


class ErrorRateSpike(Frozen):
    """The error rate before and after the failure, and whether it jumped."""

    query: str
    before: float | None = None
    after: float | None = None
    ratio: float | None = None
    """``after / before`` (None when ``before`` is 0 or unknown)."""
    spiked: bool = False


class JobLog(Frozen):
    """A failed job's log and its steps."""

    job_name: str
    text: str
    job_id: int | None = None
    steps: tuple[FailedStep, ...] = ()


class ContextBundle(Frozen):
    """Everything the sources returned for an incident; every field may be empty.

    ``sources`` records each source's status so a partial context is visible as such.
    """

    logs: tuple[JobLog, ...] = ()
    changed_files: tuple[str, ...] = ()
    file_changes: tuple[FileChange, ...] = ()
    """Per-file status and line counts of the change (PR files, or the compare API)."""
    file_diff_summary: str = ""
    """One line: files changed, lines added and removed, the largest changes first."""
    commit_message: str | None = None
    pull_request: PullRequestInfo | None = None
    annotations: tuple[str, ...] = ()
    argocd: tuple[ArgoApp, ...] = ()
    loki: tuple[str, ...] = ()
    prometheus: dict[str, Any] = Field(default_factory=dict)
    grafana: dict[str, Any] = Field(default_factory=dict)
    kubernetes: dict[str, Any] = Field(default_factory=dict)
    firing_alerts: tuple[FiringAlert, ...] = ()
    error_rate_spike: ErrorRateSpike | None = None
    sources: dict[str, SourceStatus] = Field(default_factory=dict)

    def changed_paths(self) -> tuple[str, ...]:
        """The change's files: the listed paths, else those of the per-file details."""
        return self.changed_files or tuple(f.filename for f in self.file_changes)


# --------------------------------------------------------------------------- routing

SignalKind = Literal[
    "event",
    "error_line",
    "step_command",
    "step_name",
    "changed_file",
    "workflow_name",
    "job_name",
    "context",
    "memory",
    "operator",
    "llm",
    "error_file",
    "pull_request",
    "kubernetes",
    "loki",
    "argocd",
    "prometheus",
]
EvidenceSource = Literal[
    "",
    "event",
    "log",
    "step",
    "files",
    "names",
    "commit",
    "pull_request",
    "kubernetes",
    "loki",
    "argocd",
    "prometheus",
    "memory",
    "operator",
    "llm",
]
"""The context source a signal was read from, so a decision shows what decided it."""
EvidenceRole = Literal["cause", "wrapper", "symptom", "hint"]
"""What a signal says about the failure: its cause, a command that only wraps the cause, a
consequence another cause explains, or a hint (names, files) that never decides alone."""
DecidedBy = Literal["prerouter", "llm", "fallback", "operator", "rule"]


class Evidence(Frozen):
    """One signal behind a routing choice: what matched, where, and how much it weighs."""

    signal: SignalKind
    agent: Agent
    failure_type: FailureType | None = None
    weight: float = 0.0
    rule: str = ""
    detail: str = ""
    """The log line, file path or name that matched (redacted)."""
    source: EvidenceSource = ""
    """Where the matched text came from (``log``, ``kubernetes``, ``argocd``, ...)."""
    role: EvidenceRole | None = None
    """The signal's causal role, when the router that found it knows it."""


class Candidate(Frozen):
    """One agent the evidence points to, with its score."""

    agent: Agent
    failure_type: FailureType
    score: float
    evidence: tuple[Evidence, ...] = ()


class LLMUsage(Frozen):
    """What an LLM triage call cost."""

    model: str = ""
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    tool_calls: int = 0
    elapsed_ms: float = 0.0


class RoutingDecision(Frozen):
    """The one output every router tier returns."""

    agent: Agent
    failure_type: FailureType
    confidence: float = Field(ge=0.0, le=1.0)
    decided_by: DecidedBy
    obvious: bool = False
    """True only when the evidence is strong and unambiguous; the rest go to LLM triage."""
    evidence: tuple[Evidence, ...] = ()
    runner_up: Candidate | None = None
    candidates: tuple[Candidate, ...] = ()
    summary: str = ""
    """Markdown context for the agent's prompt: root cause, failing step, key lines, files."""
    root_cause: str = ""
    key_error_lines: tuple[str, ...] = ()
    suspect_files: tuple[str, ...] = ()
    failing_step: str | None = None
    escalate: bool = False
    reason: str = ""
    """Why the decision is what it is when it is not the obvious one (fallback, override)."""
    usage: LLMUsage | None = None


DedupStatus = Literal["new", "existing", "skipped"]
RoutingState = Literal["final", "pending"]
