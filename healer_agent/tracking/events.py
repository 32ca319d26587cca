"""Lifecycle events and ChatOps commands, handled inside the intake transaction.

A successful check, job or run on a branch with an open remediation, or the merge of a PR
into or from that branch, closes it as fixed (and teaches route memory). ``/healer fix
[agent]``, ``/healer retry`` and ``/healer status`` are obeyed only from OWNER, MEMBER and
COLLABORATOR authors who are not bots; the check-run "remediate" button only from users the
GitHub permission API says can write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.models import Agent, Incident
from healer_agent.pipeline.results import IntakeResult
from healer_agent.store import claims
from healer_agent.store.dialect import utcnow
from healer_agent.store.inbox import Delivery
from healer_agent.store.tables import incidents
from healer_agent.tracking import records

if TYPE_CHECKING:
    from healer_agent.pipeline.service import Healer

log = structlog.get_logger("healer.loop")
TRUSTED = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
SUCCESS = frozenset({"success"})


def _answer(reason: str, incident_id: str | None = None,
            status: Literal["ignored", "accepted"] = "ignored") -> IntakeResult:
    return IntakeResult(status=status, incident_id=incident_id,
                        dedup_status="skipped" if status == "ignored" else "new",
                        routing="final" if status == "ignored" else "pending", reason=reason)


class LoopHandler:
    """The ``Healer.on_other`` hook."""

    def __init__(self, healer: Healer) -> None:
        self.healer = healer

    async def __call__(self, conn: AsyncConnection, incident: Incident,
                       delivery: Delivery) -> IntakeResult | None:
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
                metrics = self.healer.metrics
                metrics.outcomes.labels(agent=open_["agent"] or "", outcome="fixed").inc()
                if ttf is not None:
                    metrics.time_to_fix.observe(ttf)
                if open_["signature"] and open_["agent"]:
                    await records.remember(conn, open_["signature"], Agent(open_["agent"]),
                                           "fixed")
                    self.healer.route_memory[open_["signature"]] = Agent(open_["agent"])
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
            await self.healer.notify.comment(incident, text)
            return _answer(text, target["id"])
        agent = command.agent
        await claims.release_all(conn, target["id"])
        await conn.execute(sa.update(incidents).where(incidents.c.id == target["id"]).values(
            status="routing", attempt=incidents.c.attempt + 1, not_before=utcnow(),
            lease_until=None, outcome=None, coderun_name=None,
            operator_agent=agent.value if agent else None, updated_at=utcnow()))
        self.healer.wake()
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
            permission = await self.healer.notify.permission(incident.repository,
                                                               command.author)
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
        rows = await conn.execute(
            sa.select(incidents.c.id, incidents.c.status, incidents.c.agent,
                      incidents.c.coderun_name, incidents.c.attempt, incidents.c.incident,
                      incidents.c.branch)
            .where(incidents.c.repository == incident.repository,
                   incidents.c.kind.in_(("ci_failure", "security_alert")))
            .order_by(incidents.c.created_at.desc()).limit(200))
        import json

        for row in rows:
            stored = json.loads(row.incident)
            if incident.pr_numbers and set(incident.pr_numbers) & set(
                    stored.get("pr_numbers") or ()):
                return dict(row._mapping)
            if incident.branch and row.branch == incident.branch:
                return dict(row._mapping)
        return None
