"""The loop guard: cap remediation attempts per repository, branch and failure signature.

A new failure with the signature of a remediation still open on its branch means that fix
did not work: that remediation is closed as failed. Once the attempts for a signature
reach the cap, Healer escalates to people instead of dispatching again. A failure on a
commit an agent pushed has the same repo, branch and signature, so it counts too.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.metrics import Metrics
from healer_agent.routing.base import Routed
from healer_agent.tracking import records
from healer_agent.tracking.notify import Notifier


def escalation_message(routed: Routed, attempts: int) -> str:
    """The comment people read."""
    incident, decision = routed.incident, routed.decision
    lines = [
        "## Healer: remediation escalated",
        f"Automated remediation of `{incident.workflow_name or incident.event_type}` on "
        f"`{incident.branch}` failed **{attempts}** time(s); the cap is reached and a person "
        "needs to look.",
        f"- Failure type: `{decision.failure_type.value}` (last routed to {decision.agent.value})",
        f"- Signature: `{routed.signature}`",
    ]
    if incident.html_url:
        lines.append(f"- Run: {incident.html_url}")
    if decision.key_error_lines:
        lines.append("\n```text\n" + "\n".join(decision.key_error_lines[:5])[:1500] + "\n```")
    return "\n".join(lines)


class LoopGuard:
    """Closes superseded remediations and stops a failure from looping past the cap."""

    def __init__(self, engine: AsyncEngine, notifier: Notifier, metrics: Metrics,
                 max_attempts: int) -> None:
        self._engine = engine
        self._notifier = notifier
        self._metrics = metrics
        self.max_attempts = max_attempts

    async def before_dispatch(self, incident_id: str, routed: Routed) -> str | None:
        """Close superseded remediations; return an escalation reason when over the cap."""
        incident = routed.incident
        cap = self.max_attempts
        async with self._engine.begin() as conn:
            for previous in await records.open_on_branch(conn, incident.repository,
                                                         incident.branch):
                if previous["id"] != incident_id and previous["signature"] == routed.signature:
                    await records.close(conn, previous["id"], "failed",
                                        reason="the same failure came back after the fix")
                    self._metrics.outcomes.labels(agent=previous["agent"] or "",
                                                  outcome="failed").inc()
            attempts = await records.prior_attempts(conn, incident.repository, incident.branch,
                                                    routed.signature, incident_id)
        if attempts < cap:
            return None
        reason = (f"{attempts} remediation(s) of signature {routed.signature} on "
                  f"{incident.repository}@{incident.branch} already failed (cap {cap})")
        channels = await self._notifier.escalate(incident, escalation_message(routed, attempts))
        async with self._engine.begin() as conn:
            await records.record_escalation(
                conn, incident_id=incident_id, repository=incident.repository,
                branch=incident.branch, signature=routed.signature, attempts=attempts,
                reason=reason, channels=channels)
        self._metrics.escalations.labels(reason="attempt_cap").inc()
        return reason
