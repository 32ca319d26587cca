"""Normalising and trimming MCP tool results (pure functions, no I/O).

Real servers answer in three payload styles (compact JSON text + identical
``structured_content`` from FastMCP servers; JSON text only from argocd-mcp and
mcp-grafana; pretty-printed JSON text from server-github) and three error styles
(``is_error``, a raised ``MCPError``, a success whose JSON is a backend error). Everything
here turns a ``CallToolResult`` into one :class:`ToolResult` or one
:class:`~healer_agent.context.errors.ToolError`, trimmed to the server's token budget so no
caller can store or show an untrimmed result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mcp_types import CallToolResult

from healer_agent.context.errors import ToolError
from healer_agent.logs.excerpt import estimate_tokens

CHARS_PER_TOKEN = 4
"""Rough budget unit: a model token is about four characters of JSON or log text."""
_TRUNCATION_MARK = "…[truncated]…"


@dataclass(frozen=True)
class ToolResult:
    """A successful, normalised, trimmed tool result."""

    server: str
    tool: str
    data: Any
    """Parsed JSON (dict/list/scalar) when the result was JSON, else the text."""
    text: str
    """The trimmed text form: what a model would be shown."""
    truncated: bool = False
    elapsed_ms: float = 0.0

    @property
    def size_tokens(self) -> int:
        """Estimated size of ``text`` in model tokens."""
        return estimate_tokens(self.text)


def trim_text(text: str, max_chars: int, *, keep: str = "head") -> tuple[str, bool]:
    """Cut ``text`` to ``max_chars``; ``keep="tail"`` keeps the end (where a log's error is)."""
    if len(text) <= max_chars:
        return text, False
    room = max(max_chars - len(_TRUNCATION_MARK), 0)
    if keep == "tail":
        return _TRUNCATION_MARK + text[len(text) - room :], True
    if keep == "both":
        head = room // 4
        return text[:head] + _TRUNCATION_MARK + text[len(text) - (room - head) :], True
    return text[:room] + _TRUNCATION_MARK, True


def _shrink(value: Any, max_str: int, max_items: int) -> Any:
    if isinstance(value, str):
        return trim_text(value, max_str)[0]
    if isinstance(value, list):
        kept = [_shrink(v, max_str, max_items) for v in value[:max_items]]
        if len(value) > max_items:
            kept.append(f"…[{len(value) - max_items} more items]")
        return kept
    if isinstance(value, dict):
        return {k: _shrink(v, max_str, max_items) for k, v in value.items()}
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def trim_json(value: Any, max_chars: int) -> tuple[Any, bool]:
    """Shrink long lists and strings of a JSON value until its compact dump fits.

    Structure is kept (keys, first items) rather than cutting the text mid-token, so the
    trimmed value is still valid JSON a source can parse.
    """
    if len(_dumps(value)) <= max_chars:
        return value, False
    max_str, max_items = max_chars, 200
    shrunk = value
    for _ in range(24):
        shrunk = _shrink(value, max_str, max_items)
        if len(_dumps(shrunk)) <= max_chars:
            return shrunk, True
        max_str = max(max_str // 2, 16)
        max_items = max(max_items // 2, 1)
    # Pathological (very wide dicts): fall back to cut text.
    return trim_text(_dumps(shrunk), max_chars)[0], True


def parse_payload(result: CallToolResult) -> tuple[Any, str]:
    """(data, text) of a result: structured_content, else JSON text, else raw text."""
    texts = [getattr(block, "text", "") for block in result.content if block.type == "text"]
    text = "\n".join(texts)
    if result.structured_content is not None:
        return result.structured_content, text or _dumps(result.structured_content)
    stripped = text.strip()
    if stripped[:1] in ("{", "[", '"') or stripped in ("true", "false", "null"):
        try:
            return json.loads(stripped), text
        except ValueError:
            pass
    return text, text


def error_json_message(data: Any, keys: Iterable[str]) -> str | None:
    """The message of a backend error body (argocd-mcp style), or None if ``data`` is fine."""
    keys = tuple(keys)
    if not keys or not isinstance(data, dict):
        return None
    present = [k for k in keys if k in data]
    if not present:
        return None
    # A single generic key such as "code" alone is not enough evidence of an error body.
    if len(present) == 1 and present[0] != "error" and "message" not in data:
        return None
    msg = data.get("message") or data.get("error") or _dumps(data)
    return str(msg)[:500]


def normalise(
    server: str,
    tool: str,
    result: CallToolResult,
    *,
    max_output_tokens: int,
    error_json_keys: Iterable[str] = (),
    elapsed_ms: float = 0.0,
) -> ToolResult:
    """Turn a raw result into a trimmed :class:`ToolResult`, or raise :class:`ToolError`."""
    data, text = parse_payload(result)
    if result.is_error:
        raise ToolError(server, tool, "is_error", trim_text(text.strip() or "error", 500)[0])
    message = error_json_message(data, error_json_keys)
    if message is not None:
        raise ToolError(server, tool, "error_json", message)
    max_chars = max_output_tokens * CHARS_PER_TOKEN
    if isinstance(data, str):
        trimmed_text, truncated = trim_text(data, max_chars, keep="both")
        return ToolResult(server, tool, trimmed_text, trimmed_text, truncated, elapsed_ms)
    trimmed, truncated = trim_json(data, max_chars)
    out_text = _dumps(trimmed) if truncated or len(text) > max_chars else text
    return ToolResult(server, tool, trimmed, out_text, truncated, elapsed_ms)


__all__ = [
    "CHARS_PER_TOKEN",
    "ToolResult",
    "error_json_message",
    "estimate_tokens",
    "normalise",
    "parse_payload",
    "trim_json",
    "trim_text",
]
