"""Batch 22 of the fresh split (ids ``fr-v-``): look-alikes in families not used before.
Groups of two or three cases whose failing logs read nearly the same while the root cause,
and so the owner, differs; only the context (pods, events, Loki, Prometheus), the files the
change touched, the PR, the step that actually stopped, or the path a tool names tells them
apart.

- ``npm run build`` exiting 1 (or 2) where the inner tool is tsc, cargo, or a schema download;
- ``git diff --exit-code`` after a generate step, on Cargo.lock, package-lock.json or a
  rendered manifest;
- a curl 404: a release asset that is gone, a route the app renamed, an ingress path the
  chart moved;
- kubectl ``Forbidden`` for the deploy service account: a Role the change did not extend, a
  kubeconfig the workflow switched;
- ``helm upgrade --wait`` ending in ``context deadline exceeded``: a Rust panic in the new
  pods, a hook whose ServiceAccount the chart stopped creating, an API server slow with every
  object healthy;
- a rollout deadline over ``ImagePullBackOff``: a tag typo in values, a registry outage, an
  image the same run never built because its Rust compile failed;
- TLS ``certificate has expired`` / ``unable to get local issuer certificate``: a
  cert-manager Certificate not renewed, a self-hosted runner's stale CA bundle, a Node client
  pinning one CA in code;
- ``Permission denied``: a Rust test hard-coding a system path, a chart running as a
  non-root user on a root-owned volume, a self-hosted runner's root-owned workspace;
- ``No space left on device``: a Rust test spilling without a cap, a full runner disk, a full
  PVC behind the staging API.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import re
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import fcommon
import gha
import real
import shapes
import yaml
from cases_batch14 import TS, _pkg, _rust
from cases_batch16 import NOBODY, _runs_dir_open, _tmpfs
from common import branch_for
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
from gha import run, uses
from helpers import (
    clock,
    crashing,
    curl_fail,
    kube_setup,
    normal_events,
    pod_name,
    ready_pods,
    reset_server,
    rollout,
)

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
NS = "healer"


def build() -> None:
    npm_build()
    git_diff()
    not_found()
    forbidden()
    helm_deadline()
    image_pull()
    tls()
    permission_denied()
    no_space()
    json_commas()


def _add_log(job: gha.Job) -> None:
    """Put another failed job's log of the same run beside the last case's own."""
    fcommon.CASES[-1]["context"]["logs"][job.name] = job.log()


# ------------------------------------------------------------------ 1. npm run build


def _npm_build(name: str, files: dict[str, str], script: str) -> real.Out:
    out = real.npm_script(name, files, {"build": script}, "build")
    assert out.code != 0, out
    return out


def npm_build() -> None:
    at(WEB)
    # 1a. tsc -b fails inside the build script (blaze)
    ts = {
        "tsconfig.json": real.TSCONFIG,
        "src/runs.ts": """export interface Run {
  id: string;
  startedAt: number;
}

export function latest(runs: Run[]): Run | undefined {
  return [...runs].sort((a, b) => b.startedAt - a.startedAt)[0];
}

export const empty: Run = { id: "none", startedAt: "1970-01-01T00:00:00Z" };
""",
    }
    out = _npm_build("fr-v-build-tsc", ts, "tsc -p . && vite build")
    ci(
        "fr-v-npm-build-tsc-startedat-string",
        "npm run build exits 2: its first command, tsc -p ., reports TS2322 in src/runs.ts "
        "(an ISO string assigned to the numeric startedAt); vite build never ran",
        ["obvious", "wrapper"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="build",
        repo=WEB,
        steps=[*node_setup(), run("npm ci", ["added 412 packages in 9s"]), failing(out)],
        message="feat(runs): placeholder for an empty run list",
        files=["src/runs.ts"],
    )
    # 1b. the same npm run build; its first command is cargo on the native module (rex)
    native = {
        "native/Cargo.toml": real.cargo_toml("console-native"),
        "native/src/main.rs": """fn percentile(samples: &mut Vec<f64>, p: f64) -> f64 {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let idx = ((samples.len() as f64) * p) as usize;
    samples[idx.min(samples.len() - 1)]
}

fn main() {
    let mut durations = vec![1.5, 0.25, 3.0];
    let p95: u32 = percentile(&mut durations, 0.95);
    println!("{p95}");
}
""",
    }
    out = _npm_build(
        "fr-v-build-cargo",
        native,
        "cargo build --release --offline --manifest-path native/Cargo.toml && vite build",
    )
    assert any("E0308" in ln for ln in out.lines), out
    ci(
        "fr-v-npm-build-cargo-native-mismatched-types",
        "the same failing npm run build (exit 101) in the console repo; its first command is cargo "
        "build on native/, the Rust module the console bundles, and rustc reports E0308 "
        "(a f64 percentile bound to u32) in native/src/main.rs; vite build never ran",
        ["wrapper", "misleading-name", "look-obvious"],
        "rex",
        "rust_build",
        workflow="console-ci",
        job="build",
        repo=WEB,
        steps=[
            *node_setup(),
            *rust_setup(),
            run("npm ci", ["added 412 packages in 9s"]),
            failing(out),
        ],
        message="feat(native): p95 of run durations",
        files=["native/src/main.rs"],
    )
    # 1c. the same npm run build; a schema download at its start is reset (atlas)
    fetch = """const url = process.env.SCHEMA_URL;
