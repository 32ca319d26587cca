"""Look-alikes: one failing line, owners told apart by the context, the change or the output.

An image pull that fails is the tag's unless the registry was down; a certificate curl
cannot verify is the cluster's when cert-manager could not issue it, else the runner's; an
RBAC refusal is the Role's unless the change gave the job other credentials; a full disk is
the runner's unless the program's own figures grew to fill it, or the workload's own log
says its volume filled. Each test checks both sides.
"""

from __future__ import annotations

from healer_agent.logs import excerpt_text
from healer_agent.models import Agent, ContextBundle, FailureType, JobLog, RoutingDecision
from healer_agent.routing.prerouter import PreRouter
from tests.unit.test_consequences import _oomkilled_pod
from tests.unit.test_logs import gh_log
from tests.unit.test_prerouter import ctx, incident

ROUTER = PreRouter()

ROLLOUT = ("kubectl -n app rollout status deployment/api --timeout=5m",)
DEADLINE = ['error: deployment "api" exceeded its progress deadline']


def _pulling(reason: str) -> dict[str, object]:
    pod = {
        "metadata": {"name": "api-7f9-abcde", "namespace": "app"},
        "status": {
            "phase": "Pending",
            "containerStatuses": [
                {
                    "name": "api",
                    "ready": False,
                    "restartCount": 0,
                    "state": {
                        "waiting": {
                            "reason": "ImagePullBackOff",
                            "message": 'Back-off pulling image "ghcr.io/acme/api:1.4.2"',
                        }
                    },
                }
            ],
        },
    }
    event = {
        "type": "Warning",
        "reason": "Failed",
        "involvedObject": {"kind": "Pod", "name": "api-7f9-abcde", "namespace": "app"},
        "message": 'Failed to pull image "ghcr.io/acme/api:1.4.2": failed to pull and unpack '
        f'image "ghcr.io/acme/api:1.4.2": failed to resolve reference: {reason}',
    }
    return {"pods": [pod], "events": [event]}


def test_an_image_pull_the_registry_failed_is_its_outage_not_the_tag() -> None:
    log = gh_log((ROLLOUT[0], DEADLINE))

    def decide(reason: str) -> Agent:
        context = ContextBundle(
            logs=(JobLog(job_name="deploy", text=log),),
            changed_files=("apps/api/overlays/staging/kustomization.yaml",),
            kubernetes=_pulling(reason),
        )
        return ROUTER.decide(incident("deploy", "deploy"), context).agent

    assert decide("unexpected status from HEAD request: 503 Service Unavailable") is Agent.ATLAS
    assert decide("ghcr.io/acme/api:1.4.2: not found") is Agent.BOLT


CURL_60 = [
    "curl: (60) SSL certificate problem: certificate has expired",
    "More details here: https://curl.se/docs/sslcerts.html",
]


def test_a_certificate_cert_manager_could_not_issue_is_the_clusters() -> None:
    log = gh_log(("curl -fsS https://console.staging.example.com/healthz", CURL_60), exit_code=60)
    plain = ctx(log, "smoke", ("src/components/Banner.tsx",))
    # nothing in the cluster explains it: the runner's trust store or the path, not the change
    assert ROUTER.decide(incident("deploy", "smoke"), plain).agent is Agent.ATLAS
    issuer = {
        "events": [
            {
                "type": "Warning",
                "reason": "IssuerNotFound",
                "involvedObject": {"kind": "CertificateRequest", "name": "console-tls-4"},
                "message": 'Referenced "ClusterIssuer" not found: clusterissuer.cert-manager.io'
                ' "letsencrypt-prod" not found',
            }
        ]
    }
    decision = ROUTER.decide(
        incident("deploy", "smoke"), plain.model_copy(update={"kubernetes": issuer})
    )
    assert decision.agent is Agent.BOLT


FORBIDDEN = [
    "Error from server (Forbidden): error when applying patch:",
    'for: "deploy/jobs/gc.yaml": error when patching "deploy/jobs/gc.yaml": cronjobs.batch "gc"'
    ' is forbidden: User "system:serviceaccount:ci:deployer" cannot patch resource "cronjobs"'
    ' in API group "batch" in the namespace "app"',
]


