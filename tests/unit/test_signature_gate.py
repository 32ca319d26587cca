"""The signature's RE2 gate skips only masks that would not have matched."""

from __future__ import annotations

import importlib
import random

import pytest

signature = importlib.import_module("healer_agent.logs.signature")


def _ungated(text: str) -> str:
    masks = signature._ASCII_MASKS if text.isascii() else signature._MASKS
    for pattern, replacement, needs in masks:
        if all(need in text for need in needs):
            text = pattern.sub(replacement, text)
    return text


_PIECES = [
    "error[E0308]: mismatched types",
    "2024-01-15T10:30:02.123Z",
    "2024-01-15 10:30:02",
    "deadbeef",
    "Zdeadbeef",
    "00Zcafebabe12",
    "[REDACTED:github-token]",
    "crates/app/src/main.rs:4:13",
    "C:/work/x.py",
    "v1.2.3",
    "abc1234",
    "é",
    " ",
    "\n",
    "-",
    ":",
    "make: *** [Makefile:14: build] Error 101",
]


def _texts() -> list[str]:
    rng = random.Random(7)
    out = ["2024-01-15T10:30:02Zdeadbeef1", "x 2024-01-15T10:30:02Zcafebabe", *_PIECES]
    for _ in range(1500):
        out.append("".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 6))))
    return out


@pytest.mark.parametrize("text", _texts())
def test_gate_changes_nothing(text: str) -> None:
    assert signature._masked(text) == _ungated(text)


def test_a_hex_word_after_a_timestamp_is_masked() -> None:
    assert signature._masked("at 2024-01-15T10:30:02Zdeadbeef1") == "at <ts><hex>"
