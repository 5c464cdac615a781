"""Persist: store an inbound message once, whatever the channel retries."""

from __future__ import annotations

from dataclasses import dataclass
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
    """Insert the message (and its conversation) unless its external id is known; commits.

    Both inserts are `ON CONFLICT DO NOTHING`, so concurrent replays race safely: the unique
    constraints keep one row and every caller learns which one.
    """
    existing = _existing(session, inbound)
    if existing is not None:
        return existing
    now = utcnow()
    conversation_id = _insert_ignoring_conflict(
        session,
        Conversation,
        {
            "channel": inbound.channel.value,
            "thread_key": inbound.thread_key,
            "state": {},
            "identity_verified": False,
            "created_at": now,
            "last_activity_at": now,
        },
        conflict=("channel", "thread_key"),
    )
    if conversation_id is None:
        conversation_id = session.exec(
            select(Conversation.id).where(
                Conversation.channel == inbound.channel.value,
                Conversation.thread_key == inbound.thread_key,
            )
        ).one()
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


def _insert_ignoring_conflict(
    session: Session, model: type[SQLModel], values: dict[str, Any], conflict: tuple[str, ...]
) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id; None when the row already existed."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__  # type: ignore[attr-defined]
    statement = (
        dialect.insert(table)
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
