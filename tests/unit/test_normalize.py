"""Normalising real GitHub payloads into incidents."""

from __future__ import annotations

import copy
from types import MappingProxyType

import pytest

from healer_agent.intake.normalize import PayloadError, normalize, sniff_event
from healer_agent.intake.payloads import unwrap
from healer_agent.models import Agent
from tests.conftest import load_fixture


def test_workflow_job_failure() -> None:
    incident = normalize("workflow_job", load_fixture("workflow_job/completed-1.json"))
    assert incident.kind == "ci_failure"
    assert incident.run_key == "Codertocat/Hello-World#run:2202229078:1"
    assert incident.job_names == ("linters",)
    assert [s.name for s in incident.failed_steps] == ["Run yarn run format-check"]
    assert incident.sender == "Codertocat"


def test_jobs_of_one_run_share_the_run_key() -> None:
    job = load_fixture("workflow_job/completed-1.json")
    other = copy.deepcopy(job)
    other["workflow_job"]["id"] = 1
    other["workflow_job"]["name"] = "tests"
    assert normalize("workflow_job", job).run_key == normalize("workflow_job", other).run_key
    rerun = copy.deepcopy(job)
    rerun["workflow_job"]["run_attempt"] = 2
    assert normalize("workflow_job", rerun).run_key != normalize("workflow_job", job).run_key


def test_workflow_run_failure_has_commit_message_and_prs() -> None:
    payload = load_fixture("workflow_run/completed-3.json")
    payload["workflow_run"]["conclusion"] = "failure"
    incident = normalize("workflow_run", payload)
    assert incident.kind == "ci_failure"
    assert incident.pr_numbers == (2,)
    assert incident.commit_message


def test_success_is_lifecycle_and_in_progress_is_ignored() -> None:
    assert (
        normalize("workflow_job", load_fixture("workflow_job/completed-2.json")).kind == "lifecycle"
    )
    assert (
        normalize("workflow_job", load_fixture("workflow_job/in_progress-1.json")).kind == "ignored"
    )


def test_security_alerts() -> None:
    dependabot = normalize("dependabot_alert", load_fixture("dependabot_alert/created.json"))
    assert dependabot.kind == "security_alert"
    assert dependabot.alert is not None
    assert dependabot.alert.package_name == "semver"
    assert dependabot.alert.patched_version == "7.5.2"
    scanning = normalize("code_scanning_alert", load_fixture("code_scanning_alert/created.json"))
    assert scanning.alert is not None and scanning.alert.tool
    fixed = normalize("dependabot_alert", load_fixture("dependabot_alert/fixed-1.json"))
    assert fixed.kind == "lifecycle" and fixed.lifecycle == {"alert_fixed": True}
    assert fixed.run_key.startswith(f"{fixed.repository}#alert:dependabot_alert:")


def test_healer_command_in_pr_comment() -> None:
    payload = load_fixture("issue_comment/created-4.json")
    payload["comment"]["body"] = "please\n/healer fix bolt"
    payload["issue"]["pull_request"] = {"url": "u"}
    incident = normalize("issue_comment", payload)
    assert incident.kind == "command"
    assert incident.command is not None
    assert incident.command.verb == "fix"
    assert incident.command.agent is Agent.BOLT
    assert incident.command.is_pull_request
    edited = dict(payload, action="edited")
    assert normalize("issue_comment", edited).kind == "ignored"


def test_requested_action_is_a_command() -> None:
    incident = normalize("check_run", load_fixture("check_run/requested_action-1.json"))
    assert incident.command is not None and incident.command.verb == "remediate"


@pytest.mark.parametrize(
    "event,payload,missing",
    [
        ("workflow_job", {"workflow_job": {}}, ["repository", "workflow_job.run_id"]),
        ("workflow_run", {"repository": {"full_name": "a/b"}}, ["workflow_run"]),
        ("dependabot_alert", {"repository": {"full_name": "a/b"}}, ["alert"]),
    ],
)
def test_missing_fields_are_named(
    event: str, payload: dict[str, object], missing: list[str]
) -> None:
    with pytest.raises(PayloadError) as info:
        normalize(event, payload)
    assert info.value.fields == missing


def test_unknown_event_is_ignored_not_an_error() -> None:
    assert normalize("deployment", {"repository": {"full_name": "a/b"}}).kind == "ignored"


