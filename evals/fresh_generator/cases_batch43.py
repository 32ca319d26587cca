"""Batch 43 of the fresh split (ids ``fr-zq-``): Rust errors whose cause lies outside the Rust
code, beside genuine Rust failures with the same first line. cargo and rustc run here for
real on scratch crates; the workflow's environment, flags and steps decide the owner.

- ``-D warnings``: ``RUSTFLAGS: -D warnings`` newly set by the workflow turning old unused
  imports into errors (atlas) vs an unused variable the change introduced under an unchanged
  ``-D warnings`` (rex); ``RUSTDOCFLAGS: -D warnings`` on a new ``cargo doc`` step failing on
  old broken intra-doc links (atlas) vs a broken link the change wrote (rex);
- features: ``--features otel`` passed by a workflow the change edited, for a crate that
  never had the feature (atlas), vs the change removing ``otel`` from Cargo.toml while the
  code and the unchanged workflow still use it (rex);
- the environment: a build script's ``GIT_SHA`` the workflow stopped setting (atlas) vs a
  build script the change added requiring ``HEALER_SCHEMA_DIR`` (rex); ``env!`` of a variable
  the release workflow no longer exports (atlas) vs an ``env!`` the change added (rex);
- the registry: a dependency pinned to a yanked version (rex) vs the crates.io index fetch
  failing in transport (atlas);
- ``cargo publish``: a dirty tree because an earlier step of the release workflow wrote a file
  (atlas) vs crates.io refusing a manifest without ``license`` (rex);
- the linker: ``-lmysqlclient`` missing after the runner image dropped libmysqlclient-dev (atlas) vs
  ``-lsodium`` newly linked by the change with no dev package installed (rex);
- cross and sccache: ``cross`` unable to reach the Docker daemon on a self-hosted runner
  (atlas) vs an aarch64-only compile error under ``cross`` (rex); sccache failing to read its
  S3 bucket, cargo's probe of rustc failing (atlas) vs a real E0308 with sccache in the
  wrapper and its stats printed (rex);
- plain cases: a clippy ``needless_range_loop``, a failing ``cargo test`` assertion, a
  ``cargo fmt --check`` diff, an E0599 build error and an E0425 build error.

Cases tagged ``obvious``: the five plain cases.
"""

from __future__ import annotations

import real
from fcommon import at, ci, failing, rust_setup
from gha import run, uses

REPO = "5dlabs/healer"
WF = ".github/workflows/ci.yml"


def build() -> None:
    at(REPO)
    deny_warnings()
    features()
    environment()
    registry()
    publish()
    linker()
    cross_sccache()
    plain()


def cargo(
    cid: str,
    files: dict[str, str],
    args: list[str],
    env: dict[str, str] | None = None,
    shown: str | None = None,
) -> real.Out:
    out = real.cargo(cid, files, args, shown=shown, env=env)
    assert out.code, (cid, out.lines)
    return out


OLD_LIB = """use std::collections::HashMap;
use std::fmt::Write;

pub fn route(name: &str) -> &'static str {
    if name.ends_with(".rs") { "rex" } else { "atlas" }
}
"""

# ------------------------------------------------------------------ 1. -D warnings


