"""The deterministic pre-router: evidence from the log, the step, the files and the names.

Signals (``rules.yaml``) are weighed by where they were found — the failing step's error
lines first (the first real error counts double), then the step's command and name, the
changed files, and last the workflow and job names, which often mislead. A decision is
``obvious`` only when its score is high and no other agent comes close; the rest go to LLM
triage with the candidates attached. Security alerts are cipher by rule. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from healer_agent.config import Settings
from healer_agent.logs import Excerpt, excerpt
from healer_agent.models import (
    Agent,
    Candidate,
    ContextBundle,
    Evidence,
    FailureType,
    Incident,
    RoutingDecision,
    SignalKind,
)
from healer_agent.routing.rules import Rules, load_rules

Memory = Callable[[str], Agent | None]

_ALERT_TYPES = {
    "dependabot_alert": FailureType.DEPENDABOT_ALERT,
    "code_scanning_alert": FailureType.CODE_SCANNING_ALERT,
    "secret_scanning_alert": FailureType.SECRET_SCANNING_ALERT,
    "repository_vulnerability_alert": FailureType.VULNERABLE_DEPENDENCY,
}
_FILE_REF = re.compile(
    r"(?:-->\s*|^|\s|\()((?:[\w.@-]+/)*[\w.@-]+\.(?:rs|toml|tsx?|jsx?|mjs|vue|ya?ml|json|tf|"
    r"py|go|lock)|(?:[\w.@-]+/)*Dockerfile(?:\.\w+)?)(?=[:(\s]|$)")


@dataclass
class _Tally:
    evidence: list[Evidence]
    by_type: dict[FailureType, float]

    @property
    def score(self) -> float:
        return sum(e.weight for e in self.evidence)


class PreRouter:
    """Routes from evidence; see the module docstring."""

    name = "prerouter"

    def __init__(self, rules: Rules | None = None, memory: Memory | None = None) -> None:
        self.rules = rules or load_rules()
        self.memory = memory

    @classmethod
    def from_settings(cls, settings: Settings, memory: Memory | None = None) -> PreRouter:
        """Rules from ``HEALER_RULES_FILE`` or the shipped file."""
        return cls(load_rules(settings.rules_file), memory)

    async def route(self, incident: Incident, context: ContextBundle) -> RoutingDecision:
        """The Router protocol (the work is synchronous and cheap)."""
        return self.decide(incident, context)

    # ------------------------------------------------------------------ decide

    def decide(self, incident: Incident, context: ContextBundle) -> RoutingDecision:
        """The decision for an incident and what its context showed."""
        if incident.kind == "security_alert":
            return self._security(incident)
        found = excerpt(context.logs, incident.failed_steps) if context.logs else None
        tallies: dict[Agent, _Tally] = defaultdict(lambda: _Tally([], defaultdict(float)))
        for ev in self._evidence(incident, context, found):
            tally = tallies[ev.agent]
            tally.evidence.append(ev)
            if ev.failure_type is not None:
                tally.by_type[ev.failure_type] += ev.weight
        signature = found.signature if found and found.error_lines else ""
        if self.memory is not None and signature:
            remembered = self.memory(signature)
            if remembered is not None:
                # An outcome seen for exactly this signature outranks pattern evidence.
                strongest = max((t.score for t in tallies.values()), default=0.0)
                tally = tallies[remembered]
                weight = round(strongest + self.rules.weights.get("memory", 6.0), 3)
                tally.evidence.append(Evidence(
                    signal="memory", agent=remembered, weight=weight, rule="route-memory",
                    detail=f"signature {signature} was fixed by {remembered.value} before"))
        return self._conclude(incident, context, found, tallies)

    def _security(self, incident: Incident) -> RoutingDecision:
        failure_type = _ALERT_TYPES.get(incident.event_type, FailureType.VULNERABLE_DEPENDENCY)
        alert = incident.alert
        detail = incident.event_type + (f": {alert.package_name or alert.rule_id or ''}"
                                        if alert else "")
        evidence = Evidence(signal="event", agent=Agent.CIPHER, failure_type=failure_type,
                            weight=10.0, rule="security-alert", detail=detail)
        summary = f"Security alert `{incident.event_type}`"
        if alert is not None:
            parts = [alert.package_name, alert.cve_id or alert.ghsa_id, alert.rule_id,
                     alert.location, alert.severity]
            summary += " — " + ", ".join(p for p in parts if p)
        return RoutingDecision(agent=Agent.CIPHER, failure_type=failure_type, confidence=1.0,
                               decided_by="rule", obvious=True, evidence=(evidence,),
                               summary=summary, root_cause=alert.summary if alert else "")

    def _evidence(self, incident: Incident, context: ContextBundle,
                  found: Excerpt | None) -> list[Evidence]:
        out: list[Evidence] = []
        w = self.rules.weights
        if found is not None:
            for signal in self.rules.at("error_line"):
                best = 0.0
                detail = ""
                for index, line in enumerate(found.error_lines[:20]):
                    if signal.pattern.search(line):
                        factor = 2.0 if index == 0 else (1.0 if index < 6 else 0.5)
                        if factor > best:
                            best, detail = factor, line
                if best:
                    out.append(_ev("error_line", signal, w.get("error_line", 3.0) * best, detail))
            for place, text in (("step_command", found.command or ""),
                                ("step_name", found.failing_step or "")):
                if not text:
                    continue
                for signal in self.rules.at(place):  # type: ignore[arg-type]
                    if signal.pattern.search(text):
                        out.append(_ev(place, signal, w.get(place, 1.0), text))  # type: ignore[arg-type]
        step_names = [s.name for s in incident.failed_steps]
        for signal in self.rules.at("step_name"):
            for name in step_names:
                if signal.pattern.search(name) and not any(
                        e.rule == signal.id for e in out):
                    out.append(_ev("step_name", signal, w.get("step_name", 1.0), name))
        # a step name like "Run cargo clippy" is also a command when the log is missing
        if found is None:
            for signal in self.rules.at("step_command"):
                for name in step_names:
                    if signal.pattern.search(name):
                        out.append(_ev("step_name", signal, w.get("step_name", 1.0), name))
                        break
        files = context.changed_files
        if files:
            for signal in self.rules.at("changed_file"):
                hits = [f for f in files if signal.pattern.search(f)]
                if hits:
                    share = len(hits) / len(files)
                    out.append(_ev("changed_file", signal,
                                   w.get("changed_file", 1.2) * share, ", ".join(hits[:5])))
        for kind, names in (("workflow_name", [incident.workflow_name]),
                            ("job_name", list(incident.job_names))):
            for signal in self.rules.at("name"):
                for name in names:
                    if name and signal.pattern.search(name.replace("-", " ").replace("_", " ")):
                        out.append(_ev(kind, signal, w.get("name", 0.5), name))  # type: ignore[arg-type]
                        break
        bad_apps = [a for a in context.argocd
                    if a.sync_status not in ("Synced", "Unknown", "")
                    or a.health_status not in ("Healthy", "Unknown", "")]
        if bad_apps:
            app = bad_apps[0]
            out.append(Evidence(signal="context", agent=Agent.BOLT,
                                failure_type=FailureType.ARGOCD_SYNC,
                                weight=w.get("context", 1.5), rule="argocd-app-unhealthy",
                                detail=f"{app.name}: {app.sync_status}/{app.health_status}"))
        return out

    def _conclude(self, incident: Incident, context: ContextBundle, found: Excerpt | None,
                  tallies: dict[Agent, _Tally]) -> RoutingDecision:
        ranked = sorted(tallies.items(), key=lambda kv: kv[1].score, reverse=True)
        candidates = tuple(
            Candidate(agent=agent, failure_type=_top_type(agent, t), score=round(t.score, 3),
                      evidence=tuple(sorted(t.evidence, key=lambda e: -e.weight)))
            for agent, t in ranked if t.score > 0)
        summary_bits = _summary(incident, found, context)
        if not candidates:
            return RoutingDecision(
                agent=Agent.ATLAS, failure_type=FailureType.GENERAL, confidence=0.2,
                decided_by="prerouter", obvious=False, summary=summary_bits[0],
                key_error_lines=summary_bits[1], suspect_files=summary_bits[2],
                failing_step=found.failing_step if found else None,
                reason="no routing signal matched; atlas is the default")
        best = candidates[0]
        runner_up = candidates[1] if len(candidates) > 1 else None
        second = runner_up.score if runner_up else 0.0
        strong = any(e.signal in ("error_line", "memory") for e in best.evidence)
        obvious = (strong and best.score >= self.rules.min_score
                   and second <= best.score * self.rules.max_runner_up_ratio)
        confidence = round(min(0.99, best.score / (best.score + second + 2.0)), 3)
        files = _suspects(found, context, best.agent) or summary_bits[2]
        return RoutingDecision(
            agent=best.agent, failure_type=best.failure_type, confidence=confidence,
            decided_by="prerouter", obvious=obvious, evidence=best.evidence,
            runner_up=runner_up, candidates=candidates, summary=summary_bits[0],
            key_error_lines=summary_bits[1], suspect_files=files,
            failing_step=found.failing_step if found else None,
            reason="" if obvious else "evidence not decisive; LLM triage may refine it")


def _ev(kind: SignalKind, signal: object, weight: float, detail: str) -> Evidence:
    from healer_agent.routing.rules import Signal

    assert isinstance(signal, Signal)
    return Evidence(signal=kind, agent=signal.agent, failure_type=signal.failure_type,
                    weight=round(weight * signal.weight, 3), rule=signal.id, detail=detail[:300])


def _top_type(agent: Agent, tally: _Tally) -> FailureType:
    if tally.by_type:
        return max(tally.by_type.items(), key=lambda kv: kv[1])[0]
    from healer_agent.models import default_failure_type

    return default_failure_type(agent)


def _suspects(found: Excerpt | None, context: ContextBundle, agent: Agent) -> tuple[str, ...]:
    paths: list[str] = []
    if found is not None:
        for line in (*found.error_lines, *found.text.split("\n")):
            for match in _FILE_REF.finditer(line):
                path = match.group(1).lstrip("./")
                if path not in paths and not path.startswith(("http", "www.")):
                    paths.append(path)
    for path in context.changed_files:
        if path not in paths and len(paths) < 10:
            base = path.rsplit("/", 1)[-1]
            if any(p.rsplit("/", 1)[-1] == base for p in paths):
                paths.append(path)
    return tuple(paths[:10])


def _summary(incident: Incident, found: Excerpt | None,
             context: ContextBundle) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    lines: list[str] = []
    if found is not None and found.failing_step:
        step = found.failing_step
        lines.append(f"**Failing step**: `{step}`" + (f" in job `{found.job_name}`"
                                                      if found.job_name else ""))
    elif incident.failed_steps:
        lines.append(f"**Failing step**: `{incident.failed_steps[0].name}`")
    if found is not None and found.tools:
        lines.append(f"**Tools reporting errors**: {', '.join(found.tools)}")
    key = tuple(found.error_lines[:8]) if found else ()
    if key:
        lines.append(f"**First error**: `{key[0][:200]}`")
    if found is not None and found.text:
        body = found.text[:6000].replace("```", "`\u200b``")
        lines.append("\n**Log excerpt**\n\n```text\n" + body + "\n```")
    if not found:
        lines.append("No log was available; the decision rests on the event's names and "
                      "files.")
    bad = [a for a in context.argocd if a.sync_status != "Synced" or a.health_status != "Healthy"]
    if bad:
        lines.append("**Argo CD**: " + "; ".join(
            f"{a.name} {a.sync_status}/{a.health_status}" for a in bad[:3]))
    files = tuple(context.changed_files[:10])
    return "\n".join(lines), key, files
