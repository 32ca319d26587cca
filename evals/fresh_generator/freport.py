"""Counts of the fresh cases for README.md (the holdout's ``report.counts``, reused)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import fcommon  # sets up the holdout modules first

# isort: split
import report

README = Path(__file__).resolve().parent / "README.md"


def update_readme(directory: Path) -> None:
    if not README.exists():
        return
    text = README.read_text()
    block = "<!-- counts:start -->\n" + report.counts(directory) + "<!-- counts:end -->"
    text = re.sub(r"<!-- counts:start -->.*?<!-- counts:end -->", lambda _: block, text, flags=re.S)
    README.write_text(text)


if __name__ == "__main__":
    print(report.counts(fcommon.OUT if len(sys.argv) < 2 else Path(sys.argv[1])))
