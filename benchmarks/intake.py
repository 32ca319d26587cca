"""Intake throughput and latency: Healer's signed webhook endpoint against a bare Starlette
endpoint that answers 202, both under uvicorn, driven by the same load generator in the
same run. Prints a table and a final JSON line with ``ratio`` (Healer's throughput over
the bare endpoint's) and ``p99_ms`` (Healer's, at the fixed 200 requests/s phase).

    python benchmarks/intake.py [--quick] [--backend sqlite|postgres|both]

Phases per server: a closed-loop burst (``--concurrency`` clients, ``--requests`` total)
for throughput, then an open-loop fixed rate of 200 requests/s for latency. Every request
is a distinct delivery of a distinct failed run, so each is real work (stored, normalised,
deduped, queued). Everything binds 127.0.0.1; the machine has 2 cores, shared by the
server and the generator, which caps both numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret"
BARE_APP = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

async def hook(request):
    await request.body()
    return JSONResponse({"status": "accepted"}, status_code=202)

app = Starlette(routes=[Route("/api/github/webhook", hook, methods=["POST"]),
                        Route("/health", lambda r: JSONResponse({}), methods=["GET"])])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def payload_template() -> dict[str, Any]:
    shared = ROOT.parent / "shared" / "fixtures" / "github-webhooks"
    if not shared.is_dir():
        shared = Path("/work/shared/fixtures/github-webhooks")
    data: dict[str, Any] = json.loads((shared / "workflow_job/completed-1.json").read_text())
    return data


def signed_bodies(count: int, offset: int = 0) -> list[tuple[bytes, dict[str, str]]]:
    from healer_agent.intake.signature import sign

    base = payload_template()
    out = []
    for n in range(offset, offset + count):
        base["workflow_job"]["run_id"] = 5_000_000 + n
        base["workflow_job"]["id"] = 9_000_000 + n
        base["workflow_job"]["head_branch"] = f"bench/{n}"
        body = json.dumps(base).encode()
        out.append((body, {"Content-Type": "application/json", "X-GitHub-Event": "workflow_job",
                           "X-GitHub-Delivery": str(uuid.uuid4()),
                           "X-Hub-Signature-256": sign(SECRET, body)}))
    return out


def start(kind: str, workdir: Path, database_url: str | None) -> tuple[subprocess.Popen[bytes],
                                                                       str]:
    port = free_port()
    env = {**os.environ, "HEALER_INTAKE__WEBHOOK_SECRET": SECRET, "HEALER_SINK__KIND": "file",
           "HEALER_SINK__DIR": str(workdir / "coderuns"), "HEALER_CONTEXT__MODE": "none",
           "HEALER_ROUTING__ROUTER": "prerouter", "HEALER_DEDUP__GROUP_WAIT_S": "0", "HEALER_WORKER__COUNT": "1",
           "HEALER_STORE__URL": database_url or ""}
    if kind == "bare":
        (workdir / "bare_app.py").write_text(BARE_APP)
        cmd = [sys.executable, "-m", "uvicorn", "bare_app:app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]
    else:
        cmd = [sys.executable, "-m", "healer_agent", "serve", "--port", str(port)]
    log = (workdir / f"{kind}.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{kind} server did not start")


async def post_one(client: httpx.AsyncClient, body: bytes, headers: dict[str, str]
                   ) -> tuple[bool, float]:
    """One delivery: whether it got its 202, and the latency in ms."""
    started = time.perf_counter()
    try:
        response = await client.post("/api/github/webhook", content=body, headers=headers)
        ok = response.status_code == 202
    except httpx.HTTPError:
        ok = False
    return ok, (time.perf_counter() - started) * 1000


async def burst(url: str, bodies: list[tuple[bytes, dict[str, str]]], concurrency: int
                ) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    queue = list(bodies)
    async with httpx.AsyncClient(base_url=url, timeout=30,
                                 limits=httpx.Limits(max_connections=concurrency)) as client:
        async def worker() -> None:
            nonlocal errors
            while queue:
                body, headers = queue.pop()
                ok, ms = await post_one(client, body, headers)
                latencies.append(ms)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": round(len(bodies) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2), "errors": errors}


async def fixed_rate(url: str, bodies: list[tuple[bytes, dict[str, str]]], rate: float
                     ) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=url, timeout=30,
                                 limits=httpx.Limits(max_connections=200)) as client:
        async def one(body: bytes, headers: dict[str, str]) -> None:
            nonlocal errors
            ok, ms = await post_one(client, body, headers)
            latencies.append(ms)
            errors += not ok

        tasks = []
        started = time.perf_counter()
        for n, (body, headers) in enumerate(bodies):
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(body, headers)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rate": rate, "achieved_rps": round(len(bodies) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2), "errors": errors}


def pg_database() -> str | None:
    import asyncpg

    name = f"healer_bench_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=3)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

    try:
        asyncio.run(create())
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return None
    return name


def drop_pg(name: str) -> None:
    import asyncpg

    async def drop() -> None:
        conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    asyncio.run(drop())


def measure(kind: str, database_url: str | None, burst_n: int, rate_n: int, concurrency: int
            ) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start(kind, Path(tmp), database_url)
        try:
            asyncio.run(burst(url, signed_bodies(20), 4))  # warm-up
            result = asyncio.run(burst(url, signed_bodies(burst_n), concurrency))
            result["fixed_rate"] = asyncio.run(fixed_rate(url, signed_bodies(rate_n), 200.0))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small counts: under a minute")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    burst_n, rate_n = (400, 600) if args.quick else (3000, 2000)
    results: dict[str, Any] = {"bare": measure("bare", None, burst_n, rate_n, args.concurrency)}
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite+aiosqlite:///{tmp}/bench.db"
                results["sqlite"] = measure("healer", url, burst_n, rate_n, args.concurrency)
        else:
            name = pg_database()
            if name is None:
                results["postgres"] = {"skipped": "PostgreSQL not reachable on 127.0.0.1:5432"}
                continue
            try:
                url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
                results["postgres"] = measure("healer", url, burst_n, rate_n, args.concurrency)
            finally:
                drop_pg(name)
    bare = results["bare"]
    print(f"{'server':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}   @200/s p50{'':>3}p99  errors")
    for name, row in results.items():
        if "skipped" in row:
            print(f"{name:<10} skipped: {row['skipped']}")
            continue
        fixed = row["fixed_rate"]
        print(f"{name:<10}{row['rps']:>9}{row['p50_ms']:>9}{row['p99_ms']:>9}   "
              f"{fixed['p50_ms']:>8}{fixed['p99_ms']:>7}  {row['errors'] + fixed['errors']}")
    first = backends[0]
    summary = {"benchmark": "intake", "quick": args.quick, "cores": os.cpu_count(),
               "ratio": round(results[first]["rps"] / bare["rps"], 3)
               if "rps" in results[first] else None,
               "p99_ms": results[first]["fixed_rate"]["p99_ms"]
               if "fixed_rate" in results[first] else None,
               "backend": first, "results": results}
    for backend in backends[1:]:
        if "rps" in results[backend]:
            summary[f"ratio_{backend}"] = round(results[backend]["rps"] / bare["rps"], 3)
            summary[f"p99_ms_{backend}"] = results[backend]["fixed_rate"]["p99_ms"]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
