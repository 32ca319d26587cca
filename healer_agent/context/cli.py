"""``healer mcp check``: one real read through every configured server, from its backend.

A server process that starts proves little: prometheus-mcp-server starts without
Prometheus, argocd-mcp without Argo CD. So for each server the check connects, lists its
tools (allowlisted ones it lacks are a typo or a version drift), then makes the server's
``check`` call, a real read (a query, a list) that must reach the backend and come back
without an error of any of the three styles servers use. A server is ``ok`` only then.
Exit code 3 (a dependency is unavailable) names every server whose backend did not answer.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from healer_agent.context.errors import ContextError, ToolError

if TYPE_CHECKING:  # the MCP client loads when a check runs, not with the CLI
    from healer_agent.context.config import McpConfig
    from healer_agent.context.pool import McpPool

EXIT_UNAVAILABLE = 3
"""The CLI's exit code for a dependency that is unavailable."""


class McpCheckFailed(ContextError):
    """Some server's backend did not answer; the message names every such server."""

    code = EXIT_UNAVAILABLE


async def check_servers(config: McpConfig, pool: McpPool | None = None) -> list[dict[str, Any]]:
    """One report per enabled server (all servers are checked in parallel)."""
    own = pool is None
    from healer_agent.context.pool import McpPool

    pool = pool or McpPool(config)
    try:
        names = list(config.enabled_servers())
        return list(await asyncio.gather(*(_check_one(pool, config, n) for n in names)))
    finally:
        if own:
            await pool.aclose()


async def _check_one(pool: McpPool, config: McpConfig, name: str) -> dict[str, Any]:
    cfg = config.servers[name]
    report: dict[str, Any] = {
        "server": name,
        "transport": cfg.transport,
        "ok": False,
        "connected": False,
        "connect_ms": None,
        "tools_offered": [],
        "allowed_available": [],
        "missing_tools": [],
        "check_tool": cfg.check.tool if cfg.check else None,
        "check_ms": None,
        "check_error": None,
        "error": None,
        "missing_env": list(cfg.missing_env),
    }
    try:
        connect_ms, tools = await pool.probe(name)
    except ToolError as exc:
        report["error"] = f"cannot start or connect: {exc.message}"
        return report
    offered = {t.name for t in tools}
    report.update(
        connected=True,
        connect_ms=round(connect_ms, 1),
        tools_offered=sorted(offered),
        allowed_available=[t for t in cfg.tools if t in offered],
        missing_tools=[t for t in cfg.tools if t not in offered],
        server_info=pool.status()[name].server_info,
    )
    if cfg.check is None:
        report["error"] = "no `check` call configured: the backend was not asked"
        return report
    started = time.monotonic()
    try:
        await pool.call(name, cfg.check.tool, cfg.check.args)
    except ToolError as exc:
        report["check_error"] = f"{exc.kind}: {exc.message}"[:300]
        report["error"] = f"backend did not answer {cfg.check.tool}: {report['check_error']}"
    else:
        report["ok"] = True
    report["check_ms"] = round((time.monotonic() - started) * 1000, 1)
    return report


def failure_message(reports: list[dict[str, Any]]) -> str | None:
    """One line naming every server that is not ok, or None when all answered."""
    down = [f"{r['server']} ({r['error']})" for r in reports if not r["ok"]]
    if not down:
        return None
    return "MCP backend not answering: " + "; ".join(down)


def render_table(reports: list[dict[str, Any]], console: Console) -> None:
    """The human view of :func:`check_servers`."""
    table = Table(title="MCP servers")
    for col in (
        "server",
        "transport",
        "status",
        "connect",
        "tools (allowed/offered)",
        "missing allowlisted",
        "check call",
    ):
        table.add_column(col)
    for r in reports:
        status = "[green]ok[/]" if r["ok"] else f"[red]down[/] {(r['error'] or '')[:60]}"
        check = "-"
        if r["check_tool"]:
            timing = f"{r['check_ms']:.0f} ms" if r["check_ms"] is not None else "-"
            check = f"{r['check_tool']} {timing}"
            if r["check_error"]:
                check += f" [red]{r['check_error'][:40]}…[/]"
        table.add_row(
            r["server"],
            r["transport"],
            status,
            f"{r['connect_ms']:.0f} ms" if r["connect_ms"] is not None else "-",
            f"{len(r['allowed_available'])}/{len(r['tools_offered'])}" if r["connected"] else "-",
            ", ".join(r["missing_tools"]) or "-",
            check,
        )
    console.print(table)
    for r in reports:
        if r["connected"]:
            console.print(f"[bold]{r['server']}[/] allowed: {', '.join(r['allowed_available'])}")
        if r["missing_env"]:
            console.print(f"[yellow]{r['server']}: unset env {', '.join(r['missing_env'])}[/]")


def run_check(
    config_path: Path, *, json_out: bool = False, console: Console | None = None
) -> list[dict[str, Any]]:
    """Check and print; raise :class:`McpCheckFailed` naming the servers that did not answer."""
    from healer_agent.context.config import load_mcp_config

    config = load_mcp_config(config_path)
    if not config.enabled_servers():  # nothing to read context from is an outage too
        raise McpCheckFailed(f"no MCP server is enabled in {config_path}")
    reports = asyncio.run(check_servers(config))
    if json_out:
        typer.echo(json.dumps({"servers": reports}, indent=2))
    else:
        render_table(reports, console or Console())
    message = failure_message(reports)
    if message is not None:
        raise McpCheckFailed(message)
    return reports


def mcp_check_command(
    config: Annotated[
        Path | None,
        typer.Option("--config", help="mcp_servers.yaml (default: HEALER_CONTEXT__MCP_CONFIG)"),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Make one real read through each configured MCP server; exit 3 naming any that fails."""
    if config is None:
        from healer_agent.config import load_settings

        config = load_settings().context.mcp_config
    try:
        run_check(config, json_out=json_out)
    except McpCheckFailed as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(code=exc.code) from None


__all__ = [
    "EXIT_UNAVAILABLE",
    "McpCheckFailed",
    "check_servers",
    "failure_message",
    "mcp_check_command",
    "render_table",
    "run_check",
]
