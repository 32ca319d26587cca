"""Batch 48 of the fresh split (ids ``fr-zv-``): shared platform components and third-party
services the repository does not own. The job log shows a symptom (a 502/503, a refused or
unresolved connection, a certificate error, a rollout deadline); the deciding evidence is in the
context: pods and events in other namespaces, Loki lines from the platform's components, firing
alerts naming them, other Argo CD applications, and the change's files.

- the ingress controller: a smoke 502 while ingress-nginx's own controller crashloops after its
  upgrade, the change docs-only (atlas) vs the chart's Service moving ``targetPort`` (bolt) vs the
  change's Rust panicking at startup (rex) vs the console's Node server crashing on the
  change's JSON config parse (blaze); an ``argocd app wait`` stuck Progressing on an Ingress
  with no address while the ``ingress-nginx`` application is Degraded (atlas) vs the change's
  overlay naming an ingress class no controller serves (bolt);
- cert-manager: curl (60) on ingress-nginx's fake certificate while cert-manager's controller
  crashloops (atlas) vs the chart naming a ClusterIssuer that does not exist (bolt);
- external-dns: a preview host that never resolves while external-dns is refused by the DNS
  provider's API (atlas) vs the chart moving the Ingress to a class external-dns does not watch
  (bolt);
- CoreDNS: a Rust binary's lookup of the shared database failing while CoreDNS cannot list
  Services (``Unauthorized``) and answers NXDOMAIN (atlas) vs the chart's DATABASE_URL naming a namespace that does not exist
  (bolt);
- the shared database: a migration step's pool timeout while the shared Postgres is out of WAL
  space (atlas) vs the change raising the pool to 200 connections against a healthy Postgres
  (rex); ``password authentication failed`` after the platform's ExternalSecret stopped syncing
  (atlas);
- the mesh's sidecar injector: a rollout deadline on ``failed calling webhook`` while istiod
  crashloops (atlas) vs the chart's 32Mi ``proxyMemoryLimit`` OOMKilling istio-proxy (bolt);
- the cluster autoscaler: pods Pending while cluster-autoscaler's cloud calls are refused (atlas)
  vs the chart requesting more CPU than any node group offers (bolt);
- third-party services: a payments sandbox answering 503 with an alert on the dependency
  (atlas) vs the change's client calling a path the provider does not serve (blaze); the shared
  npm proxy answering 502 while its pods crashloop (atlas) vs a version of an internal package
  never published (blaze); GitHub answering 500 to a fetch (atlas);
- plain cases: cargo E0308 (rex), tsc TS2345 (blaze), yamllint on a values file (bolt),
  actionlint on a workflow (atlas).

Cases tagged ``obvious``: the four plain cases.
"""

from __future__ import annotations

import http.server
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import common
import real
import shapes
from cases_batch35 import _helm_setup, crashloop, ev, k8s_ctx, prom_alert, running_pod, series
from cases_batch35 import tracing as _tracing
from cases_batch38 import (
    argo_app,
    helm_wait_fail,
    info_lines,
    node_crash,
    res,
    rust_build,
    rust_crash,
)
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha, uses
from gha import Step, run
from helpers import clock, curl_fail, kube_setup, normal_events, rollout

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
NS, APP = "healer", "healer-api"


def build() -> None:
    ingress()
    argocd_ingress_class()
    certs()
    dns()
    database()
    mesh()
    autoscaler()
    third_party()
    plain()
    restamp()


def restamp() -> None:
    """Move the platform components' Loki lines, written at 2026-11-30 08:12, to the
    case's own failure time (``helpers.clock``)."""
    for case in common.CASES:
        if not case["id"].startswith("fr-zv-") or "loki" not in case["context"]:
            continue
        _, first, _ = clock(case["id"])
        day, hour = first[8:10], first[11:13]
        case["context"]["loki"] = [
            ln.replace("2026-11-30", f"2026-11-{day}")
            .replace("1130 08:", f"11{day} {hour}:")
            .replace("T08:1", f"T{hour}:1")
            .replace(" 08:12:", f" {hour}:12:")
            for ln in case["context"]["loki"]
        ]


def tracing(cid: str, level: str, target: str, msg: str, k: int = 0, **kw: Any) -> str:
    return _tracing(cid, level, target, msg, k, **kw)


def checkout(repo: str = REPO) -> list[Step]:
    return [uses("actions/checkout@v4", {"fetch-depth": "1"}, [f"Syncing repository: {repo}"])]


def img(cid: str, repo: str = "healer") -> str:
    return f"ghcr.io/5dlabs/{repo}:sha-{sha(cid)[:7]}"


def nginx_err(cid: str, k: int, msg: str, upstream: str, host: str, uri: str = "/healthz") -> str:
    _, first, _ = clock(cid)
    day = first[:10].replace("-", "/")
    return (
        f"{day} {first[11:19]} [error] {30 + k}#{30 + k}: *{1000 + 7 * k} {msg}, client: "
        f'10.42.1.{10 + k}, server: {host}, request: "GET {uri} HTTP/1.1", upstream: '
        f'"{upstream}{uri}", host: "{host}"'
    )


def smoke_step(out: real.Out) -> Step:
    return failing(out, name="Smoke test", seconds=14)


def deploy_rollout(cid: str, ns: str, deploy: str, available: int = 2) -> Step:
    out = rollout(cid, ns, deploy, 3, 1, available, deadline=True)
    return failing(out, name="Wait for rollout", seconds=300)


# ------------------------------------------------------------------ 1. the ingress controller


