"""Batch 53 of the fresh split (ids ``fr-zza-``): failures whose root cause is a change in a
different layer than the one that failed. The failing step belongs to one tool (npm inside an
image build, a Rust binary at start-up, cargo resolving a path dependency, node running a build
script, clippy, tsc, a rollout); the owner is decided by the change's files and the PR.

- ``npm ci`` refused with EBADENGINE inside BuildKit: the Dockerfile's ``ARG NODE_VERSION``
  moved to 20 (bolt) vs package.json's ``engines`` raised to 22 (blaze);
- cargo inside BuildKit refusing ``rust-version``: the Dockerfile moved to a mirrored 1.95
  builder (bolt) vs Cargo.toml raising the MSRV to 1.96 (rex);
- a Rust binary panicking at start-up on a missing env var behind ``helm --wait``: the chart's
  values renamed the variable (bolt) vs the Rust change reading a new variable the chart never
  sets (rex: the code introduced a required setting with no default and shipped without it);
- a Node server crashing on ``new URL(undefined)`` behind a rollout: the chart renamed the
  variable (bolt) vs the server code reading a new name (blaze);
- cargo not finding a path dependency's manifest: the workflow dropped ``submodules:
  recursive`` (atlas) vs Cargo.toml pointing at a wrong path (rex);
- Node 20's ``SyntaxError`` on a ``using`` declaration in a build script: ``.nvmrc`` moved to
  20 (blaze) vs the workflow replacing ``node-version-file`` with ``node-version: 20`` (atlas);
- clippy's ``manual_div_ceil`` under ``-D warnings``: ``rust-toolchain.toml`` moved to 1.95
  (rex) vs the workflow moving from a pinned toolchain action to ``@stable`` (atlas);
- tsc errors: tsconfig's ``strict`` switched on (blaze) vs a Rust model change regenerating
  ts-rs bindings with a nullable field (rex);
- ImagePullBackOff behind a rollout deadline: the Kustomize overlay's tag typo (bolt) vs the
  release workflow pushing a different tag format (atlas);
- readiness probes answered 404 behind a rollout: the chart moved the probe to ``/readyz``
  (bolt) vs the Rust router moving ``/healthz`` to ``/health`` (rex);
- plain cases: rustc E0599 (rex), a Vitest assertion (blaze), yamllint on chart values (bolt),
  actionlint on a workflow (atlas).

Cases tagged ``obvious``: the four plain cases.
"""

from __future__ import annotations

import json
import re
from typing import Any

import real
import shapes
from cases_batch38 import helm_wait_fail, node_crash, rust_crash
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha, uses
from gha import Step, run
from helpers import buildx_setup, buildx_step, clock, crashing, kube_setup, pod_name, rollout

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PFX = "fr-zza-"
SNIPPET = re.compile(r"^\s*\d+ \| ")


def build() -> None:
    node_engine()
    rust_version()
    rust_env()
    node_env()
    path_dep()
    node_syntax()
    clippy_toolchain()
    tsc_layers()
    image_tag()
    probe_path()
    plain()


def checkout(repo: str = REPO, extra: dict[str, str] | None = None) -> Step:
    return uses(
        "actions/checkout@v4",
        {"fetch-depth": "1", **(extra or {})},
        [f"Syncing repository: {repo}", "Getting Git version info", "Checking out the ref"],
    )


def resolved(lines: list[str], raw: str, shown: str) -> list[str]:
    """BuildKit prints a stage's base with its build args expanded, the snippet as written."""
    return [ln if SNIPPET.match(ln) else ln.replace(raw, shown) for ln in lines]


# ------------------------------------------------------------------ 1. npm ci in the image

NODE_DF = """\
# syntax=docker/dockerfile:1.7
ARG NODE_VERSION=20.20.2
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
"""


