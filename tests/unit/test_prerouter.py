"""The pre-router on realistic failures: root cause over names, obvious only when clear."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healer_agent.models import (
    Agent,
    ArgoApp,
    Candidate,
    ContextBundle,
    FailedStep,
    FailureType,
    Incident,
    JobLog,
    SecurityAlert,
)
from healer_agent.routing.evidence import file_refs
from healer_agent.routing.facts import context_facts
from healer_agent.routing.prerouter import PreRouter
from healer_agent.routing.rules import RulesError, load_rules, parse_rules
from tests.unit.test_logs import RUSTC, gh_log


def incident(workflow: str, job: str = "build", step: str | None = None) -> Incident:
    steps = (FailedStep(job_name=job, name=step, conclusion="failure"),) if step else ()
    return Incident(
        kind="ci_failure",
        event_type="workflow_job",
        repository="o/r",
        run_key="o/r#run:1:1",
        workflow_name=workflow,
        job_names=(job,),
        failed_steps=steps,
        conclusion="failure",
    )


def ctx(log: str, job: str = "build", files: tuple[str, ...] = ()) -> ContextBundle:
    return ContextBundle(logs=(JobLog(job_name=job, text=log),), changed_files=files)


ROUTER = PreRouter()

CLIPPY = [
    "    Checking healer v0.1.0",
    "error: unneeded `return` statement",
    " --> crates/healer/src/main.rs:4:5",
    "  |",
    "4 |     return x;",
    "  = help: for further information visit https://rust-lang.github.io/rust-clippy/master/index.html#needless_return",
    "  = note: `-D clippy::needless-return` implied by `-D warnings`",
    'error: could not compile `healer` (bin "healer") due to 1 previous error',
]
DOCKER = [
    "#8 [builder 3/6] RUN cargo build --release",
    "#8 0.512 /bin/sh: 1: cargo: not found",
    '#8 ERROR: process "/bin/sh -c cargo build --release" did not complete successfully: exit code: 127',
    "------",
    "Dockerfile:9",
    'ERROR: failed to solve: process "/bin/sh -c cargo build --release" did not complete successfully: exit code: 127',
]


def test_clippy_is_obvious_rex() -> None:
    decision = ROUTER.decide(
        incident("Controller CI", "lint-rust", "Run cargo clippy"),
        ctx(gh_log(("cargo clippy --all-targets -- -D warnings", CLIPPY)), "lint-rust"),
    )
    assert (decision.agent, decision.failure_type) == (Agent.REX, FailureType.RUST_CLIPPY)
    assert decision.obvious
    assert decision.evidence[0].signal in ("error_line", "step_command")
    assert "crates/healer/src/main.rs" in decision.suspect_files
    assert "needless" in decision.summary or "return" in decision.summary


def test_candidates_are_what_validation_builds() -> None:
    """Candidates and their evidence are built without validation: the same values, types
    and fields set as pydantic's validation of their fields gives."""
    decision = ROUTER.decide(
        incident("controller-ci", "image"),
        ctx(gh_log(("docker build -t controller .", DOCKER)), "image", files=("Dockerfile",)),
    )
    assert len(decision.candidates) > 1
    for built in decision.candidates:
        validated = Candidate.model_validate(built.model_dump())
        assert validated == built
        assert validated.model_fields_set == built.model_fields_set
        pairs = [(validated, built), *zip(validated.evidence, built.evidence, strict=True)]
        for a, b in pairs:
            assert [(k, type(v), v) for k, v in vars(a).items()] == [
                (k, type(v), v) for k, v in vars(b).items()
            ]
            assert a.model_fields_set == b.model_fields_set
            assert a.model_dump_json() == b.model_dump_json()


_PATHISH = [
    "a",
    "src/",
    "x.rs",
    "Makefile",
    ".github/workflows",
    "-->",
    " ",
    "\n",
    "(",
    "'",
    "=",
    "http",
    "www.",
    "@",
    "-",
    ".",
    "/",
    "\t",
    "é",
    "Dockerfile.dev",
    "ok",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PATHISH), max_size=8).map("".join), max_size=5))
def test_file_refs_of_texts_at_once_are_theirs_one_by_one(texts: list[str]) -> None:
    """The texts are searched joined by newlines, as if each were searched alone."""
    alone: dict[str, None] = {}
    for text in texts:
        alone.update(dict.fromkeys(file_refs([text])))
    assert file_refs(texts) == list(alone)


def test_controller_ci_broken_in_its_dockerfile_goes_to_bolt() -> None:
    decision = ROUTER.decide(
        incident("controller-ci", "image"),
        ctx(gh_log(("docker build -t controller .", DOCKER)), "image", files=("Dockerfile",)),
    )
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.DOCKER_BUILD)
    assert decision.runner_up is None or decision.runner_up.agent is Agent.REX


def test_expired_token_in_frontend_ci_goes_to_atlas() -> None:
    log = gh_log(
        (
            "git push origin HEAD:gh-pages",
            [
                "remote: Permission to acme/web.git denied to github-actions[bot].",
                "fatal: unable to access 'https://github.com/acme/web.git/': The requested URL returned error: 403",
            ],
        )
    )
    decision = ROUTER.decide(incident("frontend-ci", "deploy-docs"), ctx(log, "deploy-docs"))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)


def test_runner_lost_is_atlas_general() -> None:
    log = gh_log(
        (
            "cargo test --workspace",
            [
                "   Compiling healer v0.1.0",
                "##[error]The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled.",
            ],
        )
    )
    decision = ROUTER.decide(incident("Controller CI", "test"), ctx(log, "test"))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


def test_cargo_audit_is_cipher() -> None:
    log = gh_log(
        (
            "cargo audit",
            [
                "Crate:     time",
                "Version:   0.1.45",
                "ID:        RUSTSEC-2020-0071",
                "error: 1 vulnerability found!",
            ],
        )
    )
    decision = ROUTER.decide(incident("Rust CI", "audit"), ctx(log, "audit"))
    assert (decision.agent, decision.failure_type) == (
        Agent.CIPHER,
        FailureType.VULNERABLE_DEPENDENCY,
    )


def test_first_error_wins_over_later_noise() -> None:
    noise = ["src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."]
    log = gh_log(("make all", RUSTC + noise * 3))
    decision = ROUTER.decide(incident("ci"), ctx(log))
    assert decision.agent is Agent.REX
    assert decision.runner_up is not None and decision.runner_up.agent is Agent.BLAZE
    assert not decision.obvious or decision.runner_up.score < decision.candidates[0].score


def test_merge_conflict_and_tsc() -> None:
    conflict = gh_log(
        (
            "git merge origin/main",
            [
                "Auto-merging src/lib.rs",
                "CONFLICT (content): Merge conflict in src/lib.rs",
                "Automatic merge failed; fix conflicts and then commit the result.",
            ],
        )
    )
    assert (
        ROUTER.decide(incident("Controller CI"), ctx(conflict)).failure_type
        is FailureType.MERGE_CONFLICT
    )
    tsc = gh_log(
        (
            "npx tsc --noEmit",
            ["src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."],
        )
    )
    decision = ROUTER.decide(incident("web"), ctx(tsc))
    assert (decision.agent, decision.failure_type) == (Agent.BLAZE, FailureType.FRONTEND_TYPECHECK)


def test_sensor_body_without_log_uses_names_and_is_not_obvious() -> None:
    decision = ROUTER.decide(incident("Rust CI", "clippy"), ContextBundle())
    assert decision.agent is Agent.REX
    assert not decision.obvious
    assert "No log" in decision.summary


def test_nothing_matches_is_atlas_default() -> None:
    decision = ROUTER.decide(incident("nightly"), ctx(gh_log(("./run.sh", ["boom"]))))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)
    assert not decision.obvious


def test_argocd_context_points_to_bolt() -> None:
    context = ContextBundle(
        argocd=(ArgoApp(name="web", sync_status="OutOfSync", health_status="Degraded"),)
    )
    decision = ROUTER.decide(incident("deploy"), context)
    assert decision.agent is Agent.BOLT
    assert any(e.source == "argocd" for e in decision.evidence)


def test_security_alert_is_cipher_by_rule() -> None:
    alert = Incident(
        kind="security_alert",
        event_type="code_scanning_alert",
        repository="o/r",
        run_key="o/r#alert:1",
        alert=SecurityAlert(alert_type="code_scanning_alert", rule_id="js/xss"),
    )
    decision = ROUTER.decide(alert, ContextBundle())
    assert (decision.agent, decision.decided_by, decision.obvious) == (Agent.CIPHER, "rule", True)


def test_route_memory_is_strong_evidence() -> None:
    log = gh_log(("cargo build", RUSTC))
    plain = ROUTER.decide(incident("ci"), ctx(log))
    remembering = PreRouter(memory=lambda sig: Agent.BOLT if sig else None)
    decision = remembering.decide(incident("ci"), ctx(log))
    assert plain.agent is Agent.REX
    assert decision.agent is Agent.BOLT
    assert any(e.signal == "memory" for e in decision.evidence)


def test_rules_validation(tmp_path: Path) -> None:
    assert len(load_rules().signals) > 40
    with pytest.raises(RulesError, match="not a failure type of"):
        parse_rules(
            {
                "signals": [
                    {
                        "id": "x",
                        "agent": "rex",
                        "type": "helm",
                        "where": "name",
                        "pattern": "x",
                        "weight": 1,
                    }
                ]
            }
        )
    with pytest.raises(RulesError, match="bad pattern"):
        parse_rules(
            {
                "signals": [
                    {
                        "id": "y",
                        "agent": "rex",
                        "type": "rust_build",
                        "where": "name",
                        "pattern": "(",
                        "weight": 1,
                    }
                ]
            }
        )
    bad = tmp_path / "rules.yaml"
    bad.write_text("signals: [")
    with pytest.raises(RulesError, match="invalid YAML"):
        load_rules(bad)


