"""RequestsFirst: background work waits for the requests in flight (ordering, not timing)."""

from __future__ import annotations

import asyncio

from healer_agent.pipeline.priority import RequestsFirst


async def test_work_waits_until_the_requests_in_flight_are_answered() -> None:
    gate = RequestsFirst(max_wait_s=60.0)
    await gate.wait()  # nothing in flight: returns at once
    order: list[str] = []
    release = asyncio.Event()

    async def request() -> None:
        with gate.request():
            await release.wait()
            order.append("answered")

    async def work() -> None:
        await gate.wait()
        order.append("worked")

    served = asyncio.create_task(request())
    await asyncio.sleep(0)
    assert gate.active == 1
    worked = asyncio.create_task(work())
    await asyncio.sleep(0)
    assert not worked.done()
    release.set()
    await asyncio.gather(served, worked)
    assert order == ["answered", "worked"]
    assert gate.active == 0


async def test_work_is_slowed_not_stopped_by_requests_that_never_end() -> None:
    gate = RequestsFirst(max_wait_s=0.0)
    with gate.request():
        await gate.wait()  # the bound passed: the work goes ahead
    assert gate.active == 0
