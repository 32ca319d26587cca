"""Security alerts as incidents (pure): always cipher's, one incident per alert.

Dependabot, code scanning, secret scanning and the legacy vulnerability alert.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healer_agent.intake.fields import (
    ALERT_FIXED,
    SECURITY_ACTIONS,
    ignored,
    int_at,
    obj_at,
    repo_of,
    require_fields,
    sender_of,
    str_at,
    time_of,
)
from healer_agent.models import Incident, SecurityAlert


def security_alert(event: str, payload: Mapping[str, Any]) -> Incident:
    """Dependabot, code-scanning, secret-scanning or legacy vulnerability alerts."""
    missing: list[str] = []
    repo = repo_of(payload, missing)
    alert = obj_at(payload, "alert", "", missing)
    require_fields(missing, event)
    action = str_at(payload, "action") or None
    number = int_at(alert, "number") or int_at(alert, "id")
    advisory = (
        alert.get("security_advisory")
        if isinstance(alert.get("security_advisory"), Mapping)
        else {}
    )
    vuln = (
        alert.get("security_vulnerability")
        if isinstance(alert.get("security_vulnerability"), Mapping)
        else {}
    )
    dependency = alert.get("dependency") if isinstance(alert.get("dependency"), Mapping) else {}
    assert isinstance(advisory, Mapping) and isinstance(vuln, Mapping)
    assert isinstance(dependency, Mapping)
    package = dependency.get("package") if isinstance(dependency.get("package"), Mapping) else {}
    assert isinstance(package, Mapping)
    patched = vuln.get("first_patched_version")
    rule = alert.get("rule") if isinstance(alert.get("rule"), Mapping) else {}
    tool = alert.get("tool") if isinstance(alert.get("tool"), Mapping) else {}
    instance = (
        alert.get("most_recent_instance")
        if isinstance(alert.get("most_recent_instance"), Mapping)
        else {}
    )
    assert isinstance(rule, Mapping) and isinstance(tool, Mapping) and isinstance(instance, Mapping)
    location = instance.get("location") if isinstance(instance.get("location"), Mapping) else {}
    assert isinstance(location, Mapping)
    loc = ""
    if str_at(location, "path"):
        loc = f"{str_at(location, 'path')}:{int_at(location, 'start_line') or ''}".rstrip(":")
    severity = (
        str_at(advisory, "severity")
        or str_at(vuln, "severity")
        or str_at(alert, "severity")
        or str_at(rule, "security_severity_level")
        or str_at(rule, "severity")
        or ("critical" if event == "secret_scanning_alert" else "unknown")
    )
    summary = (
        str_at(advisory, "summary")
        or str_at(rule, "description")
        or str_at(alert, "secret_type_display_name")
        or str_at(alert, "secret_type")
    )
    info = SecurityAlert(
        alert_type=event,
        number=number,
        severity=severity,
        package_name=str_at(package, "name") or str_at(alert, "affected_package_name") or None,
        ecosystem=str_at(package, "ecosystem") or None,
        manifest_path=str_at(dependency, "manifest_path") or None,
        cve_id=str_at(advisory, "cve_id") or str_at(alert, "external_identifier") or None,
        ghsa_id=str_at(advisory, "ghsa_id") or str_at(alert, "ghsa_id") or None,
        vulnerable_range=str_at(vuln, "vulnerable_version_range")
        or str_at(alert, "affected_range")
        or None,
        patched_version=(str_at(patched, "identifier") if isinstance(patched, Mapping) else None)
        or str_at(alert, "fixed_in")
        or None,
        rule_id=str_at(rule, "id") or None,
        tool=str_at(tool, "name") or None,
        location=loc or None,
        secret_type=str_at(alert, "secret_type") or None,
        summary=summary,
        html_url=str_at(alert, "html_url") or None,
    )
    sender, is_bot = sender_of(payload)
    ref = str_at(payload, "ref") or str_at(instance, "ref")
    branch = ref.removeprefix("refs/heads/") if ref else ""
    if action in ALERT_FIXED:  # closes the loop of the alert's remediation
        return Incident(
            kind="lifecycle",
            event_type=event,
            action=action,
            repository=repo,
            run_key=f"{repo}#alert:{event}:{number}",
            branch=branch,
            sender=sender,
            sender_is_bot=is_bot,
            alert=info,
            lifecycle={"alert_fixed": True},
        )
    if action is not None and action not in SECURITY_ACTIONS:
        return ignored(event, repo, f"{event} action {action} needs no remediation", action)
    return Incident(
        kind="security_alert",
        event_type=event,
        action=action,
        repository=repo,
        run_key=f"{repo}#alert:{event}:{number}",
        branch=branch,
        head_sha=str_at(payload, "commit_oid"),
        html_url=info.html_url or "",
        sender=sender,
        sender_is_bot=is_bot,
        alert=info,
        occurred_at=time_of(alert.get("created_at")),
    )
