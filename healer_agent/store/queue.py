"""Leased work claiming shared by the inbox and the incident queue.

A worker takes rows by pushing their lease into the future in one ``UPDATE ... WHERE id IN
(SELECT ... FOR UPDATE SKIP LOCKED) RETURNING``. PostgreSQL skips rows another replica is
taking; SQLite has one writer at a time, so the statement is atomic there too. A worker
that dies leaves its lease to expire, and the row is taken again.

Every worker turn claims, mostly finding nothing, so a named claim runs through
``direct`` (on SQLite by the driver, without SQLAlchemy's execution path).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.store import direct

NOW = "claim_now"
"""The parameter a claim's ``ready`` conditions compare times with (see :func:`now`)."""
_BUILT: dict[tuple[str, str], Any] = {}


class Leased:
    """A leased row: its columns as attributes and as ``_mapping``, as ``sa.Row`` gives them."""

    __slots__ = ("_mapping",)

    def __init__(self, mapping: dict[str, Any]) -> None:
        self._mapping = mapping

    def __getattr__(self, name: str) -> Any:
        try:
            return self._mapping[name]
        except KeyError:
            raise AttributeError(name) from None


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
) -> list[Leased]:
    """Lease up to ``limit`` rows of ``table`` matching ``ready`` whose lease has expired.

    With a ``name``, the statement is built once and reused (its times and limit are
    parameters) and run through ``direct``: building it, and its cache key, cost more CPU
    than SQLite spends running it, and the worker loop claims on every turn. ``ready`` must
    then be the same conditions on every call under that name, comparing times with
    :func:`now`, and without expanding ``IN`` lists (``direct`` would hand those back to
    SQLAlchemy).
    """
    params = {NOW: at, "claim_until": at + lease, "claim_limit": limit}
    if not name:  # built per call: not for ``direct``'s plans, which are kept by statement
        result = await conn.execute(_statement(table, ready, attempts_col, order_by), params)
        return [Leased(dict(row._mapping)) for row in result]
    key = (table.name, name)
    stmt = _BUILT.get(key)
    if stmt is None:
        stmt = _BUILT[key] = _statement(table, ready, attempts_col, order_by)
    return [Leased(row) for row in (await direct.execute(conn, stmt, params)).mappings()]


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
