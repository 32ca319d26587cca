"""GitHub: failed jobs' logs and steps, the PR for the head commit, its files, annotations.

Each item is taken from the GitHub MCP server when it offers the tool and from REST
(:mod:`healer_agent.context.github_rest`) otherwise. Items are fetched concurrently and
fail independently: a missing log never costs the PR, and the reverse.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from healer_agent.context.config import GitHubSourceConfig
from healer_agent.context.errors import ToolError
from healer_agent.context.github_rest import GitHubRest, GitHubRestError
from healer_agent.context.protocols import SourceResult, ToolCaller
from healer_agent.context.results import CHARS_PER_TOKEN, trim_text
from healer_agent.context.sources._common import split_repo
from healer_agent.models import FailedStep, Incident, JobLog, PullRequestInfo


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

    async def _tools(self) -> frozenset[str]:
        if not self._caller.has_server(self._cfg.server):
            return frozenset()
        try:
            return frozenset(t.name for t in await self._caller.list_tools(self._cfg.server))
        except ToolError:
            return frozenset()

    async def gather(self, incident: Incident) -> SourceResult:
        """Logs, PR, files and annotations, each from the best available path."""
        result = SourceResult()
        owner, repo = split_repo(incident.repository)
        if not owner:
            return SourceResult.unconfigured(f"not an owner/name repository: {incident.repository}")
        tools = await self._tools()
        if not tools and self._rest is None:
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
        message = incident.commit_message or await self._commit_message(tools, owner, repo,
                                                                         incident.head_sha)
        if message:
            result.fields["commit_message"] = message
        return result

    async def _commit_message(
        self, tools: frozenset[str], owner: str, repo: str, sha: str
    ) -> str | None:
        if "list_commits" not in tools or not sha:
            return None
        try:
            args = {"owner": owner, "repo": repo, "sha": sha, "perPage": 1}
            res = await self._caller.call(self._cfg.server, "list_commits", args)
        except ToolError:
            return None
        commits = res.data if isinstance(res.data, list) else []
        first = commits[0] if commits and isinstance(commits[0], dict) else {}
        message = (first.get("commit") or {}).get("message")
        return str(message) if message else None

    # ------------------------------------------------------------------ logs

    async def _failed_jobs(
        self, result: SourceResult, tools: frozenset[str], owner: str, repo: str, run_id: int
    ) -> list[tuple[int, str]]:
        """Failed jobs of a run when the event named none (``workflow_run`` / sensor)."""
        data: Any = None
        if "list_workflow_jobs" in tools:
            try:
                args = {"owner": owner, "repo": repo, "run_id": run_id, "filter": "latest"}
                data = (await self._caller.call(self._cfg.server, "list_workflow_jobs", args)).data
            except ToolError as exc:
                result.failed(exc)
        if data is None and self._rest is not None:
            try:
                data = await self._rest.get_json(
                    f"/repos/{owner}/{repo}/actions/runs/{run_id}/jobs",
                    {"filter": "latest", "per_page": 100},
                )
            except GitHubRestError as exc:
                result.errors.append(f"jobs of run {run_id}: {exc}")
        jobs = data.get("jobs") if isinstance(data, dict) else None
        return [
            (int(j["id"]), str(j.get("name", "")))
            for j in jobs or []
            if isinstance(j, dict) and j.get("conclusion") == "failure" and "id" in j
        ]

    async def _job(
        self,
        result: SourceResult,
        tools: frozenset[str],
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
            try:
                res = await self._caller.call(
                    self._cfg.server,
                    self._cfg.job_log_tool,
                    {"owner": owner, "repo": repo, "job_id": job_id, "return_content": True},
                )
                text = _log_text(res.data)
            except ToolError as exc:
                result.failed(exc)
        if text is None and self._rest is not None:
            try:
                text = await self._rest.job_log(owner, repo, job_id)
                if not steps:
                    steps = await self._rest_steps(owner, repo, job_id, job_name)
            except GitHubRestError as exc:
                result.errors.append(f"job log {job_id}: {exc}")
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

    # ------------------------------------------------------------------ pull request

    async def _pull_request(
        self, result: SourceResult, tools: frozenset[str], owner: str, repo: str, incident: Incident
    ) -> None:
        number = incident.pr_numbers[0] if incident.pr_numbers else None
        if number is None:
            number = await self._pr_for_commit(result, tools, owner, repo, incident)
        if number is None:
            result.notes.append("no pull request for this commit")
            return
        pr, files = await asyncio.gather(
            self._get(result, tools, "get_pull_request", owner, repo, number, ""),
            self._get(result, tools, "get_pull_request_files", owner, repo, number, "/files"),
        )
        if isinstance(pr, dict):
            result.fields["pull_request"] = _pr_info(pr, number)
        if isinstance(files, list):
            names = [str(f.get("filename")) for f in files if isinstance(f, dict)]
            result.fields["changed_files"] = tuple(names[: self._cfg.max_files])

    async def _get(
        self,
        result: SourceResult,
        tools: frozenset[str],
        tool: str,
        owner: str,
        repo: str,
        number: int,
        suffix: str,
    ) -> Any:
        if tool in tools:
            try:
                args = {"owner": owner, "repo": repo, "pull_number": number}
                return (await self._caller.call(self._cfg.server, tool, args)).data
            except ToolError as exc:
                result.failed(exc)
        if self._rest is not None:
            params = {"per_page": 100} if suffix else None
            try:
                return await self._rest.get_json(
                    f"/repos/{owner}/{repo}/pulls/{number}{suffix}", params
                )
            except GitHubRestError as exc:
                result.errors.append(str(exc))
        return None

    async def _pr_for_commit(
        self, result: SourceResult, tools: frozenset[str], owner: str, repo: str, incident: Incident
    ) -> int | None:
        if "list_pull_requests" in tools and incident.branch:
            try:
                res = await self._caller.call(
                    self._cfg.server,
                    "list_pull_requests",
                    {"owner": owner, "repo": repo, "head": f"{owner}:{incident.branch}",
                     "state": "all"},
                )
                for pr in res.data if isinstance(res.data, list) else []:
                    head = pr.get("head") or {} if isinstance(pr, dict) else {}
                    if not incident.head_sha or head.get("sha") == incident.head_sha:
                        return int(pr["number"])
            except (ToolError, KeyError, TypeError, ValueError) as exc:
                if isinstance(exc, ToolError):
                    result.failed(exc)
        if self._rest is not None and incident.head_sha:
            try:
                prs = await self._rest.get_json(
                    f"/repos/{owner}/{repo}/commits/{incident.head_sha}/pulls"
                )
                if isinstance(prs, list) and prs:
                    return int(prs[0]["number"])
            except (GitHubRestError, KeyError, TypeError, ValueError) as exc:
                result.errors.append(f"PRs for commit: {exc}")
        return None

    # ------------------------------------------------------------------ annotations

    async def _annotations(self, result: SourceResult, owner: str, repo: str, incident: Incident
                           ) -> None:
        # For Actions jobs the check-run id is the job id.
        ids = [incident.check_run_id] if incident.check_run_id else list(incident.job_ids)
        if self._rest is None or not ids:
            return
        lines: list[str] = []
        for check_run_id in ids:
            try:
                items = await self._rest.get_json(
                    f"/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
                    {"per_page": 100},
                )
            except GitHubRestError as exc:
                result.errors.append(f"annotations {check_run_id}: {exc}")
                continue
            lines.extend(_annotation_line(a) for a in items if isinstance(a, dict))
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


def _pr_info(pr: dict[str, Any], number: int) -> PullRequestInfo:
    head, base, user = pr.get("head") or {}, pr.get("base") or {}, pr.get("user") or {}
    return PullRequestInfo(
        number=int(pr.get("number") or number),
        title=str(pr.get("title") or ""),
        body=str(pr.get("body") or "")[:4000],
        state=str(pr.get("state") or ""),
        head_ref=str(head.get("ref") or ""),
        base_ref=str(base.get("ref") or ""),
        html_url=str(pr.get("html_url") or ""),
        author=str(user.get("login") or ""),
    )


def _annotation_line(a: dict[str, Any]) -> str:
    where = f"{a.get('path', '')}:{a.get('start_line', '')}"
    title = f" {a['title']}:" if a.get("title") else ""
    return f"{where}: [{a.get('annotation_level', 'failure')}]{title} {a.get('message', '')}"[:500]


__all__ = ["GitHubSource"]
