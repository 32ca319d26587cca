"""The log excerpt: the failing step's error windows, within a token budget (pure).

Windows keep a few lines before each error and more after (the compiler's explanation
follows its ``error:`` line), overlapping windows merge, consecutive duplicate lines
collapse, and windows are added in order until the budget is used — the first real error
always makes it in. Lines a wrapper relays (BuildKit, compose, turbo, pnpm) are classified
by their own tool. The tail of diagnostic steps that ran after the failure (``kubectl
logs``) is kept apart: it is the failing workload's own log. Everything is redacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextvars import ContextVar, Token
from typing import NamedTuple

from pydantic import ConfigDict

# from its defining module: mypyc imports a compiled class's base from there, and fails
# to declare ``pydantic.main`` when the base came through ``pydantic``'s lazy attribute
from pydantic.main import BaseModel

from healer_agent.logs.clean import clean_line, clean_text, inner_line
from healer_agent.logs.errors import classify
from healer_agent.logs.prebuilt import built
from healer_agent.logs.redact import redact, redact_lines
from healer_agent.logs.scan import CAPTURED_HINTS, Marker, lines_after, lines_before, scan
from healer_agent.logs.setup import source_at
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
    """The error lines' :func:`signature` (empty when the caller asked for none)."""
    diagnostics: tuple[str, ...] = ()
    """Redacted output of the steps that ran after the failing one (``if: failure()``
    diagnostics such as ``kubectl logs``): often the failing workload's own log."""
    earlier_failures: tuple[str, ...] = ()
    """Redacted names of steps before the failing one that failed too (``continue-on-error``):
    the later failure may follow from theirs."""
    secret_source: str | None = None
    """Where the runner said the job's secrets came from (``Actions``, ``Dependabot`` or
    ``None``, from its set-up section), when the log says."""

    def __str__(self) -> str:
        return self.text


def _norm(name: str) -> str:
    return " ".join(name.lower().split())


class _Step(NamedTuple):
    """A section of the log (a tuple: cheaper to build than a frozen dataclass)."""

    name: str
    command: str
    start: int
    end: int


def _steps(data: bytes, markers: list[Marker], cleanups: list[int]) -> list[_Step]:
    """Byte ranges of the log's sections, split at ``##[group]Run`` (and runner) markers.

    ``cleanups``: where the scan found the runner's ``Post job cleanup.``.
    """
    steps: list[_Step] = []
    begin, name, command = 0, "Set up job", ""
    for marker in markers:
        title = marker.title
        if (
            title.startswith("Run ")
            or not command
            or title.startswith(("Set up job", "Post ", "Complete job"))
        ):
            if marker.offset > begin or steps:
                steps.append(_Step(name, command, begin, marker.offset))
            begin, name = marker.offset, title
            command = title[4:].strip() if title.startswith("Run ") else ""
    # the runner's own "Post job cleanup." line (no group marker) ends the last step
    cleanup = _cleanup_line(data, begin, cleanups)
    if cleanup != -1:
        steps.append(_Step(name, command, begin, cleanup))
        begin, name, command = cleanup, "Post job cleanup", ""
    steps.append(_Step(name, command, begin, 0))
    return [s if s.end else _Step(s.name, s.command, s.start, len(data)) for s in steps]


def _cleanup_line(data: bytes, begin: int, cleanups: list[int]) -> int:
    """Offset of the line holding only the runner's ``Post job cleanup.`` after ``begin``.

    ``cleanups``: where each ``Post job cleanup.`` starts (the scan found them).
    """
    for at in cleanups:
        if at < begin:
            continue
        start = data.rfind(b"\n", 0, at) + 1
        prefix = data[start:at]
        # nothing before it but the runner's timestamp
        if len(prefix) <= 30 and (not prefix or prefix.endswith(b"Z ")):
            return start
    return -1


