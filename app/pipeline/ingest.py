"""Persist: store an inbound message once, whatever the channel retries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from app.channels.base import InboundMessage
from app.db import session as db_session
from app.db import upsert_insert
from app.models import Conversation, Message, utcnow

# The channel the workers' relay LISTENs on (app/jobs/relay.py).
INBOUND_CHANNEL = "frontdoor_inbound"

# PostgreSQL: the conversation upsert, the message insert and its announcement in one statement,
# autocommitted, so a new message costs one round trip. NOTIFY is transactional: the relay hears
# of a message only once it is committed, and never of a replay. psycopg's own parameter style,
# because this statement runs on the bare driver connection (see _insert_postgres).
_INGEST_POSTGRES = """
    WITH conversation_row AS (
        INSERT INTO conversation
            (channel, thread_key, state, identity_verified, created_at, last_activity_at)
        VALUES (%(channel)s, %(thread_key)s, '{}', false, %(now)s, %(now)s)
        ON CONFLICT (channel, thread_key) DO UPDATE SET last_activity_at = EXCLUDED.created_at
        RETURNING id
    ), message_row AS (
        INSERT INTO message (conversation_id, direction, channel, external_id, from_address,
                             to_address, body, media, hints, created_at)
        SELECT id, 'in', %(channel)s, %(external_id)s, %(from_address)s, %(to_address)s, %(body)s,
               CAST(%(media)s AS JSONB), CAST(%(hints)s AS JSONB), %(now)s
        FROM conversation_row
        ON CONFLICT (channel, external_id) DO NOTHING
        RETURNING id
    )
    SELECT id, CASE WHEN %(announce)s THEN pg_notify(%(listen_channel)s, id::text) END
    FROM message_row
"""


@dataclass(frozen=True)
class Ingested:
    message_id: int
    created: bool
    processed: bool
    # The database announced it to the workers' relay, which enqueues its handling.
    announced: bool = False


def ingest(engine: Engine, inbound: InboundMessage, announce: bool = False) -> Ingested:
    """Store the message (and upsert its conversation) unless its external id is known.

    The message is committed before this returns, in its own transaction. The insert is
    `ON CONFLICT DO NOTHING`, so concurrent replays race safely: the unique constraint keeps one
    row and every caller learns which one. With `announce` on PostgreSQL, the commit also tells
    the workers' relay (NOTIFY), so the caller need not enqueue anything.
    """
    now = utcnow()
    if engine.dialect.name == "postgresql":
        message_id = _insert_postgres(engine, inbound, now, announce)
        announced = announce
    else:
        with db_session(engine) as session:
            message_id, announced = _insert_portable(session, inbound, now), False
            session.commit()
    if message_id is None:
        with db_session(engine) as session:
            replay = _existing(session, inbound)
        assert replay is not None, "conflicting message vanished"
        return replay
    return Ingested(message_id=message_id, created=True, processed=False, announced=announced)


def _insert_postgres(
    engine: Engine, inbound: InboundMessage, now: datetime, announce: bool
) -> int | None:
    """The one statement, autocommitted on a pooled (pinged) driver connection.

    The busiest write we have: through an ORM session it cost three round trips (BEGIN, the
    statement, COMMIT) and about three times the CPU; it needs none of the session's bookkeeping.
    """
    pooled = engine.raw_connection()
    try:
        driver = pooled.driver_connection
        assert driver is not None
        driver.autocommit = True
        try:
            row = driver.execute(
                _INGEST_POSTGRES,
                {
                    "channel": inbound.channel.value,
                    "thread_key": inbound.thread_key,
                    "now": now,
                    "external_id": inbound.external_id,
                    "from_address": inbound.from_address,
                    "to_address": inbound.to_address,
                    "body": inbound.body,
                    "media": json.dumps(list(inbound.media)),
                    "hints": json.dumps(_hints(inbound)),
                    "announce": announce,
                    "listen_channel": INBOUND_CHANNEL,
                },
            ).fetchone()
        finally:
            if not driver.closed:  # a broken connection is discarded by the pool on return
                driver.autocommit = False
    finally:
        pooled.close()  # back to the pool
    return int(row[0]) if row is not None else None


def _insert_portable(session: Session, inbound: InboundMessage, now: datetime) -> int | None:
    """SQLite: upsert the conversation, then insert the message; two statements."""
    conversation_id = _upsert_conversation(session, inbound, now)
    return _insert_ignoring_conflict(
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


def _upsert_conversation(session: Session, inbound: InboundMessage, now: datetime) -> int:
    return upsert_conversation(session, inbound.channel.value, inbound.thread_key, now)


def upsert_conversation(session: Session, channel: str, thread_key: str, now: datetime) -> int:
    """The conversation's id, creating it if new; either way its last activity is now."""
    table = Conversation.__table__  # type: ignore[attr-defined]
    statement = (
        upsert_insert(session)(table)
        .values(
            channel=channel,
            thread_key=thread_key,
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
        sqlite.insert(table)
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
    if inbound.replaced_characters:
        hints["replaced_characters"] = str(inbound.replaced_characters)
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
