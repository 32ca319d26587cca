"""Sealed bodies: what opens, what does not, and where SQLite keeps its key."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from healer_agent.config import Settings
from healer_agent.store.seal import (
    PREFIX,
    Sealer,
    SealError,
    key_file_of,
    load_key_file,
    open_stored,
    sealer_for,
)

KEY = bytes(range(32))
BODY = '{"workflow_run":{"id":1,"head_commit":{"message":"ghp_x"}}}'


def test_a_sealed_body_opens_only_with_its_key_and_row() -> None:
    sealer = Sealer(KEY)
    sealed = sealer.seal(BODY, "d-1")
    assert sealed.startswith(PREFIX) and "ghp_x" not in sealed
    assert sealed != sealer.seal(BODY, "d-1")  # a fresh nonce each time
    assert sealer.open(sealed, "d-1") == BODY
    with pytest.raises(SealError, match="d-2"):
        sealer.open(sealed, "d-2")
    with pytest.raises(SealError):
        Sealer(bytes(32)).open(sealed, "d-1")
    tampered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(SealError):
        sealer.open(tampered, "d-1")
    with pytest.raises(SealError):
        sealer.open(PREFIX + "not base64!", "d-1")


def test_a_body_stored_redacted_reads_as_it_is_and_a_sealed_one_needs_a_key() -> None:
    assert open_stored(Sealer(KEY), BODY, "d-1") == BODY
    assert open_stored(None, BODY, "d-1") == BODY
    with pytest.raises(SealError, match="no payload key"):
        open_stored(None, Sealer(KEY).seal(BODY, "d-1"), "d-1")


def test_sqlite_keeps_its_key_beside_the_database_made_once_for_its_owner(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/data/healer.db"
    path = key_file_of(url)
    assert path == tmp_path / "data" / "healer.db.key"
    first = load_key_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_key_file(path) == first and len(first) == 32
    assert key_file_of("sqlite+aiosqlite://") is None
    assert key_file_of("sqlite+aiosqlite:///:memory:") is None


def _store(**values: object) -> Settings:
    return Settings(_env_file=None, store=values)  # type: ignore[call-arg]


def test_which_sealer_the_settings_give(tmp_path: Path) -> None:
    given = base64.b64encode(KEY).decode()
    sealer, origin = sealer_for(_store(url="postgresql+asyncpg://h/db", payload_key=given).store)
    assert sealer is not None and "settings" in origin
    assert sealer.open(Sealer(KEY).seal(BODY, "d"), "d") == BODY
    assert sealer_for(_store(url="postgresql+asyncpg://h/db").store) == (
        None,
        "no shared payload key",
    )
    sealer, origin = sealer_for(_store(url=f"sqlite+aiosqlite:///{tmp_path}/h.db").store)
    assert sealer is not None and origin == f"key file {tmp_path}/h.db.key"


@pytest.mark.parametrize(
    ("key", "problem"),
    [("not-base64!", "not base64"), (base64.b64encode(b"short").decode(), "5 bytes")],
)
def test_a_key_that_cannot_seal_is_refused_with_its_reason(key: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        _store(payload_key=key)


def test_a_key_another_process_linked_first_is_the_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key is made whole beside its file and linked into place; one that loses the race
    to another process reads the winner's, and leaves nothing behind."""
    import tempfile

    path = tmp_path / "healer.db.key"
    theirs = base64.b64encode(bytes(range(32, 64))).decode()
    made = tempfile.mkstemp

    def other_process_first(**kwargs: Any) -> tuple[int, str]:
        path.write_text(theirs + "\n")  # between our look and our link
        return made(**kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", other_process_first)
    assert load_key_file(path) == bytes(range(32, 64))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["healer.db.key"]
