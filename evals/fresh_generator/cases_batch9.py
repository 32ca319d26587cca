"""Batch 9 of the fresh split (ids ``fr-i-``).

- symptoms whose cause is in the cluster or in the change: rollout, ``kubectl wait``, smoke,
  e2e and canary checks decided by pods, events, Loki, Argo CD and Prometheus (a Rust
  char-boundary panic, a Node import whose case only macOS forgives, a Python worker's
  ``AttributeError``, a read-only root filesystem behind a Rust panic, PodSecurity
  ``restricted``, a Service targetPort, a CPU request above its limit in an Argo CD sync, an untolerated taint, a database
  pool cut in Helm values, a Node ``TypeError`` on some requests, an ingress admission webhook
  known from Argo CD alone) and one with nothing to blame;
- wrappers whose own error line is not the cause (``cargo xtask`` around tsc, ``pnpm -r``
  around cargo test, ``make`` around promtool, BuildKit ``RUN`` around Python's compileall,
  ``npm run`` around rustc, a Helm hook around a Node seed script);
- YAML by owner (an action.yml's runtime, a compose file's schema, a workflow caught by a
  chart lint job, a zizmor audit that cannot parse a workflow, an HPA version the API server
  no longer serves);
- GitHub platform failures under misleading job names, security known from alerts, sensor
  bodies, ``npm audit`` and push protection; obvious cases.

Every tool that can run here runs for real (cargo/rustc/clippy, node, npm, pnpm, tsc, vitest,
python3, promtool, check-jsonschema, yamllint, kubectl/kustomize against the API stand-in,
curl, jq, git, make, zizmor) against 127.0.0.1 servers or local repositories."""

from __future__ import annotations

import json
import os
import re

import real
import shapes
from cases_batch4 import answer
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
PNPM_BIN = real.WORK / "b4-node" / "node_modules" / ".bin"


def _rust_bin(name: str, source: str, env: dict[str, str] | None = None) -> real.Out:
    """Build and run a small Rust program; its output is what the pod logs."""
    path = real.crate(
        "fr-i-bin-" + name, {"Cargo.toml": real.cargo_toml(name), "src/main.rs": source}
    )
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, code = real.run([str(path / "target" / "release" / name)], path, env=env)
    return real.Out(f"/usr/local/bin/{name}", lines, code)


def _app(lines: list[str]) -> list[str]:
    return [ln.replace(real.RUNNER, "/app") for ln in lines if ln.strip()]


def _pkg(name: str = "console", scripts: dict[str, str] | None = None, **more: object) -> str:
    pkg: dict[str, object] = {"name": name, "version": "2.0.0", "private": True}
    if scripts:
        pkg["scripts"] = scripts
    pkg.update(more)
    return json.dumps(pkg, indent=2) + "\n"


# ------------------------------------------------------------------ cluster context decides


