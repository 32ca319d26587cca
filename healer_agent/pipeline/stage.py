"""The intake stage: what a stored event means, run by a worker right after intake.

Lifecycle events and ChatOps commands go to the loop; the rest is filtered, and a failure is
admitted: its incident created (the id intake already answered with), the claims by what
failed taken (a duplicate is recorded as such), its history started, workers woken. Several
deliveries share a transaction; one that keeps failing is parked as dead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healer_agent.config import DedupSettings, IntakeSettings, StoreSettings
from healer_agent.intake.normalize import PayloadError, normalize, workflow_run
from healer_agent.intake.payloads import unwrap
from healer_agent.logs.redact import redact_model
from healer_agent.metrics import Metrics
from healer_agent.models import ContextBundle, Incident, RoutingDecision
from healer_agent.pipeline import answers, dedup
from healer_agent.pipeline.filter import repo_allowed, skip_reason
from healer_agent.pipeline.prepared import Prepared
from healer_agent.pipeline.priority import RequestsFirst
from healer_agent.results import IntakeResult
from healer_agent.store import claims, inbox, incidents
from healer_agent.store.dialect import utcnow
from healer_agent.store.inbox import Delivery
from healer_agent.store.seal import Sealer, open_stored
from healer_agent.store.wakeup import notify_work
from healer_agent.tracking import history

QuickRoute = Callable[[Incident, ContextBundle], RoutingDecision]


class EventHandler(Protocol):
    """Handles lifecycle events and commands inside the intake transaction."""

    async def handle(self, conn: AsyncConnection, incident: Incident) -> IntakeResult | None:
        """An answer, or None to give the default one."""
        ...


REMEDIABLE = ("ci_failure", "security_alert")
"""Incident kinds that become remediations (the rest are loop events or ignored)."""


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
    if unwrapped.event == "workflow_run":
        # the sensor's usual body, read as the sensor's at once instead of copied to say so
        # (the copy was ~1.5% of an intake request); an ignored action is answered below
        incident = workflow_run(unwrapped.body, source="sensor")
        if incident.source == "sensor":
            return incident
    incident = normalize(unwrapped.event, unwrapped.body)
    if incident.kind == "security_alert" or incident.source == "sensor":
        return incident
    return incident.model_copy(update={"source": "sensor"})


class IntakeStage:
    """Runs the intake stage of stored deliveries (the worker path)."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        policy: IntakePolicy,
        quick_route: QuickRoute,
        metrics: Metrics,
        events: EventHandler | None = None,
        priority: RequestsFirst | None = None,
        prepared: Prepared | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        self._engine = engine
        self._prepared = prepared
        self._sealer = sealer
        self._priority = priority or RequestsFirst()
        self._policy = policy
        self._quick_route = quick_route
        self._metrics = metrics
        self._events = events

    async def finish(self, row: Delivery) -> IntakeResult:
        """Run the intake stage of one stored delivery (the worker path)."""
        prepared = self._prepare(row)
        async with self._engine.begin() as conn:
            return await self._stage(conn, row, *prepared)

    async def finish_batch(self, rows: list[Delivery]) -> None:
        """The intake stage of several deliveries, sharing transactions.

        On SQLite a transaction holds the one connection the requests' group commit needs,
        so it commits early, after the delivery during which a request arrived, and the
        rest follow in another once the requests are answered. If a transaction fails, each
        delivery not yet committed runs alone, and one that fails alone counts an attempt
        against its row (parked as dead past the limit) without holding the others back.
        """
        yield_early = self._engine.dialect.name == "sqlite"
        start = 0
        try:
            # The CPU work first: on SQLite the transaction holds the one connection, which
            # the intake requests wait for, so it is opened only for the statements. Each
            # delivery's parsing and tentative route is a slice of the loop's time: the
            # requests in flight go first between them.
            prepared = []
            for row in rows:
                await self._priority.wait()
                prepared.append(self._prepare(row))
            while start < len(rows):
                await self._priority.wait()
                end = start
                async with self._engine.begin() as conn:
                    while end < len(rows):
                        incident, tentative = prepared[end]
                        await self._stage(conn, rows[end], incident, tentative)
                        end += 1
                        if yield_early and self._priority.active:
                            break
                start = end
            return
        except (PayloadError, ValueError, SQLAlchemyError) as exc:
            if len(rows) - start == 1:
                await self.fail(rows[start], f"{type(exc).__name__}: {exc}")
                return
        for row in rows[start:]:
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

    def _prepare(self, row: Delivery) -> tuple[Incident, RoutingDecision | None]:
        """A stored delivery's incident and, for a security alert, its route (cipher).

        Taken from what the request derived from the same body when this process has it
        (an alert's route included), else derived from the row; redacted either way.
        """
        derived = self._prepared.take(row.delivery_id) if self._prepared is not None else None
        if derived is not None and derived.routed:
            return self._kept(derived.incident), derived.tentative
        if derived is not None:
            incident = derived.incident
        else:
            text = open_stored(self._sealer, row.payload, row.delivery_id)
            incident = incident_of(row.endpoint, row.event_type, json.loads(text))
        incident = self._kept(incident)
        settings = self._policy.intake
        if (
            incident.kind not in REMEDIABLE
            or skip_reason(incident, settings.repo_allowlist, settings.process_bot_senders)
            is not None
        ):
            return incident, None
        # A CI failure's route is the dispatcher's, from its context; a guess from the
        # payload alone (a pre-router run per failure, ~2% of the loop's time end to end)
        # told no one more than "pending". An alert's is final: cipher.
        if incident.kind != "security_alert":
            return incident, None
        return incident, self._quick_route(incident, ContextBundle())

    def _kept(self, incident: Incident) -> Incident:
        """The incident as it may be stored and passed on: redacted.

        A sealed body's incident was normalised from the body as received; a body stored
        redacted gave a redacted one already.
        """
        return redact_model(incident) if self._sealer is not None else incident

    async def _stage(
        self,
        conn: AsyncConnection,
        row: Delivery,
        incident: Incident,
        tentative: RoutingDecision | None,
    ) -> IntakeResult:
        answer = await self._decide(conn, incident, row.delivery_id, tentative)
        status = "ignored" if answer.status == "ignored" else "done"
        await inbox.finish(
            conn, row.id, status=status, incident_id=answer.incident_id, result=answer.model_dump()
        )
        return answer

    async def _decide(
        self,
        conn: AsyncConnection,
        incident: Incident,
        delivery_id: str,
        tentative: RoutingDecision | None,
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
            return answers.skipped_run(incident_id, reason, delivery_id)
        return await self._admit(conn, incident, delivery_id, tentative)

    async def _admit(
        self,
        conn: AsyncConnection,
        incident: Incident,
        delivery_id: str,
        tentative: RoutingDecision | None,
    ) -> IntakeResult:
        """Create the incident (or join the existing one) and queue it for routing."""
        window = self._policy.dedup
        not_before = utcnow() + timedelta(seconds=window.group_wait_s)
        # tentative: an alert's route (``_prepare`` takes it); None for a CI failure
        incident_id, created = await incidents.create_or_get(
            conn,
            incident,
            status="routing",
            dedup_status="new",
            not_before=not_before,
            extra={}
            if tentative is None
            else {"agent": tentative.agent.value, "failure_type": tentative.failure_type.value},
        )
        await incidents.add_event(conn, incident_id, delivery_id, incident)
        if not created:
            row = await incidents.get(conn, incident_id)
            assert row is not None
            check_key = dedup.check_claim_key(incident)
            if check_key is not None:  # this job's check run is now this incident's too
                await claims.take(conn, check_key, incident_id, timedelta(days=1))
            return answers.known_run(row, delivery_id)
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
        if tentative is None:
            return answers.queued_failure(incident_id, delivery_id)
        return answers.new_failure(incident, incident_id, tentative, delivery_id)


__all__ = ["REMEDIABLE", "EventHandler", "IntakePolicy", "IntakeStage", "incident_of"]