# --------------------------------------------------------------------------- failure classes


def deploy_incident(workflow: str, job: str, step: str) -> Incident:
    return incident(workflow, job, step)


def _crashloop_pod(name: str, exit_code: int = 101) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "cto"},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
            "containerStatuses": [
                {
                    "name": "controller",
                    "ready": False,
                    "restartCount": 7,
                    "state": {
                        "waiting": {
                            "reason": "CrashLoopBackOff",
                            "message": "back-off 5m0s restarting failed container",
                        }
                    },
                    "lastState": {"terminated": {"reason": "Error", "exitCode": exit_code}},
                }
            ],
        },
    }


ROLLOUT = gh_log(
    (
        "kubectl rollout status deployment/controller -n cto --timeout=300s",
        [
            'Waiting for deployment "controller" rollout to finish: 0 of 2 updated '
            "replicas are available...",
            "error: timed out waiting for the condition",
        ],
    )
)


def test_wrapper_yields_to_the_error_inside_it() -> None:
    log = gh_log(
        (
            "make ci",
            [
                "cargo build --workspace --locked",
                *RUSTC,
                "make: *** [Makefile:14: build] Error 101",
            ],
        )
    )
    decision = ROUTER.decide(incident("Deploy", "ci", "Run make ci"), ctx(log, "ci"))
    assert (decision.agent, decision.failure_type) == (Agent.REX, FailureType.RUST_BUILD)
    wrapper = next(e for c in decision.candidates for e in c.evidence if e.rule == "make-wrapper")
    assert wrapper.role == "wrapper"
    assert wrapper.weight < 1.0  # discounted: a cause was found inside
    assert "yields to" in decision.summary


def test_buildkit_relays_the_inner_npm_error_and_docker_yields() -> None:
    log = gh_log(
        (
            "docker buildx build -f infra/images/web/Dockerfile .",
            [
                "#9 [build 4/6] RUN npm ci",
                "#9 0.242 npm error code EUSAGE",
                "#9 0.507 npm error `npm ci` can only install packages when your package.json and "
                "package-lock.json or npm-shrinkwrap.json are in sync.",
                "#9 0.810 npm error Missing: is-number@7.0.0 from lock file",
                '#9 ERROR: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1',
                'ERROR: failed to solve: process "/bin/sh -c npm ci" did not complete successfully: '
                "exit code: 1",
            ],
        )
    )
    decision = ROUTER.decide(
        incident("Infrastructure", "images"),
        ctx(log, "images", files=("infra/images/web/Dockerfile",)),
    )
    assert (decision.agent, decision.failure_type) == (Agent.BLAZE, FailureType.FRONTEND_DEPS)


def test_a_broken_dockerfile_stays_with_bolt() -> None:
    log = gh_log(
        (
            "docker build -t web .",
            [
                "#7 [build 3/5] COPY package.json pnpm-lock.yaml ./",
                '#7 ERROR: failed to calculate checksum of ref: "/pnpm-lock.yaml": not found',
                "ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of "
                'ref: "/pnpm-lock.yaml": not found',
            ],
        )
    )
    decision = ROUTER.decide(incident("frontend-ci", "image"), ctx(log, "image"))
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.DOCKER_BUILD)


def test_rollout_timeout_is_decided_by_the_workloads_own_log() -> None:
    context = ContextBundle(
        logs=(JobLog(job_name="deploy", text=ROLLOUT),),
        changed_files=("crates/controller/src/queue.rs",),
        kubernetes={
            "pods": [_crashloop_pod("controller-7d9c-abcde")],
            "events": [
                {
                    "type": "Warning",
                    "reason": "BackOff",
                    "message": "Back-off restarting failed container controller",
                    "involvedObject": {"kind": "Pod", "name": "controller-7d9c-abcde"},
                }
            ],
        },
        loki=(
            '{"level":"INFO","fields":{"message":"starting controller"}}',
            "thread 'main' panicked at src/queue.rs:7:23:",
            "index out of bounds: the len is 0 but the index is 0",
        ),
    )
    decision = ROUTER.decide(incident("Deploy", "deploy", "Wait for rollout"), context)
    assert (decision.agent, decision.failure_type) == (Agent.REX, FailureType.RUST_TEST)
    assert decision.evidence[0].source == "loki"
    assert "loki" in decision.root_cause and "index out of bounds" in decision.root_cause
    assert decision.summary.startswith("**Decided by**: loki")
    assert "CrashLoopBackOff" in decision.summary  # the context findings travel with it
    symptom = next(e for c in decision.candidates for e in c.evidence if e.rule == "k8s-crashloop")
    assert symptom.role == "symptom" and symptom.source == "kubernetes"


def test_a_crash_that_names_a_setting_is_the_deployments() -> None:
    context = ContextBundle(
        logs=(JobLog(job_name="deploy", text=ROLLOUT),),
        changed_files=("infra/k8s/healer/deployment.yaml",),
        kubernetes={"pods": [_crashloop_pod("healer-1")]},
        loki=(
            "thread 'main' panicked at src/config.rs:5:42:",
            "HEALER_PORT must be a port number: ParseIntError { kind: InvalidDigit }",
        ),
    )
    decision = ROUTER.decide(incident("healer-ci", "deploy", "Wait for rollout"), context)
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.K8S_MANIFEST)


def test_a_crash_on_a_setting_the_same_change_taught_the_code_to_read_is_not_obvious() -> None:
    # the chart and the code that parses its value changed together: either may be wrong
    context = ContextBundle(
        logs=(JobLog(job_name="deploy", text=ROLLOUT),),
        changed_files=("infra/k8s/healer/deployment.yaml", "crates/healer/src/config.rs"),
        kubernetes={"pods": [_crashloop_pod("healer-1")]},
        loki=(
            "thread 'main' panicked at src/config.rs:5:42:",
            "HEALER_PORT must be a port number: ParseIntError { kind: InvalidDigit }",
        ),
    )
    decision = ROUTER.decide(incident("healer-ci", "deploy", "Wait for rollout"), context)
    assert {decision.agent, decision.runner_up.agent if decision.runner_up else None} == {
        Agent.BOLT,
        Agent.REX,
    }
    assert not decision.obvious and decision.confidence < 0.5


def test_a_crash_on_a_setting_only_the_code_changed_to_read_is_the_codes() -> None:
    # the chart is as it was: the code now demands a setting the deployment never had
    helm = gh_log(
        (
            "helm upgrade --install healer charts/healer --values values-staging.yaml --wait",
            ["Error: UPGRADE FAILED: context deadline exceeded"],
        )
    )
    context = ContextBundle(
        logs=(JobLog(job_name="deploy", text=helm),),
        changed_files=("crates/healer/src/config.rs",),
        kubernetes={"pods": [_crashloop_pod("healer-1")]},
        argocd=(ArgoApp(name="healer", sync_status="Synced", health_status="Degraded"),),
        loki=(
            "thread 'main' panicked at src/config.rs:5:42:",
            "HEALER_PORT must be a port number: ParseIntError { kind: InvalidDigit }",
        ),
    )
    decision = ROUTER.decide(incident("healer-ci", "deploy", "Wait for rollout"), context)
    assert decision.agent is Agent.REX


def test_a_smoke_check_failure_is_explained_by_a_manifest_change_or_is_flaky() -> None:
    smoke = gh_log(
        (
            "curl -sSf https://staging.example.dev/api/healthz",
            ["curl: (22) The requested URL returned error: 503"],
        ),
        exit_code=22,
    )
    manifest = ROUTER.decide(
        incident("Deploy", "smoke"), ctx(smoke, "smoke", files=("infra/k8s/healer/service.yaml",))
    )
    docs = ROUTER.decide(incident("Deploy", "smoke"), ctx(smoke, "smoke", files=("README.md",)))
    assert manifest.agent is Agent.BOLT
    assert (docs.agent, docs.failure_type) == (Agent.ATLAS, FailureType.GENERAL)
    assert not manifest.obvious and not docs.obvious


def test_the_log_of_a_step_that_ran_after_the_failure_is_read() -> None:
    log = gh_log(
        (
            "curl -sSf http://controller.cto.svc.cluster.local:8081/readyz",
            [
                "curl: (7) Failed to connect to controller.cto.svc.cluster.local port 8081 "
                "after 0 ms: Couldn't connect to server",
                "##[error]Process completed with exit code 7.",
            ],
        ),
        (
            "kubectl logs deploy/controller -n cto --tail=50",
            [
                "thread 'main' panicked at src/queue.rs:7:23:",
                "index out of bounds: the len is 0 but the index is 0",
            ],
        ),
    )
    step = "Run curl -sSf http://controller.cto.svc.cluster.local:8081/readyz"
    decision = ROUTER.decide(incident("Deploy", "smoke", step), ctx(log, "smoke"))
    assert decision.agent is Agent.REX
    assert any(e.signal == "loki" and e.source == "log" for e in decision.evidence)


