"""The loop guard: apply the escalation ladder before every dispatch.

A new failure, on a later commit, with the signature of a remediation still open on its
branch means that fix did not work: that remediation is closed as failed. The attempts at
this failure since it was last fixed (ChatOps retries and hand-offs included) decide the
next rung: the router's agent, the runner-up, the same agent told the history, or people
once the cap is reached or triage asked for a person. People are told after the database
work is committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healer_agent.metrics import Metrics
from healer_agent.models import Evidence, RoutingDecision, default_failure_type, failure_types_for
from healer_agent.routing.base import Routed
from healer_agent.tracking import history, ladder, records
from healer_agent.tracking.notify import Notifier
from healer_agent.tracking.outcomes import Outcomes

Run = Callable[[Callable[[AsyncConnection], Awaitable[Any]]], Awaitable[Any]]
"""Runs database work in a transaction and returns what it returned."""


def escalation_message(routed: Routed, attempts: list[dict[str, Any]], reason: str) -> str:
    """The comment people read: what failed, who tried, how each attempt ended."""
    incident, decision = routed.incident, routed.decision
    lines = [
        "## Healer: remediation escalated",
        f"Automated remediation of `{incident.workflow_name or incident.event_type}` on "
        f"`{incident.branch}` needs a person: {reason}.",
        f"- Failure type: `{decision.failure_type.value}` (last routed to {decision.agent.value})",
        f"- Signature: `{routed.signature}`",
    ]
    if incident.html_url:
        lines.append(f"- Run: {incident.html_url}")
    if attempts:
        lines += ["", "| # | agent | CodeRun phase | outcome | PR |", "|---|---|---|---|---|"]
        lines += [
            f"| {a['attempt']} | {a['agent']} | {a['phase']} | {a['result']} | {a['pr'] or '-'} |"
            for a in attempts
        ]
    if decision.key_error_lines:
        lines.append("\n```text\n" + "\n".join(decision.key_error_lines[:5])[:1500] + "\n```")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Plan:
    """What the dispatcher does: dispatch ``routed`` (maybe handed off) or stop (escalated)."""

    routed: Routed
    escalated: str | None = None
    handoff_from: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)


def handed_off(decision: RoutingDecision, step: ladder.Step) -> RoutingDecision:
    """The decision with the runner-up as the agent, and why."""
    assert step.agent is not None
    agent = step.agent
    candidate = step.candidate
    failure_type = candidate.failure_type if candidate is not None else decision.failure_type
    if failure_type not in failure_types_for(agent):
        failure_type = default_failure_type(agent)
    return decision.model_copy(
        update={
            "agent": agent,
            "failure_type": failure_type,
            "decided_by": "rule",
            "evidence": (
                Evidence(
                    signal="memory",
                    agent=agent,
                    weight=0.0,
                    rule="handoff",
                    detail=step.reason,
                    source="memory",
                    role="hint",
                ),
                *decision.evidence,
            ),
            "reason": step.reason,
        }
    )


class LoopGuard:
    """Closes superseded remediations and picks the ladder's next rung."""

    def __init__(
        self,
        engine: AsyncEngine,
        notifier: Notifier,
        metrics: Metrics,
        outcomes: Outcomes,
        *,
        max_attempts: int,
        handoff_min_ratio: float,
    ) -> None:
        self._engine = engine
        self._notifier = notifier
        self._metrics = metrics
        self._outcomes = outcomes
        self.max_attempts = max_attempts
        self._min_ratio = handoff_min_ratio

    async def before_dispatch(
        self, incident_id: str, routed: Routed, *, run: Run | None = None
    ) -> Plan:
        """Close superseded remediations; the plan for this attempt.

        ``run``: the caller's way into a transaction (the dispatcher's, shared with other
        incidents' writes of the moment: a transaction of its own costs several times the
        two statements); by default one of the guard's own.
        """
        incident, decision = routed.incident, routed.decision

        async def read(conn: AsyncConnection) -> list[history.Attempt]:
            # the same failure on a later commit, after the fix began: that fix did not work
            # (the same commit failing in another workflow is one root cause, and a failure
            # from before the dispatch, however late it is routed, is no verdict)
            for previous in await records.superseded_on_branch(
                conn,
                incident.repository,
                incident.branch,
                routed.signature,
                incident.head_sha,
                not_id=incident_id,
                failed_at=incident.occurred_at,
            ):
                await self._outcomes.close(
                    conn,
                    previous,
                    "failed",
                    reason=f"the same failure came back (incident {incident_id})",
                )
            return await history.since_last_fix(
                conn, incident.repository, incident.branch, routed.signature
            )

        earlier: list[history.Attempt] = await (run or self._in_own_transaction)(read)
        failed = [
            a.agent for a in earlier if a.outcome in (*history.FAILED_OUTCOMES, "unconfirmed")
        ]
        told = history.retry_history(earlier, incident.head_sha)
        step = ladder.next_step(
            decision,
            failed=failed,
            attempts=len(earlier),
            cap=self.max_attempts,
            min_ratio=self._min_ratio,
            security=incident.kind == "security_alert",
        )
        if step.action == "escalate":
            await self.escalate(
                incident_id,
                routed,
                step.reason,
                told,
                kind="triage" if decision.escalate else "attempt_cap",
            )
            return Plan(routed, escalated=step.reason, history=told)
        if step.action == "handoff":
            self._metrics.handoffs.labels(
                from_agent=decision.agent.value,
                to_agent=step.agent.value,  # type: ignore[union-attr]
            ).inc()
            # replace keeps the type: a redacted routing stays marked as one
            routed = replace(routed, decision=handed_off(decision, step))
            return Plan(routed, handoff_from=decision.agent.value, history=told)
        return Plan(routed, history=told)

    async def _in_own_transaction(self, work: Callable[[AsyncConnection], Awaitable[Any]]) -> Any:
        async with self._engine.begin() as conn:
            return await work(conn)

    async def escalate(
        self,
        incident_id: str,
        routed: Routed,
        reason: str,
        told: list[dict[str, Any]],
        *,
        kind: str,
    ) -> None:
        """Tell people (comment, label, webhook), then store what each channel did."""
        incident = routed.incident
        channels = await self._notifier.escalate(incident, escalation_message(routed, told, reason))
        async with self._engine.begin() as conn:
            await records.record_escalation(
                conn,
                incident_id=incident_id,
                repository=incident.repository,
                branch=incident.branch,
                signature=routed.signature,
                attempts=len(told),
                reason=reason,
                channels=channels,
            )
        self._metrics.escalations.labels(reason=kind).inc()


__all__ = ["LoopGuard", "Plan", "Run", "escalation_message", "handed_off"]
