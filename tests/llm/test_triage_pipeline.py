"""Triage inside the pipeline: the decision, its tokens and cost stored with the incident,
and the LLM metrics counted once."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from healer_agent.routing.matrix import MatrixRouter
from healer_agent.routing.triage import build_triage_router
from healer_agent.store import incidents

from .conftest import CASES

pytestmark = pytest.mark.llm

CASE = CASES / "controller-ci-docker-injection.yaml"
TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"


def decide(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    if len(messages) == 1:
        return ModelResponse(parts=[ToolCallPart("search_log", {"pattern": "failed to solve"})])
    out = {
        "agent": "bolt",
        "failure_type": "docker_build",
        "confidence": 0.9,
        "root_cause": "COPY --from=builder source missing.",
        "summary": "Docker build fails at the runtime stage.",
        "key_error_lines": ["ERROR: failed to solve"],
        "suspect_files": ["Dockerfile"],
    }
    return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, out)])


async def test_triaged_incident_is_stored_with_tokens_and_counted(
    make_settings: Callable[..., Any],
    healer_factory: Any,
    client_for: Any,
    redact: Callable[[str], str],
) -> None:
    settings = make_settings(
        routing={"router": "full"}, context={"mode": "replay", "replay_dir": CASES}
    )
    router = build_triage_router(
        settings, MatrixRouter(), redact=redact, model=FunctionModel(decide, model_name="scripted")
    )
    healer = await healer_factory(settings, router=router)
    payload = yaml.safe_load(CASE.read_text())["event"]["payload"]
    async with client_for(healer) as client:
        answer = await client.post(
            "/api/github/webhook",
            content=json.dumps(payload),
            headers={
                "X-GitHub-Event": "workflow_job",
                "X-GitHub-Delivery": "d-triage-1",
                "Content-Type": "application/json",
            },
        )
        assert answer.status_code == 202, answer.text
        await healer.drain()
    incident_id = answer.json()["incident_id"]
    async with healer.engine.connect() as conn:
        row = await incidents.get(conn, incident_id)
    assert row is not None and row["status"] == "dispatched", row
    assert (row["agent"], row["decided_by"]) == ("bolt", "llm")
    assert row["tokens"] > 0 and row["cost_usd"] == 0.0  # "scripted" has no price
    assert "Docker build fails at the runtime stage." in row["prompt"]
    assert TOKEN not in row["prompt"] and TOKEN not in json.dumps(row["decision"])
    metrics = healer.metrics.registry
    inp = metrics.get_sample_value(
        "healer_llm_tokens_total", {"model": "scripted", "direction": "input"}
    )
    out = metrics.get_sample_value(
        "healer_llm_tokens_total", {"model": "scripted", "direction": "output"}
    )
    assert inp is not None and out is not None and inp + out == row["tokens"]
