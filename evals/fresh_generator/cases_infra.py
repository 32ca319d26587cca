"""Infrastructure failures: hadolint, BuildKit's own errors (parse, base image, a COPY from a
misspelt stage, apt inside RUN), yamllint on overlays and alert rules, kubectl against a local
API stand-in that rejects an object, kustomize, Helm's upgrade errors, and context-driven
symptoms (image pulls, ConfigMap keys, OOM after a limit change, probes, scheduling, PVCs,
hooks, Argo CD sync and health)."""

from __future__ import annotations

import json
from datetime import datetime

import real
import shapes
from fcommon import at, ci, failing, run, sha, uses
from gha import Step
from helpers import (
    buildx_setup,
    buildx_step,
    clock,
    curl_fail,
    kube_setup,
    pod_name,
    ready_pods,
    rollout,
    wait_available,
)

REPO = "5dlabs/platform"
NS = "healer"


def hadolint_step() -> list[Step]:
    return []


def docker() -> None:
    at(REPO)
    out = real.hadolint(
        "fr-infra-hadolint",
        """
        FROM debian:bookworm-slim
        RUN apt-get update && apt-get install -y curl ca-certificates tini
        COPY bin/healer-agent /usr/local/bin/healer-agent
        USER 65532
        ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/healer-agent"]
    """,
        where="images/agent/Dockerfile",
    )
    ci(
        "fr-infra-hadolint-apt-pins",
        "hadolint: apt-get install without pinned versions, --no-install-recommends or list "
        "cleanup (DL3008, DL3015, DL3009)",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="dockerfiles",
        job="hadolint",
        repo=REPO,
        steps=[failing(out, name="Lint Dockerfile")],
        message="feat(agent): add tini",
        files=["images/agent/Dockerfile"],
    )

    path = real.scratch(
        "fr-infra-precommit-hadolint",
        {
            "images/web/Dockerfile": """
            FROM nginx:1.27-alpine
            COPY dist/ /usr/share/nginx/html/
            COPY nginx.conf /etc/nginx/conf.d/default.conf
            EXPOSE 8080
            CMD nginx -g "daemon off;"
        """,
            ".pre-commit-config.yaml": """
            repos:
              - repo: local
                hooks:
                  - id: hadolint
                    name: hadolint
                    entry: hadolint --failure-threshold warning
                    language: system
                    files: Dockerfile$
                  - id: trailing-whitespace
                    name: no trailing whitespace
                    entry: '[ \\t]+$'
                    language: pygrep
                    types: [text]
        """,
        },
    )
    real.git(path, "init", "-q")
    real.git(path, "add", "-A")
    lines, code = real.run(
        ["pre-commit", "run", "--all-files"],
        path,
        env={"PRE_COMMIT_HOME": str(real.WORK / "pre-commit-cache")},
    )
    out = real.Out("pre-commit run --all-files", lines, code)
    ci(
        "fr-infra-precommit-hadolint-cmd-json",
        "pre-commit's hadolint hook fails: CMD in shell form (DL3025)",
        ["wrapper"],
        "bolt",
        "docker_build",
        workflow="lint",
        job="pre-commit",
        repo="5dlabs/console",
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            run(
                "pip install pre-commit==4.7.0",
                ["Successfully installed pre-commit-4.7.0"],
                name="Install pre-commit",
            ),
            failing(out, name="pre-commit"),
        ],
        message="feat(web): serve on 8080",
        files=["images/web/Dockerfile"],
        event="check_run",
        check=("pre-commit", "hadolint....Failed"),
    )

    dockerfile = (
        "FROM rust:1.95-slim AS build\n"
        "WORKDIR /src\n"
        "COPY . .\n"
        "RUN cargo build --release --bin healer-gateway\n"
        "\n"
        "FROM debian:bookworm-slim\n"
        "EXPSOE 8443\n"
        "COPY --from=build /src/target/release/healer-gateway /usr/local/bin/\n"
        'ENTRYPOINT ["healer-gateway"]\n'
    )
    lines, err = shapes.parse_error("fr-infra-parse", dockerfile, 7, "unknown instruction: EXPSOE")
    ci(
        "fr-infra-dockerfile-unknown-instruction",
        "BuildKit rejects the Dockerfile before any step runs: unknown instruction EXPSOE",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="docker-build",
        repo="5dlabs/healer",
        steps=[*buildx_setup(), buildx_step(lines, err, "ghcr.io/5dlabs/healer-gateway:main")],
        message="feat(gateway): expose TLS port",
        files=["images/gateway/Dockerfile"],
    )

    # COPY --from a misspelt stage: BuildKit treats it as an image and cannot pull it
    dockerfile = (
        "FROM rust:1.95-slim-bookworm AS builder\n"
        "WORKDIR /src\n"
        "COPY . .\n"
        "RUN cargo build --release --locked\n"
        "\n"
        "FROM gcr.io/distroless/cc-debian12\n"
        "COPY --from=buidler /src/target/release/healer /usr/local/bin/healer\n"
        'ENTRYPOINT ["/usr/local/bin/healer"]\n'
    )
    bk = shapes.BuildKit("fr-infra-copy-from", dockerfile)
    bk.metadata()
    n = bk._next()
    ref = "docker.io/library/buidler:latest"
    msg = (
        "pull access denied, repository does not exist or may require authorization: "
        "server message: insufficient_scope: authorization failed"
    )
    bk.lines += [
        f"#{n} [internal] load metadata for {ref}",
        f"#{n} ERROR: {msg}",
        "",
        "------",
        f" > [internal] load metadata for {ref}:",
        "------",
        "Dockerfile:7",
        "--------------------",
        "   5 |",
        "   6 |     FROM gcr.io/distroless/cc-debian12",
        "   7 | >>> COPY --from=buidler /src/target/release/healer /usr/local/bin/healer",
        '   8 |     ENTRYPOINT ["/usr/local/bin/healer"]',
        "   9 |",
        "--------------------",
    ]
    err = f"buidler: failed to resolve source metadata for {ref}: {msg}"
    ci(
        "fr-infra-copy-from-misspelt-stage",
        "the 'release-binaries' job fails in the image build: COPY --from=buidler names no "
        "stage, so BuildKit tries to pull an image called buidler",
        ["misleading-name"],
        "bolt",
        "docker_build",
        workflow="release",
        job="release-binaries",
        repo="5dlabs/healer",
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/healer:v0.14.0")],
        message="build: rename build stage",
        files=["Dockerfile"],
        event="workflow_run",
    )

    # base image tag that does not exist, in a job named like a frontend build
    dockerfile = (
        "FROM node:20.21-bookworm-slim AS deps\n"
        "WORKDIR /app\n"
        "COPY package.json package-lock.json ./\n"
        "RUN npm ci --omit=dev\n"
        "\n"
        "FROM node:20.21-bookworm-slim\n"
        "WORKDIR /app\n"
        "COPY --from=deps /app/node_modules ./node_modules\n"
        "COPY dist ./dist\n"
        'CMD ["node", "dist/server.js"]\n'
    )
    bk = shapes.BuildKit("fr-infra-base-missing", dockerfile)
    err = bk.metadata(missing="node:20.21-bookworm-slim")
    ci(
        "fr-infra-base-image-tag-missing",
        "a web build job fails resolving its base image: node:20.21-bookworm-slim does not exist",
        ["misleading-name"],
        "bolt",
        "docker_build",
        workflow="web",
        job="build",
        repo="5dlabs/console",
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:sha-" + sha("b")[:7]),
        ],
        message="chore(docker): bump node base image",
        files=["Dockerfile"],
    )

    # apt-get cannot find a package that the base image's release dropped (real apt-get -s)
    lines, code = real.run(
        "apt-get -s install -y --no-install-recommends libssl1.1 ca-certificates",
        real.scratch("fr-infra-apt"),
    )
    assert code == 100, lines
    dockerfile = (
        "FROM debian:bookworm-slim\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends libssl1.1 "
        "ca-certificates && rm -rf /var/lib/apt/lists/*\n"
        "COPY target/release/healer-cli /usr/local/bin/healer-cli\n"
        'ENTRYPOINT ["healer-cli"]\n'
    )
    inner = [
        "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]",
        "Get:2 http://deb.debian.org/debian bookworm-updates InRelease [55.4 kB]",
        "Get:3 http://deb.debian.org/debian-security bookworm-security InRelease [48.0 kB]",
        "Get:4 http://deb.debian.org/debian bookworm/main amd64 Packages [8792 kB]",
        "Fetched 9047 kB in 1s (7262 kB/s)",
        "Reading package lists...",
        *[ln for ln in lines if not ln.startswith("NOTE")],
    ]
    bk = shapes.BuildKit("fr-infra-apt", dockerfile)
    bk.metadata()
    err = bk.run_until(2, inner, code=100)
    ci(
        "fr-infra-apt-package-gone",
        "the Rust CI 'image' job fails in the Dockerfile's apt-get: libssl1.1 does not exist "
        "in bookworm",
        ["misleading-name"],
        "bolt",
        "docker_build",
        workflow="Rust CI",
        job="image",
        repo="5dlabs/healer",
        steps=[
            *buildx_setup(),
            buildx_step(
                bk.finish(err), err, "ghcr.io/5dlabs/healer-cli:edge", file="images/cli/Dockerfile"
            ),
        ],
        message="feat(cli): ship the CLI as an image",
        files=["images/cli/Dockerfile"],
    )


