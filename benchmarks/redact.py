"""Redaction throughput (MB/s) against baselines measured in the same run.

    python benchmarks/redact.py [--repeat 5]

(a) a 1 MB CI log built from the dataset's real logs, no secrets;
(b) the same log with a secret from the corpus every 150 lines;
(c) a 30 KB pull_request webhook payload through ``redact_json``.

Baselines: one ``re.search`` of a pattern that never matches over the same text (the
floor for touching every byte from Python), and the previous implementation (the
``redact.py`` of the commit before the rewrite, read from git; skipped when git or the
commit is not there). Ratios are what to compare; absolute numbers depend on the machine.
Prints a table and a final JSON line.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

# this tree's healer_agent, not the installed one (an editable install may be another tree)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from healer_agent.logs.redact import redact, redact_json

ROOT = Path(__file__).resolve().parents[1]
PREVIOUS = "42f2a4d"  # the last commit with the single-pass redact.py
PAYLOAD = ROOT / "tests/fixtures/github-webhooks/pull_request/labeled-2.json"


def dev_logs() -> list[str]:
    lines: list[str] = []
    for path in sorted((ROOT / "evals/cases/dev").glob("*.yaml")):
        try:
            case = yaml.safe_load(path.read_text())
        except FileNotFoundError:  # the dataset is being rebuilt
            continue
        for text in ((case.get("context") or {}).get("logs") or {}).values():
            lines.extend(str(text).splitlines())
    return lines


def make_log(lines: list[str], size: int) -> str:
    out: list[str] = []
    total = 0
    i = 0
    while total < size:
        line = lines[i % len(lines)]
        out.append(line)
        total += len(line) + 1
        i += 1
    return "\n".join(out)


def sprinkle(log: str, every: int = 150) -> tuple[str, list[str]]:
    corpus = yaml.safe_load((ROOT / "tests/fixtures/secrets/corpus.yaml").read_text())
    lines = log.split("\n")
    planted: list[str] = []
    out: list[str] = []
    for n, line in enumerate(lines):
        out.append(line)
        if n % every == every - 1:
            case = corpus[(n // every) % len(corpus)]
            out.extend("2026-11-28T21:04:05.1234567Z " + t for t in case["text"].splitlines())
            planted.append(case["secret"])
    return "\n".join(out), planted


def previous() -> Callable[[str], str] | None:
    try:
        source = subprocess.run(
            ["git", "show", f"{PREVIOUS}:healer_agent/logs/redact.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("redact_previous")
    sys.modules[module.__name__] = module
    exec(compile(source, "redact_previous.py", "exec"), module.__dict__)
    func: Callable[[str], str] = module.redact
    return func


def old_json(old: Callable[[str], str]) -> Callable[[Any], Any]:
    """The previous payload walk: every string of 8+ characters through ``redact``."""

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return old(value) if len(value) >= 8 else value
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk


def best(func: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    clean = make_log(dev_logs(), 1024 * 1024)
    dirty, planted = sprinkle(clean)
    payload = json.loads(PAYLOAD.read_text())
    payload_size = len(PAYLOAD.read_bytes())
    never = re.compile(r"zq\x00xj")
    old = previous()
    redact(clean), redact_json(payload)  # compile patterns and import plugins first

    leaked = [s for s in planted if s in redact(dirty)]
    old_out = old(dirty) if old else ""
    old_leaked = [s for s in planted if s in old_out] if old else []
    rows: list[dict[str, Any]] = []
    for name, text in (
        ("a) 1 MB log, no secrets", clean),
        (f"b) 1 MB log, {len(planted)} secrets", dirty),
    ):
        mb = len(text.encode()) / 1e6
        base = best(lambda t=text: never.search(t), args.repeat)  # type: ignore[misc]
        ours = best(lambda t=text: redact(t), args.repeat)  # type: ignore[misc]
        prev = best(lambda t=text: old(t), args.repeat) if old else None  # type: ignore[misc]
        rows.append(
            {
                "case": name,
                "mb": round(mb, 2),
                "redact_mb_s": round(mb / ours, 1),
                "re_search_mb_s": round(mb / base, 1),
                "previous_mb_s": round(mb / prev, 1) if prev else None,
                "vs_re_search": round(ours / base, 1),
                "vs_previous": round(ours / prev, 2) if prev else None,
            }
        )
    mb = payload_size / 1e6
    base = best(lambda: json.loads(json.dumps(payload)), args.repeat * 20)
    ours = best(lambda: redact_json(payload), args.repeat * 20)
    prev = best(lambda: old_json(old)(payload), args.repeat * 20) if old else None
    rows.append(
        {
            "case": f"c) {payload_size // 1024} KB webhook, redact_json",
            "mb": round(mb, 3),
            "redact_mb_s": round(mb / ours, 1),
            "json_roundtrip_mb_s": round(mb / base, 1),
            "previous_mb_s": round(mb / prev, 1) if prev else None,
            "vs_json_roundtrip": round(ours / base, 1),
            "vs_previous": round(ours / prev, 2) if prev else None,
            "ms": round(ours * 1000, 2),
        }
    )

    print(
        f"{'case':34} {'MB/s':>8} {'baseline MB/s':>14} {'x baseline':>10} "
        f"{'previous MB/s':>14} {'x previous':>10}"
    )
    for row in rows:
        base_rate = row.get("re_search_mb_s") or row.get("json_roundtrip_mb_s")
        ratio = row.get("vs_re_search") or row.get("vs_json_roundtrip")
        print(
            f"{row['case']:34} {row['redact_mb_s']:>8} {base_rate:>14} {ratio:>10} "
            f"{row['previous_mb_s'] or '-':>14} {row['vs_previous'] or '-':>10}"
        )
    print(
        f"secrets left in (b): {len(leaked)} of {len(planted)}"
        + (f" (previous implementation: {len(old_leaked)})" if old else "")
    )
    print(
        json.dumps(
            {
                "rows": rows,
                "leaked": len(leaked),
                "planted": len(planted),
                "previous_leaked": len(old_leaked) if old else None,
            }
        )
    )


if __name__ == "__main__":
    main()