def ingress() -> None:
    at(REPO)
    host = "staging.5dlabs.ai"
    out = curl_fail("b48-smoke-502", host, "/api/health", status=502, body="<html>502</html>")

    cid = "fr-zv-smoke-502-ingress-controller-crash"
    ci(
        cid,
        "the post-deploy smoke curl gets 502; healer-api's pods are Ready and serving, while "
        "ingress-nginx's own controller crashloops in `ingress-nginx` after the platform's "
        "upgrade of it (its Argo CD application Degraded); the change touches only docs",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="smoke",
        branch="main",
        steps=[*checkout(), smoke_step(out)],
        message="docs: the runs API pagination",
        files=["docs/api/runs.md"],
        extra={
            **k8s_ctx(
                [
                    *[running_pod(cid, NS, APP, img(cid), salt=str(i)) for i in range(2)],
                    crashloop(
                        cid,
                        "ingress-nginx",
                        "ingress-nginx-controller",
                        "registry.k8s.io/ingress-nginx/controller:v1.12.1",
                        exit_code=255,
                        port=443,
                    ),
                ],
                [
                    *normal_events(cid, NS, APP, 2),
                    ev(
                        "ingress-nginx",
                        "Pod",
                        "ingress-nginx-controller-" + sha(cid)[:9] + "-" + sha(cid + "c")[:5],
                        "BackOff",
                        "Back-off restarting failed container controller",
                        cid,
                        count=14,
                    ),
                ],
                loki=[
                    *info_lines(cid),
                    'F1130 08:12:31.004211       7 main.go:85] "Error while initiating a '
                    'connection to the Kubernetes API server" err="admission webhook '
                    "configuration ingress-nginx-admission: the server could not find the "
                    'requested resource"',
                ],
            ),
            "argocd": [
                argo_app(
                    cid,
                    "ingress-nginx",
                    "ingress-nginx",
                    "platform/ingress-nginx",
                    "Synced",
                    "Degraded",
                    [
                        res(
                            "Deployment",
                            "ingress-nginx",
                            "ingress-nginx-controller",
                            "Synced",
                            "Degraded",
                        )
                    ],
                    health_message='Deployment "ingress-nginx-controller" exceeded its progress deadline',
                ),
                argo_app(
                    cid,
                    "healer-staging",
                    NS,
                    "apps/healer/overlays/staging",
                    "Synced",
                    "Healthy",
                    [res("Deployment", NS, APP, "Synced", "Healthy")],
                ),
            ],
        },
    )

    cid = "fr-zv-smoke-502-service-targetport"
    ci(
        cid,
        "the post-deploy smoke curl gets 502; ingress-nginx is healthy and logs `connect() "
        "failed (111: Connection refused)` to healer-api's pods on 9090: the change's chart "
        "moved the Service's `targetPort` to 9090 while the container listens on 8080",
        ["context-driven", "look-alike"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="smoke",
        branch="main",
        steps=[*checkout(), smoke_step(out)],
        message="chart(healer): name the metrics port, move the service port",
        files=["charts/healer/templates/service.yaml", "charts/healer/values.yaml"],
        extra=k8s_ctx(
            [
                *[running_pod(cid, NS, APP, img(cid), salt=str(i)) for i in range(2)],
                running_pod(
                    cid,
                    "ingress-nginx",
                    "ingress-nginx-controller",
                    "registry.k8s.io/ingress-nginx/controller:v1.12.1",
                    port=443,
                ),
            ],
            normal_events(cid, NS, APP, 2),
            loki=[
                nginx_err(
                    cid,
                    k,
                    "connect() failed (111: Connection refused) while connecting to upstream",
                    f"http://10.42.2.{31 + k}:9090",
                    host,
                    "/api/health",
                )
                for k in range(2)
            ],
        ),
    )

    lines = rust_crash(
        "b48-api-bind-panic",
        {
            "src/main.rs": (
                "use std::net::SocketAddr;\n\nfn main() {\n"
                '    let listen = std::env::var("HEALER_LISTEN").unwrap_or("0.0.0.0:8080/".into());\n'
                '    let addr: SocketAddr = listen.parse().expect("HEALER_LISTEN is a socket address");\n'
                '    println!("listening on {addr}");\n}\n'
            )
        },
    )
    cid = "fr-zv-smoke-502-api-panic"
    ci(
        cid,
        "the post-deploy smoke curl gets 502; ingress-nginx is Running and healer-api's new "
        "pods crashloop on the change's own panic (the default listen address it now builds "
        "carries a trailing slash and does not parse)",
        ["context-driven", "look-alike"],
        "rex",
        "rust_test",
        workflow="deploy-staging",
        job="smoke",
        branch="main",
        steps=[*checkout(), smoke_step(out)],
        message="refactor(api): default listen address in one place",
        files=["crates/healer-api/src/main.rs", "crates/healer-api/src/config.rs"],
        extra=k8s_ctx(
            [
                crashloop(cid, NS, APP, img(cid), exit_code=101),
                running_pod(
                    cid,
                    "ingress-nginx",
                    "ingress-nginx-controller",
                    "registry.k8s.io/ingress-nginx/controller:v1.12.1",
                    port=443,
                ),
            ],
            [],
            loki=[
                *lines,
                nginx_err(
                    cid,
                    0,
                    "connect() failed (111: Connection refused) while connecting to upstream",
                    "http://10.42.2.31:8080",
                    host,
                    "/api/health",
                ),
            ],
        ),
    )

    at(WEB)
    web_host = "console.staging.5dlabs.ai"
    web_out = curl_fail("b48-smoke-502-web", web_host, "/", status=502, body="<html>502</html>")
    crash = node_crash(
        "b48-console-config-json",
        {
            "server.js": (
                'const raw = process.env.CONSOLE_RUNTIME_CONFIG ?? "";\n'
                "const config = JSON.parse(raw);\n"
                "console.log(`listening on ${config.port}`);\n"
            )
        },
        "server.js",
    )
    cid = "fr-zv-smoke-502-console-json-crash"
    ci(
        cid,
        "the console's post-deploy smoke curl gets 502; ingress-nginx is Running and healthy, "
        "and console-web's new pods crashloop on `SyntaxError: Unexpected end of JSON input` "
        "from the change's server.js, which now parses a runtime config variable nothing sets",
        ["context-driven", "look-alike"],
        "blaze",
        "frontend_build",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        branch="main",
        steps=[*checkout(WEB), smoke_step(web_out)],
        message="feat(console): runtime config from the environment",
        files=["server.js", "src/config.ts"],
        extra=k8s_ctx(
            [
                crashloop(
                    cid, "console", "console-web", img(cid, "console"), exit_code=1, port=3000
                ),
                running_pod(
                    cid,
                    "ingress-nginx",
                    "ingress-nginx-controller",
                    "registry.k8s.io/ingress-nginx/controller:v1.12.1",
                    port=443,
                ),
            ],
            [],
            loki=[
                *crash,
                nginx_err(
                    cid,
                    0,
                    "connect() failed (111: Connection refused) while connecting to upstream",
                    "http://10.42.1.44:3000",
                    web_host,
                    "/",
                ),
            ],
        ),
    )

    at(REPO)
    cid = "fr-zv-argocd-ingress-no-address"
    path = "apps/healer/overlays/staging"
    ci(
        cid,
        "`argocd app wait healer-staging --health` times out Progressing on the Ingress, which "
        "never gets a load-balancer address: the `ingress-nginx` application is Degraded and its "
        "controller Service has no endpoints; the change is Rust-only",
        ["context-driven", "look-alike", "argocd"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="argocd-sync",
        branch="main",
        steps=[
            *checkout(),
            run(
                "argocd app wait healer-staging --sync --health --timeout 300",
                [
                    *shapes.argocd_summary(
                        "healer-staging",
                        "default",
                        NS,
                        "5dlabs/platform-gitops",
                        path,
                        sha(cid + ":ops"),
                        "Synced",
                        "Progressing",
                        resources=[
                            ("", "Service", NS, APP, "Synced", "Healthy", "", ""),
                            ("apps", "Deployment", NS, APP, "Synced", "Healthy", "", ""),
                            (
                                "networking.k8s.io",
                                "Ingress",
                                NS,
                                APP,
                                "Synced",
                                "Progressing",
                                "",
                                "",
                            ),
                        ],
                    ),
                    'FATA[0300] timed out (300s) waiting for app "healer-staging" match desired '
                    "state",
                ],
                1,
                name="Wait for Argo CD",
                seconds=300,
            ),
        ],
        message="feat(api): cursor pagination for runs",
        files=["crates/healer-api/src/routes/runs.rs"],
        extra={
            **k8s_ctx(
                [running_pod(cid, NS, APP, img(cid), salt=str(i)) for i in range(2)],
                [
                    *normal_events(cid, NS, APP, 2),
                    ev(
                        "ingress-nginx",
                        "Service",
                        "ingress-nginx-controller",
                        "SyncLoadBalancerFailed",
                        "Error syncing load balancer: failed to ensure load balancer: no "
                        "available nodes for service",
                        cid,
                        count=9,
                        component="service-controller",
                    ),
                ],
            ),
            "argocd": [
                argo_app(
                    cid,
                    "ingress-nginx",
                    "ingress-nginx",
                    "platform/ingress-nginx",
                    "Synced",
                    "Degraded",
                    [
                        res(
                            "Service",
                            "ingress-nginx",
                            "ingress-nginx-controller",
                            "Synced",
                            "Progressing",
                            group="",
                        )
                    ],
                    health_message="Service has no load balancer ingress",
                ),
            ],
            "prometheus": prom_alert(
                "IngressControllerUnavailable",
                {"namespace": "ingress-nginx", "severity": "critical"},
            ),
        },
    )


def argocd_ingress_class() -> None:
    at(REPO)
    path = "apps/healer/overlays/staging"
    cid = "fr-zv-argocd-ingress-class-traefik"
    ci(
        cid,
        "`argocd app wait healer-staging --health` times out Progressing on the Ingress, which "
        "never gets an address: the change's overlay set `ingressClassName: traefik`, a class "
        "no controller in the cluster serves; the `ingress-nginx` application is Healthy",
        ["context-driven", "look-alike", "argocd"],
        "bolt",
        "argocd_sync",
        workflow="deploy-staging",
        job="argocd-sync",
        branch="main",
        steps=[
            *checkout(),
            run(
                "argocd app wait healer-staging --sync --health --timeout 300",
                [
                    *shapes.argocd_summary(
                        "healer-staging",
                        "default",
                        NS,
                        "5dlabs/platform-gitops",
                        path,
                        sha(cid + ":ops"),
                        "Synced",
                        "Progressing",
                        resources=[
                            ("", "Service", NS, APP, "Synced", "Healthy", "", ""),
                            ("apps", "Deployment", NS, APP, "Synced", "Healthy", "", ""),
                            (
                                "networking.k8s.io",
                                "Ingress",
                                NS,
                                APP,
                                "Synced",
                                "Progressing",
                                "",
                                "",
                            ),
                        ],
                    ),
                    'FATA[0300] timed out (300s) waiting for app "healer-staging" match desired '
                    "state",
                ],
                1,
                name="Wait for Argo CD",
                seconds=300,
            ),
        ],
        message="deploy(staging): move healer to the new edge",
        files=["apps/healer/overlays/staging/ingress-patch.yaml"],
        extra={
            **k8s_ctx(
                [
                    *[running_pod(cid, NS, APP, img(cid), salt=str(i)) for i in range(2)],
                    running_pod(
                        cid,
                        "ingress-nginx",
                        "ingress-nginx-controller",
                        "registry.k8s.io/ingress-nginx/controller:v1.12.1",
                        port=443,
                    ),
                ],
                normal_events(cid, NS, APP, 2),
            ),
            "argocd": [
                argo_app(
                    cid,
                    "ingress-nginx",
                    "ingress-nginx",
                    "platform/ingress-nginx",
                    "Synced",
                    "Healthy",
                    [
                        res(
                            "Deployment",
                            "ingress-nginx",
                            "ingress-nginx-controller",
                            "Synced",
                            "Healthy",
                        )
                    ],
                ),
            ],
        },
    )


# ------------------------------------------------------------------ 2. cert-manager


@contextmanager
def fake_cert_server() -> Iterator[int]:
    """A 127.0.0.1 HTTPS server presenting a self-signed certificate named as ingress-nginx's
    default ("Kubernetes Ingress Controller Fake Certificate")."""
    path = real.scratch("b48-fake-cert")
    if not (path / "c.pem").exists():
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "k.pem",
                "-out",
                "c.pem",
                "-days",
                "30",
                "-subj",
                "/O=Acme Co/CN=Kubernetes Ingress Controller Fake Certificate",
            ],
            cwd=path,
            check=True,
            capture_output=True,
        )
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(path / "c.pem"), str(path / "k.pem"))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield int(srv.server_address[1])
    finally:
        srv.shutdown()
        srv.server_close()


