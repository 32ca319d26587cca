"""LLM triage: a pydantic-ai agent that investigates with read-only tools and decides.

:class:`TriageRouter` wraps the pre-router. Incidents the pre-router marks obvious keep its
decision (and its deterministic summary) unless ``triage_on_obvious`` asks the LLM to write
the summary; every other incident goes to :class:`Triage`, whose typed output becomes the
:class:`RoutingDecision` (``decided_by="llm"``). With ``router="llm"`` the LLM decides every
incident, which is what ``healer eval --router llm`` measures against the pre-router.

Bounds: ``UsageLimits`` (requests, tokens, tool calls), a wall-clock timeout, tool results
truncated and identical calls refused (:mod:`triage_tools`), and an output validator that
asks again (within ``retries``) when a decision breaks a hard rule. Past any bound, or on a
provider error after the client's retries, the pre-router's decision stands with
``decided_by="fallback"`` and the reason: an incident never fails because the LLM did.
Only redacted text reaches the model.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import structlog
from pydantic import BaseModel, ConfigDict, Field
from pydantic_ai import (
    Agent as PydanticAgent,
)
from pydantic_ai import (
    AgentRunError,
    ModelAPIError,
    ModelRetry,
    RunContext,
    UnexpectedModelBehavior,
    UsageLimitExceeded,
    UsageLimits,
    capture_run_messages,
)
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings
from pydantic_ai.toolsets import AbstractToolset

from healer_agent.config import Settings
from healer_agent.logs import excerpt
from healer_agent.models import (
    Agent,
    Candidate,
    ContextBundle,
    Evidence,
    FailureType,
    Incident,
    LLMUsage,
    RoutingDecision,
    failure_types_for,
)
from healer_agent.routing.base import Router
from healer_agent.routing.pricing import estimate_cost
from healer_agent.routing.triage_prompt import (
    deterministic_summary,
    instructions,
    user_prompt,
)
from healer_agent.routing.triage_tools import (
    LOG_TOOLS,
    GuardedToolset,
    LogBook,
    TriageDeps,
)

log = structlog.get_logger("healer.triage")

Redact = Callable[[str], str]
Excerpter = Callable[[Incident, ContextBundle], str]
"""Turns the context's logs into the redacted excerpt the prompt carries."""


def log_excerpt(incident: Incident, context: ContextBundle) -> str:
    """The same budgeted, redacted excerpt of the failing step the pre-router reads."""
    if not context.logs:
        return ""
    return excerpt(context.logs, incident.failed_steps).text


GRACE_S = 5.0
"""Extra seconds the outer deadline allows beyond pydantic-ai's own (MCP start-up hangs)."""


class TriageOutput(BaseModel):
    """What the model must return; validated, then checked against the hard rules."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    agent: Agent
    """The specialist for the root cause."""
    failure_type: FailureType
    """One of the chosen agent's failure types."""
    confidence: float = Field(ge=0.0, le=1.0)
    """0..1: how sure the decision is."""
    root_cause: str = Field(max_length=600)
    """One sentence."""
    summary: str = Field(max_length=8000)
    """Markdown for the agent: failing step, key error lines, suspect files, related signals
    (Argo CD, Loki, Prometheus, Grafana), what was already tried."""
    key_error_lines: list[str] = Field(default_factory=list, max_length=10)
    """The log lines that show the failure, verbatim."""
    suspect_files: list[str] = Field(default_factory=list, max_length=25)
    """Repository paths the fix most likely touches."""
    escalate: bool = False
    """True only when no agent can fix it (outage, missing credentials, infrastructure down)."""
    escalate_reason: str = ""
    """Why a human is needed, when ``escalate``."""


