"""Batch 3 of the fresh split (ids ``fr-c-``).

- genuine flakes and runner/platform trouble under misleading job names (a TLS handshake
  against a proxy, a registry answering 503 and 500, a submodule fetch reset, a Git LFS batch
  502, an unresolvable schema host, a Kubernetes API answering 503, ENOSPC, a self-hosted
  runner that lost the server, a runner image without a tool);
- resource kills (a Jest worker SIGKILLed, ``make`` reporting its killed recipe, ``ld``
  killed by signal 9, a docs build SIGKILLed) and one whose context shows the code's growth;
- context-driven look-alikes decided by pods, events, Loki, Argo CD or Prometheus;
- wrappers (``make``, ``just``, BuildKit ``RUN``, a Helm hook) around an inner error;
- security (GH013 secret, ``cargo audit`` output, a scanner sensor body) and plain cases.

Every network error is printed by the real client against a 127.0.0.1 server or an
unresolvable ``.invalid`` host, rewritten to the host the workflow would have used. Tools
that cannot run here are written in their own formats and listed in README.md."""

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

import real
import shapes
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha, uses
from gha import Step, run, sensor
from helpers import (
    buildx_setup,
    buildx_step,
    clock,
    crashing,
    kube_setup,
    normal_events,
    pod_name,
    ready_pods,
    reset_server,
    rollout,
    silent_server,
    v8_oom,
)

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
DOCS = "5dlabs/healer-docs"
PY = "5dlabs/healer-py"


def npm_ci_ok() -> Step:
    import dataclasses

    import fcommon

    step = fcommon.npm_ci_ok()
    lines = [re.sub(r"up to date in \d+(\.\d+)?m?s$", "up to date in 9ms", ln) for ln in step.lines]
    return dataclasses.replace(step, lines=lines)


def _py_setup() -> Step:
    return uses(
        "actions/setup-python@v5",
        {"python-version": "3.12", "cache": "pip"},
        ["Successfully set up CPython (3.12.7)"],
    )


def _hand(name: str, command: str, lines: list[str], code: int = 1, seconds: float = 30) -> Step:
    """A failing ``run:`` step written in the tool's own format (the tool does not run here)."""
    return run(command, lines, code, name=name, seconds=seconds)


@contextmanager
def plain_http_on_tls_port() -> Iterator[int]:
    """A 127.0.0.1 server answering plain HTTP where a client expects TLS (a proxy in the way):
    the client's handshake fails with 'wrong version number'."""
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
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            conn.close()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield int(srv.getsockname()[1])
    finally:
        stop.set()
        t.join()
        srv.close()


