"""The bound on unauthenticated work: bodies read at once, and the bytes they may hold.

A body is read only after its headers passed (credentials where the route has a token,
a declared size under the route's cap) and only once it holds a place at this gate. A
sender that cannot get a place within ``wait_s`` is answered 429 with ``Retry-After``
without one more byte being read, so memory held by bodies stays under ``budget`` bytes
(about twice that at the peak, while a body's chunks are joined) however many senders post
at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class GateBusy(Exception):
    """No place at the gate within the wait: answer 429 and ask to retry later."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many request bodies in flight; retry after {retry_after} s")
        self.retry_after = retry_after


class BodyGate:
    """At most ``slots`` bodies and ``budget`` declared bytes being read at once."""

    def __init__(self, *, slots: int, budget: int, wait_s: float, retry_after: int = 2) -> None:
        self.slots = slots
        self.budget = budget
        self.wait_s = wait_s
        self.retry_after = retry_after
        self.in_flight = 0
        self.reserved = 0
        self.peak_in_flight = 0
        self.peak_reserved = 0
        self.refused = 0
        self._waiting = 0
        self._changed = asyncio.Condition()
        self._wakers: set[asyncio.Task[None]] = set()  # referenced: not collected

    def _fits(self, size: int) -> bool:
        return self.in_flight < self.slots and self.reserved + size <= self.budget

    async def acquire(self, size: int) -> int:
        """A place for a body of up to ``size`` bytes; GateBusy when none frees in time.

        Returns the bytes reserved, to hand back to ``release``.
        """
        size = min(size, self.budget)
        if self._waiting == 0 and self._fits(size):
            # The common case: a place is free and nobody queues for one, so it is taken
            # at once (no await between the check and the count: no other task runs).
            self._take(size)
        else:
            await self._wait_and_take(size)
        return size

    def release(self, size: int) -> None:
        """Give back a place and the ``size`` bytes ``acquire`` reserved; wake who waits.

        Counted back at once, without an await (a cancellation cannot lose a place); the
        waiters are woken by a task of their own.
        """
        self.in_flight -= 1
        self.reserved -= size
        if self._waiting:
            task = asyncio.get_running_loop().create_task(self._wake())
            self._wakers.add(task)
            task.add_done_callback(self._wakers.discard)

    async def _wake(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    @contextlib.asynccontextmanager
    async def hold(self, size: int) -> AsyncIterator[None]:
        """``acquire`` and ``release`` around a block."""
        held = await self.acquire(size)
        try:
            yield
        finally:
            self.release(held)

    async def _wait_and_take(self, size: int) -> None:
        self._waiting += 1
        try:
            async with self._changed:
                try:
                    async with asyncio.timeout(self.wait_s):
                        await self._changed.wait_for(lambda: self._fits(size))
                except TimeoutError:
                    self.refused += 1
                    raise GateBusy(self.retry_after) from None
                self._take(size)
        finally:
            self._waiting -= 1

    def _take(self, size: int) -> None:
        self.in_flight += 1
        self.reserved += size
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        self.peak_reserved = max(self.peak_reserved, self.reserved)
