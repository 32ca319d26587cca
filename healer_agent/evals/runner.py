"""Running a router over a dataset (the same router objects production builds)."""

from __future__ import annotations

import time
from collections.abc import Callable

from healer_agent.evals.dataset import LabelledCase
from healer_agent.evals.scoring import Outcome
from healer_agent.routing.base import Router
from healer_agent.routing.prerouter import PreRouter


async def run_cases(
    router: Router,
    cases: list[LabelledCase],
    *,
    baseline: PreRouter | None = None,
    progress: Callable[[LabelledCase], None] | None = None,
) -> list[Outcome]:
    """Route every case, timing each decision."""
    outcomes: list[Outcome] = []
    for case in cases:
        started = time.perf_counter()
        decision = await router.route(case.incident, case.context)
        elapsed = (time.perf_counter() - started) * 1000
        base = baseline.decide(case.incident, case.context).agent if baseline else None
        outcomes.append(
            Outcome(
                case.id,
                case.tags,
                case.expected_agent,
                case.expected_type.value if case.expected_type else None,
                decision,
                elapsed,
                base,
            )
        )
        if progress is not None:
            progress(case)
    return outcomes
