"""The package's imports point one way (pyproject's import-linter contract).

Entry points (cli, repl, evals, api) over the composition root, over orchestration
(pipeline, tracking), over adapters (context, dispatch, store, routing), over the core.
A cycle or an upward import is a failing test, not a function-level import.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_layer_contract_holds() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run(
        [exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout
