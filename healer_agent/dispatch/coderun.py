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
    """A Kubernetes label value: allowed characters only, ≤63, alnum at both ends.

    Cut first, then trimmed, so a long value never ends on a separator; the result may be
    empty (use ``label_value`` where a label must have a value).
    """
    return _LABEL_BAD.sub("-", value)[:63].strip("-_.")


def label_value(value: object, default: str = "none") -> str:
    """A valid, non-empty Kubernetes label value for anything.

    A negative number keeps its sign as ``n`` (``-5`` → ``n5``), a number longer than 63
    digits keeps its last digits (ids differ at the end), and text is sanitised.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(abs(value))
        sign = "n" if value < 0 else ""
        return sign + digits[-(63 - len(sign)) :]
    return sanitize_label(str(value)) or default


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


CRD_SPEC_FIELDS = frozenset(
    {
        "runType",
        "taskId",
        "service",
        "repositoryUrl",
        "docsRepositoryUrl",
        "docsProjectDirectory",
        "docsBranch",
        "workingDirectory",
        "model",
        "githubUser",
        "githubApp",
        "localTools",
        "remoteTools",
        "contextVersion",
        "promptModification",
        "acceptanceCriteria",
        "continueSession",
        "overwriteMemory",
        "env",
        "envFromSecrets",
        "enableDocker",
        "taskRequirements",
        "serviceAccountName",
        "cliConfig",
    }
)
"""The spec fields of ``deploy/crds/coderun-crd.yaml`` (a test keeps the two equal), so a
manifest with a field the platform would prune fails here, not silently in the cluster."""


def agent_spec(settings: CodeRunSettings, agent: Agent) -> dict[str, Any]:
    """The per-agent part of the spec: model, CLI, tools and acceptance criteria."""
    run = settings.for_agent(agent.value)
    model = run.model or settings.model
    spec: dict[str, Any] = {
        "model": model,
        "cliConfig": {"cliType": run.cli or settings.cli, "model": model},
    }
    if run.remote_tools:
        spec["remoteTools"] = ",".join(run.remote_tools)
    if run.local_tools:
        spec["localTools"] = ",".join(run.local_tools)
    if run.acceptance_criteria:
        spec["acceptanceCriteria"] = run.acceptance_criteria
    return spec


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
        "healer/failure-type": label_value(decision.failure_type.value),
        "healer/workflow-run-id": label_value(incident.run_id or 0),
        "healer/branch": label_value(incident.branch),
        "healer/task-id": label_value(task_id(incident)),
        "healer/attempt": label_value(attempt),
    }
    env = {
        "HEALER_TASK_ID": task_id(incident),
        "FAILURE_TYPE": decision.failure_type.value,
        "WORKFLOW_RUN_ID": str(incident.run_id or 0),
        "PR_NUMBER": str(incident.pr_numbers[0] if incident.pr_numbers else 0),
        "TARGET_BRANCH": incident.branch,
        "REPOSITORY": incident.repository,
    }
    manifest: dict[str, Any] = {
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
            "repositoryUrl": repo_url,
            "docsRepositoryUrl": repo_url,
            "workingDirectory": ".",
            "docsProjectDirectory": "docs",
            "docsBranch": "develop",
            "runType": "implementation",
            "promptModification": prompt,
            "env": env,
            **agent_spec(settings, agent),
        },
    }
    unknown = set(manifest["spec"]) - CRD_SPEC_FIELDS
    if unknown:  # a programming error: the CRD would prune these fields
        raise ValueError(f"CodeRun spec fields not in the CRD: {sorted(unknown)}")
    return manifest
