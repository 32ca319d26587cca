"""What the runner's set-up section says about the run (pure).

The runner names where a job's secrets come from (``Secret source: Actions``). A Dependabot
pull request gets Dependabot's secrets and a fork's pull request none, so a test or tool
that reads a repository secret finds it unset there: the workflow's trigger or secrets are
the cause, not the code that read the value.
"""

from __future__ import annotations

import re

from healer_agent.logs.patternset import Spans, compiled_bytes, span_search

_MARK = "Secret source: "
_WITHHELD = frozenset({"Dependabot", "None"})

_HAS_MARK: Spans = span_search(compiled_bytes(re.compile(re.escape(_MARK))))
"""Whether the UTF-8 of a log holds :data:`_MARK`: RE2's literal search.

A log without a set-up section (a step's output alone) is searched to its end; ``str.find``
takes ~5x longer there, since most of the needle's characters are common in logs and its
skip table rarely skips. The needle is ASCII, so it is in the text exactly when it is in
the text's UTF-8.
"""


def withheld_secrets(log: str) -> str | None:
    """Where secrets came from, when the run did not get the repository's; else None."""
    data = log.encode("utf-8", "surrogatepass")
    if _HAS_MARK(data, 0, len(data)) is None:
        return None
    at = log.find(_MARK)
    if at == -1:
        return None
    start = at + len(_MARK)
    end = log.find("\n", start)
    source = log[start : end if end != -1 else len(log)].strip()
    return source if source in _WITHHELD else None