def deny_warnings() -> None:
    env = {"RUSTFLAGS": "-D warnings"}
    cid = "fr-zq-rustflags-new-deny-old-warnings"
    out = cargo(cid, {"src/lib.rs": OLD_LIB}, ["build"], env=env)
    ci(
        cid,
        "`cargo build` fails on two unused imports in src/lib.rs promoted to errors by "
        "`-D warnings`; the change only added `RUSTFLAGS: -D warnings` to the workflow's env, "
        "the imports have been there for months and warned before",
        ["look-alike"],
        "atlas",
        "general",
        workflow="ci",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build", env=env)],
        message="ci: treat warnings as errors",
        files=[WF],
    )

    cid = "fr-zq-deny-warnings-new-unused"
    src = """pub fn route(name: &str) -> &'static str {
    let lowered = name.to_lowercase();
    if name.ends_with(".rs") { "rex" } else { "atlas" }
}
"""
    out = cargo(cid, {"src/lib.rs": src}, ["build"], env=env)
    ci(
        cid,
        "`cargo build` under the workflow's long-standing `RUSTFLAGS: -D warnings` fails on "
        "`unused variable: lowered`, a binding the change added to `route`",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build", env=env)],
        message="feat(router): normalise file names before routing",
        files=["crates/healer/src/lib.rs"],
    )

    denv = {"RUSTDOCFLAGS": "-D warnings"}
    doc_old = """//! Routing helpers. See [`Router::dispatch`] for the entry point.

/// Picks an agent; the table lives in [`AGENTS`].
pub fn route(name: &str) -> &'static str {
    if name.ends_with(".rs") { "rex" } else { "atlas" }
}
"""
    cid = "fr-zq-rustdocflags-new-step-old-links"
    out = cargo(cid, {"src/lib.rs": doc_old}, ["doc", "--no-deps"], env=denv)
    ci(
        cid,
        "A `cargo doc` step the change added to the workflow with `RUSTDOCFLAGS: -D warnings` "
        "fails on two unresolved intra-doc links (`Router::dispatch`, `AGENTS`) that have been "
        "in lib.rs since the router was rewritten; no Rust file changed",
        ["look-alike"],
        "atlas",
        "general",
        workflow="ci",
        job="docs",
        steps=[*rust_setup(), failing(out, name="Build docs", env=denv)],
        message="ci: build the API docs on every PR",
        files=[WF],
    )

    doc_new = """//! Routing helpers.

/// Picks an agent; falls back as [`crate::fallback_agent`] describes.
pub fn route(name: &str) -> &'static str {
    if name.ends_with(".rs") { "rex" } else { "atlas" }
}
"""
    cid = "fr-zq-rustdoc-new-broken-link"
    out = cargo(cid, {"src/lib.rs": doc_new}, ["doc", "--no-deps"], env=denv)
    ci(
        cid,
        "The docs job (unchanged, `RUSTDOCFLAGS: -D warnings`) fails on an unresolved link "
        "`crate::fallback_agent` in a doc comment the change wrote for a function it did not add",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="ci",
        job="docs",
        steps=[*rust_setup(), failing(out, name="Build docs", env=denv)],
        message="docs(router): document the fallback",
        files=["crates/healer/src/lib.rs"],
    )


# ------------------------------------------------------------------ 2. features

MAIN_OTEL = """fn main() {
    #[cfg(feature = "otel")]
    println!("tracing exporter on");
    println!("healer up");
}
"""


def features() -> None:
    cid = "fr-zq-features-otel-never-existed"
    toml = real.cargo_toml("healer", extra="\n[features]\ndefault = []\nmetrics = []\n")
    out = cargo(
        cid, {"Cargo.toml": toml, "src/main.rs": "fn main() {}\n"}, ["build", "--features", "otel"]
    )
    ci(
        cid,
        "`cargo build --features otel` fails `the package 'healer' does not contain this "
        "feature: otel`: the change copied the build matrix from another repository into the "
        "workflow; healer's Cargo.toml has only `metrics` and never had `otel`",
        ["look-alike"],
        "atlas",
        "general",
        workflow="ci",
        job="build (otel)",
        steps=[*rust_setup(), failing(out, name="Build (otel)")],
        message="ci: add a feature matrix to the build job",
        files=[WF],
    )

    cid = "fr-zq-feature-removed-from-manifest"
    toml = real.cargo_toml("healer", extra="\n[features]\ndefault = []\n")
    out = cargo(
        cid, {"Cargo.toml": toml, "src/main.rs": MAIN_OTEL}, ["build", "--features", "otel"]
    )
    ci(
        cid,
        "The unchanged `build (otel)` matrix leg fails `the package 'healer' does not contain "
        'this feature: otel`: the change deleted `otel = ["dep:opentelemetry"]` from '
        'Cargo.toml while main.rs still has `#[cfg(feature = "otel")]` code',
        ["look-alike"],
        "rex",
        "rust_deps",
        workflow="ci",
        job="build (otel)",
        steps=[*rust_setup(), failing(out, name="Build (otel)")],
        message="chore(deps): drop opentelemetry",
        files=["crates/healer/Cargo.toml", "Cargo.lock"],
    )


# ------------------------------------------------------------------ 3. the environment


