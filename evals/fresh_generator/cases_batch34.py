"""Batch 34 of the fresh split (ids ``fr-zh-``): look-alikes decided by the log and the
change, not by cluster context.

- unknown flags: a ``.cargo/config.toml`` alias the change edited passing ``--deny-warnings``
  to clippy (rex), a package.json ``test`` script the change edited passing Jest's
  ``--runInBand`` to Vitest (blaze), a Dockerfile ``RUN cargo build --target-cpu`` the change
  edited (bolt), an unpinned ``cargo install`` of a coverage tool whose new release dropped a
  flag the workflow passes (atlas);
- Vite ``failed to resolve import``: an alias the change renamed in vite.config.js (blaze), an
  import whose case differs from the file the change renamed (blaze), a workspace package
  whose ``dist`` the workflow no longer builds first after the change reordered its steps
  (atlas);
- ESM/CJS: Jest's ``Unexpected token 'export'`` inside a dependency the change bumped to an
  ESM-only major (blaze, frontend_deps), ``ERR_REQUIRE_ESM`` after the workflow added Node 18
  to the matrix (atlas), Jest's ``Cannot use import statement outside a module`` after the
  change set ``transform: {}`` in jest.config.js (blaze);
- paths: ``could not find Cargo.toml`` after the workflow changed ``working-directory``
  (atlas) vs ``failed to read .../Cargo.toml`` after the change moved a path dependency's crate
  (rex); npm's ``Could not read package.json`` from a script the change left pointing at a
  moved package (blaze) vs a typo in the workflow's ``--prefix`` (atlas);
- formatting drift: ``cargo fmt --check`` after the change edited rustfmt.toml (rex) vs after
  the workflow switched to nightly rustfmt, which applies the unstable options stable ignored
  (atlas); Prettier after the change upgraded prettier 2 to 3 (blaze) vs after the change
  removed ``.prettierignore`` so generated files are checked (blaze);
- git inside build tools: a build.rs ``git describe`` failing after the workflow replaced
  checkout with a tarball download (atlas) vs a Vite plugin calling git in a Docker build whose
  ``.dockerignore`` the change made exclude ``.git`` (bolt);
- time bombs with a docs-only change: a Rust test's fixture token expired on 2026-10-31 (rex),
  a Vitest test hardcoding the current year (blaze);
- plain cases: rustc E0308, tsc TS2345, ESLint no-unused-vars.

Four cases are tagged ``obvious``: the moved path dependency and the three plain cases.
"""

from __future__ import annotations

import json
import re

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import run, uses
from helpers import buildx_setup, buildx_step

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
UI = "5dlabs/design-system"

NOGIT = {"GIT_CEILING_DIRECTORIES": str(real.RUNS)}


def build() -> None:
    unknown_flags()
    resolve_imports()
    esm_cjs()
    paths()
    formatting()
    git_in_tools()
    time_bombs()
    plain()


def _cargo_dir(cid: str, files: dict[str, str], script: str, shown: str) -> real.Out:
    """A shell command in a scratch crate (with a default Cargo.toml and main.rs)."""
    files = {"Cargo.toml": real.cargo_toml("healer"), "src/main.rs": "fn main() {}\n", **files}
    return real.sh(cid, files, script, shown, env={"CARGO_NET_OFFLINE": "true", **NOGIT})


def _node(cid: str, files: dict[str, str], script: str, shown: str) -> real.Out:
    return real.sh(cid, files, script, shown, env=NOGIT, node_modules=True)


def _in_image(lines: list[str], runner_dir: str) -> list[str]:
    """Output of a run inside the image's /app, with Vite's config bundle name pinned."""
    stamp = re.compile(r"timestamp-\d+-[0-9a-f]+\.mjs")
    return [
        stamp.sub("timestamp-1795979176525-01f6b33eb5be7.mjs", ln.replace(runner_dir, "/app"))
        for ln in lines
    ]


def _pkg(scripts: dict[str, str] | None = None, **extra: object) -> str:
    pkg: dict[str, object] = {"name": "console", "version": "1.8.0", "private": True}
    pkg.update(extra)
    if scripts:
        pkg["scripts"] = scripts
    return json.dumps(pkg, indent=2) + "\n"


# ------------------------------------------------------------------ 1. unknown flags


