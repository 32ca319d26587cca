from __future__ import annotations

from pathlib import Path

import pytest

from healer_agent.context.config import (
    McpConfig,
    allowed_tools,
    expand_env,
    load_mcp_config,
    parse_config,
    render_template,
)
from healer_agent.context.errors import McpConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_expand_env_forms() -> None:
    env = {"A": "1", "EMPTY": ""}
    missing: list[str] = []
    assert expand_env("${A}-${B:-two}-${EMPTY:-d}-$$-${NOPE}", env, missing) == "1-two-d-$-"
    assert missing == ["NOPE"]


def test_loader_expands_and_records_missing_env(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(
        "servers:\n"
        "  p:\n"
        "    command: bin/server\n"
        "    env: {URL: '${PURL:-http://x}', TOKEN: '${PTOKEN}'}\n"
        "    tools: [a, b]\n"
    )
    cfg = load_mcp_config(tmp_path / "m.yaml", env={})
    server = cfg.servers["p"]
    assert server.env == {"URL": "http://x", "TOKEN": ""}
    assert server.missing_env == ("PTOKEN",)
    assert server.command == str(tmp_path / "bin" / "server")
    assert allowed_tools("p", cfg) == frozenset({"a", "b"})
    assert allowed_tools("other", cfg) == frozenset()


def test_transport_needs_endpoint() -> None:
    with pytest.raises(McpConfigError, match="needs 'url'"):
        parse_config({"servers": {"h": {"transport": "streamable-http"}}}, env={})
    with pytest.raises(McpConfigError, match="needs 'command'"):
        parse_config({"servers": {"s": {"transport": "stdio"}}}, env={})


def test_unknown_key_rejected() -> None:
    with pytest.raises(McpConfigError):
        parse_config({"servers": {"s": {"command": "x", "tool": ["typo"]}}}, env={})


def test_missing_file_is_empty_config(tmp_path: Path) -> None:
    assert load_mcp_config(tmp_path / "absent.yaml") == McpConfig()


def test_repo_context_exact_before_glob() -> None:
    cfg = parse_config(
        {"repositories": {"acme/*": {"namespace": "glob"}, "acme/shop": {"namespace": "exact"}}},
        env={},
    )
    assert cfg.repo_context("acme/shop").namespace == "exact"
    assert cfg.repo_context("acme/web").namespace == "glob"
    assert cfg.repo_context("other/x").namespace == ""


def test_render_template_leaves_promql_braces() -> None:
    out = render_template('rate(x{ns="{{namespace}}",a=~"b"}[5m]) {{nope}}', {"namespace": "n"})
    assert out == 'rate(x{ns="n",a=~"b"}[5m]) '


def test_shipped_example_config_loads() -> None:
    cfg = load_mcp_config(ROOT / "mcp_servers.yaml", env={})
    assert set(cfg.enabled_servers()) == {
        "github",
        "argocd",
        "prometheus",
        "alertmanager",
        "loki",
        "kubernetes",
    }
    assert not cfg.servers["grafana"].enabled
    assert cfg.servers["argocd"].strip_params == ("argocdBaseUrl",)
    assert cfg.servers["argocd"].env["MCP_READ_ONLY"] == "true"
    assert "--read-only" in cfg.servers["github"].args
    assert "--read-only" in cfg.servers["kubernetes"].args
    # every server has a real read for `healer mcp check`, and its tool is allowlisted
    for name, server in cfg.servers.items():
        assert server.check is not None and server.check.tool in server.tools, name
    # never a literal secret in the file
    text = (ROOT / "mcp_servers.yaml").read_text()
    assert "ghp_" not in text and "glsa_" not in text
