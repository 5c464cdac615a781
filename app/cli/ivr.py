"""`frontdoor ivr lint` and `frontdoor ivr diagram`: the menu designer's tools."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.common import settings_or_exit
from app.ivr.diagram import mermaid
from app.ivr.flows import parse_flow
from app.ivr.lint import lint_flow
from app.routing.queues import load_queues
from app.routing.yaml_source import DataFileError, load_yaml


@click.group()
def ivr() -> None:
    """Check and draw the telephone menus in ivr_flows/."""


def _flow_files(directory: Path | None) -> tuple[Path, list[Path]]:
    settings = settings_or_exit()
    flows_dir = directory or settings.ivr_flows_dir
    files = sorted(flows_dir.glob("*.yaml"))
    if not files:
        raise click.ClickException(f"{flows_dir}: no flows (*.yaml)")
    return settings.routing_rules_dir, files


@ivr.command("lint")
@click.option("--dir", "directory", type=click.Path(path_type=Path, file_okay=False))
def lint(directory: Path | None) -> None:
    """Validate every flow: schema, unknown or unreachable steps, dead ends, silent loops."""
    rules_dir, files = _flow_files(directory)
    queues = load_queues(rules_dir).by_id.keys()
    problems: list[str] = []
    for path in files:
        try:
            document = load_yaml(path)
            problems += lint_flow(parse_flow(document), document, queues)
        except DataFileError as exc:
            problems.append(str(exc))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {len(files)} flow file(s)")
    click.echo(f"{len(files)} flow file(s) OK")


@ivr.command("diagram")
@click.option("--dir", "directory", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), default=Path("instance/ivr"),
    show_default=True,
)  # fmt: skip
def diagram(directory: Path | None, out: Path) -> None:
    """Write each flow as a Mermaid flowchart (<flow>.mmd), for the people who design menus."""
    _rules_dir, files = _flow_files(directory)
    out.mkdir(parents=True, exist_ok=True)
    for path in files:
        try:
            flow = parse_flow(load_yaml(path))
        except DataFileError as exc:
            raise click.ClickException(str(exc)) from None
        target = out / f"{flow.id}.mmd"
        target.write_text(mermaid(flow), encoding="utf-8")
        click.echo(f"wrote {target}")
