"""Batch 60 of the fresh split (ids ``fr-zzh-``): Rust in depth. Cargo feature matrices
(``--no-default-features``, ``--all-features``), workspace inheritance (``workspace = true``
keys), the 2024 edition's new errors, proc-macro panics and ``derive`` errors, build scripts
compiling C, cross-compilation targets, sqlx's compile-time query checks, a clippy lint that a
toolchain bump made fatal, doc-tests and ``no_std`` builds, with cargo-deny and cargo-audit
beside them. The owner is the root cause's: the change's Rust code, manifests or vendored C
(rex), the workflow or the runner image or the registry (atlas), an advisory on a lockfile bump
(cipher).

Look-alike pairs differ in the decisive evidence: ``pkg-config`` cannot find a system library
because the change added a ``-sys`` crate (rex) vs because a self-hosted runner's image lost the
library an unchanged crate has linked for months (atlas); the ``--all-features`` leg failing on a ``compile_error!`` the change added (rex) vs on
``#![feature]`` on stable because the workflow switched the matrix to ``--all-features`` and
pulled in the crate's old nightly-only feature (atlas); ``can't find crate for std`` because the workflow's new matrix target was never installed
(atlas) vs a target-specific ``std::os`` module the change used unconditionally (rex); sqlx's
offline cache missing a changed query (rex) vs its database refused because the workflow dropped
the Postgres service (atlas); the crates.io index failing on a change that adds a dependency
(atlas); an advisory from a lockfile bump inside a job called ``rust`` (cipher).
"""

from __future__ import annotations

import real
from fcommon import at, ci, failing, passing, pr_of, rust_setup
from gha import Job, run, uses

REPO = "5dlabs/healer"
AGENT = "5dlabs/agent-runtime"
EDGE = "5dlabs/edge-proxy"
LEDGER = "5dlabs/ledger"
PFX = "fr-zzh-"


def build() -> None:
    features()
    workspace()
    editions()
    macros()
    build_scripts()
    targets()
    sqlx()
    lints_docs_nostd()
    audits()
    registry()


def cargo(name: str, files: dict[str, str], args: list[str], shown: str | None = None) -> real.Out:
    """Real cargo, offline; ``--locked`` is shown but not passed (the scratch has no lock)."""
    shown = shown or "cargo " + " ".join(args)
    return real.cargo("b60-" + name, files, [a for a in args if a != "--locked"], shown)


def toml(name: str, deps: str = "", extra: str = "", edition: str = "2021") -> str:
    return (
        f'[package]\nname = "{name}"\nversion = "0.4.2"\nedition = "{edition}"\n{extra}\n'
        f"[dependencies]\n{deps}\n"
    )


def _prev(cid: str, repo: str, workflow: str, job: str, steps: list) -> None:
    """An earlier passing run of the same job, in the last case's context."""
    import common

    other = Job(cid + ":prev", repo, workflow, job, "main", steps)
    common.CASES[-1]["context"]["logs"][job + " (previous run on main)"] = other.log()


def _toolchain(targets: str = "") -> list:
    steps = rust_setup()
    if targets:
        steps[0] = uses(
            "dtolnay/rust-toolchain@stable",
            {"toolchain": "stable", "targets": targets},
            [
                "info: syncing channel updates for 'stable-x86_64-unknown-linux-gnu'",
                f"info: downloading component 'rust-std' for '{targets}'",
                f"info: installing component 'rust-std' for '{targets}'",
                "  stable-x86_64-unknown-linux-gnu unchanged - rustc 1.95.0 (59807616e 2026-04-14)",
            ],
        )
    return steps


# ------------------------------------------------------------------ 1. feature matrices

FEATURE_TOML = toml(
    "healer-telemetry",
    extra='\n[features]\ndefault = ["metrics"]\nmetrics = []\ntracing = []\n',
)

FEATURE_LIB = """\
#[cfg(feature = "metrics")]
mod metrics;

pub use metrics::Recorder;

pub struct Telemetry {
    pub service: String,
}

impl Telemetry {
    pub fn new(service: &str) -> Self {
        Self { service: service.to_string() }
    }
}
"""