def cluster() -> None:
    # 1. kubectl wait runs out; Loki: a Rust str slice inside a multi-byte char (rex)
    at(REPO)
    out = _rust_bin(
        "healer-notify",
        """fn badge(tenant: &str) -> &str {
    // two-letter badge shown next to the tenant in notifications
    &tenant[..2]
}

fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_notify","fields":{{"message":"notify starting","tenants":3}}}}"#);
    for tenant in ["Acme Labs", "Zürich Ops", "Nordwind"] {
        println!("{} {}", badge(tenant), tenant);
    }
}
""",
    )
    assert out.code == 101 and any("char boundary" in ln for ln in out.lines), out
    wt = wait_available("fr-i-ctx-notify", NS, "healer-notify")
    assert wt.code != 0, wt
    ctx = crashing(
        "fr-i-ctx-notify",
        NS,
        "healer-notify",
        "ghcr.io/5dlabs/healer-notify:0.17.0",
        101,
        _app(out.lines),
    )
    ci(
        "fr-i-ctx-wait-available-rust-char-boundary-panic",
        "kubectl wait for Available runs out; healer-notify crash-loops and Loki shows the Rust "
        "panic 'byte index 2 is not a char boundary' from the new badge() slicing '&tenant[..2]' "
        "on 'Zürich Ops'",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy-staging",
        job="wait-ready",
        repo=REPO,
        steps=[*kube_setup(), failing(wt, name="Wait for notify")],
        message="feat(notify): two-letter tenant badges",
        files=["crates/notify/src/badge.rs"],
        extra=ctx,
    )

    # 2. rollout runs out; Loki: Node ERR_MODULE_NOT_FOUND, an import whose case differs (blaze)
    at(WEB)
    out = real.node_run(
        "fr-i-ctx-node-case",
        {
            "package.json": _pkg("console-api", type="module"),
            "server/routes/health.js": "export const health = (_req, res) => res.end('ok');\n",
            "server/index.js": """import { health } from "./routes/Health.js";
console.log(JSON.stringify({ level: "info", msg: "console-api starting", port: 3000 }));
export const routes = { "/healthz": health };
""",
        },
        "server/index.js",
    )
    loki = _app(out.lines)
    assert out.code != 0 and any("ERR_MODULE_NOT_FOUND" in ln for ln in loki), loki
    ro = rollout("fr-i-ctx-node-case", "console", "console-api", 3, 1, 2, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(
        "fr-i-ctx-node-case",
        "console",
        "console-api",
        "ghcr.io/5dlabs/console-api:1.10.0",
        1,
        loki,
        port=3000,
    )
    ci(
        "fr-i-ctx-rollout-node-import-case-mismatch",
        "rollout status runs out (ProgressDeadlineExceeded); console-api crash-loops and Loki "
        "shows ERR_MODULE_NOT_FOUND for server/routes/Health.js: the change imports "
        "'./routes/Health.js' while the file is health.js (macOS forgives the case, Linux does "
        "not)",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="rollout-api",
        repo=WEB,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="refactor(server): move the health route into routes/",
        files=["server/index.js", "server/routes/health.js"],
        extra=ctx,
    )

    # 3. rollout runs out; Loki: a Python exporter's AttributeError on a regex miss (atlas)
    at(PLAT)
    out = real.sh(
        "fr-i-ctx-python-exporter",
        {
            "exporter/main.py": """import json
import os
import re

REPO = re.compile(r"^(?P<owner>[\\w-]+)/(?P<name>[\\w-]+)$")


def owner_of(repo: str) -> str:
    return REPO.match(repo).group("owner")


def main() -> None:
    print(json.dumps({"level": "info", "msg": "triage-exporter starting", "port": 9464}), flush=True)
    repos = os.environ.get("WATCHED_REPOS", "5dlabs/healer,5dlabs/console.git").split(",")
    owners = sorted({owner_of(r) for r in repos})
    print(json.dumps({"level": "info", "msg": "watching", "owners": owners}), flush=True)


if __name__ == "__main__":
    main()
""",
        },
        "python3 exporter/main.py",
        "python3 exporter/main.py",
    )
    loki = _app(out.lines)
    assert out.code == 1 and any("AttributeError" in ln for ln in loki), loki
    ro = rollout("fr-i-ctx-python-exporter", "observability", "triage-exporter", 1, 1, 0, True)
    ctx = crashing(
        "fr-i-ctx-python-exporter",
        "observability",
        "triage-exporter",
        "ghcr.io/5dlabs/triage-exporter:0.4.0",
        1,
        loki,
        port=9464,
    )
    ci(
        "fr-i-ctx-rollout-python-exporter-regex-none",
        "rollout status runs out; the Python triage-exporter crash-loops and Loki shows "
        "AttributeError: 'NoneType' object has no attribute 'group': the new stricter repo "
        "regex does not match '5dlabs/console.git' and the code calls .group() on the miss "
        "(Python service code, no specialist)",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="rollout-observability",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Rollout triage-exporter")],
        message="refactor(exporter): parse owner/name with one regex",
        files=["exporter/main.py"],
        extra=ctx,
    )

    # 4. rollout runs out; a Rust panic on a read-only root filesystem the chart set (bolt)
    at(PLAT)
    path = real.crate(
        "fr-i-bin-healer-render",
        {
            "Cargo.toml": real.cargo_toml("healer-render"),
            "src/main.rs": """use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(
        std::env::var("HEALER_CACHE_DIR").unwrap_or_else(|_| "/var/cache/healer".into()),
    );
    eprintln!(r#"{{"level":"INFO","target":"healer_render","fields":{{"message":"render starting","templates":42}}}}"#);
    std::fs::create_dir_all(dir.join("templates")).expect("create the template cache");
    eprintln!(r#"{{"level":"INFO","target":"healer_render","fields":{{"message":"template cache ready"}}}}"#);
}
""",
        },
    )
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    ro_dir = path / "ro"
    ro_dir.mkdir()
    exe = path / "target" / "release" / "healer-render"
    # a real read-only mount (user namespace), as a pod with readOnlyRootFilesystem sees it
    lines, code = real.run(
        ["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o ro tmpfs {ro_dir} && exec {exe}"],
        path,
        env={"HEALER_CACHE_DIR": str(ro_dir / "healer")},
    )
    assert code == 101 and any("Read-only file system" in ln for ln in lines), lines
    ro = rollout("fr-i-ctx-rofs", NS, "healer-render", 2, 1, 1, deadline=True)
    ctx = crashing(
        "fr-i-ctx-rofs",
        NS,
        "healer-render",
        "ghcr.io/5dlabs/healer-render:0.17.0",
        101,
        _app(lines),
    )
    ci(
        "fr-i-ctx-rollout-rust-panic-read-only-root-filesystem",
        "rollout status runs out; healer-render crash-loops and Loki shows a Rust panic "
        "'create the template cache: ... Read-only file system': the image and code are "
        "unchanged, the chart change set readOnlyRootFilesystem: true without an emptyDir for "
        "/var/cache/healer",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout-render",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Rollout")],
        message="chore(security): read-only root filesystems for healer workloads",
        files=["charts/healer/templates/render-deployment.yaml", "charts/healer/values.yaml"],
        extra=ctx,
    )

    # 5. rollout runs out; the ReplicaSet cannot create pods under PodSecurity restricted (bolt)
    at(PLAT)
    ro = rollout("fr-i-ctx-psa", NS, "healer-api", 2, 0, 2, deadline=True)
    created, first, last = clock("fr-i-ctx-psa")
    rs = f"healer-api-{sha('fr-i-ctx-psa-rs')[:10]}"
    events = [
        shapes.event(
            NS,
            "ReplicaSet",
            rs,
            "FailedCreate",
            f'Error creating: pods "{rs}-{sha("psa")[:5]}" is forbidden: violates PodSecurity '
            '"restricted:latest": allowPrivilegeEscalation != false (container "api" must set '
            "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities "
            '(container "api" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot '
            '!= true (pod or container "api" must set securityContext.runAsNonRoot=true), '
            'seccompProfile (pod or container "api" must set securityContext.seccompProfile.type '
            'to "RuntimeDefault" or "Localhost")',
            first=first,
            last=last,
            count=14,
            component="replicaset-controller",
            host="",
        ),
        shapes.event(
            NS,
            "Deployment",
            "healer-api",
            "ScalingReplicaSet",
            f"Scaled up replica set {rs} to 1",
            first=first,
            last=first,
            type_="Normal",
            component="deployment-controller",
            host="",
        ),
    ]
    ci(
        "fr-i-ctx-rollout-podsecurity-restricted-forbidden",
        "rollout status runs out with no new pod; the ReplicaSet's FailedCreate events say the "
        "pods violate PodSecurity 'restricted:latest': the change labelled the healer namespace "
        "enforce=restricted while the api's pod spec sets no securityContext",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="chore(security): enforce the restricted pod security standard",
        files=["clusters/staging/namespaces/healer.yaml"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-i-ctx-psa", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.16.4"
                ),
                "events": events,
            }
        },
    )

    # 6. smoke 502; ingress-nginx connects to the pods on 8080 while they listen on 3000 (bolt)
    at(PLAT)
    with answer(502, "Bad Gateway") as port:
        smoke = real.sh(
            "fr-i-ctx-targetport",
            {},
            f"curl -fsS --retry 2 --retry-delay 1 http://127.0.0.1:{port}/healthz",
            "curl -fsS --retry 2 --retry-delay 1 https://console.staging.5dlabs.ai/healthz",
            hosts={f"http://127.0.0.1:{port}": "https://console.staging.5dlabs.ai"},
        )
    assert smoke.code == 22, smoke
    _c, first, _l = clock("fr-i-ctx-targetport")
    pods = ready_pods(
        "fr-i-ctx-targetport",
        "console",
        "console-web",
        "ghcr.io/5dlabs/console-web:1.10.2",
        2,
        3000,
    )
    ips = [p["status"]["podIP"] for p in pods]
    day = first[:10].replace("-", "/")
    ingress = [
        f"{day} {first[11:19]} [error] 41#41: *{88211 + i} connect() failed (111: Connection "
        f"refused) while connecting to upstream, client: 10.42.0.1, server: "
        f'console.staging.5dlabs.ai, request: "GET /healthz HTTP/2.0", upstream: '
        f'"http://{ip}:8080/healthz", host: "console.staging.5dlabs.ai"'
        for i, ip in enumerate(ips)
    ]
    ci(
        "fr-i-ctx-smoke-502-service-targetport-8080",
        "the console smoke check gets 502; the pods are Ready on port 3000 with normal events "
        "while ingress-nginx's upstream connects are refused on :8080: the chart's Service "
        "now sets targetPort 8080",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="smoke-console",
        repo=PLAT,
        steps=[failing(smoke, name="Smoke")],
        message="chore(console): name the service port http",
        files=["charts/console/templates/service.yaml"],
        extra={
            "kubernetes": {
                "pods": pods,
                "events": normal_events("fr-i-ctx-targetport", "console", "console-web"),
            },
            "loki": ingress,
        },
    )

    # 7. an Argo CD health gate (curl | jq) fails; the sync failed on requests > limits (bolt)
    at(PLAT)
    rev = sha("fr-i-ctx-argo-cpu")
    msg = (
        'one or more objects failed to apply, reason: Deployment.apps "healer-api" is invalid: '
        'spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less '
        "than or equal to cpu limit"
    )
    app = shapes.argo_application(
        "healer-staging",
        NS,
        PLAT,
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
    )
    body = json.dumps(app)
    with real.serve((200, body, "application/json")) as port:
        gate = real.sh(
            "fr-i-ctx-argo-cpu",
            {},
            f"curl -fsS http://127.0.0.1:{port}/api/v1/applications/healer-staging | "
            'jq -e \'.status.sync.status == "Synced" and .status.health.status == "Healthy"\'',
            'curl -fsS -H "Authorization: Bearer $ARGOCD_TOKEN" '
            "https://argocd.5dlabs.ai/api/v1/applications/healer-staging \\\n"
            '  | jq -e \'.status.sync.status == "Synced" and .status.health.status == "Healthy"\'',
        )
    assert gate.code == 1 and gate.lines == ["false"], gate
    ci(
        "fr-i-ctx-argocd-gate-false-cpu-request-above-limit",
        "the post-merge gate's jq check prints false; Argo CD shows healer-staging OutOfSync "
        "with a failed sync: the Deployment is invalid because the overlay raised the CPU "
        "request to 2 above its limit of 1",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="post-merge",
        job="staging-healthy",
        repo=PLAT,
        steps=[failing(gate, name="Argo CD says healthy", env={"ARGOCD_TOKEN": "***"})],
        message="perf(api): two cores for the staging api",
        files=["apps/healer/overlays/staging/resources-patch.yaml"],
        extra={
            "argocd": [
                {
                    "name": "healer-staging",
                    "sync_status": "OutOfSync",
                    "health_status": "Healthy",
                    "message": msg,
                }
            ]
        },
    )

    # 8. kubectl wait on a migration Job runs out; its pod cannot be scheduled (bolt)
    at(REPO)
    job_obj = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "healer-migrate", "namespace": NS, "generation": 1},
        "spec": {"backoffLimit": 2, "completions": 1, "parallelism": 1},
        "status": {"active": 1, "ready": 0, "startTime": "2026-11-14T09:11:05Z"},
    }
    path = real.scratch("fr-i-ctx-taint")
    with real.serve(
        real.kube_api({f"/apis/batch/v1/namespaces/{NS}/jobs/healer-migrate": job_obj})
    ) as port:
        lines, code = real.run(
            [
                "kubectl",
                f"--server=http://127.0.0.1:{port}",
                "wait",
                "--for=condition=complete",
                "job/healer-migrate",
                "-n",
                NS,
                "--timeout=3s",
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
            timeout=120,
        )
    assert code != 0 and any("timed out" in ln for ln in lines), lines
    wt = real.Out(
        f"kubectl wait --for=condition=complete job/healer-migrate -n {NS} --timeout=300s",
        lines,
        code,
    )
    created, first, last = clock("fr-i-ctx-taint")
    pname = pod_name("fr-i-ctx-taint", "healer-migrate")
    why = (
        "0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}, 3 node(s) "
        "didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 "
        "Preemption is not helpful for scheduling."
    )
    pod = shapes.pod(
        pname,
        NS,
        "healer-migrate",
        "ghcr.io/5dlabs/healer-migrate:0.17.0",
        created=created,
        phase="Pending",
        scheduled=False,
        pending_message=why,
        owner=("Job", "healer-migrate"),
    )
    ev = shapes.event(
        NS,
        "Pod",
        pname,
        "FailedScheduling",
        why,
        first=first,
        last=last,
        count=9,
        component="default-scheduler",
    )
    ci(
        "fr-i-ctx-job-wait-migrate-untolerated-taint",
        "kubectl wait for the migration Job's completion runs out; its pod stays Pending: "
        "FailedScheduling, the change pinned the Job to the batch node pool with a nodeSelector "
        "but gave it no toleration for the pool's dedicated=batch taint",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="migrate",
        repo=REPO,
        steps=[
            *kube_setup(),
            run(
                "kubectl apply -f deploy/jobs/migrate.yaml",
                ["job.batch/healer-migrate created"],
                name="Start migration",
            ),
            failing(wt, name="Wait for migration"),
        ],
        message="chore(migrate): run migrations on the batch pool",
        files=["deploy/jobs/migrate.yaml"],
        extra={"kubernetes": {"pods": [pod], "events": [ev]}},
    )


def e2e_timeouts() -> None:
    """One e2e symptom (node --test, fetch aborted on its timeout) with two causes."""
    test = """import { test } from "node:test";
import assert from "node:assert/strict";

const BASE = process.env.E2E_BASE_URL;

test("lists the latest runs", async () => {
  const res = await fetch(`${BASE}/v1/runs?limit=20`, { signal: AbortSignal.timeout(3000) });
  assert.equal(res.status, 200);
});
"""
    outs = {}
    at(WEB)
    for key in ("flake", "pool"):
        with silent_server() as port:
            out = real.sh(
                f"fr-i-e2e-{key}",
                {"package.json": _pkg(type="module"), "e2e/runs.test.mjs": test},
                "node --test e2e/",
                "node --test e2e/",
                env={"E2E_BASE_URL": f"http://127.0.0.1:{port}"},
                hosts={f"http://127.0.0.1:{port}": "https://api.staging.5dlabs.ai"},
                timeout=60,
            )
        lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 3004.18", ln) for ln in out.lines]
        assert out.code != 0 and any("aborted due to timeout" in ln for ln in lines), lines
        outs[key] = real.Out(out.command, lines, out.code)

    env = {"E2E_BASE_URL": "https://api.staging.5dlabs.ai"}
    ci(
        "fr-i-ctx-e2e-fetch-timeout-staging-healthy",
        "the console e2e test's fetch of /v1/runs aborts on its 3 s timeout; the api pods are "
        "Ready with normal events, Argo CD is Synced/Healthy, Prometheus shows no 5xx and a "
        "60 ms p99, and the change only edits e2e docs: a transient, nothing to fix",
        ["context-driven", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="e2e",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(outs["flake"], name="E2E", env=env)],
        message="docs(e2e): how to point the suite at a preview",
        files=["e2e/README.md"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-i-e2e-flake", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.16.4"
                ),
                "events": normal_events("fr-i-e2e-flake", NS, "healer-api"),
            },
            "argocd": [
                {"name": "healer-staging", "sync_status": "Synced", "health_status": "Healthy"}
            ],
            "prometheus": {
                'sum(rate(http_requests_total{app="healer-api",code=~"5.."}[5m]))': [
                    {"metric": {}, "value": [1764320400, "0"]}
                ],
                'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{app="healer-api"}[5m])))': [
                    {"metric": {}, "value": [1764320400, "0.06"]}
                ],
            },
        },
    )

    _c, first, _l = clock("fr-i-e2e-pool")
    stamp = first[:-1]
    loki = [
        json.dumps(
            {
                "timestamp": f"{stamp}.{412 + 37 * i:03d}Z",
                "level": "WARN",
                "target": "healer_api::db",
                "fields": {
                    "message": "timed out waiting for a database connection",
                    "waited_ms": 30000,
                    "pool_max": 2,
                    "pool_in_use": 2,
                    "route": "/v1/runs",
                },
            },
            separators=(",", ":"),
        )
        for i in range(3)
    ]
    ci(
        "fr-i-ctx-e2e-fetch-timeout-db-pool-cut-to-two",
        "the console e2e test's fetch of /v1/runs aborts on its 3 s timeout; the api is Ready "
        "but HealerApiLatencyHigh fires (p99 29 s) and its logs time out waiting for a database "
        "connection with pool_max 2: the change cut DB_POOL_MAX in the staging values from 20 "
        "to 2",
        ["context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="frontend",
        job="e2e",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(outs["pool"], name="E2E", env=env)],
        message="chore(staging): fewer database connections per api pod",
        files=["charts/healer/values-staging.yaml"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-i-e2e-pool", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.16.4"
                ),
                "events": normal_events("fr-i-e2e-pool", NS, "healer-api"),
            },
            "loki": loki,
            "prometheus": {
                'ALERTS{alertname="HealerApiLatencyHigh",alertstate="firing"}': [
                    {
                        "metric": {
                            "__name__": "ALERTS",
                            "alertname": "HealerApiLatencyHigh",
                            "alertstate": "firing",
                            "namespace": NS,
                            "severity": "warning",
                        },
                        "value": [1764320400, "1"],
                    }
                ],
                'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{app="healer-api"}[5m])))': [
                    {"metric": {}, "value": [1764320400, "29.4"]}
                ],
            },
        },
    )


