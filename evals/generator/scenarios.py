"""The broken inputs. Each entry runs a real tool once and returns its ``Output``.

Keys are stable names used by ``build.py``; outputs are cached per build (``get``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import tools as t
from tools import Output

LIB_OK = "pub fn add(a: u64, b: u64) -> u64 { a + b }\n"

MAKERS: dict[str, Callable[[], Output]] = {}
_CACHE: dict[str, Output] = {}


def scenario(key: str) -> Callable[[Callable[[], Output]], Callable[[], Output]]:
    def deco(fn: Callable[[], Output]) -> Callable[[], Output]:
        MAKERS[key] = fn
        return fn

    return deco


# Vitest and Vite print a duration in ms under a second and in s above it; a loaded machine
# crosses that line, so both are written the sub-second way.
SECONDS = [
    (re.compile(r"(Duration  )\d+\.\d+s( \()"), r"\g<1>12ms\2"),
    (re.compile(r"((?:Build failed|built) in )\d+\.\d+s\b"), r"\g<1>12ms"),
]


def _steady(out: Output) -> Output:
    lines = out.lines
    for pattern, repl in SECONDS:
        lines = [pattern.sub(repl, ln) for ln in lines]
    return Output(out.command, lines, out.code)


def get(key: str) -> Output:
    if key not in _CACHE:
        _CACHE[key] = _steady(MAKERS[key]())
        out = _CACHE[key]
        if out.code == 0 and not key.startswith("ok-"):
            raise RuntimeError(f"scenario {key} did not fail:\n" + "\n".join(out.lines[-20:]))
    return _CACHE[key]


# ============================================================== rust (rex)


@scenario("rust-e0425")
def _() -> Output:
    return t.cargo(
        "rust-e0425",
        {
            "src/main.rs": """
        fn main() {
            let retries = 3;
            let total = retries + backoff_ms;
            println!("{total}");
        }
    """
        },
        ["build"],
    )


@scenario("rust-e0308")
def _() -> Output:
    return t.cargo(
        "rust-e0308",
        {
            "src/main.rs": """
        fn port() -> u16 {
            "8080"
        }
        fn main() { println!("{}", port()); }
    """
        },
        ["build", "--release"],
    )


@scenario("rust-e0382")
def _() -> Output:
    return t.cargo(
        "rust-e0382",
        {
            "src/main.rs": """
        fn take(v: Vec<u8>) -> usize { v.len() }
        fn main() {
            let payload = vec![1u8, 2, 3];
            let n = take(payload);
            println!("{} {}", n, payload.len());
        }
    """
        },
        ["check", "--workspace"],
    )


@scenario("rust-e0599")
def _() -> Output:
    return t.cargo(
        "rust-e0599",
        {
            "src/main.rs": """
        struct CodeRun { name: String }
        fn main() {
            let run = CodeRun { name: "healer-ci-rex".into() };
            println!("{}", run.display_name());
        }
    """
        },
        ["build"],
    )


@scenario("rust-e0432")
def _() -> Output:
    return t.cargo(
        "rust-e0432",
        {
            "src/main.rs": """
        use std::collections::HashMapp;
        fn main() { let _m: HashMapp<u8, u8> = HashMapp::new(); }
    """
        },
        ["build"],
    )


@scenario("rust-e0277")
def _() -> Output:
    return t.cargo(
        "rust-e0277",
        {
            "src/main.rs": """
        use std::collections::HashSet;
        #[derive(Debug)]
        struct Agent { name: String }
        fn main() {
            let mut seen = HashSet::new();
            seen.insert(Agent { name: "rex".into() });
            println!("{:?}", seen);
        }
    """
        },
        ["build"],
    )


@scenario("rust-e0106")
def _() -> Output:
    return t.cargo(
        "rust-e0106",
        {
            "src/lib.rs": """
        pub struct Parser { input: &str }
        pub fn first_word(s: &str, t: &str) -> &str { if s.len() > t.len() { s } else { t } }
    """
        },
        ["build", "--workspace"],
    )


@scenario("rust-e0063")
def _() -> Output:
    return t.cargo(
        "rust-e0063",
        {
            "src/main.rs": """
        struct Config { repo: String, branch: String, retries: u32 }
        fn main() {
            let c = Config { repo: "5dlabs/cto".into(), branch: "main".into() };
            println!("{} {}", c.repo, c.branch);
        }
    """
        },
        ["build"],
    )


@scenario("rust-e0433-test")
def _() -> Output:
    return t.cargo(
        "rust-e0433-test",
        {
            "src/lib.rs": LIB_OK
            + """
        #[cfg(test)]
        mod tests {
            #[test]
            fn parses() { let v: serde_json::Value = serde_json::from_str("{}").unwrap(); }
        }
    """
        },
        ["test", "--workspace"],
    )


@scenario("rust-unused-deny")
def _() -> Output:
    return t.cargo(
        "rust-unused-deny",
        {
            "src/main.rs": """
        #![deny(warnings)]
        use std::fs::File;
        fn main() {
            let x = 5;
            println!("ok");
        }
    """
        },
        ["build"],
    )


@scenario("clippy-needless-return")
def _() -> Output:
    return t.cargo(
        "clippy-needless-return",
        {
            "src/main.rs": """
        fn double(x: i32) -> i32 {
            return x * 2;
        }
        fn main() { println!("{}", double(2)); }
    """
        },
        ["clippy", "--", "-D", "warnings"],
    )


@scenario("clippy-pedantic")
def _() -> Output:
    return t.cargo(
        "clippy-pedantic",
        {
            "src/main.rs": """
        fn main() {
            let names = vec![String::from("a")];
            let first = names.get(0).unwrap();
            let s: String = first.to_string();
            if s.len() == 0 { println!("empty"); }
        }
    """
        },
        ["clippy", "--", "-D", "warnings", "-W", "clippy::pedantic"],
        "cargo clippy -- -D warnings -W clippy::pedantic",
    )


@scenario("clippy-unused-x")
def _() -> Output:
    return t.cargo(
        "clippy-unused-x",
        {
            "src/main.rs": """
        fn main() {
            let x = compute();
            let y = 2;
            let z = 3;
            println!("done");
        }
        fn compute() -> u32 { 1 }
    """
        },
        ["clippy", "--", "-D", "warnings", "-W", "clippy::pedantic"],
        "cargo clippy -- -D warnings -W clippy::pedantic",
    )


@scenario("clippy-redundant-clone")
def _() -> Output:
    return t.cargo(
        "clippy-redundant-clone",
        {
            "src/lib.rs": """
        pub fn label(name: &String) -> String {
            let owned = name.clone();
            format!("{}", owned)
        }
        pub fn is_empty(v: &Vec<u8>) -> bool { v.len() == 0 }
    """
        },
        ["clippy", "--workspace", "--", "-D", "warnings"],
    )


@scenario("clippy-manual-map")
def _() -> Output:
    return t.cargo(
        "clippy-manual-map",
        {
            "src/lib.rs": """
        pub fn parse(v: Option<&str>) -> Option<usize> {
            match v {
                Some(s) => Some(s.len()),
                None => None,
            }
        }
        pub fn sum(v: &[u32]) -> u32 {
            let mut total = 0;
            for i in 0..v.len() { total += v[i]; }
            total
        }
    """
        },
        ["clippy", "--all-features", "--", "-D", "warnings"],
    )


@scenario("rustfmt-diff")
def _() -> Output:
    return t.cargo(
        "rustfmt-diff",
        {
            "src/main.rs": """
        fn main(){let x=1;   let y =2;
        println!("{}",x+y);}
    """
        },
        ["fmt", "--all", "--", "--check"],
        "cargo fmt --all -- --check",
    )


@scenario("rustfmt-imports")
def _() -> Output:
    return t.cargo(
        "rustfmt-imports",
        {
            "src/lib.rs": """
        use std::{fmt, io, collections::HashMap};
        pub fn route(agents: &HashMap<String, u32>, name: &str) -> Option<u32> { agents.get(name).copied() }
        pub fn describe(w: &mut dyn fmt::Write) -> fmt::Result { write!(w, "healer") }
        pub fn io_err() -> io::Error { io::Error::other("x") }
    """
        },
        ["fmt", "--all", "--", "--check"],
        "cargo fmt --all -- --check",
    )


@scenario("rust-test-assert")
def _() -> Output:
    return t.cargo(
        "rust-test-assert",
        {
            "src/lib.rs": """
        pub fn add(a: i32, b: i32) -> i32 { a - b }
        #[cfg(test)]
        mod tests {
            use super::*;
            #[test]
            fn adds() { assert_eq!(add(2, 2), 4); }
            #[test]
            fn zero() { assert_eq!(add(0, 0), 0); }
        }
    """
        },
        ["test", "--workspace"],
    )


@scenario("rust-test-panic")
def _() -> Output:
    return t.cargo(
        "rust-test-panic",
        {
            "src/lib.rs": """
        pub fn parse_port(s: &str) -> u16 { s.parse().unwrap() }
        #[cfg(test)]
        mod tests {
            #[test]
            fn parses_port() { assert_eq!(super::parse_port("80a"), 80); }
        }
    """
        },
        ["test", "--workspace"],
    )


@scenario("rust-test-should-panic")
def _() -> Output:
    return t.cargo(
        "rust-test-should-panic",
        {
            "src/lib.rs": """
        pub fn checked_div(a: u32, b: u32) -> Option<u32> { a.checked_div(b) }
        #[cfg(test)]
        mod tests {
            #[test]
            #[should_panic(expected = "divide by zero")]
            fn rejects_zero() { super::checked_div(1, 0); }
            #[test]
            fn divides() { assert_eq!(super::checked_div(4, 2), Some(2)); }
        }
    """
        },
        ["test", "--workspace"],
    )


@scenario("rust-doctest")
def _() -> Output:
    return t.cargo(
        "rust-doctest",
        {
            "src/lib.rs": """
        /// Routes a failure to an agent.
        ///
        /// ```
        /// assert_eq!(rust_doctest::route("clippy"), "blaze");
        /// ```
        pub fn route(tool: &str) -> &'static str { if tool == "clippy" { "rex" } else { "atlas" } }
    """,
            "Cargo.toml": t.cargo_toml("rust_doctest"),
        },
        ["test", "--doc"],
    )


@scenario("rust-test-many")
def _() -> Output:
    return t.rust_many_tests("rust-test-many", 1400, failing={733})


@scenario("ok-rust-tests")
def _() -> Output:
    return t.rust_many_tests("ok-rust-tests", 900)


@scenario("ok-rust-warn")
def _() -> Output:
    return t.cargo(
        "ok-rust-warn",
        {
            "src/main.rs": """
        fn main() {
            let unused = 1;
            let mut port = 2;
            println!("{}", port);
        }
        fn helper() {}
    """
        },
        ["build"],
    )


@scenario("ok-rust-build")
def _() -> Output:
    return t.cargo(
        "ok-rust-build", {"src/main.rs": 'fn main() { println!("ok"); }\n'}, ["build", "--release"]
    )


@scenario("cargo-missing-crate")
def _() -> Output:
    return t.cargo(
        "cargo-missing-crate",
        {"Cargo.toml": t.cargo_toml("controller", 'tokio-utils-healer = "1.0"')},
        ["build", "--offline"],
        "cargo build --offline --locked",
    )


@scenario("cargo-locked")
def _() -> Output:
    return t.shell(
        "cargo-locked",
        {
            "Cargo.toml": t.cargo_toml("controller", 'proto = { path = "proto" }'),
            "src/main.rs": "fn main() {}\n",
            "proto/Cargo.toml": t.cargo_toml("proto"),
            "proto/src/lib.rs": "",
        },
        'cargo generate-lockfile --offline -q && sed -i \'s/^version = "0.1.0"/version = "0.2.0"/\' '
        "proto/Cargo.toml && cargo build --locked --offline",
        "cargo build --locked",
        env={"CARGO_NET_OFFLINE": "true"},
    )


@scenario("cargo-feature")
def _() -> Output:
    return t.cargo(
        "cargo-feature",
        {
            "Cargo.toml": t.cargo_toml(
                "controller", 'proto = { path = "proto", features = ["serde"] }'
            ),
            "proto/Cargo.toml": t.cargo_toml("proto"),
            "proto/src/lib.rs": "",
        },
        ["build", "--offline"],
        "cargo build --all-features",
    )


@scenario("cargo-path-missing")
def _() -> Output:
    return t.cargo(
        "cargo-path-missing",
        {
            "Cargo.toml": t.cargo_toml("controller", 'healer-proto = { path = "../healer-proto" }'),
        },
        ["build", "--offline"],
        "cargo build --workspace",
    )


@scenario("cargo-version-req")
def _() -> Output:
    return t.cargo(
        "cargo-version-req",
        {
            "Cargo.toml": t.cargo_toml(
                "controller", 'proto = { path = "proto", version = "^2.0" }'
            ),
            "proto/Cargo.toml": t.cargo_toml("proto"),
            "proto/src/lib.rs": "",
        },
        ["build", "--offline"],
        "cargo build --workspace",
    )


@scenario("cargo-workspace-member")
def _() -> Output:
    return t.cargo(
        "cargo-workspace-member",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/controller", "crates/healer"]\n'
            'resolver = "2"\n',
            "crates/controller/Cargo.toml": t.cargo_toml("controller"),
            "crates/controller/src/main.rs": "fn main() {}\n",
        },
        ["metadata", "--format-version", "1", "--offline"],
        "cargo build --workspace",
    )


# ============================================================== frontend (blaze)


@scenario("tsc-ts2322")
def _() -> Output:
    return t.tsc(
        "tsc-ts2322",
        {
            "src/config.ts": """
        export function port(): number {
          const value: number = "8080";
          return value;
        }
    """
        },
    )


@scenario("tsc-ts2339")
def _() -> Output:
    return t.tsc(
        "tsc-ts2339",
        {
            "src/user.ts": """
        interface User { id: number; name: string }
        export function label(u: User): string { return u.fullName; }
    """
        },
    )


@scenario("tsc-ts2304")
def _() -> Output:
    return t.tsc(
        "tsc-ts2304",
        {
            "src/cart.ts": """
        export const total = items.reduce((a: number, b: number) => a + b, 0);
    """
        },
    )


@scenario("tsc-ts2345")
def _() -> Output:
    return t.tsc(
        "tsc-ts2345",
        {
            "src/api.ts": """
        function fetchUser(id: number): string { return String(id); }
        export const user = fetchUser("42");
    """
        },
    )


@scenario("tsc-ts2307")
def _() -> Output:
    return t.tsc(
        "tsc-ts2307",
        {
            "src/main.tsx": """
        import { createRoot } from "react-dom/client";
        import App from "./App";
        createRoot(document.getElementById("root")!).render(App());
    """
        },
    )


@scenario("tsc-ts18048")
def _() -> Output:
    return t.tsc(
        "tsc-ts18048",
        {
            "src/route.ts": """
        type Agent = { name: string; queue?: { depth: number } };
        export function depth(a: Agent): number { return a.queue.depth + 1; }
        export function first(list: string[]): string { const f = list.find((x) => x); return f.toUpperCase(); }
    """
        },
    )


@scenario("tsc-ts2741")
def _() -> Output:
    return t.tsc(
        "tsc-ts2741",
        {
            "src/props.ts": """
        interface ButtonProps { label: string; onClick: () => void; variant: "primary" | "ghost" }
        export const save: ButtonProps = { label: "Save", onClick: () => {} };
        export const bad: ButtonProps = { label: "x", onClick: () => {}, variant: "danger" };
    """
        },
    )


@scenario("tsc-many")
def _() -> Output:
    body = ["export interface Row { id: number; name: string }"]
    for n in range(40):
        name = f'"row-{n}"' if n != 27 else str(n)
        body.append(f"export const r{n}: Row = {{ id: {n}, name: {name} }};")
    return t.tsc("tsc-many", {"src/rows.ts": "\n".join(body) + "\n"})


@scenario("eslint-undef")
def _() -> Output:
    return t.eslint(
        "eslint-undef",
        {
            "src/cart.js": """
        const unused = 42;
        export function total(items) {
          return items.reduce((a, b) => a + b.price, 0) + taxRate;
        }
    """
        },
    )


@scenario("eslint-dupe")
def _() -> Output:
    return t.eslint(
        "eslint-dupe",
        {
            "src/theme.js": """
        export const theme = { color: "red", color: "blue" };
        export function f() { return 1; console.log("never"); }
    """
        },
    )


@scenario("eslint-max-warnings")
def _() -> Output:
    return t.eslint(
        "eslint-max-warnings",
        {
            "src/log.js": """
        export function track(event) {
          console.log("track", event);
          if (event.id == null) console.warn("no id");
          return event;
        }
    """
        },
        console="warn",
        eqeqeq="warn",
        max_warnings=0,
    )


@scenario("eslint-hooks-cond")
def _() -> Output:
    return t.eslint(
        "eslint-hooks-cond",
        {
            "src/form.js": """
        export function validate(input) {
          if (input = "") { return false; }
          const re = /[a-z]+/g;
          try { return re.test(input); } catch (e) { throw e; } finally { return true; }
        }
    """
        },
    )


@scenario("ok-eslint-warn")
def _() -> Output:
    return t.eslint(
        "ok-eslint-warn",
        {
            "src/log.js": """
        export function track(event) {
          console.log("track", event);
          if (event.id == null) console.warn("no id");
          return event;
        }
    """
        },
        console="warn",
        eqeqeq="warn",
    )


@scenario("vitest-fail")
def _() -> Output:
    return t.vitest(
        "vitest-fail",
        {
            "src/price.js": "export const price = (c) => c / 10;\n",
            "test/price.test.js": """
        import { describe, it, expect } from "vitest";
        import { price } from "../src/price.js";
        describe("price", () => {
          it("formats cents", () => { expect(price(1999)).toBe(19.99); });
          it("handles zero", () => { expect(price(0)).toBe(0); });
        });
    """,
        },
    )


@scenario("vitest-snapshot")
def _() -> Output:
    return t.vitest(
        "vitest-snapshot",
        {
            "src/badge.js": """
        export const badge = (agent) => ({ label: agent.toUpperCase(), color: "green" });
    """,
            "test/badge.test.js": """
        import { it, expect } from "vitest";
        import { badge } from "../src/badge.js";
        it("renders a badge", () => {
          expect(badge("rex")).toEqual({ label: "Rex", color: "green" });
        });
    """,
        },
    )


@scenario("vitest-import")
def _() -> Output:
    return t.vitest(
        "vitest-import",
        {
            "test/api.test.js": """
        import { it, expect } from "vitest";
        import { client } from "../src/api/client.js";
        it("builds", () => { expect(client).toBeDefined(); });
    """
        },
    )


@scenario("vitest-timeout")
def _() -> Output:
    return t.vitest(
        "vitest-timeout",
        {
            "test/poll.test.js": """
        import { it, expect } from "vitest";
        it("polls until ready", async () => {
          await new Promise((r) => setTimeout(r, 8000));
          expect(true).toBe(true);
        }, 300);
    """
        },
    )


@scenario("node-test-fail")
def _() -> Output:
    return t.node_test(
        "node-test-fail",
        {
            "src/slug.mjs": """
        export const slug = (s) => s.toLowerCase().replace(" ", "-");
    """,
            "test/slug.test.mjs": """
        import { test } from "node:test";
        import assert from "node:assert/strict";
        import { slug } from "../src/slug.mjs";
        test("slugs titles", () => { assert.equal(slug("Healer Run Log"), "healer-run-log"); });
    """,
        },
    )


@scenario("vite-missing-import")
def _() -> Output:
    return t.vite_build(
        "vite-missing-import",
        {
            "src/main.js": """
        import { renderDashboard } from "./components/Dashboard.js";
        renderDashboard(document.body);
    """
        },
    )


@scenario("vite-syntax")
def _() -> Output:
    return t.vite_build(
        "vite-syntax",
        {
            "src/main.js": """
        import { mount } from "./mount.js";
        mount(document.body, { title: "Healer", });
    """,
            "src/mount.js": """
        export function mount(el, opts) {
          el.innerHTML = `<h1>${opts.title}</h1>`;
          return el
        }}
    """,
        },
    )


@scenario("ok-vite-build")
def _() -> Output:
    return t.vite_build("ok-vite-build", {"src/main.js": "document.body.textContent = 'ok';\n"})


@scenario("node-module-missing")
def _() -> Output:
    return t.shell(
        "node-module-missing",
        {
            "scripts/build.mjs": """
        import { build } from "esbuild";
        await build({ entryPoints: ["src/index.js"], outfile: "dist/index.js" });
    """,
            "package.json": '{"name":"web","type":"module"}',
        },
        "node scripts/build.mjs",
        "node scripts/build.mjs",
    )


@scenario("npm-ci-no-lock")
def _() -> Output:
    return t.npm(
        "npm-ci-no-lock",
        {"package.json": '{"name":"web","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}}'},
        "ci --no-audit --no-fund",
        "npm ci",
    )


@scenario("npm-ci-out-of-sync")
def _() -> Output:
    return t.shell(
        "npm-ci-out-of-sync",
        {"package.json": '{"name":"web","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}}'},
        "npm install --package-lock-only --no-audit --no-fund -q >/dev/null 2>&1 && "
        "node -e \"const p=require('./package.json');p.dependencies['is-number']="
        "'7.0.0';require('fs').writeFileSync('package.json',JSON.stringify(p,null,2))\""
        " && npm ci --no-audit --no-fund",
        "npm ci",
        timeout=600,
    )


@scenario("npm-404")
def _() -> Output:
    return t.npm(
        "npm-404",
        {
            "package.json": '{"name":"web","version":"1.0.0",'
            '"dependencies":{"@5dlabs/healer-ui-kit-zz":"^2.1.0"}}'
        },
        "install --no-audit --no-fund",
        "npm install",
    )


@scenario("npm-eresolve")
def _() -> Output:
    return t.npm(
        "npm-eresolve",
        {
            "package.json": '{"name":"web","version":"1.0.0",'
            '"dependencies":{"react":"17.0.2","react-dom":"18.3.1"}}'
        },
        "install --no-audit --no-fund --package-lock-only",
        "npm install",
    )


@scenario("npm-engine")
def _() -> Output:
    return t.npm(
        "npm-engine",
        {
            "package.json": '{"name":"web","version":"1.0.0","engines":{"node":">=22.0.0"}}',
            ".npmrc": "engine-strict=true\n",
        },
        "install --no-audit --no-fund",
        "npm ci",
    )


@scenario("ok-npm-deprecated")
def _() -> Output:
    return t.npm(
        "ok-npm-deprecated",
        {"package.json": '{"name":"legacy-tools","version":"1.0.0"}'},
        "install --no-audit --no-fund --package-lock-only request@2.88.2 uuid@3.4.0",
        "npm install",
    )


# ============================================================== infra (bolt)


@scenario("hadolint-dl3008")
def _() -> Output:
    return t.hadolint(
        "hadolint-dl3008",
        """
        FROM ubuntu:latest
        RUN apt-get update && apt-get install -y curl
        COPY . /app
        CMD ["/app/run"]
    """,
    )


@scenario("hadolint-dl3025")
def _() -> Output:
    return t.hadolint(
        "hadolint-dl3025",
        """
        FROM node:20
        RUN cd /app && npm install
        WORKDIR app
        CMD node server.js
    """,
        path_in_repo="docker/web/Dockerfile",
    )


@scenario("hadolint-dl3020")
def _() -> Output:
    return t.hadolint(
        "hadolint-dl3020",
        """
        FROM debian:12-slim
        ADD app.tar.gz /opt/
        RUN sudo chmod +x /opt/app/run
    """,
    )


@scenario("hadolint-parse")
def _() -> Output:
    return t.hadolint(
        "hadolint-parse",
        """
        FROM rust:1.83 AS build
        WORKDIR /src
        COPY . .
        RUN cargo build --release \\
        COPY --from=build /src/target/release/controller /usr/local/bin/
        ENTRYPOINT ["controller"
    """,
        path_in_repo="infra/images/controller/Dockerfile",
    )


@scenario("hadolint-dl3006")
def _() -> Output:
    return t.hadolint(
        "hadolint-dl3006",
        """
        FROM rust AS build
        WORKDIR /src
        COPY . .
        RUN cargo build --release
        FROM gcr.io/distroless/cc
        COPY --from=builder /src/target/release/controller /controller
        USER root
        ENTRYPOINT ["/controller"]
    """,
        path_in_repo="infra/images/controller/Dockerfile",
    )


@scenario("hadolint-pip")
def _() -> Output:
    return t.hadolint(
        "hadolint-pip",
        """
        FROM python:3.12-slim
        RUN pip install healer-agent
        RUN apk add --no-cache git
        EXPOSE 80000
        ENTRYPOINT ["healer"]
    """,
    )


@scenario("ok-hadolint-warn")
def _() -> Output:
    return t.hadolint(
        "ok-hadolint-warn",
        """
        FROM debian:12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
        COPY run /run
        CMD ["/run"]
    """,
        threshold="error",
    )


@scenario("docker-no-daemon")
def _() -> Output:
    out = t.shell(
        "docker-no-daemon",
        {"Dockerfile": "FROM scratch\nCOPY app /app\n"},
        "docker build -t ghcr.io/5dlabs/controller:pr-482 .",
        "docker build -t ghcr.io/5dlabs/controller:pr-482 .",
        env={"DOCKER_HOST": "unix:///var/run/docker.sock"},
    )
    # the client's two tar-writer lines race with the refused connection; keep the rest
    return Output(out.command, [ln for ln in out.lines if "closed pipe" not in ln], out.code)


@scenario("yamllint-indent")
def _() -> Output:
    return t.yamllint(
        "yamllint-indent",
        {
            "deploy/web.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
           template:
            spec: {}
    """
        },
        "deploy/",
    )