def test_sniff_and_unwrap_envelopes() -> None:
    job = load_fixture("workflow_job/completed-1.json")
    assert sniff_event(job) == "workflow_job"
    assert unwrap({"body": job}).event == "workflow_job"
    wrapped = unwrap(
        {"context": {}, "data": {"headers": {"X-Github-Delivery": ["g1"]}, "body": job}}
    )
    assert (wrapped.event, wrapped.delivery_id) == ("workflow_job", "g1")
    with pytest.raises(PayloadError):
        unwrap({"hello": 1})


def test_unwrap_reads_any_mapping_and_header_case() -> None:
    job = MappingProxyType(load_fixture("workflow_job/completed-1.json"))
    envelope = MappingProxyType(
        {"event": "", "header": {"X-GITHUB-EVENT": ["check_run"]}, "body": job}
    )
    unwrapped = unwrap({"context": {}, "data": envelope})
    assert (unwrapped.event, unwrapped.body) == ("check_run", job)
    assert sniff_event(MappingProxyType({"workflow_run": MappingProxyType({})})) == "workflow_run"
    assert unwrap({"event": "", "body": job}).event == "workflow_job"


@pytest.mark.loop
def test_push_carries_the_head_commit_and_its_skip_marker() -> None:
    payload = copy.deepcopy(load_fixture("push/default-5.json"))
    payload["head_commit"] = {"message": "wip [SKIP-HEALER]"}
    incident = normalize("push", payload)
    assert incident.kind == "lifecycle" and incident.event_type == "push"
    assert incident.head_sha == payload["after"]
    assert incident.branch == payload["ref"].removeprefix("refs/heads/")
    assert incident.lifecycle["skip_marker"] == "[skip-healer]"
    payload["head_commit"] = {"message": "feat: x"}
    assert normalize("push", payload).lifecycle["skip_marker"] is None
    tag = copy.deepcopy(payload)
    tag["ref"] = "refs/tags/v1"
    assert normalize("push", tag).kind == "ignored"


@pytest.mark.loop
def test_check_suite_failure_of_external_ci_is_a_failure() -> None:
    payload = copy.deepcopy(load_fixture("check_suite/completed-1.json"))
    payload["check_suite"].update(
        conclusion="failure", app={"slug": "buildkite", "name": "Buildkite"}
    )
    incident = normalize("check_suite", payload)
    assert incident.kind == "ci_failure" and incident.workflow_name == "Buildkite"
    assert incident.run_key.endswith("#suite:118578147")
    actions = copy.deepcopy(load_fixture("check_suite/completed-2.json"))
    actions["check_suite"]["conclusion"] = "failure"
    assert normalize("check_suite", actions).kind == "lifecycle"
    assert normalize("check_suite", load_fixture("check_suite/completed-1.json")).lifecycle == {
        "conclusion": "success"
    }


@pytest.mark.loop
def test_comment_commands_carry_what_github_signs() -> None:
    payload = copy.deepcopy(load_fixture("issue_comment/created-4.json"))
    payload["comment"]["body"] = "/healer retry"
    payload["comment"]["updated_at"] = "2026-11-28T10:00:00Z"
    incident = normalize("issue_comment", payload)
    assert incident.command is not None
    assert incident.command.comment_id == payload["comment"]["id"]
    assert incident.lifecycle["updated_at"] == "2026-11-28T10:00:00Z"


@pytest.mark.loop
def test_remediate_button_carries_the_check_completion() -> None:
    payload = load_fixture("check_run/requested_action-2.json")
    incident = normalize("check_run", payload)
    assert incident.command is not None and incident.command.verb == "remediate"
    assert incident.lifecycle["completed_at"] == (payload["check_run"]["completed_at"] or "")


def test_a_check_runs_own_output_is_kept_for_routing() -> None:
    payload = load_fixture("check_run/completed-1.json")
    payload["check_run"]["conclusion"] = "failure"
    payload["check_run"]["output"] = {
        "title": "clippy",
        "summary": "The job was not acquired by Runner of type hosted even after multiple attempts",
        "text": None,
        "annotations_count": 1,
    }
    incident = normalize("check_run", payload)
    assert incident.check_output == (
        "clippy\nThe job was not acquired by Runner of type hosted even after multiple attempts"
    )
