"""Batch 37 of the fresh split (ids ``fr-zk-``): look-alikes across the stack's boundaries,
where generated code and toolchains cross languages. The failing line is printed by one
language's tool while the root cause is in another owner's file, or in the runner.

- build scripts that run other toolchains: a build.rs that runs pnpm for the embedded console
  on a runner without pnpm (atlas) vs one whose ``npm run build`` fails on the change's broken
  frontend import (blaze); prost-style ``Could not find `protoc``` in a release workflow that
  never installs protoc (atlas) vs rustc E0560 on a struct generated from the .proto the change
  edited (rex);
- TypeScript bindings exported from Rust (ts-rs style): tsc TS2339 after the change renamed
  the Rust field (rex) vs TS2551 after the change edited the TS consumer (blaze);
- a Rust API's JSON contract under a Vitest e2e: 422 ``missing field `priority``` after the
  change made the Rust field required (rex) vs after the change renamed the field in the web
  client (blaze);
- wasm: an unpinned ``wasm-bindgen-cli`` whose new release no longer matches the locked crate
  (atlas); Rollup's ``is not exported by .../pkg/diff_wasm.js`` after the change renamed the
  Rust export (rex) vs after the change called a name the wasm package never had (blaze);
- native addons: a napi-style loader on the arm64 leg the change added, for which no prebuilt
  exists (atlas) vs ``node --test`` failing on the Rust CLI's own panic (rex);
- npm lifecycle scripts that run cargo: ``sh: 1: cargo: not found`` after the workflow moved
  the job into a Node-only container (atlas) vs rustc E0308 in the addon the change edited
  (rex);
- a Helm chart rendering config the Rust service rejects: the change renamed the Rust config
  field (rex) vs the change's chart template writes a misspelt key (bolt);
- one multi-stage Dockerfile: BuildKit's own ``COPY --from=web`` finding nothing after the
  change moved the web stage's WORKDIR (bolt), ``RUN npm run build`` failing on tsc TS2322
  (blaze), ``RUN cargo build --locked`` on a stale Cargo.lock (rex);
- wrappers: ``make ci`` whose cargo test and tsc pass before kustomize fails (bolt), ``make
  wasm`` on a self-hosted runner whose image lost wasm-pack under a Rust-only change (atlas);
  a Node generator the change edited writing Rust that rustc cannot parse (blaze);
- plain cases: a cargo test assertion, tsc TS2322, a Vitest assertion, a yamllint duplicate
  key in chart values.

Cases tagged ``obvious``: the four plain cases.
"""

from __future__ import annotations

import json
import re

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, passing, pr_of, rust_setup, sha
from gha import run, uses
from helpers import buildx_setup, buildx_step, crashing

REPO = "5dlabs/healer"
WEB = "5dlabs/console"

NOGIT = {"GIT_CEILING_DIRECTORIES": str(real.RUNS)}
LOCK = "cargo generate-lockfile --offline -q && "


def build() -> None:
    build_scripts()
    bindings()
    contract()
    wasm()
    native_addons()
    lifecycle()
    chart_config()
    dockerfile()
    wrappers()
    plain()


def _crate(
    cid: str,
    files: dict[str, str],
    script: str,
    shown: str,
    env: dict[str, str] | None = None,
    name: str = "healer",
    node_modules: bool = False,
) -> real.Out:
    """A shell command in a scratch crate (default Cargo.toml and main.rs)."""
    files = {"Cargo.toml": real.cargo_toml(name), "src/main.rs": "fn main() {}\n", **files}
    return real.sh(
        cid,
        files,
        script,
        shown,
        env={"CARGO_NET_OFFLINE": "true", **NOGIT, **(env or {})},
        node_modules=node_modules,
    )


def _moved(out: real.Out, runner: str, to: str) -> list[str]:
    return [ln.replace(runner, to) for ln in out.lines]


def _pkg(name: str = "console", scripts: dict[str, str] | None = None, **extra: object) -> str:
    pkg: dict[str, object] = {"name": name, "version": "1.8.0", "private": True}
    pkg.update(extra)
    if scripts:
        pkg["scripts"] = scripts
    return json.dumps(pkg, indent=2) + "\n"


def _node_test(cid: str, files: dict[str, str], env: dict[str, str] | None = None) -> real.Out:
    path = real.node_project(cid, files)
    lines, code = real.run(["node", "--test"], path, env=env)
    lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 1.228161", ln) for ln in lines]
    return real.Out("node --test", lines, code)


INDEX = '<div id="app"></div><script type="module" src="/src/main.js"></script>\n'


# ------------------------------------------------------------------ 1. build scripts


