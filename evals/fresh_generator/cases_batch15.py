"""Batch 15 of the fresh split (ids ``fr-o-``): the classes routers get confidently wrong, in
variations not used before.

- flakes and runner trouble inside tools that look like another owner's, with nothing in the
  context to explain them (npm's ``EAI_AGAIN`` from a resolver that does not answer, npm
  ``E429`` from the registry, curl's TLS ``SSL_ERROR_SYSCALL`` fetching protoc, the GitHub
  API's rate-limit 403 installing a cargo tool, Docker Hub's ``toomanyrequests`` under a Rust
  integration test, cargo out of disk space): atlas; and look-alikes the context explains (a
  Rust service panicking on a millisecond cursor parsed as ``u32``: rex; an egress
  NetworkPolicy without DNS: bolt);
- resource kills: esbuild's service process killed under a bundle script, ``npm ci``
  ``Killed`` (atlas); rustc killed evaluating a 4-Mi-entry const table the PR added, a vitest
  fork whose own output shows its memo growing, pods OOMKilled with a working set climbing
  from boot after a PR added a process-wide cache (the code's owner);
- GitHub platform failures under misleading names (a cancel mid cargo test, a nested
  reusable workflow's ``id-token`` permission, a job never given a runner in 24 h, an OIDC
  token the runtime never offered, a repository rule requiring pull requests, an action pinned
  to a commit that no longer exists): atlas; push protection for a Hugging Face token: cipher;
- security without a log (cargo-deny, osv-scanner and Trivy config check runs): cipher;
- four obvious cases and two noisy logs.

Every tool output is a real run here (cargo, rustc, clippy, node, npm, vitest, esbuild, tsc,
curl, docker CLI, kubectl, hadolint, actionlint, git) against local files, local repositories
or 127.0.0.1 servers; runner and service texts that cannot be produced here use GitHub's or
the service's documented wording (see the README's batch 15 notes)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import fcommon
import real
import shapes
from cases_batch2 import npm_ci_ok  # npm's 'up to date in …' duration pinned
from cases_batch8 import _docker_daemon, kill_one
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
from gha import run, uses
from helpers import clock, crashing, curl_fail, kube_setup, pod_name, rollout, silent_server

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
NS = "healer"

RESOLV = real.WORK / "runs" / "fr-o-resolv.conf"


def _pkg(name: str = "console", scripts: dict[str, str] | None = None, **more: object) -> str:
    pkg: dict[str, object] = {"name": name, "version": "2.0.0", "private": True, "type": "module"}
    if scripts:
        pkg["scripts"] = scripts
    pkg.update(more)
    return json.dumps(pkg, indent=2) + "\n"


def _cargo(
    cid: str,
    files: dict[str, str],
    args: list[str],
    shown: str | None = None,
    env: dict[str, str] | None = None,
    package: str = "healer",
) -> real.Out:
    path = real.crate(cid, files, package=package)
    lines, code = real.run(["cargo", *args], path, env={"CARGO_NET_OFFLINE": "true", **(env or {})})
    return real.Out(shown or "cargo " + " ".join(args), lines, code)


def _rust_run(cid: str, source: str, wrap: bool = False) -> real.Out:
    """Build and run a small Rust program (its stderr is what the pod logs); ``wrap`` runs it
    without a working resolver."""
    path = real.crate(cid, {"src/main.rs": source})
    lines, code = real.run(["cargo", "build", "-q"], path, env={"CARGO_NET_OFFLINE": "true"})
    assert code == 0, lines
    exe = "./target/debug/healer"
    lines, code = real.run(_no_resolver(exe) if wrap else [exe], path)
    return real.Out("/usr/local/bin/healer", lines, code)


def _no_resolver(inner: str) -> str:
    """``inner`` run in a user and mount namespace whose /etc/resolv.conf names a resolver
    that does not answer (127.0.0.1:53, closed), so getaddrinfo fails with EAI_AGAIN."""
    RESOLV.parent.mkdir(parents=True, exist_ok=True)
    RESOLV.write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    return f"unshare -rm sh -c 'mount --bind {RESOLV} /etc/resolv.conf && {inner}'"


ZOD_LOCK = {
    "name": "console",
    "version": "2.0.0",
    "lockfileVersion": 3,
    "requires": True,
    "packages": {
        "": {"name": "console", "version": "2.0.0", "devDependencies": {"zod": "3.23.8"}},
        "node_modules/zod": {
            "version": "3.23.8",
            "resolved": "https://registry.npmjs.org/zod/-/zod-3.23.8.tgz",
            "integrity": "sha512-XBx9AXhXktjUqnepgTiE5flcKIYWi/rme0Eaj+5Y0lftuGBq+jyRu/md4WnuxqgP1"
            "ubdpNCsYEYPxrzVHD8d6g==",
            "dev": True,
        },
    },
}


def _npm_files() -> dict[str, str]:
    return {
        "package.json": json.dumps(
            {
                "name": "console",
                "version": "2.0.0",
                "private": True,
                "devDependencies": {"zod": "3.23.8"},
            },
            indent=2,
        )
        + "\n",
        "package-lock.json": json.dumps(ZOD_LOCK, indent=2) + "\n",
    }


def _npm_env(cid: str) -> dict[str, str]:
    cache = real.RUNS / f"{cid}-npm-cache"
    shutil.rmtree(cache, ignore_errors=True)
    return {
        "npm_config_cache": str(cache),
        "npm_config_fetch_retries": "1",
        "npm_config_fetch_retry_mintimeout": "500",
        "npm_config_fetch_retry_maxtimeout": "1000",
        "npm_config_update_notifier": "false",
    }


@contextmanager
def _handshake_dropper() -> Iterator[int]:
    """A 127.0.0.1 TCP server that reads the TLS ClientHello and closes the connection."""
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
            with suppress(OSError):
                conn.recv(4096)
            conn.close()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield int(srv.getsockname()[1])
    finally:
        stop.set()
        t.join()
        srv.close()


# ------------------------------------------------------------------ 1. flakes, no context


def flakes() -> None:
    # 1a. npm ci: getaddrinfo EAI_AGAIN (the resolver did not answer) in a vitest job (atlas)
    at(WEB)
    cid = "fr-o-npm-eai-again"
    path = real.scratch(cid, _npm_files())
    lines, code = real.run(
        _no_resolver("npm ci --no-fund --no-audit"),
        path,
        env=_npm_env(cid),
        keep=lambda ln: (
            ".npm/_logs" not in ln and "A complete log" not in ln and "_npm-cache" not in ln
        ),
    )
    out = real.Out("npm ci", lines, code)
    assert code != 0 and any("EAI_AGAIN" in ln for ln in lines), lines
    ci(
        "fr-o-flake-npm-ci-eai-again-vitest-job",
        "npm ci fails before any test runs: getaddrinfo EAI_AGAIN registry.npmjs.org (the "
        "runner's DNS resolver did not answer); the change only edits a component and its "
        "test, nothing in the context explains the lookup failure: a transient runner/DNS flake",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="vitest",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="feat(runs): show the queued duration",
        files=["src/RunRow.tsx", "src/RunRow.test.tsx"],
        pr=pr_of(cid, "feat(runs): show the queued duration"),
    )

    # 1b. npm ci: the registry answers 429 Too Many Requests in a lint job (atlas)
    cid = "fr-o-npm-e429"
    path = real.scratch(cid, _npm_files())
    body = json.dumps({"error": "Too Many Requests"})
    with real.serve((429, body, "application/json")) as port:
        lines, code = real.run(
            ["npm", "ci", "--no-fund", "--no-audit", f"--registry=http://127.0.0.1:{port}/"],
            path,
            env=_npm_env(cid),
            hosts={f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/"},
            keep=lambda ln: (
                ".npm/_logs" not in ln and "A complete log" not in ln and "_npm-cache" not in ln
            ),
        )
    out = real.Out("npm ci", lines, code)
    assert code != 0 and any("429" in ln for ln in lines), lines
    ci(
        "fr-o-flake-npm-ci-e429-registry-rate-limit-eslint-job",
        "npm ci in the ESLint job fails with E429 Too Many Requests from the npm registry "
        "while fetching zod's tarball; the lockfile is unchanged and nothing else fails: the "
        "registry rate-limited the shared runner's address",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="eslint",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="style(runs): consistent import order",
        files=["src/RunTable.tsx", "src/RunRow.tsx"],
        event="workflow_run",
    )

    # 1c. curl: TLS handshake cut (SSL_ERROR_SYSCALL) downloading protoc in a Rust build (atlas)
    at(REPO)
    url = "/protocolbuffers/protobuf/releases/download/v28.3/protoc-28.3-linux-x86_64.zip"
    with _handshake_dropper() as port:
        out = real.sh(
            "fr-o-curl-35",
            {},
            f"curl -fsSL --retry 2 --retry-all-errors --retry-delay 1 "
            f"https://127.0.0.1:{port}{url} -o /tmp/protoc.zip",
            f"curl -fsSL --retry 2 --retry-all-errors --retry-delay 1 https://github.com{url} "
            "-o /tmp/protoc.zip",
            hosts={f"127.0.0.1:{port}": "github.com:443"},
        )
    assert out.code == 35 and any("SSL_ERROR_SYSCALL" in ln for ln in out.lines), out
    ci(
        "fr-o-flake-curl-35-tls-handshake-protoc-download-rust-build",
        "the Rust build job's 'Install protoc' step fails three times with curl (35) "
        "SSL_ERROR_SYSCALL during the TLS handshake with github.com; the download URL is "
        "unchanged and nothing in the context explains it: a network flake",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="build",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(out, name="Install protoc"),
        ],
        message="feat(grpc): stream triage progress",
        files=["proto/triage.proto", "src/grpc/progress.rs"],
    )

    # 1d. the GitHub API's rate-limit 403 while installing cargo-nextest (atlas)
    msg = json.dumps(
        {
            "message": "API rate limit exceeded for 52.234.41.117. (But here's the good news: "
            "Authenticated requests get a higher rate limit. Check out the documentation for "
            "more details.)",
            "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-"
            "api#rate-limiting",
        }
    )

    def api(req: object) -> tuple[int, str, str]:
        return 403, msg, "application/json; charset=utf-8"

    with real.serve(api) as port:
        out = real.sh(
            "fr-o-api-403",
            {
                "install-nextest.sh": f"""set -eo pipefail
