"""The schema: a new database gets the tables and the head stamp in one step, and that
schema is the one the migrations build; an older database is migrated; head is head."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from healer_agent.store.db import (
    HEAD,
    MIGRATIONS_DIR,
    create_engine,
    current_revision_sync,
    ensure_schema,
    upgrade_sync,
)
from healer_agent.store.tables import claims


def test_head_is_the_newest_migration() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD


def _shape(conn: sa.Connection) -> dict[str, Any]:
    inspector = sa.inspect(conn)
    out: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        out[table] = {
            "columns": sorted(
                (c["name"], str(c["type"]).split("(")[0], c["nullable"])
                for c in inspector.get_columns(table)
            ),
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "unique": sorted(
                tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)
            ),
        }
    return out


async def _schema(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_shape)
    finally:
        await engine.dispose()


async def test_a_new_database_is_created_at_head_with_the_migrated_schema(
    database_url: str, sqlite_url: str
) -> None:
    engine = create_engine(database_url)
    try:
        assert await ensure_schema(engine, database_url) == "created"
        assert await ensure_schema(engine, database_url) == "current"
    finally:
        await engine.dispose()
    assert await asyncio.to_thread(current_revision_sync, database_url) == HEAD
    migrated = sqlite_url.replace("healer.db", "migrated.db")
    await asyncio.to_thread(upgrade_sync, migrated)
    if database_url.startswith("sqlite"):
        assert await _schema(database_url) == await _schema(migrated)
    else:  # types are named per dialect; tables, columns, keys and indexes must match
        ours, theirs = await _schema(database_url), await _schema(migrated)
        assert ours.keys() == theirs.keys()
        for table in ours:
            assert [c[0] for c in ours[table]["columns"]] == [
                c[0] for c in theirs[table]["columns"]
            ], table
            assert ours[table]["pk"] == theirs[table]["pk"], table


async def test_an_older_database_is_migrated(database_url: str) -> None:
    await asyncio.to_thread(upgrade_sync, database_url, "0001")
    engine = create_engine(database_url)
    try:
        assert await ensure_schema(engine, database_url) == "upgraded"
        assert await ensure_schema(engine, database_url) == "current"
    finally:
        await engine.dispose()


async def test_the_slots_held_before_0006_are_counted_by_it(database_url: str) -> None:
    await asyncio.to_thread(upgrade_sync, database_url, "0005")
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(claims),
                [
                    {"key": k, "incident_id": i, "expires_at": datetime(2099, 1, 1, tzinfo=UTC)}
                    for k, i in [
                        ("slot:global:0", "a"),
                        ("slot:global:1", "b"),
                        ("slot:repo:o/r:0", "a"),
                        ("branch:o/r:main", "a"),
                    ]
                ],
            )
        await asyncio.to_thread(upgrade_sync, database_url)
        async with engine.connect() as conn:
            rows = await conn.execute(sa.text("SELECT prefix, held FROM slot_counts"))
            assert dict(rows.all()) == {"slot:global": 2, "slot:repo:o/r": 1}
    finally:
        await engine.dispose()
