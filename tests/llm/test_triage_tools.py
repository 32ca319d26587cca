"""The triage tools: log pieces, budgets, repeated calls, and the read-only MCP toolsets."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastmcp.client.transports.memory import FastMCPTransport
from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations
from pydantic_ai import Agent, ModelRetry
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel

from healer_agent.context.config import parse_config
from healer_agent.context.toolset import mcp_toolsets
from healer_agent.models import JobLog
from healer_agent.routing.triage_tools import (
    LOG_TOOLS,
    GuardedToolset,
    LogBook,
    TriageDeps,
    truncate,
)

pytestmark = pytest.mark.llm

LOG = """\
2026-11-24T10:00:00.0000000Z ##[group]Run actions/checkout@v4
2026-11-24T10:00:01.0000000Z ok
2026-11-24T10:00:02.0000000Z ##[group]Run cargo test
2026-11-24T10:00:03.0000000Z test a ... ok
2026-11-24T10:00:04.0000000Z test b ... FAILED
2026-11-24T10:00:05.0000000Z token ghp_abcdefghijklmnopqrstuvwxyz0123456789
2026-11-24T10:00:06.0000000Z ##[error]Process completed with exit code 101.
"""


def book(redact: Callable[[str], str]) -> LogBook:
    return LogBook((JobLog(job_name="test", text=LOG),), redact)


def test_logbook_steps_lines_and_search(redact: Callable[[str], str]) -> None:
    logs = book(redact)
    assert [(s.number, s.title, s.start, s.end) for s in logs.steps("test")] == [
        (1, "actions/checkout@v4", 1, 2),
        (2, "cargo test", 3, 7),
    ]
    step = logs.read_step("test", "cargo")
    assert step.startswith("step 2 (cargo test):") and "5: test b ... FAILED" in step
    assert "2026-11-24T" not in step  # timestamps cost tokens and say nothing
    assert logs.read_step("test", "1").startswith("step 1")
    assert logs.read_lines("test", 4, 5) == "4: test a ... ok\n5: test b ... FAILED"
    found = logs.search("failed|exit code", context=0)
    assert found.splitlines() == [
        "test:5: test b ... FAILED",
        "test:7: ##[error]Process completed with exit code 101.",
    ]
    assert "ghp_" not in logs.read_lines("test", 1, 7)
    assert "job 'test': 7 lines" in logs.outline()


@pytest.mark.parametrize(
    "call",
    [
        lambda b: b.read_step("test", "deploy"),
        lambda b: b.read_lines("nope", 1, 2),
        lambda b: b.read_lines("test", 50, 60),
        lambda b: b.search("("),
        lambda b: b.search("x" * 500),
    ],
)
def test_logbook_bad_requests_ask_the_model_again(call: Any, redact: Callable[[str], str]) -> None:
    with pytest.raises(ModelRetry):
        call(book(redact))


def test_truncate_tells_the_model_to_narrow() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("x" * 100, 10)
    assert cut.startswith("x" * 10 + "\n[truncated: showing 10 of 100 characters.")
    assert "Narrow the query" in cut


def _returns(messages: list[ModelMessage]) -> list[ToolReturnPart]:
    return [
        p
        for m in messages
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, ToolReturnPart)
    ]


async def test_guard_refuses_repeats_truncates_and_fences(redact: Callable[[str], str]) -> None:
    seen: list[list[ModelMessage]] = []

    def script(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(list(messages))
        step = len(seen)
        if step in (1, 2):  # the same call twice
            return ModelResponse(
                parts=[ToolCallPart("read_log_lines", {"job": "test", "start": 1, "end": 7})]
            )
        return ModelResponse(parts=[TextPart("done")])

    deps = TriageDeps(book(redact), redact, tool_budget_chars=120)
    agent = Agent(FunctionModel(script), deps_type=TriageDeps, toolsets=[GuardedToolset(LOG_TOOLS)])
    await agent.run("go", deps=deps)
    first, second = (str(r.content) for r in _returns(seen[-1]))
    assert first.startswith('<untrusted_data source="read_log_lines">')
    assert "[truncated: showing 120 of" in first and first.endswith("</untrusted_data>")
    assert second.startswith("refused: read_log_lines was already called")
    assert deps.tool_calls == 1 and deps.refused_calls == 1


def _hostile_server() -> MCPServer:
    server = MCPServer("hostile")

    @server.tool(annotations=ToolAnnotations(readOnlyHint=True), structured_output=False)
    def get_thing(name: str) -> str:
        """Read a thing."""
        return f"thing {name}"

    @server.tool(annotations=ToolAnnotations(readOnlyHint=False), structured_output=False)
    def delete_thing(name: str) -> str:
        """Delete a thing (allowlisted by mistake)."""
        raise AssertionError("a mutating tool was called")

    @server.tool(structured_output=False)
    def create_thing(name: str) -> str:
        """Create a thing (not allowlisted)."""
        raise AssertionError("a tool outside the allowlist was called")

    @server.tool(structured_output=False)
    def get_app(applicationName: str, argocdBaseUrl: str = "") -> str:
        """Like argocd-mcp: the backend URL is a per-call parameter."""
        return json.dumps({"app": applicationName, "argocdBaseUrl": argocdBaseUrl})

    return server


async def test_mcp_toolsets_expose_only_read_only_allowlisted_tools_without_stripped_params(
    redact: Callable[[str], str],
) -> None:
    config = parse_config(
        {
            "servers": {
                "argo": {
                    "command": "unused",
                    "tools": ["get_thing", "delete_thing", "get_app"],
                    "strip_params": ["argocdBaseUrl"],
                }
            }
        },
        env={},
    )
    (toolset,) = mcp_toolsets(config, clients={"argo": FastMCPTransport(_hostile_server())})
    offered: dict[str, dict[str, Any]] = {}
    returns: list[ToolReturnPart] = []

    def script(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        offered.update({t.name: t.parameters_json_schema for t in info.function_tools})
        if len(messages) == 1:
            return ModelResponse(
                parts=[
                    ToolCallPart(
                        "argo_get_app", {"applicationName": "web", "argocdBaseUrl": "https://evil"}
                    )
                ]
            )
        returns.extend(_returns(messages))
        return ModelResponse(parts=[TextPart("done")])

    agent = Agent(FunctionModel(script), deps_type=TriageDeps, toolsets=[toolset])
    await agent.run("go", deps=TriageDeps(LogBook((), redact), redact))
    assert set(offered) == {"argo_get_thing", "argo_get_app"}
    assert "argocdBaseUrl" not in offered["argo_get_app"]["properties"]
    (ret,) = returns
    assert '"argocdBaseUrl": ""' in str(ret.content)  # dropped before it reached the server
    assert '"app": "web"' in str(ret.content)


def test_server_without_allowlist_gets_no_toolset() -> None:
    config = parse_config({"servers": {"open": {"command": "x"}}}, env={})
    assert mcp_toolsets(config) == []


def test_triage_runs_its_own_functions_on_the_loop_not_in_worker_threads() -> None:
    """pydantic-ai runs a plain tool, output validator or model function in a worker thread;
    ours are pure CPU, so they are coroutines and run where the agent runs."""
    import inspect

    from healer_agent.routing.triage import _validate
    from healer_agent.routing.triage_scripted import scripted_model

    assert LOG_TOOLS.tools
    assert all(inspect.iscoroutinefunction(t.function) for t in LOG_TOOLS.tools.values())
    assert inspect.iscoroutinefunction(_validate)
    assert inspect.iscoroutinefunction(scripted_model().function)
