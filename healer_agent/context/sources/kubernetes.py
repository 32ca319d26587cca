"""Kubernetes: pods and events of the app's namespace, in the Kubernetes API's shape.

Reads kubernetes-mcp-server's read-only ``pods_list_in_namespace`` and ``events_list``,
whose answers are YAML text: pods as API objects, events flattened with capitalised keys
(``InvolvedObject``, ``Reason``, ``Message``, ``Type``, ``Timestamp``). Both are reduced to
the fields a fix needs and returned as ``{"pods": [...], "events": [...]}`` with core/v1
field names, which is what the pre-router and the prompt read. Healthy pods are kept
(their count is context too) but sorted after the unhealthy ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from healer_agent.context.config import KubernetesSourceConfig
from healer_agent.context.protocols import SourceResult
from healer_agent.context.sources._common import McpSource, split_repo
from healer_agent.models import Incident


def _load(data: Any) -> list[Mapping[str, Any]]:
    if isinstance(data, str):
        try:
            data = yaml.safe_load(data)
        except yaml.YAMLError:
            return []
    if isinstance(data, Mapping):
        data = data.get("items", data.get("result", [data]))
    return [x for x in data if isinstance(x, Mapping)] if isinstance(data, list) else []


def _get(obj: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if obj.get(key) is not None:
            return obj[key]
    return None


def compact_pod(pod: Mapping[str, Any]) -> dict[str, Any]:
    """A pod with its phase, conditions that failed, and each container's state.

    A row that is not an API object (a replayed ``{name, ready, ...}``) is kept as it is.
    """
    if "metadata" not in pod and not isinstance(pod.get("status"), Mapping):
        return dict(pod)
    meta = pod.get("metadata") or {}
    status = pod.get("status") or {}
    containers = []
    for cs in [
        *(status.get("initContainerStatuses") or []),
        *(status.get("containerStatuses") or []),
    ]:
        if isinstance(cs, Mapping):
            containers.append(
                {
                    k: cs[k]
                    for k in ("name", "ready", "restartCount", "image", "state", "lastState")
                    if k in cs
                }
            )
    out: dict[str, Any] = {
        "metadata": {"name": meta.get("name", ""), "namespace": meta.get("namespace", "")},
        "status": {"phase": status.get("phase", ""), "containerStatuses": containers},
    }
    if status.get("reason") or status.get("message"):
        out["status"] |= {
            "reason": status.get("reason", ""),
            "message": str(status.get("message", ""))[:500],
        }
    bad = [
        c
        for c in status.get("conditions") or []
        if isinstance(c, Mapping) and c.get("status") == "False"
    ]
    if bad:
        out["status"]["conditions"] = [
            {k: c.get(k) for k in ("type", "status", "reason", "message")} for c in bad
        ]
    return out


def pod_healthy(pod: Mapping[str, Any]) -> bool:
    """Running (or Succeeded) with every container ready."""
    status = pod.get("status") or {}
    if not isinstance(status, Mapping):  # a flattened row
        return bool(pod.get("ready", str(status) in ("Running", "Succeeded", "Completed")))
    phase = str(status.get("phase", ""))
    ready = all(c.get("ready") for c in status.get("containerStatuses") or [])
    return phase == "Succeeded" or (phase == "Running" and ready)


def compact_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """A core/v1 Event from the API shape or kubernetes-mcp-server's flattened one."""
    involved = _get(event, "involvedObject", "InvolvedObject", "regarding") or {}
    meta = event.get("metadata") or {}
    return {
        "type": str(_get(event, "type", "Type") or ""),
        "reason": str(_get(event, "reason", "Reason") or ""),
        "message": str(_get(event, "message", "Message", "note") or "")[:500],
        "involvedObject": {
            "kind": str(_get(involved, "kind", "Kind") or ""),
            "name": str(_get(involved, "name", "Name") or ""),
        },
        "metadata": {"namespace": str(_get(event, "Namespace") or meta.get("namespace", ""))},
        "count": _get(event, "count", "Count") or 1,
        "lastTimestamp": str(_get(event, "lastTimestamp", "Timestamp", "eventTime") or ""),
    }


class KubernetesSource(McpSource[KubernetesSourceConfig]):
    """Pods and events of the repository's namespace."""

    name = "kubernetes"

    async def gather(self, incident: Incident) -> SourceResult:
        """Pods (unhealthy first) and events (warnings first), both capped."""
        if (missing := self._no_server()) is not None:
            return missing
        namespace = self._config.repo_context(incident.repository).namespace
        namespace = namespace or split_repo(incident.repository)[1]
        result = SourceResult()
        found: dict[str, Any] = {}
        pods_res = await self._call(result, "pods_list_in_namespace", {"namespace": namespace})
        if pods_res is not None:
            pods = [compact_pod(p) for p in _load(pods_res.data)]
            pods.sort(key=pod_healthy)
            found["pods"] = pods[: self._cfg.max_pods]
        events_res = await self._call(result, "events_list", {"namespace": namespace})
        if events_res is not None:
            events = [compact_event(e) for e in _load(events_res.data)]
            events.sort(key=lambda e: e["type"] != "Warning")
            found["events"] = events[: self._cfg.max_events]
        if found:
            result.fields["kubernetes"] = {"namespace": namespace, **found}
        return result


__all__ = ["KubernetesSource", "compact_event", "compact_pod", "pod_healthy"]
