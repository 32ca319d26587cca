"""Requests first: the worker waits for the requests in flight before each unit of work.

Intake and the worker share one event loop. A worker that always has work (a burst it is
still draining) otherwise takes its turns between every step of every request, and on
SQLite holds the one connection the requests' group commit needs, so a request's latency
is set by the worker's backlog. Here a unit of the worker's work (a batch of the intake
stage, an incident, a command) starts only when no request is in flight, or after
``max_wait_s``, so sustained traffic slows the worker down without stopping it; the lag
that builds is exported (``healer_inbox_lag_seconds``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

MAX_WAIT_S = 0.05
"""The longest the worker waits for requests before it takes a unit of work anyway."""


class RequestsFirst:
    """Counts the requests in flight; lets background work wait until there are none."""

    def __init__(self, max_wait_s: float = MAX_WAIT_S) -> None:
        self._max_wait_s = max_wait_s
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def active(self) -> int:
        """Requests in flight now."""
        return self._active

    def begin(self) -> None:
        """A request is in flight until its ``end``.

        ``begin``/``end`` in a ``try``/``finally`` rather than ``request()`` on the intake
        path: a generator's context manager cost ~1.5 us a request there.
        """
        self._active += 1
        self._idle.clear()

    def end(self) -> None:
        """The request ``begin`` counted is answered."""
        self._active -= 1
        if not self._active:
            self._idle.set()

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """Mark a request in flight for the ``with`` block."""
        self.begin()
        try:
            yield
        finally:
            self.end()

    async def wait(self) -> None:
        """Return once no request is in flight, or after ``max_wait_s``; always yields."""
        if not self._active:
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self._max_wait_s)


__all__ = ["MAX_WAIT_S", "RequestsFirst"]
