"""`frontdoor rules lint` and `frontdoor rules simulate`."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.common import runtime_or_exit, settings_or_exit
from app.routing.lint import example_flags, located_rules, shadowing
from app.routing.simulate import EXAMPLES_DIR, simulate
from app.routing.yaml_source import DataFileError
from app.runtime import load_routing
from app.understanding.safety import SafetyLexiconError
from app.understanding.training_data import load_examples, routable_intents


class BadExampleFile(click.ClickException):
    """Differences are exit 1, as a failed check is; an example file that cannot be read, 2."""

    exit_code = 2


@click.group()
def rules() -> None:
    """Routing rules."""


@rules.command()
def lint() -> None:
    """Validate routing_rules/ (rules, queues, safety cues) and find rules that earlier ones
    shadow; exit 1 naming file and line."""
    settings = settings_or_exit()
    try:
        routing = load_routing(settings)
    except (DataFileError, SafetyLexiconError) as exc:
        raise click.ClickException(str(exc)) from None
    training = ((e.intent, e.text) for e in load_examples(settings.bots_dir))
    findings = shadowing(
        located_rules(settings.routing_rules_dir),
        routable_intents(settings.bots_dir),
        example_flags(training, routing.lexicon),
    )
    for finding in findings:
        click.echo(str(finding), err=True)
    if findings:
        raise click.ClickException(f"{len(findings)} rule(s) shadowed by an earlier rule")
    files = ", ".join(path.name for path in routing.ruleset.sources)
    click.echo(
        f"ok: {len(routing.ruleset.rules)} rules in {files}; {len(list(routing.queues))} queues; "
        f"{len(routing.case_types.by_id)} case types; ruleset {routing.ruleset.version}; "
        "no rule shadowed"
    )


@rules.command("simulate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="Print every example, not only differences.")
def simulate_command(paths: tuple[Path, ...], verbose: bool) -> None:
    """Run example messages (FILE or DIR; routing_rules/examples by default) through the
    embedded classifier and the rules, and list every one routed otherwise than expected."""
    settings = settings_or_exit()
    # The embedded classifier always, so the examples read the same on every machine.
    rt = runtime_or_exit(settings.model_copy(update={"nlu_backend": "embedded"}))
    try:
        results = simulate(rt, paths or (settings.routing_rules_dir / EXAMPLES_DIR,))
    except DataFileError as exc:
        raise BadExampleFile(str(exc)) from None
    finally:
        rt.engine.dispose()
    differ = [result for result in results if result.differences]
    for result in results if verbose else differ:
        click.echo(("DIFF " if result.differences else "ok   ") + result.describe())
    summary = f"{len(results)} examples: {len(results) - len(differ)} as expected"
    if differ:
        raise click.ClickException(f"{summary}, {len(differ)} differ")
    click.echo(summary)
