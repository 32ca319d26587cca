"""Replayed context: a labelled case's ``context`` served as if the sources returned it.

Used by the evals harness, the REPL's offline mode and ``HEALER_CONTEXT__MODE=replay`` (the
embedded default), so the pipeline runs unchanged without live systems. A directory of
cases is indexed by the run key their payload normalises to.
"""

from __future__ import annotations

import asyncio
import json
import re
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

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (about 9x faster on case files)."""


def _steps_for(job_name: str, payload: Mapping[str, Any]) -> tuple[FailedStep, ...]:
    job = payload.get("workflow_job")
    if not isinstance(job, Mapping) or job.get("name") != job_name:
        return ()
    steps = _list(job.get("steps"))
    return tuple(
        FailedStep(
            job_name=job_name,
            number=s.get("number"),
            name=str(s.get("name", "")),
            conclusion=s.get("conclusion"),
        )
        for s in steps
        if isinstance(s, Mapping)
    )


_FINE_HEALTH = ("Healthy", "Progressing", "Suspended", None, "")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any, default: str = "") -> str:
    return default if value in (None, "") else str(value)


def _resource_line(res: Mapping[str, Any]) -> str | None:
    """``Kind/namespace/name: health (sync): message`` for a resource that is not fine."""
    raw_health = res.get("health")
    health = _map(raw_health)
    status = raw_health if isinstance(raw_health, str) else health.get("status")
    if status in _FINE_HEALTH and res.get("status") != "OutOfSync":
        return None
    ident = "/".join(_str(res.get(k)) for k in ("kind", "namespace", "name") if res.get(k))
    line = f"{ident}: {_str(status, 'Unknown')} ({_str(res.get('status'), 'Unknown')})"
    message = _str(health.get("message") or res.get("message"))
    return f"{line}: {message}" if message else line


def _short(raw: Mapping[str, Any], *keys: str) -> str:
    """A status of the short form in any spelling: snake or camel case, or ``{status}``."""
    for key in keys:
        value = raw.get(key)
        if isinstance(value, Mapping):
            value = value.get("status")
        if value not in (None, ""):
            return str(value)
    return "Unknown"


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
        resources = _list(raw.get("unhealthy_resources")) or _list(raw.get("resources"))
        return ArgoApp(
            name=name,
            sync_status=_short(raw, "sync_status", "syncStatus", "sync"),
            health_status=_short(raw, "health_status", "healthStatus", "health"),
            message=_str(raw.get("message")),
            unhealthy_resources=tuple(
                line
                for r in resources
                for line in [_resource_line(r) if isinstance(r, Mapping) else str(r)]
                if line
            ),
        )
    sync, health = _map(status.get("sync")), _map(status.get("health"))
    op = _map(status.get("operationState"))
    messages = [_str(health.get("message"))]
    if op.get("phase") not in (None, "", "Succeeded", "Running"):
        messages.append(f"sync {op.get('phase')}: {_str(op.get('message'))}")
    result = _map(op.get("syncResult"))
    for res in _list(result.get("resources")):
        if isinstance(res, Mapping) and res.get("status") not in (None, "Synced", "Pruned"):
            messages.append(
                f"{res.get('kind')}/{res.get('name')}: {res.get('status')}: "
                f"{_str(res.get('message'))}"
            )
    messages += [
        f"{c.get('type')}: {c.get('message')}"
        for c in _list(status.get("conditions"))
        if isinstance(c, Mapping) and c.get("message")
    ]
    bad = [
        line
        for res in _list(status.get("resources"))
        if isinstance(res, Mapping)
        for line in [_resource_line(res)]
        if line
    ]
    return ArgoApp(
        name=name,
        sync_status=_str(sync.get("status"), "Unknown"),
        health_status=_str(health.get("status"), "Unknown"),
        message="; ".join(m for m in messages if m)[:2000],
        unhealthy_resources=tuple(bad[:20]),
    )


_ARGO_FIELD = re.compile(r"^(Name|Sync Status|Health Status|Message|Status):\s*(.*)$", re.M)


def _argo_text(text: str) -> dict[str, Any]:
    """The short form from ``argocd app get`` text (fields, then its error lines)."""
    fields = {k: v.strip() for k, v in _ARGO_FIELD.findall(text)}
    sync = fields.get("Sync Status", "Unknown").split(" ")[0] or "Unknown"
    lines = [
        line.strip()
        for line in text.splitlines()
        if re.search(r"(?i)error|fail|degraded|missing|outofsync", line)
        and not line.startswith(("Sync Status", "Health Status"))
    ]
    message = "; ".join(x for x in [fields.get("Message", ""), *lines] if x)
    return {
        "name": fields.get("Name", "").split("/")[-1],
        "sync_status": sync,
        "health_status": fields.get("Health Status", "Unknown") or "Unknown",
        "message": message[:2000],
    }


def _printed_apps(text: str) -> list[Any]:
    """Applications printed as JSON or YAML (``-o json``), else ``argocd app get`` text."""
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except (yaml.YAMLError, RecursionError, ValueError):
        docs = []
    apps: list[Any] = []
    for doc in docs:
        if isinstance(doc, Mapping) and isinstance(doc.get("items"), list):
            apps += doc["items"]
        elif isinstance(doc, Mapping) and ("status" in doc or "metadata" in doc):
            apps.append(doc)
        elif isinstance(doc, list):
            apps += doc
    return apps or [_argo_text(text)]


def _labels(pr: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        str(label.get("name", "")) if isinstance(label, Mapping) else str(label)
        for label in _list(pr.get("labels"))
    )


def _job_logs(raw: Any, payload: Mapping[str, Any]) -> tuple[JobLog, ...]:
    """``{job: text}``, a list of ``{name|job_name, text|log}``, or one text."""
    if isinstance(raw, str):
        job = payload.get("workflow_job")
        name = str(job.get("name", "job")) if isinstance(job, Mapping) else "job"
        raw = {name: raw}
    if isinstance(raw, list):
        raw = {
            str(item.get("job_name") or item.get("name") or f"job-{n}"): item
            for n, item in enumerate(raw)
            if isinstance(item, Mapping)
        }
    if not isinstance(raw, Mapping):
        return ()
    return tuple(
        JobLog(job_name=str(name), text=_log_text(text), steps=_steps_for(str(name), payload))
        for name, text in raw.items()
    )


def _log_text(value: Any) -> str:
    """A log given as text, as ``{text|log: ...}``, or as a list of lines."""
    if isinstance(value, Mapping):
        value = value.get("text") or value.get("log") or ""
    if isinstance(value, list):
        return "\n".join(str(line) for line in value)
    return "" if value is None else str(value)


def _file_names(raw: Any) -> tuple[str, ...]:
    """Paths, GitHub's PR-files objects (``filename``), or text.

    Text is one path a line (``git diff --name-only``) or paths separated by commas.
    """
    if isinstance(raw, str):
        raw = [p.strip() for p in re.split(r"[\n,]", raw)]
    items = raw if isinstance(raw, list | tuple) else []
    out = [
        str(f.get("filename") or f.get("path") or "") if isinstance(f, Mapping) else str(f)
        for f in items
    ]
    return tuple(f for f in out if f)


def _loki_lines(raw: Any) -> tuple[str, ...]:
    """Lines, ``{line, labels}`` entries, a Loki query body, or one block of text."""
    if isinstance(raw, str):
        return tuple(line for line in raw.splitlines() if line.strip())
    if isinstance(raw, Mapping):
        data = raw.get("data", raw)
        streams = (data.get("result") or data.get("streams")) if isinstance(data, Mapping) else data
        out: list[str] = []
        for stream in _list(streams):
            if isinstance(stream, Mapping) and isinstance(stream.get("values"), list):
                out += [
                    str(v[1])
                    for v in stream["values"]
                    if isinstance(v, list | tuple) and len(v) >= 2
                ]  # [ts, line] or [ts, line, structured metadata]
            elif isinstance(stream, Mapping):
                out.append(str(stream.get("line", "")))
        return tuple(out)
    if isinstance(raw, list | tuple):
        return tuple(
            str(x.get("line") or x.get("message") or x.get("msg") or "")
            if isinstance(x, Mapping)
            else str(x)
            for x in raw
        )
    return ()


def _as_mapping(raw: Any, key: str) -> dict[str, Any]:
    """A mapping as it is, a bare list under ``key``, text under ``"text"``.

    Text is a tool's printed answer (``kubectl get``, Prometheus exposition): the readers
    parse it.
    """
    if isinstance(raw, Mapping):
        return dict(raw)
    if isinstance(raw, list) and raw:
        return {key: raw}
    if isinstance(raw, str) and raw.strip():
        return {"text": raw}
    return {}


def _pull_request(pr: Any) -> PullRequestInfo | None:
    if isinstance(pr, int) and not isinstance(pr, bool):
        return PullRequestInfo(number=pr)
    if not isinstance(pr, Mapping):
        return None
    try:
        number = int(pr.get("number") or 0)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite float
        number = 0
    return PullRequestInfo(
        number=number,
        title=str(pr.get("title") or ""),
        body=str(pr.get("body") or ""),
        state=str(pr.get("state") or ""),
        head_ref=str(pr.get("head_ref") or ""),
        base_ref=str(pr.get("base_ref") or ""),
        labels=_labels(pr),
    )


_SOURCE_KEYS: dict[str, tuple[str, ...]] = {
    "github": ("logs", "changed_files", "pull_request"),
    "argocd": ("argocd",),
    "kubernetes": ("kubernetes",),
    "loki": ("loki",),
    "prometheus": ("prometheus",),
}
"""The live source that gathers each of a case's context keys."""


