"""The labelled dataset is well-formed: format, taxonomy, size, hardness, and every case
normalises through the production code."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from healer_agent.evals.dataset import parse_case
from healer_agent.models import Agent, FailureType, agent_for

pytestmark = pytest.mark.evals
CASES = sorted((Path(__file__).resolve().parents[2] / "evals" / "cases").glob("*.yaml"))


def test_size_and_hardness() -> None:
    assert len(CASES) >= 150
    tags = [yaml.safe_load(p.read_text())["tags"] for p in CASES]
    hard = sum("obvious" not in t for t in tags)
    assert hard / len(CASES) >= 0.5
    agents = Counter(yaml.safe_load(p.read_text())["expected"]["agent"] for p in CASES)
    assert set(agents) == {a.value for a in Agent}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_is_valid(path: Path) -> None:
    raw = yaml.safe_load(path.read_text())
    assert {"id", "description", "tags", "event", "expected"} <= set(raw)
    assert raw["id"] == path.stem
    agent = Agent(raw["expected"]["agent"])
    failure_type = FailureType(raw["expected"]["failure_type"])
    assert agent_for(failure_type) is agent
    case = parse_case(path)
    assert case.incident.kind in ("ci_failure", "security_alert")
    if case.incident.kind == "ci_failure" and "no-log" not in case.tags:
        assert case.context.logs
