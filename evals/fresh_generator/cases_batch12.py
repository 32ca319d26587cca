"""Batch 12 of the fresh split (ids ``fr-l-``): a balanced sample of the six hard classes.

- wrappers around an inner tool whose owner decides (BuildKit ``RUN cargo test`` and ``RUN
  npx vitest run``, ``npm run check`` around ``cargo fmt --check``, ``helm test --logs``
  around a Python smoke script) next to a wrapper whose own tool failed (``make image`` where
  BuildKit's ``COPY`` finds nothing);
- symptoms whose cause is in the cluster (a rollout behind a Rust slice panic, a smoke 503
  behind an Argo CD sync rejecting a duplicate Service port name, ``kubectl wait`` behind
  ``runAsNonRoot`` on an image that runs as root, a canary gate behind a Node stack
  overflow) and an e2e timeout with everything healthy and nothing relevant in the change;
- GitHub platform failures under code-named jobs (a ``GITHUB_TOKEN`` push answered 403, a
  force-pushed head the server no longer has, setup-node's cache without a root lockfile, a
  spending limit that kept the job from starting) and push protection for a Slack token;
- security known without a log (ZAP and pip-audit sensor bodies, a dependency-review check
  run on a Cargo.lock bump, secret scanning, CodeQL and repository vulnerability alerts);
- YAML by owner (actionlint on an unknown workflow key, an action.yml against the actions
  schema, a reusable workflow without ``workflow_call``; promtool on a rule file, yamllint on
  an Argo CD Application in a job named for Actions, kustomize's ``helmCharts`` without
  ``--enable-helm``);
- resource kills (rustdoc, pytest and mocha killed with nothing to blame; a Rust test and a
  Node sitemap script whose own output shows their growth).

Every tool that can run here runs for real against local files, local repositories or
127.0.0.1 servers."""

from __future__ import annotations

import json
import os
import re

import fcommon
import real
import shapes
from cases_batch8 import kill_one
from fcommon import at, ci, failing, node_setup, npm_ci_ok, rust_setup, sha
from gha import Job, alert, run, sensor, uses
from helpers import (
    buildx_setup,
    buildx_step,
    clock,
    crashing,
    kube_setup,
    normal_events,
    pod_name,
    ready_pods,
    rollout,
    silent_server,
    wait_available,
)

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
NS = "healer"
VENV_B4 = real.WORK / "b4-venv" / "bin"


def _pkg(name: str = "console", scripts: dict[str, str] | None = None, **more: object) -> str:
    pkg: dict[str, object] = {"name": name, "version": "2.0.0", "private": True, "type": "module"}
    if scripts:
        pkg["scripts"] = scripts
    pkg.update(more)
    return json.dumps(pkg, indent=2) + "\n"


def _in(lines: list[str], root: str) -> list[str]:
    return [ln.replace(real.RUNNER, root) for ln in lines]


# ------------------------------------------------------------------ 1. wrappers


