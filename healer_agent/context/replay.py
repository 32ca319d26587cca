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


_FINE_HEALTH = ("Healthy", "Progressing", "Suspended", None, "")


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any, default: str = "") -> str:
    return default if value in (None, "") else str(value)


def _resource_line(res: Mapping[str, Any]) -> str | None:
    """``Kind/namespace/name: health (sync): message`` for a resource that is not fine."""
    health = _map(res.get("health"))
    status = health.get("status")
    if status in _FINE_HEALTH and res.get("status") != "OutOfSync":
        return None
    ident = "/".join(_str(res.get(k)) for k in ("kind", "namespace", "name") if res.get(k))
    line = f"{ident}: {_str(status, 'Unknown')} ({_str(res.get('status'), 'Unknown')})"
    message = _str(health.get("message") or res.get("message"))
    return f"{line}: {message}" if message else line


def argo_app(raw: Mapping[str, Any]) -> ArgoApp:
    """An :class:`ArgoApp` from the short form or an ``argoproj.io/v1alpha1`` Application.

    The short form is the case format's ``{name, sync_status, health_status, message}``;
    of an Application, ``status.sync``, ``status.health``, ``status.operationState`` (with
    its sync result), ``status.conditions`` and ``status.resources`` are read.
    """
    status = raw.get("status")
    meta = _map(raw.get("metadata"))
    name = _str(meta.get("name") or raw.get("name"))
    if not isinstance(status, Mapping):
        return ArgoApp(name=name, sync_status=_str(raw.get("sync_status"), "Unknown"),
                       health_status=_str(raw.get("health_status"), "Unknown"),
                       message=_str(raw.get("message")),
                       unhealthy_resources=tuple(str(r) for r in
                                                 raw.get("unhealthy_resources") or ()))
    sync, health = _map(status.get("sync")), _map(status.get("health"))
    op = _map(status.get("operationState"))
    messages = [_str(health.get("message"))]
    if op.get("phase") not in (None, "", "Succeeded", "Running"):
        messages.append(f"sync {op.get('phase')}: {_str(op.get('message'))}")
    result = _map(op.get("syncResult"))
    for res in result.get("resources") or []:
        if isinstance(res, Mapping) and res.get("status") not in (None, "Synced", "Pruned"):
            messages.append(f"{res.get('kind')}/{res.get('name')}: {res.get('status')}: "
                            f"{_str(res.get('message'))}")
    messages += [f"{c.get('type')}: {c.get('message')}" for c in status.get("conditions") or []
                 if isinstance(c, Mapping) and c.get("message")]
    bad = [line for res in status.get("resources") or [] if isinstance(res, Mapping)
           for line in [_resource_line(res)] if line]
    return ArgoApp(name=name, sync_status=_str(sync.get("status"), "Unknown"),
                   health_status=_str(health.get("status"), "Unknown"),
                   message="; ".join(m for m in messages if m)[:2000],
                   unhealthy_resources=tuple(bad[:20]))


def _labels(pr: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(label.get("name", "")) if isinstance(label, Mapping) else str(label)
                 for label in pr.get("labels") or ())


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
    apps = context.get("argocd") or []
    if isinstance(apps, Mapping):  # one app, or an ApplicationList
        apps = apps.get("items") or [apps]
    argocd = tuple(argo_app(a) for a in apps if isinstance(a, Mapping))
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
            labels=_labels(pr),
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
