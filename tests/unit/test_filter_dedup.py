"""Filters and dedup keys (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from healer_agent.dispatch.coderun import coderun_name, label_value, sanitize_label
from healer_agent.intake.signature import sign, verify
from healer_agent.models import Agent, Incident
from healer_agent.pipeline.dedup import (
    active_claim_key,
    cause_claim_key,
    check_claim_key,
    failure_claim_key,
)
from healer_agent.pipeline.filter import repo_allowed, skip_reason


def incident(**kw: Any) -> Incident:
    values: dict[str, Any] = dict(
        kind="ci_failure",
        event_type="workflow_run",
        repository="5dlabs/cto",
        run_key="5dlabs/cto#run:1:1",
        branch="feat/x",
        conclusion="failure",
        sender="dev",
    )
    values.update(kw)
    return Incident(**values)


def test_skip_reasons() -> None:
    allow = ("5dlabs/*",)
    assert skip_reason(incident(), allow) is None
    assert "allowlist" in (skip_reason(incident(repository="evil/x"), allow) or "")
    assert "[skip-healer]" in (skip_reason(incident(commit_message="x [skip-healer]"), allow) or "")
    assert "bot" in (
        skip_reason(incident(sender="dependabot[bot]", sender_is_bot=True), allow) or ""
    )
    assert skip_reason(incident(sender_is_bot=True), allow, process_bots=True) is None
    assert "not a failure" in (skip_reason(incident(conclusion="cancelled"), allow) or "")


def test_repo_allowlist_globs() -> None:
    assert repo_allowed("A/B", ())
    assert repo_allowed("5dlabs/cto", ("5DLabs/*",))
    assert not repo_allowed("other/cto", ("5dlabs/*", "x/y"))


def test_coderun_name_is_deterministic_and_per_attempt() -> None:
    first = coderun_name(incident(), Agent.REX)
    assert first == coderun_name(incident(), Agent.REX)
    assert first.startswith("healer-ci-rex-") and len(first) == len("healer-ci-rex-") + 8
    assert coderun_name(incident(), Agent.REX, attempt=2) != first
    assert coderun_name(incident(run_key="other"), Agent.REX) != first


def test_claim_keys() -> None:
    assert active_claim_key(incident(), Agent.BOLT) == "active:5dlabs/cto:feat/x:bolt"
    assert check_claim_key(incident(check_run_id=7)) == "check:5dlabs/cto:7"
    assert check_claim_key(incident()) is None


@pytest.mark.loop
def test_dedup_is_by_what_failed_not_by_branch() -> None:
    """One push that breaks two workflows is two failures; a re-run of one is the same."""
    controller = incident(workflow_name="Controller CI", head_sha="abc")
    frontend = incident(workflow_name="Frontend CI", head_sha="abc", run_key="5dlabs/cto#run:2:1")
    rerun = incident(workflow_name="Controller CI", head_sha="abc", run_key="5dlabs/cto#run:1:2")
    next_push = incident(workflow_name="Controller CI", head_sha="def")
    assert failure_claim_key(controller) != failure_claim_key(frontend)
    assert failure_claim_key(controller) == failure_claim_key(rerun)
    assert failure_claim_key(controller) != failure_claim_key(next_push)
    assert failure_claim_key(incident(kind="security_alert")) is None
    # at dispatch: the same signature on one push is one root cause, another is not
    assert cause_claim_key(controller, "sig1") == cause_claim_key(frontend, "sig1")
    assert cause_claim_key(controller, "sig1") != cause_claim_key(frontend, "sig2")
    assert cause_claim_key(incident(head_sha=""), "sig1") is None


def test_sanitize_label() -> None:
    assert sanitize_label("feat/new-feature") == "feat-new-feature"
    assert sanitize_label("fix#123") == "fix-123"
    assert len(sanitize_label("x" * 100)) == 63
    assert sanitize_label("/a/") == "a"


LABEL = __import__("re").compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


@pytest.mark.loop
def test_label_values_from_hostile_ids_and_branches_are_valid() -> None:
    for value in (
        -5,
        -(10**80),
        10**80,
        0,
        "feat/" + "a-" * 60 + "/x",
        "-_.",
        "",
        "ü/ß",
        "a" * 62 + "-b",
    ):
        label = label_value(value)
        assert label and len(label) <= 63 and LABEL.match(label), (value, label)
    assert label_value(-5) == "n5"
    assert label_value(10**80).endswith("0") and len(label_value(10**80)) == 63
    assert label_value(-(10**80)) != label_value(10**80)


def test_signature_official_vector() -> None:
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert sign("It's a Secret to Everybody", b"Hello, World!") == expected
    assert verify("It's a Secret to Everybody", b"Hello, World!", expected)
    assert not verify("It's a Secret to Everybody", b"Hello, World!", None)
    assert not verify("It's a Secret to Everybody", b"Hello, World?", expected)
