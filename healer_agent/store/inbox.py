"""The inbox: every accepted event, committed before Healer answers 202.

A row is ``pending`` until its intake stage (normalise, filter, dedup) has run, then
``done`` (or ``ignored`` for events Healer only counts). The request that stored the row
runs that stage itself while holding the row's lease; if it dies, the lease expires and a
worker runs it. A row that keeps failing is parked ``dead`` with its last error.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from healer_agent.store import direct, incidents, onetrip, queue
from healer_agent.store.dialect import as_utc, insert_ignore, utcnow
from healer_agent.store.tables import deliveries
from healer_agent.store.wakeup import CHANNEL


@dataclass(frozen=True, slots=True)
class Delivery:
    """One stored event."""

    id: int
    delivery_id: str
    endpoint: str
    event_type: str
    payload: str
    status: str
    attempts: int
    result: dict[str, Any] | None


def _row(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        delivery_id=row.delivery_id,
        endpoint=row.endpoint,
        event_type=row.event_type,
        payload=row.payload,
        status=row.status,
        attempts=row.attempts,
        result=json.loads(row.result) if row.result else None,
    )


async def record(
    conn: AsyncConnection,
    *,
    delivery_id: str,
    endpoint: str,
    event_type: str,
    payload: str,
    lease: timedelta,
) -> tuple[Delivery, bool]:
    """Store an event unless its delivery id is known; returns the row and whether it is new.

    The new row is leased to the caller so no worker races the request for it.
    """
    now = utcnow()
    stmt = insert_ignore(conn, deliveries).values(
        delivery_id=delivery_id,
        endpoint=endpoint,
        event_type=event_type,
        payload=payload,
        received_at=now,
        status="pending",
        lease_until=now + lease,
        attempts=1,
    )
    inserted = (await conn.execute(stmt.returning(deliveries.c.id))).first()
    if inserted is not None:  # the common case: no second round trip
        return Delivery(
            inserted.id, delivery_id, endpoint, event_type, payload, "pending", 1, None
        ), True
    row = (
        await conn.execute(sa.select(deliveries).where(deliveries.c.delivery_id == delivery_id))
    ).one()
    return _row(row), False


class NewDelivery(NamedTuple):
    """An event to store, as intake received it (payload already redacted).

    A named tuple: built for every request, where a frozen dataclass's ``__init__`` sets
    each field through ``object.__setattr__`` (about three times the cost).
    """

    delivery_id: str
    endpoint: str
    event_type: str
    payload: str
    run_key: str | None = None


async def runs_in_flight(conn: AsyncConnection, run_keys: Iterable[str]) -> set[str]:
    """Which of these runs already have a delivery waiting for its intake stage."""
    keys = list(dict.fromkeys(run_keys))
    if not keys:
        return set()
    rows = await conn.execute(
        sa.select(deliveries.c.run_key)
        .distinct()
        .where(deliveries.c.run_key.in_(keys), deliveries.c.status == "pending")
    )
    return {r.run_key for r in rows}


async def record_many(conn: AsyncConnection, items: list[NewDelivery]) -> dict[str, int]:
    """Store a batch in one statement; ``{delivery id: row id}`` of those that were new.

    The rows are due at once (their lease is now), so a worker runs their intake stage as
    soon as the transaction commits; a delivery id already stored is left out.
    """
    if not items:
        return {}
    now = utcnow()
    rows = [
        {
            "delivery_id": i.delivery_id,
            "endpoint": i.endpoint,
            "event_type": i.event_type,
            "payload": i.payload,
            "received_at": now,
            "status": "pending",
            "lease_until": now,
            "attempts": 0,
            "run_key": i.run_key,
        }
        for i in items
    ]
    stmt = insert_ignore(conn, deliveries).returning(deliveries.c.delivery_id, deliveries.c.id)
    result = await conn.execute(stmt, rows)
    return {r.delivery_id: r.id for r in result}


@dataclass(frozen=True, slots=True)
class Admission:
    """What storing one intake batch learned, in the batch's transaction."""

    known: dict[str, dict[str, Any]]
    """The incident state of each run key that already has an incident."""
    waiting: set[str]
    """Run keys without an incident yet whose earlier delivery waits for its intake stage."""
    stored: dict[str, int]
    """``{delivery id: row id}`` of the deliveries that were new."""


_STATE = ("run_key", "id", "status", "agent", "failure_type", "coderun_name")
_COLUMNS = "delivery_id, endpoint, event_type, payload, received_at, status, lease_until, " + (
    "attempts, run_key"
)