const res = await fetch(url);
if (!res.ok) throw new Error(`schema download failed: ${res.status}`);
console.log(await res.text());
"""
    with reset_server() as port:
        local = f"http://127.0.0.1:{port}/schemas/runs.v3.json"
        path = real.node_project(
            "fr-v-build-fetch",
            {"scripts/fetch-schemas.mjs": fetch, **ts},
            {"build": "node scripts/fetch-schemas.mjs && tsc -p . && vite build"},
            pkg_name="console",
        )
        lines, code = real.run(
            ["npm", "run", "build"],
            path,
            env={"SCHEMA_URL": local},
            hosts={local: "https://schemas.5dlabs.ai/runs.v3.json"},
            keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
        )
    out = real.Out("npm run build", lines, code)
    assert code != 0 and any("fetch failed" in ln for ln in lines), out
    ci(
        "fr-v-npm-build-schema-fetch-reset",
        "the same npm run build exiting 1; its first command downloads the runs schema from "
        "schemas.5dlabs.ai and Node's fetch fails (ECONNRESET) before tsc runs; the change "
        "touched only a component's copy and the next run passed",
        ["flaky-infra", "misleading-name", "look-obvious"],
        "atlas",
        "general",
        workflow="console-ci",
        job="build",
        repo=WEB,
        steps=[*node_setup(), run("npm ci", ["added 412 packages in 9s"]), failing(out)],
        message="copy(runs): clearer empty state",
        files=["src/components/RunsEmpty.tsx"],
    )


# ------------------------------------------------------------------ 2. git diff --exit-code


def _diff(name: str, committed: dict[str, str], changed: dict[str, str], gen: str, shown: str):
    path = real.scratch(name)
    real.new_repo(path, committed)
    real.commit_all(path, changed, "change")
    lines, code = real.run(
        f"{gen} && git diff --exit-code", path, env={"CARGO_NET_OFFLINE": "true"}
    )
    out = real.Out(shown, lines, code)
    assert code == 1 and any(ln.startswith("diff --git") for ln in lines), out
    return out


def git_diff() -> None:
    at(REPO)
    lock = (
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual "
        'editing.\nversion = 4\n\n[[package]]\nname = "healer-notify"\nversion = "0.7.2"\n'
    )
    # 2a. Cargo.lock stale after a version bump (rex)
    toml = real.cargo_toml("healer-notify").replace('"0.1.0"', '"0.7.2"')
    out = _diff(
        "fr-v-diff-cargo",
        {"Cargo.toml": toml, "Cargo.lock": lock, "src/lib.rs": "pub fn notify() {}\n"},
        {"Cargo.toml": toml.replace('"0.7.2"', '"0.8.0"')},
        "cargo metadata --format-version 1 --offline > /dev/null",
        "cargo metadata --format-version 1 > /dev/null\ngit diff --exit-code",
    )
    ci(
        "fr-v-gitdiff-cargo-lock-version-bump",
        "the 'generated files are committed' check fails: after cargo metadata, git diff "
        "--exit-code shows Cargo.lock moving healer-notify from 0.7.2 to 0.8.0; the release "
        "bump edited Cargo.toml without the lock file",
        ["obvious"],
        "rex",
        "rust_deps",
        workflow="checks",
        job="generated-files",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Lock file is up to date")],
        message="chore(notify): release 0.8.0",
        files=["crates/notify/Cargo.toml"],
    )
    # 2b. package-lock.json stale after a version bump (blaze)
    pkg = _pkg("console")
    plock = json.dumps(
        {
            "name": "console",
            "version": "2.4.0",
            "lockfileVersion": 3,
            "requires": True,
            "packages": {"": {"name": "console", "version": "2.4.0"}},
        },
        indent=2,
    )
    at(WEB)
    out = _diff(
        "fr-v-diff-npm",
        {"package.json": pkg, "package-lock.json": plock + "\n"},
        {"package.json": pkg.replace('"2.4.0"', '"2.5.0"')},
        "npm install --package-lock-only --offline --no-audit --no-fund > /dev/null 2>&1",
        "npm install --package-lock-only --no-audit --no-fund\ngit diff --exit-code",
    )
    ci(
        "fr-v-gitdiff-package-lock-version-bump",
        "the same generated-files check: git diff --exit-code after npm install "
        "--package-lock-only shows package-lock.json moving console from 2.4.0 to 2.5.0; "
        "package.json was bumped without its lock",
        ["look-obvious"],
        "blaze",
        "frontend_deps",
        workflow="checks",
        job="generated-files",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Lock file is up to date")],
        message="chore(console): release 2.5.0",
        files=["package.json"],
    )
    # 2c. the committed rendered manifest is stale after an overlay change (bolt)
    at(PLAT)
    base_dep = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: healer-api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: healer-api
  template:
    metadata:
      labels:
        app: healer-api
    spec:
      containers:
        - name: api
          image: ghcr.io/5dlabs/healer-api:0.31.0
"""
    kust = "resources:\n  - ../../base\nnamespace: healer\nreplicas:\n  - name: healer-api\n    count: {n}\n"
    files = {
        "deploy/base/deployment.yaml": base_dep,
        "deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "deploy/overlays/prod/kustomization.yaml": kust.format(n=3),
    }
    rendered = real.run(
        ["kubectl", "kustomize", "deploy/overlays/prod"],
        real.scratch("fr-v-diff-render-0", files),
    )[0]
    files["deploy/rendered/prod.yaml"] = "\n".join(rendered) + "\n"
    out = _diff(
        "fr-v-diff-render",
        files,
        {"deploy/overlays/prod/kustomization.yaml": kust.format(n=4)},
        "kubectl kustomize deploy/overlays/prod > deploy/rendered/prod.yaml",
        "kubectl kustomize deploy/overlays/prod > deploy/rendered/prod.yaml\ngit diff --exit-code",
    )
    ci(
        "fr-v-gitdiff-rendered-manifest-replicas",
        "the same generated-files check: git diff --exit-code after kubectl kustomize shows "
        "deploy/rendered/prod.yaml moving healer-api from 3 to 4 replicas; the overlay was "
        "changed without re-rendering the committed manifest",
        ["obvious", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="checks",
        job="generated-files",
        repo=PLAT,
        steps=[*kube_setup()[:1], failing(out, name="Rendered manifests are up to date")],
        message="chore(prod): four healer-api replicas",
        files=["deploy/overlays/prod/kustomization.yaml"],
    )


# ------------------------------------------------------------------ 3. curl 404


def not_found() -> None:
    at(REPO)
    # 3a. a release asset the workflow downloads no longer exists under that name (atlas)
    asset = "healer-cli-x86_64-unknown-linux-gnu.tar.gz"
    with real.serve((404, "Not Found")) as port:
        local = f"http://127.0.0.1:{port}"
        out = real.sh(
            "fr-v-404-asset",
            {},
            f"curl -fsSL -o /tmp/healer-cli.tgz {local}/5dlabs/healer-cli/releases/"
            f"download/v0.8.2/{asset}",
            'curl -fsSL -o /tmp/healer-cli.tgz \\\n  "https://github.com/5dlabs/healer-cli/'
            'releases/download/v${HEALER_CLI_VERSION}/healer-cli-x86_64-unknown-linux-gnu.tar.gz"',
            hosts={local: "https://github.com"},
        )
    assert out.code == 22, out
    ci(
        "fr-v-404-release-asset-renamed-upstream",
        "installing the healer CLI fails: curl (22) 404 for the v0.8.2 release asset "
        "healer-cli-x86_64-unknown-linux-gnu.tar.gz; the healer-cli release was re-published "
        "with assets named healer-cli-v0.8.2-linux-amd64.tar.gz, and nothing in this repo "
        "changed but a test",
        ["platform", "misleading-name"],
        "atlas",
        "release_publish",
        workflow="e2e",
        job="cargo-e2e",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(out, name="Install healer CLI", env={"HEALER_CLI_VERSION": "0.8.2"}),
        ],
        message="test(e2e): cover the dispatch retry path",
        files=["crates/healer/tests/e2e_dispatch.rs"],
    )
    # 3b/3c. the staging smoke test gets 404 on /api/v1/status; the change decides
    at(WEB)
    outs = []
    for key in ("fr-v-404-route", "fr-v-404-ingress"):
        o = curl_fail(key, "console.staging.5dlabs.ai", "/api/v1/status", 404, "Not Found\n")
        assert o.code == 22, o
        outs.append(o)
    steps = [
        *kube_setup(),
        run(
            "kubectl -n console rollout status deployment/console-web --timeout=5m",
            ['deployment "console-web" successfully rolled out'],
            name="Wait for rollout",
        ),
    ]
    img = "ghcr.io/5dlabs/console-web:2.6.0"
    cid = "fr-v-404-smoke-next-route-moved"
    ci(
        cid,
        "the staging smoke test's curl gets 404 on /api/v1/status after a clean rollout; the "
        "change moved the Next.js route handler from app/api/v1/status/route.ts to "
        "app/api/status/route.ts, so the app no longer serves the path",
        ["context-driven", "look-obvious"],
        "blaze",
        "frontend_test",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=[*steps, failing(outs[0], name="Smoke test")],
        message="refactor(api): drop the v1 prefix from internal routes",
        files=["app/api/status/route.ts", "app/api/v1/status/route.ts", "src/lib/api.ts"],
        pr=pr_of(cid, "refactor(api): drop the v1 prefix from internal routes"),
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, "console", "console-web", img, 2, port=3000),
                "events": normal_events(cid, "console", "console-web", 2),
            }
        },
    )
    cid = "fr-v-404-smoke-ingress-path-moved"
    ci(
        cid,
        "the same smoke-test 404 on /api/v1/status after a clean rollout; the change edited "
        "the chart's ingress paths in values-staging.yaml from /api to /v1 (pathType Prefix), "
        "so /api/v1/status now falls to the ingress default backend; the app is untouched",
        ["context-driven", "look-obvious"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=[*steps, failing(outs[1], name="Smoke test")],
        message="chore(deploy): route the versioned API at /v1",
        files=["deploy/console-web/values-staging.yaml"],
        pr=pr_of(cid, "chore(deploy): route the versioned API at /v1"),
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, "console", "console-web", img, 2, port=3000),
                "events": normal_events(cid, "console", "console-web", 2),
            }
        },
    )


