"""A fast first pass over a whole log: where the steps start and which lines may be errors.

Logs reach 50 MB; a Python loop over every line, or ``re`` with a large alternation, runs
at a few MB/s. The scan works on bytes with RE2 (a DFA, hundreds of MB/s): one pass finds
the step markers and the lines holding the trigger vocabulary that every error detector's
lines contain, resuming at the next line after each hit; only the few candidate lines are
decoded and classified precisely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

try:  # google-re2: linear-time, DFA-based; same syntax for this pattern
    import re2 as _re2
except ImportError:  # pragma: no cover - fall back to the stdlib on platforms without wheels
    _re2 = None

# Every detector in errors.py matches only lines containing one of these.
TRIGGER_SOURCE = (
    r"rror|ERR|FAIL|[Ff]ail|[Ff]atal|panicked|CONFLICT|[Cc]onflict|Diff in|rejected|"
    r"[Dd]enied|Killed|[Vv]ulnerab|RUSTSEC|Crate:|problems?|[Ii]nvalid|OutOfSync|Degraded|"
    r"Missing|[Ss]ync|timed out|shutdown signal|exit code|DL[0-9]{4}|SC[0-9]{4}|unknown field|"
    r"[Cc]ould not|[Cc]annot|[Uu]nable|\xe2\x9c\x96|\xc3\x97|\xe2\x9c\x97|\xe2\x9d\xaf|"
    r"canceled|lost communication|space left|out of memory|Temporary failure|Connection|"
    r"Module not|[Pp]ermission|401|403|Unauthorized|Forbidden|unauthorized|[Tt]raceback|"
    r"Bad credentials|not accessible|no matching|no matches|strict decoding|test result|"
    r"---- |failures:|\[vite\]|\.ya?ml:[0-9]+:[0-9]+: |vulnerabilit|[Ss]everity|npm audit|"
    r"YN[0-9]{4}|clippy|hint: |Crate|ComparisonError|health is|Automatic merge|Updates were|"
    r"Could not resolve|Build failed|did not complete|ERROR|curl: |connect to|not ok |# fail |"
    r"ERR_|find module|level=error|level=fatal|Docker daemon|Potential secrets|ECONN|EAI_AGAIN|"
    r"ETIMEDOUT|ENOTFOUND|connection to the server|Unable to connect|\*\*\* |SIGKILL|"
    r"PUSH PROTECTION|mark-compacts|required|rate limit|FATA\[|PANI\["
)
_TRIGGER: Any = (
    _re2.compile(TRIGGER_SOURCE.encode())
    if _re2 is not None
    else re.compile(TRIGGER_SOURCE.encode())
)
GROUP = b"##[group]"
MAX_CANDIDATES = 5000
_SCAN_SOURCE = rb"##\[group\]|" + TRIGGER_SOURCE.encode()
_SCAN: Any = _re2.compile(_SCAN_SOURCE) if _re2 is not None else re.compile(_SCAN_SOURCE)


def _first_at(data: bytes, at: int) -> int:
    """Offset of the first trigger or marker at or after ``at`` (-1: none)."""
    match = _SCAN.search(data, at)
    return -1 if match is None else int(match.start())


def _raw_first_at() -> Any:
    """RE2's own match call (no match object per hit) when this re2 build exposes it."""
    inner = getattr(_SCAN, "_regexp", None)
    anchor = getattr(getattr(_re2, "_Anchor", None), "UNANCHORED", None)
    if inner is None or anchor is None or not hasattr(inner, "Match"):
        return _first_at

    def first_at(data: bytes, at: int) -> int:
        return int(inner.Match(anchor, data, at, len(data))[0][0])

    try:
        if first_at(b"x ##[group]y", 0) != 2:
            return _first_at
    except Exception:  # an re2 build whose internals differ: the public API
        return _first_at
    return first_at


_FIRST_AT = _raw_first_at()


@dataclass(frozen=True, slots=True)
class Marker:
    """A ``##[group]`` line: its byte offset and title."""

    offset: int
    title: str


def line_at(data: bytes, pos: int) -> tuple[int, int]:
    """Start and end (exclusive, without the newline) of the line holding ``pos``."""
    start = data.rfind(b"\n", 0, pos) + 1
    end = data.find(b"\n", pos)
    return start, (len(data) if end == -1 else end)


def scan(data: bytes) -> tuple[list[Marker], list[tuple[int, int]]]:
    """Step markers and candidate error lines in one pass over the log."""
    markers: list[Marker] = []
    found: list[tuple[int, int]] = []
    first_at = _FIRST_AT
    at, size = 0, len(data)
    while at < size:
        pos = first_at(data, at)  # resumes at the next line: one call per hit line
        if pos < 0:
            break
        start, end = line_at(data, pos)
        at = end + 1
        if data.startswith(GROUP, pos):
            title = data[pos + len(GROUP) : end].decode("utf-8", "replace").strip()
            markers.append(Marker(start, title))
        elif len(found) < MAX_CANDIDATES:
            found.append((start, end))
    return markers, found


def candidate_lines(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of lines in ``data[start:end]`` that contain a trigger, in order."""
    stop = len(data) if end is None else end
    found: list[tuple[int, int]] = []
    last = -1
    for match in _TRIGGER.finditer(data, start, stop):
        pos = match.start()
        if pos < last:
            continue
        line = line_at(data, pos)
        found.append(line)
        last = line[1] + 1
        if len(found) >= MAX_CANDIDATES:
            break
    return found


def lines_before(data: bytes, offset: int, count: int, floor: int = 0) -> int:
    """The offset ``count`` lines above the line starting at ``offset``."""
    pos = offset
    for _ in range(count):
        if pos <= floor:
            return floor
        pos = data.rfind(b"\n", 0, pos - 1) + 1
    return max(pos, floor)


def lines_after(data: bytes, offset: int, count: int, ceiling: int) -> int:
    """The offset just past ``count`` lines starting at ``offset``."""
    pos = offset
    for _ in range(count):
        nxt = data.find(b"\n", pos)
        if nxt == -1 or nxt >= ceiling:
            return ceiling
        pos = nxt + 1
    return min(pos, ceiling)
