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
    """A small async GitHub REST client: the headers, API version and errors in one place.

    It uses the given ``client`` (the application's, one connection pool for every call) or
    owns one. Credentials go on each request, never on the client, so the same client can
    fetch pre-signed redirect targets without them.
    """

    def __init__(
        self,
        api_url: str,
        token: str | None,
        *,
        timeout_s: float = 20.0,
        transport: httpx.AsyncBaseTransport | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._base = api_url.rstrip("/")
        self._timeout = timeout_s
        self._headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "healer-agent",
        }
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._owned = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout_s, transport=transport)

    async def request(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        """One call to the API (no redirects followed); transport errors raise."""
        try:
            return await self._client.request(
                method,
                self._base + path,
                json=json,
                params=params,
                headers=self._headers,
                timeout=self._timeout,
                follow_redirects=False,
            )
        except httpx.HTTPError as exc:
            raise GitHubRestError(f"{method} {path}: {type(exc).__name__}: {exc}") from exc

    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``path`` (relative to the API URL) and decode JSON."""
        resp = await self.request("GET", path, params=params)
        if resp.status_code != 200:
            raise GitHubRestError(f"GET {path}: HTTP {resp.status_code}")
        return resp.json()

    async def job_log(self, owner: str, repo: str, job_id: int) -> str:
        """A job's plain-text log, following the 302 without the token."""
        path = f"/repos/{owner}/{repo}/actions/jobs/{job_id}/logs"
        resp = await self.request("GET", path)
        if resp.status_code in _REDIRECTS:
            location = resp.headers.get("location", "")
            if not location.startswith(("https://", "http://")):
                raise GitHubRestError(f"GET {path}: bad redirect {location[:80]!r}")
            try:  # no Authorization header: the token never reaches the storage host
                resp = await self._client.get(
                    location,
                    headers={"User-Agent": "healer-agent"},
                    timeout=self._timeout,
                    follow_redirects=True,
                )
            except httpx.HTTPError as exc:
                raise GitHubRestError(f"GET {path}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise GitHubRestError(f"GET {path}: HTTP {resp.status_code}")
        return resp.text

    async def aclose(self) -> None:
        """Close the client if it is this object's own."""
        if self._owned:
            await self._client.aclose()


__all__ = ["GitHubRest", "GitHubRestError"]
