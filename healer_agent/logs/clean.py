"""Cleaning GitHub Actions logs and splitting them into steps (pure).

The runner prefixes every line with an ISO timestamp, tools colour their output with ANSI
escapes, and each ``run:`` step starts with ``##[group]Run <command>``. Cleaning keeps the
group markers (they delimit steps) and drops what only adds noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TIMESTAMP_SOURCE = r"^\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?"
_TIMESTAMP = re.compile(_TIMESTAMP_SOURCE)
# a timestamp after a newline: the literal first character lets the regex engine skip to
# each newline instead of trying every position, as a multi-line ``^`` has it do
_NEWLINE_TIMESTAMPS = re.compile("\n" + _TIMESTAMP_SOURCE.removeprefix("^"))
# twins for ASCII text (a runner's log nearly always): there ``\d`` matches what it matches
# in Unicode mode, tested without a call into the Unicode tables per character
_TIMESTAMP_ASCII = re.compile(_TIMESTAMP_SOURCE, re.ASCII)
_NEWLINE_TIMESTAMPS_ASCII = re.compile(_NEWLINE_TIMESTAMPS.pattern, re.ASCII)
_TRAILING_CR = re.compile(r"\r+$", re.MULTILINE)
# Output a wrapper relays carries the wrapper's prefix: GitHub's annotation marker
# (``##[error]``), BuildKit's step and time
# (``#12 3.456 ``), docker compose's service (``web-1  | ``), turbo's task
# (``web:build: ``), pnpm's recursive runs (``packages/web build: ``).
_PREFIX = re.compile(
    r"^(?:##\[(?:error|warning)\] *|#\d+ \d+(?:\.\d+)? |[\w.-]+-\d+\s+\| |"
    r"[\w@][\w@.-]*(?:/[\w.-]+)?:[a-z][\w:-]*: |"
    r"(?:\.?/?[\w@.-]+/)+[\w@.-]+ [\w:-]+(?:\$|:) )"
)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# the same characters for bytes.translate, which deletes them from ASCII text in one C
# loop over a 256-entry table (the regex engine tests a character class at each position)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_GROUP = re.compile(r"^##\[group\](.*)$")
_ENDGROUP = "##[endgroup]"
_SETUP_NAMES = ("Set up job", "Complete job", "Post ", "Cleaning up orphan processes")


def clean_line(line: str) -> str:
    """One line without its timestamp, colours and control characters."""
    line = line.rstrip("\r")
    if line[:1].isdigit() or line[:1] == "\ufeff":
        stamp = (_TIMESTAMP_ASCII if line.isascii() else _TIMESTAMP).match(line)
        if stamp is not None:
            line = line[stamp.end() :]
    if "\x1b" in line:
        line = _ANSI.sub("", line)
    return line if line.isprintable() else _CONTROL.sub("", line)


def clean_text(text: str) -> str:
    """A block of lines cleaned like :func:`clean_line`, in a few passes over the block."""
    if "\r" in text:
        text = _TRAILING_CR.sub("", text)
    # every line's timestamp: the first line's, then those after a newline (a timestamp
    # never spans a newline, so this removes what a multi-line ``^`` pattern removes)
    ascii_only = text.isascii()
    first = (_TIMESTAMP_ASCII if ascii_only else _TIMESTAMP).match(text)
    if first is not None:
        text = text[first.end() :]
    text = (_NEWLINE_TIMESTAMPS_ASCII if ascii_only else _NEWLINE_TIMESTAMPS).sub("\n", text)
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if text.isascii():
        data = text.encode("ascii")
        kept = data.translate(None, _CONTROL_BYTES)
        return text if len(kept) == len(data) else kept.decode("ascii")
    return _CONTROL.sub("", text)


def inner_line(line: str) -> str:
    """The line without a wrapper's prefix (itself when it has none)."""
    if not _maybe_prefixed(line):
        return line
    match = _PREFIX.match(line)
    return line[match.end() :] if match else line


def _maybe_prefixed(line: str) -> bool:
    """Whether :data:`_PREFIX` may match: a cheap test of what each of its forms needs.

    The regex tries its five forms at the line's start (~0.8 µs even on a line that has
    none). A marker or BuildKit's step opens with ``#``, compose's service holds ``| ``; a
    task's (``web:build: ``) and a package path's (``packages/web build: ``) prefix end at
    the line's first space, the task's word holding two colons, the path a slash.
    """
    if line[:1] == "#" or "| " in line:
        return True
    space = line.find(" ")
    head = line if space == -1 else line[:space]
    return "/" in head or (head.endswith(":") and head.count(":") >= 2)


def clean_lines(text: str) -> list[str]:
    """Every line of a raw log, cleaned."""
    return [clean_line(line) for line in text.split("\n")]


@dataclass
class Step:
    """A slice of the log: a ``run:`` step (``command`` set) or a runner section."""

    name: str
    command: str = ""
    start: int = 0
    end: int = 0
    lines: list[str] = field(default_factory=list)


def split_steps(lines: list[str]) -> list[Step]:
    """Split cleaned lines at ``##[group]Run …`` markers.

    A ``Run`` group's first line is the command; the env block the runner prints inside
    the group is part of the step's header, and the output follows ``##[endgroup]``.
    Other groups (``Set up job``, ``Post …``) become their own sections.
    """
    steps: list[Step] = [Step(name="Set up job")]
    for index, line in enumerate(lines):
        match = _GROUP.match(line)
        if match:
            title = match.group(1).strip()
            if title.startswith("Run ") or not steps[-1].command or title.startswith(_SETUP_NAMES):
                steps[-1].end = index
                command = title[4:].strip() if title.startswith("Run ") else ""
                steps.append(Step(name=title, command=command, start=index))
        steps[-1].lines.append(line)
    steps[-1].end = len(lines)
    return [s for s in steps if s.lines]


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower())


def find_failing_step(
    steps: list[Step], failed_step_names: list[str], error_index: int | None = None
) -> Step | None:
    """The step that failed.

    By the job's ``steps[]`` name, else the step holding the first real error, else the
    last step with a command.
    """
    wanted = [_norm(n) for n in failed_step_names if n]
    for name in wanted:
        for step in steps:
            if _norm(step.name) == name or (step.command and name == _norm(f"Run {step.command}")):
                return step
        for step in steps:
            if step.command and (name in _norm(step.name) or _norm(step.command)[:40] in name):
                return step
    if error_index is not None:
        for step in steps:
            if step.start <= error_index < max(step.end, step.start + len(step.lines)):
                return step
    commands = [s for s in steps if s.command]
    return commands[-1] if commands else None
