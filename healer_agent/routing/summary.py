"""The decision's summary for the agent's prompt (pure).

What decided it comes first, then the failing step, the first error, the context findings
and the log excerpt.
"""

from __future__ import annotations

from collections.abc import Sequence

from healer_agent.logs import Excerpt
from healer_agent.models import ContextBundle, Evidence, Incident
from healer_agent.routing.facts import Fact

_MAX_EXCERPT_CHARS = 6000


def suspects(named: list[str], context: ContextBundle) -> tuple[str, ...]:
    """Files the error names, then changed files sharing a name with one of them."""
    paths = list(dict.fromkeys(named))
    bases = {p.rsplit("/", 1)[-1] for p in paths}
    for path in context.changed_files:
        if path not in paths and len(paths) < 10 and path.rsplit("/", 1)[-1] in bases:
            paths.append(path)
    return tuple(paths[:10]) or context.changed_paths()[:10]


def root_cause(evidence: tuple[Evidence, ...]) -> str:
    """The strongest cause behind the decision, with its source."""
    for ev in evidence:
        if ev.role == "cause" and ev.detail:
            return f"{ev.source or ev.signal}: {ev.detail}"
    return ""


def summary(
    incident: Incident,
    found: Excerpt | None,
    facts: list[Fact],
    decided: tuple[Evidence, ...],
    yielded: list[str],
    aside: Sequence[Fact] = (),
) -> str:
    """Markdown for the prompt; the deciding evidence comes first.

    ``aside``: findings about workloads other than the step's target, listed so the agent
    can weigh them, and said to be set aside.
    """
    lines: list[str] = []
    top = [e for e in decided if e.detail][:3]
    if top:
        lines.append(
            "**Decided by**: "
            + "; ".join(f"{e.source or e.signal} `{e.rule}` — `{e.detail[:160]}`" for e in top)
        )
    if yielded:
        lines.append("**Precedence**: " + "; ".join(yielded[:4]))
    if found is not None and found.failing_step:
        lines.append(
            f"**Failing step**: `{found.failing_step}`"
            + (f" in job `{found.job_name}`" if found.job_name else "")
        )
    elif incident.failed_steps:
        lines.append(f"**Failing step**: `{incident.failed_steps[0].name}`")
    if found is not None and found.earlier_failures:
        lines.append(
            "**Failed earlier in the job** (the run went on): "
            + ", ".join(f"`{name[:120]}`" for name in found.earlier_failures[:4])
        )
    if found is not None and found.tools:
        lines.append(f"**Tools reporting errors**: {', '.join(found.tools)}")
    if found is not None and found.error_lines:
        lines.append(f"**First error**: `{found.error_lines[0][:200]}`")
    context = [f for f in facts if f.place != "pull_request"]
    if context:
        used = {
            e.detail.split(" (+")[0]
            for e in decided
            if e.source in ("kubernetes", "loki", "argocd", "prometheus")
        }
        ordered = sorted(context, key=lambda f: f.text not in used)
        lines.append(
            "**Context findings**:\n"
            + "\n".join(f"- {f.source}: {f.text[:240]}" for f in ordered[:8])
        )
    if aside:
        subjects = dict.fromkeys(f"{f.source} {f.subject}" for f in aside)
        lines.append(
            "**Set aside** (about other workloads than the one the step targets): "
            + ", ".join(f"`{s[:80]}`" for s in list(subjects)[:6])
        )
    if found is not None and found.text:
        body = found.text[:_MAX_EXCERPT_CHARS].replace("```", "`\u200b``")
        lines.append("\n**Log excerpt**\n\n```text\n" + body + "\n```")
    if found is None:
        lines.append(
            "No log was available; the decision rests on the "
            + ("context findings, " if context else "")
            + "the event's names and files."
        )
    return "\n".join(lines)
