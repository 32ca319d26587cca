"""GitHub webhook signatures: HMAC-SHA256 of the raw body, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value GitHub would send for ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def hasher(secret: str) -> hmac.HMAC:
    """An HMAC-SHA256 to feed the body to as it arrives (``update`` per chunk)."""
    return hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)


def matches(mac: hmac.HMAC, header: str | None) -> bool:
    """True when ``header`` is the signature ``mac`` computed (compared as bytes)."""
    if not header:
        return False
    presented = header.strip().lower().encode("utf-8", "surrogateescape")
    return hmac.compare_digest(b"sha256=" + mac.hexdigest().encode("ascii"), presented)


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """True when ``header`` is the body's signature under ``secret``.

    Compared as bytes: a header holding non-ASCII characters is simply not a match
    (``compare_digest`` refuses non-ASCII text with an exception).
    """
    if not header:
        return False
    presented = header.strip().lower().encode("utf-8", "surrogateescape")
    if not presented.startswith(b"sha256="):
        return False
    return hmac.compare_digest(sign(secret, body).encode("ascii"), presented)
