"""A replay MCP server: a labelled case's ``context`` behind the real servers' tool names.

Run ``python -m healer_agent.context.replay_server --case FILE`` (or ``--dataset DIR``) over
stdio. Tool names and result shapes follow the real servers, so Healer's sources parse the
replay exactly as they parse production:

- GitHub (official github-mcp-server names): ``list_workflow_jobs``, ``get_job_logs``
  (``{"logs_content": ...}``), and server-github's ``get_pull_request``,
  ``get_pull_request_files``, ``list_pull_requests``, ``list_commits`` (pretty JSON text);
- argocd-mcp: ``list_applications``, ``get_application`` (a missing app answers the Argo CD
  404 body as *successful* text, like argocd-mcp does);
- prometheus-mcp-server: ``execute_query``, ``execute_range_query``, ``health_check`` (JSON
  text plus identical ``structured_content``);
- mcp-grafana: ``list_datasources``, ``query_loki_logs``;
- kubernetes-mcp-server: ``pods_list_in_namespace``, ``events_list``.

With ``--dataset``, the served case is the one last named by ``replay_select_case`` or
identified by a GitHub call (run id, job id or PR number); one server process therefore
serves one incident at a time. :func:`replay_config` builds the matching ``McpConfig``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent

from healer_agent.context.config import McpConfig, parse_config

SERVER_NAME = "replay"
LOKI_UID = "replay-loki"
ALL_TOOLS = (
    "list_workflow_jobs",
    "get_job_logs",
    "get_pull_request",
    "get_pull_request_files",
    "list_pull_requests",
    "list_commits",
    "list_applications",
    "get_application",
    "execute_query",
    "execute_range_query",
    "health_check",
    "list_datasources",
    "query_loki_logs",
    "pods_list_in_namespace",
    "events_list",
)


def load_cases(path: Path) -> list[dict[str, Any]]:
    """One case file, or every ``*.yaml``/``*.json`` case in a directory."""
    files = [path] if path.is_file() else sorted([*path.glob("*.yaml"), *path.glob("*.json")])
    cases = []
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "context" in data:
            cases.append(data)
    return cases


class Case:
    """Indexes of one case's event payload and context."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.id = str(raw.get("id", "case"))
        self.context: Mapping[str, Any] = raw.get("context") or {}
        event = raw.get("event") or {}
        payload: Mapping[str, Any] = event.get("payload") or {}
        if "body" in payload and isinstance(payload["body"], Mapping):  # CloudEvents envelope
            payload = payload["body"]
        self.payload = payload
        repo = payload.get("repository") or {}
        self.repository = str(repo.get("full_name", "")) if isinstance(repo, Mapping) else ""
        job = payload.get("workflow_job") or {}
        run = payload.get("workflow_run") or {}
        self.run_id = int(job.get("run_id") or run.get("id") or 0)
        self.head_sha = str(job.get("head_sha") or run.get("head_sha") or "")
        self.branch = str(job.get("head_branch") or run.get("head_branch") or "")
        self.jobs: dict[int, str] = {}
        self.steps: dict[int, list[Any]] = {}
        if job.get("id") is not None:
            self.jobs[int(job["id"])] = str(job.get("name", ""))
            self.steps[int(job["id"])] = list(job.get("steps") or [])
        for name in self.logs:
            if name not in self.jobs.values():
                # A stable synthetic id for logs the payload does not name.
                self.jobs[zlib.crc32(f"{self.id}/{name}".encode()) & 0x7FFFFFFF] = name

    @property
    def logs(self) -> Mapping[str, str]:
        """Job name -> log text."""
        return self.context.get("logs") or {}

    @property
    def pr(self) -> Mapping[str, Any] | None:
        """The case's pull request, if any."""
        pr = self.context.get("pull_request")
        return pr if isinstance(pr, Mapping) else None


def _pr_json(case: Case) -> dict[str, Any]:
    pr = case.pr or {}
    return {
        "number": pr.get("number"),
        "title": pr.get("title", ""),
        "body": pr.get("body", ""),
        "state": pr.get("state", "open"),
        "html_url": pr.get("html_url", ""),
        "user": {"login": pr.get("author", "")},
        "head": {"ref": pr.get("head_ref", case.branch), "sha": case.head_sha},
        "base": {"ref": pr.get("base_ref", "main")},
    }


def _argo_app(app: Mapping[str, Any], repository: str) -> dict[str, Any]:
    resources = []
    for res in app.get("unhealthy_resources") or []:
        kind, _, name = str(res).partition("/")
        resources.append(
            {
                "kind": kind,
                "name": name or kind,
                "status": "OutOfSync",
                "health": {"status": "Degraded"},
            }
        )
    return {
        "metadata": {"name": app.get("name", ""), "namespace": "argocd"},
        "spec": {"source": {"repoURL": f"https://github.com/{repository}.git"}},
        "status": {
            "sync": {"status": app.get("sync_status", "Unknown")},
            "health": {
                "status": app.get("health_status", "Unknown"),
                "message": app.get("message", ""),
            },
            "resources": resources,
        },
    }