def wrappers() -> None:
    # 1a. BuildKit RUN cargo test in the image's build stage; an assert fails (rex)
    at(REPO)
    path = real.crate(
        "fr-l-bk-cargo-test",
        {
            "src/lib.rs": """/// Truncates a commit title for the check run name, keeping it under `max` bytes.
pub fn short_title(title: &str, max: usize) -> String {
    if title.len() <= max {
        return title.to_string();
    }
    let mut cut = title[..max].to_string();
    cut.push_str("...");
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_short_titles() {
        assert_eq!(short_title("fix: typo", 20), "fix: typo");
    }

    #[test]
    fn never_exceeds_max() {
        let t = short_title("feat(router): route helm hook failures to bolt", 20);
        assert!(t.len() <= 20, "title is {} bytes: {t:?}", t.len());
    }
}
"""
        },
    )
    lines, code = real.run(
        ["cargo", "test", "--release", "--lib"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code != 0 and any("never_exceeds_max" in ln for ln in lines), lines
    inner = [ln for ln in _in(lines, "/src") if ln.strip()]
    dockerfile = (
        "FROM rust:1.95-bookworm AS build\n"
        "WORKDIR /src\n"
        "COPY . .\n"
        "RUN cargo test --release --lib\n"
        "RUN cargo build --release --bin healer\n"
        "\n"
        "FROM gcr.io/distroless/cc-debian12\n"
        "COPY --from=build /src/target/release/healer /usr/local/bin/healer\n"
        'ENTRYPOINT ["/usr/local/bin/healer"]\n'
    )
    bk = shapes.BuildKit("fr-l-bk-cargo-test", dockerfile)
    bk.metadata()
    err = bk.run_until(4, inner, 101)
    assert err
    ci(
        "fr-l-wrap-buildkit-run-cargo-test-short-title",
        "the image build fails at 'RUN cargo test --release --lib': the Rust test "
        "never_exceeds_max fails because short_title appends '...' after cutting to max "
        "bytes; a Rust test failure inside Docker, not a Docker problem",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_test",
        workflow="images",
        job="build-healer-image",
        repo=REPO,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/healer:sha-" + sha("l1a")[:7]),
        ],
        message="feat(checks): shorter check run titles",
        files=["src/checks/title.rs"],
    )

    # 1b. npm run check chains tsc and cargo fmt --check; rustfmt finds a diff (rex)
    at(MONO)
    out = real.sh(
        "fr-l-npm-check-fmt",
        {
            "package.json": _pkg(
                "cto", {"check": "tsc -p web --noEmit && cargo fmt --all -- --check"}
            ),
            "web/tsconfig.json": real.TSCONFIG,
            "web/src/api.ts": "export const apiBase = (host: string): string => `https://${host}/api`;\n",
            "Cargo.toml": real.cargo_toml("cto-agent"),
            "src/main.rs": """fn main() {
    let retries: u32 = std::env::var("CTO_RETRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    println!("retries={retries}");
}
""",
        },
        "npm run check",
        "npm run check",
        node_modules=True,
    )
    assert out.code != 0 and any("Diff in" in ln for ln in out.lines), out
    ci(
        "fr-l-wrap-npm-run-check-cargo-fmt-diff",
        "npm run check fails, but its tsc half passes: the failing command is `cargo fmt --all "
        "-- --check`, which wants the long CTO_RETRIES line in src/main.rs wrapped",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_fmt",
        workflow="monorepo-ci",
        job="web-check",
        repo=MONO,
        steps=[*node_setup(), *rust_setup(), npm_ci_ok(), failing(out, name="npm run check")],
        message="feat(agent): retries from the environment",
        files=["src/main.rs"],
    )

    # 1c. helm test --logs: the smoke hook pod runs a Python script with a TypeError (atlas)
    at(PLAT)
    py = real.sh(
        "fr-l-helm-test-py",
        {
            "smoke.py": """import os
import sys

base = os.environ.get("HEALER_URL", "http://healer-api.healer.svc")
port = int(os.environ.get("HEALER_PORT", "8080"))
print(f"smoke: checking {base}", flush=True)
url = base + ":" + port + "/healthz"
print("GET", url)
sys.exit(0)
"""
        },
        "python3 smoke.py",
        "python3 /smoke/smoke.py",
    )
    assert py.code != 0 and any("TypeError" in ln for ln in py.lines), py
    pod_logs = _in(py.lines, "/smoke")
    _created, _first, _last = clock("fr-l-helm-test-py")

    from datetime import timedelta

    import gha

    began = gha.start_of("fr-l-wrap-helm-test-python-smoke-typeerror")

    def helm_time(seconds: int) -> str:
        return (began + timedelta(seconds=seconds)).strftime("%a %b %d %H:%M:%S %Y")

    helm_lines = [
        "NAME: healer",
        f"LAST DEPLOYED: {helm_time(19)}",
        "NAMESPACE: healer",
        "STATUS: deployed",
        "REVISION: 31",
        "TEST SUITE:     healer-smoke",
        f"Last Started:   {helm_time(24)}",
        f"Last Completed: {helm_time(26)}",
        "Phase:          Failed",
        "",
        "POD LOGS: healer-smoke",
        *pod_logs,
        "Error: 1 error occurred:",
        "\t* pod healer-smoke failed",
        "",
    ]
    ci(
        "fr-l-wrap-helm-test-python-smoke-typeerror",
        "helm test reports the healer-smoke test pod failed; its logs show the Python smoke "
        "script's own TypeError (concatenating the int port into the URL string), not a Helm "
        "or chart problem; Python code, no specialist",
        ["wrapper", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="helm-test",
        repo=PLAT,
        steps=[
            *kube_setup(),
            run(
                "helm upgrade --install healer charts/healer -n healer -f values-staging.yaml --wait",
                ['Release "healer" has been upgraded. Happy Helming!', "NAME: healer"],
                name="Deploy",
            ),
            run("helm test healer -n healer --logs", helm_lines, 1, name="Helm test"),
        ],
        message="test(smoke): read the API port from the environment",
        files=["charts/healer/tests/smoke.py"],
    )

    # 1d. BuildKit RUN npx vitest run inside the web image's test stage (blaze)
    at(WEB)
    out = real.vitest(
        "fr-l-bk-vitest",
        {
            "src/duration.js": """export function formatDuration(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m ${s % 60}s`;
}
""",
            "src/duration.test.js": """import { expect, test } from "vitest";
import { formatDuration } from "./duration.js";

test("drops zero seconds on whole minutes", () => {
  expect(formatDuration(120000)).toBe("2m");
});
""",
        },
    )
    assert out.code != 0, out
    inner = [ln for ln in _in(out.lines, "/app") if ln.strip()]
    dockerfile = (
        "FROM node:20.20-bookworm-slim AS build\n"
        "WORKDIR /app\n"
        "COPY package.json package-lock.json ./\n"
        "RUN npm ci\n"
        "COPY . .\n"
        "RUN npx vitest run\n"
        "RUN npm run build\n"
        "\n"
        "FROM nginx:1.27-alpine\n"
        "COPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit("fr-l-bk-vitest", dockerfile)
    bk.metadata()
    err = bk.run_until(6, inner, 1)
    assert err
    ci(
        "fr-l-wrap-buildkit-run-vitest-format-duration",
        "the console image build fails at 'RUN npx vitest run': formatDuration(120000) "
        "returns '2m 0s' where the test expects '2m'; a frontend test failure inside Docker",
        ["wrapper", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="container",
        job="docker",
        repo=WEB,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:sha-" + sha("l1d")[:7]),
        ],
        message="feat(runs): human durations",
        files=["src/duration.js", "src/duration.test.js"],
    )

    # 1e. make image: BuildKit's own COPY finds no /build (Vite writes dist/) (bolt)
    dockerfile = (
        "FROM nginx:1.27-alpine\n"
        "COPY nginx.conf /etc/nginx/conf.d/default.conf\n"
        "COPY build/ /usr/share/nginx/html/\n"
        "EXPOSE 8080\n"
    )
    bk = shapes.BuildKit("fr-l-make-image", dockerfile)
    bk.metadata()
    err = bk.run_until(3, copy_missing="/build")
    assert err
    build = real.vite_build(
        "fr-l-make-image-vite",
        {
            "src/main.js": 'document.title = "console";\n',
        },
    )
    assert build.code == 0, build
    make_lines = [
        "npm run build",
        *build.lines,
        "docker buildx build --load -t ghcr.io/5dlabs/console:dev -f Dockerfile .",
        *bk.finish(err),
        "make: *** [Makefile:14: image] Error 1",
    ]
    ci(
        "fr-l-wrap-make-image-buildkit-copy-build-not-found",
        "make image: the Vite build succeeds into dist/, then BuildKit fails computing the "
        "cache key for 'COPY build/ /usr/share/nginx/html/' because the new Dockerfile copies "
        "a build/ directory that does not exist; the Dockerfile is wrong",
        ["wrapper", "misleading-name"],
        "bolt",
        "docker_build",
        workflow="console-ci",
        job="e2e-image",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run("make image", make_lines, 2, name="Build e2e image"),
        ],
        message="chore(image): serve the static build from nginx",
        files=["Dockerfile", "nginx.conf"],
    )


MONO = "5dlabs/cto"


# ------------------------------------------------------------------ 2. cluster decides


def cluster() -> None:
    # 2a. rollout status runs out; Loki: Rust slice range panic (rex)
    at(REPO)
    path = real.crate(
        "fr-l-bin-digest",
        {
            "Cargo.toml": real.cargo_toml("healer-digest"),
            "src/main.rs": """fn headline(lines: &[&str]) -> String {
    // the first line is the title; the digest starts after it
    lines[1..].join(" / ")
}

fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_digest","message":"digest worker starting"}}"#);
    let pending: Vec<&str> = Vec::new();
    let first = headline(&["daily digest", "3 failures routed"]);
    println!("{first}");
    let empty = headline(&pending);
    println!("{empty}");
}
""",
        },
    )
    lines, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    lines, code = real.run([str(path / "target" / "release" / "healer-digest")], path)
    assert code == 101 and any("out of range" in ln for ln in lines), lines
    ro = rollout("fr-l-ctx-digest", NS, "healer-digest", 2, 1, 1, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(
        "fr-l-ctx-digest",
        NS,
        "healer-digest",
        "ghcr.io/5dlabs/healer-digest:0.21.0",
        101,
        [ln.replace(real.RUNNER, "/app") for ln in lines if ln.strip()],
    )
    ci(
        "fr-l-ctx-rollout-rust-slice-range-panic-digest",
        "kubectl rollout status exceeds its progress deadline; healer-digest crash-loops with "
        "exit 101 and Loki shows the Rust panic 'range start index 1 out of range for slice of "
        "length 0' from headline() on an empty digest",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(digest): headline per digest",
        files=["crates/digest/src/main.rs"],
        extra=ctx,
    )

    # 2b. smoke 503; Argo CD: sync failed, duplicate Service port name (bolt)
    at(PLAT)
    from helpers import curl_fail

    out = curl_fail(
        "fr-l-ctx-argo-dup", "staging.5dlabs.ai", "/api/healthz", 503, "no healthy upstream"
    )
    assert out.code != 0, out
    rev = sha("fr-l-ctx-argo-dup")
    msg = (
        'one or more objects failed to apply, reason: Service "healer-api" is invalid: '
        'spec.ports[1].name: Duplicate value: "http"'
    )
    app = shapes.argo_application(
        "healer-staging",
        NS,
        PLAT,
        "charts/healer",
        rev,
        "OutOfSync",
        "Degraded",
        health_message='Deployment "healer-api" exceeded its progress deadline',
        phase="Failed",
        op_message=msg,
    )
    ci(
        "fr-l-ctx-smoke-503-argocd-duplicate-service-port-name",
        "the staging smoke check gets 503s; Argo CD shows healer-staging's last sync failed "
        "because the chart's Service now declares two ports named 'http' (the new metrics "
        "port reused the name)",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="post-deploy",
        job="smoke",
        repo=PLAT,
        steps=[failing(out, name="Smoke /api/healthz")],
        message="feat(chart): expose the metrics port on the Service",
        files=["charts/healer/templates/service.yaml", "charts/healer/values.yaml"],
        extra={
            "argocd": [
                {
                    "name": "healer-staging",
                    "sync_status": "OutOfSync",
                    "health_status": "Degraded",
                    "message": msg,
                    "revision": rev,
                    "application": app,
                }
            ]
        },
    )

    # 2c. kubectl wait runs out; pods CreateContainerConfigError runAsNonRoot (bolt)
    wt = wait_available("fr-l-ctx-nonroot", NS, "healer-api")
    assert wt.code != 0, wt
    created, first, last = clock("fr-l-ctx-nonroot")
    pods = []
    events = []
    for i in range(2):
        name = pod_name("fr-l-ctx-nonroot", "healer-api", str(i))
        pods.append(
            shapes.pod(
                name,
                NS,
                "healer-api",
                "ghcr.io/5dlabs/healer-api:0.21.0",
                created=created,
                waiting=(
                    "CreateContainerConfigError",
                    "container has runAsNonRoot and image will run as root "
                    f'(pod: "{name}_{NS}({sha(name)[:8]})", container: healer-api)',
                ),
                phase="Pending",
                port=8080,
                memory_limit="512Mi",
            )
        )
        events.append(
            shapes.event(
                NS,
                "Pod",
                name,
                "Failed",
                "Error: container has runAsNonRoot and image will run as root (pod: "
                f'"{name}_{NS}({sha(name)[:8]})", container: healer-api)',
                first=first,
                last=last,
                count=14,
            )
        )
    ci(
        "fr-l-ctx-wait-available-runasnonroot-image-runs-as-root",
        "kubectl wait for Available runs out; the new pods sit in CreateContainerConfigError: "
        "the chart now sets runAsNonRoot: true but the healer-api image has no non-root USER "
        "and the chart sets no runAsUser",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="release",
        job="verify-staging",
        repo=PLAT,
        steps=[*kube_setup(), failing(wt, name="Wait for healer-api")],
        message="chore(chart): enforce non-root pods",
        files=["charts/healer/templates/deployment.yaml", "charts/healer/values.yaml"],
        extra={"kubernetes": {"pods": pods, "events": events}},
    )

    # 2d. canary gate: 5xx ratio too high; Loki: Node RangeError stack overflow (blaze)
    at(WEB)
    crash = real.node_run(
        "fr-l-ctx-node-stack",
        {
            "package.json": _pkg("console-api"),
            "server/tree.js": """export function depth(node) {
  // a run's parent is the run it retried; the root has no parent
  return 1 + depth(node.parent ?? node);
}

const run = { id: 4121, parent: null };
console.log(JSON.stringify({ level: "info", msg: "rendering retry tree", run: run.id }));
console.log(depth(run));
""",
        },
        "server/tree.js",
    )
    assert crash.code != 0 and any("Maximum call stack" in ln for ln in crash.lines), crash
    loki = [ln.replace(real.RUNNER, "/app") for ln in crash.lines if ln.strip()][:12]
    prom = {
        "status": "success",
        "data": {"resultType": "vector", "result": [{"metric": {}, "value": [1764320400, "0.27"]}]},
    }
    with real.serve((200, json.dumps(prom), "application/json")) as port:
        gate = real.sh(
            "fr-l-ctx-node-stack-gate",
            {},
            f"curl -fsS 'http://127.0.0.1:{port}/api/v1/query' --data-urlencode 'query=x' | "
            "jq -e '.data.result[0].value[1] | tonumber < 0.01'",
            "curl -fsS http://prometheus.monitoring:9090/api/v1/query --data-urlencode "
            "\"query=$CANARY_5XX\" \\\n  | jq -e '.data.result[0].value[1] | tonumber < 0.01'",
        )
    assert gate.code == 1 and gate.lines == ["false"], gate
    q = (
        'sum(rate(http_requests_total{app="console-api",track="canary",code=~"5.."}[5m])) / '
        'sum(rate(http_requests_total{app="console-api",track="canary"}[5m]))'
    )
    ci(
        "fr-l-ctx-canary-gate-node-stack-overflow-retry-tree",
        "the canary gate's jq check prints false (5xx ratio 0.27); Loki shows console-api's "
        "RangeError: Maximum call stack size exceeded from depth() in server/tree.js recursing "
        "on the root run forever (`node.parent ?? node`)",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="progressive-delivery",
        job="canary-analysis",
        repo=WEB,
        steps=[
            failing(gate, name="Canary 5xx below 1%", env={"CANARY_5XX": q}),
        ],
        message="feat(api): retry tree depth on run pages",
        files=["server/tree.js"],
        extra={
            "loki": loki,
            "prometheus": {q: [{"metric": {}, "value": [1764320400, "0.27"]}]},
        },
    )

    # 2e. e2e fetch times out; everything healthy, nothing relevant changed (atlas)
    with silent_server() as port:
        e2e = real.node_run(
            "fr-l-ctx-e2e-timeout",
            {
                "package.json": _pkg("console-e2e"),
                "e2e/runs.test.js": f"""import {{ test }} from "node:test";
import assert from "node:assert/strict";

const BASE = process.env.E2E_BASE ?? "http://127.0.0.1:{port}";

test("runs page lists the latest runs", async () => {{
  const res = await fetch(`${{BASE}}/api/runs?limit=5`, {{ signal: AbortSignal.timeout(3000) }});
  assert.equal(res.status, 200);
}});
""",
            },
            "--test",
            shown="node --test e2e/",
            hosts={f"http://127.0.0.1:{port}": "https://staging.console.5dlabs.ai"},
        )
    assert e2e.code != 0 and any("timeout" in ln for ln in e2e.lines), e2e
    e2e = real.Out(
        e2e.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 3004.118402", ln) for ln in e2e.lines],
        e2e.code,
    )
    ci(
        "fr-l-ctx-e2e-fetch-timeout-healthy-staging-docs-change",
        "the e2e runs-page test's fetch to staging aborts on its 3 s timeout; the console pods "
        "are ready with normal events, the 5xx and latency series are flat and the change only "
        "edits docs: a transient network stall, no code or config cause",
        ["context-driven", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="e2e",
        job="e2e-staging",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(e2e, name="E2E against staging")],
        message="docs: explain the runs page filters",
        files=["docs/runs-page.md"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-l-ctx-e2e-timeout",
                    "console",
                    "console-web",
                    "ghcr.io/5dlabs/console-web:2.4.1",
                    3,
                    3000,
                ),
                "events": normal_events("fr-l-ctx-e2e-timeout", "console", "console-web", 3),
            },
            "prometheus": {
                'sum(rate(http_requests_total{app="console-web",code=~"5.."}[5m]))': [
                    {"metric": {}, "value": [1764320400, "0"]}
                ],
                'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{app="console-web"}[5m])))': [
                    {"metric": {}, "value": [1764320400, "0.09"]}
                ],
            },
        },
    )


# ------------------------------------------------------------------ 3. platform


def platform() -> None:
    # 3a. GITHUB_TOKEN push answered 403 in a cargo version bump job (atlas)
    at(REPO)
    path = real.scratch("fr-l-push-403", {})
    repo = path / "work"
    real.new_repo(repo, {"Cargo.toml": real.cargo_toml("healer"), "src/main.rs": "fn main() {}\n"})
    with real.serve((403, "")) as port:
        real.git(repo, "remote", "add", "origin", f"http://127.0.0.1:{port}/5dlabs/healer.git")
        lines, code = real.git(
            repo,
            "push",
            "origin",
            "HEAD:main",
            hosts={f"http://127.0.0.1:{port}/": "https://github.com/"},
        )
    assert code != 0 and any("403" in ln for ln in lines), lines
    ci(
        "fr-l-plat-git-push-403-cargo-bump-token-read-only",
        "the version-bump job commits the new Cargo.toml version, then `git push` gets HTTP 403 "
        "from GitHub: the workflow's GITHUB_TOKEN only has contents: read",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="release",
        job="cargo-bump",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo set-version --bump minor",
                ["   Upgrading healer from 0.21.0 to 0.22.0"],
                name="Bump version",
            ),
            run(
                'git commit -am "chore(release): 0.22.0"',
                [
                    "[main 0b5e1d7] chore(release): 0.22.0",
                    " 2 files changed, 2 insertions(+), 2 deletions(-)",
                ],
                name="Commit",
            ),
            failing(real.Out("git push origin HEAD:main", lines, code), name="Push"),
        ],
        message="ci(release): bump the crate version on release",
        files=[".github/workflows/release.yml"],
        branch="main",
        event="workflow_run",
    )

    # 3b. a force-pushed PR head the server no longer has (atlas)
    path = real.scratch("fr-l-not-our-ref", {})
    origin = path / "origin.git"
    seed = path / "seed"
    real.new_repo(seed, {"src/lib.rs": "pub fn a() {}\n"})
    real.git(path, "clone", "-q", "--bare", str(seed), str(origin))
    gone = sha("fr-l-force-pushed")
    work = path / "work"
    real.git(path, "init", "-q", "work")
    real.git(work, "remote", "add", "origin", f"file://{origin}")
    lines, code = real.git(
        work,
        "-c",
        "protocol.version=2",
        "fetch",
        "--no-tags",
        "--prune",
        "--no-recurse-submodules",
        "--depth=1",
        "origin",
        f"+{gone}:refs/remotes/pull/2012/merge",
        hosts={f"file://{origin}": "https://github.com/5dlabs/healer"},
    )
    assert code != 0, lines
    ci(
        "fr-l-plat-checkout-force-pushed-head-not-our-ref",
        "actions/checkout's fetch of the PR head commit fails: the author force-pushed while "
        "the run was queued, so the server no longer has that commit (upload-pack: not our ref)",
        ["platform", "misleading-name"],
        "atlas",
        "git_error",
        workflow="rust",
        job="clippy",
        repo=REPO,
        steps=[
            uses(
                "actions/checkout@v4",
                {"ref": gone, "fetch-depth": "1"},
                [
                    "Syncing repository: 5dlabs/healer",
                    "##[group]Fetching the repository",
                    f"[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune "
                    f"--no-recurse-submodules --depth=1 origin +{gone}:refs/remotes/pull/2012/merge",
                    *lines,
                    "The process '/usr/bin/git' failed with exit code 128",
                    "Waiting 13 seconds before trying again",
                    f"[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune "
                    f"--no-recurse-submodules --depth=1 origin +{gone}:refs/remotes/pull/2012/merge",
                    *lines,
                    "##[endgroup]",
                ],
                name="Checkout",
                error=["##[error]The process '/usr/bin/git' failed with exit code 128"],
            ),
        ],
        message="fix(router): clippy on the new matcher",
        files=["src/router/matcher.rs"],
        pr=fcommon.pr_of("fr-l-not-our-ref", "fix(router): clippy on the new matcher"),
    )

    # 3c. setup-node cache: npm with no lockfile at the root (atlas)
    at(WEB)
    ci(
        "fr-l-plat-setup-node-cache-lockfile-not-found",
        "actions/setup-node with cache: npm fails before any test runs: the lockfile moved "
        "to web/ and the workflow sets no cache-dependency-path, so setup-node finds no "
        "lockfile at the repository root",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="vitest",
        repo=WEB,
        steps=[
            uses(
                "actions/checkout@v4",
                None,
                ["Syncing repository: 5dlabs/console", "Checking out the ref"],
            ),
            uses(
                "actions/setup-node@v4",
                {"node-version": "20", "cache": "npm"},
                [
                    "Attempting to download 20...",
                    "Found in cache @ /opt/hostedtoolcache/node/20.20.2/x64",
                    "##[group]Environment details",
                    "node: v20.20.2",
                    "npm: 11.19.1",
                    "yarn: 1.22.22",
                    "##[endgroup]",
                    "[command]/opt/hostedtoolcache/node/20.20.2/x64/bin/npm config get cache",
                    "/home/runner/.npm",
                ],
                name="Setup Node",
                error=[
                    "##[error]Dependencies lock file is not found in /home/runner/work/console/"
                    "console. Supported file patterns: package-lock.json,npm-shrinkwrap.json,"
                    "yarn.lock"
                ],
            ),
        ],
        message="refactor: move the app into web/",
        files=["web/package.json", "web/package-lock.json", "web/src/main.js", "package.json"],
    )

    # 3d. a job never started: the account's spending limit (atlas)
    at(REPO)
    ci(
        "fr-l-plat-spending-limit-job-not-started",
        "the rust tests job never started: GitHub refused to run it because the "
        "organisation's Actions spending limit was reached",
        ["platform", "misleading-name", "no-log"],
        "atlas",
        "general",
        workflow="rust",
        job="cargo-test",
        repo=REPO,
        steps=[],
        message="feat(router): match by path prefix",
        files=["src/router/matcher.rs"],
        event="check_run",
        check=(
            "cargo-test",
            "The job was not started because recent account payments have failed or your "
            "spending limit needs to be increased. Please check the 'Billing & plans' section "
            "in your settings",
        ),
        logs=False,
    )

    # 3e. push protection: a Slack bot token in a vitest snapshot (cipher)
    at(WEB)
    from cases_batch5 import _push_rejected

    commit = sha("fr-l-gh013-slack")
    out = _push_rejected(
        "fr-l-gh013-slack",
        WEB,
        [
            "error: GH013: Repository rule violations found for refs/heads/chore/update-snapshots.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— Slack API Token ———————————————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: src/notify/__snapshots__/slack.test.js.snap:14",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/console/security/secret-scanning/unblock-secret/"
            "2xQ7pVh3Ke9Ty1Ld0Wm6Rb4Nc8Zs",
            "",
        ],
        "push declined due to repository rule violations",
        ref="chore/update-snapshots",
    )
    assert out.code != 0, out
    ci(
        "fr-l-sec-gh013-slack-token-in-vitest-snapshot",
        "the update-snapshots job's push is blocked by push protection: the regenerated "
        "Slack notifier snapshot contains a Slack API token",
        ["security", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="snapshots",
        job="update-snapshots",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx vitest run -u",
                [
                    " Test Files  12 passed (12)",
                    "      Tests  88 passed (88)",
                    "   Snapshots  3 updated",
                ],
                name="Update snapshots",
            ),
            run(
                'git commit -am "test: update snapshots"',
                [
                    "[chore/update-snapshots 5e0c1a2] test: update snapshots",
                    " 1 file changed, 6 insertions(+), 4 deletions(-)",
                ],
                name="Commit",
            ),
            failing(out, name="Push snapshots"),
        ],
        message="test(notify): snapshot the real Slack payload",
        files=["src/notify/slack.test.js", "src/notify/__snapshots__/slack.test.js.snap"],
        branch="chore/update-snapshots",
    )