@dataclass(frozen=True, slots=True)
class TriageLimits:
    """The bounds of one triage run."""

    timeout_s: float = 60.0
    request_limit: int = 8
    total_tokens_limit: int = 80_000
    tool_calls_limit: int = 12
    tool_budget_chars: int = 8000
    retries: int = 2
    """Output-validation and tool retries before the run gives up."""
    max_output_tokens: int = 2048

    @classmethod
    def from_settings(cls, settings: Settings) -> TriageLimits:
        """The limits ``settings`` configures."""
        return cls(
            timeout_s=settings.triage.timeout_s,
            request_limit=settings.triage.max_requests,
            total_tokens_limit=settings.triage.max_tokens,
            tool_calls_limit=settings.triage.max_tool_calls,
            tool_budget_chars=settings.triage.tool_result_chars,
            retries=settings.triage.retries,
        )


@dataclass(slots=True)
class TriageResult:
    """One run's output, or the reason there is none; usage either way."""

    output: TriageOutput | None
    usage: LLMUsage
    reason: str = ""
    messages: list[ModelMessage] = field(default_factory=list)


async def _validate(ctx: RunContext[TriageDeps], out: TriageOutput) -> TriageOutput:
    """Reject (the model is asked again) a decision that breaks a hard rule.

    ``async`` without awaiting: pydantic-ai runs a plain validator in a worker thread.
    """
    if ctx.deps.security and out.agent is not Agent.CIPHER:
        raise ModelRetry(
            "This incident is a security alert: the hard rule routes it to "
            "cipher with a security failure type. Decide again."
        )
    allowed = failure_types_for(out.agent)
    if out.failure_type not in allowed:
        names = ", ".join(sorted(ft.value for ft in allowed))
        raise ModelRetry(
            f"failure_type {out.failure_type.value!r} is not one of "
            f"{out.agent.value}'s ({names}). Pick one of those, or another agent."
        )
    return out


def _usage(
    model_name: str, messages: Sequence[ModelMessage], deps: TriageDeps, elapsed_s: float
) -> LLMUsage:
    responses = [m for m in messages if isinstance(m, ModelResponse)]
    input_tokens = sum(m.usage.input_tokens for m in responses)
    output_tokens = sum(m.usage.output_tokens for m in responses)
    return LLMUsage(
        model=model_name,
        requests=len(responses),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        tool_calls=deps.tool_calls,
        cost_usd=estimate_cost(model_name, input_tokens, output_tokens),
        elapsed_ms=round(elapsed_s * 1000, 1),
    )


