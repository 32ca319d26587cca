"""Real @modelcontextprotocol/server-github (npm) against a GitHub REST stub on 127.0.0.1
(reached through a fetch-redirect preload, since the server hard-codes api.github.com), plus
Healer's REST fallback for job logs (302 followed without the token) and annotations."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "mcp"))
from mcp_helpers import FIXTURES, run_stub, server_binary

from healer_agent.context.config import parse_config
from healer_agent.context.github_rest import GitHubRest
from healer_agent.context.pool import McpPool
from healer_agent.context.sources import GitHubSource
from healer_agent.models import Incident

pytestmark = pytest.mark.mcp

API, T = "https://api.github.com", "2026-11-24T09:00:00Z"
HEAD = "deadbeefcafe0000000000000000000000000000"
R = "/repos/acme/shop"


def _user(login: str, uid: int) -> dict[str, Any]:
    return {"login": login, "id": uid, "node_id": f"U_{uid}", "avatar_url": f"{API}/a/{login}",
            "url": f"{API}/users/{login}", "html_url": f"https://github.com/{login}",
            "type": "User"}


REPO = {"id": 1, "node_id": "R_1", "name": "shop", "full_name": "acme/shop", "private": False,
        "owner": _user("acme", 100), "html_url": "https://github.com/acme/shop",
        "description": "shop", "fork": False, "url": f"{API}{R}", "created_at": T,
        "updated_at": T, "pushed_at": T, "git_url": "git://github.com/acme/shop.git",
        "ssh_url": "git@github.com:acme/shop.git", "clone_url": "https://github.com/acme/shop.git",
        "default_branch": "main"}
PULL = {"url": f"{API}{R}/pulls/42", "id": 4242, "node_id": "PR_42",
        "html_url": "https://github.com/acme/shop/pull/42", "diff_url": "d", "patch_url": "p",
        "issue_url": f"{API}{R}/issues/42", "number": 42, "state": "open", "locked": False,
        "title": "Lower payment client timeout", "user": _user("dev1", 7), "body": "3s is enough",
        "created_at": T, "updated_at": T, "closed_at": None, "merged_at": None,
        "merge_commit_sha": None, "assignee": None, "assignees": [], "requested_reviewers": [],
        "labels": [],
        "head": {"label": "acme:fast", "ref": "fast", "sha": HEAD, "user": _user("acme", 100),
                 "repo": REPO},
        "base": {"label": "acme:main", "ref": "main", "sha": "0" * 40, "user": _user("acme", 100),
                 "repo": REPO}}
FILES = [{"sha": "f1", "filename": "payments/client.py", "status": "modified", "additions": 1,
          "deletions": 1, "changes": 2, "blob_url": "b", "raw_url": "r", "contents_url": "c",
          "patch": "-TIMEOUT = 30\n+TIMEOUT = 3"}]
ROUTES: list[dict[str, Any]] = [
    {"path": f"{R}/pulls/42", "body": PULL},
    {"path": f"{R}/pulls/42/files", "body": FILES},
    {"path": f"{R}/actions/jobs/9001/logs", "status": 302, "body": "",
     "headers": {"Location": "{STUB}/signed/job-9001.txt?sig=abc"}},
    {"path": "/signed/job-9001.txt", "headers": {"Content-Type": "text/plain"},
     "body": "2026-11-24T09:01:00Z ##[group]Run pytest\n"
             "2026-11-24T09:01:09Z FAILED tests/test_pay.py::test_timeout - TimeoutError\n"
             "2026-11-24T09:01:09Z ##[error]Process completed with exit code 1.\n"},
    {"path": f"{R}/check-runs/9001/annotations", "body": [
        {"path": "tests/test_pay.py", "start_line": 12, "end_line": 12,
         "annotation_level": "failure", "title": "test_timeout",
         "message": "TimeoutError: read timed out after 3s"}]},
]


async def test_github_context_via_server_and_rest_fallback(tmp_path: Path) -> None:
    index, why = server_binary("server-github")
    node = shutil.which("node")
    if index is None or node is None:
        pytest.skip(why or "node is not installed")
    with run_stub(ROUTES) as stub:
        cfg = parse_config({"servers": {"github": {
            "command": node,
            "args": ["--import", str(FIXTURES / "github_api_redirect.mjs"), str(index)],
            "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "gh-tok", "HEALER_GITHUB_STUB_URL": stub.url},
            "tools": ["get_job_logs", "get_pull_request", "get_pull_request_files"],
            "timeout_s": 15}}}, env={})
        rest = GitHubRest(stub.url, "gh-tok")
        incident = Incident(kind="ci_failure", event_type="workflow_job", repository="acme/shop",
                            run_key="k", run_id=777, job_ids=(9001,), job_names=("test",),
                            pr_numbers=(42,), head_sha=HEAD, branch="fast")
        try:
            async with McpPool(cfg, log_dir=tmp_path) as pool:
                source = GitHubSource(pool, cfg.sources.github, rest)
                result = await source.gather(incident)
        finally:
            await rest.aclose()
    f = result.fields
    pr = f["pull_request"]
    assert (pr.number, pr.title, pr.head_ref, pr.author) == (42, "Lower payment client timeout",
                                                             "fast", "dev1")
    assert f["changed_files"] == ("payments/client.py",)
    (log,) = f["logs"]
    assert log.job_id == 9001 and "FAILED tests/test_pay.py::test_timeout" in log.text
    assert f["annotations"] == ("tests/test_pay.py:12: [failure] test_timeout: "
                                "TimeoutError: read timed out after 3s",)
    by_path = {e["path"]: e for e in stub.log}
    # PR and files came through the real server (it sends the token), the log through REST
    assert by_path[f"{R}/pulls/42"]["auth"] == "Bearer gh-tok"
    assert by_path[f"{R}/pulls/42/files"]["auth"] == "Bearer gh-tok"
    assert by_path[f"{R}/actions/jobs/9001/logs"]["auth"] == "Bearer gh-tok"
    assert by_path["/signed/job-9001.txt"]["auth"] is None  # never forwarded to the redirect
    # steps were unknown from the event, so REST was asked for the job (404 here: a note)
    assert any("actions/jobs/9001" in e for e in result.errors)


async def test_server_github_404_is_a_tool_error(tmp_path: Path) -> None:
    index, why = server_binary("server-github")
    node = shutil.which("node")
    if index is None or node is None:
        pytest.skip(why or "node is not installed")
    with run_stub([]) as stub:
        cfg = parse_config({"servers": {"github": {
            "command": node,
            "args": ["--import", str(FIXTURES / "github_api_redirect.mjs"), str(index)],
            "env": {"HEALER_GITHUB_STUB_URL": stub.url},
            "tools": ["get_pull_request", "get_pull_request_files"], "timeout_s": 15}}}, env={})
        incident = Incident(kind="ci_failure", event_type="workflow_job", repository="acme/shop",
                            run_key="k", pr_numbers=(7,))
        async with McpPool(cfg, log_dir=tmp_path) as pool:
            result = await GitHubSource(pool, cfg.sources.github, None).gather(incident)
    assert "pull_request" not in result.fields
    assert result.errors and all("mcp_error" in e for e in result.errors)
    assert f"{R}/pulls/7" in stub.paths()
