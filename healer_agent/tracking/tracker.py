"""Following dispatched CodeRuns: a ``Failed`` phase closes the remediation as failed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from healer_agent.store.tables import incidents
from healer_agent.tracking import records

if TYPE_CHECKING:
    from healer_agent.pipeline.service import Healer


async def poll_coderuns(healer: Healer, limit: int = 50) -> int:
    """Check the phase of open CodeRuns; returns how many were closed."""
    async with healer.engine.connect() as conn:
        rows = (await conn.execute(
            sa.select(incidents.c.id, incidents.c.coderun_name, incidents.c.agent)
            .where(incidents.c.status == "dispatched", incidents.c.coderun_name.is_not(None))
            .order_by(incidents.c.dispatched_at).limit(limit))).all()
    closed = 0
    for row in rows:
        phase = await healer.sink.phase(row.coderun_name)
        if phase != "Failed":
            continue
        async with healer.engine.begin() as conn:
            await records.close(conn, row.id, "failed", reason=f"CodeRun {row.coderun_name} "
                                "failed")
        healer.metrics.outcomes.labels(agent=row.agent or "", outcome="failed").inc()
        closed += 1
    return closed