def _pick_step(
    steps: list[_Step], names: list[str], hits: list[tuple[int, str, str]], first_real: int | None
) -> _Step | None:
    """The failing step: by name, else the one the runner marked failed, else the first error's.

    A short name (``zizmor``) can also name the step that installed the tool; of several
    steps that match, the one with an error line (its ``##[error]`` at least) failed.
    ``first_real``: the offset of the first hit that is not the runner's exit mark.
    """
    wanted = [_norm(n) for n in names if n]
    offsets = [h[0] for h in hits]
    for name in wanted:
        for step in steps:
            if _norm(step.name) == name:
                return step
        matching = [
            step
            for step in steps
            if step.command and (name in _norm(step.name) or _norm(step.command)[:40] in name)
        ]
        if matching:
            failed = (s for s in matching if any(s.start <= h < s.end for h in offsets))
            return next(failed, matching[0])
    exits = [offset for offset, tool, _ in hits if tool == "exit"]
    if exits:  # the runner's own mark: the last step it said exited non-zero
        return _containing(steps, exits[-1])
    if first_real is not None:
        return _containing(steps, first_real)
    commands = [s for s in steps if s.command]
    return commands[-1] if commands else None


def _containing(steps: list[_Step], offset: int) -> _Step | None:
    for step in steps:
        if step.start <= offset < step.end:
            return step
    return None


def _hits(
    data: bytes, candidates: list[tuple[int, int]], captures: bool
) -> list[tuple[int, str, str]]:
    """(line offset, tool, cleaned line) for the candidate lines that are error lines.

    A line relayed by a wrapper (BuildKit, compose, turbo, pnpm) is classified without
    the wrapper's prefix too, so the error inside is found by its own tool's pattern.
    ``captures``: whether the log has a captured-output header at all (the scan says).
    """
    out: list[tuple[int, str, str]] = []
    for start, end in candidates:
        if end - start > 4000:
            continue
        line = clean_line(data[start:end].decode("utf-8", "replace"))
        tool = classify(line)
        inner = inner_line(line)
        if inner is not line and (tool is None or tool in ("error", "docker")):
            tool = classify(inner) or tool
        if tool == "clippy" and _under_warning(data, start):
            continue  # a lint's help line under a warning: clippy passed with warnings
        if tool is not None and tool != "exit" and captures and _captured(data, start):
            continue  # what a test printed, not the runner's verdict on it
        if tool is not None and _retried(data, end):
            continue  # the tool tried again; its last attempt, if it failed, says so
        if tool is not None:
            out.append((start, tool, line))
    return out


# a rustc/clippy diagnostic's first line, after the runner's timestamp if there is one
_DIAGNOSTIC_HEADER = re.compile(
    rb"^(?:\d{4}-\d\d-\d\dT[\d:.]+Z )?(warning|error)(?:\[\w+\])?: ", re.M
)
_LOOK_BACK = 3000


# a test runner's header over what one test printed (Vitest, Jest; the scan's
# CAPTURED_HINTS); its block ends at a blank line
_CAPTURED = re.compile(r"^(?:stdout|stderr) \| \S|^\s*console\.(?:log|error|warn|info|debug)$")


def _captured(data: bytes, offset: int) -> bool:
    """Whether the line at ``offset`` is output a test printed under its runner's header.

    Vitest and Jest show each test's console output under a header (``stderr | file >
    test``, ``console.error``) before their verdicts: a connection error a passing test
    logged there is not why the run failed; a failing test's own error is in its report.
    """
    window = data[max(0, offset - _LOOK_BACK) : offset]
    if not any(hint in window for hint in CAPTURED_HINTS):
        return False  # the common case, decided without decoding the window
    lines = clean_text(window.decode("utf-8", "replace")).split("\n")
    if lines and not lines[-1]:
        lines.pop()  # the window ends where the line at ``offset`` starts
    for line in reversed(lines):
        if not line.strip():
            return False
        if _CAPTURED.match(line):
            return True
    return False


# a tool's own notice that it will try again (curl ``--retry``): the failure before it was
# not the last word
_RETRY_NOTICE = re.compile(
    rb"Will retry in \d+ seconds?\b|\bRetrying in \d+(?:\.\d+)?\s*(?:ms|s|seconds?)\b"
)


def _retried(data: bytes, end: int) -> bool:
    """Whether the line after the one ending at ``end`` says the tool will try again."""
    following = data.find(b"\n", end + 1)
    stop = following if following != -1 else len(data)
    # both notices hold "etry": a literal find settles the common line before the regex
    return data.find(b"etry", end, stop) != -1 and _RETRY_NOTICE.search(data, end, stop) is not None


def _under_warning(data: bytes, offset: int) -> bool:
    """Whether the rustc/clippy diagnostic that the line at ``offset`` belongs to is a warning.

    A lint's ``= help: ... rust-clippy`` line follows warnings as well as errors; only the
    diagnostic's header, a few lines up, says which.
    """
    headers = _DIAGNOSTIC_HEADER.findall(data, max(0, offset - _LOOK_BACK), offset)
    return bool(headers) and headers[-1] == b"warning"