class Triage:
    """The agent and its bounds; one instance serves every incident (runs are independent)."""

    def __init__(
        self,
        model: Model | str,
        *,
        redact: Redact,
        toolsets: Sequence[AbstractToolset[TriageDeps]] = (),
        hints: str = "",
        limits: TriageLimits | None = None,
        model_name: str | None = None,
    ) -> None:
        self.limits = limits or TriageLimits()
        self.redact = redact
        self.model_name = model_name or (model if isinstance(model, str) else model.model_name)
        self.agent: PydanticAgent[TriageDeps, TriageOutput] = PydanticAgent(
            model,
            output_type=TriageOutput,
            deps_type=TriageDeps,
            instructions=instructions(hints),
            name="healer-triage",
            toolsets=[GuardedToolset(LOG_TOOLS), *toolsets],
            retries=self.limits.retries,
            defer_model_check=True,
        )
        self.agent.output_validator(_validate)

    async def run(
        self, incident: Incident, context: ContextBundle, pre: RoutingDecision, excerpt: str
    ) -> TriageResult:
        """Investigate and decide; never raises (the reason says what went wrong)."""
        deps = TriageDeps(
            LogBook(context.logs, self.redact),
            self.redact,
            security=incident.kind == "security_alert",
            tool_budget_chars=self.limits.tool_budget_chars,
        )
        prompt = user_prompt(incident, pre, context, excerpt, deps.logbook, self.redact)
        limits = UsageLimits(
            request_limit=self.limits.request_limit,
            total_tokens_limit=self.limits.total_tokens_limit,
            tool_calls_limit=self.limits.tool_calls_limit,
        )
        settings: ModelSettings = {"max_tokens": self.limits.max_output_tokens}
        output: TriageOutput | None = None
        reason = ""
        started = time.monotonic()
        with capture_run_messages() as messages:
            try:
                async with asyncio.timeout(self.limits.timeout_s + GRACE_S):
                    result = await self.agent.run(
                        prompt,
                        deps=deps,
                        usage_limits=limits,
                        model_settings=settings,
                        timeout=self.limits.timeout_s,
                    )
                output = result.output
            except TimeoutError:  # pydantic-ai's RunTimedOut is a TimeoutError too
                reason = f"timeout: no decision within {self.limits.timeout_s:g}s"
            except UsageLimitExceeded as exc:
                reason = f"over budget: {exc}"
            except ModelAPIError as exc:
                reason = f"provider error after retries: {type(exc).__name__}: {exc}"
            except UnexpectedModelBehavior as exc:
                reason = f"no valid decision within {self.limits.retries} retries: {exc}"
            except AgentRunError as exc:
                reason = f"triage run failed: {type(exc).__name__}: {exc}"
            except Exception as exc:  # boundary: MCP transports and servers fail in many ways;
                # an incident must never fail because triage did.
                reason = f"triage error: {type(exc).__name__}: {exc}"
        usage = _usage(self.model_name, messages, deps, time.monotonic() - started)
        if reason:
            reason = self.redact(reason)[:500]
            log.warning(
                "triage.fallback",
                reason=reason,
                run_key=incident.run_key,
                tokens=usage.input_tokens + usage.output_tokens,
            )
        return TriageResult(output, usage, reason, list(messages))


# --------------------------------------------------------------------------- router


def _clean(redact: Redact, items: Sequence[str], limit: int) -> tuple[str, ...]:
    return tuple(redact(item)[:500] for item in items[:limit] if item.strip())


def llm_decision(
    pre: RoutingDecision, out: TriageOutput, usage: LLMUsage, redact: Redact
) -> RoutingDecision:
    """The model's output as a decision; the pre-router's view is kept as evidence."""
    runner_up = pre.runner_up
    if pre.agent is not out.agent:
        runner_up = Candidate(
            agent=pre.agent,
            failure_type=pre.failure_type,
            score=pre.confidence,
            evidence=pre.evidence,
        )
    root_cause = redact(out.root_cause)
    reason = (
        f"escalate: {redact(out.escalate_reason)}"
        if out.escalate
        else (
            "LLM triage"
            + (
                ""
                if pre.agent is out.agent and pre.failure_type is out.failure_type
                else f"; pre-router said {pre.agent.value}/{pre.failure_type.value}"
            )
        )
    )
    return RoutingDecision(
        agent=out.agent,
        failure_type=out.failure_type,
        confidence=out.confidence,
        decided_by="llm",
        obvious=False,
        evidence=(
            *pre.evidence,
            Evidence(
                signal="llm",
                agent=out.agent,
                failure_type=out.failure_type,
                weight=out.confidence,
                rule="triage",
                detail=root_cause[:300],
            ),
        ),
        runner_up=runner_up,
        candidates=pre.candidates,
        summary=redact(out.summary),
        root_cause=root_cause,
        key_error_lines=_clean(redact, out.key_error_lines, 10),
        suspect_files=_clean(redact, out.suspect_files, 25),
        failing_step=pre.failing_step,
        escalate=out.escalate,
        reason=reason,
        usage=usage,
    )


