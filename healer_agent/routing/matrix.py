"""The design document's routing matrix, verbatim: first matching row wins, atlas default.

Kept as the baseline the pre-router is measured against (``--router matrix``). A row
matches when any of its columns does: the workflow (or job) name against its globs, the
log text against its phrases, or a changed file against its globs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from healer_agent.models import (
    Agent,
    ContextBundle,
    Evidence,
    FailureType,
    Incident,
    RoutingDecision,
)

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """``Controller CI`` → ``controller-ci``, the form the matrix's globs are written in."""
    return _SLUG.sub("-", name.lower()).strip("-")


@dataclass(frozen=True)
class Row:
    """One row of the matrix."""

    priority: int
    agent: Agent
    workflows: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    security_only: bool = False
    failure_types: tuple[tuple[str, FailureType], ...] = field(default=())
    default_type: FailureType = FailureType.GENERAL


ROWS: tuple[Row, ...] = (
    Row(
        1,
        Agent.REX,
        ("*-ci", "controller-*", "healer-*"),
        ("clippy", "cargo test", "rustc"),
        ("*.rs", "Cargo.toml", "*/Cargo.toml"),
        failure_types=(("clippy", FailureType.RUST_CLIPPY), ("cargo test", FailureType.RUST_TEST)),
        default_type=FailureType.RUST_BUILD,
    ),
    Row(
        2,
        Agent.BLAZE,
        ("frontend-*", "ui-*"),
        ("npm", "pnpm", "tsc", "eslint"),
        ("*.ts", "*.tsx", "*.js", "package.json", "*/package.json"),
        failure_types=(
            ("eslint", FailureType.FRONTEND_LINT),
            ("tsc", FailureType.FRONTEND_TYPECHECK),
            ("npm", FailureType.FRONTEND_DEPS),
            ("pnpm", FailureType.FRONTEND_DEPS),
        ),
        default_type=FailureType.FRONTEND_BUILD,
    ),
    Row(
        3,
        Agent.BOLT,
        ("infrastructure-*", "docker-*", "helm-*"),
        ("docker build", "helm", "kubectl"),
        ("Dockerfile", "*/Dockerfile", "*.yaml", "Chart.yaml", "*/Chart.yaml"),
        failure_types=(
            ("docker build", FailureType.DOCKER_BUILD),
            ("helm", FailureType.HELM),
            ("kubectl", FailureType.K8S_MANIFEST),
        ),
        default_type=FailureType.YAML_CONFIG,
    ),
    Row(
        4,
        Agent.BOLT,
        ("argocd-*", "gitops-*", "sync-*"),
        ("argocd", "sync failed", "outofsync"),
        ("infra/gitops/*", "applications/*"),
        default_type=FailureType.ARGOCD_SYNC,
    ),
    Row(
        5,
        Agent.CIPHER,
        (),
        ("dependabot_alert", "code_scanning_alert", "secret_scanning_alert"),
        security_only=True,
        default_type=FailureType.VULNERABLE_DEPENDENCY,
    ),
    Row(
        6,
        Agent.CIPHER,
        (),
        ("vulnerability", "cve-", "security advisory"),
        ("Cargo.lock", "package-lock.json"),
        security_only=True,
        default_type=FailureType.VULNERABLE_DEPENDENCY,
    ),
    Row(
        7,
        Agent.ATLAS,
        (),
        ("merge conflict", "conflict", "cannot merge"),
        default_type=FailureType.MERGE_CONFLICT,
    ),
    Row(
        8,
        Agent.ATLAS,
        ("*-release", "deploy-*"),
        ("push", "ghcr.io", "permission"),
        (".github/workflows/*",),
        failure_types=(
            ("permission", FailureType.PERMISSIONS),
            ("ghcr.io", FailureType.RELEASE_PUBLISH),
            ("push", FailureType.RELEASE_PUBLISH),
        ),
        default_type=FailureType.WORKFLOW_SYNTAX,
    ),
)

_ALERT_TYPES = {
    "dependabot_alert": FailureType.DEPENDABOT_ALERT,
    "code_scanning_alert": FailureType.CODE_SCANNING_ALERT,
    "secret_scanning_alert": FailureType.SECRET_SCANNING_ALERT,
    "repository_vulnerability_alert": FailureType.VULNERABLE_DEPENDENCY,
}


def _match(row: Row, names: list[str], text: str, files: tuple[str, ...]) -> Evidence | None:
    for name in names:
        for pattern in row.workflows:
            if fnmatchcase(name, pattern):
                return Evidence(
                    signal="workflow_name",
                    source="names",
                    agent=row.agent,
                    weight=1.0,
                    rule=f"matrix-row-{row.priority}",
                    detail=f"{name} ~ {pattern}",
                )
    for phrase in row.phrases:
        if phrase in text:
            return Evidence(
                signal="error_line",
                source="log",
                agent=row.agent,
                weight=1.0,
                rule=f"matrix-row-{row.priority}",
                detail=phrase,
            )
    for path in files:
        for pattern in row.files:
            if fnmatchcase(path, pattern):
                return Evidence(
                    signal="changed_file",
                    source="files",
                    agent=row.agent,
                    weight=1.0,
                    rule=f"matrix-row-{row.priority}",
                    detail=path,
                )
    return None


def _failure_type(row: Row, incident: Incident, text: str) -> FailureType:
    if row.agent is Agent.CIPHER and incident.event_type in _ALERT_TYPES:
        return _ALERT_TYPES[incident.event_type]
    for phrase, failure_type in row.failure_types:
        if phrase in text:
            return failure_type
    return row.default_type


class MatrixRouter:
    """The design's first-match routing table."""

    name = "matrix"

    async def route(self, incident: Incident, context: ContextBundle) -> RoutingDecision:
        """First matching row wins; atlas when none does."""
        return decide(incident, context)


def decide(incident: Incident, context: ContextBundle) -> RoutingDecision:
    """The matrix's decision (sync, for callers outside the event loop)."""
    names = [slug(n) for n in (incident.workflow_name, *incident.job_names) if n]
    security = incident.kind == "security_alert"
    parts = [log.text for log in context.logs] + list(context.annotations)
    if security:
        parts.append(incident.event_type)
        if incident.alert:
            parts.append(incident.alert.summary)
            parts.append(incident.alert.cve_id or "")
    if any(app.sync_status == "OutOfSync" for app in context.argocd):
        parts.append("outofsync")
    text = "\n".join(parts).lower()
    for row in ROWS:
        if row.security_only != security:
            continue
        evidence = _match(row, names, text, context.changed_files)
        if evidence is not None:
            return RoutingDecision(
                agent=row.agent,
                failure_type=_failure_type(row, incident, text),
                confidence=0.6,
                decided_by="rule",
                obvious=False,
                evidence=(evidence,),
                reason=f"design matrix row {row.priority}",
            )
    return RoutingDecision(
        agent=Agent.ATLAS,
        failure_type=FailureType.GENERAL,
        confidence=0.3,
        decided_by="rule",
        reason="design matrix: no row matched, atlas is the default",
    )
