from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from healer_agent.context.config import parse_config
from healer_agent.context.gatherer import ContextGatherer, build_gatherer_from_config
from healer_agent.context.github_rest import GitHubRest
from healer_agent.context.protocols import SourceResult
from healer_agent.context.replay_server import replay_config
from healer_agent.models import ArgoApp, Incident

CASE = Path(__file__).resolve().parents[1] / "fixtures" / "mcp" / "case-argocd-degraded.yaml"


def _incident(**kw: object) -> Incident:
    base: dict[str, object] = dict(
        kind="ci_failure",
        event_type="workflow_job",
        repository="acme/shop",
        run_key="k",
        run_id=777,
        job_ids=(9001,),
        job_names=("deploy",),
        head_sha="deadbeefcafe0000000000000000000000000000",
        branch="bump-ui",
    )
    base.update(kw)
    return Incident(**base)  # type: ignore[arg-type]


class Fake:
    def __init__(
        self,
        name: str,
        *,
        delay: float = 0.0,
        result: SourceResult | None = None,
        raises: Exception | None = None,
        timeout_s: float | None = None,
    ) -> None:
        self.name, self.delay, self.result, self.raises = name, delay, result, raises
        self.timeout_s = timeout_s

    async def gather(self, incident: Incident) -> SourceResult:
        await asyncio.sleep(self.delay)
        if self.raises:
            raise self.raises
        return self.result or SourceResult()


async def test_partial_context_with_a_note_per_failed_source() -> None:
    argo = SourceResult(fields={"argocd": (ArgoApp(name="a"),)})
    failed = SourceResult(errors=["get: mcp_error: boom"])
    gatherer = ContextGatherer(
        [
            Fake("argocd", result=argo),
            Fake("hangs", delay=30, timeout_s=0.2),
            Fake("raises", raises=RuntimeError("bug")),
            Fake("failed", result=failed),
            Fake("none", result=SourceResult.unconfigured("no server")),
        ],
        default_timeout_s=5,
    )
    bundle = await gatherer.gather(_incident())
    assert bundle.argocd == (ArgoApp(name="a"),)
    st = bundle.sources
    assert st["argocd"].status == "ok" and st["argocd"].size_tokens > 0
    assert st["hangs"].status == "timeout" and "0.2s" in st["hangs"].note
    assert st["raises"].status == "error" and "RuntimeError: bug" in st["raises"].note
    assert st["failed"].status == "error" and "boom" in st["failed"].note
    assert st["none"].status == "not_configured"


async def test_sources_run_in_parallel() -> None:
    """Every source is in flight at once: each waits until all five have started."""
    started = asyncio.Event()
    running: list[str] = []

    class Barrier(Fake):
        async def gather(self, incident: Incident) -> SourceResult:
            running.append(self.name)
            if len(running) == 5:
                started.set()
            await started.wait()
            return SourceResult(succeeded=1)

    gatherer = ContextGatherer([Barrier(f"s{i}") for i in range(5)], default_timeout_s=30)
    bundle = await gatherer.gather(_incident())
    assert {s.status for s in bundle.sources.values()} == {"ok"}


async def test_status_is_ok_only_when_every_call_succeeded() -> None:
    echoed = SourceResult(
        fields={"commit_message": "from the event"}, errors=["x: timeout: t"], timeouts=1
    )
    mixed = SourceResult(fields={"loki": ("a",)}, errors=["y: is_error: 500"], succeeded=1)
    gatherer = ContextGatherer(
        [
            Fake("echo", result=echoed),
            Fake("mixed", result=mixed),
            Fake("fine", result=SourceResult(succeeded=2)),
        ]
    )
    st = (await gatherer.gather(_incident())).sources
    assert st["echo"].status == "timeout"
    assert st["mixed"].status == "partial" and "500" in st["mixed"].note
    assert st["fine"].status == "ok"


async def test_replay_server_through_production_sources() -> None:
    gatherer = build_gatherer_from_config(replay_config(CASE))
    try:
        bundle = await gatherer.gather(_incident())
    finally:
        await gatherer.aclose()
    assert bundle.logs[0].job_id == 9001 and "health is Degraded" in bundle.logs[0].text
    assert bundle.pull_request is not None and bundle.pull_request.number == 42
    assert bundle.changed_files == ("deploy/values.yaml",)
    assert bundle.commit_message == "chore: bump guestbook-ui to 1.4.2"
    assert bundle.argocd[0].health_status == "Degraded"
    assert bundle.argocd[0].unhealthy_resources[0].startswith("Deployment")
    assert any("ErrImagePull" in line for line in bundle.loki)
    (summary,) = bundle.prometheus.values()
    assert summary["series"][0]["last"] == 3.0
    assert bundle.kubernetes["pods"][0]["ready"] is False
    assert {k: v.status for k, v in bundle.sources.items()} == {
        "github": "ok",
        "argocd": "ok",
        "prometheus": "ok",
        "loki": "ok",
        "grafana": "not_configured",
        "kubernetes": "ok",
        "alerts": "not_configured",
    }


async def test_replay_dataset_mode_discovers_jobs_of_a_run() -> None:
    gatherer = build_gatherer_from_config(replay_config(CASE.parent))
    try:
        bundle = await gatherer.gather(_incident(job_ids=(), job_names=()))
    finally:
        await gatherer.aclose()
    assert [log.job_name for log in bundle.logs] == ["deploy"]


async def test_job_log_redirect_drops_authorization() -> None:
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers.get("authorization")))
        if request.url.host == "api.test":
            return httpx.Response(302, headers={"Location": "https://blob.test/log?sig=1"})
        return httpx.Response(200, text="##[error]boom")

    rest = GitHubRest("https://api.test", "secret", transport=httpx.MockTransport(handler))
    try:
        assert await rest.job_log("o", "r", 5) == "##[error]boom"
    finally:
        await rest.aclose()
    assert seen == [
        ("https://api.test/repos/o/r/actions/jobs/5/logs", "Bearer secret"),
        ("https://blob.test/log?sig=1", None),
    ]


def test_no_rest_fallback_without_token_or_custom_url() -> None:
    cfg = parse_config({}, env={})
    assert build_gatherer_from_config(cfg)._rest is None
    assert build_gatherer_from_config(cfg, github_token="t")._rest is not None


@pytest.mark.parametrize(
    "url,ok",
    [
        ("https://github.com/acme/shop.git", True),
        ("git@github.com:acme/shop.git", True),
        ("https://github.com/acme/shopfront", False),
    ],
)
def test_repo_url_matching(url: str, ok: bool) -> None:
    from healer_agent.context.sources.argocd import repo_url_matches

    assert repo_url_matches(url, "acme/shop") is ok
