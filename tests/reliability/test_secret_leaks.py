"""The secret corpus end to end: every shape in tests/fixtures/secrets (and secrets made up
afresh for each run, so the test is not tuned to fixed values) planted in webhook and sensor
payloads, job and step names, commit messages, comments, alerts, the job log, the PR and the
annotations a context source returns; then nothing of them may be found in the database
rows, the CodeRun files, any API answer or the captured logs."""

from __future__ import annotations

import io
import json
import logging
import random
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import structlog
import yaml

from healer_agent.logs.redact import redact
from healer_agent.logsetup import configure_logging
from healer_agent.models import ContextBundle, Incident, JobLog, PullRequestInfo
from healer_agent.store.tables import metadata
from tests.conftest import load_fixture
from tests.reliability.conftest import Locked

pytestmark = pytest.mark.reliability
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "secrets"
CORPUS: list[dict[str, Any]] = yaml.safe_load((FIXTURES / "corpus.yaml").read_text())
KEYS: list[dict[str, str]] = yaml.safe_load((FIXTURES / "private_keys.yaml").read_text())["keys"]
TS = "2026-11-28T21:04:05.1234567Z "
BATCH = 10


def _random(alphabet: str, n: int, rng: random.Random) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def fresh_secrets(seed: int) -> list[dict[str, Any]]:
    """Secrets of well-known shapes with values nobody has seen, in the contexts they leak
    from (the corpus's format: text, secret)."""
    rng = random.Random(seed)
    alnum = string.ascii_letters + string.digits
    b64 = alnum + "+/"
    aws_id = "AKIA" + _random(string.ascii_uppercase + string.digits, 16, rng)
    aws_secret = _random(b64, 40, rng)
    gh = "ghp_" + _random(alnum, 36, rng)
    pat = "github_pat_" + _random(alnum, 22, rng) + "_" + _random(alnum, 59, rng)
    slack = (
        "xoxb-"
        + "-".join(_random(string.digits, 12, rng) for _ in range(2))
        + "-"
        + _random(alnum, 24, rng)
    )
    stripe = "sk_live_" + _random(alnum, 24, rng)
    google = "AIza" + _random(alnum + "-_", 35, rng)
    db_pass = _random(alnum, 18, rng)
    jwt = "eyJhbGciOiJIUzI1NiJ9." + _random(alnum, 40, rng) + "." + _random(alnum + "-_", 43, rng)
    bearer = _random(alnum, 40, rng)
    npm = "npm_" + _random(alnum, 36, rng)
    export_pass = _random(alnum + "!@#%", 20, rng)
    return [
        {"text": f"$ aws configure set aws_access_key_id {aws_id}", "secret": aws_id},
        {"text": f"AWS_SECRET_ACCESS_KEY={aws_secret}", "secret": aws_secret},
        {"text": f"git clone https://x-access-token:{gh}@github.com/o/r.git", "secret": gh},
        {"text": f"GITHUB_TOKEN: {pat}", "secret": pat},
        {"text": f'curl -H "Authorization: Bearer {slack}" https://slack.com/api', "secret": slack},
        {"text": f"Stripe.api_key = '{stripe}'", "secret": stripe},
        {"text": f"maps_key: {google}", "secret": google},
        {
            "text": f"Run ./deploy.sh --db postgres://app:{db_pass}@db.internal:5432/prod",
            "secret": db_pass,
        },
        {"text": f"token={jwt}", "secret": jwt},
        {"text": f"> Authorization: Bearer {bearer}", "secret": bearer},
        {"text": f"//registry.npmjs.org/:_authToken={npm}", "secret": npm},
        {"text": f"export DB_PASS='{export_pass}'", "secret": export_pass},
    ]


SEED = random.SystemRandom().randrange(2**32)
"""The fresh secrets' seed (named in a failure, to replay it)."""
CASES = CORPUS + fresh_secrets(SEED)


def _lines(case: dict[str, Any]) -> list[str]:
    return [line for line in case["text"].splitlines() if line.strip()]


def _name_lines(case: dict[str, Any], limit: int) -> list[str]:
    """Lines that can be a job or step name (one line, no control character), leaving out
    a line that is the bare secret (a YAML block scalar's body says what it is only with
    the key above it, which a one-line field cannot carry)."""
    return [
        line.strip()
        for line in _lines(case)
        if len(line.strip()) <= limit
        and line.strip().isprintable()
        and line.strip().strip("'\"") != case["secret"]
    ]


def _short(case: dict[str, Any], limit: int) -> str | None:
    """The line that carries the secret, when it can be a name field."""
    return next((line for line in _name_lines(case, limit) if case["secret"] in line), None)


def batches() -> Iterator[tuple[int, list[dict[str, Any]]]]:
    for i in range(0, len(CASES), BATCH):
        yield 9000 + i, CASES[i : i + BATCH]


BY_RUN = dict(batches())


