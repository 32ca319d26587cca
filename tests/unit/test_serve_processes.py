"""``healer serve --processes``: replicas need PostgreSQL (SQLite has one writer)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from healer_agent.cli import app
from healer_agent.cli_common import CliError


def test_processes_on_sqlite_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALER_STORE__URL", f"sqlite+aiosqlite:///{tmp_path}/h.db")
    result = CliRunner().invoke(app, ["serve", "--processes", "2"])
    assert isinstance(result.exception, CliError)
    assert "--processes needs PostgreSQL" in str(result.exception)
