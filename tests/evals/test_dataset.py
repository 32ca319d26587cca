"""The labelled dataset is well-formed: the shared case format, the taxonomy of
``healer_agent.models``, size and hardness, payload shapes per event type, and every case
normalises through the production loader."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from healer_agent.evals.dataset import parse_case
from healer_agent.models import Agent, FailureType, agent_for

pytestmark = pytest.mark.evals
CASES_DIR = Path(__file__).resolve().parents[2] / "evals" / "cases" / "dev"
CASES = sorted(CASES_DIR.glob("*.yaml"))
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ")
SECURITY = {
    "dependabot_alert",
    "code_scanning_alert",
    "secret_scanning_alert",
    "repository_vulnerability_alert",
}
KNOWN_TAGS = {
    "obvious",
    "misleading-name",
    "multi-signal",
    "noisy",
    "long-log",
    "flaky-infra",
    "no-log",
    "security-alert",
    "audit",
    "design-doc",
    "has-secret",
    "injection",
    "argocd",
    "wrapper",
    "context-driven",
    "platform",
    "yaml-owner",
    "resource-kill",
}


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), path
    return data


@pytest.fixture(scope="module")
def raw_cases() -> list[dict[str, Any]]:
    return [_load(p) for p in CASES]


def test_size_hardness_and_spread(raw_cases: list[dict[str, Any]]) -> None:
    assert len(raw_cases) >= 150
    hard = sum("obvious" not in c["tags"] for c in raw_cases)
    assert hard / len(raw_cases) >= 0.5
    agents = Counter(c["expected"]["agent"] for c in raw_cases)
    assert set(agents) == {a.value for a in Agent}
    assert min(agents.values()) >= 10
    types = {c["expected"]["failure_type"] for c in raw_cases}
    assert len(types) >= 20


def test_failure_classes_are_covered(raw_cases: list[dict[str, Any]]) -> None:
    """Enough cases of the classes a keyword router gets wrong: wrappers around the real
    error, symptoms whose cause is in the cluster context, GitHub platform failures, YAML
    by owner, resource kills, and scanners with no log."""
    tags = Counter(t for c in raw_cases for t in c["tags"])
    assert tags["context-driven"] >= 40
    assert tags["wrapper"] >= 25
    assert tags["platform"] >= 10
    assert tags["yaml-owner"] >= 8
    assert tags["resource-kill"] >= 6
    assert (
        sum(1 for c in raw_cases if "no-log" in c["tags"] and c["expected"]["agent"] == "cipher")
        >= 8
    )
    by_tag = {
        tag: Counter(c["expected"]["agent"] for c in raw_cases if tag in c["tags"])
        for tag in ("context-driven", "wrapper")
    }
    assert {"rex", "blaze", "bolt", "atlas"} <= set(by_tag["context-driven"])
    assert {"rex", "blaze", "bolt"} <= set(by_tag["wrapper"])


def test_ids_unique(raw_cases: list[dict[str, Any]]) -> None:
    ids = Counter(c["id"] for c in raw_cases)
    assert [i for i, n in ids.items() if n > 1] == []


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_is_valid(path: Path) -> None:
    raw = _load(path)
    assert {"id", "description", "tags", "event", "expected"} <= set(raw)
    assert raw["id"] == path.stem and KEBAB.match(raw["id"])
    assert isinstance(raw["description"], str) and raw["description"].strip()
    assert "\n" not in raw["description"].strip()
    assert raw["tags"] and set(raw["tags"]) <= KNOWN_TAGS, raw["tags"]
    agent = Agent(raw["expected"]["agent"])
    failure_type = FailureType(raw["expected"]["failure_type"])
    assert agent_for(failure_type) is agent

    event, payload = raw["event"]["type"], raw["event"]["payload"]
    assert isinstance(payload, dict)
    if event == "workflow_job":
        job = payload["workflow_job"]
        assert payload["action"] == "completed" and job["status"] == "completed"
        assert job["conclusion"] in ("failure", "timed_out", "cancelled")
        assert {"id", "run_id", "name", "workflow_name", "head_sha", "steps"} <= set(job)
        never_ran = not job["steps"] and job.get("runner_name") is None
        assert never_ran or any(s["conclusion"] in ("failure", "cancelled") for s in job["steps"])
        assert [s["number"] for s in job["steps"]] == list(range(1, len(job["steps"]) + 1))
    elif event == "workflow_run":
        run = payload["workflow_run"]
        assert {"id", "name", "conclusion", "head_branch", "head_sha"} <= set(run)
        assert run["conclusion"] == "failure"
    elif event == "check_run":
        check = payload["check_run"]
        assert {"id", "name", "conclusion", "output", "check_suite"} <= set(check)
        assert check["conclusion"] == "failure"
    elif event == "sensor":
        run = payload["workflow_run"]
        assert {
            "id",
            "name",
            "conclusion",
            "html_url",
            "head_branch",
            "head_sha",
            "head_commit",
        } <= set(run)
        assert payload["repository"]["full_name"]
    else:
        assert event in SECURITY, event
        assert isinstance(payload["alert"], dict) and payload["repository"]["full_name"]
        assert agent is Agent.CIPHER
    assert payload["repository"]["full_name"]

    context = raw.get("context") or {}
    logs = context.get("logs") or {}
    # a job that never got a runner has no log; one that failed in "Set up job" has no
    # step groups, only the runner's set-up lines and its error
    never_ran = event == "workflow_job" and not payload["workflow_job"]["steps"]
    if event == "workflow_job" and not never_ran:
        assert payload["workflow_job"]["name"] in logs
    for text in logs.values():
        lines = text.splitlines()
        assert lines and all(STAMP.match(line) for line in lines)
        assert any("##[group]Run " in line or "##[error]" in line for line in lines)
    if "no-log" in raw["tags"] or never_ran:
        assert not logs
    elif event not in SECURITY:
        assert logs, "a CI case needs its log"

    case = parse_case(path)
    assert case.expected_agent is agent
    assert case.incident.kind in ("ci_failure", "security_alert")
