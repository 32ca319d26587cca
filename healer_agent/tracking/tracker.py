"""Following dispatched CodeRuns: a ``Failed`` phase closes the remediation as failed."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.metrics import Metrics
from healer_agent.ports import CodeRunSink
from healer_agent.tracking import records

PAGE = 100
CONCURRENCY = 8


class CodeRunTracker:
    """Reads the phase of every open CodeRun, a page at a time, a few at once."""

    def __init__(self, engine: AsyncEngine, sink: CodeRunSink, metrics: Metrics) -> None:
        self._engine = engine
        self._sink = sink
        self._metrics = metrics

    async def poll(self) -> int:
        """Check every open CodeRun's phase; returns how many remediations were closed."""
        closed = 0
        after: str | None = None
        limit = asyncio.Semaphore(CONCURRENCY)

        async def phase(name: str) -> str | None:
            async with limit:
                return await self._sink.phase(name)

        while True:
            async with self._engine.connect() as conn:
                page = await records.open_coderuns(conn, after=after, limit=PAGE)
            if not page:
                return closed
            phases = await asyncio.gather(*(phase(row.coderun_name) for row in page))
            for row, current in zip(page, phases, strict=True):
                if current != "Failed":
                    continue
                async with self._engine.begin() as conn:
                    await records.close(conn, row.incident_id, "failed",
                                        reason=f"CodeRun {row.coderun_name} failed")
                self._metrics.outcomes.labels(agent=row.agent or "", outcome="failed").inc()
                closed += 1
            after = page[-1].incident_id
