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

NOW = "claim_now"
"""The parameter a claim's ``ready`` conditions compare times with (see :func:`now`)."""
_BUILT: dict[tuple[str, str], Any] = {}


def now(table: sa.Table) -> Any:
    """The claim's time as a parameter, for ``ready`` conditions that compare with it."""
    return sa.bindparam(NOW, type_=table.c.lease_until.type)


async def claim(
    conn: AsyncConnection,
    table: sa.Table,
    ready: Sequence[Any],
    attempts_col: str,
    lease: timedelta,
    at: datetime,
    limit: int,
    order_by: Any,
    *,
    name: str = "",
) -> list[sa.Row[Any]]:
    """Lease up to ``limit`` rows of ``table`` matching ``ready`` whose lease has expired.

    With a ``name``, the statement is built once and reused (its times and limit are
    parameters): building it, and its cache key, cost more CPU than SQLite spends running
    it, and the worker loop claims on every turn. ``ready`` must then be the same
    conditions on every call under that name, comparing times with :func:`now`.
    """
    key = (table.name, name)
    stmt = _BUILT.get(key) if name else None
    if stmt is None:
        stmt = _statement(table, ready, attempts_col, order_by)
        if name:
            _BUILT[key] = stmt
    params = {NOW: at, "claim_until": at + lease, "claim_limit": limit}
    result = await conn.execute(stmt, params)
    return list(result.fetchall())


def _statement(table: sa.Table, ready: Sequence[Any], attempts_col: str, order_by: Any) -> Any:
    lease_col = table.c.lease_until
    pick = (
        sa.select(table.c.id)
        .where(*ready, sa.or_(lease_col.is_(None), lease_col <= now(table)))
        .order_by(order_by)
        .limit(sa.bindparam("claim_limit", type_=sa.Integer))
        .with_for_update(skip_locked=True)
    )
    until = sa.bindparam("claim_until", type_=lease_col.type)
    return (
        sa.update(table)
        .where(table.c.id.in_(pick.scalar_subquery()))
        .values({lease_col: until, attempts_col: table.c[attempts_col] + 1})
        .returning(*table.c)
    )
