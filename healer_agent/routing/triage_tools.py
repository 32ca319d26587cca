"""The triage model's tools: the full log in pieces, and the read-only MCP tools.

Three bounds live here, in one wrapper every tool goes through (:class:`GuardedToolset`):
each result is redacted, truncated to a budget with a note telling the model to narrow its
query, and fenced as untrusted data; an identical repeated call is refused. The log tools
read a :class:`LogBook` (the redacted full logs), so the whole log never goes into the
prompt at once. The MCP tools themselves come from the context layer
(``healer_agent.context.toolset``: toolsets over the shared MCP pool, wrapped in
:class:`GuardedToolset`); :func:`server_hints` turns the servers' ``llm_instructions``
into the triage instructions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic_ai import FunctionToolset, ModelRetry, RunContext, ToolFailed
from pydantic_ai.framing import register_tag, wrap
from pydantic_ai.toolsets import WrapperToolset
from pydantic_ai.toolsets.abstract import ToolsetTool

from healer_agent.logs.clean import clean_line, split_steps
from healer_agent.models import JobLog

UNTRUSTED = register_tag("untrusted_data")
"""The frame around every log, PR body, commit message and tool result in triage prompts."""

MAX_LINE_CHARS = 1000
MAX_PATTERN_CHARS = 200
MAX_MATCHES = 40

Redact = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Step:
    """One ``##[group]Run ...`` section of a job log (1-based, inclusive line numbers)."""

    number: int
    title: str
    start: int
    end: int


class LogBook:
    """The redacted full logs of an incident's failed jobs, read a piece at a time."""

    def __init__(self, logs: tuple[JobLog, ...], redact: Redact) -> None:
        self._lines: dict[str, list[str]] = {}
        for log in logs:
            text = redact(log.text)
            self._lines[log.job_name] = [
                clean_line(line)[:MAX_LINE_CHARS] for line in text.splitlines()
            ]

    @property
    def jobs(self) -> tuple[str, ...]:
        """The job names, in the order the context listed them."""
        return tuple(self._lines)

    def steps(self, job: str) -> list[Step]:
        """The job's sections, split as the log analysis splits them.

        ``Run`` steps and the runner's own sections; a log without markers is one section.
        """
        lines = self._job(job)
        sections = split_steps(lines)
        if not any(section.command for section in sections):
            return [Step(1, "(whole log)", 1, len(lines))]
        return [
            Step(
                n,
                section.command or section.name,
                section.start + 1,
                max(section.start + 1, section.end),
            )
            for n, section in enumerate(sections, 1)
        ]

    def outline(self) -> str:
        """Every job with its line count and sections: what the model can ask for."""
        out = []
        for job, lines in self._lines.items():
            out.append(f"job {job!r}: {len(lines)} lines")
            out += [
                f"  step {s.number}: lines {s.start}-{s.end}: {s.title[:120]}"
                for s in self.steps(job)
            ]
        return "\n".join(out) or "(no job logs)"

    def read_lines(self, job: str, start: int, end: int) -> str:
        """Lines ``start``..``end`` (1-based, inclusive), each prefixed with its number."""
        lines = self._job(job)
        start, end = max(1, start), min(len(lines), end)
        if start > end:
            raise ModelRetry(
                f"job {job!r} has {len(lines)} lines; ask for a range inside 1-{len(lines)}"
            )
        return "\n".join(f"{n}: {lines[n - 1]}" for n in range(start, end + 1))

    def read_step(self, job: str, step: str) -> str:
        """A section by number or by a case-insensitive part of its title."""
        steps = self.steps(job)
        found = [s for s in steps if step.strip() == str(s.number)] or [
            s for s in steps if step.lower() in s.title.lower()
        ]
        if not found:
            raise ModelRetry(f"no step {step!r} in job {job!r}; steps are:\n{self.outline()}")
        s = found[0]
        return f"step {s.number} ({s.title}):\n" + self.read_lines(job, s.start, s.end)

    def search(self, pattern: str, job: str | None = None, context: int = 0) -> str:
        """Lines matching a regular expression, with ``context`` lines around each."""
        if len(pattern) > MAX_PATTERN_CHARS:
            raise ModelRetry(f"pattern longer than {MAX_PATTERN_CHARS} characters")
        try:
            regex = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise ModelRetry(f"invalid regular expression: {exc}") from exc
        context = max(0, min(context, 5))
        out: list[str] = []
        matches = 0
        for name in [job] if job else list(self._lines):
            lines = self._job(name)
            hits = [i for i, line in enumerate(lines) if regex.search(line)]
            matches += len(hits)
            shown: set[int] = set()
            for i in hits[:MAX_MATCHES]:
                for j in range(max(0, i - context), min(len(lines), i + context + 1)):
                    if j not in shown:
                        shown.add(j)
                        out.append(f"{name}:{j + 1}: {lines[j]}")
        if not out:
            return f"no line matches {pattern!r}"
        more = (
            f"\n({matches} matches; showing the first {MAX_MATCHES} per job)"
            if matches > MAX_MATCHES
            else ""
        )
        return "\n".join(out) + more

    def _job(self, job: str) -> list[str]:
        if job not in self._lines:
            raise ModelRetry(f"no job {job!r}; jobs are: {', '.join(self._lines) or 'none'}")
        return self._lines[job]