async def admit(
    conn: AsyncConnection,
    items: list[NewDelivery],
    run_keys: Iterable[str],
    *,
    commit: bool = False,
) -> Admission:
    """Store a batch, look up its runs and wake the workers: what intake needs to answer.

    All in the caller's transaction: its commit stores the batch and, on PostgreSQL,
    delivers the wake-up to every replica's workers. With ``commit``, the batch is
    committed here, before this returns: on SQLite in the same trip to aiosqlite's thread
    as the statements (one hand-off a batch instead of two), elsewhere by the connection
    (nothing to do when it autocommits: PostgreSQL then commits the one statement itself).

    Three statements (the runs' incidents, their deliveries still pending, the multi-row
    insert). On SQLite they and the commit run on the loop's thread, as ``onetrip`` runs
    a statement and a commit (a checkpoint goes to aiosqlite's thread): the statements
    take ~10 µs a row, and in one trip to aiosqlite's thread they cost ~30 µs more of CPU
    a request, the thread and the loop handing the GIL to each other around every step.
    When another connection holds the lock (another process), they run in aiosqlite's
    thread instead, tried again until the lock is free (``onetrip.waiting``). On SQLite
    intake wakes its own process's workers itself. On PostgreSQL they and the
    notification are one statement (a CTE), so a batch is three round trips (begin, the
    statement, commit) instead of six.
    """
    keys = list(dict.fromkeys(run_keys))
    adapter = await direct.sqlite_adapter(conn)
    if adapter is not None:
        when = _datetime_binder(conn.dialect)
        try:
            return await _admit_sqlite_here(adapter, items, keys, when, commit=commit)
        except sqlite3.Error as exc:  # the same errors as through SQLAlchemy
            raise sa.exc.DBAPIError.instance("intake batch", None, exc, sqlite3.Error) from exc
    if conn.dialect.name == "postgresql":
        admitted = await _admit_postgres(conn, items, keys)
    else:
        known = await incidents.states_of(conn, keys)
        waiting = await runs_in_flight(conn, [k for k in keys if k not in known])
        admitted = Admission(known, waiting, await record_many(conn, items))
    if commit:
        await conn.commit()
    return admitted


_ADMIT_PG = sa.text(
    f"""
WITH known AS (
    SELECT {", ".join(_STATE)} FROM incidents WHERE run_key = ANY(:keys)
), waiting AS (
    SELECT DISTINCT run_key FROM deliveries
    WHERE status || '' = 'pending' AND run_key = ANY(:keys)
      AND run_key NOT IN (SELECT run_key FROM known)
), stored AS (
    INSERT INTO deliveries ({_COLUMNS})
    SELECT d, e, t, p, :now, 'pending', :now, 0, r
    FROM unnest(:ids, :endpoints, :types, :payloads, :runs) AS u (d, e, t, p, r)
    ON CONFLICT DO NOTHING
    RETURNING delivery_id, id
), woken AS (
    SELECT pg_notify('{CHANNEL}', '')
)
SELECT 'known' AS part, {", ".join(_STATE)}, NULL::integer AS row_id FROM known
UNION ALL SELECT 'waiting', run_key, NULL, NULL, NULL, NULL, NULL, NULL FROM waiting
UNION ALL SELECT 'stored', delivery_id, NULL, NULL, NULL, NULL, NULL, id FROM stored
UNION ALL SELECT 'woken', NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM woken
"""
).bindparams(
    sa.bindparam("keys", type_=postgresql.ARRAY(sa.String)),
    sa.bindparam("now", type_=sa.DateTime(timezone=True)),
    sa.bindparam("ids", type_=postgresql.ARRAY(sa.String)),
    sa.bindparam("endpoints", type_=postgresql.ARRAY(sa.String)),
    sa.bindparam("types", type_=postgresql.ARRAY(sa.String)),
    sa.bindparam("payloads", type_=postgresql.ARRAY(sa.Text)),
    sa.bindparam("runs", type_=postgresql.ARRAY(sa.String)),
)
"""``admit`` on PostgreSQL: the lookups, the insert and the notification in one statement.
Its parts see one snapshot, taken before the insert, as the three statements did in
turn; the notification is selected, so it runs (a CTE nobody reads would not).
``status || ''`` keeps the planner off the status index, as ``+status`` does on SQLite
(``waiting_sqlite``): before the table's first analyze, with a burst pending, it took that
index and filtered every pending row for each batch (3 ms a batch at 13,000 pending),
instead of the runs' few by the run key's."""


