"""Batch 7 of the fresh split (ids ``fr-g-``).

- resource kills in wordings not used before (vitest, ``cargo doc``, ``node --test``, cargo
  clippy killed with nothing to blame but the runner; a prerender script and a Rust test whose
  own output shows their memory growing);
- multi-signal and noisy logs: passing tools with warnings and continue-on-error steps before
  the one step that failed the job; long passing runs with one failure;
- genuine flakes under code-named jobs (curl 56 and 18, npm's fetch timeout, kubectl and git
  against a resetting server) and look-alikes whose context explains them;
- four obvious cases.

Every tool here runs for real (cargo/rustc/clippy/rustfmt, node, npm, tsc, eslint, vitest,
mocha, jest, hadolint, yamllint, kubectl, curl, git) against 127.0.0.1 servers or local
directories; SIGKILLs are real kills of the step's process tree."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import real
from fcommon import at, ci, failing, node_setup, npm_ci_ok, rust_setup
from gha import run
from helpers import reset_server, silent_server

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
NS = "healer"


def _pkg(scripts: dict[str, str] | None = None) -> str:
    pkg: dict[str, object] = {"name": "console", "version": "2.0.0", "private": True}
    pkg["type"] = "module"
    if scripts:
        pkg["scripts"] = scripts
    return json.dumps(pkg, indent=2) + "\n"


def _nonblank(out: real.Out) -> real.Out:
    return real.Out(out.command, [ln for ln in out.lines if ln.strip()], out.code)


# ------------------------------------------------------------------ resource kills


def kills() -> None:
    at(WEB)
    out = real.killed(
        "fr-g-kill-vitest",
        {
            "package.json": _pkg(),
            "src/format.js": "export const money = (c) => `$${(c / 100).toFixed(2)}`;\n",
            "src/format.test.js": """import { test, expect } from "vitest";
import { money } from "./format.js";
test("formats cents", async () => {
  expect(money(1999)).toBe("$19.99");
  await new Promise((r) => setTimeout(r, 60000));
}, 120000);
""",
        },
        "npx vitest run --pool=forks",
        after=6,
        node_modules=True,
    )
    out = _nonblank(out)
    assert out.code == 137, out
    ci(
        "fr-g-kill-vitest-forks-killed-no-growth",
        "npx vitest run is killed by the runner (bash 'Killed', exit 137) with no test output "
        "past the start; the change only edits a money formatter and nothing shows the code "
        "growing: runner memory, not the code",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="fix(format): two decimals for cents",
        files=["src/format.js"],
    )

    at(REPO)
    out = real.killed(
        "fr-g-kill-cargo-doc",
        {
            "Cargo.toml": real.cargo_toml("healer-docs", extra='build = "build.rs"'),
            "build.rs": "fn main() {\n    std::thread::sleep(std::time::Duration::from_secs(60));\n}\n",
            "src/lib.rs": "//! Healer routing docs.\n\n/// The agents.\npub const AGENTS: usize = 5;\n",
        },
        "cargo doc --no-deps --workspace",
        after=4,
    )
    out = _nonblank(out)
    assert out.code == 137 and any("Killed" in ln for ln in out.lines), out
    ci(
        "fr-g-kill-cargo-doc-killed-runner",
        "cargo doc --no-deps is killed (bash 'Killed', exit 137) while compiling healer-docs' "
        "build script; the change edits one doc comment: the runner was out of memory",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="docs",
        job="rustdoc",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build API docs")],
        message="docs(lib): document the agent count",
        files=["src/lib.rs"],
    )

    at(WEB)
    out = real.killed(
        "fr-g-kill-node-test",
        {
            "package.json": _pkg(),
            "test/routes.test.mjs": """import { test } from "node:test";
