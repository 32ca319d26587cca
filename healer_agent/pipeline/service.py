"""The Healer service: store, router, context provider, sink, and the workers.

Built once by the app factory or the CLI from ``Settings``; resources are opened in
``start`` and closed in ``stop`` (after in-flight work drains, with a deadline).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healer_agent.config import Settings
from healer_agent.dispatch.prompts import PromptRenderer
from healer_agent.dispatch.sinks import build_sink
from healer_agent.intake.normalize import PayloadError
from healer_agent.metrics import Metrics
from healer_agent.models import Agent, ContextBundle, Incident, RoutingDecision
from healer_agent.pipeline import dispatcher, intake_stage
from healer_agent.ports import CodeRunSink, ContextProvider
from healer_agent.pipeline.results import IntakeResult
from healer_agent.routing.base import Router
from healer_agent.store import inbox, incidents
from healer_agent.store.db import create_engine, upgrade_sync
from healer_agent.store.dialect import utcnow
from healer_agent.store.inbox import Delivery
from healer_agent.tracking.notify import Notifier

log = structlog.get_logger("healer")

EventHook = Callable[[AsyncConnection, Incident, Delivery], Any]


class StoreUnavailable(Exception):
    """The database cannot be reached; intake answers 503 so the sender retries."""


@dataclass
class Healer:
    """Everything one Healer process needs; see ``build_healer``."""

    settings: Settings
    engine: AsyncEngine
    router: Router
    quick_route: Callable[[Incident, ContextBundle], RoutingDecision]
    context: ContextProvider
    sink: CodeRunSink
    renderer: PromptRenderer
    redact: Callable[[str], str]
    signature: Callable[[list[str]], str]
    metrics: Metrics = field(default_factory=Metrics)
    on_other: EventHook | None = None
    """Handles lifecycle events and ChatOps commands (the tracking loop plugs in here)."""
    notifier: Notifier | None = None
    """GitHub comments and webhook notifications (built from settings when not given)."""
    route_memory: dict[str, Agent] = field(default_factory=dict)
    """Signature → agent learnt from outcomes and operators (the pre-router's memory)."""
    _last_poll: float = 0.0
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        if self.notifier is None:
            self.notifier = Notifier(self.settings)

    @property
    def notify(self) -> Notifier:
        """The notifier (always set after construction)."""
        assert self.notifier is not None
        return self.notifier

    # ------------------------------------------------------------------ lifecycle

    async def start(self, *, workers: int | None = None) -> None:
        """Migrate (if configured) and start the workers."""
        if self.settings.store.auto_migrate:
            await asyncio.to_thread(upgrade_sync, self.settings.store.url)
        from healer_agent.tracking.records import memory_snapshot

        async with self.engine.connect() as conn:
            self.route_memory.update(await memory_snapshot(conn))
        for n in range(self.settings.worker.count if workers is None else workers):
            self._tasks.append(asyncio.create_task(self._worker_loop(n), name=f"worker-{n}"))

    async def stop(self, grace_s: float = 10.0) -> None:
        """Let workers finish their current item, then close resources."""
        self._stopping.set()
        self._wake.set()
        if self._tasks:
            _done, pending = await asyncio.wait(self._tasks, timeout=grace_s)
            for task in pending:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*pending, return_exceptions=True)
        self._tasks.clear()
        await self.context.aclose()
        await self.engine.dispose()

    # ------------------------------------------------------------------ intake

    async def accept(
        self, *, endpoint: str, event_type: str, payload: dict[str, Any], delivery_id: str
    ) -> IntakeResult:
        """Store the event durably, then run the intake stage and answer for it.

        Raises ``StoreUnavailable`` when the event could not be stored (answer 503),
        ``PayloadError`` when the body lacks required fields (answer 422 — nothing stored).
        """
        text = json.dumps(self.redact_payload(payload), separators=(",", ":"))
        # Validate before storing so a 422 never leaves a poison row behind.
        intake_stage.incident_of(Delivery(0, delivery_id, endpoint, event_type, text,
                                          "pending", 0, None))
        lease = timedelta(seconds=self.settings.store.lease_s)
        result: IntakeResult | None = None
        try:
            # One transaction stores the event and runs the intake stage: one commit.
            async with self.engine.begin() as conn:
                row, is_new = await inbox.record(
                    conn, delivery_id=delivery_id, endpoint=endpoint, event_type=event_type,
                    payload=text, lease=lease)
                if is_new:
                    result = await self._intake_in(conn, row)
        except Exception as exc:
            log.warning("intake.deferred", delivery_id=delivery_id, error=str(exc))
            result = None
            try:
                async with self.engine.begin() as conn:
                    row, is_new = await inbox.record(
                        conn, delivery_id=delivery_id, endpoint=endpoint,
                        event_type=event_type, payload=text, lease=lease)
            except (SQLAlchemyError, OSError) as store_exc:
                raise StoreUnavailable(str(store_exc)) from store_exc
            if is_new:  # stored, not processed: the lease expires and a worker finishes it
                return IntakeResult(status="accepted", dedup_status="new", routing="pending",
                                    reason="stored; processing deferred",
                                    delivery_id=delivery_id)
        if not is_new or result is None:
            self.metrics.events.labels(event_type=event_type, outcome="redelivery").inc()
            return self._redelivery(row)
        self._count(row, result)
        return result

    def _count(self, row: Delivery, result: IntakeResult) -> None:
        self.metrics.events.labels(event_type=row.event_type, outcome=result.status).inc()
        self.metrics.dedup.labels(status=result.dedup_status).inc()
        if result.dedup_status == "new" and result.incident_id:
            self.metrics.incidents.labels(kind=_kind(row)).inc()
        if result.status == "accepted" and result.dedup_status == "new":
            self._wake.set()

    def _redelivery(self, row: Delivery) -> IntakeResult:
        if row.result:
            stored = IntakeResult.model_validate(row.result)
            return stored.model_copy(update={
                "dedup_status": "existing" if stored.dedup_status == "new"
                else stored.dedup_status,
                "reason": f"delivery {row.delivery_id} was already received"})
        return IntakeResult(status="accepted", dedup_status="existing", routing="pending",
                            reason=f"delivery {row.delivery_id} is being processed",
                            delivery_id=row.delivery_id)

    async def _intake_in(self, conn: AsyncConnection, row: Delivery) -> IntakeResult:
        result = await intake_stage.run(conn, row, self.settings, self.quick_route,
                                        self.on_other)
        status = "ignored" if result.status == "ignored" else "done"
        await inbox.finish(conn, row.id, status=status, incident_id=result.incident_id,
                           result=result.model_dump())
        return result

    async def _intake(self, row: Delivery) -> IntakeResult:
        async with self.engine.begin() as conn:
            result = await self._intake_in(conn, row)
        self._count(row, result)
        return result

    def redact_payload(self, value: Any) -> Any:
        """Redact every string of a JSON value before it is stored."""
        if isinstance(value, str):
            return self.redact(value) if len(value) >= 8 else value
        if isinstance(value, list):
            return [self.redact_payload(v) for v in value]
        if isinstance(value, dict):
            return {k: self.redact_payload(v) for k, v in value.items()}
        return value

    # ------------------------------------------------------------------ workers

    async def _worker_loop(self, n: int) -> None:
        poll = 0.2
        while not self._stopping.is_set():
            try:
                busy = await self.work_once()
            except (SQLAlchemyError, OSError) as exc:
                log.warning("worker.store_error", worker=n, error=str(exc))
                busy = False
                await asyncio.sleep(1.0)
            if busy:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll)

    async def work_once(self) -> bool:
        """Do one unit of work; False when the queues were empty."""
        lease = timedelta(seconds=self.settings.store.lease_s)
        async with self.engine.begin() as conn:
            stale = await inbox.claim_stale(conn, lease=lease, limit=1)
        for row in stale:
            await self._retry_intake(row)
            return True
        async with self.engine.begin() as conn:
            due = await incidents.claim_due(conn, lease=lease, limit=1)
        for incident_id in due:
            await self._route(incident_id)
            return True
        await self._refresh_gauges()
        now = asyncio.get_running_loop().time()
        if now - self._last_poll >= self.settings.worker.coderun_poll_s:
            self._last_poll = now
            from healer_agent.tracking.tracker import poll_coderuns

            await poll_coderuns(self)
        return False

    async def _retry_intake(self, row: Delivery) -> None:
        try:
            await self._intake(row)
        except (PayloadError, ValueError, SQLAlchemyError) as exc:
            self.metrics.stage_errors.labels(stage="intake").inc()
            async with self.engine.begin() as conn:
                await inbox.fail(conn, row.id, f"{type(exc).__name__}: {exc}",
                                 self.settings.store.max_attempts)

    async def _route(self, incident_id: str) -> None:
        try:
            await dispatcher.process(self, incident_id)
        except Exception as exc:
            self.metrics.stage_errors.labels(stage="dispatch").inc()
            log.warning("dispatch.failed", incident_id=incident_id, error=str(exc))
            async with self.engine.begin() as conn:
                row = await incidents.get(conn, incident_id)
                attempts = int(row["work_attempts"]) if row else 0
                dead = attempts >= self.settings.store.max_attempts
                await incidents.update(
                    conn, incident_id, last_error=f"{type(exc).__name__}: {exc}"[:4000],
                    status="dead" if dead else "routing",
                    lease_until=utcnow() + timedelta(seconds=min(2 ** attempts, 60)))

    def wake(self) -> None:
        """Tell idle workers there is work (after a ChatOps retry, say)."""
        self._wake.set()

    async def _refresh_gauges(self) -> None:
        async with self.engine.connect() as conn:
            counts = await incidents.counts(conn)
            inbox_counts = await inbox.counts(conn)
            age = await incidents.oldest_waiting_age_s(conn)
        self.metrics.queue_depth.set(counts.get("routing", 0))
        self.metrics.queue_age.set(age)
        self.metrics.dead_rows.set(inbox_counts.get("dead", 0) + counts.get("dead", 0))

    async def drain(self, limit_s: float = 30.0) -> None:
        """Work until both queues are empty (tests, ``healer triage --dispatch``)."""
        deadline = asyncio.get_running_loop().time() + limit_s
        while asyncio.get_running_loop().time() < deadline:
            if not await self.work_once():
                async with self.engine.connect() as conn:
                    waiting = (await incidents.counts(conn)).get("routing", 0)
                if not waiting:
                    return
                await asyncio.sleep(0.05)

    # ------------------------------------------------------------------ status

    async def status(self) -> dict[str, Any]:
        """Queue depth, active remediations, dead rows (``/api/status``)."""
        async with self.engine.connect() as conn:
            inbox_counts = await inbox.counts(conn)
            incident_counts = await incidents.counts(conn)
            dead = await inbox.dead(conn)
            age = await incidents.oldest_waiting_age_s(conn)
        mcp: dict[str, Any] = {}
        status_fn = getattr(self.context, "status", None)
        if callable(status_fn):
            mcp = {name: _plain(state) for name, state in status_fn().items()}
        return {
            "status": "running",
            "worker": self.worker_id,
            "queue": {"inbox": inbox_counts, "waiting_for_routing":
                      incident_counts.get("routing", 0), "oldest_waiting_s": round(age, 1)},
            "incidents": incident_counts,
            "active_remediations": incident_counts.get("dispatched", 0),
            "dead": dead,
            "sink": self.sink.name,
            "context": self.settings.context.mode,
            "mcp_servers": mcp,
            "config": {"router": self.settings.routing.router, "namespace": self.settings.sink.namespace,
                       "dedup_window_s": self.settings.dedup.window_s,
                       "workers": self.settings.worker.count,
                       "max_attempts": self.settings.loop.max_attempts},
        }