def features() -> None:
    at(REPO)
    cid = PFX + "001"  # no-default-features-ungated-reexport
    out = cargo(
        "nodefault",
        {
            "Cargo.toml": FEATURE_TOML,
            "src/lib.rs": FEATURE_LIB,
            "src/metrics.rs": "pub struct Recorder;\n",
        },
        ["check", "--no-default-features", "-p", "healer-telemetry"],
    )
    ci(
        cid,
        "the feature matrix's `--no-default-features` leg fails: the change re-exported "
        '`metrics::Recorder` at the crate root without the `#[cfg(feature = "metrics")]` the '
        "module itself carries, so `metrics` is unresolved when the default feature is off; the "
        "default and all-features legs pass",
        [],
        "rex",
        "rust_build",
        workflow="features",
        job="check (--no-default-features)",
        steps=[*rust_setup(), failing(out, name="cargo check")],
        message="feat(telemetry): re-export Recorder at the crate root",
        files=["crates/healer-telemetry/src/lib.rs"],
        pr=pr_of(cid, "feat(telemetry): re-export Recorder at the crate root"),
    )

    # rex: two TLS features made mutually exclusive by the change, --all-features trips it
    at(EDGE)
    cid = PFX + "002"  # all-features-tls-backends-compile-error
    tls_toml = toml(
        "edge-client",
        extra='\n[features]\ndefault = ["rustls"]\nrustls = []\nnative-tls = []\n',
    )
    out = cargo(
        "allfeat-tls",
        {
            "Cargo.toml": tls_toml,
            "src/lib.rs": """\
#[cfg(all(feature = "rustls", feature = "native-tls"))]
compile_error!("features `rustls` and `native-tls` are mutually exclusive; pick one");

#[cfg(feature = "rustls")]
pub const BACKEND: &str = "rustls";
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
pub const BACKEND: &str = "native-tls";
""",
        },
        ["clippy", "--all-features", "--", "-D", "warnings"],
        "cargo clippy --all-targets --all-features -- -D warnings",
    )
    ci(
        cid,
        "`cargo clippy --all-features` stops at a `compile_error!` the change added to "
        "edge-client: `rustls` and `native-tls` are declared mutually exclusive, so the "
        "all-features leg of the matrix can never build; additive features (or excluding the "
        "pair from the matrix in the crate's metadata) are the crate's to fix",
        [],
        "rex",
        "rust_build",
        repo=EDGE,
        workflow="ci",
        job="clippy (all-features)",
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(client): native-tls backend behind a feature",
        files=["crates/edge-client/Cargo.toml", "crates/edge-client/src/lib.rs"],
        pr=pr_of(cid, "feat(client): native-tls backend behind a feature"),
    )

    # atlas: the workflow turned on --all-features and pulled a nightly-only feature into stable
    at(AGENT)
    cid = PFX + "003"  # all-features-nightly-feature-workflow-matrix
    out = cargo(
        "allfeat-nightly",
        {
            "Cargo.toml": toml(
                "agent-runtime",
                extra="\n[features]\ndefault = []\n# nightly-only; docs.rs builds it\nnightly = []\n",
            ),
            "src/lib.rs": """\
#![cfg_attr(feature = "nightly", feature(doc_cfg))]

#[cfg_attr(feature = "nightly", doc(cfg(feature = "nightly")))]
pub fn spawn(task: &str) -> String {
    format!("spawned {task}")
}
""",
        },
        ["test", "--all-features", "--locked"],
    )
    ci(
        cid,
        "`cargo test --all-features` on stable fails with E0554: `#![feature]` may not be used "
        "on the stable channel. The `nightly` feature that enables `doc_cfg` has been in the crate "
        "for a year for docs.rs; the change only edited the CI workflow, replacing the explicit "
        "`--features` list with `--all-features`, so the matrix now turns on a nightly-only "
        "feature on a stable toolchain",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        repo=AGENT,
        workflow="ci",
        job="test (stable)",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="ci: test with --all-features instead of listing features",
        files=[".github/workflows/ci.yml"],
        pr=pr_of(
            cid,
            "ci: test with --all-features instead of listing features",
            "Listing features by hand keeps drifting. Use `--all-features` everywhere.",
        ),
    )


# ------------------------------------------------------------------ 2. workspace inheritance


def workspace() -> None:
    at(REPO)
    cid = PFX + "004"  # workspace-inherit-rust-version-missing
    out = cargo(
        "ws-inherit",
        {
            "Cargo.toml": """\
[workspace]
members = ["crates/*"]
resolver = "2"

[workspace.package]
version = "0.9.0"
edition = "2021"
license = "AGPL-3.0-only"
""",
            "crates/healer-core/Cargo.toml": """\
[package]
name = "healer-core"
version.workspace = true
edition.workspace = true
license.workspace = true
rust-version.workspace = true
""",
            "crates/healer-core/src/lib.rs": "pub fn ok() {}\n",
        },
        ["build", "--workspace", "--locked"],
    )
    ci(
        cid,
        "cargo refuses the manifest at once: healer-core's Cargo.toml sets "
        "`rust-version.workspace = true` but the workspace root's `[workspace.package]` has no "
        "`rust-version`; the change added the inherited key to the member only",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="chore(core): declare MSRV",
        files=["crates/healer-core/Cargo.toml"],
    )

    at(LEDGER)
    cid = PFX + "005"  # workspace-dependency-not-in-root
    out = cargo(
        "ws-dep",
        {
            "Cargo.toml": """\
[workspace]
members = ["crates/*"]
resolver = "2"

[workspace.dependencies]
serde = { version = "1", features = ["derive"] }
""",
            "crates/ledger-api/Cargo.toml": """\
[package]
name = "ledger-api"
version = "0.3.0"
edition = "2021"

[dependencies]
serde = { workspace = true }
tokio = { workspace = true, features = ["macros"] }
""",
            "crates/ledger-api/src/lib.rs": "pub fn ok() {}\n",
        },
        ["check", "--workspace"],
    )
    ci(
        cid,
        "`cargo check` fails resolving ledger-api's manifest: `tokio = { workspace = true }` "
        "inherits from `workspace.dependencies.tokio`, which the root Cargo.toml does not "
        "declare; the change moved the member's dependency to workspace inheritance without "
        "adding it to the root",
        [],
        "rex",
        "rust_build",
        repo=LEDGER,
        workflow="ci",
        job="check",
        steps=[*rust_setup(), failing(out, name="cargo check")],
        message="refactor(deps): inherit dependencies from the workspace",
        files=["crates/ledger-api/Cargo.toml", "crates/ledger-core/Cargo.toml"],
        pr=pr_of(cid, "refactor(deps): inherit dependencies from the workspace"),
    )


# ------------------------------------------------------------------ 3. edition 2024