# ------------------------------------------------------------------ 4. security, no log


def security() -> None:
    rows = [
        (
            "fr-l-sec-sensor-zap-baseline-console",
            WEB,
            "dast",
            "zap-baseline",
            "feat(api): public share links for runs",
            ["server/routes/share.js"],
            "code_scanning_alert",
            "only the sensor body: the OWASP ZAP baseline scan of the staging console failed "
            "after public share links were added",
        ),
        (
            "fr-l-sec-sensor-pip-audit-exporter",
            PLAT,
            "supply-chain",
            "pip-audit",
            "chore(exporter): pin requests 2.31.0 for the old proxy",
            ["exporters/triage/requirements.txt"],
            "vulnerable_dependency",
            "only the sensor body: the pip-audit run on the triage exporter failed after "
            "requirements.txt pinned an older requests",
        ),
    ]
    for cid, repo, wf, job, msg, files, ftype, desc in rows:
        at(repo)
        j = Job(cid, repo, wf, job, "main", [])
        fcommon.add(
            cid,
            desc,
            ["no-log", "security"],
            "cipher",
            ftype,
            "sensor",
            sensor(j, msg),
            {"changed_files": files, "commit_message": msg},
        )

    # dependency review check run on a Cargo.lock bump (cipher)
    at(REPO)
    summary = (
        "## Dependency Review\n"
        "The following issues were found:\n"
        "* ❌ 1 vulnerable package(s)\n"
        "* ✅ 0 package(s) with incompatible licenses\n"
        "* ✅ 0 package(s) with invalid SPDX license definitions\n"
        "* ✅ 0 package(s) with unknown licenses.\n\n"
        "### Vulnerabilities\n\n"
        "#### Cargo.lock\n"
        "| Package | Version | Severity | Vulnerability |\n"
        "| --- | --- | --- | --- |\n"
        "| idna | 0.5.0 | moderate | [idna accepts Punycode labels that do not produce any "
        "non-ASCII when decoded](https://github.com/advisories/GHSA-h97m-ww89-6jmq) |\n"
    )
    ci(
        "fr-l-sec-dependency-review-cargo-lock-idna",
        "the dependency-review check fails on the PR's Cargo.lock: the url bump pulls idna "
        "0.5.0, flagged by GHSA-h97m-ww89-6jmq",
        ["security", "no-log"],
        "cipher",
        "vulnerable_dependency",
        workflow="pr",
        job="dependency-review",
        repo=REPO,
        steps=[],
        message="chore(deps): url 2.5.2 for the webhook parser",
        files=["Cargo.toml", "Cargo.lock"],
        event="check_run",
        check=("1 vulnerable package found", summary),
        logs=False,
        pr=fcommon.pr_of("fr-l-dep-review", "chore(deps): url 2.5.2 for the webhook parser"),
    )

    # secret scanning alert (cipher)
    p = alert(
        "secret_scanning_alert",
        "fr-l-sec-alert-vault",
        PLAT,
        {
            "alert.secret_type": "hashicorp_vault_service_token",
            "alert.secret_type_display_name": "HashiCorp Vault Service Token",
        },
    )
    fcommon.add(
        "fr-l-sec-alert-secret-scanning-vault-token",
        "secret scanning alert: a HashiCorp Vault service token committed to the platform "
        "repository (an External Secrets store manifest)",
        ["security-alert", "security", "obvious"],
        "cipher",
        "secret_scanning_alert",
        "secret_scanning_alert",
        p,
        {"changed_files": ["apps/external-secrets/vault-store.yaml"]},
    )

    # CodeQL alert for Rust cleartext logging (cipher)
    p = alert(
        "code_scanning_alert",
        "fr-l-sec-alert-codeql-rust-log",
        REPO,
        {
            "alert.rule": {
                "id": "rust/cleartext-logging",
                "severity": "error",
                "security_severity_level": "high",
                "description": "Cleartext logging of sensitive information",
                "name": "rust/cleartext-logging",
                "full_description": "Logging sensitive information in plaintext can expose it "
                "to an attacker.",
                "tags": ["security", "external/cwe/cwe-312", "external/cwe/cwe-359"],
            },
            "alert.tool": {"name": "CodeQL", "guid": None, "version": "2.23.3"},
            "alert.most_recent_instance.message": {
                "text": "This operation writes webhook_secret to a log file."
            },
            "alert.most_recent_instance.location": {
                "path": "src/github/webhook.rs",
                "start_line": 58,
                "end_line": 58,
                "start_column": 9,
                "end_column": 61,
            },
        },
    )
    fcommon.add(
        "fr-l-sec-alert-codeql-rust-cleartext-logging",
        "CodeQL code scanning alert rust/cleartext-logging (high): src/github/webhook.rs logs "
        "the webhook secret",
        ["security-alert", "security", "obvious"],
        "cipher",
        "code_scanning_alert",
        "code_scanning_alert",
        p,
        {"changed_files": ["src/github/webhook.rs"]},
    )

    # repository vulnerability alert (cipher)
    p = alert(
        "repository_vulnerability_alert",
        "fr-l-sec-alert-repo-vuln-rustls",
        REPO,
        {
            "alert.affected_range": ">= 0.23.13, < 0.23.18",
            "alert.affected_package_name": "rustls",
            "alert.external_reference": "https://nvd.nist.gov/vuln/detail/CVE-2024-11738",
            "alert.external_identifier": "CVE-2024-11738",
            "alert.fixed_in": "0.23.18",
            "alert.ghsa_id": "GHSA-qg5g-gv98-5ffh",
            "alert.severity": "moderate",
        },
    )
    fcommon.add(
        "fr-l-sec-alert-repository-vulnerability-rustls",
        "repository vulnerability alert: rustls >= 0.23.13 < 0.23.18 can panic on a "
        "fragmented ClientHello (GHSA-qg5g-gv98-5ffh); healer's Cargo.lock is affected",
        ["security-alert", "security", "obvious"],
        "cipher",
        "vulnerable_dependency",
        "repository_vulnerability_alert",
        p,
        {"changed_files": ["Cargo.lock"]},
    )


