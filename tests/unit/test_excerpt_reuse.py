"""Excerpts of one log inside a ``shared_reads`` scope share its read, and nothing else."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from healer_agent.dispatch.findings import context_findings
from healer_agent.evals.dataset import load_dataset
from healer_agent.logs.excerpt import excerpt_text, excerpt_with, shared_reads
from healer_agent.logs.redact import redact_model
from healer_agent.models import ContextBundle, FailedStep, JobLog
from healer_agent.routing.prerouter import PreRouter

DEV = Path(__file__).resolve().parents[2] / "evals" / "cases" / "dev"
# the module, not the function ``healer_agent.logs`` exports under the same name
excerpt_module = importlib.import_module("healer_agent.logs.excerpt")
TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
LOG = "\n".join(
    [
        "2024-01-01T00:00:00.0000000Z ##[group]Run make test",
        "2024-01-01T00:00:00.0000000Z make test",
        "2024-01-01T00:00:00.0000000Z ##[endgroup]",
        f"2024-01-01T00:00:01.0000000Z error: push rejected with token {TOKEN}",
        "2024-01-01T00:00:02.0000000Z ##[error]Process completed with exit code 1.",
    ]
)


def _as_given(text: str) -> str:
    return text


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many bytes each scan of a log read, in order."""
    seen: list[int] = []
    real = excerpt_module.scan

    def counting(data: bytes) -> Any:
        seen.append(len(data))
        return real(data)

    monkeypatch.setattr(excerpt_module, "scan", counting)
    return seen


def _job() -> JobLog:
    return JobLog(job_name="test", text=LOG, steps=[FailedStep(name="Run make test")])


def test_the_findings_reuse_the_routers_scan_inside_the_scope(scans: list[int]) -> None:
    job = _job()
    with shared_reads():
        routed = excerpt_with([job])[0]
        small = excerpt_text(job.text, [], budget_tokens=300, job_name="test")
    assert len(scans) == 1
    assert routed.failing_step == small.failing_step == "Run make test"


def test_nothing_is_kept_outside_a_scope(scans: list[int]) -> None:
    job = _job()
    with shared_reads():
        excerpt_text(job.text)
    excerpt_text(job.text)
    excerpt_text(job.text)
    assert len(scans) == 3


def test_an_equal_text_that_is_another_object_is_read_again(scans: list[int]) -> None:
    text = LOG
    copy = "".join(list(LOG))
    assert copy == text and copy is not text
    with shared_reads():
        first = excerpt_text(text)
        second = excerpt_text(copy)
    assert len(scans) == 2
    assert first == second


def test_a_shared_read_is_still_redacted_for_each_excerpt() -> None:
    job = _job()
    with shared_reads():
        routed = excerpt_with([job])[0]
        small = excerpt_text(job.text, budget_tokens=300, signed=False)
    for part in (routed, small):
        assert "push rejected" in part.text
        assert TOKEN not in part.text
        assert all(TOKEN not in line for line in part.error_lines)
    assert small.signature == ""
    assert routed.signature


def _outputs(cases: list[Any], router: PreRouter, shared: bool) -> list[tuple[str, str]]:
    out = []
    for case in cases:
        incident, context = redact_model(case.incident), redact_model(case.context)
        assert isinstance(context, ContextBundle)
        if shared:
            with shared_reads():
                decision = router.decide(incident, context)
                findings = context_findings(context, _as_given)
        else:
            decision = router.decide(incident, context)
            findings = context_findings(context, _as_given)
        out.append((decision.model_dump_json(), repr(findings)))
    return out


def test_every_dev_case_decides_and_finds_the_same_with_shared_reads(scans: list[int]) -> None:
    cases = [c for c in load_dataset(DEV) if c.context.logs]
    assert cases
    router = PreRouter()
    alone = _outputs(cases, router, shared=False)
    alone_scans = len(scans)
    together = _outputs(cases, router, shared=True)
    assert together == alone
    # each case's logs scanned once, where it was twice (and more for several jobs)
    assert len(scans) - alone_scans < alone_scans * 0.6