@pytest.mark.parametrize(
    ("path", "agent", "failure_type"),
    [
        (".github/workflows/ci.yml", Agent.ATLAS, FailureType.WORKFLOW_SYNTAX),
        ("charts/web/values.yaml", Agent.BOLT, FailureType.HELM),
        ("pnpm-workspace.yaml", Agent.BLAZE, FailureType.FRONTEND_DEPS),
    ],
)
def test_a_yaml_error_belongs_to_the_owner_of_the_file(
    path: str, agent: Agent, failure_type: FailureType
) -> None:
    log = gh_log(
        (
            "yamllint -s .",
            [
                f"./{path}",
                "  3:1       error    syntax error: mapping values are not allowed here (syntax)",
            ],
        )
    )
    decision = ROUTER.decide(incident("lint", "yaml"), ctx(log, "yaml"))
    assert (decision.agent, decision.failure_type) == (agent, failure_type)
    assert any(e.signal == "error_file" for e in decision.evidence)


def test_platform_failures_are_atlas() -> None:
    deprecated = gh_log(
        (
            "echo build",
            [
                "##[error]This request has been automatically failed because it uses a deprecated "
                "version of `actions/cache: v2`. Please update your workflow to use v3/v4"
            ],
        )
    )
    decision = ROUTER.decide(
        incident("Controller CI", "lint-rust"),
        ctx(deprecated, "lint-rust", files=("crates/a/src/main.rs",)),
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.WORKFLOW_SYNTAX)
    token = gh_log(
        (
            "cargo fetch --locked",
            [
                "error: failed to get `proto` as a dependency of package `controller v0.1.0`",
                "Caused by:",
                "  token rejected for `internal`, please run `cargo login`",
                "  failed to get successful HTTP response from `https://cargo.example.dev/index/"
                "config.json`, got 401",
            ],
        )
    )
    decision = ROUTER.decide(incident("Controller CI"), ctx(token, files=("Cargo.toml",)))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)


def test_push_protection_is_cipher_but_a_branch_ruleset_is_atlas() -> None:
    def push(extra: list[str]) -> str:
        return gh_log(
            (
                "git push origin HEAD:main",
                [
                    "remote: error: GH013: Repository rule violations found for refs/heads/main.",
                    *extra,
                    " ! [remote rejected] HEAD -> main (push declined due to repository rule "
                    "violations)",
                    "error: failed to push some refs to 'https://github.com/o/r.git'",
                ],
            )
        )

    secret = ROUTER.decide(
        incident("Release", "publish"),
        ctx(
            push(["remote: - GITHUB PUSH PROTECTION", "remote:     - Push cannot contain secrets"]),
            "publish",
        ),
    )
    ruleset = ROUTER.decide(
        incident("Release", "publish"),
        ctx(push(["remote: - Changes must be made through a pull request."]), "publish"),
    )
    assert secret.agent is Agent.CIPHER
    assert (ruleset.agent, ruleset.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)


def test_a_scanner_named_workflow_without_a_log_is_cipher_but_not_obvious() -> None:
    decision = ROUTER.decide(incident("gitleaks", "scan"), ContextBundle())
    assert (decision.agent, decision.failure_type) == (
        Agent.CIPHER,
        FailureType.SECRET_SCANNING_ALERT,
    )
    assert not decision.obvious


TEST_KILLED = [
    "test tests::keeps_a_large_window ... error: test failed, to rerun pass `--lib`",
    "Caused by:",
    "  process didn't exit successfully: `/home/runner/work/app/app/target/debug/deps/"
    "healer-de560d4903f1f569` (signal: 9, SIGKILL: kill)",
]
HEAP = [
    "<--- Last few GCs --->",
    "FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript "
    "heap out of memory",
]
GROWING = {
    'container_memory_working_set_bytes{container="runner"}': [
        {
            "metric": {"pod": "runner-1"},
            "values": [[1, "2.1e8"], [2, "6e8"], [3, "1.2e9"], [4, "2.7e9"], [5, "4.1e9"]],
        }
    ]
}


@pytest.mark.parametrize(
    ("command", "lines", "prometheus", "agent"),
    [
        # a compiler killed for memory: the runner, whatever memory did
        (
            "cargo build --release",
            [
                'error: could not compile `controller` (bin "controller")',
                "Caused by:",
                "  process didn't exit successfully: `/home/runner/.rustup/toolchains/stable/bin/rustc "
                "--crate-name controller src/main.rs` (signal: 9, SIGKILL: kill)",
            ],
            GROWING,
            Agent.ATLAS,
        ),
        # the test binary killed: the runner, unless memory climbed for the whole run
        ("cargo test", TEST_KILLED, {}, Agent.ATLAS),
        ("cargo test", TEST_KILLED, GROWING, Agent.REX),
        # a heap limit hit by the program under test is the code's; by a build tool, the runner's
        ("node --max-old-space-size=48 test/dedup.bench.mjs", HEAP, {}, Agent.BLAZE),
        ("npx vite build", HEAP, {}, Agent.ATLAS),
    ],
)
def test_what_a_kill_means(
    command: str, lines: list[str], prometheus: dict[str, object], agent: Agent
) -> None:
    context = ContextBundle(
        logs=(JobLog(job_name="test", text=gh_log((command, lines))),), prometheus=prometheus
    )
    decision = ROUTER.decide(incident("CI", "test"), context)
    assert decision.agent is agent
    assert decision.agent is not Agent.ATLAS or not decision.obvious  # a kill never decides


def test_conflicting_causes_are_not_obvious_and_less_confident() -> None:
    clear = ROUTER.decide(incident("ci"), ctx(gh_log(("cargo build", RUSTC))))
    tsc = "src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."
    mixed = ROUTER.decide(incident("ci"), ctx(gh_log(("make all", [tsc, *RUSTC]))))
    assert clear.obvious and clear.confidence > 0.8
    assert not mixed.obvious
    assert "a cause also points to" in mixed.reason
    assert mixed.confidence < clear.confidence


def test_precedence_is_data() -> None:
    doc = {
        "weights": {"error_line": 3.0, "name": 0.5},
        "precedence": {
            "min_cause_weight": 1.0,
            "roles": {"wrapper": {"yields_to_causes_in": ["error_line"], "factor": 0.5}},
        },
        "signals": [
            {
                "id": "inner",
                "agent": "rex",
                "type": "rust_build",
                "where": "error_line",
                "pattern": "^error\\[E",
                "weight": 1,
            },
            {
                "id": "outer",
                "agent": "atlas",
                "type": "general",
                "where": "error_line",
                "role": "wrapper",
                "pattern": "make: \\*\\*\\*",
                "weight": 1,
            },
            {
                "id": "named",
                "agent": "bolt",
                "type": "helm",
                "where": "name",
                "pattern": "deploy",
                "weight": 1,
                "yields_to": ["inner"],
            },
        ],
    }
    router = PreRouter(parse_rules(doc))
    log = gh_log(("make", [*RUSTC, "make: *** [all] Error 2"]))
    decision = router.decide(incident("deploy"), ctx(log))
    weights = {e.rule: e.weight for c in decision.candidates for e in c.evidence}
    assert decision.agent is Agent.REX
    assert weights["inner"] == pytest.approx(3.0 * 2)  # the first line that says something
    assert weights["outer"] == pytest.approx(3.0 * 0.5)  # a wrapper, halved by the rules
    assert weights["named"] == pytest.approx(0.5 * 0.2)  # name weight, explicit yield
    with pytest.raises(RulesError, match="yields to unknown"):
        parse_rules(
            {
                "signals": [
                    {
                        "id": "a",
                        "agent": "rex",
                        "type": "rust_build",
                        "where": "name",
                        "pattern": "x",
                        "weight": 1,
                        "yields_to": ["missing"],
                    }
                ]
            }
        )
    with pytest.raises(RulesError, match="unknown place"):
        parse_rules(
            {
                "precedence": {"roles": {"symptom": {"yields_to_causes_in": ["nowhere"]}}},
                "signals": [],
            }
        )


# --------------------------------------------------------------------------- context readers


def test_pods_in_the_api_shape_flat_rows_and_kubectl_text() -> None:
    from healer_agent.routing.kube_facts import kubernetes_facts

    healthy = {
        "metadata": {"name": "ok-1"},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {"name": "app", "ready": True, "restartCount": 0, "state": {"running": {}}}
            ],
        },
    }
    api = [text for _, text in kubernetes_facts({"pods": [healthy, _crashloop_pod("c-1")]})]
    assert not any("ok-1" in t for t in api)
    assert (
        "pod c-1: container controller waiting CrashLoopBackOff: back-off 5m0s restarting "
        "failed container" in api
    )
    assert "pod c-1: container controller last terminated Error exit code 101" in api
    flat = [
        text
        for _, text in kubernetes_facts(
            {
                "pods": [
                    {"name": "web-1", "status": "CrashLoopBackOff", "restarts": 4},
                    {"name": "job-1", "phase": "Failed", "reason": "OOMKilled", "exit_code": 137},
                    {"name": "ok", "status": "Running", "restarts": 0},
                ]
            }
        )
    ]
    assert any("web-1" in t and "CrashLoopBackOff" in t for t in flat)
    assert any("job-1" in t and "OOMKilled exit code 137" in t for t in flat)
    assert not any(t.startswith("pod ok:") for t in flat)
    table = (
        "NAME                      READY   STATUS             RESTARTS   AGE\n"
        "web-5f6d-abc              0/1     ImagePullBackOff   0          3m\n"
        "api-7c9d-def              1/1     Running            0          3m\n"
    )
    rows = [text for _, text in kubernetes_facts({"pods": table})]
    assert any("web-5f6d-abc" in t and "ImagePullBackOff" in t for t in rows)
    assert not any("api-7c9d-def" in t for t in rows)
    as_yaml = "items:\n- metadata: {name: y-1}\n  status: {phase: Pending, reason: Unschedulable}\n"
    assert any("y-1" in t and "Pending" in t for _, t in kubernetes_facts({"pods": as_yaml}))


