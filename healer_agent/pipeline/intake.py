"""Intake: store an event durably, answer for it, and (in a worker) decide what it means.

The request does only what durability and the answer need: normalise the body once, store
it sealed (or, without a payload key, redacted), and look up the run's incident, in a
transaction shared with the other requests of the moment (group commit: one multi-row
insert and one lookup per batch).
The answer is given after that commit and names the incident the event belongs to (its id
derives from the run key), whether the run was already known, and a skip reason the payload
alone shows; a new failure's agent is the worker's to decide (a security alert's, always
cipher, is given). The intake stage proper (lifecycle events and
commands, the dedup claims by what failed, the incident row, its history) runs in a worker
right after, from the stored row; a delivery whose stage keeps failing is parked as dead.
If storing fails, the caller answers 503 and the sender retries.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healer_agent.intake.delivery import BodyDigest, derived_delivery_id
from healer_agent.intake.fields import PayloadError
from healer_agent.metrics import Metrics
from healer_agent.models import ContextBundle, Incident, RoutingDecision
from healer_agent.pipeline import answers
from healer_agent.pipeline.batching import GroupCommit
from healer_agent.pipeline.filter import skip_reason
from healer_agent.pipeline.prepared import Prepared
from healer_agent.pipeline.priority import RequestsFirst
from healer_agent.pipeline.stage import REMEDIABLE, IntakePolicy, incident_of
from healer_agent.results import IntakeResult
from healer_agent.store import inbox, incidents
from healer_agent.store.inbox import Delivery, NewDelivery
from healer_agent.store.seal import Sealer
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


_Stored = tuple[IntakeResult, bool, RoutingDecision | None]
"""A batch's answer for one event: the answer, whether it was stored now, its tentative route."""


class StoreUnavailable(Exception):
    """The database cannot be reached; intake answers 503 so the sender retries."""


class _Arrival(NamedTuple):
    """An event on its way into a batch: the row to store and what it normalised to."""

    delivery: NewDelivery
    incident: Incident


def _delivery_id(given: str | BodyDigest, incident: Incident) -> str:
    return derived_delivery_id(incident, given) if isinstance(given, BodyDigest) else given


def _routing(incident_id: str | None) -> dict[str, Any]:
    """The state of an incident intake has queued and the worker has yet to route."""
    return {
        "id": incident_id,
        "status": "routing",
        "agent": None,
        "failure_type": None,
        "coderun_name": None,
    }


