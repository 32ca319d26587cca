"""Batch 63 of the fresh split (ids ``fr-zzk-``): production incidents known from Loki and
Prometheus.

Almost every case is an alert-triggered remediation: the Argo Events sensor body names a firing
Prometheus alert (``KubePodCrashLooping``, ``HighErrorRate``, ``KubePodNotReady``,
``HighRequestLatency``, ``KubeContainerOOMKilled``), not a job, and there is no job log. The
workload's own Loki lines and the Prometheus series decide the owner:

- code (rex, blaze): Rust panics printed plainly (``thread 'main' panicked at``), through a
  panic hook in tracing's JSON layout and in logfmt, a Rust deadlock seen only as an in-flight
  counter that climbs while the completed counter stays flat, Rust and Node memory climbing
  steadily before an OOMKill, Node crashes with stacks (one source-mapped back to TypeScript),
  a Node pool leak that never releases its clients, a Rust write sent to the read replica;
- causes outside the code (atlas): DNS failures while CoreDNS is down, a Postgres connection
  pool exhausted by another service, an expired certificate on a partner's API, a database
  failover, a node NotReady;
- the deployment's own configuration (bolt): a ConfigMap key the overlay renamed, a Redis host
  mistyped in the ConfigMap, a listen address moved to loopback, a memory limit cut below the
  steady working set, an Ingress pointed at a TLS secret holding an expired certificate.

Real programs print the Loki lines (cargo/rustc 1.95 binaries, node 20 with esbuild's source
maps and an https server with an expired certificate made here); alerts, series and events
are written in the Prometheus and Kubernetes API shapes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import real
import shapes
from cases_batch25 import _HOOK_JSON, _HOOK_LOGFMT, _rust_logged
from cases_batch35 import TS, crashloop, ev, k8s_ctx, prom_alert, running_pod, series, tracing
from cases_batch38 import MI, info_lines, mem_series, node_crash
from cases_batch55 import alert_sensor, img, rust_loki
from fcommon import sha
from helpers import clock, pod_name

PFX = "fr-zzk-"
OPS = "5dlabs/platform-gitops"
HEALER = "5dlabs/healer"
LEDGER = "5dlabs/ledger"
CONSOLE = "5dlabs/console"
NOTIFY = "5dlabs/notify"
TID = re.compile(r"thread '([^']+)' \(\d+\)")


def build() -> None:
    rust_panics()
    node_crashes()
    stuck_and_pools()
    memory()
    outside()
    config()


# ------------------------------------------------------------------ shared


def fire(
    n: int,
    description: str,
    tags: list[str],
    agent: str,
    failure_type: str,
    alert: str,
    message: str,
    files: list[str],
    extra: dict[str, Any],
    repo: str,
) -> None:
    alert_sensor(
        f"{PFX}{n:03d}",
        description,
        tags,
        agent,
        failure_type,
        alert,
        message,
        files,
        extra,
        repo=repo,
    )


def rate(ns: str, app: str, values: list[float], status: str = "5..") -> dict[str, Any]:
    q = (
        f'sum by (service) (rate(http_requests_total{{namespace="{ns}",service="{app}",'
        f'status=~"{status}"}}[5m]))'
    )
    return {q: [series({"service": app}, values)]}


def _node_logged(key: str, files: dict[str, str], entry: str, args: list[str]) -> list[str]:
    """Run a node 20 program (exit code not checked); its paths shown under /app."""
    path = real.scratch(key, {"package.json": '{"type":"module"}', **files})
    lines, _code = real.run(["node", *args, entry], path, timeout=60)
    return [ln.replace(real.RUNNER, "/app").replace(str(path), "/app") for ln in lines if ln]


def _rs_run(key: str, src: str, package: str) -> list[str]:
    """Build and run a std-only Rust binary; what it printed, whatever its exit code."""
    path = real.crate(key, {"Cargo.toml": real.cargo_toml(package), "src/main.rs": src})
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, _code = real.run([str(path / "target" / "release" / package)], path)
    return [TID.sub(r"thread '\1' (1)", ln.replace(real.RUNNER, "/app")) for ln in lines if ln]


# ------------------------------------------------------------------ 1. Rust panics

RUST_PLAIN = r"""
use std::collections::HashMap;

fn tariff(zones: &HashMap<String, u32>, zone: &str) -> u32 {
    *zones.get(zone).expect("tariff zone missing from the rate table")
}