def editions() -> None:
    at(EDGE)
    cid = PFX + "006"  # edition-2024-extern-block-not-unsafe
    out = cargo(
        "ed-extern",
        {
            "Cargo.toml": toml("edge-sys-time", edition="2024"),
            "src/lib.rs": """\
use std::os::raw::c_long;

extern "C" {
    fn time(out: *mut c_long) -> c_long;
}

pub fn now() -> i64 {
    unsafe { time(std::ptr::null_mut()) as i64 }
}
""",
        },
        ["build", "--locked"],
    )
    ci(
        cid,
        'after the change moved edge-sys-time to `edition = "2024"`, rustc rejects its '
        '`extern "C"` block: extern blocks must be `unsafe extern` in the 2024 edition; '
        "`cargo fix --edition` was not run on the crate",
        [],
        "rex",
        "rust_build",
        repo=EDGE,
        workflow="ci",
        job="build",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="chore: move all crates to edition 2024",
        files=["Cargo.toml", "crates/edge-sys-time/Cargo.toml"],
        pr=pr_of(cid, "chore: move all crates to edition 2024"),
    )

    at(AGENT)
    cid = PFX + "007"  # edition-2024-set-var-unsafe-in-tests
    out = cargo(
        "ed-setvar",
        {
            "Cargo.toml": toml("agent-config", edition="2024"),
            "src/lib.rs": """\
pub fn endpoint() -> String {
    std::env::var("AGENT_ENDPOINT").unwrap_or_else(|_| "http://localhost:7400".into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn endpoint_from_env() {
        std::env::set_var("AGENT_ENDPOINT", "http://agent:7400");
        assert_eq!(super::endpoint(), "http://agent:7400");
        std::env::remove_var("AGENT_ENDPOINT");
    }
}
""",
        },
        ["test", "-p", "agent-config"],
    )
    ci(
        cid,
        "`cargo test` fails to compile agent-config's tests with E0133: in the 2024 edition "
        "`std::env::set_var` and `remove_var` are unsafe functions; the library built, only the "
        "test module the change left untouched by the edition bump breaks",
        [],
        "rex",
        "rust_test",
        repo=AGENT,
        workflow="ci",
        job="test (stable)",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="chore(config): edition 2024",
        files=["crates/agent-config/Cargo.toml"],
    )


# ------------------------------------------------------------------ 4. proc macros and derive

DERIVE_LIB = """\
use proc_macro::{TokenStream, TokenTree};

/// `#[derive(Builder)]` for structs with named fields.
#[proc_macro_derive(Builder)]
pub fn derive_builder(input: TokenStream) -> TokenStream {
    let mut tokens = input.into_iter().peekable();
    let mut name = None;
    while let Some(tt) = tokens.next() {
        if let TokenTree::Ident(id) = &tt {
            if id.to_string() == "struct" {
                name = tokens.next().map(|t| t.to_string());
                break;
            }
        }
    }
    let name = name.expect("#[derive(Builder)] only supports structs");
    match tokens.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == proc_macro::Delimiter::Brace => {}
        other => panic!(
            "#[derive(Builder)] on `{name}`: expected named fields, found {:?}",
            other.map(|t| t.to_string())
        ),
    }
    format!("impl {name} {{ pub fn builder() -> () {{}} }}").parse().unwrap()
}
"""


def macros() -> None:
    at(REPO)
    cid = PFX + "008"  # proc-macro-derive-panicked-tuple-struct
    out = cargo(
        "derive-panic",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
            "crates/healer-derive/Cargo.toml": toml(
                "healer-derive", extra="\n[lib]\nproc-macro = true\n"
            ),
            "crates/healer-derive/src/lib.rs": DERIVE_LIB,
            "crates/healer-api/Cargo.toml": toml(
                "healer-api", deps='healer-derive = { path = "../healer-derive" }'
            ),
            "crates/healer-api/src/lib.rs": """\
use healer_derive::Builder;

#[derive(Builder)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub backoff_ms: u64,
}

#[derive(Builder)]
pub struct RunId(pub u64);
""",
        },
        ["build", "--workspace"],
    )
    ci(
        cid,
        "the repository's own `#[derive(Builder)]` proc macro panics on a tuple struct the "
        "change added (`RunId(pub u64)`): `proc-macro derive panicked` with the macro's "
        '"expected named fields" message; the macro does not support tuple structs and the '
        "change used it on one",
        [],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="feat(api): builder for RunId",
        files=["crates/healer-api/src/lib.rs"],
        pr=pr_of(cid, "feat(api): builder for RunId"),
    )

    at(LEDGER)
    cid = PFX + "009"  # derive-default-enum-without-default-variant
    out = cargo(
        "derive-default",
        {
            "Cargo.toml": toml("ledger-core"),
            "src/lib.rs": """\
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Settlement {
    Pending,
    Settled,
    Reversed,
}
""",
        },
        ["build"],
    )
    ci(
        cid,
        "`#[derive(Default)]` on the `Settlement` enum fails: no default declared, an enum's "
        "derived Default needs a `#[default]` variant; the change added the derive",
        ["obvious"],
        "rex",
        "rust_build",
        repo=LEDGER,
        workflow="ci",
        job="check",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="feat(core): Settlement defaults to Pending",
        files=["crates/ledger-core/src/lib.rs"],
    )


# ------------------------------------------------------------------ 5. build scripts and C

CC_BUILD = """\
use std::{env, path::PathBuf, process::Command};

// A small cc-style driver: compile the vendored C shim, relay the compiler's diagnostics.
fn main() {
    println!("cargo:rerun-if-changed=csrc");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let obj = out.join("shim.o");
    let result = Command::new("cc")
        .args(["-O2", "-fPIC", "-Wall", "-Icsrc", "-c", "csrc/shim.c", "-o"])
        .arg(&obj)
        .output()
        .expect("running cc");
    for line in String::from_utf8_lossy(&result.stderr).lines() {
        println!("cargo:warning={line}");
    }
    if !result.status.success() {
        panic!("compiling csrc/shim.c failed: {}", result.status);
    }
    let lib = out.join("libshim.a");
    Command::new("ar").arg("crs").arg(&lib).arg(&obj).status().unwrap();
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=shim");
}
"""

