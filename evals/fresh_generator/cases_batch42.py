"""Batch 42 of the fresh split (ids ``fr-zp-``): Helm, Argo CD and kubectl look-alikes decided
by the log alone. The same deploy tool fails; whether the chart, the manifests or the
platform around them is at fault is in the tool's own message, with no cluster context or
only healthy context.

- Helm charts: ``helm template`` failing on a values file that turned ``image`` into a string
  (bolt) vs a template whose action is not closed (bolt); ``helm dependency build`` failing
  because the chart repository answered 503 (atlas) vs ``helm dependency update`` asking for
  a postgresql chart version that was never published (bolt); ``helm lint`` rejecting values
  against the chart's ``values.schema.json`` (bolt);
- Argo CD CLI: ``argocd app sync`` failing because the CI account's token expired (atlas) or
  because the Argo CD server could not be reached (atlas) vs a sync whose apply the API
  server refused for an invalid container port (bolt) or a ServiceMonitor whose CRD the
  destination cluster lacks (bolt); ``argocd app wait`` timing out on a Degraded app whose
  pods' Loki lines show a Rust panic (rex, context only);
- ``kubectl apply --dry-run=server``: the API server refusing connections (atlas) or asking
  for credentials (atlas), both run here for real, vs a strict-decoding unknown field (bolt)
  and a selector that does not match the template labels (bolt);
- kubeconform: a ServiceMonitor the change added with no schema in kubeconform's catalogue,
  to be fixed in the chart's validation config (bolt), vs every schema download timing out
  (atlas) vs a real schema error, replicas as a string (bolt);
- kustomize (``kubectl kustomize``, run here): a remote base whose git fetch timed out
  (atlas) vs a strategic-merge patch whose target does not exist (bolt) vs a JSON6902 patch
  on a missing path (bolt);
- Helm hooks: a post-upgrade migration Job whose container ran the Rust migration binary and
  panicked, the hook's log printed by the step (rex), vs a hook whose image tag does not exist
  (bolt);
- plain cases: a template parse error, a selector mismatch, kubeconform's replicas type, a
  JSON6902 missing path, yamllint's indentation in a manifest and a cargo build error in the
  migration crate under a ``deploy`` workflow.

Cases tagged ``obvious``: the six plain cases.
"""

from __future__ import annotations

import json
import re

import real
import shapes
from fcommon import at, ci, failing, rust_setup, sha
from gha import run, uses
from helpers import clock, crashing, kube_setup, silent_server  # noqa: F401

REPO = "5dlabs/healer"
CHART = "charts/healer-api"


def build() -> None:
    at(REPO)
    helm_charts()
    argocd()
    dry_runs()
    kubeconform()
    kustomize()
    hooks()
    plain()


def rust_bin(cid: str, pkg: str, source: str) -> real.Out:
    """Build and run a small Rust binary named ``pkg``; its output is what the pod logs."""
    path = real.crate(cid, {"Cargo.toml": real.cargo_toml(pkg), "src/main.rs": source})
    build, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    if code:
        raise RuntimeError("\n".join(build))
    lines, code = real.run([str(path / "target" / "release" / pkg)], path)
    return real.Out(f"/usr/local/bin/{pkg}", lines, code)


def helm_setup() -> list:
    return [
        uses(
            "azure/setup-helm@v4",
            {"version": "v3.16.3"},
            [
                "Downloading https://get.helm.sh/helm-v3.16.3-linux-amd64.tar.gz",
                "Helm tool version 'v3.16.3' has been cached at /opt/hostedtoolcache/helm/3.16.3/x64/linux-amd64/helm",
            ],
        )
    ]


def argocd_setup() -> list:
    return [
        run(
            "curl -sSL -o /usr/local/bin/argocd https://github.com/argoproj/argo-cd/releases/"
            "download/v2.13.2/argocd-linux-amd64\nchmod +x /usr/local/bin/argocd",
            [],
            name="Install argocd CLI",
        ),
    ]


ARGO_ENV = {"ARGOCD_SERVER": "argocd.5dlabs.ai", "ARGOCD_AUTH_TOKEN": "***"}


# ------------------------------------------------------------------ 1. Helm charts