resp=$(curl -sS -H "Accept: application/vnd.github+json" http://127.0.0.1:{port}/repos/nextest-rs/nextest/releases/latest)
if ! tag=$(jq -er .tag_name <<<"$resp"); then
  echo "error: GitHub API: $(jq -r .message <<<"$resp")" >&2
  exit 1
fi
echo "installing cargo-nextest $tag"
""",
            },
            "bash install-nextest.sh",
            "bash ci/install-nextest.sh",
            hosts={f"http://127.0.0.1:{port}/": "https://api.github.com/"},
        )
    assert out.code != 0 and any("rate limit" in ln for ln in out.lines), out
    ci(
        "fr-o-flake-github-api-rate-limit-403-installing-nextest",
        "the cargo-test job's tool install step asks the GitHub REST API for nextest's "
        "latest release without a token and gets 'API rate limit exceeded' for the runner's "
        "shared address; no test ran",
        ["flaky-infra", "platform", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="cargo-test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Install cargo-nextest")],
        message="test(router): table-driven cases for prefixes",
        files=["src/router/matcher.rs"],
    )

    # 1e. Docker Hub pull rate limit under a Rust integration test's fixture (atlas)
    path = real.crate(
        "fr-o-docker-429",
        {
            "Cargo.toml": real.cargo_toml("healer-queue"),
            "src/lib.rs": 'pub fn stream() -> &\'static str { "healer:runs" }\n',
            "tests/redis.rs": """use std::process::Command;

fn start_redis() -> String {
    let out = Command::new("docker")
        .args(["run", "-d", "--rm", "-p", "6379", "redis:7.4-alpine"])
        .output()
        .expect("docker CLI");
    if !out.status.success() {
        panic!("redis fixture did not start:\\n{}", String::from_utf8_lossy(&out.stderr));
    }
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn enqueues_a_run() {
    let id = start_redis();
    assert!(!id.is_empty());
    assert_eq!(healer_queue::stream(), "healer:runs");
}
""",
        },
    )
    pull = (
        "toomanyrequests: You have reached your unauthenticated pull rate limit. "
        "https://www.docker.com/increase-rate-limit"
    )

    def daemon(req: object) -> tuple[int, str, str]:
        status, body, ctype = _docker_daemon(pull)(req)  # type: ignore[operator]
        return status, body.replace("postgres:16-alpine", "redis:7.4-alpine"), ctype

    with real.serve(daemon) as port:
        lines, code = real.run(
            ["cargo", "test", "--test", "redis"],
            path,
            env={"CARGO_NET_OFFLINE": "true", "DOCKER_HOST": f"tcp://127.0.0.1:{port}"},
        )
    out = real.Out("cargo test --test redis", lines, code)
    assert code != 0 and any("toomanyrequests" in ln for ln in lines), lines
    ci(
        "fr-o-flake-docker-hub-toomanyrequests-rust-integration-fixture",
        "the queue integration test panics in its redis fixture: `docker run` could not pull "
        "redis:7.4-alpine because Docker Hub answered toomanyrequests (the unauthenticated "
        "pull rate limit); the test and the workflow are unchanged",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="integration",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Integration tests")],
        message="feat(queue): name the runs stream",
        files=["crates/queue/src/lib.rs"],
    )

    # 1f. cargo build out of disk space on the runner (atlas)
    cid = "fr-o-cargo-enospc"
    path = real.crate(cid, {"src/main.rs": 'fn main() {\n    println!("healer");\n}\n'})
    (path / "target").mkdir()
    lines, code = real.run(
        "unshare -rm sh -c 'mount -t tmpfs -o size=60k tmpfs target && cargo build'",
        path,
        env={"CARGO_NET_OFFLINE": "true"},
    )
    out = real.Out("cargo build", lines, code)
    assert code != 0 and any("os error 28" in ln for ln in lines), lines
    ci(
        "fr-o-flake-cargo-build-no-space-left-on-device",
        "cargo build fails while rustc writes its output: LLVM's 'IO failure on output "
        "stream: No space left on device' and cargo's os error 28; the change is one "
        "println, so the runner's disk was full",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="chore: print the binary name on start",
        files=["src/main.rs"],
    )


# ------------------------------------------------------------------ 2. context explains it


def lookalikes() -> None:
    # 2a. e2e 503 behind a Rust service panicking on Instant - Duration on fresh nodes (rex)
    at(REPO)
    crash = _rust_run(
        "fr-o-instant-sub",
        """fn main() {
    // the cursor the stats job persisted on its last run (epoch milliseconds since 0.9.0)
    let cursor = std::env::var("STATS_CURSOR").unwrap_or("1764400000000".into());
    eprintln!("healer-stats: resuming failure-rate window from cursor {cursor}");
    let since: u32 = cursor.parse().unwrap();
    eprintln!("healer-stats: window starts at {since}");
}
""",
    )
    assert crash.code != 0 and any("PosOverflow" in ln for ln in crash.lines), crash
    smoke = curl_fail("fr-o-e2e-503", "healer-staging.5dlabs.ai", "/api/stats/failures", 503)
    assert smoke.code != 0, smoke
    ctx = crashing(
        "fr-o-instant-sub",
        NS,
        "healer-stats",
        "ghcr.io/5dlabs/healer-stats:0.9.0",
        101,
        crash.lines,
    )
    ci(
        "fr-o-ctx-e2e-503-rust-cursor-parse-u32-pos-overflow",
        "the e2e check gets 503 from the stats endpoint; the healer-stats pods crash-loop "
        "(exit 101) and Loki shows the Rust panic ParseIntError { kind: PosOverflow }: the "
        "change stores the window cursor in epoch milliseconds but still parses it as u32",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy-staging",
        job="e2e",
        repo=REPO,
        steps=[failing(smoke, name="Stats endpoint answers")],
        message="feat(stats): millisecond window cursor",
        files=["crates/stats/src/window.rs"],
        extra=ctx,
    )

    # 2b. smoke 503 on /readyz behind an egress NetworkPolicy without DNS (bolt)
    dns = _rust_run(
        "fr-o-dns-policy",
        """use std::net::ToSocketAddrs;

fn main() {
    let db = "postgres.data.svc.cluster.local:5432";
    for attempt in 1..=3 {
        match db.to_socket_addrs() {
            Ok(_) => return,
            Err(e) => eprintln!(
                "WARN healer_api::db: attempt {attempt}/3: resolving {db}: {e}; readiness stays false"
            ),
        }
    }
    eprintln!("ERROR healer_api::db: database unreachable, /readyz answers 503");
}
""",
        wrap=True,
    )
    lines = dns.lines
    assert any("Temporary failure in name resolution" in ln for ln in lines), lines
    smoke = curl_fail("fr-o-readyz-503", "healer-staging.5dlabs.ai", "/readyz", 503)
    created, first, last = clock("fr-o-dns-policy")
    pods = [
        shapes.pod(
            pod_name("fr-o-dns-policy", "healer-api", str(i)),
            NS,
            "healer-api",
            "ghcr.io/5dlabs/healer-api:1.14.2",
            created=created,
            ready=False,
            port=8080,
            memory_limit="512Mi",
            probe_path="/readyz",
        )
        for i in range(2)
    ]
    events = [
        shapes.event(
            NS,
            "Pod",
            p["metadata"]["name"],
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 503",
            first=first,
            last=last,
            count=41,
        )
        for p in pods
    ]
    ci(
        "fr-o-ctx-smoke-readyz-503-egress-networkpolicy-blocks-dns",
        "the staging smoke check gets 503 from /readyz; the pods run but are never ready, and "
        "Loki shows the API failing to resolve the database host (Temporary failure in name "
        "resolution): the PR's new egress NetworkPolicy allows only TCP 5432 and no DNS",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="smoke",
        repo=PLAT,
        steps=[failing(smoke, name="Smoke /readyz")],
        message="feat(healer): lock down egress to the database",
        files=["charts/healer/templates/networkpolicy.yaml", "charts/healer/values.yaml"],
        pr=pr_of(
            "fr-o-dns-policy",
            "feat(healer): lock down egress to the database",
            "Adds an egress NetworkPolicy for healer-api: only TCP 5432 to the data "
            "namespace is allowed.",
        ),
        extra={"kubernetes": {"pods": pods, "events": events}, "loki": lines},
    )


# ------------------------------------------------------------------ 3. resource kills


def kills() -> None:
    # 3a. esbuild's service process killed under `npm run bundle` (atlas)
    at(WEB)
    out = kill_one(
        "fr-o-kill-esbuild",
        {
            "package.json": _pkg("console", {"bundle": "node scripts/bundle.mjs"}),
            "scripts/bundle.mjs": """import * as esbuild from "esbuild";

const timing = {
  name: "timing",
  setup(build) {
    build.onEnd(() => console.log("bundle: done"));
    build.onLoad({ filter: /\\.js$/ }, async () => {
      await new Promise((r) => setTimeout(r, 60000));
      return undefined;
    });
  },
};

console.log("bundle: src/main.js -> dist/app.js");
await esbuild.build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  outfile: "dist/app.js",
  plugins: [timing],
});
""",
            "src/main.js": 'import { render } from "./render.js";\nrender(document.body);\n',
            "src/render.js": "export function render(el) {\n  el.textContent = 'runs';\n}\n",
        },
        "npm run bundle",
        "--service=",
        settle=2.0,
        node_modules=True,
    )
    assert out.code != 0 and any("service" in ln for ln in out.lines), out
    ci(
        "fr-o-kill-esbuild-service-stopped-npm-run-bundle",
        "npm run bundle fails with esbuild's 'The service was stopped': the esbuild service "
        "process died (SIGKILL) mid-build; the bundle is two small modules and the change a "
        "label, so nothing in the code explains it: the runner's memory",
        ["resource-kill", "misleading-name", "wrapper"],
        "atlas",
        "general",
        workflow="console-ci",
        job="bundle",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Bundle")],
        message="fix(runs): label the run list",
        files=["src/render.js"],
    )

    # 3b. npm ci Killed in a typecheck job (atlas)
    cid = "fr-o-kill-npm-ci"
    with silent_server() as port:
        out = real.killed(
            cid,
            _npm_files(),
            "npm ci --no-fund --no-audit",
            after=4,
            env={**_npm_env(cid), "npm_config_registry": f"http://127.0.0.1:{port}/"},
        )
    assert out.code == 137, out
    ci(
        "fr-o-kill-npm-ci-killed-typecheck-job",
        "the typecheck job's npm ci is SIGKILLed (bash 'Killed', exit 137) while installing "
        "an unchanged lockfile; nothing ran yet and nothing in the change grows: the runner "
        "ran out of memory",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="refactor(types): a RunStatus union",
        files=["src/types.ts"],
    )

    # 3c. rustc SIGKILLed while evaluating the 4-Mi-entry const table the PR added (rex)
    at(REPO)
    out = kill_one(
        "fr-o-kill-rustc-const",
        {
            "Cargo.toml": real.cargo_toml("healer-labels"),
            "src/lib.rs": """#![allow(long_running_const_eval)]