def _series(value: Any, *, matrix: bool) -> list[dict[str, Any]]:
    """A case's Prometheus value (scalar or series list) as API result entries."""
    now = time.time()
    if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
        out = []
        for s in value:
            metric = dict(s.get("metric") or s.get("labels") or {})
            if matrix and "values" in s:
                out.append({"metric": metric, "values": s["values"]})
            elif "value" in s:
                v = s["value"]
                sample = v if isinstance(v, list) else [now, str(v)]
                out.append(
                    {
                        "metric": metric,
                        ("values" if matrix else "value"): [sample] if matrix else sample,
                    }
                )
        return out
    sample = [now, str(value)]
    return [{"metric": {}, "values": [sample]} if matrix else {"metric": {}, "value": sample}]


def _structured(data: dict[str, Any]) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=json.dumps(data, separators=(",", ":")))],
        structured_content=data,
    )


def build_server(cases: Sequence[Mapping[str, Any]]) -> MCPServer:
    """The replay server over ``cases`` (the first is served until another is selected)."""
    indexed = [Case(c) for c in cases]
    if not indexed:
        raise ValueError("no cases to replay")
    served = {"current": indexed[0]}
    server: MCPServer = MCPServer(SERVER_NAME, instructions="Replays a labelled CI failure.")

    def select(pred: Any) -> Case:
        for case in indexed:
            if pred(case):
                served["current"] = case
                return case
        return served["current"]

    def pretty(data: Any) -> str:  # server-github pretty-prints
        return json.dumps(data, indent=2)

    @server.tool(structured_output=False)
    def replay_select_case(case_id: str) -> str:
        """Serve the case with this id from now on (dataset mode)."""
        case = select(lambda c: c.id == case_id)
        if case.id != case_id:
            raise ToolError(f"no case {case_id!r}")
        return json.dumps({"selected": case.id})

    @server.tool(structured_output=False)
    def list_workflow_jobs(owner: str, repo: str, run_id: int, filter: str = "latest") -> str:
        """List the jobs of a workflow run."""
        case = select(lambda c: c.run_id == run_id)
        jobs = [
            {
                "id": jid,
                "name": name,
                "run_id": run_id,
                "status": "completed",
                "conclusion": "failure",
                "steps": case.steps.get(jid, []),
            }
            for jid, name in case.jobs.items()
        ]
        return json.dumps({"total_count": len(jobs), "jobs": jobs})

    @server.tool(structured_output=False)
    def get_job_logs(
        owner: str,
        repo: str,
        job_id: int | None = None,
        run_id: int | None = None,
        failed_only: bool = False,
        return_content: bool = False,
        tail_lines: int = 500,
    ) -> str:
        """Download logs for a workflow job."""
        case = select(lambda c: job_id in c.jobs)
        name = case.jobs.get(job_id or -1)
        if name is None or name not in case.logs:
            raise ToolError(f"failed to get job logs for job {job_id}: 404 Not Found")
        text = str(case.logs[name])
        return json.dumps(
            {
                "job_id": job_id,
                "logs_content": text,
                "message": "Job logs content retrieved successfully",
                "original_length": len(text),
            }
        )

    @server.tool(structured_output=False)
    def get_pull_request(owner: str, repo: str, pull_number: int) -> str:
        """Get details of a specific pull request."""
        case = select(lambda c: c.pr is not None and c.pr.get("number") == pull_number)
        if case.pr is None or case.pr.get("number") != pull_number:
            raise ToolError("Not Found: Resource not found: Not Found")
        return pretty(_pr_json(case))

    @server.tool(structured_output=False)
    def get_pull_request_files(owner: str, repo: str, pull_number: int) -> str:
        """Get the list of files changed in a pull request."""
        case = served["current"]
        files = case.context.get("changed_files") or []
        return pretty([{"filename": f, "status": "modified"} for f in files])

    @server.tool(structured_output=False)
    def list_pull_requests(
        owner: str,
        repo: str,
        state: str = "open",
        head: str = "",
        base: str = "",
        per_page: int = 30,
    ) -> str:
        """List and filter repository pull requests."""
        case = served["current"]
        return pretty([_pr_json(case)] if case.pr else [])

    @server.tool(structured_output=False)
    def list_commits(owner: str, repo: str, sha: str = "", page: int = 1, perPage: int = 30) -> str:
        """Get a list of commits of a branch."""
        case = served["current"]
        message = case.context.get("commit_message") or ""
        return pretty([{"sha": case.head_sha, "commit": {"message": message}}])

    @server.tool(structured_output=False)
    def list_applications(search: str = "", limit: int = 100, offset: int = 0) -> str:
        """List Argo CD applications."""
        case = served["current"]
        apps = [_argo_app(a, case.repository) for a in case.context.get("argocd") or []]
        return json.dumps(
            {
                "items": apps,
                "metadata": {"totalItems": len(apps), "returnedItems": len(apps), "hasMore": False},
            }
        )

    @server.tool(structured_output=False)
    def get_application(applicationName: str, applicationNamespace: str = "") -> str:
        """Get an Argo CD application by name."""
        case = served["current"]
        for app in case.context.get("argocd") or []:
            if app.get("name") == applicationName:
                return json.dumps(_argo_app(app, case.repository))
        msg = f'applications.argoproj.io "{applicationName}" not found'
        return json.dumps({"error": msg, "code": 5, "message": msg})

    def prom(query: str, *, matrix: bool) -> CallToolResult:
        values = served["current"].context.get("prometheus") or {}
        found = query in values
        result = _series(values[query], matrix=matrix) if found else []
        return _structured({"resultType": "matrix" if matrix else "vector", "result": result})

    @server.tool(structured_output=False)
    def execute_query(query: str, time: str | None = None) -> CallToolResult:
        """Execute a PromQL instant query against Prometheus."""
        return prom(query, matrix=False)

    @server.tool(structured_output=False)
    def execute_range_query(query: str, start: str, end: str, step: str) -> CallToolResult:
        """Execute a PromQL range query with start time, end time, and step interval."""
        return prom(query, matrix=True)

    @server.tool(structured_output=False)
    def health_check() -> CallToolResult:
        """Health check endpoint for container monitoring and status verification."""
        return _structured({"status": "healthy", "service": "replay"})

    @server.tool(structured_output=False)
    def list_datasources(limit: int = 100, name: str = "", offset: int = 0, type: str = "") -> str:
        """List Grafana datasources."""
        ds = [{"id": 1, "uid": LOKI_UID, "name": "Loki", "type": "loki", "isDefault": False}]
        return json.dumps({"datasources": ds, "total": 1, "hasMore": False})

    @server.tool(structured_output=False)
    def query_loki_logs(
        datasourceUid: str,
        logql: str,
        startRfc3339: str = "",
        endRfc3339: str = "",
        limit: int = 10,
        direction: str = "backward",
    ) -> str:
        """Query and retrieve log entries from a Loki datasource."""
        lines = [str(x) for x in served["current"].context.get("loki") or []][:limit]
        now_ns = time.time_ns()
        data = [
            {"timestamp": str(now_ns - i * 1_000_000), "line": line, "labels": {}}
            for i, line in enumerate(lines)
        ]
        return json.dumps(
            {"data": data, "metadata": {"linesReturned": len(data), "resultsTruncated": False}}
        )

    def k8s(key: str) -> str:
        return json.dumps((served["current"].context.get("kubernetes") or {}).get(key, []))

    @server.tool(structured_output=False)
    def pods_list_in_namespace(namespace: str) -> str:
        """List all the Kubernetes pods in the specified namespace."""
        return k8s("pods")

    @server.tool(structured_output=False)
    def events_list(namespace: str = "") -> str:
        """List all the Kubernetes events in the current cluster."""
        return k8s("events")

    return server


