"""The same attacks against a real uvicorn server on 127.0.0.1, written as raw bytes (header
bytes an HTTP client library would refuse to send): never a 5xx, and an over-cap body is
refused on its headers alone, before it is sent."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn

from healer_agent.api.app import create_app
from tests.reliability.conftest import READ_TOKEN, SENSOR_TOKEN

pytestmark = pytest.mark.reliability


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def serving(healer: Any) -> AsyncIterator[int]:
    app = create_app(healer.settings, healer)
    app.state.healer = healer
    port = _port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, lifespan="off", log_level="warning", access_log=False
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


async def _exchange(port: int, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head + b"\r\n" + body)
        await writer.drain()
        status_line = await reader.readline()
        rest = await reader.read(65536)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return int(status_line.split()[1]), rest


def _request(method: str, path: str, headers: list[bytes], body: bytes = b"") -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1".encode(),
        b"Host: 127.0.0.1",
        b"Connection: close",
        *headers,
    ]
    if body and not any(h.lower().startswith(b"content-length") for h in headers):
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n"


ATTACKS: list[tuple[str, str, list[bytes], bytes]] = [
    ("GET", "/api/status", [b"Authorization: Bearer \xff\xfe"], b""),
    ("GET", "/api/status", [b"Authorization: bEaReR " + READ_TOKEN.encode()], b""),
    ("GET", "/api/incidents", [b"Authorization: Bearer " + READ_TOKEN.encode() + b"\xc3\xa9"], b""),
    ("GET", "/api/incidents/%00%ff", [b"Authorization: Bearer " + READ_TOKEN.encode()], b""),
    ("GET", "/api/incidents?limit=%ff%00", [b"Authorization: Bearer " + READ_TOKEN.encode()], b""),
    (
        "POST",
        "/api/github/webhook",
        [
            b"X-GitHub-Event: workflow_job",
            b"X-Hub-Signature-256: sha256=\xff" + b"0" * 63,
            b"Content-Type: application/json",
        ],
        b"{}",
    ),
    (
        "POST",
        "/api/github/webhook",
        [b"X-GitHub-Event: workflow_job\xe2\x98\x83", b"Content-Type: application/json"],
        b"{}",
    ),
    (
        "POST",
        "/api/github/webhook",
        [b"X-GitHub-Event: " + b"e" * 6000, b"X-GitHub-Delivery: " + b"d" * 6000],
        b"{}",
    ),
    (
        "POST",
        "/api/remediate/ci-failure",
        [b"Authorization: Bearer " + SENSOR_TOKEN.encode(), b"Content-Type: application/json"],
        b'{"workflow_run": {"id": ' + b"9" * 5000 + b'}, "repository": {"full_name": "a/b"}}',
    ),
    (
        "POST",
        "/api/remediate/ci-failure",
        [b"Authorization: Bearer " + SENSOR_TOKEN.encode(), b"Content-Type: application/json"],
        '{"workflow_run": {"id": "²"}, "repository": {"full_name": "a/b"}}'.encode(),
    ),
    (
        "POST",
        "/api/remediate/ci-failure",
        [b"Authorization: Bearer " + SENSOR_TOKEN.encode(), b"Content-Type: application/json"],
        b'{"workflow_run": {"id": 1, "name": "a\x00b"}}',
    ),
    (
        "POST",
        "/api/remediate/ci-failure",
        [
            b"Authorization: Bearer " + SENSOR_TOKEN.encode(),
            b"Content-Type: application/json",
            b"Content-Length: 5",
            b"Content-Length: 6",
        ],
        b"{}",
    ),
    (
        "POST",
        "/api/remediate/security-alert",
        [
            b"Authorization: Bearer " + SENSOR_TOKEN.encode(),
            b"Transfer-Encoding: chunked",
            b"Content-Type: application/json",
        ],
        b"2\r\n{}\r\n0\r\n\r\n",
    ),
]


async def test_raw_attacks_on_a_real_server_get_4xx(locked: Any) -> None:
    async with serving(locked.healer) as port:
        for method, path, headers, body in ATTACKS:
            status, rest = await _exchange(port, _request(method, path, headers, body), body)
            assert status < 500, (path, headers[:1], status, rest[:300])


async def test_an_over_cap_body_is_refused_on_its_headers(locked: Any) -> None:
    """``Expect: 100-continue`` with a 30 MB length: the answer comes before the body."""
    async with serving(locked.healer) as port:
        head = _request(
            "POST",
            "/api/github/webhook",
            [
                b"X-GitHub-Event: workflow_job",
                b"X-Hub-Signature-256: sha256=" + b"0" * 64,
                b"Content-Type: application/json",
                b"Content-Length: 31457280",
                b"Expect: 100-continue",
            ],
        )
        status, rest = await _exchange(port, head)
        assert status == 413, rest[:300]
        assert b"cap" in rest
