"""Outbound messages written in the same transaction as the change that caused them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    """A message waiting to go out; the idempotency key stops it being written twice."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    case_id: int | None = Field(default=None, foreign_key="case.id")
    channel: str = Field(max_length=20)
    to_address: str | None = Field(default=None, max_length=320)
    body: str
    # pending -> sending -> sent | failed; cancelled when sending would now be unsafe.
    status: str = Field(default="pending", max_length=20, index=True)
    # Not before this moment (a resident's safe time to be contacted).
    not_before: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Which contact point of the customer this is; fallbacks try the next one.
    fallback_of: int | None = Field(default=None, foreign_key="outbox_message.id")
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    last_error: str | None = Field(default=None, max_length=500)
