"""Against a real `healer serve` process on 127.0.0.1 (SQLite, file sink): the issue's
done-means, and the 202 latency as a number in the test output."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from healer_agent.intake.signature import sign
from tests.conftest import load_fixture
from tests.integration.test_intake_api import SENSOR_CLIPPY

pytestmark = pytest.mark.e2e
SECRET = "e2e-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    env = {
        **os.environ,
        "HEALER_STORE__URL": f"sqlite+aiosqlite:///{tmp_path}/h.db",
        "HEALER_SINK__KIND": "file",
        "HEALER_SINK__DIR": str(tmp_path / "coderuns"),
        "HEALER_CONTEXT__MODE": "none",
        "HEALER_INTAKE__WEBHOOK_SECRET": SECRET,
        "HEALER_DEDUP__GROUP_WAIT_S": "0.5",
        "HEALER_WORKER__COUNT": "2",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "healer_agent", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "serve.log", "wb"),  # noqa: SIM115 - the server holds it
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail(
                "healer serve did not become ready: " + (tmp_path / "serve.log").read_text()[-2000:]
            )
        yield url, tmp_path / "coderuns"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def wait_for_files(folder: Path, count: int, timeout: float = 60.0) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.glob("healer-ci-*.yaml")) if folder.is_dir() else []
        if len(files) >= count:
            return files
        time.sleep(0.1)
    return sorted(folder.glob("healer-ci-*.yaml")) if folder.is_dir() else []


def test_sensor_clippy_payload_end_to_end(server: tuple[str, Path]) -> None:
    url, sink = server
    first = httpx.post(f"{url}/api/remediate/ci-failure", json=SENSOR_CLIPPY, timeout=10)
    assert first.status_code == 202
    assert first.json()["routing"] == "pending"
    files = wait_for_files(sink, 1)
    assert len(files) == 1, "no CodeRun within the wait"
    second = httpx.post(f"{url}/api/remediate/ci-failure", json=SENSOR_CLIPPY, timeout=10)
    assert second.json()["dedup_status"] == "existing"
    time.sleep(1.0)
    assert len(wait_for_files(sink, 2, timeout=0.5)) == 1


def test_serve_says_what_runs(server: tuple[str, Path]) -> None:
    url, sink = server
    log = (sink.parent / "serve.log").read_text()
    assert f"healer listening on {url}" in log
    assert "context: none" in log and "sink: file sink" in log and "routing: " in log
    assert "alembic" not in log  # no migration-library noise at start


def test_webhook_signatures_and_real_payloads(server: tuple[str, Path]) -> None:
    url, _ = server
    raw = json.dumps(load_fixture("workflow_job/completed-1.json")).encode()
    headers = {
        "X-GitHub-Event": "workflow_job",
        "Content-Type": "application/json",
        "X-GitHub-Delivery": "e2e-1",
    }
    bad = httpx.post(
        f"{url}/api/github/webhook",
        content=raw,
        headers={**headers, "X-Hub-Signature-256": sign("wrong", raw)},
    )
    assert bad.status_code == 401
    good = httpx.post(
        f"{url}/api/github/webhook",
        content=raw,
        headers={**headers, "X-Hub-Signature-256": sign(SECRET, raw)},
    )
    assert good.status_code == 202
    assert good.json()["status"] == "accepted"


def test_200_distinct_failures_each_get_their_own_incident(server: tuple[str, Path]) -> None:
    url, _ = server
    ids: set[str] = set()
    with httpx.Client(base_url=url, timeout=30) as client:
        for n in range(200):
            body: dict[str, Any] = json.loads(json.dumps(SENSOR_CLIPPY))
            body["workflow_run"]["id"] = 10_000 + n
            body["workflow_run"]["head_branch"] = f"b{n}"
            response = client.post("/api/remediate/ci-failure", json=body)
            assert response.status_code == 202
            assert response.json()["dedup_status"] == "new"
            ids.add(response.json()["incident_id"])
    assert len(ids) == 200  # latency is measured by benchmarks/intake.py, not here
