"""Leased work claiming shared by the inbox and the incident queue.

A worker takes rows by pushing their lease into the future in one ``UPDATE ... WHERE id IN
(SELECT ... FOR UPDATE SKIP LOCKED) RETURNING``. PostgreSQL skips rows another replica is
taking; SQLite has one writer at a time, so the statement is atomic there too. A worker
that dies leaves its lease to expire, and the row is taken again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


async def claim(
    conn: AsyncConnection,
    table: sa.Table,
    ready: Sequence[Any],
    attempts_col: str,
    lease: timedelta,
    now: datetime,
    limit: int,
    order_by: Any,
) -> list[sa.Row[Any]]:
    """Lease up to ``limit`` rows of ``table`` matching ``ready`` whose lease has expired."""
    lease_col = table.c.lease_until
    pick = (
        sa.select(table.c.id)
        .where(*ready, sa.or_(lease_col.is_(None), lease_col <= now))
        .order_by(order_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        sa.update(table)
        .where(table.c.id.in_(pick.scalar_subquery()))
        .values({lease_col: now + lease, attempts_col: table.c[attempts_col] + 1})
        .returning(*table.c)
    )
    result = await conn.execute(stmt)
    return list(result.fetchall())
