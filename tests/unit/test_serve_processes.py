"""``healer serve --processes``: replicas share PostgreSQL or a SQLite file, never memory."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from typer.testing import CliRunner

from healer_agent.cli import app
from healer_agent.cli_common import CliError
from healer_agent.store.db import HEAD


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """``serve`` configures logging onto the runner's stderr, closed after the test: the
    tests after it log where they did before."""
    saved, handlers = structlog.get_config(), list(logging.root.handlers)
    yield
    structlog.configure(**saved)
    logging.root.handlers[:] = handlers


def test_processes_on_in_memory_sqlite_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALER_STORE__URL", "sqlite+aiosqlite:///:memory:")
    result = CliRunner().invoke(app, ["serve", "--processes", "2"])
    assert isinstance(result.exception, CliError)
    assert "not in-memory SQLite" in str(result.exception)


def test_processes_on_a_sqlite_file_start_on_a_schema_made_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables exist before the replicas start: two finding a new file empty would each
    create them."""
    import uvicorn

    started: list[dict[str, Any]] = []

    def run(app_ref: Any, **options: Any) -> None:
        with sqlite3.connect(tmp_path / "h.db") as db:  # as the replicas would find it
            (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
        started.append({"app": app_ref, "revision": revision, **options})

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setenv("HEALER_STORE__URL", f"sqlite+aiosqlite:///{tmp_path}/h.db")
    result = CliRunner().invoke(app, ["serve", "--processes", "2"])
    assert result.exception is None, result.output
    (call,) = started
    assert call["app"] == "healer_agent.cli:replica_app"
    assert (call["workers"], call["factory"], call["revision"]) == (2, True, HEAD)


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


async def test_a_replica_says_it_started_and_what_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each replica announces itself once its lifespan started: operators see every one come
    up with its context sources, and a benchmark can wait for all of them."""
    import os

    from healer_agent.cli import replica_app

    monkeypatch.setenv("HEALER_STORE__URL", f"sqlite+aiosqlite:///{tmp_path}/h.db")
    monkeypatch.setenv("HEALER_SINK__DIR", str(tmp_path / "coderuns"))
    monkeypatch.setenv("HEALER_WORKER__COUNT", "0")
    replica = replica_app()
    async with replica.router.lifespan_context(replica):
        err = capsys.readouterr().err
    assert f"replica {os.getpid()} started" in err
    assert "store: SQLite" in err and "routing:" in err
