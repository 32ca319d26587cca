"""Secret redaction, applied before text is stored, logged or put in a prompt (pure).

Matches become ``[REDACTED:<kind>]`` so a reader still sees that something was there,
and redacting twice gives the same text. Three detectors, each in its own module:

* :mod:`secrets_blocks` — private keys over whole multi-line blocks, by markers and by
  the shape of their body, so an excerpt that starts mid-key still loses the rest;
* :mod:`secrets_tokens` — vendor tokens by shape (detect-secrets' regex plugins, then
  our table for the formats they miss);
* :mod:`secrets_keywords` — values a secret name, command flag, URL or header points at
  (detect-secrets' keyword plugin and heuristic filters, then our forms).

This module adds the forms that span lines (an env entry's ``name:`` and ``value:``, a
YAML block scalar under ``password: |``), reads through colour codes and JSON escapes,
and holds the API: :func:`redact` for text, :func:`redact_json` for payloads (keys too,
secret-named values whole), :func:`redact_model` for a pydantic value such as a
``ContextBundle``, :func:`find_spans` for callers that need positions.

Speed: every intake payload and every log goes through here. One RE2 pass (a DFA, linear
time) over the whole text finds the lines that hold a secret-ish word or prefix; only
those lines meet the Python patterns, and very long lines are read in windows, so the
cost stays linear in the input.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from healer_agent.logs.patternset import span_search
from healer_agent.logs.secrets_blocks import find_blocks
from healer_agent.logs.secrets_keywords import STRONG, acceptable, find_named, secret_name
from healer_agent.logs.secrets_tokens import find_tokens

try:  # google-re2: linear-time, DFA-based
    import re2 as _re2
except ImportError:  # pragma: no cover - same gate with the stdlib, slower
    _re2 = None

# Every line-level rule needs one of these on its line (a superset; false hits only cost
# time). Case-insensitive words and prefixes, then case-sensitive token shapes.
GATE_SOURCE = (
    r"(?i:pass|pwd|pw[=:\"' ]|secret|token|key|cred|auth|cookie|bearer|basic|session|sig|"
    r"salt|hmac|pat[=:\"'_ ]|sid[=:\"' ]|otp|licen|contrase|://[^@\n]*@|@(?:tcp|unix|udp)\(|"
    r"private|putty|xox|xapp-|hooks\.|discord|aiza|ya29\.|gocspx|eyj|gh[pousr]_|github_pat_|"
    r"sk-|k_live_|k_test_|whsec_|sg\.|gl(?:pat|dt|ft|rt|ptt|cbt|oas|soat|imt|agent)-|"
    r"gr1348941|npm_|pypi-|dckr_|shp(?:at|ca|pa|ss)_|hv[sbr]\.|atlasv1|_v1_|hf_|lin_|sntr|"
    r"pmak-|glc_|glsa_|atatt3|age-secret|dapi|nr(?:ak|aa|ii)-|pul-|sbp_|r8_|gsk_|xai-|pplx-|"
    r"ntn_|sq[apu]_|sq0|ccipat_|bkua_|nfp_|rnd_|cfpat-|figd_|atbb|dt0c01|ltai|rubygems_|oy2|"
    r"pscale_|xkeysib-|mysql|mariadb|login|sshpass|redis-cli|twine|mongo|sqlcmd|mosquitto|"
    r"\s-u\s|--user|--proxy-user|8q~|rabbitmqctl|htpasswd|<<<|add-mask|::set-|1//0|hrku-|value\\?[\"']?[^\S\n]*[:=][^\S\n]*\\?[\"']?[A-Za-z0-9+=_~!^*#%&-]{12}|-us\d|t3blbkfj|softlayer)|"
    r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA|AGPA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}|"
    r"(?:SK|AC)[0-9a-fA-F]{32}|\d{8,10}:[0-9A-Za-z_-]{35}|"
    r"[MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.|AKC[a-zA-Z0-9]{10}|"
    r"AP[\dABCDEF][a-zA-Z0-9]{8}|cio[A-Za-z0-9]{32}|AAAA[A-Za-z0-9_-]{7}:|EAA[A-Z]"
)


def _compile_re2(source: str | bytes) -> Any:
    """RE2 with room for the gate's DFA (the default 8 MB runs out on random text)."""
    assert _re2 is not None
    options = _re2.Options()
    options.max_mem = 64 << 20
    options.log_errors = False
    return _re2.compile(source, options)


