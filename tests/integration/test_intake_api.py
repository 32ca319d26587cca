"""The HTTP contract end to end in-process: intake → store → worker → CodeRun file, on
SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from healer_agent.api.schemas import ErrorAnswer, StatusAnswer
from healer_agent.intake.signature import sign
from tests.conftest import load_fixture

SENSOR_CLIPPY = {
    "workflow_run": {
        "id": 12345678,
        "name": "Controller CI",
        "conclusion": "failure",
        "html_url": "https://github.com/5dlabs/cto/actions/runs/12345678",
        "head_branch": "feat/new-feature",
        "head_sha": "abc123def456",
        "head_commit": {"message": "feat: add new feature"},
    },
    "repository": {"full_name": "5dlabs/cto"},
}
SECRET = "It's a Secret to Everybody"
READ_TOKEN = "read-token-for-tests"


def coderuns(directory: Path) -> list[dict[str, Any]]:
    if not directory.is_dir():
        return []
    return [
        yaml.safe_load(p.read_text())
        for p in sorted(directory.glob("healer-*.yaml"))
        if not p.name.endswith(".status.yaml")
    ]


@pytest.fixture
async def setup(database_url: str, make_settings: Any, healer_factory: Any, client_for: Any) -> Any:
    settings = make_settings(
        store={"url": database_url},
        intake={"webhook_secret": SECRET},
        api={"read_token": READ_TOKEN},
    )
    healer = await healer_factory(settings)
    async with client_for(healer) as client:
        client.headers["Authorization"] = f"Bearer {READ_TOKEN}"
        yield settings, healer, client


async def test_sensor_clippy_payload_is_routed_to_rex_and_dispatched_once(setup: Any) -> None:
    settings, healer, client = setup
    first = await client.post("/api/remediate/ci-failure", json=SENSOR_CLIPPY)
    assert first.status_code == 202, first.text
    body = first.json()
    assert body["status"] == "accepted"
    assert (body["agent"], body["routing"]) == (None, "pending")  # the worker routes it
    assert body["dedup_status"] == "new"
    assert body["incident_id"]
    await healer.drain()
    runs = coderuns(settings.sink.dir)
    assert len(runs) == 1
    manifest = runs[0]
    assert manifest["apiVersion"] == "agents.platform/v1"
    assert manifest["metadata"]["name"].startswith("healer-ci-rex-")
    assert manifest["metadata"]["labels"]["healer/branch"] == "feat-new-feature"
    assert manifest["spec"]["githubApp"] == "5DLabs-Rex"

    again = await client.post("/api/remediate/ci-failure", json=SENSOR_CLIPPY)
    assert again.status_code == 202
    assert again.json()["dedup_status"] == "existing"
    await healer.drain()
    assert len(coderuns(settings.sink.dir)) == 1

    incident = (await client.get(f"/api/incidents/{body['incident_id']}")).json()
    assert incident["status"] == "dispatched"
    assert incident["coderun_name"] == manifest["metadata"]["name"]
    assert incident["routing"] == "final"
    assert incident["agent"] == again.json()["agent"] == "rex"


async def test_sensor_envelopes_are_all_accepted(setup: Any) -> None:
    _, _, client = setup
    job = load_fixture("workflow_job/completed-1.json")
    wrapped = {"body": job, "event": "workflow_job", "delivery_id": "d-wrapped"}
    response = await client.post("/api/remediate/ci-failure", json=wrapped)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "accepted"
    cloud = {
        "context": {"type": "github"},
        "data": {
            "headers": {"X-Github-Event": ["workflow_job"], "X-Github-Delivery": ["d-cloud"]},
            "body": job,
        },
    }
    response = await client.post("/api/remediate/ci-failure", json=cloud)
    assert response.status_code == 202
    assert response.json()["dedup_status"] == "existing"  # same run as the wrapped one


async def test_webhook_signature_is_checked_on_raw_bytes(setup: Any) -> None:
    _, _, client = setup
    raw = json.dumps(load_fixture("workflow_job/completed-1.json")).encode()
    headers = {
        "X-GitHub-Event": "workflow_job",
        "X-GitHub-Delivery": "sig-1",
        "Content-Type": "application/json",
    }
    wrong = await client.post(
        "/api/github/webhook",
        content=raw,
        headers={**headers, "X-Hub-Signature-256": sign("nope", raw)},
    )
    assert wrong.status_code == 401
    missing = await client.post("/api/github/webhook", content=raw, headers=headers)
    assert missing.status_code == 401
    good = await client.post(
        "/api/github/webhook",
        content=raw,
        headers={**headers, "X-Hub-Signature-256": sign(SECRET, raw)},
    )
    assert good.status_code == 202, good.text
    redelivered = await client.post(
        "/api/github/webhook",
        content=raw,
        headers={**headers, "X-Hub-Signature-256": sign(SECRET, raw)},
    )
    assert redelivered.status_code == 202
    assert redelivered.json()["dedup_status"] == "existing"


@pytest.mark.parametrize(
    "rel,status",
    [
        ("workflow_job/completed-1.json", "accepted"),
        ("workflow_job/completed-2.json", "ignored"),
        ("workflow_job/in_progress-1.json", "ignored"),
        ("workflow_job/queued-2.json", "ignored"),
    ],
)
async def test_real_workflow_job_payloads(setup: Any, rel: str, status: str) -> None:
    _, _, client = setup
    raw = json.dumps(load_fixture(rel)).encode()
    response = await client.post(
        "/api/github/webhook",
        content=raw,
        headers={
            "X-GitHub-Event": "workflow_job",
            "X-GitHub-Delivery": f"d-{rel}",
            "X-Hub-Signature-256": sign(SECRET, raw),
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 202, response.text
    assert response.json()["status"] == status


async def test_security_alert_goes_to_cipher_final(setup: Any) -> None:
    settings, healer, client = setup
    alert = load_fixture("dependabot_alert/created.json")
    response = await client.post(
        "/api/remediate/security-alert", json=alert, headers={"X-GitHub-Event": "dependabot_alert"}
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["agent"] == "cipher"
    assert body["routing"] == "final"
    await healer.drain()
    runs = coderuns(settings.sink.dir)
    assert [r["spec"]["githubApp"] for r in runs] == ["5DLabs-Cipher"]
    assert "semver" in runs[0]["spec"]["promptModification"]


async def test_ping_and_unknown_events(setup: Any) -> None:
    _, _, client = setup
    raw = json.dumps(load_fixture("ping/default-1.json")).encode()
    ping = await client.post(
        "/api/github/webhook",
        content=raw,
        headers={
            "X-GitHub-Event": "ping",
            "X-Hub-Signature-256": sign(SECRET, raw),
            "Content-Type": "application/json",
        },
    )
    assert ping.status_code == 200
    raw = json.dumps(load_fixture("push/default-1.json")).encode()
    push = await client.post(
        "/api/github/webhook",
        content=raw,
        headers={
            "X-GitHub-Event": "push",
            "X-GitHub-Delivery": "push-1",
            "X-Hub-Signature-256": sign(SECRET, raw),
            "Content-Type": "application/json",
        },
    )
    assert push.status_code == 202
    assert push.json()["status"] == "ignored"
    metrics = (await client.get("/metrics")).text
    assert 'healer_events_total{event_type="push",outcome="ignored"} 1.0' in metrics


async def test_skip_marker_and_non_failure_are_skipped_with_reason(setup: Any) -> None:
    _, healer, client = setup
    payload = copy.deepcopy(SENSOR_CLIPPY)
    payload["workflow_run"]["id"] = 777
    payload["workflow_run"]["head_commit"]["message"] = "wip [skip-healer]"
    response = await client.post("/api/remediate/ci-failure", json=payload)
    assert response.json()["dedup_status"] == "skipped"
    assert "[skip-healer]" in response.json()["reason"]
    await healer.drain()  # the worker records the skipped incident under the answered id
    incident = (await client.get(f"/api/incidents/{response.json()['incident_id']}")).json()
    assert incident["status"] == "skipped"
    assert "[skip-healer]" in incident["reason"]


async def test_a_body_without_a_delivery_id_is_keyed_after_its_run_and_found_again(
    setup: Any,
) -> None:
    _, healer, client = setup
    first = await client.post("/api/remediate/ci-failure", json=SENSOR_CLIPPY)
    again = await client.post("/api/remediate/ci-failure", json=SENSOR_CLIPPY)
    delivery = first.json()["delivery_id"]
    assert delivery.startswith("run:12345678:1:sha256:")
    assert (again.json()["dedup_status"], again.json()["delivery_id"]) == ("existing", delivery)
    async with healer.engine.connect() as conn:
        stored = (await conn.execute(sa.text("SELECT delivery_id FROM deliveries"))).all()
    assert [row[0] for row in stored] == [delivery]


async def test_second_run_of_the_same_failure_becomes_a_duplicate(setup: Any) -> None:
    settings, healer, client = setup
    first = await client.post("/api/remediate/ci-failure", json=SENSOR_CLIPPY)
    later = copy.deepcopy(SENSOR_CLIPPY)
    later["workflow_run"]["id"] = 12345679
    second = await client.post("/api/remediate/ci-failure", json=later)
    assert first.json()["dedup_status"] == "new"
    # A different run of the same workflow, branch and commit: the answer cannot know yet
    # (the claims by what failed are taken by the worker's intake stage), the incident can.
    assert second.json()["dedup_status"] == "new"
    await healer.drain()
    duplicate = (await client.get(f"/api/incidents/{second.json()['incident_id']}")).json()
    assert duplicate["status"] == "duplicate"
    assert duplicate["duplicate_of"] == first.json()["incident_id"]
    assert len(coderuns(settings.sink.dir)) == 1


async def test_fifty_concurrent_deliveries_make_one_coderun(setup: Any) -> None:
    settings, healer, client = setup
    job = load_fixture("workflow_job/completed-1.json")
    raw = json.dumps(job).encode()

    async def deliver(n: int) -> tuple[int, dict[str, Any]]:
        response = await client.post(
            "/api/github/webhook",
            content=raw,
            headers={
                "X-GitHub-Event": "workflow_job",
                "X-GitHub-Delivery": f"storm-{n}",
                "X-Hub-Signature-256": sign(SECRET, raw),
                "Content-Type": "application/json",
            },
        )
        return response.status_code, response.json()

    answered = await asyncio.gather(*(deliver(n) for n in range(50)))
    assert [status for status, _ in answered] == [202] * 50
    # one new incident; every other delivery of the run joins it, in its batch or a later one
    assert sorted(a["dedup_status"] for _, a in answered) == ["existing"] * 49 + ["new"]
    assert len({a["incident_id"] for _, a in answered}) == 1
    assert {a["reason"] for _, a in answered if a["dedup_status"] == "existing"} == {
        "joined the incident of the same run"
    }
    await asyncio.gather(*(healer.worker.work_once() for _ in range(5)))
    await healer.drain()
    assert len(coderuns(settings.sink.dir)) == 1


@pytest.mark.parametrize(
    "headers,content,status",
    [
        ({"Content-Type": "application/json"}, b"{not json", 400),
        ({"Content-Type": "application/json"}, b"\xff\xfe{}", 400),
        ({"Content-Type": "text/plain"}, b"{}", 415),
        ({"Content-Type": "application/json"}, b"[1, 2]", 422),
        ({"Content-Type": "application/json"}, b'{"workflow_run": {"name": "x"}}', 422),
        ({"Content-Type": "application/json"}, b'{"hello": "world"}', 422),
        ({"Content-Type": "application/json"}, b"[" * 500 + b"]" * 500, 400),
    ],
)
async def test_bad_sensor_bodies_get_a_reason(
    setup: Any, headers: dict[str, str], content: bytes, status: int
) -> None:
    _, _, client = setup
    response = await client.post("/api/remediate/ci-failure", content=content, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["reason"]


async def test_missing_fields_are_named(setup: Any) -> None:
    _, _, client = setup
    response = await client.post("/api/remediate/ci-failure", json={"workflow_run": {"name": "x"}})
    assert response.status_code == 422
    assert "repository" in response.json()["missing"]
    assert "workflow_run.id" in response.json()["missing"]


async def test_body_over_cap_is_413(
    database_url: str, make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    healer = await healer_factory(
        make_settings(store={"url": database_url}, intake={"max_body_bytes": 1024})
    )
    async with client_for(healer) as client:
        response = await client.post(
            "/api/remediate/ci-failure",
            content=b"x" * 5000,
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 413


async def test_status_health_ready_openapi(setup: Any) -> None:
    _, _, client = setup
    assert (await client.get("/health")).json()["status"] == "healthy"
    assert (await client.get("/ready")).status_code == 200
    status = (await client.get("/api/status")).json()
    assert "inbox" in status["queue"]
    StatusAnswer.model_validate(status)
    spec = (await client.get("/openapi.json")).json()
    assert "/api/remediate/ci-failure" in spec["paths"]
    ci = spec["paths"]["/api/remediate/ci-failure"]["post"]
    assert {"SensorTrigger", "CloudEvent"} <= {
        ref["$ref"].rsplit("/", 1)[1]
        for ref in ci["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    }
    assert ci["responses"]["202"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/IntakeResult"
    )
    missing = await client.get("/api/incidents/nope")
    assert missing.status_code == 404 and ErrorAnswer.model_validate(missing.json()).reason


def test_every_route_is_in_the_document() -> None:
    from healer_agent.api.app import ENDPOINTS, _document

    doc = _document()
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    assert documented == {(ep.method, ep.path) for ep in ENDPOINTS}
    for ep in ENDPOINTS:
        for model in ep.answers.values():
            if model is not None:
                assert model.__name__ in doc["components"]["schemas"]


TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def _clean_and_hidden() -> tuple[bytes, bytes]:
    """A body without a secret, and one whose token JSON's escapes hide from its bytes."""
    clean = json.dumps(SENSOR_CLIPPY, indent=1).encode()
    hidden = copy.deepcopy(SENSOR_CLIPPY)
    hidden["workflow_run"]["id"] = 12345679
    hidden["workflow_run"]["head_commit"]["message"] = f"fix: rotate {TOKEN}"
    escaped = json.dumps(hidden).replace("ghp_", "\\u0067hp_").encode()
    assert TOKEN.encode() not in escaped
    return clean, escaped


