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
from helpers import crashing, reset_server, silent_server

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


def build() -> None:
    kills()
