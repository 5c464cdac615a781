"""`frontdoor rules lint`: check every routing data file, as start-up does."""

from __future__ import annotations

import click

from app.cli.common import settings_or_exit
from app.routing.yaml_source import DataFileError
from app.runtime import load_routing
from app.understanding.safety import SafetyLexiconError


@click.group()
def rules() -> None:
    """Routing rules."""


@rules.command()
def lint() -> None:
    """Validate routing_rules/ (rules, queues, safety cues); exit 1 naming file and line."""
    settings = settings_or_exit()
    try:
        routing = load_routing(settings)
    except (DataFileError, SafetyLexiconError) as exc:
        raise click.ClickException(str(exc)) from None
    files = ", ".join(path.name for path in routing.ruleset.sources)
    click.echo(
        f"ok: {len(routing.ruleset.rules)} rules in {files}; {len(list(routing.queues))} queues; "
        f"{len(routing.case_types.by_id)} case types; ruleset {routing.ruleset.version}"
    )
