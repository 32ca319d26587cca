"""The app's lifespan: while it serves, start-up's objects are frozen out of the collector
and its youngest generation waits for more allocations than Python's default; both are as
they were once it stops."""

from __future__ import annotations

import gc
from typing import Any

from healer_agent.api.app import GC_YOUNG_THRESHOLD, create_app


async def test_the_collector_is_tuned_while_serving_and_restored_after(make_settings: Any) -> None:
    before = gc.get_threshold()
    assert before[0] != GC_YOUNG_THRESHOLD  # else this test shows nothing
    app = create_app(make_settings())
    async with app.router.lifespan_context(app):
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
        assert app.state.healer.describe()  # the Healer the lifespan built runs
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
