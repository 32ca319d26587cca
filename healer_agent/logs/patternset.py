"""Many patterns against one text in one pass (pure).

Routing tests every signal of a place against every line; one ``re`` search per pair is
most of a decision's time. RE2's ``Set`` answers "which of these patterns match" with one
automaton, so a line costs one call however many signals there are. Patterns RE2 cannot
express (lookarounds, back-references) and platforms without RE2 fall back to ``re``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

try:  # google-re2 (a dependency; optional so the package imports without its wheel)
    import re2 as _re2
except ImportError:  # pragma: no cover
    _re2 = None

T = TypeVar("T")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def to_re2(pattern: re.Pattern[str]) -> str:
    r"""The RE2 spelling of a Python pattern (flags inline, ``\uXXXX`` as ``\x{XXXX}``)."""
    source = _UNICODE_ESCAPE.sub(r"\\x{\1}", pattern.pattern)
    flags = "".join(
        letter
        for flag, letter in ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))
        if pattern.flags & flag
    )
    return f"(?{flags}){source}" if flags else source


def _re2_set(patterns: Sequence[re.Pattern[str]]) -> tuple[Any, list[int], list[int]]:
    """A compiled RE2 set of the patterns it accepts, their indices, and the rest."""
    if _re2 is None:
        return None, [], list(range(len(patterns)))
    options = _re2.Options()
    options.log_errors = False
    found = _re2.Set.SearchSet(options)
    in_set: list[int] = []
    rest: list[int] = []
    for index, pattern in enumerate(patterns):
        source = to_re2(pattern)
        try:
            _re2.compile(source, options)
            found.Add(source)
        except Exception:  # re2 raises its own error type, and TypeError for some syntax
            rest.append(index)
            continue
        in_set.append(index)
    if not in_set:
        return None, [], rest
    found.Compile()
    return found, in_set, rest


def expressible(pattern: re.Pattern[str]) -> bool:
    """Whether RE2 is here and can express the pattern (no lookarounds, back-references)."""
    if _re2 is None:
        return False
    options = _re2.Options()
    options.log_errors = False
    try:
        _re2.compile(to_re2(pattern), options)
    except Exception:  # re2 raises its own error type, and TypeError for some syntax
        return False
    return True


def compiled(pattern: re.Pattern[str]) -> Any:
    """RE2's compiled form when it can express the pattern, else the ``re`` pattern."""
    if _re2 is not None:
        try:
            return _re2.compile(to_re2(pattern))
        except Exception:  # not expressible in RE2 (lookarounds, back-references)
            pass
    return pattern


def compiled_bytes(pattern: re.Pattern[str]) -> Any:
    """The pattern compiled for UTF-8 bytes (RE2 when it can express it)."""
    if _re2 is not None:
        try:
            return _re2.compile(to_re2(pattern).encode())
        except Exception:  # not expressible in RE2
            pass
    return re.compile(pattern.pattern.encode(), pattern.flags & ~re.UNICODE)


Spans = Callable[[bytes, int, int], Sequence[tuple[int, int]] | None]
"""A search of ``data[pos:endpos]``: each group's (start, end) of the first match, or None."""


def span_search(pattern: Any) -> Spans:
    """A compiled pattern's search on bytes, as spans instead of match objects.

    The re2 module's ``search`` and ``finditer`` run Python code per call and build a match
    object per hit; RE2's own call does neither. ``pattern`` is compiled for bytes (RE2, or
    ``re`` where RE2 cannot express it).
    """
    inner = getattr(pattern, "_regexp", None)
    anchor = getattr(getattr(_re2, "_Anchor", None), "UNANCHORED", None)
    if inner is not None and anchor is not None and hasattr(inner, "Match"):
        match = inner.Match

        def raw(data: bytes, pos: int, endpos: int) -> Sequence[tuple[int, int]] | None:
            spans: Sequence[tuple[int, int]] = match(anchor, data, pos, endpos)
            return None if spans[0][0] == -1 else spans

        try:
            if (pattern.search(b"x") is None) == (raw(b"x", 0, 1) is None):
                return raw
        except Exception:  # an re2 build whose internals differ: its public API
            pass

    def public(data: bytes, pos: int, endpos: int) -> Sequence[tuple[int, int]] | None:
        found = pattern.search(data, pos, endpos)
        if found is None:
            return None
        return [found.span(group) for group in range(pattern.groups + 1)]

    return public


