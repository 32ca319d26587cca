"""What each context source found, as a few compact, redacted, single-line findings.

One digest serves both places the findings must reach: the CodeRun prompt (one section per
source, fenced as data) and the incident's stored evidence (:func:`context_evidence`), so
the agent that fixes the failure and the operator reading the incident see the same facts.
A source that failed is one line saying so. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from healer_agent.logs.excerpt import excerpt_text
from healer_agent.logs.redact import redact_json
from healer_agent.models import ContextBundle, FiringAlert

Redact = Callable[[str], str]

SOURCE_TITLES: dict[str, str] = {
    "github": "GitHub",
    "argocd": "Argo CD",
    "kubernetes": "Kubernetes",
    "loki": "Loki",
    "prometheus": "Prometheus",
    "alerts": "Firing alerts",
    "grafana": "Grafana",
}
"""Sources in the order the prompt lists them."""
MAX_LINE_CHARS = 400
_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def one_line(text: Any, limit: int = MAX_LINE_CHARS) -> str:
    """``text`` on one line: line breaks shown as ``⏎``, control characters dropped, capped."""
    flat = str(text)
    # both patterns match only characters str.isprintable rejects: most text has none
    flat = (flat if flat.isprintable() else _CONTROL.sub("", _BREAKS.sub(" ⏎ ", flat))).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class SourceFindings:
    """One source's outcome for an incident and what it found."""

    name: str
    title: str
    status: str
    """``ok``, ``partial``, ``error``, ``timeout``, ``not_configured`` or ``unknown``."""
    note: str = ""
    lines: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """The source was asked and gave nothing back."""
        return self.status in ("error", "timeout")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, for the incident's evidence."""
        return {"status": self.status, "note": self.note, "findings": list(self.lines)}


def _github(ctx: ContextBundle, redact: Redact) -> list[str]:
    out: list[str] = []
    for log in ctx.logs[:3]:
        failed = [s.name for s in log.steps if s.conclusion == "failure"]
        # the same text object as the pre-router's when the context came redacted: inside
        # the dispatcher's shared_reads scope the log's scan is the pre-router's; nothing
        # here reads the signature
        part = excerpt_text(
            redact(log.text), failed, budget_tokens=300, job_name=log.job_name, signed=False
        )
        where = f" (step {part.failing_step!r})" if part.failing_step else ""
        out.append(f"failing job {log.job_name!r}{where}:")
        out += [f"  {one_line(line)}" for line in part.text.splitlines()[-15:] if line.strip()]
    pr = ctx.pull_request
    if pr is not None:
        out.append(
            f"pull request #{pr.number}: {one_line(redact(pr.title))}"
            + (f" (by {pr.author}, {pr.head_ref} -> {pr.base_ref})" if pr.author else "")
        )
        if pr.labels:
            out.append("PR labels: " + ", ".join(one_line(redact(x), 60) for x in pr.labels))
        if pr.reviews:
            out.append("PR reviews: " + "; ".join(one_line(redact(r), 80) for r in pr.reviews))
    if ctx.file_diff_summary:
        out.append(f"change: {one_line(redact(ctx.file_diff_summary), 600)}")
    elif ctx.changed_files:
        shown = ", ".join(ctx.changed_files[:15])
        more = f" (+{len(ctx.changed_files) - 15} more)" if len(ctx.changed_files) > 15 else ""
        out.append(f"changed files: {one_line(redact(shown), 600)}{more}")
    out += [f"annotation: {one_line(redact(a))}" for a in ctx.annotations[:5]]
    return out


def _argocd(ctx: ContextBundle, redact: Redact) -> list[str]:
    out: list[str] = []
    for app in ctx.argocd:
        line = f"app {app.name}: sync {app.sync_status}, health {app.health_status}"
        if app.message:
            line += f": {redact(app.message)}"
        out.append(one_line(line, 600))
        out += [f"  {one_line(redact(r))}" for r in app.unhealthy_resources[:8]]
    return out


