"""Dedup keys and the CodeRun name (pure). The store enforces them with unique rows.

The guards, from intake to dispatch:

- one incident per workflow run (the incident's unique ``run_key``);
- one remediation per *failure*, not per branch: the same workflow failing on the same
  branch and head commit within the window (claim ``failure:…``), and the same check run
  reported as a job and as a check (claim ``check:…``). Two workflows broken by one push
  are two failures here;
- at dispatch, one remediation per root cause of a push: two workflows of one commit with
  the same failure signature share one CodeRun (claim ``cause:…``), while different
  signatures that need different agents get one each;
- one active remediation per repo/branch/agent (claim ``active:…``), so two CodeRuns of
  one agent never push to one branch at once.

The CodeRun name is derived from the run key, so two replicas that both got through would
still collide on a 409.
"""

from __future__ import annotations

from healer_agent.dispatch.coderun import coderun_name
from healer_agent.models import Agent, Incident


def failure_claim_key(incident: Incident) -> str | None:
    """What failed: repository, workflow, branch and head commit (None for alerts)."""
    if incident.kind != "ci_failure" or not incident.branch:
        return None
    return (
        f"failure:{incident.repository}:{incident.workflow_name}:{incident.branch}:"
        f"{incident.head_sha}"
    )[:500]


def check_claim_key(incident: Incident) -> str | None:
    """A job is also a check run (same id): one remediation whichever event came first."""
    if incident.kind != "ci_failure" or incident.check_run_id is None:
        return None
    return f"check:{incident.repository}:{incident.check_run_id}"


def cause_claim_key(incident: Incident, signature: str) -> str | None:
    """One remediation per root cause of a push (same commit, same failure signature)."""
    if incident.kind != "ci_failure" or not incident.head_sha:
        return None
    return f"cause:{incident.repository}:{incident.branch}:{incident.head_sha}:{signature}"[:500]


def active_claim_key(incident: Incident, agent: Agent) -> str | None:
    """The active-remediation key for a repo/branch/agent."""
    if not incident.branch:
        return None
    return f"active:{incident.repository}:{incident.branch}:{agent.value}"[:500]


__all__ = [
    "active_claim_key",
    "cause_claim_key",
    "check_claim_key",
    "coderun_name",
    "failure_claim_key",
]
