"""Loki: the app's error lines in the failure window, via mcp-grafana's ``query_loki_logs``.

There is no installable direct-to-Loki MCP server; mcp-grafana reaches Loki through the
Grafana datasource proxy. The LogQL comes from config; lines are capped in count and width.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from healer_agent.context.config import LokiSourceConfig, render_template
from healer_agent.context.errors import ToolError
from healer_agent.context.protocols import SourceResult
from healer_agent.context.sources._common import McpSource, failure_window, rfc3339, template_values
from healer_agent.models import Incident


def _ts(ns: Any) -> str:
    try:
        return datetime.fromtimestamp(int(ns) / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError, OverflowError):
        return str(ns)


def loki_lines(data: Any) -> list[str]:
    """Lines from mcp-grafana's ``{"data": [{timestamp, line, labels}]}`` or a raw Loki body."""
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return [f"{_ts(e.get('timestamp'))} {e.get('line', '')}" for e in data["data"]
                if isinstance(e, dict)]
    if isinstance(data, dict) and isinstance(data.get("data"), dict):  # raw Loki streams
        out = []
        for stream in data["data"].get("result") or []:
            out += [f"{_ts(ts)} {line}" for ts, line in stream.get("values") or []]
        return out
    if isinstance(data, list):
        return [str(x.get("line", x)) if isinstance(x, dict) else str(x) for x in data]
    return [line for line in str(data).splitlines() if line.strip()]


class LokiSource(McpSource[LokiSourceConfig]):
    """Error lines of the app's namespace."""

    name = "loki"


    async def gather(self, incident: Incident) -> SourceResult:
        """Run the configured LogQL once, newest lines first."""
        if (missing := self._no_server()) is not None:
            return missing
        repo_ctx = self._config.repo_context(incident.repository)
        template = repo_ctx.loki or self._cfg.default_logql
        if not template:
            return SourceResult.unconfigured(f"no LogQL configured for {incident.repository}")
        result = SourceResult()
        uid = self._cfg.datasource_uid or await self._find_datasource(result)
        if not uid:
            result.errors.append("no Loki datasource uid configured or found")
            return result
        start, end = failure_window(incident, self._cfg.window_before_s, self._cfg.window_after_s)
        args = {
            "datasourceUid": uid,
            "logql": render_template(template, template_values(incident, repo_ctx)),
            "startRfc3339": rfc3339(start),
            "endRfc3339": rfc3339(end),
            "limit": self._cfg.limit,
            "direction": "backward",
        }
        try:
            res = await self._caller.call(self._cfg.server, self._cfg.tool, args)
        except ToolError as exc:
            result.failed(exc)
            return result
        width = self._cfg.max_line_chars
        lines = [line[:width] for line in loki_lines(res.data)][: self._cfg.limit]
        result.fields["loki"] = tuple(lines)
        if not lines:
            result.notes.append("no matching log lines")
        return result

    async def _find_datasource(self, result: SourceResult) -> str:
        try:
            res = await self._caller.call(self._cfg.server, "list_datasources", {"type": "loki"})
        except ToolError as exc:
            result.failed(exc)
            return ""
        items = res.data.get("datasources") if isinstance(res.data, dict) else res.data
        for ds in items or []:
            if isinstance(ds, dict) and ds.get("type") == "loki" and ds.get("uid"):
                return str(ds["uid"])
        return ""


__all__ = ["LokiSource", "loki_lines"]
