"""LLM triage tests: scripted models only, no request ever leaves the machine."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai import models

from healer_agent.context.replay import bundle_from_case, load_case
from healer_agent.intake.normalize import normalize
from healer_agent.intake.payloads import event_of_case
from healer_agent.models import ContextBundle, Incident

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
CASSETTES = HERE.parent / "cassettes"


@pytest.fixture(autouse=True)
def _no_model_requests() -> Iterator[None]:
    """A test that reaches a real provider by mistake fails instead of spending money."""
    with models.override_allow_model_requests(False):
        yield


def _fallback_redact(text: str) -> str:  # until healer_agent.logs lands
    text = re.sub(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b", "[REDACTED:github-token]", text)
    return re.sub(r"\bsk-ant-[A-Za-z0-9_-]{10,}\b", "[REDACTED:anthropic-key]", text)


@pytest.fixture
def redact() -> Callable[[str], str]:
    """The project's redaction (the logs module's), which every test routes through."""
    try:
        import healer_agent.logs as logs
    except ImportError:
        return _fallback_redact
    # The temporary test shim (no __file__) does not redact; the real module does.
    return logs.redact if getattr(logs, "__file__", None) else _fallback_redact


def load(name: str) -> tuple[Incident, ContextBundle, dict[str, Any]]:
    """A labelled case from tests/llm/cases as (incident, context, raw case)."""
    case = load_case(CASES / f"{name}.yaml")
    event, payload = event_of_case(case)
    return normalize(event, payload), bundle_from_case(case.get("context") or {}, payload), case
