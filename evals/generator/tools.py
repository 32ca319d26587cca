"""Run the real tools on small broken inputs and capture what they print.

Every error line in the dataset comes from here: nothing is typed by hand. Each function
returns (command, output lines, exit code) for one broken input.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

WORK = Path(__file__).resolve().parent / "work"
Output = tuple[str, list[str], int]


def run(cmd: list[str] | str, cwd: Path, env: dict[str, str] | None = None,
        timeout: int = 300) -> tuple[list[str], int]:
    """Run a command; stdout and stderr interleaved as the runner shows them."""
    merged = {**os.environ, "CARGO_TERM_COLOR": "never", "NO_COLOR": "1", "TERM": "dumb",
              **(env or {})}
    done = subprocess.run(cmd, cwd=cwd, env=merged, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout,
                          shell=isinstance(cmd, str))
    home = str(Path.home())
    lines = [line.replace(str(WORK), "/home/runner/work/app/app").replace(home, "/home/runner")
             for line in done.stdout.splitlines()]
    return lines, done.returncode


def fresh(name: str) -> Path:
    """An empty scratch directory."""
    path = WORK / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


# --------------------------------------------------------------------------- rust

CARGO_TOML = """[package]
name = "{name}"
version = "0.1.0"
edition = "2021"

[dependencies]
{deps}
"""


def rust_project(name: str, main: str, deps: str = "", lib_test: str = "") -> Path:
    path = fresh(name)
    (path / "src").mkdir()
    (path / "Cargo.toml").write_text(CARGO_TOML.format(name=name, deps=deps))
    (path / "src" / "main.rs").write_text(textwrap.dedent(main))
    if lib_test:
        (path / "src" / "lib.rs").write_text(textwrap.dedent(lib_test))
    return path


def cargo(name: str, main: str, sub: list[str], deps: str = "", lib: str = "") -> Output:
    path = rust_project(name, main, deps, lib)
    lines, code = run(["cargo", *sub], path, env={"CARGO_NET_OFFLINE": "true"})
    return "cargo " + " ".join(sub), lines, code


def rustfmt_check(name: str, main: str) -> Output:
    path = rust_project(name, main)
    lines, code = run(["cargo", "fmt", "--all", "--", "--check"], path)
    return "cargo fmt --all -- --check", lines, code


# --------------------------------------------------------------------------- node

NODE_TOOLS = WORK / "node-tools"


def node_tools() -> Path:
    """typescript and eslint installed once (pinned) from the npm registry."""
    marker = NODE_TOOLS / ".installed"
    if not marker.exists():
        NODE_TOOLS.mkdir(parents=True, exist_ok=True)
        (NODE_TOOLS / "package.json").write_text('{"name":"tools","private":true}')
        lines, code = run(["npm", "install", "--no-audit", "--no-fund", "typescript@5.6.3",
                           "eslint@9.14.0", "@eslint/js@9.14.0", "globals@15.12.0"],
                          NODE_TOOLS, timeout=600)
        if code != 0:
            raise RuntimeError("npm install failed:\n" + "\n".join(lines[-20:]))
        marker.write_text("ok")
    return NODE_TOOLS


def tsc(name: str, files: dict[str, str]) -> Output:
    tools = node_tools()
    path = fresh(name)
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(textwrap.dedent(text))
    (path / "tsconfig.json").write_text('{"compilerOptions":{"strict":true,"noEmit":true,'
                                        '"target":"ES2022","module":"ES2022",'
                                        '"moduleResolution":"node"},"include":["src"]}')
    lines, code = run([str(tools / "node_modules/.bin/tsc"), "-p", "."], path)
    return "npx tsc --noEmit -p .", lines, code


def eslint(name: str, files: dict[str, str]) -> Output:
    tools = node_tools()
    path = fresh(name)
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(textwrap.dedent(text))
    (path / "eslint.config.mjs").write_text(textwrap.dedent(f"""
        import js from "{tools}/node_modules/@eslint/js/src/index.js";
        import globals from "{tools}/node_modules/globals/index.js";
        export default [js.configs.recommended,
          {{languageOptions: {{globals: globals.browser}}}}];
    """))
    lines, code = run([str(tools / "node_modules/.bin/eslint"), "src"], path)
    return "npx eslint src", lines, code


def node_test(name: str, files: dict[str, str]) -> Output:
    path = fresh(name)
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(textwrap.dedent(text))
    lines, code = run(["node", "--test", "test/"], path)
    return "npm test", lines, code


def node_run(name: str, files: dict[str, str], script: str, shown: str) -> Output:
    path = fresh(name)
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(textwrap.dedent(text))
    lines, code = run(script, path)
    return shown, lines, code


# --------------------------------------------------------------------------- infra

def hadolint(name: str, dockerfile: str) -> Output:
    path = fresh(name)
    (path / "Dockerfile").write_text(textwrap.dedent(dockerfile))
    lines, code = run(["hadolint", "--failure-threshold", "warning", "Dockerfile"], path)
    return "hadolint Dockerfile", lines, code


def yamllint(name: str, files: dict[str, str], target: str = ".") -> Output:
    path = fresh(name)
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(textwrap.dedent(text))
    lines, code = run(["yamllint", "-f", "standard", target], path)
    return f"yamllint {target}", lines, code


def kubectl_dry_run(name: str, manifest: str) -> Output:
    path = fresh(name)
    (path / "k8s").mkdir()
    (path / "k8s" / "app.yaml").write_text(textwrap.dedent(manifest))
    lines, code = run(["kubectl", "create", "--dry-run=client", "--validate=false", "-o",
                       "name", "-f", "k8s/"], path,
                      env={"KUBECONFIG": "/dev/null"})
    return "kubectl create --dry-run=client -f k8s/", lines, code


# --------------------------------------------------------------------------- git

def git(path: Path, *args: str) -> tuple[list[str], int]:
    return run(["git", "-c", "user.email=ci@example.com", "-c", "user.name=CI",
                "-c", "init.defaultBranch=main", "-c", "advice.detachedHead=false", *args],
               path)


def merge_conflict(name: str, file: str, base: str, ours: str, theirs: str) -> Output:
    path = fresh(name)
    git(path, "init", "-q")
    (path / file).parent.mkdir(parents=True, exist_ok=True)
    (path / file).write_text(base)
    git(path, "add", ".")
    git(path, "commit", "-qm", "base")
    git(path, "checkout", "-qb", "feature")
    (path / file).write_text(theirs)
    git(path, "commit", "-qam", "feature change")
    git(path, "checkout", "-q", "main")
    (path / file).write_text(ours)
    git(path, "commit", "-qam", "main change")
    git(path, "checkout", "-q", "feature")
    lines, code = git(path, "merge", "main")
    return "git merge origin/main", lines, code


def rejected_push(name: str) -> Output:
    root = fresh(name)
    remote = root / "remote.git"
    run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], root)
    a, b = root / "a", root / "b"
    for clone in (a, b):
        run(["git", "clone", "-q", str(remote), str(clone)], root)
    (a / "x.txt").write_text("a\n")
    git(a, "add", ".")
    git(a, "commit", "-qm", "a")
    git(a, "push", "-q", "origin", "HEAD:main")
    (b / "y.txt").write_text("b\n")
    git(b, "add", ".")
    git(b, "commit", "-qm", "b")
    lines, code = git(b, "push", "origin", "HEAD:main")
    lines = [line.replace(str(remote), "https://github.com/acme/app.git") for line in lines]
    return "git push origin HEAD:main", lines, code


def unreachable(name: str, port: int = 9) -> Output:
    path = fresh(name)
    lines, code = run(["curl", "-sS", "--max-time", "5", f"http://127.0.0.1:{port}/releases/"
                       "download/v1.2.3/tool.tar.gz", "-o", "tool.tar.gz"], path)
    return "curl -sSfL https://github.com/acme/tool/releases/download/v1.2.3/tool.tar.gz", \
        [line.replace(f"127.0.0.1 port {port}", "github.com port 443") for line in lines], code


def cargo_noise() -> tuple[list[str], list[str]]:
    """Real output of a healthy build and test run: warnings, and passing-test filler."""
    warn_lines, _ = cargo("noise-warn", """
        fn main() {
            let unused = 1;
            let mut x = 2;
            println!("{}", x);
        }
    """, ["build"])[1:]
    filler, _ = cargo("noise-pass", "fn main() {}\n", ["test"], lib="""
        pub fn one() -> u32 { 1 }
        #[cfg(test)]
        mod tests {
            #[test] fn a() { assert_eq!(super::one(), 1); }
            #[test] fn b() { assert_eq!(super::one() + 1, 2); }
            #[test] fn c() { assert!(super::one() > 0); }
        }
    """)[1:]
    return [line for line in warn_lines if line.strip()], [line for line in filler if line.strip()]
