from __future__ import annotations

import json

import pytest
from mcp_types import CallToolResult, TextContent

from healer_agent.context.errors import ToolError
from healer_agent.context.results import normalise, trim_json, trim_text


def _result(text: str, *, structured: object = None, is_error: bool = False) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=structured,
        is_error=is_error,
    )  # type: ignore[arg-type]


def test_structured_content_preferred() -> None:
    res = normalise("p", "q", _result('{"a": 1}', structured={"a": 2}), max_output_tokens=100)
    assert res.data == {"a": 2}


def test_pretty_json_text_parsed() -> None:
    res = normalise("g", "t", _result(json.dumps([{"x": 1}], indent=2)), max_output_tokens=100)
    assert res.data == [{"x": 1}]


def test_plain_text_kept() -> None:
    res = normalise("g", "t", _result("not json {"), max_output_tokens=100)
    assert res.data == "not json {" and not res.truncated


def test_is_error_style() -> None:
    with pytest.raises(ToolError) as info:
        normalise("p", "q", _result("400 Bad Request", is_error=True), max_output_tokens=100)
    assert info.value.kind == "is_error" and "400" in info.value.message


def test_error_json_style_only_with_keys() -> None:
    body = '{"error": "not found", "code": 5, "message": "app x not found"}'
    with pytest.raises(ToolError) as info:
        normalise(
            "a",
            "get_application",
            _result(body),
            max_output_tokens=100,
            error_json_keys=("error", "code"),
        )
    assert info.value.kind == "error_json" and info.value.message == "app x not found"
    assert normalise("a", "t", _result(body), max_output_tokens=100).data["code"] == 5


def test_a_lone_code_field_is_not_an_error() -> None:
    res = normalise(
        "a",
        "t",
        _result('{"code": 0, "items": []}'),
        max_output_tokens=100,
        error_json_keys=("error", "code"),
    )
    assert res.data == {"code": 0, "items": []}


def test_trimmed_to_budget_and_still_json() -> None:
    big = {"result": [{"line": "x" * 200, "n": i} for i in range(500)]}
    res = normalise("l", "q", _result(json.dumps(big)), max_output_tokens=250)
    assert res.truncated
    assert len(res.text) <= 1000
    assert isinstance(json.loads(res.text), dict)
    assert res.size_tokens <= 250


def test_trim_text_tail_keeps_the_end() -> None:
    text, cut = trim_text("a" * 1000 + "ERROR at the end", 100, keep="tail")
    assert cut and text.endswith("ERROR at the end") and len(text) <= 100


def test_trim_json_untouched_when_small() -> None:
    assert trim_json({"a": [1, 2]}, 100) == ({"a": [1, 2]}, False)
