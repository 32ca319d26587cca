"""Batch 38 of the fresh split (ids ``fr-zl-``): deployment look-alikes after a merge to main,
where the job log shows only a symptom (``kubectl rollout status`` or ``kubectl wait`` timing
out, Helm's ``--wait`` deadline, ``argocd app wait`` timing out, a smoke test's curl error, a
health-check loop retrying) and the gathered context (pods and events in the Kubernetes API
shape, Loki lines printed by the real programs, Argo CD Applications, Prometheus series and
alerts, the change's files) names the owner. Causes are paired on the same symptom.

- configuration keys: the chart renamed the ConfigMap key the Deployment's
  ``configMapKeyRef`` names, so the pods sit in ``CreateContainerConfigError`` (bolt); the Rust
  code's new ``env::var(..).expect`` on a variable the chart never set (rex); the Node server
  reading ``config.flags.endpoint`` from a mounted JSON file that never had it (blaze); the
  chart renamed a values key that values-staging.yaml still sets under the old name, so the
  unchanged Rust binary panics on an empty ``DATABASE_URL`` (bolt, a Rust panic in Loki);
- readiness probes: the chart moved the probe to ``/healthz/ready`` the service does not serve
  (bolt); the Rust router refactor dropped ``/readyz`` (rex); the console's route migration
  dropped ``/api/health`` (blaze), all three with kubelet's ``statuscode: 404``;
- Secret-sourced variables: a ``secretKeyRef`` to a key the Secret does not have (bolt); the
  Rust code's new parser panicking on the present, old-format value (rex);
- migration Jobs: PostgreSQL refusing the change's ``ADD COLUMN ... NOT NULL`` from the Rust
  crate's migrations (rex) vs ``password authentication failed`` after the chart pointed the
  Job at another Secret (bolt);
- images: a tag the values file names that the registry never had (bolt) vs ghcr.io answering
  503 on a tag the same run pushed (atlas);
- memory: OOMKilled after the chart cut the limit below steady usage (bolt), after the Rust
  upload handler started collecting the whole body (rex), after the Node upload route started
  ``arrayBuffer()``-ing the request (blaze);
- smoke tests: a connection reset with every pod ready, normal events and quiet Loki (atlas),
  a 500 whose Loki lines carry the Rust panic of the change's slicing (rex), a 500 whose Loki
  line carries the Node TypeError from the change (blaze), a 502 from ingress-nginx after the
  chart changed the Service's targetPort (bolt);
- Argo CD: ``argocd app wait`` timing out with a ComparisonError because the repo server cannot
  reach github.com, with a Rust-only change (atlas);
- plain: Helm's nil pointer in the change's template (bolt), rustc E0599 in the deploy build
  (rex), yamllint's duplicate key in the change's values (bolt), tsc TS2339 in the console's
  deploy build (blaze), kubectl's ``Unauthorized`` from an expired deploy kubeconfig (atlas).

Five cases are tagged ``obvious``: the Helm nil pointer, the rustc error, the duplicate key,
the tsc error and kubectl's Unauthorized.
"""

from __future__ import annotations

import json
from typing import Any

import real
import shapes
from cases_batch35 import (
    _helm_setup,
    _job,
    _job_pod,
    crashloop,
    ev,
    k8s_ctx,
    pino,
    prom_alert,
    running_pod,
    series,
    tracing,
)
from fcommon import at, ci, failing, pr_of, run, sha, uses
from gha import h
from helpers import clock, curl_fail, kube_setup, normal_events, pod_name, reset_server, rollout

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
OPS = "5dlabs/platform-gitops"
MI = 1024 * 1024


def build() -> None:
    config_keys()
    probes()
    secrets()
    migrations()
    images()
    memory()
    smoke()
    argocd()
    plain()


# ------------------------------------------------------------------ shared helpers


def _workspace(name: str, files: dict[str, str]) -> Any:
    ws = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/healer-api"]\nresolver = "2"\n',
        "crates/healer-api/Cargo.toml": real.cargo_toml("healer-api"),
        **{f"crates/healer-api/{k}": v for k, v in files.items()},
    }
    return real.scratch(name, ws)


def rust_build(name: str, files: dict[str, str]) -> real.Out:
    """``cargo build --release`` in the product's workspace layout (offline, no lock file)."""
    path = _workspace(name, files)
    lines, code = real.run(
        ["cargo", "build", "--release", "-p", "healer-api"],
        path,
        env={"CARGO_NET_OFFLINE": "true"},
    )
    return real.Out("cargo build --release -p healer-api", lines, code)


def rust_crash(name: str, files: dict[str, str], env: dict[str, str] | None = None) -> list[str]:
    """Build a std-only binary in a workspace laid out like the product's
    (``crates/healer-api``), run it, and return what it printed (it must fail)."""
    path = _workspace(name, files)
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    if code:
        raise RuntimeError("\n".join(built))
    lines, code = real.run([str(path / "target" / "release" / "healer-api")], path, env=env)
    if code == 0:
        raise RuntimeError(f"{name}: expected a failure")
    return [ln for ln in lines if ln.strip()]


def node_crash(name: str, files: dict[str, str], entry: str) -> list[str]:
    """Run a small Node program as the container does (its files under /app)."""
    out = real.node_run(name, {"package.json": '{"type":"module"}', **files}, entry)
    return [ln.replace(real.RUNNER, "/app") for ln in out.lines if ln.strip()]


def helm_ok(release: str, chart: str, ns: str, cid: str, revision: int) -> Any:
    when = clock(cid)[0]
    return run(
        f"helm upgrade --install {release} {chart} --namespace {ns} --values "
        f"{chart}/values-staging.yaml --set image.tag=sha-{sha(cid)[:7]}",
        [
            f'Release "{release}" has been upgraded. Happy Helming!',
            f"NAME: {release}",
            f"LAST DEPLOYED: Sat Nov {when[8:10]} {when[11:19]} 2026",
            f"NAMESPACE: {ns}",
            "STATUS: deployed",
            f"REVISION: {revision}",
            "TEST SUITE: None",
        ],
        name="Helm upgrade",
        seconds=12,
    )


def helm_wait_fail(
    release: str, chart: str, ns: str, error: str = "context deadline exceeded"
) -> Any:
    cmd, out = shapes.helm_upgrade(release, chart, ns, error)
    return run(cmd, out, 1, name="Helm upgrade (wait)", seconds=300)


def deploy_rollout(cid: str, ns: str, deploy: str, available: int = 2) -> Any:
    out = rollout(cid, ns, deploy, 3, 1, available, deadline=True)
    return failing(out, name="Wait for rollout", seconds=300)


def argocd_wait(
    cid: str,
    app: str,
    ns: str,
    path: str,
    sync: str,
    health: str,
    resources: list[tuple[str, ...]],
    extra: list[str] | None = None,
) -> Any:
    return run(
        f"argocd app wait {app} --sync --health --timeout 300",
        [
            *_with_conditions(
                shapes.argocd_summary(
                    app,
                    "platform",
                    ns,
                    OPS,
                    path,
                    sha(cid + ":ops"),
                    sync,
                    health,
                    resources=resources,
                ),
                extra or [],
            ),
            shapes.logrus_fatal(
                clock(cid)[2], f'Timed out (300s) waiting for app \\"{app}\\" match desired state'
            ),
        ],
        1,
        name=f"Wait for {app}",
        seconds=300,
    )


def _with_conditions(summary: list[str], conditions: list[str]) -> list[str]:
    """``argocd app get``'s layout: the CONDITION table sits between the summary block and
    the resource table."""
    if not conditions:
        return summary
    at_table = next(i for i, ln in enumerate(summary) if ln.startswith("GROUP")) - 1
    return [*summary[:at_table], *conditions, *summary[at_table:]]


def bump_gitops(cid: str, app: str, overlay: str) -> Any:
    return run(
        f"./scripts/bump-image.sh {overlay} sha-{sha(cid)[:7]}",
        [
            f"updating {overlay}/kustomization.yaml: newTag sha-{sha(cid + 'prev')[:7]} -> "
            f"sha-{sha(cid)[:7]}",
            f"[main {sha(cid + ':ops')[:7]}] chore({app}): deploy sha-{sha(cid)[:7]}",
            " 1 file changed, 1 insertion(+), 1 deletion(-)",
            "To https://github.com/5dlabs/platform-gitops.git",
            f"   {sha(cid + 'old')[:7]}..{sha(cid + ':ops')[:7]}  main -> main",
        ],
        name="Bump image in platform-gitops",
        env={"GITOPS_TOKEN": "***"},
    )


