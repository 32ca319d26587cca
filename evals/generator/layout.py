"""GitHub Actions log layout and webhook payloads, built from the real fixtures."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "github-webhooks"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/fixtures/github-webhooks")
START = datetime(2026, 10, 5, 14, 0, 0)


def fixture(rel: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SHARED / rel).read_text())
    return data


class Clock:
    """Deterministic timestamps in the runner's format (7 fractional digits, Z)."""

    def __init__(self, seed: int) -> None:
        self.now = START + timedelta(minutes=seed * 7)

    def stamp(self, step_ms: int = 137) -> str:
        self.now += timedelta(milliseconds=step_ms)
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


SETUP = [
    "Current runner version: '2.321.0'",
    "##[group]Operating System", "Ubuntu", "22.04.5", "LTS", "##[endgroup]",
    "##[group]Runner Image", "Image: ubuntu-22.04", "Version: 20241117.1.0", "##[endgroup]",
    "##[group]GITHUB_TOKEN Permissions", "Contents: read", "Metadata: read",
    "PullRequests: read", "##[endgroup]",
    "Secret source: Actions",
    "Prepare workflow directory",
    "Prepare all required actions",
    "Getting action download info",
    "Download action repository 'actions/checkout@v4' (SHA:11bd71901bbe5b1630ceea73d27597364c9af683)",
    "Complete job name: {job}",
]
CHECKOUT = [
    "##[group]Run actions/checkout@v4", "with:", "  repository: {repo}",
    "  token: ***", "  ssh-strict: true", "  persist-credentials: true", "##[endgroup]",
    "Syncing repository: {repo}",
    "##[group]Getting Git version info", "Working directory is '/home/runner/work/app/app'",
    "[command]/usr/bin/git version", "git version 2.47.1", "##[endgroup]",
    "##[group]Fetching the repository",
    "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 origin +{sha}:refs/remotes/origin/{branch}",
    "##[endgroup]",
]
POST = ["Post job cleanup.", "[command]/usr/bin/git version", "git version 2.47.1",
        "Cleaning up orphan processes"]


def step_block(command: str, output: list[str], env: dict[str, str] | None = None) -> list[str]:
    """One ``run:`` step as the runner prints it."""
    lines = [f"##[group]Run {command}", command, "shell: /usr/bin/bash -e {0}"]
    if env:
        lines.append("env:")
        lines += [f"  {k}: {v}" for k, v in env.items()]
    lines.append("##[endgroup]")
    return lines + output


def actions_log(seed: int, repo: str, job: str, sha: str, branch: str,
                steps: list[list[str]], exit_code: int | None,
                tail: list[str] | None = None) -> str:
    """A whole job log: set-up noise, checkout, the steps, the exit, post-job cleanup."""
    clock = Clock(seed)
    lines = [line.format(job=job, repo=repo, sha=sha, branch=branch) for line in SETUP]
    lines += [line.format(job=job, repo=repo, sha=sha, branch=branch) for line in CHECKOUT]
    for block in steps:
        lines += block
    if exit_code is not None:
        lines.append(f"##[error]Process completed with exit code {exit_code}.")
    lines += tail or []
    lines += POST
    return "\n".join(f"{clock.stamp()} {line}" for line in lines) + "\n"


def workflow_job(seed: int, repo: str, workflow: str, job: str, branch: str, sha: str,
                 steps: list[tuple[str, str]]) -> dict[str, Any]:
    """A ``workflow_job`` completed/failure payload built from the real fixture."""
    payload = copy.deepcopy(fixture("workflow_job/completed-1.json"))
    wj = payload["workflow_job"]
    run_id = 9_100_000_000 + seed * 97
    job_id = 31_000_000_000 + seed * 131
    owner = repo.split("/")[0]
    wj.update({
        "id": job_id, "run_id": run_id, "name": job, "workflow_name": workflow,
        "head_branch": branch, "head_sha": sha, "conclusion": "failure", "status": "completed",
        "html_url": f"https://github.com/{repo}/actions/runs/{run_id}/job/{job_id}",
        "run_url": f"https://api.github.com/repos/{repo}/actions/runs/{run_id}",
        "url": f"https://api.github.com/repos/{repo}/actions/jobs/{job_id}",
        "check_run_url": f"https://api.github.com/repos/{repo}/check-runs/{job_id}",
        "steps": [{"name": name, "status": "completed", "conclusion": conclusion,
                   "number": n + 1, "started_at": "2026-10-05T14:00:00.000Z",
                   "completed_at": "2026-10-05T14:01:00.000Z"}
                  for n, (name, conclusion) in enumerate(steps)],
    })
    payload["repository"] = {**payload["repository"], "full_name": repo,
                             "name": repo.split("/")[1]}
    payload["repository"]["owner"] = {**payload["repository"]["owner"], "login": owner}
    return payload


def sensor_body(seed: int, repo: str, workflow: str, branch: str, sha: str,
                message: str) -> dict[str, Any]:
    """The design's sensor body ``{workflow_run, repository}``."""
    run_id = 9_200_000_000 + seed * 89
    return {"workflow_run": {"id": run_id, "name": workflow, "conclusion": "failure",
                             "html_url": f"https://github.com/{repo}/actions/runs/{run_id}",
                             "head_branch": branch, "head_sha": sha,
                             "head_commit": {"message": message}},
            "repository": {"full_name": repo}}


def alert(kind: str, seed: int, repo: str, **fields: Any) -> dict[str, Any]:
    """A security alert payload built from the real fixture of its kind."""
    source = {"dependabot_alert": "dependabot_alert/created.json",
              "code_scanning_alert": "code_scanning_alert/created.json",
              "secret_scanning_alert": "secret_scanning_alert/reopened.json"}[kind]
    payload = copy.deepcopy(fixture(source))
    payload["repository"] = {**payload["repository"], "full_name": repo}
    payload["alert"]["number"] = 100 + seed
    for path, value in fields.items():
        node = payload
        keys = path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    return payload
