"""Case assembly shared by the case modules: events, context, setup steps, fake secrets."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import real
import yaml
from gha import Job, Step, check_run, h, sensor, workflow_job, workflow_run

OUT = Path(__file__).resolve().parents[1] / "cases" / "holdout"
REPO = "5dlabs/cto"
CASES: list[dict[str, Any]] = []


def add(
    cid: str,
    description: str,
    tags: list[str],
    agent: str,
    failure_type: str,
    event_type: str,
    payload: dict[str, Any],
    context: dict[str, Any],
) -> None:
    """Record one case in CASE_FORMAT."""
    assert cid.startswith("ho-"), cid
    CASES.append(
        {
            "id": cid,
            "description": description,
            "tags": sorted(set(tags)),
            "event": {"type": event_type, "payload": payload},
            "context": {k: v for k, v in context.items() if v not in (None, [], {}, "")},
            "expected": {"agent": agent, "failure_type": failure_type},
        }
    )


def ci(
    cid: str,
    description: str,
    tags: list[str],
    agent: str,
    failure_type: str,
    *,
    workflow: str,
    job: str,
    steps: list[Step],
    message: str,
    files: list[str] | None = None,
    event: str = "workflow_job",
    repo: str = REPO,
    branch: str | None = None,
    pr: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    check: tuple[str, str] | None = None,
    self_hosted: bool = False,
    cancelled: bool = False,
    tail: list[str] | None = None,
    logs: bool = True,
    conclusion: str = "failure",
    runner: str = "",
) -> Job:
    """A failed CI job as an event plus the context the sources would return."""
    j = Job(
        cid,
        repo,
        workflow,
        job,
        branch or branch_for(message),
        steps,
        runner=runner,
        self_hosted=self_hosted,
        cancelled=cancelled,
        tail=tail or [],
    )
    number = pr.get("number") if pr else None
    if event == "workflow_job":
        payload = workflow_job(j, conclusion)
    elif event == "workflow_run":
        payload = workflow_run(j, message, conclusion, number)
    elif event == "check_run":
        title, summary = check or (f"{job} failed", "")
        payload = check_run(j, title, summary, pr=number, conclusion=conclusion)
    elif event == "sensor":
        payload = sensor(j, message, conclusion)
    else:
        raise ValueError(event)
    context: dict[str, Any] = {"changed_files": files or [], "commit_message": message}
    if logs:
        context = {"logs": {job: j.log()}, **context}
    if pr:
        context["pull_request"] = pr
    context.update(extra or {})
    add(cid, description, tags, agent, failure_type, event, payload, context)
    return j


def branch_for(message: str) -> str:
    """A branch name of the kind people push, from the commit message's first line."""
    first = message.splitlines()[0]
    merge = re.match(r"Merge branch '[^']+' into (\S+)", first)
    if merge:
        return merge.group(1)
    conv = re.match(r"(\w+)(?:\(([^)]+)\))?!?:\s*(.*)", first)
    kind, scope, rest = (
        (conv.group(1), conv.group(2), conv.group(3)) if conv else ("change", None, first)
    )
    words = f"{scope or ''} {rest}".lower()
    slug = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:40].rstrip("-")
    return f"{kind}/{slug}"


def failing(
    out: real.Out,
    name: str | None = None,
    env: dict[str, str] | None = None,
    command: str | None = None,
    seconds: float | None = None,
) -> Step:
    """The failing ``run:`` step of a real program run (which must have failed)."""
    from gha import run as step

    if out.code == 0:
        raise RuntimeError(f"expected a failure from: {out.command}\n" + "\n".join(out.lines))
    return step(
        command or out.command,
        out.lines,
        out.code,
        name=name,
        env=env,
        seconds=seconds or 5 + len(out.lines) % 40,
    )


def passing(out: real.Out, name: str | None = None, env: dict[str, str] | None = None) -> Step:
    from gha import run as step

    if out.code != 0:
        raise RuntimeError(f"expected success from: {out.command}\n" + "\n".join(out.lines))
    return step(out.command, out.lines, 0, name=name, env=env)


def pr_of(cid: str, title: str, body: str = "") -> dict[str, Any]:
    return {
        "number": h(cid, 1200, 2400),
        "title": title,
        "body": body or f"{title}.\n\nTested locally.",
    }


# ------------------------------------------------------------------ shared setup steps


def rust_setup() -> list[Step]:
    from gha import uses

    return [
        uses(
            "dtolnay/rust-toolchain@stable",
            {"toolchain": "stable", "components": "clippy, rustfmt"},
            [
                "info: syncing channel updates for 'stable-x86_64-unknown-linux-gnu'",
                "info: default toolchain set to 'stable-x86_64-unknown-linux-gnu'",
                "  stable-x86_64-unknown-linux-gnu unchanged - rustc 1.95.0 (59807616e 2026-04-14)",
            ],
        ),
        uses(
            "Swatinem/rust-cache@v2",
            {"cache-on-failure": "true"},
            ["Cache Configuration", "... Restoring cache ...", "No cache found."],
        ),
    ]


def node_setup() -> list[Step]:
    from gha import uses

    return [
        uses(
            "actions/setup-node@v4",
            {"node-version": "20", "cache": "npm"},
            [
                "Found in cache @ /opt/hostedtoolcache/node/20.20.2/x64",
                "##[group]Environment details",
                "node: v20.20.2",
                "npm: 11.19.1",
                "yarn: 1.22.22",
                "##[endgroup]",
            ],
        )
    ]


NPM_CI_OK: real.Out | None = None


def npm_ci_ok() -> Step:
    """A real, passing ``npm ci`` (a lockfile with no dependencies)."""
    global NPM_CI_OK
    if NPM_CI_OK is None:
        lock = (
            '{"name":"web","version":"0.3.0","lockfileVersion":3,"requires":true,'
            '"packages":{"":{"name":"web","version":"0.3.0"}}}'
        )
        NPM_CI_OK = real.sh(
            "ok-npm-ci",
            {"package.json": '{"name":"web","version":"0.3.0"}', "package-lock.json": lock},
            "npm ci --no-fund",
            "npm ci --no-fund",
        )
    return passing(NPM_CI_OK, name="Install dependencies")


# Fake credentials only; redaction must remove them.
FAKE_GHP = "ghp_" + "R7tKq2Vx9LmN4pZs8YwB3cDe6FgH1jQ0uXaE"
FAKE_NPM = "npm_" + "k3Jd8sLq2Wm9Xv4Bz7Nc1Rt6Yp0Hg5Fa2Ue8"
FAKE_SLACK = "https://hooks.slack.com/services/T0FAKE000/B0FAKE000/" + "x" * 8 + "FAKEFAKE" * 2


# ------------------------------------------------------------------ writing


def write_all() -> None:
    ids = [c["id"] for c in CASES]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SystemExit(f"duplicate ids: {dupes}")
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    for case in CASES:
        (OUT / f"{case['id']}.yaml").write_text(
            yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100)
        )
    print(f"wrote {len(CASES)} cases to {OUT}")
