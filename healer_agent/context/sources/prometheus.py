"""Prometheus: configured PromQL over the failure window, as compact series summaries.

A model needs the shape of a series (did the error rate jump? are restarts climbing?),
not hundreds of samples, so each series becomes min/max/first/last/points with its labels.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

from healer_agent.context.config import (
    PrometheusSourceConfig,
    PromQuery,
    render_template,
)
from healer_agent.context.errors import ToolError
from healer_agent.context.protocols import SourceResult
from healer_agent.context.sources._common import McpSource, failure_window, rfc3339, template_values
from healer_agent.models import Incident


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def summarise(data: Any, max_series: int) -> dict[str, Any]:
    """Compact summary of a Prometheus API ``data`` object (vector or matrix)."""
    if not isinstance(data, dict):
        return {"error": "unexpected result", "raw": str(data)[:300]}
    kind = data.get("resultType", "")
    series_out: list[dict[str, Any]] = []
    raw_series = data.get("result") or []
    if kind == "scalar" and isinstance(raw_series, list) and len(raw_series) == 2:
        return {"type": kind, "value": _num(raw_series[1]), "series": []}
    for series in raw_series[:max_series]:
        if not isinstance(series, dict):
            continue
        labels = {k: v for k, v in (series.get("metric") or {}).items() if k != "__name__"}
        samples = series.get("values") or ([series["value"]] if "value" in series else [])
        values = [v for v in (_num(s[1]) for s in samples if len(s) == 2) if v is not None]
        entry: dict[str, Any] = {"labels": labels, "points": len(values)}
        if values:
            entry.update(first=values[0], last=values[-1], min=min(values), max=max(values))
        series_out.append(entry)
    out: dict[str, Any] = {"type": kind, "series": series_out}
    if len(raw_series) > max_series:
        out["more_series"] = len(raw_series) - max_series
    return out


class PrometheusSource(McpSource[PrometheusSourceConfig]):
    """Configured queries for the incident's repository."""

    name = "prometheus"


    async def gather(self, incident: Incident) -> SourceResult:
        """Run every configured query; one failing query leaves the others."""
        if (missing := self._no_server()) is not None:
            return missing
        repo_ctx = self._config.repo_context(incident.repository)
        if not repo_ctx.prometheus:
            return SourceResult.unconfigured(f"no PromQL configured for {incident.repository}")
        values = template_values(incident, repo_ctx)
        start, end = failure_window(incident, self._cfg.window_before_s, self._cfg.window_after_s)
        result = SourceResult()
        names = list(repo_ctx.prometheus)
        summaries = await asyncio.gather(
            *(self._one(result, repo_ctx.prometheus[n], values, start, end) for n in names)
        )
        found = {n: s for n, s in zip(names, summaries, strict=True) if s is not None}
        if found:
            result.fields["prometheus"] = found
        return result

    async def _one(
        self, result: SourceResult, spec: str | PromQuery, values: dict[str, str], start: Any,
        end: Any,
    ) -> dict[str, Any] | None:
        query = spec if isinstance(spec, PromQuery) else PromQuery(query=spec)
        promql = render_template(query.query, values)
        if query.instant:
            tool, args = "execute_query", {"query": promql, "time": rfc3339(end)}
        else:
            tool = "execute_range_query"
            args = {"query": promql, "start": rfc3339(start), "end": rfc3339(end),
                    "step": f"{self._cfg.step_s}s"}
        try:
            res = await self._caller.call(self._cfg.server, tool, args)
        except ToolError as exc:
            result.failed(exc)
            return None
        return {"query": promql, **summarise(res.data, self._cfg.max_series)}


__all__ = ["PrometheusSource", "summarise"]