def kill_leaf(name: str, files: dict[str, str], command: str, after: float, leaf: str) -> real.Out:
    """Run ``command`` as the runner does and SIGKILL only the process whose command line
    contains ``leaf`` (the OOM killer picks the biggest process, not the whole tree)."""
    path = real.scratch(name, {**files, "step.sh": command + "\n"})
    env = {**os.environ, "CI": "true", "NO_COLOR": "1", "FORCE_COLOR": "0"}
    proc = subprocess.Popen(
        ["bash", "-e", "step.sh"],
        cwd=path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(after)
    todo = real._children(proc.pid)
    while todo:
        pid = todo.pop()
        with suppress(OSError):
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                cmd = cmdline.read().replace(b"\0", b" ").decode()
            if leaf in cmd:
                os.kill(pid, signal.SIGKILL)
        todo += real._children(pid)
    text, _ = proc.communicate(timeout=60)
    lines = [real.pin(ln.replace(str(path), real.RUNNER).rstrip()) for ln in text.splitlines()]
    return real.Out(command, lines, proc.returncode)


# ------------------------------------------------------------------ flakes and platform


def flakes() -> None:
    # curl: a TLS handshake against something answering plain HTTP (proxy), in a helm job
    at(PLAT)
    with plain_http_on_tls_port() as port:
        out = real.sh(
            "fr-c-curl-tls",
            {},
            f"curl -fsSL https://127.0.0.1:{port}/helm/helm/main/scripts/get-helm-3 | bash",
            "curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash",
            hosts={f"https://127.0.0.1:{port}": "https://raw.githubusercontent.com"},
        )
    # the pipe's exit status is bash's (0): the runner uses `set -eo pipefail`
    lines = [ln for ln in out.lines if ln]
    assert any("(35)" in ln for ln in lines), lines
    ci(
        "fr-c-flaky-curl-tls-wrong-version-helm-install",
        "installing Helm, curl's TLS handshake with raw.githubusercontent.com fails ('wrong "
        "version number', exit 35) before any chart is touched; only a values comment changed",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="charts",
        job="helm-template",
        repo=PLAT,
        steps=[
            run(
                out.command,
                lines,
                35,
                name="Install Helm",
                shell="/usr/bin/bash --noprofile --norc -eo pipefail {0}",
            )
        ],
        message="docs(charts): comment the ingress values",
        files=["charts/healer/values.yaml"],
    )

    # pip: the pinned wheel URL answers 503, in a maturin (Rust bindings) job
    at(PY)
    with real.serve(
        (503, "<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html")
    ) as port:
        lines, code = real.run(
            [
                str(real.VENV / "bin" / "pip"),
                "install",
                "--no-cache-dir",
                "--retries",
                "1",
                "--ignore-installed",
                "--no-deps",
                "--no-index",
                "--disable-pip-version-check",
                f"http://127.0.0.1:{port}/packages/4f/9a/maturin-1.7.4-py3-none-manylinux_2_17_x86_64.whl",
            ],
            real.scratch("fr-c-pip-503"),
            env={"PIP_FIND_LINKS": "", "PIP_CONFIG_FILE": "/dev/null"},
            hosts={
                f"http://127.0.0.1:{port}": "https://files.pythonhosted.org",
                f"HTTPConnectionPool(host='127.0.0.1', port={port})": "HTTPSConnectionPool(host='files.pythonhosted.org', port=443)",
            },
        )
    lines = [
        re.sub(r"object at 0x[0-9a-f]+", "object at 0x7f3a1c2e5d10", ln)
        for ln in lines
        if "Looking in" not in ln
    ]
    assert code != 0 and any("503" in ln for ln in lines), lines
    ci(
        "fr-c-flaky-pip-503-maturin-bindings",
        "the Python-bindings build of the Rust crate stops installing the pinned maturin wheel: "
        "files.pythonhosted.org answers 503 on every try; no Rust or Python source is involved",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="bindings",
        job="maturin-build (x86_64)",
        repo=PY,
        steps=[
            *rust_setup(),
            _py_setup(),
            failing(
                real.Out("pip install -r requirements-build.txt", lines, code),
                name="Install maturin",
            ),
        ],
        message="feat(py): expose Router.classify",
        files=["src/lib.rs", "python/healer/__init__.pyi"],
    )

    # git: a submodule fetch is reset by the peer, in a typecheck job
    at(WEB)
    with reset_server() as port:
        path = real.scratch("fr-c-submodule-reset")
        real.new_repo(path, {"package.json": '{"name":"console"}\n'})
        (path / ".gitmodules").write_text(
            '[submodule "vendor/design-tokens"]\n\tpath = vendor/design-tokens\n'
            f"\turl = http://127.0.0.1:{port}/5dlabs/design-tokens.git\n"
        )
        real.git(path, "add", ".gitmodules")
        real.git(
            path,
            "update-index",
            "--add",
            "--cacheinfo",
            f"160000,{sha('tokens')},vendor/design-tokens",
        )
        real.git(path, "commit", "-qm", "tokens")
        lines, code = real.git(
            path,
            "submodule",
            "update",
            "--init",
            "--depth",
            "1",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    lines = [ln.replace(real.RUNNER, "/home/runner/work/console/console") for ln in lines]
    assert code != 0, lines
    ci(
        "fr-c-flaky-submodule-fetch-reset-typecheck",
        "the typecheck job fails before tsc: fetching the design-tokens submodule, "
        "github.com resets the connection; the submodule pin did not change",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="typecheck",
        repo=WEB,
        steps=[
            *node_setup(),
            failing(
                real.Out("git submodule update --init --depth 1", lines, code),
                name="Fetch submodules",
            ),
        ],
        message="feat(runs): colour failed steps",
        files=["src/runs/StepList.tsx"],
    )

    # Git LFS batch API 502 while checking out fonts for e2e (git-lfs not installed here)
    oid = sha("fr-c-lfs") + sha("fr-c-lfs2")[:24]
    ci(
        "fr-c-flaky-lfs-batch-502-e2e",
        "the e2e job's checkout cannot smudge an LFS font: the LFS batch endpoint answers "
        "502; the assets did not change",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="e2e",
        job="playwright (chromium)",
        repo=WEB,
        steps=[
            _hand(
                "Pull LFS objects",
                "git lfs pull",
                [
                    "batch response: Fatal error: Server error: "
                    "https://github.com/5dlabs/console.git/info/lfs/objects/batch from HTTP 502",
                    "error: failed to fetch some objects from "
                    "'https://github.com/5dlabs/console.git/info/lfs'",
                    f"Error downloading object: public/fonts/Inter-Variable.woff2 ({oid[:7]}): "
                    "Smudge error: Error downloading public/fonts/Inter-Variable.woff2 "
                    f"({oid}): batch response: Fatal error: Server error: "
                    "https://github.com/5dlabs/console.git/info/lfs/objects/batch from HTTP 502",
                ],
                code=2,
                seconds=12,
            )
        ],
        message="test(e2e): cover the runs filter",
        files=["e2e/runs-filter.spec.ts"],
    )

    # node fetch: the staging schema host does not resolve, in a codegen step
    out = real.node_run(
        "fr-c-codegen-dns",
        {
            "package.json": json.dumps({"name": "console", "type": "module"}),
            "scripts/fetch-schema.mjs": """const url = "https://api.staging.fr-c.invalid/openapi.json";
console.log(`fetching ${url}`);
const res = await fetch(url);
const body = await res.text();
console.log(body.length);
""",
        },
        "scripts/fetch-schema.mjs",
        hosts={"api.staging.fr-c.invalid": "api.staging.5dlabs.ai"},
    )
    lines = [ln for ln in out.lines if not re.match(r"\s+at ", ln) or "fetch-schema" in ln]
    assert out.code != 0 and any("ENOTFOUND" in ln for ln in lines), out.lines
    ci(
        "fr-c-flaky-codegen-schema-dns-enotfound",
        "the API-client codegen step cannot resolve api.staging.5dlabs.ai (getaddrinfo "
        "ENOTFOUND) and Node prints 'TypeError: fetch failed'; the client code did not change",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="build",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(real.Out("node scripts/fetch-schema.mjs", lines, out.code), name="Codegen"),
        ],
        message="chore(ui): bump icon set",
        files=["package.json", "package-lock.json"],
    )

    # npm: the registry answers 500 for a tarball, in a wasm (Rust) job
    at(REPO)
    with real.serve((500, '{"error":"Internal Server Error"}', "application/json")) as port:
        reg = f"http://127.0.0.1:{port}/"
        lock = {
            "name": "healer-wasm",
            "version": "0.14.0",
            "lockfileVersion": 3,
            "requires": True,
            "packages": {
                "": {
                    "name": "healer-wasm",
                    "version": "0.14.0",
                    "devDependencies": {"wasm-pack": "^0.13.1"},
                },
                "node_modules/wasm-pack": {
                    "version": "0.13.1",
                    "resolved": f"{reg}wasm-pack/-/wasm-pack-0.13.1.tgz",
                    "integrity": "sha512-P9exD4YkjpDbw68xUhF3MDm/CC/3eTmmthyG5bHJ56kalxOTewOunxTke4SyF8MTXV6jUtNjXggPgrGmMtczGg==",
                    "dev": True,
                    "license": "MIT OR Apache-2.0",
                },
            },
        }
        out = real.sh(
            "fr-c-npm-500",
            {
                "package.json": json.dumps(
                    {
                        "name": "healer-wasm",
                        "version": "0.14.0",
                        "devDependencies": {"wasm-pack": "^0.13.1"},
                    }
                ),
                "package-lock.json": json.dumps(lock, indent=2),
            },
            f"npm ci --no-audit --no-fund --fetch-retries=0 --cache ./.npm-cache --registry={reg}",
            "npm ci --no-audit --no-fund",
            hosts={f"http://127.0.0.1:{port}": "https://registry.npmjs.org"},
            timeout=120,
        )
    assert out.code != 0, out
    ci(
        "fr-c-flaky-npm-500-wasm-pack",
        "the wasm build cannot install wasm-pack: registry.npmjs.org answers 500 for the "
        "tarball; Cargo.toml and the lockfile are unchanged",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="wasm32",
        repo=REPO,
        steps=[*rust_setup(), *node_setup(), failing(out, name="Install wasm-pack")],
        message="perf(router): avoid cloning labels",
        files=["crates/router/src/labels.rs"],
        event="check_run",
        check=("wasm32", "Process completed with exit code 1."),
    )

    # kubectl apply: the API server answers 503, in a deploy-preview job (no context)
    at(PLAT)
    with real.serve(
        (
            503,
            '{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server is '
            'currently unable to handle the request","reason":"ServiceUnavailable","code":503}',
            "application/json",
        )
    ) as port:
        out = real.kubectl(
            "fr-c-kubectl-503",
            {
                "preview/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
                "preview-412\n  namespace: previews\ndata:\n  BRANCH: feat-runs-filter\n"
            },
            [f"--server=http://127.0.0.1:{port}", "apply", "-f", "preview/"],
            "kubectl apply -f preview/",
        )
    lines = [
        ln.replace(f"127.0.0.1:{port}", "k8s.5dlabs.internal:6443").replace(
            "http://k8s", "https://k8s"
        )
        for ln in out.lines
    ]
    lines = [
        re.sub(r"^E\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ ", "E1129 09:14:22.318204    2291 ", ln)
        for ln in lines
    ]
    assert out.code != 0, out
    ci(
        "fr-c-flaky-kubectl-apply-503-preview",
        "deploying a preview environment, kubectl gets 503 ServiceUnavailable from the API "
        "server for a plain ConfigMap; no manifest error, no cluster context",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="preview",
        job="deploy-preview",
        repo=PLAT,
        steps=[
            *kube_setup(),
            failing(real.Out(out.command, lines, out.code), name="Apply preview"),
        ],
        message="feat(preview): per-branch ConfigMap",
        files=["preview/configmap.yaml"],
    )

    # npm ENOSPC on the runner (disk full), in a Docker job
    at(WEB)
    ci(
        "fr-c-plat-npm-enospc-runner-disk",
        "npm ci in the image job fails with ENOSPC writing to the cache; the runner warns "
        "that only 12 MB of disk is left; nothing in the change is large",
        ["platform", "misleading-name", "resource-kill"],
        "atlas",
        "general",
        workflow="images",
        job="docker-console",
        repo=WEB,
        steps=[
            *node_setup(),
            _hand(
                "Install dependencies",
                "npm ci --no-audit --no-fund",
                [
                    "npm error code ENOSPC",
                    "npm error syscall write",
                    "npm error errno -28",
                    "npm error nospc ENOSPC: no space left on device, write",
                    "npm error nospc There appears to be insufficient space on your system to "
                    "finish.",
                    "npm error nospc Clear up some disk space and try again.",
                    "npm error A complete log of this run can be found in: "
                    "/home/runner/.npm/_logs/2026-11-21T10_02_44_118Z-debug-0.log",
                ],
                code=228,
                seconds=61,
            ),
        ],
        tail=[
            "##[warning]You are running out of disk space. The runner will stop working when the "
            "machine runs out of disk space. Free space left: 12 MB"
        ],
        message="feat(ui): dark mode tokens",
        files=["src/theme/tokens.css"],
    )

    # self-hosted runner lost communication with the server, in a clippy job
    at(REPO)
    ci(
        "fr-c-plat-selfhosted-lost-communication-clippy",
        "the clippy job on a self-hosted runner ends with 'The self-hosted runner ... lost "
        "communication with the server'; clippy was still compiling, no lint output",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="clippy",
        repo=REPO,
        self_hosted=True,
        steps=[
            *rust_setup(),
            run(
                "cargo clippy --workspace --all-targets -- -D warnings",
                [
                    "    Checking serde_json v1.0.133",
                    "    Checking tokio v1.41.1",
                    "    Checking healer-proto v0.14.0 (/home/runner/work/healer/healer/crates/proto)",
                ],
                0,
                name="Clippy",
                conclusion="cancelled",
            ),
        ],
        tail=[
            "##[error]The self-hosted runner: arc-healer-x7k2p-runner-9q4vd lost communication "
            "with the server. Verify the machine is running and has a healthy network connection. "
            "Anything in your workflow that terminates the runner process, starves it for CPU/"
            "Memory, or blocks its network access can cause this error."
        ],
        message="refactor(proto): derive Eq",
        files=["crates/proto/src/lib.rs"],
    )

    # the runner image no longer ships yq: command not found, in a helm job
    at(PLAT)
    out = real.sh(
        "fr-c-no-yq",
        {
            "step.sh": "PATH=/nonexistent\n"
            "tag=$(yq '.image.tag' charts/healer/values.yaml)\n"
            'echo "tag=$tag" >> "$GITHUB_OUTPUT"\n'
        },
        "bash -e step.sh",
        "tag=$(yq '.image.tag' charts/healer/values.yaml)",
    )
    lines = [
        ln.replace("step.sh:", "/home/runner/work/_temp/3b1f9d2e-6c4a-4f0e-9a7d-2e5c8b1f0a43.sh:")
        for ln in out.lines
    ]
    assert out.code == 127, out
    ci(
        "fr-c-plat-runner-image-without-yq",
        "reading the chart's image tag fails with 'yq: command not found' (exit 127): the job "
        "moved to ubuntu-24.04 by the runner label's rollover, whose image no longer ships yq; "
        "the chart did not change",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="charts",
        job="helm-lint",
        repo=PLAT,
        runner="ubuntu-24.04",
        steps=[failing(real.Out(out.command, lines, out.code), name="Read image tag")],
        message="chore: weekly chart lint",
        files=[],
        event="workflow_run",
    )

    # cargo: the sparse index host does not resolve, in a security-audit job
    at(REPO)
    path = real.crate(
        "fr-c-cargo-dns",
        {
            "Cargo.toml": real.cargo_toml("healer", 'serde = "1"'),
            ".cargo/config.toml": "[source.crates-io]\nreplace-with = 'mirror'\n"
            "[source.mirror]\nregistry = 'sparse+https://index.crates.io.fr-c.invalid/'\n"
            "[net]\nretry = 1\n",
        },
    )
    lines, code = real.run(
        ["cargo", "generate-lockfile"],
        path,
        env={"CARGO_HOME": str(path / ".cargo-home")},
        hosts={"index.crates.io.fr-c.invalid": "index.crates.io"},
    )
    lines = [ln for ln in lines if "mirror" not in ln.lower() or "error" in ln.lower()]
    lines = [
        ln.replace("`mirror`", "`crates-io`").replace("replaced source registry", "registry")
        for ln in lines
    ]
    assert code != 0, lines
    ci(
        "fr-c-flaky-cargo-index-dns-audit-job",
        "the cargo-audit job fails before auditing: cargo cannot resolve index.crates.io "
        "while generating the lockfile; nothing about an advisory",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="security",
        job="cargo-audit",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(real.Out("cargo generate-lockfile", lines, code), name="Lockfile"),
        ],
        message="chore: nightly audit",
        files=[],
        event="workflow_run",
    )


