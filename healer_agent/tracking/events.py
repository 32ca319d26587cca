"""Lifecycle events and ChatOps commands, handled inside the intake transaction.

A successful check, job or run on a branch with an open remediation, or the merge of a PR
into or from that branch, closes it as fixed (and teaches route memory). ``/healer fix
[agent]``, ``/healer retry`` and ``/healer status`` are obeyed only from OWNER, MEMBER and
COLLABORATOR authors who are not bots; the check-run "remediate" button only from users the
GitHub permission API says can write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import structlog
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.metrics import Metrics
from healer_agent.models import Agent, Incident
from healer_agent.results import IntakeResult
from healer_agent.store.dialect import utcnow
from healer_agent.tracking import records
from healer_agent.tracking.memory import RouteMemory
from healer_agent.tracking.notify import Notifier

log = structlog.get_logger("healer.loop")
TRUSTED = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
SUCCESS = frozenset({"success"})


def _answer(reason: str, incident_id: str | None = None,
            status: Literal["ignored", "accepted"] = "ignored") -> IntakeResult:
    return IntakeResult(status=status, incident_id=incident_id,
                        dedup_status="skipped" if status == "ignored" else "new",
                        routing="final" if status == "ignored" else "pending", reason=reason)


class LoopEvents:
    """What intake does with lifecycle events and commands, inside its transaction."""

    def __init__(self, metrics: Metrics, notifier: Notifier, memory: RouteMemory,
                 wake: Callable[[], None]) -> None:
        self._metrics = metrics
        self._notifier = notifier
        self._memory = memory
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
        """Close open remediations that this event shows fixed."""
        info = incident.lifecycle
        branches: list[str] = []
        if incident.event_type == "pull_request":
            if not info.get("merged"):
                return None
            branches = [b for b in (incident.branch, str(info.get("base", ""))) if b]
        elif info.get("conclusion") in SUCCESS and incident.branch:
            branches = [incident.branch]
        closed = []
        for branch in branches:
            for open_ in await records.open_on_branch(conn, incident.repository, branch,
                                                      before=incident.occurred_at or utcnow()):
                ttf = await records.close(conn, open_["id"], "fixed",
                                          reason=f"{incident.event_type} succeeded")
                closed.append(open_["id"])
                metrics = self._metrics
                metrics.outcomes.labels(agent=open_["agent"] or "", outcome="fixed").inc()
                if ttf is not None:
                    metrics.time_to_fix.observe(ttf)
                if open_["signature"] and open_["agent"]:
                    await self._memory.remember(conn, open_["signature"],
                                                Agent(open_["agent"]), "fixed")
        if not closed:
            return None
        log.info("remediation.fixed", incidents=closed, trigger=incident.event_type)
        return _answer(f"closed {len(closed)} remediation(s) as fixed: {', '.join(closed)}")

    # ------------------------------------------------------------------ chatops

    async def command(self, conn: AsyncConnection, incident: Incident) -> IntakeResult:
        """Obey a trusted ``/healer`` command; refuse others with a reason and a log line."""
        command = incident.command
        assert command is not None
        refusal = await self._refusal(incident)
        if refusal is not None:
            log.info("chatops.refused", author=command.author,
                     association=command.author_association, verb=command.verb,
                     repository=incident.repository, reason=refusal)
            return _answer(refusal)
        target = await self._target(conn, incident)
        if target is None:
            return _answer("no Healer incident found for this pull request or branch")
        if command.verb == "status":
            text = (f"Healer incident `{target['id']}`: {target['status']}, agent "
                    f"{target['agent']}, CodeRun {target['coderun_name'] or '-'}")
            await self._notifier.comment(incident, text)
            return _answer(text, target["id"])
        agent = command.agent
        await records.requeue(conn, target["id"], agent)
        self._wake()
        who = f"{command.author} ({command.author_association})"
        return _answer(f"{command.verb} by {who}: incident {target['id']} queued for "
                       f"attempt {int(target['attempt']) + 1}"
                       + (f" with {agent.value}" if agent else ""), target["id"], "accepted")

    async def _refusal(self, incident: Incident) -> str | None:
        command = incident.command
        assert command is not None
        if incident.sender_is_bot or command.author.endswith("[bot]"):
            return "commands from bots are ignored"
        if command.verb == "remediate":
            permission = await self._notifier.permission(incident.repository, command.author)
            if permission not in ("admin", "write"):
                return (f"{command.author} may not trigger remediation "
                        f"(permission: {permission})")
            return None
        if command.author_association not in TRUSTED:
            return (f"{command.author} is {command.author_association}; only OWNER, MEMBER "
                    "and COLLABORATOR authors may command Healer")
        return None

    async def _target(self, conn: AsyncConnection, incident: Incident) -> dict[str, Any] | None:
        """The newest incident of the PR (comment) or branch (button)."""
        return await records.latest_for(conn, incident.repository,
                                        pr_numbers=incident.pr_numbers, branch=incident.branch)
