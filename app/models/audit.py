"""Who did or saw what, for the records of vulnerable people."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from app.models.types import JSONType, UTCDateTime, empty_dict, utcnow


class AuditEvent(SQLModel, table=True):
    """An append-only trail: assignments, flag views, identity confirmations."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=60, index=True)
    subject_type: str = Field(max_length=40)
    subject_id: int | None = None
    detail: dict[str, Any] = Field(default_factory=empty_dict, sa_type=JSONType)