# ------------------------------------------------------------------ resource kills


def kills() -> None:
    # a Jest worker SIGKILLed (as the OOM killer does); the other suites pass
    at(WEB)
    files = {
        f"src/table{i}.test.js": f'test("renders table {i}", () => {{ expect({i}).toBe({i}); }});\n'
        for i in (1, 2, 3)
    }
    files["src/report.test.js"] = (
        'test("renders the monthly report", async () => {\n'
        "  await new Promise((r) => setTimeout(r, 400));\n"
        '  process.kill(process.pid, "SIGKILL");\n'
        "});\n"
    )
    path = real.scratch(
        "fr-c-jest-worker",
        {"package.json": '{"name":"web","version":"0.3.0","private":true}\n', **files},
    )
    real.link_node_modules(path)
    lines, code = real.run(
        ["jest", "--ci", "--maxWorkers=2", f"--cacheDirectory={path}/.jest-cache"], path
    )
    lines = [re.sub(r"pid=\d+", "pid=3141", ln) for ln in lines]
    lines = [re.sub(r"\((\.\./)*\S*?node_modules/", "(node_modules/", ln) for ln in lines]
    passed = sorted(ln for ln in lines if ln.startswith("PASS "))
    it = iter(passed)
    lines = [next(it) if ln.startswith("PASS ") else ln for ln in lines]
    assert code != 0 and any("signal=SIGKILL" in ln for ln in lines), lines
    ci(
        "fr-c-kill-jest-worker-sigkill",
        "one Jest suite fails to run because its worker process was terminated by SIGKILL "
        "('terminated by another process'); every test that ran passed, no memory context",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="unit-tests",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(real.Out("npx jest --ci --maxWorkers=2", lines, code), name="Test"),
        ],
        message="feat(reports): monthly report page",
        files=["src/reports/Monthly.jsx", "src/report.test.js"],
    )

    # make reporting its recipe Killed (only the leaf process is killed)
    at(REPO)
    out = kill_leaf(
        "fr-c-make-killed",
        {
            "Makefile": "proto:\n\t@echo 'protoc: generating crates/proto/src/gen (412 files)'\n"
            "\t@python3 -c 'import time; print(\"generating descriptors...\", flush=True); time.sleep(60)'\n"
        },
        "make proto",
        after=1.2,
        leaf="python3 -c",
    )
    assert out.code != 0 and any("Killed" in ln for ln in out.lines), out
    ci(
        "fr-c-kill-make-proto-recipe-killed",
        "'make proto' stops with 'make: *** [Makefile:3: proto] Killed' while generating "
        "descriptors; no protoc or compiler error",
        ["resource-kill", "wrapper", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="codegen",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Generate protobuf code")],
        message="feat(proto): add RetryPolicy message",
        files=["proto/healer/v1/retry.proto"],
    )

    # the linker killed by signal 9 during a release build (rustc's report, ld does not run
    # out of memory here)
    ci(
        "fr-c-kill-ld-signal-9-release",
        "the release build fails in the link step: 'collect2: fatal error: ld terminated with "
        "signal 9 [Killed]'; every crate compiled, the change is a version bump",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="release",
        job="build (x86_64-unknown-linux-gnu)",
        repo=REPO,
        steps=[
            *rust_setup(),
            _hand(
                "Build release",
                "cargo build --release --locked --target x86_64-unknown-linux-gnu",
                [
                    "   Compiling healer-router v0.15.0 (/home/runner/work/healer/healer/crates/router)",
                    "   Compiling healer v0.15.0 (/home/runner/work/healer/healer)",
                    "error: linking with `cc` failed: exit status: 1",
                    "  |",
                    '  = note: LC_ALL="C" PATH="/home/runner/.rustup/toolchains/stable-x86_64-unknown-'
                    "linux-gnu/lib/rustlib/x86_64-unknown-linux-gnu/bin:/home/runner/.cargo/bin:"
                    '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin" VSLANG="1033" "cc" "-m64" '
                    '"/tmp/rustcq7Xk2a/symbols.o" "<1412 object files omitted>" "-Wl,--as-needed" '
                    '"-Wl,-O1" "-nodefaultlibs" "-fuse-ld=lld"',
                    "  = note: some arguments are omitted. use `--verbose` to show all linker arguments",
                    "  = note: collect2: fatal error: ld terminated with signal 9 [Killed]",
                    "          compilation terminated.",
                    "",
                    "",
                    'error: could not compile `healer` (bin "healer") due to 1 previous error',
                ],
                code=101,
                seconds=911,
            ),
        ],
        message="chore(release): 0.15.0",
        files=["Cargo.toml", "Cargo.lock", "CHANGELOG.md"],
        event="workflow_run",
    )

    # a docs-site build SIGKILLed (real kill of the step's process tree)
    at(DOCS)
    out = real.killed(
        "fr-c-docs-killed",
        {
            "build.mjs": """const pages = 1840;
console.log(`building ${pages} pages`);
for (const n of [200, 400, 600]) console.log(`  rendered ${n}/${pages}`);
setTimeout(() => {}, 120000);
"""
        },
        "node build.mjs --out site",
        after=1.0,
    )
    assert out.code == 137, out
    ci(
        "fr-c-kill-docs-site-build-sigkill",
        "the docs-site build is killed (bash 'Killed', exit 137) after rendering 600 of 1840 "
        "pages; no error from the generator, no memory context",
        ["resource-kill"],
        "atlas",
        "general",
        workflow="docs",
        job="build-site",
        repo=DOCS,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build site")],
        message="docs: reference pages for the 0.15 API",
        files=["content/reference/router.md", "content/reference/intake.md"],
    )

    # a pagination loop that never advances: V8 heap OOM, and the diff shows why (blaze)
    at(WEB)
    path = real.node_project(
        "fr-c-paginate-oom",
        {
            "src/paginate.js": """export async function collect(fetchPage) {
  const rows = [];
  let cursor = "";
  do {
    const page = await fetchPage(cursor);
    rows.push(...page.items);
    // next cursor: page.next (was: cursor = page.next)
  } while (cursor !== null);
  return rows;
}
""",
            "src/paginate.test.js": """import { test } from "node:test";
import assert from "node:assert/strict";
import { collect } from "./paginate.js";

test("collects every page", async () => {
  const pages = { "": { items: [1, 2], next: "b" }, b: { items: [3], next: null } };
  const rows = await collect(async (c) => pages[c] ?? pages[""]);
  assert.deepEqual(rows, [1, 2, 3]);
});
""",
        },
        pkg_name="console",
    )
    lines, code = real.run(["node", "--max-old-space-size=32", "--test", "src/"], path, timeout=120)
    head, rest = [], []
    for ln in lines:
        (rest if rest or ln.startswith("# Subtest") else head).append(ln)
    head = [re.sub(r"^# ", "", ln).replace(" (reduce)", "") for ln in head]
    lines = [*v8_oom(head), *(ln for ln in rest if "duration_ms" not in ln)]
    assert code != 0 and any("heap out of memory" in ln for ln in lines), lines[-30:]
    ci(
        "fr-c-kill-node-test-heap-pagination-loop",
        "node --test dies with 'JavaScript heap out of memory'; the change removed the cursor "
        "advance in collect(), so the loop fetches the first page forever and the rows array "
        "grows without bound",
        ["resource-kill", "context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="unit-tests",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(
                real.Out("node --test src/", lines, code),
                name="Test",
                env={"NODE_OPTIONS": "--max-old-space-size=4096"},
            ),
        ],
        message="refactor(api): simplify collect() pagination\n\nDrop the explicit cursor "
        "bookkeeping; the page object already carries next.",
        files=["src/paginate.js"],
        pr=pr_of(
            "fr-c-paginate",
            "refactor(api): simplify collect() pagination",
            "Removes the `cursor = page.next` line; `page.next` is read directly.\n\nTests: CI.",
        ),
    )


