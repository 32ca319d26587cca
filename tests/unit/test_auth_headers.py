"""The header checks the write routes run before reading a body."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from healer_agent.api.auth import Refused, single_headers


def _headers(*pairs: tuple[bytes, bytes]) -> Headers:
    return Headers(raw=list(pairs))


def test_a_repeated_header_healer_does_not_read_is_let_through() -> None:
    single_headers(_headers((b"accept", b"a"), (b"accept", b"b"), (b"content-type", b"x")))
    single_headers(_headers((b"content-type", b"x"), (b"content-length", b"2")))


def test_the_first_repeated_header_healer_reads_is_named() -> None:
    with pytest.raises(Refused) as refused:
        single_headers(
            _headers(
                (b"accept", b"a"),
                (b"content-length", b"1"),
                (b"accept", b"b"),
                (b"authorization", b"Bearer a"),
                (b"content-length", b"2"),
                (b"authorization", b"Bearer b"),
            )
        )
    assert (refused.value.status, refused.value.fields) == (400, ["authorization"])
