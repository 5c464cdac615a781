"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always returns an aware datetime (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use app.clock.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


def empty_list() -> list[Any]:
    """A new empty list: the default for list columns, rather than the builtin `list`.

    SQLModel asks pydantic, on every construction of a table model, whether each default
    factory takes the validated data; pydantic answers with inspect.signature, which for a
    builtin parses its text signature: about 0.15 ms a field, and garbage for the cyclic GC.
    For a plain function it costs a few microseconds. (pydantic/pydantic#13376 is the same
    cost on private attributes.)
    """
    return []


def empty_dict() -> dict[str, Any]:
    """A new empty dict, for the same reason as `empty_list`."""
    return {}


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)