//! Label hashing for the router.

/// CRC-32C of every 22-bit label prefix, computed at compile time so hashing is a lookup.
pub static PREFIX_CRC: [u32; 1 << 22] = build();

const fn crc(mut x: u32) -> u32 {
    let mut i = 0;
    while i < 22 {
        x = if x & 1 != 0 { (x >> 1) ^ 0x82F6_3B78 } else { x >> 1 };
        i += 1;
    }
    x
}

const fn build() -> [u32; 1 << 22] {
    let mut t = [0u32; 1 << 22];
    let mut i = 0;
    while i < (1 << 22) {
        t[i] = crc(i as u32);
        i += 1;
    }
    t
}

pub fn label_hash(prefix: u32) -> u32 {
    PREFIX_CRC[(prefix & ((1 << 22) - 1)) as usize]
}
""",
        },
        "cargo build --release",
        "--crate-name healer_labels",
        settle=3.0,
    )
    assert out.code != 0 and any("SIGKILL" in ln for ln in out.lines), out
    ci(
        "fr-o-kill-rustc-sigkilled-const-eval-table",
        "cargo build --release: rustc is SIGKILLed compiling healer-labels; the PR replaced "
        "a runtime CRC with a 4-Mi-entry `static` table built by a const fn (and allowed "
        "long_running_const_eval), so the compiler itself evaluates and holds the table",
        ["resource-kill", "context-driven", "misleading-name"],
        "rex",
        "rust_build",
        workflow="release",
        job="build-binaries",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build release")],
        message="perf(labels): precompute label hashes at compile time",
        files=["crates/labels/src/lib.rs"],
        pr=pr_of(
            "fr-o-kill-rustc-const",
            "perf(labels): precompute label hashes at compile time",
            "Moves the CRC-32C of every 22-bit prefix into a `static` table built by a const "
            "fn (4,194,304 entries). Needed `#![allow(long_running_const_eval)]`.",
        ),
    )

    # 3d. a vitest fork killed after its own output shows the memo growing (blaze)
    at(WEB)
    out = kill_one(
        "fr-o-kill-vitest-memo",
        {
            "package.json": _pkg("console"),
            "vitest.config.js": 'export default { test: { pool: "forks", poolOptions: { forks: '
            "{ singleFork: true } } } };\n",
            "src/diff.js": """const memo = new Map();

