"""Statements every event runs, run on SQLite by its driver: SQLAlchemy compiles, sqlite3 runs.

Through SQLAlchemy's async execution a small statement cost ~55 µs of CPU against SQLite's
~5 (the greenlet hop, the execution context, parameter and result handling), and an event
runs about twenty. Here a statement is compiled once per dialect and set of parameter
names, its parameters bound by the column types' own processors (what SQLAlchemy would
send), and run by ``onetrip`` on the connection's sqlite3 handle inside the transaction
SQLAlchemy began for it, so the caller's commit and rollback cover it as before. Rows come
back through the types' result processors. Any other backend, and any statement that needs
more of SQLAlchemy at execution time (Python-side defaults, expanding ``IN`` lists), goes
through ``conn.execute`` with the same answer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ClauseElement, Executable

from healer_agent.store import onetrip

PLANS = 256
"""Plans kept; statements are module constants, so a few dozen are in use. A statement
past the bound (one built per call) runs through SQLAlchemy instead of growing the cache."""

_Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Rows:
    """A statement's rows (tuples, in the statement's column order) and its row count."""

    rows: list[tuple[Any, ...]]
    rowcount: int
    keys: tuple[str, ...] = ()
    """The columns' names, in the rows' order."""

    def first(self) -> tuple[Any, ...] | None:
        """The first row, or None."""
        return self.rows[0] if self.rows else None

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        return self.rows[0][0] if self.rows else None

    def mappings(self) -> list[dict[str, Any]]:
        """The rows as dicts by column name."""
        return [dict(zip(self.keys, row, strict=True)) for row in self.rows]


@dataclass(frozen=True, slots=True)
class _Plan:
    statement: Executable  # held: the cache is keyed by its id
    compiled: Any
    sql: str
    names: tuple[str, ...]
    binds: tuple[_Processor, ...]
    results: tuple[_Processor, ...]
    keys: tuple[str, ...]


_plans: dict[tuple[int, str, frozenset[str]], _Plan | None] = {}


async def execute(conn: AsyncConnection, statement: Executable, params: Mapping[str, Any]) -> Rows:
    """``conn.execute(statement, params)``, on SQLite without SQLAlchemy's execution path."""
    adapter = await sqlite_adapter(conn)
    plan = _plan(statement, conn.dialect, params) if adapter is not None else None
    if plan is None:
        result = await conn.execute(statement, dict(params))
        if not result.returns_rows:
            return Rows([], result.rowcount)
        return Rows([tuple(row) for row in result.all()], result.rowcount, tuple(result.keys()))
    if not conn.in_transaction():
        # SQLAlchemy must know a transaction is open, or the caller's commit skips it and
        # the pool's reset on return rolls the statement back
        await conn.begin()
    values = plan.compiled.construct_params(params)
    bound = [  # None goes through the processor too, as SQLAlchemy sends it (JSON's null)
        value if process is None else process(value)
        for value, process in zip((values[name] for name in plan.names), plan.binds, strict=True)
    ]
    try:
        description, raw, rowcount, _ = await onetrip.trip(adapter, plan.sql, bound)
    except sqlite3.Error as exc:  # raised as SQLAlchemy would raise it
        raise sa.exc.DBAPIError.instance(plan.sql, bound, exc, sqlite3.Error) from exc
    if not description:
        return Rows([], rowcount)
    results = plan.results
    if not any(results):
        return Rows([tuple(row) for row in raw or ()], rowcount, plan.keys)
    return Rows(
        [
            tuple(
                value if process is None else process(value)
                for value, process in zip(row, results, strict=True)
            )
            for row in raw or ()
        ],
        rowcount,
        plan.keys,
    )


async def sqlite_adapter(conn: AsyncConnection) -> onetrip.OneTripConnection | None:
    """The connection behind ``conn`` when it is SQLite through ``onetrip``."""
    if conn.dialect.driver != "aiosqlite":
        return None
    sync = conn.sync_connection
    if sync is not None and not sync.closed and not sync.invalidated:
        # a live connection's DB-API connection, read without the greenlet hop of
        # ``get_raw_connection`` (~16 µs: as much as the statement)
        adapter: Any = sync.connection.dbapi_connection
    else:
        adapter = (await conn.get_raw_connection()).dbapi_connection
    return adapter if isinstance(adapter, onetrip.OneTripConnection) else None


def _plan(statement: Executable, dialect: Dialect, params: Mapping[str, Any]) -> _Plan | None:
    key = (id(statement), dialect.name, frozenset(params))
    if key in _plans:
        plan = _plans[key]
        return plan if plan is not None and plan.statement is statement else None
    if len(_plans) >= PLANS:
        return None
    plan = _compile(statement, dialect, list(params))
    _plans[key] = plan
    return plan


def _compile(statement: Executable, dialect: Dialect, keys: Sequence[str]) -> _Plan | None:
    """The plan, or None when execution needs SQLAlchemy (defaults, expanding parameters)."""
    if not dialect.positional or not isinstance(statement, ClauseElement):
        return None
    compiled: Any = statement.compile(dialect=dialect, column_keys=list(keys))
    if (
        compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.post_compile_params
        or compiled.literal_execute_params
        or compiled.positiontup is None
    ):
        return None
    names = tuple(compiled.positiontup)
    processors = compiled._bind_processors
    columns = compiled._result_columns
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
    )
    return _Plan(
        statement,
        compiled,
        compiled.string,
        names,
        tuple(processors.get(name) for name in names),
        results,
        tuple(column.keyname for column in columns),
    )


__all__ = ["PLANS", "Rows", "execute", "sqlite_adapter"]
