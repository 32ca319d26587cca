"""Rebuild ``evals/cases/fresh/``: ``python evals/fresh_generator/build.py``.

A fresh, first-seen split written blind to Healer's routing rules. The holdout generator's
infrastructure (``real``, ``gha``, ``shapes``, ``common``) is imported, not copied; the
scenarios here are new. Ids, SHAs, run ids and timestamps derive from the case id, so a
rebuild writes identical files.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fcommon  # sets up the holdout modules first

# isort: split
import common
import real

MODULES = [
    "cases_rust",
    "cases_web",
    "cases_infra",
    "cases_platform",
    "cases_security",
    "cases_flaky",
    "cases_extra",
]


def main(only: list[str]) -> None:
    import importlib

    real.ensure_tools()
    for name in MODULES:
        if only and name not in only:
            continue
        if not (Path(__file__).resolve().parent / f"{name}.py").exists():
            continue
        module = importlib.import_module(name)
        module.build()
    common.write_all()
    import freport

    freport.update_readme(fcommon.OUT)


if __name__ == "__main__":
    main(sys.argv[1:])
