"""The log excerpt: the failing step's error windows, within a token budget (pure).

Windows keep a few lines before each error and more after (the compiler's explanation
follows its ``error:`` line), overlapping windows merge, consecutive duplicate lines
collapse, and windows are added in order until the budget is used — the first real error
always makes it in. The result is redacted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from healer_agent.logs.clean import Step, clean_lines, find_failing_step, split_steps
from healer_agent.logs.errors import ErrorHit, find_errors
from healer_agent.logs.redact import redact
from healer_agent.logs.signature import signature
from healer_agent.models import FailedStep, JobLog

BEFORE, AFTER = 3, 8
MAX_WINDOWS = 30
DEFAULT_BUDGET_TOKENS = 6000


def estimate_tokens(text: str) -> int:
    """Rough token count (4 characters a token), enough for budgeting."""
    return (len(text) + 3) // 4


class Excerpt(BaseModel):
    """What the router and the prompt see of a job's log."""

    model_config = ConfigDict(frozen=True)

    job_name: str = ""
    failing_step: str | None = None
    command: str | None = None
    error_lines: tuple[str, ...] = ()
    """Redacted error lines of the failing step (first real error first)."""
    tools: tuple[str, ...] = ()
    """The tools whose error patterns matched, in order of first appearance."""
    text: str = ""
    """The budgeted, redacted excerpt."""
    tokens: int = 0
    signature: str = ""
    total_lines: int = 0

    def __str__(self) -> str:
        return self.text


def _windows(hits: Sequence[ErrorHit], lo: int, hi: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for hit in hits:
        start, end = max(lo, hit.index - BEFORE), min(hi, hit.index + AFTER + 1)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans[:MAX_WINDOWS]


def _render(lines: list[str], span: tuple[int, int]) -> list[str]:
    out: list[str] = []
    for line in lines[span[0]:span[1]]:
        if line.startswith("##[group]") or line == "##[endgroup]":
            continue
        if out and out[-1] == line:
            continue
        out.append(line)
    return out


def excerpt_lines(lines: list[str], failed_steps: Iterable[str] = (),
                  budget_tokens: int = DEFAULT_BUDGET_TOKENS, job_name: str = "") -> Excerpt:
    """The excerpt of already-cleaned ``lines``."""
    steps = split_steps(lines)
    all_hits = find_errors(lines)
    first_real = next((h for h in all_hits if not h.generic), None)
    step = find_failing_step(steps, list(failed_steps),
                             first_real.index if first_real else None)
    lo, hi = (step.start, step.start + len(step.lines)) if step else (0, len(lines))
    hits = [h for h in all_hits if lo <= h.index < hi]
    if not any(not h.generic for h in hits) and first_real is not None:
        # the named step shows only the exit code: the cause is wherever the first error is
        step = _step_at(steps, first_real.index) or step
        lo, hi = (step.start, step.start + len(step.lines)) if step else (0, len(lines))
        hits = [h for h in all_hits if lo <= h.index < hi]
    real = [h for h in hits if not h.generic] or hits
    if not real:  # no error pattern at all: the tail of the failing step is the best guess
        tail = (lo + max(0, (hi - lo) - 40), hi)
        body = _render(lines, tail)
        text = redact("\n".join(body))
        return Excerpt(job_name=job_name, failing_step=step.name if step else None,
                       command=step.command if step else None, text=text,
                       tokens=estimate_tokens(text), signature=signature(body[-3:]),
                       total_lines=len(lines))
    chunks: list[str] = []
    used = 0
    for span in _windows(real, lo, hi):
        block = "\n".join(_render(lines, span))
        cost = estimate_tokens(block) + 2
        if chunks and used + cost > budget_tokens:
            break
        if not chunks and cost > budget_tokens:  # the first error alone is over budget
            block = block[: budget_tokens * 4]
            cost = budget_tokens
        chunks.append(block)
        used += cost
    text = redact("\n...\n".join(chunks))
    error_lines = tuple(redact(h.line) for h in real[:20])
    tools = tuple(dict.fromkeys(h.tool for h in real))
    return Excerpt(job_name=job_name, failing_step=step.name if step else None,
                   command=step.command if step else None, error_lines=error_lines,
                   tools=tools, text=text, tokens=estimate_tokens(text),
                   signature=signature(error_lines), total_lines=len(lines))


def _has_real_error(part: Excerpt) -> bool:
    return any(not line.startswith("##[error]Process completed") for line in part.error_lines)


def _step_at(steps: list[Step], index: int) -> Step | None:
    for step in steps:
        if step.start <= index < step.start + len(step.lines):
            return step
    return None


def excerpt_text(text: str, failed_steps: Iterable[str] = (),
                 budget_tokens: int = DEFAULT_BUDGET_TOKENS, job_name: str = "") -> Excerpt:
    """The excerpt of a raw log."""
    return excerpt_lines(clean_lines(text), failed_steps, budget_tokens, job_name)


def excerpt(logs: Sequence[JobLog] | JobLog, failed_steps: Iterable[FailedStep] = (),
            budget_tokens: int = DEFAULT_BUDGET_TOKENS) -> Excerpt:
    """The excerpt over a job's log, or over several.

    The budget is shared; the job with the first real error comes first.
    """
    jobs = [logs] if isinstance(logs, JobLog) else list(logs)
    if not jobs:
        return Excerpt()
    failed = list(failed_steps)
    parts = []
    for job in jobs:
        names = [s.name for s in (*failed, *job.steps)
                 if s.conclusion in ("failure", "timed_out")
                 and (not s.job_name or s.job_name == job.job_name)]
        parts.append(excerpt_text(job.text, names, budget_tokens, job.job_name))
    parts.sort(key=lambda e: not _has_real_error(e))
    if len(parts) == 1:
        return parts[0]
    share = max(500, budget_tokens // len(parts))
    merged = [p if p.tokens <= share else p.model_copy(update={"text": p.text[: share * 4]})
              for p in parts]
    first = merged[0]
    text = "\n\n".join(f"### job {p.job_name}\n{p.text}" for p in merged if p.text)
    lines = tuple(line for p in merged for line in p.error_lines)
    return first.model_copy(update={
        "text": text, "tokens": estimate_tokens(text), "error_lines": lines,
        "tools": tuple(dict.fromkeys(t for p in merged for t in p.tools)),
        "signature": signature(lines) if lines else first.signature,
        "total_lines": sum(p.total_lines for p in merged)})
