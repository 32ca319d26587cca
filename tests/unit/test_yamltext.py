"""The CodeRun writer's text is ``yaml.dump``'s, byte for byte, and reads back the same.

Strings are built from the pieces that change libyaml's choices: words that read back as
other types (numbers, bools, dates, null), indicators at the start, in the middle and at
the end, spaces and breaks, quotes, backslashes, non-ASCII and non-printable characters,
and lengths around the simple-key limit and the fold width.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from healer_agent.config import CodeRunSettings
from healer_agent.dispatch import yamltext
from healer_agent.dispatch.coderun import build_coderun
from healer_agent.models import Agent, FailureType, Incident, RoutingDecision

PIECES = [
    "a",
    "Rex",
    "healer-ci",
    "5dlabs/cto",
    "#run:",
    "1",
    "0",
    "0.88",
    "1e3",
    "0x1F",
    "0o17",
    "1_000",
    "12:30",
    "2024-01-02",
    "true",
    "No",
    "off",
    "null",
    "~",
    "=",
    "<<",
    ".inf",
    ".",
    "...",
    "---",
    "-",
    "- ",
    ":",
    ": ",
    " #",
    "#",
    "?",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    ",",
    "[",
    "]",
    "{",
    "}",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "'",
    '"',
    "\\",
    "é",
    "⏎",
    "\u2028",
    "\x85",
    "\x00",
    "\x7f",
    "\ufeff",
    "😀",
    "x" * 60,
    "y " * 40,
]

texts = st.lists(st.sampled_from(PIECES), max_size=12).map("".join) | st.text(max_size=40)
keys = st.sampled_from(["spec", "metadata", "labels", "healer/agent", "app.kubernetes.io/name"])
tree: st.SearchStrategy[Any] = st.recursive(
    texts | st.integers() | st.booleans() | st.none(),
    lambda children: st.dictionaries(keys | texts, children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(keys | texts, tree, max_size=5))
def test_text_is_yaml_dumps(manifest: dict[str, Any]) -> None:
    assert yamltext.dump_manifest(manifest) == yamltext.dump(manifest)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text(max_size=80), st.text(max_size=80))
def test_a_coderun_with_any_prompt_and_branch_is_yaml_dumps(
    prompt: str, branch: str, workflow: str
) -> None:
    incident = Incident(
        kind="ci_failure",
        event_type="workflow_run",
        run_key="5dlabs/cto#run:1:1",
        repository="5dlabs/cto",
        branch=branch,
        workflow_name=workflow,
        run_id=1,
    )
    decision = RoutingDecision(
        agent=Agent.REX, failure_type=FailureType.RUST_TEST, confidence=0.9, decided_by="prerouter"
    )
    manifest = build_coderun(incident, decision, prompt, CodeRunSettings(), "cto")
    text = yamltext.dump_manifest(manifest)
    assert text == yamltext.dump(manifest)
    assert yaml.safe_load(text) == manifest


def test_a_word_that_reads_as_another_type_is_quoted() -> None:
    assert yamltext.word("healer-ci") == "healer-ci"
    assert yamltext.word("11311847345") == "'11311847345'"
    assert yamltext.word("0.88") == "'0.88'"
    assert yamltext.word("yes") == "'yes'"
    assert yamltext.word("a b") is None
    assert yamltext.word("key:") is None


def test_other_types_are_yaml_dumps_to_represent_or_refuse() -> None:
    class Word(str):
        pass

    with pytest.raises(yaml.representer.RepresenterError):
        yamltext.dump_manifest({"spec": {"a": Word("x")}})
    mixed = {"spec": {"count": 1, "on": True, "none": None, "empty": {}}}
    assert yamltext.dump_manifest(mixed) == yamltext.dump(mixed)