def test_events_in_every_shape_and_normal_ones_dropped() -> None:
    from healer_agent.routing.kube_facts import kubernetes_facts

    events = [
        {
            "type": "Warning",
            "reason": "FailedScheduling",
            "message": "0/3 nodes are available: 3 Insufficient memory.",
            "involvedObject": {"kind": "Pod", "name": "web-1"},
        },
        {
            "type": "Warning",
            "reason": "FailedMount",
            "note": 'configmap "web" not found',
            "regarding": {"kind": "Pod", "name": "web-2"},
        },
        {"reason": "Evicted", "message": "The node was low on resource: memory."},
        {"type": "Normal", "reason": "Pulled", "message": "Container image pulled"},
    ]
    found = [text for _, text in kubernetes_facts({"events": {"items": events}})]
    assert found[0] == (
        "event Warning FailedScheduling Pod/web-1: 0/3 nodes are available: 3 Insufficient memory."
    )
    assert found[1].startswith("event Warning FailedMount Pod/web-2: configmap")
    assert found[2] == "event Evicted: The node was low on resource: memory."
    assert len(found) == 3
    nodes = kubernetes_facts(
        {
            "nodes": [
                {
                    "metadata": {"name": "n1"},
                    "status": {
                        "conditions": [
                            {"type": "Ready", "status": "False", "message": "kubelet stopped"},
                            {"type": "DiskPressure", "status": "True"},
                        ]
                    },
                }
            ]
        }
    )
    assert [t for _, t in nodes] == ["node n1: NotReady kubelet stopped", "node n1: DiskPressure"]


def test_loki_lines_plain_logfmt_and_json_through_the_detectors() -> None:
    from healer_agent.routing.telemetry_facts import loki_facts

    lines = [
        'level=info ts=2026-01-01T00:00:00Z msg="reconciled" object=web',
        'time="2026-01-01T00:00:01Z" level=error msg="sync failed" err="ComparisonError: x"',
        '{"level":"warn","msg":"slow"}',
        '{"level":"error","message":"db unreachable","error":"dial tcp 10.0.0.5:5432: '
        'connect: connection refused"}',
        "2026-01-01T00:00:02Z Error: Cannot find module '/app/dist/server.js'",
        "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)",
        {"line": "thread 'main' panicked at src/main.rs:3:5:"},
    ]
    found = dict((text.split(" (")[0].split(" | ")[0], tool) for tool, text in loki_facts(lines))
    assert "reconciled" not in found and "slow" not in found
    assert found["sync failed"] in ("error", "argocd")
    assert "db unreachable" in found
    assert found["Error: Cannot find module '/app/dist/server.js'"] == "node"  # time dropped
    assert "thread 'main' panicked at src/main.rs:3:5:" in found
    joined = [text for _, text in loki_facts(lines)]
    assert any("node:internal/modules" in t for t in joined)  # the stack frame came along


def test_prometheus_values_series_api_bodies_summaries_and_alerts() -> None:
    from healer_agent.routing.telemetry_facts import prometheus_facts

    found = [
        text
        for _, text in prometheus_facts(
            {
                "ALERTS": [
                    {
                        "metric": {
                            "alertname": "KubePodCrashLooping",
                            "alertstate": "firing",
                            "namespace": "cto",
                        },
                        "value": [1, "1"],
                    },
                    {
                        "metric": {"alertname": "Watchdog", "alertstate": "inactive"},
                        "value": [1, "0"],
                    },
                ],
                "errors": 0.0,
                "restarts": {
                    "status": "success",
                    "data": {
                        "resultType": "vector",
                        "result": [{"metric": {"pod": "web-1"}, "value": [1, "14"]}],
                    },
                },
                "memory": [{"metric": {"pod": "r"}, "values": [[1, "100"], [2, "4.1e9"]]}],
                "summary": {"type": "matrix", "series": [{"labels": {"job": "api"}, "last": 3.0}]},
                'ALERTS{alertstate="pending"}': [
                    {
                        "metric": {"alertname": "KubeNodeNotReady", "alertstate": "pending"},
                        "value": [1, "1"],
                    }
                ],
            }
        )
    ]
    assert "alert KubePodCrashLooping firing namespace=cto" in found
    assert not any("Watchdog" in t for t in found)
    assert not any(t.startswith("metric errors") for t in found)
    assert "metric restarts pod=web-1 = 14" in found
    assert "metric memory pod=r = 4.1e+09" in found
    assert "metric summary job=api = 3" in found
    assert "alert KubeNodeNotReady pending" in found


def test_argocd_short_form_and_application_object_read_alike() -> None:
    from healer_agent.context.replay import argo_app, bundle_from_case
    from healer_agent.routing.facts import argocd_facts

    short = argo_app(
        {
            "name": "web",
            "sync_status": "OutOfSync",
            "health_status": "Degraded",
            "message": "ComparisonError: failed to load target state",
        }
    )
    full = argo_app(
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": "web"},
            "status": {
                "sync": {"status": "OutOfSync"},
                "health": {"status": "Degraded", "message": "1 pod crashing"},
                "operationState": {
                    "phase": "Failed",
                    "message": "one or more objects failed to apply",
                },
                "conditions": [
                    {"type": "ComparisonError", "message": "failed to load target state"}
                ],
                "resources": [
                    {
                        "kind": "Deployment",
                        "namespace": "cto",
                        "name": "web",
                        "status": "Synced",
                        "health": {"status": "Degraded", "message": "progress deadline"},
                    },
                    {
                        "kind": "Service",
                        "name": "web",
                        "status": "Synced",
                        "health": {"status": "Healthy"},
                    },
                ],
            },
        }
    )
    assert (short.sync_status, short.health_status) == (full.sync_status, full.health_status)
    assert "sync Failed: one or more objects failed to apply" in full.message
    assert "ComparisonError: failed to load target state" in full.message
    assert full.unhealthy_resources == ("Deployment/cto/web: Degraded (Synced): progress deadline",)
    texts = [f.text for f in argocd_facts((full,))]
    assert texts[0] == "argocd app web: sync OutOfSync, health Degraded"
    bundle = bundle_from_case(
        {
            "argocd": {"items": [{"metadata": {"name": "a"}, "status": {}}]},
            "pull_request": {"number": 1, "labels": [{"name": "infra"}, "deploy"]},
        }
    )
    assert [a.name for a in bundle.argocd] == ["a"]
    assert bundle.pull_request is not None and bundle.pull_request.labels == ("infra", "deploy")


def test_pull_request_labels_and_commit_subject_are_hints() -> None:
    from healer_agent.models import PullRequestInfo
    from healer_agent.routing.facts import change_facts

    context = ContextBundle(
        pull_request=PullRequestInfo(number=3, title="fix(helm): probe", labels=("infra",)),
        commit_message="fix(helm): probe\n\nbody",
    )
    facts = change_facts(context)
    assert [(f.source, f.text) for f in facts] == [
        ("pull_request", "title: fix(helm): probe"),
        ("pull_request", "label: infra"),
    ]
    decision = ROUTER.decide(incident("ci"), context)
    assert decision.agent is Agent.BOLT
    assert {e.source for e in decision.evidence} == {"pull_request"}
    assert not decision.obvious


def test_kubectl_event_tables_keep_their_messages() -> None:
    from healer_agent.routing.kube_facts import kubernetes_facts

    table = (
        "LAST SEEN   TYPE      REASON             OBJECT      MESSAGE\n"
        "2m          Warning   FailedScheduling   pod/web-1   0/3 nodes are available: 3 "
        "Insufficient memory.\n"
        "1m          Normal    Pulled             pod/api-2   Container image pulled\n"
    )
    assert [t for _, t in kubernetes_facts({"events": table})] == [
        "event Warning FailedScheduling pod/web-1: 0/3 nodes are available: 3 Insufficient memory."
    ]


def test_firing_alerts_error_spikes_file_changes_and_annotations_are_read() -> None:
    from healer_agent.models import ErrorRateSpike, FileChange, FiringAlert

    context = ContextBundle(
        firing_alerts=(
            FiringAlert(
                name="KubeNodeNotReady",
                severity="warning",
                labels={"node": "pool-a-1"},
                summary="node not ready",
            ),
        ),
        error_rate_spike=ErrorRateSpike(query="http_5xx", before=0.0, after=0.4, spiked=True),
        file_changes=(FileChange(filename="docs/a.md"),),
    )
    decision = ROUTER.decide(incident("nightly"), context)
    assert decision.agent is Agent.ATLAS
    assert any(
        e.source == "prometheus" and "KubeNodeNotReady" in e.detail for e in decision.evidence
    )
    assert "error rate spiked" in decision.summary
    checks = ContextBundle(
        annotations=(
            "src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
        )
    )
    decision = ROUTER.decide(incident("checks"), checks)
    assert (decision.agent, decision.failure_type) == (Agent.BLAZE, FailureType.FRONTEND_TYPECHECK)


def test_a_cause_for_one_agent_halves_the_hints_of_the_others() -> None:
    log = gh_log(("cargo build", RUSTC))
    decision = ROUTER.decide(
        incident("frontend-ci", "web"), ctx(log, "web", files=("web/src/app.ts",))
    )
    blaze = next(c for c in decision.candidates if c.agent is Agent.BLAZE)
    rex = next(c for c in decision.candidates if c.agent is Agent.REX)
    files = next(e for e in blaze.evidence if e.rule == "frontend-files")
    assert files.weight == pytest.approx(1.2 * 0.5)
    cause = next(e for e in rex.evidence if e.rule == "rustc-error")
    assert cause.weight == pytest.approx(3.0 * 1.0 * 2)  # the cause itself is untouched
    assert decision.agent is Agent.REX


