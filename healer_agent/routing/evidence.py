"""Raw evidence: every signal of ``rules.yaml`` found anywhere, weighed by where it was.

The places are the log, the step, the files, the names, the pull request and the context
findings.
Nothing here decides; precedence and ranking come after (``precedence.py``). Each piece
of evidence names its place (``signal``), its source and its causal role. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from healer_agent.logs import Excerpt
from healer_agent.logs.clean import inner_line
from healer_agent.logs.patternset import compiled_bytes, span_search
from healer_agent.logs.prebuilt import built
from healer_agent.models import (
    Agent,
    Candidate,
    ContextBundle,
    Evidence,
    EvidenceRole,
    EvidenceSource,
    FailureType,
    Incident,
    SignalKind,
)
from healer_agent.routing.facts import Fact
from healer_agent.routing.rules import SOURCE_OF, Place, Rules, Signal, SignalMatcher

_FILE_REFS = compiled_bytes(
    re.compile(
        r"(?:-->\s*|^|\s|\(|['\"`]|=)(?:\.{1,2}/)*((?:[\w.@-]+/)*[\w.@-]+\.(?:rs|toml|tsx?|jsx?|mjs|"
        r"cjs|vue|svelte|ya?ml|json|tf|py|go|lock|tpl|hcl)|(?:[\w.@-]+/)*Dockerfile(?:\.\w+)?|"
        r"(?:[\w.@-]+/)*Containerfile|(?:[\w.@-]+/)*Makefile|"
        # a tool that reads every workflow names their folder, not a file
        r"\.github/(?:workflows|actions))\b",
        re.MULTILINE,
    )
)
_FILE_REFS_AT = span_search(_FILE_REFS)
_POSITION = (2.0, 1.0, 1.0, 1.0, 1.0, 1.0)  # the first real error counts double
_LATER = 0.5
MAX_ERROR_LINES = 20


@dataclass(slots=True)
class Found:
    """A match on its way to becoming :class:`Evidence`.

    Precedence changes weights and most matches never reach a decision's summary, so the
    model is built once, at the end (:func:`candidate`).
    """

    signal: SignalKind
    agent: Agent
    failure_type: FailureType | None
    weight: float
    rule: str
    detail: str
    source: EvidenceSource
    role: EvidenceRole | None


def _heavier(ev: Found) -> float:
    return -ev.weight


def candidate(
    agent: Agent, failure_type: FailureType, score: float, found: list[Found]
) -> Candidate:
    """An agent's candidate as the decision reports it, its evidence heaviest first."""
    evidence = tuple(
        [
            built(
                Evidence,
                {
                    "signal": e.signal,
                    "agent": e.agent,
                    "failure_type": e.failure_type,
                    "weight": round(e.weight, 3),
                    "rule": e.rule,
                    "detail": e.detail,
                    "source": e.source,
                    "role": e.role,
                },
            )
            for e in sorted(found, key=_heavier)
        ]
    )
    return built(
        Candidate,
        {
            "agent": agent,
            "failure_type": failure_type,
            "score": round(score, 3),
            "evidence": evidence,
        },
    )


def evidence_of(
    signal: Signal,
    place: Place,
    weight: float,
    detail: str,
    source: EvidenceSource | None = None,
    kind: SignalKind | None = None,
) -> Found:
    """One match (weight already includes the place's and signal's)."""
    # every place but "name" is a signal kind; names say which name (workflow_name, job_name)
    return Found(
        cast(SignalKind, kind or place),
        signal.agent,
        signal.failure_type,
        weight,
        signal.id,
        detail[:300],
        source or SOURCE_OF[place],
        signal.role_at(place),
    )