def environment() -> None:
    build_rs = """fn main() {
    let sha = std::env::var("GIT_SHA").expect("GIT_SHA must be set by CI");
    println!("cargo:rustc-env=HEALER_SHA={sha}");
    println!("cargo:rerun-if-env-changed=GIT_SHA");
}
"""
    cid = "fr-zq-buildrs-env-dropped-by-workflow"
    out = cargo(
        cid, {"build.rs": build_rs, "src/main.rs": "fn main() {}\n"}, ["build", "--release"]
    )
    ci(
        cid,
        "healer's build script panics `GIT_SHA must be set by CI: NotPresent`; build.rs has "
        "read GIT_SHA for a year, and the change moved the workflow's `env:` block from the "
        "job to the test step only, so the build step no longer has it",
        ["look-alike"],
        "atlas",
        "general",
        workflow="ci",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build release")],
        message="ci: scope env vars to the steps that use them",
        files=[WF],
    )

    build_rs = """fn main() {
    let dir = std::env::var("HEALER_SCHEMA_DIR").expect("HEALER_SCHEMA_DIR points at the JSON schemas");
    println!("cargo:rerun-if-changed={dir}");
}
"""
    cid = "fr-zq-buildrs-env-newly-required"
    out = cargo(
        cid, {"build.rs": build_rs, "src/main.rs": "fn main() {}\n"}, ["build", "--release"]
    )
    ci(
        cid,
        "A build script the change added panics `HEALER_SCHEMA_DIR points at the JSON schemas: "
        "NotPresent`; nothing ever set that variable, and the schemas sit at a fixed path in "
        "the repository the script could use",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build release")],
        message="feat(schema): embed the event schemas at build time",
        files=["crates/healer/build.rs", "crates/healer/Cargo.toml"],
    )

    cid = "fr-zq-env-macro-release-var-gone"
    src = (
        'const VERSION: &str = env!("HEALER_RELEASE_TAG");\nfn main() { println!("{VERSION}"); }\n'
    )
    out = cargo(cid, {"src/main.rs": src}, ["build", "--release"])
    ci(
        cid,
        "rustc: `environment variable HEALER_RELEASE_TAG not defined at compile time` in the "
        "release workflow; the `env!` is two years old and the change replaced the step that "
        "exported the tag with `softprops/action-gh-release`, which does not",
        ["look-alike"],
        "atlas",
        "release_publish",
        workflow="release",
        job="build-binaries",
        steps=[*rust_setup(), failing(out, name="Build release binary")],
        message="ci(release): use action-gh-release for the release notes",
        files=[".github/workflows/release.yml"],
    )

    cid = "fr-zq-env-macro-new-var"
    src = (
        'const CHANNEL: &str = env!("HEALER_BUILD_CHANNEL");\n'
        'fn main() { println!("{CHANNEL}"); }\n'
    )
    out = cargo(cid, {"src/main.rs": src}, ["build"])
    ci(
        cid,
        "rustc: `environment variable HEALER_BUILD_CHANNEL not defined at compile time` at an "
        "`env!` the change added to main.rs; no workflow or build script sets it "
        "(`option_env!` with a default was intended)",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat: print the build channel at startup",
        files=["crates/healer/src/main.rs"],
    )


# ------------------------------------------------------------------ 4. registry


def registry() -> None:
    cid = "fr-zq-yanked-pin"
    lines = [
        "    Updating crates.io index",
        'error: failed to select a version for the requirement `tokio-tar = "=0.3.0"`',
        "  version 0.3.0 is yanked",
        "location searched: crates.io index",
        f"required by package `healer v0.1.0 ({real.RUNNER}/crates/healer)`",
    ]
    ci(
        cid,
        '`cargo build` cannot resolve `tokio-tar = "=0.3.0"`: the change pinned the crate to '
        "an exact version that is yanked; the index fetched fine",
        ["look-alike"],
        "rex",
        "rust_deps",
        workflow="ci",
        job="build",
        steps=[*rust_setup(), run("cargo build", lines, 101, name="Build")],
        message="fix(archive): pin tokio-tar to the version we tested",
        files=["crates/healer/Cargo.toml"],
    )

    cid = "fr-zq-index-fetch-failed"
    lines = [
        "    Updating crates.io index",
        "error: failed to get `serde` as a dependency of package "
        f"`healer v0.1.0 ({real.RUNNER}/crates/healer)`",
        "",
        "Caused by:",
        "  download of config.json failed",
        "",
        "Caused by:",
        "  failed to download from `https://index.crates.io/config.json`",
        "",
        "Caused by:",
        "  [28] Timeout was reached (Connection timed out after 30001 milliseconds)",
    ]
    ci(
        cid,
        "`cargo build` fails `failed to get serde as a dependency`: the crates.io sparse index "
        "timed out fetching config.json; Cargo.toml and Cargo.lock are unchanged (the change "
        "is a README edit)",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="ci",
        job="build",
        steps=[*rust_setup(), run("cargo build", lines, 101, name="Build")],
        message="docs: explain the routing table",
        files=["README.md"],
    )


