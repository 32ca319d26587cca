"""api.app.HealerApp: the CI-failure intake answered before Starlette's stack answers as
the stack does (the same requests to an app with and without the fast path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from healer_agent.api.app import INTAKE_PATH, HealerApp, create_app
from healer_agent.intake.signature import sign
from tests.conftest import load_fixture

TOKEN = "sensor-token-for-tests"
RUN = {
    "workflow_run": {
        "id": 4242,
        "name": "Controller CI",
        "conclusion": "failure",
        "html_url": "https://github.com/acme/shop/actions/runs/4242",
        "head_branch": "feat/x",
        "head_sha": "abc123def456",
        "head_commit": {"message": "feat: x"},
    },
    "repository": {"full_name": "acme/shop"},
}
AUTH = {"Authorization": f"Bearer {TOKEN}"}
REQUESTS: list[tuple[str, str, dict[str, str], bytes]] = [
    ("POST", INTAKE_PATH, AUTH, json.dumps(RUN).encode()),  # a new failure: 202
    ("POST", INTAKE_PATH, AUTH, json.dumps(RUN).encode()),  # its redelivery: 202 existing
    ("POST", INTAKE_PATH, {**AUTH, "X-GitHub-Delivery": "d-1"}, json.dumps(RUN).encode()),
    ("POST", INTAKE_PATH, {}, json.dumps(RUN).encode()),  # no token: 401
    ("POST", INTAKE_PATH, {**AUTH, "Content-Type": "text/plain"}, b"{}"),  # 415
    ("POST", INTAKE_PATH, AUTH, b"{not json"),  # 400
    ("POST", INTAKE_PATH, AUTH, b"[]"),  # 422
    ("POST", INTAKE_PATH, AUTH, json.dumps({"workflow_run": {"id": "x"}}).encode()),  # 422
    ("POST", INTAKE_PATH, {**AUTH, "Content-Length": "99999999"}, b"{}"),  # 413
    ("GET", INTAKE_PATH, AUTH, b""),  # 405: the stack's
    ("POST", INTAKE_PATH + "/", AUTH, json.dumps(RUN).encode()),  # the stack's (redirect)
]
SECRET = "webhook-secret-for-tests"
WEBHOOK = "/api/github/webhook"
ALERT = "/api/remediate/security-alert"
JOB = json.dumps(load_fixture("workflow_job/completed-1.json")).encode()
PING = json.dumps(load_fixture("ping/default-1.json")).encode()
DEPENDABOT = json.dumps(load_fixture("dependabot_alert/created.json")).encode()


def _github(event: str, body: bytes, delivery: str, **extra: str) -> dict[str, str]:
    signed = {"X-Hub-Signature-256": sign(SECRET, body)}
    return {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, **signed, **extra}


OTHER_ROUTES: list[tuple[str, str, dict[str, str], bytes]] = [
    ("POST", WEBHOOK, _github("workflow_job", JOB, "g-1"), JOB),  # 202
    ("POST", WEBHOOK, _github("workflow_job", JOB, "g-1"), JOB),  # redelivered: 202
    ("POST", WEBHOOK, _github("ping", PING, "g-2"), PING),  # 200 pong
    ("POST", WEBHOOK, _github("workflow_job", JOB, "g-3", **{"X-Hub-Signature-256": "x"}), JOB),
    ("POST", WEBHOOK, {"X-GitHub-Delivery": "g-4"}, JOB),  # no event header: 400
    ("GET", WEBHOOK, {}, b""),  # 405: the stack's
    ("POST", ALERT, {**AUTH, "X-GitHub-Event": "dependabot_alert"}, DEPENDABOT),  # 202
    ("POST", ALERT, AUTH, json.dumps(RUN).encode()),  # not an alert: 422
    ("POST", ALERT, {}, DEPENDABOT),  # no token: 401
]


@pytest.fixture
async def apps(
    make_settings: Any, healer_factory: Any, tmp_path: Path
) -> tuple[HealerApp, HealerApp]:
    """Two apps alike, each with its Healer and database; the second without the fast path."""
    made = []
    for name in ("fast", "routed"):
        settings = make_settings(
            store={"url": f"sqlite+aiosqlite:///{tmp_path}/{name}.db"},
            intake={"sensor_token": TOKEN, "webhook_secret": SECRET},
        )
        healer = await healer_factory(settings)
        app = create_app(settings, healer)
        app.state.healer = healer  # the lifespan's, which the transport does not run
        made.append(app)
    made[1].fast_intake = False
    return made[0], made[1]


async def _answer(
    app: HealerApp, request: tuple[str, str, dict[str, str], bytes]
) -> tuple[int, bytes, dict[str, str]]:
    method, path, headers, body = request
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://healer.test") as client:
        response = await client.request(method, path, headers=headers, content=body)
    return response.status_code, response.content, dict(response.headers)


async def _statuses(
    apps: tuple[HealerApp, HealerApp], requests: list[tuple[str, str, dict[str, str], bytes]]
) -> list[int]:
    """Each request to both apps in turn: the same answer from each; the statuses.

    Only what the fast path leaves to it (another method, a trailing slash) reaches the
    fast app's Starlette stack.
    """
    fast, routed = apps
    stacked: list[tuple[str, str]] = []
    stack = fast.build_middleware_stack()

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        stacked.append((scope["method"], scope["path"]))
        await stack(scope, receive, send)

    fast.middleware_stack = recording
    statuses = []
    for request in requests:
        mine = await _answer(fast, request)
        assert mine == await _answer(routed, request), request
        statuses.append(mine[0])
    left = [(m, p) for m, p, _, _ in requests if m != "POST" or p.endswith("/")]
    assert stacked == left
    return statuses


async def test_the_fast_path_answers_as_the_stack_does(apps: tuple[HealerApp, HealerApp]) -> None:
    statuses = await _statuses(apps, REQUESTS)
    assert statuses == [202, 202, 202, 401, 415, 400, 422, 422, 413, 405, 307]
    assert json.loads((await _answer(apps[0], REQUESTS[0]))[1])["dedup_status"] == "existing"


async def test_the_other_write_routes_answer_as_the_stack_does(
    apps: tuple[HealerApp, HealerApp],
) -> None:
    statuses = await _statuses(apps, OTHER_ROUTES)
    assert statuses == [202, 202, 200, 401, 400, 405, 202, 422, 401]


class _Broken:
    async def accept(self, **_: Any) -> Any:
        raise RuntimeError("the intake broke")


async def test_an_unexpected_error_is_answered_500_and_raised_on_as_the_stack_does(
    apps: tuple[HealerApp, HealerApp],
) -> None:
    answers = []
    for app in apps:
        app.state.healer.intake = _Broken()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.post(INTAKE_PATH, headers=AUTH, json=RUN)
        answers.append((response.status_code, response.json()))
        with pytest.raises(RuntimeError, match="the intake broke"):  # on to the server
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t"
            ) as client:
                await client.post(INTAKE_PATH, headers=AUTH, json=RUN)
    assert answers[0] == answers[1]
    assert answers[0][0] == 500 and answers[0][1]["status"] == "error"
