"""The REPL's commands: one registry of (name, help, handler), each handler small.

Handlers print with rich and raise ``CommandError`` for a one-line failure; the loop in
``app.py`` prints it and goes on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from rich.markup import escape
from rich.table import Table

from healer_agent.logs import excerpt
from healer_agent.models import Agent, FailureType, failure_types_for
from healer_agent.repl.session import CommandError, Session
from healer_agent.repl.sources import SourceError, parse_source
from healer_agent.routing.base import Routed
from healer_agent.store import incidents
from healer_agent.store.dialect import utcnow

Handler = Callable[[Session, str], Awaitable[bool]]
"""A handler returns False to end the session."""


@dataclass(frozen=True)
class Command:
    """A slash command."""

    name: str
    usage: str
    help: str
    handler: Handler


async def triage(s: Session, arg: str) -> bool:
    """Gather context, route, show the decision and its evidence."""
    try:
        source = parse_source(arg)
    except SourceError as exc:
        raise CommandError(str(exc)) from None
    context = source.context
    if context is None:
        with s.console.status("gathering context…"):
            context = await s.healer.dispatcher.gather(source.incident)
    routed = await s.healer.dispatcher.route(source.incident, context)
    s.incident, s.context, s.decision = source.incident, context, routed.decision
    s.signature, s.incident_id = routed.signature, None
    d = routed.decision
    s.console.print(
        f"[bold]{escape(source.label)}[/bold] → agent [bold green]{d.agent.value}"
        f"[/bold green], failure type [bold]{d.failure_type.value}[/bold], "
        f"confidence {d.confidence:.2f}, tier {d.decided_by}" + (" (obvious)" if d.obvious else "")
    )
    table = Table(title="evidence", show_lines=False)
    for col in ("signal", "agent", "weight", "rule", "detail"):
        table.add_column(col)
    for ev in d.evidence[:8]:
        table.add_row(ev.signal, ev.agent.value, f"{ev.weight:g}", ev.rule, escape(ev.detail[:90]))
    s.console.print(table)
    if d.runner_up is not None:
        s.console.print(f"runner-up: {d.runner_up.agent.value} ({d.runner_up.score:g})")
    if d.reason:
        s.console.print(f"note: {escape(d.reason)}")
    return True


async def context_cmd(s: Session, arg: str) -> bool:
    """Each source's status, size and time (or one source's content)."""
    _, context, _ = s.require()
    if arg:
        data = context.model_dump(mode="json").get(arg.strip())
        if data is None:
            raise CommandError(
                f"no context source {arg!r}; try logs, changed_files, argocd, "
                "loki, prometheus, kubernetes, pull_request"
            )
        s.console.print_json(json.dumps(data, default=str)[:20000])
        return True
    table = Table(title="context sources")
    for col in ("source", "status", "tokens", "ms", "note"):
        table.add_column(col)
    for name, st in context.sources.items():
        table.add_row(
            name, st.status, str(st.size_tokens), f"{st.elapsed_ms:.0f}", escape(st.note[:80])
        )
    s.console.print(table)
    return True


async def log_cmd(s: Session, arg: str) -> bool:
    """The excerpt, or a step's full (redacted) log in a pager."""
    incident, context, _ = s.require()
    if not context.logs:
        raise CommandError("no log in this incident's context")
    found = excerpt(context.logs, incident.failed_steps)
    if not arg:
        s.console.print(escape(found.text or "(no error lines found)"))
        return True
    from healer_agent.logs import clean_lines, redact, split_steps

    for job in context.logs:
        for step in split_steps(clean_lines(job.text)):
            if arg.lower() in step.name.lower():
                with s.console.pager():
                    s.console.print(escape(redact("\n".join(step.lines))))
                return True
    raise CommandError(f"no step matching {arg!r}")