_GATE: Any = _compile_re2(GATE_SOURCE) if _re2 is not None else re.compile(GATE_SOURCE)
_GATE_BYTES: Any = _compile_re2(GATE_SOURCE.encode()) if _re2 is not None else None
_GATE_AT = span_search(_GATE_BYTES)
_MARKER = re.compile(r"\[REDACTED:[a-z0-9-]+\]")
Span = tuple[int, int, str]


def gated_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line that may hold a line-level secret, in order.

    RE2 runs on UTF-8 bytes (on ``str`` it converts every match offset); byte offsets
    become character offsets by decoding the stretches between hits, once.
    """
    if _GATE_BYTES is None:
        return _gated(text, _GATE)
    ascii_only = text.isascii()
    data = text.encode("ascii") if ascii_only else text.encode("utf-8", "surrogatepass")
    spans = _gated_bytes(data)
    if ascii_only or not spans:
        return spans
    out: list[tuple[int, int]] = []
    byte_pos = char_pos = 0
    for start, end in spans:
        char_pos += len(data[byte_pos:start].decode("utf-8", "surrogatepass"))
        char_end = char_pos + len(data[start:end].decode("utf-8", "surrogatepass"))
        out.append((char_pos, char_end))
        byte_pos, char_pos = end, char_end
    return out


def _gated(data: Any, gate: Any) -> list[tuple[int, int]]:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    lines: list[tuple[int, int]] = []
    pos, size = 0, len(data)
    while pos < size:
        # search from the next line on: one call per gated line, not per hit
        match = gate.search(data, pos)
        if match is None:
            break
        hit = match.start()
        start = data.rfind(newline, 0, hit) + 1
        end = data.find(newline, hit)
        end = size if end == -1 else end
        lines.append((start, end))
        pos = end + 1
    return lines


def _gated_bytes(data: bytes) -> list[tuple[int, int]]:
    """:func:`_gated` on bytes with RE2's own call (no match object per gated line)."""
    search = _GATE_AT
    lines: list[tuple[int, int]] = []
    pos, size = 0, len(data)
    while pos < size:
        spans = search(data, pos, size)
        if spans is None:
            break
        hit = spans[0][0]
        start = data.rfind(b"\n", 0, hit) + 1
        end = data.find(b"\n", hit)
        end = size if end == -1 else end
        lines.append((start, end))
        pos = end + 1
    return lines


WINDOW, OVERLAP = 4096, 1024


def line_spans(line: str) -> list[Span]:
    """Secrets inside one line (tokens by shape, values by name).

    A very long line (minified JSON, a blob) is read in overlapping windows, so the cost
    stays linear: some rules look to the end of the line from every hit. A secret up to
    ``OVERLAP`` characters long lies whole inside one window.
    """
    if "[REDACTED:" in line:
        # a marker is not text: its words ("private-key]:") must not name the next value
        line = _MARKER.sub(lambda m: "\x00" * len(m.group()), line)
    if "\x1b" in line and _ANSI.search(line):
        return _through(line, _ANSI)
    if '\\"' in line or "\\n" in line:
        # a value printed as a JSON string: read it unescaped as well, as a whole text
        return [*_line_spans(line), *_through(line, _ESCAPE, whole=True)]
    return _line_spans(line)


def _line_spans(line: str) -> list[Span]:
    if len(line) <= WINDOW:
        lower = line.lower()
        return [*find_tokens(line, lower), *find_named(line, lower)]
    spans: list[Span] = []
    for offset in range(0, len(line) - OVERLAP, WINDOW - OVERLAP):
        piece = line[offset : offset + WINDOW]
        lower = piece.lower()
        spans.extend(
            (offset + s, offset + e, kind)
            for s, e, kind in (*find_tokens(piece, lower), *find_named(piece, lower))
        )
    return spans


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


_ESCAPE = re.compile(r'\\(["\\/nrt])')
_UNESCAPE = {"n": "\n", "r": "\r", "t": "\t"}


