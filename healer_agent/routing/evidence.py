"""Raw evidence: every signal of ``rules.yaml`` found anywhere, weighed by where it was.

The places are the log, the step, the files, the names, the pull request and the context
findings.
Nothing here decides; precedence and ranking come after (``precedence.py``). Each piece
of evidence names its place (``signal``), its source and its causal role. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from healer_agent.logs import Excerpt
from healer_agent.logs.clean import inner_line
from healer_agent.logs.patternset import compiled_bytes
from healer_agent.models import ContextBundle, Evidence, Incident, SignalKind
from healer_agent.routing.facts import Fact
from healer_agent.routing.rules import SOURCE_OF, Place, Rules, Signal

_FILE_REFS = compiled_bytes(re.compile(
    r"(?:-->\s*|^|\s|\(|['\"`]|=)(?:\.{1,2}/)*((?:[\w.@-]+/)*[\w.@-]+\.(?:rs|toml|tsx?|jsx?|mjs|"
    r"cjs|vue|svelte|ya?ml|json|tf|py|go|lock|tpl|hcl)|(?:[\w.@-]+/)*Dockerfile(?:\.\w+)?|"
    r"(?:[\w.@-]+/)*Containerfile|(?:[\w.@-]+/)*Makefile)\b", re.MULTILINE))
_POSITION = (2.0, 1.0, 1.0, 1.0, 1.0, 1.0)  # the first real error counts double
_LATER = 0.5
MAX_ERROR_LINES = 20


def evidence_of(signal: Signal, place: Place, weight: float, detail: str,
                source: str | None = None, kind: SignalKind | None = None) -> Evidence:
    """One match as evidence (weight already includes the place's and signal's)."""
    return Evidence(signal=kind or place, agent=signal.agent, failure_type=signal.failure_type,
                    weight=round(weight, 3), rule=signal.id, detail=detail[:300],
                    source=source or SOURCE_OF[place],
                    role=signal.role_at(place))


def file_refs(texts: Iterable[str]) -> list[str]:
    """Paths named in ``texts``, in order of first mention."""
    paths: dict[str, None] = {}
    for text in texts:
        # on UTF-8 bytes: RE2 then skips mapping every offset back to characters
        for match in _FILE_REFS.finditer(text.encode("utf-8", "surrogatepass")):
            path = match.group(1).decode("utf-8", "replace")
            if not path.startswith(("http", "www.")):
                paths.setdefault(path)
    return list(paths)


def excerpt_files(found: Excerpt | None) -> list[str]:
    """Paths the excerpt names: its error lines first, then its windows."""
    return file_refs((*found.error_lines, found.text)) if found is not None else []


def _owners(rules: Rules, paths: list[str]) -> list[tuple[str, Signal]]:
    matcher = rules.matcher("error_file")
    return [(path, signal) for path in paths for signal in matcher.find(path)]


def _error_lines(rules: Rules, found: Excerpt, paths: list[str]) -> list[Evidence]:
    out: list[Evidence] = []
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
            named = file_refs([line])
            owner = next((s for p, s in owners if p in named), None) or next(
                (s for _, s in owners), None)
            if owner is not None:
                ev = ev.model_copy(update={"agent": owner.agent,
                                           "failure_type": owner.failure_type,
                                           "rule": f"{signal.id}>{owner.id}"})
        out.append(ev)
    return out


def _log_places(rules: Rules, found: Excerpt, paths: list[str]) -> list[Evidence]:
    out = _error_lines(rules, found, paths)
    for place, text in (("step_command", found.command or ""),
                        ("step_name", found.failing_step or "")):
        if text:
            out += [evidence_of(s, place, rules.weight(place) * s.weight, text)  # type: ignore[arg-type]
                    for s in rules.matcher(place).find(text)]  # type: ignore[arg-type]
    if paths:
        weight = rules.weight("error_file")
        for path, signal in _owners(rules, paths[:10]):
            out.append(evidence_of(signal, "error_file", weight * signal.weight, path))
    return out


def _first_per_signal(pairs: Iterable[tuple[Signal, str]]) -> list[tuple[Signal, str, int]]:
    seen: dict[str, int] = {}
    found: list[tuple[Signal, str, int]] = []
    for signal, text in pairs:
        if signal.id in seen:
            at = seen[signal.id]
            found[at] = (signal, found[at][1], found[at][2] + 1)
            continue
        seen[signal.id] = len(found)
        found.append((signal, text, 1))
    return found


def gather(rules: Rules, incident: Incident, context: ContextBundle, found: Excerpt | None,
           facts: list[Fact], paths: list[str] | None = None) -> list[Evidence]:
    """Every signal found anywhere, one piece of evidence per signal and place.

    ``paths`` are the files the excerpt names (:func:`excerpt_files`; found when omitted).
    """
    if paths is None:
        paths = excerpt_files(found)
    out = _log_places(rules, found, paths) if found is not None else []
    have = {(e.rule, e.signal) for e in out}
    step_names = [s.name for s in incident.failed_steps if s.name]
    # a step name like "Run cargo clippy" is also a command when the log is missing
    places: tuple[Place, ...] = ("step_name",) if found is not None else (
        "step_name", "step_command")
    for place in places:
        for signal, name, _ in _first_per_signal(
                (s, n) for n in step_names for s in rules.matcher(place).find(n)):
            if (signal.id, "step_name") not in have and (signal.id, place) not in have:
                have.add((signal.id, "step_name"))
                out.append(evidence_of(signal, "step_name",
                                       rules.weight("step_name") * signal.weight, name))
    files = context.changed_files or tuple(f.filename for f in context.file_changes)
    if files:
        for signal, _, count in _first_per_signal(
                (s, f) for f in files for s in rules.matcher("changed_file").find(f)):
            hits = [f for f in files if signal.pattern.search(f)]
            share = count / len(files)
            out.append(evidence_of(signal, "changed_file",
                                   rules.weight("changed_file") * signal.weight * share,
                                   ", ".join(hits[:5])))
    name_matcher = rules.matcher("name")
    for kind, names in (("workflow_name", [incident.workflow_name]),
                        ("job_name", list(incident.job_names))):
        for signal, name, _ in _first_per_signal(
                (s, n) for n in names if n
                for s in name_matcher.find(n.replace("-", " ").replace("_", " "))):
            out.append(evidence_of(signal, "name", rules.weight("name") * signal.weight, name,
                                   kind=kind))  # type: ignore[arg-type]
    by_place: dict[Place, list[Fact]] = {}
    for fact in facts:
        by_place.setdefault(fact.place, []).append(fact)
    for place, group in by_place.items():
        matcher = rules.matcher(place)
        for signal, text, count in _first_per_signal(
                (s, f"{f.source}\x00{f.text}") for f in group for s in matcher.find(f.text)):
            source, _, detail = text.partition("\x00")
            more = f" (+{count - 1} more)" if count > 1 else ""
            out.append(evidence_of(signal, place, rules.weight(place) * signal.weight,
                                   detail + more, source))
    return out