def build_scripts() -> None:
    at(REPO)
    # 1a. atlas: build.rs runs pnpm; the job's new container has no pnpm
    cid = "fr-zk-buildrs-pnpm-missing-in-container"
    build_rs = (
        "use std::process::Command;\n\n"
        "fn main() {\n"
        '    println!("cargo:rerun-if-changed=web/src");\n'
        '    println!("cargo:rerun-if-changed=web/pnpm-lock.yaml");\n'
        '    let status = Command::new("pnpm")\n'
        '        .args(["--dir", "web", "install", "--frozen-lockfile"])\n'
        "        .status()\n"
        '        .expect("failed to run pnpm for the embedded console (web/)");\n'
        '    assert!(status.success(), "pnpm install failed: {status}");\n'
        '    let status = Command::new("pnpm")\n'
        '        .args(["--dir", "web", "build"])\n'
        "        .status()\n"
        '        .expect("failed to run pnpm for the embedded console (web/)");\n'
        '    assert!(status.success(), "pnpm build failed: {status}");\n'
        "}\n"
    )
    out = _crate(
        cid,
        {
            "Cargo.toml": real.cargo_toml("healer-server", extra='build = "build.rs"'),
            "build.rs": build_rs,
        },
        LOCK + "cargo build --release --locked",
        "cargo build --release --locked",
        name="healer-server",
    )
    assert any("NotFound" in ln for ln in out.lines), out.lines
    container = run(
        "cargo --version && rustc --version",
        ["cargo 1.95.0 (f2d3ce0bd 2026-03-21)", "rustc 1.95.0 (59807616e 2026-04-14)"],
        name="Toolchain",
    )
    ci(
        cid,
        "build.rs panics with `failed to run pnpm ... NotFound`: the change moved the Rust "
        "build job into `container: rust:1.95-slim-bookworm`, which has no Node or pnpm for "
        "the console the server embeds; no Rust or web source changed",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="server",
        job="build",
        steps=[container, failing(out, name="Build server")],
        message="ci(server): build inside the rust slim image to match the Dockerfile",
        files=[".github/workflows/server.yml"],
        pr=pr_of(
            cid,
            "ci(server): build inside the rust slim image to match the Dockerfile",
            "Replaces setup-node/pnpm/action-setup and rust-toolchain with `container: "
            "rust:1.95-slim-bookworm`.",
        ),
    )

    # 1b. blaze: build.rs runs npm run build; the change broke a frontend import
    cid = "fr-zk-buildrs-npm-build-broken-import"
    build_rs = (
        "use std::process::Command;\n\n"
        "fn main() {\n"
        '    println!("cargo:rerun-if-changed=web/src");\n'
        '    let status = Command::new("npm")\n'
        '        .args(["run", "build"])\n'
        '        .current_dir("web")\n'
        "        .status()\n"
        '        .expect("failed to run npm for the embedded console (web/)");\n'
        '    assert!(status.success(), "npm run build (web/) failed: {status}");\n'
        "}\n"
    )
    out = _crate(
        cid,
        {
            "Cargo.toml": real.cargo_toml("healer-server", extra='build = "build.rs"'),
            "build.rs": build_rs,
            "web/package.json": _pkg(scripts={"build": "vite build"}, type="module"),
            "web/index.html": INDEX,
            "web/src/lib/time.js": "export const formatElapsed = (ms) => `${Math.round(ms / 1000)}s`;\n",
            "web/src/main.js": "import { formatDuration } from './lib/time.js';\n"
            "document.querySelector('#app').textContent = formatDuration(61000);\n",
        },
        LOCK + "cargo build --release --locked",
        "cargo build --release --locked",
        name="healer-server",
        node_modules=True,
    )
    assert any("is not exported by" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "build.rs panics with `npm run build (web/) failed`: the Vite build it runs says "
        '`"formatDuration" is not exported by "src/lib/time.js"`; the change renamed the '
        "helper to formatElapsed in web/src/lib/time.js and left web/src/main.js on the old "
        "name",
        ["look-alike", "wrapper"],
        "blaze",
        "frontend_build",
        workflow="server",
        job="build",
        steps=[*rust_setup(), *node_setup(), failing(out, name="Build server")],
        message="refactor(console): formatDuration -> formatElapsed",
        files=["web/src/lib/time.js"],
        pr=pr_of(cid, "refactor(console): formatDuration -> formatElapsed"),
    )

    # 1c. atlas: protoc missing in the release workflow
    cid = "fr-zk-buildrs-protoc-missing-release"
    msg = (
        "Could not find `protoc`. If `protoc` is installed, try setting the `PROTOC` "
        "environment variable to the path of the `protoc` binary. To install it on Debian, "
        "run `apt-get install protobuf-compiler`. It is also available at "
        "https://github.com/protocolbuffers/protobuf/releases  For more information: "
        "https://docs.rs/prost-build/#sourcing-protoc"
    )
    build_rs = (
        "use std::{env, io, process::Command};\n\n"
        "fn main() -> Result<(), Box<dyn std::error::Error>> {\n"
        '    println!("cargo:rerun-if-changed=proto/healer/v1/runs.proto");\n'
        '    let protoc = env::var_os("PROTOC").unwrap_or_else(|| "protoc".into());\n'
        '    match Command::new(&protoc).arg("--version").output() {\n'
        "        Ok(_) => Ok(()),\n"
        "        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(Box::new(io::Error::new(\n"
        "            io::ErrorKind::NotFound,\n"
        f'            "{msg}",\n'
        "        ))),\n"
        "        Err(e) => Err(e.into()),\n"
        "    }\n"
        "}\n"
    )
    out = _crate(
        cid,
        {
            "Cargo.toml": real.cargo_toml("healer-proto", extra='build = "build.rs"'),
            "build.rs": build_rs,
            "src/main.rs": "",
            "src/lib.rs": "",
        },
        LOCK + "cargo build --release --locked --target x86_64-unknown-linux-gnu",
        "cargo build --release --locked --target x86_64-unknown-linux-gnu",
        name="healer-proto",
    )
    assert any("Could not find `protoc`" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "release build fails in healer-proto's build script: `Could not find `protoc``; "
        "ci.yml installs protoc with arduino/setup-protoc, release.yml never did, and this is "
        "the first tag since healer-proto started compiling its .proto files",
        ["look-alike", "misleading-name"],
        "atlas",
        "general",
        workflow="release",
        job="build (x86_64-unknown-linux-gnu)",
        branch="v0.14.0",
        steps=[*rust_setup(), failing(out, name="Build release binary")],
        message="chore(release): v0.14.0",
        files=["CHANGELOG.md", "Cargo.toml", "Cargo.lock"],
    )

    # 1d. rex: the change edited the .proto; the handler builds the old field
    cid = "fr-zk-buildrs-proto-field-renamed-e0560"
    gen = (
        "use std::{env, fs, path::Path};\n\n"
        "fn main() {\n"
        '    println!("cargo:rerun-if-changed=proto/healer/v1/runs.proto");\n'
        '    let proto = fs::read_to_string("proto/healer/v1/runs.proto").unwrap();\n'
        '    let mut out = String::from("// @generated from proto/healer/v1/runs.proto\\n");\n'
        "    let mut open = false;\n"
        "    for line in proto.lines().map(str::trim) {\n"
        '        if let Some(rest) = line.strip_prefix("message ") {\n'
        "            let name = rest.trim_end_matches('{').trim();\n"
        "            out += &format!(\n"
        '                "#[derive(Clone, PartialEq, Debug, Default)]\\npub struct {name} {{\\n"\n'
        "            );\n"
        "            open = true;\n"
        '        } else if line == "}" && open {\n'
        '            out += "}\\n";\n'
        "            open = false;\n"
        "        } else if open && line.ends_with(';') {\n"
        "            let parts: Vec<&str> = line.split_whitespace().collect();\n"
        "            let ty = match parts[0] {\n"
        '                "string" => "String",\n'
        '                "uint32" => "u32",\n'
        '                "int64" => "i64",\n'
        '                "bool" => "bool",\n'
        "                other => other,\n"
        "            };\n"
        '            out += &format!("    pub {}: {},\\n", parts[1], ty);\n'
        "        }\n"
        "    }\n"
        '    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("healer.v1.rs");\n'
        "    fs::write(dest, out).unwrap();\n"
        "}\n"
    )
    proto = (
        'syntax = "proto3";\n\npackage healer.v1;\n\n'
        "message RunReply {\n  string id = 1;\n  string status = 2;\n  uint32 attempts = 3;\n}\n"
    )
    server = (
        "pub mod pb {\n"
        '    include!(concat!(env!("OUT_DIR"), "/healer.v1.rs"));\n'
        "}\n\n"
        "pub fn reply(run_id: &str, status: &str, attempts: u32) -> pb::RunReply {\n"
        "    pb::RunReply {\n"
        "        run_id: run_id.to_string(),\n"
        "        status: status.to_string(),\n"
        "        attempts,\n"
        "    }\n"
        "}\n"
    )
    out = _crate(
        cid,
        {
            "Cargo.toml": real.cargo_toml("healer-grpc", extra='build = "build.rs"'),
            "build.rs": gen,
            "proto/healer/v1/runs.proto": proto,
            "src/lib.rs": "pub mod server;\n",
            "src/server.rs": server,
            "src/main.rs": "",
        },
        LOCK + "cargo build --locked",
        "cargo build --locked",
        name="healer-grpc",
    )
    assert any("E0560" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "rustc E0560 in src/server.rs: `RunReply` has no field `run_id`; the change renamed "
        "the field to `id` in proto/healer/v1/runs.proto and the struct build.rs generates "
        "from it no longer matches the handler",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="grpc",
        job="build",
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(proto)!: RunReply.run_id -> RunReply.id",
        files=["proto/healer/v1/runs.proto"],
        pr=pr_of(
            cid,
            "feat(proto)!: RunReply.run_id -> RunReply.id",
            "Aligns the field with the REST API. Breaking for grpc clients.",
        ),
    )


# ------------------------------------------------------------------ 2. TS bindings from Rust

TS_RS_HEAD = (
    "// This file was generated by [ts-rs](https://github.com/Aleph-Alpha/ts-rs). "
    "Do not edit this file manually.\n\n"
)


