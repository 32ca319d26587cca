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
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import fcommon
import real
import shapes
from cases_batch8 import _docker_daemon, kill_one
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import Job, check_run, run, uses
from helpers import clock, crashing, curl_fail, kube_setup, normal_events, pod_name, rollout

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
        keep=lambda ln: ".npm/_logs" not in ln
        and "A complete log" not in ln
        and "_npm-cache" not in ln,
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
            keep=lambda ln: ".npm/_logs" not in ln
            and "A complete log" not in ln
            and "_npm-cache" not in ln,
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
            "src/lib.rs": "pub fn stream() -> &'static str { \"healer:runs\" }\n",
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


def build() -> None:
    flakes()
    lookalikes()
