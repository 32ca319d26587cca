"""Lifecycle events and ChatOps commands, inside the intake transaction, without network I/O.

A successful check, job, run or suite on a branch with an open remediation of that workflow
(or job, or check), or the merge of a PR into or from that branch, closes it as fixed (and
teaches route memory); held-back work on a failure that went green is resolved. A push or a
PR on such a branch is attached to the open attempt (the history a retry states); a push
whose head commit says ``[skip-healer]`` marks that commit. ``/healer fix [agent]``,
``/healer retry`` and ``/healer status`` from OWNER, MEMBER and COLLABORATOR authors who are
not bots, and the check-run "Remediate" button, are recorded here and carried out by a
worker after commit (``commands.CommandRunner``): the GitHub permission check and replies
are HTTP calls, which never run while intake holds the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import structlog
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.metrics import Metrics
from healer_agent.models import Incident
from healer_agent.results import IntakeResult
from healer_agent.store.dialect import insert_ignore, utcnow
from healer_agent.store.tables import skip_commits
from healer_agent.store.wakeup import notify_work
from healer_agent.tracking import commands, history, records
from healer_agent.tracking.outcomes import Outcomes

log = structlog.get_logger("healer.loop")
TRUSTED = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
SUCCESS = frozenset({"success"})
PR_ACTIVITY = frozenset({"opened", "reopened", "synchronize", "ready_for_review"})


def _answer(
    reason: str, incident_id: str | None = None, status: Literal["ignored", "accepted"] = "ignored"
) -> IntakeResult:
    return IntakeResult(
        status=status,
        incident_id=incident_id,
        dedup_status="skipped" if status == "ignored" else "new",
        routing="final" if status == "ignored" else "pending",
        reason=reason,
    )


class LoopEvents:
    """What intake does with lifecycle events and commands, inside its transaction."""

    def __init__(self, metrics: Metrics, outcomes: Outcomes, wake: Callable[[], None]) -> None:
        self._metrics = metrics
        self._outcomes = outcomes
        self._wake = wake

    async def handle(self, conn: AsyncConnection, incident: Incident) -> IntakeResult | None:
        """Handle a lifecycle event or a command; None leaves the default answer."""
        if incident.kind == "lifecycle":
            return await self.lifecycle(conn, incident)
        if incident.kind == "command":
            return await self.command(conn, incident)
        return None

    # ------------------------------------------------------------------ outcomes

    async def lifecycle(self, conn: AsyncConnection, incident: Incident) -> IntakeResult | None:
        """Close open remediations this event shows fixed; note pushes and PRs."""
        info = incident.lifecycle
        if incident.event_type == "push":
            return await self._push(conn, incident)
        if info.get("alert_fixed"):
            return await self._alert_fixed(conn, incident)
        if incident.event_type == "pull_request_review":
            return await self._review(conn, incident)
        branches: list[str] = []
        if incident.event_type == "pull_request":
            if not info.get("merged"):
                return await self._pr_activity(conn, incident)
            branches = [b for b in (incident.branch, str(info.get("base", ""))) if b]
        elif info.get("conclusion") in SUCCESS and incident.branch:
            branches = [incident.branch]
        # a merge settles every remediation of the branch; a green check only those that
        # failed in that workflow, job or check (one push can break several)
        green = (
            frozenset()
            if incident.event_type == "pull_request"
            else frozenset(n for n in (incident.workflow_name, *incident.job_names) if n)
        )
        closed, resolved = [], []
        when = incident.occurred_at or utcnow()
        for branch in branches:
            for open_ in await records.open_on_branch(
                conn, incident.repository, branch, before=when
            ):
                if green and open_["names"] and not green & open_["names"]:
                    continue
                done = await self._outcomes.close(
                    conn, open_["id"], "fixed", reason=f"{incident.event_type} succeeded"
                )
                if done is not None:
                    closed.append(open_["id"])
            if green:  # held-back work on a failure that has since gone green is moot
                for held in await records.open_on_branch(
                    conn, incident.repository, branch, statuses=("held",)
                ):
                    if held["names"] & green and await self._outcomes.close(
                        conn,
                        held["id"],
                        "resolved",
                        expect=("held",),
                        reason=f"{incident.event_type} went green before a slot was free",
                    ):
                        resolved.append(held["id"])
        if not closed and not resolved:
            return None
        self._wake()
        log.info(
            "remediation.fixed", incidents=closed, resolved=resolved, trigger=incident.event_type
        )
        parts = (
            [f"closed {len(closed)} remediation(s) as fixed: {', '.join(closed)}"] if closed else []
        )
        if resolved:
            parts.append(f"{len(resolved)} held-back incident(s) resolved: {', '.join(resolved)}")
        return _answer("; ".join(parts))

    async def _alert_fixed(self, conn: AsyncConnection, incident: Incident) -> IntakeResult | None:
        """GitHub says the alert is fixed: its remediation worked."""
        target = await records.find_by_run_key(conn, incident.run_key)
        if target is None:
            return None
        done = await self._outcomes.close(
            conn, target["id"], "fixed", reason=f"{incident.event_type} {incident.action}"
        )
        if done is None:
            return None
        self._wake()
        return _answer(f"closed 1 remediation(s) as fixed: {target['id']}")

    async def _push(self, conn: AsyncConnection, incident: Incident) -> IntakeResult | None:
        notes = []
        marker = incident.lifecycle.get("skip_marker")
        if marker and incident.head_sha:
            await conn.execute(
                insert_ignore(conn, skip_commits).values(
                    repository=incident.repository,
                    head_sha=incident.head_sha,
                    marker=str(marker)[:40],
                    created_at=utcnow(),
                )
            )
            notes.append(f"commit {incident.head_sha[:7]} says {marker}: Healer skips it")
        if incident.branch and incident.head_sha:
            for incident_id in await history.note_branch(
                conn, incident.repository, incident.branch, pushed_sha=incident.head_sha
            ):
                await history.transition(
                    conn,
                    self._metrics,
                    incident_id,
                    "fix_pushed",
                    sha=incident.head_sha,
                    sender=incident.sender,
                )
                notes.append(f"push {incident.head_sha[:7]} noted on incident {incident_id}")
        return _answer("; ".join(notes)) if notes else None

    async def _pr_activity(self, conn: AsyncConnection, incident: Incident) -> IntakeResult | None:
        if incident.action == "closed" and incident.html_url:
            return await self._pr_rejected(conn, incident)
        if incident.action not in PR_ACTIVITY or not incident.branch or not incident.html_url:
            return None
        touched = await history.note_branch(
            conn, incident.repository, incident.branch, pr_url=incident.html_url
        )
        for incident_id in touched:
            await history.transition(
                conn,
                self._metrics,
                incident_id,
                "pr_opened",
                pr=incident.html_url,
                action=incident.action,
            )
        if not touched:
            return None
        return _answer(f"PR {incident.html_url} noted on {len(touched)} remediation(s)")

    async def _pr_rejected(self, conn: AsyncConnection, incident: Incident) -> IntakeResult | None:
        """The agent's PR was closed without a merge: that fix was not taken.

        No retry: a person closed it, and the next failure, if any, climbs the ladder.
        """
        closed = []
        for incident_id in await history.on_pr(conn, incident.html_url):
            if await self._outcomes.close(
                conn, incident_id, "failed", reason=f"PR {incident.html_url} closed unmerged"
            ):
                closed.append(incident_id)
        if not closed:
            return None
        return _answer(f"closed {len(closed)} remediation(s) as failed: PR closed unmerged")

    async def _review(self, conn: AsyncConnection, incident: Incident) -> IntakeResult | None:
        """A review of the agent's PR: kept with the attempt, so a retry is told of it."""
        state = str(incident.lifecycle.get("review_state") or "").upper()
        if not state or not incident.html_url:
            return None
        who = str(incident.lifecycle.get("reviewer") or "a reviewer")
        touched = await history.on_pr(conn, incident.html_url, note=f"review {state} by {who}")
        for incident_id in touched:
            await history.transition(
                conn,
                self._metrics,
                incident_id,
                "review",
                review=state,
                by=who,
                pr=incident.html_url,
            )
        if not touched:
            return None
        return _answer(f"review {state} noted on {len(touched)} remediation(s)")

    # ------------------------------------------------------------------ chatops

    async def command(self, conn: AsyncConnection, incident: Incident) -> IntakeResult:
        """Refuse what the payload alone shows untrusted; record the rest for a worker."""
        command = incident.command
        assert command is not None
        refusal = command_refusal(incident)
        if refusal is not None:
            log.info(
                "chatops.refused",
                author=command.author,
                association=command.author_association,
                verb=command.verb,
                repository=incident.repository,
                reason=refusal,
            )
            self._metrics.commands.labels(verb=command.verb, outcome="refused").inc()
            return _answer(refusal)
        key = commands.key_of(incident)
        if not await commands.record(conn, key, incident):
            self._metrics.commands.labels(verb=command.verb, outcome="replayed").inc()
            return _answer(f"command {key} was already received; a replay is not run again")
        await notify_work(conn)
        self._wake()
        self._metrics.commands.labels(verb=command.verb, outcome="recorded").inc()
        who = f"{command.author} ({command.author_association})"
        return _answer(
            f"/healer {command.verb} by {who} recorded; it runs after commit", status="accepted"
        )


def command_refusal(incident: Incident) -> str | None:
    """Refusals the payload alone proves (the button's permission check needs GitHub)."""
    command = incident.command
    assert command is not None
    if incident.sender_is_bot or command.author.endswith("[bot]"):
        return "commands from bots are ignored"
    if command.verb == "remediate":
        return None
    if command.author_association not in TRUSTED:
        return (
            f"{command.author} is {command.author_association}; only OWNER, MEMBER "
            "and COLLABORATOR authors may command Healer"
        )
    return None