def _through(line: str, noise: re.Pattern[str], *, whole: bool = False) -> list[Span]:
    """Spans found with ``noise`` removed (or replaced by its group), mapped to the line.

    A colour code glued to a token (ESC ``[1mghp_…``) hides where the token starts, and
    JSON escapes hide where a quoted value ends.
    """
    keep: list[int] = []  # raw index of each clean character
    chars: list[str] = []
    pos = 0
    for m in noise.finditer(line):
        keep.extend(range(pos, m.start()))
        chars.append(line[pos : m.start()])
        if m.lastindex:
            keep.append(m.start(1))
            chars.append(_UNESCAPE.get(m.group(1), m.group(1)))
        pos = m.end()
    keep.extend(range(pos, len(line)))
    chars.append(line[pos:])
    if not keep:
        return []
    clean = "".join(chars)
    if clean == line:  # nothing to read through (a lone escape character)
        return _line_spans(line)
    found = find_spans(clean) if whole else line_spans(clean)
    return [(keep[s], keep[e - 1] + 1, kind) for s, e, kind in found if e > s]


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching spans become one; the first (earliest, widest) names it."""
    merged: list[Span] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -s[1])):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            prev = merged[-1]
            if end > prev[1]:
                merged[-1] = (prev[0], end, prev[2])
            continue
        merged.append((start, end, kind))
    return merged


def _outside_markers(text: str, spans: list[Span]) -> list[Span]:
    """Drop spans that touch an existing marker, so a second pass changes nothing."""
    if "[REDACTED:" not in text:
        return spans
    markers = [m.span() for m in _MARKER.finditer(text)]
    starts = [start for start, _ in markers]
    kept: list[Span] = []
    for span in spans:
        # the last marker starting before the span's end is the only one that can overlap
        i = bisect.bisect_left(starts, span[1]) - 1
        if i < 0 or markers[i][1] <= span[0]:
            kept.append(span)
    return kept


def _apply(text: str, spans: list[Span]) -> str:
    out: list[str] = []
    pos = 0
    for start, end, kind in spans:
        if _MARKER.fullmatch(text, start, end):
            continue
        out.append(text[pos:start])
        out.append(f"[REDACTED:{kind}]")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _redact_line(line: str) -> str:
    """Redact one line until it is stable (a replacement can expose a shorter form)."""
    for _ in range(3):
        spans = _merge(_outside_markers(line, line_spans(line)))
        if not spans:
            return line
        new = _apply(line, spans)
        if new == line:
            return line
        line = new
    return line


# Env lists name a variable and give its value apart: Kubernetes ``- name: X`` /
# ``value: Y`` (next line), JSON ``{"name": "X", "value": "Y"}``, GitHub's ``{name, value}``.
_NAMED = re.compile(r"(?i)[\"']?\bname[\"']?[^\S\n]*[:=][^\S\n]*[\"']?(?P<name>[\w.-]+)[\"']?")
_VALUE = re.compile(
    r"(?i)(?:\d{4}-\d\d-\d\dT[\d:.]+Z)?[^\S\n]*[,{]?[^\S\n]*[\"']?value[\"']?[^\S\n]*[:=][^\S\n]*"
    r"(?P<value>\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|[^\s,}]+)"
)


def _named_value(text: str, start: int, end: int) -> list[Span]:
    """The value of a ``name: SECRET_NAME`` entry, on the same line or the next one."""
    line = text[start:end]
    found: list[Span] = []
    for m in _NAMED.finditer(line):
        if secret_name(m.group("name")) != STRONG:
            continue
        rest_start = start + m.end()
        value = _VALUE.match(text, rest_start, end)
        if value is None and end < len(text):
            stop = text.find("\n", end + 1)
            value = _VALUE.match(text, end + 1, len(text) if stop == -1 else stop)
        if value is None:
            continue
        v_start, v_end = value.span("value")
        if text[v_start] in "\"'" and v_end - v_start >= 2:
            v_start, v_end = v_start + 1, v_end - 1
        if acceptable(text[v_start:v_end], STRONG):
            found.append((v_start, v_end, "secret"))
    return found


# A YAML block scalar under a secret name: ``password: |`` and the indented lines after it.
_BLOCK_KEY = re.compile(
    r"(?:\d{4}-\d\d-\d\dT[\d:.]+Z[^\S\n]?)?(?P<indent>[^\S\n]*)(?:-[^\S\n]+)?[\"']?"
    r"(?P<name>[\w.-]+)[\"']?[^\S\n]*:[^\S\n]*[|>][-+0-9]*[^\S\n]*\r?$"
)
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+Z[^\S\n]?")


def _block_scalar(text: str, start: int, end: int) -> list[Span]:
    m = _BLOCK_KEY.match(text, start, end)
    if m is None or secret_name(m.group("name")) != STRONG:
        return []
    indent = len(m.group("indent"))
    stop = pos = end
    while pos < len(text):
        nxt = text.find("\n", pos + 1)
        nxt = len(text) if nxt == -1 else nxt
        line = text[pos + 1 : nxt]
        stamp = _TIMESTAMP.match(line)
        body = line[stamp.end() :] if stamp else line
        if body.strip() and len(body) - len(body.lstrip()) <= indent:
            break
        stop = pos = nxt
    return [(end + 1, stop, "secret")] if stop > end else []


RUNNER_LINES = frozenset(
    {
        "##[group]GITHUB_TOKEN Permissions",
        "token: ***",
        "Secret source: Actions",
        "persist-credentials: true",
    }
)
"""Lines every GitHub Actions job prints while it sets up and checks out: their words pass
the gate, and none holds a secret (the runner masks the token). They were 1,170 of the
1,449 gated lines in the labelled cases' logs, and most of the line detectors' time."""


def _runner_line(line: str) -> bool:
    """Whether ``line`` is one of ``RUNNER_LINES``, after its timestamp and indentation."""
    stamp = _TIMESTAMP.match(line)
    return (line[stamp.end() :] if stamp else line).strip() in RUNNER_LINES


def find_spans(text: str) -> list[Span]:
    """Every secret in ``text`` as (start, end, kind), before merging; markers excluded."""
    spans: list[Span] = list(find_blocks(text))
    for start, end in gated_lines(text):
        line = text[start:end]
        if _runner_line(line):
            continue
        spans.extend((start + s, start + e, kind) for s, e, kind in line_spans(line))
        if "name" in line or "Name" in line:
            spans.extend(_named_value(text, start, end))
        if "|" in line or ">" in line:
            spans.extend(_block_scalar(text, start, end))
    return _outside_markers(text, spans)


def redact(text: str) -> str:
    """Replace every secret in ``text`` with ``[REDACTED:<kind>]`` (idempotent)."""
    if not text:
        return text
    spans = find_spans(text)
    if not spans:
        return text
    out = _apply(text, _merge(spans))
    if "[REDACTED:" not in out:
        return out
    # A second look at the lines that changed, so redact(redact(x)) == redact(x).
    lines = out.split("\n")
    for i, line in enumerate(lines):
        if "[REDACTED:" in line and _GATE.search(_MARKER.sub(" ", line)):
            lines[i] = _redact_line(line)
    return "\n".join(lines)


def redact_lines(lines: Sequence[str]) -> list[str]:
    """Lines redacted in one call; each on its own when a multi-line secret changes the count."""
    if not lines:
        return []
    out = redact("\n".join(lines)).split("\n")
    return out if len(out) == len(lines) else [redact(line) for line in lines]


_JSON_GATE_SOURCE = GATE_SOURCE + r"|[A-Za-z0-9+/]{60}|-----"
_JSON_GATE: Any = (
    _compile_re2(_JSON_GATE_SOURCE) if _re2 is not None else re.compile(_JSON_GATE_SOURCE)
)
_JSON_GATE_AT: Any = (
    span_search(_compile_re2(_JSON_GATE_SOURCE.encode())) if _re2 is not None else None
)
_SEP = "\n"  # a string's end, as the gate's patterns see it: `[^@\n]*` stops there
_IDENTIFIER = re.compile(r"[A-Za-z_][\w.-]{0,15}")


def _key_kind(key: str) -> str:
    lower = key.lower()
    return "password" if "pass" in lower or "pwd" in lower else "secret"


def _redact_named(value: Any, kind: str, keep_types: bool) -> Any:
    """Everything under a secret-named key, whatever it looks like."""
    if isinstance(value, str):
        return f"[REDACTED:{kind}]" if acceptable(value, STRONG) else value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value if keep_types else f"[REDACTED:{kind}]"
    if isinstance(value, Mapping):
        return {k: _redact_named(v, kind, keep_types) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_named(v, kind, keep_types) for v in value]
    return value


def redact_json(value: Any, *, keep_types: bool = False) -> Any:
    """A copy of a JSON value with every string redacted, for payloads before storage.

    Keys are redacted too (a key can be a token), and the value under a key that names a
    secret (``password``, ``client_secret``, ``x-api-key`` …) is replaced whole. Strings
    are gated in one pass over all of them, so a 30 KB payload costs one RE2 scan plus
    the few strings that hit. ``keep_types`` leaves numbers under secret names as they
    are, for values that must still validate against a model.
    """
    strings: list[str] = []
    _collect(value, strings)
    if not strings:
        return value
    joined = _SEP.join(strings)
    counter = iter(range(len(strings)))
    return _rebuild(value, _json_hits(joined, strings), counter, keep_types)


def _json_hits(joined: str, strings: list[str]) -> set[int]:
    """Indexes of the strings the gate's matches over ``joined`` touch.

    A match can run across the separator into the next strings (a whitespace class
    does): every string it touches is a hit, or a secret inside the span that the next
    search skips would never be looked at. An ASCII text (the common case) is searched as
    bytes with RE2's own call, which builds no match object per hit; the re2 module's
    ``finditer`` on ``str`` runs Python code and decodes offsets for every match, and a
    webhook's URL templates match dozens of times.
    """
    hits: set[int] = set()
    data = joined.encode("ascii") if joined.isascii() else None
    if data is None or _JSON_GATE_AT is None:
        matches: Iterable[tuple[int, int]] = (m.span() for m in _JSON_GATE.finditer(joined))
    else:
        matches = _spans(_JSON_GATE_AT, data)
    offsets: list[int] | None = None
    for start, end in matches:
        if offsets is None:
            offsets = []
            pos = 0
            for s in strings:
                offsets.append(pos)
                pos += len(s) + 1
        first = bisect.bisect_right(offsets, start) - 1
        last = bisect.bisect_right(offsets, max(start, end - 1)) - 1
        hits.update(range(first, last + 1))
    return hits


def _spans(search: Any, data: bytes) -> Iterable[tuple[int, int]]:
    """Every match of ``search`` (a :func:`span_search`) in ``data``, as ``finditer`` finds them."""
    pos, size = 0, len(data)
    while pos <= size:
        found = search(data, pos, size)
        if found is None:
            return
        start, end = found[0]
        yield start, end
        # the gate never matches the empty string; were it to, step past it as finditer does
        pos = end if end > pos else pos + 1


_LEAVES = frozenset({int, float, bool, type(None)})
"""JSON's scalars other than strings: nothing to collect or redact, and checked first,
before ``isinstance(value, Mapping)`` (an ABC check, the walk's costliest for a leaf)."""
CLEAN_BOUND, CLEAN_MAX_LEN = 4096, 256
_clean: dict[str, None] = {}
"""Short strings of payloads that a :func:`redact` left as they were (emptied when full).

Every GitHub webhook carries its repository's API URL templates (``…/keys{/key_id}``,
``…/assignees{/user}``) and keys such as ``web_commit_signoff_required``, which the gate
hits; ``redact`` is pure, so each is scanned once. Only unchanged strings are kept, so no
string holding a secret is.
"""


def _redact_hit(text: str) -> str:
    """:func:`redact` of a string the gate hit, remembering the short ones it keeps as is."""
    if text in _clean:
        return text
    out = redact(text)
    if out == text and len(text) <= CLEAN_MAX_LEN:
        if len(_clean) >= CLEAN_BOUND:
            # full: start again (no iteration over a dict another thread may be filling)
            _clean.clear()
        _clean[text] = None
    return out


def _collect(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif type(value) in _LEAVES:
        return
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(k, str):
                out.append(k)
            _collect(v, out)
    elif isinstance(value, list | tuple):
        for v in value:
            _collect(v, out)


def _rebuild(value: Any, hits: set[int], counter: Any, keep_types: bool) -> Any:
    if isinstance(value, str):
        return _redact_hit(value) if next(counter) in hits else value
    if type(value) in _LEAVES:
        return value
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        # A name/value pair (Kubernetes env, GitHub Actions inputs, Helm --set lists):
        # the name says whether the value is a secret.
        named = value.get("name") if "value" in value else None
        pair_secret = isinstance(named, str) and secret_name(named) == STRONG
        for k, v in value.items():
            if pair_secret and k == "value":
                _skip(v, counter)
                out[k] = _redact_named(v, _key_kind(str(named)), keep_types)
                continue
            key = k
            if isinstance(k, str):
                hit = next(counter) in hits
                # a short identifier ("password", "api_key") names a secret, it is not one
                key = _redact_hit(k) if hit and not _IDENTIFIER.fullmatch(k) else k
            if isinstance(k, str) and secret_name(k) == STRONG:
                _skip(v, counter)
                out[key] = _redact_named(v, _key_kind(k), keep_types)
            else:
                out[key] = _rebuild(v, hits, counter, keep_types)
        return out
    if isinstance(value, list | tuple):
        return [_rebuild(v, hits, counter, keep_types) for v in value]
    return value


def _skip(value: Any, counter: Any) -> None:
    """Advance the string counter past ``value``'s strings."""
    if isinstance(value, str):
        next(counter)
    elif type(value) in _LEAVES:
        return
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(k, str):
                next(counter)
            _skip(v, counter)
    elif isinstance(value, list | tuple):
        for v in value:
            _skip(v, counter)


Model = TypeVar("Model", bound=BaseModel)


def redact_model(model: Model) -> Model:
    """A copy of a pydantic model with its strings redacted, of the same type.

    For whole values that travel on (a ``ContextBundle`` before it reaches a prompt, an
    ``Incident`` before it is stored). The model's own field names are ours, never secret
    names (``run_key``, ``secret_type`` are identifiers), so only free-form mappings and
    lists inside it (pod env lists, API objects) get :func:`redact_json`'s name rules;
    strings are redacted wherever they are. Its short strings are gated together, as
    :func:`redact_json` gates a payload's: an incident's twenty-odd fields cost one scan
    instead of a :func:`redact` each (~5 µs apiece where nothing is found).
    """
    texts: list[str] = []
    _model_texts(model, texts)
    hits = _json_hits(_SEP.join(texts), texts) if texts else set()
    return _gated_model(model, hits, iter(range(len(texts))))


_GATED_MAX = 4096
"""Longer strings (logs, check output) go to :func:`redact` alone: its own pass is the gate."""


def _model_texts(value: Any, out: list[str]) -> None:
    """The short strings :func:`_redact_field` meets in ``value``, in its order.

    The same walk, so the n-th string gated is the n-th one it counts.
    """
    if type(value) in _LEAVES or not value:
        return
    if isinstance(value, str):
        if len(value) <= _GATED_MAX:
            out.append(value)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _model_texts(getattr(value, name), out)
    elif isinstance(value, tuple) and any(isinstance(v, BaseModel) for v in value):
        for v in value:
            _model_texts(v, out)


def _gated_model(model: Model, hits: set[int], counter: Any) -> Model:
    update: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        cleaned = _redact_field(value, hits, counter)
        if cleaned is not value:
            update[name] = cleaned
    return model.model_copy(update=update) if update else model


def _redact_field(value: Any, hits: set[int], counter: Any) -> Any:
    if type(value) in _LEAVES or not value:  # nothing to redact; an empty one was not counted
        return value
    if isinstance(value, str):
        if len(value) <= _GATED_MAX:
            return _redact_hit(value) if next(counter) in hits else value
        cleaned = redact(value)
        return value if cleaned == value else cleaned
    if isinstance(value, BaseModel):
        return _gated_model(value, hits, counter)
    if isinstance(value, tuple) and any(isinstance(v, BaseModel) for v in value):
        items = tuple(_redact_field(v, hits, counter) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, dict | list | tuple):
        data: Any = redact_json(value, keep_types=True)
        if isinstance(value, tuple):
            data = tuple(data)
        return value if data == value else data
    return value
