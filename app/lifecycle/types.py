"""routing_rules/case_types.yaml and calendar.yaml: lifecycles as data, validated at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.lifecycle.details import Details
from app.routing.yaml_source import DataFileError, YamlDocument, load_yaml

CASE_TYPES_FILE = "case_types.yaml"
CALENDAR_FILE = "calendar.yaml"
_ID = r"^[a-z][a-z0-9_]*$"


class StageSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    says: str = Field(min_length=1)
    final: bool = False
    waits_on_resident: bool = False


class ClockSpec(BaseModel):
    """An SLA clock: runs from reaching `starts` until any of `stops`, in working days, or in
    hours for a risk that keeps no office hours (nights, weekends and holidays all count)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    starts: str
    stops: tuple[str, ...] = Field(min_length=1)
    working_days: int | None = Field(default=None, gt=0, le=365)
    hours: int | None = Field(default=None, gt=0, le=336)
    # What we promise by the due date, for the resident: "We aim to {aim} by ...".
    aim: str = "reply"

    @model_validator(mode="after")
    def _one_unit(self) -> ClockSpec:
        if (self.working_days is None) == (self.hours is None):
            raise ValueError(f"clock {self.id!r} needs working_days or hours, not both")
        return self

    @property
    def in_hours(self) -> bool:
        return self.hours is not None


class Lifecycle(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stages: tuple[StageSpec, ...] = Field(min_length=2)
    transitions: dict[str, tuple[str, ...]]
    clocks: tuple[ClockSpec, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Lifecycle:
        ids = [stage.id for stage in self.stages]
        if len(set(ids)) != len(ids):
            raise ValueError("stage ids must be unique")
        known = set(ids)
        for source, targets in self.transitions.items():
            for name in (source, *targets):
                if name not in known:
                    raise ValueError(f"transition names unknown stage {name!r}")
        for spec in self.stages:
            if spec.final and spec.id in self.transitions:
                raise ValueError(f"final stage {spec.id!r} cannot move on")
            if not spec.final and not self.transitions.get(spec.id):
                raise ValueError(f"stage {spec.id!r} is a dead end: mark it final or add moves")
        for clock in self.clocks:
            for name in (clock.starts, *clock.stops):
                if name not in known:
                    raise ValueError(f"clock {clock.id!r} names unknown stage {name!r}")
        return self

    @property
    def initial(self) -> str:
        return self.stages[0].id

    def stage(self, stage_id: str) -> StageSpec:
        return next(stage for stage in self.stages if stage.id == stage_id)

    def allows(self, source: str, target: str) -> bool:
        return target in self.transitions.get(source, ())


class CaseTypeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    title: str
    lifecycle: str
    clock_days: dict[str, Annotated[int, Field(gt=0, le=365)]] = Field(default_factory=dict)
    # A lifecycle's clock counted in real hours for this type (an emergency's first contact).
    clock_hours: dict[str, Annotated[int, Field(gt=0, le=336)]] = Field(default_factory=dict)
    # What the bot gathers before the case opens (app/lifecycle/details.py).
    details: Details = ()


class _CaseTypesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lifecycles: dict[str, Lifecycle]
    case_types: list[CaseTypeSpec] = Field(min_length=1)


_HOURS = r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$"
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)


class _CalendarSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    closure_days: list[date] = Field(default_factory=list)
    # The phone lines' hours, local time; closed on bank holidays and closure days too.
    opening_hours: dict[Weekday, Annotated[str, Field(pattern=_HOURS)]] = Field(
        default_factory=dict
    )


class _CalendarFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    calendar: _CalendarSpec


@dataclass(frozen=True)
class CaseType:
    """A case type with its lifecycle and its clocks' working days resolved."""

    id: str
    title: str
    lifecycle: Lifecycle
    clocks: tuple[ClockSpec, ...]
    details: Details = ()


@dataclass(frozen=True)
class CaseTypeDirectory:
    by_id: Mapping[str, CaseType]

    def __contains__(self, case_type: object) -> bool:
        return case_type in self.by_id

    def __getitem__(self, case_type: str) -> CaseType:
        return self.by_id[case_type]


def load_case_types(rules_dir: Path) -> CaseTypeDirectory:
    """Read and cross-check case_types.yaml; raises DataFileError naming file and line."""
    document = load_yaml(rules_dir / CASE_TYPES_FILE)
    parsed = document.parse(_CaseTypesFile)
    by_id: dict[str, CaseType] = {}
    for index, spec in enumerate(parsed.case_types):
        where: list[int | str] = ["case_types", index]
        if spec.id in by_id:
            raise document.error([*where, "id"], f"duplicate case type {spec.id!r}")
        lifecycle = parsed.lifecycles.get(spec.lifecycle)
        if lifecycle is None:
            raise document.error([*where, "lifecycle"], f"unknown lifecycle {spec.lifecycle!r}")
        by_id[spec.id] = CaseType(
            spec.id, spec.title, lifecycle, _clocks(document, where, spec, lifecycle), spec.details
        )
    return CaseTypeDirectory(by_id=by_id)


def _clocks(
    document: YamlDocument, where: list[int | str], spec: CaseTypeSpec, lifecycle: Lifecycle
) -> tuple[ClockSpec, ...]:
    known = {clock.id for clock in lifecycle.clocks}
    for field in ("clock_days", "clock_hours"):
        for clock_id in getattr(spec, field):
            if clock_id not in known:
                raise document.error([*where, field], f"unknown clock {clock_id!r}")
    for clock_id in spec.clock_hours:
        if clock_id in spec.clock_days:
            raise document.error([*where, "clock_hours"], f"clock {clock_id!r} in days and hours")
    return tuple(_resolved(clock, spec) for clock in lifecycle.clocks)


def _resolved(clock: ClockSpec, spec: CaseTypeSpec) -> ClockSpec:
    if clock.id in spec.clock_hours:
        return clock.model_copy(update={"working_days": None, "hours": spec.clock_hours[clock.id]})
    if clock.id in spec.clock_days:
        return clock.model_copy(update={"working_days": spec.clock_days[clock.id], "hours": None})
    return clock


def load_closure_days(rules_dir: Path) -> frozenset[date]:
    """Council closure days from calendar.yaml (none if the file is absent)."""
    return frozenset(_calendar_spec(rules_dir).closure_days)


def load_opening_hours(rules_dir: Path) -> dict[int, tuple[time, time]]:
    """Opening hours by weekday number (Monday 0) from calendar.yaml."""
    spec = _calendar_spec(rules_dir)
    hours: dict[int, tuple[time, time]] = {}
    for day, span in spec.opening_hours.items():
        opens, closes = (time.fromisoformat(part) for part in span.split("-"))
        if closes <= opens:
            path = rules_dir / CALENDAR_FILE
            raise load_yaml(path).error(
                ["calendar", "opening_hours", day], f"{day} closes before it opens"
            )
        hours[WEEKDAYS.index(day)] = (opens, closes)
    return hours


def _calendar_spec(rules_dir: Path) -> _CalendarSpec:
    path = rules_dir / CALENDAR_FILE
    if not path.exists():
        return _CalendarSpec()
    return load_yaml(path).parse(_CalendarFile).calendar


__all__ = [
    "CaseType",
    "CaseTypeDirectory",
    "DataFileError",
    "load_case_types",
    "load_closure_days",
    "load_opening_hours",
]