def node_engine() -> None:
    at(WEB)
    pkg = {
        "name": "console",
        "version": "2.4.0",
        "private": True,
        "engines": {"node": ">=22.11.0"},
    }
    lock = {
        "name": "console",
        "version": "2.4.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": "console", "version": "2.4.0", "engines": pkg["engines"]}},
    }
    out = real.sh(
        "b53-npm-engine",
        {
            "package.json": json.dumps(pkg, indent=2) + "\n",
            "package-lock.json": json.dumps(lock, indent=2) + "\n",
            ".npmrc": "engine-strict=true\n",
        },
        "npm ci --no-fund --no-audit",
        "npm ci",
    )
    assert out.code, out.lines
    # node 20.20.2's image bundles npm 10.8.2 (the runner here has npm 11)
    inner = [ln.replace('"npm":"11.19.1"', '"npm":"10.8.2"') for ln in out.lines if ln.strip()]
    image = "ghcr.io/5dlabs/console:sha-" + sha("fr-zza-img")[:7]
    for cid, desc, agent, ftype, message, files, pr in (
        (
            PFX + "image-npm-ci-ebadengine-dockerfile-node-arg",
            "BuildKit's `RUN npm ci` fails with npm's EBADENGINE: package.json has required node "
            ">=22.11.0 for months, and the change is the Dockerfile's `ARG NODE_VERSION` moved "
            "from 22.11.0 to 20.20.2 to match the runners; the image build's base is the cause",
            "bolt",
            "docker_build",
            "build(image): align the console image's NODE_VERSION with the runners (20.20.2)",
            ["Dockerfile"],
            pr_of(
                PFX + "pr-ebadengine-df",
                "build(image): align NODE_VERSION with the CI runners",
                "Sets `ARG NODE_VERSION=20.20.2` in the Dockerfile so the image matches what "
                "setup-node gives us in CI. No app changes.",
            ),
        ),
        (
            PFX + "image-npm-ci-ebadengine-package-engines",
            "BuildKit's `RUN npm ci` fails with npm's EBADENGINE after the change raised "
            "package.json's `engines.node` to >=22.11.0 (and regenerated the lockfile) while the "
            "Dockerfile's `ARG NODE_VERSION=20.20.2` is untouched: the front-end package's "
            "requirement, not the image, changed",
            "blaze",
            "frontend_deps",
            "chore(console): require node 22 for the native fetch streaming API",
            ["package.json", "package-lock.json", "src/lib/stream.ts"],
            pr_of(
                PFX + "pr-ebadengine-pkg",
                "chore(console): require Node 22",
                "We now use `ReadableStream.from` in the log viewer, so the console declares "
                "`engines.node >=22.11.0`.",
            ),
        ),
    ):
        bk = shapes.BuildKit(cid, NODE_DF, context_kb=1820.7)
        bk.metadata()
        err = bk.run_until(6, inner, code=out.code)
        assert err
        lines = resolved(
            bk.finish(err), "node:${NODE_VERSION}-bookworm-slim", "node:20.20.2-bookworm-slim"
        )
        ci(
            cid,
            desc,
            ["look-alike", "context-driven"],
            agent,
            ftype,
            repo=WEB,
            workflow="image",
            job="build-push",
            steps=[checkout(WEB), *buildx_setup(), buildx_step(lines, err, image)],
            message=message,
            files=files,
            pr=pr,
        )


# ------------------------------------------------------------------ 2. cargo's rust-version

RUST_DF = """\
FROM ghcr.io/5dlabs/mirror/rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
RUN cargo build --release --locked -p healer-api

FROM gcr.io/distroless/cc-debian12
COPY --from=build /src/target/release/healer-api /usr/local/bin/healer-api
ENTRYPOINT ["/usr/local/bin/healer-api"]
"""


def rust_version() -> None:
    at(REPO)
    path = real.scratch(
        "b53-rust-version",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/healer-api"]\nresolver = "2"\n',
            "crates/healer-api/Cargo.toml": real.cargo_toml(
                "healer-api", extra='rust-version = "1.96"'
            ),
            "crates/healer-api/src/main.rs": "fn main() {}\n",
        },
    )
    lines, code = real.run(
        ["cargo", "build", "--release", "-p", "healer-api"],
        path,
        env={"CARGO_NET_OFFLINE": "true"},
    )
    assert code, lines
    inner = [ln.replace(real.RUNNER, "/src") for ln in lines if ln.strip()]
    image = "ghcr.io/5dlabs/healer-api:sha-" + sha("fr-zza-rv")[:7]
    for cid, desc, agent, ftype, message, files, pr in (
        (
            PFX + "image-cargo-rust-version-mirrored-builder",
            "cargo inside BuildKit refuses to build: `rustc 1.95.0 is not supported ... requires "
            'rustc 1.96`; Cargo.toml\'s `rust-version = "1.96"` has been there since October, and '
            "the change moved the Dockerfile's builder from `rust:1.96-slim-bookworm` to the "
            "mirrored `ghcr.io/5dlabs/mirror/rust:1.95-slim-bookworm`: the image's toolchain",
            "bolt",
            "docker_build",
            "build(image): build from the mirrored rust base to dodge Docker Hub limits",
            ["Dockerfile"],
            pr_of(
                PFX + "pr-rv-df",
                "build(image): use our ghcr mirror for the rust builder",
                "Docker Hub rate limits keep biting the image job. Switch `FROM` to "
                "`ghcr.io/5dlabs/mirror/rust`, which mirrors the 1.95 tag.",
            ),
        ),
        (
            PFX + "image-cargo-rust-version-msrv-bump",
            "cargo inside BuildKit refuses to build: `rustc 1.95.0 is not supported ... requires "
            "rustc 1.96`; the Dockerfile's builder has been 1.95 for weeks and the change raised "
            "the crate's `rust-version` to 1.96 in Cargo.toml: the Rust manifest's MSRV bump",
            "rex",
            "rust_build",
            "chore(api): raise MSRV to 1.96",
            ["crates/healer-api/Cargo.toml", "crates/healer-api/src/queue.rs"],
            pr_of(
                PFX + "pr-rv-msrv",
                "chore(api): raise MSRV to 1.96",
                "Needed for the new `Vec::extract_if` in the queue. Bumps `rust-version`.",
            ),
        ),
    ):
        bk = shapes.BuildKit(cid, RUST_DF, context_kb=3412.2)
        bk.metadata()
        err = bk.run_until(5, inner, code=code)
        assert err
        ci(
            cid,
            desc,
            ["look-alike", "context-driven"],
            agent,
            ftype,
            workflow="image",
            job="build-push",
            steps=[checkout(), *buildx_setup(), buildx_step(bk.finish(err), err, image)],
            message=message,
            files=files,
            pr=pr,
        )


