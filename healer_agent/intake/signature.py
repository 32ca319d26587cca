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
    """True when ``header`` is the whole ``body``'s signature under ``secret``."""
    mac = hasher(secret)
    mac.update(body)
    return matches(mac, header)
