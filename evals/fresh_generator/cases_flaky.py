"""Genuine flakes and resource kills: connection resets, registry 5xx, timeouts and kills
with no context that explains them (atlas/general), under Rust, frontend and Docker names.
Every network error is printed by the real client against a 127.0.0.1 server that resets,
stalls or answers 5xx; every kill is a real SIGKILL."""

from __future__ import annotations

import json

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, rust_setup, sha, uses
from gha import Step
from helpers import (
    buildx_setup,
    buildx_step,
    kube_setup,
    normal_events,
    ready_pods,
    reset_server,
    silent_server,
    v8_oom,
)

REPO = "5dlabs/healer"


def network() -> None:
    # npm ci against a registry that resets the connection
    at("5dlabs/console")
    pkg = {"name": "console", "version": "1.4.0", "dependencies": {"zod": "^3.23.0"}}
    with reset_server() as port:
        reg = f"http://127.0.0.1:{port}/"
        lock = {
            "name": "console",
            "version": "1.4.0",
            "lockfileVersion": 3,
            "requires": True,
            "packages": {
                "": {"name": "console", "version": "1.4.0", "dependencies": {"zod": "^3.23.0"}},
                "node_modules/zod": {
                    "version": "3.23.8",
                    "resolved": f"{reg}zod/-/zod-3.23.8.tgz",
                    "integrity": "sha512-XBx9AXhXktjUqnepgTiE5flc"
                    "KIYWi/rme0Eaj+5Y0lftuGBq+jyRu6md"
                    "4WnuJqgP0RGLdpfyzrPIP6l+m5SPzg==",
                    "license": "MIT",
                },
            },
        }
        out = real.sh(
            "fr-flaky-npm-reset",
            {
                "package.json": json.dumps(pkg, indent=2),
                "package-lock.json": json.dumps(lock, indent=2),
            },
            f"npm ci --no-audit --no-fund --fetch-retries=1 --fetch-retry-mintimeout=100 "
            f"--fetch-retry-maxtimeout=200 --cache ./.npm-cache --registry={reg}",
            "npm ci --no-audit --no-fund",
            hosts={f"http://127.0.0.1:{port}": "https://registry.npmjs.org"},
        )
    ci(
        "fr-flaky-npm-ci-econnreset",
        "npm ci fails with ECONNRESET fetching a tarball from the registry; nothing in the "
        "change touches dependencies",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="typecheck",
        repo="5dlabs/console",
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="feat(runs): empty state illustration",
        files=["src/runs/Empty.tsx"],
    )

    # cargo against a sparse registry answering 503
    at(REPO)
    with real.serve(
        (
            503,
            "<html><body><h1>503 Service Unavailable</h1>No server is available "
            "to handle this request.</body></html>",
            "text/html",
        )
    ) as port:
        path = real.crate(
            "fr-flaky-cargo-503",
            {
                "Cargo.toml": real.cargo_toml("healer", 'serde = "1.0.215"'),
                ".cargo/config.toml": f"""
                [source.crates-io]
                replace-with = "mirror"

                [source.mirror]
                registry = "sparse+http://127.0.0.1:{port}/index/"

                [net]
                retry = 1
            """,
            },
        )
        lines, code = real.run(
            ["cargo", "fetch"],
            path,
            env={"CARGO_HOME": str(path / ".cargo-home")},
            hosts={
                f"http://127.0.0.1:{port}/index/": "https://index.crates.io/",
                "source `mirror`": "source `crates-io`",
                "(127.0.0.1)": "(18.155.68.44)",
            },
        )
    out = real.Out("cargo fetch --locked", lines, code)
    ci(
        "fr-flaky-cargo-index-503",
        "cargo fetch gets 503 from the crates.io index twice and gives up; no manifest changed",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="clippy",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Fetch dependencies")],
        message="fix(router): trim agent names",
        files=["crates/router/src/lib.rs"],
        event="check_run",
        check=("clippy", "Process completed with exit code 101."),
    )

    # a Rust integration test fetching a fixture from a server that resets the connection
    with reset_server() as port:
        path = real.crate(
            "fr-flaky-rust-reset",
            {
                "Cargo.toml": real.cargo_toml("healer-fixtures"),
                "src/main.rs": "fn main() {}\n",
                "src/lib.rs": f"""
                use std::io::{{Read, Write}};
                use std::net::TcpStream;

                pub fn fetch_fixture(path: &str) -> std::io::Result<String> {{
                    let mut s = TcpStream::connect("127.0.0.1:{port}")?;
                    write!(s, "GET {{path}} HTTP/1.0\\r\\nHost: fixtures.5dlabs.ai\\r\\n\\r\\n")?;
                    let mut body = String::new();
                    s.read_to_string(&mut body)?;
                    Ok(body)
                }}

                #[cfg(test)]
                mod tests {{
                    #[test]
                    fn golden_webhook_fixture_parses() {{
                        let body = super::fetch_fixture("/webhooks/workflow_job.json").unwrap();
                        assert!(body.contains("workflow_job"));
                    }}
                }}
            """,
            },
            package="healer-fixtures",
        )
        lines, code = real.run(["cargo", "test", "--lib"], path, env={"CARGO_NET_OFFLINE": "true"})
    out = real.Out("cargo test -p healer-fixtures", lines, code)
    ci(
        "fr-flaky-rust-test-connection-reset",
        "a Rust test that downloads a fixture fails with ConnectionReset (os error 104); "
        "the fixture host dropped the connection, the code did not change",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="docs: fixture README",
        files=["crates/fixtures/README.md"],
    )

    # curl to a service that never answers; the pods are healthy
    at("5dlabs/platform")
    with silent_server() as port:
        out = real.sh(
            "fr-flaky-curl-timeout",
            {},
            f"curl -fsS --max-time 3 http://127.0.0.1:{port}/healthz",
            "curl -fsS --max-time 10 https://api.staging.5dlabs.ai/healthz",
            hosts={f"http://127.0.0.1:{port}": "https://api.staging.5dlabs.ai"},
        )
    out = real.Out(
        out.command,
        [ln.replace("after 3002 milliseconds", "after 10002 milliseconds") for ln in out.lines],
        out.code,
    )
    ctx = {
        "kubernetes": {
            "pods": ready_pods(
                "fr-flaky-curl-timeout",
                "healer",
                "healer-api",
                "ghcr.io/5dlabs/healer-api:0.22.1",
                3,
            ),
            "events": normal_events("fr-flaky-curl-timeout", "healer", "healer-api", 2),
        },
        "argocd": [
            {
                "name": "healer-api",
                "sync_status": "Synced",
                "health_status": "Healthy",
                "message": "",
            }
        ],
        "prometheus": {
            'sum(rate(http_requests_total{app="healer-api",code=~"5.."}[5m]))': 0,
            'up{job="healer-api"}': [{"metric": {"job": "healer-api"}, "value": [1764410000, "1"]}],
        },
    }
    ci(
        "fr-flaky-smoke-timeout-healthy-pods",
        "a post-deploy smoke check times out once (curl 28); pods are Ready, events are normal, "
        "Argo CD is Healthy and Prometheus shows no errors",
        ["flaky-infra", "context-driven"],
        "atlas",
        "general",
        workflow="deploy",
        job="smoke",
        repo="5dlabs/platform",
        steps=[failing(out, name="Smoke test")],
        message="chore(api): 0.22.1",
        files=["deploy/overlays/staging/kustomization.yaml"],
        extra=ctx,
    )

    # kubectl: the API server refuses the connection (a closed port)
    port = real.free_port()
    path = real.scratch(
        "fr-flaky-kubectl-refused",
        {
            "deploy/api.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: healer-api-env
          namespace: healer
        data:
          LOG_LEVEL: info
    """
        },
    )
    lines, code = real.run(
        [
            "kubectl",
            f"--server=http://127.0.0.1:{port}",
            "apply",
            "--validate=false",
            "-f",
            "deploy/",
        ],
        path,
        env={"KUBECONFIG": "/dev/null"},
        hosts={
            f"http://127.0.0.1:{port}": "https://10.0.0.1:6443",
            f"127.0.0.1:{port}": "10.0.0.1:6443",
        },
    )
    out = real.Out("kubectl apply -f deploy/", lines, code)
    ci(
        "fr-flaky-kubectl-api-refused",
        "kubectl apply cannot reach the API server (connection refused); nothing in the change "
        "touches the manifests and the cluster is healthy",
        ["flaky-infra"],
        "atlas",
        "general",
        workflow="deploy",
        job="apply",
        repo="5dlabs/platform",
        steps=[*kube_setup(), failing(out, name="Apply")],
        message="docs(runbook): rollback steps",
        files=["docs/runbook.md"],
        event="workflow_run",
        extra={
            "argocd": [
                {
                    "name": "platform",
                    "sync_status": "Synced",
                    "health_status": "Healthy",
                    "message": "",
                }
            ]
        },
    )

    # checkout: git fetch reset by peer
    with reset_server() as port:
        path = real.scratch("fr-flaky-git-reset")
        real.git(path, "init", "-q")
        lines, code = real.git(
            path,
            "-c",
            "protocol.version=2",
            "fetch",
            "--no-tags",
            "--depth=1",
            f"http://127.0.0.1:{port}/5dlabs/healer",
            "+refs/heads/main:refs/remotes/origin/main",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert code != 0, lines
    fetch = (
        "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune "
        "--no-recurse-submodules --depth=1 origin +refs/heads/main:refs/remotes/origin/main"
    )
    body = [
        "##[group]Run actions/checkout@v4",
        "with:",
        "  repository: 5dlabs/healer",
        "  token: ***",
        "  fetch-depth: 1",
        "##[endgroup]",
        "Syncing repository: 5dlabs/healer",
        "##[group]Fetching the repository",
    ]
    for wait in (11, 17):
        body += [
            fetch,
            *lines,
            f"The process '/usr/bin/git' failed with exit code {code}",
            f"Waiting {wait} seconds before trying again",
        ]
    body += [
        fetch,
        *lines,
        "##[endgroup]",
        f"##[error]The process '/usr/bin/git' failed with exit code {code}",
    ]
    j_steps = [Step("Checkout", body, "failure", None, 45)]
    ci(
        "fr-flaky-checkout-reset",
        "checkout fails three times with 'Connection reset by peer' fetching from GitHub",
        ["flaky-infra", "platform"],
        "atlas",
        "general",
        workflow="frontend",
        job="lint",
        repo=REPO,
        steps=j_steps,
        message="style: prettier 3.3",
        files=[".prettierrc.json"],
    )

    # BuildKit: Docker Hub answers 503 for the base image
    at(REPO)
    dockerfile = (
        "FROM rust:1.95-slim-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN cargo build --release\n\nFROM debian:bookworm-slim\n"
        "COPY --from=build /src/target/release/healer /usr/local/bin/healer\n"
    )
    bk = shapes.BuildKit("fr-flaky-hub-503", dockerfile)
    n = bk._next()
    ref = "docker.io/library/rust:1.95-slim-bookworm"
    msg = (
        f'failed to resolve reference "{ref}": unexpected status from HEAD request to '
        "https://registry-1.docker.io/v2/library/rust/manifests/1.95-slim-bookworm: "
        "503 Service Unavailable"
    )
    bk.lines += [
        f"#{n} [internal] load metadata for {ref}",
        f"#{n} ERROR: {msg}",
        "",
        "------",
        f" > [internal] load metadata for {ref}:",
        "------",
        "Dockerfile:1",
        "--------------------",
        "   1 | >>> FROM rust:1.95-slim-bookworm AS build",
        "   2 |     WORKDIR /src",
        "   3 |     COPY . .",
        "--------------------",
    ]
    err = f"rust:1.95-slim-bookworm: failed to resolve source metadata for {ref}: {msg}"
    ci(
        "fr-flaky-docker-hub-503",
        "the image build cannot resolve its base image: Docker Hub answers 503; the "
        "Dockerfile did not change",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="images",
        job="docker",
        repo=REPO,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/healer:sha-" + sha("hub")[:7]),
        ],
        message="fix(api): log request ids",
        files=["crates/api/src/log.rs"],
    )

    # pip in a lint job: the index returns 502
    at(REPO)
    with reset_server() as port:
        lines, code = real.run(
            [
                str(real.VENV / "bin" / "pip"),
                "install",
                "--no-cache-dir",
                "--retries",
                "1",
                "--ignore-installed",
                "--no-deps",
                "--index-url",
                f"http://127.0.0.1:{port}/simple/",
                "--disable-pip-version-check",
                "pre-commit==4.7.0",
            ],
            real.scratch("fr-flaky-pip-reset"),
            env={"PIP_FIND_LINKS": "", "PIP_CONFIG_FILE": "/dev/null", "PIP_NO_INDEX": ""},
            hosts={
                f"http://127.0.0.1:{port}/simple/": "https://pypi.org/simple/",
                f"127.0.0.1:{port}": "pypi.org",
            },
        )
    lines = [ln for ln in lines if "Location" not in ln and "Looking in indexes" not in ln]
    out = real.Out("pip install pre-commit==4.7.0", lines, code)
    ci(
        "fr-flaky-pip-index-reset",
        "the lint-rust job cannot install pre-commit: the connection to PyPI is reset twice",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="lint",
        job="lint-rust",
        repo=REPO,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            failing(out, name="Install pre-commit"),
        ],
        message="chore: add typos hook",
        files=[".pre-commit-config.yaml"],
    )

    # helm --wait times out; the context shows everything healthy
    at("5dlabs/platform")
    cmd = (
        "helm upgrade --install healer-worker charts/healer-worker --namespace healer "
        "--values values-staging.yaml --wait --timeout 5m"
    )
    ctx = {
        "kubernetes": {
            "pods": ready_pods(
                "fr-flaky-helm", "healer", "healer-worker", "ghcr.io/5dlabs/healer-worker:0.22.1", 2
            ),
            "events": normal_events("fr-flaky-helm", "healer", "healer-worker"),
        },
        "argocd": [
            {
                "name": "healer-worker",
                "sync_status": "Synced",
                "health_status": "Healthy",
                "message": "",
            }
        ],
    }
    ci(
        "fr-flaky-helm-wait-deadline-healthy",
        "helm --wait gives up (context deadline exceeded) although the pods became Ready and "
        "the events are all Normal",
        ["flaky-infra", "context-driven"],
        "atlas",
        "general",
        workflow="deploy",
        job="helm",
        repo="5dlabs/platform",
        steps=[
            *kube_setup(),
            Step(
                "Deploy worker",
                [
                    f"##[group]Run {cmd}",
                    cmd,
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                    "Error: UPGRADE FAILED: context deadline exceeded",
                ],
                "failure",
                1,
                300,
            ),
        ],
        message="chore(worker): 0.22.1",
        files=["charts/healer-worker/values-staging.yaml"],
        event="check_run",
        check=("helm", "UPGRADE FAILED: context deadline exceeded"),
        extra=ctx,
    )

    # an e2e test through a reset connection; the target is healthy
    at("5dlabs/console")
    with reset_server() as port:
        out = real.vitest(
            "fr-flaky-vitest-reset",
            {
                "e2e/api.test.js": f"""
            import {{ expect, it }} from "vitest";

            it("lists runs", async () => {{
              const res = await fetch("http://127.0.0.1:{port}/api/runs?limit=1");
              expect(res.status).toBe(200);
            }});
        """
            },
        )
    out = real.Out(
        "npx vitest run e2e",
        [ln.replace(f"127.0.0.1:{port}", "console.staging.5dlabs.ai") for ln in out.lines],
        out.code,
    )
    ctx = {
        "kubernetes": {
            "pods": ready_pods(
                "fr-flaky-vitest-reset",
                "console",
                "console-api",
                "ghcr.io/5dlabs/console-api:3.2.1",
                2,
                3000,
            ),
            "events": [],
        }
    }
    ci(
        "fr-flaky-e2e-socket-reset",
        "an e2e test gets 'fetch failed' (socket reset) against staging; the API pods are Ready "
        "with no restarts",
        ["flaky-infra", "context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="e2e",
        job="api-tests",
        repo="5dlabs/console",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="E2E")],
        message="feat(runs): filter by agent",
        files=["src/runs/Filter.tsx"],
        extra=ctx,
    )


def kills() -> None:
    at(REPO)
    src = "\n".join(
        f"pub fn route_{i}(x: u64) -> u64 {{ let v: Vec<u64> = (0..x).map(|n| n * {i}).collect(); "
        f"v.iter().sum::<u64>() + {i} }}"
        for i in range(9000)
    )
    out = real.killed(
        "fr-flaky-cargo-killed",
        {
            "Cargo.toml": real.cargo_toml("healer"),
            "src/main.rs": '#![allow(dead_code)]\nmod routes;\nfn main() { println!("{}", routes::route_1(3)); }\n',
            "src/routes.rs": src,
        },
        "cargo build --release",
        after=1.5,
    )
    assert out.code == 137, out
    # whether cargo reports its SIGKILLed rustc before it is killed itself is a race; keep the
    # lines every run prints
    out = real.Out(
        out.command, [ln for ln in out.lines if "Compiling" in ln or "Killed" in ln], out.code
    )
    ci(
        "fr-flaky-cargo-build-killed",
        "cargo build --release is SIGKILLed mid-compile (bash: Killed, exit 137); no memory "
        "context, nothing in the diff that grows the build",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="build-release",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build release")],
        message="chore: bump version to 0.14.2",
        files=["Cargo.toml"],
    )

    at("5dlabs/console")
    out = real.killed(
        "fr-flaky-node-killed",
        {
            "package.json": json.dumps({"name": "console", "scripts": {"build": "node build.mjs"}}),
            "build.mjs": """
            const chunks = ["vendor", "runs", "agents", "settings", "charts", "auth"];
            console.log("vite v5.4.11 building for production...");
            chunks.forEach((c, i) => console.log(`transforming (${(i + 1) * 213}) src/${c}`));
            const held = [];
            setInterval(() => held.push(new Array(1e5).fill(held.length)), 50);
        """,
        },
        "npm run build",
        after=2.5,
    )
    assert out.code == 137, out
    # the npm script's own shell may or may not report its killed child first (a race)
    out = real.Out(out.command, [ln for ln in out.lines if ln != "Killed"], out.code)
    ci(
        "fr-flaky-vite-build-killed",
        "the production build is killed (exit 137) while transforming modules; no context "
        "points at the code",
        ["resource-kill"],
        "atlas",
        "general",
        workflow="frontend",
        job="build",
        repo="5dlabs/console",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build")],
        message="feat(charts): tooltip formatting",
        files=["src/charts/Tooltip.tsx"],
        event="workflow_run",
    )

    # tsc runs out of V8 heap; the workflow caps the heap and nothing shows the code growing
    path = real.node_project(
        "fr-flaky-tsc-heap",
        {
            "tsconfig.json": real.TSCONFIG,
            "src/index.ts": "\n".join(
                f"export const v{i}: Record<string, number> = {{ a{i}: {i} }};" for i in range(4000)
            ),
        },
        pkg_name="console",
    )
    lines, code = real.run(
        ["tsc", "-p", "."], path, env={"NODE_OPTIONS": "--max-old-space-size=24"}
    )
    assert code != 0 and any("heap out of memory" in ln for ln in lines), lines
    import re

    lines = v8_oom([re.sub(r"^.*?(\[3141:)", r"\1", ln) for ln in lines])
    code = 134 if code < 0 else code
    out = real.Out("npx tsc -p . --noEmit", lines, code)
    ci(
        "fr-flaky-tsc-heap-oom",
        "tsc aborts with 'JavaScript heap out of memory' under the workflow's NODE_OPTIONS heap "
        "cap; no type error, no context about the code",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="typecheck",
        repo="5dlabs/console",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Type check", env={"NODE_OPTIONS": "--max-old-space-size=3072"}),
        ],
        message="fix(nav): active link colour",
        files=["src/nav/Link.tsx"],
    )

    # a hosted runner that lost communication mid-job (no step error at all)
    at(REPO)
    ci(
        "fr-flaky-hosted-runner-lost",
        "the job ends with 'The hosted runner lost communication with the server' during "
        "cargo test; no step reported an error",
        ["platform", "resource-kill"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[
            *rust_setup(),
            Step(
                "Test",
                [
                    "##[group]Run cargo test --workspace",
                    "cargo test --workspace",
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                    "   Compiling healer v0.14.0 (/home/runner/work/healer/healer)",
                ],
                "cancelled",
                None,
                600,
            ),
        ],
        tail=[
            "##[error]The hosted runner: GitHub Actions 1000042117 lost communication with the "
            "server. Anything in your workflow that terminates the runner process, starves it "
            "for CPU/Memory, or blocks its network access can cause this error."
        ],
        message="refactor(store): batch writes",
        files=["crates/store/src/batch.rs"],
        cancelled=True,
    )


def build() -> None:
    network()
    kills()