fn main() {
    println!("{}", r#"{"level":"INFO","target":"healer_api","fields":{"message":"loading tariffs","zones":3}}"#);
    let zones: HashMap<String, u32> =
        [("eu-west".to_string(), 12), ("us-east".to_string(), 9), ("ap-south".to_string(), 14)]
            .into_iter()
            .collect();
    println!("{}", tariff(&zones, "eu-central"));
}
"""

RUST_JSON = r"""
fn percentile(sorted: &[u64], p: f64) -> u64 {
    let idx = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[idx]
}

fn main() {
    install_panic_hook("ledger_api::reports");
    info("ledger_api::reports", "building settlement report");
    let latencies = vec![12, 19, 23, 31, 47];
    println!("{}", percentile(&latencies, 1.0));
}
"""

RUST_LOGFMT = r"""
fn split_batch(ids: &[u64], size: usize) -> Vec<Vec<u64>> {
    ids.chunks(size).map(|c| c.to_vec()).collect()
}

fn main() {
    install_panic_hook("notify_worker::dispatch");
    info("notify_worker::dispatch", "dispatcher started");
    let size: usize = std::env::var("NOTIFY_BATCH_SIZE").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let ids: Vec<u64> = (1..=40).collect();
    println!("{}", split_batch(&ids, size).len());
}
"""

RUST_LOGFMT_CFG = r"""
fn main() {
    install_panic_hook("notify_worker::config");
    info("notify_worker::config", "reading settings from environment");
    let url = std::env::var("NOTIFY_QUEUE_URL").expect("NOTIFY_QUEUE_URL must be set");
    println!("{url}");
}
"""


def rust_panics() -> None:
    # 001 rex, obvious: a plain Rust panic at start-up, the change edits the tariff table
    real.RUNNER = "/home/runner/work/healer/healer"
    n = 1
    ns, app = "healer", "healer-api"
    loki = rust_loki(f"{PFX}001-rs", RUST_PLAIN, "healer-api")
    assert any("tariff zone missing" in ln for ln in loki), loki
    cid = f"{PFX}{n:03d}"
    p = crashloop(cid, ns, app, img(cid), exit_code=101)
    fire(
        n,
        "the sensor reports KubePodCrashLooping for healer-api; the pod exits 101 and Loki "
        'holds "thread \'main\' panicked at crates/healer-api/src/main.rs" with "tariff zone '
        'missing from the rate table": the deployed commit renamed the eu-central zone in '
        "the Rust tariff table",
        ["obvious"],
        "rex",
        "rust_test",
        "KubePodCrashLooping",
        "refactor(tariffs): regional zone names",
        ["crates/healer-api/src/main.rs", "crates/healer-api/src/tariffs.rs"],
        {
            **k8s_ctx([p], [], loki=loki),
            "prometheus": prom_alert(
                "KubePodCrashLooping",
                {"namespace": ns, "pod": p["metadata"]["name"], "container": app},
            ),
        },
        HEALER,
    )

    # 002 rex: HighErrorRate; the panic is inside a tracing JSON line (an index past the end)
    n = 2
    cid = f"{PFX}{n:03d}"
    ns, app = "ledger", "ledger-api"
    panic = _rust_logged(cid + "-rs", "ledger-api", _HOOK_JSON, RUST_JSON)
    assert any("index out of bounds" in ln for ln in panic), panic
    panic = [
        ln.replace("src/main.rs", "crates/ledger-api/src/reports/percentile.rs") for ln in panic
    ]
    fire(
        n,
        "the sensor reports HighErrorRate for ledger-api (5xx at 31% on /v1/reports); the pods "
        "are Ready and never restarted; Loki has tracing JSON lines with panic.payload 'index "
        "out of bounds: the len is 5 but the index is 5' in the report percentile code the "
        "deployed commit rewrote (a p100 request indexes one past the end)",
        ["context-driven", "look-alike"],
        "rex",
        "rust_test",
        "HighErrorRate",
        "feat(reports): p100 column in settlement reports",
        ["crates/ledger-api/src/reports/percentile.rs"],
        {
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid, "ledger"), salt=str(i)) for i in range(3)],
                [],
                loki=[*info_lines(cid), *panic],
            ),
            "prometheus": {
                **prom_alert("HighErrorRate", {"namespace": ns, "service": app}),
                **rate(ns, app, [0, 0, 0.4, 3.1, 3.3, 3.2]),
            },
        },
        LEDGER,
    )

    # 003 rex: logfmt panic: chunks(0) after the code's default of 0 for an unset batch size
    n = 3
    cid = f"{PFX}{n:03d}"
    ns, app = "notify", "notify-worker"
    panic = _rust_logged(cid + "-rs", "notify-worker", _HOOK_LOGFMT, RUST_LOGFMT)
    assert any("chunk size must be non-zero" in ln for ln in panic), panic
    panic = [ln.replace("src/main.rs", "crates/notify-worker/src/dispatch.rs") for ln in panic]
    p = crashloop(cid, ns, app, img(cid, "notify-worker"), exit_code=101)
    fire(
        n,
        "the sensor reports KubePodCrashLooping for notify-worker; exit 101 and a logfmt line "
        "'level=error ... panic.payload=\"chunk size must be non-zero\"' from dispatch.rs: the "
        "deployed commit made the batch size default to 0 when NOTIFY_BATCH_SIZE is unset, "
        "which the manifests have never set",
        ["context-driven", "look-alike"],
        "rex",
        "rust_test",
        "KubePodCrashLooping",
        "refactor(dispatch): batch size from the environment",
        ["crates/notify-worker/src/dispatch.rs"],
        {
            **k8s_ctx([p], [], loki=panic),
            "prometheus": prom_alert(
                "KubePodCrashLooping",
                {"namespace": ns, "pod": p["metadata"]["name"], "container": app},
            ),
        },
        NOTIFY,
    )

    # 004 bolt: logfmt panic again, but the overlay's ConfigMap renamed the key
    n = 4
    cid = f"{PFX}{n:03d}"
    panic = _rust_logged(cid + "-rs", "notify-worker", _HOOK_LOGFMT, RUST_LOGFMT_CFG)
    assert any("NOTIFY_QUEUE_URL must be set" in ln for ln in panic), panic
    panic = [ln.replace("src/main.rs", "crates/notify-worker/src/config.rs") for ln in panic]
    p = crashloop(cid, ns, app, img(cid, "notify-worker", "same"), exit_code=101)
    fire(
        n,
        "the sensor reports KubePodCrashLooping for notify-worker; exit 101 and a logfmt panic "
        "'NOTIFY_QUEUE_URL must be set: NotPresent'; the image is the one that ran all week and "
        "the deployed change renamed the key to QUEUE_URL in the prod overlay's ConfigMap "
        "generator that the Deployment's envFrom reads",
        ["context-driven", "look-alike"],
        "bolt",
        "k8s_manifest",
        "KubePodCrashLooping",
        "chore(prod): shorter env names in notify config",
        ["apps/notify/overlays/prod/kustomization.yaml", "apps/notify/overlays/prod/notify.env"],
        {
            **k8s_ctx([p], [], loki=panic),
            "prometheus": {
                **prom_alert(
                    "KubePodCrashLooping",
                    {"namespace": ns, "pod": p["metadata"]["name"], "container": app},
                ),
                f'kube_pod_container_info{{namespace="{ns}",container="{app}"}}': [
                    {
                        "metric": {
                            "namespace": ns,
                            "container": app,
                            "image": img(cid, "notify-worker", "same"),
                        },
                        "value": [TS, "1"],
                    }
                ],
            },
        },
        OPS,
    )


# ------------------------------------------------------------------ 2. Node crashes

NODE_PLAIN = """
const order = JSON.parse('{"id":"ord_41","customer":{"id":"cus_9"}}');
function shippingLabel(o) {
  return `${o.customer.address.line1}, ${o.customer.address.city}`;
}
console.log(JSON.stringify({level: 30, msg: "console-api listening", port: 3000}));
console.log(shippingLabel(order));
"""

NODE_TS = """
export interface Invoice { id: string; lines?: { amount: number }[] }

export function totalFor(inv: Invoice): number {
  const lines = inv.lines;
  return lines!.reduce((sum, l) => sum + l.amount, 0);
}
"""

NODE_TS_MAIN = """
import { totalFor } from "./routes/invoice";

process.on("uncaughtException", (err) => {
  console.error(err);
  process.exit(1);
});

console.log(JSON.stringify({ level: 30, msg: "billing-web ready", port: 3000 }));
setTimeout(() => {
  const draft = { id: "inv_2207" };
  console.log(totalFor(draft));
}, 5);
"""


def node_crashes() -> None:
    # 005 blaze, obvious: a Node TypeError at start-up with its stack
    n = 5
    cid = f"{PFX}{n:03d}"
    ns, app = "console", "console-api"
    loki = node_crash(cid + "-node", {"server.js": NODE_PLAIN}, "server.js")
    assert any("TypeError: Cannot read properties of undefined" in ln for ln in loki), loki
    p = crashloop(cid, ns, app, img(cid, "console-api"), exit_code=1, port=3000)
    fire(
        n,
        "the sensor reports KubePodCrashLooping for console-api; exit 1 and Loki holds "
        "\"TypeError: Cannot read properties of undefined (reading 'line1')\" at shippingLabel "
        "(/app/server.js) from the Node service's own code the deployed commit changed",
        ["obvious"],
        "blaze",
        "frontend_test",
        "KubePodCrashLooping",
        "feat(orders): print shipping label on startup warmup",
        ["server.js"],
        {
            **k8s_ctx([p], [], loki=loki),
            "prometheus": prom_alert(
                "KubePodCrashLooping",
                {"namespace": ns, "pod": p["metadata"]["name"], "container": app},
            ),
        },
        CONSOLE,
    )

    # 006 blaze: a source-mapped stack back to TypeScript (esbuild bundle, --enable-source-maps)
    n = 6
    cid = f"{PFX}{n:03d}"
    ns, app = "billing", "billing-web"
    path = real.scratch(
        cid + "-ts",
        {
            "package.json": '{"name":"billing-web","private":true}',
            "src/routes/invoice.ts": NODE_TS,
            "src/server.ts": NODE_TS_MAIN,
        },
    )
    built, code = real.run(
        [
            "esbuild",
            "src/server.ts",
            "--bundle",
            "--platform=node",
            "--format=cjs",
            "--sourcemap",
            "--outfile=dist/server.js",
        ],
        path,
    )
    assert code == 0, built
    lines, code = real.run(["node", "--enable-source-maps", "dist/server.js"], path)
    assert code == 1, lines
    loki = [ln.replace(real.RUNNER, "/app").replace(str(path), "/app") for ln in lines if ln]
    assert any("src/routes/invoice.ts" in ln for ln in loki), loki
    p = crashloop(cid, ns, app, img(cid, "billing-web"), exit_code=1, port=3000, restarts=4)
    fire(
        n,
        "the sensor reports HighErrorRate for billing-web, then restarts; Loki holds a Node "
        "TypeError whose stack node's --enable-source-maps maps back to "
        "/app/src/routes/invoice.ts (totalFor reduces over the lines a draft invoice lacks, "
        "behind a non-null assertion the deployed commit added)",
        ["context-driven", "look-alike"],
        "blaze",
        "frontend_test",
        "HighErrorRate",
        "refactor(billing): typed invoice totals",
        ["src/routes/invoice.ts", "src/server.ts"],
        {
            **k8s_ctx([p], [], loki=loki),
            "prometheus": {
                **prom_alert("HighErrorRate", {"namespace": ns, "service": app}),
                **rate(ns, app, [0, 0.1, 1.8, 2.4, 2.2, 2.5]),
            },
        },
        CONSOLE,
    )


# ------------------------------------------------------------------ 3. stuck requests, pools

NODE_POOL = """
import { EventEmitter } from "node:events";

class Pool extends EventEmitter {
  constructor(max) { super(); this.max = max; this.used = 0; this.waiting = []; }
  async connect() {
    if (this.used < this.max) { this.used++; return { release: () => { this.used--; } }; }
    await new Promise((_, rej) => setTimeout(() => rej(new Error("timeout exceeded when trying to connect")), 20));
  }
}

const pool = new Pool(2);
async function handle(route) {
  try {
    const client = await pool.connect();
    return client;
  } catch (err) {
    console.error(JSON.stringify({ level: 50, msg: "request failed", route, err: { type: err.constructor.name, message: err.message, stack: err.stack } }));
  }
}
for (let i = 0; i < 4; i++) await handle("/api/sessions");
"""


def stuck_and_pools() -> None:
    # 007 rex: a deadlock: in-flight climbs, completions stop, no error in Loki
    n = 7
    cid = f"{PFX}{n:03d}"
    ns, app = "healer", "healer-api"
    _, _first, _ = clock(cid)
    loki = [
        *info_lines(cid),
        *[
            tracing(
                cid,
                "INFO",
                "tower_http::trace::on_request",
                "started processing request",
                10 + i,
                method="POST",
                uri=uri,
            )
            for i, uri in enumerate(
                ("/api/runs/4411/retry", "/api/runs/4412/retry", "/api/runs?limit=50")
            )
        ],
        tracing(
            cid,
            "DEBUG",
            "healer_api::cache",
            "acquiring run cache write lock",
            20,
            run_id=4412,
        ),
    ]
    fire(
        n,
        "the sensor reports HighRequestLatency for healer-api; pods are Ready and nothing "
        "errors; the in-flight gauge climbs to 256 while the completed-request counter is flat "
        "and CPU is near zero, and Loki's last lines are 'started processing request' and "
        "'acquiring run cache write lock': the deployed commit takes the run cache lock and "
        "then the retry queue lock in the opposite order to the scheduler (a deadlock)",
        ["context-driven"],
        "rex",
        "rust_test",
        "HighRequestLatency",
        "fix(retry): refresh the run cache when a retry is queued",
        ["crates/healer-api/src/retry.rs", "crates/healer-api/src/cache.rs"],
        {
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid), salt=str(i)) for i in range(2)], [], loki=loki
            ),
            "prometheus": {
                **prom_alert("HighRequestLatency", {"namespace": ns, "service": app}),
                f'sum(http_requests_in_flight{{namespace="{ns}",service="{app}"}})': [
                    series({"service": app}, [2, 3, 41, 118, 203, 256, 256])
                ],
                f'sum(rate(http_requests_total{{namespace="{ns}",service="{app}"}}[5m]))': [
                    series({"service": app}, [38.2, 37.9, 12.4, 0, 0, 0, 0])
                ],
                f'sum(rate(container_cpu_usage_seconds_total{{namespace="{ns}",'
                f'container="{app}"}}[5m]))': [
                    series({"container": app}, [0.21, 0.2, 0.04, 0.002, 0.001, 0.001, 0.001])
                ],
            },
        },
        HEALER,
    )

    # 008 atlas: the same stuck counter, but every handler waits on a pool another service holds
    n = 8
    cid = f"{PFX}{n:03d}"
    ns, app = "ledger", "ledger-api"
    loki = [
        *info_lines(cid),
        *[
            tracing(
                cid,
                "ERROR",
                "ledger_api::db",
                "query failed",
                30 + i,
                error="pool timed out while waiting for an open connection",
                route=route,
            )
            for i, route in enumerate(("/v1/quotes", "/v1/ledger/entries", "/v1/quotes"))
        ],
    ]
    by_app = 'sum by (application_name) (pg_stat_activity_count{datname="ledger"})'
    fire(
        n,
        "the sensor reports HighRequestLatency for ledger-api, the same alert as a deadlock; "
        "in-flight requests pile up and Loki has sqlx's 'pool timed out while waiting for an "
        "open connection', but pg_stat_activity shows the reconcile-batch CronJob of another "
        "team holding 96 of Postgres's 100 connections since its 02:00 run; ledger-api's "
        "change only touched a log message",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        "HighRequestLatency",
        "chore(log): quote ids in the request span",
        ["crates/ledger-api/src/http/quotes.rs"],
        {
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid, "ledger"), salt=str(i)) for i in range(2)],
                [],
                loki=loki,
            ),
            "prometheus": {
                **prom_alert("HighRequestLatency", {"namespace": ns, "service": app}),
                f'sum(http_requests_in_flight{{namespace="{ns}",service="{app}"}})': [
                    series({"service": app}, [4, 5, 37, 88, 91, 94])
                ],
                by_app: [
                    series({"application_name": "reconcile-batch"}, [3, 40, 88, 96, 96, 96]),
                    series({"application_name": "ledger-api"}, [18, 16, 4, 4, 4, 4]),
                ],
                'pg_settings_max_connections{server="ledger-pg"}': [
                    {"metric": {"server": "ledger-pg"}, "value": [TS, "100"]}
                ],
            },
        },
        LEDGER,
    )

    # 009 blaze: a Node pool timing out because the code never releases its clients
    n = 9
    cid = f"{PFX}{n:03d}"
    ns, app = "console", "console-api"
    loki = _node_logged(cid + "-node", {"server.js": NODE_POOL}, "server.js", [])
    assert any("timeout exceeded when trying to connect" in ln for ln in loki), loki
    fire(
        n,
        "the sensor reports HighRequestLatency for console-api; Loki has node-postgres's "
        "'timeout exceeded when trying to connect' and pg_stat_activity shows console-api "
        "itself holding all 20 of its pool's connections idle; the deployed commit moved the "
        "session lookup into a helper that returns before client.release()",
        ["context-driven", "look-alike"],
        "blaze",
        "frontend_test",
        "HighRequestLatency",
        "refactor(sessions): share the lookup between routes",
        ["src/db/sessions.ts", "src/routes/sessions.ts"],
        {
            **k8s_ctx(
                [
                    running_pod(cid, ns, app, img(cid, "console-api"), salt=str(i), port=3000)
                    for i in range(2)
                ],
                [],
                loki=loki,
            ),
            "prometheus": {
                **prom_alert("HighRequestLatency", {"namespace": ns, "service": app}),
                'sum by (application_name, state) (pg_stat_activity_count{datname="console"})': [
                    series(
                        {"application_name": "console-api", "state": "idle"},
                        [2, 6, 11, 17, 20, 20],
                    ),
                    series(
                        {"application_name": "console-api", "state": "active"},
                        [1, 1, 0, 0, 0, 0],
                    ),
                ],
            },
        },
        CONSOLE,
    )


# ------------------------------------------------------------------ 4. memory


def memory() -> None:
    # 010 rex: memory climbing steadily for hours before the OOMKill; unbounded dedup map
    n = 10
    cid = f"{PFX}{n:03d}"
    ns, app = "healer", "healer-ingest"
    p = crashloop(
        cid,
        ns,
        app,
        img(cid, "healer-ingest"),
        exit_code=137,
        reason="OOMKilled",
        memory_limit="512Mi",
        restarts=3,
    )
    fire(
        n,
        "the sensor reports KubeContainerOOMKilled for healer-ingest; the working set climbs "
        "in a straight line from 140Mi to the unchanged 512Mi limit over six hours after each "
        "restart, and the deployed commit added a seen-delivery map to the Rust ingest loop "
        "that nothing ever evicts",
        ["context-driven", "look-alike"],
        "rex",
        "rust_test",
        "KubeContainerOOMKilled",
        "fix(ingest): drop duplicate webhook deliveries",
        ["crates/healer-ingest/src/dedup.rs", "crates/healer-ingest/src/main.rs"],
        {
            **k8s_ctx([p], [], loki=info_lines(cid)),
            "prometheus": {
                **prom_alert(
                    "KubeContainerOOMKilled",
                    {"namespace": ns, "pod": p["metadata"]["name"], "container": app},
                ),
                **mem_series(
                    ns, app, p["metadata"]["name"], [140, 192, 251, 309, 366, 421, 478, 509]
                ),
                f'sum(rate(webhook_deliveries_total{{namespace="{ns}"}}[5m]))': [
                    series({}, [14.1, 13.8, 14.4, 14.0, 13.9, 14.2, 14.1, 14.0])
                ],
            },
        },
        HEALER,
    )

    # 011 bolt: the same OOMKill; the working set is flat and the chart's limit was halved
    n = 11
    cid = f"{PFX}{n:03d}"
    ns, app = "console", "console-api"
    p = crashloop(
        cid,
        ns,
        app,
        img(cid, "console-api"),
        exit_code=137,
        reason="OOMKilled",
        memory_limit="192Mi",
        port=3000,
    )
    fire(
        n,
        "the sensor reports KubeContainerOOMKilled for console-api, the same alert as a leak; "
        "the working set has sat flat near 300Mi for a week and the deployed change is the "
        "Helm values cutting resources.limits.memory from 384Mi to 192Mi; the image and the "
        "code are unchanged",
        ["context-driven", "look-alike"],
        "bolt",
        "helm",
        "KubeContainerOOMKilled",
        "chore(console): tighter limits for the console chart",
        ["charts/console-api/values-prod.yaml"],
        {
            **k8s_ctx([p], [], loki=info_lines(cid)),
            "prometheus": {
                **prom_alert(
                    "KubeContainerOOMKilled",
                    {"namespace": ns, "pod": p["metadata"]["name"], "container": app},
                ),
                f'max_over_time(container_memory_working_set_bytes{{namespace="{ns}",'
                f'container="{app}"}}[7d])': [
                    {"metric": {"namespace": ns, "container": app}, "value": [TS, str(301 * MI)]}
                ],
                f'kube_pod_container_resource_limits{{namespace="{ns}",container="{app}",'
                f'resource="memory"}}': [
                    series({"container": app}, [384 * MI, 384 * MI, 192 * MI, 192 * MI])
                ],
            },
        },
        OPS,
    )

    # 012 blaze: Node memory climbing before the OOMKill; a module-level memo per request
    n = 12
    cid = f"{PFX}{n:03d}"
    ns, app = "storefront", "storefront-ssr"
    p = crashloop(
        cid,
        ns,
        app,
        img(cid, "storefront-ssr"),
        exit_code=137,
        reason="OOMKilled",
        memory_limit="1Gi",
        port=3000,
        restarts=2,
    )
    fire(
        n,
        "the sensor reports KubeContainerOOMKilled for storefront-ssr; the Node heap "
        "(nodejs_heap_size_used_bytes) and the working set climb together with request count "
        "until the 1Gi limit, old-space GCs reclaim nothing, and the deployed commit memoises "
        "rendered pages in a module-level Map keyed by the full URL with its query string",
        ["context-driven"],
        "blaze",
        "frontend_build",
        "KubeContainerOOMKilled",
        "perf(ssr): memoise rendered product pages",
        ["src/server/render.ts"],
        {
            **k8s_ctx([p], [], loki=[]),
            "prometheus": {
                **prom_alert(
                    "KubeContainerOOMKilled",
                    {"namespace": ns, "pod": p["metadata"]["name"], "container": app},
                ),
                **mem_series(ns, app, p["metadata"]["name"], [210, 330, 455, 590, 712, 860, 1001]),
                f'nodejs_heap_size_used_bytes{{namespace="{ns}",pod="{p["metadata"]["name"]}"}}': [
                    series(
                        {"pod": p["metadata"]["name"]},
                        [v * MI for v in (96, 211, 333, 462, 581, 724, 858)],
                    )
                ],
            },
        },
        CONSOLE,
    )


# ------------------------------------------------------------------ 5. outside the code

RUST_DNS = r"""
use std::net::ToSocketAddrs;

fn main() {
    for (i, route) in ["/v1/checkout", "/v1/checkout", "/v1/refunds"].iter().enumerate() {
        let err = match ("payments-gw.payments.svc.cluster.local", 8443).to_socket_addrs() {
            Ok(_) => continue,
            Err(e) => e,
        };
        println!(
            "{{\"level\":\"ERROR\",\"fields\":{{\"message\":\"upstream request failed\",\"route\":\"{}\",\"attempt\":{},\"error\":\"error sending request for url (https://payments-gw.payments.svc.cluster.local:8443/charge): client error (Connect): dns error: {}\"}},\"target\":\"ledger_api::payments\"}}",
            route, i + 1, err
        );
    }
}
"""

NODE_DNS = """
import dns from "node:dns/promises";
const host = process.argv[2];
console.log(JSON.stringify({ level: 30, msg: "connecting to redis", host, port: 6379 }));
try {
  await dns.lookup(host);
} catch (err) {
  console.error(`[ioredis] Unhandled error event: ${err.stack}`);
  process.exitCode = 1;
}
"""

NODE_TLS = """
import https from "node:https";
import fs from "node:fs";

const srv = https.createServer(
  { key: fs.readFileSync("key.pem"), cert: fs.readFileSync("cert.pem") },
  (req, res) => res.end("{}"),
);
srv.listen(0, "127.0.0.1", () => {
  const { port } = srv.address();
  const req = https.request(
    { host: "127.0.0.1", port, path: "/v2/rates?base=EUR", servername: "api.fxrates.example",
      ca: fs.readFileSync("cert.pem") },
    () => {},
  );
  req.on("error", (err) => {
    console.log(JSON.stringify({ level: 50, time: 1764320400000, pid: 1,
      msg: "rate refresh failed", upstream: "https://api.fxrates.example/v2/rates?base=EUR",
      err: { type: err.constructor.name, message: err.message, code: err.code, stack: err.stack } }));
    srv.close();
  });
  req.end();
});
"""


def _expired_cert(path: Any) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.fxrates.example")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(4711)
        .not_valid_before(dt.datetime(2025, 11, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("api.fxrates.example")]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    (path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _node_dns(key: str, host: str) -> list[str]:
    """ioredis's unhandled-error report of a failed lookup, printed by a real node 20."""
    path = real.scratch(key, {"package.json": '{"type":"module"}', "redis.js": NODE_DNS})
    lines, _code = real.run(["node", "redis.js", host], path, timeout=60)
    return [ln.replace(real.RUNNER, "/app").replace(str(path), "/app") for ln in lines if ln]


def outside() -> None:
    # 013 atlas: HighErrorRate with DNS errors in tracing JSON while CoreDNS is down
    n = 13
    cid = f"{PFX}{n:03d}"
    ns, app = "ledger", "ledger-api"
    loki = _rs_run(cid + "-rs", RUST_DNS, "ledger-api")
    assert any("dns error" in ln for ln in loki), loki
    core = [
        crashloop(
            cid,
            "kube-system",
            "coredns",
            "rancher/mirrored-coredns-coredns:1.12.1",
            exit_code=1,
            salt=str(i),
            port=53,
            memory_limit="170Mi",
        )
        for i in range(2)
    ]
    fire(
        n,
        "the sensor reports HighErrorRate for ledger-api; Loki's tracing JSON lines carry "
        "'dns error: failed to lookup address information' for the in-cluster payments "
        "gateway, both CoreDNS pods in kube-system are crash-looping and CoreDNSDown fires "
        "too; the deployed commit only renamed a metric",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        "HighErrorRate",
        "chore(metrics): rename ledger_quote_seconds",
        ["crates/ledger-api/src/metrics.rs"],
        {
            **k8s_ctx(
                [
                    *[running_pod(cid, ns, app, img(cid, "ledger"), salt=str(i)) for i in range(2)],
                    *core,
                ],
                [
                    ev(
                        "kube-system",
                        "Pod",
                        c["metadata"]["name"],
                        "BackOff",
                        "Back-off restarting failed container coredns in pod "
                        f"{c['metadata']['name']}_kube-system({sha(c['metadata']['name'])[:8]})",
                        cid,
                        count=22,
                    )
                    for c in core
                ],
                loki=[
                    *loki,
                    "[INFO] plugin/reload: Running configuration SHA512 = "
                    + sha("corefile")
                    + sha("corefile2")[:24],
                    'plugin/forward: not an IP address or file: "/etc/resolv.conf.upstream"',
                ],
            ),
            "prometheus": {
                **prom_alert("HighErrorRate", {"namespace": ns, "service": app}),
                **prom_alert("CoreDNSDown", {"namespace": "kube-system", "severity": "critical"}),
                **rate(ns, app, [0, 0, 2.7, 3.9, 4.1, 4.0]),
            },
        },
        LEDGER,
    )

    # 014 atlas: a Node crash with a getaddrinfo stack while CoreDNS is down
    n = 14
    cid = f"{PFX}{n:03d}"
    ns, app = "console", "console-api"
    loki = _node_dns(cid + "-node", "redis-master.cache.svc.cluster.local")
    assert any("getaddrinfo" in ln for ln in loki), loki
    p = crashloop(cid, ns, app, img(cid, "console-api"), exit_code=1, port=3000)
    fire(
        n,
        "the sensor reports KubePodCrashLooping for console-api; Loki holds a Node stack "
        "'getaddrinfo ... redis-master.cache.svc.cluster.local' from ioredis, the same name the "
        "service has used for months; NodeLocal DNSCache on every node is OOMKilled and "
        "KubeDNSLookupFailures fires for five other namespaces; the change is a copy edit",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        "KubePodCrashLooping",
        "docs(console): fix typo in login page copy",
        ["src/pages/login.tsx"],
        {
            **k8s_ctx(
                [p],
                [
                    ev(
                        "kube-system",
                        "Pod",
                        pod_name(cid, "node-local-dns", str(i)),
                        "OOMKilling",
                        "Memory cgroup out of memory: Killed process 4312 (node-cache) "
                        "total-vm:812340kB, anon-rss:51200kB, file-rss:0kB, shmem-rss:0kB, "
                        "UID:0 pgtables:312kB oom_score_adj:-997",
                        cid,
                        count=9,
                        host=f"k3s-worker-{i + 1}",
                    )
                    for i in range(3)
                ],
                loki=loki,
            ),
            "prometheus": {
                **prom_alert(
                    "KubePodCrashLooping",
                    {"namespace": ns, "pod": p["metadata"]["name"], "container": app},
                ),
                'sum by (namespace) (rate(coredns_dns_responses_total{rcode="SERVFAIL"}[5m]))': [
                    series({"namespace": nsx}, [0, 0.1, 6.2, 7.9, 8.4])
                    for nsx in ("console", "ledger", "healer", "notify", "billing", "storefront")
                ],
            },
        },
        CONSOLE,
    )

    # 015 atlas: an expired certificate on a partner's API (real node TLS error)
    n = 15
    cid = f"{PFX}{n:03d}"
    ns, app = "billing", "billing-web"
    path = real.scratch(cid + "-tls", {"package.json": '{"type":"module"}', "rates.js": NODE_TLS})
    _expired_cert(path)
    lines, _code = real.run(["node", "rates.js"], path, timeout=60)
    assert any("certificate has expired" in ln for ln in lines), lines
    loki = [ln for ln in lines if ln.startswith("{")]
    fire(
        n,
        "the sensor reports HighErrorRate for billing-web; Loki's pino lines say 'rate refresh "
        "failed' with CERT_HAS_EXPIRED from https://api.fxrates.example, and the blackbox "
        "probe's probe_ssl_earliest_cert_expiry for that host lies before now; the deployed "
        "commit changed a button colour",
        ["context-driven"],
        "atlas",
        "general",
        "HighErrorRate",
        "style(billing): darker primary button",
        ["src/components/Button.css"],
        {
            **k8s_ctx(
                [
                    running_pod(cid, ns, app, img(cid, "billing-web"), salt=str(i), port=3000)
                    for i in range(2)
                ],
                [],
                loki=loki,
            ),
            "prometheus": {
                **prom_alert("HighErrorRate", {"namespace": ns, "service": app}),
                **rate(ns, app, [0, 0, 0.9, 1.1, 1.2]),
                'probe_ssl_earliest_cert_expiry{instance="https://api.fxrates.example"}': [
                    {
                        "metric": {"instance": "https://api.fxrates.example", "job": "blackbox"},
                        "value": [TS, "1793491200"],
                    }
                ],
                "time()": [{"metric": {}, "value": [TS, str(TS)]}],
            },
        },
        CONSOLE,
    )

    # 016 atlas: a database failover: writes hit the old primary, now a read-only replica
    n = 16
    cid = f"{PFX}{n:03d}"
    ns, app = "ledger", "ledger-api"
    ro = [
        tracing(
            cid,
            "ERROR",
            "ledger_api::db",
            "query failed",
            40 + i,
            error="error returned from database: cannot execute INSERT in a read-only transaction",
            code="25006",
            route="/v1/ledger/entries",
        )
        for i in range(3)
    ]
    fire(
        n,
        "the sensor reports HighErrorRate for ledger-api; Loki has 'cannot execute INSERT in "
        "a read-only transaction' (SQLSTATE 25006); the CloudNativePG cluster failed over at "
        "the same minute (events: 'Failing over from ledger-pg-1 to ledger-pg-2') and "
        "pg_replication_is_replica flipped on ledger-pg-1, which pgbouncer still points at; "
        "ledger-api has not been deployed for three days",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        "HighErrorRate",
        "fix(quotes): round half-even on display",
        ["crates/ledger-api/src/quote.rs"],
        {
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid, "ledger"), salt=str(i)) for i in range(2)],
                [
                    ev(
                        ns,
                        "Cluster",
                        "ledger-pg",
                        "FailingOver",
                        "Failing over from ledger-pg-1 to ledger-pg-2",
                        cid,
                        type_="Normal",
                        component="cloudnative-pg",
                    ),
                    ev(
                        ns,
                        "Pod",
                        "ledger-pg-1",
                        "Unhealthy",
                        "Readiness probe failed: HTTP probe failed with statuscode: 500",
                        cid,
                        count=6,
                    ),
                ],
                loki=ro,
            ),
            "prometheus": {
                **prom_alert("HighErrorRate", {"namespace": ns, "service": app}),
                'cnpg_pg_replication_in_recovery{namespace="ledger"}': [
                    series({"pod": "ledger-pg-1"}, [0, 0, 1, 1, 1]),
                    series({"pod": "ledger-pg-2"}, [1, 1, 0, 0, 0]),
                ],
                **rate(ns, app, [0, 0, 5.2, 5.4, 5.1]),
            },
        },
        LEDGER,
    )

    # 017 rex: the same read-only error, but the deployed code routes writes to the reader pool
    n = 17
    cid = f"{PFX}{n:03d}"
    ro = [
        tracing(
            cid,
            "ERROR",
            "ledger_api::db",
            "query failed",
            50 + i,
            error="error returned from database: cannot execute UPDATE in a read-only transaction",
            code="25006",
            pool="reader",
            route="/v1/ledger/entries/settle",
        )
        for i in range(3)
    ]
    fire(
        n,
        "the sensor reports HighErrorRate for ledger-api, the same 25006 'read-only "
        "transaction' error as a failover; the CloudNativePG primary has not changed "
        "(pg_replication_in_recovery flat) and the lines carry pool=reader: the deployed "
        "commit passes the replica pool to the new settle handler",
        ["context-driven", "look-alike"],
        "rex",
        "rust_test",
        "HighErrorRate",
        "feat(ledger): settle entries in bulk",
        ["crates/ledger-api/src/http/settle.rs", "crates/ledger-api/src/db.rs"],
        {
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid, "ledger"), salt=str(i)) for i in range(2)],
                [],
                loki=[*info_lines(cid), *ro],
            ),
            "prometheus": {
                **prom_alert("HighErrorRate", {"namespace": ns, "service": app}),
                'cnpg_pg_replication_in_recovery{namespace="ledger"}': [
                    series({"pod": "ledger-pg-1"}, [0, 0, 0, 0, 0]),
                    series({"pod": "ledger-pg-2"}, [1, 1, 1, 1, 1]),
                ],
                **rate(ns, app, [0, 0, 0.8, 0.9, 0.8]),
            },
        },
        LEDGER,
    )

    # 018 atlas, obvious: a node NotReady takes pods of several services with it
    n = 18
    cid = f"{PFX}{n:03d}"
    _created, _first, _last = clock(cid)
    pods = []
    for app_, ns_ in (
        ("healer-api", "healer"),
        ("console-api", "console"),
        ("ledger-api", "ledger"),
    ):
        p = running_pod(cid, ns_, app_, img(cid, app_), salt="nr" + app_, node="k3s-worker-4")
        p["status"]["conditions"] = [
            {**c, "status": "False"} if c["type"] in ("Ready", "ContainersReady") else c
            for c in p["status"]["conditions"]
        ]
        pods.append(p)
    fire(
        n,
        "the sensor reports KubePodNotReady for pods of healer-api, console-api and ledger-api, "
        "all on k3s-worker-4, which is NotReady ('Kubelet stopped posting node status') with "
        "KubeNodeNotReady firing; the deployed commit is a README change",
        ["obvious"],
        "atlas",
        "general",
        "KubePodNotReady",
        "docs: update the on-call runbook link",
        ["README.md"],
        {
            **k8s_ctx(
                pods,
                [
                    ev(
                        "default",
                        "Node",
                        "k3s-worker-4",
                        "NodeNotReady",
                        "Node k3s-worker-4 status is now: NodeNotReady",
                        cid,
                        type_="Normal",
                        component="node-controller",
                        host="",
                    ),
                    *[
                        ev(
                            p["metadata"]["namespace"],
                            "Pod",
                            p["metadata"]["name"],
                            "NodeNotReady",
                            "Node is not ready",
                            cid,
                            component="node-controller",
                            host="",
                        )
                        for p in pods
                    ],
                ],
            ),
            "prometheus": {
                **prom_alert(
                    "KubePodNotReady",
                    {"namespace": "healer", "pod": pods[0]["metadata"]["name"]},
                ),
                **prom_alert("KubeNodeNotReady", {"node": "k3s-worker-4", "condition": "Ready"}),
                'kube_node_status_condition{condition="Ready",status="true"}': [
                    {"metric": {"node": f"k3s-worker-{i}"}, "value": [TS, "0" if i == 4 else "1"]}
                    for i in range(1, 5)
                ],
            },
        },
        HEALER,
    )