def _export_bindings(cid: str, field: str) -> tuple[real.Out, str]:
    """A crate whose test writes bindings/Run.ts as ts-rs's export test does."""
    lib = (
        "pub struct Run {\n"
        "    pub id: String,\n"
        "    pub agent: String,\n"
        f"    pub {field}: String,\n"
        "    pub attempts: u32,\n"
        "}\n\n"
        "#[cfg(test)]\n"
        "mod tests {\n"
        "    #[test]\n"
        "    fn export_bindings_run() {\n"
        '        std::fs::create_dir_all("bindings").unwrap();\n'
        "        std::fs::write(\n"
        '            "bindings/Run.ts",\n'
        f'            "{TS_RS_HEAD.replace(chr(10), chr(92) + "n")}export type Run = {{ '
        f'id: string, agent: string, {field}: string, attempts: number, }};\\n",\n'
        "        )\n"
        "        .unwrap();\n"
        "    }\n"
        "}\n"
    )
    out = _crate(
        cid + "-export",
        {"Cargo.toml": real.cargo_toml("healer-api"), "src/lib.rs": lib, "src/main.rs": ""},
        LOCK + "cargo test --locked -p healer-api export_bindings",
        "cargo test --locked -p healer-api export_bindings",
        name="healer-api",
    )
    assert out.code == 0, out.lines
    text = (real.RUNS / (cid + "-export") / "bindings" / "Run.ts").read_text()
    return out, text


def bindings() -> None:
    at(REPO)
    row = (
        "import type { Run } from './bindings/Run';\n\n"
        "export function runRow(run: Run): string {\n"
        "  return `${run.id} ${run.agent} ${run.started_at} (${run.attempts})`;\n"
        "}\n"
    )
    # 2a. rex: the change renamed the Rust field; the exported type follows it
    cid = "fr-zk-bindings-rust-field-renamed"
    export, ts = _export_bindings(cid, "created_at")
    out = real.tsc(cid, {"src/bindings/Run.ts": ts, "src/runRow.ts": row})
    assert any("TS2339" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "tsc TS2339 `Property 'started_at' does not exist on type 'Run'` in the console: Run "
        "is exported from Rust by ts-rs, and the change renamed the Rust field started_at to "
        "created_at (the regenerated bindings/Run.ts came with it); the TS consumer did not "
        "change",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="bindings",
        job="typecheck",
        steps=[
            *rust_setup(),
            passing(export, name="Export TS bindings"),
            run("cp crates/healer-api/bindings/*.ts web/src/bindings/", [], name="Copy bindings"),
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Typecheck console"),
        ],
        message="refactor(api): Run.started_at -> Run.created_at",
        files=["crates/healer-api/src/run.rs", "web/src/bindings/Run.ts"],
        pr=pr_of(
            cid,
            "refactor(api): Run.started_at -> Run.created_at",
            "The timestamp is set when the run is queued, not when it starts.",
        ),
    )

    # 2b. blaze: bindings unchanged; the change edited the TS consumer
    cid = "fr-zk-bindings-ts-consumer-camelcase"
    export, ts = _export_bindings(cid, "started_at")
    row2 = row.replace("run.started_at", "run.startedAt")
    out = real.tsc(cid, {"src/bindings/Run.ts": ts, "src/runRow.ts": row2})
    assert any("TS2551" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "tsc TS2551 `Property 'startedAt' does not exist on type 'Run'. Did you mean "
        "'started_at'?`: the change edited web/src/runRow.ts to camelCase; the Rust struct "
        "and its exported bindings did not change",
        [],
        "blaze",
        "frontend_typecheck",
        workflow="bindings",
        job="typecheck",
        steps=[
            *rust_setup(),
            passing(export, name="Export TS bindings"),
            run("cp crates/healer-api/bindings/*.ts web/src/bindings/", [], name="Copy bindings"),
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Typecheck console"),
        ],
        message="style(console): camelCase in the run row",
        files=["web/src/runRow.ts"],
        pr=pr_of(cid, "style(console): camelCase in the run row"),
    )


# ------------------------------------------------------------------ 3. JSON contract e2e

E2E_TEST = (
    "import { test, expect } from 'vitest';\n"
    "import { createRun } from '../src/api/createRun.js';\n\n"
    "const base = process.env.API_URL;\n\n"
    "test('creates a run from the console form', async () => {\n"
    "  const res = await createRun(base, { repo: '5dlabs/healer', agent: 'rex', urgent: true });\n"
    "  expect(res.status, await res.text()).toBe(201);\n"
    "});\n"
)


def _e2e(cid: str, client: str) -> real.Out:
    body = (
        "Failed to deserialize the JSON body into the target type: missing field "
        "`priority` at line 1 column "
    )

    def answer(req):
        return 422, body + "49", "text/plain; charset=utf-8"

    path = real.node_project(
        cid,
        {"e2e/runs.e2e.test.js": E2E_TEST, "src/api/createRun.js": client},
    )
    with real.serve(answer) as port:
        lines, code = real.run(
            ["vitest", "run", "e2e"],
            path,
            env={"API_URL": f"http://127.0.0.1:{port}"},
            hosts={f"127.0.0.1:{port}": "localhost:8080"},
        )
    # the job runs in web/ (working-directory); vitest prints that root
    lines = [
        ln.replace(f" RUN  v2.1.9 {real.RUNNER}", f" RUN  v2.1.9 {real.RUNNER}/web") for ln in lines
    ]
    return real.Out("npx vitest run e2e", lines, code)


def _api_up() -> list:
    return [
        run(
            "cargo build --release --locked -p healer-api",
            [
                "   Compiling healer-api v0.9.2 (/home/runner/work/healer/healer/crates/healer-api)",
                "    Finished `release` profile [optimized] target(s) in 4.62s",
            ],
            name="Build API",
        ),
        run(
            "./target/release/healer-api &\nnpx wait-on -t 30000 http://localhost:8080/healthz",
            [
                '{"timestamp":"2026-11-02T11:42:07.118204Z","level":"INFO","fields":'
                '{"message":"listening","addr":"0.0.0.0:8080"},"target":"healer_api"}',
            ],
            name="Start API",
            env={"DATABASE_URL": "sqlite::memory:"},
        ),
    ]


def contract() -> None:
    at(REPO)
    client_ok = (
        "export function createRun(base, { repo, agent, urgent }) {\n"
        "  return fetch(`${base}/api/runs`, {\n"
        "    method: 'POST',\n"
        "    headers: { 'content-type': 'application/json' },\n"
        "    body: JSON.stringify({ repo, agent, urgent }),\n"
        "  });\n"
        "}\n"
    )
    # 3a. rex: the change made `priority` a required field of the Rust request type
    cid = "fr-zk-contract-rust-field-required"
    out = _e2e(cid, client_ok)
    assert out.code != 0 and any("missing field" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "the console e2e gets 422 `missing field `priority`` from the API: the change "
        "replaced `urgent: bool` with a required `priority: Priority` in the Rust request "
        "type (no serde default), so the unchanged console's requests no longer deserialize",
        ["look-alike", "context-driven"],
        "rex",
        "rust_test",
        workflow="e2e",
        job="console-api",
        steps=[*rust_setup(), *_api_up(), *node_setup(), npm_ci_ok(), failing(out, name="E2E")],
        message="feat(api): runs take a priority instead of the urgent flag",
        files=["crates/healer-api/src/routes/runs.rs", "crates/healer-api/src/model.rs"],
        pr=pr_of(
            cid,
            "feat(api): runs take a priority instead of the urgent flag",
            "`CreateRun { priority: Priority }` replaces `urgent: bool`.",
        ),
    )

    # 3b. blaze: the change renamed the field in the web client
    cid = "fr-zk-contract-web-client-renamed"
    client = client_ok.replace(
        "{ repo, agent, urgent }) {",
        "{ repo, agent, urgent }) {\n  const prio = urgent ? 'high' : 'normal';",
    ).replace("JSON.stringify({ repo, agent, urgent })", "JSON.stringify({ repo, agent, prio })")
    out = _e2e(cid, client)
    assert out.code != 0, out.lines
    ci(
        cid,
        "the console e2e gets 422 `missing field `priority`` from the API: the API has taken "
        "`priority` since 0.9; the change rewrote web/src/api/createRun.js to send `prio`",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        workflow="e2e",
        job="console-api",
        steps=[*rust_setup(), *_api_up(), *node_setup(), npm_ci_ok(), failing(out, name="E2E")],
        message="feat(console): send the run priority from the form",
        files=["web/src/api/createRun.js", "web/src/pages/NewRun.jsx"],
        pr=pr_of(cid, "feat(console): send the run priority from the form"),
    )


