"""`frontdoor demo`: seed demo data so `make run` has something to show."""

from __future__ import annotations

import click

from app.cli.common import runtime_or_exit
from app.db import session as db_session
from app.demo import seed, seed_complaint
from app.migrate import sync_queues


@click.command()
def demo() -> None:
    """Seed demo queues, advisors, bin rounds and residents (idempotent)."""
    rt = runtime_or_exit()
    with db_session(rt.engine) as session:
        sync_queues(session, rt.queues)
        added = seed(session)
        added["complaints"] = int(seed_complaint(session, rt))
    click.echo(
        "demo data: " + ", ".join(f"{count} {what}" for what, count in added.items()) + " added"
    )