def yaml_and_manifests() -> None:
    at(REPO)
    out = real.yamllint(
        "fr-infra-yamllint-overlay",
        {
            "deploy/overlays/prod/kustomization.yaml": """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: healer
            resources:
              - ../../base
            images:
              - name: ghcr.io/5dlabs/healer-api
                newTag: 0.21.3
            replicas:
              - name: healer-api
                count: 3
            images:
              - name: ghcr.io/5dlabs/healer-worker
                newTag: 0.21.3
        """
        },
        ["deploy/"],
    )
    ci(
        "fr-infra-yamllint-duplicate-images-key",
        "yamllint on the prod overlay: the images key appears twice (duplicate-key)",
        ["yaml-owner", "obvious"],
        "bolt",
        "yaml_config",
        workflow="lint",
        job="yamllint",
        repo=REPO,
        steps=[failing(out, name="yamllint deploy/")],
        message="release: api and worker 0.21.3",
        files=["deploy/overlays/prod/kustomization.yaml"],
    )

    out = real.yamllint(
        "fr-infra-yamllint-rules",
        {
            "monitoring/rules/healer.rules.yaml": """
            groups:
              - name: healer
                rules:
                  - alert: HealerQueueBacklog
                    expr: sum(healer_queue_depth) > 500
                    for: 10m
                    labels:
                      severity: page
                    annotations:
                      summary: Remediation queue backlog
                  - alert: HealerDispatchErrors
                    expr: rate(healer_dispatch_errors_total[5m]) > 0.1
                    for: 5m
                     labels:
                      severity: ticket
        """
        },
        ["monitoring/"],
    )
    ci(
        "fr-infra-yamllint-alert-rule-indent",
        "the monitoring job's yamllint cannot parse the Prometheus rule file: a mis-indented "
        "labels key",
        ["yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="monitoring",
        job="validate-rules",
        repo=REPO,
        steps=[failing(out, name="Lint alert rules")],
        message="feat(alerts): page on dispatch errors",
        files=["monitoring/rules/healer.rules.yaml"],
        event="check_run",
        check=("validate-rules", "syntax error"),
    )

    # kubectl apply --dry-run=server against a stand-in API server that rejects the object
    manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: healer-worker
          namespace: healer
        spec:
          replicas: 2
          selector:
            matchLabels: {app.kubernetes.io/name: healer-worker}
          template:
            metadata:
              labels: {app.kubernetes.io/name: healer-worker}
            spec:
              containers:
                - name: worker
                  image: ghcr.io/5dlabs/healer-worker:0.21.3
                  resources:
                    requests: {cpu: 250m, memory: 1Gi}
                    limits: {cpu: "1", memory: 512Mi}
    """
    status = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'Deployment.apps "healer-worker" is invalid: spec.template.spec.containers'
        '[0].resources.requests: Invalid value: "1Gi": must be less than or equal to '
        "memory limit of 512Mi",
        "reason": "Invalid",
        "details": {
            "name": "healer-worker",
            "group": "apps",
            "kind": "Deployment",
            "causes": [
                {
                    "reason": "FieldValueInvalid",
                    "message": 'Invalid value: "1Gi": must be less than or equal to '
                    "memory limit of 512Mi",
                    "field": "spec.template.spec.containers[0].resources.requests",
                }
            ],
        },
        "code": 422,
    }
    base = real.kube_api({})

    def api(req):  # type: ignore[no-untyped-def]
        if req.command in ("POST", "PATCH"):
            return 422, json.dumps(status), "application/json"
        return base(req)

    path = real.scratch("fr-infra-dry-run", {"deploy/worker.yaml": manifest})
    with real.serve(api) as port:
        lines, code = real.run(
            [
                "kubectl",
                f"--server=http://127.0.0.1:{port}",
                "apply",
                "--dry-run=server",
                "--validate=false",
                "-f",
                "deploy/worker.yaml",
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
            hosts={f"127.0.0.1:{port}": "10.0.0.1:6443"},
        )
    out = real.Out("kubectl apply --dry-run=server -f deploy/worker.yaml", lines, code)
    ci(
        "fr-infra-dry-run-requests-over-limit",
        "server-side dry run rejects the worker Deployment: memory request 1Gi above the "
        "512Mi limit",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="dry-run",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Server-side dry run")],
        message="perf(worker): request more memory",
        files=["deploy/worker.yaml"],
    )

    out = real.kubectl(
        "fr-infra-kubectl-parse",
        {
            "deploy/gateway/service.yaml": """
        apiVersion: v1
        kind: Service
        metadata:
          name: healer-gateway
          namespace: healer
        spec:
          selector:
            app.kubernetes.io/name: healer-gateway
          ports:
            - name: https
              port: 443
             targetPort: 8443
    """
        },
        ["create", "--dry-run=client", "--validate=false", "-o", "name", "-f", "deploy/gateway/"],
        shown="kubectl create --dry-run=client -o name -f deploy/gateway/",
    )
    ci(
        "fr-infra-kubectl-service-indent",
        "kubectl cannot parse the gateway Service: targetPort is indented one space short",
        ["yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="platform-ci",
        job="validate",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Validate manifests")],
        message="feat(gateway): terminate TLS in the pod",
        files=["deploy/gateway/service.yaml"],
        event="workflow_run",
    )

    out = real.kubectl(
        "fr-infra-kustomize-patch",
        {
            "deploy/base/kustomization.yaml": "resources: [deployment.yaml]\n",
            "deploy/base/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: healer-api
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      image: ghcr.io/5dlabs/healer-api
        """,
            "deploy/overlays/staging/kustomization.yaml": """
            resources: [../../base]
            patches:
              - path: resources.yaml
        """,
            "deploy/overlays/staging/resources.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: healer-api-server
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      resources:
                        limits: {memory: 768Mi}
        """,
        },
        ["kustomize", "deploy/overlays/staging"],
    )
    ci(
        "fr-infra-kustomize-patch-no-target",
        "kustomize build fails: the staging patch names healer-api-server, a Deployment the "
        "base does not have",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="gitops",
        job="render",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Render overlays")],
        message="chore(staging): raise api memory",
        files=["deploy/overlays/staging/resources.yaml"],
    )


def helm() -> None:
    at(REPO)
    cmd, lines = shapes.helm_upgrade(
        "healer-api",
        "charts/healer-api",
        NS,
        'cannot patch "healer-api" with kind Deployment: Deployment.apps "healer-api" is '
        "invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string"
        '{"app.kubernetes.io/component":"api", "app.kubernetes.io/name":"healer"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable",
    )
    ci(
        "fr-infra-helm-selector-immutable",
        "helm upgrade fails: the chart changed the Deployment's selector labels, which are "
        "immutable",
        ["obvious"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm-upgrade",
        repo=REPO,
        steps=[
            *kube_setup(),
            uses(
                "azure/setup-helm@v4",
                {"version": "v3.16.3"},
                ["Helm tool version 'v3.16.3' has been cached"],
            ),
            Step(
                "Deploy",
                [f"##[group]Run {cmd}", cmd, "shell: /usr/bin/bash -e {0}", "##[endgroup]", *lines],
                "failure",
                1,
                30,
            ),
        ],
        message="refactor(chart): common labels",
        files=["charts/healer-api/templates/_helpers.tpl"],
    )

    cmd = (
        "helm upgrade --install healer-worker charts/healer-worker --namespace healer "
        "-f charts/healer-worker/values-prod.yaml --atomic --timeout 10m"
    )
    lines = [
        'Release "healer-worker" does not exist. Installing it now.',
        "Error: INSTALLATION FAILED: template: healer-worker/templates/deployment.yaml:41:"
        '36: executing "healer-worker/templates/deployment.yaml" at '
        "<.Values.resources.limits.memory>: nil pointer evaluating interface {}.memory",
    ]
    ci(
        "fr-infra-helm-template-nil-pointer",
        "helm install fails to render: values-prod.yaml drops resources.limits, the template "
        "still reads .Values.resources.limits.memory",
        ["obvious"],
        "bolt",
        "helm",
        workflow="deploy-prod",
        job="deploy",
        repo=REPO,
        steps=[
            *kube_setup(),
            Step(
                "Install chart",
                [f"##[group]Run {cmd}", cmd, "shell: /usr/bin/bash -e {0}", "##[endgroup]", *lines],
                "failure",
                1,
                8,
            ),
        ],
        message="chore(worker): prod values",
        files=["charts/healer-worker/values-prod.yaml"],
        event="check_run",
        check=("deploy", "INSTALLATION FAILED"),
    )


def context() -> None:
    at(REPO)
    created, first, last = clock("fr-infra-ctx-pull-secret")
    out = rollout("fr-infra-ctx-pull-secret", NS, "healer-ledger", 2, 1, 1, deadline=True)
    name = pod_name("fr-infra-ctx-pull-secret", "healer-ledger")
    img = "ghcr.io/5dlabs/healer-ledger:0.3.0"
    pods = [
        shapes.pod(
            name,
            NS,
            "healer-ledger",
            img,
            created=created,
            phase="Pending",
            waiting=("ImagePullBackOff", f'Back-off pulling image "{img}"'),
        )
    ]
    pods += ready_pods(
        "fr-infra-ctx-pull-secret", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.21.3", 1
    )
    events = [
        shapes.event(
            NS,
            "Pod",
            name,
            "Failed",
            f'Failed to pull image "{img}": failed to pull and unpack image '
            f'"{img}": failed to resolve reference "{img}": failed to authorize: '
            "failed to fetch anonymous token: unexpected status from GET request to "
            "https://ghcr.io/token?scope=repository%3A5dlabs%2Fhealer-ledger%3Apull&"
            "service=ghcr.io: 401 Unauthorized",
            first=first,
            last=last,
            count=6,
        ),
        shapes.event(
            NS,
            "Pod",
            name,
            "BackOff",
            f'Back-off pulling image "{img}"',
            first=first,
            last=last,
            count=22,
            type_="Normal",
        ),
    ]
    ci(
        "fr-infra-ctx-private-image-no-pull-secret",
        "rollout exceeds its progress deadline; the new ledger Deployment has no "
        "imagePullSecrets for its private ghcr.io image (401 on pull)",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=REPO,
        steps=[
            *kube_setup(),
            run(
                "kubectl apply -k deploy/overlays/staging",
                ["deployment.apps/healer-ledger created", "service/healer-ledger created"],
                name="Apply",
            ),
            failing(out, name="Rollout status"),
        ],
        message="feat(ledger): deploy ledger service",
        files=["deploy/base/ledger.yaml"],
        extra={"kubernetes": {"pods": pods, "events": events}},
    )

    created, first, last = clock("fr-infra-ctx-cm-key")
    name = pod_name("fr-infra-ctx-cm-key", "healer-api")
    msg = "couldn't find key LOG_FORMAT in ConfigMap healer/healer-api-env"
    pods = [
        shapes.pod(
            name,
            NS,
            "healer-api",
            "ghcr.io/5dlabs/healer-api:0.22.0",
            created=created,
            phase="Pending",
            waiting=("CreateContainerConfigError", msg),
        )
    ]
    events = [
        shapes.event(NS, "Pod", name, "Failed", f"Error: {msg}", first=first, last=last, count=14)
    ]
    out = wait_available("fr-infra-ctx-cm-key", NS, "healer-api")
    ci(
        "fr-infra-ctx-configmap-key-missing",
        "kubectl wait for Available times out; the pods cannot start because the env refers "
        "to a ConfigMap key that was renamed",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="deploy-staging",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Wait for API")],
        message="chore(api): rename LOG_FORMAT to LOG_ENCODING in the ConfigMap",
        files=["deploy/base/api-configmap.yaml"],
        event="workflow_run",
        extra={"kubernetes": {"pods": pods, "events": events}},
    )

    # OOM after the chart lowered the memory limit
    created, first, last = clock("fr-infra-ctx-oom-limit")
    name = pod_name("fr-infra-ctx-oom-limit", "healer-indexer")
    pods = [
        shapes.pod(
            name,
            NS,
            "healer-indexer",
            "ghcr.io/5dlabs/healer-indexer:1.9.2",
            created=created,
            restarts=5,
            memory_limit="96Mi",
            port=9090,
            waiting=(
                "CrashLoopBackOff",
                f"back-off 2m40s restarting failed container=healer-indexer pod={name}_{NS}",
            ),
            terminated={
                "exit_code": 137,
                "reason": "OOMKilled",
                "started": first,
                "finished": first,
            },
        )
    ]
    out = curl_fail(
        "fr-infra-ctx-oom-curl",
        "indexer.staging.5dlabs.ai",
        "/readyz",
        502,
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
    flat = [[1764300000 + 600 * i, str(182_000_000 + (i % 3) * 1_500_000)] for i in range(8)]
    ci(
        "fr-infra-ctx-oom-after-limit-cut",
        "staging smoke gets 502s; the indexer is OOMKilled (exit 137) since the chart cut its "
        "memory limit to 96Mi, below the ~180Mi it has always used",
        ["context-driven", "resource-kill"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="smoke",
        repo=REPO,
        steps=[failing(out, name="Smoke test")],
        message="chore(chart): tighten indexer resources",
        files=["charts/healer-indexer/values.yaml"],
        extra={
            "kubernetes": {
                "pods": pods,
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        name,
                        "BackOff",
                        f"Back-off restarting failed container healer-indexer in pod {name}_{NS}",
                        first=first,
                        last=last,
                        count=17,
                    )
                ],
            },
            "prometheus": {
                'max_over_time(container_memory_working_set_bytes{container="healer-indexer"}[7d])': [
                    {"metric": {"container": "healer-indexer"}, "values": flat}
                ],
            },
        },
    )

    # readiness probe on the wrong path
    created, first, last = clock("fr-infra-ctx-probe-path")
    pods = []
    events = []
    for i in range(2):
        name = pod_name("fr-infra-ctx-probe-path", "healer-gateway", str(i))
        pods.append(
            shapes.pod(
                name,
                NS,
                "healer-gateway",
                "ghcr.io/5dlabs/healer-gateway:2.0.0",
                created=created,
                port=8443,
                probe_path="/healthz",
                conditions_reason="ContainersNotReady",
            )
        )
        events.append(
            shapes.event(
                NS,
                "Pod",
                name,
                "Unhealthy",
                "Readiness probe failed: HTTP probe failed with statuscode: 404",
                first=first,
                last=last,
                count=31,
            )
        )
    out = wait_available("fr-infra-ctx-probe-path", NS, "healer-gateway")
    ci(
        "fr-infra-ctx-readiness-probe-404",
        "kubectl wait times out; gateway pods run but never become Ready: the probe asks "
        "/healthz, the service answers /health (Loki shows the 404s)",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="wait-ready",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Wait for gateway")],
        message="feat(gateway): 2.0 with new health endpoint",
        files=["deploy/base/gateway.yaml"],
        extra={
            "kubernetes": {"pods": pods, "events": events},
            "loki": [
                '{"ts":"2026-11-12T10:14:02.114Z","level":"info","msg":"gateway 2.0.0 '
                'listening","addr":"0.0.0.0:8443"}',
                '{"ts":"2026-11-12T10:14:10.002Z","level":"warn","msg":"no route",'
                '"method":"GET","path":"/healthz","status":404,"ua":"kube-probe/1.31"}',
                '{"ts":"2026-11-12T10:14:20.003Z","level":"warn","msg":"no route",'
                '"method":"GET","path":"/healthz","status":404,"ua":"kube-probe/1.31"}',
            ],
        },
    )

    # liveness probe kills a slow-starting service before it listens
    created, first, last = clock("fr-infra-ctx-liveness")
    name = pod_name("fr-infra-ctx-liveness", "healer-search")
    pods = [
        shapes.pod(
            name,
            NS,
            "healer-search",
            "ghcr.io/5dlabs/healer-search:0.8.0",
            created=created,
            restarts=7,
            port=7700,
            waiting=(
                "CrashLoopBackOff",
                f"back-off 5m0s restarting failed container=healer-search pod={name}_{NS}",
            ),
            terminated={"exit_code": 143, "reason": "Error", "started": first, "finished": first},
        )
    ]
    events = [
        shapes.event(
            NS,
            "Pod",
            name,
            "Unhealthy",
            'Liveness probe failed: Get "http://10.42.1.37:7700/health": dial tcp '
            "10.42.1.37:7700: connect: connection refused",
            first=first,
            last=last,
            count=21,
        ),
        shapes.event(
            NS,
            "Pod",
            name,
            "Killing",
            "Container healer-search failed liveness probe, will be restarted",
            first=first,
            last=last,
            count=7,
            type_="Normal",
        ),
    ]
    out = rollout("fr-infra-ctx-liveness", NS, "healer-search", 1, 1, 0)
    ci(
        "fr-infra-ctx-liveness-kills-warmup",
        "rollout times out; the search pod is killed by its liveness probe (initialDelaySeconds "
        "removed) while it is still loading its index",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Rollout")],
        message="chore(search): simplify probes",
        files=["deploy/base/search.yaml"],
        extra={
            "kubernetes": {"pods": pods, "events": events},
            "loki": [
                "2026-11-18T09:02:11Z INFO search: loading index shard 1/12",
                "2026-11-18T09:02:19Z INFO search: loading index shard 2/12",
                "2026-11-18T09:02:27Z INFO search: loading index shard 3/12",
                "2026-11-18T09:02:29Z INFO search: received SIGTERM, shutting down",
            ],
        },
    )

    # unschedulable after the requests were raised
    created, first, last = clock("fr-infra-ctx-cpu")
    name = pod_name("fr-infra-ctx-cpu", "healer-trainer")
    message = (
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are "
        "available: 3 No preemption victims found for incoming pod."
    )
    pods = [
        shapes.pod(
            name,
            NS,
            "healer-trainer",
            "ghcr.io/5dlabs/healer-trainer:0.2.0",
            created=created,
            phase="Pending",
            scheduled=False,
            pending_message=message,
        )
    ]
    events = [
        shapes.event(
            NS,
            "Pod",
            name,
            "FailedScheduling",
            message,
            first=first,
            last=last,
            count=9,
            component="default-scheduler",
        )
    ]
    out = wait_available("fr-infra-ctx-cpu", NS, "healer-trainer")
    ci(
        "fr-infra-ctx-cpu-request-unschedulable",
        "kubectl wait times out; the trainer pod is Pending because values now request 6 CPUs "
        "on 4-CPU nodes",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="ml",
        job="deploy-trainer",
        repo=REPO,
        steps=[*kube_setup(), failing(out, name="Wait")],
        message="perf(trainer): more cpu",
        files=["charts/healer-trainer/values.yaml"],
        event="check_run",
        check=("deploy-trainer", "timed out waiting for the condition"),
        extra={"kubernetes": {"pods": pods, "events": events}},
    )

    # Helm pre-install hook whose ServiceAccount does not exist
    cmd, lines = shapes.helm_upgrade(
        "healer-db",
        "charts/healer-db",
        NS,
        "failed pre-install: 1 error occurred:\n\t* timed out waiting for the condition",
        installing=True,
    )
    lines = [*lines[:-1], *lines[-1].split("\n")]
    created, first, last = clock("fr-infra-ctx-hook-sa")
    events = [
        shapes.event(
            NS,
            "Job",
            "healer-db-migrate",
            "FailedCreate",
            'Error creating: pods "healer-db-migrate-" is forbidden: error looking '
            "up service account healer/healer-migrator: serviceaccount "
            '"healer-migrator" not found',
            first=first,
            last=last,
            count=11,
            component="job-controller",
        )
    ]
    ci(
        "fr-infra-ctx-hook-serviceaccount-missing",
        "helm install times out in its pre-install hook; the migration Job cannot create pods "
        "because its ServiceAccount is only created by the main release",
        ["context-driven"],
        "bolt",
        "helm",
        workflow="deploy",
        job="install-db",
        repo=REPO,
        steps=[
            *kube_setup(),
            Step(
                "Install",
                [f"##[group]Run {cmd}", cmd, "shell: /usr/bin/bash -e {0}", "##[endgroup]", *lines],
                "failure",
                1,
                300,
            ),
        ],
        message="feat(db): run migrations as a hook",
        files=["charts/healer-db/templates/migrate-job.yaml"],
        extra={"kubernetes": {"pods": [], "events": events}},
    )

    # Helm hook that cannot pull its image
    cmd, lines = shapes.helm_upgrade(
        "healer-api",
        "charts/healer-api",
        NS,
        "pre-upgrade hooks failed: 1 error occurred:\n\t* timed out waiting for the condition",
    )
    lines = [*lines[:-1], *lines[-1].split("\n")]
    created, first, last = clock("fr-infra-ctx-hook-image")
    hook = f"healer-api-schema-{sha('hook')[:5]}"
    img = "ghcr.io/5dlabs/healer-api-migrations:0.22.0"
    pods = [
        shapes.pod(
            hook,
            NS,
            "healer-api-schema",
            img,
            created=created,
            phase="Pending",
            waiting=(
                "ErrImagePull",
                f"rpc error: code = NotFound desc = failed to pull and unpack "
                f'image "{img}": failed to resolve reference "{img}": {img}: '
                "not found",
            ),
            owner=("Job", "healer-api-schema"),
        )
    ]
    events = [
        shapes.event(
            NS,
            "Pod",
            hook,
            "Failed",
            f'Failed to pull image "{img}": rpc error: code = NotFound desc = {img}: not found',
            first=first,
            last=last,
            count=8,
        )
    ]
    ci(
        "fr-infra-ctx-hook-image-not-found",
        "helm upgrade's pre-upgrade hook times out; the schema Job's image tag was never published",
        ["context-driven"],
        "bolt",
        "helm",
        workflow="deploy",
        job="upgrade",
        repo=REPO,
        steps=[
            *kube_setup(),
            Step(
                "Upgrade",
                [f"##[group]Run {cmd}", cmd, "shell: /usr/bin/bash -e {0}", "##[endgroup]", *lines],
                "failure",
                1,
                300,
            ),
        ],
        message="chore(api): 0.22.0",
        files=["charts/healer-api/values.yaml"],
        event="workflow_run",
        extra={"kubernetes": {"pods": pods, "events": events}},
    )


def argocd() -> None:
    at(REPO)
    rev = sha("fr-infra-argo-selector")
    msg = (
        'one or more objects failed to apply, reason: Deployment.apps "healer-router" is '
        "invalid: spec.template.metadata.labels: Invalid value: map[string]string"
        '{"app.kubernetes.io/name":"router"}: `selector` does not match template `labels`'
    )
    lines = shapes.argocd_summary(
        "healer-router",
        "platform",
        NS,
        REPO,
        "deploy/router",
        rev,
        "OutOfSync",
        "Healthy",
        phase="Failed",
        message=msg,
        started=datetime(2026, 11, 20, 9, 31, 0),
        resources=[
            ("", "Service", NS, "healer-router", "Synced", "Healthy", "", ""),
            (
                "apps",
                "Deployment",
                NS,
                "healer-router",
                "OutOfSync",
                "Healthy",
                "",
                msg.split("reason: ", 1)[1],
            ),
        ],
    )
    lines.append(
        shapes.logrus_fatal("2026-11-20T09:31:05Z", "Operation has completed with phase: Failed")
    )
    out = real.Out("argocd app sync healer-router --prune --timeout 300", lines, 20)
    app = shapes.argo_application(
        "healer-router",
        NS,
        REPO,
        "deploy/router",
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
                "name": "healer-router",
                "status": "OutOfSync",
                "syncPhase": "Sync",
                "message": msg.split("reason: ", 1)[1],
            }
        ],
        when="2026-11-20T09:31:04Z",
    )
    ci(
        "fr-infra-argocd-selector-mismatch",
        "argocd app sync fails: the router's template labels no longer match its selector",
        ["argocd"],
        "bolt",
        "argocd_sync",
        workflow="gitops",
        job="sync-router",
        repo=REPO,
        steps=[failing(out, name="Sync")],
        message="refactor(router): shorter labels",
        files=["deploy/router/deployment.yaml"],
        extra={"argocd": [app]},
    )

    # Argo CD waiting on health: a PVC with a storage class that does not exist
    rev = sha("fr-infra-argo-pvc")
    lines = shapes.argocd_summary(
        "healer-vector",
        "platform",
        NS,
        REPO,
        "deploy/vector",
        rev,
        "Synced",
        "Progressing",
        resources=[
            (
                "",
                "PersistentVolumeClaim",
                NS,
                "data-healer-vector-0",
                "Synced",
                "Progressing",
                "",
                "",
            ),
            ("apps", "StatefulSet", NS, "healer-vector", "Synced", "Progressing", "", ""),
        ],
    )
    lines.append(
        shapes.logrus_fatal(
            "2026-11-21T14:05:12Z",
            'Timed out (600s) waiting for app \\"healer-vector\\" match desired state',
        )
    )
    out = real.Out("argocd app wait healer-vector --health --timeout 600", lines, 20)
    created, first, last = clock("fr-infra-argo-pvc")
    pvc_event = shapes.event(
        NS,
        "PersistentVolumeClaim",
        "data-healer-vector-0",
        "ProvisioningFailed",
        'storageclass.storage.k8s.io "fast-ssd" not found',
        first=first,
        last=last,
        count=40,
        component="persistentvolume-controller",
    )
    pod = shapes.pod(
        "healer-vector-0",
        NS,
        "healer-vector",
        "ghcr.io/5dlabs/healer-vector:0.4.0",
        created=created,
        phase="Pending",
        scheduled=False,
        pending_message="0/3 nodes are available: pod has unbound immediate "
        "PersistentVolumeClaims. preemption: 0/3 nodes are "
        "available: 3 Preemption is not helpful for scheduling.",
        owner=("StatefulSet", "healer-vector"),
    )
    ci(
        "fr-infra-argocd-pvc-storageclass",
        "argocd app wait times out with the app Progressing; its PVC asks for a storage class "
        "(fast-ssd) the cluster does not have",
        ["argocd", "context-driven"],
        "bolt",
        "argocd_sync",
        workflow="gitops",
        job="wait-healthy",
        repo=REPO,
        steps=[failing(out, name="Wait for health")],
        message="feat(vector): persistent index",
        files=["deploy/vector/statefulset.yaml"],
        event="check_run",
        check=("wait-healthy", "Timed out"),
        extra={
            "argocd": [
                {
                    "name": "healer-vector",
                    "sync_status": "Synced",
                    "health_status": "Progressing",
                    "message": "waiting for PVC data-healer-vector-0 to be bound",
                }
            ],
            "kubernetes": {"pods": [pod], "events": [pvc_event]},
        },
    )

    # Argo CD ComparisonError: the chart's dependency was never vendored
    rev = sha("fr-infra-argo-dep")
    cond = (
        "Failed to load target state: failed to generate manifest for source 1 of 1: rpc "
        "error: code = Unknown desc = Manifest generation error (cached): `helm template "
        ". --name-template healer-cache --namespace healer --kube-version 1.31 --values "
        "/tmp/3b1e/values-prod.yaml <api versions removed> --include-crds` failed exit "
        "status 1: Error: An error occurred while checking for chart dependencies. You may "
        "need to run `helm dependency build` to fetch missing dependencies: found in "
        "Chart.yaml, but missing in charts/ directory: redis"
    )
    app = shapes.argo_application(
        "healer-cache",
        NS,
        REPO,
        "charts/healer-cache",
        rev,
        "Unknown",
        "Healthy",
        conditions=[
            {
                "type": "ComparisonError",
                "message": cond,
                "lastTransitionTime": "2026-11-22T08:40:13Z",
            }
        ],
        when="2026-11-22T08:40:13Z",
    )
    ci(
        "fr-infra-argocd-comparison-missing-dependency",
        "sensor body only for the gitops-verify run; Argo CD reports a ComparisonError: the "
        "chart's redis dependency is not in charts/",
        ["argocd", "context-driven", "no-log"],
        "bolt",
        "argocd_sync",
        workflow="gitops-verify",
        job="verify",
        repo=REPO,
        steps=[],
        logs=False,
        message="feat(cache): add redis subchart",
        files=["charts/healer-cache/Chart.yaml"],
        event="sensor",
        extra={"argocd": [app]},
    )


def build() -> None:
    docker()
    yaml_and_manifests()
    helm()
    context()
    argocd()
