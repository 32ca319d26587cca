"""Reading a request body safely: size cap, time limit, media type, UTF-8, JSON object.

Every refusal is a :class:`BodyError` carrying the 4xx to answer; nothing a sender writes
reaches the handlers as an exception of another kind.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import ClientDisconnect, Request

from healer_agent.intake.validate import check_content_length, scan_strings

MAX_DEPTH = 64
MAX_INT_DIGITS = 20
"""Longer integer literals are refused before Python converts them (GitHub's ids are int64)."""
MAX_FLOAT_CHARS = 64


def _depth(value: Any) -> int:
    """Nesting depth of a decoded JSON value, computed without recursion.

    Only containers are stacked (the decoder gives exactly ``dict`` and ``list``): a
    webhook's hundreds of scalars are looked at once and never pushed, which halves the walk
    every real webhook takes (its brackets outnumber ``MAX_DEPTH``).
    """
    if type(value) is not dict and type(value) is not list:
        return 0
    deepest = 0
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > deepest:
            deepest = level
        below = level + 1
        for child in item.values() if type(item) is dict else item:
            if type(child) is dict or type(child) is list:
                stack.append((child, below))
    return deepest


async def _within(seconds: float | None, work: Coroutine[Any, Any, None]) -> None:
    """``work``, cancelled with TimeoutError past ``seconds``: ``asyncio.timeout``'s effect.

    One timer handle a body (uvloop's, in C) instead of ``asyncio.timeout``'s context
    manager, whose Python bookkeeping on every request cost ~4% of a request's CPU.
    """
    if seconds is None:
        await work
        return
    task = asyncio.current_task()
    assert task is not None
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        task.cancel()

    # the task's loop: get_running_loop() again costs a getpid() system call
    handle = task.get_loop().call_later(seconds, expire)
    try:
        await work
    except asyncio.CancelledError:
        # ours only when this cancel is the task's one pending request: any other is the
        # caller's, and goes on
        if expired and task.uncancel() == 0:
            raise TimeoutError from None
        raise
    finally:
        handle.cancel()


class BodyError(Exception):
    """A request body Healer refuses, with the HTTP status and reason to answer."""

    def __init__(self, status: int, reason: str, fields: list[str] | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.fields = fields or []


def declared_length(request: Request, cap: int) -> int | None:
    """The declared Content-Length, refused (413) over ``cap`` before a byte is read."""
    values = request.headers.getlist("content-length")
    if not values:
        return None
    if len(values) > 1:
        raise BodyError(400, "duplicated Content-Length header", ["Content-Length"])
    if check_content_length(values[0]) is not None:
        raise BodyError(400, "invalid Content-Length header", ["Content-Length"])
    declared = int(values[0])
    if declared > cap:
        raise BodyError(413, f"body of {declared} bytes exceeds the {cap}-byte cap")
    return declared


async def read_chunks(
    request: Request,
    cap: int,
    *,
    declared: int | None,
    timeout_s: float | None = None,
    on_chunk: Callable[[bytes], object] | None = None,
) -> list[bytes | bytearray]:
    """The raw body as it arrived: 413 past ``cap`` bytes, 408 past ``timeout_s``.

    ``on_chunk`` sees each chunk as it comes (a signature is computed while reading), and
    the chunks are not joined here: a body whose signature fails is never copied.
    ``declared`` is ``declared_length``'s answer, which the caller took for the body gate.
    """
    chunks: list[bytes] = []
    size = 0
    # A declared body is kept as one block of its size, returned whole when freed: the
    # server's chunk itself when the body came in one (most do: kept, not copied), else a
    # buffer its chunks are copied into and dropped.
    whole: bytes | None = None
    buffer: bytearray | None = None

    async def read() -> None:
        nonlocal size, whole, buffer
        async for chunk in request.stream():
            end = size + len(chunk)
            if end > cap:
                raise BodyError(413, f"body exceeds the {cap}-byte cap")
            if on_chunk is not None:
                on_chunk(chunk)
            if not declared:
                chunks.append(chunk)
            elif end > declared:
                raise BodyError(400, "body longer than its Content-Length")
            elif not chunk:
                continue
            elif size == 0 and end == declared:
                whole = chunk
            else:
                if buffer is None:
                    buffer = bytearray(declared)
                buffer[size:end] = chunk
            size = end

    try:
        await _within(timeout_s, read())
    except TimeoutError:
        raise BodyError(408, f"body not received within {timeout_s:g} s") from None
    except ClientDisconnect:
        raise BodyError(400, "client disconnected before the body was complete") from None
    if declared:
        if size != declared:
            raise BodyError(400, f"body of {size} bytes, not the {declared} declared")
        if whole is not None:
            return [whole]
        assert buffer is not None  # a declared body, not empty: its chunks were copied
        return [buffer]
    return list(chunks)


def media_type(request: Request) -> str:
    """The request's media type without parameters, lowercased."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


class _NumberError(ValueError):
    """A number literal Healer will not convert."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _NumberError(f"integer literal of {len(text)} characters")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_FLOAT_CHARS:
        raise _NumberError(f"number literal of {len(text)} characters")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NumberError(f"number {text} is out of range")
    return value


def _constant(text: str) -> Any:
    raise _NumberError(f"{text} is not JSON")


_DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)
"""One decoder for every body: ``json.loads`` with hooks builds a decoder and its scanner
each call. It keeps no state between calls."""


def _loads(text: str) -> Any:
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise BodyError(
            400, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except _NumberError as exc:
        raise BodyError(400, f"malformed JSON: {exc}") from None
    except RecursionError:
        raise BodyError(400, "JSON nested too deeply") from None


def _form_payload(raw: bytes) -> bytes:
    try:
        form = parse_qs(raw.decode("utf-8", errors="strict"), strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise BodyError(400, "form body is not valid UTF-8") from None
    if "payload" not in form:
        raise BodyError(422, "form body has no 'payload' field", ["payload"])
    return form["payload"][0].encode("utf-8", errors="surrogatepass")


def parse_json_object(raw: bytes, content_type: str) -> dict[str, Any]:
    """Decode a JSON (or GitHub form-encoded ``payload=``) body into an object."""
    return parse_json_text(raw, content_type)[0]


def parse_json_text(raw: bytes, content_type: str) -> tuple[dict[str, Any], str]:
    """``parse_json_object``, with the JSON text the object was decoded from."""
    if content_type == "application/x-www-form-urlencoded":
        raw = _form_payload(raw)
    elif content_type not in ("application/json", "") and not content_type.endswith("+json"):
        raise BodyError(415, f"unsupported media type {content_type[:80]!r}; send application/json")
    if not raw.strip():
        raise BodyError(400, "empty body; expected a JSON object")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError(400, f"body is not valid UTF-8 (byte {exc.start})") from None
    data = _loads(text)
    # A value is never nested deeper than its opening brackets are many (those in strings
    # only add to the count): counted in C, most bodies need no walk of the tree.
    if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH and _depth(data) > MAX_DEPTH:
        raise BodyError(400, f"JSON nested deeper than {MAX_DEPTH} levels")
    if not isinstance(data, dict):
        raise BodyError(422, f"body must be a JSON object, got {type(data).__name__}", ["body"])
    if (problem := scan_strings(raw, data)) is not None:
        raise BodyError(422, str(problem), [problem.field])
    return data, text
