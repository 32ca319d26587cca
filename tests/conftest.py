"""Shared fixtures: a fresh database per test (SQLite file, or a PostgreSQL database on the
machine's server), settings pointing at temp folders, and a Healer built from them."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

os.environ.setdefault("ALLOW_MODEL_REQUESTS", "false")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "github-webhooks"
PG_ADMIN = os.environ.get("HEALER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def load_fixture(rel: str) -> dict[str, Any]:
    """A real GitHub webhook payload from tests/fixtures/github-webhooks."""
    data: dict[str, Any] = json.loads((FIXTURES / rel).read_text())
    return data


def _pg_reachable() -> str | None:
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(PG_ADMIN, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN}: {exc}"
    return None


_PG_SKIP: str | bool | None = False


def pg_skip_reason() -> str | None:
    """Why PostgreSQL tests cannot run here (None when they can)."""
    global _PG_SKIP
    if _PG_SKIP is False:
        _PG_SKIP = _pg_reachable()
    return _PG_SKIP if isinstance(_PG_SKIP, str) else None


def _pg_admin(sql: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(PG_ADMIN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/healer.db"
        return
    reason = pg_skip_reason()
    if reason:
        pytest.skip(reason)
    name = f"healer_t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on ``database_url`` with Healer's schema, disposed after the test."""
    from healer_agent.store.db import create_engine, ensure_schema

    created = create_engine(database_url)
    await ensure_schema(created, database_url)
    yield created
    await created.dispose()


async def slots_held(engine: AsyncEngine) -> dict[str, int]:
    """Admission's count of the slots held, by prefix (the ``slot_counts`` table)."""
    import sqlalchemy as sa

    from healer_agent.store.tables import slot_counts

    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(slot_counts.c.prefix, slot_counts.c.held))
        return {r.prefix: r.held for r in rows}


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database for tests that need only one backend."""
    return f"sqlite+aiosqlite:///{tmp_path}/healer.db"


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = (
            _merge(out[key], value)
            if isinstance(value, dict) and isinstance(out.get(key), dict)
            else value
        )
    return out


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Any]:
    """Settings isolated in tmp_path (no .env, no context, no grouping wait, no workers).

    Overrides are groups, merged into these defaults: ``make_settings(store={"url": u})``.
    """
    from healer_agent.config import Settings

    def factory(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "store": {"url": f"sqlite+aiosqlite:///{tmp_path}/healer.db"},
            "sink": {"kind": "file", "dir": tmp_path / "coderuns"},
            "context": {"mode": "none"},
            "dedup": {"group_wait_s": 0.0},
            "worker": {"count": 0},
            "routing": {"router": "prerouter"},
        }
        return Settings(_env_file=None, **_merge(values, overrides))  # type: ignore[call-arg]

    return factory


@pytest.fixture
async def healer_factory() -> AsyncIterator[Callable[..., Any]]:
    """Build and start Healers; all are stopped at teardown."""
    from healer_agent.compose import build_healer

    started: list[Any] = []

    async def factory(settings: Any, **overrides: Any) -> Any:
        healer = build_healer(settings, **overrides)
        await healer.start(workers=0)
        started.append(healer)
        return healer

    yield factory
    for healer in started:
        await healer.stop()


@pytest.fixture
def client_for() -> Callable[..., Any]:
    """An httpx client bound to an app whose Healer is already started.

    The tests' Healers run no workers, so after each request the client runs the intake
    stage of what was stored, as a running server's workers do at once (``settle=False``
    leaves it stored, to look at what the answer alone says).
    """
    import httpx

    from healer_agent.api.app import create_app

    def make(healer: Any, *, settle: bool = True) -> httpx.AsyncClient:
        app = create_app(healer.settings, healer)
        app.state.healer = healer

        async def intake_stage(response: httpx.Response) -> None:
            if response.request.method == "POST" and response.status_code == 202:
                await healer.worker.intake_pending()

        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://healer.test",
            event_hooks={"response": [intake_stage]} if settle else {},
        )

    return make
