"""Turn any supported payload into one ``Incident`` (pure: no I/O, no clock).

Each GitHub event has its own reader; the run key they produce is shared where they
describe the same failure (every job of a run and the run itself map to
``<repo>#run:<run_id>:<attempt>``), which is what makes one incident per failure.
A payload Healer only counts becomes an ``Incident`` of kind ``ignored`` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from healer_agent.models import Agent, ChatCommand, FailedStep, Incident, SecurityAlert

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
SKIP_MARKERS = ("[skip-healer]", "[healer skip]", "[skip-ci-remediation]")
ACTIONS_APP = "github-actions"
"""The check suites and runs of GitHub Actions, which ``workflow_run``/``workflow_job``
already report (with logs and a run id)."""
_COMMAND = re.compile(r"^\s*/healer\s+(fix|retry|status)\b\s*([a-z]+)?", re.IGNORECASE | re.M)


class PayloadError(ValueError):
    """The payload lacks fields its event type requires; ``fields`` names them."""

    def __init__(self, message: str, fields: list[str]) -> None:
        super().__init__(message)
        self.fields = fields


def skip_marker(message: str) -> str | None:
    """The skip marker a commit message carries, if any (case-insensitive)."""
    lowered = message.lower()
    return next((m for m in SKIP_MARKERS if m in lowered), None)


def _obj(data: Mapping[str, Any], key: str, path: str, missing: list[str]) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        missing.append(f"{path}{key}")
        return {}
    return value


def _str(data: Mapping[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    return value if isinstance(value, str) else default


def _int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _repo(payload: Mapping[str, Any], missing: list[str]) -> str:
    repo = _obj(payload, "repository", "", missing)
    name = _str(repo, "full_name")
    if not name and repo:
        missing.append("repository.full_name")
    return name


def _sender(payload: Mapping[str, Any]) -> tuple[str, bool]:
    sender = payload.get("sender")
    if not isinstance(sender, Mapping):
        return "", False
    login = _str(sender, "login")
    return login, login.endswith("[bot]") or _str(sender, "type") == "Bot"


def _check(missing: list[str], event: str) -> None:
    if missing:
        raise PayloadError(f"{event} payload is missing {', '.join(missing)}", missing)


def _ignored(event: str, repo: str, reason: str, action: str | None) -> Incident:
    return Incident(
        kind="ignored",
        event_type=event,
        action=action,
        repository=repo or "-",
        run_key=f"ignored:{event}",
        lifecycle={"reason": reason},
    )


def _steps(job: Mapping[str, Any]) -> tuple[FailedStep, ...]:
    steps = job.get("steps")
    if not isinstance(steps, list):
        return ()
    return tuple(
        FailedStep(
            job_id=_int(job, "id"),
            job_name=_str(job, "name"),
            number=_int(s, "number"),
            name=_str(s, "name"),
            conclusion=s.get("conclusion"),
        )
        for s in steps
        if isinstance(s, Mapping) and s.get("conclusion") in FAILED_CONCLUSIONS
    )


def _pr_numbers(items: Any) -> tuple[int, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(n for p in items if isinstance(p, Mapping) and (n := _int(p, "number")))


def _run_key(repo: str, run_id: int, attempt: int) -> str:
    return f"{repo}#run:{run_id}:{attempt}"


def workflow_job(payload: Mapping[str, Any]) -> Incident:
    """A job finished; the primary CI signal (one per failed job)."""
    missing: list[str] = []
    repo = _repo(payload, missing)
    job = _obj(payload, "workflow_job", "", missing)
    run_id = _int(job, "run_id")
    if "workflow_job" not in missing and run_id is None:
        missing.append("workflow_job.run_id")
    _check(missing, "workflow_job")
    assert run_id is not None
    action = _str(payload, "action") or None
    conclusion = job.get("conclusion")
    sender, is_bot = _sender(payload)
    attempt = _int(job, "run_attempt") or 1
    kind = "ci_failure" if conclusion in FAILED_CONCLUSIONS else "lifecycle"
    if action not in (None, "completed"):
        return _ignored("workflow_job", repo, f"action {action} is not completed", action)
    job_id = _int(job, "id")
    return Incident(
        kind=kind,
        event_type="workflow_job",
        action=action,
        repository=repo,
        run_key=_run_key(repo, run_id, attempt),
        run_id=run_id,
        run_attempt=attempt,
        job_ids=(job_id,) if job_id else (),
        job_names=(_str(job, "name"),),
        workflow_name=_str(job, "workflow_name"),
        branch=_str(job, "head_branch"),
        head_sha=_str(job, "head_sha"),
        html_url=_str(job, "html_url"),
        conclusion=conclusion if isinstance(conclusion, str) else None,
        sender=sender,
        sender_is_bot=is_bot,
        failed_steps=_steps(job),
        check_run_id=job_id,
        occurred_at=_time(job.get("completed_at")),
        lifecycle={"conclusion": conclusion} if kind == "lifecycle" else {},
    )


def workflow_run(payload: Mapping[str, Any], *, source: str = "github") -> Incident:
    """A whole run finished (also the shape of the design's sensor body)."""
    missing: list[str] = []
    repo = _repo(payload, missing)
    run = _obj(payload, "workflow_run", "", missing)
    run_id = _int(run, "id")
    if "workflow_run" not in missing and run_id is None:
        missing.append("workflow_run.id")
    _check(missing, "workflow_run")
    assert run_id is not None
    action = _str(payload, "action") or None
    if action not in (None, "completed"):
        return _ignored("workflow_run", repo, f"action {action} is not completed", action)
    conclusion = run.get("conclusion")
    head_commit = run.get("head_commit")
    message = _str(head_commit, "message") if isinstance(head_commit, Mapping) else ""
    sender, is_bot = _sender(payload)
    actor = run.get("actor")
    if not sender and isinstance(actor, Mapping):
        sender = _str(actor, "login")
        is_bot = sender.endswith("[bot]")
    attempt = _int(run, "run_attempt") or 1
    kind = "ci_failure" if conclusion in FAILED_CONCLUSIONS else "lifecycle"
    return Incident(
        kind=kind,
        event_type="workflow_run",
        action=action,
        source="sensor" if source == "sensor" else "github",
        repository=repo,
        run_key=_run_key(repo, run_id, attempt),
        run_id=run_id,
        run_attempt=attempt,
        workflow_name=_str(run, "name"),
        workflow_path=_str(run, "path") or None,
        branch=_str(run, "head_branch"),
        head_sha=_str(run, "head_sha"),
        commit_message=message,
        html_url=_str(run, "html_url"),
        conclusion=conclusion if isinstance(conclusion, str) else None,
        sender=sender,
        sender_is_bot=is_bot,
        pr_numbers=_pr_numbers(run.get("pull_requests")),
        occurred_at=_time(run.get("updated_at")),
        lifecycle={"conclusion": conclusion} if kind == "lifecycle" else {},
    )


def check_run(payload: Mapping[str, Any]) -> Incident:
    """A check finished, or someone pressed its "remediate" button."""
    missing: list[str] = []
    repo = _repo(payload, missing)
    check = _obj(payload, "check_run", "", missing)
    check_id = _int(check, "id")
    if "check_run" not in missing and check_id is None:
        missing.append("check_run.id")
    _check(missing, "check_run")
    assert check_id is not None
    action = _str(payload, "action") or None
    suite = check.get("check_suite") if isinstance(check.get("check_suite"), Mapping) else {}
    assert isinstance(suite, Mapping)
    sender, is_bot = _sender(payload)
    head_sha = _str(check, "head_sha") or _str(suite, "head_sha")
    branch = _str(suite, "head_branch")
    output = check.get("output") if isinstance(check.get("output"), Mapping) else {}
    assert isinstance(output, Mapping)
    common: dict[str, Any] = dict(
        event_type="check_run",
        action=action,
        repository=repo,
        job_names=(_str(check, "name"),),
        workflow_name=_str(check, "name"),
        branch=branch,
        head_sha=head_sha,
        html_url=_str(check, "html_url"),
        sender=sender,
        sender_is_bot=is_bot,
        pr_numbers=_pr_numbers(check.get("pull_requests")),
        check_run_id=check_id,
        annotations_count=_int(output, "annotations_count") or 0,
        occurred_at=_time(check.get("completed_at")),
    )
    if action == "requested_action":
        requested = payload.get("requested_action")
        identifier = _str(requested, "identifier") if isinstance(requested, Mapping) else ""
        return Incident(
            kind="command",
            run_key=f"{repo}#check:{check_id}:action",
            command=ChatCommand(verb="remediate", author=sender, author_association="NONE"),
            lifecycle={
                "identifier": identifier,
                "external_id": _str(check, "external_id"),
                "completed_at": _str(check, "completed_at"),
            },
            **common,
        )
    if action not in (None, "completed"):
        return _ignored("check_run", repo, f"action {action} is not completed", action)
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
    repo = _repo(payload, missing)
    suite = _obj(payload, "check_suite", "", missing)
    _check(missing, "check_suite")
    action = _str(payload, "action") or None
    conclusion = suite.get("conclusion")
    app = suite.get("app") if isinstance(suite.get("app"), Mapping) else {}
    assert isinstance(app, Mapping)
    app_name = _str(app, "name") or _str(app, "slug")
    head_commit = suite.get("head_commit")
    message = _str(head_commit, "message") if isinstance(head_commit, Mapping) else ""
    sender, is_bot = _sender(payload)
    failed = (
        action in (None, "completed")
        and conclusion in FAILED_CONCLUSIONS
        and _str(app, "slug") != ACTIONS_APP
    )
    return Incident(
        kind="ci_failure" if failed else "lifecycle",
        event_type="check_suite",
        action=action,
        repository=repo,
        run_key=f"{repo}#suite:{_int(suite, 'id')}",
        workflow_name=app_name,
        job_names=(app_name,) if app_name else (),
        branch=_str(suite, "head_branch"),
        head_sha=_str(suite, "head_sha"),
        commit_message=message,
        sender=sender,
        sender_is_bot=is_bot,
        pr_numbers=_pr_numbers(suite.get("pull_requests")),
        conclusion=conclusion if isinstance(conclusion, str) else None,
        occurred_at=_time(suite.get("updated_at")),
        lifecycle={} if failed else {"conclusion": conclusion},
    )


def status(payload: Mapping[str, Any]) -> Incident:
    """A commit status from external CI; ``failure``/``error`` is a failure."""
    missing: list[str] = []
    repo = _repo(payload, missing)
    sha = _str(payload, "sha")
    if not sha:
        missing.append("sha")
    _check(missing, "status")
    state = _str(payload, "state")
    branches = payload.get("branches")
    branch = ""
    if isinstance(branches, list) and branches and isinstance(branches[0], Mapping):
        branch = _str(branches[0], "name")
    sender, is_bot = _sender(payload)
    commit = payload.get("commit")
    message = ""
    if isinstance(commit, Mapping) and isinstance(commit.get("commit"), Mapping):
        message = _str(commit["commit"], "message")
    failed = state in ("failure", "error")
    context = _str(payload, "context")
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
        html_url=_str(payload, "target_url"),
        conclusion="failure" if failed else state,
        sender=sender,
        sender_is_bot=is_bot,
        lifecycle={} if failed else {"conclusion": state},
    )


