"""Batch 41 of the fresh split (ids ``fr-zo-``): ownership look-alikes by file. The failing
line names a file, or the change touched one, whose path or extension suggests one owner
while the file (or what actually failed in it) belongs to another.

- Rust's own configuration files: ``rust-toolchain.toml`` bumped to a toolchain whose new
  ``manual_is_multiple_of`` lint fails clippy on unchanged code (rex) vs an unchanged pin the
  rebuilt, offline self-hosted runner image no longer carries (atlas); ``clippy.toml``'s
  ``disallowed-methods`` catching the change's ``std::env::var`` (rex); a
  ``.cargo/config.toml`` the change gave ``-fuse-ld=mold`` on a runner without mold (rex);
  ``crates/*/build.rs`` running ``git describe --tags`` after the workflow change dropped the
  checkout's tags (atlas) vs a ``build.rs`` reading a proto file the change moved (rex);
- Node's files: ``engines``/``.nvmrc`` bumped to Node 22 by the change so ``npm ci`` refuses
  the workflow's Node 20 (blaze) vs an unchanged ``engines`` on a rebuilt self-hosted image
  that ships Node 20 (atlas); ``scripts/gen-icons.mjs`` run by the front-end's ``prebuild``
  (blaze) vs ``scripts/ci/upload-sourcemaps.sh`` the release workflow calls without the
  variable the change stopped passing (atlas); the root ``eslint.config.js`` of the Rust+web
  monorepo importing a plugin nobody installed (blaze);
- infrastructure files under web paths: ``web/Dockerfile``'s runtime stage with no npm
  (bolt) vs ``web/Dockerfile``'s ``RUN npm run build`` failing on the change's TypeScript
  (blaze); hadolint on ``web/Dockerfile`` (bolt); yamllint on ``web/deploy/ingress.yaml``
  (bolt); ``docker-compose.ci.yml`` under a Rust integration job: an undefined volume
  (bolt) vs compose healthy and the change's query ordering failing the test (rex);
- platform files: ``.github/actions/setup-rust/action.yml`` missing ``shell`` (atlas);
  ``.github/dependabot.yml`` and ``renovate.json`` failing their schemas (atlas); a
  ``Makefile`` recipe indented with spaces (atlas) vs ``make web`` reaching a Vite build
  that cannot resolve the change's import (blaze);
- security: an AWS key committed in ``web/.env.production`` (cipher);
- plain cases: a cargo test assertion, a Vitest assertion, ``helm template``'s nil pointer in
  ``_helpers.tpl``, shellcheck on ``scripts/ci/`` and actionlint's unknown ``needs``.

Cases tagged ``obvious``: the five plain cases.
"""

from __future__ import annotations

import json

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import run, uses
from helpers import buildx_setup, buildx_step

REPO = "5dlabs/healer"
WEB = "5dlabs/console"


def build() -> None:
    rust_files()
    node_files()
    infra_files()
    platform_files()
    security()
    plain()


def _crate(files: dict[str, str]) -> dict[str, str]:
    return {"Cargo.toml": real.cargo_toml("healer"), **files}


def _checkout() -> object:
    return uses(
        "actions/checkout@v4",
        None,
        ["Syncing repository: 5dlabs/healer", "Getting Git version info"],
    )


# ------------------------------------------------------------------ 1. Rust's own files

QUARTER_RS = """/// Digest windows start on quarter hours.
pub fn is_window_start(minute: u32) -> bool {
    minute % 15 == 0
}

pub fn windows_in(minutes: u32) -> u32 {
    minutes.div_ceil(15)
}
"""

ENV_RS = """use std::time::Duration;

/// How long the dispatcher waits for an agent's acknowledgement.
pub fn ack_timeout() -> Duration {
    let secs = std::env::var("HEALER_ACK_TIMEOUT_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}
"""

CLIPPY_TOML = """disallowed-methods = [
    { path = "std::env::var", reason = "read settings through healer_config::Settings" },
]
"""

BUILD_GIT = """use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=.git/HEAD");
    let out = Command::new("git")
        .args(["describe", "--tags", "--dirty"])
        .output()
        .expect("failed to run git");
    if !out.status.success() {
        panic!(
            "git describe failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    println!("cargo:rustc-env=HEALER_VERSION={version}");
}
"""

BUILD_PROTO = """use std::fs;

fn main() {
    println!("cargo:rerun-if-changed=proto/dispatch.proto");
    let proto = fs::read_to_string("proto/dispatch.proto")
        .expect("read proto/dispatch.proto");
    let messages = proto.lines().filter(|l| l.starts_with("message ")).count();
    println!("cargo:rustc-env=DISPATCH_MESSAGES={messages}");
}
"""


