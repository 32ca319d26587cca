"""Batch 18 of the fresh split (ids ``fr-r-``): the deciding evidence is in the context.

- deploy, rollout, smoke and e2e steps whose log shows only a symptom, decided by pods and
  events (the client's models serialised as the API serves them), Loki lines of a program that
  really failed here (Rust panics, Node uncaught errors, a Python traceback), Argo CD
  application status (the ``argoproj.io/v1alpha1`` shape), Prometheus alerts or the change;
- noisy bundles (unrelated restarts, warnings and alerts next to the real cause);
- multi-signal logs where two owners' tools print errors in one step and the one that stopped
  the job decides; three obvious cases.
"""

from __future__ import annotations

import json

import real
import shapes
from cases_batch14 import (
    _alerts,
    _argo,
    _grafana_degraded,
    _helm_step,
    _node,
    _noise_pods,
    _pkg,
    _rust,
    _set_env,
)
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
from helpers import (
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
IMG = "ghcr.io/5dlabs/healer-api:0.23.0"


def _timeout_curl(name: str, host: str, path: str) -> real.Out:
    """curl against a 127.0.0.1 server that accepts and never answers (a real timeout)."""
    with silent_server() as port:
        return real.sh(
            name,
            {},
            f"curl -fsS --max-time 3 http://127.0.0.1:{port}{path}",
            f"curl -fsS --max-time 3 https://{host}{path}",
            hosts={
                f"http://127.0.0.1:{port}": f"https://{host}",
                f"127.0.0.1 port {port}": f"{host} port 443",
            },
        )


def _rust_ok(key: str, src: str) -> list[str]:
    """Build and run a small Rust program that exits 0; its stderr is what the pod logged."""
    path = real.crate(key, {"Cargo.toml": real.cargo_toml("healer-api"), "src/main.rs": src})
    lines, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    lines, code = real.run([str(path / "target" / "release" / "healer-api")], path)
    assert code == 0, lines
    return [ln for ln in lines if ln.strip()]


# ------------------------------------------------------------------ programs that crashed


def crashes() -> None:
    # 1. rollout deadline; Loki: a Rust RefCell already borrowed (rex)
    at(REPO)
    cid = "fr-r-ctx-rollout-rust-refcell-already-borrowed"
    logs = _rust(
        "fr-r-rust-refcell",
        "healer-api",
        """use std::cell::RefCell;
use std::collections::HashMap;

struct Registry {
    routes: RefCell<HashMap<String, String>>,
}

impl Registry {
    fn register(&self, repo: &str, agent: &str) {
        self.routes.borrow_mut().insert(repo.to_string(), agent.to_string());
    }
    fn warm(&self) {
        // iterate the table and register the defaults for each entry
        for (repo, _) in self.routes.borrow().iter() {
            self.register(&format!("{repo}-mirror"), "atlas");
        }
    }
}

fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_api::routes","message":"warming route table"}}"#);
    let reg = Registry { routes: RefCell::new(HashMap::new()) };
    reg.register("5dlabs/healer", "rex");
    reg.warm();
    eprintln!("route table warm: {} entries", reg.routes.borrow().len());
}
""",
    )
    assert any("already borrowed" in ln for ln in logs), logs
    ro = rollout(cid, NS, "healer-api", 3, 1, 2, deadline=True)
    assert ro.code != 0, ro
    ctx = crashing(cid, NS, "healer-api", IMG, 101, logs)
    ci(
        cid,
        "kubectl rollout status passes its progress deadline; the new healer-api pod "
        "crash-loops with exit 101 and Loki shows the Rust panic 'RefCell already borrowed' "
        "(BorrowMutError): the change registers mirror routes while iterating the borrowed "
        "route table",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(routes): register mirror repositories at start-up",
        files=["crates/api/src/routes.rs"],
        pr=pr_of(cid, "feat(routes): register mirror repositories at start-up"),
        extra=ctx,
    )

    # 2. smoke 503; Loki: Rust sort_by with a comparator that is not a total order (rex), noisy
    cid = "fr-r-ctx-smoke-503-rust-sort-total-order-noisy"
    logs = _rust(
        "fr-r-rust-sort",
        "healer-api",
        """fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_api::queue","message":"loading backlog"}}"#);
    let mut backlog: Vec<(u32, f64)> = (0..64u32)
        .map(|i| (i, if i % 7 == 0 { f64::NAN } else { ((i * 37) % 101) as f64 / 3.0 }))
        .collect();
    // oldest first, then by score
    backlog.sort_by(|a, b| {
        if a.1.is_nan() || b.1.is_nan() {
            std::cmp::Ordering::Less
        } else {
            a.1.partial_cmp(&b.1).unwrap()
        }
    });
    eprintln!("backlog sorted: {} runs", backlog.len());
}
""",
    )
    sort_panics = any("total order" in ln for ln in logs)
    out = curl_fail("fr-r-curl-503-sort", "staging-api.5dlabs.ai", "/readyz", 503, "unavailable")
    assert out.code != 0, out
    ctx = crashing(cid, NS, "healer-api", IMG, 101, logs)
    npods, nevents = _noise_pods(cid)
    ctx["kubernetes"]["pods"] += npods
    ctx["kubernetes"]["events"] += nevents
    ctx["loki"] = [
        "level=warn ts=2026-11-24T02:41:07.551Z caller=client.go:419 component=client "
        'host=loki-gateway.monitoring msg="error sending batch, will retry" status=429',
        *ctx["loki"],
    ]
    what = (
        "the sort's 'user-provided comparison function does not correctly implement a total "
        "order' panic"
        if sort_panics
        else "the Rust panic in the backlog sort"
    )
    ci(
        cid,
        f"the smoke check gets 503 from /readyz; healer-api crash-loops (exit 101) and Loki "
        f"shows {what}: the change sorts the backlog with a comparator that treats NaN scores "
        "as less than everything; promtail's restarts and 429, a node image-GC event and an "
        "old disk alert are unrelated",
        ["context-driven", "noisy", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="smoke-staging",
        repo=REPO,
        steps=[failing(out, name="Smoke /readyz")],
        message="feat(queue): order the backlog by score",
        files=["crates/api/src/queue.rs"],
        pr=pr_of(cid, "feat(queue): order the backlog by score"),
        extra={
            **ctx,
            "prometheus": _alerts(
                (
                    "NodeFilesystemSpaceFillingUp",
                    {"instance": "k3s-worker-3", "mountpoint": "/", "severity": "warning"},
                ),
            ),
        },
    )

    # 3. e2e node --test against preview; Loki: Node ERR_HTTP_HEADERS_SENT (blaze)
    at(WEB)
    cid = "fr-r-ctx-e2e-node-headers-already-sent"
    logs = _node(
        "fr-r-node-headers-sent",
        {
            "package.json": _pkg("console-ssr"),
            "server/index.js": """import http from "node:http";

function render(req, res) {
  res.writeHead(200, { "content-type": "text/html" });
  res.write("<!doctype html><title>runs</title>");
  // new: mark the session cookie once the page has been rendered
  res.setHeader("set-cookie", "seen=1; Path=/; HttpOnly");
  res.end();
}

const server = http.createServer(render);
server.listen(0, "127.0.0.1", async () => {
  const { port } = server.address();
  console.log(`console-ssr listening on ${port}`);
  await fetch(`http://127.0.0.1:${port}/runs`);
});
""",
        },
        "server/index.js",
    )
    assert any("ERR_HTTP_HEADERS_SENT" in ln for ln in logs), logs
    logs = [ln for ln in logs if "listening on" not in ln]
    e2e = real.node_run(
        "fr-r-e2e-refused",
        {
            "package.json": _pkg("console-e2e"),
            "e2e/runs.test.js": """import { test } from "node:test";
import assert from "node:assert/strict";

const base = process.env.E2E_BASE_URL;

test("runs page renders", async () => {
  const res = await fetch(`${base}/runs`);
  assert.equal(res.status, 200);
});
""",
        },
        "--test",
        env={"E2E_BASE_URL": f"http://127.0.0.1:{real.free_port()}"},
        shown="node --test e2e/",
    )
    assert e2e.code != 0, e2e
    ctx = crashing(
        cid, "console", "console-ssr", "ghcr.io/5dlabs/console-ssr:2.5.0", 1, logs, port=3000
    )
    ci(
        cid,
        "the e2e run's fetch fails against the preview; console-ssr crash-loops and Loki shows "
        "Node's ERR_HTTP_HEADERS_SENT ('Cannot set headers after they are sent to the "
        "client'): the change sets a cookie after writing the body",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="preview",
        job="e2e-preview",
        repo=WEB,
        steps=[*node_setup(), failing(_pin(e2e), name="E2E")],
        message="feat(ssr): remember visitors with a session cookie",
        files=["server/index.js"],
        pr=pr_of(cid, "feat(ssr): remember visitors with a session cookie"),
        extra=ctx,
    )

    # 4. kubectl wait; Loki: Node ERR_INVALID_URL on a relative API base the code now parses
    cid = "fr-r-ctx-wait-node-invalid-url-relative-base"
    logs = _node(
        "fr-r-node-invalid-url",
        {
            "package.json": _pkg("console-bff"),
            "server/config.js": """export const apiBase = new URL(process.env.API_BASE ?? "/api");
""",
            "server/index.js": """import { apiBase } from "./config.js";

console.log(`console-bff proxying to ${apiBase.href}`);
""",
        },
        "server/index.js",
        env={"API_BASE": "/api"},
    )
    assert any("ERR_INVALID_URL" in ln for ln in logs), logs
    out = wait_available("fr-r-wait-bff", "console", "console-bff")
    assert out.code != 0, out
    ctx = crashing(
        cid, "console", "console-bff", "ghcr.io/5dlabs/console-bff:2.5.0", 1, logs, port=3000
    )
    _set_env(ctx["kubernetes"]["pods"][0], {"API_BASE": "/api", "PORT": "3000"})
    ci(
        cid,
        "kubectl wait for Available times out; console-bff crash-loops and Loki shows Node's "
        "TypeError [ERR_INVALID_URL] for input '/api': the change parses API_BASE with `new "
        "URL()` and no base, while the deployment has always set the relative '/api'",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="deploy",
        job="deploy-console",
        repo=WEB,
        steps=[*kube_setup(), failing(out, name="Wait for console-bff")],
        message="refactor(bff): parse API_BASE once",
        files=["server/config.js", "server/proxy.js"],
        pr=pr_of(cid, "refactor(bff): parse API_BASE once"),
        extra=ctx,
    )

    # 5. kubectl wait for a seed Job; Loki: Python JSONDecodeError in the repo's seed script
    at(REPO)
    cid = "fr-r-ctx-wait-job-python-seed-jsondecode"
    py = real.sh(
        "fr-r-py-seed",
        {
            "fixtures/agents.json": '{\n  "agents": [\n    {"name": "rex", "lang": "rust"},\n'
            '    {"name": "blaze", "lang": "ts"},\n  ]\n}\n',
            "seed.py": """import json
import sys


def main():
    with open("fixtures/agents.json") as f:
        data = json.load(f)
    for agent in data["agents"]:
        print(f"seed: upserting agent {agent['name']}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
""",
        },
        "python3 seed.py",
        "python3 /app/seed.py",
    )
    assert py.code != 0 and any("JSONDecodeError" in ln for ln in py.lines), py
    logs = [ln.replace(real.RUNNER, "/app") for ln in py.lines if ln.strip()]
    job = real.kubectl_live(
        "fr-r-wait-seed",
        {
            f"/apis/batch/v1/namespaces/{NS}/jobs/seed-fixtures": {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {"name": "seed-fixtures", "namespace": NS},
                "spec": {"backoffLimit": 6},
                "status": {"active": 1, "failed": 3, "ready": 0},
            }
        },
        ["wait", "--for=condition=complete", "job/seed-fixtures", "-n", NS, "--timeout=3s"],
        f"kubectl wait --for=condition=complete job/seed-fixtures -n {NS} --timeout=300s",
    )
    assert job.code != 0, job
    created, first, _last = clock(cid)
    jpod = f"seed-fixtures-{sha(cid)[:5]}"
    p = shapes.pod(
        jpod,
        NS,
        "seed-fixtures",
        "ghcr.io/5dlabs/healer-tools:0.23.0",
        created=created,
        phase="Failed",
        terminated={"exit_code": 1, "reason": "Error", "started": first, "finished": first},
        memory_limit="128Mi",
        owner=("Job", "seed-fixtures"),
    )
    p["metadata"]["ownerReferences"][0]["apiVersion"] = "batch/v1"
    p["spec"]["restartPolicy"] = "Never"
    ci(
        cid,
        "kubectl wait for job/seed-fixtures times out; the Job's pods fail and Loki shows a "
        "Python json.decoder.JSONDecodeError in seed.py: the change left a trailing comma in "
        "fixtures/agents.json; the repository's Python tooling and its data, no specialist's",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="seed-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(job, name="Wait for seed job")],
        message="chore(seed): add blaze to the fixture agents",
        files=["tools/seed/fixtures/agents.json"],
        extra={"kubernetes": {"pods": [p], "events": []}, "loki": logs},
    )


# ------------------------------------------------------------------ the cluster's own cause


def cluster() -> None:
    # 6. version check fails; Argo CD SyncFailed: containerPort 80800 out of range (bolt)
    at(REPO)
    cid = "fr-r-ctx-version-check-argocd-containerport-range"
    with real.serve((200, '{"service":"healer-api","version":"0.22.0"}')) as port:
        out = real.sh(
            "fr-r-version-check",
            {},
            f"got=$(curl -fsS http://127.0.0.1:{port}/version | jq -r .version)\n"
            'echo "staging reports healer-api $got"\n'
            'if [ "$got" != "0.23.0" ]; then\n'
            '  echo "::error::staging still serves $got, expected 0.23.0"\n'
            "  exit 1\n"
            "fi",
            "got=$(curl -fsS https://staging-api.5dlabs.ai/version | jq -r .version)\n"
            'echo "staging reports healer-api $got"\n'
            'if [ "$got" != "0.23.0" ]; then\n'
            '  echo "::error::staging still serves $got, expected 0.23.0"\n'
            "  exit 1\n"
            "fi",
            hosts={f"http://127.0.0.1:{port}": "https://staging-api.5dlabs.ai"},
        )
    assert out.code != 0, out
    # the runner shows a `::error::` workflow command as `##[error]` in the job log
    out = real.Out(out.command, [ln.replace("::error::", "##[error]") for ln in out.lines], 1)
    rev = sha(cid)
    msg = (
        'one or more objects failed to apply, reason: Deployment.apps "healer-api" is invalid: '
        "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 80800: must "
        "be between 1 and 65535, inclusive"
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
        "the post-deploy version check finds staging still on 0.22.0; the Argo CD application "
        "is OutOfSync with a failed sync: the Deployment is invalid, containerPort 80800 must "
        "be between 1 and 65535 (a typo in the overlay the change edited); the old pods keep "
        "serving",
        ["context-driven", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="release",
        job="verify-staging",
        repo=REPO,
        steps=[failing(out, name="Check deployed version")],
        message="chore(deploy): move healer-api to port 8080",
        files=[
            "apps/healer/overlays/staging/deployment-patch.yaml",
            "apps/healer/overlays/staging/service-patch.yaml",
        ],
        pr=pr_of(cid, "chore(deploy): move healer-api to port 8080"),
        extra={
            "argocd": [argo],
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.22.0"),
                "events": [],
            },
        },
    )

    # 7. kubectl wait; pods Pending: Insufficient memory after a 24Gi request (bolt), noisy
    cid = "fr-r-ctx-wait-insufficient-memory-request-noisy"
    out = wait_available("fr-r-wait-indexer", NS, "healer-indexer")
    assert out.code != 0, out
    created, first, last = clock(cid)
    pend = (
        "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: "
        "3 No preemption victims found for incoming pod."
    )
    pods = [
        shapes.pod(
            pod_name(cid, "healer-indexer", str(i)),
            NS,
            "healer-indexer",
            "ghcr.io/5dlabs/healer-indexer:0.23.0",
            created=created,
            phase="Pending",
            scheduled=False,
            pending_message=pend,
            memory_limit="24Gi",
        )
        for i in range(2)
    ]
    events = [
        shapes.event(
            NS,
            "Pod",
            pods[0]["metadata"]["name"],
            "FailedScheduling",
            pend,
            first=first,
            last=last,
            count=9,
            component="default-scheduler",
        )
    ]
    npods, nevents = _noise_pods(cid)
    ci(
        cid,
        "kubectl wait for Available times out; the new healer-indexer pods stay Pending with "
        "FailedScheduling '3 Insufficient memory': the change's values set the memory request "
        "and limit to 24Gi on 16 GiB nodes; promtail's restarts, an image-GC event and a "
        "Degraded grafana app are unrelated",
        ["context-driven", "noisy", "misleading-name"],
        "bolt",
        "helm",
        workflow="deploy",
        job="deploy-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Wait for healer-indexer")],
        message="perf(indexer): give the indexer room for the full history",
        files=["charts/healer/values-staging.yaml"],
        pr=pr_of(
            cid,
            "perf(indexer): give the indexer room for the full history",
            "resources.requests.memory and limits.memory: 24Gi for the indexer.",
        ),
        extra={
            "kubernetes": {"pods": pods + npods, "events": events + nevents},
            "argocd": [_grafana_degraded(cid)],
        },
    )

    # 8. helm --wait deadline; liveness probe kills a slow-warming Rust service (bolt)
    cid = "fr-r-ctx-helm-wait-liveness-kills-warmup"
    warm = _rust_ok(
        "fr-r-rust-warm",
        """fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_api","message":"warming repository index (about 40s)"}}"#);
    for shard in (0..4).map(|i| i * 25) {
        eprintln!(r#"{{"level":"INFO","target":"healer_api::index","message":"index warm-up {shard}%"}}"#);
    }
}
""",
    )
    logs = warm
    logs.append(
        '{"level":"INFO","target":"healer_api","message":"received SIGTERM, shutting down"}'
    )
    created, first, last = clock(cid)
    name = pod_name(cid, "healer-api")
    p = shapes.pod(
        name,
        NS,
        "healer-api",
        IMG,
        created=created,
        restarts=5,
        port=8080,
        memory_limit="512Mi",
        probe_path="/healthz",
        terminated={"exit_code": 143, "reason": "Error", "started": first, "finished": first},
    )
    events = [
        shapes.event(
            NS,
            "Pod",
            name,
            "Unhealthy",
            'Liveness probe failed: Get "http://10.42.1.17:8080/healthz": context deadline '
            "exceeded (Client.Timeout exceeded while awaiting headers)",
            first=first,
            last=last,
            count=18,
        ),
        shapes.event(
            NS,
            "Pod",
            name,
            "Killing",
            "Container healer-api failed liveness probe, will be restarted",
            first=first,
            last=last,
            count=6,
            type_="Normal",
        ),
    ]
    ci(
        cid,
        "helm upgrade --wait runs out of time; the pods restart every minute, the events show "
        "'Liveness probe failed ... context deadline exceeded' and 'failed liveness probe, will "
        "be restarted', Loki shows the service still warming its index (about 40s) before each "
        "SIGTERM: the change cut the probe's initialDelaySeconds from 60 to 5",
        ["context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm-staging",
        repo=REPO,
        steps=[
            *kube_setup(),
            _helm_step("healer", "charts/healer", NS, "context deadline exceeded"),
        ],
        message="chore(chart): faster liveness detection",
        files=["charts/healer/templates/deployment.yaml", "charts/healer/values.yaml"],
        pr=pr_of(
            cid,
            "chore(chart): faster liveness detection",
            "livenessProbe.initialDelaySeconds 60 -> 5, periodSeconds 10.",
        ),
        extra={"kubernetes": {"pods": [p], "events": events}, "loki": logs},
    )

    # 9. smoke timeout, healthy everything, docs-only change, noisy Loki (atlas)
    cid = "fr-r-ctx-smoke-timeout-healthy-noisy-docs"
    out = _timeout_curl("fr-r-smoke-timeout", "staging-api.5dlabs.ai", "/healthz")
    assert out.code != 0, out
    rev = sha(cid)
    argo = _argo("healer-staging", NS, "apps/healer/overlays/staging", rev, "Synced", "Healthy")
    npods, nevents = _noise_pods(cid)
    ci(
        cid,
        "the smoke check times out after 3 s; healer-api pods are Ready with no restarts, the "
        "application is Synced and Healthy, Loki holds only promtail's 429 warning and a "
        "deprecation notice, no alert fires and the change is docs-only: nothing explains it, "
        "a transient network failure",
        ["context-driven", "noisy", "flaky", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="smoke-staging",
        repo=REPO,
        steps=[failing(out, name="Smoke /healthz")],
        message="docs: runbook for the staging smoke check",
        files=["docs/runbooks/smoke.md"],
        extra={
            "argocd": [argo, _grafana_degraded(cid)],
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", IMG, 3) + npods,
                "events": normal_events(cid, NS, "healer-api") + nevents,
            },
            "loki": [
                "level=warn ts=2026-11-21T04:02:19.310Z caller=client.go:419 component=client "
                'host=loki-gateway.monitoring msg="error sending batch, will retry" status=429',
                '{"level":"WARN","target":"healer_api::config","message":"HEALER_LEGACY_ROUTES '
                'is deprecated and ignored"}',
            ],
            "prometheus": {
                'sum(rate(http_requests_total{namespace="healer",code=~"5.."}[5m]))': [
                    {"metric": {}, "value": [1764320400, "0"]}
                ]
            },
        },
    )


# ------------------------------------------------------------------ multi-signal and obvious


def _both(first: real.Out, second: real.Out) -> real.Out:
    """One ``run:`` step chaining two real runs with ``&&``: the first passed (its warnings
    printed), the second failed and set the step's exit code."""
    assert first.code == 0, first
    assert second.code != 0, second
    return real.Out(f"{first.command}\n{second.command}", first.lines + second.lines, second.code)


def mixed() -> None:
    # 10. clippy warnings (exit 0) then tsc TS2345 in one step (blaze)
    at(REPO)
    cid = "fr-r-ms-clippy-warnings-then-tsc-ts2345"
    clippy = real.cargo(
        "fr-r-clippy-warn",
        {
            "src/main.rs": """fn total(xs: &Vec<u32>) -> u32 {
    let mut sum = 0;
    for i in 0..xs.len() {
        sum += xs[i];
    }
    return sum;
}

fn main() {
    println!("{}", total(&vec![1, 2, 3]));
}
"""
        },
        ["clippy", "--quiet"],
        shown="cargo clippy --workspace --quiet",
    )
    tsc = real.tsc(
        "fr-r-tsc-2345",
        {
            "src/runs.ts": """export interface Run {
  id: number;
  repo: string;
}

export function label(run: Run): string {
  return `${run.repo}#${run.id}`;
}

const latest = { id: "4711", repo: "5dlabs/healer" };
export const title = label(latest);
"""
        },
    )
    both = _both(clippy, tsc)
    assert any("TS2345" in ln for ln in both.lines), both
    assert any("warning" in ln for ln in clippy.lines), clippy
    ci(
        cid,
        "one `check` step runs clippy and then tsc: clippy prints needless_range_loop, "
        "ptr_arg and needless_return warnings but passes; tsc then fails with TS2345 (a string "
        "id passed where Run wants a number), which stopped the job",
        ["multi-signal", "misleading-name"],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="check-rust",
        repo=REPO,
        steps=[*rust_setup(), *node_setup(), failing(both, name="Check")],
        message="feat(web): show the latest run",
        files=["src/runs.ts"],
        pr=pr_of(cid, "feat(web): show the latest run"),
    )

    # 11. ESLint warnings (exit 0) then a failing cargo test (rex)
    cid = "fr-r-ms-eslint-warnings-then-cargo-test"
    lint = real.eslint(
        "fr-r-eslint-warn",
        {
            "src/api.js": """export async function load(base) {
  const unused = 1;
  const res = await fetch(`${base}/runs`);
  return res.json();
}
"""
        },
        rules='{"no-unused-vars": "warn"}',
    )
    test = real.cargo(
        "fr-r-cargo-test-fail",
        {
            "src/lib.rs": """pub fn branch_of(r: &str) -> &str {
    r.trim_start_matches("refs/").trim_start_matches("heads/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_heads() {
        assert_eq!(branch_of("refs/heads/main"), "main");
    }

    #[test]
    fn keeps_tags_prefix() {
        assert_eq!(branch_of("refs/tags/v1.2.0"), "tags/v1.2.0");
    }

    #[test]
    fn nested_branch() {
        assert_eq!(branch_of("refs/heads/heads/fix"), "heads/fix");
    }
}
"""
        },
        ["test", "--quiet"],
        shown="cargo test --workspace --quiet",
    )
    both = _both(lint, test)
    assert any("warning" in ln for ln in lint.lines), lint
    ci(
        cid,
        "`make check` runs ESLint and then cargo test in one step: ESLint reports a "
        "no-unused-vars warning and passes; cargo test then fails `nested_branch` "
        "(trim_start_matches strips every repeated `heads/`), which stopped the job",
        ["multi-signal"],
        "rex",
        "rust_test",
        workflow="ci",
        job="check",
        repo=REPO,
        steps=[*rust_setup(), *node_setup(), failing(both, name="make check")],
        message="fix(git): branch names from refs",
        files=["src/lib.rs", "src/api.js"],
    )

    # 12. cargo test passes (logging ERROR lines) then promtool rejects a rule (bolt)
    cid = "fr-r-ms-cargo-test-errors-then-promtool"
    test = real.cargo(
        "fr-r-cargo-test-pass-noisy",
        {
            "src/lib.rs": """pub fn retry(attempts: u32) -> Result<u32, String> {
    for a in 1..=attempts {
        if a < 3 {
            eprintln!("ERROR healer::delivery: attempt {a} failed: connection refused, retrying");
            continue;
        }
        return Ok(a);
    }
    Err("gave up".into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn retries_until_success() {
        assert_eq!(super::retry(5), Ok(3));
    }

    #[test]
    fn gives_up() {
        assert!(super::retry(2).is_err());
    }
}
"""
        },
        ["test", "--", "--nocapture"],
        shown="cargo test --workspace -- --nocapture",
    )
    rules = real.promtool(
        "fr-r-promtool",
        {
            "deploy/alerts/healer.yaml": """groups:
  - name: healer
    rules:
      - alert: HealerDeliveryErrors
        expr: sum(rate(healer_delivery_errors_total[5m]) > 0.5
        for: 10m
        labels:
          severity: warning
        annotations:
          summary: healer is failing to deliver webhooks
"""
        },
        "deploy/alerts/healer.yaml",
    )
    both = _both(test, rules)
    ci(
        cid,
        "one step runs cargo test and then promtool: the passing tests print `ERROR ... "
        "connection refused, retrying` lines under --nocapture; promtool then rejects the "
        "alert rule's unclosed `sum(` in deploy/alerts/healer.yaml, which stopped the job",
        ["multi-signal", "misleading-name"],
        "bolt",
        "yaml_config",
        workflow="ci",
        job="cargo-test",
        repo=REPO,
        steps=[*rust_setup(), failing(both, name="Test and check alert rules")],
        message="feat(alerts): alert on delivery errors",
        files=["deploy/alerts/healer.yaml"],
    )

    # 13-15. obvious
    cid = "fr-r-obvious-rustc-e0277-question-mark-in-unit-fn"
    out = real.cargo(
        "fr-r-e0277",
        {
            "src/main.rs": """use std::fs;

fn load_config(path: &str) {
    let text = fs::read_to_string(path)?;
    println!("{} bytes of config", text.len());
}

fn main() {
    load_config("healer.toml");
}
"""
        },
        ["build"],
    )
    assert any("E0277" in ln for ln in out.lines), out
    ci(
        cid,
        "cargo build fails with E0277: the `?` operator in a function returning `()`",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(config): read healer.toml",
        files=["src/main.rs"],
    )

    at(WEB)
    cid = "fr-r-obvious-tsc-ts2739-missing-properties"
    out = real.tsc(
        "fr-r-ts2739",
        {
            "src/agent.ts": """export interface Agent {
  name: string;
  domain: string;
  enabled: boolean;
}

export const blaze: Agent = { name: "blaze" };
"""
        },
    )
    assert any("TS2739" in ln for ln in out.lines), out
    ci(
        cid,
        "tsc fails with TS2739: an object literal lacks the properties `domain` and `enabled` "
        "of Agent",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Typecheck")],
        message="feat(agents): list blaze",
        files=["src/agent.ts"],
    )

    at(REPO)
    cid = "fr-r-obvious-hadolint-dl3025-shell-form-cmd"
    out = real.hadolint(
        "fr-r-dl3025",
        """FROM debian:bookworm-slim
COPY healer-api /usr/local/bin/healer-api
USER 65532
CMD /usr/local/bin/healer-api --port 8080
""",
    )
    assert any("DL3025" in ln for ln in out.lines), out
    ci(
        cid,
        "hadolint fails the Dockerfile with DL3025: CMD in shell form rather than JSON",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="ci",
        job="lint-dockerfile",
        repo=REPO,
        steps=[failing(out, name="hadolint")],
        message="chore(image): pass the port on the command line",
        files=["Dockerfile"],
    )


# ------------------------------------------------------------------ more context-decided symptoms


def more() -> None:
    # 16. Argo CD health gate (curl | jq); Degraded app, Loki: Rust `capacity overflow` (rex)
    at(REPO)
    cid = "fr-r-ctx-argocd-gate-degraded-rust-capacity-overflow"
    logs = _rust(
        "fr-r-rust-capacity",
        "healer-worker",
        """fn batch_size(window_ms: u64, rate_per_ms: u64) -> usize {
    window_ms.wrapping_mul(rate_per_ms) as usize
}

fn main() {
    eprintln!(r#"{{"level":"INFO","target":"healer_worker","message":"sizing delivery batches"}}"#);
    let window_ms = std::env::var("HEALER_BATCH_WINDOW_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(250);
    let size = batch_size(window_ms, u64::MAX / 64);
    let buf: Vec<[u8; 64]> = Vec::with_capacity(size);
    eprintln!("batch buffer ready: {} slots", buf.capacity());
}
""",
        env={"HEALER_BATCH_WINDOW_MS": "250"},
    )
    assert any("capacity overflow" in ln for ln in logs), logs
    rev = sha(cid)
    argo = _argo(
        "healer-staging",
        NS,
        "apps/healer/overlays/staging",
        rev,
        "Synced",
        "Degraded",
        health_message='Deployment "healer-worker" exceeded its progress deadline',
    )
    with real.serve((200, json.dumps(argo["application"]))) as port:
        out = real.sh(
            "fr-r-argocd-gate",
            {},
            f"curl -fsS -H 'Authorization: Bearer ***' http://127.0.0.1:{port}"
            "/api/v1/applications/healer-staging | jq -e '.status.health.status == \"Healthy\"'",
            "curl -fsS -H 'Authorization: Bearer ***' https://argocd.5dlabs.ai"
            "/api/v1/applications/healer-staging | jq -e '.status.health.status == \"Healthy\"'",
            hosts={f"http://127.0.0.1:{port}": "https://argocd.5dlabs.ai"},
        )
    assert out.code != 0, out
    ctx = crashing(
        cid, NS, "healer-worker", "ghcr.io/5dlabs/healer-worker:0.23.0", 101, logs, port=9090
    )
    _set_env(ctx["kubernetes"]["pods"][0], {"HEALER_BATCH_WINDOW_MS": "250"})
    ci(
        cid,
        "the post-sync health gate's jq prints false; the Argo CD application is Synced but "
        "Degraded (healer-worker exceeded its progress deadline), the worker crash-loops with "
        "exit 101 and Loki shows the Rust panic 'capacity overflow': the change sizes the "
        "batch buffer with a wrapping multiplication",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="gitops",
        job="argocd-health",
        repo=REPO,
        steps=[failing(out, name="Wait for healthy application")],
        message="perf(worker): size delivery batches by rate",
        files=["crates/worker/src/batch.rs"],
        pr=pr_of(cid, "perf(worker): size delivery batches by rate"),
        extra={**ctx, "argocd": [argo]},
    )

    # 17. canary gate on a 5xx ratio; Loki: a Node handler's TypeError on a missing session
    at(WEB)
    cid = "fr-r-ctx-canary-5xx-node-destructure-session"
    srv = real.node_run(
        "fr-r-node-session",
        {
            "package.json": _pkg("console-bff"),
            "server/handler.js": """export function me(req) {
  const { user } = req.session;
  return { status: 200, body: JSON.stringify({ login: user.login }) };
}
""",
            "server/index.js": """import { me } from "./handler.js";

// replay two requests the way the server sees them: one with a session, one anonymous
for (const req of [{ url: "/api/me", session: { user: { login: "ada" } } }, { url: "/api/me" }]) {
  try {
    const res = me(req);
    console.log(JSON.stringify({ level: "info", url: req.url, status: res.status }));
  } catch (err) {
    console.error(JSON.stringify({ level: "error", url: req.url, status: 500 }));
    console.error(err);
  }
}
""",
        },
        "server/index.js",
    )
    logs = [ln.replace(real.RUNNER, "/app") for ln in srv.lines if ln.strip()]
    assert any("Cannot destructure property 'user'" in ln for ln in logs), logs
    prom = {
        "status": "success",
        "data": {
            "resultType": "vector",
            "result": [
                {
                    "metric": {"service": "console-bff", "track": "canary"},
                    "value": [1764320400, "0.412"],
                }
            ],
        },
    }
    with real.serve((200, json.dumps(prom))) as port:
        gate = real.node_run(
            "fr-r-canary-gate",
            {
                "package.json": _pkg("console-deploy"),
                "scripts/canary-gate.mjs": """const q = encodeURIComponent(
  'sum(rate(http_requests_total{service="console-bff",track="canary",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="console-bff",track="canary"}[5m]))',
);
const res = await fetch(`${process.env.PROM_URL}/api/v1/query?query=${q}`);
const { data } = await res.json();
const ratio = Number(data.result[0].value[1]);
console.log(`canary 5xx ratio: ${ratio}`);
if (ratio > 0.01) {
  console.error(`canary gate failed: 5xx ratio ${ratio} above 0.01, rolling back`);
  process.exit(1);
}
""",
            },
            "scripts/canary-gate.mjs",
            env={"PROM_URL": f"http://127.0.0.1:{port}"},
            hosts={f"http://127.0.0.1:{port}": "http://prometheus.monitoring:9090"},
        )
    assert gate.code != 0, gate
    ci(
        cid,
        "the canary gate fails on a 5xx ratio of 0.41; the canary pods are Ready, and Loki shows "
        "the Node handler's TypeError 'Cannot destructure property 'user' of 'req.session' as "
        "it is undefined' on anonymous /api/me requests: the change reads the session without "
        "a guard",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="canary-analysis",
        repo=WEB,
        steps=[*node_setup(), failing(gate, name="Canary gate")],
        message="feat(bff): /api/me returns the login",
        files=["server/handler.js"],
        pr=pr_of(cid, "feat(bff): /api/me returns the login"),
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    cid, "console", "console-bff", "ghcr.io/5dlabs/console-bff:2.6.0", 1, 3000
                ),
                "events": normal_events(cid, "console", "console-bff", 1),
            },
            "loki": logs,
            "prometheus": {
                'sum(rate(http_requests_total{service="console-bff",code=~"5.."}[5m])) by (track)': [
                    {"metric": {"track": "canary"}, "value": [1764320400, "3.1"]},
                    {"metric": {"track": "stable"}, "value": [1764320400, "0"]},
                ]
            },
        },
    )

    # 18. rollout deadline; CreateContainerConfigError: runAsNonRoot with a non-numeric user
    at(REPO)
    cid = "fr-r-ctx-rollout-runasnonroot-nonnumeric-user"
    ro = rollout(cid, NS, "healer-api", 3, 1, 2, deadline=True)
    assert ro.code != 0, ro
    created, first, last = clock(cid)
    name = pod_name(cid, "healer-api")
    msg = (
        "container has runAsNonRoot and image has non-numeric user (healer), cannot verify "
        f'user is non-root (pod: "{name}_healer({sha(name)[:8]})", container: healer-api)'
    )
    p = shapes.pod(
        name,
        NS,
        "healer-api",
        IMG,
        created=created,
        port=8080,
        memory_limit="512Mi",
        waiting=("CreateContainerConfigError", msg),
    )
    events = [
        shapes.event(NS, "Pod", name, "Failed", "Error: " + msg, first=first, last=last, count=14)
    ]
    ci(
        cid,
        "kubectl rollout status passes its deadline; the new pod is in "
        "CreateContainerConfigError: 'container has runAsNonRoot and image has non-numeric "
        "user (healer)': the change set runAsNonRoot in the chart without a numeric runAsUser "
        "for an image whose USER is a name",
        ["context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="deploy",
        job="rollout-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="chore(chart): run as non-root",
        files=["charts/healer/templates/deployment.yaml", "charts/healer/values.yaml"],
        pr=pr_of(cid, "chore(chart): run as non-root"),
        extra={"kubernetes": {"pods": [p], "events": events}},
    )

    # 19. e2e refused; healthy cluster; the PR moved the workflow's base URL port (atlas)
    cid = "fr-r-ctx-e2e-refused-workflow-base-url-port"
    port = real.free_port()
    e2e = real.node_run(
        "fr-r-e2e-wf-port",
        {
            "package.json": _pkg("healer-e2e"),
            "e2e/health.test.js": """import { test } from "node:test";
import assert from "node:assert/strict";

test("staging answers /healthz", async () => {
  const res = await fetch(`${process.env.E2E_BASE_URL}/healthz`);
  assert.equal(res.status, 200);
});
""",
        },
        "--test",
        env={"E2E_BASE_URL": f"http://127.0.0.1:{port}"},
        hosts={f"127.0.0.1:{port}": "staging-api.healer.svc:8443"},
        shown="node --test e2e/",
    )
    assert e2e.code != 0, e2e
    rev = sha(cid)
    ci(
        cid,
        "the e2e run fails with `fetch failed`; healer-api pods are Ready, the application is Synced "
        "and Healthy and the Service listens on 8080, while the change edited only "
        ".github/workflows/e2e.yml, moving E2E_BASE_URL to port 8443: the workflow's own "
        "configuration",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="e2e",
        job="e2e-staging",
        repo=REPO,
        steps=[
            *node_setup(),
            failing(
                _pin(e2e), name="E2E", env={"E2E_BASE_URL": "http://staging-api.healer.svc:8443"}
            ),
        ],
        message="ci(e2e): talk to staging over the service port",
        files=[".github/workflows/e2e.yml"],
        pr=pr_of(
            cid,
            "ci(e2e): talk to staging over the service port",
            "E2E_BASE_URL: http://staging-api.healer.svc:8443",
        ),
        extra={
            "argocd": [
                _argo(
                    "healer-staging", NS, "apps/healer/overlays/staging", rev, "Synced", "Healthy"
                )
            ],
            "kubernetes": {
                "pods": ready_pods(cid, NS, "healer-api", IMG, 3),
                "events": normal_events(cid, NS, "healer-api"),
            },
        },
    )

    # 20. rollout deadline; Loki: Node ERR_MODULE_NOT_FOUND on a renamed route module (blaze),
    # noisy: an HPA metrics warning and promtail's restarts look like the cluster's trouble
    at(WEB)
    cid = "fr-r-ctx-rollout-node-module-not-found-hpa-noise"
    logs = _node(
        "fr-r-node-module-nf",
        {
            "package.json": _pkg("console-ssr"),
            "server/routes/agent-list.js": "export default () => ['rex', 'blaze', 'bolt'];\n",
            "server/index.js": """import http from "node:http";
import agents from "./routes/agents.js";

const port = Number(process.env.PORT ?? 3000);
http
  .createServer((_req, res) => res.end(JSON.stringify(agents())))
  .listen(port, () => console.log(`console-ssr listening on ${port}`));
""",
        },
        "server/index.js",
    )
    assert any("ERR_MODULE_NOT_FOUND" in ln for ln in logs), logs
    ro = rollout(cid, "console", "console-ssr", 2, 1, 1, deadline=True)
    assert ro.code != 0, ro
    created, first, last = clock(cid)
    hpa = shapes.event(
        "console",
        "HorizontalPodAutoscaler",
        "console-ssr",
        "FailedGetResourceMetric",
        "failed to get cpu utilization: unable to get metrics for resource cpu: no metrics "
        "returned from resource metrics API",
        first=first,
        last=last,
        count=11,
        component="horizontal-pod-autoscaler",
    )
    ctx = crashing(
        cid,
        "console",
        "console-ssr",
        "ghcr.io/5dlabs/console-ssr:2.6.0",
        1,
        logs,
        port=3000,
        extra_events=[hpa],
    )
    npods, nevents = _noise_pods(cid)
    ctx["kubernetes"]["pods"] += npods
    ctx["kubernetes"]["events"] += nevents
    ci(
        cid,
        "kubectl rollout status passes its deadline; console-ssr crash-loops and Loki shows "
        "Node's ERR_MODULE_NOT_FOUND for server/routes/agents.js: the change renamed the module "
        "to agent-list.js and left the import; the HPA's metrics warning, promtail's restarts "
        "and an image-GC event are unrelated",
        ["context-driven", "noisy", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="deploy",
        job="rollout-console",
        repo=WEB,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="refactor(ssr): rename the agents route",
        files=["server/routes/agent-list.js", "server/routes/agents.js"],
        pr=pr_of(cid, "refactor(ssr): rename the agents route"),
        extra=ctx,
    )


def _pin(out: real.Out) -> real.Out:
    import re

    return real.Out(
        out.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 41.237902", ln) for ln in out.lines],
        out.code,
    )


def build() -> None:
    crashes()
    cluster()
    mixed()
    more()
