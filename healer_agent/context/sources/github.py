"""GitHub: failed jobs' logs and steps, the PR (title, labels, reviews), the change, annotations.

Each item is taken from the GitHub MCP server when it offers the tool and from REST
(:mod:`healer_agent.context.github_rest`) otherwise. Items are fetched concurrently and
fail independently: a missing log never costs the PR, and the reverse. Tool arguments
follow the connected server's schema (the official server says ``pullNumber``, the
reference one ``pull_number``).

The change under test: a PR's files with their line counts; for a push without a PR, the
head commit's files (``get_commit`` on the official server, else REST's compare API from
the head's first parent, ``{sha}^...{sha}``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from healer_agent.context.config import GitHubSourceConfig
from healer_agent.context.github_rest import GitHubRest, GitHubRestError
from healer_agent.context.protocols import SourceResult, ToolCaller, ToolInfo
from healer_agent.context.results import CHARS_PER_TOKEN, trim_text
from healer_agent.context.sources._common import counted_call, offered_tools, split_repo, takes
from healer_agent.models import FailedStep, FileChange, Incident, JobLog, PullRequestInfo

Tools = dict[str, ToolInfo]


class GitHubSource:
    """Context from GitHub for one incident."""

    name = "github"

    def __init__(
        self, caller: ToolCaller, cfg: GitHubSourceConfig, rest: GitHubRest | None = None
    ) -> None:
        self._caller = caller
        self._cfg = cfg
        self._rest = rest
        self.timeout_s = cfg.timeout_s

    async def gather(self, incident: Incident) -> SourceResult:
        """Logs, PR, change and annotations, each from the best available path."""
        result = SourceResult()
        owner, repo = split_repo(incident.repository)
        if not owner:
            return SourceResult.unconfigured(f"not an owner/name repository: {incident.repository}")
        tools: Tools = {}
        if self._caller.has_server(self._cfg.server):
            tools = await offered_tools(self._caller, result, self._cfg.server) or {}
        if not tools and self._rest is None:
            if result.errors:
                return result
            return SourceResult.unconfigured("no GitHub MCP server and no REST fallback")
        jobs = list(zip(incident.job_ids, incident.job_names, strict=False))
        if incident.job_ids and len(incident.job_names) < len(incident.job_ids):
            jobs = [(j, f"job-{j}") for j in incident.job_ids]
        if not jobs and incident.run_id:
            jobs = await self._failed_jobs(result, tools, owner, repo, incident.run_id)
        tasks: list[Awaitable[Any]] = [
            *(self._job(result, tools, owner, repo, incident, j, n) for j, n in jobs),
            self._pull_request(result, tools, owner, repo, incident),
            self._annotations(result, owner, repo, incident),
        ]
        logs_and_rest = await asyncio.gather(*tasks)
        logs = tuple(log for log in logs_and_rest[: len(jobs)] if log is not None)
        if logs:
            result.fields["logs"] = logs
        message = incident.commit_message or await self._commit_message(
            result, tools, owner, repo, incident.head_sha
        )
        if message:
            result.fields["commit_message"] = message
        return result

    async def _call(self, result: SourceResult, tool: str, args: dict[str, Any]) -> Any:
        res = await counted_call(self._caller, result, self._cfg.server, tool, args)
        return None if res is None else res.data

    async def _rest_json(
        self, result: SourceResult, what: str, path: str, params: dict[str, Any] | None = None
    ) -> Any:
        assert self._rest is not None
        try:
            data = await self._rest.get_json(path, params)
        except GitHubRestError as exc:
            result.errors.append(f"{what}: {exc}"[:300])
            return None
        result.succeeded += 1
        return data

    async def _commit_message(
        self, result: SourceResult, tools: Tools, owner: str, repo: str, sha: str
    ) -> str | None:
        if "list_commits" not in tools or not sha:
            return None
        args = {"owner": owner, "repo": repo, "sha": sha, "perPage": 1}
        data = await self._call(result, "list_commits", args)
        commits = data if isinstance(data, list) else []
        first = commits[0] if commits and isinstance(commits[0], dict) else {}
        message = (first.get("commit") or {}).get("message")
        return str(message) if message else None

    # ------------------------------------------------------------------ logs

    async def _failed_jobs(
        self, result: SourceResult, tools: Tools, owner: str, repo: str, run_id: int
    ) -> list[tuple[int, str]]:
        """Failed jobs of a run when the event named none (``workflow_run`` / sensor)."""
        data: Any = None
        if "list_workflow_jobs" in tools:
            args = {"owner": owner, "repo": repo, "run_id": run_id, "filter": "latest"}
            data = await self._call(result, "list_workflow_jobs", args)
        if data is None and self._rest is not None:
            path = f"/repos/{owner}/{repo}/actions/runs/{run_id}/jobs"
            data = await self._rest_json(
                result, f"jobs of run {run_id}", path, {"filter": "latest", "per_page": 100}
            )
        jobs = data.get("jobs") if isinstance(data, dict) else None
        return [
            (int(j["id"]), str(j.get("name", "")))
            for j in jobs or []
            if isinstance(j, dict) and j.get("conclusion") == "failure" and "id" in j
        ]

    async def _job(
        self,
        result: SourceResult,
        tools: Tools,
        owner: str,
        repo: str,
        incident: Incident,
        job_id: int,
        job_name: str,
    ) -> JobLog | None:
        steps = tuple(
            s for s in incident.failed_steps if s.job_id in (job_id, None) or s.job_name == job_name
        )
        text: str | None = None
        if self._cfg.job_log_tool in tools:
            args = {"owner": owner, "repo": repo, "job_id": job_id, "return_content": True}
            if takes(tools[self._cfg.job_log_tool], "tail_lines"):
                args["tail_lines"] = self._cfg.max_log_lines
            text = _log_text(await self._call(result, self._cfg.job_log_tool, args))
        if text is None and self._rest is not None:
            try:
                text = await self._rest.job_log(owner, repo, job_id)
                result.succeeded += 1
                if not steps:
                    steps = await self._rest_steps(owner, repo, job_id, job_name)
            except GitHubRestError as exc:
                result.errors.append(f"job log {job_id}: {exc}"[:300])
        if text is None:
            if not tools or self._rest is None:
                result.notes.append(f"no job-log tool and no REST fallback for job {job_id}")
            return None
        budget = self._cfg.max_log_tokens * CHARS_PER_TOKEN
        text = trim_text(text, budget, keep="tail")[0]
        return JobLog(job_name=job_name, text=text, job_id=job_id, steps=steps)

    async def _rest_steps(
        self, owner: str, repo: str, job_id: int, job_name: str
    ) -> tuple[FailedStep, ...]:
        assert self._rest is not None
        job = await self._rest.get_json(f"/repos/{owner}/{repo}/actions/jobs/{job_id}")
        return tuple(
            FailedStep(
                job_id=job_id,
                job_name=job_name,
                number=s.get("number"),
                name=str(s.get("name", "")),
                conclusion=s.get("conclusion"),
            )
            for s in (job.get("steps") or [])
            if isinstance(s, dict)
        )

    # ------------------------------------------------------------------ pull request / change

    async def _pull_request(
        self, result: SourceResult, tools: Tools, owner: str, repo: str, incident: Incident
    ) -> None:
        number = incident.pr_numbers[0] if incident.pr_numbers else None
        if number is None:
            number = await self._pr_for_commit(result, tools, owner, repo, incident)
        if number is None:
            result.notes.append("no pull request for this commit")
            await self._push_change(result, tools, owner, repo, incident.head_sha)
            return
        pr, files, reviews = await asyncio.gather(
            self._pr_item(result, tools, "get_pull_request", owner, repo, number, ""),
            self._pr_item(result, tools, "get_pull_request_files", owner, repo, number, "/files"),
            self._pr_item(
                result, tools, "get_pull_request_reviews", owner, repo, number, "/reviews"
            ),
        )
        if isinstance(pr, dict):
            result.fields["pull_request"] = _pr_info(pr, number, reviews)
        if isinstance(files, list):
            self._store_change(result, files)

    async def _pr_item(
        self,
        result: SourceResult,
        tools: Tools,
        tool: str,
        owner: str,
        repo: str,
        number: int,
        suffix: str,
    ) -> Any:
        if tool in tools:
            key = "pullNumber" if takes(tools[tool], "pullNumber") else "pull_number"
            data = await self._call(result, tool, {"owner": owner, "repo": repo, key: number})
            if data is not None:
                return data
        if self._rest is not None:
            params = {"per_page": 100} if suffix else None
            return await self._rest_json(
                result,
                f"PR #{number}{suffix}",
                f"/repos/{owner}/{repo}/pulls/{number}{suffix}",
                params,
            )
        return None

    async def _push_change(
        self, result: SourceResult, tools: Tools, owner: str, repo: str, sha: str
    ) -> None:
        """The files of a push without a PR: the head commit against its first parent."""
        if not sha:
            return
        data: Any = None
        if "get_commit" in tools:
            data = await self._call(
                result, "get_commit", {"owner": owner, "repo": repo, "sha": sha}
            )
        if not (isinstance(data, dict) and isinstance(data.get("files"), list)) and self._rest:
            data = await self._rest_json(
                result, f"compare {sha[:12]}", f"/repos/{owner}/{repo}/compare/{sha}^...{sha}"
            )
        if isinstance(data, dict) and isinstance(data.get("files"), list):
            self._store_change(result, data["files"])

    def _store_change(self, result: SourceResult, files: list[Any]) -> None:
        changes = [_file_change(f) for f in files if isinstance(f, dict) and f.get("filename")]
        changes = changes[: self._cfg.max_files]
        result.fields["changed_files"] = tuple(c.filename for c in changes)
        result.fields["file_changes"] = tuple(changes)
        result.fields["file_diff_summary"] = diff_summary(changes)

    async def _pr_for_commit(
        self, result: SourceResult, tools: Tools, owner: str, repo: str, incident: Incident
    ) -> int | None:
        if "list_pull_requests" in tools and incident.branch:
            args = {
                "owner": owner,
                "repo": repo,
                "head": f"{owner}:{incident.branch}",
                "state": "all",
            }
            data = await self._call(result, "list_pull_requests", args)
            for pr in data if isinstance(data, list) else []:
                head = (pr.get("head") or {}) if isinstance(pr, dict) else {}
                if isinstance(pr, dict) and (
                    not incident.head_sha or head.get("sha") == incident.head_sha
                ):
                    try:
                        return int(pr["number"])
                    except (KeyError, TypeError, ValueError):
                        continue
            if isinstance(data, list):
                return None
        if self._rest is not None and incident.head_sha:
            prs = await self._rest_json(
                result, "PRs for commit", f"/repos/{owner}/{repo}/commits/{incident.head_sha}/pulls"
            )
            if isinstance(prs, list) and prs and isinstance(prs[0], dict):
                try:
                    return int(prs[0]["number"])
                except (KeyError, TypeError, ValueError):
                    return None
        return None

    # ------------------------------------------------------------------ annotations

    async def _annotations(
        self, result: SourceResult, owner: str, repo: str, incident: Incident
    ) -> None:
        # For Actions jobs the check-run id is the job id.
        ids = [incident.check_run_id] if incident.check_run_id else list(incident.job_ids)
        if self._rest is None or not ids:
            return
        lines: list[str] = []
        for check_run_id in ids:
            items = await self._rest_json(
                result,
                f"annotations {check_run_id}",
                f"/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
                {"per_page": 100},
            )
            lines.extend(_annotation_line(a) for a in items or [] if isinstance(a, dict))
        if lines:
            result.fields["annotations"] = tuple(lines[: self._cfg.max_annotations])


def _log_text(data: Any) -> str | None:
    """The log text of a job-log tool result (official server: ``logs_content``)."""
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        for key in ("logs_content", "content", "logs", "log"):
            value = data.get(key)
            if isinstance(value, str):
                return value
    return None


def _file_change(f: dict[str, Any]) -> FileChange:
    def count(key: str) -> int:
        try:
            return int(f.get(key) or 0)
        except (TypeError, ValueError):
            return 0

    return FileChange(
        filename=str(f["filename"]),
        status=str(f.get("status") or "modified"),
        additions=count("additions"),
        deletions=count("deletions"),
    )


def diff_summary(changes: list[FileChange], *, top: int = 5) -> str:
    """``3 files changed, +12 -4; largest: a.rs (+10 -2), ...``: the change at a glance."""
    if not changes:
        return ""
    added = sum(c.additions for c in changes)
    removed = sum(c.deletions for c in changes)
    largest = sorted(changes, key=lambda c: c.additions + c.deletions, reverse=True)[:top]
    parts = ", ".join(f"{c.filename} ({c.status} +{c.additions} -{c.deletions})" for c in largest)
    plural = "s" if len(changes) != 1 else ""
    return f"{len(changes)} file{plural} changed, +{added} -{removed}; largest: {parts}"


def _latest_reviews(reviews: Any) -> tuple[str, ...]:
    """``login: STATE`` for each reviewer's latest review, in the order they reviewed."""
    latest: dict[str, str] = {}
    for review in reviews if isinstance(reviews, list) else []:
        if not isinstance(review, dict):
            continue
        login = str((review.get("user") or {}).get("login") or "")
        state = str(review.get("state") or "")
        if login and state and state != "PENDING":
            latest.pop(login, None)
            latest[login] = state
    return tuple(f"{login}: {state}" for login, state in latest.items())


def _pr_info(pr: dict[str, Any], number: int, reviews: Any = None) -> PullRequestInfo:
    head, base, user = pr.get("head") or {}, pr.get("base") or {}, pr.get("user") or {}
    labels = tuple(
        str(lab.get("name"))
        for lab in pr.get("labels") or []
        if isinstance(lab, dict) and lab.get("name")
    )
    return PullRequestInfo(
        number=int(pr.get("number") or number),
        title=str(pr.get("title") or ""),
        body=str(pr.get("body") or "")[:4000],
        state=str(pr.get("state") or ""),
        head_ref=str(head.get("ref") or ""),
        base_ref=str(base.get("ref") or ""),
        html_url=str(pr.get("html_url") or ""),
        author=str(user.get("login") or ""),
        labels=labels,
        reviews=_latest_reviews(reviews),
    )


def _annotation_line(a: dict[str, Any]) -> str:
    where = f"{a.get('path', '')}:{a.get('start_line', '')}"
    title = f" {a['title']}:" if a.get("title") else ""
    return f"{where}: [{a.get('annotation_level', 'failure')}]{title} {a.get('message', '')}"[:500]


__all__ = ["GitHubSource", "diff_summary"]