async def _admit_postgres(
    conn: AsyncConnection, items: list[NewDelivery], keys: list[str]
) -> Admission:
    now = utcnow()
    rows = await conn.execute(
        _ADMIT_PG,
        {
            "keys": keys,
            "now": now,
            "ids": [i.delivery_id for i in items],
            "endpoints": [i.endpoint for i in items],
            "types": [i.event_type for i in items],
            "payloads": [i.payload for i in items],
            "runs": [i.run_key for i in items],
        },
    )
    known: dict[str, dict[str, Any]] = {}
    waiting: set[str] = set()
    stored: dict[str, int] = {}
    for part, *state, row_id in rows:
        if part == "known":
            known[state[0]] = dict(zip(_STATE, state, strict=True))
        elif part == "waiting":
            waiting.add(state[0])
        elif part == "stored":
            stored[state[0]] = row_id
    return Admission(known, waiting, stored)


_binders: dict[str, Callable[[Any], Any]] = {}


def _datetime_binder(dialect: Dialect) -> Callable[[Any], Any]:
    """How SQLAlchemy writes a datetime on this dialect (the same text, read back alike)."""
    if dialect.name not in _binders:
        column_type = deliveries.c.received_at.type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        _binders[dialect.name] = process if process is not None else (lambda value: value)
    return _binders[dialect.name]


def waiting_sqlite(count: int) -> str:
    """Which of ``count`` runs have a pending delivery, on SQLite, by the run key's index.

    ``+status`` keeps SQLite's planner off the status index, which it would otherwise take
    and then visit every pending row (thousands while the worker yields to a burst) for
    each batch, instead of these runs' few.
    """
    marks = ",".join("?" * count)
    return (
        "SELECT DISTINCT run_key FROM deliveries "
        f"WHERE +status = 'pending' AND run_key IN ({marks})"
    )


async def _admit_sqlite_here(
    adapter: onetrip.OneTripConnection,
    items: list[NewDelivery],
    keys: list[str],
    when: Callable[[Any], Any],
    *,
    commit: bool,
) -> Admission:
    """``admit``'s statements and commit on the loop's thread (``onetrip``'s way)."""
    driver: Any = adapter._connection
    db: sqlite3.Connection = driver._conn
    opened = not db.in_transaction  # else the caller's, which the caller ends
    try:
        admitted = _admit_sqlite_statements(db, items, keys, when)
        if commit:
            await adapter.commit_here()
    except sqlite3.OperationalError as exc:
        if (opened or commit) and db.in_transaction:
            db.rollback()
        if not (opened and onetrip.busy(exc)):
            raise
        # another connection held the lock: wait for it off the loop
        work = partial(_admit_sqlite, driver, items, keys, when, commit=commit)
        result: Admission = await driver._execute(onetrip.waiting, db, work)
        return result
    except Exception:
        if (opened or commit) and db.in_transaction:
            db.rollback()
        raise
    return admitted


def _admit_sqlite(
    driver: Any,
    items: list[NewDelivery],
    keys: list[str],
    when: Callable[[Any], Any],
    *,
    commit: bool = False,
) -> Admission:
    """``admit``'s statements, run in aiosqlite's thread on its sqlite3 connection."""
    db: sqlite3.Connection = driver._conn
    if not commit:
        return _admit_sqlite_statements(db, items, keys, when)
    try:
        admitted = _admit_sqlite_statements(db, items, keys, when)
        db.commit()
    except BaseException:
        if db.in_transaction:
            db.rollback()
        raise
    return admitted


def _admit_sqlite_statements(
    db: sqlite3.Connection, items: list[NewDelivery], keys: list[str], when: Callable[[Any], Any]
) -> Admission:
    if not db.in_transaction:
        db.execute("BEGIN IMMEDIATE")  # the lookups and the insert in one transaction
    known: dict[str, dict[str, Any]] = {}
    waiting: set[str] = set()
    if keys:
        marks = ",".join("?" * len(keys))
        rows = db.execute(
            f"SELECT {', '.join(_STATE)} FROM incidents WHERE run_key IN ({marks})",
            keys,
        )
        known = {row[0]: dict(zip(_STATE, row, strict=True)) for row in rows}
        rest = [k for k in keys if k not in known]
        if rest:
            rows = db.execute(waiting_sqlite(len(rest)), rest)
            waiting = {row[0] for row in rows}
    stored: dict[str, int] = {}
    if items:
        now = when(utcnow())
        params: list[Any] = []
        for i in items:
            params += (i.delivery_id, i.endpoint, i.event_type, i.payload, now, now, i.run_key)
        values = ",".join(["(?, ?, ?, ?, ?, 'pending', ?, 0, ?)"] * len(items))
        rows = db.execute(
            f"INSERT INTO deliveries ({_COLUMNS}) VALUES {values} "
            "ON CONFLICT DO NOTHING RETURNING delivery_id, id",
            params,
        )
        stored = {row[0]: row[1] for row in rows.fetchall()}
    return Admission(known, waiting, stored)