# ------------------------------------------------------------------ 5. publish


def publish() -> None:
    cid = "fr-zq-publish-dirty-by-earlier-step"
    lines = [
        "warning: manifest has no documentation, homepage or repository",
        "  |",
        "  = note: see https://doc.rust-lang.org/cargo/reference/manifest.html#package-metadata for more info",
        "error: 1 files in the working directory contain changes that were not yet committed into git:",
        "",
        "src/build_info.rs",
        "",
        "to proceed despite this and include the uncommitted changes, pass the `--allow-dirty` flag",
    ]
    gen = run(
        "cargo run -q -p xtask -- build-info > crates/healer/src/build_info.rs",
        [],
        name="Generate build info",
    )
    ci(
        cid,
        "`cargo publish` refuses a dirty tree: `crates/healer/src/build_info.rs` was rewritten "
        "by the `Generate build info` step the change added to the release workflow just "
        "before publishing",
        ["look-alike"],
        "atlas",
        "release_publish",
        workflow="release",
        job="publish-crate",
        steps=[
            *rust_setup(),
            gen,
            run(
                "cargo publish -p healer",
                lines,
                101,
                name="Publish to crates.io",
                env={"CARGO_REGISTRY_TOKEN": "***"},
            ),
        ],
        message="ci(release): stamp the build info before publishing",
        files=[".github/workflows/release.yml"],
    )

    cid = "fr-zq-publish-missing-license"
    lines = [
        "    Updating crates.io index",
        "warning: manifest has no license, license-file, documentation, homepage or repository",
        "  |",
        "  = note: see https://doc.rust-lang.org/cargo/reference/manifest.html#package-metadata for more info",
        "   Packaging healer-core v0.4.0 (" + real.RUNNER + "/crates/healer-core)",
        "    Packaged 14 files, 61.2KiB (17.9KiB compressed)",
        "   Verifying healer-core v0.4.0 (" + real.RUNNER + "/crates/healer-core)",
        "   Compiling healer-core v0.4.0 (" + real.RUNNER + "/target/package/healer-core-0.4.0)",
        "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 8.41s",
        "   Uploading healer-core v0.4.0 (" + real.RUNNER + "/crates/healer-core)",
        "error: failed to publish to registry at https://crates.io",
        "",
        "Caused by:",
        "  the remote server responded with an error (status 400 Bad Request): missing or empty "
        "metadata fields: license. Please see https://doc.rust-lang.org/cargo/reference/manifest.html "
        "for more information on configuring these fields",
    ]
    ci(
        cid,
        "crates.io rejects `healer-core` 0.4.0 with `missing or empty metadata fields: "
        "license`: the change split healer-core out into its own crate and its Cargo.toml has "
        "no `license` (nor `license.workspace = true`)",
        ["look-alike"],
        "rex",
        "rust_deps",
        workflow="release",
        job="publish-crate",
        steps=[
            *rust_setup(),
            run(
                "cargo publish -p healer-core",
                lines,
                101,
                name="Publish to crates.io",
                env={"CARGO_REGISTRY_TOKEN": "***"},
            ),
        ],
        message="refactor: split healer-core out of healer",
        files=["crates/healer-core/Cargo.toml", "crates/healer-core/src/lib.rs", "Cargo.toml"],
    )


# ------------------------------------------------------------------ 6. linker


def linker() -> None:
    cid = "fr-zq-linker-runner-dropped-mysqlclient"
    src = (
        '#[link(name = "mysqlclient")]\nextern "C" { fn mysql_get_client_version() -> u64; }\n'
        'fn main() { println!("{}", unsafe { mysql_get_client_version() }); }\n'
    )
    out = cargo(cid, {"src/main.rs": src}, ["build", "--release"])
    ci(
        cid,
        "The link of healer's legacy importer fails `unable to find library -lmysqlclient`; "
        "the FFI has been untouched for a year and the workflow never installed the library: "
        "the runner image's new version (ubuntu-24.04 20261124) no longer ships "
        "libmysqlclient-dev",
        ["look-alike", "platform"],
        "atlas",
        "general",
        workflow="ci",
        job="build",
        steps=[
            run(
                'cat /etc/os-release | head -2; echo "$ImageOS $ImageVersion"',
                ['PRETTY_NAME="Ubuntu 24.04.3 LTS"', 'NAME="Ubuntu"', "ubuntu24 20261124.1.0"],
                name="Runner info",
            ),
            *rust_setup(),
            failing(out, name="Build release"),
        ],
        message="fix(router): route sensor events by source",
        files=["crates/healer/src/router.rs"],
    )

    cid = "fr-zq-linker-change-links-sodium"
    src = (
        '#[link(name = "sodium")]\nextern "C" { fn sodium_init() -> i32; }\n'
        'fn main() { println!("{}", unsafe { sodium_init() }); }\n'
    )
    out = cargo(cid, {"src/main.rs": src}, ["build", "--release"])
    ci(
        cid,
        "Linking fails `unable to find library -lsodium`: the change added an `extern` block "
        "linking libsodium directly instead of using a crate that vendors it; nothing installs "
        "libsodium-dev",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build release")],
        message="feat(secrets): seal webhook secrets with libsodium",
        files=["crates/healer/src/seal.rs", "crates/healer/src/main.rs"],
    )