class LineFilter:
    """Which lines a pattern finds something in, with one search over them all.

    Most lines of an application log hold no error; one pass over the joined lines costs
    far less than one call per line.
    """

    __slots__ = ("_any", "_compiled")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self._compiled = compiled(pattern)
        # "anything at all?" asked of the UTF-8, as RE2 reads it, without a match object
        self._any: Spans | None = (
            span_search(self._compiled_bytes(pattern)) if self._compiled is not pattern else None
        )

    @staticmethod
    def _compiled_bytes(pattern: re.Pattern[str]) -> Any:
        assert _re2 is not None
        return _re2.compile(to_re2(pattern).encode())

    def __call__(self, lines: Sequence[str]) -> list[int]:
        """Indices of the matching lines, in order."""
        if not lines:
            return []
        text = "\n".join(lines)
        if self._any is not None:
            data = text.encode()
            if self._any(data, 0, len(data)) is None:  # the common case: nothing to locate
                return []
        match = self._compiled.search(text, 0)
        if match is None:  # the common case: nothing to locate
            return []
        starts: list[int] = []
        pos = 0
        for line in lines:
            starts.append(pos)
            pos += len(line) + 1
        found: list[int] = []
        index, at = 0, 0
        while True:
            if at:
                match = self._compiled.search(text, at)
            if match is None:
                break
            where = match.start()
            while index + 1 < len(starts) and starts[index + 1] <= where:
                index += 1
            found.append(index)
            index += 1
            if index >= len(starts):
                break
            at = starts[index]
        return found


class Matcher(Generic[T]):
    """Patterns with a value each; ``find`` returns the values whose pattern matches."""

    __slots__ = ("_items", "_match", "_rest", "_set", "_set_index")

    def __init__(self, items: Sequence[tuple[re.Pattern[str], T]]) -> None:
        self._items = [value for _, value in items]
        patterns = [pattern for pattern, _ in items]
        self._set, self._set_index, rest = _re2_set(patterns)
        self._rest = [(index, patterns[index]) for index in rest]
        # RE2's own call on UTF-8 bytes, without the wrapper's per-call checks
        raw = getattr(self._set, "_set", None)
        self._match: Any = raw.Match if raw is not None and hasattr(raw, "Match") else None

    def __len__(self) -> int:
        return len(self._items)

    def indices(self, text: str) -> list[int]:
        """Indices of the matching patterns, in the order they were given."""
        found: list[int] = []
        if self._set is not None:
            hits = (
                self._match(text.encode("utf-8", "surrogatepass"))
                if self._match is not None
                else self._set.Match(text)
            )
            if hits:
                found = [self._set_index[i] for i in hits]
        for index, pattern in self._rest:
            if pattern.search(text):
                found.append(index)
        if len(found) > 1:
            found.sort()
        return found

    def find(self, text: str) -> list[T]:
        """Values of the matching patterns, in the order they were given.

        :meth:`indices` inlined for the common case (routing calls this per line and name).
        """
        if self._rest or self._match is None:
            return [self._items[i] for i in self.indices(text)]
        hits = self._match(text.encode("utf-8", "surrogatepass"))
        if not hits:
            return []
        items, index = self._items, self._set_index
        if len(hits) == 1:
            return [items[index[hits[0]]]]
        return [items[i] for i in sorted(index[i] for i in hits)]

    def first(self, text: str) -> T | None:
        """The value of the first pattern (in the given order) that matches."""
        if self._rest or self._match is None:
            found = self.indices(text)
            return self._items[found[0]] if found else None
        hits = self._match(text.encode("utf-8", "surrogatepass"))
        if not hits:
            return None
        index = self._set_index
        at: int = min(index[i] for i in hits) if len(hits) > 1 else index[hits[0]]
        return self._items[at]
