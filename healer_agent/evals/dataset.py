"""Loading a dataset in the shared case format (``shared/evals/CASE_FORMAT.md``).

Each case's event is normalised by the same code as live intake and its ``context`` is
served by the replay provider, so the router sees exactly what production would.
Nothing under ``expected`` reaches the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from healer_agent.context.replay import bundle_from_case, load_case
from healer_agent.intake.normalize import PayloadError, normalize
from healer_agent.intake.payloads import event_of_case
from healer_agent.models import Agent, ContextBundle, FailureType, Incident


class DatasetError(ValueError):
    """A case file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class LabelledCase:
    """One case: what the pipeline sees, and the label it is scored against."""

    id: str
    description: str
    tags: tuple[str, ...]
    incident: Incident
    context: ContextBundle
    expected_agent: Agent
    expected_type: FailureType | None
    path: Path


def _tags(raw: object) -> tuple[str, ...]:
    """A list of tags, or one tag (or a comma-separated string of them)."""
    if isinstance(raw, str):
        return tuple(t.strip() for t in raw.split(",") if t.strip())
    return tuple(str(t) for t in raw) if isinstance(raw, list | tuple) else ()


def parse_case(path: Path) -> LabelledCase:
    """One case file, validated."""
    try:
        raw = load_case(path)
        event, payload = event_of_case(raw)
        incident = normalize(event, payload)
        expected = raw["expected"]
        agent = Agent(expected["agent"])
        failure_type = (
            FailureType(expected["failure_type"]) if expected.get("failure_type") else None
        )
    except (KeyError, TypeError) as exc:
        raise DatasetError(f"{path.name}: missing field {exc}") from None
    except (PayloadError, ValueError, yaml.YAMLError) as exc:
        raise DatasetError(f"{path.name}: {exc}") from None
    context_raw = raw.get("context")
    context = bundle_from_case(context_raw if isinstance(context_raw, dict) else {}, payload)
    return LabelledCase(
        id=str(raw.get("id") or path.stem),
        description=str(raw.get("description", "")),
        tags=_tags(raw.get("tags")),
        incident=incident,
        context=context,
        expected_agent=agent,
        expected_type=failure_type,
        path=path,
    )


def load_dataset(directory: Path) -> list[LabelledCase]:
    """Every ``*.yaml``/``*.yml``/``*.json`` case under ``directory``, sorted by id."""
    if not directory.is_dir():
        raise DatasetError(f"dataset directory {directory} does not exist")
    paths = sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    if not paths:
        raise DatasetError(f"no case files in {directory}")
    cases = [parse_case(p) for p in paths]
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise DatasetError(f"{case.path.name}: duplicate case id {case.id}")
        seen.add(case.id)
    return sorted(cases, key=lambda c: c.id)