def rust_files() -> None:
    at(REPO)
    # 1a. rex: the toolchain bump brings a lint that fires on unchanged code
    cid = "fr-zo-toolchain-bump-new-clippy-lint"
    out = real.cargo(
        cid,
        _crate({"src/lib.rs": QUARTER_RS}),
        ["clippy", "--", "-D", "warnings"],
    )
    assert out.code and "manual_is_multiple_of" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "clippy fails `-D clippy::manual-is-multiple-of` on `minute % 15 == 0` in code the "
        "change never touched; the change bumps `rust-toolchain.toml` from 1.86.0 to 1.95.0, "
        "whose clippy brings the lint: the Rust code has to follow the new toolchain's lints "
        "(a file that looks like the runner's business)",
        ["look-alike"],
        "rex",
        "rust_clippy",
        workflow="rust",
        job="clippy",
        steps=[*rust_setup(), failing(out, name="cargo clippy")],
        message="chore(rust): toolchain 1.95.0",
        files=["rust-toolchain.toml"],
        pr=pr_of(cid, "chore(rust): toolchain 1.95.0", "Keeps us on the current stable."),
    )

    # 1b. atlas: an unchanged pin missing from a rebuilt offline runner image
    cid = "fr-zo-toolchain-pin-missing-runner-image"
    out = real.sh(
        cid,
        _crate(
            {
                "rust-toolchain.toml": '[toolchain]\nchannel = "1.94.0"\n'
                'components = ["clippy", "rustfmt"]\n',
                "src/lib.rs": "pub fn ok() {}\n",
            }
        ),
        "cargo build --locked --workspace",
        "cargo build --locked --workspace",
        env={"RUSTUP_AUTO_INSTALL": "0"},
    )
    assert out.code and "is not installed" in "\n".join(out.lines), out.lines
    image = run(
        "cat /etc/healer-runner/image-version\nrustup toolchain list",
        [
            "healer-runner 2026.11.27 (ubuntu 24.04, rust 1.95.0, node 22.12.0, offline)",
            "stable-x86_64-unknown-linux-gnu (default)",
            "1.95.0-x86_64-unknown-linux-gnu",
        ],
        name="Runner image",
    )
    ci(
        cid,
        "rustup refuses `toolchain '1.94.0-x86_64-unknown-linux-gnu' is not installed` before "
        "anything compiles; `rust-toolchain.toml` has pinned 1.94.0 for months and the change "
        "is Rust code only, while the self-hosted runner image rebuilt on 2026-11-27 ships "
        "1.95.0 only and installs nothing (offline, `RUSTUP_AUTO_INSTALL=0`): the runner image",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="rust",
        job="build",
        steps=[_checkout(), image, failing(out, name="cargo build")],
        message="feat(dispatch): retry budget per agent",
        files=["crates/healer-dispatch/src/retry.rs"],
        self_hosted=True,
    )

    # 1c. rex: clippy.toml's disallowed-methods catches the change's env read
    cid = "fr-zo-clippy-toml-disallowed-method"
    out = real.cargo(
        cid,
        _crate({"src/lib.rs": ENV_RS, "clippy.toml": CLIPPY_TOML}),
        ["clippy", "--", "-D", "warnings"],
    )
    assert out.code and "disallowed_methods" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "clippy's `disallowed_methods` rejects `std::env::var` in the change's ack timeout, "
        "with the reason from the repository's `clippy.toml` (read settings through "
        "`healer_config::Settings`): the change's Rust code breaks the crate's lint policy",
        ["look-alike"],
        "rex",
        "rust_clippy",
        workflow="rust",
        job="clippy",
        steps=[*rust_setup(), failing(out, name="cargo clippy")],
        message="feat(dispatch): configurable ack timeout",
        files=["crates/healer-dispatch/src/ack.rs"],
    )

    # 1d. rex: the change's .cargo/config.toml asks for mold, which the runner does not have
    cid = "fr-zo-cargo-config-mold-linker"
    out = real.cargo(
        cid,
        _crate(
            {
                ".cargo/config.toml": '[target.x86_64-unknown-linux-gnu]\nrustflags = ["-C", '
                '"link-arg=-fuse-ld=mold"]\n',
                "src/main.rs": 'fn main() {\n    println!("healer");\n}\n',
            }
        ),
        ["build", "--bin", "healer"],
    )
    assert out.code and "linking with `cc` failed" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "`linking with `cc` failed` because the linker cannot use mold; the change adds "
        "`-C link-arg=-fuse-ld=mold` to `.cargo/config.toml` for faster local links, and CI "
        "never installed mold: the crate's build configuration, not the runner",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="build: link with mold",
        files=[".cargo/config.toml"],
        pr=pr_of(cid, "build: link with mold", "Local incremental links drop from 4 s to 0.6 s."),
    )

    # 1e. atlas: build.rs runs git describe; the workflow change dropped the tags
    cid = "fr-zo-build-rs-git-describe-no-tags"
    files = _crate({"build.rs": BUILD_GIT, "src/main.rs": "fn main() {}\n"})
    out = real.sh(
        cid,
        files,
        "git init -q && git add -A && git commit -qm init && cargo build --release --bin healer",
        "cargo build --release --bin healer",
        env={
            "GIT_AUTHOR_NAME": "ci",
            "GIT_AUTHOR_EMAIL": "ci@example.com",
            "GIT_COMMITTER_NAME": "ci",
            "GIT_COMMITTER_EMAIL": "ci@example.com",
            "CARGO_NET_OFFLINE": "true",
        },
    )
    assert out.code and "No names found" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "the CLI crate's `build.rs` panics `git describe failed: fatal: No names found, "
        "cannot describe anything.`; the build script is unchanged for a year, and the change "
        "rewrites the release workflow's checkout without `fetch-depth: 0`, so the clone has "
        "one commit and no tags: the workflow's checkout, not the Rust code",
        ["look-alike"],
        "atlas",
        "git_error",
        workflow="release",
        job="build-cli",
        steps=[
            uses("actions/checkout@v4", None, ["Syncing repository: 5dlabs/healer"]),
            *rust_setup(),
            failing(out, name="cargo build"),
        ],
        message="ci(release): simplify the checkout step",
        files=[".github/workflows/release.yml"],
    )

    # 1f. rex: build.rs reads a proto file the change moved
    cid = "fr-zo-build-rs-proto-moved"
    out = real.cargo(
        cid,
        _crate(
            {
                "build.rs": BUILD_PROTO,
                "src/main.rs": "fn main() {}\n",
                "crates/healer-proto/proto/dispatch.proto": 'syntax = "proto3";\n'
                "message Dispatch { string run = 1; }\n",
            }
        ),
        ["build", "--bin", "healer"],
    )
    assert out.code and "read proto/dispatch.proto" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "the build script panics `read proto/dispatch.proto: Os { code: 2, kind: NotFound }`; "
        "the change moved the proto files into `crates/healer-proto/proto/` without updating "
        "`build.rs`: the crate's build, although the message reads like a missing checkout "
        "file",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="refactor(proto): move protos into healer-proto",
        files=[
            "crates/healer-proto/proto/dispatch.proto",
            "proto/dispatch.proto",
            "crates/healer-proto/Cargo.toml",
        ],
    )