@scenario("yamllint-dupe")
def _() -> Output:
    return t.yamllint(
        "yamllint-dupe",
        {
            "charts/web/values.yaml": """
        ---
        image:
          repository: ghcr.io/5dlabs/web
          tag: 1.2.3
        image:
          pullPolicy: Always
    """
        },
        "charts/",
    )


@scenario("yamllint-strict")
def _() -> Output:
    return t.yamllint(
        "yamllint-strict",
        {
            "infra/gitops/apps/healer.yaml": """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: healer
          namespace: argocd
        spec:
          project: default
          source:
            repoURL: https://github.com/5dlabs/cto
            path: infra/charts/healer
            targetRevision: main
          syncPolicy:
            automated: {prune: yes, selfHeal: yes}
          destination: {server: https://kubernetes.default.svc, namespace: cto}{TRAILING}
    """.replace("{TRAILING}", "   ")
        },
        "infra/gitops/",
        strict=True,
    )


@scenario("yamllint-tabs")
def _() -> Output:
    return t.yamllint(
        "yamllint-tabs",
        {"config/healer.yaml": "---\nrouting:\n  default: atlas\n\tagents:\n  - rex\n  - blaze\n"},
        "config/",
    )


@scenario("yamllint-chart")
def _() -> Output:
    return t.yamllint(
        "yamllint-chart",
        {
            "infra/charts/controller/Chart.yaml": """
        apiVersion: v2
        name: controller
        version: 0.4.2
        appVersion: "0.4.2"
        dependencies:
          - name: redis
            version: 19.x.x
            repository: oci://registry-1.docker.io/bitnamicharts
            condition: redis.enabled
          - name: redis
            version: 19.x.x
        keywords: [agents, ci
    """,
            "infra/charts/controller/values.yaml": """
        ---
        replicaCount: 1
        image:
          repository: ghcr.io/5dlabs/controller
          tag: ""
        resources:
          limits: {cpu: 500m, memory: 512Mi}
    """,
        },
        "infra/charts/controller/",
    )