def canary() -> None:
    """A canary gate (a Python script against the Prometheus API) fails on the 5xx ratio; Loki
    holds the Node handler's TypeError for orders without a discount (blaze)."""
    at(WEB)
    out = real.node_run(
        "fr-i-canary-node",
        {
            "package.json": _pkg("console-web", type="module"),
            "server/price.js": """export function priceLine(order) {
  const pct = order.discount.percent.toFixed(0);
  return `${order.total.toFixed(2)} EUR (-${pct}%)`;
}
""",
            "server/index.js": """import { priceLine } from "./price.js";
const orders = [{ id: 41, total: 90, discount: { percent: 10 } }, { id: 42, total: 25 }];
for (const order of orders) {
  try {
    console.log(JSON.stringify({ level: "info", msg: "GET /api/orders/" + order.id, status: 200, line: priceLine(order) }));
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "GET /api/orders/" + order.id, status: 500 }));
    console.error(err.stack);
  }
}
""",
        },
        "server/index.js",
    )
    loki = _app(out.lines)
    assert any("TypeError" in ln for ln in loki), loki

    def prom(req):  # type: ignore[no-untyped-def]
        body = {
            "status": "success",
            "data": {
                "resultType": "vector",
                "result": [{"metric": {"track": "canary"}, "value": [1764320400, "0.3125"]}],
            },
        }
        return 200, json.dumps(body), "application/json"

    gate = """import json
import sys
import urllib.parse
import urllib.request

PROM = sys.argv[1]
QUERY = (
    'sum(rate(http_requests_total{app="console-web",track="canary",code=~"5.."}[5m]))'
    ' / sum(rate(http_requests_total{app="console-web",track="canary"}[5m]))'
)
url = PROM + "/api/v1/query?" + urllib.parse.urlencode({"query": QUERY})
with urllib.request.urlopen(url, timeout=10) as r:
    result = json.load(r)["data"]["result"]
ratio = float(result[0]["value"][1]) if result else 0.0
print(f"canary console-web: 5xx ratio {ratio:.4f} over 5m (threshold 0.0500)")
if ratio > 0.05:
    print("::error::canary failed its error budget; rolling back", flush=True)
    sys.exit(1)
"""
    with real.serve(prom) as port:
        g = real.sh(
            "fr-i-canary-gate",
            {"scripts/canary_gate.py": gate},
            f"python3 scripts/canary_gate.py http://127.0.0.1:{port}",
            "python3 scripts/canary_gate.py http://prometheus.monitoring:9090",
        )
    assert g.code == 1, g
    g = real.Out(g.command, [ln.replace("::error::", "##[error]") for ln in g.lines], g.code)
    ci(
        "fr-i-ctx-canary-5xx-ratio-node-tofixed-undefined",
        "the canary gate fails on a 31% 5xx ratio; the canary pods are Ready and Loki shows "
        "console-web's handler throwing TypeError reading 'percent' of undefined: the new "
        "priceLine() assumes every order has a discount",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="canary-analysis",
        repo=WEB,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.11"},
                ["Successfully set up CPython (3.11.7)"],
            ),
            failing(g, name="Canary gate"),
        ],
        message="feat(orders): show the discount next to the price",
        files=["server/price.js"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-i-canary",
                    "console",
                    "console-web",
                    "ghcr.io/5dlabs/console-web:1.11.0",
                    1,
                    3000,
                ),
                "events": normal_events("fr-i-canary", "console", "console-web", 1),
            },
            "loki": loki,
            "prometheus": {
                'sum(rate(http_requests_total{app="console-web",track="canary",code=~"5.."}[5m])) / sum(rate(http_requests_total{app="console-web",track="canary"}[5m]))': [
                    {"metric": {"track": "canary"}, "value": [1764320400, "0.3125"]}
                ]
            },
        },
    )


