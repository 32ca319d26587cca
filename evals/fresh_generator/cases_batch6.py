"""Batch 6 of the fresh split (ids ``fr-f-``).

- the same symptom with different causes: rollout waits running out, smoke checks failing,
  tests failing on a connection error and builds killed, each told apart by the pods, events,
  Loki lines or the change (Rust or Node code, cluster config, a flake, runner trouble);
- tools the earlier batches used little: a Rust build script and a proc macro, cargo features
  and workspace inheritance, Rollup, kustomize resource ids, a Helm values schema, npm's
  release commands, changesets, a pnpm workspace, an SQL migration;
- security with logs (eslint-plugin-security, lockfile-lint, push protection in a changelog
  job) and alerts;
- runner and platform trouble under code-named jobs; six obvious cases.

Every tool that can run here runs for real (cargo/rustc, rustdoc, node, npm, pnpm, rollup,
mocha, eslint with eslint-plugin-security, lockfile-lint, changesets, kubectl/kustomize,
check-jsonschema, shellcheck, python3/sqlite3, curl, git)
against 127.0.0.1 servers or local repositories; the rest is written in its own format and
listed in README.md."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import real
import shapes
from cases_batch3 import npm_ci_ok
from cases_batch4 import answer
from fcommon import at, ci, failing, node_setup, rust_setup, sha
from gha import alert, run, uses
from helpers import (
    clock,
    crashing,
    kube_setup,
    normal_events,
    pod_name,
    ready_pods,
    rollout,
)

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
NS = "healer"


B6_NODE_PKGS = ["eslint-plugin-security@3.0.1", "lockfile-lint@4.14.0", "@changesets/cli@2.27.10"]


def b6_node() -> Path:
    return real.WORK / "b6-node"


def ensure_b6_tools() -> None:
    """This batch's npm tools, pinned, in work/b6-node (installed once)."""
    marker = b6_node() / ".pinned"
    if marker.exists() and marker.read_text() == " ".join(B6_NODE_PKGS):
        return
    b6_node().mkdir(parents=True, exist_ok=True)
    (b6_node() / "package.json").write_text('{"name": "b6", "private": true}\n')
    _, code = real.run(["npm", "install", "--no-audit", "--no-fund", *B6_NODE_PKGS], b6_node())
    assert code == 0
    marker.write_text(" ".join(B6_NODE_PKGS))


@contextmanager
def empty_reply_server() -> Iterator[int]:
    """A 127.0.0.1 server that reads the request and closes without answering (FIN)."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    stop = threading.Event()

    def loop() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            try:
                conn.settimeout(2)
                conn.recv(4096)
            except OSError:
                pass
            conn.close()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield int(srv.getsockname()[1])
    finally:
        stop.set()
        t.join()
        srv.close()


def _rust_bin(name: str, source: str, env: dict[str, str] | None = None) -> real.Out:
    """Build and run a small Rust program; its output is what the pod logs."""
    path = real.crate(
        "fr-f-bin-" + name, {"Cargo.toml": real.cargo_toml(name), "src/main.rs": source}
    )
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, code = real.run([str(path / "target" / "release" / name)], path, env=env)
    return real.Out(f"/usr/local/bin/{name}", lines, code)


def _app(lines: list[str]) -> list[str]:
    return [ln.replace(real.RUNNER, "/app") for ln in lines]


def _smoke(cid: str, port: int, host: str, path: str) -> real.Out:
    return real.sh(
        cid,
        {},
        f"curl -fsS --retry 2 --retry-delay 1 http://127.0.0.1:{port}{path}",
        f"curl -fsS --retry 2 --retry-delay 1 https://{host}{path}",
        hosts={f"http://127.0.0.1:{port}": f"https://{host}", f"127.0.0.1:{port}": host},
    )


# ------------------------------------------------------------------ same symptom, other causes


def rollouts() -> None:
    """Three rollout waits that run out: a Rust panic, a volume that cannot attach, a Node
    RangeError."""
    # 1. Rust: Duration::from_secs_f64 on a negative value (rex)
    at(REPO)
    out = _rust_bin(
        "healer-scheduler",
        """
use std::time::Duration;

fn jitter(base: f64, spread: f64) -> Duration {
    // spread is applied on both sides of the base interval
    Duration::from_secs_f64(base - spread)
}

fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_scheduler","fields":{{"message":"scheduler starting","interval_s":5.0,"jitter_s":7.5}}}}"#);
    let d = jitter(5.0, 7.5);
    println!("{d:?}");
}
""",
    )
    assert out.code == 101 and any("negative" in ln for ln in out.lines), out
    ro = rollout("fr-f-ro-rust", NS, "healer-scheduler", 2, 1, 1, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(
        "fr-f-ro-rust",
        NS,
        "healer-scheduler",
        "ghcr.io/5dlabs/healer-scheduler:0.16.0",
        101,
        out.lines,
    )
    ci(
        "fr-f-same-rollout-rust-negative-duration-panic",
        "rollout status runs out (ProgressDeadlineExceeded); the new scheduler pod crash-loops "
        "and Loki shows the Rust panic 'cannot convert float seconds to Duration: value is "
        "negative' from the new jitter code (base 5.0 minus spread 7.5)",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(scheduler): jitter the poll interval",
        files=["crates/scheduler/src/interval.rs"],
        extra=ctx,
    )

    # 2. a ReadWriteOnce volume cannot attach to the surge pod on another node (bolt)
    at(PLAT)
    ro = rollout("fr-f-ro-rwo", NS, "healer-index", 1, 0, 1, deadline=True)
    assert ro.code != 0, ro
    created, first, last = clock("fr-f-ro-rwo")
    new = pod_name("fr-f-ro-rwo", "healer-index", "new")
    old = pod_name("fr-f-ro-rwo", "healer-index", "old")
    pvc = (
        "pvc-"
        + sha("fr-f-ro-rwo-pvc")[:8]
        + "-"
        + sha("fr-f-ro-rwo-pvc")[8:12]
        + "-4e1b-9c0d-"
        + sha("x")[:12]
    )
    pods = [
        shapes.pod(
            new,
            NS,
            "healer-index",
            "ghcr.io/5dlabs/healer-index:0.9.3",
            created=last,
            waiting=("ContainerCreating", ""),
            phase="Pending",
            node="k3s-worker-3",
            memory_limit="1Gi",
        ),
        shapes.pod(
            old,
            NS,
            "healer-index",
            "ghcr.io/5dlabs/healer-index:0.9.2",
            created=created,
            ready=True,
            node="k3s-worker-1",
            memory_limit="1Gi",
        ),
    ]
    events = [
        shapes.event(
            NS,
            "Pod",
            new,
            "FailedAttachVolume",
            f'Multi-Attach error for volume "{pvc}" Volume is already used by pod(s) {old}',
            first=first,
            last=last,
            component="attachdetach-controller",
            host="",
        ),
        shapes.event(
            NS,
            "Pod",
            new,
            "FailedMount",
            "Unable to attach or mount volumes: unmounted volumes=[index-data], unattached "
            "volumes=[index-data kube-api-access-7bq2x]: timed out waiting for the condition",
            first=first,
            last=last,
            count=3,
            host="k3s-worker-3",
        ),
    ]
    ci(
        "fr-f-same-rollout-rwo-volume-multi-attach",
        "rollout status runs out; the new pod stays ContainerCreating with a Multi-Attach "
        "error: the chart switched the index Deployment from Recreate to RollingUpdate while "
        "its ReadWriteOnce volume is still attached to the old pod on another node",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="chore(index): zero-downtime rollouts",
        files=["charts/healer-index/templates/deployment.yaml"],
        extra={"kubernetes": {"pods": pods, "events": events}},
    )

    # 3. Node: RangeError: Invalid time value from toISOString on a parsed header (blaze)
    at(WEB)
    out = real.node_run(
        "fr-f-ro-node",
        {
            "package.json": json.dumps({"name": "console-api", "type": "module"}),
            "server/window.js": """export function windowStart(env) {
  // RETENTION is now given in days ("7d")
  const days = Number(env.RETENTION);
  return new Date(Date.now() - days * 86400000).toISOString();
}
""",
            "server/index.js": """import { windowStart } from "./window.js";
