"""Reads need their own token: incidents, decisions, prompts, insights and status are not
served to whoever reaches the port; /health and /ready stay open; /metrics by choice."""

from __future__ import annotations

from typing import Any

import pytest

from healer_agent.api.app import ENDPOINTS, _document
from tests.integration.test_intake_api import SENSOR_CLIPPY
from tests.reliability.conftest import READ_TOKEN, SENSOR_TOKEN, WEBHOOK_SECRET, Locked

pytestmark = pytest.mark.reliability

READS = ("/api/status", "/api/incidents", "/api/incidents/{id}", "/api/insights")
OPEN = ("/health", "/ready", "/openapi.json", "/metrics")


async def _incident(locked: Locked) -> str:
    response = await locked.client.post(
        "/api/remediate/ci-failure",
        json=SENSOR_CLIPPY,
        headers={"Authorization": f"Bearer {SENSOR_TOKEN}"},
    )
    assert response.status_code == 202, response.text
    incident_id: str = response.json()["incident_id"]
    return incident_id


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer wrong",
        f"Basic {READ_TOKEN}",
        READ_TOKEN,
        f"Bearer {SENSOR_TOKEN}",
        f"Bearer {WEBHOOK_SECRET}",
        f"Bearer {READ_TOKEN}x",
        f"Bearer {READ_TOKEN[:-1]}",
        f"Bearer {READ_TOKEN} extra",
        "Bearer \u00e9\u00e9",
    ],
)
async def test_reads_refuse_anything_but_the_read_token(
    locked: Locked, authorization: str | None
) -> None:
    incident_id = await _incident(locked)
    headers = {} if authorization is None else {"Authorization": authorization.encode("utf-8")}
    for path in READS:
        response = await locked.client.get(path.replace("{id}", incident_id), headers=headers)
        assert response.status_code == 401, (path, response.text)
        assert response.headers["www-authenticate"].startswith("Bearer")
        body = response.json()
        assert body["reason"] and "incident" not in body and "incidents" not in body
        assert SENSOR_CLIPPY["repository"]["full_name"] not in response.text


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
async def test_the_read_token_opens_reads_whatever_the_scheme_case(
    locked: Locked, scheme: str
) -> None:
    incident_id = await _incident(locked)
    headers = {"Authorization": f"{scheme} {READ_TOKEN}"}
    for path in READS:
        response = await locked.client.get(path.replace("{id}", incident_id), headers=headers)
        assert response.status_code == 200, (path, response.text)


async def test_health_ready_openapi_and_metrics_stay_open(locked: Locked) -> None:
    for path in OPEN:
        assert (await locked.client.get(path)).status_code == 200, path


async def test_metrics_can_be_closed(
    locked_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    healer = await healer_factory(locked_settings(api={"protect_metrics": True}))
    async with client_for(healer) as client:
        assert (await client.get("/metrics")).status_code == 401
        opened = await client.get("/metrics", headers={"Authorization": f"bearer {READ_TOKEN}"})
        assert opened.status_code == 200
        assert "healer_events_total" in opened.text
        assert (await client.get("/health")).status_code == 200


async def test_a_locked_intake_without_a_read_token_closes_reads(
    make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    """Setting a webhook secret but forgetting the read token must not leave reads open."""
    healer = await healer_factory(make_settings(intake={"sensor_token": SENSOR_TOKEN}))
    async with client_for(healer) as client:
        for path in ("/api/status", "/api/incidents", "/api/insights"):
            response = await client.get(path, headers={"Authorization": f"Bearer {SENSOR_TOKEN}"})
            assert response.status_code == 401
            assert "HEALER_API__READ_TOKEN" in response.json()["reason"]


async def test_an_unlocked_development_healer_serves_reads(
    make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    healer = await healer_factory(make_settings())
    async with client_for(healer) as client:
        assert (await client.get("/api/status")).status_code == 200


def test_the_document_names_the_schemes_of_every_route() -> None:
    doc = _document()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["reader"] == {**schemes["reader"], "type": "http", "scheme": "bearer"}
    for ep in ENDPOINTS:
        op = doc["paths"][ep.path][ep.method.lower()]
        if ep.path in ("/health", "/ready", "/openapi.json"):
            assert "security" not in op
        elif ep.method == "GET":
            assert op["security"] == [{"reader": []}]
            assert {"401", "400"} <= set(op["responses"])
        else:
            assert op["security"] in ([{"sensor": []}], [{"github": []}])
            assert {"400", "401", "408", "413", "415", "422", "429", "503"} <= set(op["responses"])
            assert "Retry-After" in op["responses"]["429"]["headers"]
            assert "Retry-After" in op["responses"]["503"]["headers"]
