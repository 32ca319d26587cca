"""Broken inputs and the real tool output they produce, with the root-cause label."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tools import (
    Output,
    cargo,
    eslint,
    hadolint,
    kubectl_dry_run,
    merge_conflict,
    node_run,
    node_test,
    rejected_push,
    rustfmt_check,
    tsc,
    unreachable,
    yamllint,
)


@dataclass(frozen=True)
class Scenario:
    """One broken input: how to reproduce it and who fixes its root cause."""

    key: str
    agent: str
    failure_type: str
    step: str
    files: tuple[str, ...]
    domain: str
    description: str
    make: Callable[[], Output]


R = "rust"
F = "frontend"
I = "infra"  # noqa: E741
G = "github"

SCENARIOS: list[Scenario] = [
    Scenario("rust-e0425", "rex", "rust_build", "Build", ("src/main.rs",), R,
             "undefined variable", lambda: cargo("e0425", """
                fn main() {
                    let y = undefined_var + 1;
                    println!("{y}");
                }
             """, ["build"])),
    Scenario("rust-e0308", "rex", "rust_build", "Build", ("src/main.rs",), R,
             "mismatched types", lambda: cargo("e0308", """
                fn port() -> u16 { "8080" }
                fn main() { println!("{}", port()); }
             """, ["build"])),
    Scenario("rust-e0382", "rex", "rust_build", "Check", ("src/main.rs",), R,
             "use after move", lambda: cargo("e0382", """
                fn take(v: Vec<u8>) -> usize { v.len() }
                fn main() {
                    let v = vec![1u8, 2, 3];
                    let n = take(v);
                    println!("{} {}", n, v.len());
                }
             """, ["check"])),
    Scenario("rust-e0599", "rex", "rust_build", "Build", ("src/main.rs",), R,
             "no such method", lambda: cargo("e0599", """
                struct Config { name: String }
                fn main() {
                    let c = Config { name: "x".into() };
                    println!("{}", c.display_name());
                }
             """, ["build"])),
    Scenario("rust-e0432", "rex", "rust_build", "Build", ("src/main.rs",), R,
             "unresolved import", lambda: cargo("e0432", """
                use std::collections::HashMapp;
                fn main() { let _m: HashMapp<u8, u8> = HashMapp::new(); }
             """, ["build"])),
    Scenario("clippy-needless-return", "rex", "rust_clippy", "Clippy", ("src/main.rs",), R,
             "clippy needless_return under -D warnings", lambda: cargo("clippy1", """
                fn double(x: i32) -> i32 {
                    return x * 2;
                }
                fn main() { println!("{}", double(2)); }
             """, ["clippy", "--all-targets", "--", "-D", "warnings"])),
    Scenario("clippy-redundant-clone", "rex", "rust_clippy", "Clippy", ("src/main.rs",), R,
             "clippy pedantic lints", lambda: cargo("clippy2", """
                fn main() {
                    let names = vec![String::from("a")];
                    let first = names.get(0).unwrap();
                    let s: String = first.to_string();
                    if s.len() == 0 { println!("empty"); }
                }
             """, ["clippy", "--all-targets", "--", "-D", "warnings", "-W", "clippy::pedantic"])),
    Scenario("rustfmt-diff", "rex", "rust_fmt", "Rustfmt", ("src/main.rs",), R,
             "formatting check fails", lambda: rustfmt_check("fmt1", """
                fn main(){let x=1;   let y =2;
                println!("{}",x+y);}
             """)),
    Scenario("rust-test-assert", "rex", "rust_test", "Test", ("src/lib.rs",), R,
             "a unit test assertion fails", lambda: cargo("test1", "fn main() {}\n", ["test"],
                                                           lib="""
                pub fn add(a: i32, b: i32) -> i32 { a - b }
                #[cfg(test)]
                mod tests {
                    use super::*;
                    #[test]
                    fn adds() { assert_eq!(add(2, 2), 4); }
                    #[test]
                    fn zero() { assert_eq!(add(0, 0), 0); }
                }
             """)),
    Scenario("rust-test-panic", "rex", "rust_test", "Test", ("src/lib.rs",), R,
             "a test panics on unwrap", lambda: cargo("test2", "fn main() {}\n", ["test"],
                                                       lib="""
                pub fn parse(s: &str) -> u32 { s.parse().unwrap() }
                #[cfg(test)]
                mod tests {
                    #[test]
                    fn parses_port() { assert_eq!(super::parse("80a"), 80); }
                }
             """)),
    Scenario("cargo-missing-dep", "rex", "rust_deps", "Build", ("Cargo.toml",), R,
             "dependency that cannot be resolved offline", lambda: cargo(
                 "deps1", "fn main() {}\n", ["build", "--offline"],
                 deps='tokio-not-a-real-crate-zz = "1.0"')),
    Scenario("tsc-ts2322", "blaze", "frontend_typecheck", "Typecheck", ("src/app.ts",), F,
             "type not assignable", lambda: tsc("tsc1", {"src/app.ts": """
                export function port(): number {
                  const value: number = "8080";
                  return value;
                }
             """})),
    Scenario("tsc-ts2339", "blaze", "frontend_typecheck", "Typecheck", ("src/user.ts",), F,
             "property does not exist", lambda: tsc("tsc2", {"src/user.ts": """
                interface User { id: number; name: string }
                export function label(u: User): string { return u.fullName; }
             """})),
    Scenario("tsc-ts2304", "blaze", "frontend_typecheck", "Typecheck", ("src/index.ts",), F,
             "cannot find name", lambda: tsc("tsc3", {"src/index.ts": """
                export const total = items.reduce((a: number, b: number) => a + b, 0);
             """})),
    Scenario("tsc-ts2345", "blaze", "frontend_typecheck", "Typecheck", ("src/api.ts",), F,
             "argument of the wrong type", lambda: tsc("tsc4", {"src/api.ts": """
                function fetchUser(id: number): string { return String(id); }
                export const user = fetchUser("42");
             """})),
    Scenario("eslint-unused", "blaze", "frontend_lint", "Lint", ("src/cart.js",), F,
             "unused variable and undefined global", lambda: eslint("lint1", {"src/cart.js": """
                const unused = 42;
                export function total(items) {
                  return items.reduce((a, b) => a + b.price, 0) + taxRate;
                }
             """})),
    Scenario("eslint-no-dupe", "blaze", "frontend_lint", "Lint", ("src/theme.js",), F,
             "duplicate keys and unreachable code", lambda: eslint("lint2", {"src/theme.js": """
                export const theme = { color: "red", color: "blue" };
                export function f() { return 1; console.log("never"); }
             """})),
    Scenario("node-test-fail", "blaze", "frontend_test", "Test", ("src/price.mjs",), F,
             "a frontend unit test fails", lambda: node_test("ntest1", {
                 "src/price.mjs": "export const price = (c) => c / 10;\n",
                 "test/price.test.mjs": """
                    import { test } from "node:test";
                    import assert from "node:assert/strict";
                    import { price } from "../src/price.mjs";
                    test("formats cents", () => { assert.equal(price(1999), 19.99); });
                 """})),
    Scenario("node-module-missing", "blaze", "frontend_build", "Build", ("src/main.mjs",), F,
             "import of a module that does not exist", lambda: node_run("nbuild1", {
                 "src/main.mjs": 'import { render } from "./components/Widget.mjs";\n'
                                 'render();\n'}, "node src/main.mjs", "npm run build")),
    Scenario("npm-ci-no-lock", "blaze", "frontend_deps", "Install dependencies",
             ("package.json",), F, "npm ci without a lockfile", lambda: node_run("ndeps1", {
                 "package.json": '{"name":"web","version":"1.0.0",'
                                 '"dependencies":{"left-pad":"1.3.0"}}'},
                 "npm ci --no-audit --no-fund", "npm ci")),
    Scenario("npm-404", "blaze", "frontend_deps", "Install dependencies", ("package.json",),
             F, "a dependency that does not exist on the registry", lambda: node_run(
                 "ndeps2", {"package.json": '{"name":"web","version":"1.0.0",'
                            '"dependencies":{"healer-evals-no-such-package-zz":"^1.0.0"}}'},
                 "npm install --no-audit --no-fund", "npm install")),
    Scenario("hadolint-dl3008", "bolt", "docker_build", "Lint Dockerfile", ("Dockerfile",), I,
             "unpinned apt packages and latest tag", lambda: hadolint("had1", """
                FROM ubuntu:latest
                RUN apt-get update && apt-get install -y curl
                COPY . /app
                CMD ["/app/run"]
             """)),
    Scenario("hadolint-dl3025", "bolt", "docker_build", "Lint Dockerfile",
             ("docker/Dockerfile",), I, "shell-form CMD and cd", lambda: hadolint("had2", """
                FROM node:20
                RUN cd /app && npm install
                WORKDIR app
                CMD node server.js
             """)),
    Scenario("hadolint-dl3020", "bolt", "docker_build", "Lint Dockerfile",
             ("Dockerfile",), I, "ADD for local files, sudo", lambda: hadolint("had3", """
                FROM debian:12-slim
                ADD app.tar.gz /opt/
                RUN sudo chmod +x /opt/app/run
             """)),
    Scenario("yamllint-manifest", "bolt", "yaml_config", "Lint manifests",
             ("deploy/app.yaml",), I, "broken indentation in a manifest", lambda: yamllint(
                 "yl1", {"deploy/app.yaml": """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                    spec:
                      replicas: 2
                       template:
                        spec: {}
                 """}, "deploy/")),
    Scenario("yamllint-values", "bolt", "yaml_config", "Lint values",
             ("charts/web/values.yaml",), I, "duplicate keys in Helm values", lambda: yamllint(
                 "yl2", {"charts/web/values.yaml": """
                    ---
                    image:
                      repository: ghcr.io/acme/web
                      tag: 1.2.3
                    image:
                      pullPolicy: Always
                 """}, "charts/")),
    Scenario("kubectl-parse", "bolt", "k8s_manifest", "Validate manifests",
             ("k8s/app.yaml",), I, "a manifest kubectl cannot parse", lambda: kubectl_dry_run(
                 "kc1", """
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: web
                    spec:
                      ports:
                      - port: 80
                        targetPort: [8080
                 """)),
    Scenario("git-conflict", "atlas", "merge_conflict", "Merge main", ("src/lib.rs",), G,
             "merge conflict with main", lambda: merge_conflict(
                 "mc1", "src/lib.rs", "pub const V: u32 = 1;\n", "pub const V: u32 = 2;\n",
                 "pub const V: u32 = 3;\n")),
    Scenario("git-conflict-web", "atlas", "merge_conflict", "Rebase", ("web/src/App.tsx",), G,
             "merge conflict in a component", lambda: merge_conflict(
                 "mc2", "web/src/App.tsx", "export const title = 'a';\n",
                 "export const title = 'b';\n", "export const title = 'c';\n")),
    Scenario("git-push-rejected", "atlas", "git_error", "Push changelog", ("CHANGELOG.md",), G,
             "push rejected: non-fast-forward", lambda: rejected_push("push1")),
    Scenario("network-download", "atlas", "general", "Download tool", (), G,
             "network error downloading a tool (flaky infra)", lambda: unreachable("net1")),
]
