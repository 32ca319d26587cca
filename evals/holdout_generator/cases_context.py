"""Context-driven failures: the job log shows only a symptom (a refused connection, a 503, a
rollout or ``kubectl wait`` timing out, a Helm or Argo CD wait giving up) and the cause is in
the context: pod states and events, the crashing program's own log lines in Loki, Argo CD
application status, Prometheus series. The crashing programs are compiled and run here."""

from __future__ import annotations

import sys
from typing import Any

import real
import shapes
from common import ci, failing, node_setup, pr_of
from gha import run, sha, uses

NS = "cto"


# ------------------------------------------------------------------ crashing programs


def rust_panic(name: str, modules: dict[str, str], main: str) -> list[str]:
    """Compile and run a Rust service that panics; its stderr as a pod logs it."""
    path = real.crate(
        name,
        {
            "Cargo.toml": real.cargo_toml(name),
            "src/main.rs": main,
            **{f"src/{m}.rs": body for m, body in modules.items()},
        },
    )
    lines, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    if code:
        raise RuntimeError("\n".join(lines))
    exe = path / "target" / "release" / name
    out, code = real.run([str(exe)], path)
    assert code == 101, (name, code, out)
    return out


def node_crash(
    name: str, files: dict[str, str], entry: str, env: dict[str, str] | None = None
) -> list[str]:
    out = real.node_run(name, files, entry, env=env)
    assert out.code != 0, out
    return [ln.replace(real.RUNNER, "/app") for ln in out.lines]


PANICS: dict[str, list[str]] = {}
CRASHES: dict[str, list[str]] = {}


def programs() -> None:
    PANICS["config"] = rust_panic(
        "healer-api",
        {
            "config": """
        pub struct Config { pub drain_secs: u64 }

        pub fn load() -> Config {
            let raw = std::env::var("HEALER_DRAIN").unwrap_or_else(|_| "30s".to_string());
            Config { drain_secs: raw.parse().unwrap() }
        }
    """
        },
        """
        mod config;

        fn main() {
            eprintln!("healer-api 0.9.2 starting");
            let cfg = config::load();
            println!("drain {}", cfg.drain_secs);
        }
    """,
    )
    PANICS["router"] = rust_panic(
        "healer-router",
        {
            "router": """
        pub fn pick(weights: &[u32], slot: usize) -> u32 {
            weights[slot % (weights.len() + 1)]
        }
    """
        },
        """
        mod router;

        fn main() {
            let weights = [5, 3, 2];
            for slot in 0..8 {
                eprintln!("slot {slot} -> {}", router::pick(&weights, slot));
            }
        }
    """,
    )
    PANICS["window"] = rust_panic(
        "healer-scheduler",
        {
            "window": """
        pub fn span(start: u64, end: u64) -> u64 {
            end.checked_sub(start).expect("maintenance window ends before it starts")
        }
    """
        },
        """
        mod window;

        fn main() {
            eprintln!("scheduler: loading maintenance windows");
            println!("{}", window::span(1_800, 600));
        }
    """,
    )
    PANICS["json"] = rust_panic(
        "healer-gateway",
        {
            "handlers": """
        pub fn agent_for(path: &str) -> &'static str {
            let agent = path.strip_prefix("/agents/").filter(|a| !a.is_empty());
            match agent.unwrap() {
                "rex" => "rust",
                _ => "other",
            }
        }
    """
        },
        """
        mod handlers;

        fn main() {
            std::panic::set_hook(Box::new(|info| {
                let loc = info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(),
                    l.column())).unwrap_or_default();
                let msg = info.payload().downcast_ref::<&str>().map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                eprintln!("{{\\"timestamp\\":\\"2026-11-05T09:14:03.118Z\\",\\"level\\":\\"ERROR\\",\\
\\"target\\":\\"healer_gateway::panic\\",\\"fields\\":{{\\"message\\":\\"panicked at {loc}: \\
{msg}\\"}}}}");
            }));
            eprintln!("{{\\"timestamp\\":\\"2026-11-05T09:14:03.101Z\\",\\"level\\":\\"INFO\\",\\
\\"target\\":\\"healer_gateway\\",\\"fields\\":{{\\"message\\":\\"listening on 0.0.0.0:8080\\"}}}}");
            let r = std::panic::catch_unwind(|| handlers::agent_for("/agents/"));
            if r.is_err() {
                std::process::exit(101);
            }
        }
    """,
    )
    PANICS["migrate"] = rust_panic(
        "healer-migrate",
        {
            "migrate": """
        pub fn version_of(name: &str) -> &str {
            &name[..6]
        }
    """
        },
        """
        mod migrate;

        fn main() {
            for file in ["00001_runs.sql", "00002_jobs.sql", "3.sql"] {
                eprintln!("applying {file}");
                let v = migrate::version_of(file);
                eprintln!("applied version {v}");
            }
        }
    """,
    )
    PANICS["divide"] = rust_panic(
        "healer-metrics",
        {
            "metrics": """
        pub fn success_rate(ok: u64, total: u64) -> u64 {
            ok * 100 / total
        }
    """
        },
        """
        mod metrics;

        fn main() {
            eprintln!("metrics exporter: warming up");
            let total: u64 = std::env::args().count() as u64 - 1;
            println!("{}", metrics::success_rate(0, total));
        }
    """,
    )
    PANICS["borrow"] = rust_panic(
        "healer-notify",
        {
            "state": """
        use std::cell::RefCell;

        pub struct Outbox { pub queue: RefCell<Vec<String>> }

        impl Outbox {
            pub fn flush(&self) {
                for item in self.queue.borrow().iter() {
                    self.queue.borrow_mut().retain(|q| q != item);
                }
            }
        }
    """
        },
        """
        mod state;

        fn main() {
            let outbox = state::Outbox { queue: std::cell::RefCell::new(vec!["a".into()]) };
            eprintln!("notify: flushing outbox");
            outbox.flush();
        }
    """,
    )
    CRASHES["rejection"] = node_crash(
        "web-bff-reject",
        {
            "server.mjs": """
        import http from "node:http";

        async function loadFlags(url) {
          const res = await fetch(url).catch(() => ({ ok: false, status: 0 }));
          if (!res.ok) throw new Error(`feature flags unavailable (status ${res.status})`);
          return res.json();
        }

        const flags = loadFlags(process.env.FLAGS_URL ?? "http://127.0.0.1:9/flags");
        http.createServer(async (req, res) => res.end(JSON.stringify(await flags)))
          .listen(3000, () => console.log("web-bff listening on :3000"));
    """
        },
        "server.mjs",
    )
    CRASHES["typeerror"] = node_crash(
        "web-ssr-typeerror",
        {
            "server.mjs": """
        import http from "node:http";

        const settings = { server: process.env.PORT ? { port: Number(process.env.PORT) } : undefined };
        http.createServer((req, res) => res.end("ok")).listen(settings.server.port);
    """
        },
        "server.mjs",
    )
    CRASHES["module"] = node_crash(
        "web-module-missing",
        {
            "dist/server.js": """
        import compression from "compression";
        import http from "node:http";

        http.createServer((req, res) => res.end("ok")).listen(3000);
        console.log(compression);
    """,
            "package.json": '{"name":"web","type":"module"}',
        },
        "dist/server.js",
    )
    CRASHES["json"] = node_crash(
        "web-api-json",
        {
            "server.mjs": """
        const log = (level, msg, extra = {}) =>
          console.log(JSON.stringify({ level, time: 1793869200000, pid: 1,
                                       hostname: "web-api", msg, ...extra }));

        log(30, "loading routes");
        try {
          const routes = ["/runs", "/jobs"].map((r) => r.toUpperCase());
          const handler = routes.find((r) => r === "/AGENTS");
          log(30, `agents route: ${handler.length}`);
        } catch (err) {
          log(60, "fatal error during startup", { err: { type: err.name, message: err.message,
                                                         stack: err.stack } });
          process.exit(1);
        }
    """
        },
        "server.mjs",
    )
    CRASHES["migration"] = node_crash(
        "web-migrate",
        {
            "migrate.mjs": """
        const migrations = await import("./migrations/index.mjs").then((m) => m.default);
        for (const m of migrations) {
          console.log(`running ${m.name}`);
        }
    """,
            "migrations/index.mjs": """
        export const migrations = [{ name: "001_sessions" }, { name: "002_flags" }];
    """,
        },
        "migrate.mjs",
    )


