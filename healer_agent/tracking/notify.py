"""Telling people: a comment and a label on GitHub, and a Slack-compatible webhook.

Each channel is best effort with a timeout; what happened on each is returned and stored
with the escalation, so a failed notification is visible rather than silent.
"""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from healer_agent.config import Settings
from healer_agent.models import Incident

log = structlog.get_logger("healer.notify")
LABEL = "healer-escalated"


class Notifier:
    """Posts escalations and ChatOps replies."""

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None
                 ) -> None:
        self.settings = settings
        self._transport = transport

    def _client(self) -> httpx.AsyncClient:
        headers = {"Accept": "application/vnd.github+json",
                   "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "healer"}
        if self.settings.github.token is not None:
            headers["Authorization"] = f"Bearer {self.settings.github.token.get_secret_value()}"
        return httpx.AsyncClient(base_url=self.settings.github.api_url, headers=headers,
                                 timeout=10.0, transport=self._transport)

    async def comment(self, incident: Incident, body: str) -> str:
        """Comment on the PR (or the commit); returns what happened."""
        if self.settings.github.token is None:
            return "skipped: no HEALER_GITHUB__TOKEN"
        repo = incident.repository
        if incident.pr_numbers:
            path = f"/repos/{repo}/issues/{incident.pr_numbers[0]}/comments"
        elif incident.head_sha:
            path = f"/repos/{repo}/commits/{incident.head_sha}/comments"
        else:
            return "skipped: no PR or commit to comment on"
        try:
            async with self._client() as client:
                response = await client.post(path, json={"body": body})
        except httpx.HTTPError as exc:
            return f"error: {type(exc).__name__}"
        return f"{response.status_code}"

    async def label(self, incident: Incident) -> str:
        """Add the escalation label to the PR."""
        if self.settings.github.token is None or not incident.pr_numbers:
            return "skipped"
        try:
            async with self._client() as client:
                response = await client.post(
                    f"/repos/{incident.repository}/issues/{incident.pr_numbers[0]}/labels",
                    json={"labels": [LABEL]})
        except httpx.HTTPError as exc:
            return f"error: {type(exc).__name__}"
        return f"{response.status_code}"

    async def webhook(self, text: str) -> str:
        """A Slack-compatible ``{"text": ...}`` notification."""
        url = self.settings.notify.webhook_url
        if not url:
            return "skipped"
        try:
            async with httpx.AsyncClient(timeout=10.0, transport=self._transport) as client:
                response = await client.post(url.get_secret_value(), json={"text": text})
        except httpx.HTTPError as exc:
            return f"error: {type(exc).__name__}"
        return f"{response.status_code}"

    async def permission(self, repository: str, user: str) -> str:
        """The user's legacy role on the repository (admin, write, read, none)."""
        if self.settings.github.token is None:
            return "unknown (no HEALER_GITHUB__TOKEN to check)"
        try:
            async with self._client() as client:
                response = await client.get(
                    f"/repos/{repository}/collaborators/{user}/permission")
        except httpx.HTTPError as exc:
            return f"unknown ({type(exc).__name__})"
        if response.status_code != 200:
            return f"unknown (HTTP {response.status_code})"
        return str(response.json().get("permission", "none"))

    async def escalate(self, incident: Incident, message: str) -> dict[str, Any]:
        """Every channel; the result per channel."""
        channels = {"comment": await self.comment(incident, message),
                    "label": await self.label(incident),
                    "webhook": await self.webhook(message)}
        log.warning("remediation.escalated", repository=incident.repository,
                    branch=incident.branch, run_key=incident.run_key, channels=channels)
        return channels