# ------------------------------------------------------------------ 7. cross and sccache


def cross_sccache() -> None:
    cid = "fr-zq-cross-docker-unavailable"
    lines = [
        "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
        "Is the docker daemon running?.",
        "See 'docker run --help'.",
    ]
    ci(
        cid,
        "`cross build --target aarch64-unknown-linux-gnu` cannot start its build container: "
        "the self-hosted runner's Docker daemon is not running (`Cannot connect to the Docker "
        "daemon`); the change is a Rust refactor that built on x86_64",
        ["look-alike", "platform"],
        "atlas",
        "general",
        workflow="ci",
        job="build (aarch64)",
        steps=[
            *rust_setup(),
            run(
                "cargo install cross --locked --version 0.2.5",
                [
                    "    Ignored package `cross v0.2.5` is already installed, use --force to override"
                ],
                name="Install cross",
            ),
            run(
                "cross build --release --target aarch64-unknown-linux-gnu",
                lines,
                125,
                name="Build (aarch64)",
            ),
        ],
        message="refactor(router): split dispatch from matching",
        files=["crates/healer/src/router.rs", "crates/healer/src/dispatch.rs"],
        self_hosted=True,
    )

    cid = "fr-zq-cross-target-compile-error"
    src = """#[cfg(target_arch = "aarch64")]
pub fn page_size() -> usize { 16384 }

pub fn arena_len(pages: u32) -> usize {
    page_size() * pages
}
"""
    # The aarch64 cfg is what cross compiles; on this host the same mismatch is compiled with
    # the function defined for every target, which gives rustc's identical E0308.
    host = src.replace('#[cfg(target_arch = "aarch64")]\n', "")
    out = cargo(
        cid,
        {"src/lib.rs": host},
        ["build", "--release"],
        shown="cross build --release --target aarch64-unknown-linux-gnu",
    )
    ci(
        cid,
        "`cross build` for aarch64 compiles and rustc fails E0308/E0277 (`usize * u32`) in "
        "`arena_len`, code the change added; the container started fine",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build (aarch64)",
        steps=[*rust_setup(), failing(out, name="Build (aarch64)")],
        message="perf(arena): size arenas in pages",
        files=["crates/healer/src/arena.rs"],
        self_hosted=True,
    )

    env = {
        "RUSTC_WRAPPER": "sccache",
        "SCCACHE_BUCKET": "healer-sccache",
        "SCCACHE_REGION": "us-east-1",
    }
    cid = "fr-zq-sccache-bucket-denied"
    wrapper = real.scratch(
        cid + "-bin",
        {
            "sccache": "#!/bin/sh\n"
            "echo 'sccache: error: Server startup failed: cache storage failed to read: "
            "Unexpected (permanent) at read, context: { uri: https://s3.us-east-1.amazonaws.com/"
            "healer-sccache/.sccache_check, response: Parts { status: 403, version: HTTP/1.1 }, "
            'service: s3, path: .sccache_check } => S3Error { code: "AccessDenied", message: '
            '"Access Denied" }\' >&2\nexit 2\n'
        },
    )
    (wrapper / "sccache").chmod(0o755)
    path = real.crate(cid, {"src/main.rs": "fn main() {}\n"})
    lines, code = real.run(
        ["cargo", "build"],
        path,
        env={"CARGO_NET_OFFLINE": "true", "RUSTC_WRAPPER": str(wrapper / "sccache")},
    )
    lines = [ln.replace(real.RUNNER + "-bin/sccache", "sccache") for ln in lines]
    assert code, lines
    ci(
        cid,
        "cargo cannot even probe rustc: the `sccache` wrapper fails to start its server because "
        "the S3 bucket answers 403 AccessDenied; the change is a one-line Rust fix",
        ["look-alike"],
        "atlas",
        "general",
        workflow="ci",
        job="build",
        steps=[
            *rust_setup(),
            uses("mozilla-actions/sccache-action@v0.0.6", {}, ["sccache version: 0.8.2"]),
            run("cargo build", lines, code, name="Build", env=env),
        ],
        message="fix(webhook): accept an empty body on ping",
        files=["crates/healer/src/webhook.rs"],
    )

    cid = "fr-zq-sccache-real-e0308"
    src = """pub fn retries(cfg: Option<u32>) -> u32 {
    cfg.unwrap_or("3")
}
"""
    out = cargo(cid, {"src/lib.rs": src}, ["build"])
    stats = [
        "Compile requests                      9",
        "Compile requests executed             7",
        "Cache hits                            6",
        "Cache misses                          1",
        "Cache errors                          0",
        "Cache location                  s3, name: healer-sccache, prefix: /",
    ]
    ci(
        cid,
        "With sccache as the wrapper (its stats printed after the failure, six hits, no "
        'errors), rustc fails E0308 in `retries`: `unwrap_or("3")` on an `Option<u32>`, '
        "written by the change",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        steps=[
            *rust_setup(),
            uses("mozilla-actions/sccache-action@v0.0.6", {}, ["sccache version: 0.8.2"]),
            failing(out, name="Build", env=env),
        ],
        message="feat(config): default retries to 3",
        files=["crates/healer/src/config.rs"],
        tail=["[command]/opt/hostedtoolcache/sccache/0.8.2/x64/sccache --show-stats", *stats],
    )