# ------------------------------------------------------------------ symptoms (real runs)


def curl_refused(name: str, url_host: str, path: str = "/healthz") -> real.Out:
    port = real.free_port()
    return real.sh(
        name,
        {},
        f"curl -fsS --retry 3 --retry-delay 1 --max-time 10 http://127.0.0.1:{port}{path}",
        f"curl -fsS --retry 3 --retry-delay 1 --max-time 10 https://{url_host}{path}",
        hosts={
            f"http://127.0.0.1:{port}": f"https://{url_host}",
            f"127.0.0.1 port {port}": f"{url_host} port 443",
        },
    )


def curl_status(name: str, status: int, body: str, url_host: str, path: str) -> real.Out:
    with real.serve((status, body)) as port:
        return real.sh(
            name,
            {},
            f"curl -fsS --retry 2 --retry-delay 1 http://127.0.0.1:{port}{path}",
            f"curl -fsS --retry 2 --retry-delay 1 https://{url_host}{path}",
            hosts={f"http://127.0.0.1:{port}": f"https://{url_host}"},
        )


def rollout(
    name: str, deploy: str, replicas: int, updated: int, available: int, deadline: bool = False
) -> real.Out:
    prog = (
        (
            "False",
            "ProgressDeadlineExceeded",
            f'ReplicaSet "{deploy}-{sha(deploy)[:10]}" has timed out progressing.',
        )
        if deadline
        else None
    )
    obj = shapes.deployment(
        deploy, NS, replicas, updated, available, h_gen(deploy), progressing=prog
    )
    return real.kubectl_live(
        name,
        {f"/apis/apps/v1/namespaces/{NS}/deployments/{deploy}": obj},
        ["rollout", "status", f"deployment/{deploy}", "-n", NS, "--timeout=3s"],
        f"kubectl rollout status deployment/{deploy} -n {NS} --timeout=300s",
    )


def wait_available(name: str, deploy: str) -> real.Out:
    obj = shapes.deployment(deploy, NS, 2, 2, 0, h_gen(deploy))
    return real.kubectl_live(
        name,
        {f"/apis/apps/v1/namespaces/{NS}/deployments/{deploy}": obj},
        ["wait", "--for=condition=Available", f"deployment/{deploy}", "-n", NS, "--timeout=3s"],
        f"kubectl wait --for=condition=Available deployment/{deploy} -n {NS} --timeout=180s",
    )


def wait_job(name: str, job: str) -> real.Out:
    obj = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": job, "namespace": NS, "resourceVersion": "4711"},
        "spec": {
            "backoffLimit": 3,
            "template": {
                "spec": {"containers": [{"name": job, "image": "x"}], "restartPolicy": "Never"}
            },
        },
        "status": {"active": 1, "failed": 2, "startTime": "2026-11-05T10:00:00Z"},
    }
    return real.kubectl_live(
        name,
        {f"/apis/batch/v1/namespaces/{NS}/jobs/{job}": obj},
        ["wait", "--for=condition=complete", f"job/{job}", "-n", NS, "--timeout=3s"],
        f"kubectl wait --for=condition=complete job/{job} -n {NS} --timeout=600s",
    )


def node_e2e(name: str, target: str) -> real.Out:
    port = real.free_port()
    script = f"""
        const base = process.env.BASE_URL ?? "http://127.0.0.1:{port}";
        const res = await fetch(`${{base}}/api/runs?limit=5`);
        if (!res.ok) throw new Error(`GET /api/runs -> ${{res.status}}`);
        console.log("smoke ok");
    """
    ip, tport = target.split(":")
    return real.node_run(
        name,
        {"e2e/smoke.mjs": script},
        "e2e/smoke.mjs",
        hosts={
            f"127.0.0.1:{port}": target,
            "address: '127.0.0.1'": f"address: '{ip}'",
            f"port: {port}": f"port: {tport}",
        },
        shown="node e2e/smoke.mjs",
    )


def python_smoke(name: str, target: str) -> real.Out:
    port = real.free_port()
    script = f"""
        import json
        import urllib.request

        BASE = "http://127.0.0.1:{port}"

        with urllib.request.urlopen(BASE + "/api/v1/status", timeout=5) as resp:
            print(json.load(resp))
    """
    return real.sh(
        name,
        {"scripts/smoke_test.py": script},
        "python3 scripts/smoke_test.py",
        "python scripts/smoke_test.py",
        hosts={
            f"http://127.0.0.1:{port}": f"http://{target}",
            sys.base_prefix: "/opt/hostedtoolcache/Python/3.11.7/x64",
        },
    )


def h_gen(name: str) -> int:
    from gha import h

    return h(name + ":gen", 3, 40)


# ------------------------------------------------------------------ context builders


def clock(cid: str) -> tuple[str, str, str]:
    """created, first-failure and last-event times for a case."""
    from gha import h

    day = h(cid, 3, 27)
    hour = h(cid + "h", 8, 19)
    return (
        f"2026-11-{day:02d}T{hour:02d}:02:11Z",
        f"2026-11-{day:02d}T{hour:02d}:03:40Z",
        f"2026-11-{day:02d}T{hour:02d}:09:02Z",
    )


def crashloop(
    cid: str,
    app: str,
    image: str,
    exit_code: int,
    logs: list[str],
    restarts: int = 5,
    port: int = 8080,
    memory: str | None = "256Mi",
    healthy_peer: bool = True,
) -> dict[str, Any]:
    created, first, last = clock(cid)
    rs = f"{app}-{sha(cid)[:9]}"
    name = f"{rs}-{sha(cid + 'p')[:5]}"
    pods = [
        shapes.pod(
            name,
            NS,
            app,
            image,
            created=created,
            restarts=restarts,
            waiting=(
                "CrashLoopBackOff",
                f"back-off 2m40s restarting failed "
                f"container={app} pod={name}_{NS}({sha(name)[:8]}-"
                f"{sha(name)[8:12]}-4{sha(name)[12:15]}-a{sha(name)[15:18]}-"
                f"{sha(name)[18:30]})",
            ),
            terminated={
                "exit_code": exit_code,
                "reason": "Error",
                "started": first,
                "finished": first,
            },
            port=port,
            memory_limit=memory,
        )
    ]
    if healthy_peer:
        old = f"{app}-{sha(cid + 'old')[:9]}-{sha(cid + 'o')[:5]}"
        pods.append(
            shapes.pod(
                old,
                NS,
                app,
                previous_tag(image),
                created="2026-10-30T08:00:00Z",
                ready=True,
                port=port,
                memory_limit=memory,
            )
        )
    events = [
        shapes.event(
            NS,
            "Pod",
            name,
            "BackOff",
            f"Back-off restarting failed container {app} in pod {name}_{NS}({sha(name)[:8]})",
            first=first,
            last=last,
            count=restarts * 4,
        ),
        shapes.event(
            NS,
            "Pod",
            name,
            "Pulled",
            f'Container image "{image}" already present on machine',
            first=first,
            last=last,
            count=restarts,
            type_="Normal",
        ),
    ]
    loki = []
    for n, line in enumerate(x for x in logs if x.strip()):
        loki.append(line)
        del n
    return {"kubernetes": {"pods": pods, "events": events}, "loki": loki}


