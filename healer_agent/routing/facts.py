"""The context bundle as findings: one line of text per thing a source saw go wrong.

Rules match text, so every context source is reduced to short lines in a stable wording
(``pod web-1: container app waiting CrashLoopBackOff``, ``argocd app web: sync
OutOfSync``, ``alert KubePodCrashLooping firing``) whatever shape the source returned.
Each finding keeps the place it belongs to and its source, so the evidence behind a
decision names the source that decided it. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from healer_agent.logs.redact import redact_lines
from healer_agent.models import ArgoApp, ContextBundle, EvidenceSource
from healer_agent.routing.kube_facts import kubernetes_facts
from healer_agent.routing.rules import Place
from healer_agent.routing.telemetry_facts import loki_facts, prometheus_facts

_FINE_SYNC = {"Synced", "Unknown", ""}
_FINE_HEALTH = {"Healthy", "Unknown", "", "Progressing"}


class Fact(NamedTuple):
    """One finding: the text rules match, where it belongs, and what it is about.

    A tuple: a decision builds a dozen, cheaper so than a frozen dataclass.
    """

    place: Place
    source: EvidenceSource
    text: str
    subject: str = ""


def argocd_facts(apps: tuple[ArgoApp, ...]) -> list[Fact]:
    """Status, message and unhealthy resources of every app that is not synced and healthy.

    A message on a healthy, synced app is kept too when it is not the success message:
    a ``ComparisonError`` leaves the status ``Unknown``.
    """
    out: list[Fact] = []
    for app in apps:
        bad = app.sync_status not in _FINE_SYNC or app.health_status not in _FINE_HEALTH
        if bad:
            out.append(
                Fact(
                    "argocd",
                    "argocd",
                    f"argocd app {app.name}: sync {app.sync_status}, health {app.health_status}",
                    app.name,
                )
            )
        message = app.message.strip()
        if message and (bad or not message.lower().startswith("successfully synced")):
            out.append(
                Fact("argocd", "argocd", f"argocd app {app.name}: {message}"[:2000], app.name)
            )
        out += [
            Fact("argocd", "argocd", f"argocd app {app.name} resource {r}", app.name)
            for r in app.unhealthy_resources[:10]
        ]
    return out


def change_facts(context: ContextBundle, commit_message: str = "") -> list[Fact]:
    """The pull request's title and labels and the commit's subject (hints, like names)."""
    out: list[Fact] = []
    pr = context.pull_request
    if pr is not None:
        if pr.title:
            out.append(Fact("pull_request", "pull_request", f"title: {pr.title}"))
        out += [Fact("pull_request", "pull_request", f"label: {label}") for label in pr.labels]
    message = (context.commit_message or commit_message or "").strip()
    if message:
        subject = message.splitlines()[0][:300]
        if pr is None or subject != pr.title:
            out.append(Fact("pull_request", "commit", f"commit: {subject}"))
    return out


def alert_facts(context: ContextBundle) -> list[Fact]:
    """Alerts the alert sources saw firing, and an error rate that jumped."""
    out: list[Fact] = []
    for alert in context.firing_alerts:
        if alert.state in ("inactive", "resolved"):
            continue
        labels = " ".join(
            f"{k}={v}"
            for k, v in alert.labels.items()
            if k not in ("alertname", "alertstate", "severity")
        )
        text = f"alert {alert.name} {alert.state or 'firing'}"
        text += f" severity={alert.severity}" if alert.severity else ""
        text += f" {labels}" if labels else ""
        text += f": {alert.summary}" if alert.summary else ""
        out.append(Fact("prometheus", "prometheus", text[:500], alert.name))
    spike = context.error_rate_spike
    if spike is not None and spike.spiked:
        out.append(
            Fact(
                "prometheus",
                "prometheus",
                f"metric {spike.query} error rate spiked from {spike.before} to {spike.after}",
                spike.query,
            )
        )
    return out


def context_facts(
    context: ContextBundle, commit_message: str = "", *, redacted: bool = True
) -> list[Fact]:
    """Every finding of the context sources, in a fixed order.

    ``redacted=False``: their texts as found, for a caller that redacts them with other
    text in one call (:func:`with_texts` puts the redacted texts back).
    """
    facts: list[Fact] = []
    if context.kubernetes:
        facts += [
            Fact("kubernetes", "kubernetes", text, subject)
            for subject, text in kubernetes_facts(context.kubernetes)
        ]
    if context.argocd:
        facts += argocd_facts(context.argocd)
    if context.loki:
        facts += [Fact("loki", "loki", text, tool) for tool, text in loki_facts(context.loki)]
    if context.prometheus:
        facts += [
            Fact("prometheus", "prometheus", text, subject)
            for subject, text in prometheus_facts(context.prometheus)
        ]
    if context.firing_alerts or context.error_rate_spike is not None:
        facts += alert_facts(context)
    facts += change_facts(context, commit_message)
    # the findings reach the evidence, the summary and the store: secrets masked
    return with_texts(facts, redact_lines([f.text for f in facts])) if redacted else facts


def with_texts(facts: list[Fact], texts: Sequence[str]) -> list[Fact]:
    """The findings with their texts replaced (by their redacted forms), one for one."""
    return [
        f if f.text == text else Fact(f.place, f.source, text, f.subject)
        for f, text in zip(facts, texts, strict=True)
    ]
