"""Group commit: concurrent requests share one transaction and one commit.

Each submitter still gets its answer only after the transaction holding its work has
committed, so "answered 202" keeps meaning "durable". One flusher at a time takes what is
waiting (up to ``max_batch``) and hands the whole batch to ``work`` in one transaction,
which can then use one statement for all of it (a multi-row insert, one ``IN`` query) and
commits once: on PostgreSQL one WAL flush instead of one per request, on SQLite one trip
to the database thread per statement instead of per request and statement. If the batch
fails as a whole, each item is run again alone, so one bad item cannot fail the others.

With ``commits=True`` the work commits itself (intake's batch on SQLite commits in the same
trip to the driver's thread as its statements) on a connection without a transaction
opened for it; what it leaves open is rolled back when the connection is returned. A
failure after its commit runs each item again alone all the same, and the work must then
answer an item it finds stored already.

``flushers`` batches may be in flight at once, each on its own connection (PostgreSQL:
while one waits for its commit, the next is sent); with one, batches commit in turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

T = TypeVar("T")
R = TypeVar("R")
Work = Callable[[AsyncConnection, list[T]], Awaitable[list[R]]]
"""Does a batch's work in the given transaction; one result per item, in order."""


@dataclass(slots=True)
class _Pending(Generic[T, R]):
    item: T
    done: asyncio.Future[R]


class GroupCommit(Generic[T, R]):
    """Batches ``work`` over concurrent ``submit`` calls into shared transactions."""

    def __init__(
        self,
        engine: AsyncEngine,
        work: Work[T, R],
        *,
        max_batch: int = 64,
        commits: bool = False,
        flushers: int = 1,
    ) -> None:
        self._engine = engine
        self._work = work
        self._max_batch = max_batch
        self._open = engine.connect if commits else engine.begin
        self._waiting: list[_Pending[T, R]] = []
        self._max_flushers = flushers
        self._flushers: set[asyncio.Task[None]] = set()  # referenced: not collected
        self.batches = 0
        """How many transactions were committed (for tests and metrics)."""

    async def submit(self, item: T) -> R:
        """Run ``work(conn, item)`` in a shared transaction; return once it is committed."""
        loop = asyncio.get_running_loop()
        pending: _Pending[T, R] = _Pending(item, loop.create_future())
        self._waiting.append(pending)
        if len(self._flushers) < self._max_flushers:
            self._flushers.add(loop.create_task(self._flush()))
        # Not shielded: a submitter cancelled while waiting cancels only its future, which
        # the flusher then leaves alone; the item is stored with its batch all the same.
        return await pending.done

    async def _flush(self) -> None:
        try:
            while self._waiting:
                # Let the requests that arrived in the same loop turn join this batch.
                await asyncio.sleep(0)
                batch = self._waiting[: self._max_batch]
                del self._waiting[: len(batch)]
                if batch:  # another flusher may have taken them
                    await self._run(batch)
        finally:
            # no await between the empty queue and this: a submit after it starts another
            self._flushers.discard(asyncio.current_task())

    async def _run(self, batch: list[_Pending[T, R]]) -> None:
        try:
            async with self._open() as conn:
                results = await self._work(conn, [p.item for p in batch])
        except Exception:  # one item spoilt the batch: run each on its own to find it
            if len(batch) == 1:
                await self._alone(batch[0])
                return
            for pending in batch:
                await self._alone(pending)
            return
        self.batches += 1
        for pending, result in zip(batch, results, strict=True):
            if not pending.done.done():
                pending.done.set_result(result)

    async def _alone(self, pending: _Pending[T, R]) -> None:
        try:
            async with self._open() as conn:
                (result,) = await self._work(conn, [pending.item])
        except Exception as exc:  # handed to the submitter, who maps it to an answer
            if not pending.done.done():
                pending.done.set_exception(exc)
            return
        self.batches += 1
        if not pending.done.done():
            pending.done.set_result(result)
