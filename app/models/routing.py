"""The record of every routing decision: append-only, never overwritten."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.types import JSONType, UTCDateTime, empty_list, utcnow


class RoutingDecision(SQLModel, table=True):
    """Why a message went where it went."""

    __tablename__ = "routing_decision"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    intent: str = Field(max_length=60)
    confidence: float
    nlu_backend: str = Field(max_length=20)
    rule_id: str = Field(max_length=100, index=True)
    ruleset_version: str = Field(max_length=64)
    safety_override: bool = False
    outcome: str = Field(max_length=20)
    queue: str | None = Field(default=None, max_length=60)
    priority: str = Field(max_length=20)
    flags: list[str] = Field(default_factory=empty_list, sa_type=JSONType)
    cues: list[str] = Field(default_factory=empty_list, sa_type=JSONType)
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
