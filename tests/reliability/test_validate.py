"""Edge validation as a pure function: each field Healer reads refused with its name when
its type, length or characters are wrong, real payloads all pass, arbitrary JSON only ever
yields problems (never an exception)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healer_agent.intake.validate import (
    SHAPES,
    bearer_token,
    check_delivery,
    check_envelope,
    check_event,
    check_payload,
    check_signature,
    scan_strings,
)
from tests.conftest import FIXTURES, load_fixture

pytestmark = pytest.mark.reliability

JOB = load_fixture("workflow_job/completed-1.json")


def _with(path: str, value: Any, base: dict[str, Any] = JOB) -> dict[str, Any]:
    body = copy.deepcopy(base)
    *parents, last = path.split(".")
    node: Any = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value
    return body


@pytest.mark.parametrize(
    "path,value",
    [
        ("workflow_job.run_id", "²"),
        ("workflow_job.run_id", "٣"),
        ("workflow_job.run_id", int("9" * 30)),
        ("workflow_job.run_id", 2**53 + 1),
        ("workflow_job.run_id", -1),
        ("workflow_job.run_id", 0),
        ("workflow_job.run_id", True),
        ("workflow_job.run_id", 1.5),
        ("workflow_job.run_id", [1]),
        ("workflow_job.run_id", "12 "),
        ("workflow_job.id", "1e5"),
        ("workflow_job.run_attempt", 0),
        ("workflow_job.head_branch", "b" * 256),
        ("workflow_job.head_branch", "feat x"),
        ("workflow_job.head_branch", "a..b"),
        ("workflow_job.head_branch", "x\u202eevil"),
        ("workflow_job.head_branch", 7),
        ("workflow_job.head_sha", "a" * 65),
        ("workflow_job.head_sha", "g" * 40),
        ("workflow_job.name", "build\n## Rules"),
        ("workflow_job.name", "x" * 201),
        ("workflow_job.name", "a\u2028b"),
        ("workflow_job.workflow_name", "CI\r"),
        ("workflow_job.html_url", "javascript:alert(1)"),
        ("workflow_job.html_url", "https://x/" + "a" * 3000),
        ("workflow_job.html_url", "https://exa mple.com"),
        ("workflow_job.steps", "x"),
        ("workflow_job.steps.0.name", "Run x\nmore"),
        ("workflow_job.steps.0.number", -3),
        ("workflow_job.conclusion", "fail\u0000"),
        ("repository.full_name", "no-slash"),
        ("repository.full_name", "a/" + "b" * 101),
        ("repository.full_name", "a/.."),
        ("repository.full_name", "ü/x"),
        ("repository", "5dlabs/cto"),
        ("sender.login", "x y"),
        ("action", "completed; rm -rf"),
    ],
)
def test_a_bad_field_is_named(path: str, value: Any) -> None:
    problems = check_payload("workflow_job", _with(path, value))
    assert problems, f"{path}={value!r} passed"
    assert any(p.field == path or p.field.startswith(path) for p in problems), problems
    assert all(p.reason for p in problems)


@pytest.mark.parametrize(
    "event,path,value",
    [
        ("workflow_run", "workflow_run.head_commit.message", "x" * 300_000),
        ("workflow_run", "workflow_run.pull_requests.0.number", "²"),
        ("issue_comment", "comment.body", "/healer fix " + "x" * 70_000),
        ("issue_comment", "comment.id", -1),
        ("issue_comment", "issue.number", "one"),
        ("pull_request", "pull_request.number", 10**20),
        ("pull_request", "pull_request.head.ref", "x\ny"),
        ("status", "context", "c" * 161),
        ("status", "sha", "xyz"),
        ("dependabot_alert", "alert.number", 2**64),
        ("dependabot_alert", "alert.html_url", "file:///etc/passwd"),
        ("check_run", "check_run.id", "0x10"),
        ("check_run", "check_run.output.summary", 5),
        ("check_run", "check_run.output.text", "x" * 300_000),
        ("push", "ref", "refs/heads/a b"),
    ],
)
def test_each_event_names_its_bad_field(event: str, path: str, value: Any) -> None:
    fixture = {
        "workflow_run": "workflow_run/completed-1.json",
        "issue_comment": "issue_comment/created-1.json",
        "pull_request": "pull_request/closed-1.json",
        "status": "status/default-1.json",
        "dependabot_alert": "dependabot_alert/created.json",
        "check_run": "check_run/completed-1.json",
        "push": "push/default-1.json",
    }[event]
    base = load_fixture(fixture)
    if path.startswith("workflow_run.pull_requests"):
        base["workflow_run"]["pull_requests"] = [{"number": 1}]
    problems = check_payload(event, _with(path, value, base))
    assert [p for p in problems if p.field == path], problems


def test_every_real_payload_passes() -> None:
    checked = 0
    for path in sorted(FIXTURES.rglob("*.json")):
        event = path.parent.name
        assert check_payload(event, json.loads(path.read_text())) == [], path
        checked += 1
    assert checked >= 50


def test_digit_strings_are_the_ids_they_spell() -> None:
    assert check_payload("workflow_job", _with("workflow_job.run_id", "12345")) == []


def test_headers_and_envelope() -> None:
    assert check_event("workflow_job") is None
    for bad in ("", "x" * 65, "Workflow_Job", "workflow-job", "wörkflow", "a b"):
        assert check_event(bad), bad
    assert check_delivery("0b989ba4-242f-11e5-81e1-c7b6966d2516") is None
    for bad in ("", "d" * 129, "a b", "☃", "a\tb"):
        assert check_delivery(bad), bad
    assert check_signature("sha256=" + "a" * 64) is None
    for bad in ("sha256=" + "a" * 63, "sha1=" + "a" * 40, "sha256=" + "g" * 64, "sha256=ÿ"):
        assert check_signature(bad), bad
    for value, token in (
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("BEARER  abc ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        ("Bearer a b", None),
        ("Bearer é", None),
        ("Bearer \x7f", None),
        ("abc", None),
    ):
        assert bearer_token(value) == token, value
    assert [p.field for p in check_envelope({"event": "x" * 100, "delivery_id": "a b"})] == [
        "event",
        "delivery_id",
    ]
    assert [p.field for p in check_envelope({"delivery_id": 7, "body": {}})] == ["delivery_id"]
    assert [p.field for p in check_envelope({"event": "Push"})] == ["event"]
    assert check_envelope({"workflow_run": {"event": 1, "delivery_id": 2}}) == []


def test_nul_and_lone_surrogates_are_found_anywhere() -> None:
    for raw in (
        b'{"a": {"b": ["x", "y\\u0000"]}}',
        b'{"a\\u0000": 1}',
        b'{"a": "\\ud800"}',
        b'{"a": [{"b": "\\udfff x"}]}',
    ):
        problem = scan_strings(raw, json.loads(raw))
        assert problem is not None, raw
    ok = b'{"emoji": "\\ud83d\\ude00", "text": "\\u00e9"}'
    assert scan_strings(ok, json.loads(ok)) is None
    assert scan_strings(b'{"a": "b"}', {"a": "b"}) is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)
KEYS = st.sampled_from(
    [
        "repository",
        "workflow_job",
        "workflow_run",
        "check_run",
        "alert",
        "comment",
        "issue",
        "pull_request",
        "action",
        "sender",
        "sha",
        "ref",
        "head_commit",
        "check_suite",
        "state",
        "context",
        "branches",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    event=st.sampled_from([*SHAPES, "push", "unknown"]),
    payload=st.dictionaries(KEYS, JSON, max_size=6),
)
def test_arbitrary_json_gives_problems_not_exceptions(event: str, payload: dict[str, Any]) -> None:
    for problem in check_payload(event, payload):
        assert problem.field and problem.reason


def test_the_fixtures_folder_is_the_one_read() -> None:
    assert isinstance(FIXTURES, Path) and FIXTURES.is_dir()