import assert from "node:assert/strict";
test("routes /health", async () => {
  assert.equal("/health".length, 7);
  await new Promise((r) => setTimeout(r, 60000));
});
""",
        },
        "node --test test/",
        after=4,
    )
    out = _nonblank(out)
    assert out.code == 137, out
    ci(
        "fr-g-kill-node-test-runner-killed",
        "node --test is killed mid-run (exit 137, 'Killed'); the route tests are string checks "
        "and the change renames a route constant: the runner's memory, not the code",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="api",
        job="node-tests",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Route tests")],
        message="refactor(routes): name the health route",
        files=["src/routes.js"],
    )

    at(REPO)
    out = real.killed(
        "fr-g-kill-clippy",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
            "crates/codec/Cargo.toml": real.cargo_toml("healer-codec", extra='build = "build.rs"'),
            "crates/codec/build.rs": "fn main() {\n    std::thread::sleep(std::time::Duration::from_secs(60));\n}\n",
            "crates/codec/src/lib.rs": "pub fn tag() -> u8 { 7 }\n",
        },
        "cargo clippy --workspace -- -D warnings",
        after=4,
    )
    out = _nonblank(out)
    assert out.code == 137, out
    ci(
        "fr-g-kill-clippy-workspace-killed",
        "cargo clippy --workspace is killed (exit 137) before any lint is printed; the change "
        "is a one-line constant and no output shows the code's memory: runner trouble",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="clippy",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="chore(codec): bump wire tag",
        files=["crates/codec/src/lib.rs"],
    )

    at(WEB)
    out = real.killed(
        "fr-g-kill-prerender",
        {
            "package.json": _pkg({"prerender": "node scripts/prerender.mjs"}),
            "scripts/prerender.mjs": """// keep every rendered page so the sitemap step can reuse it
const rendered = [];
const shell = "<main>" + "<section>agent status</section>".repeat(2000) + "</main>";
for (let round = 1; round <= 6; round++) {
  for (let i = 0; i < 4000; i++) {
    rendered.push(`<!-- page ${rendered.length} -->` + shell);
  }
  const mb = Math.round((rendered.length * shell.length) / 1048576);
  console.log(`[prerender] ${rendered.length} pages rendered, ${rendered.length} kept in memory (~${mb} MB of HTML)`);
}
setInterval(() => {}, 1000);
""",
        },
        "npm run prerender",
        after=10,
    )
    out = _nonblank(out)
    assert out.code == 137 and any("24000 pages" in ln for ln in out.lines), out
    ci(
        "fr-g-kill-prerender-keeps-every-page",
        "npm run prerender is killed (exit 137); its own progress shows every rendered page "
        "kept in an array (24000 pages, ~1.4 GB of HTML), which the change added for the "
        "sitemap step: the code's own memory growth",
        ["resource-kill", "context-driven", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="site",
        job="static-export",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Prerender")],
        message="feat(sitemap): reuse prerendered pages",
        files=["scripts/prerender.mjs"],
    )

    at(REPO)
    out = real.killed(
        "fr-g-kill-rust-test-growth",
        {
            "Cargo.toml": real.cargo_toml("healer-dedup"),
            "src/lib.rs": """use std::collections::HashMap;

