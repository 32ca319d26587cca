"""Engine creation and schema migration.

SQLite gets WAL mode and a busy timeout so concurrent writers queue instead of failing;
PostgreSQL needs nothing special. ``upgrade`` runs the alembic migrations in-process so
``healer db upgrade`` and the embedded default share one code path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

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
        engine = create_async_engine(url, connect_args={"timeout": 30}, pool_size=1,
                                     max_overflow=0, pool_timeout=120)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


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
    import sqlalchemy as sa
    from alembic.runtime.migration import MigrationContext

    sync_url = make_url(url)
    driver = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg2"}
    backend = sync_url.get_backend_name()
    if backend == "postgresql":
        # Alembic's inspection is sync; asyncpg is async-only, so run it through the
        # async engine instead of requiring a second driver.
        import asyncio

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