PKG_BUILD = """\
use std::process::{{exit, Command}};

// Probe the system library the way the pkg-config crate does.
fn main() {{
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let out = Command::new("pkg-config")
        .env("PKG_CONFIG_ALLOW_SYSTEM_CFLAGS", "1")
        .args(["--libs", "--cflags", "{lib}"])
        .output()
        .expect("pkg-config");
    if out.status.success() {{
        for flag in String::from_utf8_lossy(&out.stdout).split_whitespace() {{
            if let Some(l) = flag.strip_prefix("-l") {{
                println!("cargo:rustc-link-lib={{l}}");
            }}
        }}
        return;
    }}
    eprintln!();
    eprintln!("pkg-config exited with status code {{}}", out.status.code().unwrap_or(-1));
    eprintln!("> PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 pkg-config --libs --cflags {lib}");
    eprintln!();
    eprintln!("The system library `{lib}` required by crate `{krate}` was not found.");
    eprintln!("The file `{lib}.pc` needs to be installed and the PKG_CONFIG_PATH environment variable must contain its parent directory.");
    eprintln!("The PKG_CONFIG_PATH environment variable is not set.");
    eprintln!();
    eprintln!("HINT: if you have installed the library, try setting PKG_CONFIG_PATH to the directory containing `{lib}.pc`.");
    eprint!("{{}}", String::from_utf8_lossy(&out.stderr));
    exit(1);
}}
"""


def _sys_crate(krate: str, lib: str, user: str, user_src: str) -> dict[str, str]:
    return {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
        f"crates/{krate}/Cargo.toml": toml(krate, extra=f'links = "{lib}"\nbuild = "build.rs"\n'),
        f"crates/{krate}/build.rs": PKG_BUILD.format(lib=lib, krate=krate),
        f"crates/{krate}/src/lib.rs": "#![allow(non_camel_case_types)]\npub enum handle {}\n",
        f"crates/{user}/Cargo.toml": toml(user, deps=f'{krate} = {{ path = "../{krate}" }}'),
        f"crates/{user}/src/lib.rs": user_src,
    }


def build_scripts() -> None:
    at(EDGE)
    cid = PFX + "010"  # build-rs-c-shim-header-not-committed
    out = cargo(
        "cc-header",
        {
            "Cargo.toml": toml("edge-compress", extra='build = "build.rs"\n'),
            "build.rs": CC_BUILD,
            "csrc/shim.c": """\
#include <stddef.h>
#include "shim_config.h"

size_t shim_bound(size_t n) { return n + SHIM_FRAME_OVERHEAD; }
""",
            "src/lib.rs": "pub fn bound(n: usize) -> usize { n }\n",
        },
        ["build", "--locked"],
    )
    ci(
        cid,
        "edge-compress's build script compiles the vendored `csrc/shim.c` with the C compiler "
        "and fails: `shim_config.h: No such file or directory`. The change edited shim.c to "
        "include a new generated header but did not commit it (changed files: csrc/shim.c only)",
        [],
        "rex",
        "rust_build",
        repo=EDGE,
        workflow="ci",
        job="build",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="perf(compress): size frames from shim_config.h",
        files=["crates/edge-compress/csrc/shim.c"],
        pr=pr_of(cid, "perf(compress): size frames from shim_config.h"),
    )

    at(REPO)
    cid = PFX + "011"  # build-rs-c-shim-too-few-arguments
    out = cargo(
        "cc-error",
        {
            "Cargo.toml": toml("healer-hash", extra='build = "build.rs"\n'),
            "build.rs": CC_BUILD,
            "csrc/shim_config.h": "#define SEED 0x9e3779b9u\n",
            "csrc/shim.c": """\
#include <stdint.h>
#include <stddef.h>
#include "shim_config.h"

static uint32_t mix(uint32_t h, uint32_t k, uint32_t seed) {
    return (h ^ k ^ seed) * 0x01000193u;
}

uint32_t shim_hash(const uint8_t *p, size_t n) {
    uint32_t h = SEED;
    for (size_t i = 0; i < n; i++) h = mix(h, p[i]);
    return h;
}
""",
            "src/lib.rs": "pub fn hash(b: &[u8]) -> usize { b.len() }\n",
        },
        ["build", "--locked"],
    )
    ci(
        cid,
        "healer-hash's build script fails compiling its vendored C: gcc reports `too few "
        "arguments to function 'mix'` in csrc/shim.c; the change added a `seed` parameter to "
        "`mix` and missed its call site. The compiler is fine, the C the change wrote is not",
        [],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="feat(hash): seeded mixing in the C shim",
        files=["crates/healer-hash/csrc/shim.c"],
    )

    # pair: pkg-config cannot find a system library
    at(LEDGER)
    cid = PFX + "012"  # sys-crate-added-rdkafka-missing
    out = cargo(
        "sys-added",
        _sys_crate(
            "ledger-kafka-sys",
            "rdkafka",
            "ledger-events",
            "pub use ledger_kafka_sys::handle;\n",
        ),
        ["build", "--workspace", "--locked"],
    )
    ci(
        cid,
        "the build script of `ledger-kafka-sys` fails: pkg-config cannot find `rdkafka.pc`. The "
        "change introduces the `-sys` crate (and the event publisher using it) without adding "
        "librdkafka to what the build needs, or vendoring it behind a feature; nothing about "
        "the runner changed",
        ["look-alike"],
        "rex",
        "rust_deps",
        repo=LEDGER,
        workflow="ci",
        job="check",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="feat(events): publish settlements to Kafka",
        files=[
            "Cargo.toml",
            "Cargo.lock",
            "crates/ledger-kafka-sys/Cargo.toml",
            "crates/ledger-kafka-sys/build.rs",
            "crates/ledger-kafka-sys/src/lib.rs",
            "crates/ledger-events/Cargo.toml",
            "crates/ledger-events/src/lib.rs",
        ],
        pr=pr_of(cid, "feat(events): publish settlements to Kafka"),
    )

    at(REPO)
    cid = PFX + "013"  # runner-image-lost-libssh2-existing-sys-crate
    files = _sys_crate(
        "healer-ssh-sys",
        "libssh2",
        "healer-git",
        'pub use healer_ssh_sys::handle;\npub fn remote(url: &str) -> bool {\n    url.starts_with("ssh://")\n}\n',
    )
    out = cargo("sys-runner", files, ["build", "--workspace", "--locked"])
    steps = [*rust_setup(), failing(out, name="cargo build")]
    ci(
        cid,
        "the same pkg-config failure, `libssh2.pc` not found for `healer-ssh-sys`, on a "
        "self-hosted ARC runner. The -sys crate has linked libssh2 for months; the change only "
        "edits a log line in healer-git, and the previous run of this job on main passed on the "
        "old runner image. The runner pool's image lost `libssh2-1-dev`",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="rust",
        job="build",
        steps=steps,
        message="fix(git): log the remote on clone failures",
        files=["crates/healer-git/src/lib.rs"],
        self_hosted=True,
    )
    files_ok = dict(files)
    files_ok["crates/healer-ssh-sys/build.rs"] = (
        'fn main() {\n    println!("cargo:rustc-link-lib=ssh2");\n}\n'
    )
    files_ok["crates/healer-git/src/lib.rs"] = "pub fn remote() {}\n"
    ok = cargo("sys-runner-ok", files_ok, ["build", "--workspace"])
    _prev(
        cid,
        REPO,
        "rust",
        "build",
        [*rust_setup(), passing(real.Out("cargo build --workspace --locked", ok.lines, 0))],
    )


