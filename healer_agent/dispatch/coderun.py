"""The CodeRun manifest (``agents.platform/v1``), as the platform's CRD requires it.

Deterministic name, the labels the design lists (branch sanitised to label syntax), and
the env the agents read. Pure: the sink decides where it goes.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from healer_agent.config import CodeRunSettings
from healer_agent.models import Agent, Incident, RoutingDecision

API_VERSION = "agents.platform/v1"
KIND = "CodeRun"
GROUP, VERSION, PLURAL = "agents.platform", "v1", "coderuns"

_LABEL_BAD = re.compile(r"[^A-Za-z0-9_.-]")

def coderun_name(incident: Incident, agent: Agent, attempt: int = 1) -> str:
    """``healer-ci-{agent}-{8 hex}``: deterministic per failure and attempt."""
    seed = incident.run_key if attempt == 1 else f"{incident.run_key}#attempt:{attempt}"
    digest = hashlib.sha256(seed.encode()).hexdigest()[:8]
    return f"healer-ci-{agent.value}-{digest}"


def sanitize_label(value: str) -> str:
    """A Kubernetes label value: allowed characters only, ≤63, alnum at both ends."""
    cleaned = _LABEL_BAD.sub("-", value)[:63]
    return cleaned.strip("-_.")


GITHUB_APP: dict[Agent, str] = {
    Agent.REX: "5DLabs-Rex",
    Agent.BLAZE: "5DLabs-Blaze",
    Agent.BOLT: "5DLabs-Bolt",
    Agent.CIPHER: "5DLabs-Cipher",
    Agent.ATLAS: "5DLabs-Atlas",
}


def task_id(incident: Incident) -> str:
    """``ci-<run id>`` for CI runs (the Rust Healer's form), else a key-derived id."""
    if incident.run_id is not None:
        return f"ci-{incident.run_id}"
    return sanitize_label(incident.run_key.replace("#", "-").replace(":", "-"))


def build_coderun(
    incident: Incident,
    decision: RoutingDecision,
    prompt: str,
    settings: CodeRunSettings,
    namespace: str,
    *,
    attempt: int = 1,
) -> dict[str, Any]:
    """The CodeRun custom object for one remediation attempt."""
    agent = decision.agent
    repo_url = f"https://github.com/{incident.repository}"
    labels = {
        "app.kubernetes.io/name": "healer",
        "healer/agent": agent.value,
        "healer/failure-type": sanitize_label(decision.failure_type.value),
        "healer/workflow-run-id": str(incident.run_id or 0),
        "healer/branch": sanitize_label(incident.branch) or "none",
        "healer/task-id": task_id(incident),
        "healer/attempt": str(attempt),
    }
    env = {
        "HEALER_TASK_ID": task_id(incident),
        "FAILURE_TYPE": decision.failure_type.value,
        "WORKFLOW_RUN_ID": str(incident.run_id or 0),
        "PR_NUMBER": str(incident.pr_numbers[0] if incident.pr_numbers else 0),
        "TARGET_BRANCH": incident.branch,
        "REPOSITORY": incident.repository,
    }
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {
            "name": coderun_name(incident, agent, attempt),
            "namespace": namespace,
            "labels": labels,
            "annotations": {
                "healer/run-key": incident.run_key[:250],
                "healer/decided-by": decision.decided_by,
                "healer/confidence": f"{decision.confidence:.2f}",
            },
        },
        "spec": {
            "service": "healer-ci",
            "githubApp": GITHUB_APP[agent],
            "model": settings.model,
            "repositoryUrl": repo_url,
            "docsRepositoryUrl": repo_url,
            "workingDirectory": ".",
            "docsProjectDirectory": "docs",
            "docsBranch": "develop",
            "runType": "implementation",
            "promptModification": prompt,
            "env": env,
            "cliConfig": {"cliType": settings.cli, "model": settings.model},
        },
    }
