"""Dedup keys and the CodeRun name (pure). The store enforces them with unique rows.

Three guards, as the design lists them: one incident per workflow run (the incident's unique
``run_key``), one remediation per branch within the window (claim ``branch:…``), and one
active remediation per repo/branch/agent (claim ``active:…``). The CodeRun name is derived
from the run key, so two replicas that both got through would still collide on a 409.
"""

from __future__ import annotations

import hashlib
import re

from healer_agent.models import Agent, Incident

_LABEL_BAD = re.compile(r"[^A-Za-z0-9_.-]")


def branch_claim_key(incident: Incident) -> str | None:
    """The branch-window key; None where a window makes no sense (alerts, no branch)."""
    if incident.kind != "ci_failure" or not incident.branch:
        return None
    return f"branch:{incident.repository}:{incident.branch}"


def active_claim_key(incident: Incident, agent: Agent) -> str | None:
    """The active-remediation key for a repo/branch/agent."""
    if not incident.branch:
        return None
    return f"active:{incident.repository}:{incident.branch}:{agent.value}"


def coderun_name(incident: Incident, agent: Agent, attempt: int = 1) -> str:
    """``healer-ci-{agent}-{8 hex}``: deterministic per failure and attempt."""
    seed = incident.run_key if attempt == 1 else f"{incident.run_key}#attempt:{attempt}"
    digest = hashlib.sha256(seed.encode()).hexdigest()[:8]
    return f"healer-ci-{agent.value}-{digest}"


def sanitize_label(value: str) -> str:
    """A Kubernetes label value: allowed characters only, ≤63, alnum at both ends."""
    cleaned = _LABEL_BAD.sub("-", value)[:63]
    return cleaned.strip("-_.")