def fake_cert_curl(name: str, host: str) -> real.Out:
    with fake_cert_server() as port:
        return real.sh(
            name,
            {},
            f"curl -fsS --resolve {host}:{port}:127.0.0.1 https://{host}:{port}/healthz",
            f"curl -fsS https://{host}/healthz",
        )


def certs() -> None:
    at(WEB)
    host = "pr-412.preview.5dlabs.dev"
    out = fake_cert_curl("b48-fake-cert-curl", host)
    assert out.code == 60, out.lines
    cm = "quay.io/jetstack/cert-manager-controller:v1.16.2"

    cid = "fr-zv-preview-tls-cert-manager-down"
    ci(
        cid,
        "the preview check fails `curl: (60) SSL certificate problem: self-signed certificate`: "
        "ingress-nginx serves its fake certificate because the preview's Certificate was never "
        "issued; cert-manager's controller crashloops in `cert-manager` on its leader-election "
        "lease and `CertManagerAbsent` fires; the change touches only components",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="preview",
        job="preview-check",
        repo=WEB,
        steps=[*checkout(WEB), failing(out, name="Check preview", seconds=6)],
        message="feat(console): empty state for the runs table",
        files=["src/components/RunsTable.tsx", "src/components/EmptyState.tsx"],
        pr=pr_of(cid, "feat(console): empty state for the runs table"),
        extra={
            **k8s_ctx(
                [
                    running_pod(
                        cid, "console-pr-412", "console-web", img(cid, "console"), port=3000
                    ),
                    crashloop(cid, "cert-manager", "cert-manager", cm, exit_code=1, port=9402),
                ],
                [
                    ev(
                        "console-pr-412",
                        "Certificate",
                        "console-web-tls",
                        "Issuing",
                        "Issuing certificate as Secret does not exist",
                        cid,
                        type_="Normal",
                        component="cert-manager-certificates-trigger",
                    ),
                ],
                loki=[
                    'E1130 08:12:31.118410       1 leaderelection.go:436] "error retrieving '
                    'resource lock" err="leases.coordination.k8s.io \\"cert-manager-controller\\" '
                    'is forbidden: User \\"system:serviceaccount:cert-manager:cert-manager\\" cannot '
                    'get resource \\"leases\\" in API group \\"coordination.k8s.io\\" in the '
                    'namespace \\"kube-system\\"" logger="cert-manager.controller"',
                    'E1130 08:12:46.120033       1 main.go:52] "error executing command" '
                    'err="leader election lost" logger="cert-manager"',
                ],
            ),
            "prometheus": prom_alert(
                "CertManagerAbsent", {"namespace": "cert-manager", "severity": "critical"}
            ),
        },
    )

    cid = "fr-zv-preview-tls-issuer-typo"
    ci(
        cid,
        "the preview check fails `curl: (60) SSL certificate problem: self-signed certificate`: "
        'cert-manager is Running and reports `Referenced "ClusterIssuer" not found: '
        'clusterissuer.cert-manager.io "letsencrypt-prd" not found` for the Certificate the '
        "change's chart annotation asks for",
        ["context-driven", "look-alike"],
        "bolt",
        "helm",
        workflow="preview",
        job="preview-check",
        repo=WEB,
        steps=[*checkout(WEB), failing(out, name="Check preview", seconds=6)],
        message="chart(console): issue preview certificates from the production issuer",
        files=["charts/console/templates/ingress.yaml", "charts/console/values-preview.yaml"],
        pr=pr_of(cid, "chart(console): issue preview certificates from the production issuer"),
        extra=k8s_ctx(
            [
                running_pod(cid, "console-pr-412", "console-web", img(cid, "console"), port=3000),
                running_pod(cid, "cert-manager", "cert-manager", cm, port=9402),
            ],
            [
                ev(
                    "console-pr-412",
                    "CertificateRequest",
                    "console-web-tls-1",
                    "IssuerNotFound",
                    'Referenced "ClusterIssuer" not found: clusterissuer.cert-manager.io '
                    '"letsencrypt-prd" not found',
                    cid,
                    count=6,
                    component="cert-manager-certificaterequests-issuer-acme",
                ),
            ],
        ),
    )