def test_case_context_in_the_shapes_sources_return() -> None:
    from healer_agent.context.replay import bundle_from_case

    bundle = bundle_from_case(
        {
            "logs": [{"name": "build", "text": "x"}, {"job_name": "test", "log": "y"}],
            "changed_files": [{"filename": "k8s/a.yaml", "status": "modified"}, "src/b.rs"],
            "loki": {
                "status": "success",
                "data": {
                    "resultType": "streams",
                    "result": [
                        {"stream": {"app": "web"}, "values": [["1", 'level=error msg="boom"']]}
                    ],
                },
            },
            "kubernetes": [
                {
                    "kind": "Pod",
                    "metadata": {"name": "p"},
                    "status": {"phase": "Failed", "reason": "Evicted"},
                }
            ],
            "prometheus": [{"metric": {"alertname": "KubeNodeNotReady"}, "value": [1, "1"]}],
            "pull_request": 7,
            "commit_message": 42,
        }
    )
    assert [j.job_name for j in bundle.logs] == ["build", "test"]
    assert bundle.changed_files == ("k8s/a.yaml", "src/b.rs")
    assert bundle.loki == ('level=error msg="boom"',)
    assert bundle.pull_request is not None and bundle.pull_request.number == 7
    assert bundle.commit_message == "42"
    texts = [f.text for f in context_facts(bundle)]
    assert "pod p: phase Failed Evicted" in texts
    assert "alert KubeNodeNotReady firing" in texts
    assert "boom" in texts
    one = bundle_from_case(
        {"logs": "##[error]boom"}, {"workflow_job": {"name": "lint", "steps": []}}
    )
    assert one.logs[0].job_name == "lint"


def test_kubectl_describe_text_is_read_line_by_line() -> None:
    from healer_agent.routing.kube_facts import kubernetes_facts

    describe = (
        "Name:         web-1\nContainers:\n  web:\n    State:      Waiting\n"
        "      Reason:   CrashLoopBackOff\n    Last State: Terminated\n"
        "      Reason:   OOMKilled\n      Exit Code: 137\nEvents:\n"
        "  Type     Reason   Age  From     Message\n"
        "  Warning  BackOff  1m   kubelet  Back-off restarting failed container\n"
    )
    lines = [t for _, t in kubernetes_facts({"namespace": "cto", "pods": describe})]
    assert "Reason: CrashLoopBackOff" in lines and "Reason: OOMKilled" in lines
    assert "Name: web-1" not in lines
    decision = ROUTER.decide(
        incident("Deploy", "deploy"),
        ContextBundle(kubernetes={"pods": describe}, changed_files=("k8s/web/deployment.yaml",)),
    )
    assert decision.agent is Agent.BOLT


def test_argocd_cli_text_is_read_too() -> None:
    from healer_agent.context.replay import bundle_from_case

    text = (
        "Name:               argocd/web\nSync Status:        OutOfSync from main (abc123)\n"
        "Health Status:      Degraded\n\nCONDITION        MESSAGE\n"
        "ComparisonError  Failed to load target state: yaml: line 3\n"
    )
    app = bundle_from_case({"argocd": text}).argocd[0]
    assert (app.name, app.sync_status, app.health_status) == ("web", "OutOfSync", "Degraded")
    assert "Failed to load target state" in app.message


def test_context_findings_are_redacted_before_they_reach_the_decision() -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    context = ContextBundle(
        kubernetes={
            "events": [
                {
                    "type": "Warning",
                    "reason": "Failed",
                    "message": f"Failed to pull image: token {token} rejected: unauthorized",
                    "involvedObject": {"kind": "Pod", "name": "web-1"},
                }
            ]
        }
    )
    decision = ROUTER.decide(incident("Deploy"), context)
    assert token not in decision.summary
    assert all(token not in e.detail for c in decision.candidates for e in c.evidence)
    assert "[REDACTED" in decision.summary


def test_workloads_other_than_pods_report_their_failed_conditions() -> None:
    from healer_agent.routing.kube_facts import kubernetes_facts

    found = [
        t
        for _, t in kubernetes_facts(
            {
                "Deployments": [
                    {
                        "kind": "Deployment",
                        "metadata": {"name": "web"},
                        "status": {
                            "conditions": [
                                {"type": "Available", "status": "True"},
                                {
                                    "type": "Progressing",
                                    "status": "False",
                                    "reason": "ProgressDeadlineExceeded",
                                    "message": "timed out",
                                },
                            ]
                        },
                    }
                ],
                "jobs": {
                    "items": [
                        {
                            "metadata": {"name": "migrate"},
                            "status": {
                                "conditions": [
                                    {
                                        "type": "Failed",
                                        "status": "True",
                                        "reason": "BackoffLimitExceeded",
                                    }
                                ]
                            },
                        }
                    ]
                },
            }
        )
    ]
    assert found == [
        "deployment web: condition Progressing False ProgressDeadlineExceeded: timed out",
        "job migrate: condition Failed True BackoffLimitExceeded",
    ]


def test_old_restarts_of_a_ready_pod_are_history_not_a_crash() -> None:
    from healer_agent.routing.kube_facts import kubernetes_facts

    pod = {
        "metadata": {"name": "healer-1"},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {
                    "name": "healer",
                    "ready": True,
                    "restartCount": 2,
                    "state": {"running": {}},
                    "lastState": {"terminated": {"reason": "Completed", "exitCode": 0}},
                }
            ],
        },
    }
    # nothing wrong: only the one line that says so
    assert kubernetes_facts({"pods": [pod]}) == [
        ("", "pods: all 1 running and ready, no warning events")
    ]
    crashed = {
        "metadata": {"name": "healer-2"},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {
                    "name": "healer",
                    "ready": True,
                    "restartCount": 2,
                    "state": {"running": {}},
                    "lastState": {"terminated": {"reason": "Error", "exitCode": 101}},
                }
            ],
        },
    }
    assert "pod healer-2: container healer restarted 2 times" in [
        t for _, t in kubernetes_facts({"pods": [crashed]})
    ]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "status",
                    "phase",
                    "reason",
                    "message",
                    "type",
                    "metadata",
                    "values",
                    "value",
                    "metric",
                    "labels",
                    "items",
                    "containerStatuses",
                    "state",
                    "lastState",
                    "conditions",
                    "sync",
                    "health",
                    "operationState",
                    "resources",
                    "pods",
                    "events",
                    "nodes",
                    "line",
                    "data",
                    "result",
                    "number",
                    "title",
                    "filename",
                    "text",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "logs",
                "changed_files",
                "commit_message",
                "pull_request",
                "argocd",
                "loki",
                "prometheus",
                "kubernetes",
            ]
        ),
        _JSON,
        max_size=8,
    )
)
def test_any_context_shape_is_read_without_raising(context: dict[str, object]) -> None:
    from healer_agent.context.replay import bundle_from_case

    bundle = bundle_from_case(context, {"workflow_job": {"name": "build", "steps": []}})
    decision = ROUTER.decide(incident("ci"), bundle)
    assert 0.0 <= decision.confidence <= 1.0


def test_a_pull_request_number_no_integer_can_hold_reads_as_none() -> None:
    from healer_agent.context.replay import bundle_from_case

    for number in (float("inf"), float("nan"), "x", None):
        bundle = bundle_from_case({"pull_request": {"number": number, "title": "t"}}, {})
        assert bundle.pull_request is not None and bundle.pull_request.number == 0


@pytest.mark.parametrize(
    ("workflow", "command", "lines"),
    [
        (
            "Frontend CI",
            "go test ./...",
            [
                "--- FAIL: TestParse (0.00s)",
                "    parse_test.go:12: got 1, want 2",
                "FAIL",
                "FAIL\texample.com/x\t0.012s",
            ],
        ),
        (
            "Rust CI",
            "pytest -q",
            [
                "FAILED tests/test_a.py::test_x - AssertionError: assert 1 == 2",
                "1 failed, 3 passed in 0.12s",
            ],
        ),
    ],
)
def test_a_stack_no_specialist_owns_is_atlas_whatever_the_name(
    workflow: str, command: str, lines: list[str]
) -> None:
    decision = ROUTER.decide(incident(workflow, "test"), ctx(gh_log((command, lines)), "test"))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


def _curl_timeout_incident(changed: tuple[str, ...]) -> tuple[Incident, ContextBundle]:
    log = gh_log(
        (
            "curl -sSf --max-time 10 https://staging.example.dev/healthz",
            [
                "curl: (28) Operation timed out after 10002 milliseconds with 0 bytes received",
            ],
        ),
        exit_code=28,
    )
    healthy = {
        "metadata": {"name": "api-1"},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [
                {"name": "api", "ready": True, "restartCount": 0, "state": {"running": {}}}
            ],
        },
    }
    failed = incident(
        "deploy", "smoke", "Run curl -sSf --max-time 10 https://staging.example.dev/healthz"
    )
    context = ContextBundle(
        logs=(JobLog(job_name="smoke", text=log),),
        changed_files=changed,
        kubernetes={"pods": [healthy]},
        prometheus={'up{job="api"}': [{"metric": {"job": "api"}, "value": [1, "1"]}]},
    )
    return failed, context


def test_a_manifest_change_does_not_explain_a_timeout_when_the_service_is_up() -> None:
    failed, context = _curl_timeout_incident(("deploy/overlays/staging/kustomization.yaml",))
    assert ROUTER.decide(failed, context).agent is Agent.ATLAS
    # without Prometheus saying the service answers, the change explains the failed check
    unknown = context.model_copy(update={"prometheus": None})
    assert ROUTER.decide(failed, unknown).agent is Agent.BOLT


