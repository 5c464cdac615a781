"""Send: claim one outbox row, hand it to its channel adapter, record the outbound message.

Claiming is one atomic UPDATE, so a row claimed twice (a retry racing the sweep) is sent once.
A permanent refusal marks the row failed and tries the resident's next contact point.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from app import audit
from app.channels.base import OutboundMessage
from app.channels.errors import PermanentDeliveryError
from app.db import session as db_session
from app.lifecycle.notify import safe_to_send
from app.models import Case, ContactKind, ContactPoint, Conversation, Message, OutboxMessage, utcnow
from app.pipeline.safe_reply import DEVICE_CHANNELS, no_contact
from app.runtime import Runtime
from app.vocabulary import Channel

log = structlog.get_logger(__name__)
SENDER = "frontdoor:outbox"
CHANNEL_BY_KIND = {ContactKind.PHONE.value: "sms", ContactKind.EMAIL.value: "email"}


def stale_claim(rt: Runtime) -> timedelta:
    return timedelta(seconds=rt.settings.outbox_stale_claim_seconds)


def claim(rt: Runtime, outbox_id: int, now: datetime) -> bool:
    """Atomically take a due row; only one claimant can win."""
    with db_session(rt.engine) as session:
        result = session.exec(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == outbox_id,
                or_(col(OutboxMessage.not_before).is_(None), col(OutboxMessage.not_before) <= now),
                or_(
                    col(OutboxMessage.status) == "pending",
                    (col(OutboxMessage.status) == "sending")
                    & (col(OutboxMessage.claimed_at) < now - stale_claim(rt)),
                ),
            )
            .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        )
        session.commit()
        return bool(result.rowcount == 1)


def deliver(rt: Runtime, outbox_id: int) -> bool:
    """Send one outbox row; True if this call sent it. Transient failures re-raise for rq."""
    with structlog.contextvars.bound_contextvars(outbox_id=outbox_id):
        if not claim(rt, outbox_id, utcnow()):
            log.info("outbox.skipped", reason="not due, already claimed or sent")
            return False
        with db_session(rt.engine) as session:
            return _send_claimed(rt, session, session.get_one(OutboxMessage, outbox_id))


def _send_claimed(rt: Runtime, session: Session, row: OutboxMessage) -> bool:
    now = utcnow()
    case = session.get(Case, row.case_id) if row.case_id else None
    if row.channel in DEVICE_CHANNELS and no_contact(session, row.to_address):
        _cancel(session, row, case, "this contact point is marked no contact")
        return False
    if case is not None and row.channel in DEVICE_CHANNELS:
        # Preferences may have changed since the row was written: check again at the last moment.
        verdict = safe_to_send(session, case, row.channel, now, rt.calendar)
        if not verdict.allowed or verdict.not_before is not None:
            _hold_or_cancel(session, row, case, verdict.not_before, verdict.reason)
            return False
    conversation = session.get(Conversation, row.conversation_id) if row.conversation_id else None
    outbound = OutboundMessage(
        outbox_id=row.id or 0,
        channel=Channel(row.channel),
        thread_key=conversation.thread_key if conversation else "",
        to_address=row.to_address,
        body=row.body,
    )
    adapter = rt.adapters.get(outbound.channel)
    try:
        if adapter is None:
            raise PermanentDeliveryError(f"channel {row.channel} is not configured")
        if _opted_out(session, row.to_address):
            raise PermanentDeliveryError("the resident has opted out", opted_out=True)
        external_id = adapter.send(outbound)
    except PermanentDeliveryError as refused:
        _fail_and_fall_back(rt, session, row, case, refused)
        return False
    except Exception as exc:
        # Release the claim so the retry can take it, then let rq see the failure.
        row.status, row.claimed_at, row.last_error = "pending", None, type(exc).__name__
        session.add(row)
        session.commit()
        log.warning("outbox.send_failed", error=type(exc).__name__)
        raise
    conversation_id = row.conversation_id or _conversation_for(session, row)
    record_sent(session, row, conversation_id, external_id, now)
    session.commit()
    log.info("outbox.sent", channel=row.channel)
    return True


def record_sent(
    session: Session, row: OutboxMessage, conversation_id: int, external_id: str, now: datetime
) -> Message:
    """Mark the row sent and keep the outbound message with the conversation."""
    sent = Message(
        conversation_id=conversation_id,
        direction="out",
        channel=row.channel,
        external_id=external_id,
        to_address=row.to_address,
        body=row.body,
        processed_at=now,
        delivery_status="sent",
    )
    session.add(sent)
    session.flush()
    row.status, row.sent_at, row.message_id, row.claimed_at = "sent", now, sent.id, now
    session.add(row)
    return sent


def _opted_out(session: Session, address: str | None) -> bool:
    """Known to have said STOP: no point asking the channel to refuse it again."""
    if address is None:
        return False
    return (
        session.exec(
            select(ContactPoint.id).where(
                ContactPoint.address == address, col(ContactPoint.opted_out).is_(True)
            )
        ).first()
        is not None
    )


def _hold_or_cancel(
    session: Session, row: OutboxMessage, case: Case, later: datetime | None, reason: str
) -> None:
    if later is None:
        _cancel(session, row, case, reason)
        return
    row.status, row.claimed_at, row.not_before = "pending", None, later
    session.add(row)
    session.commit()


def _cancel(session: Session, row: OutboxMessage, case: Case | None, reason: str) -> None:
    """Not sent, and never will be: audited on the case (or the row) with the reason."""
    row.status, row.last_error = "cancelled", reason[:500]
    subject, subject_id = ("case", case.id) if case is not None else ("outbox", row.id)
    audit.record(
        session, SENDER, "notification.withheld", subject, subject_id,
        channel=row.channel, reason=reason, outbox_id=row.id,
    )  # fmt: skip
    session.add(row)
    session.commit()


def _fail_and_fall_back(
    rt: Runtime,
    session: Session,
    row: OutboxMessage,
    case: Case | None,
    refused: PermanentDeliveryError,
) -> None:
    """Mark the row failed; queue the same words to the customer's next usable contact point."""
    row.status, row.last_error = "failed", refused.reason[:500]
    session.add(row)
    if refused.opted_out and row.to_address:
        for point in session.exec(
            select(ContactPoint).where(ContactPoint.address == row.to_address)
        ):
            point.opted_out = True
            session.add(point)
    fallback = _next_contact(rt, session, row, case) if case is not None else None
    if fallback is not None:
        session.add(fallback)
    session.commit()
    log.warning("outbox.failed", reason=refused.reason, fallback=fallback is not None)
    if fallback is not None and fallback.id is not None:
        rt.jobs.enqueue("send", fallback.id)