async def tools(s: Session, arg: str) -> bool:
    """MCP servers and their allowed tools."""
    status_fn = getattr(s.healer.context, "status", None)
    if not callable(status_fn):
        raise CommandError("no MCP servers configured (HEALER_CONTEXT__MODE is not mcp)")
    for name, state in status_fn().items():
        s.console.print(
            f"{name}: {getattr(state, 'phase', '?')}, "
            f"{getattr(state, 'tools_allowed', '?')} tools allowed"
        )
    return True


async def call(s: Session, arg: str) -> bool:
    """Run one allowlisted read-only MCP tool: /call server.tool {json}."""
    pool = s.healer.context.pool
    if pool is None:
        raise CommandError("no MCP servers configured (HEALER_CONTEXT__MODE is not mcp)")
    target, _, raw = arg.partition(" ")
    server, _, tool = target.partition(".")
    if not server or not tool:
        raise CommandError("usage: /call server.tool {json arguments}")
    try:
        args = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as exc:
        raise CommandError(f"arguments are not JSON: {exc.msg}") from None
    started = time.perf_counter()
    try:
        result = await pool.call(server, tool, args)
    except Exception as exc:  # the pool's ToolError and transport errors: one line
        raise CommandError(f"{server}.{tool} failed: {exc}") from None
    s.console.print(f"{server}.{tool} in {(time.perf_counter() - started) * 1000:.0f} ms")
    s.console.print(escape(str(getattr(result, "text", result))[:20000]))
    return True


async def ask(s: Session, arg: str) -> bool:
    """A free question to the triage model, with its tool calls shown."""
    from healer_agent.repl.ask import ask_model

    if not arg.strip():
        raise CommandError("usage: /ask <question>")
    await ask_model(s, arg)
    return True


async def override(s: Session, arg: str) -> bool:
    """Record the operator's decision (it becomes route memory)."""
    _, _, decision = s.require()
    parts = arg.split()
    if not parts or parts[0] not in Agent._value2member_map_:
        raise CommandError("usage: /override <rex|blaze|bolt|cipher|atlas> [failure_type]")
    agent = Agent(parts[0])
    failure_type = decision.failure_type
    if len(parts) > 1:
        if parts[1] not in FailureType._value2member_map_:
            raise CommandError(f"unknown failure type {parts[1]!r}")
        failure_type = FailureType(parts[1])
    if failure_type not in failure_types_for(agent):
        failure_type = sorted(failure_types_for(agent))[0]
    s.decision = decision.model_copy(
        update={
            "agent": agent,
            "failure_type": failure_type,
            "decided_by": "operator",
            "confidence": 1.0,
            "reason": f"operator override (router chose {decision.agent.value})",
        }
    )
    async with s.healer.engine.begin() as conn:
        if s.signature:
            await s.healer.memory.remember(conn, s.signature, agent, "operator")
        if s.incident_id:
            await incidents.update(
                conn,
                s.incident_id,
                operator_agent=agent.value,
                operator_failure_type=failure_type.value,
            )
    s.console.print(f"override stored: {agent.value}/{failure_type.value}")
    return True


async def prompt(s: Session, arg: str) -> bool:
    """Render the CodeRun prompt for the current decision."""
    incident, context, decision = s.require()
    s.console.print(escape(s.healer.renderer.render(incident, decision, context)))
    return True


async def dispatch(s: Session, arg: str) -> bool:
    """Create the CodeRun after confirmation, honouring dedup."""
    incident, context, decision = s.require()
    if not await s.confirm(f"create a CodeRun for {decision.agent.value}? [y/N] "):
        s.console.print("not dispatched")
        return True
    async with s.healer.engine.begin() as conn:
        incident_id, created = await incidents.create_or_get(
            conn,
            incident,
            status="routing",
            dedup_status="new",
            extra={"lease_until": utcnow() + timedelta(minutes=5)},
        )
    s.incident_id = incident_id
    if not created:
        s.console.print(f"existing: incident {incident_id} already covers this failure")
        return True
    routed = Routed(incident, context, decision, s.signature)
    name = await s.healer.dispatcher.dispatch(incident_id, routed)
    s.console.print(
        f"dispatched {name}" if name else "not dispatched (deduplicated or escalated; see /show)"
    )
    return True