def security_alert(event: str, payload: Mapping[str, Any]) -> Incident:
    """Dependabot, code-scanning, secret-scanning or legacy vulnerability alerts."""
    missing: list[str] = []
    repo = _repo(payload, missing)
    alert = _obj(payload, "alert", "", missing)
    _check(missing, event)
    action = _str(payload, "action") or None
    number = _int(alert, "number") or _int(alert, "id")
    advisory = (
        alert.get("security_advisory")
        if isinstance(alert.get("security_advisory"), Mapping)
        else {}
    )
    vuln = (
        alert.get("security_vulnerability")
        if isinstance(alert.get("security_vulnerability"), Mapping)
        else {}
    )
    dependency = alert.get("dependency") if isinstance(alert.get("dependency"), Mapping) else {}
    assert isinstance(advisory, Mapping) and isinstance(vuln, Mapping)
    assert isinstance(dependency, Mapping)
    package = dependency.get("package") if isinstance(dependency.get("package"), Mapping) else {}
    assert isinstance(package, Mapping)
    patched = vuln.get("first_patched_version")
    rule = alert.get("rule") if isinstance(alert.get("rule"), Mapping) else {}
    tool = alert.get("tool") if isinstance(alert.get("tool"), Mapping) else {}
    instance = (
        alert.get("most_recent_instance")
        if isinstance(alert.get("most_recent_instance"), Mapping)
        else {}
    )
    assert isinstance(rule, Mapping) and isinstance(tool, Mapping) and isinstance(instance, Mapping)
    location = instance.get("location") if isinstance(instance.get("location"), Mapping) else {}
    assert isinstance(location, Mapping)
    loc = ""
    if _str(location, "path"):
        loc = f"{_str(location, 'path')}:{_int(location, 'start_line') or ''}".rstrip(":")
    severity = (
        _str(advisory, "severity")
        or _str(vuln, "severity")
        or _str(alert, "severity")
        or _str(rule, "security_severity_level")
        or _str(rule, "severity")
        or ("critical" if event == "secret_scanning_alert" else "unknown")
    )
    summary = (
        _str(advisory, "summary")
        or _str(rule, "description")
        or _str(alert, "secret_type_display_name")
        or _str(alert, "secret_type")
    )
    info = SecurityAlert(
        alert_type=event,
        number=number,
        severity=severity,
        package_name=_str(package, "name") or _str(alert, "affected_package_name") or None,
        ecosystem=_str(package, "ecosystem") or None,
        manifest_path=_str(dependency, "manifest_path") or None,
        cve_id=_str(advisory, "cve_id") or _str(alert, "external_identifier") or None,
        ghsa_id=_str(advisory, "ghsa_id") or _str(alert, "ghsa_id") or None,
        vulnerable_range=_str(vuln, "vulnerable_version_range")
        or _str(alert, "affected_range")
        or None,
        patched_version=(_str(patched, "identifier") if isinstance(patched, Mapping) else None)
        or _str(alert, "fixed_in")
        or None,
        rule_id=_str(rule, "id") or None,
        tool=_str(tool, "name") or None,
        location=loc or None,
        secret_type=_str(alert, "secret_type") or None,
        summary=summary,
        html_url=_str(alert, "html_url") or None,
    )
    sender, is_bot = _sender(payload)
    ref = _str(payload, "ref") or _str(instance, "ref")
    branch = ref.removeprefix("refs/heads/") if ref else ""
    if action in ALERT_FIXED:  # closes the loop of the alert's remediation
        return Incident(
            kind="lifecycle",
            event_type=event,
            action=action,
            repository=repo,
            run_key=f"{repo}#alert:{event}:{number}",
            branch=branch,
            sender=sender,
            sender_is_bot=is_bot,
            alert=info,
            lifecycle={"alert_fixed": True},
        )
    if action is not None and action not in SECURITY_ACTIONS:
        return _ignored(event, repo, f"{event} action {action} needs no remediation", action)
    return Incident(
        kind="security_alert",
        event_type=event,
        action=action,
        repository=repo,
        run_key=f"{repo}#alert:{event}:{number}",
        branch=branch,
        head_sha=_str(payload, "commit_oid"),
        html_url=info.html_url or "",
        sender=sender,
        sender_is_bot=is_bot,
        alert=info,
        occurred_at=_time(alert.get("created_at")),
    )