// Memoised run diff: keyed by both run objects' JSON, never evicted.
export function diffRuns(a, b) {
  const key = JSON.stringify(a) + "|" + JSON.stringify(b);
  if (!memo.has(key)) memo.set(key, { key, changed: a.status !== b.status });
  return memo.get(key);
}

export const memoSize = () => memo.size;
""",
            "src/diff.test.js": """import { expect, test } from "vitest";
import { diffRuns, memoSize } from "./diff.js";

test("diffs a day of runs", async () => {
  const log = (m) => process.stdout.write(m + "\\n");
  for (let batch = 1; batch <= 6; batch++) {
    for (let i = 0; i < 20000; i++) {
      const a = { id: batch * 1e6 + i, status: "queued", log: "x".repeat(512) };
      diffRuns(a, { ...a, status: "failed" });
    }
    log(`diff memo: ${memoSize()} entries, ~${Math.round((memoSize() * 1.1) / 1024)} MiB`);
  }
  await new Promise((r) => setTimeout(r, 60000));
  expect(memoSize()).toBeGreaterThan(0);
}, 120000);
""",
        },
        "npx vitest run",
        "(vitest 1)",
        settle=8,
        node_modules=True,
    )
    out = real.Out(out.command, [ln for ln in out.lines if ln.strip()], out.code)
    assert out.code != 0 and any("120000 entries" in ln for ln in out.lines), out
    ci(
        "fr-o-kill-vitest-fork-diff-memo-never-evicts",
        "vitest's fork worker is killed mid-test after the test's own output shows diffRuns' "
        "memo growing by 20,000 entries per batch (120,000 entries, ~129 MiB): the change "
        "memoises every run pair by its full JSON and never evicts",
        ["resource-kill", "context-driven"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Vitest")],
        message="perf(runs): memoise run diffs",
        files=["src/diff.js", "src/diff.test.js"],
    )

    # 3e. pods OOMKilled, working set climbing from boot after a PR added a process-wide
    # cache (rex)
    at(PLAT)
    cid = "fr-o-oom-cache"
    ro = rollout(cid, NS, "healer-api", 3, 3, 1)
    assert ro.code != 0, ro
    created, first, last = clock(cid)
    pods = []
    for i in range(2):
        name = pod_name(cid, "healer-api", str(i))
        pods.append(
            shapes.pod(
                name,
                NS,
                "healer-api",
                "ghcr.io/5dlabs/healer-api:1.15.0",
                created=created,
                restarts=2 + i,
                port=8080,
                memory_limit="512Mi",
                waiting=(
                    "CrashLoopBackOff",
                    f"back-off 40s restarting failed container=healer-api pod={name}_{NS}",
                ),
                terminated={
                    "exit_code": 137,
                    "reason": "OOMKilled",
                    "started": first,
                    "finished": last,
                },
            )
        )
    ci(
        "fr-o-ctx-rollout-oomkilled-prompt-cache-grows-from-boot",
        "the healer-api rollout times out; the new pods are OOMKilled under the unchanged "
        "512Mi limit and Prometheus shows each pod's working set climbing steadily from boot "
        "(~55 MB per 5 minutes) after the PR added a process-wide prompt cache keyed by run "
        "id with no eviction",
        ["resource-kill", "context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout-healer",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="deploy: healer-api 1.15.0",
        files=["apps/healer/values.yaml"],
        pr=pr_of(
            cid,
            "deploy: healer-api 1.15.0",
            "Bumps the image to 1.15.0 (5dlabs/healer#2291: cache rendered triage prompts "
            "per run id in a process-wide HashMap so retries skip rendering).",
        ),
        extra={
            "kubernetes": {
                "pods": pods,
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        pods[0]["metadata"]["name"],
                        "BackOff",
                        "Back-off restarting failed container healer-api in pod "
                        f"{pods[0]['metadata']['name']}_{NS}",
                        first=first,
                        last=last,
                        count=9,
                    )
                ],
            },
            "prometheus": {
                'container_memory_working_set_bytes{namespace="healer",container="healer-api"}': [
                    {
                        "metric": {"container": "healer-api", "pod": p["metadata"]["name"]},
                        "values": [
                            [1764300000 + 300 * i, str(61_000_000 + 55_000_000 * i + 1_300_000 * k)]
                            for i in range(10)
                        ],
                    }
                    for k, p in enumerate(pods)
                ],
                'kube_pod_container_resource_limits{namespace="healer",container="healer-api",'
                'resource="memory"}': 536870912,
            },
        },
    )


# ------------------------------------------------------------------ 4. platform


def platform() -> None:
    from cases_batch2 import _setup_failure
    from cases_batch5 import _push_rejected

    # 4a. a cargo test cancelled by a newer run in the same concurrency group (atlas)
    at(REPO)
    tests = "\n".join(
        f"    #[test]\n    fn route_case_{i:02}() {{\n        assert_eq!(super::route({i}), {i} % 5);\n    }}\n"
        for i in range(12)
    )
    out = _cargo(
        "fr-o-cancel-tests",
        {
            "src/lib.rs": f"pub fn route(n: u32) -> u32 {{\n    n % 5\n}}\n\n#[cfg(test)]\nmod tests "
            f"{{\n{tests}}}\n"
        },
        ["test", "--lib"],
    )
    assert out.code == 0, out
    upto = next(i for i, ln in enumerate(out.lines) if "route_case_07" in ln)
    ci(
        "fr-o-plat-concurrency-cancel-mid-cargo-test",
        "the cargo-test job stops in the middle of passing tests: a newer push to the same "
        "branch took the workflow's concurrency group ('Canceling since a higher priority "
        "waiting request ... exists'); nothing failed",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="cargo-test",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(out.command, out.lines[: upto + 1], 0, name="cargo test", conclusion="cancelled"),
        ],
        tail=[
            "##[error]Canceling since a higher priority waiting request for "
            "'rust-refs/heads/feat/route-table' exists",
            "##[error]The operation was canceled.",
        ],
        message="feat(router): route table by modulus",
        files=["src/lib.rs"],
        cancelled=True,
        conclusion="cancelled",
    )

    # 4b. a nested reusable workflow asks for id-token: write the caller never granted (atlas)
    at(PLAT)
    ci(
        "fr-o-plat-nested-reusable-workflow-id-token-not-allowed",
        "the chart deploy run fails before any job starts: the called reusable workflow's "
        "publish job requests 'id-token: write' but the caller grants only 'id-token: none' "
        "(a workflow-file permissions error, no log)",
        ["platform", "misleading-name", "no-log"],
        "atlas",
        "permissions",
        workflow="deploy-chart",
        job="deploy-chart / publish",
        repo=PLAT,
        steps=[],
        message="ci(charts): publish through the shared OCI workflow",
        files=[".github/workflows/deploy-chart.yml"],
        event="check_run",
        check=(
            "Invalid workflow file",
            "The workflow is not valid. .github/workflows/deploy-chart.yml (Line: 14, Col: 3): "
            "Error calling workflow '5dlabs/.github/.github/workflows/oci-publish.yml@main'. "
            "The nested job 'publish' is requesting 'id-token: write', but is only allowed "
            "'id-token: none'.",
        ),
        logs=False,
    )

    # 4c. a job that never got a runner in 24 hours (atlas)
    at(REPO)
    ci(
        "fr-o-plat-awaiting-runner-24h-cargo-test-arm64",
        "the cargo-test-arm64 job never ran: it waited 24 hours for a runner with the "
        "requested larger-runner label and GitHub gave up (no log)",
        ["platform", "misleading-name", "no-log"],
        "atlas",
        "general",
        workflow="rust",
        job="cargo-test-arm64",
        repo=REPO,
        steps=[],
        message="ci(rust): test on arm64",
        files=[".github/workflows/rust.yml"],
        event="check_run",
        check=(
            "cargo-test-arm64",
            "The job has exceeded the maximum execution time while awaiting a runner for 24h0m0s",
        ),
        logs=False,
    )

    # 4d. build provenance attestation without an OIDC token (atlas)
    at(PLAT)
    digest = "sha256:" + sha("fr-o-attest") + sha("fr-o-attest2")[:24]
    ci(
        "fr-o-plat-attest-provenance-no-oidc-request-url",
        "the image's attest job (fed the pushed digest by the build job) fails in "
        "actions/attest-build-provenance with "
        "'Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable': the workflow does not "
        "grant id-token: write, so the runner offers no OIDC token",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="images",
        job="attest-healer-image",
        repo=PLAT,
        steps=[
            uses(
                "actions/attest-build-provenance@v2",
                {
                    "subject-name": "ghcr.io/5dlabs/healer",
                    "subject-digest": digest,
                    "push-to-registry": "true",
                },
                [],
                name="Attest",
                error=["##[error]Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable"],
            ),
        ],
        message="ci(images): attest build provenance",
        files=[".github/workflows/images.yml"],
        branch="main",
    )

    # 4e. a repository rule requires pull requests; the chart-bump bot pushes to main (atlas)
    out = _push_rejected(
        "fr-o-gh013-rule-pr",
        PLAT,
        [
            "error: GH013: Repository rule violations found for refs/heads/main.",
            "Review all repository rules at https://github.com/5dlabs/platform/rules?ref="
            "refs%2Fheads%2Fmain",
            "",
            "- Changes must be made through a pull request.",
            "",
        ],
        "push declined due to repository rule violations",
    )
    assert out.code != 0 and any("GH013" in ln for ln in out.lines), out
    ci(
        "fr-o-plat-gh013-ruleset-pull-request-required-chart-bump",
        "the chart-release job bumps Chart.yaml and commits, then its push to main is declined "
        "by a repository ruleset (GH013: changes must be made through a pull request); no "
        "secret is involved",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="charts",
        job="chart-release",
        repo=PLAT,
        steps=[
            run(
                "yq -i '.version = \"0.31.0\"' charts/healer/Chart.yaml",
                [],
                name="Bump chart version",
            ),
            run(
                'git commit -am "chore(charts): healer 0.31.0"',
                [
                    "[main 7c1e0a4] chore(charts): healer 0.31.0",
                    " 1 file changed, 1 insertion(+), 1 deletion(-)",
                ],
                name="Commit",
            ),
            failing(out, name="Push"),
        ],
        message="feat(charts): healer 0.31.0 values",
        files=["charts/healer/values.yaml"],
        branch="main",
        event="workflow_run",
    )

    # 4f. an action pinned to a commit that no longer exists (atlas)
    pin = sha("fr-o-deleted-pin")
    _setup_failure(
        "fr-o-plat-action-pinned-to-deleted-sha-helm-lint",
        "the helm-lint job fails in 'Set up job': azure/setup-helm is pinned to a commit SHA "
        "that the action's repository no longer has (it came from a force-pushed branch)",
        ["platform", "misleading-name"],
        "general",
        "charts",
        "helm-lint",
        PLAT,
        f"##[error]Unable to resolve action `azure/setup-helm@{pin}`, unable to find version "
        f"`{pin}`",
        "ci(charts): pin actions by SHA",
        [".github/workflows/charts.yml"],
    )

    # 4g. push protection: a Hugging Face token in a test fixture (cipher)
    at(REPO)
    commit = sha("fr-o-gh013-hf")
    out = _push_rejected(
        "fr-o-gh013-hf",
        REPO,
        [
            "error: GH013: Repository rule violations found for refs/heads/chore/fmt-autofix.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— Hugging Face User Access Token ————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: crates/triage/tests/fixtures/embeddings.toml:3",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/healer/security/secret-scanning/unblock-secret/"
            "2yR8qWi4Lf0Uz2Me1Xn7Sc5Od9At",
            "",
        ],
        "push declined due to repository rule violations",
        ref="chore/fmt-autofix",
    )
    assert out.code != 0, out
    ci(
        "fr-o-sec-gh013-hugging-face-token-rustfmt-autofix",
        "the rustfmt autofix job formats and commits, then its push is blocked by push "
        "protection: the branch's embeddings test fixture contains a Hugging Face user "
        "access token",
        ["security", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="autofix",
        job="rustfmt-autofix",
        repo=REPO,
        steps=[
            *rust_setup(),
            run("cargo fmt --all", [], name="Format"),
            run(
                'git commit -am "style: cargo fmt"',
                [
                    "[chore/fmt-autofix 3d9a7b2] style: cargo fmt",
                    " 2 files changed, 9 insertions(+), 7 deletions(-)",
                ],
                name="Commit",
            ),
            failing(out, name="Push"),
        ],
        message="test(triage): embeddings against the hosted model",
        files=["crates/triage/tests/embeddings.rs", "crates/triage/tests/fixtures/embeddings.toml"],
        branch="chore/fmt-autofix",
    )


# ------------------------------------------------------------------ 5. security, no log


def security() -> None:
    at(REPO)
    deny = (
        "error[vulnerability]: Some AES functions may panic when overflow checking is enabled.\n"
        "    ┌─ /home/runner/work/healer/healer/Cargo.lock:212:1\n"
        "    │\n"
        "212 │ ring 0.17.8 registry+https://github.com/rust-lang/crates.io-index\n"
        "    │ ----------------------------------------------------------------- security "
        "vulnerability detected\n"
        "    │\n"
        "    ├ ID: RUSTSEC-2025-0009\n"
        "    ├ Advisory: https://rustsec.org/advisories/RUSTSEC-2025-0009\n"
        "    ├ Solution: Upgrade to >=0.17.12 (try `cargo update -p ring`)\n\n"
        "advisories FAILED, bans ok, licenses ok, sources ok\n"
    )
    ci(
        "fr-o-sec-check-run-cargo-deny-ring-advisory",
        "the cargo-deny check run fails on advisories: the PR's Cargo.lock moves ring to "
        "0.17.8, flagged by RUSTSEC-2025-0009 (known only from the check run's summary)",
        ["security", "no-log"],
        "cipher",
        "vulnerable_dependency",
        workflow="rust",
        job="cargo-deny",
        repo=REPO,
        steps=[],
        message="chore(deps): pin rustls 0.23.5 for the old proxy",
        files=["Cargo.toml", "Cargo.lock"],
        event="check_run",
        check=("advisories FAILED", deny),
        logs=False,
        pr=pr_of("fr-o-deny", "chore(deps): pin rustls 0.23.5 for the old proxy"),
    )

    at(WEB)
    osv = (
        "Scanned /home/runner/work/console/console/package-lock.json file and found 412 "
        "packages\n"
        "╭─────────────────────────────────────┬──────┬───────────┬─────────┬─────────┬"
        "───────────────────╮\n"
        "│ OSV URL                             │ CVSS │ ECOSYSTEM │ PACKAGE │ VERSION │ SOURCE  "
        "          │\n"
        "├─────────────────────────────────────┼──────┼───────────┼─────────┼─────────┼"
        "───────────────────┤\n"
        "│ https://osv.dev/GHSA-3h5v-q93c-6h6q │ 7.5  │ npm       │ ws      │ 8.17.0  │ "
        "package-lock.json │\n"
        "╰─────────────────────────────────────┴──────┴───────────┴─────────┴─────────┴"
        "───────────────────╯\n"
    )
    ci(
        "fr-o-sec-check-run-osv-scanner-ws-lockfile-bump",
        "the osv-scanner check run fails after a lockfile-only bump of the dev server: ws "
        "8.17.0 in package-lock.json is affected by GHSA-3h5v-q93c-6h6q (a DoS on many "
        "HTTP headers); known only from the check run",
        ["security", "no-log"],
        "cipher",
        "vulnerable_dependency",
        workflow="console-ci",
        job="osv-scan",
        repo=WEB,
        steps=[],
        message="chore(deps): bump the dev server",
        files=["package-lock.json"],
        event="check_run",
        check=("1 vulnerability found", osv),
        logs=False,
        pr=pr_of("fr-o-osv", "chore(deps): bump the dev server"),
    )

    at(PLAT)
    trivy = (
        "images/healer/Dockerfile (dockerfile)\n\n"
        "Tests: 27 (SUCCESSES: 26, FAILURES: 1)\n"
        "Failures: 1 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 1, CRITICAL: 0)\n\n"
        "AVD-DS-0002 (HIGH): Specify at least 1 USER command in Dockerfile with non-root user "
        "as argument\n"
        "Running containers with 'root' user can lead to a container escape situation. It is a "
        "best practice to run containers as non-root users, which can be done by adding a "
        "'USER' statement to the Dockerfile.\n"
        "See https://avd.aquasec.com/misconfig/ds002\n"
    )
    ci(
        "fr-o-sec-check-run-trivy-config-dockerfile-root-user",
        "the Trivy config scan check run fails with AVD-DS-0002 (HIGH): the PR dropped the "
        "Dockerfile's USER line, so the healer image runs as root; known only from the check "
        "run",
        ["security", "no-log"],
        "cipher",
        "code_scanning_alert",
        workflow="images",
        job="trivy-config",
        repo=PLAT,
        steps=[],
        message="fix(image): let the entrypoint bind port 80",
        files=["images/healer/Dockerfile"],
        event="check_run",
        check=("Trivy found 1 misconfiguration", trivy),
        logs=False,
        pr=pr_of("fr-o-trivy", "fix(image): let the entrypoint bind port 80"),
    )


# ------------------------------------------------------------------ 6. obvious


def obvious() -> None:
    # 6a. rustc E0061 (rex)
    at(REPO)
    out = _cargo(
        "fr-o-e0061",
        {
            "src/lib.rs": """pub fn retry_delay(attempt: u32, base_ms: u64) -> u64 {
    base_ms * 2u64.pow(attempt.min(6))
}

