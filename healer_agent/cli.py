"""The ``healer`` command line (typer).

Errors print as one line and exit non-zero; a traceback only with ``--debug``.

Exit codes: 0 success, 1 a check failed (e.g. eval under ``--min-accuracy``), 2 bad usage
or input, 3 a dependency (database, MCP server) is unavailable.

Every command imports what it needs when it runs (here and in the modules that own a
command), so ``healer --help`` does not load the application.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from healer_agent.cli_common import EXIT_FAILED, EXIT_UNAVAILABLE, CliError
from healer_agent.context.cli import mcp_check_command
from healer_agent.evals.cli import eval_command

if TYPE_CHECKING:
    from healer_agent.compose import Healer

app = typer.Typer(
    name="healer",
    help="Route CI failures to the specialist agent that can fix them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
mcp_app = typer.Typer(help="MCP servers Healer gathers context from.", no_args_is_help=True)
mcp_app.command("check")(mcp_check_command)
app.add_typer(mcp_app, name="mcp")
app.command("eval")(eval_command)

console = Console(stderr=True)
_state: dict[str, Any] = {"debug": False}


def settings_from_env(**overrides: Any) -> Any:
    """Settings from the environment (one readable line when invalid)."""
    from healer_agent.cli_common import settings_from_env as load

    return load(**overrides)


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False) -> None:
    _state["debug"] = debug


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="Port to listen on (1-65535).", min=1, max=65535)
    ] = 8080,
    workers: Annotated[
        int | None, typer.Option(help="Pipeline workers (HEALER_WORKER__COUNT).", min=0)
    ] = None,
    processes: Annotated[
        int,
        typer.Option(
            help="Server processes, each with its workers: replicas sharing the inbox "
            "(PostgreSQL, or a SQLite file).",
            min=1,
        ),
    ] = 1,
) -> None:
    """Run the HTTP API and the pipeline workers."""
    import os

    import uvicorn

    from healer_agent.api.app import create_app
    from healer_agent.logs.redact import redact
    from healer_agent.logsetup import configure_logging
    from healer_agent.store.seal import sealer_for

    settings = settings_from_env(worker={"count": workers} if workers is not None else None)
    configure_logging(settings.log_level, redactor=redact)
    try:  # a key file that cannot seal stops the start here, not in the app's lifespan
        sealer_for(settings.store)
    except (ValueError, OSError) as exc:
        raise CliError(f"payload key: {exc}") from None

    def run(app: Any, **extra: Any) -> None:
        try:
            uvicorn.run(
                app,
                host=host,
                port=port,
                log_level="warning",
                access_log=False,
                timeout_graceful_shutdown=15,
                **extra,
            )
        except OSError as exc:
            raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None

    if processes > 1:
        # Replicas: one event loop and one GIL each, sharing the inbox through the database
        # (its leases and claims; on PostgreSQL LISTEN/NOTIFY wakes every replica, on
        # SQLite each wakes its own workers for what it received).
        _prepare_replicas(settings.store)
        os.environ["HEALER_WORKER__COUNT"] = str(settings.worker.count)
        console.print(
            f"healer listening on http://{host}:{port} ({processes} processes, "
            f"{settings.worker.count} workers each)",
            highlight=False,
        )
        run("healer_agent.cli:replica_app", factory=True, workers=processes)
        return

    def announce(healer: Healer) -> None:
        console.print(f"healer listening on http://{host}:{port}", highlight=False)
        for line in healer.describe():
            console.print(f"  {line}", highlight=False, markup=False)

    run(create_app(settings, announce=announce))


def _prepare_replicas(store: Any) -> None:
    """Refuse what replicas cannot share; bring a SQLite schema to head before they start.

    An in-memory database would be one per process. SQLite replicas starting together
    would each find a new file empty and create the tables, so the schema is made here,
    once (PostgreSQL's replicas take turns under an advisory lock).
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from healer_agent.store.db import create_engine, ensure_schema

    if store.is_postgres:
        return
    url = make_url(store.url)
    if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        raise CliError("--processes needs a database file or PostgreSQL, not in-memory SQLite")
    if not store.auto_migrate:
        return

    async def migrate() -> None:
        engine = create_engine(store.url)
        try:
            await ensure_schema(engine, store.url)
        finally:
            await engine.dispose()

    try:
        asyncio.run(migrate())
    except (SQLAlchemyError, OSError) as exc:
        raise CliError(f"database unavailable: {exc}", EXIT_UNAVAILABLE) from exc


def replica_app() -> Any:
    """One process of ``healer serve --processes N``: the app, settings from the environment.

    Once started, it prints ``replica <pid> started`` and what runs (``serve``'s lines).
    """
    import os

    from healer_agent.api.app import create_app
    from healer_agent.logs.redact import redact
    from healer_agent.logsetup import configure_logging

    settings = settings_from_env()
    configure_logging(settings.log_level, redactor=redact)

    def announce(healer: Healer) -> None:
        # each replica says what it runs: its context sources start on their own
        console.print(f"replica {os.getpid()} started", highlight=False)
        for line in healer.describe():
            console.print(f"  {line}", highlight=False, markup=False)

    return create_app(settings, announce=announce)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply the schema migrations to HEALER_STORE__URL."""
    from sqlalchemy.exc import SQLAlchemyError

    from healer_agent.store.db import current_revision_sync, upgrade_sync

    settings = settings_from_env()
    try:
        upgrade_sync(settings.store.url, revision)
        current = current_revision_sync(settings.store.url)
    except (SQLAlchemyError, OSError) as exc:
        raise CliError(f"database unavailable: {exc}", EXIT_UNAVAILABLE) from exc
    typer.echo(f"database at revision {current}")


@app.command()
def status(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Queue depth, incidents by status, CodeRuns in flight, held-back work, dead rows."""
    result = asyncio.run(_with_healer(lambda h: h.status()))
    if json_out:
        typer.echo(json.dumps(result, indent=2, default=str))
        return
    from rich.table import Table

    table = Table(title="Healer status")
    table.add_column("what")
    table.add_column("value", justify="right")
    for name, count in sorted(result["queue"]["inbox"].items()):
        table.add_row(f"inbox {name}", str(count))
    for name, count in sorted(result["incidents"].items()):
        table.add_row(f"incidents {name}", str(count))
    table.add_row("waiting for routing", str(result["queue"]["waiting_for_routing"]))
    table.add_row("oldest waiting (s)", str(result["queue"]["oldest_waiting_s"]))
    admission = result.get("admission", {})
    table.add_row(
        "CodeRuns in flight",
        f"{admission.get('in_flight', 0)} / "
        f"{admission.get('max_in_flight', '-')} "
        f"({admission.get('max_in_flight_per_repo', '-')} per repository)",
    )
    table.add_row("held back", str(admission.get("held", 0)))
    table.add_row("verifying", str(result.get("verifying", 0)))
    table.add_row("commands pending", str(result.get("commands_pending", 0)))
    Console().print(table)
    for row in admission.get("held_back", []):
        typer.echo(f"held: {row['count']} in {row['repository']}: {row['reason']}")
    for row in admission.get("open_breakers", []):
        typer.echo(
            f"breaker open: {row['agent']} on {row['repository']} after "
            f"{row['failures']} failed fixes (since {row['opened_at']})"
        )
    for row in result["dead"]:
        typer.echo(f"dead: {row['delivery_id']} {row['event_type']}: {row['error']}")


@app.command()
def replay(delivery_id: Annotated[str, typer.Argument(help="X-GitHub-Delivery id.")]) -> None:
    """Put a stored delivery back in the queue and process it again."""

    async def _run(healer: Any) -> str:
        from healer_agent.store import inbox

        async with healer.engine.begin() as conn:
            found = await inbox.reset(conn, delivery_id)
        if not found:
            raise CliError(f"no delivery {delivery_id}")
        await healer.drain()
        async with healer.engine.connect() as conn:
            row = await inbox.get(conn, delivery_id)
        return json.dumps(row.result if row else None)

    typer.echo(asyncio.run(_with_healer(_run)))


@app.command()
def insights(
    since: Annotated[str, typer.Option(help="Period: 7d, 24h, 30m ...")] = "7d",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Outcomes, time to fix, dedup, tiers, held back, handed off, timed out, signatures."""
    from healer_agent.tracking.insights import insights as compute
    from healer_agent.tracking.insights import parse_since

    try:
        period = parse_since(since)
    except ValueError as exc:
        raise CliError(str(exc)) from None

    async def _run(healer: Any) -> Any:
        async with healer.engine.connect() as conn:
            return await compute(conn, period)

    report = asyncio.run(_with_healer(_run))
    if json_out:
        typer.echo(json.dumps(report, indent=2, default=str))
        return
    out = Console()
    out.print(
        f"{report['incidents']} incidents from {report['events']} events since "
        f"{report['since']}; dedup ratio {report['dedup_ratio']}; tiers "
        f"{report['decisions_by_tier']}; operator overrides "
        f"{report['operator_override_rate']}"
    )
    loop = report.get("loop", {})
    out.print(
        f"loop: {loop.get('held_back', 0)} held back, {loop.get('handed_off', 0)} "
        f"handed off, {loop.get('timed_out', 0)} timed out, "
        f"{loop.get('unconfirmed', 0)} unconfirmed, {loop.get('escalated', 0)} escalated",
        highlight=False,
    )
    from rich.table import Table

    for title, key in (("per agent", "by_agent"), ("per failure type", "by_failure_type")):
        table = Table(title=title)
        for col in (
            "",
            "remediations",
            "fixed",
            "failed",
            "escalated",
            "success",
            "ttf p50 s",
            "ttf p90 s",
            "attempts",
        ):
            table.add_column(col)
        for name, row in report[key].items():
            table.add_row(
                name,
                *(
                    str(row[k])
                    for k in (
                        "remediations",
                        "fixed",
                        "failed",
                        "escalated",
                        "success_rate",
                        "time_to_fix_p50_s",
                        "time_to_fix_p90_s",
                        "attempts",
                    )
                ),
            )
        out.print(table)
    for sig in report["top_signatures"]:
        out.print(
            f"signature {sig['signature']}: {sig['count']}x {sig['agents']} "
            f"({sig['first_seen']} .. {sig['last_seen']})"
        )


@app.command()
def escalations(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Failures handed to people: past the attempt cap, or when triage asked for a person."""
    from healer_agent.tracking.records import list_escalations

    async def _run(healer: Any) -> Any:
        async with healer.engine.connect() as conn:
            return await list_escalations(conn)

    rows = asyncio.run(_with_healer(_run))
    if json_out:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        typer.echo("no escalations")
    for row in rows:
        typer.echo(
            f"{row['created_at']} {row['repository']}@{row['branch']} incident "
            f"{row['incident_id']}: {row['reason']} {row['channels']}"
        )


@app.command()
def repl() -> None:
    """The interactive triage REPL (history, completion, /help)."""
    from healer_agent.repl.app import run_repl

    asyncio.run(_with_healer(run_repl))


@app.command()
def triage(
    source: Annotated[
        str, typer.Argument(help="case.yaml, a log file, a run URL, or 'owner/repo run-id'.")
    ],
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the RoutingDecision as JSON.")
    ] = False,
    dispatch: Annotated[bool, typer.Option("--dispatch", help="Also create the CodeRun.")] = False,
) -> None:
    """Route one failure and show (or dispatch) the decision."""
    from healer_agent.repl.sources import SourceError, parse_source

    try:
        parsed = parse_source(source)
    except SourceError as exc:
        raise CliError(str(exc)) from None

    async def _run(healer: Any) -> Any:
        from rich.progress import Progress

        from healer_agent.store import incidents

        context = parsed.context
        if context is None:
            with Progress(console=console, transient=True) as bar:
                bar.add_task("gathering context", total=None)
                context = await healer.dispatcher.gather(parsed.incident)
        routed = await healer.dispatcher.route(parsed.incident, context)
        name = None
        if dispatch:
            async with healer.engine.begin() as conn:
                incident_id, created = await incidents.create_or_get(
                    conn, parsed.incident, status="routing", dedup_status="new"
                )
            name = (
                await healer.dispatcher.dispatch(incident_id, routed)
                if created
                else f"existing incident {incident_id}"
            )
        return routed.decision, name

    decision, name = asyncio.run(_with_healer(_run))
    if json_out:
        typer.echo(decision.model_dump_json(indent=2))
    else:
        Console().print(
            f"{parsed.label}: [bold]{decision.agent.value}[/bold] / "
            f"{decision.failure_type.value} (confidence {decision.confidence:.2f},"
            f" {decision.decided_by}{', obvious' if decision.obvious else ''})"
        )
        for ev in decision.evidence[:5]:
            Console().print(
                f"  {ev.signal} {ev.rule} ({ev.weight:g}): {ev.detail[:100]}",
                markup=False,
                highlight=False,
            )
    if dispatch:
        console.print(f"dispatch: {name or 'not dispatched'}")


async def _with_healer(fn: Any) -> Any:
    from sqlalchemy.exc import SQLAlchemyError

    from healer_agent.compose import build_healer

    healer = build_healer(settings_from_env())
    try:
        await healer.start(workers=0)
        return await fn(healer)
    except (SQLAlchemyError, OSError) as exc:
        raise CliError(f"database unavailable: {exc}", EXIT_UNAVAILABLE) from exc
    finally:
        await healer.stop()


def main() -> None:
    """Console-script entry point (click's standalone mode: usage errors exit 2)."""
    try:
        app()
    except CliError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        if _state["debug"]:
            raise
        sys.exit(exc.code)
    except KeyboardInterrupt:
        console.print("aborted")
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line, no traceback
        if _state["debug"] or "--debug" in sys.argv:
            raise
        console.print(f"[red]error:[/red] {type(exc).__name__}: {exc}", highlight=False)
        sys.exit(EXIT_FAILED)


__all__ = ["CliError", "app", "main"]