def issue_comment(payload: Mapping[str, Any]) -> Incident:
    """A ``/healer`` command in an issue or PR comment; anything else is ignored."""
    missing: list[str] = []
    repo = _repo(payload, missing)
    comment = _obj(payload, "comment", "", missing)
    issue = _obj(payload, "issue", "", missing)
    _check(missing, "issue_comment")
    action = _str(payload, "action") or None
    match = _COMMAND.search(_str(comment, "body"))
    if action != "created" or match is None:
        return _ignored("issue_comment", repo, "no /healer command in a new comment", action)
    user = comment.get("user") if isinstance(comment.get("user"), Mapping) else {}
    assert isinstance(user, Mapping)
    agent_word = (match.group(2) or "").lower()
    agent = Agent(agent_word) if agent_word in Agent._value2member_map_ else None
    author = _str(user, "login")
    command = ChatCommand(
        verb=match.group(1).lower(),
        agent=agent,
        author=author,
        author_association=_str(comment, "author_association", "NONE"),
        issue_number=_int(issue, "number"),
        is_pull_request="pull_request" in issue,
        comment_id=_int(comment, "id"),
    )
    return Incident(
        kind="command",
        event_type="issue_comment",
        action=action,
        repository=repo,
        run_key=f"{repo}#comment:{_int(comment, 'id')}",
        sender=author,
        sender_is_bot=_str(user, "type") == "Bot" or author.endswith("[bot]"),
        pr_numbers=(command.issue_number,)
        if command.is_pull_request and command.issue_number
        else (),
        command=command,
        html_url=_str(comment, "html_url"),
        lifecycle={"updated_at": _str(comment, "updated_at") or _str(comment, "created_at")},
    )


