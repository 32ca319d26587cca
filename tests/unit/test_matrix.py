"""The design matrix, row by row: every column of every row, and first-match-wins."""

from __future__ import annotations

import pytest

from healer_agent.models import Agent, ArgoApp, ContextBundle, FailureType, Incident, JobLog
from healer_agent.routing.matrix import MatrixRouter, decide, slug


def ci(workflow: str = "build", job: str = "job", **kw: object) -> Incident:
    return Incident(
        kind="ci_failure",
        event_type="workflow_job",
        repository="o/r",
        run_key="o/r#run:1:1",
        workflow_name=workflow,
        job_names=(job,),
        **kw,
    )


def logs(text: str) -> ContextBundle:
    return ContextBundle(logs=(JobLog(job_name="job", text=text),))


def files(*paths: str) -> ContextBundle:
    return ContextBundle(changed_files=paths)


@pytest.mark.parametrize(
    "incident,context,agent,failure_type,row",
    [
        # row 1: Rust, by workflow, log and file
        (ci("Controller CI"), ContextBundle(), Agent.REX, FailureType.RUST_BUILD, 1),
        (ci("healer-lint"), ContextBundle(), Agent.REX, FailureType.RUST_BUILD, 1),
        (ci(), logs("warning: run cargo clippy"), Agent.REX, FailureType.RUST_CLIPPY, 1),
        (ci(), logs("running cargo test --all"), Agent.REX, FailureType.RUST_TEST, 1),
        (ci(), files("crates/x/src/lib.rs"), Agent.REX, FailureType.RUST_BUILD, 1),
        # row 2: frontend
        (ci("frontend-build"), ContextBundle(), Agent.BLAZE, FailureType.FRONTEND_BUILD, 2),
        (ci("UI checks"), ContextBundle(), Agent.BLAZE, FailureType.FRONTEND_BUILD, 2),
        (ci(), logs("eslint found 3 problems"), Agent.BLAZE, FailureType.FRONTEND_LINT, 2),
        (ci(), logs("$ tsc --noEmit"), Agent.BLAZE, FailureType.FRONTEND_TYPECHECK, 2),
        (ci(), files("web/package.json"), Agent.BLAZE, FailureType.FRONTEND_BUILD, 2),
        # row 3: infrastructure
        (ci("docker-images"), ContextBundle(), Agent.BOLT, FailureType.YAML_CONFIG, 3),
        (ci(), logs("docker build -t x ."), Agent.BOLT, FailureType.DOCKER_BUILD, 3),
        (ci(), logs("Error: helm template failed"), Agent.BOLT, FailureType.HELM, 3),
        (ci(), files("Dockerfile"), Agent.BOLT, FailureType.YAML_CONFIG, 3),
        # row 4: Argo CD / GitOps
        (ci("gitops-validate"), ContextBundle(), Agent.BOLT, FailureType.ARGOCD_SYNC, 4),
        (
            ci(),
            ContextBundle(argocd=(ArgoApp(name="a", sync_status="OutOfSync"),)),
            Agent.BOLT,
            FailureType.ARGOCD_SYNC,
            4,
        ),
        (ci(), files("applications/app.json"), Agent.BOLT, FailureType.ARGOCD_SYNC, 4),
        # row 7: merge conflicts
        (
            ci(),
            logs("CONFLICT (content): Merge conflict in a.txt"),
            Agent.ATLAS,
            FailureType.MERGE_CONFLICT,
            7,
        ),
        # row 8: release / deploy
        (ci("deploy-prod"), ContextBundle(), Agent.ATLAS, FailureType.WORKFLOW_SYNTAX, 8),
        (ci(), logs("denied: permission to push"), Agent.ATLAS, FailureType.PERMISSIONS, 8),
        (ci(), files(".github/workflows/ci.yml"), Agent.ATLAS, FailureType.WORKFLOW_SYNTAX, 8),
    ],
)
def test_each_row(
    incident: Incident, context: ContextBundle, agent: Agent, failure_type: FailureType, row: int
) -> None:
    decision = decide(incident, context)
    assert decision.agent is agent
    assert decision.failure_type is failure_type
    assert decision.evidence[0].rule == f"matrix-row-{row}"
    assert (
        decision.evidence[0].source
        == {"workflow_name": "names", "error_line": "log", "changed_file": "files"}[
            decision.evidence[0].signal
        ]
    )


@pytest.mark.parametrize(
    "event,failure_type",
    [
        ("dependabot_alert", FailureType.DEPENDABOT_ALERT),
        ("code_scanning_alert", FailureType.CODE_SCANNING_ALERT),
        ("secret_scanning_alert", FailureType.SECRET_SCANNING_ALERT),
    ],
)
def test_security_rows_route_alerts_to_cipher(event: str, failure_type: FailureType) -> None:
    incident = Incident(
        kind="security_alert", event_type=event, repository="o/r", run_key=f"o/r#alert:{event}:1"
    )
    decision = decide(incident, ContextBundle())
    assert decision.agent is Agent.CIPHER
    assert decision.failure_type is failure_type
    assert decision.evidence[0].rule == "matrix-row-5"


def test_first_match_wins_so_workflow_names_beat_logs() -> None:
    # The matrix's known weakness: a controller-ci Dockerfile failure goes to rex.
    decision = decide(ci("controller-ci"), logs("ERROR: failed to solve: docker build"))
    assert decision.agent is Agent.REX


def test_no_match_defaults_to_atlas_general() -> None:
    decision = decide(ci("nightly"), logs("something odd happened"))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)
    assert decision.evidence == ()


def test_slug() -> None:
    assert slug("Controller CI") == "controller-ci"
    assert slug("  UI / Checks ") == "ui-checks"


async def test_router_protocol() -> None:
    decision = await MatrixRouter().route(ci("Controller CI"), ContextBundle())
    assert decision.decided_by == "rule"
