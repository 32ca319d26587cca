"""Per-agent CodeRun settings (model, CLI, tools, acceptance criteria, timeout) from
configuration into the CodeRun, validated against the CRD in ``deploy/crds/``."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from healer_agent.config import Settings
from healer_agent.dispatch.coderun import CRD_SPEC_FIELDS, build_coderun
from healer_agent.models import Agent, Incident, RoutingDecision, default_failure_type
from tests.deploy.crd_schema import CRD, validate_coderun

pytestmark = pytest.mark.loop


def manifest(settings: Settings, agent: Agent, **incident: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        kind="ci_failure",
        event_type="workflow_run",
        repository="5dlabs/cto",
        run_key="5dlabs/cto#run:1:1",
        run_id=1,
        branch="feat/x",
    )
    values.update(incident)
    decision = RoutingDecision(
        agent=agent,
        failure_type=default_failure_type(agent),
        confidence=0.9,
        decided_by="prerouter",
    )
    return build_coderun(Incident(**values), decision, "prompt", settings.coderun, "cto")


def test_the_spec_fields_are_the_crds() -> None:
    crd = yaml.safe_load(CRD.read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")
    spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
    assert set(spec) == CRD_SPEC_FIELDS


def test_per_agent_settings_reach_the_coderun(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALER_CODERUN__AGENTS__BOLT__MODEL", "claude-sonnet-4-6")
    monkeypatch.setenv("HEALER_CODERUN__AGENTS__BOLT__CLI", "factory")
    monkeypatch.setenv(
        "HEALER_CODERUN__AGENTS__REX__REMOTE_TOOLS",
        '["mcp_tools_github_*", "mcp_tools_context7_*"]',
    )
    monkeypatch.setenv("HEALER_CODERUN__AGENTS__ATLAS__ACCEPTANCE_CRITERIA", "- [ ] green")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    bolt = manifest(settings, Agent.BOLT)["spec"]
    assert bolt["model"] == "claude-sonnet-4-6"
    assert bolt["cliConfig"] == {"cliType": "factory", "model": "claude-sonnet-4-6"}
    assert "mcp_tools_kubernetes_*" in bolt["remoteTools"]  # the default tools are kept
    rex = manifest(settings, Agent.REX)["spec"]
    assert rex["remoteTools"] == "mcp_tools_github_*,mcp_tools_context7_*"
    assert rex["model"] == settings.coderun.model  # not set for rex: the group's model
    assert "cargo clippy" in rex["acceptanceCriteria"]
    assert manifest(settings, Agent.ATLAS)["spec"]["acceptanceCriteria"] == "- [ ] green"
    for agent in Agent:
        validate_coderun(manifest(settings, agent))


def test_an_unknown_agent_in_settings_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALER_CODERUN__AGENTS__REXX__MODEL", "m")
    with pytest.raises(ValueError, match="unknown agent"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "run_id,branch", [(-5, "feat/x"), (10**70, "b" * 300), (-(10**70), "-/weird/-"), (0, "")]
)
def test_labels_from_hostile_run_ids_and_branches_validate(run_id: int, branch: str) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    built = manifest(settings, Agent.REX, run_id=run_id, branch=branch)
    validate_coderun(built)
    for value in built["metadata"]["labels"].values():
        assert value and len(value) <= 63 and value[0].isalnum() and value[-1].isalnum()


async def test_a_dispatched_coderun_carries_the_agents_settings(
    database_url: str, make_settings: Any, healer_factory: Any
) -> None:
    from tests.loop.support import FixedContext, post, run_event

    settings = make_settings(
        store={"url": database_url},
        coderun={"agents": {"rex": {"model": "m-rex", "local_tools": ["cargo"]}}},
    )
    healer = await healer_factory(settings, context=FixedContext())
    await post(healer, "workflow_run", run_event(-7, branch="x" * 200), "d-1")
    await healer.drain()
    files = [p for p in settings.sink.dir.glob("healer-ci-*.yaml")]
    assert len(files) == 1
    built = yaml.safe_load(files[0].read_text())
    validate_coderun(built)
    assert built["spec"]["model"] == "m-rex" and built["spec"]["localTools"] == "cargo"
    assert built["metadata"]["labels"]["healer/workflow-run-id"] == "n7"