@scenario("yamllint-values-key")
def _() -> Output:
    return t.yamllint(
        "yamllint-values-key",
        {
            "infra/charts/healer/values.yaml": """
        ---
        healer:
          router: prerouter
          agents:
            rex: {enabled: true}
            blaze: {enabled: true}
          agents:
            bolt: {enabled: true}
        ingress:
          enabled: true
          annotations:
            cert-manager.io/cluster-issuer: letsencrypt
            cert-manager.io/cluster-issuer: letsencrypt-staging
    """
        },
        "infra/charts/healer/",
    )


@scenario("ok-yamllint-warn")
def _() -> Output:
    return t.yamllint(
        "ok-yamllint-warn",
        {
            "deploy/service.yaml": """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
          - port: 80
            targetPort: 8080
          publishNotReadyAddresses: yes
    """
        },
        "deploy/",
    )


@scenario("kubectl-parse")
def _() -> Output:
    return t.kubectl(
        "kubectl-parse",
        {
            "k8s/service.yaml": """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
          - port: 80
            targetPort: [8080
    """
        },
        ["apply", "--dry-run=client", "--validate=false", "-f", "k8s/"],
    )


@scenario("kubectl-no-kind")
def _() -> Output:
    return t.kubectl(
        "kubectl-no-kind",
        {
            "k8s/configmap.yaml": """
        apiVersion: v1
        metadata:
          name: healer-config
        data:
          ROUTER: prerouter
    """
        },
        ["create", "--dry-run=client", "--validate=false", "-o", "yaml", "-f", "k8s/"],
    )


