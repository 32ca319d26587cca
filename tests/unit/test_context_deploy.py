"""Deploy wiring of the context layer: every backend URL and secret the shipped
mcp_servers.yaml reads is set by the Deployment (ConfigMap env or Secret), the ConfigMap's
copy of the file is the repository's with the image's paths, and every server command it
names is installed by the Dockerfile."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from healer_agent.context.config import load_mcp_config, parse_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SET_BY_KUBERNETES = {"KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"}
"""The kubelet sets these in every container (in-cluster API access)."""


def _doc(name: str, kind: str) -> dict[str, Any]:
    return next(
        d for d in yaml.safe_load_all((DEPLOY / name).read_text()) if d and d["kind"] == kind
    )


def _deployment_env() -> tuple[dict[str, str], set[str]]:
    """(ConfigMap values the pod gets through envFrom, names set by the container's env)."""
    configmap = _doc("configmap.yaml", "ConfigMap")["data"]
    container = _doc("deployment.yaml", "Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert {"configMapRef": {"name": "healer"}} in container["envFrom"]
    plain = {k: str(v) for k, v in configmap.items() if re.fullmatch(r"[A-Z_][A-Z0-9_]*", k)}
    return plain, {e["name"] for e in container["env"]}


def _referenced(node: Any) -> set[str]:
    """``${VAR}`` names in the values of a parsed YAML document (comments do not count)."""
    if isinstance(node, str):
        return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", node))
    if isinstance(node, dict):
        return set().union(*(_referenced(v) for v in node.values()), set())
    if isinstance(node, list):
        return set().union(*(_referenced(v) for v in node), set())
    return set()


def test_every_variable_the_config_reads_is_set_by_the_deployment() -> None:
    configmap, env = _deployment_env()
    text = _doc("configmap.yaml", "ConfigMap")["data"]["mcp_servers.yaml"]
    missing = _referenced(yaml.safe_load(text)) - set(configmap) - env - SET_BY_KUBERNETES
    assert not missing, f"mcp_servers.yaml reads {sorted(missing)}; the Deployment sets none"
    # with the ConfigMap's values and any secret value, no enabled server lacks a variable
    values = configmap | dict.fromkeys(env, "secret") | dict.fromkeys(SET_BY_KUBERNETES, "x")
    config = parse_config(yaml.safe_load(text), env=values)
    assert {n: s.missing_env for n, s in config.enabled_servers().items()} == dict.fromkeys(
        config.enabled_servers(), ()
    )
    for name in ("PROMETHEUS_URL", "ALERTMANAGER_URL", "LOKI_URL", "ARGOCD_BASE_URL"):
        assert configmap[name].startswith(("http://", "https://")), name


def test_secrets_come_from_keys_the_example_secret_documents() -> None:
    container = _doc("deployment.yaml", "Deployment")["spec"]["template"]["spec"]["containers"][0]
    example = _doc("secret.example.yaml", "Secret")["stringData"]
    for entry in container["env"]:
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        if ref and not ref.get("optional"):
            assert ref["key"] in example, entry["name"]
    names = {e["name"] for e in container["env"]}
    assert {
        "GITHUB_TOKEN",
        "ARGOCD_API_TOKEN",
        "LOKI_TOKEN",
        "PROMETHEUS_TOKEN",
        "ALERTMANAGER_TOKEN",
    } <= names


def test_configmap_copy_is_the_shipped_file_with_image_paths() -> None:
    text = _doc("configmap.yaml", "ConfigMap")["data"]["mcp_servers.yaml"]
    shipped = (ROOT / "mcp_servers.yaml").read_text()
    assert (
        text.strip()
        == shipped.replace("command: tools/mcp/", "command: /srv/healer/tools/mcp/").strip()
    )


def test_every_server_command_is_installed_by_the_image_and_the_script() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    script = (ROOT / "scripts" / "install-mcp-servers.sh").read_text()
    config = load_mcp_config(ROOT / "mcp_servers.yaml", env={})
    for name, server in config.servers.items():
        assert server.command is not None
        rel = server.command.split("/tools/mcp/", 1)[1]  # venv-x/bin/cmd or node/...
        home = rel.split("/", 1)[0]
        assert f"/srv/healer/tools/mcp/{home}" in dockerfile, name
        assert rel.rsplit("/", 1)[1] in script, name
        assert server.check is not None, f"{name}: `healer mcp check` needs a real read"
