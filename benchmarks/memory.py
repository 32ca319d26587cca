"""RSS of `healer serve` idle and after a load of distinct failures. Prints a JSON line.

python benchmarks/memory.py [--seconds 20]

The load is `wrk` posting a distinct failed run per request (as benchmarks/intake.py does)
for ``--seconds``; then the workers are given a few seconds to settle.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake import WRK_SCRIPT, start, wrk


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start("healer", Path(tmp), f"sqlite+aiosqlite:///{tmp}/m.db")
        try:
            time.sleep(2)
            idle = rss_kb(proc.pid)
            started = time.perf_counter()
            script = Path(tmp) / "post.lua"
            script.write_text(WRK_SCRIPT)
            load = wrk(url, script, args.seconds, 5_000_000_000)
            events = int(load["rps"] * args.seconds)
            time.sleep(5)
            after = rss_kb(proc.pid)
            elapsed = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(
        f"RSS idle {idle / 1024:.1f} MiB, after ~{events} events {after / 1024:.1f} MiB "
        f"({elapsed:.0f} s)"
    )
    print(
        json.dumps(
            {
                "benchmark": "memory",
                "events": events,
                "rss_idle_mib": round(idle / 1024, 1),
                "rss_after_mib": round(after / 1024, 1),
                "seconds": round(elapsed, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
