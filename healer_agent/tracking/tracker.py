"""Following dispatched CodeRuns to their outcome.

Every poll reads the phase of every running CodeRun (keyset pages in id order, a bounded
number at once), then:

- ``Succeeded``: the slot is freed and the remediation waits for a green check or a merged
  PR to confirm it (``verifying``); with neither before the confirmation deadline it is
  closed ``unconfirmed``.
- ``Failed``: closed ``failed`` and queued again; the dispatcher's ladder picks the next
  rung (runner-up, the same agent told the history, or people).
- Past its agent's timeout (a deadline stored at dispatch, checked against the injected
  clock): closed ``timed_out`` and queued again like a failure.

Each change is conditional on the state read, so replicas polling together act once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.metrics import Metrics
from healer_agent.ports import CodeRunSink
from healer_agent.store.wakeup import notify_work
from healer_agent.tracking import records
from healer_agent.tracking.outcomes import Outcomes

ACTIVE_PHASES = frozenset({"Pending", "Running", ""})


@dataclass
class PollReport:
    """What one poll saw and did."""

    seen: int = 0
    pages: int = 0
    succeeded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)

    @property
    def closed(self) -> int:
        """Remediations closed by this poll (failed, timed out or unconfirmed)."""
        return len(self.failed) + len(self.timed_out) + len(self.unconfirmed)


class CodeRunTracker:
    """Reads the phase of every open CodeRun, a page at a time, a few at once."""

    def __init__(
        self,
        engine: AsyncEngine,
        sink: CodeRunSink,
        metrics: Metrics,
        outcomes: Outcomes,
        *,
        page: int = 100,
        concurrency: int = 8,
    ) -> None:
        self._engine = engine
        self._sink = sink
        self._metrics = metrics
        self._outcomes = outcomes
        self._page = page
        self._concurrency = concurrency

    async def poll(self) -> int:
        """Check every open CodeRun; returns how many remediations were closed."""
        return (await self.poll_report()).closed

    async def poll_report(self) -> PollReport:
        """Check deadlines, then every running CodeRun's phase; what happened."""
        report = PollReport()
        await self._deadlines(report)
        limit = asyncio.Semaphore(self._concurrency)

        async def phase(name: str) -> str | None:
            async with limit:
                return await self._sink.phase(name)

        after: str | None = None
        while True:
            async with self._engine.connect() as conn:
                page = await records.open_coderuns(conn, after=after, limit=self._page)
            if not page:
                return report
            report.pages += 1
            report.seen += len(page)
            phases = await asyncio.gather(*(phase(row.coderun_name) for row in page))
            for row, current in zip(page, phases, strict=True):
                await self._apply(row, current, report)
            after = page[-1].incident_id

    async def _apply(
        self, row: records.OpenCodeRun, current: str | None, report: PollReport
    ) -> None:
        if current is None or current == row.phase:
            return
        async with self._engine.begin() as conn:
            if current == "Succeeded":
                if await self._outcomes.succeeded(conn, row.incident_id):
                    report.succeeded.append(row.incident_id)
            elif current == "Failed":
                closed = await self._outcomes.close(
                    conn,
                    row.incident_id,
                    "failed",
                    phase="Failed",
                    reason=f"CodeRun {row.coderun_name} failed",
                )
                if closed is not None:
                    await self._outcomes.retry(
                        conn, row.incident_id, "the CodeRun failed; next rung of the ladder"
                    )
                    await notify_work(conn)
                    report.failed.append(row.incident_id)
            elif current in ACTIVE_PHASES:
                await self._outcomes.phase(conn, row.incident_id, current)

    async def _deadlines(self, report: PollReport) -> None:
        now = self._outcomes.now()
        while True:
            async with self._engine.connect() as conn:
                late = await records.overdue(conn, now, self._page)
            acted = 0
            for row in late:
                async with self._engine.begin() as conn:
                    if row.status == "verifying":
                        closed = await self._outcomes.close(
                            conn,
                            row.incident_id,
                            "unconfirmed",
                            expect=("verifying",),
                            reason="the CodeRun succeeded but no green check or merged PR "
                            "confirmed the fix in time",
                        )
                        if closed is not None:
                            acted += 1
                            report.unconfirmed.append(row.incident_id)
                        continue
                    closed = await self._outcomes.close(
                        conn,
                        row.incident_id,
                        "timed_out",
                        expect=("dispatched",),
                        phase=row.phase,
                        reason=f"CodeRun {row.coderun_name} passed the "
                        f"{row.agent or 'agent'} timeout",
                    )
                    if closed is None:
                        continue
                    acted += 1
                    self._metrics.timeouts.labels(agent=row.agent or "").inc()
                    await self._outcomes.retry(
                        conn, row.incident_id, "the CodeRun timed out; next rung of the ladder"
                    )
                    await notify_work(conn)
                    report.timed_out.append(row.incident_id)
            if len(late) < self._page or not acted:
                return
