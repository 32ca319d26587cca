"""Helpers every source shares: repository names, failure windows, template values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from healer_agent.context.config import RepoContext
from healer_agent.models import Incident


def split_repo(repository: str) -> tuple[str, str]:
    """``owner/name`` -> (owner, name); anything else -> ("", repository)."""
    owner, _, name = repository.partition("/")
    return (owner, name) if name else ("", repository)


def failure_window(incident: Incident, before_s: int, after_s: int) -> tuple[datetime, datetime]:
    """[occurred_at - before, occurred_at + after], clipped to now (UTC, aware)."""
    now = datetime.now(UTC)
    at = incident.occurred_at or now
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    end = min(at + timedelta(seconds=after_s), now)
    return at - timedelta(seconds=before_s), max(end, at - timedelta(seconds=before_s - 1))


def rfc3339(moment: datetime) -> str:
    """``2026-11-24T10:00:00Z`` (what the Prometheus and Grafana servers accept)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def template_values(incident: Incident, repo_ctx: RepoContext, app: str = "") -> dict[str, str]:
    """Values for ``{{name}}`` placeholders in configured PromQL/LogQL."""
    owner, name = split_repo(incident.repository)
    return {
        "repository": incident.repository,
        "owner": owner,
        "repo": name,
        "branch": incident.branch,
        "namespace": repo_ctx.namespace or name,
        "app": app or repo_ctx.app or (repo_ctx.argocd_apps[0] if repo_ctx.argocd_apps else name),
        "sha": incident.head_sha,
    }



__all__ = ["failure_window", "rfc3339", "split_repo", "template_values"]