/// Remembers every fingerprint ever seen (no eviction since the window was removed).
pub struct Seen(pub HashMap<String, Vec<u8>>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_a_day_of_failures() {
        let mut seen = Seen(HashMap::new());
        for hour in 0..24 {
            for i in 0..2000 {
                seen.0.insert(format!("{hour}-{i}"), vec![0u8; 4096]);
            }
            println!("[replay] hour {hour:>2}: {} fingerprints retained", seen.0.len());
        }
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}
""",
        },
        "cargo test --lib -- --nocapture",
        after=12,
    )
    out = _nonblank(out)
    assert out.code == 137 and any("48000 fingerprints" in ln for ln in out.lines), out
    ci(
        "fr-g-kill-rust-dedup-no-eviction",
        "cargo test is killed (exit 137) during the replay test, whose own output shows the "
        "dedup map retaining every fingerprint (48000 by hour 23) after the change removed its "
        "eviction window: the code's memory growth",
        ["resource-kill", "context-driven"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="refactor(dedup): drop the eviction window",
        files=["src/lib.rs"],
    )


# ------------------------------------------------------------------ flakes, code-named jobs


@contextmanager
def short_body_server() -> Iterator[int]:
    """A 127.0.0.1 server that promises a 1 MiB body, sends 512 bytes and closes."""
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
            try:
                conn.settimeout(2)
                conn.recv(4096)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\n"
                    b"Content-Length: 1048576\r\n\r\n" + b"\0" * 512
                )
            except OSError:
                pass
            conn.close()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield int(srv.getsockname()[1])
    finally:
        stop.set()
        t.join()
        srv.close()


def flakes() -> None:
    at(REPO)
    with reset_server() as port:
        out = real.sh(
            "fr-g-flaky-curl56",
            {},
            f"curl -fsSL -o fixtures.tar.gz http://127.0.0.1:{port}/5dlabs/healer-fixtures/v3.tar.gz",
            "curl -fsSL -o fixtures.tar.gz https://codeload.github.com/5dlabs/healer-fixtures/v3.tar.gz",
            hosts={f"http://127.0.0.1:{port}": "https://codeload.github.com"},
        )
    assert out.code == 56, out
    ci(
        "fr-g-flaky-curl-56-reset-fixtures-rust-e2e",
        "curl (56) 'Recv failure: Connection reset by peer' downloading the test fixtures "
        "tarball in a Rust e2e job; nothing in the change or context explains it: a network "
        "flake",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="e2e-router",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Fetch fixtures")],
        message="test(router): cover the bolt fallback",
        files=["tests/router_e2e.rs"],
    )

    with short_body_server() as port:
        out = real.sh(
            "fr-g-flaky-curl18",
            {},
            f"curl -fsSL -o sccache.tar.gz http://127.0.0.1:{port}/mozilla/sccache/releases/download/v0.8.2/sccache-v0.8.2-x86_64-unknown-linux-musl.tar.gz",
            "curl -fsSL -o sccache.tar.gz https://github.com/mozilla/sccache/releases/download/v0.8.2/sccache-v0.8.2-x86_64-unknown-linux-musl.tar.gz",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert out.code == 18, out
    ci(
        "fr-g-flaky-curl-18-partial-sccache-clippy",
        "curl (18) 'transfer closed with outstanding read data remaining' while the clippy job "
        "downloads sccache; the change touches only Rust code and nothing explains the cut "
        "transfer: a flake",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="clippy",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Install sccache")],
        message="refactor(dispatch): split the matcher",
        files=["src/dispatch/matcher.rs"],
    )

    at(WEB)
    with silent_server() as port:
        out = real.sh(
            "fr-g-flaky-npm-timeout",
            {"package.json": _pkg()},
            f"npm install --no-audit --no-fund --registry http://127.0.0.1:{port}/ "
            "--fetch-timeout=3000 --fetch-retries=0 @types/node@20.17.6",
            "npm install --no-audit --no-fund @types/node@20.17.6",
            hosts={f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/"},
            timeout=120,
        )
    assert out.code != 0, out
    ci(
        "fr-g-flaky-npm-fetch-timeout-typecheck",
        "npm install times out fetching @types/node from the registry in a typecheck job; the "
        "registry never answered and the change is an ordinary tsconfig tweak: a network flake",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install types")],
        message="chore(ts): enable noUncheckedIndexedAccess",
        files=["tsconfig.json"],
    )

    at(PLAT)
    with reset_server() as port:
        out = real.sh(
            "fr-g-flaky-kubectl-reset",
            {},
            f"kubectl --server=http://127.0.0.1:{port} --request-timeout=10s "
            "get deployment healer-api -n healer -o jsonpath='{.spec.template.spec.containers[0].image}'",
            "kubectl get deployment healer-api -n healer -o jsonpath='{.spec.template.spec.containers[0].image}'",
            env={"KUBECONFIG": "/dev/null"},
            hosts={f"http://127.0.0.1:{port}": "https://10.96.0.1:443"},
        )
    tcp = re.compile(r"read tcp [\d.]+:\d+->[\d.]+:\d+")
    lines = [tcp.sub("read tcp 10.1.0.4:41876->10.96.0.1:443", ln) for ln in out.lines]
    errs = [ln for ln in lines if ln.startswith("E")]
    assert out.code != 0 and len(errs) >= 5 and lines[-1].startswith("error:"), lines
    out = real.Out(out.command, [*errs[:5], lines[-1]], out.code)
    ci(
        "fr-g-flaky-kubectl-reset-helm-diff",
        "kubectl's read of the live image is reset by peer in a Helm diff job; the chart change "
        "is a comment and no cluster context shows a problem: a transient API connection flake",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="helm-diff",
        repo=PLAT,
        steps=[failing(out, name="Current image")],
        message="docs(chart): explain the api replicas",
        files=["charts/healer/values.yaml"],
    )

    at(WEB)
    with reset_server() as port:
        out = real.sh(
            "fr-g-flaky-git-clone",
            {},
            f"git clone --depth 1 http://127.0.0.1:{port}/5dlabs/e2e-fixtures.git fixtures",
            "git clone --depth 1 https://github.com/5dlabs/e2e-fixtures.git fixtures",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert out.code != 0, out
    ci(
        "fr-g-flaky-git-clone-reset-playwright-job",
        "git clone of the e2e fixtures repository fails with 'Recv failure: Connection reset by "
        "peer' in a frontend e2e job; nothing in the change or context explains it: a flake",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="e2e-chromium",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Fixtures")],
        message="test(e2e): settings page happy path",
        files=["e2e/settings.spec.ts"],
    )


# ------------------------------------------------------------------ obvious


def obvious() -> None:
    at(REPO)
    out = real.cargo(
        "fr-g-obv-e0308",
        {
            "src/main.rs": """fn retries(cfg: &str) -> u32 {
    cfg.len()
}

fn main() {
    println!("{}", retries("three"));
}
""",
        },
        ["build"],
    )
    assert out.code != 0 and any("E0308" in ln for ln in out.lines), out
    ci(
        "fr-g-obv-rustc-e0308-usize-for-u32",
        "cargo build fails with E0308: retries() returns cfg.len() (usize) where u32 is declared",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(config): retries from config",
        files=["src/main.rs"],
    )

    at(WEB)
    out = real.tsc(
        "fr-g-obv-ts2551",
        {
            "src/agent.ts": """export interface Agent {
  name: string;
  failureTypes: string[];
}
export function describe(a: Agent): string {
  return `${a.name}: ${a.failureType.join(", ")}`;
}
""",
        },
    )
    assert out.code != 0 and any("TS2551" in ln for ln in out.lines), out
    ci(
        "fr-g-obv-tsc-ts2551-misspelt-property",
        "tsc fails with TS2551: 'failureType' does not exist on Agent (did you mean "
        "'failureTypes'?)",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="frontend",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(agents): describe an agent",
        files=["src/agent.ts"],
    )

    out = real.jest(
        "fr-g-obv-jest",
        {
            "src/slug.js": """function slug(s) {
  return s.toLowerCase().replace(/ /g, "-");
}
module.exports = { slug };
""",
            "src/slug.test.js": """const { slug } = require("./slug");
test("collapses runs of spaces", () => {
  expect(slug("Rust  CI   Build")).toEqual("rust-ci-build");
});
""",
        },
    )
    assert out.code != 0, out
    ci(
        "fr-g-obv-jest-slug-double-dash",
        "jest: slug('Rust  CI   Build') returns 'rust--ci---build', the test expects runs of "
        "spaces collapsed to one dash",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="jest",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Jest")],
        message="feat(ui): slugs for workflow names",
        files=["src/slug.js", "src/slug.test.js"],
    )

    at(PLAT)
    out = real.hadolint(
        "fr-g-obv-hadolint",
        'FROM node:latest\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
        where="images/console/Dockerfile",
    )
    assert out.code != 0 and any("DL3007" in ln for ln in out.lines), out
    ci(
        "fr-g-obv-hadolint-dl3007-latest",
        "hadolint fails on DL3007: the console image's Dockerfile builds FROM node:latest",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="hadolint",
        repo=PLAT,
        steps=[failing(out, name="Lint Dockerfile")],
        message="chore(images): console image on node",
        files=["images/console/Dockerfile"],
    )


# ------------------------------------------------------------------ multi-signal and noisy


def multi() -> None:
    at(REPO)
    # clippy passes with warnings; eslint fails on one error among warnings (blaze)
    clippy = real.cargo(
        "fr-g-multi-clippy-warn",
        {
            "src/main.rs": """fn main() {
    let names = vec!["rex", "blaze"];
    let n = names.len();
    let unused_total = 0;
    println!("{}", n);
}
""",
        },
        ["clippy", "-q"],
    )
    assert clippy.code == 0 and any("warning" in ln for ln in clippy.lines), clippy
    at(REPO)
    lint = real.eslint(
        "fr-g-multi-eslint",
        {
            "src/panel.js": """export function panel(rows) {
  let unusedA = 1;
  let unusedB = 2;
  const total = rows.length;
  return `${totl} rows`;
}
""",
            "src/list.js": "export const list = (xs) => { let tmp = 0; return xs; };\n",
        },
        rules='{"no-unused-vars": "warn", "no-undef": "error"}',
    )
    assert lint.code != 0 and any("no-undef" in ln for ln in lint.lines), lint
    ci(
        "fr-g-multi-clippy-warnings-then-eslint-no-undef",
        "a passing cargo clippy step prints unused-variable warnings, then ESLint prints four "
        "no-unused-vars warnings and one no-undef error ('totl' is not defined), which is what "
        "fails the job",
        ["multi-signal", "misleading-name"],
        "blaze",
        "frontend_lint",
        workflow="workspace",
        job="lint-all",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(clippy.command, clippy.lines, 0, name="Clippy"),
            *node_setup(),
            npm_ci_ok(),
            failing(lint, name="ESLint (dashboard)"),
        ],
        message="feat(dashboard): row count in the panel",
        files=["src/panel.js"],
    )

    # hadolint continue-on-error fails; cargo fmt --check fails the job (rex)
    at(REPO)
    hl = real.hadolint(
        "fr-g-multi-hadolint",
        "FROM rust:1.95\nRUN apt-get update && apt-get install -y protobuf-compiler\n"
        "COPY . .\nRUN cargo build --release\n",
    )
    assert hl.code != 0, hl
    fmt = real.cargo(
        "fr-g-multi-fmt",
        {
            "src/main.rs": """fn main() {
    let agents = ["rex","blaze","bolt"];
    for a in agents { println!("{a}"); }
}
""",
        },
        ["fmt", "--check"],
    )
    assert fmt.code != 0, fmt
    ci(
        "fr-g-multi-hadolint-advisory-then-rustfmt",
        "an advisory hadolint step (continue-on-error) reports DL3008/DL3015 on the Dockerfile, "
        "then cargo fmt --check fails on src/main.rs: only rustfmt failed the job",
        ["multi-signal", "misleading-name"],
        "rex",
        "rust_fmt",
        workflow="container",
        job="image-checks",
        repo=REPO,
        steps=[
            run(hl.command, hl.lines, hl.code, name="Hadolint (advisory)", conclusion="success"),
            *rust_setup(),
            failing(fmt, name="Format check"),
        ],
        message="feat(cli): list the agents",
        files=["src/main.rs"],
    )

    # prettier advisory fails; kubectl client dry run fails on a manifest (bolt)
    at(PLAT)
    pret = real.sh(
        "fr-g-multi-prettier",
        {"docs/runbook.md": "# Runbook\n\n*  restart   the api\n"},
        "prettier --check docs",
        "npx prettier --check docs",
        node_modules=True,
    )
    assert pret.code != 0, pret
    kc = real.kubectl(
        "fr-g-multi-kubectl",
        {
            "apps/healer/api/deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: healer-api
  namespace: healer
spec:
  replicas: 2
  selector:
    matchLabels:
      app: healer-api
  template:
    metadata:
      labels:
        app: healer-api
    spec:
      containers:
        - name: api
          image: ghcr.io/5dlabs/healer-api:0.16.0
         ports:
            - containerPort: 8080
""",
        },
        ["apply", "--dry-run=client", "--validate=false", "-f", "apps/healer/api/"],
    )
    assert kc.code != 0, kc
    ci(
        "fr-g-multi-prettier-advisory-then-kubectl-yaml",
        "an advisory Prettier check (continue-on-error) flags a runbook, then kubectl's client "
        "dry run fails: the Deployment's ports key is mis-indented (YAML to JSON error)",
        ["multi-signal", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="validate",
        repo=PLAT,
        steps=[
            *node_setup(),
            run(
                pret.command,
                pret.lines,
                pret.code,
                name="Docs format (advisory)",
                conclusion="success",
            ),
            failing(kc, name="Dry run"),
        ],
        message="feat(api): expose 8080",
        files=["apps/healer/api/deployment.yaml", "docs/runbook.md"],
    )

    # a notify curl 503 (continue-on-error) and a yamllint error in Helm values (bolt)
    note = _curl503()
    yl = real.yamllint(
        "fr-g-multi-yamllint",
        {
            "charts/healer/values.yaml": """api:
  replicas: 2
  image:
    tag: 0.16.0
  resources:
    limits:
      memory: 512Mi
  replicas: 3
""",
        },
        ["charts/healer/values.yaml"],
    )
    assert yl.code != 0 and any("duplication" in ln for ln in yl.lines), yl
    ci(
        "fr-g-multi-notify-503-then-yamllint-duplicate",
        "a status notification curl gets a 503 (continue-on-error), then yamllint fails on the "
        "chart's values.yaml: api.replicas is defined twice",
        ["multi-signal", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="charts",
        job="lint",
        repo=PLAT,
        steps=[
            run(note.command, note.lines, note.code, name="Notify start", conclusion="success"),
            failing(yl, name="yamllint"),
        ],
        message="chore(chart): three api replicas",
        files=["charts/healer/values.yaml"],
    )

    # vitest passes with console.warn noise; cargo test fails (rex)
    at(REPO)
    vt = real.vitest(
        "fr-g-multi-vitest-warn",
        {
            "src/retry.js": """export async function withRetry(fn, n = 2) {
  for (let i = 0; ; i++) {
    try { return await fn(); } catch (e) {
      if (i >= n) throw e;
      console.warn(`[retry] attempt ${i + 1} failed: ${e.message}`);
    }
  }
}
""",
            "src/retry.test.js": """import { test, expect } from "vitest";
import { withRetry } from "./retry.js";
test("retries a flaky call", async () => {
  let calls = 0;
  const v = await withRetry(async () => {
    if (++calls < 3) throw new Error("read ECONNRESET");
    return "ok";
  });
  expect(v).toBe("ok");
});
""",
        },
    )
    assert vt.code == 0 and any("ECONNRESET" in ln for ln in vt.lines), vt
    ct = real.cargo(
        "fr-g-multi-cargo-test",
        {
            "src/lib.rs": """pub fn backoff_ms(attempt: u32) -> u64 {
    100 * 2u64.pow(attempt)
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_retry_waits_100ms() {
        assert_eq!(super::backoff_ms(1), 100);
    }
}
""",
        },
        ["test"],
    )
    assert ct.code != 0, ct
    ci(
        "fr-g-multi-vitest-econnreset-warn-then-cargo-test",
        "a passing vitest step prints 'read ECONNRESET' retry warnings from its own test, then "
        "cargo test fails: backoff_ms(1) is 200, the test expects 100 (an off-by-one exponent)",
        ["multi-signal", "misleading-name"],
        "rex",
        "rust_test",
        workflow="ci",
        job="retry-lib",
        repo=REPO,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(vt.command, vt.lines, 0, name="JS tests"),
            *rust_setup(),
            failing(ct, name="Rust tests"),
        ],
        message="feat(retry): exponential backoff",
        files=["src/lib.rs"],
    )


def _curl503() -> real.Out:
    with real.serve((503, "upstream unavailable")) as port:
        return real.sh(
            "fr-g-multi-notify",
            {},
            f"curl -fsS -X POST http://127.0.0.1:{port}/hooks/ci-status -d state=started",
            "curl -fsS -X POST https://status.5dlabs.ai/hooks/ci-status -d state=started",
            hosts={f"http://127.0.0.1:{port}": "https://status.5dlabs.ai"},
        )


def noisy() -> None:
    at(WEB)
    cases = "\n".join(
        f'  it("routes fixture {i:03d}", () => assert.equal(route({i}), {i} % 5));'
        for i in range(1, 321)
    )
    path = real.node_project(
        "fr-g-noisy-mocha",
        {
            "src/route.js": "export const route = (n) => (n === 257 ? 0 : n % 5);\n",
            "test/route.test.js": f"""import assert from "node:assert/strict";
import {{ route }} from "../src/route.js";
describe("route", () => {{
{cases}
}});
""",
        },
    )
    lines, code = real.run(["mocha", "--reporter", "spec"], path)
    assert code != 0 and sum("passing" in ln for ln in lines) == 1, lines
    out = real.Out("npx mocha --reporter spec", lines, code)
    ci(
        "fr-g-noisy-mocha-320-fixtures-one-failure",
        "a spec-reporter mocha run of 320 route fixtures: 319 pass and one fails (fixture 257: "
        "route() returns 0 for a special case the change added, expected 2)",
        ["noisy", "long-log"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="mocha",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Route fixtures")],
        message="fix(route): special-case fixture 257",
        files=["src/route.js"],
    )

    subtests = "\n".join(
        f'  await t.test("parses log line {i}", () => assert.equal(level("W {i}"), "warn"));'
        for i in range(1, 241)
    )
    out = real.sh(
        "fr-g-noisy-node-test",
        {
            "package.json": _pkg(),
            "src/level.js": """export function level(line) {
  const tag = line.split(" ")[0];
  return { E: "error", W: "warn", I: "info" }[tag] ?? (line.includes("199") ? "debug" : "info");
}
""",
            "test/level.test.js": f"""import {{ test }} from "node:test";
import assert from "node:assert/strict";
import {{ level }} from "../src/level.js";
test("levels", async (t) => {{
{subtests}
  await t.test("unknown tag is info", () => assert.equal(level("X 199 boot"), "info"));
}});
""",
        },
        "node --test --test-reporter=tap test/",
        "node --test --test-reporter=tap test/",
    )
    lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 0.41", ln) for ln in out.lines]
    assert out.code != 0 and sum("not ok" in ln for ln in lines) == 2, lines
    ci(
        "fr-g-noisy-node-test-tap-241-subtests",
        "a TAP node --test run of 241 log-level subtests: 240 pass, one fails (an unknown tag "
        "on a line containing '199' comes back 'debug', expected 'info')",
        ["noisy", "long-log"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="node-test",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(real.Out(out.command, lines, out.code), name="Log level tests"),
        ],
        message="feat(logs): debug level heuristic",
        files=["src/level.js"],
    )


# ------------------------------------------------------------------ context-driven


def context_driven() -> None:
    at(REPO)
    crash = _rust_bin(
        "healer-queue",
        """fn main() {
    let limit: usize = std::env::var("HEALER_QUEUE_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap();
    println!("queue limit {limit}");
}
""",
        env={"HEALER_QUEUE_LIMIT": "2k"},
    )
    assert crash.code != 0 and any("unwrap" in ln for ln in crash.lines), crash
    smoke = _curl(502, "api.staging.5dlabs.ai", "/v1/health")
    ci(
        "fr-g-ctx-smoke-502-rust-unwrap-queue-limit",
        "the staging smoke check gets a 502; Loki shows the new healer-queue build panicking "
        "on unwrap() of a None: the change parses HEALER_QUEUE_LIMIT ('2k') as usize and "
        "unwraps the failure",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="smoke-staging",
        repo=REPO,
        steps=[failing(smoke, name="Smoke")],
        message="feat(queue): configurable queue limit",
        files=["crates/queue/src/main.rs"],
        extra={"loki": [ln.replace(real.RUNNER, "/app") for ln in crash.lines if ln.strip()]},
    )

    at(WEB)
    node = real.node_run(
        "fr-g-ctx-node",
        {
            "server.mjs": """const origins = process.env.CORS_ORIGINS.split(",").map((o) => o.trim());
console.log(`allowing ${origins.length} origins`);
""",
        },
        "server.mjs",
        shown="node server.mjs",
    )
    assert node.code != 0 and any("TypeError" in ln for ln in node.lines), node
    smoke = _curl(None, "console.staging.5dlabs.ai", "/healthz")
    ci(
        "fr-g-ctx-smoke-refused-node-cors-env",
        "the console smoke check is refused (curl 7); Loki shows the new console server "
        "crashing at boot with a TypeError reading 'split' of process.env.CORS_ORIGINS, which "
        "the change started reading without a default",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="smoke-console",
        repo=WEB,
        steps=[failing(smoke, name="Smoke")],
        message="feat(server): CORS origins from the environment",
        files=["server.mjs"],
        extra={"loki": [ln.replace(real.RUNNER, "/app") for ln in node.lines if ln.strip()]},
    )


def _rust_bin(name: str, source: str, env: dict[str, str]) -> real.Out:
    path = real.crate(
        "fr-g-bin-" + name, {"Cargo.toml": real.cargo_toml(name), "src/main.rs": source}
    )
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, code = real.run([str(path / "target" / "release" / name)], path, env=env)
    return real.Out(f"/usr/local/bin/{name}", lines, code)


def _curl(status: int | None, host: str, path: str) -> real.Out:
    from helpers import curl_fail

    return curl_fail("fr-g-curl-" + host.split(".")[0] + str(status), host, path, status)


def build() -> None:
    kills()
    flakes()
    obvious()
    multi()
    noisy()
    context_driven()
