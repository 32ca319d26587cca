"""A Healer locked the way a deployment is: webhook secret, sensor token and read token set;
and requests that carry the right credential for whichever route they go to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from healer_agent.intake.signature import sign

WEBHOOK_SECRET = "webhook-secret-9f2c"
SENSOR_TOKEN = "sensor-token-5b1e"
READ_TOKEN = "read-token-77d0"


@dataclass
class Locked:
    """A started Healer with every credential set, and a client bound to its app."""

    healer: Any
    client: httpx.AsyncClient

    def credentials(self, method: str, path: str, body: bytes) -> dict[str, str]:
        """The header that authenticates ``body`` on ``path``."""
        if path == "/api/github/webhook":
            return {"X-Hub-Signature-256": sign(WEBHOOK_SECRET, body)}
        if path.startswith("/api/remediate/"):
            return {"Authorization": f"Bearer {SENSOR_TOKEN}"}
        return {"Authorization": f"Bearer {READ_TOKEN}"}


@pytest.fixture
def locked_settings(make_settings: Any) -> Any:
    """Settings with every credential set (reads need the read token)."""

    def factory(**groups: Any) -> Any:
        intake = {
            "webhook_secret": WEBHOOK_SECRET,
            "sensor_token": SENSOR_TOKEN,
            **groups.pop("intake", {}),
        }
        api = {"read_token": READ_TOKEN, **groups.pop("api", {})}
        return make_settings(intake=intake, api=api, **groups)

    return factory


@pytest.fixture
async def locked(
    locked_settings: Any, healer_factory: Any, client_for: Any
) -> AsyncIterator[Locked]:
    """A locked Healer on SQLite with its client."""
    healer = await healer_factory(locked_settings())
    async with client_for(healer) as client:
        yield Locked(healer, client)