async def incidents_cmd(s: Session, arg: str) -> bool:
    """Recent incidents (``--open`` for those in flight)."""
    async with s.healer.engine.connect() as conn:
        rows = await incidents.recent(conn, limit=20, open_only="--open" in arg)
    table = Table(title="incidents")
    for col in ("id", "status", "agent", "type", "repository", "branch", "created"):
        table.add_column(col)
    for row in rows:
        s.seen_ids.append(row["id"])
        table.add_row(
            row["id"][:12],
            row["status"],
            row["agent"] or "-",
            row["failure_type"] or "-",
            row["repository"],
            row["branch"],
            row["created_at"][:19],
        )
    s.console.print(table)
    return True


async def show(s: Session, arg: str) -> bool:
    """One incident in full."""
    if not arg:
        raise CommandError("usage: /show <incident id>")
    async with s.healer.engine.connect() as conn:
        row = await incidents.get(conn, arg.strip())
        if row is None:  # allow the 12-character prefix /incidents shows
            matches = [
                r
                for r in await incidents.recent(conn, limit=200)
                if r["id"].startswith(arg.strip())
            ]
            row = await incidents.get(conn, matches[0]["id"]) if len(matches) == 1 else None
    if row is None:
        raise CommandError(f"no incident {arg.strip()}")
    row.pop("prompt", None)
    s.console.print_json(json.dumps(row, default=str))
    return True


async def status(s: Session, arg: str) -> bool:
    """Queues and incidents."""
    s.console.print_json(json.dumps(await s.healer.status(), default=str))
    return True


async def insights_cmd(s: Session, arg: str) -> bool:
    """The insights report (``/insights 7d``)."""
    from healer_agent.tracking.insights import insights, parse_since

    try:
        period = parse_since(arg.strip() or "7d")
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    async with s.healer.engine.connect() as conn:
        s.console.print_json(json.dumps(await insights(conn, period), default=str))
    return True


async def help_cmd(s: Session, arg: str) -> bool:
    """List the commands."""
    table = Table(title="commands")
    table.add_column("command")
    table.add_column("what")
    for command in COMMANDS.values():
        table.add_row(command.usage, command.help)
    s.console.print(table)
    return True


async def exit_cmd(s: Session, arg: str) -> bool:
    """Leave the REPL."""
    return False


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command(
            "triage",
            "/triage <case.yaml | log | run URL | owner/repo id>",
            "gather context, route, show the decision and evidence",
            triage,
        ),
        Command("context", "/context [source]", "what each context source returned", context_cmd),
        Command("log", "/log [step]", "the log excerpt, or a step's full log", log_cmd),
        Command("tools", "/tools", "MCP servers and their tools", tools),
        Command("call", "/call server.tool {json}", "run one read-only MCP tool", call),
        Command("ask", "/ask <question>", "ask the triage model (tool calls shown)", ask),
        Command("override", "/override <agent> [failure_type]", "record your decision", override),
        Command("prompt", "/prompt", "render the CodeRun prompt", prompt),
        Command("dispatch", "/dispatch", "create the CodeRun (asks first)", dispatch),
        Command("incidents", "/incidents [--open]", "recent incidents", incidents_cmd),
        Command("show", "/show <id>", "one incident in full", show),
        Command("status", "/status", "queues and incidents", status),
        Command("insights", "/insights [7d]", "outcomes and clusters", insights_cmd),
        Command("help", "/help", "this list", help_cmd),
        Command("exit", "/exit", "leave", exit_cmd),
    )
}


async def run_line(s: Session, line: str) -> bool:
    """Execute one input line; False ends the session."""
    line = line.strip()
    if not line:
        return True
    if not line.startswith("/"):
        line = "/ask " + line
    name, _, arg = line[1:].partition(" ")
    command = COMMANDS.get(name.lower())
    if command is None:
        raise CommandError(f"unknown command /{name}; /help lists them")
    return await command.handler(s, arg.strip())