console.log(JSON.stringify({ level: "info", msg: "console-api starting", port: 3000 }));
const since = windowStart({ RETENTION: "7d" });
console.log(JSON.stringify({ level: "info", msg: "retention window", since }));
""",
        },
        "server/index.js",
    )
    loki = _app(out.lines)
    assert out.code != 0 and any("Invalid time value" in ln for ln in loki), loki
    ro = rollout("fr-f-ro-node", "console", "console-api", 3, 1, 2, deadline=True)
    ctx = crashing(
        "fr-f-ro-node",
        "console",
        "console-api",
        "ghcr.io/5dlabs/console-api:1.9.0",
        1,
        loki,
        port=3000,
    )
    ci(
        "fr-f-same-rollout-node-invalid-time-value",
        "rollout status runs out; console-api crash-loops and Loki shows 'RangeError: Invalid "
        "time value' at Date.toISOString from windowStart(): Number('7d') is NaN after the "
        "retention setting became a day string",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="rollout",
        repo=WEB,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(api): retention in days",
        files=["server/window.js"],
        extra=ctx,
    )


def smokes() -> None:
    """Three smoke checks that fail: an Ingress naming a renamed Service, a Node TypeError, an
    empty reply with everything healthy."""
    # 1. the Ingress backend still names the old Service (bolt)
    at(PLAT)
    with answer(503, "Service Temporarily Unavailable") as port:
        smoke = _smoke("fr-f-sm-ingress", port, "console.staging.5dlabs.ai", "/healthz")
    assert smoke.code == 22, smoke
    _created, first, _ = clock("fr-f-sm-ingress")
    ingress = [
        f"W{first[5:7]}{first[8:10]} {first[11:19]}.402117       7 controller.go:1214] Error "
        'obtaining Endpoints for Service "console/console-web": no object matching key '
        '"console/console-web" in local store',
        f"W{first[5:7]}{first[8:10]} {first[11:19]}.402391       7 controller.go:1214] Error "
        'obtaining Endpoints for Service "console/console-web": no object matching key '
        '"console/console-web" in local store',
    ]
    ci(
        "fr-f-same-smoke-503-ingress-backend-renamed-service",
        "the smoke check gets 503; the console pods are Ready with normal events, and "
        'ingress-nginx logs \'Error obtaining Endpoints for Service "console/console-web": no '
        "object matching key': the chart renamed the Service to console-frontend but the "
        "Ingress backend still names console-web",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="smoke",
        repo=PLAT,
        steps=[failing(smoke, name="Smoke check")],
        message="refactor(console): rename the web Service to console-frontend",
        files=["charts/console/templates/service.yaml"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-f-sm-ingress",
                    "console",
                    "console-web",
                    "ghcr.io/5dlabs/console-web:1.9.0",
                    port=3000,
                ),
                "events": normal_events("fr-f-sm-ingress", "console", "console-web"),
            },
            "loki": ingress,
        },
    )

    # 2. Node: path.join(undefined) from a misspelt config key (blaze)
    at(WEB)
    out = real.node_run(
        "fr-f-sm-node",
        {
            "package.json": json.dumps({"name": "console-web", "type": "module"}),
            "server/config.js": 'export const config = { port: 3000, assetsDir: "/app/dist" };\n',
            "server/static.js": """import path from "node:path";
import { config } from "./config.js";
export const indexFile = () => path.join(config.assetDir, "index.html");
""",
            "server/index.js": """import { indexFile } from "./static.js";
console.log(JSON.stringify({ level: "info", msg: "console-web listening", port: 3000 }));
console.log(JSON.stringify({ level: "info", msg: "serving", file: indexFile() }));
""",
        },
        "server/index.js",
    )
    loki = _app(out.lines)
    assert out.code != 0 and any("ERR_INVALID_ARG_TYPE" in ln for ln in loki), loki
    with answer(502, "Bad Gateway") as port:
        smoke = _smoke("fr-f-sm-node-curl", port, "console.staging.5dlabs.ai", "/")
    assert smoke.code == 22, smoke
    ctx = crashing(
        "fr-f-sm-node",
        "console",
        "console-web",
        "ghcr.io/5dlabs/console-web:1.9.1",
        1,
        loki,
        port=3000,
    )
    ci(
        "fr-f-same-smoke-502-node-path-join-undefined",
        "the smoke check gets 502; console-web crash-loops and Loki shows 'TypeError "
        '[ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string. Received '
        "undefined' from static.js reading config.assetDir (the key is assetsDir)",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=[failing(smoke, name="Smoke check")],
        message="refactor(server): serve the SPA from the configured assets dir",
        files=["server/static.js"],
        extra=ctx,
    )

    # 3. curl (52) empty reply; pods Ready, events normal, nothing in Loki (atlas)
    at(REPO)
    with empty_reply_server() as port:
        smoke = _smoke("fr-f-sm-flake", port, "api.staging.5dlabs.ai", "/v1/health")
    assert smoke.code == 52, smoke
    ci(
        "fr-f-same-smoke-empty-reply-healthy-pods",
        "the smoke check fails with curl (52) 'Empty reply from server'; the API pods are "
        "Ready with only Scheduled/Started events and the change is a README edit: nothing "
        "explains it, a transient gateway fault",
        ["context-driven", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="smoke",
        repo=REPO,
        steps=[failing(smoke, name="Smoke check")],
        message="docs: document the staging endpoints",
        files=["README.md"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-f-sm-flake", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.16.0"
                ),
                "events": normal_events("fr-f-sm-flake", NS, "healer-api"),
            }
        },
    )


def connection_tests() -> None:
    """Two test steps failing on a connection error: the client under test ignores the
    configured port (rex); a sandbox that hangs up with nothing changed (atlas)."""
    at(REPO)
    out = real.cargo(
        "fr-f-conn-rust",
        {
            "src/lib.rs": """use std::io::{Read, Write};
use std::net::TcpStream;

pub const DEFAULT_PORT: u16 = 9;

pub struct Config {
    pub host: String,
    pub port: Option<u16>,
}

pub struct Client {
    addr: String,
}

impl Client {
    pub fn from_config(cfg: &Config) -> Client {
        let port = cfg.port.map_or(DEFAULT_PORT, |_| DEFAULT_PORT);
        Client { addr: format!("{}:{}", cfg.host, port) }
    }

    pub fn health(&self) -> std::io::Result<String> {
        let mut s = TcpStream::connect(&self.addr)?;
        s.write_all(b"GET /health HTTP/1.0\\r\\n\\r\\n")?;
        let mut body = String::new();
        s.read_to_string(&mut body)?;
        Ok(body)
    }
}
""",
            "tests/health.rs": """use healer::{Client, Config};
use std::io::Write;
use std::net::TcpListener;

