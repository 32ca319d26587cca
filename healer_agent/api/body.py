"""Reading a request body safely: size cap, media type, UTF-8, JSON object."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request

MAX_DEPTH = 64


def _depth(value: Any) -> int:
    """Nesting depth of a JSON value, computed without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item)
    return deepest


class BodyError(Exception):
    """A request body Healer refuses, with the HTTP status and reason to answer."""

    def __init__(self, status: int, reason: str, fields: list[str] | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.fields = fields or []


async def read_capped(request: Request, cap: int) -> bytes:
    """The raw body, refusing (413) anything over ``cap`` bytes before reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > cap:
                raise BodyError(413, f"body of {declared} bytes exceeds the {cap}-byte cap")
        except ValueError:
            raise BodyError(400, "invalid Content-Length header") from None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise BodyError(413, f"body exceeds the {cap}-byte cap")
        chunks.append(chunk)
    return b"".join(chunks)


def media_type(request: Request) -> str:
    """The request's media type without parameters, lowercased."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def parse_json_object(raw: bytes, content_type: str) -> dict[str, Any]:
    """Decode a JSON (or GitHub form-encoded ``payload=``) body into an object."""
    if content_type == "application/x-www-form-urlencoded":
        try:
            form = parse_qs(raw.decode("utf-8"), strict_parsing=False)
        except UnicodeDecodeError:
            raise BodyError(400, "body is not valid UTF-8") from None
        if "payload" not in form:
            raise BodyError(422, "form body has no 'payload' field", ["payload"])
        raw = form["payload"][0].encode("utf-8")
    elif content_type not in ("application/json", "") and not content_type.endswith("+json"):
        raise BodyError(415, f"unsupported media type {content_type!r}; send application/json")
    if not raw.strip():
        raise BodyError(400, "empty body; expected a JSON object")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError(400, f"body is not valid UTF-8 (byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BodyError(400, f"malformed JSON: {exc.msg} at line {exc.lineno} column "
                             f"{exc.colno}") from None
    except RecursionError:
        raise BodyError(400, "JSON nested too deeply") from None
    if _depth(data) > MAX_DEPTH:
        raise BodyError(400, f"JSON nested deeper than {MAX_DEPTH} levels")
    if not isinstance(data, dict):
        raise BodyError(422, f"body must be a JSON object, got {type(data).__name__}", ["body"])
    return data