# ------------------------------------------------------------------ 3. Rust start-up env


def _env_main(var: str) -> str:
    return f"""
        use std::env;
        fn main() {{
            let port: u16 = env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
            let url = env::var("{var}").expect("{var} must be set");
            println!("listening on 0.0.0.0:{{port}} ({{}} bytes of config)", url.len());
        }}
    """


def rust_env() -> None:
    at(REPO)
    ns, app = "healer", "healer-api"
    image = "ghcr.io/5dlabs/healer-api:sha-"
    for cid, var, desc, agent, ftype, message, files, pr in (
        (
            PFX + "helm-wait-rust-panic-values-renamed-env",
            "DATABASE_URL",
            "`helm upgrade --wait` runs out of time; healer-api crashloops with `DATABASE_URL "
            "must be set: NotPresent` in Loki. The binary has read DATABASE_URL for a year; the "
            "change renamed the chart's env entry to `HEALER_DATABASE_URL` in values.yaml and "
            "the deployment template: the chart broke the contract",
            "bolt",
            "helm",
            "chore(chart): prefix the api's env vars with HEALER_",
            ["charts/healer-api/values.yaml", "charts/healer-api/templates/deployment.yaml"],
            pr_of(
                PFX + "pr-env-chart",
                "chore(chart): namespace env vars with HEALER_",
                "Renames `DATABASE_URL` to `HEALER_DATABASE_URL` (and friends) in the chart so "
                "they don't collide with the sidecar's.",
            ),
        ),
        (
            PFX + "helm-wait-rust-panic-code-new-env",
            "HEALER_QUEUE_URL",
            "`helm upgrade --wait` runs out of time; healer-api crashloops with `HEALER_QUEUE_URL "
            "must be set: NotPresent` in Loki. The chart is unchanged; the change is Rust code "
            "that now requires HEALER_QUEUE_URL with `expect` and no default, shipped without a "
            "chart value: the code introduced the broken requirement (rex; the fix is a default "
            "or the value in the same change)",
            "rex",
            "rust_test",
            "feat(api): read the queue endpoint from HEALER_QUEUE_URL",
            ["crates/healer-api/src/config.rs", "crates/healer-api/src/queue.rs"],
            pr_of(
                PFX + "pr-env-code",
                "feat(api): configurable queue endpoint",
                "The queue URL was hard-coded; read it from `HEALER_QUEUE_URL` instead.",
            ),
        ),
    ):
        logs = rust_crash("b53-env-" + var.lower(), {"src/main.rs": _env_main(var)})
        ctx = crashing(cid, ns, app, image + sha(cid)[:7], 101, logs)
        ci(
            cid,
            desc,
            ["look-alike", "context-driven"],
            agent,
            ftype,
            workflow="deploy-staging",
            job="helm",
            branch="main",
            steps=[checkout(), *kube_setup(), helm_wait_fail(app, "charts/healer-api", ns)],
            message=message,
            files=files,
            pr=pr,
            extra=ctx,
        )


# ------------------------------------------------------------------ 4. Node start-up env