# ------------------------------------------------------------------ wrappers


def wrappers() -> None:
    # 1. cargo xtask dist runs npm run build in web/; tsc fails (blaze)
    at(REPO)
    xtask = """use std::process::{exit, Command};

fn main() {
    let task = std::env::args().nth(1).unwrap_or_default();
    if task != "dist" {
        eprintln!("usage: cargo xtask dist");
        exit(2);
    }
    eprintln!("[xtask] building the dashboard (web/)");
    let status = Command::new("npm")
        .args(["run", "build"])
        .current_dir("web")
        .status()
        .expect("npm not found");
    if !status.success() {
        eprintln!("Error: `npm run build` in web/ failed: {status}");
        exit(1);
    }
    eprintln!("[xtask] bundling the release binary");
}
"""
    path = real.scratch(
        "fr-i-wrap-xtask",
        {
            "Cargo.toml": '[workspace]\nmembers = ["xtask"]\nresolver = "2"\n',
            ".cargo/config.toml": '[alias]\nxtask = "run --quiet --package xtask --"\n',
            "xtask/Cargo.toml": real.cargo_toml("xtask"),
            "xtask/src/main.rs": xtask,
            "web/package.json": _pkg("healer-dashboard", {"build": "tsc -p . && vite build"}),
            "web/tsconfig.json": real.TSCONFIG,
            "web/src/runs.ts": """export interface Run {
  id: number;
  agent: "rex" | "blaze" | "bolt" | "cipher" | "atlas";
}
export function latest(runs: Run[]): Run {
  const sorted = [...runs].sort((a, b) => b.id - a.id);
  return sorted.find((r) => r.agent === "rex");
}
""",
        },
    )
    (path / "web" / "node_modules").symlink_to(real.NODE / "node_modules")
    lines, code = real.run(["cargo", "xtask", "dist"], path, env={"CARGO_NET_OFFLINE": "true"})
    lines = [ln for ln in lines if ln.strip()]
    assert code != 0 and any("TS2322" in ln for ln in lines), lines
    ci(
        "fr-i-wrap-cargo-xtask-dist-tsc-ts2322",
        "cargo xtask dist fails with 'npm run build in web/ failed': the wrapped tsc reports "
        "TS2322 in web/src/runs.ts, latest() returns Run | undefined where Run is declared",
        ["wrapper", "misleading-name"],
        "blaze",
        "frontend_typecheck",
        workflow="release",
        job="cargo-dist",
        repo=REPO,
        steps=[
            *rust_setup(),
            *node_setup(),
            failing(real.Out("cargo xtask dist", lines, code), name="Build release artifacts"),
        ],
        message="feat(dashboard): highlight the latest rex run",
        files=["web/src/runs.ts"],
    )

    # 2. pnpm -r run test: the UI package passes, the Rust wasm bridge's cargo test fails (rex)
    at(WEB)
    path = real.scratch(
        "fr-i-wrap-pnpm",
        {
            "package.json": _pkg("console-monorepo"),
            "pnpm-workspace.yaml": 'packages:\n  - "packages/*"\n',
            "packages/ui/package.json": _pkg("@console/ui", {"test": "vitest run"}, type="module"),
            "packages/ui/src/label.js": "export const label = (a) => a[0].toUpperCase() + a.slice(1);\n",
            "packages/ui/src/label.test.js": """import { test, expect } from "vitest";
import { label } from "./label.js";
test("capitalises agent names", () => expect(label("bolt")).toBe("Bolt"));
""",
            "packages/wasm-bridge/package.json": _pkg(
                "@console/wasm-bridge", {"test": "cargo test --quiet"}
            ),
            "packages/wasm-bridge/Cargo.toml": real.cargo_toml("wasm-bridge"),
            "packages/wasm-bridge/src/lib.rs": """/// Severity rank shared with the Rust router (0 = lowest).
pub fn rank(severity: &str) -> u8 {
    match severity {
        "low" => 0,
        "medium" => 1,
        "high" => 2,
        "critical" => 2,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn critical_outranks_high() {
        assert!(rank("critical") > rank("high"), "critical must sort above high");
    }
}
""",
        },
    )
    for pkg in ("ui", "wasm-bridge"):
        (path / "packages" / pkg / "node_modules").symlink_to(real.NODE / "node_modules")
    lines, code = real.run(
        ["pnpm", "-r", "--workspace-concurrency=1", "run", "test"],
        path,
        env={
            "PATH": f"{PNPM_BIN}:{real.NODE / 'node_modules' / '.bin'}:{os.environ['PATH']}",
            "CARGO_NET_OFFLINE": "true",
        },
        timeout=300,
    )
    lines = [ln.replace(str(path), real.RUNNER) for ln in lines]
    assert code != 0 and any("critical must sort above high" in ln for ln in lines), lines
    ci(
        "fr-i-wrap-pnpm-recursive-cargo-test-wasm-bridge",
        "pnpm -r run test ends in ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL; the UI's vitest passes and "
        "the failing package is the Rust wasm bridge: cargo test critical_outranks_high fails "
        "because rank() maps critical to 2 like high",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_test",
        workflow="monorepo",
        job="test-all",
        repo=WEB,
        steps=[
            *node_setup(),
            uses("pnpm/action-setup@v4", {"version": "9.15.0"}, ["Installing pnpm@9.15.0"]),
            *rust_setup(),
            failing(
                real.Out("pnpm -r --workspace-concurrency=1 run test", lines, code),
                name="Test all packages",
            ),
        ],
        message="feat(bridge): severity ranks for the wasm bridge",
        files=["packages/wasm-bridge/src/lib.rs"],
    )

    # 3. make lint: clippy passes, promtool fails on an alert rule (bolt)
    at(REPO)
    path = real.scratch(
        "fr-i-wrap-make-promtool",
        {
            "Makefile": "lint: lint-rust lint-alerts\n\nlint-rust:\n\tcargo clippy --quiet -- -D warnings\n"
            "\nlint-alerts:\n\tpromtool check rules deploy/alerts/*.yaml\n\n.PHONY: lint lint-rust lint-alerts\n",
            "Cargo.toml": real.cargo_toml("healer"),
            "src/main.rs": 'fn main() {\n    println!("healer");\n}\n',
            "deploy/alerts/dispatch.yaml": """groups:
  - name: healer-dispatch
    rules:
      - alert: HealerDispatchErrorRatio
        expr: sum by (agent) (rate(healer_dispatch_errors_total[5m])) / sum(rate(healer_dispatch_total[5m]) by (agent) > 0.05
        for: 10m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.agent }} dispatch errors above 5%"
""",
        },
    )
    lines, code = real.run(["make", "lint"], path, env={"CARGO_NET_OFFLINE": "true"})
    assert code != 0 and any("could not parse expression" in ln for ln in lines), lines
    ci(
        "fr-i-wrap-make-lint-promtool-alert-expr",
        "make lint passes clippy, then promtool check rules fails and make reports 'Error 1': "
        "the new HealerDispatchErrorRatio expression has a misplaced parenthesis ('unexpected "
        "<by> in aggregation')",
        ["wrapper", "yaml-owner", "misleading-name"],
        "bolt",
        "yaml_config",
        workflow="Rust CI",
        job="lint",
        repo=REPO,
        steps=[*rust_setup(), failing(real.Out("make lint", lines, code), name="Lint")],
        message="feat(alerts): page on the dispatch error ratio",
        files=["deploy/alerts/dispatch.yaml"],
    )

    # 4. BuildKit RUN python -m compileall: a SyntaxError in the Python worker (atlas)
    at(PLAT)
    out = real.sh(
        "fr-i-wrap-compileall",
        {
            "worker/__init__.py": "",
            "worker/reindex.py": """import logging

log = logging.getLogger(__name__)


def batches(items, size):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def reindex(items):
    for n, batch in enumerate(batches(items, 500)):
        log.info(f"batch {n}: {len(batch)} documents"
    return True
""",
            "worker/main.py": "from worker.reindex import reindex\n",
        },
        "python3 -m compileall -q worker",
        "python3 -m compileall -q worker",
    )
    inner = [ln.replace(real.RUNNER, "/srv") for ln in out.lines]
    assert out.code != 0 and any("SyntaxError" in ln for ln in inner), inner
    dockerfile = (
        "FROM python:3.11-slim\nWORKDIR /srv\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY worker/ worker/\n"
        "RUN python3 -m compileall -q worker\n"
        'USER 10001\nCMD ["python3", "-m", "worker.main"]\n'
    )
    bk = shapes.BuildKit("fr-i-wrap-compileall", dockerfile)
    bk.metadata()
    err = bk.run_until(6, inner, out.code)
    assert err, err
    ci(
        "fr-i-wrap-buildkit-run-compileall-python-syntax",
        "the reindex worker's image build fails at 'RUN python3 -m compileall -q worker': "
        "Python reports a SyntaxError in worker/reindex.py (an unclosed log.info( call), not a "
        "Docker problem; Python code, no specialist",
        ["wrapper", "misleading-name"],
        "atlas",
        "general",
        workflow="images",
        job="docker-reindex-worker",
        repo=PLAT,
        steps=[
            *buildx_setup(),
            buildx_step(
                bk.finish(err), err, "ghcr.io/5dlabs/reindex-worker:sha-" + sha("b9cp")[:7]
            ),
        ],
        message="perf(reindex): log progress per batch",
        files=["worker/reindex.py"],
    )

    # 5. npm run test:e2e builds the Rust mock server first; rustc E0425 (rex)
    at(WEB)
    out = real.npm_script(
        "fr-i-wrap-npm-cargo",
        {
            "mock-server/Cargo.toml": real.cargo_toml("mock-api"),
            "mock-server/src/main.rs": """use std::net::TcpListener;

fn main() {
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
    println!("mock api on {}", listener.local_addr().unwrap());
}
""",
            "e2e/runs.test.mjs": "import { test } from 'node:test';\ntest('runs', () => {});\n",
        },
        {
            "test:e2e": "cargo build --quiet --manifest-path mock-server/Cargo.toml && node --test e2e/"
        },
        "test:e2e",
    )
    assert out.code != 0 and any("E0425" in ln for ln in out.lines), out
    lines = [ln.replace("web@0.3.0", "console@2.0.0") for ln in out.lines if ln.strip()]
    ci(
        "fr-i-wrap-npm-run-e2e-rust-mock-e0425",
        "npm run test:e2e fails before any e2e test runs: its first command builds the Rust mock "
        "server and rustc stops on E0425 'cannot find value `port`' in mock-server/src/main.rs",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_build",
        workflow="frontend",
        job="e2e",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            *rust_setup(),
            failing(real.Out(out.command, lines, out.code), name="E2E"),
        ],
        message="test(e2e): mock api port from the environment",
        files=["mock-server/src/main.rs"],
    )


