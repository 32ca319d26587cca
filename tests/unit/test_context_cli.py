from __future__ import annotations

import sys
from pathlib import Path

from healer_agent.context.cli import check_servers, failure_message
from healer_agent.context.config import parse_config

CASE = Path(__file__).resolve().parents[1] / "fixtures" / "mcp" / "case-argocd-degraded.yaml"


async def test_check_reports_tools_missing_and_latency() -> None:
    cfg = parse_config(
        {
            "servers": {
                "replay": {
                    "command": sys.executable,
                    "args": ["-m", "healer_agent.context.replay_server", "--case", str(CASE)],
                    "tools": ["health_check", "get_job_logs", "no_such_tool"],
                    "check": {"tool": "health_check"},
                },
                "dead": {
                    "command": "/nonexistent/mcp-server",
                    "tools": ["x"],
                    "startup_timeout_s": 2,
                },
            }
        },
        env={},
    )
    reports = {r["server"]: r for r in await check_servers(cfg)}
    replay = reports["replay"]
    assert replay["ok"] and replay["missing_tools"] == ["no_such_tool"]
    assert replay["allowed_available"] == ["health_check", "get_job_logs"]
    assert "execute_query" in replay["tools_offered"]
    assert replay["check_ms"] is not None and replay["check_error"] is None
    assert not reports["dead"]["ok"] and "cannot start" in reports["dead"]["error"]


async def test_a_server_without_a_check_call_is_not_ok() -> None:
    cfg = parse_config(
        {
            "servers": {
                "replay": {
                    "command": sys.executable,
                    "args": ["-m", "healer_agent.context.replay_server", "--case", str(CASE)],
                    "tools": ["health_check"],
                }
            }
        },
        env={},
    )
    (report,) = await check_servers(cfg)
    assert report["connected"] and not report["ok"]
    assert "no `check` call" in report["error"]
    assert failure_message([report]) is not None


def test_no_enabled_server_is_an_outage(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from healer_agent.cli import app

    config = tmp_path / "mcp_servers.yaml"
    config.write_text("servers: {}\n")
    result = CliRunner().invoke(app, ["mcp", "check", "--config", str(config)])
    assert result.exit_code == 3
    assert "no MCP server is enabled" in result.output
