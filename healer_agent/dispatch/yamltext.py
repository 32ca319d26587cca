"""CodeRun manifests as YAML text: ``yaml.dump``'s bytes, without its Python representer.

PyYAML's representer and resolver are Python even with libyaml's emitter, and a CodeRun
has ~70 short scalars: they were two thirds of ``yaml.dump``'s time for it. Here a mapping
of mappings and strings is written directly. A one-word string is written as libyaml
writes it (plain, or in single quotes when it would read back as another type); any other
string (the prompt: long, multi-line, maybe non-ASCII) is emitted by libyaml itself, at the
same place in the same nesting, so its style, folding and escapes are libyaml's own.
Anything else (lists, numbers, an empty mapping) is dumped by ``yaml.dump`` whole.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

import yaml

WIDTH = 100
"""Where libyaml folds long lines (the prompt's)."""
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter when PyYAML has it: a CodeRun with a long prompt dumps ~10x faster."""
_WORD = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./#:@+=~-]*")
"""Text libyaml writes on one line without escapes: no space, quote, break or indicator
that matters in block context (``#`` only after a space, ``:`` only before one or last)."""
_STR = "tag:yaml.org,2002:str"
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = (
    yaml.resolver.Resolver().resolve
)
"""The tag a plain scalar reads back as (the dumper's own resolver: its implicit types)."""
_SIMPLE_KEY_CHARS = 128
"""libyaml writes a longer key as a complex (``?``) key."""
_MEMO_CHARS = 512
"""Strings up to this long written by libyaml are kept (the settings' few texts repeat)."""


class _Unsupported(Exception):
    """A value this writer leaves to ``yaml.dump``."""


def dump(manifest: Mapping[str, Any]) -> str:
    """``manifest`` as ``yaml.dump`` writes it (keys in order, Unicode as is)."""
    return str(
        yaml.dump(manifest, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=WIDTH)
    )


def dump_manifest(manifest: Mapping[str, Any]) -> str:
    """The same text as :func:`dump`, written directly where the shape allows."""
    out: list[str] = []
    try:
        if type(manifest) is not dict or not manifest:
            raise _Unsupported
        _mapping(manifest, (), out)
    except _Unsupported:
        return dump(manifest)
    return "".join(out)


def _mapping(mapping: Mapping[Any, Any], path: tuple[str, ...], out: list[str]) -> None:
    indent = "  " * len(path)
    for key, value in mapping.items():
        # exact types: a subclass (an enum, an ordered dict) is yaml.dump's to represent or refuse
        name = word(key) if type(key) is str else None
        if name is None:
            raise _Unsupported
        if type(value) is dict and value:
            out.append(f"{indent}{name}:\n")
            _mapping(value, (*path, key), out)
        elif type(value) is str:
            short = word(value)
            out.append(f"{indent}{name}: {short}\n" if short else _in_place(path, key, value))
        else:
            raise _Unsupported


@functools.lru_cache(maxsize=4096)
def word(text: str) -> str | None:
    """``text`` as libyaml writes a one-word scalar, or None when it is not one."""
    if (
        len(text) >= _SIMPLE_KEY_CHARS
        or not _WORD.fullmatch(text)
        or text.endswith(":")
        or text.startswith("...")
    ):
        return None
    if _resolve(yaml.ScalarNode, text, (True, False)) == _STR:
        return text
    return f"'{text}'"  # it would read back as a number, a bool, a date or null


def _in_place(path: tuple[str, ...], key: str, value: str) -> str:
    """``key: value`` as libyaml writes it under ``path`` (its column decides the folds)."""
    if len(value) <= _MEMO_CHARS:
        return _in_place_memo(path, key, value)
    return _emit_in_place(path, key, value)


@functools.lru_cache(maxsize=256)
def _in_place_memo(path: tuple[str, ...], key: str, value: str) -> str:
    return _emit_in_place(path, key, value)


def _emit_in_place(path: tuple[str, ...], key: str, value: str) -> str:
    nested: dict[str, Any] = {key: value}
    for parent in reversed(path):
        nested = {parent: nested}
    text = dump(nested)
    start = 0
    for _ in path:  # the parents' lines: one each (their keys are words)
        start = text.index("\n", start) + 1
    return text[start:]