async def finish(
    conn: AsyncConnection,
    row_id: int,
    *,
    status: str,
    incident_id: str | None,
    result: dict[str, Any],
) -> None:
    """Mark the intake stage done and keep the answer given, for redeliveries and replay."""
    await direct.execute(
        conn,
        _FINISH,
        {
            "row_id": row_id,
            "status": status,
            "incident_id": incident_id,
            "result": json.dumps(result),
            "lease_until": None,
            "processed_at": utcnow(),
            "last_error": None,
        },
    )


_FINISH = sa.update(deliveries).where(deliveries.c.id == sa.bindparam("row_id"))
"""``finish``'s update, built once: its values are parameters (see ``incidents.create_or_get``)."""


async def fail(conn: AsyncConnection, row_id: int, error: str, max_attempts: int) -> str:
    """Record a failed attempt; park the row as dead once it has used its attempts."""
    attempts = await conn.scalar(sa.select(deliveries.c.attempts).where(deliveries.c.id == row_id))
    status = "dead" if (attempts or 0) >= max_attempts else "pending"
    await conn.execute(
        sa.update(deliveries)
        .where(deliveries.c.id == row_id)
        .values(status=status, last_error=error[:4000], lease_until=utcnow())
    )
    return status


_PENDING = (deliveries.c.status == "pending",)
"""``claim_stale``'s condition, built once: a worker's every turn claims (the statement is
built once per name; building its condition was most of the call when nothing was stale)."""


async def claim_stale(
    conn: AsyncConnection, *, lease: timedelta, limit: int = 10
) -> list[Delivery]:
    """Take pending rows whose lease expired (their request or worker died)."""
    rows = await queue.claim(
        conn,
        deliveries,
        _PENDING,
        "attempts",
        lease,
        utcnow(),
        limit,
        deliveries.c.id,
        name="stale",
    )
    return [_row(r) for r in rows]


async def get(conn: AsyncConnection, delivery_id: str) -> Delivery | None:
    """Look a delivery up by its id (``healer replay``)."""
    row = (
        await conn.execute(sa.select(deliveries).where(deliveries.c.delivery_id == delivery_id))
    ).first()
    return _row(row) if row else None


async def reset(conn: AsyncConnection, delivery_id: str) -> bool:
    """Put a delivery back in the queue (replay after a fix); True if it existed."""
    result = await conn.execute(
        sa.update(deliveries)
        .where(deliveries.c.delivery_id == delivery_id)
        .values(status="pending", lease_until=None, attempts=0, last_error=None)
    )
    return result.rowcount == 1


async def oldest_pending_age_s(conn: AsyncConnection) -> float:
    """Seconds the oldest accepted event has waited for its intake stage (0 when none)."""
    oldest = await conn.scalar(
        sa.select(sa.func.min(deliveries.c.received_at)).where(deliveries.c.status == "pending")
    )
    received = as_utc(oldest)
    return max(0.0, (utcnow() - received).total_seconds()) if received else 0.0


async def counts(conn: AsyncConnection) -> dict[str, int]:
    """Rows per status, for ``/api/status``."""
    rows = await conn.execute(
        sa.select(deliveries.c.status, sa.func.count()).group_by(deliveries.c.status)
    )
    return {status: int(n) for status, n in rows.all()}


async def dead(conn: AsyncConnection, limit: int = 20) -> list[dict[str, Any]]:
    """The parked rows with their errors, newest first."""
    rows = await conn.execute(
        sa.select(
            deliveries.c.delivery_id,
            deliveries.c.event_type,
            deliveries.c.last_error,
            deliveries.c.received_at,
        )
        .where(deliveries.c.status == "dead")
        .order_by(deliveries.c.id.desc())
        .limit(limit)
    )
    return [
        {
            "delivery_id": r.delivery_id,
            "event_type": r.event_type,
            "error": r.last_error,
            "received_at": r.received_at.isoformat() if r.received_at else None,
        }
        for r in rows
    ]


async def next_stale_at(conn: AsyncConnection) -> datetime | None:
    """When the next pending row's lease expires (a request or worker died holding it)."""
    value = await conn.scalar(
        sa.select(sa.func.min(deliveries.c.lease_until)).where(deliveries.c.status == "pending")
    )
    return as_utc(value) if value is not None else None