def test_an_rbac_refusal_is_the_roles_unless_the_workflow_changed_the_credentials() -> None:
    log = gh_log(("kubectl apply -f deploy/jobs/", FORBIDDEN))
    role = ROUTER.decide(incident("deploy", "apply"), ctx(log, "apply", ("deploy/jobs/gc.yaml",)))
    assert role.agent is Agent.BOLT
    workflow = ROUTER.decide(
        incident("deploy", "apply"),
        ctx(log, "apply", (".github/workflows/deploy.yml", "deploy/jobs/gc.yaml")),
    )
    assert (workflow.agent, workflow.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)
    assert not workflow.obvious  # the change touched a manifest too


def test_npm_refused_by_the_file_system_is_the_runners() -> None:
    lines = [
        "npm error code EACCES",
        "npm error syscall unlink",
        "npm error path /home/runner/work/web/web/node_modules/.package-lock.json",
        "npm error errno -13",
    ]
    log = gh_log(("npm ci", lines))
    decision = ROUTER.decide(incident("web", "lint"), ctx(log, "lint", ("package.json",)))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)
    resolve = ["npm error code ERESOLVE", "npm error ERESOLVE unable to resolve dependency tree"]
    decision = ROUTER.decide(
        incident("web", "lint"), ctx(gh_log(("npm ci", resolve)), "lint", ("package.json",))
    )
    assert decision.agent is Agent.BLAZE


def _spill(rows: int) -> list[str]:
    return [
        "running 1 test",
        "tests::spills_large_result_sets --- FAILED",
        "---- tests::spills_large_result_sets stdout ----",
        *(f"spill: {n} MiB written" for n in range(1, rows + 1)),
        "thread 'tests::spills_large_result_sets' (3141) panicked at src/lib.rs:27:58:",
        "called `Result::unwrap()` on an `Err` value: Os { code: 28, kind: StorageFull, "
        'message: "No space left on device" }',
        "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
    ]


def test_a_disk_filled_by_the_programs_own_growth_is_its_codes() -> None:
    def decide(rows: int) -> Agent:
        log = gh_log(("cargo test --workspace", _spill(rows)), exit_code=101)
        return ROUTER.decide(
            incident("Rust CI", "test"), ctx(log, "test", ("crates/store/src/spill.rs",))
        ).agent

    assert decide(24) is Agent.REX
    assert decide(3) is Agent.ATLAS  # a few figures are no growth: the runner's disk


def test_a_deployed_workload_out_of_disk_is_its_volumes() -> None:
    lines = [
        "---- annotates_a_run stdout ----",
        "thread 'annotates_a_run' (3141) panicked at tests/staging.rs:40:5:",
        'assertion `left == right` failed: unexpected response: {"error":"database error: could'
        ' not extend file \\"base/16384/16427\\": No space left on device"}',
        "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
    ]
    log = gh_log(("cargo test --test staging", lines), exit_code=101)
    base = ctx(log, "staging", ("crates/api/src/routes.rs",))
    assert ROUTER.decide(incident("staging", "staging"), base).agent is Agent.ATLAS
    loki = (
        'UTC [3184] ERROR:  could not extend file "base/16384/16427": No space left on device',
        "UTC [57] LOG:  could not write temporary statistics file: No space left on device",
    )
    decision = ROUTER.decide(incident("staging", "staging"), base.model_copy(update={"loki": loki}))
    assert decision.agent is Agent.BOLT


