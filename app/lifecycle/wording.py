"""How we tell a resident where their case is: one wording for status replies and updates."""

from __future__ import annotations

from datetime import date

from app.lifecycle.types import CaseType
from app.models import Case, CaseClock


def friendly_date(day: date) -> str:
    """`Friday 12 December`."""
    return f"{day:%A} {day.day} {day:%B}"


def where_it_is(case: Case, case_type: CaseType) -> str:
    """`Your complaint WNC-204318 is being investigated.`"""
    stage = case_type.lifecycle.stage(case.stage)
    return f"Your {case_type.title} {case.reference} {stage.says}."


def when_due(clock: CaseClock | None, case_type: CaseType, today: date) -> str:
    """The promise and whether we are keeping it, or '' when no clock runs."""
    if clock is None:
        return ""
    spec = next(c for c in case_type.clocks if c.id == clock.clock)
    if spec.hours is not None:
        # Counted in real hours, day or night; the team is alerted as it runs, not the resident.
        return f" We aim to {spec.aim} within {spec.hours} hour{'s' if spec.hours != 1 else ''}."
    if clock.due_on is None:
        return " Our clock is paused while we wait to hear from you."
    days = f"{clock.working_days} working day{'s' if clock.working_days != 1 else ''}"
    if today <= clock.due_on:
        return (
            f" We aim to {spec.aim} by {friendly_date(clock.due_on)}, "
            f"so we are still within our {days}."
        )
    return (
        f" We aimed to {spec.aim} by {friendly_date(clock.due_on)}, so we are past our {days}. "
        "I am sorry: the team has been told it is overdue."
    )
