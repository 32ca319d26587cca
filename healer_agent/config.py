"""Healer's settings: one typed object, read once by the entry point that builds the app.

Each integration has its own group, set from ``HEALER_<GROUP>__<FIELD>`` environment
variables (or a ``.env`` file), e.g. ``HEALER_STORE__URL`` or ``HEALER_SINK__KIND``.
Nothing reads the environment at import time; secrets are ``SecretStr`` so they never
print, and every group is frozen once read.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SinkKind = Literal["file", "kubernetes", "stdout"]
ContextMode = Literal["replay", "mcp", "none"]
RouterName = Literal["prerouter", "matrix", "llm", "full"]


class _Group(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


_STORE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")
"""The async drivers the store runs on: SQLite embedded, PostgreSQL for replicas."""


PAYLOAD_KEY_BYTES = 32
"""AES-256: the payload key's size."""


def decode_payload_key(text: str) -> bytes:
    """A payload key given as base64 (``openssl rand -base64 32``); ValueError says why not."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise ValueError("the payload key is not base64") from None
    if len(key) != PAYLOAD_KEY_BYTES:
        raise ValueError(
            f"the payload key is {len(key)} bytes; expected {PAYLOAD_KEY_BYTES} "
            "(openssl rand -base64 32)"
        )
    return key


class StoreSettings(_Group):
    """The database: the inbox, incidents, claims and the loop's records."""

    url: str = "sqlite+aiosqlite:///./healer.db"
    """SQLite for one host (its processes share the file); ``postgresql+asyncpg://...`` for
    replicas on several."""
    auto_migrate: bool = True
    """Apply migrations at start-up (the embedded default); off when a Job migrates."""
    lease_s: float = Field(60.0, gt=0)
    """A worker's claim on a row; a crashed worker's row is retried after it."""
    max_attempts: int = Field(5, ge=1)
    """Processing attempts before an inbox row or incident is parked as dead."""
    payload_key: SecretStr | None = None
    """AES-256 key (base64 of 32 bytes) sealing stored bodies. Unset, SQLite makes one
    beside its database (``healer.db.key``, mode 0600) and PostgreSQL stores bodies redacted
    instead (replicas must share the key: set it from a Secret to seal there too)."""

    @property
    def is_postgres(self) -> bool:
        """Whether the store is PostgreSQL (SKIP LOCKED claiming, LISTEN/NOTIFY)."""
        return self.url.startswith("postgresql")

    @field_validator("payload_key", mode="after")
    @classmethod
    def _key_shape(cls, key: SecretStr | None) -> SecretStr | None:
        """A key that cannot seal is refused at start-up, not at the first request."""
        if key is not None:
            decode_payload_key(key.get_secret_value())
        return key

    @field_validator("url", mode="after")
    @classmethod
    def _async_backend(cls, url: str) -> str:
        """An engine-shaped URL Healer can run on, refused at start-up with its reason.

        An empty value (a chart's blank default) or another driver would otherwise fail
        deep inside the engine, as a traceback naming no setting.
        """
        scheme = url.partition("://")[0] if "://" in url else ""
        if scheme not in _STORE_SCHEMES:
            shown = f"{scheme}://" if scheme else repr(url) if url else "an empty value"
            raise ValueError(
                f"{shown} is not a store Healer can use; "
                f"expected {' or '.join(f'{s}://...' for s in _STORE_SCHEMES)}"
            )
        return url


