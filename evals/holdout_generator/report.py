"""Counts of the holdout cases (agent, failure type, tag, event type) for the README."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

README = Path(__file__).resolve().parent / "README.md"


def counts(directory: Path) -> str:
    cases = [yaml.safe_load(p.read_text()) for p in sorted(directory.glob("*.yaml"))]
    agents = Counter(c["expected"]["agent"] for c in cases)
    types = Counter(c["expected"]["failure_type"] for c in cases)
    tags = Counter(t for c in cases for t in c.get("tags") or [])
    events = Counter(c["event"]["type"] for c in cases)
    plain = tags.get("obvious", 0)
    out = [
        f"{len(cases)} cases; {plain} ({100 * plain // max(len(cases), 1)}%) tagged `obvious`.",
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
    return "\n".join(out).rstrip() + "\n"


def update_readme(directory: Path) -> None:
    """Rewrite the block between the counts markers of README.md."""
    if not README.exists():
        return
    text = README.read_text()
    block = "<!-- counts:start -->\n" + counts(directory) + "<!-- counts:end -->"
    text = re.sub(r"<!-- counts:start -->.*?<!-- counts:end -->", lambda _: block, text, flags=re.S)
    README.write_text(text)


if __name__ == "__main__":
    print(counts(Path(__file__).resolve().parents[1] / "cases" / "holdout"))
