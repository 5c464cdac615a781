"""Phone calls: each IVR step once, and the handoff packet an advisor receives with the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import JSONType, UTCDateTime, empty_dict, empty_list, utcnow


class CallStep(SQLModel, table=True):
    """One webhook of a call and the TwiML we answered, so a retried webhook gets the same."""

    __tablename__ = "call_step"
    __table_args__ = (UniqueConstraint("call_sid", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    call_sid: str = Field(max_length=64)
    seq: int
    step: str = Field(max_length=60)  # the step whose answer this request carries
    digits: str | None = Field(default=None, max_length=40)
    speech: str | None = None
    speech_confidence: float | None = None
    twiml: str
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Handoff(SQLModel, table=True):
    """Everything the bot learned, put on the case as the caller is put through.

    The advisor reads this instead of asking the caller to start again.
    """

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    channel: str = Field(max_length=20)
    queue: str = Field(max_length=60)
    rule_id: str = Field(max_length=120)
    intent: str | None = Field(default=None, max_length=60)
    confidence: float | None = None
    gathered: dict[str, Any] = Field(default_factory=empty_dict, sa_type=JSONType)
    flags: list[str] = Field(default_factory=empty_list, sa_type=JSONType)
    transcript: list[dict[str, Any]] = Field(default_factory=empty_list, sa_type=JSONType)
    summary: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
