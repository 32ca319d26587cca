"""Replayed cases read from JSON are the cases their YAML says (the json module reads them)."""

from __future__ import annotations

import json
from pathlib import Path

from healer_agent.context.replay import ReplayProvider, index_cases, load_case
from healer_agent.intake.normalize import normalize
from healer_agent.intake.payloads import event_of_case

CASES = Path(__file__).resolve().parents[2] / "evals" / "cases" / "dev"


async def test_a_case_as_json_is_the_same_case(tmp_path: Path) -> None:
    source = sorted(CASES.glob("*.yaml"))[0]
    case = load_case(source)
    (tmp_path / "one.json").write_text(json.dumps(case, default=str))
    assert load_case(tmp_path / "one.json") == json.loads(json.dumps(case, default=str))
    event, payload = event_of_case(case)
    run_key = normalize(event, payload).run_key
    assert set(index_cases(tmp_path)) == {run_key}
    bundle = await ReplayProvider(tmp_path).gather(normalize(event, payload))
    assert "replay" not in bundle.sources  # the case matched