# ------------------------------------------------------------------ 6. the deployment's config

RUST_LISTEN = r"""
fn main() {
    let addr = std::env::var("LISTEN_ADDR").unwrap_or_else(|_| "0.0.0.0:8080".into());
    let l = std::net::TcpListener::bind(&addr).expect("bind");
    println!("{{\"level\":\"INFO\",\"fields\":{{\"message\":\"listening\",\"addr\":\"{}\"}},\"target\":\"healer_api\"}}", l.local_addr().unwrap());
}
"""


def config() -> None:
    # 019 bolt: KubePodNotReady because the ConfigMap moved the listen address to loopback
    n = 19
    cid = f"{PFX}{n:03d}"
    ns, app = "healer", "healer-api"
    path = real.crate(
        cid + "-rs", {"Cargo.toml": real.cargo_toml("healer-api"), "src/main.rs": RUST_LISTEN}
    )
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, code = real.run(
        [str(path / "target" / "release" / "healer-api")],
        path,
        env={"LISTEN_ADDR": "127.0.0.1:8080"},
    )
    loki = [ln for ln in lines if ln.startswith("{")]
    if not loki:  # the port is taken on this machine: the line the binary prints on a free one
        loki = [
            '{"level":"INFO","fields":{"message":"listening","addr":"127.0.0.1:8080"},'
            '"target":"healer_api"}'
        ]
    p = running_pod(cid, ns, app, img(cid), salt="np", ready=False)
    fire(
        n,
        "the sensor reports KubePodNotReady for healer-api, the same alert as a lost node; the "
        "node is Ready, kubelet's readiness probe gets 'connect: connection refused' on "
        "10.42.x.x:8080 and Loki says 'listening' on 127.0.0.1:8080: the deployed change set "
        "LISTEN_ADDR to 127.0.0.1:8080 in the overlay's ConfigMap",
        ["context-driven", "look-alike"],
        "bolt",
        "k8s_manifest",
        "KubePodNotReady",
        "chore(prod): explicit listen address for healer-api",
        ["apps/healer/overlays/prod/configmap.yaml"],
        {
            **k8s_ctx(
                [p],
                [
                    ev(
                        ns,
                        "Pod",
                        p["metadata"]["name"],
                        "Unhealthy",
                        'Readiness probe failed: Get "http://10.42.3.17:8080/readyz": dial tcp '
                        "10.42.3.17:8080: connect: connection refused",
                        cid,
                        count=48,
                    )
                ],
                loki=loki,
            ),
            "prometheus": {
                **prom_alert("KubePodNotReady", {"namespace": ns, "pod": p["metadata"]["name"]}),
                'kube_node_status_condition{condition="Ready",status="true"}': [
                    {"metric": {"node": f"k3s-worker-{i}"}, "value": [TS, "1"]} for i in range(1, 5)
                ],
            },
        },
        OPS,
    )

    # 020 bolt: a Node ENOTFOUND again, but the ConfigMap the deployment changed misspells it
    n = 20
    cid = f"{PFX}{n:03d}"
    ns, app = "console", "console-api"
    loki = _node_dns(cid + "-node", "redis-master.cache.svc.cluster.locl")
    assert any("getaddrinfo" in ln for ln in loki), loki
    p = crashloop(cid, ns, app, img(cid, "console-api", "same"), exit_code=1, port=3000)
    fire(
        n,
        "the sensor reports KubePodCrashLooping for console-api with a Node getaddrinfo stack, "
        "the same symptom as a DNS outage; CoreDNS is healthy and no other service fails to "
        "resolve, and the host is 'redis-master.cache.svc.cluster.locl': the deployed change "
        "edited REDIS_HOST in the console ConfigMap",
        ["context-driven", "look-alike"],
        "bolt",
        "k8s_manifest",
        "KubePodCrashLooping",
        "chore(console): point sessions at the shared redis",
        ["apps/console/base/configmap.yaml"],
        {
            **k8s_ctx([p], [], loki=loki),
            "prometheus": {
                **prom_alert(
                    "KubePodCrashLooping",
                    {"namespace": ns, "pod": p["metadata"]["name"], "container": app},
                ),
                "sum by (rcode) (rate(coredns_dns_responses_total[5m]))": [
                    series({"rcode": "NOERROR"}, [412.3, 409.8, 415.1, 411.0]),
                    series({"rcode": "NXDOMAIN"}, [18.2, 18.9, 26.4, 27.1]),
                ],
            },
        },
        OPS,
    )

    # 021 bolt: clients see an expired certificate on our own Ingress: the secretName changed
    n = 21
    cid = f"{PFX}{n:03d}"
    ns, app = "notify", "notify-api"
    fire(
        n,
        "the sensor reports BlackboxProbeFailed / HighErrorRate for notify-api's public "
        "endpoint with probe_ssl_earliest_cert_expiry in the past; cert-manager's Certificate "
        "notify-api-tls is Ready and renewed last week, but the deployed change pointed the "
        "Ingress's tls.secretName at notify-api-tls-legacy, a Secret holding last year's "
        "certificate",
        ["context-driven", "look-alike"],
        "bolt",
        "k8s_manifest",
        "BlackboxProbeFailed",
        "chore(notify): consolidate ingress hosts",
        ["apps/notify/base/ingress.yaml"],
        {
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid, "notify-api"), salt=str(i)) for i in range(2)],
                [
                    ev(
                        ns,
                        "Certificate",
                        "notify-api-tls",
                        "Issuing",
                        "The certificate has been successfully issued",
                        cid,
                        type_="Normal",
                        component="cert-manager-certificates-issuing",
                        host="",
                    )
                ],
                loki=[
                    'I1119 08:14:02.118402       7 backend_ssl.go:67] "Adding secret to local '
                    f'store" name="{ns}/notify-api-tls-legacy"',
                    "W1119 08:14:02.118733       7 controller.go:1539] SSL certificate for "
                    'server "notify.5dlabs.dev" is about to expire (2025-11-02 00:00:00 +0000 '
                    "UTC)",
                ],
            ),
            "prometheus": {
                **prom_alert(
                    "BlackboxProbeFailed",
                    {"instance": "https://notify.5dlabs.dev/healthz", "job": "blackbox"},
                ),
                'probe_ssl_earliest_cert_expiry{instance="https://notify.5dlabs.dev/healthz"}': [
                    {
                        "metric": {"instance": "https://notify.5dlabs.dev/healthz"},
                        "value": [TS, "1762041600"],
                    }
                ],
                'certmanager_certificate_expiration_timestamp_seconds{name="notify-api-tls"}': [
                    {
                        "metric": {"name": "notify-api-tls", "namespace": ns},
                        "value": [TS, "1771286400"],
                    }
                ],
            },
        },
        OPS,
    )

    # 022 bolt, obvious: CreateContainerConfigError on a ConfigMap the change renamed
    n = 22
    cid = f"{PFX}{n:03d}"
    ns, app = "ledger", "ledger-api"
    created, _first, _ = clock(cid)
    p = shapes.pod(
        pod_name(cid, app, "cc"),
        ns,
        app,
        img(cid, "ledger"),
        created=created,
        waiting=(
            "CreateContainerConfigError",
            'configmap "ledger-api-config" not found',
        ),
        port=8080,
        memory_limit="512Mi",
    )
    fire(
        n,
        "the sensor reports KubePodNotReady for ledger-api; the new pod is stuck in "
        "CreateContainerConfigError 'configmap \"ledger-api-config\" not found' after the "
        "deployed change renamed the ConfigMap to ledger-config in the base manifests but not "
        "in the Deployment's envFrom",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        "KubePodNotReady",
        "refactor(ledger): rename the config map",
        ["apps/ledger/base/configmap.yaml", "apps/ledger/base/kustomization.yaml"],
        {
            **k8s_ctx(
                [p],
                [
                    ev(
                        ns,
                        "Pod",
                        p["metadata"]["name"],
                        "Failed",
                        'Error: configmap "ledger-api-config" not found',
                        cid,
                        count=14,
                    )
                ],
            ),
            "prometheus": prom_alert(
                "KubePodNotReady", {"namespace": ns, "pod": p["metadata"]["name"]}
            ),
        },
        OPS,
    )
