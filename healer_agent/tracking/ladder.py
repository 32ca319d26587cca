"""The escalation ladder (pure): what the next attempt at a failure should be.

Rungs, in order: the router's choice; after that agent failed, the runner-up specialist
when the evidence supports one (its score is a fair share of the winner's, and it has not
failed this already); the same agent again, told the real history; and once the attempts
reach the cap, people. Triage's ``escalate`` goes straight to people. A security alert stays
with cipher (the platform's rule: only the security specialist touches alerts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from healer_agent.models import Agent, Candidate, RoutingDecision

Action = Literal["dispatch", "handoff", "escalate"]


@dataclass(frozen=True, slots=True)
class Step:
    """The next rung: dispatch to ``agent``, hand off to ``agent``, or escalate."""

    action: Action
    agent: Agent | None
    reason: str
    candidate: Candidate | None = None


def _score_of(decision: RoutingDecision, agent: Agent) -> float:
    scores = [c.score for c in decision.candidates if c.agent is agent]
    return max(scores) if scores else 0.0


def supported_runner_up(
    decision: RoutingDecision, failed: Sequence[str], min_ratio: float
) -> Candidate | None:
    """The best candidate not yet failed whose evidence supports it, or None."""
    pool = [
        c
        for c in (decision.runner_up, *decision.candidates)
        if c is not None
        and c.agent is not decision.agent
        and c.agent.value not in failed
        and c.score > 0
    ]
    if not pool:
        return None
    best = max(pool, key=lambda c: c.score)
    winner = _score_of(decision, decision.agent)
    if winner > 0 and best.score < min_ratio * winner:
        return None
    return best


def next_step(
    decision: RoutingDecision,
    *,
    failed: Sequence[str],
    attempts: int,
    cap: int,
    min_ratio: float,
    security: bool = False,
) -> Step:
    """Decide the next rung from the decision and the agents that already failed."""
    if decision.escalate:
        why = decision.reason or decision.root_cause or "triage found no safe automated fix"
        return Step("escalate", None, f"triage asked for a person: {why}"[:500])
    if attempts >= cap:
        tried = " → ".join(failed) or decision.agent.value
        return Step(
            "escalate",
            None,
            f"{attempts} attempt(s) at this failure did not fix it ({tried}; cap {cap})",
        )
    if decision.agent.value not in failed:
        return Step("dispatch", decision.agent, "")
    runner = None if security else supported_runner_up(decision, failed, min_ratio)
    if runner is not None:
        return Step(
            "handoff",
            runner.agent,
            f"{decision.agent.value} did not fix it; {runner.agent.value} is the "
            f"runner-up (score {runner.score:.2f} against "
            f"{_score_of(decision, decision.agent):.2f})",
            runner,
        )
    return Step(
        "dispatch",
        decision.agent,
        f"{decision.agent.value} again, with the history: no other specialist is "
        "supported by the evidence",
    )


__all__ = ["Action", "Step", "next_step", "supported_runner_up"]