pub fn next_delay(attempt: u32) -> u64 {
    retry_delay(attempt)
}
"""
        },
        ["build"],
    )
    assert out.code != 0 and any("E0061" in ln for ln in out.lines), out
    ci(
        "fr-o-obvious-rustc-e0061-retry-delay-missing-base",
        "rustc E0061: next_delay calls retry_delay(attempt) but the change added a second "
        "parameter base_ms (this function takes 2 arguments but 1 argument was supplied)",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="feat(retry): configurable base delay",
        files=["src/lib.rs"],
    )

    # 6b. tsc TS2532 (blaze)
    at(WEB)
    out = real.tsc(
        "fr-o-ts2532",
        {
            "src/runs.ts": """export interface Run {
  id: number;
  status: "queued" | "failed" | "passed";
}

export function firstFailedId(runs: Run[]): number {
  return runs.find((r) => r.status === "failed").id;
}
"""
        },
    )
    assert out.code != 0 and any("TS2532" in ln for ln in out.lines), out
    ci(
        "fr-o-obvious-tsc-ts2532-find-possibly-undefined",
        "tsc TS2532: firstFailedId reads .id from runs.find(...) which may be undefined "
        "(Object is possibly 'undefined')",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Type check")],
        message="feat(runs): jump to the first failed run",
        files=["src/runs.ts"],
    )

    # 6c. hadolint DL3020 (bolt)
    at(PLAT)
    out = real.hadolint(
        "fr-o-dl3020",
        "FROM debian:12.8-slim\n"
        "WORKDIR /app\n"
        "ADD config/healer.toml /etc/healer/healer.toml\n"
        "COPY healer /usr/local/bin/healer\n"
        "USER 65532:65532\n"
        'ENTRYPOINT ["/usr/local/bin/healer"]\n',
        where="images/healer/Dockerfile",
    )
    assert out.code != 0 and any("DL3020" in ln for ln in out.lines), out
    ci(
        "fr-o-obvious-hadolint-dl3020-add-local-config",
        "hadolint DL3020 on images/healer/Dockerfile: the new config file is copied with ADD "
        "instead of COPY",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="hadolint",
        repo=PLAT,
        steps=[failing(out, name="hadolint")],
        message="feat(image): ship a default config",
        files=["images/healer/Dockerfile", "images/healer/config/healer.toml"],
    )

    # 6d. actionlint: a matrix property that is not defined (atlas)
    at(REPO)
    out = real.actionlint(
        "fr-o-actionlint-matrix",
        {
            "rust.yml": """name: rust
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        toolchain: [stable, beta]
    steps:
      - uses: actions/checkout@v4
      - uses: dtolnay/rust-toolchain@master
        with:
          toolchain: ${{ matrix.rust }}
      - run: cargo test --locked
