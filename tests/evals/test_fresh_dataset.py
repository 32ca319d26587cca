"""The fresh split (evals/cases/fresh): loadable, well-formed, labelled by the taxonomy.

Written blind like the holdout (``evals/fresh_generator/README.md``), scored once as
first-seen, then tuned on: it is a second dev split now, gated with dev's floors
(``tests/evals/test_harness.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from healer_agent.evals.dataset import load_dataset
from healer_agent.models import Agent, FailureType, agent_for

pytestmark = pytest.mark.evals

FRESH = Path(__file__).resolve().parents[2] / "evals" / "cases" / "fresh"
KEBAB = re.compile(r"^fr-[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def cases():
    return load_dataset(FRESH)


def test_every_case_loads_with_an_id_of_its_own(cases) -> None:
    assert len(cases) == len(list(FRESH.glob("*.yaml"))) >= 100
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids))
    for case in cases:
        assert KEBAB.match(case.id), case.id
        assert case.path.stem == case.id
    others = {
        yaml.safe_load(p.read_text()).get("id", p.stem)
        for split in ("dev", "holdout")
        for p in (FRESH.parent / split).glob("*.yaml")
    }
    assert not others & set(ids)


def test_labels_follow_the_taxonomy(cases) -> None:
    for case in cases:
        assert case.expected_type is not None, case.id
        if case.expected_type is FailureType.GENERAL:
            assert case.expected_agent is Agent.ATLAS, case.id
        else:
            assert agent_for(case.expected_type) is case.expected_agent, case.id
