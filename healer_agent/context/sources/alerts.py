"""Alertmanager: alerts firing around the failure, with their annotations.

Reads Alertmanager's ``GET /api/v2/alerts`` through an MCP server (PyPI ``prometheus-mcp``'s
``alertmanager_list_alerts``, which keeps the API's shape under ``alerts``). Only active
alerts are kept; those labelled with the repository's namespace or app come first, since a
failing deploy's own alerts say more than the cluster's background noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healer_agent.context.config import AlertsSourceConfig
from healer_agent.context.protocols import SourceResult
from healer_agent.context.sources._common import McpSource, template_values
from healer_agent.models import FiringAlert, Incident

_ACTIVE = {"active", "firing", ""}


def _alert_list(data: Any) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping):
        data = data.get("alerts", data.get("data"))
        if isinstance(data, Mapping):  # Prometheus /api/v1/alerts: {data: {alerts: [...]}}
            data = data.get("alerts")
    return [a for a in data if isinstance(a, Mapping)] if isinstance(data, list) else []


def parse_alerts(data: Any) -> list[FiringAlert]:
    """Active alerts of an Alertmanager v2 list (or Prometheus' ``/api/v1/alerts``)."""
    out = []
    for alert in _alert_list(data):
        status = alert.get("status")
        state = (
            str(status.get("state", ""))
            if isinstance(status, Mapping)
            else str(alert.get("state") or status or "")
        )
        if state not in _ACTIVE:
            continue
        labels = {str(k): str(v) for k, v in (alert.get("labels") or {}).items()}
        notes = alert.get("annotations") or {}
        summary = str(
            notes.get("summary") or notes.get("description") or notes.get("message") or ""
        )
        out.append(
            FiringAlert(
                name=labels.pop("alertname", "unnamed"),
                state="firing",
                severity=labels.get("severity", ""),
                summary=summary[:500],
                labels=labels,
                starts_at=str(alert.get("startsAt") or alert.get("activeAt") or ""),
                source="alertmanager",
            )
        )
    return out


class AlertsSource(McpSource[AlertsSourceConfig]):
    """Firing alerts for one incident."""

    name = "alerts"

    async def gather(self, incident: Incident) -> SourceResult:
        """Active alerts, the repository's own first, capped."""
        if (missing := self._no_server()) is not None:
            return missing
        result = SourceResult()
        res = await self._call(result, self._cfg.tool, {})
        if res is None:
            return result
        values = template_values(incident, self._config.repo_context(incident.repository))
        mine = {values["namespace"], values["app"]}

        def relevance(alert: FiringAlert) -> int:
            own = alert.labels.get("namespace") in mine or alert.labels.get("app") in mine
            return 0 if own else 1

        alerts = sorted(parse_alerts(res.data), key=relevance)[: self._cfg.max_alerts]
        if alerts:
            result.fields["firing_alerts"] = tuple(alerts)
        else:
            result.notes.append("no alert firing")
        return result


__all__ = ["AlertsSource", "parse_alerts"]
