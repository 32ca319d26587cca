"""What an operator can triage: a case file, a log file, a run URL or ``owner/repo run-id``.

Each becomes an ``Incident`` plus, where the source carries it, its context; a run URL's
context comes from the configured provider (MCP or replay) like a live event's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from healer_agent.context.replay import bundle_from_case, load_case
from healer_agent.intake.normalize import PayloadError, normalize
from healer_agent.intake.payloads import event_of_case
from healer_agent.models import ContextBundle, Incident, JobLog

_RUN_URL = re.compile(r"^https://github\.com/([\w.-]+/[\w.-]+)/actions/runs/(\d+)(?:/|$)")
_REPO_RUN = re.compile(r"^([\w.-]+/[\w.-]+)\s+(\d+)$")


class SourceError(ValueError):
    """The source cannot be triaged; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class Source:
    """An incident to triage, and its context when the source itself carries it."""

    incident: Incident
    context: ContextBundle | None
    label: str


def run_incident(repository: str, run_id: int) -> Incident:
    """An incident for a workflow run known only by its id (context is gathered live)."""
    return Incident(
        kind="ci_failure",
        event_type="workflow_run",
        source="operator",
        repository=repository,
        run_key=f"{repository}#run:{run_id}:1",
        run_id=run_id,
        conclusion="failure",
        html_url=f"https://github.com/{repository}/actions/runs/{run_id}",
    )


def parse_source(text: str) -> Source:
    """Interpret what the operator typed."""
    text = text.strip()
    if not text:
        raise SourceError(
            "nothing to triage: give a case.yaml, a log file, a run URL or owner/repo run-id"
        )
    if (match := _RUN_URL.match(text)) or (match := _REPO_RUN.match(text)):
        return Source(run_incident(match.group(1), int(match.group(2))), None, text)
    path = Path(text).expanduser()
    if not path.exists():
        raise SourceError(f"no such file: {path}")
    if path.suffix in (".yaml", ".yml", ".json"):
        try:
            case = load_case(path)
            event, payload = event_of_case(case)
            incident = normalize(event, payload)
        except (KeyError, TypeError) as exc:
            raise SourceError(f"{path.name}: not a labelled case (missing {exc})") from None
        except (PayloadError, ValueError, yaml.YAMLError) as exc:
            raise SourceError(f"{path.name}: {str(exc).splitlines()[0]}") from None
        incident = incident.model_copy(update={"source": "operator"})
        return Source(incident, bundle_from_case(case.get("context") or {}, payload), path.name)
    try:
        log = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror}") from None
    incident = Incident(
        kind="ci_failure",
        event_type="log",
        source="operator",
        repository="local/log",
        run_key=f"log:{path.resolve()}",
        workflow_name=path.stem,
        job_names=(path.stem,),
        conclusion="failure",
    )
    return Source(incident, ContextBundle(logs=(JobLog(job_name=path.stem, text=log),)), path.name)
