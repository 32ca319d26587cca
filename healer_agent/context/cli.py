"""``healer mcp check``: connect to every configured server and show what it offers.

For each server: connect time, tools offered, allowlisted tools the server lacks (a typo or a
version drift), and the latency of one cheap call (the server's ``check`` entry). Exit code
1 when any server could not be reached, so CI and operators can gate on it.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from healer_agent.context.config import McpConfig, load_mcp_config
from healer_agent.context.errors import ToolError
from healer_agent.context.pool import McpPool


async def check_servers(config: McpConfig, pool: McpPool | None = None) -> list[dict[str, Any]]:
    """One report per enabled server (all servers are checked in parallel)."""
    own = pool is None
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
        "server": name, "transport": cfg.transport, "ok": False, "connect_ms": None,
        "tools_offered": [], "allowed_available": [], "missing_tools": [],
        "check_tool": cfg.check.tool if cfg.check else None, "check_ms": None,
        "check_error": None, "error": None, "missing_env": list(cfg.missing_env),
    }
    try:
        connect_ms, tools = await pool.probe(name)
    except ToolError as exc:
        report["error"] = exc.message
        return report
    offered = {t.name for t in tools}
    report.update(
        ok=True,
        connect_ms=round(connect_ms, 1),
        tools_offered=sorted(offered),
        allowed_available=[t for t in cfg.tools if t in offered],
        missing_tools=[t for t in cfg.tools if t not in offered],
        server_info=pool.status()[name].server_info,
    )
    if cfg.check is not None:
        started = time.monotonic()
        try:
            await pool.call(name, cfg.check.tool, cfg.check.args)
        except ToolError as exc:
            report["check_error"] = f"{exc.kind}: {exc.message}"[:200]
        report["check_ms"] = round((time.monotonic() - started) * 1000, 1)
    return report


def render_table(reports: list[dict[str, Any]], console: Console) -> None:
    """The human view of :func:`check_servers`."""
    table = Table(title="MCP servers")
    for col in ("server", "transport", "status", "connect", "tools (allowed/offered)",
                "missing allowlisted", "check call"):
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
            r["server"], r["transport"], status,
            f"{r['connect_ms']:.0f} ms" if r["connect_ms"] is not None else "-",
            f"{len(r['allowed_available'])}/{len(r['tools_offered'])}" if r["ok"] else "-",
            ", ".join(r["missing_tools"]) or "-", check,
        )
    console.print(table)
    for r in reports:
        if r["ok"]:
            console.print(f"[bold]{r['server']}[/] allowed: {', '.join(r['allowed_available'])}")
        if r["missing_env"]:
            console.print(f"[yellow]{r['server']}: unset env {', '.join(r['missing_env'])}[/]")


def mcp_check_command(
    config: Annotated[Path, typer.Option("--config", help="mcp_servers.yaml")] = Path(
        "mcp_servers.yaml"
    ),
    json_out: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Connect to each configured MCP server, list its tools and time one cheap call."""
    reports = asyncio.run(check_servers(load_mcp_config(config)))
    if json_out:
        typer.echo(json.dumps({"servers": reports}, indent=2))
    else:
        render_table(reports, Console())
    if not all(r["ok"] for r in reports):
        raise typer.Exit(code=1)


__all__ = ["check_servers", "mcp_check_command", "render_table"]
