"""Argo CD: sync and health of the applications deployed from the failing repository.

Apps come from the repository's ``argocd_apps`` in config and, when ``match_repo_url`` is on,
from ``list_applications`` filtered on ``spec.source(s).repoURL``. Backend error bodies that
argocd-mcp returns as successful text arrive here as ``ToolError(error_json)`` (the server's
``error_json_keys``), so a 404 app becomes a note, not an app with empty status.
"""

from __future__ import annotations

import asyncio
from typing import Any

from healer_agent.context.config import ArgoSourceConfig
from healer_agent.context.protocols import SourceResult
from healer_agent.context.replay import argo_app
from healer_agent.context.sources._common import McpSource
from healer_agent.models import ArgoApp, Incident


def repo_url_matches(url: str, repository: str) -> bool:
    """Whether a git URL (https, ssh, with or without ``.git``) points at ``owner/name``."""
    path = url.strip().lower().removesuffix("/").removesuffix(".git")
    target = repository.lower()
    return path.endswith("/" + target) or path.endswith(":" + target) or path == target


def _sources(app: dict[str, Any]) -> list[dict[str, Any]]:
    spec = app.get("spec") or {}
    found = [spec.get("source"), *(spec.get("sources") or [])]
    return [s for s in found if isinstance(s, dict)]


class ArgoCDSource(McpSource[ArgoSourceConfig]):
    """Argo CD applications for one incident."""

    name = "argocd"

    async def gather(self, incident: Incident) -> SourceResult:
        """Named and repo-matched apps, each with details from ``get_application``."""
        if (missing := self._no_server()) is not None:
            return missing
        result = SourceResult()
        names = list(self._config.repo_context(incident.repository).argocd_apps)
        if self._cfg.match_repo_url:
            listed = await self._call(result, "list_applications", {})
            data = listed.data if listed is not None else None
            items = data.get("items") if isinstance(data, dict) else data
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                urls = [str(s.get("repoURL", "")) for s in _sources(item)]
                name = str((item.get("metadata") or {}).get("name", ""))
                if (
                    name
                    and name not in names
                    and any(repo_url_matches(u, incident.repository) for u in urls)
                ):
                    names.append(name)
        if not names:
            if not result.errors:
                result.notes.append("no Argo CD application for this repository")
            return result
        apps = await asyncio.gather(*(self._app(result, n) for n in names[: self._cfg.max_apps]))
        found = tuple(a for a in apps if a is not None)
        if found:
            result.fields["argocd"] = found
        return result

    async def _app(self, result: SourceResult, name: str) -> ArgoApp | None:
        res = await self._call(result, "get_application", {"applicationName": name})
        if res is None:
            return None
        if not isinstance(res.data, dict):
            result.errors.append(f"get_application {name}: not JSON")
            return None
        return argo_app(res.data)


__all__ = ["ArgoCDSource", "repo_url_matches"]
