"""Intake throughput and latency, measured at the server: Healer against bare endpoints.

    python benchmarks/intake.py [--quick] [--backend sqlite|postgres|both] [--processes N]

Servers, each one uvicorn process on 127.0.0.1 started by the same ``uvicorn.run`` call
(``healer serve``'s settings; the JSON line says which loop and HTTP parser "auto" chose),
driven in the same run:
- ``bare``: a Starlette endpoint that parses the JSON body and answers 202;
- ``bare+postgres``: the same, committing each body to PostgreSQL first (asyncpg);
- ``bare+sqlite``: the same, committing each body to SQLite first (``sqlite3`` on the loop,
  WAL, ``synchronous=NORMAL`` and a group commit of the bodies of one loop turn, as Healer
  does; each body keyed by its digest, unique, as Healer keys a body that names no
  delivery): the floor of a durable intake in this stack, with no check, no dedup lookup
  and no answer beyond the 202;
- ``healer``: ``healer serve`` (pre-router, no context, file sink) on SQLite or PostgreSQL.

Throughput comes from ``wrk`` (compiled, so the generator is not the bottleneck: 1 thread,
32 connections), every request a distinct failed run posted to
``/api/remediate/ci-failure``. Latency comes from an open-loop generator at a fixed 200
requests/s (raw asyncio streams, so the generator is not the bottleneck: the bare
endpoint's p99 in the same run is its floor): each request is sent at its scheduled time
whatever the earlier ones are doing, and timed from that schedule, so a stalled server
shows in p99 rather than hiding it.

The final line is JSON: ``ratio`` (Healer on the first backend over its bare endpoint:
``bare`` for SQLite, ``bare+postgres`` for PostgreSQL), ``p99_ms`` at 200/s,
``healer_rps``, ``bare_rps``, ``backend``, and every row measured; on SQLite also
``floor_ratio`` (``bare+sqlite`` over ``bare``: how much of the bare endpoint durability
alone leaves) and ``ratio_to_floor`` (Healer over ``bare+sqlite``). With ``--processes N``
Healer in N processes (``healer serve --processes N``: replicas sharing the inbox) is
measured too, on each backend, against the bare endpoints in N processes (on SQLite ``bare``
and ``bare+sqlite``, the processes sharing one file; on PostgreSQL ``bare+postgres``): the
rows ``... xN``, and the ratios in N processes beside the one-process ones.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import shutil
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
from http11 import Connections, request_bytes

ROOT = Path(__file__).resolve().parents[1]
SERVER_ROOT = ROOT
"""Where the server imports ``healer_agent`` from: this tree, or its compiled copy."""
PAYLOAD_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
"""PostgreSQL's replicas share a key from a Secret, as a deployment that seals bodies does
(without one they store bodies redacted); SQLite makes its own beside the database."""


def add_compiled_option(parser: argparse.ArgumentParser) -> None:
    """``--compiled [DIR]``: serve Healer with its core compiled, as the image ships it."""
    parser.add_argument(
        "--compiled",
        nargs="?",
        const="",
        default=None,
        metavar="DIR",
        help="serve Healer with its core compiled (mypyc), as the image ships it: from DIR, "
        "a copy `scripts/compile_core.py DIR` made, or from one made for this run",
    )


def serve_compiled(choice: str | None) -> tempfile.TemporaryDirectory[str] | None:
    """Point the server at the compiled copy ``--compiled`` asked for; the folder to clean."""
    global SERVER_ROOT
    if choice is None:
        return None
    if choice:
        SERVER_ROOT = Path(choice).resolve()
        return None
    made = tempfile.TemporaryDirectory()
    sys.path.insert(0, str(ROOT / "scripts"))
    from compile_core import compile_copy

    print(f"compiling the core into {made.name} (minutes)...", file=sys.stderr, flush=True)
    SERVER_ROOT = compile_copy(Path(made.name))
    return made


def server_env(database_url: str | None) -> dict[str, str]:
    """What a Healer server of this tree needs in its environment beyond ``os.environ``."""
    env = {
        # The tree this script belongs to, not whichever healer_agent is installed: the
        # server runs in a temporary directory, where the import would find the latter.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(SERVER_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    if database_url and database_url.startswith("postgresql"):
        env["HEALER_STORE__PAYLOAD_KEY"] = PAYLOAD_KEY
    return env


PATH = "/api/remediate/ci-failure"
PG_ADMIN = os.environ.get("HEALER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")

BARE_APP = """
import asyncio, contextlib, hashlib, json, os
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

