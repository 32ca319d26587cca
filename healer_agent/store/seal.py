"""Stored payloads sealed with AES-256-GCM: the request keeps a body without reading it.

Redacting a whole payload before it is stored walks every string of it (a 20 KB webhook:
~0.5 ms, most of a request's own work) to clear secrets from fields Healer never reads.
Sealed instead, the body is unreadable at rest without the key, the request pays one
AES-GCM pass, and only the incident normalised from it (a few fields) is redacted, by the
worker's intake stage before anything derived from it is stored.

A sealed text is ``sealed:v1:`` and the base64 of nonce and ciphertext; the delivery id is
the associated data, so a row's body cannot be moved to another row. Nonces are random (96
bits): sound for billions of bodies under one key. Any other stored text
is a body stored redacted (by an earlier version, or on PostgreSQL without a shared key)
and is read as it is: a JSON body never starts with that prefix.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import make_url

from healer_agent.config import PAYLOAD_KEY_BYTES, StoreSettings, decode_payload_key

PREFIX = "sealed:v1:"
KEY_BYTES = PAYLOAD_KEY_BYTES
_NONCE_BYTES = 12


class SealError(ValueError):
    """A sealed body that this key cannot open (another key, or altered)."""


class Sealer:
    """Seal and open stored bodies with one key."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"a payload key is {KEY_BYTES} bytes, not {len(key)}")
        self._aead = AESGCM(key)

    def seal(self, text: str, delivery_id: str) -> str:
        """``text`` sealed for the row of ``delivery_id``."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode(), delivery_id.encode())
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, stored: str, delivery_id: str) -> str:
        """The body as received; a text stored unsealed is returned as it is."""
        if not stored.startswith(PREFIX):
            return stored
        try:
            data = base64.b64decode(stored[len(PREFIX) :], validate=True)
            nonce, sealed = data[:_NONCE_BYTES], data[_NONCE_BYTES:]
            return self._aead.decrypt(nonce, sealed, delivery_id.encode()).decode()
        except (InvalidTag, binascii.Error, UnicodeDecodeError):
            raise SealError(
                f"delivery {delivery_id}: its sealed body does not open with this payload key"
            ) from None


def open_stored(sealer: Sealer | None, stored: str, delivery_id: str) -> str:
    """A stored body as received: opened when sealed, as it is when stored redacted."""
    if sealer is not None:
        return sealer.open(stored, delivery_id)
    if stored.startswith(PREFIX):
        raise SealError(f"delivery {delivery_id}: its body is sealed and no payload key is set")
    return stored


def key_file_of(sqlite_url: str) -> Path | None:
    """Where a SQLite database keeps its key: beside its file (None: an in-memory one)."""
    parsed = make_url(sqlite_url)
    path = parsed.database
    if not path or path == ":memory:" or parsed.query.get("mode") == "memory":
        return None
    return Path(path.removeprefix("file:") + ".key").expanduser()


def load_key_file(path: Path) -> bytes:
    """The key in ``path``, made (readable by its owner only) on first use.

    Made whole beside it and linked into place, so a process starting at the same moment
    (``healer serve`` and a CLI command) reads either no file or the whole key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)  # as the database's own folder is
    if not path.exists():
        fd, made = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as out:
                out.write(base64.b64encode(os.urandom(KEY_BYTES)).decode() + "\n")
            with contextlib.suppress(FileExistsError):  # another process's came first
                os.link(made, path)
        finally:
            os.unlink(made)
    try:
        return decode_payload_key(path.read_text())
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def sealer_for(store: StoreSettings) -> tuple[Sealer | None, str]:
    """The sealer the store's settings ask for (None: bodies are redacted), and its origin.

    The key given; else SQLite's key file (a new random key for an in-memory database,
    whose rows end with the process); else none: PostgreSQL's replicas must share a key.
    """
    if store.payload_key is not None:
        return Sealer(
            decode_payload_key(store.payload_key.get_secret_value())
        ), "key from the settings"
    if store.is_postgres:
        return None, "no shared payload key"
    path = key_file_of(store.url)
    if path is None:
        return Sealer(os.urandom(KEY_BYTES)), "a key for this process (in-memory database)"
    return Sealer(load_key_file(path)), f"key file {path}"


__all__ = [
    "PREFIX",
    "SealError",
    "Sealer",
    "key_file_of",
    "load_key_file",
    "open_stored",
    "sealer_for",
]
