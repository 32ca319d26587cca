"""The dispatcher redacts an incident's context once, at the source, and marks it so.

What is derived from a marked context (the findings, the stored evidence, the prompt) is
not scanned again: these tests pin that the result is the same text the unmarked path
(redacting at every step, and the whole prompt once more) gives, for contexts full of
real-shaped secrets, and that no secret is in it.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from healer_agent.dispatch.findings import context_findings
from healer_agent.dispatch.prompts import PromptRenderer
from healer_agent.logs import redact
from healer_agent.logs.redact import redact_model
from healer_agent.models import Agent, JobLog, default_failure_type
from healer_agent.pipeline.dispatcher import RedactedRouted, _context_status
from healer_agent.routing.base import Routed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
sys.path.insert(0, str(FIXTURES / "prompts"))
import rich_context  # noqa: E402

CORPUS = yaml.safe_load((FIXTURES / "secrets" / "corpus.yaml").read_text())


def _as_given(text: str) -> str:
    return text


def _secret_context() -> tuple[object, object, list[str]]:
    """The rich context with every corpus text in a log, Loki, the PR body and commit."""
    texts = [case["text"] for case in CORPUS]
    secrets = [case["secret"] for case in CORPUS]
    base = rich_context.context()
    logs = (
        *base.logs,
        JobLog(job_name="leaky", job_id=7, text="\n".join(texts), steps=base.logs[0].steps),
    )
    pr = base.pull_request.model_copy(update={"body": "\n".join(texts[:20])})
    context = base.model_copy(
        update={
            "logs": logs,
            "loki": (*base.loki, *texts[:30]),
            "pull_request": pr,
            "commit_message": texts[0],
        }
    )
    incident = rich_context.incident(commit_message=texts[1])
    return redact_model(incident), redact_model(context), secrets


@pytest.mark.parametrize("agent", list(Agent))
def test_a_marked_context_renders_what_redacting_every_step_renders(agent: Agent) -> None:
    incident, context, secrets = _secret_context()
    decision = rich_context.decision(agent).model_copy(
        update={"failure_type": default_failure_type(agent)}
    )
    history = [{"attempt": 1, "agent": "rex", "outcome": "failed", "reason": CORPUS[2]["text"]}]
    renderer = PromptRenderer(redact)
    full = context_findings(context, redact)
    once = context_findings(context, _as_given)
    assert once == full
    before = renderer.render(incident, decision, context, findings=full, history=history)
    after = renderer.render(
        incident, decision, context, findings=once, history=history, redacted=True
    )
    assert after == before
    assert _context_status(context, once, redacted=True) == _context_status(
        context, full, redacted=False
    )
    leaked = [s for s in secrets if len(s) >= 12 and s in after]
    assert not leaked


def test_the_marker_survives_a_changed_decision_and_nothing_else_carries_it() -> None:
    incident, context, _ = _secret_context()
    marked = RedactedRouted(incident, context, rich_context.decision(), "sig")
    handed = dataclasses.replace(marked, decision=rich_context.decision(Agent.REX))
    assert isinstance(handed, RedactedRouted)
    assert not isinstance(Routed(incident, context, rich_context.decision(), "s"), RedactedRouted)


def test_an_unmarked_render_still_redacts_each_value_and_the_whole() -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    context = rich_context.context(loki=(f"token={token}",))
    text = PromptRenderer(redact).render(rich_context.incident(), rich_context.decision(), context)
    assert token not in text


@pytest.mark.parametrize("case", CORPUS[:40], ids=lambda c: c["name"])
def test_an_incident_normalised_from_a_redacted_body_is_redacted_already(
    case: dict[str, Any],
) -> None:
    """The dispatcher does not scan an incident built from its deliveries' stored views."""
    from healer_agent.logs.redact import redact_json
    from healer_agent.pipeline.stage import incident_of
    from tests.conftest import load_fixture

    body = load_fixture("workflow_job/completed-1.json")
    job = body["workflow_job"]
    job["conclusion"] = "failure"
    job["name"] = case["text"].splitlines()[0]
    job["workflow_name"] = case["text"]
    job["head_branch"] = case["text"].splitlines()[-1][:200]
    for step in job["steps"]:
        step["name"], step["conclusion"] = case["text"], "failure"
    incident = incident_of("github", "workflow_job", redact_json(body))
    assert redact_model(incident) == incident
    assert case["secret"] not in incident.model_dump_json()