class CorpusContext:
    """A context source whose log, PR, annotations and commit carry a batch's secrets."""

    async def gather(self, incident: Incident) -> ContextBundle:
        cases = BY_RUN.get(incident.run_id or 0, CASES[:BATCH])
        log: list[str] = [f"{TS}Current runner version: '2.321.0'"]
        for case in cases:
            lines = _lines(case)
            log += [
                f"{TS}##[group]Run {lines[0]}",
                *(f"{TS}{line}" for line in lines),
                f"{TS}##[endgroup]",
            ]
        for key in KEYS:
            log += [f"{TS}{line}" for line in key["block"].splitlines()[1:-1]]
        log.append(f"{TS}##[error]Process completed with exit code 1.")
        texts = "\n\n".join(c["text"] for c in cases)
        short = next((s for c in cases if (s := _short(c, 120))), "title")
        return ContextBundle(
            logs=(JobLog(job_name="build", text="\n".join(log)),),
            pull_request=PullRequestInfo(number=7, title=short, body=texts),
            commit_message=texts,
            annotations=tuple(line for c in cases for line in _name_lines(c, 1000)),
        )

    async def aclose(self) -> None:
        pass


def _sensor_body(run_id: int, cases: list[dict[str, Any]]) -> dict[str, Any]:
    shorts = [s for c in cases if (s := _short(c, 200))]
    return {
        "workflow_run": {
            "id": run_id,
            "name": shorts[0] if shorts else "CI",
            "conclusion": "failure",
            "html_url": f"https://github.com/5dlabs/cto/actions/runs/{run_id}",
            "head_branch": f"fix/{run_id}",
            "head_sha": "abc123def456",
            "display_title": shorts[-1] if shorts else "fix",
            "head_commit": {"message": "\n\n".join(c["text"] for c in cases)},
        },
        "repository": {"full_name": "5dlabs/cto"},
    }


