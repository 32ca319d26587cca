"""Kubernetes (optional): pods and warning events in the app's namespace.

Targets kubernetes-mcp-server's read-only tools (``pods_list_in_namespace``,
``events_list``); their output is text (YAML/table), kept trimmed as the pool returns it.
"""

from __future__ import annotations

from healer_agent.context.config import KubernetesSourceConfig
from healer_agent.context.errors import ToolError
from healer_agent.context.protocols import SourceResult
from healer_agent.context.sources._common import McpSource, split_repo
from healer_agent.models import Incident


class KubernetesSource(McpSource[KubernetesSourceConfig]):
    """Pods and events of the repository's namespace."""

    name = "kubernetes"


    async def gather(self, incident: Incident) -> SourceResult:
        """Pods and events; "not ready" filtering is left to the reader of the text."""
        if (missing := self._no_server()) is not None:
            return missing
        namespace = self._config.repo_context(incident.repository).namespace
        namespace = namespace or split_repo(incident.repository)[1]
        result = SourceResult()
        found = {}
        for key, tool in (("pods", "pods_list_in_namespace"), ("events", "events_list")):
            try:
                res = await self._caller.call(self._cfg.server, tool, {"namespace": namespace})
                found[key] = res.data
            except ToolError as exc:
                result.failed(exc)
        if found:
            result.fields["kubernetes"] = {"namespace": namespace, **found}
        return result


__all__ = ["KubernetesSource"]
