"""What the runner's set-up section says about the run (pure).

The runner names where a job's secrets come from (``Secret source: Actions``). A Dependabot
pull request gets Dependabot's secrets and a fork's pull request none, so a test or tool
that reads a repository secret finds it unset there: the workflow's trigger or secrets are
the cause, not the code that read the value.
"""

from __future__ import annotations

MARK = b"Secret source: "
"""What opens the runner's line; the log's scan reports where it first appears."""

_SOURCES = frozenset({"Actions", "Dependabot", "None"})
"""The sources the runner names; any other text after the mark is not kept (a log is
anyone's text, and the excerpt keeps this value unredacted)."""

_WITHHELD = frozenset({"Dependabot", "None"})


def source_at(data: bytes, at: int) -> str | None:
    """The source named on the line whose :data:`MARK` starts at ``at`` (-1: no mark)."""
    if at < 0:
        return None
    start = at + len(MARK)
    end = data.find(b"\n", start)
    source = data[start : end if end != -1 else len(data)].strip().decode("ascii", "replace")
    return source if source in _SOURCES else None


def withheld(source: str | None) -> str | None:
    """``source`` when the run did not get the repository's secrets with it; else None."""
    return source if source in _WITHHELD else None
