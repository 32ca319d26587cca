"""The composition root: every component built once from ``Settings``, and its lifecycle.

Only entry points (the HTTP app, the CLI, the REPL, tests) import this module. Each
component below is handed the few things it uses (an engine, a sink, a notifier, a
clock-free policy), never this object, so the import graph points one way: entry points →
composition → orchestration (pipeline, tracking) → adapters → core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.config import Settings
from healer_agent.context.runtime import ContextRuntime, build_context_runtime
from healer_agent.dispatch.prompts import PromptRenderer
from healer_agent.dispatch.sinks import build_sink
from healer_agent.logs import redact, signature
from healer_agent.logs.redact import redact_json
from healer_agent.metrics import Metrics
from healer_agent.pipeline.dispatcher import Dispatcher, DispatchSettings
from healer_agent.pipeline.intake import Intake
from healer_agent.pipeline.prepared import Prepared
from healer_agent.pipeline.priority import RequestsFirst
from healer_agent.pipeline.stage import IntakePolicy, IntakeStage
from healer_agent.pipeline.status import StatusReport
from healer_agent.pipeline.worker import Worker, WorkerSettings
from healer_agent.ports import CodeRunSink, ContextProvider
from healer_agent.routing.base import Router
from healer_agent.routing.router import build_quick_route, build_router
from healer_agent.store.db import create_engine, ensure_schema
from healer_agent.store.dialect import utcnow
from healer_agent.store.seal import sealer_for
from healer_agent.store.wakeup import WorkListener
from healer_agent.tracking.admission import Limits
from healer_agent.tracking.commands import CommandRunner
from healer_agent.tracking.events import LoopEvents
from healer_agent.tracking.memory import RouteMemory
from healer_agent.tracking.notify import Notifier
from healer_agent.tracking.outcomes import Clock, Outcomes
from healer_agent.tracking.policy import LoopGuard
from healer_agent.tracking.tracker import CodeRunTracker


@dataclass
class Healer:
    """A running Healer: the components, built and wired, with one start and one stop."""

    settings: Settings
    engine: AsyncEngine
    metrics: Metrics
    http: httpx.AsyncClient
    context: ContextRuntime
    sink: CodeRunSink
    router: Router
    renderer: PromptRenderer
    memory: RouteMemory
    notifier: Notifier
    intake: Intake
    dispatcher: Dispatcher
    worker: Worker
    tracker: CodeRunTracker
    status: StatusReport
    payloads: str = "redacted before storing"
    """How stored bodies are kept from being read: sealed (and by which key) or redacted."""
    _started: bool = field(default=False, repr=False)

    async def start(self, *, workers: int | None = None) -> None:
        """Migrate (when configured), load route memory, warm context, start workers."""
        if self.settings.store.auto_migrate:
            await ensure_schema(self.engine, self.settings.store.url)
        await self.memory.load()
        await self.context.start()
        count = self.settings.worker.count if workers is None else workers
        await self.worker.start(count)
        self._started = True

    async def stop(self, grace_s: float = 10.0) -> None:
        """Let workers finish their item, then close context, HTTP and the database."""
        await self.worker.stop(grace_s)
        await self.context.aclose()
        await self.http.aclose()
        await self.engine.dispose()

    def describe(self) -> list[str]:
        """What runs, in a few lines: store, sink, context, router tiers and why one is off."""
        s = self.settings
        store = "PostgreSQL" if s.store.is_postgres else f"SQLite ({s.store.url.split('///')[-1]})"
        sink = {
            "file": f"file sink ({s.sink.dir})",
            "stdout": "stdout sink",
            "kubernetes": f"Kubernetes sink (namespace {s.sink.namespace})",
        }[s.sink.kind]
        context = {
            "replay": f"replayed cases from {s.context.replay_dir}",
            "mcp": f"MCP servers of {s.context.mcp_config}",
            "none": "none (the payload only)",
        }[s.context.mode]
        sources = ", ".join(
            f"{name}: {_phase(state)}" for name, state in self.context.status().items()
        )
        tiers = {
            "matrix": "design matrix",
            "prerouter": "pre-router",
            "llm": "LLM triage for every incident",
            "full": "pre-router, then LLM triage when not obvious",
        }[s.routing.router]
        off = s.llm_ready
        lines = [
            f"store: {store}; workers: {s.worker.count}; bodies at rest: {self.payloads}",
            f"sink: {sink}",
            f"context: {context}" + (f" [{sources}]" if sources else ""),
            f"routing: {tiers}"
            + (
                f" ({s.triage.model})"
                if off is None and s.routing.router in ("llm", "full")
                else ""
            ),
        ]
        if off is not None and s.routing.router in ("llm", "full"):
            lines.append(f"LLM triage: off ({off}); the pre-router decides every incident")
        return lines

    async def drain(self, limit_s: float = 30.0) -> None:
        """Process everything queued, inline (tests, ``healer triage --dispatch``)."""
        await self.worker.drain(limit_s)


def build_healer(
    settings: Settings,
    *,
    context: ContextProvider | ContextRuntime | None = None,
    router: Router | None = None,
    sink: CodeRunSink | None = None,
    notifier: Notifier | None = None,
    engine: AsyncEngine | None = None,
    http: httpx.AsyncClient | None = None,
    clock: Clock = utcnow,
) -> Healer:
    """Build every component from settings; keyword arguments replace one (tests, tools).

    ``clock`` is the time the loop's deadlines (agent timeouts, confirmation, the breaker's
    cool-down) are measured by; tests move it instead of waiting.
    """
    engine = engine or create_engine(settings.store.url)
    metrics = Metrics()
    priority = RequestsFirst()  # shared: the requests in flight go before the worker's work
    http = http or httpx.AsyncClient(timeout=10.0)
    runtime = _runtime(settings, context)
    runtime.bind_metrics(metrics)
    sink = sink or build_sink(settings.sink)
    memory = RouteMemory(engine)
    if router is None:
        routing = settings
        if settings.llm_ready is not None and settings.routing.router in ("llm", "full"):
            # Said once at start (describe()), not as a warning on every incident.
            routing = settings.model_copy(
                update={"routing": settings.routing.model_copy(update={"router": "prerouter"})}
            )
        router = build_router(
            routing,
            memory.get,
            toolsets=runtime.triage_toolsets or None,
            hints=runtime.triage_hints,
        )
    notifier = notifier or Notifier(settings.github, settings.notify, http)
    renderer = PromptRenderer(redact, settings.coderun.prompts_dir)
    loop = settings.loop
    limits = Limits(
        max_in_flight=loop.max_in_flight,
        max_per_repo=loop.max_in_flight_per_repo,
        breaker_failures=loop.breaker_failures,
        breaker_cooldown_s=loop.breaker_cooldown_s,
        hold_retry_s=loop.hold_retry_s,
    )
    outcomes = Outcomes(
        metrics, memory, limits, confirm_timeout_s=loop.confirm_timeout_s, clock=clock
    )
    tracker = CodeRunTracker(
        engine,
        sink,
        metrics,
        outcomes,
        page=settings.worker.tracker_page,
        concurrency=settings.worker.tracker_concurrency,
    )
    dispatcher = Dispatcher(
        engine,
        context=runtime.provider,
        router=router,
        guard=LoopGuard(
            engine,
            notifier,
            metrics,
            outcomes,
            max_attempts=loop.max_attempts,
            handoff_min_ratio=loop.handoff_min_ratio,
        ),
        renderer=renderer,
        sink=sink,
        memory=memory,
        signature=signature,
        metrics=metrics,
        settings=DispatchSettings(
            coderun=settings.coderun,
            sink=settings.sink,
            context_timeout_s=settings.context.timeout_s,
            max_attempts=loop.max_attempts,
            limits=limits,
        ),
        clock=clock,
        priority=priority,
    )
    wake = _Waker()
    policy = IntakePolicy(settings.intake, settings.dedup, settings.store)
    quick_route = build_quick_route(settings)
    prepared = Prepared()  # what a request derived, for its intake stage in this process
    sealer, key_origin = sealer_for(settings.store)
    intake = Intake(
        engine,
        policy=policy,
        quick_route=quick_route,
        redact_json=redact_json,
        metrics=metrics,
        wake=wake,
        priority=priority,
        prepared=prepared,
        sealer=sealer,
    )
    stage = IntakeStage(
        engine,
        policy=policy,
        quick_route=quick_route,
        metrics=metrics,
        events=LoopEvents(metrics, outcomes, wake),
        priority=priority,
        prepared=prepared,
        sealer=sealer,
    )
    listener = WorkListener(settings.store.url) if settings.store.is_postgres else None
    commands = CommandRunner(
        engine,
        notifier,
        metrics,
        max_attempts=loop.max_attempts,
        lease_s=settings.store.lease_s,
        max_tries=settings.store.max_attempts,
    )
    worker = Worker(
        engine,
        intake=stage,
        dispatcher=dispatcher,
        tracker=tracker,
        commands=commands,
        metrics=metrics,
        listener=listener,
        priority=priority,
        settings=WorkerSettings(
            lease_s=settings.store.lease_s,
            max_attempts=settings.store.max_attempts,
            coderun_poll_s=settings.worker.coderun_poll_s,
        ),
    )
    wake.target = worker.wake
    status = StatusReport(
        engine,
        worker_id=worker.worker_id,
        sink=sink.name,
        context_mode=runtime.mode,
        context_status=runtime.status,
        config={
            "router": settings.routing.router,
            "namespace": settings.sink.namespace,
            "dedup_window_s": settings.dedup.window_s,
            "workers": settings.worker.count,
            "max_attempts": loop.max_attempts,
            "max_in_flight": loop.max_in_flight,
            "max_in_flight_per_repo": loop.max_in_flight_per_repo,
            "breaker_failures": loop.breaker_failures,
        },
        clock=clock,
    )
    return Healer(
        settings=settings,
        engine=engine,
        metrics=metrics,
        http=http,
        context=runtime,
        sink=sink,
        router=router,
        renderer=renderer,
        memory=memory,
        notifier=notifier,
        intake=intake,
        dispatcher=dispatcher,
        worker=worker,
        tracker=tracker,
        status=status,
        payloads=f"redacted before storing ({key_origin})"
        if sealer is None
        else f"sealed, AES-256-GCM ({key_origin})",
    )


def _phase(state: Any) -> str:
    return str(getattr(state, "phase", None) or getattr(state, "status", None) or state)


class _Waker:
    """Intake and the loop events are built before the worker they wake."""

    target: Any = None

    def __call__(self) -> None:
        if self.target is not None:
            self.target()


def _runtime(
    settings: Settings, context: ContextProvider | ContextRuntime | None
) -> ContextRuntime:
    if context is None:
        return build_context_runtime(settings)
    if isinstance(context, ContextRuntime):
        return context
    return ContextRuntime(
        context, mode=settings.context.mode, _status=getattr(context, "status", None)
    )


__all__ = ["Healer", "build_healer"]