# ------------------------------------------------------------------ 6. cross targets


def targets() -> None:
    at(AGENT)
    cid = PFX + "014"  # cross-target-not-installed-workflow-matrix
    out = cargo(
        "cross-missing",
        {"Cargo.toml": toml("agent-runtime"), "src/lib.rs": "pub fn id() -> u32 { 7 }\n"},
        ["build", "--release", "--target", "aarch64-unknown-linux-gnu"],
    )
    ci(
        cid,
        "the release workflow's new `aarch64-unknown-linux-gnu` matrix entry fails at once: "
        "`can't find crate for std`, the target may not be installed. The change added the "
        "target to the build matrix but the toolchain step still installs only the host target "
        "(no `targets:` input, no `rustup target add`)",
        [],
        "atlas",
        "general",
        repo=AGENT,
        workflow="release",
        job="build (aarch64-unknown-linux-gnu)",
        steps=[*rust_setup(), failing(out, name="Build release binary")],
        message="ci(release): build arm64 binaries",
        files=[".github/workflows/release.yml"],
        branch="main",
    )

    at(AGENT)
    cid = PFX + "015"  # target-cfg-windows-api-unconditional
    out = cargo(
        "cross-cfg",
        {
            "Cargo.toml": toml("agent-spawn"),
            "src/lib.rs": """\
use std::os::windows::process::CommandExt;
use std::process::Command;

const CREATE_NO_WINDOW: u32 = 0x0800_0000;

pub fn spawn_quiet(program: &str) -> std::io::Result<std::process::Child> {
    Command::new(program).creation_flags(CREATE_NO_WINDOW).spawn()
}
""",
        },
        ["build", "--target", "x86_64-unknown-linux-gnu", "--locked"],
        "cargo build --target ${{ matrix.target }} --locked",
    )
    ci(
        cid,
        "the linux leg of the cross matrix fails: `could not find windows in os` — the change "
        "imports `std::os::windows::process::CommandExt` to hide console windows without a "
        "`#[cfg(windows)]` gate, so every non-Windows target breaks; the windows leg passed",
        [],
        "rex",
        "rust_build",
        repo=AGENT,
        workflow="ci",
        job="build (x86_64-unknown-linux-gnu)",
        steps=[*_toolchain("x86_64-unknown-linux-gnu"), failing(out, name="cargo build")],
        message="fix(spawn): no console window for child processes on Windows",
        files=["crates/agent-spawn/src/lib.rs"],
        pr=pr_of(cid, "fix(spawn): no console window for child processes on Windows"),
    )


# ------------------------------------------------------------------ 7. sqlx (written)


def _sqlx_head(crate: str) -> list[str]:
    return [
        "    Updating crates.io index",
        " Downloading crates ...",
        "  Downloaded sqlx-macros-core v0.8.2",
        "  Downloaded sqlx-postgres v0.8.2",
        "   Compiling proc-macro2 v1.0.92",
        "   Compiling unicode-ident v1.0.14",
        "   Compiling serde v1.0.215",
        "   Compiling sqlx-core v0.8.2",
        "   Compiling sqlx-postgres v0.8.2",
        "   Compiling sqlx-macros-core v0.8.2",
        "   Compiling sqlx-macros v0.8.2",
        "   Compiling sqlx v0.8.2",
        f"   Compiling {crate} v0.3.0 (/home/runner/work/ledger/ledger/crates/{crate})",
    ]