#[test]
fn health_against_local_server() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    println!("test server listening on 127.0.0.1:{port}");
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.write_all(b"HTTP/1.0 200 OK\\r\\n\\r\\nok").unwrap();
    });
    let client = Client::from_config(&Config { host: "127.0.0.1".into(), port: Some(port) });
    let body = client.health().unwrap();
    assert!(body.ends_with("ok"));
}
""",
        },
        ["test", "--test", "health"],
    )
    lines = [re.sub(r"127\.0\.0\.1:\d{4,5}", "127.0.0.1:43817", ln) for ln in out.lines]
    assert out.code != 0 and any("ConnectionRefused" in ln for ln in lines), lines
    ci(
        "fr-f-same-conn-rust-client-ignores-configured-port",
        "cargo test fails with 'Connection refused' (os error 111), but the test's own server "
        "is listening: the refactored Client::from_config maps every configured port to "
        "DEFAULT_PORT, so the client dials the wrong port",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="integration",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(
                real.Out("cargo test --test health", lines, out.code), name="Integration tests"
            ),
        ],
        message="refactor(client): build the client from Config",
        files=["src/lib.rs"],
    )

    at(WEB)
    with empty_reply_server() as port:
        path = real.node_project(
            "fr-f-conn-mocha",
            {
                "test/contract.test.js": f"""import http from "node:http";
import assert from "node:assert/strict";

function get(path) {{
  return new Promise((resolve, reject) => {{
    http
      .get("http://127.0.0.1:{port}" + path, (res) => {{
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({{ status: res.statusCode, body }}));
      }})
      .on("error", reject);
  }});
}}

describe("billing sandbox contract", () => {{
  it("lists plans", async () => {{
    const res = await get("/v2/plans");
    assert.equal(res.status, 200);
  }});
}});
""",
            },
        )
        lines, code = real.run(
            ["mocha", "test/contract.test.js"],
            path,
            hosts={f"127.0.0.1:{port}": "billing.sandbox.5dlabs.ai:80"},
        )
    assert code != 0 and any("socket hang up" in ln for ln in lines), lines
    ci(
        "fr-f-same-conn-mocha-sandbox-socket-hang-up",
        "the contract test fails with 'Error: socket hang up' (ECONNRESET) from the billing "
        "sandbox; the change only touches the console's copy text and no client code, so "
        "nothing in the context explains it",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="contract-tests",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(
                real.Out("npx mocha test/contract.test.js", lines, code), name="Contract tests"
            ),
        ],
        message="copy(billing): clearer plan names",
        files=["src/billing/PlanCard.jsx"],
    )


def kills() -> None:
    """Two build steps killed: cargo in a build script with nothing to blame but the runner
    (atlas); a search-index build whose own cache grows per document (blaze)."""
    at(REPO)
    out = real.killed(
        "fr-f-kill-cargo",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
            "crates/proto/Cargo.toml": real.cargo_toml("healer-proto"),
            "crates/proto/build.rs": "fn main() {\n    std::thread::sleep(std::time::Duration::from_secs(60));\n}\n",
            "crates/proto/src/lib.rs": "pub fn version() -> u32 { 3 }\n",
            "crates/server/Cargo.toml": real.cargo_toml(
                "healer-server", 'healer-proto = { path = "../proto" }'
            ),
            "crates/server/src/main.rs": 'fn main() { println!("{}", healer_proto::version()); }\n',
        },
        "cargo build --release --workspace",
        after=5,
        env={"CARGO_BUILD_JOBS": "1"},
    )
    assert out.code == 137 and any("Killed" in ln for ln in out.lines), out
    ci(
        "fr-f-same-kill-cargo-release-build-killed",
        "cargo build --release is killed (bash 'Killed', exit 137) while healer-proto "
        "compiles; the change bumps a log message and the log shows nothing of the code's own "
        "memory: the runner ran out of memory",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="release",
        job="build-server",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build release")],
        message="chore(server): clearer startup log",
        files=["crates/server/src/main.rs"],
    )

    at(WEB)
    out = real.killed(
        "fr-f-kill-index",
        {
            "package.json": json.dumps(
                {
                    "name": "console",
                    "version": "1.9.0",
                    "private": True,
                    "type": "module",
                    "scripts": {"build:index": "node scripts/build-index.mjs"},
                },
                indent=2,
            ),
            "scripts/build-index.mjs": """// memoize tokenization: the cache key is the whole document body
const tokenCache = new Map();
let keyBytes = 0;
function tokens(body) {
  if (!tokenCache.has(body)) {
    tokenCache.set(body, body.slice(0, 512).toLowerCase().split(/\\W+/));
    keyBytes += body.length;
  }
  return tokenCache.get(body);
}
const page = "Healer routes each CI failure to the agent that owns its root cause. ".repeat(118);
let docs = 0;
for (let batch = 1; batch <= 8; batch++) {
  for (let i = 0; i < 3000; i++) {
    tokens(`# doc ${docs++}\\n` + page);
  }
  const mb = (keyBytes / 1048576).toFixed(1);
  console.log(`[index] ${docs} docs indexed, token cache ${tokenCache.size} entries (${mb} MB of keys)`);
}
setInterval(() => {}, 1000);
""",
        },
        "npm run build:index",
        after=10,
    )
    lines = [ln for ln in out.lines if ln.strip()]
    assert out.code == 137 and any("token cache 24000" in ln for ln in lines), lines
    ci(
        "fr-f-same-kill-search-index-token-cache-growth",
        "npm run build:index is killed (exit 137); the script's own progress shows its new "
        "token cache growing with every document (24000 entries, 187 MB of keys: keyed by "
        "the whole body and never evicted), the memoization the change added",
        ["resource-kill", "context-driven", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="docs",
        job="search-index",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(real.Out(out.command, lines, out.code), name="Build search index"),
        ],
        message="perf(search): memoize tokenization",
        files=["scripts/build-index.mjs"],
    )


# ------------------------------------------------------------------ tools used little so far


def tools() -> None:
    at(REPO)
    # a build script panics: the .proto file it reads moved (rex)
    out = real.cargo(
        "fr-f-tool-buildrs",
        {
            "Cargo.toml": real.cargo_toml("healer-proto", extra='build = "build.rs"'),
            "build.rs": """use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=proto/healer.proto");
    let proto = fs::read_to_string("proto/healer.proto")
        .expect("reading proto/healer.proto");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("messages.rs");
    let names: Vec<String> = proto
        .lines()
        .filter_map(|l| l.strip_prefix("message "))
        .map(|l| format!("pub struct {};", l.trim_end_matches(" {")))
        .collect();
    fs::write(out, names.join("\\n")).unwrap();
}
""",
            "proto/v1/healer.proto": 'syntax = "proto3";\nmessage Failure {\n}\nmessage Route {\n}\n',
            "src/lib.rs": 'include!(concat!(env!("OUT_DIR"), "/messages.rs"));\n',
        },
        ["build"],
    )
    lines = [
        re.sub(
            r"build-script-build` \(exit status: 101\)",
            "build-script-build` (exit status: 101)",
            ln,
        )
        for ln in out.lines
    ]
    assert out.code != 0 and any("custom build command" in ln for ln in lines), lines
    ci(
        "fr-f-tool-build-script-panics-proto-moved",
        "cargo build fails in healer-proto's build script: it panics reading "
        "proto/healer.proto (No such file or directory) after the protos moved to proto/v1/",
        ["misleading-name"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="codegen",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(
                real.Out("cargo build -p healer-proto", lines, out.code), name="Generate and build"
            ),
        ],
        message="chore(proto): version the schema under proto/v1",
        files=["proto/v1/healer.proto", "proto/healer.proto"],
    )

    # a local derive macro emits compile_error! for a struct without `name` (rex)
    path = real.scratch(
        "fr-f-tool-procmacro",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
            "crates/agent-derive/Cargo.toml": real.cargo_toml(
                "agent-derive", extra="[lib]\nproc-macro = true\n"
            ),
            "crates/agent-derive/src/lib.rs": """use proc_macro::TokenStream;

