"""End to end: events per second from intake to CodeRun file, with context replayed.

Starts `healer serve` (SQLite, file sink, HEALER_CONTEXT__MODE=replay over evals/cases), posts
every labelled case's event, and measures until each accepted failure has its CodeRun
file. Prints a table line and a final JSON line.

    python benchmarks/e2e.py [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intake import free_port

from healer_agent.context.replay import load_case

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    cases = [load_case(p) for p in sorted((ROOT / "evals" / "cases" / "dev").glob("*.yaml"))]
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {**os.environ, "HEALER_STORE__URL": f"sqlite+aiosqlite:///{tmp}/e.db",
               "HEALER_SINK__DIR": f"{tmp}/coderuns", "HEALER_CONTEXT__MODE": "replay",
               "HEALER_CONTEXT__REPLAY_DIR": str(ROOT / "evals" / "cases"),
               "HEALER_ROUTING__ROUTER": "prerouter",
               "HEALER_DEDUP__GROUP_WAIT_S": "0", "HEALER_WORKER__COUNT": str(args.workers),
               "HEALER_DEDUP__WINDOW_S": "0"}
        import subprocess

        proc = subprocess.Popen([sys.executable, "-m", "healer_agent", "serve", "--port",
                                 str(port)], env=env, cwd=tmp, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            accepted = 0
            started = time.perf_counter()
            with httpx.Client(base_url=url, timeout=30) as client:
                for case in cases:
                    event = case["event"]
                    if event["type"] == "sensor":
                        response = client.post("/api/remediate/ci-failure",
                                               json=event["payload"])
                    elif event["type"].endswith("_alert"):
                        response = client.post("/api/remediate/security-alert",
                                               json=event["payload"],
                                               headers={"X-GitHub-Event": event["type"]})
                    else:
                        response = client.post("/api/github/webhook", json=event["payload"],
                                               headers={"X-GitHub-Event": event["type"],
                                                        "X-GitHub-Delivery": case["id"]})
                    if response.status_code == 202 and response.json()["dedup_status"] == "new":
                        accepted += 1
                intake_s = time.perf_counter() - started
                folder = Path(tmp) / "coderuns"
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    done = len(list(folder.glob("healer-ci-*.yaml"))) if folder.is_dir() else 0
                    if done >= accepted:
                        break
                    status = client.get("/api/status").json()
                    if not status["queue"]["waiting_for_routing"] and not status["queue"][
                            "inbox"].get("pending"):
                        break  # the rest were deduplicated or escalated, not lost
                    time.sleep(0.05)
            total_s = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    rate = done / total_s if total_s else 0.0
    print(f"{len(cases)} events, {accepted} new failures, {done} CodeRuns in {total_s:.2f} s "
          f"({rate:.1f} events/s end to end; intake alone {len(cases) / intake_s:.1f}/s)")
    print(json.dumps({"benchmark": "e2e", "events": len(cases), "accepted": accepted,
                      "coderuns": done, "seconds": round(total_s, 2),
                      "events_per_s": round(rate, 1),
                      "intake_per_s": round(len(cases) / intake_s, 1)}))


if __name__ == "__main__":
    main()
