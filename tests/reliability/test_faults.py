"""Faults: the database going away answers 503 (so senders retry) and recovers; a server
killed with SIGKILL mid-load loses nothing it answered 202 for."""

from __future__ import annotations

import asyncio
import copy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import _pg_admin, pg_skip_reason
from tests.integration.test_intake_api import SENSOR_CLIPPY
from tests.integration.test_serve_e2e import free_port

pytestmark = pytest.mark.reliability
NO_ADMISSION_LIMIT = {
    "HEALER_LOOP__MAX_IN_FLIGHT": "1000",
    "HEALER_LOOP__MAX_IN_FLIGHT_PER_REPO": "1000",
}
"""These tests count CodeRuns of one repository; admission control would hold all but 5."""


def sensor(run_id: int) -> dict[str, Any]:
    body = copy.deepcopy(SENSOR_CLIPPY)
    body["workflow_run"]["id"] = run_id
    body["workflow_run"]["head_branch"] = f"branch-{run_id}"
    return body


@pytest.mark.postgres
async def test_database_gone_is_503_then_recovers(
    make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    reason = await asyncio.to_thread(pg_skip_reason)
    if reason:
        pytest.skip(reason)
    name = f"healer_fault_{os.getpid()}_{int(time.time())}"
    await asyncio.to_thread(_pg_admin, f'CREATE DATABASE "{name}"')
    try:
        settings = make_settings(
            store={"url": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"}
        )
        healer = await healer_factory(settings)
        async with client_for(healer) as client:
            assert (
                await client.post("/api/remediate/ci-failure", json=sensor(1))
            ).status_code == 202
            await asyncio.to_thread(_pg_admin, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await asyncio.to_thread(
                _pg_admin,
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
            )
            await healer.engine.dispose()
            down = await client.post("/api/remediate/ci-failure", json=sensor(2))
            assert down.status_code == 503, down.text
            assert down.headers["retry-after"] == "5"
            assert (await client.get("/ready")).status_code == 503
            await asyncio.to_thread(_pg_admin, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            up = await client.post("/api/remediate/ci-failure", json=sensor(2))
            assert up.status_code == 202, up.text
            assert up.json()["dedup_status"] == "new"
            assert (await client.get("/ready")).status_code == 200
    finally:
        await asyncio.to_thread(_pg_admin, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await asyncio.to_thread(_pg_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _serve_env(tmp_path: Path, store_url: str, **settings: str) -> dict[str, str]:
    """A ``healer serve`` of these tests: pre-router, no context, CodeRuns under tmp_path."""
    return {
        **os.environ,
        "HEALER_STORE__URL": store_url,
        "HEALER_SINK__DIR": str(tmp_path / "coderuns"),
        "HEALER_CONTEXT__MODE": "none",
        "HEALER_WORKER__COUNT": "2",
        "HEALER_ROUTING__ROUTER": "prerouter",
        **NO_ADMISSION_LIMIT,
        **settings,
    }


def _start(tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    env = _serve_env(
        tmp_path,
        f"sqlite+aiosqlite:///{tmp_path}/h.db",
        HEALER_DEDUP__GROUP_WAIT_S="0",
        HEALER_STORE__LEASE_S="2",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "healer_agent", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_ready(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not become ready")


def test_sigkill_mid_load_loses_no_accepted_event(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start(tmp_path, port)
    _wait_ready(url)
    accepted: set[int] = set()
    with httpx.Client(base_url=url, timeout=5) as client:
        for run_id in range(1, 121):
            if run_id == 60:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            try:
                response = client.post("/api/remediate/ci-failure", json=sensor(run_id))
            except httpx.TransportError:
                continue
            if response.status_code == 202:
                accepted.add(run_id)
    proc = _start(tmp_path, port)
    try:
        _wait_ready(url)
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=url, timeout=5) as client:
            while time.monotonic() < deadline:
                status = client.get("/api/status").json()
                waiting = status["queue"]["waiting_for_routing"]
                pending = status["queue"]["inbox"].get("pending", 0)
                if not waiting and not pending:
                    break
                time.sleep(0.5)
            # every accepted run was dispatched exactly once
            incidents = client.get("/api/incidents", params={"limit": 200}).json()["incidents"]
        dispatched = {i["run_key"] for i in incidents if i["status"] == "dispatched"}
        files = list((tmp_path / "coderuns").glob("healer-ci-*.yaml"))
        assert len(accepted) >= 50
        assert {f"5dlabs/cto#run:{r}:1" for r in accepted} <= dispatched
        assert len(files) == len(dispatched)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.postgres
def test_two_replicas_on_postgres_make_one_coderun_per_failure(tmp_path: Path) -> None:
    reason = pg_skip_reason()
    if reason:
        pytest.skip(reason)
    name = f"healer_replicas_{os.getpid()}_{int(time.time())}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    db = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    subprocess.run(
        [sys.executable, "-m", "healer_agent", "db", "upgrade"],
        check=True,
        env={**os.environ, "HEALER_STORE__URL": db},
        capture_output=True,
    )
    procs, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            env = _serve_env(
                tmp_path,
                db,
                HEALER_STORE__AUTO_MIGRATE="false",
                HEALER_DEDUP__GROUP_WAIT_S="0.2",
            )
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "healer_agent", "serve", "--port", str(port)],
                    env=env,
                    cwd=tmp_path,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            _wait_ready(url)
        _one_coderun_per_failure(urls, tmp_path / "coderuns")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _one_coderun_per_failure(urls: list[str], coderuns: Path) -> None:
    """50 failures, each delivered 4 times (200 events) shuffled over ``urls``: 50 CodeRuns."""
    import random

    events = [run_id for run_id in range(1, 51) for _ in range(4)]
    random.Random(7).shuffle(events)

    async def send() -> list[int]:
        async with httpx.AsyncClient(timeout=30) as client:

            async def one(n: int, run_id: int) -> int:
                response = await client.post(
                    f"{urls[n % len(urls)]}/api/remediate/ci-failure", json=sensor(run_id)
                )
                return response.status_code

            return await asyncio.gather(*(one(n, r) for n, r in enumerate(events)))

    statuses = asyncio.run(send())
    assert statuses.count(202) == 200
    deadline = time.monotonic() + 60
    files: list[Path] = []
    while time.monotonic() < deadline:
        files = list(coderuns.glob("healer-ci-*.yaml"))
        if len(files) >= 50:
            break
        time.sleep(0.5)
    time.sleep(1.0)  # a duplicate would come now
    files = list(coderuns.glob("healer-ci-*.yaml"))
    assert len(files) == 50


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_two_processes_on_sqlite_make_one_coderun_per_failure(tmp_path: Path) -> None:
    """``serve --processes 2`` on a SQLite file: both share the inbox, none doubles a fix."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = _serve_env(
        tmp_path, f"sqlite+aiosqlite:///{tmp_path}/healer.db", HEALER_DEDUP__GROUP_WAIT_S="0.2"
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as err:
        serve = ["serve", "--port", str(port), "--processes", "2"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "healer_agent", *serve],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            _wait_ready(url)
            _one_coderun_per_failure([url], tmp_path / "coderuns")
            assert len(_children(proc.pid)) >= 2  # the replicas, not one server
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text[-3000:]
    assert "database is locked" not in text