def bundle_from_case(
    context: Mapping[str, Any], payload: Mapping[str, Any] | None = None
) -> ContextBundle:
    """Map a case's ``context`` (CASE_FORMAT.md) to the bundle live sources would build.

    Tolerant of the shapes real sources return besides the case format's: logs as a list,
    changed files as PR-file objects, Loki query bodies, a bare list of pods or series.
    """
    payload = payload or {}
    sources: dict[str, SourceStatus] = {}
    apps = context.get("argocd") or []
    if isinstance(apps, Mapping):  # one app, or an ApplicationList
        apps = apps.get("items") or apps.get("applications") or [apps]
    if isinstance(apps, str):  # printed: Application JSON or YAML, or `argocd app get` text
        apps = _printed_apps(apps)
    apps = _list(apps)
    argocd = tuple(argo_app(a) for a in apps if isinstance(a, Mapping))
    # statuses under the live sources' names, so a replayed case reads like a gathered one
    for source, keys in _SOURCE_KEYS.items():
        if any(context.get(key) not in (None, [], {}, "") for key in keys):
            sources[source] = SourceStatus(status="ok", note="replayed from a recorded case")
    message = context.get("commit_message")
    return ContextBundle(
        logs=_job_logs(context.get("logs") or {}, payload),
        changed_files=_file_names(context.get("changed_files")),
        commit_message=None if message is None else str(message),
        pull_request=_pull_request(context.get("pull_request")),
        argocd=argocd,
        loki=_loki_lines(context.get("loki")),
        prometheus=_as_mapping(context.get("prometheus"), "series"),
        kubernetes=_as_mapping(context.get("kubernetes"), "items"),
        sources=sources,
    )


