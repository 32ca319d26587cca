"""A scripted triage model (``--model test``) that exercises the plumbing, not judgement.

It never reads the evidence like a model would: it calls the log tools (``log_outline``,
then ``search_log`` for error lines), and then answers the pre-router's own choice with a
summary made of the lines it found. So an eval with it shows tool calls, token accounting
and (by design) the fallback path: for about one incident in four, chosen by a hash of the
prompt, it insists on a failure type outside the agent's category, the output validator
rejects it until the retries run out, and the pre-router's decision stands as ``fallback``.
It therefore always agrees with the pre-router (a fallback is the pre-router's decision),
and no accuracy can be claimed from it.
"""

from __future__ import annotations

import json
import re
import zlib

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel

from healer_agent.models import Agent, FailureType, default_failure_type

_DECISION = re.compile(r"^Decision: (\w+) / (\w+)", re.MULTILINE)
_LINE = re.compile(r"^[^:\n]+:\d+: (.+)$", re.MULTILINE)
FALLBACK_ONE_IN = 4


def _prompt(messages: list[ModelMessage]) -> str:
    first = messages[0]
    if isinstance(first, ModelRequest):
        for part in first.parts:
            if isinstance(part, UserPromptPart) and isinstance(part.content, str):
                return part.content
    return ""


def _returns(messages: list[ModelMessage]) -> list[ToolReturnPart]:
    return [
        p
        for m in messages
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, ToolReturnPart)
    ]


def _wrong_type(agent: Agent) -> FailureType:
    """A failure type of another category, which the validator must reject."""
    return FailureType.HELM if agent is not Agent.BOLT else FailureType.RUST_TEST


async def scripted(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """One step of the script.

    ``async`` without awaiting: ``FunctionModel`` runs a plain function in a worker thread,
    a hand-off per model request that cost more than the step itself.
    """
    prompt = _prompt(messages)
    returns = _returns(messages)
    tools = {t.name for t in info.function_tools}
    if not returns and {"log_outline", "search_log"} <= tools:
        return ModelResponse(
            parts=[
                ToolCallPart("log_outline", {}),
                ToolCallPart("search_log", {"pattern": r"##\[error\]|error|failed", "context": 0}),
            ]
        )
    match = _DECISION.search(prompt)
    agent = Agent(match.group(1)) if match else Agent.ATLAS
    failure_type = FailureType(match.group(2)) if match else default_failure_type(agent)
    if zlib.crc32(prompt.encode()) % FALLBACK_ONE_IN == 0:
        failure_type = _wrong_type(agent)
    found = [
        m.group(1).strip()
        for r in returns
        if r.tool_name == "search_log"
        for m in _LINE.finditer(str(r.content))
    ][:5]
    summary = "\n".join(
        ["Scripted triage (plumbing check, not a judgement).", "", "Key error lines:"]
        + [f"- `{line[:200]}`" for line in found]
    )
    output = {
        "agent": agent.value,
        "failure_type": failure_type.value,
        "confidence": 0.5,
        "root_cause": found[0][:300] if found else "unknown (scripted model)",
        "summary": summary,
        "key_error_lines": found,
        "suspect_files": [],
        "escalate": False,
        "escalate_reason": "",
    }
    return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, json.dumps(output))])


def scripted_model() -> FunctionModel:
    """The model ``HEALER_TRIAGE__MODEL=test`` (and ``healer eval --model test``) uses."""
    return FunctionModel(scripted, model_name="scripted")


__all__ = ["FALLBACK_ONE_IN", "scripted", "scripted_model"]
