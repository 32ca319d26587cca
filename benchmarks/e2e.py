"""End to end: events per second from POST to CodeRun file, with replayed context and the
test triage model.

    python benchmarks/e2e.py [--copies 5] [--workers 4] [--concurrency 32]
        [--backend postgres] [--processes N] [--sink-dir DIR]

Every labelled case of ``evals/cases/dev`` is copied ``--copies`` times as a distinct failure
(its run, job, check and alert ids, head SHA and branch changed, context kept) into a
replay folder; ``healer serve`` runs on SQLite with the file sink, the full router (pre-router,
then LLM triage with pydantic-ai's scripted test model for what is not obvious) and
admission caps lifted, so what is measured is Healer's own pipeline. The events are posted
``--concurrency`` at a time; the clock stops when every accepted failure has its CodeRun file
(or nothing is left to route); the server's CPU time (its processes', from ``/proc``) over
the same interval is reported per event, a figure the machine's load moves less than the
rate. The requests are built before the clock starts and sent over ``http11``'s lean
client; the generator's own CPU is printed beside the server's. The CodeRun files go to
memory (``/dev/shm``) unless ``--sink-dir`` says otherwise, and what creating a file costs
there and on the run's disk is printed (see ``sink_folder``). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from http11 import Connections, request_bytes
from intake import (
    PG_ADMIN,
    add_compiled_option,
    drop_pg,
    free_port,
    pg_database,
    replicas_started,
    serve_compiled,
    server_env,
)

from healer_agent.context.replay import load_case

ROOT = Path(__file__).resolve().parents[1]
STATUS_EVERY_S = 0.25
"""How long the folder must stop growing before ``/api/status`` is asked whether the run
ended (and how often it is asked then); while CodeRuns keep coming only the folder is read."""


def _iso(value: Any) -> str:
    """A YAML timestamp as the text it was written as (ISO 8601)."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def variant(case: dict[str, Any], n: int) -> dict[str, Any]:
    """Copy ``n`` of a case: another failure of the same kind, with the same context."""
    out = copy.deepcopy(case)
    out["id"] = f"{case['id']}-v{n}"
    if n == 0:
        return out
    payload = out["event"]["payload"]
    body = payload.get("body", payload) if isinstance(payload.get("body"), dict) else payload
    shift = 10_000_000 * n
    objects = [body.get(k) for k in ("workflow_run", "workflow_job", "check_run", "check_suite")]
    objects.append(body.get("alert"))
    if isinstance(body.get("check_run"), dict):
        # a check run's branch is its suite's: left as it was, every copy of a check run
        # case failed again on the original's branch, which Healer rightly takes for one
        # branch's failures (one remediation at a time), not distinct ones
        objects.append(body["check_run"].get("check_suite"))
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        for field in ("id", "run_id", "number"):
            if isinstance(obj.get(field), int):
                obj[field] += shift
        if isinstance(obj.get("head_sha"), str):
            obj["head_sha"] = f"{n:02x}{obj['head_sha'][2:]}"
        if isinstance(obj.get("head_branch"), str):
            obj["head_branch"] = f"{obj['head_branch']}-v{n}"
    return out


def request_of(case: dict[str, Any], host: str) -> bytes:
    """The request a case's event arrives as (sensor, security alert or webhook)."""
    event = case["event"]
    if event["type"] == "sensor":
        path, headers = "/api/remediate/ci-failure", {}
    elif event["type"].endswith("_alert"):
        path, headers = "/api/remediate/security-alert", {"X-GitHub-Event": event["type"]}
    else:
        path = "/api/github/webhook"
        headers = {"X-GitHub-Event": event["type"], "X-GitHub-Delivery": case["id"]}
    body = json.dumps(event["payload"], default=_iso).encode()
    return request_bytes("POST", host, path, body, headers)


async def post_all(connections: Connections, requests: list[bytes], concurrency: int) -> int:
    """Post every request, ``concurrency`` at a time; how many were accepted as new."""
    accepted = 0
    slots = asyncio.Semaphore(concurrency)

    async def one(request: bytes) -> None:
        nonlocal accepted
        async with slots:
            answer = await connections.send(request)
        if answer is None:
            raise ConnectionError("the server did not answer")
        status, body = answer
        if status == 202:
            data = json.loads(body)
            accepted += data["dedup_status"] == "new" and data["status"] == "accepted"

    await connections.warm(concurrency)
    try:
        await asyncio.gather(*(one(r) for r in requests))
    finally:
        connections.close()
    return accepted


