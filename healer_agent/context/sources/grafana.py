"""Grafana: firing alert rules and recent annotations of the app's dashboards.

Both are optional extras: only the tools the server offers (and the allowlist permits) are
called, so a Grafana without alerting simply contributes nothing.
"""

from __future__ import annotations

from typing import Any

from healer_agent.context.config import GrafanaSourceConfig
from healer_agent.context.errors import ToolError
from healer_agent.context.protocols import SourceResult
from healer_agent.context.sources._common import McpSource, failure_window
from healer_agent.models import Incident


class GrafanaSource(McpSource[GrafanaSourceConfig]):
    """Alerts and annotations."""

    name = "grafana"


    async def gather(self, incident: Incident) -> SourceResult:
        """Firing alerts (``alerting_rules_read``) and annotations (``get_annotations``)."""
        if (missing := self._no_server()) is not None:
            return missing
        try:
            offered = {t.name for t in await self._caller.list_tools(self._cfg.server)}
        except ToolError as exc:
            result = SourceResult()
            result.failed(exc)
            return result
        result = SourceResult()
        found: dict[str, Any] = {}
        if "alerting_rules_read" in offered:
            try:
                res = await self._caller.call(
                    self._cfg.server, "alerting_rules_read",
                    {"operation": "list", "states": ["firing"]},
                )
                found["firing_alerts"] = res.data
            except ToolError as exc:
                result.failed(exc)
        dashboards = self._config.repo_context(incident.repository).grafana_dashboards
        if "get_annotations" in offered and dashboards:
            start, end = failure_window(incident, self._cfg.window_before_s, 300)
            for uid in dashboards:
                try:
                    res = await self._caller.call(
                        self._cfg.server, "get_annotations",
                        {"dashboardUid": uid, "from": int(start.timestamp() * 1000),
                         "to": int(end.timestamp() * 1000), "limit": 20},
                    )
                    found.setdefault("annotations", {})[uid] = res.data
                except ToolError as exc:
                    result.failed(exc)
        if not found and not result.errors:
            return SourceResult.unconfigured("no alerting/annotation tools or dashboards")
        if found:
            result.fields["grafana"] = found
        return result


__all__ = ["GrafanaSource"]