def _job_body(run_id: int, cases: list[dict[str, Any]]) -> dict[str, Any]:
    job = load_fixture("workflow_job/completed-1.json")
    shorts = [s for c in cases if (s := _short(c, 200))]
    steps = [
        {"name": line, "status": "completed", "conclusion": "failure", "number": n + 1}
        for n, line in enumerate(line for c in cases for line in _name_lines(c, 1000))
    ]
    job["workflow_job"].update(
        {
            "run_id": run_id,
            "id": run_id * 10,
            "head_branch": f"fix/{run_id}",
            "name": shorts[-1] if shorts else "build",
            "workflow_name": shorts[len(shorts) // 2] if shorts else "CI",
            "steps": steps,
        }
    )
    job["repository"]["full_name"] = "5dlabs/cto"
    return job


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        try:
            inner = json.loads(value)
        except ValueError:
            return
        if not isinstance(inner, str):
            yield from _strings(inner)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def _pem_fragments() -> list[str]:
    body = [
        line
        for k in KEYS
        for line in k["block"].splitlines()
        if line and "-----" not in line and ":" not in line and len(line) >= 24
    ]
    return sorted({line[i : i + 16] for line in body for i in range(0, len(line) - 15, 8)})


@pytest.fixture
def redacted_logs() -> Iterator[io.StringIO]:
    """JSON log lines, redacted as ``healer serve`` has them, written to a buffer."""
    out = io.StringIO()
    configure_logging("DEBUG", redactor=redact)
    # the configured processors, printing here; nothing outlives the test
    structlog.configure(
        logger_factory=structlog.PrintLoggerFactory(out), cache_logger_on_first_use=False
    )
    yield out
    structlog.reset_defaults()


async def test_no_planted_secret_reaches_store_coderun_api_or_logs(
    locked_settings: Any,
    healer_factory: Any,
    client_for: Any,
    redacted_logs: io.StringIO,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("aiosqlite").setLevel(logging.INFO)  # the rows are read below anyway
    settings = locked_settings(loop={"max_in_flight": 1000, "max_in_flight_per_repo": 1000})
    healer = await healer_factory(settings, context=CorpusContext())
    answers: list[str] = []
    async with client_for(healer) as client:
        locked = Locked(healer, client)

        async def post(path: str, body: dict[str, Any], **headers: str) -> Any:
            raw = json.dumps(body).encode()
            response = await client.post(
                path,
                content=raw,
                headers={
                    "Content-Type": "application/json",
                    **locked.credentials("POST", path, raw),
                    **headers,
                },
            )
            answers.append(response.text)
            return response

        for run_id, cases in batches():
            sensor = await post("/api/remediate/ci-failure", _sensor_body(run_id, cases))
            assert sensor.status_code == 202, sensor.text
            job = await post(
                "/api/github/webhook",
                _job_body(run_id, cases),
                **{"X-GitHub-Event": "workflow_job", "X-GitHub-Delivery": f"job-{run_id}"},
            )
            assert job.status_code == 202, job.text
            comment = load_fixture("issue_comment/created-1.json")
            comment["comment"]["body"] = "\n".join(c["text"] for c in cases)
            assert (
                await post(
                    "/api/github/webhook",
                    comment,
                    **{"X-GitHub-Event": "issue_comment", "X-GitHub-Delivery": f"c-{run_id}"},
                )
            ).status_code == 202
            alert = load_fixture("dependabot_alert/created.json")
            alert["alert"]["number"] = run_id
            alert["alert"]["security_advisory"]["summary"] = next(
                (s for c in reversed(cases) if (s := _short(c, 1000))), "summary"
            )
            assert (
                await post(
                    "/api/remediate/security-alert", alert, **{"X-GitHub-Event": "dependabot_alert"}
                )
            ).status_code == 202
            # refused requests must not echo what they carried either
            bad = _sensor_body(run_id + 1, cases)
            bad["workflow_run"]["head_branch"] = "x " + cases[0]["secret"]
            bad["workflow_run"]["name"] = (_short(cases[0], 150) or "n") + "\n"
            assert (await post("/api/remediate/ci-failure", bad)).status_code == 422
        await healer.drain()
        read = locked.credentials("GET", "/api/incidents", b"")
        listing = await client.get("/api/incidents", params={"limit": 200}, headers=read)
        answers.append(listing.text)
        ids = [row["id"] for row in listing.json()["incidents"]]
        assert len(ids) >= 2 * len(BY_RUN)  # a CI incident and an alert per batch
        for incident_id in ids:
            answers.append((await client.get(f"/api/incidents/{incident_id}", headers=read)).text)
        for path in ("/api/status", "/api/insights", "/metrics"):
            answers.append((await client.get(path, headers=read)).text)

    dump: list[str] = []
    async with healer.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in (await conn.execute(sa.select(table))).all():
                dump.extend(_strings(list(row)))
    files = sorted(settings.sink.dir.glob("*.yaml"))
    assert len(files) >= len(BY_RUN), "not every batch was dispatched"
    coderun = [p.read_text() for p in files]
    coderun += [s for p in files for s in _strings(yaml.safe_load(p.read_text()))]
    logged = capsys.readouterr()
    haystacks = {
        "database": "\n".join(dump),
        "coderun": "\n".join(coderun),
        "api": "\n".join(s for a in answers for s in (a, *_strings(_json(a)))),
        "logs": "\n".join([redacted_logs.getvalue(), logged.out, logged.err, caplog.text]),
    }
    assert "[REDACTED:" in haystacks["coderun"] and "[REDACTED:" in haystacks["database"]
    leaks = sorted(
        {
            (where, case.get("name", "fresh"), case["secret"][:10])
            for where, text in haystacks.items()
            for case in CASES
            if case["secret"] in text
        }
    )
    assert not leaks, f"{len(leaks)} leaks (fresh secrets' seed {SEED}): {leaks[:20]}"
    pem = [(where, f) for where, text in haystacks.items() for f in _pem_fragments() if f in text]
    assert not pem, pem[:10]


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def test_log_lines_are_redacted_whatever_carries_the_secret(
    redacted_logs: io.StringIO, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    seed = random.SystemRandom().randrange(2**32)
    fresh = fresh_secrets(seed)
    log = structlog.get_logger("healer.test")
    stdlib = logging.getLogger("uvicorn.error")
    for case in fresh:
        text = case["text"]
        log.warning("stage.failed", error=text, nested={"cmd": [text]}, obj=ValueError(text))
        try:
            raise RuntimeError(f"call failed: {text}")
        except RuntimeError:
            log.exception("stage.crashed")
            stdlib.exception("Exception in ASGI application")
        stdlib.warning("retrying %s after %d s", text, 5)
        stdlib.error(text)
    logged = capsys.readouterr()
    structured = redacted_logs.getvalue()
    everything = structured + logged.out + logged.err + caplog.text
    assert "stage.crashed" in structured and "Traceback" in structured
    assert "Exception in ASGI application" in caplog.text and "Traceback" in caplog.text
    assert structured.count("[REDACTED:") >= len(fresh)
    leaks = [c["secret"][:10] for c in fresh if c["secret"] in everything]
    assert not leaks, (seed, leaks)
    for line in structured.splitlines():
        json.loads(line)  # still one JSON object per line


async def test_a_secret_sent_as_delivery_id_is_kept_only_as_its_digest(locked: Locked) -> None:
    token = "ghp_" + _random(string.ascii_letters + string.digits, 36, random.SystemRandom())
    raw = json.dumps(load_fixture("workflow_job/completed-1.json")).encode()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "workflow_job",
        "X-GitHub-Delivery": token,
        **locked.credentials("POST", "/api/github/webhook", raw),
    }
    first = await locked.client.post("/api/github/webhook", content=raw, headers=headers)
    again = await locked.client.post("/api/github/webhook", content=raw, headers=headers)
    assert first.status_code == again.status_code == 202, first.text
    assert again.json()["dedup_status"] == "existing"  # still one delivery
    missing = await locked.client.get(
        f"/api/incidents/{token}", headers=locked.credentials("GET", "/api/incidents", b"")
    )
    assert missing.status_code == 404
    async with locked.healer.engine.connect() as conn:
        rows = [
            str(r) for t in metadata.sorted_tables for r in (await conn.execute(sa.select(t))).all()
        ]
    for text in (first.text, again.text, missing.text, *rows):
        assert token not in text
