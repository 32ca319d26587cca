"""A lean HTTP/1.1 client for the benchmarks' generators: keep-alive connections over raw
asyncio streams.

The generator shares the machine with the server it measures. httpx cost it ~1 ms of CPU a
request in the open-loop generator, and ~2.8 ms an event in ``e2e.py`` (its client, the
JSON encoding of each body, and its response parsing): a quarter of a 2-core machine while
two server processes wanted all of it. Requests here are bytes built before the clock
starts, and an answer is read as a status line, headers, and ``Content-Length`` bytes.
That is all the servers measured here send (no chunked bodies, no ``100 Continue``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping


def request_bytes(
    method: str, host: str, path: str, body: bytes, headers: Mapping[str, str] | None = None
) -> bytes:
    """One request, as sent on the wire (JSON body)."""
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Content-Type: application/json"]
    head += [f"{name}: {value}" for name, value in (headers or {}).items()]
    head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class Connections:
    """Keep-alive connections to one server; a request takes an idle one or opens another."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def warm(self, count: int) -> None:
        """Open ``count`` connections before the clock starts, as ``wrk`` does."""
        self._idle.extend([await self._connect() for _ in range(count)])

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.host, self.port)

    async def send(self, request: bytes) -> tuple[int, bytes] | None:
        """The answer's status and body, or None when no connection could carry it.

        A kept-alive connection the server closed while idle (uvicorn's keep-alive timeout)
        gets the request once more on a new one, as HTTP clients do.
        """
        for fresh in (False, True):
            try:
                if self._idle and not fresh:
                    reader, writer = self._idle.pop()
                else:
                    reader, writer = await self._connect()
            except OSError:
                return None
            try:
                writer.write(request)
                status = (await reader.readline()).split(b" ", 2)
                if len(status) < 2:
                    raise ConnectionResetError("closed before the answer")
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
            except (OSError, RuntimeError, ValueError, asyncio.IncompleteReadError):
                writer.close()
                continue
            self._idle.append((reader, writer))
            return int(status[1]), body
        return None

    def close(self) -> None:
        """Close the idle connections."""
        for _reader, writer in self._idle:
            writer.close()
        self._idle.clear()