/// `#[derive(Agent)]`: the struct must have a `name: &'static str` field.
#[proc_macro_derive(Agent)]
pub fn derive_agent(input: TokenStream) -> TokenStream {
    let src = input.to_string();
    let ident = src
        .split_whitespace()
        .skip_while(|w| *w != "struct")
        .nth(1)
        .unwrap_or("Unknown")
        .to_string();
    if !src.replace(' ', "").contains("name:&") {
        return format!(
            "compile_error!(\\"#[derive(Agent)] on `{ident}` needs a `name: &'static str` field\\");"
        )
        .parse()
        .unwrap();
    }
    format!("impl {ident} {{ pub fn agent_name(&self) -> &'static str {{ self.name }} }}")
        .parse()
        .unwrap()
}
""",
            "crates/agents/Cargo.toml": real.cargo_toml(
                "healer-agents", 'agent-derive = { path = "../agent-derive" }'
            ),
            "crates/agents/src/lib.rs": """use agent_derive::Agent;

#[derive(Agent)]
pub struct Rex {
    pub name: &'static str,
}

#[derive(Agent)]
pub struct Cipher {
    pub id: &'static str,
    pub severity_floor: u8,
}
""",
        },
    )
    lines, code = real.run(
        ["cargo", "build", "--workspace"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code != 0 and any("needs a `name" in ln for ln in lines), lines
    ci(
        "fr-f-tool-proc-macro-derive-compile-error",
        "cargo build fails: the workspace's own #[derive(Agent)] proc macro emits "
        "compile_error! because the new Cipher struct has `id` instead of the `name` field the "
        "derive requires",
        ["misleading-name"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="agents",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(real.Out("cargo build --workspace", lines, code), name="Build"),
        ],
        message="feat(agents): add the cipher agent",
        files=["crates/agents/src/lib.rs"],
    )

    # cargo check without default features: a feature-gated module is used unconditionally
    out = real.cargo(
        "fr-f-tool-features",
        {
            "Cargo.toml": real.cargo_toml(
                "healer-core", extra='\n[features]\ndefault = ["metrics"]\nmetrics = []\n'
            ),
            "src/lib.rs": """#[cfg(feature = "metrics")]
pub mod metrics {
    pub fn record(name: &str, value: f64) {
        let _ = (name, value);
    }
}

pub fn route(agent: &str) -> &str {
    metrics::record("route", 1.0);
    agent
}
""",
        },
        ["check", "--no-default-features"],
    )
    assert out.code != 0 and any("E0433" in ln for ln in out.lines), out
    ci(
        "fr-f-tool-cargo-no-default-features-gated-module",
        "the feature-matrix job's cargo check --no-default-features fails with E0433: route() "
        "calls metrics::record, but the metrics module only exists with the default `metrics` "
        "feature",
        ["misleading-name"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="feature-matrix (no-default-features)",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Check feature set")],
        message="feat(core): record a metric per routed failure",
        files=["src/lib.rs"],
    )

    # workspace dependency inheritance for a dependency the root does not declare (rex)
    path = real.scratch(
        "fr-f-tool-inherit",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n\n'
            '[workspace.package]\nversion = "0.16.0"\nedition = "2021"\n\n'
            '[workspace.dependencies]\nserde = { version = "1", features = ["derive"] }\n',
            "crates/gateway/Cargo.toml": '[package]\nname = "healer-gateway"\n'
            "version.workspace = true\nedition.workspace = true\n\n"
            "[dependencies]\nserde.workspace = true\ntokio = { workspace = true, features = "
            '["rt-multi-thread"] }\n',
            "crates/gateway/src/main.rs": "fn main() {}\n",
        },
    )
    lines, code = real.run(["cargo", "metadata", "--format-version", "1", "--offline"], path)
    lines = [ln for ln in lines if not ln.startswith("{")]
    assert code != 0 and any("tokio" in ln for ln in lines), lines
    ci(
        "fr-f-tool-workspace-dependency-not-inherited",
        "cargo fails to load the workspace: crates/gateway asks for `tokio.workspace = true` "
        "but the root Cargo.toml has no workspace.dependencies.tokio",
        ["misleading-name"],
        "rex",
        "rust_deps",
        workflow="Rust CI",
        job="workspace-graph",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(
                real.Out("cargo metadata --format-version 1 > metadata.json", lines, code),
                name="Workspace metadata",
            ),
        ],
        message="feat(gateway): async runtime",
        files=["crates/gateway/Cargo.toml"],
    )

    # kustomize: the same Deployment reached twice through the overlay (bolt)
    at(PLAT)
    dep = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: healer-api
spec:
  selector:
    matchLabels: {app: healer-api}
  template:
    metadata:
      labels: {app: healer-api}
    spec:
      containers:
        - name: api
          image: ghcr.io/5dlabs/healer-api:0.16.0
"""
    out = real.sh(
        "fr-f-tool-kustomize",
        {
            "deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "deploy/base/deployment.yaml": dep,
            "deploy/overlays/staging/kustomization.yaml": "namespace: healer\nresources:\n"
            "  - ../../base\n  - api-replicas.yaml\n",
            "deploy/overlays/staging/api-replicas.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
            "metadata:\n  name: healer-api\nspec:\n  replicas: 3\n",
        },
        "kubectl kustomize deploy/overlays/staging > /dev/null",
        "kubectl kustomize deploy/overlays/staging > /dev/null",
    )
    assert out.code != 0 and any("already registered id" in ln for ln in out.lines), out
    ci(
        "fr-f-tool-kustomize-resource-registered-twice",
        "kubectl kustomize fails on the staging overlay: the replica patch api-replicas.yaml "
        "was listed under resources instead of patches, so a second healer-api Deployment is "
        "added ('may not add resource with an already registered id')",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="kustomize-build",
        repo=PLAT,
        steps=[*kube_setup()[:1], failing(out, name="Render overlays")],
        message="feat(staging): three api replicas",
        files=[
            "deploy/overlays/staging/kustomization.yaml",
            "deploy/overlays/staging/api-replicas.yaml",
        ],
    )

    # rollup: an import that the module no longer exports, behind npm run build (blaze)
    at(WEB)
    out = real.npm_script(
        "fr-f-tool-rollup",
        {
            "rollup.config.mjs": 'export default { input: "src/index.js", output: { file: '
            '"dist/console-sdk.js", format: "es" } };\n',
            "src/format.js": "export function formatRunTitle(run) {\n  return `${run.agent}: "
            "${run.title}`;\n}\n",
            "src/index.js": 'import { formatRun } from "./format.js";\nexport { formatRun };\n',
        },
        {"build": "rollup -c"},
        "build",
    )
    assert out.code != 0 and any("not exported by" in ln for ln in out.lines), out
    ci(
        "fr-f-tool-rollup-import-not-exported",
        "npm run build (rollup -c) fails: src/index.js imports formatRun, which src/format.js "
        "no longer exports after the rename to formatRunTitle",
        ["wrapper"],
        "blaze",
        "frontend_build",
        workflow="sdk",
        job="bundle",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Bundle SDK")],
        message="refactor(sdk): rename formatRun to formatRunTitle",
        files=["src/format.js"],
    )

    # npm version in the release job: the build left the working tree dirty (atlas)
    path = real.scratch(
        "fr-f-tool-npm-version",
        {
            "package.json": json.dumps(
                {"name": "@5dlabs/console-sdk", "version": "1.9.0"}, indent=2
            )
            + "\n",
            "dist/console-sdk.js": "export const v = 1;\n",
        },
    )
    real.run(
        "git init -q -b main && git add -A && git -c user.name=ci -c user.email=ci@5dlabs.ai commit -qm init",
        path,
    )
    (path / "dist" / "console-sdk.js").write_text("export const v = 2;\n")
    lines, code = real.run(
        ["npm", "version", "minor", "-m", "release: v%s"],
        path,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    assert code != 0 and any("not clean" in ln for ln in lines), lines
    ci(
        "fr-f-tool-npm-version-working-tree-dirty",
        "the release job's npm version minor refuses: 'Git working directory not clean.' "
        "because the build step rewrote the committed dist/console-sdk.js",
        ["misleading-name"],
        "atlas",
        "release_publish",
        workflow="release",
        job="publish-sdk",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npm run build",
                [
                    "> @5dlabs/console-sdk@1.9.0 build",
                    "> rollup -c",
                    "",
                    "src/index.js → dist/console-sdk.js...",
                    "created dist/console-sdk.js in 9ms",
                ],
                name="Build",
            ),
            failing(
                real.Out('npm version minor -m "release: v%s"', lines, code), name="Bump version"
            ),
        ],
        message="feat(sdk): run filters",
        files=["src/filters.js"],
        branch="main",
    )