async def _post_both(client: Any, bodies: tuple[bytes, bytes]) -> None:
    headers = {"Content-Type": "application/json"}
    for n, body in enumerate(bodies):
        headers["X-GitHub-Delivery"] = f"stored-{n}"
        answer = await client.post("/api/remediate/ci-failure", content=body, headers=headers)
        assert answer.status_code == 202, answer.text


async def test_without_a_key_a_clean_body_is_stored_as_sent_and_a_secret_never(
    setup: Any,
) -> None:
    """PostgreSQL without a shared payload key stores bodies redacted: as the sender's text
    when redaction changes nothing; re-encoded, redacted, when it does, even for a token
    the JSON escapes hide from the raw bytes."""
    from healer_agent.store import inbox

    settings, healer, client = setup
    if not settings.store.is_postgres:
        pytest.skip("SQLite seals bodies with its own key (test_bodies_are_sealed_at_rest)")
    assert healer.payloads.startswith("redacted")
    clean, escaped = _clean_and_hidden()
    await _post_both(client, (clean, escaped))
    async with healer.engine.connect() as conn:
        first, second = [await inbox.get(conn, f"stored-{n}") for n in (0, 1)]
    assert first is not None and first.payload == clean.decode()
    assert second is not None and "hp_A1b2" not in second.payload
    assert json.loads(second.payload)["workflow_run"]["id"] == 12345679