def test_a_deploy_wait_with_a_healthy_workload_and_a_slow_api_server_is_the_clusters() -> None:
    lines = ["Error: UPGRADE FAILED: context deadline exceeded"]
    log = gh_log(("helm upgrade --install api charts/api --wait --timeout 5m", lines))
    ready = {
        "metadata": {"name": "api-1", "namespace": "app"},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {"name": "api", "ready": True, "restartCount": 0, "state": {"running": {}}}
            ],
        },
    }
    query = (
        "histogram_quantile(0.99, sum by (le) (rate(apiserver_request_duration_seconds_bucket"
        '{verb=~"GET|LIST"}[5m])))'
    )

    def decide(p99: str) -> Agent:
        context = ContextBundle(
            logs=(JobLog(job_name="deploy", text=log),),
            changed_files=("charts/api/values-staging.yaml",),
            kubernetes={"pods": [ready]},
            prometheus={query: [{"metric": {}, "value": [1764320400, p99]}]},
        )
        return ROUTER.decide(incident("deploy", "deploy"), context).agent

    assert decide("8.91") is Agent.ATLAS
    # an API server answering in time leaves the chart the change touched in question
    assert decide("0.12") is Agent.BOLT


def test_a_transport_error_the_tool_retried_is_not_the_steps_failure() -> None:
    failed = "curl: (22) The requested URL returned error: 503"
    retry = "Warning: Problem : HTTP error. Will retry in 1 seconds. 3 retries left."
    rustc = [
        "error[E0599]: no method named `first_value` found for struct `BTreeMap` in the current"
        " scope",
        " --> src/main.rs:14:22",
        'error: could not compile `healer` (bin "healer") due to 1 previous error',
    ]

    def decide(lines: list[str]) -> Agent:
        log = gh_log(("bash ci/build.sh", lines), exit_code=101)
        return ROUTER.decide(
            incident("Rust CI", "build"), ctx(log, "build", ("src/main.rs",))
        ).agent

    # the retry got the file, and the compiler failed after it
    assert decide([failed, retry, "protoc 28.3 unpacked", *rustc]) is Agent.REX
    # every attempt failed: the last one has no notice after it
    assert decide([failed, retry, failed, retry, failed]) is Agent.ATLAS


def test_a_step_marker_whose_timestamp_holds_a_trigger_is_still_a_step() -> None:
    # "401" is a trigger (HTTP 401) and sits inside this timestamp's fraction
    stamp = "2026-11-15T11:28:35.8140150Z "
    log = "\n".join(
        [
            f"{stamp}##[group]Run Swatinem/rust-cache@v2",
            f"{stamp}##[endgroup]",
            f"{stamp}##[group]Run cargo build --locked",
            f"{stamp}error[E0425]: cannot find value `x` in this scope",
            f"{stamp}##[error]Process completed with exit code 101.",
        ]
    )
    found = excerpt_text(log)
    assert found.failing_step == "Run cargo build --locked"


def test_a_tracing_panic_event_in_loki_is_read_as_the_panic() -> None:
    log = gh_log(("argocd app wait api --sync --health --timeout 600", DEADLINE))
    panic = (
        '{"level":"ERROR","fields":{"message":"panicked","panic.payload":"called `Option::'
        'unwrap()` on a `None` value","panic.location":"src/main.rs:34:40"},"target":"api"}'
    )
    context = ContextBundle(
        logs=(JobLog(job_name="sync", text=log),),
        changed_files=("crates/api/src/schema.rs",),
        loki=(panic,),
    )
    decision = ROUTER.decide(incident("deploy", "sync"), context)
    assert decision.agent is Agent.REX
    assert "panicked at src/main.rs:34:40" in decision.summary


def _oomkilled(namespace: str) -> dict[str, object]:
    pod = {**_oomkilled_pod("api-1"), "metadata": {"name": "api-1", "namespace": namespace}}
    node_event = {
        "type": "Warning",
        "reason": "SystemOOM",
        "metadata": {"namespace": "default"},
        "involvedObject": {"kind": "Node", "name": "worker-3", "namespace": "default"},
        "message": "System OOM encountered, victim process: api, pid: 2291847",
    }
    return {"pods": [pod], "events": [node_event]}


