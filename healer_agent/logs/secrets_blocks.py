r"""Private keys as multi-line blocks, found by their markers *and* by their body.

An excerpt window can start in the middle of a key, so the ``BEGIN`` line is not a
reliable anchor. A key body is a run of lines of base64 key material: PEM and PGP wrap at
64 characters, OpenSSH at 70, PuTTY at 64, MIME tools at 76. A block is redacted when

* it sits between ``BEGIN … PRIVATE KEY`` and its ``END`` (detect-secrets' private-key
  plugin markers, plus PGP armor headers, ``SSH2 ENCRYPTED`` and PuTTY's
  ``Private-Lines``/``Private-MAC``), or
* a run of body lines touches a private marker (the window cut one side off), or
* a run has two or more full-width lines, or one full-width line of 64 or 70 characters
  with upper case, lower case and digits (a window cut both sides off),

unless the run belongs to a public block (``CERTIFICATE``, ``PUBLIC KEY``). A run ends
with at most one shorter line (the last line of a body). Log prefixes (timestamps,
indentation, YAML ``|`` blocks, quotes, ``\n`` escapes) do not break a line's shape.
A key written on one line with ``\n`` escapes (service-account JSON) is cut from BEGIN
to END, or from the first body piece to END when BEGIN is missing.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from healer_agent.logs.patternset import span_search

try:
    import re2 as _re2
except ImportError:  # pragma: no cover - the stdlib finds the same lines, slower
    _re2 = None

KIND = "private-key"
MAX_BLOCK = 16_000  # an 8192-bit RSA key in PEM is about 6.5 KB
# What may precede key material on a line: a timestamp, a source label ending in ``|`` or
# ``]`` (``api-1  | ``, ``[pod/api/app] ``), indentation, a quote or a list/diff marker.
_PREFIX = (
    r"(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z[ \t]?)?"
    r"(?:[^\n|\]]{1,60}[|\]][ \t]+)?[ \t]*"
    r"(?:[|>#+][ \t]+|-[ \t]*|[\"'][ \t]*)?"
)
_SUFFIX = r"(?:\\r)?(?:\\n)?[\"',]?[ \t]*(?:[+,;)\]][ \t]*)?\r?$"
# A full-width body line, a PGP armor checksum line (``=AbCd``, the last before END), or
# a body flattened into one line: chunks joined by ``\n`` escapes (JSON) or by spaces
# (``echo $KEY`` unquoted).
_FULL_SOURCE = (
    r"(?m)(?:^"
    + _PREFIX
    + r"(?:(=?[A-Za-z0-9+/]{60,100}={0,2})|=[A-Za-z0-9+/]{4})"
    + _SUFFIX
    + r")|(?P<flat>(?:[A-Za-z0-9+/]{60,76}(?:\\\\?[rn]|[ \t])+){2,}"
    r"[A-Za-z0-9+/]*={0,2})"
)
_FULL_LINE: Any = _re2.compile(_FULL_SOURCE) if _re2 is not None else re.compile(_FULL_SOURCE)
# whether a text holds any such line, asked of its UTF-8 (what _FULL_LINE searches) first
_FULL_LINE_AT: Any = span_search(_re2.compile(_FULL_SOURCE.encode())) if _re2 is not None else None
_ONLY_PREFIX = re.compile(_PREFIX)
_BODY = re.compile(r"^" + _PREFIX + r"(=?[A-Za-z0-9+/]{4,100}={0,2})" + _SUFFIX)
_PRIVATE_BEGIN = re.compile(
    r"-{4,5}[ ]?BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?[ ]?-{4,5}|PuTTY-User-Key-File-\d|"
    r"Private-Lines:\s*\d+"
)
_PRIVATE_END = re.compile(
    r"-{4,5}[ ]?END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?[ ]?-{4,5}|"
    r"Private-MAC:\s*[0-9a-fA-F]+"
)
_PUBLIC_BEGIN = re.compile(r"-----BEGIN (?![A-Z0-9 ]*PRIVATE)[A-Z0-9 ]+-----")
_ESCAPED_BEGIN = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:\\\\?[rn]|[A-Za-z0-9+/=:, \t]|-(?!----))*"
    r"(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)?"
)
_ESCAPED_END = re.compile(
    r"(?:[A-Za-z0-9+/=]+(?:\\\\?[rn]|[ \t])+)+-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
)
# PEM/PGP/PuTTY header lines that may sit between BEGIN and the body.
_HEADER = re.compile(
    r"^\s*(?:\d{4}-\d\d-\d\dT[\d:.]+Z\s*)?(?:Proc-Type|DEK-Info|Version|"
    r"Comment|Hash|Charset|Encryption|Key-Derivation|Argon2-\w+|Public-Lines|"
    r"Private-Lines):"
)


def _next_bounds(text: str, end: int) -> tuple[int, int] | None:
    """Bounds of the line after the one ending at ``end`` (None at the end of text)."""
    if end >= len(text):
        return None
    start = end + 1
    stop = text.find("\n", start)
    return start, len(text) if stop == -1 else stop


def _prev_bounds(text: str, start: int) -> tuple[int, int] | None:
    if start == 0:
        return None
    stop = start - 1
    return text.rfind("\n", 0, stop) + 1, stop


def _line_before(text: str, start: int) -> str:
    """The line before ``start``, past armor headers and blank lines (at most 6)."""
    line = ""
    for _ in range(6):
        prev = _prev_bounds(text, start)
        if prev is None:
            return ""
        start = prev[0]
        line = text[prev[0] : prev[1]]
        if line.strip() and not _HEADER.match(line):
            return line
    return line


def _body(line: str) -> str | None:
    m = _BODY.match(line)
    return m.group(1) if m else None


def _full(body: str) -> bool:
    return len(body.strip("=")) >= 60


def _keyish(body: str) -> bool:
    """One full line of key material: width 64 (PEM, PGP, PuTTY), 70 (OpenSSH), 76 (MIME).

    Upper case, lower case and digits all appear in 64 random base64 characters.
    """
    core = body.rstrip("=")
    return (
        len(body) in (64, 70, 76)
        and any(c.isupper() for c in core)
        and any(c.islower() for c in core)
        and any(c.isdigit() for c in core)
    )


def _forward(text: str, start: int, end: int, *, headers: bool) -> int:
    """Extend a block over the body lines (and armor headers) after ``text[start:end]``."""
    last_full = True
    while last_full:
        nxt = _next_bounds(text, end)
        if nxt is None:
            break
        line = text[nxt[0] : nxt[1]]
        if headers and (_HEADER.match(line) or not line.strip()):
            end = nxt[1]
            continue
        headers = False
        body = _body(line)
        if body is None or _PRIVATE_BEGIN.search(line):
            break
        last_full = _full(body)
        if not last_full and not _tail(body):
            break
        end = nxt[1]
    return end


def _tail(body: str) -> bool:
    """A short last line of key material (padding, digits and letters, ``+``/``/``).

    Not a word such as ``Done`` that happens to follow a key in a log.
    """
    return (
        body.endswith("=")
        or "+" in body
        or "/" in body
        or (any(c.isdigit() for c in body) and any(c.isalpha() for c in body))
    )


def _backward(text: str, start: int) -> int:
    """Extend a block over the body lines before ``start`` (a window cut the BEGIN off)."""
    while True:
        prev = _prev_bounds(text, start)
        if prev is None:
            break
        line = text[prev[0] : prev[1]]
        if _body(line) is None and not _HEADER.match(line):
            break
        start = prev[0]
    return start


def _line_of(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


_MARKER_WORDS = ("PRIVATE KEY", "PuTTY-User-Key", "Private-Lines", "Private-MAC")


def _marker_lines(text: str) -> list[tuple[int, int]]:
    """Lines holding a private-key marker word (found with ``str.find``, no regex)."""
    lines: set[tuple[int, int]] = set()
    for word in _MARKER_WORDS:
        pos = text.find(word)
        while pos != -1:
            start, end = _line_of(text, pos)
            lines.add((start, end))
            pos = text.find(word, end)
    return sorted(lines)


def find_blocks(text: str) -> list[tuple[int, int, str]]:
    """Spans of private-key blocks or body fragments in ``text``."""
    spans: list[tuple[int, int, str]] = []
    marker_lines = _marker_lines(text)
    begins = [m for start, end in marker_lines for m in _PRIVATE_BEGIN.finditer(text, start, end)]
    ends = [m.end() for start, end in marker_lines for m in _PRIVATE_END.finditer(text, start, end)]
    for i, m in enumerate(begins):
        # BEGIN … END: the first END after this BEGIN and before the next BEGIN
        j = bisect.bisect_left(ends, m.end())
        limit = begins[i + 1].start() if i + 1 < len(begins) else len(text)
        if j < len(ends) and ends[j] <= limit and ends[j] - m.start() <= MAX_BLOCK:
            spans.append((m.start(), ends[j], KIND))
    for start, end in marker_lines:
        for m in _PRIVATE_BEGIN.finditer(text, start, end):
            alone = not text[m.end() : end].strip()  # else a one-line form, cut below
            spans.append(
                (m.start(), _forward(text, start, end, headers=True) if alone else m.end(), KIND)
            )
        for m in _PRIVATE_END.finditer(text, start, end):
            alone = _ONLY_PREFIX.fullmatch(text, start, m.start()) is not None
            spans.append((_backward(text, start) if alone else m.start(), m.end(), KIND))
        if text[start:end].strip().count(" ") > 2 or "\\n" in text[start:end]:
            # one-line forms: escaped newlines (JSON) or an unquoted echo of a key
            for pattern in (_ESCAPED_BEGIN, _ESCAPED_END):
                spans.extend((m.start(), m.end(), KIND) for m in pattern.finditer(text, start, end))
    run_start = run_end = -2
    run: list[str] = []

    def close() -> None:
        if not run:
            return
        if _PUBLIC_BEGIN.search(_line_before(text, run_start)):
            return  # a certificate, public key or signature
        if len(run) >= 2 or _keyish(run[0]):
            spans.append((run_start, _forward(text, run_start, run_end, headers=False), KIND))

    if _FULL_LINE_AT is not None:
        data = text.encode()
        if _FULL_LINE_AT(data, 0, len(data)) is None:  # the common case: no key body
            return spans
    for m in _FULL_LINE.finditer(text):
        flat = m.group("flat")
        if flat is not None:
            if any(c.isupper() for c in flat) and any(c.islower() for c in flat):
                spans.append((m.start(), m.end(), KIND))  # not two hex digests
            continue
        if m.group(1) is None:  # checksum: the body lines above it are a key's
            start = _backward(text, m.start())
            if start < m.start() and not _PUBLIC_BEGIN.search(_line_before(text, start)):
                spans.append((start, m.end(), KIND))
            continue
        if m.start() == run_end + 1:
            run.append(m.group(1))
            run_end = m.end()
            continue
        close()
        run, run_start, run_end = [m.group(1)], m.start(), m.end()
    close()
    return spans
