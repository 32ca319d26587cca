"""Grafana: firing alert rules and recent annotations of the app's dashboards.

Both are optional extras: only the tools the server offers (and the allowlist permits) are
called, so a Grafana without alerting simply contributes nothing.
"""

from __future__ import annotations

from typing import Any

from healer_agent.context.config import GrafanaSourceConfig
from healer_agent.context.protocols import SourceResult
from healer_agent.context.sources._common import McpSource, failure_window, offered_tools
from healer_agent.models import Incident


class GrafanaSource(McpSource[GrafanaSourceConfig]):
    """Alerts and annotations."""

    name = "grafana"

    async def gather(self, incident: Incident) -> SourceResult:
        """Firing alerts (``alerting_rules_read``) and annotations (``get_annotations``)."""
        if (missing := self._no_server()) is not None:
            return missing
        result = SourceResult()
        offered = await offered_tools(self._caller, result, self._cfg.server)
        if offered is None:
            return result
        found: dict[str, Any] = {}
        if "alerting_rules_read" in offered:
            res = await self._call(
                result, "alerting_rules_read", {"operation": "list", "states": ["firing"]}
            )
            if res is not None:
                found["firing_alerts"] = res.data
        dashboards = self._config.repo_context(incident.repository).grafana_dashboards
        if "get_annotations" in offered and dashboards:
            start, end = failure_window(incident, self._cfg.window_before_s, 300)
            for uid in dashboards:
                res = await self._call(
                    result,
                    "get_annotations",
                    {
                        "dashboardUid": uid,
                        "from": int(start.timestamp() * 1000),
                        "to": int(end.timestamp() * 1000),
                        "limit": 20,
                    },
                )
                if res is not None:
                    found.setdefault("annotations", {})[uid] = res.data
        if not found and not result.errors:
            return SourceResult.unconfigured("no alerting/annotation tools or dashboards")
        if found:
            result.fields["grafana"] = found
        return result


__all__ = ["GrafanaSource"]
