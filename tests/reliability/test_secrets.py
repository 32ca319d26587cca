"""A corpus of real secret formats planted in payloads, logs and PR bodies: none may reach
the database, a CodeRun prompt, a log line or an API answer."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import sqlalchemy as sa

from healer_agent.models import ContextBundle, Incident, JobLog, PullRequestInfo
from healer_agent.store.tables import metadata
from tests.integration.test_intake_api import SENSOR_CLIPPY
from tests.unit.test_logs import PEM, RUSTC, SECRETS, _secret_part, gh_log

pytestmark = pytest.mark.reliability
VALUES = [_secret_part(v) for v in SECRETS.values()]


class SecretContext:
    """Context whose log and PR body are full of secrets."""

    async def gather(self, incident: Incident) -> ContextBundle:
        leaked = [f"echo {value}" for value in SECRETS.values()]
        log = gh_log(("cargo build", [*leaked, *PEM.splitlines(), *RUSTC]))
        return ContextBundle(
            logs=(JobLog(job_name="build", text=log),),
            pull_request=PullRequestInfo(
                number=1, title="t", body="creds: " + " ".join(SECRETS.values())
            ),
            commit_message="oops " + " ".join(list(SECRETS.values())[:5]),
        )

    async def aclose(self) -> None:
        pass


async def test_no_secret_survives_anywhere(
    database_url: str,
    make_settings: Any,
    healer_factory: Any,
    client_for: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = make_settings(store={"url": database_url})
    healer = await healer_factory(settings, context=SecretContext())
    body = copy.deepcopy(SENSOR_CLIPPY)
    body["workflow_run"]["head_commit"]["message"] = "fix " + " | ".join(SECRETS.values())
    body["workflow_run"]["display_title"] = next(iter(SECRETS.values()))
    answers: list[str] = []
    async with client_for(healer) as client:
        response = await client.post("/api/remediate/ci-failure", json=body)
        answers.append(response.text)
        await healer.drain()
        incident_id = response.json()["incident_id"]
        for path in (
            f"/api/incidents/{incident_id}",
            "/api/incidents",
            "/api/status",
            "/api/insights",
            "/metrics",
        ):
            answers.append((await client.get(path)).text)
    dump: list[str] = []
    async with healer.engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = (await conn.execute(sa.select(table))).all()
            dump.extend(json.dumps([str(v) for v in row]) for row in rows)
    files = [p.read_text() for p in settings.sink.dir.glob("*.yaml")]
    assert files, "no CodeRun was written"
    logged = capsys.readouterr()
    haystacks = {
        "database": "\n".join(dump),
        "coderun": "\n".join(files),
        "api": "\n".join(answers),
        "logs": logged.out + logged.err,
    }
    leaks = [
        (where, value[:12])
        for where, text in haystacks.items()
        for value in VALUES
        if value in text
    ]
    assert not leaks, leaks
    assert "MIIEowIBAAKCAQEA" not in haystacks["coderun"]
    assert "[REDACTED:" in haystacks["coderun"]
