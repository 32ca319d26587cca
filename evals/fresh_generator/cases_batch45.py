"""Batch 45 of the fresh split (ids ``fr-zs-``): context that contradicts the log. The job
log points at one owner (a test assertion, a ``--wait`` timeout, a connection error) while the
gathered context (pods and events in the API's shape, Loki lines, Argo CD application status,
Prometheus series and firing alerts, the change's files) names another, or the reverse.

- e2e assertions: a vitest e2e check answered 502 while Loki shows healer-api panicking on
  startup after the chart renamed its DATABASE_URL env (bolt) vs after the change's code
  indexed an empty list (rex) vs the change's own console code, with an unrelated Node crash
  from another namespace in Loki (blaze, ``look-alike``);
- helm ``--wait`` timeouts: the pods Running and Ready but the pre-upgrade migration hook stuck
  while ``PostgresDown`` fires for the shared database (atlas) vs readiness probes answered 404
  after the chart moved the probe path (bolt) vs a crashloop on the change's config panic (rex);
- Rust integration tests refused by Postgres: the workflow's service container never started
  because the change dropped ``POSTGRES_PASSWORD`` (atlas) vs the change's test helper moving
  the port to 5433 while the service is healthy (rex);
- Argo CD Degraded with OOMKilled pods: the change raised the Rust cache's capacity (rex) vs
  the chart lowered the memory limit (bolt);
- rollout timeouts: console-web crashing on the change's TypeError (blaze) vs pods Pending for
  memory after the chart raised requests, with an unrelated Node crash from another namespace
  in Loki (bolt);
- e2e timeouts and refusals from the platform: CoreDNS down (atlas), the staging Redis evicted
  on node disk pressure (atlas), and an e2e assertion against a version Argo CD never applied
  because a Deployment selector change was refused as immutable (bolt);
- an e2e assertion whose context is all healthy but for the change's own ERROR line (rex);
- smoke curl 503s: the chart's new default-deny NetworkPolicy (bolt) vs the shared ingress-nginx
  controller OOMKilled after a Rust-only change (atlas); an e2e 502 whose Node crash in Loki is
  console-web's own, from the change's server code (blaze, not a trap);
- plain cases: a cargo build error (rex), a tsc error (blaze), a vitest assertion (blaze),
  yamllint on a values file (bolt), actionlint on a workflow (atlas).

Cases tagged ``obvious``: the five plain cases.
"""

from __future__ import annotations

from typing import Any

import real
import shapes
from cases_batch35 import (
    _helm_setup,
    crashloop,
    ev,
    k8s_ctx,
    prom_alert,
    running_pod,
    series,
    tracing,
)
from cases_batch38 import (
    _oom_pod,
    argo_app,
    argocd_wait,
    bump_gitops,
    helm_wait_fail,
    info_lines,
    mem_series,
    node_crash,
    res,
    rust_build,
    rust_crash,
)
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha, uses
from gha import Step, h
from helpers import clock, curl_fail, kube_setup, normal_events, pod_name, rollout

REPO = "5dlabs/healer"
WEB = "5dlabs/console"


def build() -> None:
    e2e_assertions()
    helm_waits()
    integration_db()
    argo_oom()
    rollouts()
    platform()
    smoke()
    plain()


def checkout() -> list:
    return [uses("actions/checkout@v4", {"fetch-depth": "1"}, [])]


def img(cid: str, repo: str = "healer", salt: str = "") -> str:
    return f"ghcr.io/5dlabs/{repo}:sha-{sha(cid + salt)[:7]}"


# ------------------------------------------------------------------ 1. e2e assertions

E2E_API = """
export async function getRuns() {
  return { status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" };
}
"""

E2E_TEST = """import { describe, expect, it } from "vitest";
import { getRuns } from "./api.js";

describe("runs API (staging)", () => {
  it("lists the latest runs", async () => {
    const res = await getRuns();
    expect(res.status).toBe(200);
  });
});
"""


def e2e_step(name: str) -> Any:
    out = real.vitest(name, {"e2e/api.js": E2E_API, "e2e/runs.test.js": E2E_TEST})
    return failing(
        out, name="E2E against staging", env={"E2E_BASE_URL": "https://staging.5dlabs.ai"}
    )


PANIC_ENV = """
fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL must be set");
    println!("{url}");
}
"""

PANIC_INDEX = """
fn main() {
    let shards: Vec<String> = std::env::var("HEALER_SHARDS")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let primary = &shards[0];
    println!("{primary}");
}
"""


