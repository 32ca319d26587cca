"""Loading the pre-router's rules (data, not code): the shipped ``rules.yaml`` or a user's.

A signal names the places it is looked for (each place belongs to one source: the log,
the step, the files, the names, the pull request, or a context source such as Kubernetes),
its causal role, and the signals it yields to. The precedence between roles lives in the
same file, so what outranks what can be read and changed without touching code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, get_args

import yaml

from healer_agent.logs.patternset import Matcher
from healer_agent.models import (
    Agent,
    EvidenceRole,
    EvidenceSource,
    FailureType,
    failure_types_for,
)

Place = Literal[
    "error_line",
    "error_file",
    "step_command",
    "step_name",
    "changed_file",
    "name",
    "pull_request",
    "kubernetes",
    "loki",
    "argocd",
    "prometheus",
]
Where = Place  # the former name
PLACES: tuple[Place, ...] = get_args(Place)
CONTEXT_PLACES: frozenset[Place] = frozenset({"kubernetes", "loki", "argocd", "prometheus"})
SOURCE_OF: dict[Place, EvidenceSource] = {
    "error_line": "log",
    "error_file": "log",
    "step_command": "step",
    "step_name": "step",
    "changed_file": "files",
    "name": "names",
    "pull_request": "pull_request",
    "kubernetes": "kubernetes",
    "loki": "loki",
    "argocd": "argocd",
    "prometheus": "prometheus",
}
_ROLES: tuple[EvidenceRole, ...] = get_args(EvidenceRole)
_DEFAULT_ROLE: dict[Place, EvidenceRole] = {
    place: ("cause" if place == "error_line" or place in CONTEXT_PLACES else "hint")
    for place in PLACES
}
RULES_FILE = Path(__file__).with_name("rules.yaml")


class RulesError(ValueError):
    """The rules file is invalid; the message names the signal and the problem."""


@dataclass(frozen=True, slots=True)
class Signal:
    """One pattern and what it is evidence of.

    ``role`` is the signal's causal role wherever it is found (None: the place's default,
    a cause in error lines and context, a hint elsewhere). ``owner: file`` hands the
    evidence to whoever owns the file the error names (a YAML error in a workflow file is
    atlas's). ``yields_to`` lists signal ids whose presence discounts this one;
    ``requires`` lists signal ids of which one must be present for this one to count (a
    test binary killed for memory is the code's fault only when memory grew).
    """

    id: str
    agent: Agent
    failure_type: FailureType
    places: tuple[Place, ...]
    pattern: re.Pattern[str]
    weight: float
    role: EvidenceRole | None = None
    yields_to: tuple[str, ...] = ()
    owner_from_file: bool = False
    requires: tuple[str, ...] = ()

    @property
    def where(self) -> Place:
        """The first place (signals usually have one)."""
        return self.places[0]

    def role_at(self, place: Place) -> EvidenceRole:
        """The causal role of a match in ``place``."""
        return self.role or _DEFAULT_ROLE[place]


@dataclass(frozen=True, slots=True)
class Yield:
    """What a role yields to: causes found in these places, and the weight it keeps."""

    places: frozenset[str]
    factor: float
    across_agents: bool = False
    """Yield only to a cause that points to another agent."""
    roles: frozenset[str] = frozenset({"cause"})
    """The roles of what it yields to (a wrapper yields to a symptom inside it too)."""


@dataclass(frozen=True, slots=True)
class Rules:
    """All signals, the weights per place, the precedence and the ``obvious`` thresholds."""

    signals: tuple[Signal, ...]
    weights: dict[str, float]
    min_score: float
    max_runner_up_ratio: float
    yields: dict[EvidenceRole, Yield] = field(default_factory=dict)
    min_cause_weight: float = 2.0
    """A cause lighter than this (after precedence) neither discounts others nor decides."""
    explicit_yield_factor: float = 0.2
    type_factors: dict[str, float] = field(default_factory=dict)
    """A place's or role's say in the failure type, relative to its weight."""
    file_owners: frozenset[Agent] = frozenset()
    """Owners whose errors are expected to follow a change to their own files."""
    change_owners: frozenset[Agent] = frozenset()
    """Owners a code error goes to when the change touched only their files."""
    change_owner_unless: frozenset[str] = frozenset()
    """Signals that keep the error with its owner (an error relayed from an image build)."""
    inert_files: re.Pattern[str] | None = None
    """Paths of documentation: a change of only these changed nothing a test runs."""
    generated_files: re.Pattern[str] | None = None
    """Paths a generator writes: a change to them is its source's, not a hand edit."""
    _matchers: dict[Place, SignalMatcher] = field(default_factory=dict, repr=False)
    _yields_to: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _requires: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @property
    def yields_to(self) -> dict[str, tuple[str, ...]]:
        """Signal id -> the ids it yields to (only signals that yield)."""
        found = self._yields_to
        if not found and any(s.yields_to for s in self.signals):
            found.update({s.id: s.yields_to for s in self.signals if s.yields_to})
        return found

    @property
    def requires(self) -> dict[str, tuple[str, ...]]:
        """Signal id -> the ids one of which must be present (only signals that require)."""
        found = self._requires
        if not found and any(s.requires for s in self.signals):
            found.update({s.id: s.requires for s in self.signals if s.requires})
        return found

    def at(self, where: Place) -> tuple[Signal, ...]:
        """The signals looked for in one place."""
        return tuple(s for s in self.signals if where in s.places)

    def matcher(self, place: Place) -> SignalMatcher:
        """The compiled matcher of every signal of ``place`` (built on first use)."""
        found = self._matchers.get(place)
        if found is None:
            found = split_matcher(self.at(place))
            self._matchers[place] = found
        return found

    def weight(self, place: Place) -> float:
        """The weight of a match in ``place`` before the signal's own factor."""
        return self.weights.get(place, 1.0)


class SignalMatcher(Protocol):
    """What routing asks of a place's matcher: the signals that match a text, in order."""

    def find(self, text: str) -> list[Signal]:
        """The signals whose pattern matches ``text``, in the rules' order."""
        ...


SET_SIZE = 40
"""The most signals one RE2 set holds.

RE2 matches a set with one DFA whose state cache has a memory budget (8 MiB by default).
Every pattern of a place in one set (113 of ``error_line``) made the DFA's states outgrow
it on error lines: the cache was flushed and rebuilt again and again, ~230 us a line, about
5% of a server's CPU in the end-to-end benchmark. Sets of up to 75 stayed within it
(~3 us a line, the same matches); 40 leaves room for the rules to grow.
"""


@dataclass(frozen=True, slots=True)
class _Split:
    """Consecutive slices of a place's signals, each its own set; in order, as one."""

    parts: tuple[Matcher[Signal], ...]

    def find(self, text: str) -> list[Signal]:
        found: list[Signal] = []
        for part in self.parts:
            found += part.find(text)
        return found


def split_matcher(signals: tuple[Signal, ...], size: int = SET_SIZE) -> SignalMatcher:
    """One matcher over ``signals``: a single set, or sets of at most ``size`` signals.

    The slices are of even length and keep the signals' order, so the matches come back in
    the order one set would give them.
    """
    count = -(-len(signals) // size) or 1
    step = -(-len(signals) // count)
    parts = [
        Matcher([(s.pattern, s) for s in signals[start : start + step]])
        for start in range(0, max(len(signals), 1), step or 1)
    ]
    return parts[0] if len(parts) == 1 else _Split(tuple(parts))


def _places(ident: str, raw: Any, source: str) -> tuple[Place, ...]:
    items = raw if isinstance(raw, list) else [raw]
    for item in items:
        if item not in PLACES:
            raise RulesError(f"{source}: signal {ident}: unknown place {item!r}")
    return tuple(items)


def _signal(n: int, item: Any, source: str) -> Signal:
    ident = str(item.get("id", f"#{n}")) if isinstance(item, dict) else f"#{n}"
    try:
        agent = Agent(item["agent"])
        failure_type = FailureType(item["type"])
        if failure_type not in failure_types_for(agent):
            raise RulesError(
                f"{source}: signal {ident}: {failure_type} is not a failure type of {agent}"
            )
        role = item.get("role")
        if role is not None and role not in _ROLES:
            raise RulesError(f"{source}: signal {ident}: unknown role {role!r}")
        owner = item.get("owner")
        if owner not in (None, "file"):
            raise RulesError(f"{source}: signal {ident}: owner must be 'file'")
        flags = 0 if item.get("case") else re.IGNORECASE
        return Signal(
            ident,
            agent,
            failure_type,
            _places(ident, item["where"], source),
            re.compile(_pattern(item["pattern"]), flags),
            float(item["weight"]),
            role,
            tuple(str(y) for y in item.get("yields_to") or ()),
            owner == "file",
            tuple(str(r) for r in item.get("requires") or ()),
        )
    except (KeyError, TypeError) as exc:
        raise RulesError(f"{source}: signal {ident}: missing or wrong field {exc}") from None
    except re.error as exc:
        raise RulesError(f"{source}: signal {ident}: bad pattern: {exc}") from None
    except ValueError as exc:
        if isinstance(exc, RulesError):
            raise
        raise RulesError(f"{source}: signal {ident}: {exc}") from None


def _pattern(raw: Any) -> str:
    """A pattern, or a list of them joined as alternatives (shared by a YAML anchor)."""
    if isinstance(raw, list) and raw and all(isinstance(p, str) for p in raw):
        return "|".join(raw)
    if isinstance(raw, str):
        return raw
    raise TypeError("'pattern' (a string or a list of strings)")


def _yields(raw: Any, source: str) -> dict[EvidenceRole, Yield]:
    out: dict[EvidenceRole, Yield] = {}
    for role, spec in (raw or {}).items():
        if role not in _ROLES or not isinstance(spec, dict):
            raise RulesError(f"{source}: precedence: unknown role {role!r}")
        places = frozenset(str(p) for p in spec.get("yields_to_causes_in") or ())
        if not places <= set(PLACES):
            raise RulesError(f"{source}: precedence.{role}: unknown place in {sorted(places)}")
        roles = frozenset(str(r) for r in spec.get("of_roles") or ("cause",))
        if not roles <= set(_ROLES):
            raise RulesError(f"{source}: precedence.{role}: unknown role in {sorted(roles)}")
        out[role] = Yield(
            places, float(spec.get("factor", 0.2)), bool(spec.get("across_agents", False)), roles
        )
    return out


def parse_rules(raw: Any, source: str = "rules") -> Rules:
    """Validate a parsed rules document."""
    if not isinstance(raw, dict) or not isinstance(raw.get("signals"), list):
        raise RulesError(f"{source}: expected a mapping with a 'signals' list")
    signals = tuple(_signal(n, item, source) for n, item in enumerate(raw["signals"]))
    ids = {s.id for s in signals}
    for s in signals:
        unknown = (set(s.yields_to) | set(s.requires)) - ids
        if unknown:
            raise RulesError(f"{source}: signal {s.id}: yields to unknown {sorted(unknown)}")
    obvious = raw.get("obvious") or {}
    precedence = raw.get("precedence") or {}
    return Rules(
        signals,
        {str(k): float(v) for k, v in (raw.get("weights") or {}).items()},
        float(obvious.get("min_score", 5.0)),
        float(obvious.get("max_runner_up_ratio", 0.4)),
        _yields(precedence.get("roles"), source),
        float(precedence.get("min_cause_weight", 2.0)),
        float(precedence.get("explicit_yield_factor", 0.2)),
        {str(k): float(v) for k, v in (raw.get("type_factors") or {}).items()},
        *_change_owner(precedence.get("change_owner"), ids, source),
        # ``docs_files``: the key's name before stylesheets joined documentation
        _regex(
            precedence.get("inert_files", precedence.get("docs_files")),
            "precedence.inert_files",
            source,
        ),
        _regex(precedence.get("generated_files"), "precedence.generated_files", source),
    )


def _regex(spec: Any, where: str, source: str) -> re.Pattern[str] | None:
    if spec is None:
        return None
    try:
        return re.compile(str(spec))
    except re.error as exc:
        raise RulesError(f"{source}: {where}: {exc}") from None


def _agents(spec: dict[str, Any], key: str, source: str) -> frozenset[Agent]:
    try:
        return frozenset(Agent(a) for a in spec.get(key) or ())
    except ValueError as exc:
        raise RulesError(f"{source}: precedence.change_owner.{key}: {exc}") from None


def _change_owner(
    spec: Any, ids: set[str], source: str
) -> tuple[frozenset[Agent], frozenset[Agent], frozenset[str]]:
    if spec is None:
        return frozenset(), frozenset(), frozenset()
    if not isinstance(spec, dict):
        raise RulesError(f"{source}: precedence.change_owner: expected a mapping")
    unless = frozenset(str(s) for s in spec.get("unless") or ())
    if unless - ids:
        raise RulesError(
            f"{source}: precedence.change_owner.unless: unknown {sorted(unless - ids)}"
        )
    return _agents(spec, "from", source), _agents(spec, "to", source), unless


def load_rules(path: Path | None = None) -> Rules:
    """The rules at ``path``, or the shipped ones."""
    target = path or RULES_FILE
    try:
        raw = yaml.safe_load(target.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"cannot read rules file {target}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"{target}: invalid YAML: {exc}") from None
    return parse_rules(raw, str(target))
