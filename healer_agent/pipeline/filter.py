"""Which incidents Healer acts on (pure). A filtered event is answered ``skipped``.

``[skip-healer]`` is read from the commit message when the event has one; ``workflow_job``
events carry none, so the dispatcher checks the head commit again once it is known (a push
of that commit, another event of the run, or the context's commit).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from healer_agent.intake.fields import SKIP_MARKERS, skip_marker
from healer_agent.models import Incident


def repo_allowed(repository: str, allowlist: tuple[str, ...]) -> bool:
    """Empty allowlist means every repository; entries may use ``owner/*`` globs."""
    if not allowlist:
        return True
    name = repository.lower()
    return any(fnmatchcase(name, pattern.lower()) for pattern in allowlist)


def skip_reason(
    incident: Incident, allowlist: tuple[str, ...] = (), process_bots: bool = False
) -> str | None:
    """Why Healer should not remediate this incident, or None to go on."""
    if incident.kind == "ignored":
        return str(incident.lifecycle.get("reason", "event not handled"))
    if not repo_allowed(incident.repository, allowlist):
        return f"repository {incident.repository} is not in the allowlist"
    if incident.kind == "lifecycle":
        return "lifecycle event recorded for tracking"
    marker = skip_marker(incident.commit_message)
    if marker is not None:
        return f"commit message contains {marker}"
    if incident.kind == "ci_failure" and incident.sender_is_bot and not process_bots:
        return f"sender {incident.sender} is a bot"
    if incident.kind == "ci_failure" and incident.conclusion not in ("failure", "timed_out"):
        return f"conclusion {incident.conclusion} is not a failure"
    return None


__all__ = ["SKIP_MARKERS", "repo_allowed", "skip_reason"]