DSN = os.environ.get("BARE_PG")
SQLITE = os.environ.get("BARE_SQLITE")
pool = None
db = None

@contextlib.asynccontextmanager
async def lifespan(app):
    global pool, db
    if SQLITE:
        import sqlite3
        db = sqlite3.connect(SQLITE, isolation_level=None)
        db.execute("PRAGMA busy_timeout=30000")  # another process's commit: wait for it
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS inbox (id integer PRIMARY KEY, "
                   "delivery text UNIQUE, body text)")
    if DSN:
        import asyncpg
        pool = await asyncpg.create_pool(DSN, min_size=4, max_size=16)
        async with pool.acquire() as conn:
            await conn.execute("CREATE TABLE IF NOT EXISTS inbox (id bigserial PRIMARY KEY, "
                               "delivery text UNIQUE, body text)")
    yield

waiting = []
flusher = None

async def flush():
    # group commit, as Healer's intake does: the bodies of one loop turn, one commit
    global flusher
    try:
        while waiting:
            await asyncio.sleep(0)
            batch = waiting[:64]
            del waiting[:len(batch)]
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT INTO inbox (delivery, body) VALUES (?, ?)",
                           [(d, b) for d, b, _ in batch])
            db.execute("COMMIT")
            for _, _, done in batch:
                done.set_result(None)
    finally:
        flusher = None

async def stored(delivery, body):
    global flusher
    done = asyncio.get_running_loop().create_future()
    waiting.append((delivery, body, done))
    if flusher is None:
        flusher = asyncio.get_running_loop().create_task(flush())
    await done

async def hook(request):
    raw = await request.body()
    body = json.loads(raw)
    if db is not None:  # keyed as Healer keys a body without a delivery id: its digest
        await stored(hashlib.sha256(raw).hexdigest(), raw.decode())
    if pool is not None:
        async with pool.acquire() as conn:
            await conn.execute("INSERT INTO inbox (delivery, body) VALUES ($1, $2)",
                               str(body["workflow_run"]["id"]), raw.decode())
    return JSONResponse({"status": "accepted"}, status_code=202)

async def health(request):
    return JSONResponse({"status": "healthy"})

app = Starlette(routes=[Route("PATH", hook, methods=["POST"]),
                        Route("/health", health, methods=["GET"])], lifespan=lifespan)

if __name__ == "__main__":
    import sys
    import uvicorn

    # The keyword arguments of healer_agent/cli.py's `serve`, so both servers run with the
    # same uvicorn settings (loop and HTTP parser "auto": uvloop and httptools when
    # installed), in one process each unless a second argument says how many.
    processes = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    uvicorn.run(app if processes == 1 else "bare_app:app", workers=processes,
                host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
                access_log=False, timeout_graceful_shutdown=15)
""".replace("PATH", PATH)

WRK_SCRIPT = """
local counter = 0
local offset = 0
function init(args) offset = tonumber(args[1]) end
request = function()
  counter = counter + 1
  local id = offset + counter
  local body = '{"workflow_run":{"id":' .. id .. ',"name":"Controller CI",' ..
    '"conclusion":"failure","html_url":"https://github.com/acme/shop/actions/runs/' .. id ..
    '","head_branch":"bench/' .. id .. '","head_sha":"abc123def456",' ..
    '"head_commit":{"message":"feat: load"}},"repository":{"full_name":"acme/shop"}}'
  return wrk.format("POST", "PATH", {["Content-Type"]="application/json"}, body)
