"""Step and context builders shared by the fresh scenario modules: a buildx step around a
BuildKit frame, pods/events/Loki context, rollout and curl symptoms run for real."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import real
import shapes
from fcommon import h, run, sha, uses
from gha import Step


def buildx_step(
    bk_lines: list[str], error: str, image: str, file: str = "Dockerfile", context: str = "."
) -> Step:
    """docker/build-push-action@v6 failing with BuildKit's plain progress log."""
    tid = sha(image)[:4]
    return uses(
        "docker/build-push-action@v6",
        {
            "context": context,
            "file": file,
            "platforms": "linux/amd64",
            "push": "true",
            "tags": image,
            "cache-from": "type=registry,ref=" + image.rsplit(":", 1)[0] + ":buildcache",
        },
        [
            "GitHub Actions runtime token ACs",
            "Docker info",
            "Buildx version",
            "Builder info",
            f"[command]/usr/bin/docker buildx build --cache-from type=registry,ref="
            f"{image.rsplit(':', 1)[0]}:buildcache --file {file} --iidfile /home/runner/work/"
            f"_temp/docker-actions-toolkit-{tid}/build-iidfile-{sha(image + 'i')[:10]}.txt "
            f"--platform linux/amd64 --tag {image} --metadata-file /home/runner/work/_temp/"
            f"docker-actions-toolkit-{tid}/build-metadata-{sha(image + 'm')[:10]}.json "
            f"--push {context}",
            *bk_lines,
        ],
        name="Build and push",
        error=[f"##[error]buildx failed with: ERROR: failed to build: failed to solve: {error}"],
        seconds=90,
    )


def buildx_setup() -> list[Step]:
    return [
        uses(
            "docker/setup-buildx-action@v3",
            None,
            ["Docker info", "Buildx version", "Creating a new builder instance", "Booting builder"],
        ),
        uses(
            "docker/login-action@v3",
            {"registry": "ghcr.io", "username": "5dlabs-bot", "password": "***"},
            ["Logging into ghcr.io...", "Login Succeeded!"],
        ),
    ]


def kube_setup() -> list[Step]:
    return [
        uses(
            "azure/setup-kubectl@v4",
            {"version": "v1.32.4"},
            ["Downloading kubectl version v1.32.4", "kubectl version v1.32.4 installed"],
        ),
        run(
            'mkdir -p ~/.kube && echo "$KUBE_CONFIG" | base64 -d > ~/.kube/config',
            [],
            env={"KUBE_CONFIG": "***"},
            name="Write kubeconfig",
        ),
    ]


# ------------------------------------------------------------------ symptoms run for real


def curl_fail(
    name: str, host: str, path: str, status: int | None = None, body: str = ""
) -> real.Out:
    """curl against a 127.0.0.1 server answering ``status`` (or a closed port)."""
    if status is None:
        port = real.free_port()
        return real.sh(
            name,
            {},
            f"curl -fsS --retry 4 --retry-all-errors --retry-delay 2 http://127.0.0.1:{port}{path}",
            f"curl -fsS --retry 4 --retry-all-errors --retry-delay 2 https://{host}{path}",
            hosts={
                f"http://127.0.0.1:{port}": f"https://{host}",
                f"127.0.0.1 port {port}": f"{host} port 443",
            },
        )
    with real.serve((status, body)) as port:
        return real.sh(
            name,
            {},
            f"curl -fsS --retry 2 --retry-delay 1 http://127.0.0.1:{port}{path}",
            f"curl -fsS --retry 2 --retry-delay 1 https://{host}{path}",
            hosts={f"http://127.0.0.1:{port}": f"https://{host}"},
        )


@contextmanager
def reset_server() -> Iterator[int]:
    """A 127.0.0.1 TCP server that accepts and resets every connection (SO_LINGER 0)."""
    import struct

    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    stop = threading.Event()

    def loop() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            with suppress(OSError):
                conn.recv(1024)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield int(srv.getsockname()[1])
    finally:
        stop.set()
        t.join()
        srv.close()