def replay_config(path: Path, *, python: str = sys.executable) -> McpConfig:
    """An ``McpConfig`` whose every source reads the replay server over stdio."""
    cases = [Case(c) for c in load_cases(path)]
    flag = "--case" if path.is_file() else "--dataset"
    repositories: dict[str, Any] = {}
    for case in cases:
        repositories.setdefault(
            case.repository or "*",
            {
                "argocd_apps": [a.get("name") for a in case.context.get("argocd") or []],
                "prometheus": {
                    f"q{i}": {"query": q, "instant": True}
                    for i, q in enumerate(case.context.get("prometheus") or {})
                },
                "loki": '{job=~".+"}',
            },
        )
    raw = {
        "servers": {
            SERVER_NAME: {
                "transport": "stdio",
                "command": python,
                "args": ["-m", "healer_agent.context.replay_server", flag, str(path.resolve())],
                "tools": list(ALL_TOOLS),
                "timeout_s": 10,
                "max_output_tokens": 50_000,
                "check": {"tool": "health_check"},
            }
        },
        "sources": {
            name: {"server": SERVER_NAME}
            for name in ("github", "argocd", "prometheus", "grafana", "kubernetes")
        }
        | {
            "loki": {"server": SERVER_NAME, "datasource_uid": LOKI_UID},
            "github": {"server": SERVER_NAME, "rest_fallback": False},
        },
        "repositories": repositories,
    }
    return parse_config(raw, env={})


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: serve a case or a dataset over stdio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--case", type=Path)
    group.add_argument("--dataset", type=Path)
    args = parser.parse_args(argv)
    cases = load_cases(args.case or args.dataset)
    if not cases:
        print("no cases found", file=sys.stderr)
        return 2
    build_server(cases).run("stdio")
    return 0


if __name__ == "__main__":
    sys.exit(main())
