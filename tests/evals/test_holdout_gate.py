"""The holdout gate: the pre-router on labelled failures its rules were never tuned on.

``evals/cases/holdout`` was written without sight of the rules and is never used to tune
them; this test only keeps its score from falling. It reports aggregates, never which case
missed, so the split cannot turn into a tuning set by accident. The floors sit just under
the scores it holds now (``evals/README.md``): agent accuracy 97.7%, precision of
``obvious`` 100% (the issue's target, 99%, is the floor), context-driven 97.3%.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.evals
HOLDOUT = Path(__file__).resolve().parents[2] / "evals" / "cases" / "holdout"


def test_the_holdout_keeps_its_floors(tmp_path: Path) -> None:
    report = tmp_path / "holdout.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "healer_agent",
            "eval",
            "--dataset",
            str(HOLDOUT),
            "--router",
            "prerouter",
            "--json",
            str(report),
            "--show-misses",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    scores = json.loads(report.read_text())
    summary = {
        "cases": scores["cases"],
        "agent": scores["agent_accuracy"],
        "obvious_precision": scores["obvious_precision"],
        "context_driven": scores["per_tag"]["context-driven"]["accuracy"],
    }
    assert scores["cases"] >= 140, summary
    assert scores["agent_accuracy"] >= 0.96, summary
    assert scores["obvious_precision"] >= 0.99, summary
    assert scores["per_tag"]["context-driven"]["accuracy"] >= 0.95, summary