@contextmanager
def silent_server() -> Iterator[int]:
    """A 127.0.0.1 TCP server that accepts connections and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def loop() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
                held.append(conn)
            except OSError:
                continue

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield int(srv.getsockname()[1])
    finally:
        stop.set()
        t.join()
        for c in held:
            c.close()
        srv.close()


def rollout(
    name: str,
    ns: str,
    deploy: str,
    replicas: int,
    updated: int,
    available: int,
    deadline: bool = False,
) -> real.Out:
    prog = (
        (
            "False",
            "ProgressDeadlineExceeded",
            f'ReplicaSet "{deploy}-{sha(deploy)[:10]}" has timed out progressing.',
        )
        if deadline
        else None
    )
    obj = shapes.deployment(
        deploy, ns, replicas, updated, available, h(deploy, 3, 60), progressing=prog
    )
    return real.kubectl_live(
        name,
        {f"/apis/apps/v1/namespaces/{ns}/deployments/{deploy}": obj},
        ["rollout", "status", f"deployment/{deploy}", "-n", ns, "--timeout=3s"],
        f"kubectl -n {ns} rollout status deployment/{deploy} --timeout=5m",
    )


def wait_available(name: str, ns: str, deploy: str) -> real.Out:
    obj = shapes.deployment(deploy, ns, 3, 3, 0, h(deploy, 3, 60))
    return real.kubectl_live(
        name,
        {f"/apis/apps/v1/namespaces/{ns}/deployments/{deploy}": obj},
        ["wait", "--for=condition=Available", f"deployment/{deploy}", "-n", ns, "--timeout=3s"],
        f"kubectl wait --for=condition=Available deployment/{deploy} -n {ns} --timeout=240s",
    )


# ------------------------------------------------------------------ context


def clock(cid: str) -> tuple[str, str, str]:
    day = h(cid, 2, 27)
    hour = h(cid + "h", 7, 20)
    return (
        f"2026-11-{day:02d}T{hour:02d}:11:05Z",
        f"2026-11-{day:02d}T{hour:02d}:12:31Z",
        f"2026-11-{day:02d}T{hour:02d}:19:48Z",
    )


def pod_name(cid: str, app: str, salt: str = "p") -> str:
    return f"{app}-{sha(cid)[:9]}-{sha(cid + salt)[:5]}"


def crashing(
    cid: str,
    ns: str,
    app: str,
    image: str,
    exit_code: int,
    logs: list[str],
    reason: str = "Error",
    restarts: int = 6,
    memory: str | None = "256Mi",
    port: int = 8080,
    extra_events: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A pod in CrashLoopBackOff whose last run ended with ``exit_code``; ``logs`` go to Loki."""
    created, first, last = clock(cid)
    name = pod_name(cid, app)
    p = shapes.pod(
        name,
        ns,
        app,
        image,
        created=created,
        restarts=restarts,
        port=port,
        memory_limit=memory,
        waiting=(
            "CrashLoopBackOff",
            f"back-off 5m0s restarting failed container={app} pod={name}_{ns}"
            f"({sha(name)[:8]}-{sha(name)[8:12]}-4{sha(name)[12:15]}-a{sha(name)[15:18]}-"
            f"{sha(name)[18:30]})",
        ),
        terminated={"exit_code": exit_code, "reason": reason, "started": first, "finished": first},
    )
    events = [
        shapes.event(
            ns,
            "Pod",
            name,
            "Started",
            f"Started container {app}",
            first=first,
            last=last,
            count=restarts + 1,
            type_="Normal",
        ),
        shapes.event(
            ns,
            "Pod",
            name,
            "BackOff",
            f"Back-off restarting failed container {app} in pod {name}_{ns}({sha(name)[:8]})",
            first=first,
            last=last,
            count=restarts * 5,
        ),
        *(extra_events or []),
    ]
    return {
        "kubernetes": {"pods": [p], "events": events},
        "loki": [ln for ln in logs if ln.strip()],
    }


def ready_pods(
    cid: str, ns: str, app: str, image: str, n: int = 2, port: int = 8080
) -> list[dict[str, Any]]:
    created, _, _ = clock(cid)
    return [
        shapes.pod(
            pod_name(cid, app, str(i)),
            ns,
            app,
            image,
            created=created,
            ready=True,
            port=port,
            memory_limit="512Mi",
        )
        for i in range(n)
    ]


def normal_events(cid: str, ns: str, app: str, n: int = 2) -> list[dict[str, Any]]:
    _, first, _last = clock(cid)
    out = []
    for i in range(n):
        name = pod_name(cid, app, str(i))
        out += [
            shapes.event(
                ns,
                "Pod",
                name,
                "Scheduled",
                f"Successfully assigned {ns}/{name} to k3s-worker-{i + 1}",
                first=first,
                last=first,
                type_="Normal",
                component="default-scheduler",
            ),
            shapes.event(
                ns,
                "Pod",
                name,
                "Started",
                f"Started container {app}",
                first=first,
                last=first,
                type_="Normal",
            ),
        ]
    return out


def v8_oom(lines: list[str]) -> list[str]:
    """V8's heap-OOM report with the run-to-run variation removed: the last GC line only and
    the first five native frames (the OOM handler path, identical in every run)."""
    out: list[str] = []
    gcs: list[str] = []
    section = ""
    for ln in lines:
        if ln.startswith("<--- Last few GCs"):
            section = "gc"
            out.append(ln)
            continue
        if ln.startswith("<--- JS stacktrace"):
            if gcs:
                out.append(gcs[-1])
            section = "js"
        elif ln.startswith("----- Native stack trace"):
            section = "native"
            out.append(ln)
            continue
        if section == "gc":
            if ln.strip():
                gcs.append(ln)
            continue
        if section == "native":
            num = ln.strip().split(":", 1)[0]
            if num.isdigit() and int(num) > 5:
                continue
        out.append(ln)
    return out
