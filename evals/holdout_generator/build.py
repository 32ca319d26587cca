"""Rebuild ``evals/cases/holdout/``: ``python evals/holdout_generator/build.py``.

The holdout split is written apart from Healer's routing rules and is never used to tune them.
Every error line is printed by a real program run here (``real.py``); programs that cannot run
here (BuildKit, Helm, the Argo CD CLI, GitHub's runner) contribute only their own frame
(``shapes.py``, ``gha.py``) around real inner output. Each case is labelled by hand with the
specialist for its root cause (``cases_*.py``). Ids, SHAs, run ids and timestamps derive from
the case id, so a rebuild writes identical files.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases_code
import cases_context
import cases_github
import common
import real
import report


def main() -> None:
    real.ensure_tools()
    for module in (cases_code, cases_context, cases_github):
        module.build()
    common.write_all()
    report.update_readme(common.OUT)


if __name__ == "__main__":
    main()