def push(payload: Mapping[str, Any]) -> Incident:
    """A push of a branch head.

    Its head commit may say ``[skip-healer]`` (which ``workflow_job`` events never carry),
    and a push to a branch under remediation is what the agent changed.
    """
    missing: list[str] = []
    repo = _repo(payload, missing)
    ref = _str(payload, "ref")
    if not ref:
        missing.append("ref")
    _check(missing, "push")
    head = payload.get("head_commit") if isinstance(payload.get("head_commit"), Mapping) else {}
    assert isinstance(head, Mapping)
    message = _str(head, "message")
    sender, is_bot = _sender(payload)
    after = _str(payload, "after")
    if not ref.startswith("refs/heads/") or payload.get("deleted") is True:
        return _ignored("push", repo, "not a push of a branch head", None)
    return Incident(
        kind="lifecycle",
        event_type="push",
        repository=repo,
        run_key=f"{repo}#push:{after}",
        branch=ref.removeprefix("refs/heads/"),
        head_sha=after,
        commit_message=message,
        sender=sender,
        sender_is_bot=is_bot,
        html_url=_str(payload, "compare"),
        lifecycle={
            "before": _str(payload, "before"),
            "skip_marker": skip_marker(message),
            "forced": bool(payload.get("forced")),
        },
    )


