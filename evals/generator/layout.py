"""The GitHub Actions log layout and webhook payloads, built from the real fixtures.

Logs: runner set-up (version, OS, image, GITHUB_TOKEN permissions), checkout, one
``##[group]Run <command>`` block per ``run:`` step with its shell and env, the step's
output, ``##[error]Process completed with exit code N.`` after a failing step, and post-job
cleanup; every line stamped ``YYYY-MM-DDTHH:MM:SS.fffffffZ``.

Payloads are deep copies of ``tests/fixtures/github-webhooks/`` with names, ids, branches,
conclusions and steps changed.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
SHARED = HERE.parents[2] / "tests" / "fixtures" / "github-webhooks"
EPOCH = datetime(2026, 10, 5, 8, 0, 0)


def fixture(rel: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SHARED / rel).read_text())
    return data


def num(key: str, lo: int, hi: int) -> int:
    """A stable number for ``key`` in [lo, hi)."""
    h = int(hashlib.sha256(key.encode()).hexdigest()[:12], 16)
    return lo + h % (hi - lo)


def sha_of(key: str) -> str:
    return hashlib.sha1(f"commit:{key}".encode()).hexdigest()


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    """Deterministic timestamps in the runner's format (7 fractional digits, Z)."""

    def __init__(self, key: str) -> None:
        self.start = EPOCH + timedelta(minutes=num(key, 0, 60 * 24 * 40))
        self.now = self.start
        self.key = key
        self.n = 0

    def stamp(self) -> str:
        self.n += 1
        self.now += timedelta(microseconds=num(f"{self.key}:{self.n}", 400, 90_000))
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"

    def jump(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Step:
    """One step of a job: its name in ``steps[]``, the lines it logs, its conclusion."""

    name: str
    lines: list[str]
    conclusion: str = "success"
    exit_code: int | None = None  # printed as ##[error]Process completed with exit code N.
    seconds: float = 4.0
    tail: list[str] = field(default_factory=list)  # runner lines after the exit line


def run_step(
    command: str,
    output: list[str],
    conclusion: str = "success",
    exit_code: int | None = None,
    env: dict[str, str] | None = None,
    name: str | None = None,
    seconds: float = 4.0,
    tail: list[str] | None = None,
) -> Step:
    """A ``run:`` step as the runner prints it (group title = first line of the command)."""
    first = command.splitlines()[0]
    lines = [f"##[group]Run {first}", *command.splitlines(), "shell: /usr/bin/bash -e {0}"]
    if env:
        lines.append("env:")
        lines += [f"  {k}: {v}" for k, v in env.items()]
    lines.append("##[endgroup]")
    if conclusion == "failure" and exit_code is None:
        exit_code = 1
    return Step(
        name or f"Run {first}",
        lines + output,
        conclusion,
        exit_code if conclusion == "failure" else None,
        seconds,
        tail or [],
    )


def uses_step(
    action: str,
    inputs: dict[str, str],
    output: list[str],
    name: str | None = None,
    seconds: float = 3.0,
) -> Step:
    lines = [
        f"##[group]Run {action}",
        "with:",
        *[f"  {k}: {v}" for k, v in inputs.items()],
        "##[endgroup]",
        *output,
    ]
    return Step(name or f"Run {action}", lines, "success", None, seconds)


def setup_lines(job: str, runner: str, image: str) -> list[str]:
    lines = [
        "Current runner version: '2.321.0'",
        f"Runner name: '{runner}'",
        "Runner group name: 'Default'",
        "Machine name: 'fv-az1203-417'" if "hosted" in image else f"Machine name: '{runner}'",
        "##[group]Operating System",
        "Ubuntu",
        "22.04.5",
        "LTS",
        "##[endgroup]",
    ]
    if "hosted" in image:
        lines += [
            "##[group]Runner Image Provisioner",
            "Hosted Compute Agent",
            "Version: 20241121.305",
            "Commit: 8a1d5ae04ab5e46ae4acdc4ab0ab2a4a0eb1f1b0",
            "Build Date: 2024-11-21T19:24:11Z",
            "##[endgroup]",
            "##[group]Runner Image",
            "Image: ubuntu-22.04",
            "Version: 20241117.1.0",
            "Included Software: https://github.com/actions/runner-images/blob/ubuntu22/"
            "20241117.1/images/ubuntu/Ubuntu2204-Readme.md",
            "Image Release: https://github.com/actions/runner-images/releases/tag/"
            "ubuntu22%2F20241117.1",
            "##[endgroup]",
        ]
    lines += [
        "##[group]GITHUB_TOKEN Permissions",
        "Contents: read",
        "Metadata: read",
        "Packages: write" if "publish" in job or "release" in job else "Packages: read",
        "PullRequests: read",
        "##[endgroup]",
        "Secret source: Actions",
        "Prepare workflow directory",
        "Prepare all required actions",
        "Getting action download info",
        "Download action repository 'actions/checkout@v4' "
        "(SHA:11bd71901bbe5b1630ceea73d27597364c9af683)",
        f"Complete job name: {job}",
    ]
    return lines


def checkout_lines(repo: str, sha: str, branch: str) -> list[str]:
    return [
        "##[group]Run actions/checkout@v4",
        "with:",
        f"  repository: {repo}",
        "  token: ***",
        "  ssh-strict: true",
        "  ssh-user: git",
        "  persist-credentials: true",
        "  clean: true",
        "  fetch-depth: 1",
        "  fetch-tags: false",
        "  lfs: false",
        "  submodules: false",
        "##[endgroup]",
        f"Syncing repository: {repo}",
        "##[group]Getting Git version info",
        f"Working directory is '/home/runner/work/{repo.split('/')[1]}/{repo.split('/')[1]}'",
        "[command]/usr/bin/git version",
        "git version 2.47.1",
        "##[endgroup]",
        "Temporarily overriding HOME='/home/runner/work/_temp/5c1e2f1a' before making global "
        "git config changes",
        "Adding repository directory to the temporary git global config as a safe directory",
        f"[command]/usr/bin/git config --global --add safe.directory /home/runner/work/"
        f"{repo.split('/')[1]}/{repo.split('/')[1]}",
        "##[group]Initializing the repository",
        f"[command]/usr/bin/git init /home/runner/work/{repo.split('/')[1]}/{repo.split('/')[1]}",
        f"[command]/usr/bin/git remote add origin https://github.com/{repo}",
        "##[endgroup]",
        "##[group]Fetching the repository",
        "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune "
        f"--no-recurse-submodules --depth=1 origin +{sha}:refs/remotes/origin/{branch}",
        f" * [new ref]         {sha} -> origin/{branch}",
        "##[endgroup]",
        "##[group]Checking out the ref",
        f"[command]/usr/bin/git checkout --progress --force -B {branch} refs/remotes/origin/{branch}",
        f"Switched to a new branch '{branch}'",
        f"branch '{branch}' set up to track 'origin/{branch}'.",
        "##[endgroup]",
        "[command]/usr/bin/git log -1 --format=%H",
        sha,
    ]


POST = [
    "Post job cleanup.",
    "[command]/usr/bin/git version",
    "git version 2.47.1",
    "Temporarily overriding HOME='/home/runner/work/_temp/8e3f0c2b' before making global "
    "git config changes",
    "[command]/usr/bin/git config --local --name-only --get-regexp http\\.https\\:\\/\\/"
    "github\\.com\\/\\.extraheader",
    "http.https://github.com/.extraheader",
    "[command]/usr/bin/git config --local --unset-all http.https://github.com/.extraheader",
    "Cleaning up orphan processes",
]


@dataclass
class Job:
    """One job: what the runner logs and what ``workflow_job.steps[]`` says."""

    repo: str
    workflow: str
    name: str
    branch: str
    steps: list[Step]
    key: str
    runner: str = "GitHub Actions 17"
    image: str = "hosted"
    cancelled: bool = False  # the runner stopped the job (no post-job cleanup)
    log_tail: list[str] = field(default_factory=list)

    @property
    def sha(self) -> str:
        return sha_of(self.key)

    def log(self) -> str:
        clock = Clock(self.key)
        out: list[str] = []

        def emit(lines: list[str]) -> None:
            out.extend(f"{clock.stamp()} {line}" for line in lines)

        emit(setup_lines(self.name, self.runner, self.image))
        emit(checkout_lines(self.repo, self.sha, self.branch))
        for step in self.steps:
            if step.conclusion == "skipped":
                continue
            clock.jump(step.seconds)
            emit(step.lines)
            if step.exit_code is not None:
                emit([f"##[error]Process completed with exit code {step.exit_code}."])
            emit(step.tail)
        emit(self.log_tail)
        if not self.cancelled:
            emit(POST)
        return "\n".join(out) + "\n"

    def step_rows(self) -> list[dict[str, Any]]:
        clock = Clock(self.key)
        t = clock.start
        rows = []
        names = [("Set up job", "success", 2.0), ("Run actions/checkout@v4", "success", 2.0)]
        names += [(s.name, s.conclusion, s.seconds) for s in self.steps]
        for n, (name, conclusion, seconds) in enumerate(names):
            start = t
            t += timedelta(seconds=0 if conclusion == "skipped" else seconds)
            rows.append(
                {
                    "name": name,
                    "status": "completed",
                    "conclusion": conclusion,
                    "number": n + 1,
                    "started_at": iso(start),
                    "completed_at": iso(t),
                }
            )
        if not self.cancelled:
            rows.append(
                {
                    "name": "Post Run actions/checkout@v4",
                    "status": "completed",
                    "conclusion": "success",
                    "number": len(rows) + 1,
                    "started_at": iso(t),
                    "completed_at": iso(t + timedelta(seconds=1)),
                }
            )
            rows.append(
                {
                    "name": "Complete job",
                    "status": "completed",
                    "conclusion": "success",
                    "number": len(rows) + 1,
                    "started_at": iso(t + timedelta(seconds=1)),
                    "completed_at": iso(t + timedelta(seconds=1)),
                }
            )
        return rows


def _repo_obj(payload: dict[str, Any], repo: str) -> None:
    owner, name = repo.split("/")
    r = payload["repository"]
    r.update(
        {
            "full_name": repo,
            "name": name,
            "html_url": f"https://github.com/{repo}",
            "url": f"https://api.github.com/repos/{repo}",
            "default_branch": "main",
            "id": num(repo, 100_000_000, 900_000_000),
        }
    )
    if isinstance(r.get("owner"), dict):
        r["owner"] = {**r["owner"], "login": owner, "html_url": f"https://github.com/{owner}"}


def workflow_job(job: Job, conclusion: str = "failure") -> dict[str, Any]:
    """``workflow_job`` completed, built from ``workflow_job/completed-1.json``."""
    payload = copy.deepcopy(fixture("workflow_job/completed-1.json"))
    wj = payload["workflow_job"]
    run_id = num(job.key + ":run", 11_000_000_000, 12_000_000_000)
    job_id = num(job.key + ":job", 30_000_000_000, 31_000_000_000)
    rows = job.step_rows()
    repo = job.repo
    wj.update(
        {
            "id": job_id,
            "run_id": run_id,
            "run_attempt": 1,
            "name": job.name,
            "workflow_name": job.workflow,
            "head_branch": job.branch,
            "head_sha": job.sha,
            "node_id": f"CR_kwDOJ{num(job.key, 10**9, 10**10)}",
            "conclusion": conclusion,
            "status": "completed",
            "steps": rows,
            "started_at": rows[0]["started_at"],
            "created_at": rows[0]["started_at"],
            "completed_at": rows[-1]["completed_at"],
            "html_url": f"https://github.com/{repo}/actions/runs/{run_id}/job/{job_id}",
            "run_url": f"https://api.github.com/repos/{repo}/actions/runs/{run_id}",
            "url": f"https://api.github.com/repos/{repo}/actions/jobs/{job_id}",
            "check_run_url": f"https://api.github.com/repos/{repo}/check-runs/{job_id}",
            "labels": ["ubuntu-latest"] if job.image == "hosted" else ["k8s-runner"],
            "runner_name": job.runner,
            "runner_group_name": "Default" if job.image == "hosted" else "k8s-runners",
        }
    )
    _repo_obj(payload, repo)
    return payload


def workflow_run(
    job: Job, conclusion: str = "failure", message: str = "", pr_number: int | None = None
) -> dict[str, Any]:
    """``workflow_run`` completed, built from ``workflow_run/completed-3.json``."""
    payload = copy.deepcopy(fixture("workflow_run/completed-3.json"))
    run = payload["workflow_run"]
    repo = job.repo
    run_id = num(job.key + ":run", 11_000_000_000, 12_000_000_000)
    rows = job.step_rows()
    slug = job.workflow.lower().replace(" ", "-")
    run.update(
        {
            "id": run_id,
            "name": job.workflow,
            "display_title": message.splitlines()[0] if message else job.workflow,
            "head_branch": job.branch,
            "head_sha": job.sha,
            "path": f".github/workflows/{slug}.yml",
            "run_number": num(job.key, 100, 5000),
            "event": "pull_request" if pr_number else "push",
            "status": "completed",
            "conclusion": conclusion,
            "run_attempt": 1,
            "html_url": f"https://github.com/{repo}/actions/runs/{run_id}",
            "url": f"https://api.github.com/repos/{repo}/actions/runs/{run_id}",
            "jobs_url": f"https://api.github.com/repos/{repo}/actions/runs/{run_id}/jobs",
            "logs_url": f"https://api.github.com/repos/{repo}/actions/runs/{run_id}/logs",
            "created_at": rows[0]["started_at"],
            "run_started_at": rows[0]["started_at"],
            "updated_at": rows[-1]["completed_at"],
        }
    )
    if isinstance(run.get("head_commit"), dict):
        run["head_commit"] = {
            **run["head_commit"],
            "id": job.sha,
            "tree_id": sha_of(job.key + ":tree"),
            "message": message or run["head_commit"].get("message", ""),
        }
    prs = run.get("pull_requests") or []
    if pr_number and prs:
        pr = copy.deepcopy(prs[0])
        pr["number"] = pr_number
        pr["url"] = f"https://api.github.com/repos/{repo}/pulls/{pr_number}"
        pr["head"] = {**pr.get("head", {}), "ref": job.branch, "sha": job.sha}
        pr["base"] = {**pr.get("base", {}), "ref": "main"}
        run["pull_requests"] = [pr]
    else:
        run["pull_requests"] = []
    _repo_obj(payload, repo)
    if isinstance(run.get("repository"), dict):
        run["repository"] = {**run["repository"], "full_name": repo, "name": repo.split("/")[1]}
    if isinstance(run.get("head_repository"), dict):
        run["head_repository"] = {
            **run["head_repository"],
            "full_name": repo,
            "name": repo.split("/")[1],
        }
    return payload


def check_run(
    job: Job, title: str, summary: str, annotations: int = 0, pr_number: int | None = None
) -> dict[str, Any]:
    """``check_run`` completed/failure, built from ``check_run/completed-1.json``."""
    payload = copy.deepcopy(fixture("check_run/completed-1.json"))
    cr = payload["check_run"]
    repo = job.repo
    check_id = num(job.key + ":job", 30_000_000_000, 31_000_000_000)
    rows = job.step_rows()
    cr.update(
        {
            "id": check_id,
            "name": job.name,
            "head_sha": job.sha,
            "status": "completed",
            "conclusion": "failure",
            "started_at": rows[0]["started_at"],
            "completed_at": rows[-1]["completed_at"],
            "html_url": f"https://github.com/{repo}/runs/{check_id}",
            "url": f"https://api.github.com/repos/{repo}/check-runs/{check_id}",
            "details_url": f"https://github.com/{repo}/runs/{check_id}",
            "output": {
                **cr.get("output", {}),
                "title": title,
                "summary": summary,
                "text": None,
                "annotations_count": annotations,
                "annotations_url": f"https://api.github.com/repos/{repo}/check-runs/"
                f"{check_id}/annotations",
            },
        }
    )
    suite = cr.get("check_suite")
    if isinstance(suite, dict):
        suite.update(
            {
                "head_branch": job.branch,
                "head_sha": job.sha,
                "conclusion": "failure",
                "status": "completed",
            }
        )
    prs = cr.get("pull_requests") or []
    if pr_number and prs:
        pr = copy.deepcopy(prs[0])
        pr["number"] = pr_number
        pr["url"] = f"https://api.github.com/repos/{repo}/pulls/{pr_number}"
        pr["head"] = {**pr.get("head", {}), "ref": job.branch, "sha": job.sha}
        cr["pull_requests"] = [pr]
        if isinstance(suite, dict):
            suite["pull_requests"] = [pr]
    else:
        cr["pull_requests"] = []
        if isinstance(suite, dict):
            suite["pull_requests"] = []
    _repo_obj(payload, repo)
    return payload


def sensor_body(job: Job, message: str, conclusion: str = "failure") -> dict[str, Any]:
    """The design's sensor body ``{workflow_run, repository}``."""
    run_id = num(job.key + ":run", 11_000_000_000, 12_000_000_000)
    return {
        "workflow_run": {
            "id": run_id,
            "name": job.workflow,
            "conclusion": conclusion,
            "html_url": f"https://github.com/{job.repo}/actions/runs/{run_id}",
            "head_branch": job.branch,
            "head_sha": job.sha,
            "head_commit": {"message": message},
        },
        "repository": {"full_name": job.repo},
    }


ALERT_FIXTURES = {
    "dependabot_alert": "dependabot_alert/created.json",
    "code_scanning_alert": "code_scanning_alert/created.json",
    "secret_scanning_alert": "secret_scanning_alert/reopened.json",
    "repository_vulnerability_alert": "repository_vulnerability_alert/create-1.json",
}


def alert(kind: str, key: str, repo: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A security alert payload built from the real fixture of its kind; ``fields`` are
    dotted paths to set."""
    payload = copy.deepcopy(fixture(ALERT_FIXTURES[kind]))
    _repo_obj(payload, repo)
    payload["alert"]["number"] = num(key, 10, 400)
    for path, value in fields.items():
        node = payload
        keys = path.split(".")
        for k in keys[:-1]:
            if not isinstance(node.get(k), dict):
                node[k] = {}
            node = node[k]
        node[keys[-1]] = value
    return payload


# ------------------------------------------------------------------ BuildKit


@dataclass
class BuildFailure:
    """Where a BuildKit build stops: ``kind`` is ``run`` (a RUN step's process exited
    ``code`` after printing ``output``), ``base`` (the base image does not exist),
    ``parse`` (the Dockerfile does not parse: ``message``), ``copy`` (a COPY source is
    missing: ``message`` is the path) or ``push`` (the registry refused: ``message``)."""

    kind: str
    line: int = 0  # 1-based Dockerfile line of the failing instruction
    output: list[str] = field(default_factory=list)
    code: int = 1
    message: str = ""


def _instructions(dockerfile: str) -> list[tuple[int, str, str]]:
    """(line, stage, instruction) for each instruction; continuation lines are joined."""
    out: list[tuple[int, str, str]] = []
    stage = ""
    lines = dockerfile.splitlines()
    n = 0
    while n < len(lines):
        start, text = n + 1, lines[n].strip()
        while text.endswith("\\") and n + 1 < len(lines):
            n += 1
            text = text[:-1].rstrip() + " " + lines[n].strip()
        n += 1
        if not text or text.startswith("#"):
            continue
        if text.upper().startswith("FROM "):
            parts = text.split()
            stage = (
                parts[3]
                if len(parts) > 3 and parts[2].upper() == "AS"
                else f"stage-{sum(1 for _, _, i in out if i.upper().startswith('FROM '))}"
            )
        out.append((start, stage, text))
    return out


def _excerpt(dockerfile: str, line: int, name: str = "Dockerfile") -> list[str]:
    lines = dockerfile.splitlines()
    lo, hi = max(1, line - 2), min(len(lines), line + 2)
    body = [f"{n:>4} | {'>>> ' if n == line else '    '}{lines[n - 1]}" for n in range(lo, hi + 1)]
    return [f"{name}:{line}", "-" * 20, *body, "-" * 20]


def _image_ref(image: str) -> str:
    if image.count("/") == 0:
        return f"docker.io/library/{image}"
    if "." not in image.split("/")[0]:
        return f"docker.io/{image}"
    return image


def buildkit(
    key: str,
    dockerfile: str,
    failure: BuildFailure,
    *,
    tag: str,
    context_kb: float = 48.3,
    push: bool = False,
    dockerfile_name: str = "Dockerfile",
) -> list[str]:
    """``docker buildx build --progress=plain`` output up to ``failure``: one ``#N`` block
    per vertex (internal loads, FROM, each instruction, export), the failing vertex's
    output with BuildKit's elapsed-seconds prefixes, then the summary BuildKit prints
    (the last lines of the failing step, the Dockerfile excerpt, ``ERROR: failed to
    solve: ...``). The RUN output itself comes from running the inner tool."""
    instr = _instructions(dockerfile)
    stages: dict[str, list[tuple[int, str]]] = {}
    for line, stage, text in instr:
        if text.split()[0].upper() in ("FROM", "RUN", "COPY", "ADD", "WORKDIR"):
            stages.setdefault(stage, []).append((line, text))  # the others add no vertex
    out = [
        '#0 building with "builder-' + sha_of(key)[:8] + '" instance using docker-container driver',
        "",
        "#1 [internal] load build definition from " + dockerfile_name,
        f"#1 transferring dockerfile: {len(dockerfile.encode())}B done",
        "#1 DONE 0.0s",
        "",
    ]
    if failure.kind == "parse":
        return out[:-1] + [
            "",
            *_excerpt(dockerfile, failure.line, dockerfile_name),
            f"ERROR: failed to solve: dockerfile parse error on line "
            f"{failure.line}: {failure.message}",
        ]
    vertex = 2
    bases = []
    for _, _, text in instr:
        if text.upper().startswith("FROM "):
            image = text.split()[1]
            if image not in stages and image not in bases:
                bases.append(image)
    for image in bases:
        ref = _image_ref(image)
        out.append(f"#{vertex} [internal] load metadata for {ref}")
        if failure.kind == "base" and image == failure.message:
            out += [
                f"#{vertex} ERROR: {ref}: not found",
                "",
                "------",
                f" > [internal] load metadata for {ref}:",
                "------",
                *_excerpt(dockerfile, failure.line, dockerfile_name),
                f"ERROR: failed to solve: {image}: failed to resolve source metadata for "
                f"{ref}: {ref}: not found",
            ]
            return out
        out += [f"#{vertex} DONE {num(key + image, 3, 19) / 10:.1f}s", ""]
        vertex += 1
    out += [
        f"#{vertex} [internal] load .dockerignore",
        f"#{vertex} transferring context: 2B done",
        f"#{vertex} DONE 0.0s",
        "",
    ]
    vertex += 1
    context_done = False
    dirty: set[str] = set()  # a stage rebuilds every step after its first miss
    for stage, steps in stages.items():
        total = len(steps)
        for idx, (line, text) in enumerate(steps, start=1):
            label = f"[{stage} {idx}/{total}]" if len(stages) > 1 else f"[{idx}/{total}]"
            word, _, rest = text.partition(" ")
            shown = text
            if word.upper() == "FROM":
                image = rest.split()[0]
                if image in stages:
                    continue
                ref = _image_ref(image)
                digest = hashlib.sha256(ref.encode()).hexdigest()
                out += [
                    f"#{vertex} {label} FROM {ref}@sha256:{digest}",
                    f"#{vertex} resolve {ref}@sha256:{digest} done",
                    f"#{vertex} DONE 0.0s",
                    "",
                ]
                vertex += 1
                continue
            if word.upper() == "COPY" and "--from" not in rest and not context_done:
                out += [
                    f"#{vertex} [internal] load build context",
                    f"#{vertex} transferring context: {context_kb:.2f}kB done",
                    f"#{vertex} DONE 0.1s",
                    "",
                ]
                vertex += 1
                context_done = True
            out.append(f"#{vertex} {label} {shown}")
            if line == failure.line and failure.kind == "run":
                cmd = rest
                elapsed = 0.2
                tail = []
                for n, ln in enumerate(failure.output):
                    elapsed += num(f"{key}:bk:{n}", 1, 400) / 1000
                    stamped = f"{elapsed:.3f} {ln}".rstrip()
                    out.append(f"#{vertex} {stamped}")
                    tail.append(stamped)
                process = (
                    f'process "/bin/sh -c {cmd}" did not complete successfully: '
                    f"exit code: {failure.code}"
                )
                out += [
                    f"#{vertex} ERROR: {process}",
                    "",
                    "------",
                    f" > {label} {shown}:",
                    *[f"{ln}" for ln in tail[-10:]],
                    "------",
                    *_excerpt(dockerfile, line, dockerfile_name),
                    f"ERROR: failed to solve: {process}",
                ]
                return out
            if line == failure.line and failure.kind == "copy":
                ref = f"{sha_of(key + 'ref')[:24]}::{sha_of(key + 'ctx')[:25]}"
                msg = f'failed to calculate checksum of ref {ref}: "{failure.message}": not found'
                out += [
                    f"#{vertex} ERROR: {msg}",
                    "",
                    "------",
                    f" > {label} {shown}:",
                    "------",
                    *_excerpt(dockerfile, line, dockerfile_name),
                    f"ERROR: failed to solve: failed to compute cache key: {msg}",
                ]
                return out
            is_run = word.upper() == "RUN"
            cached = num(f"{key}:{line}", 0, 3) == 0 and not is_run and stage not in dirty
            if not cached:
                dirty.add(stage)
            took = (
                num(f"{key}:{line}:t", 40, 900) / 10
                if is_run
                else num(f"{key}:{line}:t", 0, 4) / 10
            )
            out += [f"#{vertex} CACHED" if cached else f"#{vertex} DONE {took:.1f}s", ""]
            vertex += 1
    digest = hashlib.sha256(f"{key}:image".encode()).hexdigest()
    out += [
        f"#{vertex} exporting to image",
        f"#{vertex} exporting layers 3.2s done",
        f"#{vertex} exporting manifest sha256:{digest} done",
        f"#{vertex} naming to {_image_ref(tag)} done",
    ]
    if push and failure.kind == "push":
        out += [
            f"#{vertex} pushing layers 0.4s done",
            f"#{vertex} ERROR: failed to push {_image_ref(tag)}: {failure.message}",
            "",
            "------",
            " > exporting to image:",
            "------",
            f"ERROR: failed to solve: failed to push {_image_ref(tag)}: {failure.message}",
        ]
    return out