# ------------------------------------------------------------------ 4. wasm

WASM_GLUE = (
    "let wasm;\n\n"
    "export function {name}(a, b) {{\n"
    "    return wasm.{name}(a, b);\n"
    "}}\n\n"
    "export function version() {{\n"
    "    return wasm.version();\n"
    "}}\n\n"
    "async function __wbg_init(module_or_path) {{\n"
    "    if (wasm !== undefined) return wasm;\n"
    "    const {{ instance }} = await WebAssembly.instantiateStreaming(fetch(module_or_path), {{}});\n"
    "    wasm = instance.exports;\n"
    "    return wasm;\n"
    "}}\n\n"
    "export default __wbg_init;\n"
)


def _wasm_vite(cid: str, export: str, call: str) -> real.Out:
    files = {
        "crates/diff-wasm/pkg/diff_wasm.js": WASM_GLUE.format(name=export),
        "crates/diff-wasm/pkg/package.json": json.dumps(
            {"name": "diff-wasm", "version": "0.3.0", "type": "module", "main": "diff_wasm.js"}
        ),
        "web/package.json": _pkg(scripts={"build": "vite build"}, type="module"),
        "web/index.html": INDEX,
        "web/src/main.js": "import { renderDiff } from './DiffView.js';\n"
        "document.querySelector('#app').innerHTML = await renderDiff('a', 'b');\n",
        "web/src/DiffView.js": "import init, { "
        + call
        + " } from '../../crates/diff-wasm/pkg/diff_wasm.js';\n\n"
        "export async function renderDiff(a, b) {\n"
        "  await init('/diff_wasm_bg.wasm');\n"
        f"  return {call}(a, b);\n"
        "}\n",
    }
    out = real.sh(cid, files, "cd web && npm run build", "npm run build", node_modules=True)
    assert any("is not exported by" in ln for ln in out.lines), out.lines
    runner = real.RUNNER
    lines = [ln.replace(runner + "/web", runner + "/web") for ln in out.lines]
    return real.Out(out.command, lines, out.code)


def _wasm_pack_ok() -> object:
    return run(
        "wasm-pack build crates/diff-wasm --target web --release",
        [
            "[INFO]: 🎯  Checking for the Wasm target...",
            "[INFO]: 🌀  Compiling to Wasm...",
            "   Compiling diff-wasm v0.3.0 (/home/runner/work/console/console/crates/diff-wasm)",
            "    Finished `release` profile [optimized] target(s) in 4.62s",
            "[INFO]: ⬇️  Installing wasm-bindgen...",
            "[INFO]: Optimizing wasm binaries with `wasm-opt`...",
            "[INFO]: ✨   Done in 9.41s",
            "[INFO]: 📦   Your wasm pkg is ready to publish at "
            "/home/runner/work/console/console/crates/diff-wasm/pkg.",
        ],
        name="Build wasm package",
    )


def wasm() -> None:
    at(WEB)
    # 4a. atlas: unpinned wasm-bindgen-cli no longer matches the locked crate
    cid = "fr-zk-wasm-bindgen-cli-unpinned"
    install = run(
        "cargo install wasm-bindgen-cli",
        [
            "    Updating crates.io index",
            "  Downloaded wasm-bindgen-cli v0.2.105",
            "  Installing wasm-bindgen-cli v0.2.105",
            "   Compiling wasm-bindgen-cli v0.2.105",
            "    Finished `release` profile [optimized] target(s) in 1m 52s",
            "  Installing /home/runner/.cargo/bin/wasm-bindgen",
            "  Installing /home/runner/.cargo/bin/wasm-bindgen-test-runner",
            "   Installed package `wasm-bindgen-cli v0.2.105` (executables `wasm-bindgen`, "
            "`wasm-bindgen-test-runner`, `wasm2es6js`)",
        ],
        name="Install wasm-bindgen",
    )
    build_wasm = run(
        "cargo build --release --locked --target wasm32-unknown-unknown -p diff-wasm",
        [
            "   Compiling wasm-bindgen v0.2.104",
            "   Compiling diff-wasm v0.3.0 (/home/runner/work/console/console/crates/diff-wasm)",
            "    Finished `release` profile [optimized] target(s) in 4.62s",
        ],
        name="Build wasm",
    )
    bindgen = run(
        "wasm-bindgen target/wasm32-unknown-unknown/release/diff_wasm.wasm --out-dir "
        "web/src/wasm --target web",
        [
            "error: ",
            "",
            "it looks like the Rust project used to create this Wasm file was linked against",
            "version of wasm-bindgen that uses a different bindgen format than this binary:",
            "",
            "  rust Wasm file schema version: 0.2.104",
            "     this binary schema version: 0.2.105",
            "",
            "Currently the bindgen format is unstable enough that these two schema versions",
            "must exactly match. You can accomplish this by either updating this binary or",
            "the wasm-bindgen dependency in the Rust project.",
            "",
            "You should be able to update the wasm-bindgen dependency with:",
            "",
            "    cargo update -p wasm-bindgen --precise 0.2.105",
            "",
            "don't forget to recompile your Wasm file! Alternatively, you can update the",
            "binary with:",
            "",
            "    cargo install -f wasm-bindgen-cli --version 0.2.104",
            "",
            "if this warning fails to go away though and you're not sure what to do feel free",
            "to open an issue at https://github.com/rustwasm/wasm-bindgen/issues!",
        ],
        1,
        name="Generate JS bindings",
    )
    ci(
        cid,
        "wasm-bindgen refuses the module: schema 0.2.104 (Cargo.lock) vs 0.2.105 (the CLI); "
        "the workflow installs wasm-bindgen-cli unpinned and today's run got the new release; "
        "the change only touched CSS",
        ["look-alike", "misleading-name"],
        "atlas",
        "general",
        workflow="console",
        job="wasm",
        repo=WEB,
        steps=[*rust_setup(), install, build_wasm, bindgen],
        message="style(diff): wider gutters in the side-by-side view",
        files=["web/src/styles/diff.css"],
        pr=pr_of(cid, "style(diff): wider gutters in the side-by-side view"),
    )

    # 4b. rex: the change renamed the Rust export; the JS still imports the old one
    cid = "fr-zk-wasm-rust-export-renamed"
    out = _wasm_vite(cid, "line_diff", "diff_lines")
    ci(
        cid,
        'vite build fails: `"diff_lines" is not exported by '
        '"../crates/diff-wasm/pkg/diff_wasm.js"`; the change renamed the `#[wasm_bindgen] pub '
        "fn diff_lines` to `line_diff` in crates/diff-wasm/src/lib.rs, and wasm-pack "
        "regenerated the package without it",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="console",
        job="build",
        repo=WEB,
        steps=[
            *rust_setup(),
            _wasm_pack_ok(),
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Build"),
        ],
        message="refactor(diff-wasm): name exports verb-last",
        files=["crates/diff-wasm/src/lib.rs"],
        pr=pr_of(cid, "refactor(diff-wasm): name exports verb-last"),
    )

    # 4c. blaze: the change's JS calls a name the wasm package never exported
    cid = "fr-zk-wasm-js-calls-camelcase"
    out = _wasm_vite(cid, "diff_lines", "diffLines")
    ci(
        cid,
        'vite build fails: `"diffLines" is not exported by '
        '"../crates/diff-wasm/pkg/diff_wasm.js"`; the Rust crate did not change and still '
        "exports `diff_lines` (wasm-bindgen keeps snake_case); the change's DiffView.js "
        "imports a camelCase name",
        ["look-alike"],
        "blaze",
        "frontend_build",
        workflow="console",
        job="build",
        repo=WEB,
        steps=[
            *rust_setup(),
            _wasm_pack_ok(),
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Build"),
        ],
        message="feat(diff): render the side-by-side view with the wasm differ",
        files=["web/src/DiffView.js"],
        pr=pr_of(cid, "feat(diff): render the side-by-side view with the wasm differ"),
    )