def _container_state(cs: Mapping[str, Any]) -> str:
    state = cs.get("state") or {}
    for key in ("waiting", "terminated"):
        detail = state.get(key) if isinstance(state, Mapping) else None
        if isinstance(detail, Mapping):
            reason = detail.get("reason") or key
            exit_code = f" exit {detail['exitCode']}" if "exitCode" in detail else ""
            msg = f": {detail['message']}" if detail.get("message") else ""
            return f"{cs.get('name', '?')} {key} {reason}{exit_code}{msg}"
    ready = "ready" if cs.get("ready") else "not ready"
    return f"{cs.get('name', '?')} {ready}, {cs.get('restartCount', 0)} restarts"


def _kubernetes(ctx: ContextBundle, redact: Redact) -> list[str]:
    kube = ctx.kubernetes
    out: list[str] = []
    healthy = 0
    for pod in kube.get("pods") or []:
        if not isinstance(pod, Mapping):
            continue
        status = pod.get("status")
        if not isinstance(status, Mapping):  # a flattened row
            if pod.get("ready") is True or status in ("Running", "Succeeded"):
                healthy += 1
                continue
            out.append(one_line(redact("pod " + ", ".join(f"{k}={v}" for k, v in pod.items()))))
            continue
        phase = str(status.get("phase", ""))
        containers = [c for c in status.get("containerStatuses") or [] if isinstance(c, Mapping)]
        if phase in ("Running", "Succeeded") and all(c.get("ready") for c in containers):
            healthy += 1
            continue
        name = (pod.get("metadata") or {}).get("name", "?")
        states = "; ".join(_container_state(c) for c in containers)
        reason = f" {status['reason']}" if status.get("reason") else ""
        out.append(one_line(redact(f"pod {name}: {phase}{reason}; {states}".rstrip("; "))))
    if healthy:
        out.append(f"{healthy} other pod(s) running and ready")
    for event in (kube.get("events") or [])[:10]:
        if not isinstance(event, Mapping):
            continue
        obj = event.get("involvedObject") or {}
        target = f"{obj.get('kind', '')}/{obj.get('name', '')}" if isinstance(obj, Mapping) else ""
        count = f" (x{event['count']})" if (event.get("count") or 1) != 1 else ""
        out.append(
            one_line(
                redact(
                    f"event {event.get('type', '')} {event.get('reason', '')} {target}{count}: "
                    f"{event.get('message', '')}"
                )
            )
        )
    return out


def _prometheus(ctx: ContextBundle, redact: Redact) -> list[str]:
    out: list[str] = []
    spike = ctx.error_rate_spike
    if spike is not None:

        def fmt(v: float | None) -> str:
            return "n/a" if v is None else f"{v:.4g}"

        ratio = f" (x{spike.ratio:.3g})" if spike.ratio is not None else ""
        verdict = "SPIKE" if spike.spiked else "no spike"
        out.append(
            one_line(
                redact(
                    f"error rate {fmt(spike.before)} before -> {fmt(spike.after)}"
                    f" after the failure{ratio}: {verdict} [{spike.query}]"
                )
            )
        )
    for name, value in ctx.prometheus.items():
        out.append(one_line(redact(f"{name}: {_series_line(value)}"), 600))
    return out


def _series_line(value: Any) -> str:
    if not isinstance(value, Mapping):
        return str(value)
    if "error" in value:
        return f"error {value['error']}"
    series = [s for s in value.get("series") or [] if isinstance(s, Mapping)]
    query = f"{value['query']} = " if value.get("query") else ""
    if not series:
        return f"{query}{value.get('value', 'no data')}"
    parts = []
    for s in series[:4]:
        labels = ",".join(f"{k}={v}" for k, v in (s.get("labels") or {}).items())
        if "last" in s and s.get("points", 0) > 1:
            parts.append(
                f"{{{labels}}} last {s['last']:.4g} (min {s['min']:.4g},"
                f" max {s['max']:.4g}, {s['points']} points)"
            )
        elif "last" in s:
            parts.append(f"{{{labels}}} {s['last']:.4g}")
    more = len(series) - 4 + int(value.get("more_series", 0))
    return query + "; ".join(parts) + (f"; +{more} more series" if more > 0 else "")


