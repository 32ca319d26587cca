"""The body read's time limit: a timeout past it, and any other cancellation left alone."""

from __future__ import annotations

import asyncio

import pytest

from healer_agent.api.body import _within


async def test_work_past_its_time_is_a_timeout() -> None:
    with pytest.raises(TimeoutError):
        await _within(0.01, asyncio.sleep(5))


async def test_work_in_time_is_not_cancelled_later() -> None:
    await _within(0.01, asyncio.sleep(0))
    await asyncio.sleep(0.05)  # past the limit: the timer was dropped with the work
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0


async def test_a_cancellation_from_outside_is_not_a_timeout() -> None:
    reader = asyncio.create_task(_within(5, asyncio.sleep(5)))
    await asyncio.sleep(0.01)
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    assert reader.cancelled()
