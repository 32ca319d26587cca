"""Batch 4 of the fresh split (ids ``fr-d-``).

- transport failures inside tools that look like another owner's (yarn, pnpm, uv, pip over
  TLS, terraform, rustup, git over HTTP, setup-node, ``gh``, buildx cache export, ``go mod``,
  ``helm repo``) with no explaining context, and look-alikes whose context explains them;
- resource kills (``cc1plus`` in a build script, exit 143 on a cancel, a pytest-xdist worker,
  Gradle's heap, ``go test``, tsc under ``npm run build``) and two whose context shows the
  code's own growth;
- platform failures under misleading job names, GH013 for a secret;
- wrappers (tox, turbo, ``docker compose run``, skaffold, cargo-make) around an inner
  error;
- context-driven rollouts, scanner runs known only from the sensor body, obvious cases.

Every network error is printed by the real client against a 127.0.0.1 server that answers
5xx, resets, never answers or closes early, rewritten to the host the workflow would have
used. The extra clients (yarn, pnpm, uv, tox, pytest-xdist) are pinned in ``work/``
(``ensure_b4_tools``). Tools that cannot run here are written in their own formats and
listed in README.md."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import real
import shapes
from cases_batch3 import _argocd, _hand, _py_setup, npm_ci_ok
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha, uses
from gha import Job, Step, run, sensor
from helpers import (
    buildx_setup,
    buildx_step,
    clock,
    crashing,
    kube_setup,
    pod_name,
    rollout,
    silent_server,
)

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
PY = "5dlabs/healer-py"
CLI = "5dlabs/healer-cli"
JVM = "5dlabs/healer-sdk-jvm"
NS = "healer"

B4_NODE_PKGS = ["pnpm@9.15.0", "yarn@1.22.22"]
B4_PY_PKGS = ["uv==0.5.11", "tox==4.23.2", "pytest==8.3.4", "pytest-xdist==3.6.1"]


def b4_node() -> Path:
    return real.WORK / "b4-node"


def b4_venv() -> Path:
    return real.WORK / "b4-venv"


def ensure_b4_tools() -> None:
    """Install this batch's extra clients into ``work/`` once (npm and PyPI only)."""
    marker = b4_node() / ".pinned"
    if not marker.exists() or marker.read_text() != " ".join(B4_NODE_PKGS):
        b4_node().mkdir(parents=True, exist_ok=True)
        (b4_node() / "package.json").write_text('{"name":"b4tools","private":true}')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", *B4_NODE_PKGS],
            cwd=b4_node(),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        marker.write_text(" ".join(B4_NODE_PKGS))
    pmarker = b4_venv() / ".pinned"
    if not pmarker.exists() or pmarker.read_text() != " ".join(B4_PY_PKGS):
        subprocess.run(["python3", "-m", "venv", str(b4_venv())], check=True)
        subprocess.run(
            [str(b4_venv() / "bin" / "pip"), "install", "-q", *B4_PY_PKGS],
            check=True,
            env={**os.environ, "PIP_CONFIG_FILE": "/dev/null", "PIP_FIND_LINKS": ""},
        )
        pmarker.write_text(" ".join(B4_PY_PKGS))


def _scrub(lines: list[str], extra: dict[str, str] | None = None) -> list[str]:
    """Map this batch's tool locations to the runner's."""
    out = []
    for ln in lines:
        ln = ln.replace(
            str(b4_node() / "node_modules" / "yarn"), "/usr/local/lib/node_modules/yarn"
        )
        ln = ln.replace(
            str(b4_node() / "node_modules" / "pnpm"), "/usr/local/lib/node_modules/pnpm"
        )
        ln = ln.replace("/home/runner/work/b4-node/node_modules/", "/usr/local/lib/node_modules/")
        ln = ln.replace("/home/runner/work/b4-venv", "/opt/hostedtoolcache/Python/3.11.7/x64")
        ln = ln.replace(str(b4_venv()), "/opt/hostedtoolcache/Python/3.11.7/x64")
        for k, v in (extra or {}).items():
            ln = ln.replace(k, v)
        out.append(ln)
    return out


def _env_b4(**kw: str) -> dict[str, str]:
    return {
        "PATH": f"{b4_node() / 'node_modules' / '.bin'}:{b4_venv() / 'bin'}:"
        f"{real.NODE / 'node_modules' / '.bin'}:{os.environ['PATH']}",
        "PIP_CONFIG_FILE": "/dev/null",
        "PIP_FIND_LINKS": "",
        **kw,
    }