def previous_tag(image: str) -> str:
    """The image one patch release earlier (what the old ReplicaSet still runs)."""
    repo, tag = image.rsplit(":", 1)
    parts = tag.split(".")
    if len(parts) == 3 and parts[2].isdigit() and int(parts[2]) > 0:
        parts[2] = str(int(parts[2]) - 1)
    elif len(parts) == 3 and parts[1].isdigit() and int(parts[1]) > 0:
        parts[1:] = [str(int(parts[1]) - 1), "4"]
    return f"{repo}:{'.'.join(parts)}"


def waiting_pod(
    cid: str,
    app: str,
    image: str,
    reason: str,
    message: str,
    events: list[tuple[str, str, str]],
    memory: str | None = None,
    port: int = 8080,
) -> dict[str, Any]:
    created, first, last = clock(cid)
    name = f"{app}-{sha(cid)[:9]}-{sha(cid + 'p')[:5]}"
    pod = shapes.pod(
        name,
        NS,
        app,
        image,
        created=created,
        waiting=(reason, message),
        port=port,
        memory_limit=memory,
        phase="Pending",
    )
    evs = [
        shapes.event(
            NS, "Pod", name, r, m, first=first, last=last, type_=t, count=4 if t == "Warning" else 1
        )
        for r, m, t in events
    ]
    return {"kubernetes": {"pods": [pod], "events": evs}}


def healthy(cid: str, app: str, image: str, port: int = 8080) -> dict[str, Any]:
    created, _, _ = clock(cid)
    pods = [
        shapes.pod(
            f"{app}-{sha(cid)[:9]}-{sha(cid + str(i))[:5]}",
            NS,
            app,
            image,
            created=created,
            ready=True,
            port=port,
            memory_limit="512Mi",
        )
        for i in range(2)
    ]
    return {"kubernetes": {"pods": pods, "events": []}}


def argocd_wait_timeout(
    app: str, health: str, sync: str, revision: str, path: str, timeout: int = 300
) -> real.Out:
    """``argocd app wait`` giving up: its summary, resource table and fatal line."""
    lines = shapes.argocd_summary(
        app,
        "platform",
        NS,
        "5dlabs/cto",
        path,
        revision,
        sync,
        health,
        resources=[
            ("", "Service", NS, app, "Synced", "Healthy", "", ""),
            ("apps", "Deployment", NS, app, sync, health, "", ""),
        ],
    )
    lines.append(
        shapes.logrus_fatal(
            "2026-11-05T10:14:07Z",
            f'Timed out ({timeout}s) waiting for app \\"{app}\\" match desired state',
        )
    )
    return real.Out(f"argocd app wait {app} --sync --health --timeout {timeout}", lines, 20)


# ------------------------------------------------------------------ cases


def deploy_steps() -> list:
    return [
        uses(
            "azure/setup-kubectl@v4",
            {"version": "v1.31.4"},
            ["Downloading kubectl version v1.31.4", "kubectl version v1.31.4 installed"],
        ),
        run(
            'echo "$KUBECONFIG_B64" | base64 -d > $HOME/.kube/config',
            [],
            env={"KUBECONFIG_B64": "***"},
            name="Configure cluster access",
        ),
    ]


def rex_cases() -> None:
    out = curl_refused("ho-sym-curl-api", "healer.staging.5dlabs.ai")
    ctx = crashloop(
        "ho-ctx-curl-rust-config-panic",
        "healer-api",
        "ghcr.io/5dlabs/healer-api:0.9.2",
        101,
        PANICS["config"],
    )
    ci(
        "ho-ctx-curl-rust-config-panic",
        "the staging smoke test cannot connect; the pod is in "
        "CrashLoopBackOff because the Rust service panics parsing its own default '30s'",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="deploy-staging",
        job="smoke",
        steps=[failing(out, name="Smoke test")],
        message="feat(api): configurable drain",
        files=["crates/healer-api/src/config.rs"],
        extra=ctx,
    )

    out = rollout("ho-sym-rollout-router", "healer-router", 2, 1, 1)
    ctx = crashloop(
        "ho-ctx-rollout-rust-index-panic",
        "healer-router",
        "ghcr.io/5dlabs/healer-router:1.3.0",
        101,
        PANICS["router"],
    )
    ci(
        "ho-ctx-rollout-rust-index-panic",
        "kubectl rollout status times out in a deploy "
        "workflow; the new router pods panic with an index out of bounds",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="Deploy",
        job="rollout",
        steps=[*deploy_steps(), failing(out, name="Wait for rollout")],
        message="feat(router): weighted slots",
        files=["crates/router/src/router.rs"],
        event="check_run",
        check=("rollout", "error: timed out waiting for the condition"),
        extra=ctx,
    )

    out = wait_available("ho-sym-wait-sched", "healer-scheduler")
    ctx = crashloop(
        "ho-ctx-wait-rust-expect-panic",
        "healer-scheduler",
        "ghcr.io/5dlabs/healer-scheduler:0.6.0",
        101,
        PANICS["window"],
    )
    ci(
        "ho-ctx-wait-rust-expect-panic",
        "kubectl wait for Available times out; the scheduler "
        "panics on an expect() in its window arithmetic",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="infra-deploy",
        job="apply",
        steps=[
            *deploy_steps(),
            run(
                "kubectl apply -k infra/gitops/overlays/staging",
                ["deployment.apps/healer-scheduler configured"],
                name="Apply manifests",
            ),
            failing(out, name="Wait for scheduler"),
        ],
        message="feat(scheduler): maintenance windows",
        files=["crates/scheduler/src/window.rs"],
        extra=ctx,
    )

    out = node_e2e("ho-sym-e2e-gw", "10.43.118.20:80")
    ctx = crashloop(
        "ho-ctx-e2e-rust-json-panic",
        "healer-gateway",
        "ghcr.io/5dlabs/healer-gateway:2.1.0",
        101,
        PANICS["json"],
        restarts=7,
    )
    ci(
        "ho-ctx-e2e-rust-json-panic",
        "a frontend e2e job cannot reach the API; the Rust "
        "gateway behind it panics (JSON-logged) on an unwrap of None",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="frontend-e2e",
        job="e2e",
        steps=[*node_setup(), failing(out, name="Run smoke suite")],
        message="feat(gateway): agent routes",
        files=["crates/gateway/src/handlers.rs"],
        extra=ctx,
    )

    cmd, lines = shapes.helm_upgrade(
        "healer-metrics", "charts/healer-metrics", NS, "context deadline exceeded"
    )
    out = real.Out(cmd, lines, 1)
    ctx = crashloop(
        "ho-ctx-helm-wait-rust-divide",
        "healer-metrics",
        "ghcr.io/5dlabs/healer-metrics:0.3.1",
        101,
        PANICS["divide"],
    )
    ci(
        "ho-ctx-helm-wait-rust-divide",
        "helm upgrade --wait hits its deadline; the exporter "
        "panics with a division by zero at start-up",
        ["context-driven", "wrapper", "misleading-name"],
        "rex",
        "rust_test",
        workflow="helm-deploy",
        job="upgrade",
        steps=[
            *deploy_steps(),
            uses("azure/setup-helm@v4", {"version": "v3.16.3"}, []),
            failing(out, name="helm upgrade"),
        ],
        message="feat(metrics): success rate",
        files=["crates/metrics/src/metrics.rs"],
        extra=ctx,
    )

    out = argocd_wait_timeout(
        "healer-notify", "Degraded", "Synced", sha("notify"), "infra/gitops/apps/notify"
    )
    ctx = crashloop(
        "ho-ctx-argocd-degraded-rust-borrow",
        "healer-notify",
        "ghcr.io/5dlabs/healer-notify:0.8.0",
        101,
        PANICS["borrow"],
    )
    ctx["argocd"] = [
        shapes.argo_application(
            "healer-notify",
            NS,
            "5dlabs/cto",
            "infra/gitops/apps/notify",
            sha("notify"),
            "Synced",
            "Degraded",
            health_message="",
            op_message="successfully synced (all tasks run)",
            resources=[
                {
                    "group": "apps",
                    "version": "v1",
                    "kind": "Deployment",
                    "namespace": NS,
                    "name": "healer-notify",
                    "status": "Synced",
                    "health": {
                        "status": "Degraded",
                        "message": 'Deployment "healer-notify" exceeded its progress deadline',
                    },
                },
                {
                    "version": "v1",
                    "kind": "Service",
                    "namespace": NS,
                    "name": "healer-notify",
                    "status": "Synced",
                    "health": {"status": "Healthy"},
                },
            ],
        )
    ]
    ci(
        "ho-ctx-argocd-degraded-rust-borrow",
        "argocd app wait times out with the app "
        "Degraded; Argo CD synced fine, the pods crash on a RefCell double borrow",
        ["context-driven", "argocd", "misleading-name"],
        "rex",
        "rust_test",
        workflow="gitops-promote",
        job="wait-for-argocd",
        steps=[
            run(
                "curl -sSL -o /usr/local/bin/argocd https://github.com/argoproj/argo-cd/"
                "releases/download/v2.13.1/argocd-linux-amd64 && chmod +x "
                "/usr/local/bin/argocd",
                [],
                name="Install argocd",
            ),
            failing(out, name="Wait for Argo CD"),
        ],
        message="feat(notify): outbox",
        files=["crates/notify/src/state.rs"],
        extra=ctx,
    )

    out = python_smoke("ho-sym-py-migrate", "healer-api.cto.svc.cluster.local:8080")
    ctx = crashloop(
        "ho-ctx-smoke-rust-slice-panic",
        "healer-api",
        "ghcr.io/5dlabs/healer-api:0.9.4",
        101,
        PANICS["migrate"],
        restarts=3,
    )
    ci(
        "ho-ctx-smoke-rust-slice-panic",
        "a Python smoke test is refused; the API container "
        "panics slicing a migration file name at start-up",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="post-deploy",
        job="smoke",
        steps=[
            uses("actions/setup-python@v5", {"python-version": "3.11"}, []),
            failing(out, name="Smoke test"),
        ],
        message="feat(api): embedded migrations",
        files=["crates/healer-api/src/migrate.rs", "migrations/3.sql"],
        self_hosted=True,
        extra=ctx,
    )