def _next_contact(
    rt: Runtime, session: Session, row: OutboxMessage, case: Case
) -> OutboxMessage | None:
    if case.customer_id is None:
        return None
    tried = {row.to_address}
    earlier = row
    while earlier.fallback_of is not None:
        earlier = session.get_one(OutboxMessage, earlier.fallback_of)
        tried.add(earlier.to_address)
    points = session.exec(
        select(ContactPoint)
        .where(
            ContactPoint.customer_id == case.customer_id,
            col(ContactPoint.opted_out).is_(False),
            col(ContactPoint.no_contact).is_(False),
        )
        .order_by(col(ContactPoint.verified).desc(), col(ContactPoint.id))
    ).all()
    for point in points:
        channel = CHANNEL_BY_KIND.get(point.kind)
        if point.address in tried or channel is None:
            continue
        if not safe_to_send(session, case, channel, utcnow(), rt.calendar).allowed:
            continue
        fallback = OutboxMessage(
            idempotency_key=f"{row.idempotency_key}:fallback:{point.id}",
            case_id=case.id,
            channel=channel,
            to_address=point.address,
            body=row.body,
            fallback_of=row.id,
        )
        session.add(fallback)
        session.flush()
        return fallback
    return None


def _conversation_for(session: Session, row: OutboxMessage) -> int:
    """Notifications start their own conversation on the channel, keyed by the address."""
    key = f"notify|{row.to_address}"
    existing = session.exec(
        select(Conversation.id).where(
            Conversation.channel == row.channel, Conversation.thread_key == key
        )
    ).first()
    if existing is not None:
        return existing
    conversation = Conversation(channel=row.channel, thread_key=key)
    session.add(conversation)
    session.flush()
    return conversation.id or 0
