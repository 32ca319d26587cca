"""Reading a body's chunks against its declared length and the cap."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.requests import Request

from healer_agent.api.body import BodyError, read_chunks


def _request(*chunks: bytes) -> Request:
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    return Request({"type": "http", "method": "POST", "headers": []}, receive)


async def test_a_body_in_one_chunk_is_kept_as_it_came() -> None:
    chunk = b'{"a": 1}'
    (body,) = await read_chunks(_request(chunk), 100, declared=len(chunk), timeout_s=5)
    assert body is chunk


async def test_a_body_in_pieces_is_one_block_of_its_declared_size() -> None:
    seen: list[bytes] = []
    parts = await read_chunks(
        _request(b'{"a"', b"", b": 1}"), 100, declared=8, timeout_s=5, on_chunk=seen.append
    )
    assert [bytes(p) for p in parts] == [b'{"a": 1}'] and b"".join(seen) == b'{"a": 1}'
    assert await read_chunks(_request(b"{}", b""), 100, declared=2) == [b"{}"]
    assert b"".join(await read_chunks(_request(b"{", b"}"), 100, declared=None)) == b"{}"


@pytest.mark.parametrize(
    ("chunks", "declared", "status"),
    [
        ((b"{}",), 3, 400),
        ((b"{", b"}"), 3, 400),
        ((b"{}",), 1, 400),
        ((b"{", b"}"), 1, 400),
        ((b"{}", b"x"), 2, 400),
        ((b"{}" * 60,), None, 413),
    ],
)
async def test_a_body_not_its_declared_size_or_over_the_cap_is_refused(
    chunks: tuple[bytes, ...], declared: int | None, status: int
) -> None:
    with pytest.raises(BodyError) as refused:
        await read_chunks(_request(*chunks), 100, declared=declared)
    assert refused.value.status == status
