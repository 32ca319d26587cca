"""Helpers every source shares: counted calls, repository names, failure windows, templates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from healer_agent.context.config import McpConfig, RepoContext
from healer_agent.context.errors import ToolError
from healer_agent.context.protocols import SourceResult, ToolCaller, ToolInfo
from healer_agent.context.results import ToolResult
from healer_agent.models import Incident


class _SourceConfig(Protocol):
    @property
    def server(self) -> str: ...

    @property
    def timeout_s(self) -> float | None: ...


C = TypeVar("C", bound=_SourceConfig)


async def counted_call(
    caller: ToolCaller, result: SourceResult, server: str, tool: str, args: Mapping[str, Any]
) -> ToolResult | None:
    """One tool call whose outcome is recorded on ``result`` (None when it failed).

    A source's status is derived from these counts, so a source is ``ok`` only when every
    call it made succeeded.
    """
    try:
        res = await caller.call(server, tool, args)
    except ToolError as exc:
        result.failed(exc)
        return None
    result.succeeded += 1
    return res


async def offered_tools(
    caller: ToolCaller, result: SourceResult, server: str
) -> dict[str, ToolInfo] | None:
    """The allowlisted tools ``server`` offers (None, recorded as a failure, when it is down)."""
    try:
        return {t.name: t for t in await caller.list_tools(server)}
    except ToolError as exc:
        result.failed(exc)
        return None


def takes(tool: ToolInfo | None, param: str) -> bool:
    """Whether a tool's input schema has ``param`` (servers name the same thing differently)."""
    if tool is None:
        return False
    props = tool.input_schema.get("properties") or {}
    return isinstance(props, Mapping) and param in props


class McpSource(Generic[C]):
    """What every MCP-backed source holds: the caller, its config, the whole MCP config."""

    name: str

    def __init__(self, caller: ToolCaller, cfg: C, config: McpConfig) -> None:
        self._caller = caller
        self._cfg = cfg
        self._config = config
        self.timeout_s = cfg.timeout_s

    def _no_server(self) -> SourceResult | None:
        """A "not configured" result when the source's server is missing from the config."""
        if not self._caller.has_server(self._cfg.server):
            return SourceResult.unconfigured(f"no MCP server {self._cfg.server!r}")
        return None

    async def _call(
        self, result: SourceResult, tool: str, args: Mapping[str, Any]
    ) -> ToolResult | None:
        return await counted_call(self._caller, result, self._cfg.server, tool, args)


def split_repo(repository: str) -> tuple[str, str]:
    """``owner/name`` -> (owner, name); anything else -> ("", repository)."""
    owner, _, name = repository.partition("/")
    return (owner, name) if name else ("", repository)


def failure_window(incident: Incident, before_s: int, after_s: int) -> tuple[datetime, datetime]:
    """[occurred_at - before, occurred_at + after], clipped to now (UTC, aware)."""
    now = datetime.now(UTC)
    at = incident.occurred_at or now
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    end = min(at + timedelta(seconds=after_s), now)
    return at - timedelta(seconds=before_s), max(end, at - timedelta(seconds=before_s - 1))


def rfc3339(moment: datetime) -> str:
    """``2026-11-24T10:00:00Z`` (what the Prometheus, Loki and Grafana servers accept)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def template_values(incident: Incident, repo_ctx: RepoContext, app: str = "") -> dict[str, str]:
    """Values for ``{{name}}`` placeholders in configured PromQL/LogQL."""
    owner, name = split_repo(incident.repository)
    return {
        "repository": incident.repository,
        "owner": owner,
        "repo": name,
        "branch": incident.branch,
        "namespace": repo_ctx.namespace or name,
        "app": app or repo_ctx.app or (repo_ctx.argocd_apps[0] if repo_ctx.argocd_apps else name),
        "sha": incident.head_sha,
    }


__all__ = [
    "McpSource",
    "counted_call",
    "failure_window",
    "offered_tools",
    "rfc3339",
    "split_repo",
    "takes",
    "template_values",
]