@scenario("kubectl-indent")
def _() -> Output:
    return t.kubectl(
        "kubectl-indent",
        {
            "infra/k8s/healer/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: healer
          labels:
            app: healer
           tier: backend
        spec:
          replicas: 1
    """
        },
        ["apply", "--dry-run=client", "--validate=false", "-f", "infra/k8s/healer/"],
    )


@scenario("kustomize-missing")
def _() -> Output:
    return t.kubectl(
        "kustomize-missing",
        {
            "infra/gitops/overlays/staging/kustomization.yaml": """
            resources:
            - ../../base
            - ingress.yaml
        """,
            "infra/gitops/base/kustomization.yaml": "resources:\n- service.yaml\n",
            "infra/gitops/base/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n"
            "  name: healer\nspec:\n  ports:\n  - port: 80\n",
        },
        ["kustomize", "infra/gitops/overlays/staging"],
        "kubectl kustomize infra/gitops/overlays/staging > /tmp/rendered.yaml",
    )


@scenario("kustomize-dupe")
def _() -> Output:
    return t.kubectl(
        "kustomize-dupe",
        {
            "infra/gitops/apps/healer/kustomization.yaml": "resources:\n- service.yaml\n"
            "- service-copy.yaml\n",
            "infra/gitops/apps/healer/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n"
            "  name: healer\n",
            "infra/gitops/apps/healer/service-copy.yaml": "apiVersion: v1\nkind: Service\n"
            "metadata:\n  name: healer\n",
        },
        ["kustomize", "infra/gitops/apps/healer"],
        "kubectl kustomize infra/gitops/apps/healer",
    )


@scenario("kustomize-field")
def _() -> Output:
    return t.kubectl(
        "kustomize-field",
        {
            "infra/gitops/apps/web/kustomization.yaml": "resources:\n- deployment.yaml\n"
            "images:\n  name: ghcr.io/5dlabs/web\n"
            "  newTag: 1.4.1\n",
            "infra/gitops/apps/web/deployment.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n"
            "  name: web\n",
        },
        ["kustomize", "infra/gitops/apps/web"],
        "kubectl kustomize infra/gitops/apps/web",
    )


@scenario("kustomize-unknown")
def _() -> Output:
    return t.kubectl(
        "kustomize-unknown",
        {
            "infra/gitops/apps/controller/kustomization.yaml": "resource:\n- deployment.yaml\n",
            "infra/gitops/apps/controller/deployment.yaml": "apiVersion: v1\nkind: Service\n"
            "metadata:\n  name: controller\n",
        },
        ["kustomize", "infra/gitops/apps/controller"],
        "kubectl kustomize infra/gitops/apps/controller",
    )


def _argo_app(name: str, sync: str, health: str, message: str, phase: str) -> str:
    return json.dumps(
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": name, "namespace": "argocd"},
            "status": {
                "sync": {"status": sync, "revision": "4f1c2e9"},
                "health": {"status": health},
                "operationState": {"phase": phase, "message": message},
            },
        }
    )


WAIT_SYNC = r"""
    #!/usr/bin/env bash
    set -euo pipefail
    app="$1"
    for attempt in 1 2 3; do
      body=$(curl -sS -H "Authorization: Bearer $ARGOCD_AUTH_TOKEN" "$ARGOCD_SERVER/api/v1/applications/$app")
      sync=$(echo "$body" | jq -r .status.sync.status)
      health=$(echo "$body" | jq -r .status.health.status)
      echo "attempt $attempt: $app sync=$sync health=$health"
      if [ "$sync" = "Synced" ] && [ "$health" = "Healthy" ]; then exit 0; fi
    done
    echo "$app did not become Synced/Healthy:"
    echo "$body" | jq -r '.status.operationState | "phase: \(.phase)\nmessage: \(.message)"'
    exit 1
"""


def argo_wait(name: str, app: str, sync: str, health: str, message: str, phase: str) -> Output:
    """A real wait-for-sync script polling a local server that serves an Argo CD
    Application (shape of the Argo CD API) whose message holds a real kubectl error."""
    with t.http_server(
        200, _argo_app(app, sync, health, message, phase), "application/json"
    ) as port:
        return t.shell(
            name,
            {"scripts/wait-for-sync.sh": WAIT_SYNC},
            f"bash scripts/wait-for-sync.sh {app}",
            f"./scripts/wait-for-sync.sh {app}",
            env={"ARGOCD_SERVER": f"http://127.0.0.1:{port}", "ARGOCD_AUTH_TOKEN": "***"},
        )


def kerr(key: str) -> str:
    """The first error line a real kubectl/kustomize run printed."""
    for line in get(key).lines:
        if "error" in line.lower() or "err=" in line:
            return line.split('err="', 1)[-1].rstrip('"') if 'err="' in line else line
    return get(key).lines[-1]


@scenario("argocd-kustomize")
def _() -> Output:
    msg = (
        "ComparisonError: Failed to load target state: failed to generate manifest for "
        "source 1 of 1: rpc error: code = Unknown desc = `kustomize build "
        "<path to cached source>/infra/gitops/overlays/staging` failed exit status 1: "
        + kerr("kustomize-missing")
    )
    return argo_wait("argocd-kustomize", "healer-staging", "Unknown", "Healthy", msg, "Failed")


@scenario("argocd-dupe")
def _() -> Output:
    msg = "one or more synchronization tasks are not valid: " + kerr("kustomize-dupe")
    return argo_wait("argocd-dupe", "healer", "OutOfSync", "Degraded", msg, "Failed")


@scenario("argocd-parse")
def _() -> Output:
    msg = "one or more objects failed to apply, reason: " + kerr("kubectl-parse")
    return argo_wait("argocd-parse", "web", "OutOfSync", "Missing", msg, "Error")


@scenario("argocd-degraded")
def _() -> Output:
    return argo_wait(
        "argocd-degraded",
        "controller",
        "Synced",
        "Degraded",
        "successfully synced (all tasks run)",
        "Succeeded",
    )


# ============================================================== github (atlas)


@scenario("git-conflict-rs")
def _() -> Output:
    return t.merge_conflict(
        "git-conflict-rs",
        "crates/healer/src/lib.rs",
        "pub const MAX_RETRIES: u32 = 1;\n",
        "pub const MAX_RETRIES: u32 = 2;\n",
        "pub const MAX_RETRIES: u32 = 3;\n",
    )


@scenario("git-conflict-tsx")
def _() -> Output:
    return t.merge_conflict(
        "git-conflict-tsx",
        "web/src/App.tsx",
        "export const title = 'a';\n",
        "export const title = 'Healer';\n",
        "export const title = 'Dispatch';\n",
        mode="rebase",
    )


@scenario("git-conflict-lock")
def _() -> Output:
    return t.merge_conflict(
        "git-conflict-lock",
        "Cargo.lock",
        'name = "serde"\nversion = "1.0.200"\n',
        'name = "serde"\nversion = "1.0.210"\n',
        'name = "serde"\nversion = "1.0.215"\n',
    )


@scenario("git-conflict-values")
def _() -> Output:
    return t.merge_conflict(
        "git-conflict-values",
        "infra/charts/controller/values.yaml",
        "image:\n  tag: 0.4.0\n",
        "image:\n  tag: 0.4.1\n",
        "image:\n  tag: 0.5.0-rc1\n",
        mode="cherry-pick",
    )


@scenario("git-push-rejected")
def _() -> Output:
    return t.rejected_push("git-push-rejected")


@scenario("git-403")
def _() -> Output:
    return t.http_git("git-403", 403, "Permission to 5dlabs/cto.git denied to github-actions[bot].")


@scenario("git-401")
def _() -> Output:
    return t.http_git(
        "git-401",
        401,
        "Invalid username or token. Password authentication is not supported for Git operations.",
        url_user="x-access-token:***@",
    )


@scenario("git-clone-404")
def _() -> Output:
    return t.http_git("git-clone-404", 404, "Repository not found.", verb="clone")


@scenario("git-tag-exists")
def _() -> Output:
    return t.tag_exists("git-tag-exists")


@scenario("git-shallow-describe")
def _() -> Output:
    return t.shallow_describe("git-shallow-describe")


@scenario("git-missing-ref")
def _() -> Output:
    return t.missing_ref("git-missing-ref")


@scenario("git-submodule")
def _() -> Output:
    return t.submodule_missing("git-submodule")


@scenario("npm-publish-403")
def _() -> Output:
    body = json.dumps(
        {"error": "You cannot publish over the previously published versions: 0.4.1."}
    )
    with t.http_server(403, body, "application/json") as port:
        local = f"http://127.0.0.1:{port}/"
        return t.npm(
            "npm-publish-403",
            {
                "package.json": '{"name":"@5dlabs/healer-ui",'
                '"version":"0.4.1","files":["index.js"]}',
                "index.js": "module.exports = {};\n",
                ".npmrc": f"//127.0.0.1:{port}/:_authToken=npm_fake\n",
            },
            f"publish --registry {local}",
            "npm publish --access public",
            hosts={local: "https://registry.npmjs.org/", f"127.0.0.1:{port}": "registry.npmjs.org"},
        )


@scenario("npm-publish-auth")
def _() -> Output:
    port = t.closed_port()
    local = f"http://127.0.0.1:{port}/"
    return t.npm(
        "npm-publish-auth",
        {"package.json": '{"name":"@5dlabs/healer-ui","version":"0.4.2"}', "index.js": ""},
        f"publish --registry {local}",
        "npm publish --access public",
        hosts={local: "https://registry.npmjs.org/"},
    )


@scenario("release-asset-422")
def _() -> Output:
    body = json.dumps(
        {
            "message": "Validation Failed",
            "errors": [{"resource": "ReleaseAsset", "code": "already_exists", "field": "name"}],
            "documentation_url": "https://docs.github.com/rest/releases/assets#upload-a-release-asset",
            "status": "422",
        }
    )
    with t.http_server(422, body, "application/json") as port:
        local = f"http://127.0.0.1:{port}"
        return t.shell(
            "release-asset-422",
            {"healer-linux-amd64.tar.gz": "x"},
            f"curl -sS --fail-with-body -X POST -H 'Authorization: Bearer ***' "
            f"-H 'Content-Type: application/gzip' --data-binary "
            f"@healer-linux-amd64.tar.gz '{local}/repos/5dlabs/cto/releases/182734/"
            f"assets?name=healer-linux-amd64.tar.gz'",
            'curl -sS --fail-with-body -X POST -H "Authorization: Bearer '
            '$GITHUB_TOKEN" --data-binary @healer-linux-amd64.tar.gz "https://'
            "uploads.github.com/repos/5dlabs/cto/releases/$RELEASE_ID/assets?name="
            'healer-linux-amd64.tar.gz"',
            hosts={local: "https://uploads.github.com"},
        )


@scenario("ghcr-denied")
def _() -> Output:
    body = json.dumps(
        {
            "errors": [
                {
                    "code": "DENIED",
                    "message": "permission_denied: "
                    "The token provided does not match expected scopes.",
                }
            ]
        }
    )
    with t.http_server(403, body, "application/json") as port:
        local = f"http://127.0.0.1:{port}"
        return t.shell(
            "ghcr-denied",
            {},
            f"curl -sS --fail-with-body -u 'ci:***' "
            f"'{local}/token?scope=repository:5dlabs/controller:push,pull&service=ghcr.io'",
            'curl -sS --fail-with-body -u "ci:$GHCR_TOKEN" "https://ghcr.io/token?'
            'scope=repository:5dlabs/controller:push,pull&service=ghcr.io"',
            hosts={local: "https://ghcr.io"},
        )


@scenario("actionlint-branch")
def _() -> Output:
    return t.actionlint(
        "actionlint-branch",
        {
            "ci.yml": """
        name: Controller CI
        on:
          push:
            branch: main
        jobs:
          lint-rust:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: cargo clippy --all-targets -- -D warnings
    """
        },
    )


@scenario("actionlint-expr")
def _() -> Output:
    return t.actionlint(
        "actionlint-expr",
        {
            "frontend-ci.yml": """
        name: Frontend CI
        on: [pull_request]
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: actions/setup-node@v4
                with:
                  node-version: 20
              - run: npm ci
              - if: ${{ github.event.pull_request.draft == false }
                run: npm run build
    """
        },
    )


@scenario("actionlint-needs")
def _() -> Output:
    return t.actionlint(
        "actionlint-needs",
        {
            "release.yml": """
        name: Release
        on:
          push:
            tags: ["v*"]
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: make dist
          publish:
            needs: [build, test]
            runs-on: ubuntu-latest
            steps:
              - run: make publish
    """
        },
    )


@scenario("actionlint-runs-on")
def _() -> Output:
    return t.actionlint(
        "actionlint-runs-on",
        {
            "infra.yml": """
        name: Infrastructure
        on: [push]
        jobs:
          images:
            steps:
              - uses: actions/checkout@v4
              - run: docker build -t ghcr.io/5dlabs/controller .
    """
        },
    )


@scenario("actionlint-matrix")
def _() -> Output:
    return t.actionlint(
        "actionlint-matrix",
        {
            "ci.yml": """
        name: CI
        on: [pull_request]
        jobs:
          test:
            runs-on: ${{ matrix.os }}
            strategy:
              matrix:
                os: [ubuntu-latest]
                toolchain: [stable, beta]
            steps:
              - uses: actions/checkout@v4
              - run: rustup default ${{ matrix.rust }}
    """
        },
    )


# ============================================================== security (cipher)


@scenario("npm-audit-endpoint")
def _() -> Output:
    return t.shell(
        "npm-audit",
        {
            "package.json": '{"name":"web","version":"1.0.0",'
            '"dependencies":{"lodash":"4.17.20","minimist":"1.2.5"}}'
        },
        "npm install --package-lock-only --no-audit --no-fund -q >/dev/null 2>&1; "
        "npm audit --audit-level=high",
        "npm audit --audit-level=high",
        timeout=600,
    )


@scenario("npm-audit-endpoint-axios")
def _() -> Output:
    return t.shell(
        "npm-audit-axios",
        {"package.json": '{"name":"web","version":"1.0.0","dependencies":{"axios":"0.21.1"}}'},
        "npm install --package-lock-only --no-audit --no-fund -q >/dev/null 2>&1; "
        "npm audit --omit=dev --audit-level=moderate",
        "npm audit --omit=dev --audit-level=moderate",
        timeout=600,
    )


@scenario("detect-secrets-aws")
def _() -> Output:
    return t.detect_secrets(
        "detect-secrets-aws",
        {
            "deploy/env/staging.env": """
        AWS_REGION=us-east-1
        AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
        AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
    """
        },
    )


@scenario("detect-secrets-gh")
def _() -> Output:
    return t.detect_secrets(
        "detect-secrets-gh",
        {
            "scripts/release.sh": """
        #!/usr/bin/env bash
        export GITHUB_TOKEN=ghp_Zq8RkV2mN4xT7bC1dF5hJ9pL3sW6yA0eG2uQ
        gh release create "$1"
    """
        },
    )


# ============================================================== flaky runner (atlas general)


@scenario("net-curl")
def _() -> Output:
    return t.refused("net-curl", "curl")


@scenario("net-git")
def _() -> Output:
    return t.refused("net-git", "git")


@scenario("net-npm")
def _() -> Output:
    return t.refused("net-npm", "npm")


@scenario("net-cargo")
def _() -> Output:
    return t.refused("net-cargo", "cargo")


@scenario("net-pip")
def _() -> Output:
    return t.refused("net-pip", "pip")


@scenario("tsc-no-modules")
def _() -> Output:
    return t.tsc(
        "tsc-no-modules",
        {
            "src/main.tsx": """
        import React from "react";
        import { createRoot } from "react-dom/client";
        export const root = createRoot(document.body);
        export const el = React.createElement("div");
    """
        },
    )


@scenario("cargo-offline-after-fetch")
def _() -> Output:
    return t.cargo(
        "cargo-offline-after-fetch",
        {
            "Cargo.toml": t.cargo_toml("controller", 'serde = "1.0"'),
            "src/main.rs": "fn main() {}\n",
        },
        ["build", "--offline"],
        "cargo build --locked --offline",
        env={"CARGO_HOME": str(t.WORK / "empty-cargo-home")},
    )


@scenario("oom-vite")
def _() -> Output:
    before = [ln for ln in get_ok("ok-vite-build").lines[:6] if ln]
    return t.killed("oom-vite", "npm run build", before)


@scenario("oom-cargo")
def _() -> Output:
    before = [ln for ln in get_ok("ok-rust-build").lines if "Compiling" in ln][:3]
    return t.killed("oom-cargo", "cargo build --release --workspace", before)


@scenario("timeout-tests")
def _() -> Output:
    before = [ln for ln in get_ok("ok-rust-tests").lines[:30] if ln][:20]
    return t.timed_out("timeout-tests", "timeout 30m cargo test --workspace", before)


def get_ok(key: str) -> Output:
    return get(key)


@scenario("ok-versions-rust")
def _() -> Output:
    return t.shell(
        "ok-versions-rust",
        {},
        "rustc -V && cargo -V && cargo clippy -V && rustfmt -V",
        "rustc -V && cargo -V && cargo clippy -V && rustfmt -V",
    )


@scenario("ok-versions-node")
def _() -> Output:
    return t.shell("ok-versions-node", {}, "node -v && npm -v", "node -v && npm -v")


@scenario("ok-versions-infra")
def _() -> Output:
    return t.shell(
        "ok-versions-infra",
        {},
        "hadolint --version && yamllint --version && kubectl version --client",
        "hadolint --version && yamllint --version && kubectl version --client",
    )