def file_refs(texts: Iterable[str]) -> list[str]:
    """Paths named in ``texts``, in order of first mention."""
    paths: dict[str, None] = {}
    search = _FILE_REFS_AT
    # one search over the texts joined by newlines: a path holds no whitespace and ends in
    # a word character, and a text's start is a line's (``^``), so each text reads as alone;
    # on UTF-8 bytes, RE2 skips mapping every offset back to characters
    data = "\n".join(texts).encode("utf-8", "surrogatepass")
    pos, size = 0, len(data)
    while pos <= size:
        spans = search(data, pos, size)
        if spans is None:
            break
        start, end = spans[1]
        path = data[start:end].decode("utf-8", "replace")
        if not path.startswith(("http", "www.")):
            paths.setdefault(path)
        # as finditer: on from the match's end (past it when the match was empty)
        pos = spans[0][1] + (spans[0][0] == spans[0][1])
    return list(paths)


def _header_file(text: str, line: str) -> list[str]:
    """The file a grouped report (yamllint, ESLint's stylish) names above ``line``.

    Such tools print a file's path on a line of its own and its diagnostics indented under
    it, so the error line itself names no file: the nearest unindented line above it does.
    """
    at = text.find(line)
    if at == -1 or not line[:1].isspace():
        return []
    for above in reversed(text[:at].split("\n")[:-1]):
        if not above.strip():
            return []
        if not above[:1].isspace():
            return file_refs([above.strip()]) if " " not in above.strip() else []
    return []


def excerpt_files(found: Excerpt | None) -> list[str]:
    """Paths the excerpt names: its error lines first, then its windows."""
    return file_refs((*found.error_lines, found.text)) if found is not None else []


def _owners(rules: Rules, paths: list[str]) -> list[tuple[str, Signal]]:
    matcher = rules.matcher("error_file")
    return [(path, signal) for path in paths for signal in matcher.find(path)]


def _error_lines(rules: Rules, found: Excerpt, paths: list[str]) -> list[Found]:
    out: list[Found] = []
    best: dict[str, tuple[float, str]] = {}
    order: list[Signal] = []
    matcher = rules.matcher("error_line")
    rank = 0
    for line in found.error_lines[:MAX_ERROR_LINES]:
        signals = matcher.find(line)
        inner = inner_line(line)
        if inner is not line:  # a line a wrapper relayed: its own tool's patterns apply
            signals += [s for s in matcher.find(inner) if s not in signals]
        if not signals:
            continue
        # the first line that says something counts double
        factor = _POSITION[rank] if rank < len(_POSITION) else _LATER
        rank += 1
        for signal in signals:
            seen = best.get(signal.id)
            if seen is None:
                order.append(signal)
            if seen is None or factor > seen[0]:
                best[signal.id] = (factor, line)
    owners: list[tuple[str, Signal]] | None = None
    base = rules.weight("error_line")
    for signal in order:
        factor, line = best[signal.id]
        ev = evidence_of(signal, "error_line", base * signal.weight * factor, line)
        if signal.owner_from_file:
            if owners is None:
                owners = _owners(rules, paths)
            named = file_refs([line]) or _header_file(found.text, line)
            owner = next((s for p, s in owners if p in named), None)
            if owner is None and not named:
                # a line that names no file: the first file the excerpt names with an owner
                owner = next((s for _, s in owners), None)
            if owner is not None:
                ev.agent, ev.failure_type = owner.agent, owner.failure_type
                ev.rule = f"{signal.id}>{owner.id}"
        out.append(ev)
    return out


def _log_places(
    rules: Rules, found: Excerpt, paths: list[str], step_names: dict[str, list[Signal]]
) -> list[Found]:
    """Evidence from the excerpt; ``step_names`` gets the step name's matches."""
    out = _error_lines(rules, found, paths)
    step: tuple[tuple[Place, str], ...] = (
        ("step_command", found.command or ""),
        ("step_name", found.failing_step or ""),
    )
    for place, text in step:
        if text:
            signals = rules.matcher(place).find(text)
            if place == "step_name":
                step_names[text] = signals
            out += [evidence_of(s, place, rules.weight(place) * s.weight, text) for s in signals]
    if paths:
        weight = rules.weight("error_file")
        for path, signal in _owners(rules, paths[:10]):
            out.append(evidence_of(signal, "error_file", weight * signal.weight, path))
    return out