def helm_charts() -> None:
    cid = "fr-zp-helm-template-values-string"
    ci(
        cid,
        "`helm template` fails `can't evaluate field repository in type interface {}` at "
        "`.Values.image.repository`: the change set `image:` to a whole reference string in "
        "values-staging.yaml, while the template reads `image.repository` and `image.tag`",
        ["look-alike"],
        "bolt",
        "helm",
        workflow="chart",
        job="render",
        steps=[
            *helm_setup(),
            run(
                f"helm template healer-api {CHART} --values {CHART}/values-staging.yaml > /tmp/rendered.yaml",
                [
                    "Error: template: healer-api/templates/deployment.yaml:38:31: executing "
                    '"healer-api/templates/deployment.yaml" at <.Values.image.repository>: '
                    "can't evaluate field repository in type interface {}",
                    "",
                    "Use --debug flag to render out invalid YAML",
                ],
                1,
                name="helm template (staging)",
            ),
        ],
        message="chore(staging): pin the api image by reference",
        files=[f"{CHART}/values-staging.yaml"],
    )

    cid = "fr-zp-helm-dep-build-503"
    ci(
        cid,
        "`helm dependency build` cannot fetch the bitnami index or the postgresql tarball: "
        "the chart repository answers `503 Service Unavailable`; Chart.yaml and Chart.lock "
        "are unchanged and the change is in the Rust api",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="chart",
        job="package",
        steps=[
            *helm_setup(),
            run(
                "helm repo add bitnami https://charts.bitnami.com/bitnami",
                ['"bitnami" has been added to your repositories'],
                name="Add chart repositories",
            ),
            run(
                f"helm dependency build {CHART}",
                [
                    "Hang tight while we grab the latest from your chart repositories...",
                    '...Unable to get an update from the "bitnami" chart repository '
                    "(https://charts.bitnami.com/bitnami):",
                    "\tfailed to fetch https://charts.bitnami.com/bitnami/index.yaml : "
                    "503 Service Unavailable",
                    "Update Complete. ⎈Happy Helming!⎈",
                    "Saving 1 charts",
                    "Downloading postgresql from repo https://charts.bitnami.com/bitnami",
                    "Save error occurred:  could not download "
                    "https://charts.bitnami.com/bitnami/postgresql-16.2.1.tgz: failed to fetch "
                    "https://charts.bitnami.com/bitnami/postgresql-16.2.1.tgz : "
                    "503 Service Unavailable",
                    "Deleting newly downloaded charts, restoring pre-update state",
                    "Error: could not download "
                    "https://charts.bitnami.com/bitnami/postgresql-16.2.1.tgz: failed to fetch "
                    "https://charts.bitnami.com/bitnami/postgresql-16.2.1.tgz : "
                    "503 Service Unavailable",
                ],
                1,
                name="helm dependency build",
            ),
        ],
        message="feat(api): paginate the runs endpoint",
        files=["crates/healer-api/src/routes/runs.rs"],
    )

    cid = "fr-zp-helm-dep-version-missing"
    ci(
        cid,
        "`helm dependency update` finds no postgresql chart `16.9.4` in the bitnami "
        "repository (whose index it fetched): the change bumped the dependency in Chart.yaml "
        "to a version that was never published",
        ["look-alike"],
        "bolt",
        "helm",
        workflow="chart",
        job="package",
        steps=[
            *helm_setup(),
            run(
                "helm repo add bitnami https://charts.bitnami.com/bitnami",
                ['"bitnami" has been added to your repositories'],
                name="Add chart repositories",
            ),
            run(
                f"helm dependency update {CHART}",
                [
                    "Hang tight while we grab the latest from your chart repositories...",
                    '...Successfully got an update from the "bitnami" chart repository',
                    "Update Complete. ⎈Happy Helming!⎈",
                    'Error: can\'t get a valid version for 1 subchart(s): "postgresql" '
                    '(repository "https://charts.bitnami.com/bitnami", version "16.9.4")',
                ],
                1,
                name="helm dependency update",
            ),
        ],
        message="chore(chart): bump postgresql subchart",
        files=[f"{CHART}/Chart.yaml"],
    )

    cid = "fr-zp-helm-lint-values-schema"
    ci(
        cid,
        "`helm lint` rejects values-prod.yaml against the chart's values.schema.json: "
        '`replicaCount` is the string "3" where the schema wants an integer',
        ["look-alike"],
        "bolt",
        "helm",
        workflow="chart",
        job="lint",
        steps=[
            *helm_setup(),
            run(
                f"helm lint {CHART} --values {CHART}/values-prod.yaml --strict",
                [
                    f"==> Linting {CHART}",
                    "[ERROR] values.yaml: - replicaCount: Invalid type. Expected: integer, "
                    "given: string",
                    "",
                    "[ERROR] templates/: values don't meet the specifications of the schema(s) "
                    "in the following chart(s):",
                    "healer-api:",
                    "- replicaCount: Invalid type. Expected: integer, given: string",
                    "",
                    "",
                    "Error: 1 chart(s) linted, 1 chart(s) failed",
                ],
                1,
                name="helm lint",
            ),
        ],
        message="chore(prod): three api replicas",
        files=[f"{CHART}/values-prod.yaml"],
    )


# ------------------------------------------------------------------ 2. Argo CD


def _healthy_app(name: str, path: str) -> dict:
    return shapes.argo_application(
        name, "healer", REPO, path, sha(name + "rev"), "Synced", "Healthy"
    )


