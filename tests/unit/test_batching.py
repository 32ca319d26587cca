"""Group commit: concurrent submissions share transactions, each answered after its commit,
and a bad item fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healer_agent.pipeline.batching import GroupCommit
from healer_agent.store.db import create_engine

ROWS = sa.table("rows", sa.column("n", sa.Integer))


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/b.db")
    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE rows (n INTEGER PRIMARY KEY CHECK (n >= 0))"))
    yield engine
    await engine.dispose()


async def insert(conn: AsyncConnection, batch: list[int]) -> list[int]:
    await conn.execute(sa.insert(ROWS), [{"n": n} for n in batch])  # one statement
    return [n * 2 for n in batch]


async def test_concurrent_submissions_share_commits_and_see_their_rows(engine: AsyncEngine) -> None:
    group: GroupCommit[int, int] = GroupCommit(engine, insert, max_batch=16)

    async def submit_and_check(n: int) -> int:
        result = await group.submit(n)
        async with engine.connect() as conn:  # committed before the answer
            assert (
                await conn.scalar(
                    sa.select(sa.func.count()).select_from(ROWS).where(sa.column("n") == n)
                )
                == 1
            )
        return result

    results = await asyncio.gather(*(submit_and_check(n) for n in range(64)))
    assert results == [n * 2 for n in range(64)]
    assert 4 <= group.batches < 64


async def test_a_bad_item_fails_alone(engine: AsyncEngine) -> None:
    group: GroupCommit[int, int] = GroupCommit(engine, insert)
    outcomes = await asyncio.gather(
        *(group.submit(n) for n in (1, 2, -1, 3)), return_exceptions=True
    )
    assert outcomes[:2] == [2, 4] and outcomes[3] == 6
    assert isinstance(outcomes[2], sa.exc.IntegrityError)
    async with engine.connect() as conn:
        assert sorted(
            (await conn.execute(sa.select(sa.column("n")).select_from(ROWS))).scalars()
        ) == [1, 2, 3]


async def test_work_that_commits_itself_keeps_what_it_committed_only(engine: AsyncEngine) -> None:
    async def insert_commit_then_more(conn: AsyncConnection, batch: list[int]) -> list[int]:
        await conn.execute(sa.insert(ROWS), [{"n": n} for n in batch])
        await conn.commit()
        await conn.execute(sa.insert(ROWS), [{"n": n + 100} for n in batch])  # left open
        return batch

    group: GroupCommit[int, int] = GroupCommit(engine, insert_commit_then_more, commits=True)
    assert await asyncio.gather(*(group.submit(n) for n in (1, 2))) == [1, 2]
    async with engine.connect() as conn:
        assert sorted(
            (await conn.execute(sa.select(sa.column("n")).select_from(ROWS))).scalars()
        ) == [1, 2]


async def test_batches_in_flight_at_once_each_answer_after_their_commit(
    engine: AsyncEngine,
) -> None:
    group: GroupCommit[int, int] = GroupCommit(engine, insert, max_batch=8, flushers=3)
    results = await asyncio.gather(*(group.submit(n) for n in range(40)))
    assert results == [n * 2 for n in range(40)]
    assert 5 <= group.batches < 40
    # every flusher ended with the queue: a later item starts one again, not waits forever
    assert await asyncio.wait_for(group.submit(40), timeout=30) == 80
    async with engine.connect() as conn:
        count = await conn.scalar(sa.select(sa.func.count()).select_from(ROWS))
    assert count == 41
