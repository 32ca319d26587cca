"""Parsing a body: the nesting bound holds at its edge, for objects and lists alike."""

from __future__ import annotations

import json

import pytest

from healer_agent.api.body import MAX_DEPTH, BodyError, _depth, parse_json_text


def _nested(depth: int, *, wide: bool) -> bytes:
    """An object ``depth`` containers deep, alternating objects and lists."""
    value: object = 1
    for level in range(depth - 1):
        value = [value, "x"] if level % 2 else {"k": value, "n": 2}
    # scalars and shallow siblings beside the deep branch, so the bracket count alone
    # never settles it
    pad = {f"s{i}": [{"a": i}] for i in range(MAX_DEPTH)} if wide else {}
    return json.dumps({"deep": value, **pad}).encode()


@pytest.mark.parametrize("wide", [False, True])
def test_a_body_at_the_bound_parses_and_one_level_more_is_refused(wide: bool) -> None:
    payload, _ = parse_json_text(_nested(MAX_DEPTH, wide=wide), "application/json")
    assert _depth(payload) == MAX_DEPTH
    with pytest.raises(BodyError) as refused:
        parse_json_text(_nested(MAX_DEPTH + 1, wide=wide), "application/json")
    assert refused.value.status == 400 and "deeper than 64" in refused.value.reason


def test_depth_counts_containers_only() -> None:
    assert _depth(1) == 0 and _depth("[[[") == 0
    assert _depth({}) == 1 and _depth([]) == 1
    assert _depth({"a": [1, {"b": []}], "c": "{[{["}) == 4
    assert _depth([[], [[[]]], {"x": {}}]) == 4


def test_one_decoder_serves_every_body_and_keeps_its_checks() -> None:
    first, _ = parse_json_text(b'{"a": 1}', "application/json")
    second, _ = parse_json_text(b'{"b": [2.5, -3]}', "application/json")
    assert first == {"a": 1} and second == {"b": [2.5, -3]}
    for bad in (b'{"n": 1' + b"0" * 30 + b"}", b'{"n": 1e999}', b'{"n": NaN}'):
        with pytest.raises(BodyError) as refused:
            parse_json_text(bad, "application/json")
        assert refused.value.status == 400