# ------------------------------------------------------------------ 2. Node's files


def _engines(cid: str, engine: str) -> real.Out:
    pkg = {"name": "console", "version": "0.3.0", "private": True, "engines": {"node": engine}}
    lock = {
        "name": "console",
        "version": "0.3.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": "console", "version": "0.3.0", "engines": {"node": engine}}},
    }
    return real.sh(
        cid,
        {
            "package.json": json.dumps(pkg, indent=2) + "\n",
            "package-lock.json": json.dumps(lock, indent=2) + "\n",
            ".npmrc": "engine-strict=true\n",
        },
        "npm ci --no-fund",
        "npm ci --no-fund",
    )


GEN_ICONS = """import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = "assets/icons";
const icons = readdirSync(dir).filter((f) => f.endsWith(".svg"));
const body = icons
  .map((f) => `export const ${f.replace(/\\.svg$/, "").replace(/-./g, (m) => m[1].toUpperCase())} = ${JSON.stringify(readFileSync(join(dir, f), "utf8"))};`)
  .join("\\n");
writeFileSync("src/icons.gen.js", body + "\\n");
console.log(`generated ${icons.length} icons`);
"""

UPLOAD_SH = """#!/usr/bin/env bash
set -euo pipefail

release="${SENTRY_RELEASE}"
echo "Uploading source maps for ${release}"
npx --no-install sentry-cli sourcemaps upload --release "${release}" dist/assets
"""

ROOT_ESLINT = """import js from "@eslint/js";
import globals from "globals";
import react from "eslint-plugin-react";

export default [
  { ignores: ["target/**", "crates/**", "web/dist/**"] },
  js.configs.recommended,
  {
    files: ["web/src/**/*.{js,jsx}"],
    plugins: { react },
    languageOptions: { globals: globals.browser },
    rules: { "react/jsx-key": "error" },
  },
];
"""


