"""``healer serve --processes``: replicas need PostgreSQL (SQLite has one writer)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from healer_agent.cli import app
from healer_agent.cli_common import CliError


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """``serve`` configures logging onto the runner's stderr, closed after the test: the
    tests after it log where they did before."""
    saved, handlers = structlog.get_config(), list(logging.root.handlers)
    yield
    structlog.configure(**saved)
    logging.root.handlers[:] = handlers


def test_processes_on_sqlite_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALER_STORE__URL", f"sqlite+aiosqlite:///{tmp_path}/h.db")
    result = CliRunner().invoke(app, ["serve", "--processes", "2"])
    assert isinstance(result.exception, CliError)
    assert "--processes needs PostgreSQL" in str(result.exception)


def test_a_key_file_that_cannot_seal_stops_serve_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEALER_STORE__URL", f"sqlite+aiosqlite:///{tmp_path}/h.db")
    (tmp_path / "h.db.key").write_text("not a key\n")
    result = CliRunner().invoke(app, ["serve"])
    assert isinstance(result.exception, CliError)
    assert f"payload key: {tmp_path}/h.db.key: the payload key is not base64" == str(
        result.exception
    )
