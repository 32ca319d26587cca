"""Excerpt time for 1, 10 and 50 MB logs against one `grep -E` pass, and pre-router
decisions per second. Prints a table and a final JSON line.

    python benchmarks/logs.py [--sizes 1,10,50]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

from healer_agent.logs import excerpt_text
from healer_agent.logs.errors import _DETECTORS
from healer_agent.models import ContextBundle, Incident, JobLog
from healer_agent.routing.prerouter import PreRouter

TS = "2025-01-15T10:30:02.1234567Z "
NOISE = [
    "   Compiling serde_derive v1.0.197",
    "   Compiling tokio v1.36.0",
    "npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
    "warning: unused import: `std::collections::HashMap`",
    " --> crates/healer/src/lib.rs:3:5",
    "test tests::it_parses ... ok",
]
HEADER = ["Current runner version: '2.321.0'", "##[group]Run actions/checkout@v4",
          "##[endgroup]", "##[group]Run cargo test --workspace", "cargo test --workspace",
          "##[endgroup]"]
ERROR = ["error[E0425]: cannot find value `undefined_var` in this scope",
         " --> crates/healer/src/main.rs:4:13",
         "error: could not compile `healer` (bin \"healer\") due to 1 previous error"]


def make_log(path: Path, megabytes: int) -> int:
    target = megabytes * 1024 * 1024
    lines: list[str] = [TS + h for h in HEADER]
    size = 0
    n = 0
    while size < target:
        line = TS + NOISE[n % len(NOISE)]
        if n == 5000:  # the error sits near the start; the rest is noise to scan
            for err in ERROR:
                lines.append(TS + err)
        lines.append(line)
        size += len(line) + 1
        n += 1
    lines.append(TS + "##[error]Process completed with exit code 101.")
    path.write_text("\n".join(lines))
    return path.stat().st_size


def grep_pattern() -> str:
    # one extended regex of the same error vocabulary (grep -E has no lookarounds)
    simple = ["^.{29}error(\\[E[0-9]{4}\\])?: ", "error TS[0-9]{4}: ", "npm (ERR!|error) ",
              "ERROR: failed to solve", "##\\[error\\]", "CONFLICT \\(", "test result: FAILED",
              "panicked at ", "Diff in ", "error during build", "FAIL ", "fatal: "]
    assert _DETECTORS  # the excerpt's detectors are richer; grep gets the common core
    return "|".join(simple)


def time_it(fn: object, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,10,50")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"log-{mb}.txt"
            size = make_log(path, mb)
            pattern = grep_pattern()
            grep_s = time_it(lambda p=path, rx=pattern: subprocess.run(
                ["grep", "-E", "-c", rx, str(p)], capture_output=True, check=False))
            text = path.read_text()
            excerpt_s = time_it(lambda t=text: excerpt_text(t), repeat=2)
            rows.append({"mb": mb, "bytes": size, "grep_s": round(grep_s, 4),
                         "excerpt_s": round(excerpt_s, 4),
                         "ratio_vs_grep": round(excerpt_s / grep_s, 2),
                         "excerpt_mb_per_s": round(size / 1048576 / excerpt_s, 1)})
    router = PreRouter()
    log = "\n".join(TS + line for line in [*HEADER, *NOISE * 70, *ERROR])
    incident = Incident(kind="ci_failure", event_type="workflow_job", repository="o/r",
                        run_key="o/r#run:1:1", workflow_name="Controller CI", job_names=("b",))
    context = ContextBundle(logs=(JobLog(job_name="b", text=log),),
                            changed_files=("crates/healer/src/main.rs",))
    count = 300
    started = time.perf_counter()
    for _ in range(count):
        router.decide(incident, context)
    per_s = count / (time.perf_counter() - started)
    for row in rows:
        print(f"{row['mb']:>4} MB  excerpt {row['excerpt_s']:.3f}s  grep -E {row['grep_s']:.3f}s"
              f"  ratio {row['ratio_vs_grep']:.2f}x  ({row['excerpt_mb_per_s']} MB/s)")
    linear = (rows[-1]["excerpt_s"] / rows[0]["excerpt_s"]) / (rows[-1]["mb"] / rows[0]["mb"]) \
        if len(rows) > 1 else 1.0
    print(f"pre-router: {per_s:.0f} decisions/s on a {len(log)//1024} KB log")
    print(json.dumps({"benchmark": "logs", "sizes": rows, "linearity": round(linear, 2),
                      "prerouter_decisions_per_s": round(per_s, 1)}))


if __name__ == "__main__":
    main()