def node_files() -> None:
    at(WEB)
    # 2a. blaze: the change bumped engines/.nvmrc to Node 22; the workflow runs Node 20
    cid = "fr-zo-engines-bump-npm-ci-refuses"
    out = _engines(cid, ">=22.12.0")
    assert out.code and "EBADENGINE" in "\n".join(out.lines), out.lines
    ci(
        cid,
        '`npm ci` stops with `EBADENGINE`: `Required: {"node":">=22.12.0"}`, actual '
        "v20.20.2; the change raised `engines.node` and `.nvmrc` to 22 for `import.meta.dirname` "
        "and left the workflow's `node-version: 20`: the front-end's own requirement, not "
        "the runner",
        ["look-alike"],
        "blaze",
        "frontend_deps",
        workflow="web",
        job="build",
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="chore(web): require Node 22",
        files=["package.json", "package-lock.json", ".nvmrc", "src/paths.js"],
        repo=WEB,
    )

    # 2b. atlas: engines unchanged; the rebuilt self-hosted image ships Node 20
    cid = "fr-zo-engines-unchanged-runner-node-20"
    out = _engines(cid, ">=22.12.0")
    assert out.code and "EBADENGINE" in "\n".join(out.lines), out.lines
    image = run(
        "cat /etc/healer-runner/image-version\nnode --version",
        ["healer-runner 2026.11.27 (ubuntu 24.04, node 20.20.2, offline)", "v20.20.2"],
        name="Runner image",
    )
    ci(
        cid,
        "`npm ci` stops with `EBADENGINE` for `>=22.12.0` on v20.20.2; `engines` has required "
        "Node 22 since the summer, the change edits a React component only, and the job uses "
        "the self-hosted image's preinstalled Node, rebuilt on 2026-11-27 with Node 20: the "
        "runner image regressed",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="web",
        job="build",
        steps=[image, failing(out, name="Install dependencies")],
        message="feat(web): show the agent on each run row",
        files=["src/components/RunRow.jsx"],
        repo=WEB,
        self_hosted=True,
    )

    # 2c. blaze: the front-end's prebuild script reads an icons folder the change renamed
    cid = "fr-zo-gen-icons-prebuild-enoent"
    out = real.npm_script(
        cid,
        {
            "scripts/gen-icons.mjs": GEN_ICONS,
            "assets/svg/run.svg": "<svg/>\n",
            "index.html": '<script type="module" src="/src/main.js"></script>\n',
            "src/main.js": "export {};\n",
        },
        {"prebuild": "node scripts/gen-icons.mjs", "build": "vite build"},
        "build",
    )
    assert out.code and "ENOENT" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "`npm run build`'s `prebuild` runs `node scripts/gen-icons.mjs`, which throws `ENOENT: "
        "no such file or directory, scandir 'assets/icons'`; the change renamed "
        "`assets/icons/` to `assets/svg/`: a `scripts/` file, but the front-end's own build "
        "step",
        ["look-alike"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build")],
        message="chore(web): rename the icon folder",
        files=["assets/svg/run.svg", "assets/icons/run.svg"],
        repo=WEB,
    )

    # 2d. atlas: the release workflow stopped passing the variable its CI script needs
    cid = "fr-zo-ci-script-unbound-variable"
    out = real.sh(
        cid,
        {"scripts/ci/upload-sourcemaps.sh": UPLOAD_SH},
        "bash scripts/ci/upload-sourcemaps.sh",
        "bash scripts/ci/upload-sourcemaps.sh",
    )
    assert out.code and "unbound variable" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "`scripts/ci/upload-sourcemaps.sh: line 4: SENTRY_RELEASE: unbound variable`; the "
        "script is unchanged, and the change rewrote the release workflow's upload step "
        "without its `env: SENTRY_RELEASE`: the workflow, although the step is about the "
        "front-end's source maps",
        ["look-alike"],
        "atlas",
        "general",
        workflow="web-release",
        job="publish",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Upload source maps")],
        message="ci(web-release): tidy the upload step",
        files=[".github/workflows/web-release.yml"],
        repo=WEB,
    )

    # 2e. blaze: the root eslint.config.js of the monorepo imports an uninstalled plugin
    at(REPO)
    cid = "fr-zo-root-eslint-config-missing-plugin"
    out = real.sh(
        cid,
        {
            "eslint.config.js": ROOT_ESLINT,
            "package.json": '{"name":"healer","private":true,"type":"module"}\n',
            "web/src/main.js": "export const x = 1;\n",
        },
        "eslint web/src",
        "npx eslint web/src",
        node_modules=True,
    )
    assert out.code and "eslint-plugin-react" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "ESLint stops before linting: `Cannot find package 'eslint-plugin-react' imported "
        "from .../eslint.config.js`; the config sits at the root of the Rust+web monorepo, "
        "and the change added the React plugin to it without adding the package: the "
        "front-end's lint setup",
        ["look-alike"],
        "blaze",
        "frontend_lint",
        workflow="ci",
        job="lint",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="ESLint")],
        message="chore(lint): React rules for the console",
        files=["eslint.config.js"],
    )


# ------------------------------------------------------------------ 3. infra under web paths

WEB_DF_RUNTIME = """FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
WORKDIR /srv
COPY --from=build /app/dist ./dist
RUN npm install -g serve@14.2.4
CMD ["serve", "-s", "dist", "-l", "8080"]
"""

