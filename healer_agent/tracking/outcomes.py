"""Ending an attempt: the one place a remediation's outcome is written.

Every change is conditional on the state the caller saw (``WHERE status IN (...)``), so when
two replicas notice the same CodeRun finish, one of them records it and the other does
nothing. Closing frees the claims and slots, wakes held-back work, feeds the breaker and
route memory, and writes the transition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.metrics import Metrics
from healer_agent.models import Agent
from healer_agent.store import claims
from healer_agent.store.dialect import as_utc, utcnow
from healer_agent.store.tables import incidents
from healer_agent.tracking import admission, history
from healer_agent.tracking.memory import RouteMemory

OPEN = ("dispatched", "verifying")
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Closed:
    """What was closed: enough to act on it after the transaction."""

    incident_id: str
    repository: str
    branch: str
    agent: str | None
    signature: str | None
    outcome: str
    time_to_fix_s: float | None


class Outcomes:
    """Writes outcomes and the CodeRun phase transitions of remediations."""

    def __init__(
        self,
        metrics: Metrics,
        memory: RouteMemory,
        limits: admission.Limits,
        *,
        confirm_timeout_s: float,
        clock: Clock = utcnow,
    ) -> None:
        self._metrics = metrics
        self._memory = memory
        self._limits = limits
        self._confirm = timedelta(seconds=confirm_timeout_s)
        self._clock = clock

    def now(self) -> datetime:
        """The clock every outcome is stamped with (injected in tests)."""
        return self._clock()

    async def close(
        self,
        conn: AsyncConnection,
        incident_id: str,
        outcome: str,
        *,
        reason: str,
        phase: str | None = None,
        expect: tuple[str, ...] = OPEN,
    ) -> Closed | None:
        """Record ``outcome`` unless the incident already left ``expect`` (None then)."""
        c = incidents.c
        row = (
            await conn.execute(
                sa.select(c.repository, c.branch, c.agent, c.signature, c.dispatched_at).where(
                    c.id == incident_id
                )
            )
        ).first()
        if row is None:
            return None
        now = self.now()
        done = await conn.execute(
            sa.update(incidents)
            .where(c.id == incident_id, c.status.in_(expect))
            .values(
                status=outcome,
                outcome=outcome,
                resolved_at=now,
                updated_at=now,
                timeout_at=None,
                lease_until=None,
                phase=phase or c.phase,
                reason=sa.func.coalesce(c.reason, "") + (f" | {reason}" if reason else ""),
            )
        )
        if done.rowcount != 1:
            return None
        await history.finish(conn, incident_id, outcome=outcome, phase=phase, note=reason)
        await claims.release_all(conn, incident_id)
        await admission.wake_held(conn, row.repository)
        if row.agent and outcome in ("fixed", *history.FAILED_OUTCOMES):
            await admission.record_result(
                conn,
                self._limits,
                repository=row.repository,
                agent=row.agent,
                fixed=outcome == "fixed",
                now=now,
            )
        if outcome == "fixed" and row.signature and row.agent:
            await self._memory.remember(conn, row.signature, Agent(row.agent), "fixed")
        await history.transition(
            conn, self._metrics, incident_id, outcome, reason=reason, phase=phase
        )
        dispatched = as_utc(row.dispatched_at)
        ttf = (now - dispatched).total_seconds() if dispatched else None
        self._metrics.outcomes.labels(agent=row.agent or "", outcome=outcome).inc()
        if outcome == "fixed" and ttf is not None:
            self._metrics.time_to_fix.observe(ttf)
        return Closed(
            incident_id, row.repository, row.branch, row.agent, row.signature, outcome, ttf
        )

    async def succeeded(self, conn: AsyncConnection, incident_id: str) -> bool:
        """The CodeRun finished well: free its slot and wait for a green check or a merge."""
        c = incidents.c
        now = self.now()
        done = await conn.execute(
            sa.update(incidents)
            .where(c.id == incident_id, c.status == "dispatched")
            .values(
                status="verifying",
                phase="Succeeded",
                timeout_at=now + self._confirm,
                updated_at=now,
            )
        )
        if done.rowcount != 1:
            return False
        repository = await conn.scalar(sa.select(c.repository).where(c.id == incident_id))
        await history.set_phase(conn, incident_id, "Succeeded")
        await admission.release_slots(conn, incident_id)
        await admission.wake_held(conn, str(repository))
        await history.transition(
            conn,
            self._metrics,
            incident_id,
            "verifying",
            reason="CodeRun succeeded; waiting for the check or PR",
        )
        return True

    async def phase(self, conn: AsyncConnection, incident_id: str, phase: str) -> None:
        """Remember a running CodeRun's phase (``Pending``, ``Running``)."""
        await conn.execute(
            sa.update(incidents)
            .where(
                incidents.c.id == incident_id,
                incidents.c.status == "dispatched",
                sa.or_(incidents.c.phase.is_(None), incidents.c.phase != phase),
            )
            .values(phase=phase)
        )
        await history.set_phase(conn, incident_id, phase)

    async def retry(self, conn: AsyncConnection, incident_id: str, reason: str) -> bool:
        """Queue a closed incident for its next attempt (the dispatcher picks the rung)."""
        c = incidents.c
        now = self.now()
        done = await conn.execute(
            sa.update(incidents)
            .where(c.id == incident_id, c.status.in_(history.FAILED_OUTCOMES))
            .values(
                status="routing",
                attempt=c.attempt + 1,
                not_before=None,
                lease_until=None,
                outcome=None,
                coderun_name=None,
                operator_agent=None,
                phase=None,
                updated_at=now,
            )
        )
        if done.rowcount != 1:
            return False
        await history.transition(conn, self._metrics, incident_id, "routing", reason=reason)
        return True


__all__ = ["OPEN", "Closed", "Outcomes"]