@pytest.mark.parametrize("given_key", [True, False], ids=["key", "no-key"])
async def test_bodies_are_sealed_at_rest_and_their_incidents_redacted(
    database_url: str,
    make_settings: Any,
    healer_factory: Any,
    client_for: Any,
    tmp_path: Path,
    given_key: bool,
) -> None:
    """Sealed with the key given (or SQLite's own key file): the stored text opens, with
    that key and that row's delivery id only, to the body as sent; nothing derived from it
    and stored (the incident, its events) holds the token."""
    import base64

    from healer_agent.store import inbox, incidents
    from healer_agent.store.seal import PREFIX, Sealer, SealError, key_file_of

    if not given_key and database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL without a shared key redacts (the test above)")
    key = bytes(range(32))
    store: dict[str, Any] = {"url": database_url}
    if given_key:
        store["payload_key"] = base64.b64encode(key).decode()
    healer = await healer_factory(make_settings(store=store))
    assert healer.payloads.startswith("sealed")
    if not given_key:
        key_file = key_file_of(database_url)
        assert key_file is not None and key_file.stat().st_mode & 0o077 == 0
        key = base64.b64decode(key_file.read_text())
    bodies = _clean_and_hidden()
    async with client_for(healer) as client:
        await _post_both(client, bodies)
    await healer.drain()
    sealer = Sealer(key)
    async with healer.engine.connect() as conn:
        rows = [await inbox.get(conn, f"stored-{n}") for n in (0, 1)]
        stored = []
        for row in rows:
            assert row is not None and row.result is not None
            incident_id = row.result["incident_id"]
            stored.append(json.dumps(await incidents.get(conn, incident_id), default=str))
            stored += [e.model_dump_json() for e in await incidents.events(conn, incident_id)]
    for row, body in zip(rows, bodies, strict=True):
        assert row is not None and row.payload.startswith(PREFIX)
        assert "hp_A1b2" not in row.payload and "fix: rotate" not in row.payload
        assert sealer.open(row.payload, row.delivery_id) == body.decode()
        with pytest.raises(SealError):
            sealer.open(row.payload, "another-delivery")
    assert "fix: rotate" in "".join(stored[2:]) and "hp_A1b2" not in "".join(stored)


