"""Waking idle workers on every replica when work is committed (PostgreSQL LISTEN/NOTIFY).

``notify_work`` runs inside the transaction that admits work, so the notification is
delivered at commit and never for work that rolled back. On SQLite each process's intake
wakes its own workers directly; another process's idle workers find the rows when they next
look.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

log = structlog.get_logger("healer.store")
CHANNEL = "healer_work"


async def notify_work(conn: AsyncConnection) -> None:
    """Tell every listening replica that work was admitted (no-op on SQLite)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(sa.text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class WorkListener:
    """One dedicated asyncpg connection that calls ``wake`` on each notification."""

    def __init__(self, url: str) -> None:
        self._dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn: Any = None

    async def start(self, wake: Callable[[], None]) -> None:
        """Listen; a failure leaves the workers on their timers (logged, not fatal)."""
        import asyncpg

        try:
            self._conn = await asyncpg.connect(self._dsn, timeout=10)
            await self._conn.add_listener(CHANNEL, lambda *_args: wake())
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            log.warning("worker.listen_failed", error=str(exc))
            self._conn = None

    async def stop(self) -> None:
        """Close the listening connection."""
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