# ------------------------------------------------------------------ security


def security() -> None:
    import fcommon
    from cases_batch5 import _push_rejected

    at(WEB)
    plugin = b6_node() / "node_modules" / "eslint-plugin-security" / "index.js"
    path = real.node_project(
        "fr-f-sec-eslint-security",
        {
            "eslint.config.js": f"""import security from "{plugin.as_uri()}";
export default [
  {{
    files: ["server/**/*.js"],
    languageOptions: {{ sourceType: "module" }},
    plugins: {{ security }},
    rules: {{
      "security/detect-child-process": "error",
      "security/detect-eval-with-expression": "error",
      "security/detect-non-literal-fs-filename": "error",
    }},
  }},
];
""",
            "server/preview.js": """import { exec } from "node:child_process";
import { readFile } from "node:fs/promises";

export async function preview(req, res) {
  const file = await readFile(`previews/${req.query.name}.json`, "utf8");
  const filter = eval(req.query.filter);
  exec("git show " + req.query.ref + ":README.md", (err, out) => {
    res.json({ readme: out, items: JSON.parse(file).filter(filter) });
  });
}
""",
        },
    )
    lines, code = real.run(["eslint", "server"], path)
    assert code != 0 and any("detect-eval-with-expression" in ln for ln in lines), lines
    ci(
        "fr-f-sec-eslint-plugin-security-eval-exec",
        "the security lint job (eslint-plugin-security) fails the preview endpoint: eval of "
        "req.query.filter, a child_process call built from req.query.ref and a file path "
        "from req.query.name",
        ["security"],
        "cipher",
        "code_scanning_alert",
        workflow="security",
        job="eslint-security",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(real.Out("npx eslint server", lines, code), name="eslint-plugin-security"),
        ],
        message="feat(api): README previews for any ref",
        files=["server/preview.js"],
    )

    commit = sha("fr-f-gh013-openai")
    out = _push_rejected(
        "fr-f-gh013-openai",
        WEB,
        [
            "error: GH013: Repository rule violations found for refs/heads/main.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— OpenAI API Key ————————————————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: scripts/summarize-changes.mjs:4",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/console/security/secret-scanning/unblock-secret/"
            "2vR8mKc3Tz6Qw1Hn9Xb4Pj7Ld5Ga",
            "",
        ],
        "push declined due to repository rule violations",
    )
    assert out.code != 0, out
    ci(
        "fr-f-sec-gh013-openai-key-changelog-job",
        "the changelog job regenerated CHANGELOG.md and its push is blocked by push "
        "protection: an OpenAI API key committed in scripts/summarize-changes.mjs",
        ["security", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="release-notes",
        job="changelog",
        repo=WEB,
        steps=[
            *node_setup(),
            run("node scripts/summarize-changes.mjs > CHANGELOG.md", [], name="Write changelog"),
            run(
                'git commit -am "docs: changelog"',
                ["[main 7c41d0e] docs: changelog", " 1 file changed, 24 insertions(+)"],
                name="Commit",
            ),
            failing(out, name="Push changelog"),
        ],
        message="feat(release): AI-written change summaries",
        files=["scripts/summarize-changes.mjs", ".github/workflows/release-notes.yml"],
        branch="main",
        event="workflow_run",
    )

    p = alert(
        "secret_scanning_alert",
        "fr-f-sec-alert-azure",
        PLAT,
        {
            "alert.secret_type": "azure_storage_account_key",
            "alert.secret_type_display_name": "Azure Storage Account Access Key",
        },
    )
    fcommon.add(
        "fr-f-sec-alert-secret-scanning-azure-storage-key",
        "secret scanning alert: an Azure Storage account access key found in the platform "
        "repository (the backup CronJob's values file)",
        ["security-alert", "security"],
        "cipher",
        "secret_scanning_alert",
        "secret_scanning_alert",
        p,
        {"changed_files": ["charts/backup/values-prod.yaml"]},
    )

    p = alert(
        "code_scanning_alert",
        "fr-f-sec-alert-codeql-path",
        WEB,
        {
            "alert.rule": {
                "id": "js/path-injection",
                "severity": "error",
                "security_severity_level": "high",
                "description": "Uncontrolled data used in path expression",
                "name": "js/path-injection",
                "full_description": "Accessing paths influenced by users can allow an attacker "
                "to access unexpected resources.",
                "tags": ["security", "external/cwe/cwe-022", "external/cwe/cwe-023"],
            },
            "alert.tool": {"name": "CodeQL", "guid": None, "version": "2.19.3"},
            "alert.instances": [
                {
                    "ref": "refs/heads/main",
                    "analysis_key": ".github/workflows/codeql.yml:analyze",
                    "environment": '{"language":"javascript-typescript"}',
                    "state": "open",
                    "commit_sha": sha("fr-f-sec-alert-codeql-path"),
                    "message": {"text": "This path depends on a user-provided value."},
                    "location": {
                        "path": "server/preview.js",
                        "start_line": 5,
                        "end_line": 5,
                        "start_column": 31,
                        "end_column": 58,
                    },
                    "classifications": [],
                }
            ],
        },
    )
    fcommon.add(
        "fr-f-sec-alert-codeql-js-path-injection",
        "CodeQL code scanning alert js/path-injection (high): server/preview.js reads a file "
        "path built from req.query.name",
        ["security-alert", "security"],
        "cipher",
        "code_scanning_alert",
        "code_scanning_alert",
        p,
        {"changed_files": ["server/preview.js"]},
    )


# ------------------------------------------------------------------ runner and platform


def platform() -> None:
    from gha import Step

    # the job never got a hosted runner (no log; the check run's text)
    at(REPO)
    ci(
        "fr-f-plat-job-not-acquired-clippy",
        "the clippy check run fails without a log: 'The job was not acquired by Runner of "
        "type hosted even after multiple attempts', a GitHub-side capacity problem",
        ["platform", "no-log", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="clippy",
        repo=REPO,
        steps=[],
        message="refactor(router): split scoring from dispatch",
        files=["crates/router/src/score.rs", "crates/router/src/dispatch.rs"],
        event="check_run",
        check=(
            "clippy",
            "The job was not acquired by Runner of type hosted even after multiple attempts",
        ),
        logs=False,
    )

    # apt waits on the dpkg lock held by unattended-upgrades until the step times out
    lock = []
    for i in range(1, 21):
        lock.append(
            "Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held "
            f"by process 2417 (unattended-upgr)... {i * 30}s"
        )
    ci(
        "fr-f-plat-dpkg-lock-step-timeout-wasm-build",
        "the wasm build job's 'Install binaryen' step waits on the dpkg lock held by "
        "unattended-upgrades on the runner image until the step's 10-minute timeout cancels "
        "it; wasm-pack never ran",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="wasm",
        job="wasm-pack-build",
        repo=REPO,
        steps=[
            *rust_setup(),
            Step(
                "Install binaryen",
                [
                    "##[group]Run sudo apt-get install -y --no-install-recommends binaryen",
                    "sudo apt-get install -y --no-install-recommends binaryen",
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                    *lock,
                    "##[error]The action 'Install binaryen' has timed out after 10 minutes.",
                ],
                "failure",
                None,
                600,
            ),
        ],
        message="feat(wasm): shrink the routing bundle with wasm-opt",
        files=["crates/router-wasm/Cargo.toml", ".cargo/config.toml"],
    )

    # a multi-line value written to $GITHUB_OUTPUT without a delimiter
    at(WEB)
    ci(
        "fr-f-plat-github-output-invalid-format-version-check",
        "the frontend version-check step writes package.json's multi-line JSON to "
        "$GITHUB_OUTPUT without a heredoc delimiter; the runner rejects the file command "
        "('Unable to process file command 'output' successfully', 'Invalid format')",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="version-check",
        repo=WEB,
        steps=[
            *node_setup(),
            Step(
                "Read package metadata",
                [
                    '##[group]Run echo "pkg=$(jq \'{name, version}\' package.json)" >> "$GITHUB_OUTPUT"',
                    'echo "pkg=$(jq \'{name, version}\' package.json)" >> "$GITHUB_OUTPUT"',
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                    "##[error]Unable to process file command 'output' successfully.",
                    '##[error]Invalid format \'  "name": "@5dlabs/console",\'',
                ],
                "failure",
                None,
                2,
            ),
        ],
        message="ci(frontend): expose the package version to later jobs",
        files=[".github/workflows/frontend.yml"],
    )

    # a fork PR: the registry secrets are empty, docker/login-action refuses
    ci(
        "fr-f-plat-fork-pr-docker-login-no-secrets",
        "a pull request from a fork runs the image job; secrets are not passed to forks, so "
        "docker/login-action fails with 'Username and password required' before any build",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="images",
        job="build-console-image",
        repo=WEB,
        steps=[
            uses(
                "docker/setup-buildx-action@v3",
                None,
                [
                    "Docker info",
                    "Buildx version",
                    "Creating a new builder instance",
                    "Booting builder",
                ],
            ),
            Step(
                "Log in to ghcr.io",
                [
                    "##[group]Run docker/login-action@v3",
                    "with:",
                    "  registry: ghcr.io",
                    "  ecr: auto",
                    "  logout: true",
                    "##[endgroup]",
                    "##[error]Username and password required",
                ],
                "failure",
                None,
                1,
            ),
        ],
        message="fix(ui): keyboard focus on the agent list",
        files=["src/AgentList.jsx"],
        pr={
            "number": 2291,
            "title": "fix(ui): keyboard focus on the agent list",
            "body": "First contribution from a fork. Fixes focus order.",
            "head": {"repo": {"full_name": "octo-contrib/console", "fork": True}},
        },
    )

    # cargo cannot fetch a private git dependency: 401 from the host (real cargo)
    at(REPO)
    with answer(401, "Unauthorized", "Authentication required") as port:
        path = real.crate(
            "fr-f-plat-cargo-git",
            {
                "Cargo.toml": real.cargo_toml(
                    "healer",
                    f'healer-licensing = {{ git = "http://127.0.0.1:{port}/5dlabs/healer-licensing.git", tag = "v0.3.1" }}',
                ),
            },
        )
        lines, code = real.run(
            ["cargo", "fetch"],
            path,
            env={"CARGO_HOME": str(path / ".cargo-home"), "CARGO_NET_GIT_FETCH_WITH_CLI": "true"},
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    lines = [
        ln.replace("/home/runner/work/healer/healer/.cargo-home", "/home/runner/.cargo")
        for ln in lines
    ]
    lines = [
        re.sub(r"healer-licensing-[0-9a-f]{16}", "healer-licensing-3f1c2a9b7d4e6f08", ln)
        for ln in lines
    ]
    assert code != 0, lines
    ci(
        "fr-f-plat-cargo-private-git-dependency-401",
        "cargo fetch cannot clone the private healer-licensing git dependency: github.com "
        "answers 401 (the job's token cannot read that repository)",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Rust CI",
        job="build",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(real.Out("cargo fetch --locked", lines, code), name="Fetch dependencies"),
        ],
        message="feat(licensing): check seat limits",
        files=["Cargo.toml", "Cargo.lock", "src/license.rs"],
    )

    # the hosted runner disconnected in the middle of a test shard
    at(WEB)
    ci(
        "fr-f-plat-hosted-runner-disconnect-vitest-shard",
        "vitest shard 2 of 4 stops mid-run and the job ends with 'The hosted runner "
        "encountered an error while running your job. (Error Type: Disconnect).'; the other "
        "shards passed",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="vitest (2/4)",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            Step(
                "Unit tests",
                [
                    "##[group]Run npx vitest run --shard=2/4",
                    "npx vitest run --shard=2/4",
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                    "",
                    " RUN  v2.1.9 /home/runner/work/console/console",
                    "",
                    " ✓ src/agents/list.test.ts (14 tests) 41ms",
                    " ✓ src/runs/timeline.test.ts (22 tests) 63ms",
                ],
                "cancelled",
                None,
                300,
            ),
        ],
        tail=[
            "##[error]The hosted runner encountered an error while running your job. (Error "
            "Type: Disconnect)."
        ],
        message="feat(runs): timeline zoom",
        files=["src/runs/timeline.ts"],
        cancelled=True,
    )


# ------------------------------------------------------------------ obvious


def obvious() -> None:
    at(WEB)
    path = real.scratch(
        "fr-f-obv-npm-ci",
        {
            "package.json": json.dumps(
                {"name": "console", "version": "1.9.0", "dependencies": {"zod": "^3.23.8"}},
                indent=2,
            )
            + "\n",
            "package-lock.json": json.dumps(
                {
                    "name": "console",
                    "version": "1.9.0",
                    "lockfileVersion": 3,
                    "requires": True,
                    "packages": {"": {"name": "console", "version": "1.9.0"}},
                },
                indent=2,
            )
            + "\n",
        },
    )
    lines, code = real.run(
        ["npm", "ci", "--offline"],
        path,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    assert code != 0 and any("in sync" in ln for ln in lines), lines
    ci(
        "fr-f-obv-npm-ci-lockfile-out-of-sync",
        "npm ci refuses: package.json adds zod ^3.23.8 but package-lock.json was not updated "
        "('Missing: zod@^3.23.8 from lock file')",
        ["obvious"],
        "blaze",
        "frontend_deps",
        workflow="frontend",
        job="install",
        repo=WEB,
        steps=[*node_setup(), failing(real.Out("npm ci", lines, code), name="Install")],
        message="feat(forms): validate settings with zod",
        files=["package.json", "src/settings/schema.js"],
    )

    out = real.sh(
        "fr-f-obv-node-check",
        {
            "scripts/seed.mjs": """const agents = ["rex", "blaze", "bolt"];
for (const a of agents) {
  console.log(`seeding ${a}`;
}
""",
        },
        "node --check scripts/seed.mjs",
        "node --check scripts/seed.mjs",
    )
    assert out.code != 0 and any("SyntaxError" in ln for ln in out.lines), out
    ci(
        "fr-f-obv-node-check-syntax-error-seed-script",
        "node --check fails on scripts/seed.mjs: a missing closing parenthesis in "
        "console.log (SyntaxError)",
        ["obvious"],
        "blaze",
        "frontend_build",
        workflow="frontend",
        job="syntax-check",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Check scripts")],
        message="chore(dev): seed script for local agents",
        files=["scripts/seed.mjs"],
    )

    at(REPO)
    out = real.cargo(
        "fr-f-obv-doctest",
        {
            "src/lib.rs": """/// Clamps a confidence score to `0.0..=1.0`.
///
/// ```
/// assert_eq!(healer::clamp_confidence(1.7), 1.0);
/// assert_eq!(healer::clamp_confidence(-0.2), 0.0);
/// ```
pub fn clamp_confidence(x: f64) -> f64 {
    x.min(1.0)
}
""",
        },
        ["test", "--doc"],
    )
    lines = [
        re.sub(
            r"src/lib\.rs - clamp_confidence \(line \d+\)",
            "src/lib.rs - clamp_confidence (line 3)",
            ln,
        )
        for ln in out.lines
    ]
    assert out.code != 0 and any("FAILED" in ln for ln in lines), lines
    ci(
        "fr-f-obv-cargo-doctest-clamp-negative",
        "cargo test --doc fails: the clamp_confidence doctest expects -0.2 to clamp to 0.0 but "
        "the function only caps the top",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="doctests",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(real.Out("cargo test --doc", lines, out.code), name="Doctests"),
        ],
        message="feat(score): clamp confidence",
        files=["src/lib.rs"],
    )

    at(PLAT)
    schema = json.dumps(
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "required": ["replicaCount", "image"],
            "properties": {
                "replicaCount": {"type": "integer", "minimum": 1},
                "image": {
                    "type": "object",
                    "required": ["repository", "tag"],
                    "properties": {
                        "repository": {"type": "string"},
                        "tag": {"type": "string"},
                    },
                },
            },
        },
        indent=2,
    )
    out = real.sh(
        "fr-f-obv-values-schema",
        {
            "charts/healer/values.schema.json": schema,
            "charts/healer/values-staging.yaml": 'replicaCount: "2"\nimage:\n  repository: '
            "ghcr.io/5dlabs/healer\n  tag: 0.16.0\n",
        },
        "check-jsonschema --schemafile charts/healer/values.schema.json "
        "charts/healer/values-staging.yaml",
        "check-jsonschema --schemafile charts/healer/values.schema.json "
        "charts/healer/values-staging.yaml",
    )
    assert out.code != 0, out
    ci(
        "fr-f-obv-helm-values-schema-replica-string",
        "check-jsonschema validates the staging values against the chart's values.schema.json: "
        "replicaCount is the string '2', not an integer",
        ["obvious"],
        "bolt",
        "helm",
        workflow="charts",
        job="values-schema",
        repo=PLAT,
        steps=[failing(out, name="Validate values")],
        message="chore(staging): two replicas",
        files=["charts/healer/values-staging.yaml"],
    )

    out = real.sh(
        "fr-f-obv-shellcheck",
        {
            "scripts/rotate-logs.sh": """#!/usr/bin/env bash
set -euo pipefail
dir=$1
for f in $(ls $dir/*.log); do
  gzip $f
done
""",
        },
        "shellcheck scripts/*.sh",
        "shellcheck scripts/*.sh",
    )
    assert out.code != 0 and any("SC2086" in ln for ln in out.lines), out
    ci(
        "fr-f-obv-shellcheck-rotate-logs",
        "shellcheck fails scripts/rotate-logs.sh: iterating over ls output (SC2045) and "
        "unquoted variables (SC2086)",
        ["obvious"],
        "atlas",
        "general",
        workflow="scripts",
        job="shellcheck",
        repo=PLAT,
        steps=[failing(out, name="shellcheck")],
        message="chore(ops): log rotation script",
        files=["scripts/rotate-logs.sh"],
    )


