"""Engine creation and schema migration.

SQLite gets WAL mode and a busy timeout so concurrent writers queue instead of failing;
PostgreSQL needs nothing special. ``upgrade`` runs the alembic migrations in-process so
``healer db upgrade`` and the embedded default share one code path.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from healer_agent.store import onetrip
from healer_agent.store.tables import metadata

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def create_engine(url: str) -> AsyncEngine:
    """An async engine tuned for the backend behind ``url``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # One connection: SQLite has one writer anyway, and queueing for the connection in
        # the pool is fast, where contending writers back off in SQLite's busy handler
        # (sleeps of up to 100 ms each) and make the latency tail seconds long.
        # Statements run on the loop's thread (store/onetrip.py), without the busy handler:
        # when another process holds the lock they are tried again from aiosqlite's thread
        # instead; so the connection is shared by the two threads, one at a time.
        inline = parsed.get_driver_name() == "aiosqlite"
        engine = create_async_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": not inline},
            pool_size=1,
            max_overflow=0,
            pool_timeout=120,
            module=onetrip.dbapi() if inline else None,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={0 if inline else onetrip.BUSY_WAIT_MS}")
            cur.execute("PRAGMA synchronous=NORMAL")
            if inline:  # checkpoints go to aiosqlite's thread with a commit (onetrip.py)
                cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.close()

        return engine
    # No ping before each checkout: it was one more round trip on every transaction (a
    # request batch's is seven). A connection the server dropped fails its first use
    # instead; SQLAlchemy then discards the pool's older connections, and the caller's
    # retry (the group commit runs each request again alone, a worker its unit) gets a
    # new one.
    #
    # Every statement is planned for its own parameters (``force_custom_plan``). After five
    # runs of a prepared statement PostgreSQL may keep a generic plan, made for no values in
    # particular, from tables as they were then: on a new database under a burst that was
    # a scan of a few pages, kept as the table grew to thousands of rows (intake's lookup
    # of pending runs went from 30 to 300 µs of the server's CPU a row within 10,000 rows).
    # Planning each run costs tens of microseconds for these statements.
    return create_async_engine(
        url,
        pool_size=10,
        max_overflow=10,
        connect_args={"server_settings": {"plan_cache_mode": "force_custom_plan"}},
    )


HEAD = "0006"
"""The newest migration's revision; ``tests/integration/test_migrations.py`` keeps it true."""
_LOCK_ID = 0x4845414C  # "HEAL": serialises replicas that start together on PostgreSQL


async def ensure_schema(engine: AsyncEngine, url: str) -> str:
    """Bring the schema to ``HEAD`` the cheapest way: ``current``, ``created`` or ``upgraded``.

    A database already at head costs one query; a new, empty one gets the tables in one
    transaction and the head stamp (what ``alembic stamp`` writes), which takes
    milliseconds where loading alembic takes most of a second; anything else runs the
    migrations. On PostgreSQL an advisory lock makes replicas that start at once take
    turns.
    """
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        current, empty = await conn.run_sync(_revision_and_emptiness)
        if current == HEAD:
            return "current"
        if current is None and empty:
            await conn.run_sync(metadata.create_all)
            await conn.run_sync(_stamp)
            return "created"
    await asyncio.to_thread(upgrade_sync, url)
    return "upgraded"


def _revision_and_emptiness(conn: Connection) -> tuple[str | None, bool]:
    tables = set(sa.inspect(conn).get_table_names())
    if "alembic_version" not in tables:
        return None, not tables
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar(), False


def _stamp(conn: Connection) -> None:
    conn.execute(
        sa.text(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
    )
    conn.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": HEAD})


def _alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_sync(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (blocking; call from a thread in async code)."""
    from alembic import command

    command.upgrade(_alembic_config(url), revision)


def current_revision_sync(url: str) -> str | None:
    """The schema revision the database is at, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    sync_url = make_url(url)
    driver = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg2"}
    backend = sync_url.get_backend_name()
    if backend == "postgresql":
        # Alembic's inspection is sync; asyncpg is async-only, so run it through the
        # async engine instead of requiring a second driver.
        async def _rev() -> str | None:
            engine = create_async_engine(url)
            try:
                async with engine.connect() as conn:
                    return await conn.run_sync(
                        lambda c: MigrationContext.configure(c).get_current_revision()
                    )
            finally:
                await engine.dispose()

        return asyncio.run(_rev())
    engine = sa.create_engine(sync_url.set(drivername=driver[backend]))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