def sqlx() -> None:
    at(LEDGER)
    cid = PFX + "016"  # sqlx-offline-query-not-prepared
    lines = [
        *_sqlx_head("ledger-store"),
        "error: `SQLX_OFFLINE=true` but there is no cached data for this query, run "
        "`cargo sqlx prepare` to update the query cache or unset `SQLX_OFFLINE`",
        "  --> crates/ledger-store/src/entries.rs:41:18",
        "   |",
        "41 |       let rows = sqlx::query_as!(",
        "   |  ________________^",
        "42 | |         Entry,",
        '43 | |         "SELECT id, account_id, amount_minor, currency, booked_at FROM entries \\',
        '44 | |          WHERE account_id = $1 AND booked_at >= $2 ORDER BY booked_at",',
        "...  |",
        "47 | |     )",
        "   | |_____^",
        "   |",
        "   = note: this error originates in the macro `$crate::sqlx_macros::expand_query` which "
        "comes from the expansion of the macro `sqlx::query_as` (in Nightly builds, run with "
        "-Z macro-backtrace for more info)",
        "",
        "error: could not compile `ledger-store` (lib) due to 1 previous error",
    ]
    ci(
        cid,
        "sqlx's compile-time check fails in offline mode: no cached data for the `query_as!` "
        "the change rewrote (it added a `booked_at` filter), so `.sqlx/` needs `cargo sqlx "
        "prepare`; the changed files include the query but no `.sqlx/query-*.json`",
        [],
        "rex",
        "rust_build",
        repo=LEDGER,
        workflow="ci",
        job="check",
        steps=[
            *rust_setup(),
            run(
                "cargo check --workspace --locked",
                lines,
                101,
                name="cargo check",
                env={"SQLX_OFFLINE": "true"},
            ),
        ],
        message="feat(store): entries since a booking date",
        files=["crates/ledger-store/src/entries.rs"],
        pr=pr_of(cid, "feat(store): entries since a booking date"),
    )

    cid = PFX + "017"  # sqlx-online-check-postgres-service-removed
    lines = [
        *_sqlx_head("ledger-store"),
        "error: error communicating with database: Connection refused (os error 111)",
        "  --> crates/ledger-store/src/accounts.rs:18:15",
        "   |",
        "18 |       let row = sqlx::query!(",
        "   |  _______________^",
        '19 | |         "SELECT id, owner, currency FROM accounts WHERE id = $1",',
        "20 | |         id",
        "21 | |     )",
        "   | |_____^",
        "   |",
        "   = note: this error originates in the macro `$crate::sqlx_macros::expand_query` which "
        "comes from the expansion of the macro `sqlx::query` (in Nightly builds, run with "
        "-Z macro-backtrace for more info)",
        "",
        "error: error communicating with database: Connection refused (os error 111)",
        "  --> crates/ledger-store/src/entries.rs:41:18",
        "   |",
        "41 |       let rows = sqlx::query_as!(",
        "   |  ________________^",
        "...",
        "",
        "error: could not compile `ledger-store` (lib) due to 2 previous errors",
    ]
    ci(
        cid,
        "the same sqlx macros fail, this time online: `error communicating with database: "
        "Connection refused` at every `query!`, with `DATABASE_URL` pointing at "
        "localhost:5432. The change touches only the CI workflow, where it moved the check job "
        "to a new job definition and dropped its `services: postgres` block; no query changed",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        repo=LEDGER,
        workflow="ci",
        job="check",
        steps=[
            *rust_setup(),
            run(
                "cargo check --workspace --locked",
                lines,
                101,
                name="cargo check",
                env={"DATABASE_URL": "postgres://ledger:ledger@localhost:5432/ledger"},
            ),
        ],
        message="ci: split check and test into reusable jobs",
        files=[".github/workflows/ci.yml", ".github/workflows/_rust.yml"],
        pr=pr_of(cid, "ci: split check and test into reusable jobs"),
    )


# ------------------------------------------------------------------ 8. clippy, doc-tests, no_std