WEB_DF_BUILD = """FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
"""

WEB_DF_LATEST = """FROM node:latest AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
"""

RUNS_TSX = """type Run = { id: string; agent: string; startedAt: number };

export function latestBy(runs: Run[], agent: string): Run {
  return runs
    .filter((r) => r.agent === agent)
    .sort((a, b) => b.startedAt - a.startedAt)
    .find(() => true);
}
"""

INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: console
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  ingressClassName: nginx
  rules:
    - host: console.5dlabs.ai
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: console
                port:
                  number: 8080
  tls:
    - hosts:
        - console.5dlabs.ai
      secretName: console-tls
      secretName: console-tls-2026
"""

STORE_TEST = """#[derive(Debug, PartialEq, Clone)]
struct Run {
    id: &'static str,
    started: u64,
}

/// Stands in for `SELECT id, started FROM runs ORDER BY ...` as the change wrote it.
fn recent_runs(rows: &[Run]) -> Vec<&'static str> {
    let mut rows = rows.to_vec();
    rows.sort_by_key(|r| r.started);
    rows.iter().take(3).map(|r| r.id).collect()
}

#[test]
fn recent_runs_newest_first() {
    let rows = [
        Run { id: "run-1", started: 100 },
        Run { id: "run-2", started: 200 },
        Run { id: "run-3", started: 300 },
        Run { id: "run-4", started: 400 },
    ];
    assert_eq!(recent_runs(&rows), vec!["run-4", "run-3", "run-2"]);
}
"""

COMPOSE_UP = [
    " Network healer-ci_default  Creating",
    " Network healer-ci_default  Created",
    ' Volume "healer-ci_pgdata"  Creating',
    ' Volume "healer-ci_pgdata"  Created',
    " Container healer-ci-postgres-1  Creating",
    " Container healer-ci-postgres-1  Created",
    " Container healer-ci-postgres-1  Starting",
    " Container healer-ci-postgres-1  Started",
    " Container healer-ci-postgres-1  Waiting",
    " Container healer-ci-postgres-1  Healthy",
]


def infra_files() -> None:
    at(WEB)
    image = "ghcr.io/5dlabs/console:sha-" + sha("fr-zo-web-img")[:7]
    # 3a. bolt: the change's runtime stage is nginx, which has no npm
    cid = "fr-zo-web-dockerfile-runtime-no-npm"
    bk = shapes.BuildKit(cid, WEB_DF_RUNTIME, context_kb=812.3)
    bk.metadata()
    err = bk.run_until(11, ["/bin/sh: npm: not found"], code=127)
    assert err
    ci(
        cid,
        "BuildKit's `RUN npm install -g serve@14.2.4` exits 127 with `/bin/sh: npm: not "
        "found` in the runtime stage; the change moved `web/Dockerfile`'s runtime stage onto "
        "`nginx:1.27-alpine`, which has no Node: the image's Dockerfile, though it lives in "
        "the front-end's folder and names npm",
        ["look-alike"],
        "bolt",
        "docker_build",
        workflow="image",
        job="build-push",
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, image, file="web/Dockerfile", context="web"),
        ],
        message="chore(web): serve the console from nginx",
        files=["web/Dockerfile"],
        repo=WEB,
    )

    # 3b. blaze: the image's npm run build fails on the change's TypeScript
    cid = "fr-zo-web-dockerfile-build-tsc-error"
    tsc = real.npm_script(
        cid,
        {"tsconfig.json": real.TSCONFIG, "src/runs.ts": RUNS_TSX},
        {"build": "tsc -p ."},
        "build",
    )
    assert tsc.code and "TS2322" in "\n".join(tsc.lines), tsc.lines
    bk = shapes.BuildKit(cid, WEB_DF_BUILD, context_kb=812.3)
    bk.metadata()
    err = bk.run_until(6, tsc.lines, code=tsc.code)
    assert err
    ci(
        cid,
        "BuildKit's `RUN npm run build` in `web/Dockerfile` exits 2 on `src/runs.ts`: `error "
        "TS2322: Type 'Run | undefined' is not assignable to type 'Run'`; the Dockerfile is "
        "unchanged and the change edits only that TypeScript file: the front-end's type error, "
        "surfaced by the image build",
        ["look-alike"],
        "blaze",
        "frontend_typecheck",
        workflow="image",
        job="build-push",
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, image, file="web/Dockerfile", context="web"),
        ],
        message="feat(web): latest run helper",
        files=["web/src/runs.ts"],
        repo=WEB,
    )

    # 3c. bolt: hadolint on web/Dockerfile
    cid = "fr-zo-web-dockerfile-hadolint-latest"
    out = real.hadolint(cid, WEB_DF_LATEST, where="web/Dockerfile")
    assert out.code and "DL3007" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "hadolint fails `web/Dockerfile:1 DL3007 warning: Using latest is prone to errors`; "
        "the change moved the build stage to `node:latest`: the image's Dockerfile, in the "
        "front-end's folder, under a job named web-lint",
        ["look-alike", "misleading-name"],
        "bolt",
        "docker_build",
        workflow="web",
        job="web-lint",
        steps=[failing(out, name="hadolint")],
        message="chore(web): track the latest Node in the build stage",
        files=["web/Dockerfile"],
        repo=WEB,
    )

    # 3d. bolt: yamllint on the console's ingress under web/deploy/
    cid = "fr-zo-web-deploy-ingress-duplicate-key"
    out = real.yamllint(cid, {"web/deploy/ingress.yaml": INGRESS}, ["web/deploy/"])
    assert out.code and "duplication of key" in "\n".join(out.lines), out.lines
    ci(
        cid,
        'yamllint rejects `web/deploy/ingress.yaml` with `duplication of key "secretName" in '
        "mapping`; the change added a second `secretName` to the Ingress's tls block: a "
        "Kubernetes manifest, though it sits under `web/` in a job named web",
        ["look-alike", "misleading-name"],
        "bolt",
        "yaml_config",
        workflow="web",
        job="web",
        steps=[failing(out, name="yamllint")],
        message="chore(web): rotate the console certificate",
        files=["web/deploy/ingress.yaml"],
        repo=WEB,
    )

    at(REPO)
    # 3e. bolt: the compose file the Rust integration job starts references a missing volume
    cid = "fr-zo-compose-ci-undefined-volume"
    compose = run(
        "docker compose -f docker-compose.ci.yml up -d --wait",
        ['service "postgres" refers to undefined volume pgdata: invalid compose project'],
        1,
        name="Start services",
    )
    ci(
        cid,
        '`docker compose -f docker-compose.ci.yml up` fails `service "postgres" refers to '
        "undefined volume pgdata: invalid compose project` before any test runs; the change "
        "mounted a named volume in the compose file without declaring it under `volumes:`: "
        "the compose file, in a Rust integration job",
        ["look-alike", "misleading-name"],
        "bolt",
        "yaml_config",
        workflow="rust",
        job="integration",
        steps=[*rust_setup(), compose],
        message="ci: keep postgres data between integration steps",
        files=["docker-compose.ci.yml"],
    )

    # 3f. rex: compose healthy, the change's ordering fails the integration test
    cid = "fr-zo-compose-healthy-rust-test-fails"
    out = real.cargo(
        cid,
        _crate({"src/lib.rs": "", "tests/store.rs": STORE_TEST}),
        ["test", "--test", "store"],
    )
    assert out.code and "recent_runs_newest_first" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "compose brings postgres up `Healthy`, then `recent_runs_newest_first` fails `left: "
        '["run-1", "run-2", "run-3"]` vs `["run-4", "run-3", "run-2"]`; the change rewrote '
        "the recent-runs ordering (ascending) and also bumped postgres in "
        "`docker-compose.ci.yml`, but the services started fine: the Rust code",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="rust",
        job="integration",
        steps=[
            *rust_setup(),
            run(
                "docker compose -f docker-compose.ci.yml up -d --wait",
                COMPOSE_UP,
                name="Start services",
            ),
            failing(out, name="cargo test --test store"),
        ],
        message="feat(store): recent runs query; postgres 17 in CI",
        files=["crates/healer-store/src/runs.rs", "docker-compose.ci.yml"],
    )


# ------------------------------------------------------------------ 4. platform files

DEPENDABOT = """version: 2
updates:
  - package-ecosystem: cargo
    directory: /
    schedule:
      interval: weekly
      day: mon
  - package-ecosystem: npm
    directory: /web
    schedule:
      interval: weekly