"""
        },
    )
    assert out.code != 0 and any("expression" in ln for ln in out.lines), out
    ci(
        "fr-o-obvious-actionlint-undefined-matrix-property",
        "actionlint [expression]: .github/workflows/rust.yml uses ${{ matrix.rust }} but the "
        "matrix defines only `toolchain`",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="workflow-lint",
        job="actionlint",
        repo=REPO,
        steps=[failing(out, name="actionlint")],
        message="ci(rust): test on beta too",
        files=[".github/workflows/rust.yml"],
    )


# ------------------------------------------------------------------ 7. noisy, multi-signal


def _flaky_once(failures: int, body: str) -> object:
    """A handler answering 503 to the first ``failures`` requests, then 200 with ``body``."""
    seen = {"n": 0}

    def answer(req: object) -> tuple[int, str, str]:
        seen["n"] += 1
        if seen["n"] <= failures:
            return 503, "Service Unavailable", "text/plain"
        return 200, body, "application/octet-stream"

    return answer


def noisy() -> None:
    # 7a. a rust-cache 429 warning, a recovered download and rustc warnings before clippy's
    # one deny-by-default error (rex)
    at(REPO)
    with real.serve(_flaky_once(2, "x" * 4096)) as port:  # type: ignore[arg-type]
        dl = real.sh(
            "fr-o-noisy-curl",
            {},
            f"curl -fSL --no-progress-meter --retry 3 --retry-delay 1 "
            f"http://127.0.0.1:{port}/5dlabs/fixtures/releases/download/v3/runs.tar.zst "
            "-o fixtures.tar.zst && echo fixtures ready",
            "curl -fSL --no-progress-meter --retry 3 --retry-delay 1 https://github.com/5dlabs/"
            "fixtures/releases/download/v3/runs.tar.zst -o fixtures.tar.zst && echo fixtures ready",
            hosts={f"http://127.0.0.1:{port}/": "https://github.com/"},
        )
    assert dl.code == 0 and any("Will retry" in ln for ln in dl.lines), dl
    out = _cargo(
        "fr-o-noisy-clippy",
        {
            "src/lib.rs": """use std::collections::HashMap;
