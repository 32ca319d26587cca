"""Reading GitHub payload fields (pure): typed getters that note what is missing.

Shared by the event readers (CI events, alerts, loop events) so a missing field is named
the same way everywhere and becomes one ``PayloadError`` (a 422 naming the fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeGuard

from healer_agent.models import FailedStep, Incident

FAILED_CONCLUSIONS = frozenset({"failure", "timed_out"})
SECURITY_EVENTS = frozenset(
    {
        "dependabot_alert",
        "code_scanning_alert",
        "secret_scanning_alert",
        "repository_vulnerability_alert",
    }
)
SECURITY_ACTIONS = frozenset(
    {
        "created",
        "reopened",
        "reintroduced",
        "create",
        "reopen",
        "auto_reopened",
        "publicly_leaked",
        "appeared_in_branch",
    }
)
ALERT_FIXED = frozenset({"fixed", "resolved"})
"""Alert actions that mean the vulnerability or secret is gone (a remediation worked)."""
ACTIONS_APP = "github-actions"
"""The check suites and runs of GitHub Actions, which ``workflow_run``/``workflow_job``
already report (with logs and a run id)."""
SKIP_MARKERS = ("[skip-healer]", "[healer skip]", "[skip-ci-remediation]")


class PayloadError(ValueError):
    """The payload lacks fields its event type requires; ``fields`` names them."""

    def __init__(self, message: str, fields: list[str]) -> None:
        super().__init__(message)
        self.fields = fields


def skip_marker(message: str) -> str | None:
    """The skip marker a commit message carries, if any (case-insensitive)."""
    lowered = message.lower()
    return next((m for m in SKIP_MARKERS if m in lowered), None)


def is_mapping(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """``isinstance(value, Mapping)``, without the ABC check for the JSON decoder's dicts.

    Unwrapping and sniffing a sensor body ask it of a dozen values a request, most of them
    absent or plain dicts, and each ABC check cost more than the rest of their loops.
    """
    return type(value) is dict or (value is not None and isinstance(value, Mapping))


def obj_at(data: Mapping[str, Any], key: str, path: str, missing: list[str]) -> Mapping[str, Any]:
    """The mapping under ``key``; a missing one is noted as ``<path><key>`` and read as empty."""
    value = data.get(key)
    if not isinstance(value, Mapping):
        missing.append(f"{path}{key}")
        return {}
    return value


def str_at(data: Mapping[str, Any], key: str, default: str = "") -> str:
    """The string under ``key``, or ``default`` when absent or not a string."""
    value = data.get(key)
    return value if isinstance(value, str) else default


def int_at(data: Mapping[str, Any], key: str) -> int | None:
    """The integer under ``key`` (digit strings count; booleans do not), else ``None``."""
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def time_of(value: Any) -> datetime | None:
    """An ISO-8601 timestamp (GitHub's ``Z`` suffix included), else ``None``."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def repo_of(payload: Mapping[str, Any], missing: list[str]) -> str:
    """``owner/name`` of the payload's repository; noting what is missing."""
    repo = obj_at(payload, "repository", "", missing)
    name = str_at(repo, "full_name")
    if not name and repo:
        missing.append("repository.full_name")
    return name


def sender_of(payload: Mapping[str, Any]) -> tuple[str, bool]:
    """The sender's login and whether it is a bot (loop guard and authorisation need both)."""
    sender = payload.get("sender")
    if not isinstance(sender, Mapping):
        return "", False
    login = str_at(sender, "login")
    return login, login.endswith("[bot]") or str_at(sender, "type") == "Bot"


def require_fields(missing: list[str], event: str) -> None:
    """Raise one ``PayloadError`` naming every missing field, so a 422 lists them all."""
    if missing:
        raise PayloadError(f"{event} payload is missing {', '.join(missing)}", missing)


def ignored(event: str, repo: str, reason: str, action: str | None) -> Incident:
    """An incident Healer only counts, with the reason it does not act."""
    return Incident(
        kind="ignored",
        event_type=event,
        action=action,
        repository=repo or "-",
        run_key=f"ignored:{event}",
        lifecycle={"reason": reason},
    )


def steps_of(job: Mapping[str, Any]) -> tuple[FailedStep, ...]:
    """The failed steps of a job, which the log excerpt and the prompt point at."""
    steps = job.get("steps")
    if not isinstance(steps, list):
        return ()
    return tuple(
        FailedStep(
            job_id=int_at(job, "id"),
            job_name=str_at(job, "name"),
            number=int_at(s, "number"),
            name=str_at(s, "name"),
            conclusion=s.get("conclusion"),
        )
        for s in steps
        if isinstance(s, Mapping) and s.get("conclusion") in FAILED_CONCLUSIONS
    )


def pr_numbers_of(items: Any) -> tuple[int, ...]:
    """The pull-request numbers of a ``pull_requests`` list, skipping malformed entries."""
    if not isinstance(items, list):
        return ()
    return tuple(n for p in items if isinstance(p, Mapping) and (n := int_at(p, "number")))


def run_key_of(repo: str, run_id: int, attempt: int) -> str:
    """The key every job of a run attempt shares: one incident per failed attempt."""
    return f"{repo}#run:{run_id}:{attempt}"
