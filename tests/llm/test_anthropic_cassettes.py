"""The real provider path (AnthropicModel, the anthropic client, its retries, response
parsing) against hand-written Messages API cassettes; no request leaves the machine."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest
import vcr
from anthropic import AsyncAnthropic
from pydantic_ai import models
from pydantic_ai.models.anthropic import AnthropicModel
from pydantic_ai.providers.anthropic import AnthropicProvider

from healer_agent.models import Agent, FailureType
from healer_agent.routing.matrix import MatrixRouter
from healer_agent.routing.pricing import estimate_cost
from healer_agent.routing.triage import Triage, TriageLimits, TriageRouter

from .conftest import CASSETTES, load

pytestmark = pytest.mark.llm

CASE = "controller-ci-docker-injection"
TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
REPLAY = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="none",
    match_on=["method", "scheme", "host", "port", "path"],
)


@pytest.fixture(autouse=True)
def _allow_cassette_requests() -> Iterator[None]:
    """Requests go to vcrpy (record_mode none), which refuses anything not on tape."""
    with models.override_allow_model_requests(True):
        yield


class Sent:
    """Every request the anthropic client sent, as (headers, JSON body)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []

    async def __call__(self, request: httpx2.Request) -> None:
        self.requests.append((dict(request.headers), json.loads(request.content)))


def anthropic_router(redact: Callable[[str], str], sent: Sent, *, max_retries: int) -> TriageRouter:
    client = AsyncAnthropic(
        api_key="sk-ant-test",
        max_retries=max_retries,
        timeout=5.0,
        http_client=httpx2.AsyncClient(event_hooks={"request": [sent]}),
    )
    model = AnthropicModel("claude-sonnet-4-6", provider=AnthropicProvider(anthropic_client=client))
    triage = Triage(
        model,
        redact=redact,
        limits=TriageLimits(timeout_s=10),
        model_name="anthropic:claude-sonnet-4-6",
    )
    return TriageRouter(MatrixRouter(), triage, mode="full")


async def test_tool_use_then_final_answer(redact: Callable[[str], str]) -> None:
    incident, context, _ = load(CASE)
    sent = Sent()
    with REPLAY.use_cassette("anthropic_tool_use_then_answer.yaml") as cassette:
        decision = await anthropic_router(redact, sent, max_retries=0).route(incident, context)
        assert cassette.all_played
    assert (decision.agent, decision.failure_type, decision.decided_by) == (
        Agent.BOLT,
        FailureType.DOCKER_BUILD,
        "llm",
    ), decision.reason
    assert decision.suspect_files == ("Dockerfile",)
    assert any("failed to solve" in line for line in decision.key_error_lines)
    assert "Failing step" in decision.summary
    usage = decision.usage
    assert usage is not None
    assert (usage.requests, usage.input_tokens, usage.output_tokens, usage.tool_calls) == (
        2,
        2154 + 2480,
        87 + 160,
        1,
    )
    assert usage.cost_usd == estimate_cost("claude-sonnet-4-6", 4634, 247) > 0
    # What went over the wire: the tools offered, the tool result fenced and redacted.
    (h1, first), (_, second) = sent.requests
    assert h1["authorization"] == "Bearer sk-ant-test" and first["model"] == "claude-sonnet-4-6"
    assert first["max_tokens"] == 2048 and first["stream"] is False
    assert {t["name"] for t in first["tools"]} >= {"search_log", "read_log_lines", "final_result"}
    wire = json.dumps([first, second])
    assert TOKEN not in wire and "ghp_" not in wire
    results = [
        block
        for msg in second["messages"]
        for block in (msg["content"] if isinstance(msg["content"], list) else [])
        if block.get("type") == "tool_result"
    ]
    assert results and results[0]["tool_use_id"] == "toolu_01SearchLog00000000000001"
    assert '<untrusted_data source="search_log">' in str(results[0]["content"])


async def test_rate_limit_then_success_is_retried_by_the_client(
    redact: Callable[[str], str],
) -> None:
    incident, context, _ = load(CASE)
    sent = Sent()
    with REPLAY.use_cassette("anthropic_429_then_success.yaml") as cassette:
        decision = await anthropic_router(redact, sent, max_retries=2).route(incident, context)
        assert cassette.all_played
    assert decision.decided_by == "llm" and decision.agent is Agent.BOLT, decision.reason
    assert [h.get("x-stainless-retry-count") for h, _ in sent.requests] == ["0", "1"]
    assert decision.usage is not None and decision.usage.requests == 1


async def test_overloaded_after_retries_falls_back(redact: Callable[[str], str]) -> None:
    incident, context, _ = load(CASE)
    sent = Sent()
    with REPLAY.use_cassette("anthropic_529_overloaded.yaml") as cassette:
        decision = await anthropic_router(redact, sent, max_retries=1).route(incident, context)
        assert cassette.all_played
    assert len(sent.requests) == 2
    assert decision.decided_by == "fallback" and decision.agent is Agent.REX  # the matrix's
    assert "provider error after retries" in decision.reason and "529" in decision.reason
    assert decision.usage is not None and decision.usage.input_tokens == 0