def lints_docs_nostd() -> None:
    at(REPO)
    cid = PFX + "018"  # clippy-new-lint-after-toolchain-pin-bump
    out = cargo(
        "clippy-bump",
        {
            "Cargo.toml": toml("healer-sched"),
            "src/lib.rs": """\
/// Stagger retries: even attempts wait the base delay, odd ones twice it.
pub fn delay_ms(attempt: u32, base: u64) -> u64 {
    if attempt % 2 == 0 { base } else { base * 2 }
}

pub fn first_due(due: &[u64], now: u64) -> Option<&u64> {
    due.iter().filter(|d| **d <= now).next()
}
""",
        },
        ["clippy", "--", "-D", "warnings"],
        "cargo clippy --all-targets -- -D warnings",
    )
    ci(
        cid,
        "clippy with `-D warnings` fails on `manual_is_multiple_of` (and `filter_next`) in "
        "healer-sched: the change bumped `rust-toolchain.toml` from 1.86 to 1.95 and the newer "
        "clippy flags code that passed before; the code (or an explicit allow) has to follow "
        "the toolchain the change pinned",
        [],
        "rex",
        "rust_clippy",
        workflow="rust",
        job="clippy",
        steps=[*rust_setup(), failing(out, name="cargo clippy")],
        message="chore: rust 1.95",
        files=["rust-toolchain.toml"],
        pr=pr_of(cid, "chore: rust 1.95"),
    )

    at(LEDGER)
    cid = PFX + "019"  # doctest-example-uses-renamed-function
    out = cargo(
        "doctest",
        {
            "Cargo.toml": toml("ledger_money"),
            "src/lib.rs": """\
//! Money in minor units.

/// Parses `"12.34"` into minor units.
///
/// ```
/// assert_eq!(ledger_money::parse_amount("12.34"), Some(1234));
/// ```
pub fn parse_minor(s: &str) -> Option<i64> {
    let (a, b) = s.split_once('.')?;
    Some(a.parse::<i64>().ok()? * 100 + b.parse::<i64>().ok()?)
}
""",
        },
        ["test", "--doc"],
    )
    ci(
        cid,
        "`cargo test --doc` fails: the doc example still calls `parse_amount`, which the change "
        "renamed to `parse_minor`; unit tests pass, the doc-test does not compile",
        ["obvious"],
        "rex",
        "rust_test",
        repo=LEDGER,
        workflow="ci",
        job="doc-tests",
        steps=[*rust_setup(), failing(out, name="cargo test --doc")],
        message="refactor(money): parse_amount -> parse_minor",
        files=["crates/ledger-money/src/lib.rs"],
    )

    at(EDGE)
    cid = PFX + "020"  # no-std-build-uses-format-and-string
    out = cargo(
        "nostd",
        {
            "Cargo.toml": toml("edge-frame", extra='\n[features]\ndefault = ["std"]\nstd = []\n'),
            "src/lib.rs": """\
#![cfg_attr(not(feature = "std"), no_std)]

pub struct Header {
    pub kind: u8,
    pub len: u16,
}

impl Header {
    pub fn parse(b: &[u8]) -> Result<Header, String> {
        if b.len() < 3 {
            return Err(format!("short header: {} bytes", b.len()));
        }
        Ok(Header { kind: b[0], len: u16::from_be_bytes([b[1], b[2]]) })
    }
}
""",
        },
        ["build", "--no-default-features", "-p", "edge-frame"],
    )
    ci(
        cid,
        "the `no_std` leg (`--no-default-features`) of edge-frame fails: `cannot find macro "
        "format` and `cannot find type String` — the change's new error path allocates, which "
        "the crate's `no_std` build cannot do without `alloc`",
        [],
        "rex",
        "rust_build",
        repo=EDGE,
        workflow="ci",
        job="no_std",
        steps=[*_toolchain("thumbv7em-none-eabihf"), failing(out, name="cargo build (no_std)")],
        message="feat(frame): say how short a header was",
        files=["crates/edge-frame/src/lib.rs"],
        pr=pr_of(cid, "feat(frame): say how short a header was"),
    )


# ------------------------------------------------------------------ 9. cargo-deny / cargo-audit


def _deny_advisory(
    crate: str, ver: str, rid: str, title: str, solution: str, path: list[str]
) -> list[str]:
    entry = f"{crate} {ver} registry+https://github.com/rust-lang/crates.io-index"
    tree = [f"    ├ {crate} v{ver}"]
    for depth, parent in enumerate(path):
        tree.append("      " + "    " * depth + f"└── {parent}")
    return [
        f"error[vulnerability]: {title}",
        "    ┌─ /home/runner/work/healer/healer/Cargo.lock:112:1",
        "    │",
        f"112 │ {entry}",
        f"    │ {'-' * len(entry)} security vulnerability",
        "    │",
        f"    ├ ID: {rid}",
        f"    ├ Advisory: https://rustsec.org/advisories/{rid}",
        f"    ├ {title}",
        f"    ├ Solution: {solution}",
        *tree,
        "",
        "advisories FAILED, bans ok, licenses ok, sources ok",
    ]