def node_env() -> None:
    at(WEB)
    ns, app = "console", "console-ssr"
    for cid, var, desc, agent, ftype, message, files, pr in (
        (
            PFX + "rollout-node-invalid-url-values-renamed-env",
            "API_BASE_URL",
            "the rollout of console-ssr hits its progress deadline; the pods crash with "
            "`[config] API_BASE_URL is not set` and `TypeError: Invalid URL`; the server has read "
            "API_BASE_URL since launch (unchanged), and "
            "the change renamed the chart's value to "
            "`PUBLIC_API_URL` in the overlay values: the chart's rename",
            "bolt",
            "helm",
            "chore(chart): rename API_BASE_URL to PUBLIC_API_URL in console values",
            ["deploy/console/values.yaml", "deploy/console/values-staging.yaml"],
            pr_of(
                PFX + "pr-nenv-chart",
                "chore(chart): PUBLIC_ prefix for browser-visible settings",
                "Values only. Browser-visible settings get a PUBLIC_ prefix.",
            ),
        ),
        (
            PFX + "rollout-node-invalid-url-code-new-env",
            "PUBLIC_API_URL",
            "the rollout of console-ssr hits its progress deadline; the pods crash with "
            "`[config] PUBLIC_API_URL is not set` and `TypeError: Invalid URL`; the chart "
            "still sets API_BASE_URL, and the change is the SSR server's code switching to the "
            "new name without a fallback: the front-end change",
            "blaze",
            "frontend_test",
            "refactor(ssr): read PUBLIC_API_URL",
            ["server/config.mjs", "server/index.mjs"],
            pr_of(
                PFX + "pr-nenv-code",
                "refactor(ssr): PUBLIC_API_URL",
                "Align the SSR server with the Vite env naming.",
            ),
        ),
    ):
        logs = node_crash(
            "b53-nenv-" + var.lower(),
            {
                "server/config.mjs": f"const raw = process.env.{var};\n"
                f'if (!raw) console.error("[config] {var} is not set");\n'
                "export const api = new URL(raw);\n",
                "server/index.mjs": 'import { api } from "./config.mjs";\n'
                'console.log("proxying to", api.href);\n',
            },
            "server/index.mjs",
        )
        image = "ghcr.io/5dlabs/console-ssr:sha-" + sha(cid)[:7]
        ctx = crashing(cid, ns, app, image, 1, logs, port=3000)
        out = rollout("b53-nenv-" + var.lower(), ns, app, 3, 1, 2, deadline=True)
        ci(
            cid,
            desc,
            ["look-alike", "context-driven"],
            agent,
            ftype,
            repo=WEB,
            workflow="deploy",
            job="rollout",
            branch="main",
            steps=[
                checkout(WEB),
                *kube_setup(),
                failing(out, name="Wait for rollout", seconds=300),
            ],
            message=message,
            files=files,
            pr=pr,
            extra=ctx,
        )


# ------------------------------------------------------------------ 5. path dependency


def path_dep() -> None:
    at(REPO)
    for cid, dep, desc, agent, ftype, message, files, pr, co in (
        (
            PFX + "cargo-path-dep-missing-submodule-checkout",
            "vendor/wire-schema",
            "cargo cannot read `vendor/wire-schema/Cargo.toml` (os error 2); Cargo.toml's path "
            "has not changed and `vendor/wire-schema` is a git submodule; the change rewrote the "
            "workflow's checkout step and dropped `submodules: recursive`",
            "atlas",
            "git_error",
            "ci: simplify the checkout steps",
            [".github/workflows/ci.yml"],
            pr_of(
                PFX + "pr-pd-wf",
                "ci: simplify checkout",
                "Use one checkout step with defaults across jobs.",
            ),
            {},
        ),
        (
            PFX + "cargo-path-dep-wrong-path-in-manifest",
            "crates/wire_schema",
            "cargo cannot read `crates/wire_schema/Cargo.toml` (os error 2); the checkout is "
            "unchanged (with submodules) and the change edited the workspace Cargo.toml, "
            "pointing the dependency at `crates/wire_schema` while the crate lives in "
            "`crates/wire-schema`: the manifest's wrong path",
            "rex",
            "rust_deps",
            "refactor: move wire-schema into the workspace",
            ["Cargo.toml", "crates/healer-api/Cargo.toml", "crates/wire-schema/Cargo.toml"],
            pr_of(
                PFX + "pr-pd-toml",
                "refactor: wire-schema as a workspace member",
                "Moves the schema crate out of vendor/ into crates/.",
            ),
            {"submodules": "recursive"},
        ),
    ):
        path = real.crate(
            "b53-pd-" + agent,
            {
                "Cargo.toml": real.cargo_toml(
                    "healer-api", deps=f'wire-schema = {{ path = "{dep}" }}'
                ),
                "src/main.rs": "fn main() {}\n",
            },
        )
        (path / dep).mkdir(parents=True, exist_ok=True)
        lines, code = real.run(
            ["cargo", "build", "--locked"], path, env={"CARGO_NET_OFFLINE": "true"}
        )
        assert code, lines
        out = real.Out("cargo build --locked --all-targets", lines, code)
        ci(
            cid,
            desc,
            ["look-alike", "context-driven"],
            agent,
            ftype,
            workflow="ci",
            job="build",
            steps=[checkout(extra=co), *rust_setup(), failing(out, name="Build")],
            message=message,
            files=files,
            pr=pr,
        )


