"""Schema migrations (Alembic) and syncing declared queues into the database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlmodel import Session, select

from app.models import Queue
from app.routing.queues import QueueDirectory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    command.upgrade(alembic_config(database_url), revision)


def sync_queues(session: Session, queues: QueueDirectory) -> int:
    """Mirror queues.yaml into the queue table; returns how many rows changed."""
    existing = {queue.key: queue for queue in session.exec(select(Queue))}
    changed = 0
    for spec in queues:
        row = existing.get(spec.id) or Queue(key=spec.id, title="", kind=spec.kind)
        values = {"title": spec.title, "kind": spec.kind, "skills": sorted(spec.skills)}
        if any(getattr(row, key) != value for key, value in values.items()) or row.id is None:
            for key, value in values.items():
                setattr(row, key, value)
            session.add(row)
            changed += 1
    session.commit()
    return changed