def pull_request(payload: Mapping[str, Any]) -> Incident:
    """PR lifecycle: a merged agent PR closes the loop."""
    missing: list[str] = []
    repo = _repo(payload, missing)
    pr = _obj(payload, "pull_request", "", missing)
    _check(missing, "pull_request")
    head = pr.get("head") if isinstance(pr.get("head"), Mapping) else {}
    base = pr.get("base") if isinstance(pr.get("base"), Mapping) else {}
    assert isinstance(head, Mapping) and isinstance(base, Mapping)
    user = pr.get("user") if isinstance(pr.get("user"), Mapping) else {}
    assert isinstance(user, Mapping)
    number = _int(pr, "number")
    return Incident(
        kind="lifecycle",
        event_type="pull_request",
        action=_str(payload, "action") or None,
        repository=repo,
        run_key=f"{repo}#pr:{number}",
        branch=_str(head, "ref"),
        head_sha=_str(head, "sha"),
        pr_numbers=(number,) if number else (),
        html_url=_str(pr, "html_url"),
        lifecycle={
            "merged": bool(pr.get("merged")),
            "author": _str(user, "login"),
            "state": _str(pr, "state"),
            "base": _str(base, "ref"),
        },
    )


def pull_request_review(payload: Mapping[str, Any]) -> Incident:
    """Reviews of a PR: tracked, never dispatched."""
    incident = pull_request(payload)
    review = payload.get("review") if isinstance(payload.get("review"), Mapping) else {}
    assert isinstance(review, Mapping)
    user = review.get("user") if isinstance(review.get("user"), Mapping) else {}
    assert isinstance(user, Mapping)
    return incident.model_copy(
        update={
            "event_type": "pull_request_review",
            "lifecycle": {
                **incident.lifecycle,
                "review_state": _str(review, "state"),
                "reviewer": _str(user, "login"),
            },
        }
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
        name = _str(repo, "full_name") if isinstance(repo, Mapping) else ""
        return _ignored(event, name, f"event {event} is not handled", _str(payload, "action"))
    return reader(payload)


def sniff_event(payload: Mapping[str, Any]) -> str | None:
    """Guess the event type of a body that came without its header (the sensor's)."""
    for key in ("workflow_job", "workflow_run", "check_run", "check_suite"):
        if isinstance(payload.get(key), Mapping):
            return key
    if isinstance(payload.get("alert"), Mapping):
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