async def test_the_stage_guesses_no_agent_for_a_failure_and_gives_an_alert_cipher(
    setup: Any,
) -> None:
    """The intake stage admits a CI failure with no agent (the dispatcher's route, from its
    context, is the first); a security alert's route is final at once: cipher."""
    _, healer, client = setup
    failure = await client.post("/api/remediate/ci-failure", json=SENSOR_CLIPPY)
    alert = await client.post(
        "/api/remediate/security-alert",
        content=json.dumps(load_fixture("dependabot_alert/created.json")).encode(),
        headers={"X-GitHub-Event": "dependabot_alert", "Content-Type": "application/json"},
    )
    assert (failure.status_code, alert.status_code) == (202, 202), alert.text
    await healer.worker.intake_pending()  # the stage, if the requests' wake has not run it
    staged = []
    for answer in (failure, alert):
        shown = await client.get(f"/api/incidents/{answer.json()['incident_id']}")
        assert shown.status_code == 200, shown.text
        staged.append((shown.json()["status"], shown.json()["agent"]))
    assert staged == [("routing", None), ("routing", "cipher")]


async def test_a_sealed_row_is_opened_from_the_store_with_its_key_only(
    database_url: str, make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    """A row staged again (``healer replay``; another replica's, a restart's) is opened from
    the store, not taken from the request's memory; under another key it fails, saying so."""
    import base64

    import sqlalchemy as sa

    from healer_agent.store import inbox, incidents

    def settings(key: bytes) -> Any:
        payload_key = base64.b64encode(key).decode()
        return make_settings(store={"url": database_url, "payload_key": payload_key})

    healer = await healer_factory(settings(bytes(range(32))))
    _, hidden = _clean_and_hidden()
    async with client_for(healer) as client:
        await _post_both(client, (hidden, hidden))
    await healer.drain()
    async with healer.engine.begin() as conn:
        assert await inbox.reset(conn, "stored-1")
    assert await healer.worker.intake_pending() == 1  # opened, normalised, redacted again
    async with healer.engine.connect() as conn:
        row = await inbox.get(conn, "stored-1")
        assert row is not None and row.status == "done" and row.result is not None
        views = await incidents.events(conn, row.result["incident_id"])
    assert views and all("fix: rotate" in v.commit_message for v in views)
    assert not any("hp_A1b2" in v.model_dump_json() for v in views)

    other = await healer_factory(settings(bytes(32)))
    async with other.engine.begin() as conn:
        assert await inbox.reset(conn, "stored-1")
    await other.worker.intake_pending()
    async with other.engine.connect() as conn:
        error = await conn.scalar(
            sa.text("SELECT last_error FROM deliveries WHERE delivery_id = 'stored-1'")
        )
    assert error is not None and "does not open with this payload key" in error
