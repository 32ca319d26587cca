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
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
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
            failing(real.Out("pip install -r requirements-build.txt", lines, code), name="Install maturin"),
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
                "": {"name": "healer-wasm", "version": "0.14.0", "devDependencies": {"wasm-pack": "^0.13.1"}},
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
                    {"name": "healer-wasm", "version": "0.14.0", "devDependencies": {"wasm-pack": "^0.13.1"}}
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
        (503, '{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server is '
         'currently unable to handle the request","reason":"ServiceUnavailable","code":503}',
         "application/json")
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
    lines = [ln.replace(f"127.0.0.1:{port}", "k8s.5dlabs.internal:6443").replace(
        "http://k8s", "https://k8s") for ln in out.lines]
    lines = [re.sub(r"^E\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ ", "E1129 09:14:22.318204    2291 ", ln) for ln in lines]
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
        steps=[*kube_setup(), failing(real.Out(out.command, lines, out.code), name="Apply preview")],
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
    lines = [ln.replace("`mirror`", "`crates-io`").replace("replaced source registry", "registry") for ln in lines]
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
    files = {f"src/table{i}.test.js": f'test("renders table {i}", () => {{ expect({i}).toBe({i}); }});\n' for i in (1, 2, 3)}
    files["src/report.test.js"] = (
        'test("renders the monthly report", async () => {\n'
        "  await new Promise((r) => setTimeout(r, 400));\n"
        '  process.kill(process.pid, "SIGKILL");\n'
        "});\n"
    )
    path = real.scratch("fr-c-jest-worker", {"package.json": '{"name":"web","version":"0.3.0","private":true}\n', **files})
    real.link_node_modules(path)
    lines, code = real.run(["jest", "--ci", "--maxWorkers=2", f"--cacheDirectory={path}/.jest-cache"], path)
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
        steps=[*node_setup(), npm_ci_ok(), failing(real.Out("npx jest --ci --maxWorkers=2", lines, code), name="Test")],
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
                    'linux-gnu/lib/rustlib/x86_64-unknown-linux-gnu/bin:/home/runner/.cargo/bin:'
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
    lines, code = real.run(
        ["node", "--max-old-space-size=32", "--test", "src/"], path, timeout=120
    )
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
            failing(real.Out("node --test src/", lines, code), name="Test", env={"NODE_OPTIONS": "--max-old-space-size=4096"}),
        ],
        message="refactor(api): simplify collect() pagination\n\nDrop the explicit cursor "
        "bookkeeping; the page object already carries next.",
        files=["src/paginate.js"],
        pr=pr_of("fr-c-paginate", "refactor(api): simplify collect() pagination",
                 "Removes the `cursor = page.next` line; `page.next` is read directly.\n\nTests: CI."),
    )


def build() -> None:
    flakes()
    kills()
