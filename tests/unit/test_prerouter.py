"""The pre-router on realistic failures: root cause over names, obvious only when clear."""

from __future__ import annotations

from pathlib import Path

import pytest

from healer_agent.models import (
    Agent,
    ArgoApp,
    ContextBundle,
    FailedStep,
    FailureType,
    Incident,
    JobLog,
    SecurityAlert,
)
from healer_agent.routing.prerouter import PreRouter
from healer_agent.routing.rules import RulesError, load_rules, parse_rules
from tests.unit.test_logs import RUSTC, gh_log


def incident(workflow: str, job: str = "build", step: str | None = None) -> Incident:
    steps = (FailedStep(job_name=job, name=step, conclusion="failure"),) if step else ()
    return Incident(kind="ci_failure", event_type="workflow_job", repository="o/r",
                    run_key="o/r#run:1:1", workflow_name=workflow, job_names=(job,),
                    failed_steps=steps, conclusion="failure")


def ctx(log: str, job: str = "build", files: tuple[str, ...] = ()) -> ContextBundle:
    return ContextBundle(logs=(JobLog(job_name=job, text=log),), changed_files=files)


ROUTER = PreRouter()

CLIPPY = ["    Checking healer v0.1.0", "error: unneeded `return` statement",
          " --> crates/healer/src/main.rs:4:5", "  |", "4 |     return x;",
          "  = help: for further information visit https://rust-lang.github.io/rust-clippy/master/index.html#needless_return",
          "  = note: `-D clippy::needless-return` implied by `-D warnings`",
          "error: could not compile `healer` (bin \"healer\") due to 1 previous error"]
DOCKER = ["#8 [builder 3/6] RUN cargo build --release", "#8 0.512 /bin/sh: 1: cargo: not found",
          "#8 ERROR: process \"/bin/sh -c cargo build --release\" did not complete successfully: exit code: 127",
          "------", "Dockerfile:9", "ERROR: failed to solve: process \"/bin/sh -c cargo build --release\" did not complete successfully: exit code: 127"]


def test_clippy_is_obvious_rex() -> None:
    decision = ROUTER.decide(incident("Controller CI", "lint-rust", "Run cargo clippy"),
                             ctx(gh_log(("cargo clippy --all-targets -- -D warnings", CLIPPY)),
                                 "lint-rust"))
    assert (decision.agent, decision.failure_type) == (Agent.REX, FailureType.RUST_CLIPPY)
    assert decision.obvious
    assert decision.evidence[0].signal in ("error_line", "step_command")
    assert "crates/healer/src/main.rs" in decision.suspect_files
    assert "needless" in decision.summary or "return" in decision.summary


def test_controller_ci_broken_in_its_dockerfile_goes_to_bolt() -> None:
    decision = ROUTER.decide(incident("controller-ci", "image"),
                             ctx(gh_log(("docker build -t controller .", DOCKER)), "image",
                                 files=("Dockerfile",)))
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.DOCKER_BUILD)
    assert decision.runner_up is None or decision.runner_up.agent is Agent.REX


def test_expired_token_in_frontend_ci_goes_to_atlas() -> None:
    log = gh_log(("git push origin HEAD:gh-pages",
                  ["remote: Permission to acme/web.git denied to github-actions[bot].",
                   "fatal: unable to access 'https://github.com/acme/web.git/': The requested URL returned error: 403"]))
    decision = ROUTER.decide(incident("frontend-ci", "deploy-docs"), ctx(log, "deploy-docs"))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)


def test_runner_lost_is_atlas_general() -> None:
    log = gh_log(("cargo test --workspace", ["   Compiling healer v0.1.0",
                                              "##[error]The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled."]))
    decision = ROUTER.decide(incident("Controller CI", "test"), ctx(log, "test"))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


def test_cargo_audit_is_cipher() -> None:
    log = gh_log(("cargo audit", ["Crate:     time", "Version:   0.1.45",
                                  "ID:        RUSTSEC-2020-0071",
                                  "error: 1 vulnerability found!"]))
    decision = ROUTER.decide(incident("Rust CI", "audit"), ctx(log, "audit"))
    assert (decision.agent, decision.failure_type) == (Agent.CIPHER,
                                                       FailureType.VULNERABLE_DEPENDENCY)


def test_first_error_wins_over_later_noise() -> None:
    noise = ["src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."]
    log = gh_log(("make all", RUSTC + noise * 3))
    decision = ROUTER.decide(incident("ci"), ctx(log))
    assert decision.agent is Agent.REX
    assert decision.runner_up is not None and decision.runner_up.agent is Agent.BLAZE
    assert not decision.obvious or decision.runner_up.score < decision.candidates[0].score


def test_merge_conflict_and_tsc() -> None:
    conflict = gh_log(("git merge origin/main", ["Auto-merging src/lib.rs",
                                                  "CONFLICT (content): Merge conflict in src/lib.rs",
                                                  "Automatic merge failed; fix conflicts and then commit the result."]))
    assert ROUTER.decide(incident("Controller CI"), ctx(conflict)).failure_type is \
        FailureType.MERGE_CONFLICT
    tsc = gh_log(("npx tsc --noEmit", ["src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."]))
    decision = ROUTER.decide(incident("web"), ctx(tsc))
    assert (decision.agent, decision.failure_type) == (Agent.BLAZE,
                                                       FailureType.FRONTEND_TYPECHECK)


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
    context = ContextBundle(argocd=(ArgoApp(name="web", sync_status="OutOfSync",
                                            health_status="Degraded"),))
    decision = ROUTER.decide(incident("deploy"), context)
    assert decision.agent is Agent.BOLT
    assert any(e.source == "argocd" for e in decision.evidence)


def test_security_alert_is_cipher_by_rule() -> None:
    alert = Incident(kind="security_alert", event_type="code_scanning_alert", repository="o/r",
                     run_key="o/r#alert:1", alert=SecurityAlert(alert_type="code_scanning_alert",
                                                                rule_id="js/xss"))
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
        parse_rules({"signals": [{"id": "x", "agent": "rex", "type": "helm", "where": "name",
                                  "pattern": "x", "weight": 1}]})
    with pytest.raises(RulesError, match="bad pattern"):
        parse_rules({"signals": [{"id": "y", "agent": "rex", "type": "rust_build",
                                  "where": "name", "pattern": "(", "weight": 1}]})
    bad = tmp_path / "rules.yaml"
    bad.write_text("signals: [")
    with pytest.raises(RulesError, match="invalid YAML"):
        load_rules(bad)