# ------------------------------------------------------------------ context decides


def _rust_bin(name: str, source: str) -> real.Out:
    """Build and run a small Rust program named ``name``; its output is what the pod logs."""
    path = real.crate(
        "fr-c-bin-" + name, {"Cargo.toml": real.cargo_toml(name), "src/main.rs": source}
    )
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, code = real.run([str(path / "target" / "release" / name)], path)
    return real.Out(f"/usr/local/bin/{name}", lines, code)


def _argocd(app, ns, repo, path, health, rows, when, phase=None, message=""):
    rev = sha(app + when)
    lines = shapes.argocd_summary(
        app,
        "platform",
        ns,
        repo,
        path,
        rev,
        "Synced" if phase is None else "OutOfSync",
        health,
        phase=phase,
        message=message,
        resources=rows,
    )
    lines.append(
        shapes.logrus_fatal(
            when,
            f'Timed out (300s) waiting for app \\"{app}\\" match desired state'
            if phase is None
            else f"Operation has completed with phase: {phase}",
        )
    )
    what = "health" if phase is None else "sync"
    return real.Out(f"argocd app wait {app} --{what} --timeout 300", lines, 20)


def context() -> None:
    NS = "healer"

    # a Rust scheduler indexing one past its ring buffer at start-up: crash loop (rex)
    at(PLAT)
    out = _rust_bin(
        "healer-scheduler",
        """
struct Ring { slots: Vec<u64>, head: usize }
impl Ring {
    fn new(n: usize) -> Self { Ring { slots: vec![0; n], head: 0 } }
    fn push(&mut self, v: u64) {
        self.slots[self.head] = v;
        self.head = (self.head + 1) % (self.slots.len() + 1);
    }
}
fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_scheduler","msg":"starting","slots":8}}"#);
    let mut r = Ring::new(8);
    for t in 0..32u64 { r.push(t * 15); }
    println!("{}", r.slots[0]);
}
""",
    )
    assert out.code == 101, out
    ctx = crashing(
        "fr-c-ctx-ring",
        NS,
        "healer-scheduler",
        "ghcr.io/5dlabs/healer-scheduler:0.15.0",
        101,
        out.lines,
    )
    argo = _argocd(
        "healer-scheduler",
        NS,
        "5dlabs/platform",
        "apps/healer-scheduler",
        "Degraded",
        [
            (
                "apps",
                "Deployment",
                NS,
                "healer-scheduler",
                "Synced",
                "Degraded",
                "",
                'Deployment "healer-scheduler" exceeded its progress deadline',
            )
        ],
        "2026-11-26T08:14:09Z",
    )
    ctx["argocd"] = [
        {
            "name": "healer-scheduler",
            "sync_status": "Synced",
            "health_status": "Degraded",
            "message": 'Deployment "healer-scheduler" exceeded its progress deadline',
        }
    ]
    ci(
        "fr-c-ctx-rust-ring-buffer-index-crashloop",
        "Argo CD waits out healer-scheduler as Degraded; the pod crash-loops on a Rust panic "
        "('index out of bounds: the len is 8 but the index is 8') from the new ring buffer's "
        "wrap-around",
        ["context-driven", "argocd", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="argocd-sync",
        repo=PLAT,
        steps=[failing(argo, name="Wait for healthy")],
        message="perf(scheduler): fixed-size ring for recent runs",
        files=["crates/scheduler/src/ring.rs"],
        extra=ctx,
    )

    # a Node API importing a name its metrics module no longer exports (blaze), behind helm
    at(WEB)
    out = real.node_run(
        "fr-c-ctx-esm-export",
        {
            "package.json": json.dumps({"name": "console-api", "type": "module"}),
            "server/metrics.js": "export const registry = new Map();\nexport function observe(n, v) { registry.set(n, v); }\n",
            "server/index.js": 'import { register, observe } from "./metrics.js";\nobserve("boot", 1);\nconsole.log(register.size);\n',
        },
        "server/index.js",
    )
    assert out.code != 0, out
    ctx = crashing(
        "fr-c-ctx-esm-export",
        "console",
        "console-api",
        "ghcr.io/5dlabs/console-api:1.6.0",
        1,
        [ln.replace(real.RUNNER, "/app") for ln in out.lines],
        port=3000,
    )
    cmd, hl = shapes.helm_upgrade(
        "console-api", "charts/console-api", "console", "context deadline exceeded"
    )
    ci(
        "fr-c-ctx-node-missing-export-helm-wait",
        "helm upgrade --wait times out ('context deadline exceeded'); the new pods crash at "
        "import: metrics.js no longer exports 'register' (renamed to 'registry')",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="helm-upgrade",
        repo=WEB,
        steps=[*kube_setup(), run(cmd, hl, 1, name="Helm upgrade", seconds=301)],
        message="refactor(api): rename metrics registry",
        files=["server/metrics.js"],
        extra=ctx,
    )

    # image tag with a 'v' that the registry never had: ImagePullBackOff (bolt)
    at(PLAT)
    ro = rollout("fr-c-ctx-tag-v", NS, "healer-api", 3, 1, 2, deadline=True)
    created, first, last = clock("fr-c-ctx-tag-v")
    name = pod_name("fr-c-ctx-tag-v", "healer-api")
    image = "ghcr.io/5dlabs/healer-api:v0.15.0"
    p = shapes.pod(
        name,
        NS,
        "healer-api",
        image,
        created=created,
        port=8080,
        memory_limit="512Mi",
        waiting=("ImagePullBackOff", f'Back-off pulling image "{image}"'),
    )
    events = [
        shapes.event(
            NS,
            "Pod",
            name,
            "Failed",
            f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to '
            f'pull and unpack image "{image}": failed to resolve reference "{image}": '
            f"{image}: not found",
            first=first,
            last=last,
            count=4,
        ),
        shapes.event(
            NS, "Pod", name, "Failed", "Error: ErrImagePull", first=first, last=last, count=4
        ),
        shapes.event(
            NS,
            "Pod",
            name,
            "BackOff",
            f'Back-off pulling image "{image}"',
            first=first,
            last=last,
            count=11,
            type_="Normal",
        ),
    ]
    assert ro.code != 0, ro
    ci(
        "fr-c-ctx-image-tag-v-prefix-not-found",
        "the API rollout passes its deadline; the new pod is in ImagePullBackOff: the values "
        "file now prefixes the tag with 'v' but the images are pushed as '0.15.0'",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Rollout status")],
        message="chore(charts): tag images as v<version>",
        files=["charts/healer/values.yaml", "charts/healer/templates/_helpers.tpl"],
        extra={
            "kubernetes": {
                "pods": [
                    p,
                    *ready_pods(
                        "fr-c-ctx-tag-v", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.14.2", 2
                    ),
                ],
                "events": events,
            }
        },
    )

    # a default-deny NetworkPolicy: the smoke test times out while pods are Ready (bolt)
    with silent_server() as port:
        out = real.sh(
            "fr-c-ctx-netpol",
            {},
            f"curl -fsS --max-time 2 http://127.0.0.1:{port}/healthz",
            "curl -fsS --max-time 10 https://healer.staging.5dlabs.ai/healthz",
        )
    lines = [re.sub(r"after \d+ milliseconds", "after 10001 milliseconds", ln) for ln in out.lines]
    assert out.code == 28, out
    _, first, last = clock("fr-c-ctx-netpol")
    ci(
        "fr-c-ctx-default-deny-netpol-smoke-timeout",
        "the staging smoke test times out (curl 28) although the pods are Ready; the change "
        "added a default-deny NetworkPolicy without an allow rule for the ingress controller, "
        "whose log shows upstream connect timeouts",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="smoke-test",
        repo=PLAT,
        steps=[failing(real.Out(out.command, lines, out.code), name="Smoke test")],
        message="feat(security): default-deny network policies for healer",
        files=["apps/healer/networkpolicy-default-deny.yaml", "apps/healer/kustomization.yaml"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-c-ctx-netpol", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.15.0", 2
                ),
                "events": normal_events("fr-c-ctx-netpol", NS, "healer-api", 2),
            },
            "loki": [
                f"{last[:-1]}.204Z [error] 41#41: *88213 upstream timed out (110: Connection timed "
                "out) while connecting to upstream, client: 10.42.0.1, server: healer.staging.5dlabs.ai, "
                'request: "GET /healthz HTTP/1.1", upstream: "http://10.42.1.37:8080/healthz"',
                f"{last[:-1]}.911Z [error] 41#41: *88219 upstream timed out (110: Connection timed "
                "out) while connecting to upstream, client: 10.42.0.1, server: healer.staging.5dlabs.ai, "
                'request: "GET /healthz HTTP/1.1", upstream: "http://10.42.2.14:8080/healthz"',
            ],
        },
    )

    # a smoke test 503 during the ingress controller's own rolling restart: transient (atlas)
    at(REPO)
    with real.serve(
        (503, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", "text/html")
    ) as port:
        out = real.sh(
            "fr-c-ctx-ingress-reload",
            {},
            f"curl -fsS --retry 2 --retry-delay 1 http://127.0.0.1:{port}/api/v1/version",
            "curl -fsS --retry 2 --retry-delay 1 https://healer.staging.5dlabs.ai/api/v1/version",
            hosts={f"http://127.0.0.1:{port}": "https://healer.staging.5dlabs.ai"},
        )
    assert out.code == 22, out
    _, first, last = clock("fr-c-ctx-ingress-reload")
    ci(
        "fr-c-ctx-smoke-503-during-ingress-restart",
        "the post-deploy smoke test gets 503 three times in three seconds; the healer pods are "
        "Ready with normal events, and the ingress controller was itself being restarted by its "
        "own chart upgrade in that minute (no live upstreams), then served 200s again",
        ["context-driven", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="smoke-test",
        repo=REPO,
        steps=[failing(out, name="Smoke test")],
        message="docs: link the runbook from the README",
        files=["README.md"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-c-ctx-ingress-reload",
                    NS,
                    "healer-api",
                    "ghcr.io/5dlabs/healer-api:0.15.0",
                    3,
                ),
                "events": normal_events("fr-c-ctx-ingress-reload", NS, "healer-api", 3)
                + [
                    shapes.event(
                        "ingress-nginx",
                        "Pod",
                        "ingress-nginx-controller-6d9f7c5b8-k2x4q",
                        "Killing",
                        "Stopping container controller",
                        first=first,
                        last=first,
                        type_="Normal",
                        host="k3s-worker-1",
                    ),
                ],
            },
            "loki": [
                f"{first[:-1]}.402Z [error] 31#31: *7 no live upstreams while connecting to upstream, "
                'client: 10.42.0.1, server: healer.staging.5dlabs.ai, request: "GET /api/v1/version HTTP/1.1"',
                f'{last[:-1]}.118Z 10.42.0.1 - - "GET /api/v1/version HTTP/1.1" 200 57 "-" "curl/8.5.0"',
            ],
        },
    )

    # Argo CD sync refused by a Kyverno admission policy (bolt)
    at(PLAT)
    msg = (
        'admission webhook "validate.kyverno.svc-fail" denied the request: \\n\\nresource '
        "Deployment/healer/healer-worker was blocked due to the following policies \\n\\n"
        "require-run-as-non-root:\\n  autogen-run-as-non-root: 'validation error: Running as root is "
        "not allowed. Either the field spec.securityContext.runAsNonRoot must be set to `true`, or "
        "the fields spec.containers[*].securityContext.runAsNonRoot, spec.initContainers[*]."
        "securityContext.runAsNonRoot, and spec.ephemeralContainers[*].securityContext.runAsNonRoot "
        "must be set to `true`. rule autogen-run-as-non-root[0] failed at path /spec/template/spec/"
        "securityContext/runAsNonRoot/ rule autogen-run-as-non-root[1] failed at path /spec/template/"
        "spec/containers/0/securityContext/'"
    )
    argo = _argocd(
        "healer-worker",
        NS,
        "5dlabs/platform",
        "apps/healer-worker",
        "Healthy",
        [
            (
                "apps",
                "Deployment",
                NS,
                "healer-worker",
                "OutOfSync",
                "Healthy",
                "",
                re.sub(r"(\\n)+\s*", " ", msg),
            )
        ],
        "2026-11-24T14:40:51Z",
        phase="Failed",
        message="one or more objects failed to apply, reason: " + re.sub(r"(\\n)+\s*", " ", msg),
    )
    ci(
        "fr-c-ctx-argocd-kyverno-denies-root",
        "Argo CD's sync fails: Kyverno's admission webhook rejects the worker Deployment "
        "(require-run-as-non-root) after the securityContext was dropped from the chart",
        ["argocd", "context-driven", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="deploy",
        job="argocd-sync",
        repo=PLAT,
        steps=[failing(argo, name="Sync")],
        message="refactor(charts): share pod template between worker and api",
        files=["charts/healer/templates/_pod.tpl", "charts/healer/templates/worker.yaml"],
        extra={
            "argocd": [
                {
                    "name": "healer-worker",
                    "sync_status": "OutOfSync",
                    "health_status": "Healthy",
                    "message": "one or more objects failed to apply",
                }
            ]
        },
    )

    # a nodeSelector typo: pods Pending, FailedScheduling (bolt)
    ro = rollout("fr-c-ctx-arch", NS, "healer-search", 2, 1, 1, deadline=True)
    created, first, last = clock("fr-c-ctx-arch")
    name = pod_name("fr-c-ctx-arch", "healer-search")
    p = shapes.pod(
        name,
        NS,
        "healer-search",
        "ghcr.io/5dlabs/healer-search:0.15.0",
        created=created,
        phase="Pending",
        scheduled=False,
        conditions_reason="Unschedulable",
        pending_message="0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
    )
    events = [
        shapes.event(
            NS,
            "Pod",
            name,
            "FailedScheduling",
            "0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector. "
            "preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
            first=first,
            last=last,
            count=7,
            component="default-scheduler",
        )
    ]
    assert ro.code != 0, ro
    ci(
        "fr-c-ctx-nodeselector-arch-typo-pending",
        "the search rollout exceeds its deadline: the new pod stays Pending (FailedScheduling, "
        "no node matches the selector) because the values set kubernetes.io/arch: amd46",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Rollout status")],
        message="chore(charts): pin search to amd64 nodes",
        files=["charts/healer/values-search.yaml"],
        extra={"kubernetes": {"pods": [p], "events": events}},
    )

    # an SSR server touching window at module scope: crash loop (blaze)
    at(WEB)
    out = real.node_run(
        "fr-c-ctx-ssr-window",
        {
            "package.json": json.dumps({"name": "console-ssr", "type": "module"}),
            "server/theme.js": 'export const prefersDark = window.matchMedia("(prefers-color-scheme: dark)").matches;\n',
            "server/entry.js": 'console.log(JSON.stringify({ level: "info", msg: "ssr starting", port: 3000 }));\n'
            'const { prefersDark } = await import("./theme.js");\nconsole.log(prefersDark);\n',
        },
        "server/entry.js",
    )
    assert out.code != 0 and any("window is not defined" in ln for ln in out.lines), out
    ctx = crashing(
        "fr-c-ctx-ssr-window",
        "console",
        "console-ssr",
        "ghcr.io/5dlabs/console-ssr:1.6.0",
        1,
        [ln.replace(real.RUNNER, "/app") for ln in out.lines],
        port=3000,
    )
    argo = _argocd(
        "console-ssr",
        "console",
        "5dlabs/platform",
        "apps/console-ssr",
        "Progressing",
        [
            (
                "apps",
                "Deployment",
                "console",
                "console-ssr",
                "Synced",
                "Progressing",
                "",
                "Waiting for rollout to finish: 1 old replicas are pending termination...",
            )
        ],
        "2026-11-22T19:03:44Z",
    )
    ci(
        "fr-c-ctx-ssr-window-not-defined-crashloop",
        "argocd app wait times out with console-ssr still Progressing; the new SSR pods crash "
        "at start with 'ReferenceError: window is not defined' from the new theme module",
        ["context-driven", "argocd", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="argocd-wait",
        repo=WEB,
        steps=[failing(argo, name="Wait for console-ssr")],
        message="feat(theme): follow the system colour scheme",
        files=["server/theme.js", "src/theme/index.ts"],
        extra=ctx,
    )


# ------------------------------------------------------------------ wrappers


def wrappers() -> None:
    # make check -> tsc TS2322
    at(WEB)
    path = real.node_project(
        "fr-c-make-tsc",
        {
            "tsconfig.json": real.TSCONFIG,
            "Makefile": "check:\n\tnpx --no-install tsc -p . --noEmit\n",
            "src/retry.ts": "export interface RetryPolicy { attempts: number; backoffMs: number }\n"
            'export const defaults: RetryPolicy = { attempts: "3", backoffMs: 250 };\n',
        },
        pkg_name="console",
    )
    lines, code = real.run(["make", "check"], path)
    assert code != 0 and any("TS2322" in ln for ln in lines), lines
    ci(
        "fr-c-wrap-make-check-tsc-ts2322",
        "'make check' fails: tsc reports TS2322, a string assigned to the numeric 'attempts' of "
        "RetryPolicy",
        ["wrapper"],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="make-check",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(real.Out("make check", lines, code), name="make check"),
        ],
        message="feat(api): configurable retries",
        files=["src/retry.ts"],
    )

    # just test -> cargo test assertion
    at(REPO)
    path = real.crate(
        "fr-c-just-test",
        {
            "justfile": "test:\n    cargo test --quiet\n",
            "src/lib.rs": """pub fn backoff_ms(attempt: u32) -> u64 {
    let base = 250u64;
    base * 2u64.pow(attempt)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn first_retry_waits_base() {
        assert_eq!(backoff_ms(1), 250);
    }
}
""",
        },
    )
    lines, code = real.run(["just", "test"], path, env={"CARGO_NET_OFFLINE": "true"})
    assert code != 0, lines
    ci(
        "fr-c-wrap-just-test-backoff-assert",
        "'just test' fails: cargo test's first_retry_waits_base expects 250 ms and gets 500 "
        "(the exponent is off by one)",
        ["wrapper"],
        "rex",
        "rust_test",
        workflow="ci",
        job="just-test",
        repo=REPO,
        steps=[
            *rust_setup(),
            uses("extractions/setup-just@v2", None, ["just 1.59.0"]),
            failing(real.Out("just test", lines, code), name="just test"),
        ],
        message="feat(retry): exponential backoff",
        files=["src/lib.rs"],
    )

    # BuildKit RUN npm run lint -> ESLint no-undef
    at(WEB)
    lint = real.npm_script(
        "fr-c-bk-eslint",
        {
            "eslint.config.js": real.ESLINT_CONFIG.format(rules="{}"),
            "src/export.js": 'export function toCsv(rows) {\n  return rows.map((r) => r.join(",")).join(EOL);\n}\n',
        },
        {"lint": "eslint src"},
        "lint",
    )
    assert lint.code != 0 and any("no-undef" in ln for ln in lint.lines), lint
    dockerfile = (
        "FROM node:20-bookworm-slim AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n"
        "COPY . .\nRUN npm run lint && npm run build\n\nFROM nginx:1.27-alpine\n"
        "COPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit("fr-c-bk-eslint", dockerfile)
    err = bk.run_until(
        6,
        [
            ln.replace(real.RUNNER, "/app").replace("web@0.3.0", "console@1.6.0")
            for ln in lint.lines
        ],
        lint.code,
    )
    ci(
        "fr-c-wrap-buildkit-npm-lint-no-undef",
        "the image build's 'RUN npm run lint && npm run build' fails: ESLint reports no-undef "
        "for 'EOL' in src/export.js (never imported)",
        ["wrapper", "misleading-name"],
        "blaze",
        "frontend_lint",
        workflow="images",
        job="docker-console",
        repo=WEB,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:sha-" + sha("bklint")[:7]),
        ],
        message="feat(runs): export as CSV",
        files=["src/export.js"],
    )

    # helm pre-upgrade hook: the Rust migration job panics (rex)
    at(PLAT)
    out = _rust_bin(
        "healer-migrate",
        """
fn parse_version(name: &str) -> u32 {
    name.split('_').next().unwrap().parse().unwrap()
}
fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_migrate","msg":"applying migrations","pending":3}}"#);
    for f in ["0041_runs_index.sql", "0042_agent_weights.sql", "V43__notifier_locale.sql"] {
        let v = parse_version(f);
        eprintln!(r#"{{"level":"INFO","target":"healer_migrate","msg":"applied","version":{v}}}"#);
    }
}
""",
    )
    assert out.code == 101, out
    created, first, last = clock("fr-c-hook-migrate")
    jname = f"healer-migrate-{sha('fr-c-hook-migrate')[:5]}"
    p = shapes.pod(
        jname,
        NS_PLAT,
        "healer-migrate",
        "ghcr.io/5dlabs/healer-migrate:0.15.0",
        created=created,
        phase="Failed",
        terminated={"exit_code": 101, "reason": "Error", "started": first, "finished": first},
        owner=("Job", "healer-migrate"),
    )
    cmd, hl = shapes.helm_upgrade(
        "healer",
        "charts/healer",
        NS_PLAT,
        "pre-upgrade hooks failed: 1 error occurred:\n\t* job healer-migrate failed: BackoffLimitExceeded",
    )
    ci(
        "fr-c-wrap-helm-hook-migrate-panic",
        "helm upgrade fails in its pre-upgrade hook (BackoffLimitExceeded); the migration job's "
        "log shows a Rust panic parsing the version of the new migration 'V43__notifier_locale.sql'",
        ["wrapper", "context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="helm-upgrade",
        repo=PLAT,
        steps=[
            *kube_setup(),
            run(cmd, "\n".join(hl).splitlines(), 1, name="Helm upgrade", seconds=95),
        ],
        message="feat(notifier): store locale per channel",
        files=["crates/migrate/migrations/V43__notifier_locale.sql"],
        extra={
            "kubernetes": {
                "pods": [p],
                "events": [
                    shapes.event(
                        NS_PLAT,
                        "Job",
                        "healer-migrate",
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                        first=first,
                        last=last,
                        component="job-controller",
                    )
                ],
            },
            "loki": out.lines,
        },
    )

    # make lint-charts -> yamllint on a values file (bolt)
    out = real.yamllint(
        "fr-c-make-yamllint",
        {
            "charts/healer/values.yaml": "image:\n  repository: ghcr.io/5dlabs/healer\n  tag: 0.15.0\n"
            "resources:\n  limits:\n    memory: 512Mi\n   cpu: 500m\n"
        },
        ["charts/healer/values.yaml"],
    )
    assert out.code != 0, out
    lines = ["yamllint charts/", *out.lines, "make: *** [Makefile:12: lint-charts] Error 1"]
    ci(
        "fr-c-wrap-make-lint-charts-yamllint",
        "'make lint-charts' fails: yamllint reports a syntax error in the chart's values.yaml "
        "(cpu indented three spaces under limits)",
        ["wrapper", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="ci",
        job="make-lint",
        repo=PLAT,
        steps=[_py_setup(), run("make lint-charts", lines, 2, name="make lint-charts")],
        message="chore(charts): cpu limit for healer",
        files=["charts/healer/values.yaml"],
    )


NS_PLAT = "healer"


# ------------------------------------------------------------------ security


def security() -> None:
    from cases_github import gh013_push

    at(PLAT)
    commit = sha("fr-c-gh013")
    out = gh013_push(
        "fr-c-gh013",
        [
            "error: GH013: Repository rule violations found for refs/heads/main.",
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
            "      —— Google Cloud Service Account Credentials ——————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: terraform/gcp/ci-sa.json:5",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/platform/security/secret-scanning/unblock-secret/"
            "2rV9cLx4Qp7Mn2Tb8Kw1Hd5Zs3Ye",
            "",
        ],
    )
    out = real.Out(
        out.command,
        [ln.replace("5dlabs/cto.git", "5dlabs/platform.git") for ln in out.lines],
        out.code,
    )
    ci(
        "fr-c-sec-gh013-gcp-sa-key-terraform-fmt",
        "the terraform-fmt bot's push of formatted files is blocked by push protection: the "
        "commit includes a GCP service-account key file",
        ["misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="terraform",
        job="terraform-fmt",
        repo=PLAT,
        steps=[
            run(
                "terraform fmt -recursive terraform/",
                ["terraform/gcp/main.tf"],
                name="terraform fmt",
            ),
            failing(out, name="Push formatted files"),
        ],
        message="chore(terraform): fmt",
        files=["terraform/gcp/main.tf", "terraform/gcp/ci-sa.json"],
    )

    at(REPO)
    ci(
        "fr-c-sec-cargo-audit-rustsec-in-log",
        "cargo audit in the Rust CI fails on RUSTSEC-2024-0421 (idna accepts Punycode labels "
        "that do not produce non-ASCII output) pulled in through url 2.5.2",
        ["audit", "misleading-name"],
        "cipher",
        "vulnerable_dependency",
        workflow="Rust CI",
        job="test-and-audit",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo test --workspace",
                [
                    "test result: ok. 212 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.03s"
                ],
                name="Test",
            ),
            _hand(
                "Audit",
                "cargo audit --deny warnings",
                [
                    "    Fetching advisory database from `https://github.com/RustSec/advisory-db.git`",
                    "      Loaded 742 security advisories (from /home/runner/.cargo/advisory-db)",
                    "    Updating crates.io index",
                    "    Scanning Cargo.lock for vulnerabilities (318 crate dependencies)",
                    "Crate:     idna",
                    "Version:   0.5.0",
                    "Title:     `idna` accepts Punycode labels that do not produce any non-ASCII when decoded",
                    "Date:      2024-12-09",
                    "ID:        RUSTSEC-2024-0421",
                    "URL:       https://rustsec.org/advisories/RUSTSEC-2024-0421",
                    "Solution:  Upgrade to >=1.0.0",
                    "Dependency tree:",
                    "idna 0.5.0",
                    "└── url 2.5.2",
                    "    └── healer-intake 0.15.0",
                    "        └── healer 0.15.0",
                    "",
                    "error: 1 vulnerability found!",
                ],
                seconds=14,
            ),
        ],
        message="feat(intake): accept webhook URLs with IDN hosts",
        files=["crates/intake/src/url.rs", "Cargo.lock"],
    )

    import fcommon
    from gha import Job

    j = Job("fr-c-sec-sensor-grype", PLAT, "grype-sbom-scan", "grype-sbom-scan", "main", [])
    fcommon.add(
        "fr-c-sec-sensor-grype-sbom",
        "only the sensor body: the grype SBOM scan run failed on main after an image rebuild",
        ["no-log"],
        "cipher",
        "vulnerable_dependency",
        "sensor",
        sensor(j, "chore(images): rebuild agent image on node 22.11"),
        {
            "changed_files": ["images/agent/Dockerfile"],
            "commit_message": "chore(images): rebuild agent image on node 22.11",
        },
    )


# ------------------------------------------------------------------ obvious


def obvious() -> None:
    at(REPO)
    out = real.cargo(
        "fr-c-obv-e0061",
        {
            "src/main.rs": """fn classify(title: &str, body: &str) -> &'static str {
    if title.contains("cargo") || body.contains("rustc") { "rex" } else { "atlas" }
}

fn main() {
    println!("{}", classify("cargo build failed"));
}
"""
        },
        ["build"],
    )
    assert out.code != 0 and any("E0061" in ln for ln in out.lines), out
    ci(
        "fr-c-obv-rust-e0061-missing-argument",
        "cargo build fails with E0061: classify takes two arguments but one was supplied",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(router): use the body too",
        files=["src/main.rs"],
    )

    at(WEB)
    out = real.tsc(
        "fr-c-obv-ts2551",
        {
            "src/steps.ts": "export function count(steps: string[]): number {\n  return steps.lenght;\n}\n"
        },
    )
    assert out.code != 0 and any("TS2551" in ln for ln in out.lines), out
    ci(
        "fr-c-obv-tsc-ts2551-typo",
        "tsc fails with TS2551: property 'lenght' does not exist on string[] (did you mean "
        "'length'?)",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="frontend",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(runs): step counter",
        files=["src/steps.ts"],
    )

    out = real.jest(
        "fr-c-obv-jest",
        {
            "duration.test.js": """function humanize(ms) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}
test("formats durations", () => {
  expect([59000, 61000, 3600000].map(humanize)).toEqual(["59s", "1m 1s", "1h 0m"]);
});
"""
        },
    )
    assert out.code != 0, out
    ci(
        "fr-c-obv-jest-toequal-duration",
        "Jest fails: humanize(3600000) gives '60m 0s' where the test expects '1h 0m'",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="unit-tests",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Test")],
        message="feat(runs): humanize durations",
        files=["src/duration.js", "duration.test.js"],
    )

    at(PLAT)
    out = real.hadolint(
        "fr-c-obv-dl3020",
        "FROM alpine:3.20\nADD scripts/ /opt/scripts/\nRUN chmod +x /opt/scripts/*.sh\n"
        'ENTRYPOINT ["/opt/scripts/entrypoint.sh"]\n',
        "images/tools/Dockerfile",
    )
    assert out.code != 0 and any("DL3020" in ln for ln in out.lines), out
    ci(
        "fr-c-obv-hadolint-dl3020-add",
        "hadolint fails on DL3020: use COPY instead of ADD for files and folders",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="hadolint",
        repo=PLAT,
        steps=[failing(out, name="hadolint")],
        message="feat(images): tools image",
        files=["images/tools/Dockerfile"],
    )

    # git push rejected: the remote branch moved on (non-fast-forward)
    at(REPO)
    root = real.scratch("fr-c-obv-nff")
    remote = root / "remote.git"
    real.git(root, "init", "-q", "--bare", str(remote))
    a = root / "a"
    b = root / "b"
    real.new_repo(a, {"CHANGELOG.md": "# Changelog\n"})
    real.git(a, "remote", "add", "origin", str(remote))
    real.git(a, "push", "-q", "origin", "main")
    real.git(root, "clone", "-q", str(remote), str(b))
    real.commit_all(a, {"CHANGELOG.md": "# Changelog\n\n## 0.15.1\n"}, "release 0.15.1")
    real.git(a, "push", "-q", "origin", "main")
    real.commit_all(b, {"VERSION": "0.15.1\n"}, "chore(release): 0.15.1")
    lines, code = real.git(
        b, "push", "origin", "main", hosts={str(remote): "https://github.com/5dlabs/healer.git"}
    )
    assert code != 0 and any("rejected" in ln for ln in lines), lines
    ci(
        "fr-c-obv-git-push-non-fast-forward",
        "the release job's git push is rejected (fetch first): main moved while the job ran",
        ["obvious"],
        "atlas",
        "git_error",
        workflow="release",
        job="push-release-commit",
        repo=REPO,
        steps=[failing(real.Out("git push origin main", lines, code), name="Push release commit")],
        message="chore(release): 0.15.1",
        files=["VERSION"],
    )


def build() -> None:
    flakes()
    kills()
    context()
    wrappers()
    security()
    obvious()