@contextmanager
def answer(status: int, reason: str, body: str = "", ctype: str = "text/html") -> Iterator[int]:
    """A 127.0.0.1 HTTP server answering every request (GET, HEAD, POST, PUT) with one status."""
    import http.server

    payload = (body or f"<html><body><h1>{status} {reason}</h1></body></html>").encode()

    class H(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.send_response(status, reason)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_HEAD = _answer

        def log_message(self, *a: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield int(srv.server_address[1])
    finally:
        srv.shutdown()
        srv.server_close()


@contextmanager
def short_body_server() -> Iterator[int]:
    """A 127.0.0.1 server that promises 9000 bytes of ref advertisement and closes after 34."""
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
                conn.recv(4096)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-"
                    b"advertisement\r\nContent-Length: 9000\r\n\r\n"
                    b"001e# service=git-upload-pack\n0000"
                )
            conn.close()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield int(srv.getsockname()[1])
    finally:
        stop.set()
        t.join()
        srv.close()


def _kids(pid: int) -> list[int]:
    """Children of every thread of ``pid`` (cargo starts build scripts from worker threads)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            out += [int(p) for p in (task / "children").read_text().split()]
    return out


def kill_when(
    name: str,
    files: dict[str, str],
    command: str,
    leaf: str,
    grace: float = 0.5,
    sig: int = signal.SIGKILL,
    env: dict[str, str] | None = None,
    node_modules: bool = False,
    starts: str = "",
) -> real.Out:
    """Run ``command`` as the runner does, wait until a process whose command line contains
    ``leaf`` (and starts with ``starts``) exists, let it run ``grace`` seconds, then send it
    ``sig`` (the OOM killer's SIGKILL picks one process, not the tree)."""
    path = real.scratch(name, {**files, "step.sh": command + "\n"})
    if node_modules:
        real.link_node_modules(path)
    full = {
        **os.environ,
        "CI": "true",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
        "CARGO_TERM_COLOR": "never",
        "CARGO_NET_OFFLINE": "true",
        "CARGO_BUILD_JOBS": "1",
        "RUST_BACKTRACE": "0",
        **_env_b4(),
        **(env or {}),
    }
    proc = subprocess.Popen(
        ["bash", "-e", "step.sh"],
        cwd=path,
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    victim = None
    deadline = time.monotonic() + 240
    while victim is None and time.monotonic() < deadline and proc.poll() is None:
        todo = _kids(proc.pid)
        while todo:
            pid = todo.pop()
            with suppress(OSError):
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    cmd = fh.read().replace(b"\0", b" ").decode()
                if leaf in cmd and cmd.startswith(starts):
                    victim = pid
                    break
            todo += _kids(pid)
        time.sleep(0.05)
    if victim is None:
        proc.kill()
        raise AssertionError(f"{leaf} never started in {name}")
    time.sleep(grace)
    try:
        os.kill(victim, sig)
    except ProcessLookupError:
        proc.kill()
        raise AssertionError(f"{leaf} ({victim}) ended before the kill in {name}: {cmd}") from None
    text, _ = proc.communicate(timeout=240)
    script = "/home/runner/work/_temp/0c2f7a91-5e3d-4b8a-9f61-d2a4e8c7b305.sh"
    lines = []
    for raw in text.splitlines():
        line = raw.replace("step.sh:", script + ":").replace(str(path), real.RUNNER)
        line = line.replace(str(real.NODE / "node_modules"), real.RUNNER + "/node_modules")
        lines.append(real.pin(line.rstrip()))
    return real.Out(command, _scrub(lines), proc.returncode)


def _rust_bin(name: str, source: str) -> real.Out:
    """Build and run a small Rust program; its output is what the pod logs."""
    path = real.crate(
        "fr-d-bin-" + name, {"Cargo.toml": real.cargo_toml(name), "src/main.rs": source}
    )
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, code = real.run([str(path / "target" / "release" / name)], path)
    return real.Out(f"/usr/local/bin/{name}", lines, code)


def _pnpm_setup() -> Step:
    return uses(
        "pnpm/action-setup@v4",
        {"version": "9.15.0"},
        ["Installing pnpm@9.15.0", "pnpm 9.15.0 installed"],
    )


# ------------------------------------------------------------------ flakes


def flakes() -> None:
    # pnpm: the registry accepts the connection and never answers (socket timeout), in an
    # e2e job of the console
    at(WEB)
    pkg = json.dumps(
        {"name": "console", "version": "1.7.0", "private": True, "dependencies": {"zod": "^3.23.8"}}
    )
    with silent_server() as port:
        out = real.sh(
            "fr-d-pnpm-timeout",
            {"package.json": pkg},
            f"pnpm install --registry http://127.0.0.1:{port}/ --store-dir ./.pnpm-store "
            "--fetch-retries 1 --fetch-retry-mintimeout 10000 --fetch-retry-maxtimeout 10000 "
            "--fetch-timeout 2000",
            "pnpm install --fetch-retries 1 --fetch-timeout 60000",
            env=_env_b4(),
            hosts={f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/"},
            timeout=120,
        )
    lines = _scrub(out.lines)
    assert out.code != 0 and any("ERR_PNPM_META_FETCH_FAIL" in ln for ln in lines), lines
    ci(
        "fr-d-flaky-pnpm-meta-fetch-socket-timeout-e2e",
        "the Playwright job never reaches a test: pnpm's metadata request to registry.npmjs.org "
        "times out (ERR_SOCKET_TIMEOUT, then ERR_PNPM_META_FETCH_FAIL); the change is a spec "
        "file",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="e2e",
        job="playwright (firefox)",
        repo=WEB,
        steps=[
            *node_setup(),
            _pnpm_setup(),
            failing(real.Out(out.command, lines, out.code), name="Install dependencies"),
        ],
        message="test(e2e): cover the agent filter",
        files=["e2e/agent-filter.spec.ts"],
    )

    # yarn 1: every metadata request answers 502 (yarn crashes with its ResponseError), in a
    # docs job
    with answer(502, "Bad Gateway") as port:
        out = real.sh(
            "fr-d-yarn-502",
            {
                "package.json": json.dumps(
                    {
                        "name": "healer-docs",
                        "version": "0.15.0",
                        "private": True,
                        "license": "Apache-2.0",
                        "devDependencies": {"vitepress": "^1.5.0"},
                    }
                )
            },
            f"yarn install --registry http://127.0.0.1:{port}/ --network-timeout 3000 "
            "--non-interactive --cache-folder ./.yarn-cache",
            "yarn install --frozen-lockfile=false --non-interactive",
            env=_env_b4(),
            hosts={f"http://127.0.0.1:{port}/": "https://registry.yarnpkg.com/"},
            timeout=120,
        )
    lines = _scrub([ln for ln in out.lines if "No lockfile" not in ln])
    assert any("502 Bad Gateway" in ln for ln in lines), lines
    ci(
        "fr-d-flaky-yarn-502-response-error-docs",
        "building the docs site, yarn 1 retries the registry four times and dies with "
        "'ResponseError: Request failed \"502 Bad Gateway\"' (an uncaught stack from yarn's own "
        "cli.js); only Markdown changed",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="docs",
        job="vitepress-build",
        repo="5dlabs/healer-docs",
        steps=[*node_setup(), failing(real.Out(out.command, lines, out.code), name="Install")],
        message="docs: explain retry budgets",
        files=["content/guide/retries.md"],
    )

    # uv: the package index answers 503, in a Helm chart-docs job
    at(PLAT)
    with answer(503, "Service Unavailable") as port:
        path = real.scratch("fr-d-uv-503")
        lines, code = real.run(
            f"uv venv -q .venv && uv pip install --python .venv/bin/python "
            f"--index-url http://127.0.0.1:{port}/simple helm-docs-py==0.4.2 yamllint==1.35.1",
            path,
            env=_env_b4(UV_CACHE_DIR=str(path / ".uv-cache"), UV_NO_PROGRESS="1"),
            hosts={f"http://127.0.0.1:{port}": "https://pypi.org"},
        )
    lines = _scrub(lines)
    assert code != 0 and any("503" in ln for ln in lines), lines
    ci(
        "fr-d-flaky-uv-index-503-helm-docs",
        "the chart-docs job fails installing its Python tools: uv gets '503 Service "
        "Unavailable' from pypi.org/simple; no chart was rendered",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="charts",
        job="helm-docs",
        repo=PLAT,
        steps=[
            uses("astral-sh/setup-uv@v4", {"version": "0.5.11"}, ["Installed uv 0.5.11"]),
            failing(
                real.Out(
                    "uv pip install --system helm-docs-py==0.4.2 yamllint==1.35.1", lines, code
                ),
                name="Install chart tools",
            ),
        ],
        message="docs(charts): document the worker values",
        files=["charts/healer/values.yaml", "charts/healer/README.md.gotmpl"],
    )

    # pip over TLS: the index accepts TCP and never completes the handshake (read timeout),
    # in a maturin job of the Rust bindings
    at(PY)
    with silent_server() as port:
        path = real.scratch("fr-d-pip-tls")
        lines, code = real.run(
            [
                str(real.VENV / "bin" / "pip"),
                "install",
                "--no-cache-dir",
                "--disable-pip-version-check",
                "--timeout",
                "2",
                "--retries",
                "1",
                "--index-url",
                f"https://127.0.0.1:{port}/simple",
                "maturin==1.7.4",
            ],
            path,
            env=_env_b4(),
            hosts={
                f"HTTPSConnectionPool(host='127.0.0.1', port={port})": "HTTPSConnectionPool(host='pypi.org', port=443)",
                f"https://127.0.0.1:{port}": "https://pypi.org",
            },
            timeout=120,
        )
    lines = [ln for ln in lines if not ln.startswith("Looking in")]
    lines = [ln.replace("read timeout=2.0", "read timeout=15") for ln in lines]
    assert code != 0 and any("timed out" in ln for ln in lines), lines
    ci(
        "fr-d-flaky-pip-tls-read-timeout-maturin",
        "the wheel build of the PyO3 bindings cannot install maturin: pip's TLS connection to "
        "pypi.org times out twice and no version is found; the Rust source is untouched",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="bindings",
        job="wheels (manylinux x86_64)",
        repo=PY,
        steps=[
            *rust_setup(),
            _py_setup(),
            failing(
                real.Out("pip install --timeout 15 --retries 1 maturin==1.7.4", lines, code),
                name="Install maturin",
            ),
        ],
        message="feat(py): release the GIL in classify_batch",
        files=["src/lib.rs"],
    )

    # terraform init: the module archive answers 503
    with answer(503, "Service Unavailable") as port:
        path = real.scratch(
            "fr-d-tf-503",
            {
                "main.tf": 'module "vpc" {\n'
                f'  source = "http://127.0.0.1:{port}/5dlabs/terraform-modules/vpc-5.16.0.zip"\n'
                '  cidr   = "10.40.0.0/16"\n}\n'
            },
        )
        (path / ".terraformrc").write_text("")
        lines, code = real.run(
            ["terraform", "init", "-input=false", "-no-color"],
            path,
            env={"TF_CLI_CONFIG_FILE": str(path / ".terraformrc"), "TF_IN_AUTOMATION": "1"},
            hosts={f"http://127.0.0.1:{port}": "https://artifacts.5dlabs.ai"},
        )
    assert code != 0 and any("503" in ln for ln in lines), lines
    ci(
        "fr-d-flaky-terraform-module-download-503",
        "terraform init cannot download the vpc module: the artifact host answers 503 ('bad "
        "response code: 503'); no .tf file changed",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="terraform",
        job="plan (staging)",
        repo=PLAT,
        steps=[
            uses("hashicorp/setup-terraform@v3", {"terraform_version": "1.9.8"}, []),
            failing(real.Out("terraform init -input=false", lines, code), name="Init"),
        ],
        message="chore(terraform): weekly drift check",
        files=[],
        event="workflow_run",
    )

    # rustup: the dist server answers 503 while installing a pinned toolchain, in a clippy job
    at(REPO)
    with answer(503, "Service Unavailable") as port:
        path = real.scratch("fr-d-rustup-503")
        lines, code = real.run(
            [
                "rustup",
                "toolchain",
                "install",
                "1.83.0",
                "--profile",
                "minimal",
                "--component",
                "clippy",
            ],
            path,
            env={
                "RUSTUP_HOME": str(path / "rustup"),
                "CARGO_HOME": str(path / "cargo"),
                "RUSTUP_DIST_SERVER": f"http://127.0.0.1:{port}",
                "RUSTUP_MAX_RETRIES": "1",
            },
            hosts={f"http://127.0.0.1:{port}": "https://static.rust-lang.org"},
        )
    lines = [
        re.sub(r"/tmp/\w+_file'", "/tmp/k2l9cxq0w1a_file'", ln).replace(
            real.RUNNER + "/rustup", "/home/runner/.rustup"
        )
        for ln in lines
    ]
    assert code != 0 and any("503" in ln for ln in lines), lines
    ci(
        "fr-d-flaky-rustup-dist-503-clippy",
        "the clippy job fails before any lint: rustup cannot download the 1.83.0 channel "
        "manifest from static.rust-lang.org (503); rust-toolchain.toml did not change",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="clippy (msrv)",
        repo=REPO,
        steps=[
            failing(
                real.Out(
                    "rustup toolchain install 1.83.0 --profile minimal --component clippy",
                    lines,
                    code,
                ),
                name="Install MSRV toolchain",
            )
        ],
        message="refactor(router): split scoring into its own module",
        files=["crates/router/src/score.rs", "crates/router/src/lib.rs"],
    )

    # git over HTTP: the ref advertisement is cut short, in a Helm job's chart-repo clone
    at(PLAT)
    with short_body_server() as port:
        path = real.scratch("fr-d-git-short")
        lines, code = real.git(
            path,
            "clone",
            "--depth",
            "1",
            f"http://127.0.0.1:{port}/5dlabs/helm-charts.git",
            "charts-repo",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert code != 0 and any("transfer closed" in ln for ln in lines), lines
    ci(
        "fr-d-flaky-git-clone-transfer-closed-chart-publish",
        "publishing the chart, cloning the helm-charts repository fails: 'transfer closed "
        "with 8966 bytes remaining to read' from github.com; the chart linted and packaged",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="charts",
        job="helm-publish",
        repo=PLAT,
        steps=[
            run(
                "helm lint charts/healer",
                ["==> Linting charts/healer", "1 chart(s) linted, 0 chart(s) failed"],
                name="Lint",
            ),
            run(
                "helm package charts/healer -d dist/",
                ["Successfully packaged chart and saved it to: dist/healer-0.15.1.tgz"],
                name="Package",
            ),
            failing(
                real.Out(
                    "git clone --depth 1 https://github.com/5dlabs/helm-charts.git charts-repo",
                    lines,
                    code,
                ),
                name="Clone chart repository",
            ),
        ],
        message="chore(charts): healer 0.15.1",
        files=["charts/healer/Chart.yaml"],
        event="workflow_run",
    )

    # hand-written: runner and service texts of tools that do not run here
    at(WEB)
    ci(
        "fr-d-flaky-setup-node-download-503-lint",
        "the ESLint job fails in actions/setup-node: downloading the Node 22.11.0 build answers "
        "503 and the fallback to nodejs.org fails the same way; no lint ran",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="eslint",
        repo=WEB,
        steps=[
            uses(
                "actions/setup-node@v4",
                {"node-version": "22.11.0", "cache": "npm"},
                [
                    "Attempting to download 22.11.0...",
                    "Acquiring 22.11.0 - x64 from https://github.com/actions/node-versions/"
                    "releases/download/22.11.0-11593095476/node-22.11.0-linux-x64.tar.gz",
                    "Failed to download from https://github.com/actions/node-versions/releases/"
                    "download/22.11.0-11593095476/node-22.11.0-linux-x64.tar.gz. Falling back to "
                    "nodejs.org.",
                    "Attempting to download 22.11.0...",
                    "Acquiring 22.11.0 - x64 from https://nodejs.org/dist/v22.11.0/node-v22.11.0-"
                    "linux-x64.tar.gz",
                    "Waiting 14 seconds before trying again",
                    "Waiting 11 seconds before trying again",
                ],
                error=["##[error]Unexpected HTTP response: 503"],
                seconds=41,
            )
        ],
        message="chore(node): move to Node 22",
        files=[".nvmrc", "package.json"],
    )

    at(REPO)
    ci(
        "fr-d-flaky-gh-release-upload-502",
        "the release job built and tested every target; 'gh release upload' then fails with "
        "'HTTP 502: 502 Bad Gateway' from uploads.github.com",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="release",
        job="upload-binaries",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo build --release --locked",
                ["    Finished `release` profile [optimized] target(s) in 4m 02s"],
                name="Build",
            ),
            _hand(
                "Upload",
                "gh release upload v0.15.1 dist/healer-x86_64-unknown-linux-gnu.tar.gz --clobber",
                [
                    "HTTP 502: 502 Bad Gateway (https://uploads.github.com/repos/5dlabs/healer/"
                    "releases/187734512/assets?label=&name=healer-x86_64-unknown-linux-gnu.tar.gz)",
                ],
                seconds=64,
            ),
        ],
        message="chore(release): 0.15.1",
        files=["Cargo.toml", "Cargo.lock", "CHANGELOG.md"],
        event="workflow_run",
    )

    at(PLAT)
    dockerfile = (
        "FROM rust:1.83-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN cargo build --release --locked\n\nFROM gcr.io/distroless/cc-debian12\n"
        'COPY --from=build /src/target/release/healer /healer\nENTRYPOINT ["/healer"]\n'
    )
    bk = shapes.BuildKit("fr-d-bk-cache", dockerfile)
    bk.metadata()
    bk.run_until(None)
    image = "ghcr.io/5dlabs/healer:sha-" + sha("fr-d-bk-cache")[:7]
    n = bk._next()
    err = (
        "error writing layer blob: failed to copy: unexpected status from PUT request to "
        f"https://ghcr.io/v2/5dlabs/healer/blobs/uploads/{sha('up')[:8]}-{sha('up')[8:12]}-"
        f"{sha('up')[12:16]}-{sha('up')[16:20]}-{sha('up')[20:32]}?digest=sha256%3A"
        f"{sha('blob')}{sha('blob2')[:24]}: 500 Internal Server Error"
    )
    bk.lines += [
        f"#{n} exporting to image",
        f"#{n} exporting layers 1.2s done",
        f"#{n} pushing layers 3.8s done",
        f"#{n} DONE 5.4s",
        "",
        f"#{n + 1} exporting cache to registry",
        f"#{n + 1} preparing build cache for export",
        f"#{n + 1} writing layer sha256:{sha('blob')}{sha('blob2')[:24]}",
        f"#{n + 1} writing layer sha256:{sha('blob')}{sha('blob2')[:24]} 41.9s done",
        f"#{n + 1} ERROR: {err}",
        "------",
        " > exporting cache to registry:",
        "------",
    ]
    ci(
        "fr-d-flaky-buildx-cache-export-500",
        "the image built and pushed; exporting the BuildKit cache to ghcr.io then fails with "
        "'500 Internal Server Error' on a blob upload; the Dockerfile did not change",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="images",
        job="docker-healer",
        repo=PLAT,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="feat(router): weight recent failures higher",
        files=["crates/router/src/score.rs"],
    )

    at(CLI)
    ci(
        "fr-d-flaky-go-mod-download-unexpected-eof",
        "the Go CLI's unit-test job fails in 'go mod download': the proxy's zip download ends "
        "with 'unexpected EOF'; go.sum did not change",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="cli",
        job="go-test",
        repo=CLI,
        steps=[
            uses(
                "actions/setup-go@v5", {"go-version": "1.23.3"}, ["go version go1.23.3 linux/amd64"]
            ),
            _hand(
                "Download modules",
                "go mod download",
                [
                    'go: github.com/spf13/cobra@v1.8.1: read "https://proxy.golang.org/'
                    'github.com/spf13/cobra/@v/v1.8.1.zip": unexpected EOF',
                ],
                seconds=23,
            ),
        ],
        message="feat(cli): --json for healer runs",
        files=["cmd/runs.go"],
    )

    at(PLAT)
    ci(
        "fr-d-flaky-helm-repo-index-503",
        "adding the bitnami repository fails: its index.yaml answers 503; the chart's "
        "dependencies did not change",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="charts",
        job="helm-dependency-build",
        repo=PLAT,
        steps=[
            uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm v3.16.3 installed"]),
            _hand(
                "Add repositories",
                "helm repo add bitnami https://charts.bitnami.com/bitnami",
                [
                    'Error: looks like "https://charts.bitnami.com/bitnami" is not a valid chart '
                    "repository or cannot be reached: failed to fetch "
                    "https://charts.bitnami.com/bitnami/index.yaml : 503 Service Unavailable",
                ],
                seconds=8,
            ),
        ],
        message="docs(charts): values table",
        files=["charts/healer/README.md"],
    )


# ------------------------------------------------------------------ resource kills

SLOW_CPP = """// generated lookup tables for the tokenizer
constexpr unsigned long long mix(unsigned long long n) {
  unsigned long long x = 0;
  for (unsigned long long i = 0; i < n; ++i) x = x * 6364136223846793005ULL + i;
  return x;
}
constexpr auto kTable = mix(400000000ULL);
extern "C" unsigned long long tokenizer_seed() { return kTable; }
"""

BUILD_RS = """use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=cpp/tables.cpp");
    let out = std::env::var("OUT_DIR").unwrap();
    let status = Command::new("g++")
        .args(["-std=c++17", "-O2", "-fconstexpr-ops-limit=4000000000",
               "-fconstexpr-loop-limit=2000000000", "-c", "cpp/tables.cpp", "-o"])
        .arg(format!("{out}/tables.o"))
        .status()
        .expect("failed to run g++");
    if !status.success() {
        panic!("compiling cpp/tables.cpp failed: {status}");
    }
}
"""


def kills() -> None:
    # cc1plus SIGKILLed inside a build script (the OOM killer picks the compiler)
    at(REPO)
    out = kill_when(
        "fr-d-tokenizer-tables",
        {
            "Cargo.toml": real.cargo_toml("healer-tokenizer").replace(
                "[dependencies]", 'build = "build.rs"\n\n[dependencies]'
            ),
            "build.rs": BUILD_RS,
            "cpp/tables.cpp": SLOW_CPP,
            "src/lib.rs": 'extern "C" { fn tokenizer_seed() -> u64; }\n'
            "pub fn seed() -> u64 { unsafe { tokenizer_seed() } }\n",
        },
        "cargo build --release",
        leaf="cc1plus",
        grace=1.0,
    )
    assert out.code != 0 and any("cc1plus" in ln for ln in out.lines), out
    ci(
        "fr-d-kill-cc1plus-signal-9-build-script",
        "the tokenizer crate's build script fails: 'g++: fatal error: Killed signal terminated "
        "program cc1plus' while compiling its C++ tables; the change only touched a Rust doc "
        "comment, no memory context",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="build (release)",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(real.Out("cargo build --release --locked", out.lines, out.code), name="Build"),
        ],
        message="docs(tokenizer): explain the seed table",
        files=["crates/tokenizer/src/lib.rs"],
    )

    # a pytest-xdist worker SIGKILLed: "node down: Not properly terminated"
    at(PY)
    files = {
        f"tests/test_labels_{i}.py": f"def test_label_roundtrip_{i}():\n    assert {i} == {i}\n"
        for i in (1, 2, 3, 4)
    }
    files["tests/test_embed.py"] = (
        "import os\nimport signal\n\n\ndef test_embed_large_corpus():\n"
        "    os.kill(os.getpid(), signal.SIGKILL)  # stands in for the kernel's OOM killer\n"
    )
    files["pytest.ini"] = "[pytest]\ntestpaths = tests\n"
    files["tests/test_embed.py"] = files["tests/test_embed.py"].replace(
        "  # stands in for the kernel's OOM killer", ""
    )
    path = real.scratch("fr-d-xdist", files)
    lines, code = real.run(
        [str(b4_venv() / "bin" / "pytest"), "-n", "2", "-p", "no:cacheprovider", "tests"],
        path,
    )
    lines = _scrub(lines)
    lines = [re.sub(r"gw\d", "gw1", ln) for ln in lines]
    lines = [re.sub(r" in \d+\.\d+s ", " in 2.03s ", ln) for ln in lines]
    lines = [ln for ln in lines if not ln.startswith("plugins:")]
    # the progress characters interleave differently from run to run
    lines = [ln for ln in lines if not re.fullmatch(r"[.F]+\s*(\[\s*\d+%\])?", ln)]
    lines = [re.sub(r"^[.F]+(?=\[gw1\])", "", ln) for ln in lines]
    assert code != 0 and any("node down" in ln for ln in lines), lines
    ci(
        "fr-d-kill-pytest-xdist-worker-node-down",
        "one pytest-xdist worker dies ('[gw1] node down: Not properly terminated', 'worker "
        "crashed while running test_embed_large_corpus'); the other tests pass, no memory "
        "context and no Python traceback",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="bindings",
        job="pytest (bindings)",
        repo=PY,
        steps=[
            *rust_setup(),
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.11"},
                ["Successfully set up CPython (3.11.7)"],
            ),
            run(
                "maturin develop --release", ["🛠 Installed healer-py-0.15.0"], name="Build bindings"
            ),
            failing(real.Out("pytest -n 2 tests", lines, code), name="Test"),
        ],
        message="feat(py): batch embeddings",
        files=["src/embed.rs", "tests/test_embed.py"],
    )

    # tsc SIGKILLed under npm run build (a generated project large enough to be running)
    at(WEB)
    gen = {
        f"src/gen/m{i}.ts": "".join(
            f"export interface R{i}_{j} {{ id: string; n: number; tags: string[]; next?: R{i}_{j} }}\n"
            f"export const v{i}_{j}: R{i}_{j} = {{ id: 'x', n: {j}, tags: [] }};\n"
            for j in range(60)
        )
        for i in range(400)
    }
    out = kill_when(
        "fr-d-console-build",
        {
            "package.json": json.dumps(
                {
                    "name": "console",
                    "version": "1.7.0",
                    "scripts": {"build": "tsc -p . && vite build"},
                }
            ),
            "tsconfig.json": real.TSCONFIG,
            **gen,
        },
        "npm run build",
        leaf="tsc",
        starts="node",
        grace=0.8,
        node_modules=True,
    )
    lines = [ln for ln in out.lines if ".npm/_logs" not in ln and "A complete log" not in ln]
    assert out.code != 0, out
    ci(
        "fr-d-kill-tsc-sigkill-npm-run-build",
        "'npm run build' ends with 'Killed' (exit 137) while 'tsc -p . && vite build' is "
        "type-checking; no type error is printed and the change is one component",
        ["resource-kill", "wrapper", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="build",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(real.Out("npm run build", lines, out.code), name="Build"),
        ],
        message="feat(agents): agent detail drawer",
        files=["src/agents/AgentDrawer.tsx"],
    )

    # exit 143: a workflow run cancelled by hand while cargo test ran (real SIGTERM)
    at(REPO)
    out = kill_when(
        "fr-d-sigterm",
        {
            "step.py": "import time\nprint('running 212 tests', flush=True)\n"
            "for i in range(5):\n    print(f'test router::score::case_{i} ... ok', flush=True)\n"
            "time.sleep(120)\n"
        },
        "python3 step.py",
        leaf="step.py",
        starts="python3",
        grace=0.5,
        sig=signal.SIGTERM,
    )
    assert out.code == 143, out
    ci(
        "fr-d-kill-exit-143-run-cancelled",
        "the integration job ends with 'The operation was canceled' and exit code 143 (SIGTERM) "
        "while tests were passing: a maintainer cancelled the run",
        ["resource-kill", "platform", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="integration-tests",
        repo=REPO,
        cancelled=True,
        steps=[
            *rust_setup(),
            run(
                "cargo test --workspace --test '*'",
                out.lines,
                143,
                name="Integration tests",
                conclusion="cancelled",
            ),
        ],
        tail=["##[error]The operation was canceled."],
        message="test(intake): replay the November webhooks",
        files=["crates/intake/tests/replay.rs"],
        conclusion="cancelled",
    )

    # Gradle's daemon out of heap (not run here)
    at(JVM)
    ci(
        "fr-d-kill-gradle-java-heap-space",
        "the JVM SDK's test task fails with 'java.lang.OutOfMemoryError: Java heap space' in "
        "Gradle's own daemon during compileKotlin; org.gradle.jvmargs still uses the default "
        "512 MiB heap and the change adds one test",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="sdk",
        job="test (jdk 21)",
        repo=JVM,
        steps=[
            uses(
                "actions/setup-java@v4",
                {"distribution": "temurin", "java-version": "21"},
                ["Java 21.0.5 installed"],
            ),
            _hand(
                "Test",
                "./gradlew test --no-daemon",
                [
                    "> Task :sdk:compileKotlin",
                    "e: java.lang.OutOfMemoryError: Java heap space",
                    "",
                    "> Task :sdk:compileKotlin FAILED",
                    "",
                    "FAILURE: Build failed with an exception.",
                    "",
                    "* What went wrong:",
                    "Execution failed for task ':sdk:compileKotlin'.",
                    "> Internal compiler error. See log for more details",
                    "",
                    "* Try:",
                    "> Run with --stacktrace option to get the stack trace.",
                    "> Run with --info or --debug option to get more log output.",
                    "> Run with --scan to get full insights.",
                    "> Get more help at https://help.gradle.org.",
                    "",
                    "BUILD FAILED in 3m 12s",
                    "7 actionable tasks: 7 executed",
                ],
                seconds=195,
            ),
        ],
        message="test(sdk): cover retry headers",
        files=["sdk/src/test/kotlin/RetryHeadersTest.kt"],
    )

    at(CLI)
    ci(
        "fr-d-kill-go-test-signal-killed",
        "go test reports 'signal: killed' for one package and FAIL without a test failure; "
        "the runner had six packages testing in parallel, nothing shows the code growing",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="cli",
        job="go-test",
        repo=CLI,
        steps=[
            uses(
                "actions/setup-go@v5", {"go-version": "1.23.3"}, ["go version go1.23.3 linux/amd64"]
            ),
            _hand(
                "Test",
                "go test -race ./...",
                [
                    "ok  \tgithub.com/5dlabs/healer-cli/cmd\t3.114s",
                    "ok  \tgithub.com/5dlabs/healer-cli/internal/api\t5.802s",
                    "signal: killed",
                    "FAIL\tgithub.com/5dlabs/healer-cli/internal/sync\t41.207s",
                    "ok  \tgithub.com/5dlabs/healer-cli/internal/render\t1.930s",
                    "FAIL",
                ],
                seconds=88,
            ),
        ],
        message="feat(cli): sync runs to a local cache",
        files=["internal/sync/cache.go"],
    )


# ------------------------------------------------------------------ context decides


def _mem_series(start: int, step: int, n: int = 8) -> list[list[object]]:
    return [[1764300000 + 900 * i, str(start + step * i)] for i in range(n)]


def _oom_pod(
    cid: str, app: str, image: str, limit: str, restarts: int = 5, ns: str = NS
) -> dict[str, object]:
    created, first, _ = clock(cid)
    name = pod_name(cid, app)
    return shapes.pod(
        name,
        ns,
        app,
        image,
        created=created,
        restarts=restarts,
        port=8080,
        memory_limit=limit,
        waiting=(
            "CrashLoopBackOff",
            f"back-off 2m40s restarting failed container={app} pod={name}_{ns}"
            f"({sha(name)[:8]}-{sha(name)[8:12]}-4{sha(name)[12:15]}-a{sha(name)[15:18]}-"
            f"{sha(name)[18:30]})",
        ),
        terminated={"exit_code": 137, "reason": "OOMKilled", "started": first, "finished": first},
    )


def context() -> None:
    # look-alike: the e2e step is refused, and the gateway pod crash-loops on a Rust panic
    # parsing its port (rex)
    at(PLAT)
    out = _rust_bin(
        "healer-gateway",
        """
fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_gateway","msg":"loading config","profile":"staging"}}"#);
    let raw = "8443/tcp"; // HEALER_GRPC_PORT as the new chart renders it
    let port: u16 = raw.parse().expect("HEALER_GRPC_PORT must be a port number");
    println!("{port}");
}
""",
    )
    assert out.code == 101, out
    port = real.free_port()
    e2e = real.sh(
        "fr-d-e2e-refused",
        {},
        f"curl -fsS --retry 3 --retry-connrefused --retry-delay 1 http://127.0.0.1:{port}/v1/health",
        "curl -fsS --retry 3 --retry-connrefused --retry-delay 1 https://gateway.staging.5dlabs.ai/v1/health",
        hosts={
            f"http://127.0.0.1:{port}": "https://gateway.staging.5dlabs.ai",
            f"127.0.0.1 port {port}": "gateway.staging.5dlabs.ai port 443",
        },
    )
    assert e2e.code == 7, e2e
    e2e = real.Out(e2e.command, [re.sub(r"after \d+ ms", "after 0 ms", ln) for ln in e2e.lines], 7)
    ctx = crashing(
        "fr-d-ctx-gateway-port",
        NS,
        "healer-gateway",
        "ghcr.io/5dlabs/healer-gateway:0.15.1",
        101,
        out.lines,
    )
    ci(
        "fr-d-ctx-e2e-refused-rust-gateway-port-panic",
        "the staging e2e health check is refused (curl 7); the gateway pod crash-loops on a "
        "Rust panic: HEALER_GRPC_PORT '8443/tcp' does not parse (ParseIntError InvalidDigit), "
        "which the gateway's config code unwraps",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="e2e-staging",
        repo=PLAT,
        steps=[failing(e2e, name="Health check")],
        message="feat(gateway): read the gRPC port from the environment",
        files=["crates/gateway/src/config.rs", "charts/healer/templates/gateway.yaml"],
        extra=ctx,
    )

    # look-alike: the smoke test times out; Argo CD is Degraded on an image pull denied (bolt)
    with silent_server() as sport:
        smoke = real.sh(
            "fr-d-smoke-timeout",
            {},
            f"curl -fsS --max-time 2 http://127.0.0.1:{sport}/healthz",
            "curl -fsS --max-time 10 https://notifier.staging.5dlabs.ai/healthz",
            hosts={f"127.0.0.1 port {sport}": "notifier.staging.5dlabs.ai port 443"},
        )
    smoke_lines = [
        re.sub(r"after \d+ milliseconds", "after 10002 milliseconds", ln) for ln in smoke.lines
    ]
    assert smoke.code == 28, smoke
    image = "registry.5dlabs.ai/internal/healer-notifier:0.15.1"
    created, first, last = clock("fr-d-ctx-pull-denied")
    pname = pod_name("fr-d-ctx-pull-denied", "healer-notifier")
    pull_msg = (
        f'Failed to pull image "{image}": failed to pull and unpack image "{image}": failed '
        f'to resolve reference "{image}": pull access denied, repository does not exist or '
        "may require authorization: authorization failed: no basic auth credentials"
    )
    ci(
        "fr-d-ctx-smoke-timeout-argocd-image-pull-denied",
        "the notifier smoke test times out (curl 28); Argo CD shows healer-notifier Degraded "
        "and the new pod in ImagePullBackOff: the image moved to the private registry without "
        "an imagePullSecret",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="smoke-test",
        repo=PLAT,
        steps=[failing(real.Out(smoke.command, smoke_lines, smoke.code), name="Smoke test")],
        message="chore(images): publish the notifier to registry.5dlabs.ai",
        files=["apps/healer-notifier/values.yaml"],
        extra={
            "argocd": [
                {
                    "name": "healer-notifier",
                    "sync_status": "Synced",
                    "health_status": "Degraded",
                    "message": 'Deployment "healer-notifier" exceeded its progress deadline',
                }
            ],
            "kubernetes": {
                "pods": [
                    shapes.pod(
                        pname,
                        NS,
                        "healer-notifier",
                        image,
                        created=created,
                        port=8080,
                        memory_limit="256Mi",
                        waiting=("ImagePullBackOff", f'Back-off pulling image "{image}"'),
                    )
                ],
                "events": [
                    shapes.event(
                        NS, "Pod", pname, "Failed", pull_msg, first=first, last=last, count=6
                    ),
                    shapes.event(
                        NS,
                        "Pod",
                        pname,
                        "Failed",
                        "Error: ErrImagePull",
                        first=first,
                        last=last,
                        count=6,
                    ),
                ],
            },
        },
    )

    # look-alike: integration tests refused; the preview API crash-loops on its own TypeError
    at(WEB)
    out = real.node_run(
        "fr-d-ctx-node-origins",
        {
            "package.json": json.dumps({"name": "console-api", "type": "module"}),
            "server/config.js": "export const config = {\n"
            "  port: Number(process.env.PORT ?? 3000),\n"
            "  allowedOrigins: process.env.ALLOWED_ORIGINS.split(','),\n};\n",
            "server/index.js": 'console.log(JSON.stringify({ level: "info", msg: "console-api booting" }));\n'
            'const { config } = await import("./config.js");\nconsole.log(config.port);\n',
        },
        "server/index.js",
    )
    assert out.code != 0 and any("split" in ln for ln in out.lines), out
    port = real.free_port()
    it = real.sh(
        "fr-d-it-refused",
        {},
        f"curl -fsS --retry 2 --retry-connrefused --retry-delay 1 http://127.0.0.1:{port}/api/runs",
        "curl -fsS --retry 2 --retry-connrefused --retry-delay 1 https://pr-1931.preview.5dlabs.ai/api/runs",
        hosts={
            f"http://127.0.0.1:{port}": "https://pr-1931.preview.5dlabs.ai",
            f"127.0.0.1 port {port}": "pr-1931.preview.5dlabs.ai port 443",
        },
    )
    assert it.code == 7, it
    it = real.Out(it.command, [re.sub(r"after \d+ ms", "after 0 ms", ln) for ln in it.lines], 7)
    ctx = crashing(
        "fr-d-ctx-node-origins",
        "previews",
        "console-api",
        "ghcr.io/5dlabs/console-api:pr-1931",
        1,
        [ln.replace(real.RUNNER, "/app") for ln in out.lines],
        port=3000,
    )
    ci(
        "fr-d-ctx-preview-refused-node-config-typeerror",
        "the preview's API check is refused (curl 7); the preview pod crash-loops with "
        "'TypeError: Cannot read properties of undefined (reading 'split')' from the new "
        "ALLOWED_ORIGINS parsing in server/config.js",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="preview",
        job="api-check",
        repo=WEB,
        steps=[failing(it, name="Check preview API")],
        message="feat(api): configurable CORS origins",
        files=["server/config.js"],
        pr=pr_of("fr-d-ctx-node-origins", "feat(api): configurable CORS origins"),
        extra=ctx,
    )

    # a missing Secret: CreateContainerConfigError (bolt)
    at(PLAT)
    ro = rollout("fr-d-ctx-secret", NS, "healer-intake", 2, 1, 1, deadline=True)
    assert ro.code != 0, ro
    created, first, last = clock("fr-d-ctx-secret")
    pname = pod_name("fr-d-ctx-secret", "healer-intake")
    ci(
        "fr-d-ctx-missing-secret-create-container-config",
        "the intake rollout passes its deadline; the new pod is in CreateContainerConfigError: "
        'secret "healer-github-app" not found (the chart now reads the App key from a Secret '
        "nobody created in this namespace)",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Rollout status")],
        message="feat(intake): authenticate as the GitHub App",
        files=["charts/healer/templates/intake.yaml", "charts/healer/values.yaml"],
        extra={
            "kubernetes": {
                "pods": [
                    shapes.pod(
                        pname,
                        NS,
                        "healer-intake",
                        "ghcr.io/5dlabs/healer-intake:0.15.1",
                        created=created,
                        port=8080,
                        memory_limit="256Mi",
                        env_from_secret="healer-github-app",
                        waiting=(
                            "CreateContainerConfigError",
                            'secret "healer-github-app" not found',
                        ),
                    )
                ],
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        pname,
                        "Failed",
                        'Error: secret "healer-github-app" not found',
                        first=first,
                        last=last,
                        count=9,
                    )
                ],
            }
        },
    )

    # a namespace LimitRange defaulting the memory limit below steady usage: OOMKilled (bolt)
    ro = rollout("fr-d-ctx-limitrange", NS, "healer-search", 2, 1, 1, deadline=True)
    assert ro.code != 0, ro
    ci(
        "fr-d-ctx-limitrange-default-oomkilled",
        "the search rollout stalls; the new pod is OOMKilled (exit 137) under a 128Mi limit "
        "that the new namespace LimitRange injects by default, while its working set has been "
        "a flat ~300 MB for a week",
        ["context-driven", "resource-kill", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Rollout status")],
        message="feat(platform): default requests and limits per namespace",
        files=["apps/namespaces/healer/limitrange.yaml"],
        extra={
            "kubernetes": {
                "pods": [
                    _oom_pod(
                        "fr-d-ctx-limitrange",
                        "healer-search",
                        "ghcr.io/5dlabs/healer-search:0.15.0",
                        "128Mi",
                    )
                ]
            },
            "prometheus": {
                'max_over_time(container_memory_working_set_bytes{container="healer-search"}[7d])': [
                    {
                        "metric": {"container": "healer-search"},
                        "values": [
                            [1764300000 + 86400 * i, str(301_000_000 + (i % 3) * 3_000_000)]
                            for i in range(7)
                        ],
                    }
                ]
            },
        },
    )

    # Argo CD: a PodDisruptionBudget with a removed API version (bolt)
    msg = (
        "The Kubernetes API could not find policy/PodDisruptionBudget for requested resource "
        'healer/healer-api. Make sure the "PodDisruptionBudget" CRD is installed on the '
        "destination cluster."
    )
    argo = _argocd(
        "healer-api",
        NS,
        "5dlabs/platform",
        "apps/healer-api",
        "Healthy",
        [("policy", "PodDisruptionBudget", NS, "healer-api", "OutOfSync", "", "", msg)],
        "2026-11-27T10:02:37Z",
        phase="Failed",
        message="one or more synchronization tasks are not valid",
    )
    ci(
        "fr-d-ctx-argocd-pdb-policy-v1beta1-removed",
        "Argo CD's sync fails ('one or more synchronization tasks are not valid'): the chart "
        "now renders a policy/v1beta1 PodDisruptionBudget, an API the 1.32 cluster no longer "
        "serves",
        ["argocd", "context-driven", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="deploy",
        job="argocd-sync",
        repo=PLAT,
        steps=[failing(argo, name="Sync")],
        message="feat(charts): PodDisruptionBudget for the API",
        files=["charts/healer/templates/pdb.yaml"],
        extra={
            "argocd": [
                {
                    "name": "healer-api",
                    "sync_status": "OutOfSync",
                    "health_status": "Healthy",
                    "message": "one or more synchronization tasks are not valid",
                }
            ]
        },
    )

    # a firing alert: 5xx on one route, and Loki holds the Rust panic (rex)
    out = _rust_bin(
        "healer-api",
        """
fn pages(total: u64, per_page: u64) -> u64 { (total + per_page - 1) / per_page }
fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_api::runs","msg":"GET /v1/runs","per_page":0}}"#);
    let per_page: u64 = "0".parse().unwrap();
    println!("{}", pages(412, per_page));
}
""",
    )
    assert out.code == 101 and any("divide by zero" in ln for ln in out.lines), out
    panic = [ln.replace("thread 'main'", "thread 'tokio-runtime-worker'") for ln in out.lines]
    ci(
        "fr-d-ctx-canary-alert-firing-divide-by-zero",
        "the canary gate fails on the firing HealerApiHigh5xxRate alert; the 5xx are all on "
        "GET /v1/runs and Loki shows the API panicking 'attempt to divide by zero' when a "
        "client sends per_page=0",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="canary-gate",
        repo=PLAT,
        steps=[
            _hand(
                "Canary gate",
                "./scripts/canary-gate.sh healer-api",
                [
                    "checking alerts for healer-api (canary 10%)",
                    "FIRING HealerApiHigh5xxRate severity=page for=5m",
                    "canary gate: 1 firing alert, rolling back",
                ],
                seconds=310,
            )
        ],
        message="feat(api): let clients choose the page size",
        files=["crates/api/src/runs.rs"],
        extra={
            "prometheus": {
                'ALERTS{alertstate="firing",app="healer-api"}': [
                    {
                        "metric": {
                            "alertname": "HealerApiHigh5xxRate",
                            "alertstate": "firing",
                            "app": "healer-api",
                            "severity": "page",
                        },
                        "value": [1764307200, "1"],
                    }
                ],
                'sum by (route) (rate(http_requests_total{app="healer-api",code=~"5.."}[5m]))': [
                    {"metric": {"route": "/v1/runs"}, "value": [1764307200, "3.41"]},
                    {"metric": {"route": "/v1/agents"}, "value": [1764307200, "0"]},
                ],
            },
            "loki": panic,
        },
    )

    # growth the code causes: a Rust service OOMKilled, working set climbing since deploy (rex)
    ro = rollout("fr-d-ctx-rust-growth", NS, "healer-router", 2, 2, 1)
    assert ro.code != 0, ro
    ci(
        "fr-d-kill-oomkilled-rust-dedup-map-growth",
        "the router rollout never becomes available; its pods are OOMKilled under the "
        "unchanged 512Mi limit and Prometheus shows the working set climbing ~38 MB every 15 "
        "minutes since the deploy that added a never-evicted HashMap of delivery ids",
        ["context-driven", "resource-kill", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Rollout status")],
        message="feat(router): drop duplicate webhook deliveries",
        files=["crates/router/src/dedup.rs"],
        pr=pr_of(
            "fr-d-ctx-rust-growth",
            "feat(router): drop duplicate webhook deliveries",
            "Remembers every X-GitHub-Delivery id in a HashMap and skips repeats.",
        ),
        extra={
            "kubernetes": {
                "pods": [
                    _oom_pod(
                        "fr-d-ctx-rust-growth",
                        "healer-router",
                        "ghcr.io/5dlabs/healer-router:0.15.1",
                        "512Mi",
                        restarts=3,
                    )
                ]
            },
            "prometheus": {
                'container_memory_working_set_bytes{container="healer-router"}': [
                    {
                        "metric": {"container": "healer-router"},
                        "values": _mem_series(61_000_000, 38_000_000),
                    }
                ],
                'kube_pod_container_resource_limits{container="healer-router",resource="memory"}': 536870912,
            },
        },
    )

    # growth the code causes: a Node service adding a listener per request (blaze)
    at(WEB)
    out = real.node_run(
        "fr-d-ctx-listeners",
        {
            "package.json": json.dumps({"name": "console-bff", "type": "module"}),
            "server/index.js": """import { EventEmitter } from "node:events";
const server = new EventEmitter();
function handle(req) {
  // each request subscribes to shutdown to flush its trace span
  server.on("close", () => req.flush());
}
console.log(JSON.stringify({ level: "info", msg: "console-bff listening", port: 3000 }));
for (let i = 0; i < 12; i++) handle({ flush() {} });
""",
        },
        "server/index.js",
    )
    loki = [re.sub(r"\(node:\d+\)", "(node:1)", ln) for ln in out.lines]
    assert any("MaxListenersExceededWarning" in ln for ln in loki), loki
    ro = rollout("fr-d-ctx-listeners", "console", "console-bff", 2, 2, 1)
    assert ro.code != 0, ro
    ci(
        "fr-d-kill-oomkilled-node-listener-leak",
        "the BFF rollout never becomes available: pods are OOMKilled after ~40 minutes, Loki "
        "shows MaxListenersExceededWarning ('close' listeners on the server) and memory "
        "climbs steadily; the change subscribes a listener per request and never removes it",
        ["context-driven", "resource-kill", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="rollout",
        repo=WEB,
        steps=[*kube_setup(), failing(ro, name="Rollout status")],
        message="feat(bff): flush trace spans on shutdown",
        files=["server/index.js"],
        extra={
            "kubernetes": {
                "pods": [
                    _oom_pod(
                        "fr-d-ctx-listeners",
                        "console-bff",
                        "ghcr.io/5dlabs/console-bff:1.7.0",
                        "384Mi",
                        restarts=2,
                        ns="console",
                    )
                ]
            },
            "loki": loki,
            "prometheus": {
                'container_memory_working_set_bytes{container="console-bff"}': [
                    {
                        "metric": {"container": "console-bff"},
                        "values": _mem_series(88_000_000, 41_000_000),
                    }
                ]
            },
        },
    )


# ------------------------------------------------------------------ platform


def platform() -> None:
    at(REPO)
    ci(
        "fr-d-plat-checkout-missing-ref-rust-tests",
        "the rust-tests job of a scheduled backport run fails in its second actions/checkout: the branch "
        "'release/0.14' it was told to test was deleted; no cargo command ran",
        ["platform", "misleading-name"],
        "atlas",
        "git_error",
        workflow="backports",
        job="rust-tests (release/0.14)",
        repo=REPO,
        steps=[
            uses(
                "actions/checkout@v4",
                {"ref": "release/0.14", "path": "release", "fetch-depth": "1"},
                [
                    "Syncing repository: 5dlabs/healer",
                    "##[group]Fetching the repository",
                    "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune "
                    "--no-recurse-submodules --depth=1 origin +refs/heads/release/0.14*:refs/"
                    "remotes/origin/release/0.14* +refs/tags/release/0.14*:refs/tags/release/0.14*",
                    "##[endgroup]",
                ],
                name="Checkout release branch",
                error=["##[error]A branch or tag with the name 'release/0.14' could not be found"],
            )
        ],
        message="ci: nightly backport tests",
        files=[],
        event="workflow_run",
    )

    at(PLAT)
    ci(
        "fr-d-plat-reusable-workflow-not-found",
        "the deploy workflow never starts a job: the called reusable workflow "
        "5dlabs/ci-templates/.github/workflows/helm-deploy.yml@v3 was not found (the tag is v3.0.0)",
        ["platform", "no-log", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="deploy",
        job="helm-deploy",
        repo=PLAT,
        steps=[],
        logs=False,
        message="ci(deploy): use the v3 helm-deploy template",
        files=[".github/workflows/deploy.yml"],
        event="workflow_run",
    )

    ci(
        "fr-d-plat-pr-comment-resource-not-accessible-helm-diff",
        "helm diff ran and printed its diff; posting it as a PR comment fails with 'Resource "
        "not accessible by integration' (403): the workflow's token has pull-requests: read",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="charts",
        job="helm-diff",
        repo=PLAT,
        steps=[
            run(
                "helm diff upgrade healer charts/healer -n healer -f values-staging.yaml",
                [
                    "healer, healer-api, Deployment (apps) has changed:",
                    "-           image: ghcr.io/5dlabs/healer-api:0.15.0",
                    "+           image: ghcr.io/5dlabs/healer-api:0.15.1",
                ],
                name="Diff",
            ),
            uses(
                "actions/github-script@v7",
                {
                    "script": "await github.rest.issues.createComment({...context.repo, issue_number: context.issue.number, body})"
                },
                [
                    "RequestError [HttpError]: Resource not accessible by integration",
                    "    at /home/runner/work/_actions/actions/github-script/v7/dist/index.js:9537:21",
                    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
                    "    at async eval (eval at callAsyncFunction (/home/runner/work/_actions/actions/"
                    "github-script/v7/dist/index.js:36187:16), <anonymous>:3:1) {",
                    "  status: 403,",
                    "  response: {",
                    "    url: 'https://api.github.com/repos/5dlabs/platform/issues/1874/comments',",
                    "    status: 403,",
                    "    data: {",
                    "      message: 'Resource not accessible by integration',",
                    "      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',",
                    "      status: '403'",
                    "    }",
                    "  }",
                    "}",
                ],
                name="Comment the diff",
                error=[
                    "##[error]Unhandled error: HttpError: Resource not accessible by integration"
                ],
            ),
        ],
        message="chore(charts): healer-api 0.15.1",
        files=["charts/healer/values-staging.yaml", ".github/workflows/charts.yml"],
        pr=pr_of("fr-d-plat-pr-comment", "chore(charts): healer-api 0.15.1"),
    )

    ci(
        "fr-d-plat-environment-protection-rejected",
        "the production deploy job never runs a step (no log): a reviewer rejected the "
        "deployment to the 'production' environment",
        ["platform", "no-log", "misleading-name"],
        "atlas",
        "permissions",
        workflow="deploy",
        job="argocd-sync (production)",
        repo=PLAT,
        steps=[],
        logs=False,
        tail=["##[error]The deployment was rejected or didn't satisfy other protection rules."],
        message="chore(release): promote 0.15.1 to production",
        files=["apps/healer/overlays/production/kustomization.yaml"],
        event="workflow_run",
    )

    at(REPO)
    ci(
        "fr-d-plat-runner-label-never-available-cancelled",
        "(no log) the arm64 clippy job waited a day for a self-hosted runner with the label "
        "'arm64-xlarge' that no runner carries and was failed by GitHub; nothing ran",
        ["platform", "no-log", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="clippy (aarch64)",
        repo=REPO,
        steps=[],
        logs=False,
        self_hosted=True,
        cancelled=True,
        tail=[
            "##[error]This request was automatically failed because there were no enabled "
            "runners online to process the request for more than 1 days."
        ],
        message="ci: lint on arm64 too",
        files=[".github/workflows/rust.yml"],
        conclusion="cancelled",
    )

    ci(
        "fr-d-plat-upload-artifact-no-files-junit",
        "every test passed; the junit upload fails with 'No files were found with the provided "
        "path' (if-no-files-found: error) because nextest writes to target/nextest/ci/, not "
        "the path in the workflow",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="rust-tests",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo nextest run --profile ci --workspace",
                [
                    "    Starting 214 tests across 9 binaries",
                    "     Summary [  12.417s] 214 tests run: 214 passed, 0 skipped",
                ],
                name="Test",
            ),
            uses(
                "actions/upload-artifact@v4",
                {"name": "junit", "path": "target/nextest/junit.xml", "if-no-files-found": "error"},
                [],
                name="Upload test report",
                error=[
                    "##[error]No files were found with the provided path: target/nextest/"
                    "junit.xml. No artifacts will be uploaded."
                ],
            ),
        ],
        message="ci: publish junit reports",
        files=[".github/workflows/rust.yml", ".config/nextest.toml"],
    )

    # GH013 push protection for a secret, in a docs-deploy job (cipher)
    from cases_github import gh013_push

    at("5dlabs/healer-docs")
    commit = sha("fr-d-gh013")
    out = gh013_push(
        "fr-d-gh013",
        [
            "error: GH013: Repository rule violations found for refs/heads/gh-pages.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "     (?) Learn how to resolve a blocked push",
            "     https://docs.github.com/code-security/secret-scanning/working-with-secret-scanning-"
            "and-push-protection/working-with-push-protection-from-the-command-line#resolving-a-"
            "blocked-push",
            "",
            "",
            "      —— npm Access Token ——————————————————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: site/.npmrc:2",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/healer-docs/security/secret-scanning/unblock-secret/"
            "2sK4mQw8Rt1Zx6Vb3Nc9Lp0Hy5Gd",
            "",
        ],
    )
    out = real.Out(
        out.command,
        [
            ln.replace("5dlabs/cto.git", "5dlabs/healer-docs.git").replace(
                "main -> main", "gh-pages -> gh-pages"
            )
            for ln in out.lines
        ],
        out.code,
    )
    ci(
        "fr-d-sec-gh013-npm-token-docs-deploy",
        "the docs deploy's push to gh-pages is blocked by push protection: the built site "
        "carries an .npmrc with an npm access token",
        ["misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="docs",
        job="deploy-pages",
        repo="5dlabs/healer-docs",
        steps=[
            run("npm run build", ["vitepress v1.5.0", "build complete in 6.21s."], name="Build"),
            failing(out, name="Push gh-pages"),
        ],
        message="docs: publish the 0.15 guide",
        files=["content/guide/index.md", "site/.npmrc"],
        event="workflow_run",
    )


# ------------------------------------------------------------------ wrappers


def wrappers() -> None:
    # tox env running cargo test for the bindings (rex)
    at(PY)
    path = real.crate(
        "fr-d-tox-cargo",
        {
            "tox.ini": "[tox]\nenvlist = rust\nskipsdist = true\n\n[testenv:rust]\n"
            "allowlist_externals = cargo\ncommands = cargo test --quiet\n",
            "src/lib.rs": """/// Normalise an agent name from the Python side.
pub fn agent_key(name: &str) -> String {
    name.trim().to_lowercase().replace(' ', "-")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn strips_underscores_too() {
        assert_eq!(agent_key(" Rex_Agent "), "rex-agent");
    }
}
""",
        },
        package="healer-py",
    )
    lines, code = real.run(
        [str(b4_venv() / "bin" / "tox"), "-e", "rust"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    lines = _scrub(lines)
    lines = [re.sub(r"\d+\.\d+ seconds", "4.12 seconds", ln) for ln in lines]
    lines = [re.sub(r"in \d+\.\d+s", "in 0.00s", ln) for ln in lines]
    lines = [re.sub(r"pid=\d+", "pid=2718", ln) for ln in lines]
    # tox reads cargo's stderr and the test binary's stdout from one pipe; put cargo's own
    # line where a terminal shows it (after the test summary), as every run prints it
    err = "error: test failed, to rerun pass `--lib`"
    lines = [ln for ln in lines if ln != err]
    at_summary = next(i for i, ln in enumerate(lines) if ln.startswith("test result:"))
    lines[at_summary + 2 : at_summary + 2] = [err]
    lines = [
        re.sub(r"\(\d+\.\d+=setup.*\)", "(4.12=setup[0.02]+cmd[4.10] seconds)", ln) for ln in lines
    ]
    assert code != 0 and any("rex-agent" in ln or "rex_agent" in ln for ln in lines), lines
    ci(
        "fr-d-wrap-tox-cargo-test-agent-key",
        "'tox -e rust' fails: cargo test's strips_underscores_too expects 'rex-agent' and gets "
        "'rex_agent' (agent_key only replaces spaces)",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_test",
        workflow="bindings",
        job="tox",
        repo=PY,
        steps=[
            *rust_setup(),
            _py_setup(),
            failing(real.Out("tox -e rust", lines, code), name="tox"),
        ],
        message="feat(py): normalise agent names",
        files=["src/lib.rs"],
    )

    # turbo running vitest in one package (blaze); turbo's frame written around real vitest
    at(WEB)
    vt = real.vitest(
        "fr-d-turbo-vitest",
        {
            "src/slug.test.js": """import { test, expect } from "vitest";
function slug(s) { return s.toLowerCase().replace(/\\s+/g, "-"); }
test("slugs agent names", () => {
  expect(slug("Blaze  Agent!")).toBe("blaze-agent");
});
""",
        },
    )
    assert vt.code != 0, vt
    body = [f"@console/web:test: {ln}".rstrip() for ln in vt.lines]
    lines = [
        "• Packages in scope: @console/api, @console/ui, @console/web",
        "• Running test in 3 packages",
        "• Remote caching disabled",
        "@console/ui:test: cache hit, replaying logs 6f1c2a9e0b7d4e35",
        "@console/api:test: cache miss, executing 2d8e4b1a7c3f9e06",
        "@console/web:test: cache miss, executing 9a0b3c7d1e5f2a48",
        "@console/web:test: ",
        "@console/web:test: > @console/web@1.7.0 test",
        "@console/web:test: > vitest run",
        "@console/web:test: ",
        *body,
        "@console/web:test: ERROR: command finished with error: command "
        "(/home/runner/work/console/console/apps/web) /opt/hostedtoolcache/node/20.20.2/x64/bin/npm "
        "run test exited (1)",
        "@console/web#test: command (/home/runner/work/console/console/apps/web) /opt/hostedtoolcache/"
        "node/20.20.2/x64/bin/npm run test exited (1)",
        "",
        " Tasks:    2 successful, 3 total",
        "Cached:    1 cached, 3 total",
        "  Time:    6.274s ",
        "Failed:    @console/web#test",
        "",
        " ERROR  run failed: command  exited (1)",
    ]
    ci(
        "fr-d-wrap-turbo-vitest-slug",
        "'turbo run test' fails in @console/web: vitest's 'slugs agent names' expects "
        "'blaze-agent' and gets 'blaze-agent!' (the slug keeps punctuation)",
        ["wrapper", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="monorepo",
        job="turbo",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run("npx turbo run test", lines, 1, name="turbo run test"),
        ],
        message="feat(web): agent slugs in URLs",
        files=["apps/web/src/slug.js"],
    )

    # docker compose run around cargo build (rex); compose's frame around real cargo output
    at(REPO)
    cb = real.cargo(
        "fr-d-compose-cargo",
        {
            "src/main.rs": """use std::collections::HashMap;

fn weights() -> HashMap<&'static str, f32> {
    let mut w = HashMap::new();
    w.insert("rex", 1.0);
    w
}

fn main() {
    let w = weights();
    let rex: f64 = w["rex"];
    println!("{rex}");
}
"""
        },
        ["build"],
    )
    assert cb.code != 0 and any("E0308" in ln for ln in cb.lines), cb
    lines = [
        " Network healer_default  Creating",
        " Network healer_default  Created",
        " Container healer-postgres-1  Creating",
        " Container healer-postgres-1  Created",
        " Container healer-postgres-1  Starting",
        " Container healer-postgres-1  Started",
        *[ln.replace(real.RUNNER, "/src") for ln in cb.lines],
    ]
    ci(
        "fr-d-wrap-compose-run-cargo-e0308",
        "'docker compose run --rm builder cargo build' fails: rustc E0308, an f32 weight "
        "assigned to an f64 binding; postgres started fine",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_build",
        workflow="integration",
        job="compose-build",
        repo=REPO,
        steps=[
            run("docker compose run --rm builder cargo build", lines, 101, name="Build in compose")
        ],
        message="feat(router): per-agent weights",
        files=["src/main.rs"],
    )

    # cargo-make around clippy (rex); cargo-make's frame around real clippy output
    cl = real.cargo(
        "fr-d-make-clippy",
        {
            "src/main.rs": """fn main() {
    let labels = vec!["rust", "ci"];
    let n = labels.iter().filter(|l| l.starts_with('r')).collect::<Vec<_>>().len();
    println!("{n}");
}
"""
        },
        ["clippy", "--", "-D", "warnings"],
    )
    assert cl.code != 0, cl
    lines = [
        "[cargo-make] INFO - cargo make 0.37.23",
        "[cargo-make] INFO - Calling cargo metadata to extract project info",
        "[cargo-make] INFO - Cargo metadata done",
        "[cargo-make] INFO - Build File: Makefile.toml",
        "[cargo-make] INFO - Task: lint",
        "[cargo-make] INFO - Profile: development",
        "[cargo-make] INFO - Running Task: clippy",
        *cl.lines,
        "[cargo-make] ERROR - Error while executing command, exit code: 101",
        "[cargo-make] WARN - Build Failed.",
    ]
    ci(
        "fr-d-wrap-cargo-make-clippy-useless-vec",
        "'cargo make lint' fails in its clippy task: clippy::useless_vec (a vec! where an "
        "array would do) denied by -D warnings",
        ["wrapper"],
        "rex",
        "rust_clippy",
        workflow="ci",
        job="cargo-make-lint",
        repo=REPO,
        steps=[*rust_setup(), run("cargo make lint", lines, 1, name="cargo make lint")],
        message="feat(labels): count rust labels",
        files=["src/main.rs"],
    )

    # skaffold deploy around helm (bolt); both written in their formats (no binaries here)
    at(PLAT)
    ci(
        "fr-d-wrap-skaffold-helm-yaml-parse",
        "'skaffold run' fails in its helm deploy: the rendered deployment.yaml does not "
        "parse ('mapping values are not allowed in this context' at line 27) after a values "
        "change to the probe block",
        ["wrapper", "yaml-owner", "misleading-name"],
        "bolt",
        "helm",
        workflow="dev-env",
        job="skaffold",
        repo=PLAT,
        steps=[
            _hand(
                "skaffold run",
                "skaffold run -p ci --tail=false",
                [
                    "Generating tags...",
                    " - healer -> ghcr.io/5dlabs/healer:0.15.1-14-g3c9e1a2",
                    "Checking cache...",
                    " - healer: Found Remotely",
                    "Tags used in deployment:",
                    " - healer -> ghcr.io/5dlabs/healer:0.15.1-14-g3c9e1a2@sha256:"
                    + sha("skaffold")
                    + sha("skaffold2")[:24],
                    "Starting deploy...",
                    "Error: UPGRADE FAILED: YAML parse error on healer/templates/deployment.yaml: "
                    "error converting YAML to JSON: yaml: line 27: mapping values are not allowed "
                    "in this context",
                    'deploying "healer": install: exit status 1',
                ],
                seconds=21,
            )
        ],
        message="chore(charts): tune the readiness probe",
        files=["charts/healer/values-ci.yaml", "charts/healer/templates/deployment.yaml"],
    )


# ------------------------------------------------------------------ security (sensor only)


def security() -> None:
    import fcommon

    rows = [
        (
            "fr-d-sec-sensor-semgrep",
            REPO,
            "semgrep",
            "semgrep-ci",
            "feat(intake): render the webhook preview",
            ["crates/intake/src/preview.rs"],
            "code_scanning_alert",
            "only the sensor body: the semgrep-ci run failed on main after a change that renders webhook previews",
        ),
        (
            "fr-d-sec-sensor-snyk",
            WEB,
            "snyk",
            "snyk-test",
            "chore(deps): bump the npm group",
            ["package.json", "package-lock.json"],
            "vulnerable_dependency",
            "only the sensor body: the nightly snyk test of the console failed after an npm "
            "group bump",
        ),
        (
            "fr-d-sec-sensor-govulncheck",
            CLI,
            "govulncheck",
            "govulncheck",
            "chore(deps): go get -u ./...",
            ["go.mod", "go.sum"],
            "vulnerable_dependency",
            "only the sensor body: the govulncheck workflow failed on the Go CLI after a dependency update",
        ),
        (
            "fr-d-sec-sensor-checkov",
            PLAT,
            "checkov",
            "checkov-terraform",
            "feat(terraform): public bucket for docs assets",
            ["terraform/gcp/docs_bucket.tf"],
            "code_scanning_alert",
            "only the sensor body: the checkov scan of the Terraform failed after a bucket was added",
        ),
        (
            "fr-d-sec-sensor-tfsec",
            PLAT,
            "tfsec",
            "tfsec",
            "feat(terraform): open the runner security group to the office",
            ["terraform/aws/runners.tf"],
            "code_scanning_alert",
            "only the sensor body: the tfsec workflow failed on main after a security-group change",
        ),
    ]
    for cid, repo, wf, job, msg, files, ftype, desc in rows:
        at(repo)
        j = Job(cid, repo, wf, job, "main", [])
        fcommon.add(
            cid,
            desc,
            ["no-log", "security"],
            "cipher",
            ftype,
            "sensor",
            sensor(j, msg),
            {"changed_files": files, "commit_message": msg},
        )

    # a lockfile bump flagged by the dependency-review action (log in its format)
    at(WEB)
    ci(
        "fr-d-sec-dependency-review-lockfile-advisory",
        "the dependency-review check on a Renovate lockfile bump fails: the new "
        "path-to-regexp 0.1.10 carries GHSA-rhx6-c78j-4q9w (high, ReDoS)",
        ["audit", "security", "misleading-name"],
        "cipher",
        "vulnerable_dependency",
        workflow="pr-checks",
        job="dependency-review",
        repo=WEB,
        steps=[
            uses(
                "actions/dependency-review-action@v4",
                {"fail-on-severity": "high"},
                [
                    "Vulnerabilities",
                    "package-lock.json » path-to-regexp@0.1.10 – path-to-regexp contains a ReDoS "  # noqa: RUF001
                    "(high severity)",
                    "  ↪ https://github.com/advisories/GHSA-rhx6-c78j-4q9w",
                    "License Issues",
                    "No license issues found.",
                    "Dependency review complete.",
                ],
                error=["##[error]Dependency review detected vulnerable packages."],
            )
        ],
        message="chore(deps): update dependency express to v4.21.1",
        files=["package.json", "package-lock.json"],
        pr=pr_of("fr-d-sec-dr", "chore(deps): update dependency express to v4.21.1"),
    )


# ------------------------------------------------------------------ obvious


def obvious() -> None:
    at(REPO)
    out = real.cargo(
        "fr-d-obv-e0599",
        {
            "src/main.rs": """struct Run { id: u64 }
fn main() {
    let r = Run { id: 7 };
    println!("{}", r.id.to_str());
}
"""
        },
        ["build"],
    )
    assert out.code != 0 and any("E0599" in ln for ln in out.lines), out
    ci(
        "fr-d-obv-rust-e0599-to-str",
        "cargo build fails with E0599: no method named `to_str` on u64",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(runs): print run ids",
        files=["src/main.rs"],
    )

    at(WEB)
    out = real.eslint(
        "fr-d-obv-eslint",
        {
            "eslint.config.js": real.ESLINT_CONFIG.format(rules="{}"),
            "src/filter.js": "export function pick(runs, agent) {\n"
            "  return runs.filter((r) => r.agent == agent || r.agent = 'atlas');\n}\n",
        },
    )
    assert out.code != 0, out
    ci(
        "fr-d-obv-eslint-parse-error-assignment",
        "ESLint fails with 'Parsing error: Assigning to rvalue' in src/filter.js: an "
        "assignment where a comparison was meant",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="frontend",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Lint")],
        message="feat(runs): filter by agent",
        files=["src/filter.js"],
    )

    at(PLAT)
    out = real.kubectl(
        "fr-d-obv-kubectl",
        {
            "apps/healer/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: healer-api\n"
            "spec:\n  selector:\n    app.kubernetes.io/name: healer-api\n  ports:\n"
            "    - port: 80\n      targetPort: 8080\n     protocol: TCP\n"
        },
        ["apply", "--dry-run=client", "-f", "apps/healer/service.yaml"],
        "kubectl apply --dry-run=client -f apps/healer/service.yaml",
    )
    assert out.code != 0, out
    ci(
        "fr-d-obv-kubectl-service-yaml-indent",
        "kubectl's client dry run rejects apps/healer/service.yaml: 'protocol' is indented one "
        "space short, so the YAML does not parse",
        ["obvious", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="validate",
        repo=PLAT,
        steps=[*kube_setup(), failing(out, name="Validate")],
        message="feat(healer): expose the API",
        files=["apps/healer/service.yaml"],
    )

    at(REPO)
    out = real.actionlint(
        "fr-d-obv-actionlint",
        {
            "rust.yml": "name: Rust CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test\n"
            "        if: ${{ github.event_name == 'push' }\n"
        },
    )
    assert out.code != 0, out
    ci(
        "fr-d-obv-actionlint-unclosed-expression",
        "actionlint fails on .github/workflows/rust.yml: an 'if:' expression lacks its closing "
        "brace",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="workflow-lint",
        job="actionlint",
        repo=REPO,
        steps=[failing(out, name="actionlint")],
        message="ci: only test on push",
        files=[".github/workflows/rust.yml"],
    )

    at(WEB)
    out = real.tsc(
        "fr-d-obv-ts2322",
        {
            "src/agent.ts": 'export type Agent = "rex" | "blaze" | "bolt";\nexport const fallback: Agent = "atlas";\n'
        },
    )
    assert out.code != 0 and any("TS2322" in ln for ln in out.lines), out
    ci(
        "fr-d-obv-tsc-ts2322-union",
        "tsc fails with TS2322: '\"atlas\"' is not assignable to the Agent union",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="frontend",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(agents): default agent",
        files=["src/agent.ts"],
    )

    at(REPO)
    out = real.cargo(
        "fr-d-obv-test",
        {
            "src/lib.rs": """pub fn retries_left(max: u32, used: u32) -> u32 { max.saturating_sub(used + 1) }

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn none_used_means_all_left() {
        assert_eq!(retries_left(3, 0), 3);
    }
}
"""
        },
        ["test", "--quiet"],
    )
    assert out.code != 0, out
    ci(
        "fr-d-obv-cargo-test-retries-left",
        "cargo test fails: none_used_means_all_left expects 3 retries left and gets 2",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="feat(retry): count retries left",
        files=["src/lib.rs"],
    )


def build() -> None:
    ensure_b4_tools()
    flakes()
    kills()
    context()
    platform()
    wrappers()
    security()
    obvious()
