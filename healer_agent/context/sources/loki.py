"""Loki: the app's error lines in the failure window.

The default server is PyPI's ``loki-query-mcp``, which calls Loki's own HTTP API
(``/loki/api/v1/query_range``) with no Grafana in between; its ``query_loki_logs`` takes
``logql``, ``start``, ``end``, ``limit``, ``direction``. mcp-grafana's tool of the same name
(through Grafana's datasource proxy) takes ``datasourceUid`` and ``startRfc3339``; the
arguments follow whichever schema the connected server lists. Lines are capped in count
and width.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from healer_agent.context.config import LokiSourceConfig, render_template
from healer_agent.context.protocols import SourceResult
from healer_agent.context.sources._common import (
    McpSource,
    failure_window,
    offered_tools,
    rfc3339,
    takes,
    template_values,
)
from healer_agent.models import Incident


def _ts(value: Any) -> str:
    if isinstance(value, str) and not value.isdigit():
        return value.replace("+00:00", "Z")
    try:
        return datetime.fromtimestamp(int(value) / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError, OverflowError):
        return str(value)


def loki_lines(data: Any) -> list[str]:
    """``<time> <line>`` from any server's answer.

    Shapes: a list of ``{timestamp, line, labels}`` (loki-query-mcp; FastMCP wraps it as
    ``{"result": [...]}``), mcp-grafana's ``{"data": [...]}``, or a raw Loki body
    ``{"data": {"result": [{"stream", "values": [[ns, line]]}]}}``.
    """
    if isinstance(data, dict) and isinstance(data.get("result"), list):
        data = data["result"]
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if isinstance(data, dict) and isinstance(data.get("data"), dict):  # raw Loki streams
        out = []
        for stream in data["data"].get("result") or []:
            out += [f"{_ts(ts)} {line}" for ts, line in stream.get("values") or []]
        return out
    if isinstance(data, list):
        return [
            f"{_ts(x.get('timestamp'))} {x.get('line', '')}"
            if isinstance(x, dict) and "line" in x
            else str(x)
            for x in data
        ]
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
        tools = await offered_tools(self._caller, result, self._cfg.server)
        if tools is None:
            return result
        tool = tools.get(self._cfg.tool)
        if tool is None:
            result.errors.append(f"{self._cfg.tool}: not offered by {self._cfg.server}")
            return result
        start, end = failure_window(incident, self._cfg.window_before_s, self._cfg.window_after_s)
        logql = render_template(template, template_values(incident, repo_ctx))
        args: dict[str, Any] = {"logql": logql, "limit": self._cfg.limit, "direction": "backward"}
        if takes(tool, "datasourceUid"):
            uid = self._cfg.datasource_uid or await self._find_datasource(result)
            if not uid:
                result.errors.append("no Loki datasource uid configured or found")
                return result
            args |= {
                "datasourceUid": uid,
                "startRfc3339": rfc3339(start),
                "endRfc3339": rfc3339(end),
            }
        else:
            args |= {"start": rfc3339(start), "end": rfc3339(end)}
        res = await self._call(result, self._cfg.tool, args)
        if res is None:
            return result
        width = self._cfg.max_line_chars
        lines = [line[:width] for line in loki_lines(res.data)][: self._cfg.limit]
        result.fields["loki"] = tuple(lines)
        if not lines:
            result.notes.append("no matching log lines")
        return result

    async def _find_datasource(self, result: SourceResult) -> str:
        res = await self._call(result, "list_datasources", {"type": "loki"})
        if res is None:
            return ""
        items = res.data.get("datasources") if isinstance(res.data, dict) else res.data
        for ds in items or []:
            if isinstance(ds, dict) and ds.get("type") == "loki" and ds.get("uid"):
                return str(ds["uid"])
        return ""


__all__ = ["LokiSource", "loki_lines"]