def test_a_test_that_lost_its_connection_is_the_network_not_the_code() -> None:
    log = gh_log(
        (
            "npx vitest run e2e",
            [
                " FAIL  e2e/api.test.js > lists runs",
                "TypeError: fetch failed",
                " \u276f e2e/api.test.js:4:15",
                "Caused by: Error: read ECONNRESET",
                " Test Files  1 failed (1)",
            ],
        )
    )
    decision = ROUTER.decide(incident("web", "e2e", "Run npx vitest run e2e"), ctx(log, "e2e"))
    assert decision.agent is Agent.ATLAS
    assert not decision.obvious  # a symptom: triage may still find the service's fault


@pytest.mark.parametrize(
    ("workflow", "files", "expected"),
    [
        ("cargo-deny", ("Cargo.lock",), FailureType.VULNERABLE_DEPENDENCY),
        ("trivy-image-scan", ("images/agent/Dockerfile",), FailureType.VULNERABLE_DEPENDENCY),
        ("zizmor", (".github/workflows/triage.yml",), FailureType.CODE_SCANNING_ALERT),
        ("anchore-scan", ("Dockerfile",), FailureType.VULNERABLE_DEPENDENCY),
        ("cargo-vet", ("Cargo.lock",), FailureType.VULNERABLE_DEPENDENCY),
        ("owasp-zap-baseline", ("src/App.tsx",), FailureType.CODE_SCANNING_ALERT),
        ("secretlint", ("src/config.ts",), FailureType.SECRET_SCANNING_ALERT),
    ],
)
def test_a_scanner_known_only_by_name_outranks_the_stack_it_scanned(
    workflow: str, files: tuple[str, ...], expected: FailureType
) -> None:
    # a sensor body: the workflow's name and the change are all there is
    decision = ROUTER.decide(incident(workflow, "run"), ContextBundle(changed_files=files))
    assert decision.agent is Agent.CIPHER
    assert decision.failure_type is expected


def test_a_pull_denied_in_docker_hubs_official_namespace_is_a_wrong_image_name() -> None:
    log = gh_log(
        (
            "docker buildx build .",
            [
                "#5 [internal] load metadata for docker.io/library/buidler:latest",
                "#5 ERROR: pull access denied, repository does not exist or may require"
                " authorization: server message: insufficient_scope: authorization failed",
                "ERROR: failed to build: failed to solve: buidler: failed to resolve source"
                " metadata for docker.io/library/buidler:latest: pull access denied, repository"
                " does not exist or may require authorization",
            ],
        )
    )
    decision = ROUTER.decide(incident("release", "image", "Run docker buildx build ."), ctx(log))
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.DOCKER_BUILD)


def test_a_runner_without_git_lfs_is_the_jobs_set_up() -> None:
    log = gh_log(
        (
            "git lfs pull",
            [
                "git: 'lfs' is not a git command. See 'git --help'.",
                "",
                "The most similar command is",
                "\tlog",
            ],
        )
    )
    decision = ROUTER.decide(incident("Rust CI", "test", "Run git lfs pull"), ctx(log))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GIT_ERROR)


def test_cargo_failing_after_the_registry_did_not_answer_is_the_network() -> None:
    log = gh_log(
        (
            "cargo fetch --locked",
            [
                "warning: spurious network error (1 try remaining): failed to get successful"
                " HTTP response from `https://index.crates.io/config.json`, got 503",
                "error: failed to get `serde` as a dependency of package `app v0.1.0`",
                "",
                "Caused by:",
                "  download of config.json failed",
            ],
        )
    )
    decision = ROUTER.decide(incident("clippy", "clippy", "Run cargo fetch --locked"), ctx(log))
    assert decision.agent is Agent.ATLAS
    assert not decision.obvious


def test_an_unexplained_network_error_beside_a_code_cause_is_not_obvious() -> None:
    failed = incident("Rust CI", "build", "Run cargo build")
    plain = ROUTER.decide(failed, ctx(gh_log(("cargo build", RUSTC)), files=("src/main.rs",)))
    assert plain.agent is Agent.REX and plain.obvious
    noisy = gh_log(
        ("cargo build", [*RUSTC, "curl: (7) Failed to connect to sccache.internal port 443"])
    )
    decision = ROUTER.decide(failed, ctx(noisy, files=("src/main.rs",)))
    assert decision.agent is Agent.REX  # the compile error still leads
    assert not decision.obvious
    assert "unexplained symptom" in decision.reason


@pytest.mark.parametrize(
    ("command", "lines"),
    [
        (
            "docker buildx build .",
            [
                "#8 [runtime 2/4] RUN apt-get update && apt-get install -y tini",
                "#8 0.986 W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease"
                "  503  Service Unavailable [IP: 151.101.2.132 80]",
                "#8 1.259 E: Unable to fetch some archives, maybe run apt-get update",
                '#8 ERROR: process "/bin/sh -c apt-get update && apt-get install -y tini" did not'
                " complete successfully: exit code: 100",
                'ERROR: failed to build: failed to solve: process "/bin/sh -c apt-get update &&'
                ' apt-get install -y tini" did not complete successfully: exit code: 100',
            ],
        ),
        (
            "docker buildx build .",
            [
                "#6 [build 4/4] RUN cargo build --release --locked",
                '#6 ERROR: process "/bin/sh -c cargo build --release --locked" did not complete'
                " successfully: exit code: 137",
                'ERROR: failed to build: failed to solve: process "/bin/sh -c cargo build --release'
                ' --locked" did not complete successfully: exit code: 137',
            ],
        ),
        (
            "kubectl apply -f deploy/",
            [
                'error: error validating "deploy/worker.yaml": error validating data: failed to'
                ' download openapi: Get "https://k8s.example.dev:6443/openapi/v2?timeout=3s":'
                " context deadline exceeded; if you choose to ignore these errors, turn validation"
                " off with --validate=false",
            ],
        ),
        (
            "npm ci",
            [
                "npm error code FETCH_ERROR",
                "npm error errno FETCH_ERROR",
                "npm error network timeout at: https://registry.npmjs.org/dayjs/-/dayjs-1.11.13.tgz",
            ],
        ),
        (
            "npx jest --ci",
            [
                "FAIL src/report.test.js",
                "  \u25cf Test suite failed to run",
                "    A jest worker process (pid=3141) was terminated by another process:"
                " signal=SIGKILL, exitCode=null. Operating system logs may contain more information.",
            ],
        ),
        (
            "cargo build --release",
            [
                "error: linking with `cc` failed: exit status: 1",
                "  = note: collect2: fatal error: ld terminated with signal 9 [Killed]",
            ],
        ),
        (
            "tag=$(yq '.image.tag' charts/app/values.yaml)",
            [
                "/home/runner/work/_temp/3b1f9d2e.sh: line 2: yq: command not found",
            ],
        ),
        (
            "npm ci",
            [
                "npm error code E500",
                "npm error 500 Internal Server Error - GET https://registry.npmjs.org/x/-/x-1.0.0.tgz",
            ],
        ),
        (
            "pip install -r requirements.txt",
            [
                "ERROR: Could not install packages due to an OSError:"
                " HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Max retries exceeded"
                " with url: /packages/x.whl (Caused by ResponseError('too many 503 error responses'))",
            ],
        ),
        (
            "kubectl apply -f preview/",
            [
                'error: error validating "preview/cm.yaml": error validating data: failed to download'
                " openapi: the server is currently unable to handle the request",
            ],
        ),
        (
            "docker compose up -d --wait",
            [
                'Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: TLS'
                " handshake timeout",
            ],
        ),
    ],
    ids=[
        "apt-503-in-image",
        "run-killed-137",
        "api-server-timeout",
        "npm-fetch",
        "jest-worker-killed",
        "linker-killed",
        "runner-lacks-a-tool",
        "npm-500",
        "pip-retries",
        "api-server-503",
        "daemon-tls",
    ],
)
def test_the_network_or_the_runner_under_a_tool_that_names_another_owner(
    command: str, lines: list[str]
) -> None:
    failed = incident("ci", "build", f"Run {command}")
    decision = ROUTER.decide(failed, ctx(gh_log((command, lines))))
    assert decision.agent is Agent.ATLAS, decision.evidence


def _ready(name: str) -> dict[str, object]:
    return {
        "metadata": {"name": name},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [
                {"name": "api", "ready": True, "restartCount": 0, "state": {"running": {}}}
            ],
        },
    }


def test_a_rollout_wait_that_outlived_a_healthy_rollout_is_not_the_change() -> None:
    log = gh_log(
        (
            "kubectl rollout status deployment/api --timeout=5m",
            ['error: deployment "api" exceeded its progress deadline'],
        )
    )
    failed = incident("deploy", "rollout", "Run kubectl rollout status deployment/api --timeout=5m")
    context = ContextBundle(
        logs=(JobLog(job_name="rollout", text=log),),
        changed_files=("apps/api/kustomization.yaml",),
        kubernetes={"pods": [_ready("api-1"), _ready("api-2")]},
    )
    assert ROUTER.decide(failed, context).agent is Agent.ATLAS
    # the same wait with a pod that is not ready: the change is the suspect again
    broken = dict(_ready("api-3"))
    broken["status"] = {"phase": "Pending", "reason": "ContainerCreating"}
    unhealthy = context.model_copy(update={"kubernetes": {"pods": [_ready("api-1"), broken]}})
    assert ROUTER.decide(failed, unhealthy).agent is Agent.BOLT