def argocd() -> None:
    cid = "fr-zp-argocd-token-expired"
    ci(
        cid,
        "`argocd app sync` fails `Unauthenticated desc = invalid session: token has invalid "
        "claims: token is expired`: the CI account's Argo CD token expired; the app is Synced "
        "and Healthy and the manifests did not change",
        ["look-alike"],
        "atlas",
        "permissions",
        workflow="deploy",
        job="sync-staging",
        steps=[
            *argocd_setup(),
            run(
                "argocd app sync healer-api --grpc-web --timeout 300",
                [
                    shapes.logrus_fatal(
                        "2026-11-02T12:00:04Z",
                        "rpc error: code = Unauthenticated desc = invalid session: token has "
                        "invalid claims: token is expired",
                    )
                ],
                20,
                name="Sync Argo CD app",
                env=ARGO_ENV,
            ),
        ],
        message="feat(api): expose run durations",
        files=["crates/healer-api/src/routes/runs.rs"],
        extra={"argocd": [_healthy_app("healer-api", "gitops/healer-api/overlays/staging")]},
    )

    cid = "fr-zp-argocd-server-unreachable"
    ci(
        cid,
        "`argocd app sync` cannot dial the Argo CD server (`dial tcp 203.0.113.14:443: i/o "
        "timeout`, gRPC Unavailable); no sync ran and the manifests are unchanged",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="deploy",
        job="sync-staging",
        steps=[
            *argocd_setup(),
            run(
                "argocd app sync healer-api --grpc-web --timeout 300",
                [
                    shapes.logrus_fatal(
                        "2026-11-02T12:00:34Z",
                        "rpc error: code = Unavailable desc = connection error: desc = "
                        '\\"transport: Error while dialing: dial tcp 203.0.113.14:443: '
                        'i/o timeout\\"',
                    )
                ],
                20,
                name="Sync Argo CD app",
                env=ARGO_ENV,
            ),
        ],
        message="fix(worker): retry webhook deliveries once",
        files=["crates/healer-worker/src/deliver.rs"],
    )

    cid = "fr-zp-argocd-sync-invalid-port"
    rev = sha(cid)
    msg = (
        'one or more objects failed to apply, reason: Deployment.apps "healer-api" is invalid: '
        "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 80800: must "
        "be between 1 and 65535, inclusive"
    )
    ci(
        cid,
        "`argocd app sync` ends Failed: the API server refused the Deployment, "
        "`containerPort: Invalid value: 80800`; the change edited the overlay's port",
        ["look-alike"],
        "bolt",
        "argocd_sync",
        workflow="deploy",
        job="sync-staging",
        steps=[
            *argocd_setup(),
            run(
                "argocd app sync healer-api --grpc-web --timeout 300",
                [
                    *shapes.argocd_summary(
                        "healer-api",
                        "platform",
                        "healer",
                        REPO,
                        "gitops/healer-api/overlays/staging",
                        rev,
                        "OutOfSync",
                        "Healthy",
                        phase="Failed",
                        message=msg,
                        resources=[
                            (
                                "",
                                "Service",
                                "healer",
                                "healer-api",
                                "Synced",
                                "Healthy",
                                "",
                                "service/healer-api unchanged",
                            ),
                            (
                                "apps",
                                "Deployment",
                                "healer",
                                "healer-api",
                                "OutOfSync",
                                "Healthy",
                                "",
                                msg.split("reason: ", 1)[1],
                            ),
                        ],
                    ),
                    shapes.logrus_fatal(
                        "2026-11-02T12:00:04Z", "Operation has completed with phase: Failed"
                    ),
                ],
                20,
                name="Sync Argo CD app",
                env=ARGO_ENV,
            ),
        ],
        message="chore(staging): serve the api on 80800",
        files=["gitops/healer-api/overlays/staging/deployment-patch.yaml"],
    )

    cid = "fr-zp-argocd-sync-crd-missing"
    rev = sha(cid)
    msg = "one or more synchronization tasks are not valid (retried 2 times)."
    crd = (
        "The Kubernetes API could not find monitoring.coreos.com/ServiceMonitor for requested "
        'resource healer/healer-api. Make sure the "ServiceMonitor" CRD is installed on the '
        "destination cluster."
    )
    ci(
        cid,
        "`argocd app sync` fails: `could not find monitoring.coreos.com/ServiceMonitor` on the "
        "destination; the change added a ServiceMonitor to the app while the cluster has no "
        "Prometheus Operator CRDs",
        ["look-alike"],
        "bolt",
        "argocd_sync",
        workflow="deploy",
        job="sync-staging",
        steps=[
            *argocd_setup(),
            run(
                "argocd app sync healer-api --grpc-web --timeout 300",
                [
                    *shapes.argocd_summary(
                        "healer-api",
                        "platform",
                        "healer",
                        REPO,
                        "gitops/healer-api/overlays/staging",
                        rev,
                        "OutOfSync",
                        "Healthy",
                        phase="Failed",
                        message=msg,
                        resources=[
                            (
                                "monitoring.coreos.com",
                                "ServiceMonitor",
                                "healer",
                                "healer-api",
                                "OutOfSync",
                                "",
                                "",
                                crd,
                            ),
                        ],
                    ),
                    shapes.logrus_fatal(
                        "2026-11-02T12:00:04Z", "Operation has completed with phase: Failed"
                    ),
                ],
                20,
                name="Sync Argo CD app",
                env=ARGO_ENV,
            ),
        ],
        message="feat(observability): scrape healer-api",
        files=[
            "gitops/healer-api/base/servicemonitor.yaml",
            "gitops/healer-api/base/kustomization.yaml",
        ],
    )

    # argocd app wait times out on Degraded; the pods' Loki lines show a Rust panic.
    cid = "fr-zp-argocd-wait-degraded-panic"
    out = rust_bin(
        cid,
        "healer-api",
        """use std::collections::HashMap;
fn main() {
    let cfg: HashMap<&str, &str> = [("listen", "0.0.0.0:8080")].into_iter().collect();
    eprintln!("INFO healer_api: starting");
    let url = cfg.get("database_url").expect("database_url must be set in config.toml");
    println!("{url}");
}
""",
    )
    assert out.code, out.lines
    rev = sha(cid)
    ctx = crashing(cid, "healer", "healer-api", "ghcr.io/5dlabs/healer-api:0.42.0", 101, out.lines)
    ctx["argocd"] = [
        shapes.argo_application(
            "healer-api",
            "healer",
            REPO,
            "gitops/healer-api/overlays/staging",
            rev,
            "Synced",
            "Degraded",
            health_message='Deployment "healer-api" exceeded its progress deadline',
        )
    ]
    ci(
        cid,
        "`argocd app wait --health` times out on a Degraded app; the log shows only the "
        "health, and the pods' Loki lines show the api panicking at start on a missing "
        "`database_url` the change's config loader now requires",
        ["context-driven", "look-alike"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="wait-staging",
        steps=[
            *argocd_setup(),
            run(
                "argocd app wait healer-api --health --grpc-web --timeout 300",
                [
                    *shapes.argocd_summary(
                        "healer-api",
                        "platform",
                        "healer",
                        REPO,
                        "gitops/healer-api/overlays/staging",
                        rev,
                        "Synced",
                        "Degraded",
                        resources=[
                            (
                                "apps",
                                "Deployment",
                                "healer",
                                "healer-api",
                                "Synced",
                                "Degraded",
                                "",
                                'Deployment "healer-api" exceeded its progress deadline',
                            ),
                        ],
                    ),
                    shapes.logrus_fatal(
                        "2026-11-02T12:05:04Z",
                        'timed out (300s) waiting for app \\"healer-api\\" match desired state',
                    ),
                ],
                20,
                name="Wait for healthy",
                env=ARGO_ENV,
            ),
        ],
        message="refactor(api): load settings from config.toml",
        files=["crates/healer-api/src/config.rs", "crates/healer-api/src/main.rs"],
        extra=ctx,
    )


# ------------------------------------------------------------------ 3. kubectl dry-run

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: healer-api
  namespace: healer
spec:
  replicas: 2
  selector:
    matchLabels: {app: healer-api}
  template:
    metadata:
      labels: {app: healer-api}
    spec:
      containers:
      - name: api
        image: ghcr.io/5dlabs/healer-api:0.42.0
        ports:
        - containerPort: 8080
"""


def _kubeconfig(server: str) -> str:
    return (
        'apiVersion: v1\nkind: Config\nclusters:\n- name: k3s\n  cluster: {server: "'
        + server
        + '"}\nusers:\n- name: ci\n  user: {token: fake-ci-token}\ncontexts:\n- name: ci\n'
        "  context: {cluster: k3s, user: ci, namespace: healer}\ncurrent-context: ci\n"
    )


def _dry_run_real(cid: str, port: int, shown_server: str) -> real.Out:
    local = f"127.0.0.1:{port}"
    return real.sh(
        cid,
        {"kubeconfig": _kubeconfig(f"http://{local}"), "k8s/healer-api/deployment.yaml": DEPLOY},
        "kubectl apply --dry-run=server -f k8s/healer-api/",
        "kubectl apply --dry-run=server -f k8s/healer-api/",
        env={"KUBECONFIG": "kubeconfig"},
        hosts={f"http://{local}": f"https://{shown_server}", local: shown_server},
        timeout=120,
    )


def dry_runs() -> None:
    cid = "fr-zp-kubectl-dryrun-refused"
    out = _dry_run_real(cid, real.free_port(), "10.20.0.10:6443")
    assert out.code, out.lines
    ci(
        cid,
        "`kubectl apply --dry-run=server` cannot download the OpenAPI schema: "
        "`dial tcp 10.20.0.10:6443: connect: connection refused`; the API server is down or "
        "unreachable from the runner, the manifests are fine",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="manifests",
        job="validate",
        steps=[*kube_setup(), failing(out, name="Server-side dry run")],
        message="chore(k8s): two api replicas",
        files=["k8s/healer-api/deployment.yaml"],
    )

    cid = "fr-zp-kubectl-dryrun-credentials"
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
    with real.serve((401, status, "application/json")) as port:
        out = _dry_run_real(cid, port, "10.20.0.10:6443")
    assert out.code, out.lines
    ci(
        cid,
        "`kubectl apply --dry-run=server` is refused with `the server has asked for the client "
        "to provide credentials`: the CI kubeconfig's token expired; the manifests are not "
        "at fault",
        ["look-alike"],
        "atlas",
        "permissions",
        workflow="manifests",
        job="validate",
        steps=[*kube_setup(), failing(out, name="Server-side dry run")],
        message="chore(k8s): label the api pods with their team",
        files=["k8s/healer-api/deployment.yaml"],
    )

    cid = "fr-zp-kubectl-dryrun-unknown-field"
    ci(
        cid,
        "`kubectl apply --dry-run=server` answers BadRequest `strict decoding error: unknown "
        'field "spec.template.spec.containers[0].resource"`: the change wrote `resource:` '
        "for `resources:` in the new worker Deployment",
        ["look-alike"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="validate",
        steps=[
            *kube_setup(),
            run(
                "kubectl apply --dry-run=server -f k8s/healer-worker/",
                [
                    "service/healer-worker created (server dry run)",
                    "Error from server (BadRequest): error when creating "
                    '"k8s/healer-worker/deployment.yaml": Deployment in version "v1" cannot be '
                    "handled as a Deployment: strict decoding error: unknown field "
                    '"spec.template.spec.containers[0].resource"',
                ],
                1,
                name="Server-side dry run",
            ),
        ],
        message="feat(k8s): deploy the worker",
        files=["k8s/healer-worker/deployment.yaml", "k8s/healer-worker/service.yaml"],
    )


# ------------------------------------------------------------------ 4. kubeconform

KC = "kubeconform -strict -summary -kubernetes-version 1.31.4 -schema-location default rendered/"


def kubeconform() -> None:
    cid = "fr-zp-kubeconform-crd-no-schema"
    ci(
        cid,
        "kubeconform fails `could not find schema for ServiceMonitor`: the change added a "
        "ServiceMonitor to the chart, and the chart's validation step only knows the core "
        "schemas; the chart's owners add the CRD catalogue (or a skip) to the step",
        ["look-alike"],
        "bolt",
        "k8s_manifest",
        workflow="chart",
        job="validate",
        steps=[
            *helm_setup(),
            run(
                f"helm template healer-api {CHART} --output-dir rendered",
                [
                    f"wrote rendered/healer-api/templates/{f}.yaml"
                    for f in ("serviceaccount", "service", "deployment", "servicemonitor")
                ],
                name="Render chart",
            ),
            run(
                KC,
                [
                    "rendered/healer-api/templates/servicemonitor.yaml - ServiceMonitor "
                    "healer-api failed validation: could not find schema for ServiceMonitor",
                    "Summary: 4 resources found in 4 files - Valid: 3, Invalid: 0, Errors: 1, "
                    "Skipped: 0",
                ],
                1,
                name="kubeconform",
            ),
        ],
        message="feat(chart): scrape healer-api with a ServiceMonitor",
        files=[f"{CHART}/templates/servicemonitor.yaml", f"{CHART}/values.yaml"],
    )

    cid = "fr-zp-kubeconform-schema-download"
    base = "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.31.4-standalone-strict"
    lines = []
    for f, kind, name, file in (
        ("serviceaccount", "ServiceAccount", "healer-api", "serviceaccount-v1.json"),
        ("service", "Service", "healer-api", "service-v1.json"),
        ("deployment", "Deployment", "healer-api", "deployment-apps-v1.json"),
    ):
        lines.append(
            f"rendered/healer-api/templates/{f}.yaml - {kind} {name} failed validation: failed "
            f'downloading schema at {base}/{file}: Get "{base}/{file}": dial tcp: lookup '
            "raw.githubusercontent.com on 127.0.0.53:53: read udp "
            "127.0.0.1:48211->127.0.0.53:53: i/o timeout"
        )
    lines.append(
        "Summary: 3 resources found in 3 files - Valid: 0, Invalid: 0, Errors: 3, Skipped: 0"
    )
    ci(
        cid,
        "kubeconform cannot download any schema: every lookup of raw.githubusercontent.com "
        "times out on the runner's resolver; all three resources error the same way",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="chart",
        job="validate",
        steps=[
            *helm_setup(),
            run(
                f"helm template healer-api {CHART} --output-dir rendered",
                [
                    f"wrote rendered/healer-api/templates/{f}.yaml"
                    for f in ("serviceaccount", "service", "deployment")
                ],
                name="Render chart",
            ),
            run(KC, lines, 1, name="kubeconform"),
        ],
        message="chore(chart): bump appVersion to 0.42.0",
        files=[f"{CHART}/Chart.yaml"],
    )


# ------------------------------------------------------------------ 5. kustomize

KUST_DEPLOY = DEPLOY.replace("  namespace: healer\n", "")


def _kustomize(cid: str, files: dict[str, str], where: str) -> real.Out:
    files = {f"gitops/healer-api/{k}": v for k, v in files.items()}
    where = f"gitops/healer-api/{where}"
    return real.sh(
        cid,
        files,
        f"kubectl kustomize {where}",
        f"kubectl kustomize {where}",
        env={"KUBECONFIG": "/dev/null"},
    )


def kustomize() -> None:
    cid = "fr-zp-kustomize-remote-timeout"
    url = "https://github.com/5dlabs/platform-bases//monitoring?ref=v1.4.0&timeout=150s"
    ci(
        cid,
        "`kubectl kustomize` cannot fetch the remote monitoring base: git's fetch from "
        "github.com timed out connecting; the overlay and its pinned ref are unchanged",
        ["flaky-infra", "look-alike"],
        "atlas",
        "general",
        workflow="manifests",
        job="build",
        steps=[
            *kube_setup(),
            run(
                "kubectl kustomize gitops/healer-api/overlays/staging > /tmp/staging.yaml",
                [
                    'E1102 11:42:07.118204    3141 run.go:72] "command failed" err=<',
                    f"\taccumulating resources: accumulation err='accumulating resources from "
                    f"'{url}': URL is a git repository': failed to run '/usr/bin/git fetch "
                    "--depth=1 https://github.com/5dlabs/platform-bases v1.4.0': fatal: unable "
                    "to access 'https://github.com/5dlabs/platform-bases/': Failed to connect "
                    "to github.com port 443 after 133021 ms: Connection timed out",
                    "\t: exit status 128",
                    " >",
                ],
                1,
                name="Build staging overlay",
            ),
        ],
        message="feat(worker): batch webhook deliveries",
        files=["crates/healer-worker/src/deliver.rs"],
    )

    cid = "fr-zp-kustomize-patch-target-missing"
    out = _kustomize(
        cid,
        {
            "base/deployment.yaml": KUST_DEPLOY,
            "base/kustomization.yaml": "resources:\n- deployment.yaml\n",
            "overlays/staging/kustomization.yaml": (
                "resources:\n- ../../base\npatches:\n- path: worker-replicas.yaml\n"
            ),
            "overlays/staging/worker-replicas.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: healer-worker\n"
                "spec:\n  replicas: 3\n"
            ),
        },
        "overlays/staging",
    )
    assert out.code, out.lines
    ci(
        cid,
        "`kubectl kustomize` fails `no resource matches strategic merge patch "
        '"Deployment.v1.apps/healer-worker"`: the change patches a worker Deployment the '
        "base does not define",
        ["look-alike"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="build",
        steps=[*kube_setup(), failing(out, name="Build staging overlay")],
        message="chore(staging): three worker replicas",
        files=[
            "gitops/healer-api/overlays/staging/kustomization.yaml",
            "gitops/healer-api/overlays/staging/worker-replicas.yaml",
        ],
    )


# ------------------------------------------------------------------ 6. Helm hooks

MIGRATE_RS = """fn parse_version(name: &str) -> u32 {
    let stem = name.split('_').next().unwrap();
    stem.parse::<u32>().unwrap()
}

fn main() {
    eprintln!("healer-migrate: applying migrations from /migrations");
    let files = ["0041_runs_index.sql", "0042_add_agent.sql", "V43__durations.sql"];
    let mut applied = 0;
    for f in files {
        let v = parse_version(f);
        eprintln!("healer-migrate: applied {v} ({f})");
        applied += 1;
    }
    eprintln!("healer-migrate: {applied} migrations applied");
}
"""


def hooks() -> None:
    cid = "fr-zp-helm-hook-migrate-panic"
    out = rust_bin(cid, "healer-migrate", MIGRATE_RS)
    assert out.code, out.lines
    logs = [ln for ln in out.lines if ln.strip()]
    cmd, helm_out = shapes.helm_upgrade(
        "healer-api",
        CHART,
        "healer",
        "post-upgrade hooks failed: 1 error occurred:\n\t* job healer-api-migrate failed: "
        "BackoffLimitExceeded",
    )
    helm_lines = [*helm_out[0].split("\n"), ""]
    ci(
        cid,
        "`helm upgrade` fails on the post-upgrade migration Job (BackoffLimitExceeded); the "
        "step prints the Job's log: the Rust `healer-migrate` binary panicked parsing the "
        "migration `V43__durations.sql` (`ParseIntError`), the change added that file and "
        "the version parser",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="helm-staging",
        steps=[
            *helm_setup(),
            *kube_setup(),
            run(
                cmd + "\n# on failure, show the hook's log\n"
                "kubectl -n healer logs job/healer-api-migrate --tail=50 || true\n"
                "exit 1",
                [*helm_lines, *logs],
                1,
                name="Helm upgrade (staging)",
            ),
        ],
        message="feat(db): record run durations",
        files=["crates/healer-migrate/src/main.rs", "migrations/V43__durations.sql"],
    )

    cid = "fr-zp-helm-hook-image-tag"
    cmd, helm_out = shapes.helm_upgrade(
        "healer-api",
        CHART,
        "healer",
        "post-upgrade hooks failed: 1 error occurred:\n\t* timed out waiting for the condition",
    )
    pod = f"healer-api-migrate-{sha(cid)[:5]}"
    ci(
        cid,
        "`helm upgrade` times out on the post-upgrade migration hook; the step's diagnostics "
        "show the hook pod in ImagePullBackOff: `ghcr.io/5dlabs/healer-migrate:v0.42.0` is "
        "not found, the change set the hook's tag with a `v` the images are not tagged with",
        ["look-alike"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm-staging",
        steps=[
            *helm_setup(),
            *kube_setup(),
            run(
                cmd + "\n# on failure, show the hook pods\n"
                "kubectl -n healer get pods -l job-name=healer-api-migrate || true\n"
                "kubectl -n healer get events --field-selector involvedObject.name="
                + pod
                + " || true\nexit 1",
                [
                    *helm_out[0].split("\n"),
                    "",
                    "NAME                       READY   STATUS             RESTARTS   AGE",
                    f"{pod}   0/1     ImagePullBackOff   0          5m2s",
                    "LAST SEEN   TYPE      REASON      OBJECT                         MESSAGE",
                    f"5m1s        Normal    Scheduled   pod/{pod}   Successfully assigned "
                    f"healer/{pod} to k3s-worker-2",
                    f"3m40s       Normal    Pulling     pod/{pod}   Pulling image "
                    '"ghcr.io/5dlabs/healer-migrate:v0.42.0"',
                    f"3m39s       Warning   Failed      pod/{pod}   Failed to pull image "
                    '"ghcr.io/5dlabs/healer-migrate:v0.42.0": rpc error: code = NotFound desc = '
                    'failed to pull and unpack image "ghcr.io/5dlabs/healer-migrate:v0.42.0": '
                    'failed to resolve reference "ghcr.io/5dlabs/healer-migrate:v0.42.0": '
                    "ghcr.io/5dlabs/healer-migrate:v0.42.0: not found",
                    f"3m39s       Warning   Failed      pod/{pod}   Error: ErrImagePull",
                    f"12s         Warning   Failed      pod/{pod}   Error: ImagePullBackOff",
                ],
                1,
                name="Helm upgrade (staging)",
            ),
        ],
        message="chore(chart): pin the migration hook image",
        files=[f"{CHART}/templates/hooks/migrate-job.yaml", f"{CHART}/values.yaml"],
    )


# ------------------------------------------------------------------ 7. plain cases

MANIFEST_INDENT = """apiVersion: v1
kind: ConfigMap
metadata:
  name: healer-worker
  namespace: healer
data:
  RUST_LOG: info
   WORKER_CONCURRENCY: "8"
"""

LIB_RS = """pub struct Migration {
    pub version: u32,
    pub name: String,
}

pub fn pending(all: &[Migration], applied: u32) -> Vec<&Migration> {
    all.iter().filter(|m| m.version > applied).collect::<Vec<Migration>>()
}
"""


def plain() -> None:
    cid = "fr-zp-plain-helm-template-parse"
    ci(
        cid,
        "`helm template` fails `parse error at (healer-api/templates/_helpers.tpl:21): "
        'unexpected "}" in operand`: the change\'s new label helper has an unclosed action',
        ["obvious"],
        "bolt",
        "helm",
        workflow="chart",
        job="render",
        steps=[
            *helm_setup(),
            run(
                f"helm template healer-api {CHART} > /tmp/rendered.yaml",
                [
                    "Error: parse error at (healer-api/templates/_helpers.tpl:21): unexpected "
                    '"}" in operand',
                ],
                1,
                name="helm template",
            ),
        ],
        message="feat(chart): common team labels",
        files=[f"{CHART}/templates/_helpers.tpl"],
    )

    cid = "fr-zp-plain-kubectl-dryrun-selector"
    ci(
        cid,
        "`kubectl apply --dry-run=server` rejects the worker Deployment: `selector` does not "
        "match template `labels`; the change renamed the pod label only",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="validate",
        steps=[
            *kube_setup(),
            run(
                "kubectl apply --dry-run=server -f k8s/healer-worker/",
                [
                    "service/healer-worker configured (server dry run)",
                    'The Deployment "healer-worker" is invalid: spec.template.metadata.labels: '
                    'Invalid value: map[string]string{"app":"healer-worker-v2"}: `selector` '
                    "does not match template `labels`",
                ],
                1,
                name="Server-side dry run",
            ),
        ],
        message="chore(k8s): label worker pods v2",
        files=["k8s/healer-worker/deployment.yaml"],
    )

    cid = "fr-zp-plain-kubeconform-replicas"
    base = "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.31.4-standalone-strict"
    ci(
        cid,
        "kubeconform: the Deployment is invalid, `/spec/replicas` expected integer but got "
        "string; the change quoted the replica count in the template",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="chart",
        job="validate",
        steps=[
            *helm_setup(),
            run(
                f"helm template healer-api {CHART} --output-dir rendered",
                [
                    f"wrote rendered/healer-api/templates/{f}.yaml"
                    for f in ("serviceaccount", "service", "deployment")
                ],
                name="Render chart",
            ),
            run(
                KC,
                [
                    "rendered/healer-api/templates/deployment.yaml - Deployment healer-api is "
                    "invalid: problem validating schema. Check JSON formatting: jsonschema: "
                    f"'/spec/replicas' does not validate with {base}/deployment-apps-v1.json"
                    "#/properties/spec/properties/replicas/type: expected integer or null, but "
                    "got string",
                    "Summary: 3 resources found in 3 files - Valid: 2, Invalid: 1, Errors: 0, "
                    "Skipped: 0",
                ],
                1,
                name="kubeconform",
            ),
        ],
        message="fix(chart): quote replicaCount",
        files=[f"{CHART}/templates/deployment.yaml"],
    )

    cid = "fr-zp-plain-kustomize-json6902-path"
    out = _kustomize(
        cid,
        {
            "base/deployment.yaml": KUST_DEPLOY,
            "base/kustomization.yaml": "resources:\n- deployment.yaml\n",
            "overlays/prod/kustomization.yaml": (
                "resources:\n- ../../base\npatches:\n- path: memory.yaml\n  target:\n"
                "    kind: Deployment\n    name: healer-api\n"
            ),
            "overlays/prod/memory.yaml": (
                "- op: replace\n  path: /spec/template/spec/containers/0/resources/limits/memory"
                "\n  value: 512Mi\n"
            ),
        },
        "overlays/prod",
    )
    assert out.code, out.lines
    ci(
        cid,
        "`kubectl kustomize` fails `replace operation does not apply: doc is missing path`: "
        "the change's JSON6902 patch replaces a memory limit the base never sets (`add` was "
        "needed)",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="build",
        steps=[*kube_setup(), failing(out, name="Build prod overlay")],
        message="chore(prod): 512Mi for the api",
        files=[
            "gitops/healer-api/overlays/prod/memory.yaml",
            "gitops/healer-api/overlays/prod/kustomization.yaml",
        ],
    )

    cid = "fr-zp-plain-yamllint-configmap"
    out = real.yamllint(
        cid,
        {"k8s/healer-worker/configmap.yaml": MANIFEST_INDENT},
        ["k8s/healer-worker/configmap.yaml"],
    )
    assert out.code, out.lines
    ci(
        cid,
        "yamllint: syntax error in the worker ConfigMap, the change indented "
        "`WORKER_CONCURRENCY` one space too far",
        ["obvious", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="manifests",
        job="lint",
        steps=[failing(out, name="yamllint")],
        message="chore(worker): eight workers",
        files=["k8s/healer-worker/configmap.yaml"],
    )

    cid = "fr-zp-plain-cargo-migrate-build"
    out = real.cargo(cid, {"src/lib.rs": LIB_RS}, ["build", "--release"])
    assert out.code, out.lines
    ci(
        cid,
        "A `deploy` workflow's image step builds the migration crate first and rustc fails "
        "E0277: collecting `&Migration` items into `Vec<Migration>`; the change wrote "
        "`pending`",
        ["obvious", "misleading-name"],
        "rex",
        "rust_build",
        workflow="deploy",
        job="helm-staging",
        steps=[*rust_setup(), failing(out, name="Build healer-migrate")],
        message="feat(migrate): list pending migrations",
        files=["crates/healer-migrate/src/lib.rs"],
    )


_ = re  # kept for pins a later edit may need