class TriageRouter:
    """The pre-router, with LLM triage for what it is not sure of (``router: llm|full``)."""

    def __init__(
        self,
        prerouter: Router,
        triage: Triage,
        *,
        mode: Literal["llm", "full"],
        on_obvious: bool = False,
        excerpt: Excerpter | None = None,
    ) -> None:
        self.name: str = mode
        self.prerouter = prerouter
        self.triage = triage
        self.mode = mode
        self.on_obvious = on_obvious
        self.redact = triage.redact
        self.excerpt: Excerpter = excerpt or log_excerpt

    async def route(self, incident: Incident, context: ContextBundle) -> RoutingDecision:
        """Pre-route; triage unless obvious (or ``llm`` mode); fall back on any failure."""
        pre = self._complete(incident, context, await self.prerouter.route(incident, context))
        if pre.decided_by == "operator":
            return pre
        obvious = pre.obvious and self.mode == "full"
        if obvious and not self.on_obvious:
            return pre
        result = await self.triage.run(incident, context, pre, self.excerpt(incident, context))
        if result.output is None:
            if obvious:
                return pre.model_copy(
                    update={
                        "usage": result.usage,
                        "reason": f"summary by the pre-router: LLM triage failed ({result.reason})",
                    }
                )
            return pre.model_copy(
                update={
                    "decided_by": "fallback",
                    "usage": result.usage,
                    "reason": f"LLM triage failed ({result.reason}); the pre-router's decision "
                    "stands",
                }
            )
        decision = llm_decision(pre, result.output, result.usage, self.redact)
        if obvious:  # the LLM only writes the summary; the obvious routing stands
            return pre.model_copy(
                update={
                    "summary": decision.summary,
                    "root_cause": decision.root_cause,
                    "key_error_lines": decision.key_error_lines or pre.key_error_lines,
                    "suspect_files": decision.suspect_files or pre.suspect_files,
                    "usage": result.usage,
                    "reason": "summary by LLM triage",
                }
            )
        return decision

    def _complete(
        self, incident: Incident, context: ContextBundle, pre: RoutingDecision
    ) -> RoutingDecision:
        """Every decision carries a summary and key lines, even without an LLM."""
        update: dict[str, Any] = {}
        if not pre.key_error_lines and context.logs:
            found = excerpt(context.logs, incident.failed_steps)
            update["key_error_lines"] = found.error_lines[:10]
        if not pre.summary:
            update["summary"] = deterministic_summary(incident, pre, context, self.redact)
        return pre.model_copy(update=update) if update else pre


# --------------------------------------------------------------------------- wiring

SCRIPTED_MODELS = frozenset({"test", "scripted"})


def resolve_model(name: str) -> Model | str:
    """``test``/``scripted`` is the plumbing model for CI; anything else goes to pydantic-ai."""
    if name in SCRIPTED_MODELS:
        from healer_agent.routing.triage_scripted import scripted_model

        return scripted_model()
    return name


def build_triage_router(
    settings: Settings,
    prerouter: Router,
    *,
    model: Model | str | None = None,
    toolsets: Sequence[AbstractToolset[TriageDeps]] | None = None,
    hints: str = "",
    redact: Redact | None = None,
) -> TriageRouter:
    """The ``llm``/``full`` router: ``settings.triage.model`` unless ``model`` is given.

    ``toolsets`` are the read-only MCP tools the model may call; a running Healer passes
    its context runtime's (over the shared, warm pool), so triage starts no process.
    """
    if redact is None:
        from healer_agent.logs import redact as logs_redact

        redact = logs_redact
    chosen = model if model is not None else resolve_model(settings.triage.model)
    name = settings.triage.model if model is None else None
    triage = Triage(
        chosen,
        redact=redact,
        toolsets=list(toolsets or ()),
        hints=hints,
        limits=TriageLimits.from_settings(settings),
        model_name=name,
    )
    mode: Literal["llm", "full"] = "llm" if settings.routing.router == "llm" else "full"
    return TriageRouter(prerouter, triage, mode=mode, on_obvious=settings.triage.on_obvious)


__all__ = [
    "Excerpter",
    "Triage",
    "TriageLimits",
    "TriageOutput",
    "TriageResult",
    "TriageRouter",
    "build_triage_router",
    "llm_decision",
    "resolve_model",
]