def test_memory_that_grew_after_a_code_change_is_the_codes() -> None:
    log = gh_log(
        (
            "curl -sSf https://staging.example.dev/healthz",
            ["curl: (22) The requested URL returned error: 503"],
        ),
        exit_code=22,
    )
    failed = incident("deploy", "smoke", "Run curl -sSf https://staging.example.dev/healthz")
    oom = {
        "metadata": {"name": "api-1"},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {
                    "name": "api",
                    "ready": False,
                    "restartCount": 3,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}},
                }
            ],
        },
    }
    series = [[1, "9.0e7"], [2, "2.0e8"], [3, "3.5e8"], [4, "5.0e8"]]
    context = ContextBundle(
        logs=(JobLog(job_name="smoke", text=log),),
        changed_files=("crates/api/src/cache.rs",),
        kubernetes={"pods": [oom]},
        prometheus={
            'container_memory_working_set_bytes{container="api"}[20m]': [
                {"metric": {"pod": "api-1"}, "values": series}
            ]
        },
    )
    decision = ROUTER.decide(failed, context)
    assert decision.agent is Agent.REX
    assert not decision.obvious


def test_a_download_that_fails_in_transport_is_the_network_beside_a_chart_change() -> None:
    # nothing of the change was deployed when the installer's download failed: the chart
    # change explains a failing check against the service, not this
    command = (
        "curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash"
    )
    log = gh_log(
        (command, ["curl: (35) OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number"])
    )
    decision = ROUTER.decide(
        incident("charts", "lint", f"Run {command}"),
        ctx(log, job="lint", files=("charts/app/values.yaml",)),
    )
    assert decision.agent is Agent.ATLAS
    assert not decision.obvious
    assert any(e.rule == "fetch-failed" for e in decision.evidence)


def test_the_same_transport_failure_in_a_check_of_the_deployed_service_yields_to_the_chart() -> (
    None
):
    command = "curl -fsS https://staging.example.com/healthz"
    log = gh_log(
        (command, ["curl: (35) OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number"])
    )
    decision = ROUTER.decide(
        incident("charts", "smoke", f"Run {command}"),
        ctx(log, job="smoke", files=("charts/app/templates/ingress.yaml",)),
    )
    assert decision.agent is Agent.BOLT
    assert not any(e.rule == "fetch-failed" for e in decision.evidence)


@pytest.mark.parametrize(
    "line",
    [
        "AssertionError [ERR_ASSERTION]: sandbox answered 502",
        "Error: request to the payments API failed with status 503",
        "batch response: Fatal error: Server error: https://github.com/o/r.git/info/lfs/objects/batch from HTTP 502",
    ],
)
def test_a_gateway_error_in_a_frontend_job_is_the_network_not_the_code(line: str) -> None:
    log = gh_log(("npm test", [line, "npm error Test failed.  See above for more details."]))
    decision = ROUTER.decide(
        incident("frontend", "test", "Run npm test"), ctx(log, job="test", files=("src/App.tsx",))
    )
    assert decision.agent is Agent.ATLAS
    assert not decision.obvious


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("npm error signal SIGKILL", "oom-killed"),
        ("[gw1] node down: Not properly terminated", "oom-killed"),
        ("npm error code ENOSPC", "oom-killed"),
        ("##[error]Process completed with exit code 143.", "run-cancelled"),
        (
            "##[error]This request was automatically failed because there were no enabled"
            " runners online to process the request for more than 1 days.",
            "runner-lost",
        ),
        (
            "Error: No files were found with the provided path: dist/. No artifacts will be"
            " uploaded.",
            "cache-miss",
        ),
        (
            "ERROR: toomanyrequests: You have reached your pull rate limit. You may increase the"
            " limit by authenticating and upgrading",
            "cache-miss",
        ),
    ],
)
def test_runner_and_platform_trouble_in_a_frontend_job_is_atlas(line: str, rule: str) -> None:
    log = gh_log(("npm run build", ["> app@1.0.0 build", "> vite build", line]))
    decision = ROUTER.decide(
        incident("frontend", "build", "Run npm run build"),
        ctx(log, job="build", files=("src/App.tsx",)),
    )
    assert decision.agent is Agent.ATLAS
    assert any(e.rule == rule for e in decision.evidence)


@pytest.mark.parametrize(
    ("line", "failure_type"),
    [
        (
            "fatal: detected dubious ownership in repository at '/__w/app/app'",
            FailureType.GIT_ERROR,
        ),
        ("remote: error: GH001: Large files detected.", FailureType.GIT_ERROR),
        ("error: src refspec release does not match any", FailureType.GIT_ERROR),
        (
            "Error: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable",
            FailureType.PERMISSIONS,
        ),
        (
            "Error: Could not assume role with OIDC: Not authorized to perform"
            " sts:AssumeRoleWithWebIdentity",
            FailureType.PERMISSIONS,
        ),
        (
            "Error: GitHub Actions is not permitted to create or approve pull requests.",
            FailureType.PERMISSIONS,
        ),
        ("Error: Missing download info for actions/cache@v1", FailureType.WORKFLOW_SYNTAX),
        (
            "##[error]The job was not started because recent account payments have failed or"
            " your spending limit needs to be increased.",
            FailureType.GENERAL,
        ),
        (
            "Error: Version 3.7 with arch x64 not found in the local cache",
            FailureType.GENERAL,
        ),
    ],
)
def test_github_platform_trouble_in_a_rust_job_is_atlas(
    line: str, failure_type: FailureType
) -> None:
    log = gh_log(("cargo build --release", [line]))
    decision = ROUTER.decide(
        incident("Rust CI", "build", "Run cargo build --release"),
        ctx(log, files=("src/main.rs",)),
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, failure_type)


@pytest.mark.parametrize(
    ("command", "line", "rule"),
    [
        (
            "pnpm install --frozen-lockfile",
            " ERR_PNPM_FETCH_502  GET https://registry.npmjs.org/react: Bad Gateway - 502",
            "fetch-failed",
        ),
        (
            "yarn install --immutable",
            "\u27a4 YN0035: The remote server failed to provide the requested resource",
            "fetch-failed",
        ),
        (
            "npm test",
            "java.net.SocketException: Connection reset",
            "network-flake",
        ),
        ("npm run build", "sccache: error: Server startup failed: Address in use", "runner-lost"),
    ],
)
def test_transport_and_cache_trouble_in_frontend_steps_is_atlas(
    command: str, line: str, rule: str
) -> None:
    log = gh_log((command, [line]))
    decision = ROUTER.decide(
        incident("frontend", "build", f"Run {command}"), ctx(log, files=("src/App.tsx",))
    )
    assert decision.agent is Agent.ATLAS
    assert any(e.rule == rule for e in decision.evidence)


@pytest.mark.parametrize(
    ("command", "wrapper"),
    [
        ("docker compose run --rm test", 'service "test" didn\'t complete successfully: exit 101'),
        ("bazel build //...", "FAILED: Build did NOT complete successfully"),
        ("nox -s tests", "nox > Session tests failed."),
    ],
)
def test_a_task_runner_yields_to_the_rust_error_inside_it(command: str, wrapper: str) -> None:
    log = gh_log((command, [*RUSTC, wrapper]))
    decision = ROUTER.decide(incident("CI", "test", f"Run {command}"), ctx(log, job="test"))
    assert decision.agent is Agent.REX
    wrapped = [e for c in decision.candidates for e in c.evidence if e.rule == "make-wrapper"]
    assert wrapped and all(e.weight < 1.0 for e in wrapped)


@pytest.mark.parametrize(
    ("command", "lines"),
    [
        (
            "pnpm install --frozen-lockfile",
            [
                "\u2009WARN\u2009 GET https://registry.npmjs.org/zod error (ERR_SOCKET_TIMEOUT).",
                "\u2009ERR_PNPM_META_FETCH_FAIL\u2009 GET https://registry.npmjs.org/zod: request to"
                " https://registry.npmjs.org/zod failed, reason: Socket timeout",
            ],
        ),
        (
            "terraform init -input=false",
            [
                "Error: Failed to download module",
                'Could not download module "vpc" (main.tf:1) source code from',
                '"https://artifacts.example.com/vpc-5.16.0.zip": bad',
                "response code: 503",
            ],
        ),
    ],
)
def test_a_download_that_failed_in_the_tools_own_words_is_the_network(
    command: str, lines: list[str]
) -> None:
    log = gh_log((command, lines))
    decision = ROUTER.decide(
        incident("infra", "plan", f"Run {command}"), ctx(log, files=("src/App.tsx", "main.tf"))
    )
    assert decision.agent is Agent.ATLAS
    assert any(e.rule == "fetch-failed" for e in decision.evidence)