end
""".replace("PATH", PATH)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sensor_body(run_id: int) -> bytes:
    return json.dumps(
        {
            "workflow_run": {
                "id": run_id,
                "name": "Controller CI",
                "conclusion": "failure",
                "html_url": f"https://github.com/acme/shop/actions/runs/{run_id}",
                "head_branch": f"bench/{run_id}",
                "head_sha": "abc123def456",
                "head_commit": {"message": "feat: load"},
            },
            "repository": {"full_name": "acme/shop"},
        },
        separators=(",", ":"),
    ).encode()


def start(
    kind: str, workdir: Path, database_url: str | None, processes: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "HEALER_SINK__KIND": "file",
        "HEALER_SINK__DIR": str(workdir / "cr"),
        "HEALER_CONTEXT__MODE": "none",
        "HEALER_ROUTING__ROUTER": "prerouter",
        "HEALER_DEDUP__GROUP_WAIT_S": "0",
        "HEALER_WORKER__COUNT": "1",
        "HEALER_STORE__URL": database_url or "",
        "HEALER_LOG_LEVEL": "WARNING",
    }
    if kind.startswith("bare"):
        (workdir / "bare_app.py").write_text(BARE_APP)
        if database_url:
            env["BARE_SQLITE" if kind == "bare+sqlite" else "BARE_PG"] = database_url
        cmd = [sys.executable, "bare_app.py", str(port), str(processes)]
    else:
        cmd = [sys.executable, "-m", "healer_agent", "serve", "--port", str(port)]
        cmd += ["--processes", str(processes)]
        env.update(server_env(database_url))
    log = (workdir / f"{kind}.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                if kind == "healer":
                    replicas_started(workdir / f"{kind}.log", processes, deadline)
                return proc, url
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{kind} did not start: {(workdir / f'{kind}.log').read_text()[-2000:]}")


def replicas_started(log: Path, processes: int, deadline: float) -> None:
    """Wait until every replica of ``healer serve --processes N`` said it started.

    The first to start answers ``/ready``; the others were still importing and building
    their Healer, on the cores the measurement was about to use.
    """
    if processes < 2:
        return
    while time.monotonic() < deadline:
        if len(re.findall(rb"^replica \d+ started", log.read_bytes(), re.MULTILINE)) >= processes:
            return
        time.sleep(0.05)
    raise RuntimeError(f"not every replica started: {log.read_text()[-2000:]}")


def wrk(url: str, script: Path, seconds: int, offset: int) -> dict[str, float]:
    done = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c32",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            url,
            "--",
            str(offset),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:  # say what wrk said, not only that it failed
        raise RuntimeError(
            f"wrk against {url} exited {done.returncode}: {(done.stderr or done.stdout)[-2000:]}"
        )
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if m is None:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    return {
        "rps": round(rps, 1),
        "p50_ms": round(pct("50"), 2),
        "p99_ms": round(pct("99"), 2),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(g) for g in errors.groups()) if errors else 0,
    }


async def open_loop(url: str, rate: float, count: int, offset: int) -> dict[str, float]:
    """``count`` requests at ``rate``/s, each timed from when it was due to be sent.

    Over ``http11``'s lean client (an httpx client's own stalls showed as the bare
    endpoint's p99): a request goes out on an idle keep-alive connection, or a new one when
    all are busy, at its scheduled time whatever the earlier ones are doing.
    """
    connections = Connections(url)
    latencies: list[float] = []
    failed = 0

    async def one(due: float, request: bytes) -> None:
        nonlocal failed
        answer = await connections.send(request)
        failed += answer is None or answer[0] != 202
        latencies.append((time.perf_counter() - due) * 1000)

    requests = [
        request_bytes("POST", connections.host, PATH, sensor_body(offset + n)) for n in range(count)
    ]
    await connections.warm(32)
    gc.disable()  # the generator's own collections would show as server latency
    try:
        begin = time.perf_counter() + 0.2
        tasks = []
        for n, request in enumerate(requests):
            due = begin + n / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(due, request)))
        await asyncio.gather(*tasks)
        achieved = count / (time.perf_counter() - begin)
    finally:
        gc.enable()
        connections.close()
    latencies.sort()
    return {
        "rate": rate,
        "achieved_rps": round(achieved, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)], 2),
        "failed": failed,
    }


def run(coro: Any) -> Any:
    """Run the generator on uvloop when it is installed (the servers' loop), else asyncio."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def measure(
    kind: str,
    database_url: str | None,
    seconds: int,
    rate_n: int,
    offset: int,
    processes: int = 1,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        script = workdir / "post.lua"
        script.write_text(WRK_SCRIPT)
        proc, url = start(kind, workdir, database_url, processes)
        try:
            wrk(url, script, 2, offset)  # warm-up
            row: dict[str, Any] = wrk(url, script, seconds, offset + 10_000_000)
            row["open_loop_200"] = run(open_loop(url, 200.0, rate_n, offset + 20_000_000))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return row


def uvicorn_impl() -> dict[str, str]:
    """What uvicorn's "auto" resolves to here: the same for both servers (one interpreter)."""
    import importlib.util

    def has(name: str) -> bool:
        return importlib.util.find_spec(name) is not None

    return {
        "loop": "uvloop" if has("uvloop") else "asyncio",
        "http": "httptools" if has("httptools") else "h11",
        "processes": "1",
    }


def pg_database() -> str | None:
    import asyncpg

    name = f"healer_bench_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        conn = await asyncpg.connect(PG_ADMIN, timeout=3)
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
        conn = await asyncpg.connect(PG_ADMIN)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    asyncio.run(drop())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="5 s runs: about a minute")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="also measure Healer and the bare endpoints in this many processes",
    )
    add_compiled_option(parser)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit(
            "wrk is not installed (Debian: apt-get install wrk); "
            "scripts/install-mcp-servers.sh installs it"
        )
    seconds, rate_n = (5, 600) if args.quick else (15, 2000)
    compiled_dir = serve_compiled(args.compiled)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    rows: dict[str, Any] = {"bare": measure("bare", None, seconds, rate_n, 1_000_000_000)}
    for n, backend in enumerate(backends):
        offset = 2_000_000_000 + n * 100_000_000
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                rows["bare+sqlite"] = measure(
                    "bare+sqlite", f"{tmp}/bare.db", seconds, rate_n, offset - 50_000_000
                )
                rows["healer/sqlite"] = measure(
                    "healer", f"sqlite+aiosqlite:///{tmp}/bench.db", seconds, rate_n, offset
                )
                if args.processes > 1:
                    n = args.processes
                    rows[f"bare x{n}"] = measure(
                        "bare", None, seconds, rate_n, offset + 10_000_000, n
                    )
                    rows[f"bare+sqlite x{n}"] = measure(
                        "bare+sqlite", f"{tmp}/bare-n.db", seconds, rate_n, offset + 20_000_000, n
                    )
                    rows[f"healer/sqlite x{n}"] = measure(
                        "healer",
                        f"sqlite+aiosqlite:///{tmp}/bench-n.db",
                        seconds,
                        rate_n,
                        offset + 30_000_000,
                        n,
                    )
            continue
        names = [pg_database(), pg_database()]
        if args.processes > 1:
            names += [pg_database(), pg_database()]
        if None in names:
            rows["healer/postgres"] = {"skipped": "PostgreSQL not reachable"}
            continue
        try:
            base = PG_ADMIN.rsplit("/", 1)[0]
            rows["bare+postgres"] = measure(
                "bare+postgres", f"{base}/{names[0]}", seconds, rate_n, offset
            )
            rows["healer/postgres"] = measure(
                "healer",
                f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{names[1]}",
                seconds,
                rate_n,
                offset + 50_000_000,
            )
            if args.processes > 1:
                n = args.processes
                rows[f"bare+postgres x{n}"] = measure(
                    "bare+postgres", f"{base}/{names[2]}", seconds, rate_n, offset + 60_000_000, n
                )
                rows[f"healer/postgres x{n}"] = measure(
                    "healer",
                    f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{names[3]}",
                    seconds,
                    rate_n,
                    offset + 70_000_000,
                    n,
                )
        finally:
            for name in names:
                if name:
                    drop_pg(name)
    print(f"{'server':<20}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}   @200/s p50   p99  errors")
    for name, row in rows.items():
        if "skipped" in row:
            print(f"{name:<20} skipped: {row['skipped']}")
            continue
        fixed = row["open_loop_200"]
        print(
            f"{name:<20}{row['rps']:>9}{row['p50_ms']:>9}{row['p99_ms']:>9}   "
            f"{fixed['p50_ms']:>9}{fixed['p99_ms']:>7}  "
            f"{row['non_2xx'] + row['socket_errors'] + fixed['failed']}"
        )
    first = backends[0]
    healer, bare = rows.get(f"healer/{first}", {}), rows["bare"]
    if first == "postgres":
        bare = rows.get("bare+postgres", bare)
    summary: dict[str, Any] = {
        "benchmark": "intake",
        "backend": first,
        "quick": args.quick,
        "cores": os.cpu_count(),
        "ratio": round(healer["rps"] / bare["rps"], 3) if "rps" in healer else None,
        "p99_ms": healer.get("open_loop_200", {}).get("p99_ms"),
        "healer_rps": healer.get("rps"),
        "bare_rps": bare["rps"],
        "uvicorn": uvicorn_impl(),
        "compiled": args.compiled is not None,
    }
    if "rps" in rows.get("healer/sqlite", {}):
        floor = rows["bare+sqlite"]["rps"]
        summary["floor_ratio"] = round(floor / rows["bare"]["rps"], 3)
        summary["ratio_to_floor"] = round(rows["healer/sqlite"]["rps"] / floor, 3)
    if len(backends) == 2 and "rps" in rows.get("healer/postgres", {}):
        summary["ratio_postgres"] = round(
            rows["healer/postgres"]["rps"] / rows["bare+postgres"]["rps"], 3
        )
        summary["p99_ms_postgres"] = rows["healer/postgres"]["open_loop_200"]["p99_ms"]
    n = args.processes
    if n > 1 and "rps" in rows.get(f"healer/sqlite x{n}", {}):
        many = rows[f"healer/sqlite x{n}"]
        # Healer in n processes against the bare endpoint in as many, and the durable floor
        summary[f"ratio_sqlite_x{n}"] = round(many["rps"] / rows[f"bare x{n}"]["rps"], 3)
        summary[f"ratio_to_floor_x{n}"] = round(many["rps"] / rows[f"bare+sqlite x{n}"]["rps"], 3)
        summary[f"p99_ms_sqlite_x{n}"] = many["open_loop_200"]["p99_ms"]
    if n > 1 and "rps" in rows.get(f"healer/postgres x{n}", {}):
        many = rows[f"healer/postgres x{n}"]
        # Healer in n processes against the bare endpoint in one, and in as many
        summary[f"ratio_postgres_x{n}_vs_bare_x1"] = round(
            many["rps"] / rows["bare+postgres"]["rps"], 3
        )
        summary[f"ratio_postgres_x{n}_vs_bare_x{n}"] = round(
            many["rps"] / rows[f"bare+postgres x{n}"]["rps"], 3
        )
        summary[f"p99_ms_postgres_x{n}"] = many["open_loop_200"]["p99_ms"]
    summary["rows"] = rows
    if compiled_dir is not None:
        compiled_dir.cleanup()
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