class IntakeSettings(_Group):
    """What the HTTP intake accepts and from whom."""

    webhook_secret: SecretStr | None = None
    """GitHub webhook secret; when set, ``X-Hub-Signature-256`` is required."""
    sensor_token: SecretStr | None = None
    """Bearer token the Argo Events sensor sends (the sensor cannot re-sign bodies)."""
    max_body_bytes: int = Field(25 * 1024 * 1024, gt=0)
    """GitHub webhook body cap (GitHub's own limit is 25 MB)."""
    sensor_max_body_bytes: int = Field(1024 * 1024, gt=0)
    """Body cap of the sensor's routes (one workflow or alert body, a few kB to tens of kB)."""
    max_concurrent_bodies: int = Field(64, ge=1)
    """Request bodies read at once; a sender past the limit waits, then gets 429. Memory is
    bounded by ``body_budget_bytes``; this bounds the work, and is set high enough that a
    few slow senders cannot hold every place."""
    body_budget_bytes: int = Field(64 * 1024 * 1024, gt=0)
    """Bytes the bodies being read may hold between them (each reserves its declared size)."""
    body_wait_s: float = Field(2.0, ge=0)
    """How long a request waits for a place to read its body before the 429."""
    body_timeout_s: float = Field(10.0, gt=0)
    """A body not received within this is refused with 408 (a slow sender holds no place)."""
    repo_allowlist: Annotated[tuple[str, ...], NoDecode] = ()
    """Repositories (``owner/name``, ``owner/*``) Healer acts on; empty means all."""
    process_bot_senders: bool = False
    """Remediate failures whose sender is a bot (agents' own pushes are bots)."""

    @field_validator("repo_allowlist", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        """Accept ``a/b,c/d`` as well as a list, so the env var stays readable."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value


class ApiSettings(_Group):
    """Who may read the API (the write routes have their own credentials in ``intake``)."""

    read_token: SecretStr | None = None
    """Bearer token of the read routes (status, incidents, insights), separate from the
    sensor's. Unset, reads are open only while the intake has no credential either."""
    protect_metrics: bool = False
    """Ask the read token on ``/metrics`` too (Prometheus then sends it as a bearer)."""


class DedupSettings(_Group):
    """How failures are grouped and de-duplicated."""

    window_s: int = Field(600, ge=0)
    """One remediation per repository/branch within this window."""
    group_wait_s: float = Field(2.0, ge=0)
    """How long to wait for a run's other failed jobs before routing (group_wait)."""


class WorkerSettings(_Group):
    """The in-process pipeline workers."""

    count: int = Field(2, ge=0)
    coderun_poll_s: float = Field(5.0, ge=0)
    """How often idle workers read open CodeRuns' phase."""
    tracker_page: int = Field(100, ge=1, le=1000)
    """Open CodeRuns read per page (keyset paging: every open one is seen each poll)."""
    tracker_concurrency: int = Field(8, ge=1, le=64)
    """CodeRun phases read at once."""


class SinkSettings(_Group):
    """Where CodeRuns go."""

    kind: SinkKind = "file"
    dir: Path = Path("./coderuns")
    """The file sink's folder (one YAML per CodeRun)."""
    namespace: str = "cto"
    kubeconfig: Path | None = None
    """Kubeconfig for the Kubernetes sink (in-cluster config is tried first)."""


class ContextSettings(_Group):
    """Where incident context comes from."""

    mode: ContextMode = "replay"
    replay_dir: Path = Path("./evals/cases")
    """Labelled cases whose context is replayed (``mode=replay``)."""
    mcp_config: Path = Path("./mcp_servers.yaml")
    """The MCP servers Healer reads context from (``mode=mcp``)."""
    timeout_s: float = Field(60.0, gt=0)
    """Deadline for gathering all context sources of one incident."""
    health_interval_s: float = Field(15.0, gt=0)
    """How often the warm MCP pool pings its servers and reopens dead ones."""


class RoutingSettings(_Group):
    """Which router tiers decide."""

    router: RouterName = "full"
    rules_file: Path | None = None
    """A routing-rules YAML replacing the shipped one."""


class TriageSettings(_Group):
    """LLM triage (pydantic-ai) and its bounds."""

    model: str = "anthropic:claude-sonnet-4-6"
    """Any model string pydantic-ai accepts; claude-sonnet-4-5 reaches end-of-life 2026-11-30."""
    timeout_s: float = Field(60.0, gt=0)
    on_obvious: bool = False
    """Also ask the LLM (for the summary) when the pre-router's decision is obvious."""
    max_requests: int = Field(8, ge=1)
    """Model requests one triage run may make (UsageLimits.request_limit)."""
    max_tokens: int = Field(80_000, ge=1)
    """Input + output tokens one triage run may use (UsageLimits.total_tokens_limit)."""
    max_tool_calls: int = Field(12, ge=0)
    tool_result_chars: int = Field(8000, ge=100)
    """Every tool result is cut to this many characters, with a note to narrow the query."""
    retries: int = Field(2, ge=0)
    """Times the model is asked again after an invalid decision or a tool retry."""
    mcp: bool = True
    """Give the triage model the read-only MCP tools (when the context mode is ``mcp``)."""


class AgentRunSettings(_Group):
    """One specialist's CodeRun settings; empty fields fall back to the ``coderun`` group."""

    model: str | None = None
    cli: str | None = None
    remote_tools: tuple[str, ...] = ()
    """MCP tool globs the agent may call (``spec.remoteTools``, comma-joined)."""
    local_tools: tuple[str, ...] = ()
    """Local tools (``spec.localTools``, comma-joined)."""
    acceptance_criteria: str | None = None
    """Definition of done the platform's acceptance probe checks (``spec.acceptanceCriteria``)."""
    timeout_s: float | None = Field(None, gt=0)
    """How long a CodeRun of this agent may run before Healer counts it as timed out."""


_GITHUB_TOOLS = ("mcp_tools_github_*",)
DEFAULT_AGENT_RUNS: dict[str, AgentRunSettings] = {
    "rex": AgentRunSettings(
        remote_tools=_GITHUB_TOOLS,
        acceptance_criteria=(
            "- [ ] `cargo build`, `cargo clippy --all-targets -- -D warnings` and `cargo test` "
            "pass\n- [ ] the failing CI check is green on the pushed commit"
        ),
    ),
    "blaze": AgentRunSettings(
        remote_tools=_GITHUB_TOOLS,
        acceptance_criteria=(
            "- [ ] install, type check, lint, tests and the production build pass\n"
            "- [ ] the failing CI check is green on the pushed commit"
        ),
    ),
    "bolt": AgentRunSettings(
        remote_tools=(*_GITHUB_TOOLS, "mcp_tools_kubernetes_*", "mcp_tools_argocd_*"),
        acceptance_criteria=(
            "- [ ] manifests, charts and images build and validate\n"
            "- [ ] the failing CI check is green on the pushed commit"
        ),
    ),
    "cipher": AgentRunSettings(
        remote_tools=_GITHUB_TOOLS,
        acceptance_criteria=(
            "- [ ] the alert's vulnerable version or flagged code is gone\n"
            "- [ ] the build and tests still pass"
        ),
    ),
    "atlas": AgentRunSettings(
        remote_tools=_GITHUB_TOOLS,
        acceptance_criteria=(
            "- [ ] the failing workflow, git or GitHub step passes\n"
            "- [ ] no unrelated files changed"
        ),
    ),
}


class CodeRunSettings(_Group):
    """What Healer writes into each CodeRun."""

    model: str = "claude-opus-4-5-20250929"
    cli: str = "claude"
    prompts_dir: Path | None = None
    """Templates here replace the shipped ones of the same name (``rust-fix.md.j2``, ...)."""
    timeout_s: float = Field(3600.0, gt=0)
    """How long a CodeRun may run (any agent without its own ``timeout_s``)."""
    agents: dict[str, AgentRunSettings] = Field(default_factory=lambda: dict(DEFAULT_AGENT_RUNS))
    """Per-agent model, CLI, tools, acceptance criteria and timeout, keyed by agent name
    (``HEALER_CODERUN__AGENTS__BOLT__MODEL``); an agent not listed uses the group's values."""

    @field_validator("agents", mode="after")
    @classmethod
    def _known_agents(cls, value: dict[str, AgentRunSettings]) -> dict[str, AgentRunSettings]:
        """Agent names are the five specialists; a typo is an error, not a silent default."""
        known = set(DEFAULT_AGENT_RUNS)
        cleaned = {name.lower(): run for name, run in value.items()}
        unknown = sorted(set(cleaned) - known)
        if unknown:
            raise ValueError(f"unknown agent(s) {unknown}: use {sorted(known)}")
        merged = dict(DEFAULT_AGENT_RUNS)
        for name, run in cleaned.items():  # a set field replaces the default's, others stay
            merged[name] = merged[name].model_copy(update=run.model_dump(exclude_unset=True))
        return merged

    def for_agent(self, agent: str) -> AgentRunSettings:
        """The agent's settings with the group's defaults filled in."""
        run = self.agents.get(agent, AgentRunSettings())
        return run.model_copy(
            update={
                "model": run.model or self.model,
                "cli": run.cli or self.cli,
                "timeout_s": run.timeout_s or self.timeout_s,
            }
        )


class LoopSettings(_Group):
    """The remediation loop: attempts, admission control, hand-offs, confirmation."""

    max_attempts: int = Field(2, ge=1)
    """Attempts per repository/branch/failure signature before escalating to people
    (ChatOps retries count too)."""
    max_in_flight: int = Field(20, ge=1)
    """CodeRuns running at once, across every repository; more wait in the queue."""
    max_in_flight_per_repo: int = Field(5, ge=1)
    """CodeRuns running at once in one repository."""
    hold_retry_s: float = Field(30.0, ge=0)
    """How soon held-back work asks again (a finished CodeRun wakes it sooner)."""
    breaker_failures: int = Field(3, ge=1)
    """Failed fixes in a row (per repository and agent) that open the circuit breaker."""
    breaker_cooldown_s: float = Field(1800.0, ge=0)
    """How long an open breaker holds work back before one trial CodeRun is let through."""
    handoff_min_ratio: float = Field(0.5, ge=0, le=1)
    """The runner-up gets a failed fix only when its score is at least this share of the
    winner's (the evidence supports it); otherwise the next rung is people."""
    confirm_timeout_s: float = Field(7200.0, gt=0)
    """After a CodeRun succeeds, how long to wait for a green check or a merged PR."""


class GitHubSettings(_Group):
    """GitHub REST: job-log fallback, escalation comments, permission checks."""

    token: SecretStr | None = None
    api_url: str = "https://api.github.com"


class NotifySettings(_Group):
    """People's channels for escalations."""

    webhook_url: SecretStr | None = None
    """Slack-compatible incoming webhook; its URL is a credential."""


class Settings(BaseSettings):
    """All of Healer's configuration (the README's table lists every variable)."""

    model_config = SettingsConfigDict(
        env_prefix="HEALER_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        frozen=True,
    )

    store: StoreSettings = StoreSettings()
    intake: IntakeSettings = IntakeSettings()
    api: ApiSettings = ApiSettings()
    dedup: DedupSettings = DedupSettings()
    worker: WorkerSettings = WorkerSettings()
    sink: SinkSettings = SinkSettings()
    context: ContextSettings = ContextSettings()
    routing: RoutingSettings = RoutingSettings()
    triage: TriageSettings = TriageSettings()
    coderun: CodeRunSettings = CodeRunSettings()
    loop: LoopSettings = LoopSettings()
    github: GitHubSettings = GitHubSettings()
    notify: NotifySettings = NotifySettings()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    state_dir: Path = Path("~/.local/state/healer")
    """Where the operator's REPL keeps its history."""
    anthropic_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("ANTHROPIC_API_KEY", "HEALER_ANTHROPIC_API_KEY")
    )
    """The Anthropic key LLM triage uses; read here once so start-up can say if the tier is on."""

    @property
    def llm_ready(self) -> str | None:
        """Why LLM triage cannot run (None when it can)."""
        if self.routing.router not in ("llm", "full"):
            return f"router is {self.routing.router}"
        if self.triage.model.startswith("anthropic:") and self.anthropic_api_key is None:
            return "no ANTHROPIC_API_KEY"
        return None


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment; keyword groups (``store={"url": ...}``) win."""
    return Settings(**overrides)


__all__ = [
    "DEFAULT_AGENT_RUNS",
    "AgentRunSettings",
    "ApiSettings",
    "CodeRunSettings",
    "ContextMode",
    "ContextSettings",
    "DedupSettings",
    "GitHubSettings",
    "IntakeSettings",
    "LoopSettings",
    "NotifySettings",
    "RouterName",
    "RoutingSettings",
    "Settings",
    "SinkKind",
    "SinkSettings",
    "StoreSettings",
    "TriageSettings",
    "WorkerSettings",
    "load_settings",
]
