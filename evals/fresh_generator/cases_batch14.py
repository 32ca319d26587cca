"""Batch 14 of the fresh split (ids ``fr-n-``): the deciding evidence is in the context.

- smoke, e2e, deploy and rollout steps whose log shows only a symptom (curl refused or 5xx,
  ``kubectl rollout status`` or ``wait`` running out, ``helm upgrade --wait`` failing, an e2e
  fetch or vitest test timing out against a deployed URL), decided by the pods and events,
  Loki lines of a program that really crashed here (Rust panics, Node uncaught exceptions, a
  Python sidecar's traceback), an Argo CD application, Prometheus alerts or the change;
- noisy bundles whose unrelated trouble (another namespace's restarts, an old alert, a
  Degraded application nobody touched) sits next to the real cause, and healthy bundles where
  the failing step's own inner error decides;
- wrappers (BuildKit ``RUN``, ``make``, ``npm run``, ``just``, a Helm test hook) whose inner
  tool's real output decides.

Every tool that can run here runs for real against local files, local repositories or
127.0.0.1 servers; the Kubernetes objects are the client's models serialised as the API
serves them."""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import fcommon
import gha
import real
import shapes
from fcommon import at, ci, failing, node_setup, passing, pr_of, rust_setup, sha
from gha import run, uses
from helpers import (
    buildx_setup,
    buildx_step,
    clock,
    crashing,
    curl_fail,
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
TS = 1764320400


# ------------------------------------------------------------------ helpers


def _pkg(name: str, scripts: dict[str, str] | None = None, **more: object) -> str:
    pkg: dict[str, object] = {"name": name, "version": "2.4.0", "private": True, "type": "module"}
    if scripts:
        pkg["scripts"] = scripts
    pkg.update(more)
    return json.dumps(pkg, indent=2) + "\n"


def _in(lines: list[str], root: str) -> list[str]:
    return [ln.replace(real.RUNNER, root) for ln in lines]


def _rust(key: str, package: str, src: str, env: dict[str, str] | None = None) -> list[str]:
    """Build and run a small Rust program; its output is what the pod logged."""
    path = real.crate(key, {"Cargo.toml": real.cargo_toml(package), "src/main.rs": src})
    lines, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    lines, code = real.run([str(path / "target" / "release" / package)], path, env=env)
    assert code == 101, (code, lines)
    return [ln for ln in _in(lines, "/app") if ln.strip()]


def _node(
    key: str, files: dict[str, str], entry: str, env: dict[str, str] | None = None
) -> list[str]:
    out = real.node_run(key, files, entry, env=env)
    assert out.code != 0, out
    return [ln for ln in _in(out.lines, "/app") if ln.strip()]


def _alerts(*series: tuple[str, dict[str, str]]) -> dict[str, Any]:
    """Prometheus's ``ALERTS{alertstate="firing"}`` vector."""
    return {
        'ALERTS{alertstate="firing"}': [
            {
                "metric": {
                    "__name__": "ALERTS",
                    "alertname": name,
                    "alertstate": "firing",
                    **labels,
                },
                "value": [TS, "1"],
            }
            for name, labels in series
        ]
    }


def _noise_pods(cid: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """An unrelated promtail pod in ``monitoring`` that restarted during the night, Ready now,
    and an image-GC warning on a node: trouble nobody's change caused."""
    created, first, last = clock(cid + "noise")
    name = pod_name(cid, "promtail", "n")
    p = shapes.pod(
        name,
        "monitoring",
        "promtail",
        "docker.io/grafana/promtail:3.1.2",
        created=created,
        ready=True,
        restarts=9,
        port=3101,
        memory_limit="128Mi",
        node="k3s-worker-1",
        terminated={"exit_code": 1, "reason": "Error", "started": created, "finished": first},
        owner=("DaemonSet", "promtail"),
    )
    events = [
        shapes.event(
            "monitoring",
            "Pod",
            name,
            "BackOff",
            f"Back-off restarting failed container promtail in pod {name}_monitoring",
            first=created,
            last=first,
            count=4,
            host="k3s-worker-1",
        ),
        shapes.event(
            "default",
            "Node",
            "k3s-worker-3",
            "FreeDiskSpaceFailed",
            "Failed to garbage collect required amount of images. Attempted to free 2147483648 "
            "bytes, but only found 0 bytes eligible to free.",
            first=created,
            last=last,
            count=3,
            host="k3s-worker-3",
        ),
    ]
    return [p], events


def _grafana_degraded(cid: str) -> dict[str, Any]:
    rev = sha(cid + "grafana")
    app = shapes.argo_application(
        "grafana",
        "monitoring",
        PLAT,
        "monitoring/grafana",
        rev,
        "Synced",
        "Degraded",
        health_message='Deployment "grafana" exceeded its progress deadline',
    )
    return {
        "name": "grafana",
        "sync_status": "Synced",
        "health_status": "Degraded",
        "message": 'Deployment "grafana" exceeded its progress deadline',
        "revision": rev,
        "application": app,
    }


def _argo(
    name: str,
    ns: str,
    path: str,
    rev: str,
    sync: str,
    health: str,
    *,
    health_message: str = "",
    phase: str = "Succeeded",
    op_message: str = "",
    resources: list[dict[str, Any]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    app = shapes.argo_application(
        name,
        ns,
        PLAT,
        path,
        rev,
        sync,
        health,
        health_message=health_message,
        phase=phase,
        op_message=op_message,
        resources=resources,
        conditions=conditions,
    )
    return {
        "name": name,
        "sync_status": sync,
        "health_status": health,
        "message": op_message or health_message,
        "revision": rev,
        "application": app,
    }


def _helm_step(release: str, chart: str, ns: str, error: str) -> gha.Step:
    cmd, lines = shapes.helm_upgrade(release, chart, ns, error)
    return run(cmd, [x for ln in lines for x in ln.split("\n")], 1, name="Deploy", seconds=300)


def _pin_dur(out: real.Out) -> real.Out:
    """``node --test`` subtest durations vary from run to run."""
    return real.Out(
        out.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 41.237902", ln) for ln in out.lines],
        out.code,
    )


def npm_ci_ok() -> gha.Step:
    """``fcommon.npm_ci_ok`` with npm's duration pinned ('up to date in 9ms' or '... in 1s')."""
    import dataclasses

    step = fcommon.npm_ci_ok()
    lines = [re.sub(r"up to date in \d+(\.\d+)?m?s$", "up to date in 9ms", ln) for ln in step.lines]
    return dataclasses.replace(step, lines=lines)


def _set_env(p: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    p["spec"]["containers"][0]["env"] = [{"name": k, "value": v} for k, v in env.items()]
    return p


# ------------------------------------------------------------------ 1. a program crashed


def crashes() -> None:
    # 1a. rollout deadline; Loki: the Rust API panics parsing "30s" as seconds (rex)
    at(REPO)
    cid = "fr-n-ctx-rollout-rust-timeout-parse-30s"
    logs = _rust(
        "fr-n-rust-timeout",
        "healer-api",
        """use std::time::Duration;

struct Config {
    upstream_timeout: Duration,
    port: u16,
}

fn load() -> Config {
    // seconds, as a plain integer (humantime dropped)
    let timeout: u64 = std::env::var("HEALER_UPSTREAM_TIMEOUT")
        .unwrap_or_else(|_| "30".into())
        .parse()
        .unwrap();
    let port = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    Config { upstream_timeout: Duration::from_secs(timeout), port }
}

fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_api::config","message":"loading configuration"}}"#);
    let cfg = load();
    eprintln!("listening on 0.0.0.0:{} (upstream timeout {:?})", cfg.port, cfg.upstream_timeout);
}
""",
        env={"HEALER_UPSTREAM_TIMEOUT": "30s"},
    )
    assert any("InvalidDigit" in ln for ln in logs), logs
    ro = rollout(cid, NS, "healer-api", 3, 1, 2, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.22.0", 101, logs)
    _set_env(ctx["kubernetes"]["pods"][0], {"HEALER_UPSTREAM_TIMEOUT": "30s", "PORT": "8080"})
    ci(
        cid,
        "kubectl rollout status passes its progress deadline; the new healer-api pod "
        "crash-loops with exit 101 and Loki shows the Rust panic unwrapping ParseIntError "
        "{ kind: InvalidDigit }: the change parses HEALER_UPSTREAM_TIMEOUT as a bare integer "
        "while the chart has always set '30s'; the code broke the config contract",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="refactor(config): drop humantime, timeouts are seconds",
        files=["crates/api/src/config.rs", "crates/api/Cargo.toml", "Cargo.lock"],
        pr=pr_of(
            cid,
            "refactor(config): drop humantime, timeouts are seconds",
            "One dependency less: HEALER_UPSTREAM_TIMEOUT is read as an integer number of "
            "seconds now.",
        ),
        extra=ctx,
    )

    # 1b. helm --wait: the pre-upgrade migration Job panics on out-of-order migrations (rex)
    cid = "fr-n-ctx-helm-hook-rust-migration-order-panic"
    logs = _rust(
        "fr-n-rust-migrate",
        "healer-migrate",
        """struct Migration {
    version: u32,
    name: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration { version: 5, name: "add_run_attempts" },
    Migration { version: 6, name: "index_runs_by_repo" },
    Migration { version: 8, name: "drop_legacy_routes" },
    Migration { version: 7, name: "add_route_owner" },
];

fn main() {
    let current = 6;
    println!(r#"{{"level":"INFO","target":"healer_migrate","message":"schema at version {current}, {} migrations known"}}"#, MIGRATIONS.len());
    for pair in MIGRATIONS.windows(2) {
        assert!(
            pair[0].version < pair[1].version,
            "migration {} ({}) is listed after {} ({})",
            pair[1].version,
            pair[1].name,
            pair[0].version,
            pair[0].name
        );
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        println!("applying {} {}", m.version, m.name);
    }
}
""",
    )
    assert any("is listed after" in ln for ln in logs), logs
    created, first, last = clock(cid)
    jpod = f"healer-migrate-{sha(cid)[:5]}"
    p = shapes.pod(
        jpod,
        NS,
        "healer-migrate",
        "ghcr.io/5dlabs/healer-migrate:0.22.0",
        created=created,
        phase="Failed",
        terminated={"exit_code": 101, "reason": "Error", "started": first, "finished": first},
        memory_limit="128Mi",
        owner=("Job", "healer-migrate"),
    )
    p["metadata"]["ownerReferences"][0]["apiVersion"] = "batch/v1"
    p["spec"]["restartPolicy"] = "Never"
    p["status"]["containerStatuses"][0]["state"] = p["status"]["containerStatuses"][0].pop(
        "lastState"
    )
    p["status"]["containerStatuses"][0]["lastState"] = {}
    events = [
        shapes.event(
            NS,
            "Job",
            "healer-migrate",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            first=last,
            last=last,
            component="job-controller",
        ),
        shapes.event(
            NS,
            "Job",
            "healer-migrate",
            "SuccessfulCreate",
            f"Created pod: {jpod}",
            first=first,
            last=first,
            type_="Normal",
            component="job-controller",
        ),
    ]
    ci(
        cid,
        "helm upgrade --wait fails in its pre-upgrade hook (job healer-migrate "
        "BackoffLimitExceeded); the migration pod's Loki lines show the Rust assertion "
        "'migration 7 (add_route_owner) is listed after 8 (drop_legacy_routes)': the change "
        "appended migration 7 after 8 in the migrations table",
        ["context-driven", "wrapper", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="helm-staging",
        repo=REPO,
        steps=[
            *kube_setup(),
            _helm_step(
                "healer",
                "charts/healer",
                NS,
                "pre-upgrade hooks failed: 1 error occurred:\n\t* job healer-migrate failed: "
                "BackoffLimitExceeded",
            ),
        ],
        message="feat(store): route owners",
        files=["crates/migrate/src/main.rs", "crates/migrate/sql/0007_add_route_owner.sql"],
        extra={"kubernetes": {"pods": [p], "events": events}, "loki": logs},
    )

    # 1c. smoke 502 on the SSR console; Loki: ERR_IMPORT_ASSERTION_TYPE_MISSING (blaze), noisy
    at(WEB)
    cid = "fr-n-ctx-smoke-502-ssr-json-import-attribute-noisy"
    logs = _node(
        "fr-n-node-json-import",
        {
            "package.json": _pkg("console-ssr"),
            "server/routes.json": '{"/": "home", "/runs": "runs", "/agents": "agents"}\n',
            "server/index.js": """import http from "node:http";
import routes from "./routes.json";

const port = Number(process.env.PORT ?? 3000);
http
  .createServer((req, res) => {
    const page = routes[new URL(req.url, "http://x").pathname];
    res.writeHead(page ? 200 : 404).end(page ?? "not found");
  })
  .listen(port, () => console.log(`console-ssr listening on ${port}`));
""",
        },
        "server/index.js",
    )
    assert any("ERR_IMPORT_ASSERTION_TYPE_MISSING" in ln for ln in logs), logs
    out = curl_fail("fr-n-curl-502", "preview-2291.console.5dlabs.ai", "/runs", 502, "bad gateway")
    assert out.code != 0, out
    ctx = crashing(cid, "console", "console-ssr", "ghcr.io/5dlabs/console-ssr:2.4.0", 1, logs)
    npods, nevents = _noise_pods(cid)
    ctx["kubernetes"]["pods"] += npods
    ctx["kubernetes"]["events"] += nevents
    ctx["loki"] = [
        "level=warn ts=2026-11-20T03:12:44.118Z caller=client.go:419 component=client "
        'host=loki-gateway.monitoring msg="error sending batch, will retry" status=429 '
        'tenant= error="server returned HTTP status 429 Too Many Requests (429): '
        'ingestion rate limit exceeded"',
        *ctx["loki"],
    ]
    ci(
        cid,
        "the preview smoke check gets 502; console-ssr crash-loops and Loki shows Node's "
        "TypeError [ERR_IMPORT_ASSERTION_TYPE_MISSING]: server/index.js now imports "
        "routes.json without `with { type: 'json' }`; promtail's old restarts, its 429 warning, "
        "a node image-GC event, an old disk alert and a Degraded grafana app are unrelated",
        ["context-driven", "noisy", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="preview",
        job="smoke-preview",
        repo=WEB,
        steps=[failing(out, name="Smoke /runs")],
        message="feat(ssr): route table from JSON",
        files=["server/index.js", "server/routes.json"],
        pr=pr_of(cid, "feat(ssr): route table from JSON"),
        extra={
            **ctx,
            "argocd": [_grafana_degraded(cid)],
            "prometheus": _alerts(
                (
                    "NodeFilesystemAlmostOutOfSpace",
                    {
                        "instance": "k3s-worker-3",
                        "mountpoint": "/var/lib/rancher",
                        "severity": "warning",
                    },
                ),
                (
                    "KubePodCrashLooping",
                    {
                        "namespace": "console",
                        "pod": pod_name(cid, "console-ssr"),
                        "severity": "warning",
                    },
                ),
            ),
        },
    )

    # 1d. rollout stalls: Vite's outDir moved to build/client, the SSR server reads dist/ (blaze)
    cid = "fr-n-ctx-rollout-vite-outdir-moved-ssr-enoent"
    build = real.npm_script(
        "fr-n-vite-outdir",
        {
            "index.html": '<div id="app"></div><script type="module" src="/src/main.js"></script>\n',
            "src/main.js": 'document.querySelector("#app").textContent = "console";\n',
            "vite.config.js": """import { defineConfig } from "vite";

export default defineConfig({
  build: { outDir: "build/client", emptyOutDir: true },
});
""",
        },
        {"build": "vite build"},
        "build",
    )
    assert build.code == 0, build
    logs = _node(
        "fr-n-node-enoent",
        {
            "package.json": _pkg("console-ssr"),
            "server/index.js": """import { readFileSync } from "node:fs";
import http from "node:http";

const template = readFileSync(new URL("../dist/client/index.html", import.meta.url), "utf8");
const port = Number(process.env.PORT ?? 3000);
http
  .createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(template))
  .listen(port, () => console.log(`console-ssr listening on ${port}`));
""",
        },
        "server/index.js",
    )
    assert any("ENOENT" in ln for ln in logs), logs
    ro = rollout(cid, "console", "console-ssr", 2, 1, 1, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(
        cid, "console", "console-ssr", "ghcr.io/5dlabs/console-ssr:2.5.0", 1, logs, restarts=4
    )
    ci(
        cid,
        "the console-ssr rollout passes its deadline; the new pods crash with ENOENT opening "
        "/app/dist/client/index.html: the change set Vite's build.outDir to build/client (the "
        "passing build step prints build/client/index.html) while the SSR server still reads "
        "dist/client; the image build copies /app whole, so only the server notices",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="deploy-console",
        job="rollout",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            passing(build, name="Build client"),
            run(
                "docker build -t ghcr.io/5dlabs/console-ssr:2.5.0 . && docker push "
                "ghcr.io/5dlabs/console-ssr:2.5.0",
                ["2.5.0: digest: sha256:" + sha(cid + "img") + sha(cid)[:24] + " size: 1786"],
                name="Image",
            ),
            *kube_setup(),
            failing(ro, name="Wait for rollout"),
        ],
        message="build: client bundle under build/",
        files=["vite.config.js", ".gitignore"],
        extra=ctx,
    )


# ------------------------------------------------------------------ 2. the cluster decides

# console-api's daily working set in bytes over the week before the limit cut (~175Mi)
WORKING_SET = [181403648, 179830784, 183500800, 180355072, 184549376, 182452224, 181927936]


def _probe_pods(
    cid: str, ns: str, app: str, image: str, n: int, port: int, path: str, restarts: int = 0
) -> list[dict[str, Any]]:
    created, first, _ = clock(cid)
    out = []
    for i in range(n):
        p = shapes.pod(
            pod_name(cid, app, str(i)),
            ns,
            app,
            image,
            created=created,
            port=port,
            probe_path=path,
            memory_limit="512Mi",
            restarts=restarts,
            terminated={
                "exit_code": 137,
                "reason": "Error",
                "started": created,
                "finished": first,
            }
            if restarts
            else None,
        )
        out.append(p)
    return out


def cluster() -> None:
    # 2a. rollout: readiness probe moved to /health, the service answers /healthz only (bolt)
    at(PLAT)
    cid = "fr-n-ctx-rollout-readiness-probe-path-404"
    ro = rollout(cid, NS, "healer-api", 3, 1, 0)
    assert ro.code != 0, ro
    created, first, last = clock(cid)
    pods = _probe_pods(
        cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.22.1", 1, 8080, "/health"
    )
    pods += ready_pods(cid + "old", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.22.0", 3)
    events = [
        shapes.event(
            NS,
            "Pod",
            pods[0]["metadata"]["name"],
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 404",
            first=first,
            last=last,
            count=31,
        )
    ]
    ci(
        cid,
        "kubectl rollout status times out with 1 of 3 new replicas updated; the new pod "
        "runs but never turns Ready: 'Readiness probe failed: HTTP probe failed with "
        "statuscode: 404' since the chart change pointed the probe at /health while the "
        "service serves /healthz (the old pods still pass on /healthz)",
        ["context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="deploy",
        job="rollout-staging",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="chore(chart): one probe path for every service",
        files=["charts/healer/values.yaml", "charts/healer/templates/deployment.yaml"],
        extra={"kubernetes": {"pods": pods, "events": events}},
    )

    # 2b. helm --wait deadline: liveness probe on the metrics port 9090 (bolt)
    cid = "fr-n-ctx-helm-wait-liveness-probe-wrong-port"
    pods = _probe_pods(
        cid, NS, "healer-router", "ghcr.io/5dlabs/healer-router:0.22.0", 2, 9090, "/healthz", 5
    )
    _, first, last = clock(cid)
    events = []
    for p in pods:
        ip = p["status"]["podIP"]
        name = p["metadata"]["name"]
        p["spec"]["containers"][0]["livenessProbe"] = p["spec"]["containers"][0].pop(
            "readinessProbe"
        )
        p["spec"]["containers"][0]["ports"] = [
            {"containerPort": 8080, "name": "http", "protocol": "TCP"},
        ]
        p["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"] = 137
        events += [
            shapes.event(
                NS,
                "Pod",
                name,
                "Unhealthy",
                f'Liveness probe failed: Get "http://{ip}:9090/healthz": dial tcp {ip}:9090: '
                "connect: connection refused",
                first=first,
                last=last,
                count=18,
            ),
            shapes.event(
                NS,
                "Pod",
                name,
                "Killing",
                "Container healer-router failed liveness probe, will be restarted",
                first=first,
                last=last,
                count=6,
                type_="Normal",
            ),
        ]
    ci(
        cid,
        "helm upgrade --wait ends in 'context deadline exceeded'; healer-router's pods are "
        "killed every 30 s: the liveness probe now targets port 9090 (the metrics port the "
        "chart change introduced for ServiceMonitor) where nothing listens; the container "
        "serves 8080",
        ["context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm-staging",
        repo=PLAT,
        steps=[
            *kube_setup(),
            _helm_step("healer", "charts/healer", NS, "context deadline exceeded"),
        ],
        message="feat(chart): scrape router metrics on 9090",
        files=["charts/healer/values.yaml", "charts/healer/templates/router.yaml"],
        extra={"kubernetes": {"pods": pods, "events": events}},
    )

    # 2c. e2e 503: OOMKilled after the chart cut the limit to 128Mi; noisy (bolt)
    at(WEB)
    cid = "fr-n-ctx-e2e-503-oomkilled-limit-cut-noisy"
    with real.serve((503, "upstream connect error or disconnect/reset before headers")) as port:
        e2e = real.node_run(
            "fr-n-e2e-503",
            {
                "package.json": _pkg("console-e2e"),
                "e2e/agents.test.js": f"""import {{ test }} from "node:test";
import assert from "node:assert/strict";

const BASE = process.env.E2E_BASE ?? "http://127.0.0.1:{port}";

test("agents page loads", async () => {{
  const res = await fetch(`${{BASE}}/agents`);
  assert.equal(res.status, 200, `GET /agents -> ${{res.status}}: ${{await res.text()}}`);
}});
""",
            },
            "--test",
            shown="node --test e2e/",
            hosts={f"http://127.0.0.1:{port}": "https://staging.console.5dlabs.ai"},
        )
    assert e2e.code != 0, e2e
    e2e = _pin_dur(e2e)
    created, first, last = clock(cid)
    pods = []
    for i in range(2):
        p = shapes.pod(
            pod_name(cid, "console-api", str(i)),
            "console",
            "console-api",
            "ghcr.io/5dlabs/console-api:2.4.0",
            created=created,
            waiting=("CrashLoopBackOff", "back-off 2m40s restarting failed container=console-api"),
            restarts=7,
            port=3000,
            memory_limit="128Mi",
            terminated={
                "exit_code": 137,
                "reason": "OOMKilled",
                "started": first,
                "finished": last,
            },
        )
        pods.append(p)
    npods, nevents = _noise_pods(cid)
    q = 'max(container_memory_working_set_bytes{namespace="console",container="console-api"})'
    prom = {
        q + "[7d:1d]": [
            {
                "metric": {},
                "values": [
                    [TS - 86400 * d, str(v)]
                    for d, v in zip(range(7, 0, -1), WORKING_SET, strict=True)
                ],
            }
        ],
        **_alerts(
            (
                "KubeContainerOOMKilled",
                {"namespace": "console", "container": "console-api", "severity": "warning"},
            ),
            (
                "NodeFilesystemAlmostOutOfSpace",
                {
                    "instance": "k3s-worker-3",
                    "mountpoint": "/var/lib/rancher",
                    "severity": "warning",
                },
            ),
        ),
    }
    ci(
        cid,
        "the e2e agents page gets 503 from staging; console-api's pods are OOMKilled (exit 137) "
        "and crash-looping under a 128Mi limit the change set (from 512Mi) while the working "
        "set has been a steady ~175Mi for a week; promtail's restarts, an image-GC warning "
        "and a disk alert are unrelated",
        ["context-driven", "noisy", "resource-kill", "misleading-name"],
        "bolt",
        "helm",
        workflow="e2e",
        job="e2e-staging",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(e2e, name="E2E against staging")],
        message="chore(chart): right-size console-api limits",
        files=["deploy/console/values-staging.yaml"],
        pr=pr_of(
            cid,
            "chore(chart): right-size console-api limits",
            "Requests and limits from the cost report: console-api gets 128Mi.",
        ),
        extra={
            "kubernetes": {
                "pods": pods + npods,
                "events": [
                    *[
                        shapes.event(
                            "console",
                            "Pod",
                            p["metadata"]["name"],
                            "BackOff",
                            "Back-off restarting failed container console-api in pod "
                            f"{p['metadata']['name']}_console",
                            first=first,
                            last=last,
                            count=29,
                        )
                        for p in pods
                    ],
                    *nevents,
                ],
            },
            "prometheus": prom,
        },
    )

    # 2d. kubectl wait: CreateContainerConfigError, the ConfigMap key was renamed (bolt)
    at(PLAT)
    cid = "fr-n-ctx-wait-configmap-key-renamed"
    wt = wait_available(cid, NS, "healer-worker")
    assert wt.code != 0, wt
    created, first, last = clock(cid)
    pods, events = [], []
    for i in range(2):
        name = pod_name(cid, "healer-worker", str(i))
        msg = f"couldn't find key LOG_LEVEL in ConfigMap {NS}/healer-config"
        pods.append(
            shapes.pod(
                name,
                NS,
                "healer-worker",
                "ghcr.io/5dlabs/healer-worker:0.22.0",
                created=created,
                waiting=("CreateContainerConfigError", msg),
                phase="Pending",
                memory_limit="256Mi",
            )
        )
        events.append(
            shapes.event(
                NS, "Pod", name, "Failed", f"Error: {msg}", first=first, last=last, count=22
            )
        )
    ci(
        cid,
        "kubectl wait for Available runs out; healer-worker's pods are stuck in "
        "CreateContainerConfigError: 'couldn't find key LOG_LEVEL in ConfigMap "
        "healer/healer-config' after the change renamed the ConfigMap's keys to lower case "
        "while the Deployment's configMapKeyRef still names LOG_LEVEL",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="verify",
        repo=PLAT,
        steps=[*kube_setup(), failing(wt, name="Wait for healer-worker")],
        message="chore(config): consistent key names in healer-config",
        files=["apps/healer/base/configmap.yaml"],
        extra={"kubernetes": {"pods": pods, "events": events}},
    )

    # 2e. vitest e2e expects a new endpoint, gets 404 from old pods: image tag typo (bolt)
    at(WEB)
    cid = "fr-n-ctx-vitest-e2e-404-image-tag-typo"
    with real.serve((404, '{"error":"not found"}', "application/json")) as port:
        out = real.vitest(
            "fr-n-vitest-404",
            {
                "e2e/health.test.js": f"""import {{ expect, test }} from "vitest";

const BASE = process.env.E2E_BASE ?? "http://127.0.0.1:{port}";

test("agent health endpoint answers", async () => {{
  const res = await fetch(`${{BASE}}/api/agents/health`);
  expect(res.status).toBe(200);
}});
"""
            },
        )
    out = real.Out(
        out.command,
        [ln.replace(f"127.0.0.1:{port}", "staging.console.5dlabs.ai") for ln in out.lines],
        out.code,
    )
    assert out.code != 0, out
    created, first, last = clock(cid)
    bad = "ghcr.io/5dlabs/console-api:2.5.O"
    name = pod_name(cid, "console-api", "new")
    pods = [
        shapes.pod(
            name,
            "console",
            "console-api",
            bad,
            created=created,
            waiting=("ImagePullBackOff", f'Back-off pulling image "{bad}"'),
            phase="Pending",
            port=3000,
            memory_limit="512Mi",
        ),
        *ready_pods(cid, "console", "console-api", "ghcr.io/5dlabs/console-api:2.4.0", 2, 3000),
    ]
    events = [
        shapes.event(
            "console",
            "Pod",
            name,
            "Failed",
            f'Failed to pull image "{bad}": rpc error: code = NotFound desc = failed to pull and '
            f'unpack image "{bad}": failed to resolve reference "{bad}": {bad}: not found',
            first=first,
            last=last,
            count=5,
        ),
        shapes.event(
            "console",
            "Pod",
            name,
            "BackOff",
            f'Back-off pulling image "{bad}"',
            first=first,
            last=last,
            count=41,
            type_="Normal",
        ),
    ]
    ci(
        cid,
        "the e2e test of the new agent health endpoint gets 404: the old console-api pods "
        "still serve because the new pod cannot pull 'console-api:2.5.O' (a letter O in the "
        "tag the change wrote into the overlay): ImagePullBackOff, not found; the endpoint "
        "code is fine",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="e2e",
        job="e2e-staging",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="E2E")],
        message="release: console-api 2.5.0",
        files=["deploy/overlays/staging/kustomization.yaml", "CHANGELOG.md"],
        extra={"kubernetes": {"pods": pods, "events": events}},
    )


def _old_pods(cid: str, app: str, image: str, n: int = 3, ns: str = NS) -> list[dict[str, Any]]:
    return ready_pods(cid + "old", ns, app, image, n)


def cluster2() -> None:
    # 2f. helm --wait: the StatefulSet's claim asks for storage class gp3, k3s has local-path (bolt)
    at(PLAT)
    cid = "fr-n-ctx-helm-wait-pvc-pending-storageclass-gp3"
    created, first, last = clock(cid)
    name = "healer-queue-0"
    p = shapes.pod(
        name,
        NS,
        "healer-queue",
        "docker.io/library/nats:2.10.22-alpine",
        created=created,
        phase="Pending",
        scheduled=False,
        pending_message="0/3 nodes are available: pod has unbound immediate "
        "PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not "
        "helpful for scheduling.",
        memory_limit="512Mi",
        owner=("StatefulSet", "healer-queue"),
    )
    events = [
        shapes.event(
            NS,
            "PersistentVolumeClaim",
            "data-healer-queue-0",
            "ProvisioningFailed",
            'storageclass.storage.k8s.io "gp3" not found',
            first=first,
            last=last,
            count=17,
            component="persistentvolume-controller",
        ),
        shapes.event(
            NS,
            "Pod",
            name,
            "FailedScheduling",
            "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
            "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            first=first,
            last=last,
            count=6,
            component="default-scheduler",
        ),
    ]
    ci(
        cid,
        "helm upgrade --wait times out; the new healer-queue StatefulSet's pod is Pending on an "
        "unbound claim and the PVC event says storageclass 'gp3' not found: the chart change "
        "copied the volumeClaimTemplate from the EKS values into the k3s staging values",
        ["context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm-staging",
        repo=PLAT,
        steps=[
            *kube_setup(),
            _helm_step("healer", "charts/healer", NS, "timed out waiting for the condition"),
        ],
        message="feat(chart): JetStream queue for routed events",
        files=["charts/healer/templates/queue.yaml", "charts/healer/values-staging.yaml"],
        extra={"kubernetes": {"pods": [p], "events": events}},
    )

    # 2g. version check sees the old version; Argo CD sync failed: maxSurge 0 and
    #     maxUnavailable 0 (bolt)
    cid = "fr-n-ctx-version-check-argocd-strategy-invalid"
    with real.serve(
        (200, '{"service":"healer-api","version":"0.21.4"}', "application/json")
    ) as port:
        out = real.node_run(
            "fr-n-version-check",
            {
                "package.json": _pkg("deploy-checks"),
                "scripts/check-version.mjs": f"""import assert from "node:assert/strict";

const base = process.env.STAGING_URL ?? "http://127.0.0.1:{port}";
const want = process.env.EXPECTED_VERSION ?? "0.22.0";
const res = await fetch(`${{base}}/version`);
const body = await res.json();
console.log(`staging reports ${{body.service}} ${{body.version}}`);
assert.equal(body.version, want, `staging runs ${{body.version}}, expected ${{want}}`);
""",
            },
            "scripts/check-version.mjs",
            hosts={f"http://127.0.0.1:{port}": "https://staging-api.5dlabs.ai"},
        )
    assert out.code != 0, out
    rev = sha(cid)
    msg = (
        'one or more objects failed to apply, reason: Deployment.apps "healer-api" is invalid: '
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, "
        'IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'
    )
    argo = _argo(
        "healer-staging",
        NS,
        "apps/healer/overlays/staging",
        rev,
        "OutOfSync",
        "Healthy",
        phase="Failed",
        op_message=msg,
        resources=[
            {
                "group": "apps",
                "version": "v1",
                "kind": "Deployment",
                "namespace": NS,
                "name": "healer-api",
                "status": "OutOfSync",
                "health": {"status": "Healthy"},
                "message": msg.split("reason: ", 1)[1],
                "syncPhase": "Sync",
            }
        ],
        conditions=[
            {
                "type": "SyncError",
                "message": f"Failed sync attempt to {rev}: one or more objects failed to apply "
                "(retried 5 times).",
                "lastTransitionTime": "2026-11-02T12:00:04Z",
            }
        ],
    )
    ci(
        cid,
        "the post-deploy version check finds staging still on 0.21.4; Argo CD's last sync of "
        "healer-staging failed: the Deployment is invalid because the change set both maxSurge "
        "and maxUnavailable to 0 in the rolling-update strategy",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="release",
        job="verify-staging",
        repo=PLAT,
        steps=[
            *node_setup(),
            failing(out, name="Check deployed version", env={"EXPECTED_VERSION": "0.22.0"}),
        ],
        message="chore(healer): never drop below full capacity during rollouts",
        files=["apps/healer/overlays/staging/deployment-patch.yaml"],
        extra={"argocd": [argo]},
    )

    # 2h. rollout deadline: surge pods forbidden by the namespace ResourceQuota (bolt)
    cid = "fr-n-ctx-rollout-resourcequota-exceeded"
    ro = rollout(cid, NS, "healer-router", 3, 0, 3, deadline=True)
    assert ro.code != 0, ro
    created, first, last = clock(cid)
    rs = f"healer-router-{sha(cid)[:9]}"
    events = [
        shapes.event(
            NS,
            "ReplicaSet",
            rs,
            "FailedCreate",
            f'Error creating: pods "{rs}-{sha(cid + "q")[:5]}" is forbidden: exceeded quota: '
            "healer-quota, requested: limits.memory=2Gi, used: limits.memory=6Gi, limited: "
            "limits.memory=7Gi",
            first=first,
            last=last,
            count=19,
            component="replicaset-controller",
        )
    ]
    ci(
        cid,
        "rollout status hits the progress deadline with no new replica; the new ReplicaSet "
        "cannot create pods: exceeded quota healer-quota (each router pod now asks for a 2Gi "
        "memory limit, 6Gi of 7Gi already used by the old pods); the old pods are healthy",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout-staging",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="chore(router): more memory headroom",
        files=["apps/healer/overlays/staging/router-resources.yaml"],
        extra={
            "kubernetes": {
                "pods": _old_pods(cid, "healer-router", "ghcr.io/5dlabs/healer-router:0.21.4"),
                "events": events,
            }
        },
    )

    # 2i. helm hook Job fails with StartError: the chart runs /app/migrate, the image ships
    #     /usr/local/bin/healer-migrate (bolt)
    cid = "fr-n-ctx-helm-hook-starterror-command-path"
    created, first, last = clock(cid)
    jpod = f"healer-migrate-{sha(cid)[:5]}"
    startmsg = (
        "failed to create containerd task: failed to create shim task: OCI runtime create "
        "failed: runc create failed: unable to start container process: error during container "
        'init: exec: "/app/migrate": stat /app/migrate: no such file or directory: unknown'
    )
    p = shapes.pod(
        jpod,
        NS,
        "healer-migrate",
        "ghcr.io/5dlabs/healer-migrate:0.22.0",
        created=created,
        phase="Failed",
        terminated={
            "exit_code": 128,
            "reason": "StartError",
            "started": "1970-01-01T00:00:00Z",
            "finished": first,
            "message": startmsg,
        },
        memory_limit="128Mi",
        owner=("Job", "healer-migrate"),
    )
    p["metadata"]["ownerReferences"][0]["apiVersion"] = "batch/v1"
    p["spec"]["restartPolicy"] = "Never"
    p["spec"]["containers"][0]["command"] = ["/app/migrate", "up"]
    cs = p["status"]["containerStatuses"][0]
    cs["state"], cs["lastState"] = cs.pop("lastState"), {}
    events = [
        shapes.event(NS, "Pod", jpod, "Failed", f"Error: {startmsg}", first=first, last=first),
        shapes.event(
            NS,
            "Job",
            "healer-migrate",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            first=last,
            last=last,
            component="job-controller",
        ),
    ]
    ci(
        cid,
        "helm upgrade fails in its pre-upgrade hook (job healer-migrate BackoffLimitExceeded); "
        "the hook pod never ran any code: StartError, exec '/app/migrate' not found: the chart's "
        "new hook template sets command /app/migrate while the image installs "
        "/usr/local/bin/healer-migrate",
        ["context-driven", "wrapper", "misleading-name"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm-staging",
        repo=PLAT,
        steps=[
            *kube_setup(),
            _helm_step(
                "healer",
                "charts/healer",
                NS,
                "pre-upgrade hooks failed: 1 error occurred:\n\t* job healer-migrate failed: "
                "BackoffLimitExceeded",
            ),
        ],
        message="feat(chart): run migrations as a pre-upgrade hook",
        files=["charts/healer/templates/migrate-job.yaml"],
        extra={"kubernetes": {"pods": [p], "events": events}},
    )

    # 2j. rollout: Kyverno blocks the image for a critical CVE in the openssl crate (cipher)
    at(REPO)
    cid = "fr-n-ctx-rollout-kyverno-critical-cve-openssl"
    ro = rollout(cid, NS, "healer-api", 3, 0, 3, deadline=True)
    assert ro.code != 0, ro
    created, first, last = clock(cid)
    rs = f"healer-api-{sha(cid)[:9]}"
    img = "ghcr.io/5dlabs/healer-api:0.22.0"
    deny = (
        'Error creating: admission webhook "mutate.kyverno.svc-fail" denied the request: \n\n'
        f"resource Pod/{NS}/{rs}-{sha(cid + 'k')[:5]} was blocked due to the following policies \n\n"
        "check-image-vulnerabilities:\n"
        f"  deny-critical-cves: 'image {img}: vulnerability attestation lists CRITICAL "
        "findings: CVE-2025-24898 (crate openssl 0.10.68, fixed in 0.10.70)'"
    )
    events = [
        shapes.event(
            NS,
            "ReplicaSet",
            rs,
            "FailedCreate",
            deny,
            first=first,
            last=last,
            count=12,
            component="replicaset-controller",
        )
    ]
    ci(
        cid,
        "rollout status passes the progress deadline with no new pod: Kyverno's "
        "check-image-vulnerabilities policy denies the new image because its vulnerability "
        "attestation lists CVE-2025-24898 in the openssl crate 0.10.68, which the change pinned "
        "in Cargo.lock; the fix is the dependency upgrade",
        ["context-driven", "misleading-name", "security"],
        "cipher",
        "vulnerable_dependency",
        workflow="deploy",
        job="rollout-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="fix(build): pin openssl to 0.10.68 for the musl build",
        files=["Cargo.lock"],
        extra={
            "kubernetes": {
                "pods": _old_pods(cid, "healer-api", "ghcr.io/5dlabs/healer-api:0.21.4"),
                "events": events,
            }
        },
    )


# ------------------------------------------------------------------ 3. flakes, workflow, noise


def mixed() -> None:
    # 3a. vitest e2e times out against healthy staging; the change is a footer (atlas)
    at(WEB)
    cid = "fr-n-ctx-vitest-e2e-timeout-healthy-staging-old-alert"
    with silent_server() as port:
        out = real.vitest(
            "fr-n-vitest-timeout",
            {
                "e2e/runs.test.js": f"""import {{ expect, test }} from "vitest";

const BASE = process.env.E2E_BASE ?? "http://127.0.0.1:{port}";

test("runs API lists the latest runs", async () => {{
  const res = await fetch(`${{BASE}}/api/runs?limit=5`, {{ signal: AbortSignal.timeout(9000) }});
  expect(res.status).toBe(200);
}});
"""
            },
        )
    assert out.code != 0 and any("timed out" in ln for ln in out.lines), out
    # the general "9ms" pin also caught the 5000 ms timeout; put the real figures back
    out = real.Out(
        out.command,
        [
            ln.replace("Test timed out in 9ms.", "Test timed out in 5000ms.")
            .replace("the latest runs 9ms", "the latest runs 5002ms")
            .replace("1 failed) 9ms", "1 failed) 5002ms")
            .replace("tests 2.31s", "tests 5.00s")
            for ln in out.lines
        ],
        out.code,
    )
    pods = ready_pods(cid, "console", "console-api", "ghcr.io/5dlabs/console-api:2.4.0", 3, 3000)
    ci(
        cid,
        "the e2e runs test times out after vitest's 5 s against shared staging; console-api's "
        "pods are Ready with normal events, the 5xx and p99 series are flat, the only firing "
        "alert is a three-day-old backup CronJob failure in another namespace, and the change "
        "edits the footer (staging does not even run it): a network stall",
        ["context-driven", "flaky-infra", "noisy", "misleading-name"],
        "atlas",
        "general",
        workflow="e2e",
        job="e2e-staging",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="E2E against staging")],
        message="feat(ui): version in the footer",
        files=["src/components/Footer.jsx", "src/components/Footer.css"],
        extra={
            "kubernetes": {
                "pods": pods,
                "events": normal_events(cid, "console", "console-api", 3),
            },
            "prometheus": {
                'sum(rate(http_requests_total{app="console-api",code=~"5.."}[5m]))': [
                    {"metric": {}, "value": [TS, "0"]}
                ],
                'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{app="console-api"}[5m])))': [
                    {"metric": {}, "value": [TS, "0.12"]}
                ],
                **_alerts(
                    (
                        "KubeJobFailed",
                        {
                            "namespace": "backup",
                            "job_name": "velero-daily-29401200",
                            "severity": "warning",
                        },
                    )
                ),
            },
        },
    )

    # 3b. the workflow's new environment name has no KUBE_CONFIG: kubectl falls back to
    #     localhost:8080 (atlas)
    at(PLAT)
    cid = "fr-n-ctx-deploy-environment-renamed-empty-kubeconfig"
    path = real.scratch(
        "fr-n-empty-kubeconfig",
        {
            "deploy/overlays/production/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "deploy/overlays/production/deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: healer-api
  namespace: healer
spec:
  replicas: 3
  selector:
    matchLabels: {app.kubernetes.io/name: healer-api}
  template:
    metadata:
      labels: {app.kubernetes.io/name: healer-api}
    spec:
      containers:
        - name: healer-api
          image: ghcr.io/5dlabs/healer-api:0.22.0
""",
            "kubeconfig": "",
        },
    )
    lines, code = real.run(
        ["kubectl", "apply", "-k", "deploy/overlays/production"],
        path,
        env={"KUBECONFIG": str(path / "kubeconfig")},
    )
    assert code != 0 and any("localhost:8080" in ln for ln in lines), lines
    ci(
        cid,
        "kubectl apply to production fails with 'connection to the server localhost:8080 was "
        "refused': the Write kubeconfig step got an empty KUBE_CONFIG because the change "
        "renamed the job's environment from production to prod, and the secret lives only in "
        "the production environment; no cluster was ever reached",
        ["context-driven", "platform", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="deploy-production",
        repo=PLAT,
        steps=[
            uses(
                "azure/setup-kubectl@v4",
                {"version": "v1.32.4"},
                ["Downloading kubectl version v1.32.4", "kubectl version v1.32.4 installed"],
            ),
            run(
                'mkdir -p ~/.kube && echo "$KUBE_CONFIG" | base64 -d > ~/.kube/config',
                [],
                env={"KUBE_CONFIG": ""},
                name="Write kubeconfig",
            ),
            failing(
                real.Out("kubectl apply -k deploy/overlays/production", lines, code), name="Apply"
            ),
        ],
        message="ci(deploy): shorter environment names",
        files=[".github/workflows/deploy.yml"],
        pr=pr_of(
            cid,
            "ci(deploy): shorter environment names",
            "Renames the deploy job's environment `production` -> `prod` to match the dashboards.",
        ),
    )

    # 3c. smoke 503: the Python token-refresher sidecar crash-loops on a KeyError (atlas)
    cid = "fr-n-ctx-smoke-503-python-sidecar-keyerror"
    py = real.sh(
        "fr-n-py-sidecar",
        {
            "token.json": '{"access_token": "***", "token_type": "Bearer", "expires_at": 1764324000}\n',
            "refresh.py": """import json
import os
import time


def read_token(path):
    with open(path) as f:
        return json.load(f)


def main():
    path = os.environ.get("TOKEN_FILE", "token.json")
    print(f"token-refresher: watching {path}", flush=True)
    token = read_token(path)
    ttl = int(token["expires_in"])
    print(f"token-refresher: next refresh in {ttl - 60}s", flush=True)
    time.sleep(ttl - 60)


if __name__ == "__main__":
    main()
""",
        },
        "python3 refresh.py",
        "python3 /app/refresh.py",
    )
    assert py.code != 0 and any("KeyError" in ln for ln in py.lines), py
    logs = [ln for ln in _in(py.lines, "/app") if ln.strip()]
    out = curl_fail(
        "fr-n-curl-503-sidecar", "staging-api.5dlabs.ai", "/healthz", 503, "no healthy upstream"
    )
    assert out.code != 0, out
    created, first, last = clock(cid)
    pods = []
    for i in range(2):
        p = shapes.pod(
            pod_name(cid, "healer-api", str(i)),
            NS,
            "healer-api",
            "ghcr.io/5dlabs/healer-api:0.22.0",
            created=created,
            port=8080,
            memory_limit="512Mi",
        )
        p["status"]["containerStatuses"][0]["ready"] = True
        p["status"]["containerStatuses"][0]["started"] = True
        p["spec"]["containers"].append(
            {"name": "token-refresher", "image": "ghcr.io/5dlabs/token-refresher:1.3.0"}
        )
        p["status"]["conditions"][2]["message"] = (
            "containers with unready status: [token-refresher]"
        )
        p["status"]["conditions"][3]["message"] = (
            "containers with unready status: [token-refresher]"
        )
        p["status"]["containerStatuses"].append(
            {
                "name": "token-refresher",
                "image": "ghcr.io/5dlabs/token-refresher:1.3.0",
                "imageID": "ghcr.io/5dlabs/token-refresher@sha256:"
                + sha(cid + "tr")
                + sha(cid)[:24],
                "containerID": "containerd://" + sha(cid + str(i)) + sha(cid)[:24],
                "ready": False,
                "started": False,
                "restartCount": 6,
                "state": {
                    "waiting": {
                        "reason": "CrashLoopBackOff",
                        "message": "back-off 5m0s restarting failed container=token-refresher",
                    }
                },
                "lastState": {
                    "terminated": {
                        "exitCode": 1,
                        "reason": "Error",
                        "startedAt": first,
                        "finishedAt": first,
                        "containerID": "containerd://" + sha(cid + "t" + str(i)) + sha(cid)[:24],
                    }
                },
            }
        )
        pods.append(p)
    ci(
        cid,
        "the staging smoke check gets 503 (no healthy upstream); healer-api's pods are not "
        "Ready because their Python token-refresher sidecar crash-loops, and Loki shows its "
        "traceback: KeyError 'expires_in' (the identity provider's token file carries "
        "expires_at); Python sidecar code, no specialist",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="post-deploy",
        job="smoke",
        repo=PLAT,
        steps=[failing(out, name="Smoke /healthz")],
        message="feat(sidecar): refresh tokens a minute before they expire",
        files=["sidecars/token-refresher/refresh.py"],
        extra={
            "kubernetes": {
                "pods": pods,
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        p["metadata"]["name"],
                        "BackOff",
                        "Back-off restarting failed container token-refresher in pod "
                        f"{p['metadata']['name']}_{NS}",
                        first=first,
                        last=last,
                        count=26,
                    )
                    for p in pods
                ],
            },
            "loki": logs,
        },
    )

    # 3d. rollout deadline; noisy bundle; the one relevant line: chunk size must be non-zero (rex)
    at(REPO)
    cid = "fr-n-ctx-rollout-rust-chunks-zero-noisy"
    logs = _rust(
        "fr-n-rust-chunks",
        "healer-dispatch",
        """fn main() {
    let workers: usize = std::env::var("DISPATCH_WORKERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    // a quarter of the workers per batch
    let batch = workers / 4;
    eprintln!(r#"{{"level":"INFO","target":"healer_dispatch","message":"dispatching with {workers} workers, batch {batch}"}}"#);
    let pending: Vec<u32> = (1..=10).collect();
    for chunk in pending.chunks(batch) {
        println!("dispatch {:?}", chunk);
    }
}
""",
        env={"DISPATCH_WORKERS": "2"},
    )
    assert any("chunk size must be non-zero" in ln for ln in logs), logs
    ro = rollout(cid, NS, "healer-dispatch", 2, 1, 1, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(cid, NS, "healer-dispatch", "ghcr.io/5dlabs/healer-dispatch:0.22.0", 101, logs)
    _set_env(ctx["kubernetes"]["pods"][0], {"DISPATCH_WORKERS": "2"})
    npods, nevents = _noise_pods(cid)
    ctx["kubernetes"]["pods"] += npods
    ctx["kubernetes"]["events"] += nevents
    ctx["loki"] = [
        '{"level":"WARN","target":"healer_router::github","message":"secondary rate limit, '
        'retrying in 60s","installation":41872}',
        "level=warn ts=2026-11-20T03:12:44.118Z caller=client.go:419 component=client "
        'host=loki-gateway.monitoring msg="error sending batch, will retry" status=429',
        *ctx["loki"],
    ]
    ci(
        cid,
        "rollout status passes its deadline; among a router rate-limit warning, promtail's "
        "429s and restarts, a node image-GC event, a Degraded grafana app and a CPU-throttling "
        "alert in another namespace, the relevant item is healer-dispatch's Rust panic "
        "'chunk size must be non-zero': the change sizes batches as workers / 4, zero for "
        "staging's 2 workers",
        ["context-driven", "noisy", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="perf(dispatch): batch by a quarter of the workers",
        files=["crates/dispatch/src/batch.rs"],
        extra={
            **ctx,
            "argocd": [_grafana_degraded(cid)],
            "prometheus": _alerts(
                (
                    "CPUThrottlingHigh",
                    {"namespace": "monitoring", "container": "grafana", "severity": "info"},
                )
            ),
        },
    )

    # 3e. canary gate false: 5xx ratio 0.31; Loki: Rust FromUtf8Error unwrap in a header (rex)
    cid = "fr-n-ctx-canary-gate-rust-from-utf8-header"
    logs = _rust(
        "fr-n-rust-utf8",
        "healer-gateway",
        """fn delivery_label(raw: &[u8]) -> String {
    // X-GitHub-Hook-Installation-Target-Type, lower-cased for the metric label
    String::from_utf8(raw.to_vec()).unwrap().to_lowercase()
}

fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_gateway","message":"accepting webhooks on 0.0.0.0:8080"}}"#);
    for raw in [&b"Repository"[..], &b"Org\\xffanization"[..]] {
        println!("{}", delivery_label(raw));
    }
}
""",
    )
    assert any("FromUtf8Error" in ln for ln in logs), logs
    prom = {
        "status": "success",
        "data": {"resultType": "vector", "result": [{"metric": {}, "value": [TS, "0.31"]}]},
    }
    with real.serve((200, json.dumps(prom), "application/json")) as port:
        gate = real.sh(
            "fr-n-canary-gate",
            {},
            f"curl -fsS 'http://127.0.0.1:{port}/api/v1/query' --data-urlencode 'query=x' | "
            "jq -e '.data.result[0].value[1] | tonumber < 0.02'",
            "curl -fsS http://prometheus.monitoring:9090/api/v1/query --data-urlencode "
            "\"query=$GATE_QUERY\" \\\n  | jq -e '.data.result[0].value[1] | tonumber < 0.02'",
        )
    assert gate.code == 1, gate
    q = (
        'sum(rate(http_requests_total{app="healer-gateway",track="canary",code=~"5.."}[5m])) '
        '/ sum(rate(http_requests_total{app="healer-gateway",track="canary"}[5m]))'
    )
    ctx = crashing(
        cid,
        NS,
        "healer-gateway",
        "ghcr.io/5dlabs/healer-gateway:0.22.0-canary",
        101,
        logs,
        restarts=3,
    )
    ci(
        cid,
        "the canary gate's jq check prints false (5xx ratio 0.31); the canary pod restarts and "
        "Loki shows healer-gateway's Rust panic unwrapping a FromUtf8Error in "
        "delivery_label(): a header value with a non-UTF-8 byte kills the process",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="progressive-delivery",
        job="canary-analysis",
        repo=REPO,
        steps=[failing(gate, name="Canary 5xx below 2%", env={"GATE_QUERY": q})],
        message="feat(gateway): label deliveries by installation target type",
        files=["crates/gateway/src/labels.rs"],
        extra={
            **ctx,
            "prometheus": {
                q: [{"metric": {}, "value": [TS, "0.31"]}],
                **_alerts(
                    (
                        "KubePodCrashLooping",
                        {
                            "namespace": NS,
                            "pod": pod_name(cid, "healer-gateway"),
                            "severity": "warning",
                        },
                    )
                ),
            },
        },
    )


# ------------------------------------------------------------------ 4. healthy context, the log decides


def _healthy_argo(cid: str, name: str, path: str) -> dict[str, Any]:
    return _argo(name, NS, path, sha(cid + "argo"), "Synced", "Healthy")


def healthy() -> None:
    # 4a. kubectl apply -k: kustomize finds no HPA for the overlay's patch; cluster fine (bolt)
    at(PLAT)
    cid = "fr-n-log-apply-kustomize-patch-no-hpa-healthy"
    base = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: healer-api
spec:
  replicas: 3
  selector:
    matchLabels: {app.kubernetes.io/name: healer-api}
  template:
    metadata:
      labels: {app.kubernetes.io/name: healer-api}
    spec:
      containers:
        - name: healer-api
          image: ghcr.io/5dlabs/healer-api:0.22.0
"""
    out = real.kubectl(
        "fr-n-kustomize-nohpa",
        {
            "apps/healer/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "apps/healer/base/deployment.yaml": base,
            "apps/healer/overlays/staging/kustomization.yaml": """namespace: healer
resources:
  - ../../base
patches:
  - path: hpa-patch.yaml
""",
            "apps/healer/overlays/staging/hpa-patch.yaml": """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: healer-api
spec:
  minReplicas: 2
  maxReplicas: 6
""",
        },
        ["apply", "-k", "apps/healer/overlays/staging", "--server-side"],
        "kubectl apply -k apps/healer/overlays/staging --server-side",
    )
    assert out.code != 0 and any("no matches for Id" in ln for ln in out.lines), out
    ci(
        cid,
        "the deploy step's kubectl apply -k fails in kustomize before reaching the cluster: "
        "the staging overlay patches a HorizontalPodAutoscaler healer-api that no base "
        "declares (the change added the patch but not the HPA); pods are Ready and Argo CD "
        "is Synced/Healthy on the previous revision",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="apply-staging",
        repo=PLAT,
        steps=[*kube_setup(), failing(out, name="Apply")],
        message="feat(healer): autoscale the API on staging",
        files=[
            "apps/healer/overlays/staging/kustomization.yaml",
            "apps/healer/overlays/staging/hpa-patch.yaml",
        ],
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.21.4", 3),
                "events": normal_events(cid, NS, "healer-api", 3),
            },
            "argocd": [_healthy_argo(cid, "healer-staging", "apps/healer/overlays/staging")],
        },
    )

    # 4b. preview e2e: the page title assertion fails after the change renamed the title (blaze)
    at(WEB)
    cid = "fr-n-log-e2e-title-assertion-preview-healthy"
    html = "<!doctype html><html><head><title>Runs · 5D Labs</title></head><body></body></html>"
    with real.serve((200, html, "text/html; charset=utf-8")) as port:
        e2e = real.node_run(
            "fr-n-e2e-title",
            {
                "package.json": _pkg("console-e2e"),
                "e2e/title.test.js": f"""import {{ test }} from "node:test";
import assert from "node:assert/strict";

const BASE = process.env.PREVIEW_URL ?? "http://127.0.0.1:{port}";

test("runs page has the product title", async () => {{
  const html = await (await fetch(`${{BASE}}/runs`)).text();
  const title = html.match(/<title>(.*?)<\\/title>/)?.[1];
  assert.match(title, /^Runs · Healer Console$/);
}});
""",
            },
            "--test",
            shown="node --test e2e/",
            hosts={f"http://127.0.0.1:{port}": "https://preview-2317.console.5dlabs.ai"},
        )
    assert e2e.code != 0, e2e
    e2e = _pin_dur(e2e)
    ci(
        cid,
        "the preview e2e test asserts the runs page title 'Runs · Healer Console' and gets "
        "'Runs · 5D Labs': the change renamed the product in the page titles and did not "
        "update the e2e expectation; the preview pods are Ready and Argo CD is Healthy",
        ["misleading-name"],
        "blaze",
        "frontend_test",
        workflow="preview",
        job="e2e-preview",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(e2e, name="E2E against preview")],
        message="feat(brand): 5D Labs in page titles",
        files=["src/app/title.js", "index.html"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    cid,
                    "preview-2317",
                    "console-web",
                    "ghcr.io/5dlabs/console-web:pr-2317",
                    1,
                    3000,
                ),
                "events": normal_events(cid, "preview-2317", "console-web", 1),
            },
            "argocd": [_healthy_argo(cid, "console-preview-2317", "deploy/preview")],
        },
    )

    # 4c. cargo run -p smoke: the smoke binary does not compile (E0308); cluster fine (rex)
    at(REPO)
    cid = "fr-n-log-cargo-run-smoke-e0308-healthy"
    out = real.cargo(
        "fr-n-smoke-e0308",
        {
            "Cargo.toml": real.cargo_toml("smoke"),
            "src/main.rs": """use std::time::Duration;

fn timeout() -> Duration {
    let secs: u64 = std::env::var("SMOKE_TIMEOUT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    secs
}

fn main() {
    let target = std::env::args().nth(1).expect("usage: smoke <url>");
    println!("smoke: {target} within {:?}", timeout());
}
""",
        },
        ["run", "--release", "--", "https://staging-api.5dlabs.ai"],
        "cargo run -p smoke --release -- https://staging-api.5dlabs.ai",
    )
    assert out.code != 0 and any("E0308" in ln for ln in out.lines), out
    ci(
        cid,
        "the post-deploy smoke step runs `cargo run -p smoke` and rustc rejects the smoke "
        "binary: E0308, timeout() returns the u64 `secs` where a Duration is expected; the "
        "deployment itself is Ready and Synced",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="post-deploy",
        job="smoke",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Smoke")],
        message="feat(smoke): configurable timeout",
        files=["crates/smoke/src/main.rs"],
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.22.0", 3),
                "events": normal_events(cid, NS, "healer-api", 3),
            },
            "argocd": [_healthy_argo(cid, "healer-staging", "apps/healer/overlays/staging")],
        },
    )


# ------------------------------------------------------------------ 5. wrappers


def wrappers() -> None:
    # 5a. BuildKit RUN npm run build: Vite cannot resolve a renamed module (blaze)
    at(WEB)
    out = real.vite_build(
        "fr-n-bk-vite",
        {
            "src/main.js": 'import { listRuns } from "./lib/runs-api.js";\n\nlistRuns().then(console.log);\n',
            "src/lib/runs.js": "export const listRuns = async () => [];\n",
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
        "RUN npm run build\n"
        "\n"
        "FROM nginx:1.27-alpine\n"
        "COPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit("fr-n-bk-vite", dockerfile)
    bk.metadata()
    err = bk.run_until(6, inner, 1)
    assert err
    ci(
        "fr-n-wrap-buildkit-run-vite-unresolved-import",
        "the console image build fails at 'RUN npm run build': Vite/Rollup cannot resolve "
        "./lib/runs-api.js imported by src/main.js (the change renamed the module to "
        "runs.js); a frontend build error inside Docker",
        ["wrapper", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="images",
        job="docker",
        repo=WEB,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:sha-" + sha("n5a")[:7]),
        ],
        message="refactor(api): one module per resource",
        files=["src/lib/runs.js", "src/main.js"],
    )

    # 5b. make test-integration: a cargo integration test fails (rex)
    at(REPO)
    out = real.sh(
        "fr-n-make-cargo-test",
        {
            "Makefile": "test-integration:\n\tcargo test --test routing -- --test-threads=1\n",
            "Cargo.toml": real.cargo_toml("healer-router"),
            "src/lib.rs": """pub fn owner(path: &str) -> &'static str {
    if path.ends_with(".rs") || path.ends_with("Cargo.toml") {
        "rex"
    } else if path.starts_with(".github/") {
        "atlas"
    } else if path.ends_with(".yaml") {
        "bolt"
    } else {
        "atlas"
    }
}
""",
            "tests/routing.rs": """use healer_router::owner;

#[test]
fn chart_values_go_to_bolt() {
    assert_eq!(owner("charts/healer/values.yaml"), "bolt");
}

#[test]
fn workflow_files_go_to_atlas() {
    assert_eq!(owner(".github/workflows/ci.yaml"), "atlas");
}

#[test]
fn yml_manifests_go_to_bolt() {
    assert_eq!(owner("deploy/staging/ingress.yml"), "bolt");
}
""",
        },
        "make test-integration",
        "make test-integration",
        env={"CARGO_NET_OFFLINE": "true"},
    )
    assert out.code != 0 and any("yml_manifests_go_to_bolt" in ln for ln in out.lines), out
    ci(
        "fr-n-wrap-make-test-integration-cargo-test-yml",
        "make test-integration fails because its cargo integration test fails: "
        "owner('deploy/staging/ingress.yml') returns 'atlas', the matcher only knows the "
        ".yaml extension",
        ["wrapper", "obvious"],
        "rex",
        "rust_test",
        workflow="ci",
        job="integration",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Integration tests")],
        message="feat(router): manifests go to bolt",
        files=["crates/router/src/lib.rs", "crates/router/tests/routing.rs"],
    )

    # 5c. npm run smoke: tsc compiles the smoke script first and fails TS2322 (blaze)
    at(WEB)
    out = real.sh(
        "fr-n-npm-smoke-tsc",
        {
            "package.json": _pkg("console", {"smoke": "tsc -p smoke && node smoke/dist/run.js"}),
            "smoke/tsconfig.json": json.dumps(
                {
                    "compilerOptions": {
                        "strict": True,
                        "target": "ES2022",
                        "module": "NodeNext",
                        "moduleResolution": "NodeNext",
                        "outDir": "dist",
                        "types": [],
                    },
                    "include": ["run.ts"],
                },
                indent=2,
            ),
            "smoke/run.ts": """declare const process: { env: Record<string, string | undefined> };

const base: string = process.env.SMOKE_URL ?? "https://staging.console.5dlabs.ai";
const timeoutMs: number = process.env.SMOKE_TIMEOUT_MS ?? "5000";

export async function smoke(): Promise<void> {
  const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`healthz ${res.status}`);
}
""",
        },
        "npm run smoke",
        "npm run smoke",
        node_modules=True,
    )
    assert out.code != 0 and any("TS2322" in ln for ln in out.lines), out
    ci(
        "fr-n-wrap-npm-run-smoke-tsc-ts2322",
        "npm run smoke never reaches staging: its first half, `tsc -p smoke`, fails with "
        "TS2322 (the SMOKE_TIMEOUT_MS string default assigned to a number); a TypeScript "
        "error in the smoke script, not a deployment problem",
        ["wrapper", "misleading-name"],
        "blaze",
        "frontend_typecheck",
        workflow="post-deploy",
        job="smoke-staging",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Smoke staging")],
        message="feat(smoke): configurable timeout",
        files=["smoke/run.ts"],
    )

    # 5d. just render: kubectl kustomize cannot parse a resource (bolt)
    at(PLAT)
    out = real.sh(
        "fr-n-just-kustomize",
        {
            "justfile": "render env:\n    kubectl kustomize apps/healer/overlays/{{env}} > /dev/null\n",
            "apps/healer/overlays/staging/kustomization.yaml": "namespace: healer\nresources:\n  - ingress.yaml\n",
            "apps/healer/overlays/staging/ingress.yaml": """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: healer-api
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  rules:
    - host: staging-api.5dlabs.ai
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: healer-api
                port: number: 8080
""",
        },
        "just render staging",
        "just render staging",
        env={"KUBECONFIG": "/dev/null"},
    )
    assert out.code != 0, out
    ci(
        "fr-n-wrap-just-render-kustomize-yaml-mapping",
        "just render staging fails because kubectl kustomize cannot parse the overlay's new "
        "ingress.yaml: `port: number: 8080` on one line is not valid YAML",
        ["wrapper", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="manifests",
        job="render",
        repo=PLAT,
        steps=[
            uses("extractions/setup-just@v2", None, ["just 1.59.0 installed"]),
            *kube_setup()[:1],
            failing(out, name="Render staging"),
        ],
        message="feat(healer): staging ingress",
        files=[
            "apps/healer/overlays/staging/ingress.yaml",
            "apps/healer/overlays/staging/kustomization.yaml",
        ],
    )


def wrappers2() -> None:
    # 5e. helm test --logs: the Rust smoke test pod panics parsing the port out of its URL (rex)
    at(PLAT)
    cid = "fr-n-wrap-helm-test-rust-smoke-port-parse"
    logs = _rust(
        "fr-n-helm-test-rust",
        "healer-smoke",
        """fn port_of(url: &str) -> u16 {
    // "http://host:port" -> port
    url.rsplit(':').next().unwrap().parse().unwrap()
}

fn main() {
    let url = std::env::var("HEALER_URL").unwrap_or_else(|_| "http://healer-api:8080".into());
    println!("smoke: target {url}");
    let port = port_of(&url);
    println!("smoke: probing port {port}");
}
""",
        env={"HEALER_URL": "http://healer-api.healer.svc:8080/api"},
    )
    assert any("InvalidDigit" in ln for ln in logs), logs
    began = gha.start_of(cid)

    def helm_time(seconds: int) -> str:
        return (began + timedelta(seconds=seconds)).strftime("%a %b %d %H:%M:%S %Y")

    helm_lines = [
        "NAME: healer",
        f"LAST DEPLOYED: {helm_time(21)}",
        "NAMESPACE: healer",
        "STATUS: deployed",
        "REVISION: 44",
        "TEST SUITE:     healer-smoke",
        f"Last Started:   {helm_time(27)}",
        f"Last Completed: {helm_time(29)}",
        "Phase:          Failed",
        "",
        "POD LOGS: healer-smoke",
        *logs,
        "Error: 1 error occurred:",
        "\t* pod healer-smoke failed",
        "",
    ]
    ci(
        cid,
        "helm test reports the healer-smoke test pod failed; its logs show the Rust smoke "
        "binary's own panic: port_of() takes everything after the last ':' of "
        "'http://healer-api.healer.svc:8080/api' and unwraps ParseIntError; the release "
        "itself deployed",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_test",
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
        message="feat(smoke): report the probed port",
        files=["crates/smoke/src/main.rs"],
    )

    # 5f. BuildKit RUN cargo clippy -D warnings: manual_range_contains (rex)
    at(REPO)
    path = real.crate(
        "fr-n-bk-clippy",
        {
            "Cargo.toml": real.cargo_toml("healer-gateway"),
            "src/main.rs": """fn retryable(status: u16) -> bool {
    status >= 500 && status < 600
}

fn main() {
    for s in [200, 502, 404] {
        println!("{s} retryable={}", retryable(s));
    }
}
""",
        },
    )
    lines, code = real.run(
        ["cargo", "clippy", "--release", "--", "-D", "warnings"],
        path,
        env={"CARGO_NET_OFFLINE": "true"},
    )
    assert code != 0 and any("manual_range_contains" in ln for ln in lines), lines
    inner = [ln for ln in _in(lines, "/src") if ln.strip()]
    dockerfile = (
        "FROM rust:1.95-bookworm AS build\n"
        "WORKDIR /src\n"
        "COPY . .\n"
        "RUN cargo clippy --release -- -D warnings\n"
        "RUN cargo build --release\n"
        "\n"
        "FROM gcr.io/distroless/cc-debian12\n"
        "COPY --from=build /src/target/release/healer-gateway /usr/local/bin/\n"
        'ENTRYPOINT ["/usr/local/bin/healer-gateway"]\n'
    )
    bk = shapes.BuildKit("fr-n-bk-clippy", dockerfile)
    bk.metadata()
    err = bk.run_until(4, inner, 101)
    assert err
    ci(
        "fr-n-wrap-buildkit-run-clippy-manual-range-contains",
        "the gateway image build fails at 'RUN cargo clippy --release -- -D warnings': clippy's "
        "manual_range_contains on `status >= 500 && status < 600` is denied; a Rust lint "
        "inside Docker",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_clippy",
        workflow="images",
        job="build-gateway-image",
        repo=REPO,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/healer-gateway:sha-" + sha("n5f")[:7]),
        ],
        message="feat(gateway): retry 5xx deliveries",
        files=["crates/gateway/src/main.rs"],
    )

    # 5g. npm run lint in a frontend job: its hadolint half rejects MAINTAINER (bolt)
    at(WEB)
    out = real.sh(
        "fr-n-npm-hadolint",
        {
            "package.json": _pkg(
                "console", {"lint": "eslint src && hadolint --no-color Dockerfile"}
            ),
            "eslint.config.js": real.ESLINT_CONFIG.format(rules="{}"),
            "src/main.js": 'export const title = "console";\n',
            "Dockerfile": (
                "FROM node:20.20-bookworm-slim\n"
                "MAINTAINER platform@5dlabs.ai\n"
                "WORKDIR /app\n"
                "COPY dist/ ./dist/\n"
                'CMD ["node", "dist/server.js"]\n'
            ),
        },
        "npm run lint",
        "npm run lint",
        node_modules=True,
    )
    assert out.code != 0 and any("DL4000" in ln for ln in out.lines), out
    ci(
        "fr-n-wrap-npm-run-lint-hadolint-maintainer",
        "npm run lint in the frontend job: ESLint passes silently, then its hadolint half "
        "fails the step with DL4000 (MAINTAINER is deprecated) on the Dockerfile the change "
        "touched; a Dockerfile finding behind an npm script",
        ["wrapper", "misleading-name"],
        "bolt",
        "docker_build",
        workflow="console-ci",
        job="frontend-lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Lint")],
        message="chore(image): record the owning team",
        files=["Dockerfile"],
    )

    # 5h. make smoke: curl 503; Argo CD: the overlay's Ingress is networking.k8s.io/v1beta1 (bolt)
    at(PLAT)
    cid = "fr-n-wrap-make-smoke-503-argocd-ingress-v1beta1"
    with real.serve((503, "no healthy upstream")) as port:
        out = real.sh(
            "fr-n-make-smoke",
            {
                "Makefile": "STAGING ?= https://staging-api.5dlabs.ai\n\nsmoke:\n\tcurl -fsS --retry 2 --retry-delay 1 $(STAGING)/v1/healthz\n"
            },
            f"make smoke STAGING=http://127.0.0.1:{port}",
            "make smoke",
            hosts={f"http://127.0.0.1:{port}": "https://staging-api.5dlabs.ai"},
        )
    out = real.Out(
        out.command,
        [
            ln.replace("make smoke STAGING=https://staging-api.5dlabs.ai", "make smoke")
            for ln in out.lines
        ],
        out.code,
    )
    assert out.code != 0 and any("503" in ln for ln in out.lines), out
    rev = sha(cid)
    res_msg = (
        'The Kubernetes API could not find version "v1beta1" of networking.k8s.io/Ingress for '
        'requested resource healer/healer-api-v1. Version "v1" of networking.k8s.io/Ingress is '
        "installed on the destination cluster."
    )
    argo = _argo(
        "healer-staging",
        NS,
        "apps/healer/overlays/staging",
        rev,
        "OutOfSync",
        "Missing",
        phase="Failed",
        op_message="one or more synchronization tasks are not valid",
        resources=[
            {
                "group": "networking.k8s.io",
                "version": "v1beta1",
                "kind": "Ingress",
                "namespace": NS,
                "name": "healer-api-v1",
                "status": "OutOfSync",
                "health": {"status": "Missing"},
                "message": res_msg,
                "syncPhase": "Sync",
            }
        ],
        conditions=[
            {
                "type": "SyncError",
                "message": f"Failed sync attempt to {rev}: one or more synchronization tasks "
                "are not valid (retried 5 times).",
                "lastTransitionTime": "2026-11-02T12:00:04Z",
            }
        ],
    )
    ci(
        cid,
        "make smoke's curl gets 503 on the new /v1 route; Argo CD's sync of healer-staging "
        "failed: the change added an Ingress for /v1 as networking.k8s.io/v1beta1, which the "
        "cluster no longer serves, so the route was never created",
        ["wrapper", "context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="post-deploy",
        job="smoke",
        repo=PLAT,
        steps=[failing(out, name="Smoke")],
        message="feat(healer): route /v1 to the API",
        files=["apps/healer/overlays/staging/ingress-v1.yaml"],
        extra={"argocd": [argo]},
    )


def more() -> None:
    # 6a. Node TypeError in Loki, but the cause is the chart dropping ALLOWED_ORIGINS (bolt)
    at(PLAT)
    cid = "fr-n-ctx-wait-node-typeerror-env-removed-by-chart"
    logs = _node(
        "fr-n-node-origins",
        {
            "package.json": _pkg("console-api"),
            "server/cors.js": """const origins = process.env.ALLOWED_ORIGINS.split(",").map((o) => o.trim());
console.log(JSON.stringify({ level: "info", msg: "cors origins", origins }));
""",
        },
        "server/cors.js",
    )
    assert any("reading 'split'" in ln for ln in logs), logs
    wt = wait_available(cid, "console", "console-api")
    assert wt.code != 0, wt
    ctx = crashing(
        cid, "console", "console-api", "ghcr.io/5dlabs/console-api:2.4.0", 1, logs, port=3000
    )
    _set_env(ctx["kubernetes"]["pods"][0], {"NODE_ENV": "production", "PORT": "3000"})
    ci(
        cid,
        "kubectl wait runs out; console-api crash-loops and Loki shows a Node TypeError "
        "reading 'split' of undefined ALLOWED_ORIGINS; the app and image are unchanged "
        "(2.4.0): the change moved the env block into a shared values file and dropped "
        "ALLOWED_ORIGINS, as the pod spec shows",
        ["context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="deploy",
        job="verify-console",
        repo=PLAT,
        steps=[*kube_setup(), failing(wt, name="Wait for console-api")],
        message="chore(console): share env between api and ssr",
        files=["deploy/console/values.yaml", "deploy/console/values-common.yaml"],
        extra=ctx,
    )

    # 6b. rollout status: 401 Unauthorized; the deploy token expired, the cluster is fine (atlas)
    cid = "fr-n-ctx-rollout-unauthorized-expired-token-healthy"
    status = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Unauthorized",
        "reason": "Unauthorized",
        "code": 401,
    }
    with real.serve((401, json.dumps(status), "application/json")) as port:
        path = real.scratch("fr-n-kubectl-401")
        lines, code = real.run(
            [
                "kubectl",
                f"--server=http://127.0.0.1:{port}",
                "rollout",
                "status",
                "deployment/healer-api",
                "-n",
                NS,
                "--timeout=5m",
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
            hosts={f"http://127.0.0.1:{port}": "https://k3s.5dlabs.ai:6443"},
        )
    assert code != 0 and any("must be logged in" in ln for ln in lines), lines
    ci(
        cid,
        "kubectl rollout status fails at once: every discovery request is answered 401 ('the "
        "server has asked for the client to provide credentials', 'You must be logged in to "
        "the server'): the deploy ServiceAccount token in KUBE_CONFIG has expired; the "
        "pods are Ready and Argo CD is Synced/Healthy, so nothing in the cluster or the "
        "change explains it",
        ["context-driven", "platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="deploy",
        job="rollout-staging",
        repo=PLAT,
        steps=[
            *kube_setup(),
            failing(
                real.Out(
                    f"kubectl -n {NS} rollout status deployment/healer-api --timeout=5m",
                    lines,
                    code,
                ),
                name="Wait for rollout",
            ),
        ],
        message="docs(healer): staging rollback runbook",
        files=["docs/runbooks/staging-rollback.md"],
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.22.0", 3),
                "events": normal_events(cid, NS, "healer-api", 3),
            },
            "argocd": [_healthy_argo(cid, "healer-staging", "apps/healer/overlays/staging")],
        },
    )


@contextmanager
def _api_with_patch(answer: Any) -> Iterator[int]:
    """``real.serve`` with PATCH answered too (``kubectl drain`` cordons with a PATCH)."""

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

        do_GET = do_POST = do_PATCH = _go

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


def drain() -> None:
    # 7a. kubectl drain blocked: the chart's new PDB asks for minAvailable 3 of 3 replicas (bolt)
    at(PLAT)
    cid = "fr-n-ctx-drain-blocked-pdb-min-available-all"
    node = "k3s-worker-2"
    pods = ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.22.0", 1)
    victim = pods[0]["metadata"]["name"]
    c = "application/json"

    def group(name: str) -> dict[str, Any]:
        gv = f"{name}/v1"
        return {
            "name": name,
            "versions": [{"groupVersion": gv, "version": "v1"}],
            "preferredVersion": {"groupVersion": gv, "version": "v1"},
        }

    def answer(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        path = req.path.partition("?")[0]
        if path == "/version":
            return 200, json.dumps({"major": "1", "minor": "31", "gitVersion": "v1.31.4+k3s1"}), c
        if path == "/api":
            return 200, json.dumps({"kind": "APIVersions", "versions": ["v1"]}), c
        if path == "/apis":
            return (
                200,
                json.dumps(
                    {
                        "kind": "APIGroupList",
                        "apiVersion": "v1",
                        "groups": [group("apps"), group("policy")],
                    }
                ),
                c,
            )
        if path == "/api/v1":
            res = [
                {
                    "name": "nodes",
                    "singularName": "node",
                    "namespaced": False,
                    "kind": "Node",
                    "verbs": ["get", "list", "patch", "watch"],
                    "shortNames": ["no"],
                },
                {
                    "name": "pods",
                    "singularName": "pod",
                    "namespaced": True,
                    "kind": "Pod",
                    "verbs": ["get", "list", "delete", "watch"],
                    "shortNames": ["po"],
                },
                {
                    "name": "pods/eviction",
                    "singularName": "",
                    "namespaced": True,
                    "group": "policy",
                    "version": "v1",
                    "kind": "Eviction",
                    "verbs": ["create"],
                },
            ]
            return (
                200,
                json.dumps({"kind": "APIResourceList", "groupVersion": "v1", "resources": res}),
                c,
            )
        if path in ("/apis/apps/v1", "/apis/policy/v1"):
            return (
                200,
                json.dumps({"kind": "APIResourceList", "groupVersion": path[6:], "resources": []}),
                c,
            )
        if path == f"/api/v1/nodes/{node}":
            obj = {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": node, "uid": sha(node)[:8], "resourceVersion": "4711"},
                "spec": {"unschedulable": True} if req.command == "PATCH" else {},
            }
            return 200, json.dumps(obj), c
        if path == "/api/v1/pods":
            return (
                200,
                json.dumps(
                    {
                        "kind": "PodList",
                        "apiVersion": "v1",
                        "metadata": {"resourceVersion": "4711"},
                        "items": pods,
                    }
                ),
                c,
            )
        if path.endswith("/eviction"):
            status = {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": "Cannot evict pod as it would violate the pod's disruption budget.",
                "reason": "TooManyRequests",
                "details": {
                    "causes": [
                        {
                            "reason": "DisruptionBudget",
                            "message": "The disruption budget healer-api needs 3 healthy pods and has 3 currently",
                        }
                    ]
                },
                "code": 429,
            }
            return 429, json.dumps(status), c
        return (
            404,
            json.dumps(
                {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "status": "Failure",
                    "reason": "NotFound",
                    "code": 404,
                }
            ),
            c,
        )

    path = real.scratch("fr-n-kubectl-drain")
    with _api_with_patch(answer) as port:
        lines, code = real.run(
            [
                "kubectl",
                f"--server=http://127.0.0.1:{port}",
                "drain",
                node,
                "--ignore-daemonsets",
                "--delete-emptydir-data",
                "--timeout=12s",
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
            timeout=60,
        )
    assert code != 0 and any("disruption budget" in ln for ln in lines), lines
    # the workflow waits ten minutes; the run here gave up after 12 s (three eviction attempts)
    lines = [
        ln.replace("global timeout reached: 12s", "global timeout reached: 10m0s") for ln in lines
    ]
    assert victim in "\n".join(lines)
    ci(
        cid,
        "kubectl drain of k3s-worker-2 for the k3s upgrade never evicts healer-api: 'Cannot "
        "evict pod as it would violate the pod's disruption budget' until the global timeout; "
        "the chart change added a PodDisruptionBudget with minAvailable: 3 for a Deployment "
        "of 3 replicas, so no pod may ever be evicted",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="cluster-maintenance",
        job="drain-worker-2",
        repo=PLAT,
        steps=[
            *kube_setup(),
            failing(
                real.Out(
                    f"kubectl drain {node} --ignore-daemonsets --delete-emptydir-data --timeout=10m",
                    lines,
                    code,
                ),
                name="Drain",
            ),
        ],
        message="feat(chart): keep healer-api fully available during disruptions",
        files=["charts/healer/templates/pdb.yaml", "charts/healer/values.yaml"],
        pr=pr_of(
            cid,
            "feat(chart): keep healer-api fully available during disruptions",
            "Adds a PodDisruptionBudget with `minAvailable: {{ .Values.replicaCount }}` so "
            "voluntary disruptions never take an API pod away.",
        ),
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.22.0", 3),
                "events": normal_events(cid, NS, "healer-api", 3),
            }
        },
    )


B14_NODE_PKGS = ["@playwright/test@1.65.1"]


def ensure_b14_tools() -> None:
    """Playwright's test runner, pinned, in work/b14-node (installed once; no browser is
    downloaded or launched: the tests use only the ``request`` fixture)."""
    where = real.WORK / "b14-node"
    marker = where / ".pinned"
    if marker.exists() and marker.read_text() == " ".join(B14_NODE_PKGS):
        return
    where.mkdir(parents=True, exist_ok=True)
    (where / "package.json").write_text('{"name": "b14", "private": true}\n')
    _, code = real.run(["npm", "install", "--no-audit", "--no-fund", *B14_NODE_PKGS], where)
    assert code == 0
    marker.write_text(" ".join(B14_NODE_PKGS))


def playwright() -> None:
    # 8a. Playwright e2e against the preview gets 503; Loki: the SSR server's
    #     ReferenceError: localStorage is not defined (blaze)
    ensure_b14_tools()
    at(WEB)
    cid = "fr-n-ctx-playwright-503-ssr-localstorage"
    logs = _node(
        "fr-n-node-localstorage",
        {
            "package.json": _pkg("console-ssr"),
            "server/theme.js": """export const theme = localStorage.getItem("console-theme") ?? "dark";
""",
            "server/index.js": """import http from "node:http";
import { theme } from "./theme.js";

const port = Number(process.env.PORT ?? 3000);
http
  .createServer((_req, res) => res.writeHead(200).end(`<html data-theme="${theme}"></html>`))
  .listen(port, () => console.log(`console-ssr listening on ${port}`));
""",
        },
        "server/index.js",
    )
    assert any("localStorage is not defined" in ln for ln in logs), logs
    path = real.scratch(
        "fr-n-playwright-503",
        {
            "package.json": json.dumps(
                {"name": "console-e2e", "private": True, "type": "module"}, indent=2
            )
            + "\n",
            "playwright.config.js": """import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "e2e",
  timeout: 15000,
  retries: 0,
  use: { baseURL: process.env.PREVIEW_URL },
});
""",
            "e2e/runs.spec.js": """import { expect, test } from "@playwright/test";

test("runs page renders", async ({ request }) => {
  const res = await request.get("/runs");
  expect(res.status()).toBe(200);
});
""",
        },
    )
    (path / "node_modules").symlink_to(real.WORK / "b14-node" / "node_modules")
    host = "https://preview-2344.console.5dlabs.ai"
    with real.serve((503, "no healthy upstream")) as port:
        lines, code = real.run(
            ["npx", "playwright", "test"],
            path,
            env={"PREVIEW_URL": f"http://127.0.0.1:{port}"},
            hosts={f"http://127.0.0.1:{port}": host},
            timeout=120,
        )
    lines = [
        ln.replace(str(real.WORK / "b14-node" / "node_modules"), real.RUNNER + "/node_modules")
        for ln in lines
    ]
    assert code != 0 and any("Received: 503" in ln for ln in lines), lines
    ctx = crashing(
        cid, "preview-2344", "console-ssr", "ghcr.io/5dlabs/console-ssr:pr-2344", 1, logs, port=3000
    )
    ci(
        cid,
        "the Playwright e2e against the preview gets 503 on /runs; the preview's console-ssr "
        "pod crash-loops and Loki shows Node's ReferenceError: localStorage is not defined, "
        "thrown at import by server/theme.js, which the change added to the server bundle",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="preview",
        job="playwright",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(
                real.Out("npx playwright test", lines, code),
                name="Playwright",
                env={"PREVIEW_URL": host},
            ),
        ],
        message="feat(ui): remember the theme",
        files=["server/theme.js", "server/index.js"],
        pr=pr_of(cid, "feat(ui): remember the theme"),
        extra=ctx,
    )


def build() -> None:
    import os

    only = os.environ.get("N14_ONLY", "").split()
    sections = (
        crashes,
        cluster,
        cluster2,
        mixed,
        healthy,
        wrappers,
        wrappers2,
        more,
        drain,
        playwright,
    )
    for section in sections:
        if not only or section.__name__ in only:
            section()