# ------------------------------------------------------------------ 6. Node too old


def node_syntax() -> None:
    at(WEB)
    out = real.sh(
        "b53-node-using",
        {
            "package.json": json.dumps(
                {
                    "name": "console",
                    "version": "2.4.0",
                    "private": True,
                    "type": "module",
                    "scripts": {"build": "node scripts/sitemap.mjs"},
                },
                indent=2,
            ),
            "scripts/sitemap.mjs": """
                import { open } from "node:fs/promises";

                export async function writeSitemap(routes) {
                  await using out = await open("dist/sitemap.xml", "w");
                  for (const r of routes) await out.write(`<url><loc>${r}</loc></url>\\n`);
                }
                await writeSitemap(["/", "/runs", "/agents"]);
            """,
        },
        "npm run build",
        "npm run build",
    )
    assert out.code, out.lines
    for cid, desc, agent, ftype, message, files, pr, setup in (
        (
            PFX + "node-using-syntax-nvmrc-downgraded",
            "`npm run build` dies on `SyntaxError` at an `await using` declaration under Node "
            "20; the workflow reads the version from `.nvmrc` (unchanged), and the change moved "
            "`.nvmrc` from 24 to `lts/iron` (20) while the build script uses explicit resource "
            "management: the front-end project's pin",
            "blaze",
            "frontend_build",
            "chore(console): pin .nvmrc to lts/iron to match the hosting runtime",
            [".nvmrc"],
            pr_of(
                PFX + "pr-ns-nvmrc",
                "chore: .nvmrc -> lts/iron",
                "Our hosting runtime is Node 20; pin .nvmrc so local dev matches.",
            ),
            uses(
                "actions/setup-node@v4",
                {"node-version-file": ".nvmrc", "cache": "npm"},
                [
                    "Resolved .nvmrc as lts/iron",
                    "Found in cache @ /opt/hostedtoolcache/node/20.20.2/x64",
                    "##[group]Environment details",
                    "node: v20.20.2",
                    "npm: 11.19.1",
                    "yarn: 1.22.22",
                    "##[endgroup]",
                ],
            ),
        ),
        (
            PFX + "node-using-syntax-workflow-node-version",
            "`npm run build` dies on `SyntaxError` at an `await using` declaration under Node "
            "20; `.nvmrc` says 24 and is unchanged; the change rewrote the workflow to a matrix "
            "with `node-version: 20` instead of `node-version-file: .nvmrc`: the workflow's "
            "runtime choice",
            "atlas",
            "general",
            "ci: share one node setup across the console jobs",
            [".github/workflows/console.yml"],
            pr_of(
                PFX + "pr-ns-wf",
                "ci: one node setup for all console jobs",
                "Dedupes the setup-node steps into the matrix; pins node-version explicitly.",
            ),
            uses(
                "actions/setup-node@v4",
                {"node-version": "20", "cache": "npm"},
                [
                    "Found in cache @ /opt/hostedtoolcache/node/20.20.2/x64",
                    "##[group]Environment details",
                    "node: v20.20.2",
                    "npm: 11.19.1",
                    "yarn: 1.22.22",
                    "##[endgroup]",
                ],
            ),
        ),
    ):
        ci(
            cid,
            desc,
            ["look-alike", "context-driven"],
            agent,
            ftype,
            repo=WEB,
            workflow="console",
            job="build",
            steps=[checkout(WEB), setup, npm_ci_ok(), failing(out, name="Build")],
            message=message,
            files=files,
            pr=pr,
        )


# ------------------------------------------------------------------ 7. clippy's toolchain