# ------------------------------------------------------------------ 4. kubectl Forbidden


@contextmanager
def _k8s(answer: Any) -> Iterator[int]:
    """A 127.0.0.1 API server stand-in that also answers PATCH (``real.serve`` does not)."""

    class H(http.server.BaseHTTPRequestHandler):
        def _go(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            if size:
                self.rfile.read(size)
            status, body, ctype = answer(self)
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = _go

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _forbidden(user: str, verb: str, resource: str, group: str, name: str) -> str:
    g = f"{resource}.{group}" if group else resource
    return json.dumps(
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": f'{g} "{name}" is forbidden: User "{user}" cannot {verb} resource '
            f'"{resource}" in API group "{group}" in the namespace "{NS}"',
            "reason": "Forbidden",
            "details": {"name": name, "group": group, "kind": resource},
            "code": 403,
        }
    )


def _apply(name: str, files: dict[str, str], target: str, answer: Any) -> real.Out:
    path = real.scratch(name, files)
    with _k8s(answer) as port:
        lines, code = real.run(
            [
                "kubectl",
                f"--server=http://127.0.0.1:{port}",
                "apply",
                "--validate=false",
                "-f",
                target,
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
            timeout=60,
        )
    out = real.Out(f"kubectl apply --validate=false -f {target}", lines, code)
    assert code != 0 and any("Forbidden" in ln for ln in lines), out
    return out


def forbidden() -> None:
    at(PLAT)
    base = real.kube_api({})
    cron = """apiVersion: batch/v1
kind: CronJob
metadata:
  name: healer-gc
  namespace: healer
spec:
  schedule: "17 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: gc
              image: ghcr.io/5dlabs/healer-api:0.31.0
              args: ["gc", "--older-than", "30d"]
"""
    deployer = "system:serviceaccount:ci:healer-deployer"

    def with_cronjobs(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str] | None:
        path = req.path.partition("?")[0]
        if path == "/apis/batch/v1":
            return (
                200,
                json.dumps(
                    {
                        "kind": "APIResourceList",
                        "apiVersion": "v1",
                        "groupVersion": "batch/v1",
                        "resources": [
                            {
                                "name": n,
                                "singularName": k.lower(),
                                "namespaced": True,
                                "kind": k,
                                "verbs": ["create", "get", "list", "patch", "watch"],
                                "shortNames": s,
                            }
                            for n, k, s in (("jobs", "Job", []), ("cronjobs", "CronJob", ["cj"]))
                        ],
                    }
                ),
                "application/json",
            )
        return None

    # 4a. the deployer Role does not cover the CronJob the change adds (bolt)
    def role_gap(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        got = with_cronjobs(req)
        if got:
            return got
        if "/cronjobs/" in req.path:
            return (
                403,
                _forbidden(deployer, "get", "cronjobs", "batch", "healer-gc"),
                "application/json",
            )
        return base(req)

    out = _apply("fr-v-403-role", {"deploy/jobs/gc-cronjob.yaml": cron}, "deploy/jobs/", role_gap)
    cid = "fr-v-forbidden-deployer-role-lacks-cronjobs"
    ci(
        cid,
        "kubectl apply in the deploy job fails: Error from server (Forbidden): cronjobs.batch "
        f'"healer-gc" is forbidden for {deployer}; the change adds the first CronJob to '
        "deploy/jobs/ but not cronjobs to the deployer Role in deploy/rbac/deployer-role.yaml",
        ["context-driven", "look-obvious"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="apply-staging",
        repo=PLAT,
        steps=[*kube_setup(), failing(out, name="Apply jobs")],
        message="feat(healer): nightly garbage collection of old runs",
        files=["deploy/jobs/gc-cronjob.yaml"],
        pr=pr_of(
            cid,
            "feat(healer): nightly garbage collection of old runs",
            "Adds a CronJob running `healer-api gc --older-than 30d` at 03:17.",
        ),
    )
    # 4b. the same Forbidden; the workflow now writes the read-only kubeconfig (atlas)
    viewer = "system:serviceaccount:ci:healer-viewer"
    existing = yaml.safe_load(cron)
    existing["metadata"].update(
        {
            "uid": sha("cj")[:8],
            "resourceVersion": "4711",
            "creationTimestamp": "2026-10-02T03:00:00Z",
        }
    )

    def read_only(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        got = with_cronjobs(req)
        if got:
            return got
        if "/cronjobs/healer-gc" in req.path and req.command == "GET":
            return 200, json.dumps(existing), "application/json"
        if "/cronjobs/" in req.path:
            return (
                403,
                _forbidden(viewer, "patch", "cronjobs", "batch", "healer-gc"),
                ("application/json"),
            )
        return base(req)

    out = _apply(
        "fr-v-403-viewer",
        {"deploy/jobs/gc-cronjob.yaml": cron.replace("30d", "14d")},
        "deploy/jobs/",
        read_only,
    )
    cid = "fr-v-forbidden-workflow-switched-to-viewer-kubeconfig"
    steps = kube_setup()
    steps[1] = run(
        'mkdir -p ~/.kube && echo "$KUBE_CONFIG" | base64 -d > ~/.kube/config',
        [],
        env={"KUBE_CONFIG": "***"},
        name="Write kubeconfig",
    )
    ci(
        cid,
        'the same kubectl apply Forbidden on cronjobs.batch "healer-gc", now for '
        f"{viewer}; the change edits .github/workflows/deploy.yml to write the kubeconfig "
        "from secrets.STAGING_VIEWER_KUBECONFIG (the read-only one the diff job uses) instead "
        "of STAGING_DEPLOY_KUBECONFIG; the Role and the CronJob are as before",
        ["context-driven", "look-obvious"],
        "atlas",
        "permissions",
        workflow="deploy",
        job="apply-staging",
        repo=PLAT,
        steps=[*steps, failing(out, name="Apply jobs")],
        message="ci(deploy): share one kubeconfig secret between diff and apply",
        files=[".github/workflows/deploy.yml", "deploy/jobs/gc-cronjob.yaml"],
        pr=pr_of(cid, "ci(deploy): share one kubeconfig secret between diff and apply"),
    )


# ------------------------------------------------------------------ 5. helm --wait deadline


def _helm_step(release: str) -> gha.Step:
    cmd, lines = shapes.helm_upgrade(release, f"charts/{release}", NS, "context deadline exceeded")
    return run(cmd, lines, 1, name="Helm upgrade", seconds=300.0)


def _helm_steps(release: str) -> list[gha.Step]:
    return [
        *kube_setup(),
        uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm v3.16.3 installed"]),
        _helm_step(release),
    ]


def helm_deadline() -> None:
    at(PLAT)
    img = "ghcr.io/5dlabs/healer-api:0.32.0"
    # 5a. the new pods crash on the service's own panic (rex)
    cid = "fr-v-helm-deadline-rust-split-at-panic"
    logs = _rust(
        "fr-v-helm-panic",
        "healer-api",
        """fn main() {
    let queues = std::env::var("QUEUES").unwrap_or_default();
    eprintln!("healer-api 0.32.0 starting");
    for q in queues.split(',') {
        // queue names are now URIs: strip the "healer://" scheme
        let (_, name) = q.split_at("healer://".len());
        eprintln!("subscribing to {name}");
    }
}
""",
        env={"QUEUES": "dispatch,retry"},
    )
    ctx = crashing(cid, NS, "healer-api", img, 101, logs)
    ctx["kubernetes"]["pods"][0]["spec"]["containers"][0]["env"] = [
        {"name": "QUEUES", "value": "dispatch,retry"}
    ]
    ci(
        cid,
        "helm upgrade --wait ends in UPGRADE FAILED: context deadline exceeded; the new "
        "healer-api pod crash-loops and Loki shows the Rust panic from split_at: the change "
        "strips a healer:// scheme from queue names the deployment still sets as plain names",
        ["context-driven", "look-obvious"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="helm-staging",
        repo=PLAT,
        steps=_helm_steps("healer-api"),
        message="feat(api): queue URIs",
        files=["services/healer-api/src/queues.rs"],
        extra=ctx,
    )
    # 5b. no new pod is ever created: the chart stopped creating the ServiceAccount (bolt)
    cid = "fr-v-helm-deadline-serviceaccount-not-created"
    _created, first, last = clock(cid)
    rs = f"healer-api-{sha(cid)[:10]}"
    old = ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.31.0", 2)
    events = [
        shapes.event(
            NS,
            "ReplicaSet",
            rs,
            "FailedCreate",
            f'Error creating: pods "{rs}-" is forbidden: error looking up service account '
            f'{NS}/healer-api: serviceaccount "healer-api" not found',
            first=first,
            last=last,
            count=17,
            component="replicaset-controller",
        ),
        shapes.event(
            NS,
            "Deployment",
            "healer-api",
            "ScalingReplicaSet",
            f"Scaled up replica set {rs} from 0 to 1",
            first=first,
            last=first,
            type_="Normal",
            component="deployment-controller",
        ),
    ]
    ci(
        cid,
        "the same helm upgrade --wait context deadline exceeded; the old pods stay ready and "
        'the new ReplicaSet cannot create pods: serviceaccount "healer-api" not found, '
        "because the change wrapped the chart's ServiceAccount template in "
        "{{- if .Values.serviceAccount.create }} with create defaulting to false",
        ["context-driven", "look-obvious"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm-staging",
        repo=PLAT,
        steps=_helm_steps("healer-api"),
        message="chore(chart): make the ServiceAccount optional",
        files=["charts/healer-api/templates/serviceaccount.yaml", "charts/healer-api/values.yaml"],
        extra={"kubernetes": {"pods": old, "events": events}},
    )
    # 5c. everything is healthy; the API server was slow to answer helm's watches (atlas)
    cid = "fr-v-helm-deadline-apiserver-slow-healthy"
    _, first, last = clock(cid)
    ci(
        cid,
        "the same helm upgrade --wait context deadline exceeded after a Rust change; every "
        "new healer-api pod is ready, the events are normal starts, Loki shows the service "
        "listening, and the API server's p99 request latency sat near 9 s during the upgrade "
        "(etcd compaction on the control plane): nothing in the change, a rerun passed",
        ["context-driven", "flaky-infra", "look-obvious"],
        "atlas",
        "general",
        workflow="deploy",
        job="helm-staging",
        repo=PLAT,
        steps=_helm_steps("healer-api"),
        message="perf(api): reuse the dispatch HTTP client",
        files=["services/healer-api/src/dispatch.rs"],
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", img, 3),
                "events": normal_events(cid, NS, "healer-api", 3),
            },
            "loki": [
                f'{{"level":"info","ts":"{first}","msg":"healer-api 0.32.0 starting"}}',
                f'{{"level":"info","ts":"{first}","msg":"listening on 0.0.0.0:8080"}}',
            ],
            "prometheus": {
                'histogram_quantile(0.99, sum by (le) (rate(apiserver_request_duration_seconds_bucket{verb=~"GET|LIST|WATCH"}[5m])))': [
                    {"metric": {}, "value": [TS, "8.91"]}
                ],
                "sum(rate(etcd_disk_wal_fsync_duration_seconds_sum[5m])) / sum(rate(etcd_disk_wal_fsync_duration_seconds_count[5m]))": [
                    {"metric": {}, "value": [TS, "1.42"]}
                ],
                'kube_deployment_status_replicas_available{deployment="healer-api",namespace="healer"}': [
                    {
                        "metric": {"deployment": "healer-api", "namespace": "healer"},
                        "value": [TS, "3"],
                    }
                ],
            },
        },
    )


# ------------------------------------------------------------------ 6. ImagePullBackOff


def _pull_ctx(cid: str, image: str, message: str) -> dict[str, Any]:
    created, first, last = clock(cid)
    name = pod_name(cid, "healer-api")
    p = shapes.pod(
        name,
        NS,
        "healer-api",
        image,
        created=created,
        waiting=("ImagePullBackOff", f'Back-off pulling image "{image}"'),
        port=8080,
        memory_limit="256Mi",
    )
    return {
        "kubernetes": {
            "pods": [p],
            "events": [
                shapes.event(
                    NS,
                    "Pod",
                    name,
                    "Failed",
                    f'Failed to pull image "{image}": {message}',
                    first=first,
                    last=last,
                    count=6,
                ),
                shapes.event(
                    NS,
                    "Pod",
                    name,
                    "BackOff",
                    f'Back-off pulling image "{image}"',
                    first=first,
                    last=last,
                    count=24,
                    type_="Normal",
                ),
            ],
        }
    }


def _not_found(image: str) -> str:
    return (
        f'rpc error: code = NotFound desc = failed to pull and unpack image "{image}": '
        f'failed to resolve reference "{image}": {image}: not found'
    )


def image_pull() -> None:
    at(PLAT)
    roll = [rollout(f"fr-v-pull-{i}", NS, "healer-api", 3, 1, 2, deadline=True) for i in range(3)]
    for r in roll:
        assert r.code != 0, r
    apply = run(
        "kubectl apply -k apps/healer-api/overlays/staging",
        ["service/healer-api unchanged", "deployment.apps/healer-api configured"],
        name="Apply",
    )
    # 6a. a transposed tag in the overlay (bolt)
    cid = "fr-v-pull-tag-typo-in-overlay"
    bad = "ghcr.io/5dlabs/healer-api:0.13.2"
    ci(
        cid,
        "kubectl rollout status runs out (ProgressDeadlineExceeded); the new healer-api pod is "
        f"in ImagePullBackOff with NotFound for {bad}: the change set newTag 0.13.2 in the "
        "staging overlay for the 0.31.2 release",
        ["context-driven", "look-obvious"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout-staging",
        repo=PLAT,
        steps=[*kube_setup(), apply, failing(roll[0], name="Wait for rollout")],
        message="chore(staging): healer-api 0.31.2",
        files=["apps/healer-api/overlays/staging/kustomization.yaml"],
        extra=_pull_ctx(cid, bad, _not_found(bad)),
    )
    # 6b. the tag exists; the registry answered 503 (atlas)
    cid = "fr-v-pull-registry-503-tag-exists"
    good = "ghcr.io/5dlabs/healer-api:0.31.2"
    ci(
        cid,
        "the same rollout deadline over ImagePullBackOff after the same kind of tag bump; the "
        f"kubelet's pull of {good} (pushed and pulled elsewhere) fails with 503 Service "
        "Unavailable from ghcr.io's manifest endpoint: a registry outage, a rerun passed",
        ["context-driven", "flaky-infra", "look-obvious"],
        "atlas",
        "general",
        workflow="deploy",
        job="rollout-staging",
        repo=PLAT,
        steps=[*kube_setup(), apply, failing(roll[1], name="Wait for rollout")],
        message="chore(staging): healer-api 0.31.2",
        files=["apps/healer-api/overlays/staging/kustomization.yaml"],
        extra=_pull_ctx(
            cid,
            good,
            f'failed to pull and unpack image "{good}": failed to resolve reference "{good}": '
            "unexpected status from HEAD request to https://ghcr.io/v2/5dlabs/healer-api/"
            "manifests/0.31.2: 503 Service Unavailable",
        ),
    )
    # 6c. the image of this commit was never built: the run's build job failed in rustc (rex)
    at(REPO)
    cid = "fr-v-pull-image-never-built-rust-error"
    short = sha(cid)[:7]
    img = f"ghcr.io/5dlabs/healer-api:sha-{short}"
    build = real.cargo(
        "fr-v-pull-build",
        {
            "src/main.rs": """use std::collections::HashMap;

fn main() {
    let mut attempts: HashMap<String, u32> = HashMap::new();
    attempts.insert("run-1".into(), 2);
    let worst = attempts.values().max_by_key(|n| n).copied().unwrap_or_default();
    println!("{}", worst.saturating_add_signed(-1i64));
}
""",
            "Cargo.lock": "# This file is automatically @generated by Cargo.\n# It is not "
            'intended for manual editing.\nversion = 4\n\n[[package]]\nname = "healer"\n'
            'version = "0.1.0"\n',
        },
        ["build", "--release", "--locked"],
    )
    assert build.code != 0 and any("error[E" in ln for ln in build.lines), build
    set_image = run(
        f"kubectl -n {NS} set image deployment/healer-api healer-api={img}",
        ["deployment.apps/healer-api image updated"],
        name="Point staging at this commit",
    )
    message = "feat(api): report the worst retry count"
    ci(
        cid,
        "the release run's deploy job: kubectl rollout status runs out with the new pod in "
        f"ImagePullBackOff, NotFound for {img}; the same run's build job failed earlier in "
        "cargo build (E0308 in main.rs), so the commit's image was never pushed, and deploy "
        "runs with if: always()",
        ["context-driven", "multi-signal", "look-obvious"],
        "rex",
        "rust_build",
        workflow="release",
        job="deploy-staging",
        repo=REPO,
        event="workflow_run",
        steps=[*kube_setup(), set_image, failing(roll[2], name="Wait for rollout")],
        message=message,
        files=["src/main.rs"],
        extra=_pull_ctx(cid, img, _not_found(img)),
    )
    _add_log(
        gha.Job(
            cid + ":build",
            REPO,
            "release",
            "build-image",
            branch_for(message),
            [*rust_setup(), failing(build, name="Build release binary")],
        )
    )


# ------------------------------------------------------------------ 7. TLS verification


def _ca(cn: str) -> tuple[Any, Any]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2034, 1, 1, tzinfo=dt.UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _leaf(ca: tuple[Any, Any], host: str, not_after: dt.datetime) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca[0].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_after - dt.timedelta(days=90))
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(host), x509.DNSName("127.0.0.1")]),
            critical=False,
        )
        .sign(ca[1], hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return (
        cert.public_bytes(pem).decode(),
        key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
    )


def _pem(cert: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM).decode()


@contextmanager
def _tls_server(name: str, cert: str, key: str) -> Iterator[int]:
    """A 127.0.0.1 HTTPS server answering 200 ``ok`` with ``cert``."""
    d = real.scratch(name, {"server.crt": cert, "server.key": key})
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(d / "server.crt", d / "server.key")

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "3")
            self.end_headers()
            self.wfile.write(b"ok\n")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    server.daemon_threads = True
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _curl_tls(name: str, host: str, cert: str, key: str, bundle: str) -> real.Out:
    path = real.scratch(name + "-ca", {"bundle.pem": bundle})
    with _tls_server(name, cert, key) as port:
        out = real.sh(
            name,
            {},
            f"curl -fsS --retry 2 --resolve {host}:{port}:127.0.0.1 https://{host}:{port}/healthz",
            f"curl -fsS --retry 2 https://{host}/healthz",
            env={"CURL_CA_BUNDLE": str(path / "bundle.pem")},
            hosts={f"{host}:{port}": host},
        )
    assert out.code == 60, out
    return out


def tls() -> None:
    at(WEB)
    host = "console.staging.5dlabs.ai"
    public = _ca("R13")
    deploy = run(
        "kubectl -n console apply -k deploy/overlays/staging",
        ["deployment.apps/console-web configured", "ingress.networking.k8s.io/console unchanged"],
        name="Deploy",
    )
    # 7a. the ingress certificate expired: cert-manager could not renew it (bolt)
    cert, key = _leaf(public, host, dt.datetime(2026, 11, 27, 3, 12, tzinfo=dt.UTC))
    out = _curl_tls("fr-v-tls-expired", host, cert, key, _pem(public[0]))
    assert any("expired" in ln for ln in out.lines), out
    cid = "fr-v-tls-expired-cert-manager-issuer-missing"
    _, _first, last = clock(cid)
    events = [
        shapes.event(
            "console",
            "Certificate",
            "console-staging-tls",
            "Issuing",
            "Renewing certificate as renewal was scheduled at 2026-10-28 03:12:00 +0000 UTC",
            first="2026-10-28T03:12:00Z",
            last="2026-10-28T03:12:00Z",
            type_="Normal",
            component="cert-manager-certificates-trigger",
        ),
        shapes.event(
            "console",
            "CertificateRequest",
            "console-staging-tls-4",
            "IssuerNotFound",
            'Referenced "ClusterIssuer" not found: clusterissuer.cert-manager.io '
            '"letsencrypt-prod" not found',
            first="2026-10-28T03:12:01Z",
            last=last,
            count=212,
            component="cert-manager-certificaterequests-issuer-acme",
        ),
    ]
    for ev in events:
        ev["involvedObject"]["apiVersion"] = "cert-manager.io/v1"
    ci(
        cid,
        "the staging smoke test's curl fails with (60) SSL certificate problem: certificate "
        "has expired; cert-manager's CertificateRequest for console-staging-tls has failed "
        'since the renewal on 2026-10-28 with ClusterIssuer "letsencrypt-prod" not found (the '
        "issuer was renamed in the cluster config); the change is a copy edit",
        ["context-driven", "look-obvious"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=[*kube_setup(), deploy, failing(out, name="Smoke test")],
        message="copy(settings): clearer token expiry hint",
        files=["src/components/settings/TokenHint.tsx"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    cid, "console", "console-web", "ghcr.io/5dlabs/console-web:2.6.1", 2, 3000
                ),
                "events": events,
            }
        },
    )
    # 7b. a valid certificate; the self-hosted runner's CA bundle predates the new root (atlas)
    new_root = _ca("ISRG Root X2")
    cert, key = _leaf(new_root, host, dt.datetime(2027, 1, 30, 3, 12, tzinfo=dt.UTC))
    out = _curl_tls("fr-v-tls-bundle", host, cert, key, _pem(public[0]))
    assert any("local issuer" in ln for ln in out.lines), out
    cid = "fr-v-tls-self-hosted-runner-stale-ca-bundle"
    ci(
        cid,
        "the same staging smoke test fails with (60) SSL certificate problem: unable to get "
        "local issuer certificate, on a self-hosted runner whose ca-certificates package is "
        "from 2021 (the job's own diagnostics); the staging certificate is valid, chains to a "
        "newer root, and the same job passes on GitHub-hosted runners; a copy-only change",
        ["context-driven", "platform", "look-obvious"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        self_hosted=True,
        steps=[
            *kube_setup(),
            deploy,
            run(
                "dpkg-query -W ca-certificates && ls -l /etc/ssl/certs/ca-certificates.crt",
                [
                    "ca-certificates\t20210119",
                    "-rw-r--r-- 1 root root 208567 Mar  4  2021 /etc/ssl/certs/ca-certificates.crt",
                ],
                name="Runner diagnostics",
            ),
            failing(out, name="Smoke test"),
        ],
        message="copy(runs): shorter retry banner",
        files=["src/components/runs/RetryBanner.tsx"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    cid, "console", "console-web", "ghcr.io/5dlabs/console-web:2.6.1", 2, 3000
                ),
                "events": normal_events(cid, "console", "console-web", 2),
            }
        },
    )
    # 7c. the Node API client now trusts only the internal CA, in code (blaze)
    internal = _ca("5dlabs internal CA")
    cert, key = _leaf(public, host, dt.datetime(2027, 1, 30, 3, 12, tzinfo=dt.UTC))
    client = """import https from "node:https";
import { readFileSync } from "node:fs";

// talk to our services with the internal CA only
const agent = new https.Agent({ ca: readFileSync(new URL("../certs/internal-ca.pem", import.meta.url)) });

export function getJson(url) {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode, body }));
      })
      .on("error", reject);
  });
}
"""
    test = """import { test } from "node:test";
import assert from "node:assert/strict";
import { getJson } from "../src/client.js";

test("staging console answers /healthz", async () => {
  const res = await getJson(`${process.env.CONSOLE_URL}/healthz`);
  assert.equal(res.status, 200);
});
"""
    with _tls_server("fr-v-tls-node-srv", cert, key) as port:
        local = f"https://127.0.0.1:{port}"
        out = real.sh(
            "fr-v-tls-node",
            {
                "package.json": _pkg("console"),
                "src/client.js": client,
                "certs/internal-ca.pem": _pem(internal[0]),
                "e2e/health.test.js": test,
            },
            "node --test e2e/",
            "node --test e2e/",
            env={"CONSOLE_URL": local},
            hosts={local: f"https://{host}"},
        )
    out = real.Out(
        out.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 38.417702", ln) for ln in out.lines],
        out.code,
    )
    assert out.code != 0 and any("UNABLE_TO_VERIFY_LEAF" in ln for ln in out.lines), out
    cid = "fr-v-tls-node-client-pins-internal-ca"
    ci(
        cid,
        "the staging e2e node --test fails with 'unable to verify the first certificate' "
        "(UNABLE_TO_VERIFY_LEAF_SIGNATURE); the change gave the console's API client an "
        "https.Agent whose ca is only certs/internal-ca.pem, which replaces Node's public "
        "roots, while staging's certificate is public; on a hosted runner, certificate valid",
        ["context-driven", "look-obvious"],
        "blaze",
        "frontend_test",
        workflow="deploy-staging",
        job="e2e",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="E2E", env={"CONSOLE_URL": f"https://{host}"})],
        message="feat(client): trust the internal CA for service calls",
        files=["src/client.js", "certs/internal-ca.pem"],
        pr=pr_of(cid, "feat(client): trust the internal CA for service calls"),
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    cid, "console", "console-web", "ghcr.io/5dlabs/console-web:2.6.1", 2, 3000
                ),
                "events": normal_events(cid, "console", "console-web", 2),
            }
        },
    )