def e2e_assertions() -> None:
    at(REPO)
    step = e2e_step("b45-e2e-502-healer")
    ns, app = "healer", "healer-api"

    cid = "fr-zs-e2e-api-env-renamed-chart"
    lines = rust_crash("b45-panic-env", {"src/main.rs": PANIC_ENV})
    pod = crashloop(cid, ns, app, img(cid), exit_code=101, memory_limit="512Mi", port=8080)
    ci(
        cid,
        "the console e2e suite gets 502 from staging's runs API; Loki shows healer-api "
        "panicking at startup on `DATABASE_URL must be set` because the change renamed the "
        "chart's env entry to HEALER_DATABASE_URL; the Rust code is untouched",
        ["context-driven", "look-alike"],
        "bolt",
        "helm",
        workflow="e2e",
        job="staging-e2e",
        branch="main",
        steps=[*checkout(), *node_setup(), npm_ci_ok(), step],
        message="chore(chart): prefix healer-api env with HEALER_ (#2104)",
        files=["charts/healer/templates/deployment.yaml", "charts/healer/values.yaml"],
        extra=k8s_ctx(
            [pod, running_pod(cid, "console", "console-web", img(cid, "console"), port=3000)],
            [
                ev(
                    ns,
                    "Pod",
                    pod["metadata"]["name"],
                    "BackOff",
                    f"Back-off restarting failed container {app} in pod "
                    f"{pod['metadata']['name']}_{ns}({sha(pod['metadata']['name'])[:8]})",
                    cid,
                    count=31,
                ),
                *normal_events(cid, "console", "console-web", 1),
            ],
            loki=[*info_lines(cid), *lines],
        ),
    )

    cid = "fr-zs-e2e-api-panic-code"
    lines = rust_crash("b45-panic-index", {"src/main.rs": PANIC_INDEX})
    pod = crashloop(cid, ns, app, img(cid), exit_code=101, memory_limit="512Mi", port=8080)
    ci(
        cid,
        "the console e2e suite gets 502 from staging's runs API; Loki shows healer-api "
        "panicking with `index out of bounds` in main.rs, the shard list the change added and "
        "indexes without checking; the chart is unchanged",
        ["context-driven", "look-alike"],
        "rex",
        "rust_test",
        workflow="e2e",
        job="staging-e2e",
        branch="main",
        steps=[*checkout(), *node_setup(), npm_ci_ok(), step],
        message="feat(api): shard run storage by HEALER_SHARDS (#2107)",
        files=["crates/healer-api/src/main.rs", "crates/healer-api/src/store.rs"],
        extra=k8s_ctx(
            [pod],
            [
                ev(
                    ns,
                    "Pod",
                    pod["metadata"]["name"],
                    "BackOff",
                    f"Back-off restarting failed container {app} in pod "
                    f"{pod['metadata']['name']}_{ns}({sha(pod['metadata']['name'])[:8]})",
                    cid,
                    count=22,
                )
            ],
            loki=[*info_lines(cid, 2), *lines],
        ),
    )

    at(WEB)
    step = e2e_step("b45-e2e-502-console")
    cid = "fr-zs-e2e-console-code-other-ns-crash"
    other = node_crash(
        "b45-other-ns-node",
        {"worker.mjs": 'const cfg = JSON.parse(process.env.JOBS ?? "");\nconsole.log(cfg);\n'},
        "worker.mjs",
    )
    ci(
        cid,
        "the console e2e check gets a 502 from its own mock layer: the change's getRuns returns "
        "the gateway page it meant to retry; Loki's only crash is a Node SyntaxError from a "
        "cron worker in the `reports` namespace, and every healer and console pod is Ready",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        workflow="e2e",
        job="staging-e2e",
        repo=WEB,
        steps=[*checkout(), *node_setup(), npm_ci_ok(), step],
        message="feat(console): retry the runs list once on a gateway error",
        files=["e2e/api.js", "src/runs/useRuns.ts"],
        pr=pr_of(cid, "feat(console): retry the runs list once on a gateway error"),
        extra=k8s_ctx(
            [
                *[running_pod(cid, ns, app, img(cid), salt=str(i)) for i in range(2)],
                running_pod(cid, "console", "console-web", img(cid, "console"), port=3000),
            ],
            normal_events(cid, ns, app, 2),
            loki=[*info_lines(cid), *other],
        ),
    )


# ------------------------------------------------------------------ 2. helm --wait