def load_case(path: Path) -> dict[str, Any]:
    """Read one case file: JSON with the json module, YAML with libyaml's parser if present.

    YAML's parser, libyaml's included, builds each node in Python: indexing hundreds of
    cases took ~15% of a server's samples in the e2e benchmark.
    """
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
    else:
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_Loader)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a case must be a mapping")
    return data


def index_cases(directory: Path) -> dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Run key → (context, payload) for every case under ``directory`` (first one wins)."""
    from healer_agent.intake.normalize import normalize
    from healer_agent.intake.payloads import event_of_case

    cases: dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]] = {}
    if not directory.is_dir():
        return cases
    for path in sorted([*directory.rglob("*.yaml"), *directory.rglob("*.json")]):
        try:
            case = load_case(path)
            event, payload = event_of_case(case)
            incident = normalize(event, payload)
        except (ValueError, yaml.YAMLError, KeyError):
            continue
        cases.setdefault(incident.run_key, (case.get("context") or {}, payload))
    return cases


class ReplayProvider:
    """Serves the context of the case whose event matches the incident's run key.

    The directory is indexed once, in a thread, on first use (or when ``warm`` is called
    at start), so a server with hundreds of cases is ready before they are parsed.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cases: dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]] | None = None
        self._indexing: asyncio.Task[None] | None = None

    @classmethod
    def from_dir(cls, directory: Path) -> ReplayProvider:
        """A provider over ``directory`` (a missing directory serves nothing)."""
        return cls(directory)

    def warm(self) -> None:
        """Start indexing in the background (call from the running event loop)."""
        if self._indexing is None and self._cases is None:
            self._indexing = asyncio.get_running_loop().create_task(self._index())

    async def _index(self) -> None:
        self._cases = await asyncio.to_thread(index_cases, self.directory)

    async def _ready(self) -> dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]]:
        self.warm()
        assert self._indexing is not None or self._cases is not None
        if self._indexing is not None:
            await asyncio.shield(self._indexing)
        assert self._cases is not None
        return self._cases

    async def count(self) -> int:
        """How many cases are indexed (waits for the index)."""
        return len(await self._ready())

    async def gather(self, incident: Incident) -> ContextBundle:
        """The case's context, or an empty bundle noting that no case matched."""
        found = (await self._ready()).get(incident.run_key)
        if found is None:
            return ContextBundle(
                sources={
                    "replay": SourceStatus(
                        status="not_configured", note="no replayed case matches this run"
                    )
                }
            )
        context, payload = found
        return bundle_from_case(context, payload)

    async def aclose(self) -> None:
        """Stop indexing if it is still running."""
        if self._indexing is not None and not self._indexing.done():
            self._indexing.cancel()
