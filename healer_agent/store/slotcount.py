"""Admission's count of slots per prefix (``slot_counts``), kept beside the slots' claims.

Counting the live claims under a prefix read every one of them, twice a dispatch: fine
under the default caps, linear in what is in flight under large ones (a thousand slots
cost ~0.2-0.5 ms a count on SQLite). The count here moves in the transactions that take
and release slots. It can run high (a slot that expired unreleased, a takeover of an
expired slot); admission then counts the claims themselves and sets it right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.store import direct
from healer_agent.store.dialect import insert_ignore
from healer_agent.store.tables import slot_counts

SLOT_KEYS = ("slot:", "slot;")
"""Every slot's claim key lies in this range (``slot:<scope>:<n>``)."""

_c = slot_counts.c
_PREFIX = sa.bindparam("scope", type_=_c.prefix.type)
_UP = (
    sa.update(slot_counts)
    .where(_c.prefix == _PREFIX, _c.held < sa.bindparam("cap", type_=sa.Integer))
    .values(held=_c.held + 1)
    .returning(_c.held)
)
_GONE = sa.bindparam("gone", type_=sa.Integer)
_DOWN = (
    sa.update(slot_counts)
    .where(_c.prefix == _PREFIX, _c.held > 0)
    .values(held=sa.case((_c.held > _GONE, _c.held - _GONE), else_=0))
)
_SET = (
    sa.update(slot_counts)
    .where(_c.prefix == _PREFIX)
    .values(held=sa.bindparam("count", type_=sa.Integer))
)
_FIRST: dict[str, sa.Insert] = {}


def _first(conn: AsyncConnection) -> sa.Insert:
    """The prefix's first count (1), unless another transaction made the row first."""
    name = conn.dialect.name
    if name not in _FIRST:
        stmt = insert_ignore(conn, slot_counts).values(
            prefix=_PREFIX, held=sa.literal(1, sa.Integer)
        )
        _FIRST[name] = stmt.returning(_c.held)
    return _FIRST[name]


async def count_up(conn: AsyncConnection, prefix: str, cap: int) -> int | None:
    """Count one more slot under ``prefix``; the slot number to try, or None when full.

    Full means the count reached ``cap``, which may include slots that expired
    unreleased: the caller then counts the claims (see ``set_count``).
    """
    if cap < 1:
        return None
    params = {"scope": prefix, "cap": cap}
    held = (await direct.execute(conn, _UP, params)).scalar()
    if held is None:
        held = (await direct.execute(conn, _first(conn), {"scope": prefix})).scalar()
    return None if held is None else int(held) - 1


async def set_count(conn: AsyncConnection, prefix: str, held: int) -> None:
    """Set the count to what the claims say (the caller counted them)."""
    await direct.execute(conn, _SET, {"scope": prefix, "count": held})


async def count_down(conn: AsyncConnection, keys: Iterable[str]) -> None:
    """One slot fewer for each released claim key that is a slot's.

    Prefixes are updated in sorted order, the order admission takes them in (global, then
    the repository's): on PostgreSQL a release and an admission locking two count rows in
    opposite orders could deadlock.
    """
    gone = Counter(key.rsplit(":", 1)[0] for key in keys if SLOT_KEYS[0] <= key < SLOT_KEYS[1])
    for prefix in sorted(gone):
        await direct.execute(conn, _DOWN, {"scope": prefix, "gone": gone[prefix]})


__all__ = ["SLOT_KEYS", "count_down", "count_up", "set_count"]
