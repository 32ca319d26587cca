"""The shipped ``mcp_servers.yaml``, pointed at this test's backends.

Tests load the production file itself (commands under tools/mcp/, allowlists, checks),
only filling its ``${VAR}`` references with loopback URLs, so what is tested is what ships.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from healer_agent.context.config import McpConfig, load_mcp_config

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "mcp_servers.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "mcp"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

from mcp_helpers import server_binary  # noqa: E402

DEAD = "http://127.0.0.1:9"
"""A loopback port nothing listens on: a backend that is down."""

BINARY_OF = {
    "github": "github-mcp-server",
    "argocd": "argocd-mcp",
    "prometheus": "prometheus-mcp-server",
    "alertmanager": "prometheus-mcp",
    "loki": "loki-query-mcp",
    "kubernetes": "kubernetes-mcp-server",
    "grafana": "mcp-grafana",
}


def shipped_config(
    env: dict[str, str], *, servers: tuple[str, ...] | None = None, **overrides: Any
) -> McpConfig:
    """``mcp_servers.yaml`` with ``env``; only ``servers`` stay enabled (skip when absent)."""
    for name in servers or ():
        binary, why = server_binary(BINARY_OF[name])
        if binary is None:
            pytest.skip(why)
    config = load_mcp_config(CONFIG, env=env)
    chosen = {
        name: cfg.model_copy(update={"enabled": servers is None or name in servers})
        for name, cfg in config.servers.items()
    }
    return config.model_copy(update={"servers": chosen, **overrides})
