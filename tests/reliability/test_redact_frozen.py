"""Speed work on the line detectors must not change what they find.

``tests/fixtures/secrets/frozen_spans.json`` holds, for every line the gate lets through in
the dev cases' logs and every line of the secrets fixtures (as written and behind a
runner timestamp), the spans that ``line_spans``, ``find_tokens`` and ``find_named``
returned before the fast paths went in, and a digest of ``find_spans`` over each dev
log. Positions, kinds and order must stay the same. Regenerate it only when detection is
meant to change: ``python tests/reliability/test_redact_frozen.py --freeze``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from healer_agent.context.replay import load_case
from healer_agent.logs.redact import find_spans, gated_lines, line_spans
from healer_agent.logs.secrets_keywords import find_named
from healer_agent.logs.secrets_tokens import find_tokens

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ROOT / "tests" / "fixtures" / "secrets"
FROZEN = SECRETS / "frozen_spans.json"
TS = "2026-11-28T21:04:05.1234567Z "
LONG = 4096


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def dev_logs() -> list[str]:
    """The long strings (logs) of the labelled dev cases, in file order."""
    return [
        s
        for path in sorted((ROOT / "evals" / "cases" / "dev").glob("*.yaml"))
        for s in _strings(load_case(path))
        if len(s) > LONG
    ]


def fixture_lines() -> list[str]:
    """Every line of the secrets fixtures, as written and behind a runner timestamp."""
    corpus = yaml.safe_load((SECRETS / "corpus.yaml").read_text())
    keys = yaml.safe_load((SECRETS / "private_keys.yaml").read_text())["keys"]
    plain = yaml.safe_load((SECRETS / "not_secrets.yaml").read_text())["lines"]
    lines = [line for case in corpus for line in case["text"].split("\n")]
    lines += [line for key in keys for v in key.values() for line in str(v).split("\n")]
    lines += plain
    return [*lines, *(TS + line for line in lines)]


def all_lines(logs: list[str]) -> list[str]:
    gated = [log[s:e] for log in logs for s, e in gated_lines(log)]
    return list(dict.fromkeys([*gated, *fixture_lines()]))


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _spans(line: str) -> list[list[list[Any]]]:
    lower = line.lower()
    found = (line_spans(line), find_tokens(line, lower), find_named(line, lower))
    return [[list(span) for span in spans] for spans in found]


def _digest(spans: list[tuple[int, int, str]]) -> str:
    return _key(json.dumps(spans))


def freeze() -> dict[str, Any]:
    logs = dev_logs()
    return {
        "lines": {_key(line): _spans(line) for line in all_lines(logs)},
        "logs": [_digest(find_spans(log)) for log in logs],
    }


@pytest.fixture(scope="module")
def frozen() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FROZEN.read_text())
    return data


@pytest.fixture(scope="module")
def logs() -> list[str]:
    return dev_logs()


def test_the_frozen_set_covers_the_dev_logs_and_the_fixtures(
    frozen: dict[str, Any], logs: list[str]
) -> None:
    lines = all_lines(logs)
    assert len(logs) >= 200
    assert len(lines) >= 2000
    assert sum(1 for spans in frozen["lines"].values() if spans[0]) >= 200
    assert {_key(line) for line in lines} == set(frozen["lines"])


def test_every_line_gives_the_frozen_spans(frozen: dict[str, Any], logs: list[str]) -> None:
    wrong = [
        (line, frozen["lines"][_key(line)], got)
        for line in all_lines(logs)
        if (got := _spans(line)) != frozen["lines"][_key(line)]
    ]
    assert not wrong, wrong[:3]


def test_every_dev_log_gives_the_frozen_spans(frozen: dict[str, Any], logs: list[str]) -> None:
    assert [_digest(find_spans(log)) for log in logs] == frozen["logs"]


if __name__ == "__main__" and "--freeze" in sys.argv:
    FROZEN.write_text(json.dumps(freeze(), separators=(",", ":"), sort_keys=True) + "\n")
