"""The routing stage: gather context, decide, render, create the CodeRun.

Runs in a worker for an incident whose grouping window has passed. Every step is
idempotent: the active-remediation claim and the CodeRun name make a second run (a
crashed worker's lease taken over) end in the same single CodeRun.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healer_agent.config import CodeRunSettings, SinkSettings
from healer_agent.dispatch.coderun import build_coderun
from healer_agent.dispatch.findings import SourceFindings, context_evidence, context_findings
from healer_agent.dispatch.prompts import PromptRenderer
from healer_agent.intake.fields import skip_marker
from healer_agent.logs.excerpt import shared_reads
from healer_agent.logs.redact import redact, redact_model
from healer_agent.metrics import Metrics
from healer_agent.models import (
    Agent,
    ContextBundle,
    Evidence,
    Incident,
    RoutingDecision,
    SourceStatus,
    default_failure_type,
    failure_types_for,
)
from healer_agent.pipeline import dedup
from healer_agent.pipeline.batching import GroupCommit
from healer_agent.pipeline.priority import RequestsFirst
from healer_agent.ports import CodeRunSink, ContextProvider
from healer_agent.routing.base import Routed, Router
from healer_agent.store import claims, direct, incidents
from healer_agent.store.dialect import utcnow
from healer_agent.store.tables import skip_commits
from healer_agent.tracking import admission
from healer_agent.tracking import history as attempts
from healer_agent.tracking.memory import RouteMemory
from healer_agent.tracking.policy import LoopGuard

log = structlog.get_logger("healer.dispatch")

ACTIVE_TTL = timedelta(hours=6)
SLOT_MARGIN = timedelta(minutes=10)
"""A slot outlives its CodeRun's timeout by this much, so the tracker frees it first."""
WRITES_BATCH = 32
"""Dispatch writes (admissions, records of created CodeRuns) one transaction may share."""
Signature = Callable[[list[str]], str]
Clock = Callable[[], datetime]
_transition = attempts.transition
_Write = Callable[[AsyncConnection], Awaitable[Any]]
_Admitted = admission.Verdict | None
"""Admission's verdict, or None for a duplicate (another incident holds a claim)."""


async def _in_order(conn: AsyncConnection, writes: list[_Write]) -> list[Any]:
    """Concurrent dispatches' writes, one after another in one transaction."""
    return [await write(conn) for write in writes]


def merge(views: list[Incident]) -> Incident:
    """One incident from every delivery of the same run (all failed jobs and steps)."""
    base = views[0]
    job_ids: list[int] = []
    job_names: list[str] = []
    steps = []
    for view in views:
        job_ids += [j for j in view.job_ids if j not in job_ids]
        job_names += [n for n in view.job_names if n and n not in job_names]
        steps += [s for s in view.failed_steps if s not in steps]
    richer = next((v for v in views if v.commit_message), base)
    return base.model_copy(
        update={
            "job_ids": tuple(job_ids),
            "job_names": tuple(job_names),
            "failed_steps": tuple(steps),
            "commit_message": richer.commit_message,
            "workflow_name": next((v.workflow_name for v in views if v.workflow_name), ""),
            "pr_numbers": tuple(sorted({n for v in views for n in v.pr_numbers})),
        }
    )


@dataclass(frozen=True, slots=True)
class RedactedRouted(Routed):
    """A ``Routed`` whose incident and context :meth:`Dispatcher.route` redacted.

    The type is the marker: what is derived from it (the context's findings, the stored
    evidence, the prompt) is not scanned again. A ``Routed`` built anywhere else (the CLI,
    the REPL) is redacted at each of those steps as before. ``dataclasses.replace`` keeps
    the type, so a changed decision (a handoff, an operator's choice) keeps the marker.
    """


@dataclass(frozen=True, slots=True)
class Turn:
    """An incident's place in a batch routed at once.

    Its admission waits for the one claimed before it, so under a cap the older incident is
    still admitted first (the batch's gathering and routing overlap; admission keeps order).
    """

    before: asyncio.Event | None
    mine: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)

    @staticmethod
    def chain(count: int) -> list[Turn]:
        """Turns for ``count`` incidents, oldest first."""
        turns: list[Turn] = []
        for _ in range(count):
            turns.append(Turn(turns[-1].mine if turns else None))
        return turns


@dataclass(frozen=True, slots=True)
class _Claim:
    """A first dispatch's claims to take with admission, and the agent it was handed from."""

    routed: Routed
    handoff_from: str | None


