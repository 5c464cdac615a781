"""Send: claim one outbox row, hand it to its channel adapter, record the outbound message."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_, update
from sqlmodel import col

from app.channels.base import OutboundMessage
from app.db import session as db_session
from app.models import Conversation, Message, OutboxMessage, utcnow
from app.runtime import Runtime
from app.vocabulary import Channel

log = structlog.get_logger(__name__)

# A row claimed this long ago by a worker that never finished is fair game again.
STALE_CLAIM = timedelta(minutes=2)


def claim(rt: Runtime, outbox_id: int, now: datetime) -> bool:
    """Atomically take the row; only one claimant can win."""
    with db_session(rt.engine) as session:
        result = session.exec(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == outbox_id,
                or_(
                    col(OutboxMessage.status) == "pending",
                    (col(OutboxMessage.status) == "sending")
                    & (col(OutboxMessage.claimed_at) < now - STALE_CLAIM),
                ),
            )
            .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        )
        session.commit()
        return bool(result.rowcount == 1)


def deliver(rt: Runtime, outbox_id: int) -> bool:
    """Send one outbox row; True if this call sent it. Failures are re-raised for rq's Retry."""
    with structlog.contextvars.bound_contextvars(outbox_id=outbox_id):
        return _deliver(rt, outbox_id)


def _deliver(rt: Runtime, outbox_id: int) -> bool:
    if not claim(rt, outbox_id, utcnow()):
        log.info("outbox.skipped", reason="already claimed or sent")
        return False
    with db_session(rt.engine) as session:
        row = session.get_one(OutboxMessage, outbox_id)
        conversation = (
            session.get(Conversation, row.conversation_id) if row.conversation_id else None
        )
        outbound = OutboundMessage(
            outbox_id=outbox_id,
            channel=Channel(row.channel),
            thread_key=conversation.thread_key if conversation else "",
            to_address=row.to_address,
            body=row.body,
        )
        try:
            external_id = rt.adapters[outbound.channel].send(outbound)
        except Exception as exc:
            # Release the claim so the retry can take it, then let rq see the failure.
            row.status, row.claimed_at = "pending", None
            row.last_error = type(exc).__name__
            session.commit()
            log.warning("outbox.send_failed", error=type(exc).__name__)
            raise
        sent = Message(
            conversation_id=row.conversation_id or 0,
            direction="out",
            channel=row.channel,
            external_id=external_id,
            to_address=row.to_address,
            body=row.body,
            processed_at=utcnow(),
        )
        session.add(sent)
        session.flush()
        row.status, row.sent_at, row.message_id = "sent", utcnow(), sent.id
        session.commit()
    log.info("outbox.sent", channel=outbound.channel.value)
    return True
