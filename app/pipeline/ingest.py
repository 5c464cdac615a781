"""Persist: store an inbound message once, whatever the channel retries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, select

from app.channels.base import InboundMessage
from app.models import Conversation, Message, utcnow


@dataclass(frozen=True)
class Ingested:
    message_id: int
    created: bool
    processed: bool


def ingest(session: Session, inbound: InboundMessage) -> Ingested:
    """Insert the message (and upsert its conversation) unless its external id is known; commits.

    The message insert is `ON CONFLICT DO NOTHING`, so concurrent replays race safely: the
    unique constraint keeps one row and every caller learns which one. A new message costs two
    statements and a commit.
    """
    now = utcnow()
    conversation_id = _upsert_conversation(session, inbound, now)
    message_id = _insert_ignoring_conflict(
        session,
        Message,
        {
            "conversation_id": conversation_id,
            "direction": "in",
            "channel": inbound.channel.value,
            "external_id": inbound.external_id,
            "from_address": inbound.from_address,
            "to_address": inbound.to_address,
            "body": inbound.body,
            "media": list(inbound.media),
            "hints": _hints(inbound),
            "created_at": now,
        },
        conflict=("channel", "external_id"),
    )
    session.commit()
    if message_id is None:
        replay = _existing(session, inbound)
        assert replay is not None, "conflicting message vanished"
        return replay
    return Ingested(message_id=message_id, created=True, processed=False)


def _dialect(session: Session) -> Any:
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite


def _upsert_conversation(session: Session, inbound: InboundMessage, now: datetime) -> int:
    """The conversation's id, creating it if new; either way its last activity is now."""
    table = Conversation.__table__  # type: ignore[attr-defined]
    statement = (
        _dialect(session)
        .insert(table)
        .values(
            channel=inbound.channel.value,
            thread_key=inbound.thread_key,
            state={},
            identity_verified=False,
            created_at=now,
            last_activity_at=now,
        )
        .on_conflict_do_update(
            index_elements=["channel", "thread_key"], set_={"last_activity_at": now}
        )
        .returning(table.c.id)
    )
    return int(session.execute(statement).scalar_one())


def _insert_ignoring_conflict(
    session: Session, model: type[SQLModel], values: dict[str, Any], conflict: tuple[str, ...]
) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id; None when the row already existed."""
    table = model.__table__  # type: ignore[attr-defined]
    statement = (
        _dialect(session)
        .insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(table.c.id)
    )
    row = session.execute(statement).first()
    return int(row[0]) if row is not None else None


def _hints(inbound: InboundMessage) -> dict[str, str]:
    hints = {"name": inbound.name_hint, "postcode": inbound.postcode_hint}
    if inbound.from_kind is not None and inbound.from_address is not None:
        hints["from_kind"] = inbound.from_kind.value
    return {key: value for key, value in hints.items() if value}


def _existing(session: Session, inbound: InboundMessage) -> Ingested | None:
    row = session.exec(
        select(Message.id, Message.processed_at).where(
            Message.channel == inbound.channel.value,
            Message.external_id == inbound.external_id,
        )
    ).first()
    if row is None:
        return None
    message_id, processed_at = row
    assert message_id is not None
    return Ingested(message_id=message_id, created=False, processed=processed_at is not None)
