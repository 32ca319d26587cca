"""Intake: store an event durably, answer for it, and (in a worker) decide what it means.

The request does only what durability and the answer need: normalise the (redacted) body
once, store it, and look up the run's incident, in a transaction shared with the other
requests of the moment (group commit: one multi-row insert and one lookup per batch).
The answer is given after that commit and names the incident the event belongs to (its id
derives from the run key), whether the run was already known, the tentative agent, and a
skip reason the payload alone shows. The intake stage proper (lifecycle events and
commands, the dedup claims by what failed, the incident row, its history) runs in a worker
right after, from the stored row; a delivery whose stage keeps failing is parked as dead.
If storing fails, the caller answers 503 and the sender retries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healer_agent.config import DedupSettings, IntakeSettings, StoreSettings
from healer_agent.intake.normalize import PayloadError, normalize
from healer_agent.intake.payloads import unwrap
from healer_agent.metrics import Metrics
from healer_agent.models import ContextBundle, Incident, RoutingDecision
from healer_agent.pipeline import dedup
from healer_agent.pipeline.batching import GroupCommit
from healer_agent.pipeline.filter import repo_allowed, skip_reason
from healer_agent.results import IntakeResult
from healer_agent.store import claims, inbox, incidents
from healer_agent.store.dialect import utcnow
from healer_agent.store.inbox import Delivery, NewDelivery
from healer_agent.store.wakeup import notify_work
from healer_agent.tracking import history
from healer_agent.tracking.events import command_refusal

log = structlog.get_logger("healer.intake")

QuickRoute = Callable[[Incident, ContextBundle], RoutingDecision]
KNOWN_EVENTS = frozenset(
    {
        "workflow_job",
        "workflow_run",
        "check_run",
        "check_suite",
        "status",
        "issue_comment",
        "pull_request",
        "pull_request_review",
        "push",
        "dependabot_alert",
        "code_scanning_alert",
        "secret_scanning_alert",
        "repository_vulnerability_alert",
        "ping",
    }
)
"""Event types counted by name; any other is counted as ``other`` (metric labels stay few)."""
JsonRedactor = Callable[[Any], Any]


class StoreUnavailable(Exception):
    """The database cannot be reached; intake answers 503 so the sender retries."""


class EventHandler(Protocol):
    """Handles lifecycle events and commands inside the intake transaction."""

    async def handle(self, conn: AsyncConnection, incident: Incident) -> IntakeResult | None:
        """An answer, or None to give the default one."""
        ...


_REMEDIABLE = ("ci_failure", "security_alert")


@dataclass(frozen=True, slots=True)
class _Arrival:
    """An event on its way into a batch: the row to store and what it normalised to."""

    delivery: NewDelivery
    incident: Incident


@dataclass(frozen=True, slots=True)
class IntakePolicy:
    """The settings intake reads."""

    intake: IntakeSettings
    dedup: DedupSettings
    store: StoreSettings


def incident_of(endpoint: str, event_type: str, payload: dict[str, Any]) -> Incident:
    """Normalise a parsed body (sensor envelopes are unwrapped first); PayloadError if unusable."""
    if endpoint == "github":
        return normalize(event_type, payload)
    unwrapped = unwrap(payload)
    incident = normalize(unwrapped.event, unwrapped.body)
    if incident.kind == "security_alert" or incident.source == "sensor":
        return incident
    return incident.model_copy(update={"source": "sensor"})


class Intake:
    """Accepts events (the request path) and finishes stored ones (the worker path)."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        policy: IntakePolicy,
        quick_route: QuickRoute,
        redact_json: JsonRedactor,
        metrics: Metrics,
        wake: Callable[[], None],
        events: EventHandler | None = None,
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._quick_route = quick_route
        self._redact_json = redact_json
        self._metrics = metrics
        self._wake = wake
        self._events = events
        self._group: GroupCommit[_Arrival, tuple[IntakeResult, bool]] = GroupCommit(
            engine, self._store
        )

    async def accept(
        self, *, endpoint: str, event_type: str, payload: dict[str, Any], delivery_id: str
    ) -> IntakeResult:
        """Store the event durably and answer for it (the intake stage follows in a worker).

        Raises ``StoreUnavailable`` when the event could not be stored (answer 503),
        ``PayloadError`` when the body lacks required fields (answer 422, nothing stored).
        """
        redacted = self._redact_json(payload)
        # Normalised once, before storing, so a 422 never leaves a poison row behind.
        incident = incident_of(endpoint, event_type, redacted)
        run_key = incident.run_key if incident.kind in _REMEDIABLE else None
        item = _Arrival(
            NewDelivery(
                delivery_id,
                endpoint,
                event_type,
                json.dumps(redacted, separators=(",", ":")),
                run_key,
            ),
            incident,
        )
        try:
            answer, is_new = await self._group.submit(item)
        except (SQLAlchemyError, OSError) as exc:
            raise StoreUnavailable(str(exc)) from exc
        if is_new:
            self._count(event_type, answer)
            self._wake()
        else:
            self._metrics.events.labels(
                event_type=event_type if event_type in KNOWN_EVENTS else "other",
                outcome="redelivery",
            ).inc()
        return answer

    async def _store(
        self, conn: AsyncConnection, batch: list[_Arrival]
    ) -> list[tuple[IntakeResult, bool]]:
        """One batch: a multi-row insert, one lookup of the runs' incidents, the answers."""
        keys = [a.incident.run_key for a in batch if a.incident.kind in _REMEDIABLE]
        known = await incidents.states_of(conn, keys)
        for run_key in await inbox.runs_in_flight(conn, set(keys) - known.keys()):
            known[run_key] = {
                "id": incidents.id_for(run_key),
                "status": "routing",
                "agent": None,
                "failure_type": None,
                "coderun_name": None,
            }
        stored = await inbox.record_many(conn, [a.delivery for a in batch])
        await notify_work(conn)
        answers: list[tuple[IntakeResult, bool]] = []
        claimed: set[str] = set()
        for arrival in batch:
            delivery_id = arrival.delivery.delivery_id
            if delivery_id not in stored or delivery_id in claimed:
                row = await inbox.get(conn, delivery_id)
                assert row is not None
                answers.append((await self._redelivery(conn, row), False))
                continue
            claimed.add(delivery_id)
            answers.append((self._answer(arrival.incident, delivery_id, known), True))
            if arrival.incident.kind in _REMEDIABLE:  # a later job of this run joins it
                known.setdefault(
                    arrival.incident.run_key,
                    {
                        "id": incidents.id_for(arrival.incident.run_key),
                        "status": "routing",
                        "agent": None,
                        "failure_type": None,
                        "coderun_name": None,
                    },
                )
        return answers

    def _answer(
        self, incident: Incident, delivery_id: str, known: dict[str, dict[str, Any]]
    ) -> IntakeResult:
        """What the payload and the run's incident say now; the worker's stage follows."""
        if incident.kind == "command":
            refusal = command_refusal(incident)  # what the payload alone shows untrusted
            if refusal is not None:
                return IntakeResult(
                    status="ignored",
                    dedup_status="skipped",
                    routing="final",
                    reason=refusal,
                    delivery_id=delivery_id,
                )
            return IntakeResult(
                status="accepted",
                dedup_status="new",
                routing="pending",
                reason="command recorded; it runs once checked",
                delivery_id=delivery_id,
            )
        if incident.kind not in _REMEDIABLE:  # lifecycle and unknown events start nothing
            return IntakeResult(
                status="ignored",
                dedup_status="skipped",
                routing="final",
                reason=str(incident.lifecycle.get("reason", "event not handled"))
                if incident.kind == "ignored"
                else "lifecycle event recorded; open remediations are checked against it",
                delivery_id=delivery_id,
            )
        settings = self._policy.intake
        incident_id = incidents.id_for(incident.run_key)
        reason = skip_reason(incident, settings.repo_allowlist, settings.process_bot_senders)
        if reason is not None:
            return IntakeResult(
                status="skipped",
                incident_id=incident_id,
                dedup_status="skipped",
                routing="final",
                reason=reason,
                delivery_id=delivery_id,
            )
        current = known.get(incident.run_key)
        if current is not None:
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
        tentative = self._quick_route(incident, ContextBundle())
        final = incident.kind == "security_alert" and tentative.agent.value == "cipher"
        return IntakeResult(
            status="accepted",
            incident_id=incident_id,
            coderun_name=dedup.coderun_name(incident, tentative.agent) if final else None,
            agent=tentative.agent.value,
            failure_type=tentative.failure_type.value,
            dedup_status="new",
            routing="final" if final else "pending",
            reason=None if final else "routing continues once the context is gathered",
            delivery_id=delivery_id,
        )

    async def finish(self, row: Delivery) -> IntakeResult:
        """Run the intake stage of one stored delivery (the worker path)."""
        incident = incident_of(row.endpoint, row.event_type, json.loads(row.payload))
        async with self._engine.begin() as conn:
            return await self._stage(conn, row, incident)

    async def finish_batch(self, rows: list[Delivery]) -> None:
        """The intake stage of several deliveries in one transaction.

        If that fails, each runs alone, and one that fails alone counts an attempt against
        its row (parked as dead past the limit) without holding the others back.
        """
        try:
            async with self._engine.begin() as conn:
                for row in rows:
                    incident = incident_of(row.endpoint, row.event_type, json.loads(row.payload))
                    await self._stage(conn, row, incident)
            return
        except (PayloadError, ValueError, SQLAlchemyError) as exc:
            if len(rows) == 1:
                await self.fail(rows[0], f"{type(exc).__name__}: {exc}")
                return
        for row in rows:
            try:
                await self.finish(row)
            except (PayloadError, ValueError, SQLAlchemyError) as exc:
                await self.fail(row, f"{type(exc).__name__}: {exc}")

    async def fail(self, row: Delivery, error: str) -> None:
        """Record a failed attempt of the stage; the row is parked dead past the limit."""
        self._metrics.stage_errors.labels(stage="intake").inc()
        async with self._engine.begin() as conn:
            await inbox.fail(conn, row.id, error, self._policy.store.max_attempts)

    # ------------------------------------------------------------------ internals

    async def _stage(
        self, conn: AsyncConnection, row: Delivery, incident: Incident
    ) -> IntakeResult:
        answer = await self._decide(conn, incident, row.delivery_id)
        status = "ignored" if answer.status == "ignored" else "done"
        await inbox.finish(
            conn, row.id, status=status, incident_id=answer.incident_id, result=answer.model_dump()
        )
        return answer

    async def _decide(
        self, conn: AsyncConnection, incident: Incident, delivery_id: str
    ) -> IntakeResult:
        """What this event means: handled by the loop, ignored, skipped, or admitted."""
        settings = self._policy.intake
        reason = skip_reason(incident, settings.repo_allowlist, settings.process_bot_senders)
        if (
            incident.kind in ("lifecycle", "command")
            and self._events is not None
            and (repo_allowed(incident.repository, settings.repo_allowlist))
        ):
            handled = await self._events.handle(conn, incident)
            if handled is not None:
                return handled.model_copy(update={"delivery_id": delivery_id})
        if incident.kind in ("ignored", "lifecycle", "command"):
            return IntakeResult(
                status="ignored",
                dedup_status="skipped",
                routing="final",
                reason=reason or f"{incident.kind} event recorded",
                delivery_id=delivery_id,
            )
        if reason is not None:
            incident_id, created = await incidents.create_or_get(
                conn, incident, status="skipped", dedup_status="skipped", reason=reason
            )
            if created:
                await history.transition(conn, self._metrics, incident_id, "skipped", reason=reason)
            else:  # another view of a run already admitted: its commit message counts too
                await incidents.add_event(conn, incident_id, delivery_id, incident)
            return IntakeResult(
                status="skipped",
                incident_id=incident_id,
                dedup_status="skipped",
                routing="final",
                reason=reason,
                delivery_id=delivery_id,
            )
        return await self._admit(conn, incident, delivery_id)

    async def _admit(
        self, conn: AsyncConnection, incident: Incident, delivery_id: str
    ) -> IntakeResult:
        """Create the incident (or join the existing one) and queue it for routing."""
        window = self._policy.dedup
        not_before = utcnow() + timedelta(seconds=window.group_wait_s)
        tentative = self._quick_route(incident, ContextBundle())
        incident_id, created = await incidents.create_or_get(
            conn,
            incident,
            status="routing",
            dedup_status="new",
            not_before=not_before,
            extra={"agent": tentative.agent.value, "failure_type": tentative.failure_type.value},
        )
        await incidents.add_event(conn, incident_id, delivery_id, incident)
        if not created:
            row = await incidents.get(conn, incident_id)
            assert row is not None
            grouped = row["status"] == "routing"
            check_key = dedup.check_claim_key(incident)
            if check_key is not None:  # this job's check run is now this incident's too
                await claims.take(conn, check_key, incident_id, timedelta(days=1))
            return IntakeResult(
                status="accepted" if grouped else "skipped",
                incident_id=incident_id,
                coderun_name=row.get("coderun_name"),
                agent=row.get("agent"),
                failure_type=row.get("failure_type"),
                dedup_status="existing",
                routing="pending" if grouped else "final",
                reason="joined the incident of the same run"
                if grouped
                else f"run already handled (incident {incident_id}, {row['status']})",
                delivery_id=delivery_id,
            )
        for key, ttl, what in (
            (
                dedup.failure_claim_key(incident),
                window.window_s,
                f"{incident.workflow_name or 'this workflow'} failing on "
                f"{incident.repository}@{incident.branch} ({incident.head_sha[:7] or '-'})",
            ),
            (
                dedup.check_claim_key(incident),
                max(window.window_s, 86400),
                f"check run {incident.check_run_id}",
            ),
        ):
            if key is None:
                continue
            holder = await claims.take(conn, key, incident_id, timedelta(seconds=ttl))
            if holder != incident_id:
                reason = f"{what} is already handled (incident {holder})"
                await incidents.update(
                    conn,
                    incident_id,
                    status="duplicate",
                    dedup_status="existing",
                    duplicate_of=holder,
                    reason=reason,
                )
                await history.transition(
                    conn, self._metrics, incident_id, "duplicate", reason=reason, of=holder
                )
                return IntakeResult(
                    status="skipped",
                    incident_id=incident_id,
                    dedup_status="existing",
                    routing="final",
                    reason=reason,
                    delivery_id=delivery_id,
                )
        await history.transition(
            conn, self._metrics, incident_id, "routing", reason="admitted", delivery_id=delivery_id
        )
        await notify_work(conn)
        final = incident.kind == "security_alert" and tentative.agent.value == "cipher"
        return IntakeResult(
            status="accepted",
            incident_id=incident_id,
            coderun_name=dedup.coderun_name(incident, tentative.agent) if final else None,
            agent=tentative.agent.value,
            failure_type=tentative.failure_type.value,
            dedup_status="new",
            routing="final" if final else "pending",
            reason=None if final else "routing continues once the context is gathered",
            delivery_id=delivery_id,
        )

    async def _redelivery(self, conn: AsyncConnection, row: Delivery) -> IntakeResult:
        """A delivery seen before: its incident's state now, not the first answer's."""
        note = f"delivery {row.delivery_id} was already received"
        if row.result is None:
            return IntakeResult(
                status="accepted",
                dedup_status="existing",
                routing="pending",
                reason=f"delivery {row.delivery_id} is being processed",
                delivery_id=row.delivery_id,
            )
        first = IntakeResult.model_validate(row.result)
        current = await incidents.get(conn, first.incident_id) if first.incident_id else None
        if current is None:
            return first.model_copy(
                update={
                    "dedup_status": "existing"
                    if first.dedup_status == "new"
                    else first.dedup_status,
                    "reason": note,
                }
            )
        routing = "pending" if current["status"] == "routing" else "final"
        return first.model_copy(
            update={
                "coderun_name": current.get("coderun_name"),
                "agent": current.get("agent"),
                "failure_type": current.get("failure_type"),
                "routing": routing,
                "dedup_status": "existing" if first.dedup_status == "new" else first.dedup_status,
                "reason": f"{note}; incident {current['id']} is {current['status']}",
            }
        )

    def _count(self, event_type: str, answer: IntakeResult) -> None:
        event_type = event_type if event_type in KNOWN_EVENTS else "other"  # bounded label
        self._metrics.events.labels(event_type=event_type, outcome=answer.status).inc()
        self._metrics.dedup.labels(status=answer.dedup_status).inc()
        if answer.dedup_status == "new" and answer.incident_id:
            self._metrics.incidents.labels(kind=event_type).inc()
        if answer.status == "accepted" and answer.dedup_status == "new":
            self._wake()


__all__ = [
    "EventHandler",
    "Intake",
    "IntakePolicy",
    "PayloadError",
    "StoreUnavailable",
    "incident_of",
]
