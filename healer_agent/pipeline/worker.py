"""The worker loop: stored events, ChatOps commands, due and held work, open CodeRuns.

Each worker finishes stored events, runs ChatOps commands, routes due incidents (and
admits held-back ones), and follows open CodeRuns.

Idle workers sleep until the next row becomes claimable (a grouping window or a lease
ends) or until they are woken: in-process when intake admits work, and across replicas on
PostgreSQL by ``LISTEN`` (SQLite's processes each work what they received). Polling stays
only as a slow backstop, so an idle server costs next to nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from healer_agent.metrics import Metrics
from healer_agent.pipeline.dispatcher import Dispatcher, Turn
from healer_agent.pipeline.priority import RequestsFirst
from healer_agent.pipeline.stage import IntakeStage
from healer_agent.store import claims, inbox, incidents
from healer_agent.store.dialect import utcnow
from healer_agent.store.wakeup import WorkListener
from healer_agent.tracking import admission
from healer_agent.tracking.commands import CommandRunner, pending
from healer_agent.tracking.tracker import CodeRunTracker

log = structlog.get_logger("healer.worker")

INTAKE_BATCH = 8
"""Stored deliveries whose intake stage one transaction runs: small, because on SQLite the
intake requests wait for the one connection while it is held (8 gave 2x the throughput of 32
and a p99 at 200 requests/s of about half, in benchmarks/intake.py)."""
ROUTE_BATCH = 4
"""Due incidents one worker leases in one transaction and routes concurrently: one claim's
commit, one turn of the loop's other claims and one route-memory read for all of them, and
their context gathering and triage (network waits outside the benchmark) overlap. Small, so
a batch's leases stay far inside ``lease_s`` and other workers and replicas share the work."""
IDLE_MAX_S = 30.0
"""The longest an idle worker sleeps without being woken (a backstop, not the mechanism)."""
SWEEP_AFTER = timedelta(hours=1)
"""How long after it expired a claim is deleted (``claims.sweep``)."""


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """What the worker loop reads from settings."""

    lease_s: float
    max_attempts: int
    coderun_poll_s: float


