"""Start-up: `healer serve` until /ready answers, and `healer --help`, against a bare
`python -c pass` measured in the same run (the interpreter's own start is the floor).

    python benchmarks/startup.py [--runs 5]

Each serve run uses a fresh SQLite file (so migrations run, as on a first start) and the
embedded defaults otherwise (replayed context over evals/cases, file sink). Ends with one
JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def serve_ready(tmp: Path, n: int) -> float:
    port = free_port()
    env = {
        **os.environ,
        "HEALER_STORE__URL": f"sqlite+aiosqlite:///{tmp}/h{n}.db",
        "HEALER_SINK__DIR": str(tmp / "coderuns"),
        "HEALER_CONTEXT__REPLAY_DIR": str(ROOT / "evals" / "cases"),
        "PYTHONPATH": str(ROOT),  # this tree's healer_agent: the server starts in a temp dir
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "healer_agent", "serve", "--port", str(port)],
        env=env,
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(timeout=1.0) as client:
            while True:
                try:
                    if client.get(f"http://127.0.0.1:{port}/ready").status_code == 200:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    pass
                if proc.poll() is not None:
                    raise SystemExit(f"healer serve exited with {proc.returncode}")
                time.sleep(0.005)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bare = [timed([sys.executable, "-c", "pass"]) for _ in range(args.runs)]
    helps = [timed([sys.executable, "-m", "healer_agent", "--help"]) for _ in range(args.runs)]
    with tempfile.TemporaryDirectory() as tmp:
        readies = [serve_ready(Path(tmp), n) for n in range(args.runs)]
    rows = {"python -c pass": bare, "healer --help": helps, "healer serve → /ready": readies}
    print(f"{'what':<24} {'median s':>9} {'min s':>7} {'x bare':>7}")
    base = statistics.median(bare)
    for name, values in rows.items():
        med = statistics.median(values)
        print(f"{name:<24} {med:>9.3f} {min(values):>7.3f} {med / base:>7.1f}")
    print(
        json.dumps(
            {
                "bare_s": round(base, 3),
                "help_s": round(statistics.median(helps), 3),
                "serve_ready_s": round(statistics.median(readies), 3),
                "runs": args.runs,
            }
        )
    )


if __name__ == "__main__":
    main()
