"""Healer's settings: one typed object, read once in the app factory or CLI entry point.

Every value comes from ``HEALER_*`` environment variables (or a ``.env`` file); nothing
reads the environment at import time. Secrets are ``SecretStr`` so they never print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SinkKind = Literal["file", "kubernetes", "stdout"]
ContextMode = Literal["replay", "mcp", "none"]


class Settings(BaseSettings):
    """All of Healer's configuration (see the README's table)."""

    model_config = SettingsConfigDict(
        env_prefix="HEALER_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = "sqlite+aiosqlite:///./healer.db"
    """SQLite for one process; ``postgresql+asyncpg://...`` for several replicas."""
    webhook_secret: SecretStr | None = None
    """GitHub webhook secret; when set, ``X-Hub-Signature-256`` is required."""
    sensor_token: SecretStr | None = None
    """Optional bearer token the Argo Events sensor sends (the sensor cannot re-sign bodies)."""
    sink: SinkKind = "file"
    sink_dir: Path = Path("./coderuns")
    namespace: str = "cto"
    kubeconfig: Path | None = None
    repo_allowlist: Annotated[tuple[str, ...], NoDecode] = ()
    """Repositories (``owner/name``, ``owner/*``) Healer acts on; empty means all."""
    process_bot_senders: bool = False
    dedup_window_s: int = 600
    group_wait_s: float = 2.0
    """How long to wait for the other failed jobs of a run before dispatching (group_wait)."""
    workers: int = 2
    lease_s: float = 60.0
    max_attempts_per_row: int = 5
    """Processing attempts before an inbox row is parked as dead."""
    max_body_bytes: int = 25 * 1024 * 1024
    context: ContextMode = "replay"
    replay_dir: Path = Path("./evals/cases")
    mcp_config: Path = Path("./mcp_servers.yaml")
    context_timeout_s: float = 60.0
    """Deadline for gathering all context sources of one incident."""
    auto_migrate: bool = True
    """Apply migrations at start-up (the embedded default); off when a Job migrates."""
    rules_file: Path | None = None
    router: Literal["prerouter", "matrix", "llm", "full"] = "full"
    triage_model: str = "anthropic:claude-sonnet-4-6"
    """Any model string pydantic-ai accepts; claude-sonnet-4-5 reaches end-of-life 2026-11-30."""
    triage_timeout_s: float = 60.0
    triage_on_obvious: bool = False
    triage_max_requests: int = 8
    """Model requests one triage run may make (UsageLimits.request_limit)."""
    triage_max_tokens: int = 80_000
    """Input + output tokens one triage run may use (UsageLimits.total_tokens_limit)."""
    triage_max_tool_calls: int = 12
    triage_tool_result_chars: int = 8000
    """Every tool result is cut to this many characters, with a note to narrow the query."""
    triage_retries: int = 2
    """Times the model is asked again after an invalid decision or a tool retry."""
    triage_mcp: bool = True
    """Give the triage model the read-only MCP tools of ``mcp_config`` (when context=mcp)."""
    coderun_model: str = "claude-opus-4-5-20250929"
    coderun_cli: str = "claude"
    max_remediation_attempts: int = 2
    coderun_poll_s: float = 5.0
    """How often idle workers check open CodeRuns' phase."""
    github_token: SecretStr | None = None
    github_api_url: str = "https://api.github.com"
    escalation_webhook_url: str | None = None
    log_level: str = "INFO"

    @field_validator("repo_allowlist", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        """Accept ``a/b,c/d`` as well as a list, so the env var stays readable."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("workers")
    @classmethod
    def _positive_workers(cls, value: int) -> int:
        if value < 0:
            raise ValueError("workers must be >= 0")
        return value

    @property
    def is_postgres(self) -> bool:
        """Whether the store is PostgreSQL (enables SKIP LOCKED claiming)."""
        return self.database_url.startswith("postgresql")


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]


__all__ = ["ContextMode", "Field", "Settings", "SinkKind", "load_settings"]
