"""Rust failures, plain and disguised: compile errors under deprecation noise, inside a
BuildKit ``RUN``, behind ``npm run`` and a shell script, rustdoc links, a path dependency's
version, the MSRV, a test that allocates a terabyte, crash loops and an Argo CD hook whose
program panics."""

from __future__ import annotations

from datetime import datetime

import real
import shapes
from fcommon import at, ci, failing, pr_of, run, rust_setup, sha, uses
from helpers import buildx_setup, buildx_step, crashing, curl_fail, kube_setup

REPO = "5dlabs/healer"


def cargo_in(
    name: str,
    files: dict[str, str],
    args: list[str],
    shown: str,
    env: dict[str, str] | None = None,
    package: str = "healer",
) -> real.Out:
    path = real.crate(name, files, package=package)
    lines, code = real.run(["cargo", *args], path, env={"CARGO_NET_OFFLINE": "true", **(env or {})})
    return real.Out(shown, lines, code)


def plain() -> None:
    at(REPO)
    out = cargo_in(
        "fr-rust-e0382",
        {
            "Cargo.toml": real.cargo_toml("ledger"),
            "src/main.rs": """
            fn total(entries: Vec<i64>) -> i64 {
                entries.iter().sum()
            }

            fn main() {
                let entries = vec![120, -40, 75];
                let sum = total(entries);
                println!("{} entries, total {}", entries.len(), sum);
            }
        """,
        },
        ["build", "--bins"],
        "cargo build --bins",
    )
    ci(
        "fr-rust-e0382-moved-vec",
        "cargo build fails with E0382: a Vec is used after it was moved into a function",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(ledger): print entry count with the total",
        files=["crates/ledger/src/main.rs"],
    )

    out = cargo_in(
        "fr-rust-e0277",
        {
            "Cargo.toml": real.cargo_toml("settings"),
            "src/main.rs": """
            use std::fs;

            #[derive(Debug)]
            pub enum SettingsError {
                Missing(String),
            }

            pub fn read_port(path: &str) -> Result<u16, SettingsError> {
                let raw = fs::read_to_string(path)?;
                raw.trim().parse().map_err(|_| SettingsError::Missing(path.into()))
            }

            fn main() {
                println!("{:?}", read_port("port.txt"));
            }
        """,
        },
        ["check", "--workspace"],
        "cargo check --workspace",
    )
    ci(
        "fr-rust-e0277-question-mark",
        "cargo check: `?` cannot convert std::io::Error into the crate's own error type (E0277)",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="check",
        steps=[*rust_setup(), failing(out, name="cargo check")],
        message="refactor(settings): read the port from a file",
        files=["crates/settings/src/main.rs"],
        event="check_run",
        check=("check", "cargo check failed"),
    )

    out = cargo_in(
        "fr-rust-clippy-borrow",
        {
            "Cargo.toml": real.cargo_toml("tagger"),
            "src/main.rs": """
            fn label(name: &str) -> String {
                if name.starts_with("v") {
                    name[1..].to_string()
                } else {
                    name.to_string()
                }
            }

            fn main() {
                let tag = String::from("v1.4.0");
                println!("{}", label(&tag));
                let names: Vec<String> = vec![tag.clone()];
                let firsts: Vec<String> = names.iter().map(|n| n.clone()).collect();
                println!("{:?}", firsts);
            }
        """,
        },
        ["clippy", "--bins", "--", "-D", "warnings"],
        "cargo clippy --bins -- -D warnings",
    )
    ci(
        "fr-rust-clippy-manual-strip",
        "clippy with -D warnings rejects manual_strip and map_clone",
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="Rust CI",
        job="clippy",
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(tagger): strip the v prefix from release tags",
        files=["crates/tagger/src/main.rs"],
    )

    out = cargo_in(
        "fr-rust-test-prorate",
        {
            "Cargo.toml": real.cargo_toml("billing"),
            "src/main.rs": "fn main() {}\n",
            "src/lib.rs": """
            /// Cents owed for `days` of a 30-day month.
            pub fn prorate(monthly_cents: u64, days: u64) -> u64 {
                monthly_cents * days / 31
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn full_month_is_full_price() {
                    assert_eq!(prorate(3000, 30), 3000);
                }

                #[test]
                fn zero_days_is_free() {
                    assert_eq!(prorate(3000, 0), 0);
                }
            }
        """,
        },
        ["test", "-p", "billing", "--lib"],
        "cargo test -p billing --lib",
        package="billing",
    )
    ci(
        "fr-rust-test-prorate-assert",
        "a unit test fails: prorate divides by 31 days instead of 30",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="test",
        steps=[*rust_setup(), failing(out, name="Test")],
        message="fix(billing): prorate partial months",
        files=["crates/billing/src/lib.rs"],
        pr=pr_of("fr-rust-test-prorate-assert", "fix(billing): prorate partial months"),
    )

    out = cargo_in(
        "fr-rust-should-panic",
        {
            "Cargo.toml": real.cargo_toml("quota"),
            "src/main.rs": "fn main() {}\n",
            "src/lib.rs": """
            pub struct Quota { limit: u32, used: u32 }

            impl Quota {
                pub fn new(limit: u32) -> Self { Quota { limit, used: 0 } }

                pub fn take(&mut self, n: u32) {
                    self.used = self.used.saturating_add(n).min(self.limit);
                }
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                #[should_panic(expected = "quota exceeded")]
                fn taking_past_the_limit_panics() {
                    let mut q = Quota::new(10);
                    q.take(8);
                    q.take(5);
                }
            }
        """,
        },
        ["test", "--lib"],
        "cargo test --lib",
        package="quota",
    )
    ci(
        "fr-rust-test-should-panic",
        "a #[should_panic] test fails because the code now saturates instead of panicking",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="test",
        job="cargo-test",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="refactor(quota): saturate instead of overflow",
        files=["crates/quota/src/lib.rs"],
        event="workflow_run",
    )