def more() -> None:
    """A rollout wait with no explaining context, a pnpm workspace lockfile, a database
    migration run in CI."""
    from cases_batch4 import _env_b4, _pnpm_setup, _scrub, ensure_b4_tools
    from helpers import silent_server

    ensure_b4_tools()
    # kubectl wait: the API server never completes the TLS handshake; nothing else is wrong
    at(PLAT)
    with silent_server() as port:
        path = real.scratch("fr-f-more-tls")
        lines, code = real.run(
            [
                "kubectl",
                f"--server=https://127.0.0.1:{port}",
                "--insecure-skip-tls-verify",
                "--token=ci-deployer",
                "--request-timeout=3s",
                "wait",
                "--for=condition=Available",
                "deployment/healer-api",
                "-n",
                NS,
                "--timeout=240s",
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
            hosts={f"127.0.0.1:{port}": "k8s-api.5dlabs.internal:6443"},
            timeout=120,
        )
    wait_err = (
        "net/http: request canceled while waiting for connection (Client.Timeout exceeded "
        "while awaiting headers)"
    )
    lines = [
        ln.replace("?timeout=3s", "?timeout=30s").replace("context deadline exceeded", wait_err)
        for ln in lines
    ]
    assert code != 0 and any("Unable to connect to the server" in ln for ln in lines), lines
    ci(
        "fr-f-same-rollout-wait-api-server-unreachable",
        "the rollout job's kubectl wait never gets an answer from the API server ('Unable to "
        "connect to the server: ... Client.Timeout exceeded while awaiting headers'); the "
        "healer-api pods are Ready with normal events and the change only sets a log level: "
        "a transient control-plane or network fault",
        ["context-driven", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[
            *kube_setup(),
            failing(
                real.Out(
                    f"kubectl wait --for=condition=Available deployment/healer-api -n {NS} "
                    "--timeout=240s --request-timeout=30s",
                    lines,
                    code,
                ),
                name="Wait for rollout",
            ),
        ],
        message="chore(api): log level info in staging",
        files=["charts/healer-api/values-staging.yaml"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-f-more-tls", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.16.0"
                ),
                "events": normal_events("fr-f-more-tls", NS, "healer-api"),
            }
        },
    )

    # pnpm: a workspace package's manifest changed without the lockfile (blaze)
    at(WEB)
    path = real.scratch(
        "fr-f-more-pnpm",
        {
            "package.json": json.dumps({"name": "console-monorepo", "private": True}, indent=2),
            "pnpm-workspace.yaml": "packages:\n  - packages/*\n",
            "packages/ui/package.json": json.dumps(
                {"name": "@5dlabs/ui", "version": "1.9.0", "dependencies": {"clsx": "^2.1.1"}},
                indent=2,
            ),
            "pnpm-lock.yaml": "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n"
            "  excludeLinksFromLockfile: false\n\nimporters:\n\n  .: {}\n\n"
            "  packages/ui: {}\n",
        },
    )
    lines, code = real.run(
        ["pnpm", "install", "--frozen-lockfile", "--offline"], path, env=_env_b4()
    )
    lines = _scrub(lines)
    assert code != 0 and any("OUTDATED_LOCKFILE" in ln for ln in lines), lines
    ci(
        "fr-f-tool-pnpm-workspace-outdated-lockfile",
        "pnpm install --frozen-lockfile fails with ERR_PNPM_OUTDATED_LOCKFILE: "
        "packages/ui/package.json adds clsx but pnpm-lock.yaml was not regenerated",
        ["misleading-name"],
        "blaze",
        "frontend_deps",
        workflow="frontend",
        job="storybook",
        repo=WEB,
        steps=[
            *node_setup(),
            _pnpm_setup(),
            failing(real.Out("pnpm install --frozen-lockfile", lines, code), name="Install"),
        ],
        message="feat(ui): conditional class names in Button",
        files=["packages/ui/package.json", "packages/ui/src/Button.tsx"],
    )

    # a SQL migration applied in CI fails: the column already exists (Python runner: atlas)
    at(PLAT)
    path = real.scratch(
        "fr-f-more-migrate",
        {
            "migrations/0007_runs_region.sql": "ALTER TABLE runs ADD COLUMN region TEXT;\n",
            "migrations/0008_runs_region_default.sql": "ALTER TABLE runs ADD COLUMN region TEXT "
            "NOT NULL DEFAULT 'eu-west-1';\n",
            "scripts/migrate.py": """import pathlib
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, agent TEXT)")
for path in sorted(pathlib.Path("migrations").glob("*.sql")):
    print(f"applying {path.name}", flush=True)
    db.executescript(path.read_text())
print("migrations applied")
""",
        },
    )
    lines, code = real.run(["python3", "scripts/migrate.py", ":memory:"], path)
    assert code != 0 and any("duplicate column name" in ln for ln in lines), lines
    ci(
        "fr-f-tool-sql-migration-duplicate-column",
        "the migration check applies every SQL migration to a fresh database and fails: "
        "0008 adds runs.region again ('sqlite3.OperationalError: duplicate column name: "
        "region') instead of altering the column added by 0007",
        ["misleading-name"],
        "atlas",
        "general",
        workflow="db",
        job="migrations",
        repo=PLAT,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            failing(
                real.Out("python scripts/migrate.py :memory:", lines, code), name="Apply migrations"
            ),
        ],
        message="feat(db): default region for runs",
        files=["migrations/0008_runs_region_default.sql"],
    )


