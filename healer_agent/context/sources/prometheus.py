"""Prometheus: configured PromQL over the failure window, the error-rate change, firing alerts.

A model needs the shape of a series (did the error rate jump? are restarts climbing?),
not hundreds of samples, so each series becomes min/max/first/last/points with its labels.
The repository's ``error_rate`` query is also split at the failure time into a before and
an after value (:class:`ErrorRateSpike`), and Prometheus' own ``ALERTS`` series become
firing alerts.
"""

from __future__ import annotations

import asyncio
import math
from datetime import datetime
from typing import Any

from healer_agent.context.config import (
    PrometheusSourceConfig,
    PromQuery,
    render_template,
)
from healer_agent.context.protocols import SourceResult
from healer_agent.context.sources._common import McpSource, failure_window, rfc3339, template_values
from healer_agent.models import ErrorRateSpike, FiringAlert, Incident


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


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


def spike(query: str, data: Any, at: datetime, ratio: float) -> ErrorRateSpike | None:
    """Mean of the summed series before ``at`` against its peak from ``at`` on."""
    if not isinstance(data, dict):
        return None
    totals: dict[float, float] = {}
    for series in data.get("result") or []:
        if not isinstance(series, dict):
            continue
        samples = series.get("values") or ([series["value"]] if "value" in series else [])
        for sample in samples:
            ts, value = (_num(sample[0]), _num(sample[1])) if len(sample) == 2 else (None, None)
            if ts is not None and value is not None:
                totals[ts] = totals.get(ts, 0.0) + value
    if not totals:
        return None
    cut = at.timestamp()
    before = [v for t, v in totals.items() if t < cut]
    after = [v for t, v in totals.items() if t >= cut]
    before_v = sum(before) / len(before) if before else None
    after_v = max(after) if after else None
    rate_ratio = after_v / before_v if before_v and after_v is not None else None
    spiked = (
        after_v is not None
        and after_v > 0
        and (
            (before_v is not None and before_v <= 0)
            or (rate_ratio is not None and rate_ratio >= ratio)
        )
    )
    return ErrorRateSpike(
        query=query, before=before_v, after=after_v, ratio=rate_ratio, spiked=spiked
    )


def alerts_from_vector(data: Any, limit: int = 10) -> tuple[FiringAlert, ...]:
    """``ALERTS`` series as firing alerts (Prometheus has no annotations on them)."""
    out: list[FiringAlert] = []
    for series in (data.get("result") or []) if isinstance(data, dict) else []:
        if not isinstance(series, dict):
            continue
        labels = {
            str(k): str(v)
            for k, v in (series.get("metric") or {}).items()
            if k not in ("__name__", "alertstate")
        }
        out.append(
            FiringAlert(
                name=labels.pop("alertname", "unnamed"),
                state=str((series.get("metric") or {}).get("alertstate", "firing")),
                severity=labels.get("severity", ""),
                labels=labels,
                source="prometheus",
            )
        )
    return tuple(out[:limit])


class PrometheusSource(McpSource[PrometheusSourceConfig]):
    """Configured queries for the incident's repository."""

    name = "prometheus"

    async def gather(self, incident: Incident) -> SourceResult:
        """Run every configured query; one failing query leaves the others."""
        if (missing := self._no_server()) is not None:
            return missing
        repo_ctx = self._config.repo_context(incident.repository)
        if not repo_ctx.prometheus and not self._cfg.alerts_query:
            return SourceResult.unconfigured(f"no PromQL configured for {incident.repository}")
        values = template_values(incident, repo_ctx)
        start, end = failure_window(incident, self._cfg.window_before_s, self._cfg.window_after_s)
        at = min(incident.occurred_at or end, end)
        if at.tzinfo is None:
            at = at.replace(tzinfo=end.tzinfo)
        result = SourceResult()
        names = list(repo_ctx.prometheus)
        outcomes = await asyncio.gather(
            *(self._one(result, n, repo_ctx.prometheus[n], values, start, end, at) for n in names),
            self._alerts(result, end),
        )
        found = {n: s for n, s in zip(names, outcomes[:-1], strict=True) if s is not None}
        if found:
            result.fields["prometheus"] = found
        alerts = outcomes[-1]
        if alerts:
            result.fields["firing_alerts"] = alerts
        return result

    async def _alerts(self, result: SourceResult, end: datetime) -> Any:
        if not self._cfg.alerts_query:
            return None
        res = await self._call(
            result, "execute_query", {"query": self._cfg.alerts_query, "time": rfc3339(end)}
        )
        return alerts_from_vector(res.data) if res is not None else None

    async def _one(
        self,
        result: SourceResult,
        name: str,
        spec: str | PromQuery,
        values: dict[str, str],
        start: datetime,
        end: datetime,
        at: datetime,
    ) -> dict[str, Any] | None:
        query = spec if isinstance(spec, PromQuery) else PromQuery(query=spec)
        promql = render_template(query.query, values)
        if query.instant:
            tool, args = "execute_query", {"query": promql, "time": rfc3339(end)}
        else:
            tool = "execute_range_query"
            args = {
                "query": promql,
                "start": rfc3339(start),
                "end": rfc3339(end),
                "step": f"{self._cfg.step_s}s",
            }
        res = await self._call(result, tool, args)
        if res is None:
            return None
        if name == self._cfg.error_rate_query and not query.instant:
            change = spike(promql, res.data, at, self._cfg.spike_ratio)
            if change is not None:
                result.fields["error_rate_spike"] = change
        return {"query": promql, **summarise(res.data, self._cfg.max_series)}


__all__ = ["PrometheusSource", "alerts_from_vector", "spike", "summarise"]