def _plain(value: Any) -> Any:
    """A dataclass or pydantic state as JSON-ready data."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    dump = getattr(value, "model_dump", None)
    return dump(mode="json") if callable(dump) else value


def _kind(row: Delivery) -> str:
    return row.event_type


def build_context(settings: Settings) -> ContextProvider:
    """The context provider ``HEALER_CONTEXT__MODE`` names."""
    from healer_agent.ports import NoContext

    if settings.context.mode == "replay":
        from healer_agent.context.replay import ReplayProvider

        return ReplayProvider.from_dir(settings.context.replay_dir)
    if settings.context.mode == "mcp":
        from healer_agent.context import build_gatherer

        return build_gatherer(settings)
    return NoContext()


def build_healer(settings: Settings, **overrides: Any) -> Healer:
    """Wire a Healer from settings; keyword overrides replace any part (tests)."""
    parts: dict[str, Any] = {"settings": settings, **overrides}
    if "redact" not in parts or "signature" not in parts:
        from healer_agent.logs import redact, signature

        parts.setdefault("redact", redact)
        parts.setdefault("signature", signature)
    memory: dict[str, Agent] = parts.setdefault("route_memory", {})
    if "router" not in parts or "quick_route" not in parts:
        from healer_agent.routing.router import build_quick_route, build_router

        parts.setdefault("router", build_router(settings, memory=memory.get))
        parts.setdefault("quick_route", build_quick_route(settings))
    if "engine" not in parts:
        parts["engine"] = create_engine(settings.store.url)
    if "context" not in parts:
        parts["context"] = build_context(settings)
    if "sink" not in parts:
        parts["sink"] = build_sink(settings)
    if "renderer" not in parts:
        parts["renderer"] = PromptRenderer(parts["redact"], settings.coderun.prompts_dir)
    parts.setdefault("notifier", Notifier(settings))
    healer = Healer(**parts)
    if "on_other" not in overrides:
        from healer_agent.tracking.events import LoopHandler

        healer.on_other = LoopHandler(healer)
    return healer