def argo_app(
    cid: str,
    name: str,
    ns: str,
    path: str,
    sync: str,
    health: str,
    resources: list[dict[str, Any]],
    health_message: str = "",
    conditions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return shapes.argo_application(
        name,
        ns,
        OPS,
        path,
        sha(cid + ":ops"),
        sync,
        health,
        health_message=health_message,
        resources=resources,
        conditions=conditions,
        when=clock(cid)[2],
    )


def res(
    kind: str, ns: str, name: str, status: str, health: str, group: str = "apps"
) -> dict[str, Any]:
    return {
        "group": group,
        "version": "v1",
        "kind": kind,
        "namespace": ns,
        "name": name,
        "status": status,
        "health": {"status": health},
    }


def waiting_pod(
    cid: str, ns: str, app: str, image: str, reason: str, message: str, salt: str = "w", **kw: Any
) -> dict[str, Any]:
    created, _, _ = clock(cid)
    kw.setdefault("port", 8080)
    kw.setdefault("memory_limit", "512Mi")
    p = shapes.pod(
        pod_name(cid, app, salt), ns, app, image, created=created, waiting=(reason, message), **kw
    )
    if reason == "CreateContainerConfigError":  # the container was never created
        p["status"]["phase"] = "Pending"
        status = p["status"]["containerStatuses"][0]
        status.pop("containerID", None)
        status["imageID"] = ""
    return p


def info_lines(cid: str, k: int = 0) -> list[str]:
    """Ordinary request lines from the old, still-serving replica."""
    return [
        tracing(
            cid,
            "INFO",
            "tower_http::trace::on_response",
            "finished processing request",
            k + i,
            latency=f"{h(cid + str(i), 2, 40)} ms",
            status=200,
            uri=uri,
        )
        for i, uri in enumerate(("/api/runs?limit=50", "/metrics"))
    ]


def mem_series(ns: str, container: str, pod: str, values_mi: list[float]) -> dict[str, Any]:
    q = f'container_memory_working_set_bytes{{namespace="{ns}",container="{container}"}}'
    return {
        q: [
            series(
                {"namespace": ns, "container": container, "pod": pod},
                [v * MI for v in values_mi],
            )
        ]
    }


def smoke_step(out: real.Out, name: str = "Smoke test") -> Any:
    return failing(out, name=name, seconds=20)


# ------------------------------------------------------------------ 1. configuration keys


CONFIG_NEVER_SET_RS = """
    mod config;

    fn main() {
        let cfg = config::Config::from_env();
        println!("{:?}", cfg.queue_url.len());
    }
"""

CONFIG_NEVER_SET_CFG = """
    use std::env;

    pub struct Config {
        pub database_url: String,
        pub queue_url: String,
    }

    impl Config {
        pub fn from_env() -> Self {
            Config {
                database_url: env::var("DATABASE_URL").unwrap_or_default(),
                queue_url: env::var("HEALER_QUEUE_URL").expect("HEALER_QUEUE_URL must be set"),
            }
        }
    }
"""

EMPTY_URL_RS = """
    mod config;

    fn main() {
        let url = config::database_url();
        println!("{url}");
    }
"""

EMPTY_URL_CFG = """
    use std::env;

    pub fn database_url() -> String {
        let url = env::var("DATABASE_URL").unwrap_or_default();
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            panic!("DATABASE_URL must be a postgres:// URL, got {url:?}");
        }
        url
    }
"""

FLAGS_MJS = """
    import { readFileSync } from "node:fs";

    const config = JSON.parse(readFileSync(new URL("../../config/app.json", import.meta.url), "utf8"));

    export function flagsEndpoint() {
      return new URL("/v1/flags", config.flags.endpoint).toString();
    }
"""

SERVER_MJS = """
    import { flagsEndpoint } from "./flags.mjs";

    const endpoint = flagsEndpoint();
    console.log(JSON.stringify({ level: 30, msg: "flags client ready", endpoint }));
"""


def config_keys() -> None:
    at(REPO)
    # 1a. bolt: the chart renamed the ConfigMap key the Deployment still references
    cid = "fr-zl-configmap-key-renamed"
    ns, app = "healer", "healer-api"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    msg = "couldn't find key HEALER_DB_URL in ConfigMap healer/healer-config"
    bad = waiting_pod(cid, ns, app, image, "CreateContainerConfigError", msg)
    old = running_pod(cid, ns, app, f"ghcr.io/5dlabs/healer:sha-{sha(cid + 'prev')[:7]}")
    events = [
        ev(ns, "Pod", bad["metadata"]["name"], "Failed", f"Error: {msg}", cid, count=14),
        ev(
            ns,
            "Pod",
            bad["metadata"]["name"],
            "Pulled",
            f'Container image "{image}" already present on machine',
            cid,
            count=14,
            type_="Normal",
        ),
        *normal_events(cid, ns, app, 1),
    ]
    ci(
        cid,
        "the healer-api rollout times out; the new pod waits in CreateContainerConfigError "
        "(`couldn't find key HEALER_DB_URL in ConfigMap healer/healer-config`): the change "
        "renamed the chart's ConfigMap keys to DATABASE_URL while deployment.yaml's "
        "configMapKeyRef still names HEALER_DB_URL",
        ["context-driven", "look-alike", "rollout"],
        "bolt",
        "helm",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[
            *_helm_setup(),
            helm_ok("healer", "charts/healer", ns, cid, 212),
            deploy_rollout(cid, ns, app),
        ],
        message="chore(chart): name config keys after the variables the binary reads (#1931)",
        files=["charts/healer/templates/configmap.yaml", "charts/healer/values.yaml"],
        pr=pr_of(cid, "chore(chart): name config keys after the variables the binary reads"),
        extra=k8s_ctx([old, bad], events, loki=info_lines(cid)),
    )

    # 1b. rex: the Rust code expects a variable the chart has never set
    cid = "fr-zl-rust-env-never-set"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    lines = rust_crash(
        cid, {"src/main.rs": CONFIG_NEVER_SET_RS, "src/config.rs": CONFIG_NEVER_SET_CFG}
    )
    assert any("HEALER_QUEUE_URL must be set: NotPresent" in ln for ln in lines), lines
    loki = [
        *info_lines(cid),
        tracing(cid, "INFO", "healer_api", "starting healer-api", 5, version="0.31.0"),
        *lines,
    ]
    crash = crashloop(cid, ns, app, image, exit_code=101, restarts=6, memory_limit="512Mi")
    ci(
        cid,
        "the healer-api rollout times out with the new pods in CrashLoopBackOff (exit 101); Loki "
        "shows the panic `HEALER_QUEUE_URL must be set: NotPresent` at config.rs, which the "
        "change added; the chart has never set that variable and the change touches no chart",
        ["context-driven", "look-alike", "rollout"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[
            *_helm_setup(),
            helm_ok("healer", "charts/healer", ns, cid, 187),
            deploy_rollout(cid, ns, app),
        ],
        message="feat(api): hand long-running repairs to the queue (#1944)",
        files=["crates/healer-api/src/config.rs", "crates/healer-api/src/queue.rs"],
        pr=pr_of(cid, "feat(api): hand long-running repairs to the queue"),
        extra=k8s_ctx(
            [
                running_pod(cid, ns, app, f"ghcr.io/5dlabs/healer:sha-{sha(cid + 'prev')[:7]}"),
                crash,
            ],
            [
                ev(
                    ns,
                    "Pod",
                    crash["metadata"]["name"],
                    "BackOff",
                    f"Back-off restarting failed container {app} in pod "
                    f"{crash['metadata']['name']}_{ns}({sha(crash['metadata']['name'])[:8]})",
                    cid,
                    count=31,
                ),
                *normal_events(cid, ns, app, 1),
            ],
            loki=loki,
        ),
    )

    # 1c. blaze: the Node server reads a config key the mounted file never had
    at(WEB)
    cid = "fr-zl-node-config-key-absent"
    ns, app = "console", "console-web"
    image = f"ghcr.io/5dlabs/console:sha-{sha(cid)[:7]}"
    lines = node_crash(
        cid,
        {
            "src/server/flags.mjs": FLAGS_MJS,
            "src/server/main.mjs": SERVER_MJS,
            "config/app.json": '{"apiBase": "http://healer-api.healer.svc:8080", '
            '"sessionTtlSeconds": 3600}\n',
        },
        "src/server/main.mjs",
    )
    assert any("reading 'endpoint'" in ln for ln in lines), lines
    crash = crashloop(cid, ns, app, image, exit_code=1, restarts=5, port=3000, memory_limit="384Mi")
    ci(
        cid,
        "helm upgrade --wait hits its deadline; console-web crashloops and Loki shows the Node "
        "TypeError `Cannot read properties of undefined (reading 'endpoint')` from flags.mjs, "
        "which the change added; the chart's config/app.json has never had a `flags` section "
        "and the chart is unchanged",
        ["context-driven", "look-alike", "helm-wait"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="staging",
        repo=WEB,
        branch="main",
        steps=[*_helm_setup(), helm_wait_fail("console", "charts/console", ns)],
        message="feat(flags): read feature flags from the flag service (#702)",
        files=["src/server/flags.mjs", "src/server/main.mjs", "src/app/layout.tsx"],
        pr=pr_of(cid, "feat(flags): read feature flags from the flag service"),
        extra=k8s_ctx(
            [
                running_pod(
                    cid, ns, app, f"ghcr.io/5dlabs/console:sha-{sha(cid + 'p')[:7]}", port=3000
                ),
                crash,
            ],
            [
                ev(
                    ns,
                    "Pod",
                    crash["metadata"]["name"],
                    "BackOff",
                    f"Back-off restarting failed container {app} in pod "
                    f"{crash['metadata']['name']}_{ns}({sha(crash['metadata']['name'])[:8]})",
                    cid,
                    count=22,
                ),
            ],
            loki=[pino(cid, 30, "request completed", 0, statusCode=200, url="/runs"), *lines],
        ),
    )

    # 1d. bolt: the chart renamed a values key; the unchanged Rust binary gets an empty URL
    at(REPO)
    cid = "fr-zl-values-key-renamed-empty-url"
    ns, app = "healer", "healer-api"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    lines = rust_crash(
        cid, {"src/main.rs": EMPTY_URL_RS, "src/config.rs": EMPTY_URL_CFG}, env={"DATABASE_URL": ""}
    )
    assert any('got ""' in ln for ln in lines), lines
    crash = crashloop(cid, ns, app, image, exit_code=101, restarts=7, memory_limit="512Mi")
    ci(
        cid,
        "helm upgrade --wait hits its deadline; healer-api panics `DATABASE_URL must be a "
        'postgres:// URL, got ""` in config.rs, code the change does not touch: the change '
        "moved the chart's `config.databaseUrl` to `database.url` in the ConfigMap template, "
        "but values-staging.yaml still sets `config.databaseUrl`, so the key renders empty",
        ["context-driven", "look-alike", "helm-wait"],
        "bolt",
        "helm",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[*_helm_setup(), helm_wait_fail("healer", "charts/healer", ns)],
        message="refactor(chart): group database settings under `database` (#1950)",
        files=[
            "charts/healer/templates/configmap.yaml",
            "charts/healer/values.yaml",
            "charts/healer/README.md",
        ],
        pr=pr_of(
            cid,
            "refactor(chart): group database settings under `database`",
            "Moves `config.databaseUrl` and `config.poolSize` under `database.*`.\n\n"
            "helm template renders cleanly with the default values.",
        ),
        extra=k8s_ctx(
            [crash, running_pod(cid, ns, app, f"ghcr.io/5dlabs/healer:sha-{sha(cid + 'p')[:7]}")],
            [
                ev(
                    ns,
                    "Pod",
                    crash["metadata"]["name"],
                    "BackOff",
                    f"Back-off restarting failed container {app} in pod "
                    f"{crash['metadata']['name']}_{ns}({sha(crash['metadata']['name'])[:8]})",
                    cid,
                    count=35,
                ),
                *normal_events(cid, ns, app, 1),
            ],
            loki=[*info_lines(cid), *lines],
        ),
    )


# ------------------------------------------------------------------ 2. readiness probes


def _probe_case(
    cid: str, ns: str, app: str, image: str, probe: str, port: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    p = running_pod(
        cid,
        ns,
        app,
        image,
        salt="n",
        ready=False,
        probe_path=probe,
        port=port,
        memory_limit="512Mi",
    )
    name = p["metadata"]["name"]
    events = [
        ev(
            ns,
            "Pod",
            name,
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 404",
            cid,
            count=58,
        ),
        ev(ns, "Pod", name, "Started", f"Started container {app}", cid, type_="Normal"),
    ]
    return p, events


def probes() -> None:
    at(REPO)
    ns, app = "healer", "healer-api"
    # 2a. bolt: the chart moved the readiness probe to a path the service does not serve
    cid = "fr-zl-probe-path-chart-changed"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    p, events = _probe_case(cid, ns, app, image, "/healthz/ready", 8080)
    loki = [
        *info_lines(cid),
        *[
            tracing(
                cid,
                "INFO",
                "tower_http::trace::on_response",
                "finished processing request",
                10 + i,
                latency="0 ms",
                status=404,
                uri="/healthz/ready",
                user_agent="kube-probe/1.31",
            )
            for i in range(2)
        ],
    ]
    ci(
        cid,
        "the healer-api rollout times out; the new pods run without restarts but never become "
        "ready (`Readiness probe failed: ... statuscode: 404`) and Loki shows kube-probe asking "
        "for /healthz/ready: the change set the chart's probe path, while the binary serves "
        "/readyz",
        ["context-driven", "look-alike", "rollout", "probe"],
        "bolt",
        "helm",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[
            *_helm_setup(),
            helm_ok("healer", "charts/healer", ns, cid, 233),
            deploy_rollout(cid, ns, app),
        ],
        message="chore(chart): align probes with the platform's /healthz convention (#1957)",
        files=["charts/healer/templates/deployment.yaml", "charts/healer/values.yaml"],
        pr=pr_of(cid, "chore(chart): align probes with the platform's /healthz convention"),
        extra=k8s_ctx(
            [
                running_pod(
                    cid,
                    ns,
                    app,
                    f"ghcr.io/5dlabs/healer:sha-{sha(cid + 'p')[:7]}",
                    probe_path="/readyz",
                ),
                p,
            ],
            events,
            loki=loki,
        ),
    )

    # 2b. rex: the router refactor dropped /readyz
    cid = "fr-zl-rust-readyz-route-removed"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    p, events = _probe_case(cid, ns, app, image, "/readyz", 8080)
    loki = [
        tracing(cid, "INFO", "healer_api::server", "listening", 0, addr="0.0.0.0:8080", routes=14),
        *[
            tracing(
                cid,
                "INFO",
                "tower_http::trace::on_response",
                "finished processing request",
                10 + i,
                latency="0 ms",
                status=404,
                uri="/readyz",
                user_agent="kube-probe/1.31",
            )
            for i in range(2)
        ],
        *info_lines(cid, 20),
    ]
    ci(
        cid,
        "the healer-api rollout times out; the new pods never become ready on the same 404 "
        "readiness failures, but the chart's /readyz probe is unchanged: the change split the "
        "axum router into per-area modules and left /readyz out of the merged router",
        ["context-driven", "look-alike", "rollout", "probe"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[
            *_helm_setup(),
            helm_ok("healer", "charts/healer", ns, cid, 241),
            deploy_rollout(cid, ns, app),
        ],
        message="refactor(api): split the router into runs, repos and admin modules (#1961)",
        files=[
            "crates/healer-api/src/routes/mod.rs",
            "crates/healer-api/src/routes/runs.rs",
            "crates/healer-api/src/routes/repos.rs",
            "crates/healer-api/src/routes/admin.rs",
            "crates/healer-api/src/main.rs",
        ],
        pr=pr_of(cid, "refactor(api): split the router into runs, repos and admin modules"),
        extra=k8s_ctx(
            [
                running_pod(
                    cid,
                    ns,
                    app,
                    f"ghcr.io/5dlabs/healer:sha-{sha(cid + 'p')[:7]}",
                    probe_path="/readyz",
                ),
                p,
            ],
            events,
            loki=loki,
        ),
    )

    # 2c. blaze: the console's route migration dropped /api/health
    at(WEB)
    cid = "fr-zl-node-health-route-removed"
    ns, app = "console", "console-web"
    image = f"ghcr.io/5dlabs/console:sha-{sha(cid)[:7]}"
    p, events = _probe_case(cid, ns, app, image, "/api/health", 3000)
    path = "apps/console/overlays/prod"
    ci(
        cid,
        "argocd app wait times out with console-prod Progressing; the new console-web pods fail "
        "readiness with 404 on /api/health, the probe path the manifests have always used: the "
        "change moved pages/api/* to app router route handlers and did not port "
        "pages/api/health.ts",
        ["context-driven", "look-alike", "argocd", "probe"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="prod",
        repo=WEB,
        branch="main",
        steps=[
            *kube_setup(),
            bump_gitops(cid, "console", path),
            argocd_wait(
                cid,
                "console-prod",
                ns,
                path,
                "Synced",
                "Progressing",
                [
                    ("", "Service", ns, app, "Synced", "Healthy", "", ""),
                    ("apps", "Deployment", ns, app, "Synced", "Progressing", "", ""),
                ],
            ),
        ],
        message="refactor(api): move API routes to the app router (#715)",
        files=[
            "src/pages/api/health.ts",
            "src/pages/api/runs/[id].ts",
            "src/app/api/runs/[id]/route.ts",
            "src/pages/api/session.ts",
            "src/app/api/session/route.ts",
        ],
        pr=pr_of(cid, "refactor(api): move API routes to the app router"),
        extra={
            **k8s_ctx(
                [
                    running_pod(
                        cid,
                        ns,
                        app,
                        f"ghcr.io/5dlabs/console:sha-{sha(cid + 'p')[:7]}",
                        port=3000,
                        probe_path="/api/health",
                    ),
                    p,
                ],
                events,
                loki=[
                    pino(
                        cid,
                        30,
                        "request completed",
                        0,
                        statusCode=404,
                        url="/api/health",
                        userAgent="kube-probe/1.31",
                    ),
                    pino(cid, 30, "request completed", 1, statusCode=200, url="/runs"),
                ],
            ),
            "argocd": [
                argo_app(
                    cid,
                    "console-prod",
                    ns,
                    path,
                    "Synced",
                    "Progressing",
                    [
                        res("Service", ns, app, "Synced", "Healthy", group=""),
                        res("Deployment", ns, app, "Synced", "Progressing"),
                    ],
                    health_message="Waiting for rollout to finish: 1 out of 2 new replicas have "
                    "been updated...",
                )
            ],
        },
    )


# ------------------------------------------------------------------ 3. Secret-sourced variables


SECRETS_RS = """
    mod webhook_secrets;

    fn main() {
        let raw = std::env::var("HEALER_WEBHOOK_SECRETS").unwrap_or_default();
        let secrets = webhook_secrets::parse(&raw);
        println!("{} webhook secrets", secrets.len());
    }
"""

SECRETS_PARSE = """
    pub struct WebhookSecret {
        pub source: String,
        pub secret: String,
    }

    /// `github=...,linear=...`: one `SOURCE=SECRET` pair per source.
    pub fn parse(raw: &str) -> Vec<WebhookSecret> {
        raw.split(',')
            .enumerate()
            .map(|(i, entry)| {
                let (source, secret) = entry.split_once('=').unwrap_or_else(|| {
                    panic!("invalid HEALER_WEBHOOK_SECRETS entry {}: expected SOURCE=SECRET", i + 1)
                });
                WebhookSecret { source: source.to_string(), secret: secret.to_string() }
            })
            .collect()
    }
"""


def secrets() -> None:
    at(OPS)
    # 3a. bolt: a secretKeyRef to a key the Secret does not have
    cid = "fr-zl-secret-key-missing"
    ns, app = "healer", "healer-api"
    image = "ghcr.io/5dlabs/healer:0.31.2"
    path = "apps/healer/overlays/prod"
    msg = "couldn't find key slack-bot-token in Secret healer/slack-credentials"
    bad = waiting_pod(cid, ns, app, image, "CreateContainerConfigError", msg)
    ci(
        cid,
        "argocd app wait times out with healer-prod Progressing; the new healer-api pod waits in "
        "CreateContainerConfigError (`couldn't find key slack-bot-token in Secret "
        "healer/slack-credentials`): the change's secretKeyRef names a key the Secret (keys "
        "`token`, `signing-secret`) does not have",
        ["context-driven", "look-alike", "argocd"],
        "bolt",
        "k8s_manifest",
        workflow="promote",
        job="prod",
        repo=OPS,
        branch="main",
        steps=[
            *kube_setup(),
            argocd_wait(
                cid,
                "healer-prod",
                ns,
                path,
                "Synced",
                "Progressing",
                [
                    ("", "ConfigMap", ns, "healer-config", "Synced", "", "", ""),
                    ("", "Service", ns, app, "Synced", "Healthy", "", ""),
                    ("apps", "Deployment", ns, app, "Synced", "Progressing", "", ""),
                ],
            ),
        ],
        message="feat(healer): post repair summaries to Slack (#388)",
        files=[f"{path}/deployment-patch.yaml", f"{path}/kustomization.yaml"],
        pr=pr_of(cid, "feat(healer): post repair summaries to Slack"),
        extra={
            **k8s_ctx(
                [running_pod(cid, ns, app, "ghcr.io/5dlabs/healer:0.31.2", salt="a"), bad],
                [
                    ev(
                        ns, "Pod", bad["metadata"]["name"], "Failed", f"Error: {msg}", cid, count=19
                    ),
                    *normal_events(cid, ns, app, 1),
                ],
                loki=info_lines(cid),
            ),
            "argocd": [
                argo_app(
                    cid,
                    "healer-prod",
                    ns,
                    path,
                    "Synced",
                    "Progressing",
                    [
                        res("ConfigMap", ns, "healer-config", "Synced", "Healthy", group=""),
                        res("Service", ns, app, "Synced", "Healthy", group=""),
                        res("Deployment", ns, app, "Synced", "Progressing"),
                    ],
                    health_message="Waiting for rollout to finish: 1 out of 2 new replicas have "
                    "been updated...",
                )
            ],
        },
    )

    # 3b. rex: the value is present; the code's new parser rejects its old format
    at(REPO)
    cid = "fr-zl-rust-secret-format-rejected"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    path = "apps/healer/overlays/prod"
    lines = rust_crash(
        cid,
        {"src/main.rs": SECRETS_RS, "src/webhook_secrets.rs": SECRETS_PARSE},
        env={"HEALER_WEBHOOK_SECRETS": "gh:7f1c0a9e4b2d,lin:0c9d2e7a51f3"},
    )
    assert any("entry 1: expected SOURCE=SECRET" in ln for ln in lines), lines
    crash = crashloop(
        cid,
        ns,
        app,
        image,
        exit_code=101,
        restarts=5,
        memory_limit="512Mi",
        env_from_secret="healer-webhooks",
    )
    ci(
        cid,
        "argocd app wait times out with healer-prod Degraded; healer-api crashloops on the panic "
        "`invalid HEALER_WEBHOOK_SECRETS entry 1: expected SOURCE=SECRET` from the parser the "
        "change rewrote; the Secret exists and still holds the `source:secret` list the old "
        "parser read",
        ["context-driven", "look-alike", "argocd"],
        "rex",
        "rust_test",
        workflow="cd",
        job="deploy-prod",
        branch="main",
        steps=[
            *kube_setup(),
            bump_gitops(cid, "healer", path),
            argocd_wait(
                cid,
                "healer-prod",
                ns,
                path,
                "Synced",
                "Degraded",
                [
                    ("", "Service", ns, app, "Synced", "Healthy", "", ""),
                    ("apps", "Deployment", ns, app, "Synced", "Degraded", "", ""),
                ],
            ),
        ],
        message="refactor(webhooks): SOURCE=SECRET pairs for webhook secrets (#1966)",
        files=[
            "crates/healer-api/src/webhook_secrets.rs",
            "crates/healer-api/src/main.rs",
            "docs/configuration.md",
        ],
        pr=pr_of(cid, "refactor(webhooks): SOURCE=SECRET pairs for webhook secrets"),
        extra={
            **k8s_ctx(
                [
                    crash,
                    running_pod(
                        cid,
                        ns,
                        app,
                        f"ghcr.io/5dlabs/healer:sha-{sha(cid + 'p')[:7]}",
                        env_from_secret="healer-webhooks",
                    ),
                ],
                [
                    ev(
                        ns,
                        "Pod",
                        crash["metadata"]["name"],
                        "BackOff",
                        f"Back-off restarting failed container {app} in pod "
                        f"{crash['metadata']['name']}_{ns}({sha(crash['metadata']['name'])[:8]})",
                        cid,
                        count=27,
                    )
                ],
                loki=[*info_lines(cid), *lines],
            ),
            "argocd": [
                argo_app(
                    cid,
                    "healer-prod",
                    ns,
                    path,
                    "Synced",
                    "Degraded",
                    [
                        res("Service", ns, app, "Synced", "Healthy", group=""),
                        res("Deployment", ns, app, "Synced", "Degraded"),
                    ],
                    health_message=f'Deployment "{app}" exceeded its progress deadline',
                )
            ],
        },
    )


# ------------------------------------------------------------------ 4. migration Jobs


def _job_wait(cid: str, ns: str, job: str) -> Any:
    out = real.kubectl_live(
        cid,
        {
            f"/apis/batch/v1/namespaces/{ns}/jobs/{job}": _job(
                job, ns, 4, "BackoffLimitExceeded", "Job has reached the specified backoff limit"
            )
        },
        ["wait", "--for=condition=complete", f"job/{job}", "-n", ns, "--timeout=3s"],
        f"kubectl -n {ns} wait --for=condition=complete job/{job} --timeout=300s",
    )
    return failing(out, name="Run database migrations", seconds=300)


def _apply_job(cid: str, ns: str, job: str) -> Any:
    return run(
        f"helm template healer charts/healer --namespace {ns} --values "
        f"charts/healer/values-staging.yaml --show-only templates/migrate-job.yaml "
        f"--set image.tag=sha-{sha(cid)[:7]} | kubectl apply -f -",
        [f"job.batch/{job} created"],
        name="Create migration job",
    )


def migrations() -> None:
    at(REPO)
    ns = "healer"
    # 4a. rex: the change's migration adds a NOT NULL column to a table with rows
    cid = "fr-zl-migration-sql-not-null"
    job = f"healer-migrate-{sha(cid)[:5]}"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    _, first, _ = clock(cid)
    stamp = first.replace("T", " ")[:-1] + ".418 UTC"
    jp = _job_pod(
        cid,
        ns,
        job,
        image,
        "m",
        phase="Failed",
        terminated={"exit_code": 1, "reason": "Error", "started": first, "finished": first},
    )
    loki = [
        tracing(cid, "INFO", "healer_store::migrate", "applying migrations", 0, pending=1),
        tracing(
            cid,
            "INFO",
            "sqlx::migrate",
            "applying migration",
            1,
            version=20261118093000,
            description="run attempts",
        ),
        "Error: while executing migration 20261118093000: error returned from database: "
        'column "attempt" of relation "runs" contains null values',
        f'{stamp} [2231] healer@healer ERROR:  column "attempt" of relation "runs" contains '
        "null values",
        f"{stamp} [2231] healer@healer STATEMENT:  ALTER TABLE runs ADD COLUMN attempt integer "
        "NOT NULL;",
        f"{stamp} [2202] LOG:  checkpoint complete: wrote 41 buffers (0.3%); 0 WAL file(s) "
        "added, 0 removed, 0 recycled; write=4.011 s, sync=0.004 s, total=4.022 s; sync "
        "files=12, longest=0.002 s, average=0.001 s; distance=212 kB, estimate=318 kB; "
        "lsn=0/1E8C2A8, redo lsn=0/1E8C270",
    ]
    ci(
        cid,
        "the migration Job never completes (BackoffLimitExceeded); its pod logs sqlx's `while "
        'executing migration 20261118093000: ... column "attempt" of relation "runs" contains '
        "null values` and PostgreSQL the change's `ALTER TABLE runs ADD COLUMN attempt integer "
        "NOT NULL;` from crates/healer-store/migrations",
        ["context-driven", "look-alike", "migration"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[*kube_setup(), _apply_job(cid, ns, job), _job_wait(cid, ns, job)],
        message="feat(store): number run attempts (#1970)",
        files=[
            "crates/healer-store/migrations/20261118093000_run_attempts.sql",
            "crates/healer-store/src/runs.rs",
        ],
        pr=pr_of(cid, "feat(store): number run attempts"),
        extra=k8s_ctx(
            [
                jp,
                running_pod(
                    cid, ns, "healer-api", f"ghcr.io/5dlabs/healer:sha-{sha(cid + 'p')[:7]}"
                ),
            ],
            [
                ev(
                    ns,
                    "Job",
                    job,
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                    cid,
                    component="job-controller",
                ),
                ev(
                    ns,
                    "Job",
                    job,
                    "SuccessfulCreate",
                    f"Created pod: {jp['metadata']['name']}",
                    cid,
                    type_="Normal",
                    component="job-controller",
                    count=4,
                ),
            ],
            loki=loki,
        ),
    )

    # 4b. bolt: the chart points the migration Job at another Secret's credentials
    cid = "fr-zl-migration-db-credential-changed"
    job = f"healer-migrate-{sha(cid)[:5]}"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    _, first, _ = clock(cid)
    stamp = first.replace("T", " ")[:-1] + ".207 UTC"
    jp = _job_pod(
        cid,
        ns,
        job,
        image,
        "m",
        phase="Failed",
        terminated={"exit_code": 1, "reason": "Error", "started": first, "finished": first},
        env_from_secret="healer-db-app",
    )
    loki = [
        tracing(cid, "INFO", "healer_store::migrate", "connecting", 0, host="healer-db-rw"),
        'Error: error returned from database: password authentication failed for user "healer_app"',
        f"{stamp} [3107] healer_app@healer FATAL:  password authentication failed for user "
        '"healer_app"',
        f"{stamp} [3107] healer_app@healer DETAIL:  Connection matched file "
        '"/var/lib/postgresql/data/pgdata/pg_hba.conf" line 8: "host all all all '
        'scram-sha-256"',
    ]
    ci(
        cid,
        "the migration Job never completes (BackoffLimitExceeded); PostgreSQL logs `password "
        'authentication failed for user "healer_app"`: the change switched the chart\'s '
        "migrate-job.yaml to the healer-db-app Secret, whose password belongs to a role the "
        "database was not created with; no migration or Rust file changed",
        ["context-driven", "look-alike", "migration"],
        "bolt",
        "helm",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[*kube_setup(), _apply_job(cid, ns, job), _job_wait(cid, ns, job)],
        message="chore(chart): read database credentials from the CNPG app secret (#1973)",
        files=[
            "charts/healer/templates/migrate-job.yaml",
            "charts/healer/values.yaml",
            "charts/healer/values-staging.yaml",
        ],
        pr=pr_of(cid, "chore(chart): read database credentials from the CNPG app secret"),
        extra=k8s_ctx(
            [
                jp,
                running_pod(
                    cid, ns, "healer-api", f"ghcr.io/5dlabs/healer:sha-{sha(cid + 'p')[:7]}"
                ),
            ],
            [
                ev(
                    ns,
                    "Job",
                    job,
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                    cid,
                    component="job-controller",
                )
            ],
            loki=loki,
        ),
    )


# ------------------------------------------------------------------ 5. images


def _pull_events(cid: str, ns: str, pod: str, image: str, err: str) -> list[dict[str, Any]]:
    return [
        ev(ns, "Pod", pod, "Pulling", f'Pulling image "{image}"', cid, count=5, type_="Normal"),
        ev(ns, "Pod", pod, "Failed", f'Failed to pull image "{image}": {err}', cid, count=5),
        ev(ns, "Pod", pod, "Failed", "Error: ErrImagePull", cid, count=5),
        ev(
            ns,
            "Pod",
            pod,
            "BackOff",
            f'Back-off pulling image "{image}"',
            cid,
            count=21,
            type_="Normal",
        ),
        ev(ns, "Pod", pod, "Failed", "Error: ImagePullBackOff", cid, count=21),
    ]


def images() -> None:
    at(REPO)
    ns, app = "healer", "healer-api"
    # 5a. bolt: the values file names a tag the registry never had
    cid = "fr-zl-image-tag-missing"
    image = "ghcr.io/5dlabs/healer:v0.32.0"
    p = waiting_pod(cid, ns, app, image, "ImagePullBackOff", f'Back-off pulling image "{image}"')
    err = (
        f'rpc error: code = NotFound desc = failed to pull and unpack image "{image}": '
        f'failed to resolve reference "{image}": {image}: not found'
    )
    ci(
        cid,
        "helm upgrade --wait hits its deadline; the new pod is in ImagePullBackOff with "
        "`ghcr.io/5dlabs/healer:v0.32.0: not found`: the change pinned image.tag to v0.32.0 in "
        "values-staging.yaml, while the release workflow publishes tags without the v (0.32.0)",
        ["context-driven", "look-alike", "helm-wait", "image-pull"],
        "bolt",
        "helm",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[*_helm_setup(), helm_wait_fail("healer", "charts/healer", ns)],
        message="chore(staging): pin healer 0.32.0 (#1975)",
        files=["charts/healer/values-staging.yaml"],
        pr=pr_of(cid, "chore(staging): pin healer 0.32.0"),
        extra=k8s_ctx(
            [running_pod(cid, ns, app, "ghcr.io/5dlabs/healer:0.31.2"), p],
            _pull_events(cid, ns, p["metadata"]["name"], image, err),
            loki=info_lines(cid),
        ),
    )

    # 5b. atlas: ghcr.io answers 503 for a tag this run pushed
    cid = "fr-zl-registry-503"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    p = waiting_pod(cid, ns, app, image, "ImagePullBackOff", f'Back-off pulling image "{image}"')
    ref = image.split(":")[1]
    err = (
        f'failed to pull and unpack image "{image}": failed to resolve reference "{image}": '
        f"unexpected status from HEAD request to https://ghcr.io/v2/5dlabs/healer/manifests/"
        f"{ref}: 503 Service Unavailable"
    )
    other = waiting_pod(
        cid,
        "monitoring",
        "blackbox-exporter",
        "ghcr.io/prometheus-community/blackbox-exporter:v0.25.0",
        "ImagePullBackOff",
        'Back-off pulling image "ghcr.io/prometheus-community/blackbox-exporter:v0.25.0"',
        salt="o",
        port=9115,
    )
    push = uses(
        "docker/build-push-action@v6",
        {"context": ".", "push": "true", "tags": image},
        [
            f"#14 pushing manifest for {image}@sha256:{sha(cid + 'dg')}{sha(cid + 'dh')[:24]} "
            "2.1s done",
            "#14 DONE 9.8s",
        ],
        name="Build and push",
        seconds=140,
    )
    ci(
        cid,
        "helm upgrade --wait hits its deadline; the new pod is in ImagePullBackOff on "
        "`unexpected status from HEAD request to https://ghcr.io/v2/...: 503 Service "
        "Unavailable` for the tag this run pushed minutes earlier, and a blackbox-exporter pod "
        "in another namespace fails the same way; the change is Rust-only",
        ["context-driven", "look-alike", "helm-wait", "image-pull", "flaky-infra"],
        "atlas",
        "general",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[push, *_helm_setup(), helm_wait_fail("healer", "charts/healer", ns)],
        message="fix(api): keep the cursor when filtering runs by repo (#1978)",
        files=["crates/healer-api/src/routes/runs.rs"],
        pr=pr_of(cid, "fix(api): keep the cursor when filtering runs by repo"),
        extra=k8s_ctx(
            [
                running_pod(cid, ns, app, f"ghcr.io/5dlabs/healer:sha-{sha(cid + 'p')[:7]}"),
                p,
                other,
            ],
            [
                *_pull_events(cid, ns, p["metadata"]["name"], image, err),
                ev(
                    "monitoring",
                    "Pod",
                    other["metadata"]["name"],
                    "Failed",
                    'Failed to pull image "ghcr.io/prometheus-community/blackbox-exporter:v0.25.0": '
                    'failed to pull and unpack image "ghcr.io/prometheus-community/blackbox-exporter:'
                    'v0.25.0": failed to resolve reference "ghcr.io/prometheus-community/'
                    'blackbox-exporter:v0.25.0": unexpected status from HEAD request to '
                    "https://ghcr.io/v2/prometheus-community/blackbox-exporter/manifests/v0.25.0: "
                    "503 Service Unavailable",
                    cid,
                    count=4,
                ),
            ],
            loki=info_lines(cid),
        ),
    )


# ------------------------------------------------------------------ 6. memory


def _oom_pod(
    cid: str, ns: str, app: str, image: str, limit: str, port: int = 8080
) -> dict[str, Any]:
    return crashloop(
        cid,
        ns,
        app,
        image,
        exit_code=137,
        reason="OOMKilled",
        restarts=4,
        memory_limit=limit,
        port=port,
    )


def _health_loop(cid: str, host: str, path: str) -> Any:
    body = (
        "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n</html>\r\n"
    )
    with real.serve((503, body, "text/html")) as port:
        script = (
            "for i in 1 2 3 4; do\n"
            f"  if curl -fsS --max-time 10 http://127.0.0.1:{port}{path}; then exit 0; fi\n"
            '  echo "not healthy yet (attempt $i/4)"\n'
            "  sleep 1\n"
            "done\n"
            "exit 1"
        )
        out = real.sh(
            cid,
            {},
            script,
            script.replace(f"http://127.0.0.1:{port}", f"https://{host}"),
            hosts={f"http://127.0.0.1:{port}": f"https://{host}"},
        )
    return failing(out, name="Health check", seconds=40)


UPLOAD_BODY = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n</html>\r\n"


def memory() -> None:
    at(REPO)
    ns, app = "healer", "healer-api"
    # 6a. bolt: the chart cut the limit below steady usage
    cid = "fr-zl-oom-chart-limit-cut"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    oom = _oom_pod(cid, ns, app, image, "128Mi")
    prom = {
        **mem_series(ns, app, pod_name(cid, app, "p"), [188, 191, 190, 193, 189, 192]),
        **prom_alert(
            "KubePodCrashLooping",
            {
                "namespace": ns,
                "pod": oom["metadata"]["name"],
                "container": app,
                "severity": "warning",
            },
        ),
    }
    ci(
        cid,
        "the post-deploy health check gets 503 from the ingress four times; healer-api's new pods "
        "are OOMKilled (exit 137) at a 128Mi limit, which the change set in values.yaml (was "
        "512Mi) while the old pods' working set has held steady at about 190 MiB",
        ["context-driven", "look-alike", "resource-kill"],
        "bolt",
        "helm",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[
            *_helm_setup(),
            helm_ok("healer", "charts/healer", ns, cid, 251),
            _health_loop(cid, "healer.staging.5dlabs.ai", "/readyz"),
        ],
        message="chore(chart): right-size healer-api requests and limits (#1980)",
        files=["charts/healer/values.yaml"],
        pr=pr_of(
            cid,
            "chore(chart): right-size healer-api requests and limits",
            "Requests were far above usage; Goldilocks recommends 128Mi.",
        ),
        extra=k8s_ctx(
            [oom],
            [
                ev(
                    ns,
                    "Pod",
                    oom["metadata"]["name"],
                    "BackOff",
                    f"Back-off restarting failed container {app} in pod "
                    f"{oom['metadata']['name']}_{ns}({sha(oom['metadata']['name'])[:8]})",
                    cid,
                    count=12,
                )
            ],
            loki=[
                tracing(cid, "INFO", "healer_api", "starting healer-api", 0, version="0.32.1"),
                tracing(cid, "INFO", "healer_api::cache", "warmed repository cache", 1, repos=412),
            ],
            prometheus=prom,
        ),
    )

    # 6b. rex: the upload handler now collects the whole body
    cid = "fr-zl-oom-rust-buffers-upload"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    oom = _oom_pod(cid, ns, app, image, "512Mi")
    with real.serve((502, UPLOAD_BODY, "text/html")) as port:
        out = real.sh(
            cid,
            {"fixtures/run-logs.tar.zst": "x" * 64},
            f"curl -fsS -X PUT --data-binary @fixtures/run-logs.tar.zst "
            f"http://127.0.0.1:{port}/api/runs/smoke/artifacts/logs",
            "curl -fsS -X PUT --data-binary @fixtures/run-logs.tar.zst "
            "https://healer.staging.5dlabs.ai/api/runs/smoke/artifacts/logs",
            hosts={f"http://127.0.0.1:{port}": "https://healer.staging.5dlabs.ai"},
        )
    prom = {
        **mem_series(ns, app, oom["metadata"]["name"], [142, 150, 388, 517, 146, 402]),
        **prom_alert(
            "KubeContainerOOMKilled", {"namespace": ns, "container": app, "severity": "warning"}
        ),
    }
    ci(
        cid,
        "the artifact-upload smoke test gets 502; healer-api was OOMKilled at its unchanged "
        "512Mi limit with memory jumping from 150 MiB to the limit during each upload: the "
        "change replaced the streamed write with `body.collect().await?.to_bytes()`",
        ["context-driven", "look-alike", "resource-kill", "smoke"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="smoke",
        branch="main",
        steps=[smoke_step(out, "Smoke: upload a run log")],
        message="refactor(artifacts): checksum uploads before storing them (#1984)",
        files=["crates/healer-api/src/routes/artifacts.rs", "crates/healer-store/src/blob.rs"],
        pr=pr_of(cid, "refactor(artifacts): checksum uploads before storing them"),
        extra=k8s_ctx(
            [oom, running_pod(cid, ns, app, image, salt="s")],
            [
                ev(
                    ns,
                    "Pod",
                    oom["metadata"]["name"],
                    "Started",
                    f"Started container {app}",
                    cid,
                    type_="Normal",
                    count=5,
                )
            ],
            loki=[
                tracing(
                    cid,
                    "INFO",
                    "healer_api::routes::artifacts",
                    "receiving artifact",
                    0,
                    run="smoke",
                    name="logs",
                    content_length=412_316_018,
                ),
                tracing(cid, "INFO", "healer_api", "starting healer-api", 1, version="0.32.2"),
                *info_lines(cid, 2),
            ],
            prometheus=prom,
        ),
    )

    # 6c. blaze: the Node upload route reads the whole request into memory
    at(WEB)
    cid = "fr-zl-oom-node-buffers-upload"
    ns, app = "console", "console-web"
    image = f"ghcr.io/5dlabs/console:sha-{sha(cid)[:7]}"
    oom = _oom_pod(cid, ns, app, image, "768Mi", port=3000)
    with real.serve((502, UPLOAD_BODY, "text/html")) as port:
        out = real.sh(
            cid,
            {"e2e/fixtures/bundle.zip": "x" * 64},
            f"curl -fsS -F file=@e2e/fixtures/bundle.zip http://127.0.0.1:{port}/api/uploads",
            "curl -fsS -F file=@e2e/fixtures/bundle.zip https://console.staging.5dlabs.ai/api/uploads",
            hosts={f"http://127.0.0.1:{port}": "https://console.staging.5dlabs.ai"},
        )
    heap = 'nodejs_heap_size_used_bytes{namespace="console",app="console-web"}'
    prom = {
        **mem_series(ns, app, oom["metadata"]["name"], [210, 214, 705, 761, 220, 698]),
        heap: [
            series(
                {"namespace": ns, "app": app, "pod": oom["metadata"]["name"]},
                [v * MI for v in (96, 99, 104, 101, 97, 103)],
            )
        ],
    }
    ci(
        cid,
        "the upload smoke test gets 502; console-web is OOMKilled at its unchanged 768Mi limit "
        "while the JS heap stays near 100 MB and the container's memory jumps by the upload's "
        "size: the change's upload route does `Buffer.from(await req.arrayBuffer())` before "
        "forwarding instead of piping the stream",
        ["context-driven", "look-alike", "resource-kill", "smoke"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="smoke",
        repo=WEB,
        branch="main",
        steps=[smoke_step(out, "Smoke: upload a bundle")],
        message="feat(uploads): validate bundle manifests before forwarding (#721)",
        files=["src/app/api/uploads/route.ts", "src/lib/bundle.ts"],
        pr=pr_of(cid, "feat(uploads): validate bundle manifests before forwarding"),
        extra=k8s_ctx(
            [oom],
            [
                ev(
                    ns,
                    "Pod",
                    oom["metadata"]["name"],
                    "Started",
                    f"Started container {app}",
                    cid,
                    type_="Normal",
                    count=4,
                )
            ],
            loki=[
                pino(cid, 30, "upload received", 0, size=498_118_432, route="/api/uploads"),
                pino(cid, 30, "server listening", 1, port=3000),
            ],
            prometheus=prom,
        ),
    )


# ------------------------------------------------------------------ 7. smoke tests


SLICE_RS = """
    mod summary;

    fn main() {
        let title = "fix: flaky";
        std::thread::Builder::new()
            .name("tokio-runtime-worker".into())
            .spawn(move || println!("{}", summary::headline(title)))
            .unwrap()
            .join()
            .ok();
        std::process::exit(1);
    }
"""

SLICE_SUMMARY = """
    /// The run list's one-line headline: the PR title cut to 40 bytes.
    pub fn headline(title: &str) -> String {
        format!("{}…", &title[..40])
    }
"""

NODE_500_MJS = """
    import { formatDuration } from "./format.mjs";

    const run = { id: 3512, status: "failed", startedAt: "2026-11-14T13:02:11Z", finishedAt: null };
    try {
      console.log(formatDuration(run));
    } catch (err) {
      console.log(JSON.stringify({
        level: 50, time: 1764320412418, pid: 1, hostname: "console-web",
        req: { method: "GET", url: "/runs/3512" },
        err: { type: err.name, message: err.message, stack: err.stack },
        msg: "unhandled error while rendering",
      }));
    }
"""

NODE_FORMAT_MJS = """
    export function formatDuration(run) {
      const end = new Date(run.finishedAt ?? Date.now());
      const secs = Math.round((end - new Date(run.startedAt)) / 1000);
      return `${run.finishedAt.slice(0, 10)} · ${secs}s`;
    }
"""


def smoke() -> None:
    at(REPO)
    ns, app = "healer", "healer-api"
    host = "healer.staging.5dlabs.ai"
    # 7a. atlas: a connection reset with everything healthy
    cid = "fr-zl-smoke-reset-healthy"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    with reset_server() as port:
        out = real.sh(
            cid,
            {},
            f"curl -fsS --retry 2 --retry-delay 1 http://127.0.0.1:{port}/api/runs?limit=1",
            f"curl -fsS --retry 2 --retry-delay 1 https://{host}/api/runs?limit=1",
            hosts={f"http://127.0.0.1:{port}": f"https://{host}"},
        )
    ci(
        cid,
        "the smoke test's curl fails with `Connection reset by peer` after its retries; every "
        "healer-api pod is ready with no restarts, events are normal, Loki shows only 200s and "
        "no alert fires; the change is a doc comment",
        ["context-driven", "look-alike", "smoke", "flaky-infra"],
        "atlas",
        "general",
        workflow="deploy",
        job="smoke",
        branch="main",
        steps=[smoke_step(out)],
        message="docs(api): document the runs cursor format (#1987)",
        files=["crates/healer-api/src/routes/runs.rs"],
        pr=pr_of(cid, "docs(api): document the runs cursor format"),
        extra=k8s_ctx(
            [running_pod(cid, ns, app, image, salt=str(i)) for i in range(3)],
            normal_events(cid, ns, app, 3),
            loki=info_lines(cid),
            prometheus={
                f'sum(rate(http_requests_total{{namespace="{ns}",app="{app}",code=~"5.."}}[5m]))': [
                    series({}, [0, 0, 0, 0])
                ],
            },
        ),
    )

    # 7b. rex: a 500 whose Loki lines carry the change's slicing panic
    cid = "fr-zl-smoke-rust-500"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    lines = rust_crash(cid, {"src/main.rs": SLICE_RS, "src/summary.rs": SLICE_SUMMARY})
    assert any("out of bounds" in ln for ln in lines), lines
    lines = [ln for ln in lines if "panicked" in ln or "out of bounds" in ln or "note:" in ln]
    out = curl_fail(cid, host, "/api/runs?limit=20", 500, '{"error":"internal server error"}')
    ci(
        cid,
        "the smoke test's curl gets 500 from /api/runs; pods are ready, but Loki shows a "
        "tokio worker's panic `end byte index 40 is out of bounds of ...` in summary.rs, the headline "
        "truncation the change added, followed by the handler's 500",
        ["context-driven", "look-alike", "smoke"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="smoke",
        branch="main",
        steps=[smoke_step(out)],
        message="feat(api): one-line headlines in the run list (#1990)",
        files=["crates/healer-api/src/summary.rs", "crates/healer-api/src/routes/runs.rs"],
        pr=pr_of(cid, "feat(api): one-line headlines in the run list"),
        extra=k8s_ctx(
            [running_pod(cid, ns, app, image, salt=str(i)) for i in range(2)],
            normal_events(cid, ns, app, 2),
            loki=[
                *info_lines(cid),
                *lines,
                tracing(
                    cid,
                    "ERROR",
                    "healer_api::server",
                    "request handler panicked; returning 500",
                    9,
                    uri="/api/runs?limit=20",
                ),
            ],
        ),
    )

    # 7c. blaze: a 500 whose Loki line carries the Node TypeError from the change
    at(WEB)
    cid = "fr-zl-smoke-node-500"
    ns, app = "console", "console-web"
    image = f"ghcr.io/5dlabs/console:sha-{sha(cid)[:7]}"
    lines = node_crash(
        cid,
        {"src/lib/format.mjs": NODE_FORMAT_MJS, "src/lib/render-run.mjs": NODE_500_MJS},
        "src/lib/render-run.mjs",
    )
    assert any("TypeError" in ln for ln in lines), lines
    lines = [
        ln.replace('"hostname":"console-web"', f'"hostname":"{pod_name(cid, app, "0")}"')
        for ln in lines
    ]
    out = curl_fail(cid, "console.staging.5dlabs.ai", "/runs/3512", 500, "Internal Server Error")
    ci(
        cid,
        "the console smoke test's curl gets 500 on /runs/3512 (a run still in progress); pods "
        "are ready, and Loki's error line carries `TypeError: Cannot read properties of null "
        "(reading 'slice')` from format.mjs's formatDuration, which the change rewrote",
        ["context-driven", "look-alike", "smoke"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="smoke",
        repo=WEB,
        branch="main",
        steps=[smoke_step(out)],
        message="feat(runs): show the run date next to its duration (#724)",
        files=["src/lib/format.mjs", "src/lib/format.test.mjs"],
        pr=pr_of(cid, "feat(runs): show the run date next to its duration"),
        extra=k8s_ctx(
            [running_pod(cid, ns, app, image, salt=str(i), port=3000) for i in range(2)],
            normal_events(cid, ns, app, 2),
            loki=[pino(cid, 30, "request completed", 0, statusCode=200, url="/runs"), *lines],
        ),
    )

    # 7d. bolt: ingress 502 after the chart changed the Service's targetPort
    at(REPO)
    cid = "fr-zl-smoke-service-targetport"
    ns, app = "healer", "healer-api"
    image = f"ghcr.io/5dlabs/healer:sha-{sha(cid)[:7]}"
    out = curl_fail(cid, host, "/api/runs?limit=1", 502, UPLOAD_BODY)
    pods = [running_pod(cid, ns, app, image, salt=str(i)) for i in range(2)]
    ip = pods[0]["status"]["podIP"]
    day = clock(cid)[1]
    nginx = (
        f"{day[:4]}/{day[5:7]}/{day[8:10]} {day[11:19]} [error] 38#38: *{h(cid, 10**5, 10**6)} "
        "connect() failed (111: Connection refused) while connecting to upstream, client: "
        f'10.42.0.1, server: {host}, request: "GET /api/runs?limit=1 HTTP/1.1", upstream: '
        f'"http://{ip}:9090/api/runs?limit=1", host: "{host}"'
    )
    ci(
        cid,
        "the smoke test's curl gets 502; the pods are ready and log nothing for the request, "
        f"while ingress-nginx logs `connect() failed (111: Connection refused)` to {ip}:9090: "
        "the change set the Service's targetPort to the metrics port name's number 9090 "
        "instead of http (8080)",
        ["context-driven", "look-alike", "smoke"],
        "bolt",
        "helm",
        workflow="deploy",
        job="smoke",
        branch="main",
        steps=[smoke_step(out)],
        message="feat(chart): expose metrics through the Service for the ServiceMonitor (#1993)",
        files=[
            "charts/healer/templates/service.yaml",
            "charts/healer/templates/servicemonitor.yaml",
            "charts/healer/values.yaml",
        ],
        pr=pr_of(cid, "feat(chart): expose metrics through the Service for the ServiceMonitor"),
        extra=k8s_ctx(pods, normal_events(cid, ns, app, 2), loki=[*info_lines(cid), nginx]),
    )


# ------------------------------------------------------------------ 8. Argo CD


def argocd() -> None:
    at(REPO)
    # 8a. atlas: the repo server cannot reach github.com
    cid = "fr-zl-argocd-repo-unreachable"
    ns, app = "healer", "healer-api"
    path = "apps/healer/overlays/prod"
    msg = (
        "Failed to load target state: failed to generate manifest for source 1 of 1: rpc "
        "error: code = Unknown desc = failed to list refs: Get "
        '"https://github.com/5dlabs/platform-gitops.git/info/refs?service=git-upload-pack": '
        "dial tcp 140.82.114.3:443: i/o timeout"
    )
    when = clock(cid)[2]
    cond = f"ComparisonError  {msg}  {when[:10]} {when[11:19]} +0000 UTC"
    ci(
        cid,
        "argocd app wait times out with healer-prod's sync status Unknown and a ComparisonError "
        "(`failed to list refs ... dial tcp 140.82.114.3:443: i/o timeout`): the repo server "
        "cannot reach github.com; the pods are ready on the previous image and the change is "
        "a Rust log-level tweak",
        ["context-driven", "look-alike", "argocd", "flaky-infra"],
        "atlas",
        "general",
        workflow="cd",
        job="deploy-prod",
        branch="main",
        steps=[
            *kube_setup(),
            bump_gitops(cid, "healer", path),
            argocd_wait(
                cid,
                "healer-prod",
                ns,
                path,
                "Unknown",
                "Healthy",
                [
                    ("", "Service", ns, app, "Synced", "Healthy", "", ""),
                    ("apps", "Deployment", ns, app, "Synced", "Healthy", "", ""),
                ],
                extra=[
                    "",
                    "CONDITION        MESSAGE" + " " * (len(msg) - 5) + "LAST TRANSITION",
                    cond,
                ],
            ),
        ],
        message="chore(api): debug-level logs for webhook retries (#1996)",
        files=["crates/healer-api/src/webhook.rs"],
        pr=pr_of(cid, "chore(api): debug-level logs for webhook retries"),
        extra={
            **k8s_ctx(
                [
                    running_pod(
                        cid, ns, app, f"ghcr.io/5dlabs/healer:sha-{sha(cid + 'p')[:7]}", salt=str(i)
                    )
                    for i in range(2)
                ],
                normal_events(cid, ns, app, 2),
                loki=[
                    *info_lines(cid),
                    f'time="{when}" level=error msg="finished unary call with code Unknown" '
                    f'error="failed to list refs: Get \\"https://github.com/5dlabs/'
                    'platform-gitops.git/info/refs?service=git-upload-pack\\": dial tcp '
                    '140.82.114.3:443: i/o timeout" grpc.code=Unknown '
                    "grpc.method=GenerateManifest grpc.service=repository.RepoServerService "
                    "span.kind=server system=grpc",
                ],
            ),
            "argocd": [
                argo_app(
                    cid,
                    "healer-prod",
                    ns,
                    path,
                    "Unknown",
                    "Healthy",
                    [
                        res("Service", ns, app, "Synced", "Healthy", group=""),
                        res("Deployment", ns, app, "Synced", "Healthy"),
                    ],
                    conditions=[
                        {"type": "ComparisonError", "message": msg, "lastTransitionTime": when}
                    ],
                )
            ],
        },
    )


# ------------------------------------------------------------------ 9. plain


E0599_MAIN = """
    mod routes;

    fn main() {
        let r = routes::Runs::default();
        println!("{}", r.page_size());
    }
"""

E0599_ROUTES = """
    #[derive(Default)]
    pub struct Runs {
        limit: usize,
    }

    impl Runs {
        pub fn limit(&self) -> usize {
            self.limit.max(20)
        }
    }
"""

TS_RUN = """
    export interface Run {
      id: number;
      status: "queued" | "running" | "failed" | "fixed";
      startedAt: string;
    }

    export function label(run: Run): string {
      return `${run.status} · ${run.finishedAt ?? "running"}`;
    }
"""


def plain() -> None:
    at(REPO)
    # 9a. bolt: Helm's nil pointer in the change's template
    cid = "fr-zl-helm-nil-pointer"
    cmd, out = shapes.helm_upgrade(
        "healer",
        "charts/healer",
        "healer",
        "template: healer/templates/deployment.yaml:58:30: executing "
        '"healer/templates/deployment.yaml" at <.Values.probes.readiness.path>: nil pointer '
        "evaluating interface {}.path",
    )
    ci(
        cid,
        "helm upgrade fails rendering deployment.yaml: `nil pointer evaluating interface "
        "{}.path` at <.Values.probes.readiness.path>; the change's template reads a values "
        "block values-staging.yaml does not define",
        ["obvious"],
        "bolt",
        "helm",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[*_helm_setup(), run(cmd, out, 1, name="Helm upgrade (wait)", seconds=3)],
        message="feat(chart): configurable probe paths (#1999)",
        files=["charts/healer/templates/deployment.yaml", "charts/healer/values.yaml"],
        pr=pr_of(cid, "feat(chart): configurable probe paths"),
    )

    # 9b. rex: rustc E0599 in the deploy workflow's build
    cid = "fr-zl-deploy-cargo-build"
    o = rust_build(cid, {"src/main.rs": E0599_MAIN, "src/routes.rs": E0599_ROUTES})
    assert "E0599" in "\n".join(o.lines), o.lines
    from fcommon import rust_setup

    ci(
        cid,
        "the deploy workflow's release build fails with rustc E0599: no method named "
        "`page_size` on `Runs`; the change renamed the method to `limit` and missed a caller",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="deploy",
        job="build",
        branch="main",
        steps=[*rust_setup(), failing(o, name="Build release binary")],
        message="refactor(api): rename Runs::page_size to limit (#2001)",
        files=["crates/healer-api/src/routes.rs"],
        pr=pr_of(cid, "refactor(api): rename Runs::page_size to limit"),
    )

    # 9c. bolt: yamllint's duplicate key in the change's values file
    cid = "fr-zl-values-duplicate-key"
    values = (
        "image:\n"
        "  repository: ghcr.io/5dlabs/healer\n"
        '  tag: "0.32.1"\n'
        "resources:\n"
        "  limits:\n"
        "    memory: 512Mi\n"
        "  requests:\n"
        "    memory: 256Mi\n"
        "resources:\n"
        "  limits:\n"
        "    memory: 768Mi\n"
    )
    o = real.yamllint(
        cid, {"charts/healer/values-staging.yaml": values}, ["charts/healer/values-staging.yaml"]
    )
    assert o.code != 0 and "duplication" in "\n".join(o.lines), o.lines
    ci(
        cid,
        "the deploy workflow's values lint fails: yamllint reports `duplication of key "
        '"resources" in mapping` in charts/healer/values-staging.yaml, which the change edited',
        ["obvious"],
        "bolt",
        "yaml_config",
        workflow="deploy",
        job="lint-values",
        branch="main",
        steps=[failing(o, name="Lint values")],
        message="chore(staging): more memory for healer-api (#2004)",
        files=["charts/healer/values-staging.yaml"],
        pr=pr_of(cid, "chore(staging): more memory for healer-api"),
    )

    # 9d. blaze: tsc TS2339 in the console's deploy build
    at(WEB)
    cid = "fr-zl-console-build-tsc"
    o = real.tsc(cid, {"src/lib/run.ts": TS_RUN})
    assert "TS2339" in "\n".join(o.lines), o.lines
    from fcommon import node_setup, npm_ci_ok

    ci(
        cid,
        "the console's deploy build stops at tsc: TS2339 `Property 'finishedAt' does not exist "
        "on type 'Run'` in src/lib/run.ts, which the change edited",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="deploy",
        job="build",
        repo=WEB,
        branch="main",
        steps=[*node_setup(), npm_ci_ok(), failing(o, name="Type-check")],
        message="feat(runs): label runs with their finish time (#727)",
        files=["src/lib/run.ts"],
        pr=pr_of(cid, "feat(runs): label runs with their finish time"),
    )

    # 9e. atlas: the deploy kubeconfig's token expired
    at(REPO)
    cid = "fr-zl-kubectl-unauthorized"
    status = json.dumps(
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "Unauthorized",
            "reason": "Unauthorized",
            "code": 401,
        }
    )
    path = real.scratch(cid)
    with real.serve((401, status, "application/json")) as port:
        lines, code = real.run(
            [
                "kubectl",
                f"--server=http://127.0.0.1:{port}",
                "--token=expired",
                "-n",
                "healer",
                "rollout",
                "status",
                "deployment/healer-api",
                "--timeout=5s",
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
            timeout=60,
        )
    o = real.Out("kubectl -n healer rollout status deployment/healer-api --timeout=5m", lines, code)
    assert "Unauthorized" in "\n".join(lines) or "credentials" in "\n".join(lines), lines
    ci(
        cid,
        "the first kubectl call of the deploy job fails with `error: You must be logged in to the "
        "server`: the KUBE_CONFIG secret's service-account token has expired; the change is "
        "Rust-only",
        ["obvious"],
        "atlas",
        "permissions",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[*kube_setup(), failing(o, name="Wait for rollout")],
        message="fix(api): return 404 for unknown repos (#2006)",
        files=["crates/healer-api/src/routes/repos.rs"],
        pr=pr_of(cid, "fix(api): return 404 for unknown repos"),
    )
