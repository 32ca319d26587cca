"""RSS of `healer serve` idle and after N events (default 10,000). Prints a final JSON line.

python benchmarks/memory.py [--events 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake import burst, signed_bodies, start


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start("healer", Path(tmp), f"sqlite+aiosqlite:///{tmp}/m.db")
        try:
            time.sleep(2)
            idle = rss_kb(proc.pid)
            started = time.perf_counter()
            sent = 0
            while sent < args.events:
                chunk = min(1000, args.events - sent)
                asyncio.run(burst(url, signed_bodies(chunk, offset=sent), 16))
                sent += chunk
            time.sleep(3)
            after = rss_kb(proc.pid)
            elapsed = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(
        f"RSS idle {idle / 1024:.1f} MiB, after {args.events} events {after / 1024:.1f} MiB "
        f"({elapsed:.0f} s)"
    )
    print(
        json.dumps(
            {
                "benchmark": "memory",
                "events": args.events,
                "rss_idle_mib": round(idle / 1024, 1),
                "rss_after_mib": round(after / 1024, 1),
                "seconds": round(elapsed, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