# ------------------------------------------------------------------ 3. DNS

PREVIEW_TEST = """import { describe, expect, it } from "vitest";

describe("preview environment", () => {
  it("serves the console", async () => {
    const res = await fetch("https://pr-417.preview.5dlabs.dev/");
    expect(res.status).toBe(200);
  });
});
"""

DB_LOOKUP = """use std::net::TcpStream;
use std::time::Duration;

fn main() {
    let host = std::env::var("PGHOST").unwrap_or("localhost".into());
    let addr = format!("{host}:5432");
    match TcpStream::connect(&addr) {
        Ok(s) => { s.set_read_timeout(Some(Duration::from_secs(5))).unwrap(); }
        Err(e) => {
            eprintln!("Error: database {addr} unreachable: {e}");
            std::process::exit(1);
        }
    }
}
"""


def dns() -> None:
    at(WEB)
    out = real.vitest("b48-preview-enotfound", {"e2e/preview.test.js": PREVIEW_TEST})
    assert out.code and "ENOTFOUND" in "\n".join(out.lines), out.lines
    edns = "registry.k8s.io/external-dns/external-dns:v0.15.1"

    cid = "fr-zv-preview-enotfound-external-dns-403"
    ci(
        cid,
        "the preview e2e fails `getaddrinfo ENOTFOUND pr-417.preview.5dlabs.dev`; the Ingress "
        "is there with an address, but external-dns in `external-dns` is refused by the DNS "
        "provider's API (`Authentication error`, the platform's token expired) and creates no "
        "record; the change is a component",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="preview",
        job="preview-e2e",
        repo=WEB,
        steps=[
            *checkout(WEB),
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="E2E against the preview"),
        ],
        message="feat(console): keyboard shortcuts for the run list",
        files=["src/hooks/useShortcuts.ts", "src/pages/Runs.tsx"],
        pr=pr_of(cid, "feat(console): keyboard shortcuts for the run list"),
        extra={
            **k8s_ctx(
                [
                    running_pod(
                        cid, "console-pr-417", "console-web", img(cid, "console"), port=3000
                    ),
                    running_pod(cid, "external-dns", "external-dns", edns, port=7979),
                ],
                normal_events(cid, "console-pr-417", "console-web", 1),
                loki=[
                    'time="2026-11-30T08:12:31Z" level=error msg="failed to list zones: '
                    'Authentication error (10000)"',
                    'time="2026-11-30T08:13:31Z" level=error msg="Failed to do run once: '
                    'Authentication error (10000)"',
                ],
            ),
            "prometheus": {
                **prom_alert(
                    "ExternalDNSRegistryErrors",
                    {"namespace": "external-dns", "severity": "warning"},
                ),
                "external_dns_controller_last_sync_timestamp_seconds": [
                    series({"namespace": "external-dns"}, [1796021100] * 5)
                ],
            },
        },
    )

    cid = "fr-zv-preview-enotfound-ingress-class"
    ci(
        cid,
        "the preview e2e fails `getaddrinfo ENOTFOUND pr-417.preview.5dlabs.dev`; external-dns "
        "is healthy and syncing other hosts, but the change's chart moved the preview Ingress "
        "to `ingressClassName: nginx-internal`, a class neither external-dns (`--ingress-class="
        "nginx`) nor any controller serves",
        ["context-driven", "look-alike"],
        "bolt",
        "helm",
        workflow="preview",
        job="preview-e2e",
        repo=WEB,
        steps=[
            *checkout(WEB),
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="E2E against the preview"),
        ],
        message="chart(console): separate ingress class for previews",
        files=["charts/console/templates/ingress.yaml", "charts/console/values-preview.yaml"],
        pr=pr_of(cid, "chart(console): separate ingress class for previews"),
        extra=k8s_ctx(
            [
                running_pod(cid, "console-pr-417", "console-web", img(cid, "console"), port=3000),
                running_pod(cid, "external-dns", "external-dns", edns, port=7979),
            ],
            normal_events(cid, "console-pr-417", "console-web", 1),
            loki=[
                'time="2026-11-30T08:12:31Z" level=info msg="All records are already up to date"',
                'I1130 08:12:33.402117       7 store.go:436] "Ignoring ingress because of error '
                'while validating ingress class" ingress="console-pr-417/console-web" '
                'error="no object matching key \\"nginx-internal\\" in local store"',
            ],
        ),
    )

    at(REPO)

    def lookup_step(host: str, salt: str) -> Step:
        lines = rust_crash(
            "b48-db-lookup-" + salt,
            {"src/main.rs": DB_LOOKUP},
            env={"PGHOST": host},
        )
        return run(
            "./target/release/healer-api migrate --check",
            lines,
            1,
            name="Check database reachability",
            env={"PGHOST": host},
            seconds=12,
        )

    good = "pg-shared-rw.databases.svc.cluster.local"
    typo = "pg-shared-rw.databses.svc.cluster.local"
    coredns = "docker.io/rancher/mirrored-coredns-coredns:1.11.3"

    cid = "fr-zv-db-lookup-coredns-upstream"
    ci(
        cid,
        "an in-cluster runner's check of the shared database fails to resolve the correctly "
        "spelt `pg-shared-rw.databases.svc.cluster.local`: CoreDNS in kube-system cannot list "
        "Services or EndpointSlices (`Unauthorized`) and answers NXDOMAIN for cluster names, "
        "`CoreDNSErrorsHigh` fires; the change is a test",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="integration",
        job="db-check",
        branch="main",
        self_hosted=True,
        steps=[*checkout(), *rust_setup(), lookup_step(good, "good")],
        message="test(api): cover empty run pages",
        files=["crates/healer-api/tests/runs.rs"],
        extra={
            **k8s_ctx(
                [
                    running_pod(cid, "kube-system", "coredns", coredns, port=53, salt=str(i))
                    for i in range(2)
                ],
                [],
                loki=[
                    "[ERROR] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.31.2/tools/cache/"
                    "reflector.go:243: Failed to watch *v1.EndpointSlice: failed to list "
                    "*v1.EndpointSlice: Unauthorized",
                    "[ERROR] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.31.2/tools/cache/"
                    "reflector.go:243: Failed to watch *v1.Service: failed to list *v1.Service: "
                    "Unauthorized",
                    f'[INFO] 10.42.3.9:41822 - 2207 "A IN {good}. udp 58 false 512" NXDOMAIN '
                    "qr,aa,rd 151 0.000122s",
                ],
            ),
            "prometheus": prom_alert(
                "CoreDNSErrorsHigh", {"namespace": "kube-system", "severity": "critical"}
            ),
        },
    )

    cid = "fr-zv-db-lookup-chart-namespace-typo"
    ci(
        cid,
        "the job's database check, whose PGHOST comes from the chart's staging values, fails to "
        "resolve `pg-shared-rw.databses.svc.cluster.local`: CoreDNS answers NXDOMAIN because "
        "the change's values spell the namespace `databses`; the shared Postgres in "
        "`databases` is healthy",
        ["context-driven", "look-alike"],
        "bolt",
        "helm",
        workflow="integration",
        job="db-check",
        branch="main",
        self_hosted=True,
        steps=[*checkout(), *rust_setup(), lookup_step(typo, "typo")],
        message="chart(healer): point at the shared Postgres",
        files=["charts/healer/values-staging.yaml"],
        extra={
            **k8s_ctx(
                [
                    running_pod(cid, "kube-system", "coredns", coredns, port=53),
                    running_pod(
                        cid,
                        "databases",
                        "pg-shared",
                        "ghcr.io/cloudnative-pg/postgresql:16.4",
                        port=5432,
                    ),
                ],
                [],
                loki=[
                    '[INFO] 10.42.1.17:51234 - 4411 "A IN pg-shared-rw.databses.svc.cluster.local. '
                    'udp 57 false 512" NXDOMAIN qr,aa,rd 150 0.000141s',
                ],
            ),
        },
    )