@dataclass
class TriageDeps:
    """Per-run state the tools read and the guard updates."""

    logbook: LogBook
    redact: Redact
    security: bool = False
    """The incident is a security alert: only cipher may take it."""
    tool_budget_chars: int = 8000
    seen_calls: set[str] = field(default_factory=set)
    tool_calls: int = 0
    refused_calls: int = 0


LOG_TOOLS: FunctionToolset[TriageDeps] = FunctionToolset()
"""The log tools. They are ``async`` though they never await: pydantic-ai runs a plain
function in a worker thread, a hand-off (and a GIL switch) per call that cost more than the
tool's own work (a triage run calls two or more)."""


@LOG_TOOLS.tool
async def log_outline(ctx: RunContext[TriageDeps]) -> str:
    """List the failed jobs' logs: line counts and the line range of every step."""
    return ctx.deps.logbook.outline()


@LOG_TOOLS.tool
async def read_log_step(ctx: RunContext[TriageDeps], job: str, step: str) -> str:
    """Read one step of a job's log, by step number or a part of its title."""
    return ctx.deps.logbook.read_step(job, step)


@LOG_TOOLS.tool
async def read_log_lines(ctx: RunContext[TriageDeps], job: str, start: int, end: int) -> str:
    """Read lines start..end (1-based, inclusive) of a job's log."""
    return ctx.deps.logbook.read_lines(job, start, end)


@LOG_TOOLS.tool
async def search_log(
    ctx: RunContext[TriageDeps], pattern: str, job: str | None = None, context: int = 0
) -> str:
    """Find log lines matching a case-insensitive regex, optionally in one job.

    ``context`` adds up to 5 lines around each match.
    """
    return ctx.deps.logbook.search(pattern, job, context)


def truncate(text: str, budget: int) -> str:
    """``text`` cut to ``budget`` characters, with a note telling the model to narrow down."""
    if len(text) <= budget:
        return text
    return (
        text[:budget] + f"\n[truncated: showing {budget} of {len(text)} characters. "
        "Narrow the query: a smaller line range, a single step, a more specific pattern "
        "or filter.]"
    )


def _as_text(result: Any) -> str:
    if isinstance(result, str):
        return result
    return json.dumps(result, default=str, ensure_ascii=False)


@dataclass
class GuardedToolset(WrapperToolset[TriageDeps]):
    """Redacts, truncates and fences every result; refuses an identical repeated call."""

    async def call_tool(
        self,
        name: str,
        tool_args: dict[str, Any],
        ctx: RunContext[TriageDeps],
        tool: ToolsetTool[TriageDeps],
    ) -> Any:
        """Call the wrapped tool unless this exact call was already made in this run."""
        deps = ctx.deps
        key = f"{name} {json.dumps(tool_args, sort_keys=True, default=str)}"
        if key in deps.seen_calls:
            deps.refused_calls += 1
            return (
                f"refused: {name} was already called with these exact arguments in this "
                "investigation; its result is above. Ask for something different or give "
                "your decision."
            )
        deps.seen_calls.add(key)
        deps.tool_calls += 1
        try:
            result = await super().call_tool(name, tool_args, ctx, tool)
        except ToolFailed as exc:  # an MCP error: the model sees it, redacted and short
            raise ToolFailed(truncate(deps.redact(str(exc)), 500)) from exc
        text = truncate(deps.redact(_as_text(result)), deps.tool_budget_chars)
        return wrap(UNTRUSTED, text, source=name)


# --------------------------------------------------------------------------- MCP hints


def server_hints(config: Any) -> str:
    """The servers' ``llm_instructions``, for the triage instructions."""
    return "\n".join(
        f"- `{name}_*` tools: {s.llm_instructions.strip()}"
        for name, s in config.enabled_servers().items()
        if s.tools and s.llm_instructions.strip()
    )


__all__ = [
    "LOG_TOOLS",
    "UNTRUSTED",
    "GuardedToolset",
    "LogBook",
    "Step",
    "TriageDeps",
    "server_hints",
    "truncate",
]