# ------------------------------------------------------------------ 5. native addons

NAPI_INDEX = """
const { existsSync } = require('fs')
const { join } = require('path')

const { platform, arch } = process

let nativeBinding = null
let localFileExisted = false
let loadError = null

switch (platform) {
  case 'linux':
    switch (arch) {
      case 'x64':
        localFileExisted = existsSync(join(__dirname, 'fastdiff.linux-x64-gnu.node'))
        try {
          if (localFileExisted) {
            nativeBinding = require('./fastdiff.linux-x64-gnu.node')
          } else {
            nativeBinding = require('@healer/fastdiff-linux-x64-gnu')
          }
        } catch (e) {
          loadError = e
        }
        break
      case 'arm64':
        localFileExisted = existsSync(join(__dirname, 'fastdiff.linux-arm64-gnu.node'))
        try {
          if (localFileExisted) {
            nativeBinding = require('./fastdiff.linux-arm64-gnu.node')
          } else {
            nativeBinding = require('@healer/fastdiff-linux-arm64-gnu')
          }
        } catch (e) {
          loadError = e
        }
        break
      default:
        throw new Error(`Unsupported architecture on Linux: ${arch}`)
    }
    break
  default:
    throw new Error(`Unsupported OS: ${platform}, architecture: ${arch}`)
}

if (!nativeBinding) {
  if (loadError) {
    throw loadError
  }
  throw new Error(`Failed to load native binding`)
}

module.exports.diffLines = nativeBinding.diffLines
"""


def native_addons() -> None:
    at(WEB)
    # 5a. atlas: the change added an arm64 leg; no linux-arm64-gnu prebuilt exists
    cid = "fr-zk-napi-arm64-no-prebuilt"
    files = {
        "node_modules/@healer/fastdiff/package.json": json.dumps(
            {
                "name": "@healer/fastdiff",
                "version": "0.6.1",
                "main": "index.js",
                "optionalDependencies": {"@healer/fastdiff-linux-x64-gnu": "0.6.1"},
            }
        ),
        "node_modules/@healer/fastdiff/index.js": NAPI_INDEX,
        "test/diff.test.js": "import { test } from 'node:test';\n"
        "import assert from 'node:assert/strict';\n"
        "import { diffLines } from '@healer/fastdiff';\n\n"
        "test('diffs two lines', () => {\n"
        "  assert.deepEqual(diffLines('a\\nb', 'a\\nc'), [{ op: 'replace', line: 2 }]);\n"
        "});\n",
        "arm64.cjs": "Object.defineProperty(process, 'arch', { value: 'arm64' });\n",
    }
    path = real.scratch(cid, {"package.json": _pkg(type="module"), **files})
    lines, code = real.run(
        ["node", "--test"], path, env={"NODE_OPTIONS": f"--require {path / 'arm64.cjs'}"}
    )
    lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 1.228161", ln) for ln in lines]
    lines = [ln.replace("/x64/", "/arm64/") for ln in lines]
    out = real.Out("node --test", lines, code)
    assert code != 0 and any("fastdiff-linux-arm64-gnu" in ln for ln in lines), lines
    setup = uses(
        "actions/setup-node@v4",
        {"node-version": "20", "cache": "npm"},
        [
            "Found in cache @ /opt/hostedtoolcache/node/20.20.2/arm64",
            "##[group]Environment details",
            "node: v20.20.2",
            "npm: 11.19.1",
            "yarn: 1.22.22",
            "##[endgroup]",
        ],
    )
    ci(
        cid,
        "`node --test` fails with `Cannot find module '@healer/fastdiff-linux-arm64-gnu'` on "
        "the ubuntu-24.04-arm leg the change added to the matrix: the addon publishes only a "
        "linux-x64-gnu prebuilt; the x64 leg passes",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="console",
        job="test (ubuntu-24.04-arm)",
        repo=WEB,
        steps=[setup, npm_ci_ok(), failing(out, name="Unit tests")],
        message="ci: run the console tests on arm64 runners too",
        files=[".github/workflows/console.yml"],
        pr=pr_of(
            cid,
            "ci: run the console tests on arm64 runners too",
            "Adds `ubuntu-24.04-arm` to the test matrix; the Graviton staging nodes run arm64.",
        ),
    )

    # 5b. rex: node --test runs the Rust CLI, which panics on the change's code
    at(REPO)
    cid = "fr-zk-node-test-rust-cli-panic"
    main_rs = (
        "use std::env;\n\n"
        "fn short_title(title: &str, max: usize) -> &str {\n"
        "    if title.len() <= max { title } else { &title[..max] }\n"
        "}\n\n"
        "fn main() {\n"
        '    let title = env::args().nth(1).expect("usage: healer-fmt <title>");\n'
        '    println!("{}", short_title(&title, 12));\n'
        "}\n"
    )
    test = (
        "import { test } from 'node:test';\n"
        "import assert from 'node:assert/strict';\n"
        "import { execFileSync } from 'node:child_process';\n\n"
        "const bin = new URL('../target/debug/healer-fmt', import.meta.url).pathname;\n\n"
        "test('shortens run titles for the status line', () => {\n"
        "  assert.equal(execFileSync(bin, ['Fix flaky test'], { encoding: 'utf8' }), 'Fix flaky te\\n');\n"
        "});\n\n"
        "test('keeps accented titles intact', () => {\n"
        "  assert.equal(execFileSync(bin, ['Réessayer élément'], { encoding: 'utf8' }), 'Réessayer él\\n');\n"
        "});\n"
    )
    files = {
        "Cargo.toml": real.cargo_toml("healer-fmt"),
        "src/main.rs": main_rs,
        "cli-test/fmt.test.js": test,
        "package.json": _pkg("healer-cli-tests", type="module"),
    }
    build_out = _crate(
        cid + "-build",
        files,
        LOCK + "cargo build --locked -p healer-fmt",
        "cargo build --locked -p healer-fmt",
        name="healer-fmt",
    )
    assert build_out.code == 0, build_out.lines
    path = real.RUNS / (cid + "-build")
    lines, code = real.run(["node", "--test", "cli-test/"], path)
    lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 1.228161", ln) for ln in lines]
    # the CLI is a workspace member on the runner: its panic names the path from the root
    lines = [ln.replace("at src/main.rs:", "at crates/healer-fmt/src/main.rs:") for ln in lines]
    out = real.Out("node --test cli-test/", lines, code)
    assert code != 0 and any("char boundary" in ln for ln in lines), lines
    ci(
        cid,
        "`node --test` fails on `Command failed: .../healer-fmt`: the Rust CLI under test "
        "panics with `byte index 12 is not a char boundary`; the change rewrote short_title "
        "in crates/healer-fmt/src/main.rs to slice bytes",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="cli",
        job="cli-tests",
        steps=[
            *rust_setup(),
            passing(build_out, name="Build CLI"),
            *node_setup(),
            failing(out, name="CLI tests"),
        ],
        message="perf(fmt): shorten titles without collecting chars",
        files=["crates/healer-fmt/src/main.rs"],
        pr=pr_of(cid, "perf(fmt): shorten titles without collecting chars"),
    )