def test_a_pod_the_nodes_own_oom_killer_chose_is_the_nodes_not_its_limit() -> None:
    log = gh_log(("kubectl -n ledger rollout status deployment/api --timeout=5m", DEADLINE))
    context = ContextBundle(
        logs=(JobLog(job_name="deploy", text=log),),
        changed_files=("apps/api/overlays/staging/env.yaml",),
        kubernetes=_oomkilled("ledger"),
    )
    decision = ROUTER.decide(incident("deploy", "deploy"), context)
    # the node's event is no other workload's (it names no namespace of its own)
    assert decision.agent is Agent.ATLAS
    limit = _oomkilled("ledger")
    limit["events"] = []
    decision = ROUTER.decide(
        incident("deploy", "deploy"), context.model_copy(update={"kubernetes": limit})
    )
    assert decision.agent is Agent.BOLT


def test_a_steps_own_timeout_is_a_symptom_the_deploy_change_explains() -> None:
    lines = ["test balance_endpoint_answers ..."]
    log = gh_log(("timeout 10m cargo test --test staging_e2e", lines), exit_code=124)

    def decide(files: tuple[str, ...]) -> tuple[Agent, bool]:
        decision = ROUTER.decide(incident("e2e", "e2e"), ctx(log, "e2e", files))
        return decision.agent, decision.obvious

    assert decide(("deploy/base/networkpolicy.yaml",)) == (Agent.BOLT, False)
    # a code change does not tell a deadlock from a stuck runner: never obvious
    assert decide(("src/lib.rs",))[1] is False
    assert decide(("docs/runbook.md",))[0] is Agent.ATLAS


def test_a_javascript_test_that_died_of_a_segfault_is_native_codes_not_the_tests() -> None:
    tap = [
        "not ok 1 - /home/runner/work/web/web/test/cart.test.js",
        "  ---",
        "  failureType: 'testCodeFailure'",
        "  signal: 'SIGSEGV'",
        "  error: 'test failed'",
        "  ...",
    ]
    log = gh_log(("npm test", tap))
    decision = ROUTER.decide(incident("web", "unit"), ctx(log, "unit", ("src/cart.css",)))
    assert decision.agent is Agent.ATLAS
    plain = [line for line in tap if "signal" not in line]
    decision = ROUTER.decide(
        incident("web", "unit"), ctx(gh_log(("npm test", plain)), "unit", ("src/cart.css",))
    )
    assert decision.agent is Agent.BLAZE


def test_a_config_refused_right_after_a_release_bump_is_not_decisively_the_manifests() -> None:
    log = gh_log(("kubectl -n ledger rollout status deployment/worker --timeout=5m", DEADLINE))
    context = ContextBundle(
        logs=(JobLog(job_name="deploy", text=log),),
        changed_files=("apps/ledger/overlays/staging/kustomization.yaml",),
        commit_message="chore(ledger): raise the worker count",
        loki=('Error: "invalid LEDGER_WORKERS \\"auto\\": invalid digit found in string"',),
    )
    configured = ROUTER.decide(incident("deploy", "deploy"), context)
    assert configured.agent is Agent.BOLT and configured.obvious
    bumped = ROUTER.decide(
        incident("deploy", "deploy"),
        context.model_copy(update={"commit_message": "deploy(ledger): worker 1.18.0"}),
    )
    assert not (bumped.agent is Agent.BOLT and bumped.obvious)


def test_promtools_rule_error_is_read_behind_make() -> None:
    lines = [
        "promtool check rules monitoring/rules/*.yaml",
        "Checking monitoring/rules/edge.yaml",
        "  FAILED:",
        'monitoring/rules/edge.yaml: group "edge", rule 1, "Upstream5xx": annotation "summary":'
        ' template: __alert_Upstream5xx:1: unexpected "}" in operand',
        "make: *** [Makefile:2: lint-policies] Error 1",
    ]
    log = gh_log(("make lint-policies", lines), exit_code=2)
    decision = ROUTER.decide(incident("policy", "policy-audit"), ctx(log, "policy-audit"))
    assert decision.agent is Agent.BOLT


def test_dependency_reviews_verdict_is_a_vulnerable_dependency() -> None:
    lines = [
        "Dependency review found 1 vulnerable package",
        "| axios | 1.7.3 | Server-Side Request Forgery in axios | high |",
    ]
    log = gh_log(("echo review", lines))
    decision = ROUTER.decide(
        incident("checks", "lockfile-diff"), ctx(log, "lockfile-diff", ("package-lock.json",))
    )
    assert decision.agent is Agent.CIPHER


