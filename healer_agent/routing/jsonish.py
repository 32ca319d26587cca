"""Reading decoded JSON/YAML whose shape is not trusted (context from MCP servers) (pure).

The fact readers ask "is this a mapping?" of every value they touch; the ``Mapping`` ABC
check costs a slow path per call, so plain ``dict`` and the scalar types are settled first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

_NOT_MAPS = (str, bytes, int, float, list, tuple, type(None))


def is_map(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """A mapping (a ``dict`` from a decoder, or any other ``Mapping``)."""
    if type(value) is dict:
        return True
    if isinstance(value, _NOT_MAPS):
        return False
    return isinstance(value, Mapping)


def as_list(value: Any) -> list[Any]:
    """A list as it is; anything else (a scalar where a list belongs) as none."""
    return value if isinstance(value, list) else []
