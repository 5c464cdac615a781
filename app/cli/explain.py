"""`frontdoor explain`: why would this message be routed where it is?"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from app.cli.common import runtime_or_exit
from app.explain import explain as explain_message
from app.models import utcnow
from app.vocabulary import Channel

CHANNELS = [channel.value for channel in Channel]


@click.command()
@click.argument("text", required=False)
@click.option("--channel", type=click.Choice(CHANNELS), default="web", show_default=True)
@click.option(
    "--jsonl",
    "jsonl",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='A file of {"text", "channel"} lines; prints one object per line.',
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (always so with --jsonl).")
@click.option(
    "--at",
    "at",
    type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
    help="Pretend it is this local time (for time-of-day rules).",
)
def explain(
    text: str | None, channel: str, jsonl: Path | None, as_json: bool, at: datetime | None
) -> None:
    """Show intent, outcome, queue, priority, flags, the rule that fired and the reply."""
    if (text is None) == (jsonl is None):
        raise click.UsageError("give TEXT or --jsonl FILE (not both)")
    rt = runtime_or_exit()
    now = at.replace(tzinfo=rt.calendar.zone) if at else utcnow()
    if jsonl is not None:
        for number, line in enumerate(jsonl.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                result = explain_message(
                    rt, str(item["text"]), Channel(item.get("channel", channel)), now
                )
            except (json.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
                raise click.ClickException(f"{jsonl}:{number}: {exc}") from None
            click.echo(json.dumps(result, ensure_ascii=False))
        return
    assert text is not None
    result = explain_message(rt, text, Channel(channel), now)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        click.echo(f"{key:>10}: {value}")
