"""SLA clocks, notification subscriptions, safe-contact preferences and queue alerts."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, utcnow


class CaseClock(SQLModel, table=True):
    """One SLA clock on one case. The due date is stored, and recomputed when it pauses or the
    policy changes: due = start + working_days + working days spent paused."""

    __tablename__ = "case_clock"
    __table_args__ = (UniqueConstraint("case_id", "clock"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    clock: str = Field(max_length=40)
    working_days: int
    started_on: date
    paused_since: date | None = None
    paused_working_days: int = 0
    due_on: date | None = Field(default=None, index=True)
    stopped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    warned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    breached_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotificationSubscription(SQLModel, table=True):
    """'Tell me when it changes': one message per stage change, on this channel, to this address."""

    __tablename__ = "notification_subscription"
    __table_args__ = (UniqueConstraint("case_id", "channel", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    channel: str = Field(max_length=20)  # sms | email
    address: str = Field(max_length=320)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SafeContact(SQLModel, table=True):
    """How a resident at risk may safely be contacted. Without a row, nothing is sent."""

    __tablename__ = "safe_contact"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", unique=True)
    allow_sms: bool = False
    allow_email: bool = False
    allow_voicemail: bool = False
    # Local times between which contact is safe; both None means any time.
    safe_from: time | None = None
    safe_until: time | None = None
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QueueAlert(SQLModel, table=True):
    """A warning to a queue that a case's clock is about to run out, or has."""

    __tablename__ = "queue_alert"
    __table_args__ = (UniqueConstraint("clock_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    queue: str = Field(max_length=60, index=True)
    case_id: int = Field(foreign_key="case.id")
    clock_id: int = Field(foreign_key="case_clock.id")
    kind: str = Field(max_length=10)  # warning | breach
    due_on: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=200)