def unknown_flags() -> None:
    at(REPO)
    # 1a. rex: the change's cargo alias passes a flag clippy never had
    cid = "fr-zh-flag-cargo-alias-deny-warnings"
    cfg = '[alias]\nlint = "clippy --all-targets --deny-warnings"\nxt = "run -p xtask --"\n'
    out = _cargo_dir(cid, {".cargo/config.toml": cfg}, "cargo lint", "cargo lint")
    assert any("unexpected argument" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "`cargo lint` fails with `unexpected argument '--deny-warnings'`: the change rewrote "
        "the `lint` alias in .cargo/config.toml with a flag cargo/clippy does not have (it is "
        "`-- -D warnings`)",
        ["look-alike"],
        "rex",
        "rust_clippy",
        workflow="rust",
        job="lint",
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="chore(cargo): lint alias covers all targets and denies warnings",
        files=[".cargo/config.toml"],
        pr=pr_of(cid, "chore(cargo): lint alias covers all targets and denies warnings"),
    )

    # 1b. blaze: package.json test script passes Jest's flag to Vitest
    at(WEB)
    cid = "fr-zh-flag-vitest-runinband"
    files = {
        "src/sum.test.js": "import {test, expect} from 'vitest';\ntest('s', () => expect(1).toBe(1));\n"
    }
    out = real.npm_script(cid, files, {"test": "vitest run --runInBand"}, "test")
    assert out.code != 0, out.lines
    ci(
        cid,
        "npm test fails with Vitest's `Unknown option --runInBand`: the change edited the "
        "package.json test script and carried over a Jest-only flag",
        ["look-alike", "wrapper"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="test: run unit tests serially to stop the flaky port clashes",
        files=["package.json"],
        pr=pr_of(cid, "test: run unit tests serially", "The port clashes go away with runInBand."),
    )

    # 1c. bolt: Dockerfile RUN the change edited
    at(REPO)
    cid = "fr-zh-flag-dockerfile-target-cpu"
    out = _cargo_dir(
        cid,
        {},
        "cargo build --release --locked --target-cpu=native",
        "cargo build --release --locked --target-cpu=native",
    )
    assert out.code != 0
    dockerfile = (
        "FROM rust:1.95-bookworm AS build\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        "RUN cargo build --release --locked --target-cpu=native\n"
        "\n"
        "FROM gcr.io/distroless/cc-debian12\n"
        "COPY --from=build /app/target/release/healer /usr/local/bin/healer\n"
        'ENTRYPOINT ["/usr/local/bin/healer"]\n'
    )
    bk = shapes.BuildKit(cid, dockerfile, context_kb=903.4)
    bk.metadata()
    err = bk.run_until(4, out.lines, code=1)
    assert err
    image = "ghcr.io/5dlabs/healer:sha-" + sha(cid)[:7]
    ci(
        cid,
        "docker build fails in `RUN cargo build --release --locked --target-cpu=native` with "
        "cargo's `unexpected argument '--target-cpu'`: the change edited the Dockerfile's RUN "
        "line (the flag belongs in RUSTFLAGS)",
        ["look-alike", "wrapper"],
        "bolt",
        "docker_build",
        workflow="rust",
        job="image",
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="build(image): native CPU tuning for the release binary",
        files=["Dockerfile"],
        pr=pr_of(cid, "build(image): native CPU tuning for the release binary"),
    )

    # 1d. atlas: unpinned cargo install of a tool whose new release dropped a flag
    cid = "fr-zh-flag-unpinned-llvm-cov"
    install = run(
        "cargo install cargo-llvm-cov --locked",
        [
            "    Updating crates.io index",
            " Downloading crates ...",
            "  Downloaded cargo-llvm-cov v0.8.0",
            "  Installing cargo-llvm-cov v0.8.0",
            "   Compiling cargo-llvm-cov v0.8.0",
            "    Finished `release` profile [optimized] target(s) in 38.12s",
            "  Installing /home/runner/.cargo/bin/cargo-llvm-cov",
            "   Installed package `cargo-llvm-cov v0.8.0` (executable `cargo-llvm-cov`)",
        ],
        name="Install cargo-llvm-cov",
    )
    cov = run(
        "cargo llvm-cov --workspace --lcov --output-path lcov.info --fail-under-lines 70 "
        "--no-clean-profraw",
        [
            "error: unexpected argument '--no-clean-profraw' found",
            "",
            "Usage: cargo llvm-cov [OPTIONS] [-- <ARGS>...]",
            "",
            "For more information, try '--help'.",
        ],
        1,
        name="Coverage",
    )
    ci(
        cid,
        "coverage fails with cargo-llvm-cov's `unexpected argument '--no-clean-profraw'`: the "
        "workflow installs cargo-llvm-cov unpinned and today's run picked up a new release; "
        "the change only touched a handler",
        ["look-alike", "context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="coverage",
        job="rust-unit",
        steps=[*rust_setup(), install, cov],
        message="fix(api): return 404 for unknown runs instead of 500",
        files=["crates/healer-api/src/runs.rs"],
        pr=pr_of(cid, "fix(api): return 404 for unknown runs instead of 500"),
    )


# ------------------------------------------------------------------ 2. resolve imports

INDEX = '<div id="app"></div><script type="module" src="/src/main.js"></script>\n'


def _vite(cid: str, files: dict[str, str], extra: dict[str, str] | None = None) -> real.Out:
    out = real.npm_script(
        cid, {"index.html": INDEX, **files}, {"build": "vite build"}, "build", extra
    )
    assert out.code != 0, out.lines
    return out


def resolve_imports() -> None:
    at(WEB)
    # 2a. blaze: alias renamed in vite.config.js, import still on the old one
    cid = "fr-zh-resolve-vite-alias-renamed"
    out = _vite(
        cid,
        {
            "vite.config.js": "import { fileURLToPath } from 'node:url';\n"
            "export default { resolve: { alias: { '@shared': fileURLToPath(new URL('./src/lib', import.meta.url)) } } };\n",
            "src/lib/format.js": "export const money = (c) => (c / 100).toFixed(2);\n",
            "src/main.js": "import { money } from '@lib/format.js';\n"
            "document.querySelector('#app').textContent = money(1999);\n",
        },
    )
    ci(
        cid,
        "vite build cannot resolve `@lib/format.js`: the change renamed the alias `@lib` to "
        "`@shared` in vite.config.js and left src/main.js importing the old name",
        ["look-alike", "wrapper"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build")],
        message="refactor(web): rename the @lib alias to @shared",
        files=["vite.config.js", "tsconfig.json"],
        pr=pr_of(cid, "refactor(web): rename the @lib alias to @shared"),
    )

    # 2b. blaze: import case differs from the renamed file (case-sensitive runner)
    cid = "fr-zh-resolve-case-rename"
    out = _vite(
        cid,
        {
            "src/components/UserCard.js": "export const userCard = (u) => `<b>${u}</b>`;\n",
            "src/main.js": "import { userCard } from './components/userCard.js';\n"
            "document.querySelector('#app').innerHTML = userCard('ada');\n",
        },
    )
    ci(
        cid,
        "vite build cannot resolve `./components/userCard.js` on the Linux runner: the change "
        "renamed userCard.js to UserCard.js (macOS's case-insensitive disk hid it) without "
        "updating the import",
        ["look-alike", "wrapper"],
        "blaze",
        "frontend_build",
        workflow="ci",
        job="build (ubuntu-latest)",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build")],
        message="style(components): PascalCase component file names",
        files=["src/components/UserCard.js", "src/components/userCard.js"],
        pr=pr_of(cid, "style(components): PascalCase component file names", "Renames only."),
    )

    # 2c. atlas: the workflow builds the app before the workspace package it imports
    at(UI)
    cid = "fr-zh-resolve-workspace-order"
    files = {
        "packages/tokens/package.json": json.dumps(
            {
                "name": "@acme/tokens",
                "version": "0.4.0",
                "type": "module",
                "main": "dist/index.js",
                "exports": {".": "./dist/index.js"},
            }
        ),
        "packages/tokens/src/index.ts": "export const colors = { brand: '#5d3fd3' };\n",
        "vite.config.js": "export default { resolve: { alias: { '@acme/tokens': "
        "new URL('./packages/tokens/dist/index.js', import.meta.url).pathname } } };\n",
        "src/main.js": "import { colors } from '@acme/tokens';\n"
        "document.querySelector('#app').style.color = colors.brand;\n",
    }
    out = _vite(cid, files)
    ci(
        cid,
        "vite build fails to resolve the workspace package `@acme/tokens` (its dist/ does not "
        "exist yet): the change reordered the workflow so the app builds before the tokens "
        "package; no source changed",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="ci",
        job="build",
        repo=UI,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build docs site")],
        message="ci: build the docs site first so preview deploys start sooner",
        files=[".github/workflows/ci.yml"],
        pr=pr_of(
            cid,
            "ci: build the docs site first so preview deploys start sooner",
            "Moves the `Build docs site` step above `Build tokens` in ci.yml.",
        ),
    )


# ------------------------------------------------------------------ 3. ESM / CJS

ESM_DEP = {
    "vendor/slugid/package.json": json.dumps(
        {"name": "slugid", "version": "5.0.0", "type": "module", "exports": "./index.js"}
    ),
    "vendor/slugid/index.js": "export const slug = (s) => s.toLowerCase().replace(/\\W+/g, '-');\n",
}


def esm_cjs() -> None:
    at(WEB)
    # 3a. blaze/frontend_deps: the change bumped to an ESM-only major, Jest runs CJS
    cid = "fr-zh-esm-jest-esm-only-major"
    out = real.jest(
        cid,
        {
            **ESM_DEP,
            "jest.config.js": "module.exports = { moduleNameMapper: { '^slugid$': '<rootDir>/vendor/slugid/index.js' } };\n",
            "src/title.js": "const { slug } = require('slugid');\nmodule.exports = { title: (t) => slug(t) };\n",
            "src/title.test.js": "const { title } = require('./title');\ntest('slug', () => expect(title('A B')).toBe('a-b'));\n",
        },
    )
    assert out.code != 0, out.lines
    # the scratch maps slugid through moduleNameMapper; the runner has it in node_modules
    out = real.Out(
        out.command,
        [ln.replace("/vendor/slugid/", "/node_modules/slugid/") for ln in out.lines],
        out.code,
    )
    ci(
        cid,
        "Jest fails with `SyntaxError: Unexpected token 'export'` inside slugid: the change "
        "bumped slugid 4 -> 5, which ships ESM only, and the CommonJS Jest setup does not "
        "transform node_modules",
        ["look-alike"],
        "blaze",
        "frontend_deps",
        workflow="web",
        job="test",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Jest")],
        message="chore(deps): bump slugid from 4.2.1 to 5.0.0",
        files=["package.json", "package-lock.json"],
        pr=pr_of(
            cid, "chore(deps): bump slugid from 4.2.1 to 5.0.0", "Bumps slugid. Breaking: ESM only."
        ),
    )

    # 3b. atlas: the workflow lowered Node to 18; require(esm) is a Node 20.19+ feature
    cid = "fr-zh-esm-require-node18-matrix"
    out = real.sh(
        cid,
        {
            "node_modules/slugid/package.json": ESM_DEP["vendor/slugid/package.json"],
            "node_modules/slugid/index.js": ESM_DEP["vendor/slugid/index.js"],
            "scripts/gen-routes.cjs": "const { slug } = require('slugid');\nconsole.log(slug('Runs Page'));\n",
        },
        "node --no-experimental-require-module scripts/gen-routes.cjs",
        "node scripts/gen-routes.cjs",
    )
    assert any("ERR_REQUIRE_ESM" in ln for ln in out.lines), out.lines
    lines = [ln.replace("v20.20.2", "v18.20.8") for ln in out.lines]
    setup18 = uses(
        "actions/setup-node@v4",
        {"node-version": "18", "cache": "npm"},
        [
            "Found in cache @ /opt/hostedtoolcache/node/18.20.8/x64",
            "##[group]Environment details",
            "node: v18.20.8",
            "npm: 10.8.2",
            "yarn: 1.22.22",
            "##[endgroup]",
        ],
    )
    ci(
        cid,
        "`node scripts/gen-routes.cjs` fails with ERR_REQUIRE_ESM on the Node 18 leg: the "
        "change added Node 18 to the workflow's matrix, and require() of the ESM-only slugid "
        "works only on Node 20.19+ (the 20 leg passes)",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="web",
        job="build (18)",
        repo=WEB,
        steps=[
            setup18,
            npm_ci_ok(),
            failing(real.Out(out.command, lines, out.code), name="Generate routes"),
        ],
        message="ci: test the console on Node 18 as well",
        files=[".github/workflows/web.yml"],
        pr=pr_of(cid, "ci: test the console on Node 18 as well", "Some self-hosters still run 18."),
    )

    # 3c. blaze: jest.config.js rewritten in ESM syntax in a CommonJS package
    cid = "fr-zh-esm-jest-config-import"
    out = real.jest(
        cid,
        {
            "jest.config.js": "module.exports = { testEnvironment: 'node', transform: {} };\n",
            "src/sum.js": "export const sum = (a, b) => a + b;\n",
            "src/sum.test.js": "import { sum } from './sum';\ntest('sum', () => expect(sum(1, 2)).toBe(3));\n",
        },
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "Jest fails on `Cannot use import statement outside a module` in src/sum.test.js: the "
        "change set `transform: {}` in jest.config.js, turning off babel-jest for the ESM test "
        "files",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="test",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Jest")],
        message="chore(test): modernise jest config",
        files=["jest.config.js"],
        pr=pr_of(cid, "chore(test): modernise jest config"),
    )


# ------------------------------------------------------------------ 4. paths


def paths() -> None:
    at(REPO)
    # 4a. atlas: working-directory changed to a directory without Cargo.toml
    cid = "fr-zh-path-working-directory-services"
    out = real.sh(
        cid,
        {"services/README.md": "# services\n"},
        "cd services && cargo test --locked",
        "cargo test --locked",
        env=NOGIT,
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "cargo test fails with `could not find Cargo.toml in .../services`: the change set the "
        "job's `working-directory: services` in the workflow, but the crate is services/api",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="api",
        job="test",
        steps=[*rust_setup(), failing(out, name="Test")],
        message="ci(api): run the api tests from the services directory",
        files=[".github/workflows/api.yml"],
        pr=pr_of(cid, "ci(api): run the api tests from the services directory"),
    )

    # 4b. rex: the change moved a crate; a path dependency still points at the old place
    cid = "fr-zh-path-moved-crate-path-dep"
    out = _cargo_dir(
        cid,
        {
            "Cargo.toml": real.cargo_toml("healer", 'healer-core = { path = "core" }'),
            "crates/core/Cargo.toml": real.cargo_toml("healer-core"),
            "crates/core/src/lib.rs": "pub fn id() -> u32 { 1 }\n",
        },
        "cargo test --locked",
        "cargo test --locked",
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "cargo fails to read core/Cargo.toml: the change moved the healer-core crate to "
        "crates/core and left the root Cargo.toml's path dependency on `core`",
        ["look-alike", "obvious"],
        "rex",
        "rust_deps",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), failing(out, name="Test")],
        message="refactor: move healer-core under crates/",
        files=[
            "core/Cargo.toml",
            "crates/core/Cargo.toml",
            "core/src/lib.rs",
            "crates/core/src/lib.rs",
        ],
        pr=pr_of(cid, "refactor: move healer-core under crates/"),
    )

    # 4c. blaze: the change's npm script points at a moved package
    at(WEB)
    cid = "fr-zh-path-npm-prefix-script"
    out = real.npm_script(
        cid,
        {"libs/ui/package.json": _pkg({"build": "echo ui"})},
        {"build:ui": "npm --prefix packages/ui run build", "build": "npm run build:ui"},
        "build",
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "npm run build fails with ENOENT on packages/ui/package.json: the change moved "
        "packages/ui to libs/ui and kept the root package.json's `build:ui` script on the old "
        "path",
        ["look-alike", "wrapper"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build")],
        message="refactor: packages/ui -> libs/ui",
        files=["libs/ui/package.json", "packages/ui/package.json", "package.json"],
        pr=pr_of(cid, "refactor: packages/ui -> libs/ui"),
    )

    # 4d. atlas: typo in the workflow's --prefix
    cid = "fr-zh-path-workflow-prefix-typo"
    out = real.sh(
        cid,
        {"webapp/package.json": _pkg()},
        "npm run build --prefix web-app",
        "npm run build --prefix web-app",
        env=NOGIT,
    )
    out = real.Out(out.command, [ln for ln in out.lines if ".npm/_logs" not in ln], out.code)
    assert out.code != 0, out.lines
    ci(
        cid,
        "npm run build fails with ENOENT on web-app/package.json: the change added `--prefix "
        "web-app` to the workflow's build step, but the directory is webapp",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="deploy-preview",
        job="install",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Build preview")],
        message="ci: install from the app directory",
        files=[".github/workflows/deploy-preview.yml"],
        pr=pr_of(cid, "ci: install from the app directory"),
    )


def formatting() -> None:
    at(REPO)
    # 5a. rex: the change edited rustfmt.toml
    cid = "fr-zh-fmt-rustfmt-toml-max-width"
    src = (
        "use std::collections::HashMap;\n\n"
        "pub fn route(kind: &str, table: &HashMap<String, String>) -> Option<String> {\n"
        "    table.get(kind).cloned()\n}\n\n"
        "fn main() {\n    let t = HashMap::new();\n"
        '    println!("{:?}", route("rust", &t));\n}\n'
    )
    out = _cargo_dir(
        cid,
        {"rustfmt.toml": 'max_width = 72\nedition = "2021"\n', "src/main.rs": src},
        "cargo fmt --all -- --check",
        "cargo fmt --all -- --check",
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "cargo fmt --check reports diffs in files the change did not touch: the change set "
        "`max_width = 72` in rustfmt.toml without reformatting the crate",
        ["look-alike"],
        "rex",
        "rust_fmt",
        workflow="rust",
        job="fmt",
        steps=[*rust_setup(), failing(out, name="Format")],
        message="style: narrower lines for side-by-side review",
        files=["rustfmt.toml"],
        pr=pr_of(cid, "style: narrower lines for side-by-side review"),
    )

    # 5b. atlas: the workflow switched to nightly rustfmt, which applies unstable options
    cid = "fr-zh-fmt-nightly-unstable-options"
    files = {
        "rustfmt.toml": 'imports_granularity = "Crate"\ngroup_imports = "StdExternalCrate"\n',
        "src/main.rs": "use std::fmt;\nuse std::io;\n\nfn main() {\n"
        "    let _ = io::stdout();\n    let _: Option<fmt::Error> = None;\n}\n",
    }
    stable = _cargo_dir(
        cid + "-stable", files, "cargo fmt --all -- --check", "cargo fmt --all -- --check"
    )
    assert stable.code == 0, stable.lines
    out = _cargo_dir(
        cid, files, "cargo +nightly fmt --all -- --check", "cargo fmt --all -- --check"
    )
    assert out.code != 0, out.lines
    nightly = uses(
        "dtolnay/rust-toolchain@nightly",
        {"components": "rustfmt"},
        [
            "info: syncing channel updates for 'nightly-x86_64-unknown-linux-gnu'",
            "info: default toolchain set to 'nightly-x86_64-unknown-linux-gnu'",
        ],
    )
    ci(
        cid,
        "cargo fmt --check reports merged imports: the change switched the fmt job to nightly "
        "rustfmt, which applies rustfmt.toml's unstable imports_granularity that stable "
        "ignored; no Rust source changed",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="rust",
        job="fmt",
        steps=[nightly, failing(out, name="Format")],
        message="ci: use nightly rustfmt",
        files=[".github/workflows/rust.yml"],
        pr=pr_of(
            cid, "ci: use nightly rustfmt", "Stable prints warnings for our unstable options."
        ),
    )

    # 5c. blaze: prettier 2 -> 3 (trailingComma default "all")
    at(WEB)
    p2 = (
        'export const columns = {\n  id: "Run",\n  status: "Status",\n  agent: "Agent",\n};\n\n'
        "export function describeRun(\n  runIdentifier,\n  statusDescription,\n"
        "  assignedAgentName,\n  options\n) {\n  return runIdentifier;\n}\n"
    )
    api = (
        'export const api = {\n  base: "/api",\n  retries: 3,\n};\n\n'
        "export const listRuns = (client) =>\n  client.request(\n"
        '    "GET",\n    `${api.base}/runs?include=agent,status,attempts,duration`,\n'
        "    api.retries\n  );\n"
    )
    cid = "fr-zh-fmt-prettier3-upgrade"
    out = _node(
        cid,
        {"package.json": _pkg(), "src/columns.js": p2, "src/api.js": api},
        "prettier --check src",
        "npx prettier --check src",
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "prettier --check flags files the change did not touch: the change bumped prettier "
        '2.8.8 -> 3.3.3, whose trailingComma default is now "all"',
        ["look-alike"],
        "blaze",
        "frontend_lint",
        workflow="web",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Prettier")],
        message="chore(deps-dev): bump prettier from 2.8.8 to 3.3.3",
        files=["package.json", "package-lock.json"],
        pr=pr_of(cid, "chore(deps-dev): bump prettier from 2.8.8 to 3.3.3"),
    )

    # 5d. blaze: .prettierignore removed; generated client now checked
    cid = "fr-zh-fmt-prettierignore-removed"
    out = _node(
        cid,
        {
            "package.json": _pkg(),
            "src/app.js": 'export const app = { name: "console" };\n',
            "src/generated/api.js": '/* eslint-disable */\n// generated by openapi-typescript-codegen\nexport const paths = {"/runs":{get:{operationId:"listRuns"}},"/runs/{id}":{get:{operationId:"getRun"}}}\n',
        },
        "prettier --check .",
        "npx prettier --check .",
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "prettier --check flags src/generated/api.js: the change deleted .prettierignore "
        '("unused"), so the generated OpenAPI client is now checked',
        ["look-alike"],
        "blaze",
        "frontend_lint",
        workflow="web",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Prettier")],
        message="chore: remove unused config files",
        files=[".prettierignore", ".editorconfig"],
        pr=pr_of(cid, "chore: remove unused config files"),
    )


# ------------------------------------------------------------------ 6. git inside build tools


def git_in_tools() -> None:
    at(REPO)
    # 6a. atlas: build.rs git describe after the workflow switched to a tarball download
    cid = "fr-zh-git-buildrs-tarball"
    build_rs = (
        "use std::process::Command;\n\nfn main() {\n"
        '    let out = Command::new("git").args(["describe", "--tags", "--always"])\n'
        '        .output().expect("git");\n'
        "    if !out.status.success() {\n"
        '        panic!("git describe failed: {}", String::from_utf8_lossy(&out.stderr));\n    }\n'
        "    let v = String::from_utf8(out.stdout).unwrap();\n"
        '    println!("cargo:rustc-env=HEALER_VERSION={}", v.trim());\n}\n'
    )
    out = _cargo_dir(
        cid,
        {"Cargo.toml": real.cargo_toml("healer", extra='build = "build.rs"'), "build.rs": build_rs},
        "cargo generate-lockfile --offline -q && cargo build --release --locked",
        "cargo build --release --locked",
    )
    assert out.code != 0, out.lines
    fetch = run(
        'curl -fsSL "https://codeload.github.com/${GITHUB_REPOSITORY}/tar.gz/${GITHUB_SHA}" '
        "| tar xz --strip-components=1",
        [],
        name="Fetch source",
    )
    ci(
        cid,
        "build.rs panics on `git describe`: `fatal: not a git repository`; the change replaced "
        "actions/checkout with a codeload tarball download in the release workflow, so the "
        "tree has no .git",
        ["look-alike", "context-driven"],
        "atlas",
        "git_error",
        workflow="release",
        job="build-linux",
        steps=[fetch, *rust_setup(), failing(out, name="Build release binary")],
        message="ci(release): fetch the source as a tarball, checkout is slow on big runners",
        files=[".github/workflows/release.yml"],
        pr=pr_of(cid, "ci(release): fetch the source as a tarball"),
    )

    # 6b. bolt: Vite plugin calls git inside a Docker build; .dockerignore now drops .git
    at(WEB)
    cid = "fr-zh-git-vite-dockerignore"
    cfg = (
        "import { execSync } from 'node:child_process';\n"
        "const sha = execSync('git rev-parse --short HEAD').toString().trim();\n"
        "export default { define: { __BUILD_SHA__: JSON.stringify(sha) } };\n"
    )
    out = real.npm_script(
        cid,
        {
            "index.html": INDEX,
            "vite.config.js": cfg,
            "src/main.js": "console.log(__BUILD_SHA__);\n",
        },
        {"build": "vite build"},
        "build",
    )
    assert out.code != 0, out.lines
    dockerfile = (
        "FROM node:20-alpine AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n"
        "COPY . .\nRUN apk add --no-cache git && npm run build\n\n"
        "FROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit(cid, dockerfile, context_kb=412.6)
    bk.metadata()
    err = bk.run_until(6, _in_image(out.lines, "/home/runner/work/console/console"), code=1)
    assert err
    image = "ghcr.io/5dlabs/console:sha-" + sha(cid)[:7]
    ci(
        cid,
        "docker build fails in `npm run build`: vite.config.js runs `git rev-parse` and git "
        "says `not a git repository`; the change added `.git` to .dockerignore, so the build "
        "context no longer carries it",
        ["look-alike", "wrapper"],
        "bolt",
        "docker_build",
        workflow="web",
        job="image",
        repo=WEB,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="build(image): slim the build context",
        files=[".dockerignore"],
        pr=pr_of(
            cid, "build(image): slim the build context", "Context drops from 48 MB to 400 kB."
        ),
    )


# ------------------------------------------------------------------ 7. time bombs


def time_bombs() -> None:
    at(REPO)
    # 7a. rex: fixture token expired; docs-only change
    cid = "fr-zh-time-fixture-token-expired"
    test = (
        "use std::time::{Duration, SystemTime, UNIX_EPOCH};\n\n"
        "/// fixtures/webhook_token.json: expires 2026-10-31T00:00:00Z\n"
        "const FIXTURE_EXPIRES: u64 = 1_793_404_800;\n\n"
        "pub fn valid(expires: u64, now: SystemTime) -> bool {\n"
        "    UNIX_EPOCH + Duration::from_secs(expires) > now\n}\n\n"
        "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n"
        "    #[test]\n    fn fixture_token_is_accepted() {\n"
        '        assert!(valid(FIXTURE_EXPIRES, SystemTime::now()), "fixture token rejected");\n'
        "    }\n}\n"
    )
    out = _cargo_dir(
        cid,
        {"src/main.rs": test},
        "cargo generate-lockfile --offline -q && cargo test --locked",
        "cargo test --locked",
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "fixture_token_is_accepted fails on a docs-only change: the test checks a fixture token "
        "against the real clock and the fixture expired on 2026-10-31; the test data aged",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), failing(out, name="Test")],
        message="docs: explain the webhook token rotation",
        files=["docs/webhooks.md"],
        pr=pr_of(cid, "docs: explain the webhook token rotation"),
    )

    # 7b. blaze: Vitest test hardcodes the year
    at(WEB)
    cid = "fr-zh-time-vitest-hardcoded-year"
    out = real.vitest(
        cid,
        {
            "src/footer.js": "export const copyright = () => `© ${new Date().getUTCFullYear()} 5D Labs`;\n",
            "src/footer.test.js": "import { test, expect } from 'vitest';\nimport { copyright } from './footer.js';\n"
            "test('footer copyright', () => {\n  expect(copyright()).toBe('© 2025 5D Labs');\n});\n",
        },
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "the footer test fails on a README-only change: it hardcodes `© 2025` while the "
        "component prints the current year",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Vitest")],
        message="docs: fix the dev-server port in README",
        files=["README.md"],
        pr=pr_of(cid, "docs: fix the dev-server port in README"),
    )


# ------------------------------------------------------------------ 8. plain


def plain() -> None:
    at(REPO)
    cid = "fr-zh-plain-rustc-e0308"
    src = 'fn retries(s: &str) -> u32 {\n    s.len()\n}\n\nfn main() {\n    println!("{}", retries("abc"));\n}\n'
    out = _cargo_dir(
        cid,
        {"src/main.rs": src},
        "cargo generate-lockfile --offline -q && cargo build --locked",
        "cargo build --locked",
    )
    assert out.code != 0
    ci(
        cid,
        "rustc E0308 in src/main.rs: `retries` returns usize where u32 is declared",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat: retries derived from the policy string",
        files=["src/main.rs"],
    )

    at(WEB)
    cid = "fr-zh-plain-tsc-ts2345"
    out = real.tsc(
        cid,
        {
            "src/runs.ts": "export function byId(id: number): string {\n  return `run-${id}`;\n}\n"
            "export const first = byId('42');\n"
        },
    )
    assert out.code != 0
    ci(
        cid,
        "tsc TS2345 in src/runs.ts: byId is called with a string where number is declared",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="web",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(runs): link the first run",
        files=["src/runs.ts"],
    )

    cid = "fr-zh-plain-eslint-unused"
    out = real.eslint(
        cid,
        {
            "src/badge.js": "import { format } from './fmt.js';\nexport const badge = (s) => `[${s}]`;\n",
            "src/fmt.js": "export const format = (s) => s;\n",
        },
        rules='{"no-unused-vars": "error"}',
    )
    assert out.code != 0
    ci(
        cid,
        "ESLint no-unused-vars in src/badge.js: `format` is imported and never used",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="web",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="ESLint")],
        message="feat(ui): status badge",
        files=["src/badge.js"],
    )
