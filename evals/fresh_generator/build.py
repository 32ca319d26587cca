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
    "cases_batch2",
    "cases_batch3",
    "cases_batch4",
    "cases_batch5",
    "cases_batch6",
    "cases_batch7",
    "cases_batch8",
    "cases_batch9",
    "cases_batch10",
    "cases_batch11",
    "cases_batch12",
    "cases_batch13",
    "cases_batch14",
    "cases_batch15",
    "cases_batch16",
    "cases_batch17",
    "cases_batch18",
    "cases_batch19",
    "cases_batch20",
    "cases_batch21",
    "cases_batch22",
    "cases_batch23",
    "cases_batch24",
    "cases_batch25",
    "cases_batch26",
    "cases_batch27",
    "cases_batch28",
    "cases_batch29",
    "cases_batch30",
    "cases_batch31",
    "cases_batch32",
    "cases_batch33",
    "cases_batch34",
    "cases_batch35",
    "cases_batch36",
    "cases_batch37",
    "cases_batch38",
    "cases_batch39",
    "cases_batch40",
    "cases_batch41",
    "cases_batch42",
    "cases_batch43",
    "cases_batch44",
    "cases_batch45",
    "cases_batch46",
    "cases_batch47",
    "cases_batch48",
    "cases_batch49",
    "cases_batch50",
    "cases_batch51",
    "cases_batch52",
    "cases_batch53",
    "cases_batch54",
    "cases_batch55",
    "cases_batch56",
    "cases_batch57",
    "cases_batch58",
    "cases_batch59",
    "cases_batch60",
    "cases_batch61",
    "cases_batch62",
    "cases_batch63",
    "cases_batch64",
    "cases_batch65",
]


def write_only() -> None:
    """Write the cases of the modules asked for, leaving every other case file in place
    (``common.write_all`` clears the directory first)."""
    import yaml

    ids = [c["id"] for c in common.CASES]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SystemExit(f"duplicate ids: {dupes}")
    fcommon.OUT.mkdir(parents=True, exist_ok=True)
    for case in common.CASES:
        (fcommon.OUT / f"{case['id']}.yaml").write_text(
            yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100)
        )
    print(f"wrote {len(common.CASES)} cases to {fcommon.OUT}")


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
    if only:
        write_only()
    else:
        common.write_all()
    import freport

    freport.update_readme(fcommon.OUT)


if __name__ == "__main__":
    main(sys.argv[1:])
