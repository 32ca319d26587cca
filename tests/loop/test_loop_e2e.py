"""The loop against a running `healer serve`: fix recorded with its time to fix, visible in
`healer insights --json`; a failed CodeRun is retried by the server's own tracker, and the
second failed attempt is escalated instead of dispatched again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.integration.test_serve_e2e import free_port
from tests.loop.test_loop import sensor, success_check_run

pytestmark = [pytest.mark.loop, pytest.mark.e2e]


def wait(predicate: object, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_loop_on_a_running_server(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    sink = tmp_path / "coderuns"
    env = {
        **os.environ,
        "HEALER_STORE__URL": f"sqlite+aiosqlite:///{tmp_path}/h.db",
        "HEALER_SINK__DIR": str(sink),
        "HEALER_CONTEXT__MODE": "none",
        "HEALER_DEDUP__GROUP_WAIT_S": "0",
        "HEALER_WORKER__COUNT": "1",
        "HEALER_WORKER__CODERUN_POLL_S": "0.2",
        "HEALER_ROUTING__ROUTER": "prerouter",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "healer_agent", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def files() -> list[Path]:
        return (
            sorted(
                (p for p in sink.glob("healer-ci-*.yaml") if ".status." not in p.name),
                key=lambda p: p.stat().st_mtime_ns,
            )
            if sink.is_dir()
            else []
        )

    try:
        assert wait(lambda: _ready(url), 30)
        with httpx.Client(base_url=url, timeout=10) as client:
            first = client.post("/api/remediate/ci-failure", json=sensor(501)).json()
            assert wait(lambda: len(files()) == 1)
            ok = client.post(
                "/api/github/webhook",
                json=success_check_run("feat/x", 502),
                headers={"X-GitHub-Event": "check_run", "X-GitHub-Delivery": "e2e-ok"},
            )
            assert ok.status_code == 202
            assert wait(
                lambda: (
                    client.get(f"/api/incidents/{first['incident_id']}").json()["outcome"]
                    == "fixed"
                )
            )
            report = json.loads(
                subprocess.run(
                    [sys.executable, "-m", "healer_agent", "insights", "--json"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=True,
                ).stdout
            )
            assert report["by_agent"]["rex"]["fixed"] == 1
            assert report["by_agent"]["rex"]["time_to_fix_p50_s"] is not None
            # a failed CodeRun is retried (same agent, told the history), and the second
            # failure reaches the cap: escalated instead of a third CodeRun
            second = client.post("/api/remediate/ci-failure", json=sensor(503)).json()
            for n in (2, 3):
                assert wait(lambda n=n: len(files()) == n)
                newest = files()[-1]
                (sink / f"{newest.stem}.status.yaml").write_text(
                    yaml.safe_dump({"phase": "Failed"})
                )
            assert wait(
                lambda: (
                    client.get(f"/api/incidents/{second['incident_id']}").json()["status"]
                    == "escalated"
                )
            )
            time.sleep(0.5)
            assert len(files()) == 3
            escalations = json.loads(
                subprocess.run(
                    [sys.executable, "-m", "healer_agent", "escalations", "--json"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=True,
                ).stdout
            )
            assert [e["incident_id"] for e in escalations] == [second["incident_id"]]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ready", timeout=1).status_code == 200
    except httpx.TransportError:
        return False
