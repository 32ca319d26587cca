"""Loading the pre-router's rules (data, not code): the shipped ``rules.yaml`` or a user's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from healer_agent.models import Agent, FailureType, failure_types_for

Where = Literal["error_line", "step_command", "step_name", "changed_file", "name"]
RULES_FILE = Path(__file__).with_name("rules.yaml")


class RulesError(ValueError):
    """The rules file is invalid; the message names the signal and the problem."""


@dataclass(frozen=True, slots=True)
class Signal:
    """One pattern and what it is evidence of."""

    id: str
    agent: Agent
    failure_type: FailureType
    where: Where
    pattern: re.Pattern[str]
    weight: float


@dataclass(frozen=True, slots=True)
class Rules:
    """All signals plus the weights per place and the ``obvious`` thresholds."""

    signals: tuple[Signal, ...]
    weights: dict[str, float]
    min_score: float
    max_runner_up_ratio: float

    def at(self, where: Where) -> tuple[Signal, ...]:
        """The signals looked for in one place."""
        return tuple(s for s in self.signals if s.where == where)


def parse_rules(raw: Any, source: str = "rules") -> Rules:
    """Validate a parsed rules document."""
    if not isinstance(raw, dict) or not isinstance(raw.get("signals"), list):
        raise RulesError(f"{source}: expected a mapping with a 'signals' list")
    signals: list[Signal] = []
    for n, item in enumerate(raw["signals"]):
        ident = item.get("id", f"#{n}") if isinstance(item, dict) else f"#{n}"
        try:
            agent = Agent(item["agent"])
            failure_type = FailureType(item["type"])
            if failure_type not in failure_types_for(agent):
                raise RulesError(f"{source}: signal {ident}: {failure_type} is not a failure "
                                 f"type of {agent}")
            flags = 0 if item.get("case") else re.IGNORECASE
            where = item["where"]
            if where not in ("error_line", "step_command", "step_name", "changed_file", "name"):
                raise RulesError(f"{source}: signal {ident}: unknown place {where!r}")
            signals.append(Signal(str(ident), agent, failure_type, where,
                                  re.compile(item["pattern"], flags), float(item["weight"])))
        except (KeyError, TypeError) as exc:
            raise RulesError(f"{source}: signal {ident}: missing or wrong field {exc}") from None
        except re.error as exc:
            raise RulesError(f"{source}: signal {ident}: bad pattern: {exc}") from None
        except ValueError as exc:
            if isinstance(exc, RulesError):
                raise
            raise RulesError(f"{source}: signal {ident}: {exc}") from None
    obvious = raw.get("obvious") or {}
    return Rules(tuple(signals), {str(k): float(v) for k, v in (raw.get("weights") or {}).items()},
                 float(obvious.get("min_score", 5.0)),
                 float(obvious.get("max_runner_up_ratio", 0.4)))


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