def audits() -> None:
    at(REPO)
    cid = PFX + "021"  # cargo-deny-advisory-on-lockfile-bump
    lines = [
        "    Fetching advisory database from `https://github.com/RustSec/advisory-db`",
        "      Loaded 1032 advisories from /home/runner/.cargo/advisory-dbs/advisory-db-3157b0e258782691",
        "    Updating crates.io index",
        *_deny_advisory(
            "tokio-tar",
            "0.3.1",
            "RUSTSEC-2025-0111",
            "tokio-tar parses PAX extended headers incorrectly, allows file smuggling",
            "No safe upgrade is available!",
            ["healer-artifacts v0.9.0", "healer v0.9.0"],
        ),
    ]
    ci(
        cid,
        "cargo-deny's advisories check fails on RUSTSEC-2025-0111 in tokio-tar 0.3.1, which the "
        "change's lockfile update pulled in as a new transitive dependency of healer-artifacts",
        ["obvious"],
        "cipher",
        "vulnerable_dependency",
        workflow="audit",
        job="cargo-deny",
        steps=[
            uses(
                "EmbarkStudios/cargo-deny-action@v2",
                {"command": "check advisories bans licenses sources"},
                lines,
                error=["##[error]Process completed with exit code 1."],
            )
        ],
        message="chore(deps): cargo update",
        files=["Cargo.lock"],
    )

    # look-alike: a job called rust builds and tests, then audits
    at(AGENT)
    cid = PFX + "022"  # rust-job-audit-step-after-renovate-lock-bump
    ok = cargo(
        "audit-build",
        {"Cargo.toml": toml("agent-runtime"), "src/lib.rs": "pub fn id() -> u32 { 7 }\n"},
        ["build", "--locked"],
    )
    audit = [
        "    Fetching advisory database from `https://github.com/RustSec/advisory-db.git`",
        "      Loaded 1032 security advisories (from /home/runner/.cargo/advisory-db)",
        "    Updating crates.io index",
        "    Scanning Cargo.lock for vulnerabilities (287 crate dependencies)",
        "Crate:     idna",
        "Version:   0.5.0",
        "Title:     `idna` accepts Punycode labels that do not produce any non-ASCII when decoded",
        "Date:      2024-12-09",
        "ID:        RUSTSEC-2024-0421",
        "URL:       https://rustsec.org/advisories/RUSTSEC-2024-0421",
        "Solution:  Upgrade to >=1.0.0",
        "Dependency tree:",
        "idna 0.5.0",
        "└── url 2.5.0",
        "    ├── reqwest 0.12.9",
        "    │   └── agent-runtime 0.4.2",
        "    └── agent-runtime 0.4.2",
        "",
        "error: 1 vulnerability found!",
    ]
    ci(
        cid,
        "a job named `rust` builds (passing, real cargo output) and then runs `cargo audit`, "
        "which fails on RUSTSEC-2024-0421 in idna 0.5.0: Renovate's lockfile maintenance PR "
        "pinned `url` back to 2.5.0 and with it the vulnerable idna; the Rust build itself is "
        "fine",
        ["look-alike"],
        "cipher",
        "vulnerable_dependency",
        repo=AGENT,
        workflow="ci",
        job="rust",
        steps=[
            *rust_setup(),
            passing(ok, name="cargo build"),
            run(
                "cargo install cargo-audit --locked --version 0.21.2",
                [
                    "     Ignored package `cargo-audit v0.21.2` is already installed, use --force to override",
                ],
                name="Install cargo-audit",
            ),
            run("cargo audit --deny warnings", audit, 1, name="cargo audit"),
        ],
        message="chore(deps): lock file maintenance",
        files=["Cargo.lock"],
        pr=pr_of(
            cid,
            "chore(deps): lock file maintenance",
            "This PR contains the following updates: lockFileMaintenance.\n\n"
            '📅 Schedule: Branch creation - "before 4am on monday".\n\n'
            "This PR was generated by Mend Renovate.",
        ),
    )


# ------------------------------------------------------------------ 10. crates.io / sparse index (written)


def registry() -> None:
    at(REPO)
    cid = PFX + "023"  # sparse-index-503-cargo-fetch
    lines = [
        "    Updating crates.io index",
        "warning: spurious network error (3 tries remaining): failed to get successful HTTP "
        "response from `https://index.crates.io/config.json` (18.165.83.49), got 503",
        "warning: spurious network error (2 tries remaining): failed to get successful HTTP "
        "response from `https://index.crates.io/config.json` (18.165.83.49), got 503",
        "warning: spurious network error (1 tries remaining): failed to get successful HTTP "
        "response from `https://index.crates.io/config.json` (18.165.83.49), got 503",
        "error: failed to get `anyhow` as a dependency of package `healer-core v0.9.0 "
        "(/home/runner/work/healer/healer/crates/healer-core)`",
        "",
        "Caused by:",
        "  download of config.json failed",
        "",
        "Caused by:",
        "  failed to get successful HTTP response from `https://index.crates.io/config.json` "
        "(18.165.83.49), got 503",
        "  body:",
        "  <html><body><h1>503 Service Unavailable</h1>",
        "  No server is available to handle this request.",
        "  </body></html>",
    ]
    ci(
        cid,
        "`cargo fetch --locked` cannot reach the crates.io sparse index: `config.json` answers "
        "503 through all retries, before any crate is built; a docs-only change",
        ["obvious"],
        "atlas",
        "general",
        workflow="rust",
        job="build",
        steps=[*rust_setup(), run("cargo fetch --locked", lines, 101, name="cargo fetch")],
        message="docs: clarify the retry policy",
        files=["docs/retries.md"],
    )

    at(EDGE)
    cid = PFX + "024"  # sparse-index-timeout-on-dependency-add
    lines = [
        "    Updating crates.io index",
        "warning: spurious network error (3 tries remaining): [28] Timeout was reached "
        "(Connection timed out after 30002 milliseconds)",
        "warning: spurious network error (2 tries remaining): [28] Timeout was reached "
        "(Connection timed out after 30001 milliseconds)",
        "warning: spurious network error (1 tries remaining): [28] Timeout was reached "
        "(Connection timed out after 30002 milliseconds)",
        "error: failed to get `hickory-resolver` as a dependency of package `edge-dns v0.4.2 "
        "(/home/runner/work/edge-proxy/edge-proxy/crates/edge-dns)`",
        "",
        "Caused by:",
        "  failed to query replaced source registry `crates-io`",
        "",
        "Caused by:",
        "  download of hi/ck/hickory-resolver failed",
        "",
        "Caused by:",
        "  failed to download from `https://index.crates.io/hi/ck/hickory-resolver`",
        "",
        "Caused by:",
        "  [28] Timeout was reached (Connection timed out after 30002 milliseconds)",
    ]
    ci(
        cid,
        "the change adds `hickory-resolver` to edge-dns and cargo fails on it: but the error is "
        "a connection timeout to `index.crates.io` on every retry (curl error 28), not a "
        "missing version or a bad manifest; the index was unreachable from the runner",
        ["look-alike"],
        "atlas",
        "general",
        repo=EDGE,
        workflow="ci",
        job="build",
        steps=[*rust_setup(), run("cargo build --locked", lines, 101, name="cargo build")],
        message="feat(dns): resolve upstreams with hickory",
        files=["crates/edge-dns/Cargo.toml", "crates/edge-dns/src/lib.rs", "Cargo.lock"],
        pr=pr_of(cid, "feat(dns): resolve upstreams with hickory"),
    )