def blaze_cases() -> None:
    out = curl_status(
        "ho-sym-503-bff", 503, "no healthy upstream", "app.staging.5dlabs.ai", "/api/health"
    )
    ctx = crashloop(
        "ho-ctx-503-node-rejection",
        "web-bff",
        "ghcr.io/5dlabs/web-bff:3.2.0",
        1,
        CRASHES["rejection"],
        port=3000,
    )
    ci(
        "ho-ctx-503-node-rejection",
        "the ingress answers 503; the Node BFF exits on an "
        "unhandled rejection while loading feature flags",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="deploy-staging",
        job="verify",
        steps=[failing(out, name="Check /api/health")],
        message="feat(bff): feature flags",
        files=["web/bff/server.mjs"],
        event="workflow_run",
        extra=ctx,
    )

    out = rollout("ho-sym-rollout-ssr", "web-ssr", 3, 1, 2)
    ctx = crashloop(
        "ho-ctx-rollout-node-typeerror",
        "web-ssr",
        "ghcr.io/5dlabs/web-ssr:3.2.1",
        1,
        CRASHES["typeerror"],
        port=3000,
    )
    ci(
        "ho-ctx-rollout-node-typeerror",
        "rollout status times out; the SSR server throws a TypeError reading settings.server.port",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="Deploy",
        job="web",
        steps=[*deploy_steps(), failing(out, name="Wait for web-ssr")],
        message="refactor(web): settings object",
        files=["web/server.mjs"],
        extra=ctx,
    )

    out = wait_available("ho-sym-wait-web", "web")
    ctx = crashloop(
        "ho-ctx-wait-node-module",
        "web",
        "ghcr.io/5dlabs/web:3.3.0",
        1,
        CRASHES["module"],
        port=3000,
    )
    ci(
        "ho-ctx-wait-node-module",
        "kubectl wait times out; the web server cannot find the "
        "'compression' package at run time because it moved to devDependencies",
        ["context-driven"],
        "blaze",
        "frontend_deps",
        workflow="web-deploy",
        job="deploy",
        steps=[*deploy_steps(), failing(out, name="Wait for web")],
        message="chore(web): tidy dependencies",
        files=["web/package.json"],
        extra=ctx,
    )

    out = node_e2e("ho-sym-e2e-api", "10.43.77.9:80")
    ctx = crashloop(
        "ho-ctx-e2e-node-json-log",
        "web-api",
        "ghcr.io/5dlabs/web-api:1.9.0",
        1,
        CRASHES["json"],
        port=3000,
    )
    ci(
        "ho-ctx-e2e-node-json-log",
        "the e2e suite is refused; the Node API logs a fatal "
        "TypeError (pino-style JSON) at start-up",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="e2e",
        job="smoke",
        steps=[*node_setup(), failing(out, name="Run e2e smoke")],
        message="feat(api): agents route",
        files=["web/api/routes.mjs"],
        extra=ctx,
    )

    out = curl_refused("ho-sym-curl-ctrl", "controller.staging.5dlabs.ai", "/readyz")
    ctx = crashloop(
        "ho-ctx-rust-named-node-crash",
        "controller-ui",
        "ghcr.io/5dlabs/controller-ui:0.4.0",
        1,
        CRASHES["typeerror"],
        port=3000,
    )
    ctx["kubernetes"]["pods"].append(
        shapes.pod(
            f"controller-{sha('ctrl')[:9]}-{sha('ctrl2')[:5]}",
            NS,
            "controller",
            "ghcr.io/5dlabs/controller:1.12.0",
            created="2026-11-01T07:00:00Z",
            ready=True,
            port=8080,
            memory_limit="512Mi",
        )
    )
    ci(
        "ho-ctx-rust-named-node-crash",
        "a 'Controller CI' deploy check fails; the Rust "
        "controller is healthy, its Node UI sidecar crashes with a TypeError",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="Controller CI",
        job="deploy-check",
        steps=[failing(out, name="Probe readiness")],
        message="feat(controller-ui): settings",
        files=["controller-ui/server.mjs"],
        extra=ctx,
    )

    out = wait_job("ho-sym-wait-seed", "web-db-seed")
    created, first, last = clock("ho-ctx-wait-job-node")
    pod_name = f"web-db-seed-{sha('seed')[:5]}"
    pod = shapes.pod(
        pod_name,
        NS,
        "web-db-seed",
        "ghcr.io/5dlabs/web:3.4.0",
        created=created,
        phase="Failed",
        terminated={"exit_code": 1, "reason": "Error", "started": first, "finished": first},
        waiting=None,
        owner=("Job", "web-db-seed"),
    )
    ci(
        "ho-ctx-wait-job-node",
        "kubectl wait for a seed Job never completes; the Job's pod "
        "fails with a Node TypeError (default export misuse)",
        ["context-driven", "wrapper"],
        "blaze",
        "frontend_test",
        workflow="Deploy",
        job="seed",
        steps=[*deploy_steps(), failing(out, name="Wait for seed job")],
        message="feat(web): seed flags",
        files=["web/migrations/index.mjs"],
        extra={
            "kubernetes": {
                "pods": [pod],
                "events": [
                    shapes.event(
                        NS,
                        "Job",
                        "web-db-seed",
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                        first=last,
                        last=last,
                        component="job-controller",
                    )
                ],
            },
            "loki": [ln for ln in CRASHES["migration"] if ln.strip()],
        },
    )

    out = argocd_wait_timeout("web", "Degraded", "Synced", sha("web"), "infra/gitops/apps/web")
    ctx = crashloop(
        "ho-ctx-argocd-node-rejection",
        "web",
        "ghcr.io/5dlabs/web:3.5.0",
        1,
        CRASHES["rejection"],
        port=3000,
    )
    ctx["argocd"] = [
        {
            "name": "web",
            "sync_status": "Synced",
            "health_status": "Degraded",
            "message": 'Deployment "web" exceeded its progress deadline',
            "unhealthy_resources": ["apps/Deployment/cto/web"],
        }
    ]
    ci(
        "ho-ctx-argocd-node-rejection",
        "Argo CD reports web Degraded after a clean sync; the "
        "Node process exits on an unhandled rejection",
        ["context-driven", "argocd", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="gitops-promote",
        job="wait",
        steps=[failing(out, name="argocd app wait")],
        message="feat(web): flags at start-up",
        files=["web/server.mjs"],
        extra=ctx,
    )


def bolt_cases() -> None:
    created, first, last = clock("ho-ctx-imagepull-tag")
    out = rollout("ho-sym-rollout-api", "healer-api", 2, 1, 1)
    ctx = waiting_pod(
        "ho-ctx-imagepull-tag",
        "healer-api",
        "ghcr.io/5dlabs/healer-api:0.9.3-rc1",
        "ImagePullBackOff",
        'Back-off pulling image "ghcr.io/5dlabs/healer-api:0.9.3-rc1"',
        [
            ("Pulling", 'Pulling image "ghcr.io/5dlabs/healer-api:0.9.3-rc1"', "Normal"),
            (
                "Failed",
                'Failed to pull image "ghcr.io/5dlabs/healer-api:0.9.3-rc1'
                '": rpc error: code = NotFound desc = failed to pull and unpack '
                'image "ghcr.io/5dlabs/healer-api:0.9.3-rc1": failed to resolve '
                'reference "ghcr.io/5dlabs/healer-api:0.9.3-rc1": '
                "ghcr.io/5dlabs/healer-api:0.9.3-rc1: not found",
                "Warning",
            ),
            ("Failed", "Error: ImagePullBackOff", "Warning"),
        ],
    )
    ci(
        "ho-ctx-imagepull-tag",
        "rollout times out; the kustomization points at an image tag "
        "that was never pushed (ImagePullBackOff)",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="Rust CI",
        job="deploy-staging",
        steps=[*deploy_steps(), failing(out, name="Rollout")],
        message="deploy(api): 0.9.3-rc1",
        files=["infra/gitops/apps/healer/kustomization.yaml"],
        event="sensor",
        extra=ctx,
    )

    out = wait_available("ho-sym-wait-priv", "rust-api")
    ctx = waiting_pod(
        "ho-ctx-errimagepull-auth",
        "rust-api",
        "registry.5dlabs.ai/platform/rust-api:2.0.0",
        "ErrImagePull",
        "failed to authorize: failed to fetch anonymous token: unexpected status "
        "from GET request to https://registry.5dlabs.ai/token?scope=repository%3A"
        "platform%2Frust-api%3Apull&service=registry.5dlabs.ai: 401 Unauthorized",
        [
            (
                "Failed",
                'Failed to pull image "registry.5dlabs.ai/platform/rust-api:'
                '2.0.0": failed to authorize: failed to fetch anonymous token: '
                "unexpected status from GET request to https://registry.5dlabs.ai/"
                "token?scope=repository%3Aplatform%2Frust-api%3Apull&service="
                "registry.5dlabs.ai: 401 Unauthorized",
                "Warning",
            )
        ],
    )
    ci(
        "ho-ctx-errimagepull-auth",
        "kubectl wait times out; the moved image registry needs "
        "an imagePullSecret the Deployment does not reference",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="rust-api",
        job="deploy",
        steps=[*deploy_steps(), failing(out, name="Wait for rust-api")],
        message="deploy: move images to registry.5dlabs.ai",
        files=["infra/gitops/apps/rust-api/deployment.yaml"],
        extra=ctx,
    )

    out = wait_available("ho-sym-wait-secret", "healer")
    ctx = waiting_pod(
        "ho-ctx-secret-missing",
        "healer",
        "ghcr.io/5dlabs/healer:1.8.1",
        "CreateContainerConfigError",
        'secret "healer-github-app" not found',
        [("Failed", 'Error: secret "healer-github-app" not found', "Warning")],
    )
    ci(
        "ho-ctx-secret-missing",
        "kubectl wait times out; the pod cannot start because the "
        "renamed Secret does not exist in the namespace",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="Deploy",
        job="healer",
        steps=[*deploy_steps(), failing(out, name="Wait for healer")],
        message="deploy(healer): github app secret",
        files=["infra/gitops/apps/healer/deployment.yaml"],
        event="sensor",
        extra=ctx,
    )

    out = node_e2e("ho-sym-e2e-cfg", "10.43.12.40:80")
    ctx = waiting_pod(
        "ho-ctx-configmap-missing",
        "web",
        "ghcr.io/5dlabs/web:3.6.0",
        "CreateContainerConfigError",
        'configmap "web-runtime-config" not found',
        [("Failed", 'Error: configmap "web-runtime-config" not found', "Warning")],
        port=3000,
    )
    ci(
        "ho-ctx-configmap-missing",
        "a frontend e2e job is refused; the web pod is stuck on a "
        "ConfigMap that the overlay no longer generates",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="Frontend CI",
        job="e2e",
        steps=[*node_setup(), failing(out, name="e2e smoke")],
        message="gitops(web): drop configMapGenerator",
        files=["infra/gitops/overlays/staging/kustomization.yaml"],
        extra=ctx,
    )

    out = curl_status(
        "ho-sym-503-sel", 503, "no healthy upstream", "healer.staging.5dlabs.ai", "/healthz"
    )
    ctx = healthy("ho-ctx-service-selector", "healer", "ghcr.io/5dlabs/healer:1.8.2")
    ctx["kubernetes"]["services"] = [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "healer", "namespace": NS},
            "spec": {
                "selector": {"app": "healer"},
                "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}],
                "type": "ClusterIP",
                "clusterIP": "10.43.90.14",
            },
        }
    ]
    ctx["kubernetes"]["endpoints"] = [
        {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "healer", "namespace": NS}}
    ]
    ci(
        "ho-ctx-service-selector",
        "the ingress answers 503 while pods are Ready: the Service "
        "selects app=healer but the pods are labelled app.kubernetes.io/name=healer, so it has "
        "no endpoints",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="smoke",
        steps=[failing(out, name="Smoke test")],
        message="k8s(healer): recommended labels",
        files=["infra/gitops/apps/healer/deployment.yaml"],
        extra=ctx,
    )

    out = curl_status("ho-sym-502-port", 502, "Bad Gateway", "app.staging.5dlabs.ai", "/")
    ctx = healthy("ho-ctx-service-targetport", "web", "ghcr.io/5dlabs/web:3.6.1", port=3000)
    ctx["kubernetes"]["services"] = [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": NS},
            "spec": {
                "selector": {"app.kubernetes.io/name": "web"},
                "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}],
            },
        }
    ]
    ctx["loki"] = [
        'time="2026-11-12T10:03:41Z" level=error msg="502 Bad Gateway" '
        'service=cto-web-80 error="dial tcp 10.42.1.57:8080: connect: connection '
        'refused"'
    ]
    ci(
        "ho-ctx-service-targetport",
        "the ingress answers 502; the Service targets port 8080 "
        "but the web container listens on 3000",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="web-ci",
        job="smoke",
        steps=[failing(out, name="Check homepage")],
        message="k8s(web): service port",
        files=["infra/gitops/apps/web/service.yaml"],
        extra=ctx,
    )

    out = rollout("ho-sym-rollout-oom", "healer", 2, 1, 1)
    created, first, last = clock("ho-ctx-oom-limit-lowered")
    name = f"healer-{sha('oomh')[:9]}-{sha('oomp')[:5]}"
    pod = shapes.pod(
        name,
        NS,
        "healer",
        "ghcr.io/5dlabs/healer:1.8.3",
        created=created,
        restarts=4,
        memory_limit="128Mi",
        waiting=(
            "CrashLoopBackOff",
            f"back-off 1m20s restarting failed container=healer pod={name}_{NS}",
        ),
        terminated={"exit_code": 137, "reason": "OOMKilled", "started": first, "finished": first},
    )
    prom = {
        f'max_over_time(container_memory_working_set_bytes{{namespace="{NS}",'
        'container="healer"}[1d] offset 1d)': [
            {"metric": {"container": "healer"}, "value": [1794390000, "201326592"]}
        ],
        f'kube_pod_container_resource_limits{{namespace="{NS}",container="healer",'
        'resource="memory"}': [{"metric": {"pod": name}, "value": [1794390000, "134217728"]}],
    }
    ci(
        "ho-ctx-oom-limit-lowered",
        "rollout times out; the new pods are OOMKilled because "
        "the chart cut the memory limit to 128Mi while the service has used ~190Mi for a day",
        ["context-driven"],
        "bolt",
        "helm",
        workflow="helm-deploy",
        job="healer",
        steps=[*deploy_steps(), failing(out, name="Wait for rollout")],
        message="chore(chart): right-size healer resources",
        files=["charts/healer/values.yaml"],
        extra={
            "kubernetes": {
                "pods": [pod],
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        name,
                        "BackOff",
                        "Back-off restarting failed container healer",
                        first=first,
                        last=last,
                        count=9,
                    )
                ],
            },
            "prometheus": prom,
            "loki": [
                "healer 1.8.3 starting",
                "loaded 41 routing rules",
                "warming caches (12 repositories)",
            ],
        },
    )

    revision = sha("immutable")
    msg = (
        'one or more objects failed to apply, reason: Deployment.apps "healer" is invalid: '
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string"
        '{"app.kubernetes.io/name":"healer", "tier":"api"}, MatchExpressions:[]v1.'
        "LabelSelectorRequirement(nil)}: field is immutable"
    )
    out_lines = shapes.argocd_summary(
        "healer",
        "platform",
        NS,
        "5dlabs/cto",
        "infra/gitops/apps/healer",
        revision,
        "OutOfSync",
        "Healthy",
        phase="Failed",
        message=msg,
        resources=[
            (
                "apps",
                "Deployment",
                NS,
                "healer",
                "OutOfSync",
                "Healthy",
                "",
                'Deployment.apps "healer" is invalid: spec.selector: field is immutable',
            )
        ],
    )
    out_lines.append(
        shapes.logrus_fatal("2026-11-06T12:00:09Z", "Operation has completed with phase: Failed")
    )
    out = real.Out("argocd app sync healer --timeout 300", out_lines, 20)
    app = shapes.argo_application(
        "healer",
        NS,
        "5dlabs/cto",
        "infra/gitops/apps/healer",
        revision,
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
                "name": "healer",
                "status": "OutOfSync",
                "health": {"status": "Healthy"},
                "syncPhase": "Sync",
                "message": 'Deployment.apps "healer" is invalid: spec.selector: field is immutable',
            }
        ],
        conditions=[
            {
                "type": "SyncError",
                "message": "Failed sync attempt to " + revision + ": " + msg,
                "lastTransitionTime": "2026-11-06T12:00:09Z",
            }
        ],
    )
    ci(
        "ho-argocd-sync-immutable-selector",
        "argocd app sync fails: the new selector label "
        "makes the Deployment's immutable selector change",
        ["argocd", "obvious"],
        "bolt",
        "argocd_sync",
        workflow="gitops-promote",
        job="sync",
        steps=[failing(out, name="Sync healer")],
        message="k8s(healer): tier label",
        files=["infra/gitops/apps/healer/deployment.yaml"],
        extra={"argocd": [app]},
    )

    kz = real.kubectl(
        "ho-kz-argocd",
        {
            "apps/web/kustomization.yaml": "resources:\n  - deployment.yaml\n  - hpa.yaml\n",
            "apps/web/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            "  name: web\n",
        },
        ["kustomize", "apps/web"],
    )
    err = "Error: " + kz.lines[0].split(' err="', 1)[1].rstrip('"')
    err = err.replace(real.RUNNER + "/apps", "/tmp/_argocd-repo/8f1e3b2a/infra/gitops/apps")
    out = argocd_wait_timeout(
        "web", "Healthy", "Unknown", sha("cmp"), "infra/gitops/apps/web", timeout=180
    )
    ci(
        "ho-ctx-argocd-comparison-error",
        "argocd app wait times out; Argo CD cannot even "
        "render the app: kustomize fails on a resource that is not in the repo",
        ["context-driven", "argocd"],
        "bolt",
        "argocd_sync",
        workflow="Deploy",
        job="wait-argocd",
        steps=[failing(out, name="Wait for sync")],
        message="gitops(web): autoscaling",
        files=["infra/gitops/apps/web/kustomization.yaml"],
        extra={
            "argocd": [
                {
                    "name": "web",
                    "sync_status": "Unknown",
                    "health_status": "Healthy",
                    "message": "ComparisonError: Failed to load target state: failed to "
                    "generate manifest for source 1 of 1: rpc error: code = "
                    "Unknown desc = `kustomize build /tmp/_argocd-repo/"
                    "8f1e3b2a/infra/gitops/apps/web` failed exit status 1: " + err,
                }
            ]
        },
    )

    out = wait_available("ho-sym-wait-probe", "healer-api")
    created, first, last = clock("ho-ctx-readiness-probe-path")
    pods = [
        shapes.pod(
            f"healer-api-{sha('probe')[:9]}-{sha('probe' + str(i))[:5]}",
            NS,
            "healer-api",
            "ghcr.io/5dlabs/healer-api:0.9.5",
            created=created,
            ready=False,
            port=8080,
            probe_path="/healthz",
            memory_limit="256Mi",
        )
        for i in range(2)
    ]
    ci(
        "ho-ctx-readiness-probe-path",
        "kubectl wait times out; pods run but never become "
        "Ready: the new readiness probe path /healthz returns 404 (the service serves "
        "/health)",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="Rust CI",
        job="deploy",
        steps=[*deploy_steps(), failing(out, name="Wait for API")],
        message="k8s(api): readiness probe",
        files=["infra/gitops/apps/healer-api/deployment.yaml"],
        extra={
            "kubernetes": {
                "pods": pods,
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        pods[0]["metadata"]["name"],
                        "Unhealthy",
                        "Readiness probe failed: HTTP probe failed with statuscode: 404",
                        first=first,
                        last=last,
                        count=36,
                    )
                ],
            },
            "loki": [
                '{"level":"INFO","fields":{"message":"GET /healthz 404"},'
                '"target":"healer_api::http"}',
                '{"level":"INFO","fields":{"message":"GET /health 200"},'
                '"target":"healer_api::http"}',
            ],
        },
    )

    out = wait_available("ho-sym-wait-pvc", "healer-store")
    created, first, last = clock("ho-ctx-pvc-storageclass")
    pod = shapes.pod(
        f"healer-store-{sha('pvc')[:9]}-{sha('pvc2')[:5]}",
        NS,
        "healer-store",
        "ghcr.io/5dlabs/healer-store:0.2.0",
        created=created,
        phase="Pending",
        scheduled=False,
        pending_message="0/3 nodes are available: pod has unbound "
        "immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling.",
    )
    ci(
        "ho-ctx-pvc-storageclass",
        "kubectl wait times out; the pod is Pending because its PVC "
        "asks for a StorageClass that does not exist",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="Deploy",
        job="store",
        steps=[*deploy_steps(), failing(out, name="Wait for store")],
        message="k8s(store): fast storage",
        files=["infra/gitops/apps/store/pvc.yaml"],
        extra={
            "kubernetes": {
                "pods": [pod],
                "events": [
                    shapes.event(
                        NS,
                        "PersistentVolumeClaim",
                        "healer-store-data",
                        "ProvisioningFailed",
                        'storageclass.storage.k8s.io "fast-ssd" not found',
                        first=first,
                        last=last,
                        count=12,
                        component="persistentvolume-controller",
                    ),
                    shapes.event(
                        NS,
                        "Pod",
                        pod["metadata"]["name"],
                        "FailedScheduling",
                        "0/3 nodes are available: pod has unbound immediate "
                        "PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 "
                        "Preemption is not helpful for scheduling.",
                        first=first,
                        last=last,
                        component="default-scheduler",
                    ),
                ],
            }
        },
    )

    cmd, lines = shapes.helm_upgrade(
        "healer",
        "charts/healer",
        NS,
        "pre-upgrade hooks failed: timed out waiting for the condition",
    )
    out = real.Out(cmd, lines, 1)
    created, first, last = clock("ho-ctx-helm-hook-image")
    job_pod = shapes.pod(
        f"healer-migrate-{sha('hk')[:5]}",
        NS,
        "healer-migrate",
        "ghcr.io/5dlabs/healer-migrate:1.9.0",
        created=created,
        waiting=(
            "ImagePullBackOff",
            'Back-off pulling image "ghcr.io/5dlabs/healer-migrate:1.9.0"',
        ),
        owner=("Job", "healer-migrate"),
        phase="Pending",
    )
    ci(
        "ho-ctx-helm-hook-image",
        "helm's pre-upgrade hook times out; the migration Job "
        "cannot pull its image (values point at a migrate image that is not published)",
        ["context-driven", "wrapper"],
        "bolt",
        "helm",
        workflow="helm-deploy",
        job="upgrade",
        steps=[*deploy_steps(), failing(out, name="helm upgrade")],
        message="chart(healer): separate migrate image",
        files=["charts/healer/values.yaml", "charts/healer/templates/migrate-job.yaml"],
        extra={
            "kubernetes": {
                "pods": [job_pod],
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        job_pod["metadata"]["name"],
                        "Failed",
                        'Failed to pull image "ghcr.io/5dlabs/healer-migrate:1.9.0": rpc '
                        "error: code = NotFound desc = failed to pull and unpack image "
                        '"ghcr.io/5dlabs/healer-migrate:1.9.0": not found',
                        first=first,
                        last=last,
                        count=6,
                    )
                ],
            }
        },
    )

    out = rollout("ho-sym-rollout-cpu", "healer-worker", 3, 1, 2, deadline=True)
    created, first, last = clock("ho-ctx-insufficient-cpu")
    pod = shapes.pod(
        f"healer-worker-{sha('cpu')[:9]}-{sha('cpu2')[:5]}",
        NS,
        "healer-worker",
        "ghcr.io/5dlabs/healer-worker:1.8.0",
        created=created,
        phase="Pending",
        scheduled=False,
        pending_message="0/3 nodes are available: 3 Insufficient "
        "cpu. preemption: 0/3 nodes are available: 3 No preemption victims found "
        "for incoming pod.",
    )
    ci(
        "ho-ctx-insufficient-cpu",
        "the rollout exceeds its progress deadline; new pods stay "
        "Pending because the chart now requests 4 CPUs per worker",
        ["context-driven"],
        "bolt",
        "helm",
        workflow="helm-deploy",
        job="workers",
        steps=[*deploy_steps(), failing(out, name="Wait for workers")],
        message="chart(worker): more cpu",
        files=["charts/healer/values.yaml"],
        extra={
            "kubernetes": {
                "pods": [pod],
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        pod["metadata"]["name"],
                        "FailedScheduling",
                        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes "
                        "are available: 3 No preemption victims found for incoming pod.",
                        first=first,
                        last=last,
                        count=15,
                        component="default-scheduler",
                    )
                ],
            },
            "prometheus": {
                'sum(kube_node_status_allocatable{resource="cpu"})': 12,
                'sum(kube_pod_container_resource_requests{resource="cpu"})': 10.4,
            },
        },
    )