class Worker:
    """Runs ``count`` loops over the shared queues; ``drain`` does the same inline (tests)."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        intake: IntakeStage,
        dispatcher: Dispatcher,
        tracker: CodeRunTracker,
        commands: CommandRunner,
        metrics: Metrics,
        settings: WorkerSettings,
        listener: WorkListener | None = None,
        priority: RequestsFirst | None = None,
    ) -> None:
        self._engine = engine
        self._priority = priority or RequestsFirst()
        self._intake = intake
        self._commands = commands
        self._dispatcher = dispatcher
        self._tracker = tracker
        self._metrics = metrics
        self._settings = settings
        self._listener = listener
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._last_poll = 0.0

    def wake(self) -> None:
        """Tell idle workers there is work."""
        self._wake.set()

    async def start(self, count: int) -> None:
        """Start the loops (and the cross-replica listener when there is one)."""
        if count and self._listener is not None:
            await self._listener.start(self.wake)
        for n in range(count):
            self._tasks.append(asyncio.create_task(self._loop(n), name=f"worker-{n}"))

    async def stop(self, grace_s: float = 10.0) -> None:
        """Let the loops finish their current item, then cancel what is left."""
        self._stopping.set()
        self._wake.set()
        if self._tasks:
            _done, pending = await asyncio.wait(self._tasks, timeout=grace_s)
            for task in pending:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*pending, return_exceptions=True)
        self._tasks.clear()
        if self._listener is not None:
            await self._listener.stop()

    async def _loop(self, n: int) -> None:
        while not self._stopping.is_set():
            try:
                busy = await self.work_once()
                pause = 0.0 if busy else await self._idle_for()
            except (SQLAlchemyError, OSError) as exc:
                log.warning("worker.store_error", worker=n, error=str(exc))
                pause = 1.0
            if pause <= 0:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=pause)

    async def _idle_for(self) -> float:
        """Seconds until the next row becomes claimable, the next CodeRun poll, or the cap."""
        async with self._engine.connect() as conn:
            times = [await incidents.next_due_at(conn), await inbox.next_stale_at(conn)]
        now = utcnow()
        waits = [max(0.01, (t - now).total_seconds()) for t in times if t is not None]
        if self._settings.coderun_poll_s > 0:
            loop_now = asyncio.get_running_loop().time()
            waits.append(max(0.01, self._last_poll + self._settings.coderun_poll_s - loop_now))
        return min([IDLE_MAX_S, *waits])

    async def work_once(self) -> bool:
        """Do one unit of work; False when the queues were empty."""
        lease = timedelta(seconds=self._settings.lease_s)
        await self._priority.wait()
        if await self.intake_pending(rounds=1):
            return True
        if await self._commands.run_once():
            return True
        await self._priority.wait()
        async with self._engine.begin() as conn:
            due = await incidents.claim_due_rows(conn, lease=lease, limit=ROUTE_BATCH)
        if due:
            fresh = await self._refresh_memory()
            turns = Turn.chain(len(due))
            routed = (
                self._route(row, memory_fresh=fresh, turn=turn)
                for row, turn in zip(due, turns, strict=True)
            )
            # each finishes before a failure is raised, so none is left running unwatched
            failed = [r for r in await asyncio.gather(*routed, return_exceptions=True) if r]
            if failed:
                raise failed[0]
            return True
        now = asyncio.get_running_loop().time()
        if now - self._last_poll >= self._settings.coderun_poll_s:
            self._last_poll = now
            await self._refresh_gauges()
            await self._tracker.poll()
            await self._sweep_claims()
        return False

    async def _sweep_claims(self) -> None:
        """Delete a batch of claims that expired ``SWEEP_AFTER`` ago, as often as the poll.

        The margin keeps a replica whose clock runs ahead from deleting claims the others
        still hold.
        """
        async with self._engine.begin() as conn:
            await claims.sweep(conn, utcnow() - SWEEP_AFTER)

    async def intake_pending(self, *, rounds: int | None = None) -> int:
        """Run the intake stage of stored deliveries, a batch per transaction.

        ``rounds`` bounds the batches taken (one from the worker loop, so routing and
        commands get their turn); returns how many deliveries were processed.
        """
        lease = timedelta(seconds=self._settings.lease_s)
        done = 0
        while rounds is None or rounds > 0:
            async with self._engine.begin() as conn:
                rows = await inbox.claim_stale(conn, lease=lease, limit=INTAKE_BATCH)
            if not rows:
                break
            await self._intake.finish_batch(rows)
            done += len(rows)
            if rounds is not None:
                rounds -= 1
        return done

    async def _refresh_memory(self) -> bool:
        """The route memory read once for a batch; False (each incident reads it) on error."""
        try:
            await self._dispatcher.refresh_memory()
        except (SQLAlchemyError, OSError) as exc:
            log.warning("worker.memory_refresh_failed", error=str(exc))
            return False
        return True

    async def _route(self, row: dict[str, Any], *, memory_fresh: bool, turn: Turn) -> None:
        incident_id = str(row["id"])
        try:
            await self._dispatcher.process(
                incident_id, row=row, memory_fresh=memory_fresh, turn=turn
            )
        except Exception as exc:  # any stage failure is retried with backoff, never lost
            self._metrics.stage_errors.labels(stage="dispatch").inc()
            log.warning("dispatch.failed", incident_id=incident_id, error=str(exc))
            async with self._engine.begin() as conn:
                current = await incidents.get(conn, incident_id)
                attempts = int(current["work_attempts"]) if current else 0
                dead = attempts >= self._settings.max_attempts
                await incidents.update(
                    conn,
                    incident_id,
                    last_error=f"{type(exc).__name__}: {exc}"[:4000],
                    status="dead" if dead else "routing",
                    lease_until=utcnow() + timedelta(seconds=min(2**attempts, 60)),
                )
        finally:  # skipped, escalated or failed before admission: the next one's turn
            turn.mine.set()

    async def _refresh_gauges(self) -> None:
        async with self._engine.connect() as conn:
            counts = await incidents.counts(conn)
            inbox_counts = await inbox.counts(conn)
            age = await incidents.oldest_waiting_age_s(conn)
            lag = await inbox.oldest_pending_age_s(conn)
        self._metrics.inbox_pending.set(inbox_counts.get("pending", 0))
        self._metrics.inbox_lag.set(lag)
        self._metrics.queue_depth.set(counts.get("routing", 0))
        self._metrics.queue_age.set(age)
        self._metrics.dead_rows.set(inbox_counts.get("dead", 0) + counts.get("dead", 0))
        self._metrics.held_now.set(counts.get("held", 0))
        async with self._engine.connect() as conn:
            self._metrics.in_flight.set(await admission.in_flight(conn, utcnow()))
            self._metrics.breakers_open.set(len(await admission.open_breakers(conn)))

    async def drain(self, limit_s: float = 30.0) -> None:
        """Work until both queues are empty (tests, ``healer triage --dispatch``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_s
        while loop.time() < deadline:
            if await self.work_once():
                continue
            async with self._engine.connect() as conn:
                waiting = (await incidents.counts(conn)).get("routing", 0)
                waiting += await pending(conn)
            if not waiting:
                return
            await asyncio.sleep(0.05)
