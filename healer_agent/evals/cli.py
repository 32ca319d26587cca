"""``healer eval``: score a router on a labelled dataset and print the report."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from healer_agent.cli_common import CliError, settings_from_env

if TYPE_CHECKING:  # the harness loads when `healer eval` runs, not with the CLI
    from healer_agent.evals.scoring import Report

RouterName = Literal["prerouter", "matrix", "llm", "full"]


def eval_command(
    dataset: Annotated[Path, typer.Option(help="Directory of labelled cases.")] = Path(
        "evals/cases/dev"
    ),
    router: Annotated[str, typer.Option(help="prerouter | matrix | llm | full")] = "prerouter",
    model: Annotated[
        str | None,
        typer.Option(
            help="Triage model for llm/full (any pydantic-ai model string, or 'test' for the "
            "scripted plumbing model)."
        ),
    ] = None,
    json_file: Annotated[
        Path | None,
        typer.Option("--json", help="Write the report as JSON to this file ('-' for stdout)."),
    ] = None,
    min_accuracy: Annotated[
        float | None, typer.Option(help="Exit 1 when agent accuracy is below this.")
    ] = None,
    min_obvious_accuracy: Annotated[
        float | None,
        typer.Option(help="Exit 1 when accuracy on cases tagged 'obvious' is below this."),
    ] = None,
    min_obvious_precision: Annotated[
        float | None,
        typer.Option(help="Exit 1 when the precision of decisions marked obvious is below this."),
    ] = None,
    min_tag_accuracy: Annotated[
        list[str] | None,
        typer.Option(
            help="TAG=ACCURACY: exit 1 when that tag's accuracy is below it, or no case has the "
            "tag (repeatable)."
        ),
    ] = None,
    show_misses: Annotated[int, typer.Option(help="Misses to print.")] = 30,
) -> None:
    """Run every case through the router and report accuracy, F1, confusion, latency."""
    from healer_agent.evals.dataset import DatasetError, load_dataset
    from healer_agent.evals.runner import run_cases
    from healer_agent.evals.scoring import score

    if router not in ("prerouter", "matrix", "llm", "full"):
        raise CliError(f"unknown router {router!r}: use prerouter, matrix, llm or full")
    tag_gates = _tag_gates(min_tag_accuracy or [])
    try:
        cases = load_dataset(dataset)
    except DatasetError as exc:
        raise CliError(str(exc)) from None
    overrides: dict[str, object] = {"routing": {"router": router}}
    if model:
        overrides["triage"] = {"model": model}
    settings = settings_from_env(**overrides)
    from healer_agent.routing.prerouter import PreRouter
    from healer_agent.routing.router import build_router
    from healer_agent.routing.rules import load_rules

    chosen = build_router(settings)
    baseline = (
        PreRouter(load_rules(settings.routing.rules_file)) if router in ("llm", "full") else None
    )
    console = Console(stderr=True)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"routing {len(cases)} cases", total=len(cases))
        outcomes = asyncio.run(
            run_cases(chosen, cases, baseline=baseline, progress=lambda _c: bar.advance(task))
        )
    report = score(router, outcomes)
    if json_file is not None:
        text = json.dumps(report.as_dict(), indent=2)
        if str(json_file) == "-":
            typer.echo(text)
        else:
            json_file.write_text(text)
    if json_file is None or str(json_file) != "-":
        print_report(report, show_misses)
    failed = []
    if min_accuracy is not None and report.agent_accuracy < min_accuracy:
        failed.append(f"agent accuracy {report.agent_accuracy:.3f} < {min_accuracy}")
    if (
        min_obvious_accuracy is not None
        and (report.obvious_tag_accuracy or 0) < min_obvious_accuracy
    ):
        failed.append(
            f"obvious-tag accuracy {report.obvious_tag_accuracy} < {min_obvious_accuracy}"
        )
    if (
        min_obvious_precision is not None
        and (report.obvious_precision or 0) < min_obvious_precision
    ):
        failed.append(f"obvious precision {report.obvious_precision} < {min_obvious_precision}")
    for tag, floor in tag_gates.items():
        row = report.per_tag.get(tag)
        if row is None:
            failed.append(f"no case is tagged {tag!r}")
        elif row["accuracy"] < floor:
            failed.append(f"{tag} accuracy {row['accuracy']:.3f} < {floor}")
    if failed:
        console.print("[red]FAILED:[/red] " + "; ".join(failed))
        raise typer.Exit(1)


def _tag_gates(specs: list[str]) -> dict[str, float]:
    """``["context-driven=0.9"]`` as ``{"context-driven": 0.9}``."""
    gates: dict[str, float] = {}
    for spec in specs:
        tag, sep, value = spec.partition("=")
        try:
            gates[tag.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not tag.strip():
            raise CliError(f"--min-tag-accuracy wants TAG=ACCURACY, got {spec!r}")
    return gates


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def print_report(report: Report, show_misses: int = 30) -> None:
    """The human-readable report."""
    out = Console()
    out.print(
        f"[bold]router {report.router}[/bold] on {report.cases} cases: agent accuracy "
        f"[bold]{report.agent_accuracy:.1%}[/bold], failure type "
        f"{report.failure_type_accuracy:.1%}, macro-F1 {report.macro_f1:.3f}"
    )
    obvious = f"{report.obvious_accuracy:.1%}" if report.obvious_accuracy is not None else "n/a"
    tagged = (
        f"{report.obvious_tag_accuracy:.1%}" if report.obvious_tag_accuracy is not None else "n/a"
    )
    out.print(
        f"decided obvious: {report.obvious_share:.1%} of cases, accuracy {obvious}; "
        f"cases tagged obvious: {tagged}; latency p50 {report.latency_ms['p50']} ms, "
        f"p95 {report.latency_ms['p95']} ms; tiers {report.decided_by}"
    )
    agents = Table(title="per agent")
    for col in ("agent", "precision", "recall", "f1", "support"):
        agents.add_column(col)
    for agent, row in report.per_agent.items():
        agents.add_row(agent, *(str(row[k]) for k in ("precision", "recall", "f1", "support")))
    out.print(agents)
    confusion = Table(title="confusion (rows: expected, columns: decided)")
    confusion.add_column("")
    names = list(report.confusion)
    for name in names:
        confusion.add_column(name, justify="right")
    for name in names:
        confusion.add_row(name, *(str(report.confusion[name][c]) for c in names))
    out.print(confusion)
    out.print(
        f"obvious precision: {_pct(report.obvious_precision)} of the "
        f"{report.obvious_share:.1%} decided obvious; expected calibration error "
        f"{report.expected_calibration_error}"
    )
    bins = Table(title="calibration (confidence bins)")
    for col in ("confidence", "cases", "accuracy", "mean confidence"):
        bins.add_column(col, justify="right")
    for cal in report.calibration:
        bins.add_row(
            cal["bin"],
            str(cal["cases"]),
            _pct(cal["accuracy"]),
            "-" if cal["mean_confidence"] is None else f"{cal['mean_confidence']:.3f}",
        )
    out.print(bins)
    tags = Table(title="per tag")
    tags.add_column("tag")
    tags.add_column("cases", justify="right")
    tags.add_column("accuracy", justify="right")
    for tag, row in report.per_tag.items():
        tags.add_row(tag, str(row["cases"]), f"{row['accuracy']:.1%}")
    out.print(tags)
    if report.llm:
        llm = report.llm
        out.print(
            f"LLM: triaged {llm['triaged']}, fallbacks {llm['fallbacks']}, agreement "
            f"with pre-router {llm['agreement_with_prerouter']}, tokens "
            f"{llm['input_tokens']} in / {llm['output_tokens']} out, tool calls "
            f"{llm['tool_calls']}, estimated cost ${llm['cost_usd']}"
        )
    for miss in report.misses[:show_misses]:
        out.print(
            f"[yellow]miss[/yellow] {miss['case']}: expected {miss['expected']}, got "
            f"{miss['got']} ({miss['decided_by']}, confidence {miss['confidence']})"
        )
        for line in miss["evidence"]:
            out.print(f"    {line}", highlight=False, markup=False)
