"""The 202's body for the cases intake meets (pure): a new failure, a skipped one, a known run.

Built in one place because the request path (from the payload and a lookup) and the worker's
intake stage (from the incident row) must answer alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healer_agent.dispatch.coderun import coderun_name
from healer_agent.models import Incident, RoutingDecision
from healer_agent.results import IntakeResult


def new_failure(
    incident: Incident, incident_id: str, tentative: RoutingDecision, delivery_id: str
) -> IntakeResult:
    """A failure Healer had not seen: queued for routing (an alert's route is final)."""
    final = incident.kind == "security_alert" and tentative.agent.value == "cipher"
    return IntakeResult(
        status="accepted",
        incident_id=incident_id,
        coderun_name=coderun_name(incident, tentative.agent) if final else None,
        agent=tentative.agent.value,
        failure_type=tentative.failure_type.value,
        dedup_status="new",
        routing="final" if final else "pending",
        reason=None if final else "routing continues once the context is gathered",
        delivery_id=delivery_id,
    )


def queued_failure(incident_id: str, delivery_id: str) -> IntakeResult:
    """A CI failure Healer had not seen, answered at intake: its route is yet to be taken."""
    return IntakeResult(
        status="accepted",
        incident_id=incident_id,
        dedup_status="new",
        routing="pending",
        reason="routing continues once the context is gathered",
        delivery_id=delivery_id,
    )


def skipped_run(incident_id: str, reason: str, delivery_id: str) -> IntakeResult:
    """A failure intake policy skips (a repository not allowed, a bot's run): final."""
    return IntakeResult(
        status="skipped",
        incident_id=incident_id,
        dedup_status="skipped",
        routing="final",
        reason=reason,
        delivery_id=delivery_id,
    )


def known_run(current: Mapping[str, Any], delivery_id: str) -> IntakeResult:
    """Another delivery of a run with an incident: it joins it, or the run was handled."""
    grouped = current["status"] == "routing"
    return IntakeResult(
        status="accepted" if grouped else "skipped",
        incident_id=current["id"],
        coderun_name=current.get("coderun_name"),
        agent=current.get("agent"),
        failure_type=current.get("failure_type"),
        dedup_status="existing",
        routing="pending" if grouped else "final",
        reason="joined the incident of the same run"
        if grouped
        else f"run already handled (incident {current['id']}, {current['status']})",
        delivery_id=delivery_id,
    )
