"""Typed loader for ``mcp_servers.yaml``: the MCP servers Healer talks to and what it asks them.

The file holds no secrets: every string may use ``${VAR}`` or ``${VAR:-default}``, expanded
from the environment (or an explicit mapping, for tests) when the file is loaded, never at
import. ``$$`` is a literal ``$``. A variable that is unset and has no default expands to ""
and is recorded in ``ServerConfig.missing_env`` so ``healer mcp check`` can say why a server
will not authenticate, instead of the loader refusing a file that is fine for other servers.

Per-repository query templates use ``{{name}}`` placeholders (``{{namespace}}``, ``{{app}}``,
``{{repository}}``, ``{{owner}}``, ``{{repo}}``, ``{{branch}}``), which never clash with
``${ENV}`` expansion nor with PromQL/LogQL braces. They are filled per incident by
:func:`render_template`.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from healer_agent.context.errors import McpConfigError

Transport = Literal["stdio", "streamable-http", "sse"]

_ENV_RE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_TEMPLATE_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProbeCall(_Model):
    """A cheap read-only call ``healer mcp check`` times for one server."""

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)


class ServerConfig(_Model):
    """One MCP server: how to reach it and what Healer may ask it."""

    transport: Transport = "stdio"
    command: str | None = None
    """Executable for ``stdio``; a relative path with a ``/`` is relative to the config file."""
    args: tuple[str, ...] = ()
    env: dict[str, str] = Field(default_factory=dict)
    """Passed explicitly: stdio servers inherit only HOME, PATH, SHELL, TERM, USER, LOGNAME."""
    cwd: str | None = None
    url: str | None = None
    """Endpoint for ``streamable-http`` (``.../mcp``) or ``sse`` (``.../sse``)."""
    headers: dict[str, str] = Field(default_factory=dict)
    tools: tuple[str, ...] = ()
    """Allowlist of read-only tools; anything else is refused before it is sent."""
    timeout_s: float = Field(default=30.0, gt=0)
    """Deadline for one tool call."""
    startup_timeout_s: float = Field(default=20.0, gt=0)
    """Deadline for spawn/connect + initialize + list_tools."""
    max_output_tokens: int = Field(default=4000, gt=0)
    """Every result is trimmed to this (≈4 chars a token) before it is stored or shown."""
    max_concurrency: int = Field(default=4, ge=1)
    llm_instructions: str = ""
    """A hint appended to the triage prompt about what this server is good for."""
    strip_params: tuple[str, ...] = ()
    """Parameters removed from the schema shown to a model and from every call's arguments
    (argocd-mcp's per-call ``argocdBaseUrl`` would let a model pick the backend URL)."""
    error_json_keys: tuple[str, ...] = ()
    """Top-level keys that mark a successful text result as a backend error (argocd-mcp
    returns HTTP 4xx/5xx bodies as successful text). Empty: no such check."""
    require_read_only_hint: bool = False
    """Also refuse allowlisted tools the server does not annotate ``readOnlyHint=true``."""
    check: ProbeCall | None = None
    enabled: bool = True
    missing_env: tuple[str, ...] = ()
    """Filled by the loader: ``${VAR}`` references that were unset and had no default."""

    @model_validator(mode="after")
    def _endpoint_matches_transport(self) -> ServerConfig:
        if self.transport == "stdio" and not self.command:
            raise ValueError("transport 'stdio' needs 'command'")
        if self.transport != "stdio" and not self.url:
            raise ValueError(f"transport '{self.transport}' needs 'url'")
        return self


class GitHubSourceConfig(_Model):
    """Job logs, steps, PR, changed files and annotations."""

    server: str = "github"
    timeout_s: float | None = None
    job_log_tool: str = "get_job_logs"
    """The official github-mcp-server's tool; without it the REST fallback is used."""
    rest_fallback: bool = True
    """Use ``settings.github.api_url`` + ``github_token`` for what the server lacks."""
    max_log_tokens: int = 50_000
    max_log_lines: int = 5000
    """``tail_lines`` for a job-log tool that takes it (the error is near the end)."""
    max_files: int = 300
    max_annotations: int = 50


class ArgoSourceConfig(_Model):
    """Applications deployed from the repository."""

    server: str = "argocd"
    timeout_s: float | None = None
    match_repo_url: bool = True
    """Also pick apps whose ``spec.source.repoURL`` names the incident's repository."""
    max_apps: int = 5


class PrometheusSourceConfig(_Model):
    """Configured PromQL over the failure window."""

    server: str = "prometheus"
    timeout_s: float | None = None
    window_before_s: int = 1800
    window_after_s: int = 300
    step_s: int = 60
    max_series: int = 10
    error_rate_query: str = "error_rate"
    """The repository query (by name) whose before/after the failure is compared."""
    spike_ratio: float = Field(default=2.0, gt=1)
    """``after >= before * spike_ratio`` (or any rate after a zero before) is a spike."""
    alerts_query: str = 'ALERTS{alertstate="firing"}'
    """Prometheus' own view of firing alerts; empty to skip."""


class AlertsSourceConfig(_Model):
    """Firing alerts from Alertmanager (PyPI ``prometheus-mcp``'s ``alertmanager_list_alerts``)."""

    server: str = "alertmanager"
    timeout_s: float | None = None
    tool: str = "alertmanager_list_alerts"
    max_alerts: int = 10


class LokiSourceConfig(_Model):
    """Error lines from Loki's ``query_range`` (``loki-query-mcp``, or mcp-grafana's proxy)."""

    server: str = "loki"
    timeout_s: float | None = None
    tool: str = "query_loki_logs"
    datasource_uid: str = ""
    """Only for mcp-grafana (its tool takes ``datasourceUid``); found by listing if empty."""
    default_logql: str = ""
    """Used when the repository has no LogQL of its own (may use ``{{namespace}}``)."""
    limit: int = 100
    window_before_s: int = 1800
    window_after_s: int = 300
    max_line_chars: int = 500


class GrafanaSourceConfig(_Model):
    """Firing alerts and annotations, where the server offers them."""

    server: str = "grafana"
    timeout_s: float | None = None
    window_before_s: int = 3600


class KubernetesSourceConfig(_Model):
    """Pods and events of the app's namespace (kubernetes-mcp-server, read-only)."""

    server: str = "kubernetes"
    timeout_s: float | None = None
    max_pods: int = 20
    max_events: int = 20


class SourcesConfig(_Model):
    """Per-source settings; a source whose server is not configured is ``not_configured``."""

    timeout_s: float = Field(default=20.0, gt=0)
    """Default per-source deadline (a source's own ``timeout_s`` wins)."""
    github: GitHubSourceConfig = GitHubSourceConfig()
    argocd: ArgoSourceConfig = ArgoSourceConfig()
    prometheus: PrometheusSourceConfig = PrometheusSourceConfig()
    loki: LokiSourceConfig = LokiSourceConfig()
    grafana: GrafanaSourceConfig = GrafanaSourceConfig()
    kubernetes: KubernetesSourceConfig = KubernetesSourceConfig()
    alerts: AlertsSourceConfig = AlertsSourceConfig()


class PromQuery(_Model):
    """One configured PromQL query; ``instant`` asks for the value at the failure time."""

    query: str
    instant: bool = False


class RepoContext(_Model):
    """What to ask the observability backends about one repository (or glob of them)."""

    argocd_apps: tuple[str, ...] = ()
    namespace: str = ""
    app: str = ""
    prometheus: dict[str, str | PromQuery] = Field(default_factory=dict)
    """Name -> PromQL (``{{namespace}}`` etc. allowed) or ``{query, instant}``; each becomes
    a compact series summary over the failure window."""
    loki: str = ""
    """LogQL for the app's error lines."""
    grafana_dashboards: tuple[str, ...] = ()


class McpConfig(_Model):
    """The whole ``mcp_servers.yaml``."""

    servers: dict[str, ServerConfig] = Field(default_factory=dict)
    sources: SourcesConfig = SourcesConfig()
    repositories: dict[str, RepoContext] = Field(default_factory=dict)
    """Keys are ``owner/name`` or fnmatch globs (``owner/*``, ``*``); the first match wins,
    exact names before globs."""
    log_dir: str | None = None
    """Where stdio servers' stderr goes (one ``<server>.stderr.log`` each)."""

    def enabled_servers(self) -> dict[str, ServerConfig]:
        """Servers Healer should connect to."""
        return {name: s for name, s in self.servers.items() if s.enabled}

    def allowed_tools(self, server_name: str) -> frozenset[str]:
        """The allowlist for ``server_name`` (empty when the server is unknown)."""
        server = self.servers.get(server_name)
        return frozenset(server.tools) if server and server.enabled else frozenset()

    def repo_context(self, repository: str) -> RepoContext:
        """The entry for ``repository``: exact key first, then the first matching glob."""
        if repository in self.repositories:
            return self.repositories[repository]
        for pattern, ctx in self.repositories.items():
            if fnmatch.fnmatchcase(repository, pattern):
                return ctx
        return RepoContext()


def expand_env(value: str, env: Mapping[str, str], missing: list[str] | None = None) -> str:
    """Expand ``${VAR}`` / ``${VAR:-default}`` / ``$$`` in one string."""

    def repl(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, default = match.group(1), match.group(2)
        if name in env and (env[name] != "" or default is None):
            return env[name]
        if default is not None:
            return default
        if missing is not None:
            missing.append(name)
        return ""

    return _ENV_RE.sub(repl, value)


def _expand_tree(node: Any, env: Mapping[str, str], missing: list[str]) -> Any:
    if isinstance(node, str):
        return expand_env(node, env, missing)
    if isinstance(node, list):
        return [_expand_tree(item, env, missing) for item in node]
    if isinstance(node, dict):
        return {key: _expand_tree(val, env, missing) for key, val in node.items()}
    return node


def parse_config(
    raw: Mapping[str, Any], *, env: Mapping[str, str] | None = None, base_dir: Path | None = None
) -> McpConfig:
    """Validate an already-parsed YAML mapping (expanding ``${ENV}`` first)."""
    environ = os.environ if env is None else env
    data = dict(raw)
    servers_raw = data.get("servers") or {}
    if not isinstance(servers_raw, dict):
        raise McpConfigError("'servers' must be a mapping of name -> server")
    servers: dict[str, Any] = {}
    for name, server in servers_raw.items():
        missing: list[str] = []
        expanded = _expand_tree(server or {}, environ, missing)
        if not isinstance(expanded, dict):
            raise McpConfigError(f"server {name!r} must be a mapping")
        expanded["missing_env"] = sorted(set(missing))
        command = expanded.get("command")
        relative = isinstance(command, str) and "/" in command and not Path(command).is_absolute()
        if base_dir is not None and relative:
            expanded["command"] = os.path.normpath(base_dir / str(command))
        servers[str(name)] = expanded
    data["servers"] = servers
    rest = {k: v for k, v in data.items() if k != "servers"}
    data.update(_expand_tree(rest, environ, []))
    try:
        return McpConfig.model_validate(data)
    except ValidationError as exc:
        raise McpConfigError(f"invalid MCP config: {exc}") from exc


def load_mcp_config(path: Path, *, env: Mapping[str, str] | None = None) -> McpConfig:
    """Read and validate ``mcp_servers.yaml``; a missing file is an empty config."""
    if not path.exists():
        return McpConfig()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise McpConfigError(f"cannot read {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise McpConfigError(f"{path}: top level must be a mapping")
    return parse_config(raw, env=env, base_dir=path.resolve().parent)


def allowed_tools(server_name: str, config: McpConfig) -> frozenset[str]:
    """Read-only allowlist of one server, for building LLM toolsets from the same config."""
    return config.allowed_tools(server_name)


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill ``{{name}}`` placeholders; unknown names become ""."""
    return _TEMPLATE_RE.sub(lambda m: values.get(m.group(1), ""), template)


__all__ = [
    "AlertsSourceConfig",
    "ArgoSourceConfig",
    "GitHubSourceConfig",
    "GrafanaSourceConfig",
    "KubernetesSourceConfig",
    "LokiSourceConfig",
    "McpConfig",
    "ProbeCall",
    "PromQuery",
    "PrometheusSourceConfig",
    "RepoContext",
    "ServerConfig",
    "SourcesConfig",
    "Transport",
    "allowed_tools",
    "expand_env",
    "load_mcp_config",
    "parse_config",
    "render_template",
]