@dataclass(frozen=True, slots=True)
class DispatchSettings:
    """What the dispatcher needs from settings, and nothing more."""

    coderun: CodeRunSettings
    sink: SinkSettings
    context_timeout_s: float
    max_attempts: int
    limits: admission.Limits


class Dispatcher:
    """Routes a leased incident and creates its CodeRun, or holds it back for admission."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        context: ContextProvider,
        router: Router,
        guard: LoopGuard,
        renderer: PromptRenderer,
        sink: CodeRunSink,
        memory: RouteMemory,
        signature: Signature,
        metrics: Metrics,
        settings: DispatchSettings,
        clock: Clock = utcnow,
        priority: RequestsFirst | None = None,
    ) -> None:
        self._engine = engine
        self._priority = priority or RequestsFirst()
        self._context = context
        self._router = router
        self._guard = guard
        self._renderer = renderer
        self._sink = sink
        self._memory = memory
        self._signature = signature
        self._metrics = metrics
        self._settings = settings
        self._clock = clock
        # the incidents routed at once share their admissions' and records' commits: on
        # SQLite each is a trip through aiosqlite's thread, on PostgreSQL a WAL flush; a
        # batch that fails is run again write by write, so one cannot fail the others
        self._writes: GroupCommit[_Write, Any] = GroupCommit(
            engine, _in_order, max_batch=WRITES_BATCH
        )

    async def gather(self, incident: Incident) -> ContextBundle:
        """Context with an overall deadline; a provider failure leaves an empty, noted bundle."""
        timeout = self._settings.context_timeout_s
        try:
            return await asyncio.wait_for(self._context.gather(incident), timeout=timeout)
        except TimeoutError:
            return ContextBundle(
                sources={
                    "context": SourceStatus(status="timeout", note=f"gathering exceeded {timeout}s")
                }
            )
        except Exception as exc:  # a provider must never fail the incident; say why instead
            log.warning("context.failed", error=str(exc), run_key=incident.run_key)
            return ContextBundle(
                sources={"context": SourceStatus(status="error", note=str(exc)[:300])}
            )

    async def route(
        self, incident: Incident, context: ContextBundle, *, incident_redacted: bool = False
    ) -> Routed:
        """Decide, and compute the failure signature the loop guard and learning key on.

        Redaction happens here, at the source: whatever a source returned (a whole log, a
        PEM body cut off from its header, a password in a step title) is redacted before
        any excerpt, decision field, prompt or stored row is derived from it.
        ``incident_redacted``: the incident is its deliveries' views, which the intake
        stage stored redacted, so it is not scanned again.
        """
        if not incident_redacted:
            incident = redact_model(incident)
        context = redact_model(context)
        decision = await self._router.route(incident, context)
        self._count_llm_usage(decision)
        if incident.kind == "security_alert":
            # Every alert is its own failure (the signature masks numbers, so hash the key
            # itself): two alerts must not look like one fix retried.
            signature = hashlib.sha256(incident.run_key.encode()).hexdigest()[:16]
            return RedactedRouted(incident, context, decision, signature)
        lines = list(decision.key_error_lines) or [
            f"{decision.failure_type.value} {decision.failing_step or ''} {incident.workflow_name}"
        ]
        return RedactedRouted(incident, context, decision, self._signature(lines))

    async def refresh_memory(self) -> None:
        """Read the route memory's changes once for a batch of decisions about to be made."""
        await self._memory.refresh()

    async def process(
        self,
        incident_id: str,
        *,
        row: dict[str, Any] | None = None,
        memory_fresh: bool = False,
        turn: Turn | None = None,
    ) -> None:
        """Route and dispatch one leased incident (or admit one that was held back).

        ``row``: the incident as its claim returned it (not read again); ``memory_fresh``:
        the caller refreshed the route memory for this incident's batch; ``turn``: its
        place in the batch (the caller ends it, whatever happens here).
        """
        pushed: str | None = None
        async with self._engine.connect() as conn:
            if row is None:
                row = await incidents.get(conn, incident_id)
            if row is None or row["status"] not in ("routing", "held"):
                return
            views = await incidents.events(conn, incident_id)
            incident = merge(views) if views else Incident.model_validate(row["incident"])
            if row["status"] == "routing":  # on the same connection: one checkout, not two
                pushed = await _pushed_marker(conn, incident)
        if row["status"] == "held":
            await self.resume(incident_id, row, incident, turn=turn)
            return
        skip = _skip(incident, None, pushed)
        if skip is not None:
            await self._finish(incident_id, "skipped", skip, dedup_status="skipped")
            return
        if not memory_fresh:
            await self._memory.refresh()
        context = await self.gather(incident)
        skip = _skip(incident, context)
        if skip is not None:
            await self._finish(incident_id, "skipped", skip, dedup_status="skipped")
            return
        await self._priority.wait()  # routing and rendering are the CPU of an incident
        # the views were redacted by the intake stage before it stored them; a row without
        # views (the CLI's or the REPL's) is redacted as any other outside value
        # the findings excerpt the logs the pre-router excerpted: one scan of each
        with shared_reads():
            routed = await self.route(incident, context, incident_redacted=bool(views))
            if row.get("operator_agent"):
                routed = await self.override(routed, Agent(row["operator_agent"]))
            await self.dispatch(
                incident_id, routed, attempt=int(row.get("attempt") or 1), turn=turn
            )

    async def _finish(self, incident_id: str, status: str, reason: str, **values: Any) -> None:
        async with self._engine.begin() as conn:
            await incidents.update(
                conn, incident_id, status=status, reason=reason, lease_until=None, **values
            )
            await _transition(conn, self._metrics, incident_id, status, reason=reason)

    async def override(self, routed: Routed, agent: Agent) -> Routed:
        """An operator's choice replaces the router's, keeps its summary, and is learnt."""
        decision = routed.decision.model_copy(
            update={
                "agent": agent,
                "decided_by": "operator",
                "confidence": 1.0,
                "obvious": True,
                "failure_type": routed.decision.failure_type
                if routed.decision.failure_type in failure_types_for(agent)
                else default_failure_type(agent),
                "evidence": (
                    Evidence(
                        signal="operator",
                        agent=agent,
                        weight=10.0,
                        rule="operator",
                        detail=f"operator chose {agent.value}",
                    ),
                    *routed.decision.evidence,
                ),
                "escalate": False,
                "reason": f"operator override (router chose {routed.decision.agent.value})",
            }
        )
        async with self._engine.begin() as conn:
            await self._memory.remember(conn, routed.signature, agent, "operator")
        return dataclasses.replace(routed, decision=decision)

    async def dispatch(
        self,
        incident_id: str,
        routed: Routed,
        *,
        attempt: int = 1,
        history: list[dict[str, Any]] | None = None,
        turn: Turn | None = None,
    ) -> str | None:
        """Apply the ladder, the dedup claims and admission; create the CodeRun.

        Returns its name, or None when escalated, a duplicate, or held back.
        """
        plan = await self._guard.before_dispatch(incident_id, routed, run=self._writes.submit)
        routed = plan.routed
        incident, decision = routed.incident, routed.decision
        self._metrics.decisions.labels(tier=_tier(decision), agent=decision.agent.value).inc()
        # once, for the stored evidence and the prompt; a context this dispatcher's routing
        # redacted is not scanned again (each source's lines are redacted otherwise)
        redacted = isinstance(routed, RedactedRouted)
        findings = context_findings(routed.context, _as_given if redacted else redact)
        columns = incidents.decision_columns(decision) | {
            "signature": routed.signature,
            "context_status": _context_status(routed.context, findings, redacted=redacted),
            "handoff_agent": decision.agent.value if plan.handoff_from else None,
        }
        if plan.escalated is not None:
            await self._finish(
                incident_id, "escalated", plan.escalated, outcome="escalated", **columns
            )
            log.warning("incident.escalated", incident_id=incident_id, reason=plan.escalated)
            return None
        told = history if history is not None else plan.history
        # the prompt counts attempts at the failure (earlier incidents' too), the CodeRun
        # name the incident's own; rendered before the transaction, which holds SQLite's
        # one connection (wasted only for a duplicate, which is rare)
        prompt = self._renderer.render(
            incident,
            decision,
            routed.context,
            attempt=max(attempt, len(told) + 1),
            max_attempts=self._settings.max_attempts,
            history=told or None,
            findings=findings,
            redacted=redacted,
        )
        return await self.launch(
            incident_id,
            incident,
            decision,
            routed.signature,
            prompt,
            attempt,
            columns,
            claim=_Claim(routed, plan.handoff_from),
            turn=turn,
        )

    async def resume(
        self, incident_id: str, row: dict[str, Any], incident: Incident, *, turn: Turn | None = None
    ) -> None:
        """Held-back work asks again, with the decision and prompt made when it was held."""
        decision = RoutingDecision.model_validate(row["decision"])
        await self.launch(
            incident_id,
            redact_model(incident),
            decision,
            row["signature"],
            row["prompt"],
            int(row.get("attempt") or 1),
            {},
            held_for=row["reason"],
            turn=turn,
        )

    async def launch(
        self,
        incident_id: str,
        incident: Incident,
        decision: RoutingDecision,
        signature: str,
        prompt: str,
        attempt: int,
        columns: dict[str, Any],
        *,
        held_for: str | None = None,
        claim: _Claim | None = None,
        turn: Turn | None = None,
    ) -> str | None:
        """Pass admission control, then create the CodeRun; None when held back.

        ``held_for`` is the reason work already held was held for: held again for the same
        reason, it is not another transition. ``claim`` (a first dispatch) takes the
        root-cause and active claims in the same transaction as admission, one commit
        instead of two (a duplicate ends there); ``columns`` are stored with the prompt.
        The transaction is shared with other incidents' dispatch writes of the same moment
        (the claims are still taken one after another, so exactly one incident wins each).
        """
        now = self._clock()
        agent_run = self._settings.coderun.for_agent(decision.agent.value)
        timeout = timedelta(seconds=agent_run.timeout_s or self._settings.coderun.timeout_s)
        stored = columns | {"prompt": prompt} if claim is not None else columns

        async def admit(conn: AsyncConnection) -> _Admitted:
            duplicate: tuple[str, str] | None = None
            if claim is not None:
                duplicate = await self._take_claims(conn, incident_id, claim.routed)
                if duplicate is not None:
                    holder, reason = duplicate
                    await incidents.update(
                        conn,
                        incident_id,
                        status="duplicate",
                        reason=reason,
                        lease_until=None,
                        dedup_status="existing",
                        duplicate_of=holder,
                        **columns,
                    )
                    await _transition(conn, self._metrics, incident_id, "duplicate", reason=reason)
                elif claim.handoff_from is not None:
                    await _transition(
                        conn,
                        self._metrics,
                        incident_id,
                        "handoff",
                        reason=decision.reason,
                        from_agent=claim.handoff_from,
                        to_agent=decision.agent.value,
                    )
            if duplicate is not None:
                return None
            return await self._admit(
                conn, incident_id, incident, decision, stored, now, timeout, held_for
            )

        if turn is not None and turn.before is not None:
            await turn.before.wait()
        try:
            verdict = await self._writes.submit(admit)
        finally:
            if turn is not None:
                turn.mine.set()
        if verdict is None:  # a duplicate
            self._metrics.dedup.labels(status="existing").inc()
            return None
        if not verdict.admitted:
            self._metrics.held_back.labels(reason=verdict.kind or "").inc()
            log.info("coderun.held", incident_id=incident_id, reason=verdict.reason)
            return None
        return await self._create(
            incident_id, incident, decision, signature, prompt, attempt, stored, now, timeout
        )

    async def _admit(
        self,
        conn: AsyncConnection,
        incident_id: str,
        incident: Incident,
        decision: RoutingDecision,
        columns: dict[str, Any],
        now: datetime,
        run_timeout: timedelta,
        held_for: str | None,
    ) -> admission.Verdict:
        """Admission in the caller's transaction; held back, the incident says why."""
        verdict = await admission.admit(
            conn,
            self._settings.limits,
            incident_id=incident_id,
            repository=incident.repository,
            agent=decision.agent.value,
            ttl=run_timeout + SLOT_MARGIN,
            now=now,
        )
        if not verdict.admitted:
            # the delay is the loop's (injected) clock; the queue runs on the store's
            wait = (verdict.retry_at - now) if verdict.retry_at else timedelta(0)
            reason = f"held back: {verdict.reason}"
            await incidents.update(
                conn,
                incident_id,
                status="held",
                not_before=utcnow() + wait,
                lease_until=None,
                reason=reason,
                **columns,
            )
            if reason != held_for:
                await _transition(
                    conn,
                    self._metrics,
                    incident_id,
                    "held",
                    reason=verdict.reason,
                    kind=verdict.kind,
                )
        return verdict

    async def _create(
        self,
        incident_id: str,
        incident: Incident,
        decision: RoutingDecision,
        signature: str,
        prompt: str,
        attempt: int,
        columns: dict[str, Any],
        now: datetime,
        run_timeout: timedelta,
    ) -> str | None:
        """Create the admitted CodeRun and record it (its slot is taken).

        The record shares a transaction with other dispatches' writes; a crash before it
        commits leaves the incident leased, and the worker that takes it over finds its
        own claims and slot and the same CodeRun name (the sink creates it once).
        """
        manifest = build_coderun(
            incident,
            decision,
            prompt,
            self._settings.coderun,
            self._settings.sink.namespace,
            attempt=attempt,
        )
        result = await self._sink.create(manifest)

        async def record(conn: AsyncConnection) -> None:
            await incidents.update(
                conn,
                incident_id,
                status="dispatched",
                coderun_name=result.name,
                dispatched_at=now,
                timeout_at=now + run_timeout,
                phase=None,
                lease_until=None,
                last_error=None,
                **columns,
            )
            await attempts.start(
                conn,
                incident_id=incident_id,
                attempt=attempt,
                repository=incident.repository,
                branch=incident.branch,
                signature=signature,
                agent=decision.agent.value,
                coderun_name=result.name,
                head_sha=incident.head_sha,
            )
            await _transition(
                conn,
                self._metrics,
                incident_id,
                "dispatched",
                coderun=result.name,
                agent=decision.agent.value,
                attempt=attempt,
            )

        await self._writes.submit(record)
        if result.created:
            self._metrics.dispatched.labels(agent=decision.agent.value, sink=self._sink.name).inc()
        log.info(
            "coderun.dispatched",
            incident_id=incident_id,
            coderun=result.name,
            agent=decision.agent.value,
            failure_type=decision.failure_type.value,
            decided_by=decision.decided_by,
            created=result.created,
        )
        return result.name

    async def _take_claims(
        self, conn: AsyncConnection, incident_id: str, routed: Routed
    ) -> tuple[str, str] | None:
        """Take the root-cause and active claims; (holder, reason) when another has one."""
        incident, agent = routed.incident, routed.decision.agent
        keys = [
            (
                dedup.cause_claim_key(incident, routed.signature),
                "the same failure of this push ({sig}) is remediated by incident {holder}",
            ),
            (
                dedup.active_claim_key(incident, agent),
                f"{agent.value} is already remediating {incident.repository}@"
                f"{incident.branch} (incident {{holder}})",
            ),
        ]
        for key, text in keys:
            if key is None:
                continue
            holder = await claims.take(conn, key, incident_id, ACTIVE_TTL)
            if holder != incident_id:
                return holder, text.format(sig=routed.signature, holder=holder)
        return None

    def _count_llm_usage(self, decision: RoutingDecision) -> None:
        """Tokens and estimated cost of LLM triage, counted where they are spent (once)."""
        usage = decision.usage
        if usage is None:
            return
        model = usage.model or "unknown"
        self._metrics.llm_tokens.labels(model=model, direction="input").inc(usage.input_tokens)
        self._metrics.llm_tokens.labels(model=model, direction="output").inc(usage.output_tokens)
        self._metrics.llm_cost.inc(usage.cost_usd)


