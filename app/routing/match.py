"""The closed set of match operators, and the facts about one message they may look at."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.vocabulary import Channel, Flag, Priority


def _as_tuple(value: Any) -> Any:
    """Let YAML say `intent: missed_bin` as well as `intent: [missed_bin]`."""
    return (value,) if isinstance(value, str) else value


Names = Annotated[tuple[str, ...], BeforeValidator(_as_tuple), Field(min_length=1)]
EntityName = Literal["case_reference", "postcode", "phone", "email"]


class TimeWindow(BaseModel):
    """Local clock time from `start` (inclusive) to `end` (exclusive); may wrap midnight."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True)
class RoutingContext:
    """What the rules may look at: the closed set of facts about one message."""

    intent: str
    confidence: float
    channel: Channel
    flags: frozenset[str]
    open_case_types: frozenset[str]
    local_time: datetime
    working_day: bool
    entities: frozenset[str] = frozenset()
    # The most pressing cue priority per flag, and the flags whose cue forces a person.
    flag_priority: Mapping[str, Priority] = field(default_factory=dict, hash=False)
    forced_flags: frozenset[str] = frozenset()


class Match(BaseModel):
    """The closed set of operators; every operator given must hold (AND)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intent: Names | None = None
    intent_not: Names | None = None
    confidence_at_least: float | None = Field(default=None, ge=0, le=1)
    confidence_below: float | None = Field(default=None, ge=0, le=1)
    channel: Annotated[tuple[Channel, ...], BeforeValidator(_as_tuple)] | None = None
    flags_any: Annotated[tuple[Flag, ...], BeforeValidator(_as_tuple)] | None = None
    flags_all: Annotated[tuple[Flag, ...], BeforeValidator(_as_tuple)] | None = None
    flags_none: Annotated[tuple[Flag, ...], BeforeValidator(_as_tuple)] | None = None
    has_open_case_of_type: Names | None = None
    has_entity: Annotated[tuple[EntityName, ...], BeforeValidator(_as_tuple)] | None = None
    time_of_day: TimeWindow | None = None
    working_day: bool | None = None

    @property
    def is_catch_all(self) -> bool:
        return not self.model_fields_set

    def matches(self, ctx: RoutingContext) -> bool:
        if self.intent is not None and ctx.intent not in self.intent:
            return False
        if self.intent_not is not None and ctx.intent in self.intent_not:
            return False
        if self.confidence_at_least is not None and ctx.confidence < self.confidence_at_least:
            return False
        if self.confidence_below is not None and ctx.confidence >= self.confidence_below:
            return False
        if self.channel is not None and ctx.channel not in self.channel:
            return False
        if self.flags_any is not None and not ctx.flags & {f.value for f in self.flags_any}:
            return False
        if self.flags_all is not None and not {f.value for f in self.flags_all} <= ctx.flags:
            return False
        if self.flags_none is not None and ctx.flags & {f.value for f in self.flags_none}:
            return False
        if self.has_open_case_of_type is not None and not (
            ctx.open_case_types & set(self.has_open_case_of_type)
        ):
            return False
        if self.has_entity is not None and not ctx.entities & set(self.has_entity):
            return False
        if self.time_of_day is not None and not self.time_of_day.contains(
            ctx.local_time.timetz().replace(tzinfo=None)
        ):
            return False
        return self.working_day is None or ctx.working_day == self.working_day