def release_and_supply_chain() -> None:
    """changesets in a release check (atlas); lockfile-lint on resolved hosts (cipher)."""
    at(WEB)
    bin_ = b6_node() / "node_modules" / ".bin"
    path = real.scratch(
        "fr-f-rel-changeset",
        {
            "package.json": json.dumps(
                {"name": "console-monorepo", "private": True, "workspaces": ["packages/*"]}
            ),
            "packages/ui/package.json": json.dumps({"name": "@5dlabs/ui", "version": "1.9.0"}),
            "packages/ui/src/index.js": 'export { Button } from "./Button.js";\n',
            "packages/ui/src/Button.js": "export const Button = () => null;\n",
            ".changeset/config.json": json.dumps(
                {
                    "changelog": "@changesets/cli/changelog",
                    "commit": False,
                    "access": "restricted",
                    "baseBranch": "main",
                }
            ),
        },
    )
    git = "git -c user.name=ci -c user.email=ci@5dlabs.ai"
    real.run(
        f"git init -q -b main && git add -A && {git} commit -qm init && git checkout -qb "
        "feat/ui-button-sizes",
        path,
    )
    (path / "packages/ui/src/Button.js").write_text(
        'export const Button = ({ size = "md" }) => size;\n'
    )
    real.run(f"{git} commit -qam 'feat(ui): button sizes'", path)
    lines, code = real.run([str(bin_ / "changeset"), "status", "--since=main"], path)
    assert code != 0 and any("no changesets were found" in ln for ln in lines), lines
    ci(
        "fr-f-tool-changesets-status-no-changeset",
        "the release check's changeset status fails: packages/ui changed but the pull "
        "request carries no .changeset file",
        ["misleading-name"],
        "atlas",
        "release_publish",
        workflow="release",
        job="changeset-check",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(
                real.Out("npx changeset status --since=origin/main", lines, code),
                name="Changeset status",
            ),
        ],
        message="feat(ui): button sizes",
        files=["packages/ui/src/Button.js"],
    )

    path = real.scratch(
        "fr-f-sec-lockfile-lint",
        {
            "package-lock.json": json.dumps(
                {
                    "name": "console",
                    "version": "1.9.0",
                    "lockfileVersion": 3,
                    "requires": True,
                    "packages": {
                        "": {
                            "name": "console",
                            "version": "1.9.0",
                            "dependencies": {"date-fns": "^4.1.0"},
                        },
                        "node_modules/date-fns": {
                            "version": "4.1.0",
                            "resolved": "http://npm-cache.5dlabs-dev.net/date-fns/-/date-fns-4.1.0.tgz",
                            "integrity": "sha512-Ukq0owbQXxa/U3EGtsdVBkR1w7KOQ5gIBqdH2hkvknzZPYvBxb/aa6E8L7tmjFtkwZBu3UXBbjIgPo/Ez4xaNg==",
                        },
                    },
                },
                indent=2,
            ),
        },
    )
    lines, code = real.run(
        [
            str(bin_ / "lockfile-lint"),
            "--path",
            "package-lock.json",
            "--type",
            "npm",
            "--allowed-hosts",
            "npm",
            "--validate-https",
        ],
        path,
    )
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", ln) for ln in lines]
    assert code != 0 and any("invalid host" in ln for ln in lines), lines
    ci(
        "fr-f-sec-lockfile-lint-untrusted-registry-host",
        "lockfile-lint fails the supply-chain check: date-fns in package-lock.json resolves "
        "from http://npm-cache.5dlabs-dev.net (not registry.npmjs.org, and not https), a "
        "lockfile written against a developer's local cache",
        ["security", "misleading-name"],
        "cipher",
        "vulnerable_dependency",
        workflow="frontend",
        job="lockfile-lint",
        repo=WEB,
        steps=[
            *node_setup(),
            failing(
                real.Out(
                    "npx lockfile-lint --path package-lock.json --type npm --allowed-hosts npm "
                    "--validate-https",
                    lines,
                    code,
                ),
                name="Lint lockfile",
            ),
        ],
        message="feat(runs): relative dates",
        files=["package.json", "package-lock.json", "src/runs/RelativeTime.jsx"],
    )


