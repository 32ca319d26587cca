"""Failure signatures: the same failure re-run gives the same signature (pure).

Error lines are normalised (numbers, hex ids, hashes, paths' directories, timestamps,
quoted identifiers are masked), de-duplicated and hashed. Dedup, the loop guard,
clustering and route memory all key on it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from healer_agent.logs.patternset import Matcher, expressible

_MASKS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    # (pattern, replacement, substrings the pattern cannot match without): a line without
    # them skips a regex pass that would try every position
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?Z?"), "<ts>", (":", "-")),
    (re.compile(r"\[REDACTED:[a-z0-9-]+\]"), "<secret>", ("[REDACTED:",)),
    # both cases spelled out: the same matches as re.I (no other character folds into
    # them), without case folding at every position
    (re.compile(r"\b[0-9a-fA-F]{7,64}\b"), "<hex>", ()),
    # a path keeps its last part; tried only where a path can start (after a non-path
    # character, or at a drive letter) and without backtracking into a segment, so a long
    # token is not rescanned from each of its characters
    (
        re.compile(r"(?:(?<![\w.@+-])|(?=[A-Za-z]:))(?:[A-Za-z]:)?(?:[\w.@+-]++/)+([\w.@+-]+)"),
        r"\1",
        ("/",),
    ),
    (re.compile(r"\d+(?:\.\d+)*"), "<n>", ()),
)


# twins for ASCII lines: there ``\d``, ``\w`` and ``\b`` match what they match in Unicode
# mode, tested without a call into the Unicode tables per character (the masks hold no ``\s``,
# whose ASCII form would differ)
_ASCII_MASKS = tuple(
    (re.compile(pattern.pattern, (pattern.flags & ~re.UNICODE) | re.ASCII), replacement, needs)
    for pattern, replacement, needs in _MASKS
)


# Which masks RE2 can express match an ASCII text at all, in one DFA pass: ``re`` tries a
# mask without a literal start at every position even when nothing matches. RE2's ``\b``
# and ``\d`` are ASCII's, so on ASCII text it finds a match exactly when ``re`` does.
_GATED = tuple(n for n, (pattern, _, _) in enumerate(_ASCII_MASKS) if expressible(pattern))
_GATE: Matcher[int] = Matcher([(_ASCII_MASKS[n][0], n) for n in _GATED])


def _masked(text: str) -> str:
    ascii_only = text.isascii()
    # the gate reads the text as given; once a mask changed it, later masks run ungated
    # (a hex word right after a timestamp's ``Z`` has no word boundary until ``<ts>``)
    can = set(_GATE.find(text)) if ascii_only and _GATED else None
    for n, (pattern, replacement, needs) in enumerate(_ASCII_MASKS if ascii_only else _MASKS):
        if can is not None and n in _GATED and n not in can:
            continue
        for need in needs:
            if need not in text:
                break
        else:
            masked = pattern.sub(replacement, text)
            if can is not None and masked != text:
                can = None
            text = masked
    return text


def normalize_line(line: str) -> str:
    """A line with the parts that change between runs masked, its whitespace collapsed."""
    return " ".join(_masked(line).split()).lower()


def signature(error_lines: Sequence[str]) -> str:
    """16 hex characters identifying the failure behind ``error_lines``."""
    block = "\n".join(error_lines)
    if block.count("\n") == len(error_lines) - 1:
        # no mask matches across a newline (nor needs one), so the lines are masked in one
        # pass per mask over the block, as each would be alone (a pass is a regex call)
        norms = [" ".join(line.split()).lower() for line in _masked(block).split("\n")]
    else:  # a line holding a newline collapses it to a space: each line on its own
        norms = [normalize_line(line) for line in error_lines]
    seen: list[str] = []
    for norm in norms:
        if norm and norm not in seen:
            seen.append(norm)
        if len(seen) >= 8:
            break
    return hashlib.sha256("\n".join(seen).encode("utf-8")).hexdigest()[:16]