def atlas_cases() -> None:
    out = curl_refused("ho-sym-flake-curl", "healer.staging.5dlabs.ai")
    ctx = healthy("ho-ctx-flake-all-healthy", "healer", "ghcr.io/5dlabs/healer:1.8.2")
    ctx["argocd"] = [
        {"name": "healer", "sync_status": "Synced", "health_status": "Healthy", "message": ""}
    ]
    ctx["prometheus"] = {
        'up{job="healer"}': [
            {"metric": {"instance": "10.42.1.18:8080"}, "value": [1794400000, "1"]}
        ],
        'sum(rate(http_requests_total{job="healer",code=~"5.."}[5m]))': 0,
    }
    ci(
        "ho-ctx-flake-all-healthy",
        "the smoke test's connection is refused once, yet pods, "
        "Argo CD and Prometheus all show a healthy service: a network blip",
        ["context-driven", "flaky-infra"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="smoke",
        steps=[failing(out, name="Smoke test")],
        message="docs: runbook links",
        files=["docs/runbook.md"],
        extra=ctx,
    )

    out = curl_status(
        "ho-sym-flake-503",
        503,
        "upstream connect error or disconnect/reset "
        "before headers. reset reason: connection termination",
        "app.staging.5dlabs.ai",
        "/api/health",
    )
    ctx = healthy("ho-ctx-flake-503-healthy", "web", "ghcr.io/5dlabs/web:3.6.1", port=3000)
    ctx["prometheus"] = {
        'sum(rate(http_requests_total{job="web",code=~"5.."}[5m])) / '
        'sum(rate(http_requests_total{job="web"}[5m]))': [
            {
                "metric": {},
                "values": [
                    [1794400000 + 60 * i, v] for i, v in enumerate(["0", "0", "0.004", "0", "0"])
                ],
            }
        ]
    }
    ci(
        "ho-ctx-flake-503-healthy",
        "one 503 from the edge proxy; the web pods were Ready throughout and the error rate is ~0",
        ["context-driven", "flaky-infra"],
        "atlas",
        "general",
        workflow="web-ci",
        job="verify",
        steps=[failing(out, name="Check health")],
        message="feat(web): footer",
        files=["web/src/footer.js"],
        event="workflow_run",
        extra=ctx,
    )

    out = node_e2e("ho-sym-flake-e2e", "10.43.12.40:80")
    ctx = healthy(
        "ho-ctx-flake-e2e-names", "crashloop-exporter", "ghcr.io/5dlabs/crashloop-exporter:0.3.0"
    )
    ctx["kubernetes"]["pods"] += healthy(
        "ho-ctx-flake-e2e-names2", "web", "ghcr.io/5dlabs/web:3.6.1", port=3000
    )["kubernetes"]["pods"]
    ctx["argocd"] = [
        {"name": "oom-guard", "sync_status": "Synced", "health_status": "Healthy", "message": ""},
        {"name": "web", "sync_status": "Synced", "health_status": "Healthy", "message": ""},
    ]
    ci(
        "ho-ctx-flake-e2e-names",
        "the e2e run is refused once; every app is Healthy. Apps "
        "named crashloop-exporter and oom-guard are only names",
        ["context-driven", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="e2e",
        job="smoke",
        steps=[*node_setup(), failing(out, name="Run e2e smoke")],
        message="test(e2e): longer timeouts",
        files=["e2e/smoke.mjs"],
        extra=ctx,
    )

    out = rollout("ho-sym-flake-rollout", "web", 2, 2, 1)
    ctx = healthy("ho-ctx-flake-rollout-none", "web", "ghcr.io/5dlabs/web:3.6.2", port=3000)
    ci(
        "ho-ctx-flake-rollout-none",
        "rollout status timed out, but by the time context was "
        "gathered both pods are Ready with no warnings: nothing to fix in code or manifests",
        ["context-driven", "flaky-infra"],
        "atlas",
        "general",
        workflow="Deploy",
        job="web",
        steps=[*deploy_steps(), failing(out, name="Wait for rollout")],
        message="feat(web): dark mode",
        files=["web/src/theme.css"],
        extra=ctx,
    )

    out = python_smoke("ho-sym-flake-py", "healer-api.cto.svc.cluster.local:8080")
    ci(
        "ho-ctx-flake-no-context",
        "a smoke test is refused and no context source has "
        "anything to say (no pods listed, no alerts): treat as a transient network failure",
        ["context-driven", "flaky-infra"],
        "atlas",
        "general",
        workflow="post-deploy",
        job="smoke",
        steps=[
            uses("actions/setup-python@v5", {"python-version": "3.11"}, []),
            failing(out, name="Smoke test"),
        ],
        message="chore: bump version",
        files=["VERSION"],
        extra={"prometheus": {'ALERTS{alertstate="firing"}': []}},
    )


def alerts_context() -> None:
    """Firing alerts in Prometheus carry the cause."""
    out = curl_status(
        "ho-sym-alert-503", 503, "Service Unavailable", "healer.5dlabs.ai", "/healthz"
    )
    firing = [
        {
            "metric": {
                "__name__": "ALERTS",
                "alertname": "KubePodCrashLooping",
                "alertstate": "firing",
                "namespace": NS,
                "pod": "healer-api-" + sha("al")[:9] + "-" + sha("al2")[:5],
                "container": "healer-api",
                "severity": "warning",
            },
            "value": [1794500000, "1"],
        },
        {
            "metric": {
                "__name__": "ALERTS",
                "alertname": "HealerPanics",
                "alertstate": "firing",
                "namespace": NS,
                "severity": "page",
            },
            "value": [1794500000, "1"],
        },
    ]
    ctx = crashloop(
        "ho-ctx-alerts-rust-panic",
        "healer-api",
        "ghcr.io/5dlabs/healer-api:0.9.6",
        101,
        PANICS["config"],
        healthy_peer=False,
    )
    ctx["prometheus"] = {
        'ALERTS{alertstate="firing"}': firing,
        f'increase(kube_pod_container_status_restarts_total{{namespace="{NS}"}}[15m])': [
            {"metric": {"container": "healer-api"}, "value": [1794500000, "6"]}
        ],
    }
    ci(
        "ho-ctx-alerts-rust-panic",
        "production health check gets 503; firing alerts and the "
        "pod log show the API panicking at start-up",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="prod-canary",
        job="verify",
        steps=[failing(out, name="Canary check")],
        message="feat(api): configurable drain",
        files=["crates/healer-api/src/config.rs"],
        pr=pr_of("ho-ctx-alerts-rust-panic", "feat(api): configurable drain"),
        extra=ctx,
    )


def build() -> None:
    programs()
    rex_cases()
    blaze_cases()
    bolt_cases()
    atlas_cases()
    alerts_context()
    hook_cases()
    more_context()


def hook_cases() -> None:
    """Helm hooks that fail because of the application the hook runs."""
    cmd, lines = shapes.helm_upgrade(
        "healer", "charts/healer", NS, "pre-upgrade hooks failed: job failed: BackoffLimitExceeded"
    )
    out = real.Out(cmd, lines, 1)
    created, first, last = clock("ho-helm-hook-migrate-rust-panic")
    pods = [
        shapes.pod(
            f"healer-migrate-{sha('mig' + str(i))[:5]}",
            NS,
            "healer-migrate",
            "ghcr.io/5dlabs/healer:1.9.0",
            created=created,
            phase="Failed",
            terminated={"exit_code": 101, "reason": "Error", "started": first, "finished": first},
            owner=("Job", "healer-migrate"),
            container="migrate",
        )
        for i in range(3)
    ]
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
        )
    ]
    ci(
        "ho-helm-hook-migrate-rust-panic",
        "helm's pre-upgrade migration hook hits its "
        "backoff limit; the hook runs the service's own migrate binary, which panics on a "
        "short migration file name",
        ["wrapper", "context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="helm-deploy",
        job="upgrade",
        steps=[
            *deploy_steps(),
            uses("azure/setup-helm@v4", {"version": "v3.16.3"}, []),
            failing(out, name="helm upgrade"),
        ],
        message="feat(store): embedded migrations",
        files=["crates/healer/src/migrate.rs", "migrations/3.sql"],
        extra={
            "kubernetes": {"pods": pods, "events": events},
            "loki": [ln for ln in PANICS["migrate"] if ln.strip()],
        },
    )


def more_context() -> None:
    """Argo CD's short status and Prometheus error rates as the only explanation."""
    out = curl_status(
        "ho-sym-404-ingress", 404, "404 page not found", "app.staging.5dlabs.ai", "/dashboard"
    )
    msg = (
        'one or more objects failed to apply, reason: Ingress.networking.k8s.io "web" is '
        "invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be "
        "specified"
    )
    ctx = healthy("ho-ctx-curl-argocd-ingress", "web", "ghcr.io/5dlabs/web:3.7.0", port=3000)
    ctx["argocd"] = [
        {
            "name": "web",
            "sync_status": "OutOfSync",
            "health_status": "Healthy",
            "message": msg,
            "unhealthy_resources": [],
        }
    ]
    ci(
        "ho-ctx-curl-argocd-ingress",
        "the new /dashboard route answers 404: Argo CD could "
        "not apply the Ingress (pathType missing), so the old routes are still live",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="Frontend CI",
        job="smoke",
        steps=[failing(out, name="Check dashboard")],
        message="feat(web): dashboard route",
        files=["infra/gitops/apps/web/ingress.yaml", "web/src/dashboard.tsx"],
        extra=ctx,
    )

    handler = node_crash(
        "web-api-handler",
        {
            "server.mjs": """
        function tenantOf(req) {
          return req.headers["x-tenant"].split(":")[0];
        }

        for (const req of [{ headers: { "x-tenant": "acme:eu" } }, { headers: {} }]) {
          try {
            console.log(JSON.stringify({ level: 30, msg: "request", tenant: tenantOf(req) }));
          } catch (err) {
            console.log(JSON.stringify({ level: 50, msg: "unhandled error in GET /api/runs",
                                         err: { type: err.name, message: err.message,
                                                stack: err.stack } }));
          }
        }
        process.exit(1);
    """
        },
        "server.mjs",
    )
    out = curl_status(
        "ho-sym-500-canary", 500, '{"error":"internal"}', "app.5dlabs.ai", "/api/runs?limit=5"
    )
    ctx = healthy(
        "ho-ctx-canary-error-rate-node", "web-api", "ghcr.io/5dlabs/web-api:2.0.0", port=3000
    )
    ctx["prometheus"] = {
        'sum(rate(http_requests_total{job="web-api",code=~"5.."}[5m])) / '
        'sum(rate(http_requests_total{job="web-api"}[5m]))': [
            {
                "metric": {},
                "values": [
                    [1794600000 + 60 * i, v]
                    for i, v in enumerate(["0", "0.001", "0.21", "0.34", "0.36"])
                ],
            }
        ],
        'ALERTS{alertstate="firing"}': [
            {
                "metric": {
                    "__name__": "ALERTS",
                    "alertname": "WebApiErrorRateHigh",
                    "alertstate": "firing",
                    "job": "web-api",
                    "severity": "page",
                },
                "value": [1794600240, "1"],
            }
        ],
    }
    ctx["loki"] = [ln for ln in handler if ln.strip()]
    ci(
        "ho-ctx-canary-error-rate-node",
        "the canary gets a 500; pods are healthy but the "
        "error rate jumped to a third and the Node API logs a TypeError for requests without "
        "a tenant header",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="prod-canary",
        job="verify",
        steps=[failing(out, name="Canary request")],
        message="feat(api): per-tenant runs",
        files=["web/api/tenant.mjs"],
        extra=ctx,
    )
