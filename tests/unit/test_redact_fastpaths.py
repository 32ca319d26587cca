"""The line detectors' shortcuts find what the plain searches they stand for find; the
runner lines skipped hold nothing they would find.

Each shortcut (where a pattern can start, whether it can match at all, which token hints
a line holds) is compared with the search it replaces on lines built from the pieces
that matter to it: secret-name stems, operators, quotes, dashes, runner timestamps, and
characters that fold to ASCII letters under ``(?i)`` (the long s, the Kelvin sign).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healer_agent.logs import secrets_keywords as kw
from healer_agent.logs import secrets_tokens as tok
from healer_agent.logs.redact import RUNNER_LINES, _runner_line, gated_lines, line_spans, redact

PIECES = [
    "token",
    "TOKEN",
    "Secret",
    "pass",
    "PASSWORD",
    "pwd",
    "pw",
    "api_key",
    "apikey",
    "database_pass",
    "db_key",
    "key",
    "cred",
    "auth",
    "sig",
    "pat",
    "sid",
    "set",
    "setx",
    "value",
    "contraseña",
    "\u017fecret",
    "\u212aey",
    "-",
    "--",
    "=",
    ":",
    "::",
    "!=",
    "==",
    " ",
    "\t",
    '"',
    "'",
    "`",
    "$",
    "/",
    ".",
    "_",
    "@",
    "ghp_",
    "2026-11-28T21:04:05.1234567Z ",
    "abc123XYZ789def",
    "***",
    "true",
    "x",
]
LINES = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def _spans(matches: list[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@settings(max_examples=600, deadline=None)
@given(LINES)
def test_assignments_are_tried_where_finditer_finds_them(line: str) -> None:
    assert _spans(kw._assign_matches(line, line.lower())) == _spans(list(kw._ASSIGN.finditer(line)))


@settings(max_examples=600, deadline=None)
@given(LINES)
def test_flags_and_sets_start_no_earlier_than_their_bounds(line: str) -> None:
    flag, set_ = kw._flag_starts(line, line.lower())
    for pattern, bound in ((kw._FLAG, flag), (kw._SET, set_)):
        found = _spans(list(pattern.finditer(line)))
        assert (_spans(list(pattern.finditer(line, bound))) if bound >= 0 else []) == found


@settings(max_examples=600, deadline=None)
@given(LINES)
def test_detect_secrets_names_start_no_earlier_than_their_bound(line: str) -> None:
    start = kw._ds_start(line, line.lower())
    found = _spans(list(kw._ds_word().finditer(line)))
    assert (_spans(list(kw._ds_word().finditer(line, start))) if start >= 0 else []) == found


@settings(max_examples=600, deadline=None)
@given(LINES)
def test_sentences_start_no_earlier_than_their_bound(line: str) -> None:
    start = kw._sentence_start(line, line.lower())
    for pattern in (kw._IS, kw._BARE):
        found = _spans(list(pattern.finditer(line)))
        assert (_spans(list(pattern.finditer(line, start))) if start >= 0 else []) == found


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from([*PIECES, "xoxb-", "sk-ant-", "AKIA", "5:", "k_live_"])).map("".join)
)
def test_the_hint_set_names_the_hints_in_the_line(line: str) -> None:
    lower = line.lower()
    assert tok._present(lower) == [rules for hint, rules in tok._by_hint() if hint in lower]


def test_the_shortcuts_are_on() -> None:
    assert kw._ds_literals() is not None
    assert tok._hints()._set is not None  # the hints are one RE2 set, not ~120 searches
    line = "2026-11-28T21:04:05.1234567Z ##[group]GITHUB_TOKEN Permissions"
    assert kw._ds_start(line, line.lower()) < 0
    flag = "persist-credentials: true"
    assert kw._flag_starts(flag, flag.lower()) == (7, -1)


@pytest.mark.parametrize("body", sorted(RUNNER_LINES))
@pytest.mark.parametrize(
    "prefix", ["", "  ", "2026-11-28T21:04:05.1234567Z ", "2026-11-28T21:04:05Z   "]
)
def test_the_runner_lines_skipped_hold_nothing_the_detectors_find(prefix: str, body: str) -> None:
    """Skipping a runner line is exact only while the detectors find nothing in it."""
    line = prefix + body
    assert gated_lines(line) == [(0, len(line))]  # the gate sees it: the skip is what saves
    assert line_spans(line) == []
    assert _runner_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "2026-11-28T21:04:05.1234567Z   token: ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        "token: *** password=hunter2secret",
        "Secret source: Actions AKIAIOSFODNN7EXAMPLE",
    ],
)
def test_a_line_that_only_begins_like_a_runner_line_is_read(line: str) -> None:
    assert not _runner_line(line)
    assert "[REDACTED:" in redact(line)