def disguised() -> None:
    at(REPO)
    # deprecation warnings from rustc and the runner, then the real error
    out = cargo_in(
        "fr-rust-deprecated-e0433",
        {
            "Cargo.toml": real.cargo_toml("ingest"),
            "src/legacy.rs": """
            #[deprecated(since = "0.8.0", note = "use `parse_record_v2`")]
            pub fn parse_record(line: &str) -> Vec<&str> {
                line.split(',').collect()
            }

            pub fn parse_record_v2(line: &str) -> Vec<&str> {
                line.split(',').map(str::trim).collect()
            }
        """,
            "src/main.rs": """
            #![allow(dead_code)]
            mod legacy;

            #[allow(unused_variables)]
            fn main() {
                let counts: HashMap<String, usize> = HashMap::new();
                let row = legacy::parse_record("a, b");
                let other = legacy::parse_record("c, d");
                println!("{} {}", row.len(), other.len());
            }
        """,
        },
        ["build", "--release"],
        "cargo build --release",
    )
    notice = [
        "##[warning]Node.js 20 actions are deprecated. The following actions are running on "
        "Node.js 20 and may not work as expected: actions-rs/toolchain@v1. Actions will be forced "
        "to run with Node.js 24 by default starting June 2nd, 2026. Please check if updated "
        "versions of these actions are available that support Node.js 24. For more information "
        "see: https://github.blog/changelog/2025-09-19-deprecation-of-node-20-on-github-actions-"
        "runners/",
    ]
    tool = uses(
        "actions-rs/toolchain@v1",
        {"toolchain": "stable", "override": "true"},
        [
            "##[warning]The `set-output` command is deprecated and will be disabled soon. "
            "Please upgrade to using Environment Files. For more information see: "
            "https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-"
            "state-and-set-output-commands/",
            "stable-x86_64-unknown-linux-gnu unchanged - rustc 1.95.0 (59807616e 2026-04-14)",
        ],
    )
    ci(
        "fr-rust-deprecations-then-e0433",
        "deprecation notices from the runner, actions-rs and rustc itself; the failure is E0433 "
        "(HashMap used without an import)",
        ["multi-signal", "noisy"],
        "rex",
        "rust_build",
        workflow="release-build",
        job="build-linux",
        steps=[tool, failing(out, name="Build release binary")],
        message="feat(ingest): count rows per source",
        files=["crates/ingest/src/main.rs"],
        tail=notice,
    )

    # a job called "docker" failing on E0603 inside RUN cargo build
    inner = cargo_in(
        "fr-rust-docker-e0603",
        {
            "Cargo.toml": real.cargo_toml("healer-worker"),
            "src/queue.rs": """
            pub struct Job { pub id: u64 }

            fn next_job(queue: &mut Vec<Job>) -> Option<Job> {
                queue.pop()
            }
        """,
            "src/main.rs": """
            mod queue;

            fn main() {
                let mut q = vec![queue::Job { id: 7 }];
                while let Some(job) = queue::next_job(&mut q) {
                    println!("job {}", job.id);
                }
            }
        """,
        },
        ["build", "--release", "--bin", "healer-worker"],
        "cargo build --release --bin healer-worker",
    )
    at("5dlabs/app")
    dockerfile = (
        "# syntax=docker/dockerfile:1.7\n"
        "FROM rust:1.95-slim-bookworm AS build\n"
        "WORKDIR /src\n"
        "COPY Cargo.toml Cargo.lock ./\n"
        "COPY crates ./crates\n"
        "RUN --mount=type=cache,target=/usr/local/cargo/registry cargo build --release --bin "
        "healer-worker\n"
        "\n"
        "FROM gcr.io/distroless/cc-debian12:nonroot\n"
        "COPY --from=build /src/target/release/healer-worker /usr/local/bin/healer-worker\n"
        'ENTRYPOINT ["/usr/local/bin/healer-worker"]\n'
    )
    lines = [ln.replace("/home/runner/work/healer/healer", "/src") for ln in inner.lines]
    bk = shapes.BuildKit("fr-rust-docker-e0603", dockerfile)
    bk.metadata()
    err = bk.run_until(6, lines, code=101)
    image = "ghcr.io/5dlabs/healer-worker:sha-" + sha("fr-rust-docker-e0603")[:7]
    ci(
        "fr-rust-docker-job-private-fn",
        "the 'docker' job fails inside RUN cargo build: E0603, a private function called from "
        "another module",
        ["misleading-name", "wrapper"],
        "rex",
        "rust_build",
        workflow="images",
        job="docker",
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="refactor(worker): move job polling into queue module",
        files=["crates/healer-worker/src/queue.rs", "crates/healer-worker/src/main.rs"],
    )

    # npm run build wrapping a cargo build of the wasm bindings
    at("5dlabs/console")
    path = real.node_project(
        "fr-rust-npm-wasm",
        {
            "bindings/Cargo.toml": real.cargo_toml("console-bindings"),
            "bindings/src/main.rs": """
            fn main() {}
        """,
            "bindings/src/lib.rs": """
            pub fn clamp_zoom(z: f32) -> f32 {
                z.clamp_to(0.25, 4.0)
            }
        """,
        },
        {
            "build:bindings": "cargo build --manifest-path bindings/Cargo.toml --release",
            "build": "npm run build:bindings && vite build",
        },
        pkg_name="console",
    )
    lines, code = real.run(
        ["npm", "run", "build"],
        path,
        env={"CARGO_NET_OFFLINE": "true"},
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    out = real.Out("npm run build", lines, code)
    ci(
        "fr-rust-npm-build-wraps-cargo",
        "a frontend 'web' job's npm run build fails in its first script: cargo builds the "
        "Rust bindings and hits E0599 (no method clamp_to on f32)",
        ["misleading-name", "wrapper"],
        "rex",
        "rust_build",
        workflow="web",
        job="build",
        repo="5dlabs/console",
        steps=[*common_node(), failing(out, name="Build")],
        message="feat(viewer): clamp zoom in the bindings",
        files=["bindings/src/lib.rs"],
    )

    # rustfmt inside a shell script
    at(REPO)
    path = real.crate(
        "fr-rust-fmt-script",
        {
            "Cargo.toml": real.cargo_toml("notify"),
            "src/main.rs": """
            fn main() {
                let channels = vec!["email","slack",  "pager"];
                for c in channels { println!("{}", c) }
            }
        """,
            "scripts/pr-checks.sh": """
            #!/usr/bin/env bash
            set -euo pipefail
            echo "==> formatting"
            cargo fmt --all -- --check
            echo "==> lint"
            cargo clippy --all-targets -- -D warnings
        """,
        },
        package="notify",
    )
    lines, code = real.run(
        ["bash", "scripts/pr-checks.sh"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    out = real.Out("./scripts/pr-checks.sh", lines, code)
    ci(
        "fr-rust-fmt-inside-pr-checks",
        "a pr-checks.sh script fails at its first stage: cargo fmt --check shows a diff",
        ["wrapper"],
        "rex",
        "rust_fmt",
        workflow="PR",
        job="pr-checks",
        steps=[*rust_setup(), failing(out, name="PR checks")],
        message="feat(notify): add pager channel",
        files=["crates/notify/src/main.rs"],
        event="check_run",
        check=("pr-checks", "Process completed with exit code 1."),
    )

    # rustdoc broken intra-doc link
    out = cargo_in(
        "fr-rust-rustdoc",
        {
            "Cargo.toml": real.cargo_toml("healer-sdk"),
            "src/main.rs": "fn main() {}\n",
            "src/lib.rs": """
            //! Client for the Healer API.

            /// Sends a [`RemediationRequest`] and waits for [`Outcome::Done`].
            pub fn remediate(id: u64) -> Outcome {
                let _ = id;
                Outcome::Done
            }

            pub enum Outcome { Done, Failed }
        """,
        },
        ["doc", "--no-deps", "--lib"],
        "cargo doc --no-deps --lib",
        env={"RUSTDOCFLAGS": "-D warnings"},
        package="healer-sdk",
    )
    ci(
        "fr-rust-rustdoc-broken-link",
        "the docs job fails: rustdoc with -D warnings rejects an unresolved intra-doc link",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="docs",
        job="rustdoc",
        steps=[
            *rust_setup(),
            failing(out, name="Build API docs", env={"RUSTDOCFLAGS": "-D warnings"}),
        ],
        message="docs(sdk): document remediate()",
        files=["crates/healer-sdk/src/lib.rs"],
    )

    # a path dependency's version no longer matches
    path = real.scratch(
        "fr-rust-path-version",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/api", "crates/wire"]\nresolver = "2"\n',
            "crates/wire/Cargo.toml": real.cargo_toml("wire").replace("0.1.0", "0.2.3"),
            "crates/wire/src/lib.rs": "pub fn version() -> u32 { 2 }\n",
            "crates/api/Cargo.toml": real.cargo_toml(
                "healer-api", 'wire = { path = "../wire", version = "0.3" }'
            ),
            "crates/api/src/main.rs": 'fn main() { println!("{}", wire::version()); }\n',
        },
    )
    lines, code = real.run(
        ["cargo", "build", "--workspace"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    out = real.Out("cargo build --workspace", lines, code)
    ci(
        "fr-rust-path-dep-version-mismatch",
        "cargo cannot resolve the workspace: crates/api asks for wire ^0.3 but the path crate "
        "is 0.2.3",
        ["obvious"],
        "rex",
        "rust_deps",
        workflow="Rust CI",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(api): require wire 0.3 framing",
        files=["crates/api/Cargo.toml"],
        event="workflow_run",
    )

    # rust-version above the toolchain
    out = cargo_in(
        "fr-rust-msrv",
        {
            "Cargo.toml": real.cargo_toml("healer", extra='rust-version = "1.97"'),
            "Cargo.lock": "# This file is automatically @generated by Cargo.\n# It is not intended "
            'for manual editing.\nversion = 4\n\n[[package]]\nname = "healer"\n'
            'version = "0.1.0"\n',
            "src/main.rs": "fn main() {}\n",
        },
        ["build", "--locked"],
        "cargo build --locked",
    )
    ci(
        "fr-rust-rust-version-too-new",
        "the manifest's rust-version was raised to 1.97 but CI's toolchain is 1.95",
        ["obvious"],
        "rex",
        "rust_deps",
        workflow="Rust CI",
        job="msrv",
        steps=[*rust_setup(), failing(out, name="Build")],
        message="chore: bump rust-version to 1.97",
        files=["Cargo.toml"],
    )

    # compile error in a test module, after a screen of warnings, in the test job
    out = cargo_in(
        "fr-rust-test-compile",
        {
            "Cargo.toml": real.cargo_toml("scheduler"),
            "src/main.rs": "fn main() {}\n",
            "src/lib.rs": """
            pub struct Window { pub start: u32, pub end: u32 }

            pub fn overlaps(a: &Window, b: &Window) -> bool {
                let unused_margin = 5;
                a.start < b.end && b.start < a.end
            }

            pub fn widen(w: &Window) -> Window {
                let mut copy = Window { start: w.start, end: w.end };
                Window { start: w.start.saturating_sub(1), end: w.end + 1 }
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn widen_grows_both_ends() {
                    let w = widen(&Window { start: 4, end: 8 });
                    assert_eq!(w, Window { start: 3, end: 9 });
                }
            }
        """,
        },
        ["test", "--workspace"],
        "cargo test --workspace",
        package="scheduler",
    )
    ci(
        "fr-rust-test-job-compile-error",
        "the test job never runs a test: unused-variable warnings, then E0369 because Window "
        "does not derive PartialEq/Debug for assert_eq!",
        ["multi-signal"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="test",
        steps=[*rust_setup(), failing(out, name="Test")],
        message="test(scheduler): cover widen()",
        files=["crates/scheduler/src/lib.rs"],
    )

    # the test allocates a terabyte: the code's own size bug, visible in the log
    path = real.crate(
        "fr-rust-alloc",
        {
            "Cargo.toml": real.cargo_toml("frames"),
            "src/main.rs": "fn main() {}\n",
            "src/lib.rs": """
            /// Reads a length-prefixed frame: 4-byte big-endian length, then the payload.
            pub fn read_frame(buf: &[u8]) -> Vec<u8> {
                let len = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
                let mut out = Vec::with_capacity(len * 65536);
                out.extend_from_slice(&buf[4..]);
                out
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn reads_small_frame() {
                    let frame = [0, 0, 0, 3, b'a', b'b', b'c'];
                    assert_eq!(read_frame(&frame), b"abc");
                }
            }
        """,
        },
        package="frames",
    )
    lines, code = real.run(["cargo", "test", "--lib"], path, env={"CARGO_NET_OFFLINE": "true"})
    out = real.Out("cargo test -p frames --lib", lines, code)
    ci(
        "fr-rust-test-allocates-terabytes",
        "cargo test aborts with 'memory allocation of ... bytes failed' (SIGABRT): read_frame "
        "decodes a big-endian length as little-endian and reserves 3 TiB",
        ["resource-kill"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="test (ubuntu-latest, stable)",
        steps=[*rust_setup(), failing(out, name="Run tests")],
        message="feat(frames): length-prefixed frames",
        files=["crates/frames/src/lib.rs"],
    )

    # just recipe wrapping clippy
    path = real.crate(
        "fr-rust-just-clippy",
        {
            "Cargo.toml": real.cargo_toml("gatekeeper"),
            "src/main.rs": """
            fn allowed(enabled: bool, roles: &[&str]) -> bool {
                if enabled == true {
                    return roles.len() > 0;
                }
                false
            }

            fn main() {
                println!("{}", allowed(true, &["admin"]));
            }
        """,
            "justfile": """
            set shell := ["bash", "-euo", "pipefail", "-c"]

            ci: lint test

            lint:
                cargo clippy --bins --all-features -- -D warnings

            test:
                cargo test --all-features
        """,
        },
        package="gatekeeper",
    )
    lines, code = real.run(["just", "ci"], path, env={"CARGO_NET_OFFLINE": "true"})
    out = real.Out("just ci", lines, code)
    setup_just = uses("extractions/setup-just@v2", None, ["just 1.59.0 installed"])
    ci(
        "fr-rust-just-ci-clippy",
        "`just ci` stops in its lint recipe: clippy's bool_comparison and len_zero under "
        "-D warnings",
        ["wrapper"],
        "rex",
        "rust_clippy",
        workflow="CI",
        job="just-ci",
        steps=[*rust_setup(), setup_just, failing(out, name="just ci")],
        message="feat(gatekeeper): role check",
        files=["crates/gatekeeper/src/main.rs"],
        event="check_run",
        check=("just-ci", "error: Recipe `lint` failed with exit code 101"),
    )


def common_node() -> list:
    from fcommon import node_setup, npm_ci_ok

    return [*node_setup(), npm_ci_ok()]


def rust_service(name: str, src: str, args: list[str] | None = None) -> list[str]:
    path = real.crate(name, {"Cargo.toml": real.cargo_toml(name), "src/main.rs": src}, package=name)
    lines, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    if code:
        raise RuntimeError("\n".join(lines))
    out, code = real.run([str(path / "target" / "release" / name), *(args or [])], path)
    assert code == 101, (name, code, out)
    return out


def context() -> None:
    at(REPO)
    ns = "healer"
    logs = rust_service(
        "healer-notifier",
        """
        use std::cell::RefCell;

        struct Outbox { pending: RefCell<Vec<String>> }

        impl Outbox {
            fn flush(&self) {
                let queue = self.pending.borrow();
                for item in queue.iter() {
                    self.retry(item);
                }
            }
            fn retry(&self, item: &str) {
                self.pending.borrow_mut().push(format!("{item}#retry"));
            }
        }

        fn main() {
            eprintln!("healer-notifier 2.4.0 listening on 0.0.0.0:8080");
            let outbox = Outbox { pending: RefCell::new(vec!["welcome-mail".into()]) };
            outbox.flush();
        }
    """,
    )
    out = curl_fail("fr-rust-ctx-curl", "notifier.preview.5dlabs.ai", "/healthz")
    ctx = crashing(
        "fr-rust-ctx-refcell",
        ns,
        "healer-notifier",
        "ghcr.io/5dlabs/healer-notifier:2.4.0",
        101,
        logs,
    )
    ci(
        "fr-rust-ctx-refcell-crashloop",
        "the preview smoke test cannot connect; the notifier pod crash-loops on a RefCell "
        "'already borrowed' panic in its own flush loop",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy-preview",
        job="smoke-test",
        steps=[
            *kube_setup(),
            run(
                "kubectl apply -k deploy/preview",
                ["service/healer-notifier unchanged", "deployment.apps/healer-notifier configured"],
                name="Apply",
            ),
            failing(out, name="Smoke test"),
        ],
        message="feat(notifier): retry failed deliveries",
        files=["crates/notifier/src/outbox.rs"],
        extra=ctx,
    )

    # Argo CD PostSync hook whose Rust program panics
    seed = rust_service(
        "catalog-seed",
        """
        fn parse_price(raw: &str) -> u64 {
            let (whole, cents) = raw.split_once('.').expect("price has no decimal point");
            whole.parse::<u64>().unwrap() * 100 + cents.parse::<u64>().unwrap()
        }

        fn main() {
            let rows = ["widget,12.50", "gizmo,7", "doohickey,3.10"];
            for row in rows {
                let (name, price) = row.split_once(',').unwrap();
                eprintln!("seeding {name}");
                let _ = parse_price(price);
            }
        }
    """,
    )
    rev = sha("fr-rust-argocd-seed")
    lines = shapes.argocd_summary(
        "catalog",
        "platform",
        "catalog",
        "5dlabs/healer",
        "deploy/catalog/overlays/staging",
        rev,
        "Synced",
        "Healthy",
        phase="Failed",
        started=datetime(2026, 11, 14, 16, 20, 1),
        message="one or more synchronization tasks completed unsuccessfully, reason: Job has "
        "reached the specified backoff limit",
        resources=[
            ("", "Service", "catalog", "catalog", "Synced", "Healthy", "", ""),
            ("apps", "Deployment", "catalog", "catalog", "Synced", "Healthy", "", ""),
            (
                "batch",
                "Job",
                "catalog",
                "catalog-seed",
                "",
                "",
                "PostSync",
                "Job has reached the specified backoff limit",
            ),
        ],
    )
    lines.append(
        shapes.logrus_fatal("2026-11-14T16:22:41Z", "Operation has completed with phase: Failed")
    )
    out = real.Out("argocd app sync catalog --timeout 600", lines, 20)
    created, first, last = ("2026-11-14T16:20:02Z", "2026-11-14T16:20:09Z", "2026-11-14T16:22:30Z")
    pods = [
        shapes.pod(
            f"catalog-seed-{sha(rev + str(i))[:5]}",
            "catalog",
            "catalog-seed",
            "ghcr.io/5dlabs/catalog-seed:1.8.0",
            created=created,
            phase="Failed",
            waiting=None,
            terminated={"exit_code": 101, "reason": "Error", "started": first, "finished": first},
            owner=("Job", "catalog-seed"),
        )
        for i in range(3)
    ]
    events = [
        shapes.event(
            "catalog",
            "Job",
            "catalog-seed",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            first=last,
            last=last,
            component="job-controller",
        )
    ]
    ci(
        "fr-rust-argocd-postsync-seed-panic",
        "argocd app sync fails on its PostSync hook; the hook Job's Rust seeder panics on a "
        "price without a decimal point",
        ["context-driven", "argocd", "misleading-name"],
        "rex",
        "rust_test",
        workflow="gitops",
        job="argocd-sync",
        steps=[
            run(
                'argocd login argocd.5dlabs.ai --grpc-web --username ci --password "$ARGOCD_PASSWORD"',
                ["'ci:login' logged in successfully", "Context 'argocd.5dlabs.ai' updated"],
                env={"ARGOCD_PASSWORD": "***"},
                name="Login",
            ),
            failing(out, name="Sync catalog"),
        ],
        message="feat(catalog): seed demo products",
        files=["crates/catalog-seed/src/main.rs", "crates/catalog-seed/data/products.csv"],
        extra={
            "kubernetes": {"pods": pods, "events": events},
            "loki": [ln for ln in seed if ln.strip()],
            "argocd": [
                {
                    "name": "catalog",
                    "sync_status": "Synced",
                    "health_status": "Healthy",
                    "message": "PostSync hook catalog-seed failed: Job has reached the "
                    "specified backoff limit",
                }
            ],
        },
    )


def build() -> None:
    plain()
    disguised()
    context()