# ------------------------------------------------------------------ 6. npm lifecycle scripts


def lifecycle() -> None:
    at(WEB)
    lock = json.dumps(
        {
            "name": "console",
            "version": "1.8.0",
            "lockfileVersion": 3,
            "requires": True,
            "packages": {"": {"name": "console", "version": "1.8.0", "hasInstallScript": True}},
        },
        indent=2,
    )
    post = "cargo build --release --manifest-path native/Cargo.toml"
    # 6a. atlas: the job moved into a Node-only container; cargo is gone
    cid = "fr-zk-postinstall-cargo-not-found"
    out = real.sh(
        cid,
        {"package.json": _pkg(scripts={"postinstall": post}), "package-lock.json": lock},
        "npm ci --no-fund --no-audit",
        "npm ci",
        env={"PATH": "/usr/bin:/bin"},
    )
    assert any("cargo: not found" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "npm ci fails in the postinstall script: `sh: 1: cargo: not found`; the postinstall "
        "builds the console's native diff addon with cargo, and the change moved the web job "
        "into `container: node:20-bookworm-slim`, which has no Rust toolchain",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="web",
        job="install",
        repo=WEB,
        steps=[failing(out, name="Install dependencies")],
        message="ci(web): run the web jobs in the node:20-bookworm-slim image",
        files=[".github/workflows/web.yml"],
        pr=pr_of(cid, "ci(web): run the web jobs in the node:20-bookworm-slim image"),
    )

    # 6b. rex: the postinstall's cargo build fails on the change's Rust
    cid = "fr-zk-postinstall-rustc-e0308"
    lib = (
        "pub fn changed_lines(a: &str, b: &str) -> u32 {\n"
        "    a.lines().zip(b.lines()).filter(|(x, y)| x != y).count()\n"
        "}\n"
    )
    out = real.sh(
        cid,
        {
            "package.json": _pkg(scripts={"postinstall": post}),
            "package-lock.json": lock,
            "native/Cargo.toml": real.cargo_toml("console-native"),
            "native/src/lib.rs": lib,
        },
        "cd native && cargo generate-lockfile --offline -q && cd .. && npm ci --no-fund --no-audit",
        "npm ci",
        env={"CARGO_NET_OFFLINE": "true", **NOGIT},
    )
    assert any("E0308" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "npm ci fails in the postinstall script, whose `cargo build` stops on rustc E0308 in "
        "native/src/lib.rs (`count()` is usize, the fn returns u32); the change edited the "
        "native addon",
        ["look-alike", "wrapper"],
        "rex",
        "rust_build",
        workflow="web",
        job="install",
        repo=WEB,
        steps=[*rust_setup(), *node_setup(), failing(out, name="Install dependencies")],
        message="feat(native): count changed lines in the addon",
        files=["native/src/lib.rs"],
        pr=pr_of(cid, "feat(native): count changed lines in the addon"),
    )


# ------------------------------------------------------------------ 7. chart renders config


CONFIG_RS = """
use std::fmt;

struct Error(String);

impl fmt::Debug for Error {{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{
        write!(f, "{{}}", self.0)
    }}
}}

const FIELDS: &[&str] = &[{fields}];

fn main() -> Result<(), Error> {{
    let path = "/etc/healer/config.toml";
    let text = "{text}";
    for (n, line) in text.lines().enumerate() {{
        let key = line.split('=').next().unwrap_or("").trim();
        if key.is_empty() || key.starts_with('[') || key.starts_with('#') {{
            continue;
        }}
        if !FIELDS.contains(&key) {{
            let expected: Vec<String> = FIELDS.iter().map(|f| format!("`{{f}}`")).collect();
            return Err(Error(format!(
                "failed to load {{path}}\\n\\nCaused by:\\n    TOML parse error at line {{}}, column 1\\n      |\\n    {{}} | {{line}}\\n      | {{}}\\n    unknown field `{{key}}`, expected one of {{}}\\n",
                n + 1,
                n + 1,
                "^".repeat(key.len()),
                expected.join(", "),
            )));
        }}
    }}
    Ok(())
}}
"""


def _config_crash(cid: str, fields: list[str], text: str) -> list[str]:
    src = CONFIG_RS.format(
        fields=", ".join(f'"{f}"' for f in fields),
        text=text.replace("\n", "\\n").replace('"', '\\"'),
    )
    path = real.crate(cid, {"src/main.rs": src})
    build, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, build
    lines, code = real.run([str(path / "target" / "release" / "healer")], path)
    out = real.Out("/usr/local/bin/healer", lines, code)
    assert out.code == 1, out.lines
    ts = "2026-11-02T11:42:07.118204Z"
    return [f"{ts} INFO healer: starting healer 0.14.0", *out.lines]


