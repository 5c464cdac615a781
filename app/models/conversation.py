"""Conversations and every message in or out of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import JSONType, UTCDateTime, empty_dict, empty_list, utcnow


class Conversation(SQLModel, table=True):
    """A thread on one channel: a chat session, an SMS thread, a call, an email thread."""

    __table_args__ = (UniqueConstraint("channel", "thread_key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    # Channel-specific key that groups messages: a chat token hash, "from|to" numbers, a CallSid.
    thread_key: str = Field(max_length=200)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    # A From number or address is a hint; only an explicit check sets this.
    identity_verified: bool = False
    advisor_id: int | None = Field(default=None, foreign_key="advisor.id")
    state: dict[str, Any] = Field(default_factory=empty_dict, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_activity_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Message(SQLModel, table=True):
    """One message in or out. External ids are unique per channel, so replays create nothing."""

    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    direction: str = Field(max_length=3)  # "in" | "out"
    channel: str = Field(max_length=20)
    external_id: str = Field(max_length=200)
    from_address: str | None = Field(default=None, max_length=320)
    to_address: str | None = Field(default=None, max_length=320)
    body: str
    media: list[str] = Field(default_factory=empty_list, sa_type=JSONType)
    # What the resident told us about themselves alongside the message (name, postcode).
    hints: dict[str, str] = Field(default_factory=empty_dict, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    processed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    # Outbound only: the channel's delivery report (queued, sent, delivered, failed, ...).
    delivery_status: str | None = Field(default=None, max_length=20)