def test_clippy_warnings_before_a_typescript_error_are_not_the_failure() -> None:
    lines = [
        "warning: this `if` has identical blocks",
        " --> src/lib.rs:4:5",
        "  |",
        "  = help: for further information visit"
        " https://rust-lang.github.io/rust-clippy/rust-1.95.0/index.html#if_same_then_else",
        "  = note: `#[warn(clippy::if_same_then_else)]` on by default",
        "warning: `app` (lib) generated 1 warning",
        "src/api.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    ]
    log = gh_log(("cargo clippy && (cd web && npx tsc -p .)", lines))
    decision = ROUTER.decide(
        incident("CI", "lint", "Run cargo clippy && (cd web && npx tsc -p .)"), ctx(log, "lint")
    )
    assert (decision.agent, decision.failure_type) == (Agent.BLAZE, FailureType.FRONTEND_TYPECHECK)


@pytest.mark.parametrize(
    ("command", "line", "failure_type"),
    [
        (
            "gh pr create --fill",
            "pull request create failed: GraphQL: GitHub Actions is not permitted to create or"
            " approve pull requests (createPullRequest)",
            FailureType.PERMISSIONS,
        ),
        (
            "git diff --name-only origin/main...HEAD",
            "fatal: origin/main...HEAD: no merge base",
            FailureType.GIT_ERROR,
        ),
    ],
)
def test_git_and_gh_trouble_in_a_rust_job_is_atlas(
    command: str, line: str, failure_type: FailureType
) -> None:
    log = gh_log((command, [line]))
    decision = ROUTER.decide(
        incident("Rust CI", "clippy", f"Run {command}"), ctx(log, "clippy", files=("src/lib.rs",))
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, failure_type)


def test_an_eviction_for_the_pods_own_ephemeral_storage_limit_is_the_manifests() -> None:
    event = {
        "type": "Warning",
        "reason": "Evicted",
        "involvedObject": {"kind": "Pod", "name": "indexer-1"},
        "message": "Pod ephemeral local storage usage exceeds the total limit of containers 64Mi.",
    }
    context = ContextBundle(
        logs=(JobLog(job_name="deploy", text=ROLLOUT),), kubernetes={"events": [event]}
    )
    decision = ROUTER.decide(incident("Deploy", "deploy", "Wait for rollout"), context)
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.K8S_MANIFEST)
    assert not any(e.rule == "network-flake" and e.weight > 1 for e in decision.evidence)


def test_a_service_without_endpoints_in_the_ingress_log_is_the_manifests() -> None:
    smoke = gh_log(
        (
            "curl -sSf https://staging.example.dev/health",
            ["curl: (22) The requested URL returned error: 503"],
        ),
        exit_code=22,
    )
    context = ContextBundle(
        logs=(JobLog(job_name="smoke", text=smoke),),
        loki=(
            'W1128 09:14:22.118204       7 controller.go:1214] Service "app/api" does not have'
            " any active Endpoint.",
        ),
    )
    decision = ROUTER.decide(incident("Deploy", "smoke"), context)
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.K8S_MANIFEST)


@pytest.mark.parametrize(
    "captured",
    [
        ["stderr | src/report.test.js > tracks the report view", "telemetry: ECONNREFUSED"],
        ["  console.error", "    Error: connect ECONNREFUSED 127.0.0.1:4318"],
    ],
    ids=["vitest", "jest"],
)
def test_a_connection_error_a_test_printed_is_not_why_the_run_failed(captured: list[str]) -> None:
    lines = [
        *captured,
        "",
        " FAIL  src/report.test.js > formats an empty report",
        "AssertionError: expected 'NaN%' to be '0%' // Object.is equality",
        " Test Files  1 failed (1)",
    ]
    log = gh_log(("npx vitest run", lines))
    decision = ROUTER.decide(incident("web", "test", "Run npx vitest run"), ctx(log, "test"))
    assert (decision.agent, decision.failure_type) == (Agent.BLAZE, FailureType.FRONTEND_TEST)
    assert not any("ECONNREFUSED" in line for line in decision.key_error_lines)


def test_a_connection_error_in_the_failing_tests_own_report_still_counts() -> None:
    lines = [
        " FAIL  src/api.test.js > loads the report",
        "TypeError: fetch failed",
        "Caused by: Error: connect ECONNREFUSED 10.0.0.7:443",
        " Test Files  1 failed (1)",
    ]
    log = gh_log(("npx vitest run", lines))
    decision = ROUTER.decide(incident("web", "test", "Run npx vitest run"), ctx(log, "test"))
    assert decision.agent is Agent.ATLAS


def test_a_deploy_wait_yields_to_the_code_whose_memory_grew() -> None:
    wait = gh_log(
        (
            "argocd app wait intake --health --timeout 300",
            ['level=fatal msg="Timed out (300s) waiting for app \\"intake\\" match desired state"'],
        ),
        exit_code=20,
    )
    rising = [[1764300000 + 1800 * n, str(74_000_000 + 38_000_000 * n)] for n in range(12)]
    context = ContextBundle(
        logs=(JobLog(job_name="deploy", text=wait),),
        changed_files=("crates/intake/src/dedupe.rs",),
        kubernetes={"pods": [_crashloop_pod("intake-1", exit_code=137)]},
        prometheus={
            'container_memory_working_set_bytes{container="intake"}': [
                {"metric": {"container": "intake"}, "values": rising}
            ]
        },
    )
    decision = ROUTER.decide(incident("deploy", "argocd-wait", "Run argocd app wait"), context)
    assert decision.agent is Agent.REX
    wrapper = next(e for c in decision.candidates for e in c.evidence if e.rule == "argocd-command")
    assert wrapper.weight < 1.0


def test_a_check_run_with_no_log_is_read_from_its_own_output() -> None:
    failed = incident("clippy", "clippy").model_copy(
        update={
            "check_output": "clippy\nThe job was not acquired by Runner of type hosted even after"
            " multiple attempts"
        }
    )
    decision = ROUTER.decide(failed, ContextBundle(changed_files=("crates/router/src/score.rs",)))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


@pytest.mark.parametrize(
    ("command", "lines", "agent", "failure_type"),
    [
        (
            "npx eslint server",
            [
                "/app/server/preview.js",
                '  5:22  error  Found readFile from package "node:fs/promises" with non literal'
                " argument at index 0  security/detect-non-literal-fs-filename",
                "\u2716 1 problem (1 error, 0 warnings)",
            ],
            Agent.CIPHER,
            FailureType.CODE_SCANNING_ALERT,
        ),
        (
            "npx lockfile-lint --path package-lock.json --allowed-hosts npm",
            [
                "detected invalid host(s) for package: date-fns@4.1.0",
                "    expected: registry.npmjs.org",
                "    actual: npm-cache.example.net",
            ],
            Agent.CIPHER,
            FailureType.VULNERABLE_DEPENDENCY,
        ),
        (
            "npx changeset status --since=origin/main",
            [
                "\U0001f98b  error Some packages have been changed but no changesets were found."
                " Run `changeset add` to resolve this error."
            ],
            Agent.ATLAS,
            FailureType.RELEASE_PUBLISH,
        ),
        (
            'npm version minor -m "release: v%s"',
            ["npm error Git working directory not clean."],
            Agent.ATLAS,
            FailureType.RELEASE_PUBLISH,
        ),
    ],
)
def test_security_linting_and_release_tooling_in_a_frontend_job(
    command: str, lines: list[str], agent: Agent, failure_type: FailureType
) -> None:
    log = gh_log((command, lines))
    decision = ROUTER.decide(
        incident("frontend", "check", f"Run {command}"),
        ctx(log, "check", files=("src/App.jsx", "package.json")),
    )
    assert (decision.agent, decision.failure_type) == (agent, failure_type)


def test_a_kill_after_the_programs_own_figures_climbed_is_the_codes() -> None:
    lines = [f"[index] {n} docs indexed, token cache {n} entries" for n in range(3000, 27000, 3000)]
    lines.append(
        "/home/runner/work/_temp/a.sh: line 1:  3141 Killed                  npm run build:index"
    )
    log = gh_log(("npm run build:index", lines), exit_code=137)
    grew = ROUTER.decide(
        incident("docs", "index", "Run npm run build:index"),
        ctx(log, "index", files=("scripts/build-index.mjs",)),
    )
    flat = gh_log(("npm run build:index", ["[index] building", lines[-1]]), exit_code=137)
    runner = ROUTER.decide(
        incident("docs", "index", "Run npm run build:index"),
        ctx(flat, "index", files=("scripts/build-index.mjs",)),
    )
    assert grew.agent is Agent.BLAZE
    assert runner.agent is Agent.ATLAS


def test_a_pattern_given_as_a_list_is_its_alternatives() -> None:
    signal = {"id": "x", "agent": "atlas", "type": "general", "where": "error_line", "weight": 1}
    listed = parse_rules(
        {"version": 2, "signals": [{**signal, "pattern": ["ECONNRESET", "EPIPE"]}]}
    )
    assert listed.signals[0].pattern.search("write EPIPE")
    assert not listed.signals[0].pattern.search("ENOENT")
    with pytest.raises(RulesError, match="pattern"):
        parse_rules({"version": 2, "signals": [{**signal, "pattern": [1]}]})


_ERROR_LINES = [
    *RUSTC,
    "curl: (7) Failed to connect to 127.0.0.1 port 8080: Connection refused",
    "Error: UPGRADE FAILED: template: chart/templates/deploy.yaml:3: bad",
    "make: *** [Makefile:12: test] Error 2",
    "npm ERR! code ELIFECYCLE",
    "FAILED tests/test_api.py::test_create - AssertionError",
    "ok",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_ERROR_LINES), min_size=1, max_size=4).map("\n".join))
def test_signals_split_across_sets_match_as_one_set_would(text: str) -> None:
    """A place's signals in several RE2 sets find what one set finds, in the same order."""
    from healer_agent.logs.patternset import Matcher
    from healer_agent.routing.rules import split_matcher

    signals = load_rules().at("error_line")
    whole = Matcher([(s.pattern, s) for s in signals])
    for size in (1, 7, 40, len(signals)):
        assert [s.id for s in split_matcher(signals, size).find(text)] == [
            s.id for s in whole.find(text)
        ], size


def test_a_large_place_is_matched_by_several_sets() -> None:
    """``error_line`` holds more signals than one set keeps within RE2's DFA budget."""
    from healer_agent.logs.patternset import Matcher
    from healer_agent.routing.rules import SET_SIZE

    rules = load_rules()
    assert len(rules.at("error_line")) > SET_SIZE
    assert not isinstance(rules.matcher("error_line"), Matcher)
    assert isinstance(rules.matcher("argocd"), Matcher)
