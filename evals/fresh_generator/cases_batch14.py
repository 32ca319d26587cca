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

import json
import re
from datetime import timedelta
from typing import Any

import gha
import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, passing, pr_of, rust_setup, sha
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


def _node(key: str, files: dict[str, str], entry: str, env: dict[str, str] | None = None) -> list[str]:
    out = real.node_run(key, files, entry, env=env)
    assert out.code != 0, out
    return [ln for ln in _in(out.lines, "/app") if ln.strip()]


def _alerts(*series: tuple[str, dict[str, str]]) -> dict[str, Any]:
    """Prometheus's ``ALERTS{alertstate="firing"}`` vector."""
    return {
        'ALERTS{alertstate="firing"}': [
            {
                "metric": {"__name__": "ALERTS", "alertname": name, "alertstate": "firing", **labels},
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
    return run(cmd, lines, 1, name="Deploy", seconds=300)


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
    jpod = pod_name(cid, "healer-migrate", "j")[:-6] + sha(cid)[:5]
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
        ["context-driven", "misleading-name"],
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
        'level=warn ts=2026-11-20T03:12:44.118Z caller=client.go:419 component=client '
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
                    {"instance": "k3s-worker-3", "mountpoint": "/var/lib/rancher", "severity": "warning"},
                ),
                ("KubePodCrashLooping", {"namespace": "console", "pod": pod_name(cid, "console-ssr"), "severity": "warning"}),
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
    ctx = crashing(cid, "console", "console-ssr", "ghcr.io/5dlabs/console-ssr:2.5.0", 1, logs, restarts=4)
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


def build() -> None:
    crashes()