# ------------------------------------------------------------------ 8. plain


def plain() -> None:
    cid = "fr-zq-plain-clippy-range-loop"
    src = """pub fn total(xs: &[u64]) -> u64 {
    let mut t = 0;
    for i in 0..xs.len() {
        t += xs[i];
    }
    t
}
"""
    out = cargo(cid, {"src/lib.rs": src}, ["clippy", "--", "-D", "warnings"])
    ci(
        cid,
        "clippy `needless_range_loop` under `-D warnings` in `total`, written by the change",
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="ci",
        job="clippy",
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(metrics): sum queue depths",
        files=["crates/healer/src/metrics.rs"],
    )

    cid = "fr-zq-plain-test-assert"
    src = """pub fn slug(s: &str) -> String { s.replace(' ', "_") }

#[cfg(test)]
mod tests {
    #[test]
    fn slug_uses_dashes() {
        assert_eq!(super::slug("fresh split"), "fresh-split");
    }
}
"""
    out = cargo(cid, {"src/lib.rs": src}, ["test", "--lib"])
    ci(
        cid,
        "`cargo test` fails `slug_uses_dashes`: `slug` replaces spaces with `_`, the test "
        "expects `-`",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test",
        steps=[*rust_setup(), failing(out, name="Test")],
        message="feat: slugify case names",
        files=["crates/healer/src/lib.rs"],
    )

    cid = "fr-zq-plain-fmt-check"
    src = "pub fn f(a:u32,b:u32)->u32{a+b}\n"
    out = cargo(cid, {"src/lib.rs": src}, ["fmt", "--check"])
    ci(
        cid,
        "`cargo fmt --check` prints a diff for `f` in lib.rs, the change's unformatted code",
        ["obvious"],
        "rex",
        "rust_fmt",
        workflow="ci",
        job="fmt",
        steps=[*rust_setup(), failing(out, name="Rustfmt")],
        message="feat: add f",
        files=["crates/healer/src/lib.rs"],
    )

    cid = "fr-zq-plain-e0599"
    src = """pub struct Queue { items: Vec<u32> }
impl Queue {
    pub fn depth(&self) -> usize { self.items.length() }
}
"""
    out = cargo(cid, {"src/lib.rs": src}, ["build"])
    ci(
        cid,
        "rustc E0599: no method `length` on `Vec<u32>` in `Queue::depth`, the change's code",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(queue): expose depth",
        files=["crates/healer/src/queue.rs"],
    )

    cid = "fr-zq-plain-e0425"
    src = """pub fn budget(n: u32) -> u32 {
    let limit = n * 2;
    limt + 1
}
"""
    out = cargo(cid, {"src/lib.rs": src}, ["build", "--release"])
    ci(
        cid,
        "rustc E0425: cannot find value `limt` in `budget` (a typo of `limit`) the change wrote",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build release")],
        message="feat(budget): double the budget",
        files=["crates/healer/src/budget.rs"],
    )
