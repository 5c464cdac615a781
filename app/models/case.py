"""Cases: the council's record of a need, from first contact to closure."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import JSONType, UTCDateTime, empty_list, utcnow


class Case(SQLModel, table=True):
    """A resident's need that outlives one message."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    case_type: str = Field(max_length=40)
    intent: str | None = Field(default=None, max_length=60)
    status: str = Field(default="open", max_length=20, index=True)  # open | closed
    stage: str = Field(max_length=40)
    priority: str = Field(default="normal", max_length=20)
    flags: list[str] = Field(default_factory=empty_list, sa_type=JSONType)
    queue: str | None = Field(default=None, max_length=60, index=True)
    advisor_id: int | None = Field(default=None, foreign_key="advisor.id", index=True)
    channel: str = Field(max_length=20)
    summary: str = ""
    # Photos and files residents sent (MMS media URLs), kept with the case.
    attachments: list[str] = Field(default_factory=empty_list, sa_type=JSONType)
    # The phone number or email the case was raised from: one way a resident can verify.
    raised_from: str | None = Field(default=None, max_length=320)
    # Partners see a case only once the resident has agreed to share it.
    partner_consent: str | None = Field(default=None, max_length=20)
    sla_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    queued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseStageChange(SQLModel, table=True):
    """One step in a case's history: who moved it, when and why."""

    __tablename__ = "case_stage_change"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    from_stage: str | None = Field(default=None, max_length=40)
    to_stage: str = Field(max_length=40)
    actor: str = Field(max_length=200)
    reason: str = ""
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseLink(SQLModel, table=True):
    """Two cases raised for one resident's needs, so whoever holds one sees the other.

    One row per pair, the lower id first; `reason` says why they were linked.
    """

    __tablename__ = "case_link"
    __table_args__ = (UniqueConstraint("case_id", "linked_case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    linked_case_id: int = Field(foreign_key="case.id", index=True)
    reason: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
