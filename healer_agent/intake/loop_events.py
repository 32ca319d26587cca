"""The events that close the loop or command Healer (pure).

``/healer`` comments, pushes, pull requests and reviews, as ``command`` and
``lifecycle`` incidents.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from healer_agent.intake.fields import (
    ignored,
    int_at,
    obj_at,
    repo_of,
    require_fields,
    sender_of,
    skip_marker,
    str_at,
)
from healer_agent.models import Agent, ChatCommand, Incident

COMMAND = re.compile(r"^\s*/healer\s+(fix|retry|status)\b\s*([a-z]+)?", re.IGNORECASE | re.M)


def issue_comment(payload: Mapping[str, Any]) -> Incident:
    """A ``/healer`` command in an issue or PR comment; anything else is ignored."""
    missing: list[str] = []
    repo = repo_of(payload, missing)
    comment = obj_at(payload, "comment", "", missing)
    issue = obj_at(payload, "issue", "", missing)
    require_fields(missing, "issue_comment")
    action = str_at(payload, "action") or None
    match = COMMAND.search(str_at(comment, "body"))
    if action != "created" or match is None:
        return ignored("issue_comment", repo, "no /healer command in a new comment", action)
    user = comment.get("user") if isinstance(comment.get("user"), Mapping) else {}
    assert isinstance(user, Mapping)
    agent_word = (match.group(2) or "").lower()
    agent = Agent(agent_word) if agent_word in Agent._value2member_map_ else None
    author = str_at(user, "login")
    command = ChatCommand(
        verb=match.group(1).lower(),
        agent=agent,
        author=author,
        author_association=str_at(comment, "author_association", "NONE"),
        issue_number=int_at(issue, "number"),
        is_pull_request="pull_request" in issue,
        comment_id=int_at(comment, "id"),
    )
    return Incident(
        kind="command",
        event_type="issue_comment",
        action=action,
        repository=repo,
        run_key=f"{repo}#comment:{int_at(comment, 'id')}",
        sender=author,
        sender_is_bot=str_at(user, "type") == "Bot" or author.endswith("[bot]"),
        pr_numbers=(command.issue_number,)
        if command.is_pull_request and command.issue_number
        else (),
        command=command,
        html_url=str_at(comment, "html_url"),
        lifecycle={"updated_at": str_at(comment, "updated_at") or str_at(comment, "created_at")},
    )


def push(payload: Mapping[str, Any]) -> Incident:
    """A push of a branch head.

    Its head commit may say ``[skip-healer]`` (which ``workflow_job`` events never carry),
    and a push to a branch under remediation is what the agent changed.
    """
    missing: list[str] = []
    repo = repo_of(payload, missing)
    ref = str_at(payload, "ref")
    if not ref:
        missing.append("ref")
    require_fields(missing, "push")
    head = payload.get("head_commit") if isinstance(payload.get("head_commit"), Mapping) else {}
    assert isinstance(head, Mapping)
    message = str_at(head, "message")
    sender, is_bot = sender_of(payload)
    after = str_at(payload, "after")
    if not ref.startswith("refs/heads/") or payload.get("deleted") is True:
        return ignored("push", repo, "not a push of a branch head", None)
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
        html_url=str_at(payload, "compare"),
        lifecycle={
            "before": str_at(payload, "before"),
            "skip_marker": skip_marker(message),
            "forced": bool(payload.get("forced")),
        },
    )


def pull_request(payload: Mapping[str, Any]) -> Incident:
    """PR lifecycle: a merged agent PR closes the loop."""
    missing: list[str] = []
    repo = repo_of(payload, missing)
    pr = obj_at(payload, "pull_request", "", missing)
    require_fields(missing, "pull_request")
    head = pr.get("head") if isinstance(pr.get("head"), Mapping) else {}
    base = pr.get("base") if isinstance(pr.get("base"), Mapping) else {}
    assert isinstance(head, Mapping) and isinstance(base, Mapping)
    user = pr.get("user") if isinstance(pr.get("user"), Mapping) else {}
    assert isinstance(user, Mapping)
    number = int_at(pr, "number")
    return Incident(
        kind="lifecycle",
        event_type="pull_request",
        action=str_at(payload, "action") or None,
        repository=repo,
        run_key=f"{repo}#pr:{number}",
        branch=str_at(head, "ref"),
        head_sha=str_at(head, "sha"),
        pr_numbers=(number,) if number else (),
        html_url=str_at(pr, "html_url"),
        lifecycle={
            "merged": bool(pr.get("merged")),
            "author": str_at(user, "login"),
            "state": str_at(pr, "state"),
            "base": str_at(base, "ref"),
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
                "review_state": str_at(review, "state"),
                "reviewer": str_at(user, "login"),
            },
        }
    )