use std::fmt::Write;

/// Counts failures per agent.
pub fn tally(agents: &[&str]) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for a in agents {
        *out.entry(a.to_string()).or_insert(0) += 1;
    }
    return out;
}

/// Whether two routing decisions disagree.
pub fn disagree(before: &str, after: &str) -> bool {
    before != before && !after.is_empty()
}
"""
        },
        ["clippy", "--all-targets"],
    )
    assert out.code != 0 and any("eq_op" in ln for ln in out.lines), out
    ci(
        "fr-o-noisy-rust-cache-429-retry-warnings-then-clippy-eq-op",
        "a noisy clippy job: rust-cache could not restore (cache service 429, a warning), the "
        "fixtures download recovered after two 503 retries, and clippy prints an unused import "
        "and needless_return warnings; the one error that fails the step is clippy's "
        "deny-by-default eq_op (`before != before`) in disagree()",
        ["noisy", "multi-signal"],
        "rex",
        "rust_clippy",
        workflow="rust",
        job="clippy",
        repo=REPO,
        steps=[
            uses(
                "dtolnay/rust-toolchain@stable",
                {"toolchain": "stable", "components": "clippy"},
                [
                    "info: syncing channel updates for 'stable-x86_64-unknown-linux-gnu'",
                    "  stable-x86_64-unknown-linux-gnu unchanged - rustc 1.95.0 (59807616e "
                    "2026-04-14)",
                ],
            ),
            uses(
                "Swatinem/rust-cache@v2",
                {"cache-on-failure": "true"},
                [
                    "Cache Configuration",
                    "... Restoring cache ...",
                    "##[warning]Failed to restore: Cache service responded with 429",
                    "No cache found.",
                ],
            ),
            real_step(dl, "Fetch fixtures"),
            failing(out, name="Clippy"),
        ],
        message="feat(router): flag disagreeing decisions",
        files=["src/lib.rs"],
    )

    # 7b. deprecation notices, a recovered download and console noise around one vitest
    # assertion (blaze)
    at(WEB)
    with real.serve(_flaky_once(1, '{"runs": []}')) as port:  # type: ignore[arg-type]
        dl = real.sh(
            "fr-o-noisy-curl-web",
            {},
            f"curl -fSL --no-progress-meter --retry 2 --retry-delay 1 "
            f"http://127.0.0.1:{port}/api/fixtures/runs.json -o src/fixtures.json "
            "--create-dirs && echo fixtures ready",
            "curl -fSL --no-progress-meter --retry 2 --retry-delay 1 https://healer-staging."
            "5dlabs.ai/api/fixtures/runs.json -o src/fixtures.json --create-dirs && echo "
            "fixtures ready",
            hosts={f"http://127.0.0.1:{port}/": "https://healer-staging.5dlabs.ai/"},
        )
    assert dl.code == 0, dl
    icons = real.node_run(
        "fr-o-noisy-icons",
        {
            "scripts/icons.cjs": """const names = ["rex", "blaze", "bolt", "cipher", "atlas"];