# ------------------------------------------------------------------ 5. YAML by owner


def yaml_owner() -> None:
    # 5a. actionlint: unknown key timeout-minute (atlas)
    at(REPO)
    out = real.actionlint(
        "fr-l-actionlint-key",
        {
            "nightly.yml": """name: nightly
on:
  schedule:
    - cron: "17 3 * * *"
jobs:
  soak:
    runs-on: ubuntu-latest
    timeout-minute: 90
    steps:
      - uses: actions/checkout@v4
      - run: cargo test --release -- --ignored soak
""",
        },
    )
    assert out.code != 0 and any("timeout-minute" in ln for ln in out.lines), out
    ci(
        "fr-l-yaml-actionlint-unknown-key-timeout-minute",
        "actionlint [syntax-check]: .github/workflows/nightly.yml sets 'timeout-minute' on "
        "the soak job, an unexpected key (it is timeout-minutes)",
        ["obvious", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="workflows",
        repo=REPO,
        steps=[failing(out, name="actionlint")],
        message="ci: nightly soak test with a time limit",
        files=[".github/workflows/nightly.yml"],
    )

    # 5b. check-jsonschema: action.yml's composite run step without shell (atlas)
    at(PLAT)
    out = real.sh(
        "fr-l-action-schema",
        {
            ".github/actions/setup-healer/action.yml": """name: setup-healer
description: Install the healer CLI from this repository
inputs:
  version:
    description: CLI version
    default: latest
runs:
  using: composite
  steps:
    - run: cargo install --locked --path crates/healer-cli
""",
        },
        "check-jsonschema --builtin-schema vendor.github-actions .github/actions/setup-healer/action.yml",
        "check-jsonschema --builtin-schema vendor.github-actions .github/actions/*/action.yml",
    )
    assert out.code != 0, out
    ci(
        "fr-l-yaml-action-schema-composite-run-without-shell",
        "check-jsonschema rejects .github/actions/setup-healer/action.yml against the "
        "actions schema: the composite action's run step has no `shell`, so runs matches "
        "no allowed form",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="charts",
        job="schema",
        repo=PLAT,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            run(
                "pip install check-jsonschema==0.39.0",
                ["Successfully installed check-jsonschema-0.39.0"],
                name="Install",
            ),
            failing(out, name="Validate actions"),
        ],
        message="ci: a composite action to install the healer CLI",
        files=[".github/actions/setup-healer/action.yml"],
    )

    # 5c. a reusable workflow without workflow_call (atlas, no log)
    at(REPO)
    ci(
        "fr-l-yaml-reusable-workflow-missing-workflow-call",
        "the deploy run fails at startup: it calls ./.github/workflows/helm-deploy.yml, which "
        "has no on.workflow_call trigger, so GitHub rejects the workflow file",
        ["yaml-owner", "no-log", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="deploy",
        job="helm-deploy",
        repo=REPO,
        steps=[],
        message="ci(deploy): share the helm deploy job",
        files=[".github/workflows/deploy.yml", ".github/workflows/helm-deploy.yml"],
        event="check_run",
        check=(
            "Invalid workflow file",
            "Invalid workflow file: .github/workflows/deploy.yml#L14\n"
            "error parsing called workflow\n"
            '".github/workflows/deploy.yml"\n'
            '-> "./.github/workflows/helm-deploy.yml" (source branch with sha:'
            f"{sha('fr-l-reusable')})\n"
            ": workflow is not reusable as it is missing a `on.workflow_call` trigger",
        ),
        logs=False,
    )

    # 5d. promtool: a duration with a space (bolt)
    at(PLAT)
    out = real.promtool(
        "fr-l-promtool-duration",
        {
            "monitoring/rules/healer.yaml": """groups:
  - name: healer
    rules:
      - alert: HealerQueueBacklog
        expr: sum(healer_queue_depth) > 100
        for: 10 min
        labels:
          severity: warning
        annotations:
          summary: Healer's queue has been above 100 for ten minutes
""",
        },
        "monitoring/rules/healer.yaml",
    )
    assert out.code != 0 and any("duration" in ln for ln in out.lines), out
    ci(
        "fr-l-yaml-promtool-rule-for-duration-with-space",
        "promtool check rules: monitoring/rules/healer.yaml sets `for: 10 min`, not a valid "
        "duration string (10m)",
        ["obvious", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="monitoring",
        job="promtool",
        repo=PLAT,
        steps=[failing(out, name="Check alert rules")],
        message="feat(alerts): page on a queue backlog",
        files=["monitoring/rules/healer.yaml"],
    )

    # 5e. yamllint in the actions-lint job: a duplicate key in an Argo CD Application (bolt)
    out = real.yamllint(
        "fr-l-yamllint-argo-app",
        {
            ".github/workflows/ci.yml": "name: ci\non: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n",
            "argocd/apps/healer.yaml": """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: healer
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/5dlabs/platform
    path: charts/healer
    targetRevision: main
  destination:
    server: https://kubernetes.default.svc
    namespace: healer
  syncPolicy:
    automated:
      prune: true
    automated:
      selfHeal: true
""",
        },
        [".github/workflows", "argocd/apps"],
        config="extends: default\nrules:\n  document-start: disable\n  truthy: disable\n  line-length: disable\n",
    )
    assert out.code != 0 and any("duplication" in ln for ln in out.lines), out
    ci(
        "fr-l-yaml-yamllint-argocd-app-duplicate-key-actions-lint",
        "yamllint, run by the actions-lint job over workflows and Argo CD apps, fails on "
        "argocd/apps/healer.yaml: syncPolicy.automated is declared twice (duplicate key); the "
        "workflows are clean",
        ["yaml-owner", "misleading-name"],
        "bolt",
        "yaml_config",
        workflow="actions-lint",
        job="yaml",
        repo=PLAT,
        steps=[failing(out, name="yamllint")],
        message="chore(argocd): self-heal the healer app",
        files=["argocd/apps/healer.yaml"],
    )

    # 5f. kustomize helmCharts without --enable-helm (bolt)
    out = real.kubectl(
        "fr-l-kustomize-helm",
        {
            "apps/cache/kustomization.yaml": """namespace: healer
helmCharts:
  - name: valkey
    repo: oci://registry-1.docker.io/bitnamicharts
    version: 2.1.1
    releaseName: healer-cache
    valuesFile: values.yaml
""",
            "apps/cache/values.yaml": "architecture: standalone\n",
        },
        ["kustomize", "apps/cache"],
    )
    assert out.code != 0 and any("enable-helm" in ln for ln in out.lines), out
    ci(
        "fr-l-yaml-kustomize-helmcharts-without-enable-helm",
        "kubectl kustomize apps/cache fails: the new kustomization inflates a Helm chart "
        "(helmCharts) and kustomize needs --enable-helm for that",
        ["obvious", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="render",
        repo=PLAT,
        steps=[failing(out, name="Render apps/cache")],
        message="feat(cache): valkey for the healer cache",
        files=["apps/cache/kustomization.yaml", "apps/cache/values.yaml"],
    )


# ------------------------------------------------------------------ 6. resource kills


def kills() -> None:
    # 6a. rustdoc SIGKILLed under cargo test --doc (atlas)
    at(REPO)
    files = {
        "Cargo.toml": real.cargo_toml("healer"),
        "src/lib.rs": """//! Healer's routing helpers.

/// Normalises a job name for matching.
///
/// ```
/// assert_eq!(healer::norm("Lint Rust"), "lint-rust");
/// # std::thread::sleep(std::time::Duration::from_secs(8));
/// ```
pub fn norm(name: &str) -> String {
    name.trim().to_lowercase().replace(' ', "-")
}
""",
    }
    out = kill_one(
        "fr-l-kill-rustdoc",
        files,
        "cargo test --doc",
        "--test src/lib.rs",
        settle=1.0,
    )
    assert out.code != 0 and any("SIGKILL" in ln or "signal: 9" in ln for ln in out.lines), out
    ci(
        "fr-l-kill-rustdoc-sigkilled-cargo-test-doc",
        "cargo test --doc: rustdoc is killed by SIGKILL while compiling the one doctest; "
        "the crate is tiny and nothing in the log or change grows, so the runner ran out of "
        "memory",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="doctests",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Doc tests")],
        message="docs(router): example for norm",
        files=["src/lib.rs"],
    )

    # 6b. pytest killed with nothing to blame (atlas)
    at(PLAT)
    out = real.killed(
        "fr-l-kill-pytest",
        {
            "tests/test_rules.py": """import time


def test_rule_names_are_unique():
    assert len({"a", "b"}) == 2


def test_render_all_rules():
    time.sleep(60)
""",
        },
        "python -m pytest -q tests/",
        after=4,
        env={"PATH": f"{VENV_B4}:{os.environ['PATH']}"},
    )
    assert out.code == 137, out
    ci(
        "fr-l-kill-pytest-killed-exporter-rules",
        "the exporter's pytest step is SIGKILLed (bash 'Killed', exit 137) in the middle of the "
        "run with no failing test and no growth shown; the runner ran out of memory",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="exporters",
        job="rules-test",
        repo=PLAT,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            failing(out, name="pytest"),
        ],
        message="feat(exporter): render every alert rule",
        files=["exporters/triage/rules.py"],
    )

    # 6c. mocha killed with nothing to blame (atlas)
    at(WEB)
    out = real.killed(
        "fr-l-kill-mocha",
        {
            "package.json": _pkg("console"),
            "test/render.spec.js": """import assert from "node:assert/strict";

describe("render", () => {
  it("renders the empty state", () => {
    assert.equal("".length, 0);
  });
  it("renders 5,000 runs", async function () {
    this.timeout(0);
    await new Promise((r) => setTimeout(r, 60000));
  });
});
""",
        },
        "npx mocha --reporter spec test/",
        after=5,
        node_modules=True,
    )
    assert out.code == 137, out
    ci(
        "fr-l-kill-mocha-killed-render-spec",
        "the mocha spec run is killed (bash 'Killed', exit 137) during a render test with no "
        "assertion failure and nothing in the output showing growth: the runner's memory, not "
        "the code",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="test(render): a large run list",
        files=["test/render.spec.js"],
    )

    # 6d. a Rust test whose own output shows its retry queue doubling, then killed (rex)
    at(REPO)
    path = real.crate(
        "fr-l-rust-queue-crate",
        {
            "src/lib.rs": """use std::collections::VecDeque;

/// Requeues a failed delivery; a retry of a retry is requeued with its parent.
pub fn requeue(queue: &mut VecDeque<Vec<u8>>, failed: Vec<u8>) {
    queue.push_back(failed.clone());
    queue.push_back(failed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_after_retries() {
        let mut q: VecDeque<Vec<u8>> = VecDeque::new();
        q.push_back(vec![0u8; 64 * 1024]);
        for round in 1..=12 {
            let n = q.len();
            for _ in 0..n {
                let d = q.pop_front().unwrap();
                requeue(&mut q, d);
            }
            eprintln!("round {round}: retry queue holds {} deliveries ({} KiB)", q.len(), q.len() * 64);
        }
        std::thread::sleep(std::time::Duration::from_secs(60));
        assert!(q.is_empty());
    }
}
""",
        },
    )
    lines, code = real.run(
        ["cargo", "test", "--no-run", "-q"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    out = kill_one(
        "fr-l-kill-rust-queue",
        {},
        f"cd {path} && cargo test -q -- --nocapture drains_after_retries",
        "healer-",
        settle=2.0,
    )
    out = real.Out(
        "cargo test -q -- --nocapture drains_after_retries",
        [
            ln.replace(str(path), real.RUNNER).replace(
                "/home/runner/work/runs/fr-l-rust-queue-crate", real.RUNNER
            )
            for ln in out.lines
        ],
        out.code,
    )
    assert out.code != 0 and any("round 12" in ln for ln in out.lines), out
    ci(
        "fr-l-kill-rust-test-retry-queue-doubles",
        "cargo test's drains_after_retries is SIGKILLed after its own output shows the retry "
        "queue doubling every round (4096 deliveries, 262144 KiB by round 12): requeue() "
        "pushes every failed delivery twice",
        ["resource-kill", "context-driven"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="fix(delivery): keep retries with their parent",
        files=["src/delivery/queue.rs"],
    )

    # 6e. a Node sitemap script whose own progress shows every page kept, then killed (blaze)
    at(WEB)
    out = kill_one(
        "fr-l-kill-node-sitemap",
        {
            "package.json": _pkg("console", {"build:sitemap": "node scripts/sitemap.mjs"}),
            "scripts/sitemap.mjs": """const seen = [];
for (let batch = 1; batch <= 8; batch++) {
  for (let i = 0; i < 25000; i++) {
    const url = `/runs/${batch}-${i}`;
    seen.push({ url, html: "x".repeat(2048) });
  }
  console.log(`sitemap: ${seen.length} pages rendered, ${seen.length} held in memory`);
}
await new Promise((r) => setTimeout(r, 60000));
""",
        },
        "npm run build:sitemap",
        "sitemap.mjs",
        settle=3.0,
    )
    lines = [ln for ln in out.lines if ln.strip() != "Killed"]
    out = real.Out("npm run build:sitemap", lines, out.code)
    assert out.code != 0 and any("200000 pages" in ln for ln in out.lines), out
    ci(
        "fr-l-kill-node-sitemap-holds-every-page",
        "npm run build:sitemap is killed (SIGKILL) after the script's own progress shows it "
        "holding every rendered page's HTML in memory (200000 pages); the new sitemap script "
        "never releases pages",
        ["resource-kill", "context-driven", "wrapper"],
        "blaze",
        "frontend_build",
        workflow="console-ci",
        job="build",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Sitemap")],
        message="feat(seo): sitemap for every run page",
        files=["scripts/sitemap.mjs", "package.json"],
    )


def build() -> None:
    wrappers()
    cluster()
    platform()
    security()
    yaml_owner()
    kills()