# ------------------------------------------------------------------ YAML by owner


def yaml_owner() -> None:
    # 1. a composite action's run step without shell (atlas)
    at(PLAT)
    path = real.scratch(
        "fr-i-yaml-action",
        {
            ".github/actions/chart-version/action.yml": """name: Chart version
description: Computes the next chart version from the git tags
inputs:
  chart:
    description: chart directory
    required: true
outputs:
  version:
    description: the next chart version
runs:
  using: node18
  main: dist/index.js
""",
        },
    )
    lines, code = real.run(
        [
            "check-jsonschema",
            "--builtin-schema",
            "vendor.github-actions",
            ".github/actions/chart-version/action.yml",
        ],
        path,
    )
    assert code != 0, lines
    ci(
        "fr-i-yaml-action-yml-runs-using-node18",
        "check-jsonschema rejects .github/actions/chart-version/action.yml in a chart-lint job: "
        "the JavaScript action now declares runs.using 'node18', which is not a runtime "
        "Actions accepts (node20/node24)",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="charts",
        job="chart-lint",
        repo=PLAT,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.11"},
                ["Successfully set up CPython (3.11.7)"],
            ),
            run(
                "pip install check-jsonschema==0.39.0",
                ["Successfully installed check-jsonschema-0.39.0"],
                name="Install check-jsonschema",
            ),
            failing(
                real.Out(
                    "check-jsonschema --builtin-schema vendor.github-actions .github/actions/*/action.yml",
                    lines,
                    code,
                ),
                name="Validate actions",
            ),
        ],
        message="ci(chart): run the chart-version action on node 18",
        files=[".github/actions/chart-version/action.yml"],
    )

    # 2. a compose file failing the compose spec (bolt)
    at(REPO)
    path = real.scratch(
        "fr-i-yaml-compose",
        {
            "compose.yaml": """services:
  api:
    image: ghcr.io/5dlabs/healer-api:dev
    ports:
      - "8080:8080"
    depends_on: postgres
    environment:
      DATABASE_URL: postgres://healer:healer@postgres:5432/healer
  postgres:
    image: postgres:16-alpine
    environment:
      POSTGRES_PASSWORD: healer
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "healer"]
      interval: 5s
""",
        },
    )
    lines, code = real.run(
        ["check-jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml"], path
    )
    assert code != 0, lines
    ci(
        "fr-i-yaml-compose-spec-depends-on-string",
        "check-jsonschema rejects compose.yaml against the compose spec: the api service's "
        "depends_on is the string 'postgres' instead of a list or mapping",
        ["yaml-owner", "misleading-name"],
        "bolt",
        "yaml_config",
        workflow="Rust CI",
        job="integration-env",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(
                real.Out(
                    "check-jsonschema --builtin-schema vendor.compose-spec compose.yaml",
                    lines,
                    code,
                ),
                name="Validate compose file",
            ),
        ],
        message="test(integration): api waits for postgres",
        files=["compose.yaml"],
    )

    # 3. yamllint over charts/ and .github/: the error is in a workflow (atlas)
    at(PLAT)
    yl = real.yamllint(
        "fr-i-yaml-wf",
        {
            ".yamllint.yaml": "extends: default\nrules:\n  line-length: disable\n  document-start: disable\n  truthy: disable\n",
            "charts/healer/Chart.yaml": "apiVersion: v2\nname: healer\nversion: 0.17.0\nappVersion: 0.17.0\n",
            "charts/healer/values.yaml": "api:\n  replicas: 2\n  image:\n    tag: 0.17.0\n",
            ".github/workflows/release-chart.yml": """name: release-chart
on:
  push:
    tags: ["chart-*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Package
        run: helm package charts/healer --destination dist
      - name: Push
        run: helm push dist/healer-*.tgz oci://ghcr.io/5dlabs/charts
          env:
            HELM_EXPERIMENTAL_OCI: 1
""",
        },
        ["charts/", ".github/"],
    )
    assert yl.code != 0 and any("syntax error" in ln for ln in yl.lines), yl
    ci(
        "fr-i-yaml-yamllint-chart-job-workflow-syntax",
        "the chart lint job's yamllint over charts/ and .github/ fails only on "
        ".github/workflows/release-chart.yml: a syntax error, the Push step's env: is indented "
        "under its run: scalar",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="charts",
        job="lint-charts",
        repo=PLAT,
        steps=[failing(yl, name="yamllint")],
        message="ci(chart): publish the chart to GHCR on chart tags",
        files=[".github/workflows/release-chart.yml"],
    )

    # 4. server-side dry run: autoscaling/v2beta2 is gone from the API server (bolt)
    at(PLAT)
    path = real.scratch(
        "fr-i-yaml-hpa",
        {
            "apps/healer/api/hpa.yaml": """apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: healer-api
  namespace: healer
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: healer-api
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
""",
        },
    )
    with real.serve(real.kube_api({})) as port:
        lines, code = real.run(
            [
                "kubectl",
                f"--server=http://127.0.0.1:{port}",
                "apply",
                "--validate=false",
                "--dry-run=server",
                "-f",
                "apps/healer/api/hpa.yaml",
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
            timeout=60,
        )
    assert code != 0 and any("no matches for kind" in ln for ln in lines), lines
    ci(
        "fr-i-yaml-server-dry-run-hpa-v2beta2-removed",
        "kubectl apply --dry-run=server fails: no matches for kind HorizontalPodAutoscaler in "
        "version autoscaling/v2beta2; the new HPA uses an API version the cluster no longer "
        "serves (autoscaling/v2)",
        ["yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="server-dry-run",
        repo=PLAT,
        steps=[
            *kube_setup(),
            failing(
                real.Out(
                    "kubectl apply --validate=false --dry-run=server -f apps/healer/api/hpa.yaml",
                    lines,
                    code,
                ),
                name="Server dry run",
            ),
        ],
        message="feat(api): autoscale the api on CPU",
        files=["apps/healer/api/hpa.yaml", "apps/healer/api/kustomization.yaml"],
    )


# ------------------------------------------------------------------ GitHub platform


def platform() -> None:
    # 1. the release tag already exists on the remote (atlas)
    at(REPO)
    base = real.scratch("fr-i-plat-tag")
    remote = base / "remote.git"
    real.git(base, "init", "-q", "--bare", str(remote))
    other = base / "other"
    real.new_repo(other, {"Cargo.toml": real.cargo_toml("healer")})
    real.git(other, "remote", "add", "origin", str(remote))
    real.git(other, "tag", "v0.17.0")
    real.git(other, "push", "-q", "origin", "HEAD:main", "v0.17.0")
    work = base / "work"
    real.git(base, "clone", "-q", str(remote), str(work))
    real.commit_all(
        work, {"CHANGELOG.md": "## 0.17.0\n- router: bolt fallback\n"}, "chore(release): 0.17.0"
    )
    real.git(work, "tag", "-f", "v0.17.0")
    lines, code = real.git(
        work,
        "push",
        "origin",
        "v0.17.0",
        hosts={str(remote): "https://github.com/5dlabs/healer.git"},
    )
    assert code != 0 and any("already exists" in ln for ln in lines), lines
    ci(
        "fr-i-plat-release-tag-already-exists-publish-crate",
        "the publish-crate job's push of tag v0.17.0 is rejected '(already exists)': an earlier "
        "run had tagged another commit as v0.17.0 and the release job retags it; a release "
        "process problem, not the crate",
        ["platform", "misleading-name"],
        "atlas",
        "release_publish",
        workflow="release",
        job="publish-crate",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                'git tag -f "v${VERSION}"',
                ["Updated tag 'v0.17.0' (was 0000000)".replace("0000000", sha("t")[:7])],
                name="Tag",
                env={"VERSION": "0.17.0"},
            ),
            failing(
                real.Out('git push origin "v${VERSION}"', lines, code),
                name="Push tag",
                env={"VERSION": "0.17.0"},
            ),
        ],
        message="chore(release): 0.17.0",
        files=["CHANGELOG.md", "Cargo.toml"],
        branch="main",
    )

    # 2. git fetch --unshallow on a full clone (atlas)
    at(WEB)
    base = real.scratch("fr-i-plat-unshallow")
    origin = base / "origin"
    real.new_repo(origin, {"package.json": _pkg()})
    work = base / "work"
    real.git(base, "clone", "-q", str(origin), str(work))
    lines, code = real.git(work, "fetch", "--unshallow", "--tags", "origin")
    assert code != 0 and any("unshallow" in ln for ln in lines), lines
    ci(
        "fr-i-plat-fetch-unshallow-complete-clone-semantic-release",
        "the semantic-release job fails in 'git fetch --unshallow --tags': checkout now uses "
        "fetch-depth: 0, so the clone is already complete and git refuses to unshallow it",
        ["platform", "misleading-name"],
        "atlas",
        "git_error",
        workflow="release",
        job="semantic-release",
        repo=WEB,
        steps=[
            *node_setup(),
            failing(
                real.Out("git fetch --unshallow --tags origin", lines, code), name="Fetch history"
            ),
        ],
        message="ci(release): fetch the whole history in checkout",
        files=[".github/workflows/release.yml"],
        branch="main",
    )

    # 3. npm publish to GitHub Packages without packages: write (atlas)
    at(WEB)
    reason = "Permission permission_denied: write_package"
    body = json.dumps({"error": reason})
    with real.serve((403, body, "application/json")) as port:
        out = real.sh(
            "fr-i-plat-ghpkg",
            {
                "package.json": json.dumps(
                    {
                        "name": "@5dlabs/ui",
                        "version": "3.4.0",
                        "files": ["index.js"],
                    },
                    indent=2,
                ),
                "index.js": "export const Button = () => null;\n",
                ".npmrc": f"//127.0.0.1:{port}/:_authToken=ghs_fake_token_for_local_registry\n",
            },
            f"npm publish --registry http://127.0.0.1:{port}/",
            "npm publish",
            hosts={f"http://127.0.0.1:{port}/": "https://npm.pkg.github.com/"},
        )
    out = real.Out(out.command, [ln for ln in out.lines if "_authToken" not in ln], out.code)
    assert out.code != 0 and any("403" in ln for ln in out.lines), out
    ci(
        "fr-i-plat-github-packages-403-write-package-build-ui",
        "the build-ui job's npm publish to GitHub Packages gets 403 'permission_denied: "
        "write_package': the workflow's new permissions block grants only contents: read, "
        "so GITHUB_TOKEN cannot write packages",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="ui-library",
        job="build-ui",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Publish", env={"NODE_AUTH_TOKEN": "***"}),
        ],
        message="ci: least-privilege token permissions",
        files=[".github/workflows/ui-library.yml"],
        branch="main",
    )

    # 4. merge conflict in Cargo.lock while syncing upstream (atlas)
    at(REPO)
    base = real.scratch("fr-i-plat-lock")
    repo = base / "repo"
    lock = (
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual "
        'editing.\nversion = 4\n\n[[package]]\nname = "healer"\nversion = "0.17.0"\n'
        'dependencies = [\n "serde",\n]\n\n[[package]]\nname = "serde"\nversion = "{v}"\n'
        'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
        'checksum = "{c}"\n'
    )
    real.new_repo(
        repo,
        {
            "Cargo.lock": lock.replace("{v}", "1.0.214").replace(
                "{c}", sha("s214") + sha("x214")[:24]
            )
        },
    )
    real.git(repo, "checkout", "-q", "-b", "upstream-main")
    real.commit_all(
        repo,
        {
            "Cargo.lock": lock.replace("{v}", "1.0.215").replace(
                "{c}", sha("s215") + sha("x215")[:24]
            )
        },
        "chore(deps): serde 1.0.215",
    )
    real.git(repo, "checkout", "-q", "main")
    real.commit_all(
        repo,
        {
            "Cargo.lock": lock.replace("{v}", "1.0.216").replace(
                "{c}", sha("s216") + sha("x216")[:24]
            )
        },
        "chore(deps): serde 1.0.216",
    )
    lines, code = real.git(repo, "merge", "--no-edit", "upstream-main")
    lines = [ln.replace("upstream-main", "upstream/main") for ln in lines]
    assert code != 0 and any("CONFLICT" in ln for ln in lines), lines
    ci(
        "fr-i-plat-merge-conflict-cargo-lock-upstream-sync",
        "the upstream sync job's git merge of upstream/main stops on a content conflict in "
        "Cargo.lock (both sides bumped serde); cargo check never ran",
        ["platform", "misleading-name"],
        "atlas",
        "merge_conflict",
        workflow="upstream-sync",
        job="cargo-check",
        repo=REPO,
        steps=[
            run(
                "git fetch upstream main",
                [
                    "From https://github.com/5dlabs-oss/healer",
                    " * branch            main       -> FETCH_HEAD",
                    " * [new branch]      main       -> upstream/main",
                ],
                name="Fetch upstream",
            ),
            failing(
                real.Out("git merge --no-edit upstream/main", lines, code), name="Merge upstream"
            ),
        ],
        message="chore(deps): serde 1.0.216",
        files=["Cargo.lock"],
        branch="main",
    )


