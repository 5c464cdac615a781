"""Queues and the advisors who work them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.types import JSONType, UTCDateTime, empty_dict, empty_list, utcnow


class Queue(SQLModel, table=True):
    """A mirror of routing_rules/queues.yaml, synced on `frontdoor db upgrade`."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, unique=True)
    title: str = Field(max_length=200)
    kind: str = Field(max_length=20)  # council | partner
    skills: list[str] = Field(default_factory=empty_list, sa_type=JSONType)


class Advisor(SQLModel, table=True):
    """A trained person who takes cases from queues."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320, unique=True)
    skills: list[str] = Field(default_factory=empty_list, sa_type=JSONType)
    languages: list[str] = Field(default_factory=lambda: ["en"], sa_type=JSONType)
    # Concurrent cases per channel, e.g. {"web": 3, "voice": 1}.
    capacity: dict[str, int] = Field(default_factory=empty_dict, sa_type=JSONType)
    available: bool = False
    available_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_assigned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