def _render(data: bytes, start: int, end: int) -> list[str]:
    out: list[str] = []
    for line in clean_text(data[start:end].decode("utf-8", "replace")).split("\n"):
        if line.startswith("##[group]") or line == "##[endgroup]":
            continue
        if out and out[-1] == line:
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


MAX_DIAGNOSTIC_STEPS, MAX_DIAGNOSTIC_LINES = 3, 80
# commands that print what a workload logged or how it fared (not another build step)
_DIAGNOSTIC = re.compile(
    r"\b(?:kubectl (?:logs|describe|get)|docker (?:compose )?logs|"
    r"journalctl|stern|helm (?:status|get)|argocd app (?:get|logs)|"
    r"(?:cat|tail|less) \S*log)"
)


def _diagnostics(
    data: bytes, steps: list[_Step], step: _Step | None, failed: list[str]
) -> list[str]:
    """The output of diagnostic steps after ``step`` that did not fail themselves.

    Such steps (``kubectl logs``, ``docker logs``, ...) ran under ``if: failure()`` and show
    the workload's own log; their command echo and env block are dropped.
    """
    if step is None:
        return []
    wanted = {_norm(n) for n in failed}
    later = [
        s
        for s in steps
        if s.start >= step.end and _DIAGNOSTIC.search(s.command) and _norm(s.name) not in wanted
    ][:MAX_DIAGNOSTIC_STEPS]
    out: list[str] = []
    for s in later:
        end = data.find(b"##[endgroup]", s.start, s.end)
        begin = s.start if end == -1 else end
        # the tail only: a step after the failure may print a lot
        body = _render(data, lines_before(data, s.end, MAX_DIAGNOSTIC_LINES + 1, begin), s.end)
        out += [line for line in body[-MAX_DIAGNOSTIC_LINES:] if line.strip()]
    return out


def excerpt_text(
    text: str,
    failed_steps: Iterable[str] = (),
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
    job_name: str = "",
    *,
    signed: bool = True,
) -> Excerpt:
    """The excerpt of a raw log.

    ``signed=False``: no signature (the findings never read it).
    """
    return _excerpt_text(text, failed_steps, budget_tokens, job_name, signed=signed)[0]


class _Read(NamedTuple):
    """What an excerpt reads from a whole log before the step and the budget matter.

    A pure function of the log's text: every excerpt of the same text (the pre-router's,
    the findings' smaller one) may share it. Read-only once built.
    """

    data: bytes
    steps: list[_Step]
    hits: list[tuple[int, str, str]]
    first_real: int | None
    """The offset of the first hit that is not the runner's exit mark."""
    source: str | None
    """The secret source the runner's set-up names."""


def _read_log(text: str) -> _Read:
    data = text.encode("utf-8", "replace")
    markers, candidates, captures, cleanups, secrets = scan(data)
    hits = _hits(data, candidates, captures)
    return _Read(
        data,
        _steps(data, markers, cleanups),
        hits,
        next((h[0] for h in hits if h[1] != "exit"), None),
        source_at(data, secrets),
    )


_SHARED: ContextVar[dict[int, tuple[str, _Read]] | None] = ContextVar(
    "healer_excerpt_reads", default=None
)
"""The reads of the current :func:`shared_reads` scope, by the id of the text they read."""


class _SharedReads:
    """The scope :func:`shared_reads` returns (a class: mypyc compiles it as one)."""

    def __init__(self) -> None:
        self._token: Token[dict[int, tuple[str, _Read]] | None] | None = None

    def __enter__(self) -> None:
        self._token = _SHARED.set({})

    def __exit__(self, *_exc: object) -> None:
        if self._token is not None:
            _SHARED.reset(self._token)
            self._token = None


def shared_reads() -> _SharedReads:
    """A scope in which excerpts of the same log text share its scan, steps and error lines.

    The dispatcher excerpts each failed job's log twice for one incident: the pre-router
    for its decision, the findings (a smaller budget) for the prompt. Both read the same
    ``str`` (the context redacted once), and the read is most of a small excerpt's cost.
    Within the scope (a context variable: one incident's task, not its neighbours') the
    read is kept by the text's identity, the text with it so the id cannot be reused, and
    dropped when the scope ends. Outside any scope nothing is kept. What each excerpt
    renders and redacts is its own: only the pure read of the text is shared.
    """
    return _SharedReads()