class Intake:
    """The request path: store an event with the others of the moment, and answer."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        policy: IntakePolicy,
        quick_route: QuickRoute,
        redact_json: JsonRedactor,
        metrics: Metrics,
        wake: Callable[[], None],
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
        self._redact_json = redact_json
        self._metrics = metrics
        self._wake = wake
        self._children: dict[tuple[int | str, ...], Any] = {}
        # the counters an accepted event moves, by what it is (event, answer): one lookup
        self._counters: dict[tuple[str, str, str, bool], tuple[Any, ...]] = {}
        # PostgreSQL: a batch's one statement waits for its WAL flush; up to three in
        # flight keep the requests of that wait from queueing behind it. SQLite has one
        # connection and one writer: batches commit in turn.
        self._group: GroupCommit[_Arrival, _Stored] = GroupCommit(
            engine,
            self._store,
            commits=True,
            flushers=3 if engine.dialect.name == "postgresql" else 1,
        )

    async def accept(
        self,
        *,
        endpoint: str,
        event_type: str,
        payload: dict[str, Any],
        delivery_id: str | BodyDigest,
        text: str | None = None,
    ) -> IntakeResult:
        """Store the event durably and answer for it (the intake stage follows in a worker).

        ``delivery_id`` is the sender's (made storable), or the body's digest when it gave
        none: the id is then derived from it once the payload is read
        (``intake.delivery``).
        ``text`` is the JSON the payload was decoded from, when the caller has it: sealed,
        or stored as it is when redaction changed nothing, instead of encoding the payload
        again.
        Raises ``StoreUnavailable`` when the event could not be stored (answer 503),
        ``PayloadError`` when the body lacks required fields (answer 422, nothing stored).
        """
        started = time.perf_counter()
        priority = self._priority
        priority.begin()
        try:
            return await self._accept(endpoint, event_type, payload, delivery_id, text)
        finally:
            priority.end()
            self._child(self._metrics.intake_seconds, endpoint).observe(
                time.perf_counter() - started
            )

    def _child(self, metric: Any, *values: str) -> Any:
        """A metric's child for these label values, looked up once (the values are few)."""
        key: tuple[int | str, ...] = (id(metric), *values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child

    async def _accept(
        self,
        endpoint: str,
        event_type: str,
        payload: dict[str, Any],
        given: str | BodyDigest,
        text: str | None = None,
    ) -> IntakeResult:
        if self._sealer is not None:
            # Sealed as received; its incident is redacted by the stage before it is stored.
            # Normalised before storing, so a 422 never leaves a poison row behind.
            incident = incident_of(endpoint, event_type, payload)
            delivery_id = _delivery_id(given, incident)
            if text is None:
                text = json.dumps(payload, separators=(",", ":"))
            text = self._sealer.seal(text, delivery_id)
        else:
            redacted = self._redact_json(payload)
            if text is None or redacted != payload:  # what is stored holds no secret either way
                text = json.dumps(redacted, separators=(",", ":"))
            incident = incident_of(endpoint, event_type, redacted)
            delivery_id = _delivery_id(given, incident)
        run_key = incident.run_key if incident.kind in REMEDIABLE else None
        item = _Arrival(
            NewDelivery(
                delivery_id,
                endpoint,
                event_type,
                text,
                run_key,
            ),
            incident,
        )
        try:
            answer, is_new, tentative = await self._group.submit(item)
        except (SQLAlchemyError, OSError) as exc:
            raise StoreUnavailable(str(exc)) from exc
        if is_new:
            if self._prepared is not None:  # stored: its stage need not derive it again
                self._prepared.put(delivery_id, incident, tentative)
            self._count(event_type, answer)
            self._wake()
        else:
            if answer.routing == "pending" and answer.dedup_status == "existing":
                # stored by a batch that failed after its commit, or a redelivery of a
                # pending one: either way the worker may look (it finds nothing new at worst)
                self._wake()
            label = event_type if event_type in KNOWN_EVENTS else "other"
            self._child(self._metrics.events, label, "redelivery").inc()
        return answer

    async def _store(self, conn: AsyncConnection, batch: list[_Arrival]) -> list[_Stored]:
        """One batch: a multi-row insert, one lookup of the runs' incidents, the answers.

        The batch is committed by ``admit`` (on SQLite in the one trip to the driver's
        thread; on PostgreSQL its one statement commits itself), before any answer.
        """
        if conn.dialect.name == "postgresql":  # one round trip: no begin, no commit
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        keys = [a.incident.run_key for a in batch if a.incident.kind in REMEDIABLE]
        admitted = await inbox.admit(conn, [a.delivery for a in batch], keys, commit=True)
        known, stored = admitted.known, admitted.stored
        for run_key in admitted.waiting:
            known[run_key] = _routing(incidents.id_for(run_key))
        answers: list[_Stored] = []
        claimed: set[str] = set()
        for arrival in batch:
            delivery_id = arrival.delivery.delivery_id
            if delivery_id not in stored or delivery_id in claimed:
                row = await inbox.get(conn, delivery_id)
                assert row is not None
                answers.append((await self._redelivery(conn, row), False, None))
                continue
            claimed.add(delivery_id)
            answer, tentative = self._answer(arrival.incident, delivery_id, known)
            answers.append((answer, True, tentative))
            run_key = arrival.incident.run_key
            if arrival.incident.kind in REMEDIABLE and run_key not in known:
                # a later job of this run joins it; the answer named its incident (the id
                # derives from the run key: a digest, not taken twice)
                known[run_key] = _routing(answer.incident_id)
        return answers

    def _answer(
        self, incident: Incident, delivery_id: str, known: dict[str, dict[str, Any]]
    ) -> tuple[IntakeResult, RoutingDecision | None]:
        """What the payload and the run's incident say now; the worker's stage follows.

        With the answer, the tentative route when one was taken (a new failure's).
        """
        if incident.kind == "command":
            refusal = command_refusal(incident)  # what the payload alone shows untrusted
            if refusal is not None:
                return (
                    IntakeResult(
                        status="ignored",
                        dedup_status="skipped",
                        routing="final",
                        reason=refusal,
                        delivery_id=delivery_id,
                    ),
                    None,
                )
            return (
                IntakeResult(
                    status="accepted",
                    dedup_status="new",
                    routing="pending",
                    reason="command recorded; it runs once checked",
                    delivery_id=delivery_id,
                ),
                None,
            )
        if incident.kind not in REMEDIABLE:  # lifecycle and unknown events start nothing
            return (
                IntakeResult(
                    status="ignored",
                    dedup_status="skipped",
                    routing="final",
                    reason=str(incident.lifecycle.get("reason", "event not handled"))
                    if incident.kind == "ignored"
                    else "lifecycle event recorded; open remediations are checked against it",
                    delivery_id=delivery_id,
                ),
                None,
            )
        settings = self._policy.intake
        incident_id = incidents.id_for(incident.run_key)
        reason = skip_reason(incident, settings.repo_allowlist, settings.process_bot_senders)
        if reason is not None:
            return answers.skipped_run(incident_id, reason, delivery_id), None
        current = known.get(incident.run_key)
        if current is not None:
            return answers.known_run(current, delivery_id), None
        if incident.kind != "security_alert":
            # The route is the worker's, from the failure's context; taken here from the
            # payload alone it was a guess the answer said was pending, and ~15% of a
            # request's CPU. The worker's stage takes it (Prepared keeps None for it).
            return answers.queued_failure(incident_id, delivery_id), None
        tentative = self._quick_route(incident, ContextBundle())  # an alert's is final
        return answers.new_failure(incident, incident_id, tentative, delivery_id), tentative

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
        key = (event_type, answer.status, answer.dedup_status, bool(answer.incident_id))
        counters = self._counters.get(key)
        if counters is None:
            counters = self._counters[key] = self._counters_for(*key)
        for counter in counters:
            counter.inc()

    def _counters_for(
        self, event_type: str, status: str, dedup_status: str, has_incident: bool
    ) -> tuple[Any, ...]:
        """The counters an accepted event of this kind moves (its answer says which)."""
        metrics = self._metrics
        counters = [metrics.events.labels(event_type, status), metrics.dedup.labels(dedup_status)]
        if dedup_status == "new" and has_incident:
            counters.append(metrics.incidents.labels(event_type))
        return tuple(counters)


__all__ = [
    "Intake",
    "IntakePolicy",
    "PayloadError",
    "StoreUnavailable",
    "incident_of",
]
