"""Residents and the ways they reach us."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import UTCDateTime, utcnow


class ContactKind(StrEnum):
    """A phone number serves SMS and voice; an email address serves email."""

    PHONE = "phone"
    EMAIL = "email"


class Customer(SQLModel, table=True):
    """One resident, however many channels they use."""

    id: int | None = Field(default=None, primary_key=True)
    name: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    postcode: str | None = Field(default=None, max_length=8, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ContactPoint(SQLModel, table=True):
    """A phone number or email address we have seen for a customer.

    Not unique across customers: a household can share a landline.
    """

    __tablename__ = "contact_point"
    __table_args__ = (UniqueConstraint("customer_id", "kind", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: ContactKind = Field(sa_type=String(10))
    address: str = Field(max_length=320, index=True)
    verified: bool = False
    opted_out: bool = False
    # Nothing is sent here: the resident asked us not to, or someone else reads it.
    no_contact: bool = False
    no_contact_reason: str | None = Field(default=None, max_length=200)
    no_contact_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IdentityCandidate(SQLModel, table=True):
    """A possible match between a conversation and a known customer, for an advisor to confirm."""

    __tablename__ = "identity_candidate"
    __table_args__ = (UniqueConstraint("conversation_id", "customer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    customer_id: int = Field(foreign_key="customer.id")
    score: float
    reason: str = Field(max_length=100)
    status: str = Field(default="proposed", max_length=20)
    decided_by: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