def helm_waits() -> None:
    at(REPO)
    ns, app = "healer", "healer-api"

    cid = "fr-zs-helm-wait-postgres-down"
    job = "healer-migrate"
    created = ev(
        ns,
        "Job",
        job,
        "SuccessfulCreate",
        f"Created pod: {job}-{sha(cid)[:5]}",
        cid,
        type_="Normal",
        component="job-controller",
    )
    ci(
        cid,
        "helm upgrade --wait times out; the healer-api pods are Running and Ready, the "
        "pre-upgrade migration hook keeps retrying, and `PostgresDown` fires for the shared "
        "cnpg cluster in the `databases` namespace; the change only bumps the image tag",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[*_helm_setup(), helm_wait_fail("healer", "charts/healer", ns)],
        message="chore(release): healer 0.42.1",
        files=["charts/healer/Chart.yaml"],
        extra={
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid), salt=str(i)) for i in range(2)],
                [created, *normal_events(cid, ns, app, 2)],
                loki=[
                    *info_lines(cid),
                    tracing(
                        cid,
                        "ERROR",
                        "sqlx::pool::inner",
                        "error occurred while testing the connection on-release",
                        7,
                        error="error communicating with database: Connection refused (os error 111)",
                    ),
                ],
            ),
            "prometheus": {
                **prom_alert(
                    "PostgresDown",
                    {"namespace": "databases", "cluster": "pg-shared", "severity": "critical"},
                ),
                'cnpg_collector_up{namespace="databases"}': [
                    series({"namespace": "databases", "pod": "pg-shared-1"}, [1, 1, 0, 0, 0])
                ],
            },
        },
    )

    cid = "fr-zs-helm-wait-probe-path"
    pods = [
        running_pod(cid, ns, app, img(cid), salt=str(i), ready=False, probe_path="/healthz")
        for i in range(2)
    ]
    events = [
        ev(
            ns,
            "Pod",
            p["metadata"]["name"],
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 404",
            cid,
            count=41,
        )
        for p in pods
    ]
    ci(
        cid,
        "helm upgrade --wait times out; the new pods run but never turn Ready: the readiness "
        "probe gets 404 on /healthz, the path the change's values.yaml set while the binary "
        "serves /health",
        ["context-driven", "look-alike"],
        "bolt",
        "helm",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[*_helm_setup(), helm_wait_fail("healer", "charts/healer", ns)],
        message="chore(chart): share probe defaults with the worker chart (#2111)",
        files=["charts/healer/values.yaml", "charts/healer/templates/deployment.yaml"],
        extra=k8s_ctx(pods, events, loki=info_lines(cid)),
    )

    cid = "fr-zs-helm-wait-config-panic"
    lines = rust_crash(
        "b45-panic-timeout",
        {
            "src/main.rs": (
                "fn main() {\n"
                '    let raw = std::env::var("HEALER_REQUEST_TIMEOUT").unwrap_or("30s".into());\n'
                "    let secs: u64 = raw.parse().unwrap();\n"
                '    println!("{secs}");\n'
                "}\n"
            )
        },
    )
    pod = crashloop(cid, ns, app, img(cid), exit_code=101, memory_limit="512Mi", port=8080)
    ci(
        cid,
        "helm upgrade --wait times out; the new healer-api pod crashloops on "
        "`called Result::unwrap() on an Err value: ParseIntError` from the timeout parsing the "
        "change added (the default `30s` is not an integer); the chart is untouched",
        ["context-driven", "look-alike"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[*_helm_setup(), helm_wait_fail("healer", "charts/healer", ns)],
        message="feat(api): configurable request timeout (#2113)",
        files=["crates/healer-api/src/main.rs", "crates/healer-api/src/config.rs"],
        extra=k8s_ctx(
            [pod, running_pod(cid, ns, app, img(cid, salt="prev"))],
            [
                ev(
                    ns,
                    "Pod",
                    pod["metadata"]["name"],
                    "BackOff",
                    f"Back-off restarting failed container {app} in pod "
                    f"{pod['metadata']['name']}_{ns}({sha(pod['metadata']['name'])[:8]})",
                    cid,
                    count=18,
                )
            ],
            loki=[*info_lines(cid), *lines],
        ),
    )


# ------------------------------------------------------------------ 3. integration tests

DB_TEST = """
use std::net::TcpStream;

pub fn pg_port() -> u16 {
    std::env::var("PGPORT").ok().and_then(|p| p.parse().ok()).unwrap_or(PORT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_cleanly() {
        let conn = TcpStream::connect(("127.0.0.1", pg_port())).expect("connect to postgres");
        drop(conn);
    }
}
"""


def db_test(name: str) -> real.Out:
    port = real.free_port()
    src = DB_TEST.replace("PORT", str(port))
    out = real.cargo(
        name,
        {"src/lib.rs": src},
        ["test", "-q", "--lib"],
        shown="cargo test -q -p healer-store --lib",
    )
    lines = [
        ln.replace(str(port), "5432").replace("at src/lib.rs", "at crates/healer-store/src/lib.rs")
        for ln in out.lines
    ]
    return real.Out(out.command, lines, out.code)


PG_NOPASS = [
    " Error: Database is uninitialized and superuser password is not specified.",
    "        You must specify POSTGRES_PASSWORD to a non-empty value for the",
    '        superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
    " ",
    '        You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
    "        connections without a password. This is *not* recommended.",
    " ",
    '        See PostgreSQL documentation about "trust":',
    "        https://www.postgresql.org/docs/current/auth-trust.html",
]

PG_READY = [
    " PostgreSQL init process complete; ready for start up.",
    " ",
    " 2026-11-18 04:01:12.118 UTC [1] LOG:  starting PostgreSQL 16.6 on x86_64-pc-linux-musl, "
    "compiled by gcc (Alpine 14.2.0) 14.2.0, 64-bit",
    ' 2026-11-18 04:01:12.118 UTC [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432',
    ' 2026-11-18 04:01:12.118 UTC [1] LOG:  listening on IPv6 address "::", port 5432',
    ' 2026-11-18 04:01:12.121 UTC [1] LOG:  listening on Unix socket "/var/run/postgresql/'
    '.s.PGSQL.5432"',
    " 2026-11-18 04:01:12.127 UTC [1] LOG:  database system is ready to accept connections",
]


def _cid(cid: str) -> tuple[str, str, str]:
    return sha(cid + "c") + sha(cid + "d")[:24], sha(cid + "l"), sha(cid + "n")


def init_containers(cid: str, env: str) -> Step:
    cont, label, net = _cid(cid)
    return Step(
        "Initialize containers",
        [
            "##[group]Checking docker version",
            "##[command]/usr/bin/docker version --format '{{.Server.APIVersion}}'",
            "'1.48'",
            "Docker daemon API version: '1.48'",
            "##[command]/usr/bin/docker version --format '{{.Client.APIVersion}}'",
            "'1.48'",
            "Docker client API version: '1.48'",
            "##[endgroup]",
            "##[group]Clean up resources from previous jobs",
            f'##[command]/usr/bin/docker ps --all --quiet --no-trunc --filter "label={label[:6]}"',
            f'##[command]/usr/bin/docker network prune --force --filter "label={label[:6]}"',
            "##[endgroup]",
            "##[group]Create local container network",
            f"##[command]/usr/bin/docker network create --label {label[:6]} "
            f"github_network_{net[:32]}",
            sha(cid + "net") + sha(cid + "net2")[:24],
            "##[endgroup]",
            "##[group]Starting postgres service container",
            "##[command]/usr/bin/docker pull postgres:16-alpine",
            "16-alpine: Pulling from library/postgres",
            f"Digest: sha256:{sha(cid + 'img')}{sha(cid + 'img2')[:24]}",
            "Status: Downloaded newer image for postgres:16-alpine",
            "docker.io/library/postgres:16-alpine",
            f"##[command]/usr/bin/docker create --name {sha(cid + 'x')[:32]}_postgres16alpine_"
            f"{h(cid, 10000, 99999)} --label {label[:6]} --network github_network_{net[:32]} "
            f"--network-alias postgres -p 5432:5432 {env}-e GITHUB_ACTIONS=true -e CI=true "
            "postgres:16-alpine",
            cont,
            f"##[command]/usr/bin/docker start {cont}",
            cont,
            f"##[command]/usr/bin/docker ps --all --filter id={cont} --filter status=running "
            '--no-trunc --format "{{.ID}} {{.Status}}"',
            f"{cont} Up Less than a second",
            f"##[command]/usr/bin/docker port {cont}",
            "5432/tcp -> 0.0.0.0:5432",
            "5432/tcp -> [::]:5432",
            "##[endgroup]",
        ],
        seconds=14,
    )


def stop_containers(cid: str, logs: list[str]) -> Step:
    cont, _, _ = _cid(cid)
    return Step(
        "Stop containers",
        [
            f"Print service container logs: {cont}",
            f"##[command]/usr/bin/docker logs --details {cont}",
            *logs,
            f"Stop and remove container: {sha(cid + 'x')[:32]}_postgres16alpine_"
            f"{h(cid, 10000, 99999)}",
            f"##[command]/usr/bin/docker rm --force {cont}",
            cont,
        ],
        seconds=2,
    )


def integration_db() -> None:
    at(REPO)
    out = db_test("b45-db-refused")

    cid = "fr-zs-it-postgres-no-password"
    ci(
        cid,
        "a Rust integration test panics `connect to postgres: ... Connection refused`; the "
        "postgres service container's log (printed when the job stops it) says `superuser "
        "password is not specified`: the change's workflow edit dropped POSTGRES_PASSWORD and "
        "the health-check options, so the runner did not wait for it",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="ci",
        job="integration",
        steps=[
            init_containers(cid, ""),
            *checkout(),
            *rust_setup(),
            failing(out, name="Integration tests"),
            stop_containers(cid, PG_NOPASS),
        ],
        message="ci: move the postgres service to 16-alpine",
        files=[".github/workflows/ci.yml"],
        pr=pr_of(cid, "ci: move the postgres service to 16-alpine"),
    )

    cid = "fr-zs-it-postgres-wrong-port"
    ci(
        cid,
        "the same `Connection refused` from the integration test, with the postgres service "
        "healthy on 5432: the change's test helper now defaults to PGPORT 5433",
        ["context-driven", "look-alike"],
        "rex",
        "rust_test",
        workflow="ci",
        job="integration",
        steps=[
            init_containers(cid, "-e POSTGRES_PASSWORD=postgres -e POSTGRES_DB=healer "),
            *checkout(),
            *rust_setup(),
            failing(out, name="Integration tests"),
            stop_containers(cid, PG_READY),
        ],
        message="test(store): run the integration tests against the local docker-compose port",
        files=["crates/healer-store/src/lib.rs", "docker-compose.yml"],
        pr=pr_of(cid, "test(store): use the docker-compose port by default"),
    )

    cid = "fr-zs-it-redis-evicted"
    ns = "staging-data"
    created = shapes.pod(
        "redis-0",
        ns,
        "redis",
        "docker.io/library/redis:7.4.1",
        created=clock(cid)[0],
        phase="Failed",
        port=6379,
    )
    status = created["status"]["containerStatuses"][0]
    status["state"] = {
        "terminated": {
            "containerID": status["containerID"],
            "exitCode": 137,
            "reason": "Error",
            "startedAt": clock(cid)[0],
            "finishedAt": clock(cid)[1],
        }
    }
    created["status"]["reason"] = "Evicted"
    created["status"]["message"] = (
        "The node was low on resource: ephemeral-storage. Threshold quantity: 2058614119, "
        "available: 1706180Ki. "
    )
    ci(
        cid,
        "a Rust e2e test against staging is refused (`Connection refused`); staging's redis-0 "
        "was evicted for node disk pressure and `KubeNodeDiskPressure` fires; the change edits "
        "only a doc comment",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="e2e",
        job="staging-rust",
        branch="main",
        steps=[*checkout(), *rust_setup(), failing(out, name="Integration tests")],
        message="docs(store): explain the retry budget",
        files=["crates/healer-store/src/retry.rs"],
        extra={
            **k8s_ctx(
                [created],
                [
                    ev(
                        ns,
                        "Pod",
                        "redis-0",
                        "Evicted",
                        "The node was low on resource: ephemeral-storage. Threshold quantity: "
                        "2058614119, available: 1706180Ki. ",
                        cid,
                        component="kubelet",
                    )
                ],
            ),
            "prometheus": prom_alert(
                "KubeNodeDiskPressure", {"node": "k3s-worker-3", "severity": "warning"}
            ),
        },
    )


# ------------------------------------------------------------------ 4. Argo CD OOMKilled


def argo_oom() -> None:
    at(REPO)
    ns, app, path = "healer", "healer-api", "apps/healer/overlays/prod"
    for cid, agent, ftype, limit, msg, files, desc in (
        (
            "fr-zs-argo-oom-cache-capacity",
            "rex",
            "rust_test",
            "512Mi",
            "perf(api): keep 200k run summaries in the LRU cache (#2120)",
            ["crates/healer-api/src/cache.rs"],
            "Argo CD reports healer-prod Degraded with healer-api OOMKilled at its unchanged "
            "512Mi limit; working set climbs steadily after start since the change raised the "
            "LRU capacity from 5k to 200k summaries",
        ),
        (
            "fr-zs-argo-oom-limit-lowered",
            "bolt",
            "argocd_sync",
            "128Mi",
            "chore(gitops): right-size healer-api requests and limits (#318)",
            ["apps/healer/overlays/prod/resources-patch.yaml"],
            "Argo CD reports healer-prod Degraded with healer-api OOMKilled; the change's "
            "overlay cut the memory limit from 512Mi to 128Mi while the steady working set is "
            "~190Mi; no Rust code changed",
        ),
    ):
        pod = _oom_pod(cid, ns, app, img(cid), limit)
        values = [96, 180, 290, 410, 505] if agent == "rex" else [150, 188, 192, 191, 190]
        ci(
            cid,
            desc,
            ["context-driven", "look-alike", "argocd"],
            agent,
            ftype,
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
            message=msg,
            files=files,
            extra={
                **k8s_ctx(
                    [pod],
                    [
                        ev(
                            ns,
                            "Pod",
                            pod["metadata"]["name"],
                            "BackOff",
                            f"Back-off restarting failed container {app} in pod "
                            f"{pod['metadata']['name']}_{ns}({sha(pod['metadata']['name'])[:8]})",
                            cid,
                            count=12,
                        )
                    ],
                    loki=info_lines(cid),
                ),
                "prometheus": mem_series(ns, app, pod["metadata"]["name"], values),
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


# ------------------------------------------------------------------ 5. rollouts


def rollouts() -> None:
    at(WEB)
    ns, app = "console", "console-web"

    cid = "fr-zs-rollout-console-typeerror"
    lines = node_crash(
        "b45-console-typeerror",
        {
            "server.mjs": (
                "const flags = {};\n"
                "const port = Number(process.env.PORT ?? 3000);\n"
                "console.log(flags.ssr.enabled, port);\n"
            )
        },
        "server.mjs",
    )
    out = rollout(cid, ns, app, 3, 1, 2, deadline=True)
    pod = crashloop(cid, ns, app, img(cid, "console"), exit_code=1, memory_limit="256Mi", port=3000)
    ci(
        cid,
        "kubectl rollout status for console-web exceeds its progress deadline; the new pod "
        "crashloops on `TypeError: Cannot read properties of undefined (reading 'enabled')` "
        "from the server entry the change edited",
        ["context-driven", "look-alike", "rollout"],
        "blaze",
        "frontend_build",
        workflow="deploy",
        job="staging",
        repo=WEB,
        branch="main",
        steps=[*kube_setup(), failing(out, name="Wait for rollout", seconds=300)],
        message="feat(console): gate SSR behind a flag",
        files=["server.mjs", "src/flags.ts"],
        extra=k8s_ctx(
            [pod, running_pod(cid, ns, app, img(cid, "console", "prev"), port=3000)], [], loki=lines
        ),
    )

    cid = "fr-zs-rollout-pending-requests"
    other = node_crash(
        "b45-other-ns-node",
        {"worker.mjs": 'const cfg = JSON.parse(process.env.JOBS ?? "");\nconsole.log(cfg);\n'},
        "worker.mjs",
    )
    out = rollout(cid, ns, app, 3, 1, 2, deadline=True)
    pend = shapes.pod(
        pod_name(cid, app, "n"),
        ns,
        app,
        img(cid, "console"),
        created=clock(cid)[0],
        phase="Pending",
        scheduled=False,
        pending_message="0/4 nodes are available: 4 Insufficient memory. preemption: 0/4 nodes "
        "are available: 4 No preemption victims found for incoming pod.",
        memory_limit="6Gi",
        port=3000,
    )
    ci(
        cid,
        "console-web's rollout exceeds its deadline; the new pod is Pending "
        "(`4 Insufficient memory`) since the change's values set 6Gi requests; Loki's Node "
        "SyntaxError comes from a cron worker in the unrelated `reports` namespace",
        ["context-driven", "look-alike", "rollout"],
        "bolt",
        "helm",
        workflow="deploy",
        job="staging",
        repo=WEB,
        branch="main",
        steps=[*kube_setup(), failing(out, name="Wait for rollout", seconds=300)],
        message="chore(chart): give SSR room to breathe",
        files=["charts/console/values.yaml"],
        extra=k8s_ctx(
            [
                pend,
                *[
                    running_pod(cid, ns, app, img(cid, "console", "prev"), salt=str(i), port=3000)
                    for i in range(2)
                ],
            ],
            [
                ev(
                    ns,
                    "Pod",
                    pend["metadata"]["name"],
                    "FailedScheduling",
                    "0/4 nodes are available: 4 Insufficient memory. preemption: 0/4 nodes are "
                    "available: 4 No preemption victims found for incoming pod.",
                    cid,
                    count=9,
                    component="default-scheduler",
                )
            ],
            loki=other,
        ),
    )


# ------------------------------------------------------------------ 6. platform causes

TIMEOUT_TEST = """import { expect, it } from "vitest";

it("loads the dashboard data", async () => {
  await new Promise(() => {});
  expect(true).toBe(true);
}, 200);
"""


def platform() -> None:
    at(WEB)
    out = real.vitest("b45-e2e-timeout", {"e2e/dashboard.test.js": TIMEOUT_TEST})

    cid = "fr-zs-e2e-timeout-coredns"
    ci(
        cid,
        "an e2e test times out; CoreDNS pods crashloop in kube-system and `CoreDNSDown` fires, "
        "so every lookup of the staging API hangs; the change touches only a README",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="e2e",
        job="staging-e2e",
        repo=WEB,
        branch="main",
        steps=[*checkout(), *node_setup(), npm_ci_ok(), failing(out, name="E2E against staging")],
        message="docs: describe the dashboard filters",
        files=["README.md"],
        extra={
            **k8s_ctx(
                [
                    crashloop(
                        cid,
                        "kube-system",
                        "coredns",
                        "docker.io/rancher/mirrored-coredns-coredns:1.11.3",
                        exit_code=1,
                        memory_limit="170Mi",
                        port=53,
                    ),
                    running_pod(cid, "console", "console-web", img(cid, "console"), port=3000),
                ],
                [],
                loki=[
                    "[FATAL] plugin/loop: Loop (127.0.0.1:47310 -> :53) detected for zone "
                    '".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO '
                    '4547991504243258144.3688648895315093531."',
                ],
            ),
            "prometheus": prom_alert(
                "CoreDNSDown", {"namespace": "kube-system", "severity": "critical"}
            ),
        },
    )

    at(REPO)
    cid = "fr-zs-e2e-argo-selector-immutable"
    ns, app, path = "healer", "healer-api", "apps/healer/overlays/staging"
    step = e2e_step("b45-e2e-502-healer")
    ci(
        cid,
        "the e2e check still gets the old 502 the change's fix was for: Argo CD never applied "
        'it, healer-staging is OutOfSync with `Deployment.apps "healer-api" is invalid: '
        "spec.selector: ... field is immutable` after the overlay changed the selector labels",
        ["context-driven", "look-alike", "argocd"],
        "bolt",
        "argocd_sync",
        workflow="e2e",
        job="staging-e2e",
        branch="main",
        steps=[*checkout(), *node_setup(), npm_ci_ok(), step],
        message="fix(api): answer the runs list behind the gateway; relabel the staging overlay",
        files=["crates/healer-api/src/routes.rs", "apps/healer/overlays/staging/labels.yaml"],
        extra={
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid, salt="prev"), salt=str(i)) for i in range(2)],
                normal_events(cid, ns, app, 2),
                loki=info_lines(cid),
            ),
            "argocd": [
                shapes.argo_application(
                    "healer-staging",
                    ns,
                    "5dlabs/platform-gitops",
                    path,
                    sha(cid + ":ops"),
                    "OutOfSync",
                    "Healthy",
                    phase="Failed",
                    op_message="one or more objects failed to apply, reason: Deployment.apps "
                    '"healer-api" is invalid: spec.selector: Invalid value: v1.LabelSelector'
                    '{MatchLabels:map[string]string{"app.kubernetes.io/name":"healer-api", '
                    '"app.kubernetes.io/part-of":"healer"}, MatchExpressions:[]v1.'
                    "LabelSelectorRequirement(nil)}: field is immutable",
                    resources=[
                        res("Service", ns, app, "Synced", "Healthy", group=""),
                        res("Deployment", ns, app, "OutOfSync", "Healthy"),
                    ],
                )
            ],
        },
    )

    cid = "fr-zs-e2e-assert-code-healthy-context"
    ci(
        cid,
        "the e2e check gets 502 from the runs API; Argo CD is Synced and Healthy on the new "
        "image, the pods are Ready, and Loki holds the change's own `ERROR` from the runs "
        "handler: the upstream URL it now builds drops the path",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="e2e",
        job="staging-e2e",
        branch="main",
        steps=[*checkout(), *node_setup(), npm_ci_ok(), step],
        message="refactor(api): build upstream URLs with url::Url::join",
        files=["crates/healer-api/src/upstream.rs"],
        extra={
            **k8s_ctx(
                [running_pod(cid, ns, app, img(cid), salt=str(i)) for i in range(2)],
                normal_events(cid, ns, app, 2),
                loki=[
                    *info_lines(cid),
                    tracing(
                        cid,
                        "ERROR",
                        "healer_api::upstream",
                        "upstream request failed",
                        5,
                        url="http://runs-store.healer.svc:8080/",
                        status=404,
                    ),
                ],
            ),
            "argocd": [
                argo_app(
                    cid,
                    "healer-staging",
                    ns,
                    path,
                    "Synced",
                    "Healthy",
                    [
                        res("Service", ns, app, "Synced", "Healthy", group=""),
                        res("Deployment", ns, app, "Synced", "Healthy"),
                    ],
                )
            ],
        },
    )