# ------------------------------------------------------------------ 4. the shared database


def migrate_timeout() -> Step:
    return run(
        "sqlx migrate run --source crates/healer-api/migrations",
        ["error: pool timed out while waiting for an open connection"],
        1,
        name="Run migrations",
        env={"DATABASE_URL": "***"},
        seconds=31,
    )


def database() -> None:
    at(REPO)
    pg = "ghcr.io/cloudnative-pg/postgresql:16.4"

    cid = "fr-zv-migrate-pool-timeout-pg-wal-full"
    ci(
        cid,
        "the deploy's `sqlx migrate run` fails `pool timed out while waiting for an open "
        "connection`; the shared Postgres in `databases` crashloops with `PANIC: could not write "
        'to file "pg_wal/xlogtemp...": No space left on device` and `PostgresDown` fires; the '
        "change adds only a handler",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="migrate",
        branch="main",
        steps=[*checkout(), *rust_setup(), migrate_timeout()],
        message="feat(api): runs by label",
        files=["crates/healer-api/src/routes/runs.rs"],
        extra={
            **k8s_ctx(
                [crashloop(cid, "databases", "pg-shared", pg, exit_code=1, port=5432)],
                [],
                loki=[
                    "2026-11-30 08:12:31.118 UTC [27] PANIC:  could not write to file "
                    '"pg_wal/xlogtemp.27": No space left on device',
                    "2026-11-30 08:12:31.402 UTC [1] LOG:  startup process (PID 27) was "
                    "terminated by signal 6: Aborted",
                ],
            ),
            "prometheus": {
                **prom_alert("PostgresDown", {"namespace": "databases", "cluster": "pg-shared"}),
                'kubelet_volume_stats_available_bytes{namespace="databases"}': [
                    series(
                        {"namespace": "databases", "persistentvolumeclaim": "pg-shared-1-wal"},
                        [41e6, 9e6, 1e6, 0, 0],
                    )
                ],
            },
        },
    )

    cid = "fr-zv-rollout-too-many-clients-pool"
    ci(
        cid,
        "healer-api's rollout runs out; the new pods crashloop on `FATAL: sorry, too many "
        "clients already` from the shared Postgres, which is healthy: the change raised the "
        "sqlx pool's `max_connections` from 10 to 200 per replica, and healer's own sessions "
        "fill the server",
        ["context-driven", "look-alike"],
        "rex",
        "rust_test",
        workflow="deploy-staging",
        job="rollout",
        branch="main",
        steps=[*kube_setup(), deploy_rollout("b48-rollout-pool", NS, APP)],
        message="perf(api): larger connection pool",
        files=["crates/healer-api/src/db.rs"],
        extra={
            **k8s_ctx(
                [
                    crashloop(cid, NS, APP, img(cid), exit_code=1),
                    running_pod(cid, "databases", "pg-shared", pg, port=5432),
                ],
                [],
                loki=[
                    tracing(
                        cid,
                        "ERROR",
                        "healer_api::db",
                        "failed to open the pool",
                        1,
                        error="error returned from database: sorry, too many clients already",
                    ),
                    "2026-11-30 08:12:31.118 UTC [3817] FATAL:  sorry, too many clients already",
                ],
            ),
            "prometheus": {
                'sum by (datname) (pg_stat_activity_count{namespace="databases"})': [
                    {"metric": {"datname": "healer"}, "value": [1796021400, "398"]},
                    {"metric": {"datname": "billing"}, "value": [1796021400, "12"]},
                ],
            },
        },
    )

    cid = "fr-zv-rollout-pg-auth-externalsecret"
    ci(
        cid,
        'healer-api\'s rollout runs out on `password authentication failed for user "healer"`; '
        "the platform's ExternalSecret `pg-shared-healer` reports `SecretSyncedError` from its "
        "ClusterSecretStore (Vault refuses the store's token) after the database team rotated "
        "the password; the change is Rust-only",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="rollout",
        branch="main",
        steps=[*kube_setup(), deploy_rollout("b48-rollout-auth", NS, APP)],
        message="fix(api): retry transient upstream errors",
        files=["crates/healer-api/src/upstream.rs"],
        extra=k8s_ctx(
            [crashloop(cid, NS, APP, img(cid), exit_code=1)],
            [
                ev(
                    NS,
                    "ExternalSecret",
                    "pg-shared-healer",
                    "UpdateFailed",
                    "error retrieving secret at .data[0], key: database/static-creds/healer, "
                    "err: Error making API request.\n\nURL: GET https://vault.platform.svc:8200/v1/"
                    "database/static-creds/healer\nCode: 403. Errors:\n\n* permission denied",
                    cid,
                    count=18,
                    component="external-secrets",
                ),
            ],
            loki=[
                tracing(
                    cid,
                    "ERROR",
                    "healer_api::db",
                    "failed to open the pool",
                    1,
                    error='error returned from database: password authentication failed for user "healer"',
                ),
            ],
        ),
    )


