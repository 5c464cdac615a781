"""`frontdoor db upgrade`: migrate the schema and sync declared queues."""

from __future__ import annotations

import click

from app.cli.common import runtime_or_exit
from app.db import session as db_session
from app.migrate import sync_queues, upgrade


@click.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def upgrade_command(revision: str) -> None:
    """Apply migrations, then mirror routing_rules/queues.yaml into the queue table."""
    rt = runtime_or_exit()
    upgrade(rt.settings.database_url, revision)
    with db_session(rt.engine) as session:
        changed = sync_queues(session, rt.queues)
    click.echo(f"database at {revision}; {changed} queue(s) synced")
