"""Replayed context: a labelled case's ``context`` served as if the sources returned it.

Used by the evals harness, the REPL's offline mode and ``HEALER_CONTEXT__MODE=replay`` (the
embedded default), so the pipeline runs unchanged without live systems. A directory of
cases is indexed by the run key their payload normalises to.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from healer_agent.models import (
    ArgoApp,
    ContextBundle,
    FailedStep,
    Incident,
    JobLog,
    PullRequestInfo,
    SourceStatus,
)


def _steps_for(job_name: str, payload: Mapping[str, Any]) -> tuple[FailedStep, ...]:
    job = payload.get("workflow_job")
    if not isinstance(job, Mapping) or job.get("name") != job_name:
        return ()
    steps = job.get("steps") or []
    return tuple(
        FailedStep(job_name=job_name, number=s.get("number"), name=str(s.get("name", "")),
                   conclusion=s.get("conclusion"))
        for s in steps if isinstance(s, Mapping)
    )


def bundle_from_case(context: Mapping[str, Any], payload: Mapping[str, Any] | None = None
                     ) -> ContextBundle:
    """Map a case's ``context`` (CASE_FORMAT.md) to the bundle live sources would build."""
    payload = payload or {}
    sources: dict[str, SourceStatus] = {}
    logs = tuple(
        JobLog(job_name=str(name), text=str(text), steps=_steps_for(str(name), payload))
        for name, text in (context.get("logs") or {}).items()
    )
    pr = context.get("pull_request")
    argocd = tuple(
        ArgoApp(name=str(a.get("name", "")), sync_status=str(a.get("sync_status", "Unknown")),
                health_status=str(a.get("health_status", "Unknown")),
                message=str(a.get("message", "")),
                unhealthy_resources=tuple(a.get("unhealthy_resources") or ()))
        for a in (context.get("argocd") or []) if isinstance(a, Mapping)
    )
    for key in ("logs", "changed_files", "pull_request", "argocd", "loki", "prometheus",
                "kubernetes"):
        present = context.get(key) not in (None, [], {}, "")
        sources[f"replay.{key}"] = SourceStatus(status="ok" if present else "not_configured")
    return ContextBundle(
        logs=logs,
        changed_files=tuple(str(f) for f in context.get("changed_files") or ()),
        commit_message=context.get("commit_message"),
        pull_request=PullRequestInfo(
            number=int(pr.get("number", 0)), title=str(pr.get("title", "")),
            body=str(pr.get("body", "")), state=str(pr.get("state", "")),
            head_ref=str(pr.get("head_ref", "")), base_ref=str(pr.get("base_ref", "")),
        ) if isinstance(pr, Mapping) else None,
        argocd=argocd,
        loki=tuple(str(line) for line in context.get("loki") or ()),
        prometheus=dict(context.get("prometheus") or {}),
        kubernetes=dict(context.get("kubernetes") or {}),
        sources=sources,
    )


def load_case(path: Path) -> dict[str, Any]:
    """Read one case file (YAML or JSON)."""
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a case must be a mapping")
    return data


class ReplayProvider:
    """Serves the context of the case whose event matches the incident's run key."""

    def __init__(self, cases: Mapping[str, tuple[Mapping[str, Any], Mapping[str, Any]]]) -> None:
        self._cases = dict(cases)

    @classmethod
    def from_dir(cls, directory: Path) -> ReplayProvider:
        """Index every case in ``directory`` (missing directory: an empty provider)."""
        from healer_agent.intake.normalize import normalize
        from healer_agent.intake.payloads import event_of_case

        cases: dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]] = {}
        if directory.is_dir():
            for path in sorted([*directory.rglob("*.yaml"), *directory.rglob("*.json")]):
                try:
                    case = load_case(path)
                    event, payload = event_of_case(case)
                    incident = normalize(event, payload)
                except (ValueError, yaml.YAMLError, KeyError):
                    continue
                cases.setdefault(incident.run_key, (case.get("context") or {}, payload))
        return cls(cases)

    def __len__(self) -> int:
        return len(self._cases)

    async def gather(self, incident: Incident) -> ContextBundle:
        """The case's context, or an empty bundle noting that no case matched."""
        found = self._cases.get(incident.run_key)
        if found is None:
            return ContextBundle(sources={"replay": SourceStatus(
                status="not_configured", note="no replayed case matches this run")})
        context, payload = found
        return bundle_from_case(context, payload)

    async def aclose(self) -> None:
        """Nothing to release."""
