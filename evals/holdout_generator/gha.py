"""GitHub Actions job logs and webhook bodies, in the shapes GitHub produces.

A ``Job`` renders the job log as ``GET /actions/jobs/{id}/logs`` serves it (runner set-up,
checkout, one ``##[group]Run ...`` block per step, ``##[error]Process completed with exit code
N.``, post-job cleanup, every line stamped with 7 fractional digits) and the ``steps[]`` rows of
its ``workflow_job`` payload. Payloads are deep copies of the real webhook fixtures in
``tests/fixtures/github-webhooks/`` with names, ids, SHAs, branches and conclusions replaced.
Every number is a hash of the case id, so a rebuild is identical.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "github-webhooks"
EPOCH = datetime(2026, 11, 2, 6, 0, 0)


def fixture(rel: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / rel).read_text())
    return data


def h(key: str, lo: int, hi: int) -> int:
    """A stable integer in [lo, hi) derived from ``key``."""
    return lo + int(hashlib.sha256(key.encode()).hexdigest()[:14], 16) % (hi - lo)


def sha(key: str) -> str:
    return hashlib.sha1(f"holdout:{key}".encode()).hexdigest()


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def start_of(key: str) -> datetime:
    return EPOCH + timedelta(seconds=h(key + ":t0", 0, 3600 * 24 * 30))


@dataclass
class Step:
    """A step: its ``steps[]`` name, its log lines, conclusion and exit code."""

    name: str
    lines: list[str]
    conclusion: str = "success"
    code: int | None = None
    seconds: float = 5.0
    after: list[str] = field(default_factory=list)


def run(
    command: str,
    output: list[str],
    code: int = 0,
    name: str | None = None,
    env: dict[str, str] | None = None,
    shell: str = "/usr/bin/bash -e {0}",
    seconds: float = 6.0,
    after: list[str] | None = None,
    conclusion: str | None = None,
) -> Step:
    """A ``run:`` step as the runner prints it; non-zero ``code`` makes it fail."""
    first = command.splitlines()[0]
    head = [f"##[group]Run {first}", *command.splitlines()]
    head.append(f"shell: {shell}")
    if env:
        head.append("env:")
        head += [f"  {k}: {v}" for k, v in env.items()]
    head.append("##[endgroup]")
    failed = code != 0
    return Step(
        name or f"Run {first}",
        head + output,
        conclusion or ("failure" if failed else "success"),
        code if failed else None,
        seconds,
        after or [],
    )


def uses(
    action: str,
    inputs: dict[str, str] | None = None,
    output: list[str] | None = None,
    name: str | None = None,
    error: list[str] | None = None,
    seconds: float = 3.0,
) -> Step:
    """A ``uses:`` step; ``error`` lines (already prefixed ``##[error]``) fail it."""
    lines = [f"##[group]Run {action}"]
    if inputs:
        lines.append("with:")
        lines += [f"  {k}: {v}" for k, v in inputs.items()]
    lines.append("##[endgroup]")
    lines += output or []
    return Step(
        name or f"Run {action}",
        lines + (error or []),
        "failure" if error else "success",
        None,
        seconds,
    )


def skipped(name: str) -> Step:
    return Step(name, [], "skipped", None, 0)


ACTION_SHAS = {
    "actions/checkout@v4": "11bd71901bbe5b1630ceea73d27597364c9af683",
    "actions/setup-node@v4": "39370e3970a6d050c480ffad4ff0ed4d3fdee5af",
    "dtolnay/rust-toolchain@stable": "315e265cd78dad1e1dcf3a5074f6d6c47029d5aa",
    "Swatinem/rust-cache@v2": "82a92a6e8fbeee089604da2575dc567ae9ddeaab",
    "docker/setup-buildx-action@v3": "c47758b77c9736f4b2ef4073d4d51994fabfe349",
    "docker/login-action@v3": "9780b0c442fbb1117ed29e0efdff1e18412f7567",
    "docker/build-push-action@v6": "48aba3b46d1b1fec4febb7c5d0c644b249a11355",
    "azure/setup-kubectl@v4": "3e0aec4d80787158d308d7b364cb1b702e7feb7f",
    "actions/upload-artifact@v4": "6f51ac03b9356f520e9adb1b1b7802705f340c2b",
    "actions/upload-artifact@v3": "ff15f0306b3f739f7b6fd43fb5d26cd321bd4de5",
    "actions/cache/restore@v4": "1bd1e32a3bdc45362d1e726936510720a7c30a57",
    "actions/setup-python@v5": "0b93645e9fea7318ecaed2b359559ac225c90a2b",
    "github/codeql-action/analyze@v3": "f09c1c0a94de965c15400f5634aa42fac8fb8f88",
    "aws-actions/configure-aws-credentials@v4": "e3dd6a429d7300a6a4c196c26e071d42e0343502",
    "softprops/action-gh-release@v2": "c95fe1489396fe8a9eb87c0abf8aa5b2ef267fda",
    "extractions/setup-just@v2": "dd310ad5a97d8e7b41793f8ef055398d51ad4de6",
}


@dataclass
class Job:
    """One failed job: the log GitHub serves and the ``workflow_job`` it reports."""

    key: str
    repo: str
    workflow: str
    name: str
    branch: str
    steps: list[Step]
    runner: str = ""
    self_hosted: bool = False
    cancelled: bool = False
    tail: list[str] = field(default_factory=list)
    permissions: tuple[str, ...] = ("Contents: read", "Metadata: read")

    @property
    def sha(self) -> str:
        return sha(self.key)

    @property
    def runner_name(self) -> str:
        if self.runner:
            return self.runner
        if self.self_hosted:
            return f"arc-runner-{sha(self.key + ':r')[:5]}-{sha(self.key + ':p')[:5]}"
        return f"GitHub Actions {h(self.key + ':runner', 1000, 99999)}"

    def actions(self) -> list[str]:
        found = ["actions/checkout@v4"]
        for s in self.steps:
            first = s.lines[0] if s.lines else ""
            if first.startswith("##[group]Run ") and "@" in first and " " not in first[13:]:
                found.append(first[13:])
        return list(dict.fromkeys(found))

    def _setup(self) -> list[str]:
        lines = ["Current runner version: '2.328.0'"]
        if self.self_hosted:
            lines += [
                f"Runner name: '{self.runner_name}'",
                "Runner group name: 'arc-runners'",
                f"Machine name: '{self.runner_name}'",
            ]
        else:
            lines += [
                "Runner Image Provisioner",
                "Hosted Compute Agent",
                "Version: 20250912.392",
                "Commit: 0fb7c1c1e4f7b0a5a54fdc2f6d8f40c5b1f17a3e",
                "Build Date: 2025-09-12T15:23:14Z",
                "Worker ID: {"
                f"{sha(self.key + ':w')[:8]}-{sha(self.key + ':w')[8:12]}-4"
                f"{sha(self.key + ':w')[12:15]}-a{sha(self.key + ':w')[15:18]}-"
                f"{sha(self.key + ':w')[18:30]}"
                "}",
                "Azure Region: eastus2",
            ]
        lines += ["##[group]Operating System", "Ubuntu", "24.04.3", "LTS", "##[endgroup]"]
        if not self.self_hosted:
            lines += [
                "##[group]Runner Image",
                "Image: ubuntu-24.04",
                "Version: 20250929.60.1",
                "Included Software: https://github.com/actions/runner-images/blob/"
                "ubuntu24/20250929.60/images/ubuntu/Ubuntu2404-Readme.md",
                "Image Release: https://github.com/actions/runner-images/releases/tag/"
                "ubuntu24%2F20250929.60",
                "##[endgroup]",
            ]
        lines += [
            "##[group]GITHUB_TOKEN Permissions",
            *self.permissions,
            "##[endgroup]",
            "Secret source: Actions",
            "Prepare workflow directory",
            "Prepare all required actions",
            "Getting action download info",
        ]
        lines += [
            f"Download action repository '{a}' (SHA:{ACTION_SHAS.get(a, sha(a))})"
            for a in self.actions()
        ]
        lines.append(f"Complete job name: {self.name}")
        return lines

    def _checkout(self) -> list[str]:
        short = self.repo.split("/")[1]
        wd = f"/home/runner/work/{short}/{short}"
        return [
            "##[group]Run actions/checkout@v4",
            "with:",
            f"  repository: {self.repo}",
            "  token: ***",
            "  ssh-strict: true",
            "  ssh-user: git",
            "  persist-credentials: true",
            "  clean: true",
            "  sparse-checkout-cone-mode: true",
            "  fetch-depth: 1",
            "  fetch-tags: false",
            "  show-progress: true",
            "  lfs: false",
            "  submodules: false",
            "  set-safe-directory: true",
            "##[endgroup]",
            f"Syncing repository: {self.repo}",
            "##[group]Getting Git version info",
            f"Working directory is '{wd}'",
            "[command]/usr/bin/git version",
            "git version 2.51.0",
            "##[endgroup]",
            "Temporarily overriding HOME='/home/runner/work/_temp/"
            f"{sha(self.key + ':home')[:8]}-{sha(self.key + ':home')[8:12]}' before making "
            "global git config changes",
            "Adding repository directory to the temporary git global config as a safe directory",
            f"[command]/usr/bin/git config --global --add safe.directory {wd}",
            "Deleting the contents of '" + wd + "'",
            "##[group]Initializing the repository",
            f"[command]/usr/bin/git init {wd}",
            f"Initialized empty Git repository in {wd}/.git/",
            f"[command]/usr/bin/git remote add origin https://github.com/{self.repo}",
            "##[endgroup]",
            "##[group]Disabling automatic garbage collection",
            "[command]/usr/bin/git config --local gc.auto 0",
            "##[endgroup]",
            "##[group]Fetching the repository",
            "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune "
            f"--no-recurse-submodules --depth=1 origin +{self.sha}:refs/remotes/origin/"
            f"{self.branch}",
            f" * [new ref]         {self.sha} -> origin/{self.branch}",
            "##[endgroup]",
            "##[group]Checking out the ref",
            f"[command]/usr/bin/git checkout --progress --force -B {self.branch} "
            f"refs/remotes/origin/{self.branch}",
            f"Switched to a new branch '{self.branch}'",
            f"branch '{self.branch}' set up to track 'origin/{self.branch}'.",
            "##[endgroup]",
            "[command]/usr/bin/git log -1 --format=%H",
            self.sha,
        ]

    def log(self) -> str:
        t = start_of(self.key)
        n = 0
        out: list[str] = []

        def emit(lines: list[str]) -> None:
            nonlocal t, n
            for line in lines:
                n += 1
                t += timedelta(microseconds=h(f"{self.key}:{n}", 300, 60_000))
                out.append(t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z " + line)

        emit(self._setup())
        emit(self._checkout())
        for step in self.steps:
            if step.conclusion == "skipped":
                continue
            t += timedelta(seconds=step.seconds)
            emit(step.lines)
            if step.code is not None:
                emit([f"##[error]Process completed with exit code {step.code}."])
            emit(step.after)
        emit(self.tail)
        if not self.cancelled:
            short = self.repo.split("/")[1]
            emit(
                [
                    "Post job cleanup.",
                    "[command]/usr/bin/git version",
                    "git version 2.51.0",
                    f"Copying '/home/runner/.gitconfig' to '/home/runner/work/_temp/"
                    f"{sha(self.key + ':post')[:8]}/.gitconfig'",
                    "Temporarily overriding HOME='/home/runner/work/_temp/"
                    f"{sha(self.key + ':post')[:8]}' before making global git config changes",
                    "Adding repository directory to the temporary git global config as a safe "
                    "directory",
                    f"[command]/usr/bin/git config --global --add safe.directory "
                    f"/home/runner/work/{short}/{short}",
                    "[command]/usr/bin/git config --local --name-only --get-regexp "
                    "http\\.https\\:\\/\\/github\\.com\\/\\.extraheader",
                    "http.https://github.com/.extraheader",
                    "[command]/usr/bin/git config --local --unset-all "
                    "http.https://github.com/.extraheader",
                    "Cleaning up orphan processes",
                ]
            )
        return "\n".join(out) + "\n"

    def rows(self) -> list[dict[str, Any]]:
        t = start_of(self.key)
        items = [("Set up job", "success", 2.0), ("Run actions/checkout@v4", "success", 2.0)]
        items += [(s.name, s.conclusion, s.seconds) for s in self.steps]
        if not self.cancelled:
            items += [
                ("Post Run actions/checkout@v4", "success", 1.0),
                ("Complete job", "success", 0.0),
            ]
        rows = []
        for i, (name, conclusion, seconds) in enumerate(items, 1):
            begin = t
            t += timedelta(seconds=0 if conclusion == "skipped" else seconds)
            rows.append(
                {
                    "name": name,
                    "status": "completed",
                    "conclusion": conclusion,
                    "number": i,
                    "started_at": iso(begin),
                    "completed_at": iso(t),
                }
            )
        return rows

    @property
    def run_id(self) -> int:
        return h(self.key + ":run", 17_000_000_000, 18_000_000_000)

    @property
    def job_id(self) -> int:
        return h(self.key + ":job", 48_000_000_000, 49_000_000_000)


def _repository(payload: dict[str, Any], repo: str) -> None:
    owner, name = repo.split("/")
    r = payload.get("repository")
    if not isinstance(r, dict):
        return
    r.update(
        {
            "full_name": repo,
            "name": name,
            "html_url": f"https://github.com/{repo}",
            "url": f"https://api.github.com/repos/{repo}",
            "default_branch": "main",
            "id": h(repo, 300_000_000, 900_000_000),
            "private": True,
        }
    )
    if isinstance(r.get("owner"), dict):
        r["owner"] = {
            **r["owner"],
            "login": owner,
            "html_url": f"https://github.com/{owner}",
            "type": "Organization",
        }


def workflow_job(job: Job, conclusion: str = "failure") -> dict[str, Any]:
    """``workflow_job`` completed (from ``workflow_job/completed-1.json``)."""
    p = copy.deepcopy(fixture("workflow_job/completed-1.json"))
    rows = job.rows()
    repo = job.repo
    p["workflow_job"].update(
        {
            "id": job.job_id,
            "run_id": job.run_id,
            "run_attempt": 1,
            "name": job.name,
            "workflow_name": job.workflow,
            "head_branch": job.branch,
            "head_sha": job.sha,
            "node_id": "CR_kwDO" + sha(job.key + ":node")[:20],
            "status": "completed",
            "conclusion": conclusion,
            "steps": rows,
            "created_at": rows[0]["started_at"],
            "started_at": rows[0]["started_at"],
            "completed_at": rows[-1]["completed_at"],
            "url": f"https://api.github.com/repos/{repo}/actions/jobs/{job.job_id}",
            "html_url": f"https://github.com/{repo}/actions/runs/{job.run_id}/job/{job.job_id}",
            "run_url": f"https://api.github.com/repos/{repo}/actions/runs/{job.run_id}",
            "check_run_url": f"https://api.github.com/repos/{repo}/check-runs/{job.job_id}",
            "labels": ["arc-runner-set"] if job.self_hosted else ["ubuntu-latest"],
            "runner_id": h(job.key + ":rid", 1000, 90000),
            "runner_name": job.runner_name,
            "runner_group_id": 2 if job.self_hosted else 0,
            "runner_group_name": "arc-runners" if job.self_hosted else "GitHub Actions",
        }
    )
    _repository(p, repo)
    return p


def workflow_run(
    job: Job,
    message: str,
    conclusion: str = "failure",
    pr: int | None = None,
    event: str | None = None,
) -> dict[str, Any]:
    """``workflow_run`` completed (from ``workflow_run/completed-3.json``)."""
    p = copy.deepcopy(fixture("workflow_run/completed-3.json"))
    w = p["workflow_run"]
    rows = job.rows()
    repo = job.repo
    slug = job.workflow.lower().replace(" ", "-")
    w.update(
        {
            "id": job.run_id,
            "name": job.workflow,
            "display_title": message.splitlines()[0],
            "head_branch": job.branch,
            "head_sha": job.sha,
            "path": f".github/workflows/{slug}.yml",
            "run_number": h(job.key + ":n", 50, 4000),
            "run_attempt": 1,
            "event": event or ("pull_request" if pr else "push"),
            "status": "completed",
            "conclusion": conclusion,
            "created_at": rows[0]["started_at"],
            "run_started_at": rows[0]["started_at"],
            "updated_at": rows[-1]["completed_at"],
            "url": f"https://api.github.com/repos/{repo}/actions/runs/{job.run_id}",
            "html_url": f"https://github.com/{repo}/actions/runs/{job.run_id}",
            "jobs_url": f"https://api.github.com/repos/{repo}/actions/runs/{job.run_id}/jobs",
            "logs_url": f"https://api.github.com/repos/{repo}/actions/runs/{job.run_id}/logs",
            "check_suite_id": h(job.key + ":suite", 30_000_000_000, 31_000_000_000),
            "workflow_id": h(repo + slug, 100_000_000, 200_000_000),
        }
    )
    if isinstance(w.get("head_commit"), dict):
        w["head_commit"] = {
            **w["head_commit"],
            "id": job.sha,
            "message": message,
            "tree_id": sha(job.key + ":tree"),
        }
    prs = w.get("pull_requests") or []
    if pr and prs:
        item = copy.deepcopy(prs[0])
        item.update({"number": pr, "url": f"https://api.github.com/repos/{repo}/pulls/{pr}"})
        item["head"] = {**item.get("head", {}), "ref": job.branch, "sha": job.sha}
        item["base"] = {**item.get("base", {}), "ref": "main"}
        w["pull_requests"] = [item]
    else:
        w["pull_requests"] = []
    for k in ("repository", "head_repository"):
        if isinstance(w.get(k), dict):
            w[k] = {**w[k], "full_name": repo, "name": repo.split("/")[1]}
    _repository(p, repo)
    if isinstance(p.get("workflow"), dict):
        p["workflow"] = {
            **p["workflow"],
            "name": job.workflow,
            "path": f".github/workflows/{slug}.yml",
        }
    return p


def check_run(
    job: Job,
    title: str,
    summary: str,
    annotations: int = 1,
    pr: int | None = None,
    conclusion: str = "failure",
) -> dict[str, Any]:
    """``check_run`` completed (from ``check_run/completed-1.json``)."""
    p = copy.deepcopy(fixture("check_run/completed-1.json"))
    c = p["check_run"]
    rows = job.rows()
    repo = job.repo
    c.update(
        {
            "id": job.job_id,
            "name": job.name,
            "head_sha": job.sha,
            "status": "completed",
            "conclusion": conclusion,
            "started_at": rows[0]["started_at"],
            "completed_at": rows[-1]["completed_at"],
            "external_id": "",
            "url": f"https://api.github.com/repos/{repo}/check-runs/{job.job_id}",
            "html_url": f"https://github.com/{repo}/actions/runs/{job.run_id}/job/{job.job_id}",
            "details_url": f"https://github.com/{repo}/actions/runs/{job.run_id}/job/{job.job_id}",
            "output": {
                "title": title,
                "summary": summary,
                "text": None,
                "annotations_count": annotations,
                "annotations_url": f"https://api.github.com/repos/{repo}/check-runs/"
                f"{job.job_id}/annotations",
            },
        }
    )
    suite = c.get("check_suite")
    items = []
    if pr and c.get("pull_requests"):
        item = copy.deepcopy(c["pull_requests"][0])
        item.update({"number": pr, "url": f"https://api.github.com/repos/{repo}/pulls/{pr}"})
        item["head"] = {**item.get("head", {}), "ref": job.branch, "sha": job.sha}
        items = [item]
    c["pull_requests"] = items
    if isinstance(suite, dict):
        suite.update(
            {
                "head_branch": job.branch,
                "head_sha": job.sha,
                "status": "completed",
                "conclusion": conclusion,
                "pull_requests": items,
                "id": h(job.key + ":suite", 30_000_000_000, 31_000_000_000),
            }
        )
    _repository(p, repo)
    return p


def sensor(job: Job, message: str, conclusion: str = "failure") -> dict[str, Any]:
    """The Argo Events sensor body of the design: ``{workflow_run, repository}``."""
    return {
        "workflow_run": {
            "id": job.run_id,
            "name": job.workflow,
            "conclusion": conclusion,
            "html_url": f"https://github.com/{job.repo}/actions/runs/{job.run_id}",
            "head_branch": job.branch,
            "head_sha": job.sha,
            "head_commit": {"message": message},
        },
        "repository": {"full_name": job.repo},
    }


ALERTS = {
    "dependabot_alert": "dependabot_alert/created.json",
    "code_scanning_alert": "code_scanning_alert/created.json",
    "secret_scanning_alert": "secret_scanning_alert/reopened.json",
    "repository_vulnerability_alert": "repository_vulnerability_alert/create-2.json",
}


def alert(kind: str, key: str, repo: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A security alert body from the real fixture; ``fields`` maps dotted paths to values."""
    p = copy.deepcopy(fixture(ALERTS[kind]))
    _repository(p, repo)
    if "number" in p.get("alert", {}):
        p["alert"]["number"] = h(key, 20, 900)
    for dotted, value in fields.items():
        node = p
        parts = dotted.split(".")
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[parts[-1]] = value
    return p