# ------------------------------------------------------------------ 7. smoke tests


def smoke() -> None:
    at(REPO)
    ns, app = "healer", "healer-api"
    out = curl_fail("b45-smoke-503", "staging.5dlabs.ai", "/api/health", status=503)

    cid = "fr-zs-smoke-503-networkpolicy"
    ci(
        cid,
        "the post-deploy smoke curl gets 503; healer-api's pods are Ready, but ingress-nginx "
        "logs `upstream timed out` to them: the change's chart added a default-deny "
        "NetworkPolicy whose ingress rule admits only the `monitoring` namespace",
        ["context-driven", "look-alike"],
        "bolt",
        "helm",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[*_helm_setup(), failing(out, name="Smoke test", seconds=20)],
        message="feat(chart): default-deny NetworkPolicy for healer-api (#2126)",
        files=["charts/healer/templates/networkpolicy.yaml", "charts/healer/values.yaml"],
        extra=k8s_ctx(
            [running_pod(cid, ns, app, img(cid), salt=str(i)) for i in range(2)],
            normal_events(cid, ns, app, 2),
            loki=[
                *info_lines(cid),
                f"2026/11/21 09:12:44 [error] 31#31: *{h(cid, 10000, 99999)} upstream timed out "
                "(110: Operation timed out) while connecting to upstream, client: 10.42.0.1, "
                'server: staging.5dlabs.ai, request: "GET /api/health HTTP/1.1", upstream: '
                '"http://10.42.2.17:8080/api/health", host: "staging.5dlabs.ai"',
            ],
        ),
    )

    cid = "fr-zs-smoke-503-ingress-oom"
    ctrl = crashloop(
        cid,
        "ingress-nginx",
        "ingress-nginx-controller",
        "registry.k8s.io/ingress-nginx/controller:v1.12.1",
        exit_code=137,
        reason="OOMKilled",
        restarts=5,
        memory_limit="256Mi",
        port=80,
        container="controller",
    )
    ci(
        cid,
        "the same smoke 503 after a Rust-only change; healer-api's pods are Ready and serve "
        "/api/health (200 in Loki), while the ingress-nginx controller crashloops OOMKilled and "
        "`NginxIngressControllerDown` fires: the shared ingress, not the change",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="deploy",
        job="staging",
        branch="main",
        steps=[*_helm_setup(), failing(out, name="Smoke test", seconds=20)],
        message="fix(api): trim trailing slashes in run ids",
        files=["crates/healer-api/src/runs.rs"],
        extra={
            **k8s_ctx(
                [ctrl, *[running_pod(cid, ns, app, img(cid), salt=str(i)) for i in range(2)]],
                [
                    ev(
                        "ingress-nginx",
                        "Pod",
                        ctrl["metadata"]["name"],
                        "BackOff",
                        "Back-off restarting failed container controller in pod "
                        f"{ctrl['metadata']['name']}_ingress-nginx"
                        f"({sha(ctrl['metadata']['name'])[:8]})",
                        cid,
                        count=16,
                    ),
                    *normal_events(cid, ns, app, 2),
                ],
                loki=[
                    tracing(
                        cid,
                        "INFO",
                        "tower_http::trace::on_response",
                        "finished processing request",
                        3,
                        latency="1 ms",
                        status=200,
                        uri="/api/health",
                    )
                ],
            ),
            "prometheus": prom_alert(
                "NginxIngressControllerDown",
                {"namespace": "ingress-nginx", "severity": "critical"},
            ),
        },
    )

    at(WEB)
    cid = "fr-zs-e2e-console-ssr-crash"
    lines = node_crash(
        "b45-console-ssr-crash",
        {"server.mjs": ("const session = undefined;\nexport const user = session.user.login;\n")},
        "server.mjs",
    )
    cns, capp = "console", "console-web"
    pod = crashloop(
        cid, cns, capp, img(cid, "console"), exit_code=1, memory_limit="256Mi", port=3000
    )
    ci(
        cid,
        "the console e2e check gets 502; the Node crash in Loki is console-web's own, in the "
        "console namespace on the image this change built: `TypeError: Cannot read properties "
        "of undefined (reading 'user')` in the server entry the change edited",
        ["context-driven"],
        "blaze",
        "frontend_build",
        workflow="e2e",
        job="staging-e2e",
        repo=WEB,
        branch="main",
        steps=[*checkout(), *node_setup(), npm_ci_ok(), e2e_step("b45-e2e-502-console")],
        message="feat(console): read the session user on the server",
        files=["server.mjs", "src/session.ts"],
        extra=k8s_ctx(
            [pod, *[running_pod(cid, ns, app, img(cid), salt=str(i)) for i in range(2)]],
            [
                ev(
                    cns,
                    "Pod",
                    pod["metadata"]["name"],
                    "BackOff",
                    f"Back-off restarting failed container {capp} in pod "
                    f"{pod['metadata']['name']}_{cns}({sha(pod['metadata']['name'])[:8]})",
                    cid,
                    count=20,
                )
            ],
            loki=[*info_lines(cid), *lines],
        ),
    )


