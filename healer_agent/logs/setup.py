"""What the runner's set-up section says about the run (pure).

The runner names where a job's secrets come from (``Secret source: Actions``). A Dependabot
pull request gets Dependabot's secrets and a fork's pull request none, so a test or tool
that reads a repository secret finds it unset there: the workflow's trigger or secrets are
the cause, not the code that read the value.
"""

from __future__ import annotations

_MARK = "Secret source: "
_WITHHELD = frozenset({"Dependabot", "None"})


def withheld_secrets(log: str) -> str | None:
    """Where secrets came from, when the run did not get the repository's; else None."""
    at = log.find(_MARK)
    if at == -1:
        return None
    start = at + len(_MARK)
    end = log.find("\n", start)
    source = log[start : end if end != -1 else len(log)].strip()
    return source if source in _WITHHELD else None
