"""Hostile input: the service's own OpenAPI under schemathesis, arbitrary JSON into the
normalisers, and malformed requests — no 5xx, no traceback, every answer documented."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healer_agent.intake.normalize import PayloadError, normalize
from healer_agent.intake.payloads import unwrap
from healer_agent.intake.signature import sign

pytestmark = pytest.mark.reliability

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
EVENTS = [
    "workflow_job",
    "workflow_run",
    "check_run",
    "check_suite",
    "status",
    "issue_comment",
    "pull_request",
    "pull_request_review",
    "dependabot_alert",
    "code_scanning_alert",
    "secret_scanning_alert",
    "repository_vulnerability_alert",
    "push",
]


@settings(max_examples=300, deadline=None)
@given(
    event=st.sampled_from(EVENTS),
    payload=st.dictionaries(
        st.sampled_from(
            [
                "repository",
                "workflow_job",
                "workflow_run",
                "check_run",
                "alert",
                "comment",
                "issue",
                "pull_request",
                "action",
                "sender",
                "sha",
                "state",
            ]
        ),
        JSON,
        max_size=6,
    ),
)
def test_normalize_raises_only_payload_errors(event: str, payload: dict[str, Any]) -> None:
    try:
        incident = normalize(event, payload)
    except PayloadError as exc:
        assert exc.fields
    else:
        assert incident.run_key


@settings(max_examples=200, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=10), JSON, max_size=6))
def test_unwrap_raises_only_payload_errors(payload: dict[str, Any]) -> None:
    with contextlib.suppress(PayloadError):
        unwrap(payload)


@pytest.fixture
async def client(make_settings: Any, healer_factory: Any, client_for: Any) -> Any:
    healer = await healer_factory(make_settings(intake={"webhook_secret": "s3cret-value"}))
    async with client_for(healer) as c:
        yield c


async def test_hostile_requests_get_reasons(client: Any) -> None:
    raw = json.dumps({"zen": "x"}).encode()
    cases = [
        (
            {
                "X-GitHub-Event": "ping",
                "Content-Type": "application/json",
                "X-Hub-Signature-256": "sha256=" + "0" * 64,
            },
            raw,
            401,
        ),  # forged
        ({"X-GitHub-Event": "ping", "Content-Type": "application/json"}, raw, 401),  # missing
        (
            {
                "X-GitHub-Event": "ping",
                "Content-Type": "application/json",
                "X-Hub-Signature-256": "md5=abc",
            },
            raw,
            401,
        ),
        (
            {"Content-Type": "application/json", "X-Hub-Signature-256": sign("s3cret-value", raw)},
            raw,
            400,
        ),  # no event header
        (
            {
                "X-GitHub-Event": "ping",
                "Content-Type": "application/xml",
                "X-Hub-Signature-256": sign("s3cret-value", b"<x/>"),
            },
            b"<x/>",
            415,
        ),
        (
            {
                "X-GitHub-Event": "ping",
                "Content-Type": "application/json",
                "X-Hub-Signature-256": sign("s3cret-value", b"\xc3\x28"),
            },
            b"\xc3\x28",
            400,
        ),
    ]
    for headers, body, status in cases:
        response = await client.post("/api/github/webhook", content=body, headers=headers)
        assert response.status_code == status, (headers, response.text)
        assert response.json()["reason"]
    deep = b'{"a":' * 200 + b"1" + b"}" * 200
    response = await client.post(
        "/api/remediate/ci-failure", content=deep, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "nested" in response.json()["reason"]


async def test_schemathesis_finds_no_server_errors(make_settings: Any, healer_factory: Any) -> None:
    import schemathesis
    from hypothesis import settings as hsettings

    from healer_agent.api.app import create_app

    healer = await healer_factory(make_settings())
    app = create_app(healer.settings, healer)
    app.state.healer = healer
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []

    def checker(operation: Any) -> Any:
        @hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path}: {response.status_code}")
            documented = operation.definition.raw.get("responses", {})
            if str(response.status_code) not in documented:
                failures.append(f"{case.method} {case.path}: undocumented {response.status_code}")

        return check

    for op in schema.get_all_operations():
        checker(op.ok())()
    assert not failures, sorted(set(failures))[:10]
