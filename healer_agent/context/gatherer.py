"""Gathering every source for an incident in parallel into one ``ContextBundle``.

Each source runs under its own deadline; whatever it raises or however long it hangs, the
bundle still comes back with the other sources' findings and a ``SourceStatus`` per source
(ok | timeout | error | not_configured, elapsed time, estimated size). So the total wall
time is the slowest source (capped by its timeout), not the sum.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from healer_agent.context.config import McpConfig, load_mcp_config
from healer_agent.context.github_rest import GitHubRest
from healer_agent.context.pool import McpPool
from healer_agent.context.protocols import ContextSource, ServerState, SourceResult, ToolCaller
from healer_agent.context.results import estimate_tokens
from healer_agent.context.sources import (
    AlertsSource,
    ArgoCDSource,
    GitHubSource,
    GrafanaSource,
    KubernetesSource,
    LokiSource,
    PrometheusSource,
)
from healer_agent.logs.redact import redact
from healer_agent.models import ContextBundle, Incident, SourceStatus

log = logging.getLogger(__name__)

DEFAULT_GITHUB_API = "https://api.github.com"


def _size_tokens(fields: dict[str, Any]) -> int:
    def default(value: Any) -> Any:
        dump = getattr(value, "model_dump", None)
        return dump(mode="json") if callable(dump) else str(value)

    return estimate_tokens(json.dumps(fields, default=default, ensure_ascii=False))


def status_of(result: SourceResult, elapsed_ms: float) -> SourceStatus:
    """A source's status from what it found and what failed."""
    size = _size_tokens(result.fields)
    note = redact("; ".join([*result.errors, *result.notes])[:1000])
    if result.not_configured:
        return SourceStatus(status="not_configured", elapsed_ms=elapsed_ms, note=note)
    if result.errors and not result.succeeded:
        state = "timeout" if result.timeouts == len(result.errors) else "error"
        return SourceStatus(status=state, elapsed_ms=elapsed_ms, size_tokens=size, note=note)
    state = "partial" if result.errors else "ok"
    return SourceStatus(status=state, elapsed_ms=elapsed_ms, size_tokens=size, note=note)


def merge(results: Sequence[SourceResult]) -> dict[str, Any]:
    """Combine sources' fields: tuples concatenate, dicts update, scalars first wins."""
    merged: dict[str, Any] = {}
    for result in results:
        for key, value in result.fields.items():
            if key not in merged or merged[key] is None:
                merged[key] = value
            elif isinstance(value, tuple):
                merged[key] = (*merged[key], *value)
            elif isinstance(value, dict):
                merged[key] = {**merged[key], **value}
    return merged


class ContextGatherer:
    """Runs the sources for an incident; owns the pool and REST client it was given."""

    def __init__(
        self,
        sources: Sequence[ContextSource],
        *,
        default_timeout_s: float = 20.0,
        pool: McpPool | None = None,
        rest: GitHubRest | None = None,
    ) -> None:
        self.sources = tuple(sources)
        self.default_timeout_s = default_timeout_s
        self.pool = pool
        self._rest = rest

    async def gather(self, incident: Incident) -> ContextBundle:
        """All sources in parallel; never raises because of a source."""
        outcomes = await asyncio.gather(*(self._run(s, incident) for s in self.sources))
        statuses = {name: status for name, _, status in outcomes}
        fields = merge([result for _, result, _ in outcomes])
        return ContextBundle(**fields, sources=statuses)

    async def _run(
        self, source: ContextSource, incident: Incident
    ) -> tuple[str, SourceResult, SourceStatus]:
        timeout = source.timeout_s or self.default_timeout_s
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout):
                result = await source.gather(incident)
        except TimeoutError:
            ms = (time.monotonic() - started) * 1000
            note = f"no answer within {timeout:g}s"
            return (
                source.name,
                SourceResult(),
                SourceStatus(status="timeout", elapsed_ms=ms, note=note),
            )
        except Exception as exc:  # a source bug must not cost the incident its context
            log.exception("context source %s failed", source.name)
            ms = (time.monotonic() - started) * 1000
            note = redact(f"{type(exc).__name__}: {exc}"[:500])
            return (
                source.name,
                SourceResult(),
                SourceStatus(status="error", elapsed_ms=ms, note=note),
            )
        ms = (time.monotonic() - started) * 1000
        return source.name, result, status_of(result, ms)

    def status(self) -> dict[str, ServerState]:
        """MCP servers' state (empty without a pool)."""
        return self.pool.status() if self.pool else {}

    async def aclose(self) -> None:
        """Close the pool's sessions and the REST client."""
        if self.pool is not None:
            await self.pool.aclose()
        if self._rest is not None:
            await self._rest.aclose()


def build_sources(
    pool: ToolCaller, config: McpConfig, rest: GitHubRest | None
) -> list[ContextSource]:
    """One source per backend, all sharing one tool caller (the pool in production)."""
    src = config.sources
    return [
        GitHubSource(pool, src.github, rest),
        ArgoCDSource(pool, src.argocd, config),
        PrometheusSource(pool, src.prometheus, config),
        LokiSource(pool, src.loki, config),
        GrafanaSource(pool, src.grafana, config),
        KubernetesSource(pool, src.kubernetes, config),
        AlertsSource(pool, src.alerts, config),
    ]


def build_gatherer_from_config(
    config: McpConfig,
    *,
    github_api_url: str = DEFAULT_GITHUB_API,
    github_token: str | None = None,
    pool: McpPool | None = None,
) -> ContextGatherer:
    """A gatherer over ``config``; REST fallback only with a token or a non-default API URL.

    Without a token, api.github.com allows 60 requests an hour, which CI context gathering
    would exhaust, and a test could reach the internet by accident.
    """
    pool = pool or McpPool(config)
    rest = None
    if config.sources.github.rest_fallback and (
        github_token or github_api_url.rstrip("/") != DEFAULT_GITHUB_API
    ):
        rest = GitHubRest(github_api_url, github_token)
    return ContextGatherer(
        build_sources(pool, config, rest),
        default_timeout_s=config.sources.timeout_s,
        pool=pool,
        rest=rest,
    )


def build_gatherer(settings: Any) -> ContextGatherer:
    """The production gatherer for ``settings.context.mode == "mcp"``."""
    token = settings.github.token.get_secret_value() if settings.github.token else None
    return build_gatherer_from_config(
        load_mcp_config(settings.context.mcp_config),
        github_api_url=settings.github.api_url,
        github_token=token,
    )


__all__ = [
    "ContextGatherer",
    "build_gatherer",
    "build_gatherer_from_config",
    "build_sources",
    "merge",
    "status_of",
]
