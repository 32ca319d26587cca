"""A fast first pass over a whole log: where the steps start and which lines may be errors.

Logs reach 50 MB; a Python loop over every line, or ``re`` with a large alternation, runs
at a few MB/s. The scan works on bytes: one pass finds the step markers and the lines
holding the trigger vocabulary that every error detector's lines contain; only the few
candidate lines are decoded and classified precisely. Hyperscan (SIMD literal matching,
GB/s) makes the pass where its wheel exists; elsewhere RE2 (a DFA, hundreds of MB/s) does,
resuming at the next line after each hit. Both file the same lines, and both say whether a
test runner's captured-output header appears anywhere (Hyperscan in the same pass), so the
excerpt looks back for one only in logs that have one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from healer_agent.logs.setup import MARK

try:  # google-re2: linear-time, DFA-based; same syntax for this pattern
    import re2 as _re2
except ImportError:  # pragma: no cover - fall back to the stdlib on platforms without wheels
    _re2 = None
_hs: Any
try:  # Hyperscan: SIMD literal matching, several times RE2's speed on this vocabulary
    import hyperscan

    _hs = hyperscan
except ImportError:  # pragma: no cover - no wheel for this platform: RE2 alone
    _hs = None

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
    r"PUSH PROTECTION|leaks found|protection rules|UNAUTHORIZED|DENIED|mark-compacts|required|"
    r"rate limit|FATA\[|PANI\[|not a git command|"
    r"too many warnings|command not found|node down|TLS handshake|no such host|unreachable|"
    r"No route to host|HOSTUNREACH|SOCKETTIMEDOUT|hang up|Bad Gateway|Service Unavailable|"
    r"Gateway Time|killed by signal|from HTTP 5|Name or service|exit successfully|"
    r"complete successfully|response code|GraphQL|HTTP 5|active Endpoint|endpoints available|"
    r"acquired by Runner|runner encountered|runners online|maximum execution time|git-lfs|"
    r"did not find expected|while parsing a|mapping values|cannot start any token|::\$|"
    r"Timeout was reached|UnknownHost|Hash Sum|indicate success|other side closed|code 137|"
    r"status 137|child process|crashed while|Exception in thread|Caused by: |\.java:|\.kt:|"
    r"trouble configuring|Unexpected EOF|unexpected end of file|gzip format|pkg-config|"
    r"OpenSSL installation|cannot find -l|linker `|open files|EMFILE|already in use|EADDRINUSE|"
    r"temporarily unavailable|new thread|Wrote only| findings|batch response|"
    r"signal: [\x27\"]SIG|\", rule [0-9]|documentation_url|did NOT match|"
    r"[Mm]alware|typosquat|[Mm]alicious|osv\.dev/|panic: |"
    r"\": (?:dial tcp|context deadline|net/http: |read tcp|write tcp|EOF|tls: |x509: )"
)


def _compile(source: bytes) -> Any:
    """A bytes pattern whose byte escapes are bytes (the UTF-8 of the test runners' marks).

    RE2 reads a pattern as UTF-8 by default, where the escape for byte E2 means the code
    point U+00E2 and never matches the first byte of a heavy multiplication x; Latin-1 mode
    matches byte for byte, as ``re`` and Hyperscan do.
    """
    if _re2 is None:
        return re.compile(source)
    options = _re2.Options()
    options.encoding = _re2.Options.Encoding.LATIN1
    return _re2.compile(source, options)


# a test runner's header over what one test printed (Vitest, Jest)
CAPTURED_HINTS = (b"stdout | ", b"stderr | ", b"console.")
_CAPTURED_SOURCE = rb"stdout \| |stderr \| |console\."

# the runner's own line that ends a job's last step (no group marker); the excerpt reads
# where its occurrences start from the scan instead of searching the log again
CLEANUP = b"Post job cleanup."
_CLEANUP_SOURCE = rb"Post job cleanup\."

# the runner's set-up line that names the job's secret source (``setup`` reads its value)
SECRET_MARK = MARK
_SECRET_SOURCE = re.escape(MARK)

_TRIGGER: Any = _compile(TRIGGER_SOURCE.encode())
GROUP = b"##[group]"
MAX_CANDIDATES = 5000
_SCAN_SOURCE = rb"##\[group\]|" + TRIGGER_SOURCE.encode()
_SCAN: Any = _compile(_SCAN_SOURCE)


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


class Scan(NamedTuple):
    """What one pass over a log found."""

    markers: list[Marker]
    candidates: list[tuple[int, int]]
    """(start, end) of every line holding a trigger, in order."""
    captured: bool
    """Whether a test runner's captured-output header (:data:`CAPTURED_HINTS`) appears."""
    cleanups: list[int]
    """Where each :data:`CLEANUP` starts, in order."""
    secret_source: int
    """Where the runner's first ``Secret source: `` line's mark starts (-1: none)."""


def _has_captured(data: bytes) -> bool:
    return any(hint in data for hint in CAPTURED_HINTS)


def _cleanups(data: bytes) -> list[int]:
    found: list[int] = []
    at = data.find(CLEANUP)
    while at != -1:
        found.append(at)
        at = data.find(CLEANUP, at + len(CLEANUP))
    return found


def line_at(data: bytes, pos: int) -> tuple[int, int]:
    """Start and end (exclusive, without the newline) of the line holding ``pos``."""
    start = data.rfind(b"\n", 0, pos) + 1
    end = data.find(b"\n", pos)
    return start, (len(data) if end == -1 else end)


def scan(data: bytes) -> Scan:
    """Step markers and candidate error lines in one pass over the log."""
    if _HS_DB is not None:
        return scan_hyperscan(data)
    return scan_re2(data)


def scan_re2(data: bytes) -> Scan:
    """:func:`scan` with RE2 (or ``re``): one search per hit line."""
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
        _add(data, pos, start, end, markers, found)
    return Scan(markers, found, _has_captured(data), _cleanups(data), data.find(SECRET_MARK))


def _add(
    data: bytes,
    pos: int,
    start: int,
    end: int,
    markers: list[Marker],
    found: list[tuple[int, int]],
) -> None:
    """File the line whose first trigger or marker is at ``pos``."""
    at = pos if data.startswith(GROUP, pos) else _group_at(data, start, end)
    if at != -1:
        title = data[at + len(GROUP) : end].decode("utf-8", "replace").strip()
        markers.append(Marker(start, title))
    elif len(found) < MAX_CANDIDATES:
        found.append((start, end))


_STAMPED = 40
"""How far into a line a marker may start: after the runner's timestamp (29 bytes)."""


def _group_at(data: bytes, start: int, end: int) -> int:
    """Where the line's ``##[group]`` marker starts, else -1.

    A marker opens its line, after the runner's timestamp if there is one. A trigger may
    match inside that timestamp (``401`` in ``35.8140150Z``) and end before the marker
    does, so the line's first match does not say whether it is one.
    """
    at = data.find(GROUP, start, min(end, start + _STAMPED))
    if at > start and data[at - 2 : at] != b"Z ":  # the timestamp's end
        return -1
    return at


def _hyperscan_db() -> Any:
    """The scan vocabulary compiled for Hyperscan (None without it, or if it refuses)."""
    if _hs is None:
        return None
    try:
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        # the captured-output header: one report at most (id 1), not one per occurrence;
        # the runner's cleanup line: every one (id 2); the runner's secret source: its
        # first (id 3)
        db.compile(
            expressions=[_SCAN_SOURCE, _CAPTURED_SOURCE, _CLEANUP_SOURCE, _SECRET_SOURCE],
            ids=[0, 1, 2, 3],
            elements=4,
            flags=[0, _hs.HS_FLAG_SINGLEMATCH, 0, _hs.HS_FLAG_SINGLEMATCH],
        )
    except Exception:  # a build that rejects the pattern: RE2 does the scan
        return None
    return db


_HS_DB: Any = _hyperscan_db()


def _hs_lines(data: bytes) -> tuple[list[tuple[int, int, int]], bool, list[int], int]:
    """Every line holding a trigger or marker, any header, cleanup and secret source.

    The second item says whether a captured-output header appears, the third where each
    :data:`CLEANUP` starts, the fourth where the first :data:`SECRET_MARK` starts (-1: none).

    A line is (start, end, end of its first match). One Hyperscan pass: matches arrive in
    order of their end offset and never span a newline, so a match ending past the current
    line opens the next hit line.
    """
    lines: list[tuple[int, int, int]] = []
    cleanups: list[int] = []
    bound = -1
    captured = False
    secrets = -1
    find, rfind, size = data.find, data.rfind, len(data)
    cleanup = len(CLEANUP)

    def on_match(id_: int, _start: int, end: int, _flags: int, _context: object) -> bool:
        # called per match: line_at inlined
        nonlocal bound, captured, secrets
        if id_:
            if id_ == 1:
                captured = True
            elif id_ == 2:
                cleanups.append(end - cleanup)
            else:
                secrets = end - len(SECRET_MARK)
        elif end > bound:
            stop = find(b"\n", end - 1)
            stop = size if stop == -1 else stop
            lines.append((rfind(b"\n", 0, end - 1) + 1, stop, end))
            bound = stop
        return False  # keep scanning

    if data:
        _HS_DB.scan(data, match_event_handler=on_match)
    return lines, captured, cleanups, secrets


HYPERSCAN = _HS_DB is not None
"""Whether the fast engine is in use here."""


def scan_hyperscan(data: bytes) -> Scan:
    """:func:`scan` with Hyperscan, filing lines as :func:`scan_re2` does.

    A hit line is a marker when ``##[group]`` opens it (after a timestamp): its first-ending
    match, unless a trigger matched inside the timestamp first (the engines' agreement is
    tested on every case log).
    """
    if _HS_DB is None:
        raise RuntimeError("Hyperscan is not available here")
    markers: list[Marker] = []
    found: list[tuple[int, int]] = []
    size = len(GROUP)
    lines, captured, cleanups, secrets = _hs_lines(data)
    for start, end, first_end in lines:
        pos = first_end - size
        if pos < start:
            pos = start
        if not data.startswith(GROUP, pos):  # _add, inlined (once per hit line)
            pos = _group_at(data, start, end)
        if pos != -1:
            title = data[pos + size : end].decode("utf-8", "replace").strip()
            markers.append(Marker(start, title))
        elif len(found) < MAX_CANDIDATES:
            found.append((start, end))
    return Scan(markers, found, captured, cleanups, secrets)


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
    """The offset just past ``count`` lines starting at ``offset`` (``ceiling`` at most).

    One match of ``count`` lines ending in a newline, below ``ceiling``, instead of one
    search per line.
    """
    if offset >= ceiling or not count:
        return min(offset, ceiling)
    pattern = _LINES.get(count)
    if pattern is None:
        pattern = _LINES[count] = re.compile(rb"(?:[^\n]*\n){%d}" % count)
    found = pattern.match(data, offset, ceiling)
    return ceiling if found is None else found.end()


_LINES: dict[int, re.Pattern[bytes]] = {}
"""``count`` lines, each ending in a newline, by ``count``."""