def chart_config() -> None:
    at(REPO)
    rendered = (
        'listen = "0.0.0.0:8080"\n'
        'database_url = "postgres://healer@healer-db:5432/healer"\n'
        'log_format = "json"\n'
    )
    cmd = (
        "helm upgrade --install healer charts/healer --namespace healer-staging "
        "--values charts/healer/values-staging.yaml --wait --timeout 5m"
    )
    # 7a. rex: the change moved log_format under [log] in the Rust config
    cid = "fr-zk-chart-config-rust-field-moved"
    logs = _config_crash(cid, ["listen", "database_url", "log"], rendered)
    ctx = crashing(
        cid, "healer-staging", "healer", "ghcr.io/5dlabs/healer:sha-" + sha(cid)[:7], 1, logs
    )
    helm = run(cmd, ["Error: UPGRADE FAILED: context deadline exceeded"], 1, name="Deploy")
    ci(
        cid,
        "helm upgrade --wait times out; the pods crash-loop on `unknown field `log_format`, "
        "expected one of `listen`, `database_url`, `log``: the change nested the Rust "
        "config's log settings under `[log]`, and the chart (unchanged) still renders "
        "`log_format`",
        ["look-alike", "context-driven"],
        "rex",
        "rust_test",
        workflow="deploy-staging",
        job="helm",
        steps=[*_kube_helm(), helm],
        message="refactor(config): group log settings under [log]",
        files=["crates/healer/src/config.rs", "crates/healer/src/main.rs"],
        pr=pr_of(cid, "refactor(config): group log settings under [log]"),
        extra=ctx,
    )

    # 7b. bolt: the change's chart template writes a misspelt key
    cid = "fr-zk-chart-config-template-typo"
    logs = _config_crash(
        cid, ["listen", "database_url", "log_format"], rendered.replace("log_format", "log_fmt")
    )
    ctx = crashing(
        cid, "healer-staging", "healer", "ghcr.io/5dlabs/healer:sha-" + sha(cid)[:7], 1, logs
    )
    ci(
        cid,
        "helm upgrade --wait times out; the pods crash-loop on `unknown field `log_fmt`, "
        "expected one of `listen`, `database_url`, `log_format``: the change's "
        "templates/configmap.yaml renders `log_fmt = {{ .Values.logFormat }}`; the Rust "
        "config did not change",
        ["look-alike", "context-driven"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="helm",
        steps=[*_kube_helm(), helm],
        message="feat(chart): make the log format configurable",
        files=["charts/healer/templates/configmap.yaml", "charts/healer/values.yaml"],
        pr=pr_of(cid, "feat(chart): make the log format configurable"),
        extra=ctx,
    )


def _kube_helm() -> list:
    return [
        uses(
            "azure/setup-helm@v4",
            {"version": "v3.17.3"},
            ["Downloading helm version v3.17.3", "helm version v3.17.3 installed"],
        ),
        run(
            'mkdir -p ~/.kube && echo "$KUBE_CONFIG" | base64 -d > ~/.kube/config',
            [],
            env={"KUBE_CONFIG": "***"},
            name="Write kubeconfig",
        ),
    ]


# ------------------------------------------------------------------ 8. one multi-stage Dockerfile

DOCKERFILE = (
    "FROM node:20-bookworm AS web\n"
    "WORKDIR {web}\n"
    "COPY web/package*.json ./\n"
    "RUN npm ci\n"
    "COPY web/ .\n"
    "RUN npm run build\n"
    "\n"
    "FROM rust:1.95-bookworm AS build\n"
    "WORKDIR /app\n"
    "COPY . .\n"
    "RUN cargo build --release --locked -p healer-server\n"
    "\n"
    "FROM gcr.io/distroless/cc-debian12\n"
    "COPY --from=build /app/target/release/healer-server /usr/local/bin/healer-server\n"
    "COPY --from=web /app/web/dist /srv/console\n"
    'ENTRYPOINT ["/usr/local/bin/healer-server"]\n'
)


def dockerfile() -> None:
    at(REPO)
    image = "ghcr.io/5dlabs/healer:sha-"
    # 8a. bolt: the change moved the web stage's WORKDIR; COPY --from=web finds nothing
    cid = "fr-zk-docker-copy-from-web-workdir"
    df = DOCKERFILE.format(web="/web")
    bk = shapes.BuildKit(cid, df, context_kb=1204.8)
    bk.metadata()
    err = bk.run_until(15, copy_missing="/app/web/dist")
    assert err
    ci(
        cid,
        "docker build fails at BuildKit's own `COPY --from=web /app/web/dist`: not found; the "
        "npm and cargo stages passed, and the change moved the web stage's WORKDIR to /web, "
        "so its dist is /web/dist",
        ["look-alike"],
        "bolt",
        "docker_build",
        workflow="image",
        job="build-push",
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image + sha(cid)[:7])],
        message="build(image): shorter paths in the web stage",
        files=["Dockerfile"],
        pr=pr_of(cid, "build(image): shorter paths in the web stage"),
    )

    # 8b. blaze: RUN npm run build fails on tsc
    cid = "fr-zk-docker-npm-build-ts2322"
    out = real.npm_script(
        cid,
        {
            "tsconfig.json": real.TSCONFIG,
            "src/status.ts": "export type Status = 'queued' | 'running' | 'done';\n"
            "export const initial: Status = 'pending';\n",
        },
        {"build": "tsc -p . && vite build"},
        "build",
    )
    assert any("TS2322" in ln for ln in out.lines), out.lines
    df = DOCKERFILE.format(web="/app/web")
    bk = shapes.BuildKit(cid, df, context_kb=1204.8)
    bk.metadata()
    err = bk.run_until(6, _moved(out, real.RUNNER, "/app/web"), code=2)
    assert err
    ci(
        cid,
        "docker build fails in the web stage's `RUN npm run build`: tsc TS2322 in "
        "src/status.ts (`'pending'` is not a Status); the change edited the console source",
        ["wrapper"],
        "blaze",
        "frontend_typecheck",
        workflow="image",
        job="build-push",
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image + sha(cid)[:7])],
        message="feat(console): show pending runs",
        files=["web/src/status.ts"],
        pr=pr_of(cid, "feat(console): show pending runs"),
    )

    # 8c. rex: RUN cargo build --locked on a Cargo.lock the change did not update
    cid = "fr-zk-docker-cargo-locked-stale"
    out = _crate(
        cid,
        {
            "Cargo.toml": real.cargo_toml("healer-server"),
            "crates/healer-diff/Cargo.toml": real.cargo_toml("healer-diff"),
            "crates/healer-diff/src/lib.rs": "pub fn diff() {}\n",
        },
        LOCK
        + "sed -i 's|^\\[dependencies\\]$|[dependencies]\\nhealer-diff = { path = \"crates/healer-diff\" }|' Cargo.toml"
        + " && cargo build --release --locked -p healer-server",
        "cargo build --release --locked -p healer-server",
        name="healer-server",
    )
    assert any("--locked was passed" in ln for ln in out.lines), out.lines
    df = DOCKERFILE.format(web="/app/web")
    bk = shapes.BuildKit(cid, df, context_kb=1204.8)
    bk.metadata()
    err = bk.run_until(11, _moved(out, real.RUNNER, "/app"), code=101)
    assert err
    ci(
        cid,
        "docker build fails in the build stage's `RUN cargo build --release --locked`: the "
        "lock file needs to be updated; the change added the healer-diff path dependency to "
        "Cargo.toml without committing Cargo.lock",
        ["wrapper"],
        "rex",
        "rust_deps",
        workflow="image",
        job="build-push",
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image + sha(cid)[:7])],
        message="feat(server): serve diffs through healer-diff",
        files=["Cargo.toml", "crates/healer-server/src/diff.rs"],
        pr=pr_of(cid, "feat(server): serve diffs through healer-diff"),
    )


# ------------------------------------------------------------------ 9. wrappers