def clippy_toolchain() -> None:
    at(REPO)
    out = real.cargo(
        "b53-clippy-divceil",
        {
            "src/main.rs": """
                fn pages(len: usize) -> usize {
                    (len + 49) / 50
                }
                fn main() {
                    println!("{}", pages(std::env::args().count()));
                }
            """
        },
        ["clippy", "--all-targets", "--", "-D", "warnings"],
        shown="cargo clippy --workspace --all-targets -- -D warnings",
    )
    assert out.code, out.lines
    for cid, desc, agent, ftype, message, files, pr in (
        (
            PFX + "clippy-new-lint-rust-toolchain-bump",
            "clippy fails `-D warnings` on `manual_div_ceil` in code untouched for months; the "
            "change bumped `rust-toolchain.toml`'s channel from 1.82 to 1.95, bringing the lint: "
            "the Rust toolchain pin the project owns",
            "rex",
            "rust_clippy",
            "chore: rust 1.95",
            ["rust-toolchain.toml"],
            pr_of(
                PFX + "pr-ct-tc",
                "chore: bump toolchain to 1.95",
                "Bumps `rust-toolchain.toml` channel to 1.95.",
            ),
        ),
        (
            PFX + "clippy-new-lint-workflow-floating-stable",
            "clippy fails `-D warnings` on `manual_div_ceil` in code untouched for months; the "
            "repository has no rust-toolchain.toml and the change rewrote the workflow from "
            "`dtolnay/rust-toolchain@1.82.0` to `dtolnay/rust-toolchain@stable`, floating the "
            "toolchain: the workflow's change",
            "atlas",
            "workflow_syntax",
            "ci: track stable rust",
            [".github/workflows/ci.yml"],
            pr_of(
                PFX + "pr-ct-wf",
                "ci: use dtolnay/rust-toolchain@stable",
                "Stop pinning the toolchain version in the workflow.",
            ),
        ),
    ):
        ci(
            cid,
            desc,
            ["look-alike", "context-driven"],
            agent,
            ftype,
            workflow="ci",
            job="clippy",
            steps=[checkout(), *rust_setup(), failing(out, name="Clippy")],
            message=message,
            files=files,
            pr=pr,
        )


# ------------------------------------------------------------------ 8. tsc


