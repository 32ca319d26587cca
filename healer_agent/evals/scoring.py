"""Scoring routing results (pure).

Accuracy, macro-F1, per-agent precision and recall, per-tag accuracy, the confusion
matrix, the obvious tier (its precision is what skipping LLM triage risks), calibration
(does a decision's confidence match how often such decisions are right), latency and LLM
usage.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from healer_agent.models import Agent, RoutingDecision


@dataclass(frozen=True, slots=True)
class Outcome:
    """One case's result."""

    case_id: str
    tags: tuple[str, ...]
    expected_agent: Agent
    expected_type: str | None
    decision: RoutingDecision
    latency_ms: float
    baseline_agent: Agent | None = None
    """The pre-router's agent, for measuring an LLM tier's agreement with it."""

    @property
    def agent_ok(self) -> bool:
        """The decided agent is the labelled one."""
        return self.decision.agent is self.expected_agent

    @property
    def type_ok(self) -> bool:
        """The failure type matches the label (or the case has none)."""
        return self.expected_type is None or self.decision.failure_type.value == self.expected_type


CONFIDENCE_BINS: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0)


def calibration(
    outcomes: list[Outcome], edges: tuple[float, ...] = CONFIDENCE_BINS
) -> tuple[list[dict[str, Any]], float | None]:
    """Cases and accuracy per confidence bin, and the expected calibration error.

    The error is the case-weighted mean gap between a bin's accuracy and its mean
    confidence: 0 when confidence says exactly how often the router is right.
    """
    rows: list[dict[str, Any]] = []
    gap = 0.0
    for low, high in itertools.pairwise(edges):
        last = high == edges[-1]
        inside = [
            o
            for o in outcomes
            if low <= o.decision.confidence < high or (last and o.decision.confidence == high)
        ]
        if not inside:
            rows.append(
                {
                    "bin": f"{low:.1f}-{high:.1f}",
                    "cases": 0,
                    "accuracy": None,
                    "mean_confidence": None,
                }
            )
            continue
        accuracy = sum(o.agent_ok for o in inside) / len(inside)
        mean = statistics.fmean(o.decision.confidence for o in inside)
        gap += len(inside) * abs(accuracy - mean)
        rows.append(
            {
                "bin": f"{low:.1f}-{high:.1f}",
                "cases": len(inside),
                "accuracy": round(accuracy, 3),
                "mean_confidence": round(mean, 3),
            }
        )
    return rows, (round(gap / len(outcomes), 4) if outcomes else None)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 3)


@dataclass
class Report:
    """Everything ``healer eval`` prints, as data."""

    router: str
    cases: int
    agent_accuracy: float
    failure_type_accuracy: float
    macro_f1: float
    per_agent: dict[str, dict[str, float]]
    per_tag: dict[str, dict[str, float]]
    confusion: dict[str, dict[str, int]]
    obvious_share: float
    obvious_accuracy: float | None
    obvious_tag_accuracy: float | None
    latency_ms: dict[str, float]
    decided_by: dict[str, int]
    misses: list[dict[str, Any]] = field(default_factory=list)
    llm: dict[str, Any] | None = None
    obvious_precision: float | None = None
    """Share of decisions marked obvious whose agent is right (what skipping triage risks)."""
    calibration: list[dict[str, Any]] = field(default_factory=list)
    expected_calibration_error: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return dict(self.__dict__)


def score(router: str, outcomes: list[Outcome]) -> Report:
    """Compute the report for one run."""
    n = len(outcomes)
    agents = [a.value for a in Agent]
    confusion = {e: {p: 0 for p in agents} for e in agents}
    for o in outcomes:
        confusion[o.expected_agent.value][o.decision.agent.value] += 1
    per_agent: dict[str, dict[str, float]] = {}
    f1s = []
    for agent in agents:
        tp = confusion[agent][agent]
        predicted = sum(confusion[e][agent] for e in agents)
        actual = sum(confusion[agent].values())
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if actual:
            f1s.append(f1)
        per_agent[agent] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "support": actual,
        }
    tags: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        for tag in o.tags:
            tags[tag].append(o)
    obvious = [o for o in outcomes if o.decision.obvious]
    tagged_obvious = tags.get("obvious", [])
    misses = [
        {
            "case": o.case_id,
            "expected": f"{o.expected_agent.value}/{o.expected_type}",
            "got": f"{o.decision.agent.value}/{o.decision.failure_type.value}",
            "decided_by": o.decision.decided_by,
            "obvious": o.decision.obvious,
            "confidence": o.decision.confidence,
            "tags": list(o.tags),
            "evidence": [
                f"{e.signal}:{e.rule} ({e.weight}) {e.detail[:100]}"
                for e in o.decision.evidence[:3]
            ],
            "reason": o.decision.reason,
        }
        for o in outcomes
        if not o.agent_ok
    ]
    bins, ece = calibration(outcomes)
    latencies = [o.latency_ms for o in outcomes]
    llm = None
    usages = [o.decision.usage for o in outcomes if o.decision.usage is not None]
    if usages or any(o.baseline_agent is not None for o in outcomes):
        compared = [o for o in outcomes if o.baseline_agent is not None]
        llm = {
            "triaged": len(usages),
            "agreement_with_prerouter": round(
                sum(o.decision.agent is o.baseline_agent for o in compared) / len(compared), 3
            )
            if compared
            else None,
            "input_tokens": sum(u.input_tokens for u in usages),
            "output_tokens": sum(u.output_tokens for u in usages),
            "cost_usd": round(sum(u.cost_usd for u in usages), 4),
            "tool_calls": sum(u.tool_calls for u in usages),
            "fallbacks": sum(o.decision.decided_by == "fallback" for o in outcomes),
            "per_case": [
                {
                    "case": o.case_id,
                    "decided_by": o.decision.decided_by,
                    "tokens": (o.decision.usage.input_tokens + o.decision.usage.output_tokens)
                    if o.decision.usage
                    else 0,
                    "cost_usd": o.decision.usage.cost_usd if o.decision.usage else 0.0,
                    "latency_ms": round(o.latency_ms, 1),
                    "reason": o.decision.reason[:120],
                }
                for o in outcomes
            ],
        }
    return Report(
        router=router,
        cases=n,
        agent_accuracy=round(sum(o.agent_ok for o in outcomes) / n, 4) if n else 0.0,
        failure_type_accuracy=round(sum(o.type_ok and o.agent_ok for o in outcomes) / n, 4)
        if n
        else 0.0,
        macro_f1=round(statistics.fmean(f1s), 4) if f1s else 0.0,
        per_agent=per_agent,
        per_tag={
            t: {"cases": len(v), "accuracy": round(sum(o.agent_ok for o in v) / len(v), 3)}
            for t, v in sorted(tags.items())
        },
        confusion=confusion,
        obvious_share=round(len(obvious) / n, 3) if n else 0.0,
        obvious_accuracy=round(sum(o.agent_ok for o in obvious) / len(obvious), 4)
        if obvious
        else None,
        obvious_tag_accuracy=round(sum(o.agent_ok for o in tagged_obvious) / len(tagged_obvious), 4)
        if tagged_obvious
        else None,
        latency_ms={
            "p50": _pct(latencies, 0.5),
            "p95": _pct(latencies, 0.95),
            "max": round(max(latencies), 3) if latencies else 0.0,
        },
        decided_by=dict(Counter(o.decision.decided_by for o in outcomes)),
        misses=misses,
        llm=llm,
        obvious_precision=round(sum(o.agent_ok for o in obvious) / len(obvious), 4)
        if obvious
        else None,
        calibration=bins,
        expected_calibration_error=ece,
    )