def _skip(
    incident: Incident, context: ContextBundle | None, pushed: str | None = None
) -> str | None:
    """Why to skip: ``[skip-healer]`` in the head commit, from wherever it is known.

    Any view of the run, the commit the context read (``workflow_job`` events carry no
    message), or ``pushed``: the marker a push of that commit carried (:func:`_pushed_marker`).
    """
    message = incident.commit_message or (context.commit_message if context else "") or ""
    marker = skip_marker(message)
    if marker is not None:
        return f"head commit message contains {marker}"
    if pushed:
        return f"head commit {incident.head_sha[:7]} was pushed with {pushed}"
    return None


async def _pushed_marker(conn: AsyncConnection, incident: Incident) -> str | None:
    """The skip marker a push of the incident's head commit carried.

    Asked only when the incident's own views carry none and it names a head commit.
    """
    if skip_marker(incident.commit_message or "") is not None or not incident.head_sha:
        return None
    marked = (
        await direct.execute(
            conn, _SKIP_MARKER, {"repository": incident.repository, "head_sha": incident.head_sha}
        )
    ).scalar()
    return str(marked) if marked else None


def _context_status(
    context: ContextBundle, findings: list[SourceFindings], *, redacted: bool
) -> str:
    """Each source's status, note and findings: the incident's stored evidence of context."""
    if redacted:  # findings of a redacted context: the same JSON, without a second scan
        return json.dumps({f.name: f.as_dict() for f in findings})
    return json.dumps(context_evidence(context, redact, findings))


_SKIP_MARKER = sa.select(skip_commits.c.marker).where(
    skip_commits.c.repository == sa.bindparam("repository", type_=skip_commits.c.repository.type),
    skip_commits.c.head_sha == sa.bindparam("head_sha", type_=skip_commits.c.head_sha.type),
)
"""A pushed commit's skip marker, built once (asked for every incident)."""


def _as_given(text: str) -> str:
    """The redactor for text that is redacted already."""
    return text


def _tier(decision: RoutingDecision) -> str:
    if decision.decided_by == "prerouter":
        return "obvious" if decision.obvious else "prerouter"
    return decision.decided_by