def tsc_layers() -> None:
    at(WEB)
    out = real.tsc(
        "b53-tsc-strict",
        {
            "src/format.ts": """
                export function shortSha(sha) {
                  return sha.slice(0, 7);
                }
                export function label(run: { agent: string; attempt?: number }) {
                  return run.agent + " #" + run.attempt.toFixed(0);
                }
            """
        },
    )
    assert out.code, out.lines
    ci(
        PFX + "tsc-implicit-any-tsconfig-strict-flip",
        "tsc reports TS7006 implicit any and TS18048 possibly undefined in `src/format.ts`, "
        "which did not change; the change flipped `strict` to true in tsconfig.json: the "
        "front-end project's compiler settings",
        ["context-driven"],
        "blaze",
        "frontend_typecheck",
        repo=WEB,
        workflow="console",
        job="typecheck",
        steps=[checkout(WEB), *node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="chore(console): enable strict mode",
        files=["tsconfig.json"],
        pr=pr_of(PFX + "pr-strict", "chore(console): strict: true", "First step to strictness."),
    )

    at(REPO)
    out = real.tsc(
        "b53-tsc-bindings",
        {
            "src/bindings/Run.ts": """
                // This file was generated by [ts-rs](https://github.com/Aleph-Alpha/ts-rs). Do not edit this file manually.
                export type Run = { id: string, agent: string, finished_at: string | null, };
            """,
            "src/runs/duration.ts": """
                import type { Run } from "../bindings/Run";
                export function finishedDay(run: Run): string {
                  return run.finished_at.slice(0, 10);
                }
            """,
        },
    )
    assert out.code, out.lines
    ci(
        PFX + "tsc-possibly-null-ts-rs-bindings-from-rust",
        "tsc reports TS18047 `'run.finished_at' is possibly 'null'` in web code that did not "
        "change; the change made `finished_at` an `Option<String>` in the Rust model and "
        "regenerated the ts-rs binding `web/src/bindings/Run.ts`: the Rust API change",
        ["look-alike", "context-driven"],
        "rex",
        "rust_build",
        workflow="ci",
        job="web-typecheck",
        steps=[checkout(), *node_setup(), npm_ci_ok(), failing(out, name="Typecheck web")],
        message="feat(api): runs in progress have no finished_at",
        files=["crates/healer-api/src/models/run.rs", "web/src/bindings/Run.ts"],
        pr=pr_of(
            PFX + "pr-tsrs",
            "feat(api): finished_at is optional",
            "In-progress runs were reporting the epoch. `finished_at` is now `Option`; "
            "bindings regenerated with `cargo test export_bindings`.",
        ),
    )


# ------------------------------------------------------------------ 9. image tags


def image_tag() -> None:
    at(REPO)
    ns, app = "healer", "healer-worker"
    good = sha("fr-zza-tag")[:7]
    for cid, shown, desc, agent, ftype, message, files, pr in (
        (
            PFX + "rollout-imagepull-kustomize-overlay-typo",
            f"sha-{good[:6]}",
            "the rollout hits its progress deadline; the new pods are in ImagePullBackOff for "
            f"`healer-worker:sha-{good[:6]}` (not found); the release workflow is unchanged and "
            f"pushed `sha-{good}`, and the change hand-edited `newTag` in the production "
            "overlay's kustomization.yaml, dropping a character",
            "bolt",
            "k8s_manifest",
            f"deploy(prod): roll healer-worker to sha-{good[:6]}",
            ["deploy/overlays/prod/kustomization.yaml"],
            pr_of(
                PFX + "pr-tag-kust",
                "deploy(prod): healer-worker to the queue fix",
                "Bumps the prod overlay's `newTag`.",
            ),
        ),
        (
            PFX + "rollout-imagepull-release-workflow-tag-format",
            f"sha-{good}",
            "the rollout hits its progress deadline; the new pods are in ImagePullBackOff for "
            f"`healer-worker:sha-{good}` (not found); the overlay follows the documented "
            "`sha-<7>` scheme, and the change edited the release workflow's docker/metadata "
            "tags to `type=sha,format=long`, so the registry holds only the long-SHA tag",
            "atlas",
            "release_publish",
            "ci(release): tag images with the full commit sha",
            [".github/workflows/release.yml"],
            pr_of(
                PFX + "pr-tag-wf",
                "ci(release): long sha tags",
                "Short SHAs collided once; switch metadata-action to `format=long`.",
            ),
        ),
    ):
        ref = f"ghcr.io/5dlabs/healer-worker:{shown}"
        created, first, last = clock(cid)
        pods = [
            shapes.pod(
                pod_name(cid, app, str(i)),
                ns,
                app,
                ref,
                created=created,
                waiting=("ImagePullBackOff", f'Back-off pulling image "{ref}"'),
                phase="Pending",
            )
            for i in range(2)
        ]
        events: list[dict[str, Any]] = []
        for p in pods:
            name = p["metadata"]["name"]
            events += [
                shapes.event(
                    ns,
                    "Pod",
                    name,
                    "Failed",
                    f'Failed to pull image "{ref}": rpc error: code = NotFound desc = failed '
                    f'to pull and unpack image "{ref}": failed to resolve reference '
                    f'"{ref}": {ref}: not found',
                    first=first,
                    last=last,
                    count=4,
                ),
                shapes.event(
                    ns,
                    "Pod",
                    name,
                    "BackOff",
                    f'Back-off pulling image "{ref}"',
                    first=first,
                    last=last,
                    count=22,
                    type_="Normal",
                ),
            ]
        out = rollout("b53-tag-" + agent, ns, app, 3, 1, 3, deadline=True)
        ci(
            cid,
            desc,
            ["look-alike", "context-driven"],
            agent,
            ftype,
            workflow="deploy-prod",
            job="rollout",
            branch="main",
            steps=[
                checkout(),
                *kube_setup(),
                run(
                    "kubectl apply -k deploy/overlays/prod",
                    [
                        "configmap/healer-worker-config-7f9b2c5d8t unchanged",
                        "service/healer-worker unchanged",
                        "deployment.apps/healer-worker configured",
                    ],
                    name="Apply overlay",
                ),
                failing(out, name="Wait for rollout", seconds=300),
            ],
            message=message,
            files=files,
            pr=pr,
            extra={"kubernetes": {"pods": pods, "events": events}},
        )


# ------------------------------------------------------------------ 10. probe paths


def probe_path() -> None:
    at(REPO)
    ns, app = "healer", "healer-api"
    for cid, probe, desc, agent, ftype, message, files, pr in (
        (
            PFX + "rollout-readiness-404-chart-probe-path",
            "/readyz",
            "the rollout hits its progress deadline; the new pods run without restarts but never "
            "become Ready (`Readiness probe failed: HTTP probe failed with statuscode: 404` on "
            "`/readyz`); the API has served `/healthz` only, unchanged, and the change moved the "
            "chart's readinessProbe path to `/readyz`",
            "bolt",
            "helm",
            "chore(chart): use /readyz for readiness like the other services",
            ["charts/healer-api/values.yaml", "charts/healer-api/templates/deployment.yaml"],
            pr_of(
                PFX + "pr-probe-chart",
                "chore(chart): readiness on /readyz",
                "Consistency with the platform's other charts.",
            ),
        ),
        (
            PFX + "rollout-readiness-404-rust-route-moved",
            "/healthz",
            "the rollout hits its progress deadline; the new pods run without restarts but never "
            "become Ready (`Readiness probe failed: HTTP probe failed with statuscode: 404` on "
            "`/healthz`); the chart's probe is unchanged, and the change moved the axum health "
            "route from `/healthz` to `/health` in the Rust router",
            "rex",
            "rust_test",
            "refactor(api): mount health under /health",
            ["crates/healer-api/src/routes/mod.rs", "crates/healer-api/src/routes/health.rs"],
            pr_of(
                PFX + "pr-probe-code",
                "refactor(api): /health",
                "Shorter route, matches the OpenAPI doc.",
            ),
        ),
    ):
        image = "ghcr.io/5dlabs/healer-api:sha-" + sha(cid)[:7]
        created, first, last = clock(cid)
        pods = [
            shapes.pod(
                pod_name(cid, app, str(i)),
                ns,
                app,
                image,
                created=created,
                ready=False,
                port=8080,
                probe_path=probe,
            )
            for i in range(2)
        ]
        events = [
            shapes.event(
                ns,
                "Pod",
                p["metadata"]["name"],
                "Unhealthy",
                "Readiness probe failed: HTTP probe failed with statuscode: 404",
                first=first,
                last=last,
                count=31,
            )
            for p in pods
        ]
        out = rollout("b53-probe-" + agent, ns, app, 3, 1, 2, deadline=True)
        ci(
            cid,
            desc,
            ["look-alike", "context-driven"],
            agent,
            ftype,
            workflow="deploy-staging",
            job="rollout",
            branch="main",
            steps=[
                checkout(),
                *kube_setup(),
                failing(out, name="Wait for rollout", seconds=300),
            ],
            message=message,
            files=files,
            pr=pr,
            extra={"kubernetes": {"pods": pods, "events": events}},
        )


# ------------------------------------------------------------------ 11. plain cases


def plain() -> None:
    at(REPO)
    out = real.cargo(
        "b53-e0599",
        {
            "src/main.rs": """
                struct Queue { items: Vec<u32> }
                fn main() {
                    let q = Queue { items: vec![1, 2] };
                    println!("{}", q.items.first_mut_or_default());
                }
            """
        },
        ["build"],
        shown="cargo build --workspace",
    )
    ci(
        PFX + "plain-rustc-e0599",
        "cargo build fails with E0599 (no method on `Vec<u32>`) in the file the change edited",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        steps=[checkout(), *rust_setup(), failing(out, name="Build")],
        message="feat(queue): default the head item",
        files=["crates/healer-worker/src/queue.rs"],
    )

    at(WEB)
    out = real.vitest(
        "b53-vitest",
        {
            "src/badge.ts": 'export const badge = (n: number) => (n > 99 ? "99+" : `${n}`);\n',
            "src/badge.test.ts": """
                import { expect, test } from "vitest";
                import { badge } from "./badge";
                test("caps the badge at 99+", () => {
                  expect(badge(100)).toBe("99+");
                  expect(badge(99)).toBe("99+");
                });
            """,
        },
    )
    ci(
        PFX + "plain-vitest-assertion",
        "Vitest's `toBe` fails in the badge test the change added next to its component",
        ["obvious"],
        "blaze",
        "frontend_test",
        repo=WEB,
        workflow="console",
        job="test",
        steps=[checkout(WEB), *node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(console): cap the unread badge",
        files=["src/badge.ts", "src/badge.test.ts"],
    )

    at(REPO)
    out = real.yamllint(
        "b53-yamllint",
        {
            "charts/healer-worker/values.yaml": """
                replicaCount: 2
                image:
                  repository: ghcr.io/5dlabs/healer-worker
                  tag: ""
                resources:
                  limits:
                    memory: 512Mi
                  limits:
                    cpu: 500m
            """
        },
        ["charts/healer-worker/values.yaml"],
    )
    ci(
        PFX + "plain-yamllint-chart-values-duplicate-key",
        "yamllint rejects a duplicated `limits` key in the chart's values.yaml the change edited",
        ["obvious"],
        "bolt",
        "yaml_config",
        workflow="lint",
        job="yamllint",
        steps=[checkout(), failing(out, name="Lint YAML")],
        message="chore(chart): cpu limit for the worker",
        files=["charts/healer-worker/values.yaml"],
    )

    out = real.actionlint(
        "b53-actionlint",
        {
            "nightly.yml": """
                name: nightly
                on:
                  schedule:
                    - cron: "0 3 * * *"
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                      - run: cargo test --workspace
                  report:
                    needs: [tests]
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo done
            """
        },
    )
    ci(
        PFX + "plain-actionlint-needs-unknown-job",
        "actionlint rejects the nightly workflow the change added: `report` needs a job "
        "`tests` that does not exist",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="actionlint",
        steps=[checkout(), failing(out, name="actionlint")],
        message="ci: nightly test run",
        files=[".github/workflows/nightly.yml"],
    )