for (const n of names) console.log(`icon ${n}.svg (${new Buffer(n).length} bytes of name)`);
console.warn("warning: icon 'atlas' has no dark variant, using the light one");
"""
        },
        "scripts/icons.cjs",
        shown="node scripts/icons.cjs",
    )
    icons = real.Out(
        icons.command,
        [re.sub(r"\(node:\d+\)", "(node:3141)", ln) for ln in icons.lines],
        icons.code,
    )
    assert icons.code == 0 and any("DEP0005" in ln for ln in icons.lines), icons
    out = real.vitest(
        "fr-o-noisy-vitest",
        {
            "src/duration.js": """export function formatDuration(ms) {
  if (ms == null) {
    console.warn("formatDuration(null) is deprecated; pass 0 for queued runs");
    return "—";
  }
  const s = ms / 1000;
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}`;
}
""",
            "src/duration.test.js": """import { expect, test } from "vitest";
import { formatDuration } from "./duration.js";

test("queued runs show a dash", () => {
  expect(formatDuration(null)).toBe("—");
});

test("short runs in seconds", () => {
  console.warn("Error: retrying fetch of /api/runs (ECONNRESET) - mocked, expected");
  expect(formatDuration(42000)).toBe("42s");
});

test("long runs in minutes and seconds", () => {
  expect(formatDuration(90000)).toBe("1m 30s");
});
""",
        },
    )
    assert out.code != 0 and any("'1m 30'" in ln for ln in out.lines), out
    ci(
        "fr-o-noisy-deprecations-retry-then-vitest-duration-format",
        "a noisy unit job: a fixtures download recovered after a 503 retry, the icon script "
        "prints node's Buffer() DEP0005 deprecation and a warning, passing tests print "
        "console.warn noise (one mentioning ECONNRESET); the failure is one vitest assertion: "
        "formatDuration(90000) gives '1m 30' (the seconds unit dropped) where '1m 30s' is "
        "expected",
        ["noisy", "multi-signal"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            real_step(dl, "Fetch fixtures"),
            real_step(icons, "Generate icons"),
            failing(out, name="Vitest"),
        ],
        message="feat(runs): minutes and seconds for long runs",
        files=["src/duration.js", "src/duration.test.js"],
    )


def real_step(out: real.Out, name: str) -> object:
    return fcommon.passing(out, name=name)


def build() -> None:
    flakes()
    lookalikes()
    kills()
    linker_kill()
    platform()
    security()
    obvious()
    noisy()


def linker_kill() -> None:
    # 3f. the linker SIGKILLed while linking a small test binary (atlas)
    at(REPO)
    shim = real.RUNS / "fr-o-slow-cc" / "cc"
    shim.parent.mkdir(parents=True, exist_ok=True)
    shim.write_text('#!/bin/sh\nsleep 6\nexec /usr/bin/cc "$@"\n')
    shim.chmod(0o755)
    out = kill_one(
        "fr-o-kill-linker",
        {
            "Cargo.toml": real.cargo_toml("healer-webhook"),
            "src/lib.rs": """/// Whether a delivery's event header is one Healer handles.
pub fn handled(event: &str) -> bool {
    matches!(event, "workflow_job" | "workflow_run" | "check_run")
}

#[cfg(test)]
mod tests {
    #[test]
    fn handles_check_runs() {
        assert!(super::handled("check_run"));
    }
}
""",
        },
        "cargo test --lib",
        "-fuse-ld",
        settle=1.0,
        env={"PATH": f"{shim.parent}:{os.environ['PATH']}"},
    )
    assert out.code != 0 and any("linking with `cc` failed" in ln for ln in out.lines), out
    ci(
        "fr-o-kill-linker-cc-sigkill-cargo-test",
        "cargo test fails linking the webhook crate's test binary: 'linking with `cc` failed: "
        "signal: 9 (SIGKILL)'; the crate is one small function and the change a match arm, so "
        "the linker was killed for the runner's memory, not because of the code",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="webhook-tests",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="feat(webhook): handle check_run deliveries",
        files=["crates/webhook/src/lib.rs"],
    )