def _hand_edited(rules: Rules, files: Sequence[str]) -> Sequence[str]:
    """The change's files but those a generator wrote, unless nothing else changed.

    Regenerated output follows the change to its source: TypeScript bindings written from
    a Rust struct are the Rust change's, not a front-end edit.
    """
    generated = rules.generated_files
    if generated is None or not files:
        return files
    kept = [f for f in files if generated.search(f) is None]
    return kept or files


def _matches(
    matcher: SignalMatcher,
    texts: Iterable[str],
    key: Callable[[str], str] | None = None,
    known: dict[str, list[Signal]] | None = None,
) -> list[tuple[Signal, list[str]]]:
    """Each signal that matched, with the texts it matched in, in order of first match.

    ``known``: the matches of texts this matcher already read (the excerpt's step name is
    most often the incident's failed step's too).
    """
    found: dict[str, tuple[Signal, list[str]]] = {}
    for text in texts:
        signals = known.get(text) if known else None
        if signals is None:
            signals = matcher.find(key(text) if key else text)
        for signal in signals:
            hit = found.get(signal.id)
            if hit is None:
                found[signal.id] = (signal, [text])
            else:
                hit[1].append(text)
    return list(found.values())


def _spaced(name: str) -> str:
    return name.replace("-", " ").replace("_", " ")


def gather(
    rules: Rules,
    incident: Incident,
    context: ContextBundle,
    found: Excerpt | None,
    facts: list[Fact],
    paths: list[str] | None = None,
) -> list[Found]:
    """Every signal found anywhere, one piece of evidence per signal and place.

    ``paths`` are the files the excerpt names (:func:`excerpt_files`; found when omitted).
    """
    if paths is None:
        paths = excerpt_files(found)
    known: dict[str, list[Signal]] = {}  # the step name's matches, by text
    out = _log_places(rules, found, paths, known) if found is not None else []
    have = {(e.rule, e.signal) for e in out}
    step_names = [s.name for s in incident.failed_steps if s.name]
    # a step name like "Run cargo clippy" is also a command when the log is missing
    places: tuple[Place, ...] = (
        ("step_name",) if found is not None else ("step_name", "step_command")
    )
    for place in places:
        matcher = rules.matcher(place)
        for signal, names in _matches(
            matcher, step_names, None, known if place == "step_name" else None
        ):
            if (signal.id, "step_name") not in have and (signal.id, place) not in have:
                have.add((signal.id, "step_name"))
                out.append(
                    evidence_of(
                        signal, "step_name", rules.weight("step_name") * signal.weight, names[0]
                    )
                )
    files = _hand_edited(rules, context.changed_paths())
    if files:
        weight = rules.weight("changed_file") / len(files)  # times the share that match
        for signal, hits in _matches(rules.matcher("changed_file"), files):
            out.append(
                evidence_of(
                    signal, "changed_file", weight * signal.weight * len(hits), ", ".join(hits[:5])
                )
            )
    name_matcher = rules.matcher("name")
    named: tuple[tuple[SignalKind, list[str]], ...] = (
        ("workflow_name", [incident.workflow_name]),
        ("job_name", list(incident.job_names)),
    )
    for kind, names in named:
        for signal, hits in _matches(name_matcher, [n for n in names if n], _spaced):
            out.append(
                evidence_of(
                    signal, "name", rules.weight("name") * signal.weight, hits[0], kind=kind
                )
            )
    by_place: dict[Place, list[Fact]] = {}
    for fact in facts:
        by_place.setdefault(fact.place, []).append(fact)
    for place, group in by_place.items():
        sources = {f.text: f.source for f in group}
        for signal, hits in _matches(rules.matcher(place), [f.text for f in group]):
            more = f" (+{len(hits) - 1} more)" if len(hits) > 1 else ""
            out.append(
                evidence_of(
                    signal,
                    place,
                    rules.weight(place) * signal.weight,
                    hits[0] + more,
                    sources[hits[0]],
                )
            )
    return out
