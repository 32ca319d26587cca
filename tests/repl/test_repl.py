"""The REPL driven through prompt_toolkit's pipe input, and `healer triage --json`."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console
from typer.testing import CliRunner

from healer_agent.cli import app
from healer_agent.models import RoutingDecision
from healer_agent.repl.app import key_bindings, run_repl

pytestmark = pytest.mark.repl
ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "tests/llm/cases/controller-ci-docker-injection.yaml"


async def drive(healer: Any, lines: list[str]) -> str:
    screen = io.StringIO()
    console = Console(file=screen, width=200, color_system=None)
    with create_pipe_input() as pipe:
        session: PromptSession[str] = PromptSession(
            input=pipe, output=DummyOutput(), key_bindings=key_bindings(), multiline=True
        )
        for line in lines:
            pipe.send_text(line + "\r")
        pipe.close()
        await run_repl(healer, console=console, prompt_session=session)
    return screen.getvalue()


@pytest.fixture
async def healer(make_settings: Any, healer_factory: Any) -> Any:
    return await healer_factory(make_settings())


async def test_triage_shows_agent_and_evidence(healer: Any) -> None:
    screen = await drive(healer, [f"/triage {CASE}", "/context", "/prompt", "/exit"])
    assert "agent bolt" in screen
    assert "docker-build-failure" in screen  # the evidence table names the rule
    assert "failed to calculate checksum" in screen
    assert "Bolt" in screen  # the rendered prompt


async def test_override_is_stored_as_route_memory(healer: Any) -> None:
    screen = await drive(healer, [f"/triage {CASE}", "/override atlas", "/exit"])
    assert "override stored: atlas" in screen
    assert len(healer.memory) == 1
    from healer_agent.tracking.records import memory_snapshot

    async with healer.engine.connect() as conn:
        assert "atlas" in {a.value for a in (await memory_snapshot(conn)).values()}


async def test_dispatch_needs_confirmation(healer: Any) -> None:
    sink = healer.settings.sink.dir
    screen = await drive(healer, [f"/triage {CASE}", "/dispatch", "n", "/exit"])
    assert "not dispatched" in screen
    assert not sink.exists() or not list(sink.glob("healer-ci-*.yaml"))
    screen = await drive(healer, [f"/triage {CASE}", "/dispatch", "y", "/dispatch", "y", "/exit"])
    assert "dispatched healer-ci-bolt-" in screen
    assert "existing: incident" in screen  # the second dispatch honours dedup
    assert len(list(sink.glob("healer-ci-*.yaml"))) == 1


async def test_errors_are_one_line_and_the_session_goes_on(healer: Any) -> None:
    screen = await drive(
        healer, ["/frobnicate", "/triage /no/such/case.yaml", "/show nope", "/help", "/exit"]
    )
    lines = screen.splitlines()
    assert any(line.startswith("error: unknown command /frobnicate") for line in lines)
    assert any(line.startswith("error: no such file: /no/such/case.yaml") for line in lines)
    assert any(line.startswith("error: no incident nope") for line in lines)
    assert "Traceback" not in screen
    assert "/dispatch" in screen  # /help ran after the errors


def test_triage_json_validates_against_the_model(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    shutil.copy(CASE, case)
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["triage", str(case), "--json"],
        env={
            "HEALER_STORE__URL": f"sqlite+aiosqlite:///{tmp_path}/t.db",
            "HEALER_CONTEXT__MODE": "none",
        },
    )
    assert result.exit_code == 0, result.output
    decision = RoutingDecision.model_validate_json(result.stdout)
    assert decision.agent.value == "bolt"