def _alert_line(alert: FiringAlert, redact: Redact) -> str:
    severity = f" [{alert.severity}]" if alert.severity else ""
    since = f" since {alert.starts_at}" if alert.starts_at else ""
    where = ",".join(
        f"{k}={alert.labels[k]}"
        for k in ("namespace", "app", "job", "instance")
        if k in alert.labels
    )
    summary = f": {alert.summary}" if alert.summary else ""
    return one_line(
        redact(
            f"{alert.name}{severity} {alert.state}{since}"
            f"{f' {{{where}}}' if where else ''}{summary} ({alert.source})"
        )
    )


def _alerts(ctx: ContextBundle, redact: Redact) -> list[str]:
    """Each alert once: Alertmanager's copy (it has the annotations) over Prometheus' own."""

    def key(alert: FiringAlert) -> tuple[str, tuple[tuple[str, str], ...]]:
        return alert.name, tuple(sorted(alert.labels.items()))

    managed = {key(a) for a in ctx.firing_alerts if a.source == "alertmanager"}
    unique = [a for a in ctx.firing_alerts if a.source == "alertmanager" or key(a) not in managed]
    return [_alert_line(a, redact) for a in unique[:10]]


def _loki(ctx: ContextBundle, redact: Redact) -> list[str]:
    return [one_line(redact(line)) for line in ctx.loki[:20]]


def _grafana(ctx: ContextBundle, redact: Redact) -> list[str]:
    return [one_line(redact(f"{key}: {value}"), 600) for key, value in ctx.grafana.items()]


_READERS: dict[str, Callable[[ContextBundle, Redact], list[str]]] = {
    "github": _github,
    "argocd": _argocd,
    "kubernetes": _kubernetes,
    "loki": _loki,
    "prometheus": _prometheus,
    "alerts": _alerts,
    "grafana": _grafana,
}


def context_findings(ctx: ContextBundle, redact: Redact) -> list[SourceFindings]:
    """Every source that was asked or found something, in a fixed order."""
    out: list[SourceFindings] = []
    names: Iterable[str] = [*SOURCE_TITLES, *(n for n in ctx.sources if n not in SOURCE_TITLES)]
    for name in names:
        reader = _READERS.get(name)
        lines = tuple(reader(ctx, redact)) if reader else ()
        status = ctx.sources.get(name)
        if status is None and name == "alerts" and lines:  # Prometheus' ALERTS, no Alertmanager
            status = ctx.sources.get("prometheus")
        if status is None and not lines:
            continue
        out.append(
            SourceFindings(
                name=name,
                title=SOURCE_TITLES.get(name, name),
                status=status.status if status else "unknown",
                note=one_line(redact(status.note), 300) if status and status.note else "",
                lines=lines,
            )
        )
    return out


def context_evidence(
    ctx: ContextBundle, redact: Redact, findings: list[SourceFindings] | None = None
) -> dict[str, Any]:
    """``{source: {status, note, findings}}`` for the incident's stored evidence.

    Redacted line by line and once more as JSON (secret-named keys, values of any shape).
    ``findings`` are the context's, when the caller computed them for the prompt already.
    """
    if findings is None:
        findings = context_findings(ctx, redact)
    evidence: dict[str, Any] = redact_json({f.name: f.as_dict() for f in findings})
    return evidence


__all__ = [
    "SOURCE_TITLES",
    "SourceFindings",
    "context_evidence",
    "context_findings",
    "one_line",
]
