"""The deterministic pre-router: evidence from the log and the context, by causal precedence.

Signals (``rules.yaml``) are weighed by where they were found: the failing step's error
lines (the first real error counts double), the Kubernetes, Argo CD, Loki and Prometheus
findings, then the step's command and name, the files, and last the names and PR labels,
which often mislead. Wrappers yield to the errors inside them and symptoms to the cluster
causes that explain them (``precedence.py``). A decision is ``obvious`` only when a
decisive cause exists and nothing contradicts it; the rest go to LLM triage with the
candidates attached. Security alerts are cipher by rule. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from healer_agent.config import Settings
from healer_agent.logs import Excerpt, redact_lines
from healer_agent.logs.excerpt import excerpt_text_with, excerpt_with
from healer_agent.logs.growth import (
    climbing_holding,
    growth_before_kill,
    is_disk_full,
    is_kill,
)
from healer_agent.logs.setup import withheld
from healer_agent.models import (
    Agent,
    ContextBundle,
    Evidence,
    FailureType,
    Incident,
    RoutingDecision,
)
from healer_agent.routing import precedence
from healer_agent.routing.evidence import Found, excerpt_files, gather
from healer_agent.routing.facts import Fact, context_facts, with_texts
from healer_agent.routing.rules import PLACES, Rules, load_rules
from healer_agent.routing.summary import root_cause, summary, suspects
from healer_agent.routing.targets import set_aside
from healer_agent.routing.telemetry_facts import loki_facts

Memory = Callable[[str], Agent | None]

_ALERT_TYPES = {
    "dependabot_alert": FailureType.DEPENDABOT_ALERT,
    "code_scanning_alert": FailureType.CODE_SCANNING_ALERT,
    "secret_scanning_alert": FailureType.SECRET_SCANNING_ALERT,
    "repository_vulnerability_alert": FailureType.VULNERABLE_DEPENDENCY,
}


class PreRouter:
    """Routes from evidence; see the module docstring."""

    name = "prerouter"

    def __init__(self, rules: Rules | None = None, memory: Memory | None = None) -> None:
        self.rules = rules or load_rules()
        self.memory = memory
        for place in PLACES:  # compile the pattern sets now, not on the first incident
            self.rules.matcher(place)

    @classmethod
    def from_settings(cls, settings: Settings, memory: Memory | None = None) -> PreRouter:
        """Rules from ``settings.routing.rules_file`` or the shipped file."""
        return cls(load_rules(settings.routing.rules_file), memory)

    async def route(self, incident: Incident, context: ContextBundle) -> RoutingDecision:
        """The Router protocol (the work is synchronous and cheap)."""
        return self.decide(incident, context)

    def decide(self, incident: Incident, context: ContextBundle) -> RoutingDecision:
        """The decision for an incident and what its context showed."""
        if incident.kind == "security_alert":
            return self._security(incident)
        facts = context_facts(context, incident.commit_message, redacted=False)
        # the signature only keys route memory
        found, texts = _excerpt(
            incident, context, [f.text for f in facts], signed=self.memory is not None
        )
        facts = with_texts(facts, texts)
        if found is not None and found.diagnostics:
            # steps that ran after the failure (kubectl logs, ...) show the workload's log
            facts += [
                Fact("loki", "log", text, tool) for tool, text in loki_facts(found.diagnostics)
            ]
        if found is not None and context.logs:
            log = next(
                (j.text for j in context.logs if j.job_name == found.job_name),
                context.logs[0].text,
            )
            facts += _growth_before_kill(log, found)
            facts += _withheld_secrets(found.secret_source)
        facts += _workload_growth(context, facts)
        weighed_facts, aside = set_aside(
            incident,
            found.failing_step if found else None,
            found.error_lines if found else (),
            context,
            facts,
        )
        paths = excerpt_files(found)
        raw = gather(self.rules, incident, context, found, weighed_facts, paths)
        signature = found.signature if found and found.error_lines else ""
        if self.memory is not None and signature:
            remembered = self.memory(signature)
            if remembered is not None:
                # An outcome seen for exactly this signature outranks pattern evidence.
                strongest = max((t.score for t in precedence.tally(raw)), default=0.0)
                raw.append(
                    Found(
                        "memory",
                        remembered,
                        None,
                        strongest + self.rules.weights.get("memory", 6.0),
                        "route-memory",
                        f"signature {signature} was fixed by {remembered.value} before",
                        "memory",
                        "cause",
                    )
                )
        weighed, yielded = precedence.apply(self.rules, raw)
        files = context.changed_paths()
        changed = bool(files)
        ranked, passed_over = precedence.change_owner_first(
            self.rules, precedence.tally(weighed, self.rules.type_factors), changed=changed
        )
        step = found.failing_step if found else None
        if not ranked:
            return RoutingDecision(
                agent=Agent.ATLAS,
                failure_type=FailureType.GENERAL,
                confidence=0.2,
                decided_by="prerouter",
                obvious=False,
                summary=summary(incident, found, facts, (), yielded, aside),
                key_error_lines=tuple(found.error_lines[:8]) if found else (),
                suspect_files=suspects(paths, context),
                failing_step=step,
                reason="no routing signal matched; atlas is the default",
            )
        candidates = tuple(t.candidate() for t in ranked)
        best = candidates[0]
        verdict = precedence.verdict(
            self.rules,
            ranked,
            found.earlier_failures if found else (),
            passed_over,
            # asked only of a test's failure, the one kind it concerns (one search a file)
            inert_only=changed
            and best.failure_type in precedence.TEST_TYPES
            and _inert_only(self.rules, files),
        )
        return RoutingDecision(
            agent=best.agent,
            failure_type=best.failure_type,
            confidence=verdict.confidence,
            decided_by="prerouter",
            obvious=verdict.obvious,
            evidence=best.evidence,
            runner_up=candidates[1] if len(candidates) > 1 else None,
            candidates=candidates,
            summary=summary(incident, found, facts, best.evidence, yielded, aside),
            root_cause=root_cause(best.evidence),
            key_error_lines=tuple(found.error_lines[:8]) if found else (),
            suspect_files=suspects(paths, context),
            failing_step=step,
            reason=""
            if verdict.obvious
            else f"not obvious ({verdict.reason}); LLM triage may refine it",
        )

    def _security(self, incident: Incident) -> RoutingDecision:
        failure_type = _ALERT_TYPES.get(incident.event_type, FailureType.VULNERABLE_DEPENDENCY)
        alert = incident.alert
        detail = incident.event_type + (
            f": {alert.package_name or alert.rule_id or ''}" if alert else ""
        )
        evidence = Evidence(
            signal="event",
            agent=Agent.CIPHER,
            failure_type=failure_type,
            weight=10.0,
            rule="security-alert",
            detail=detail,
            source="event",
            role="cause",
        )
        text = f"Security alert `{incident.event_type}`"
        if alert is not None:
            parts = [
                alert.package_name,
                alert.cve_id or alert.ghsa_id,
                alert.rule_id,
                alert.location,
                alert.severity,
            ]
            text += " — " + ", ".join(p for p in parts if p)
        return RoutingDecision(
            agent=Agent.CIPHER,
            failure_type=failure_type,
            confidence=1.0,
            decided_by="rule",
            obvious=True,
            evidence=(evidence,),
            summary=text,
            root_cause=alert.summary if alert else "",
        )


def _inert_only(rules: Rules, files: Sequence[str]) -> bool:
    """Whether every changed file is one no test runs (the rules' ``precedence.inert_files``)."""
    pattern = rules.inert_files
    return pattern is not None and all(pattern.search(f) for f in files)


def _workload_growth(context: ContextBundle, facts: list[Fact]) -> list[Fact]:
    """A finding when a workload the cluster killed for memory logged its holdings climbing.

    The workload's own figures (``dedup set holds 900000 entries``) say the memory went to
    its code, as a killed test's do in the job log; only read when a pod was OOMKilled.
    """
    if not context.loki or not any(
        f.place == "kubernetes" and "OOMKilled" in f.text for f in facts
    ):
        return []
    grew = climbing_holding(list(context.loki[-_LOKI_GROWTH_LINES:]))
    if grew is None:
        return []
    text = redact_lines([f"{_GREW}{grew}"])[0]
    return [Fact("loki", "loki", text, "growth")]


_LOKI_GROWTH_LINES = 200
"""The workload's last lines read for its growth."""


def _withheld_secrets(named: str | None) -> list[Fact]:
    """A finding when the failing job ran without the repository's secrets.

    ``named`` is the source its log's set-up names, as the excerpt's scan read it.
    """
    source = withheld(named)
    if source is None:
        return []
    text = f"the run got no repository secrets (Secret source: {source})"
    return [Fact("error_line", "log", text, "secrets")]


_GREW = "memory grew before the kill: "
"""What a growth finding says first (the rules' ``own-growth`` reads it)."""

_FILLED = "disk use grew before the disk filled: "
"""What a finding of growth before a full disk says first (``own-growth`` reads it too)."""


def _growth_before_kill(log: str, found: Excerpt) -> list[Fact]:
    """A finding when a killed program's own output in the job's raw ``log`` grew.

    Killed for memory, or stopped by a full disk: either way its own figures say whose.
    """
    # one search over the lines first (a kill's words never span a newline): most have none
    joined = "\n".join(found.error_lines)
    for stopped, words in ((is_kill, _GREW), (is_disk_full, _FILLED)):
        if not stopped(joined):
            continue
        line = next((line for line in found.error_lines if stopped(line)), None)
        grew = growth_before_kill(log, line) if line is not None else None
        if grew:
            return [Fact("loki", "log", f"{words}{grew}", "growth")]
    return []


def _excerpt(
    incident: Incident, context: ContextBundle, texts: list[str], *, signed: bool
) -> tuple[Excerpt | None, tuple[str, ...]]:
    """The excerpt, and ``texts`` (the context's findings) redacted in its redaction call."""
    if context.logs:
        return excerpt_with(context.logs, incident.failed_steps, also=texts, signed=signed)
    # without a log, a check run's annotations, else its own output, are the error lines
    # there are
    if context.annotations:
        return excerpt_text_with("\n".join(context.annotations), texts, signed=signed)
    if incident.check_output:
        return excerpt_text_with(incident.check_output, texts, signed=signed)
    return None, tuple(redact_lines(texts))