def _read(text: str) -> _Read:
    """The read of ``text``: the scope's when it has one, else made now."""
    memo = _SHARED.get()
    if memo is None:
        return _read_log(text)
    kept = memo.get(id(text))
    if kept is not None and kept[0] is text:
        return kept[1]
    read = _read_log(text)
    memo[id(text)] = (text, read)
    return read


def excerpt_text_with(
    text: str, also: Sequence[str], *, signed: bool = True
) -> tuple[Excerpt, tuple[str, ...]]:
    """:func:`excerpt_text`, and ``also`` (a caller's own lines) redacted in the same call.

    Redaction's cost per call is about what a few hundred characters cost: the pre-router
    has its context findings redacted with the excerpt instead of on their own.
    ``signed=False``: no signature (a pre-router without route memory never reads it).
    """
    return _excerpt_text(text, also=also, signed=signed)


def _excerpt_text(
    text: str,
    failed_steps: Iterable[str] = (),
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
    job_name: str = "",
    also: Sequence[str] = (),
    signed: bool = True,
) -> tuple[Excerpt, tuple[str, ...]]:
    names = list(failed_steps)
    data, steps, hits, first_real, source = _read(text)
    step = _pick_step(steps, names, hits, first_real)
    lo, hi = (step.start, step.end) if step else (0, len(data))
    inside = [h for h in hits if lo <= h[0] < hi]
    real = [h for h in inside if h[1] != "exit"]
    if not real and first_real is not None:
        # the named step shows only the exit code: the cause is where the first error is
        step = _containing(steps, first_real) or step
        lo, hi = (step.start, step.end) if step else (0, len(data))
        inside = [h for h in hits if lo <= h[0] < hi]
        real = [h for h in inside if h[1] != "exit"]
    real = real or inside
    name = step.name if step else None
    command = step.command if step else None
    earlier = _earlier_failures(steps, step, hits)
    if not real:  # no error pattern: the tail of the failing step is the best guess
        body = _render(data, lines_before(data, hi, 40, lo), hi)
        text_out, lines, more = _redacted(
            "\n".join(body),
            [name or "", command or "", *earlier, *_diagnostics(data, steps, step, names)],
            also,
        )
        name, command = lines[0] or name, lines[1] or command
        failed_before, diagnosed = lines[2 : 2 + len(earlier)], lines[2 + len(earlier) :]
        return built(
            Excerpt,
            {
                "job_name": job_name,
                "failing_step": name,
                "command": command,
                "error_lines": (),
                "tools": (),
                "text": text_out,
                "tokens": estimate_tokens(text_out),
                "signature": signature(body[-3:]) if signed else "",
                "diagnostics": diagnosed,
                "earlier_failures": failed_before,
                "secret_source": source,
            },
            _NO_ERRORS,
        ), more
    spans: list[tuple[int, int]] = []
    for offset, _tool, _line in real:
        start = lines_before(data, offset, BEFORE, lo)
        end = lines_after(data, offset, AFTER + 1, hi)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
        if len(spans) > MAX_WINDOWS:
            spans.pop()
            break
    chunks: list[str] = []
    used = 0
    for start, end in spans:
        block = "\n".join(_render(data, start, end))
        cost = estimate_tokens(block) + 2
        if chunks and used + cost > budget_tokens:
            break
        if not chunks and cost > budget_tokens:  # the first error alone is over budget
            block = block[: budget_tokens * 4]
            cost = budget_tokens
        chunks.append(block)
        used += cost
    diagnostics = _diagnostics(data, steps, step, names)
    count = min(20, len(real))
    text_out, lines, more = _redacted(
        "\n...\n".join(chunks),
        [name or "", command or "", *(h[2] for h in real[:20]), *earlier, *diagnostics],
        also,
    )
    name, command = lines[0] or name, lines[1] or command
    error_lines = lines[2 : 2 + count]
    failed_before = lines[2 + count : 2 + count + len(earlier)]
    diagnosed = lines[2 + count + len(earlier) :]
    tools = tuple(dict.fromkeys(h[1] for h in real))
    return built(
        Excerpt,
        {
            "job_name": job_name,
            "failing_step": name,
            "command": command,
            "error_lines": error_lines,
            "tools": tools,
            "text": text_out,
            "tokens": estimate_tokens(text_out),
            "signature": signature(error_lines) if signed else "",
            "diagnostics": diagnosed,
            "earlier_failures": failed_before,
            "secret_source": source,
        },
    ), more


