"""Loki lines and Prometheus results as findings rules can match.

Loki lines arrive plain, logfmt (``level=error msg="..." err="..."``) or JSON; each is
reduced to its level and message and kept when the level says error or the log detectors
(``logs.errors``) recognise the message, so an application's stack trace is read the same
way a CI log is. Prometheus results arrive as a scalar, a series list (``[{metric,
value}]``), an API body, or the compact summary the live source builds; firing
``ALERTS`` series become alert findings, other non-zero series metric findings. Pure.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from healer_agent.logs.errors import classify
from healer_agent.logs.patternset import LineFilter
from healer_agent.routing.jsonish import is_map

_LOGFMT = re.compile(r'(\w[\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)')
_PREFIX = re.compile(r"^\s*(?:\d{4}-\d\d-\d\d[T ][\d:.,]+Z?|\d{10,19}(?:\.\d+)?)\s+")
_PLAIN_LEVEL = re.compile(
    r"^\s*\[?(ERROR|ERRO|ERR|FATAL|FATA|PANIC|CRIT(?:ICAL)?|WARN(?:ING)?|"
    r"INFO|DEBUG|TRACE)\]?[\s:]",
    re.IGNORECASE,
)
_BAD_LEVELS = {
    "error",
    "erro",
    "err",
    "fatal",
    "fata",
    "panic",
    "crit",
    "critical",
    "alert",
    "emerg",
    "e",
    "f",
}
_MSG_KEYS = ("msg", "message", "MESSAGE", "log", "event", "text")
_ERR_KEYS = (
    "err",
    "error",
    "exception",
    "exc_info",
    "stack",
    "stacktrace",
    "reason",
    "cause",
    "error.message",
    "error.stack_trace",
)
_LEVEL_KEYS = ("level", "severity", "lvl", "levelname", "log.level", "loglevel")
# what a nested object says first: its stack (it starts with the error), else its message
_INNER_KEYS = ("stack", "stack_trace", "stacktrace", "message", "msg")


def _json_fields(obj: Mapping[str, Any]) -> tuple[str, str, dict[str, str]]:
    """(level, message, fields) of a JSON entry: zap, logrus, pino, bunyan, tracing, ECS.

    pino and bunyan number their levels (50 error, 60 fatal); tracing nests the message
    under ``fields`` (a panic hook's location and payload too); pino nests the error under
    ``err`` with its stack.
    """
    flat: dict[str, str] = {}
    for key, value in obj.items():
        if is_map(value):
            inner = next((value[k] for k in _INNER_KEYS if isinstance(value.get(k), str)), None)
            flat[str(key)] = inner if inner is not None else json.dumps(value)
        else:
            flat[str(key)] = value if isinstance(value, str) else json.dumps(value)
    raw = next((obj[k] for k in _LEVEL_KEYS if obj.get(k) is not None), "")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        level = "fatal" if raw >= 60 else "error" if raw >= 50 else "info"
    else:
        level = str(raw).lower()
    fields = obj.get("fields")
    if is_map(fields):  # tracing's event fields, as its flattened form would have them
        for key, value in fields.items():
            flat.setdefault(str(key), value if isinstance(value, str) else json.dumps(value))
    message = next((flat[k] for k in _MSG_KEYS if k in flat), "")
    if not message and is_map(fields) and isinstance(fields.get("message"), str):
        message = fields["message"]
    location, payload = flat.get("panic.location"), flat.get("panic.payload")
    if location and payload:
        # a panic hook's event (``tracing-panic``) carries std's panic message in two
        # fields: read as std prints it, as the log detectors know it
        message = f"panicked at {location}: {payload}"
    return level, message, flat


_MAX_LOKI = 40
_CONTINUATION = 6
# A line can be an error only if it names an error level or holds an error detector's
# trigger; most application lines are info and are dropped on this one check.
_MAYBE_ERROR = LineFilter(
    re.compile(
        r"err|fatal|fata\b|panic|crit|alert|emerg|exception|fail|denied|refused|invalid|cannot|"
        r"could not|unable|not found|timed? ?out|killed|traceback|level\W{0,3}[ef]\b|missing|"
        r"active endpoint|no endpoints",
        re.IGNORECASE,
    )
)
_MAX_SERIES = 30


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def _fields(line: str) -> tuple[str, str, dict[str, str]]:
    """(level, message, other fields) of one line in any of the three forms."""
    text = line.strip()
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except ValueError:
            obj = None
        if is_map(obj):
            return _json_fields(obj)
    if "=" in text and ("level=" in text or "msg=" in text or "lvl=" in text):
        pairs = {k: _unquote(v) for k, v in _LOGFMT.findall(text)}
        level = pairs.get("level") or pairs.get("lvl") or pairs.get("severity") or ""
        message = next((pairs[k] for k in _MSG_KEYS if k in pairs), "")
        if message or level:
            return level.lower(), message, pairs
    body = _PREFIX.sub("", text)
    match = _PLAIN_LEVEL.match(body)
    return (match.group(1).lower() if match else ""), body, {}


def _continues(line: str) -> str | None:
    """The text of a line that continues the entry before it, or None.

    Stack frames and a panic's message continue an entry; a structured or levelled line
    starts one of its own.
    """
    text = line.strip()
    if not text or text.startswith("{") or ("level=" in text and "msg=" in text):
        return None
    if _PREFIX.match(text) or _PLAIN_LEVEL.match(text) or classify(text) not in (None, "exit"):
        return None  # an entry of its own: timestamped, levelled, or an error line itself
    return text


def loki_facts(lines: Any) -> list[tuple[str, str]]:
    """(tool, finding) for each distinct error entry; the tool is the log detector's name.

    An error line takes the lines that continue it (a panic's message, a stack trace) into
    its finding, since the cause is often on the next line.
    """
    if isinstance(lines, str):
        lines = lines.splitlines()
    texts = [
        raw if type(raw) is str else raw.get("line", "") if is_map(raw) else str(raw)
        for raw in lines or ()
    ]
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    covered = -1
    for index in _MAYBE_ERROR(texts):
        if index <= covered:
            continue
        level, message, fields = _fields(texts[index])
        extra = "; ".join(f"{k}={fields[k]}" for k in _ERR_KEYS if fields.get(k))
        finding = f"{message} ({extra})" if extra and extra not in message else message
        if not finding:
            continue
        tool = classify(message) or next(
            (
                found
                for k in _ERR_KEYS
                if fields.get(k)
                for found in [classify(fields[k].split("\n", 1)[0])]
                if found not in (None, "exit")
            ),
            None,
        )
        if tool in (None, "exit") and level not in _BAD_LEVELS:
            continue
        parts = [finding]
        covered = index
        for follow in texts[index + 1 : index + 1 + _CONTINUATION]:
            if not follow.strip():  # a blank line inside one entry (``Caused by:`` follows)
                covered += 1
                continue
            more = _continues(follow)
            if more is None:
                break
            parts.append(more)
            covered += 1
        # one line each: a stack inside a JSON field joins its frames like continuations
        finding = " | ".join(x.strip() for part in parts for x in part.splitlines() if x.strip())
        if finding not in seen:
            seen.add(finding)
            out.append((tool or level or "error", finding[:1000]))
        if len(out) >= _MAX_LOKI:
            break
    return out


def _number(value: Any) -> float | None:
    # a tuple of types: ``list | tuple`` would build a union object on every call
    if isinstance(value, (list, tuple)) and len(value) == 2:
        value = value[1]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _rising(first: float | None, last: float | None, points: int, steady: bool) -> float | None:
    """``first`` when a series climbed several-fold over the window (the job's own growth)."""
    if first and last and points >= 3 and steady and first > 0 and last >= 3 * first:
        return first
    return None


Series = tuple[Mapping[str, Any], float | None, float | None]
"""(labels, latest value, the value it rose from when it climbed several-fold)."""


def _series(result: Any) -> list[Series]:
    """Every series of any result shape."""
    found: list[Series] = []
    _series_into(result, found)
    return found


def _series_into(result: Any, out: list[Series]) -> None:
    """:func:`_series`, appended to ``out`` (recursion without a generator per level)."""
    if is_map(result):
        data = result.get("data")
        if is_map(data):  # an API body {status, data: {resultType, result}}
            _series_into(data.get("result"), out)
            return
        if "result" in result:
            _series_into(result.get("result"), out)
            return
        if "series" in result:  # the live source's summary {type, series: [{labels, last}]}
            _series_into(result.get("series"), out)
            if result.get("value") is not None:
                out.append(({}, _number(result.get("value")), None))
            return
        labels = result.get("metric", result.get("labels"))
        labels = labels if is_map(labels) else {}
        values = result.get("values")
        if isinstance(values, list) and values:
            nums = [n for n in (_number(v) for v in values) if n is not None]
            # up to its peak (a restart after an OOM kill drops it again)
            peak = nums.index(max(nums)) if nums else 0
            climb = nums[: peak + 1]
            steady = all(b >= a * 0.95 for a, b in itertools.pairwise(climb))
            out.append(
                (
                    labels,
                    (nums[-1] if nums else None),
                    _rising(
                        climb[0] if climb else None,
                        climb[-1] if climb else None,
                        len(climb),
                        steady,
                    ),
                )
            )
            return
        latest = _number(result.get("value", result.get("last", result.get("max"))))
        points = result.get("points")
        out.append(
            (
                labels,
                latest,
                _rising(
                    _number(result.get("first")),
                    _number(result.get("last")),
                    points if isinstance(points, int) else 0,
                    True,
                ),
            )
        )
        return
    if isinstance(result, str):
        out.extend(_exposition(result))
        return
    if isinstance(result, list):
        if len(result) == 2 and not isinstance(result[0], (Mapping, list)):
            out.append(({}, _number(result), None))  # a bare [timestamp, "value"] sample
            return
        for entry in result[:_MAX_SERIES]:
            _series_into(entry, out)
        return
    out.append(({}, _number(result), None))


_SAMPLE = re.compile(r"^\s*([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(?:=>\s*)?(\S+)")
_LABEL = re.compile(r'(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"')


def _exposition(text: str) -> Iterator[Series]:
    """Samples of printed output, each named by its metric.

    The exposition format (``name{a="b"} 1``) and promtool's ``name{a="b"} => 1 @[t]``;
    lines in neither form are skipped.
    """
    for line in text.splitlines()[:_MAX_SERIES]:
        match = _SAMPLE.match(line)
        if match is None or line.lstrip().startswith("#"):
            continue
        name, labels, value = match.groups()
        found: dict[str, Any] = {"__name__": name}
        found.update(_LABEL.findall(labels or ""))
        yield found, _number(value), None


def _labels(labels: Mapping[str, Any], skip: tuple[str, ...] = ()) -> str:
    return " ".join(f"{k}={v}" for k, v in labels.items() if k not in skip and k != "__name__")


def prometheus_facts(results: Any) -> list[tuple[str, str]]:
    """(alert or query, finding) for firing alerts and non-zero series."""
    if not is_map(results):
        return []
    out: list[tuple[str, str]] = []
    for key, result in results.items():
        query = str(key)
        for labels, value, rose in _series(result):
            name = str(labels.get("alertname") or "")
            # text names its own series; an API result is named by the query that asked
            metric = str(labels.get("__name__") or query) if isinstance(result, str) else query
            if name or metric.strip().startswith("ALERTS"):
                state = str(labels.get("alertstate") or "firing")
                if state == "inactive" or (value is not None and value == 0):
                    continue
                rest = _labels(labels, ("alertname", "alertstate"))
                out.append((name, f"alert {name or metric} {state} {rest}".strip()))
            elif value:
                shown = f"{value:g}"
                rest = _labels(labels)
                trend = f" rising from {rose:g}" if rose is not None else ""
                out.append(
                    (metric, f"metric {metric}{' ' + rest if rest else ''} = {shown}{trend}")
                )
            if len(out) >= _MAX_SERIES:
                return out
    return out
