"""Count the cases per agent, failure type and tag, and write the tables into
``evals/README.md`` between the ``counts`` markers (``python evals/generator/report.py``)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- counts:start -->", "<!-- counts:end -->"


def tables(cases_dir: Path) -> str:
    cases = [yaml.safe_load(p.read_text()) for p in sorted(cases_dir.glob("*.yaml"))]
    agents = Counter(c["expected"]["agent"] for c in cases)
    types = Counter(c["expected"]["failure_type"] for c in cases)
    tags = Counter(t for c in cases for t in c["tags"])
    events = Counter(c["event"]["type"] for c in cases)
    hard = sum("obvious" not in c["tags"] for c in cases)
    out = [
        f"{len(cases)} cases; {hard} ({hard * 100 // len(cases)}%) are not tagged `obvious`.",
        "",
    ]
    for title, counter in (
        ("agent", agents),
        ("failure type", types),
        ("tag", tags),
        ("event type", events),
    ):
        out += [f"| {title} | cases |", "|---|---|"]
        out += [f"| {k} | {v} |" for k, v in sorted(counter.items())]
        out.append("")
    return "\n".join(out)


def write_readme_counts(cases_dir: Path) -> None:
    text = README.read_text() if README.exists() else f"{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{tables(cases_dir)}{END}{tail}")


if __name__ == "__main__":
    write_readme_counts(Path(sys.argv[1]) if len(sys.argv) > 1 else README.parent / "cases")
