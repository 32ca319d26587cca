"""From settings to a router, and from a triaged case to the CodeRun's prompt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastmcp.client.transports.memory import FastMCPTransport
from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from healer_agent.context.config import load_mcp_config
from healer_agent.context.replay_server import build_server, load_cases
from healer_agent.context.toolset import mcp_toolsets
from healer_agent.dispatch.coderun import build_coderun
from healer_agent.dispatch.prompts import PromptRenderer
from healer_agent.models import Agent
from healer_agent.routing.matrix import MatrixRouter
from healer_agent.routing.triage import TriageRouter, build_triage_router
from healer_agent.routing.triage_tools import server_hints

from .conftest import CASES, load

pytestmark = pytest.mark.llm

CASE = "controller-ci-docker-injection"
TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"


def investigator(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """Reads the failing step, then reports the lines it saw (already redacted)."""
    if len(messages) == 1:
        return ModelResponse(
            parts=[ToolCallPart("read_log_step", {"job": "build-image", "step": "docker"})]
        )
    seen = str(messages[-1].parts[0].content).splitlines()  # type: ignore[union-attr]
    errors = [line.split(": ", 1)[1] for line in seen if "ERROR" in line or "TOKEN" in line]
    out = {
        "agent": "bolt",
        "failure_type": "docker_build",
        "confidence": 0.9,
        "root_cause": "The runtime stage copies a binary the builder never produced.",
        "summary": "### Docker image build fails\nThe `COPY --from=builder` source is "
        "missing; align the builder's output path with the runtime stage.",
        "key_error_lines": errors,
        "suspect_files": ["Dockerfile"],
    }
    return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, out)])


async def test_coderun_prompt_from_a_triaged_case_carries_the_summary_and_no_secret(
    redact: Callable[[str], str], make_settings: Callable[..., Any]
) -> None:
    incident, context, _ = load(CASE)
    settings = make_settings(routing={"router": "full"})
    router = build_triage_router(
        settings, MatrixRouter(), redact=redact, model=FunctionModel(investigator)
    )
    decision = await router.route(incident, context)
    assert decision.decided_by == "llm" and decision.agent is Agent.BOLT, decision.reason
    assert any("GITHUB_TOKEN=" in line for line in decision.key_error_lines)  # seen, redacted

    prompt = PromptRenderer(redact).render(incident, decision, context)
    assert "Docker image build fails" in prompt and "align the builder's output" in prompt
    assert "failed to solve: failed to compute cache key" in prompt
    assert "- `Dockerfile`" in prompt
    assert TOKEN not in prompt and "ghp_" not in prompt
    manifest = build_coderun(incident, decision, prompt, settings.coderun, settings.sink.namespace)
    assert TOKEN not in yaml.safe_dump(manifest)


def test_scripted_model_name_builds_a_router_without_a_key(
    make_settings: Callable[..., Any], redact: Callable[[str], str]
) -> None:
    router = build_triage_router(
        make_settings(routing={"router": "llm"}, triage={"model": "test"}),
        MatrixRouter(),
        redact=redact,
    )
    assert isinstance(router, TriageRouter) and router.name == "llm"
    assert router.triage.model_name == "test"
    anthropic = build_triage_router(
        make_settings(routing={"router": "full"}), MatrixRouter(), redact=redact
    )
    assert anthropic.name == "full" and anthropic.triage.model_name.startswith("anthropic:")


async def test_settings_with_mcp_context_give_the_model_the_configured_tools(
    make_settings: Callable[..., Any], redact: Callable[[str], str], tmp_path: Path
) -> None:
    config = tmp_path / "mcp_servers.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "servers": {
                    "replay": {
                        "command": "unused",
                        "tools": ["get_pull_request"],
                        "llm_instructions": "Replayed GitHub data for this incident.",
                    }
                }
            }
        )
    )
    offered: list[str] = []
    shown: list[str] = []

    def script(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        offered.extend(t.name for t in info.function_tools)
        shown.append(str(messages[0].instructions))  # type: ignore[union-attr]
        out = {
            "agent": "bolt",
            "failure_type": "docker_build",
            "confidence": 0.7,
            "root_cause": "x",
            "summary": "y",
        }
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, out)])

    server = build_server(load_cases(CASES / f"{CASE}.yaml"))
    mcp = load_mcp_config(config)
    router = build_triage_router(
        make_settings(routing={"router": "full"}, context={"mode": "mcp", "mcp_config": config}),
        MatrixRouter(),
        redact=redact,
        model=FunctionModel(script),
        toolsets=mcp_toolsets(mcp, clients={"replay": FastMCPTransport(server)}),
        hints=server_hints(mcp),
    )
    incident, context, _ = load(CASE)
    decision = await router.route(incident, context)
    assert decision.decided_by == "llm", decision.reason
    assert "replay_get_pull_request" in offered and "Replayed GitHub data" in shown[0]


async def test_scripted_model_exercises_tools_and_fallback(
    make_settings: Callable[..., Any], redact: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from healer_agent.routing import triage_scripted

    incident, context, _ = load(CASE)
    router = build_triage_router(
        make_settings(routing={"router": "llm"}, triage={"model": "test"}),
        MatrixRouter(),
        redact=redact,
    )
    decision = await router.route(incident, context)
    usage = decision.usage
    assert usage is not None and usage.tool_calls == 2 and usage.input_tokens > 0
    assert decision.agent is Agent.REX  # it echoes the pre-router (the matrix here)
    assert decision.decided_by in ("llm", "fallback")
    # Every case falls back when the script always breaks the rules.
    monkeypatch.setattr(triage_scripted, "FALLBACK_ONE_IN", 1)
    forced = await router.route(incident, context)
    assert forced.decided_by == "fallback" and "no valid decision" in forced.reason
