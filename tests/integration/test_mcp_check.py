"""``healer mcp check`` makes one real read per server: a server whose process starts but
whose backend is down fails the check, by name, with exit code 3. Real servers: PyPI's
prometheus-mcp-server (its Prometheus is a dead port) and loki-query-mcp (its Loki is a
stub of Loki's HTTP API that answers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "mcp"))
from mcp_helpers import run_stub
from stubs.apis import loki_routes
from stubs.servers import DEAD, ROOT, shipped_config

from healer_agent.context.cli import EXIT_UNAVAILABLE, check_servers, failure_message

pytestmark = pytest.mark.mcp


async def test_a_backend_that_does_not_answer_fails_the_check_by_name() -> None:
    with run_stub(loki_routes()) as loki:
        cfg = shipped_config(
            {"PROMETHEUS_URL": DEAD, "LOKI_URL": loki.url}, servers=("prometheus", "loki")
        )
        reports = {r["server"]: r for r in await check_servers(cfg)}
        assert any(e["path"] == "/loki/api/v1/labels" for e in loki.log)  # a real read
    assert reports["loki"]["ok"] and reports["loki"]["check_error"] is None
    prom = reports["prometheus"]
    # the process started and listed its tools: only the read shows the backend is down
    assert prom["connected"] and "execute_query" in prom["tools_offered"]
    assert not prom["ok"] and "is_error" in prom["check_error"]
    message = failure_message(list(reports.values()))
    assert message is not None and "prometheus (" in message and "loki" not in message


def test_cli_exits_3_naming_the_server(tmp_path: Path) -> None:
    with run_stub(loki_routes()) as loki:
        cfg = shipped_config(
            {"PROMETHEUS_URL": DEAD, "LOKI_URL": loki.url}, servers=("prometheus", "loki")
        )
        servers = {
            name: s.model_dump(mode="json", exclude={"missing_env"})
            for name, s in cfg.enabled_servers().items()
        }
        path = tmp_path / "mcp_servers.yaml"
        path.write_text(yaml.safe_dump({"servers": servers}))
        proc = subprocess.run(
            [sys.executable, "-m", "healer_agent", "mcp", "check", "--config", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
            check=False,
        )
    out = proc.stdout + proc.stderr
    assert proc.returncode == EXIT_UNAVAILABLE, out
    error_line = next(line for line in out.splitlines() if "not answering" in line)
    assert "prometheus" in error_line and "loki" not in error_line
