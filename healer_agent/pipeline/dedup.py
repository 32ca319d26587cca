"""Dedup keys and the CodeRun name (pure). The store enforces them with unique rows.

Three guards, as the design lists them: one incident per workflow run (the incident's unique
``run_key``), one remediation per branch within the window (claim ``branch:…``), and one
active remediation per repo/branch/agent (claim ``active:…``). The CodeRun name is derived
from the run key, so two replicas that both got through would still collide on a 409.
"""

from __future__ import annotations

from healer_agent.dispatch.coderun import coderun_name
from healer_agent.models import Agent, Incident


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


__all__ = ["active_claim_key", "branch_claim_key", "coderun_name"]