# ------------------------------------------------------------------ 8. Permission denied


def permission_denied() -> None:
    at(REPO)
    # 8a. a Rust test opens a hard-coded system path the runner user cannot create (rex)
    spool = """use std::path::PathBuf;

pub struct Spool {
    dir: PathBuf,
}

impl Spool {
    /// The spool now lives in the service's state directory.
    pub fn open() -> std::io::Result<Self> {
        let dir = PathBuf::from("/var/lib/healer/spool");
        std::fs::create_dir_all(&dir)?;
        Ok(Self { dir })
    }

    pub fn put(&self, id: &str, body: &[u8]) -> std::io::Result<()> {
        std::fs::write(self.dir.join(id), body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spool_keeps_undelivered_events() {
        let spool = Spool::open().unwrap();
        spool.put("evt-1", b"{}").unwrap();
    }
}
"""
    path = real.crate("fr-v-eacces-test", {"src/lib.rs": spool})
    lines, code = real.run(
        ["cargo", "test", "--quiet"],
        path,
        env={
            "CARGO_NET_OFFLINE": "true",
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER": NOBODY,
        },
    )
    out = real.Out("cargo test --workspace --quiet", lines, code)
    assert code != 0 and any("PermissionDenied" in ln for ln in lines), out
    cid = "fr-v-eacces-rust-test-hardcoded-var-lib"
    ci(
        cid,
        "cargo test: spool_keeps_undelivered_events panics with Os { code: 13, kind: "
        "PermissionDenied }; the change made Spool::open create /var/lib/healer/spool, a "
        "hard-coded system path the runner user cannot create, instead of a configurable "
        "or temporary directory",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="feat(notify): keep undelivered events in the state directory",
        files=["crates/notify/src/spool.rs"],
        pr=pr_of(cid, "feat(notify): keep undelivered events in the state directory"),
    )

    # 8b. the service cannot open its journal on a root-owned volume as the chart's new user (bolt)
    at(PLAT)
    svc = """use std::fs::OpenOptions;

fn main() {
    let dir = std::env::var("JOURNAL_DIR").unwrap_or_else(|_| "/data/journal".into());
    eprintln!("healer-api 0.32.0 starting");
    let path = format!("{dir}/healer.wal");
    let _journal = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("opening journal {path}: {e}"));
    eprintln!("journal open");
}
"""
    bin_dir = real.crate("fr-v-eacces-svc", {"src/main.rs": svc}, package="healer-api")
    b, bc = real.run(
        ["cargo", "build", "-q", "--release"], bin_dir, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert bc == 0, b
    data = bin_dir / "data" / "journal"
    data.mkdir(parents=True)
    lines, code = real.run(
        f"{NOBODY} {bin_dir}/target/release/healer-api",
        bin_dir,
        env={"JOURNAL_DIR": str(data)},
    )
    logs = [ln.replace(real.RUNNER + "/data", "/data") for ln in lines if ln.strip()]
    assert code == 101 and any("Permission denied (os error 13)" in ln for ln in logs), logs
    logs = [re.sub(r"panicked at .*src/main.rs", "panicked at src/main.rs", ln) for ln in logs]
    cid = "fr-v-eacces-chart-runasuser-root-owned-volume"
    ctx = crashing(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.32.0", 101, logs)
    spec = ctx["kubernetes"]["pods"][0]["spec"]
    spec["securityContext"] = {"runAsUser": 10001, "runAsGroup": 10001, "runAsNonRoot": True}
    spec["containers"][0]["volumeMounts"] = [{"name": "journal", "mountPath": "/data/journal"}]
    spec["volumes"] = [
        {"name": "journal", "persistentVolumeClaim": {"claimName": "journal-healer-api-0"}}
    ]
    roll = rollout("fr-v-eacces-roll", NS, "healer-api", 2, 1, 1, deadline=True)
    assert roll.code != 0, roll
    ci(
        cid,
        "the same 'Permission denied (os error 13)', from the deployed service: kubectl "
        "rollout status runs out and Loki shows healer-api panicking while opening "
        "/data/journal/healer.wal; the change set podSecurityContext.runAsUser 10001 in the "
        "chart without an fsGroup, and the journal volume is owned by root",
        ["context-driven", "look-obvious"],
        "bolt",
        "helm",
        workflow="deploy",
        job="rollout-staging",
        repo=PLAT,
        steps=[
            *kube_setup(),
            run(
                "helm upgrade --install healer-api charts/healer-api -n healer "
                "-f charts/healer-api/values-staging.yaml",
                [
                    'Release "healer-api" has been upgraded. Happy Helming!',
                    "NAME: healer-api",
                    "NAMESPACE: healer",
                    "STATUS: deployed",
                    "REVISION: 41",
                ],
                name="Helm upgrade",
            ),
            failing(roll, name="Wait for rollout"),
        ],
        message="chore(chart): run healer-api as a non-root user",
        files=["charts/healer-api/values.yaml", "charts/healer-api/templates/deployment.yaml"],
        extra=ctx,
    )

    # 8c. a self-hosted runner's workspace left root-owned by an earlier container job (atlas)
    at(WEB)
    files = {
        "package.json": _pkg("console"),
        "package-lock.json": json.dumps(
            {
                "name": "console",
                "version": "2.4.0",
                "lockfileVersion": 3,
                "requires": True,
                "packages": {"": {"name": "console", "version": "2.4.0"}},
            },
            indent=2,
        )
        + "\n",
        "node_modules/.package-lock.json": "{}\n",
        "node_modules/vite/package.json": '{"name":"vite","version":"5.4.11"}\n',
    }
    ws = real.scratch("fr-v-eacces-npm", files)
    home = real.scratch("fr-v-eacces-npm-home")
    _runs_dir_open(ws)
    os.chown(ws, 65534, 65534)
    os.chown(home, 65534, 65534)
    for f in ("package.json", "package-lock.json"):
        os.chown(ws / f, 65534, 65534)
    lines, code = real.run(
        f"{NOBODY} env HOME={home} npm_config_cache={home}/.npm npm ci --no-audit --no-fund",
        ws,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    lines = [ln.replace(str(home), "/home/runner") for ln in lines]
    out = real.Out("npm ci", lines, code)
    assert code != 0 and any("EACCES" in ln for ln in lines), out
    cid = "fr-v-eacces-npm-ci-root-owned-workspace"
    ci(
        cid,
        "the same 'permission denied', from npm ci: EACCES unlinking node_modules/"
        ".package-lock.json on a self-hosted runner; an earlier job on that runner ran in a "
        "container as root and left node_modules owned by root in the reused workspace; the "
        "change only bumps a dev dependency's patch version",
        ["platform", "look-obvious"],
        "atlas",
        "general",
        workflow="console-ci",
        job="lint",
        repo=WEB,
        self_hosted=True,
        steps=[*node_setup(), failing(out, name="Install")],
        message="chore(deps-dev): bump prettier from 3.3.2 to 3.3.3",
        files=["package.json", "package-lock.json"],
    )


# ------------------------------------------------------------------ 9. No space left on device

_SPILL = """use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Rows are spilled to disk once a result set no longer fits in memory.
pub fn spill(rows: impl Iterator<Item = Vec<u8>>, dir: &Path) -> io::Result<u64> {
    let mut f = File::create(dir.join("healer-spill.bin"))?;
    let mut written = 0u64;
    for row in rows/*CAP*/ {
        f.write_all(&row)?;
        written += row.len() as u64;
        if written % (1 << 20) == 0 {
            eprintln!("spill: {} MiB written", written >> 20);
        }
    }
    f.sync_all()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spills_large_result_sets() {
        let rows = std::iter::repeat(vec![7u8; 64 * 1024]);
        let written = spill(rows, &std::env::temp_dir()).unwrap();
        assert!(written > 0);
    }
}
"""


def _spill(name: str, cap: str, size: str) -> real.Out:
    path = real.crate(name, {"src/lib.rs": _SPILL.replace("/*CAP*/", cap)})
    lines, code = real.run(
        ["cargo", "test", "--no-run", "--quiet"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    (path / "tmp").mkdir()
    lines, code = real.run(
        _tmpfs(f"TMPDIR={path}/tmp cargo test --quiet", f"{path}/tmp", size),
        path,
        env={"CARGO_NET_OFFLINE": "true"},
    )
    out = real.Out("cargo test --workspace --quiet", lines, code)
    assert code != 0 and any("StorageFull" in ln for ln in lines), out
    return out


def no_space() -> None:
    at(REPO)
    # 9a. the change dropped the spill cap: the test writes until the disk is full (rex)
    out = _spill("fr-v-enospc-uncapped", "", "24m")
    cid = "fr-v-enospc-rust-spill-cap-removed"
    ci(
        cid,
        "cargo test: spills_large_result_sets panics with Os { code: 28, kind: StorageFull, "
        "'No space left on device' } after its own output counts 'spill: 1 MiB written' up "
        "to 23 MiB; the change removed the .take(MAX_SPILL_ROWS) cap, so the test's endless "
        "row iterator is written until the disk is full",
        ["context-driven", "resource-kill"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="refactor(store): let the caller bound spilled rows",
        files=["crates/store/src/spill.rs"],
        pr=pr_of(
            cid,
            "refactor(store): let the caller bound spilled rows",
            "`spill` no longer applies `MAX_SPILL_ROWS` itself; callers pass a bounded iterator.",
        ),
    )
    # 9b. the same panic with the cap in place: the runner's disk was already full (atlas)
    out = _spill("fr-v-enospc-runner", ".take(64)", "3m")
    cid = "fr-v-enospc-runner-disk-full-capped-spill"
    ci(
        cid,
        "the same spills_large_result_sets StorageFull panic, after only 'spill: 3 MiB "
        "written' with the 4 MiB cap (.take(64) rows of 64 KiB) intact; the job's disk step shows the "
        "self-hosted runner's / at 100% from leftover build caches, and the change touched "
        "docs only",
        ["platform", "resource-kill", "look-obvious"],
        "atlas",
        "general",
        workflow="rust",
        job="test",
        repo=REPO,
        self_hosted=True,
        steps=[
            *rust_setup(),
            run(
                "df -h / /tmp",
                [
                    "Filesystem      Size  Used Avail Use% Mounted on",
                    "/dev/nvme0n1p1   98G   98G  2.9M 100% /",
                    "/dev/nvme0n1p1   98G   98G  2.9M 100% /",
                ],
                name="Disk",
            ),
            failing(out, name="cargo test"),
        ],
        message="docs(store): explain spilling",
        files=["crates/store/README.md"],
    )
    # 9c. the same words from the staging API: its PostgreSQL volume is full (bolt)
    at(PLAT)
    test = """use std::io::{Read, Write};
use std::net::TcpStream;

fn post(addr: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect to the staging API");
    write!(
        s,
        "POST {path} HTTP/1.1\\r\\nHost: {addr}\\r\\nContent-Type: application/json\\r\\nContent-Length: {}\\r\\nConnection: close\\r\\n\\r\\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw[9..12].parse().unwrap();
    let body = raw.split("\\r\\n\\r\\n").nth(1).unwrap_or_default().to_string();
    (status, body)
}

#[test]
fn annotates_a_run() {
    let addr = std::env::var("STAGING_API").unwrap();
    let (status, body) = post(&addr, "/api/runs/run-4471/annotations", r#"{"note":"retried"}"#);
    assert_eq!(status, 201, "unexpected response: {body}");
}
"""
    pg = (
        '{"error":"database error: could not extend file \\"base/16384/16427\\": No space left '
        'on device","hint":"Check free disk space."}'
    )
    path = real.crate(
        "fr-v-enospc-pvc", {"src/lib.rs": "pub fn ok() {}\n", "tests/staging.rs": test}
    )
    with real.serve((500, pg, "application/json")) as port:
        lines, code = real.run(
            ["cargo", "test", "--quiet", "--test", "staging"],
            path,
            env={"CARGO_NET_OFFLINE": "true", "STAGING_API": f"127.0.0.1:{port}"},
        )
    out = real.Out("cargo test --quiet --test staging", lines, code)
    assert code != 0 and any("No space left on device" in ln for ln in lines), out
    cid = "fr-v-enospc-staging-postgres-pvc-full"
    _, _first, last = clock(cid)
    pvc = "data-healer-postgres-0"
    ci(
        cid,
        "the staging integration test annotates_a_run fails: the API answered 500 with "
        "'could not extend file ...: No space left on device'; Loki shows PostgreSQL's own "
        "ENOSPC errors and kubelet_volume_stats_available_bytes for the 2Gi PVC "
        f"{pvc} is 0: the database volume in the cluster is full, not the code",
        ["context-driven", "look-obvious"],
        "bolt",
        "k8s_manifest",
        workflow="staging-integration",
        job="cargo-staging",
        repo=PLAT,
        self_hosted=True,
        steps=[
            *rust_setup(),
            failing(
                out,
                name="Integration tests against staging",
                env={"STAGING_API": "healer-api.healer-staging.svc.cluster.local:8080"},
            ),
        ],
        message="feat(runs): annotate runs from the API",
        files=["crates/api/src/routes/annotations.rs", "crates/api/tests/staging.rs"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    cid, "healer-staging", "healer-api", "ghcr.io/5dlabs/healer-api:0.32.0", 2
                ),
                "events": normal_events(cid, "healer-staging", "healer-api", 2),
            },
            "loki": [
                f"{last[:10]} {last[11:19]}.412 UTC [3184] ERROR:  could not extend file "
                '"base/16384/16427": No space left on device',
                f"{last[:10]} {last[11:19]}.412 UTC [3184] HINT:  Check free disk space.",
                f"{last[:10]} {last[11:19]}.412 UTC [3184] STATEMENT:  INSERT INTO "
                "run_annotations (run_id, note) VALUES ($1, $2)",
                f"{last[:10]} {last[11:19]}.630 UTC [57] LOG:  could not write temporary "
                "statistics file: No space left on device",
            ],
            "prometheus": {
                f'kubelet_volume_stats_available_bytes{{persistentvolumeclaim="{pvc}"}}': [
                    {
                        "metric": {
                            "namespace": "healer-staging",
                            "persistentvolumeclaim": pvc,
                        },
                        "value": [TS, "0"],
                    }
                ],
                f'kubelet_volume_stats_capacity_bytes{{persistentvolumeclaim="{pvc}"}}': [
                    {
                        "metric": {
                            "namespace": "healer-staging",
                            "persistentvolumeclaim": pvc,
                        },
                        "value": [TS, "2147483648"],
                    }
                ],
            },
        },
    )


# ------------------------------------------------------------------ 10. JSON trailing comma


def json_commas() -> None:
    # 10a. npm cannot parse package.json (blaze)
    at(WEB)
    pkg = _pkg("console", {"build": "vite build", "test": "vitest run"}).replace(
        '"test": "vitest run"', '"test": "vitest run",'
    )
    lock = {
        "name": "console",
        "version": "2.4.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": "console", "version": "2.4.0"}},
    }
    path = real.scratch(
        "fr-v-json-npm", {"package.json": pkg, "package-lock.json": json.dumps(lock, indent=2)}
    )
    lines, code = real.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        path,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    out = real.Out("npm ci", lines, code)
    assert code != 0 and any("EJSONPARSE" in ln for ln in lines), out
    ci(
        "fr-v-json-package-json-trailing-comma",
        "npm ci fails with EJSONPARSE: package.json has a trailing comma after the new test "
        "script; the console's own manifest",
        ["obvious"],
        "blaze",
        "frontend_deps",
        workflow="console-ci",
        job="install",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install")],
        message="chore(console): run vitest from npm test",
        files=["package.json"],
    )

    # 10b/10c. the same jq parse error, in a Grafana dashboard (bolt) and in renovate.json (atlas)
    def jq(name: str, file: str, text: str) -> real.Out:
        p = real.scratch(name, {file: text})
        lines, code = real.run(
            "for f in $(git ls-files 2>/dev/null || find . -name '*.json' | sed 's|^./||'); "
            'do jq empty "$f" || exit 1; done',
            p,
        )
        o = real.Out(
            "for f in $(git ls-files '*.json'); do jq empty \"$f\" || exit 1; done", lines, code
        )
        assert code != 0 and any("parse error" in ln for ln in lines), o
        return o

    at(PLAT)
    dash = json.dumps(
        {
            "title": "Healer dispatch",
            "uid": "healer-dispatch",
            "panels": [
                {
                    "type": "timeseries",
                    "title": "Dispatch latency p99",
                    "targets": [
                        {
                            "expr": "histogram_quantile(0.99, sum by (le) (rate(healer_dispatch_seconds_bucket[5m])))"
                        }
                    ],
                }
            ],
        },
        indent=2,
    ).replace(
        '"title": "Dispatch latency p99",',
        '"title": "Dispatch latency p99",\n      "datasource": "prometheus",,',
    )
    out = jq("fr-v-json-dash", "deploy/grafana/dashboards/healer-dispatch.json", dash)
    ci(
        "fr-v-json-grafana-dashboard-double-comma",
        "a JSON check's jq empty fails with 'parse error: Expected value before ','' and no "
        "file name; the change touched only deploy/grafana/dashboards/healer-dispatch.json, "
        "the dashboard the Grafana sidecar loads from a ConfigMap, doubling a comma after "
        "its new datasource field",
        ["yaml-owner", "context-driven"],
        "bolt",
        "yaml_config",
        workflow="validate",
        job="json",
        repo=PLAT,
        steps=[failing(out, name="Parse JSON files")],
        message="feat(grafana): pin the dispatch dashboard's datasource",
        files=["deploy/grafana/dashboards/healer-dispatch.json"],
    )
    renovate = json.dumps(
        {
            "$schema": "https://docs.renovatebot.com/renovate-schema.json",
            "extends": ["config:recommended"],
            "schedule": ["before 6am on monday"],
            "packageRules": [{"matchManagers": ["cargo"], "groupName": "rust crates"}],
        },
        indent=2,
    ).replace('"groupName": "rust crates"', '"groupName": "rust crates",,')
    out = jq("fr-v-json-renovate", ".github/renovate.json", renovate)
    ci(
        "fr-v-json-renovate-config-double-comma",
        "the same jq empty 'parse error: Expected value before ','' with no file name; the "
        "change touched only .github/renovate.json, doubling a comma in the cargo "
        "packageRules group: the dependency bot's repository configuration, like "
        "dependabot.yml",
        ["yaml-owner", "look-obvious"],
        "atlas",
        "workflow_syntax",
        workflow="validate",
        job="json",
        repo=PLAT,
        steps=[failing(out, name="Parse JSON files")],
        message="chore(renovate): group cargo updates",
        files=[".github/renovate.json"],
    )
