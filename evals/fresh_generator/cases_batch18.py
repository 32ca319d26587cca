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
from typing import Any

import real
import shapes
from cases_batch14 import _alerts, _argo, _noise_pods, _node, _pkg, _rust, _set_env
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
from gha import run
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
        'level=warn ts=2026-11-24T02:41:07.551Z caller=client.go:419 component=client '
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
        steps=[*node_setup(), failing(e2e, name="E2E")],
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


def build() -> None:
    crashes()