# ------------------------------------------------------------------ 5. the sidecar injector


def mesh() -> None:
    at(REPO)
    istiod = "docker.io/istio/pilot:1.24.1"

    cid = "fr-zv-rollout-sidecar-webhook-down"
    ci(
        cid,
        "healer-api's rollout runs out with no new pod created: the ReplicaSet's `FailedCreate` "
        'says `failed calling webhook "namespace.sidecar-injector.istio.io"`, istiod '
        "crashloops in `istio-system`, and the change is Rust-only",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="rollout",
        branch="main",
        steps=[*kube_setup(), deploy_rollout("b48-rollout-webhook", NS, APP)],
        message="feat(api): structured error bodies",
        files=["crates/healer-api/src/error.rs"],
        extra=k8s_ctx(
            [
                *[running_pod(cid, NS, APP, img(cid + "old"), salt=str(i)) for i in range(2)],
                crashloop(cid, "istio-system", "istiod", istiod, exit_code=255, port=15017),
            ],
            [
                ev(
                    NS,
                    "ReplicaSet",
                    f"{APP}-{sha(cid)[:10]}",
                    "FailedCreate",
                    "Error creating: Internal error occurred: failed calling webhook "
                    '"namespace.sidecar-injector.istio.io": failed to call webhook: Post '
                    '"https://istiod.istio-system.svc:443/inject?timeout=10s": dial tcp '
                    "10.43.18.7:443: connect: connection refused",
                    cid,
                    count=21,
                    component="replicaset-controller",
                ),
            ],
            loki=[
                "2026-11-30T08:12:31.118410Z\terror\tfailed to start: failed to create "
                "discovery service: error initializing kube client: the server could not find "
                "the requested resource (get telemetries.telemetry.istio.io)",
            ],
        ),
    )

    cid = "fr-zv-rollout-sidecar-oom-chart"
    name = f"{APP}-{sha(cid)[:9]}-{sha(cid + 'c')[:5]}"
    ci(
        cid,
        "healer-api's rollout runs out; the new pods' `istio-proxy` container is OOMKilled "
        "again and again while the app container runs: the change's chart added the pod "
        "annotation `sidecar.istio.io/proxyMemoryLimit: 32Mi`; istiod is healthy",
        ["context-driven", "look-alike"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="rollout",
        branch="main",
        steps=[*kube_setup(), deploy_rollout("b48-rollout-webhook", NS, APP)],
        message="chart(healer): trim sidecar resources",
        files=["charts/healer/templates/deployment.yaml", "charts/healer/values.yaml"],
        extra=k8s_ctx(
            [
                crashloop(
                    cid,
                    NS,
                    APP,
                    "docker.io/istio/proxyv2:1.24.1",
                    exit_code=137,
                    reason="OOMKilled",
                    container="istio-proxy",
                    memory_limit="32Mi",
                ),
                running_pod(cid, "istio-system", "istiod", istiod, port=15017),
            ],
            [
                ev(
                    NS,
                    "Pod",
                    name,
                    "BackOff",
                    f"Back-off restarting failed container istio-proxy in pod {name}_{NS}",
                    cid,
                    count=15,
                ),
            ],
        ),
    )


# ------------------------------------------------------------------ 6. the cluster autoscaler


def autoscaler() -> None:
    at(REPO)
    ca = "registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.1"

    def pending(cid: str) -> list[dict[str, Any]]:
        return [
            running_pod(
                cid,
                NS,
                "healer-worker",
                img(cid),
                salt=str(i),
                ready=False,
                phase="Pending",
                scheduled=False,
                pending_message="0/4 nodes are available: 4 Insufficient cpu. preemption: 0/4 "
                "nodes are available: 4 No preemption victims found for incoming pod.",
            )
            for i in range(2)
        ]

    cid = "fr-zv-helm-wait-autoscaler-cloud-403"
    ci(
        cid,
        "`helm upgrade --wait` runs out with healer-worker's pods Pending on `Insufficient cpu`; "
        "the requests are unchanged (the change is Rust-only) and cluster-autoscaler's scale-ups "
        "fail: its cloud calls are refused with `UnauthorizedOperation`, the platform's node "
        "role lost a permission",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="helm",
        branch="main",
        steps=[*checkout(), *_helm_setup(), helm_wait_fail("healer", "charts/healer", NS)],
        message="feat(worker): batch log uploads",
        files=["crates/healer-worker/src/upload.rs"],
        extra={
            **k8s_ctx(
                [
                    *pending(cid),
                    running_pod(cid, "kube-system", "cluster-autoscaler", ca, port=8085),
                ],
                [
                    ev(
                        NS,
                        "Pod",
                        f"healer-worker-{sha(cid)[:9]}-{sha(cid + '0')[:5]}",
                        "TriggeredScaleUp",
                        "pod triggered scale-up: [{general-purpose 3->4 (max: 8)}]",
                        cid,
                        type_="Normal",
                        component="cluster-autoscaler",
                    ),
                    ev(
                        "kube-system",
                        "ConfigMap",
                        "cluster-autoscaler-status",
                        "FailedToScaleUpGroup",
                        "Scale-up failed for group general-purpose: UnauthorizedOperation: You "
                        "are not authorized to perform this operation.",
                        cid,
                        count=7,
                        component="cluster-autoscaler",
                    ),
                ],
            ),
            "prometheus": prom_alert(
                "ClusterAutoscalerFailedScaleUp",
                {"namespace": "kube-system", "node_group": "general-purpose"},
            ),
        },
    )

    cid = "fr-zv-helm-wait-requests-exceed-nodes"
    ci(
        cid,
        "`helm upgrade --wait` runs out with healer-worker's pods Pending on `Insufficient cpu`; "
        "cluster-autoscaler is healthy and says `NotTriggerScaleUp: pod didn't trigger scale-up: "
        "1 Insufficient cpu` for every group: the change's chart values raised the worker's "
        "CPU request to 24 cores, more than any node type has",
        ["context-driven", "look-alike"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="helm",
        branch="main",
        steps=[*checkout(), *_helm_setup(), helm_wait_fail("healer", "charts/healer", NS)],
        message="chart(healer): give the worker room for large repos",
        files=["charts/healer/values-staging.yaml"],
        extra=k8s_ctx(
            [*pending(cid), running_pod(cid, "kube-system", "cluster-autoscaler", ca, port=8085)],
            [
                ev(
                    NS,
                    "Pod",
                    f"healer-worker-{sha(cid)[:9]}-{sha(cid + '0')[:5]}",
                    "NotTriggerScaleUp",
                    "pod didn't trigger scale-up: 2 Insufficient cpu",
                    cid,
                    type_="Normal",
                    count=30,
                    component="cluster-autoscaler",
                ),
            ],
        ),
    )


# ------------------------------------------------------------------ 7. third-party services

PAY_CLIENT = """
export async function createSession() {
  return { status: %d, body: %s };
}
"""

PAY_TEST = """import { describe, expect, it } from "vitest";
import { createSession } from "./paygate.js";

describe("checkout (sandbox)", () => {
  it("creates a checkout session", async () => {
    const res = await createSession();
    expect(res.status).toBe(200);
  });
});
"""


def npm_against(name: str, status: int, body: str, dep: str) -> real.Out:
    with real.serve((status, body, "application/json")) as port:
        return real.sh(
            name,
            {"package.json": '{"name":"console","version":"0.9.0","dependencies":{' + dep + "}}"},
            f"npm install --no-audit --no-fund --fetch-retries=0 "
            f"--registry http://127.0.0.1:{port}/",
            "npm install --no-audit --no-fund",
            hosts={f"http://127.0.0.1:{port}": "https://npm.internal.5dlabs.ai"},
            timeout=120,
        )


def third_party() -> None:
    at(WEB)
    down = real.vitest(
        "b48-paygate-503",
        {
            "e2e/paygate.js": PAY_CLIENT
            % (
                503,
                '"{\\"error\\":{\\"type\\":\\"api_error\\",\\"message\\":\\"Service '
                'temporarily unavailable\\"}}"',
            ),
            "e2e/checkout.test.js": PAY_TEST,
        },
    )
    cid = "fr-zv-sandbox-503-provider-outage"
    ci(
        cid,
        "the checkout e2e against the payment provider's sandbox gets 503 `Service temporarily "
        "unavailable`; `ExternalDependencyDown` fires for `sandbox.paygate.io` and the billing "
        "service's Loki lines show the same 503s; the change is CSS-only",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="e2e",
        job="checkout-e2e",
        repo=WEB,
        steps=[*checkout(WEB), *node_setup(), npm_ci_ok(), failing(down, name="E2E (sandbox)")],
        message="style(console): tighter checkout spacing",
        files=["src/styles/checkout.css"],
        extra={
            "loki": [
                tracing(
                    cid,
                    "WARN",
                    "billing::paygate",
                    "provider call failed",
                    k,
                    status=503,
                    host="sandbox.paygate.io",
                )
                for k in range(3)
            ],
            "prometheus": prom_alert(
                "ExternalDependencyDown",
                {"dependency": "sandbox.paygate.io", "severity": "warning"},
            ),
        },
    )

    wrong = real.vitest(
        "b48-paygate-404",
        {
            "e2e/paygate.js": PAY_CLIENT
            % (
                404,
                '"{\\"error\\":{\\"type\\":\\"invalid_request_error\\",\\"message\\":'
                '\\"Unrecognized request URL (POST: /v1/checkout/session)\\"}}"',
            ),
            "e2e/checkout.test.js": PAY_TEST,
        },
    )
    cid = "fr-zv-sandbox-404-client-path"
    ci(
        cid,
        "the checkout e2e against the payment provider's sandbox gets 404 `Unrecognized request "
        "URL (POST: /v1/checkout/session)`: the change's client drops the trailing `s` of "
        "`/v1/checkout/sessions`; the provider and other callers are fine",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="e2e",
        job="checkout-e2e",
        repo=WEB,
        steps=[*checkout(WEB), *node_setup(), npm_ci_ok(), failing(wrong, name="E2E (sandbox)")],
        message="refactor(console): one paygate client",
        files=["src/lib/paygate.ts", "e2e/paygate.js"],
    )

    proxy_down = npm_against(
        "b48-npm-proxy-502", 502, "<html>502 Bad Gateway</html>", '"@5dlabs/ui-kit":"^3.2.0"'
    )
    assert proxy_down.code, proxy_down.lines
    cid = "fr-zv-npm-proxy-502-registry-crash"
    ci(
        cid,
        "`npm install` gets E502 from the organisation's shared npm proxy; its Verdaccio pods "
        "in `registry` crashloop on a full storage volume; the change only edits a component",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        workflow="ci",
        job="build",
        repo=WEB,
        steps=[*checkout(WEB), *node_setup(), failing(proxy_down, name="Install")],
        message="feat(console): copy run id",
        files=["src/components/RunHeader.tsx"],
        extra=k8s_ctx(
            [
                crashloop(
                    cid, "registry", "verdaccio", "docker.io/verdaccio/verdaccio:6.0.5", port=4873
                )
            ],
            [],
            loki=[
                " fatal--- uncaught error: ENOSPC: no space left on device, write",
            ],
        ),
    )

    missing = npm_against(
        "b48-npm-proxy-404",
        404,
        '{"error":"not found"}',
        '"@5dlabs/ui-kit":"^4.0.0"',
    )
    assert missing.code, missing.lines
    cid = "fr-zv-npm-proxy-404-unpublished"
    ci(
        cid,
        "`npm install` gets E404 for `@5dlabs/ui-kit` from the shared npm proxy, which is "
        "healthy: the change's package.json asks for `^4.0.0`, a major never published",
        ["look-alike"],
        "blaze",
        "frontend_deps",
        workflow="ci",
        job="build",
        repo=WEB,
        steps=[*checkout(WEB), *node_setup(), failing(missing, name="Install")],
        message="deps(console): ui-kit 4",
        files=["package.json"],
        extra=k8s_ctx(
            [
                running_pod(
                    cid, "registry", "verdaccio", "docker.io/verdaccio/verdaccio:6.0.5", port=4873
                )
            ],
            [],
        ),
    )

    at(REPO)
    with real.serve((500, "Internal Server Error")) as port:
        gh = real.sh(
            "b48-git-500",
            {},
            f"git init -q . && git fetch --tags http://127.0.0.1:{port}/5dlabs/healer.git main",
            "git fetch --tags origin main",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert gh.code, gh.lines
    cid = "fr-zv-release-git-fetch-github-500"
    ci(
        cid,
        "the release job's `git fetch --tags` gets HTTP 500 from github.com; nothing in the "
        "repository changed how it fetches: GitHub's own error",
        ["platform"],
        "atlas",
        "general",
        workflow="release",
        job="changelog",
        branch="main",
        steps=[*checkout(), failing(gh, name="Fetch tags")],
        message="chore(release): 0.14.2",
        files=["CHANGELOG.md", "Cargo.toml"],
    )


# ------------------------------------------------------------------ 8. plain


def plain() -> None:
    at(REPO)
    out = rust_build(
        "b48-e0308",
        {
            "src/main.rs": (
                "fn pool_size(replicas: u32) -> u32 {\n    replicas as usize * 4\n}\n\n"
                'fn main() {\n    println!("{}", pool_size(3));\n}\n'
            )
        },
    )
    assert out.code and "E0308" in "\n".join(out.lines), out.lines
    cid = "fr-zv-plain-cargo-e0308"
    ci(
        cid,
        "cargo build fails E0308 (`usize` returned where `u32` is declared) in the change's code",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        steps=[*checkout(), *rust_setup(), failing(out, name="cargo build")],
        message="feat(api): pool size from replicas",
        files=["crates/healer-api/src/main.rs"],
    )

    at(WEB)
    ts = real.tsc(
        "b48-ts2345",
        {
            "src/dns.ts": (
                "export function previewHost(pr: number): string {\n"
                "  return `pr-${pr}.preview.5dlabs.dev`;\n}\n\n"
                'export const HOST = previewHost("417");\n'
            )
        },
    )
    assert ts.code and "TS2345" in "\n".join(ts.lines), ts.lines
    cid = "fr-zv-plain-tsc-ts2345"
    ci(
        cid,
        "tsc fails TS2345 (a string passed as the preview's PR number) in the change's code",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="typecheck",
        repo=WEB,
        steps=[*checkout(WEB), *node_setup(), npm_ci_ok(), failing(ts, name="Typecheck")],
        message="feat(console): preview host helper",
        files=["src/dns.ts"],
    )

    at(REPO)
    yl = real.yamllint(
        "b48-yamllint",
        {
            "charts/healer/values.yaml": (
                "ingress:\n  enabled: true\n  className: nginx\n  annotations:\n"
                "    cert-manager.io/cluster-issuer: letsencrypt-prod\n"
                "  hosts:\n    - host: staging.5dlabs.ai\n     paths: [/]\n"
            )
        },
        ["charts/healer/values.yaml"],
    )
    assert yl.code, yl.lines
    cid = "fr-zv-plain-yamllint-values"
    ci(
        cid,
        "yamllint fails with a syntax error in the change's chart values (a mis-indented "
        "`paths` key under the ingress hosts)",
        ["obvious"],
        "bolt",
        "yaml_config",
        workflow="lint",
        job="yamllint",
        steps=[*checkout(), failing(yl, name="yamllint")],
        message="chart(healer): ingress hosts",
        files=["charts/healer/values.yaml"],
    )

    al = real.actionlint(
        "b48-actionlint",
        {
            "deploy.yml": (
                "name: deploy\non: push\njobs:\n  smoke:\n    runs-on: ubuntu-latest\n"
                "    timeout-minutes: ten\n    steps:\n      - run: curl -fsS "
                "https://staging.5dlabs.ai/api/health\n"
            )
        },
    )
    assert al.code, al.lines
    cid = "fr-zv-plain-actionlint"
    ci(
        cid,
        "actionlint fails on the change's workflow: `timeout-minutes: ten` is not a number",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="actionlint",
        steps=[*checkout(), failing(al, name="actionlint")],
        message="ci: smoke job timeout",
        files=[".github/workflows/deploy.yml"],
    )