_NO_ERRORS = ("error_lines", "tools")
"""The fields an excerpt without error lines leaves at their defaults."""


def _earlier_failures(
    steps: list[_Step], step: _Step | None, hits: list[tuple[int, str, str]]
) -> list[str]:
    """Names of the steps before ``step`` that the runner marked failed (their exit code)."""
    if step is None:
        return []
    names: list[str] = []
    for offset, tool, _line in hits:
        if tool != "exit" or offset >= step.start:
            continue
        before = _containing(steps, offset)
        if before is not None and before.name and before.name not in names:
            names.append(before.name)
    return names


_MARKER = "\n\x00\n"


def _redacted(
    text: str, lines: list[str], also: Sequence[str] = ()
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The text, the lines and ``also`` redacted in one call.

    Redaction works line by line; a marker line between the parts keeps one part's last
    line from reading as a name whose value is the next part's first. When a multi-line
    secret changes the line count or crosses a marker, each part is redacted on its own.
    """
    if also:
        parts = redact(_MARKER.join((text, "\n".join(lines), "\n".join(also)))).split(_MARKER)
        if len(parts) == 3:
            out, more = parts[1].split("\n"), parts[2].split("\n")
            if len(out) == len(lines) and len(more) == len(also):
                return parts[0], tuple(out), tuple(more)
        head, out_lines, _ = _redacted(text, lines)
        return head, out_lines, tuple(redact_lines(also))
    head, sep, tail = redact(text + _MARKER + "\n".join(lines)).partition(_MARKER)
    out = tail.split("\n") if sep else []
    if not sep or len(out) != len(lines):
        return redact(text), tuple(redact(line) for line in lines), ()
    return head, tuple(out), ()


def _has_real_error(part: Excerpt) -> bool:
    return any(not line.startswith("##[error]Process completed") for line in part.error_lines)


def excerpt(
    logs: Sequence[JobLog] | JobLog,
    failed_steps: Iterable[FailedStep] = (),
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
) -> Excerpt:
    """The excerpt over a job's log, or over several.

    The budget is shared; the job with the first real error comes first.
    """
    return excerpt_with(logs, failed_steps, budget_tokens)[0]


def excerpt_with(
    logs: Sequence[JobLog] | JobLog,
    failed_steps: Iterable[FailedStep] = (),
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
    also: Sequence[str] = (),
    *,
    signed: bool = True,
) -> tuple[Excerpt, tuple[str, ...]]:
    """:func:`excerpt`, and ``also`` redacted with the first job's excerpt.

    One redaction call instead of two; ``signed`` as :func:`excerpt_text_with` has it.
    """
    jobs = [logs] if isinstance(logs, JobLog) else list(logs)
    if not jobs:
        return Excerpt(), tuple(redact_lines(also))
    failed = list(failed_steps)
    parts = []
    more: tuple[str, ...] = ()
    for n, job in enumerate(jobs):
        names = [
            s.name
            for s in (*failed, *job.steps)
            if s.conclusion in ("failure", "timed_out")
            and (not s.job_name or s.job_name == job.job_name)
        ]
        part, redacted = _excerpt_text(
            job.text, names, budget_tokens, job.job_name, () if n else also, signed
        )
        parts.append(part)
        if n == 0:
            more = redacted
    parts.sort(key=lambda e: not _has_real_error(e))
    if len(parts) == 1:
        return parts[0], more
    share = max(500, budget_tokens // len(parts))
    merged = [
        p if p.tokens <= share else p.model_copy(update={"text": p.text[: share * 4]})
        for p in parts
    ]
    first = merged[0]
    text = "\n\n".join(f"### job {p.job_name}\n{p.text}" for p in merged if p.text)
    lines = tuple(line for p in merged for line in p.error_lines)
    return first.model_copy(
        update={
            "text": text,
            "tokens": estimate_tokens(text),
            "error_lines": lines,
            "tools": tuple(dict.fromkeys(t for p in merged for t in p.tools)),
            "signature": signature(lines) if lines and signed else first.signature,
            "diagnostics": tuple(line for p in merged for line in p.diagnostics),
            "earlier_failures": tuple(n for p in merged for n in p.earlier_failures),
        }
    ), more