# ------------------------------------------------------------------ security


def security() -> None:
    import fcommon
    from cases_batch5 import _push_rejected

    # 1. npm audit against the registry's bulk advisory endpoint (cipher, obvious)
    at(WEB)
    lock = {
        "name": "console",
        "version": "2.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {"name": "console", "version": "2.0.0", "dependencies": {"ws": "8.17.0"}},
            "node_modules/ws": {
                "version": "8.17.0",
                "resolved": "https://registry.npmjs.org/ws/-/ws-8.17.0.tgz",
                "integrity": "sha512-uJq6108EgZMAl20KagGkzCKfMEjxmKvZHG7Tlq0Z6nOky7YF7aq4mOx6xK8TJ/i1LeK4Qus7INktacctDgY8Ow==",
                "license": "MIT",
                "engines": {"node": ">=10.0.0"},
            },
        },
    }
    adv = {
        "ws": [
            {
                "id": 1098392,
                "url": "https://github.com/advisories/GHSA-3h5v-q93c-6h6q",
                "title": "ws affected by a DoS when handling a request with many HTTP headers",
                "severity": "high",
                "vulnerable_versions": ">=8.0.0 <8.17.1",
                "cwe": ["CWE-476"],
                "cvss": {
                    "score": 7.5,
                    "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
                },
            }
        ]
    }
    pack = {
        "name": "ws",
        "dist-tags": {"latest": "8.18.0"},
        "versions": {
            v: {
                "name": "ws",
                "version": v,
                "dist": {"tarball": f"https://registry.npmjs.org/ws/-/ws-{v}.tgz"},
            }
            for v in ("8.17.0", "8.17.1", "8.18.0")
        },
    }

    def registry(req):  # type: ignore[no-untyped-def]
        if "advisories/bulk" in req.path:
            return 200, json.dumps(adv), "application/json"
        if req.path.rstrip("/").endswith("/ws"):
            return 200, json.dumps(pack), "application/json"
        return 404, "{}", "application/json"

    with real.serve(registry) as port:
        out = real.sh(
            "fr-i-sec-npm-audit",
            {
                "package.json": _pkg(dependencies={"ws": "8.17.0"}),
                "package-lock.json": json.dumps(lock, indent=2) + "\n",
            },
            f"npm audit --audit-level=high --registry http://127.0.0.1:{port}/",
            "npm audit --audit-level=high",
            hosts={f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/"},
        )
    assert out.code != 0 and any("GHSA-3h5v-q93c-6h6q" in ln for ln in out.lines), out
    ci(
        "fr-i-sec-npm-audit-ws-pinned-vulnerable",
        "npm audit --audit-level=high fails: the lockfile pins ws 8.17.0, affected by "
        "GHSA-3h5v-q93c-6h6q (DoS with many HTTP headers, fixed in 8.17.1)",
        ["obvious", "audit", "security"],
        "cipher",
        "vulnerable_dependency",
        workflow="security",
        job="npm-audit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="npm audit")],
        message="fix(deps): pin ws to 8.17.0 for the preview server",
        files=["package.json", "package-lock.json"],
        pr=fcommon.pr_of(
            "fr-i-sec-npm-audit", "fix(deps): pin ws to 8.17.0 for the preview server"
        ),
    )

    # 2. a Dependabot alert for an npm package (cipher)
    p = alert(
        "dependabot_alert",
        "fr-i-sec-dep-cross-spawn",
        WEB,
        {
            "alert.dependency": {
                "package": {"ecosystem": "npm", "name": "cross-spawn"},
                "manifest_path": "package-lock.json",
                "scope": "development",
            },
            "alert.security_advisory.ghsa_id": "GHSA-3xgq-45jj-v275",
            "alert.security_advisory.cve_id": "CVE-2024-21538",
            "alert.security_advisory.summary": "Regular Expression Denial of Service (ReDoS) in "
            "cross-spawn",
            "alert.security_advisory.severity": "high",
            "alert.security_vulnerability.package": {"ecosystem": "npm", "name": "cross-spawn"},
            "alert.security_vulnerability.vulnerable_version_range": ">= 7.0.0, < 7.0.5",
            "alert.security_vulnerability.first_patched_version": {"identifier": "7.0.5"},
            "alert.security_vulnerability.severity": "high",
        },
    )
    fcommon.add(
        "fr-i-sec-alert-dependabot-cross-spawn-redos",
        "Dependabot alert: cross-spawn ReDoS (GHSA-3xgq-45jj-v275, >= 7.0.0 < 7.0.5) in the "
        "console's package-lock.json",
        ["security-alert", "security"],
        "cipher",
        "dependabot_alert",
        "dependabot_alert",
        p,
        {"changed_files": ["package-lock.json"]},
    )

    # 3. a code scanning alert from Trivy on a Helm chart (cipher)
    p = alert(
        "code_scanning_alert",
        "fr-i-sec-trivy-ksv017",
        PLAT,
        {
            "alert.rule": {
                "id": "KSV017",
                "severity": "error",
                "security_severity_level": "high",
                "description": "Privileged container",
                "name": "Privileged",
                "full_description": "Privileged containers share namespaces with the host "
                "system and do not offer any security. They should be used exclusively for "
                "system containers that require high privileges.",
                "tags": ["security", "config", "kubernetes", "HIGH"],
            },
            "alert.tool": {"name": "Trivy", "guid": None, "version": "0.57.1"},
            "alert.instances": [
                {
                    "ref": "refs/heads/main",
                    "analysis_key": ".github/workflows/trivy-config.yml:scan",
                    "environment": "{}",
                    "state": "open",
                    "commit_sha": sha("fr-i-sec-trivy-ksv017"),
                    "message": {
                        "text": "Artifact: charts/node-agent/templates/daemonset.yaml\nType: "
                        "helm\nVulnerability KSV017\nSeverity: HIGH\nMessage: Container "
                        "'agent' of DaemonSet 'node-agent' should set "
                        "'securityContext.privileged' to false"
                    },
                    "location": {
                        "path": "charts/node-agent/templates/daemonset.yaml",
                        "start_line": 31,
                        "end_line": 33,
                        "start_column": 1,
                        "end_column": 1,
                    },
                    "classifications": [],
                }
            ],
        },
    )
    fcommon.add(
        "fr-i-sec-alert-trivy-ksv017-privileged-daemonset",
        "Trivy code scanning alert KSV017 (high): the node-agent chart's DaemonSet runs a "
        "privileged container; a security finding about a chart, not a chart failure",
        ["security-alert", "security"],
        "cipher",
        "code_scanning_alert",
        "code_scanning_alert",
        p,
        {"changed_files": ["charts/node-agent/templates/daemonset.yaml"]},
    )

    # 4-5. scanner runs known only from the sensor body (cipher)
    rows = [
        (
            "fr-i-sec-sensor-trufflehog-tfvars",
            PLAT,
            "secrets-scan",
            "trufflehog",
            "chore(terraform): import the staging DNS zone",
            ["terraform/cloudflare/staging.tf", "terraform/cloudflare/terraform.tfvars"],
            "secret_scanning_alert",
            "only the sensor body: the trufflehog secrets-scan run failed on main after a "
            "terraform.tfvars file was committed",
        ),
        (
            "fr-i-sec-sensor-kubescape-manifests",
            PLAT,
            "kubescape",
            "kubescape-scan",
            "feat(node-agent): host network for the eBPF probe",
            ["charts/node-agent/templates/daemonset.yaml"],
            "code_scanning_alert",
            "only the sensor body: the kubescape posture scan of the manifests failed after the "
            "node agent was given host networking",
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

    # 6. push protection blocks the chart index push: a Stripe key in values (cipher)
    at(PLAT)
    commit = sha("fr-i-gh013-stripe")
    out = _push_rejected(
        "fr-i-gh013-stripe",
        PLAT,
        [
            "error: GH013: Repository rule violations found for refs/heads/gh-pages.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— Stripe API Key ————————————————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: charts/billing/values-prod.yaml:18",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/platform/security/secret-scanning/unblock-secret/"
            "2wS9nLd4Ua7Rx2Io0Yc5Qk8Me6Hb",
            "",
        ],
        "push declined due to repository rule violations",
        ref="gh-pages",
    )
    assert out.code != 0, out
    ci(
        "fr-i-sec-gh013-stripe-key-helm-publish",
        "the helm-publish job's push of the packaged charts to gh-pages is blocked by push "
        "protection: a Stripe API key in charts/billing/values-prod.yaml",
        ["security", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="charts",
        job="helm-publish",
        repo=PLAT,
        steps=[
            run(
                "helm package charts/* --destination .cr-release-packages",
                [
                    "Successfully packaged chart and saved it to: .cr-release-packages/billing-1.3.0.tgz"
                ],
                name="Package",
            ),
            failing(out, name="Push chart index"),
        ],
        message="feat(billing): production values",
        files=["charts/billing/values-prod.yaml", "charts/billing/Chart.yaml"],
        branch="main",
        event="workflow_run",
    )


# ------------------------------------------------------------------ obvious


def obvious() -> None:
    at(REPO)
    out = real.cargo(
        "fr-i-obv-clippy",
        {
            "src/main.rs": """fn is_retryable(status: u16) -> bool {
    status >= 500 && status <= 599
}

fn main() {
    println!("{}", is_retryable(503));
}
""",
        },
        ["clippy", "--", "-D", "warnings"],
    )
    assert out.code != 0 and any("manual_range_contains" in ln for ln in out.lines), out
    ci(
        "fr-i-obv-clippy-manual-range-contains",
        "cargo clippy -D warnings fails on clippy::manual_range_contains: 'status >= 500 && "
        "status <= 599' should be (500..=599).contains(&status)",
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="Rust CI",
        job="clippy",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(real.Out("cargo clippy -- -D warnings", out.lines, out.code), name="Clippy"),
        ],
        message="feat(retry): retry on any 5xx",
        files=["src/main.rs"],
    )

    out = real.cargo(
        "fr-i-obv-test",
        {
            "src/lib.rs": """/// Parses "90s", "5m" or "2h" into seconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let (n, unit) = s.split_at(s.len() - 1);
    let n: u64 = n.parse().ok()?;
    match unit {
        "s" => Some(n),
        "m" => Some(n * 60),
        "h" => Some(n * 360),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn hours() {
        assert_eq!(parse_duration("2h"), Some(7200));
    }

    #[test]
    fn minutes() {
        assert_eq!(parse_duration("5m"), Some(300));
    }
}
""",
        },
        ["test"],
    )
    assert out.code != 0 and any("7200" in ln for ln in out.lines), out
    ci(
        "fr-i-obv-cargo-test-parse-duration-hours",
        "cargo test fails: parse_duration('2h') returns Some(720), the test expects Some(7200) "
        "(hours multiplied by 360)",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="feat(config): durations with units",
        files=["src/lib.rs"],
    )

    at(WEB)
    out = real.tsc(
        "fr-i-obv-ts2554",
        {
            "src/format.ts": """export function formatRun(id: number, agent: string, seconds: number): string {
  return `#${id} ${agent} (${seconds}s)`;
}
""",
            "src/panel.ts": """import { formatRun } from "./format";
export const title = (id: number, agent: string) => formatRun(id, agent);
""",
        },
    )
    assert out.code != 0 and any("TS2554" in ln for ln in out.lines), out
    ci(
        "fr-i-obv-tsc-ts2554-missing-argument",
        "tsc fails with TS2554 in src/panel.ts: formatRun() now takes 3 arguments and the panel "
        "passes 2",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="frontend",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(format): show run durations",
        files=["src/format.ts"],
    )

    at(PLAT)
    out = real.kubectl(
        "fr-i-obv-kustomize",
        {
            "apps/healer/overlays/prod/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: healer
resources:
  - ../../base
  - pdb.yaml
""",
            "apps/healer/base/kustomization.yaml": "resources:\n  - service.yaml\n",
            "apps/healer/base/service.yaml": """apiVersion: v1
kind: Service
metadata:
  name: healer-api
spec:
  selector:
    app: healer-api
  ports:
    - port: 80
      targetPort: 8080
""",
        },
        ["kustomize", "apps/healer/overlays/prod"],
    )
    assert out.code != 0 and any("pdb.yaml" in ln for ln in out.lines), out
    out = real.Out(
        out.command,
        [ln.replace(str(real.RUNS / "fr-i-obv-kustomize"), real.RUNNER) for ln in out.lines],
        out.code,
    )
    ci(
        "fr-i-obv-kustomize-missing-pdb-resource",
        "kubectl kustomize fails on the prod overlay: its kustomization lists pdb.yaml, which "
        "the change never added",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="kustomize-build",
        repo=PLAT,
        steps=[*kube_setup(), failing(out, name="Build overlays")],
        message="feat(prod): a PodDisruptionBudget for the api",
        files=["apps/healer/overlays/prod/kustomization.yaml"],
    )

    out = real.actionlint(
        "fr-i-obv-actionlint",
        {
            "deploy.yml": """name: deploy
on:
  push:
    branches: [main]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
  deploy:
    needs: [build, test]
    runs-on: ubuntu-latest
    steps:
      - run: ./scripts/deploy.sh
""",
        },
    )
    assert out.code != 0 and any("needs" in ln for ln in out.lines), out
    ci(
        "fr-i-obv-actionlint-needs-unknown-job",
        "actionlint fails on .github/workflows/deploy.yml: the deploy job needs 'test', a job "
        "the workflow does not define",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="workflows",
        job="actionlint",
        repo=PLAT,
        steps=[failing(out, name="actionlint")],
        message="ci(deploy): wait for the tests",
        files=[".github/workflows/deploy.yml"],
    )


# ------------------------------------------------------------------ more look-alikes


def more() -> None:
    import fcommon

    # 1. only the sensor body; Argo CD: the ingress admission webhook denies a duplicate host (bolt)
    at(PLAT)
    cid = "fr-i-ctx-sensor-argocd-ingress-webhook-duplicate-path"
    msg = "feat(console): a separate Ingress for the docs site"
    j = Job(cid, PLAT, "deploy-staging", "sync", "main", [])
    denial = (
        "one or more objects failed to apply, reason: admission webhook "
        '"validate.nginx.ingress.kubernetes.io" denied the request: host '
        '"console.staging.5dlabs.ai" and path "/" is already defined in ingress '
        "console/console-web"
    )
    fcommon.add(
        cid,
        "only the sensor body of the failed deploy-staging run; Argo CD shows console-staging "
        "OutOfSync with a failed sync: ingress-nginx's admission webhook denied the new docs "
        "Ingress because host console.staging.5dlabs.ai and path / already belong to "
        "console-web",
        ["context-driven", "argocd", "no-log"],
        "bolt",
        "argocd_sync",
        "sensor",
        sensor(j, msg),
        {
            "changed_files": ["charts/console/templates/ingress-docs.yaml"],
            "commit_message": msg,
            "argocd": [
                {
                    "name": "console-staging",
                    "sync_status": "OutOfSync",
                    "health_status": "Healthy",
                    "message": denial,
                }
            ],
        },
    )

    # 2. a security-named zizmor job fails because the workflow does not parse (atlas)
    at(REPO)
    path = real.scratch(
        "fr-i-zizmor-parse",
        {
            ".github/workflows/ci.yml": """name: ci
on:
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - name: Test
        run: cargo test --workspace
       - name: Docs
        run: cargo doc --no-deps
""",
        },
    )
    lines, code = real.run(
        ["zizmor", "--offline", "--no-progress", ".github/workflows/"],
        path,
        env={"RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"},
    )
    assert code != 0 and any("failed to parse input" in ln for ln in lines), lines
    ci(
        "fr-i-trap-zizmor-no-inputs-workflow-yaml",
        "the zizmor security audit job fails with 'no audit was performed': zizmor could not "
        "parse .github/workflows/ci.yml ('did not find expected '-' indicator' at line 15, the "
        "Docs step is indented one space off); a workflow syntax error, no finding",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="security",
        job="zizmor",
        repo=REPO,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.11"},
                ["Successfully set up CPython (3.11.7)"],
            ),
            run(
                "pip install zizmor==1.32.0",
                ["Successfully installed zizmor-1.32.0"],
                name="Install zizmor",
            ),
            failing(
                real.Out("zizmor --offline --no-progress .github/workflows/", lines, code),
                name="Audit workflows",
            ),
        ],
        message="ci: build the docs on every PR",
        files=[".github/workflows/ci.yml"],
    )

    # 3. helm upgrade: the pre-upgrade seed hook (a Node script) fails (blaze)
    at(PLAT)
    out = real.node_run(
        "fr-i-hook-seed",
        {
            "package.json": _pkg("console-seed", type="module"),
            "fixtures/agents.json": json.dumps(
                {
                    "version": 2,
                    "agents": [{"name": n} for n in ("rex", "blaze", "bolt", "cipher", "atlas")],
                }
            )
            + "\n",
            "seed.js": """import { readFile } from "node:fs/promises";
const rows = JSON.parse(await readFile(new URL("./fixtures/agents.json", import.meta.url), "utf8"));
console.log(JSON.stringify({ level: "info", msg: "seeding agents" }));
const values = rows.map((r) => `('${r.name}')`).join(", ");
console.log(JSON.stringify({ level: "info", msg: "insert", sql: `INSERT INTO agents (name) VALUES ${values}` }));
""",
        },
        "seed.js",
        shown="node seed.js",
    )
    loki = _app(out.lines)
    assert out.code != 0 and any("rows.map is not a function" in ln for ln in loki), loki
    created, first, last = clock("fr-i-hook-seed")
    jname = f"console-seed-{sha('fr-i-hook-seed')[:5]}"
    pod = shapes.pod(
        jname,
        "console",
        "console-seed",
        "ghcr.io/5dlabs/console-seed:1.11.0",
        created=created,
        phase="Failed",
        terminated={"exit_code": 1, "reason": "Error", "started": first, "finished": first},
        owner=("Job", "console-seed"),
    )
    cmd, hl = shapes.helm_upgrade(
        "console",
        "charts/console",
        "console",
        "pre-upgrade hooks failed: 1 error occurred:\n\t* job console-seed failed: BackoffLimitExceeded",
    )
    ci(
        "fr-i-wrap-helm-hook-node-seed-rows-map",
        "helm upgrade fails in its pre-upgrade hook (job console-seed BackoffLimitExceeded); the "
        "seed pod's log in Loki shows a Node TypeError 'rows.map is not a function': the change "
        "wrapped the fixture's agents in an object ({version, agents}) and seed.js still maps the "
        "top level",
        ["wrapper", "context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="helm-upgrade-console",
        repo=PLAT,
        steps=[
            *kube_setup(),
            run(cmd, "\n".join(hl).splitlines(), 1, name="Helm upgrade", seconds=95),
        ],
        message="feat(seed): version the agents fixture",
        files=["seed/fixtures/agents.json"],
        extra={
            "kubernetes": {
                "pods": [pod],
                "events": [
                    shapes.event(
                        "console",
                        "Job",
                        "console-seed",
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                        first=first,
                        last=last,
                        component="job-controller",
                    )
                ],
            },
            "loki": loki,
        },
    )


def build() -> None:
    cluster()
    e2e_timeouts()
    canary()
    wrappers()
    yaml_owner()
    platform()
    security()
    obvious()
    more()
