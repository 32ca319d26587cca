"""The holdout split (evals/cases/holdout): loadable, well-formed, labelled consistently.

These checks never route a case: the holdout split measures the router and must not be
tuned against.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from healer_agent.evals.dataset import load_dataset
from healer_agent.models import Agent, FailureType, agent_for

pytestmark = pytest.mark.evals

HOLDOUT = Path(__file__).resolve().parents[2] / "evals" / "cases" / "holdout"
DEV = HOLDOUT.parent / "dev"
KEBAB = re.compile(r"^ho-[a-z0-9]+(-[a-z0-9]+)*$")
TAG_MINIMUMS = {
    "context-driven": 30,
    "wrapper": 20,
    "platform": 10,
    "no-log": 8,
    "yaml-owner": 8,
    "resource-kill": 6,
}


@pytest.fixture(scope="module")
def cases():
    return load_dataset(HOLDOUT)


@pytest.fixture(scope="module")
def raw():
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted(HOLDOUT.glob("*.yaml"))}


def test_every_case_loads(cases, raw):
    assert len(cases) == len(raw)
    assert len(cases) >= 140


def test_ids_are_unique_kebab_case_and_match_file_names(cases, raw):
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids))
    for case in cases:
        assert KEBAB.match(case.id), case.id
        assert case.path.stem == case.id


def test_ids_do_not_collide_with_other_splits(cases):
    if not DEV.is_dir():
        pytest.skip("no dev split")
    dev_ids = {yaml.safe_load(p.read_text()).get("id", p.stem) for p in DEV.glob("*.yaml")}
    assert not dev_ids & {c.id for c in cases}


def test_labels_follow_the_taxonomy(cases):
    for case in cases:
        assert case.expected_type is not None, case.id
        if case.expected_type is FailureType.GENERAL:
            assert case.expected_agent is Agent.ATLAS, case.id
        else:
            assert agent_for(case.expected_type) is case.expected_agent, case.id


def test_every_agent_has_fifteen_cases(cases):
    per_agent = Counter(c.expected_agent for c in cases)
    for agent in Agent:
        assert per_agent[agent] >= 15, (agent, per_agent[agent])


def test_tag_minimums(cases):
    tags = Counter(t for c in cases for t in c.tags)
    for tag, minimum in TAG_MINIMUMS.items():
        assert tags[tag] >= minimum, (tag, tags[tag])
    share = tags["obvious"] / len(cases)
    assert 0.3 <= share <= 0.5, share


def test_no_log_cases_carry_no_log(raw):
    for cid, case in raw.items():
        if "no-log" in case.get("tags", []):
            assert not (case.get("context") or {}).get("logs"), cid


def test_workflow_job_steps_match_the_log(raw):
    for cid, case in raw.items():
        if case["event"]["type"] != "workflow_job":
            continue
        job = case["event"]["payload"]["workflow_job"]
        log = ((case.get("context") or {}).get("logs") or {}).get(job["name"])
        if not log:
            continue
        failed = [s for s in job["steps"] if s["conclusion"] == "failure"]
        assert failed or job["conclusion"] != "failure" or "##[error]" in log, cid


def test_payloads_carry_no_label(raw):
    for cid, case in raw.items():
        text = yaml.safe_dump(case["event"]) + yaml.safe_dump(case.get("context") or {})
        assert "expected" not in (case.get("context") or {}), cid
        assert "failure_type" not in text, cid


def test_fake_secrets_only(raw):
    live = re.compile(r"AKIA(?!IOSFODNN7EXAMPLE)[0-9A-Z]{16}")
    for cid, case in raw.items():
        assert not live.search(yaml.safe_dump(case)), cid
