"""503 means the store is down, and only that: with the database gone, requests that are
wrong are still refused with their 4xx (so a sender does not retry them forever), bad
credentials are still 401, and only what Healer would have stored or read is a 503."""

from __future__ import annotations

import asyncio
import json
import os
import time
from typing import Any

import pytest

from tests.conftest import _pg_admin, pg_skip_reason
from tests.integration.test_intake_api import SENSOR_CLIPPY
from tests.reliability.conftest import READ_TOKEN, SENSOR_TOKEN

pytestmark = [pytest.mark.reliability, pytest.mark.postgres]


async def test_with_the_store_down_only_storing_and_reading_are_503(
    locked_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    reason = await asyncio.to_thread(pg_skip_reason)
    if reason:
        pytest.skip(reason)
    name = f"healer_down_{os.getpid()}_{int(time.time())}"
    await asyncio.to_thread(_pg_admin, f'CREATE DATABASE "{name}"')
    try:
        settings = locked_settings(
            store={"url": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"}
        )
        healer = await healer_factory(settings)
        sensor = {"Authorization": f"Bearer {SENSOR_TOKEN}", "Content-Type": "application/json"}
        read = {"Authorization": f"Bearer {READ_TOKEN}"}
        async with client_for(healer) as client:
            await asyncio.to_thread(_pg_admin, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await asyncio.to_thread(
                _pg_admin,
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
            )
            await healer.engine.dispose()
            body = json.dumps(SENSOR_CLIPPY).encode()
            cases = [
                (
                    "POST",
                    "/api/remediate/ci-failure",
                    body,
                    {**sensor, "X-GitHub-Delivery": "d" * 300},
                    400,
                ),
                (
                    "POST",
                    "/api/remediate/ci-failure",
                    body.replace(b"feat/new", b"feat new"),
                    sensor,
                    422,
                ),
                ("POST", "/api/remediate/ci-failure", b'{"a": "\\u0000"}', sensor, 422),
                ("POST", "/api/remediate/ci-failure", body, {**sensor, "Authorization": "x"}, 401),
                ("POST", "/api/github/webhook", body, {"X-GitHub-Event": "e" * 100}, 400),
                ("GET", "/api/incidents", b"", {"Authorization": "Bearer nope"}, 401),
                ("GET", "/api/incidents/not an id", b"", read, 422),
                ("GET", "/api/incidents?limit=²", b"", read, 422),
                ("POST", "/api/remediate/ci-failure", body, sensor, 503),
                ("GET", "/api/incidents", b"", read, 503),
                ("GET", "/api/incidents/0123456789abcdef", b"", read, 503),
                ("GET", "/api/status", b"", read, 503),
                ("GET", "/api/insights", b"", read, 503),
                ("GET", "/ready", b"", {}, 503),
            ]
            for method, path, content, headers, status in cases:
                response = await client.request(method, path, content=content, headers=headers)
                assert response.status_code == status, (path, headers, response.text)
                assert response.json()["reason"]
                if status == 503:
                    assert response.headers["retry-after"]
    finally:
        await asyncio.to_thread(_pg_admin, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await asyncio.to_thread(_pg_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
