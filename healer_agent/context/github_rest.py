"""GitHub REST for what the configured GitHub MCP server lacks.

GitHub's own github-mcp-server (the shipped one) has the Actions tools (``get_job_logs``,
``list_workflow_jobs``) and ``get_commit``; it has no check-run annotations, so those come
from REST with the same token, as does everything when no GitHub MCP server is configured
or it is down (job logs and steps, PRs for a commit, the compare API for a push).

Job logs: ``GET /repos/{o}/{r}/actions/jobs/{id}/logs`` answers 302 to a pre-signed URL that
expires after a minute. The redirect is followed by hand with a client that has no
``Authorization`` header: the token must never reach the storage host.
"""

from __future__ import annotations

from typing import Any

import httpx

_REDIRECTS = {301, 302, 303, 307, 308}


class GitHubRestError(Exception):
    """A REST call failed (status or transport)."""


class GitHubRest:
    """A small async GitHub REST client (injectable transport for tests)."""

    def __init__(
        self,
        api_url: str,
        token: str | None,
        *,
        timeout_s: float = 20.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "healer-agent",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._api = httpx.AsyncClient(
            base_url=api_url.rstrip("/"),
            headers=headers,
            timeout=timeout_s,
            transport=transport,
            follow_redirects=False,
        )
        # No auth header, ever: this client only fetches pre-signed redirect targets.
        self._plain = httpx.AsyncClient(
            timeout=timeout_s,
            transport=transport,
            follow_redirects=True,
            headers={"User-Agent": "healer-agent"},
        )

    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``path`` (relative to the API URL) and decode JSON."""
        try:
            resp = await self._api.get(path, params=params)
        except httpx.HTTPError as exc:
            raise GitHubRestError(f"GET {path}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise GitHubRestError(f"GET {path}: HTTP {resp.status_code}")
        return resp.json()

    async def job_log(self, owner: str, repo: str, job_id: int) -> str:
        """A job's plain-text log, following the 302 without the token."""
        path = f"/repos/{owner}/{repo}/actions/jobs/{job_id}/logs"
        try:
            resp = await self._api.get(path)
            if resp.status_code in _REDIRECTS:
                location = resp.headers.get("location", "")
                if not location.startswith(("https://", "http://")):
                    raise GitHubRestError(f"GET {path}: bad redirect {location[:80]!r}")
                resp = await self._plain.get(location)
        except httpx.HTTPError as exc:
            raise GitHubRestError(f"GET {path}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise GitHubRestError(f"GET {path}: HTTP {resp.status_code}")
        return resp.text

    async def aclose(self) -> None:
        """Close both HTTP clients."""
        await self._api.aclose()
        await self._plain.aclose()


__all__ = ["GitHubRest", "GitHubRestError"]