def coderuns(folder: Path) -> int:
    """CodeRun files written so far (one directory read; a glob cost ~4 ms at 2,500 files)."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return 0
    return sum(1 for name in names if name.startswith("healer-ci-") and name.endswith(".yaml"))


def create_cost_us(folder: Path, count: int) -> float:
    """CPU microseconds to create one small file in ``folder``, over ``count`` of them.

    A file system's cost can depend on how many are created in a row (this VM's disk moved
    between 28 and 1,014 µs a file by the minute), so the count is the run's.
    """
    probe = Path(tempfile.mkdtemp(dir=folder))
    started = time.process_time()
    for n in range(count):
        (probe / f"{n}.yaml").write_bytes(b"x" * 2048)
    spent = time.process_time() - started
    shutil.rmtree(probe)
    return 1e6 * spent / count


def sink_folder(choice: Path | None, run_folder: Path) -> Path:
    """Where the file sink writes: ``--sink-dir``, else memory (``/dev/shm``) when there is one.

    The file sink stands in for the Kubernetes API here, and a new file's cost is the
    file system's: on some virtual disks creating thousands takes ~0.5-0.7 ms of kernel CPU
    each, 40 times tmpfs, as much as a tenth of an event. Both costs are printed.
    """
    if choice is not None:
        return choice
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="healer-e2e-", dir=shm)) / "coderuns"
    return run_folder / "coderuns"


def cpu_seconds(root: int) -> float:
    """User and system CPU seconds of ``root`` and its descendants so far (Linux ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, total, grew = {root}, 0.0, True
    while grew:
        grew = False
        for pid, (parent, _cpu) in stats.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    for pid in tree:
        total += stats.get(pid, (0, 0.0))[1]
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes: replicas sharing the database (PostgreSQL or the SQLite file)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="run in DIR (made, must not exist) and keep it: the SQLite database, the "
        "CodeRun files, the replayed cases and the server's log, to look at what happened",
    )
    parser.add_argument(
        "--sink-dir",
        type=Path,
        metavar="DIR",
        help="where the file sink writes the CodeRuns (default: a folder in /dev/shm when "
        "there is one, else in the run's folder)",
    )
    add_compiled_option(parser)
    args = parser.parse_args()
    compiled_dir = serve_compiled(args.compiled)
    pg = pg_database() if args.backend == "postgres" else None
    if args.backend == "postgres" and pg is None:
        raise SystemExit("PostgreSQL is not reachable on 127.0.0.1:5432")
    originals = [load_case(p) for p in sorted((ROOT / "evals" / "cases" / "dev").glob("*.yaml"))]
    cases = [variant(c, n) for n in range(args.copies) for c in originals]
    if args.keep is not None:
        args.keep.mkdir(parents=True)
    with (
        contextlib.nullcontext(str(args.keep.resolve()))
        if args.keep is not None
        else tempfile.TemporaryDirectory()
    ) as tmp:
        replay = Path(tmp) / "replay"
        replay.mkdir()
        for case in cases:
            # JSON, which the replay index reads with the json module: the cases are the
            # benchmark's fixture, and parsing hundreds of YAML files is not the pipeline
            (replay / f"{case['id']}.json").write_text(json.dumps(case, default=_iso))
        folder = sink_folder(args.sink_dir, Path(tmp))
        folder.mkdir(parents=True, exist_ok=True)
        port = free_port()
        store = (
            f"sqlite+aiosqlite:///{tmp}/e.db"
            if pg is None
            else f"{PG_ADMIN.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+asyncpg://')}"
            f"/{pg}"
        )
        env = {
            **os.environ,
            **server_env(store),
            "HEALER_STORE__URL": store,
            "HEALER_SINK__DIR": str(folder),
            "HEALER_CONTEXT__MODE": "replay",
            "HEALER_CONTEXT__REPLAY_DIR": str(replay),
            "HEALER_ROUTING__ROUTER": "full",
            "HEALER_TRIAGE__MODEL": "test",
            "HEALER_DEDUP__GROUP_WAIT_S": "0",
            "HEALER_WORKER__COUNT": str(args.workers),
            "HEALER_LOG_LEVEL": "WARNING",
            "HEALER_LOOP__MAX_IN_FLIGHT": "1000000",
            "HEALER_LOOP__MAX_IN_FLIGHT_PER_REPO": "1000000",
        }
        serve = ["serve", "--port", str(port), "--processes", str(args.processes)]
        proc = subprocess.Popen(
            [sys.executable, "-m", "healer_agent", *serve],
            env=env,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(tmp) / "serve.log", "wb"),  # noqa: SIM115 - the server holds it
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            replicas_started(Path(tmp) / "serve.log", args.processes, time.monotonic() + 120)
            connections = Connections(url)
            requests = [request_of(case, connections.host) for case in cases]
            cpu_before = cpu_seconds(proc.pid)
            started = time.perf_counter()
            driver_before = time.process_time()
            accepted = asyncio.run(post_all(connections, requests, args.concurrency))
            intake_s = time.perf_counter() - started
            done = 0
            with httpx.Client(base_url=url, timeout=30) as client:
                deadline = time.monotonic() + 600
                asked = grew = time.monotonic()
                while time.monotonic() < deadline:
                    seen = coderuns(folder)
                    if seen > done:
                        done, grew = seen, time.monotonic()
                    if done >= accepted:
                        break
                    # the status query counts every incident on the server's loop (~2 ms of
                    # its CPU each time): asked only once the folder stopped growing for a
                    # moment, which is how the end looks when some failures were
                    # deduplicated or escalated instead of getting a CodeRun
                    now = time.monotonic()
                    if now - grew >= STATUS_EVERY_S and now - asked >= STATUS_EVERY_S:
                        asked = now
                        queue = client.get("/api/status").json()["queue"]
                        if not queue["waiting_for_routing"] and not queue["inbox"].get("pending"):
                            break  # the rest were deduplicated or escalated, not lost
                    time.sleep(0.02)
            total_s = time.perf_counter() - started
            cpu_s = cpu_seconds(proc.pid) - cpu_before
            driver_s = time.process_time() - driver_before
            # how each failure ended: the CodeRuns are the dispatched ones; the others were
            # duplicates of another incident, escalated or skipped (the count varies with
            # the order the workers take a branch's incidents in)
            outcomes = httpx.get(f"{url}/api/status", timeout=30).json()["incidents"]
            # after the run, not to disturb it: as many files as it wrote, at most 1,000
            probes = min(1000, max(done, 100))
            costs = {
                "run folder": create_cost_us(Path(tmp), probes),
                "sink folder": create_cost_us(folder, probes),
            }
        except (httpx.TransportError, ConnectionError):
            # a replica that failed to start, or was killed as hung, shows here as a read
            # error: say what the server said before it went
            log = (Path(tmp) / "serve.log").read_text(errors="replace").splitlines()
            print("\n".join(["the server's last log lines:", *log[-40:]]), file=sys.stderr)
            raise
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            if args.sink_dir is None and not folder.is_relative_to(tmp):
                shutil.rmtree(folder.parent, ignore_errors=True)  # made in /dev/shm
            if pg is not None:
                drop_pg(pg)
    rate = done / total_s if total_s else 0.0
    cpu_ms = 1000 * cpu_s / len(cases)
    print(
        f"{len(cases)} events, {accepted} new failures, {done} CodeRuns in {total_s:.2f} s: "
        f"{rate:.1f} events/s from POST to CodeRun file (intake alone "
        f"{len(cases) / intake_s:.1f}/s; {args.workers} workers, {args.processes} process(es)); "
        f"the server's CPU {cpu_s:.2f} s, {cpu_ms:.1f} ms an event; this generator's "
        f"{driver_s:.2f} s"
    )
    print(
        f"CodeRun files in {folder}: creating a file costs {costs['sink folder']:.0f} µs "
        f"of CPU there, {costs['run folder']:.0f} µs in the run's folder (the database's)"
    )
    print("incidents by status: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(
        json.dumps(
            {
                "benchmark": "e2e",
                "events": len(cases),
                "accepted": accepted,
                "coderuns": done,
                "seconds": round(total_s, 2),
                "events_per_s": round(rate, 1),
                "intake_per_s": round(len(cases) / intake_s, 1),
                "server_cpu_ms_per_event": round(cpu_ms, 2),
                "generator_cpu_s": round(driver_s, 2),
                "file_create_us": {k: round(v, 1) for k, v in costs.items()},
                "workers": args.workers,
                "processes": args.processes,
                "backend": args.backend,
                "compiled": args.compiled is not None,
                "incidents": outcomes,
            }
        )
    )
    if compiled_dir is not None:
        compiled_dir.cleanup()


if __name__ == "__main__":
    main()