def wrappers() -> None:
    at(REPO)
    # 9a. bolt: make ci — cargo test and tsc pass, kustomize fails
    cid = "fr-zk-make-ci-kustomize-after-cargo-tsc"
    makefile = (
        "ci: test-rust typecheck manifests\n\n"
        "test-rust:\n\tcargo test --locked -q\n\n"
        "typecheck:\n\ttsc -p web\n\n"
        "manifests:\n\tkubectl kustomize deploy/overlays/staging > /dev/null\n"
    )
    out = _crate(
        cid,
        {
            "Makefile": makefile,
            "Cargo.toml": real.cargo_toml("healer"),
            "src/main.rs": "",
            "src/lib.rs": "pub fn add(a: u32, b: u32) -> u32 { a + b }\n\n"
            "#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() { assert_eq!(super::add(2, 2), 4); }\n}\n",
            "web/tsconfig.json": real.TSCONFIG,
            "web/src/index.ts": "export const answer: number = 42;\n",
            "deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "deploy/base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: healer\n"
            "spec:\n  selector:\n    matchLabels: {app: healer}\n  template:\n    metadata:\n      labels: {app: healer}\n"
            "    spec:\n      containers:\n        - name: healer\n          image: ghcr.io/5dlabs/healer:latest\n",
            "deploy/overlays/staging/kustomization.yaml": "resources:\n  - ../../base\n"
            "patches:\n  - path: worker-resources.yaml\n",
            "deploy/overlays/staging/worker-resources.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
            "metadata:\n  name: healer-worker\nspec:\n  template:\n    spec:\n      containers:\n"
            "        - name: worker\n          resources:\n            limits: {memory: 1Gi}\n",
        },
        LOCK + "make ci",
        "make ci",
        node_modules=True,
    )
    assert out.code != 0 and any("test result: ok" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "make ci: cargo test and tsc pass, then `kubectl kustomize deploy/overlays/staging` "
        "fails; the change's overlay patches a Deployment `healer-worker` the base does not "
        "define",
        ["wrapper", "multi-signal"],
        "bolt",
        "k8s_manifest",
        workflow="ci",
        job="ci",
        steps=[*rust_setup(), *node_setup(), npm_ci_ok(), failing(out, name="make ci")],
        message="deploy(staging): give the worker 1Gi",
        files=[
            "deploy/overlays/staging/kustomization.yaml",
            "deploy/overlays/staging/worker-resources.yaml",
        ],
        pr=pr_of(cid, "deploy(staging): give the worker 1Gi"),
    )

    # 9b. atlas: make wasm on a self-hosted runner whose image lost wasm-pack
    at(WEB)
    cid = "fr-zk-make-wasm-pack-missing-runner"
    out = real.sh(
        cid,
        {"Makefile": "wasm:\n\twasm-pack build crates/diff-wasm --target web --release\n"},
        "make wasm",
        "make wasm",
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "`make wasm` fails with `make: wasm-pack: No such file or directory` (Error 127) on "
        "the self-hosted runner: the ARC runner image rebuilt this week no longer carries "
        "wasm-pack, and the workflow never installs it; the change is a Rust-only edit to the "
        "wasm crate",
        ["look-alike", "misleading-name"],
        "atlas",
        "general",
        workflow="console",
        job="wasm",
        repo=WEB,
        self_hosted=True,
        steps=[*rust_setup(), failing(out, name="Build wasm package")],
        message="perf(diff-wasm): reuse the line buffer between calls",
        files=["crates/diff-wasm/src/lib.rs"],
        pr=pr_of(cid, "perf(diff-wasm): reuse the line buffer between calls"),
    )

    # 9c. blaze: the Node generator the change edited writes Rust rustc cannot parse
    at(REPO)
    cid = "fr-zk-node-generator-writes-bad-rust"
    gen = (
        "import { readFileSync, writeFileSync } from 'node:fs';\n\n"
        "const icons = JSON.parse(readFileSync('web/src/icons/manifest.json', 'utf8'));\n"
        "const consts = icons.map((i) => `pub const ${i.name.toUpperCase()}: &str = ${JSON.stringify(i.svg)};`);\n"
        "writeFileSync('crates/healer-icons/src/generated.rs', `// @generated by scripts/gen-icons.mjs\\n${consts.join('\\n')}\\n`);\n"
        "console.log(`wrote ${icons.length} icons to crates/healer-icons/src/generated.rs`);\n"
    )
    manifest = json.dumps(
        [
            {"name": "check", "svg": "<svg><path d='M2 8l4 4 8-8'/></svg>"},
            {"name": "arrow-left", "svg": "<svg><path d='M10 4L6 8l4 4'/></svg>"},
            {"name": "close", "svg": "<svg><path d='M4 4l8 8M12 4l-8 8'/></svg>"},
        ]
    )
    out = _crate(
        cid,
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/healer-icons"]\nresolver = "2"\n',
            "crates/healer-icons/Cargo.toml": real.cargo_toml("healer-icons"),
            "crates/healer-icons/src/lib.rs": "mod generated;\npub use generated::*;\n",
            "scripts/gen-icons.mjs": gen,
            "web/src/icons/manifest.json": manifest,
        },
        "node scripts/gen-icons.mjs && " + LOCK + "cargo build --locked -p healer-icons",
        "node scripts/gen-icons.mjs\ncargo build --locked -p healer-icons",
        name="healer-icons",
    )
    assert out.code != 0 and any("found `-`" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "rustc cannot parse crates/healer-icons/src/generated.rs (`expected one of ... found "
        "`-``, `missing type for `const` item`): the file is written by scripts/gen-icons.mjs, which the change "
        "rewrote to upper-case icon names without replacing hyphens (`ARROW-LEFT`)",
        ["look-alike"],
        "blaze",
        "frontend_build",
        workflow="icons",
        job="build",
        steps=[*node_setup(), *rust_setup(), failing(out, name="Generate and build icons")],
        message="refactor(icons): generate the Rust constants from the web manifest",
        files=["scripts/gen-icons.mjs"],
        pr=pr_of(cid, "refactor(icons): generate the Rust constants from the web manifest"),
    )


# ------------------------------------------------------------------ 10. plain


def plain() -> None:
    at(REPO)
    cid = "fr-zk-plain-cargo-test-assertion"
    lib = (
        "pub fn backoff_ms(attempt: u32) -> u64 {\n"
        "    100 * 2u64.pow(attempt)\n"
        "}\n\n"
        "#[cfg(test)]\nmod tests {\n    use super::*;\n\n"
        "    #[test]\n    fn first_retry_waits_100ms() {\n"
        "        assert_eq!(backoff_ms(1), 100);\n    }\n}\n"
    )
    out = _crate(
        cid,
        {"src/main.rs": "", "src/lib.rs": lib},
        LOCK + "cargo test --locked",
        "cargo test --locked",
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "cargo test: first_retry_waits_100ms fails, backoff_ms(1) is 200 (left) where 100 is "
        "expected",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), failing(out, name="Test")],
        message="feat(retry): exponential backoff",
        files=["src/lib.rs"],
    )

    at(WEB)
    cid = "fr-zk-plain-tsc-ts2322"
    out = real.tsc(
        cid,
        {"src/limits.ts": "export const maxAttempts: number = '3';\n"},
    )
    assert any("TS2322" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "tsc TS2322 in src/limits.ts: a string is assigned to a number",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="web",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(web): cap retries in the console",
        files=["src/limits.ts"],
    )

    cid = "fr-zk-plain-vitest-assertion"
    out = real.vitest(
        cid,
        {
            "src/plural.js": "export const runs = (n) => `${n} runs`;\n",
            "src/plural.test.js": "import { test, expect } from 'vitest';\nimport { runs } from './plural.js';\n"
            "test('one run is singular', () => {\n  expect(runs(1)).toBe('1 run');\n});\n",
        },
    )
    assert out.code != 0, out.lines
    ci(
        cid,
        "Vitest: `runs(1)` returns '1 runs' where '1 run' is expected",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Vitest")],
        message="feat(web): run counts in the header",
        files=["src/plural.js", "src/plural.test.js"],
    )

    at(REPO)
    cid = "fr-zk-plain-yamllint-chart-values-duplicate"
    values = (
        "replicaCount: 2\n"
        'image:\n  repository: ghcr.io/5dlabs/healer\n  tag: ""\n'
        "logFormat: json\n"
        "resources:\n  limits:\n    memory: 512Mi\n"
        "logFormat: text\n"
    )
    out = real.yamllint(cid, {"charts/healer/values.yaml": values}, ["charts/healer/values.yaml"])
    assert out.code != 0, out.lines
    ci(
        cid,
        'yamllint: duplication of key "logFormat" in charts/healer/values.yaml',
        ["obvious", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="chart",
        job="lint",
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            failing(out, name="yamllint"),
        ],
        message="feat(chart): text logs for local clusters",
        files=["charts/healer/values.yaml"],
    )