"""

RENOVATE = """{
  "$schema": "https://docs.renovatebot.com/renovate-schema.json",
  "extends": ["config:recommended"],
  "packageRules": [
    {
      "matchManagers": ["npm"],
      "matchFileNames": ["web/package.json"],
      "groupName": "web dependencies",
      "automerge": "yes"
    }
  ]
}
"""


def platform_files() -> None:
    at(REPO)
    # 4a. atlas: the composite action the clippy job uses lacks `shell`
    cid = "fr-zo-composite-action-missing-shell"
    action = "/home/runner/work/healer/healer/./.github/actions/setup-rust/action.yml"
    step = uses(
        "./.github/actions/setup-rust",
        {"components": "clippy"},
        [],
        name="Set up Rust",
        error=[
            f"##[error]{action} (Line: 18, Col: 7): Required property is missing: shell",
            f"##[error]Fail to load {action}",
        ],
    )
    ci(
        cid,
        "the clippy job stops at `./.github/actions/setup-rust` with `(Line: 18, Col: 7): "
        "Required property is missing: shell` and `Fail to load .../action.yml`; the change "
        "added a `run:` step to the composite action without `shell:`: the repository's "
        "action definition (GitHub Actions), not the Rust toolchain",
        ["look-alike", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="rust",
        job="clippy",
        steps=[_checkout(), step],
        message="ci(setup-rust): print the toolchain",
        files=[".github/actions/setup-rust/action.yml"],
    )

    # 4b. atlas: dependabot.yml fails its schema
    cid = "fr-zo-dependabot-yml-schema-day"
    out = real.sh(
        cid,
        {".github/dependabot.yml": DEPENDABOT},
        "check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml",
        "check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml",
    )
    assert out.code and "monday" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "check-jsonschema rejects `.github/dependabot.yml`: `$.updates[0].schedule.day: 'mon' "
        "is not one of ['monday', ...]`; the change added a weekly cargo schedule to "
        "Dependabot's configuration: GitHub's config file, though its entry is for cargo",
        ["look-alike"],
        "atlas",
        "workflow_syntax",
        workflow="config-lint",
        job="schemas",
        steps=[failing(out, name="Dependabot config")],
        message="chore(deps): weekly cargo updates on Mondays",
        files=[".github/dependabot.yml"],
    )

    # 4c. atlas: renovate.json fails its schema
    cid = "fr-zo-renovate-json-automerge-string"
    out = real.sh(
        cid,
        {"renovate.json": RENOVATE},
        "check-jsonschema --builtin-schema vendor.renovate renovate.json",
        "check-jsonschema --builtin-schema vendor.renovate renovate.json",
    )
    assert out.code and "boolean" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "check-jsonschema rejects `renovate.json`: `$.packageRules[0].automerge: 'yes' is not "
        "of type 'boolean'`; the change added an automerge rule for `web/package.json`: the "
        "dependency bot's configuration, not the front-end's packages",
        ["look-alike"],
        "atlas",
        "workflow_syntax",
        workflow="config-lint",
        job="schemas",
        steps=[failing(out, name="Renovate config")],
        message="chore(renovate): automerge web dependency groups",
        files=["renovate.json"],
    )

    # 4d. atlas: the Makefile's web recipe is indented with spaces
    cid = "fr-zo-makefile-web-missing-separator"
    out = real.sh(
        cid,
        {
            "Makefile": ".PHONY: lint web\n\nlint:\n\tcargo clippy --all-targets -- -D warnings"
            "\n\nweb:\n    cd web && npm run build\n"
        },
        "make web",
        "make web",
    )
    assert out.code and "missing separator" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "`make web` stops at `Makefile:7: *** missing separator.  Stop.` before npm runs; the "
        "change re-indented the root Makefile's `web` recipe with spaces: the repository's "
        "Makefile, not the front-end's build",
        ["look-alike", "misleading-name"],
        "atlas",
        "general",
        workflow="web",
        job="build",
        steps=[*node_setup(), failing(out, name="make web")],
        message="chore(make): tidy the web target",
        files=["Makefile"],
    )

    # 4e. blaze: make web runs Vite, which cannot resolve the change's import
    cid = "fr-zo-makefile-web-vite-unresolved"
    out = real.sh(
        cid,
        {
            "Makefile": ".PHONY: web\n\nweb:\n\tcd web && npm run build\n",
            "web/package.json": '{"name":"web","version":"0.3.0","private":true,'
            '"type":"module","scripts":{"build":"vite build"}}\n',
            "web/index.html": '<script type="module" src="/src/main.js"></script>\n',
            "web/src/main.js": 'import { renderChart } from "./components/RunChart.js";\n'
            'renderChart(document.getElementById("app"));\n',
        },
        "make web",
        "make web",
        node_modules=True,
    )
    assert out.code and "RunChart" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "`make web` runs `npm run build`, where Vite fails `Could not resolve "
        '"./components/RunChart.js" from "src/main.js"` and make reports `Error 1` on the '
        "Makefile's line; the change imports a component it never added: the front-end build",
        ["look-alike"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="make web")],
        message="feat(web): run chart on the dashboard",
        files=["web/src/main.js"],
    )


# ------------------------------------------------------------------ 5. security


def security() -> None:
    at(WEB)
    cid = "fr-zo-env-production-aws-key"
    key = "AKIA" + "Q3RZ7M2WX4PL9DNB"
    out = real.detect_secrets(
        cid,
        {
            "web/.env.production": "VITE_API_BASE=https://api.5dlabs.ai\n"
            f"AWS_ACCESS_KEY_ID={key}\n"
            "VITE_FEATURE_RUN_CHART=true\n"
        },
    )
    assert out.code and "AWS Access Key" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "detect-secrets flags `Secret Type: AWS Access Key` in `web/.env.production`, which "
        "the change added with the console's build-time settings: a committed credential "
        "(rotate and purge), though the file is the front-end's env file",
        ["look-alike", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="web",
        job="web-lint",
        steps=[failing(out, name="Scan for secrets")],
        message="chore(web): production env for the console",
        files=["web/.env.production"],
        repo=WEB,
    )


# ------------------------------------------------------------------ 6. plain cases

PLAIN_RS = """pub fn retry_delay_ms(attempt: u32) -> u64 {
    100 * 2u64.pow(attempt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn third_retry_waits_400ms() {
        assert_eq!(retry_delay_ms(3), 400);
    }
}
"""

PLAIN_VITEST = {
    "src/duration.js": """export function formatDuration(ms) {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${s % 60}s`;
}
""",
    "src/duration.test.js": """import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration.js";

describe("formatDuration", () => {
  it("pads seconds", () => {
    expect(formatDuration(65000)).toBe("1m 05s");
  });
});
""",
}

CI_SH = """#!/usr/bin/env bash
set -euo pipefail

url=$1
for i in $(seq 1 30); do
  if curl -fsS $url/healthz >/dev/null; then
    exit 0
  fi
  sleep 2
done
exit 1
"""

NEEDS_WF = """name: release
on:
  push:
    tags: ["v*"]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cargo build --release
  publish:
    runs-on: ubuntu-latest
    needs: [build, sign]
    steps:
      - run: echo publish
"""

HELM_ERR = (
    "Error: template: healer/templates/deployment.yaml:6:8: executing "
    '"healer/templates/deployment.yaml" at <include "healer.labels" .>: error calling include: '
    'template: healer/templates/_helpers.tpl:21:27: executing "healer.labels" at '
    "<.Values.global.team>: nil pointer evaluating interface {}.team"
)


def plain() -> None:
    at(REPO)
    cid = "fr-zo-plain-cargo-test-assert"
    out = real.cargo(cid, _crate({"src/lib.rs": PLAIN_RS}), ["test", "--lib"])
    assert out.code and "third_retry_waits_400ms" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "`third_retry_waits_400ms` fails `left: 800, right: 400`: the change's backoff doubles "
        "from the first attempt instead of the zeroth",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="feat(dispatch): exponential retry backoff",
        files=["crates/healer-dispatch/src/retry.rs"],
    )

    at(WEB)
    cid = "fr-zo-plain-vitest-assert"
    out = real.vitest(cid, PLAIN_VITEST)
    assert out.code and "1m 05s" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "Vitest: `formatDuration > pads seconds` expected `'1m 05s'`, received `'1m 5s'`: "
        "the change's formatter does not pad seconds",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="test",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(web): human-readable run durations",
        files=["src/duration.js", "src/duration.test.js"],
        repo=WEB,
    )

    at(REPO)
    cid = "fr-zo-plain-helm-helpers-nil-pointer"
    cmd = "helm template healer charts/healer -f charts/healer/values-staging.yaml"
    ci(
        cid,
        "`helm template` fails in `_helpers.tpl`'s `healer.labels` at `<.Values.global.team>: "
        "nil pointer evaluating interface {}.team`; the change added the team label to the "
        "chart's helpers without a `global` block in the values",
        ["obvious"],
        "bolt",
        "helm",
        workflow="chart",
        job="template",
        steps=[
            uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm v3.16.3 installed"]),
            run(cmd, [HELM_ERR], 1, name="helm template"),
        ],
        message="chore(chart): team label on every object",
        files=["charts/healer/templates/_helpers.tpl"],
    )

    cid = "fr-zo-plain-shellcheck-ci-script"
    out = real.sh(
        cid,
        {"scripts/ci/wait-for-preview.sh": CI_SH},
        "shellcheck scripts/ci/wait-for-preview.sh",
        "shellcheck scripts/ci/*.sh",
    )
    assert out.code and "SC2086" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "shellcheck fails the change's `scripts/ci/wait-for-preview.sh` with SC2086 (unquoted "
        "`$url`) and SC2034 (unused `i`): the workflow's own CI script",
        ["obvious"],
        "atlas",
        "general",
        workflow="ci",
        job="scripts",
        steps=[failing(out, name="shellcheck")],
        message="ci: wait for the preview deployment before e2e",
        files=["scripts/ci/wait-for-preview.sh"],
    )

    cid = "fr-zo-plain-actionlint-unknown-needs"
    out = real.actionlint(cid, {"release.yml": NEEDS_WF})
    assert out.code and "sign" in "\n".join(out.lines), out.lines
    ci(
        cid,
        "actionlint: job `publish` needs `sign`, which does not exist in the release "
        "workflow the change edited",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="ci",
        job="actionlint",
        steps=[failing(out, name="actionlint")],
        message="ci(release): publish after build and sign",
        files=[".github/workflows/release.yml"],
    )