def test_binary_killed() -> None:
    """cargo test's integration binary SIGKILLed by the OOM killer mid-run (atlas)."""
    from cases_batch4 import kill_when

    at(REPO)
    out = kill_when(
        "fr-f-kill-testbin",
        {
            "Cargo.toml": real.cargo_toml("healer"),
            "src/lib.rs": "pub fn normalize(s: &str) -> String {\n    s.trim().to_lowercase()\n}\n",
            "tests/corpus.rs": """use healer::normalize;

#[test]
fn a_normalizes_case() {
    assert_eq!(normalize(" Rex "), "rex");
}

#[test]
fn b_replays_recorded_corpus() {
    for line in ["Blaze", " Bolt", "CIPHER "] {
        assert!(!normalize(line).is_empty());
    }
    std::thread::sleep(std::time::Duration::from_secs(30));
}
""",
        },
        "cargo test --test corpus",
        leaf="target/debug/deps/corpus-",
        starts=str(real.RUNS / "fr-f-kill-testbin" / "target" / "debug" / "deps" / "corpus-"),
        grace=1.5,
    )
    lines = [
        re.sub(
            r"test b_replays_recorded_corpus \.\.\. ?$", "test b_replays_recorded_corpus ... ", ln
        )
        for ln in out.lines
    ]
    assert out.code != 0 and any("SIGKILL" in ln for ln in lines), lines
    ci(
        "fr-f-same-kill-cargo-test-binary-sigkill",
        "the corpus test binary is SIGKILLed after its first test passed (cargo: 'signal: 9, "
        "SIGKILL: kill'); the other test only normalizes three strings and the change renames "
        "a variable: the runner's memory, not the code",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="corpus-tests",
        repo=REPO,
        steps=[*rust_setup(), failing(real.Out(out.command, lines, out.code), name="Corpus tests")],
        message="style(normalize): clearer names",
        files=["src/lib.rs"],
    )


def build() -> None:
    ensure_b6_tools()
    rollouts()
    smokes()
    connection_tests()
    kills()
    tools()
    security()
    platform()
    obvious()
    more()
    release_and_supply_chain()
    test_binary_killed()
