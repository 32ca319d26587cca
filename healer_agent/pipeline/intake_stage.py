"""The intake stage: normalise, filter, dedup.

It runs in the request, or in a worker if the request died after storing the event.
Idempotent: unique keys make a second run a no-op.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.config import Settings
from healer_agent.intake.normalize import normalize
from healer_agent.intake.payloads import unwrap
from healer_agent.models import ContextBundle, Incident, RoutingDecision
from healer_agent.pipeline import dedup
from healer_agent.pipeline.filter import repo_allowed, skip_reason
from healer_agent.pipeline.results import IntakeResult
from healer_agent.store import claims, incidents
from healer_agent.store.dialect import utcnow
from healer_agent.store.inbox import Delivery

QuickRoute = Callable[[Incident, ContextBundle], RoutingDecision]
EventHook = Callable[[AsyncConnection, Incident, Delivery], Any]


def incident_of(delivery: Delivery) -> Incident:
    """Normalise a stored delivery (sensor bodies are unwrapped first)."""
    payload = json.loads(delivery.payload)
    if delivery.endpoint == "github":
        return normalize(delivery.event_type, payload)
    unwrapped = unwrap(payload)
    incident = normalize(unwrapped.event, unwrapped.body)
    if incident.kind == "security_alert" or incident.source == "sensor":
        return incident
    return incident.model_copy(update={"source": "sensor"})


async def run(
    conn: AsyncConnection,
    delivery: Delivery,
    settings: Settings,
    quick_route: QuickRoute,
    on_other: EventHook | None = None,
) -> IntakeResult:
    """Decide what this event means and answer for it."""
    incident = incident_of(delivery)
    reason = skip_reason(incident, settings)
    base = {"delivery_id": delivery.delivery_id}
    allowed = repo_allowed(incident.repository, settings.intake.repo_allowlist)
    if incident.kind in ("lifecycle", "command") and allowed and on_other is not None:
        handled = await on_other(conn, incident, delivery)
        if isinstance(handled, IntakeResult):
            return handled
    if incident.kind in ("ignored", "lifecycle", "command"):
        return IntakeResult(status="ignored", dedup_status="skipped", routing="final",
                            reason=reason or f"{incident.kind} event recorded", **base)
    if reason is not None:
        incident_id, _ = await incidents.create_or_get(
            conn, incident, status="skipped", dedup_status="skipped", reason=reason)
        return IntakeResult(status="skipped", incident_id=incident_id, dedup_status="skipped",
                            routing="final", reason=reason, **base)
    return await admit(conn, incident, delivery.delivery_id, settings, quick_route)


async def admit(
    conn: AsyncConnection,
    incident: Incident,
    delivery_id: str,
    settings: Settings,
    quick_route: QuickRoute,
) -> IntakeResult:
    """Create the incident (or join the existing one) and queue it for routing."""
    base = {"delivery_id": delivery_id}
    not_before = utcnow() + timedelta(seconds=settings.dedup.group_wait_s)
    tentative = quick_route(incident, ContextBundle())
    incident_id, created = await incidents.create_or_get(
        conn, incident, status="routing", dedup_status="new", not_before=not_before,
        extra={"agent": tentative.agent.value, "failure_type": tentative.failure_type.value})
    await incidents.add_event(conn, incident_id, delivery_id, incident)
    if not created:
        row = await incidents.get(conn, incident_id)
        assert row is not None
        grouped = row["status"] == "routing"
        return IntakeResult(
            status="accepted" if grouped else "skipped", incident_id=incident_id,
            coderun_name=row.get("coderun_name"), agent=row.get("agent"),
            failure_type=row.get("failure_type"), dedup_status="existing",
            routing="pending" if grouped else "final",
            reason="joined the incident of the same run" if grouped
            else f"run already handled (incident {incident_id}, {row['status']})", **base)
    branch_key = dedup.branch_claim_key(incident)
    if branch_key is not None:
        holder = await claims.take(conn, branch_key, incident_id,
                                   timedelta(seconds=settings.dedup.window_s))
        if holder != incident_id:
            reason = (f"a remediation for {incident.repository}@{incident.branch} started within "
                      f"the last {settings.dedup.window_s}s (incident {holder})")
            await incidents.update(conn, incident_id, status="duplicate",
                                   dedup_status="existing", duplicate_of=holder, reason=reason)
            return IntakeResult(status="skipped", incident_id=incident_id,
                                dedup_status="existing", routing="final", reason=reason, **base)
    final = incident.kind == "security_alert" and tentative.agent.value == "cipher"
    return IntakeResult(
        status="accepted", incident_id=incident_id,
        coderun_name=dedup.coderun_name(incident, tentative.agent) if final else None,
        agent=tentative.agent.value, failure_type=tentative.failure_type.value,
        dedup_status="new", routing="final" if final else "pending",
        reason=None if final else "routing continues once the context is gathered", **base)
