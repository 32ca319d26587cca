"""Credentials and the headers Healer reads, checked before the body is touched.

Tokens are compared as SHA-256 digests with :func:`hmac.compare_digest`, so the time taken
says nothing about the token's length or content; a header's bytes are never compared as
text (a non-ASCII byte is a 401 with a reason, not an exception).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

from pydantic import SecretStr
from starlette.datastructures import Headers
from starlette.responses import JSONResponse

from healer_agent.intake import validate
from healer_agent.logs.redact import redact

SINGLE = (
    "authorization",
    "x-hub-signature-256",
    "x-github-event",
    "x-github-delivery",
    "content-type",
    "content-length",
)
"""Headers that must not repeat: two values leave which one counts to the reader."""
_INCIDENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class Refused(Exception):
    """A request answered with a 4xx and its reason (the ErrorAnswer shape)."""

    def __init__(
        self,
        status: int,
        reason: str,
        fields: list[str] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.fields = fields or []
        self.headers = dict(headers or {})

    def answer(self) -> JSONResponse:
        """The JSON answer, redacted: a reason or a field name may echo the request."""
        return JSONResponse(
            {
                "status": "error",
                "reason": redact(self.reason),
                "missing": [redact(f) for f in self.fields],
            },
            status_code=self.status,
            headers=self.headers,
        )


def _unauthorized(reason: str, field: str = "Authorization") -> Refused:
    return Refused(401, reason, [field], headers={"WWW-Authenticate": 'Bearer realm="healer"'})


def single_headers(headers: Headers) -> None:
    """400 when a header Healer reads is sent twice.

    Most requests repeat no header at all, which one set of the raw names shows; the six
    lookups, each a pass over every header, run only when some name repeats.
    """
    raw = headers.raw
    if len({name for name, _ in raw}) == len(raw):
        return
    for name in SINGLE:
        if len(headers.getlist(name)) > 1:
            raise Refused(400, f"duplicated {name} header", [name])


def _one(headers: Headers, name: str) -> str | None:
    values = headers.getlist(name)
    if len(values) > 1:
        raise Refused(400, f"duplicated {name} header", [name])
    return values[0] if values else None


def event_header(headers: Headers, *, required: bool) -> str | None:
    """``X-GitHub-Event``, checked (400 when malformed, or missing and required)."""
    value = _one(headers, "x-github-event")
    if value is None or value == "":
        if required:
            raise Refused(400, "missing X-GitHub-Event header", ["X-GitHub-Event"])
        return None
    if (bad := validate.check_event(value)) is not None:
        raise Refused(400, f"X-GitHub-Event: {bad}", ["X-GitHub-Event"])
    return value


def delivery_header(headers: Headers) -> str | None:
    """``X-GitHub-Delivery``, checked (400 when malformed); None when absent."""
    value = _one(headers, "x-github-delivery")
    if value is None or value == "":
        return None
    if (bad := validate.check_delivery(value)) is not None:
        raise Refused(400, f"X-GitHub-Delivery: {bad}", ["X-GitHub-Delivery"])
    return value


def signature_header(headers: Headers, *, required: bool) -> str | None:
    """``X-Hub-Signature-256``, its form checked (401 when missing or malformed)."""
    value = _one(headers, "x-hub-signature-256")
    if value is None:
        if required:
            raise _unauthorized("missing X-Hub-Signature-256", "X-Hub-Signature-256")
        return None
    if (bad := validate.check_signature(value.strip())) is not None:
        if required:
            raise _unauthorized(f"X-Hub-Signature-256: {bad}", "X-Hub-Signature-256")
        return None
    return value.strip()


def token_matches(presented: str, expected: SecretStr) -> bool:
    """Constant-time comparison of two tokens (their digests, so lengths leak nothing)."""
    a = hashlib.sha256(presented.encode("utf-8", "surrogateescape")).digest()
    b = hashlib.sha256(expected.get_secret_value().encode("utf-8", "surrogateescape")).digest()
    return hmac.compare_digest(a, b)


def require_bearer(headers: Headers, expected: SecretStr | None, who: str) -> None:
    """401 unless ``Authorization: Bearer <expected>`` (any case of ``Bearer``).

    A no-op when no token is configured.
    """
    if expected is None:
        return
    value = _one(headers, "authorization")
    if value is None:
        raise _unauthorized(f"missing bearer token ({who})")
    token = validate.bearer_token(value)
    if token is None:
        raise _unauthorized("Authorization is not 'Bearer <token>' in printable ASCII")
    if not token_matches(token, expected):
        raise _unauthorized(f"wrong bearer token ({who})")


def require_reader(
    headers: Headers, read_token: SecretStr | None, *, intake_protected: bool
) -> None:
    """The read routes' check: the read token when set.

    Without one, reads stay open only while the intake has no credential either: a
    deployment that protects its writes does not serve its incidents to anyone.
    """
    if read_token is None:
        if intake_protected:
            raise _unauthorized(
                "reads are closed: set HEALER_API__READ_TOKEN and send it as a bearer token"
            )
        return
    require_bearer(headers, read_token, "read")


def is_incident_id(value: str) -> bool:
    """Whether ``value`` has the form of an incident id."""
    return _INCIDENT_ID.fullmatch(value) is not None