# ------------------------------------------------------------------ 8. plain


def plain() -> None:
    at(REPO)
    out = rust_build(
        "b45-plain-build",
        {"src/main.rs": 'fn main() {\n    let n: u32 = "3";\n    println!("{n}");\n}\n'},
    )
    ci(
        "fr-zs-plain-cargo-mismatched-types",
        "cargo build fails with E0308 mismatched types in healer-api's main.rs",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        steps=[*checkout(), *rust_setup(), failing(out, name="Build")],
        message="feat(api): read the worker count",
        files=["crates/healer-api/src/main.rs"],
    )

    at(WEB)
    out = real.tsc(
        "b45-plain-tsc",
        {"src/runs.ts": 'export const limit: number = "50";\n'},
    )
    ci(
        "fr-zs-plain-tsc-string-number",
        "tsc TS2322: a string assigned to a number in src/runs.ts",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="web",
        job="typecheck",
        repo=WEB,
        steps=[*checkout(), *node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(console): page size for the runs list",
        files=["src/runs.ts"],
    )

    out = real.vitest(
        "b45-plain-vitest",
        {
            "src/fmt.js": "export const pct = (x) => `${Math.round(x * 10)}%`;\n",
            "src/fmt.test.js": (
                'import { expect, it } from "vitest";\nimport { pct } from "./fmt.js";\n\n'
                'it("formats ratios as percentages", () => {\n  expect(pct(0.42)).toBe("42%");\n});\n'
            ),
        },
    )
    ci(
        "fr-zs-plain-vitest-percent",
        "a vitest unit test: pct(0.42) returns `4%` after the change's formatter edit",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="test",
        repo=WEB,
        steps=[*checkout(), *node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="refactor(console): shorter percentage formatter",
        files=["src/fmt.js"],
    )

    at(REPO)
    out = real.yamllint(
        "b45-plain-yamllint",
        {
            "charts/healer/values.yaml": (
                "replicaCount: 2\nimage:\n  repository: ghcr.io/5dlabs/healer\n  tag: latest\n"
                "resources:\n  limits:\n    memory: 512Mi\n    memory: 768Mi\n"
            )
        },
        ["charts/healer/values.yaml"],
    )
    ci(
        "fr-zs-plain-yamllint-duplicate-key",
        "yamllint: duplication of key `memory` in the chart's values.yaml",
        ["obvious"],
        "bolt",
        "yaml_config",
        workflow="lint",
        job="yaml",
        steps=[*checkout(), failing(out, name="yamllint")],
        message="chore(chart): raise the memory limit",
        files=["charts/healer/values.yaml"],
    )

    out = real.actionlint(
        "b45-plain-actionlint",
        {
            "ci.yml": (
                "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - uses: actions/checkout@v4\n"
                "      - run: echo ${{ matrix.os }}\n"
            )
        },
    )
    ci(
        "fr-zs-plain-actionlint-matrix",
        "actionlint: `matrix.os` referenced in a job with no matrix",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="actionlint",
        steps=[*checkout(), failing(out, name="actionlint")],
        message="ci: echo the OS in the test job",
        files=[".github/workflows/ci.yml"],
    )
