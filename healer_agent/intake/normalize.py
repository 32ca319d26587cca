"""Turn any supported payload into one ``Incident`` (pure: no I/O, no clock).

Each GitHub event has its own reader; the run key they produce is shared where they
describe the same failure (every job of a run and the run itself map to
``<repo>#run:<run_id>:<attempt>``), which is what makes one incident per failure.
A payload Healer only counts becomes an ``Incident`` of kind ``ignored`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from healer_agent.intake.alerts import security_alert
from healer_agent.intake.fields import (
    ACTIONS_APP,
    FAILED_CONCLUSIONS,
    SECURITY_EVENTS,
    PayloadError,
    ignored,
    int_at,
    is_mapping,
    obj_at,
    pr_numbers_of,
    repo_of,
    require_fields,
    run_key_of,
    sender_of,
    steps_of,
    str_at,
    time_of,
)
from healer_agent.intake.loop_events import issue_comment, pull_request, pull_request_review, push
from healer_agent.models import ChatCommand, Incident

MAX_CHECK_OUTPUT = 8_000
"""A check run's output kept for routing: its title and summary say why it failed; a long
text (a report) is cut, since the log tools read the rest."""

__all__ = ["SUPPORTED_EVENTS", "PayloadError", "normalize", "sniff_event"]


def workflow_job(payload: Mapping[str, Any]) -> Incident:
    """A job finished; the primary CI signal (one per failed job)."""
    missing: list[str] = []
    repo = repo_of(payload, missing)
    job = obj_at(payload, "workflow_job", "", missing)
    run_id = int_at(job, "run_id")
    if "workflow_job" not in missing and run_id is None:
        missing.append("workflow_job.run_id")
    require_fields(missing, "workflow_job")
    assert run_id is not None
    action = str_at(payload, "action") or None
    conclusion = job.get("conclusion")
    sender, is_bot = sender_of(payload)
    attempt = int_at(job, "run_attempt") or 1
    kind = "ci_failure" if conclusion in FAILED_CONCLUSIONS else "lifecycle"
    if action not in (None, "completed"):
        return ignored("workflow_job", repo, f"action {action} is not completed", action)
    job_id = int_at(job, "id")
    return Incident(
        kind=kind,
        event_type="workflow_job",
        action=action,
        repository=repo,
        run_key=run_key_of(repo, run_id, attempt),
        run_id=run_id,
        run_attempt=attempt,
        job_ids=(job_id,) if job_id else (),
        job_names=(str_at(job, "name"),),
        workflow_name=str_at(job, "workflow_name"),
        branch=str_at(job, "head_branch"),
        head_sha=str_at(job, "head_sha"),
        html_url=str_at(job, "html_url"),
        conclusion=conclusion if isinstance(conclusion, str) else None,
        sender=sender,
        sender_is_bot=is_bot,
        failed_steps=steps_of(job),
        check_run_id=job_id,
        occurred_at=time_of(job.get("completed_at")),
        lifecycle={"conclusion": conclusion} if kind == "lifecycle" else {},
    )


def workflow_run(payload: Mapping[str, Any], *, source: str = "github") -> Incident:
    """A whole run finished (also the shape of the design's sensor body)."""
    missing: list[str] = []
    repo = repo_of(payload, missing)
    run = obj_at(payload, "workflow_run", "", missing)
    run_id = int_at(run, "id")
    if "workflow_run" not in missing and run_id is None:
        missing.append("workflow_run.id")
    require_fields(missing, "workflow_run")
    assert run_id is not None
    action = str_at(payload, "action") or None
    if action not in (None, "completed"):
        return ignored("workflow_run", repo, f"action {action} is not completed", action)
    conclusion = run.get("conclusion")
    head_commit = run.get("head_commit")
    message = str_at(head_commit, "message") if isinstance(head_commit, Mapping) else ""
    sender, is_bot = sender_of(payload)
    actor = run.get("actor")
    if not sender and isinstance(actor, Mapping):
        sender = str_at(actor, "login")
        is_bot = sender.endswith("[bot]")
    attempt = int_at(run, "run_attempt") or 1
    kind = "ci_failure" if conclusion in FAILED_CONCLUSIONS else "lifecycle"
    return Incident(
        kind=kind,
        event_type="workflow_run",
        action=action,
        source="sensor" if source == "sensor" else "github",
        repository=repo,
        run_key=run_key_of(repo, run_id, attempt),
        run_id=run_id,
        run_attempt=attempt,
        workflow_name=str_at(run, "name"),
        workflow_path=str_at(run, "path") or None,
        branch=str_at(run, "head_branch"),
        head_sha=str_at(run, "head_sha"),
        commit_message=message,
        html_url=str_at(run, "html_url"),
        conclusion=conclusion if isinstance(conclusion, str) else None,
        sender=sender,
        sender_is_bot=is_bot,
        pr_numbers=pr_numbers_of(run.get("pull_requests")),
        occurred_at=time_of(run.get("updated_at")),
        lifecycle={"conclusion": conclusion} if kind == "lifecycle" else {},
    )


def check_run(payload: Mapping[str, Any]) -> Incident:
    """A check finished, or someone pressed its "remediate" button."""
    missing: list[str] = []
    repo = repo_of(payload, missing)
    check = obj_at(payload, "check_run", "", missing)
    check_id = int_at(check, "id")
    if "check_run" not in missing and check_id is None:
        missing.append("check_run.id")
    require_fields(missing, "check_run")
    assert check_id is not None
    action = str_at(payload, "action") or None
    suite = check.get("check_suite") if isinstance(check.get("check_suite"), Mapping) else {}
    assert isinstance(suite, Mapping)
    sender, is_bot = sender_of(payload)
    head_sha = str_at(check, "head_sha") or str_at(suite, "head_sha")
    branch = str_at(suite, "head_branch")
    output = check.get("output") if isinstance(check.get("output"), Mapping) else {}
    assert isinstance(output, Mapping)
    common: dict[str, Any] = dict(
        event_type="check_run",
        action=action,
        repository=repo,
        job_names=(str_at(check, "name"),),
        workflow_name=str_at(check, "name"),
        branch=branch,
        head_sha=head_sha,
        html_url=str_at(check, "html_url"),
        sender=sender,
        sender_is_bot=is_bot,
        pr_numbers=pr_numbers_of(check.get("pull_requests")),
        check_run_id=check_id,
        annotations_count=int_at(output, "annotations_count") or 0,
        check_output="\n".join(
            text for key in ("title", "summary", "text") if (text := str_at(output, key))
        )[:MAX_CHECK_OUTPUT],
        occurred_at=time_of(check.get("completed_at")),
    )
    if action == "requested_action":
        requested = payload.get("requested_action")
        identifier = str_at(requested, "identifier") if isinstance(requested, Mapping) else ""
        return Incident(
            kind="command",
            run_key=f"{repo}#check:{check_id}:action",
            command=ChatCommand(verb="remediate", author=sender, author_association="NONE"),
            lifecycle={
                "identifier": identifier,
                "external_id": str_at(check, "external_id"),
                "completed_at": str_at(check, "completed_at"),
            },
            **common,
        )
    if action not in (None, "completed"):
        return ignored("check_run", repo, f"action {action} is not completed", action)
    conclusion = check.get("conclusion")
    kind = "ci_failure" if conclusion in FAILED_CONCLUSIONS else "lifecycle"
    return Incident(
        kind=kind,
        run_key=f"{repo}#check:{check_id}",
        conclusion=conclusion if isinstance(conclusion, str) else None,
        lifecycle={"conclusion": conclusion} if kind == "lifecycle" else {},
        **common,
    )


def check_suite(payload: Mapping[str, Any]) -> Incident:
    """A whole suite finished.

    A failed suite of an app other than GitHub Actions (external CI reporting through the
    Checks API) is a failure to remediate; Actions suites are reported by their runs and
    jobs, so those only close the loop.
    """
    missing: list[str] = []
    repo = repo_of(payload, missing)
    suite = obj_at(payload, "check_suite", "", missing)
    require_fields(missing, "check_suite")
    action = str_at(payload, "action") or None
    conclusion = suite.get("conclusion")
    app = suite.get("app") if isinstance(suite.get("app"), Mapping) else {}
    assert isinstance(app, Mapping)
    app_name = str_at(app, "name") or str_at(app, "slug")
    head_commit = suite.get("head_commit")
    message = str_at(head_commit, "message") if isinstance(head_commit, Mapping) else ""
    sender, is_bot = sender_of(payload)
    failed = (
        action in (None, "completed")
        and conclusion in FAILED_CONCLUSIONS
        and str_at(app, "slug") != ACTIONS_APP
    )
    return Incident(
        kind="ci_failure" if failed else "lifecycle",
        event_type="check_suite",
        action=action,
        repository=repo,
        run_key=f"{repo}#suite:{int_at(suite, 'id')}",
        workflow_name=app_name,
        job_names=(app_name,) if app_name else (),
        branch=str_at(suite, "head_branch"),
        head_sha=str_at(suite, "head_sha"),
        commit_message=message,
        sender=sender,
        sender_is_bot=is_bot,
        pr_numbers=pr_numbers_of(suite.get("pull_requests")),
        conclusion=conclusion if isinstance(conclusion, str) else None,
        occurred_at=time_of(suite.get("updated_at")),
        lifecycle={} if failed else {"conclusion": conclusion},
    )


def status(payload: Mapping[str, Any]) -> Incident:
    """A commit status from external CI; ``failure``/``error`` is a failure."""
    missing: list[str] = []
    repo = repo_of(payload, missing)
    sha = str_at(payload, "sha")
    if not sha:
        missing.append("sha")
    require_fields(missing, "status")
    state = str_at(payload, "state")
    branches = payload.get("branches")
    branch = ""
    if isinstance(branches, list) and branches and isinstance(branches[0], Mapping):
        branch = str_at(branches[0], "name")
    sender, is_bot = sender_of(payload)
    commit = payload.get("commit")
    message = ""
    if isinstance(commit, Mapping) and isinstance(commit.get("commit"), Mapping):
        message = str_at(commit["commit"], "message")
    failed = state in ("failure", "error")
    context = str_at(payload, "context")
    return Incident(
        kind="ci_failure" if failed else "lifecycle",
        event_type="status",
        repository=repo,
        run_key=f"{repo}#status:{sha}:{context}",
        workflow_name=context,
        job_names=(context,),
        branch=branch,
        head_sha=sha,
        commit_message=message,
        html_url=str_at(payload, "target_url"),
        conclusion="failure" if failed else state,
        sender=sender,
        sender_is_bot=is_bot,
        lifecycle={} if failed else {"conclusion": state},
    )


_READERS: dict[str, Callable[[Mapping[str, Any]], Incident]] = {
    "workflow_job": workflow_job,
    "workflow_run": workflow_run,
    "check_run": check_run,
    "check_suite": check_suite,
    "status": status,
    "issue_comment": issue_comment,
    "pull_request": pull_request,
    "pull_request_review": pull_request_review,
    "push": push,
}

SUPPORTED_EVENTS = frozenset(_READERS) | SECURITY_EVENTS | {"ping"}


def normalize(event: str, payload: Mapping[str, Any]) -> Incident:
    """Normalise a GitHub event body; unknown events come back as ``ignored``."""
    if event in SECURITY_EVENTS:
        return security_alert(event, payload)
    reader = _READERS.get(event)
    if reader is None:
        repo = payload.get("repository")
        name = str_at(repo, "full_name") if isinstance(repo, Mapping) else ""
        return ignored(event, name, f"event {event} is not handled", str_at(payload, "action"))
    return reader(payload)


def sniff_event(payload: Mapping[str, Any]) -> str | None:
    """Guess the event type of a body that came without its header (the sensor's)."""
    for key in ("workflow_job", "workflow_run", "check_run", "check_suite"):
        if is_mapping(payload.get(key)):
            return key
    if is_mapping(payload.get("alert")):
        alert = payload["alert"]
        if "secret_type" in alert:
            return "secret_scanning_alert"
        if "rule" in alert or "tool" in alert:
            return "code_scanning_alert"
        if "affected_package_name" in alert:
            return "repository_vulnerability_alert"
        return "dependabot_alert"
    if isinstance(payload.get("comment"), Mapping) and isinstance(payload.get("issue"), Mapping):
        return "issue_comment"
    if "state" in payload and "sha" in payload and "context" in payload:
        return "status"
    return None
