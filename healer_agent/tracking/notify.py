"""Telling people: a comment and a label on GitHub, and a Slack-compatible webhook.

Each channel is best effort with a timeout; what happened on each is returned and stored
with the escalation, so a failed notification is visible rather than silent. The HTTP
client belongs to the application's lifespan: one pool of connections for every call; GitHub
calls go through the same REST client the context sources use.
"""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from healer_agent.config import GitHubSettings, NotifySettings
from healer_agent.context.github_rest import GitHubRest, GitHubRestError
from healer_agent.models import Incident

log = structlog.get_logger("healer.notify")
LABEL = "healer-escalated"
TIMEOUT_S = 10.0


class Notifier:
    """Posts escalations and ChatOps replies."""

    def __init__(
        self, github: GitHubSettings, notify: NotifySettings, client: httpx.AsyncClient
    ) -> None:
        self._github = github
        self._notify = notify
        self._client = client
        token = github.token.get_secret_value() if github.token else None
        self._rest = GitHubRest(github.api_url, token, timeout_s=TIMEOUT_S, client=client)

    async def comment(self, incident: Incident, body: str) -> str:
        """Comment on the PR (or the commit); returns what happened."""
        if self._github.token is None:
            return "skipped: no HEALER_GITHUB__TOKEN"
        repo = incident.repository
        if incident.pr_numbers:
            path = f"/repos/{repo}/issues/{incident.pr_numbers[0]}/comments"
        elif incident.head_sha:
            path = f"/repos/{repo}/commits/{incident.head_sha}/comments"
        else:
            return "skipped: no PR or commit to comment on"
        try:
            response = await self._rest.request("POST", path, json={"body": body})
        except GitHubRestError as exc:
            return f"error: {_cause(exc)}"
        return f"{response.status_code}"

    async def label(self, incident: Incident) -> str:
        """Add the escalation label to the PR."""
        if self._github.token is None or not incident.pr_numbers:
            return "skipped"
        try:
            response = await self._rest.request(
                "POST",
                f"/repos/{incident.repository}/issues/{incident.pr_numbers[0]}/labels",
                json={"labels": [LABEL]},
            )
        except GitHubRestError as exc:
            return f"error: {_cause(exc)}"
        return f"{response.status_code}"

    async def webhook(self, text: str) -> str:
        """A Slack-compatible ``{"text": ...}`` notification."""
        url = self._notify.webhook_url
        if url is None:
            return "skipped"
        try:
            response = await self._client.post(
                url.get_secret_value(), json={"text": text}, timeout=TIMEOUT_S
            )
        except httpx.HTTPError as exc:
            return f"error: {type(exc).__name__}"
        return f"{response.status_code}"

    async def permission(self, repository: str, user: str) -> str:
        """The user's legacy role on the repository (admin, write, read, none)."""
        if self._github.token is None:
            return "unknown (no HEALER_GITHUB__TOKEN to check)"
        try:
            response = await self._rest.request(
                "GET", f"/repos/{repository}/collaborators/{user}/permission"
            )
        except GitHubRestError as exc:
            return f"unknown ({_cause(exc)})"
        if response.status_code != 200:
            return f"unknown (HTTP {response.status_code})"
        return str(response.json().get("permission", "none"))

    async def escalate(self, incident: Incident, message: str) -> dict[str, Any]:
        """Every channel; the result per channel."""
        channels = {
            "comment": await self.comment(incident, message),
            "label": await self.label(incident),
            "webhook": await self.webhook(message),
        }
        log.warning(
            "remediation.escalated",
            repository=incident.repository,
            branch=incident.branch,
            run_key=incident.run_key,
            channels=channels,
        )
        return channels


def _cause(exc: GitHubRestError) -> str:
    """The transport error's name (``ConnectError``, ``ReadTimeout``) a channel reports."""
    return type(exc.__cause__ or exc).__name__
