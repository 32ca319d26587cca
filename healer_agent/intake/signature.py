"""GitHub webhook signatures: HMAC-SHA256 of the raw body, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value GitHub would send for ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


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
