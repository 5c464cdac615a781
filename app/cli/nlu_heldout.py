"""`frontdoor nlu evaluate --heldout FILE`: the whole router scored on labelled messages."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from app.cli.common import runtime_or_exit
from app.heldout import HeldOutFileError, HeldOutReport, evaluate_heldout

# A working Tuesday morning, so time-of-day rules read every set the same way.
DEFAULT_MOMENT = datetime(2026, 11, 24, 10, 0)


def run_heldout(paths: tuple[Path, ...], at: datetime | None, as_json: bool) -> None:
    rt = runtime_or_exit()
    now = (at or DEFAULT_MOMENT).replace(tzinfo=rt.calendar.zone)
    try:
        report = evaluate_heldout(rt, paths, now)
    except HeldOutFileError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print_heldout(report)


def print_heldout(report: HeldOutReport) -> None:
    click.echo(
        f"held-out: {report.messages} messages ({report.english} in English)\n"
        f"  intent top-1, English      {report.intent_accuracy:.1%} after asking which of two "
        f"({report.asked_which} asked), {report.intent_accuracy_unasked:.1%} at first reading\n"
        f"  outcome acceptable         {report.outcome_acceptable:.1%}\n"
        f"  at risk who reached a person  {report.safety_reached_person} of "
        f"{report.safety_critical} ({report.safety_recall:.1%})\n"
        f"  risk to life as emergency  {report.risk_to_life_emergency} of {report.risk_to_life}\n"
        f"  interpreter flagged        {report.interpreter_flagged} of {report.non_english}\n"
        f"  false alarms               {report.false_alarms} of {report.bot_right} "
        f"({report.false_alarm_rate:.1%}) bot-right messages sent to a person"
    )
    click.echo("  outcome by channel: " + ", ".join(
        f"{channel} {share:.1%}" for channel, share in report.outcome_by_channel.items()
    ))  # fmt: skip
    if report.safety_misses:
        click.echo("  at risk and left with a bot:")
        for miss in report.safety_misses:
            click.echo(f"    {miss['id']} ({miss['family']}): {miss['outcome']} by {miss['rule']}")
    if report.interpreter_misses:
        click.echo("  not flagged for an interpreter: " + ", ".join(report.interpreter_misses))
    if report.false_alarm_ids:
        click.echo("  false alarms: " + ", ".join(report.false_alarm_ids))
    for row in report.intent_confusions:
        click.echo(f"    {row['count']:>3} x {row['intent']} -> {row['predicted']}")