def test_a_conflict_githubs_api_answered_a_write_with_is_a_concurrent_writers() -> None:
    lines = [
        "curl: (22) The requested URL returned error: 409",
        '{"message": "index.yaml does not match f785703a0d1b13386359c81d6d811add5593c287"}',
    ]
    command = 'curl -sS --fail-with-body -X PUT -H "Authorization: Bearer $GH_TOKEN" \\'
    log = gh_log((command, lines), exit_code=22)
    decision = ROUTER.decide(
        incident("charts", "publish"), ctx(log, "publish", ("charts/api/Chart.yaml",))
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GIT_ERROR)
    # the same refusal from the service a smoke test called is no platform's
    smoke = gh_log(("curl -fsS -X PUT https://staging.example.com/api/runs/1", lines[:1]))
    decision = ROUTER.decide(incident("deploy", "smoke"), ctx(smoke, "smoke", ("src/app.ts",)))
    assert decision.agent is not Agent.ATLAS or decision.failure_type is not FailureType.GIT_ERROR


def _probe_failing(message: str) -> dict[str, object]:
    event = {
        "type": "Warning",
        "reason": "Unhealthy",
        "involvedObject": {"kind": "Pod", "name": "api-1", "namespace": "app"},
        "message": message,
    }
    return {"events": [event]}


def test_a_probe_the_application_answered_with_a_5xx_is_its_own_verdict() -> None:
    log = gh_log(("kubectl -n app rollout status deployment/api --timeout=5m", DEADLINE))

    def decide(message: str) -> RoutingDecision:
        context = ContextBundle(
            logs=(JobLog(job_name="deploy", text=log),),
            changed_files=("src/health.rs",),
            kubernetes=_probe_failing(message),
        )
        return ROUTER.decide(incident("deploy", "deploy"), context)

    refused = decide('Readiness probe failed: Get "http://10.0.0.1:8081/readyz": refused')
    answered = decide("Readiness probe failed: HTTP probe failed with statuscode: 500")
    assert refused.agent is Agent.BOLT
    # the probe's own configuration is no longer the decisive cause: the code may be
    assert not answered.obvious and answered.confidence < refused.confidence


def test_a_schema_error_in_a_front_ends_json_mock_is_the_front_ends() -> None:
    lines = [
        "Schema validation errors were encountered.",
        "  src/mocks/partners/northwind.json::$.spend: '12000' is not of type 'number'",
    ]
    log = gh_log(("npm run check:mocks", lines))
    decision = ROUTER.decide(incident("portal", "validate"), ctx(log, "validate"))
    assert decision.agent is Agent.BLAZE


def _quota_refused() -> dict[str, object]:
    event = {
        "type": "Warning",
        "reason": "FailedCreate",
        "involvedObject": {"kind": "ReplicaSet", "name": "api-7f9", "namespace": "app"},
        "message": 'Error creating: pods "api-7f9-abcde" is forbidden: exceeded quota: previews, '
        "requested: requests.memory=512Mi, used: requests.memory=7680Mi, limited: "
        "requests.memory=8Gi",
    }
    return {"pods": [], "events": [event]}


def test_a_cluster_refusing_a_workload_the_change_did_not_touch_is_the_clusters() -> None:
    log = gh_log((ROLLOUT[0], DEADLINE))

    def decide(files: tuple[str, ...]) -> RoutingDecision:
        context = ContextBundle(
            logs=(JobLog(job_name="deploy", text=log),),
            changed_files=files,
            kubernetes=_quota_refused(),
        )
        return ROUTER.decide(incident("deploy", "deploy"), context)

    # another team's previews used the quota up: the change (code only) asked for nothing new
    assert decide(("crates/api/src/runs.rs",)).agent is Agent.ATLAS
    # the change raised the requests: its manifests exceed the quota
    raised = decide(("apps/api/overlays/staging/patch-resources.yaml",))
    assert (raised.agent, raised.obvious) == (Agent.BOLT, True)
